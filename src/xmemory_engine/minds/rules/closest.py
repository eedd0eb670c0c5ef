"""The one record closest to a question no record holds every word of: weighed by rarity.

"When is the team Christmas lunch?" and the memory holds an event "staff Christmas lunch"
with its date. No record holds every word asked,
so the all-words search finds nothing, yet one record holds the words that single out what is
asked. Each word counts by how rare it is among the records (its inverse document frequency,
as a search engine weighs terms), a word no record holds counting as the rarest: a record
must hold every name asked, the noun the question asks of ("exam" in "the JLPT exam"), and
at least `SHARE` of the question's weight, and hold it alone.

"When is the team dinner?" beside "team meeting" fails: "dinner" is what is asked of, and it
is held by nothing (and so weighs most, "team" less than half). Chosen so, a record is no proof: the
answer says which words it holds and which not, so the reader can check.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from xmemory_engine.minds.base import Answer, SqlRunner
from xmemory_engine.minds.rules.names import TITLES
from xmemory_engine.minds.rules.prose import describe_rows
from xmemory_engine.minds.rules.question import Question
from xmemory_engine.minds.rules.schema_map import (
    SchemaMap,
    date_fields,
    field_for,
    name_field,
    notes_field,
    text_fields,
)
from xmemory_engine.minds.rules.speaker import USER_NAME
from xmemory_engine.minds.rules.sql import contains, contains_words
from xmemory_engine.minds.rules.text import (
    STOPWORDS,
    lexicon,
    quote_ident,
    quote_sql,
    singular,
    split_sentences,
    words,
)
from xmemory_engine.schema import ObjectSpec

SHARE = 0.5
"""Share of the question's weight (its names' and words') the record must hold."""
LONG_VALUE = 10
"""Words from which a value is free text (a sentence kept, notes gathered), not one value."""
CANDIDATES = 200  # records read per type, holding any word asked


@dataclass(frozen=True)
class Candidate:
    """A record holding some of the words asked: which of them (one flag per word, in the
    question's order), and whether it holds a value of the kind asked ("when": a date)."""

    key: tuple[str, str]  # (table, xuid)
    holds: tuple[bool, ...]
    answers: bool


def weights(
    candidates: Sequence[Candidate], total: int, size: int, free: Collection[int] = ()
) -> list[float]:
    """Each word's weight: log((N + 1) / (n + 0.5)), N the records searched, n those holding
    the word; a word no record holds weighs the most any word can, unless it is one of
    `free` (by index: a word the question may say without any record saying it), which then
    weighs nothing."""
    held = [sum(c.holds[i] for c in candidates) for i in range(size)]
    return [
        0.0 if n == 0 and i in free else math.log((total + 1) / (n + 0.5))
        for i, n in enumerate(held)
    ]


def closest(
    candidates: Sequence[Candidate], total: int, size: int, required: Collection[int]
) -> Candidate | None:
    """Of the records holding a value of the kind asked, the one holding the most weight,
    when it holds every `required` word (by index: the names asked, the noun asked of) and
    at least `SHARE` of all the weight; None when none does or two hold as much."""
    if size == 0:
        return None
    weight = weights(candidates, total, size)
    whole = sum(weight)
    scored = sorted(
        (
            (sum(w for w, h in zip(weight, c.holds, strict=True) if h), c)
            for c in candidates
            if c.answers
        ),
        key=lambda s: -s[0],
    )
    if not scored:
        return None
    best_score, best = scored[0]
    if len(scored) > 1 and scored[1][0] >= best_score - 1e-9:
        return None  # two records hold as much: either could be meant
    if not all(best.holds[i] for i in required) or best_score < SHARE * whole:
        return None
    return best


