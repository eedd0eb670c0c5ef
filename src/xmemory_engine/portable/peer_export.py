"""An instance out to the peers' formats: server-memory JSONL, a basic-memory folder.

Each record is an entity: its name, its type (a note's kept type: "Paris (city)" first in its
content), the lines of its notes-like field as observations, and its other fields as
"field: value" when no line holds the value already; relations and `link` records are
relations. Everything is read from one snapshot, a page at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xmemory_engine.portable import peer_files
from xmemory_engine.portable.mapping import LINK, NOTE, rest_field
from xmemory_engine.portable.peers import NOTE_HEAD, PAGE
from xmemory_engine.schema import ObjectSpec
from xmemory_engine.service.instances import LiveInstance
from xmemory_engine.store.base import Record, Tables
from xmemory_engine.store.naming import display_field


@dataclass
class Entity:
    name: str
    type: str
    observations: list[tuple[str, str]]  # (label, text): label '' for a plain line


def entity_of(spec: ObjectSpec, record: Record) -> Entity | None:
    """A record as another memory's entity (None for one that has no name)."""
    if spec.name == NOTE and "content" in spec.fields:
        lines = str(record.get("content") or "").split("\n")
        head = NOTE_HEAD.match(lines[0])
        if head:
            return Entity(head["name"], head["type"], [("", line) for line in lines[1:] if line])
        topic = record.get("topic")
        name = str(topic) if topic else lines[0]
        return Entity(name, NOTE, [("", line) for line in lines[0 if topic else 1 :] if line])
    named = display_field(spec)
    if named is None or record.get(named) in (None, ""):
        return None
    rest = rest_field(spec)
    lines = [line for line in str(record.get(rest) or "").split("\n") if line] if rest else []
    said: list[tuple[str, str]] = [("", line) for line in lines]
    for fname in spec.fields:
        value = record.get(fname)
        if fname in (named, rest) or value is None:
            continue
        if not any(str(value) in line for line in lines):
            said.append((fname, str(value).lower() if isinstance(value, bool) else str(value)))
    return Entity(str(record[named]), spec.name, said)


def _is_link(spec: ObjectSpec) -> bool:
    return spec.name == LINK and {"source", "kind", "target"} <= set(spec.fields)


def _walk(
    tables: Tables,
    on_entity: Callable[[Entity], None],
    on_relation: Callable[[str, str, str, str, str], None],
) -> dict[str, int]:
    """Every record as an entity, then every relation and link: (source, source type,
    kind, target, target type)."""
    counts = {"entities": 0, "observations": 0, "relations": 0}
    links: list[ObjectSpec] = []
    for spec in tables.schema.objects.values():
        if _is_link(spec):
            links.append(spec)
            continue
        after = ""
        while rows := tables.scan(spec, after, PAGE):
            for row in rows:
                entity = entity_of(spec, row)
                if entity is not None:
                    on_entity(entity)
                    counts["entities"] += 1
                    counts["observations"] += len(entity.observations)
            after = rows[-1]["xuid"]
    for rel in tables.schema.relations.values():
        after = ""
        roles = list(rel.roles.items())
        if len(roles) != 2:
            continue
        while rows := tables.scan(rel, after, PAGE):
            ends = [row[rel.role_column(r)] for row in rows for r, _ in roles]
            names = {r["xuid"]: entity_of(spec, r) for spec, r in tables.objects_by_xuids(ends)}
            (sr, _), (tr, _) = roles
            for row in rows:
                source = names.get(row[rel.role_column(sr)])
                target = names.get(row[rel.role_column(tr)])
                if source and target:
                    on_relation(source.name, source.type, rel.name, target.name, target.type)
                    counts["relations"] += 1
            after = rows[-1]["xuid"]
    for spec in links:
        after = ""
        while rows := tables.scan(spec, after, PAGE):
            for row in rows:
                on_relation(
                    str(row["source"]),
                    str(row.get("source_type") or ""),
                    str(row["kind"]),
                    str(row["target"]),
                    str(row.get("target_type") or ""),
                )
                counts["relations"] += 1
            after = rows[-1]["xuid"]
    return counts


async def export_server_memory(
    live: LiveInstance, write: Callable[[str], object]
) -> dict[str, int]:
    """The instance as a server-memory JSONL file, from one snapshot."""

    def entity(e: Entity) -> None:
        said = [f"{label}: {text}" if label else text for label, text in e.observations]
        write(peer_files.server_memory_entity(e.name, e.type, said))

    def relation(source: str, _st: str, kind: str, target: str, _tt: str) -> None:
        write(peer_files.server_memory_relation(source, target, kind))

    return await live.data.read(live.schema, lambda t: _walk(t, entity, relation))


async def export_markdown(live: LiveInstance, folder: Path) -> dict[str, int]:
    """The instance as a basic-memory project folder: a note per record, in a folder per
    type; relations appended to their source's note."""

    def run(tables: Tables) -> dict[str, int]:
        folder.mkdir(parents=True, exist_ok=True)
        written: set[Path] = set()

        def note_path(name: str, etype: str) -> Path:
            return (
                folder
                / peer_files.safe_file_name(etype)
                / (peer_files.safe_file_name(name) + ".md")
            )

        def entity(e: Entity) -> None:
            path = note_path(e.name, e.type)
            if path in written:  # two records of one name: the second beside the first
                path = path.with_name(f"{path.stem} ({len(written)}).md")
            path.parent.mkdir(parents=True, exist_ok=True)
            said = [_category(label, text) for label, text in e.observations]
            path.write_text(peer_files.markdown_note(e.name, e.type, said, e.type), "utf-8")
            written.add(path)

        def relation(source: str, stype: str, kind: str, target: str, _tt: str) -> None:
            path = note_path(source, stype or NOTE)
            if not path.exists():  # a link from something that has no record: a note for it
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(peer_files.markdown_note(source, stype or NOTE, [], stype or NOTE))
            text = path.read_text("utf-8")
            heading = "" if "\n## Relations\n" in text else "## Relations\n"
            with path.open("a", encoding="utf-8") as out:
                out.write(heading + peer_files.markdown_relation(kind, target) + "\n")

        counts = _walk(tables, entity, relation)
        return counts | {"files": len(written)}

    return await live.data.read(live.schema, run)


def _category(label: str, text: str) -> tuple[str, str]:
    if label:
        return label, text
    tagged = re.match(r"^\[([^\]\[]+)\]\s*(.+)$", text)  # a basic-memory observation kept as is
    return (tagged[1], tagged[2]) if tagged else ("note", text)
