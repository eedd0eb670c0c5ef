"""A read's SQL runs on the event loop when it is brief, else in a worker thread, with the
same answers either way (`reads.make_sql_runner`, `ReadOnlySqlite.run(brief=...)`,
`SqliteInstanceData.read_brief`)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_testkit import rules_session

from xmemory_engine.errors import QueryRejected
from xmemory_engine.minds.base import ResultTable
from xmemory_engine.schema import parse_schema
from xmemory_engine.service import reads
from xmemory_engine.sql_guard import ReadOnlySqlite
from xmemory_engine.store.base import NotBrief
from xmemory_engine.store.instance import SqliteInstanceData
from xmemory_engine.store.sqlite import connect, transaction

pytestmark = pytest.mark.anyio

TABLES = ["contact"]
SCHEMA = "objects:\n  contact:\n    fields:\n      name: {type: str}\n"
COUNTING = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000) "
    "SELECT count(*) FROM n"
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "instance.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contact (xuid TEXT PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO contact VALUES (?, ?)", [(f"x{i}", f"P {i}") for i in range(9)])
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def reader(db: Path) -> Iterator[ReadOnlySqlite]:
    opened = ReadOnlySqlite(db, allowed_tables=TABLES)
    yield opened
    opened.close()


def test_a_brief_statement_answers_as_a_waited_one(reader: ReadOnlySqlite) -> None:
    sql = "SELECT name FROM contact WHERE xuid = 'x3'"
    assert reader.run(sql, brief=60.0).rows == reader.run(sql).rows == [["P 3"]]


def test_a_statement_past_its_brief_time_is_handed_back_not_refused(
    reader: ReadOnlySqlite,
) -> None:
    with pytest.raises(NotBrief):
        reader.run(COUNTING, brief=0.0)
    assert reader.run(COUNTING).rows == [[200000]]  # the connection is as it was


def test_a_busy_connection_is_not_waited_for_briefly(reader: ReadOnlySqlite) -> None:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with reader._lock:  # what a statement running in another thread holds
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with pytest.raises(NotBrief, match="in use"):
            reader.run("SELECT name FROM contact LIMIT 1", brief=60.0)
    finally:
        release.set()
        holder.join()
    assert reader.run("SELECT name FROM contact LIMIT 1", brief=60.0).rows == [["P 0"]]


def test_statements_of_one_shape_are_bounded_alike(reader: ReadOnlySqlite) -> None:
    # The width of a shape's rows is read once (its EXPLAIN); a wide shape is refused each time.
    for key in ("x1", "x2"):
        sql = f"SELECT name FROM contact WHERE xuid = '{key}'"
        assert reader.run(sql, shape="narrow").rows == [[f"P {key[1]}"]]
    wide = "SELECT " + ", ".join(["name"] * 130) + " FROM contact WHERE xuid = 'x1'"
    for _ in range(2):
        with pytest.raises(QueryRejected, match="rows of 130 values"):
            reader.run(wide, shape="wide")


async def test_the_runner_runs_a_long_statement_in_a_worker_thread_in_full(
    reader: ReadOnlySqlite, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[tuple[bool, bool]] = []  # (brief, on the event loop's thread)

    def after_rows(table: ResultTable, brief: bool) -> None:
        ran.append((brief, threading.current_thread() is threading.main_thread()))

    run = reads.make_sql_runner(reader, parse_schema(SCHEMA), after_rows=after_rows)
    monkeypatch.setattr(reads, "BRIEF_STATEMENT", 60.0)
    assert (await run("SELECT name FROM contact WHERE xuid = 'x1'")).rows == [["P 1"]]
    monkeypatch.setattr(reads, "BRIEF_STATEMENT", 0.0)
    assert (await run(COUNTING)).rows == [[200000]]
    assert ran == [(True, True), (False, False)]


async def test_evidence_that_is_not_brief_is_read_in_a_worker_thread(
    reader: ReadOnlySqlite,
) -> None:
    calls: list[bool] = []

    def after_rows(table: ResultTable, brief: bool) -> None:
        calls.append(brief)
        if brief:
            raise NotBrief("too many records")

    run = reads.make_sql_runner(reader, parse_schema(SCHEMA), after_rows=after_rows)
    table = await run("SELECT name FROM contact ORDER BY xuid LIMIT 2")
    assert table.rows == [["P 0"], ["P 1"]]
    assert calls in ([True, False], [False])  # [False]: the statement itself went to a thread


def test_a_snapshot_past_its_brief_time_is_handed_back(tmp_path: Path) -> None:
    schema = parse_schema(SCHEMA)
    data = SqliteInstanceData(tmp_path / "i.sqlite", schema)
    try:

        def count(t: Any) -> Any:
            return t.conn.execute(COUNTING).fetchone()[0]

        with pytest.raises(NotBrief):
            data.read_brief(schema, count, 0.0)
        assert data.read_brief(schema, count, 60.0) == 200000
        assert data.read_here(schema, count) == 200000
    finally:
        data.close()


SENTENCES = [
    "Mara Quinlan works at Hollow Pine Studio and her email is mara@hollow.example.",
    "Mateo Ruiz is based in London.",
    "Tomas Berg works at Hollow Pine Studio.",
    "My sister Ines has a dog called Mochi.",
    "Update: Mateo moved from London to Madrid.",
]
QUESTIONS = [
    "What is the email of Mara Quinlan?",
    "Where is Mateo Ruiz based?",
    "Who works at Hollow Pine Studio?",
    "How many people work at Hollow Pine Studio?",
    "What is the name of Ines's dog?",
    "What did I say about the garden?",
]


async def test_reads_answer_the_same_on_the_event_loop_and_in_worker_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with rules_session(tmp_path) as session:
        for sentence in SENTENCES:
            await session.write(sentence)
        monkeypatch.setattr(reads, "BRIEF_STATEMENT", 60.0)
        monkeypatch.setattr(reads, "BRIEF_EVIDENCE", 60.0)
        brief = [await session.read(q) for q in QUESTIONS]
        # A reader the runner does not know to be SQLite's: every statement, and its
        # evidence, goes to a worker thread (as on PostgreSQL).
        monkeypatch.setattr(reads, "ReadOnlySqlite", type("Elsewhere", (), {}))
        threaded = [await session.read(q) for q in QUESTIONS]
    for one, other in zip(brief, threaded, strict=True):
        one.pop("trace_id"), other.pop("trace_id")
        assert one == other
    assert any(r["basis"] == "records" and r["evidence"] for r in brief)


def test_a_commit_stopped_by_the_deadline_leaves_no_transaction_open(tmp_path: Path) -> None:
    # `read_brief`'s deadline is a progress handler; it may stop the snapshot's COMMIT (it
    # runs every so many steps of a statement kept between runs), which left the transaction
    # open and every later BEGIN on the connection failing.
    conn = connect(tmp_path / "t.sqlite")
    conn.execute("CREATE TABLE t (v TEXT)")
    stop = False

    def once() -> int:
        nonlocal stop
        stopped, stop = stop, False
        return int(stopped)

    conn.set_progress_handler(once, 1)
    with (
        pytest.raises(sqlite3.OperationalError, match="interrupted"),
        transaction(conn, immediate=False),
    ):
        conn.execute("SELECT v FROM t").fetchall()
        stop = True  # the next step, the COMMIT's, is stopped
    conn.set_progress_handler(None, 0)
    assert not conn.in_transaction
    with transaction(conn):
        conn.execute("INSERT INTO t VALUES ('written')")
    assert [tuple(r) for r in conn.execute("SELECT v FROM t")] == [("written",)]
    conn.close()
