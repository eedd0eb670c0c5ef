"""A write nobody waits for (`write_async`) keeps for `write_status` exactly what a waited
`write` of the same mutations keeps: the same bounded `changes`, counts exact."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from engine_testkit import create_body, item, obj_create, obj_update
from test_engine_writes import wait_done

from xmemory_engine.embedded import Engine


async def _instance(engine: Engine, client: httpx.AsyncClient) -> str:
    response = await client.post(
        f"/clusters/{engine.default_cluster_id}/instances", json=create_body()
    )
    return str(item(response)["id"])


def _mutations(count: int, *, update: bool = False) -> list[Any]:
    if update:
        return [
            obj_update("contact", {"email": f"c{i}@x.io"}, {"age": 40 + i}) for i in range(count)
        ]
    return [
        obj_create("contact", {"email": f"c{i}@x.io"}, {"name": f"Contact {i}", "age": i})
        for i in range(count)
    ]


def _shape(changes: dict[str, Any]) -> dict[str, Any]:
    """The report without the xuids, which differ between two instances."""

    def strip(entry: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in entry.items() if k != "xuid"}

    return {k: [strip(e) for e in v] if isinstance(v, list) else v for k, v in changes.items()}


@pytest.mark.anyio
@pytest.mark.parametrize("count", [3, 60, 400])
async def test_write_async_keeps_what_write_keeps(
    engine: Engine, client: httpx.AsyncClient, count: int
) -> None:
    waited, queued = await _instance(engine, client), await _instance(engine, client)
    for update in (False, True):
        body = {"structured_mutations": _mutations(count, update=update)}
        done = item(await client.post(f"/instances/{waited}/write", json=body))
        ack = item(await client.post(f"/instances/{queued}/write_async", json=body))
        kept_waited = await wait_done(client, waited, done["write_id"])
        kept_queued = await wait_done(client, queued, ack["write_id"])
        assert kept_queued["write_status"] == kept_waited["write_status"] == "completed"
        changes = kept_queued["changes"]
        assert _shape(changes) == _shape(kept_waited["changes"])
        counted = "updated" if update else "created"
        assert changes["counts"][counted] == count
        assert bool(changes.get("truncated")) == (len(changes[counted]) < count)
        # The waited write answered with its whole report.
        assert len(done["changes"][counted]) == count
        assert len(done["diff_plan"]) == count
