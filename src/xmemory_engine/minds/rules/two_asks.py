"""Questions that ask two things: "Who gives me lifts to rehearsal, and what's his number?".

The second ask often points back at the first's answer ("his", "she", "it"). Each is read as a
question of its own, the second with its pronoun replaced by the name the first was answered
with, and the two answers are given together; when either has no record to rest on, the
question is read whole as before (`answer.RulesAnswerer`).
"""

from __future__ import annotations

import re

_WH = r"(?:who|whom|whose|what|when|where|which|why|how)"
_TWO_ASKS = re.compile(
    rf"^\s*(?P<first>{_WH}\b[^?]*?),?\s+and\s+(?P<second>{_WH}\b[^?]*?)\s*\??\s*$",
    re.IGNORECASE,
)
# A third person's pronoun, and whether it owns what follows ("his number", "her job").
_POINTING = re.compile(r"\b(?P<word>he|she|they|him|them|his|hers|their|it|its|her)\b", re.I)
_OWNING = frozenset(("his", "their", "its"))
_PEOPLE = frozenset(("he", "she", "they", "him", "them", "his", "hers", "their", "her"))
# What may follow "her" when it is no owner ("ask her about", "is her", "with her?").
_AFTER_OBJECT = re.compile(r"\s*(?:$|[?,.;]|(?:about|for|to|with|from|at|on|in|by|and|or)\b)")


def two_asks(question: str) -> tuple[str, str] | None:
    """The two questions a question joined by "and" asks, each as its own, or None."""
    m = _TWO_ASKS.match(question)
    if m is None:
        return None
    return f"{m.group('first').strip()}?", f"{m.group('second').strip()}?"


def points_back(question: str) -> bool:
    """Whether a question says a third person's pronoun ("what's his number?")."""
    return _POINTING.search(question) is not None


def named_back(question: str, name: str, *, person: bool) -> str | None:
    """`question` with its one pronoun replaced by `name` ("what's his number?" -> "what's
    Dmitri Volkov's number?"); None when it points at what `name` is not (a person's
    pronoun for a thing, "it" for a person) or says more than one pronoun."""
    found = list(_POINTING.finditer(question))
    if len(found) != 1:
        return None
    m = found[0]
    word = m.group("word").lower()
    if (word in _PEOPLE) != person:
        return None
    owning = word in _OWNING or (word == "her" and not _AFTER_OBJECT.match(question, m.end()))
    said = f"{name}'s" if owning else name
    return f"{question[: m.start()]}{said}{question[m.end() :]}"
