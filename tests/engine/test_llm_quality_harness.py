"""The quality harness (bench/quality): its labeled set, its scoring, its one command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.fake_llm import FakeLLMServer, Recorded, Reply

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `bench` lives beside `src`, outside the installed packages

from bench.quality import results  # noqa: E402
from bench.quality.dataset import Domain, load_domains  # noqa: E402
from bench.quality.run import evaluate  # noqa: E402
from bench.quality.scoring import (  # noqa: E402
    score_design,
    score_extraction,
    text_mentions,
    value_matches,
)
from bench.quality.seeding import runner, seed  # noqa: E402

from xmemory_engine.minds.base import (  # noqa: E402
    Answer,
    AnswerRequest,
    ExtractedObject,
    ExtractedRelation,
    Extraction,
    ExtractionRequest,
    Mind,
)
from xmemory_engine.minds.llm.replies import check_extraction  # noqa: E402
from xmemory_engine.schema import Schema, parse_schema  # noqa: E402

DOMAINS = load_domains()


def test_the_labeled_set_spans_several_schemas():
    assert len(DOMAINS) >= 3
    for domain in DOMAINS:
        assert domain.extraction and domain.questions and domain.design, domain.name
        assert any(q.expect_none for q in domain.questions), domain.name


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_every_expected_extraction_fits_its_schema(domain: Domain):
    for case in domain.extraction:
        data = {
            "objects": [
                {
                    "type": o["type"],
                    "ref": f"o{i}",
                    "values": {k: "x" if v == "*" else _plain(v) for k, v in o["values"].items()},
                }
                for i, o in enumerate(case.objects)
            ]
        }
        check_extraction(data, domain.schema)  # raises on an unknown type/field or a bad value
        for rel in case.relations:
            spec = domain.schema.relation(rel["type"])
            assert set(rel["endpoints"]) == set(spec.roles), case.text


@pytest.mark.anyio
@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
async def test_seeded_records_answer_the_questions(domain: Domain, tmp_path: Path):
    run_sql = runner(seed(tmp_path / "db.sqlite3", domain.schema, domain.seed), domain.schema)
    for table in domain.schema.table_names():
        result = await run_sql(f"SELECT * FROM {table}")
        assert len(result.rows) == len(domain.seed.get(table, [])), table


def test_value_matching_is_lenient_about_form_only():
    assert value_matches("Atlas", "the Atlas project")
    assert value_matches("Write API spec", "write api spec")
    assert value_matches(12500, "12,500")
    assert value_matches(48000, 48000.0)
    assert value_matches(True, True) and not value_matches(False, True)
    assert value_matches("window seats", "Window seat")
    assert value_matches("*", "anything") and not value_matches("*", None)
    assert not value_matches(250, 2500)
    assert not value_matches("Sam", "Samantha")
    assert not value_matches("customer", "lead")


def test_text_mentions_whole_words_and_alternatives():
    assert text_mentions("It is due on December 1, 2026.", "2026-12-01|December 1, 2026")
    assert text_mentions("Total: 1,350 EUR", "1350")
    assert not text_mentions("Samantha", "Sam")


SCHEMA = parse_schema(
    "objects: {contact: {primary_key: [name], fields: {name: str, city: str}},"
    " company: {fields: {name: str}}}\n"
    "relations: {works_at: {objects: {employee: contact, employer: company}}}"
)


def test_extraction_scores_align_objects_one_to_one():
    expected = [
        {"type": "contact", "values": {"name": "Ann", "city": "Oslo"}},
        {"type": "contact", "values": {"name": "Bo", "city": "Rome"}},
    ]
    got = Extraction(
        objects=[
            ExtractedObject("contact", {"name": "Bo", "city": "Oslo"}, "a"),  # city is Ann's
            ExtractedObject("contact", {"name": "Ann"}, "b"),
            ExtractedObject("company", {"name": "Acme"}, "c"),
        ],
        relations=[ExtractedRelation("works_at", {"employee": "b", "employer": "c"})],
    )
    rel = [{"type": "works_at", "endpoints": {"employee": "Ann", "employer": "Acme"}}]
    fields, relations, _ = score_extraction(expected, rel, got, SCHEMA)
    assert (fields.tp, fields.predicted, fields.expected) == (2, 4, 4)
    assert (relations.tp, relations.predicted, relations.expected) == (1, 1, 1)


def test_design_scores_match_aliases():
    got = parse_schema("objects: {people: {fields: {full_name: str, email: str}}}")
    objects, fields, notes = score_design({"person|people": ["name|full_name", "phone"]}, got)
    assert objects.tp == 1 and (fields.tp, fields.expected) == (1, 2)
    assert "missing field phone" in notes[0]


class Oracle:
    """A mind that knows the labels: extraction and design are perfect, answers echo."""

    def __init__(self, domains: list[Domain]) -> None:
        self.cases = {c.text: c for d in domains for c in d.extraction}
        self.questions = {q.q: q for d in domains for q in d.questions}

    async def extract(self, request: ExtractionRequest) -> Extraction:
        case = self.cases[request.text]
        objects = [
            ExtractedObject(o["type"], {k: _plain(v) for k, v in o["values"].items()}, f"o{i}")
            for i, o in enumerate(case.objects)
        ]
        refs = {
            str(o.values.get("name") or o.values.get("title") or o.values.get("reference")): o.ref
            for o in objects
        }
        relations = [
            ExtractedRelation(
                r["type"], {role: refs[name] for role, name in r["endpoints"].items()}
            )
            for r in case.relations
        ]
        return Extraction(objects=objects, relations=relations)

    async def answer(self, request: AnswerRequest) -> Answer:
        question = self.questions[request.question]
        if question.expect_none:
            return Answer(answer="Nothing matched.")
        return Answer(answer=", ".join(e.split("|")[0] for e in question.expect))

    async def design(self, description: str, current: Schema | None = None) -> Schema:
        case = next(c for d in DOMAINS for c in d.design if c.description == description)
        objects = dict(current.to_data()["objects"]) if current else {}
        for aliases, fields in case.expect.items():
            objects[aliases.split("|")[0]] = {
                "fields": {f.split("|")[0]: {"type": "str"} for f in fields}
            }
        data: dict[str, Any] = {"objects": objects}
        if current and current.relations:
            data["relations"] = current.to_data()["relations"]
        from xmemory_engine.schema import schema_from_data

        return schema_from_data(data)


@pytest.mark.anyio
async def test_an_oracle_scores_perfectly():
    oracle = Oracle(DOMAINS)
    scores = await evaluate(Mind(oracle, oracle, oracle), DOMAINS)
    totals = scores["totals"]
    assert totals["fields"]["f1"] == 1.0, scores["notes"]
    assert totals["relations"]["f1"] == 1.0, scores["notes"]
    assert totals["answers"] == 1.0, scores["notes"]
    assert totals["design_fields"] == 1.0 and totals["design_objects"] == 1.0
    assert totals["kept"] == "4/4" and totals["failures"] == 0


def test_results_section_replaces_only_itself(tmp_path: Path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Results\n\n## Writes\n\nfast\n\n## Quality\n\nold\n\n## Reads\n\nok\n")
    run = {
        "provider": "rules",
        "model": None,
        "logic": "regular",
        "date": "2026-01-01",
        "totals": {
            "fields": {"precision": 0.5, "recall": 0.25, "f1": 1 / 3},
            "relations": {"precision": 0, "recall": 0, "f1": 0},
            "answers": 0.5,
            "rows": 0.75,
            "design_objects": 1.0,
            "design_fields": 0.8,
            "kept": "4/4",
            "failures": 0,
            "seconds": 1.2,
        },
        "domains": {},
        "size": {"schemas": 5},
    }
    runs = results.record(run, tmp_path / "scores.json")
    results.write_section(runs, path)
    text = path.read_text()
    assert text.startswith("# Results\n\n## Writes\n\nfast\n\n## Quality\n")
    assert text.endswith("## Reads\n\nok\n")
    assert "old" not in text and "| rules | — | regular | 2026-01-01 | 50% | 25% | 33% |" in text
    results.write_section(runs, path)
    assert path.read_text() == text  # idempotent


@pytest.fixture
def design_llm() -> Iterator[FakeLLMServer]:
    def reply(request: Recorded) -> Reply:
        return Reply(
            text=json.dumps(
                {
                    "objects": [
                        {
                            "name": "contact",
                            "description": None,
                            "primary_key": ["name"],
                            "fields": [
                                {
                                    "name": n,
                                    "type": "str",
                                    "required": False,
                                    "description": None,
                                    "enum": None,
                                }
                                for n in ("name", "email", "phone", "title")
                            ],
                        }
                    ],
                    "relations": [],
                }
            )
        )

    with FakeLLMServer(script=reply) as server:
        yield server


@pytest.mark.slow
def test_the_one_command_scores_a_provider(design_llm: FakeLLMServer, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XMEM_", "OPENAI_"))}
    command = [
        sys.executable,
        "-m",
        "bench.quality",
        "--provider",
        "openai",
        "--base-url",
        design_llm.openai_url,
        "--model",
        "scripted",
        "--domains",
        "crm",
        "--only",
        "design",
        "--timeout",
        "5",
        "--no-write",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "openai scripted (regular)" in done.stdout
    assert "kept current 1/1" in done.stdout
    assert len(design_llm.requests) == 2  # one design from scratch, one incremental


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@pytest.mark.slow
def test_the_one_command_scores_the_rules_mind_as_a_script():
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    command = [
        sys.executable,
        str(ROOT / "bench/quality/run.py"),
        "--provider",
        "rules",
        "--no-write",
    ]
    done = subprocess.run(command, cwd="/", env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rules  (regular): extraction P ")
    assert "failures 0" in done.stdout
