"""`xmemory-mcp export` and `xmemory-mcp import` (also under `engine`): memory in and out of
the embedded engine's data directory.

    xmemory-mcp export [--instance ID] [--format xmemory|server-memory|markdown] [-o FILE]
    xmemory-mcp import xmemory|server-memory|basic-memory PATH [--instance ID] [--dry-run]
                       [--mapping FILE.yml]

They work on a local data directory (--data-dir, XMEM_DATA_DIR, else the user data dir), the
same one the MCP server and `engine serve` use; a server running on it meanwhile is fine (the
engine's files take several processes). Export writes the data to FILE (stdout without -o;
markdown needs a folder) and a summary to stderr; import prints what it did, or with
--dry-run what it would do, and changes nothing when the input is bad.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import anyio

EXPORT_FORMATS = ("xmemory", "server-memory", "markdown")
IMPORT_FORMATS = ("xmemory", "server-memory", "basic-memory")


def add_commands(*groups: Any) -> None:
    """Add `export` and `import` to each subparsers group (the top level, and `engine`)."""
    for group in groups:
        export = group.add_parser(
            "export",
            help="write an instance to a file (the portable line format, or a peer's)",
            description="Write one instance of the local data directory to a file: the"
            " portable line format (schema, records, relations, episodes, history), a"
            " server-memory JSONL file, or a basic-memory Markdown folder.",
        )
        export.add_argument("--instance", help="instance id (default: the default instance)")
        export.add_argument("--format", choices=EXPORT_FORMATS, default="xmemory")
        export.add_argument(
            "-o", "--output", type=Path, help="file (a folder for markdown); default stdout"
        )
        _data_dir(export)
        imp = group.add_parser(
            "import",
            help="read memory from a file: an xmemory export, server-memory JSONL, basic-memory",
            description="Read memory into the local data directory. xmemory: an export,"
            " restored as it was into a new (or empty) instance. server-memory / basic-memory:"
            " merged into an instance (default: the default one) by the schema's types.",
        )
        imp.add_argument("source_format", choices=IMPORT_FORMATS, metavar="FORMAT")
        imp.add_argument("path", type=Path, metavar="PATH")
        imp.add_argument("--instance", help="instance to import into")
        imp.add_argument("--dry-run", action="store_true", help="say what would be done, do none")
        imp.add_argument("--mapping", type=Path, help="YAML file mapping types (peers only)")
        _data_dir(imp)


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        dest="portable_data_dir",
        type=Path,
        help="engine data directory (env XMEM_DATA_DIR; default: the user data dir)",
    )


def run(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    """Run `export` or `import` as parsed; the exit status."""
    from xmemory_engine.errors import EngineError
    from xmemory_engine.settings import engine_environment

    command = args.engine_command if args.command == "engine" else args.command
    try:
        environment = engine_environment(environ)
    except ValueError as exc:
        return _fail(str(exc), 2)
    data_dir = args.portable_data_dir or getattr(args, "data_dir", None)
    overrides: dict[str, object] = {"data_dir": data_dir} if data_dir else {}
    settings = environment.engine_settings(**overrides)
    if command == "export" and args.format == "markdown" and args.output is None:
        return _fail("--format markdown writes a folder: give it with -o FOLDER", 2)
    try:
        if command == "export":
            result = anyio.run(_export, settings, args)
            print(f"xmemory-mcp: exported {_counts(result)}", file=sys.stderr)
        else:
            result = anyio.run(_import, settings, args)
            print(_import_summary(result))
    except EngineError as exc:
        return _fail(exc.message, 1)
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename}", 1)
    return 0


def _fail(message: str, status: int) -> int:
    print(f"xmemory-mcp: {message}", file=sys.stderr)
    return status


async def _export(settings: Any, args: argparse.Namespace) -> dict[str, Any]:
    from xmemory_engine.embedded import open_engine
    from xmemory_engine.portable.lines import export_instance
    from xmemory_engine.portable.peer_export import export_markdown, export_server_memory

    async with open_engine(settings) as engine:
        live = await engine.service.registry.get(args.instance or engine.default_instance_id)
        if args.format == "markdown":
            counts = await export_markdown(live, args.output)
            return counts | {"to": str(args.output)}
        out: TextIO = (
            args.output.open("w", encoding="utf-8") if args.output is not None else sys.stdout
        )
        try:
            if args.format == "xmemory":
                counts = await export_instance(live, out.write)
            else:
                counts = await export_server_memory(live, out.write)
        finally:
            if out is not sys.stdout:
                out.close()
            else:
                out.flush()
        return counts | {"to": str(args.output or "stdout")}


async def _import(settings: Any, args: argparse.Namespace) -> dict[str, Any]:
    from xmemory_engine.embedded import open_engine
    from xmemory_engine.portable.lines import import_instance
    from xmemory_engine.portable.peers import import_peer

    async with open_engine(settings) as engine:
        if args.source_format == "xmemory":
            if args.mapping is not None:
                raise _usage("--mapping is for server-memory and basic-memory files")
            return await import_instance(
                engine.service, args.path, instance_id=args.instance, dry_run=args.dry_run
            )
        return await import_peer(
            engine.service,
            args.source_format,
            args.path,
            instance_id=args.instance,
            mapping_path=args.mapping,
            dry_run=args.dry_run,
        )


def _usage(message: str) -> Exception:
    from xmemory_engine.errors import InvalidRequest

    return InvalidRequest(message)


def _counts(result: dict[str, Any]) -> str:
    parts = [f"{v:,} {k}" for k, v in result.items() if isinstance(v, int)]
    return ", ".join(parts) + f" to {result.get('to')}"


def _import_summary(report: dict[str, Any]) -> str:
    """What an import did (or would do), a line per kind, then the report as JSON."""
    dry = report.get("dry_run")
    verb = "would" if dry else "did"
    lines = [f"import into instance {report['instance_id']} ({'dry run' if dry else 'done'})"]
    if "counts" in report:  # an xmemory export
        lines.append(f"  {verb} restore: {_plain(report['counts'])}")
    else:
        records = report.get("records", {})
        lines.append(
            f"  entities: {report['entities']:,}, observations: {report['observations']:,}"
            f" (kept as episodes, and in the records' notes)"
        )
        lines.append(
            f"  {verb} create {records.get('created', 0):,} and update"
            f" {records.get('updated', 0):,} records; set {report.get('fields_set', 0):,} fields"
        )
        for etype, targets in report.get("mapped", {}).items():
            for target, count in targets.items():
                left = " (left as notes, type kept)" if target == "note" else ""
                lines.append(f"  {etype} -> {target}: {count:,}{left}")
        if report.get("relations"):
            lines.append(f"  relations: {_plain(report['relations'])}")
        if report.get("links"):
            lines.append(f"  kept as typed links: {_plain(report['links'])}")
        if report.get("schema_adds"):
            lines.append(f"  {verb} add to the schema: {', '.join(report['schema_adds'])}")
    lines.append(json.dumps(report, ensure_ascii=False))
    return "\n".join(lines)


def _plain(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items()) or "nothing"
