"""A write's body goes from the MCP server's in-process client to the embedded engine as the
value itself (`xmemory.body`), not encoded and parsed again. The engine must answer every
body exactly as it answers its bytes, refuse what the bytes' parser refuses with the same
error, store nothing from a refused body, and leave the value as it found it (the SDK sends
the same one again when it retries).

The reference is httpx over `ASGITransport`, which always sends the bytes, to a second
engine of the same settings: the same answers (ids aside) and the same records stored.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.embedded import Engine
from xmemory_engine.strict_json import MAX_DEPTH, MAX_INT_DIGITS, encode, encoded_bound
from xmemory_mcp.inprocess import InProcessClient

pytestmark = pytest.mark.anyio

BASE = "http://engine.test"
LIMIT = 4_000
"""The engine's body limit in these tests: small, so that bodies on both sides of it are."""


class Colour(enum.IntEnum):
    RED = 1


def upsert(name: str, **values: Any) -> dict[str, Any]:
    return {
        "object_mutation": {
            "object_type": "person",
            "upsert": {"key": {"name": name}, "values": values},
        }
    }


def body(*mutations: Any) -> dict[str, Any]:
    return {"structured_mutations": list(mutations), "extraction_logic": "deep"}


def nested(depth: int) -> Any:
    inner: Any = "x"
    for _ in range(depth):
        inner = [inner]
    return inner


@pytest.fixture
async def engines(tmp_path: Path) -> AsyncIterator[tuple[Engine, Engine]]:
    async with (
        open_engine(EngineSettings(data_dir=tmp_path / "a", max_body_bytes=LIMIT)) as one,
        open_engine(EngineSettings(data_dir=tmp_path / "b", max_body_bytes=LIMIT)) as other,
    ):
        yield one, other


def scrubbed(value: Any) -> Any:
    """An answer without what two engines give differently: ids and times."""
    if isinstance(value, dict):
        return {k: scrubbed(v) for k, v in value.items() if not k.endswith(("id", "ids", "_at"))}
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    return value


async def post(client: httpx.AsyncClient, path: str, value: Any) -> tuple[str, Any]:
    """The answer to one request: its status and envelope, or the exception it raised."""
    try:
        answer = await client.request("POST", f"{BASE}{path}", json=value)
    except Exception as exc:
        return "raised", (type(exc).__name__, str(exc))
    return str(answer.status_code), scrubbed(answer.json())


async def people(client: httpx.AsyncClient, iid: str) -> list[Any]:
    answer = await client.request(
        "POST",
        f"{BASE}/instances/{iid}/read",
        json={
            "query": "all",
            "read_mode": "raw-tables",
            "sql": "SELECT name, email FROM person ORDER BY name",
        },
    )
    rows: list[Any] = answer.json()["items"][0]["reader_result"].get("rows", [])
    return rows


# Each: a body the engine must answer alike from the value and from its bytes.
BODIES: list[tuple[str, Any]] = [
    ("a write", body(upsert("Ann Lee", email="ann@acme.io"))),
    ("two writes of one record", body(upsert("Bo Kim", email="b@x.io"), upsert("Bo Kim"))),
    ("text that is not ASCII", body(upsert("Zoë Ürün", email="z\u00fc@x.io \u2603"))),
    ("a misfit field", body(upsert("Cy", shoe_size=44))),
    ("no mutations", body()),
    ("mutations that are not a list", {"structured_mutations": {"a": 1}}),
    ("text and mutations", {"text": "hi", **body(upsert("Di"))}),
    ("nested as deep as allowed", body(nested(MAX_DEPTH - 2))),
    ("nested too deep", body(nested(MAX_DEPTH - 1))),
    ("an integer too long", body(upsert("Ed", email=10**MAX_INT_DIGITS))),
    ("the longest integer", body(upsert("Ed", email=10**MAX_INT_DIGITS - 1))),
    ("not a number", body(upsert("Flo", email=float("nan")))),
    ("infinite", body(upsert("Flo", email=float("-inf")))),
    ("a lone surrogate", body(upsert("Gus\ud800", email="g@x.io"))),
    ("a lone surrogate in a key", body(upsert("Gus", **{"\udc00": "g@x.io"}))),
    ("a key that is a number", {"structured_mutations": [{1: "x"}]}),
    ("a tuple for a text", body(upsert("Hal", email=("h@x.io",)))),
    ("a tuple inside", {"structured_mutations": (upsert("Ida", email="i@x.io"),)}),
    ("an int enum", body(upsert("Jo", email=Colour.RED))),
    ("over the limit", body(*(upsert(f"Kai {i:03d}", email="k@x.io") for i in range(60)))),
    ("just under the limit", body(*(upsert(f"Lu {i:02d}", email="l@x.io") for i in range(35)))),
]


@pytest.mark.parametrize("value", [b[1] for b in BODIES], ids=[b[0] for b in BODIES])
async def test_a_body_as_a_value_is_answered_as_its_bytes(
    engines: tuple[Engine, Engine], value: Any
) -> None:
    one, other = engines
    async with (
        InProcessClient(one.app, BASE) as ours,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=other.app)) as theirs,
    ):
        kept = copy.deepcopy(value)
        # /write waits for the write's end: what it stored is there to compare.
        answer = await post(ours, f"/instances/{one.default_instance_id}/write", value)
        assert value == kept or value != value  # NaN is not equal to itself
        reference = await post(theirs, f"/instances/{other.default_instance_id}/write", value)
        assert answer == reference
        stored = await people(ours, one.default_instance_id)
        assert stored == await people(theirs, other.default_instance_id)
        if answer[0] != "200":
            assert stored == []  # nothing stored from a refused body


async def test_the_limit_case_bodies_sit_on_both_sides_of_it() -> None:
    """Both are over the limit by their bound, so the engine encodes them to judge them: one
    is over it by its bytes too, the other is not and is taken."""
    cases = {name: value for name, value in BODIES if "limit" in name}
    assert (
        len(encode(cases["over the limit"])) > LIMIT >= len(encode(cases["just under the limit"]))
    )
    assert all((encoded_bound(value) or 0) > LIMIT for value in cases.values())


async def test_write_async_takes_the_value_and_the_write_completes(
    engines: tuple[Engine, Engine],
) -> None:
    engine = engines[0]
    iid = engine.default_instance_id
    value = body(*(upsert(f"Mo {i}", email=f"m{i}@x.io") for i in range(20)))
    kept = copy.deepcopy(value)
    async with InProcessClient(engine.app, BASE) as ours:
        answer = await ours.request("POST", f"{BASE}/instances/{iid}/write_async", json=value)
        assert answer.status_code == 200
        write_id = answer.json()["ids"][0]
        waited = await ours.request(
            "POST", f"{BASE}/instances/{iid}/write", json=body(upsert("Mo 0"))
        )
        assert waited.status_code == 200  # queued behind the first, per instance
        status = await ours.request(
            "POST", f"{BASE}/instances/{iid}/write_status", json={"write_id": write_id}
        )
        assert status.json()["items"][0]["write_status"] == "completed"
        assert len(await people(ours, iid)) == 20
    assert value == kept
