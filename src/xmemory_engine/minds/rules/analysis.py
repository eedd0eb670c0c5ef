"""One text read once: its sentences, typed values, named entities and who each pronoun means.

The result is schema-agnostic. People and organizations become `Entity`s; every mention of
one (its name, a shorter form of it, or a pronoun) is a `Mention` in its sentence, so later
rules can ask "who is this sentence about" and "who is nearest to this email".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from xmemory_engine.minds.rules.deeds import past
from xmemory_engine.minds.rules.names import (
    ANIMALS,
    CURRENCY_CODES,
    META_LABELS,
    Candidate,
    classify,
    employer_in_address,
    find_candidates,
    firm_in_address,
    gender,
    given_name,
    other_sex,
    owned_person_noun,
    person_noun,
    spelled,
    title_and_family_name,
    told_gender,
)
from xmemory_engine.minds.rules.speaker import SPEAKER, introduction, self_words
from xmemory_engine.minds.rules.text import (
    PRONOUNS_THING,
    UPPER,
    Sentence,
    Span,
    find_values,
    lexicon,
    split_sentences,
)

# Stands for "the person the previous conversation was about": a pronoun with no antecedent
# in the text, resolved (or dropped) through the stored records.
LOOKUP_PERSON = "@recent-person"
_PRONOUN = re.compile(r"\b(he|she|him|her|his|hers|they|them|their|it|its)\b", re.IGNORECASE)
# A capitalised word and one space right before a number: "Company 7", "Person 00042".
_NAMED_NUMBER = re.compile(rf"(?<!\w){UPPER}[\w'\u2019&-]*\s$")
_NOUN = re.compile(r"\s*([^\W\d_][\w\-]*)")
# What a person has of their own, said after "my" / "the user's": their details, not others.
_OWN_DETAILS = lexicon("analysis.own_details")
# Labels a note about its writer may open with ("Update: joined Globex"); none is no label.
_NOTE_LABELS = frozenset(("", *META_LABELS))
_SHE = frozenset({"she", "her", "hers"})
_HE = frozenset({"he", "him", "his"})
_PREPOSITIONS = frozenset({"at", "in", "for", "with", "from", "to", "by", "of", "on", "about"})
# Where a clause with a subject of its own may open: after a semicolon, or a word joining two
# statements ("while", "whereas", "but", ", and").
_CLAUSE_JOINT = re.compile(
    r"(?:;|,?\s+(?:while|whilst|whereas|but|although|though)|,\s+and|\s+and\s+then)\s+", re.I
)


@dataclass
class Entity:
    """A person or organization named in the text."""

    key: str
    kind: str  # person | org
    name: str
    first_sentence: int = 0


@dataclass(frozen=True)
class Mention:
    entity: str  # Entity.key
    start: int
    end: int
    pronoun: bool = False
    possessive: bool = False
    speaker: bool = False  # I, me, my: the speaker (see `speaker.py`)


@dataclass
class Analyzed:
    sentence: Sentence
    values: list[Span]
    mentions: list[Mention]
    places: list[Candidate]
    things: list[Candidate]
    candidates: list[Candidate]
    intro: tuple[int, int] | None = None  # "My name is Sam Carter": said by the name itself

    @property
    def text(self) -> str:
        return self.sentence.text

    def possessing_another(self, m: Mention) -> bool:
        """ "User's *mentor* at Hooli", "my *copy* of Middlemarch": a possessive whose noun is
        not one of the possessor's own details. What follows is about that noun (a person, a
        thing), not the possessor, whose "email is", "title at X" or "address is" are theirs."""
        if not m.possessive:
            return False
        noun = _NOUN.match(self.text, m.end)
        if noun is None:
            return False
        word = noun.group(1).lower()
        if m.speaker:
            return word not in _OWN_DETAILS
        head = _NOUN.match(self.text, noun.end())  # "Mateo's business *partner*"
        return person_noun(word) or (head is not None and person_noun(head.group(1)))

    def subject(self) -> Mention | None:
        """Who the sentence is about: its first mention not inside a prepositional phrase;
        rather another person than the speaker ("I met Sarah Chen ..." is about Sarah)."""
        free = []
        for m in self.mentions:
            if self.possessing_another(m):
                continue
            before = self.text[: m.start].split()
            if not before or before[-1].lower().strip(",") not in _PREPOSITIONS:
                free.append(m)
        other = [m for m in free if not m.speaker and not m.entity.startswith("org:")]
        if free and free[0].speaker and other:
            return other[0]
        if free:
            return free[0]
        owners = [m for m in self.mentions if not self.possessing_another(m)]
        return owners[0] if owners else None

    def clause_subjects(self) -> list[tuple[Mention, str]]:
        """Each person named first in a clause joined on after the sentence's first ("Leo has
        football on Thursdays, while Freya does swimming on Saturdays"), with that clause: what
        it says is theirs. A possessive opening a clause is its subject's owner, not it."""
        out: list[tuple[Mention, str]] = []
        for joint in _CLAUSE_JOINT.finditer(self.text):
            start = joint.end()
            first = next((m for m in self.mentions if m.start >= start), None)
            if first is None or first.start != start or first.speaker or first.possessive:
                continue
            if first.entity.startswith("org:"):
                continue
            stop = _CLAUSE_JOINT.search(self.text, first.end)
            clause = self.text[start : stop.start() if stop else len(self.text)].strip()
            if len(clause.split()) > 2:  # a name and a verb at least: something said
                out.append((first, clause.rstrip(" ,;")))
        return out

    def owner_at(self, position: int) -> Mention | None:
        """The mention nearest before `position` (else the subject) - who a value belongs to.
        A possessive whose noun is someone or something else ("our *designer*") owns that
        noun, not what follows it: "Ann Lee is our designer, ann@lee.io" is Ann's email."""
        before = [m for m in self.mentions if m.end <= position and not self.possessing_another(m)]
        if before:
            people = [m for m in before if not m.entity.startswith("org:")]
            return (people or before)[-1]
        return self.subject()


