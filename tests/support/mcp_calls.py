"""Calling an MCP tool from a test: the `mcp` client's session, the structured result."""

from __future__ import annotations

from typing import Any

from mcp.client.session import ClientSession


async def tool_ok(session: ClientSession, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call a tool that must succeed; its structured content."""
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content
