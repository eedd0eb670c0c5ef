"""The floor of `bench/mcp_bench.py`: the smallest stdio MCP server on the same SDK.

One tool, `noop`, that does nothing. Whatever xmemory-mcp costs beyond this (start-up, a call)
is ours; the rest is Python, the `mcp` package and the pipe.
"""

from __future__ import annotations

from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server
from mcp.server.stdio import stdio_server

NOOP = types.Tool(
    name="noop", description="Does nothing.", input_schema={"type": "object", "properties": {}}
)


async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
    return types.ListToolsResult(tools=[NOOP])


async def call_tool(ctx: Any, params: Any) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text="ok")])


async def main() -> None:
    server: Server[Any] = Server("floor", on_list_tools=list_tools, on_call_tool=call_tool)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
