"""The read path's two locks: a static check of generated SQL, and a connection that cannot write.

Neither is enough alone (ARCHITECTURE.md, "Safety facts"): a read-only SQLite connection still
lets `PRAGMA query_only=OFF; ATTACH ...` create a file and `VACUUM INTO` leave one behind, and a
parser can be fooled by syntax it does not know. So generated SQL must pass both:

- `check_select` parses it with sqlglot: exactly one SELECT (or UNION / INTERSECT / EXCEPT), no
  data-changing or schema-changing node anywhere (data-modifying CTEs included), no PRAGMA,
  ATTACH or VACUUM, no table-valued or file/extension functions, only this instance's tables
  (and the CTEs the query itself defines). The schema tables (`sqlite_master`, ...) are *not*
  allowed: a mind knows the schema from the XMD model, and the file may hold engine tables.
- `ReadOnlySqlite` runs it on a `mode=ro` connection with `query_only`, an authorizer that allows
  only SELECT / READ / FUNCTION / RECURSIVE, no attached databases, a deadline and a row cap.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from xmemory_engine.errors import InvalidRequest, QueryRejected
from xmemory_engine.minds.base import ResultTable

# Node types that change data, schema, session or transaction state. Looked up by name so that
# a sqlglot release lacking one of them still imports.
_FORBIDDEN_NODE_NAMES = (
    "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "TruncateTable",
    "Command", "Pragma", "Attach", "Detach", "Transaction", "Commit", "Rollback", "Set",
    "Use", "Copy", "LoadData", "Analyze", "Grant", "Revoke", "Execute", "Declare", "Kill",
    "Cache", "Uncache", "Refresh", "Describe", "Show", "Summarize", "Comment", "Into", "Lock",
    "DML", "DDL",
)  # fmt: skip
_FORBIDDEN_NODES: tuple[type[Any], ...] = tuple(
    getattr(exp, name)
    for name in _FORBIDDEN_NODE_NAMES
    if isinstance(getattr(exp, name, None), type)
)
_QUERY_ROOTS: tuple[type[Any], ...] = tuple(
    getattr(exp, name)
    for name in ("Select", "SetOperation", "Union", "Intersect", "Except")
    if isinstance(getattr(exp, name, None), type)
)
# Functions that read or write files, load code, run SQL from a string, sleep, or change
# server state (SQLite and PostgreSQL spellings).
_FORBIDDEN_FUNCTIONS = frozenset(
    {
        "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "zeroblob",
        "randomblob", "set_config", "nextval", "setval", "query_to_xml",
        "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml", "table_to_xml",
        "database_to_xml", "schema_to_xml", "current_setting",
    }
)  # fmt: skip
_FORBIDDEN_FUNCTION_PREFIXES = ("pg_", "lo_", "dblink")
_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master"})


def check_select(sql: str, allowed_tables: Collection[str], dialect: str = "sqlite") -> str:
    """The statement to run when `sql` is one read-only query over `allowed_tables`.

    Raises `QueryRejected` saying what is wrong otherwise. The text returned is `sql` without
    surrounding whitespace and trailing semicolons.
    """
    return checked_select(sql, allowed_tables, dialect)[0]


def checked_select(
    sql: str, allowed_tables: Collection[str], dialect: str = "sqlite"
) -> tuple[str, Any]:
    """`check_select`, also handing back the parsed statement (so it is parsed once)."""
    if not isinstance(sql, str) or not sql.strip():
        raise QueryRejected("the query is empty")
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as exc:
        raise QueryRejected(f"the query does not parse: {_first_line(str(exc))}") from exc
    if len(statements) != 1:
        raise QueryRejected(
            f"exactly one SELECT statement is allowed, got {len(statements)} statements"
        )
    root = statements[0]
    while isinstance(root, exp.Subquery):
        root = root.this
    if not isinstance(root, _QUERY_ROOTS):
        raise QueryRejected(f"only SELECT queries are allowed, got {_describe(statements[0])}")
    ctes = {cte.alias_or_name.lower() for cte in root.find_all(exp.CTE)}
    allowed = {t.lower() for t in allowed_tables}
    for node in statements[0].walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise QueryRejected(
                f"{_describe(node)} is not allowed in a read; only SELECT queries run"
            )
        if isinstance(node, exp.Func):
            _check_function(node)
        if isinstance(node, exp.Table):
            _check_table(node, allowed, ctes)
    return _trimmed(sql), statements[0]


def _check_function(node: exp.Func) -> None:
    name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
    if name in _FORBIDDEN_FUNCTIONS or name.startswith(_FORBIDDEN_FUNCTION_PREFIXES):
        raise QueryRejected(f"the function {name}() is not allowed in a read")


def _check_table(node: exp.Table, allowed: set[str], ctes: set[str]) -> None:
    if isinstance(node.this, exp.Func):
        raise QueryRejected(
            f"table-valued functions such as {node.this.sql()} are not allowed; "
            "select from this instance's tables"
        )
    if node.args.get("db") is not None or node.args.get("catalog") is not None:
        raise QueryRejected(
            f"qualified table names ({node.sql()}) are not allowed; use the bare table name"
        )
    name = node.name.lower()
    if name in ctes and name not in _SCHEMA_TABLES:
        return
    if name not in allowed:
        known = ", ".join(sorted(allowed)) or "(none)"
        raise QueryRejected(
            f"the table {node.name!r} is not one of this instance's tables ({known})"
        )


def _describe(node: Any) -> str:
    if isinstance(node, exp.Command):
        return f"a {str(node.this).upper()} statement"
    return f"a {type(node).__name__.upper()} statement"


def _trimmed(sql: str) -> str:
    text = sql.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "syntax error"


# -- executing ---------------------------------------------------------------------------------

_ALLOWED_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_READ,
        sqlite3.SQLITE_FUNCTION,
        getattr(sqlite3, "SQLITE_RECURSIVE", 33),
    }
)
# `sqlite3.SQLITE_LIMIT_ATTACHED` appeared in Python 3.11; 7 is SQLite's own value.
_LIMIT_ATTACHED = getattr(sqlite3, "SQLITE_LIMIT_ATTACHED", 7)
# How many virtual-machine instructions run between two deadline checks.
_PROGRESS_EVERY = 1000


@dataclass
class LimitedTable(ResultTable):
    """A ResultTable that says whether the row cap cut it short."""

    truncated: bool = False


class ReadOnlySqlite:
    """One read-only connection to an instance's SQLite file, safe to share between threads.

    `allowed_tables`, when given, is enforced again by the authorizer at run time, so even SQL
    that reached `run` without `check_select` cannot read another table.
    """

    def __init__(
        self,
        path: Path,
        *,
        row_limit: int = 1000,
        time_limit: float = 5.0,
        allowed_tables: Collection[str] | None = None,
    ) -> None:
        if row_limit < 1:
            raise ValueError("row_limit must be at least 1")
        if not (time_limit > 0 and math.isfinite(time_limit)):
            raise ValueError("time_limit must be a positive number of seconds")
        self.path = Path(path)
        self.row_limit = row_limit
        self.time_limit = time_limit
        self._allowed = None if allowed_tables is None else {t.lower() for t in allowed_tables}
        self._lock = threading.Lock()
        self._deadline = math.inf
        self._timed_out = False
        uri = self.path.resolve().as_uri() + "?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            self._conn.execute("PRAGMA query_only=ON")
            self._conn.execute("PRAGMA trusted_schema=OFF")
            self._conn.execute(f"PRAGMA busy_timeout={int(time_limit * 1000)}")
            setlimit = getattr(self._conn, "setlimit", None)
            if setlimit is not None:  # Python >= 3.11; the authorizer denies ATTACH anyway
                setlimit(_LIMIT_ATTACHED, 0)
            self._conn.set_authorizer(self._authorize)
            self._conn.set_progress_handler(self._past_deadline, _PROGRESS_EVERY)
        except BaseException:
            self._conn.close()
            raise
        self._closed = False

    def run(self, sql: str) -> LimitedTable:
        """Rows of one SELECT: at most `row_limit` of them, within `time_limit` seconds.

        Raises `QueryRejected` when the connection refuses the statement or it runs too long,
        `InvalidRequest` with the database's message when the SQL is wrong (a missing column,
        say), so a mind can repair it.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the read connection to {self.path} is closed")
            self._timed_out = False
            self._deadline = time.monotonic() + self.time_limit
            try:
                cursor = self._conn.execute(sql)
                fetched = cursor.fetchmany(self.row_limit + 1)
                columns = [d[0] for d in cursor.description or ()]
                cursor.close()
            except (sqlite3.Error, sqlite3.Warning) as exc:
                raise self._translate(exc) from exc
            finally:
                self._deadline = math.inf
        truncated = len(fetched) > self.row_limit
        rows = [[_cell(v) for v in row] for row in fetched[: self.row_limit]]
        return LimitedTable(columns=columns, rows=rows, sql=sql, truncated=truncated)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def _authorize(
        self, action: int, arg1: str | None, arg2: str | None, db: str | None, _trigger: str | None
    ) -> int:
        if action not in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _FORBIDDEN_FUNCTIONS:
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_READ:
            if db not in (None, "main"):
                return sqlite3.SQLITE_DENY
            if self._allowed is not None and (arg1 or "").lower() not in self._allowed:
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    def _past_deadline(self) -> int:
        if time.monotonic() > self._deadline:
            self._timed_out = True
            return 1
        return 0

    def _translate(self, exc: Exception) -> Exception:
        message = str(exc) or type(exc).__name__
        if self._timed_out:
            return QueryRejected(
                f"the query ran longer than the {self.time_limit:g} s time limit and was stopped"
            )
        lowered = message.lower()
        refused = (
            "not authorized",
            "authorization denied",
            "prohibited",
            "one statement at a time",
            "readonly",
            "read-only",
        )
        if any(word in lowered for word in refused):
            return QueryRejected(f"the read-only connection refused the query: {message}")
        return InvalidRequest(f"the query failed: {message}", field="sql")


def _cell(value: Any) -> Any:
    """A JSON-friendly cell: BLOBs become hex text."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value
