"""Connections to one PostgreSQL database: a pool shared by the catalog and every instance.

The service layer calls the store as it calls SQLite (`store/sqlite.py`): synchronous functions
run in a worker thread, so a commit never stalls the event loop. Connections are in autocommit
mode and transactions are explicit (`conn.transaction()`), as on SQLite.

Rows come back as `Row`, which is read by position and by column name like `sqlite3.Row`, so
the SQL-agnostic parts of the SQLite store (facts and history in `provenance.py`) run unchanged
over `SqliteShaped`, a thin adapter that only swaps the parameter marks.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, cast

import anyio.to_thread
import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import ConnectionPool

T = TypeVar("T")

CONNECT_TIMEOUT = 10
"""Seconds to reach the server before the engine gives up starting."""


class Row:
    """One result row, by position (`row[0]`) or by column name (`row["xuid"]`)."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)


def rows(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    """psycopg row factory making `Row`s."""
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


Connection = psycopg.Connection[Row]


class SqliteShaped:
    """A psycopg connection answering the few `sqlite3.Connection` calls `provenance.py` makes
    (`execute`, `executemany`, with `?` marks). Only for SQL written in this code base, which
    never holds a `?` or `%` inside a literal."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Row]:
        return self.conn.execute(_marks(sql), params)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> psycopg.Cursor[Row]:
        cursor = self.conn.cursor()
        rows_ = list(seq)
        if rows_:
            cursor.executemany(_marks(sql), rows_)
        return cursor

    def as_sqlite(self) -> sqlite3.Connection:
        # Typed as what provenance.py expects; it calls nothing else on it.
        return cast(sqlite3.Connection, self)


def _marks(sql: str) -> str:
    return sql.replace("?", "%s")


class Database:
    """A pool of connections to one database, for any thread."""

    def __init__(self, url: str, *, max_size: int = 8) -> None:
        self.url = url
        # One connection first, so a wrong URL, password or host fails now with the server's
        # own words instead of the pool retrying in the background until a timeout.
        try:
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg.Error as exc:
            raise DatabaseUnavailable(
                f"cannot connect to the database: {_first_line(exc)}"
            ) from exc
        self.pool: ConnectionPool[Connection] = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={
                "autocommit": True,
                "row_factory": rows,
                "connect_timeout": CONNECT_TIMEOUT,
                **session_name(url),
            },
            open=False,
            name="xmemory",
        )
        self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)

    def run(self, fn: Callable[[Connection], T]) -> T:
        """Call `fn(connection)` in this thread with a connection of the pool."""
        with self.pool.connection() as conn:
            return fn(conn)

    async def call(self, fn: Callable[[Connection], T]) -> T:
        """`run(fn)` in a worker thread."""
        return await anyio.to_thread.run_sync(self.run, fn)

    def close(self) -> None:
        self.pool.close()


def session_name(url: str) -> dict[str, str]:
    """`application_name` for this process's connections (unless the URL names one), so that
    `pg_stat_activity` shows which engine process each belongs to."""
    if "application_name" in psycopg.conninfo.conninfo_to_dict(url):
        return {}
    return {"application_name": f"xmemory-engine {os.getpid()}"}


class DatabaseUnavailable(ConnectionError):
    """The configured PostgreSQL server cannot be reached or refused the connection."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
