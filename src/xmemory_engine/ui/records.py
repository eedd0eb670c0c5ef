"""What the memory page reads: a page of one object type's records, one record with its
relations, evidence and history, and the records around one record.

Everything here runs on one read snapshot of the instance file (`InstanceData.read`), never
inside a write; the page changes memory only through `/write` like any client.

Paging is LIMIT / OFFSET over an index: `updated_at` (the default), the name (`lower(name)`)
and the primary key are indexed, so a page costs the rows it skips in the index, not a sort
of the table (100k records: a few milliseconds). Other fields sort without an index, which is
said in the answer (`indexed: false`). A search looks for every word in any text field (one
pass over the table; `more` when over MAX_MATCHES records match).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from typing import Any

from xmemory_engine.errors import InvalidRequest, NotFound
from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.service.changes import endpoints_of, present
from xmemory_engine.service.evidence import quote
from xmemory_engine.store.base import EpisodeRow, FactRow, Record, Tables
from xmemory_engine.store.instance import SqliteTables, q
from xmemory_engine.store.naming import display_field, name_field

MAX_PAGE = 200
MAX_SEARCH_CHARS = 200
MAX_MATCHES = 10_000  # a search counts its matches up to here ("10,000 or more")
MAX_GRAPH_NODES = 150
MAX_EPISODE_CHARS = 4000
TIMESTAMPS = ("updated_at", "created_at")


def _connection(tables: Tables) -> sqlite3.Connection:
    if not isinstance(tables, SqliteTables):  # pragma: no cover - only SQLite stores today
        raise InvalidRequest("browsing records needs the SQLite store")
    return tables.conn


def object_spec(schema: Schema, name: str) -> ObjectSpec:
    spec = schema.objects.get(name)
    if spec is None:
        known = ", ".join(sorted(schema.objects)) or "none"
        raise NotFound(f"no object type {name!r} in this instance (its types: {known})")
    return spec


def _order(spec: ObjectSpec, sort: str) -> tuple[str, bool]:
    """The ORDER BY expression for `sort`, and whether an index serves it."""
    if sort == "updated_at":
        return "updated_at", True
    if sort == "created_at":
        return "created_at", False
    if sort not in spec.fields:
        fields = ", ".join(["updated_at", "created_at", *spec.fields])
        raise InvalidRequest(f"cannot sort by {sort!r}; sort by one of: {fields}", field="sort")
    if sort == name_field(spec):
        return f"lower({q(sort)})", True
    return q(sort), spec.primary_key[:1] == (sort,)


def _like(text: str) -> str:
    # SQLite's LIKE ignores case for ASCII letters, as its lower() would (without ICU).
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def record_page(
    tables: Tables,
    spec: ObjectSpec,
    *,
    search: str,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """One page of `spec`'s records, sorted, optionally only those whose text fields hold
    every word of `search`; with the total count the page belongs to."""
    conn = _connection(tables)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRequest(f"limit must be 1 to {MAX_PAGE}", field="limit")
    if offset < 0:
        raise InvalidRequest("offset must be 0 or more", field="offset")
    if len(search) > MAX_SEARCH_CHARS:
        raise InvalidRequest(f"search is over {MAX_SEARCH_CHARS} characters", field="q")
    expression, indexed = _order(spec, sort)
    where, params = "", []
    words = search.split()
    texts = [f for f, s in spec.fields.items() if s.type == "str"]
    if words:
        if not texts:
            raise InvalidRequest(f"{spec.name} has no text field to search", field="q")
        clauses = []
        for word in words[:8]:
            clauses.append("(" + " OR ".join(f"{q(f)} LIKE ? ESCAPE '\\'" for f in texts) + ")")
            params += [_like(word)] * len(texts)
        where = " WHERE " + " AND ".join(clauses)
    direction = "DESC" if descending else "ASC"
    table = q(spec.table)
    order = f"ORDER BY {expression} {direction}, rowid {direction}"
    if words:
        # A search reads every record once: the matches' rowids in order (at most
        # MAX_MATCHES, so `total` is exact up to there), then the page's records by rowid.
        found = [
            r[0]
            for r in conn.execute(
                f"SELECT rowid FROM {table}{where} {order} LIMIT ?", [*params, MAX_MATCHES + 1]
            )
        ]
        more = len(found) > MAX_MATCHES
        total = len(found) - more
        wanted = found[:total][offset : offset + limit]
        marks = ",".join("?" * len(wanted))
        rows = conn.execute(
            f"SELECT * FROM {table} WHERE rowid IN ({marks}) {order}", wanted
        ).fetchall()
    else:
        total, more = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0], False
        rows = conn.execute(
            f"SELECT * FROM {table} {order} LIMIT ? OFFSET ?", [limit, offset]
        ).fetchall()
    return {
        "object_type": spec.name,
        "total": total,
        "more": more,
        "offset": offset,
        "limit": limit,
        "sort": sort,
        "order": direction.lower(),
        "indexed": indexed and not words,
        "name_field": display_field(spec),
        "fields": list(spec.fields),
        "records": [_row(spec, dict(r)) for r in rows],
    }


def _row(spec: ObjectSpec | RelationSpec, record: Record) -> dict[str, Any]:
    values = {}
    for fname, fspec in spec.fields.items():
        value = record.get(fname)
        if value is not None:
            values[fname] = bool(value) if fspec.type == "bool" else value
    return {
        "xuid": record["xuid"],
        "values": values,
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
    }


def _name(spec: ObjectSpec, record: Record) -> Any:
    field = display_field(spec)
    value = record.get(field) if field else None
    return value if value is not None else record["xuid"][:8]


def record_detail(tables: Tables, xuid: str) -> dict[str, Any]:
    """One stored object: its values, its relations (with the record at the other end), each
    field's current value with the sentence it came from and its earlier values, and every
    episode that said something about it."""
    found = tables.objects_by_xuids([xuid])
    if not found:
        raise NotFound(f"no record {xuid!r} in this instance", resource_id=xuid)
    spec, record = found[0]
    links = tables.links_of(xuid)
    others = {
        other for rel, link in links for other in endpoints_of(rel, link).values() if other != xuid
    }
    named = {r["xuid"]: (s, r) for s, r in tables.objects_by_xuids(sorted(others))}
    relations = []
    for rel, link in links:
        ends = endpoints_of(rel, link)
        entry: dict[str, Any] = {
            "relation_type": rel.name,
            "xuid": link["xuid"],
            "values": present(rel, link),
            "roles": {},
        }
        for role, target in ends.items():
            other_spec, other = named.get(target, (spec, record))
            entry["roles"][role] = {
                "xuid": target,
                "object_type": other_spec.name,
                "name": _name(other_spec, other),
                "self": target == xuid,
            }
        relations.append(entry)
    # Its own facts give each field's source and history; its links' facts add the sentences
    # that related it to other records ("works with Ann on Atlas").
    every = tables.facts([xuid, *(link["xuid"] for _, link in links)], current_only=False)
    facts = [f for f in every if f.xuid == xuid]
    wanted = {f.episode_id for f in every} | {f.retired_by for f in every if f.retired_by}
    episodes = tables.episodes(sorted(wanted))
    name = _name(spec, record)
    return {
        "object_type": spec.name,
        **_row(spec, record),
        "name": name,
        "name_field": display_field(spec),
        "primary_key": list(spec.primary_key),
        "relations": relations,
        "fields": _field_histories(spec, record, facts, episodes, name),
        "episodes": [_episode(e) for e in sorted(episodes.values(), key=lambda e: -e.id)],
    }


def _field_histories(
    spec: ObjectSpec,
    record: Record,
    facts: list[FactRow],
    episodes: dict[int, EpisodeRow],
    name: Any,
) -> list[dict[str, Any]]:
    by_field: dict[str, list[FactRow]] = defaultdict(list)
    for fact in facts:
        by_field[fact.field].append(fact)
    fields = []
    for fname, fspec in spec.fields.items():
        chain = by_field.get(fname, [])
        current = next((f for f in reversed(chain) if f.retired_at is None), None)
        entry: dict[str, Any] = {
            "field": fname,
            "type": fspec.type,
            "required": fspec.required,
            "enum": list(fspec.enum) if fspec.enum else None,
            "value": _row(spec, record)["values"].get(fname),
            "source": _said(current, episodes, name) if current else None,
            "history": [
                _said(f, episodes, name)
                | {
                    "until": f.retired_at,
                    "replaced_by": _write_of(episodes.get(f.retired_by or -1)),
                }
                for f in reversed(chain)
                if f.retired_at is not None
            ],
        }
        fields.append(entry)
    return fields


def _said(fact: FactRow, episodes: dict[int, EpisodeRow], name: Any) -> dict[str, Any]:
    episode = episodes.get(fact.episode_id)
    return {
        "value": fact.value,
        "said": quote(episode.text, fact.value, name) if episode else None,
        "episode_id": fact.episode_id,
        "write_id": _write_of(episode),
        "from": fact.recorded_at or (episode.recorded_at if episode else None),
    }


def _write_of(episode: EpisodeRow | None) -> str | None:
    return episode.write_id if episode else None


def _episode(episode: EpisodeRow) -> dict[str, Any]:
    text = episode.text
    cut = len(text) > MAX_EPISODE_CHARS
    return {
        "id": episode.id,
        "write_id": episode.write_id,
        "kind": episode.kind,
        "text": text[:MAX_EPISODE_CHARS] + ("\u2026" if cut else ""),
        "truncated": cut,
        "recorded_at": episode.recorded_at,
        "occurred_at": episode.occurred_at,
    }


def neighbourhood(tables: Tables, xuid: str, depth: int) -> dict[str, Any]:
    """The records within `depth` relations of one record and the relations among them, at
    most MAX_GRAPH_NODES records (`truncated` says when more were left out)."""
    if not 1 <= depth <= 3:
        raise InvalidRequest("depth must be 1, 2 or 3", field="depth")
    start = tables.objects_by_xuids([xuid])
    if not start:
        raise NotFound(f"no record {xuid!r} in this instance", resource_id=xuid)
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, Any]] = {}
    spec, record = start[0]
    nodes[xuid] = _node(spec, record, 0)
    frontier = [xuid]
    truncated = False
    for level in range(1, depth + 1):
        reached: list[str] = []
        for current in frontier:
            for rel, link in tables.links_of(current):
                ends = list(endpoints_of(rel, link).items())
                if any(x not in nodes and x not in reached for _, x in ends):
                    if len(nodes) + len(reached) + len(ends) > MAX_GRAPH_NODES:
                        truncated = True
                        continue
                    reached += [x for _, x in ends if x not in nodes and x not in reached]
                edges[link["xuid"]] = _edge(rel, link, ends)
        for other_spec, other in tables.objects_by_xuids(reached):
            nodes[other["xuid"]] = _node(other_spec, other, level)
        frontier = reached
    kept = {k: e for k, e in edges.items() if e["source"] in nodes and e["target"] in nodes}
    return {
        "center": xuid,
        "depth": depth,
        "nodes": list(nodes.values()),
        "edges": list(kept.values()),
        "truncated": truncated,
    }


def _node(spec: ObjectSpec, record: Record, level: int) -> dict[str, Any]:
    return {
        "xuid": record["xuid"],
        "object_type": spec.name,
        "name": str(_name(spec, record)),
        "level": level,
    }


def _edge(rel: RelationSpec, link: Record, ends: list[tuple[str, str]]) -> dict[str, Any]:
    # A relation of more than two roles is drawn as one edge from its first role's record
    # to its last one's; the record view lists every role.
    (source_role, source), (target_role, target) = ends[0], ends[-1]
    values = present(rel, link)
    return {
        "xuid": link["xuid"],
        "relation_type": rel.name,
        "source": source,
        "target": target,
        "source_role": source_role,
        "target_role": target_role,
        "label": rel.name + (" " + json.dumps(values, ensure_ascii=False) if values else ""),
    }
