"""The SDK against the engine, end to end: in-process (AsyncXmemoryClient over ASGITransport)
and over a real loopback `engine serve` (XmemoryClient): every endpoint, every bad input, and
the seed document's example script."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

# The engine's test helpers live beside its unit tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_server import EngineServer, engine_server
from engine_testkit import CONTACTS_YML, running_engine, snapshot

from xmemory import (
    AsyncXmemoryClient,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ExtractionLogic,
    NotFoundError,
    ObjectMutation,
    PayloadTooLargeError,
    ReadMode,
    RelationMutation,
    SchemaType,
    UnprocessableEntityError,
    WriteQueueStatus,
    XmemoryAPIError,
    XmemoryClient,
)
from xmemory_engine.embedded import Engine

SEED_SCRIPT = Path(__file__).with_name("seed_example.txt")


def rules_mind_available() -> bool:
    try:
        from xmemory_engine.minds.rules import rules_mind  # noqa: F401
    except ImportError:
        return False
    return True


needs_rules = pytest.mark.skipif(
    not rules_mind_available(), reason="the rules mind (issue: rules-mind) has not landed yet"
)


# -- in-process ----------------------------------------------------------------------------


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    async with running_engine(tmp_path / "data", api_key="local-key") as running:
        yield running


@pytest.fixture
async def sdk(engine: Engine) -> AsyncIterator[AsyncXmemoryClient]:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=engine.app))
    async with AsyncXmemoryClient(token="local-key", url="http://engine", http_client=http) as c:
        yield c
    await http.aclose()


@pytest.mark.anyio
async def test_every_endpoint_in_process(engine: Engine, sdk: AsyncXmemoryClient) -> None:
    await sdk.check_health()
    clusters = await sdk.admin.list_clusters()
    assert [c.id for c in clusters] == [engine.default_cluster_id]
    assert (await sdk.admin.list_clusters(ids=[engine.default_cluster_id]))[0].org_id == "local"
    cluster = await sdk.admin.get_cluster(engine.default_cluster_id)
    assert cluster.name == "default"

    designed = await sdk.admin.generate_schema(cluster.id, "Track contacts.")
    assert "contact" in designed.data_schema["objects"]
    inst = await sdk.admin.create_instance(
        cluster.id, "contacts", CONTACTS_YML, SchemaType.YML, description="people"
    )
    assert inst.info is not None and inst.info.name == "contacts"
    assert {i.id for i in await sdk.admin.list_instances()} == {inst.id, engine.default_instance_id}
    assert (await sdk.admin.list_instances(ids=[inst.id]))[0].description == "people"
    info = await sdk.admin.get_instance(inst.id)
    assert info.data_schema == (await inst.get_schema()).data_schema
    assert (await sdk.admin.get_instance_schema(inst.id)).data_schema["objects"]["contact"]

    renamed = await sdk.admin.update_instance_metadata(inst.id, "people", "renamed")
    assert (renamed.name, renamed.description) == ("people", "renamed")
    wider = CONTACTS_YML.replace(
        "      city: {type: str}", "      city: {type: str}\n      size: {type: int}"
    )
    updated = await sdk.admin.update_instance_schema(inst.id, wider, SchemaType.YML)
    assert "size" in (updated.data_schema or {})["objects"]["company"]["fields"]

    written = await inst.write(
        structured_mutations=[
            ObjectMutation.create("contact", {"email": "a@x.io"}, {"name": "Ann", "age": 40}),
            ObjectMutation.create("company", {"name": "Acme"}, {"size": 12}),
            RelationMutation.create(
                "works_at", {"employee": {"email": "a@x.io"}, "employer": {"name": "Acme"}}
            ),
        ]
    )
    assert written.write_id and written.trace_id
    assert written.changes is not None and len(written.changes.created) == 3
    assert len(written.cleaned_objects["objects"]) == 2 and written.diff_plan

    text_write = await inst.write(
        "contact: name=Bob; email=b@x.io", extraction_logic=ExtractionLogic.FAST
    )
    assert text_write.changes is not None and text_write.changes.created[0]["key"] == {
        "email": "b@x.io"
    }

    ack = await inst.write_async(
        structured_mutations=[ObjectMutation.update("contact", {"email": "a@x.io"}, {"age": None})]
    )
    status = await inst.write_status(ack.write_id)
    while not status.write_status.is_terminal:
        status = await inst.write_status(ack.write_id)
    assert status.write_status is WriteQueueStatus.COMPLETED
    assert status.completed_at is not None and status.changes is not None
    assert status.changes.updated[0]["after"] == {"age": None}
    missing = await inst.write_status("no-such-write")
    assert missing.write_status is WriteQueueStatus.NOT_FOUND

    answer = await inst.read("who is there?")
    assert answer.reader_result == {"answer": "you asked: who is there?"} and answer.trace_id
    rows = await inst.read(
        "sql: SELECT name FROM contact ORDER BY name", read_mode=ReadMode.RAW_TABLES
    )
    assert rows.reader_result == {"columns": ["name"], "rows": [["Ann"], ["Bob"]]}
    graph = await inst.read(
        "sql: SELECT xuid FROM contact WHERE email = 'a@x.io'", read_mode=ReadMode.XRESPONSE
    )
    assert graph.reader_result["objects"][0]["values"]["name"] == "Ann"
    nothing = await inst.read("unrepresentable", read_mode=ReadMode.XRESPONSE)
    assert nothing.reader_result is None
    noticed = await inst.read("notice")
    assert noticed.notice

    extracted = await inst.extract("contact: name=Cy; email=c@x.io")
    assert (
        extracted.objects_extracted["objects"][0]["values"]["name"] == "Cy" and extracted.trace_id
    )
    assert (
        len(
            (
                await inst.read("sql: SELECT xuid FROM contact", read_mode=ReadMode.RAW_TABLES)
            ).reader_result["rows"]
        )
        == 2
    )

    described = await inst.describe()
    assert [t.name for t in described.tools] == [
        "write",
        "write_async",
        "write_status",
        "read",
        "extract",
    ]
    assert "## read(query, read_mode?, sql?)" in described.as_text()
    assert described.features == ["upsert", "sql_read", "episodes", "forget"]
    assert described.as_openai_tools()[0]["function"]["name"] == "write"

    assert await sdk.admin.delete_instance(inst.id) == [inst.id]
    with pytest.raises(NotFoundError):
        await sdk.admin.get_instance(inst.id)


@pytest.mark.anyio
async def test_bad_inputs_in_process_change_nothing(
    engine: Engine, sdk: AsyncXmemoryClient
) -> None:
    inst = await sdk.admin.create_instance(
        engine.default_cluster_id, "contacts", CONTACTS_YML, SchemaType.YML
    )
    await inst.write(structured_mutations=[ObjectMutation.create("company", {"name": "Acme"})])
    data = engine.settings.data_dir
    before = snapshot(data)

    async def refused(kind: type[XmemoryAPIError], status: int, call: Any) -> XmemoryAPIError:
        with pytest.raises(kind) as caught:
            await call
        assert caught.value.status == status
        assert snapshot(data) == before
        return caught.value

    err = await refused(NotFoundError, 404, sdk.instance("nope").read("q"))
    assert err.code == "not_found"
    await refused(NotFoundError, 404, sdk.admin.get_cluster("nope"))
    await refused(NotFoundError, 404, sdk.instance("nope").write("t"))
    err = await refused(
        BadRequestError,
        400,
        sdk.admin.create_instance(
            engine.default_cluster_id,
            "x",
            "objects: {c: {fields: {a: {type: nope}}}}",
            SchemaType.YML,
        ),
    )
    assert err.code == "invalid_schema" and err.field == "objects.c.fields.a.type"
    err = await refused(
        UnprocessableEntityError,
        422,
        inst.write(structured_mutations=[ObjectMutation.create("person", {"name": "x"})]),
    )
    assert err.field == "structured_mutations[0].object_mutation.object_type"
    err = await refused(
        UnprocessableEntityError,
        422,
        inst.write(
            structured_mutations=[
                ObjectMutation.create("company", {"name": "B"}, {"colour": "red"})
            ]
        ),
    )
    assert "unknown field" in str(err)
    await refused(
        UnprocessableEntityError,
        422,
        inst.write(
            structured_mutations=[ObjectMutation.create("company", {"name": "B"}, {"city": ["x"]})]
        ),
    )
    err = await refused(PayloadTooLargeError, 413, inst.write("x" * 100_001))
    assert err.code == "payload_too_large"
    await refused(PayloadTooLargeError, 413, inst.extract("x" * 100_001))
    await refused(
        BadRequestError,
        400,
        sdk.instance(inst.id).write(structured_mutations=[{"object_mutation": "create"}]),
    )
    # A conflict is found when the write is applied: the job is recorded as failed, the
    # stored records are untouched.
    with pytest.raises(ConflictError) as conflict:
        await inst.write(structured_mutations=[ObjectMutation.create("company", {"name": "Acme"})])
    assert conflict.value.status == 409
    after = snapshot(data)
    assert {k: v for k, v in after.items() if "catalog" not in k} == {
        k: v for k, v in before.items() if "catalog" not in k
    }

    raw = httpx.AsyncClient(transport=httpx.ASGITransport(app=engine.app), base_url="http://e")
    async with raw:
        response = await raw.post(
            f"/instances/{inst.id}/write",
            content=b"{broken",
            headers={"Authorization": "Bearer local-key", "content-type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_request"
        unauthorized = await raw.get("/clusters")
        assert unauthorized.status_code == 401

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=engine.app))
    async with AsyncXmemoryClient(token="wrong", url="http://engine", http_client=http) as bad:
        with pytest.raises(AuthenticationError) as denied:
            await bad.admin.list_clusters()
        assert denied.value.status == 401
    await http.aclose()


# -- over a real loopback server -----------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EngineServer]:
    with engine_server(tmp_path / "srv", "--api-key", "loop-key") as running:
        yield running


@pytest.mark.slow
@needs_rules
def test_every_endpoint_over_loopback(server: EngineServer) -> None:
    with XmemoryClient(token="loop-key", url=server.url, timeout=30) as client:
        client.check_health()
        clusters = client.admin.list_clusters()
        cluster_id = clusters[0].id
        assert client.admin.get_cluster(cluster_id).org_id == "local"
        designed = client.admin.generate_schema(
            cluster_id, "Track contacts with name, email, company, and notes."
        )
        objects = designed.data_schema["objects"]
        (name,) = objects
        assert {"name", "email", "company", "notes"} <= set(objects[name]["fields"])
        inst = client.admin.create_instance(
            cluster_id, "contacts", yaml.dump(designed.data_schema), SchemaType.YML
        )
        assert any(i.id == inst.id for i in client.admin.list_instances())
        assert client.admin.get_instance(inst.id).name == "contacts"
        client.admin.update_instance_metadata(inst.id, "contacts2", "d")
        extended = client.admin.generate_schema(
            cluster_id,
            "Add a phone field to contacts.",
            current_yml_schema=yaml.dump(designed.data_schema),
        )
        client.admin.update_instance_schema(
            inst.id, yaml.dump(extended.data_schema), SchemaType.YML
        )
        assert inst.get_schema().data_schema == extended.data_schema

        result = inst.write("Alice Johnson works at Acme Corp. Her email is alice@acme.com.")
        assert result.changes is not None and result.changes.created
        ack = inst.write_async("Bob Lee is a designer at Globex. He joined last Monday.")
        deadline = time.monotonic() + 20
        status = inst.write_status(ack.write_id)
        while not status.write_status.is_terminal and time.monotonic() < deadline:
            time.sleep(0.05)
            status = inst.write_status(ack.write_id)
        assert status.write_status is WriteQueueStatus.COMPLETED, status
        assert inst.read("What is Alice's email?").reader_result == {"answer": "alice@acme.com"}
        tables = inst.read("List all contacts", read_mode=ReadMode.RAW_TABLES).reader_result
        assert tables["rows"], tables
        graph = inst.read("Show all contacts", read_mode=ReadMode.XRESPONSE).reader_result
        assert {o["values"].get("name") for o in graph["objects"]} >= {"Alice Johnson", "Bob Lee"}
        preview = inst.extract(
            "Carol is a senior engineer at Initech. Her email is carol@initech.com."
        )
        assert preview.objects_extracted["objects"]
        assert inst.describe().tools
        with pytest.raises(NotFoundError):
            client.instance("nope").describe()
        with pytest.raises(PayloadTooLargeError):
            inst.write("y" * 100_001)
        with pytest.raises(UnprocessableEntityError):
            inst.write(structured_mutations=[ObjectMutation.create("spaceship", {"name": "x"})])
        assert client.admin.delete_instance(inst.id) == [inst.id]
    with XmemoryClient(token="wrong", url=server.url) as client, pytest.raises(AuthenticationError):
        client.admin.list_clusters()


@pytest.mark.slow
@needs_rules
def test_the_seed_example_script_runs_as_written(server: EngineServer) -> None:
    """The seed document's full example, verbatim but for the token, against `engine serve`
    (XMEM_API_URL points the client at it; the cluster comes from the engine)."""
    script = SEED_SCRIPT.read_text().replace('token="your-token"', 'token="loop-key"')
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    env["XMEM_API_URL"] = server.url
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "{'answer': 'alice@acme.com'}"
    assert "Bob Lee" in lines[1]


@pytest.mark.anyio
@needs_rules
async def test_the_seed_example_in_process(tmp_path: Path) -> None:
    """The same flow with the async client over ASGITransport, on the default (rules) mind."""
    from xmemory_engine import EngineSettings, open_engine

    async with open_engine(EngineSettings(data_dir=tmp_path / "d")) as engine:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=engine.app))
        async with AsyncXmemoryClient(url="http://engine", http_client=http) as client:
            clusters = await client.admin.list_clusters()
            cluster_id = clusters[0].id
            schema = await client.admin.generate_schema(
                cluster_id, "Track contacts with name, email, company, and notes."
            )
            inst = await client.admin.create_instance(
                cluster_id=cluster_id,
                name="contacts",
                schema_text=yaml.dump(schema.data_schema),
                schema_type=SchemaType.YML,
            )
            await inst.write("Alice Johnson works at Acme Corp. Her email is alice@acme.com.")
            await inst.write("Bob Lee is a designer at Globex. He joined last Monday.")
            result = await inst.read("What is Alice's email?")
            assert result.reader_result == {"answer": "alice@acme.com"}
            result = await inst.read("Who joined recently?")
            assert "Bob Lee" in result.reader_result["answer"]
        await http.aclose()
