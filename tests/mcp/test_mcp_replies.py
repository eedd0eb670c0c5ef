"""Replies an agent can afford: a write names what changed by key and field, never a whole
accumulated value; a batch reports counts and ids; SQL only when asked; errors without request
paths, with hints that fit the tool."""

from __future__ import annotations

import statistics
from typing import Any

import mcp_types as types
import pytest
from mcp_support import Connected

pytestmark = pytest.mark.anyio

WRITE_REPLY_MEDIAN = 2 * 1024
BATCH_REPLY = 10 * 1024
LONG = 70_000


def reply_bytes(result: types.CallToolResult) -> int:
    """What the result puts on the wire, as bench/peers.py measures it."""
    return len(result.model_dump_json(by_alias=True, exclude_none=True).encode())


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def person(i: int, **fields: Any) -> dict[str, Any]:
    return {"type": "person", "name": f"Person {i:05d}", "fields": fields}


async def test_a_long_accumulated_field_is_named_not_echoed(connected: Connected) -> None:
    notes = "Met at the conference; likes tea. " * (LONG // 34 + 10)
    first = await connected.call("write", {"objects": [person(1, notes=notes[:LONG])]})
    again = await connected.call(
        "write", {"objects": [person(1, notes=notes[: LONG + 100], phone="555-0101")]}
    )
    for result in (first, again):
        assert not result.is_error, text_of(result)
        assert reply_bytes(result) < WRITE_REPLY_MEDIAN
        assert "likes tea. Met" not in result.model_dump_json()
    [updated] = (again.structured_content or {})["changes"]["updated"]
    assert updated["key"] == {"name": "Person 00001"}
    assert set(updated["fields"]) == {"notes", "phone"}
    assert updated["values"] == {"phone": "555-0101"}  # the short value, not the notes
    assert "updated person Person 00001 (" in text_of(again)
    # The value itself was stored whole.
    stored = await connected.ok(
        "read", {"query": "notes", "sql": "SELECT length(notes) AS n FROM person"}
    )
    assert str(LONG + 100) in str(stored["reader_result"])


async def test_single_writes_answer_in_under_2_kb(connected: Connected) -> None:
    sizes = []
    for i in range(12):
        sentence = (
            f"Person {i:05d} works at Company {i % 3} and their email is p{i}@c{i % 3}.example."
        )
        result = await connected.call("write", {"text": sentence})
        assert not result.is_error, text_of(result)
        sizes.append(reply_bytes(result))
        result = await connected.call(
            "write", {"objects": [person(i, email=f"q{i}@c.example", role="engineer")]}
        )
        assert not result.is_error, text_of(result)
        sizes.append(reply_bytes(result))
    assert statistics.median(sizes) <= WRITE_REPLY_MEDIAN, sizes
    assert max(sizes) <= 2 * WRITE_REPLY_MEDIAN, sizes


async def test_a_batch_of_1000_objects_reports_counts_and_ids_in_10_kb(
    connected: Connected,
) -> None:
    objects = [person(i, email=f"p{i}@c.example") for i in range(1000)]
    result = await connected.call("write", {"objects": objects})
    assert not result.is_error, text_of(result)
    assert reply_bytes(result) <= BATCH_REPLY
    content = result.structured_content or {}
    assert content["counts"] == {"created": 1000, "updated": 0, "deleted": 0}
    listed = content["changes"]["created"]
    assert listed and all(c["xuid"] and c["key"]["name"] for c in listed)
    assert len(listed) + content["omitted"]["created"] == 1000
    assert "and 99" in text_of(result)  # "...; and 992 more." or so: named, then counted

    # The same batch again changes nothing: counted as such, still small.
    again = await connected.call("write", {"objects": objects})
    assert not again.is_error and reply_bytes(again) <= BATCH_REPLY
    assert (again.structured_content or {})["counts"]["created"] == 0


async def test_a_read_shows_its_sql_only_when_asked(connected: Connected) -> None:
    await connected.ok("write", {"objects": [person(7, email="p7@c.example")]})
    plain = await connected.call("read", {"query": "What is Person 00007's email?"})
    assert "sql" not in (plain.structured_content or {})
    assert "SELECT" not in plain.model_dump_json()
    asked = await connected.ok("read", {"query": "What is Person 00007's email?", "show_sql": True})
    assert asked["reader_result"] == {"answer": "p7@c.example"}
    assert any("SELECT" in sql for sql in asked["sql"])


async def test_error_texts_name_no_request_paths(connected: Connected) -> None:
    failures = [
        await connected.call("read", {"query": "x", "instance_id": "no-such-instance"}),
        await connected.call("get_cluster", {"cluster_id": "no-such-cluster"}),
        await connected.call("get_instance", {"instance_id": "no-such-instance"}),
        await connected.call("read", {"query": "x", "sql": "DELETE FROM person"}),
        await connected.call("read", {"query": "q" * 100_001}),
    ]
    for result in failures:
        assert result.is_error
        said = text_of(result)
        assert "/instances" not in said and "/clusters" not in said, said
        assert "GET " not in said and "POST " not in said, said
        error = (result.structured_content or {})["error"]
        assert "/instances" not in error["message"] and "/clusters" not in error["message"]
        assert said.startswith(f"{error['tool']} failed: HTTP {error['status']}"), said


async def test_hints_fit_the_tool(connected: Connected) -> None:
    too_long_read = await connected.call("read", {"query": "q" * 100_001})
    assert "HTTP 413" in text_of(too_long_read)
    assert "split" not in text_of(too_long_read) and "write" not in text_of(too_long_read)
    assert "shorter question" in text_of(too_long_read)

    too_long_write = await connected.call("write", {"text": "Ann is here. " * 8000})
    assert "HTTP 413" in text_of(too_long_write)
    assert "smaller writes" in text_of(too_long_write)

    no_cluster = await connected.call("get_cluster", {"cluster_id": "no-such-cluster"})
    hint = (no_cluster.structured_content or {})["error"]["hint"]
    assert "list_clusters" in hint and "write" not in hint

    no_instance = await connected.call("read", {"query": "x", "instance_id": "nope"})
    hint = (no_instance.structured_content or {})["error"]["hint"]
    assert "list_instances" in hint and "write_id" not in hint
