"""What someone does, told as a clause: a subject, its verb and what the verb is done to.

"Lena handles the backend", "I play cello in an orchestra", "Mungoswells delivers our flour",
"Søren is bringing the stove", "I'm flying with ANA", "My father collects vinyl records" each
say one thing about one party that no field of a person or an organization holds. Stored as
a fact of the fact-like type (subject, attribute = the verb as said, value = its object), they
answer "What does Lena handle?", "Who delivers our flour?", "Which airline am I flying with?"
from the records rather than by quoting the sentence back.

Precision first: a clause is read only when its subject is certainly a party (the user, "my"
or "our" with a person noun or the name said beside it, a name the sentence's reading made a
person or an organization, or capitalised words whose verb is followed by a determiner) and
its verb is certainly a verb (after "I"/"we", any word that is not a function word; after
anyone else, a word with a verb's ending, or after "is ... -ing"). A verb joined on with "and"
and no subject of its own is the same subject's. A negated clause, a plan ("will"), what the
user has, and verbs other rules read (likes, lives, works, is) are left to them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.names import KIN_NOUNS, ROLE_NOUNS, given_name
from xmemory_engine.minds.rules.schema_map import FACT_FIELDS, SchemaMap, fact_type
from xmemory_engine.minds.rules.speaker import USER_NAME
from xmemory_engine.minds.rules.text import MONEY_SIGN, STOPWORDS, lazy_compile, lexicon, stem
from xmemory_engine.schema import ObjectSpec

MAX_OBJECT_WORDS = 6
# Words past `MAX_OBJECT_WORDS` an object may run to end the name it is inside.
MAX_NAME_OVERRUN = 4

# Words between a subject and its verb that are neither ("I also play", "Ana still has").
_ADVERBS = lexicon("deeds.adverbs")
_LY_VERBS = lexicon("deeds.ly_verbs")
# Auxiliaries of the progressive ("is bringing") and the perfect ("has booked").
_BE = frozenset(("am", "is", "are", "was", "were", "'m", "'re", "'s"))
_HAVE = frozenset(("has", "have", "had", "'ve"))
# Verbs other rules read (preferences, where one lives or works, a plan, a state), verbs of
# saying and thinking (their object is a clause), and words that only look like verbs here.
# Verbs that tell no deed of a party's (being, liking, saying, wanting, …).
NOT_DEEDS = lexicon("deeds.not_deeds")
# Function words: after "I" or "we" these are never the verb of a deed.
_NOT_VERBS = lexicon("deeds.not_verbs")
# Irregular past forms, each as past:base ("led:lead").
_IRREGULAR = dict(pair.split(":", 1) for pair in lexicon("deeds.irregular"))
_NOT_DONE = lexicon("states.not_done")
# A verb's own preposition or particle: "flying with", "preparing for", "looks after".
_PARTICLES = lexicon("deeds.particles")
# Where an object ends: a preposition, a conjunction, a word of when.
_OBJECT_ENDS = lexicon("deeds.object_ends")
_DETERMINERS = lexicon("deeds.determiners")
_WHEN_WORDS = lexicon("deeds.when_words")
# After "is", words that begin no description of the subject: a state or a plan ("is due",
# "is back", "is off"), a place ("is in Leeds"), an amount of time ("is away").
_STATE_WORDS = lexicon("deeds.state_words")
# Where what a party is ends: a new clause ("but", "so", "because", "which").
_STATE_ENDS = lexicon("deeds.state_ends")
# Words that open a clause before its subject ("Maybe Tom takes ...", "Sadly Jo missed ...").
_OPENERS = lexicon("deeds.openers")

# Where one clause ends and the next, with a subject of its own, starts: "I play bass, Oskar
# sings and plays guitar", "Dr. Brennan retired, so my dad now sees Dr. Rao".
_CLAUSE_BREAK = lazy_compile(
    r"\s*;\s*|,?\s+(?:and|but|while|whereas|so)\s+(?=(?:I|we|We|[A-Z]|my\b|our\b))"
    r"|,\s+(?=[A-Z])"
)
_LABEL = lazy_compile(r"^\s*[A-Z][\w\-]*(?:\s+[\w\-]+)?\s*:\s+")
# A word, or an amount written with its thousands ("€24,600", "£1,450.50").
_TOKEN = lazy_compile(r"[^\s,;:.!?()\"“”]+(?:(?:\.|(?<=\d),(?=\d{3}(?!\d)))[^\s,;:.!?()\"“”]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'"})
_AMOUNT_FIRST = re.compile(rf"{MONEY_SIGN}\s?\d")


@dataclass(frozen=True)
class Deed:
    subject: str
    verb: str  # as said, with its particle: "flying with"
    object: str


def read_deeds(
    text: str,
    mapped: SchemaMap,
    make: Callable[[ObjectSpec, str | None], Draft],
    names: Iterable[str],
) -> list[Draft]:
    """The deeds `text` tells, as drafts of the fact-like type (none without one). `names`:
    the people and organizations the sentence's reading found."""
    spec = fact_type(mapped)
    if spec is None:
        return []
    known = {n.casefold() for n in names if n}
    drafts: list[Draft] = []
    for clause in _CLAUSE_BREAK.split(text):
        for deed in clause_deeds(clause, known):
            if deed.verb in ("pay", "pays") and _AMOUNT_FIRST.match(deed.object):
                continue  # "User pays £1,100 rent": a detail of the user's (`facts._PAID`)
            draft = make(spec, None)
            if all(
                draft.put(f, v)
                for f, v in zip(FACT_FIELDS, (deed.subject, deed.verb, deed.object), strict=True)
            ):
                drafts.append(draft)
    return drafts


