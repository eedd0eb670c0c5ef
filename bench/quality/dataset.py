"""The labeled set: per schema, texts with the objects they should yield, questions over
seeded records with their answers, and descriptions with the schema they should give."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from xmemory_engine.schema import Schema, parse_schema

DATA_DIR = Path(__file__).parent / "data"


@dataclass
class ExtractionCase:
    text: str
    objects: list[dict[str, Any]]  # {type, values}; a value "*" accepts anything non-empty
    relations: list[dict[str, Any]]  # {type, endpoints: {role: label of the object}}


@dataclass
class Question:
    q: str
    expect: list[str]  # each must appear in the answer; "a|b" accepts either
    expect_none: bool = False  # nothing stored matches: the answer must say so


@dataclass
class DesignCase:
    description: str
    expect: dict[str, list[str]]  # "object|alias": ["field|alias", ...]
    current: bool = False  # extend this domain's schema rather than start afresh


@dataclass
class Domain:
    name: str
    schema: Schema
    extraction: list[ExtractionCase] = field(default_factory=list)
    seed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)
    design: list[DesignCase] = field(default_factory=list)


def load_domains(names: list[str] | None = None) -> list[Domain]:
    """Every domain in data/ (or those named), in file-name order."""
    paths = sorted(DATA_DIR.glob("*.yml"))
    domains = [load_domain(p) for p in paths]
    if names:
        unknown = set(names) - {d.name for d in domains}
        if unknown:
            raise SystemExit(f"unknown domain(s): {', '.join(sorted(unknown))}")
        domains = [d for d in domains if d.name in names]
    return domains


def load_domain(path: Path) -> Domain:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema_text = data["schema"]
    if schema_text == "default":
        schema_text = files("xmemory_engine").joinpath("default_schema.yml").read_text("utf-8")
    answers = data.get("answers") or {}
    return Domain(
        name=data["name"],
        schema=parse_schema(schema_text),
        extraction=[
            ExtractionCase(
                text=c["text"], objects=c.get("objects") or [], relations=c.get("relations") or []
            )
            for c in data.get("extraction") or []
        ],
        seed=answers.get("seed") or {},
        questions=[
            Question(
                q=q["q"],
                expect=[str(e) for e in q.get("expect") or []],
                expect_none=bool(q.get("expect_none")),
            )
            for q in answers.get("questions") or []
        ],
        design=[
            DesignCase(
                description=d["description"],
                expect={k: list(v) for k, v in d["expect"].items()},
                current=bool(d.get("current")),
            )
            for d in data.get("design") or []
        ],
    )
