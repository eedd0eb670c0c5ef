"""A statement that differs from one the guard let through only in the texts of its plain
quoted strings is found by its text with those strings cut out (`sql_guard._templates`), not
tokenized again; any quoting the split could misread sends it the long way."""

from __future__ import annotations

from typing import Any

import pytest
from test_sql_corpus import TABLES

from xmemory_engine import sql_guard
from xmemory_engine.errors import QueryRejected
from xmemory_engine.sql_guard import check


def _no_tokens(*_: Any) -> list[Any]:
    raise AssertionError("tokenized")


def test_a_statement_differing_in_its_strings_is_not_tokenized_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sql = "SELECT t.xuid, t.email FROM contact AS t WHERE lower(t.name) = '{}' LIMIT 5"
    first = check(sql.format("person 00042"), TABLES)
    monkeypatch.setattr(sql_guard, "_tokens", _no_tokens)
    second = check(sql.format("person 00007"), TABLES)
    assert first.shape is not None and second.shape == first.shape
    assert second.text == sql.format("person 00007")
    # Its parse, when asked for, is of its own text.
    monkeypatch.undo()
    assert "'person 00007'" in second.tree().sql(dialect="sqlite")


def test_a_string_past_its_bound_is_checked_again_and_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    check("SELECT instr(name, 'ab') FROM contact WHERE name = 'x'", TABLES)
    monkeypatch.setattr(sql_guard, "_tokens", _no_tokens)
    check("SELECT instr(name, 'cd') FROM contact WHERE name = '" + "y" * 400 + "'", TABLES)
    with pytest.raises(AssertionError, match="tokenized"):
        check("SELECT instr(name, '" + "a" * 300 + "') FROM contact WHERE name = 'x'", TABLES)
    monkeypatch.undo()
    with pytest.raises(QueryRejected):
        check("SELECT instr(name, '" + "a" * 300 + "') FROM contact WHERE name = 'x'", TABLES)


def test_a_template_is_its_tables_own() -> None:
    check("SELECT name FROM contact WHERE name = 'Ann'", ["contact"])
    with pytest.raises(QueryRejected):
        check("SELECT name FROM contact WHERE name = 'Bo'", ["company"])


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT name FROM contact WHERE name = 'O''Brien'",  # an escaped quote
        "SELECT name FROM contact WHERE name = x'41'",  # a prefixed string
        "SELECT name FROM contact WHERE name = 'a'b",
        "SELECT \"it's\" FROM contact WHERE name = 'a'",  # a quote in a quoted name
        'SELECT "a""b" FROM contact WHERE name = \'a\'',
        "SELECT \"a\x00\" FROM contact WHERE name = 'a'",
        "SELECT t.\"name\"'a' FROM contact AS t",
        "SELECT `n` FROM contact WHERE name = 'a'",
        "SELECT [n] FROM contact WHERE name = 'a'",
        "SELECT name FROM contact WHERE name = 'a' -- 'b'",  # comments
        "SELECT name FROM contact WHERE name = 'a' /* 'b' */",
        "SELECT name FROM contact WHERE name = 'a\\' OR 1 = 1",  # a backslash
        "SELECT name FROM contact WHERE name = $1",
        "SELECT name FROM contact WHERE name = ? AND note = :n",
        "SELECT name FROM contact WHERE name = 'a' AND \x00",  # the template's separator
    ],
)
def test_quoting_the_split_could_misread_makes_no_template(sql: str) -> None:
    assert sql_guard._split_literals(sql) is None


def test_a_plain_statement_splits_into_its_template_and_strings() -> None:
    split = sql_guard._split_literals("SELECT a FROM t WHERE b = 'x y' AND c IN ('', 'z')")
    assert split == ("SELECT a FROM t WHERE b = \x00 AND c IN (\x00, \x00)", ["x y", "", "z"])
    # Quoted names, as the minds write them, stay in the template.
    split = sql_guard._split_literals(
        'SELECT t."e-mail" FROM "person" AS t WHERE t."name" = \'Ann\''
    )
    assert split == ('SELECT t."e-mail" FROM "person" AS t WHERE t."name" = \x00', ["Ann"])
