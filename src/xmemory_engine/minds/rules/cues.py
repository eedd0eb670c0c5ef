"""Facts about people and organizations in one sentence, read from cue phrases.

Each rule finds a cue ("is a designer at", "works at", "manages", "lives in", "her email
is", "age 34", an enum value, a flag), decides whose fact it is (the nearest mention before
it, else the sentence's subject), stores it in the field playing that role, and records the
span it used. What no rule used stays in the sentence, which then goes to the notes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from xmemory_engine.minds.rules.analysis import TIE, Analyzed, Mention
from xmemory_engine.minds.rules.deeds import past
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.names import (
    ANYONE,
    BOUGHT,
    FIRM_HEADS,
    KIN_NOUNS,
    MET,
    ORG_NOUNS,
    STREETS,
    TITLE,
    called_by,
    generic_role,
    job_with_article,
    kin_plural,
    name_told_before,
    names_a_time,
    owned_person_noun,
    person_noun,
    role_like,
    role_noun,
)
from xmemory_engine.minds.rules.schema_map import field_for, name_field, notes_field, phrases
from xmemory_engine.minds.rules.speaker import USER_NAME
from xmemory_engine.minds.rules.states import CLAUSE_BEFORE
from xmemory_engine.minds.rules.text import STOPWORDS, UPPER, USERS_NOUN, WORD, Span, lexicon, stem

_ROLE_START = re.compile(
    # "will be the best man", "has been promoted to team lead", "was appointed treasurer":
    # what someone is said to become is a job as what they are said to be.
    r"(?:\b(?:works as|worked as|has become|is now|serves as|joined as|became|will be|"
    r"(?:been |was |were |got |is |are )?(?:promoted to|appointed(?: as)?|elected(?: as)?)|"
    r"is|was|am|as)\b"
    r"|['\u2019][sm]\b|,)"
    r"\s+(?P<article>(?:a|an|the|our|their|his|her|my)\s+)?",
    re.IGNORECASE,
)
_ROLE_WORD = re.compile(r"[A-Za-z][\w\-]*")
# Prepositions that end a job's words, beside `_ROLE_STOP` and the stop words: "chair after
# the AGM", "per head".
_AFTER_A_JOB = frozenset(("after", "before", "per", "during", "until", "till", "via", "than",
                          "through", "alongside", "about", "into", "across", "against"))  # fmt: skip
_ROLE_STOP = frozenset(("at", "for", "with", "in", "from", "on", "and", "since", "who", "based",
                        "while", "whereas", "but", "although", "though", "because", "there",
                        "here"))  # fmt: skip
_MANAGE = re.compile(
    r"\b(?P<verb>manages|managed|leads|led|runs|ran|heads|headed|directs|oversees|supervises|"
    r"founded|co-founded|cofounded|owns|chairs|coordinates)\s+(?P<obj>[^.;,!?]+)"
)
_MANAGER = {
    "manages": "manager", "managed": "manager", "leads": "lead", "led": "lead", "runs": "head",
    "ran": "head", "heads": "head", "headed": "head", "directs": "director",
    "oversees": "supervisor", "supervises": "supervisor", "founded": "founder",
    "co-founded": "co-founder", "cofounded": "co-founder", "owns": "owner", "chairs": "chair",
    "coordinates": "coordinator",
}  # fmt: skip
_WORK_WORDS = lexicon("cues.work_words")
_FORMER_JOB = lexicon("cues.former_job")
# "status is open", "email: x", "phone - 0131 …"; a hyphen inside a word joins a compound
# ("never phone-ins"), and "is" must be a word of its own ("phone island").
_COPULA = r"(?:\s*(?:'s\s+)?(?:(?:is|are|was|were)\b|:|=)\s*|\s+-\s*|-\s+)"
_NUMBER_AFTER = r"\s*(?:is|are|was|:|=|of)?\s*"
_NEGATIONS = frozenset(["not", "no", "never", "isn't", "isnt", "wasn't", "doesn't", "don't", "non"])
# Words a sentence may keep without saying anything a field did not already hold.
META_WORDS = lexicon("cues.meta_words")
START_CUES = frozenset(["joined", "started", "hired", "began", "onboarded"])
BIRTH_CUES = frozenset(["born", "birthday"])


@dataclass
class SentenceFacts:
    """What the rules used from one sentence."""

    used: list[tuple[int, int]] = field(default_factory=list)
    employment: list[tuple[str, str]] = field(default_factory=list)  # (person key, org key)
    # Jobs said as held once ("she's a retired lecturer"): put after every other rule.
    former: list[tuple[Draft, str]] = field(default_factory=list)

    def use(self, start: int, end: int) -> None:
        self.used.append((start, end))

    def residue(self, text: str, values: Sequence[Span] = ()) -> list[str]:
        """Content words and typed values (an email, a date) no rule used."""
        out = [v.text for v in values if not any(s < v.end and v.start < e for s, e in self.used)]
        for m in WORD.finditer(text):
            if any(s <= m.start() < e for s, e in self.used):
                continue
            w = m.group().lower().replace("\u2019", "'").removesuffix("'s")
            if w not in STOPWORDS and w not in META_WORDS and not w.isdigit():
                out.append(w)
        return out


def read_sentence(
    s: Analyzed, drafts: dict[str, Draft], names: dict[str, str], kinds: dict[str, str]
) -> SentenceFacts:
    """Apply every cue rule to one sentence. `drafts` maps entity keys to their objects,
    `names` entity keys to display names, `kinds` entity keys to person/org."""
    facts = SentenceFacts()
    for m in s.mentions:
        facts.use(m.start, m.end)
    if s.intro is not None:
        facts.use(*s.intro)  # "My name is Sam Carter" says nothing but the name
    _values(s, drafts, facts)
    _roles(s, drafts, facts)
    _firms_job(s, drafts, names, facts)  # a firm's job, as `_roles` reads one of no firm
    _titled(s, drafts, facts)
    _employment(s, drafts, names, kinds, facts)
    _represents(s, drafts, names, kinds, facts)
    _manages(s, drafts, facts)
    _kin(s, drafts, names, facts)
    _kin_listed(s, drafts, facts)
    _kin_named_before(s, drafts, facts)
    _firm_beside(s, drafts, names, kinds, facts)
    _switched(s, drafts, facts)
    _places(s, drafts, facts)
    _lives_at(s, drafts, facts)
    subject = s.subject()
    for m in {m.entity: m for m in s.mentions}.values():
        draft = drafts.get(m.entity)
        if draft is None:
            continue
        owner_of_sentence = subject is not None and subject.entity == m.entity
        _field_phrases(s, m, draft, facts, owner_of_sentence)
        if owner_of_sentence:
            _dates(s, draft, facts)
            flags_and_choices(s.text, draft, facts)
    for draft, role in facts.former:
        # "Found a chemistry tutor, Dr Imogen Castellanos, she's a retired lecturer": the
        # job held now is her role; the one held once only when no other is said.
        draft.put(field_for(draft.spec, "role", ("str",)), role)
    return facts


def read_listed_people(s: Analyzed, drafts: dict[str, Draft], names: dict[str, str]) -> None:
    """Who the people a list's line names are, said right beside their names ("design the
    label — freelance designer Yuki Matsumoto", "my son Idris"): a job before a name and a
    tie to someone. The rest of the line is the list's, read item by item (`lists`)."""
    facts = SentenceFacts()
    for m in s.mentions:
        facts.use(m.start, m.end)
        if m.speaker or m.pronoun or m.entity.startswith("org:") or s.possessing_another(m):
            continue
        # Only the words of the name's own item: a heading ("Contacts:") or another item's
        # brackets ("(owner, Lothian Fire Safety Ltd)") say nothing of this one.
        opens = CLAUSE_BEFORE.match(s.text, 0, m.start)
        found = _job_said(_TITLE_BEFORE, s.text[opens.end() if opens else 0 : m.start], again=False)
        draft = drafts.get(m.entity)
        if found is not None and draft is not None:
            draft.put(field_for(draft.spec, "role", ("str",)), _plain(_said(found)))
    # Ties said in the items ("Olu (my son)"); the heading's ("Our fixers: …") is what the
    # list calls them all, read by the list.
    heading = s.text.find(":")
    items = replace(s, mentions=[m for m in s.mentions if m.start > heading])
    _kin(items, drafts, names, facts)


