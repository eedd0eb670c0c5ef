"""strict_json.loads parses first and measures depth on the value (fast for a 1,000-mutation
write); its answers must be those of checking the brackets first, which is what it replaced.

The reference below is that order: `nesting_exceeds` over the text, then the parse.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from xmemory_engine import strict_json
from xmemory_engine.strict_json import JsonRefused, loads, nesting_exceeds


def _reference(text: str, max_depth: int) -> tuple[str, Any]:
    """What the bracket-first order answered: ("ok", value) or ("refused", (too_deep, message))."""
    if nesting_exceeds(text, max_depth):
        return "refused", (True, f"the JSON is nested deeper than {max_depth} levels")
    try:
        return "ok", loads(text, max_depth=max_depth)
    except JsonRefused as exc:
        return "refused", (exc.too_deep, exc.message)


def _answer(text: str, max_depth: int) -> tuple[str, Any]:
    try:
        return "ok", loads(text, max_depth=max_depth)
    except JsonRefused as exc:
        return "refused", (exc.too_deep, exc.message)


def _nest(depth: int, inner: str = "1", *, kind: str = "[") -> str:
    close = "]" if kind == "[" else "}"
    opened = "[" * depth if kind == "[" else '{"k":' * depth
    return opened + inner + close * depth


CASES = [
    _nest(8),
    _nest(8, "[]"),  # an empty array is a level too
    _nest(8, "{}"),
    _nest(7, kind="{"),
    _nest(9, kind="{"),
    _nest(9, "NaN"),  # too deep and not a number: too deep wins, as before
    _nest(9, "1e999"),
    _nest(9, "1" * 500),
    _nest(7, "NaN"),
    _nest(7, "1" * 500),
    "[" * 9 + "1,",  # too deep and malformed
    "[" * 5 + "1,",
    "[" * 100_000 + "]" * 100_000,  # past the parser's recursion limit
    "{" * 100_000,
    '["[[[[[[[[[[", {"a": "]]]]"}]',  # brackets inside strings do not count
    '"\\ud800"',
    '[["\\ud800"]]',
    "[1, 2,]",
    "",
    "  ",
    '{"a": 1} x',
]


@pytest.mark.parametrize("text", CASES, ids=range(len(CASES)))
def test_same_answer_as_counting_brackets_first(text: str) -> None:
    assert _answer(text, 8) == _reference(text, 8)


def test_depth_is_counted_exactly_at_the_bound() -> None:
    assert loads(_nest(64), max_depth=64) is not None
    with pytest.raises(JsonRefused) as refused:
        loads(_nest(65), max_depth=64)
    assert refused.value.too_deep
    assert refused.value.message == "the JSON is nested deeper than 64 levels"


def test_a_long_flat_write_is_not_too_deep() -> None:
    mutations = [
        {"object_mutation": {"object_type": "person", "upsert": {"key": {"name": f"P{i}"}}}}
        for i in range(1000)
    ]
    text = json.dumps({"structured_mutations": mutations})
    assert loads(text) == {"structured_mutations": mutations}
    # six levels: the body, the list, an item, object_mutation, upsert, key
    assert loads(text, max_depth=6) == {"structured_mutations": mutations}
    with pytest.raises(JsonRefused) as refused:
        loads(text, max_depth=5)
    assert refused.value.too_deep


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=30,
)


@seed(20261130)
@settings(max_examples=300, deadline=None)
@given(value=_json_values, depth=st.integers(min_value=0, max_value=12))
def test_generated_values_agree_with_the_bracket_count(value: Any, depth: int) -> None:
    text = json.dumps(value)
    assert _answer(text, depth) == _reference(text, depth)


@seed(20261130)
@settings(max_examples=300, deadline=None)
@given(
    value=_json_values,
    depth=st.integers(min_value=0, max_value=12),
    cut=st.integers(min_value=0, max_value=200),
)
def test_cut_texts_agree_with_the_bracket_count(value: Any, depth: int, cut: int) -> None:
    text = json.dumps(value)
    text = text[: cut % (len(text) + 1)]
    assert _answer(text, depth) == _reference(text, depth)


def test_the_bracket_count_stays_for_text_that_does_not_parse() -> None:
    # It decides too-deep for malformed text; a parse never needs it otherwise.
    assert strict_json.nesting_exceeds("[" * 9, 8)
    assert not strict_json.nesting_exceeds('"[[[[[[[[[["', 8)


@pytest.mark.parametrize(
    "text",
    ['["\ud800"]', '{"a\udfff": 1}', '["caf\u00e9 \ud83d"]', '["\\ud800"]', '["\\uDC00"]'],
    ids=["raw", "raw in a key", "raw after non-ASCII", "escaped", "escaped upper-case"],
)
def test_a_lone_surrogate_is_refused_raw_or_escaped(text: str) -> None:
    with pytest.raises(JsonRefused) as refused:
        loads(text)
    assert not refused.value.too_deep
    assert "lone surrogate" in refused.value.message


def test_text_that_is_not_ascii_passes() -> None:
    assert loads('["caf\u00e9", "\U0001f600", "\\ud83d\\ude00"]') == [
        "caf\u00e9",
        "\U0001f600",
        "\U0001f600",
    ]
