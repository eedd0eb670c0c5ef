"""Words for records that came without any: structured writes with no sentence, and records
stored before episodes were kept (the v2 migration gives each one an episode of its own).

    Ann Lee (person): email ann@acme.io; company Acme Corp.
    Ann Lee (person) works on Atlas (project).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.store.base import EpisodeDraft
from xmemory_engine.store.naming import display_field
from xmemory_engine.store.provenance import FactRecorder, insert_episode
from xmemory_engine.store.sqlite import present_tables


def words_of(name: str) -> str:
    return name.replace("_", " ")


def record_words(spec: ObjectSpec, values: dict[str, Any], name_field: str | None) -> str:
    """`Name (type): field value; field value.` from the non-null values."""
    name = values.get(name_field) if name_field else None
    kind = words_of(spec.name)
    head = f"{name} ({kind})" if name is not None else kind
    fields = spec.fields
    # Called once per mutation of a batch: text values (nearly all) are shown as they are.
    parts = [
        f"{words_of(f)} {v if type(v) is str else _shown(v)}"
        for f, v in values.items()
        if v is not None and f != name_field and f in fields
    ]
    return f"{head}: {'; '.join(parts)}." if parts else f"{head}."


def link_words(spec: RelationSpec, ends: dict[str, str], values: dict[str, Any]) -> str:
    """`A (role) relation B (role)[: field value].` with each end's name (or type) in `ends`."""
    named = [f"{ends.get(role, role)} ({words_of(role)})" for role in spec.roles]
    text = f" {words_of(spec.name)} ".join(named)
    parts = [f"{words_of(f)} {_shown(v)}" for f, v in values.items() if v is not None]
    return f"{text}: {'; '.join(parts)}." if parts else f"{text}."


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def backfill_episodes(conn: sqlite3.Connection, schema: Schema) -> None:
    """Give every stored record and link an episode and current facts (inside the caller's
    migration transaction: version 2's, so its passages go in version 2's layout, which
    version 4 converts). Records keep their timestamps; the episode is dated by them."""

    tables = present_tables(conn)
    names: dict[str, str] = {}
    for spec in schema.objects.values():
        if spec.table not in tables:
            continue
        nf = display_field(spec)
        fields = [f for f in spec.fields if f in tables[spec.table]]
        for row in conn.execute(f'SELECT * FROM "{spec.table}" ORDER BY rowid'):
            values = {f: row[f] for f in fields}
            if nf is not None and values.get(nf) is not None:
                names[row["xuid"]] = str(values[nf])
            draft = EpisodeDraft(None, "migrated", record_words(spec, values, nf))
            episode = insert_episode(conn, draft, now=row["created_at"], layout=2)
            FactRecorder(conn, episode).created(spec.name, [(row["xuid"], values)])
    for rel in schema.relations.values():
        if rel.table not in tables:
            continue
        fields = [f for f in rel.fields if f in tables[rel.table]]
        for row in conn.execute(f'SELECT * FROM "{rel.table}" ORDER BY rowid'):
            ends = {
                role: names.get(row[rel.role_column(role)], target)
                for role, target in rel.roles.items()
            }
            values = {f: row[f] for f in fields}
            draft = EpisodeDraft(None, "migrated", link_words(rel, ends, values))
            episode = insert_episode(conn, draft, now=row["created_at"], layout=2)
            FactRecorder(conn, episode).created(rel.name, [(row["xuid"], values)])
