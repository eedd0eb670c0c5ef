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
from itertools import chain
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


def encode(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON, as the engine's in-process client sends a body (without
    `json`'s look for cycles: bodies built from JSON hold none, and a cycle still fails, as
    RecursionError; the look was ~20 % of encoding a 1,000-object write)."""
    return json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
    ).encode("utf-8")


def encoded_bound(value: Any, *, max_depth: int = MAX_DEPTH) -> int | None:
    """For a value built in this process: a bound on the bytes of `encode(value)`, when
    `loads` of those bytes gives back an equal value of the same types and refuses nothing;
    otherwise None.

    So a caller in the engine's own process may hand a body over as it is (the MCP server's
    in-process client): encoding a 1,000-object write and parsing it again took ~5-7 ms of the
    event loop, this walk ~2-3 ms. None for what encoding would change or `loads` would
    refuse, so such a value still goes as text: a type JSON lacks or one it turns into another
    (a tuple, a subclass of str or int, a key that is not a string), a number that is not
    finite or an integer of more than MAX_INT_DIGITS digits, a lone surrogate, nesting deeper
    than `max_depth`.

    One level of nesting at a time, without recursion; each check runs over a whole level's
    values at once (their types as a set, their text joined), not value by value."""
    level = [value]
    size = 0
    depth = 0
    while level:
        kinds = set(map(type, level))
        if not kinds <= _LOADED:
            return None
        size += 5 * len(level)  # a comma each, and a literal (true, false, null) at most 5
        held: list[Any] = []
        if dict in kinds or list in kinds:
            if depth >= max_depth:
                return None
            if dict in kinds:
                maps = level if len(kinds) == 1 else [v for v in level if type(v) is dict]
                keys = list(chain.from_iterable(maps))
                if keys and set(map(type, keys)) != {str}:
                    return None
                text = _text_bound(keys)
                if text is None:
                    return None
                size += 2 * len(maps) + text + len(keys)  # braces; quotes; a colon a key
                held.extend(chain.from_iterable(map(dict.values, maps)))
            if list in kinds:
                lists = level if len(kinds) == 1 else [v for v in level if type(v) is list]
                size += 2 * len(lists)
                held.extend(chain.from_iterable(lists))
        if str in kinds:
            text = _text_bound(level if len(kinds) == 1 else [v for v in level if type(v) is str])
            if text is None:
                return None
            size += text
        if int in kinds:
            ints = [v for v in level if type(v) is int]
            if max(ints) >= _INT_LIMIT or min(ints) <= -_INT_LIMIT:
                return None
            # log10(2) < 0.302: digits from bits, and a sign and a digit of slack each
            size += math.ceil(0.302 * sum(map(int.bit_length, ints))) + 2 * len(ints)
        if float in kinds:
            floats = [v for v in level if type(v) is float]
            if not all(map(math.isfinite, floats)):
                return None
            size += _FLOAT_CHARS * len(floats)
        level = held
        depth += 1
    return size


_LOADED = frozenset({dict, list, str, int, float, bool, type(None)})
"""The types `json.loads` gives (exactly these: a subclass is encoded as its base)."""
_INT_LIMIT = 10**MAX_INT_DIGITS
_FLOAT_CHARS = 24
"""The longest `repr` of a finite float: a sign, 17 digits, a point and `e-308`."""


def _text_bound(strings: list[str]) -> int | None:
    """Bytes the strings take in JSON, quotes included, at most; None if one holds a lone
    surrogate (UTF-8 cannot encode it). Printable text is escaped only at `"` and `\\`;
    any other character takes at most 6 bytes (`\\u001f`)."""
    text = "".join(strings)
    quoted = 2 * len(strings) + text.count('"') + text.count("\\")
    if text.isascii():
        return quoted + (len(text) if text.isprintable() else 6 * len(text))
    if _SURROGATE.search(text):
        return None
    return quoted + (len(text.encode("utf-8")) if text.isprintable() else 6 * len(text))


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
