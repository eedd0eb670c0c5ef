"""The portable format and `forget` on PostgreSQL.

Export pages and import batches are the SQLite store's (`store/portable.py`) in PostgreSQL's
SQL. `forget` decides what goes with the same code as on SQLite (`store/forget.py`: which
records, links, facts, sentences and markers), over `SqliteShaped`; only the two steps that
touch SQLite's own machinery are PostgreSQL's here: finding the rows that mention a text (no
user-defined SQL function: rows are matched in Python), and taking sentences out of the
full-text index (a passage is one row).

Erasing the bytes: the instance's tables are rewritten (`VACUUM FULL`) after the forget
commits, so no dead row in them keeps the old text. PostgreSQL's write-ahead log, its archive
and any replica or backup still hold it until they are recycled; that is the server operator's
to manage (docs: the team server page).
"""

from __future__ import annotations

import json
import re
from typing import Any

from psycopg import sql

from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.store import forget as sqlite_forget
from xmemory_engine.store import terms
from xmemory_engine.store.base import (
    EpisodeDraft,
    ForgetReport,
    ForgetRequest,
    KeptEpisode,
    Record,
    RestoreBatch,
)
from xmemory_engine.store.postgres.database import Connection, SqliteShaped, q
from xmemory_engine.store.postgres.instance import (
    PostgresTables,
    add_terms,
    insert_episode,
)
from xmemory_engine.store.provenance import PASSAGE_SHIFT, RECORD

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode

# -- export and import ------------------------------------------------------------------------


def scan(conn: Connection, spec: ObjectSpec | RelationSpec, after: str, limit: int) -> list[Record]:
    found = conn.execute(
        f"SELECT * FROM {q(spec.table)} WHERE xuid > %s ORDER BY xuid LIMIT %s", (after, limit)
    )
    return [dict(zip(r.keys(), r, strict=True)) for r in found]


def episodes_after(conn: Connection, after: int, limit: int) -> list[KeptEpisode]:
    found = conn.execute(
        "SELECT id, write_id, kind, text, payload, occurred_at, recorded_at FROM _xm_episode "
        "WHERE id > %s ORDER BY id LIMIT %s",
        (after, limit),
    )
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
        for r in found
    ]


def fact_xuids(conn: Connection, after: str, limit: int) -> list[str]:
    found = conn.execute(
        "SELECT DISTINCT xuid FROM _xm_fact WHERE xuid > %s ORDER BY xuid LIMIT %s",
        (after, limit),
    )
    return [str(r[0]) for r in found]


def restore(conn: Connection, schema: Schema, batch: RestoreBatch) -> None:
    """Insert the batch's rows as given (the caller holds the write transaction)."""
    for episode in batch.episodes:
        draft = EpisodeDraft(
            episode.write_id, episode.kind, episode.text, episode.payload, episode.occurred_at
        )
        insert_episode(conn, draft, episode.recorded_at, episode_id=episode.id)
    if batch.episodes:
        # Ids given explicitly do not move the identity: the next write's episode follows them.
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('_xm_episode', 'id'), "
            "(SELECT max(id) FROM _xm_episode))"
        )
    by_type: dict[str, list[Record]] = {}
    for type_name, record in batch.records:
        by_type.setdefault(type_name, []).append(record)
    ordered = sorted(by_type.items(), key=lambda item: item[0] not in schema.objects)
    for type_name, records in ordered:
        spec: ObjectSpec | RelationSpec = (
            schema.objects.get(type_name) or schema.relations[type_name]
        )
        columns = [c for c, _ in spec.columns()]
        marks = ",".join(["%s"] * len(columns))
        conn.cursor().executemany(
            f"INSERT INTO {q(spec.table)} ({', '.join(q(c) for c in columns)}) VALUES ({marks})",
            [[r.get(c) for c in columns] for r in records],
        )
        if isinstance(spec, ObjectSpec):
            add_terms(conn, terms.term_rows(spec, records))
    if batch.facts:
        conn.cursor().executemany(
            "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at, "
            "retired_at, retired_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
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


# -- forget -----------------------------------------------------------------------------------


class _PostgresForgetting(sqlite_forget._Forgetting):
    """`store/forget.py`'s forget with PostgreSQL's row matching and full-text rows."""

    def __init__(self, conn: Connection, schema: Schema) -> None:
        super().__init__(SqliteShaped(conn).as_sqlite(), schema, PostgresTables(conn, schema))
        self.pg = conn

    def _rows_mentioning(self, spec: ObjectSpec | RelationSpec) -> list[dict[str, Any]]:
        text_fields = [
            f for f, fs in spec.fields.items() if fs.type not in ("int", "float", "bool")
        ]
        if not text_fields:
            return []
        columns = ", ".join(q(f) for f in text_fields)
        found = self.pg.execute(f"SELECT xuid, {columns} FROM {q(spec.table)}")
        xuids = [r[0] for r in found if any(self._matches(v) for v in list(r)[1:])]
        return [self.tables.get(spec, x) for x in xuids]

    def _redact_episode(
        self, episode_id: int, text: str, payload: str | None, pattern: re.Pattern[str]
    ) -> None:
        first = episode_id << PASSAGE_SHIFT
        last = ((episode_id + 1) << PASSAGE_SHIFT) - 1
        rows = self.pg.execute(
            "SELECT id, text FROM _xm_passage WHERE id BETWEEN %s AND %s ORDER BY id",
            (first, last),
        ).fetchall()
        own = {int(r[0]): str(r[1]) for r in rows if r[1] is not None}
        said = [(int(r[0]), own.get(int(r[0]), text)) for r in rows]
        dropped = [s for _, s in said if pattern.search(s)]
        new_payload = payload
        if payload is not None:
            decoded = json.loads(payload)
            cleaned = sqlite_forget.redact_json(decoded, pattern)
            if cleaned != decoded:
                new_payload = json.dumps(cleaned, ensure_ascii=False)
        if not dropped and not pattern.search(text) and new_payload == payload:
            return
        new_text = text
        for sentence in dropped:
            new_text = new_text.replace(sentence, sqlite_forget.FORGOTTEN, 1)
        new_text = pattern.sub(sqlite_forget.FORGOTTEN, new_text)
        gone = [i for i, s in said if pattern.search(s)]
        self.pg.execute("DELETE FROM _xm_passage WHERE id = ANY(%s)", (gone,))
        # A kept sentence that was read from the episode's text gets a text of its own when
        # that text changes (its words, and so its index entry, stay as they were).
        self.pg.cursor().executemany(
            "UPDATE _xm_passage SET text = %s WHERE id = %s",
            [(s, i) for i, s in said if i not in own and s != new_text and not pattern.search(s)],
        )
        self.pg.execute(
            "UPDATE _xm_episode SET text = %s, payload = %s WHERE id = %s",
            (new_text, new_payload, episode_id),
        )
        self.report.sentences += len(dropped)
        self.report.episodes += 1


def forget(conn: Connection, schema: Schema, request: ForgetRequest) -> ForgetReport:
    """What `request` names, forgotten inside the caller's write transaction."""
    return _PostgresForgetting(conn, schema).run(request)


def rewrite_tables(conn: Connection, schema_name: str) -> None:
    """Rewrite every table of the schema (outside any transaction): dead rows, which still
    hold forgotten text, are not copied."""
    tables = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", (schema_name,)
    ).fetchall()
    for (table,) in tables:
        conn.execute(
            sql.SQL("VACUUM FULL {}.{}").format(sql.Identifier(schema_name), sql.Identifier(table))
        )
