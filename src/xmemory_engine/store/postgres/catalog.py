"""The catalog on PostgreSQL: clusters, instances and write jobs in the schema `xmemory`.

The same rows and rules as the SQLite catalog (`store/catalog.py`: finished jobs drop their
bodies, only the newest `STATUS_RETENTION` finished ones per instance are kept), and the same
numbered-migration discipline: each migration runs in one transaction with its record, under a
transaction-scoped advisory lock, so two engine processes starting together apply it once.

Several engine processes, on any machines, share one catalog:
- a job's `seq` is its place in its instance's queue. Jobs of one instance are inserted one at
  a time (a transaction-scoped advisory lock on the instance), so a smaller `seq` is always
  committed first: a job whose earlier jobs are all finished (`earlier_pending`) can never
  see an earlier one appear later;
- each process runs the jobs it accepted, and takes over those of processes that are gone
  (`claim_jobs`, judged by `owners.PostgresOwnership`): rows another process is claiming or
  finishing are skipped (`FOR UPDATE SKIP LOCKED`), never waited for;
- a job whose turn depends on another process's job hears of its end at once: `finish_job`
  notifies the channel `xmemory_job_ends` in its transaction, and `earlier_pending` waits a
  moment for that before answering (`JobEnds`), instead of the queue polling every 20 ms.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import anyio.to_thread
import psycopg

from xmemory_engine.store.base import ClusterRow, InstanceRow, JobRow, JobStatus, utc_now
from xmemory_engine.store.catalog import STATUS_RETENTION
from xmemory_engine.store.postgres.database import (
    CONNECT_TIMEOUT,
    Connection,
    Database,
    Row,
    session_name,
)

logger = logging.getLogger("xmemory_engine.writes")

SCHEMA = "xmemory"
_MIGRATION_LOCK = 0x786D656D  # "xmem": serialises catalog migrations across processes
_QUEUE_LOCK_CLASS = 0x786D7175  # "xmqu": (class, instance) orders one instance's inserts

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "clusters, instances, write jobs",
        [
            f"CREATE TABLE {SCHEMA}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            f"""CREATE TABLE {SCHEMA}.clusters (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                name TEXT NOT NULL,
                description TEXT,
                created_at TEXT NOT NULL
            )""",
            f"""CREATE TABLE {SCHEMA}.instances (
                id TEXT PRIMARY KEY,
                cluster_id TEXT NOT NULL REFERENCES {SCHEMA}.clusters(id),
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
            f"""CREATE TABLE {SCHEMA}.write_jobs (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                instance_id TEXT NOT NULL REFERENCES {SCHEMA}.instances(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                payload JSON,
                trace_id TEXT,
                result JSON,
                error JSON,
                owner TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                completed_at TEXT
            )""",
            f"CREATE INDEX write_jobs_by_instance ON {SCHEMA}.write_jobs (instance_id, status, seq)",
            f"CREATE INDEX write_jobs_by_status ON {SCHEMA}.write_jobs (status)",
        ],
    ),
    (
        2,
        "engine process numbers (owners.py)",
        # Fits the second key of a two-key advisory lock; wraps around after 2^31 starts.
        [f"CREATE SEQUENCE {SCHEMA}.engine_ids AS integer CYCLE"],
    ),
]

_PENDING = ["queued", "processing"]
_FINISHED = ["completed", "failed"]


_CHANNEL = "xmemory_job_ends"
_WAIT_FOR_END = 0.25
"""Seconds `earlier_pending` waits for an earlier job to end before answering that it has not
(the queue then looks again)."""


class JobEnds:
    """Hears `NOTIFY xmemory_job_ends, '<instance id>'` on a connection of its own, in a
    thread, and wakes whoever waits for a job of that instance to end. When the connection is
    lost it is opened again; meanwhile waits just time out, and the queue polls as before."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._ends: dict[str, int] = {}
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="xmemory-job-ends", daemon=True)
        self._thread.start()

    def mark(self, instance_id: str) -> int:
        """How many ends of the instance's jobs were heard so far (taken before looking)."""
        with self._changed:
            return self._ends.get(instance_id, 0)

    def wait(self, instance_id: str, mark: int, seconds: float) -> bool:
        """Wait until a job of the instance ends after `mark` was taken; whether one did."""
        with self._changed:
            return (
                self._changed.wait_for(
                    lambda: self._ends.get(instance_id, 0) != mark or self._stop.is_set(), seconds
                )
                and not self._stop.is_set()
            )

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                conninfo = psycopg.conninfo.make_conninfo(self._url, **session_name(self._url))
                with psycopg.connect(
                    conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT
                ) as conn:
                    conn.execute(f"LISTEN {_CHANNEL}")
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            with self._changed:
                                count = self._ends.get(note.payload, 0)
                                if count == 0 and len(self._ends) > 10_000:
                                    self._ends.clear()  # bounded; a waiter just times out
                                self._ends[note.payload] = count + 1
                                self._changed.notify_all()
            except psycopg.Error:
                logger.warning("listening for the ends of write jobs failed", exc_info=True)
                self._stop.wait(1.0)

    def close(self) -> None:
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        self._thread.join(timeout=5)


