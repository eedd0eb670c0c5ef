"""Tool calls in-process: round trips, targeting, progress, the write wait, and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest
from mcp.shared.exceptions import MCPError
from mcp_support import Connected

pytestmark = pytest.mark.anyio

ANN = {
    "object_mutation": {
        "object_type": "person",
        "create": {
            "key": {"name": "Ann Lee"},
            "values": {"email": "ann@acme.io", "company": "Acme"},
        },
    }
}


def text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


async def test_write_then_read_round_trip(connected: Connected) -> None:
    stored = await connected.ok("write", {"structured_mutations": [ANN]})
    assert stored["write_status"] == "completed"
    assert len(stored["changes"]["created"]) == 1
    answer = await connected.ok("read", {"query": "What is Ann Lee's email?"})
    assert "ann@acme.io" in str(answer["reader_result"])


async def test_free_text_write_then_read(connected: Connected) -> None:
    await connected.ok(
        "write", {"text": "Bob Stone is a designer at Globex; his email is bob@globex.com."}
    )
    answer = await connected.ok("read", {"query": "What is the email of Bob Stone?"})
    assert answer["reader_result"] == {"answer": "bob@globex.com"}


async def test_results_carry_structured_content_and_readable_text(connected: Connected) -> None:
    result = await connected.call("write", {"structured_mutations": [ANN]})
    assert isinstance(result.structured_content, dict)
    assert text(result).startswith("Stored (write ")


async def test_write_async_then_write_status(connected: Connected) -> None:
    ack = await connected.ok("write_async", {"structured_mutations": [ANN]})
    status: dict[str, Any] = {}
    for _ in range(200):
        status = await connected.ok("write_status", {"write_id": ack["write_id"]})
        if status["write_status"] == "completed":
            break
        await anyio.sleep(0.01)
    assert status["write_status"] == "completed"


async def test_write_reports_progress_when_asked(connected: Connected) -> None:
    seen: list[tuple[float, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message))

    result = await connected.session.call_tool(
        "write", {"structured_mutations": [ANN]}, progress_callback=on_progress
    )
    assert not result.is_error
    assert seen and "queued" in (seen[0][1] or "")
    assert [p for p, _ in seen] == sorted({p for p, _ in seen})


async def test_a_write_longer_than_the_wait_answers_with_its_write_id(
    connect: Callable[..., Any],
) -> None:
    async with connect(write_wait=0.05, engine_env={"XMEM_ENGINE_TEST_APPLY_DELAY": "0.5"}) as c:
        pending = await c.ok("write", {"structured_mutations": [ANN]})
        assert pending["done"] is False
        assert pending["write_status"] != "completed"
        ack = pending["write_id"]
        for _ in range(400):
            status = await c.ok("write_status", {"write_id": ack})
            if status["write_status"] == "completed":
                break
            await anyio.sleep(0.01)
        assert status["write_status"] == "completed"


async def test_instance_id_targets_another_instance(connected: Connected) -> None:
    schema = {
        "objects": {
            "book": {
                "primary_key": ["title"],
                "fields": {"title": {"type": "str", "required": True}, "author": {"type": "str"}},
            }
        }
    }
    created = await connected.ok("create_instance", {"name": "books", "schema_text": schema})
    book = {
        "object_mutation": {
            "object_type": "book",
            "create": {"key": {"title": "Dune"}, "values": {"author": "Herbert"}},
        }
    }
    await connected.ok("write", {"structured_mutations": [book], "instance_id": created["id"]})
    # The default instance has no books at all: the same write there is refused.
    refused = await connected.call("write", {"structured_mutations": [book]})
    assert refused.is_error


async def test_bad_arguments_are_an_error_result_saying_what_is_wrong(connected: Connected) -> None:
    result = await connected.call("read", {"question": "typo'd name"})
    assert result.is_error
    message = text(result)
    assert "'query' is a required property" in message
    assert "'question' was unexpected" in message
    wrong_type = await connected.call("read", {"query": 42})
    assert wrong_type.is_error and "is not of type 'string'" in text(wrong_type)


async def test_unknown_ids_are_error_results_with_status_and_code(connected: Connected) -> None:
    result = await connected.call("read", {"query": "anything", "instance_id": "no-such-instance"})
    assert result.is_error
    assert "HTTP 404" in text(result)
    assert isinstance(result.structured_content, dict)
    assert result.structured_content["error"]["status"] == 404
    unknown_write = await connected.call("write_status", {"write_id": "no-such-write"})
    assert unknown_write.is_error


async def test_the_session_survives_errors(connected: Connected) -> None:
    for _ in range(3):
        assert (await connected.call("get_instance", {"instance_id": "nope"})).is_error
    assert (await connected.session.list_tools()).tools


async def test_an_unknown_tool_is_a_protocol_error(connected: Connected) -> None:
    with pytest.raises(MCPError, match="Unknown tool"):
        await connected.call("no_such_tool")
