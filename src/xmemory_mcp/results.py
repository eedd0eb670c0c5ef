"""Tool results: `structuredContent` for programs, a short sentence for the model.

Every success carries `structuredContent` that fits the tool's `outputSchema`, and a text block
that says what happened in words (not the same data as JSON again: both land in the agent's
context). Replies are bounded: a write names what changed by type, key and field, never a
whole accumulated value. Failures are results too (`isError: true`), never protocol errors:
the model reads what went wrong and what to do, and the session carries on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import mcp_types as types

from xmemory import (
    XmemoryAPIError,
    XmemoryConnectionError,
    XmemoryResponseError,
    XmemoryTimeoutError,
)

SHORT_VALUE = 200
"""A changed value up to this many characters (as JSON) is echoed; a longer one is only named."""
LISTED_CHANGES_BYTES = 4000
"""Changes are listed one by one up to about this much JSON; the rest are counted by type."""
CHANGES_IN_TEXT = 8
"""How many changes the text names before saying how many more there are."""


def success(payload: Mapping[str, Any], headline: str) -> types.CallToolResult:
    """A result: `payload` as structured content, `headline` (a few words) as its text."""
    return types.CallToolResult(
        content=[types.TextContent(text=headline)],
        structured_content=dict(payload),
    )


def failure(message: str, error: Mapping[str, Any]) -> types.CallToolResult:
    """An `isError` result; `error` lands under `structuredContent.error`."""
    return types.CallToolResult(
        content=[types.TextContent(text=message)],
        structured_content={"error": dict(error)},
        is_error=True,
    )


# -- what a write changed ----------------------------------------------------------------------


def change_report(changes: Any) -> tuple[dict[str, Any], str]:
    """`counts` and `changes` (by type, key and field, bounded) of a write's changes, and the
    same in words for the text.

    The backend reports each change with its whole record (`values`, `before`/`after`); a field
    that accumulates (a person's notes after a thousand merges) would be echoed in full on every
    write. Here a change keeps its type, key and xuid, the names of the fields it set, and only
    the values that are short; past `LISTED_CHANGES_BYTES` the rest are only counted
    (`omitted`, per operation), as are those the backend itself did not list.
    """
    ops = ("created", "updated", "deleted")
    items = {op: list(_get(changes, op) or []) for op in ops}
    counts = {op: len(items[op]) for op in ops}
    reported = _get(changes, "counts")
    if isinstance(reported, Mapping):
        counts.update({op: n for op, n in reported.items() if op in counts and isinstance(n, int)})
    listed: dict[str, list[dict[str, Any]]] = {op: [] for op in ops}
    phrases: list[str] = []
    used = 0
    for op in ops:
        for item in items[op]:
            entry = _change_entry(item, with_values=op != "deleted")
            size = len(_json(entry))
            if used + size > LISTED_CHANGES_BYTES:
                break
            used += size
            listed[op].append(entry)
            if len(phrases) < CHANGES_IN_TEXT:
                phrases.append(f"{op} {_phrase(entry)}")
    report: dict[str, Any] = {"counts": counts, "changes": listed}
    omitted = {op: counts[op] - len(listed[op]) for op in ops if counts[op] > len(listed[op])}
    if omitted:
        report["omitted"] = omitted
    return report, _sentence(phrases, sum(counts.values()))


def _sentence(phrases: list[str], total: int) -> str:
    """`created person Ann Lee (email); updated …`, and how many more there are."""
    if total == 0:
        return "nothing changed."
    more = total - len(phrases)
    if not phrases:
        return f"{total} changes."
    return "; ".join(phrases) + (f"; and {more} more." if more > 0 else ".")


def _get(container: Any, name: str) -> Any:
    if isinstance(container, Mapping):
        return container.get(name)
    return getattr(container, name, None)


def _change_entry(item: Any, *, with_values: bool) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        return {"value": _clip(item)}
    entry: dict[str, Any] = {}
    for name in ("object_type", "relation_type", "xuid"):
        if item.get(name) is not None:
            entry[name] = item[name]
    key = item.get("key")
    if isinstance(key, Mapping):
        entry["key"] = {k: _clip(v) for k, v in key.items()}
    if isinstance(item.get("endpoints"), Mapping):
        entry["endpoints"] = {k: _clip(v) for k, v in item["endpoints"].items()}
    new = item.get("after") if isinstance(item.get("after"), Mapping) else item.get("values")
    if with_values and isinstance(new, Mapping):
        fields = [f for f in new if not isinstance(key, Mapping) or f not in key]
        if fields:
            entry["fields"] = fields
        short = {f: new[f] for f in fields if len(_json(new[f])) <= SHORT_VALUE}
        if short:
            entry["values"] = short
    return entry


def _clip(value: Any) -> Any:
    """A key or id as it is, unless it is long: then its start, marked as cut."""
    if isinstance(value, str) and len(value) > SHORT_VALUE:
        return value[:SHORT_VALUE] + "…"
    return value


def _phrase(entry: Mapping[str, Any]) -> str:
    kind = entry.get("object_type") or entry.get("relation_type") or "record"
    key = entry.get("key")
    name = ", ".join(str(v) for v in key.values()) if isinstance(key, Mapping) and key else ""
    if not name and entry.get("object_type"):
        name = str(entry.get("xuid") or "")
    text = f"{kind} {_short_text(name, 60)}".strip()
    fields = entry.get("fields")
    if fields and entry.get("object_type"):
        text += f" ({', '.join(fields[:6])}{', …' if len(fields) > 6 else ''})"
    return text


def _short_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- failures ----------------------------------------------------------------------------------


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


# The SDK's messages start with the request they answer ("POST /instances/…/read: HTTP 413
# payload_too_large: …"): useful in a log, noise to an agent, which never sees HTTP paths.
_REQUEST_LINE = re.compile(r"^[A-Z]+ /\S*: ")
_STATUS_PART = re.compile(r"^HTTP \d{3}(?: [a-z_]+)?: ")


def detail(exc: XmemoryAPIError) -> str:
    """What the API said, without the request line and status the SDK puts in front."""
    said = _STATUS_PART.sub("", _REQUEST_LINE.sub("", exc.message, count=1), count=1)
    return said.strip() or exc.message


def api_error(tool: str, exc: XmemoryAPIError) -> types.CallToolResult:
    """An SDK failure: the status and code it carried, what the API said, and what to do."""
    said = detail(exc)
    if exc.status is not None and not isinstance(exc, XmemoryResponseError):
        said = f"HTTP {exc.status}{f' {exc.code}' if exc.code else ''}: {said}"
    hint = _hint(tool, exc)
    error: dict[str, Any] = {
        "kind": "api_error",
        "tool": tool,
        "status": exc.status,
        "code": exc.code,
        "message": detail(exc),
        "hint": hint,
    }
    if exc.field:
        error["field"] = exc.field
    if exc.resource_id:
        error["resource_id"] = exc.resource_id
    return failure(f"{tool} failed: {said}\nWhat to do: {hint}", error)


_WRITES = frozenset({"write", "write_async"})
_INSTANCE_TOOLS = frozenset({"write", "write_async", "write_status", "read", "extract"})
_CLUSTER_TOOLS = frozenset({"list_clusters", "get_cluster", "generate_schema", "create_instance"})


def _hint(tool: str, exc: XmemoryAPIError) -> str:
    """What to do next, in terms of this tool's own arguments."""
    if isinstance(exc, XmemoryTimeoutError):
        return "the memory did not answer in time; retry once, then try a smaller request."
    if isinstance(exc, XmemoryConnectionError):
        return (
            "the memory backend is unreachable from the MCP server; the user should check the"
            " server's --url / XMEM_API_URL and the network. Retrying now will not help."
        )
    if isinstance(exc, XmemoryResponseError):
        return "the backend answered with something unusable; retry once, and report it if it persists."
    status = exc.status or 0
    if status in (400, 422):
        where = (
            " (the object types and fields are in write's description)"
            if tool in _INSTANCE_TOOLS
            else ""
        )
        return f"fix the arguments as the message says{where}, then retry."
    if status == 401:
        return (
            "the MCP server's credential was refused; the user must set a valid XMEM_AUTH_TOKEN"
            " (or --token) for the server. Retrying will not help."
        )
    if status == 403:
        return "the server's credential may not touch this resource; use another instance or ask the user."
    if status == 404:
        return _not_found_hint(tool)
    if status == 409:
        return "the request conflicts with what is stored; read the current state, then retry."
    if status == 413:
        return _too_large_hint(tool)
    if status == 429:
        return "too many requests; wait a little, then retry."
    if status >= 500:
        return "the memory backend failed; retry once later, and report it if it persists."
    return "read the message above, adjust the call, and retry."


def _not_found_hint(tool: str) -> str:
    if tool == "write_status":
        return "use the write_id that write or write_async returned, with the same instance_id."
    if tool in _CLUSTER_TOOLS:
        return "check cluster_id: list_clusters shows the clusters that exist."
    if tool in _INSTANCE_TOOLS:
        return "check instance_id (or leave it out for the bound instance): list_instances shows the instances."
    return "check instance_id: list_instances shows the instances that exist."


def _too_large_hint(tool: str) -> str:
    if tool in _WRITES:
        return "split the text (or the objects) into several smaller writes."
    if tool == "read":
        return "ask a shorter question (and shorten sql, if given)."
    if tool == "extract":
        return "extract from a shorter text, a part at a time."
    return "send a smaller request (a shorter schema or description)."


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
