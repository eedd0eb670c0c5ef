"""Scores: field-level precision/recall/F1 of extraction (objects aligned one to one), answer
accuracy, and schema-design field recall. Matching is lenient about form (case, punctuation,
plurals, "12,500" vs 12500.0, a name inside a longer name) and strict about content."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from xmemory_engine.minds.base import Answer, Extraction
from xmemory_engine.schema import Schema

ANY = "*"
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")
_NOT_WORD = re.compile(r"[^\w@.+:/-]+")


@dataclass
class Counts:
    """True positives against predicted and expected totals."""

    tp: int = 0
    predicted: int = 0
    expected: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.predicted += other.predicted
        self.expected += other.expected

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


# -- values ------------------------------------------------------------------------------------


def tokens(value: Any) -> list[str]:
    """A value as comparable words: case-folded, punctuation dropped, plurals singular."""
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (int, float)):
        return [number_text(float(value))]
    text = _DIGIT_COMMA.sub("", str(value).casefold().replace("\u2019", "'"))
    words = [w.strip(".:-/") for w in _NOT_WORD.split(text)]
    return [_singular(number_text(float(w)) if _is_number(w) else w) for w in words if w]


def number_text(x: float) -> str:
    return str(int(x)) if x.is_integer() else f"{x:g}"


def value_matches(expected: Any, got: Any) -> bool:
    """`got` is what `expected` says: same words, or one naming the other ("Atlas" / "Atlas
    project"); numbers and booleans compare by value; "*" accepts anything non-empty."""
    if got is None or got == "":
        return False
    if expected == ANY:
        return True
    if isinstance(expected, bool) or isinstance(got, bool):
        return tokens(expected) == tokens(got)
    want, have = tokens(expected), tokens(got)
    if not want or not have:
        return False
    if want == have:
        return True
    if all(_is_number(w) for w in want) or all(_is_number(h) for h in have):
        return False
    shorter, longer = sorted((want, have), key=len)
    return _contains(longer, shorter)


def text_mentions(text: str, expected: str) -> bool:
    """`text` mentions `expected` (or one of its "a|b" alternatives) as whole words."""
    have = tokens(text)
    return any(_contains(have, tokens(alt)) for alt in expected.split("|") if tokens(alt))


# -- extraction --------------------------------------------------------------------------------


def score_extraction(
    expected_objects: list[dict[str, Any]],
    expected_relations: list[dict[str, Any]],
    got: Extraction,
    schema: Schema,
) -> tuple[Counts, Counts, list[str]]:
    """Field counts, relation counts, and what was missed or wrong (for --verbose)."""
    fields = Counts(expected=sum(len(o["values"]) for o in expected_objects))
    fields.predicted = sum(len(o.values) for o in got.objects)
    notes: list[str] = []
    pairs = align(expected_objects, got)
    for gi, expected in enumerate(expected_objects):
        pi = pairs.get(gi)
        values = got.objects[pi].values if pi is not None else {}
        for name, want in expected["values"].items():
            if value_matches(want, values.get(name)):
                fields.tp += 1
            else:
                notes.append(f"{expected['type']}.{name}: want {want!r}, got {values.get(name)!r}")
    for pi, obj in enumerate(got.objects):
        if pi not in pairs.values():
            notes.append(f"extra {obj.object_type}: {obj.values}")

    labels = {o.ref: label(schema, o.object_type, o.values) for o in got.objects}
    relations = Counts(expected=len(expected_relations), predicted=len(got.relations))
    unmatched = list(got.relations)
    for want in expected_relations:
        hit = next(
            (
                r
                for r in unmatched
                if r.relation_type == want["type"]
                and all(
                    value_matches(name, labels.get(r.endpoints.get(role, "")))
                    for role, name in want["endpoints"].items()
                )
            ),
            None,
        )
        if hit is None:
            notes.append(f"missing relation {want['type']} {want['endpoints']}")
        else:
            relations.tp += 1
            unmatched.remove(hit)
    return fields, relations, notes


def align(expected: list[dict[str, Any]], got: Extraction) -> dict[int, int]:
    """Expected object index -> extracted object index, one to one, most shared fields first."""
    candidates = []
    for gi, want in enumerate(expected):
        for pi, obj in enumerate(got.objects):
            if obj.object_type != want["type"]:
                continue
            shared = sum(value_matches(v, obj.values.get(k)) for k, v in want["values"].items())
            if shared:
                candidates.append((shared, -pi, gi, pi))
    pairs: dict[int, int] = {}
    for _, _, gi, pi in sorted(candidates, reverse=True):
        if gi not in pairs and pi not in pairs.values():
            pairs[gi] = pi
    return pairs


def label(schema: Schema, object_type: str, values: dict[str, Any]) -> Any:
    """What names a record: its primary key, else a name/title field, else its first value."""
    try:
        spec = schema.object(object_type)
    except KeyError:
        return None
    for key in (*spec.primary_key, "name", "title", "reference"):
        if values.get(key) not in (None, ""):
            return values[key]
    return next(iter(values.values()), None)


# -- answers -----------------------------------------------------------------------------------


def answer_correct(expect: list[str], expect_none: bool, answer: Answer) -> tuple[bool, bool]:
    """(the prose is right, the rows are right)."""
    rows = [cell for table in answer.tables for row in table.rows for cell in row]
    if expect_none:
        # A mind answers "nothing" with no rows; the engine says "nothing stored about ..."
        # (minds/base.py's contract since episodes and passages).
        nothing = not rows
        return nothing, nothing
    prose = answer.answer or ""
    cells = " ".join(str(c) for c in rows if c is not None)
    return (
        all(text_mentions(prose, e) for e in expect),
        all(text_mentions(cells, e) for e in expect),
    )


# -- design ------------------------------------------------------------------------------------


def score_design(expect: dict[str, list[str]], got: Schema) -> tuple[Counts, Counts, list[str]]:
    """(object recall counts, field recall counts, misses); names match by any alias."""
    objects = Counts(expected=len(expect), predicted=len(got.objects))
    fields = Counts(expected=sum(len(f) for f in expect.values()))
    notes: list[str] = []
    used: set[str] = set()
    for aliases, wanted in expect.items():
        match = next((n for n in got.objects if n not in used and _name_matches(aliases, n)), None)
        if match is None:
            notes.append(f"missing object {aliases}")
            continue
        used.add(match)
        objects.tp += 1
        have = list(got.objects[match].fields)
        for field_aliases in wanted:
            if any(_name_matches(field_aliases, f) for f in have):
                fields.tp += 1
            else:
                notes.append(f"{match}: missing field {field_aliases} (has {', '.join(have)})")
    return objects, fields, notes


def _name_matches(aliases: str, name: str) -> bool:
    return _fold_name(name) in {_fold_name(a) for a in aliases.split("|")}


def _fold_name(name: str) -> str:
    folded = re.sub(r"[^a-z0-9]", "", name.lower())
    return folded[:-1] if folded.endswith("s") and len(folded) > 3 else folded


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return word not in ("nan", "inf", "infinity")


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word.isalpha():
        return word[:-1]
    return word


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))
