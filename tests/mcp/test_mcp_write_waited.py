"""A `write` waited for in this process (the embedded engine) queues its job without syncing the
queue row on its own: the caller is told of it only once the instance's own synced commit holds
it, or, past the wait limit, after the row has been synced (`WriteQueue.make_durable`). Either
way a write answered survives `kill -9` of the server. `write_async` and callers over HTTP keep
the synced row."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp_support import Connected

from support.mcp_calls import tool_ok
from xmemory_engine.api.app import WAITED_HERE
from xmemory_engine.store.base import Catalog, JobRow
from xmemory_mcp import inprocess

pytestmark = pytest.mark.anyio


def person(i: int) -> dict[str, Any]:
    return {"type": "person", "name": f"Person {i:05d}", "fields": {"email": f"p{i}@x.example"}}


def test_the_scope_extension_is_the_engines() -> None:
    assert inprocess.WAITED_HERE == WAITED_HERE


async def catalog_of(connected: Connected) -> Catalog:
    backend = await connected.backend()
    assert backend.write_ended is not None
    catalog: Catalog = backend.write_ended._queue.catalog
    return catalog


async def watched(connected: Connected) -> tuple[list[bool], list[str]]:
    """How each job row is inserted from now on (synced or not), and the rows synced later."""
    catalog = await catalog_of(connected)
    inserted: list[bool] = []
    synced: list[str] = []
    insert, make_durable = catalog.insert_job, catalog.make_durable

    async def insert_job(job: JobRow, *, durable: bool = True) -> JobRow:
        inserted.append(durable)
        return await insert(job, durable=durable)

    async def synced_later(job_id: str, payload: dict[str, Any] | None = None) -> None:
        # A write of objects queued unsynced has its mutations stored only now.
        assert payload is not None and len(payload["mutations"]) > 0
        synced.append(job_id)
        await make_durable(job_id, payload)

    catalog.insert_job = insert_job  # type: ignore[method-assign]
    catalog.make_durable = synced_later  # type: ignore[method-assign]
    return inserted, synced


async def test_a_waited_write_queues_an_unsynced_row_and_write_async_a_synced_one(
    connected: Connected,
) -> None:
    inserted, synced = await watched(connected)
    done = await connected.ok("write", {"objects": [person(i) for i in range(50)]})
    assert done["write_status"] == "completed" and done["counts"]["created"] == 50
    text = await connected.ok("write", {"text": "Person 00042 works at Company 7."})
    assert text["write_status"] == "completed"
    queued = await connected.ok("write_async", {"objects": [person(i) for i in range(50, 60)]})
    assert queued["write_status"] == "queued"
    assert inserted == [False, False, True]
    assert synced == []  # answered at their ends: nothing to sync afterwards
    # The SDK over the engine's HTTP API (no scope extension): synced, as before.
    backend = await connected.backend()
    instance = backend.client.instance(backend.default_instance_id or "")
    ack = await instance.write_async(text="Person 00043 works at Company 8.")
    assert ack.write_id and inserted == [False, False, True, True]


async def test_past_the_wait_limit_the_row_is_synced_before_the_answer(connect: Any) -> None:
    # The engine holds each write 0.3 s before applying it; the server waits 0.05 s.
    async with connect(
        write_wait=0.05, engine_env={"XMEM_ENGINE_TEST_APPLY_DELAY": "0.3"}
    ) as connected:
        inserted, synced = await watched(connected)
        late = await connected.ok("write", {"objects": [person(i) for i in range(20)]})
        assert late["done"] is False
        assert inserted == [False] and synced == [late["write_id"]]
        status = late
        while status["write_status"] not in ("completed", "failed"):
            await anyio.sleep(0.05)
            status = await connected.ok("write_status", {"write_id": late["write_id"]})
        assert status["write_status"] == "completed" and status["counts"]["created"] == 20


# -- kill -9 -------------------------------------------------------------------------------


@asynccontextmanager
async def server(data: Path, errlog: Path, *args: str, **env: str) -> AsyncIterator[Any]:
    """The MCP server as a client spawns it, on the embedded engine in `data`."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "xmemory_mcp", *args],
        env={**keep, "XMEM_DATA_DIR": str(data), **env},
    )
    with errlog.open("a") as err:
        async with (
            stdio_client(params, errlog=err) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


def server_pids() -> list[int]:
    """This process's children running the MCP server."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if parent == os.getpid() and b"xmemory_mcp" in argv:
            found.append(int(entry.name))
    return found


async def stored(session: Any) -> int:
    rows = await tool_ok(
        session,
        "read",
        {"query": "how many", "read_mode": "raw-tables", "sql": "SELECT count(*) FROM person"},
    )
    count: int = rows["reader_result"]["rows"][0][0]
    return count


async def killed_after(
    data: Path, errlog: Path, arguments: dict[str, Any], *args: str, **env: str
) -> dict[str, Any]:
    """The answer to one `write`, then the server killed with SIGKILL at once."""
    answer: dict[str, Any] | None = None
    pids: list[int] = []
    try:
        async with server(data, errlog, *args, **env) as session:
            answer = await tool_ok(session, "write", arguments)
            pids = server_pids()
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            await anyio.sleep(0.2)
    except Exception:  # the session may end in error with the server gone under it
        pass
    assert answer is not None and len(pids) == 1
    return answer


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
async def test_a_write_answered_survives_kill_9(tmp_path: Path) -> None:
    data, errlog = tmp_path / "data", tmp_path / "server.log"
    done = await killed_after(data, errlog, {"objects": [person(i) for i in range(300)]})
    assert done["write_status"] == "completed"
    # Answered unfinished (the engine holds the write 1 s, the server waits 0.1 s): its row
    # was synced before the answer, and the next start applies it, once.
    late = await killed_after(
        data,
        errlog,
        {"objects": [person(i) for i in range(300, 320)]},
        "--write-wait",
        "0.1",
        XMEM_ENGINE_TEST_APPLY_DELAY="1.0",
    )
    assert late["done"] is False
    async with server(data, errlog) as session:
        for _ in range(300):  # the resumed write is applied shortly after the start
            if await stored(session) >= 320:
                break
            await anyio.sleep(0.1)
        status = await tool_ok(session, "write_status", {"write_id": late["write_id"]})
        assert status["write_status"] == "completed"
        assert await stored(session) == 320


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
async def test_a_write_never_answered_is_not_applied_after_kill_9(tmp_path: Path) -> None:
    # Its queue row holds no mutations (`WriteQueue.submit`): the next start fails it,
    # nothing of it stored, rather than apply a write nobody was told of.
    data, errlog = tmp_path / "data", tmp_path / "server.log"
    with contextlib.suppress(Exception):  # the session ends in error with the server gone
        async with (
            server(data, errlog, XMEM_ENGINE_TEST_APPLY_DELAY="5") as session,
            anyio.create_task_group() as tg,
        ):
            tg.start_soon(session.call_tool, "write", {"objects": [person(i) for i in range(30)]})
            await anyio.sleep(1.5)  # queued, held before it is applied
            for pid in server_pids():
                os.kill(pid, signal.SIGKILL)
            await anyio.sleep(0.2)
    async with server(data, errlog) as session:
        for _ in range(100):  # the resumed job is failed shortly after the start
            if failed_jobs(data):
                break
            await anyio.sleep(0.1)
        assert await stored(session) == 0
    (message,) = failed_jobs(data)
    assert "before it was acknowledged" in message


def failed_jobs(data: Path) -> list[str]:
    conn = sqlite3.connect(data / "catalog.sqlite")
    try:
        rows = conn.execute("SELECT error FROM write_jobs WHERE status = 'failed'").fetchall()
    finally:
        conn.close()
    return [json.loads(r[0])["message"] for r in rows]
