"""The portable line format, version 1: one instance as JSON lines (docs/portable-format.md).

    {"xmemory": {"format": "xmemory-portable", "version": 1, "instance": {...}, "schema": {...}}}
    {"episode": {"id": 1, "write_id": "...", "kind": "text", "text": "...", ...}}
    {"record": {"type": "person", "xuid": "...", "values": {...}, "created_at": "...", ...}}
    {"relation": {"type": "works_at", "xuid": "...", "ends": {"employee": "<xuid>", ...}, ...}}
    {"fact": {"xuid": "...", "type": "person", "field": "email", "value": "...", "episode": 1, ...}}
    {"end": {"episodes": 1, "records": 1, "relations": 0, "facts": 3}}

Export reads one snapshot and writes line by line; import reads the file twice, once to check
every line (a bad line is named and nothing is stored), then to store it in batches. Both hold
a page of rows at a time, never the instance.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import anyio.to_thread

from xmemory import __version__
from xmemory_engine.errors import Conflict, InvalidRequest
from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema, parse_schema
from xmemory_engine.service.instances import LiveInstance
from xmemory_engine.service.memory import MemoryService
from xmemory_engine.store.base import (
    FactRow,
    KeptEpisode,
    Record,
    RestoreBatch,
    Tables,
    utc_now,
)

FORMAT = "xmemory-portable"
VERSION = 1
PAGE = 1000
BATCH = 5000  # rows per restore transaction
KINDS = ("episode", "record", "relation", "fact")
_INSTANCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass
class Counts:
    episodes: int = 0
    records: int = 0
    relations: int = 0
    facts: int = 0

    def add(self, kind: str) -> None:
        setattr(self, kind + "s", getattr(self, kind + "s") + 1)

    def as_dict(self) -> dict[str, int]:
        return {k + "s": getattr(self, k + "s") for k in KINDS}


def _line(kind: str, body: dict[str, Any]) -> str:
    return json.dumps({kind: body}, ensure_ascii=False) + "\n"


# -- export -------------------------------------------------------------------------------------


async def export_instance(live: LiveInstance, write: Callable[[str], object]) -> dict[str, int]:
    """Write the instance as lines through `write`, from one consistent snapshot."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utc_now(),
        "engine": __version__,
        "instance": {
            "id": live.row.id,
            "name": live.row.name,
            "description": live.row.description,
            "cluster_id": live.row.cluster_id,
            "created_at": live.row.created_at,
        },
        "schema": {
            "type": live.row.schema_type,
            "text": live.row.schema_text,
            "description": live.row.schema_description,
            "version": live.row.schema_version,
        },
    }
    write(_line("xmemory", header))
    counts = await live.data.read(live.schema, lambda tables: _write_rows(tables, write))
    write(_line("end", counts.as_dict()))
    return counts.as_dict()


def _write_rows(tables: Tables, write: Callable[[str], object]) -> Counts:
    counts = Counts()
    after_id = 0
    while episodes := tables.episodes_after(after_id, PAGE):
        for e in episodes:
            write(_line("episode", _episode_body(e)))
        counts.episodes += len(episodes)
        after_id = episodes[-1].id
    for obj in tables.schema.objects.values():
        counts.records += _write_table(tables, obj, write)
    for rel in tables.schema.relations.values():
        counts.relations += _write_table(tables, rel, write)
    after = ""
    while xuids := tables.fact_xuids(after, PAGE):
        for f in tables.facts(xuids, current_only=False):
            write(_line("fact", _fact_body(f)))
            counts.facts += 1
        after = xuids[-1]
    return counts


def _write_table(
    tables: Tables, spec: ObjectSpec | RelationSpec, write: Callable[[str], object]
) -> int:
    kind = "record" if isinstance(spec, ObjectSpec) else "relation"
    written = 0
    after = ""
    while rows := tables.scan(spec, after, PAGE):
        for row in rows:
            body: dict[str, Any] = {"type": spec.name, "xuid": row["xuid"]}
            if isinstance(spec, RelationSpec):
                body["ends"] = {r: row[spec.role_column(r)] for r in spec.roles}
            body["values"] = {f: row.get(f) for f in spec.fields if row.get(f) is not None}
            body["created_at"] = row["created_at"]
            body["updated_at"] = row["updated_at"]
            write(_line(kind, body))
        written += len(rows)
        after = rows[-1]["xuid"]
    return written


def _episode_body(e: KeptEpisode) -> dict[str, Any]:
    return {
        "id": e.id,
        "write_id": e.write_id,
        "kind": e.kind,
        "text": e.text,
        "payload": e.payload,
        "occurred_at": e.occurred_at,
        "recorded_at": e.recorded_at,
    }


