"""Storage: the table layout on disk, catalog migrations, resuming and taking over jobs."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from engine_testkit import asgi_client, create_body, item, obj_create, running_engine

from xmemory_engine.service.writes import WriteQueue
from xmemory_engine.store.catalog import MIGRATIONS

pytestmark = pytest.mark.anyio


def columns(db: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    return [(r[1], r[2], r[5]) for r in db.execute(f'PRAGMA table_info("{table}")')]


def unique_indexes(db: sqlite3.Connection, table: str) -> list[list[str]]:
    found = []
    for row in db.execute(f'PRAGMA index_list("{table}")'):
        if row[2]:  # unique
            found.append([r[2] for r in db.execute(f'PRAGMA index_info("{row[1]}")')])
    return found


async def test_tables_follow_the_schema_layout(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        iid = item(
            await http.post(f"/clusters/{engine.default_cluster_id}/instances", json=create_body())
        )["id"]
    db = sqlite3.connect(tmp_path / "d" / "instances" / f"{iid}.sqlite")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert columns(db, "contact") == [
            ("xuid", "TEXT", 1),
            ("name", "TEXT", 0),
            ("email", "TEXT", 0),
            ("age", "INTEGER", 0),
            ("score", "REAL", 0),
            ("active", "INTEGER", 0),
            ("stage", "TEXT", 0),
            ("created_at", "TEXT", 0),
            ("updated_at", "TEXT", 0),
        ]
        assert ["email"] in unique_indexes(db, "contact")
        assert columns(db, "memo")[0] == ("xuid", "TEXT", 1)
        assert columns(db, "works_at") == [
            ("xuid", "TEXT", 1),
            ("employee_xuid", "TEXT", 0),
            ("employer_xuid", "TEXT", 0),
            ("since", "INTEGER", 0),
            ("created_at", "TEXT", 0),
            ("updated_at", "TEXT", 0),
        ]
        assert ["employee_xuid", "employer_xuid"] in unique_indexes(db, "works_at")
        fks = {(r[2], r[3], r[4]) for r in db.execute('PRAGMA foreign_key_list("works_at")')}
        assert fks == {("contact", "employee_xuid", "xuid"), ("company", "employer_xuid", "xuid")}
    finally:
        db.close()


async def test_catalog_migrations_are_recorded_once(tmp_path: Path) -> None:
    for _ in range(2):
        async with running_engine(tmp_path / "d"):
            pass
    db = sqlite3.connect(tmp_path / "d" / "catalog.sqlite")
    try:
        versions = [r[0] for r in db.execute("SELECT version FROM _xm_migrations")]
        assert versions == [m[0] for m in MIGRATIONS]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


async def test_defaults_are_created_once_and_kept(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d") as first:
        ids = (first.default_cluster_id, first.default_instance_id)
    async with running_engine(tmp_path / "d") as second:
        assert (second.default_cluster_id, second.default_instance_id) == ids


async def test_a_deleted_default_instance_is_recreated_at_next_start(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d") as first, asgi_client(first) as http:
        old = first.default_instance_id
        assert (await http.delete(f"/instances/{old}")).status_code == 200
    async with running_engine(tmp_path / "d") as second:
        assert second.default_instance_id != old
        assert (tmp_path / "d" / "instances" / f"{second.default_instance_id}.sqlite").exists()


async def test_old_orphan_files_are_removed_at_start(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d"):
        pass
    orphan = tmp_path / "d" / "instances" / "deadbeef.sqlite"
    sqlite3.connect(orphan).close()
    young = tmp_path / "d" / "instances" / "cafe.sqlite"
    sqlite3.connect(young).close()
    old = time.time() - 3600
    os.utime(orphan, (old, old))
    async with running_engine(tmp_path / "d"):
        assert not orphan.exists()
        assert young.exists()  # may belong to a create in progress in another process


async def test_a_queued_job_is_finished_after_a_restart(tmp_path: Path) -> None:
    async with (
        running_engine(tmp_path / "d", apply_delay=30) as engine,
        asgi_client(engine) as http,
    ):
        iid = engine.default_instance_id
        ack = item(
            await http.post(
                f"/instances/{iid}/write_async",
                json={"structured_mutations": [obj_create("organization", {"name": "Acme"})]},
            )
        )
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        with anyio.fail_after(10):
            while True:
                status = item(
                    await http.post(
                        f"/instances/{iid}/write_status", json={"write_id": ack["write_id"]}
                    )
                )
                if status["write_status"] == "completed":
                    break
                await anyio.sleep(0.02)
        assert status["changes"]["created"][0]["key"] == {"name": "Acme"}


async def test_a_job_applied_but_not_recorded_is_not_applied_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies after the instance commit and before the catalog's: at restart the
    job is recorded as completed with its original result, and nothing is applied again."""
    applied = anyio.Event()
    original = WriteQueue._finish

    async def die_before_recording(self: WriteQueue, *args: Any, **kwargs: Any) -> None:
        applied.set()
        await anyio.sleep_forever()

    monkeypatch.setattr(WriteQueue, "_finish", die_before_recording)
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        iid = engine.default_instance_id
        ack = item(
            await http.post(
                f"/instances/{iid}/write_async",
                json={"structured_mutations": [obj_create("organization", {"name": "Acme"})]},
            )
        )
        with anyio.fail_after(10):
            await applied.wait()
    monkeypatch.setattr(WriteQueue, "_finish", original)
    catalog = sqlite3.connect(tmp_path / "d" / "catalog.sqlite")
    assert catalog.execute("SELECT status FROM write_jobs").fetchone()[0] == "queued"
    catalog.close()

    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        with anyio.fail_after(10):
            while True:
                status = item(
                    await http.post(
                        f"/instances/{iid}/write_status", json={"write_id": ack["write_id"]}
                    )
                )
                if status["write_status"] in ("completed", "failed"):
                    break
                await anyio.sleep(0.02)
        # A second application would have failed: creating Acme again is a conflict.
        assert status["write_status"] == "completed", status
        assert status["changes"]["counts"]["created"] == 1
    db = sqlite3.connect(tmp_path / "d" / "instances" / f"{iid}.sqlite")
    assert db.execute("SELECT count(*) FROM organization").fetchone()[0] == 1
    db.close()
    async with running_engine(tmp_path / "d"):
        pass  # the next start forgets the marker of the finished job
    db = sqlite3.connect(tmp_path / "d" / "instances" / f"{iid}.sqlite")
    assert db.execute("SELECT count(*) FROM _xm_applied").fetchone()[0] == 0
    db.close()


