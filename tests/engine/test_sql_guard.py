"""The read path's guard: the static check and the read-only connection, against real attacks."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from xmemory_engine.errors import InvalidRequest, QueryRejected
from xmemory_engine.sql_guard import LimitedTable, ReadOnlySqlite, check_select

TABLES = ["contact", "works_at"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "instance.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contact (xuid TEXT PRIMARY KEY, name TEXT, email TEXT)")
    conn.execute("CREATE TABLE works_at (xuid TEXT, employee_xuid TEXT, employer_xuid TEXT)")
    conn.execute("CREATE TABLE _xm_jobs (id TEXT, payload TEXT)")
    conn.executemany(
        "INSERT INTO contact VALUES (?, ?, ?)",
        [(f"x{i}", f"Person {i}", f"p{i}@example.com") for i in range(50)],
    )
    conn.execute("INSERT INTO _xm_jobs VALUES ('j1', 'secret')")
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def ro(db: Path) -> ReadOnlySqlite:
    conn = ReadOnlySqlite(db, row_limit=10, time_limit=0.5)
    yield conn  # type: ignore[misc]
    conn.close()


def fingerprint(directory: Path) -> dict[str, str]:
    """Every file in the directory and a hash of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }


# -- check_select ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT name FROM contact",
        "select c.name from contact c join works_at w on w.employee_xuid = c.xuid",
        "SELECT name FROM contact UNION SELECT employee_xuid FROM works_at",
        "WITH named AS (SELECT name FROM contact) SELECT * FROM named",
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) "
        "SELECT x FROM n",
        "SELECT * FROM contact WHERE xuid IN (SELECT employee_xuid FROM works_at)",
        "(SELECT name FROM contact)",
        'SELECT "name" FROM "Contact"',
    ],
)
def test_accepts_one_read_over_allowed_tables(sql: str) -> None:
    assert check_select(sql, TABLES) == sql


def test_returns_the_statement_without_trailing_semicolons() -> None:
    assert check_select("  SELECT 1 FROM contact ;; \n", TABLES) == "SELECT 1 FROM contact"


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("PRAGMA query_only=OFF; ATTACH DATABASE 'x.db' AS x", "exactly one"),
        ("PRAGMA query_only=OFF", "only SELECT"),
        ("ATTACH DATABASE 'evil.db' AS evil", "only SELECT"),
        ("DETACH evil", "only SELECT"),
        ("VACUUM INTO 'copy.db'", "only SELECT"),
        ("INSERT INTO contact (xuid) VALUES ('y')", "only SELECT"),
        ("UPDATE contact SET name = 'x'", "only SELECT"),
        ("DELETE FROM contact", "only SELECT"),
        ("DROP TABLE contact", "only SELECT"),
        ("CREATE TABLE t (a INT)", "only SELECT"),
        ("REPLACE INTO contact (xuid) VALUES ('y')", "only SELECT"),
        ("BEGIN", "only SELECT"),
        ("REINDEX", "only SELECT"),
        ("SELECT 1 FROM contact; DELETE FROM contact", "exactly one"),
        ("SELECT 1 FROM contact; SELECT 2 FROM contact", "exactly one"),
        ("SELECT * INTO copy FROM contact", "not allowed"),
        ("SELECT load_extension('/tmp/evil.so')", "load_extension"),
        ("SELECT writefile('/tmp/x', name) FROM contact", "writefile"),
        ("SELECT * FROM secrets", "not one of this instance's tables"),
        ("SELECT * FROM _xm_jobs", "not one of this instance's tables"),
        ("SELECT name FROM sqlite_master", "not one of this instance's tables"),
        ("SELECT name FROM sqlite_schema", "not one of this instance's tables"),
        ("WITH sqlite_master AS (SELECT 1) SELECT * FROM sqlite_master", "not one of"),
        ("SELECT * FROM main.contact", "qualified"),
        ("SELECT * FROM other.contact", "qualified"),
        ("SELECT * FROM pragma_table_info('contact')", "table-valued"),
        ("SELECT * FROM contact WHERE xuid IN (SELECT id FROM _xm_jobs)", "_xm_jobs"),
        ("", "empty"),
        ("SELEC name FROM contact", "does not parse"),
        ("SELECT (", "does not parse"),
    ],
)
def test_refuses_everything_else(sql: str, reason: str) -> None:
    with pytest.raises(QueryRejected) as caught:
        check_select(sql, TABLES)
    assert reason in caught.value.message


def test_refuses_data_modifying_cte_on_postgres() -> None:
    sql = "WITH gone AS (DELETE FROM contact RETURNING *) SELECT * FROM gone"
    with pytest.raises(QueryRejected, match="DELETE"):
        check_select(sql, TABLES, dialect="postgres")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_sleep(100)",
        "SELECT set_config('default_transaction_read_only', 'off', false)",
        "SELECT query_to_xml('delete from contact', true, true, '')",
        "SELECT * FROM contact FOR UPDATE",
        "SELECT * FROM public.contact",
    ],
)
def test_refuses_postgres_escapes(sql: str) -> None:
    with pytest.raises(QueryRejected):
        check_select(sql, TABLES, dialect="postgres")


# -- ReadOnlySqlite ----------------------------------------------------------------------------


def test_runs_a_select_and_names_columns(ro: ReadOnlySqlite) -> None:
    table = ro.run("SELECT xuid, name FROM contact WHERE xuid = 'x3'")
    assert table.columns == ["xuid", "name"]
    assert table.rows == [["x3", "Person 3"]]
    assert table.sql == "SELECT xuid, name FROM contact WHERE xuid = 'x3'"
    assert isinstance(table, LimitedTable) and not table.truncated


