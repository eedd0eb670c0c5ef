"""`forget` through the engine's HTTP API on a real data directory: what goes (records, history,
sentences of episodes, full-text rows, the write log, every byte of it in every file), what
stays, and what is refused with nothing changed."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import anyio
import httpx
import pytest
from engine_testkit import (
    create_body,
    envelope_error,
    item,
    obj_create,
    obj_update,
    rel_create,
    snapshot,
)

from support.data_dir import files_holding
from xmemory_engine.embedded import Engine
from xmemory_engine.store.base import JobRow

pytestmark = pytest.mark.anyio

SAID = "Ann Lee's email is ann@x.io. My address is 12 Elm Street. I like green tea."
ADDRESS = "12 Elm Street"


def rows(engine: Engine, iid: str, sql: str, *args: Any) -> list[Any]:
    path = engine.settings.data_dir / "instances" / f"{iid}.sqlite"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


async def write(client: httpx.AsyncClient, iid: str, **body: Any) -> dict[str, Any]:
    return item(await client.post(f"/instances/{iid}/write", json=body))


async def forget(client: httpx.AsyncClient, iid: str, **body: Any) -> dict[str, Any]:
    return item(await client.post(f"/instances/{iid}/forget", json=body))


async def sql(client: httpx.AsyncClient, iid: str, query: str) -> Any:
    body = {"query": f"sql: {query}", "mode": "raw-tables"}
    return item(await client.post(f"/instances/{iid}/read", json=body))["reader_result"]


async def remember_ann(client: httpx.AsyncClient, iid: str) -> dict[str, Any]:
    return await write(
        client,
        iid,
        structured_mutations=[
            obj_create("contact", {"email": "ann@x.io"}, {"name": "Ann Lee"}),
            obj_create("memo", {}, {"content": f"My address is {ADDRESS}."}),
            obj_create("memo", {}, {"content": "I like green tea."}),
        ],
        source_text=SAID,
    )


async def test_forgetting_a_text_leaves_no_byte_of_it_in_the_data_directory(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    data_dir = engine.settings.data_dir
    await remember_ann(client, contacts)
    assert files_holding(data_dir, ADDRESS)  # the test looks where the value was

    answer = await forget(client, contacts, text="12 elm street")

    assert answer["forgotten"] == {
        "records": 1,
        "relations": 0,
        "fields": 0,
        "history": 1,
        "sentences": 1,
        "episodes": 1,
        "write_log": answer["forgotten"]["write_log"],
    }
    assert answer["forgotten"]["write_log"] >= 1  # the write's change report named it
    assert [r["type"] for r in answer["records"]] == ["memo"]
    assert ADDRESS.lower() not in str(answer).lower()  # the answer never repeats it
    assert files_holding(data_dir, ADDRESS) == []
    assert files_holding(data_dir, "elm") == []  # not even the index's words
    # The rest of the episode, the other records and their words are kept.
    [(text,)] = rows(engine, contacts, "SELECT text FROM _xm_episode")
    assert text == "Ann Lee's email is ann@x.io. [forgotten] I like green tea."
    memos = await sql(client, contacts, "SELECT content FROM memo")
    assert memos["rows"] == [["I like green tea."]]
    people = await sql(client, contacts, "SELECT name, email FROM contact")
    assert people["rows"] == [["Ann Lee", "ann@x.io"]]
    assert files_holding(data_dir, "green tea")


async def test_after_forgetting_a_read_finds_nothing_about_it(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await remember_ann(client, contacts)
    asked = {"query": "? where is Elm Street", "mode": "single-answer"}
    before = item(await client.post(f"/instances/{contacts}/read", json=asked))
    assert any(ADDRESS in str(p) for p in before.get("passages") or [])

    await forget(client, contacts, text=ADDRESS)

    after = item(await client.post(f"/instances/{contacts}/read", json=asked))
    assert after["basis"] == "nothing", after
    assert not after.get("passages") and not after.get("evidence")
    found = await sql(client, contacts, "SELECT content FROM memo WHERE content LIKE '%Elm%'")
    assert found["rows"] == []


async def test_forgetting_a_record_takes_its_links_history_and_sentences(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    data_dir = engine.settings.data_dir
    await write(
        client,
        contacts,
        structured_mutations=[
            obj_create("contact", {"email": "bo@y.io"}, {"name": "Bo Kim"}),
            obj_create("company", {"name": "Acme"}, {"city": "Oslo"}),
            rel_create(
                "works_at", {"employee": {"email": "bo@y.io"}, "employer": {"name": "Acme"}}
            ),
        ],
        source_text="Bo Kim (bo@y.io) works at Acme. Acme is in Oslo.",
    )
    await write(
        client,
        contacts,
        structured_mutations=[obj_update("contact", {"email": "bo@y.io"}, {"age": 52})],
        source_text="Bo Kim turned 52 in Bergen.",
    )
    [(xuid,)] = rows(engine, contacts, "SELECT xuid FROM contact")

    answer = await forget(client, contacts, object_type="contact", xuid=xuid)

    assert answer["records"] == [{"type": "contact", "xuid": xuid}]
    counts = answer["forgotten"]
    assert counts["records"] == 1 and counts["relations"] == 1
    assert counts["sentences"] == 2 and counts["episodes"] == 2
    assert counts["history"] >= 3  # the contact's facts (age: two rows) and the link's
    assert rows(engine, contacts, "SELECT count(*) FROM works_at") == [(0,)]
    assert rows(engine, contacts, "SELECT count(*) FROM _xm_fact WHERE xuid = ?", xuid) == [(0,)]
    assert rows(engine, contacts, "SELECT text FROM _xm_episode ORDER BY id") == [
        ("[forgotten] Acme is in Oslo.",),
        ("[forgotten]",),
    ]
    for gone in ("Bo Kim", "bo@y.io", "Bergen"):
        assert files_holding(data_dir, gone) == [], gone
    assert (await sql(client, contacts, "SELECT name, city FROM company"))["rows"] == [
        ["Acme", "Oslo"]
    ]


async def test_forgetting_by_key_and_a_field_of_a_kept_record_with_its_history(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    data_dir = engine.settings.data_dir
    await write(
        client,
        contacts,
        structured_mutations=[obj_create("company", {"name": "Initech"}, {"city": "Old Town"})],
    )
    await write(
        client,
        contacts,
        structured_mutations=[obj_update("company", {"name": "Initech"}, {"city": "Austin"})],
    )
    answer = await forget(client, contacts, text="old town")
    # The company stays with its current city; the old city and its history row are gone.
    assert answer["forgotten"]["records"] == 0 and answer["forgotten"]["fields"] == 1
    assert (await sql(client, contacts, "SELECT name, city FROM company"))["rows"] == [
        ["Initech", "Austin"]
    ]
    assert files_holding(data_dir, "Old Town") == []
    live = await engine.service.registry.get(contacts)
    [(xuid,)] = rows(engine, contacts, "SELECT xuid FROM company")
    kept = await live.data.read(live.schema, lambda t: t.facts([xuid], current_only=False))
    assert ("city", "Austin") in [(f.field, f.value) for f in kept]
    assert "Old Town" not in [f.value for f in kept]

    gone = await forget(client, contacts, object_type="company", key={"name": "Initech"})
    assert gone["forgotten"]["records"] == 1
    assert (await sql(client, contacts, "SELECT count(*) FROM company"))["rows"] == [[0]]
    assert files_holding(data_dir, "Initech") == []


async def test_a_text_that_matches_nothing_removes_nothing_and_forgetting_twice_is_harmless(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await remember_ann(client, contacts)
    # Whole words only: "Ann" is not in "Annabel", "tea" is not in "team".
    nothing = await forget(client, contacts, text="Annabel")
    assert set(nothing["forgotten"].values()) == {0}
    first = await forget(client, contacts, text="green tea")
    again = await forget(client, contacts, text="green tea")
    assert first["forgotten"]["records"] == 1 and first["forgotten"]["sentences"] == 1
    assert set(again["forgotten"].values()) == {0}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 400, "text"),
        ({"text": "  "}, 400, "text"),
        ({"text": "a."}, 400, "text"),
        ({"text": "Ann", "object_type": "contact"}, 400, "text"),
        ({"object_type": "contact"}, 400, "xuid"),
        ({"object_type": "planet", "xuid": "x"}, 400, "object_type"),
        ({"object_type": "contact", "key": {"name": "Ann Lee"}}, 400, "key"),
        ({"object_type": "contact", "xuid": "no-such-record"}, 404, None),
        ({"object_type": "contact", "key": {"email": "nobody@x.io"}}, 404, None),
        ({"text": 42}, 400, "text"),
    ],
)
async def test_bad_requests_are_refused_and_change_nothing(
    engine: Engine,
    client: httpx.AsyncClient,
    contacts: str,
    body: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    await remember_ann(client, contacts)
    before = snapshot(engine.settings.data_dir)
    response = await client.post(f"/instances/{contacts}/forget", json=body)
    assert response.status_code == status, response.text
    error = envelope_error(response)
    assert error["field"] == field
    if status == 404:
        assert "nothing was removed" in error["message"]
    assert snapshot(engine.settings.data_dir) == before


async def test_an_unknown_instance_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.post("/instances/nope/forget", json={"text": "Ann Lee"})
    assert response.status_code == 404
    assert envelope_error(response)["resource_id"] == "nope"


async def test_forget_applies_in_order_with_queued_writes(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    """A write queued before the forget is forgotten; one queued after it is kept."""
    memo = obj_create("memo", {}, {"content": "Parking at Pier 9."})
    queued = await client.post(
        f"/instances/{contacts}/write_async", json={"structured_mutations": [memo]}
    )
    assert queued.status_code == 200
    await forget(client, contacts, text="Pier 9")
    await write(client, contacts, structured_mutations=[memo])
    assert (await sql(client, contacts, "SELECT content FROM memo"))["rows"] == [
        ["Parking at Pier 9."]
    ]
    status = item(
        await client.post(
            f"/instances/{contacts}/write_status",
            json={"write_id": item(queued)["write_id"]},
        )
    )
    assert status["write_status"] == "completed"
    assert "Pier 9" not in str(status)


async def test_a_forget_left_queued_is_finished_without_its_caller_and_leaves_no_trace(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    """A forget whose process died before applying it (its row queued, owned by no one) is
    run by the next sweep; its own request, which names the address, is gone from the
    catalog too."""
    await remember_ann(client, contacts)
    job = JobRow(
        id=uuid.uuid4().hex,
        instance_id=contacts,
        status="queued",
        payload={"kind": "forget", "text": ADDRESS},
    )
    await engine.service.catalog.insert_job(job)
    await engine.service.queue.sweep()
    status: dict[str, Any] = {}
    with anyio.fail_after(30):
        while status.get("write_status") != "completed":
            await anyio.sleep(0.05)
            status = item(
                await client.post(f"/instances/{contacts}/write_status", json={"write_id": job.id})
            )
    assert files_holding(engine.settings.data_dir, ADDRESS) == []
    assert (await sql(client, contacts, "SELECT content FROM memo"))["rows"] == [
        ["I like green tea."]
    ]


NOTES_YML = """
objects:
  person:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      notes: {type: str}
  company:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
