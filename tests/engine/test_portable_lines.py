"""The portable line format: an instance exported, imported elsewhere and exported again is
the same, line for line (records, relations, episodes, history); bad files store nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_testkit import (
    asgi_client,
    create_body,
    item,
    obj_create,
    obj_delete,
    obj_update,
    rel_create,
    running_engine,
)

from xmemory_engine.embedded import Engine
from xmemory_engine.errors import Conflict, InvalidRequest
from xmemory_engine.portable.lines import export_instance, import_instance

pytestmark = pytest.mark.anyio


async def write(client: httpx.AsyncClient, iid: str, **body: Any) -> dict[str, Any]:
    return item(await client.post(f"/instances/{iid}/write", json=body))


async def filled_instance(engine: Engine) -> str:
    """An instance with text writes, structured writes, corrections, a deletion, a relation,
    a long text extended (kept as what was added) and every field type."""
    async with asgi_client(engine) as client:
        created = await client.post(
            f"/clusters/{engine.default_cluster_id}/instances", json=create_body()
        )
        iid = str(item(created)["id"])
        await write(client, iid, text="contact: name=Ann Lee; email=ann@acme.io; age=40")
        await write(client, iid, text="contact: name=Bo; email=bo@x.io")
        await write(
            client,
            iid,
            structured_mutations=[
                obj_create("company", {"name": "Acme"}, {"city": "Oslo"}),
                obj_update("contact", {"email": "ann@acme.io"}, {"age": 41, "score": 2.5}),
                obj_update("contact", {"email": "bo@x.io"}, {"active": True, "stage": "lead"}),
            ],
            source_text="Ann turned 41. Bo is an active lead.",
        )
        await write(
            client,
            iid,
            structured_mutations=[
                rel_create(
                    "works_at",
                    {"employee": {"email": "ann@acme.io"}, "employer": {"name": "Acme"}},
                    since=2020,
                )
            ],
        )
        long = "Ann likes long walks along the fjord. " * 8
        await write(client, iid, structured_mutations=[obj_create("memo", {}, {"content": long})])
        memo = (await read_rows(engine, iid, "memo"))[0]
        await write(
            client,
            iid,
            structured_mutations=[
                obj_update("memo", {"xuid": memo["xuid"]}, {"content": long + "And tea."})
            ],
        )
        await write(client, iid, structured_mutations=[obj_delete("contact", {"email": "bo@x.io"})])
        await write(client, iid, text="Just a sentence nobody extracts anything from.")
    return iid


async def read_rows(engine: Engine, iid: str, type_name: str) -> list[dict[str, Any]]:
    live = await engine.service.registry.get(iid)
    spec = live.schema.objects[type_name]
    return await live.data.read(live.schema, lambda t: t.scan(spec, "", 100))


async def export_text(engine: Engine, iid: str, path: Path) -> list[dict[str, Any]]:
    live = await engine.service.registry.get(iid)
    with path.open("w", encoding="utf-8") as out:
        await export_instance(live, out.write)
    return load(path)


def load(path: Path) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    del lines[0]["xmemory"]["exported_at"]
    return lines


async def test_export_import_export_gives_the_same_lines(tmp_path: Path) -> None:
    path, again = tmp_path / "out.jsonl", tmp_path / "again.jsonl"
    async with running_engine(tmp_path / "a") as engine:
        iid = await filled_instance(engine)
        first = await export_text(engine, iid, path)
    kinds = [next(iter(line)) for line in first]
    assert kinds[0] == "xmemory" and kinds[-1] == "end"
    assert first[-1]["end"] == {
        "episodes": kinds.count("episode"),
        "records": kinds.count("record"),
        "relations": kinds.count("relation"),
        "facts": kinds.count("fact"),
    }
    # What the instance went through is all there: the deleted contact's history, the
    # extended memo whole, the relation's own fact and field.
    facts = [line["fact"] for line in first if "fact" in line]
    assert any(f["value"] == "bo@x.io" and f["retired_by"] for f in facts)
    assert any(str(f["value"]).endswith("And tea.") and f["retired_at"] is None for f in facts)
    assert any(f["type"] == "works_at" and f["field"] == "since" for f in facts)
    assert kinds.count("relation") == 1 and kinds.count("episode") == 8

    async with running_engine(tmp_path / "b") as engine:
        report = await import_instance(engine.service, path)
        assert report["instance_id"] == iid and report["creates_instance"]
        assert report["counts"] == first[-1]["end"]
        second = await export_text(engine, iid, again)
        # The restored instance answers like the original: history and full text work.
        async with asgi_client(engine) as client:
            found = await client.post(
                f"/instances/{iid}/read",
                json={"query": "sql: SELECT age FROM contact", "mode": "single-answer"},
            )
            evidence = item(found).get("evidence") or []
        live = await engine.service.registry.get(iid)
        passages = await live.data.read(
            live.schema, lambda t: [p.text for p in t.search_passages("nobody", 5)]
        )
    assert passages == ["Just a sentence nobody extracts anything from."]
    # Only the cluster differs: the other data directory has its own default cluster.
    for header in (first[0], second[0]):
        del header["xmemory"]["instance"]["cluster_id"]
    assert second[0] == first[0]
    for kind in ("episode", "record", "relation", "fact"):
        assert [x for x in second if kind in x] == [x for x in first if kind in x], kind
    assert second == first
    assert any(e.get("history") for e in evidence)


async def test_import_refuses_an_instance_that_holds_memory(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    async with running_engine(tmp_path / "a") as engine:
        iid = await filled_instance(engine)
        await export_text(engine, iid, path)
        with pytest.raises(Conflict, match="already holds memory"):
            await import_instance(engine.service, path)
        # Into a new id beside it: a second copy.
        report = await import_instance(engine.service, path, instance_id="copy-1")
        copied = await read_rows(engine, "copy-1", "contact")
    assert report["creates_instance"]
    assert [r["name"] for r in copied] == ["Ann Lee"]


async def test_a_cut_or_broken_file_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    async with running_engine(tmp_path / "a") as engine:
        iid = await filled_instance(engine)
        await export_text(engine, iid, path)
    lines = path.read_text("utf-8").splitlines()
    cut, broken, alien = tmp_path / "cut.jsonl", tmp_path / "broken.jsonl", tmp_path / "x.jsonl"
    cut.write_text("\n".join(lines[:-3]) + "\n", "utf-8")
    broken.write_text("\n".join([*lines[:3], '{"record": {"type": "contact"}}', *lines[3:]]))
    alien.write_text('{"type":"entity","name":"Ann","entityType":"person","observations":[]}\n')
    async with running_engine(tmp_path / "b") as engine:
        with pytest.raises(InvalidRequest, match="cut short"):
            await import_instance(engine.service, cut)
        with pytest.raises(InvalidRequest, match="line 4: 'record' lacks 'xuid'"):
            await import_instance(engine.service, broken)
        with pytest.raises(InvalidRequest, match="line 1: not an xmemory export"):
            await import_instance(engine.service, alien)
        assert await engine.service.catalog.get_instance(iid) is None


async def test_dry_run_says_what_would_be_stored_and_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    async with running_engine(tmp_path / "a") as engine:
        iid = await filled_instance(engine)
        await export_text(engine, iid, path)
    async with running_engine(tmp_path / "b") as engine:
        report = await import_instance(engine.service, path, dry_run=True)
        assert report["dry_run"] and report["counts"]["records"] == 3
        assert await engine.service.catalog.get_instance(iid) is None
