"""What the agent's own model hands the engine: `upsert` mutations, `source_text` /
`occurred_at` on writes, and its own SQL on `read`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from engine_testkit import create_body, envelope_error, item, obj_create, snapshot

from xmemory import DescribeResult
from xmemory_engine.embedded import Engine

pytestmark = pytest.mark.anyio


def instance_files(engine: Engine) -> dict[str, Any]:
    """Every row of every instance file (the catalog records the failed job, by design)."""
    return {k: v for k, v in snapshot(engine.settings.data_dir).items() if "catalog" not in k}


def obj_upsert(object_type: str, key: dict[str, Any], values: dict[str, Any] | None = None) -> Any:
    change: dict[str, Any] = {"key": key}
    if values is not None:
        change["values"] = values
    return {"object_mutation": {"object_type": object_type, "upsert": change}}


def rel_upsert(relation_type: str, endpoints: dict[str, dict[str, Any]], **values: Any) -> Any:
    change: dict[str, Any] = {
        "endpoints": [{"object_name": role, "key": key} for role, key in endpoints.items()],
        "values": values,
    }
    return {"relation_mutation": {"relation_type": relation_type, "upsert": change}}


async def post_write(client: httpx.AsyncClient, iid: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(f"/instances/{iid}/write", json=body)


async def mutate(client: httpx.AsyncClient, iid: str, *mutations: Any) -> dict[str, Any]:
    return item(await post_write(client, iid, {"structured_mutations": list(mutations)}))


async def sql_read(
    client: httpx.AsyncClient, iid: str, sql: str, mode: str = "raw-tables"
) -> httpx.Response:
    return await client.post(
        f"/instances/{iid}/read", json={"query": "the agent's question", "mode": mode, "sql": sql}
    )


ANN = {"email": "ann@acme.io"}
ENDS = {"employee": ANN, "employer": {"name": "Acme"}}


# -- upsert ------------------------------------------------------------------------------------


async def test_upsert_creates_then_updates_the_same_record(
    client: httpx.AsyncClient, contacts: str
) -> None:
    first = await mutate(client, contacts, obj_upsert("contact", ANN, {"name": "Ann", "age": 40}))
    assert [c["kind"] for c in first["changes"]["created"]] == ["object"]
    second = await mutate(client, contacts, obj_upsert("contact", ANN, {"age": 41}))
    assert second["changes"]["created"] == [] and len(second["changes"]["updated"]) == 1
    table = item(await sql_read(client, contacts, "SELECT name, email, age FROM contact"))
    assert table["reader_result"]["rows"] == [["Ann", "ann@acme.io", 41]]


async def test_an_unchanged_upsert_changes_nothing(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await mutate(client, contacts, obj_upsert("contact", ANN, {"name": "Ann"}))
    again = await mutate(client, contacts, obj_upsert("contact", ANN, {"name": "Ann"}))
    assert again["changes"]["counts"] == {"created": 0, "updated": 0, "deleted": 0}


async def test_relation_upsert_creates_the_link_once_and_updates_its_values(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await mutate(
        client,
        contacts,
        obj_upsert("contact", ANN, {"name": "Ann"}),
        obj_upsert("company", {"name": "Acme"}),
        rel_upsert("works_at", ENDS, since=2020),
    )
    await mutate(client, contacts, rel_upsert("works_at", ENDS, since=2021))
    links = item(await sql_read(client, contacts, "SELECT since FROM works_at"))
    assert links["reader_result"]["rows"] == [[2021]]


@pytest.mark.parametrize(
    ("mutation", "status", "field", "words"),
    [
        (
            obj_upsert("contact", ANN, {"name": "Ann", "nick": "A"}),
            422,
            "structured_mutations[1].object_mutation.upsert.values.nick",
            "unknown field",
        ),
        (
            obj_upsert("contact", ANN, {"age": "old"}),
            422,
            "structured_mutations[1].object_mutation.upsert.values.age",
            "integer",
        ),
        (
            obj_upsert("contact", {"name": "Ann"}, {"age": 3}),
            422,
            "structured_mutations[1].object_mutation.upsert.key",
            "primary-key",
        ),
        (
            obj_upsert("contact", ANN, {"email": "other@acme.io"}),
            422,
            "structured_mutations[1].object_mutation.upsert.values.email",
            "use update",
        ),
        (
            rel_upsert("works_at", {"employee": ANN}),
            422,
            "structured_mutations[1].relation_mutation.upsert.endpoints",
            "missing",
        ),
        (
            {"object_mutation": {"object_type": "contact", "upsert": "x"}},
            400,
            "structured_mutations[1].object_mutation.upsert",
            "object",
        ),
    ],
)
async def test_a_misfit_upsert_is_refused_before_anything_is_written(
    engine: Engine,
    client: httpx.AsyncClient,
    contacts: str,
    mutation: Any,
    status: int,
    field: str,
    words: str,
) -> None:
    before = snapshot(engine.settings.data_dir)
    response = await post_write(
        client,
        contacts,
        {"structured_mutations": [obj_upsert("company", {"name": "Acme"}), mutation]},
    )
    assert response.status_code == status, response.text
    error = envelope_error(response)
    assert error["field"] == field and words in error["message"], error
    assert snapshot(engine.settings.data_dir) == before


async def test_a_failed_upsert_changes_nothing(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await mutate(client, contacts, obj_create("company", {"name": "Acme"}))
    before = instance_files(engine)
    # The contact does not exist and has no name (required): only applying can tell.
    response = await post_write(
        client,
        contacts,
        {
            "structured_mutations": [
                obj_upsert("company", {"name": "Acme"}, {"city": "Oslo"}),
                obj_upsert("contact", ANN, {"age": 3}),
            ]
        },
    )
    assert response.status_code == 422, response.text
    error = envelope_error(response)
    assert error["field"] == "structured_mutations[1].object_mutation.upsert.values.name"
    assert "required" in error["message"]
    assert instance_files(engine) == before


async def test_an_upsert_by_an_unknown_xuid_is_refused(
    client: httpx.AsyncClient, contacts: str
) -> None:
    response = await post_write(
        client, contacts, {"structured_mutations": [obj_upsert("memo", {"xuid": "nope"}, {})]}
    )
    assert response.status_code == 422 and "only updates" in envelope_error(response)["message"]


# -- source_text and occurred_at -----------------------------------------------------------------


async def test_source_text_and_occurred_at_are_accepted_with_mutations(
    client: httpx.AsyncClient, contacts: str
) -> None:
    body = {
        "structured_mutations": [obj_upsert("contact", ANN, {"name": "Ann"})],
        "source_text": "Ann's email is ann@acme.io.",
        "occurred_at": "2026-11-30T09:15:00Z",
    }
    assert item(await post_write(client, contacts, body))["changes"]["created"]
    text = {"text": "company: name=Acme", "occurred_at": "2026-11-29"}
    assert item(await post_write(client, contacts, text))["changes"]["created"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"text": "company: name=Acme", "source_text": "x"}, 400, "source_text"),
        ({"text": "company: name=Acme", "occurred_at": "yesterday"}, 400, "occurred_at"),
        ({"text": "company: name=Acme", "occurred_at": "2026-13-01"}, 400, "occurred_at"),
        ({"text": "company: name=Acme", "occurred_at": 20261130}, 400, "occurred_at"),
        (
            {"structured_mutations": [obj_upsert("company", {"name": "A"})], "source_text": 3},
            400,
            "source_text",
        ),
        (
            {
                "structured_mutations": [obj_upsert("company", {"name": "A"})],
                "source_text": "x" * 600,
            },
            413,
            "source_text",
        ),
    ],
)
async def test_source_text_and_occurred_at_are_checked(
    tmp_path: Any, body: dict[str, Any], status: int, field: str
) -> None:
    from engine_testkit import asgi_client, running_engine

    async with (
        running_engine(tmp_path / "data", max_text_chars=500) as engine,
        asgi_client(engine) as client,
    ):
        created = await client.post(
            f"/clusters/{engine.default_cluster_id}/instances", json=create_body()
        )
        iid = item(created)["id"]
        for path in ("write", "write_async"):
            response = await client.post(f"/instances/{iid}/{path}", json=body)
            assert response.status_code == status, response.text
            assert envelope_error(response)["field"] == field


async def test_the_write_payload_carries_both_keys() -> None:
    from xmemory_engine.service.memory import WriteRequest

    request = WriteRequest(
        text=None, mutations=[{}], source_text="Ann is here.", occurred_at="2026-11-30"
    )
    assert request.payload()["source_text"] == "Ann is here."
    assert request.payload()["occurred_at"] == "2026-11-30"
    assert "source_text" not in WriteRequest(text="x", mutations=None).payload()


# -- read with sql -------------------------------------------------------------------------------


async def test_read_runs_the_agents_select(client: httpx.AsyncClient, contacts: str) -> None:
    await mutate(
        client,
        contacts,
        obj_upsert("contact", ANN, {"name": "Ann"}),
        obj_upsert("company", {"name": "Acme"}),
        rel_upsert("works_at", ENDS, since=2020),
    )
    joined = item(
        await sql_read(
            client,
            contacts,
            "SELECT c.name, co.name AS employer FROM contact c JOIN works_at w ON "
            "w.employee_xuid = c.xuid JOIN company co ON co.xuid = w.employer_xuid",
        )
    )
    assert joined["reader_result"] == {"columns": ["name", "employer"], "rows": [["Ann", "Acme"]]}
    prose = item(await sql_read(client, contacts, "SELECT name FROM contact", "single-answer"))
    assert "Ann" in prose["reader_result"]["answer"]
    objects = item(await sql_read(client, contacts, "SELECT xuid FROM contact", "xresponse"))
    assert [o["object_type"] for o in objects["reader_result"]["objects"]] == ["contact"] or len(
        objects["reader_result"]["objects"]
    ) == 1


@pytest.mark.parametrize(
    ("sql", "status", "words"),
    [
        ("DELETE FROM contact", 422, "only SELECT"),
        ("DROP TABLE contact", 422, "only SELECT"),
        ("ATTACH DATABASE '/tmp/x/evil.db' AS evil", 422, ""),
        ("PRAGMA query_only=OFF", 422, ""),
        ("SELECT 1; DELETE FROM contact", 422, "exactly one SELECT"),
        ("SELECT * FROM sqlite_master", 422, "not one of this instance's tables"),
        ("SELECT * FROM catalog_instances", 422, "not one of this instance's tables"),
        ("SELECT nope FROM contact", 400, "no such column"),
        ("SELEC name FROM contact", 422, ""),
    ],
)
async def test_hostile_or_wrong_sql_is_refused_and_changes_nothing(
    engine: Engine,
    client: httpx.AsyncClient,
    contacts: str,
    sql: str,
    status: int,
    words: str,
) -> None:
    await mutate(client, contacts, obj_upsert("contact", ANN, {"name": "Ann"}))
    before = snapshot(engine.settings.data_dir)
    response = await sql_read(client, contacts, sql)
    assert response.status_code == status, response.text
    error = envelope_error(response)
    assert error["message"] and words in error["message"], error
    assert snapshot(engine.settings.data_dir) == before


async def test_another_instances_table_cannot_be_read(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    other_schema = "objects:\n  secret:\n    fields:\n      value: {type: str}\n"
    other = item(
        await client.post(
            f"/clusters/{engine.default_cluster_id}/instances",
            json=create_body("other", other_schema),
        )
    )["id"]
    await mutate(client, other, obj_create("secret", {}, {"value": "hidden"}))
    response = await sql_read(client, contacts, "SELECT value FROM secret")
    assert response.status_code == 422
    assert "'secret' is not one of this instance's tables" in envelope_error(response)["message"]


async def test_an_empty_sql_is_refused(client: httpx.AsyncClient, contacts: str) -> None:
    response = await sql_read(client, contacts, "  ")
    assert response.status_code == 400 and envelope_error(response)["field"] == "sql"


# -- describe ------------------------------------------------------------------------------------


async def test_describe_advertises_the_features_and_still_parses(
    client: httpx.AsyncClient, contacts: str
) -> None:
    described = item(await client.get(f"/instances/{contacts}/describe"))
    assert described["features"] == ["upsert", "sql_read", "episodes", "forget"]
    parsed = DescribeResult.model_validate(described)
    assert parsed.features == ["upsert", "sql_read", "episodes", "forget"]
    tools = {t.name: t for t in parsed.tools}
    assert "sql" in tools["read"].input_schema()["properties"]
    for name in ("write", "write_async"):
        assert {"source_text", "occurred_at"} <= set(tools[name].input_schema()["properties"])
    assert (
        "upsert"
        in tools["write"].input_schema()["properties"]["structured_mutations"]["description"]
    )
