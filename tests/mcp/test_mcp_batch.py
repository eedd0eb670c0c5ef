"""Batches of 1,000 objects through `write`: every one stored, a bounded reply of counts, a bad
object named by its path with nothing written, and the wait that learns a write's pace (the
second batch polls later) still waiting for the end, or giving the write_id when it is late."""

from __future__ import annotations

from typing import Any

import pytest
from mcp_support import Connected

from xmemory_mcp.operations import Operations

pytestmark = pytest.mark.anyio

BATCH = 1000


def person(i: int) -> dict[str, Any]:
    return {
        "type": "person",
        "name": f"Person {i:05d}",
        "fields": {"email": f"p{i}@c{i % 7}.example"},
    }


async def stored_people(connected: Connected) -> list[list[Any]]:
    """Every person stored (name, email), read in pages (a read returns at most 1,000 rows)."""
    found: list[list[Any]] = []
    while True:
        rows = await connected.ok(
            "read",
            {
                "query": "every person",
                "read_mode": "raw-tables",
                "sql": f"SELECT name, email FROM person ORDER BY name LIMIT 500 OFFSET {len(found)}",
            },
        )
        page: list[list[Any]] = rows["reader_result"]["rows"]
        found += page
        if len(page) < 500:
            return found


async def operations(connected: Connected) -> Operations:
    """The server's operations, waiting by polling `write_status` as for an engine in another
    process (the pace is learned only there; test_mcp_write_ended.py covers the in-process
    wait)."""
    ops = await connected.memory._ops()
    assert isinstance(ops, Operations)
    ops._write_ended = None
    return ops


async def test_two_batches_are_stored_whole_with_counts_in_a_short_reply(
    connected: Connected,
) -> None:
    await operations(connected)
    first = await connected.call("write", {"objects": [person(i) for i in range(BATCH)]})
    assert not first.is_error, first.content
    assert first.structured_content is not None
    assert first.structured_content["write_status"] == "completed"
    assert first.structured_content["counts"] == {"created": BATCH, "updated": 0, "deleted": 0}
    assert len(first.model_dump_json(by_alias=True, exclude_none=True)) <= 10 * 1024
    # The second batch waits the way the first one taught (its pace is known now).
    assert len((await operations(connected))._paces) == 1
    second = await connected.ok("write", {"objects": [person(i) for i in range(BATCH, 2 * BATCH)]})
    assert second["counts"] == {"created": BATCH, "updated": 0, "deleted": 0}
    rows = await stored_people(connected)
    assert rows == [[f"Person {i:05d}", f"p{i}@c{i % 7}.example"] for i in range(2 * BATCH)]


async def test_a_batch_again_updates_what_changed(connected: Connected) -> None:
    await connected.ok("write", {"objects": [person(i) for i in range(BATCH)]})
    again = [person(i) for i in range(BATCH)]
    again[10]["fields"]["email"] = "new@c.example"
    done = await connected.ok("write", {"objects": again})
    # Only the object that changed counts as updated; the 999 others were already so.
    assert done["counts"] == {"created": 0, "updated": 1, "deleted": 0}
    rows = await stored_people(connected)
    assert len(rows) == BATCH and rows[10] == ["Person 00010", "new@c.example"]


async def test_one_bad_object_in_a_batch_writes_nothing_and_is_named(connected: Connected) -> None:
    objects = [person(i) for i in range(BATCH)]
    objects[637] = {"type": "person", "name": "Person 00637", "fields": {"shoe_size": 42}}
    result = await connected.call("write", {"objects": objects})
    assert result.is_error
    said = result.content[0].text  # type: ignore[union-attr]
    assert "objects[637].fields.shoe_size: person has no field 'shoe_size'" in said
    assert "nothing was written" in said
    assert await stored_people(connected) == []


async def test_a_batch_slower_than_its_expected_pace_is_still_waited_for(
    connected: Connected,
) -> None:
    ops = await operations(connected)
    await connected.ok("write", {"objects": [person(i) for i in range(BATCH)]})
    # As if the last write had been a hundred times faster: the first poll comes too early and
    # the wait goes on polling until the write is done.
    assert len(ops._paces) == 1
    ops._paces.append(ops._paces[0] / 100)
    done = await connected.ok("write", {"objects": [person(i) for i in range(BATCH, 2 * BATCH)]})
    assert done["write_status"] == "completed" and done["counts"]["created"] == BATCH
    assert len(await stored_people(connected)) == 2 * BATCH


async def test_a_batch_past_the_wait_limit_answers_its_write_id(connect: Any) -> None:
    async with connect(write_wait=0.05) as connected:
        ops = await operations(connected)
        ops._paces.append(1.0)  # a second per mutation expected: the first poll at the limit
        result = await connected.ok("write", {"objects": [person(i) for i in range(BATCH)]})
        if result.get("done") is False:  # late, as expected on a busy machine
            assert result["write_status"] in ("queued", "processing")
            status = result
            while status.get("write_status") not in ("completed", "failed"):
                status = await connected.ok("write_status", {"write_id": result["write_id"]})
            assert status["write_status"] == "completed"
        assert len(await stored_people(connected)) == BATCH


async def test_small_writes_teach_no_pace_and_an_oversleep_is_not_learned(
    connected: Connected,
) -> None:
    ops = await operations(connected)
    for i in range(3):
        await connected.ok("write", {"objects": [person(i)]})
    assert not ops._paces  # one object is mostly fixed cost: nothing to expect a batch from
    # As if the last batch had taken a second per object: the first poll comes after the
    # longest first sleep, finds the batch done, and what is learned is under half of that.
    ops._paces.append(1.0)
    done = await connected.ok("write", {"objects": [person(i) for i in range(BATCH)]})
    assert done["counts"]["created"] == BATCH - 3
    assert min(ops._paces) < 1.0 / BATCH
