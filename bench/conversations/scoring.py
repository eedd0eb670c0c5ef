"""Scoring one answer, one no-answer question and one expected object: pure functions.

Matching is deliberately forgiving about form and strict about content: case, Unicode
normalisation, curly apostrophes and diacritics do not matter ("Zoe Angstrom" finds
"Zoë Ångström"), but every expected entry has to be in the answer's text.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Letters that Unicode does not decompose into a base letter plus a mark, so stripping marks
# alone would leave them: the common ones in European names.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "\u0131": "i", "þ": "th"}
)
# Curly quotes and dashes, written as escapes: typed answers and stored text mix both forms.
_PUNCTUATION = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)

# How the engine says it has nothing on a question, when the read result carries no `basis`
# (engines before the basis key). Kept short and documented: each is a phrase an honest
# "I have nothing" answer uses, none is one a real answer would contain.
NOTHING_STORED = (
    re.compile(r"\bnothing\b[^.]*\b(?:is |was |has been )?stored\b"),  # "nothing stored about X"
    re.compile(r"\bno\b[^.]*\b(?:is|are|was|were) stored\b"),  # "No person named Bob is stored"
    re.compile(r"\b(?:not|isn't|aren't) stored\b"),  # "Bob's phone is not stored"
    re.compile(r"\bno records?\b"),  # "no record of a pension provider"
)


def normalize(text: str) -> str:
    """NFC, case-folded, typographic punctuation made plain, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_PUNCTUATION)
    return " ".join(text.split())


def fold(text: str) -> str:
    """`normalize` and then diacritics removed: the form compared when the plain one misses."""
    decomposed = unicodedata.normalize("NFKD", normalize(text).translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def contains(text: str, wanted: str) -> bool:
    """Whether `wanted` appears in `text`, ignoring case, then also ignoring diacritics. A
    number is found only as a whole number: "2" is not in "2026-03-09" nor in "12"."""
    if _NUMBER.fullmatch(wanted.strip()):
        pattern = rf"(?<![\d.,]){re.escape(normalize(wanted))}(?![\d]|[.,]\d)"
        return re.search(pattern, normalize(text)) is not None
    if normalize(wanted) in normalize(text):
        return True
    if fold(wanted) in fold(text):
        return True
    iso = _iso_day(wanted)
    return iso is not None and iso.search(text) is not None


_NUMBER = re.compile(r"\d[\d,.]*")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH = re.compile(
    r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>[a-z]{3})[a-z]*|(?P<m2>[a-z]{3})[a-z]*\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?"
)


def _iso_day(wanted: str) -> re.Pattern[str] | None:
    """A day said without its year ("3 February", "Feb 3") as an ISO date of any year
    ("2026-02-03"), the form a record's date field is read out in; None for anything else."""
    m = _DAY_MONTH.fullmatch(normalize(wanted))
    month = (m.group("m") or m.group("m2")) if m is not None else None
    if m is None or month not in _MONTHS:
        return None
    day = int(m.group("d") or m.group("d2"))
    return re.compile(rf"\b\d{{4}}-{_MONTHS.index(month) + 1:02d}-{day:02d}\b")


def expect_met(expect: Iterable[str], text: str) -> bool:
    """Every entry appears in `text`; an entry "a|b" is met by either alternative."""
    return all(any(contains(text, alt) for alt in entry.split("|")) for entry in expect)


def answer_text(result: Mapping[str, Any]) -> str:
    """The prose of a single-answer read result (`model_dump()` of the SDK's ReadResult)."""
    reader = result.get("reader_result")
    if isinstance(reader, Mapping):
        answer = reader.get("answer")
        return answer if isinstance(answer, str) else ""
    return reader if isinstance(reader, str) else ""


def says_nothing_stored(text: str) -> bool:
    """Whether `text` says nothing is stored about the question (see NOTHING_STORED)."""
    t = normalize(text)
    return any(p.search(t) for p in NOTHING_STORED)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """How one question went. `correct` is for answerable questions, `abstained` for
    no_answer ones; `confident_wrong` is a wrong answer given with nothing to warn the
    reader: no notice, and presented as read from records."""

    kind: str
    correct: bool
    from_records: bool
    with_passages: bool
    abstained: bool
    confident_wrong: bool
    basis: str | None
    answer: str
    notice: str | None


def score(kind: str, expect: Sequence[str], result: Mapping[str, Any]) -> Outcome:
    """Score one read result against one question's kind and expected strings.

    A missing `basis` (engines that do not report it) counts as "records", since the answer
    is presented as known, unless the answer or notice itself says nothing is stored
    (NOTHING_STORED): that is an abstention, right on a no_answer question and a plain miss,
    not a confident wrong answer, on an answerable one.
    """
    answer = answer_text(result)
    notice = result.get("notice") or None
    raw_basis = result.get("basis")
    basis = raw_basis if isinstance(raw_basis, str) else None
    effective = basis
    if basis is None and (says_nothing_stored(answer) or says_nothing_stored(notice or "")):
        effective = "nothing"
    as_records = effective in (None, "records")
    if kind == "no_answer":
        abstained = effective == "nothing"
        return Outcome(
            kind=kind,
            correct=False,
            from_records=False,
            with_passages=False,
            abstained=abstained,
            confident_wrong=not abstained and not notice and as_records,
            basis=basis,
            answer=answer,
            notice=notice,
        )
    correct = expect_met(expect, answer)
    return Outcome(
        kind=kind,
        correct=correct,
        from_records=correct and basis in (None, "records"),
        with_passages=correct and basis in (None, "records", "passages"),
        abstained=False,
        confident_wrong=not correct and not notice and as_records,
        basis=basis,
        answer=answer,
        notice=notice,
    )


def value_matches(expected: str, stored: Any) -> bool:
    """An expected object value against a stored one: "*" is any non-empty value, a value with
    "*" is a wildcard pattern ("*peanut*"), anything else must be equal ignoring case."""
    if stored is None:
        return False
    got = normalize(str(stored))
    if expected == "*":
        return bool(got)
    want = normalize(expected)
    if "*" in want:
        pattern = ".*".join(re.escape(part) for part in want.split("*"))
        return re.fullmatch(pattern, got, re.DOTALL) is not None
    return got == want


def object_found(values: Mapping[str, str], rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether some stored row of the expected type carries every expected value."""
    return any(all(value_matches(v, row.get(k)) for k, v in values.items()) for row in rows)


KEY_MISSING = "(not stored)"


def fields_missed(values: Mapping[str, str], rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """What keeps an expected object from being found: `KEY_MISSING` when no stored row of its
    type carries its first (key) value, else the fields the row carrying the most of its
    values lacks ("role", "company"); [] when it is found."""
    rows = list(rows)
    if object_found(values, rows):
        return []
    key, wanted = next(iter(values.items()))
    holding = [row for row in rows if value_matches(wanted, row.get(key))]
    if not holding:
        return [KEY_MISSING]
    best = max(
        holding, key=lambda row: sum(value_matches(v, row.get(k)) for k, v in values.items())
    )
    return [k for k, v in values.items() if not value_matches(v, best.get(k))]
