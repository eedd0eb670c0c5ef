"""A data directory made by release 0.1.0 opens, migrates forward once, and loses nothing.

`fixtures/datadir-0.1.0.tar.gz` was made by that release (commit 1fb767b) through the SDK: two
text writes, a structured write (a project, a preference, a works_on link) and a correction of
Ann Lee's email. Its instance file has no episodes, facts or passages.
"""

from __future__ import annotations

import sqlite3
import tarfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_testkit import CONTACTS_YML, instance_file_at

from xmemory import AsyncXmemoryClient, ObjectMutation
from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.schema import parse_schema
from xmemory_engine.store.base import EpisodeDraft, Tables
from xmemory_engine.store.instance import SqliteInstanceData
from xmemory_engine.store.internal import CURRENT_VERSION
from xmemory_engine.store.provenance import insert_episode

pytestmark = pytest.mark.anyio

FIXTURE = Path(__file__).parent / "fixtures" / "datadir-0.1.0.tar.gz"
INSTANCE = "bb370c8f82d2441f89cb55079d3a2fcc"


@pytest.fixture
def old_data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    with tarfile.open(FIXTURE) as archive:
        archive.extractall(target, filter="data")
    return target


@pytest.fixture
async def sdk(old_data_dir: Path) -> AsyncIterator[AsyncXmemoryClient]:
    async with open_engine(EngineSettings(data_dir=old_data_dir)) as engine:
        assert engine.default_instance_id == INSTANCE
        transport = httpx.ASGITransport(app=engine.app)
        http = httpx.AsyncClient(transport=transport, base_url="http://engine")
        async with AsyncXmemoryClient(url="http://engine", token="t", http_client=http) as client:
            yield client


