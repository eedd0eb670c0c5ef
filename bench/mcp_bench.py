"""Benchmark of xmemory-mcp over stdio against a no-op MCP server on the same SDK (the floor).

    python bench/mcp_bench.py                 # 10k stored objects, prints a Markdown report
    python bench/mcp_bench.py --record        # ... and appends it to bench/RESULTS.md

Measured in one run, both servers spawned the way clients spawn them (`python -m ...` over
stdio, driven by the `mcp` package's `ClientSession`):

- start-up: from spawn to the answer of the first `tools/list` (initialize included), warm
  data directory, median of --starts runs, servers alternating;
- call latency: median / p99 of xmemory-mcp's `read` on an instance holding --objects stored
  objects, against the floor's `noop` call, --reads calls each after a warm-up.

Targets (issue 4): start-up <= 1.3x the floor; `read` median <= the floor's call + 2 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from machine import cpu_name  # bench/ is on sys.path: these run as scripts
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from xmemory_mcp.backend import open_backend
from xmemory_mcp.settings import Settings

HERE = Path(__file__).resolve().parent
FLOOR = [str(HERE / "mcp_floor.py")]
XMEMORY = ["-m", "xmemory_mcp"]
BATCH = 1000


def person(i: int) -> dict[str, Any]:
    return {
        "object_mutation": {
            "object_type": "person",
            "create": {
                "key": {"name": f"Person {i:05d}"},
                "values": {"email": f"person{i:05d}@example.com", "company": f"Company {i % 97}"},
            },
        }
    }


async def seed(data_dir: Path, objects: int) -> str:
    """Store `objects` people in the default instance through the SDK; its id."""
    async with open_backend(Settings(data_dir=data_dir)) as backend:
        assert backend.default_instance_id is not None
        instance = backend.client.instance(backend.default_instance_id)
        for start in range(0, objects, BATCH):
            batch = [person(i) for i in range(start, min(start + BATCH, objects))]
            await instance.write(structured_mutations=batch, timeout=600)
        return backend.default_instance_id


def question(i: int, objects: int) -> str:
    return f"What is the email of Person {(i * 7919) % objects:05d}?"


async def sdk_reads(data_dir: Path, objects: int, n: int) -> list[float]:
    """The same reads through the SDK in this process: the engine's share, without MCP."""
    async with open_backend(Settings(data_dir=data_dir)) as backend:
        assert backend.default_instance_id is not None
        instance = backend.client.instance(backend.default_instance_id)
        for i in range(min(50, n)):
            await instance.read(question(i, objects))
        times = []
        for i in range(n):
            started = time.perf_counter()
            await instance.read(question(i, objects))
            times.append(time.perf_counter() - started)
        return times


def params(args: list[str], data_dir: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=args, env={"XMEM_DATA_DIR": str(data_dir)}
    )


async def time_to_first_list(server: StdioServerParameters) -> float:
    started = time.perf_counter()
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        await session.list_tools()
        return time.perf_counter() - started


async def call_latencies(
    server: StdioServerParameters, call: Callable[[ClientSession, int], Awaitable[Any]], n: int
) -> list[float]:
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        await session.list_tools()
        for i in range(min(50, n)):  # warm-up: caches, first-use imports, SQLite pages
            await call(session, i)
        times = []
        for i in range(n):
            started = time.perf_counter()
            await call(session, i)
            times.append(time.perf_counter() - started)
        return times


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def machine() -> str:
    cpu = cpu_name()
    from importlib.metadata import version

    import mcp  # noqa: F401  (version from metadata below)

    return (
        f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}, mcp {version('mcp')}"
    )


