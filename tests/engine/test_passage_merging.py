"""The passage index's segments are merged after a write's answer, not in its commit (file
version 5): FTS5's `automerge` is off in the file, and `SqliteInstanceData.checkpoint` (the
write queue's housekeeping) makes the same merges in bounded steps, cut short when the lane's
next write is waiting."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from engine_testkit import (
    CONTACTS_YML,
    asgi_client,
    instance_file_at,
    item,
    obj_create,
    running_engine,
)

from xmemory_engine.schema import parse_schema
from xmemory_engine.store import instance as instance_module
from xmemory_engine.store.base import EpisodeDraft, KeptEpisode, RestoreBatch, Tables
from xmemory_engine.store.instance import SqliteInstanceData
from xmemory_engine.store.internal import CURRENT_VERSION
from xmemory_engine.store.provenance import insert_episode

pytestmark = pytest.mark.anyio


def automerge(path: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT v FROM _xm_passage_config WHERE k = 'automerge'").fetchall()
    finally:
        db.close()


def merge_left(path: Path) -> bool:
    """Whether a level of the index holds segments to merge: FTS5's own test (a `'merge'`
    that changes fewer than two rows had nothing to do), rolled back so nothing changes."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        before = db.total_changes
        db.execute("INSERT INTO _xm_passage (_xm_passage, rank) VALUES ('merge', 100000)")
        left = db.total_changes - before >= 2
        db.execute("ROLLBACK")
        return left
    finally:
        db.close()


def said(i: int) -> Callable[[Tables], dict[str, Any]]:
    def run(t: Tables) -> dict[str, Any]:
        t.insert(t.schema.objects["company"], {"name": f"Company {i}"})
        return {"changes": None}

    return run


async def write(data: SqliteInstanceData, i: int, more: int = 0) -> None:
    """A write of company `i`: its episode's sentences, and `more` others beside them."""
    schema = parse_schema(CONTACTS_YML)
    text = f"Company {i} makes tool{i}. It is in Oslo." + "".join(
        f" Shelf {i}-{k} holds part{k}." for k in range(more)
    )
    await data.apply(f"w{i}", schema, said(i), EpisodeDraft(f"w{i}", "text", text))


async def found(data: SqliteInstanceData) -> list[list[str]]:
    schema = parse_schema(CONTACTS_YML)

    def look(tables: Tables) -> list[list[str]]:
        return [
            [p.text for p in tables.search_passages(words, 50)]
            for words in ("oslo", "tool3", "company 7", "to*")
        ]

    return await data.read(schema, look)


async def test_a_new_file_leaves_merging_to_the_housekeeping(
    contacts_data: SqliteInstanceData,
) -> None:
    data = contacts_data
    assert automerge(data.path) == [(0,)]


async def test_segments_pile_up_in_commits_and_are_merged_by_checkpoint(
    contacts_data: SqliteInstanceData,
) -> None:
    """Each write's commit adds a segment and merges none; `checkpoint` merges what FTS5's
    automerge would have (levels of four), and the same sentences are found after it."""
    data = contacts_data
    for i in range(9):
        await write(data, i)
    assert merge_left(data.path)
    before = await found(data)
    assert before[0] and before[1] == ["Company 3 makes tool3."]
    await data.checkpoint()
    assert not merge_left(data.path)
    assert await found(data) == before


