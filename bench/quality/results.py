"""Keeping scores: the latest run per provider and model in scores.json, rendered as the
`## Quality` section of bench/RESULTS.md (other sections of that file are left as they are)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SCORES = HERE / "scores.json"
RESULTS = HERE.parent / "RESULTS.md"
HEADING = "## Quality"
COMMAND = "python -m bench.quality --provider rules"


def record(run: dict[str, Any], scores: Path = SCORES) -> list[dict[str, Any]]:
    """Add `run` to the stored runs, replacing an earlier one of the same provider and model."""
    runs = json.loads(scores.read_text("utf-8")) if scores.exists() else []
    key = (run["provider"], run.get("model"))
    runs = [r for r in runs if (r["provider"], r.get("model")) != key] + [run]
    runs.sort(key=lambda r: (r["provider"] != "rules", r["provider"], r.get("model") or ""))
    scores.write_text(json.dumps(runs, indent=1) + "\n", "utf-8")
    return runs


def write_section(runs: list[dict[str, Any]], results: Path = RESULTS) -> None:
    """Replace (or append) the Quality section of RESULTS.md, touching nothing else."""
    section = render(runs)
    text = results.read_text("utf-8") if results.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text, "utf-8")


def render(runs: list[dict[str, Any]]) -> str:
    lines = [
        HEADING,
        "",
        "How well each mind understands, on the labeled set in `bench/quality/data/` "
        f"({_size(runs)}). Reproduce with `{COMMAND}` (or `--provider openai|anthropic "
        "[--model M] [--base-url URL]`); each run replaces the previous row of its provider "
        "and model.",
        "",
        "- **extraction**: precision / recall / F1 of extracted field values (objects aligned "
        "one to one with the expected ones), and F1 of relations;",
        "- **answers**: share of questions whose `single-answer` prose contains the expected "
        "values (or says nothing matched), and share whose returned rows contain them;",
        "- **design**: recall of expected object types and fields for schemas designed from a "
        "description, and whether every incremental design kept the current schema.",
        "",
        "| provider | model | logic | date | extraction P | R | F1 | relations F1 | answers "
        "| rows | design objects | design fields | kept current | failures | time |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        t = run["totals"]
        lines.append(
            f"| {run['provider']} | {run.get('model') or '—'} | {run['logic']} | {run['date']} "
            f"| {_pct(t['fields']['precision'])} | {_pct(t['fields']['recall'])} "
            f"| {_pct(t['fields']['f1'])} | {_pct(t['relations']['f1'])} "
            f"| {_pct(t['answers'])} | {_pct(t['rows'])} | {_pct(t['design_objects'])} "
            f"| {_pct(t['design_fields'])} | {t['kept']} | {t['failures']} "
            f"| {t['seconds']:.1f} s |"
        )
    lines += [
        "",
        "Per schema (extraction F1 · answers · design field recall):",
        "",
        "| provider | model | " + " | ".join(_domains(runs)) + " |",
        "|---|---|" + "---|" * len(_domains(runs)),
    ]
    for run in runs:
        cells = []
        for name in _domains(runs):
            d = run["domains"].get(name)
            cells.append(
                "—"
                if d is None
                else f"{_pct(d['fields']['f1'])} · {_pct(d['answers'])} · "
                f"{_pct(d['design_fields'])}"
            )
        lines.append(
            f"| {run['provider']} | {run.get('model') or '—'} | " + " | ".join(cells) + " |"
        )
    if all(r["provider"] == "rules" for r in runs):
        lines += [
            "",
            "No language model was reachable where these scores were recorded, so only the "
            "offline rules mind is scored. With a key or a local server: "
            "`OPENAI_API_KEY=... python -m bench.quality --provider openai` or "
            "`python -m bench.quality --provider openai --base-url http://localhost:11434/v1 "
            "--model llama3.1`.",
        ]
    return "\n".join(lines) + "\n"


def _domains(runs: list[dict[str, Any]]) -> list[str]:
    return sorted({name for run in runs for name in run["domains"]})


def _size(runs: list[dict[str, Any]]) -> str:
    latest = runs[-1]["size"] if runs else {}
    return (
        f"{latest.get('schemas', 0)} schemas, {latest.get('texts', 0)} texts, "
        f"{latest.get('questions', 0)} questions, {latest.get('descriptions', 0)} descriptions"
    )


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"
