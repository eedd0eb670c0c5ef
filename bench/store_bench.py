"""SQLite and PostgreSQL side by side, in one run: batched structured writes and indexed
lookups, as `engine_bench.py` measures them, for each store.

    python bench/store_bench.py [--sizes 10000,100000] [--batch 1000] [--lookups 1000]
                                [--database-url postgresql://...] [--no-write-results]

Without `--database-url` a throwaway PostgreSQL cluster is started for the run (initdb +
pg_ctl from the `postgresql` package, tests/support/postgres.py) with durable commits (fsync on,
`synchronous_commit` on), as the SQLite store's `synchronous=FULL`; it is removed at the end.
Results go to stdout and, unless told not to, to their own section of bench/RESULTS.md.

    python bench/store_bench.py --processes [--writes 600] [--database-url postgresql://...]

`--processes` measures instead the write throughput of 1 and 2 `engine serve` processes on one
PostgreSQL database (real subprocesses on loopback, each with its own data directory): one-object
`write` calls (each waits until applied), 8 in flight per process, spread round robin over the
processes, into one instance (its jobs applied strictly in queue order, whichever process took
them) and into two (one per process when there are two).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
from engine_bench import (  # bench/ is on sys.path: these run as scripts
    SCHEMA,
    NoDesign,
    NoExtraction,
    SqlPassthrough,
    _lookups,
    _machine,
    _print_row,
    fill_and_measure,
)

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.minds.base import Mind

RESULTS = Path(__file__).with_name("RESULTS.md")
START, END = "<!-- store-bench:start -->", "<!-- store-bench:end -->"
KINDS = ("store", "read sql", "read xresponse")


async def run_store(
    sizes: list[int],
    batch: int,
    lookups: int,
    database_url: str | None,
    *,
    semantic: bool = True,
    instance: str | None = None,
) -> list[dict[str, Any]]:
    """Fill one instance to each size and measure lookups there; `instance`: an instance
    this script filled before (on `database_url`), measured as it is, at `sizes[0]`."""
    mind = Mind(NoExtraction(), SqlPassthrough(), NoDesign())
    with tempfile.TemporaryDirectory(prefix="xmem-store-bench-") as tmp:
        settings = EngineSettings(
            data_dir=Path(tmp),
            max_mutations=max(batch, 10_000),
            database_url=database_url,
            semantic=semantic,
        )
        async with (
            open_engine(settings, mind=mind) as engine,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=engine.app), base_url="http://engine", timeout=600
            ) as http,
        ):
            if instance is not None:
                size = sizes[0]
                row = {"size": size, "written": 0, "write_seconds": 0.0, "objects_per_s": 0.0}
                row["latency"] = await _lookups(engine, http, instance, size, lookups)
                _print_row(row)
                return [row]
            return await fill_and_measure(engine, http, sizes, batch, lookups)


IN_FLIGHT = 8  # concurrent `write` calls per engine process


def _item_write(i: int) -> dict[str, Any]:
    values = {"name": f"Part {i}", "price": round(1 + i % 97 * 0.5, 2), "stock": i % 50}
    create = {"key": {"sku": f"P-{i:07d}"}, "values": values}
    return {
        "structured_mutations": [{"object_mutation": {"object_type": "item", "create": create}}]
    }


async def _write_through(urls: list[str], iids: list[str], writes: int) -> float:
    """Seconds for `writes` one-object writes, write i through process i mod len(urls) into
    instance i mod len(iids)."""
    clients = [httpx.AsyncClient(base_url=url, timeout=600) for url in urls]
    limits = [anyio.Semaphore(IN_FLIGHT) for _ in urls]

    async def one(i: int) -> None:
        k = i % len(clients)
        async with limits[k]:
            response = await clients[k].post(
                f"/instances/{iids[i % len(iids)]}/write", json=_item_write(i)
            )
            response.raise_for_status()

    began = time.perf_counter()
    try:
        async with anyio.create_task_group() as tg:
            for i in range(writes):
                tg.start_soon(one, i)
    finally:
        for client in clients:
            await client.aclose()
    return time.perf_counter() - began


def run_processes(url: str, writes: int) -> list[dict[str, Any]]:
    """Writes/s of 1 and 2 engine processes on `url`, into one instance and into two."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "engine"))
    from engine_server import engine_server

    rows: list[dict[str, Any]] = []
    env = {"XMEM_ENGINE_DATABASE_URL": url}
    body = {"name": "bench", "instance_schema": {"yml": {"value": SCHEMA}}}
    with tempfile.TemporaryDirectory(prefix="xmem-procs-bench-") as tmp:
        for processes in (1, 2):
            with contextlib.ExitStack() as stack:
                servers = [
                    stack.enter_context(engine_server(Path(tmp) / f"{processes}-{n}", env=env))
                    for n in range(processes)
                ]
                urls = [server.url for server in servers]
                for instances in (1, 2):
                    with httpx.Client(base_url=urls[0], timeout=60) as http:
                        cluster = http.get("/instances").json()["items"][0]["cluster_id"]
                        iids = []
                        for _ in range(instances):
                            made = http.post(f"/clusters/{cluster}/instances", json=body)
                            made.raise_for_status()
                            iids.append(made.json()["items"][0]["id"])
                    seconds = anyio.run(_write_through, urls, iids, writes)
                    row = {
                        "processes": processes,
                        "instances": instances,
                        "writes": writes,
                        "seconds": seconds,
                        "writes_per_s": writes / seconds,
                    }
                    print(
                        f"{processes} process(es), {instances} instance(s): {writes} writes in "
                        f"{seconds:.2f} s = {writes / seconds:,.0f} writes/s",
                        flush=True,
                    )
                    rows.append(row)
    return rows


