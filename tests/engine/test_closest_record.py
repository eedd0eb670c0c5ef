"""The one record closest to a question no record holds every word of (minds/rules/closest.py):
the choice itself as a pure function, then through the engine's HTTP API with the default
schema and the rules mind, on a real file."""

from __future__ import annotations

import pytest
from engine_testkit import Memory

from xmemory_engine.minds.rules.closest import (
    SHARE,
    Candidate,
    _doer,
    _spaced,
    closest,
    weights,
)


def candidate(xuid: str, *holds: bool, answers: bool = True) -> Candidate:
    return Candidate(key=("event", xuid), holds=holds, answers=answers)


def test_a_word_no_record_holds_weighs_the_most() -> None:
    found = [candidate("a", True, False, False), candidate("b", True, True, False)]
    held_twice, held_once, held_by_none = weights(found, total=10, size=3)
    assert held_by_none > held_once > held_twice > 0


def test_the_record_holding_the_rarer_words_is_chosen_alone() -> None:
    # "team Christmas lunch": one record holds "Christmas" and "lunch", another "team".
    lunch = candidate("lunch", False, True, True)
    meeting = candidate("meeting", True, False, False)
    assert closest([lunch, meeting], total=10, size=3, required={2}) is lunch


def test_two_records_holding_as_much_answer_nothing() -> None:
    one, other = candidate("a", True, True, False), candidate("b", True, True, False)
    assert closest([one, other], total=10, size=3, required=set()) is None


def test_the_noun_asked_of_and_the_names_asked_must_be_held() -> None:
    # "team dinner" beside "team meeting": "dinner", the noun asked of, is held by none.
    meeting = candidate("meeting", True, False)
    assert closest([meeting], total=10, size=2, required={1}) is None
    # A record holding the noun but not the name asked is not about it either.
    other = candidate("other", False, True, True)
    assert closest([other], total=10, size=3, required={0, 2}) is None


def test_a_record_below_the_share_of_the_weight_answers_nothing() -> None:
    # It holds one common word of three; the other two are held by no record and weigh most.
    found = [candidate(str(i), True, False, False) for i in range(5)]
    weak = candidate("weak", True, False, False)
    weight = weights([*found, weak], total=10, size=3)
    assert weight[0] < SHARE * sum(weight)
    assert closest([weak], total=10, size=3, required=set()) is None


def test_records_without_the_kind_of_value_asked_do_not_compete() -> None:
    # "When ...": the record with no date does not tie with the one that has one.
    dated = candidate("dated", True, True)
    undated = candidate("undated", True, True, answers=False)
    assert closest([dated, undated], total=10, size=2, required=set()) is dated
    assert closest([undated], total=10, size=2, required=set()) is None


@pytest.mark.anyio
async def test_a_record_holding_the_rarer_words_asked_answers_with_a_notice_saying_what_it_lacks(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Events: staff Christmas lunch Friday 18 December 2026, 1pm at The Little Chartroom."
    )
    await write("Team meeting on Monday 7 December 2026.")
    found = await read("When is the team Christmas lunch?")
    assert found["basis"] == "records", found
    assert "2026-12-18" in found["reader_result"]["answer"]
    assert "staff Christmas lunch" in found["reader_result"]["answer"]
    notice = found["notice"]
    assert "holds Christmas, lunch but not team" in notice and "check" in notice
    [evidence] = {e["xuid"] for e in found["evidence"]}
    assert evidence  # the record read, with the sentence it came from
    # The noun asked of held by no record: nothing is stored about it, not a near record.
    nothing = await read("When is the team dinner?")
    assert nothing["basis"] == "nothing", nothing
    assert nothing["reader_result"]["answer"] == "Nothing stored about team dinner."


@pytest.mark.anyio
async def test_a_value_understood_answers_and_the_sentence_kept_as_a_note_does_not_tie_with_it(
    memory: Memory,
) -> None:
    write, read = memory
    # Among a few other records: a word's weight is its rarity among them.
    await write(
        "Events: staff Christmas lunch Friday 18 December 2026, 1pm at The Little Chartroom."
    )
    await write("The choir's balance is £3,482.17.")
    await write("Team meeting on Monday 7 December 2026.")
    found = await read("What's the choir's bank balance?")
    assert found["basis"] == "records", found
    assert "£3,482.17" in found["reader_result"]["answer"]
    assert "not bank" in found["notice"]


@pytest.mark.anyio
async def test_several_asked_or_two_questions_in_one_get_no_single_near_record(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Events: staff Christmas lunch Friday 18 December 2026, 1pm at The Little Chartroom."
    )
    for question in (
        "Which team Christmas lunch is the cheapest?",  # one of several alike
        "When is the team Christmas lunch, and who is cooking?",  # two questions
    ):
        found = await read(question)
        assert "No record holds every word asked" not in (found.get("notice") or ""), found


@pytest.mark.anyio
async def test_who_did_something_is_the_one_person_a_sentence_of_their_notes_says_it_of(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Mid-season meet-up booked at The Crown & Anchor, Friday 22 January 2027.")
    await write("Siobhán Keane offered to run the quiz; she'll also bring the trophy.")
    await write("Dara Byrne booked the back room.")
    found = await read("Who is bringing the trophy to the pub?")
    assert found["basis"] == "records", found
    # Her record, read from the sentence found (`behind._named_beside`), or from her notes
    # (`closest_doer`): said as found either way, for the reader to check.
    assert found["reader_result"]["answer"].startswith("Siobhán Keane"), found
    assert "Siobhán Keane" in found["notice"] or "bring the trophy" in found["notice"]
    # A deed no one's sentence tells is no one's: not the nearest person.
    nobody = await read("Who is cooking the dinner?")
    assert "Siobhán" not in nobody["reader_result"]["answer"], nobody
    assert "Dara" not in nobody["reader_result"]["answer"], nobody


@pytest.mark.anyio
async def test_a_sentence_filed_under_someone_that_says_he_or_she_is_said_of_them(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Leah sent a Gas Safe engineer, Pavel Dvořák, round to look at the boiler. "
        "He said the expansion vessel needs replacing."
    )
    found = await read("Who said the boiler's expansion vessel has to be replaced?")
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"] == "Pavel Dvořák."
    assert "He said the expansion vessel needs replacing." in found["notice"]


def test_the_doer_is_found_by_places_in_the_sentence_as_written() -> None:
    # Marks between the names must not move where the deed is read to be: Priya asks.
    text = "Tomasz -- ... -- ... -- ... -- ... -- ... Priya asked about the wall."
    named = ["Tomasz Nowak", "Priya Shah"]
    question = "Who asked about the wall?"
    assert _doer(text, _spaced(text), ["ask", "wall"], named, question, "x") == "Priya Shah"