async def closest_record(
    q: Question, values: list[str], mapped: SchemaMap, run: SqlRunner, *, about: str
) -> Answer | None:
    """The rules answerer's read of `closest`: when no record holds every name and word
    asked, the one that holds the names and the rarer part of the words, with a notice
    saying what it does not hold (`Answer.partial`). Its values (not its notes) must hold
    them, and a value of the kind asked: a date for "when", a place for "where", a person's
    record for "who". `values`: the names it must hold. None for a count, a total, a yes/no question, "which …" (one of
    several alike), two questions in one, or a plural noun asked of."""
    keywords = list(dict.fromkeys(q.keywords))
    said = words(q.lowered)
    if q.count or q.yes_no or q.aggregate or not keywords:
        return None
    if said[:1] == ["which"] or sum(w in _WH_WORDS for w in said) > 1:
        return None  # "Which quote was cheapest?", "When …, and who …?"
    head = _asked_of(q, said, values, keywords)
    if head is None:
        return None
    specs: list[tuple[ObjectSpec, list[str], str]] = []
    for spec in mapped.schema.objects.values():
        # Not the text kept as said (notes, a note's content): what was understood.
        kept = {notes_field(spec, set(spec.primary_key)), field_for(spec, "content", ("str",))}
        fields = [f"t.{quote_ident(c)}" for c in text_fields(spec) if c not in kept]
        answering = _answering_columns(q, mapped, spec)
        if fields and answering is not None:
            held = [_held(fields, contains_words, v) for v in values]
            held += [_held(fields, contains, k) for k in keywords]
            answers = " OR ".join(f"t.{quote_ident(c)} IS NOT NULL" for c in answering)
            specs.append((spec, held, answers or "1"))
    if not specs:
        return None
    counted = " + ".join(f"(SELECT count(*) FROM {quote_ident(s.table)})" for s, _, _ in specs)
    counts = await run(f"SELECT {counted}")
    total = int(counts.rows[0][0] or 0) if counts.rows else 0
    candidates: list[Candidate] = []
    for spec, held, answers in specs:
        flags = ", ".join(f"{h} AS h{i}" for i, h in enumerate(held))
        table = await run(
            f"SELECT t.xuid, ({answers}) AS answers, {flags} "
            f"FROM {quote_ident(spec.table)} AS t WHERE {' OR '.join(held)} LIMIT {CANDIDATES}"
        )
        candidates += [
            Candidate(
                key=(spec.name, str(row[0])),
                holds=tuple(bool(v) for v in row[2:]),
                answers=bool(row[1]),
            )
            for row in table.rows
        ]
    asked = [*values, *keywords]
    best = closest(candidates, total, len(asked), required={*range(len(values)), head})
    if best is None:
        return None
    spec = mapped.schema.objects[best.key[0]]
    table = await run(
        f"SELECT t.* FROM {quote_ident(spec.table)} AS t WHERE t.xuid = {quote_sql(best.key[1])}"
    )
    terms = [*values, *q.terms] if len(q.terms) == len(keywords) else asked
    holding = [t for t, h in zip(terms, best.holds, strict=True) if h]
    lacking = [t for t, h in zip(terms, best.holds, strict=True) if not h]
    notice = (
        f"No record holds every word asked; this one holds {', '.join(holding)} but not "
        f"{', '.join(lacking)}: check it is the one meant."
    )
    prose = describe_rows(table, spec)
    return Answer(tables=[table], answer=prose, notice=notice, about=about, partial=True)


def _held(fields: list[str], holds: Callable[[str, str], str], word: str) -> str:
    """SQL true when one of `fields` holds `word` in a value of fewer than LONG_VALUE words:
    one value understood, not a sentence kept as it was said."""
    short = "length({f}) - length(replace({f}, ' ', '')) < " + str(LONG_VALUE - 1)
    return "(" + " OR ".join(f"({holds(f, word)} AND {short.format(f=f)})" for f in fields) + ")"


def _asked_of(q: Question, said: list[str], values: list[str], keywords: list[str]) -> int | None:
    """Which of `values` + `keywords` (by index) is the noun the question asks of: the last
    of the first run of words asked ("the team Christmas *lunch*", "the Wi-Fi *password* at
    Loomhouse"); None when it is plural (several are asked) or not found."""
    of: dict[str, int] = {}
    for i, value in enumerate(values):
        for w in words(value.lower()):
            of.setdefault(w, i)
    if len(q.terms) == len(keywords):
        for i, term in enumerate(q.terms):
            of.setdefault(term.lower(), len(values) + i)
    start = next((i for i, w in enumerate(said) if w in of), None)
    if start is None:
        return None
    end = start
    while end + 1 < len(said) and said[end + 1] in of:
        end += 1
    head = said[end]
    if of[head] >= len(values) and singular(head) != head:
        return None
    return of[head]


