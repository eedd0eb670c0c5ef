"""The page caches the engine's SQLite connections keep (memory held for as long as they are
open): a writer's is bounded by `WRITER_CACHE_KIB`, a reader's by what it is given."""

from __future__ import annotations

from pathlib import Path

from xmemory_engine.store.catalog import CATALOG_CACHE_KIB, SqliteCatalog
from xmemory_engine.store.sqlite import READER_CACHE_KIB, WRITER_CACHE_KIB, SqliteFile, connect


def cache_kib(file: SqliteFile) -> int:
    (size,) = file.run(lambda conn: conn.execute("PRAGMA cache_size").fetchone())
    assert size < 0, "cache sizes are set in KiB (negative), never in pages"
    return int(-size)


def test_a_writer_keeps_the_bounded_cache_and_a_reader_the_one_it_is_given(
    tmp_path: Path,
) -> None:
    path = tmp_path / "one.sqlite"
    writer = SqliteFile(path)
    reader = SqliteFile(path, cache_kib=READER_CACHE_KIB)
    try:
        assert cache_kib(writer) == WRITER_CACHE_KIB < 2000  # SQLite's default: 2000 KiB
        assert cache_kib(reader) == READER_CACHE_KIB
        # The bounded cache changes memory only: what is committed is read back whole.
        writer.run(lambda conn: conn.execute("CREATE TABLE t (v TEXT)"))
        values = [(f"value {i} " * 40,) for i in range(2000)]
        writer.run(lambda conn: conn.executemany("INSERT INTO t VALUES (?)", values))
        rows = reader.run(lambda conn: conn.execute("SELECT v FROM t ORDER BY rowid").fetchall())
        assert [tuple(r) for r in rows] == values
    finally:
        writer.close()
        reader.close()


def test_a_read_only_connection_keeps_sqlite_s_default(tmp_path: Path) -> None:
    path = tmp_path / "one.sqlite"
    connect(path).close()
    conn = connect(path, readonly=True)
    try:
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
    finally:
        conn.close()


def test_the_catalog_writes_through_a_smaller_cache(tmp_path: Path) -> None:
    catalog = SqliteCatalog(tmp_path / "catalog.sqlite")
    try:
        assert cache_kib(catalog._db) == CATALOG_CACHE_KIB < WRITER_CACHE_KIB
    finally:
        catalog.close()