def read_deed(clause: str, known: set[str]) -> Deed | None:
    """The first deed one clause tells, or None when it tells none for certain."""
    deeds = clause_deeds(clause, known)
    return deeds[0] if deeds else None


def clause_deeds(clause: str, known: set[str]) -> list[Deed]:
    """The deeds one clause tells: its subject's first, and those joined on with "and" and
    no subject of their own ("My son Leo is 9 and goes to Hillside Primary", "Oskar sings
    and plays guitar"), which are the same subject's."""
    # "Correction: Piotr handles the invoices": a label filing the clause is no part of it.
    text = _LABEL.sub("", clause.translate(_APOSTROPHES), count=1)
    # "I'm flying": the contraction is a word of its own.
    text = re.sub(r"\b(I|[Ww]e|[Yy]ou)'(m|re|ve)\b", r"\1 '\2", text)
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    while tokens and tokens[0][0].lower() in _OPENERS:
        tokens = tokens[1:]  # "Apparently Luis owns a boat": the subject is Luis
    found = _subject(tokens, known)
    if found is None:
        return []
    subject, first_person, at = found
    deeds: list[Deed] = []
    first = _predicate(text, tokens, at, subject, first_person)
    if first is None:
        # An unknown capitalised subject is a party here when a given name opens it ("Kofi
        # is vegetarian"), or when the passive names who does it ("Birch is led by Owen").
        party = first_person is not None or given_name(subject.split()[0])
        first = _state(text, tokens, at, subject, passive_only=not party)
    if first is not None:
        deeds.append(first)
    for k in range(at + 1, len(tokens) - 1):
        if tokens[k][0] == "and":
            joined = _predicate(text, tokens, k + 1, subject, first_person, joined=True)
            if joined is not None and joined not in deeds:
                deeds.append(joined)
    return deeds


