"""The guard remembers which statement shapes it let through (`sql_guard.SHAPES_KEPT`): a
statement that differs from an allowed one only in the text of its literals is not parsed
again. These show that such a statement still gets the verdict its own literals deserve."""

from __future__ import annotations

import contextlib
import re

import pytest
from test_sql_corpus import CORPUS, TABLES

from xmemory_engine.errors import QueryRejected
from xmemory_engine.service.tracing import traced
from xmemory_engine.sql_guard import check, check_select


def test_a_statement_shaped_like_an_allowed_one_is_its_own() -> None:
    first = check("SELECT name FROM contact WHERE name = 'Ann Lee' LIMIT 5", TABLES)
    second = check("  SELECT name FROM contact WHERE name = 'Bo ''B'' Lo' LIMIT 7 ", TABLES)
    assert first.shape is not None and second.shape == first.shape
    assert second.text == "SELECT name FROM contact WHERE name = 'Bo ''B'' Lo' LIMIT 7"
    # Its parse, when asked for, is of its own text, not the statement seen first.
    assert second.tree().sql(dialect="sqlite") == second.text


@pytest.mark.parametrize(
    ("allowed", "refused"),
    [
        ("SELECT instr(name, 'a') FROM contact", "SELECT instr(name, '" + "a" * 300 + "') FROM contact"),
        ("SELECT instr(name, 'a' || 'b') FROM contact", "SELECT instr(name, '" + "a" * 200 + "' || '" + "b" * 100 + "') FROM contact"),
        ("SELECT instr(name, char(65) || 'a') FROM contact", "SELECT instr(name, char(65) || '" + "a" * 256 + "') FROM contact"),
        # A literal the database folds ("Élodie": SQLite's lower() folds A-Z only) is one still,
        # and its length is checked; a column folded is no literal.
        ("SELECT instr(lower(name), lower('Éa')) FROM contact", "SELECT instr(lower(name), lower('" + "a" * 300 + "')) FROM contact"),
        ("SELECT instr(lower(name), lower('Éa')) FROM contact", "SELECT instr(lower(name), lower(name)) FROM contact"),
        ("SELECT replace(name, 'a', 'b') FROM contact", "SELECT replace(name, '" + "a" * 300 + "', 'b') FROM contact"),
        ("SELECT trim(name, 'a') FROM contact", "SELECT trim(name, '" + "a" * 40 + "') FROM contact"),
        ("SELECT ltrim(name, 'a') FROM contact", "SELECT ltrim(name, '" + "a" * 40 + "') FROM contact"),
        ("SELECT printf('%d', 1) FROM contact", "SELECT printf('%.*d', 1) FROM contact"),
        ("SELECT printf('%5d', 1) FROM contact", "SELECT printf('%5000d', 1) FROM contact"),
        ("SELECT * FROM 'contact'", "SELECT * FROM '_xm_applied'"),
        ("SELECT * FROM 'contact'", "SELECT * FROM 'sqlite_master'"),
        ("SELECT * FROM 'contact'", "SELECT * FROM 'secret'"),
    ],
)  # fmt: skip
def test_the_same_tokens_with_a_refused_literal_are_refused(allowed: str, refused: str) -> None:
    check_select(allowed, TABLES)
    with pytest.raises(QueryRejected):
        check_select(refused, TABLES)


def _other_values(sql: str) -> str:
    """`sql` with every quoted string 'a' and every number 1: its shape, other literals."""
    return re.sub(r"\b\d+(\.\d+)?\b", "1", re.sub(r"'(?:[^']|'')*'", "'a'", sql))


@pytest.mark.parametrize("entry", CORPUS, ids=range(len(CORPUS)))
def test_a_warm_guard_gives_the_corpus_the_same_verdicts(entry: tuple[str, str]) -> None:
    sql, kind = entry
    for warm in (_other_values(sql), sql):
        # whatever its verdict: what matters is the one given after it
        with contextlib.suppress(QueryRejected):
            check_select(warm, TABLES)
    if kind in ("bounded", "refused at run"):
        assert check_select(sql, TABLES) == check_select(sql, TABLES)
    else:
        with pytest.raises(QueryRejected):
            check_select(sql, TABLES)


def test_a_shape_that_runs_as_written_is_traced_alike() -> None:
    # Showing its record's xuid, the statement needs no trace columns, whatever the name.
    plain = "SELECT t.xuid, t.name FROM contact AS t WHERE t.name = '{}'"
    assert traced(check(plain.format("Ann"), TABLES)) is None
    assert traced(check(plain.format("Bo"), TABLES)) is None
    # Not showing it, each gets trace columns and keeps its own value.
    hidden = "SELECT t.name FROM contact AS t WHERE t.name = '{}'"
    for name in ("Ann", "Bo"):
        result = traced(check(hidden.format(name), TABLES))
        assert result is not None
        assert f"'{name}'" in result[0] and result[1] == ["contact"]


def test_a_shape_is_remembered_for_its_own_tables_only() -> None:
    check_select("SELECT name FROM contact WHERE name = 'Ann'", ["contact"])
    with pytest.raises(QueryRejected):
        check_select("SELECT name FROM contact WHERE name = 'Bo'", ["company"])


def test_a_remembered_shape_is_a_digest_whatever_the_statement_length() -> None:
    words = " OR ".join(f"instr(lower(name), 'w{i}') > 0" for i in range(60))
    checked = check(f"SELECT name FROM contact WHERE {words}", TABLES)
    assert isinstance(checked.shape, bytes) and len(checked.shape) == 32