def _values(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    roles = {"email": "email", "phone": "phone", "url": "url"}
    for span in s.values:
        role = roles.get(span.kind)
        if role is None:
            continue
        owner = s.owner_at(span.start)
        order = [owner] + [m for m in s.mentions if m is not owner] if owner else s.mentions
        for m in order:
            draft = drafts.get(m.entity) if m else None
            if draft and draft.put(field_for(draft.spec, role, ("str",)), span.value):
                facts.use(span.start, span.end)
                break


_OLD_VALUE = re.compile(
    r"\b(?:from|formerly|previously|no\s+longer\s+(?:in|at)|instead\s+of|not)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\b(?:moved|moving|relocated|switched|changed|transferred|went)\b|\bno\s+longer\b"
    r"|\binstead\b|\bnot\b",
    re.IGNORECASE,
)


def _replaced(text: str, start: int) -> bool:
    """Whether the value at `start` is given as the one being replaced: right after "from",
    "formerly", "instead of", "no longer in", in a sentence that tells of a change ("moved
    from London to Madrid", "switched from oat milk to almond milk")."""
    return bool(_OLD_VALUE.search(text[:start])) and bool(_CHANGE.search(text))


# What may stand between a name and the job set off after it: an age or a place in brackets
# ("Tom (9), a pupil at …", "Arjun Mehta (Bengaluru), editor").
_SET_BESIDE = re.compile(r"\s*(?:\([^()]{0,40}\)\s*)?")


def _owner_before(s: Analyzed, position: int, person: bool = True) -> Mention | None:
    before = [m for m in s.mentions if m.end <= position and not s.possessing_another(m)]
    if person:
        before = [m for m in before if not m.entity.startswith("org:")]
    return before[-1] if before else None


def _roles(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """ "is a designer at", "'s the CTO at", "is Head of Procurement at", "as head of sales"."""
    for m in _ROLE_START.finditer(s.text):
        if any(
            x.possessive and x.entity.startswith("org:") and x.start <= m.start() < x.end
            for x in s.mentions
        ):
            continue  # "Pixel & Pine's finance manager": a firm's, not "is" ("Maya's a …")
        if m.group()[:1] in "'\u2019" and not any(x.end == m.start() for x in s.mentions):
            continue  # "the hall's resident technician": a thing's, not someone who "is"
        end, role = role_phrase(s, m.end())
        listed = m.group().startswith(",") and _listed(s, end, role)
        apposed = listed  # a job set off bare after a comma, read as one by its head's word
        if m.group().startswith(",") and not m.group("article") and not listed:
            # An apposition needs its article (", a designer at Globex"), or a job word of
            # the lexicon's or WordNet's ending lower-case words: "Arjun Mehta, freelance
            # video editor based in Bengaluru", not ", London".
            bare = role.split()
            after = len(s.text) - len(s.text[end:].lstrip())  # where the next word starts
            if not (
                0 < len(bare) <= 4
                and s.text.startswith(bare[0], m.end())  # right after the comma
                # "chair Emeka Nwosu, treasurer Birgit Halvorsen": the next one's job.
                and not any(x.start == after for x in s.mentions)
                and all(w.islower() or w.isupper() for w in bare)
                and bare[0].lower() not in STOPWORDS  # "Teodor, is a nurse": "is" reads it
                # "…, head of production": a job "of" something is headed by its first word.
                and role_noun(head := _job_head([w.lower() for w in bare]))
                and head not in KIN_NOUNS
            ):
                continue
            apposed = True
        if not role or (not m.group("article") and not listed and not _job_word_in(role)):
            continue  # "I'm Canadian": no article, no known job word, no role
        followed_by_org = bool(re.match(rf"\s+(?:at|for|with|of)\s+{UPPER}", s.text[end:]))
        words = role.lower().split()
        if words[0] in _NEGATIONS:
            continue  # "is no longer considering …", "is not a member": no job
        if words[-1] in KIN_NOUNS:
            continue  # "Maya, my sister, ...": who she is to the user (`_kin`), not a job
        # "works as a midwife": the verb says a job follows, whatever its word.
        said_as = bool(re.match(r"(?i)(?:works|worked|serves|joined)\s+as\b", m.group()))
        # "takes over as vice-captain", "took over as site foreman": a job word said after
        # "as" is the job, whatever the verb before it.
        said_as = said_as or (bool(re.match(r"(?i)as\b", m.group())) and _job_word_in(role))
        # "is the paralegal": a job by its ending or a person's noun that is a job; its head
        # says so (the word before "of", else the last: "head of sales", "bank auditor"),
        # not any word ("the litter tray isn't").
        head = _job_head(words)
        job = role_like(head) or ((bool(m.group("article")) or apposed) and role_noun(head))
        if not (said_as or job or (m.group("article") and followed_by_org)):
            continue
        owner = _owner_before(s, m.start())
        if m.group().startswith(",") and _apposed_to_firm(s, m.start()):
            continue  # "User owns Osteria Lupa, a 48-seat Italian restaurant": the firm's
        if (
            m.group().startswith(",")
            and owner is not None
            and (owner.speaker or owner.pronoun)
            and not _SET_BESIDE.fullmatch(s.text, owner.end, m.start())
        ):
            # A job set off by a comma is someone's named right before it ("Arjun Mehta,
            # freelance video editor", "Hana Novák, hana@…, graphic designer"), never the
            # speaker's told clauses before: "booked 3 lessons …, £45 each, instructor is
            # Kai" says no job of the one who booked.
            continue
        draft = drafts.get(owner.entity) if owner else None
        if draft is None or _is_choice(draft, role):
            continue
        if words[0].rstrip("-") in _FORMER_JOB or words[0].startswith("ex-"):
            facts.former.append((draft, role))  # "is a retired lecturer": held once
            facts.use(m.start(), end)
        elif draft.put(field_for(draft.spec, "role", ("str",)), role):
            facts.use(m.start(), end)


def _firms_job(
    s: Analyzed, drafts: dict[str, Draft], names: dict[str, str], facts: SentenceFacts
) -> None:
    """A firm's job set beside a name ("Pixel & Pine's finance manager, Tobias Lindgren,",
    "Tomasz Zieliński, SunVolt's lead electrician", "the installer is SunVolt's lead
    electrician Tomasz"): the person's role, at that firm."""
    for firm in s.mentions:
        if not (firm.possessive and firm.entity.startswith("org:")):
            continue
        end, role = role_phrase(s, firm.end)
        head = _job_head(role.lower().split())
        if not head or not (role_like(head) or role_noun(head)) or head in KIN_NOUNS:
            continue
        person = next(
            (m for m in s.mentions if m.start >= end and _JOB_THEN_NAME.fullmatch(s.text[end : m.start])),
            None,
        ) or next(
            (m for m in s.mentions if m.end <= firm.start and _NAME_THEN_JOB.fullmatch(s.text[m.end : firm.start])),
            None,
        )  # fmt: skip
        draft = drafts.get(person.entity) if person is not None and not person.pronoun else None
        if draft is None or person is None or person.entity.startswith("org:"):
            continue
        if draft.put(field_for(draft.spec, "role", ("str",)), role):
            facts.use(firm.start, end)
        draft.put(field_for(draft.spec, "company", ("str",)), names.get(firm.entity, ""))


def _job_head(words: list[str]) -> str:
    """The word a job's words are headed by: the one before "of", else the last ("head of
    sales", "bank auditor"); "" for no words."""
    if "of" in words[1:]:
        return words[: words.index("of")][-1]
    return words[-1] if words else ""


# Between a firm's job and the name after it, or a name and the firm's job after it.
_JOB_THEN_NAME = re.compile(rf"\s*,?\s*(?:(?:is|was)\s+)?(?:{TITLE})?")
_NAME_THEN_JOB = re.compile(r"\s*(?:,|\bis|\bwas)\s*(?:(?:the|another|their|our)\s+)?")


def _apposed_to_firm(s: Analyzed, comma: int) -> bool:
    """Whether the name right before an apposition's comma is a firm's: what the apposition
    says is said of it, not of a person named earlier."""
    before = [m for m in s.mentions if m.end <= comma and not s.text[m.end : comma].strip()]
    return bool(before) and before[-1].entity.startswith("org:")


# A job said right before the name it belongs to: "Staff: head baker Agnieszka Łukasik",
# "the plumber, Rui Pacheco,", "second supervisor Dr. Jonas Brenner".
_TITLE_BEFORE = re.compile(
    # A clause may open after a full stop that opens no sentence ("… maths. head of …").
    r"(?:(?:^|[,:;(.]|\b(?i:the|a|an|our|their|his|her|with|and|by)\b)\s*"
    # "head of sixth form Mr Dariusz Nowak": a job "of" something may run to four words;
    # "a volunteer called Declan Ahern": "called" or "named" may stand between.
    # "GP (Dr. Rashid Qureshi, …)", "GP Dr Benedikt Huber": the job may be an acronym.
    r"(?P<role>(?:(?!(?:called|named|a|an|the)\b)[a-z][\w\-]*\s+){0,2}(?!(?:called|named)\b)"
    r"(?:[a-z][\w\-]*|[A-Z]{2,5}\b)"
    r"(?:\s+of\s+[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?)?)"
    # A job written with a capital right before a name, at the sentence's start or after
    # any word ("Coach Dele Adeyemi runs …", "booked with Chef Matteo Rinaldi").
    r"|(?:^|(?<=\s))\s*(?!(?i:miss|madam|sir|lady|dame|lord)\b)(?P<opening>[A-Z][a-z][\w\-]*))"
    # "GP (Dr. Rashid Qureshi, Keswick Health Centre)": the name may be set off in brackets.
    rf"\s*[,(]?\s*(?:(?i:called|named)\s+)?(?:{TITLE})?$"
)

# A job word right before a name after any other word ("Shadowing senior guide Ahmed
# El-Sayed", "booked plumber Rui"): the job word alone, since what stands before it may be a
# verb or a modifier, which no pattern tells apart; a word after which a verb comes
# (`_VERB_AFTER`: "we'll guide Ahmed") makes it a verb.
_JOB_BEFORE = re.compile(rf"(?P<before>[\w'\u2019]+)\s+(?P<role>[a-z][\w\-]*)\s+(?:{TITLE})?$")
_VERB_AFTER = lexicon("cues.verb_after")

# "The hiring manager is Petra Lind", "Coach is Femi Adeyemi", "school nurse is Joanne Pike",
# "their instructor is Cathal Ó Briain": a job said of someone named after it, when it is
# nobody's or someone else's ("my manager is ..." is the user's relationship: `_kin`). The
# job opens the sentence or a clause, or follows "the" or a third person's possessive.
_ANOTHERS = r"(?:[Tt]he|[Tt]heir|[Hh]is|[Hh]er|[Ii]ts)\s+"
# "is a guy called Wojtek Nowak", ", a woman named …": a word for anyone before the name
# says no more of them than the name does.
_ANYONE_CALLED = rf"(?:an?\s+(?:{'|'.join(sorted(ANYONE))})\s+(?:called|named)\s+)?"
# What ends one clause before another opens: punctuation, a dash, or an emoji ("doing the loft
# conversion 🙌 architect is Henrik Sørensen").
_CLAUSE_MARK = r"[;,.:!?\u2013\u2014\u2600-\u27bf\U0001f300-\U0001faff]"
_NOT_A_JOB_WORD = r"(?!(?:there|here|now|currently|we|I|they|he|she|you|at|for)\b)"
_THE_ROLE_IS = re.compile(
    # A clause may open after a full stop that opens no sentence ("… a year. site secretary
    # is Margit Szabó"), or after a label ("Note: St Columba's hall manager is …").
    rf"(?:\b{_ANOTHERS}|(?:^|{_CLAUSE_MARK})\s*(?:{_ANOTHERS})?)"
    # "the employer's immigration lawyer is …", "St Columba's hall manager is …": whose job it
    # is stands before its words.
    r"(?:(?:[A-Z][\w\-]*\s+)?[A-Za-z][\w\-]*['\u2019]s\s+)?"
    # "The consultant there is Dr Freya Lindgren": where, said between, is no word of the job.
    # "the vet we saw is …": a pronoun opens what is said of the job, no word of it.
    rf"(?P<role>(?:{_NOT_A_JOB_WORD}[A-Za-z][\w\-]*\s+){{0,2}}{_NOT_A_JOB_WORD}[A-Za-z][\w\-]*)"
    r"(?:\s+(?:there|here|now|currently))?"
    # "Recruiter at Stripe is Chloe Tan": where the job is, said between (the firm's name).
    r"(?:\s+at\s+(?P<firm>[A-Z][\w'\u2019&\-]*(?:\s+(?:[A-Z&][\w'\u2019&\-]*)){0,3}))?"
    # "Accompanist for the exam is Dmitri Volkonsky", "Electrician for the extractor fan is
    # …": what the job is for, said between.
    r"(?:\s+for\s+(?:the\s+|my\s+|our\s+)?[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})?"
    # "the vet we saw is Dr Søren Lindqvist": who met them, said between.
    r"(?:\s+(?:we|I|they|he|she|you)\s+(?:saw|see|met|use|used|had|have|got|spoke\s+to))?"
    # "The vet who did the op was …", "The midwife assigned to us is …": what the one with
    # the job did or was given, said between (a clause of its own, or a participle's).
    r"(?:\s+(?:who|that)\s+[a-z][^,;.:!?()]{0,40}?|\s+[a-z]{3,}ed\s+(?:to|by|for|with|on)\s+"
    r"[^,;.:!?()]{1,25}?)?"
    # "is", in any tense: "Internal examiner will be Dr Fergus MacLeod".
    r"(?:\s+(?:is|was|will\s+be|is\s+going\s+to\s+be)\s+(?:now\s+)?(?:called\s+|named\s+)?"
    r"|['\u2019]s\s+(?:called|named)\s+)"
    rf"{_ANYONE_CALLED}(?:{TITLE})?$"
)  # "The engineer's called Jory Pascoe", "the caretaker is called Mo"
# "Tutor: Chiara Benedetti", "second supervisor: Dr. Tom Whitcombe", "Sound engineer for the
# tour: Declan Moss": a label that is a job, then the one who has it.
_ROLE_LABEL = re.compile(
    # "User's GP: Dr Hannah Boyd": the user's, a tie as well as a job (`_bare_tie`).
    # "Northlight Ventures (partner: Sebastián Restrepo)": a label may open brackets.
    r"(?:^\s*|[;.]\s+|\(\s*)(?P<owner>(?:the\s+)?(?i:user)['\u2019]s\s+|(?i:my|our)\s+)?"
    # "Aire View Court scheme manager: Fatima Hussain": a firm's name may open the label.
    # Two capitalised words at least: one may be the job's own ("Sound engineer:").
    r"(?:(?P<firm>(?:[A-Z][\w'\u2019&\-]*\s+){2,4})(?=[a-z]))?"
    # "2nd XI vice-captain: Ifeanyi Okafor": a team's number may open the job.
    # "Kids' programme coordinator: Hyun-woo Park": a modifier may be a possessive.
    r"(?P<role>(?:[A-Za-z0-9][\w\-]*['\u2019]?s?\s+){0,2}[A-Za-z][\w\-]*(?<!ed))"
    # "Photographer booked: Søren Lund", "Best man = Rafa": a participle may follow the job,
    # and "=" stands for the colon.
    rf"(?:\s+(?:for|of|at|on|in)\s+[^:;,=]{{1,30}}|\s+[a-z]+ed)?\s*[:=]\s*(?:{TITLE})?$"
)


# A job set off before the name by a comma, after an article or an owner: "a Gas Safe
# engineer, Pavel Dvořák,", "My head of department, Naledi Khumalo,". Its words may be
# capitalised ("Gas Safe"), as a label's may.
_APPOSED_BEFORE = re.compile(
    r"(?:(?:^|[,;:(]\s*|\s)(?i:a|an|the|my|our|their|his|her)\s+"
    # "The wildlife trust's pond advisor, Chiamaka Eze,": whose job it is may stand first.
    r"(?:(?:[A-Za-z][\w\-]*\s+){0,2}[A-Za-z][\w\-]*['\u2019]s\s+)?"
    # An agent's note may open on the job, bare ("Carer from Bluebird Care, Janet, …").
    r"|^\s*(?=[A-Z][a-z\-]+\s+(?:at|from|with|for)\s))"
    # The head may be an acronym ("his GP, Dr Ruth Kiely,").
    r"(?P<role>(?:[A-Za-z][\w\-]*\s+){0,3}?(?:[A-Za-z][\w\-]*|[A-Z]{2,5})(?:\s+of\s+[a-z][\w\-]*)?)"
    # "The physio at Kingsway, Dr Amy Cole,": where the job is, said between (the firm's name),
    # and what it is for ("the electrician for the loft, …").
    r"(?:\s+(?:at|from|with)\s+(?P<firm>[A-Z][\w'\u2019&\-]*(?:\s+[A-Z&][\w'\u2019&\-]*){0,3}))?"
    r"(?:\s+for\s+(?:the\s+|my\s+|our\s+)?[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})?"
    # "Booked the photographer — Lukas Brandt": a dash sets the name off as a comma does.
    rf"\s*(?:[,(]|\s(?P<dash>[\u2014\u2013-]))\s*{_ANYONE_CALLED}(?:{TITLE})?$"
)


# After a name set off by a dash, a clause of its own: "scratch what I said about the
# installer - Tomasz is off that week" says no job of Tomasz's.
_CLAUSE_GOES_ON = re.compile(r"\s*(?:['\u2019]s\b|[a-z])")


def _dashed(found: re.Match[str]) -> bool:
    """Whether a job was set off from the name after it by a dash (`_APPOSED_BEFORE`)."""
    return found.groupdict().get("dash") is not None


def _job_said(pattern: re.Pattern[str], before: str, *, again: bool) -> re.Match[str] | None:
    """The match of `pattern` in the text before a name when its words are a job. `again`:
    a later match when the leftmost is none, for a pattern whose opening may take in too
    much (`_APPOSED_BEFORE`'s bare opening: "Meeting with the SENCo, Mr Dev Rao" is not the
    job "Meeting with the SENCo", "the SENCo" after it is)."""
    pos = 0
    while (found := pattern.search(before, pos)) is not None:
        if _a_job(_plain(_said(found)).split()):
            return found
        if not again:
            return None
        pos = found.start() + 1
    return None


def _titled(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """A job written before a person's name ("head baker Agnieszka Łukasik") is their role,
    when the words are a job (its last word a job word, none a stop word) and no kin noun
    (those are a relationship: `_kin`)."""
    for m in s.mentions:
        if m.speaker or m.pronoun or m.entity.startswith("org:") or s.possessing_another(m):
            continue  # "Best man = Tomás's brother Rafa": the job is the brother's
        found = next(
            (f for p in (_TITLE_BEFORE, _THE_ROLE_IS, _ROLE_LABEL, _APPOSED_BEFORE)
             if (f := _job_said(p, s.text[: m.start], again=p is _APPOSED_BEFORE))
             and not (_dashed(f) and _CLAUSE_GOES_ON.match(s.text, m.end))),
            None,
        )  # fmt: skip
        if found is None:
            found = _JOB_BEFORE.search(s.text[: m.start])
            before = found.group("before").lower() if found else ""
            if found is not None and (
                before in _VERB_AFTER
                or before.endswith(("'s", "\u2019s"))  # "User's colleague Zoë": a tie (`_kin`)
                or not _a_job([found.group("role")])
            ):
                found = None  # "I'll guide Ahmed round": a verb, not a job
        if found is None and _the_new_one(s, m, drafts.get(m.entity), facts):
            continue
        if found is None and _named_by_pronoun(s, m, drafts.get(m.entity)):
            continue
        if found is None:
            _labelled_kin(s, m, drafts, facts)
            _bare_kin(s, m, drafts, facts)
            _role_set_off(s, m, drafts, facts)
            _apposed_kin(s, m, drafts, facts)
            continue
        group = "role" if found.group("role") else "opening"
        start, role = found.start(group), _plain(_said(found))
        if "before" in found.re.groupindex and _job_modifier(
            found.group("before"), s.text[: found.start("before")]
        ):
            # "locum nurse Ngozi Eze", "Assistant coach Marisol": a word naming a person
            # itself, right before the job word, is part of the job, not a verb.
            start, role = found.start("before"), _plain(f"{found.group('before')} {role}")
        draft = drafts.get(m.entity)
        set_off = _BRACKET_ROLE.match(s.text, m.end) if generic_role(role) else None
        if draft is not None and set_off is not None and _a_job(set_off.group("role").split()):
            # "contact is Oleksandr Bondarenko (art director)": the job in brackets is what
            # they do; "contact" only whom to ask, so it is the tie.
            _role_set_off(s, m, drafts, facts)
            put = draft.put(field_for(draft.spec, "relationship", ("str",)), role)
        elif draft is not None and role.split()[-1].lower() in _TIE_ONLY:
            put = draft.put(field_for(draft.spec, "relationship", ("str",)), role)  # "boss"
        else:
            put = draft is not None and draft.put(field_for(draft.spec, "role", ("str",)), role)
        if draft is not None and put:
            facts.use(start, found.end(group))
            if found.groupdict().get("firm"):
                _firm_in_label(s, found.start("firm"), found.end("firm"), draft)
            if found.groupdict().get("owner"):
                draft.put(field_for(draft.spec, "relationship", ("str",)), _plain(_said(found)))
            _bare_tie(s, m, draft, found.group(group))


# "the new one is Dr Priya Shah": "one" stands for the job said before it in the sentence.
_NEW_ONE = re.compile(
    r"(?:^|[;,.:\u2013\u2014-]\s*|\band\s+)(?:the\s+|my\s+|our\s+)?(?:new|replacement|current)\s+"
    r"one\s+(?:is|will\s+be)\s+(?:now\s+)?(?:" + TITLE + r")?$",
    re.IGNORECASE,
)


def _the_new_one(s: Analyzed, m: Mention, draft: Draft | None, facts: SentenceFacts) -> bool:
    """ "My dentist, Dr Oyelaran, retired — the new one is Dr Priya Shah": the one named
    after "the new one is" has the job (and the tie) the sentence gave its owner before."""
    one = _NEW_ONE.search(s.text[: m.start])
    if one is None or draft is None:
        return False
    owned = [j for j in USERS_NOUN.finditer(s.text[: one.start()]) if role_noun(j["noun"].lower())]
    if not owned:
        return False
    job = owned[-1]["noun"].lower()
    if draft.put(field_for(draft.spec, "role", ("str",)), job):
        draft.put(field_for(draft.spec, "relationship", ("str",)), job)
        facts.use(one.start(), m.start)
    return True


def _named_by_pronoun(s: Analyzed, m: Mention, draft: Draft | None) -> bool:
    """Whether the name is told as the name of one the sentence spoke of by a job before it
    ("the plumber is coming tues 10am, his name's Gavin Doyle", "loss adjuster visit is thurs
    10 dec … his name's Pieter de Vries"): the last job word before "his name" is their
    role, with the small words right before it that say which ("loss adjuster"); a kin
    word ("my sister came round, her name is Clara") is who they are to the user."""
    told = name_told_before(s.text, m.start)
    if told is None or draft is None:
        return False
    words = list(_ROLE_WORD.finditer(s.text[: told.start()]))
    at = next(
        (
            i
            for i in range(len(words) - 1, -1, -1)
            if _a_job([words[i].group()]) or words[i].group().lower() in KIN_NOUNS
        ),
        None,
    )
    if at is None or words[at].group()[1:] != words[at].group()[1:].lower():
        return False
    if words[at].group().lower() in KIN_NOUNS:
        # "My sister came round, her name is Clara": who she is to the user.
        kin = words[at].group().lower()
        return draft.put(field_for(draft.spec, "relationship", ("str",)), kin)
    first = at
    # "loss adjuster", "emergency plumber": up to two small words right before the job word
    # say which job, unless a mark or an article stands between.
    while (
        first > 0
        and at - first < 2
        and (word := words[first - 1].group()).islower()
        and word not in STOPWORDS
        and word not in KIN_NOUNS
        and word not in _VERB_AFTER
        and not s.text[words[first - 1].end() : words[first].start()].strip()
    ):
        first -= 1
    role = _plain(s.text[words[first].start() : words[at].end()])
    return draft.put(field_for(draft.spec, "role", ("str",)), role)


def _job_modifier(word: str, before: str) -> bool:
    """Whether a word before a job word is a job word too ("locum", "assistant", "senior",
    "trainee"), so the two say one job; a tie ("sister"), a verb or any other word is not
    part of it. It is written in small letters, or capitalised only where a clause opens
    (`before` is the text before it): a surname ("Baker") is no job."""
    plain = word.lower()
    if word != plain and not (word[1:].islower() and _OPENS_CLAUSE.search(before)):
        return False
    if plain in KIN_NOUNS or plain in STOPWORDS or plain in _VERB_AFTER:
        return False
    return role_noun(plain) or role_like(plain)


_OPENS_CLAUSE = re.compile(r"(?:^|[.:;(\n])\s*$")


def _firm_in_label(s: Analyzed, start: int, end: int, draft: Draft) -> None:
    """The firm whose name opens a job label is where the one after it works, when the words
    are an organization's name the text gives ("Aire View Court scheme manager: …")."""
    for m in s.mentions:
        if m.entity.startswith("org:") and m.start == start and m.end <= end:
            draft.put(field_for(draft.spec, "company", ("str",)), s.text[m.start : m.end])
            return


def _bare_tie(s: Analyzed, m: Mention, draft: Draft, role: str) -> None:
    """A job naming a tie said bare right before a name, at the start of a clause or after
    "and"/"with" ("Manager Callum Fraser approved leave", "with GP Dr Ahmed"): nobody else is
    said to have them, so in notes about the user they are the user's (`TIE_ROLES`)."""
    word = role.strip().lower()
    found = _unowned_tie(s, m)
    if word not in TIE_ROLES or found is None or s.text[: found.start()].rstrip().endswith("("):
        return  # "Seedcamp (partner Amelie Roth)": the firm's, said in its brackets
    draft.put(field_for(draft.spec, "relationship", ("str",)), word)


def _unowned_tie(s: Analyzed, m: Mention) -> re.Match[str] | None:
    """The words naming a tie right before `m` (`_BARE_KIN`), unless a word before them says
    whose it is."""
    found = _BARE_KIN.search(s.text[: m.start])
    if found is None:
        return None
    # Up to three words back in its clause: "my old uni friend Kwame", "User's best friend
    # from university is Priya" are owned, past the words that narrow the noun.
    clause = re.split(r"[,;:(.\u2014\u2013]", s.text[: found.start()])[-1]
    for word in clause.lower().split()[-3:]:
        if word in _OWNING or word.endswith(("'s", "\u2019s")):
            return None
    # "Arjun has two daughters, Isla and Nia": had by the one before "has", the user's
    # only when that is the user ("I have a sister, Maya").
    said = clause.lower().split()
    for at, word in enumerate(said[-4:], start=max(len(said) - 4, 0)):
        if word in _HAVING and (at == 0 or said[at - 1] not in _SELF_HAVING):
            return None
    return found


_HAVING = frozenset(("has", "have", "had"))
_SELF_HAVING = frozenset(("i", "we", "user", "i've", "we've"))


def _bare_kin(s: Analyzed, m: Mention, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """A kin noun right before a name that no one's word owns ("User and partner Ruben",
    "Sister Maya lives in Leeds", "clearing uncle Declan's bungalow", "photos from Aunt
    Pilar", "neighbours at no.12 are Gwen and Tomasz"): who they are to the user. After
    "his", "her", "their" or someone's name it is someone else's (`_kin` reads a
    possessive), after "my" or "our" the user's (`_kin` again). A plural noun is each
    listed name's ("dog-sitting for neighbours Ana and Rui Costa")."""
    found = _unowned_tie(s, m)
    draft = drafts.get(m.entity)
    if found is None or draft is None or m.speaker:
        return
    noun = found.group("noun").lower()
    single = None if noun in KIN_NOUNS else kin_plural(noun)
    if noun not in KIN_NOUNS and single is None:
        return
    # "kids Aoife (9) and Darragh (6)": each listed is one.
    listed = _listed_from(s, [m], m.end) if single is not None else [m]
    noun = single or noun
    for x in listed:
        target = drafts.get(x.entity)
        if target is not None and target.put(
            field_for(target.spec, "relationship", ("str",)), noun
        ):
            facts.use(found.start("noun"), found.end("noun"))


# A kin noun right before a name: a modifier may open it, where they are from may follow it,
# and "is" or "are" may stand between ("neighbours at no.12 are Gwen and Tomasz").
TIE_ROLES = lexicon("names.tie_roles")
_BARE_KIN = re.compile(
    r"(?:^|(?<=[^\w\-'\u2019]))"
    r"(?:(?i:late|dear|older|younger|elder|big|little)\s+)?"  # "the estate of late aunt Halina"
    r"(?P<noun>[A-Za-z][\w\-]*)"
    # "the other neighbour, Mrs Doreen Platt", "The landlord (Mr Costas Petrou)": the name set
    # off after it.
    r"(?:\s*,(?=\s)|\s*\()?"
    # "neighbour at no. 16, Mrs Eileen Hartigan": where they are from, said between.
    r"(?:\s+(?:at|from|in|on|of|next\s+door)\b[^,;:()]{0,25}?(?:,|(?=\s+(?:is|are)\b)))?"
    r"(?:\s+(?:is|are))?"
    rf"(?:\s+|(?<=\())(?:{TITLE})?$"
)
# Words before a kin noun that say whose it is: someone else's, or the user's (`_kin`).
_OWNING = frozenset(("his", "her", "their", "its", "whose", "my", "our", "your"))


def _role_set_off(s: Analyzed, m: Mention, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """A job set off right after a person's name, in brackets ("We met Ingrid Holm
    (bookkeeper)", "Desmond Achterberg (retired tram driver), recording 8 Dec") or after a
    dash ("Dan Kowal \u2014 drummer, also books the gigs") or a colon ("Tom Hale: bassist,
    …"): their role, when it is a job."""
    draft = drafts.get(m.entity)
    for pattern in (_BRACKET_ROLE, _DASH_ROLE, _COLON_ROLE):
        found = pattern.match(s.text, m.end)
        if found is not None and draft is not None and pattern is _BRACKET_ROLE:
            words = found.group("role").lower().split()
            if words[-1] in KIN_NOUNS and all(_kin_modifier(w) for w in words[:-1]):
                # "Yusuf (husband) keeps saying …": who they are to the user.
                if draft.put(field_for(draft.spec, "relationship", ("str",)), " ".join(words)):
                    facts.use(found.start("role"), found.end("role"))
                return
        if found is None or draft is None or not _a_job(found.group("role").split()):
            continue
        if pattern is _COLON_ROLE and not _known_role(found.group("role").split()[-1]):
            continue  # "Mia Park: vegetarian, no nuts": after a colon only a known job
        if draft.put(field_for(draft.spec, "role", ("str",)), found.group("role")):
            facts.use(found.start("role"), found.end("role"))
        if pattern is _BRACKET_ROLE:
            _firm_after_role(s, found.end(), draft)
        return


def _firm_after_role(s: Analyzed, at: int, draft: Draft) -> None:
    """The name closing the brackets a job opened ("Dr Mikael Lindqvist (nephrologist,
    Toronto General)"): where they work, when it is no one named and no date, and a firm
    or more than one word (a town is more often said so alone: "(plumber, Leeds)")."""
    found = _FIRM_CLOSING.match(s.text, at)
    company = field_for(draft.spec, "company", ("str",))
    if found is None or company is None or draft.has(company) or s.text[at - 1] != ",":
        return
    start, end = found.span("firm")
    if any(m.start < end and start < m.end for m in s.mentions if not m.entity.startswith("org:")):
        return
    firm = any(m.start == start and m.entity.startswith("org:") for m in s.mentions)
    if not firm and (" " not in found.group("firm") or any(p.start == start for p in s.places)):
        return  # "(plumber, Leeds)": where they are, not whom they work for
    if any(v.start < end and start < v.end for v in s.values) or names_a_time(
        re.findall(r"[^\W\d_]+", found.group("firm"))
    ):
        return  # "(tutor, Tuesdays)", "(associate dentist, Tue-Fri)": when, not where
    draft.put(company, found.group("firm"))


_FIRM_CLOSING = re.compile(
    r"\s*(?P<firm>[A-Z][\w'\u2019&\-]*(?:\s+(?:[A-Z][\w'\u2019&\-]*|&|of|de|la)){0,5})\s*\)"
)


def _apposed_kin(s: Analyzed, m: Mention, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """A kin noun set off after a name with "the" ("Inês Costa, the landlord, lives
    downstairs"): who they are to the user. (A job so set off is read by `_roles`.)"""
    found = _APPOSED.match(s.text, m.end)
    draft = drafts.get(m.entity)
    if found is None or draft is None or found.group("noun").lower() not in KIN_NOUNS:
        return
    if draft.put(field_for(draft.spec, "relationship", ("str",)), found.group("noun").lower()):
        facts.use(found.start("noun"), found.end("noun"))


_APPOSED = re.compile(r"\s*,\s+the\s+(?P<noun>[a-z][\w\-]*)\s*(?:[,;.]|$)")
_DASH_ROLE = re.compile(
    # "Priya Shah (Vexo Ltd) — procurement lead": a bracket may stand between.
    r"(?:\s*\([^()]{1,40}\))?\s+[\u2014\u2013-]\s+(?:(?:a|an|the|our|their)\s+)?"
    r"(?P<role>(?:[a-z][\w\-]*\s+){0,2}[a-z][\w\-]*)"
    r"\s*(?:[,;.)\u2014\u2013]|\s(?:at|for|with)\b|$)"  # "— accountant at Reid & Co —"
)
# "Tom Hale: bassist, also does bookings": the name as a label, what they are after it.
_COLON_ROLE = re.compile(
    r"\s*:\s+(?:(?:a|an|the|our|their)\s+)?"
    r"(?P<role>(?:[A-Za-z][\w\-]*\s+){0,2}[a-z][\w\-]*)\s*(?:[,;.)]|$)"
)
# "(bookkeeper)", "(Polish community archivist)": a modifier may be capitalised, not the head.
# "(bosun / boat manager)": the first of two jobs given as alternatives.
_BRACKET_ROLE = re.compile(
    # "Hamid Karimi (the surveyor)", "Ruth Ellery (our accountant)": the job after its article.
    # "Priya Shah (CTO)": the job may be an acronym.
    r"\s*\(\s*(?:(?i:the|a|an|our|my)\s+)?(?P<role>(?:[A-Za-z][\w\-]*\s+){0,2}(?:[a-z][\w\-]*|[A-Z]{2,5}))"
    r"\s*(?:[,;)]|/\s*[a-z])"
)


def _labelled_kin(s: Analyzed, m: Mention, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """A label that says who someone is to the user, not a job ("Landlord: Mr Costas Petrou",
    "Sister: Ana"), in the user's notes: their relationship."""
    found = _ROLE_LABEL.search(s.text[: m.start])
    words = found.group("role").lower().split() if found else []
    if found is None or len(words) != 1 or not person_noun(words[0]) or _a_job(words):
        return
    draft = drafts.get(m.entity)
    if draft is not None and draft.put(field_for(draft.spec, "relationship", ("str",)), words[0]):
        facts.use(found.start("role"), found.end("role"))


def _said(found: re.Match[str]) -> str:
    """The job a title pattern found: its `role`, or the capitalised word opening the sentence
    ("Accountant Ruth Ellery …")."""
    return found.group("role") or found.groupdict().get("opening") or ""


def _plain(role: str) -> str:
    """A job as a record holds it: a word capitalised only because it opens the sentence or
    the label is lower-cased ("Coach" -> coach), an acronym kept ("CTO")."""
    first, _, rest = role.partition(" ")
    # "Gas Safe engineer": a name's words inside keep the phrase as written ("My GP" does not).
    named = any(w[:1].isupper() and not w.isupper() for w in rest.split())
    if first[:1].isupper() and first[1:].islower() and not named:
        first = first.lower()
    return f"{first} {rest}" if rest else first


def _a_job(words: list[str]) -> bool:
    """Words written before a name that are a job: the last a job word, none a stop word,
    and no person noun that is not a job ("my sister Maya": who she is to the user); or two
    jobs joined by "and" ("co-founder and CTO is Rahel Tesfaye")."""
    if "and" in words[1:-1]:
        i = words.index("and")
        return _a_job(words[:i]) and _a_job(words[i + 1 :])
    if "of" in words[1:-1]:  # "head of department": the words before "of" are its head
        return _a_job(words[: words.index("of")])
    if not words or any(w in STOPWORDS for w in words):
        return False
    if len(words) == 1 and words[0].lower() in ANYONE:
        return False  # "the guy is Bartholomew Kaczmarek": anyone, no job
    if words[-1].casefold() == USER_NAME.casefold():
        return False  # "Board: user, Rahel Tesfaye": the user, listed before her, is no job
    if words[-1].lower() in KIN_NOUNS or not (role_like(words[-1]) or role_noun(words[-1])):
        return False  # "Sister Maya": a tie, though "sister" ends like a job (`_bare_kin`)
    return not any(person_noun(w) and not role_like(w) for w in words)


def _listed(s: Analyzed, end: int, role: str) -> bool:
    """A job given as one item of a comma list, as notes give them ("Contact: Hana Novák,
    graphic designer, Prague", "José Álvarez, procurement lead at Mercadona Tech"): the whole
    item, in lower case, ending in a job word of the list (a guess from the ending would take
    "vegetarian")."""
    words = role.split()
    rest = s.text[end:]
    return (
        bool(words)
        and (role.islower() or (len(words) == 1 and role.isupper()))  # "…, CTO of X"
        and _known_role(words[-1])
        and bool(re.match(rf"\s*(?:[,;.)]|$|(?:at|for|with|of)\s+(?:the\s+\w|{UPPER}))", rest))
    )


def _job_word_in(role: str) -> bool:
    """Whether a role said without an article opens with a job word ("head of sales") or ends
    in one, its head ("site foreman", "vice-captain")."""
    words = role.split()
    return _known_role(words[0]) or _known_role(words[-1].split("-")[-1])


def _known_role(word: str) -> bool:
    """A job word from the lists, not guessed from its ending ("Canadian", "vegetarian")."""
    return role_noun(word)


def role_phrase(s: Analyzed, start: int) -> tuple[int, str]:
    """Words from `start` up to a preposition, punctuation, a name, or a word that says
    something of the job rather than naming it (a function word, an adverb: "a chartered
    accountant so should be fine", "a gas safe engineer luckily"): (end, phrase). The phrase
    opens right at `start`: "is £28 per head" says no job."""
    end, words = start, list[str]()
    for w in _ROLE_WORD.finditer(s.text, start):
        gap = s.text[end : w.start()]
        if words and w.group() == "s" and gap in ("'", "\u2019"):
            # "the clinic's counsellor", "the school's head of maths": whose job it is comes
            # first; the job is what follows.
            words, end = [], w.end()
            continue
        if gap.strip() or len(words) >= 6:
            break
        word = w.group().lower()
        if word == "and" and words and _second_job(s, w.end()):
            words.append(w.group())  # "co-founder and CTO": two jobs, held together
            end = w.end()
            continue
        if any(x.start <= w.start() < x.end for x in s.mentions) or word in _ROLE_STOP:
            break
        if any(v.start <= w.start() < v.end for v in s.values):
            break  # "as a backend engineer last week": a date (a typed value) ends the job
        after_of = bool(words) and words[-1].lower() == "of"
        if (
            word != "of"
            and not (after_of and word in ("the", "a", "an"))
            and (
                word in STOPWORDS or word in _AFTER_A_JOB or (word.endswith("ly") and len(word) > 4)
            )
        ):
            if words or word in _AFTER_A_JOB or word in _NEGATIONS:
                break  # "is no longer considering …": nothing is said to be a job
            end = w.end()  # "is also a designer", "was previously a nurse": before the job
            continue
        if words and words[-1].lower() != "of" and word.endswith("ing"):
            # "the paralegal handling the lease": what they do, not the job's words; but
            # "senior marketing manager": the -ing word says what kind of job comes next.
            nxt = _ROLE_WORD.match(s.text, w.end() + 1)
            if not (
                nxt is not None
                and s.text[w.end()] == " "
                and (role_like(nxt.group().lower()) or role_noun(nxt.group().lower()))
            ):
                break
        if w.group().lower() == "of":
            nxt = _ROLE_WORD.search(s.text, w.end())
            if nxt is None or any(x.start == nxt.start() for x in s.mentions):
                break
        words.append(w.group())
        end = w.end()
    while words and words[-1].lower() in ("of", "the", "a", "an"):
        words.pop()
        end = s.text.rfind(words[-1], 0, end) + len(words[-1]) if words else start
    return end, " ".join(words)


def _second_job(s: Analyzed, at: int) -> bool:
    """Whether the word after `at` is a job word of the lexicon's, no one's name nor a kin
    noun ("co-founder and CTO", "owner and head chef"; not "a designer and lives …")."""
    nxt = _ROLE_WORD.search(s.text, at)
    if nxt is None or s.text[at : nxt.start()].strip():
        return False
    if any(x.start <= nxt.start() < x.end for x in s.mentions):
        return False
    word = nxt.group().lower()
    return role_noun(word) and word not in KIN_NOUNS and word not in STOPWORDS


def _is_choice(draft: Draft, text: str) -> bool:
    """Whether `text` is an enum value of the draft's type ("a customer" is a stage)."""
    low = text.lower().replace(" ", "_")
    return any(low in (str(v).lower() for v in f.enum or ()) for f in draft.spec.fields.values())


# Employment that is over: the sentence keeps it (notes, the episode), the record's employer
# and its link stay what is true now.
_PAST_WORK = lexicon("cues.past_work")


# "My employer is Ocado", "User's current employer: Ocado": whose employer a firm is.
_EMPLOYER_IS = re.compile(
    r"['\u2019]?s?\s+(?:(?:current|new|main|present|old|former)\s+)?employer"
    r"\s*(?:is\s+(?:now\s+)?|was\s+|:\s*|,\s*)$",
    re.IGNORECASE,
)


def _employer_said(s: Analyzed, at: int) -> Mention | None:
    """Whose employer the firm named at `at` is said to be ("My employer is Ocado": the
    user's; "Her employer is Globex": hers): the possessive right before "employer", when
    the words before it say no former one."""
    said = _EMPLOYER_IS.search(s.text, 0, at)
    if said is None or re.search(r"\b(?:old|former)\b", said.group(), re.IGNORECASE):
        return None
    # Right before it: its "'s" may be the mention's own or the pattern's.
    start = said.start()
    return next(
        (
            m
            for m in s.mentions
            if m.possessive
            and (
                start <= m.end <= start + 2 or (m.end < start and not s.text[m.end : start].strip())
            )
        ),
        None,
    )


def _employment(
    s: Analyzed,
    drafts: dict[str, Draft],
    names: dict[str, str],
    kinds: dict[str, str],
    facts: SentenceFacts,
) -> None:
    for org in (m for m in s.mentions if kinds.get(m.entity) == "org" and not m.pronoun):
        owner = _employer_said(s, org.start)
        if owner is not None:
            facts.employment.append((owner.entity, org.entity))  # "My employer is Ocado"
            draft = drafts.get(owner.entity)
            if draft is not None:
                draft.put(field_for(draft.spec, "company", ("str",)), names[org.entity])
            continue
        before = s.text[: org.start].split()
        if [w.lower() for w in before[-2:]] == ["at", "the"]:
            before = before[:-1]  # "works nights at the Royal Free": the cue is "at"
        cue = before[-1].lower() if before else ""
        owners = [m for m in group_before(s, org.start) if not s.possessing_another(m)]
        if not owners or cue not in ("at", "for", "by", "joined", "joins", "from", "with", "of"):
            continue
        gap = s.text[owners[-1].end : org.start]
        between = {w.lower().strip(",") for w in gap.split()}
        # "is" says where they work only as their own verb ("Tom is now at Globex"), not as
        # another subject's ("Femke says the flat is 8 mins from Utrecht Centraal").
        verbs = between & _WORK_WORDS
        if cue != "at":
            verbs.discard("job")  # "a job at Lumen Bio" is where one works; "a job for Gareth" no
        if verbs <= _COPULAS and not _OWN_COPULA.match(gap):
            verbs = set()
        said = [w.lower().strip(",") for w in gap.split()]
        if said[-2:] == ["work", "from"] and said[-3:-2] and said[-3] not in _VERB_AFTER:
            # "will not accept new legal work from Brightline": work a firm gives, a noun
            # after its adjective, not where anyone works ("they work from", "will work
            # from": a verb after whoever does it or an auxiliary, `cues.verb_after`).
            verbs = verbs - {"work"}
        working = verbs or any(role_like(w) for w in between) or job_with_article(said)
        # "physio with Tariq at Stride Clinic", "sees Dr Arai at Parkside Vets": someone seen
        # for a service, at the place they work.
        served = _SEEN.search(s.text[: owners[-1].start]) is not None and between == {"at"}
        working = working or served
        # "Tom Reed of Reed & Sons", "Jonas Berg from Spotify": the firm right after the name.
        if cue not in ("joined", "joins", "from", "of") and not working:
            continue
        if cue in ("from", "of") and len(between) > 1 and not working:
            continue
        if cue == "from" and between & BOUGHT:
            continue  # "ordered a pond liner from AquaFlora Direct": a seller, not an employer
        # The clause that leads to this organization: "left Initech and *joined* Globex".
        clause = re.split(r",|;|\band\b|\bthen\b", s.text[owners[-1].end : org.start])[-1]
        if {w.lower() for w in clause.split()} & _PAST_WORK:
            continue  # "worked at Initech from 2015 to 2018": a past job, not where they work
        for owner in owners:
            facts.employment.append((owner.entity, org.entity))
            draft = drafts.get(owner.entity)
            stored = draft is not None and draft.put(
                field_for(draft.spec, "company", ("str",)), names[org.entity]
            )
            if stored or (draft is not None and org.entity in drafts):
                cue_start = s.text.rfind(before[-1], 0, org.start)
                facts.use(cue_start, org.end)
                verb = re.search(r"\b(works?|worked|working|employed)\s+$", s.text[:cue_start])
                if verb:
                    facts.use(verb.start(), cue_start)


# Who speaks for an organization named just before: "Nordlys Medical AS (Oslo), contact Søren
# Dahl", "Seedcamp (partner Amelie Roth, …)", "Harbour Lane Bakery — contact Gwen Ofori".
_FOR_THE_ONE_BEFORE = re.compile(
    r"(?:[,(;:\u2014\u2013]|\s-)\s*(?P<role>(?:[a-z][\w\-]*\s+){0,2}[a-z][\w\-]*)\s+"
    rf"(?:{TITLE})?$"
)


def _represents(
    s: Analyzed,
    drafts: dict[str, Draft],
    names: dict[str, str],
    kinds: dict[str, str],
    facts: SentenceFacts,
) -> None:
    """A person named right after a job or "contact", set off from the organization named
    just before them (only a place or an aside between), works there."""
    orgs = [m for m in s.mentions if kinds.get(m.entity) == "org" and not m.pronoun]
    for m in s.mentions:
        if m.speaker or m.pronoun or kinds.get(m.entity) != "person":
            continue
        found = _FOR_THE_ONE_BEFORE.search(s.text[: m.start])
        if found is None:
            continue
        role = found.group("role").split()
        if role[-1] != "contact" and not _a_job(role):
            continue
        org = next((o for o in reversed(orgs) if o.end <= found.start()), None)
        if org is None or any(org.end <= x.start < m.start for x in s.mentions if x is not org):
            continue  # another name between: the job is not said of this organization's one
        between = s.text[org.end : found.start()]
        # Inside the firm's own brackets, still open, its parts may be set apart by
        # semicolons: "Northlight Docs (New York; post supervisor Diego Santamaría)".
        bracketed = between.lstrip().startswith("(") and ")" not in between
        if not bracketed and (";" in between or len(between.split()) > 3):
            continue
        draft = drafts.get(m.entity)
        if draft is not None and draft.put(
            field_for(draft.spec, "company", ("str",)), names[org.entity]
        ):
            facts.use(found.start("role"), m.start)


# "My accountant Marta Queirós at Queirós & Filhos", "Accountant Ruth Ellery (Ellery & Co)":
# the firm right after someone said to have a job; "Oakfield Vets, Dr. Hamish Grant", "at
# Riverside Vets with Dr Anneliese Vogt": a titled person right after a firm.
_FIRM_AFTER = re.compile(r"\s*(?:\(|,?\s+at\s+(?:the\s+)?)$")
_TITLED_AFTER = re.compile(r"^\s*(?:,|with)\s*$")
# A name alone in brackets, or between commas not joining one more item ("…, and").
_SET_OFF_FIRM = re.compile(r"\s*\(\s*[^(),;]+\)|\s*,\s*[^(),;]+(?:,(?!\s*(?:and|or)\b)|$)")
_TITLE_AT = re.compile(TITLE, re.IGNORECASE)


def _firm_beside(
    s: Analyzed,
    drafts: dict[str, Draft],
    names: dict[str, str],
    kinds: dict[str, str],
    facts: SentenceFacts,
) -> None:
    """Where someone works, said by the firm standing right beside them: after a person whose
    job or who-they-are the sentence says, "at ORG" or "(ORG)"; before a titled person, "ORG,"
    or "ORG with"."""
    named = [m for m in s.mentions if not m.pronoun and not m.speaker]
    for m, nxt in itertools.pairwise(named):
        person, firm = (m, nxt) if kinds.get(m.entity) == "person" else (nxt, m)
        if kinds.get(person.entity) != "person" or kinds.get(firm.entity) != "org":
            continue
        draft = drafts.get(person.entity)
        if draft is None:
            continue
        if person is m:
            gap = s.text[m.end : nxt.start]
            described = any(
                draft.has(field_for(draft.spec, f, ("str",))) for f in ("role", "relationship")
            )
            # "Priya Nair (Vexo Ltd)", "Contact: Mia Wong, Acme Ltd, mia@…": a firm set off
            # right after the name, alone in its brackets or commas, is theirs.
            alone = _SET_OFF_FIRM.match(s.text, m.end) is not None and nxt.start - m.end < 4
            # "from Gwilym Price at Valley Apiaries": a firm after "at" is where they work
            # unless they are met there ("Dinner with Aiko Tanaka at Sushi Saito").
            before = s.text[: m.start].lower().split()[-2:]
            met = bool(set(before) & _MEETING_WORDS)
            at_firm = _FIRM_AFTER.fullmatch(gap) is not None and (described or not met)
            if not alone and not at_firm:
                continue
        else:
            gap = s.text[m.end : nxt.start]
            if not _TITLED_AFTER.match(gap) or not _TITLE_AT.match(s.text, nxt.start):
                continue
        company = field_for(draft.spec, "company", ("str",))
        if company is not None and not draft.has(company):
            draft.put(company, names[firm.entity])
            facts.use(m.end, nxt.start)


_COPULAS = frozenset(("is", "are", "was", "were"))
# Words of meeting someone (`names.MET`) and the meals and dates one meets over.
_MEETING_WORDS = MET | frozenset(("dinner", "lunch", "coffee", "drinks", "date"))
_OWN_COPULA = re.compile(
    r"\s*(?:,\s*(?:who|which)\s+)?(?:is|are|was|were)\b(?:\s+(?:now|currently|still|also))?\s+\S+\s*$",
    re.IGNORECASE,
)
_SEEN = re.compile(rf"\b(?:with|sees?|saw|seeing)\s+(?:{TITLE})?$")


def group_before(s: Analyzed, position: int) -> list[Mention]:
    """The people named last before `position`, with those joined to them ("Alice and Bob")."""
    people = [m for m in s.mentions if m.end <= position and not m.entity.startswith("org:")]
    if not people:
        return []
    group = [people[-1]]
    for m in reversed(people[:-1]):
        if not re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*", s.text[m.end : group[0].start]):
            break
        group.insert(0, m)
    return group


def _manages(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    for m in _MANAGE.finditer(s.text):
        owner = _owner_before(s, m.start())
        draft = drafts.get(owner.entity) if owner else None
        if draft is None or owner is None:
            continue
        obj = m.group("obj").strip()
        if not _predicate_of(s.text[owner.end : m.start()]) or _NOT_MANAGED.match(obj):
            continue  # "prefers morning runs before 7am": a noun, and nothing is run
        if m.group("verb") in ("runs", "ran") and not _a_firm(s, m.start("obj"), obj):
            continue  # "he runs the ELISA plates", "runs the gas kiln": works it, heads nothing
        # When it is run is no part of the role ("coordinates volunteers at the food bank on
        # Tuesdays"), nor is the town it is in ("runs a bakery in Leith": `_places`).
        obj = re.split(r"\s+(?:on|every|each|during|since)\s+", obj)[0]
        obj = re.sub(rf"\s+(?:in|near)\s+{UPPER}[\w'\-]*(?:\s+{UPPER}[\w'\-]*)*$", "", obj)
        # "runs the payments team at Fintrel": the team is the role's, Fintrel the employer;
        # "runs a bakery called Flour & Fig": so too the firm's name the kind is given.
        at = re.search(
            rf"\s+(?:at|for|called|named)\s+(?P<org>{UPPER}[\w&'\-]*(?:\s+(?:&\s+)?{UPPER}[\w&'\-]*)*)$",
            obj,
        )
        if at is not None:
            obj = obj[: at.start()]
            draft.put(field_for(draft.spec, "company", ("str",)), at.group("org"))
        role = f"{_MANAGER[m.group('verb')]} of {obj}"
        if draft.put(field_for(draft.spec, "role", ("str",)), role):
            facts.use(m.start(), m.end())


def _a_firm(s: Analyzed, start: int, obj: str) -> bool:
    """Whether what is run, `obj` at `start`, is a firm or a group: a name read as one ("runs
    Pão & Mel"), or words headed by a firm's noun ("a small accounting practice", "the
    payments team"); a thing run is worked, not headed."""
    if any(x.entity.startswith("org:") and start <= x.start < start + len(obj) for x in s.mentions):
        return True
    words = re.findall(
        r"[a-z][\w\-]*", re.split(r"\s+(?:at|for|in|of|with|from)\s+", obj)[0].lower()
    )
    return bool(words) and (words[-1] in ORG_NOUNS or words[-1] in FIRM_HEADS)


# Between a person and the verb that is theirs: nothing, or words that leave it theirs
# ("Maya, who now runs", "Tom also leads"); anything else makes the verb another's or a noun
# ("User prefers morning runs").
_BETWEEN_OWNER_AND_VERB = re.compile(
    r"^(?:[\s,]+|,[^,]{1,40},|\s*\([^)]{0,80}\)|\s*\b(?:who|that|which|and|also|now|still|"
    r"currently|today|"
    r"jointly|\w+ly)\b)*$",
    re.IGNORECASE,
)
# What a managing verb's object never opens with: a time, a place or a number is not run.
_NOT_MANAGED = re.compile(
    r"(?i)(?:by|before|after|at|in|on|every|each|daily|weekly|monthly|with|for|to|from|around|"
    r"through|into|out|away|late|early|twice|once|until|till)\b|\d"
)


def _predicate_of(between: str) -> bool:
    """Whether a verb after a person, `between` them, is the person's own."""
    return _BETWEEN_OWNER_AND_VERB.match(between) is not None


_KIN_NOUN = re.compile(r"\s*([^\W\d_][\w\-]*)(?:\s+([^\W\d_][\w\-]*))?(?:\s+([^\W\d_][\w\-]*))?")


def _kin_phrase(noun: re.Match[str]) -> tuple[str, int] | None:
    """The words after a possessive that say who someone is, and where they end: a person
    noun, with up to two words before it that narrow it ("my older sister", "my team lead",
    "my old uni friend"), the longest such. A capitalised word is the name after the noun
    ("my brother Conor": no "-or" job), unless it is an acronym ("my family GP")."""
    words = [w for w in noun.groups() if w is not None]
    for k in range(len(words), 1, -1):
        head, before = words[k - 1], words[: k - 1]
        if head[:1].isupper() and not head.isupper():
            continue
        if not all(w.islower() or _kin_modifier(w) for w in before):
            continue
        if owned_person_noun(head):
            return " ".join(words[:k]), noun.end(k)
    if owned_person_noun(words[0]):
        return words[0], noun.end(1)
    return None


# "my sister, Maya", "my manager is Priya Nair", "the user's dentist Dr. Okafor".
# "my manager there is Ingrid", "my best friend from university is Priya": where or when may
# stand before the verb.
_KIN_AFTER = re.compile(
    # "my manager at Finch & Co is …": a firm's name may join its words with "&".
    # "my accountant for the business is …": what the tie is for, said the same way.
    r"^\s*(?:(?:there|here|now|currently|(?:from|at|in|for)(?:\s+[\w'\u2019\-&]+){1,6})\s+(?=is\b|was\b))?"
    # "my section leader is called Bisi", "my landlord's called Rob": as "is" alone.
    r"(?:,|:|\(|-|\u2014|(?:(?:\b(?:is|was)|['\u2019]s)\s+)?\b(?:called|named)\b|\bis\b|\bwas\b)?\s*$"
)
# "Maya, my sister", "Priya is my manager".
_KIN_BEFORE = re.compile(r"^\s*(?:,|\(|-|\u2014|\bis\b|\bwas\b)?\s*$")


# "My manager's name is Priya Shah", "my landlord's called Rob Hill".
_NAME_IS = re.compile(r"\s*(?:(?:full\s+|first\s+)?name\s+(?:is|was)|called|named)\s+")


def _tie_named(s: Analyzed, m: Mention, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """ "My manager's name is Priya Shah", "my landlord's called Rob Hill": the one named is
    who the tie says, to the user."""
    after = next(
        (x for x in s.mentions if x.start >= m.end and not x.entity.startswith(("org:", TIE))),
        None,
    )
    draft = drafts.get(after.entity) if after is not None and not after.speaker else None
    if after is None or draft is None or not _NAME_IS.fullmatch(s.text, m.end, after.start):
        return
    noun = m.entity[len(TIE) :]
    if draft.put(field_for(draft.spec, "relationship", ("str",)), noun):
        facts.use(m.start, after.start)
    if noun not in KIN_NOUNS and _known_role(noun):
        draft.put(field_for(draft.spec, "role", ("str",)), noun)


def _kin(
    s: Analyzed, drafts: dict[str, Draft], names: dict[str, str], facts: SentenceFacts
) -> None:
    """Who a person is to the user, or to someone named: the noun after "my" / "the user's" /
    "Chiara's" that names a person, given to the person named right after it or right before
    it ("sister"; "Chiara's father" when the possessor is not the user)."""
    for m in s.mentions:
        if m.entity.startswith(TIE):
            _tie_named(s, m, drafts, facts)
        if not m.possessive or m.entity.startswith("org:"):
            continue
        noun = _KIN_NOUN.match(s.text, m.end)
        if noun is None:
            continue
        found = _kin_phrase(noun)
        if found is None:
            continue
        phrase, end = found
        people = [x for x in s.mentions if not x.speaker and not x.entity.startswith("org:")]
        after = next((x for x in people if x.start >= end), None)
        before = next((x for x in reversed(people) if x.end <= m.start), None)
        if after is not None and _KIN_AFTER.match(s.text[end : after.start]):
            target = after
        elif before is not None and _KIN_BEFORE.match(s.text[before.end : m.start]):
            target = before
        else:
            continue
        draft = drafts.get(target.entity)
        owner = drafts.get(m.entity)
        if draft is None or target.entity == m.entity or (not m.speaker and owner is None):
            continue
        if m.entity.startswith(TIE):
            phrase = f"{m.entity[len(TIE) :]}'s {phrase.lower()}"  # "my sister's husband"
        elif not m.speaker and owner is not None:
            possessor = called_by(str(next(iter(owner.values.values()), "")))
            phrase = f"{possessor}'s {phrase}"  # "Chiara's father"
        elif m.speaker:
            phrase = phrase.lower()
        if draft.put(field_for(draft.spec, "relationship", ("str",)), phrase):
            facts.use(m.start, end)
        head = phrase.split()[-1].lower()
        if m.speaker and head not in KIN_NOUNS and head not in _TIE_ONLY and _known_role(head):
            # "Our electrician is Élodie": who she is to the user, and her job; "my boss is
            # Dr Demir" says whose boss he is, not his job (a stored "principal dentist").
            draft.put(field_for(draft.spec, "role", ("str",)), phrase.lower())
        if target is after and phrase.split()[-1].lower() not in KIN_NOUNS:
            # "my manager at Northwind is Sofia": a job there is work there.
            org = next((x for x in s.mentions if x.entity.startswith("org:") and end <= x.start
                        and x.end <= after.start and re.fullmatch(r"\s+at\s+",
                        s.text[end : x.start])), None)  # fmt: skip
            if org is not None and org.entity in names:
                draft.put(field_for(draft.spec, "company", ("str",)), names[org.entity])


# "Marcus and Lin are my mentees": the people named right before are each one of them.
_ARE_MY_PLURAL = re.compile(
    r"\s+(?:are|were)\s+(?:both\s+|all\s+)?(?:my|our|(?:the\s+)?user['\u2019]s)\s+(?P<noun>[a-z][\w\-]*)\b",
    re.IGNORECASE,
)


def _kin_named_before(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """People named together right before "are my <plural kin noun>" are each that to the
    user ("Marcus and Lin are my mentees", "Ana and Tom are our neighbours")."""
    for m in _ARE_MY_PLURAL.finditer(s.text):
        single = kin_plural(m.group("noun"))
        group = group_before(s, m.start())
        if single is None or len(group) < 2 or group[-1].end != m.start():
            continue
        for x in group:
            draft = drafts.get(x.entity)
            if draft is not None and not x.speaker and not x.entity.startswith("org:"):
                draft.put(field_for(draft.spec, "relationship", ("str",)), single)
        facts.use(group[0].start, m.end())


def _kin_listed(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """ "Arjun has two daughters, Isla and Nia", "my kids Ama (9) and Yaw (6)": each person
    listed right after a plural kin noun is that to its owner (the user for "my", "our", "the
    user's"; else the person named right before: "Arjun's daughter")."""
    for m in _KIN_LIST.finditer(s.text):
        single = kin_plural(m.group("noun"))
        if single is None:
            continue
        people = [x for x in s.mentions if not x.speaker and not x.entity.startswith("org:")]
        listed = _listed_from(s, [], m.end())
        if not listed:
            continue
        at = listed[-1].end
        phrase = single
        if not m.group("mine"):
            owner = next((x for x in reversed(people) if x.end <= m.start()), None)
            draft = drafts.get(owner.entity) if owner is not None else None
            if owner is None or draft is None or owner in listed:
                continue
            gap = s.text[owner.end : m.start()]
            if not re.fullmatch(r"(?:['\u2019]s)?\s*(?:has|had|have|with)?\s*", gap.lower()):
                continue
            phrase = f"{str(next(iter(draft.values.values()), '')).split(' ')[0]}'s {single}"
        for x in listed:
            target = drafts.get(x.entity)
            if target is not None:
                target.put(field_for(target.spec, "relationship", ("str",)), phrase)
        facts.use(m.start(), at)


def _listed_from(s: Analyzed, listed: list[Mention], at: int) -> list[Mention]:
    """`listed` and the people named one after another from `at` in `s`, joined by commas,
    "and" or an age in brackets (`_LIST_GAP`): "Ama (9) and Yaw (6)"."""
    listed = list(listed)
    for x in s.mentions:
        if x.speaker or x.entity.startswith("org:") or x.start < at:
            continue
        if not _LIST_GAP.fullmatch(s.text[at : x.start]) or (listed and x.start == at):
            break
        listed.append(x)
        at = x.end
    return listed


# A plural kin noun with its owner before it: "my kids", "our two daughters", "the user's
# children", "Arjun has two daughters," (the owner's name is found among the mentions).
_KIN_LIST = re.compile(
    r"(?:(?P<mine>\b(?:[Mm]y|[Oo]ur|(?:[Tt]he\s+)?[Uu]ser['\u2019]s)\s+)|\b(?:has|have|had|"
    r"with)\s+|['\u2019]s\s+)(?:(?:two|three|four|five|six|\d+)\s+)?(?P<noun>[a-z][\w\-]*)"
    r"\s*[,:]?\s*(?:\u2014\s*)?"
)
# Between the people listed: a comma, "and", an age in brackets ("Ama (9) and Yaw (6)").
_LIST_GAP = re.compile(r"\s*(?:\([^)]{0,20}\)\s*)?(?:,|&|and|,\s*and)?\s*")


# "switched dentists to Dr. Chen", "changed GP to Dr Rao": the new one is the user's.
_SWITCHED = re.compile(
    r"\b(?:switched|changed|moved)\s+(?:(?:my|our|her|his|their)\s+)?(?P<noun>[a-z][\w\-]*?)s?\s+to\s+$",
    re.IGNORECASE,
)


def _switched(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """Who someone is to the user, told as a change to them ("User switched dentists to Dr.
    Chen at Brightside Dental"): the sentence's speaker made the change."""
    if not any(m.speaker for m in s.mentions):
        return
    for m in s.mentions:
        if m.speaker or m.pronoun or m.entity.startswith("org:"):
            continue
        found = _SWITCHED.search(s.text[: m.start])
        draft = drafts.get(m.entity)
        if found is None or draft is None or not person_noun(found.group("noun")):
            continue
        if draft.put(field_for(draft.spec, "relationship", ("str",)), found.group("noun").lower()):
            facts.use(found.start(), m.start)


def _kin_modifier(word: str) -> bool:
    """A word that narrows a person noun: "older sister", "business partner", "line manager"."""
    return word.lower() in _KIN_MODIFIERS


_KIN_MODIFIERS = lexicon("cues.kin_modifiers")


# What sets a clause apart: a place said before it is not of a subject named after it.
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s")


def _described_by(before: str) -> bool:
    """Whether the words before a place are a person's noun and its preposition ("a private
    seller in", "a researcher from"): the place is said of whoever that noun is."""
    found = re.search(r"([A-Za-z][\w\-]*)\s+(?:in|from|near|based\s+in)\s+$", before)
    return found is not None and (person_noun(found.group(1)) or role_noun(found.group(1)))


# Words between someone and a place that say it is where they are: living, being based,
# moving, working, being from ("is a tester at Sage and lives in Newcastle").
_DWELL = r"lives?|living|lived|resides?|residing|grew\s+up"
_WHERE_ONE_IS = re.compile(
    rf"\b(?:{_DWELL}|based|moved?|moving|relocat\w*|"
    r"settled|staying|stays|works?|working|worked|job|from|home)\b",
    re.IGNORECASE,
)
# A clause of its own about a thing: what is said after it is the thing's.
_A_THING_IS = re.compile(r"\b(?:it|that|this|there)(?:['\u2019]s|\s+is|\s+was)\b", re.IGNORECASE)
# Being, said alone: where one is, unless a deed stands between ("Nadia is getting married
# on 17 April in Lisbon": the wedding is there, not Nadia).
_BEING = re.compile(r"\b(?:is|are|was|were|am|now)\b|['\u2019][sm]\b", re.IGNORECASE)
# What comes next is another thing: "Hotel Kanra Kyoto, 4 nights, then a ryokan in Hakone".
_THEN = re.compile(r"\bthen\b", re.IGNORECASE)
# A deed under way, its -ing form after "is": "is getting married", "she's visiting".
_DOING = re.compile(
    r"(?:\b(?:is|are|was|were|am)|['\u2019][sm]|['\u2019]re)\s+(?:\w+ly\s+)?[a-z]{2,}ing\b",
    re.IGNORECASE,
)


def _where_one_is(between: str) -> bool:
    """Whether the words between someone and a place after them leave the place theirs: a
    word of `_WHERE_ONE_IS`, or "is" or no other verb ("Saltwater, a 40-cover bistro in
    Whitstable", "the Mend & Make repair café in Hebden Bridge"); not a deed done there
    ("registered for JLPT N4 in Düsseldorf", "hired a researcher in Poland", "is getting
    married on 17 April in Lisbon"). A word in -ing is no sign of either ("a sailing club
    near Rønde")."""
    if _A_THING_IS.search(between) is not None:
        return False  # "Callum's wedding and the stag, it's in Prague": the stag's place
    said = _WHERE_ONE_IS.search(between)
    if said is not None and said.group().lower() == "from" and between[said.end() :].strip():
        # "from Leeds" says where one is from; "collected the puppy from a breeder in
        # Hereford" says where the breeder is.
        said = _WHERE_ONE_IS.search(between, said.end())
    if said is not None:
        return True
    if _DOING.search(between) is not None:
        return False  # "is getting married on 17 April in Lisbon": where the deed is done
    if _THEN.search(between) is not None:
        return False  # "Hotel Kanra Kyoto, 4 nights, then a ryokan in Hakone": the ryokan's
    if _BEING.search(between) is not None:
        return True
    words = [w.lower() for w in WORD.findall(between)]
    return not any(w.isalpha() and past(w) for w in words)  # not "a four-bed flat"


_DWELLS = re.compile(rf"\b(?:{_DWELL})\s+(?:in|near)\s+$")


def _places(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    for place in s.places:
        if _replaced(s.text, place.start):
            continue  # "moved from London to Madrid": London is what is no longer so
        # Who lives somewhere is a person: "is a tester at Sage and lives in Newcastle".
        dwells = _DWELLS.search(s.text[: place.start]) is not None
        owner = _owner_before(s, place.start, person=dwells)
        if owner is not None and not _where_one_is(s.text[owner.end : place.start]):
            continue  # "registered for JLPT N4 in Düsseldorf": where it was done, not lives
        subject = s.subject() if owner is None else None
        if subject is not None and (
            not _CLAUSE_BREAK.search(s.text[place.end : subject.start])
            or _described_by(s.text[: place.start])
        ):
            # "a private seller in Halifax, Agnieszka Zielińska": said of her; not "the stag
            # is in Galway, Rafa's mate Declan Murphy is organising".
            owner = subject
        draft = drafts.get(owner.entity) if owner else None
        if draft and draft.put(field_for(draft.spec, "location", ("str",)), place.name):
            prep = re.search(r"\b(?:in|to|from|near|the)\s+$", s.text[: place.start])
            facts.use(prep.start() if prep else place.start, place.end)


# Where someone lives, said as a street address: "She lives at 14 Carlton Road", "lives at
# no. 9 Mill Lane, Hebden Bridge" (its number, capitalised words, a street's word, a town).
_ADDRESS = (
    rf"(?P<address>(?:(?i:no)\.?\s*)?\d+[A-Za-z]?,?\s+"
    rf"(?:{UPPER}[\w'\u2019\-]*\s+){{1,3}}(?i:{'|'.join(sorted(STREETS))})\b\.?"
    rf"(?:,\s+{UPPER}[\w\-]*(?:\s+{UPPER}[\w\-]*)?)?)"
)
_LIVES_AT = re.compile(rf"\b(?:{_DWELL})\s+at\s+{_ADDRESS}")
# "Client: Mrs Patricia Lowe, 22 Orchard Lane, Wells.": an address set off right after a name.
_ADDRESS_SET_OFF = re.compile(rf"\s*,\s*{_ADDRESS}(?=\s*(?:[,;.)\u2014\u2013]|$))")


def _lives_at(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    """A street address someone is said to live at, or set off right after their name, is
    where they are: the person named (or meant by "she", "he") last before it, not the
    speaker (whose home is kept in their notes), when no place was given them before (a
    field keeps its first value)."""
    set_off = [
        found
        for m in s.mentions
        if not m.pronoun and (found := _ADDRESS_SET_OFF.match(s.text, m.end)) is not None
    ]
    for found in [*_LIVES_AT.finditer(s.text), *set_off]:
        owner = _owner_before(s, found.start(), person=True)
        draft = drafts.get(owner.entity) if owner is not None else None
        if draft is None or owner is None or owner.speaker:
            continue
        address = found.group("address").rstrip(".")
        if draft.put(field_for(draft.spec, "location", ("str",)), address):
            facts.use(found.start("address"), found.start("address") + len(address))


def _field_phrases(
    s: Analyzed, m: Mention, draft: Draft, facts: SentenceFacts, subject: bool
) -> None:
    """ "Alice's phone is ...", "her title is CTO", "age 34", "34 years old"."""
    skip = {name_field(draft.spec), notes_field(draft.spec)}
    own = str(draft.values.get(name_field(draft.spec) or "", "")).casefold()
    begin = 0 if subject else m.start
    later = [x.start for x in s.mentions if x.start > m.start and x.entity != m.entity]
    scope = s.text[: later[0]] if later else s.text
    for fname, fspec in draft.spec.fields.items():
        if fname in skip or draft.has(fname):
            continue
        for phrase in phrases(fname):
            found = field_value(scope, phrase, fspec.type, s.values, begin)
            if found and str(found[2]).casefold() == own:
                continue  # "my accountant for the business is Hamid Qureshi": his name, no firm
            if found and any(
                x.possessive and x.entity != m.entity and not s.text[x.end : found[0]].strip()
                for x in s.mentions
            ):
                continue  # "My email is … and Ann Lee is our designer": the user's, not Ann's
            if found and draft.put(fname, found[2]):
                facts.use(found[0], found[1])
                break
        if fspec.type in ("int", "float") and not draft.has(fname) and subject:
            age = re.search(r"(\d+)\s*(?:years?|yrs?)\s+old\b", scope)
            if age and "age" in fname.lower() and draft.put(fname, age.group(1)):
                facts.use(age.start(), age.end())


# A state word after what one means to get done, and its object, is what is wanted of it:
# "get the van's MOT done", "wants the website finished by May" (not "got it done": past).
_WANTED_DONE = re.compile(
    r"\b(?:get|gets|getting|want|wants|wanting|need|needs)\s+(?:[\w'\u2019\-]+\s+){1,4}$"
    # "has to be done", "must be finished by Friday": what is to be, not so yet.
    r"|\b(?:to|must|should|will|shall)\s+be\s+$",
    re.IGNORECASE,
)
_VAGUE = frozenset(("same", "other", "new", "old", "whole", "entire", "first", "last", "next"))
_VALUE_KINDS = {"int": "number", "float": "number", "date": "date", "datetime": "date"}


def field_value(
    text: str, phrase: str, ftype: str, values: list[Span], begin: int, *, copula: bool = True
) -> tuple[int, int, object] | None:
    """The value written after `phrase` ("age 34", "email: x", "status is open"), found from
    `begin` on: (start, end, value). Text values need a copula unless `copula` is False."""
    words = r"[\s_\-]+".join(re.escape(p) for p in phrase.split())
    glue = _COPULA if ftype == "str" and copula else _NUMBER_AFTER
    pattern = re.compile(rf"\b{words}\b{glue}", re.IGNORECASE)
    for m in pattern.finditer(text, begin):
        rest = m.end()
        if ftype == "str":
            value = re.match(r"[^.;!?]+?(?=\s+and\s+(?:her|his|their)\b|[.;!?]|,\s|$)", text[rest:])
            if value and value.group().strip():
                return m.start(), rest + value.end(), value.group().strip()
            continue
        for span in values:
            fits = span.kind == _VALUE_KINDS.get(ftype)
            if fits and rest <= span.start < len(text) and not text[rest : span.start].strip():
                return m.start(), span.end, span.value
        if ftype == "bool":
            flag = re.match(r"(yes|no|true|false)\b", text[rest:], re.IGNORECASE)
            if flag:
                return m.start(), rest + flag.end(), flag.group(1)
    if ftype == "str":
        # A code right after the field's name needs no "is": "reference QX7P2K".
        code = re.compile(rf"\b{words}\s+(?P<v>[A-Z0-9][A-Z0-9\-]*\d[A-Z0-9\-]*)\b", re.I)
        if (hit := code.search(text, begin)) is not None:
            return hit.start(), hit.end(), hit.group("v")
        # "the backend team" -> team: backend; not "the Brasilmed job", a name's (a firm's
        # piece of work), which a capital says.
        before = re.compile(rf"\b[Tt]he\s+(?P<v>[a-z][\w\-]*)\s+{words}\b")
        hit = before.search(text, begin)
        if hit is not None and hit.group("v").lower() not in _VAGUE:
            return hit.start(), hit.end(), hit.group("v")
    return None


def _dates(s: Analyzed, draft: Draft, facts: SentenceFacts) -> None:
    dates = [v for v in s.values if v.kind == "date"]
    if not dates:
        return
    lowered = {w.lower() for w in s.text.split()}
    for cues, role in ((START_CUES, "start"), (BIRTH_CUES, "birthday")):
        if lowered & cues:
            fname = field_for(draft.spec, role, ("date", "datetime"))
            if draft.put(fname, dates[0].value):
                facts.use(dates[0].start, dates[0].end)


# Person nouns that say only whom someone is over, never a job of their own.
_TIE_ONLY = frozenset(("boss",))


def wanted_done(text: str, at: int) -> bool:
    """Whether the state word at `at` says what one means to get done (`_WANTED_DONE`)."""
    return _WANTED_DONE.search(text, 0, at) is not None


def flags_and_choices(text: str, draft: Draft, facts: SentenceFacts) -> None:
    """Enum values and yes/no flags of `draft`'s type mentioned in the text."""
    lowered = text.lower()
    for fname, fspec in draft.spec.fields.items():
        if draft.has(fname):
            continue
        if fspec.enum is not None:
            for value in fspec.enum:
                if not isinstance(value, str):
                    continue
                words = r"[\s_\-]+".join(re.escape(w) for w in re.split(r"[\s_\-]+", value.lower()))
                hit = re.search(rf"\b{words}\b", lowered)
                if hit is None and " " not in value and "_" not in value and len(value) >= 4:
                    # "Opened a deal" -> stage: open
                    hit = next(
                        (w for w in WORD.finditer(lowered) if stem(w.group()) == stem(value)), None
                    )
                if hit and wanted_done(lowered, hit.start()):
                    continue  # "needs to get the van's MOT done": what is wanted, not so yet
                if hit and draft.put(fname, value):
                    facts.use(hit.start(), hit.end())
                    break
        elif fspec.type == "bool":
            flag_words = [w for w in fname.lower().split("_") if w not in ("is", "has")]
            if not flag_words:
                continue
            phrase = r"[\s_\-]+".join(re.escape(w) for w in flag_words)
            hit = re.search(rf"\b(un|in|non-?)?{phrase}\b", lowered)
            if hit is None:
                continue
            before = set(lowered[: hit.start()].split()[-3:])
            value = not (hit.group(1) or before & _NEGATIONS)
            if draft.put(fname, value):
                facts.use(hit.start(), hit.end())