@dataclass
class TextAnalysis:
    sentences: list[Analyzed]
    entities: dict[str, Entity] = field(default_factory=dict)
    speaker: str | None = None  # the entity key of the person the text introduces as "I"

    def people(self) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == "person"]

    def orgs(self) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == "org"]

    def kinds_by_name(self) -> dict[str, str]:
        """What each name was read as: its lower-cased name -> person or org."""
        return {e.name.lower(): e.kind for e in self.entities.values()}


def analyze(
    text: str,
    today: date,
    *,
    resolve_pronouns: bool = True,
    known: Mapping[str, str] | None = None,
) -> TextAnalysis:
    sentences = split_sentences(text)
    values = [find_values(s.text, today) for s in sentences]
    candidates = [
        find_candidates(s.text, i, _masks(s.text, values[i]) + _quoted(s.text))
        for i, s in enumerate(sentences)
    ]
    # A name an email address's domain spells is a firm's ("Beit Zeitoun" beside
    # leila@beitzeitoun.co.uk), whatever else the text says of it.
    emails = [str(v.value) for vs in values for v in vs if v.kind == "email"]
    addressed = {firm_in_address(e) for e in emails} - {""}
    staffed = {employer_in_address(e) for e in emails} - {""}
    kinds = classify([c for cs in candidates for c in cs], known, addressed, staffed)
    # A number that ended up inside a name ("Company 7") is the name's, not a value.
    values = [
        [
            v
            for v in vs
            if not any(
                c.name.lower() in kinds and c.start <= v.start and v.end <= c.end for c in cs
            )
        ]
        for vs, cs in zip(values, candidates, strict=True)
    ]
    intro = introduction([s.text for s in sentences], candidates, kinds)
    if intro is not None:
        kinds[intro.name.lower()] = "person"
    _firms_by_first_word(kinds, candidates, staffed)
    _firms_own_s([s.text for s in sentences], kinds, candidates)
    canon = _canonical_names(kinds, candidates)
    theed = _named_with_the([s.text for s in sentences], kinds, candidates)
    canon |= {key: "The " + canon.get(key, key) for key in theed}
    _other_names(sentences, candidates, kinds, canon)
    result = TextAnalysis([])
    if intro is not None:
        result.speaker = canon.get(intro.name.lower(), intro.name).lower()
    last_people: list[str] = []  # the people the last sentence naming anyone named, in order
    last_org: str | None = None

    # The gender the words naming someone said ("Ms Huang", "my sister Anouk"), first told.
    told: dict[str, str] = {}

    def gender_of(key: str) -> str | None:
        entity = result.entities.get(key)
        if entity is None:
            return None
        return told.get(key) or gender(entity.name)

    for i, sentence in enumerate(sentences):
        mentions: list[Mention] = []
        places: list[Candidate] = []
        things: list[Candidate] = []
        for cand in candidates[i]:
            kind = kinds.get(cand.name.lower())
            if kind in ("person", "org"):
                name = canon.get(cand.name.lower(), cand.name)
                key = f"{'org:' if kind == 'org' else ''}{name.lower()}"
                result.entities.setdefault(key, Entity(key, kind, name, i))
                if kind == "person" and (said := told_gender(sentence.text, cand.start, cand.end)):
                    told.setdefault(key, said)
                # "playing at The Crown": the name's own "The" is part of what names it.
                theirs = cand.name.lower() in theed and _the_before(sentence.text, cand.start)
                start = cand.start - 4 if theirs else cand.start
                mentions.append(Mention(key, start, cand.end, possessive=cand.possessive))
            elif kind == "place":
                places.append(cand)
            elif kind == "thing":
                things.append(cand)
        selves = _self_mentions(sentence.text, mentions, values[i], result.speaker)
        if resolve_pronouns:
            mentions += _pronouns(
                sentence.text,
                mentions,
                last_people,
                last_org,
                values[i],
                gender_of,
                [m for m in selves if _THIRD_PERSON_SELF.match(sentence.text, m.start)],
            )
        # "started a new job at Northwind on Monday, I'm a data analyst": a clause after the
        # opening one saying "I" leaves the opening's subject unsaid all the same ("my" said
        # later is no subject: "changed my mind on …" stays a note of its own).
        unsaid = _unsaid_self(sentence.text, mentions, result.speaker)
        if unsaid and not any(m.start <= unsaid[0].start or m.possessive for m in selves):
            selves = unsaid + selves
        mentions += selves
        mentions.sort(key=lambda m: m.start)
        people: list[str] = []
        for m in mentions:
            if m.entity.startswith("org:"):
                last_org = m.entity
            elif not m.speaker:  # "he" later means a person named, never the speaker
                people = [p for p in people if p != m.entity] + [m.entity]
        last_people = people or last_people
        spoken = (intro.start, intro.end) if intro is not None and intro.sentence == i else None
        result.sentences.append(
            Analyzed(sentence, values[i], mentions, places, things, candidates[i], spoken)
        )
    return result


