"""How the conversation benchmark writes its turns (bench/conversations/run.py): each turn is
said on the day its conversation was written, so a figure does not depend on the day the
benchmark runs."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `bench` lives beside `src`, outside the installed packages

from bench.conversations.dataset import Conversation, parse  # noqa: E402
from bench.conversations.run import _said_on, run_conversation  # noqa: E402


def _conversation(tmp_path: Path, today: str | None) -> Conversation:
    raw: dict[str, object] = {
        "name": "said-on",
        "style": "user",
        "turns": ["Ugh, what a week, honestly.", "2026-01-03: the boiler died again."],
        "questions": [{"q": "What sort of week was it?", "kind": "lookup", "expect": ["week"]}],
    }
    if today is not None:
        raw["today"] = today
    return parse(raw, "dev", tmp_path / "said-on.yml")


def test_a_turn_is_said_on_its_dateline_else_on_the_conversations_day(tmp_path: Path) -> None:
    written = _conversation(tmp_path, "2026-01-10")
    assert _said_on(written, "Ugh, what a week, honestly.") == "2026-01-10"
    assert _said_on(written, "2026-01-03: the boiler died again.") == "2026-01-03"
    # A conversation that says no day is read on the day it runs, as the engine would.
    assert _said_on(_conversation(tmp_path, None), "Ugh.") is None


def test_a_quoted_sentence_is_dated_the_day_its_conversation_was_written(tmp_path: Path) -> None:
    conversation = _conversation(tmp_path, "2026-01-10")
    result = anyio.run(run_conversation, conversation)
    [(_, _, outcome)] = result.questions
    assert outcome.basis == "passages"
    assert "(2026-01-10)" in outcome.answer
    assert str(date.today()) == "2026-01-10" or f"({date.today()})" not in outcome.answer