class PostgresCatalog:
    """The catalog on PostgreSQL; every method runs its statements in a worker thread."""

    PRUNE_EVERY = 50

    def __init__(self, db: Database, *, status_retention: int | None = None) -> None:
        self.db = db
        db.run(_migrate)
        self.status_retention = STATUS_RETENTION if status_retention is None else status_retention
        self._finished = 0
        self._ends: JobEnds | None = None
        self._waiters: anyio.CapacityLimiter | None = None
        self._closed = False

    def close(self) -> None:
        """The pool belongs to whoever opened it (`open_engine`), not to the catalog; the
        listener for job ends is the catalog's."""
        self._closed = True
        if self._ends is not None:
            self._ends.close()
            self._ends = None

    # -- defaults --------------------------------------------------------------------------

    async def ensure_defaults(
        self, make_cluster: Callable[[], ClusterRow], make_instance: Callable[[str], InstanceRow]
    ) -> tuple[ClusterRow, InstanceRow, bool]:
        def run(conn: Connection) -> tuple[ClusterRow, InstanceRow, bool]:
            with conn.transaction():
                # Two processes starting on an empty database make one default, not two.
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK + 1,))
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

        return await self.db.call(run)

    # -- clusters --------------------------------------------------------------------------

    async def get_cluster(self, cluster_id: str) -> ClusterRow | None:
        def run(conn: Connection) -> ClusterRow | None:
            row = conn.execute(
                f"SELECT * FROM {SCHEMA}.clusters WHERE id = %s", (cluster_id,)
            ).fetchone()
            return _cluster(row) if row else None

        return await self.db.call(run)

    async def list_clusters(self, ids: Sequence[str] | None = None) -> list[ClusterRow]:
        def run(conn: Connection) -> list[ClusterRow]:
            return [_cluster(r) for r in _select_many(conn, "clusters", ids)]

        return await self.db.call(run)

    # -- instances -------------------------------------------------------------------------

    async def create_instance(self, row: InstanceRow) -> None:
        def run(conn: Connection) -> None:
            with conn.transaction():
                _insert_instance(conn, row)

        await self.db.call(run)

    async def get_instance(self, instance_id: str) -> InstanceRow | None:
        def run(conn: Connection) -> InstanceRow | None:
            row = conn.execute(
                f"SELECT * FROM {SCHEMA}.instances WHERE id = %s", (instance_id,)
            ).fetchone()
            return _instance(row) if row else None

        return await self.db.call(run)

    async def list_instances(self, ids: Sequence[str] | None = None) -> list[InstanceRow]:
        def run(conn: Connection) -> list[InstanceRow]:
            return [_instance(r) for r in _select_many(conn, "instances", ids)]

        return await self.db.call(run)

    async def update_instance_metadata(
        self, instance_id: str, changes: dict[str, str | None]
    ) -> InstanceRow | None:
        allowed = {k: v for k, v in changes.items() if k in ("name", "description")}

        def run(conn: Connection) -> InstanceRow | None:
            with conn.transaction():
                if allowed:
                    sets = ", ".join(f"{k} = %s" for k in allowed)
                    conn.execute(
                        f"UPDATE {SCHEMA}.instances SET {sets}, updated_at = %s WHERE id = %s",
                        (*allowed.values(), utc_now(), instance_id),
                    )
                row = conn.execute(
                    f"SELECT * FROM {SCHEMA}.instances WHERE id = %s", (instance_id,)
                ).fetchone()
                return _instance(row) if row else None

        return await self.db.call(run)

    async def update_instance_schema(
        self,
        instance_id: str,
        *,
        schema_text: str,
        schema_type: str,
        schema_json: str,
        expected_version: int,
    ) -> InstanceRow | None:
        def run(conn: Connection) -> InstanceRow | None:
            row = conn.execute(
                f"""UPDATE {SCHEMA}.instances SET schema_text = %s, schema_type = %s,
                    schema_json = %s, schema_version = schema_version + 1, updated_at = %s
                    WHERE id = %s AND schema_version = %s RETURNING *""",
                (schema_text, schema_type, schema_json, utc_now(), instance_id, expected_version),
            ).fetchone()
            return _instance(row) if row else None

        return await self.db.call(run)

    async def delete_instance(self, instance_id: str) -> bool:
        def run(conn: Connection) -> bool:
            with conn.transaction():
                conn.execute(
                    f"DELETE FROM {SCHEMA}.write_jobs WHERE instance_id = %s", (instance_id,)
                )
                deleted = conn.execute(
                    f"DELETE FROM {SCHEMA}.instances WHERE id = %s", (instance_id,)
                ).rowcount
                if deleted:
                    conn.execute(
                        f"DELETE FROM {SCHEMA}.meta WHERE key = 'default_instance_id' "
                        "AND value = %s",
                        (instance_id,),
                    )
                return deleted == 1

        return await self.db.call(run)

    # -- write jobs ------------------------------------------------------------------------

    async def insert_job(self, job: JobRow, *, durable: bool = True) -> JobRow:
        """Persist a queued job; fills in `seq`. `durable=False`: the commit does not wait
        for the WAL flush (`synchronous_commit = off`), as on SQLite (see its catalog)."""

        def run(conn: Connection) -> JobRow:
            with conn.transaction():
                # Held until the commit: the next job of this instance, from any process,
                # gets a larger seq and becomes visible after this one.
                conn.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    (_QUEUE_LOCK_CLASS, queue_key(job.instance_id)),
                )
                if not durable:
                    conn.execute("SET LOCAL synchronous_commit = off")
                row = conn.execute(
                    f"""INSERT INTO {SCHEMA}.write_jobs (id, instance_id, status, payload,
                        trace_id, owner, created_at, updated_at)
                        VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING seq""",
                    (
                        job.id,
                        job.instance_id,
                        job.status,
                        json.dumps(job.payload),
                        job.trace_id,
                        job.owner,
                        job.created_at,
                        job.created_at,
                    ),
                ).fetchone()
                job.seq = int(row[0]) if row else 0
                return job

        return await self.db.call(run)

    async def make_durable(self, job_id: str, payload: dict[str, Any] | None = None) -> None:
        # A commit that waits for the WAL flush flushes every commit before it too. A row
        # that has ended keeps its emptied payload.
        def run(conn: Connection) -> None:
            with conn.transaction():
                if payload is None:
                    conn.execute(
                        f"UPDATE {SCHEMA}.write_jobs SET updated_at = updated_at WHERE id = %s",
                        (job_id,),
                    )
                else:
                    conn.execute(
                        f"UPDATE {SCHEMA}.write_jobs SET payload = %s "
                        "WHERE id = %s AND status = ANY(%s)",
                        (json.dumps(payload), job_id, _PENDING),
                    )

        await self.db.call(run)

    async def get_job(self, job_id: str) -> JobRow | None:
        def run(conn: Connection) -> JobRow | None:
            row = conn.execute(
                f"SELECT * FROM {SCHEMA}.write_jobs WHERE id = %s", (job_id,)
            ).fetchone()
            return _job(row) if row else None

        return await self.db.call(run)

    async def finish_job(
        self,
        job_id: str,
        status: JobStatus,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        now = utc_now()
        self._finished += 1
        prune = self._finished % self.PRUNE_EVERY == 0

        # Not waited for on disk, like SQLite's: a lost status is rebuilt from the instance.
        def run(conn: Connection) -> None:
            with conn.transaction():
                conn.execute("SET LOCAL synchronous_commit = off")
                # The notice is delivered at commit: a job of another process waiting for
                # this one's end goes on at once (`earlier_pending`).
                row = conn.execute(
                    f"""WITH done AS (UPDATE {SCHEMA}.write_jobs SET status = %s, result = %s,
                        error = %s, payload = NULL, updated_at = %s, completed_at = %s
                        WHERE id = %s RETURNING instance_id)
                        SELECT instance_id, pg_notify(%s, instance_id) FROM done""",
                    (
                        status,
                        None if result is None else json.dumps(result),
                        None if error is None else json.dumps(error),
                        now,
                        now,
                        job_id,
                        _CHANNEL,
                    ),
                ).fetchone()
                if prune and row is not None:
                    _prune_finished(conn, row[0], self.status_retention)

        await self.db.call(run)

    async def claim_jobs(self, owner: str, is_dead: Callable[[str], bool]) -> list[JobRow]:
        """Unfinished jobs this process should run, oldest first: its own and those of
        processes that are gone (`is_dead(owner)`), which it takes over. Owners are judged
        first; only the rows of dead ones are locked (a live process's queue is not touched
        at every look), and rows locked by another process (taking them over too, or
        recording a job's end) are skipped: two processes never take over the same job."""

        def run(conn: Connection) -> list[JobRow]:
            owners = conn.execute(
                f"SELECT DISTINCT owner FROM {SCHEMA}.write_jobs WHERE status = ANY(%s)",
                (_PENDING,),
            ).fetchall()
            gone = [r[0] for r in owners if r[0] is not None and r[0] != owner and is_dead(r[0])]
            with conn.transaction():
                # Locked rows are checked again as they now are: a row another process has
                # just taken over no longer matches its dead owner.
                found = conn.execute(
                    f"SELECT * FROM {SCHEMA}.write_jobs WHERE status = ANY(%s) "
                    "AND (owner IS NULL OR owner = ANY(%s)) ORDER BY seq FOR UPDATE SKIP LOCKED",
                    (_PENDING, gone),
                ).fetchall()
                if found:
                    conn.execute(
                        f"UPDATE {SCHEMA}.write_jobs SET owner = %s WHERE id = ANY(%s)",
                        (owner, [row["id"] for row in found]),
                    )
            # What it took over, and its own.
            mine = conn.execute(
                f"SELECT * FROM {SCHEMA}.write_jobs WHERE status = ANY(%s) AND owner = %s "
                "ORDER BY seq",
                (_PENDING, owner),
            ).fetchall()
            return [_job(row) for row in mine]

        return await self.db.call(run)

    async def earlier_pending(self, instance_id: str, seq: int) -> bool:
        """Whether a job of the instance queued before `seq` is unfinished; when one is, wait
        a moment for a job of the instance to end (most often it is another process's, being
        applied now) and look again."""

        def run(conn: Connection) -> bool:
            row = conn.execute(
                f"""SELECT 1 FROM {SCHEMA}.write_jobs WHERE instance_id = %s
                    AND status = ANY(%s) AND seq < %s LIMIT 1""",
                (instance_id, _PENDING, seq),
            ).fetchone()
            return row is not None

        if self._closed:
            return await self.db.call(run)
        if self._ends is None:
            self._ends = JobEnds(self.db.url)
            # Waiting threads of their own, so they never hold back the store's calls.
            self._waiters = anyio.CapacityLimiter(16)
        ends = self._ends
        mark = ends.mark(instance_id)  # before looking: an end heard meanwhile counts
        if not await self.db.call(run):
            return False
        if await anyio.to_thread.run_sync(
            ends.wait, instance_id, mark, _WAIT_FOR_END, limiter=self._waiters
        ):
            return await self.db.call(run)
        return True

    async def terminal_job_ids(self, job_ids: Sequence[str]) -> set[str]:
        wanted = list(job_ids)

        def run(conn: Connection) -> set[str]:
            pending = {
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM {SCHEMA}.write_jobs WHERE id = ANY(%s) AND status = ANY(%s)",
                    (wanted, _PENDING),
                )
            }
            return set(wanted) - pending

        return await self.db.call(run)

    async def forget_in_jobs(
        self, instance_id: str, redact: Callable[[Any], Any], *, also: str | None = None
    ) -> int:
        """Each finished job of the instance, and the job `also` (the forget itself), with its
        request, result and error passed through `redact` (`store/forget.py`); then the table
        rewritten, so no dead row keeps the old text (the server's write-ahead log is the
        operator's: see `upkeep.py`)."""

        def run(conn: Connection) -> int:
            changed = 0
            with conn.transaction():
                found = conn.execute(
                    f"SELECT id, payload, result, error FROM {SCHEMA}.write_jobs "
                    "WHERE instance_id = %s AND (status = ANY(%s) OR id = %s)",
                    (instance_id, _FINISHED, also),
                ).fetchall()
                for job_id, *columns in found:
                    updates: dict[str, str] = {}
                    for name, value in zip(("payload", "result", "error"), columns, strict=True):
                        if value is None:
                            continue
                        cleaned = redact(value)
                        if cleaned != value:
                            updates[name] = json.dumps(cleaned)
                    if updates:
                        sets = ", ".join(f"{name} = %s" for name in updates)
                        conn.execute(
                            f"UPDATE {SCHEMA}.write_jobs SET {sets} WHERE id = %s",
                            [*updates.values(), job_id],
                        )
                        changed += 1
            if changed:
                conn.execute(f"VACUUM FULL {SCHEMA}.write_jobs")
            return changed

        return await self.db.call(run)


# -- helpers (run inside a connection's thread) ----------------------------------------------


def queue_key(instance_id: str) -> int:
    """The second key of the lock that orders an instance's inserts (two instances sharing
    one only wait for each other's inserts)."""
    return int.from_bytes(hashlib.sha1(instance_id.encode()).digest()[:4], "big", signed=True)


def _migrate(conn: Connection) -> None:
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {SCHEMA}._xm_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"""
        )
    for version, name, statements in MIGRATIONS:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            done = conn.execute(
                f"SELECT 1 FROM {SCHEMA}._xm_migrations WHERE version = %s", (version,)
            ).fetchone()
            if done:
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(
                f"INSERT INTO {SCHEMA}._xm_migrations (version, name, applied_at) "
                "VALUES (%s, %s, %s)",
                (version, name, utc_now()),
            )


def _prune_finished(conn: Connection, instance_id: str, keep: int) -> None:
    row = conn.execute(
        f"""SELECT seq FROM {SCHEMA}.write_jobs WHERE instance_id = %s AND status = ANY(%s)
            ORDER BY seq DESC LIMIT 1 OFFSET %s""",
        (instance_id, _FINISHED, max(0, keep)),
    ).fetchone()
    if row is not None:
        conn.execute(
            f"DELETE FROM {SCHEMA}.write_jobs WHERE instance_id = %s AND status = ANY(%s) "
            "AND seq <= %s",
            (instance_id, _FINISHED, row[0]),
        )


def _select_many(conn: Connection, table: str, ids: Sequence[str] | None) -> list[Row]:
    if ids is None:
        return conn.execute(f"SELECT * FROM {SCHEMA}.{table} ORDER BY created_at, id").fetchall()
    wanted = list(dict.fromkeys(ids))[:1000]
    if not wanted:
        return []
    return conn.execute(
        f"SELECT * FROM {SCHEMA}.{table} WHERE id = ANY(%s) ORDER BY created_at, id", (wanted,)
    ).fetchall()


def _set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        f"INSERT INTO {SCHEMA}.meta (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (key, value),
    )


def _by_meta(conn: Connection, key: str, table: str, build: Callable[[Row], Any]) -> Any:
    row = conn.execute(
        f"SELECT t.* FROM {SCHEMA}.meta AS m JOIN {SCHEMA}.{table} AS t ON t.id = m.value "
        "WHERE m.key = %s",
        (key,),
    ).fetchone()
    return build(row) if row else None


def _insert_cluster(conn: Connection, c: ClusterRow) -> None:
    conn.execute(
        f"INSERT INTO {SCHEMA}.clusters (id, org_id, name, description, created_at) "
        "VALUES (%s, %s, %s, %s, %s)",
        (c.id, c.org_id, c.name, c.description, c.created_at),
    )


def _insert_instance(conn: Connection, i: InstanceRow) -> None:
    conn.execute(
        f"""INSERT INTO {SCHEMA}.instances (id, cluster_id, name, description, schema_text,
            schema_type, schema_json, schema_version, schema_description, created_at,
            updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
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


def _cluster(row: Row) -> ClusterRow:
    return ClusterRow(
        id=row["id"],
        org_id=row["org_id"],
        name=row["name"],
        description=row["description"],
        created_at=row["created_at"],
    )


def _instance(row: Row) -> InstanceRow:
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


def _job(row: Row) -> JobRow:
    return JobRow(
        id=row["id"],
        instance_id=row["instance_id"],
        status=row["status"],
        payload=row["payload"] or {},
        trace_id=row["trace_id"],
        seq=row["seq"],
        result=row["result"],
        error=row["error"],
        owner=row["owner"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )
