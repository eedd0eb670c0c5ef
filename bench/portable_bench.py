"""Import and export timings: a 10,000-entity server-memory file into a fresh data directory,
the instance exported to the portable line format and restored elsewhere (issue 15: the
import takes under 10 s and loses nothing).

    python bench/portable_bench.py [--entities 10000] [--peer] [--record]

The file holds people, companies, cities and projects with 3 observations each (one a
labelled email or website) and a relation per entity (half of them typed links). With
--peer it is written by the real @modelcontextprotocol/server-memory (npx, cached), else
generated in the same shape. Times are wall clock for `xmemory-mcp import` and `export` run as
commands (start-up included), and in-process for the import alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("person", "company", "city", "project")


def entities_and_relations(count: int) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    entities = []
    for i in range(count):
        kind = KINDS[i % 4]
        labelled = (
            f"email: user{i}@example.org" if kind == "person" else f"website: https://e{i}.org"
        )
        said = [f"Entity number {i} is a {kind}", labelled, f"Mentioned on day {i % 365}"]
        entities.append({"name": f"{kind.title()} {i}", "entityType": kind, "observations": said})
    relations = []
    for i in range(0, count - 1):
        a, b = entities[i], entities[i + 1]
        kind = (
            "works_at" if a["entityType"] == "person" and b["entityType"] == "company" else "knows"
        )
        relations.append({"from": a["name"], "to": b["name"], "relationType": kind})
    return entities, relations


def write_file(path: Path, count: int, peer: bool) -> str:
    entities, relations = entities_and_relations(count)
    if peer:
        sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "peers"))
        import make_peer_files

        anyio.run(
            lambda: make_peer_files.server_memory_file(path, entities, relations, [], offline=True)
        )
        return "written by the real server-memory"
    with path.open("w", encoding="utf-8") as out:
        for e in entities:
            out.write(json.dumps({"type": "entity", **e}) + "\n")
        for r in relations:
            out.write(json.dumps({"type": "relation", **r}) + "\n")
    return "generated in server-memory's format"


def timed(argv: list[str]) -> tuple[float, str]:
    """Wall seconds of a command (and its output); its CPU seconds go to CPU[argv[3]]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    CPU.setdefault(" ".join(argv[3:5]), round(used, 2))
    return wall, done.stdout + done.stderr


# CPU seconds per command: on a shared machine the wall time says as much about the load.
CPU: dict[str, float] = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--peer", action="store_true")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    command = [sys.executable, "-m", "xmemory_mcp"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "memory.jsonl"
        made = write_file(source, args.entities, args.peer)
        lines = source.read_text("utf-8").count("\n") + 1
        one, two = str(root / "one"), str(root / "two")
        imported, out = timed([*command, "import", "server-memory", str(source), "--data-dir", one])
        report = json.loads(out.splitlines()[-1])
        exported = root / "export.jsonl"
        export_time, _ = timed([*command, "export", "--data-dir", one, "-o", str(exported)])
        restore_time, restored = timed(
            [*command, "import", "xmemory", str(exported), "--data-dir", two]
        )
        back = root / "back.jsonl"
        timed([*command, "export", "--format", "server-memory", "--data-dir", one, "-o", str(back)])
        kept = _same_graph(source, back)
    counts = json.loads(restored.splitlines()[-1])["counts"]
    row = {
        "entities": args.entities,
        "file": made,
        "lines": lines,
        "import_s": round(imported, 2),
        "created": report["records"]["created"],
        "relations": sum(report["relations"].values()),
        "links": sum(report["links"].values()),
        "writes": report["writes"],
        "export_s": round(export_time, 2),
        "restore_s": round(restore_time, 2),
        "restored": counts,
        "round_trip_same": kept,
        "cpu_s": CPU,
        "load": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(row, indent=1))


def _same_graph(a: Path, b: Path) -> bool:
    def graph(path: Path) -> tuple[dict[str, list[str]], set[tuple[str, str, str]]]:
        items = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
        ents = {i["name"]: sorted(i["observations"]) for i in items if i["type"] == "entity"}
        rels = {(i["from"], i["relationType"], i["to"]) for i in items if i["type"] == "relation"}
        return ents, rels

    return graph(a) == graph(b)


if __name__ == "__main__":
    main()
