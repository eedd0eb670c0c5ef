"""The catalog: clusters, instances (with their schema text and version) and write jobs.

One SQLite file, `catalog.sqlite` in the data directory. Its own tables change only through
numbered migrations, each applied in one transaction together with the record that it was.

A write job's row keeps what the job needs while it is pending (its request body) and what
`write_status` reports once it is finished (status, compact result or error). So the file
does not grow with every write ever made: a finished job's body is dropped when it finishes,
and only the newest `STATUS_RETENTION` finished jobs of each instance are kept. An older write
that was applied is still known to its instance's file (its episode keeps the write id), so
`write_status` answers it as completed, without the change report; an older failed one is
`not_found` (a failed write changed nothing).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xmemory_engine.store.base import ClusterRow, InstanceRow, JobRow, JobStatus, utc_now
from xmemory_engine.store.forget import forget_in_jobs
from xmemory_engine.store.sqlite import SqliteFile, transaction

# (version, name, statements). Append only: a released migration never changes.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "clusters, instances, write jobs",
        [
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE clusters (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                name TEXT NOT NULL,
                description TEXT,
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE instances (
                id TEXT PRIMARY KEY,
                cluster_id TEXT NOT NULL REFERENCES clusters(id),
                name TEXT NOT NULL,
                description TEXT,
                schema_text TEXT NOT NULL,
                schema_type TEXT NOT NULL,
                schema_json TEXT NOT NULL,
                schema_version INTEGER NOT NULL,
                schema_description TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE write_jobs (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                payload TEXT NOT NULL,
                trace_id TEXT,
                result TEXT,
                error TEXT,
                owner TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                completed_at TEXT
            )""",
            "CREATE INDEX write_jobs_by_instance ON write_jobs (instance_id, status, seq)",
            "CREATE INDEX write_jobs_by_status ON write_jobs (status)",
        ],
    ),
    (
        2,
        "finished jobs drop their request bodies",
        # A finished job is never run again; its body was most of the file. Rows older than
        # an instance's newest STATUS_RETENTION finished ones go at its next prunings.
        ["UPDATE write_jobs SET payload = '' WHERE status IN ('completed', 'failed')"],
    ),
]

_PENDING = ("queued", "processing")
_FINISHED = ("completed", "failed")

STATUS_RETENTION = 1000
"""Finished jobs kept per instance, newest first, for `write_status` to report in full."""

CATALOG_CACHE_KIB = 256
"""The catalog's page cache. Its statements touch a few rows (a job queued, claimed,
finished; an instance looked up): the writer's 1 MiB filled with pages of payloads written
once, never read again. 256 KiB: SQLite -0.8 MB and the MCP server's RSS -0.6 to -1.2 MB at
100,000 records grown by 1,000-object writes (3 alternating runs), no change in their time."""