async def run(objects: int, reads: int, starts: int) -> str:
    with tempfile.TemporaryDirectory(prefix="xmemory-mcp-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        seeded = time.perf_counter()
        await seed(data_dir, objects)
        seed_s = time.perf_counter() - seeded
        floor, ours = params(FLOOR, data_dir), params(XMEMORY, data_dir)

        floor_starts, our_starts, cold_starts = [], [], []
        snapshot = data_dir / "mcp-tools.json"
        for _ in range(starts):
            floor_starts.append(await time_to_first_list(floor))
            our_starts.append(await time_to_first_list(ours))
            snapshot.unlink(missing_ok=True)  # the engine's start on the critical path again
            cold_starts.append(await time_to_first_list(ours))

        async def noop(session: ClientSession, i: int) -> Any:
            return await session.call_tool("noop", {})

        async def read(session: ClientSession, i: int) -> Any:
            result = await session.call_tool("read", {"query": question(i, objects)})
            assert not result.is_error, result.content
            return result

        floor_calls = await call_latencies(floor, noop, reads)
        our_reads = await call_latencies(ours, read, reads)
        engine_reads = await sdk_reads(data_dir, objects, reads)

        async def list_clusters(session: ClientSession, i: int) -> Any:
            return await session.call_tool("list_clusters", {})

        our_plain = await call_latencies(ours, list_clusters, reads)

    ms = 1000.0
    start_ratio = statistics.median(our_starts) / statistics.median(floor_starts)
    read_gap = (statistics.median(our_reads) - statistics.median(floor_calls)) * ms
    rows = [
        (
            "spawn -> first tools/list, median",
            statistics.median(floor_starts) * ms,
            statistics.median(our_starts) * ms,
        ),
        (
            "the same without the catalog snapshot",
            statistics.median(floor_starts) * ms,
            statistics.median(cold_starts) * ms,
        ),
        (
            "call, median (floor: noop; ours: read)",
            statistics.median(floor_calls) * ms,
            statistics.median(our_reads) * ms,
        ),
        ("call, p99", p99(floor_calls) * ms, p99(our_reads) * ms),
    ]
    engine_ms = statistics.median(engine_reads) * ms
    lines = [
        f"### {datetime.date.today().isoformat()} — {objects} stored objects, {reads} calls, {starts} starts",
        "",
        f"Machine: {machine()}. Seeding {objects} objects took {seed_s:.1f} s.",
        "",
        "| measure | floor (no-op server) | xmemory-mcp |",
        "|---|---:|---:|",
        *(f"| {name} | {a:.1f} ms | {b:.1f} ms |" for name, a, b in rows),
        f"| `read` through the SDK in-process, no MCP (the engine's share), median | — | {engine_ms:.1f} ms |",
        f"| `list_clusters` over stdio (the server without a mind), median | {statistics.median(floor_calls) * ms:.1f} ms | {statistics.median(our_plain) * ms:.1f} ms |",
        "",
        f"- start-up: {start_ratio:.2f}x the floor (target <= 1.3x):"
        f" {'met' if start_ratio <= 1.3 else 'NOT met'}",
        f"- `read` median: floor + {read_gap:.2f} ms (target <= + 2 ms):"
        f" {'met' if read_gap <= 2.0 else 'NOT met'}",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    report = anyio.run(run, args.objects, args.reads, args.starts)
    print(report)
    if args.record:
        record(HERE / "RESULTS.md", report)


def record(results: Path, report: str) -> None:
    """Append `report` at the end of the `## MCP server` section (other sections are others')."""
    heading = "\n## MCP server\n"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if heading not in text:
        text = text.rstrip("\n") + "\n" + heading + "\nWhat is measured: `bench/mcp_bench.py`.\n"
    start = text.index(heading) + len(heading)
    # The section ends at the next heading, or at the marker opening the next one (the peers
    # section is bracketed by HTML comments that bench/peers.py writes inside).
    ends = [i for i in (text.find("\n## ", start), text.find("\n<!-- ", start)) if i != -1]
    end = min(ends) if ends else len(text)
    section = text[:end].rstrip("\n") + "\n\n" + report.rstrip("\n") + "\n"
    rest = text[end:]
    results.write_text(section + ("\n" + rest.lstrip("\n") if rest else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
