"""A real SQLite file laid out as an instance's tables, and a guarded runner over it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import anyio

from xmemory_engine.minds.base import ResultTable, SqlRunner
from xmemory_engine.schema import Schema
from xmemory_engine.sql_guard import ReadOnlySqlite, check_select


def seed_sqlite(path: Path, schema: Schema, rows: dict[str, list[dict[str, Any]]]) -> Path:
    """Create every table of `schema` (its fixed layout) in `path` and insert `rows`.

    `rows` maps a table to records; object records give their `xuid`, relation records give
    `<role>_xuid` columns.
    """
    with sqlite3.connect(path) as db:
        for table in [*schema.objects.values(), *schema.relations.values()]:
            columns = ", ".join(f'"{name}" {sql_type}' for name, sql_type in table.columns())
            db.execute(f'CREATE TABLE "{table.table}" ({columns})')
        for table_name, records in rows.items():
            for i, record in enumerate(records):
                record = {"xuid": f"{table_name}-{i}", **record}
                record.setdefault("created_at", "2026-01-01T00:00:00Z")
                record.setdefault("updated_at", "2026-01-01T00:00:00Z")
                names = ", ".join(f'"{k}"' for k in record)
                marks = ", ".join("?" for _ in record)
                db.execute(
                    f'INSERT INTO "{table_name}" ({names}) VALUES ({marks})', list(record.values())
                )
    db.close()
    return path


def guarded_runner(path: Path, schema: Schema, calls: list[str] | None = None) -> SqlRunner:
    """The engine's checker and read-only executor over `path`, recording each statement."""
    allowed = schema.table_names()

    async def run(sql: str) -> ResultTable:
        if calls is not None:
            calls.append(sql)
        return await anyio.to_thread.run_sync(_run, path, allowed, sql)

    return run


def _run(path: Path, allowed: list[str], sql: str) -> ResultTable:
    checked = check_select(sql, allowed)
    runner = ReadOnlySqlite(path, row_limit=1000, time_limit=2.0)
    try:
        return runner.run(checked)
    finally:
        runner.close()
