"""Every read is bounded, and says so when a bound cut it (issue 10, items 3, 4, 6 and 7).

The SQL guard bounds one statement (value length, result bytes, nesting, patterns, deadline);
the SQL runner bounds one read (statements, seconds); the rules mind bounds one question
(words) and says how many records a cut list left out.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_testkit import (
    ScriptedDesigner,
    ScriptedExtractor,
    asgi_client,
    item,
    obj_create,
    running_engine,
)

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.errors import QueryRejected
from xmemory_engine.minds.base import Answer, AnswerRequest, Mind
from xmemory_engine.schema import parse_schema
from xmemory_engine.service.reads import ReadBudgetSpent, make_sql_runner
from xmemory_engine.sql_guard import (
    CAN_CAP_VALUES,
    MAX_NESTING,
    _sqlite_memory_used,
    check_select,
)
from xmemory_engine.sql_guard import ReadOnlySqlite as GuardedConnection

pytestmark = pytest.mark.anyio

_opened: list[GuardedConnection] = []


class ReadOnlySqlite(GuardedConnection):
    """The engine's read connection, closed after each test (Python 3.13 warns otherwise)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _opened.append(self)


@pytest.fixture(autouse=True)
def _close_connections() -> Iterator[None]:
    yield
    while _opened:
        _opened.pop().close()


TABLES = ["contact"]
SLOW = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
    "SELECT count(*) FROM n WHERE x < 0"
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "instance.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contact (xuid TEXT PRIMARY KEY, name TEXT, notes TEXT)")
    conn.execute("CREATE TABLE _xm_applied (id TEXT)")
    conn.executemany(
        "INSERT INTO contact VALUES (?, ?, ?)",
        [(f"x{i}", f"Person {i}", "n" * 500) for i in range(50)],
    )
    conn.commit()
    conn.close()
    return path


# -- one statement -----------------------------------------------------------------------------


HAS_SETLIMIT = CAN_CAP_VALUES  # Python >= 3.11, or 3.10 through ctypes


@pytest.mark.skipif(
    not HAS_SETLIMIT, reason="this Python cannot cap value length: printf is refused"
)
def test_no_value_grows_past_the_length_limit(db: Path) -> None:
    reader = ReadOnlySqlite(db, value_limit=1000, allowed_tables=TABLES)
    doubling = (
        "WITH RECURSIVE r(s, n) AS (SELECT 'x', 0 UNION ALL SELECT s || s, n + 1 FROM r "
        "WHERE n < 40) SELECT max(length(s)) FROM r"
    )
    with pytest.raises(QueryRejected, match="1,000-byte limit"):
        reader.run(doubling)
    # printf gives up (NULL) instead of building 100 MB.
    assert reader.run("SELECT length(printf('%.*c', 100000000, 'x'))").rows == [[None]]


BIG = "replace(printf('%.999c', 'x'), 'x', printf('%.999c', 'y'))"  # 1 MB


@pytest.mark.skipif(
    not HAS_SETLIMIT, reason="this Python cannot cap value length: printf is refused"
)
def test_a_row_of_too_many_values_is_refused_before_it_is_built(db: Path) -> None:
    # 400 one-MB columns took 1.2 GB and 3 s: a row is built with no check in between.
    reader = ReadOnlySqlite(db, allowed_tables=TABLES)
    with pytest.raises(QueryRejected, match="rows of 400 values"):
        reader.run("SELECT " + ", ".join([BIG] * 400))
    with pytest.raises(QueryRejected, match="too many arguments"):
        reader.run("SELECT max(" + ", ".join([BIG] * 100) + ")")


@pytest.mark.skipif(
    not HAS_SETLIMIT, reason="this Python cannot cap value length: printf is refused"
)
@pytest.mark.skipif(_sqlite_memory_used() is None, reason="sqlite3_memory_used not reachable")
def test_a_query_taking_too_much_memory_is_stopped(db: Path) -> None:
    reader = ReadOnlySqlite(db, allowed_tables=TABLES)
    with pytest.raises(QueryRejected, match="MiB of memory"):
        reader.run("SELECT " + ", ".join([BIG] * 120))


def test_an_infinite_real_is_text_json_can_carry(db: Path) -> None:
    assert ReadOnlySqlite(db).run("SELECT 1e999, -1e999").rows == [["Infinity", "-Infinity"]]


def test_a_result_is_cut_at_its_byte_cap_and_says_so(db: Path) -> None:
    reader = ReadOnlySqlite(db, byte_limit=10_000, allowed_tables=TABLES)
    table = reader.run("SELECT name, notes FROM contact")
    assert table.truncated and table.truncated_by == "bytes"
    assert 0 < len(table.rows) < 50
    assert sum(len(c) for row in table.rows for c in row) <= 10_000
    assert reader.run("SELECT name FROM contact LIMIT 3").truncated_by is None


