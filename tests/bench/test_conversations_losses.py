"""Where answers are lost (bench/conversations/losses.py): the classes it counts, and a real
run of one small conversation through the engine whose losses it counts without printing any
of its text."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `bench` lives beside `src`, outside the installed packages

from bench.conversations import losses  # noqa: E402
from bench.conversations.dataset import parse  # noqa: E402
from bench.conversations.run import run_conversation  # noqa: E402
from bench.conversations.scoring import score  # noqa: E402


def test_where_the_conversation_says_the_answer() -> None:
    turns = ["Ana lives in Porto. She works at Acme.", "Her email is ana@acme.example."]
    assert losses.where_said(turns, ["Porto"]) == "one sentence"
    assert losses.where_said(turns, ["Porto", "Acme"]) == "one turn"
    assert losses.where_said(turns, ["Porto", "ana@acme.example"]) == "across turns"
    assert losses.where_said(turns, ["Lisbon"]) == "across turns"


@pytest.mark.parametrize(
    ("result", "how"),
    [
        ({"basis": "nothing", "reader_result": {"answer": "Nothing stored about it."}},
         "nothing"),
        ({"basis": "passages", "reader_result": {"answer": "What was said: …"},
          "notice": "quoted"}, "passages"),
        ({"basis": "records", "reader_result": {"answer": "Lisbon"}, "notice": "check"},
         "records"),
        ({"basis": "records", "reader_result": {"answer": "Lisbon"}}, "confident-wrong"),
    ],
)  # fmt: skip
def test_how_a_question_was_lost(result: dict[str, object], how: str) -> None:
    assert losses.how_lost(score("lookup", ["Porto"], result)) == how


def test_a_run_is_counted_and_rendered_without_its_text(tmp_path: Path) -> None:
    conversation = parse(
        {
            "name": "losses-check",
            "style": "user",
            "turns": ["My sister Maya lives in Leeds.", "Maya's cat is called Miso."],
            "questions": [
                {"q": "Where does Maya live?", "kind": "lookup", "expect": ["Leeds"]},
                {"q": "What is Maya's cat's favourite toy?", "kind": "lookup",
                 "expect": ["feather wand"]},
                {"q": "What is Maya's phone number?", "kind": "no_answer"},
            ],
        },
        "dev",
        tmp_path / "losses-check.yml",
    )  # fmt: skip
    result = anyio.run(run_conversation, conversation)
    counted = losses.losses([(conversation, result)])
    lost = sum(not o.correct for _, _, o in result.questions if o.kind != "no_answer")
    # The toy was never said: that question is lost, and the answer is in no sentence.
    assert sum(counted.values()) == lost >= 1
    assert sum(n for (_, where), n in counted.items() if where == "across turns") >= 1
    table = losses.render("dev", 2, counted)
    assert table.startswith(f"dev: {lost} of 2 answerable")
    assert "Maya" not in table and "Leeds" not in table and "feather" not in table
