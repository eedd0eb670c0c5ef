"""The name index: every word of each object's name, so finding a record by a word of its
name is an index lookup at any store size (a `LIKE '%word%'` scan grew with the store and
was most of a text write's cost after a few thousand records).

`_xm_term (tbl, term, xuid)`: for each object whose naming field (`naming.name_field`) holds a
text, one row per word of it and one for the whole name, both normalised the way merging
compares names (lowercase `\\w+` words joined by one space; the whole marked `=`). Kept in step by `SqliteTables`
(insert, update, delete) in the write's own transaction; `sync_terms` (re)builds a type's rows
when its naming field is new to the index (a file from before the index, a schema update
that gave a type its name field).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from xmemory_engine.schema import ObjectSpec, Schema
from xmemory_engine.store.naming import name_field

_WORD = re.compile(r"\w+")
# A whole name longer than this is indexed by its words only; the first words are enough
# to find a record by.
_LONGEST_TERM = 200
_MOST_WORDS = 32
WHOLE = "="
"""Marks a whole name among the terms (a word never starts with it). A one-word name is kept
as its whole only; a word lookup asks for both."""

TERMS_DDL = [
    """CREATE TABLE IF NOT EXISTS _xm_term (
        tbl TEXT NOT NULL, term TEXT NOT NULL, xuid TEXT NOT NULL,
        PRIMARY KEY (tbl, term, xuid)) WITHOUT ROWID""",
    # Which field each table's rows were built from: `sync_terms` rebuilds a table whose
    # naming field changed.
    """CREATE TABLE IF NOT EXISTS _xm_term_field (
        tbl TEXT PRIMARY KEY, field TEXT NOT NULL)""",
]


def normalize(text: str) -> str:
    """Lowercase words joined by single spaces: 'Alice  Johnson.' -> 'alice johnson'."""
    return " ".join(_WORD.findall(text.lower()))


def terms_of(value: Any) -> set[str]:
    """The terms a name is found by: its normalised whole (marked `=`), and, when it is
    several words apart ("Ann Lee", not "ann@lee.io"), each word."""
    if not isinstance(value, str):
        return set()
    lowered = value.lower()
    if lowered.isascii() and lowered.replace(" ", "").isalnum():
        # Letters and digits between spaces (most names): the words are what splitting on
        # the spaces gives, without the regular expression.
        words = lowered.split()
        spaced = len(words) > 1
    else:
        words = _WORD.findall(lowered)  # `normalize`, its words kept
        spaced = len(words) > 1 and len(value.split()) > 1
    if not words:
        return set()
    whole = " ".join(words)
    found = set(words[:_MOST_WORDS]) if spaced else set()
    if len(whole) <= _LONGEST_TERM:
        found.add(WHOLE + whole)
    elif not found:
        found.update(words[:_MOST_WORDS])
    return found


def term_rows(spec: ObjectSpec, records: Iterable[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(tbl, term, xuid) for these records' names."""
    field = name_field(spec)
    if field is None:
        return []
    table = spec.table
    return [
        (table, term, str(record["xuid"]))
        for record in records
        for term in terms_of(record.get(field))
    ]


def add_terms(conn: sqlite3.Connection, rows: list[tuple[str, str, str]]) -> None:
    if rows:
        conn.executemany("INSERT OR IGNORE INTO _xm_term (tbl, term, xuid) VALUES (?, ?, ?)", rows)


def remove_terms(conn: sqlite3.Connection, rows: list[tuple[str, str, str]]) -> None:
    if rows:
        conn.executemany("DELETE FROM _xm_term WHERE tbl = ? AND term = ? AND xuid = ?", rows)


def sync_terms(conn: sqlite3.Connection, schema: Schema, tables: dict[str, set[str]]) -> None:
    """Build the rows of every object table whose naming field is not the one indexed
    (inside the caller's transaction). `tables`: the tables present, with their columns."""
    indexed = {r[0]: r[1] for r in conn.execute("SELECT tbl, field FROM _xm_term_field")}
    for spec in schema.objects.values():
        field = name_field(spec)
        if spec.table not in tables or indexed.get(spec.table) == (field or ""):
            continue
        conn.execute("DELETE FROM _xm_term WHERE tbl = ?", (spec.table,))
        if field is not None and field in tables[spec.table]:
            cursor = conn.execute(f"SELECT xuid, {_q(field)} FROM {_q(spec.table)}")
            while batch := cursor.fetchmany(1000):
                add_terms(conn, term_rows(spec, [{"xuid": r[0], field: r[1]} for r in batch]))
        conn.execute(
            "INSERT OR REPLACE INTO _xm_term_field (tbl, field) VALUES (?, ?)",
            (spec.table, field or ""),
        )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
