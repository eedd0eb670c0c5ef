"""Run the conversations through the real embedded engine and SDK, score, print, record.

python -m bench.conversations --split dev --show-misses
python -m bench.conversations --split all --record      (dev and test; holdouts only when named)

Each conversation gets a fresh data directory and engine (the default schema, the default
mind), its turns written one `write` each, then its questions asked with `read` in
single-answer mode. What was stored is read from the instance's SQLite file, read-only.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench.conversations` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import anyio
import httpx
from bench.conversations.dataset import (
    ALL,
    FROZEN,
    KINDS,
    OBJECT_TYPES,
    SPLITS,
    Conversation,
    frozen_digest,
    load,
    split_digest,
)
from bench.conversations.scoring import Outcome, fields_missed, object_found, score
from bench.machine import cpu_name

from xmemory import AsyncXmemoryClient, XmemoryAPIError
from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.minds.base import Mind
from xmemory_engine.minds.rules import rules_mind
from xmemory_engine.service.episodes import dateline

HERE = Path(__file__).parent
SCORES = HERE / "scores.json"
RESULTS = HERE.parent / "RESULTS.md"
START, END = "<!-- conversations:start -->", "<!-- conversations:end -->"
# Where a first recording goes: after the engine section's end marker, so that no other
# section's "up to the next heading" rewrite (Quality, MCP server) can swallow this one.
ANCHOR = "<!-- engine-bench:end -->"


@dataclasses.dataclass
class ConversationResult:
    name: str
    split: str
    style: str
    questions: list[tuple[str, tuple[str, ...], Outcome]]
    objects_expected: int
    objects_found: int
    objects_missed: list[str]
    records_stored: int
    turns: int
    note_only_turns: int
    empty_turns: int
    failures: list[str]
    # Each missed object's type and what kept it from being found (`scoring.fields_missed`).
    missed_fields: list[tuple[str, list[str]]] = dataclasses.field(default_factory=list)


async def run_conversation(conv: Conversation) -> ConversationResult:
    """Write `conv`'s turns into a fresh engine, then ask its questions and score them."""
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xmem-conv-") as tmp:
        data_dir = Path(tmp)
        async with (
            open_engine(EngineSettings(data_dir=data_dir), mind=_mind_for(conv)) as engine,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=engine.app), base_url="http://engine"
            ) as http,
            AsyncXmemoryClient(url="http://engine", token="x", http_client=http) as client,
        ):
            inst = client.instance(engine.default_instance_id)
            db = data_dir / "instances" / f"{engine.default_instance_id}.sqlite"
            traces: list[set[str]] = []
            before = _snapshot(db)
            for turn in conv.turns:
                try:
                    await inst.write(turn, occurred_at=_said_on(conv, turn))
                except XmemoryAPIError as exc:  # a refused write stores nothing; say so
                    failures.append(f"write {turn[:50]!r}: {exc}")
                after = _snapshot(db)
                traces.append(_changed(before, after))
                before = after
            rows = _rows(db)
            questions = []
            for question in conv.questions:
                try:
                    result: dict[str, Any] = (await inst.read(question.q)).model_dump()
                except XmemoryAPIError as exc:  # scored as an answer with nothing in it
                    failures.append(f"read {question.q!r}: {exc}")
                    result = {}
                questions.append(
                    (question.q, question.expect, score(question.kind, question.expect, result))
                )
    missed = [
        f"{o.type} {o.values}" for o in conv.objects if not object_found(o.values, rows[o.type])
    ]
    return ConversationResult(
        name=conv.name,
        split=conv.split,
        style=conv.style,
        questions=questions,
        objects_expected=len(conv.objects),
        objects_found=len(conv.objects) - len(missed),
        objects_missed=missed,
        records_stored=sum(len(r) for r in rows.values()),
        turns=len(conv.turns),
        note_only_turns=sum(1 for t in traces if t == {"note"}),
        empty_turns=sum(1 for t in traces if not t),
        failures=failures,
        missed_fields=[
            (o.type, why) for o in conv.objects if (why := fields_missed(o.values, rows[o.type]))
        ],
    )


