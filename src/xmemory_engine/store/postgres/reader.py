"""Generated SQL on PostgreSQL, contained by the database as well as by the static check.

The minds write SQLite SQL (`sql_guard.check_select` has passed it before it gets here). Each
statement is translated to PostgreSQL by sqlglot and checked again in that dialect (one SELECT
over this instance's tables, no function that touches files, the server or other sessions),
then run:
- in a `READ ONLY` transaction, with `SET LOCAL search_path` to the instance's schema only (so
  a bare table name cannot resolve anywhere else) and `statement_timeout` from the time limit;
- as the instance's reader role (`instance.grant_reader`): it may use that one schema and
  SELECT its record tables, nothing else (no other instance, not the catalog, not the engine's
  `_xm_` tables, no superuser functions);
- through a server-side cursor, fetched row by row up to the row and byte caps, so a query
  that matches millions of rows never has them all sent.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any
from uuid import uuid4

import psycopg
from psycopg import sql

from xmemory_engine.errors import InvalidRequest, QueryRejected
from xmemory_engine.sql_guard import (
    MAX_RESULT_BYTES,
    LimitedTable,
    _cell,
    _size,
    check_select,
)
from xmemory_engine.store.postgres.database import Connection, Database
from xmemory_engine.store.postgres.instance import reader_role, schema_name

logger = logging.getLogger("xmemory_engine")

_FETCH = 100


def translate(sqlite_sql: str, allowed: frozenset[str]) -> str:
    """`sqlite_sql` as PostgreSQL, checked again in that dialect."""
    from sqlglot.errors import SqlglotError

    try:
        text = _translated(sqlite_sql)
    except (SqlglotError, ValueError) as exc:
        raise QueryRejected(f"the query cannot be translated for PostgreSQL: {exc}") from exc
    checked = check_select(text, allowed, "postgres")
    _check_catalog_reads(checked)
    return checked


# What PostgreSQL lets any role read or run, and which tells about the server, the database or
# other schemas (the system catalogs are readable by every role, by design): names, comments,
# privileges and settings, or a query given as text (`ts_stat('SELECT ... FROM pg_roles')`).
# A read of one instance needs none of it. The guard already refuses `pg_*`, `lo_*`,
# `dblink*`, `set_config`, `current_setting` and the `*_to_xml` family that run a query.
_CATALOG_FUNCTIONS = frozenset(
    {
        "ts_stat", "ts_rewrite", "obj_description", "col_description", "shobj_description",
        "format_type", "current_schemas", "current_query", "current_database", "version",
        "inet_client_addr", "inet_client_port", "inet_server_addr", "inet_server_port",
        "currval", "lastval", "row_security_active", "makeaclitem", "acldefault",
        "aclexplode", "current_setting",
    }
)  # fmt: skip
_CATALOG_PREFIXES = ("to_reg", "has_", "txid_", "pg_", "acl")
_CATALOG_INFIXES = ("_to_xml", "xmlschema")
# Bare words PostgreSQL reads as the session's user, role, schema or database.
_SESSION_WORDS = frozenset(
    {"current_user", "session_user", "current_role", "current_catalog", "current_schema", "user"}
)


# sqlglot's token types for quoted text (the later ones only in some of its versions).
_LITERAL_TOKENS = ("STRING", "NATIONAL_STRING", "RAW_STRING", "UNICODE_STRING", "HEREDOC_STRING")


def _check_catalog_reads(text: str) -> None:
    """Refuse what would read PostgreSQL's catalogs rather than this instance's tables: the
    functions above, the session words, and casts to the catalog's object types (`::regclass`,
    `regnamespace`, `regrole`, `oid` ...: `16384::regnamespace` names any schema). On tokens:
    a string literal is never a name here."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

    tokens = Dialect.get_or_raise("postgres").tokenize(text)
    # A literal's token holds its text without the quotes: 'user' (the user's own records,
    # "User") is no session word.
    literals = {getattr(TokenType, name) for name in _LITERAL_TOKENS if hasattr(TokenType, name)}
    for i, token in enumerate(tokens):
        kind = token.token_type
        word = token.text.lower()
        if kind in literals:
            continue
        if kind == TokenType.OBJECT_IDENTIFIER:
            raise QueryRejected(
                f"casts to {word} read PostgreSQL's catalog, not this instance's tables"
            )
        if kind not in (TokenType.VAR, TokenType.IDENTIFIER) and word in _SESSION_WORDS:
            raise QueryRejected(f"{word} is about the database session, not this instance")
        if kind not in (TokenType.VAR, TokenType.IDENTIFIER):
            continue
        called = i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.L_PAREN
        after_dot = i > 0 and tokens[i - 1].token_type == TokenType.DOT
        if called and (
            word in _CATALOG_FUNCTIONS
            or word.startswith(_CATALOG_PREFIXES)
            or any(part in word for part in _CATALOG_INFIXES)
        ):
            raise QueryRejected(
                f"the function {word}() reads PostgreSQL's catalog or server state, not this "
                "instance's tables"
            )
        if kind == TokenType.VAR and word in _SESSION_WORDS and not called and not after_dot:
            raise QueryRejected(
                f"{word} is about the database session, not this instance (a field of that "
                "name must be quoted)"
            )