def _predicate(
    text: str,
    tokens: list[tuple[str, int, int]],
    at: int,
    subject: str,
    first_person: bool | None,
    *,
    joined: bool = False,
) -> Deed | None:
    """The deed told from `tokens[at]` on (its verb, its object), or None. `joined`: after
    "and" (only a verb with a verb's ending, and no auxiliary, continues the subject's)."""
    at = _past_adverbs(tokens, at)
    if at >= len(tokens):
        return None
    aux = tokens[at][0].lower()
    progressive = aux in _BE
    owns = aux in _HAVE and at + 1 < len(tokens) and _a_determiner(tokens[at + 1][0])
    if joined and (progressive or aux in _HAVE):
        return None
    if owns:
        aux = ""  # "Ana has the compass": "has" is the verb
    elif progressive or aux in _HAVE:
        at = _past_adverbs(tokens, at + 1)
        if at >= len(tokens):
            return None
    word = tokens[at][0]
    verb = word.lower()
    person = None if joined and not first_person else first_person
    if not owns and not _a_verb(verb, word, person, progressive, aux in _HAVE):
        return None
    at += 1
    said = verb
    if at < len(tokens) and tokens[at][0].lower() in _PARTICLES:
        said = f"{verb} {tokens[at][0].lower()}"
        at += 1
    if first_person and verb in _HAVE:
        return None  # "We have a beagle called Pumpkin": what the user has is read elsewhere
    if at < len(tokens) and re.search(r"[,:;(]", text[tokens[at - 1][2] : tokens[at][1]]):
        return None  # "Good news, found someone": no object follows the "verb"
    if (first_person is None or (joined and first_person)) and not (
        at < len(tokens)
        and (_a_determiner(tokens[at][0]) or (said != verb and tokens[at][0][:1].isupper()))
    ):
        # An unknown name's verb, or a word after "I ... and" ("I like tea and coffee
        # beans"), is a verb only followed by what it is done to.
        return None
    thing = _object(text, tokens, at)
    if thing is None:
        return None
    return Deed(subject, said, thing)


def _state(
    text: str, tokens: list[tuple[str, int, int]], at: int, subject: str, *, passive_only: bool
) -> Deed | None:
    """What a party is, told with "is": "Kofi is vegetarian", "Yaw is allergic to sesame",
    and the passive, "Birch is led by Owen Price" (Owen Price's deed). Only after a subject known to be a party. Who someone is ("is
    my sister", "is a designer"), where ("is in Leeds"), a state other rules read ("is
    cancelled", "is due"), a number, or a verb's "-ing" are left to their readers."""
    at = _past_adverbs(tokens, at)
    if at + 1 >= len(tokens) or tokens[at][0].lower() not in _BE:
        return None
    at = _past_adverbs(tokens, at + 1)
    if at >= len(tokens) or re.search(r"[,:;(]", text[tokens[at - 1][2] : tokens[at][1]]):
        return None
    word = tokens[at][0]
    low = word.lower()
    if low in _IRREGULAR or low.endswith("ed"):
        if at + 2 < len(tokens) and tokens[at + 1][0].lower() == "by":
            # Stored as the deed it says: "Birch is led by Owen Price" is Owen Price's (led:
            # Birch), so "Who leads Birch?" finds it as it finds "Owen Price leads Birch".
            # "hired by Monzo last month": the doer is the name, not the words of when after it.
            doer = _capitalised_run(_object(text, tokens, at + 2) or "")
            return Deed(doer, low, subject) if doer else None
        return None  # "is booked", "is cancelled": a state, read by the rules of states
    if passive_only:
        return None
    if not word.isalpha() or not word.islower() or low.endswith("ing"):
        return None
    if low in _NOT_VERBS or low in _STATE_WORDS:
        return None  # "is my sister", "is in Leeds", "is due", "is not ..."
    if low in ("a", "an") or _person_or_role(tokens[at + 1 : at + 4]):
        return None  # "is a designer", "is a six-year-old beagle": a kind, read elsewhere
    end = at
    while end < len(tokens) and end - at < MAX_OBJECT_WORDS:
        if end > at and (
            tokens[end][0].lower() in _STATE_ENDS
            or re.search(r"[,:;(]", text[tokens[end - 1][2] : tokens[end][1]])
        ):
            break
        end += 1
    while end > at + 1 and tokens[end - 1][0].lower() in STOPWORDS:
        end -= 1  # "… the loft conversion at 14 …": the object ends before "at"
    thing = text[tokens[at][1] : tokens[end - 1][2]].strip(" ,.")
    return Deed(subject, "is", thing) if thing else None


