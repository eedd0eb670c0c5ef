"""A new catalog or instance file is made at the current version in one transaction (one sync
of its write-ahead log on a first start, not one a migration); it is the same file as one
migrated step by step, and a file already at some version still migrates one step at a time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from xmemory_engine.store import catalog as catalog_mod
from xmemory_engine.store import internal


def _layout(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    return [(r[0], r[1], r[2]) for r in rows]


def _commits(conn: sqlite3.Connection) -> list[str]:
    said: list[str] = []
    conn.set_trace_callback(lambda sql: said.append(sql) if sql == "COMMIT" else None)
    return said


def test_a_new_instance_file_is_the_one_migrated_step_by_step(tmp_path: Path) -> None:
    new = sqlite3.connect(tmp_path / "new.sqlite", isolation_level=None)
    stepped = sqlite3.connect(tmp_path / "stepped.sqlite", isolation_level=None)
    try:
        commits = _commits(new)
        assert internal.migrate(new, None) == 0
        assert commits == ["COMMIT"]
        for version, _, run in internal.MIGRATIONS:
            stepped.execute("BEGIN")
            run(stepped, None)
            stepped.execute(f"PRAGMA user_version = {version}")
            stepped.execute("COMMIT")
        assert _layout(new) == _layout(stepped)
        versions = [c.execute("PRAGMA user_version").fetchone()[0] for c in (new, stepped)]
        assert versions == [internal.CURRENT_VERSION] * 2
    finally:
        new.close()
        stepped.close()


def test_an_instance_file_at_a_version_migrates_a_step_a_transaction(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "v2.sqlite", isolation_level=None)
    try:
        for _, _, run in internal.MIGRATIONS[:2]:
            run(conn, None)
        conn.execute("PRAGMA user_version = 2")
        commits = _commits(conn)
        assert internal.migrate(conn, None) == 2
        assert len(commits) == len(internal.MIGRATIONS) - 2
        assert conn.execute("PRAGMA user_version").fetchone()[0] == internal.CURRENT_VERSION
    finally:
        conn.close()


def test_a_new_catalog_is_the_one_migrated_step_by_step(tmp_path: Path) -> None:
    new = sqlite3.connect(tmp_path / "new.sqlite", isolation_level=None)
    stepped = sqlite3.connect(tmp_path / "stepped.sqlite", isolation_level=None)
    try:
        commits = _commits(new)
        catalog_mod._migrate(new)
        assert commits == ["COMMIT"]
        stepped.execute(
            """CREATE TABLE _xm_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"""
        )
        for version, name, statements in catalog_mod.MIGRATIONS:
            stepped.execute("BEGIN")
            for statement in statements:
                stepped.execute(statement)
            stepped.execute(
                "INSERT INTO _xm_migrations VALUES (?, ?, '2026-01-01')", (version, name)
            )
            stepped.execute("COMMIT")
        assert _layout(new) == _layout(stepped)
        found = [
            [tuple(r) for r in c.execute("SELECT version, name FROM _xm_migrations")]
            for c in (new, stepped)
        ]
        assert found[0] == found[1] == [(m[0], m[1]) for m in catalog_mod.MIGRATIONS]
        catalog_mod._migrate(new)  # a second start: nothing to apply
        assert len(found[0]) == new.execute("SELECT count(*) FROM _xm_migrations").fetchone()[0]
    finally:
        new.close()
        stepped.close()
