"""xmemory-mcp against its peers over stdio, in one run: the no-op floor and server-memory.

    python bench/peers.py --quick              # a few minutes: 1k and 10k, fewer calls
    python bench/peers.py                      # 1k, 10k and 100k (long: the peer rewrites
                                               # its whole file on every call)
    python bench/peers.py --record             # ... and append the report to bench/RESULTS.md
    python bench/peers.py --report results.json   # the report of an earlier (partial) run

Three servers, each spawned the way clients spawn them and driven by the `mcp` package's
`ClientSession` over stdio:

- **ours**: `python -m xmemory_mcp` on the embedded engine, a fresh temporary data directory;
- **floor**: `bench/mcp_floor.py`, a no-op server on the same SDK: what Python, the `mcp`
  package and the pipe cost before any work;
- **peer**: `@modelcontextprotocol/server-memory` (Node, one JSONL file), installed with npm
  into a temporary folder (skipped, with the reason, when npm or node is missing).

The facts are the same for all: fact i is the sentence "Person 0000i works at Company c and
their email is pi@cc.example." (c = i mod 35). Ours stores them as `objects` (structured) and,
for the single writes, also as that sentence (`text`, through its mind); the peer stores an
entity per person with the sentence as its observation; the floor's "write" and "lookup" are
its no-op call. Measured, alternating the systems block by block so that the shared machine's
drift hits them alike:

- start-up: spawn -> `initialize` answered -> `tools/list` -> first lookup answered; cold
  (a fresh data directory) and warm (respawned on the data of a previous start);
- single writes at each store size (median per write, and its growth from the first size);
- batched writes: 1,000 facts per call (ours: `write` with `objects`; the peer:
  `create_entities`) while the store grows to each size;
- lookups at each size: latency, correctness (the fact's email in the reply) and reply bytes;
- the server's CPU time per lookup and per batch (from /proc; on a shared machine it moves
  much less with the load than wall time does);
- RSS of each server's process tree (from /proc) and disk use at each size.

Every measurement is saved to the results file as it completes (`--out`): an interrupted run
still reports what it measured (`--report`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEER_PACKAGE = "@modelcontextprotocol/server-memory"
SYSTEMS = ("ours", "floor", "peer")
BATCH = 1000
COMPANIES = 35
# Issue 11's targets, judged in the report.
TARGET_START_RATIO = 1.0
TARGET_LOOKUP_GAP_MS = 2.0
TARGET_RSS_RATIO = 1.2
TARGET_WRITE_GROWTH = 1.3
TARGET_BATCH_RATE = 10_000.0
TARGET_WRITE_REPLY = 2048
TARGET_BATCH_REPLY = 10 * 1024
TARGET_DISK_PER_FACT = 2048
TARGET_TOOLS_LIST = 12 * 1024


# -- the facts -------------------------------------------------------------------------------


def company(i: int) -> int:
    return i % COMPANIES


def name(i: int) -> str:
    return f"Person {i:05d}"


def email(i: int) -> str:
    return f"p{i}@c{company(i)}.example"


def sentence(i: int) -> str:
    return f"{name(i)} works at Company {company(i)} and their email is {email(i)}."


def person_object(i: int) -> dict[str, Any]:
    return {
        "type": "person",
        "name": name(i),
        "fields": {"email": email(i), "company": f"Company {company(i)}"},
    }


def peer_entity(i: int) -> dict[str, Any]:
    return {"name": name(i), "entityType": "person", "observations": [sentence(i)]}


def question(i: int) -> str:
    return f"What is the email of {name(i)}?"


def spread(count: int, below: int, salt: int = 0) -> list[int]:
    """`count` fact numbers spread over [0, below) (a stride prime to most sizes), so lookups
    hit old and new facts alike rather than whatever a cache holds."""
    if below <= 0:
        return []
    return [(salt + k * 7919) % below for k in range(count)]


# -- summaries (pure: tests/bench/test_peers.py covers them) ---------------------------------


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def p95(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def reply_bytes(result: Any) -> int:
    """What a tool result puts on the wire: its JSON, as the client received it."""
    dumped: str = result.model_dump_json(by_alias=True, exclude_none=True)
    return len(dumped.encode("utf-8"))


def reply_text(result: Any) -> str:
    """Every text the agent sees in a tool result: text parts and structured content."""
    parts = [getattr(c, "text", "") for c in result.content]
    if result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(p for p in parts if p)


def is_correct(i: int, text: str) -> bool:
    """The lookup of fact `i` answered with its email."""
    return email(i) in text


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:,.1f} ms"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1024 * 1024:
        return f"{value / (1024 * 1024):,.1f} MB"
    if value >= 1024:
        return f"{value / 1024:,.1f} KB"
    return f"{value:,.0f} B"


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}/s"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "NOT met")


@dataclass
class Results:
    """Raw measurements, keyed `measure/system[/size]`; saved after every step."""

    path: Path | None
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, key: str, values: Iterable[Any]) -> None:
        self.data.setdefault(key, []).extend(values)
        self.save()

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.save()

    def get(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        return value if isinstance(value, list) else [value]

    def one(self, key: str) -> Any:
        return self.data.get(key)

    def save(self) -> None:
        if self.path is not None:
            partial = self.path.with_name(self.path.name + ".tmp")
            partial.write_text(json.dumps(self.data, indent=1), encoding="utf-8")
            os.replace(partial, self.path)

    @classmethod
    def load(cls, path: Path) -> Results:
        return cls(None, json.loads(path.read_text(encoding="utf-8")))


def report(results: Results) -> str:
    """The Markdown section for RESULTS.md, from whatever the run measured."""
    r = results
    meta = r.one("meta") or {}
    systems = [s for s in SYSTEMS if s in meta.get("systems", SYSTEMS)]
    sizes: list[int] = meta.get("sizes", [])
    lines = [
        f"### {meta.get('date', '?')} — peers: {', '.join(f'{s:,}' for s in sizes)} facts"
        f"{' (quick)' if meta.get('quick') else ''}{'' if meta.get('complete') else ' — PARTIAL run'}",
        "",
        f"Machine: {meta.get('machine', '?')}. `python bench/peers.py {meta.get('argv', '')}`"
        f" (commit {meta.get('commit', '?')}); server-memory {meta.get('peer_version') or 'not run'}"
        f"{' — ' + meta['peer_skipped'] if meta.get('peer_skipped') else ''}."
        f" Load average (1 min) {meta.get('load_before', '?')} at the start,"
        f" {meta.get('load_after', '?')} at the end: wall times rise with it, server CPU"
        " times much less.",
        "",
        "First call: ours `read` (a question), the peer `search_nodes`, the floor its no-op.",
        "",
    ]

    def med(key: str) -> float | None:
        return median(r.get(key))

    # start-up
    lines += [
        "| start-up, median | " + " | ".join(systems) + " | ours / floor | ours / peer |",
        "|---|" + "---:|" * (len(systems) + 2),
    ]
    for kind in ("cold", "warm"):
        for stage, label in (
            ("init", "spawn → initialize answered"),
            ("list", "… → tools/list answered"),
            ("call", "… → first call answered"),
            ("cpu", "server CPU time until then"),
        ):
            key = f"start_{kind}_{stage}"
            cells = [fmt_ms(med(f"{key}/{s}")) for s in systems]
            ours = med(f"{key}/ours")
            lines.append(
                f"| {kind}: {label} | {' | '.join(cells)} |"
                f" {fmt_ratio(ratio(ours, med(f'{key}/floor')))} |"
                f" {fmt_ratio(ratio(ours, med(f'{key}/peer')))} |"
            )
    tools_list = {s: r.one(f"tools_list_bytes/{s}") for s in systems}
    lines.append(
        "| `tools/list` reply | " + " | ".join(fmt_bytes(tools_list[s]) for s in systems) + " | | |"
    )
    lines.append("")

    # per size
    lines += [
        "| at store size | measure | " + " | ".join(systems) + " | ours / floor | ours / peer |",
        "|---:|---|" + "---:|" * (len(systems) + 2),
    ]
    rows: list[tuple[str, str, Callable[[float | None], str], bool]] = [
        ("write_text", "single write, text (median)", fmt_ms, True),
        ("write_obj", "single write, object (median)", fmt_ms, True),
        ("write_text_bytes", "single write reply, text (median)", fmt_bytes, False),
        ("write_obj_bytes", "single write reply, object (median)", fmt_bytes, False),
        ("batch_rate", "batched writes, facts/s (1,000 per call)", fmt_rate, False),
        ("batch_bytes", "batched write reply (median)", fmt_bytes, False),
        ("batch_cpu", "batched writes, server CPU per 1,000 facts", fmt_ms, True),
        ("lookup", "lookup (median)", fmt_ms, True),
        ("lookup_p95", "lookup (p95)", fmt_ms, False),
        ("lookup_cpu", "lookup, server CPU per call", fmt_ms, True),
        ("lookup_bytes", "lookup reply (median)", fmt_bytes, False),
        (
            "lookup_ok",
            "lookup correct (objects)",
            lambda v: "—" if v is None else f"{v:.0%}",
            False,
        ),
        (
            "lookup_text_ok",
            "lookup correct (written as text)",
            lambda v: "—" if v is None else f"{v:.0%}",
            False,
        ),
        ("rss", "RSS of the server process tree", fmt_bytes, True),
        ("disk", "disk", fmt_bytes, False),
        ("disk_per_fact", "disk per fact", fmt_bytes, False),
    ]
    for size in sizes:
        for key, label, fmt, with_ratio in rows:
            values = {s: summary_value(r, key, s, size) for s in systems}
            if all(v is None for v in values.values()):
                continue
            ours = values.get("ours")
            lines.append(
                f"| {size:,} | {label} | "
                + " | ".join(fmt(values[s]) for s in systems)
                + f" | {fmt_ratio(ratio(ours, values.get('floor'))) if with_ratio else ''}"
                + f" | {fmt_ratio(ratio(ours, values.get('peer'))) if with_ratio or key == 'batch_rate' else ''} |"
            )
    lines.append("")
    lines += targets(r, sizes)
    notes = meta.get("notes", [])
    if notes:
        lines += ["", *(f"- {n}" for n in notes)]
    lines.append("")
    return "\n".join(lines)


def summary_value(r: Results, key: str, system: str, size: int) -> float | None:
    """One table cell: a median, a rate or a share from the raw values of `key`."""
    if key == "lookup_p95":
        return p95(r.get(f"lookup/{system}/{size}"))
    if key in ("lookup_cpu", "batch_cpu"):
        # CPU seconds and calls per block, summed first: a block's CPU is read in clock ticks.
        spent, calls = r.get(f"{key}_s/{system}/{size}"), r.get(f"{key}_n/{system}/{size}")
        per = BATCH if key == "batch_cpu" else 1
        return sum(spent) / sum(calls) * per if spent and sum(calls) else None
    if key in ("lookup_ok", "lookup_text_ok"):
        raw = "lookup_ok" if key == "lookup_ok" else "lookup_text_ok"
        marks = r.get(f"{raw}/{system}/{size}")
        return sum(marks) / len(marks) if marks else None
    if key == "batch_rate":
        spans = r.get(f"batch/{system}/{size}")  # seconds per call of BATCH facts
        return BATCH * len(spans) / sum(spans) if spans else None
    if key in ("rss", "disk"):
        value = r.one(f"{key}/{system}/{size}")
        return float(value) if value is not None else None
    if key == "disk_per_fact":
        value = r.one(f"disk/{system}/{size}")
        facts = r.one(f"facts/{system}/{size}")
        return value / facts if value is not None and facts else None
    return median(r.get(f"{key}/{system}/{size}"))


def targets(r: Results, sizes: list[int]) -> list[str]:
    """Issue 11's done-when lines, judged on this run."""
    out = ["Targets (issue 11), ours:"]

    def med(key: str) -> float | None:
        return median(r.get(key))

    for kind in ("cold", "warm"):
        q = ratio(med(f"start_{kind}_call/ours"), med(f"start_{kind}_call/floor"))
        cpu = ratio(med(f"start_{kind}_cpu/ours"), med(f"start_{kind}_cpu/floor"))
        out.append(
            f"- {kind} start, first call ≤ {TARGET_START_RATIO:.1f}x the floor:"
            f" {fmt_ratio(q)} — {verdict(None if q is None else q <= TARGET_START_RATIO)}"
            f" (server CPU time until then: {fmt_ratio(cpu)})"
        )
    listed = r.one("tools_list_bytes/ours")
    out.append(
        f"- `tools/list` ≤ 12 KB: {fmt_bytes(listed)} —"
        f" {verdict(None if listed is None else listed <= TARGET_TOOLS_LIST)}"
    )
    if len(sizes) >= 2:
        first, last = sizes[0], sizes[min(1, len(sizes) - 1)]
        for key, label in (("write_text", "text"), ("write_obj", "object")):
            a, b = med(f"{key}/ours/{first}"), med(f"{key}/ours/{last}")
            g = ratio(b, a)
            out.append(
                f"- single {label} write flat within {TARGET_WRITE_GROWTH}x from {first:,} to {last:,}:"
                f" {fmt_ratio(g)} — {verdict(None if g is None else g <= TARGET_WRITE_GROWTH)}"
            )
    write_reply = median(
        [
            v
            for s in sizes
            for v in r.get(f"write_obj_bytes/ours/{s}") + r.get(f"write_text_bytes/ours/{s}")
        ]
    )
    out.append(
        f"- write reply ≤ 2 KB median: {fmt_bytes(write_reply)} —"
        f" {verdict(None if write_reply is None else write_reply <= TARGET_WRITE_REPLY)}"
    )
    batch_reply = median([v for s in sizes for v in r.get(f"batch_bytes/ours/{s}")])
    out.append(
        f"- batch reply ≤ 10 KB: {fmt_bytes(batch_reply)} —"
        f" {verdict(None if batch_reply is None else batch_reply <= TARGET_BATCH_REPLY)}"
    )
    spans = [v for s in sizes for v in r.get(f"batch/ours/{s}")]
    rate = BATCH * len(spans) / sum(spans) if spans else None
    out.append(
        f"- batched ≥ 10,000 facts/s: {fmt_rate(rate)} —"
        f" {verdict(None if rate is None else rate >= TARGET_BATCH_RATE)}"
    )
    last = sizes[-1] if sizes else None
    if last is not None:
        per_fact = summary_value(r, "disk_per_fact", "ours", last)
        out.append(
            f"- disk ≤ 2 KB per fact at {last:,}: {fmt_bytes(per_fact)} —"
            f" {verdict(None if per_fact is None else per_fact <= TARGET_DISK_PER_FACT)}"
        )
        ours, floor = med(f"lookup/ours/{last}"), med(f"lookup/floor/{last}")
        gap = None if ours is None or floor is None else ours - floor
        out.append(
            f"- lookup ≤ floor + 2 ms at {last:,}: floor + {fmt_ms(gap)} —"
            f" {verdict(None if gap is None else gap * 1000 <= TARGET_LOOKUP_GAP_MS)}"
        )
        q = ratio(summary_value(r, "rss", "ours", last), summary_value(r, "rss", "floor", last))
        out.append(
            f"- RSS ≤ 1.2x the floor at {last:,}: {fmt_ratio(q)} —"
            f" {verdict(None if q is None else q <= TARGET_RSS_RATIO)}"
        )
    for system in SYSTEMS:
        if system == "floor":
            continue
        marks = [m for s in sizes for m in r.get(f"lookup_ok/{system}/{s}")]
        if marks:
            out.append(
                f"- lookup correctness, {system}: {sum(marks)}/{len(marks)} — {verdict(all(marks))}"
            )
    text_marks = [m for s in sizes for m in r.get(f"lookup_text_ok/ours/{s}")]
    if text_marks:
        out.append(
            f"- lookup correctness, ours, facts written as text: {sum(text_marks)}/{len(text_marks)}"
            f" — {verdict(all(text_marks))}"
        )
    return out