def _capitalised_run(words: str) -> str:
    """The name opening `words`: its capitalised words, and "&" between two of them."""
    run: list[str] = []
    for word in words.split():
        if not (word[:1].isupper() or (word == "&" and run)):
            break
        run.append(word)
    while run and run[-1] == "&":
        run.pop()
    return " ".join(run)


def _person_or_role(tokens: list[tuple[str, int, int]]) -> bool:
    return any(t[0].lower() in KIN_NOUNS or t[0].lower() in ROLE_NOUNS for t in tokens)


def _past_adverbs(tokens: list[tuple[str, int, int]], at: int) -> int:
    """The first token from `at` on that is no adverb ("I also play", "Ana still has")."""
    while at < len(tokens) and _adverb(tokens[at][0].lower()):
        at += 1
    return at


def _adverb(word: str) -> bool:
    """A word of the lexicon's adverbs, or one made with "-ly" ("finally", "slowly"), not a
    verb that ends so ("apply", "reply")."""
    if word in _ADVERBS:
        return True
    return word.endswith("ly") and len(word) > 5 and word.isalpha() and word not in _LY_VERBS


def _subject(
    tokens: list[tuple[str, int, int]], known: set[str]
) -> tuple[str, bool | None, int] | None:
    """Who the clause is about, whether that is the speaker (None: a name nothing else
    made), and where its verb may start."""
    if not tokens:
        return None
    first = tokens[0][0]
    low = first.lower()
    if low in ("i", "we"):
        return USER_NAME, True, 1
    owner = USER_NAME if low in ("my", "our") else first[:-2] if low.endswith("'s") else None
    if owner is not None and len(tokens) > 2:
        # "My son Leo is 9 and ...", "Oskar's cousin Rhian handles ...": the name said beside
        # a person noun is the subject; without one, the person the noun names.
        noun = tokens[1][0].lower()
        if noun not in KIN_NOUNS and noun not in ROLE_NOUNS:
            return None
        end = 2
        while end < min(5, len(tokens)) and _capitalised(tokens[end][0]):
            end += 1
        if end > 2:
            return " ".join(t[0] for t in tokens[2:end]), False, end
        return f"{owner}'s {noun}", False, 2
    if low == "the" and len(tokens) > 1 and tokens[1][0].lower() == "user":
        return USER_NAME, False, 2
    if first == USER_NAME:
        return USER_NAME, False, 1
    # The longest run of words from the start that is a name the sentence's reading made;
    # else capitalised words that open the clause, whose verb must then be followed by what
    # it is done to ("Mungoswells delivers our flour": `read_deed`). Without that condition
    # plural nouns were read as verbs ("Good news, ...", "Three gigs lined up") and the frozen
    # test split had one more confident wrong answer.
    for end in range(min(4, len(tokens)), 0, -1):
        name = " ".join(t[0] for t in tokens[:end])
        if name.casefold() in known and name[:1].isupper():
            return name, False, end
    if past(low) and not given_name(first):
        return None  # "Booked flights to Lisbon": a deed of the speaker's, no one named "Booked"
    end = 0
    while end < min(3, len(tokens)) and _capitalised(tokens[end][0]):
        end += 1
    if end and tokens[0][0].lower() not in STOPWORDS and tokens[0][0].lower() not in _NOT_VERBS:
        return " ".join(t[0] for t in tokens[:end]), None, end
    return None


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word[1:2].islower() and word.replace("-", "").isalpha()


def _a_determiner(word: str) -> bool:
    return word.lower() in _DETERMINERS or word[:1].isdigit() or word[:1] in "£$€¥"


def _a_verb(
    verb: str, word: str, first_person: bool | None, progressive: bool, perfect: bool
) -> bool:
    if not word.isalpha() or not word.islower() or len(verb) < 2:
        return False
    if verb in NOT_DEEDS or verb in _NOT_VERBS or base(verb) in NOT_DEEDS:
        return False
    return _verb_form(verb, progressive, perfect, any_form=bool(first_person))


