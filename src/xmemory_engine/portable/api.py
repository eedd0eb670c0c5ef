"""Export and import through the engine's HTTP API, to and from files on the engine's machine:
`POST /instances/{id}/export` and `POST /instances/{id}/import`.

They read and write files where the engine runs, so they answer only when the engine was
opened with `local_files` (the MCP server's embedded engine started with --portable-tools);
otherwise 403. An export never replaces a file (a new path, or an empty folder for markdown);
the answer is the path and the counts, never the data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import anyio.to_thread
from pydantic import Field

from xmemory_engine.api.bodies import Body
from xmemory_engine.errors import EngineError, InvalidRequest
from xmemory_engine.service.memory import MemoryService

# The formats' modules (portable.lines, peers, peer_export) are imported by the call that
# uses them: the engine's app imports this module for its request bodies, and every server
# start would otherwise pay ~13 ms for them before its first answer.


class LocalFilesOff(EngineError):
    """The caller asked for a file on the engine's machine, and this engine reads none."""

    status = 403
    code = "forbidden"


class ExportBody(Body):
    """POST /instances/{instance_id}/export"""

    path: str = Field(description="absolute path of a new file (a folder for markdown)")
    format: Literal["xmemory", "server-memory", "markdown"] = "xmemory"


class ImportBody(Body):
    """POST /instances/{instance_id}/import"""

    path: str = Field(description="absolute path of the file (folder for basic-memory)")
    format: Literal["xmemory", "server-memory", "basic-memory"]
    dry_run: bool = False
    mapping: str | None = Field(None, description="absolute path of a YAML type mapping")


def _local(allowed: bool, given: str, field: str) -> Path:
    if not allowed:
        raise LocalFilesOff(
            "this engine does not read or write files on its machine (start the MCP server"
            " with --portable-tools, or use `xmemory-mcp export` / `import` there)",
            field=field,
        )
    path = Path(given).expanduser()
    if not path.is_absolute():
        raise InvalidRequest("give an absolute path (it is on the engine's machine)", field=field)
    return path


async def export_to_path(
    service: MemoryService, allowed: bool, instance_id: str, body: ExportBody
) -> dict[str, Any]:
    from xmemory_engine.portable.lines import export_instance
    from xmemory_engine.portable.peer_export import export_markdown, export_server_memory

    path = _local(allowed, body.path, "path")
    live = await service.registry.get(instance_id)
    if body.format == "markdown":
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise InvalidRequest(f"{path} exists and is not an empty folder", field="path")
        counts = await export_markdown(live, path)
        return {"path": str(path), "format": body.format, "counts": counts}
    try:
        out = await anyio.to_thread.run_sync(lambda: path.open("x", encoding="utf-8"))
    except FileExistsError:
        raise InvalidRequest(f"{path} exists; exports never replace a file", field="path") from None
    except OSError as exc:
        raise InvalidRequest(f"cannot write {path}: {exc.strerror or exc}", field="path") from None
    with out:
        if body.format == "xmemory":
            counts = await export_instance(live, out.write)
        else:
            counts = await export_server_memory(live, out.write)
    return {"path": str(path), "format": body.format, "counts": counts}


async def import_from_path(
    service: MemoryService, allowed: bool, instance_id: str, body: ImportBody
) -> dict[str, Any]:
    from xmemory_engine.portable.lines import import_instance
    from xmemory_engine.portable.peers import import_peer

    path = _local(allowed, body.path, "path")
    mapping = _local(allowed, body.mapping, "mapping") if body.mapping else None
    if not path.exists():
        raise InvalidRequest(f"{path} does not exist", field="path")
    try:
        if body.format == "xmemory":
            if mapping is not None:
                raise InvalidRequest(
                    "a mapping is for server-memory and basic-memory", field="mapping"
                )
            return await import_instance(
                service, path, instance_id=instance_id, dry_run=body.dry_run
            )
        return await import_peer(
            service,
            body.format,
            path,
            instance_id=instance_id,
            mapping_path=mapping,
            dry_run=body.dry_run,
        )
    except OSError as exc:
        raise InvalidRequest(
            f"cannot read {exc.filename}: {exc.strerror or exc}", field="path"
        ) from None