def plot(results: Results, path: Path) -> Path | None:
    """Lookup and write latency against store size, one line per system (matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot", file=sys.stderr)
        return None
    meta = results.one("meta") or {}
    sizes: list[int] = meta.get("sizes", [])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    panels = (
        (axes[0], "lookup", "lookup, median"),
        (axes[1], "write", "single write, median"),
    )
    for ax, what, title in panels:
        keys = ["lookup"] if what == "lookup" else ["write_obj", "write_text"]
        for system in SYSTEMS:
            for key in keys:
                points = [(s, median(results.get(f"{key}/{system}/{s}"))) for s in sizes]
                xs = [s for s, v in points if v is not None]
                ys = [v * 1000 for s, v in points if v is not None]
                if not xs:
                    continue
                label = system if len(keys) == 1 else f"{system} ({key.split('_')[1]})"
                ax.plot(xs, ys, marker="o", label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")  # the floor's ~1 ms and the peer's ~1 s on one chart
        ax.set_xlabel("facts in the store")
        ax.set_ylabel("ms (log scale)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle(f"xmemory-mcp vs floor vs server-memory — {meta.get('date', '')}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def record(results_md: Path, text: str) -> None:
    """Append `text` inside the peers section of RESULTS.md (made if missing)."""
    start, end = "<!-- peers:start -->", "<!-- peers:end -->"
    doc = results_md.read_text(encoding="utf-8") if results_md.exists() else "# Benchmark results\n"
    if start not in doc:
        doc = (
            doc.rstrip("\n")
            + f"\n\n{start}\n## Peers: the floor and server-memory\n\n"
            + "What is measured: `bench/peers.py` (its docstring). Ratios are ours over the other"
            + " system's median; the plot beside each run is `bench/peers-<date>-<time>.png`.\n"
            + f"{end}\n"
        )
    head, rest = doc.split(end, 1)
    results_md.write_text(
        head.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n" + end + rest, encoding="utf-8"
    )


# -- processes -------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # comm may hold spaces and parentheses: the fields after the last ')' are fixed.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(children(p))
    return pids


def rss_bytes(pids: Iterable[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of these processes, from /proc/<pid>/stat."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def server_pid(marker: str) -> int | None:
    """The server this process spawned whose command line contains `marker`."""
    for pid in children(os.getpid()):
        if marker in cmdline(pid):
            return pid
    return None


def disk_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- the systems -----------------------------------------------------------------------------


@dataclass
class System:
    name: str
    command: str
    args: list[str]
    marker: str
    env: dict[str, str]
    data: Path
    """Its data directory, or file: what `disk` measures."""

    def params(self) -> Any:
        from mcp.client.stdio import StdioServerParameters

        env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        return StdioServerParameters(command=self.command, args=self.args, env={**env, **self.env})


def ours(root: Path) -> System:
    data = root / "ours"
    return System(
        "ours",
        sys.executable,
        ["-m", "xmemory_mcp"],
        "xmemory_mcp",
        # No key and no URL in the environment: the embedded engine, its default (rules) mind.
        {"XMEM_DATA_DIR": str(data)},
        data,
    )


def floor(root: Path) -> System:
    return System(
        "floor", sys.executable, [str(HERE / "mcp_floor.py")], "mcp_floor.py", {}, root / "floor"
    )


def peer(root: Path, entry: Path) -> System:
    data = root / "peer" / "memory.jsonl"
    return System("peer", "node", [str(entry)], str(entry), {"MEMORY_FILE_PATH": str(data)}, data)


def install_peer(folder: Path) -> tuple[Path | None, str, str]:
    """server-memory installed with npm into `folder`: (entry script, version, why not)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        return None, "", f"skipped: {'npm' if npm is None else 'node'} is not installed"
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            "--prefix",
            str(folder),
            PEER_PACKAGE,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    package = folder / "node_modules" / PEER_PACKAGE
    if done.returncode != 0 or not (package / "package.json").exists():
        return None, "", f"skipped: npm install failed ({done.stderr.strip()[-300:]})"
    meta = json.loads((package / "package.json").read_text())
    entry = package / meta["bin"]["mcp-server-memory"]
    return entry, meta["version"], ""


