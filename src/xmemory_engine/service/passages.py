"""Passages: when no record answers, the stored sentences that do, or nothing.

A question's search terms are its words minus stop words, question words and words that name
the kind of answer asked for ("name", "date"): those are asked, rarely said. Each term is cut
to a stem and matched as a prefix, so "appointments" finds "appointment". Candidates come
from the full-text index (BM25); a sentence qualifies only when it holds every name the
question contains (capitalised words past its first), a value of every shape asked for (an
email address for "email", a date for "when"), and at least `COVERAGE` of the terms' weight,
each term weighted by its rarity (idf) among the stored sentences. When the question asks for
a thing by a noun ("When is Sam's *birthday*?"), a sentence must say that noun, and then
`FOCUSED_COVERAGE` of the weight will do: the rest is context, often said elsewhere. Of those, the best
`MAX_PASSAGES` within half the best score are kept, newer first on ties; each is shown with
the sentences around it in its episode. When none qualifies, nothing is stored about it:
that is the answer, not a list of loosely related sentences.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from xmemory_engine import datafiles, semantic
from xmemory_engine.sentences import fold, lazy_compile, search_words, split_sentences
from xmemory_engine.store.base import EpisodeRow, PassageRow, Tables

COVERAGE = 0.5
# With the thing asked for said ("Who is the *conductor* of my orchestra?" beside "Our
# conductor is Ingrid Solberg"), the rest of the question is context: a lower share will do.
FOCUSED_COVERAGE = 0.45
CHANGE_COVERAGE = 0.25
# A change that shares this many words with what it follows continues it, whatever the
# question's words ("no longer considering the Topaz" after "considering ... a Topaz").
CONTINUED_WORDS = 2
ABOUT_TERMS = 6
ASKERS = frozenset({"what", "which", "who", "whose", "when", "where", "how"})
COPULAS = frozenset({"is", "are", "was", "were", "s", "will", "has", "have"})
LONG_WORD = 8  # letters from which a word is matched by a shorter prefix (see _stem)
KIND_ASKERS = frozenset({"what", "which", "whose", "many"})  # "how many hotels"
MAX_PASSAGES = 3
CANDIDATES = 40
MAX_TERMS = 16  # a long question searches with its first terms: bounded work per read
MATCH_BUDGET = 2000  # sentences the index may rank for one search (see _selective)
CONTEXT_CHARS = 400
SIMILAR = 0.2  # cosine from which a sentence is looked at as saying the question in other words
NEAREST = 20  # sentences looked at by meaning, closest first
ALIKE = 0.6  # cosine from which a later sentence is about the same thing as a passage
SIMILAR_COVERAGE = 0.4  # of the weight, covered by the words or by words close in meaning
# A sentence holding a value of the kind asked for (a person for "who", a date for "when", an
# amount for "how much", a place for "where") needs this much less of the weight.
TYPED_RELIEF = 0.1
_DETERMINERS = frozenset({"the", "a", "an", "my", "our", "your", "his", "her", "their", "its"})

if TYPE_CHECKING:  # the rules mind is imported only by a read that needs its date reader
    from xmemory_engine.minds.rules.text import Span


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of `vocabulary.yml`."""

    stop: frozenset[str]
    asked_not_said: frozenset[str]
    foreign_question_words: frozenset[str]
    related: dict[str, tuple[str, ...]]
    groups: dict[str, frozenset[str]]
    """A word's stem -> the stems of every word sharing a group with it."""
    shapes: Shapes
    correction_cues: frozenset[str]
    old_value_markers: frozenset[str]
    not_names: frozenset[str] = frozenset()
    shaped_when_asked: frozenset[str] = frozenset()
    unshaped_before_of: frozenset[str] = frozenset()
    shaped_before: frozenset[str] = frozenset()
    labels: frozenset[str] = frozenset()
    said_by_amount: frozenset[str] = frozenset()
    firm_deeds: frozenset[str] = frozenset()
    asked_of_noun: frozenset[str] = frozenset()
    choosing: frozenset[str] = frozenset()
    amount_said: re.Pattern[str] | None = None
    called_by_tie: frozenset[str] = frozenset()
    verb_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """An irregular verb's form -> all its forms, the base form first (`_verb_forms`)."""


class Shape:
    """A value shape, found in what is said once the values of other shapes that hold its
    digits are set aside: "020 7946 0113" and "14 December" hold numbers but no amount or
    age. Matches keep their places in the text."""

    def __init__(self, pattern: re.Pattern[str], within: tuple[re.Pattern[str], ...] = ()) -> None:
        self.pattern = pattern
        self.within = within

    def _unmasked(self, text: str) -> str:
        for other in self.within:
            text = other.sub(lambda m: " " * len(m.group()), text)
        return text

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(self._unmasked(text))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(self._unmasked(text))

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.pattern.fullmatch(self._unmasked(text))


class Shapes:
    """The value shapes of `vocabulary.yml`, each compiled when a question first asks for it:
    a read asks for one or two of some thirty (compiling all took ~4.5 ms of the first read)."""

    def __init__(
        self,
        patterns: dict[str, str | list[str]],
        within: dict[str, list[str]] | None = None,
    ) -> None:
        self._patterns = patterns
        self._within = within or {}
        self._compiled: dict[str, Shape] = {}
        self._plain: dict[str, re.Pattern[str]] = {}

    def get(self, word: str) -> Shape | None:
        compiled = self._compiled.get(word)
        if compiled is None and word in self._patterns:
            within = tuple(self._pattern(other) for other in self._within.get(word, ()))
            compiled = self._compiled[word] = Shape(self._pattern(word), within)
        return compiled

    def _pattern(self, word: str) -> re.Pattern[str]:
        """A shape's own pattern, compiled once whether asked for or set aside."""
        plain = self._plain.get(word)
        if plain is None:
            plain = self._plain[word] = _alternatives(self._patterns[word])
        return plain


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    # Read once, on the first search, from the YAML's JSON twin: no YAML parser at start-up.
    data = datafiles.load("vocabulary.yml")
    return Vocabulary(
        stop=frozenset(data["stop"].split()),
        asked_not_said=frozenset(data["asked_not_said"].split()),
        foreign_question_words=frozenset(fold(w) for w in data["foreign_question_words"].split()),
        related={k: tuple(fold(w) for w in v) for k, v in data["related"].items()},
        groups=_grouped(data.get("groups", [])),
        shapes=Shapes(data["shapes"], data.get("unshaped_within")),
        correction_cues=frozenset(data["correction_cues"].split()),
        old_value_markers=frozenset(data["old_value_markers"].split()),
        not_names=frozenset(data.get("not_names", "").split()),
        shaped_when_asked=frozenset(data.get("shaped_when_asked", "").split()),
        unshaped_before_of=frozenset(data.get("unshaped_before_of", "").split()),
        shaped_before=frozenset(data.get("shaped_before", "").split()),
        labels=frozenset(data.get("labels", "").split()),
        said_by_amount=frozenset(_stem(w) for w in data.get("said_by_amount", "").split()),
        firm_deeds=frozenset(data.get("firm_deeds", "").split()),
        asked_of_noun=frozenset(data.get("asked_of_noun", "").split()),
        choosing=frozenset(data.get("choosing", "").split()),
        called_by_tie=frozenset(data.get("called_by_tie", "").split()),
        amount_said=_alternatives(data["amount_said"]) if "amount_said" in data else None,
        verb_forms=_verb_forms(data.get("verb_forms", [])),
    )


def _alternatives(pattern: str | list[str]) -> re.Pattern[str]:
    """A pattern written whole or as a list of alternatives (one of them another entry's,
    by a YAML alias), matched in any case."""
    joined = pattern if isinstance(pattern, str) else "|".join(f"(?:{p})" for p in pattern)
    return re.compile(joined, re.IGNORECASE)


def _verb_forms(lines: list[str]) -> dict[str, tuple[str, ...]]:
    """`verb_forms` of vocabulary.yml, one verb a line, its base form first: each form -> the
    verb's forms."""
    out: dict[str, tuple[str, ...]] = {}
    for line in lines:
        forms = tuple(fold(w) for w in line.split())
        out.update(dict.fromkeys(forms, forms))
    return out


SHORT_FORM = 3  # a verb form this long or shorter is matched as a whole word ("met")
_CVC = re.compile(r"[^aeiou][aeiou][b-df-hj-np-tvz]")  # consonant, vowel, consonant: "run"


def _said_forms(word: str, forms: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For an asked word that is a form of a verb (`forms`, the base first), the stems by
    which its other forms are looked for (prefixes: "find" for "found") and the short ones
    matched whole ("met", not "method"), a short base form with its regular endings ("run",
    "runs", "running")."""
    others = [f for f in forms if f != word]
    prefixes = tuple(_stem(f) for f in others if len(f) > SHORT_FORM)
    whole: list[str] = []
    for form in others:
        if len(form) > SHORT_FORM:
            continue
        whole.append(form)
        if form == forms[0]:
            # "run" -> "running": a last consonant after one vowel is doubled before "-ing".
            doubled = len(form) == 3 and _CVC.fullmatch(form) is not None
            whole += [form + "s", form + (form[-1] if doubled else "") + "ing"]
    return prefixes, tuple(whole)


def _grouped(lines: list[str]) -> dict[str, frozenset[str]]:
    """`groups` of vocabulary.yml: "a b c" (words for one thing, each covers the others) and
    "a b > x y" (a kind and its members: a member covers the kind, not another member)."""
    out: dict[str, set[str]] = {}
    for line in lines:
        kinds, _, members = line.partition(">")
        heads = {_stem(fold(w)) for w in kinds.split()}
        covering = heads | {_stem(fold(w)) for w in members.split()}
        for stem in heads:
            out.setdefault(stem, set()).update(covering)
    return {stem: frozenset(others) for stem, others in out.items()}


@dataclass
class Term:
    """One thing the question asks about: its word's stem, the stems of related words that
    also cover it, and the shape of a value that covers it (an email address for "email")."""

    stem: str
    also: tuple[str, ...] = ()
    shape: Shape | None = None
    kind: bool = False
    """The word naming the kind of answer ("What *book* ...", "Which *airline* ..."): people
    ask with it and rarely say it ("I'm reading Piranesi"), so it counts only when present."""

    person: bool = False
    """Asks what someone is ("What *role* does Chiara have?", "How is Renée *connected* to
    me?"): a word naming a person's role or kin ("tutor", "partner") covers it."""

    short: tuple[str, ...] = ()
    """Words a sentence says it by when it says them whole: the initials of a run of the
    question's words this word is in ("agm" for "annual general meeting"), and the short
    forms of its verb ("met" for "meet": `_said_forms`)."""

    spelled: bool = False
    """Written in capitals ("AGM"): the words it abbreviates say it too."""

    def opens(self, words: list[str]) -> bool:
        """Whether one of `words` opens with the term's own stem, not a related word's."""
        return any(w.startswith(self.stem) for w in words)

    def prefixes(self) -> tuple[str, ...]:
        return (self.stem, *self.also)

    @property
    def required(self) -> bool:
        """Whether a sentence without it cannot answer: a value of a shape, or what someone
        is, asked for."""
        return self.shape is not None or self.person

    @property
    def exact(self) -> bool:
        """A number is matched whole: "42" is not "4299"."""
        return self.stem.isdigit()

    def answered_by(self, words: list[str], text: str) -> bool:
        """Whether a sentence holds what a required term asks for: a value of its shape ("I
        called Rhiannon" says a word of "phone" but no phone number), or a role or kin
        word."""
        if self.shape is not None:
            return self.shape.search(text) is not None
        return self.covered_by(words, text)

    def covered_by(self, words: list[str], text: str) -> bool:
        if self.exact:
            return self.stem in words
        if any(w.startswith(p) for w in words for p in self.prefixes()):
            return True
        if self.short and any(w in self.short for w in words):
            return True
        if self.spelled and spells(words, self.stem):
            return True
        if self.person:
            from xmemory_engine.minds.rules.names import kin_or_role  # its lexicon's words

            # "tutor", "Tutor: …", not the "Pieter" of a name.
            return any(
                kin_or_role(fold(m.group()))
                and (m.group()[:1].islower() or not text[: m.start()].strip()[-1:].isalnum())
                for m in _TOKEN.finditer(text)
            )
        return self.shape is not None and self.shape.search(text) is not None


@dataclass(frozen=True)
class Terms:
    """What a question searches for: its terms and the names it contains."""

    terms: list[Term] = field(default_factory=list)
    names: list[list[str]] = field(default_factory=list)
    """Runs of capitalised words ("Maya Patel", "Project Atlas"): a passage must hold a word
    of each run."""
    owners: list[list[str]] = field(default_factory=list)
    """Those of `names` said as the owner of what is asked ("*Gerald's* neurology
    appointment")."""
    who: bool = False
    """Asks for a person ("Who ...?"): a sentence naming nobody but whom the question names
    does not answer it."""
    name: bool = False
    """Asks for a name by the word ("What's the plumber's *name*?", "What is the EP
    *called*?"): as for `who`, a sentence naming nobody the question does not answers none."""
    count: bool = False
    """Asks how many: a sentence with no number that is no amount, date or time, no number
    said in words and no list (the `how many` shape of `vocabulary.yml`) does not answer."""
    foreign: bool = False
    """Asked in a language the rules do not read ("Wo wohnt Ingrid?"): only its names are
    understood, so what is said about them is what can be shown."""
    where: bool = False
    """Asks for a place: a sentence naming a place the question does not holds that kind."""
    when: bool = False
    """Asks for a time ("When ...?"): a date answers it."""
    acronyms: frozenset[str] = frozenset()
    """The question's words written in capitals ("AGM", "NHS"): a name run of one of them is
    also held by words it abbreviates ("annual general meeting")."""
    focus: list[str] = field(default_factory=list)
    """The stems of what the question asks for, when it says so by a noun ("When is Sam's
    *birthday*?", "What is the *priority* of the invoice task?"): a passage must say each."""

    participles: frozenset[str] = frozenset()
    narrowing: list[str] = field(default_factory=list)
    """The stems of words narrowing the kind asked for ("*hotel* chain"): a name may stand
    for the kind ("KLM" for an airline), not for these."""

    @property
    def stems(self) -> list[str]:
        return [t.stem for t in self.terms]

    @property
    def named(self) -> set[str]:
        """The words of the question's names."""
        return {w for run in self.names for w in run}


_NEVER: dict[int, tuple[Vocabulary, frozenset[str]]] = {}


def _never(vocab: Vocabulary) -> frozenset[str]:
    """The words never a question's term: stop words and other languages' question words
    (one union per vocabulary, not per question)."""
    kept = _NEVER.get(id(vocab))
    if kept is None or kept[0] is not vocab:
        kept = _NEVER[id(vocab)] = (vocab, vocab.stop | vocab.foreign_question_words)
    return kept[1]


# One read asks for a question's terms several times (whether rows answer, whether they hold
# its names, the passages, what changed later): parsed once. Callers only read the result.
# A word opened by a capital letter and a hyphen is a common noun ("A-level", "T-shirt").
_LETTER_COMPOUND = re.compile(r"[A-Z]-[a-z][\w\-]*")


@lru_cache(maxsize=256)
def question_terms(question: str) -> Terms:
    vocab = vocabulary()
    never = _never(vocab)
    names: list[list[str]] = []
    owners: list[list[str]] = []  # the names said as someone's ("Gerald's")
    run: list[str] = []
    owned = False  # the run so far ends in a possessive
    for position, token in enumerate(question.split()):
        cleaned = token.strip(".,;:!?\"'()[]")
        words = [w for w in search_words(cleaned) if len(w) > 1 and w not in never]
        capital = (
            cleaned[:1].isupper()
            and not set(words) <= vocab.not_names
            and not _LETTER_COMPOUND.fullmatch(cleaned)  # "A-level", "X-ray": no name
        )
        # A name runs over capitalised words and numbers after them ("Person 00042").
        if position > 0 and words and (capital or (run and cleaned.isdigit())):
            if owned:
                # "Gerald's NHS number": what is his is the name a sentence must say ("The
                # EpiPens expire 31 Jan" answers "When do Eli's EpiPens run out?"); "Gerald"
                # alone says nothing of his NHS number.
                run, owned = [], False
            run += words
            owned = bool(re.search(r"['\u2019]s$", cleaned))
        elif run:
            names.append(run)
            if owned:
                owners.append(run)
            run, owned = [], False
    if run:
        names.append(run)
        if owned:
            owners.append(run)
    in_names = {w for r in names for w in r}
    words = search_words(question)
    nouns = [
        _kind_noun(words, i + 1, never | in_names)
        for i, w in enumerate(words[:-1])
        if w in KIND_ASKERS and words[i + 1] not in never and words[i + 1] not in in_names
    ]
    kinds = {noun[-1] for noun in nouns}
    narrowing = [_stem(w) for noun in nouns for w in noun[:-1]]
    shorts = _abbreviations(words, vocab.stop | in_names)
    acronyms = frozenset(
        fold(token).lower()
        for token in re.findall(r"\b[A-Z]{2,6}\b", question)
        if token.lower() not in vocab.stop
    )
    terms: list[Term] = []
    seen: set[str] = set()
    for i, word in enumerate(words):
        if word in seen or len(word) < 2:
            continue
        seen.add(word)
        shape = vocab.shapes.get(word)
        before = vocab.shapes.get(words[i - 1]) if i > 0 and word in vocab.shaped_before else None
        if before is not None:
            shape = before  # "email address", "website address": the email's, the site's
        if word in vocab.shaped_when_asked and word not in kinds:
            shape = None  # "microscope time", not "What time ...?"
        if word in vocab.unshaped_before_of and words[i + 1 : i + 2] == ["of"]:
            shape = None  # "the number of people": how many, not a number to quote
        if shape is not None and _told_about(words[max(0, i - 4) : i]):
            shape = None  # "Who do I need to tell about the new address?": the topic, no value
        if shape is not None and _modifies(word, words[i + 1 : i + 2], never):
            shape = None  # "Lucia's phone screen", "date night": a kind of thing, no value
        if (
            shape is not None
            and words[i - 1 : i] == ["to"]
            and word not in ASKERS
            and words[:2] != ["how", "much"]
        ):
            shape = None  # "need to price and label my stock", "to email": a deed, no value
        if shape is None and (word in never or word in vocab.asked_not_said):
            continue
        stem = word if word in in_names else _stem(word)
        formed, whole = _said_forms(word, vocab.verb_forms.get(word, ()))
        said_as = {_stem(w) for w in vocab.related.get(word, ())} | vocab.groups.get(stem, set())
        related = tuple(sorted(w for w in said_as | set(formed) if w != stem))
        # "my role", "Maya's job", "What role ...", not "the kitchen job": a thing's own.
        qualified = i > 0 and words[i - 1] not in never and words[i - 1] not in in_names
        person = word in _ASKS_WHAT_SOMEONE_IS and shape is None and not qualified
        kind = word in kinds and shape is None and not person
        short, spelled = shorts.get(i, ()) + whole, word in acronyms
        terms.append(
            Term(stem, related, shape, kind=kind, person=person, short=short, spelled=spelled)
        )
        if len(terms) == MAX_TERMS:
            break
    stems = {t.stem for t in terms}
    focus = [stem for stem in (_stem(w) for w in _asked_noun(words, in_names)) if stem in stems]
    opening = fold(question.strip().lstrip("¿¡\"'").split(" ", 1)[0].strip("?!.,"))
    opening = re.split("['\u2019]", opening, maxsplit=1)[0]  # "Who's", "When's"
    # Opened by another language's question word that is not also English ("was", "come").
    foreign = opening in vocab.foreign_question_words - vocab.stop - {"come"}
    # "Who is Efua?" asks what she is to the user ("my mother-in-law Efua"), not for
    # someone else: only a question with more than its names asks for a person.
    described = len(words) >= 3 and words[1] in COPULAS and set(words[2:]) <= in_names
    who = opening in ("who", "whom", "whose") and not described
    name = opening in ("what", "which") and bool(_ASKS_A_NAME & set(words))
    where = opening == "where"
    when = opening == "when" or _asks_a_day(words)
    participles = frozenset(
        _stem(w) for w in words if w.endswith(("ed", "ing")) and w not in in_names
    )
    return Terms(
        terms,
        names[:MAX_TERMS],
        owners=owners[:MAX_TERMS],
        acronyms=acronyms,
        focus=focus,
        foreign=foreign,
        who=who,
        name=name,
        count=asks_how_many(question),
        where=where,
        when=when,
        participles=participles,
        narrowing=narrowing,
    )


_ASKS_A_NAME = frozenset(("name", "names", "called", "named"))


def _asks_a_day(words: list[str]) -> bool:
    """Whether the question asks for a date though it does not open with "when": "Until
    when …?", "By when …?", "What day is Henrik coming in?", "On which date …?", "What's
    the deadline for …?"."""
    asker = next((i for i, w in enumerate(words[:2]) if w in ASKERS), None)
    if asker is None:
        return False
    if words[asker] == "when":
        return True
    if words[asker] not in ("what", "which"):
        return False
    after = words[asker + 1 : asker + 4]
    while after and after[0] in _BEFORE_THE_NOUN:
        after = after[1:]
    return after[:1] in (["date"], ["day"], ["deadline"])


_BEFORE_THE_NOUN = frozenset(("is", "was", "s", "the"))


ACRONYM_WORDS = (3, 5)  # words a run abbreviated by its initials has, at least and at most
_JOINING = frozenset(("of", "and"))  # words inside such a run ("front of house": FOH)


def _abbreviations(
    words: list[str], never: frozenset[str] | set[str]
) -> dict[int, tuple[str, ...]]:
    """For each word's position, the initials of the runs of 3 to 5 words it is in that say
    something (no stop word but "of" or "and" inside): "annual general meeting" -> "agm".
    Two-letter initials ("gm") are too often another word's to count."""
    out: dict[int, list[str]] = {}
    low, high = ACRONYM_WORDS
    for start in range(len(words)):
        for end in range(start + low, min(start + high, len(words)) + 1):
            run = words[start:end]
            inner = run[1:-1]
            if any(w in never for w in (run[0], run[-1])) or any(
                w in never and w not in _JOINING for w in inner
            ):
                continue
            if not all(w.isalpha() for w in run):
                continue
            initials = "".join(w[0] for w in run)
            for i in range(start, end):
                out.setdefault(i, []).append(initials)
    return {i: tuple(dict.fromkeys(found)) for i, found in out.items()}


def spells(words: list[str], acronym: str) -> bool:
    """Whether consecutive `words` have `acronym` as their initials ("annual general
    meeting" for "agm", "front of house" for "foh")."""
    n = len(acronym)
    return n >= 2 and any(
        "".join(w[:1] for w in words[i : i + n]) == acronym for i in range(len(words) - n + 1)
    )


# Words asking what someone is to the user or does: a role or kin word answers them.
_ASKS_WHAT_SOMEONE_IS = frozenset(("role", "job", "position", "occupation", "profession",
                                   "relationship", "related", "relation", "connected"))  # fmt: skip


def _kind_noun(words: list[str], start: int, never: frozenset[str] | set[str]) -> list[str]:
    """The words of the noun naming the kind asked for after "which" or "what" at `start`,
    its head last: the whole noun when a verb of being or doing ends it ("Which hotel
    *chain* do I prefer?"), else its first word ("Which *courier* handles the planters?":
    what follows may be a verb)."""
    end = start
    while end < len(words) and words[end] not in never:
        end += 1
    if end < len(words) and words[end] in _AUXILIARIES:
        return words[start:end]
    return words[start : start + 1]


# Verbs that end the noun a "which" question opens: "Which garden projects *are* ...".
_AUXILIARIES = frozenset(("is", "are", "was", "were", "do", "does", "did", "has", "have", "had",
                          "will", "would", "can", "could", "should"))  # fmt: skip


def _modifies(word: str, after: list[str], never: frozenset[str]) -> bool:
    """Whether a shape word stands before another noun that it only qualifies: "phone
    screen", "email campaign", "date night" ask for a thing, not a phone number, an email
    address or a date ("phone number", "email address" still do)."""
    if word in ("much", "many", "when", "old", "why") or not after:
        return False
    noun = after[0]
    return noun.isalpha() and noun not in never and noun not in _SHAPE_HEADS


# Nouns after a shape word that name the value itself: "phone number", "email address".
_SHAPE_HEADS = frozenset(("number", "numbers", "address", "addresses", "no", "nr", "contact",
                          "details", "id"))  # fmt: skip


def _asked_noun(words: list[str], in_names: set[str]) -> list[str]:
    """The words of the noun a question asks for, in "<wh-word> <is|are|was> [the|my|Sam's]
    <noun> [of ...]": "When is Sam's birthday?" -> [birthday], "Who is my electricity
    supplier?" -> [electricity, supplier]. Other shapes ("What diet do I follow?", "Who wrote
    Piranesi?") name no such noun: []."""
    vocab = vocabulary()
    if len(words) < 3 or words[0] not in ASKERS:
        return []
    i = 2 if words[0] == "how" and words[1] in ("much", "many") else 1
    if i == 2 and words[i] not in COPULAS:
        # "How much council tax do I pay?", "How many bedrooms has the house got?": the
        # head of the noun counted or measured (what a sentence must say), unless it is one
        # rarely said of what is counted ("people" are said by their names).
        counted = []
        while i < len(words) and words[i] not in vocab.stop and words[i] not in in_names:
            counted.append(words[i])
            i += 1
        head = counted[-1:] if counted and counted[-1] not in _COUNTED_UNSAID else []
        return [w for w in head if w not in vocab.asked_not_said]
    if i >= len(words) or words[i] not in COPULAS:
        return []
    copula = words[i]
    i += 1
    if i < len(words) and words[i].endswith("ing"):
        return []  # "Who is building the kitchen?": a verb, no noun asked for
    while i < len(words) and (words[i] in vocab.stop or words[i] in in_names):
        if words[i] not in _DETERMINERS and words[i] not in in_names and words[i] != "s":
            return []  # "Where is it going?": a verb or a preposition, no noun asked for
        i += 1
    if copula in ("has", "have") and i < len(words) and words[i].endswith("ed"):
        return []  # "What has Ama stopped eating?": a verb, no noun asked for
    noun: list[str] = []
    owner: list[str] = []
    while i < len(words) and words[i] not in vocab.stop and words[i] not in in_names:
        if noun and (
            words[i].endswith("ing")
            or words[i] in _RATE_WORDS
            or words[i] in vocab.asked_of_noun
            or _PARTICIPLE.fullmatch(words[i])
        ):
            # "When is the seed swap happening?": the verb after the noun; "How much is the
            # hall rent per hour?": the rent is asked, "£22/hour" says so without "per";
            # "How much are the lunch vouchers worth?", "Where is the car parked?": what is
            # asked of the noun, not part of it.
            break
        if words[i] not in vocab.asked_not_said:
            noun.append(words[i])
        i += 1
        if words[i : i + 1] == ["s"] and i + 1 < len(words):
            # "the cat's vet": the vet is asked for, not the cat; "my dog's name": the name
            # is asked, rarely said, so the dog is what a sentence must say.
            owner, noun, i = noun, [], i + 1
    if noun and words[i:] and set(words[i:]) <= in_names:
        # "Where's the allotment AGM?": the name closing the question is what is asked
        # about, the noun before it only says which ("AGM is … at St Barnabas Church Hall").
        return []
    return noun or owner


_RATE_WORDS = frozenset(("per",))
# A past participle after a noun ("parked", "booked", "insured"): long enough not to be a noun
# ending in -ed ("breed", "shed", "seed").
_PARTICIPLE = lazy_compile(r"[a-z]{4,}ed")

# What "how many" / "how much" counts without a sentence saying the word.
_COUNTED_UNSAID = frozenset(
    ("people", "persons", "money", "times", "things", "items", "places", "options", "ones", "of")
)

_DOUBLED = re.compile(r"([b-df-hj-km-rtv-y])\1$")


def stem(word: str) -> str:
    """A word's stem as the search compares words (`_stem`), for the modules reading its
    results."""
    return _stem(word)


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    """A prefix that the word's usual variants share: 'appointments' -> 'appointme',
    'living' -> 'liv', 'studies' -> 'studi', 'drumming' -> 'drum', 'physiotherapist' ->
    'physiotherap' (a long word loses its last three letters, so 'conductor' finds
    'conducted')."""
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: -len(suffix)] + ("i" if suffix in ("ies", "ied") else "")
            if suffix in ("ings", "ing", "ed") and _DOUBLED.search(word):
                word = word[:-1]  # "drumming" -> "drum", "stopped" -> "stop"; not "falling"
            break
    if len(word) >= LONG_WORD and not word.isdigit():
        return word[: max(LONG_WORD - 2, len(word) - 3)]
    return word


def _match(terms: list[Term]) -> str:
    # Terms are folded letters and digits only, so quoting each is enough to keep FTS5's
    # query syntax out of the way ("Dr. Souza", "what's").
    prefixes = dict.fromkeys(
        [p + ("" if t.exact else "*") for t in terms for p in t.prefixes()]
        + [w for t in terms for w in t.short]
    )
    return " OR ".join(
        f'words : "{p[:-1]}"*' if p.endswith("*") else f'words : "{p}"' for p in prefixes
    )


def _told_about(before: list[str]) -> bool:
    """Whether the words right before a shape word put it after "about" (up to three words
    between, none of them a question word): what is told about, not the value asked for."""
    if "about" not in before:
        return False
    between = before[before.index("about") + 1 :]
    return len(between) <= 3 and not set(between) & ASKERS


def search(
    tables: Tables,
    question: str,
    *,
    after: int = 0,
    limit: int = MAX_PASSAGES,
    changes: bool = False,
    about: str = "",
    similar: bool = False,
    follow: bool = False,
) -> list[dict[str, Any]]:
    """The passages that answer `question`, best first (read-only; the caller's snapshot);
    with `after`, only sentences indexed after that passage id. With `changes`, the sentences
    that tell of a change to what the question is about (a correction cue, every name, a word
    of the thing asked for, `CHANGE_COVERAGE` of the weight, and a word of `about`, the
    sentences the answer rests on): a correction is rarely worded like the question ("Dentist
    moved it to 21 March"). With `similar`, when no sentence says the question's words, the
    sentences closest in meaning (`_similar`). With `follow` too, a change that shares
    `CONTINUED_WORDS` words with `about` (the passages shown) continues them, whatever the
    question's words: the passages are the answer, so a change to them is one to it."""
    terms = question_terms(question)
    if not terms.terms:
        return []
    found = _by_words(tables, terms, after, limit, changes, about, follow)[0]
    # "Is Mochi microchipped?" is answered by a sentence that says so, not by one close in
    # meaning ("Mochi was spayed"): a yes or a no needs its own words.
    if not found and similar and not _yes_no(question):
        return _similar(tables, question, terms, after, limit)
    return found


def search_later(tables: Tables, question: str, after: int, about: str) -> list[dict[str, Any]]:
    """What `search(question, after=after, limit=2)` finds, else what the same with `changes`
    and `about` finds: the sentences after `after` that answer `question`, or tell of a change
    to what `about` says.

    The second search looks the same words up (no `follow`: nothing of `about` is looked up),
    so when the index holds no sentence after `after` with them at all, it finds nothing
    either and is not made (~0.07 ms of a lookup at 100,000 records)."""
    terms = question_terms(question)
    if not terms.terms:
        return []
    found, indexed = _by_words(tables, terms, after, 2, False, "")
    if found or not indexed:
        return found
    return _by_words(tables, terms, after, 2, True, about)[0]


def _by_words(
    tables: Tables,
    terms: Terms,
    after: int,
    limit: int,
    changes: bool,
    about: str,
    follow: bool = False,
) -> tuple[list[dict[str, Any]], bool]:
    """The passages found, and whether the index held any sentence with the words looked up
    (without `follow`, the same words whatever `changes` and `about` are)."""
    words_only = [t for t in terms.terms if t.shape is None or t.stem not in vocabulary().stop]
    total, counted = tables.passage_frequency([p for t in words_only for p in t.prefixes()])
    # A term's rarity is its word's; what the index must go through is all its prefixes'.
    frequency = {t.stem: counted.get(t.stem, 0) for t in words_only}
    reach = {t.stem: sum(counted.get(p, 0) for p in t.prefixes()) for t in words_only}
    searched = _selective(words_only or terms.terms, reach)
    # Only common words to look up: the newest sentences holding them, not all of them ranked.
    common = min(reach.get(t.stem, 0) for t in searched) > MATCH_BUDGET
    limit_hits = 5 * CANDIDATES if common else CANDIDATES
    # What `about` says is read when it is looked up (`follow`), else only once there are hits
    # to judge by it: most searches (said_later's, after a record's own sentence) find none.
    about_stems = _about_stems(about) if follow else set()
    # A change is looked for by what it continues too: "Correction: no longer considering
    # the Topaz; now looking at an RS Feva" says no word of "What boat am I thinking of
    # buying?". The longest words of what it continues are the likeliest to be rare.
    continued = sorted(about_stems, key=lambda w: (-len(w), w))[:ABOUT_TERMS] if follow else []
    match = _match([*searched, *(Term(stem) for stem in continued)])
    hits = tables.search_passages(match, limit_hits, after=after, newest=common)
    if not hits:
        return [], False
    if changes and not follow:
        about_stems = _about_stems(about)
    weight = _weighed(terms, words_only, total, frequency)
    needed = sum(weight[t.stem] for t in terms.terms if not t.kind)
    episodes = tables.episodes(sorted({hit.episode_id for hit in hits}))
    scored: list[tuple[float, PassageRow]] = []
    unnamed: list[PassageRow] = []  # hits that say what is asked but not whom about, or who
    for hit in hits:
        context, words = _judged(hit, episodes)
        # A change is often told without the name the first sentence gave ("Correction:
        # tenancy start moved to 11 January" after "Dot chose Aire View Court. Tenancy starts
        # 4 January"): saying what that sentence said, and naming no one else, will do.
        renamed = (
            changes and _continues(hit.text, about_stems) and not _names_someone(context, terms)
        )
        if not renamed and not _about_whom_asked(terms, context, words):
            if (terms.names or terms.who) and not (changes or after or terms.foreign):
                unnamed.append(hit)
            continue
        if terms.foreign and terms.names:
            scored.append((COVERAGE, hit))  # its names are all that can be matched
            continue
        cover = _cover(terms, words, context, weight, needed)
        if cover is None:
            continue
        said, covered, mass = cover
        if changes:
            if not corrects(hit.text) or not _continues(hit.text, about_stems):
                continue  # a change to something else ("the report's deadline", not the car's)
            shared = {s for s in about_stems if any(w.startswith(s) for w in words)}
            continued_here = follow and len(shared) >= CONTINUED_WORDS
            if terms.focus and not said & set(terms.focus) and not continued_here:
                continue  # neither the thing asked for nor what the answer said
            covers = bool(mass) and covered / mass >= CHANGE_COVERAGE
            if covers or continued_here:
                scored.append((covered / mass if mass else 0.0, hit))
            continue
        score = _enough(terms, context, cover)
        if score is not None:
            scored.append((score, hit))
    if not scored and unnamed:
        scored = _meant_earlier(tables, terms, unnamed, episodes, weight, needed)
    if (
        not scored
        and unnamed
        and terms.names
        and terms.owners == terms.names
        and not _asks_whose_own(terms)
    ):
        scored = _owned_unsaid(tables, terms, unnamed, episodes, weight, needed)
    if not scored:
        return [], True
    best = max(score for score, _ in scored)
    scored = [(score, hit) for score, hit in scored if score >= best / 2]
    # Higher coverage first, then BM25, then newer (a later sentence has a larger rowid).
    scored.sort(key=lambda pair: (-pair[0], pair[1].rank, -pair[1].id))
    chosen = _distinct_episodes(scored)[:limit]
    found = [_passage(score, hit, episodes.get(hit.episode_id), "words") for score, hit in chosen]
    return _after_antecedents(tables, found), True


_OPENS_ON_PRONOUN = lazy_compile(r"^\W*(?:he|she|they|his|her|their)\b", re.IGNORECASE)


def _after_antecedents(tables: Tables, passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each passage whose write opens on a pronoun ("He also wants the carers to record
    Gerald's blood pressure daily") shown after the last sentence written before it, which
    names whom it means ("Dr Qureshi reviewed his meds."): the write before says who. The
    writes before are read at once, and only when a passage needs one."""
    opening = [
        p
        for p in passages
        if _OPENS_ON_PRONOUN.match(str(p["text"])) and str(p["text"]).startswith(p["sentence"])
    ]
    if not opening:
        return passages
    before = tables.episodes([int(p["episode_id"]) - 1 for p in opening])
    needing = {id(p) for p in opening}
    out = []
    for passage in passages:
        text = str(passage["text"])
        earlier = before.get(int(passage["episode_id"]) - 1) if id(passage) in needing else None
        said = episode_sentences(earlier.text) if earlier is not None else ()
        if said and len(said[-1]) + len(text) <= CONTEXT_CHARS:
            passage = passage | {"text": f"{said[-1]} {text}"}
        out.append(passage)
    return out


def _about_stems(about: str) -> set[str]:
    """The stems of the words of `about` a change may continue (not short, stop or cue words)."""
    vocab = vocabulary()
    return {
        _stem(w)
        for w in search_words(about)
        if len(w) > 2 and w.isalpha() and w not in vocab.stop and w not in vocab.correction_cues
    }


# This module's patterns but `_DOUBLED` are compiled at their first use (`lazy_compile`): a
# read uses them only once passages are found, and the four were ~1 ms of a server's start.
_TOKEN = lazy_compile(r"[^\W\d_][\w'\u2019\-]*")


def _meant_earlier(
    tables: Tables,
    terms: Terms,
    hits: list[PassageRow],
    episodes: dict[int, EpisodeRow],
    weight: dict[str, float],
    needed: float,
) -> list[tuple[float, PassageRow]]:
    """Sentences about whom the question asks that do not name them, because the text just
    before did: "… Dog: Biscuit, 6-yr-old cocker spaniel." then "Walks: twice a day, ~40 min
    each. He pulls towards other dogs" answers "How many walks a day does Biscuit need?".
    A sentence counts when it names no one else and it or its neighbours shown with it say
    "he", "she", "they" (or their other forms), when what was written just before it (its
    episode so far, else the write before) names everyone the question does, and when it
    covers the question's other words as a sentence that named them would have to. Only for
    the first search (not a later change's), and only when no sentence names them: one that
    does is the better answer. A "who" question names no one to look for: the text before
    must name someone, and be shown with the sentence (`_shown_with`), since the name it
    gives is the answer ("Photographer booked: Søren Lund." then "He wants our shot list by 1
    March")."""
    earlier = tables.episodes(sorted({h.episode_id - 1 for h in hits if h.episode_id > 1}))
    out: list[tuple[float, PassageRow]] = []
    for hit in hits:
        episode = episodes.get(hit.episode_id)
        if episode is None:
            continue
        context, words = _judged(hit, episodes)
        if not _THIRD_PERSON & set(words) or _names_someone(hit.text, terms):
            continue  # it names someone else, or speaks of no one
        before = episode.text[: max(episode.text.find(hit.text), 0)]
        previous = earlier.get(hit.episode_id - 1)
        told = before if before.strip() else (previous.text if previous is not None else "")
        if not told or not all(holds_name(search_words(told), run) for run in terms.names):
            continue
        if terms.who and not (_names_someone(told, terms) and _shown_with(hit, before)):
            continue  # "Who …?": the words that say who "he" is answer, so must be shown
        score = _as_if_named(terms, words, context, weight, needed)
        if score is not None:
            out.append((score, hit))
    return out


def _shown_with(hit: PassageRow, before: str) -> bool:
    """Whether what was written before a sentence is shown with it: `before`, its episode's
    own, is; the write before is when the sentence opens its write on a pronoun
    (`_after_antecedents`)."""
    return bool(before.strip()) or bool(_OPENS_ON_PRONOUN.match(hit.text))


def _as_if_named(
    terms: Terms, words: list[str], context: str, weight: dict[str, float], needed: float
) -> float | None:
    """The score of a sentence that does not name whom the question does, weighed as if it
    had named them; None when it does not say enough besides them."""
    cover = _cover(terms, words, context, weight, needed, assumed=terms.named)
    score = _enough(terms, context, cover) if cover is not None else None
    return score if cover is not None and cover[0] - terms.named else None


def _owned_unsaid(
    tables: Tables,
    terms: Terms,
    hits: list[PassageRow],
    episodes: dict[int, EpisodeRow],
    weight: dict[str, float],
    needed: float,
) -> list[tuple[float, PassageRow]]:
    """Sentences telling what the question asks of someone's that do not say whose, told
    after the owner was named: "When is Gerald's neurology appointment?" and, in notes about
    Gerald's care, "Appointments: neurology review with Dr. Ingrid Sørensen, 15 Jan". A
    sentence counts when it names no one else (but people by their titles, "Dr. Ingrid
    Sørensen", and firms, "Cumberland Infirmary": whom the owner deals with), says no "he",
    "she" or "they" (`_meant_earlier` reads those), and covers the question's other words
    as one naming the owner would have to; the owner must be named in the memory by then.
    Only when no sentence names them and none says "he" or "she" after them."""
    named_from: int | None = None  # the passage by which every owner is named, once read
    out: list[tuple[float, PassageRow]] = []
    for hit in hits:
        context, words = _judged(hit, episodes)
        if _THIRD_PERSON & set(words) or _names_someone(_unnamed_but_titled(hit.text), terms):
            continue
        if named_from is None:
            named_from = _first_named(tables, terms.owners)
        if hit.id < named_from:
            continue
        # A date told after "with Dr. Ingrid Sørensen" is still the owner's.
        score = _as_if_named(terms, words, _unnamed_but_titled(context), weight, needed)
        if score is not None:
            out.append((score, hit))
    return out


def _asks_whose_own(terms: Terms) -> bool:
    """Whether the question asks for a value that is its owner's own, a way to reach them or
    a number that is theirs ("Halima's email", "Pip's microchip number"): a sentence that
    does not say whose is about someone or something else."""
    return any(t.shape is not None and t.stem in _OWN_SHAPES for t in terms.terms)


# Terms asking for a value that says whose it is.
_OWN_SHAPES = frozenset(("email", "mail", "phone", "mobile", "number", "address"))


def _first_named(tables: Tables, owners: list[list[str]]) -> int:
    """The passage by which every owner has been named: the latest of the first sentences
    naming each (one search per owner, whatever the sentences weighed); past every passage
    when one of them is named nowhere."""
    firsts = []
    for run in owners:
        hits = tables.search_passages(_match([Term(w) for w in run]), CANDIDATES)
        naming = [hit.id for hit in hits if holds_name(search_words(hit.text), run)]
        firsts.append(min(naming) if naming else _NEVER_NAMED)
    return max(firsts, default=0)


_NEVER_NAMED = 2**63  # past any passage id


def _unnamed_but_titled(text: str) -> str:
    """`text` with the people named by a title ("Dr. Ingrid Sørensen", "Mr Adebayo-Clarke")
    and the firms named by their last word ("Cumberland Infirmary", "St Aldhelm's Hospital")
    lowered: those the owner of what is asked deals with, not another owner."""
    from xmemory_engine.minds.rules.names import ORG_SUFFIXES, TITLE  # the rules' own words

    def lowered(found: re.Match[str]) -> str:
        return found.group().lower()

    text = re.sub(rf"\b{TITLE}(?:[A-Z][\w\-'\u2019]*\s?)+", lowered, text)
    runs = re.finditer(r"(?:[A-Z][\w\-'\u2019]*\s)*[A-Z][\w\-'\u2019]*", text)
    for found in list(runs):
        last = found.group().split()[-1].lower()
        if last in ORG_SUFFIXES:
            text = text[: found.start()] + found.group().lower() + text[found.end() :]
    return text


def _cover(
    terms: Terms,
    words: list[str],
    context: str,
    weight: dict[str, float],
    needed: float,
    assumed: set[str] | frozenset[str] = frozenset(),
) -> tuple[set[str], float, float] | None:
    """What a sentence says of the question: the stems it covers (with `assumed`, stems taken
    as said), their weight, and the weight it must reach; None when it lacks a value of a
    shape asked (an email, a date) or is not shaped for whom it names."""
    covering = [
        t
        for t in terms.terms
        if t.covered_by(words, context) or (t.stem in terms.focus and _amount_says(t.stem, context))
    ]
    if any(t.required and not t.answered_by(words, context) for t in terms.terms):
        return None  # asked for an email, a date, an amount: a sentence without one is no answer
    if not _shaped_for_named(terms, context):
        return None
    said = {t.stem for t in covering} | assumed
    covered = sum(weight[t.stem] for t in terms.terms if t in covering or t.stem in assumed)
    mass = needed + sum(weight[t.stem] for t in covering if t.kind)
    return said, covered, mass


def _enough(terms: Terms, context: str, cover: tuple[set[str], float, float]) -> float | None:
    """The sentence's score when it says what is asked and covers enough of its weight."""
    said, covered, mass = cover
    if not _says_what_is_asked(terms, context, said):
        return None
    enough = (FOCUSED_COVERAGE if terms.focus else COVERAGE) - _relief(terms, context, said)
    return covered / mass if mass and covered / mass >= enough else None


# Words by which a sentence speaks of someone named before it.
_THIRD_PERSON = frozenset(("he", "she", "him", "her", "his", "hers", "they", "them", "their"))


def _continues(text: str, about: set[str]) -> bool:
    """Whether `text` says a word of what an earlier sentence said (`about`, as stems):
    "pickup's been pushed back" continues "Picking it up on the 12th"."""
    return any(w.startswith(stem) for w in search_words(text) for stem in about)


def _names_someone(text: str, terms: Terms) -> bool:
    """Whether `text` names someone the question does not: a capitalised word that does not
    open a sentence. A word after a colon or a semicolon counts: notes list people that way
    ("Shared gear: Søren brings stove; Ana brings the map")."""
    asked = terms.named
    vocab = vocabulary()
    never = vocab.stop | vocab.not_names
    for m in _TOKEN.finditer(text):
        word = m.group()
        if not word[0].isupper():
            continue
        before = text[: m.start()].rstrip()
        if (not before or before[-1] in ".!?\"'(") and not _OPENS_AS_SUBJECT.match(text, m.end()):
            continue  # a sentence's first word is capitalised whatever it is
        if fold(word) not in asked and fold(word) not in never:
            return True
    return False


# What follows a name opening a sentence as its subject ("Aoife is also the first-aider",
# "Dario will book it", "Mei Lin's van"): a common word opening one is rarely followed so.
_OPENS_AS_SUBJECT = lazy_compile(
    r"(?:\s+[A-Z][\w\-]*)*(?:['\u2019]s\b|\s+(?:is|was|will|has|had|can|says|said|and)\b)"
)


_PART_ENDS = lazy_compile(r";|,?\s+(?:while|whereas|but)\s+", re.IGNORECASE)


def _shaped_for_named(terms: Terms, text: str) -> bool:
    """Whether a value of each shape the question asks for is told of a name it holds: the
    part of the sentence between semicolons (or the brackets) the value is in names it, or
    the nearest name before the value is one of the question's, or no name is. In a list
    ("Priya Raman 07700 900123; Hamish Baird (drives the van)") the phone number is Priya's,
    not Hamish's; in "Elena Rossi turns 65" the age is Elena's; in "Birch (active, due
    2026-03-01), Cedar (done)" the date is Birch's, not Cedar's. A code ("INV-2026-038") is
    no one's name."""
    asked = terms.named
    shapes = [t.shape for t in terms.terms if t.shape is not None and t.stem not in asked]
    if not asked or not shapes:
        return True
    owners = _named_before(text, asked)

    def told_of_asked(at: int) -> bool:
        # The part of the sentence the value is in ("…; Hamish Baird (drives the van);")
        # names someone asked, or the nearest name before it is one.
        opened = text.rfind("(", 0, at)
        if opened > text.rfind(")", 0, at):
            # "Cedar (done), Dune (active, due 2026-06-30)", "my son Eli (he's 9)": a value
            # in brackets is told of what they follow, not of the sentence around them.
            start, end = opened + 1, text.find(")", at)
        else:
            # A clause of its own ends the part too: "while", "whereas" or
            # "but" ("Leo has football at 5pm, while Freya does swimming on Saturdays": the
            # time is Leo's).
            start = max((b.end() for b in _PART_ENDS.finditer(text, 0, at)), default=0)
            after = _PART_ENDS.search(text, at)
            end = after.start() if after else -1
        part = search_words(text[start : end if end >= 0 else len(text)])
        if any(_name_word(w, a) for w in part for a in asked):
            return True
        owner = next((run for begun, run in reversed(owners) if begun < at), None)
        return owner is None or any(_name_word(w, a) for w in owner for a in asked)

    return all(any(told_of_asked(m.start()) for m in shape.finditer(text)) for shape in shapes)


def _named_before(text: str, asked: set[str]) -> list[tuple[int, list[str]]]:
    """The names in `text` (runs of capitalised words, folded), each with where its last word
    starts: not a sentence's first word unless the question names it or it opens as a
    subject ("Leo has football at 5pm"), not a stop word, a language, a day or a month."""
    vocab = vocabulary()
    never = vocab.stop | vocab.not_names | vocab.labels
    out: list[tuple[int, list[str]]] = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if not word[0].isupper() or any(c.isdigit() for c in word):
            continue  # "INV-2026-038": a code, no one's name
        folded = fold(word)
        if folded in never:
            continue
        before = text[: m.start()].rstrip()
        opening = not before or before[-1] in ".!?\"'("
        if opening and folded not in asked and not _OPENS_AS_SUBJECT.match(text, m.end()):
            continue  # a sentence's first word, unless a verb says it is its subject
        between = text[out[-1][0] : m.start()].split()[1:] if out else None
        if between is not None and (not between or _NUMBER_IN_NAME.fullmatch(" ".join(between))):
            # "Elena Rossi", and "ABRSM Grade 3 Cello": one name, a number in it too.
            out[-1] = (m.start(), [*out[-1][1], folded])
        else:
            out.append((m.start(), [folded]))
    return out


# One short number standing between two capitalised words of a name ("Grade 3 Cello",
# "Studio 4 Hall"), not a phone number's groups nor a year.
_NUMBER_IN_NAME = lazy_compile(r"\d{1,3}")


def holds_name(words: list[str], run: list[str]) -> bool:
    """A word of the name ("Maya" for "Maya Patel"), and every number in it: "Person 00042"
    is neither "Batch 00042" nor "Person 00043"."""
    numbers = [n for n in run if n.isdigit()]
    if not all(n in words for n in numbers):
        return False
    letters = [n for n in run if not n.isdigit()]
    return not letters or any(_name_word(w, n) for w in words for n in letters)


def _name_word(word: str, name: str) -> bool:
    """Whether `word` says the name word `name`, also when the question says it in the
    plural ("the Araújos" for "Inês Araújo")."""
    return word.startswith(name) or (len(name) > 4 and name.endswith("s") and word == name[:-1])


def _selective(terms: list[Term], frequency: dict[str, int]) -> list[Term]:
    """The terms to look up in the index: the rarest first, while the sentences they hold stay
    within MATCH_BUDGET. A common word ("work", "the user") weighs little towards coverage, so
    a sentence holding only common words rarely qualifies, while ranking every sentence that
    holds one costs time in proportion to the store (50,000 sentences: ~100 ms)."""
    ordered = sorted(terms, key=lambda t: frequency.get(t.stem, 0))
    chosen: list[Term] = []
    seen = 0
    for term in ordered:
        seen += frequency.get(term.stem, 0)
        if chosen and seen > MATCH_BUDGET:
            break
        chosen.append(term)
    return chosen


def corrects(text: str) -> bool:
    """Whether a sentence reads as a change to what was said before (vocabulary.yml)."""
    return bool(vocabulary().correction_cues & set(search_words(text)))


def given_as_old(sentence: str, value: Any) -> bool:
    """Whether `sentence` gives `value` as the one being replaced: a correction cue in the
    sentence and an old-value marker right before the value ("moved from London to Madrid")."""
    vocab = vocabulary()
    words = search_words(sentence)
    wanted = search_words(str(value))
    # "from" alone is where someone is from or works ("Sam Oduya from TalentBridge"): it marks
    # an old value only in a sentence telling of a change ("moved from London to Madrid").
    changing = vocab.correction_cues & set(words) or (vocab.old_value_markers - {"from"}) & set(
        words
    )
    if not wanted or not changing:
        return False
    for i in range(1, len(words) - len(wanted) + 1):
        if words[i : i + len(wanted)] != wanted:
            continue
        before = words[max(0, i - 2) : i]  # the marker, or the marker and one small word
        if before[-1] in vocab.old_value_markers or (
            len(before) == 2 and before[1] in vocab.stop and before[0] in vocab.old_value_markers
        ):
            return True
    return False


def _idf(total: int, found: int) -> float:
    # A word no sentence holds weighs most: what is asked and never said is usually not
    # stored at all ("When is Sam's birthday?" beside "Sam's anniversary is 2019-06-08").
    # Tried on dev: weighing it as the rarest word said instead answered 3 more questions and
    # broke 3 abstentions of 24.
    return math.log((total - found + 0.5) / (found + 0.5) + 1.0)


def _similar(
    tables: Tables, question: str, terms: Terms, after: int, limit: int
) -> list[dict[str, Any]]:
    """The sentences that say what the question asks in other words ("Where does Maya work?"
    finds "Maya is employed by Globex"): the sentences closest in meaning, each then held to
    the same tests as one found by its words, with a term covered by a word close enough in
    meaning ("work" by "employed", "dog" by "puppy") as by the word itself."""
    index = tables.sentence_index
    if index is None or terms.foreign or not tables.sentences_after(after, 1):
        return []  # nothing said to search: the model (numpy, ~30 MB) is not even loaded
    model = semantic.load()
    if model is None:
        return []
    near = index.nearest(model, tables.sentences_after, question, NEAREST, after=after)
    near = [(i, score) for i, score in near if score >= SIMILAR]
    if not near:
        return []
    rows = {row.id: row for row in tables.passages_by_id([i for i, _ in near])}
    episodes = tables.episodes(sorted({row.episode_id for row in rows.values()}))
    weight = _weights(tables, terms)
    needed = sum(weight[t.stem] for t in terms.terms if not t.kind)
    asked = _said_as(question, terms)
    scored: list[tuple[float, float, PassageRow]] = []
    for i, closeness in near:
        hit = rows.get(i)
        if hit is None:
            continue  # forgotten since
        context, words = _judged(hit, episodes)
        if not _about_whom_asked(terms, context, words):
            continue
        if any(t.required and not t.answered_by(words, context) for t in terms.terms):
            continue
        if not _shaped_for_named(terms, context):
            continue
        near_words = semantic.close_words(model, [asked[t.stem] for t in terms.terms], words)
        covering = [
            t for t in terms.terms if t.covered_by(words, context) or asked[t.stem] in near_words
        ]
        said = {t.stem for t in covering}
        if not _says_what_is_asked(terms, context, said):
            continue
        covered = sum(weight[t.stem] for t in covering)
        mass = needed + sum(weight[t.stem] for t in covering if t.kind)
        relief = _relief(terms, context, said)
        enough = (FOCUSED_COVERAGE if terms.focus else SIMILAR_COVERAGE) - relief
        if mass and covered / mass >= enough:
            scored.append((covered / mass, closeness, hit))
    if not scored:
        return []
    scored.sort(key=lambda item: (-item[0], -item[1]))
    best = scored[0][0]
    chosen = _distinct_episodes([(c, hit) for c, _, hit in scored if c >= best / 2])
    return [_passage(c, hit, episodes.get(hit.episode_id), "meaning") for c, hit in chosen[:limit]]


def alike_later(
    tables: Tables, found: list[dict[str, Any]], limit: int = 2
) -> list[dict[str, Any]]:
    """Sentences said after the passages `found` that are about the same thing (close to one
    of them in meaning, cosine at least `ALIKE`), closest first: a later state of it told
    without a correction word ("Anki at 1,310 learned" after "Anki deck at 1,120 cards
    learned"), shown after them."""
    model = semantic.load()
    index = tables.sentence_index
    if model is None or index is None or not found:
        return []
    shown = {p["passage_id"] for p in found}
    near: dict[int, float] = {}
    for passage in found:
        for i, score in index.alike(model, tables.sentences_after, passage["passage_id"], 4):
            if score >= ALIKE and i not in shown:
                near[i] = max(score, near.get(i, 0.0))
    ranked = sorted(near, key=lambda i: -near[i])[:limit]
    rows = tables.passages_by_id(ranked)
    episodes = tables.episodes(sorted({row.episode_id for row in rows}))
    return [_passage(near[row.id], row, episodes.get(row.episode_id), "alike") for row in rows]


def _judged(hit: PassageRow, episodes: dict[int, EpisodeRow]) -> tuple[str, list[str]]:
    """The text a sentence is judged by, and its words: the sentence with its neighbours in
    its episode, as it is shown (a fact is often told over two sentences: "My sister is Maya.
    She is a midwife.")."""
    episode = episodes.get(hit.episode_id)
    context = _in_context(hit.text, episode.text) if episode is not None else hit.text
    return context, search_words(context)


def _about_whom_asked(terms: Terms, context: str, words: list[str]) -> bool:
    """Whether a sentence holds every name the question does and, for "who", names someone
    ("Who designed it?" beside "I finished the website": no one is named)."""
    if not all(
        holds_name(words, run)
        or (len(run) == 1 and run[0] in terms.acronyms and spells(words, run[0]))
        for run in terms.names
    ):
        return False
    if terms.count and not _says_a_count(context):
        return False
    return not (terms.who or terms.name) or _names_someone(context, terms)


def _says_a_count(context: str) -> bool:
    counted = vocabulary().shapes.get("how many")
    return counted is None or counted.search(context) is not None


# Auxiliary verbs that open a question asking for a yes or a no.
_YES_NO = frozenset(("is", "are", "was", "were", "am", "do", "does", "did", "has", "have", "had",
                     "can", "could", "will", "would", "should"))  # fmt: skip


def _yes_no(question: str) -> bool:
    """Whether the question asks for a yes or a no: opened by an auxiliary verb."""
    opening = question.strip().split(" ", 1)[0].lower()
    return opening in _YES_NO


def _says_what_is_asked(terms: Terms, context: str, said: set[str]) -> bool:
    """Whether a sentence covering the stems `said` says what the question asks, beyond whom
    it asks about: more than its names (a where-question may be answered by a place named
    there: "Where does Denise work?" beside "User's mentor at Hooli was Denise Laurent"), the
    kind it asks for or something named ("Which garage …?"), and every word of the noun it
    asks for ("When is Sam's *birthday*?")."""
    if _only_names(terms, said) and not (terms.where and _names_someone(context, terms)):
        return False
    if _only_shapes(terms, said):
        return False
    if any(t.kind and t.stem not in said for t in terms.terms):
        if not _names_someone(context, terms):
            return False
        if not all(stem in said or _continues(context, {stem}) for stem in terms.narrowing):
            return False  # "User's preferred airline is KLM" for "Which hotel chain ...?"
    return all(f in said for f in terms.focus)


def _amount_says(stem: str, context: str) -> bool:
    """Whether an amount in `context` says the money noun `stem` asked for ("1.69% per
    transaction" tells the fee): not when the sentence names another money noun, whose
    amount it would be ("Rent is £2,160" does not tell the deposit)."""
    vocab = vocabulary()
    if stem not in vocab.said_by_amount or vocab.amount_said is None:
        return False
    alike = {stem} | vocab.groups.get(stem, frozenset())
    named = {_stem(w) for w in search_words(context)} & vocab.said_by_amount
    return not named - alike and vocab.amount_said.search(context) is not None


def _only_shapes(terms: Terms, said: set[str]) -> bool:
    """Whether the terms a sentence covers are only words of the shape asked, while the
    question asks it of something: "How much did the crate cost?" is not answered by "adoption
    fee is £275", nor "What's my dad's phone number?" by the instructor's."""
    about = {t.stem for t in terms.terms if t.shape is None}
    return bool(about) and not said & about


def _only_names(terms: Terms, said: set[str]) -> bool:
    """Whether the terms a sentence covers are only the question's names, while it asks more
    of them ("What gift would Sam like?" beside "User's partner is Sam Whitaker"): a rare name
    weighs enough to pass alone, but the sentence does not say what is asked of it."""
    named = terms.named
    asked = {t.stem for t in terms.terms if t.shape is None and not t.kind} - named
    return bool(named) and bool(asked) and not (said - named)


def _relief(terms: Terms, context: str, said: set[str]) -> float:
    """`TYPED_RELIEF` when the sentence holds a value of the kind the question asks for (a
    "who" sentence names someone and a shaped term is covered before this is asked) and says
    more of the question than its names (`said`: the stems covered), else 0: "Who plays golf
    at Northwind?" is not answered by "I work at Northwind"."""
    if not said - terms.named:
        return 0.0
    if terms.who or any(t.shape is not None for t in terms.terms):
        return TYPED_RELIEF
    if terms.where and _names_someone(context, terms):
        return TYPED_RELIEF
    return 0.0


def _said_as(question: str, terms: Terms) -> dict[str, str]:
    """Each term's word as the question says it ("appointments" for the stem "appointme"):
    what is compared by meaning."""
    in_names = terms.named
    said = {(w if w in in_names else _stem(w)): w for w in search_words(question)}
    return {t.stem: said.get(t.stem, t.stem) for t in terms.terms}


def _weights(tables: Tables, terms: Terms) -> dict[str, float]:
    """Each term's weight: its rarity among the stored sentences (idf)."""
    words_only = [t for t in terms.terms if t.shape is None or t.stem not in vocabulary().stop]
    total, counted = tables.passage_frequency([t.stem for t in words_only])
    frequency = {t.stem: counted.get(t.stem, 0) for t in words_only}
    return _weighed(terms, words_only, total, frequency)


def _weighed(
    terms: Terms, counted: list[Term], total: int, frequency: dict[str, int]
) -> dict[str, float]:
    """Each term's idf among `total` sentences; a term not `counted` (a shape word that is
    also a stop word, "when") weighs as much as the counted ones on average."""
    weights = [_idf(total, frequency[t.stem]) for t in counted]
    typical = sum(weights) / len(weights) if weights else 1.0
    said = [_idf(total, frequency[t.stem]) for t in counted if frequency[t.stem]]
    rarest = max(said, default=None)
    out = {}
    for t in terms.terms:
        w = _idf(total, frequency[t.stem]) if t.stem in frequency else typical
        if (
            rarest is not None
            and t.stem in frequency
            and not frequency[t.stem]
            and t.stem not in terms.focus
            and not t.kind
            and t.stem in terms.participles
        ):
            w = min(w, rarest)
        out[t.stem] = w
    return out


def _distinct_episodes(scored: list[tuple[float, PassageRow]]) -> list[tuple[float, PassageRow]]:
    seen: set[int] = set()
    out = []
    for score, hit in scored:
        if hit.episode_id not in seen:
            seen.add(hit.episode_id)
            out.append((score, hit))
    return out


def _passage(
    score: float, hit: PassageRow, episode: EpisodeRow | None, found_by: str
) -> dict[str, Any]:
    """A passage as a read shows it; `found_by` says how: "words" (it says the question's
    words), "meaning" (words close in meaning) or "alike" (said later about the same thing as
    a passage found)."""
    item: dict[str, Any] = {
        "text": _in_context(hit.text, episode.text if episode else hit.text),
        "sentence": hit.text,
        "score": round(score, 3),
        "passage_id": hit.id,
        "episode_id": hit.episode_id,
        "found_by": found_by,
    }
    if episode is not None:
        item |= {
            "kind": episode.kind,
            "write_id": episode.write_id,
            "recorded_at": episode.recorded_at,
            "occurred_at": episode.occurred_at,
        }
    return item


@lru_cache(maxsize=32)
def episode_sentences(text: str) -> tuple[str, ...]:
    """An episode's sentences, split once for all the passages looked at in it: a batch of a
    thousand lines was split again for each of them (~10 ms each, 20 per read)."""
    return tuple(split_sentences(text))


def _in_context(sentence: str, text: str) -> str:
    """The sentence with its neighbours in the episode, while they fit in CONTEXT_CHARS (the
    answer is often the next sentence: "My sister is Maya. She is a midwife.")."""
    if len(text) <= CONTEXT_CHARS:
        return text.strip()
    sentences = episode_sentences(text)
    folded = fold(sentence)
    index = next((i for i, s in enumerate(sentences) if fold(s) == folded), None)
    if index is None:
        return sentence
    start, end = index, index + 1
    while True:
        grown = False
        for lo, hi in ((start, end + 1), (start - 1, end)):
            fits = lo >= 0 and hi <= len(sentences)
            if fits and len(" ".join(sentences[lo:hi])) <= CONTEXT_CHARS:
                start, end, grown = lo, hi, True
                break
        if not grown:
            return " ".join(sentences[start:end])


MAX_LABEL_WORDS = 4
MAX_ITEM_WORDS = 8
_COUNTED = lazy_compile(r"^\W*how\s+many\b", re.IGNORECASE)
_ITEM_SEPARATORS = lazy_compile(r",\s*(?:and\s+|or\s+)?|;\s*|\s+and\s+|\s+or\s+")
# A list typed as one: an item a line, or each after a bullet ("- ", "• ") or a number ("1. ",
# "2) "). Its items are set apart by those alone: a comma is then inside an item.
_BULLETS = lazy_compile(r"(?:^|\s)(?:[-*\u2022]|\d{1,2}[.)])\s+(?=\S)|\s*\n\s*")


def listed(question: str, sentence: str) -> list[str]:
    """The items a sentence lists after a colon, for a "how many" question: "Still to buy:
    crate, martingale collar, fleece, slow feeder bowl" -> four items. Commas inside brackets
    ("Aire View Court (Anchor, Skipton)") belong to their item. [] when the question does not
    ask how many, the sentence lists nothing, or it gives a number of its own for the count
    ("Bupa covers 10 physio sessions: ...")."""
    if not _COUNTED.match(question):
        return []
    head, colon, tail = sentence.partition(":")
    label = search_words(head)
    # A list is introduced by a short label ("Still to buy", "Shortlist"), not by a note's
    # own ("Correction: ... increased the order to 60 mugs, and delivery moved ...").
    if not colon or not label or len(label) > MAX_LABEL_WORDS or any(c.isdigit() for c in head):
        return []
    if set(label) <= vocabulary().labels:
        return []
    # A full stop before a word in small letters ends the list where a casual writer goes on
    # ("…, nephrology consult. the urine jug thing, ugh."), which the sentence split keeps.
    return items_in(_CASUAL_STOP.split(tail, maxsplit=1)[0])


_CASUAL_STOP = re.compile(r"(?<!\d)\.\s+(?=[a-z])")  # not "1. a Telrad finder"


def asks_how_many(question: str) -> bool:
    return _COUNTED.match(question) is not None


def items_in(text: str) -> list[str]:
    """The things `text` lists, separated by commas, semicolons, "and" or "or" ("crate,
    martingale collar and fleece"): [] for fewer than two, or parts too long to be things."""
    tail = text.strip().rstrip(".!")
    typed = [i.strip() for i in _BULLETS.split(tail) if i.strip()]
    if len(_BULLETS.findall(tail)) >= 2 and len(typed) >= 2:
        return typed if all(len(i.split()) <= MAX_ITEM_WORDS for i in typed) else []
    flat: list[str] = []
    depth = 0
    for c in tail:
        if c in "([":
            depth += 1
        elif c in ")]" and depth:
            depth -= 1
        flat.append("\0" if depth and c in ",;" else c)  # a comma inside brackets stays
    items = [i.replace("\0", ",").strip() for i in _ITEM_SEPARATORS.split("".join(flat))]
    items = [i for i in items if i]
    if len(items) < 2 or any(len(i.split()) > MAX_ITEM_WORDS for i in items):
        return []  # clauses, not things listed
    return items


_ASKS_A_DATE = frozenset(("when", "date", "day", "dates", "days"))


def dates_in(passage: dict[str, Any], text: str) -> list[Span]:
    """The dates `text`, of `passage`, says (the engine's date reader's spans), resolved
    against the day the passage was said; [] when that day is not known."""
    from xmemory_engine.minds.rules.text import find_values  # the engine's date reader

    when = str(passage.get("occurred_at") or passage.get("recorded_at") or "")[:10]
    try:
        said_on = date.fromisoformat(when)
    except ValueError:
        return []
    return [v for v in find_values(text, said_on) if v.kind == "date"]


def dates_said(question: str, passages: list[dict[str, Any]]) -> list[str]:
    """For a question asking when, the dates the passages' sentences give, as ISO dates
    resolved against the day each was said ("due 4 Dec 2026" -> 2026-12-04, "next Tuesday"
    said on 2026-12-01 -> 2026-12-08), unless a sentence already says it so. [] otherwise."""
    if not _ASKS_A_DATE & {t.stem for t in question_terms(question).terms}:
        return []
    out: list[str] = []
    for passage in passages:
        sentence = str(passage.get("sentence") or "")
        for value in dates_in(passage, sentence):
            iso = str(value.value)
            if iso not in sentence and iso not in out:
                out.append(iso)
    return out