def test_the_row_cap_says_which_cap_cut(db: Path) -> None:
    table = ReadOnlySqlite(db, row_limit=5).run("SELECT name FROM contact")
    assert (len(table.rows), table.truncated, table.truncated_by) == (5, True, "rows")


def test_a_deadline_sooner_than_the_time_limit_stops_the_query(db: Path) -> None:
    reader = ReadOnlySqlite(db, time_limit=5.0)
    started = time.monotonic()
    with pytest.raises(QueryRejected, match="time limit"):
        reader.run(SLOW, deadline=time.monotonic() + 0.2)
    # Stopped by the deadline, not the 5 s limit (bounds are loose: the machine is shared).
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT " + "(" * 3000 + "1" + ")" * 3000 + " FROM contact",
        "SELECT " + "(SELECT " * 200 + "1" + ")" * 200,
        "SELECT " + " + ".join(["1"] * 5000) + " FROM contact",
        "SELECT name FROM contact WHERE " + " OR ".join(["name = 'a'"] * 3000),
        "SELECT name FROM contact WHERE name = '" + "x" * 200_000 + "'",
    ],
    ids=["parentheses", "subqueries", "additions", "ors", "long"],
)
def test_deep_or_huge_sql_is_refused_not_a_recursion_error(sql: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryRejected):
        check_select(sql, TABLES)
    assert time.monotonic() - started < 10.0  # bounded work, not a speed target


def test_nesting_up_to_the_limit_is_allowed() -> None:
    depth = MAX_NESTING - 2
    sql = "SELECT " + "(" * depth + "1" + ")" * depth + " FROM contact"
    assert check_select(sql, TABLES) == sql


@pytest.mark.parametrize(
    "sql",
    [
        # the inner WITH defines _xm_applied for its own subquery only
        "SELECT * FROM _xm_applied WHERE EXISTS "
        "(WITH _xm_applied AS (SELECT 1) SELECT 1 FROM _xm_applied)",
        "SELECT * FROM secret WHERE EXISTS (WITH secret AS (SELECT 1) SELECT 1 FROM secret)",
        "SELECT (SELECT 1 FROM (WITH inner_t AS (SELECT 1) SELECT 1 FROM inner_t)) FROM inner_t",
        "WITH _xm_x AS (SELECT name FROM contact) SELECT * FROM _xm_x",
        "SELECT * FROM sqlite_stat1",
    ],
)
def test_a_cte_name_counts_only_where_it_is_visible(sql: str) -> None:
    with pytest.raises(QueryRejected, match="not one of this instance's tables"):
        check_select(sql, TABLES)


def test_a_legitimate_recursive_cte_runs(db: Path) -> None:
    sql = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10) "
        "SELECT count(*) FROM n"
    )
    reader = ReadOnlySqlite(db, allowed_tables=TABLES)
    assert reader.run(check_select(sql, TABLES)).rows == [[10]]


@pytest.mark.parametrize(
    ("sql", "function"),
    [
        ("SELECT instr(notes, name) FROM contact", "instr"),
        ("SELECT replace(notes, name || notes, '') FROM contact", "replace"),
        ("SELECT trim(notes, name) FROM contact", "trim"),
        ("SELECT ltrim(notes, name) FROM contact", "trim"),
        ("SELECT instr(notes, '" + "a" * 300 + "') FROM contact", "instr"),
        ("SELECT printf('%.*c', 2000000000, 'x') FROM contact", "printf"),
        ("SELECT printf('%2000000000c', 'x') FROM contact", "printf"),
        ("SELECT printf(name, 1) FROM contact", "printf"),
        ("SELECT format('%*d', 99999999, 1) FROM contact", "printf"),
    ],
)
def test_calls_whose_time_grows_with_two_long_values_are_refused(sql: str, function: str) -> None:
    with pytest.raises(QueryRejected, match=function):
        check_select(sql, TABLES)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT instr(lower(name), 'person 1') FROM contact",
        "SELECT replace(replace(lower(notes), '.', ' '), char(10), ' ') FROM contact",
        "SELECT trim(name), rtrim(name, ' .') FROM contact",
        "SELECT printf('%.2f / %5d', 1.5, 3) FROM contact",
        "SELECT name FROM contact WHERE name LIKE '%' || 'son' || '%'",
    ],
)
def test_the_same_calls_with_short_literal_patterns_are_allowed(sql: str) -> None:
    assert check_select(sql, TABLES) == sql


@pytest.mark.skipif(
    not HAS_SETLIMIT, reason="this Python cannot cap value length: printf is refused"
)
def test_a_like_pattern_is_bounded_at_run_time(db: Path) -> None:
    reader = ReadOnlySqlite(db, allowed_tables=TABLES)
    with pytest.raises(QueryRejected, match="limit"):
        reader.run("SELECT name FROM contact WHERE notes LIKE '%' || notes || '%'")


# -- one read ----------------------------------------------------------------------------------


