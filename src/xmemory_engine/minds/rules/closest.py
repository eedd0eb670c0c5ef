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
from xmemory_engine.minds.rules.prose import describe_rows
from xmemory_engine.minds.rules.question import Question
from xmemory_engine.minds.rules.schema_map import (
    SchemaMap,
    date_fields,
    field_for,
    notes_field,
    text_fields,
)
from xmemory_engine.minds.rules.sql import contains, contains_words
from xmemory_engine.minds.rules.text import quote_ident, quote_sql, singular, words
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


def weights(candidates: Sequence[Candidate], total: int, size: int) -> list[float]:
    """Each word's weight: log((N + 1) / (n + 0.5)), N the records searched, n those holding
    the word; a word no record holds weighs the most any word can."""
    held = [sum(c.holds[i] for c in candidates) for i in range(size)]
    return [math.log((total + 1) / (n + 0.5)) for n in held]


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
