"""Two questions asked as one: "Who gives me lifts to rehearsal, and what's his number?"

Asked whole, neither the records nor the sentences said hold every word of both halves, so
nothing answers. Each half is read as its own question, the second after a pronoun in it
that points back at the person the first found is replaced by that person's name ("what's
Dmitri Volkov's number?"), and the answers are joined, each half listed in
`reader_results` with its own `sub_query`, as the wire format allows. Only when the whole
question is not answered from records: one that is ("How much is the fee and when is it
due?" beside a record holding both) keeps that answer. The whole is said to rest on records
only when both halves do; when they differ, each half's footing is said.
"""

from __future__ import annotations

import re
from typing import Any

from xmemory_engine.service.behind import a_name

_SECOND = re.compile(
    r"^(?P<first>\s*(?:who|whom|whose|what|which|when|where|how)\b.+?)\s*,?\s+and\s+"
    r"(?P<second>(?:who|whom|whose|what|which|when|where|how)\b.+)$",
    re.IGNORECASE | re.DOTALL,
)
MIN_WORDS = 3  # of the second half: "and why?" alone asks nothing it can be read for

# A pronoun in the second half that points back at whom the first found: its subject and
# object forms become the name, its possessive forms the name's.
_POINTING = re.compile(r"\b(?P<word>he|she|him|his|her|hers|they|them|their)\b", re.IGNORECASE)
_POSSESSIVE = frozenset(("his", "their"))
# "her" is possessive before a noun ("what's her job"), an object at the end ("ask her").
_HER_OWNS = re.compile(r"\bher\s+(?=[a-z])", re.IGNORECASE)
_WHO = re.compile(r"^\s*(?:who|whom|whose)\b", re.IGNORECASE)


def split(query: str) -> tuple[str, str] | None:
    """The two questions `query` asks, or None when it asks one."""
    found = _SECOND.match(query.strip())
    if found is None:
        return None
    first, second = found.group("first").strip(), found.group("second").strip()
    if len(second.split()) < MIN_WORDS:
        return None
    return (first if first.endswith("?") else f"{first}?"), second


def who_found(first: str, item: dict[str, Any]) -> str | None:
    """The person a who-question's answer from records rests on: the name of the first
    record of its evidence that is called by a name; None otherwise."""
    if not _WHO.match(first) or item.get("basis") != "records":
        return None
    for entry in item.get("evidence") or []:
        name = str(entry.get("name") or "")
        if name and a_name(name) and name.lower() != "user":
            return name
    return None


def pointed(second: str, name: str | None) -> str:
    """`second` with a pronoun pointing back replaced by `name` (possessives by "name's")."""
    if name is None:
        return second
    owns = {m.start() for m in _HER_OWNS.finditer(second)}

    def swap(found: re.Match[str]) -> str:
        word = found.group("word").lower()
        possessive = word in _POSSESSIVE or (word == "her" and found.start() in owns)
        return f"{name}'s" if possessive else name

    return _POINTING.sub(swap, second, count=1)


def joined(halves: list[tuple[str, dict[str, Any]]], read_id: str | None) -> dict[str, Any]:
    """One read result from the results of a question's halves (each with the question it
    was read as)."""
    answers = [_answer(item) for _, item in halves]
    bases = [str(item.get("basis") or "nothing") for _, item in halves]
    # Part from sentences, or only part known: not records as a whole.
    basis = bases[0] if len(set(bases)) == 1 else "passages"
    notices = []
    for (asked, item), kind in zip(halves, bases, strict=True):
        notice = item.get("notice")
        if notice or len(set(bases)) > 1:
            footing = {"records": "from records", "passages": "from what was said"}.get(
                kind, "nothing stored"
            )
            notices.append(f"“{asked}” ({footing})" + (f": {notice}" if notice else "."))
    result: dict[str, Any] = {
        "trace_id": halves[0][1].get("trace_id"),
        "reader_result": {"answer": " ".join(a for a in answers if a)},
        "reader_results": [
            {
                "sub_query": asked,
                "reader_result": item.get("reader_result"),
                "error": None,
                "notice": item.get("notice"),
            }
            for asked, item in halves
        ],
        "basis": basis,
        "evidence": [e for _, item in halves for e in item.get("evidence") or []],
        "passages": [p for _, item in halves for p in item.get("passages") or []],
    }
    if notices:
        result["notice"] = "Asked as two questions. " + " ".join(notices)
    if read_id is not None:
        result["read_id"] = read_id
    sql = [s for _, item in halves for s in item.get("sql") or []]
    if sql:
        result["sql"] = sql
    return result


def _answer(item: dict[str, Any]) -> str:
    reader = item.get("reader_result")
    if isinstance(reader, dict):
        return str(reader.get("answer") or "")
    return ""