def split_from_args(
    argv: Sequence[str] | None, doc: str | None
) -> tuple[str, list[Conversation], list[ConversationResult]]:
    """The `--split` a counting tool is asked for (`losses`, `misses`), its own
    conversations, and their results run one by one."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--split", choices=SPLITS, default="dev")
    split = parser.parse_args(argv).split
    conversations = [c for c in load(split) if c.split == split]
    return split, conversations, [anyio.run(run_conversation, c) for c in conversations]


def _said_on(conv: Conversation, turn: str) -> str | None:
    """The day a turn was said, for its episode: the date it opens with, as the engine would
    read it, else the day the conversation was written on, if it says. Without it a turn
    would be stamped with the day the benchmark runs, and the sentences a read quotes would
    resolve their dates ("moved to 4 Dec") against a day the mind never saw, so a figure
    taken after midnight would differ from one taken before."""
    if conv.today is None:
        return None
    return dateline(turn) or conv.today.isoformat()


def _mind_for(conv: Conversation) -> Mind | None:
    """The default mind, its day fixed to the one the conversation was written on, if it says."""
    day = conv.today
    if day is None:
        return None
    return rules_mind(today=lambda: day)


def _connect(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    return con


def _tables(con: sqlite3.Connection) -> list[str]:
    """The schema's tables (objects and relations), not the engine's own `_xm_` ones."""
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [n for n in names if not n.startswith(("_xm_", "sqlite_"))]


def _snapshot(db: Path) -> dict[str, dict[str, str]]:
    """Per table, each record's xuid and last update: enough to see what a write touched."""
    if not db.exists():
        return {}
    con = _connect(db)
    try:
        return {
            t: {r[0]: r[1] for r in con.execute(f'SELECT xuid, updated_at FROM "{t}"')}
            for t in _tables(con)
        }
    finally:
        con.close()


def _changed(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> set[str]:
    return {
        t
        for t, records in after.items()
        if any(before.get(t, {}).get(x) != stamp for x, stamp in records.items())
    }


def _rows(db: Path) -> dict[str, list[dict[str, Any]]]:
    con = _connect(db)
    try:
        present = set(_tables(con))
        return {
            t: [dict(r) for r in con.execute(f'SELECT * FROM "{t}"')] if t in present else []
            for t in OBJECT_TYPES
        }
    finally:
        con.close()


def summarize(results: Sequence[ConversationResult]) -> dict[str, Any]:
    """Totals over `results`: shares over answerable questions, abstention over no_answer
    ones, confident-wrong over all questions; per kind and per writing style too."""
    outcomes = [o for r in results for _, _, o in r.questions]
    summary = _shares(outcomes)
    summary["conversations"] = len(results)
    expected = sum(r.objects_expected for r in results)
    summary["extraction_recall"] = (
        sum(r.objects_found for r in results) / expected if expected else None
    )
    summary["objects_expected"] = expected
    summary["records_stored"] = sum(r.records_stored for r in results)
    turns = sum(r.turns for r in results)
    summary["turns"] = turns
    summary["note_only_turns"] = sum(r.note_only_turns for r in results)
    summary["empty_turns"] = sum(r.empty_turns for r in results)
    summary["failures"] = sum(len(r.failures) for r in results)
    summary["kinds"] = {
        k: _shares([o for o in outcomes if o.kind == k])
        for k in KINDS
        if any(o.kind == k for o in outcomes)
    }
    summary["styles"] = {
        s: _shares([o for r in results if r.style == s for _, _, o in r.questions])
        for s in sorted({r.style for r in results})
    }
    summary["conversation_scores"] = {
        r.name: {
            "right": sum(o.correct or o.abstained for _, _, o in r.questions),
            "questions": len(r.questions),
            "objects": f"{r.objects_found}/{r.objects_expected}",
            "records_stored": r.records_stored,
            "note_only_turns": r.note_only_turns,
        }
        for r in results
    }
    return summary


def _shares(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.kind != "no_answer"]
    unanswerable = [o for o in outcomes if o.kind == "no_answer"]

    def share(hits: Iterable[bool], n: int) -> float | None:
        return sum(hits) / n if n else None

    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "right": share((o.correct for o in answerable), len(answerable)),
        "from_records": share((o.from_records for o in answerable), len(answerable)),
        "with_passages": share((o.with_passages for o in answerable), len(answerable)),
        "abstained": sum(o.abstained for o in unanswerable),
        "no_answer": len(unanswerable),
        "confident_wrong": share((o.confident_wrong for o in outcomes), len(outcomes)),
    }