def _self_mentions(
    text: str, named: list[Mention], values: list[Span], speaker: str | None
) -> list[Mention]:
    """I, me, my: the introduced speaker, else `SPEAKER` (a stored one, or nobody). "Our"
    only before a person noun ("our electrician is Élodie"): the user's, as "my" would say;
    "our bookings" are the group's, and their details are not the user's."""
    taken = [(m.start, m.end) for m in named]
    out = []
    for w in self_words(text, taken, values):
        mine = w.group().lower() in ("my", "our") or w.group()[-1:] in "sS"
        owned = _OWNED_PERSON.match(text, w.end()) if mine else None
        if owned is not None and owned_person_noun(owned.group("noun")):
            # "my sister's email", "our vet's phone": the sister's, the vet's, never the
            # user's; who they are is settled once the text is read (`TIE`).
            noun = owned.group("noun").lower()
            out.append(
                Mention(f"{TIE}{noun}", w.start(), owned.end(), pronoun=True, possessive=True)
            )
            continue
        if w.group().lower() == "our" and not _person_noun_after(text, w.end()):
            continue
        out.append(
            Mention(
                speaker or SPEAKER,
                w.start(),
                w.end(),
                pronoun=True,
                possessive=w.group().lower() in ("my", "mine", "our") or w.group()[-1:] in "sS",
                speaker=True,
            )
        )
    return out


# A note that leaves out its subject, as people write of themselves and agents of the user:
# "Joined Stripe as a backend engineer", "Just started a new job at Monzo", "Update: moved to
# Lisbon", "Lives in Cork". It opens (after a label, an adverb) on a verb in its past form or
# in the form a third person's takes; what it tells is the speaker's.
_UNSAID_SUBJECT = re.compile(
    r"^\s*(?:(?P<label>[^\W\d_][\w\s\-]{0,20}):\s*)?(?:(?:just|recently|finally|also|now|then|"
    r"today|yesterday|already)\s+)?(?P<verb>[^\W\d_][\w\-]*)(?P<after>\s*\S*)",
    re.IGNORECASE,
)
_OWN_VERBS = lexicon("analysis.own_verbs")


