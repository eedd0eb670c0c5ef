"""Score one provider on the labeled set, print the scores, record them in bench/RESULTS.md.

python -m bench.quality --provider rules
python bench/quality/run.py --provider anthropic --logic deep --verbose
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench.quality` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import anyio
from bench.quality import results
from bench.quality.dataset import Domain, load_domains
from bench.quality.scoring import Counts, answer_correct, score_design, score_extraction
from bench.quality.seeding import runner, seed

from xmemory_engine.errors import SchemaInvalid
from xmemory_engine.minds.base import (
    AnswerRequest,
    Extraction,
    ExtractionLogic,
    ExtractionRequest,
    Mind,
    ReadMode,
)
from xmemory_engine.minds.factory import PROVIDERS, MindSettings, build_mind, close_mind
from xmemory_engine.schema import plan_schema_update

PARTS = ("extraction", "answers", "design")


@dataclasses.dataclass
class DomainScores:
    fields: Counts = dataclasses.field(default_factory=Counts)
    relations: Counts = dataclasses.field(default_factory=Counts)
    answers: list[bool] = dataclasses.field(default_factory=list)
    rows: list[bool] = dataclasses.field(default_factory=list)
    design_objects: Counts = dataclasses.field(default_factory=Counts)
    design_fields: Counts = dataclasses.field(default_factory=Counts)
    kept: list[bool] = dataclasses.field(default_factory=list)
    failures: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        return {
            "fields": _prf(self.fields),
            "relations": _prf(self.relations),
            "answers": _share(self.answers),
            "rows": _share(self.rows),
            "design_objects": self.design_objects.recall if self.design_objects.expected else None,
            "design_fields": self.design_fields.recall if self.design_fields.expected else None,
            "kept": f"{sum(self.kept)}/{len(self.kept)}",
            "failures": self.failures,
        }


async def evaluate(
    mind: Mind,
    domains: list[Domain],
    *,
    logic: ExtractionLogic = ExtractionLogic.REGULAR,
    parts: tuple[str, ...] = PARTS,
    concurrency: int = 4,
) -> dict[str, Any]:
    """Scores of `mind` on `domains`: per domain and in total (micro-averaged)."""
    limiter = anyio.CapacityLimiter(concurrency)
    scores = {d.name: DomainScores() for d in domains}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="xmem-quality-") as tmp:
        async with anyio.create_task_group() as tg:
            for domain in domains:
                s = scores[domain.name]
                jobs: list[Callable[[], Awaitable[None]]] = []
                if "extraction" in parts:
                    jobs += [
                        _extract_job(mind, domain, i, logic, s)
                        for i in range(len(domain.extraction))
                    ]
                if "answers" in parts and domain.questions:
                    run_sql = runner(
                        seed(Path(tmp) / f"{domain.name}.sqlite3", domain.schema, domain.seed),
                        domain.schema,
                    )
                    jobs += [
                        _answer_job(mind, domain, i, run_sql, s)
                        for i in range(len(domain.questions))
                    ]
                if "design" in parts:
                    jobs += [_design_job(mind, domain, i, s) for i in range(len(domain.design))]
                for job in jobs:
                    tg.start_soon(_limited, limiter, job)
    total = DomainScores()
    for s in scores.values():
        total.fields.add(s.fields)
        total.relations.add(s.relations)
        total.answers += s.answers
        total.rows += s.rows
        total.design_objects.add(s.design_objects)
        total.design_fields.add(s.design_fields)
        total.kept += s.kept
        total.failures += s.failures
    totals = total.to_data()
    totals["seconds"] = time.monotonic() - started
    return {
        "logic": logic.value,
        "totals": totals,
        "domains": {name: s.to_data() for name, s in scores.items()},
        "size": {
            "schemas": len(domains),
            "texts": sum(len(d.extraction) for d in domains),
            "questions": sum(len(d.questions) for d in domains),
            "descriptions": sum(len(d.design) for d in domains),
        },
        "notes": {name: s.notes for name, s in scores.items()},
    }


def _extract_job(
    mind: Mind, domain: Domain, i: int, logic: ExtractionLogic, s: DomainScores
) -> Callable[[], Awaitable[None]]:
    case = domain.extraction[i]

    async def job() -> None:
        try:
            got = await mind.extractor.extract(
                ExtractionRequest(text=case.text, schema=domain.schema, logic=logic)
            )
        except Exception as exc:  # a failure scores as an empty extraction
            s.failures += 1
            s.notes.append(f"extract #{i} failed: {exc}")
            got = Extraction()
        fields, relations, notes = score_extraction(
            case.objects, case.relations, got, domain.schema
        )
        s.fields.add(fields)
        s.relations.add(relations)
        s.notes += [f"extract #{i} ({case.text[:40]}...): {n}" for n in notes]

    return job


def _answer_job(
    mind: Mind, domain: Domain, i: int, run_sql: Any, s: DomainScores
) -> Callable[[], Awaitable[None]]:
    question = domain.questions[i]

    async def job() -> None:
        try:
            answer = await mind.answerer.answer(
                AnswerRequest(
                    question=question.q,
                    schema=domain.schema,
                    run_sql=run_sql,
                    mode=ReadMode.SINGLE_ANSWER,
                )
            )
        except Exception as exc:
            s.failures += 1
            s.answers.append(False)
            s.rows.append(False)
            s.notes.append(f"answer {question.q!r} failed: {exc}")
            return
        prose_ok, rows_ok = answer_correct(question.expect, question.expect_none, answer)
        s.answers.append(prose_ok)
        s.rows.append(rows_ok)
        if not prose_ok:
            sql = "; ".join(t.sql for t in answer.tables if t.sql)
            want = "nothing" if question.expect_none else question.expect
            s.notes.append(
                f"answer {question.q!r}: want {want}, got {answer.answer!r} "
                f"(notice {answer.notice!r}, sql {sql!r})"
            )

    return job


def _design_job(
    mind: Mind, domain: Domain, i: int, s: DomainScores
) -> Callable[[], Awaitable[None]]:
    case = domain.design[i]

    async def job() -> None:
        current = domain.schema if case.current else None
        expected_fields = sum(len(f) for f in case.expect.values())
        try:
            got = await mind.designer.design(case.description, current)
        except Exception as exc:
            s.failures += 1
            s.design_objects.expected += len(case.expect)
            s.design_fields.expected += expected_fields
            if current is not None:
                s.kept.append(False)
            s.notes.append(f"design #{i} failed: {exc}")
            return
        if current is not None:
            try:
                plan_schema_update(current, got)
                s.kept.append(True)
            except SchemaInvalid as exc:
                s.kept.append(False)
                s.notes.append(f"design #{i} dropped part of the current schema: {exc.message}")
        objects, fields, notes = score_design(case.expect, got)
        s.design_objects.add(objects)
        s.design_fields.add(fields)
        s.notes += [f"design #{i}: {n}" for n in notes]

    return job


async def _limited(limiter: anyio.CapacityLimiter, job: Callable[[], Awaitable[None]]) -> None:
    async with limiter:
        await job()


def _prf(c: Counts) -> dict[str, float | None]:
    if not (c.expected or c.predicted):  # nothing was asked or found: no score
        return {"precision": None, "recall": None, "f1": None}
    return {"precision": c.precision, "recall": c.recall, "f1": c.f1}


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


# -- command line ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.quality",
        description="Score a mind on the labeled quality set and record it in bench/RESULTS.md.",
    )
    parser.add_argument(
        "--provider", choices=[p for p in PROVIDERS if p != "sampling"], default="rules"
    )
    parser.add_argument("--model", help="model name (default: the provider's default)")
    parser.add_argument(
        "--base-url", help="an OpenAI-compatible server, e.g. http://localhost:11434/v1"
    )
    parser.add_argument("--timeout", type=float, help="seconds per model call (XMEM_LLM_TIMEOUT)")
    parser.add_argument("--logic", choices=[e.value for e in ExtractionLogic], default="regular")
    parser.add_argument("--domains", help="comma-separated schema names (default: all)")
    parser.add_argument("--only", help=f"comma-separated parts of {', '.join(PARTS)}")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="print every miss")
    return parser.parse_args(argv)


def settings_for(args: argparse.Namespace) -> MindSettings:
    """The environment's settings (keys!), with the command line's choices over them."""
    env_settings = MindSettings.from_env({**_environ(), "XMEM_LLM_PROVIDER": args.provider})
    changes: dict[str, Any] = {}
    if args.model:
        changes["model"] = args.model
    if args.base_url:
        changes["base_url"] = args.base_url
    if args.timeout:
        changes["timeout"] = args.timeout
    return dataclasses.replace(env_settings, **changes)


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    settings = settings_for(args)
    mind = build_mind(settings)
    parts = tuple(p.strip() for p in args.only.split(",")) if args.only else PARTS
    domains = load_domains(args.domains.split(",") if args.domains else None)
    try:
        scores = await evaluate(
            mind,
            domains,
            logic=ExtractionLogic(args.logic),
            parts=parts,
            concurrency=max(1, args.concurrency),
        )
    finally:
        await close_mind(mind)
    model = None
    if settings.provider != "rules":
        model = getattr(getattr(mind.extractor, "model", None), "model", settings.model)
    return {
        "provider": settings.provider,
        "model": model,
        "date": date.today().isoformat(),
        **scores,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        run = anyio.run(_run, args)
    except ValueError as exc:  # a provider that cannot be used as configured
        print(f"error: {exc}", file=sys.stderr)
        return 2
    notes = run.pop("notes")
    if args.verbose:
        for domain, lines in notes.items():
            for line in lines:
                print(f"[{domain}] {line}")
    t = run["totals"]
    print(
        f"{run['provider']} {run.get('model') or ''} ({run['logic']}): "
        f"extraction P {_fmt(t['fields']['precision'])} R {_fmt(t['fields']['recall'])} "
        f"F1 {_fmt(t['fields']['f1'])}, relations F1 {_fmt(t['relations']['f1'])}; "
        f"answers {_fmt(t['answers'])} (rows {_fmt(t['rows'])}); "
        f"design objects {_fmt(t['design_objects'])} fields {_fmt(t['design_fields'])}, "
        f"kept current {t['kept']}; failures {t['failures']}; {t['seconds']:.1f} s"
    )
    if not args.no_write:
        runs = results.record(run)
        results.write_section(runs)
        print(f"recorded in {results.RESULTS}")
    return 0


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


if __name__ == "__main__":
    raise SystemExit(main())