def render(runs: dict[str, Any]) -> str:
    """The RESULTS.md section (between its markers) for the recorded runs, dev before test."""
    splits = [s for s in SPLITS if s in runs]
    lines = [
        START,
        "## Conversations (held-out)",
        "",
        "The engine as a user gets it (embedded, default schema, default mind, through the "
        "SDK) on the conversations in `bench/conversations/data/`: turns written one `write` "
        "each, then questions asked with `read` (single answer). The sets were written blind; "
        "`test` is frozen (`data/test/FROZEN.md`) and its misses are never looked at. "
        "`holdout` is a second blind set by another writer, told to word questions unlike the "
        "sentences that answer them, frozen (`data/holdout/FROZEN.md`) and scored only when "
        "named. `holdout2` is a third, by a third writer on 2026-12-01 from a written brief, "
        "frozen the same way (`data/holdout2/FROZEN.md`); `holdout3` a fourth, written on "
        "2026-12-02 and used for aggregates by two sessions before it was frozen "
        "(`data/holdout3/FROZEN.md`); `holdout4` a fifth, written and frozen on 2026-12-02 "
        "after one aggregate run (`data/holdout4/FROZEN.md`); `holdout5` a sixth, by two "
        "writers on 2026-12-03 who took today as 2026-01-10, which its files say and its "
        "runs use (`data/holdout5/FROZEN.md`). Reproduce with `python -m "
        "bench.conversations --split dev|test|all|holdout|holdout2|holdout3|holdout4|holdout5 "
        "[--record]`.",
        "",
        "- **right**, **from records**, **incl. passages**: share of answerable questions whose "
        "answer contains every expected value (any answer / answered from records / from "
        "records or stored sentences);",
        "- **abstained**: no_answer questions where the engine said nothing is stored;",
        "- **confident-wrong**: share of all questions answered wrongly with no notice, "
        "presented as read from records (an answer saying nothing is stored is a miss, not "
        "a confident one). An engine that reports no `basis` counts as answering from "
        "records, so there the three shares of right answers are equal;",
        "- **extraction recall**: expected objects (key values plus one or two fields) found "
        "among the stored records; **note-only turns**: turns whose only stored trace is a "
        "`note` record.",
        "",
        "| split | date | commit | conversations | questions | right | from records "
        "| incl. passages | abstained | confident-wrong | extraction recall | records stored "
        "| note-only turns | nothing-stored turns | time |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in splits:
        r = runs[s]
        t = r["totals"]
        lines.append(
            f"| {s} | {r['date']} | {r['commit']} | {t['conversations']} | {t['questions']} "
            f"| {_pct(t['right'])} | {_pct(t['from_records'])} | {_pct(t['with_passages'])} "
            f"| {t['abstained']}/{t['no_answer']} | {_pct(t['confident_wrong'])} "
            f"| {_pct(t['extraction_recall'])} | {t['records_stored']} "
            f"| {t['note_only_turns']}/{t['turns']} | {t['empty_turns']}/{t['turns']} "
            f"| {r['seconds']:.1f} s |"
        )
    lines += [
        "",
        "Per kind (right, or abstained for no_answer · confident-wrong), and per writing style:",
        "",
        "| kind | " + " | ".join(splits) + " |",
        "|---|" + "---:|" * len(splits),
    ]
    kinds = [k for k in KINDS if any(k in runs[s]["totals"]["kinds"] for s in splits)]
    for group, names in (("kinds", kinds), ("styles", ["user", "agent"])):
        for name in names:
            cells = []
            for s in splits:
                c = runs[s]["totals"][group].get(name)
                cells.append("—" if c is None else _cell(c))
            label = name if group == "kinds" else f"style: {name}"
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [""]
    for s in splits:
        r = runs[s]
        lines.append(f"- {s}: {r['machine']}; mind {r['mind']}.{_frozen_note(r)}")
    lines.append(END)
    return "\n".join(lines)


def _cell(c: dict[str, Any]) -> str:
    if c["answerable"] == 0:
        first = f"{c['abstained']}/{c['no_answer']} abstained"
    else:
        first = f"{_pct(c['right'])} of {c['answerable']}"
    return f"{first} · {_pct(c['confident_wrong'])}"


def _frozen_note(run: dict[str, Any]) -> str:
    if run.get("frozen") is False:
        return (
            " The split's files differ from its FROZEN.md digest: these figures are not held-out."
        )
    return ""


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def record(runs: dict[str, Any], scores: Path = SCORES, results: Path = RESULTS) -> None:
    """Store the runs in scores.json (each split replaces its previous run) and rewrite the
    marked section of RESULTS.md from all stored runs, touching nothing else in the file."""
    stored = json.loads(scores.read_text("utf-8")) if scores.exists() else {}
    stored.update(runs)
    scores.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n", "utf-8")
    section = render(stored)
    text = results.read_text("utf-8") if results.exists() else "# Benchmark results\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    elif ANCHOR in text:
        before, after = text.split(ANCHOR, 1)
        text = before + ANCHOR + "\n\n" + section + "\n\n" + after.lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, "utf-8")