def _fact_body(f: FactRow) -> dict[str, Any]:
    return {
        "xuid": f.xuid,
        "type": f.type,
        "field": f.field,
        "value": f.value,
        "episode": f.episode_id,
        "recorded_at": f.recorded_at,
        "retired_at": f.retired_at,
        "retired_by": f.retired_by,
    }


# -- import -------------------------------------------------------------------------------------


@dataclass
class Header:
    instance: dict[str, Any]
    schema: Schema
    schema_text: str
    schema_type: str
    schema_description: str | None
    counts: Counts = field(default_factory=Counts)


def _bad(lineno: int, message: str) -> InvalidRequest:
    return InvalidRequest(f"line {lineno}: {message}", field=f"line {lineno}")


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open("r", encoding="utf-8") as handle:
        for lineno, text in enumerate(handle, 1):
            if not text.strip():
                continue
            try:
                yield lineno, json.loads(text)
            except json.JSONDecodeError as exc:
                raise _bad(lineno, f"not JSON ({exc.msg} at column {exc.colno})") from None


def _parse_header(lineno: int, item: Any) -> Header:
    body = item.get("xmemory") if isinstance(item, dict) else None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _bad(
            lineno,
            f"not an xmemory export (the first line is {{'xmemory': {{'format': '{FORMAT}', ...}}}})",
        )
    version = body.get("version")
    if not isinstance(version, int) or version < 1:
        raise _bad(lineno, "the header's 'version' is a positive whole number")
    if version > VERSION:
        raise _bad(
            lineno,
            f"format version {version} is newer than this xmemory-mcp reads ({VERSION}); upgrade it",
        )
    instance, schema = body.get("instance"), body.get("schema")
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        raise _bad(lineno, "the header has 'instance' and 'schema' objects")
    text, kind = schema.get("text"), schema.get("type", "yml")
    if not isinstance(text, str) or kind not in ("yml", "json"):
        raise _bad(lineno, "the header's schema has 'text' and a 'type' of yml or json")
    try:
        parsed = parse_schema(text, kind)
    except Exception as exc:
        raise _bad(lineno, f"the header's schema does not parse: {exc}") from None
    description = schema.get("description")
    return Header(
        instance, parsed, text, kind, description if isinstance(description, str) else None
    )