def _answering_columns(q: Question, mapped: SchemaMap, spec: ObjectSpec) -> list[str] | None:
    """The fields of `spec` one of which must hold a value for a record to answer the kind
    of question asked ("when": its dates), [] when any record may, None when no record of
    `spec` can ("who" asks for a person)."""
    if _ASKS_WHEN.match(q.lowered):
        return date_fields(spec) or None
    if _ASKS_WHERE.match(q.lowered):
        place = field_for(spec, "location", ("str",))
        return [place] if place else None
    if q.who:
        return [] if spec in mapped.of_kind("person") else None
    return []


# What a question asks for, when it names no field: a day, a place.
_ASKS_WHEN = re.compile(r"\s*(?:when|what\s+(?:date|day|time))\b")
_ASKS_WHERE = re.compile(r"\s*where\b")
_WH_WORDS = frozenset(("what", "when", "where", "who", "whom", "whose", "which", "why", "how"))


# -- who did what: the person a sentence of their record says it of --------------------------

DOER_SHARE = 0.5
"""Share of the question's weight the sentence naming the one asked for must hold."""

# "Who did I ask …?", "Who does Dara report to?", "Whom will we meet …?": the one asked for
# is whom the deed is done to or with, named after it; "Who is bringing …?", "Who said …?"
# ask who does it, named before it.
_DONE_TO = re.compile(
    r"^\s*whom?\s+(?:do|does|did|will|would|should|can|could|shall|have|has|had)\s+"
    r"(?!\w+ing\b)\w+",
    re.IGNORECASE,
)
_THIRD_PERSON = re.compile(r"\b(?:he|she|they|him|her|them)\b", re.IGNORECASE)
_WHO = re.compile(r"^\s*whom?\b", re.IGNORECASE)
_DOES = re.compile(r"^\s*who\s+(?!(?:is|are|was|were)\s+(?!\w+ing\b))\w+", re.IGNORECASE)


async def closest_doer(
    q: Question, values: list[str], mapped: SchemaMap, run: SqlRunner, *, about: str
) -> Answer | None:
    """ "Who is bringing the trophy to the pub?" and no one's role or relation says it: the one
    person named in a sentence of their record's notes that holds the names asked and at
    least `DOER_SHARE` of the words' weight (rarer words weigh more, as in `closest`), where
    that sentence names no one else, or names whom the question's shape asks for before the
    deed ("Who said …") or after it ("Who did I ask …"). The answer is marked `partial` and
    quotes the sentence in its notice, so the engine weighs it against what was said. None
    when no sentence does, or two people are found alike."""
    person = mapped.first("person")
    keywords = list(dict.fromkeys(q.keywords))
    if person is None or not _WHO.match(q.text) or q.count or q.yes_no or q.aggregate:
        return None
    name_of = name_field(person, "person")
    notes = notes_field(person, set(person.primary_key))
    if name_of is None or notes is None or len(keywords) < 2:  # one word is no deed
        return None
    table_name, name_col = quote_ident(person.table), f"t.{quote_ident(name_of)}"
    notes_col = f"t.{quote_ident(notes)}"
    held = [contains(notes_col, k) for k in keywords]
    flags = ", ".join(f"{h} AS h{i}" for i, h in enumerate(held))
    not_user = f"lower(coalesce({name_col}, '')) <> {quote_sql(USER_NAME.lower())}"
    found = await run(
        f"SELECT t.xuid, {name_col}, {notes_col}, {flags} FROM {table_name} AS t "
        f"WHERE {not_user} AND ({' OR '.join(held)}) LIMIT {CANDIDATES}"
    )
    if not found.rows:
        return None
    everyone = await run(
        f"SELECT {name_col} FROM {table_name} AS t WHERE {not_user} LIMIT {CANDIDATES * 5}"
    )
    named = [str(r[0]) for r in everyone.rows if r[0]]
    total = len(named)
    candidates = [
        Candidate(key=("", str(r[0])), holds=tuple(bool(v) for v in r[3:]), answers=True)
        for r in found.rows
    ]
    weight = weights(candidates, total, len(keywords), _adjuncts(q, keywords))
    whole = sum(weight)
    scored: dict[str, tuple[float, str]] = {}  # xuid -> (score, sentence)
    for row in found.rows:
        name = str(row[1] or "")
        for sentence in split_sentences(str(row[2] or "")):
            text, spaced = sentence.text, _spaced(sentence.text)
            if any(_name_at(text, v) is None for v in values):
                continue
            if _doer(text, spaced, keywords, named, q.text, name) != name:
                continue
            score = sum(w for w, k in zip(weight, keywords, strict=True) if _opens(spaced, k))
            if score > scored.get(str(row[0]), (0.0, ""))[0]:
                scored[str(row[0])] = (score, text)
    ranked = sorted(scored.items(), key=lambda kv: -kv[1][0])
    if not ranked or ranked[0][1][0] < DOER_SHARE * whole:
        return None
    if len(ranked) > 1 and ranked[1][1][0] >= ranked[0][1][0] - 1e-9:
        return None  # two people said alike: either could be meant
    xuid, (_, said) = ranked[0]
    table = await run(f"SELECT t.* FROM {table_name} AS t WHERE t.xuid = {quote_sql(xuid)}")
    if not table.rows:
        return None
    name = str(table.rows[0][table.columns.index(name_of)])
    notice = f"No one is stored as doing this; found by what was said of {name}: “{said}”"
    return Answer(tables=[table], answer=f"{name}.", notice=notice, about=about, partial=True)


