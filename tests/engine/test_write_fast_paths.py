"""The shortcuts of the write and read paths keep what they replace: the same fact text, the
same xuids, the same rows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from engine_testkit import CONTACTS_YML

from xmemory_engine.schema import parse_schema
from xmemory_engine.store import provenance
from xmemory_engine.store.base import EpisodeDraft, Tables
from xmemory_engine.store.instance import SqliteInstanceData, SqliteTables, new_xuid, new_xuids

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


@pytest.mark.anyio
async def test_a_read_snapshot_runs_a_search_and_reads_an_episode_once(tmp_path: Path) -> None:
    """Within one read's snapshot a repeated search, or an episode read again, is answered from
    what the snapshot already read (the same rows); a write's own tables always ask again."""
    schema = parse_schema(CONTACTS_YML)
    data = SqliteInstanceData(tmp_path / "i.sqlite", schema)
    try:
        await data.ensure_schema(schema)
        text = "Acme moved to Lyon. Acme hired Ann."
        done, _ = await data.apply(
            "w1", schema, lambda t: {"changes": None}, EpisodeDraft("w1", "text", text)
        )
        episode_id = done["episode_id"]

        def twice(t: Tables) -> tuple[Any, Any, Any, Any, list[str]]:
            assert isinstance(t, SqliteTables)
            ran: list[str] = []
            t.conn.set_trace_callback(ran.append)
            try:
                first = t.search_passages("acme", 5)
                episodes = t.episodes([episode_id])
                again = t.search_passages("acme", 5)
                both = t.episodes([episode_id, episode_id + 1])
            finally:
                t.conn.set_trace_callback(None)
            return first, again, episodes, both, ran

        first, again, episodes, both, ran = await data.read(schema, twice)
        assert sorted(p.text for p in first) == ["Acme hired Ann.", "Acme moved to Lyon."]
        assert again == first and again is not first  # a copy: the caller may change its list
        assert episodes[episode_id].text == text and list(both) == [episode_id]
        assert sum("MATCH" in s for s in ran) == 1
        assert sum("FROM _xm_episode WHERE id IN" in s for s in ran) == 2  # id+1: not read yet

        def inside_a_write(t: Tables) -> dict[str, Any]:
            assert isinstance(t, SqliteTables)
            ran: list[str] = []
            t.conn.set_trace_callback(ran.append)
            t.search_passages("acme", 5)
            t.search_passages("acme", 5)
            t.conn.set_trace_callback(None)
            return {"changes": None, "matches": sum("MATCH" in s for s in ran)}

        written, _ = await data.apply(
            "w2", schema, inside_a_write, EpisodeDraft("w2", "text", "Acme.")
        )
        assert written["matches"] == 2
    finally:
        data.close()
