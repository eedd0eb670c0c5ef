"""Two questions asked as one (service/parts.py): how a question is split and a pronoun
pointed back, as pure functions, then read half by half through the engine's HTTP API with
the default schema and the rules mind, on a real file."""

from __future__ import annotations

import pytest
from engine_testkit import Memory

from xmemory_engine.service import parts


@pytest.mark.parametrize(
    ("query", "halves"),
    [
        (
            "Who gives me lifts to rehearsal, and what's his number?",
            ("Who gives me lifts to rehearsal?", "what's his number?"),
        ),
        (
            "How much is the exam fee and when do I have to pay it by?",
            ("How much is the exam fee?", "when do I have to pay it by?"),
        ),
    ],
)
def test_a_question_asking_two_things_is_split_in_two(query: str, halves: tuple[str, str]) -> None:
    assert parts.split(query) == halves


@pytest.mark.parametrize(
    "query",
    [
        "Who is my accountant?",
        "Which of the cars did I go off, and why?",  # the second half alone asks nothing
        "What do Ana and Rui sell?",  # "and" inside one question
    ],
)
def test_one_question_is_not_split(query: str) -> None:
    assert parts.split(query) is None


def test_a_pronoun_pointing_back_becomes_the_name_found() -> None:
    assert parts.pointed("what's his number?", "Dmitri Volkov") == "what's Dmitri Volkov's number?"
    assert parts.pointed("what's her job?", "Ingrid Solberg") == "what's Ingrid Solberg's job?"
    assert parts.pointed("which firm is she with?", "Ana Ruiz") == "which firm is Ana Ruiz with?"
    assert parts.pointed("where do they live?", None) == "where do they live?"


def test_the_name_comes_from_a_who_question_answered_from_records() -> None:
    item = {"basis": "records", "evidence": [{"name": "User"}, {"name": "Dorota Nowak"}]}
    assert parts.who_found("Who reported the missed doses?", item) == "Dorota Nowak"
    assert parts.who_found("When is the exam?", item) is None
    assert parts.who_found("Who reported it?", {**item, "basis": "passages"}) is None


def test_halves_on_different_footings_are_not_records_as_a_whole() -> None:
    records = {"basis": "records", "reader_result": {"answer": "Dorota Nowak"}, "evidence": []}
    nothing = {"basis": "nothing", "reader_result": {"answer": "Nothing stored about shoe size."}}
    joined = parts.joined([("Who?", records), ("What shoe size?", nothing)], read_id=None)
    assert joined["basis"] == "passages"
    assert joined["reader_result"]["answer"] == "Dorota Nowak Nothing stored about shoe size."
    assert [r["sub_query"] for r in joined["reader_results"]] == ["Who?", "What shoe size?"]
    assert "“Who?” (from records)" in joined["notice"]
    assert "“What shoe size?” (nothing stored)" in joined["notice"]


@pytest.mark.anyio
async def test_two_questions_in_one_are_read_half_by_half_the_second_about_whom_the_first_found(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Our carer Dorota Nowak works for Fellside Homecare.")
    await write("Dorota Nowak reported that Gerald missed his lunchtime doses twice.")
    found = await read(
        "Who reported the missed lunchtime doses, and which agency does she work for?"
    )
    assert found["basis"] == "records", found
    answer = found["reader_result"]["answer"]
    assert "Dorota Nowak" in answer and "Fellside Homecare" in answer
    halves = [r["sub_query"] for r in found["reader_results"]]
    assert halves == [
        "Who reported the missed lunchtime doses?",
        "which agency does Dorota Nowak work for?",
    ]
    assert {e["name"] for e in found["evidence"]} >= {"Dorota Nowak"}


@pytest.mark.anyio
async def test_two_questions_neither_of_which_is_stored_say_nothing_stored(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Our carer Dorota Nowak works for Fellside Homecare.")
    found = await read("What's the gate code, and when does the bin go out?")
    assert found["basis"] == "nothing", found
    assert len(found["reader_results"]) == 1  # the whole question's own answer
