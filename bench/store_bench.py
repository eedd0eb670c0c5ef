"""SQLite and PostgreSQL side by side, in one run: batched structured writes and indexed
lookups, as `engine_bench.py` measures them, for each store.

    python bench/store_bench.py [--sizes 10000,100000] [--batch 1000] [--lookups 1000]
                                [--database-url postgresql://...] [--no-write-results]

Without `--database-url` a throwaway PostgreSQL cluster is started for the run (initdb +
pg_ctl from the `postgresql` package, tests/support/postgres.py) with durable commits (fsync on,
`synchronous_commit` on), as the SQLite store's `synchronous=FULL`; it is removed at the end.
Results go to stdout and, unless told not to, to their own section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio
import httpx
from engine_bench import (  # bench/ is on sys.path: these run as scripts
    SCHEMA,
    NoDesign,
    NoExtraction,
    SqlPassthrough,
    _fill,
    _lookups,
    _machine,
    _print_row,
)

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.minds.base import Mind

RESULTS = Path(__file__).with_name("RESULTS.md")
START, END = "<!-- store-bench:start -->", "<!-- store-bench:end -->"
KINDS = ("store", "read sql", "read xresponse")


async def run_store(
    sizes: list[int], batch: int, lookups: int, database_url: str | None
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    mind = Mind(NoExtraction(), SqlPassthrough(), NoDesign())
    with tempfile.TemporaryDirectory(prefix="xmem-store-bench-") as tmp:
        settings = EngineSettings(
            data_dir=Path(tmp), max_mutations=max(batch, 10_000), database_url=database_url
        )
        async with (
            open_engine(settings, mind=mind) as engine,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=engine.app), base_url="http://engine", timeout=600
            ) as http,
        ):
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
        "lookup <= 2 ms median (issue 12 asks it at 1M objects: not measured here).",
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
    parser.add_argument("--no-write-results", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    cluster = None
    url = args.database_url
    if url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from support.postgres import start_cluster

        cluster = start_cluster(durable=True)
        url = cluster.create_database()
    try:
        import psycopg

        with psycopg.connect(url) as conn:
            server = f"PostgreSQL {conn.info.server_version // 10000}"
        results: dict[str, list[dict[str, Any]]] = {}
        for store, database_url in (("SQLite", None), ("PostgreSQL", url)):
            print(f"== {store}", flush=True)
            results[store] = anyio.run(run_store, sizes, args.batch, args.lookups, database_url)
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
