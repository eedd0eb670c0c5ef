"""Benchmark of the engine alone, in-process: batched structured writes and indexed lookups.

    python bench/engine_bench.py [--sizes 10000,100000] [--batch 1000] [--lookups 2000]
                                 [--no-write-results]

For each size it fills an instance with `item` records by structured writes of `--batch`
creates each (through the HTTP API over httpx.ASGITransport, so JSON, validation, the write
queue and the durable commit are all counted), then measures the latency of an indexed lookup
by primary key at that size, three ways:
- `store`: the record lookup the write path and the extractor use (one indexed SELECT on the
  instance's reader connection, in a worker thread);
- `read sql`: the full read endpoint with an answerer that passes the SQL through (checked by
  the SQL guard, run on the read-only connection, shaped as raw-tables);
- `read xresponse`: the same, shaped as xresponse (fetches the whole object).
Results go to stdout and, unless told not to, to the engine section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
from machine import cpu_name  # bench/ is on sys.path: these run as scripts

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.embedded import Engine
from xmemory_engine.minds.base import (
    Answer,
    AnswerRequest,
    Extraction,
    ExtractionRequest,
    Mind,
    ReadMode,
)
from xmemory_engine.schema import Schema, parse_schema
from xmemory_engine.service.names import find_object_spec
from xmemory_engine.store.base import Tables

SCHEMA = """
objects:
  item:
    description: a product in a catalogue
    primary_key: [sku]
    fields:
      sku: {type: str, required: true}
      name: {type: str, required: true}
      price: {type: float}
      stock: {type: int}
      active: {type: bool}
      category: {type: str, enum: [tools, food, books, toys]}