def rows(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    path = data_dir / "instances" / f"{INSTANCE}.sqlite"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_the_fixture_is_the_old_layout(tmp_path: Path) -> None:
    with tarfile.open(FIXTURE) as archive:
        archive.extractall(tmp_path, filter="data")
    assert rows(tmp_path, "PRAGMA user_version") == [(0,)]
    tables = {r[0] for r in rows(tmp_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "_xm_applied" in tables and "_xm_episode" not in tables


async def test_old_records_keep_their_values_and_gain_evidence(
    sdk: AsyncXmemoryClient, old_data_dir: Path
) -> None:
    inst = sdk.instance(INSTANCE)
    answer = await inst.read("What is Ann Lee's email?")
    assert answer.reader_result == {"answer": "ann.lee@acme.example"}
    assert answer.basis == "records"
    [email] = [e for e in answer.evidence or [] if e.get("field") == "email"]
    assert email["value"] == "ann.lee@acme.example" and email["name"] == "Ann Lee"
    assert "ann.lee@acme.example" in email["said"] and email["write_id"] is None
    tables = await inst.read(
        "List all projects",
        read_mode="raw-tables",
        sql="SELECT name, status, due_date FROM project",
    )
    assert tables.reader_result == {
        "columns": ["name", "status", "due_date"],
        "rows": [["Atlas", "active", "2026-03-01"]],
    }
    assert rows(old_data_dir, "PRAGMA user_version") == [(CURRENT_VERSION,)]
    people = rows(old_data_dir, "SELECT name, email, phone FROM person ORDER BY name")
    # The name index covers the old records: each person is found by each word of its name.
    for (name,) in rows(old_data_dir, "SELECT name FROM person"):
        for word in str(name).lower().split():
            found = rows(
                old_data_dir,
                "SELECT p.name FROM _xm_term t JOIN person p ON p.xuid = t.xuid "
                f"WHERE t.tbl = 'person' AND t.term IN ('{word}', '={word}')",
            )
            assert (name,) in found
    assert ("Ann Lee", "ann.lee@acme.example", None) in people
    assert any(name == "Bob Stone" and phone == "555-0100" for name, _, phone in people)
    # Every stored record and link got one episode of its own, and current facts.
    counted = rows(
        old_data_dir,
        "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM organization) + "
        "(SELECT count(*) FROM project) + (SELECT count(*) FROM preference) + "
        "(SELECT count(*) FROM works_at) + (SELECT count(*) FROM works_on)",
    )
    assert rows(old_data_dir, "SELECT count(*) FROM _xm_episode WHERE kind = 'migrated'") == counted
    unsourced = rows(
        old_data_dir,
        "SELECT count(*) FROM person p WHERE NOT EXISTS "
        "(SELECT 1 FROM _xm_fact f WHERE f.xuid = p.xuid AND f.retired_at IS NULL)",
    )
    assert unsourced == [(0,)]


async def test_a_migrated_value_corrected_later_is_its_history(
    sdk: AsyncXmemoryClient, old_data_dir: Path
) -> None:
    inst = sdk.instance(INSTANCE)
    await inst.write(
        structured_mutations=[
            ObjectMutation.update("person", {"name": "Ann Lee"}, {"email": "ann@lee.example"})
        ],
        source_text="Ann Lee changed her email to ann@lee.example.",
    )
    answer = await inst.read("What is Ann Lee's email?")
    assert answer.reader_result == {"answer": "ann@lee.example"}
    [email] = [e for e in answer.evidence or [] if e.get("field") == "email"]
    assert email["said"] == "Ann Lee changed her email to ann@lee.example."
    [before] = email["history"]
    assert before["value"] == "ann.lee@acme.example" and before["replaced_by"] is not None


async def test_the_migration_runs_once(old_data_dir: Path) -> None:
    for _ in range(2):
        async with open_engine(EngineSettings(data_dir=old_data_dir)):
            pass
    migrated = rows(old_data_dir, "SELECT count(*) FROM _xm_episode WHERE kind = 'migrated'")
    people = rows(old_data_dir, "SELECT count(*) FROM person")
    assert migrated[0][0] > people[0][0] > 0
    assert rows(old_data_dir, "SELECT count(*) FROM _xm_fact WHERE field = '' ") == migrated


async def test_a_version_2_file_keeps_its_passages_and_history(tmp_path: Path) -> None:
    """A file at version 2 (passages with their own copy of the text, one fact row per value)
    opens at the current version: the same sentences are found, old facts read as they were,
    and a correction of an old value keeps it as history."""
    schema = parse_schema(CONTACTS_YML)
    path = tmp_path / "v2.sqlite"
    conn = instance_file_at(path, schema, 2)
    try:
        said = "2026-01-01T00:00:00.000000+00:00"
        conn.execute(
            "INSERT INTO company (xuid, name, city, created_at, updated_at) "
            "VALUES ('x1', 'Acme Corp', 'Oslo', ?, ?)",
            (said, said),
        )
        draft = EpisodeDraft("w1", "text", "Acme Corp is in Oslo. It makes tools.")
        episode = insert_episode(conn, draft, now=said, layout=2)
        conn.executemany(
            "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at) "
            "VALUES ('x1', 'company', ?, ?, ?, ?)",
            [
                ("", None, episode, said),
                ("name", '"Acme Corp"', episode, said),
                ("city", '"Oslo"', episode, said),
            ],
        )
    finally:
        conn.close()

    data = SqliteInstanceData(path, schema)
    try:
        assert rows_of(path, "PRAGMA user_version") == [(CURRENT_VERSION,)]
        spec = schema.objects["company"]

        def look(tables: Tables) -> Any:
            return (
                [(p.text, p.episode_id) for p in tables.search_passages("tools", 5)],
                [p.text for p in tables.search_passages("oslo", 5)],
                [
                    (f.field, f.value, f.recorded_at)
                    for f in tables.facts(["x1"], current_only=True)
                ],
                [r["xuid"] for r in tables.find_by_term(spec, "acme", 5)],
            )

        tools, oslo, current, named = await data.read(schema, look)
        assert tools == [("It makes tools.", episode)]
        assert oslo == ["Acme Corp is in Oslo."]
        assert sorted(current) == [
            ("", None, said),
            ("city", "Oslo", said),
            ("name", "Acme Corp", said),
        ]
        assert named == ["x1"]

        def move(tables: Tables) -> dict[str, Any]:
            tables.update(spec, "x1", {"city": "Bergen"})
            return {"changes": None}

        await data.apply("w2", schema, move, EpisodeDraft("w2", "text", "Acme moved to Bergen."))
        history = await data.read(
            schema,
            lambda t: [
                (f.value, f.retired_at is None)
                for f in t.facts(["x1"], current_only=False)
                if f.field == "city"
            ],
        )
        assert history == [("Oslo", False), ("Bergen", True)]
    finally:
        data.close()


def rows_of(path: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


async def test_the_old_catalog_keeps_its_statuses_without_request_bodies(
    old_data_dir: Path,
) -> None:
    catalog = old_data_dir / "catalog.sqlite"
    before = catalog_rows(catalog, "SELECT id, status, length(payload) > 2 FROM write_jobs")
    assert before and all(has_body for _, _, has_body in before)
    async with open_engine(EngineSettings(data_dir=old_data_dir)) as engine:
        transport = httpx.ASGITransport(app=engine.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://engine") as http:
            for write_id, status, _ in before:
                answer = await http.post(
                    f"/instances/{INSTANCE}/write_status", json={"write_id": write_id}
                )
                assert answer.json()["items"][0]["write_status"] == status
    after = catalog_rows(catalog, "SELECT id, status, payload FROM write_jobs")
    assert sorted(after) == sorted((i, s, "") for i, s, _ in before)


def catalog_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()
