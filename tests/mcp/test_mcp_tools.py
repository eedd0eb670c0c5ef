"""The tool list: built from the bound instance's describe(), annotated, refreshed on change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp_support import Connected
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from xmemory_mcp.backend import open_backend
from xmemory_mcp.server import MemoryServer
from xmemory_mcp.settings import Settings
from xmemory_mcp.tools import INSTANCE_TOOL_NAMES

pytestmark = pytest.mark.anyio

ADMIN_TOOLS = {
    "list_clusters",
    "get_cluster",
    "generate_schema",
    "create_instance",
    "list_instances",
    "get_instance",
    "get_instance_schema",
    "update_instance_schema",
    "update_instance_metadata",
    "delete_instance",
}


async def test_instance_tools_take_their_parameters_from_describe(connected: Connected) -> None:
    backend = await connected.backend()
    describe = await backend.client.instance(backend.default_instance_id or "").describe()
    listed = {t.name: t for t in (await connected.session.list_tools()).tools}
    for described in describe.tools:
        if described.name not in INSTANCE_TOOL_NAMES:
            continue
        tool = listed[described.name]
        expected = described.input_schema()
        assert tool.input_schema.get("required", []) == expected["required"]
        properties = dict(tool.input_schema["properties"])
        assert properties.pop("instance_id")["type"] == "string"
        if described.name in ("write", "write_async"):
            assert properties.pop("objects")["type"] == "array"
        if described.name == "read":
            assert properties.pop("show_sql")["type"] == "boolean"
        assert properties.keys() == expected["properties"].keys()
        for name, spec in expected["properties"].items():
            assert properties[name]["type"] == spec["type"], name
            assert properties[name].get("enum") == spec.get("enum"), name
            assert properties[name].get("default") == spec.get("default"), name
        assert tool.description


async def test_the_schema_is_in_write_alone_and_the_others_point_to_it(
    connected: Connected,
) -> None:
    backend = await connected.backend()
    describe = await backend.client.instance(backend.default_instance_id or "").describe()
    listed = {t.name: t for t in (await connected.session.list_tools()).tools}
    write = listed["write"].description or ""
    # Every object type and relation of the schema, with its key and fields, once.
    for line in (describe.schema_summary or "").splitlines():
        if line.startswith("- "):
            assert line in write, line
    assert "fields: name, email, phone, role, company, location, relationship, notes" in write
    for name in ("read", "extract", "write_async"):
        others = listed[name].description or ""
        assert "A person the user knows or mentions" not in others, name
    assert "see write" in (listed["read"].description or "")
    assert "same arguments as write" in (listed["write_async"].description or "")


async def test_every_instance_and_admin_tool_is_listed(connected: Connected) -> None:
    names = {t.name for t in (await connected.session.list_tools()).tools}
    assert names == set(INSTANCE_TOOL_NAMES) | ADMIN_TOOLS


async def test_no_admin_hides_the_admin_tools(connect: Callable[..., Any]) -> None:
    async with connect(admin=False) as c:
        names = {t.name for t in (await c.session.list_tools()).tools}
    assert names == set(INSTANCE_TOOL_NAMES)


async def test_annotations_say_which_tools_only_read_and_which_destroy(
    connected: Connected,
) -> None:
    tools = {t.name: t.annotations for t in (await connected.session.list_tools()).tools}
    for name in ("read", "extract", "write_status", "list_instances", "get_instance_schema"):
        assert tools[name] is not None and tools[name].read_only_hint is True, name
    for name in ("write", "write_async", "create_instance", "delete_instance"):
        assert tools[name] is not None and tools[name].read_only_hint is False, name
    assert (
        tools["delete_instance"] is not None and tools["delete_instance"].destructive_hint is True
    )
    assert tools["write"] is not None and tools["write"].destructive_hint is False
    assert tools["update_instance_schema"] is not None
    assert tools["update_instance_schema"].idempotent_hint is True


async def test_the_server_announces_that_its_tool_list_can_change(connected: Connected) -> None:
    capabilities = connected.session.server_capabilities
    assert capabilities is not None and capabilities.tools is not None
    assert capabilities.tools.list_changed is True


async def test_create_instance_rebuilds_the_tools_and_notifies(connected: Connected) -> None:
    created = await connected.ok(
        "create_instance",
        {
            "name": "reading-list",
            "schema_text": {"objects": {"book": {"fields": {"title": {"type": "str"}}}}},
        },
    )
    assert "notifications/tools/list_changed" in connected.methods()
    tools = {t.name: t for t in (await connected.session.list_tools()).tools}
    # write's instance_id parameter (the one that lists them) now names the new instance.
    assert created["id"] in tools["write"].input_schema["properties"]["instance_id"]["description"]
    assert (
        created["id"] not in tools["read"].input_schema["properties"]["instance_id"]["description"]
    )


async def test_an_undescribable_bound_instance_leaves_usable_fallback_tools(
    connect: Callable[..., Any],
) -> None:
    async with connect(instance_id="no-such-instance") as c:
        tools = {t.name: t for t in (await c.session.list_tools()).tools}
        assert set(INSTANCE_TOOL_NAMES) <= set(tools)
        assert "could not be described" in (tools["read"].description or "")
        assert "/instances" not in (tools["read"].description or "")  # no request paths
        result = await c.call("read", {"query": "anything"})
        assert result.is_error
        assert "404" in result.content[0].text  # type: ignore[union-attr]


async def test_2026_clients_hear_of_tool_changes_through_subscriptions(settings: Settings) -> None:
    async with open_backend(settings) as backend:
        memory = MemoryServer(settings, backend)
        async with Client(memory.lowlevel()) as client:
            assert client.protocol_version in MODERN_PROTOCOL_VERSIONS
            tools = await client.list_tools()
            assert {t.name for t in tools.tools} >= set(INSTANCE_TOOL_NAMES)
            async with client.listen(tools_list_changed=True) as subscription:
                created = await client.call_tool(
                    "create_instance",
                    {
                        "name": "later",
                        "schema_text": "objects: {memo: {fields: {text: {type: str}}}}",
                    },
                )
                assert not created.is_error, created.content
                with anyio.fail_after(5):
                    async for _event in subscription:
                        break
