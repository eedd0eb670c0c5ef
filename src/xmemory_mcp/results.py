"""Tool results: `structuredContent` for programs, a readable text block for the model.

Failures are results too (`isError: true`), never protocol errors: the model reads what went
wrong and what to do, and the session carries on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import mcp_types as types

from xmemory import (
    XmemoryAPIError,
    XmemoryConnectionError,
    XmemoryResponseError,
    XmemoryTimeoutError,
)


def success(payload: Mapping[str, Any], headline: str) -> types.CallToolResult:
    """A result whose text is a one-line headline followed by the payload as JSON."""
    return types.CallToolResult(
        content=[types.TextContent(text=f"{headline}\n{_json(payload)}")],
        structured_content=dict(payload),
    )


def failure(message: str, error: Mapping[str, Any]) -> types.CallToolResult:
    """An `isError` result; `error` lands under `structuredContent.error`."""
    return types.CallToolResult(
        content=[types.TextContent(text=message)],
        structured_content={"error": dict(error)},
        is_error=True,
    )


def invalid_arguments(
    tool: str, problems: list[str], schema: Mapping[str, Any]
) -> types.CallToolResult:
    """The arguments do not fit the tool's input schema: list each problem and the expectation."""
    required = list(schema.get("required", []))
    optional = [p for p in schema.get("properties", {}) if p not in required]
    lines = [f"Invalid arguments for {tool}:"]
    lines += [f"- {p}" for p in problems]
    lines.append(
        f"What to do: call {tool} again with arguments that fit its input schema"
        f" (required: {', '.join(required) or 'none'}; optional: {', '.join(optional) or 'none'})."
    )
    return failure(
        "\n".join(lines),
        {"kind": "invalid_arguments", "tool": tool, "problems": problems},
    )


def api_error(tool: str, exc: XmemoryAPIError) -> types.CallToolResult:
    """An SDK failure, with the HTTP status and code it carried and what to do about it."""
    status = f"HTTP {exc.status}" if exc.status is not None else "no HTTP answer"
    code = f" {exc.code}" if exc.code else ""
    # The SDK's message usually names the request, status and code already.
    said = exc.message if status in exc.message else f"{status}{code}: {exc.message}"
    message = f"{tool} failed: {said}\nWhat to do: {_hint(exc)}"
    error: dict[str, Any] = {
        "kind": "api_error",
        "tool": tool,
        "status": exc.status,
        "code": exc.code,
        "message": exc.message,
        "hint": _hint(exc),
    }
    if exc.field:
        error["field"] = exc.field
    if exc.resource_id:
        error["resource_id"] = exc.resource_id
    return failure(message, error)


def _hint(exc: XmemoryAPIError) -> str:
    if isinstance(exc, XmemoryTimeoutError):
        return "the API did not answer in time; retry once, then try a smaller request."
    if isinstance(exc, XmemoryConnectionError):
        return (
            "the xmemory API is unreachable from the MCP server; the user should check the"
            " server's --url / XMEM_API_URL and the network. Retrying now will not help."
        )
    if isinstance(exc, XmemoryResponseError):
        return "the API answered with something unusable; retry once, and report it if it persists."
    status = exc.status or 0
    if status == 400 or status == 422:
        return "fix the arguments as the message says (the tool's description lists the schema), then retry."
    if status == 401:
        return (
            "the MCP server's credential was refused; the user must set a valid XMEM_AUTH_TOKEN"
            " (or --token) for the server. Retrying will not help."
        )
    if status == 403:
        return "the server's credential may not touch this resource; use another instance or ask the user."
    if status == 404:
        return (
            "check the id: list_instances shows the instances that exist, and a write_id comes"
            " from write_async or write."
        )
    if status == 409:
        return "the request conflicts with what is stored; read the current state, then retry."
    if status == 413:
        return "the request is too large; split the text into smaller writes."
    if status == 429:
        return "too many requests; wait a little, then retry."
    if status >= 500:
        return "the xmemory server failed; retry once later, and report it if it persists."
    return "read the message above, adjust the call, and retry."


def _json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, default=str)
