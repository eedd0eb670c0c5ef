"""A question read against a schema: what is asked (a field, a count, a list, yes or no), of
which object type, about which record, filtered how.

"What is Alice's email?" -> field `email` of the record named Alice; "Who works at Acme
Corp?" -> people whose text or related organization mentions Acme Corp; "How many
contacts?" -> a count; "Who joined recently?" -> people mentioning "join", newest first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date

from xmemory_engine.minds.rules.asking import ANY_LANGUAGE, FOREIGN, opening_word
from xmemory_engine.minds.rules.asking import ENGLISH as _QUESTION_WORDS
from xmemory_engine.minds.rules.during import Window, asked_window
from xmemory_engine.minds.rules.names import ORG_SUFFIXES, person_noun
from xmemory_engine.minds.rules.schema_map import (
    ROLE_SYNONYMS,
    SchemaMap,
    creator_field,
    field_for,
    name_field,
)
from xmemory_engine.minds.rules.speaker import USER_NAME
from xmemory_engine.minds.rules.states import STATES, TO_DO, allowed_state
from xmemory_engine.minds.rules.text import (
    EMAIL,
    STOPWORDS,
    UPPER,
    WEEKDAYS,
    lazy_compile,
    lexicon,
    name_words,
    plural,
    singular,
    stem,
    words,
)
from xmemory_engine.schema import ObjectSpec

_META = lexicon("question.meta")
_RECENT = frozenset(["recent", "recently", "latest", "newest", "lately", "last", "new"])
# A name right after one of these is the record asked about ("Who is Bob?", "Tell me about
# Alice", "the email of Carol"); elsewhere it is a value to filter by ("works at Acme Corp").
_SUBJECT_BEFORE = lexicon("question.subject_before")
_ROLE_CUES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\bwhere\b.*\bwork|\bwhich (company|organi[sz]ation)|\bwork(s|ing)? for\b\s*\?"), ("company",)),
    (re.compile(r"\bwhat does\b.*\bdo\b|\bjob\b"), ("role",)),
    (re.compile(r"\bwhere\b.*\b(live|lives|based|located|from)\b|\bwhere is\b"), ("location",)),
    (re.compile(r"\bhow (can|do|could) (i|we) (reach|contact)\b"), ("email", "phone")),
    (re.compile(r"\bwhen\b.*\b(born|birthday)\b"), ("birthday",)),
    (re.compile(r"\bwhen\b.*\bdue\b|\bdeadline\b"), ("due",)),
    (re.compile(r"\bwhen\b.*\b(start|started|join|joined)\b"), ("start",)),
]  # fmt: skip
_WORD = rf"{UPPER}[\w\-]*(?:[\u2019']{UPPER}[\w\-]*)?(?:[\u2019']s)?"  # Alice, O'Brien, Alice's
# After its first capitalized word a name may go on with numbers: "Person 00042", "Apollo 13".
_NAME_PART = rf"(?:{_WORD}|\d[\w\-]*(?:[\u2019']s)?)"
_NAME_RUN = re.compile(
    rf"\"([^\"]+)\"|(?<!\w)'([^']{{2,}})'(?!\w)|\b({_WORD}(?:\s+(?:of\s+|&\s+)?{_NAME_PART})*)"
)


@dataclass
class NameRef:
    text: str
    possessive: bool
    value: bool  # preceded by a preposition: a filter value, not the record asked about


@dataclass
class Question:
    text: str
    lowered: str
    count: bool = False
    recent: bool = False
    latest_only: bool = False  # "most recently", "latest": the one newest record
    yes_no: bool = False
    who: bool = False
    names: list[NameRef] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    types: list[ObjectSpec] = field(default_factory=list)  # object types named
    fields: dict[str, list[str]] = field(default_factory=dict)  # type -> fields asked for
    enums: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)  # (field, v, =)
    aggregate: str | None = None  # SUM / AVG of the numeric field asked
    flags: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    unknown_field: str | None = None  # "Alice's shoe size" when no such field exists
    foreign: bool = False  # opened by a question word of a language the rules do not read
    terms: list[str] = field(default_factory=list)  # the words behind `keywords`, as said
    # For the preference-like type: (value field, whether the question asks what the user
    # dislikes); "Which herb do I dislike?" keeps only the records of that stance.
    stance: tuple[str, bool] | None = None
    # The kind a stance question asks for ("Which *seats* do I prefer?"), as a stem: records
    # that say it answer first; when none does, it is no filter (see `stance`).
    kind_said: str | None = None
    window: Window | None = None  # the days asked about ("in March", "on the 24th")
    # The words that asked for fields, as said ("stage" of "Which stage is Mila in?", a
    # project's or a task's status): of a record with no such field they are words to find.
    fields_said: list[str] = field(default_factory=list)

    @property
    def understood(self) -> bool:
        """Whether a type, field, enum value or flag of the schema was recognised."""
        return bool(self.types or self.fields or self.enums or self.flags)

    @property
    def subject(self) -> NameRef | None:
        subjects = [n for n in self.names if not n.value]
        return subjects[0] if subjects else None

    @property
    def values(self) -> list[str]:
        return [n.text for n in self.names if n.value] + self.emails


# "What's", "Who's", "When's": the question word and its verb, contracted. Read as two words,
# so that "What's the planner's email?" is asked as "What is ...", not of a name "What's".
_CONTRACTED = re.compile(
    r"^(\s*(?:what|who|where|when|how|which|why))['\u2019]s\b(\s+(?:got|been)\b)?",
    re.IGNORECASE,
)


# "What does Chloé's company make?", "Which products does Acme's supplier sell?".
_DONE_BY = re.compile(
    r"^\s*(?:what|which)(?:\s+[a-z]+)?\s+(?:does|do|did)\s+.+?\s+(?P<verb>[a-z]+)\s*\?*\s*$",
    re.IGNORECASE,
)
# Where, when or for what the deed is, one phrase said after its verb ("What role does Chiara
# have *on the course*?", "… *this week*?"): its last word is no verb, so `_DONE_BY` is read
# without it. A longer phrase is left as it is (the question's last word is then read).
_SAID_AFTER_THE_VERB = re.compile(
    r"\s+(?:on|in|at|for|with|from|to|about|during|over|after|before|this|next|last)"
    r"(?:\s+(?:the|my|our|your|his|her|their|a|an|this|next|last))?\s+[a-z][\w\-]*\s*\?*\s*$",
    re.IGNORECASE,
)
# Verbs after which the question still asks the thing named: "What does Maya do?", "What
# company does Tom work for?" (`for`), "What does the role involve?", "What does she do for
# a living?" (the idiom's last word).
_ASKS_ITSELF = frozenset(
    ("do", "have", "has", "for", "at", "in", "with", "mean", "involve", "cost", "charge", "pay",
     "earn", "weigh", "measure", "say", "look", "like", "use", "need", "living")
)  # fmt: skip


# Choosing a thing, said with "go with" / "opt for" / "settle on": the thing chosen is asked,
# not the field a word of the question names ("company" is no employer here).
_CHOSEN = re.compile(
    r"\b(?:go|goes|going|went|gone|opt|opted|opting|settle|settled|settling)\s+"
    r"(?:with|for|on)\b",
    re.IGNORECASE,
)


# What someone means to do: the plan is asked, not the field's value now.
_MEANT = re.compile(
    r"\b(?:plan|plans|planning|intend|intends|intending|hope|hopes|hoping)\s+to\b",
    re.IGNORECASE,
)


def _done_by(text: str) -> re.Match[str] | None:
    """`_DONE_BY` on `text`, its verb read before a phrase said after it; "do" keeps its
    phrase, which says what is done ("What does Freya do *on Saturdays*?" asks no job)."""
    found = _DONE_BY.match(_SAID_AFTER_THE_VERB.sub("?", text))
    if found is not None and found["verb"].lower() == "do":
        return _DONE_BY.match(text)
    return found


def _uncontracted(text: str) -> str:
    return _named_asked(
        _CONTRACTED.sub(
            lambda m: m.group(1) + (" has" if m.group(2) else " is") + (m.group(2) or ""), text
        )
    )


# "What is the name of Tomás's brother?", "What is Arjun's wife called?": the name of someone
# a person noun says is asked, as "Who is Tomás's brother?" asks it.
_NAME_OF = re.compile(r"^\s*what\s+is\s+the\s+name\s+of\s+(?P<who>.+?)\s*\?*\s*$", re.IGNORECASE)
_CALLED = re.compile(r"^\s*what\s+is\s+(?P<who>.+?)\s+called\s*\?*\s*$", re.IGNORECASE)


def _named_asked(text: str) -> str:
    """`text` asked as "Who is …?" when it asks the name of someone a person noun names, in
    a few words with no clause or preposition of their own ("the wife of whoever is helping"
    is read as it is); else `text` as it is."""
    m = _NAME_OF.match(text) or _CALLED.match(text)
    if m is None:
        return text
    who = m.group("who").split()
    if not 0 < len(who) <= 4 or _CLAUSE_WORDS & {w.lower() for w in who}:
        return text
    if not person_noun(re.sub(r"[\u2019']s$", "", who[-1])):
        return text
    return f"Who is {' '.join(who)}?"


_CLAUSE_WORDS = frozenset(
    ("of", "at", "in", "from", "for", "with", "who", "whom", "whose", "that", "which", "on")
)


def read_question(text: str, mapped: SchemaMap, today: date | None = None) -> Question:
    text = _uncontracted(text.strip())
    q = Question(text=text, lowered=" " + text.lower() + " ")
    low = q.lowered
    q.count = bool(re.search(r"\bhow many\b|\bnumber of\b|\bcount\b", low))
    q.recent = any(w in _RECENT for w in _words(low))
    q.latest_only = bool(re.search(r"\b(most recent(ly)?|latest|newest|last)\b", low))
    first = low.split()[0] if low.split() else ""
    q.foreign = opening_word(q.text) in FOREIGN
    q.yes_no = first in ("is", "are", "does", "do", "did", "has", "have", "was", "were")
    q.who = first in ("who", "whom", "whose") or " who " in low
    q.emails = [m.group() for m in EMAIL.finditer(text)]
    q.names = _names(text, mapped)
    q.window = asked_window(q.text, today or date.today())
    if q.window is not None:  # "in March 2027" names a time, not a record
        said_when = q.window.said.lower()
        q.names = [n for n in q.names if n.text.lower() not in said_when]
    _schema_words(q, mapped)
    done_by = _done_by(q.text) if q.fields else None
    if (done_by is not None and done_by["verb"].lower() not in _ASKS_ITSELF) or (
        q.fields and (_CHOSEN.search(q.text) or _MEANT.search(q.text))
    ):
        # "Which company are we going with for the battery?": a choice, not an employer;
        # "Where is Rafa planning to study over the holidays?": a plan, not his school.
        # "What does Chloé's company make?": the field names who does it, and what it does is
        # asked; the field's value is no answer to that.
        q.fields = {}
        q.unknown_field = None
    _preference_cue(q, mapped)
    _creator_cue(q, mapped)
    _the_user(q, mapped)
    q.terms = _content_words(q, mapped)
    if q.stance is not None:
        # "Which *herb* do I dislike?": the kind of thing liked is rarely stored with it.
        kind = re.match(r"\s*(?:what|which)\s+(\w+)", q.lowered)
        q.terms = [t for t in q.terms if kind is None or t.lower() != kind.group(1)]
        if kind is not None and kind.group(1) not in STOPWORDS | _QUESTION_WORDS:
            q.kind_said = stem(kind.group(1))
    q.keywords = list(dict.fromkeys(stem(w) for w in q.terms))
    _left_to_do(q, mapped)
    _working_on(q, mapped)
    return q


_LEFT_TO_DO = lazy_compile(rf"\b(?:{TO_DO}|(?:still\s+)?(?:need|have|got)\s+to\s+do)\b")
_LEFT_TO_DO_WORDS = frozenset(stem(w) for w in ("left", "still", "need", "needs", "doing", "yet"))


def _left_to_do(q: Question, mapped: SchemaMap) -> None:
    """ "What's left to do?", "What do I still need / have to do?": the open tasks, when the question
    names nothing else (not "Which leafleting area is still to do?")."""
    task = mapped.first("task")
    if task is None or q.types or q.names or not _LEFT_TO_DO.search(q.lowered):
        return
    if set(q.keywords) - _LEFT_TO_DO_WORDS:
        return
    q.types = [task]
    q.keywords, q.terms = [], []
    _states_asked(q, task, q.lowered)
    if task.name not in q.enums:
        # "What do I have to do?": what is to be done is what is not done yet.
        _states_asked(q, task, "left to do")


_WORKING_ON = lazy_compile(
    r"\b(?:working|work)\s+on(?:\s+(?:right\s+now|now|at\s+the\s+moment|these\s+days))?\s*\??\s*$"
)
_WORKING_ON_WORDS = frozenset(
    stem(w) for w in ("working", "work", "currently", "right", "now", "moment", "days")
)


def _working_on(q: Question, mapped: SchemaMap) -> None:
    """ "What projects am I working on?", "What am I working on right now?": the projects,
    when the question names nothing else; "working on" closing it says what a project is,
    not a word one holds."""
    project = mapped.first("project")
    if project is None or q.names or not _WORKING_ON.search(q.lowered):
        return
    if set(q.keywords) - _WORKING_ON_WORDS or any(t is not project for t in q.types):
        return
    q.types = [project]
    q.keywords, q.terms = [], []


@functools.lru_cache(maxsize=64)
def _words(text: str) -> tuple[str, ...]:
    """`words` of one text, split once: a question's lowered text is read three times."""
    return tuple(words(text))


