"""Every endpoint through the ASGI app, and every bad input: envelope error, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_testkit import (
    CONTACTS_YML,
    asgi_client,
    create_body,
    envelope_error,
    instance_stored,
    item,
    obj_create,
    rel_create,
    running_engine,
    snapshot,
)

from xmemory_engine.embedded import Engine

pytestmark = pytest.mark.anyio


def data_dir(engine: Engine) -> Path:
    return engine.settings.data_dir


# -- health, clusters --------------------------------------------------------------------------


async def test_healthz_is_plain_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_default_cluster_is_listed_and_fetched(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    body = (await client.get("/clusters", params={"verbose": "true"})).json()
    assert body["errors"] == [] and body["ids"] == [engine.default_cluster_id]
    cluster = body["items"][0]
    assert cluster["id"] == engine.default_cluster_id
    assert cluster["org_id"] == "local" and cluster["name"] == "default"
    assert item(await client.get(f"/clusters/{engine.default_cluster_id}")) == cluster


async def test_list_clusters_filters_by_ids(engine: Engine, client: httpx.AsyncClient) -> None:
    wanted = [("ids", engine.default_cluster_id), ("ids", "nope")]
    body = (await client.get("/clusters", params=wanted)).json()
    assert [c["id"] for c in body["items"]] == [engine.default_cluster_id]
    body = (await client.get("/clusters", params={"ids": "nope"})).json()
    assert body == {"ids": [], "items": [], "errors": []}


async def test_unknown_cluster_is_404(engine: Engine, client: httpx.AsyncClient) -> None:
    before = snapshot(data_dir(engine))
    response = await client.get("/clusters/nope")
    assert response.status_code == 404
    error = envelope_error(response)
    assert error["code"] == "not_found" and error["resource_id"] == "nope"
    for path, body in [
        ("/clusters/nope/instances", create_body()),
        ("/clusters/nope/instances/generate_schema", {"schema_description": "contacts"}),
    ]:
        response = await client.post(path, json=body)
        assert response.status_code == 404, path
        assert envelope_error(response)["code"] == "not_found"
    assert snapshot(data_dir(engine)) == before


# -- instances ---------------------------------------------------------------------------------


async def test_default_instance_exists_with_the_default_schema(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    info = item(await client.get(f"/instances/{engine.default_instance_id}"))
    assert info["name"] == "default" and info["cluster_id"] == engine.default_cluster_id
    assert {"person", "organization", "task", "note"} <= set(info["data_schema"]["objects"])


async def test_create_get_list_update_delete(engine: Engine, client: httpx.AsyncClient) -> None:
    created = item(
        await client.post(
            f"/clusters/{engine.default_cluster_id}/instances",
            json=create_body() | {"description": "people", "schema_description": "contacts"},
        )
    )
    iid = created["id"]
    assert created["name"] == "contacts" and created["description"] == "people"
    assert created["data_schema"]["objects"]["contact"]["primary_key"] == ["email"]
    assert instance_stored(engine, iid)

    listed = (await client.get("/instances", params={"verbose": "true"})).json()
    assert {i["id"] for i in listed["items"]} == {iid, engine.default_instance_id}
    only = (await client.get("/instances", params={"ids": iid})).json()
    assert [i["id"] for i in only["items"]] == [iid]
    terse = (await client.get("/instances", params={"verbose": "false"})).json()
    assert all("data_schema" not in i for i in terse["items"])

    renamed = item(
        await client.put(f"/instances/{iid}", json={"name": "people", "description": None})
    )
    assert renamed["name"] == "people" and renamed["description"] is None
    patched = item(await client.patch(f"/instances/{iid}", json={"description": "d"}))
    assert patched["name"] == "people" and patched["description"] == "d"

    schema = item(await client.get(f"/instances/{iid}/schema"))
    assert schema["data_schema"] == created["data_schema"]

    deleted = (await client.delete(f"/instances/{iid}")).json()
    assert deleted == {"ids": [iid], "items": [], "errors": []}
    assert not instance_stored(engine, iid)
    response = await client.get(f"/instances/{iid}")
    assert response.status_code == 404 and envelope_error(response)["code"] == "not_found"
    response = await client.delete(f"/instances/{iid}")
    assert response.status_code == 404


async def test_create_from_json_schema_and_from_a_mapping(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    data = {"objects": {"Thing": {"fields": {"label": {"type": "string", "required": True}}}}}
    path = f"/clusters/{engine.default_cluster_id}/instances"
    as_text = item(
        await client.post(
            path,
            json={"name": "a", "instance_schema": {"json_schema": {"value": json.dumps(data)}}},
        )
    )
    as_mapping = item(
        await client.post(path, json={"name": "b", "instance_schema": {"yml": {"value": data}}})
    )
    assert as_text["data_schema"] == as_mapping["data_schema"]
    assert as_text["data_schema"]["objects"]["Thing"]["fields"]["label"]["type"] == "str"


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        (
            "objects:\n  contact:\n    fields:\n      age: {type: integr}\n",
            "objects.contact.fields.age.type",
        ),
        ("objects: {}\n", "objects"),
        (
            "objects:\n  contact:\n    primary_key: [email]\n    fields: {name: str}\n",
            "objects.contact.primary_key",
        ),
        ("objects: [unclosed\n", "$"),
        (
            "objects:\n  a: {fields: {x: str}}\nrelations:\n  r: {objects: {one: a, two: b}}\n",
            "relations.r.objects.two",
        ),
    ],
)
async def test_invalid_schema_is_400_naming_the_path(
    engine: Engine, client: httpx.AsyncClient, schema: str, path: str
) -> None:
    before = snapshot(data_dir(engine))
    response = await client.post(
        f"/clusters/{engine.default_cluster_id}/instances", json=create_body(schema=schema)
    )
    assert response.status_code == 400, response.text
    error = envelope_error(response)
    assert error["code"] == "invalid_schema"
    assert error["field"] == path
    assert path in error["message"]
    assert snapshot(data_dir(engine)) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instance_schema": {"yml": {"value": CONTACTS_YML}}}, "name"),
        ({"name": 5, "instance_schema": {"yml": {"value": CONTACTS_YML}}}, "name"),
        ({"name": "x"}, "instance_schema"),
        ({"name": "x", "instance_schema": "objects: {}"}, "instance_schema"),
        ({"name": "x", "instance_schema": {"yml": {"value": 7}}}, "instance_schema.yml.value"),
        (
            {"name": "x", "description": 3, "instance_schema": {"yml": {"value": "a"}}},
            "description",
        ),
    ],
)
async def test_create_instance_bad_bodies_are_400(
    engine: Engine, client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    before = snapshot(data_dir(engine))
    response = await client.post(f"/clusters/{engine.default_cluster_id}/instances", json=body)
    assert response.status_code == 400, response.text
    assert envelope_error(response)["field"] == field
    assert snapshot(data_dir(engine)) == before


async def test_unknown_keys_are_ignored(engine: Engine, client: httpx.AsyncClient) -> None:
    body = create_body() | {"agent_surfaces": ["x"], "description": None, "migration_plan": None}
    created = item(await client.post(f"/clusters/{engine.default_cluster_id}/instances", json=body))
    write = {
        "text": "",
        "structured_mutations": [obj_create("company", {"name": "Acme"})],
        "use_diff_engine": None,
        "scope": None,
        "future_option": {"a": 1},
    }
    result = item(await client.post(f"/instances/{created['id']}/write", json=write))
    assert result["changes"]["counts"]["created"] == 1


async def test_schema_update_adds_and_keeps_data(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await client.post(
        f"/instances/{contacts}/write",
        json={"structured_mutations": [obj_create("contact", {"email": "a@x.io"}, {"name": "A"})]},
    )
    wider = (
        CONTACTS_YML.replace(
            "      stage: {type: str, enum: [lead, customer]}",
            "      stage: {type: str, enum: [lead, customer]}\n      phone: {type: str}",
        )
        + "  tag:\n    fields:\n      label: {type: str}\n"
    )
    wider = wider.replace("relations:\n", "").replace(
        "  works_at:\n    description: employment\n    objects: {employee: contact, employer: company}\n    fields:\n      since: {type: int}\n",
        "",
    )
    wider += (
        "relations:\n  works_at:\n    description: employment\n"
        "    objects: {employee: contact, employer: company}\n"
        "    fields:\n      since: {type: int}\n      title: {type: str}\n"
    )
    info = item(
        await client.put(
            f"/instances/{contacts}/schema", json={"instance_schema": {"yml": {"value": wider}}}
        )
    )
    assert info["new_version"] == 2 and info["prior_version"] == 1
    assert "phone" in info["data_schema"]["objects"]["contact"]["fields"]
    assert "tag" in info["data_schema"]["objects"]
    result = item(
        await client.post(
            f"/instances/{contacts}/write",
            json={
                "structured_mutations": [
                    {
                        "object_mutation": {
                            "object_type": "contact",
                            "update": {"key": {"email": "a@x.io"}, "values": {"phone": "555"}},
                        }
                    },
                    obj_create("tag", {}, {"label": "vip"}),
                ]
            },
        )
    )
    assert result["changes"]["updated"][0]["after"] == {"phone": "555"}
    stored = result["cleaned_objects"]["objects"][0]
    assert stored["values"] == {"name": "A", "email": "a@x.io", "phone": "555"}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda s: s.replace("      age: {type: int}\n", ""), "objects.contact.fields.age"),
        (
            lambda s: s.replace("age: {type: int}", "age: {type: str}"),
            "objects.contact.fields.age.type",
        ),
        (
            lambda s: s.replace("primary_key: [email]", "primary_key: [name]"),
            "objects.contact.primary_key",
        ),
        (
            lambda s: s.replace("enum: [lead, customer]", "enum: [lead]"),
            "objects.contact.fields.stage.enum",
        ),
    ],
)
async def test_non_additive_schema_update_is_refused(
    engine: Engine, client: httpx.AsyncClient, contacts: str, change: Any, path: str
) -> None:
    before = snapshot(data_dir(engine))
    response = await client.put(
        f"/instances/{contacts}/schema",
        json={"instance_schema": {"yml": {"value": change(CONTACTS_YML)}}},
    )
    assert response.status_code == 400, response.text
    error = envelope_error(response)
    assert error["code"] == "invalid_schema" and path in str(error["field"])
    assert "not supported" in error["message"]
    assert snapshot(data_dir(engine)) == before


# -- generic bad input, on every endpoint ------------------------------------------------------

POSTS = ["write", "write_async", "write_status", "read", "extract"]


@pytest.mark.parametrize("endpoint", POSTS)
async def test_malformed_json_is_400(
    engine: Engine, client: httpx.AsyncClient, contacts: str, endpoint: str
) -> None:
    before = snapshot(data_dir(engine))
    for raw in (b"{not json", b"[1, 2]", b"", b'"text"'):
        response = await client.post(
            f"/instances/{contacts}/{endpoint}",
            content=raw,
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 400, (endpoint, raw, response.text)
        assert envelope_error(response)["code"] == "invalid_request"
    assert snapshot(data_dir(engine)) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/instances/nope", None),
        ("PUT", "/instances/nope", {"name": "x"}),
        ("DELETE", "/instances/nope", None),
        ("GET", "/instances/nope/schema", None),
        ("PUT", "/instances/nope/schema", {"instance_schema": {"yml": {"value": CONTACTS_YML}}}),
        ("POST", "/instances/nope/write", {"text": "hello"}),
        ("POST", "/instances/nope/write_async", {"text": "hello"}),
        ("POST", "/instances/nope/write_status", {"write_id": "w"}),
        ("POST", "/instances/nope/read", {"query": "q"}),
        ("POST", "/instances/nope/extract", {"text": "t"}),
        ("GET", "/instances/nope/describe", None),
    ],
)
async def test_unknown_instance_is_404(
    engine: Engine, client: httpx.AsyncClient, method: str, path: str, body: Any
) -> None:
    before = snapshot(data_dir(engine))
    response = await client.request(method, path, json=body)
    assert response.status_code == 404, response.text
    error = envelope_error(response)
    assert error["code"] == "not_found" and error["resource_id"] == "nope"
    assert snapshot(data_dir(engine)) == before


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("write", {}, "text"),
        ("write", {"text": 5}, "text"),
        ("write", {"text": "   "}, "text"),
        (
            "write",
            {"text": "a", "structured_mutations": [obj_create("company", {"name": "A"})]},
            "structured_mutations",
        ),
        ("write", {"structured_mutations": {"a": 1}}, "structured_mutations"),
        ("write", {"structured_mutations": []}, "structured_mutations"),
        ("write", {"text": "a", "extraction_logic": "slow"}, "extraction_logic"),
        ("write_async", {"text": ["a"]}, "text"),
        ("write_status", {}, "write_id"),
        ("write_status", {"write_id": 12}, "write_id"),
        ("read", {}, "query"),
        ("read", {"query": {"q": 1}}, "query"),
        ("read", {"query": "q", "mode": "tables"}, "mode"),
        ("read", {"query": "q", "read_id": 5}, "read_id"),
        ("extract", {}, "text"),
        ("extract", {"text": "a", "extraction_logic": 3}, "extraction_logic"),
    ],
)
async def test_wrong_types_and_missing_keys_are_400_naming_the_field(
    engine: Engine,
    client: httpx.AsyncClient,
    contacts: str,
    endpoint: str,
    body: dict[str, Any],
    field: str,
) -> None:
    before = snapshot(data_dir(engine))
    response = await client.post(f"/instances/{contacts}/{endpoint}", json=body)
    assert response.status_code == 400, response.text
    error = envelope_error(response)
    assert error["code"] == "invalid_request" and error["field"] == field, error
    assert snapshot(data_dir(engine)) == before


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("write", {"text": "x" * 100_001}, "text"),
        ("write_async", {"text": "x" * 100_001}, "text"),
        ("extract", {"text": "x" * 100_001}, "text"),
        ("read", {"query": "x" * 100_001}, "query"),
    ],
)
async def test_oversize_text_is_413(
    engine: Engine,
    client: httpx.AsyncClient,
    contacts: str,
    endpoint: str,
    body: dict[str, Any],
    field: str,
) -> None:
    before = snapshot(data_dir(engine))
    response = await client.post(f"/instances/{contacts}/{endpoint}", json=body)
    assert response.status_code == 413, response.text
    error = envelope_error(response)
    assert error["code"] == "payload_too_large" and error["field"] == field
    assert "100,000" in error["message"]
    assert snapshot(data_dir(engine)) == before


async def test_text_at_the_limit_is_accepted(client: httpx.AsyncClient, contacts: str) -> None:
    response = await client.post(
        f"/instances/{contacts}/extract", json={"text": "memo: content=" + "x" * 99_986}
    )
    assert response.status_code == 200, response.text


async def test_oversize_body_is_413_by_header_and_by_bytes(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    before = snapshot(data_dir(engine))
    big = json.dumps({"text": "a", "pad": "x" * (2 * 1024 * 1024)}).encode()
    response = await client.post(
        f"/instances/{contacts}/write", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert envelope_error(response)["code"] == "payload_too_large"

    async def chunks() -> Any:  # no Content-Length: the size is only known while reading
        for _ in range(3):
            yield b" " * (1024 * 1024)
        yield b'{"text": "a"}'

    response = await client.post(f"/instances/{contacts}/write", content=chunks())
    assert response.status_code == 413
    assert snapshot(data_dir(engine)) == before


async def test_too_many_mutations_is_413(engine: Engine, tmp_path: Path) -> None:
    async with (
        running_engine(tmp_path / "small", max_mutations=3) as small,
        asgi_client(small) as http,
    ):
        body = {
            "structured_mutations": [
                obj_create("organization", {"name": f"o{i}"}) for i in range(4)
            ]
        }
        response = await http.post(f"/instances/{small.default_instance_id}/write", json=body)
        assert response.status_code == 413
        assert envelope_error(response)["field"] == "structured_mutations"


async def test_unknown_route_and_method_use_the_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404 and envelope_error(response)["code"] == "not_found"
    response = await client.delete("/clusters")
    assert response.status_code == 405
    assert envelope_error(response)["code"] == "method_not_allowed"


# -- auth --------------------------------------------------------------------------------------


async def test_api_key_is_required_when_set(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d", api_key="s3cret") as engine:
        async with asgi_client(engine) as http:
            assert (await http.get("/healthz")).status_code == 200
            missing = await http.get("/clusters")
            assert missing.status_code == 401
            assert envelope_error(missing)["code"] == "unauthorized"
            assert missing.headers["www-authenticate"] == "Bearer"
            wrong = await http.get("/clusters", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            before = snapshot(tmp_path / "d")
            refused = await http.post(
                f"/instances/{engine.default_instance_id}/write",
                json={"text": "person: name=Eve"},
                headers={"Authorization": "Basic s3cret"},
            )
            assert refused.status_code == 401
            assert snapshot(tmp_path / "d") == before
        async with asgi_client(engine, headers={"Authorization": "Bearer s3cret"}) as http:
            assert (await http.get("/clusters")).status_code == 200


# -- describe, generate_schema, extract --------------------------------------------------------


async def test_describe_tells_the_tools_and_the_schema(
    client: httpx.AsyncClient, contacts: str
) -> None:
    described = item(await client.get(f"/instances/{contacts}/describe"))
    assert described["instance_id"] == contacts and described["instance_name"] == "contacts"
    tools = {t["name"]: t for t in described["tools"]}
    assert list(tools) == ["write", "write_async", "write_status", "read", "extract"]
    for tool in tools.values():
        assert tool["description"] and tool["when_to_use"]
        assert tool["http_method"] == "POST"
        assert tool["http_path"] == f"/instances/{contacts}/{tool['name']}"
        for param in tool["parameters"]:
            assert set(param) == {"name", "type", "description", "required", "enum", "default"}
            assert param["description"]
            assert param["default"] is None or isinstance(param["default"], str)
    write = {p["name"]: p for p in tools["write"]["parameters"]}
    assert write["extraction_logic"]["enum"] == ["fast", "regular", "deep"]
    assert write["extraction_logic"]["default"] == "deep"
    assert write["structured_mutations"]["type"] == "array"
    assert "contact (key: email)" in write["structured_mutations"]["description"]
    assert (
        "works_at (employee: contact, employer: company)"
        in write["structured_mutations"]["description"]
    )
    read = {p["name"]: p for p in tools["read"]["parameters"]}
    assert read["query"]["required"] is True
    assert read["read_mode"]["enum"] == ["single-answer", "raw-tables", "xresponse"]
    assert read["read_mode"]["default"] == "single-answer"
    assert [p["name"] for p in tools["write_status"]["parameters"]] == ["write_id"]
    summary = described["schema_summary"]
    assert "- contact: a person we know. Primary key: email." in summary
    assert "  - stage (str, one of: lead, customer)" in summary
    assert "  - name (str, required): full name" in summary
    assert "- works_at (employee: contact, employer: company): employment" in summary
    assert "contacts" in described["about"]


async def test_describe_renders_through_the_sdk_model(
    client: httpx.AsyncClient, contacts: str
) -> None:
    from xmemory import DescribeResult

    described = DescribeResult.model_validate(
        item(await client.get(f"/instances/{contacts}/describe"))
    )
    text = described.as_text(include_http=True)
    assert "## read(query, read_mode?, sql?)" in text
    assert (
        "## write(text?, structured_mutations?, extraction_logic?, source_text?, occurred_at?)"
        in text
    )
    tools = described.as_anthropic_tools()
    assert tools[3]["input_schema"]["required"] == ["query"]


async def test_generate_schema_designs_and_extends(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    path = f"/clusters/{engine.default_cluster_id}/instances/generate_schema"
    designed = item(await client.post(path, json={"schema_description": "Track contacts"}))
    assert "contact" in designed["data_schema"]["objects"]
    import yaml

    extended = item(
        await client.post(
            path,
            json={
                "schema_description": "add notes",
                "current_yml_schema": yaml.safe_dump(designed["data_schema"], sort_keys=False),
            },
        )
    )
    fields = extended["data_schema"]["objects"]["contact"]["fields"]
    assert "notes" in fields and set(designed["data_schema"]["objects"]["contact"]["fields"]) < set(
        fields
    )
    bad = await client.post(
        path, json={"schema_description": "x", "current_yml_schema": "objects: {}"}
    )
    assert bad.status_code == 400 and envelope_error(bad)["code"] == "invalid_schema"
    missing = await client.post(path, json={})
    assert missing.status_code == 400 and envelope_error(missing)["field"] == "schema_description"


async def test_extract_previews_without_storing(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await client.post(
        f"/instances/{contacts}/write",
        json={
            "structured_mutations": [obj_create("contact", {"email": "a@x.io"}, {"name": "Ann"})]
        },
    )
    before = snapshot(data_dir(engine))
    result = item(
        await client.post(
            f"/instances/{contacts}/extract",
            json={
                "text": "contact: name=Ann; email=a@x.io; age=x\ncompany: name=Acme\n~works_at: employee=0; employer=1"
            },
        )
    )
    assert len(result["trace_id"]) == 32
    objects = result["objects_extracted"]["objects"]
    assert objects[0]["match"]["matched_by"] == "primary_key"
    assert objects[0]["dropped_values"] == {"age": "expected an integer, got 'x'"}
    assert objects[1]["match"] is None
    assert result["objects_extracted"]["relations"][0]["relation_type"] == "works_at"
    assert snapshot(data_dir(engine)) == before


async def test_rel_create_helper_shape() -> None:
    assert rel_create("r", {"a": {"k": 1}}) == {
        "relation_mutation": {
            "relation_type": "r",
            "create": {"endpoints": [{"object_name": "a", "key": {"k": 1}}]},
        }
    }