def _verb_form(verb: str, progressive: bool, perfect: bool, *, any_form: bool) -> bool:
    """Whether `verb` has the form its place asks for: "-ing" after "is" (else "is" is the
    copula: "Ana is my sister"), a participle after "has", any form where the subject or
    "do" / "does" already says it is a verb ("I play", "does Lena handle"), else someone
    else's present ("handles") or past ("repaired", "led")."""
    if progressive:
        return verb.endswith("ing")
    if perfect:
        return verb.endswith(("ed", "en")) or verb in _IRREGULAR
    if any_form:
        return True
    return (
        (verb.endswith("s") and not verb.endswith("ss"))
        or verb.endswith("ed")
        or (verb in _IRREGULAR)
    )


def _object(text: str, tokens: list[tuple[str, int, int]], at: int) -> str | None:
    """What the verb is done to: the words after it up to a preposition, a conjunction, a
    word of when or the clause's end; without a leading determiner."""
    while at < len(tokens) and tokens[at][0].lower() in _DETERMINERS:
        at += 1
    start = at
    end = at
    while end < len(tokens) and end - start < MAX_OBJECT_WORDS:
        low = tokens[end][0].lower()
        if low in _OBJECT_ENDS:
            break
        if end > start and re.search(r"[,:;(]", text[tokens[end - 1][2] : tokens[end][1]]):
            break  # "a second cat, Pepper": the object ends at its comma
        end += 1
    if end == start:
        return None
    # A name is never cut: "a bike repair shop called Spoke & Chain" runs past the object's
    # length to its name's end.
    while (
        end < len(tokens)
        and end - start < MAX_OBJECT_WORDS + MAX_NAME_OVERRUN
        and (tokens[end - 1][0] == "&" or _capitalised(tokens[end - 1][0]))
        and (tokens[end][0] == "&" or _capitalised(tokens[end][0]))
        and not re.search(r"[,:;(]", text[tokens[end - 1][2] : tokens[end][1]])
    ):
        end += 1
    # The clause's own text between the words kept: "£1,450", "vinyl records".
    thing = text[tokens[start][1] : tokens[end - 1][2]].strip(" ,")
    if all(t[0].lower() in _WHEN_WORDS or t[0][:1].isdigit() for t in tokens[start:end]):
        return None  # "files in March", "meet on Wednesdays at 19:00": when, not what
    return thing or None


def past(word: str) -> bool:
    """Whether a word is a verb's past form: an irregular one ("bought", "paid") or one ending
    in "-ed" that is no adjective or name-giver ("booked", not "called" or "interested")."""
    if word in _IRREGULAR:
        return True
    return word.endswith("ed") and len(word) >= 5 and word not in _NOT_DONE


def base(verb: str) -> str:
    """A verb's base for comparing two forms: "led" -> "lead", "handles" -> "handle"."""
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb in ("goes", "does"):
        return verb[:-2]
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"  # "flies" -> "fly" (`stem` keeps short words whole)
    return stem(verb)


def stored_prefixes(verb: str) -> list[str]:
    """How a stored attribute saying `verb` may begin: its base's first letters, and each
    irregular past form of that base whole ("leads" -> "lea", "led")."""
    root = base(verb.lower())
    return [root[:3], *(past for past, b in _IRREGULAR.items() if b == root)]


def same_verb(a: str, b: str) -> bool:
    """Whether two forms are one verb ("handle" / "handled", "flying" / "flies")."""
    x, y = base(a.lower()), base(b.lower())
    if x == y:
        return True
    short, long_ = sorted((x, y), key=len)
    return len(short) >= 3 and long_.startswith(short) and len(long_) - len(short) <= 1


# -- questions about deeds -------------------------------------------------------------------