def _parse_row(lineno: int, item: Any, schema: Schema) -> tuple[str, Any]:
    """(kind, what `restore` takes) from one line; InvalidRequest naming the line."""
    if not isinstance(item, dict) or len(item) != 1:
        raise _bad(
            lineno, "a line is an object with one key: episode, record, relation, fact or end"
        )
    kind, body = next(iter(item.items()))
    if not isinstance(body, dict):
        raise _bad(lineno, f"'{kind}' holds an object")
    try:
        if kind == "episode":
            return kind, KeptEpisode(
                id=_int(body["id"]),
                write_id=_opt_str(body.get("write_id")),
                kind=str(body["kind"]),
                text=str(body["text"]),
                payload=body.get("payload"),
                occurred_at=_opt_str(body.get("occurred_at")),
                recorded_at=str(body["recorded_at"]),
            )
        if kind in ("record", "relation"):
            return kind, _record(body, schema, kind)
        if kind == "fact":
            return kind, FactRow(
                id=0,
                xuid=str(body["xuid"]),
                type=str(body["type"]),
                field=str(body["field"]),
                value=body.get("value"),
                episode_id=_int(body["episode"]),
                recorded_at=str(body["recorded_at"]),
                retired_at=_opt_str(body.get("retired_at")),
                retired_by=None if body.get("retired_by") is None else _int(body["retired_by"]),
            )
        if kind == "end":
            return kind, body
    except KeyError as exc:
        raise _bad(lineno, f"'{kind}' lacks {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise _bad(lineno, f"'{kind}': {exc}") from None
    raise _bad(lineno, f"unknown line kind {kind!r}")


def _record(body: dict[str, Any], schema: Schema, kind: str) -> tuple[str, Record]:
    type_name = str(body["type"])
    spec: ObjectSpec | RelationSpec | None = (
        schema.objects.get(type_name) if kind == "record" else schema.relations.get(type_name)
    )
    if spec is None:
        raise ValueError(
            f"the schema has no {'object type' if kind == 'record' else 'relation'} {type_name!r}"
        )
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise ValueError("'values' is an object")
    unknown = sorted(set(values) - set(spec.fields))
    if unknown:
        raise ValueError(f"{type_name} has no field {unknown[0]!r}")
    record: Record = {"xuid": str(body["xuid"]), **values}
    record["created_at"] = str(body["created_at"])
    record["updated_at"] = str(body["updated_at"])
    if isinstance(spec, RelationSpec):
        ends = body["ends"]
        if not isinstance(ends, dict) or set(ends) != set(spec.roles):
            raise ValueError(f"'ends' names each role of {type_name}: {sorted(spec.roles)}")
        for role, xuid in ends.items():
            record[spec.role_column(role)] = str(xuid)
    return type_name, record


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def check_file(path: Path) -> Header:
    """Read every line once: the header, and the counts of what the file holds. A line that
    does not parse, or a file cut short (no end line, or counts that differ), is an error."""
    rows = _lines(path)
    first = next(rows, None)
    if first is None:
        raise InvalidRequest(f"{path} is empty")
    header = _parse_header(*first)
    seen_relation = False
    end: dict[str, Any] | None = None
    for lineno, item in rows:
        if end is not None:
            raise _bad(lineno, "a line after the end line")
        kind, parsed = _parse_row(lineno, item, header.schema)
        if kind == "end":
            end = parsed
            continue
        if kind == "relation":
            seen_relation = True
        elif kind == "record" and seen_relation:
            raise _bad(lineno, "records come before relations (a relation points at them)")
        header.counts.add(kind)
    if end is None:
        raise InvalidRequest(f"{path} has no end line: the file is cut short, nothing was imported")
    if {k: end.get(k) for k in header.counts.as_dict()} != header.counts.as_dict():
        raise InvalidRequest(
            f"{path} holds {header.counts.as_dict()} but its end line says {end}: nothing was imported"
        )
    return header


async def import_instance(
    service: MemoryService,
    path: Path,
    *,
    instance_id: str | None = None,
    cluster_id: str | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Restore an exported instance into a new instance (the file's id unless `instance_id`
    says otherwise) or into an existing empty one; ids, times and history are kept."""
    header = await anyio.to_thread.run_sync(check_file, path)
    target = instance_id or str(header.instance.get("id") or "")
    if not _INSTANCE_ID.fullmatch(target):
        raise InvalidRequest(f"{target!r} is not an instance id (letters, digits, '-' and '_')")
    existing = await service.catalog.get_instance(target)
    report: dict[str, Any] = {
        "instance_id": target,
        "creates_instance": existing is None,
        "counts": header.counts.as_dict(),
    }
    if existing is not None:
        live = await service.registry.live(existing)
        if await live.data.read(live.schema, _holds_anything):
            raise Conflict(
                f"instance {target} already holds memory; import into a new one (--instance NEW_ID)",
                resource_id=target,
            )
    if dry_run:
        return report | {"dry_run": True}
    created = existing is None
    if existing is None:
        cluster = cluster_id or await _cluster_for(service, header)
        row = service.registry.new_row(
            cluster,
            str(header.instance.get("name") or "imported"),
            header.schema,
            header.schema_text,
            header.schema_type,
            description=_opt_str(header.instance.get("description")),
            schema_description=header.schema_description,
        )
        created_at = _opt_str(header.instance.get("created_at")) or row.created_at
        live = await service.registry.create(replace(row, id=target, created_at=created_at))
    elif live.schema.to_data() != header.schema.to_data():
        live = await service.registry.update_schema(
            live, header.schema, header.schema_text, header.schema_type
        )
    try:
        await _restore_rows(live, path)
    except Exception:
        if created:  # a new instance half filled is worse than none: the file is still there
            await service.registry.delete(target)
        raise
    return report


def _holds_anything(tables: Tables) -> bool:
    if tables.episodes_after(0, 1):
        return True
    specs: list[ObjectSpec | RelationSpec] = [*tables.schema.objects.values()]
    return any(tables.scan(spec, "", 1) for spec in specs)


async def _cluster_for(service: MemoryService, header: Header) -> str:
    wanted = header.instance.get("cluster_id")
    if isinstance(wanted, str) and await service.catalog.get_cluster(wanted) is not None:
        return wanted
    cluster_id, _ = await service.ensure_defaults()
    return cluster_id


async def _restore_rows(live: LiveInstance, path: Path) -> None:
    """Store the checked file a batch at a time; each batch read in a worker thread (a
    server's event loop keeps answering meanwhile)."""
    rows = _lines(path)
    next(rows)  # the header, checked

    def take() -> tuple[RestoreBatch, int]:
        batch, size = RestoreBatch(), 0
        for lineno, item in rows:
            kind, parsed = _parse_row(lineno, item, live.schema)
            if kind == "episode":
                batch.episodes.append(parsed)
            elif kind in ("record", "relation"):
                batch.records.append(parsed)
            elif kind == "fact":
                batch.facts.append(parsed)
            else:
                continue
            size += 1
            if size >= BATCH:
                break
        return batch, size

    while True:
        batch, size = await anyio.to_thread.run_sync(take)
        if size:
            await live.data.restore(live.schema, batch)
        if size < BATCH:
            return