def render(results: dict[str, list[dict[str, Any]]], batch: int, lookups: int, server: str) -> str:
    lines = [
        START,
        "## Stores side by side: SQLite and PostgreSQL (issue 12)",
        "",
        f"`python bench/store_bench.py` on {datetime.date.today().isoformat()}, one run; "
        f"{_machine()}; {server}. Both durable: SQLite `synchronous=FULL`, PostgreSQL fsync "
        "and `synchronous_commit` on, on the same local disk, in-process (httpx.ASGITransport).",
        "",
        f"Writes: batches of {batch:,} structured creates per `write` call. Lookups: {lookups:,} "
        "random primary-key lookups per size; `store` is the indexed record lookup, `read sql` "
        "the whole read endpoint (guard, read-only connection or transaction, raw-tables), "
        "`read xresponse` the same shaped as objects. Times are median / p95 in ms.",
        "",
        "| store | objects | writes (objects/s) | store | read sql | read xresponse |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for store, rows in results.items():
        for row in rows:
            lat = row["latency"]
            cells = [f"{lat[k]['median_ms']:.3f} / {lat[k]['p95_ms']:.3f}" for k in KINDS]
            lines.append(
                f"| {store} | {row['size']:,} | {row['objects_per_s']:,.0f} | "
                + " | ".join(cells)
                + " |"
            )
    lines += [
        "",
        "Targets (issue 12): PostgreSQL >= 2,000 objects/s batched structured writes; indexed "
        "lookup <= 2 ms median at 1M objects (`--sizes 1000000`).",
        END,
    ]
    return "\n".join(lines)


def write_results(section: str) -> None:
    text = RESULTS.read_text()
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
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--stores", default="sqlite,postgres", help="which stores, in order")
    parser.add_argument("--json", type=Path, default=None, help="also save the rows here")
    parser.add_argument("--no-semantic", action="store_true", help="reads find by words only")
    parser.add_argument("--instance", default=None, help="measure this filled instance only")
    parser.add_argument("--processes", action="store_true", help="1 vs 2 engine processes")
    parser.add_argument("--writes", type=int, default=600)
    parser.add_argument("--no-write-results", action="store_true")
    args = parser.parse_args(argv)
    if args.processes:
        args.stores = "postgres"
    stores = [s.strip().lower() for s in args.stores.split(",") if s.strip()]
    unknown = set(stores) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown stores: {', '.join(sorted(unknown))}")
    sizes = [int(s) for s in args.sizes.split(",")]
    cluster = None
    url = args.database_url
    if url is None and "postgres" in stores:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from support.postgres import start_cluster

        cluster = start_cluster(durable=True)
        url = cluster.create_database()
    try:
        server = "no PostgreSQL"
        if url is not None:
            import psycopg

            with psycopg.connect(url) as conn:
                server = f"PostgreSQL {conn.info.server_version // 10000}"
        if args.processes:
            rows = run_processes(url, args.writes) if url is not None else []
            if args.json is not None:
                args.json.write_text(json.dumps({"processes": rows}, indent=1))
            return 0
        results: dict[str, list[dict[str, Any]]] = {}
        for store in stores:
            name, database_url = ("SQLite", None) if store == "sqlite" else ("PostgreSQL", url)
            print(f"== {name}", flush=True)
            results[name] = anyio.run(
                functools.partial(
                    run_store,
                    sizes,
                    args.batch,
                    args.lookups,
                    database_url,
                    semantic=not args.no_semantic,
                    instance=args.instance,
                )
            )
            if args.json is not None:
                args.json.write_text(json.dumps(results, indent=1))
    finally:
        if cluster is not None:
            cluster.stop()
    section = render(results, args.batch, args.lookups, server)
    print(section)
    if not args.no_write_results:
        write_results(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