async def test_another_engine_takes_over_the_jobs_of_one_that_stopped(tmp_path: Path) -> None:
    """Two engine processes on one data directory (two MCP clients): when one stops with
    queued jobs, the other finishes them without waiting for a restart."""
    async with running_engine(tmp_path / "d", sweep_interval=0.05) as survivor:
        async with (
            running_engine(tmp_path / "d", apply_delay=30) as doomed,
            asgi_client(doomed) as http,
        ):
            iid = doomed.default_instance_id
            acks = [
                item(
                    await http.post(
                        f"/instances/{iid}/write_async",
                        json={
                            "structured_mutations": [obj_create("organization", {"name": f"o{i}"})]
                        },
                    )
                )["write_id"]
                for i in range(3)
            ]
            await anyio.sleep(0.2)  # alive: the survivor must leave its jobs alone
            catalog = sqlite3.connect(tmp_path / "d" / "catalog.sqlite")
            assert {r[0] for r in catalog.execute("SELECT status FROM write_jobs")} == {"queued"}
            catalog.close()
        async with asgi_client(survivor) as http:
            with anyio.fail_after(10):
                for write_id in acks:
                    while True:
                        status = item(
                            await http.post(
                                f"/instances/{iid}/write_status", json={"write_id": write_id}
                            )
                        )
                        if status["write_status"] == "completed":
                            break
                        await anyio.sleep(0.02)
            stamps = []
            for write_id in acks:
                status = item(
                    await http.post(f"/instances/{iid}/write_status", json={"write_id": write_id})
                )
                stamps.append(status["completed_at"])
            assert stamps == sorted(stamps)


async def test_deleting_an_instance_with_queued_jobs_drops_them_cleanly(tmp_path: Path) -> None:
    async with (
        running_engine(tmp_path / "d", apply_delay=0.3) as engine,
        asgi_client(engine) as http,
    ):
        iid = item(
            await http.post(f"/clusters/{engine.default_cluster_id}/instances", json=create_body())
        )["id"]
        for i in range(3):
            await http.post(
                f"/instances/{iid}/write_async",
                json={"structured_mutations": [obj_create("company", {"name": f"c{i}"})]},
            )
        assert (await http.delete(f"/instances/{iid}")).status_code == 200
        gone = await http.post(f"/instances/{iid}/write_status", json={"write_id": "x"})
        assert gone.status_code == 404
        await anyio.sleep(1.2)  # the lane runs into the deleted instance, job by job
        assert not (tmp_path / "d" / "instances" / f"{iid}.sqlite").exists()
        result = item(
            await http.post(
                f"/instances/{engine.default_instance_id}/write",
                json={"structured_mutations": [obj_create("organization", {"name": "Still fine"})]},
            )
        )
        assert result["changes"]["counts"]["created"] == 1
    catalog = sqlite3.connect(tmp_path / "d" / "catalog.sqlite")
    assert (
        catalog.execute("SELECT count(*) FROM write_jobs WHERE instance_id = ?", (iid,)).fetchone()[
            0
        ]
        == 0
    )
    catalog.close()
