"""Writes: structured mutations, merging extracted text, the queue's order and its failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from engine_testkit import (
    ScriptedAnswerer,
    ScriptedDesigner,
    ScriptedExtractor,
    envelope_error,
    item,
    obj_create,
    obj_delete,
    obj_update,
    queue_order,
    rel_create,
    snapshot,
    stored_rows,
)

from xmemory_engine.embedded import Engine
from xmemory_engine.minds.base import Extraction, ExtractionRequest, Mind
from xmemory_engine.store.base import JobRow

pytestmark = pytest.mark.anyio


async def write(client: httpx.AsyncClient, iid: str, *mutations: Any) -> dict[str, Any]:
    return item(
        await client.post(f"/instances/{iid}/write", json={"structured_mutations": list(mutations)})
    )


async def write_text(client: httpx.AsyncClient, iid: str, text: str) -> dict[str, Any]:
    return item(await client.post(f"/instances/{iid}/write", json={"text": text}))


def rows(engine: Engine, iid: str, table: str) -> list[dict[str, Any]]:
    return stored_rows(engine, iid, table)


def instance_files(engine: Engine) -> dict[str, Any]:
    return {k: v for k, v in snapshot(engine.settings.data_dir).items() if "catalog" not in k}


async def wait_done(client: httpx.AsyncClient, iid: str, write_id: str) -> dict[str, Any]:
    with anyio.fail_after(10):
        while True:
            status = item(
                await client.post(f"/instances/{iid}/write_status", json={"write_id": write_id})
            )
            if status["write_status"] in ("completed", "failed"):
                return status
            await anyio.sleep(0.01)


# -- structured mutations ----------------------------------------------------------------------


async def test_create_update_clear_delete(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    created = await write(
        client,
        contacts,
        obj_create("contact", {"email": "a@x.io"}, {"name": "Ann", "age": 40, "active": "yes"}),
    )
    entry = created["changes"]["created"][0]
    assert entry["object_type"] == "contact" and entry["key"] == {"email": "a@x.io"}
    assert entry["values"] == {"name": "Ann", "email": "a@x.io", "age": 40, "active": True}
    stored = rows(engine, contacts, "contact")[0]
    assert stored["active"] == 1 and stored["age"] == 40 and stored["xuid"] == entry["xuid"]

    updated = await write(
        client, contacts, obj_update("contact", {"email": "a@x.io"}, {"age": 41, "stage": None})
    )
    assert updated["changes"]["updated"][0]["before"] == {"age": 40}
    assert updated["changes"]["updated"][0]["after"] == {"age": 41}
    assert updated["diff_plan"][0]["operation"] == "update"

    cleared = await write(
        client, contacts, obj_update("contact", {"xuid": entry["xuid"]}, {"age": None})
    )
    assert cleared["changes"]["updated"][0]["after"] == {"age": None}
    assert rows(engine, contacts, "contact")[0]["age"] is None

    same = await write(
        client, contacts, obj_update("contact", {"email": "a@x.io"}, {"name": "Ann"})
    )
    assert same["changes"]["counts"] == {"created": 0, "updated": 0, "deleted": 0}
    assert same["diff_plan"][0]["operation"] == "unchanged"

    deleted = await write(client, contacts, obj_delete("contact", {"email": "a@x.io"}))
    assert deleted["changes"]["deleted"][0]["values"]["name"] == "Ann"
    assert rows(engine, contacts, "contact") == []


async def test_relations_create_update_delete_and_cascade(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await write(
        client,
        contacts,
        obj_create("contact", {"email": "a@x.io"}, {"name": "Ann"}),
        obj_create("company", {"name": "Acme"}),
        obj_create("company", {"name": "Initech"}),
        rel_create(
            "works_at", {"employee": {"email": "a@x.io"}, "employer": {"name": "Acme"}}, since=2020
        ),
        # an endpoint named by its object type works when only one role has that type
        rel_create("works_at", {"contact": {"email": "a@x.io"}, "company": {"name": "Initech"}}),
    )
    links = rows(engine, contacts, "works_at")
    assert len(links) == 2 and links[0]["since"] == 2020
    ends = [
        {"object_name": "employee", "key": {"email": "a@x.io"}},
        {"object_name": "employer", "key": {"name": "Acme"}},
    ]
    result = await write(
        client,
        contacts,
        {
            "relation_mutation": {
                "relation_type": "works_at",
                "update": {"endpoints": ends, "values": {"since": 2021}},
            }
        },
    )
    assert result["changes"]["updated"][0]["after"] == {"since": 2021}
    refused = await client.post(
        f"/instances/{contacts}/write",
        json={
            "structured_mutations": [
                {
                    "relation_mutation": {
                        "relation_type": "works_at",
                        "delete": {"endpoints": ends[:1]},
                    }
                }
            ]
        },
    )
    assert refused.status_code == 422 and "allow_bulk_delete" in envelope_error(refused)["message"]
    gone = await write(
        client,
        contacts,
        {
            "relation_mutation": {
                "relation_type": "works_at",
                "delete": {"key": {"xuid": links[1]["xuid"]}},
            }
        },
    )
    assert gone["changes"]["deleted"][0]["kind"] == "relation"
    cascade = await write(client, contacts, obj_delete("contact", {"email": "a@x.io"}))
    kinds = [d["kind"] for d in cascade["changes"]["deleted"]]
    assert kinds == ["relation", "object"]
    assert rows(engine, contacts, "works_at") == []


@pytest.mark.parametrize(
    ("mutation", "field", "words"),
    [
        (
            obj_create("person", {"email": "a"}),
            "structured_mutations[0].object_mutation.object_type",
            "unknown object type",
        ),
        (
            obj_create("contact", {"email": "a"}, {"name": "A", "nick": "x"}),
            "structured_mutations[0].object_mutation.create.values.nick",
            "unknown field",
        ),
        (
            obj_create("contact", {"email": "a"}, {"name": "A", "age": "old"}),
            "structured_mutations[0].object_mutation.create.values.age",
            "integer",
        ),
        (
            obj_create("contact", {"email": "a"}, {"name": "A", "stage": "vip"}),
            "structured_mutations[0].object_mutation.create.values.stage",
            "allowed values",
        ),
        (
            obj_create("contact", {"email": "a"}, {"age": 3}),
            "structured_mutations[0].object_mutation.create.values.name",
            "required",
        ),
        (
            obj_create("contact", {}, {"name": "A"}),
            "structured_mutations[0].object_mutation.create.key",
            "primary key",
        ),
        (
            obj_update("contact", {"name": "A"}, {"age": 1}),
            "structured_mutations[0].object_mutation.update.key",
            "primary-key",
        ),
        (
            obj_update("contact", {"email": "a"}, {"name": None}),
            "structured_mutations[0].object_mutation.update.values.name",
            "cannot be cleared",
        ),
        (
            obj_update("memo", {"content": "x"}, {"content": "y"}),
            "structured_mutations[0].object_mutation.update.key",
            "xuid",
        ),
        (
            rel_create("knows", {"a": {"email": "a"}}),
            "structured_mutations[0].relation_mutation.relation_type",
            "unknown relation type",
        ),
        (
            rel_create("works_at", {"boss": {"email": "a"}, "employer": {"name": "A"}}),
            "structured_mutations[0].relation_mutation.create.endpoints[0].object_name",
            "not a role",
        ),
        (
            rel_create("works_at", {"employee": {"email": "a"}}),
            "structured_mutations[0].relation_mutation.create.endpoints",
            "missing",
        ),
        (
            rel_create(
                "works_at", {"employee": {"email": "a"}, "employer": {"name": "A"}}, since="soon"
            ),
            "structured_mutations[0].relation_mutation.create.values.since",
            "integer",
        ),
    ],
)
async def test_mutations_that_do_not_fit_the_schema_are_422_and_never_queued(
    engine: Engine, client: httpx.AsyncClient, contacts: str, mutation: Any, field: str, words: str
) -> None:
    before = snapshot(engine.settings.data_dir)
    for endpoint in ("write", "write_async"):
        response = await client.post(
            f"/instances/{contacts}/{endpoint}", json={"structured_mutations": [mutation]}
        )
        assert response.status_code == 422, response.text
        error = envelope_error(response)
        assert error["code"] == "unprocessable" and error["field"] == field
        assert words in error["message"]
    assert snapshot(engine.settings.data_dir) == before


@pytest.mark.parametrize(
    ("mutation", "field"),
    [
        ("create contact", "structured_mutations[0]"),
        (
            {"object_mutation": {"object_type": "contact"}},
            "structured_mutations[0].object_mutation",
        ),
        (
            {"object_mutation": {"object_type": "contact", "create": {}, "delete": {}}},
            "structured_mutations[0].object_mutation",
        ),
        (
            {"object_mutation": {"create": {"key": {}}}},
            "structured_mutations[0].object_mutation.object_type",
        ),
        (
            {"object_mutation": {"object_type": "contact", "create": {"key": [1]}}},
            "structured_mutations[0].object_mutation.create.key",
        ),
        ({"object_mutation": 1, "relation_mutation": 2}, "structured_mutations[0]"),
    ],
)
async def test_malformed_mutations_are_400(
    engine: Engine, client: httpx.AsyncClient, contacts: str, mutation: Any, field: str
) -> None:
    before = snapshot(engine.settings.data_dir)
    response = await client.post(
        f"/instances/{contacts}/write", json={"structured_mutations": [mutation]}
    )
    assert response.status_code == 400, response.text
    assert envelope_error(response)["field"] == field
    assert snapshot(engine.settings.data_dir) == before


async def test_a_failing_mutation_rolls_back_the_whole_write(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, obj_create("contact", {"email": "a@x.io"}, {"name": "Ann"}))
    before = instance_files(engine)
    response = await client.post(
        f"/instances/{contacts}/write",
        json={
            "structured_mutations": [
                obj_create("company", {"name": "Acme"}),
                obj_update("contact", {"email": "a@x.io"}, {"age": 5}),
                obj_create("contact", {"email": "a@x.io"}, {"name": "Dup"}),
            ]
        },
    )
    assert response.status_code == 409
    error = envelope_error(response)
    assert error["code"] == "conflict" and "already exists" in error["message"]
    assert error["resource_id"] == rows(engine, contacts, "contact")[0]["xuid"]
    assert instance_files(engine) == before

    missing = await client.post(
        f"/instances/{contacts}/write",
        json={"structured_mutations": [obj_update("contact", {"email": "zz@x.io"}, {"age": 1})]},
    )
    assert missing.status_code == 422
    assert "no stored contact" in envelope_error(missing)["message"]
    assert instance_files(engine) == before


async def test_a_failed_async_write_reports_why_and_changed_nothing(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, obj_create("company", {"name": "Acme"}))
    before = instance_files(engine)
    ack = item(
        await client.post(
            f"/instances/{contacts}/write_async",
            json={
                "structured_mutations": [
                    obj_create("memo", {}, {"content": "m"}),
                    obj_create("company", {"name": "Acme"}),
                ]
            },
        )
    )
    status = await wait_done(client, contacts, ack["write_id"])
    assert status["write_status"] == "failed"
    assert "already exists" in status["error_detail"]
    assert status["error"]["code"] == "conflict"
    assert instance_files(engine) == before


async def test_write_status_of_unknown_ids_is_not_found(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    response = await client.post(f"/instances/{contacts}/write_status", json={"write_id": "nope"})
    status = item(response)
    assert status["write_status"] == "not_found" and status["write_id"] == "nope"
    ack = item(
        await client.post(
            f"/instances/{contacts}/write_async",
            json={"structured_mutations": [obj_create("company", {"name": "A"})]},
        )
    )
    await wait_done(client, contacts, ack["write_id"])
    other = item(
        await client.post(
            f"/instances/{engine.default_instance_id}/write_status",
            json={"write_id": ack["write_id"]},
        )
    )
    assert other["write_status"] == "not_found"


async def test_write_async_walks_queued_processing_completed(
    tmp_path: Path,
) -> None:
    from engine_testkit import asgi_client, running_engine

    async with (
        running_engine(tmp_path / "d", apply_delay=0.3) as engine,
        asgi_client(engine) as client,
    ):
        iid = engine.default_instance_id
        ack = item(
            await client.post(
                f"/instances/{iid}/write_async",
                json={"structured_mutations": [obj_create("organization", {"name": "Acme"})]},
            )
        )
        assert ack["write_status"] == "queued" and len(ack["trace_id"]) == 32
        seen = []
        with anyio.fail_after(10):
            while not seen or seen[-1] != "completed":
                status = item(
                    await client.post(
                        f"/instances/{iid}/write_status", json={"write_id": ack["write_id"]}
                    )
                )
                if not seen or seen[-1] != status["write_status"]:
                    seen.append(status["write_status"])
                await anyio.sleep(0.02)
        assert seen[-2:] == ["processing", "completed"]
        assert status["changes"]["created"][0]["key"] == {"name": "Acme"}
        assert status["completed_at"]


# -- merging extracted text --------------------------------------------------------------------


async def test_text_merges_by_primary_key_and_by_name(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    iid = engine.default_instance_id
    first = await write_text(client, iid, "person: name=Alice Johnson; email=alice@acme.com")
    assert first["changes"]["counts"]["created"] == 1
    again = await write_text(client, iid, "person: name=ALICE JOHNSON; company=Acme Corp")
    assert again["changes"]["counts"] == {"created": 0, "updated": 1, "deleted": 0}
    assert again["diff_plan"][0]["matched_by"] == "primary_key"
    spelled = await write_text(client, iid, "person: name=alice  johnson.; role=CTO")
    assert spelled["diff_plan"][0]["matched_by"] == "name"
    assert spelled["changes"]["updated"][0]["after"] == {"role": "CTO"}
    short = await write_text(client, iid, "person: name=Alice; phone=555-1234")
    assert short["changes"]["updated"][0]["after"] == {"phone": "555-1234"}
    assert short["diff_plan"][0]["matched_by"] == "name"
    people = rows(engine, iid, "person")
    assert len(people) == 1
    assert people[0]["name"] == "Alice Johnson" and people[0]["company"] == "Acme Corp"
    assert people[0]["email"] == "alice@acme.com"

    other = await write_text(client, iid, "person: name=Alice Smith")
    assert other["changes"]["counts"]["created"] == 1
    ambiguous = await write_text(client, iid, "person: name=Alice; notes=which one?")
    assert ambiguous["diff_plan"][0]["operation"] in ("create", "skip", "update")
    assert len([p for p in rows(engine, iid, "person") if p["name"].startswith("Alice ")]) == 2


async def test_text_links_relations_once_and_skips_what_does_not_fit(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    iid = engine.default_instance_id
    text = (
        "person: name=Bob Lee; role=designer\n"
        "organization: name=Globex\n"
        "~works_at: employee=0; employer=1\n"
        "spaceship: name=Enterprise\n"
        "task: status=open"
    )
    result = await write_text(client, iid, text)
    ops = [step["operation"] for step in result["diff_plan"]]
    assert ops == ["create", "create", "skip", "skip", "create"]
    assert "missing required" in result["diff_plan"][3]["reason"]
    assert len(result["cleaned_objects"]["relations"]) == 1
    again = await write_text(client, iid, text)
    assert again["changes"]["counts"] == {"created": 0, "updated": 0, "deleted": 0}
    assert len(rows(engine, iid, "works_at")) == 1


async def test_a_relation_whose_end_is_of_another_type_is_skipped_and_the_write_lands(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    # A mind that types an employer as a person points `employer` at a person: the link
    # table's foreign key would refuse the row and fail the whole write.
    iid = engine.default_instance_id
    text = (
        "person: name=Ashby Reeve LLP\n"
        "person: name=Olufemi Bankole\n"
        "~works_at: employee=1; employer=0\n"
        "organization: name=Globex\n"
        "~works_at: employee=1; employer=3"
    )
    result = await write_text(client, iid, text)
    steps = result["diff_plan"]
    assert [s["operation"] for s in steps] == ["create", "create", "create", "skip", "create"]
    assert steps[3]["reason"] == "the employer end is not of the type the relation names"
    assert sorted(p["name"] for p in rows(engine, iid, "person")) == [
        "Ashby Reeve LLP",
        "Olufemi Bankole",
    ]
    (link,) = rows(engine, iid, "works_at")
    globex = rows(engine, iid, "organization")[0]
    assert link["employer_xuid"] == globex["xuid"]


async def test_failed_extraction_fails_the_write_with_502(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    before = instance_files(engine)
    response = await client.post(
        f"/instances/{engine.default_instance_id}/write", json={"text": "boom: now"}
    )
    assert response.status_code == 502
    assert envelope_error(response)["code"] == "mind_failed"
    assert instance_files(engine) == before


# -- ordering ----------------------------------------------------------------------------------


async def test_concurrent_writes_apply_in_queue_order(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, obj_create("contact", {"email": "a@x.io"}, {"name": "v-1"}))
    acks: list[str] = []

    async def send(i: int) -> None:
        ack = item(
            await client.post(
                f"/instances/{contacts}/write_async",
                json={
                    "structured_mutations": [
                        obj_update("contact", {"email": "a@x.io"}, {"name": f"v{i}"})
                    ]
                },
            )
        )
        acks.append(ack["write_id"])

    async with anyio.create_task_group() as tg:
        for i in range(40):
            tg.start_soon(send, i)
    statuses = {w: await wait_done(client, contacts, w) for w in acks}
    order = queue_order(engine, acks)
    assert sorted(order) == sorted(acks)
    previous = "v-1"
    for write_id in order:
        status = statuses[write_id]
        assert status["write_status"] == "completed"
        update = status["changes"]["updated"][0]
        assert update["before"] == {"name": previous}  # each saw exactly the one before it
        previous = update["after"]["name"]
    completed = [statuses[w]["completed_at"] for w in order]
    assert completed == sorted(completed)
    assert rows(engine, contacts, "contact")[0]["name"] == previous


class LastFirstExtractor(ScriptedExtractor):
    """Finishes each text only once the text queued after it has finished, so extraction
    ends in the reverse of the queue order without any timing: the writes must be extracted
    side by side (the engine's default concurrency is 4), or the first waits for ever."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.finished: list[str] = []
        self._done = [anyio.Event() for _ in range(count)]

    async def extract(self, request: ExtractionRequest) -> Extraction:
        order = int(request.text.splitlines()[0].rsplit("=", 1)[-1])
        if order + 1 < len(self._done):
            with anyio.fail_after(30):  # a clear failure, not a hang, if run one at a time
                await self._done[order + 1].wait()
        self.finished.append(request.text)
        self._done[order].set()
        return await super().extract(request)


async def test_extraction_runs_in_parallel_but_application_keeps_queue_order(
    tmp_path: Path,
) -> None:
    from engine_testkit import asgi_client, running_engine

    extractor = LastFirstExtractor(4)
    mind = Mind(extractor, ScriptedAnswerer(), ScriptedDesigner())
    async with running_engine(tmp_path / "d", mind=mind) as engine, asgi_client(engine) as client:
        iid = engine.default_instance_id
        acks = []
        for i in range(4):
            text = f"note: content=order={i}\npreference: topic=tea; value=v{i}"
            acks.append(
                item(await client.post(f"/instances/{iid}/write_async", json={"text": text}))[
                    "write_id"
                ]
            )
        done = [await wait_done(client, iid, w) for w in acks]
        assert [d["write_status"] for d in done] == ["completed"] * 4
        assert [t.split("\n")[0] for t in extractor.finished] == [
            "note: content=order=3",
            "note: content=order=2",
            "note: content=order=1",
            "note: content=order=0",
        ]
        stamps = [d["completed_at"] for d in done]
        assert stamps == sorted(stamps)
        assert rows(engine, iid, "preference")[0]["value"] == "v3"


async def test_a_row_queued_without_its_mutations_gets_them_only_while_unfinished(
    engine: Engine,
) -> None:
    # What the MCP server's waited `write` leaves in the catalog (`WriteQueue.submit`), and
    # what `make_durable` does to it before the write is answered unfinished, on either store.
    catalog = engine.service.catalog
    mutations = [obj_create("contact", {"email": "ann@x.io"}, {"name": "Ann Lee"})]
    row = JobRow(
        id="waited-1",
        instance_id=engine.default_instance_id,
        status="queued",
        payload={"kind": "mutations"},
        owner=engine.service.queue.ownership.owner,
    )
    await catalog.insert_job(row, durable=False)
    stored = await catalog.get_job(row.id)
    assert stored is not None and stored.payload == {"kind": "mutations"}
    await catalog.make_durable(row.id, {"kind": "mutations", "mutations": mutations})
    stored = await catalog.get_job(row.id)
    assert stored is not None and stored.payload["mutations"] == mutations
    await catalog.make_durable(row.id)  # synced as it is
    # Once it has ended its request is dropped, and a late make_durable does not bring it back.
    await catalog.finish_job(row.id, "failed", error={"message": "test"})
    await catalog.make_durable(row.id, {"kind": "mutations", "mutations": mutations})
    stored = await catalog.get_job(row.id)
    assert stored is not None and stored.status == "failed" and stored.payload == {}