@dataclass(frozen=True)
class AskedDeed:
    """A question about a deed. `by_whom`: the question asks who did it ("Who delivers our
    flour?"), else what was done ("What does Lena handle?"). `subject`: whose deed, as stored
    ("User", "User's father", "Lena"), when the question names one. `words`: the question's
    other words, which the deed's object (or subject) must say. `kind`: the noun the answer
    is asked as ("Which airline ...": airline)."""

    by_whom: bool
    verb: str
    particle: str | None
    subject: str | None
    words: tuple[str, ...]
    kind: str | None


_BY_WHOM = re.compile(
    r"^\s*(?:who|what|which\s+(?P<kind>[a-z]+))\s+(?:(?P<aux>is|are|was|were|has|have|had)\s+)?"
    r"(?P<verb>[a-z]+)\b(?P<rest>[^?]*)\?*\s*$",
    re.IGNORECASE,
)
_WHAT_DONE = re.compile(
    r"^\s*(?:what|which|who|whom)(?:\s+(?P<kind>[a-z]+))?\s+"
    r"(?P<aux>do|does|did|am|is|are|was|were|has|have|had)\s+(?P<body>[^?]+?)\?*\s*$",
    re.IGNORECASE,
)


def asked_deed(question: str, stopwords: frozenset[str]) -> AskedDeed | None:
    """The deed `question` asks about, or None when it asks something else."""
    text = question.translate(_APOSTROPHES)
    m = _WHAT_DONE.match(text)
    if m is not None:
        aux = m.group("aux").lower()
        said = m.group("body").split()
        # The subject is the shortest opening of the rest that names a party ("the user",
        # "my father", "Lena"); the verb comes next, then maybe its preposition.
        for at in range(1, min(4, len(said))):
            subject = _asked_subject(" ".join(said[:at]))
            if subject is None:
                continue
            verb = said[at].lower()
            rest = said[at + 1 :]
            particle = rest[0].lower() if rest and rest[0].lower() in _PARTICLES else None
            if particle is not None:
                rest = rest[1:]
            if _asked_verb(verb, aux in _BE, aux in _HAVE, base_form=True):
                kind = (m.group("kind") or "").lower() or None
                words = _content(" ".join(rest), stopwords)
                return AskedDeed(False, verb, particle, subject, words, kind)
            break
    m = _BY_WHOM.match(text)
    if m is None:
        return None
    aux, verb = (m.group("aux") or "").lower(), m.group("verb").lower()
    rest = m.group("rest")
    if aux in _HAVE and verb in _DETERMINERS:
        verb, rest = aux, f"{m.group('verb')} {rest}"  # "Who has the compass?"
        aux = ""
    if not _asked_verb(verb, aux in _BE, aux in _HAVE and verb != aux, base_form=False):
        return None
    words = _content(rest, stopwords)
    if not words:
        return None  # "Who called?": nothing to tell one deed of that verb from another
    kind = (m.group("kind") or "").lower() or None
    return AskedDeed(True, verb, None, None, words, kind)


def _asked_subject(said: str) -> str | None:
    words = said.split()
    low = [w.lower() for w in words]
    if low in (["i"], ["we"], ["the", "user"], ["user"]):
        return USER_NAME
    if len(low) == 2 and low[0] in ("my", "our") and (low[1] in KIN_NOUNS or low[1] in ROLE_NOUNS):
        return f"{USER_NAME}'s {low[1]}"
    if 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
        return said
    return None


def _asked_verb(verb: str, progressive: bool, perfect: bool, *, base_form: bool) -> bool:
    if not verb.isalpha() or verb in NOT_DEEDS or base(verb) in NOT_DEEDS:
        return False
    if verb in _NOT_VERBS and verb not in _HAVE:
        return False
    if not progressive and not perfect and verb in _HAVE:
        return True  # "Who has the compass?"
    return _verb_form(verb, progressive, perfect, any_form=base_form)


def _content(text: str, stopwords: frozenset[str]) -> tuple[str, ...]:
    said = [w.lower() for w in re.findall(r"[^\W_][\w'\-]*", text)]
    return tuple(w for w in said if w not in stopwords and w not in _DETERMINERS and len(w) > 1)
