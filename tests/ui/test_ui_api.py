"""The engine routes the memory page reads through: pages of records, one record with its
evidence and history, the graph around it, the write log and undo; on a real engine."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from xmemory_engine.ui import records

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_testkit import (
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

pytestmark = pytest.mark.anyio


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    async with running_engine(tmp_path / "data") as engine, asgi_client(engine) as client:
        response = await client.post(
            f"/clusters/{engine.default_cluster_id}/instances", json=create_body()
        )
        yield client, item(response)["id"]


async def write(
    client: httpx.AsyncClient, instance: str, mutations: list[Any], said: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"structured_mutations": mutations}
    if said is not None:
        body["source_text"] = said
    return item(await client.post(f"/instances/{instance}/write", json=body))


def contact(name: str, email: str, **values: Any) -> Any:
    return obj_create("contact", {"email": email}, {"name": name, **values})


async def test_a_page_of_records_sorted_by_name_and_searched(
    api: tuple[httpx.AsyncClient, str],
) -> None:
    client, instance = api
    names = [f"Person {i:02d}" for i in range(30)]
    await write(client, instance, [contact(n, f"p{i}@x.io") for i, n in enumerate(names)])
    base = f"/instances/{instance}/records/contact"
    page = item(await client.get(base, params={"sort": "name", "order": "asc", "offset": 10}))
    assert page["total"] == 30
    assert page["indexed"] is False  # contact's name index is on its key, the email
    assert [r["values"]["name"] for r in page["records"][:5]] == sorted(names)[10:15]
    last = item(await client.get(base, params={"sort": "name", "order": "desc", "limit": 3}))
    assert [r["values"]["name"] for r in last["records"]] == sorted(names)[-1:-4:-1]
    by_key = item(await client.get(base, params={"sort": "email", "order": "asc", "limit": 2}))
    assert by_key["indexed"] is True
    assert [r["values"]["email"] for r in by_key["records"]] == ["p0@x.io", "p10@x.io"]
    # Every word, in any text field: "0" is in names 00-09, 10, 20 (and their emails).
    found = item(await client.get(base, params={"q": "PERSON 0", "limit": 50}))
    assert sorted(r["values"]["name"] for r in found["records"]) == [*names[:11], names[20]]
    assert found["total"] == 12


async def test_a_search_counts_its_matches_up_to_a_cap(
    api: tuple[httpx.AsyncClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, instance = api
    monkeypatch.setattr(records, "MAX_MATCHES", 5)
    await write(client, instance, [contact(f"Zed {i}", f"z{i}@x.io") for i in range(8)])
    await write(client, instance, [contact("Ann", "ann@x.io")])
    base = f"/instances/{instance}/records/contact"
    first = item(
        await client.get(base, params={"q": "zed", "limit": 3, "sort": "name", "order": "asc"})
    )
    assert (first["total"], first["more"]) == (5, True)
    assert [r["values"]["name"] for r in first["records"]] == ["Zed 0", "Zed 1", "Zed 2"]
    rest = item(
        await client.get(
            base, params={"q": "zed", "limit": 3, "offset": 3, "sort": "name", "order": "asc"}
        )
    )
    assert [r["values"]["name"] for r in rest["records"]] == ["Zed 3", "Zed 4"]
    everyone = item(await client.get(base))
    assert (everyone["total"], everyone["more"]) == (9, False)


async def test_a_bad_page_request_names_its_parameter(api: tuple[httpx.AsyncClient, str]) -> None:
    client, instance = api
    base = f"/instances/{instance}/records/contact"
    for params, field in (
        ({"sort": "shoe"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"offset": "x"}, "offset"),
    ):
        response = await client.get(base, params=params)
        assert response.status_code == 400
        assert envelope_error(response)["field"] == field
    missing = await client.get(f"/instances/{instance}/records/spaceship")
    assert missing.status_code == 404 and "contact" in envelope_error(missing)["message"]


async def test_one_record_has_its_relations_evidence_and_history(
    api: tuple[httpx.AsyncClient, str],
) -> None:
    client, instance = api
    first = await write(
        client,
        instance,
        [
            contact("Ann Lee", "ann@acme.io"),
            obj_create("company", {"name": "Acme"}, {"city": "Oslo"}),
            rel_create(
                "works_at", {"employee": {"email": "ann@acme.io"}, "employer": {"name": "Acme"}}
            ),
        ],
        "Ann Lee joined Acme in Oslo; her email is ann@acme.io.",
    )
    ann = next(c for c in first["changes"]["created"] if c.get("object_type") == "contact")
    second = await write(
        client,
        instance,
        [obj_update("contact", {"xuid": ann["xuid"]}, {"age": 41})],
        "Ann turned 41 last week.",
    )
    third = await write(
        client,
        instance,
        [obj_update("contact", {"xuid": ann["xuid"]}, {"age": 42})],
        "Correction: Ann is 42.",
    )
    record = item(await client.get(f"/instances/{instance}/records/contact/{ann['xuid']}"))
    assert record["values"]["age"] == 42 and record["name"] == "Ann Lee"
    (link,) = record["relations"]
    assert link["relation_type"] == "works_at"
    assert link["roles"]["employer"]["name"] == "Acme" and link["roles"]["employee"]["self"]
    age = next(f for f in record["fields"] if f["field"] == "age")
    assert age["source"]["said"] == "Correction: Ann is 42."
    assert age["source"]["write_id"] == third["write_id"]
    (earlier,) = age["history"]
    assert earlier["value"] == 41 and earlier["said"] == "Ann turned 41 last week."
    assert earlier["replaced_by"] == third["write_id"] and earlier["write_id"] == second["write_id"]
    assert [e["write_id"] for e in record["episodes"]] == [
        third["write_id"],
        second["write_id"],
        first["write_id"],
    ]
    wrong_type = await client.get(f"/instances/{instance}/records/company/{ann['xuid']}")
    assert wrong_type.status_code == 404

    graph = item(await client.get(f"/instances/{instance}/graph/{ann['xuid']}"))
    assert {n["name"] for n in graph["nodes"]} == {"Ann Lee", "Acme"}
    (edge,) = graph["edges"]
    assert (edge["source"], edge["relation_type"]) == (ann["xuid"], "works_at")


async def test_the_write_log_lists_statuses_newest_first(
    api: tuple[httpx.AsyncClient, str],
) -> None:
    client, instance = api
    done = await write(client, instance, [contact("Bo", "bo@x.io")], "Bo's email is bo@x.io.")
    failed = await client.post(
        f"/instances/{instance}/write",
        json={
            "structured_mutations": [obj_update("contact", {"email": "nobody@x.io"}, {"age": 3})]
        },
    )
    assert failed.status_code == 422
    body = (await client.get(f"/instances/{instance}/writes")).json()
    newest, oldest = body["items"]
    assert newest["status"] == "failed" and newest["error"] and not newest["undoable"]
    assert oldest["write_id"] == done["write_id"] and oldest["status"] == "completed"
    assert oldest["said"] == "Bo's email is bo@x.io." and oldest["counts"] == {
        "created": 1,
        "updated": 0,
        "deleted": 0,
    }
    older = (
        await client.get(f"/instances/{instance}/writes", params={"before": newest["seq"]})
    ).json()
    assert [e["write_id"] for e in older["items"]] == [done["write_id"]]


async def undo(client: httpx.AsyncClient, instance: str, write_id: str) -> dict[str, Any]:
    plan = item(await client.get(f"/instances/{instance}/writes/{write_id}/undo"))
    if plan["mutations"]:
        await write(client, instance, plan["mutations"], plan["source_text"])
    return plan


async def test_undo_reverses_an_update_a_create_and_a_delete(
    api: tuple[httpx.AsyncClient, str],
) -> None:
    client, instance = api
    base = f"/instances/{instance}/records/contact"
    created = await write(
        client,
        instance,
        [
            contact("Cy", "cy@x.io", age=30),
            obj_create("company", {"name": "Initech"}),
            rel_create(
                "works_at", {"employee": {"email": "cy@x.io"}, "employer": {"name": "Initech"}}
            ),
        ],
    )
    changed = await write(
        client, instance, [obj_update("contact", {"email": "cy@x.io"}, {"age": 31})]
    )
    await undo(client, instance, changed["write_id"])
    (cy,) = item(await client.get(base))["records"]
    assert cy["values"]["age"] == 30

    removed = await write(client, instance, [obj_delete("contact", {"email": "cy@x.io"})])
    assert item(await client.get(base))["total"] == 0
    plan = await undo(client, instance, removed["write_id"])
    assert plan["skipped"] == []
    (again,) = item(await client.get(base))["records"]
    assert again["values"] == {"name": "Cy", "email": "cy@x.io", "age": 30}
    record = item(await client.get(f"{base}/{again['xuid']}"))
    assert [r["roles"]["employer"]["name"] for r in record["relations"]] == ["Initech"]

    # Undoing the first write: what it made and a later write removed is said, not touched;
    # the company it made goes (and the link made again with it).
    plan = await undo(client, instance, created["write_id"])
    assert [(s["type"], s["reason"]) for s in plan["skipped"]] == [
        ("contact", "it was already deleted by a later write"),
        ("works_at", "it was already deleted by a later write"),
    ]
    assert item(await client.get(f"/instances/{instance}/records/company"))["total"] == 0
    assert item(await client.get(base))["total"] == 1


async def test_undo_leaves_a_value_changed_again_since(api: tuple[httpx.AsyncClient, str]) -> None:
    client, instance = api
    await write(client, instance, [contact("Di", "di@x.io", age=20)])
    first = await write(
        client, instance, [obj_update("contact", {"email": "di@x.io"}, {"age": 21})]
    )
    await write(client, instance, [obj_update("contact", {"email": "di@x.io"}, {"age": 22})])
    plan = item(await client.get(f"/instances/{instance}/writes/{first['write_id']}/undo"))
    assert plan["mutations"] == []
    assert plan["skipped"][0]["reason"] == "age was changed again by a later write"
    unknown = await client.get(f"/instances/{instance}/writes/nope/undo")
    assert unknown.status_code == 404


async def test_the_page_is_served_without_the_key_and_the_api_needs_it(tmp_path: Path) -> None:
    async with (
        running_engine(tmp_path / "data", api_key="sesame") as engine,
        asgi_client(engine) as client,
    ):
        page = await client.get("/ui/")
        assert page.status_code == 200 and '<script type="module"' in page.text
        assert (await client.get("/ui")).headers["location"].endswith("/ui/")
        script = await client.get("/ui/app.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        instances = f"/instances/{engine.default_instance_id}/writes"
        assert (await client.get(instances)).status_code == 401
        allowed = await client.get(instances, headers={"Authorization": "Bearer sesame"})
        assert allowed.status_code == 200


async def raw_get(app: Any, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written (httpx would resolve the dots before sending)."""
    sent: list[Any] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1),
    }

    requested = False

    async def receive() -> Any:
        nonlocal requested
        if requested:  # a response listening for the client to leave: it never does
            await anyio.sleep_forever()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def test_the_pages_open_path_leads_nowhere_else(tmp_path: Path) -> None:
    # /ui/ is served without the key: a path that climbs out of it must not reach the API or
    # a file beside the page.
    async with running_engine(tmp_path / "data", api_key="sesame") as engine:
        for path in ("/ui/../instances", "/ui/../openapi.json", "/ui/../../../../etc/passwd"):
            status, body = await raw_get(engine.app, path)
            assert status == 404 and b'"not_found"' in body, (path, status, body[:80])
        status, body = await raw_get(engine.app, "/ui/style.css")
        assert status == 200 and b":root" in body