async def test_a_waiting_write_cuts_the_merging_short_after_one_step(
    contacts_data: SqliteInstanceData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One step at least (the merging keeps pace with writes that never stop coming), then
    none more while a write waits; the next `checkpoint` carries the merge on to its end."""
    data = contacts_data
    monkeypatch.setattr(instance_module, "_MERGE_PAGES", 1)
    steps: list[bool] = []
    original = SqliteInstanceData._merge_step

    def counted(self: SqliteInstanceData, conn: sqlite3.Connection) -> bool:
        steps.append(True)
        return original(self, conn)

    monkeypatch.setattr(SqliteInstanceData, "_merge_step", counted)
    for i in range(8):  # segments of several pages each: a merge of them takes steps
        await write(data, i, more=300)
    before = await found(data)
    await data.checkpoint(lambda: True)
    assert len(steps) == 1
    assert merge_left(data.path)
    await data.checkpoint(lambda: False)
    assert len(steps) > 2
    assert not merge_left(data.path)
    assert await found(data) == before


async def test_a_version_4_file_is_migrated_to_merging_after_the_answer(tmp_path: Path) -> None:
    """A file at version 4 (automerge on, its default) opens at the current version with it
    off; its passages are found as before, and its first housekeeping merges what is due."""
    schema = parse_schema(CONTACTS_YML)
    path = tmp_path / "v4.sqlite"
    conn = instance_file_at(path, schema, 4)
    try:
        conn.execute("INSERT INTO _xm_passage (_xm_passage, rank) VALUES ('automerge', 0)")
        for i in range(6):  # segments left unmerged, as a process could leave them
            insert_episode(conn, EpisodeDraft(f"w{i}", "text", f"Company {i} is in Oslo."))
        conn.execute("DELETE FROM _xm_passage_config WHERE k = 'automerge'")
    finally:
        conn.close()
    assert automerge(path) == []

    data = SqliteInstanceData(path, schema)
    try:
        assert automerge(path) == [(0,)]
        assert merge_left(path)
        texts = await data.read(
            schema, lambda t: sorted(p.text for p in t.search_passages("oslo", 50))
        )
        assert texts == [f"Company {i} is in Oslo." for i in range(6)]
        await data.checkpoint()
        assert not merge_left(path)
        assert (
            await data.read(schema, lambda t: sorted(p.text for p in t.search_passages("oslo", 50)))
            == texts
        )
    finally:
        data.close()
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (CURRENT_VERSION,)
    finally:
        db.close()


async def test_the_write_queue_says_when_the_next_write_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The housekeeping after a write is told whether another write for the same instance is
    queued behind it: two writes queued together, the first's housekeeping sees the second."""
    seen: list[bool] = []
    both = anyio.Event()
    original = SqliteInstanceData.checkpoint

    async def spied(self: SqliteInstanceData, waiting: Callable[[], bool] | None = None) -> None:
        assert waiting is not None
        seen.append(waiting())
        await original(self, waiting)
        if len(seen) == 2:
            both.set()

    monkeypatch.setattr(SqliteInstanceData, "checkpoint", spied)
    async with (
        running_engine(tmp_path / "d", apply_delay=0.2) as engine,
        asgi_client(engine) as client,
    ):
        iid = engine.default_instance_id
        for name in ("Acme", "Bolt"):  # both queued while the first waits `apply_delay`
            body = {"structured_mutations": [obj_create("organization", {"name": name})]}
            assert item(await client.post(f"/instances/{iid}/write_async", json=body))
        with anyio.fail_after(10):
            await both.wait()
    assert seen == [True, False]


async def test_an_import_merges_its_passages_as_it_goes(contacts_data: SqliteInstanceData) -> None:
    data = contacts_data
    """Restored batches (an import) are not followed by the write queue's housekeeping: each
    merges what it made due, and its sentences are found."""
    schema = parse_schema(CONTACTS_YML)
    for i in range(1, 7):
        episode = KeptEpisode(
            i, f"w{i}", "text", f"Company {i} is in Oslo.", None, None, "2026-01-01T00:00:00Z"
        )
        await data.restore(schema, RestoreBatch(episodes=[episode]))
    assert not merge_left(data.path)
    texts = await data.read(schema, lambda t: sorted(p.text for p in t.search_passages("oslo", 50)))
    assert texts == [f"Company {i} is in Oslo." for i in range(1, 7)]


async def test_an_import_whose_merging_fails_is_stored_all_the_same(
    contacts_data: SqliteInstanceData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merging after a restored batch is housekeeping: when it fails the batch is kept,
    its sentences are found, and the next `checkpoint` merges what was left."""
    data = contacts_data
    schema = parse_schema(CONTACTS_YML)

    def failing(self: SqliteInstanceData, conn: sqlite3.Connection) -> bool:
        raise sqlite3.OperationalError("disk I/O error")

    with monkeypatch.context() as patch:
        patch.setattr(SqliteInstanceData, "_merge_step", failing)
        for i in range(1, 7):
            episode = KeptEpisode(
                i, f"w{i}", "text", f"Company {i} is in Oslo.", None, None, "2026-01-01T00:00:00Z"
            )
            await data.restore(schema, RestoreBatch(episodes=[episode]))
    assert merge_left(data.path)
    texts = await data.read(schema, lambda t: sorted(p.text for p in t.search_passages("oslo", 50)))
    assert texts == [f"Company {i} is in Oslo." for i in range(1, 7)]
    await data.checkpoint()
    assert not merge_left(data.path)
