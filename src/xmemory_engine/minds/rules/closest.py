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
from collections.abc import Collection, Sequence
from dataclasses import dataclass

SHARE = 0.5
"""Share of the question's weight (its names' and words') the record must hold."""


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