def _unsaid_self(text: str, named: list[Mention], speaker: str | None) -> list[Mention]:
    """The speaker, where a sentence that names no one opens on a verb of theirs (see
    `_UNSAID_SUBJECT`): a mention of no words, right before the verb."""
    opening = _UNSAID_SUBJECT.match(text)
    if opening is None or (opening.group("label") or "").lower() not in _NOTE_LABELS:
        return []
    verb, after = opening.group("verb").lower(), opening.group("after").strip().lower()
    # `deeds.past` leaves out the -ed words of a state ("moved", "based", "married"), which
    # opening a note are the user's too ("Moved to Lisbon", "Based in Leeds").
    done = past(verb) or (verb.endswith("ed") and len(verb) >= 5)
    if after.startswith((":", "by")) or not (done or verb in _OWN_VERBS):
        return []  # "Booked: …", "Delivered by DPD": a label, a deed of someone named after
    at = opening.start("verb")
    if any(m.start < at for m in named):
        return []  # "Tom: joined Globex": the one named first is who did it
    return [Mention(speaker or SPEAKER, at, at, pronoun=True, speaker=True)]


TIE = "@tie:"
"""Stands for the person a first-person possessive names by a tie ("my sister's"): the one
the text or the store holds with that tie, or nobody."""
_OWNED_PERSON = re.compile(r"\s+(?:[a-z]+\s+)?(?P<noun>[^\W\d_][\w\-]*)['\u2019]s\b")


def _person_noun_after(text: str, end: int) -> bool:
    """A person noun next, or after one lower-case word narrowing it ("our piano teacher")."""
    after = re.match(r"\s+([^\W\d_][\w\-]*)(?:\s+([^\W\d_][\w\-]*))?", text[end:])
    if after is None:
        return False
    first, second = after.group(1), after.group(2)
    return owned_person_noun(first) or (
        first.islower() and second is not None and owned_person_noun(second)
    )


# What someone is called besides their name, said right after it: "Małgorzata Wiśniewska,
# everyone calls her Gosia", "Evangelos Papadakis (everyone calls him Vangelis)", "known as",
# "goes by", "aka".
_CALLED_ALSO = re.compile(
    r"(?:\bcall(?:s|ed)?\s+(?:him|her|them)|\bknown\s+as|\bgoes\s+by|\baka|\ba\.k\.a\.)\s+$",
    re.IGNORECASE,
)


def _other_names(
    sentences: Sequence[Sentence],
    candidates: list[list[Candidate]],
    kinds: dict[str, str],
    canon: dict[str, str],
) -> None:
    """A name said to be what the person named just before it is called is that person: one
    entity, by their full name, not a firm or someone else ("…, everyone calls her Gosia")."""
    for sentence, cands in zip(sentences, candidates, strict=True):
        for before, cand in itertools.pairwise(cands):
            if kinds.get(before.name.lower()) != "person" or " " in cand.name:
                continue
            if not _CALLED_ALSO.search(sentence.text[before.end : cand.start]):
                continue
            kinds[cand.name.lower()] = "person"
            canon[cand.name.lower()] = canon.get(before.name.lower(), before.name)


def _firms_own_s(
    texts: list[str], kinds: dict[str, str], candidates: list[list[Candidate]]
) -> None:
    """A firm's name said with an 's that owns nothing keeps it ("a midwife at St Mary's so
    mornings are hard", "works at Sainsbury's now"): the 's is the name's, not an owner's. A
    person's stays theirs ("dinner at Oksana's on Saturday")."""
    for c in (c for cs in candidates for c in cs):
        if c.owns_nothing and kinds.get(c.name.lower()) == "org":
            c.name += texts[c.sentence][c.end - 2 : c.end]
            c.possessive = False
            kinds.setdefault(c.name.lower(), "org")


def _firms_by_first_word(
    kinds: dict[str, str], candidates: list[list[Candidate]], staffed: set[str]
) -> None:
    """A one-word name read as someone's that the text also gives as the first word of one
    firm's name is that firm said short ("Leaning SunVolt" after "SunVolt Energy"), unless it
    is a given name or said with a title ("Dr Lindqvist" beside "Lindqvist & Co"). A given
    name is the firm's too when an address someone has there spells its name (`staffed`:
    "Next Terra order" beside "Terra Ceramica" and joao@terraceramica.pt)."""
    titled = {c.name.lower() for cands in candidates for c in cands if c.titled}
    firms = [key for key, kind in kinds.items() if kind == "org" and len(key.split()) > 1]
    for key, kind in list(kinds.items()):
        if kind != "person" or " " in key or key in titled:
            continue  # a place stays one ("Manchester" beside "Manchester Airport")
        opened = [firm for firm in firms if firm.split()[0] == key]
        if given_name(key) and not any(spelled(firm) in staffed for firm in opened):
            continue
        if len(opened) == 1:
            kinds[key] = "org"


