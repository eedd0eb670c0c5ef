"""The write path's shortcuts keep what they replace: the same fact text, the same xuids."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from xmemory_engine.store import provenance
from xmemory_engine.store.instance import new_xuid, new_xuids

VALUES: list[Any] = [
    {"email": "p42@c7.example", "company": "Company 7"},
    {"name": 'Zoë \u2028 "quoted" \\ back', "n": -12, "x": 2.5, "ok": True, "none": None},
    [1, 1e300, -0.0, {"nested": ["a", {"b": []}]}],
    {"nan": float("nan"), "inf": float("inf")},
    "plain text",
    12345678901234567890,
]


@pytest.mark.parametrize("value", VALUES)
def test_fact_encoding_is_json_dumps(value: Any) -> None:
    assert provenance._ENCODE(value) == json.dumps(value, ensure_ascii=False)


def test_fact_encoding_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        provenance._ENCODE({"when": object()})


def test_batch_xuids_look_like_single_ones() -> None:
    shape = re.compile(r"^[0-9a-f]{32}$")
    batch = new_xuids(1000)
    assert len(batch) == 1000 and len(set(batch)) == 1000
    assert all(shape.match(x) for x in batch)
    one = new_xuid()
    # Time first: a later batch sorts after an earlier single one (same millisecond at worst).
    assert new_xuids(1)[0][:12] >= one[:12]
    assert shape.match(one)
    assert new_xuids(0) == []
