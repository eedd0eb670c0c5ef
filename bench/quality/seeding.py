"""Seeded records for the answer questions: a temporary SQLite file in the schema's own table
layout, queried through the engine's SQL checker and read-only executor."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import anyio.to_thread

from xmemory_engine.minds.base import ResultTable, SqlRunner
from xmemory_engine.schema import Schema
from xmemory_engine.sql_guard import ReadOnlySqlite, check_select

from .scoring import label

ROW_LIMIT = 200
TIME_LIMIT = 5.0


def seed(path: Path, schema: Schema, records: dict[str, list[dict[str, Any]]]) -> Path:
    """Create `schema`'s tables in `path` and insert `records`.

    Object records are field values; relation records map each role to the label (primary
    key or name) of an object inserted before them.
    """
    xuids: dict[tuple[str, str], str] = {}
    db = sqlite3.connect(path)
    try:
        for table in [*schema.objects.values(), *schema.relations.values()]:
            cols = ", ".join(f'"{name}" {sql_type}' for name, sql_type in table.columns())
            db.execute(f'CREATE TABLE "{table.table}" ({cols})')
        for name, obj in schema.objects.items():
            for i, values in enumerate(records.get(name, [])):
                row = {"xuid": f"{name}-{i}", **{k: _stored(v) for k, v in values.items()}}
                xuids[(name, str(label(schema, name, values)).casefold())] = row["xuid"]
                _insert(db, obj.table, row)
        for name, rel in schema.relations.items():
            for i, ends in enumerate(records.get(name, [])):
                row = {"xuid": f"{name}-{i}"}
                for role, target in rel.roles.items():
                    row[rel.role_column(role)] = xuids[(target, str(ends[role]).casefold())]
                _insert(db, rel.table, row)
        db.commit()
    finally:
        db.close()
    return path


def runner(path: Path, schema: Schema) -> SqlRunner:
    """Run one SELECT as the engine does: checked, read-only, row- and time-limited."""
    allowed = schema.table_names()

    def run_sync(sql: str) -> ResultTable:
        checked = check_select(sql, allowed)
        reader = ReadOnlySqlite(path, row_limit=ROW_LIMIT, time_limit=TIME_LIMIT)
        try:
            return reader.run(checked)
        finally:
            reader.close()

    async def run(sql: str) -> ResultTable:
        return await anyio.to_thread.run_sync(run_sync, sql)

    return run


def _insert(db: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    row = {**row, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    names = ", ".join(f'"{k}"' for k in row)
    marks = ", ".join("?" for _ in row)
    db.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(row.values()))


def _stored(value: Any) -> Any:
    """A YAML value as the engine stores it (dates as ISO text, booleans as 0/1)."""
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
