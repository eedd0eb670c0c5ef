"""A waited `write` on the embedded engine is answered when its job ends (the engine's own
event), not at a later `write_status` poll: from the job itself, `write_status` never asked;
still the write_id when the wait limit passes first, and the write finishes in the background,
exactly once."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from mcp_support import Connected

from xmemory import SchemaType, WriteStatusResult
from xmemory_mcp.operations import Operations

pytestmark = pytest.mark.anyio

BATCH = 1000


def person(i: int) -> dict[str, Any]:
    return {"type": "person", "name": f"Person {i:05d}", "fields": {"email": f"p{i}@x.example"}}


async def counting_status_calls(connected: Connected) -> list[str]:
    """The write ids `write_status` is asked about from now on (through the bound instance)."""
    ops = await connected.memory._ops()
    assert isinstance(ops, Operations) and ops.bound is not None
    assert ops._write_ended is not None  # the embedded engine offers the wait on its event
    asked: list[str] = []
    original: Callable[..., Awaitable[WriteStatusResult]] = ops.bound.write_status

    async def write_status(write_id: str, **kw: Any) -> WriteStatusResult:
        asked.append(write_id)
        return await original(write_id, **kw)

    ops.bound.write_status = write_status  # type: ignore[method-assign,assignment]
    return asked


async def people(connected: Connected) -> int:
    rows = await connected.ok(
        "read",
        {"query": "how many", "read_mode": "raw-tables", "sql": "SELECT count(*) FROM person"},
    )
    count: int = rows["reader_result"]["rows"][0][0]
    return count


async def test_a_batch_is_answered_at_its_end_without_a_status_call(
    connected: Connected,
) -> None:
    asked = await counting_status_calls(connected)
    done = await connected.ok("write", {"objects": [person(i) for i in range(BATCH)]})
    assert done["write_status"] == "completed"
    assert done["counts"] == {"created": BATCH, "updated": 0, "deleted": 0}
    assert asked == []
    again = await connected.ok("write", {"objects": [person(i) for i in range(BATCH)]})
    assert again["counts"]["created"] == 0 and asked == []
    assert await people(connected) == BATCH


async def test_a_text_write_is_answered_at_its_end(connected: Connected) -> None:
    asked = await counting_status_calls(connected)
    done = await connected.ok("write", {"text": "Person 00042 works at Company 7."})
    assert done["write_status"] == "completed"
    assert asked == []


async def test_the_queued_step_is_reported_as_progress(connected: Connected) -> None:
    seen: list[str] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(message or "")

    result = await connected.call(
        "write", {"objects": [person(i) for i in range(10)]}, progress_callback=on_progress
    )
    assert not result.is_error, result.content
    assert result.structured_content is not None
    write_id = result.structured_content["write_id"]
    assert seen[0] == f"write {write_id}: queued"


async def test_past_the_wait_limit_the_write_id_and_the_write_ends_once(connect: Any) -> None:
    # The engine holds each write 0.3 s before applying it; the server waits 0.05 s.
    async with connect(
        write_wait=0.05, engine_env={"XMEM_ENGINE_TEST_APPLY_DELAY": "0.3"}
    ) as connected:
        asked = await counting_status_calls(connected)
        late = await connected.ok("write", {"objects": [person(i) for i in range(20)]})
        assert late["done"] is False and late["write_status"] in ("queued", "processing")
        assert asked == [late["write_id"]]
        status = late
        while status["write_status"] not in ("completed", "failed"):
            status = await connected.ok("write_status", {"write_id": late["write_id"]})
        assert status["write_status"] == "completed"
        assert status["counts"]["created"] == 20
        assert await people(connected) == 20


async def test_the_schema_is_fetched_once_and_again_when_objects_do_not_fit_it(
    connected: Connected,
) -> None:
    ops = await connected.memory._ops()
    assert isinstance(ops, Operations) and ops.bound is not None
    bound = ops.bound
    fetched = 0
    original = bound.get_schema

    async def get_schema(**kw: Any) -> Any:
        nonlocal fetched
        fetched += 1
        return await original(**kw)

    bound.get_schema = get_schema  # type: ignore[method-assign,assignment]
    for i in range(3):
        await connected.ok("write", {"objects": [person(i)]})
    assert fetched == 1
    # Another client adds a type (this server's describe() cache does not know): an object
    # of it is judged against the schema fetched anew, and stored.
    schema = (await original()).data_schema
    schema["objects"]["pet"] = {"fields": {"name": {"type": "str"}}, "primary_key": ["name"]}
    backend = await connected.backend()
    await backend.client.admin.update_instance_schema(bound.id, json.dumps(schema), SchemaType.JSON)
    stored = await connected.ok("write", {"objects": [{"type": "pet", "name": "Mochi"}]})
    assert stored["counts"]["created"] == 1 and fetched == 2
    # A type that is in neither schema is refused, naming the types there are.
    refused = await connected.call("write", {"objects": [{"type": "starship", "name": "X"}]})
    assert refused.is_error
    said = refused.content[0].text  # type: ignore[union-attr]
    assert "unknown object type 'starship'" in said and "pet" in said
