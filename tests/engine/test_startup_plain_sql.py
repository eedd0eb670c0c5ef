"""The SQL guard's short way (`sql_plain`): plain statements judged without sqlglot, so a
server's first read does not import it.

The short way only ever accepts; everything it accepts, the long way (sqlglot) accepts too,
as the same text and with the same trace decision; everything the long way refuses, it
leaves to the long way.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from test_sql_corpus import CORPUS
from test_sql_corpus import TABLES as CORPUS_TABLES

from xmemory_engine import sql_guard, sql_plain
from xmemory_engine.errors import QueryRejected
from xmemory_engine.service.tracing import traced, with_trace
from xmemory_engine.sql_guard import MAX_NESTING, MAX_PATTERN_CHARS, MAX_ROW_VALUES, check

TABLES = ["person", "organization", "works_at", "attends", "event"]

CHAIN = 'lower(t."name")'
for _mark in [".", ",", ";", ":", "!", "(", ")", "[", "]", '"', "''", "/"]:
    CHAIN = f"replace({CHAIN}, '{_mark}', ' ')"
for _code in (9, 10, 13):
    CHAIN = f"replace({CHAIN}, char({_code}), ' ')"

# Statements of the kinds the rules mind writes (taken from its reads), and a few more.
PLAIN = [
    'SELECT t."xuid", t."name", t."email" FROM "person" AS t WHERE t."name" = '
    "'Person 00042' ORDER BY t.created_at",
    'SELECT t.* FROM "person" AS t WHERE t."name" = \'Ann\' ORDER BY t.created_at LIMIT 1',
    "SELECT t.* FROM \"person\" AS t WHERE instr(' ' || lower(t.\"name\") || ' ', ' ann ') > 0"
    " ORDER BY lower(t.\"name\") = 'ann' DESC, t.created_at LIMIT 1",
    # A pattern folded by the database, as the rules write names ("Łukasz": SQLite's lower()
    # folds A-Z only, so both sides are folded there).
    "SELECT t.* FROM \"person\" AS t WHERE instr(' ' || lower(t.\"name\") || ' ', "
    "lower(' Łukasz ')) > 0 ORDER BY lower(t.\"name\") = lower('Łukasz') DESC LIMIT 1",
    f"SELECT t.* FROM \"person\" AS t WHERE (instr(' ' || {CHAIN} || ' ', ' acme corp ') > 0"
    f' OR EXISTS (SELECT 1 FROM "works_at" AS r1 JOIN "organization" AS o1 ON o1.xuid ='
    f' r1."employer_xuid" WHERE r1."employee_xuid" = t.xuid AND instr(\' \' || '
    f"{CHAIN.replace('t.', 'o1.')} || ' ', ' acme corp ') > 0)) ORDER BY t.created_at LIMIT 200",
    f"SELECT COUNT(*) AS count FROM \"person\" AS t WHERE instr(' ' || {CHAIN} || ' ', ' x ') > 0",
    'SELECT SUM(t."age") AS "sum_age", COUNT(t."age") AS count FROM "person" AS t',
    'SELECT t."xuid", t."name" FROM "person" AS t WHERE (instr(lower(t."name"), \'a\') > 0'
    " OR instr(lower(t.\"role\"), 'a') > 0) AND NOT (instr(lower(coalesce(t.\"role\", '')),"
    " 'b') > 0) ORDER BY t.updated_at DESC, t.created_at DESC LIMIT 20",
    'SELECT t.* FROM "person" AS t WHERE (t."role" IS NULL OR t."role" <> \'done\')'
    " ORDER BY t.created_at LIMIT 200",
    'SELECT "name" FROM "person" WHERE lower("role") = \'x\'\'s boss\' OR lower("role")'
    " LIKE '% x''s boss' LIMIT 2",
    "SELECT name, email FROM person ORDER BY name LIMIT 10 OFFSET 20",
    "SELECT p.name, o.name AS employer FROM person p JOIN works_at w ON w.employee_xuid ="
    " p.xuid LEFT JOIN organization o ON o.xuid = w.employer_xuid",
    "SELECT name FROM person WHERE age > -3 + 4 * 2 - 1 / 1 % 5  ;; ",
    "SELECT max(age), min(age), avg(age), abs(-1), length(name), upper(name) FROM person",
    'SELECT t."name" FROM "person" AS t WHERE t."xuid" = \'x\'',
    'SELECT "it\'s" FROM person',  # a quote inside a quoted name starts no string
]

# Plain to look at, but read otherwise by SQLite or by the long way: left to the long way.
NOT_PLAIN = [
    "SELECT name FROM person WHERE name = x'41'",  # a blob
    "SELECT name FROM person WHERE name = 'a'b",
    "SELECT \"it\"'s' FROM person",  # a string touching a name
    "SELECT name FROM person -- a comment",
    "SELECT name FROM person /* a comment */",
    "SELECT name FROM person WHERE age > 1e5",
    "SELECT name FROM person WHERE age > 0x1F",
    "SELECT name FROM person WHERE age > 1.5",
    "SELECT name FROM person WHERE name = ?",
    "SELECT name FROM person WHERE name = :n",
    "SELECT name FROM person WHERE name = $1",
    "SELECT `name` FROM person",
    "SELECT [name] FROM person",
    "SELECT name\u00a0FROM person",  # a blank SQLite does not know
    "SELECT name FROM main.person",
    "SELECT name FROM person; SELECT name FROM person",
    "SELECT name FROM \"person\" WHERE name = 'a\x00'",
    "SELECT DISTINCT name FROM person",
    "SELECT name FROM person GROUP BY name",
    "SELECT name FROM person UNION SELECT name FROM organization",
    "WITH p AS (SELECT name FROM person) SELECT name FROM p",
    "SELECT name FROM (SELECT name FROM person)",
    "SELECT printf('%d', age) FROM person",
    "SELECT trim(name, 'x') FROM person",
    "SELECT name FROM person WHERE name IN ('a', 'b')",
    "SELECT name FROM person WHERE name NOT LIKE 'a%'",
    "SELECT name FROM person WHERE instr(name, name) > 0",  # a computed pattern
    "SELECT name FROM person WHERE instr(name, lower(name)) > 0",  # folded, still computed
    "SELECT name FROM person WHERE instr(name, '" + "a" * (MAX_PATTERN_CHARS + 1) + "') > 0",
    "SELECT replace(name, lower(name), '') FROM person",
    "SELECT name FROM sqlite_master",
    "SELECT name FROM _xm_applied",
    "SELECT name FROM secret",
    "SELECT name FROM person AS select",
    "SELECT order FROM person",
    "SELECT " + ", ".join(["name"] * (MAX_ROW_VALUES + 1)) + " FROM person",
    "SELECT name FROM person WHERE " + "(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1),
    "SELECT name FROM person WHERE " + " OR ".join(["age = 1"] * 100),
    "SELECT lower(name, name) FROM person",
    "SELECT count(DISTINCT name) FROM person",
]


def _plain(sql: str, tables: list[str]) -> sql_plain.PlainVerdict | None:
    return sql_plain.plain_select(
        sql,
        tables,
        max_nesting=MAX_NESTING,
        max_values=MAX_ROW_VALUES,
        max_pattern=MAX_PATTERN_CHARS,
    )


def _long_way(sql: str, tables: list[str]) -> Any:
    """sqlglot's verdict on `sql` (raises `QueryRejected`), and its parse."""
    from sqlglot.errors import SqlglotError

    try:
        statements = sql_guard._parse(sql, "sqlite", sql_guard._tokens(sql, "sqlite"))
    except SqlglotError as exc:
        raise QueryRejected(str(exc)) from exc
    sql_guard._check_statements(statements, tables, sql_guard._LiteralReads())
    return statements[0]


