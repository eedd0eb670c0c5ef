"""Memory from other servers into an instance, and an instance out to their formats.

Import (`import_peer`): the file is read once to check every line and learn each entity's
type, then again to write: entities in batches of structured upserts (one write, one episode
per batch), then relations. For each entity:
- its record: a typed record keyed by its name when the schema has a fitting type
  (`mapping.TypeMap`), else a note (`topic` its name, `content` "Name (type)" and then its
  observations, a line each);
- every observation kept verbatim, a line each, in the record's notes-like field (merged with
  what it held), and as a sentence of the batch's episode ("Ann Lee (person): Likes tea");
- observations that label a value ("email: ann@acme.io", basic-memory's "[role] Designer")
  also set that field when the value fits it.
Relations become the schema's relation when one fits, else `link` records. Export back to
the peers' formats is `peer_export.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import anyio.to_thread

from xmemory_engine.errors import InvalidRequest
from xmemory_engine.portable import peer_files
from xmemory_engine.portable.mapping import (
    LINK,
    NOTE,
    Mapping,
    TypeMap,
    coerce,
    rest_field,
    with_types,
)
from xmemory_engine.portable.peer_files import Item, PeerEntity, PeerLink
from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.service.instances import LiveInstance
from xmemory_engine.service.memory import MemoryService, WriteRequest
from xmemory_engine.store.base import Record, Tables

PEERS = ("server-memory", "basic-memory")
BATCH = 1000  # entities per write
MAX_SAID = 90_000  # characters of an episode (the engine takes texts up to 100,000)
PAGE = 1000
NOTE_HEAD = re.compile(r"^(?P<name>.*) \((?P<type>[^()]*)\)$")


def read_items(kind: str, path: Path) -> Iterator[Item]:
    if kind == "server-memory":
        return peer_files.read_server_memory(path)
    if kind == "basic-memory":
        return peer_files.read_basic_memory(path)
    raise InvalidRequest(f"unknown format {kind!r}; one of: {', '.join(PEERS)}")


@dataclass
class Plan:
    """What the first reading learned, and what the import does (the dry run's report)."""

    entities: int = 0
    observations: int = 0
    types: dict[str, str] = field(default_factory=dict)  # entity name -> object type
    kinds: dict[str, dict[str, int]] = field(default_factory=dict)  # entity type -> counts
    links: list[PeerLink] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        return {
            "entities": self.entities,
            "observations": self.observations,
            "mapped": {k: dict(v) for k, v in sorted(self.kinds.items())},
        }


def _plan(kind: str, path: Path, typemap: TypeMap) -> Plan:
    plan = Plan()
    for item in read_items(kind, path):
        if isinstance(item, PeerLink):
            plan.links.append(item)
            continue
        plan.entities += 1
        plan.observations += len(item.observations)
        target = typemap.object_type(item.type, item.tags)
        plan.types.setdefault(item.name.lower(), target)
        counts = plan.kinds.setdefault(item.type, {})
        counts[target] = counts.get(target, 0) + 1
    return plan


async def import_peer(
    service: MemoryService,
    kind: str,
    path: Path,
    *,
    instance_id: str | None = None,
    mapping_path: Path | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Import a peer's memory into an instance; returns what was (or would be) done."""
    mapping = await anyio.to_thread.run_sync(Mapping.load, mapping_path)
    if instance_id is None:
        _, instance_id = await service.ensure_defaults()
    live = await service.registry.get(instance_id)
    typemap = TypeMap(live.schema, mapping)
    plan = await anyio.to_thread.run_sync(_plan, kind, path, typemap)
    relations: dict[str, int] = {}
    links: dict[str, int] = {}
    for link in plan.links:
        rel = _relation_for(typemap, plan, link)
        bucket = relations if rel is not None else links
        name = rel.name if rel is not None else link.kind
        bucket[name] = bucket.get(name, 0) + 1
    needed = [NOTE] if any(NOTE in c for c in plan.kinds.values()) else []
    needed += [LINK] if links else []
    grown = with_types(live.schema, *needed)
    report: dict[str, Any] = {
        "format": kind,
        "instance_id": instance_id,
        **plan.report(),
        "relations": relations,
        "links": links,
        "schema_adds": sorted(set(needed) - set(live.schema.objects)),
        "dry_run": dry_run,
    }
    if grown is not None:
        if not dry_run:
            live = await _grow_schema(service, live, grown)
        typemap.schema = live.schema if not dry_run else grown
    writer = _Writer(service, live, typemap, dry_run)
    await writer.load_notes()
    # The file again, a batch of entities at a time, read in a worker thread (a server's
    # event loop keeps answering meanwhile).
    entities = (item for item in read_items(kind, path) if isinstance(item, PeerEntity))
    while batch := await anyio.to_thread.run_sync(lambda: list(islice(entities, BATCH))):
        await writer.entities(batch)
    for start in range(0, len(plan.links), BATCH):
        await writer.links(plan, plan.links[start : start + BATCH])
    report |= {"records": writer.counts, "writes": writer.writes, "fields_set": writer.placed}
    return report


async def _grow_schema(service: MemoryService, live: LiveInstance, grown: Schema) -> LiveInstance:
    await service.update_schema(live.id, grown, grown.to_yaml(), "yml")
    return await service.registry.get(live.id)


def _relation_for(typemap: TypeMap, plan: Plan, link: PeerLink) -> RelationSpec | None:
    source = plan.types.get(link.source.lower())
    target = plan.types.get(link.target.lower())
    return typemap.relation(link.kind, source, target)


class _Writer:
    """Turns entities and links into structured writes, batch by batch."""

    def __init__(
        self, service: MemoryService, live: LiveInstance, typemap: TypeMap, dry: bool
    ) -> None:
        self.service = service
        self.live = live
        self.schema = typemap.schema
        self.typemap = typemap
        self.dry = dry
        self.notes: dict[tuple[str, str], tuple[str, str]] = {}  # (name, type) -> xuid, content
        self.counts: dict[str, int] = {"created": 0, "updated": 0}
        self.writes = 0
        self.placed = 0

    async def load_notes(self) -> None:
        """Notes an earlier import made ("Name (type)" first), so a second import updates
        them rather than adding copies (a note has no key to upsert by)."""
        spec = self.live.schema.objects.get(NOTE)
        if spec is None or "content" not in spec.fields:
            return

        def scan(tables: Tables) -> None:
            after = ""
            while rows := tables.scan(spec, after, PAGE):
                for row in rows:
                    head = NOTE_HEAD.match(str(row.get("content") or "").split("\n", 1)[0])
                    if head:
                        key = (head["name"].lower(), head["type"].lower())
                        self.notes[key] = (row["xuid"], str(row["content"]))
                after = rows[-1]["xuid"]

        await self.live.data.read(self.live.schema, scan)

    async def entities(self, batch: list[PeerEntity]) -> None:
        schema = self.live.schema
        typed: dict[str, list[PeerEntity]] = {}
        for entity in batch:
            typed.setdefault(self.typemap.object_type(entity.type, entity.tags), []).append(entity)
        keys = {t: [(e.name,) for e in es] for t, es in typed.items() if t != NOTE}

        def existing(tables: Tables) -> dict[str, dict[tuple[Any, ...], Record]]:
            return {t: tables.find_by_keys(schema.objects[t], k) for t, k in keys.items()}

        found = await self.live.data.read(schema, existing)
        schema = self.schema  # with the note type, when a dry run did not add it
        mutations: list[Any] = []
        said: list[str] = []
        for type_name, entities in typed.items():
            spec = schema.objects[type_name]
            for entity in entities:
                if type_name == NOTE:
                    mutations.append(self._note(spec, entity))
                else:
                    mutations.append(self._record(spec, entity, found[type_name]))
                said += _sentences(entity)
        await self._write(mutations, said)

    def _record(
        self, spec: ObjectSpec, entity: PeerEntity, found: dict[tuple[Any, ...], Record]
    ) -> dict[str, Any]:
        key_field = spec.primary_key[0]
        rest = rest_field(spec)
        assert rest is not None  # TypeMap maps only to types with one
        stored = found.get((entity.name,))
        values: dict[str, Any] = {}
        for label, value in entity.labelled:
            target = self.typemap.field_for(spec, label)
            if target is not None and target != rest:
                fitted = coerce(spec, target, value)
                if fitted is not None:
                    values[target] = fitted
                    self.placed += 1
        old = str(stored.get(rest) or "") if stored else ""
        lines = _merge(old, entity.observations + entity.prose)
        if lines != old:
            values[rest] = lines
        required = [f for f, s in spec.fields.items() if s.required and f != key_field]
        for name in required:  # e.g. a preference's value: what was said first
            if name not in values and not (stored and stored.get(name) is not None):
                values[name] = (entity.observations or [entity.name])[0]
        self.counts["updated" if stored else "created"] += 1
        change = {"key": {key_field: entity.name}, "values": values}
        return {"object_mutation": {"object_type": spec.name, "upsert": change}}

    def _note(self, spec: ObjectSpec, entity: PeerEntity) -> dict[str, Any]:
        head = f"{entity.name} ({entity.type})"
        known = self.notes.get((entity.name.lower(), entity.type.lower()))
        if known is not None:
            xuid, content = known
            merged = _merge(content, entity.observations + entity.prose)
            self.counts["updated"] += 1
            self.notes[(entity.name.lower(), entity.type.lower())] = (xuid, merged)
            change = {"key": {"xuid": xuid}, "values": {"content": merged}}
            return {"object_mutation": {"object_type": spec.name, "update": change}}
        content = _merge(head, entity.observations + entity.prose)
        self.counts["created"] += 1
        values = {"content": content}
        if "topic" in spec.fields:
            values["topic"] = entity.name
        return {
            "object_mutation": {"object_type": spec.name, "create": {"key": {}, "values": values}}
        }

    async def links(self, plan: Plan, links: list[PeerLink]) -> None:
        mutations: list[Any] = []
        typed_links: list[Any] = []  # apart: a run of upserts of one type is applied at once
        said: list[str] = []
        seen: set[tuple[str, str, str]] = set()
        for link in links:
            rel = _relation_for(self.typemap, plan, link)
            ident = (link.source.lower(), rel.name if rel else link.kind, link.target.lower())
            if ident in seen:
                continue
            seen.add(ident)
            said.append(f"{link.source} {link.kind.replace('_', ' ')} {link.target}.")
            if rel is not None:
                ends = [
                    {"object_name": role, "key": {self.schema.objects[t].primary_key[0]: name}}
                    for (role, t), name in zip(
                        rel.roles.items(), (link.source, link.target), strict=True
                    )
                ]
                mutations.append(
                    {
                        "relation_mutation": {
                            "relation_type": rel.name,
                            "upsert": {"endpoints": ends},
                        }
                    }
                )
                continue
            values = {
                "source_type": plan.types.get(link.source.lower()),
                "target_type": plan.types.get(link.target.lower()),
            }
            key = {"source": link.source, "kind": link.kind, "target": link.target}
            change = {"key": key, "values": {k: v for k, v in values.items() if v}}
            typed_links.append({"object_mutation": {"object_type": LINK, "upsert": change}})
        await self._write(typed_links + mutations, said)

    async def _write(self, mutations: list[Any], said: list[str]) -> None:
        """One write (one episode); halved until what was said fits in MAX_SAID characters."""
        if self.dry or not mutations:
            return
        if len(mutations) > 1 and sum(len(s) + 1 for s in said) > MAX_SAID:
            half = len(mutations) // 2
            share = len(said) * half // len(mutations)
            await self._write(mutations[:half], said[:share])
            await self._write(mutations[half:], said[share:])
            return
        text = "\n".join(said)[:MAX_SAID] or None
        await self.service.write(self.live.id, WriteRequest(None, mutations, source_text=text))
        self.writes += 1


def _sentences(entity: PeerEntity) -> list[str]:
    head = f"{entity.name} ({entity.type})"
    said = [f"{head}: {o}" for o in entity.observations] + [f"{head}: {p}" for p in entity.prose]
    return said or [f"{head}."]


def _merge(old: str, new: list[str]) -> str:
    """`old`'s lines, then each of `new` (a line each) that is not one of them yet."""
    lines = old.split("\n") if old else []
    have = set(lines)
    for text in new:
        # A line each: an observation's own line breaks become spaces, nothing else changes.
        line = " ".join(text.splitlines()).strip()
        if line and line not in have:
            lines.append(line)
            have.add(line)
    return "\n".join(lines)