class Driver:
    """One live session with one system, and its calls."""

    def __init__(self, system: System, session: Any, pid: int | None) -> None:
        self.system = system
        self.session = session
        self.pid = pid

    async def call(self, tool: str, arguments: dict[str, Any]) -> Any:
        result = await self.session.call_tool(tool, arguments)
        if result.is_error:
            raise RuntimeError(f"{self.system.name}: {tool} failed: {reply_text(result)[:500]}")
        return result

    async def lookup(self, i: int) -> Any:
        kind = self.system.name
        if kind == "ours":
            return await self.call("read", {"query": question(i)})
        if kind == "peer":
            return await self.call("search_nodes", {"query": name(i)})
        return await self.call("noop", {})

    async def write_one(self, i: int, as_text: bool) -> Any:
        kind = self.system.name
        if kind == "ours":
            args: dict[str, Any] = (
                {"text": sentence(i)} if as_text else {"objects": [person_object(i)]}
            )
            return await self._settled(await self.call("write", args))
        if kind == "peer":
            return await self.call("create_entities", {"entities": [peer_entity(i)]})
        return await self.call("noop", {})

    async def write_batch(self, start: int, stop: int) -> Any:
        kind = self.system.name
        if kind == "ours":
            objects = [person_object(i) for i in range(start, stop)]
            return await self._settled(await self.call("write", {"objects": objects}))
        if kind == "peer":
            entities = [peer_entity(i) for i in range(start, stop)]
            return await self.call("create_entities", {"entities": entities})
        return await self.call("noop", {})

    async def _settled(self, result: Any) -> Any:
        """A write that outlived the server's wait answers with its write_id: poll it."""
        import anyio

        content = result.structured_content or {}
        while isinstance(content, dict) and content.get("done") is False:
            await anyio.sleep(0.05)
            status = await self.call("write_status", {"write_id": content["write_id"]})
            content = status.structured_content or {}
            if content.get("write_status") in ("completed", "failed"):
                break
        if isinstance(content, dict) and content.get("write_status") == "failed":
            raise RuntimeError(f"ours: write failed: {content}")
        return result

    def rss(self) -> int | None:
        return rss_bytes(tree(self.pid)) if self.pid is not None else None

    def cpu(self) -> float | None:
        """CPU seconds the server's process tree has used so far."""
        return cpu_seconds(tree(self.pid)) if self.pid is not None else None


