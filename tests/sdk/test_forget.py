"""`forget` through the SDK: over a real loopback `engine serve` with its default (rules) mind, a
user's address is written, forgotten, and gone from every file of the data directory while
the server runs; in process, bad arguments are refused before any request, and the engine's
refusals arrive as the SDK's errors with nothing changed."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_server import engine_server
from engine_testkit import create_body, running_engine, snapshot

from support.data_dir import files_holding
from xmemory import (
    AsyncXmemoryClient,
    BadRequestError,
    ForgetResult,
    NotFoundError,
    ObjectMutation,
    XmemoryClient,
)
from xmemory_engine.embedded import Engine

SAID = "My name is Sam Rivera. My address is 12 Elm Street, Springfield. I love hiking."


@pytest.mark.slow
def test_forget_my_address_over_loopback(tmp_path: Path) -> None:
    data_dir = tmp_path / "srv"
    with (
        engine_server(data_dir, "--api-key", "loop-key") as server,
        XmemoryClient(token="loop-key", url=server.url, timeout=60) as client,
    ):
        memory = client.instance(client.admin.list_instances()[0].id)
        memory.write(SAID)
        assert "Elm Street" in str(memory.read("What is my address?").reader_result)
        assert files_holding(data_dir, "12 Elm Street")

        result = memory.forget("12 Elm Street")

        assert isinstance(result, ForgetResult)
        assert result.forgotten["sentences"] == 1 and result.forgotten["episodes"] == 1
        assert result.forgotten["fields"] + result.forgotten["records"] >= 1
        assert "Elm" not in result.model_dump_json()
        # The server is still running: its -wal and -shm files are looked at too.
        assert any(p.name.endswith("-wal") for p in data_dir.rglob("*"))
        assert files_holding(data_dir, "12 Elm Street") == []
        assert files_holding(data_dir, "Springfield") == []  # the rest of its sentence
        after = memory.read("What is my address?")
        assert after.basis == "nothing" and not after.passages and not after.evidence
        assert "Elm" not in str(after.reader_result)
        # What else was said stays.
        assert "loves" in str(memory.read("What do I love?").reader_result)
        assert files_holding(data_dir, "Sam Rivera")


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    async with running_engine(tmp_path / "data") as running:
        yield running


@pytest.fixture
async def contacts(engine: Engine) -> AsyncIterator[tuple[AsyncXmemoryClient, str]]:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=engine.app))
    async with AsyncXmemoryClient(url="http://engine", http_client=http) as client:
        body = create_body()
        created = await client.admin.create_instance(
            engine.default_cluster_id, body["name"], body["instance_schema"]["yml"]["value"], "yml"
        )
        yield client, created.id
    await http.aclose()


@pytest.mark.anyio
async def test_forget_a_record_by_key_in_process(
    engine: Engine, contacts: tuple[AsyncXmemoryClient, str]
) -> None:
    client, iid = contacts
    memory = client.instance(iid)
    ann = ObjectMutation.create("contact", {"email": "ann@x.io"}, {"name": "Ann Lee"})
    bo = ObjectMutation.create("contact", {"email": "bo@y.io"}, {"name": "Bo Kim"})
    await memory.write(structured_mutations=[ann, bo], source_text="Ann Lee and Bo Kim met.")

    result = await memory.forget(object_type="contact", key={"email": "ann@x.io"})

    assert [r["type"] for r in result.records] == ["contact"]
    assert result.forgotten["records"] == 1 and result.forgotten["sentences"] == 1
    rows = await memory.read("sql: SELECT email FROM contact", sql="SELECT email FROM contact")
    assert "bo@y.io" in str(rows.reader_result) and "ann@x.io" not in str(rows.reader_result)
    assert files_holding(engine.settings.data_dir, "Ann Lee") == []


@pytest.mark.anyio
async def test_refusals_change_nothing(
    engine: Engine, contacts: tuple[AsyncXmemoryClient, str]
) -> None:
    client, iid = contacts
    memory = client.instance(iid)
    await memory.write(
        structured_mutations=[ObjectMutation.create("contact", {"email": "a@x.io"}, {"name": "A"})]
    )
    before = snapshot(engine.settings.data_dir)
    # Refused before any request is made.
    with pytest.raises(ValueError, match="non-empty"):
        await memory.forget("  ")
    with pytest.raises(ValueError, match="exactly one"):
        await memory.forget("Ann", object_type="contact", xuid="x")
    with pytest.raises(ValueError, match="exactly one"):
        await memory.forget()
    with pytest.raises(ValueError, match="exactly one of `xuid` and `key`"):
        await memory.forget(object_type="contact")
    # Refused by the engine.
    with pytest.raises(NotFoundError, match="nothing was removed"):
        await memory.forget(object_type="contact", xuid="no-such-record")
    with pytest.raises(BadRequestError) as short:
        await memory.forget("a!")
    assert short.value.field == "text"
    with pytest.raises(BadRequestError, match="primary key"):
        await memory.forget(object_type="contact", key={"name": "A"})
    assert snapshot(engine.settings.data_dir) == before