"""
RESULTS = Path(__file__).with_name("RESULTS.md")
START, END = "<!-- engine-bench:start -->", "<!-- engine-bench:end -->"


class SqlPassthrough:
    """An answerer that runs the question as SQL: the bench measures the engine, not a mind."""

    async def answer(self, request: AnswerRequest) -> Answer:
        return Answer(tables=[await request.run_sql(request.question)])


class NoExtraction:
    async def extract(self, request: ExtractionRequest) -> Extraction:
        return Extraction()


class NoDesign:
    async def design(self, description: str, current: Schema | None = None) -> Schema:
        return parse_schema(SCHEMA)


def _mutation(i: int, rng: random.Random) -> dict[str, Any]:
    return {
        "object_mutation": {
            "object_type": "item",
            "create": {
                "key": {"sku": f"SKU-{i:07d}"},
                "values": {
                    "name": f"Item number {i}",
                    "price": round(rng.uniform(1, 500), 2),
                    "stock": rng.randrange(1000),
                    "active": rng.random() < 0.8,
                    "category": rng.choice(["tools", "food", "books", "toys"]),
                },
            },
        }
    }


async def _fill(
    http: httpx.AsyncClient, iid: str, start: int, stop: int, batch: int, rng: random.Random
) -> float:
    began = time.perf_counter()
    for first in range(start, stop, batch):
        body = {
            "structured_mutations": [
                _mutation(i, rng) for i in range(first, min(stop, first + batch))
            ]
        }
        response = await http.post(f"/instances/{iid}/write", json=body)
        response.raise_for_status()
    return time.perf_counter() - began


async def _timed(samples: int, fn: Any) -> list[float]:
    times = []
    for i in range(samples):
        began = time.perf_counter()
        await fn(i)
        times.append((time.perf_counter() - began) * 1000)
    return times


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1],
    }


async def _lookups(
    engine: Engine, http: httpx.AsyncClient, iid: str, size: int, n: int
) -> dict[str, dict[str, float]]:
    rng = random.Random(size)
    live = await engine.service.registry.get(iid)
    spec = find_object_spec(live.schema, "item")
    assert spec is not None
    keys = [f"SKU-{rng.randrange(size):07d}" for _ in range(n)]

    async def store(i: int) -> None:
        def run(t: Tables) -> Any:
            return t.find_by_key(spec, {"sku": keys[i]})

        found = await live.data.read(live.schema, run)
        assert found is not None

    async def read(i: int, mode: str) -> None:
        sql = f"SELECT xuid, sku, name, price FROM item WHERE sku = '{keys[i]}'"
        response = await http.post(f"/instances/{iid}/read", json={"query": sql, "mode": mode})
        response.raise_for_status()

    for i in range(50):  # warm the caches and the connections
        await store(i)
        await read(i, ReadMode.RAW_TABLES.value)
    return {
        "store": _stats(await _timed(n, store)),
        "read sql": _stats(await _timed(n, lambda i: read(i, ReadMode.RAW_TABLES.value))),
        "read xresponse": _stats(await _timed(n, lambda i: read(i, ReadMode.XRESPONSE.value))),
    }


async def run(sizes: list[int], batch: int, lookups: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    mind = Mind(NoExtraction(), SqlPassthrough(), NoDesign())
    with tempfile.TemporaryDirectory(prefix="xmem-bench-") as tmp:
        settings = EngineSettings(data_dir=Path(tmp), max_mutations=max(batch, 10_000))
        async with open_engine(settings, mind=mind) as engine:
            transport = httpx.ASGITransport(app=engine.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://engine", timeout=600
            ) as http:
                created = await http.post(
                    f"/clusters/{engine.default_cluster_id}/instances",
                    json={"name": "bench", "instance_schema": {"yml": {"value": SCHEMA}}},
                )
                created.raise_for_status()
                iid = created.json()["items"][0]["id"]
                rng = random.Random(7)
                filled = 0
                for size in sorted(sizes):
                    seconds = await _fill(http, iid, filled, size, batch, rng)
                    written = size - filled
                    filled = size
                    latency = await _lookups(engine, http, iid, size, lookups)
                    row = {
                        "size": size,
                        "written": written,
                        "write_seconds": seconds,
                        "objects_per_s": written / seconds,
                        "latency": latency,
                    }
                    rows.append(row)
                    _print_row(row)
    return rows


def _print_row(row: dict[str, Any]) -> None:
    print(
        f"{row['size']:>8,} objects: wrote {row['written']:,} in {row['write_seconds']:.2f}s "
        f"= {row['objects_per_s']:,.0f} objects/s",
        flush=True,
    )
    for name, stats in row["latency"].items():
        print(
            f"{'':>18}{name:<15} median {stats['median_ms']:.3f} ms, p95 {stats['p95_ms']:.3f} ms"
        )


def _machine() -> str:
    cpu = cpu_name()
    import sqlite3

    return (
        f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}"
    )


def render(rows: list[dict[str, Any]], batch: int, lookups: int) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        START,
        "## Engine (in-process)",
        "",
        f"`python bench/engine_bench.py` on {today}; {_machine()}. Data directory on local disk, "
        "WAL with `synchronous=FULL` (every write is fsynced).",
        "",
        f"Structured writes: batches of {batch:,} creates per `write` call through the HTTP API "
        "(httpx.ASGITransport): JSON, validation, the durable queue row, one transaction.",
        f"Lookups: {lookups:,} random primary-key lookups per size; `store` is the indexed record "
        "lookup of the write path, `read sql` the whole read endpoint (SQL guard, read-only "
        "connection, raw-tables), `read xresponse` the same shaped as objects.",
        "",
        "| objects | writes (objects/s) | store median / p95 (ms) | read sql median / p95 (ms) | read xresponse median / p95 (ms) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lat = row["latency"]
        cells = [
            f"{lat[k]['median_ms']:.3f} / {lat[k]['p95_ms']:.3f}"
            for k in ("store", "read sql", "read xresponse")
        ]
        lines.append(
            f"| {row['size']:,} | {row['objects_per_s']:,.0f} | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        "Targets (issue 3): >= 2,000 objects/s in batched structured writes; an indexed lookup "
        "at 100k objects within 2 ms median in-process.",
        END,
    ]
    return "\n".join(lines)


def write_results(section: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _, after = rest.split(END, 1)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--no-write-results", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = anyio.run(run, sizes, args.batch, args.lookups)
    if not args.no_write_results:
        write_results(render(rows, args.batch, args.lookups))
        print(f"wrote the engine section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
