"""The write path keeps what exactly-once and `write_status` need, and no more (issue 11).

- an applied write's marker (`_xm_applied`) goes once the catalog has its outcome, and a write
  id applied before is still never applied twice (its episode remembers it);
- a finished job drops its request body; each instance keeps its newest finished statuses and
  an older applied write is still answered (completed, without its change report);
- what `write_status` keeps of a write's changes is bounded;
- the name index finds records by their words and follows renames and deletes;
- disk per stored write is bounded (a byte count on the real files, not a timing).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_testkit import (
    CONTACTS_YML,
    asgi_client,
    create_body,
    envelope_error,
    item,
    obj_create,
    obj_delete,
    obj_update,
    rel_create,
    running_engine,
)

from xmemory import AsyncXmemoryClient, WriteQueueStatus
from xmemory_engine.schema import parse_schema
from xmemory_engine.service.changes import STATUS_CHANGES_BYTES, bounded_changes
from xmemory_engine.store import catalog as catalog_mod
from xmemory_engine.store.base import EpisodeDraft, Tables
from xmemory_engine.store.instance import SqliteInstanceData

pytestmark = pytest.mark.anyio

SCHEMA = parse_schema(CONTACTS_YML)
COMPANY = SCHEMA.objects["company"]


def rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def create_company(name: str) -> Any:
    def run(tables: Tables) -> dict[str, Any]:
        record = tables.insert(COMPANY, {"name": name})
        return {"changes": {"created": [record["xuid"]]}}

    return run


@pytest.fixture
def data(tmp_path: Path) -> Iterator[SqliteInstanceData]:
    store = SqliteInstanceData(tmp_path / "i.sqlite", SCHEMA)
    try:
        yield store
    finally:
        store.close()


async def test_a_marker_goes_once_recorded_and_the_write_still_applies_once(
    data: SqliteInstanceData, tmp_path: Path
) -> None:
    await data.ensure_schema(SCHEMA)
    draft = EpisodeDraft("w1", "mutations", "Acme (company).")
    first, applied = await data.apply("w1", SCHEMA, create_company("Acme"), draft)
    assert applied and first["episode_id"] > 0
    assert rows(tmp_path / "i.sqlite", "SELECT write_id FROM _xm_applied") == [("w1",)]
    # The catalog has recorded w1: the next write deletes its marker in its own transaction.
    data.mark_recorded("w1")
    await data.apply("w2", SCHEMA, create_company("Beta"), EpisodeDraft("w2", "text", "Beta."))
    assert rows(tmp_path / "i.sqlite", "SELECT write_id FROM _xm_applied") == [("w2",)]
    # w1 retried (its job resumed after a crash): not applied again, and it says so.
    again, applied = await data.apply("w1", SCHEMA, create_company("Acme"), draft)
    assert not applied
    assert again == {"episode_id": first["episode_id"], "changes": None}
    names = rows(tmp_path / "i.sqlite", "SELECT name FROM company ORDER BY name")
    assert names == [("Acme",), ("Beta",)]
    assert await data.applied_at("w1") is not None and await data.applied_at("nope") is None


async def test_a_write_retried_before_its_marker_goes_gets_its_kept_changes(
    data: SqliteInstanceData,
) -> None:
    await data.ensure_schema(SCHEMA)
    draft = EpisodeDraft("w1", "text", "Acme.")
    done, _ = await data.apply("w1", SCHEMA, create_company("Acme"), draft)
    again, applied = await data.apply("w1", SCHEMA, create_company("Acme"), draft)
    assert not applied and again["changes"] == done["changes"]


async def test_markers_do_not_accumulate_and_bodies_are_dropped(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        iid = item(
            await http.post(f"/clusters/{engine.default_cluster_id}/instances", json=create_body())
        )["id"]
        for i in range(12):
            body = {"structured_mutations": [obj_create("company", {"name": f"c{i}"})]}
            item(await http.post(f"/instances/{iid}/write", json=body))
        instance = tmp_path / "d" / "instances" / f"{iid}.sqlite"
        catalog = tmp_path / "d" / "catalog.sqlite"
        # Only the newest write's marker is left (the next write, or the next start, takes it).
        assert rows(instance, "SELECT count(*) FROM _xm_applied") == [(1,)]
        jobs = rows(
            catalog, "SELECT status, payload, result FROM write_jobs WHERE instance_id = ?", iid
        )
        assert len(jobs) == 12
        assert {(status, payload) for status, payload, _ in jobs} == {("completed", "")}
        assert all(set(json.loads(result)) == {"changes"} for _, _, result in jobs)


async def test_old_statuses_are_pruned_and_still_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_mod, "STATUS_RETENTION", 3)
    monkeypatch.setattr(catalog_mod.SqliteCatalog, "PRUNE_EVERY", 1)
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        iid = item(
            await http.post(f"/clusters/{engine.default_cluster_id}/instances", json=create_body())
        )["id"]
        ids = []
        for i in range(8):
            body = {"structured_mutations": [obj_create("company", {"name": f"c{i}"})]}
            ids.append(item(await http.post(f"/instances/{iid}/write", json=body))["write_id"])
        failed = await http.post(
            f"/instances/{iid}/write",
            json={
                "structured_mutations": [obj_update("company", {"name": "nobody"}, {"city": "x"})]
            },
        )
        assert failed.status_code == 422
        for i in range(8, 12):
            body = {"structured_mutations": [obj_create("company", {"name": f"c{i}"})]}
            ids.append(item(await http.post(f"/instances/{iid}/write", json=body))["write_id"])
        kept = rows(tmp_path / "d" / "catalog.sqlite", "SELECT id FROM write_jobs")
        assert {k for (k,) in kept} == set(ids[-3:])

        async def status(write_id: str) -> dict[str, Any]:
            response = await http.post(
                f"/instances/{iid}/write_status", json={"write_id": write_id}
            )
            return item(response)

        newest = await status(ids[-1])
        assert newest["write_status"] == "completed"
        assert newest["changes"]["counts"]["created"] == 1
        oldest = await status(ids[0])
        assert oldest["write_status"] == "completed" and oldest["changes"] is None
        assert oldest["completed_at"] and "newest 3 writes" in oldest["detail"]
        unknown = await status("0" * 32)
        assert unknown["write_status"] == "not_found" and "newest 3" in unknown["error_detail"]

        # The SDK reads a pruned status as a finished write.
        sdk_http = asgi_client(engine)
        async with AsyncXmemoryClient(
            url="http://engine", token="t", http_client=sdk_http
        ) as client:
            result = await client.instance(iid).write_status(ids[0])
        assert result.write_status is WriteQueueStatus.COMPLETED and result.changes is None


async def test_a_large_batch_keeps_a_bounded_status(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        iid = item(
            await http.post(f"/clusters/{engine.default_cluster_id}/instances", json=create_body())
        )["id"]
        batch = [obj_create("company", {"name": f"c{i}"}, {"city": "x" * 300}) for i in range(400)]
        done = item(
            await http.post(f"/instances/{iid}/write", json={"structured_mutations": batch})
        )
        assert done["changes"]["counts"]["created"] == 400
        assert len(done["changes"]["created"]) == 400  # the reply itself is not shortened
        status = item(
            await http.post(f"/instances/{iid}/write_status", json={"write_id": done["write_id"]})
        )
    changes = status["changes"]
    assert changes["counts"] == {"created": 400, "updated": 0, "deleted": 0}
    assert changes["truncated"] is True and 0 < len(changes["created"]) < 400
    assert len(json.dumps(changes)) <= STATUS_CHANGES_BYTES
    assert changes["created"][0]["values"]["city"].endswith("…")


def test_bounded_changes_leave_small_ones_alone() -> None:
    small = {"created": [{"key": {"name": "a"}}], "updated": [], "deleted": [], "counts": {}}
    assert bounded_changes(small) is small
    assert bounded_changes(None) is None


async def test_a_batch_applies_like_one_by_one(tmp_path: Path) -> None:
    """A batch of creates and upserts by distinct keys takes the batch path; the outcome and
    the errors are those of applying them in order."""
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        iid = item(
            await http.post(f"/clusters/{engine.default_cluster_id}/instances", json=create_body())
        )["id"]
        first = [obj_create("company", {"name": f"c{i}"}, {"city": "a"}) for i in range(5)]
        item(await http.post(f"/instances/{iid}/write", json={"structured_mutations": first}))
        upserts = [
            {
                "object_mutation": {
                    "object_type": "company",
                    "upsert": {"key": {"name": f"c{i}"}, "values": {"city": "b"}},
                }
            }
            for i in range(3, 8)
        ]
        done = item(
            await http.post(f"/instances/{iid}/write", json={"structured_mutations": upserts})
        )
        assert done["changes"]["counts"] == {"created": 3, "updated": 2, "deleted": 0}
        plan = [(p["operation"], p["key"]["name"]) for p in done["diff_plan"]]
        assert plan == [("update", "c3"), ("update", "c4")] + [
            ("create", f"c{i}") for i in range(5, 8)
        ]
        clash = [obj_create("company", {"name": f"n{i}"}) for i in range(3)]
        clash.append(obj_create("company", {"name": "c1"}))
        refused = await http.post(f"/instances/{iid}/write", json={"structured_mutations": clash})
        assert refused.status_code == 409
        assert envelope_error(refused)["field"] == "structured_mutations[3].object_mutation"
    path = tmp_path / "d" / "instances" / f"{iid}.sqlite"
    cities = rows(path, "SELECT name, city FROM company ORDER BY name")
    assert cities == [(f"c{i}", "a" if i < 3 else "b") for i in range(8)]


async def test_the_name_index_follows_renames_and_deletes(
    engine: Any, client: httpx.AsyncClient, contacts: str
) -> None:
    async def write(mutations: list[Any]) -> None:
        item(
            await client.post(
                f"/instances/{contacts}/write", json={"structured_mutations": mutations}
            )
        )

    await write([obj_create("company", {"name": "Hollow Pine Studio"})])
    await write([obj_update("company", {"name": "Hollow Pine Studio"}, {"name": "Berg & Co."})])
    path = engine.settings.data_dir / "instances" / f"{contacts}.sqlite"
    terms = {t for (t,) in rows(path, "SELECT term FROM _xm_term WHERE tbl = 'company'")}
    # company's naming field is its key `name`: its words and its whole name, normalised.
    assert terms == {"berg", "co", "=berg co"}
    live = await engine.service.registry.get(contacts)
    spec = live.schema.objects["company"]
    found = await live.data.read(live.schema, lambda t: t.find_by_term(spec, "berg", 5))
    assert [r["name"] for r in found] == ["Berg & Co."]
    whole = await live.data.read(live.schema, lambda t: t.find_by_term(spec, "berg", 5, whole=True))
    assert whole == []
    await write([obj_delete("company", {"name": "Berg & Co."})])
    assert rows(path, "SELECT count(*) FROM _xm_term") == [(0,)]


async def test_a_text_that_grows_is_stored_as_what_was_added(
    engine: Any, client: httpx.AsyncClient, contacts: str
) -> None:
    """Notes that grow sentence by sentence (a record written to many times) cost what was
    said, not a copy of the whole text per write; history reads whole values."""
    path = engine.settings.data_dir / "instances" / f"{contacts}.sqlite"
    await _mutate(client, contacts, [obj_create("memo", {"content": "start " + "x" * 300})])
    [(xuid,)] = rows(path, "SELECT xuid FROM memo")
    text = "start " + "x" * 300
    for i in range(40):
        text += f" Sentence number {i} about the same thing, said again."
        await _mutate(client, contacts, [obj_update("memo", {"xuid": xuid}, {"content": text})])
    [(stored,)] = rows(path, "SELECT sum(length(value)) FROM _xm_fact")
    assert stored < 2 * len(text) + 40 * 30  # 40 whole copies would be over 40 * 306
    live = await engine.service.registry.get(contacts)
    every = await live.data.read(live.schema, lambda t: t.facts([xuid], current_only=False))
    contents = [f.value for f in every if f.field == "content"]
    assert len(contents) == 41 and contents[-1] == text
    assert all(b.startswith(a) and len(b) > len(a) for a, b in itertools.pairwise(contents))
    current = await live.data.read(live.schema, lambda t: t.facts([xuid], current_only=True))
    assert [f.value for f in current if f.field == "content"] == [text]
    # A shorter value replaces it whole.
    await _mutate(client, contacts, [obj_update("memo", {"xuid": xuid}, {"content": "reset"})])
    current = await live.data.read(live.schema, lambda t: t.facts([xuid], current_only=True))
    assert [f.value for f in current if f.field == "content"] == ["reset"]


async def _mutate(client: httpx.AsyncClient, iid: str, mutations: list[Any]) -> None:
    body = {"structured_mutations": mutations}
    item(await client.post(f"/instances/{iid}/write", json=body))


def _data_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in data_dir.rglob("*.sqlite*") if p.is_file())


async def test_disk_per_stored_write_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-sentence write that stores a person, links them to a known company and keeps the
    sentence: what the data directory grows by, per write, from 100 to 600 writes (the engine
    closed, so every WAL has been copied into its file). The catalog keeps 50 statuses here,
    as it keeps 1,000 in a store of 10,000 facts: a bounded part of it, not one per write."""
    monkeypatch.setattr(catalog_mod, "STATUS_RETENTION", 50)

    def body(i: int) -> dict[str, Any]:
        name, email, company = f"Person{i:05d} Quinlan", f"p{i}@hollow.example", f"Company {i % 8}"
        return {
            "structured_mutations": [
                {
                    "object_mutation": {
                        "object_type": "contact",
                        "upsert": {"key": {"email": email}, "values": {"name": name}},
                    }
                },
                {
                    "object_mutation": {
                        "object_type": "company",
                        "upsert": {"key": {"name": company}, "values": {}},
                    }
                },
                rel_create(
                    "works_at", {"employee": {"email": email}, "employer": {"name": company}}
                ),
            ],
            "source_text": f"{name} works at {company} and their email is {email}.",
        }

    sizes = []
    for start, stop in ((0, 100), (100, 600)):
        async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
            if start == 0:
                created = await http.post(
                    f"/clusters/{engine.default_cluster_id}/instances", json=create_body()
                )
                iid = item(created)["id"]
            for i in range(start, stop):
                item(await http.post(f"/instances/{iid}/write", json=body(i)))
        sizes.append(_data_bytes(tmp_path / "d"))
    per_write = (sizes[1] - sizes[0]) / 500
    assert per_write <= 2048, per_write
