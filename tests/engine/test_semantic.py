"""Finding stored sentences by meaning (semantic.py, passages._similar), through the real
engine, its HTTP API and the rules mind on a real SQLite file, with the real model that the
`semantic` extra installs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from engine_testkit import Session, rules_session

from xmemory_engine import semantic

pytestmark = pytest.mark.anyio

needs_model = pytest.mark.skipif(
    semantic._package() is None, reason="the semantic extra (wordllama) is not installed"
)


@contextlib.asynccontextmanager
async def memory(tmp_path: Path, **settings: Any) -> AsyncIterator[Session]:
    try:
        async with rules_session(tmp_path, **settings) as opened:
            yield opened
    finally:
        semantic.configure(True)  # the process-wide switch back to its default


STORY = [
    "Maya is employed by Globex as an engineer.",
    "Flour order: 20 sacks of strong white every other Monday.",
    "Dad turns 70 next March.",
]
# Said in no word of the sentence that answers it: only its meaning finds it.
OTHER_WORDS = "How often does the flour arrive?"


@needs_model
async def test_a_question_in_other_words_finds_the_sentence_that_answers_it(
    tmp_path: Path, database_url: str | None
) -> None:
    async with memory(tmp_path, database_url=database_url) as m:
        for line in STORY:
            await m.write(line)
        flour = await m.read(OTHER_WORDS)
        assert flour["basis"] == "passages"
        assert [p["sentence"] for p in flour["passages"]] == [STORY[1]]
        assert "every other Monday" in flour["reader_result"]["answer"]


@needs_model
async def test_close_in_meaning_is_not_enough_when_the_question_asks_for_something_unsaid(
    tmp_path: Path, database_url: str | None
) -> None:
    async with memory(tmp_path, database_url=database_url) as m:
        for line in STORY:
            await m.write(line)
        # About Maya, but nothing says her email; no one keeps bees; flour is not sugar.
        questions = ("What is Maya's email address?", "Who looks after our bees?")
        for question in (*questions, "How often do we get sugar?"):
            answer = await m.read(question)
            assert answer["basis"] == "nothing", (question, answer)
            assert answer["passages"] == []


@needs_model
async def test_sentences_said_after_a_read_are_found_and_forgotten_ones_are_not(
    tmp_path: Path, database_url: str | None
) -> None:
    async with memory(tmp_path, database_url=database_url) as m:
        await m.write(STORY[0])
        assert (await m.read(OTHER_WORDS))["basis"] == "nothing"
        await m.write(STORY[1])  # the index in memory catches up on the next read
        assert "Monday" in (await m.read(OTHER_WORDS))["reader_result"]["answer"]
        await m.forget("Monday")
        after = await m.read(OTHER_WORDS)
        assert after["basis"] == "nothing"
        assert "Monday" not in str(after)


async def test_with_finding_by_meaning_off_only_the_words_count(
    tmp_path: Path, database_url: str | None
) -> None:
    async with memory(tmp_path, semantic=False, database_url=database_url) as m:
        for line in STORY:
            await m.write(line)
        assert (await m.read(OTHER_WORDS))["basis"] == "nothing"
        # Words the question shares still find the sentence.
        found = await m.read("When is the flour order?")
        assert "Monday" in found["reader_result"]["answer"]


@needs_model
def test_words_close_in_meaning_are_told_from_words_that_only_share_a_topic() -> None:
    model = semantic.load()
    assert model is not None
    close = semantic.close_words(model, ["work", "dog", "father", "sugar"], ["employed", "puppy"])
    assert close == {"work", "dog"}
    [q] = model.encode(["Where does Maya work?"])
    employed, flour = model.encode([STORY[0], STORY[1]])
    assert float(q @ employed) > float(q @ flour)


@needs_model
async def test_a_later_sentence_about_the_same_thing_is_shown_after_the_passage(
    tmp_path: Path, database_url: str | None
) -> None:
    async with memory(tmp_path, database_url=database_url) as m:
        await m.write(
            "Progress 2026-02-10: Genki chapter 15 done; Anki deck at 1,120 cards learned."
        )
        await m.write("Tutor: Sato Yuki on italki, Tuesdays 07:30.")
        await m.write("Progress 2026-03-01: Genki chapter 17 done; Anki at 1,310 learned.")
        answer = await m.read("How many Anki cards have I learned so far?")
        assert answer["basis"] == "passages"
        said = [p["sentence"] for p in answer["passages"]]
        assert said[-1].startswith("Progress 2026-03-01") and "Tutor" not in str(said)


@needs_model
def test_the_index_scores_with_bytes_as_the_vectors_would_and_catches_up_in_rounds() -> None:
    model = semantic.load()
    assert model is not None
    said = [f"Sentence {i}: {text}" for i, text in enumerate(STORY * 5)]
    index = semantic.SentenceIndex()
    index.CATCH_UP = 4  # several rounds for 15 sentences

    def read_after(after: int, n: int) -> list[tuple[int, str]]:
        return [(i + 1, text) for i, text in enumerate(said) if i + 1 > after][:n]

    found = index.nearest(model, read_after, OTHER_WORDS, k=len(said))
    assert sorted(i for i, _ in found) == list(range(1, len(said) + 1))
    vectors = model.encode(said)
    [question] = model.encode([OTHER_WORDS])
    exact = {i + 1: float(vectors[i] @ question) for i in range(len(said))}
    assert all(abs(score - exact[i]) < 0.01 for i, score in found)
    assert found[0][0] == max(exact, key=lambda i: exact[i])
    # Said later: found too, and only those after a given id when asked so.
    said.append("The flour arrives every other Monday.")
    later = index.nearest(model, read_after, OTHER_WORDS, k=3, after=len(said) - 1)
    assert [i for i, _ in later] == [len(said)]


@needs_model
async def test_a_sentence_found_by_meaning_answers_from_the_records_it_names(
    tmp_path: Path, database_url: str | None
) -> None:
    async with memory(tmp_path, database_url=database_url) as m:
        await m.write("Tesco Silverburn donates surplus bread on Fridays; Hamish does the pickup.")
        await m.write("Three quotes for the kitchen: Keukens Van Damme €18,400, IKEA €11,900.")
        bread = await m.read("Which shop gives us bread?")
        # "gives" is not said, "donates" is: the sentence is found by meaning, and the one
        # firm it names is read from its record, with a notice to check it.
        assert [p["found_by"] for p in bread["passages"]][:1] == ["meaning"], bread
        assert bread["basis"] == "records", bread
        assert bread["reader_result"]["answer"].startswith("Tesco Silverburn"), bread
        assert bread["notice"], bread
        # Choosing by comparing ("the cheapest") is not answered by one record named (the
        # firm the sentence names first), but by comparing what it lists (`rules/compare`).
        cheapest = await m.read("Which kitchen quote was the cheapest?")
        assert cheapest["reader_result"]["answer"].startswith("IKEA"), cheapest
        assert "Compared the 2 amounts" in cheapest["notice"], cheapest