@contextlib.asynccontextmanager
async def session(system: System) -> AsyncIterator[Driver]:
    from mcp.client.session import ClientSession
    from mcp.client.stdio import stdio_client

    async with (
        stdio_client(system.params()) as (read, write),
        ClientSession(read, write) as s,
    ):
        await s.initialize()
        yield Driver(system, s, server_pid(system.marker))


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Plan:
    sizes: list[int]
    starts: int
    writes: int
    lookups: int
    blocks: int
    text_writes: int


async def start_up(systems: list[System], plan: Plan, results: Results, root: Path) -> None:
    """Cold and warm starts, alternating the systems every round."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import stdio_client

    async def once(system: System, kind: str) -> None:
        started = time.perf_counter()
        async with stdio_client(system.params()) as (read, write), ClientSession(read, write) as s:
            await s.initialize()
            t_init = time.perf_counter() - started
            listed = await s.list_tools()
            t_list = time.perf_counter() - started
            driver = Driver(system, s, None)
            await driver.lookup(0)
            t_call = time.perf_counter() - started
            # CPU the server spent up to here: unlike wall time, barely moved by what else
            # the shared machine runs meanwhile.
            pid = server_pid(system.marker)
            if pid is not None:
                results.add(f"start_{kind}_cpu/{system.name}", [cpu_seconds(tree(pid))])
            if results.one(f"tools_list_bytes/{system.name}") is None:
                body = json.dumps(listed.model_dump(mode="json", by_alias=True, exclude_none=True))
                results.put(f"tools_list_bytes/{system.name}", len(body.encode()))
        results.add(f"start_{kind}_init/{system.name}", [t_init])
        results.add(f"start_{kind}_list/{system.name}", [t_list])
        results.add(f"start_{kind}_call/{system.name}", [t_call])

    for round_ in range(plan.starts):
        for base in systems:
            # cold: a data directory (or file) never seen; warm: the same again, now existing
            fresh = root / "starts" / f"{base.name}-{round_}"
            system = retarget(base, fresh)
            await once(system, "cold")
            await once(system, "warm")
        print(f"  start-up round {round_ + 1}/{plan.starts}", file=sys.stderr)


def retarget(system: System, folder: Path) -> System:
    """The same server on a data location under `folder`."""
    env = dict(system.env)
    if system.name == "ours":
        env["XMEM_DATA_DIR"] = str(folder)
        data = folder
    elif system.name == "peer":
        folder.mkdir(parents=True, exist_ok=True)
        data = folder / "memory.jsonl"
        env["MEMORY_FILE_PATH"] = str(data)
    else:
        data = folder
    return System(system.name, system.command, system.args, system.marker, env, data)


async def grow(drivers: list[Driver], size: int, stored: dict[str, int], results: Results) -> None:
    """Batched writes until each store holds `size` facts, the systems taking turns per batch."""
    while any(stored[d.system.name] < size for d in drivers):
        for d in drivers:
            start = stored[d.system.name]
            if start >= size:
                continue
            stop = min(start + BATCH, size)
            cpu = d.cpu()
            began = time.perf_counter()
            result = await d.write_batch(start, stop)
            span = time.perf_counter() - began
            stored[d.system.name] = stop
            if stop - start == BATCH:
                results.add(f"batch/{d.system.name}/{size}", [span])
                results.add(f"batch_bytes/{d.system.name}/{size}", [reply_bytes(result)])
                if cpu is not None:
                    results.add(f"batch_cpu_s/{d.system.name}/{size}", [d.cpu() - cpu])
                    results.add(f"batch_cpu_n/{d.system.name}/{size}", [stop - start])


async def at_size(
    drivers: list[Driver], size: int, plan: Plan, results: Results, next_id: dict[str, int]
) -> None:
    """Single writes and lookups at this store size, in alternating blocks."""
    per_block = max(1, plan.writes // plan.blocks)
    text_per_block = max(1, plan.text_writes // plan.blocks) if plan.text_writes else 0
    looks_per_block = max(1, plan.lookups // plan.blocks)
    for block in range(plan.blocks):
        for d in drivers:
            name_ = d.system.name
            # single writes of new facts (numbered past every seeded one)
            for as_text, key, count in (
                (False, "write_obj", per_block),
                (True, "write_text", text_per_block),
            ):
                if as_text and name_ != "ours":
                    continue  # the peer stores a sentence either way; the floor does nothing
                times, sizes_ = [], []
                written = []
                for _ in range(count):
                    i = next_id[name_]
                    next_id[name_] += 1
                    began = time.perf_counter()
                    result = await d.write_one(i, as_text)
                    times.append(time.perf_counter() - began)
                    sizes_.append(reply_bytes(result))
                    written.append(i)
                results.add(f"{key}/{name_}/{size}", times)
                results.add(f"{key}_bytes/{name_}/{size}", sizes_)
                if as_text:
                    marks = []
                    for i in written:
                        marks.append(is_correct(i, reply_text(await d.lookup(i))))
                    results.add(f"lookup_text_ok/{name_}/{size}", marks)
            times, sizes_, marks = [], [], []
            cpu = d.cpu()
            for i in spread(looks_per_block, size, salt=block * 104729):
                began = time.perf_counter()
                result = await d.lookup(i)
                times.append(time.perf_counter() - began)
                sizes_.append(reply_bytes(result))
                if name_ != "floor":
                    marks.append(is_correct(i, reply_text(result)))
            if cpu is not None:
                results.add(f"lookup_cpu_s/{name_}/{size}", [d.cpu() - cpu])
                results.add(f"lookup_cpu_n/{name_}/{size}", [len(times)])
            results.add(f"lookup/{name_}/{size}", times)
            results.add(f"lookup_bytes/{name_}/{size}", sizes_)
            if marks:
                results.add(f"lookup_ok/{name_}/{size}", marks)
    for d in drivers:
        name_ = d.system.name
        results.put(f"rss/{name_}/{size}", d.rss())
        results.put(f"facts/{name_}/{size}", next_id[name_] - FIRST_SINGLE + size)
        if name_ != "floor":
            results.put(f"disk/{name_}/{size}", disk_bytes(d.system.data))


FIRST_SINGLE = 1_000_000
"""Single writes number their facts from here, apart from the seeded 0..size."""


async def run(args: argparse.Namespace, results: Results) -> None:
    plan = Plan(
        sizes=args.sizes,
        starts=args.starts,
        writes=args.writes,
        lookups=args.lookups,
        blocks=args.blocks,
        text_writes=args.text_writes,
    )
    with tempfile.TemporaryDirectory(prefix="xmemory-peers-") as tmp:
        root = Path(tmp)
        systems: list[System] = []
        notes: list[str] = []
        meta = results.one("meta")
        entry: Path | None = None
        if "peer" in args.systems:
            print(f"installing {PEER_PACKAGE} with npm ...", file=sys.stderr)
            entry, version, why = install_peer(root / "npm")
            meta["peer_version"] = version
            if entry is None:
                meta["peer_skipped"] = why
                print(f"server-memory {why}", file=sys.stderr)
        for name_ in args.systems:
            if name_ == "ours":
                systems.append(ours(root))
            elif name_ == "floor":
                systems.append(floor(root))
            elif entry is not None:
                systems.append(peer(root, entry))
                (root / "peer").mkdir()
        meta["systems"] = [s.name for s in systems]
        meta["notes"] = notes
        results.put("meta", meta)

        if plan.starts:
            print("start-up ...", file=sys.stderr)
            await start_up(systems, plan, results, root)

        async with contextlib.AsyncExitStack() as stack:
            drivers = [await stack.enter_async_context(session(s)) for s in systems]
            stored = {d.system.name: 0 for d in drivers}
            next_id = {d.system.name: FIRST_SINGLE for d in drivers}
            for d in drivers:
                results.put(f"rss/{d.system.name}/0", d.rss())
            for size in plan.sizes:
                skip = [d for d in drivers if d.system.name == "peer" and size > args.peer_max]
                if skip:
                    notes.append(
                        f"server-memory not run at {size:,} (--peer-max {args.peer_max:,})"
                    )
                    results.put("meta", meta)
                active = [d for d in drivers if d not in skip]
                print(f"growing to {size:,} ...", file=sys.stderr)
                await grow(active, size, stored, results)
                print(f"measuring at {size:,} ...", file=sys.stderr)
                await at_size(active, size, plan, results, next_id)
        meta["complete"] = True
        meta["load_after"] = round(os.getloadavg()[0], 1)
        results.put("meta", meta)


def machine() -> str:
    from importlib.metadata import version

    from machine import cpu_name  # bench/ is on sys.path: this runs as a script

    node = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        node = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return (
        f"{cpu_name()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}, mcp {version('mcp')}, node {node or 'absent'}"
    )


def commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() or "?"
    return "?"


def sizes_arg(text: str) -> list[int]:
    try:
        sizes = [int(s.strip().replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes must be integers separated by commas, got {text!r}"
        ) from None
    if not sizes or any(s <= 0 for s in sizes) or sizes != sorted(set(sizes)):
        raise argparse.ArgumentTypeError(f"sizes must be positive and increasing, got {text!r}")
    return sizes


def systems_arg(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"systems are some of {', '.join(SYSTEMS)}; got {text!r}")
    return names


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1k and 10k facts, fewer calls: minutes")
    p.add_argument("--sizes", type=sizes_arg, help="store sizes (default 1000,10000,100000)")
    p.add_argument(
        "--systems", type=systems_arg, default=list(SYSTEMS), help="default: ours,floor,peer"
    )
    p.add_argument("--starts", type=int, help="start-up rounds (each: a cold and a warm start)")
    p.add_argument("--writes", type=int, help="single object writes per system and size")
    p.add_argument("--text-writes", type=int, help="single text writes (ours) per size")
    p.add_argument("--lookups", type=int, help="lookups per system and size")
    p.add_argument("--blocks", type=int, default=5, help="alternating blocks per size")
    p.add_argument(
        "--peer-max", type=int, default=100_000, help="largest size server-memory runs at"
    )
    p.add_argument(
        "--out", type=Path, help="raw results, saved as they come (default: a temp file)"
    )
    p.add_argument(
        "--report", type=Path, help="print (and --record) the report of a results file; run nothing"
    )
    p.add_argument(
        "--record",
        action="store_true",
        help="append the report to bench/RESULTS.md, plot to bench/",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.report is not None:
        results = Results.load(args.report)
    else:
        quick = args.quick
        args.sizes = args.sizes or ([1000, 10_000] if quick else [1000, 10_000, 100_000])
        args.starts = args.starts if args.starts is not None else (5 if quick else 10)
        args.writes = args.writes if args.writes is not None else (50 if quick else 200)
        args.text_writes = (
            args.text_writes if args.text_writes is not None else (20 if quick else 100)
        )
        args.lookups = args.lookups if args.lookups is not None else (100 if quick else 500)
        out = args.out or Path(tempfile.gettempdir()) / f"peers-{os.getpid()}.json"
        results = Results(out)
        results.put(
            "meta",
            {
                "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": machine(),
                "commit": commit(),
                "argv": " ".join(sys.argv[1:] if argv is None else argv),
                "quick": quick,
                "sizes": args.sizes,
                "systems": args.systems,
                "complete": False,
                "load_before": round(os.getloadavg()[0], 1),
            },
        )
        print(f"raw results: {out}", file=sys.stderr)
        import anyio

        try:
            anyio.run(run, args, results)
        except KeyboardInterrupt:
            print("interrupted: reporting what was measured", file=sys.stderr)
    text = report(results)
    print(text)
    if args.record:
        meta = results.one("meta") or {}
        stamp = "".join(c if c.isdigit() else "-" for c in str(meta.get("date", "run"))[:16])
        png = plot(results, HERE / f"peers-{stamp}.png")
        record(
            HERE / "RESULTS.md",
            text + (f"\n![latency against store size]({png.name})\n" if png else ""),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
