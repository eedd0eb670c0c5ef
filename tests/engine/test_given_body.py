"""`strict_json.encoded_bound` says a value may be handed to the engine as it is only when
encoding it and parsing it again (`encode`, then `loads`) would give back an equal value of
the same types, refusing nothing, in at most the bytes it says.

The reference is that round trip itself, on hand-picked values (each refusal `loads` makes,
each change `json.dumps` makes) and on generated ones.
"""

from __future__ import annotations

import enum
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from xmemory_engine.strict_json import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    JsonRefused,
    encode,
    encoded_bound,
    loads,
)


class Colour(enum.IntEnum):
    RED = 1


class Tag(str):
    pass


def _typed(value: Any) -> Any:
    """The value with every type spelled out, so `1 == 1.0 == True` do not pass for each other."""
    if isinstance(value, dict):
        return ("dict", [(type(k).__name__, k, _typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_typed(v) for v in value])
    return (type(value).__name__, repr(value))


def _round_trip(value: Any, max_depth: int) -> tuple[bool, int]:
    """Whether the text's way gives the value back unchanged and unrefused; its byte count."""
    try:
        raw = encode(value)
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return False, 0
    try:
        back = loads(raw.decode("utf-8"), max_depth=max_depth)
    except JsonRefused:
        return False, len(raw)
    return _typed(back) == _typed(value), len(raw)


def _check(value: Any, max_depth: int = MAX_DEPTH) -> int | None:
    bound = encoded_bound(value, max_depth=max_depth)
    unchanged, size = _round_trip(value, max_depth)
    assert (bound is not None) == unchanged
    if bound is not None:
        assert bound >= size
    return bound


def _nest(depth: int, inner: Any = 1) -> Any:
    for _ in range(depth):
        inner = [inner]
    return inner


BIG = 10**MAX_INT_DIGITS

CASES: list[tuple[str, Any, bool]] = [
    ("a write", {"structured_mutations": [{"object_mutation": {"upsert": {"k": "v"}}}]}, True),
    ("every scalar", {"a": [None, True, False, 0, -7, 2.5, -0.0, 1e308, "x", ""]}, True),
    ("escapes", {'q"uote\\': 'back\\slash "and" \n\t\x00\x1f\x7f'}, True),
    ("text that is not ASCII", {"naïve": "Zoë \u2603 \U0001f600 \u2028 \u00a0"}, True),
    ("an empty object", {}, True),
    ("deepest allowed", _nest(MAX_DEPTH), True),
    ("empty containers count", _nest(MAX_DEPTH - 1, []), True),
    ("too deep", _nest(MAX_DEPTH + 1), False),
    ("too deep by an empty object", _nest(MAX_DEPTH, {}), False),
    ("longest integer", [BIG - 1, -(BIG - 1)], True),
    ("integer too long", [BIG], False),
    ("negative integer too long", {"n": -BIG}, False),
    ("not a number", [float("nan")], False),
    ("infinite", {"x": [float("inf")]}, False),
    ("negative infinite", [-float("inf")], False),
    ("a lone surrogate in a value", {"a": "x\ud800"}, False),
    ("a lone surrogate in a key", {"\udfff": 1}, False),
    ("a key that is a number", {1: "one"}, False),
    ("a key that is None", {None: "one"}, False),
    ("a key that is a boolean", {True: "one"}, False),
    ("a tuple", {"a": (1, 2)}, False),
    ("an int enum", {"a": Colour.RED}, False),
    ("a str subclass", {"a": Tag("t")}, False),
    ("a str subclass as a key", {Tag("t"): 1}, False),
    ("a set", {"a": {1}}, False),
    ("bytes", {"a": b"x"}, False),
]


@pytest.mark.parametrize(("value", "taken"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_taken_as_it_is_only_when_the_text_would_give_it_back(value: Any, taken: bool) -> None:
    assert (_check(value) is not None) is taken


def test_a_cycle_is_not_taken() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert encoded_bound({"a": loop}) is None


def test_the_bound_is_close_for_a_write() -> None:
    body = {
        "structured_mutations": [
            {
                "object_mutation": {
                    "object_type": "person",
                    "upsert": {
                        "key": {"name": f"Person {i:05d}"},
                        "values": {"email": f"p{i}@c{i % 35}.example", "company": "Acme"},
                    },
                }
            }
            for i in range(1000)
        ],
        "extraction_logic": "deep",
    }
    bound = _check(body)
    assert bound is not None and bound < 1.5 * len(encode(body))


_KEYS = st.one_of(st.text(max_size=4), st.integers(0, 3), st.none(), st.booleans())
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers().map(lambda n: n * 10**398),  # around the digit limit
    st.floats(),  # infinities and NaN included
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=8),
    st.sampled_from(["\ud800", "a\udc00b", "\x00", '"', "\\", Tag("t"), Colour.RED]),
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=4), children, max_size=4),
        st.dictionaries(_KEYS, children, max_size=3),
    )


@seed(16)
@settings(max_examples=400, deadline=None)
@given(st.recursive(_SCALARS, _containers, max_leaves=30), st.integers(1, 6))
def test_generated_values_agree_with_the_round_trip(value: Any, depth: int) -> None:
    _check(value, max_depth=depth)
