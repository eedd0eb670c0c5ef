"""In-process MCP: a real `ClientSession` talking to `MemoryServer` over the SDK's memory streams,
the server backed by the real embedded engine in a temporary data directory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp.client.session import ClientSession
from mcp.shared.memory import create_client_server_memory_streams

from support.mcp_calls import tool_ok
from xmemory_mcp.backend import BackendHandle, OpenBackend
from xmemory_mcp.server import MemoryServer
from xmemory_mcp.settings import Settings


@dataclass
class Connected:
    """A live client session and everything the server sent it besides answers."""

    session: ClientSession
    memory: MemoryServer
    handle: BackendHandle
    notifications: list[Any] = field(default_factory=list)

    async def backend(self) -> OpenBackend:
        return await self.handle.get()

    def methods(self) -> list[str]:
        return [getattr(n, "method", type(n).__name__) for n in self.notifications]

    async def call(
        self, name: str, arguments: dict[str, Any] | None = None, **kw: Any
    ) -> types.CallToolResult:
        return await self.session.call_tool(name, arguments or {}, **kw)

    async def ok(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call a tool that must succeed; its structured content."""
        return await tool_ok(self.session, name, arguments or {})


@asynccontextmanager
async def serve_in_process(
    settings: Settings, *, snapshot_path: Path | None = None, gate: anyio.Event | None = None
) -> AsyncIterator[Connected]:
    """The server as `cli.serve` runs it (backend opening in the background), over memory streams.

    `gate`: the backend starts opening only once it is set.
    """
    handle = BackendHandle()
    memory = MemoryServer(settings, handle, snapshot_path=snapshot_path)
    server = memory.lowlevel()
    notifications: list[Any] = []

    async def on_message(message: Any) -> None:
        if not isinstance(message, Exception):
            notifications.append(message)

    async with (
        create_client_server_memory_streams() as (client_streams, server_streams),
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(open_after, gate, partial(handle.run, settings, anyio.Event()))
        tg.start_soon(memory.refresh_when_ready)
        tg.start_soon(server.run, *server_streams, server.create_initialization_options())
        async with ClientSession(*client_streams, message_handler=on_message) as session:
            await session.initialize()
            yield Connected(session, memory, handle, notifications)
        tg.cancel_scope.cancel()


async def open_after(gate: anyio.Event | None, run: Callable[[], Awaitable[None]]) -> None:
    if gate is not None:
        await gate.wait()
    await run()
