"""Memory from the peers, on files the peers made (tests/fixtures/peers/README.md): imported into
typed records, notes and links with every observation kept, and exported back so the peer
itself reads everything it had. The real server-memory runs when npx has it cached; the real
basic-memory when XMEM_TEST_BASIC_MEMORY names it. No network at test time."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.embedded import Engine
from xmemory_engine.errors import InvalidRequest
from xmemory_engine.portable.mapping import norm
from xmemory_engine.portable.peer_export import export_markdown, export_server_memory
from xmemory_engine.portable.peers import import_peer

pytestmark = pytest.mark.anyio

PEERS = Path(__file__).parent / "fixtures" / "peers"
SERVER_MEMORY = PEERS / "server-memory.jsonl"
BASIC_MEMORY = PEERS / "basic-memory"


def _peer_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_peer_files", PEERS / "make_peer_files.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


peer = _peer_module()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    async with open_engine(EngineSettings(data_dir=tmp_path / "data")) as running:
        yield running


async def rows(engine: Engine, type_name: str) -> list[dict[str, Any]]:
    live = await engine.service.registry.get(engine.default_instance_id)
    spec = live.schema.objects[type_name]
    return await live.data.read(live.schema, lambda t: t.scan(spec, "", 10_000))


async def exported(engine: Engine) -> list[dict[str, Any]]:
    live = await engine.service.registry.get(engine.default_instance_id)
    lines: list[str] = []
    await export_server_memory(live, lines.append)
    return [json.loads(line) for line in lines]


def graph_of(items: list[dict[str, Any]]) -> tuple[dict[str, list[str]], set[tuple[str, ...]]]:
    """Entities as name -> sorted observations, relations as (from, normalised type, to)."""
    entities = {i["name"]: sorted(i["observations"]) for i in items if "entityType" in i}
    links = {(i["from"], norm(i["relationType"]), i["to"]) for i in items if "relationType" in i}
    return entities, links


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


async def test_server_memory_entities_become_typed_records_notes_and_links(
    engine: Engine,
) -> None:
    report = await import_peer(engine.service, "server-memory", SERVER_MEMORY)
    assert report["entities"] == 6 and report["observations"] == 11
    assert report["mapped"]["company"] == {"organization": 1}
    assert report["mapped"]["city"] == {"note": 1}
    assert report["relations"] == {"works_at": 2, "works_on": 1}
    assert report["links"] == {"manages": 1, "lives_in": 1, "knows": 1}
    people = {r["name"]: r for r in await rows(engine, "person")}
    ann = people["Ann Lee"]
    # A labelled observation sets its field; every observation stays, verbatim, a line each.
    assert ann["email"] == "ann@acme.io"
    assert ann["notes"].split("\n") == [
        "Works at Acme Corp as a designer",
        "email: ann@acme.io",
        "Likes tea",
        "Has a cat named Miso",
    ]
    (acme,) = await rows(engine, "organization")
    assert acme["website"] == "https://acme.example"
    notes = {r["topic"]: r["content"] for r in await rows(engine, "note")}
    assert notes == {
        "Paris": "Paris (city)\nCapital of France",
        "Rust": "Rust (programming_language)",
    }
    links = {(r["source"], r["kind"], r["target"]) for r in await rows(engine, "link")}
    assert ("Bob Stone", "manages", "Ann Lee") in links and len(links) == 3
    # Observations are episodes too: what was said, findable and quotable.
    live = await engine.service.registry.get(engine.default_instance_id)
    found = await live.data.read(live.schema, lambda t: t.search_passages("miso", 5))
    assert [p.text for p in found] == ["Ann Lee (person): Has a cat named Miso"]


async def test_server_memory_round_trip_keeps_every_entity_observation_and_relation(
    engine: Engine,
) -> None:
    await import_peer(engine.service, "server-memory", SERVER_MEMORY)
    entities, links = graph_of(await exported(engine))
    original_entities, original_links = graph_of(read_jsonl(SERVER_MEMORY))
    assert entities == original_entities
    assert links == original_links
    # Imported twice: merged, nothing doubled.
    again = await import_peer(engine.service, "server-memory", SERVER_MEMORY)
    assert again["records"] == {"created": 0, "updated": 6}
    assert graph_of(await exported(engine)) == (original_entities, original_links)


async def test_a_dry_run_reports_and_changes_nothing(engine: Engine) -> None:
    before = await exported(engine)
    report = await import_peer(engine.service, "server-memory", SERVER_MEMORY, dry_run=True)
    assert report["dry_run"] and report["schema_adds"] == ["link"]
    assert report["records"] == {"created": 6, "updated": 0} and report["writes"] == 0
    live = await engine.service.registry.get(engine.default_instance_id)
    assert "link" not in live.schema.objects
    assert await exported(engine) == before


async def test_a_mapping_file_overrides_the_types(engine: Engine, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("types:\n  city: organization\n  Programming Language: project\n")
    report = await import_peer(engine.service, "server-memory", SERVER_MEMORY, mapping_path=mapping)
    assert report["mapped"]["city"] == {"organization": 1}
    assert report["mapped"]["programming_language"] == {"project": 1}
    assert sorted(r["name"] for r in await rows(engine, "organization")) == ["Acme Corp", "Paris"]
    bad = tmp_path / "bad.yml"
    bad.write_text("types:\n  city: planet\n")
    with pytest.raises(InvalidRequest, match="'planet', which is not an object type"):
        await import_peer(engine.service, "server-memory", SERVER_MEMORY, mapping_path=bad)


async def test_a_bad_line_is_named_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    lines = SERVER_MEMORY.read_text("utf-8").splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:3], '{"type":"entity","name":"X"}', *lines[3:]]))
    before = await exported(engine)
    with pytest.raises(InvalidRequest, match=r"broken\.jsonl line 4: an entity has a 'name' and"):
        await import_peer(engine.service, "server-memory", broken)
    assert await exported(engine) == before


async def test_many_entities_lose_nothing(engine: Engine, tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    kinds = ("person", "company", "city", "project")
    with big.open("w") as out:
        for i in range(3000):
            said = [f"fact {i}", f"email: p{i}@x.io"] if i % 4 == 0 else [f"fact  {i}\t!"]
            entity = {"type": "entity", "name": f"E{i}", "entityType": kinds[i % 4]}
            out.write(json.dumps(entity | {"observations": said}) + "\n")
        for i in range(0, 3000, 4):
            link = {
                "type": "relation",
                "from": f"E{i}",
                "to": f"E{i + 1}",
                "relationType": "works_at",
            }
            out.write(json.dumps(link) + "\n")
    report = await import_peer(engine.service, "server-memory", big)
    assert report["records"]["created"] == 3000
    assert report["relations"] == {"works_at": 750}
    assert len(await rows(engine, "person")) == 750
    assert graph_of(await exported(engine)) == graph_of(read_jsonl(big))


async def test_basic_memory_notes_become_records_with_their_observations(engine: Engine) -> None:
    report = await import_peer(engine.service, "basic-memory", BASIC_MEMORY)
    assert report["entities"] == 3 and report["observations"] == 6
    # Ann's note says type: person; Acme's says note but is tagged organization.
    assert report["mapped"] == {"note": {"organization": 1, "note": 1}, "person": {"person": 1}}
    assert report["relations"] == {"works_at": 1}
    assert report["links"] == {"lives_in": 1, "part_of": 1}
    (ann,) = await rows(engine, "person")
    assert ann["role"] == "Designer" and ann["email"] == "ann@acme.io"
    assert ann["notes"].split("\n") == [
        "[role] Designer #work",
        "[email] ann@acme.io",
        "[preference] Likes tea",
        "A designer at Acme.",
    ]
    (paris,) = await rows(engine, "note")
    assert paris["content"] == "Paris (note)\n[fact] Capital of France (since 508)"


async def test_markdown_export_is_a_basic_memory_folder_that_imports_the_same(
    engine: Engine, tmp_path: Path
) -> None:
    await import_peer(engine.service, "basic-memory", BASIC_MEMORY)
    await import_peer(engine.service, "server-memory", SERVER_MEMORY)
    first = await exported(engine)
    live = await engine.service.registry.get(engine.default_instance_id)
    counts = await export_markdown(live, tmp_path / "md")
    assert counts["files"] == counts["entities"] == 7
    ann = (tmp_path / "md" / "person" / "Ann Lee.md").read_text("utf-8")
    assert "- [role] Designer #work" in ann and "- works_at [[Acme Corp]]" in ann
    async with open_engine(EngineSettings(data_dir=tmp_path / "other")) as other:
        await import_peer(other.service, "basic-memory", tmp_path / "md")
        second = await exported(other)
    # Each entity (two are called Paris: a note and a city) with its observations, a plain
    # line coming back as basic-memory's "[note] ..." observation.
    assert typed(second) == typed(first)
    assert graph_of(second)[1] == graph_of(first)[1]


def typed(items: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    return {
        (i["name"], i["entityType"]): sorted(o.removeprefix("[note] ") for o in i["observations"])
        for i in items
        if "entityType" in i
    }


@pytest.mark.skipif(not peer.server_memory_cached(), reason="npx has no cached server-memory")
async def test_the_real_server_memory_reads_back_everything_it_wrote(
    engine: Engine, tmp_path: Path
) -> None:
    made, ours = tmp_path / "made.jsonl", tmp_path / "ours.jsonl"
    entities = [
        {"name": f"Person {i}", "entityType": "person", "observations": [f"likes {i}", "ok"]}
        for i in range(20)
    ] + [{"name": "Mars", "entityType": "planet", "observations": ["red", "cold"]}]
    relations = [
        {"from": f"Person {i}", "to": "Mars", "relationType": "wants to visit"} for i in range(20)
    ]
    later = [{"entityName": "Mars", "contents": ["has two moons"]}]
    await peer.server_memory_file(made, entities, relations, later, offline=True)
    await import_peer(engine.service, "server-memory", made)
    ours.write_text("".join(json.dumps(i) + "\n" for i in await exported(engine)), "utf-8")
    graph = await peer.server_memory_graph(ours, offline=True)
    original = await peer.server_memory_graph(made, offline=True)
    assert graph_of(graph["entities"] + graph["relations"]) == graph_of(
        original["entities"] + original["relations"]
    )


@pytest.mark.skipif(
    not os.environ.get("XMEM_TEST_BASIC_MEMORY"), reason="XMEM_TEST_BASIC_MEMORY not set"
)
async def test_a_project_the_real_basic_memory_writes_imports(
    engine: Engine, tmp_path: Path
) -> None:
    binary = os.environ["XMEM_TEST_BASIC_MEMORY"]
    assert shutil.which(binary), binary
    peer.basic_memory_folder(tmp_path / "project", binary)
    report = await import_peer(engine.service, "basic-memory", tmp_path / "project")
    assert report["entities"] == len(peer.NOTES)
    assert report["observations"] == sum(n["content"].count("\n- [") for n in peer.NOTES)
