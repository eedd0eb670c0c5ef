"""The portable format's side of the SQLite store: whole tables read page by page (export),
and exported rows stored back exactly as they were (import into an empty instance).

Facts are restored one row per value (a record's own fact with no value, then a row per
field): `provenance.facts` reads them back as the same facts the compact rows it was exported
from read as, so history is the same; only the rows' internal ids differ.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.store import terms
from xmemory_engine.store.base import EpisodeDraft, KeptEpisode, Record, RestoreBatch
from xmemory_engine.store.provenance import RECORD, insert_episode

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scan(
    conn: sqlite3.Connection, spec: ObjectSpec | RelationSpec, after: str, limit: int
) -> list[Record]:
    rows = conn.execute(
        f"SELECT * FROM {_q(spec.table)} WHERE xuid > ? ORDER BY xuid LIMIT ?", (after, limit)
    ).fetchall()
    bools = [f for f, s in spec.fields.items() if s.type == "bool"]
    found: list[Record] = []
    for row in rows:
        record: Record = dict(row)
        for name in bools:
            if record.get(name) is not None:
                record[name] = bool(record[name])
        found.append(record)
    return found


def episodes_after(conn: sqlite3.Connection, after: int, limit: int) -> list[KeptEpisode]:
    rows = conn.execute(
        "SELECT id, write_id, kind, text, payload, occurred_at, recorded_at FROM _xm_episode "
        "WHERE id > ? ORDER BY id LIMIT ?",
        (after, limit),
    ).fetchall()
    return [
        KeptEpisode(
            id=int(r[0]),
            write_id=r[1],
            kind=str(r[2]),
            text=str(r[3]),
            payload=None if r[4] is None else json.loads(r[4]),
            occurred_at=r[5],
            recorded_at=str(r[6]),
        )
        for r in rows
    ]


def fact_xuids(conn: sqlite3.Connection, after: str, limit: int) -> list[str]:
    # The (xuid, field) index gives them in order without sorting the table.
    rows = conn.execute(
        "SELECT DISTINCT xuid FROM _xm_fact WHERE xuid > ? ORDER BY xuid LIMIT ?", (after, limit)
    ).fetchall()
    return [str(r[0]) for r in rows]


def restore(conn: sqlite3.Connection, schema: Schema, batch: RestoreBatch) -> None:
    """Insert the batch's rows as given (the caller holds the write transaction)."""
    for episode in batch.episodes:
        draft = EpisodeDraft(
            episode.write_id, episode.kind, episode.text, episode.payload, episode.occurred_at
        )
        insert_episode(conn, draft, episode.recorded_at, episode_id=episode.id)
    by_type: dict[str, list[Record]] = {}
    for type_name, record in batch.records:
        by_type.setdefault(type_name, []).append(record)
    # Objects before relations: a link's row points at its ends.
    ordered = sorted(by_type.items(), key=lambda item: item[0] not in schema.objects)
    for type_name, records in ordered:
        spec: ObjectSpec | RelationSpec = (
            schema.objects.get(type_name) or schema.relations[type_name]
        )
        columns = [c for c, _ in spec.columns()]
        marks = ",".join("?" * len(columns))
        conn.executemany(
            f"INSERT INTO {_q(spec.table)} ({', '.join(_q(c) for c in columns)}) VALUES ({marks})",
            [[_to_sql(r.get(c)) for c in columns] for r in records],
        )
        if isinstance(spec, ObjectSpec):
            terms.add_terms(conn, terms.term_rows(spec, records))
    conn.executemany(
        "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at, retired_at, "
        "retired_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                f.xuid,
                f.type,
                f.field,
                None if f.field == RECORD or f.value is None else _ENCODE(f.value),
                f.episode_id,
                f.recorded_at,
                f.retired_at,
                f.retired_by,
            )
            for f in batch.facts
        ],
    )


def _to_sql(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value
