"""Start-up: the first tools/list from the last run's snapshot, and a backend that fails to open."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp.client.session import ClientSession
from mcp.shared.memory import create_client_server_memory_streams
from mcp_support import serve_in_process

from xmemory_mcp.backend import BackendHandle
from xmemory_mcp.server import MemoryServer
from xmemory_mcp.settings import Settings

pytestmark = pytest.mark.anyio


async def list_without_a_backend(
    settings: Settings, snapshot_path: Path, wait: float = 5
) -> list[types.Tool] | None:
    """tools/list from a server whose backend never opens; None if it got no answer."""
    tools = None
    memory = MemoryServer(settings, BackendHandle(), snapshot_path=snapshot_path)
    server = memory.lowlevel()
    async with (
        create_client_server_memory_streams() as (client_streams, server_streams),
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(server.run, *server_streams, server.create_initialization_options())
        async with ClientSession(*client_streams) as session:
            await session.initialize()
            with anyio.move_on_after(wait):
                tools = (await session.list_tools()).tools
        tg.cancel_scope.cancel()
    return tools


def dump(tools: list[types.Tool]) -> list[dict[str, Any]]:
    return [t.model_dump(mode="json") for t in tools]


async def test_the_first_list_comes_from_the_snapshot_of_the_last_run(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "mcp-tools.json"
    async with serve_in_process(settings, snapshot_path=path) as c:
        fresh = (await c.session.list_tools()).tools
    assert path.exists()
    early = await list_without_a_backend(settings, path)
    assert early is not None and dump(early) == dump(fresh)


async def test_a_snapshot_taken_for_another_instance_is_not_used(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "mcp-tools.json"
    async with serve_in_process(settings, snapshot_path=path) as c:
        await c.session.list_tools()  # the catalog is built, and its snapshot taken
    other = settings.__class__(**{**settings.__dict__, "instance_id": "another"})
    assert await list_without_a_backend(other, path, wait=0.5) is None


async def test_when_the_snapshot_is_stale_clients_are_told_to_list_again(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "mcp-tools.json"
    async with serve_in_process(settings, snapshot_path=path) as c:
        await c.session.list_tools()  # the catalog is built, and its snapshot taken
    stale = json.loads(path.read_text())
    stale["describe"]["schema_summary"] = "OLD SUMMARY"
    path.write_text(json.dumps(stale))
    gate = anyio.Event()
    async with serve_in_process(settings, snapshot_path=path, gate=gate) as c:
        first = (await c.session.list_tools()).tools
        gate.set()
        with anyio.fail_after(5):
            while "notifications/tools/list_changed" not in c.methods():  # noqa: ASYNC110
                await anyio.sleep(0.01)
        second = (await c.session.list_tools()).tools
    assert "OLD SUMMARY" in (first[0].description or "")
    assert "OLD SUMMARY" not in (second[0].description or "")


async def test_a_backend_that_cannot_open_leaves_a_session_that_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    async with serve_in_process(Settings(data_dir=blocker / "data")) as c:
        tools = {t.name: t for t in (await c.session.list_tools()).tools}
        assert "could not be opened" in (tools["read"].description or "")
        result = await c.call("read", {"query": "anything"})
        assert result.is_error
        assert isinstance(result.structured_content, dict)
        assert result.structured_content["error"]["kind"] == "backend_unavailable"


async def test_a_call_made_while_the_engine_opens_is_answered_before_the_refresh(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "mcp-tools.json"
    async with serve_in_process(settings, snapshot_path=path) as c:
        await c.session.list_tools()  # the catalog is built, and its snapshot taken
    stale = json.loads(path.read_text())
    stale["describe"]["schema_summary"] = "OLD SUMMARY"
    path.write_text(json.dumps(stale))
    gate = anyio.Event()
    async with serve_in_process(settings, snapshot_path=path, gate=gate) as c:
        first = (await c.session.list_tools()).tools
        assert "OLD SUMMARY" in (first[0].description or "")
        answered: list[types.CallToolResult] = []

        async def call_first() -> None:
            answered.append(await c.call("read", {"query": "Who is Ann?"}))

        async with anyio.create_task_group() as tg:
            tg.start_soon(call_first)  # waits for the engine, which the gate holds back
            await anyio.sleep(0.05)
            gate.set()
        assert not answered[0].is_error, answered[0].content
        # The refresh still comes (after the call): the stale snapshot is replaced and announced.
        with anyio.fail_after(5):
            while "notifications/tools/list_changed" not in c.methods():  # noqa: ASYNC110
                await anyio.sleep(0.01)
        second = (await c.session.list_tools()).tools
        assert "OLD SUMMARY" not in (second[0].description or "")
    assert "OLD SUMMARY" not in path.read_text()
