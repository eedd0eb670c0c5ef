"""The labeled conversations: loading, checking their shape, and the frozen test split's digest.

A conversation file holds the turns written to memory in order, the questions asked afterwards
with the strings a right answer must contain, and the objects a perfect extraction stores
(see the brief in `data/test/FROZEN.md` and the module docstring of `bench.conversations`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
SPLITS = ("dev", "test", "holdout", "holdout2", "holdout3", "holdout4", "holdout5")
# What "all" means: dev and test only. The holdout splits are scored only when named, so a
# routine `--split all --record` never spends it.
ALL = ("dev", "test")
# The splits whose files are frozen (FROZEN.md with their digest) and whose misses are not shown.
FROZEN = ("test", "holdout", "holdout2", "holdout3", "holdout4", "holdout5")
STYLES = ("user", "agent")
KINDS = (
    "lookup",
    "relation",
    "count",
    "filter",
    "correction",
    "no_answer",
    "pronoun",
    "multi_hop",
    "date",
    "list",
)
# The default schema's object types: expectations name only these, so a perfect extraction
# into the schema an agent actually gets is what is measured.
OBJECT_TYPES = ("person", "organization", "project", "task", "preference", "event", "note")


class DatasetError(ValueError):
    """A conversation file does not have the documented shape (the data's author's fault)."""


@dataclasses.dataclass(frozen=True)
class Question:
    q: str
    kind: str
    expect: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class ExpectedObject:
    type: str
    values: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Conversation:
    name: str
    split: str
    style: str
    turns: tuple[str, ...]
    questions: tuple[Question, ...]
    objects: tuple[ExpectedObject, ...]
    path: Path
    # The day the conversation was written on, when its relative and year-less dates ("next
    # Tuesday", "16 January") were meant from that day; None means the day it is run.
    today: date | None = None


def load(split: str, data: Path = DATA) -> list[Conversation]:
    """The conversations of `split` ("dev", "test", "holdout" to "holdout5", or "all" = dev
    and test), sorted by file name.

    Raises DatasetError on a malformed file or a name used twice, so a typo in the data fails
    loudly instead of scoring as a miss.
    """
    splits = ALL if split == "all" else (split,)
    if any(s not in SPLITS for s in splits):
        raise DatasetError(f"unknown split {split!r}; expected one of {(*SPLITS, 'all')}")
    found: list[Conversation] = []
    for s in splits:
        day = split_today(data / s)
        for path in sorted((data / s).glob("*.yml")):
            found.append(parse(yaml.safe_load(path.read_text("utf-8")), s, path, day))
    seen: dict[str, Path] = {}
    for conv in found:
        if conv.name in seen:
            raise DatasetError(f"{conv.path}: name {conv.name!r} already used by {seen[conv.name]}")
        seen[conv.name] = conv.path
    return found


def split_today(folder: Path) -> date | None:
    """The day a split's conversations are read from when they do not say their own: the
    first line of its TODAY file (YYYY-MM-DD), or None (the day it is run). A file beside
    the conversations, not one of them, so a frozen split's digest does not change."""
    path = folder / "TODAY"
    if not path.exists():
        return None
    said = path.read_text("utf-8").split("\n", 1)[0].strip()
    try:
        return date.fromisoformat(said)
    except ValueError:
        raise DatasetError(f"{path}: {said!r} is not a YYYY-MM-DD date") from None


def parse(raw: Any, split: str, path: Path, default_today: date | None = None) -> Conversation:
    """One conversation from its parsed YAML, checked field by field; `default_today` is
    the day it is read from when it does not say its own (`split_today`)."""

    def fail(why: str) -> DatasetError:
        return DatasetError(f"{path}: {why}")

    if not isinstance(raw, dict):
        raise fail("not a mapping")
    name, style = raw.get("name"), raw.get("style")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise fail(f"name {name!r} is not a lowercase slug")
    if style not in STYLES:
        raise fail(f"style {style!r} is not one of {STYLES}")
    turns = raw.get("turns")
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) for t in turns):
        raise fail("turns must be a non-empty list of strings")
    questions = tuple(_question(q, fail) for q in raw.get("questions") or [])
    if not questions:
        raise fail("no questions")
    objects = tuple(_object(o, fail) for o in raw.get("objects") or [])
    today = raw.get("today")
    if today is not None:
        if not isinstance(today, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", today):
            raise fail(f"today {today!r} is not a quoted YYYY-MM-DD date")
        try:
            day: date | None = date.fromisoformat(today)
        except ValueError:
            raise fail(f"today {today!r} is not a calendar date") from None
    else:
        day = default_today
    return Conversation(name, split, style, tuple(turns), questions, objects, path, day)


def _question(raw: Any, fail: Any) -> Question:
    if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
        raise fail(f"question {raw!r} has no text")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise fail(f"question {raw['q']!r}: kind {kind!r} is not one of {KINDS}")
    expect = raw.get("expect")
    if kind == "no_answer":
        # Nothing stored answers it, so there is nothing an answer should contain.
        if expect is not None:
            raise fail(f"question {raw['q']!r}: a no_answer question has no expect")
        return Question(raw["q"], kind)
    if (
        not isinstance(expect, list)
        or not expect
        or not all(isinstance(e, str) and e.strip() for e in expect)
    ):
        raise fail(f"question {raw['q']!r}: expect must be a non-empty list of strings")
    return Question(raw["q"], kind, tuple(expect))


def _object(raw: Any, fail: Any) -> ExpectedObject:
    if not isinstance(raw, dict) or raw.get("type") not in OBJECT_TYPES:
        raise fail(f"object {raw!r}: type must be one of {OBJECT_TYPES}")
    values = raw.get("values")
    if not isinstance(values, dict) or not values:
        raise fail(f"object {raw!r}: values must be a non-empty mapping")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        raise fail(f"object {raw!r}: values must map field names to strings (quote dates)")
    return ExpectedObject(raw["type"], dict(values))


def split_digest(data: Path = DATA, split: str = "test") -> str:
    """sha256 over the sorted files of `split`, the same as
    `cd data/<split> && LC_ALL=C sha256sum *.yml | sha256sum`."""
    lines = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
        for p in sorted((data / split).glob("*.yml"), key=lambda p: p.name.encode())
    )
    return hashlib.sha256(lines.encode()).hexdigest()


def frozen_digest(data: Path = DATA, split: str = "test") -> str | None:
    """The digest written in data/<split>/FROZEN.md when the split was frozen, or None."""
    path = data / split / "FROZEN.md"
    if not path.exists():
        return None
    match = re.search(r"`([0-9a-f]{64})`", path.read_text("utf-8"))
    return match.group(1) if match else None