@pytest.mark.parametrize("sql", PLAIN)
def test_a_plain_statement_is_judged_as_the_long_way_judges_it(sql: str) -> None:
    verdict = _plain(sql, TABLES)
    assert verdict is not None
    tree = _long_way(sql, TABLES)  # accepted by sqlglot too
    # Run as written exactly when the long way would add no trace columns.
    assert verdict.as_written == (with_trace(tree) is None)
    checked = check(sql, TABLES)
    assert checked.text == sql_guard._trimmed(sql)
    assert checked.as_written == verdict.as_written
    assert (traced(checked) is None) == verdict.as_written


@pytest.mark.parametrize("sql", NOT_PLAIN)
def test_what_the_short_way_cannot_tell_goes_the_long_way(sql: str) -> None:
    assert _plain(sql, TABLES) is None


@pytest.mark.parametrize("entry", CORPUS, ids=[f"{kind}:{sql[:40]}" for sql, kind in CORPUS])
def test_nothing_the_long_way_refuses_is_accepted_the_short_way(entry: tuple[str, str]) -> None:
    sql, _ = entry
    if _plain(sql, CORPUS_TABLES) is None:
        return
    _long_way(sql, CORPUS_TABLES)  # raises if refused


def test_a_plain_statement_is_checked_without_sqlglot(tmp_path: Path) -> None:
    # A fresh interpreter: this one imported sqlglot long ago.
    script = textwrap.dedent(
        f"""
        import sys
        from xmemory_engine.sql_guard import check
        for sql in {PLAIN[:4]!r}:
            check(sql, {TABLES!r})
        print("sqlglot" in sys.modules)
        check("SELECT name FROM person UNION SELECT name FROM organization", {TABLES!r})
        print("sqlglot" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["False", "True"]


def test_a_statement_differing_in_its_strings_is_not_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sql = "SELECT t.* FROM person AS t WHERE instr(lower(t.name), '{}') > 0 AND t.role = '{}'"
    first = _plain(sql.format("ann", "boss"), TABLES)

    def no_tokens(_: str) -> None:
        raise AssertionError("tokenized")

    monkeypatch.setattr(sql_plain, "_tokenize", no_tokens)
    second = _plain(sql.format("o''brien", "x" * 1000), TABLES)
    assert first is not None and second is first
    # A pattern past its bound is left to the long way, which refuses it.
    assert _plain(sql.format("a" * (MAX_PATTERN_CHARS + 1), "boss"), TABLES) is None
    monkeypatch.undo()
    with pytest.raises(QueryRejected, match="at most"):
        check(sql.format("a" * (MAX_PATTERN_CHARS + 1), "boss"), TABLES)
    # ... and a statement within the bound is still let through.
    assert _plain(sql.format("a" * MAX_PATTERN_CHARS, "boss"), TABLES) is first


def test_a_verdict_is_its_tables_own() -> None:
    assert _plain("SELECT name FROM person WHERE name = 'Ann'", ["person"]) is not None
    assert _plain("SELECT name FROM person WHERE name = 'Bo'", ["organization"]) is None
    with pytest.raises(QueryRejected, match="not one of this instance's tables"):
        check("SELECT name FROM person WHERE name = 'Bo'", ["organization"])