async def test_the_runner_stops_a_read_after_its_statement_cap(db: Path) -> None:
    schema = parse_schema("objects:\n  contact:\n    fields:\n      name: {type: str}\n")
    reader = ReadOnlySqlite(db, allowed_tables=TABLES)
    run = make_sql_runner(reader, schema, max_statements=3)
    for _ in range(3):
        await run("SELECT name FROM contact LIMIT 1")
    with pytest.raises(ReadBudgetSpent, match="3 queries"):
        await run("SELECT name FROM contact LIMIT 1")


class GreedyAnswerer:
    """Runs `statement` `times` times, whatever fails, then answers from the last rows."""

    def __init__(self, statement: str, times: int) -> None:
        self.statement, self.times, self.ran = statement, times, 0

    async def answer(self, request: AnswerRequest) -> Answer:
        tables = []
        for _ in range(self.times):
            self.ran += 1
            try:
                tables = [await request.run_sql(self.statement)]
            except ReadBudgetSpent:
                raise
            except QueryRejected:
                continue
        return Answer(tables=tables)


def greedy(statement: str, times: int) -> tuple[Mind, GreedyAnswerer]:
    answerer = GreedyAnswerer(statement, times)
    return Mind(ScriptedExtractor(), answerer, ScriptedDesigner()), answerer


async def test_a_mind_asking_thousands_of_statements_gets_a_notice_not_an_error(
    tmp_path: Path,
) -> None:
    mind, answerer = greedy("SELECT name FROM contact", 3507)
    async with running_engine(tmp_path / "d", mind) as engine, asgi_client(engine) as http:
        iid = engine.default_instance_id
        response = await http.post(f"/instances/{iid}/read", json={"query": "anything"})
        result = item(response)
    assert answerer.ran == 65
    assert "stopped after 64 queries" in result["notice"]


async def test_a_read_runs_its_sql_for_at_most_the_time_limit_in_all(tmp_path: Path) -> None:
    mind, _ = greedy(SLOW, 40)  # 40 x 0.3 s = 12 s if the limit were per query
    async with (
        running_engine(tmp_path / "d", mind, read_time_limit=0.3) as engine,
        asgi_client(engine) as http,
    ):
        iid = engine.default_instance_id
        started = time.monotonic()
        response = await http.post(f"/instances/{iid}/read", json={"query": "anything"})
        took = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert "stopped after" in item(response)["notice"]
    assert took < 5.0  # the limit is the read's in all: far below 40 x 0.3 s


# -- one question (the rules mind) --------------------------------------------------------------


@pytest.fixture
async def notes300(tmp_path: Path) -> Any:
    async with (
        open_engine(EngineSettings(data_dir=tmp_path / "d")) as engine,
        asgi_client(engine) as http,
    ):
        iid = engine.default_instance_id
        mutations = [obj_create("note", {"content": f"Note number {i}"}) for i in range(300)]
        response = await http.post(
            f"/instances/{iid}/write", json={"structured_mutations": mutations}
        )
        assert response.status_code == 200, response.text

        async def read(query: str, mode: str = "single-answer") -> dict[str, Any]:
            body = {"query": query, "mode": mode}
            return item(await http.post(f"/instances/{iid}/read", json=body))

        yield read


@pytest.mark.parametrize("mode", ["single-answer", "raw-tables", "xresponse"])
async def test_a_list_cut_at_200_says_how_many_there_are_and_how_to_ask(
    notes300: Any, mode: str
) -> None:
    result = await notes300("List all notes", mode)
    assert "Showing 200 of 300 notes" in result["notice"]
    assert "OFFSET" in result["notice"]
    if mode == "single-answer":
        assert result["reader_result"]["answer"].startswith("300 notes, the first 200 listed")


async def test_the_count_agrees_with_the_cut_list(notes300: Any) -> None:
    assert "300" in (await notes300("How many notes?"))["reader_result"]["answer"]


async def test_a_huge_question_is_read_in_part_quickly_and_blames_no_field(
    tmp_path: Path,
) -> None:
    words = ("What is Alice Smith and Bob Jones email at Acme Corp and Project Atlas " * 8000)[
        :99_000
    ]
    async with (
        open_engine(EngineSettings(data_dir=tmp_path / "d")) as engine,
        asgi_client(engine) as http,
    ):
        started = time.monotonic()
        response = await http.post(
            f"/instances/{engine.default_instance_id}/read", json={"query": words}
        )
        took = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert "Only the first 40 words" in item(response)["notice"]
    assert took < 3.0


async def test_generated_sql_over_a_limit_is_a_notice_from_the_rules_mind(tmp_path: Path) -> None:
    # One "name" of 400 characters: its whole-word search is over the pattern limit.
    name = " ".join(f"Zed{i:03d}" for i in range(57))
    async with (
        open_engine(EngineSettings(data_dir=tmp_path / "d")) as engine,
        asgi_client(engine) as http,
    ):
        response = await http.post(
            f"/instances/{engine.default_instance_id}/read", json={"query": f"Who is {name}?"}
        )
    assert response.status_code == 200, response.text
    assert "could not be answered as asked" in item(response)["notice"]