def _named_with_the(
    texts: list[str], kinds: dict[str, str], candidates: list[list[Candidate]]
) -> set[str]:
    """The firms whose name opens with "The", as the text writes it capitalised where no
    sentence opens and no title-cased line runs ("My band is The Velvet Hinges", "a dinner
    club called The Long Table"): a capital there is the name's, as "Ltd" would be. Their
    other mentions ("the Velvet Hinges", "Velvet Hinges") name them too."""
    return {
        c.name.lower()
        for cs in candidates
        for c in cs
        if kinds.get(c.name.lower()) == "org"
        and not c.name.lower().startswith("the ")
        and _the_before(texts[c.sentence], c.start)
    }


def _the_before(text: str, start: int) -> bool:
    """Whether a capitalised "The" stands right before `start`, after a word in small
    letters or a mark inside the sentence (not its first word, nor a heading's)."""
    if text[max(0, start - 4) : start] != "The ":
        return False
    before = text[: start - 4].rstrip()
    if not before or before[-1] in ".!?\n":
        return False
    last = before.split()[-1]
    return not last[:1].isupper()


def _canonical_names(kinds: dict[str, str], candidates: list[list[Candidate]]) -> dict[str, str]:
    """Each person name -> the longest name it is part of ("alice" -> "Alice Johnson")."""
    full: dict[str, str] = {}
    for cands in candidates:
        for c in cands:
            if kinds.get(c.name.lower()) in ("person", "org"):
                full.setdefault(c.name.lower(), c.name)
    canon: dict[str, str] = {}
    for key, name in full.items():
        # "Dr. Rahman" after "Dr. Fatima Rahman": a title before a family name alone is
        # the one so called, unless it says another sex than the given name.
        titled = title_and_family_name(key)
        alone, said = titled if titled is not None else (key, None)
        longer = [
            other
            for okey, other in full.items()
            if okey != key
            and kinds.get(okey) == kinds.get(key)
            and len(okey.split()) > len(key.split()) - (titled is not None)
            and (okey.split()[0] == key or okey.split()[-1] == alone or okey.startswith(key + " "))
            and not other_sex(said, okey)
        ]
        canon[key] = longer[0] if len(longer) == 1 else name
    return canon


def _pronouns(
    text: str,
    named: list[Mention],
    last_people: list[str],
    last_org: str | None,
    values: list[Span],
    gender_of: Callable[[str], str | None],
    users: list[Mention],
) -> list[Mention]:
    """Who each pronoun of the sentence means: the nearest person before it (in the sentence,
    else in the last sentence that named anyone) whose given name does not say the other
    gender ("Lena Fischer and Paulo Mendes. She handles ..." : Lena). `users`: where the
    sentence calls the speaker "User" or "the user", as an agent's notes do; nearest before
    a possessive or a gendered pronoun, they are who it means ("User is planning a party for
    their grandmother", "user upgraded … so she can use the wheels")."""
    out: list[Mention] = []
    said = {m.group().lower() for m in _PRONOUN.finditer(text)}
    # "She handles the backend while he owns the app": two people the sentence does not name.
    # Each is told apart by gender only when a given name says it for certain; otherwise the
    # sentence stays whole in what was said rather than giving one's fact to the other.
    both = bool(said & _SHE) and bool(said & _HE) and not [n for n in named if not n.speaker]
    for m in _PRONOUN.finditer(text):
        if any(v.start <= m.start() < v.end for v in values):
            continue
        word = m.group().lower()
        possessive = word in ("his", "their", "its", "hers") or (
            word == "her" and not _object_her(text, m)
        )
        user = next((u for u in reversed(users) if u.end <= m.start()), None)
        person = next(
            (n for n in reversed(_earlier_of(named, m.start())) if not n.entity.startswith("org:")),
            None,
        )
        if (
            (possessive or word in _SHE or word in _HE)
            and word != "its"
            and user is not None
            and (person is None or person.end < user.end)
            and not _someone_between(text[user.end : m.start()])
        ):
            out.append(
                Mention(
                    user.entity,
                    m.start(),
                    m.end(),
                    pronoun=True,
                    possessive=possessive,
                    speaker=True,
                )
            )
            continue
        if word not in _PLURAL and _animal_before(text, m.start(), named):
            continue  # "our cat Miso hates car rides so we'll take her …": the cat, no one
        if word in PRONOUNS_THING:
            orgs = [n.entity for n in _earlier_of(named, m.start()) if n.entity.startswith("org:")]
            target = orgs[-1] if orgs else last_org
        else:
            target = _person_meant(word, m.start(), named, last_people, gender_of, both)
        if target is None:
            continue
        out.append(Mention(target, m.start(), m.end(), pronoun=True, possessive=possessive))
    return out