def machine() -> str:
    """The machine line recorded beside the scores: timings depend on it, scores do not."""
    return (
        f"{cpu_name()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}"
    )


def commit() -> str:
    """The commit scored, marked "+changes" when src/ has uncommitted edits (others work in
    the same tree, so the code that ran may not be exactly the commit)."""
    root = HERE.parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+changes" if dirty else head


def print_misses(results: Sequence[ConversationResult]) -> None:
    for r in results:
        misses = [(q, e, o) for q, e, o in r.questions if not (o.correct or o.abstained)]
        if not (misses or r.objects_missed or r.failures):
            continue
        print(f"\n## {r.name} ({r.style})")
        for q, e, o in misses:
            want = " + ".join(e) if e else "nothing stored"
            extra = f" [notice: {o.notice}]" if o.notice else ""
            flag = " CONFIDENT-WRONG" if o.confident_wrong else ""
            print(f"- [{o.kind}] {q}  want: {want}")
            print(f"    got ({o.basis or 'no basis'}): {o.answer!r}{extra}{flag}")
        for m in r.objects_missed:
            print(f"- object not stored: {m}")
        for f in r.failures:
            print(f"- failure: {f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="dev")
    parser.add_argument("--record", action="store_true", help="write scores.json and RESULTS.md")
    parser.add_argument("--show-misses", action="store_true", help="print misses (dev only)")
    args = parser.parse_args(argv)
    if args.show_misses and args.split != "dev":
        print(
            "--show-misses is for the dev split only: the test and holdout splits are held "
            "out, and reading their misses would turn them into training data for the next "
            "rule (see bench/conversations/data/test/FROZEN.md and data/holdout*/FROZEN.md). "
            "Use --split dev --show-misses.",
            file=sys.stderr,
        )
        return 2
    conversations = load(args.split)
    runs: dict[str, Any] = {}
    all_results: list[ConversationResult] = []
    for split in [s for s in SPLITS if args.split == s or (args.split == "all" and s in ALL)]:
        started = time.monotonic()
        results = [anyio.run(run_conversation, c) for c in conversations if c.split == split]
        all_results += results
        totals = summarize(results)
        if split in FROZEN:  # per-conversation scores would point at the held-out misses
            del totals["conversation_scores"]
        runs[split] = {
            "date": date.today().isoformat(),
            "commit": commit(),
            "machine": machine(),
            "mind": EngineSettings(data_dir=Path(".")).mind.provider,
            "seconds": time.monotonic() - started,
            "frozen": (
                split_digest(split=split) == frozen_digest(split=split) if split in FROZEN else None
            ),
            "totals": totals,
        }
    if args.show_misses:
        print_misses(all_results)
        print()
    print(render(runs).split("\n", 1)[1].rsplit("\n", 1)[0])  # the section without its markers
    if args.record:
        record(runs)
        print(f"\nrecorded in {RESULTS} and {SCORES}")
    return 0
