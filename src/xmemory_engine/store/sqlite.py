"""SQLite done plainly: one connection per file, WAL, `synchronous=FULL`, one thread at a time.

Every call runs in a worker thread (`anyio.to_thread`), so a commit's fsync never stalls the
event loop (except `call_brief`: a lookup by key on a free connection, run where it is asked);
a lock per connection keeps two threads from interleaving statements on it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import anyio.lowlevel
import anyio.to_thread

T = TypeVar("T")

BUSY_TIMEOUT_MS = 30_000
WAL_LIMIT = 1 << 20


READER_CACHE_KIB = 512
"""Page cache of a connection that only reads (`SqliteFile(..., cache_kib=READER_CACHE_KIB)`;
SQLite's default is 2 MiB a connection). Its lookups read a few pages of an index and a
table; a page that fell out is read again from the operating system's cache. At 100,000
records the default filled and stayed: memory held for a speed-up lookups barely showed."""


WRITER_CACHE_KIB = 1024
"""Page cache of a connection that writes, unless told otherwise (SQLite's default: 2 MiB).
At 100,000 records a writer's cache filled to the default and stayed, as did the catalog's:
1 MiB each gave the MCP server's RSS -1.5 MB (median of 5 alternating runs to 100,000 by
1,000-object writes, then 200 lookups: 79.0 -> 77.5 MB) for +3 % of a batch's CPU (its index
pages read again from the operating system's cache); 512 KiB saved 2.4 MB for +7 %."""


def connect(
    path: Path, *, readonly: bool = False, cache_kib: int | None = None
) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL and durable commits;
    `cache_kib`: its page cache (None: `WRITER_CACHE_KIB` for a writer, SQLite's default
    for a read-only connection)."""
    if readonly:
        conn = sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if cache_kib is None and not readonly:
        cache_kib = WRITER_CACHE_KIB
    if cache_kib is not None:
        conn.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
    if not readonly:
        # WAL lets readers see the last commit while a write is in progress; FULL syncs the
        # WAL on every commit, so an acknowledged write survives a power cut, not just a crash.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # The WAL is copied into the file every WAL_LIMIT bytes (SQLite's default is 4 MB) and
        # then cut back to that size: it adds about 1 MB to a data directory, not its
        # high-water mark (a batch of 1,000 records is a few MB of WAL on its own).
        conn.execute(f"PRAGMA wal_autocheckpoint={WAL_LIMIT // 4096}")
        conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
    return conn


@contextmanager
def transaction(
    conn: sqlite3.Connection, *, immediate: bool = True, durable: bool = True
) -> Iterator[None]:
    """BEGIN (IMMEDIATE: take the write lock now, so read-then-write cannot race) ... COMMIT,
    or ROLLBACK on any exception.

    `durable=False` commits without syncing the WAL (`synchronous=NORMAL`): the commit
    survives the process being killed (it is in the operating system's hands), and a power
    cut loses at most the newest such commits, never the file. For bookkeeping that can be
    rebuilt from a durable record: nothing a caller was promised rests on it."""
    if not durable:
        conn.execute("PRAGMA synchronous=NORMAL")
    try:
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield
            # A COMMIT that fails can leave the transaction open (stopped by a progress
            # handler's deadline, `read_brief`, or busy): it is rolled back below, else every
            # later BEGIN on this connection failed ("cannot start a transaction within a
            # transaction").
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled it back already
                conn.execute("ROLLBACK")
            raise
    finally:
        if not durable:
            conn.execute("PRAGMA synchronous=FULL")


class SqliteFile:
    """One SQLite connection that any thread may use, one at a time."""

    def __init__(self, path: Path, *, readonly: bool = False, cache_kib: int | None = None) -> None:
        self.path = path
        self._conn = connect(path, readonly=readonly, cache_kib=cache_kib)
        self._lock = threading.Lock()
        self._closed = False

    def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Call `fn(connection)` in this thread, holding the connection's lock."""
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self.path} is closed")
            return fn(self._conn)

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`run(fn)` in a worker thread."""
        return await anyio.to_thread.run_sync(self.run, fn)

    async def call_brief(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`run(fn)` in this thread when the connection is free, else `call(fn)`.

        For a lookup by key that reads a few rows and never writes: it takes microseconds,
        while the trip to a worker thread and back is two wake-ups (a millisecond or more on
        a busy machine). A connection in use (a write in progress) is not waited for here.
        It still yields to the event loop first, as the worker thread's trip did: a caller
        polling in a loop (`write_status` until done) must let the job it waits for run."""
        await anyio.lowlevel.checkpoint()
        if not self._lock.acquire(blocking=False):
            return await self.call(fn)
        try:
            if self._closed:
                raise RuntimeError(f"{self.path} is closed")
            return fn(self._conn)
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()


def present_tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Each table in the file, with its columns."""
    tables: dict[str, set[str]] = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        tables[name] = {r[1] for r in conn.execute(f"PRAGMA table_info({_quoted(name)})")}
    return tables


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
