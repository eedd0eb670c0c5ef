"""Which expected objects are not found (bench/conversations/misses.py): what keeps one object
from being found, and a real run of one small conversation through the engine whose misses it
counts without printing any of its text."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `bench` lives beside `src`, outside the installed packages

from bench.conversations import misses  # noqa: E402
from bench.conversations.dataset import parse  # noqa: E402
from bench.conversations.run import run_conversation  # noqa: E402
from bench.conversations.scoring import KEY_MISSING, fields_missed  # noqa: E402


def test_what_keeps_an_object_from_being_found() -> None:
    rows = [
        {"name": "Ana Lima", "role": "nurse", "company": None},
        {"name": "Tom Reed", "role": None, "company": "Acme"},
    ]
    assert fields_missed({"name": "Ana Lima", "role": "nurse"}, rows) == []
    assert fields_missed({"name": "Ana Lima", "company": "Acme"}, rows) == ["company"]
    assert fields_missed({"name": "Tom Reed", "role": "*chef*", "company": "Acme"}, rows) == [
        "role"
    ]
    assert fields_missed({"name": "Maya"}, rows) == [KEY_MISSING]


def test_a_run_is_counted_and_rendered_without_its_text(tmp_path: Path) -> None:
    conversation = parse(
        {
            "name": "misses-check",
            "style": "user",
            "turns": ["My sister Maya Okafor lives in Leeds.", "Maya's cat is called Miso."],
            "questions": [{"q": "Where does Maya live?", "kind": "lookup", "expect": ["Leeds"]}],
            "objects": [
                {"type": "person", "values": {"name": "Maya Okafor", "relationship": "sister"}},
                {"type": "person", "values": {"name": "Maya Okafor", "role": "*surgeon*"}},
                {"type": "organization", "values": {"name": "Quillfeather Bindery"}},
            ],
        },
        "dev",
        tmp_path / "misses-check.yml",
    )
    result = anyio.run(run_conversation, conversation)
    by_type, by_field = misses.misses([result])
    # The job and the firm were never said: the person is stored without the job, the firm
    # not at all.
    assert by_type == Counter({"person": 1, "organization": 1})
    assert by_field == Counter({("person", "role"): 1, ("organization", KEY_MISSING): 1})
    expected = Counter(o.type for o in conversation.objects)
    table = misses.render("dev", expected, by_type, by_field)
    assert table.startswith("dev: 2 of 3 expected objects not found")
    assert "| person | 2 | 1 | 0 | role 1 |" in table
    assert "| organization | 1 | 0 | 1 | - |" in table
    assert "Maya" not in table and "Leeds" not in table and "Quillfeather" not in table