relations:
  works_at:
    objects: {employee: person, employer: company}
    fields:
      role: {type: str}
"""


async def test_a_grown_text_and_a_link_field_lose_only_what_mentions_it(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    created = await client.post(
        f"/clusters/{engine.default_cluster_id}/instances",
        json=create_body("notes", NOTES_YML),
    )
    iid = str(item(created)["id"])
    # Over 200 characters, then extended: history keeps the addition only (provenance.py).
    base = "Dana keeps bees on the roof. " * 8 + "She parks at Pier 9 on Fridays."
    key = {"name": "Dana"}
    await write(
        client,
        iid,
        structured_mutations=[
            obj_create("person", key, {"notes": base}),
            obj_create("company", {"name": "Globex"}),
            rel_create(
                "works_at", {"employee": key, "employer": {"name": "Globex"}}, role="Secret Agent"
            ),
        ],
    )
    await write(
        client,
        iid,
        structured_mutations=[obj_update("person", key, {"notes": base + " She likes figs."})],
    )

    parked = await forget(client, iid, text="Pier 9")
    agent = await forget(client, iid, text="secret agent")

    assert parked["forgotten"]["fields"] == 1 and parked["forgotten"]["records"] == 0
    assert agent["forgotten"]["relations"] == 1 and agent["forgotten"]["records"] == 0
    notes = (await sql(client, iid, "SELECT notes FROM person"))["rows"]
    assert notes == [[("Dana keeps bees on the roof. " * 8).strip() + " She likes figs."]]
    assert (await sql(client, iid, "SELECT count(*) FROM works_at"))["rows"] == [[0]]
    assert (await sql(client, iid, "SELECT name FROM company"))["rows"] == [["Globex"]]
    # The field's history is its one current value, rebuilt whole.
    live = await engine.service.registry.get(iid)
    [(xuid,)] = rows(engine, iid, "SELECT xuid FROM person")
    kept = await live.data.read(live.schema, lambda t: t.facts([xuid], current_only=False))
    assert [f.value for f in kept if f.field == "notes"] == [notes[0][0]]
    for gone in ("Pier 9", "Secret Agent"):
        assert files_holding(engine.settings.data_dir, gone) == [], gone