class SqliteCatalog:
    """The catalog on SQLite; every method runs its statements in a worker thread."""

    PRUNE_EVERY = 50
    """Finished jobs between two prunings of old statuses."""

    def __init__(self, path: Path, *, status_retention: int | None = None) -> None:
        self._db = SqliteFile(path, cache_kib=CATALOG_CACHE_KIB)
        self._db.run(_migrate)
        self.status_retention = STATUS_RETENTION if status_retention is None else status_retention
        self._finished = 0

    def close(self) -> None:
        self._db.close()

    async def _call(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        return await self._db.call(fn)

    # -- defaults --------------------------------------------------------------------------

    async def ensure_defaults(
        self, make_cluster: Callable[[], ClusterRow], make_instance: Callable[[str], InstanceRow]
    ) -> tuple[ClusterRow, InstanceRow, bool]:
        """The default cluster and instance, created in one transaction when missing.

        Returns them and whether the instance was created now (its tables need making)."""

        def run(conn: sqlite3.Connection) -> tuple[ClusterRow, InstanceRow, bool]:
            with transaction(conn):
                cluster = _by_meta(conn, "default_cluster_id", "clusters", _cluster)
                if cluster is None:
                    cluster = make_cluster()
                    _insert_cluster(conn, cluster)
                    _set_meta(conn, "default_cluster_id", cluster.id)
                instance = _by_meta(conn, "default_instance_id", "instances", _instance)
                created = instance is None
                if instance is None:
                    instance = make_instance(cluster.id)
                    _insert_instance(conn, instance)
                    _set_meta(conn, "default_instance_id", instance.id)
                return cluster, instance, created

        result: tuple[ClusterRow, InstanceRow, bool] = await self._call(run)
        return result

    # -- clusters --------------------------------------------------------------------------

    async def get_cluster(self, cluster_id: str) -> ClusterRow | None:
        def run(conn: sqlite3.Connection) -> ClusterRow | None:
            row = conn.execute("SELECT * FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
            return _cluster(row) if row else None

        result: ClusterRow | None = await self._call(run)
        return result

    async def list_clusters(self, ids: Sequence[str] | None = None) -> list[ClusterRow]:
        def run(conn: sqlite3.Connection) -> list[ClusterRow]:
            rows = _select_many(conn, "clusters", ids)
            return [_cluster(r) for r in rows]

        result: list[ClusterRow] = await self._call(run)
        return result

    # -- instances -------------------------------------------------------------------------

    async def create_instance(self, row: InstanceRow) -> None:
        def run(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                _insert_instance(conn, row)

        await self._call(run)

    async def get_instance(self, instance_id: str) -> InstanceRow | None:
        def run(conn: sqlite3.Connection) -> InstanceRow | None:
            row = conn.execute("SELECT * FROM instances WHERE id = ?", (instance_id,)).fetchone()
            return _instance(row) if row else None

        # Every call on an instance starts here: a thread hop would cost more than the query.
        result: InstanceRow | None = await self._db.call_brief(run)
        return result

    async def list_instances(self, ids: Sequence[str] | None = None) -> list[InstanceRow]:
        def run(conn: sqlite3.Connection) -> list[InstanceRow]:
            return [_instance(r) for r in _select_many(conn, "instances", ids)]

        result: list[InstanceRow] = await self._call(run)
        return result

    async def update_instance_metadata(
        self, instance_id: str, changes: dict[str, str | None]
    ) -> InstanceRow | None:
        """Set `name` and/or `description`; None when the instance does not exist."""
        allowed = {k: v for k, v in changes.items() if k in ("name", "description")}

        def run(conn: sqlite3.Connection) -> InstanceRow | None:
            with transaction(conn):
                if allowed:
                    sets = ", ".join(f"{k} = ?" for k in allowed)
                    conn.execute(
                        f"UPDATE instances SET {sets}, updated_at = ? WHERE id = ?",
                        (*allowed.values(), utc_now(), instance_id),
                    )
                row = conn.execute(
                    "SELECT * FROM instances WHERE id = ?", (instance_id,)
                ).fetchone()
                return _instance(row) if row else None

        result: InstanceRow | None = await self._call(run)
        return result

    async def update_instance_schema(
        self,
        instance_id: str,
        *,
        schema_text: str,
        schema_type: str,
        schema_json: str,
        expected_version: int,
    ) -> InstanceRow | None:
        """Store a new schema if the instance still has `expected_version`; None otherwise."""

        def run(conn: sqlite3.Connection) -> InstanceRow | None:
            with transaction(conn):
                cur = conn.execute(
                    """UPDATE instances SET schema_text = ?, schema_type = ?, schema_json = ?,
                       schema_version = schema_version + 1, updated_at = ?
                       WHERE id = ? AND schema_version = ?""",
                    (
                        schema_text,
                        schema_type,
                        schema_json,
                        utc_now(),
                        instance_id,
                        expected_version,
                    ),
                )
                if cur.rowcount != 1:
                    return None
                row = conn.execute(
                    "SELECT * FROM instances WHERE id = ?", (instance_id,)
                ).fetchone()
                return _instance(row)

        result: InstanceRow | None = await self._call(run)
        return result

    async def delete_instance(self, instance_id: str) -> bool:
        """Remove the instance and its jobs; False when it did not exist."""

        def run(conn: sqlite3.Connection) -> bool:
            with transaction(conn):
                conn.execute("DELETE FROM write_jobs WHERE instance_id = ?", (instance_id,))
                cur = conn.execute("DELETE FROM instances WHERE id = ?", (instance_id,))
                if cur.rowcount and _get_meta(conn, "default_instance_id") == instance_id:
                    conn.execute("DELETE FROM meta WHERE key = 'default_instance_id'")
                return cur.rowcount == 1

        result: bool = await self._call(run)
        return result

    # -- write jobs ------------------------------------------------------------------------

    async def insert_job(self, job: JobRow, *, durable: bool = True) -> JobRow:
        """Persist a queued job (the acknowledgement of `write_async`); fills in `seq`.

        `durable=False` for a job whose caller waits for it to be applied (`write`): what
        it is promised is the instance's own durable commit, so this row need not be synced
        (`sqlite.transaction`); it still survives the process being killed."""

        def run(conn: sqlite3.Connection) -> JobRow:
            with transaction(conn, durable=durable):
                cur = conn.execute(
                    """INSERT INTO write_jobs (id, instance_id, status, payload, trace_id, owner,
                       created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        job.id,
                        job.instance_id,
                        job.status,
                        # A request as the engine parsed it holds no cycle: not looked for
                        # (~20 % of encoding a 1,000-mutation body).
                        json.dumps(job.payload, check_circular=False),
                        job.trace_id,
                        job.owner,
                        job.created_at,
                        job.created_at,
                    ),
                )
                job.seq = int(cur.lastrowid or 0)
                return job

        result: JobRow = await self._call(run)
        return result

    async def make_durable(self, job_id: str, payload: dict[str, Any] | None = None) -> None:
        # A synced commit syncs the WAL, and with it every commit before it: this one
        # rewrites a column of the job's row (as it is, without `payload`: an empty commit
        # writes nothing). A row that has ended keeps its emptied payload.
        body = None if payload is None else json.dumps(payload, check_circular=False)

        def run(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                if body is None:
                    conn.execute(
                        "UPDATE write_jobs SET updated_at = updated_at WHERE id = ?", (job_id,)
                    )
                else:
                    conn.execute(
                        "UPDATE write_jobs SET payload = ? WHERE id = ? AND status IN (?, ?)",
                        (body, job_id, *_PENDING),
                    )

        await self._call(run)

    async def get_job(self, job_id: str) -> JobRow | None:
        def run(conn: sqlite3.Connection) -> JobRow | None:
            row = conn.execute("SELECT * FROM write_jobs WHERE id = ?", (job_id,)).fetchone()
            return _job(row) if row else None

        result: JobRow | None = await self._call(run)
        return result

    async def recent_jobs(
        self, instance_id: str, limit: int, before_seq: int | None = None
    ) -> list[JobRow]:
        """The instance's jobs newest first, those queued before `before_seq` (the memory
        page's write log; finished ones as far back as statuses are kept)."""

        def run(conn: sqlite3.Connection) -> list[JobRow]:
            rows = conn.execute(
                "SELECT * FROM write_jobs WHERE instance_id = ? AND seq < ? "
                "ORDER BY seq DESC LIMIT ?",
                (instance_id, 2**62 if before_seq is None else before_seq, limit),
            ).fetchall()
            return [_job(r) for r in rows]

        result: list[JobRow] = await self._call(run)
        return result

    async def finish_job(
        self,
        job_id: str,
        status: JobStatus,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        """Record a job's end (completed with its result, or failed with its error). Its
        request body has served its purpose and is dropped; every `PRUNE_EVERY` finished jobs,
        the instance's finished jobs older than its newest `status_retention` go (see the
        module's docstring)."""
        now = utc_now()
        self._finished += 1
        prune = self._finished % self.PRUNE_EVERY == 0

        # Not synced (`sqlite.transaction`): if a power cut loses it, the job is queued
        # again at the next start and its instance, which remembers the write (its marker,
        # else its episode), records it as completed without applying it twice.
        def run(conn: sqlite3.Connection) -> None:
            with transaction(conn, durable=False):
                conn.execute(
                    """UPDATE write_jobs SET status = ?, result = ?, error = ?, payload = '',
                       updated_at = ?, completed_at = ? WHERE id = ?""",
                    (
                        status,
                        None if result is None else json.dumps(result),
                        None if error is None else json.dumps(error),
                        now,
                        now,
                        job_id,
                    ),
                )
                if prune:
                    row = conn.execute(
                        "SELECT instance_id FROM write_jobs WHERE id = ?", (job_id,)
                    ).fetchone()
                    if row is not None:
                        _prune_finished(conn, row[0], self.status_retention)

        await self._call(run)

    async def claim_jobs(self, owner: str, is_dead: Callable[[str], bool]) -> list[JobRow]:
        """Unfinished jobs this process should run, oldest first: its own, and those of
        processes that are gone (`is_dead(owner)`), which it takes over."""

        def run(conn: sqlite3.Connection) -> list[JobRow]:
            with transaction(conn):
                rows = conn.execute(
                    "SELECT * FROM write_jobs WHERE status IN (?, ?) ORDER BY seq", _PENDING
                ).fetchall()
                verdicts: dict[str, bool] = {}
                mine: list[JobRow] = []
                for row in rows:
                    previous = row["owner"]
                    if previous is not None and previous != owner:
                        if previous not in verdicts:
                            verdicts[previous] = is_dead(previous)
                        if not verdicts[previous]:
                            continue
                    mine.append(_job(row))
                conn.executemany(
                    "UPDATE write_jobs SET owner = ? WHERE id = ?",
                    [(owner, j.id) for j in mine if j.owner != owner],
                )
            for job in mine:
                job.owner = owner
            return mine

        result: list[JobRow] = await self._call(run)
        return result

    async def earlier_pending(self, instance_id: str, seq: int) -> bool:
        """Whether a job queued before `seq` on this instance is still unfinished."""

        def run(conn: sqlite3.Connection) -> bool:
            row = conn.execute(
                """SELECT 1 FROM write_jobs WHERE instance_id = ? AND status IN (?, ?)
                   AND seq < ? LIMIT 1""",
                (instance_id, *_PENDING, seq),
            ).fetchone()
            return row is not None

        result: bool = await self._call(run)
        return result

    async def terminal_job_ids(self, job_ids: Sequence[str]) -> set[str]:
        """Those of `job_ids` that are finished (or gone)."""
        wanted = list(job_ids)

        def run(conn: sqlite3.Connection) -> set[str]:
            pending: set[str] = set()
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT id FROM write_jobs WHERE id IN ({marks}) AND status IN (?, ?)",
                    (*chunk, *_PENDING),
                ).fetchall()
                pending.update(r["id"] for r in rows)
            return set(wanted) - pending

        result: set[str] = await self._call(run)
        return result

    async def forget_in_jobs(
        self, instance_id: str, redact: Callable[[Any], Any], *, also: str | None = None
    ) -> int:
        """See `store/forget.py`."""
        changed: int = await self._call(
            lambda conn: forget_in_jobs(conn, instance_id, redact, also)
        )
        return changed


# -- helpers (run inside the connection's thread) ------------------------------------------


def _migrate(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    with transaction(conn):
        conn.execute(
            """CREATE TABLE IF NOT EXISTS _xm_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"""
        )
        if conn.execute("SELECT 1 FROM _xm_migrations LIMIT 1").fetchone() is None:
            # A new catalog: made at the current version in this one transaction, under the
            # write lock, so its first start syncs the file once rather than once a migration.
            for migration in MIGRATIONS:
                _apply(conn, migration)
            return
    done = {r[0] for r in conn.execute("SELECT version FROM _xm_migrations")}
    for version, name, statements in MIGRATIONS:
        if version in done:
            continue
        with transaction(conn):
            # Checked again under the write lock: another process may have just applied it.
            if conn.execute(
                "SELECT 1 FROM _xm_migrations WHERE version = ?", (version,)
            ).fetchone():
                continue
            _apply(conn, (version, name, statements))


def _apply(conn: sqlite3.Connection, migration: tuple[int, str, list[str]]) -> None:
    """One migration's statements and the record that it was applied (in the caller's
    transaction)."""
    version, name, statements = migration
    for statement in statements:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO _xm_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        (version, name, utc_now()),
    )


def _prune_finished(conn: sqlite3.Connection, instance_id: str, keep: int) -> None:
    """Delete the instance's finished jobs older than its newest `keep` finished ones."""
    row = conn.execute(
        """SELECT seq FROM write_jobs WHERE instance_id = ? AND status IN (?, ?)
           ORDER BY seq DESC LIMIT 1 OFFSET ?""",
        (instance_id, *_FINISHED, max(0, keep)),
    ).fetchone()
    if row is not None:
        conn.execute(
            "DELETE FROM write_jobs WHERE instance_id = ? AND status IN (?, ?) AND seq <= ?",
            (instance_id, *_FINISHED, row[0]),
        )


def _select_many(
    conn: sqlite3.Connection, table: str, ids: Sequence[str] | None
) -> list[sqlite3.Row]:
    if ids is None:
        return conn.execute(f"SELECT * FROM {table} ORDER BY created_at, id").fetchall()
    wanted = list(dict.fromkeys(ids))[:1000]
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    return conn.execute(
        f"SELECT * FROM {table} WHERE id IN ({marks}) ORDER BY created_at, id", wanted
    ).fetchall()


def _get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _by_meta(
    conn: sqlite3.Connection, key: str, table: str, build: Callable[[sqlite3.Row], Any]
) -> Any:
    ident = _get_meta(conn, key)
    if ident is None:
        return None
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (ident,)).fetchone()
    return build(row) if row else None


def _insert_cluster(conn: sqlite3.Connection, c: ClusterRow) -> None:
    conn.execute(
        "INSERT INTO clusters (id, org_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)",
        (c.id, c.org_id, c.name, c.description, c.created_at),
    )


def _insert_instance(conn: sqlite3.Connection, i: InstanceRow) -> None:
    conn.execute(
        """INSERT INTO instances (id, cluster_id, name, description, schema_text, schema_type,
           schema_json, schema_version, schema_description, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            i.id,
            i.cluster_id,
            i.name,
            i.description,
            i.schema_text,
            i.schema_type,
            i.schema_json,
            i.schema_version,
            i.schema_description,
            i.created_at,
            i.updated_at,
        ),
    )


def _cluster(row: sqlite3.Row) -> ClusterRow:
    return ClusterRow(
        id=row["id"],
        org_id=row["org_id"],
        name=row["name"],
        description=row["description"],
        created_at=row["created_at"],
    )


def _instance(row: sqlite3.Row) -> InstanceRow:
    return InstanceRow(
        id=row["id"],
        cluster_id=row["cluster_id"],
        name=row["name"],
        description=row["description"],
        schema_text=row["schema_text"],
        schema_type=row["schema_type"],
        schema_json=row["schema_json"],
        schema_version=row["schema_version"],
        schema_description=row["schema_description"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _job(row: sqlite3.Row) -> JobRow:
    return JobRow(
        id=row["id"],
        instance_id=row["instance_id"],
        status=row["status"],
        payload=json.loads(row["payload"]) if row["payload"] else {},
        trace_id=row["trace_id"],
        seq=row["seq"],
        result=json.loads(row["result"]) if row["result"] else None,
        error=json.loads(row["error"]) if row["error"] else None,
        owner=row["owner"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )
