"""Which engine process owns which write jobs, on PostgreSQL: proven by the database itself.

Engine processes sharing one database may run on different machines, each with its own data
directory, so the lock files of `store/owners.py` say nothing about the others. Here each
engine process takes a number from the catalog's sequence `xmemory.engine_ids` and holds a
session-level advisory lock on it (`OWNER_LOCK_CLASS`, number) on a connection of its own, for
as long as it runs. The server releases the lock when that session ends, however the process
ended: SIGKILL closes its socket at once; a machine that is lost is noticed by TCP keepalives
on the session within about 30 s. A job whose owner's lock can be taken belongs to a process
that is gone, and is taken over with no lease to wait out.

If the connection itself is lost (a server restart, a network cut) the lock goes with it and
another process may take this one's jobs while it still runs them. Nothing is applied twice
even then: each instance records the write ids it applied in the same transaction as their
changes, under the instance's write lock (`instance.py`). A heartbeat thread notices the loss
and takes the lock again on a new connection.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading

import psycopg

from xmemory_engine.store.postgres.database import CONNECT_TIMEOUT

logger = logging.getLogger("xmemory_engine.owners")

OWNER_LOCK_CLASS = 0x786D6F77  # "xmow": the first key of every owner lock (two-key space)
HEARTBEAT = 5.0
"""Seconds between checks that this process's lock connection is still there."""

_OWNER = re.compile(r"-pg(\d{1,10})$")
# The server drops a session whose peer stopped answering after ~10 + 3 x 5 s of silence;
# the client side gives up on the server after as long.
_KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}
_SESSION_KEEPALIVE = (
    "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3"
)


def owner_number(owner: str) -> int | None:
    """The lock number an owner id carries (`host-pid-pg<n>`), or None for an id that is not
    a PostgreSQL owner's (left by an engine version that proved liveness by lock files)."""
    found = _OWNER.search(owner)
    if found is None:
        return None
    number = int(found.group(1))
    return number if 0 < number < 2**31 else None


class PostgresOwnership:
    """This process's identity as a job owner, proven by an advisory lock held in `url`."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self.owner = ""
        self._conn: psycopg.Connection[tuple[object, ...]] | None = self._connect()
        row = self._conn.execute("SELECT nextval('xmemory.engine_ids')").fetchone()
        assert row is not None
        self.number = int(str(row[0]))
        host = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:40] or "host"
        self.owner = f"{host}-{os.getpid()}-pg{self.number}"
        if not self._take(self._conn):  # a fresh number: nobody else can hold it
            raise RuntimeError(f"the engine's lock {self.number} is held by another session")
        self._name(self._conn)
        self._heartbeat = threading.Thread(
            target=self._beat, name="xmemory-owner-heartbeat", daemon=True
        )
        self._heartbeat.start()

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        conninfo = psycopg.conninfo.make_conninfo(self._url, **_KEEPALIVE)
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        try:
            conn.execute(_SESSION_KEEPALIVE)
        except psycopg.Error:
            conn.close()
            raise
        return conn

    def _name(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        # The session shows which engine it is in pg_stat_activity, for an operator.
        conn.execute(
            "SELECT set_config('application_name', %s, false)", (f"xmemory-engine {self.owner}",)
        )

    def _take(self, conn: psycopg.Connection[tuple[object, ...]]) -> bool:
        row = conn.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", (OWNER_LOCK_CLASS, self.number)
        ).fetchone()
        return bool(row and row[0])

    def is_dead(self, owner: str) -> bool:
        """Whether the process that owned `owner` has ended (its lock is free). When that
        cannot be told (the database is unreachable), the owner counts as alive: its jobs wait
        for the next look instead of being run by two processes."""
        if owner == self.owner:
            return False
        number = owner_number(owner)
        if number is None:
            return True
        with self._guard:
            if self._conn is None or self._conn.closed:
                return False
            try:
                row = self._conn.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", (OWNER_LOCK_CLASS, number)
                ).fetchone()
                free = bool(row and row[0])
                if free:
                    self._conn.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", (OWNER_LOCK_CLASS, number)
                    )
            except psycopg.Error:
                logger.warning("could not tell whether engine %s is alive", owner, exc_info=True)
                return False
            return free

    def check(self) -> bool:
        """Whether this process still holds its lock; takes it again on a new connection
        when the old one was lost."""
        with self._guard:
            if self._stop.is_set():
                return False
            conn = self._conn
            if conn is not None and not conn.closed:
                try:
                    conn.execute("SELECT 1")
                    return True
                except psycopg.Error:
                    logger.warning("the engine's lock connection was lost; taking it again")
                    conn.close()
            self._conn = None
            try:
                conn = self._connect()
            except psycopg.Error as exc:
                logger.warning("cannot reach the database to take the engine's lock: %s", exc)
                return False
            try:
                taken = self._take(conn)
                if taken:
                    self._name(conn)
            except psycopg.Error:
                conn.close()
                return False
            if not taken:  # another process is judging it this instant: try again later
                conn.close()
                return False
            self._conn = conn
            return True

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT):
            try:
                self.check()
            except Exception:  # the heartbeat must outlive any one failure
                logger.exception("checking the engine's lock failed")

    def close(self) -> None:
        """Release the lock (closing the session releases it)."""
        self._stop.set()
        self._heartbeat.join(timeout=HEARTBEAT + CONNECT_TIMEOUT)
        with self._guard:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