# "my manager", "the user's sister": the noun the user names a person by.
KIN = re.compile(r"\b(?:my|(?:the\s+)?user['\u2019]s)\s+([^\W\d_][\w\-]*)", re.IGNORECASE)
# The words of the noun phrase after "my" ("my second supervisor", "my new GP").
_MY_NOUN = lazy_compile(
    r"\b(?:my|(?:the\s+)?user['\u2019]s)((?:\s+[^\W\d_][\w\-]*){1,3})", re.IGNORECASE
)
_FIRST_PERSON = lazy_compile(r"\b(?:i|me|my|mine|myself)\b|\buser(?:['\u2019]s)?\b")


def _the_user(q: Question, mapped: SchemaMap) -> None:
    """ "Where do I work?", "What is my job title?", "What is the user's email?": a field of
    the person type asked in the first person, with no other record named, is asked of the
    user's own record (the extractor files "I ..." and "the user ..." facts there)."""
    person = mapped.first("person")
    if person is None or q.subject is not None or q.who or not _FIRST_PERSON.search(q.lowered):
        return
    if q.values:
        return  # "my role at Initech": a record keeps today's role, not the one held there
    phrase = _MY_NOUN.search(q.text)
    if phrase is not None and any(person_noun(w) for w in phrase.group(1).split()):
        # "Where does my sister live?", "Where is my second supervisor based?" ask about
        # someone of the user's, not the user.
        return
    if (q.fields.get(person.name) and not q.types) or q.types == [person]:
        q.names.append(NameRef(USER_NAME, possessive=True, value=False))


_PREFER_WORDS = lexicon("question.prefer_words")


_DISLIKE_WORDS = lexicon("question.dislike_words")


def _preference_cue(q: Question, mapped: SchemaMap) -> None:
    """ "What do I prefer on flights?" asks the preference-like type for its value, though
    it names no type, field or record; a question about someone ("What does Bob like?",
    "Who likes jazz?") or naming a type is left as it is."""
    spec = mapped.first("preference")
    said = set(_words(q.lowered)) & _PREFER_WORDS
    if spec is None or not said or q.types or q.who or q.subject is not None:
        return
    q.types = [spec]
    topic = field_for(spec, "topic", ("str",)) or name_field(spec, "preference")
    value = field_for(spec, "value", ("str",), {topic or ""})
    if value is not None and not q.yes_no and not q.count and not q.fields.get(spec.name):
        q.fields[spec.name] = [value]
    if value is not None:
        # "What don't I like?", "What do I not enjoy?": a liking denied asks what is disliked.
        denied = _DENIED_LIKING.search(q.lowered) is not None
        q.stance = (value, bool(said & _DISLIKE_WORDS) or denied)


_DENIED_LIKING = lazy_compile(
    r"\b(?:don['\u2019]?t|do\s+not|doesn['\u2019]?t|does\s+not|never|can['\u2019]?t)\s+"
    r"(?:(?:i|we|you|the\s+user|user|really)\s+){0,2}(?:like|likes|enjoy|enjoys|love|loves|stand)\b"
)


_CREATOR_CUE = re.compile(
    r"^\s*who\s+(?:wrote|written|directed|composed|painted|authored|created|made|sang)\b"
    r"|\bwho\s+(?:is|was)\s+the\s+(?:author|writer|director|composer|artist|creator)\b"
)


def _creator_cue(q: Question, mapped: SchemaMap) -> None:
    """ "Who wrote Piranesi?" asks the author field of the one type that has one, not for a
    person: the type is as good as named, so the exact-name fast path answers it."""
    if _CREATOR_CUE.search(q.lowered) is None or not q.names or q.types:
        return
    owners = [(s, f) for s in mapped.schema.objects.values() if (f := creator_field(s))]
    if len(owners) != 1:
        return
    spec, fname = owners[0]
    q.names[0].value = False  # the work named after the verb is the record asked about
    q.who = False
    q.types = [spec]
    q.fields[spec.name] = [fname]


_CALENDAR_WORDS = frozenset(
    [
        *WEEKDAYS,
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)  # fmt: skip ("May" is also a name)


# Words a name never starts with (joined once, not once per name found).
_NOT_NAME_WORDS = _QUESTION_WORDS | STOPWORDS | _META
_POSSESSIVE_END = re.compile(r"[\u2019']s$")
_POSSESSIVE = re.compile(r"[\u2019']s\b")


def _names(text: str, mapped: SchemaMap) -> list[NameRef]:
    schema_words = _schema_names(mapped)
    out: list[NameRef] = []
    for m in _NAME_RUN.finditer(text):
        raw = next(g for g in m.groups() if g is not None)
        possessive = bool(_POSSESSIVE_END.search(raw))
        name = _POSSESSIVE.sub("", raw).strip()
        parts = name.split()
        # The question's opening word is a question word in any language ("Wo", "Quién").
        opening = ANY_LANGUAGE if not text[: m.start()].strip(" \t¿¡\"'") else frozenset()
        while parts and (parts[0].lower() in _NOT_NAME_WORDS or parts[0].lower() in opening):
            opening = frozenset()
            parts = parts[1:]
        name = " ".join(parts)
        if not name or name.lower() in schema_words or singular(name.lower()) in schema_words:
            continue
        if singular(name.lower()) in _CALENDAR_WORDS:
            continue  # "Which Saturday ...?", "in March": a day or a month, not a name
        before = text[: m.start()].split()
        prep = before[-1].lower().strip(",") if before else ""
        value = not (possessive or not before or prep in _SUBJECT_BEFORE)
        out.append(NameRef(name, possessive, value))
    return out


def _schema_names(mapped: SchemaMap) -> frozenset[str]:
    """Every form of every type name of the schema (worked out once per schema)."""
    got = mapped.memo.get("question.type_forms")
    if not isinstance(got, frozenset):
        got = frozenset(w for o in mapped.schema.objects.values() for w in _type_forms(o))
        mapped.memo["question.type_forms"] = got
    return got


def says_type_name(spec: ObjectSpec, text: str) -> bool:
    """Whether `text` names the type by its own name ("event", "events"), not by a word for
    one of its kind ("appointment")."""
    low = f" {text.lower()} "
    return any(re.search(rf"\b{re.escape(f)}\b", low) for f in _type_forms(spec))


def _type_forms(spec: ObjectSpec) -> set[str]:
    phrase = " ".join(name_words(spec.name))
    return {phrase, plural(phrase), spec.name.lower()}


def name_forms(spec: ObjectSpec, name: str) -> list[str]:
    """How a record of `spec` may be stored when a question calls it `name`: as said, then
    without the type's own word ("Project Atlas", "Atlas project", "Task X" -> "Atlas", "X").
    The name as said comes first, so a name that really holds the word ("Person 00042") is
    found by the exact comparison before any other form is tried."""
    forms = sorted(_type_forms(spec), key=len, reverse=True)
    low = name.lower()
    for form in forms:
        if low.startswith(form + " ") and len(low) > len(form) + 1:
            return [name, name[len(form) + 1 :].strip()]
        if low.endswith(" " + form) and len(low) > len(form) + 1:
            return [name, name[: -len(form) - 1].strip()]
    return [name]


class _Phrase:
    """A schema phrase as `_schema_words` looks for it: its words, each matched literally, and
    the pattern that finds them in a row as whole words ("due date", "due-date", "due_date")."""

    __slots__ = ("parts", "phrase")

    def __init__(self, phrase: str) -> None:
        self.phrase = phrase
        self.parts = frozenset(phrase.split())

    def find(self, text: str, present: frozenset[str]) -> re.Match[str] | None:
        """The phrase's first match in `text`; `present`: which of the schema's phrase words
        `text` holds (`_present`). A word missing rules the phrase out without a search, and
        most phrases are absent from a question, so the pattern is compiled at its first
        search, not for every phrase at a server's first read."""
        if not self.parts <= present:
            return None
        return self.pattern.search(text)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The pattern that finds the phrase as whole words (compiled once, when first asked)."""
        return _phrase_pattern(self.phrase)[0]


@dataclass(frozen=True)
class _AskedBy:
    """How a question asks for one field: by any of its phrases, or by its stems (all)."""

    field: str
    phrases: tuple[_Phrase, ...]
    stems: tuple[str, ...]
    # A word of each phrase: a question holding none of them names the field by no phrase,
    # which one set test tells instead of a test per phrase (None: a phrase has no words).
    hints: frozenset[str] | None

    def asked(self, free: str, present: frozenset[str], stems: set[str]) -> str | None:
        """The phrase the question asks for the field by, as said ("" when by its stems),
        or None when it does not ask for it."""
        hinted = self.hints is None or not self.hints.isdisjoint(present)
        if hinted:
            for p in self.phrases:
                found = p.find(free, present)
                if found:
                    return found.group().strip()
        return "" if self.stems and all(w in stems for w in self.stems) else None


@dataclass(frozen=True)
class _SpecWords:
    """What `_schema_words` looks for of one object type; it depends on the schema only."""

    spec: ObjectSpec
    forms: tuple[_Phrase, ...]  # the type's own names ("task", "tasks", "people" for a person)
    asked_by: tuple[_AskedBy, ...]
    enums: tuple[tuple[str, str, _Phrase, _Phrase], ...]  # field, value, as said, its plural
    flags: tuple[tuple[str, re.Pattern[str] | None], ...]  # bool field, how it is said


@dataclass(frozen=True)
class _SchemaWords:
    """Every object type's `_SpecWords`, and every word of their phrases (for `_present`)."""

    specs: tuple[_SpecWords, ...]
    parts: tuple[str, ...]


_KIND_WORDS = {"people": "person", "persons": "person", "companies": "org",
               "organizations": "org", "organisations": "org", "to-do": "task",
               "to-dos": "task", "todo": "task", "todos": "task",
               "to do list": "task", "chore": "task", "chores": "task",
               "errand": "task", "errands": "task", "jobs": "task",

               "meetings": "event", "appointment": "event", "appointments": "event",
               "session": "event", "sessions": "event", "bookings": "event"}  # fmt: skip
# (Not "meeting" nor "booking": "Who am I meeting?", "Who is booking the MOT?" ask a verb;
# "jobs" but not "job": "Which jobs are still open?" asks for tasks, "my job" for a role.)


def _spec_words(mapped: SchemaMap) -> _SchemaWords:
    got = mapped.memo.get("question.spec_words")
    if isinstance(got, _SchemaWords):
        return got
    out: list[_SpecWords] = []
    for spec in mapped.schema.objects.values():
        kind = mapped.kinds.get(spec.name)
        own_name = name_field(spec, kind)
        asked_by = []
        for f in spec.fields:
            if f != own_name:
                # "estimate_hours" is asked by "How many hours is it estimated at?": by
                # all its words of more than three letters, stemmed (two of them at least).
                parts = [w for w in name_words(f) if len(w) > 3]
                stems = tuple(stem(w)[:5] for w in parts) if len(parts) >= 2 else ()
                by = tuple(_Phrase(p) for p in ask_phrases(f))
                hints = None if any(not p.parts for p in by) else {min(p.parts) for p in by}
                asked_by.append(_AskedBy(f, by, stems, None if hints is None else frozenset(hints)))
        enums = []
        flags: list[tuple[str, re.Pattern[str] | None]] = []
        for fname, fspec in spec.fields.items():
            for value in fspec.enum or ():
                if isinstance(value, str):
                    said = value.replace("_", " ")
                    enums.append((fname, value, _Phrase(said), _Phrase(plural(said))))
            if fspec.type == "bool":
                flag = " ".join(w for w in name_words(fname) if w not in ("is", "has"))
                pattern = re.compile(rf"\b(not |non-?|in|un)?{re.escape(flag)}\b") if flag else None
                flags.append((fname, pattern))
        forms = (*_type_forms(spec), *(w for w, k in _KIND_WORDS.items() if kind == k))
        out.append(
            _SpecWords(
                spec, tuple(_Phrase(f) for f in forms), tuple(asked_by), tuple(enums), tuple(flags)
            )
        )
    phrases = [
        p
        for sw in out
        for p in (
            *sw.forms,
            *(p for a in sw.asked_by for p in a.phrases),
            *(p for _, _, said, said_plural in sw.enums for p in (said, said_plural)),
        )
    ]
    said_words = tuple(sorted({w for p in phrases for w in p.parts}))
    mapped.memo["question.spec_words"] = result = _SchemaWords(tuple(out), said_words)
    return result


# A state asked not to hold, said just before it: "not done", "haven't been done", "haven't
# I done", "no longer active" ("n't" ends a word, so no word boundary before it); or said as
# what is still to be reached: "still need to get done", "has to be done", "left to be done".
_NOT_HELD = re.compile(
    r"(?:(?:\bnot|n['\u2019]t|\bno\s+longer)\s+(?:(?:i|we|you|they|he|she)\s+)?(?:yet\s+)?"
    r"(?:been\s+)?|\bto\s+(?:get|be)\s+)$"
)


def _not_held(before: str) -> bool:
    """Whether a state said right after `before` is asked not to hold (`_NOT_HELD`)."""
    return _NOT_HELD.search(before) is not None


def _states_asked(q: Question, spec: ObjectSpec, free: str) -> None:
    """A state asked of a type the question names in other words than its enum's value
    ("Which projects are on hold?" -> status `paused`; "... are finished?" -> `done`)."""
    for cue, meant in STATES:
        hit = cue.search(free)
        if hit is None:
            continue
        negated = _not_held(free[: hit.start()])
        for fname, fspec in spec.fields.items():
            value = allowed_state(meant, fspec.enum or ()) if fspec.enum else None
            if value is not None:
                q.enums.setdefault(spec.name, []).append((fname, value, not negated))


def _present(text: str, schema_words: _SchemaWords) -> frozenset[str]:
    """The schema's phrase words that `text` holds (as substrings, as `_Phrase.find` needs):
    one pass over the schema's words instead of one test per word of each phrase."""
    return frozenset([w for w in schema_words.parts if w in text])


# What "whose" asks the owner of: the words after it, up to the verb.
_WHOSE = re.compile(
    r"\s*whose\s+(?P<owned>(?:[\w'\u2019-]+\s+){0,2}?[\w'\u2019-]+)"
    r"(?=\s+(?:is|are|was|were|am|do|does|did|will|would|has|have|had|can|could|should)\b)"
)


def _schema_words(q: Question, mapped: SchemaMap) -> None:
    low = q.lowered
    # Fields, enum values and flags are asked outside the values filtered by: "Who works at
    # Company 5?" asks for people, not for their company field.
    free = low
    for n in q.names:
        if n.value:
            free = re.sub(re.escape(n.text.lower()), " " * len(n.text), free)
    # "Whose place am I staying at?" asks for the owner: the place is what they own, not a
    # field of theirs asked for.
    owned = _WHOSE.match(free)
    if owned is not None:
        free = (
            free[: owned.start("owned")]
            + " " * len(owned.group("owned"))
            + free[owned.end("owned") :]
        )
    stems = {stem(w)[:5] for w in _words(free) if len(w) > 3}
    named_at: dict[str, int] = {}
    cued = [roles for pattern, roles in _ROLE_CUES if pattern.search(free)]
    schema_words = _spec_words(mapped)
    in_low = _present(low, schema_words)
    in_free = in_low if free == low else _present(free, schema_words)
    for sw in schema_words.specs:
        spec = sw.spec
        hits = [m.start() for f in sw.forms if (m := f.find(low, in_low))]
        if hits:
            named_at[spec.name] = min(hits)
        asked_by = {a.field: a.asked(free, in_free, stems) for a in sw.asked_by}
        asked = [f for f, by in asked_by.items() if by is not None]
        q.fields_said += [by for by in asked_by.values() if by and by not in q.fields_said]
        for roles in cued:
            asked += [f for r in roles if (f := field_for(spec, r)) and f not in asked]
        for fname, value, said, said_plural in sw.enums:
            hit = said.find(free, in_free) or said_plural.find(free, in_free)
            if hit:
                negated = _not_held(free[: hit.start()])
                q.enums.setdefault(spec.name, []).append((fname, value, not negated))
                if fname in asked:
                    asked.remove(fname)
        if hits and spec.name not in q.enums:
            _states_asked(q, spec, free)
        for fname, pattern in sw.flags:
            flag_hit = pattern.search(free) if pattern is not None else None
            if flag_hit:
                q.flags.setdefault(spec.name, []).append((fname, not flag_hit.group(1)))
        if asked:
            q.fields[spec.name] = asked
    q.types = sorted((mapped.schema.objects[n] for n in named_at), key=lambda o: named_at[o.name])
    numeric = {f for t, fs in q.fields.items() for f in fs
               if mapped.schema.objects[t].fields[f].type in ("int", "float")}  # fmt: skip
    if q.count and numeric and re.search(r"\bhow many\s+(\w+)", low):
        q.count = False  # "How many pages does Infinite Jest have?" asks a field
    if re.search(r"\b(total|sum)\b", low) and numeric:
        q.aggregate = "SUM"
    elif re.search(r"\b(average|mean)\b", low) and numeric:
        q.aggregate = "AVG"
    possessive = re.search(r"[\u2019']s\s+([a-z][a-z ]{1,30}?)\s*(?:\?|$| and\b)", q.text)
    person = mapped.first("person")
    phone = field_for(person, "phone", ("str",)) if person is not None else None
    number = possessive is not None and possessive.group(1).strip() == "number"
    if number and not q.fields and person is not None and phone is not None:
        # "What's Bob's number?", "the coordinator's number": someone's number is their
        # phone's ("Pip's microchip number" says which number it is).
        q.fields[person.name] = [phone]
    elif possessive and not q.fields:
        q.unknown_field = possessive.group(1).strip()


# The phrases are schema words and their synonyms, the same for every question: compile once.
@functools.lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    parts = tuple(phrase.split())
    pattern = r"[\s_\-]+".join(re.escape(w) for w in parts)
    return re.compile(rf"\b{pattern}\b"), parts


def _schema_taken(mapped: SchemaMap) -> frozenset[str]:
    """The schema's own words (type names, field phrases, enum values), once per schema."""
    got = mapped.memo.get("question.schema_taken")
    if isinstance(got, frozenset):
        return got
    taken: set[str] = {w for form in _KIND_WORDS for w in form.split()}  # "to-do list"
    for spec in mapped.schema.objects.values():
        taken |= set(_type_forms(spec)) | {singular(w) for w in name_words(spec.name)}
        for f in spec.fields:
            taken |= {w for p in ask_phrases(f) for w in p.split()}
        for fspec in spec.fields.values():
            taken |= {str(v).lower() for v in fspec.enum or ()}
    mapped.memo["question.schema_taken"] = result = frozenset(taken)
    return result


_NEED_TO = lazy_compile(r"\b(needs?|got)\s+to\s+[a-z]")


def _content_words(q: Question, mapped: SchemaMap) -> list[str]:
    """The question's words that are not question, stop, meta or schema words, nor names."""
    taken = set(_schema_taken(mapped))
    for n in q.names:
        taken |= {w.lower() for w in n.text.split()}
    taken |= {"people", "person", "companies", "company", "organizations"}
    # "What is the user's diet?": in an agent's words "the user" is the speaker, as "my" is in
    # the user's; records about them need not say it.
    taken.add(USER_NAME.lower())
    if any(mapped.kinds.get(t.name) == "preference" for t in q.types):
        taken |= _PREFER_WORDS  # "prefer" says which type, not what the record mentions
    if opening_word(q.text) in ANY_LANGUAGE:
        taken.add(opening_word(q.text))
    if q.aggregate:
        taken |= {"total", "sum", "average", "mean"}  # say the aggregate, not the records
    # "What do I need to order?": "need to" before a verb is a modal, as "must" is; the verb
    # is what the record holds ("order more glaze").
    taken |= {m.group(1) for m in _NEED_TO.finditer(q.lowered)}
    if q.enums:  # "on hold" said the status filtered on, not a word the records hold
        taken |= {
            w.strip("?.!")
            for cue, _ in STATES
            for m in cue.finditer(q.lowered)
            for w in m.group().split()
        }
    out: list[str] = []
    for w in (w.strip("'") for w in words(q.text)):
        if w in STOPWORDS or w in _QUESTION_WORDS or w in _META or w in taken or w.isdigit():
            continue
        if singular(w) in taken or len(w) < 3 or "@" in w:
            continue
        if w.endswith(("n't", "n\u2019t")):
            continue  # "haven't", "isn't": a negated auxiliary, no word a record holds
        if w not in out:
            out.append(w)
    return out


def org_like(name: str) -> bool:
    return name.split()[-1].lower().rstrip(".") in ORG_SUFFIXES


_ASKABLE_ROLES = ("email", "phone", "url", "company", "role", "location", "address", "due",
                  "birthday", "start", "priority", "status", "relationship")  # fmt: skip


def ask_phrases(fname: str) -> list[str]:
    """How a question may name a field: its own words, and synonyms of clear-cut roles
    (not of notes-like fields, whose synonyms - about, info - are everyday words)."""
    return list(_ask_phrases(fname))


@functools.lru_cache(maxsize=4096)
def _ask_phrases(fname: str) -> tuple[str, ...]:
    own = " ".join(name_words(fname))
    out = [own]
    for role in _ASKABLE_ROLES:
        synonyms = ROLE_SYNONYMS[role]
        if fname.lower() in synonyms or own.replace(" ", "_") in synonyms:
            out += [w.replace("_", " ") for w in synonyms if len(w) > 2 and w != "by"]
    return tuple(out)
