"""One instance's records in its own SQLite file, laid out exactly as `schema.py` says.

- object type `person` -> table `person`: `xuid` TEXT PRIMARY KEY, one typed column per field,
  `created_at`, `updated_at`; a UNIQUE index on the primary-key fields;
- relation `works_at` -> table `works_at`: `xuid`, `<role>_xuid` per role (foreign keys to the
  role's object table, deleted with it), relation fields, timestamps; a UNIQUE index on the
  endpoints;
- the engine's own tables (`internal.py`): applied write ids (exactly once across a crash),
  episodes, facts (provenance and history) and the full-text passages. Every insert, update
  and delete made inside `apply` records its facts against the write's episode here, so each
  path that changes records (text merge, structured mutations) keeps history the same way.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from xmemory_engine.schema import FieldSpec, ObjectSpec, RelationSpec, Schema
from xmemory_engine.semantic import SentenceIndex
from xmemory_engine.store import forget as forgetting
from xmemory_engine.store import portable, provenance, sentences, terms
from xmemory_engine.store.base import (
    EpisodeDraft,
    EpisodeRow,
    FactRow,
    ForgetReport,
    ForgetRequest,
    KeptEpisode,
    NotBrief,
    PassageRow,
    Record,
    RestoreBatch,
    Tables,
    utc_now,
)
from xmemory_engine.store.internal import migrate
from xmemory_engine.store.naming import name_field
from xmemory_engine.store.provenance import FactRecorder
from xmemory_engine.store.sqlite import (
    READER_CACHE_KIB,
    WAL_LIMIT,
    SqliteFile,
    present_tables,
    transaction,
)

T = TypeVar("T")
logger = logging.getLogger("xmemory_engine.store")

_IN_CHUNK = 500
_AUTO_CHECKPOINT_PAGES = WAL_LIMIT // 4096  # what `sqlite.connect` sets (4 KB pages)
_TERM_POSTINGS = 100
_MERGE_PAGES = 200
"""Pages a step of the passage index's merging writes (`SqliteInstanceData.checkpoint`):
~8 ms at 100,000 records, what a write that arrives meanwhile may wait."""


def q(name: str) -> str:
    """A quoted SQL identifier (names are validated by schema.py; quoting keeps keywords safe)."""
    return '"' + name.replace('"', '""') + '"'


def new_xuid() -> str:
    """32 hex digits: the time in milliseconds (12), then 80 random bits (20).

    Time first, so the records a write creates sort after every older one: the indexes keyed
    by xuid (the table's own, the facts', the name index's) take them at their end, a few
    pages a batch. Random ids (uuid4) landed all over those indexes: a batch of 1,000 creates
    dirtied a page per record in each, written to the WAL at every commit and growing with the
    store. Unique as a uuid4 is for any practical purpose (80 random bits per millisecond);
    nothing reads an xuid as a UUID."""
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"


def new_xuids(count: int) -> list[str]:
    """`count` xuids as `new_xuid` makes them, from one reading of the clock and one read of
    random bytes (a batch of 1,000 creates made 1,000 of each)."""
    stamp = f"{time.time_ns() // 1_000_000:012x}"
    noise = os.urandom(10 * count).hex()
    return [stamp + noise[i : i + 20] for i in range(0, 20 * count, 20)]


def schema_ddl(schema: Schema, existing: dict[str, set[str]]) -> list[str]:
    """Statements that bring the tables to `schema` without touching data: missing tables,
    missing columns, missing indexes. `existing` maps each present table to its columns."""
    statements: list[str] = []
    for obj in schema.objects.values():
        statements += _table_ddl(obj.table, obj.columns(), existing, foreign={})
        if obj.primary_key:
            cols = ", ".join(q(k) for k in obj.primary_key)
            statements.append(
                f"CREATE UNIQUE INDEX IF NOT EXISTS {q(obj.table + '__pk')} "
                f"ON {q(obj.table)} ({cols})"
            )
        nf = name_field(obj)
        if nf is not None:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {q(obj.table + '__name_ci')} "
                f"ON {q(obj.table)} (lower({q(nf)}))"
            )
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {q(obj.table + '__updated')} "
            f"ON {q(obj.table)} (updated_at)"
        )
    for rel in schema.relations.values():
        foreign = {
            rel.role_column(role): schema.objects[target].table
            for role, target in rel.roles.items()
        }
        statements += _table_ddl(rel.table, rel.columns(), existing, foreign=foreign)
        ends = ", ".join(q(rel.role_column(r)) for r in rel.roles)
        statements.append(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {q(rel.table + '__endpoints')} "
            f"ON {q(rel.table)} ({ends})"
        )
        for role in list(rel.roles)[1:]:
            col = rel.role_column(role)
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {q(rel.table + '__' + col)} "
                f"ON {q(rel.table)} ({q(col)})"
            )
    return statements


def _table_ddl(
    table: str,
    columns: list[tuple[str, str]],
    existing: dict[str, set[str]],
    *,
    foreign: dict[str, str],
) -> list[str]:
    if table not in existing:
        parts = []
        for col, sql_type in columns:
            if col == "xuid":
                parts.append(f"{q(col)} TEXT PRIMARY KEY")
            elif col in foreign:
                parts.append(
                    f"{q(col)} TEXT NOT NULL REFERENCES {q(foreign[col])}(xuid) ON DELETE CASCADE"
                )
            elif col in ("created_at", "updated_at"):
                parts.append(f"{q(col)} TEXT NOT NULL")
            else:
                parts.append(f"{q(col)} {sql_type}")
        return [f"CREATE TABLE IF NOT EXISTS {q(table)} ({', '.join(parts)})"]
    have = existing[table]
    return [
        f"ALTER TABLE {q(table)} ADD COLUMN {q(col)} {sql_type}"
        for col, sql_type in columns
        if col not in have
    ]


class SqliteTables(Tables):
    """Record access over one connection; the caller holds the transaction. With a
    `recorder` (inside a write), every change is also recorded as facts of its episode."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        schema: Schema,
        recorder: FactRecorder | None = None,
        term_counts: provenance.TermCounts | None = None,
        sentence_index: SentenceIndex | None = None,
    ) -> None:
        self.conn = conn
        self.schema = schema
        self.recorder = recorder
        self.term_counts = term_counts
        self.sentence_index = sentence_index
        # One read's snapshot: how many sentences hold a term does not change within it, and a
        # read may search twice (what answers, then what changed it later).
        self._frequency: tuple[int, dict[str, int]] | None = None
        # Likewise the sentences a search found and the episodes read: the second search of a
        # read (a change said later in other words) runs the first one's query again, and the
        # evidence and the search read the same episodes (a batch's is its thousand lines).
        self._searched: dict[tuple[str, int, int, bool], list[PassageRow]] = {}
        self._episodes: dict[int, EpisodeRow] = {}
        # Numbers counted by fetching their sentences: match expression -> the sentences' ids
        # (`provenance.passage_frequency`); a search for one of them alone after the last of
        # them finds nothing, without a statement (said_later's, usually).
        self._exact: dict[str, list[int]] = {}

    # -- reading ---------------------------------------------------------------------------

    def get(self, spec: ObjectSpec | RelationSpec, xuid: str) -> Record | None:
        row = self.conn.execute(f"SELECT * FROM {q(spec.table)} WHERE xuid = ?", (xuid,)).fetchone()
        return _record(spec, row) if row else None

    def find_by_key(self, spec: ObjectSpec, key: dict[str, Any]) -> Record | None:
        if not key:
            return None
        where = " AND ".join(f"{q(k)} IS ?" for k in key)
        row = self.conn.execute(
            f"SELECT * FROM {q(spec.table)} WHERE {where} LIMIT 2",
            [_to_sql(v) for v in key.values()],
        ).fetchone()
        return _record(spec, row) if row else None

    def find_by_keys(
        self, spec: ObjectSpec, keys: Sequence[tuple[Any, ...]]
    ) -> dict[tuple[Any, ...], Record]:
        pk = list(spec.primary_key)
        found: dict[tuple[Any, ...], Record] = {}
        if not pk:
            return found
        given: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        for key in keys:
            key = tuple(key)
            # As SQLite holds it: only a boolean differs (`_to_sql`), and a key rarely has one.
            held = tuple(map(_to_sql, key)) if bool in map(type, key) else key
            given.setdefault(held, []).append(key)
        wanted = list(given)
        # One indexed query per chunk instead of one per key (a batch of creates).
        per = max(1, _IN_CHUNK // len(pk))
        for start in range(0, len(wanted), per):
            chunk = wanted[start : start + per]
            if len(pk) == 1:
                where = f"{q(pk[0])} IN ({','.join('?' * len(chunk))})"
            else:
                row = "(" + ",".join("?" * len(pk)) + ")"
                cols = ", ".join(q(k) for k in pk)
                where = f"({cols}) IN (VALUES {','.join([row] * len(chunk))})"
            params = [v for key in chunk for v in key]
            for r in self.conn.execute(f"SELECT * FROM {q(spec.table)} WHERE {where}", params):
                record = _record(spec, r)
                for key in given.get(tuple(_to_sql(record[k]) for k in pk), []):
                    found.setdefault(key, record)
        return found

    def find_by_text(
        self, spec: ObjectSpec, fields: Sequence[str], text: str, limit: int
    ) -> list[Record]:
        fields = [f for f in fields if f in spec.fields and spec.fields[f].type == "str"]
        if not fields or not text.strip():
            return []
        # Folded by the database on both sides: SQLite's lower() folds A-Z only, so a
        # needle lowered here ("łukasz") would never meet a stored "Łukasz".
        needle = text.strip()
        exact = " OR ".join(f"lower({q(f)}) = lower(?)" for f in fields)
        rows = self.conn.execute(
            f"SELECT * FROM {q(spec.table)} WHERE {exact} ORDER BY updated_at DESC LIMIT ?",
            [needle] * len(fields) + [limit],
        ).fetchall()
        found = [_record(spec, r) for r in rows]
        if len(found) < limit:
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern += "%"
            like = " OR ".join(f"lower({q(f)}) LIKE lower(?) ESCAPE '\\'" for f in fields)
            seen = {r["xuid"] for r in found}
            rows = self.conn.execute(
                f"SELECT * FROM {q(spec.table)} WHERE ({like}) ORDER BY updated_at DESC LIMIT ?",
                [pattern] * len(fields) + [limit + len(found)],
            ).fetchall()
            for row in rows:
                if row["xuid"] not in seen and len(found) < limit:
                    found.append(_record(spec, row))
        return found

    def find_by_term(
        self, spec: ObjectSpec, term: str, limit: int, *, whole: bool = False
    ) -> list[Record]:
        # Whole names are few per term; a word may be shared by every record, so at most
        # `limit` of the records holding it are looked at (the cost stays flat however common
        # the word gets; when it is that common, any `limit` of them say "many share it").
        found: dict[str, None] = {}
        keys = [(terms.WHOLE + term, _TERM_POSTINGS)]
        if not whole:
            keys.append((term, limit))
        for key, cap in keys:
            for (xuid,) in self.conn.execute(
                "SELECT xuid FROM _xm_term WHERE tbl = ? AND term = ? LIMIT ?",
                (spec.table, key, cap),
            ):
                found.setdefault(xuid, None)
        records = [r for _, r in self._by_xuids([spec], list(found))]
        records.sort(key=lambda r: (str(r.get("updated_at") or ""), r["xuid"]), reverse=True)
        return records[:limit]

    def _names_in(self, spec: ObjectSpec | RelationSpec, values: dict[str, Any]) -> bool:
        return isinstance(spec, ObjectSpec) and name_field(spec) in values

    def _name_terms(self, spec: ObjectSpec | RelationSpec, xuid: str) -> list[tuple[str, str, str]]:
        """The name-index rows of a stored object (none for a relation)."""
        field = name_field(spec) if isinstance(spec, ObjectSpec) else None
        if field is None or not isinstance(spec, ObjectSpec):
            return []
        row = self.conn.execute(
            f"SELECT {q(field)} FROM {q(spec.table)} WHERE xuid = ?", (xuid,)
        ).fetchone()
        return terms.term_rows(spec, [{"xuid": xuid, field: row[0]}]) if row else []

    def recent(self, spec: ObjectSpec, limit: int) -> list[Record]:
        rows = self.conn.execute(
            f"SELECT * FROM {q(spec.table)} ORDER BY updated_at DESC, rowid DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [_record(spec, r) for r in rows]

    def objects_by_xuids(self, xuids: Sequence[str]) -> list[tuple[ObjectSpec, Record]]:
        return self._by_xuids(list(self.schema.objects.values()), xuids)  # type: ignore[return-value]

    def relations_by_xuids(self, xuids: Sequence[str]) -> list[tuple[RelationSpec, Record]]:
        return self._by_xuids(list(self.schema.relations.values()), xuids)  # type: ignore[return-value]

    def _by_xuids(
        self, specs: Sequence[ObjectSpec | RelationSpec], xuids: Sequence[str]
    ) -> list[tuple[ObjectSpec | RelationSpec, Record]]:
        wanted = list(dict.fromkeys(xuids))
        order = {x: i for i, x in enumerate(wanted)}
        found: list[tuple[ObjectSpec | RelationSpec, Record]] = []
        for spec in specs:
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    f"SELECT * FROM {q(spec.table)} WHERE xuid IN ({marks})", chunk
                ).fetchall()
                found += [(spec, _record(spec, r)) for r in rows]
        found.sort(key=lambda pair: order[pair[1]["xuid"]])
        return found

    def relations_among(self, xuids: Sequence[str]) -> list[tuple[RelationSpec, Record]]:
        wanted = list(dict.fromkeys(xuids))
        if not wanted or len(wanted) > _IN_CHUNK:
            wanted = wanted[:_IN_CHUNK]
        found: list[tuple[RelationSpec, Record]] = []
        if not wanted:
            return found
        marks = ",".join("?" * len(wanted))
        for rel in self.schema.relations.values():
            cols = [rel.role_column(r) for r in rel.roles]
            where = " AND ".join(f"{q(c)} IN ({marks})" for c in cols)
            rows = self.conn.execute(
                f"SELECT * FROM {q(rel.table)} WHERE {where} ORDER BY created_at",
                wanted * len(cols),
            ).fetchall()
            found += [(rel, _record(rel, r)) for r in rows]
        return found

    def links_of(self, xuid: str) -> list[tuple[RelationSpec, Record]]:
        found: list[tuple[RelationSpec, Record]] = []
        for rel in self.schema.relations.values():
            cols = [rel.role_column(r) for r in rel.roles]
            where = " OR ".join(f"{q(c)} = ?" for c in cols)
            rows = self.conn.execute(
                f"SELECT * FROM {q(rel.table)} WHERE {where}", [xuid] * len(cols)
            ).fetchall()
            found += [(rel, _record(rel, r)) for r in rows]
        return found

    def find_links(self, spec: RelationSpec, endpoints: dict[str, str]) -> list[Record]:
        if not endpoints:
            rows = self.conn.execute(f"SELECT * FROM {q(spec.table)}").fetchall()
        else:
            where = " AND ".join(f"{q(spec.role_column(r))} = ?" for r in endpoints)
            rows = self.conn.execute(
                f"SELECT * FROM {q(spec.table)} WHERE {where}", list(endpoints.values())
            ).fetchall()
        return [_record(spec, r) for r in rows]

    # -- provenance, history, passages ------------------------------------------------------

    def facts(self, xuids: Sequence[str], *, current_only: bool) -> list[FactRow]:
        return provenance.facts(self.conn, xuids, current_only=current_only)

    def records_said_in(self, episode_id: int) -> list[str]:
        return provenance.records_said_in(self.conn, episode_id)

    def episodes(self, ids: Sequence[int]) -> dict[int, EpisodeRow]:
        if self.recorder is not None:  # inside a write: episodes are being added
            return provenance.episodes(self.conn, ids)
        known = self._episodes
        missing = [i for i in ids if i not in known]
        if missing:
            known.update(provenance.episodes(self.conn, missing))
        return {i: known[i] for i in ids if i in known}

    def search_passages(
        self, match: str, limit: int, *, after: int = 0, newest: bool = False
    ) -> list[PassageRow]:
        if self.recorder is not None:  # inside a write: the index changes as it goes
            return provenance.search_passages(self.conn, match, limit, after, newest)
        key = (match, limit, after, newest)
        found = self._searched.get(key)
        if found is None:
            ids = self._exact.get(match)
            if ids is not None and all(i <= after for i in ids):
                found = []
            else:
                found = provenance.search_passages(self.conn, match, limit, after, newest)
            self._searched[key] = found
        return list(found)

    def sentences_after(self, after: int, limit: int) -> list[tuple[int, str]]:
        return sentences.sentences_after(self.conn, after, limit)

    def passages_by_id(self, ids: Sequence[int]) -> list[PassageRow]:
        return sentences.passages_by_id(self.conn, ids)

    def passage_frequency(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        if self.recorder is not None:  # inside a write: the index changes as it goes
            return provenance.passage_frequency(self.conn, terms)
        known = self._frequency
        missing = [t for t in terms if known is None or t not in known[1]]
        if known is None or missing:
            exact: dict[str, list[int]] = {}
            total, counts = provenance.passage_frequency(
                self.conn, missing, known, self.term_counts, exact
            )
            self._exact.update((provenance.exact_match(t), hits) for t, hits in exact.items())
            known = (total, (known[1] if known else {}) | counts)
            self._frequency = known
        return known[0], {t: known[1][t] for t in terms}

    def later_text_episode(self, episode_id: int) -> bool:
        if self.recorder is None and isinstance(self.term_counts, provenance.SnapshotCounts):
            return self.term_counts.newest_text_episode(self.conn) > episode_id
        return provenance.later_text_episode(self.conn, episode_id)

    def scan(self, spec: ObjectSpec | RelationSpec, after: str, limit: int) -> list[Record]:
        return portable.scan(self.conn, spec, after, limit)

    def episodes_after(self, after: int, limit: int) -> list[KeptEpisode]:
        return portable.episodes_after(self.conn, after, limit)

    def fact_xuids(self, after: str, limit: int) -> list[str]:
        return portable.fact_xuids(self.conn, after, limit)

    # -- writing ---------------------------------------------------------------------------

    def insert(self, spec: ObjectSpec | RelationSpec, values: dict[str, Any]) -> Record:
        return self._insert_rows(spec, [values])[0]

    def insert_many(self, spec: ObjectSpec, rows: list[dict[str, Any]]) -> list[Record]:
        return self._insert_rows(spec, rows)

    def _insert_rows(
        self, spec: ObjectSpec | RelationSpec, rows: list[dict[str, Any]]
    ) -> list[Record]:
        now = utc_now()
        columns = [c for c, _ in spec.columns()]
        blank = dict.fromkeys(columns)
        fields = list(spec.fields)
        records: list[Record] = []
        fresh = iter(new_xuids(len(rows)))
        for values in rows:
            record: Record = blank | values
            record["xuid"] = values.get("xuid") or next(fresh)
            record["created_at"] = now
            record["updated_at"] = now
            records.append(record)
        marks = ",".join("?" * len(columns))
        # sqlite3 binds a bool as the integer it is (`_to_sql`'s conversion), so each row's
        # parameters are its values in column order, taken in one call.
        self.conn.executemany(
            f"INSERT INTO {q(spec.table)} ({', '.join(q(c) for c in columns)}) VALUES ({marks})",
            map(itemgetter(*columns), records),
        )
        if isinstance(spec, ObjectSpec):
            terms.add_terms(self.conn, terms.term_rows(spec, records))
        if self.recorder is not None:
            # Each fact holds the record's non-null values (one dict per record, not two).
            self.recorder.created(
                spec.name,
                [(r["xuid"], {f: r[f] for f in fields if r[f] is not None}) for r in records],
            )
        return records

    def update(self, spec: ObjectSpec | RelationSpec, xuid: str, values: dict[str, Any]) -> Record:
        values = {k: v for k, v in values.items() if k not in ("xuid", "created_at", "updated_at")}
        renamed = self._name_terms(spec, xuid) if self._names_in(spec, values) else None
        # The values being replaced: a text that grows by what is appended to it is recorded
        # as what was appended (provenance.FactRecorder.changed).
        before = self.get(spec, xuid) if self.recorder is not None else None
        sets = [f"{q(k)} = ?" for k in values] + ["updated_at = ?"]
        self.conn.execute(
            f"UPDATE {q(spec.table)} SET {', '.join(sets)} WHERE xuid = ?",
            [*(_to_sql(v) for v in values.values()), utc_now(), xuid],
        )
        record = self.get(spec, xuid)
        if record is None:  # pragma: no cover - the caller looked it up in this transaction
            raise LookupError(xuid)
        if renamed is not None and isinstance(spec, ObjectSpec):
            terms.remove_terms(self.conn, renamed)
            terms.add_terms(self.conn, terms.term_rows(spec, [record]))
        if self.recorder is not None:
            self.recorder.changed(
                spec.name, xuid, {k: record.get(k) for k in values if k in spec.fields}, before
            )
        return record

    def delete(self, spec: ObjectSpec | RelationSpec, xuid: str) -> None:
        named = self._name_terms(spec, xuid)
        self.conn.execute(f"DELETE FROM {q(spec.table)} WHERE xuid = ?", (xuid,))
        terms.remove_terms(self.conn, named)
        if self.recorder is not None:
            self.recorder.deleted(xuid)


class SqliteInstanceData:
    """An instance's database file: a writer connection (one write transaction at a time) and
    a reader connection (snapshots of committed data, never blocked by the writer)."""

    def __init__(self, path: Path, schema: Schema | None = None) -> None:
        """Open (or create) the file and bring the engine's own tables to this version;
        `schema` is the instance's, needed to migrate a file that holds records."""
        self.path = path
        self._writer = SqliteFile(path)
        self._writer.run(lambda conn: migrate(conn, schema))
        self._reader = SqliteFile(path, cache_kib=READER_CACHE_KIB)
        self._recorded: list[str] = []
        self._term_counts = provenance.SnapshotCounts()
        self._sentence_index = SentenceIndex()
        self._wal_unchecked = False  # a write committed whose WAL `checkpoint()` has not seen
        # The passage index may have segments to merge (`checkpoint`): a file just opened may
        # have been left so, or was migrated to merging here.
        self._merge_due = True

    def close(self) -> None:
        self._reader.close()
        self._writer.close()

    async def checkpoint(self, waiting: Callable[[], bool] | None = None) -> None:
        """After a write has been answered: copy the WAL into the file once it holds more than
        `WAL_LIMIT` bytes, which SQLite's automatic checkpoint did inside that write's commit;
        then merge the passage index's segments.

        `apply` commits without either: copying a batch's pages into the file and syncing it
        was part of the wait for the reply (3-25 ms of a 1,000-object write at 100,000
        records, with the disk's load), and so was FTS5's merging of segments (file version
        5 turned its `automerge` off); the commit itself (the WAL, synced) is what makes a
        write durable. The write queue calls this once the caller has its answer; an `apply`
        that finds it was not called copies the WAL first (it stays bounded either way).

        Merging goes in steps of `_MERGE_PAGES` pages, one transaction each: at least one
        step, then more while `waiting()` (a next write for this file) is false, so a write
        that arrives waits for one step at most and the merging keeps pace with the writes
        even when the queue is never empty. Its commits are not synced: a merge changes no
        content, and one lost to a power cut leaves the index as it was before it. What the
        steps add to the WAL is copied after them when they ran to the end; when a write
        cut them short, by that write's own housekeeping (at most one step's pages more)."""
        if self._wal_unchecked:
            await self._writer.call(self._checkpoint_now)
        merged = False
        while self._merge_due:
            merged = await self._writer.call(self._merge_step) or merged
            if waiting is not None and waiting():
                return
        if merged:
            await self._writer.call(self._checkpoint_now)

    def _merge_step(self, conn: sqlite3.Connection) -> bool:
        """One step of merging; whether it merged anything."""
        # The WAL is copied into the file once, after the steps (`_checkpoint_now`), not by
        # SQLite's automatic checkpoint in each step's commit (a copy and two syncs a step).
        conn.execute("PRAGMA wal_autocheckpoint=0")
        try:
            with transaction(conn, durable=False):
                before = conn.total_changes
                # Positive: only levels holding `usermerge` (4) segments are merged, the rule
                # FTS5's own automerge followed, and a merge begun is carried on.
                conn.execute(
                    "INSERT INTO _xm_passage (_xm_passage, rank) VALUES ('merge', ?)",
                    (_MERGE_PAGES,),
                )
                # FTS5's documented test: fewer than two rows changed: nothing left to do.
                merged = conn.total_changes - before >= 2
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint={_AUTO_CHECKPOINT_PAGES}")
        self._merge_due = merged
        return merged

    def _checkpoint_now(self, conn: sqlite3.Connection) -> None:
        self._wal_unchecked = False
        try:
            size = self.path.with_name(self.path.name + "-wal").stat().st_size
        except OSError:  # no WAL file: nothing to copy
            return
        if size > WAL_LIMIT:
            # PASSIVE, as the automatic one: readers are not waited for (what they still use
            # is copied next time); the next write starts the WAL over and cuts it back.
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    async def ensure_schema(self, schema: Schema) -> None:
        def run(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                for statement in schema_ddl(schema, present_tables(conn)):
                    conn.execute(statement)
                terms.sync_terms(conn, schema, present_tables(conn))

        await self._writer.call(run)

    async def apply(
        self,
        write_id: str,
        schema: Schema,
        fn: Callable[[Tables], dict[str, Any]],
        episode: EpisodeDraft,
        *,
        keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> tuple[dict[str, Any], bool]:
        recorded = list(self._recorded)

        def run(conn: sqlite3.Connection) -> tuple[dict[str, Any], bool]:
            if self._wal_unchecked:  # the last write was not followed by `checkpoint()`
                self._checkpoint_now(conn)
            conn.execute("PRAGMA wal_autocheckpoint=0")  # see `checkpoint`
            try:
                return applied(conn)
            finally:
                self._wal_unchecked = True
                self._merge_due = True
                conn.execute(f"PRAGMA wal_autocheckpoint={_AUTO_CHECKPOINT_PAGES}")

        def applied(conn: sqlite3.Connection) -> tuple[dict[str, Any], bool]:
            with transaction(conn):
                conn.executemany(
                    "DELETE FROM _xm_applied WHERE write_id = ?", [(w,) for w in recorded]
                )
                row = conn.execute(
                    "SELECT result FROM _xm_applied WHERE write_id = ?", (write_id,)
                ).fetchone()
                if row is not None:
                    return json.loads(row[0]), False
                # Applied, and its marker already gone (the catalog had recorded it): the
                # episode keeps the write id for good.
                row = conn.execute(
                    "SELECT id FROM _xm_episode WHERE write_id = ? LIMIT 1", (write_id,)
                ).fetchone()
                if row is not None:
                    return {"episode_id": row[0], "changes": None}, False
                episode_id = provenance.insert_episode(conn, episode)
                result = fn(SqliteTables(conn, schema, FactRecorder(conn, episode_id)))
                result["episode_id"] = episode_id
                kept = keep(result) if keep is not None else {"changes": result.get("changes")}
                conn.execute(
                    "INSERT INTO _xm_applied (write_id, result, applied_at) VALUES (?, ?, ?)",
                    (write_id, json.dumps(kept | {"episode_id": episode_id}), utc_now()),
                )
                return result, True

        result: tuple[dict[str, Any], bool] = await self._writer.call(run)
        # Committed (or nothing to do): those markers are gone, or were never here.
        del self._recorded[: len(recorded)]
        return result

    def mark_recorded(self, write_id: str) -> None:
        """The catalog now holds this write's outcome: its marker here is no longer needed
        and is deleted by the next write on this file (in that write's transaction, so it
        costs no commit of its own). Markers left by a process that ended are deleted at the
        next start (`forget_applied`)."""
        self._recorded.append(write_id)

    async def applied_at(self, write_id: str) -> str | None:
        """When the write with this id was applied here (its episode), or None."""

        def run(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT recorded_at FROM _xm_episode WHERE write_id = ? LIMIT 1", (write_id,)
            ).fetchone()
            return str(row[0]) if row else None

        result: str | None = await self._reader.call(run)
        return result

    async def read(self, schema: Schema, fn: Callable[[Tables], T]) -> T:
        counts, index = self._term_counts, self._sentence_index
        return await self._reader.call(lambda conn: _snapshot(conn, schema, fn, counts, index))

    def read_here(self, schema: Schema, fn: Callable[[Tables], T]) -> T:
        counts, index = self._term_counts, self._sentence_index
        return self._reader.run(lambda conn: _snapshot(conn, schema, fn, counts, index))

    def read_brief(self, schema: Schema, fn: Callable[[Tables], T], within: float) -> T:
        """`read_here` on the event loop, for a snapshot of a few rows: its SQL gets `within`
        seconds, past which it is stopped and `NotBrief` raised (read it with `read`). The
        connection is waited for if another thread holds it: the reads it serves are
        snapshots of their own, short as this one."""
        counts, index = self._term_counts, self._sentence_index
        deadline = time.monotonic() + within

        def past() -> int:
            return int(time.monotonic() > deadline)

        def run(conn: sqlite3.Connection) -> T:
            conn.set_progress_handler(past, _BRIEF_STEPS)
            try:
                return _snapshot(conn, schema, fn, counts, index)
            except sqlite3.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise NotBrief(f"the snapshot needed more than {within} s") from exc
                raise
            finally:
                conn.set_progress_handler(None, 0)

        return self._reader.run(run)

    async def applied_write_ids(self) -> list[str]:
        def run(conn: sqlite3.Connection) -> list[str]:
            return [r[0] for r in conn.execute("SELECT write_id FROM _xm_applied")]

        result: list[str] = await self._reader.call(run)
        return result

    async def forget_applied(self, write_ids: Sequence[str]) -> None:
        def run(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                conn.executemany(
                    "DELETE FROM _xm_applied WHERE write_id = ?", [(w,) for w in write_ids]
                )

        if write_ids:
            await self._writer.call(run)

    async def forget(self, schema: Schema, request: ForgetRequest) -> ForgetReport:
        """See `store/forget.py`."""
        report: ForgetReport = await self._writer.call(
            lambda conn: forgetting.forget(conn, schema, request)
        )
        # Cached sentence counts of words that may be gone: counted again when asked.
        self._term_counts = provenance.SnapshotCounts()
        return report

    async def restore(self, schema: Schema, batch: RestoreBatch) -> None:
        def run(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                portable.restore(conn, schema, batch)
            # An import has nobody waiting on each batch: its passages are merged here, as
            # FTS5's automerge did in the commit (`checkpoint`). Housekeeping: the batch is
            # stored either way, and what is left is merged after a later write.
            self._merge_due = True
            try:
                while self._merge_due:
                    self._merge_step(conn)
                self._checkpoint_now(conn)  # what the steps added, as `checkpoint` does
            except sqlite3.Error:
                logger.exception("merging the passage index of %s failed", self.path)

        await self._writer.call(run)


_BRIEF_STEPS = 1000
"""Virtual-machine steps between two looks at the clock in `read_brief` (a few microseconds)."""


def _snapshot(
    conn: sqlite3.Connection,
    schema: Schema,
    fn: Callable[[Tables], T],
    term_counts: provenance.TermCounts | None = None,
    sentence_index: SentenceIndex | None = None,
) -> T:
    with transaction(conn, immediate=False):
        return fn(
            SqliteTables(conn, schema, term_counts=term_counts, sentence_index=sentence_index)
        )


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + _IN_CHUNK] for i in range(0, len(items), _IN_CHUNK)]


def _to_sql(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return value


def _record(spec: ObjectSpec | RelationSpec, row: sqlite3.Row) -> Record:
    record: Record = dict(row)
    for fname, fspec in spec.fields.items():
        record[fname] = _from_sql(fspec, record.get(fname))
    return record


def _from_sql(spec: FieldSpec, value: Any) -> Any:
    if value is not None and spec.type == "bool":
        return bool(value)
    return value
