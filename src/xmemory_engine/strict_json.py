"""JSON as the engine accepts it: bounded nesting, finite numbers, Unicode text.

Python's `json` accepts `NaN` and `Infinity` (not JSON), turns `1e999` into infinity, recurses
once per level of nesting, and decodes `"\\ud800"` into a string SQLite cannot store. Every JSON
the engine reads from a caller (request bodies, schema texts) goes through `loads`, so none of
that gets past the edge.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted (a write needs 7)."""
MAX_INT_DIGITS = 400
"""Longest integer literal accepted; no field holds more (a float tops out at 309 digits)."""

_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonRefused(ValueError):
    """The text is not JSON the engine accepts; `too_deep` tells a bound from a fault."""

    def __init__(self, message: str, *, too_deep: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.too_deep = too_deep


def loads(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse `text`, or JsonRefused saying what is wrong with it.

    Parsed first (C speed), and the depth measured on the value: counting brackets over the
    text first was a Python loop over every token, ~15 ms for a 1,000-mutation write. The
    answers are the same as checking the depth first: a text that is too deep is refused as
    too deep even when it is also malformed (the bracket count decides that, on the rare
    failing parse), and the parser's own recursion stays guarded."""
    try:
        value = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, parse_int=_bounded_int
        )
    except JsonRefused:
        if nesting_exceeds(text, max_depth):
            raise _too_deep(max_depth) from None
        raise
    except RecursionError:  # deeper than the interpreter's recursion limit
        raise _too_deep(max_depth) from None
    except ValueError as exc:  # JSONDecodeError is one
        if nesting_exceeds(text, max_depth):
            raise _too_deep(max_depth) from None
        raise JsonRefused(f"not valid JSON: {exc}") from None
    if deeper_than(value, max_depth):
        raise _too_deep(max_depth)
    # ASCII text holds no raw surrogate: the scan for one (~1 ms per 150 KB) is skipped.
    may_hold = _SURROGATE_ESCAPE.search(text) or (not text.isascii() and _SURROGATE.search(text))
    if may_hold and has_lone_surrogate(value):
        raise JsonRefused(
            "a string holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"
        )
    return value


def _too_deep(max_depth: int) -> JsonRefused:
    return JsonRefused(f"the JSON is nested deeper than {max_depth} levels", too_deep=True)


def deeper_than(value: Any, max_depth: int) -> bool:
    """Whether arrays/objects in a parsed value nest deeper than `max_depth`: one level at a
    time, without recursion (each array or object is a level, empty ones too)."""
    level = [value] if isinstance(value, _CONTAINERS) else []
    for _ in range(max_depth):
        if not level:
            return False
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, _CONTAINERS)
        ]
    return bool(level)


# A tuple, not `dict | list`: `isinstance` against a union type is slower, and this test runs
# once per value (a 1,000-object write: 3.1 -> 1.9 ms a walk, two walks a write).
_CONTAINERS = (dict, list)


def nesting_exceeds(text: str, max_depth: int) -> bool:
    """Whether arrays/objects in `text` nest deeper than `max_depth` (strings skipped); for
    text that may not parse."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif token in "]}":
            depth -= 1
    return False


def has_lone_surrogate(value: Any) -> bool:
    """Whether any string (key or value) inside `value` holds a surrogate code point."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _no_constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a JSON number; numbers must be finite")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise JsonRefused(f"the number {literal[:40]} is too large for a float")
    return value


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonRefused(
            f"an integer of {len(literal.lstrip('-')):,} digits; no field holds more than "
            f"{MAX_INT_DIGITS}"
        )
    return int(literal)