# Translating costs ~3 ms (parse and generate), most of a lookup's read. A mind writes the same
# statements with other values ("... WHERE sku = 'SKU-0042'"), so a statement's shape (its
# text with each string literal a placeholder) is translated once, and the literals are put
# back into the translation. A shape is kept only when that gives exactly what translating the
# statement itself gave, and never when a literal may be read as more than a value (a date or
# printf format, which the translation rewrites).
_SHAPES_KEPT = 1024
_FORMATTERS = frozenset({"strftime", "date", "time", "datetime", "julianday", "printf", "format"})
_shapes: OrderedDict[str, str | None] = OrderedDict()
_shapes_lock = threading.Lock()


def _transpile(text: str) -> str:
    import sqlglot
    from sqlglot import exp

    def like_as_sqlite(node: exp.Expression) -> exp.Expression:
        # SQLite's LIKE ignores case (ASCII letters); PostgreSQL's does not, so a mind's
        # `name LIKE 'ann%'` would stop finding "Ann Lee": ILIKE keeps the meaning.
        if isinstance(node, exp.Like):
            return exp.ILike(**node.args)  # `negate` (NOT LIKE) included
        return node

    tree = sqlglot.parse_one(text, read="sqlite").transform(like_as_sqlite)
    return str(tree.sql(dialect="postgres"))


def _translated(sqlite_sql: str) -> str:
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

    tokens = Dialect.get_or_raise("sqlite").tokenize(sqlite_sql)
    if any(t.text.lower() in _FORMATTERS for t in tokens) or "xm_lit_" in sqlite_sql:
        return _transpile(sqlite_sql)
    literals = [t for t in tokens if t.token_type == TokenType.STRING]
    if not literals:
        return _transpile(sqlite_sql)
    parts, last = [], 0
    for i, token in enumerate(literals):
        parts += [sqlite_sql[last : token.start], f"'xm_lit_{i}_'"]
        last = token.end + 1
    shape = "".join([*parts, sqlite_sql[last:]])
    with _shapes_lock:
        known = _shapes.get(shape, "")
        if known:
            _shapes.move_to_end(shape)
    if known:
        return _filled(known, [t.text for t in literals])
    whole = _transpile(sqlite_sql)
    if known is None:  # this shape does not translate by its literals
        return whole
    template = _transpile(shape)
    marks_once = all(template.count(f"'xm_lit_{i}_'") == 1 for i in range(len(literals)))
    kept = (
        template if marks_once and _filled(template, [t.text for t in literals]) == whole else None
    )
    with _shapes_lock:
        _shapes[shape] = kept
        while len(_shapes) > _SHAPES_KEPT:
            _shapes.popitem(last=False)
    return whole


def _filled(template: str, values: list[str]) -> str:
    """The template with each placeholder replaced by its literal, quoted for PostgreSQL
    (standard strings: a quote doubled, a backslash itself, as in SQLite)."""
    pieces = re.split(r"'xm_lit_(\d+)_'", template)
    out = [pieces[0]]
    for index, rest in zip(pieces[1::2], pieces[2::2], strict=True):
        out += ["'" + values[int(index)].replace("'", "''") + "'", rest]
    return "".join(out)


