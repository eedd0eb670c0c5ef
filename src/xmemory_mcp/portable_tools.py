"""The `export_memory` and `import_memory` tools: an instance to a file, or memory from a file
(the portable line format, server-memory JSONL, basic-memory folders), on the machine the
embedded engine runs on.

They are listed only when the server is started with `--portable-tools` on the embedded
engine: the default `tools/list` is held to a budget (tests/mcp/test_mcp_context.py) two more
tools do not fit, and they read and write local files, which a remote backend must not be
asked to do. The answer is the path and the counts, never the data: an export of a large
memory is not for the agent's context.

The engine serves them at `POST /instances/{id}/export` and `/import` (`xmemory_engine/
portable/api.py`), answering only when opened with `local_files`; the published SDK has no
method for them, so the call is made with the SDK's own request machinery.
"""

from __future__ import annotations

from typing import Any

import mcp_types as types

from xmemory import AsyncInstanceAPI
from xmemory._wire import Call, Envelope

from .results import success
from .tools import Behaviour, Catalog, ToolSpec

EXPORT, IMPORT = "export_memory", "import_memory"
EXPORT_BEHAVIOUR = Behaviour("Export memory to a file", read_only=False)
IMPORT_BEHAVIOUR = Behaviour("Import memory from a file", read_only=False)
EXPORT_DESCRIPTION = (
    "Write the memory to a new file on this machine (format: xmemory = everything, with"
    " history; server-memory JSONL; markdown folder). Returns path and counts."
)
IMPORT_DESCRIPTION = (
    "Read memory from a file on this machine: an xmemory export (into a new instance),"
    " server-memory JSONL or a basic-memory folder (merged). dry_run: only report."
)
OUTPUT_SCHEMA = {"type": "object"}


def _schema(formats: tuple[str, ...], extra: dict[str, Any], bound: str | None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "path": {"type": "string", "minLength": 2},
        "format": {"enum": list(formats)},
        **extra,
        "instance_id": {"type": "string", "minLength": 1},
    }
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    schema["required"] = ["path", "format"] if bound else ["path", "format", "instance_id"]
    schema["additionalProperties"] = False
    return schema


def add_tools(catalog: Catalog, bound_instance_id: str | None) -> None:
    """Offer both tools in `catalog` (the caller checked the backend is the embedded engine)."""
    export_schema = _schema(("xmemory", "server-memory", "markdown"), {}, bound_instance_id)
    import_schema = _schema(
        ("xmemory", "server-memory", "basic-memory"),
        {"dry_run": {"type": "boolean"}, "mapping": {"type": "string"}},
        bound_instance_id,
    )
    catalog.tools[EXPORT] = ToolSpec(
        EXPORT, EXPORT_DESCRIPTION, export_schema, EXPORT_BEHAVIOUR, OUTPUT_SCHEMA
    )
    catalog.tools[IMPORT] = ToolSpec(
        IMPORT, IMPORT_DESCRIPTION, import_schema, IMPORT_BEHAVIOUR, OUTPUT_SCHEMA
    )


def _first(envelope: Envelope) -> dict[str, Any]:
    item = envelope.items[0] if envelope.items else {}
    return item if isinstance(item, dict) else {}


async def _post(instance: AsyncInstanceAPI, tail: str, body: dict[str, Any]) -> dict[str, Any]:
    call = Call("POST", f"/instances/{instance.id}/{tail}", _first, body=body)
    return await instance._client._send(call, None)


async def export_memory(instance: AsyncInstanceAPI, args: dict[str, Any]) -> types.CallToolResult:
    body = {"path": args["path"], "format": args["format"]}
    item = await _post(instance, "export", body)
    counts = item.get("counts") or {}
    shown = ", ".join(f"{v:,} {k}" for k, v in counts.items() if isinstance(v, int))
    return success(item, f"Exported {shown} to {item.get('path')}.")


async def import_memory(instance: AsyncInstanceAPI, args: dict[str, Any]) -> types.CallToolResult:
    body: dict[str, Any] = {
        k: args[k] for k in ("path", "format", "dry_run", "mapping") if k in args
    }
    item = await _post(instance, "import", body)
    verb = "Would import" if item.get("dry_run") else "Imported"
    if "counts" in item:
        done = ", ".join(f"{v:,} {k}" for k, v in item["counts"].items())
    else:
        records = item.get("records") or {}
        done = (
            f"{item.get('entities', 0):,} entities ({records.get('created', 0):,} new records,"
            f" {records.get('updated', 0):,} updated), {item.get('observations', 0):,}"
            " observations"
        )
    return success(item, f"{verb} {done} into instance {item.get('instance_id')}.")