_PREPOSITIONS = lexicon("answer.adjunct_prepositions")


def _adjuncts(q: Question, keywords: list[str]) -> set[int]:
    """The indexes of the words asked that say where, when or with what the deed is done ("to
    *the pub*", "on *Christmas Eve*"): a preposition comes before them, after the deed and
    what it is done to (the first two words asked). A sentence telling the deed rarely says
    them too, so when no one's does, they are no evidence against the one that tells it."""
    if len(q.terms) != len(keywords):
        return set()
    said = words(q.lowered)
    at = {t.lower(): said.index(t.lower()) for t in q.terms if t.lower() in said}
    order = sorted(range(len(keywords)), key=lambda i: at.get(q.terms[i].lower(), 0))
    out: set[int] = set()
    for n, i in enumerate(order[2:], start=2):
        before = at.get(q.terms[order[n - 1]].lower(), 0)
        here = at.get(q.terms[i].lower(), 0)
        if out or any(w in _PREPOSITIONS for w in said[before + 1 : here]):
            out.add(i)
    return out


def _spaced(text: str) -> str:
    """`text` lowered, each mark made a space, with a space before: words to test openings of.
    Mark for mark, so a word's place in it is its place in `text` (less the space before),
    as `_doer` compares it with where names are said."""
    return " " + re.sub(r"[^\w]", " ", text.lower())


def _opens(spaced: str, stem_: str) -> bool:
    """Whether `stem_` opens a word of a `_spaced` text (as `sql.contains` tests in SQL)."""
    return " " + stem_.lower() in spaced


def _name_at(text: str, name: str) -> int | None:
    """Where `text` first says a word of `name` (not a title), as a whole word; None if not."""
    spots = []
    for part in re.findall(r"[^\W\d_][\w\-'\u2019]*", name):
        if len(part) < 2 or part.lower() in TITLES or part.lower() in STOPWORDS:
            continue
        m = re.search(rf"(?<![\w\-]){re.escape(part)}(?![\w\-])", text)
        if m is not None:
            spots.append(m.start())
    return min(spots) if spots else None


def _doer(
    text: str, spaced: str, keywords: list[str], named: list[str], question: str, owner: str
) -> str | None:
    """Whom of the people `named` the sentence `text` (of `owner`'s notes; `spaced`, as
    `_spaced` gives it) says the question's deed of: the only one it names; `owner`, when it names no one and says "he", "she" or "they"
    (the sentence was filed under them for it); else the one named nearest before (who does
    it) or after (whom it is done to) the first word asked it says; None when the question's
    shape does not say which."""
    spots = {n: at for n in named if (at := _name_at(text, n)) is not None}
    if len(set(spots.values())) != len(spots):  # two records named by one word
        return None
    if len(spots) == 1:
        return next(iter(spots))
    if not spots:
        return owner if _THIRD_PERSON.search(text) else None
    hits = [spaced.find(" " + k.lower()) for k in keywords if _opens(spaced, k)]
    if not hits:
        return None
    deed = min(hits)
    if _DONE_TO.match(question):
        after = [(at, n) for n, at in spots.items() if at > deed]
        return min(after)[1] if after else None
    if _DOES.match(question):
        before = [(at, n) for n, at in spots.items() if at < deed]
        return max(before)[1] if before else None
    return None