_PLURAL = frozenset(("they", "them", "their"))
_OWNED_ANIMAL = re.compile(
    r"\b(?i:my|our|the|his|her|their)\s+(?i:new\s+|old\s+|little\s+|rescue\s+)?"
    r"(?P<animal>[a-z]+),?\s+[A-Z]"
)


def _animal_before(text: str, at: int, named: list[Mention]) -> bool:
    """Whether the sentence names an animal by its noun before `at` ("our cat Miso", "my dog,
    Biscuit") with no person named after it: a pronoun then is the animal's."""
    for m in reversed(list(_OWNED_ANIMAL.finditer(text, 0, at))):
        if m.group("animal").lower() in ANIMALS:
            return not any(
                n.start >= m.end() and n.end <= at and not n.entity.startswith("org:")
                for n in named
            )
    return False


def _someone_between(text: str) -> bool:
    """Whether `text` speaks of a person by a noun ("User's landlord called; his …"): the
    pronoun after it may mean them, so it is not taken for the user."""
    return any(owned_person_noun(w) for w in re.findall(r"[a-z][a-z\-]+", text.lower()))


# The speaker called by name in the third person: "User", "the user", "User's".
_THIRD_PERSON_SELF = re.compile(r"(?i:the\s+)?[Uu]ser\b")


def _earlier_of(named: list[Mention], at: int) -> list[Mention]:
    return [n for n in named if n.end <= at]


def _person_meant(
    word: str,
    at: int,
    named: list[Mention],
    last_people: list[str],
    gender_of: Callable[[str], str | None],
    both: bool,
) -> str | None:
    here = [n.entity for n in _earlier_of(named, at) if not n.entity.startswith("org:")]
    other = "m" if word in _SHE else "f" if word in _HE else None
    if other is None:  # they, them, their: the nearest, with no gender to check
        nearest = here or last_people
        return nearest[-1] if nearest else None
    wanted = "f" if other == "m" else "m"
    for people in (here, last_people):
        if both:  # a gender told for certain, or no one
            fits = [p for p in people if gender_of(p) == wanted]
        else:
            fits = [p for p in people if gender_of(p) != other]
        if fits:
            return fits[-1]
    if both or here or last_people:
        return None  # everyone named nearby is of the other gender (or not told for certain)
    return LOOKUP_PERSON  # no one named: the person the conversation before was about


def pronoun_gender(word: str) -> str | None:
    """The gender a pronoun says ("f" for she, her, hers; "m" for he, him, his), else None."""
    word = word.lower()
    return "f" if word in _SHE else "m" if word in _HE else None


def _object_her(text: str, m: re.Match[str]) -> bool:
    """'I called her.' (object) rather than 'her email' (possessive)."""
    rest = text[m.end() :].lstrip()
    return not rest or not rest[0].isalpha()


def _masks(text: str, values: list[Span]) -> list[Span]:
    """The values a name may not run into. A bare number written right after a capitalised
    word belongs to the name ("Person 00042", "Company 7", "Apollo 11", "Person 1000003": a
    run of digits alone is no phone number there), so it is left out."""
    out = []
    for v in values:
        named = _NAMED_NUMBER.search(text[: v.start])
        if (
            (v.kind == "number" or (v.kind == "phone" and v.text.isdigit()))
            and named is not None
            # "GBP 1,150/month": a currency's code before a number is an amount, no name
            and named.group().strip().lower() not in CURRENCY_CODES
        ):
            continue
        out.append(v)
    return out


def _quoted(text: str) -> list[Span]:
    """Quoted titles ("Write API spec") are names of things, never of people."""
    return [
        Span("quote", m.start(), m.end(), m.group(), m.group())
        for m in re.finditer(r"\"[^\"]+\"|\u201c[^\u201d]+\u201d", text)
    ]