def test_caps_rows_and_says_so(ro: ReadOnlySqlite) -> None:
    table = ro.run("SELECT xuid FROM contact")
    assert len(table.rows) == 10
    assert table.truncated


def test_stops_a_runaway_query_at_the_deadline(ro: ReadOnlySqlite) -> None:
    runaway = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
    )
    with pytest.raises(QueryRejected, match="time limit"):
        ro.run(runaway)
    # The connection is usable afterwards, with a fresh deadline.
    assert ro.run("SELECT count(*) FROM contact").rows == [[50]]


def test_database_errors_become_invalid_requests_with_the_message(ro: ReadOnlySqlite) -> None:
    with pytest.raises(InvalidRequest) as caught:
        ro.run("SELECT nickname FROM contact")
    assert not isinstance(caught.value, QueryRejected)
    assert "no such column: nickname" in caught.value.message


ATTACKS = [
    "PRAGMA query_only=OFF",
    "PRAGMA query_only=OFF; ATTACH DATABASE 'evil.db' AS evil",
    "ATTACH DATABASE '{dir}/evil.db' AS evil",
    "VACUUM INTO '{dir}/copy.db'",
    "INSERT INTO contact (xuid) VALUES ('y')",
    "UPDATE contact SET name = 'changed'",
    "DELETE FROM contact",
    "DROP TABLE contact",
    "CREATE TABLE evil (a)",
    "CREATE TEMP TABLE evil (a)",
    "SELECT load_extension('/tmp/evil.so')",
    "SELECT * FROM pragma_table_info('contact')",
    "BEGIN IMMEDIATE",
    "REINDEX",
    "ANALYZE",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_connection_refuses_writes_and_leaves_no_trace(
    db: Path, ro: ReadOnlySqlite, attack: str
) -> None:
    before = fingerprint(db.parent)
    sql = attack.format(dir=db.parent)
    # Each attack is refused by the checker and, run directly, by the connection itself.
    with pytest.raises(QueryRejected):
        check_select(sql, TABLES)
    with pytest.raises((QueryRejected, InvalidRequest)):
        ro.run(sql)
    assert fingerprint(db.parent) == before
    assert ro.run("SELECT count(*) FROM contact").rows == [[50]]


def test_connection_cannot_attach_even_when_the_checker_is_skipped(
    db: Path, ro: ReadOnlySqlite
) -> None:
    before = fingerprint(db.parent)
    with pytest.raises(QueryRejected, match="refused"):
        ro.run(f"ATTACH DATABASE '{db.parent / 'evil.db'}' AS evil")
    assert not (db.parent / "evil.db").exists()
    assert fingerprint(db.parent) == before


def test_allowed_tables_are_enforced_at_run_time_too(db: Path) -> None:
    conn = ReadOnlySqlite(db, allowed_tables=TABLES)
    try:
        assert conn.run("SELECT count(*) FROM works_at").rows == [[0]]
        with pytest.raises(QueryRejected):
            conn.run("SELECT payload FROM _xm_jobs")
        with pytest.raises(QueryRejected):
            conn.run("SELECT name FROM sqlite_master")
    finally:
        conn.close()


def test_without_allowed_tables_the_connection_still_keeps_engine_tables_out(
    ro: ReadOnlySqlite,
) -> None:
    # The engine's own tables (`_xm_...`) are refused by both locks, whatever is allowed.
    with pytest.raises(QueryRejected, match="refused"):
        ro.run("SELECT payload FROM _xm_jobs")
    with pytest.raises(QueryRejected):
        check_select("SELECT payload FROM _xm_jobs", TABLES)


def test_sees_commits_made_by_a_writer_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE contact (xuid TEXT, name TEXT)")
    reader = ReadOnlySqlite(path)
    try:
        before = fingerprint(tmp_path)
        writer.execute("INSERT INTO contact VALUES ('a', 'Alice')")
        assert reader.run("SELECT name FROM contact").rows == [["Alice"]]
        with pytest.raises(QueryRejected):
            reader.run("DELETE FROM contact")
        assert set(fingerprint(tmp_path)) == set(before)
    finally:
        reader.close()
        writer.close()


def test_is_shared_safely_between_threads(ro: ReadOnlySqlite) -> None:
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                results.append(ro.run("SELECT count(*) FROM contact").rows[0][0])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [50] * 80


def test_refuses_to_run_after_close(db: Path) -> None:
    conn = ReadOnlySqlite(db)
    conn.close()
    conn.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        conn.run("SELECT 1")


def test_opens_paths_with_uri_characters(tmp_path: Path) -> None:
    odd = tmp_path / "a dir?#%"
    odd.mkdir()
    path = odd / "x.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contact (name TEXT)")
    conn.commit()
    conn.close()
    ro = ReadOnlySqlite(path)
    try:
        assert ro.run("SELECT count(*) FROM contact").rows == [[0]]
        assert sorted(p.name for p in odd.iterdir()) == ["x.db"]
    finally:
        ro.close()


def test_rejects_unusable_limits(db: Path) -> None:
    with pytest.raises(ValueError):
        ReadOnlySqlite(db, row_limit=0)
    with pytest.raises(ValueError):
        ReadOnlySqlite(db, time_limit=0)


def test_a_literal_holding_a_session_word_is_no_read_of_the_session() -> None:
    # The PostgreSQL reader refuses session words ("user", "current_user") named in a
    # statement; the text 'user' (the user's own records, stored as "User") is no such name.
    from xmemory_engine.store.postgres.reader import _check_catalog_reads

    _check_catalog_reads("SELECT t.value FROM fact AS t WHERE lower(t.subject) = 'user'")
    for named in ("SELECT user", "SELECT name FROM contact WHERE name = current_user"):
        with pytest.raises(QueryRejected):
            _check_catalog_reads(named)
