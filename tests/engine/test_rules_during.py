"""The days a question asks about (`minds/rules/during.py`)."""

from __future__ import annotations

from datetime import date

import pytest

from xmemory_engine.minds.rules.during import asked_window

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("question", "first", "last"),
    [
        ("Which appointments are in January?", "2027-01-01", "2027-01-31"),  # the next one
        ("What happened in March?", "2026-03-01", "2026-03-31"),  # what happened: the last
        ("What is due before the end of March?", None, "2027-03-31"),
        ("What is due before March?", None, "2027-02-28"),
        ("What has come in since June 2026?", "2026-06-01", None),
        ("What is on 22 January 2027?", "2027-01-22", "2027-01-22"),
        ("What needs doing on the 24th?", "2026-12-24", "2026-12-24"),
        ("What must be done before 3 December 2026?", None, "2026-12-02"),
        # A week, weekend, month or year named from today is all its days.
        ("What's on this week?", "2026-11-30", "2026-12-06"),
        ("What have I got on next week?", "2026-12-07", "2026-12-13"),
        ("Anything on this weekend?", "2026-12-05", "2026-12-06"),
        ("What happened last month?", "2026-11-01", "2026-11-30"),
        ("What's coming up next month?", "2027-01-01", "2027-01-31"),
        ("What is due before next week?", None, "2026-12-06"),
        ("What has come in since last year?", "2025-01-01", None),
    ],
)
def test_a_question_s_time_is_a_window_of_days(
    question: str, first: str | None, last: str | None
) -> None:
    window = asked_window(question, TODAY)
    assert window is not None
    assert (window.first and window.first.isoformat(), window.last and window.last.isoformat()) == (
        first,
        last,
    )


@pytest.mark.parametrize("question", ["What may I eat?", "Who is my dentist?", "How do I take it?"])
def test_no_time_no_window(question: str) -> None:
    assert asked_window(question, TODAY) is None


def test_the_window_is_a_condition_on_iso_dates() -> None:
    window = asked_window("Which events are in March 2027?", TODAY)
    assert window is not None
    assert window.sql("t.date") == (
        "(t.date IS NOT NULL AND substr(t.date, 1, 10) >= '2027-03-01' "
        "AND substr(t.date, 1, 10) <= '2027-03-31')"
    )