class ReadOnlyPostgres:
    """Runs checked SELECTs on one instance's schema; the interface of `ReadOnlySqlite`."""

    def __init__(
        self,
        db: Database,
        instance_id: str,
        *,
        row_limit: int = 1000,
        time_limit: float = 5.0,
        allowed_tables: Collection[str] = (),
        byte_limit: int = MAX_RESULT_BYTES,
    ) -> None:
        if row_limit < 1 or byte_limit < 1:
            raise ValueError("row_limit and byte_limit must be at least 1")
        if not (time_limit > 0 and math.isfinite(time_limit)):
            raise ValueError("time_limit must be a positive number of seconds")
        self.db = db
        self.instance_id = instance_id
        self.row_limit = row_limit
        self.time_limit = time_limit
        self.byte_limit = byte_limit
        self._allowed = frozenset(t.lower() for t in allowed_tables)
        self._role: str | None = None
        self._role_checked = False
        self._lock = threading.Lock()
        self._closed = False

    def run(self, sql_text: str, *, deadline: float | None = None) -> LimitedTable:
        """Rows of one SELECT, as `ReadOnlySqlite.run`: capped rows and bytes, stopped at the
        time limit (or `deadline`, a `time.monotonic()`, when sooner)."""
        if self._closed:
            raise RuntimeError(f"the reader of instance {self.instance_id} is closed")
        text = translate(sql_text, self._allowed)
        seconds = self.time_limit
        if deadline is not None:
            seconds = min(seconds, deadline - time.monotonic())
        if seconds <= 0:
            raise QueryRejected(
                f"the query ran longer than the {self.time_limit:g} s time limit and was stopped"
            )
        try:
            columns, rows, truncated_by = self.db.run(lambda conn: self._run(conn, text, seconds))
        except psycopg.Error as exc:
            raise self._translate(exc) from exc
        return LimitedTable(
            columns=columns,
            rows=rows,
            sql=sql_text,
            truncated=truncated_by is not None,
            truncated_by=truncated_by,
        )

    def _run(
        self, conn: Connection, text: str, seconds: float
    ) -> tuple[list[str], list[list[Any]], str | None]:
        role = self._reader_role(conn)
        with conn.transaction():
            timeout = sql.SQL("SET LOCAL statement_timeout = {}").format(
                sql.Literal(max(1, int(seconds * 1000)))
            )
            # One round trip: read-only first (it must come before any query), then the
            # schema, the time limit and the role.
            settings: list[sql.Composable] = [
                sql.SQL("SET TRANSACTION READ ONLY"),
                # pg_catalog named last: otherwise it is searched first, and a type named
                # `pg_roles` would be read from the catalog, not from this instance.
                sql.SQL("SET LOCAL search_path TO {}, pg_catalog").format(
                    sql.Identifier(schema_name(self.instance_id))
                ),
                timeout,
            ]
            if role is not None:
                settings.append(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("; ").join(settings))
            with conn.cursor(name=f"xm_read_{uuid4().hex[:12]}") as cursor:
                cursor.itersize = _FETCH
                cursor.execute(text)
                columns = [d.name for d in cursor.description or ()]
                rows, truncated_by = self._fetch(cursor)
            return columns, rows, truncated_by

    def _reader_role(self, conn: Connection) -> str | None:
        """The instance's reader role when it exists (it does wherever the engine could
        create roles); checked once."""
        with self._lock:
            if not self._role_checked:
                role = reader_role(self.instance_id)
                found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                self._role = role if found.fetchone() else None
                self._role_checked = True
                if self._role is None:
                    logger.warning(
                        "no reader role for instance %s (the engine's database user cannot "
                        "create roles): its generated SQL runs as the engine's user",
                        self.instance_id,
                    )
            return self._role

    def _fetch(self, cursor: psycopg.Cursor[Any]) -> tuple[list[list[Any]], str | None]:
        rows: list[list[Any]] = []
        budget = self.byte_limit
        while True:
            batch = cursor.fetchmany(_FETCH)
            if not batch:
                return rows, None
            for row in batch:
                if len(rows) == self.row_limit:
                    return rows, "rows"
                cells = [_cell(_plain(v)) for v in row]
                budget -= sum(_size(c) for c in cells)
                if budget < 0:
                    return rows, "bytes"
                rows.append(cells)

    def close(self) -> None:
        self._closed = True

    def _translate(self, exc: psycopg.Error) -> Exception:
        message = (exc.diag.message_primary if exc.diag else None) or str(exc)
        message = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
        if isinstance(exc, psycopg.errors.QueryCanceled):
            return QueryRejected(
                f"the query ran longer than the {self.time_limit:g} s time limit and was stopped"
            )
        if isinstance(
            exc, (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)
        ):
            return QueryRejected(f"the read-only connection refused the query: {message}")
        if isinstance(exc, psycopg.errors.ProgramLimitExceeded):
            return QueryRejected(f"the query is over one of PostgreSQL's limits: {message}")
        if isinstance(exc, psycopg.OperationalError):
            raise exc  # the server is gone: not the query's fault
        return InvalidRequest(f"the query failed: {message}", field="sql")


def _plain(value: Any) -> Any:
    """A cell as SQLite would give it: numbers as int or float, times as ISO text."""
    if isinstance(value, Decimal):
        return (
            int(value) if value == value.to_integral_value() and value.is_finite() else float(value)
        )
    if isinstance(value, (datetime, date, clock)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value)
    return value
