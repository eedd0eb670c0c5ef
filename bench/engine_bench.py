"""Benchmark of the engine alone, in-process: batched structured writes and indexed lookups.

    python bench/engine_bench.py [--sizes 10000,100000] [--batch 1000] [--lookups 2000]
                                 [--no-write-results]
    python bench/engine_bench.py --text 10000 [--window 1000]

`--text N` measures the write path instead (issue 11): N one-sentence text writes ("Mara
Quinlan works at Hollow Pine Studio and their email is ..."; every name different) through the
HTTP API with the engine's own rules mind, into the default instance. Per window of writes it
prints the median wall time of a write, the process CPU per write, and the SQLite work per write
(virtual-machine steps, counted by a progress handler on every connection the engine opens: a
count, so it shows growth with the store even on a busy machine); at the end, the bytes on
disk per write (instance file, catalog and WAL, the engine closed) and what each table takes.

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

    for i in range(min(50, n)):  # warm the caches and the connections
        await store(i)
        await read(i, ReadMode.RAW_TABLES.value)
    return {
        "store": _stats(await _timed(n, store)),
        "read sql": _stats(await _timed(n, lambda i: read(i, ReadMode.RAW_TABLES.value))),
        "read xresponse": _stats(await _timed(n, lambda i: read(i, ReadMode.XRESPONSE.value))),
    }


async def run(sizes: list[int], batch: int, lookups: int) -> list[dict[str, Any]]:
    mind = Mind(NoExtraction(), SqlPassthrough(), NoDesign())
    with tempfile.TemporaryDirectory(prefix="xmem-bench-") as tmp:
        settings = EngineSettings(data_dir=Path(tmp), max_mutations=max(batch, 10_000))
        async with open_engine(settings, mind=mind) as engine:
            transport = httpx.ASGITransport(app=engine.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://engine", timeout=600
            ) as http:
                return await fill_and_measure(engine, http, sizes, batch, lookups)


async def fill_and_measure(
    engine: Any, http: httpx.AsyncClient, sizes: list[int], batch: int, lookups: int
) -> list[dict[str, Any]]:
    """A new instance filled to each size in turn, with its write rate and lookup latency
    measured at each (also used by store_bench.py, for each store)."""
    created = await http.post(
        f"/clusters/{engine.default_cluster_id}/instances",
        json={"name": "bench", "instance_schema": {"yml": {"value": SCHEMA}}},
    )
    created.raise_for_status()
    iid = created.json()["items"][0]["id"]
    rng = random.Random(7)
    rows: list[dict[str, Any]] = []
    filled = 0
    for size in sorted(sizes):
        seconds = await _fill(http, iid, filled, size, batch, rng)
        row = {
            "size": size,
            "written": size - filled,
            "write_seconds": seconds,
            "objects_per_s": (size - filled) / seconds,
            "latency": await _lookups(engine, http, iid, size, lookups),
        }
        filled = size
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


def _words(text: str) -> list[str]:
    return text.split()


_FIRST = _words(
    "Mara Tomas Ines Oskar Lena Piet Sofia Anton Greta Milo Rosa Felix Clara Emil Nora Hugo "
    "Alma Jonas Ida Leo Vera Otto Lina Bruno Elsa Karl Maja Ivan Ada Nils Runa Theo Hanna Axel "
    "Liv Paul Edda Sven Tilda Arne Mira Gustav Frida Erik Selma Jakob Wanda Rolf Ebba Olaf"
)
_LAST = [
    a + b
    for a in _words("Quin Ber Ald Mar Thor Van Hol Rey Lun Stra Fal Bran Mos Fer Kes Dah Wre Cas")
    for b in _words("lan berg ford well ton wick more ley son ridge nor hal")
]
_COMPANIES = (
    "Hollow Pine Studio",
    "Granite Ridge Labs",
    "Blue Heron Works",
    "Copper Kettle Foods",
    "Silver Fern Design",
    "Northwind Tools",
    "Amber Lane Books",
    "Red Cedar Clinic",
)


def sentence(i: int) -> str:
    """The i-th one-sentence fact: a person (10,000 different names), a company, an email."""
    first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST)) % len(_LAST)]
    company = _COMPANIES[i % len(_COMPANIES)]
    domain = company.split()[0].lower()
    return (
        f"{first} {last} works at {company} and their email is "
        f"{first.lower()}.{last.lower()}{i}@{domain}.example."
    )


async def text_writes(n: int, window: int) -> None:
    import sqlite3

    from xmemory_engine.store import sqlite as store_sqlite

    steps = [0]
    connect = store_sqlite.connect

    def counted(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
        conn = connect(path, readonly=readonly)

        def tick() -> int:
            steps[0] += 1
            return 0

        conn.set_progress_handler(tick, 100)
        return conn

    store_sqlite.connect = counted  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="xmem-bench-") as tmp:
            data_dir = Path(tmp)
            async with open_engine(EngineSettings(data_dir=data_dir)) as engine:
                iid = engine.default_instance_id
                transport = httpx.ASGITransport(app=engine.app)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://engine", timeout=600
                ) as http:
                    print(f"machine: {_machine()}", flush=True)
                    print("writes     wall median   CPU/write   SQLite steps/write", flush=True)
                    times: list[float] = []
                    cpu, steps[0] = time.process_time(), 0
                    for i in range(n):
                        began = time.perf_counter()
                        response = await http.post(
                            f"/instances/{iid}/write", json={"text": sentence(i)}
                        )
                        response.raise_for_status()
                        times.append((time.perf_counter() - began) * 1000)
                        if (i + 1) % window == 0:
                            spent = (time.process_time() - cpu) * 1000 / window
                            print(
                                f"{i + 1:>6,}  {statistics.median(times[-window:]):9.2f} ms"
                                f"  {spent:8.2f} ms  {steps[0] * 100 / window:12,.0f}",
                                flush=True,
                            )
                            cpu, steps[0] = time.process_time(), 0
            _disk_report(data_dir, n)
    finally:
        store_sqlite.connect = connect  # type: ignore[assignment]


def _disk_report(data_dir: Path, n: int) -> None:
    import sqlite3

    files = {p: p.stat().st_size for p in data_dir.rglob("*.sqlite*") if p.is_file()}
    total = sum(files.values())
    print(f"disk: {total:,} bytes in {len(files)} files = {total / n:,.0f} bytes/write")
    for path, size in sorted(files.items(), key=lambda kv: -kv[1]):
        print(f"  {path.relative_to(data_dir)}: {size:,}")
        if path.suffix != ".sqlite":
            continue
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            biggest = db.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8"
            ).fetchall()
        except sqlite3.OperationalError:  # SQLite built without dbstat
            biggest = []
        finally:
            db.close()
        for name, pages in biggest:
            print(f"      {name:<32} {pages / n:8,.0f} bytes/write")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--no-write-results", action="store_true")
    parser.add_argument("--text", type=int, default=0, help="measure N one-sentence text writes")
    parser.add_argument("--window", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.text:
        anyio.run(text_writes, args.text, args.window)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = anyio.run(run, sizes, args.batch, args.lookups)
    if not args.no_write_results:
        write_results(render(rows, args.batch, args.lookups))
        print(f"wrote the engine section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
