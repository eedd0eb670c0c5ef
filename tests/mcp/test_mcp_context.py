"""What the tools cost an agent's context: `tools/list` is bounded and holds the schema once; every
tool publishes an `outputSchema` its real results fit, and their text is a sentence, not JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
import mcp_types as types
import pytest
from jsonschema import Draft202012Validator
from mcp_support import Connected

pytestmark = pytest.mark.anyio

TOOLS_LIST_BUDGET = 12 * 1024
"""bytes of `tools/list` for the default schema (json.dumps, as bench/peers.py measures it)."""

ANN = {
    "type": "person",
    "name": "Ann Lee",
    "fields": {"email": "ann@acme.io"},
    "relations": [{"type": "works_at", "to": "Acme"}],
}
ACME = {"type": "organization", "name": "Acme"}
BOOKS = {
    "objects": {
        "book": {
            "description": "A book the user owns.",
            "primary_key": ["title"],
            "fields": {"title": {"type": "str", "required": True}, "author": {"type": "str"}},
        }
    }
}


def listing_bytes(tools: types.ListToolsResult) -> int:
    dumped = tools.model_dump(mode="json", by_alias=True, exclude_none=True)
    return len(json.dumps(dumped).encode())


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


async def test_tools_list_for_the_default_schema_fits_the_budget(connected: Connected) -> None:
    await connected.backend()
    listed = await connected.session.list_tools()
    assert listing_bytes(listed) <= TOOLS_LIST_BUDGET
    # Every tool is still there, each with its description and schemas.
    assert len(listed.tools) == 15
    assert all(t.description and t.output_schema for t in listed.tools)


async def test_tools_list_grows_with_the_schema_once(
    connected: Connected, connect: Callable[..., Any]
) -> None:
    """A type whose description is 1,000 characters longer costs about 1,000 bytes, not 3,000."""
    long_words = "word " * 200
    bigger = json.loads(json.dumps(BOOKS))
    bigger["objects"]["book"]["description"] = "A book the user owns. " + long_words
    small = await connected.ok("create_instance", {"name": "small", "schema_text": BOOKS})
    large = await connected.ok("create_instance", {"name": "large", "schema_text": bigger})
    sizes = []
    for created in (small, large):
        async with connect(instance_id=created["id"]) as c:
            await c.backend()
            await c.memory.catalog()
            sizes.append(listing_bytes(await c.session.list_tools()))
    grown = sizes[1] - sizes[0]
    assert len(long_words) <= grown < 1.5 * len(long_words), sizes


async def test_the_mutation_grammar_is_described_once(connected: Connected) -> None:
    listed = {t.name: t for t in (await connected.session.list_tools()).tools}
    holders = [
        name
        for name, tool in listed.items()
        if "object_mutation" in json.dumps(tool.input_schema) + (tool.description or "")
    ]
    assert holders == ["write"]


async def until_completed(c: Connected, write_id: str) -> dict[str, Any]:
    status: dict[str, Any] = {}
    with anyio.fail_after(10):
        while status.get("write_status") != "completed":
            status = await c.ok("write_status", {"write_id": write_id})
    return status


async def every_tool_called(c: Connected) -> list[tuple[str, types.CallToolResult]]:
    """Each of the 15 tools called for real, successfully, in the shapes an agent uses."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("write", {"objects": [ANN, ACME], "text": "Ann Lee works at Acme."}),
        ("write", {"text": "Bob Stone is a designer at Globex."}),
        (
            "write",
            {
                "structured_mutations": [
                    {
                        "object_mutation": {
                            "object_type": "task",
                            "upsert": {"key": {"title": "Ship it"}, "values": {"status": "open"}},
                        }
                    }
                ]
            },
        ),
        ("read", {"query": "What is Ann Lee's email?"}),
        ("read", {"query": "Who works at Acme?", "read_mode": "raw-tables", "show_sql": True}),
        ("read", {"query": "Who works at Acme?", "read_mode": "xresponse"}),
        ("read", {"query": "the people", "sql": "SELECT name FROM person"}),
        ("read", {"query": "What is Zed's email?"}),
        ("extract", {"text": "Dana works at Initech."}),
        ("list_clusters", {}),
        ("generate_schema", {"description": "Books I own and who wrote them."}),
        ("list_instances", {}),
        ("get_instance", {}),
        ("get_instance_schema", {}),
    ]
    results = [(name, await c.call(name, args)) for name, args in calls]
    ack = await c.ok("write_async", {"text": "Carl Diaz is a teacher."})
    results.append(("write_async", await c.call("write_async", {"objects": [ACME]})))
    results.append(("write_status", await c.call("write_status", {"write_id": ack["write_id"]})))
    await until_completed(c, ack["write_id"])
    results.append(("write_status", await c.call("write_status", {"write_id": ack["write_id"]})))
    cluster = (await c.ok("list_clusters"))["clusters"][0]["id"]
    results.append(("get_cluster", await c.call("get_cluster", {"cluster_id": cluster})))
    created = await c.call("create_instance", {"name": "books", "schema_text": BOOKS})
    results.append(("create_instance", created))
    books = (created.structured_content or {})["id"]
    more = json.loads(json.dumps(BOOKS))
    more["objects"]["book"]["fields"]["year"] = {"type": "int"}
    for name, args in (
        ("update_instance_schema", {"instance_id": books, "schema_text": more}),
        ("update_instance_metadata", {"instance_id": books, "name": "library"}),
        ("delete_instance", {"instance_id": books}),
    ):
        results.append((name, await c.call(name, args)))
    return results


async def test_every_tool_returns_structured_content_that_fits_its_output_schema(
    connected: Connected,
) -> None:
    results = await every_tool_called(connected)
    schemas = {t.name: t.output_schema for t in (await connected.session.list_tools()).tools}
    assert {name for name, _ in results} == set(schemas)
    for name, result in results:
        assert not result.is_error, (name, text_of(result))
        schema = schemas[name]
        assert schema is not None and schema["type"] == "object", name
        Draft202012Validator.check_schema(schema)
        # The client validated it already (call_tool raises on a mismatch); again, explicitly.
        errors = list(Draft202012Validator(schema).iter_errors(result.structured_content))
        assert errors == [], (name, errors)


async def test_the_text_of_a_result_is_words_not_the_json_again(connected: Connected) -> None:
    for name, result in await every_tool_called(connected):
        text = text_of(result)
        assert text and not text.lstrip().startswith(("{", "[")), (name, text)
        structured = json.dumps(result.structured_content, ensure_ascii=False)
        assert structured not in text, name
        if name.startswith("write"):
            assert len(text.encode()) < 400, (name, text)


async def test_a_write_that_outlives_the_wait_fits_the_schema_too(
    connect: Callable[..., Any],
) -> None:
    async with connect(write_wait=0.05, engine_env={"XMEM_ENGINE_TEST_APPLY_DELAY": "0.5"}) as c:
        pending = await c.call("write", {"objects": [ANN, ACME]})
        assert not pending.is_error
        content = pending.structured_content or {}
        assert content["done"] is False and content["write_status"] != "completed"
        schema = {t.name: t for t in (await c.session.list_tools()).tools}["write"].output_schema
        assert schema is not None
        assert list(Draft202012Validator(schema).iter_errors(content)) == []
        done = await until_completed(c, content["write_id"])
        assert done["counts"]["created"] == 3
