"""The held-out conversations harness (bench/conversations): its scoring and its data's shape.

The whole set is not run here (it takes seconds and needs no test to be a benchmark); these
check the pieces that decide what counts as right, abstained or confidently wrong.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `bench` lives beside `src`, outside the installed packages

from bench.conversations import run  # noqa: E402
from bench.conversations.dataset import (  # noqa: E402
    KINDS,
    SPLITS,
    DatasetError,
    frozen_digest,
    load,
    parse,
    split_digest,
)
from bench.conversations.scoring import (  # noqa: E402
    expect_met,
    object_found,
    score,
    value_matches,
)


def test_diacritics_are_ignored_when_the_plain_form_misses() -> None:
    assert expect_met(["Zoe Angstrom"], "Zoë Ångström leads the platform team.")
    assert expect_met(["Zoë Ångström"], "zoe angstrom")
    assert expect_met(["Łukasz"], "Lukasz Wisniewski, CTO")
    assert expect_met(["José"], "Jose\u0301 Álvarez")  # decomposed accent in the answer
    assert not expect_met(["Zoë"], "Zo")


def test_every_entry_is_needed_and_alternatives_are_split_on_bars() -> None:
    assert expect_met(["2026-03-21|March 21|21 March"], "On March 21, 2026.")
    assert expect_met(["2026-03-21|March 21|21 March"], "2026-03-21")
    assert not expect_met(["2026-03-21|March 21"], "On 2026-03-14.")
    assert expect_met(["Atlas", "Birch"], "atlas and BIRCH")
    assert not expect_met(["Atlas", "Birch"], "Atlas")
    assert expect_met(["St. Mary's|St Mary"], "St Mary\u2019s Hospital")


def test_no_answer_abstains_on_basis_nothing_or_a_nothing_stored_phrase() -> None:
    assert score("no_answer", (), {"reader_result": {"answer": "x"}, "basis": "nothing"}).abstained
    said = {"reader_result": {"answer": "No person named Bob is stored."}}
    assert score("no_answer", (), said).abstained
    # A reported basis wins over the wording.
    assert not score("no_answer", (), {**said, "basis": "records"}).abstained
    guessed = score(
        "no_answer",
        (),
        {"reader_result": {"answer": "Sam Whitaker."}, "notice": "Person records have no field"},
    )
    assert not guessed.abstained
    assert not guessed.confident_wrong  # the notice warns the reader


def test_confident_wrong_needs_no_notice_and_records_as_basis() -> None:
    wrong = {"reader_result": {"answer": "London"}}
    assert score("correction", ("Madrid",), wrong).confident_wrong
    assert score("correction", ("Madrid",), {**wrong, "basis": "records"}).confident_wrong
    assert not score("correction", ("Madrid",), {**wrong, "basis": "passages"}).confident_wrong
    assert not score("correction", ("Madrid",), {**wrong, "notice": "unsure"}).confident_wrong
    unsure = {"reader_result": {"answer": "Nothing stored matches the question."}}
    assert not score("lookup", ("Madrid",), unsure).confident_wrong
    assert not score("lookup", ("Madrid",), {"reader_result": None}).correct
    no_answer_guess = score("no_answer", (), {"reader_result": {"answer": "Sam Whitaker."}})
    assert no_answer_guess.confident_wrong


def test_right_answers_are_split_by_basis() -> None:
    result = {"reader_result": {"answer": "Madrid"}, "basis": "passages"}
    outcome = score("lookup", ("Madrid",), result)
    assert (outcome.correct, outcome.from_records, outcome.with_passages) == (True, False, True)
    outcome = score("lookup", ("Madrid",), {"reader_result": {"answer": "Madrid"}})
    assert (outcome.correct, outcome.from_records, outcome.with_passages) == (True, True, True)


def test_expected_objects_match_stored_values() -> None:
    assert value_matches("*", "anything")
    assert not value_matches("*", "")
    assert not value_matches("Leeds", None)
    assert value_matches("*peanut*", "Allergic to Peanuts")
    assert value_matches("2026-03-21", "2026-03-21")
    assert not value_matches("Hana Novák", "Hana Nov")
    rows = [{"name": "Maya Patel", "role": "Midwife", "location": None}]
    assert object_found({"name": "maya patel", "role": "midwife"}, rows)
    assert not object_found({"name": "Maya Patel", "location": "Leeds"}, rows)


def test_every_data_file_has_the_documented_shape() -> None:
    conversations = load("all")  # raises on a malformed file or a name used twice
    assert len({c.name for c in conversations}) == len(conversations) >= 40
    questions = [q for c in conversations for q in c.questions]
    assert len(questions) >= 250
    for q in questions:
        assert q.kind in KINDS
        assert (q.kind == "no_answer") == (not q.expect), q.q
    assert sum(c.style == "agent" for c in conversations) * 3 >= len(conversations)
    assert {c.split for c in conversations} == {"dev", "test"}


def test_the_test_split_is_as_frozen() -> None:
    assert split_digest() == frozen_digest()


@pytest.mark.parametrize("split", ["holdout", "holdout2", "holdout3", "holdout4", "holdout5"])
def test_the_holdout_splits_are_frozen_and_left_out_of_all(split: str) -> None:
    holdout = load(split)
    assert len(holdout) >= 14
    assert sum(len(c.questions) for c in holdout) >= 110
    assert {c.style for c in holdout} == {"user", "agent"}
    assert split_digest(split=split) == frozen_digest(split=split)
    assert split_digest(split=split) != split_digest(split="test")
    assert not {c.name for c in holdout} & {c.name for c in load("all")}


def test_a_conversation_may_say_the_day_it_was_written_on() -> None:
    raw = {
        "name": "x",
        "style": "user",
        "turns": ["I live in Leeds."],
        "questions": [{"q": "Where do I live?", "kind": "lookup", "expect": ["Leeds"]}],
    }
    assert parse(raw, "dev", Path("x.yml")).today is None
    assert parse({**raw, "today": "2026-01-10"}, "dev", Path("x.yml")).today == date(2026, 1, 10)
    # Unquoted, YAML reads a date object: refused, as unquoted object values are.
    for wrong in (date(2026, 1, 10), "10 Jan 2026", "2026-02-30"):
        with pytest.raises(DatasetError, match="today"):
            parse({**raw, "today": wrong}, "dev", Path("x.yml"))


def test_a_split_may_fix_the_day_its_conversations_are_read_from(tmp_path: Path) -> None:
    folder = tmp_path / "dev"
    folder.mkdir()
    raw = (
        'name: x\nstyle: user\nturns: ["I live in Leeds."]\n'
        'questions: [{q: "Where do I live?", kind: lookup, expect: [Leeds]}]\n'
    )
    (folder / "x.yml").write_text(raw)
    (folder / "y.yml").write_text(raw.replace("name: x", "name: y") + 'today: "2026-01-10"\n')
    assert [c.today for c in load("dev", data=tmp_path)] == [None, date(2026, 1, 10)]
    (folder / "TODAY").write_text("2026-12-04\n# why this day\n")
    # The split's day for those that say none; one's own day wins.
    assert [c.today for c in load("dev", data=tmp_path)] == [date(2026, 12, 4), date(2026, 1, 10)]
    (folder / "TODAY").write_text("4 Dec 2026\n")
    with pytest.raises(DatasetError, match="TODAY"):
        load("dev", data=tmp_path)
    # Every split in the repository is read from a fixed day, so figures taken on different
    # days compare.
    assert all(c.today is not None for s in SPLITS for c in load(s))


@pytest.mark.anyio
async def test_the_day_a_conversation_names_is_the_day_its_dates_are_read_from() -> None:
    raw = {
        "name": "x",
        "style": "user",
        "today": "2026-01-10",  # a Saturday
        "turns": ["The dentist appointment is next Tuesday at 9am."],
        "questions": [
            {"q": "When is the dentist appointment?", "kind": "date", "expect": ["2026-01-13"]}
        ],
        "objects": [
            {"type": "event", "values": {"title": "dentist appointment", "date": "2026-01-13"}}
        ],
    }
    result = await run.run_conversation(parse(raw, "dev", Path("x.yml")))
    assert result.objects_found == 1
    [(_, _, outcome)] = result.questions
    assert outcome.correct and outcome.from_records, outcome


def test_a_no_answer_question_with_an_expectation_is_refused() -> None:
    raw = {
        "name": "x",
        "style": "user",
        "turns": ["I live in Leeds."],
        "questions": [{"q": "Where?", "kind": "no_answer", "expect": ["Leeds"]}],
    }
    with pytest.raises(DatasetError, match="no_answer"):
        parse(raw, "dev", Path("x.yml"))


@pytest.mark.parametrize(
    "split", ["test", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "all"]
)
def test_misses_are_never_shown_for_a_held_out_split(
    split: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run.main(["--split", split, "--show-misses"]) == 2
    assert "dev split only" in capsys.readouterr().err


def test_recording_replaces_only_its_marked_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# B\n\n<!-- engine-bench:start -->\nE\n<!-- engine-bench:end -->\n\n## Quality\nQ\n"
    )
    totals = {
        "conversations": 1, "questions": 2, "answerable": 1, "right": 1.0,
        "from_records": 1.0, "with_passages": 1.0, "abstained": 1, "no_answer": 1,
        "confident_wrong": 0.0, "extraction_recall": 0.5, "records_stored": 3,
        "turns": 2, "note_only_turns": 1, "empty_turns": 0,
        "kinds": {"lookup": {"answerable": 1, "right": 1.0, "confident_wrong": 0.0,
                             "abstained": 0, "no_answer": 0}},
        "styles": {},
    }  # fmt: skip
    dev = {"date": "2026-11-30", "commit": "abc", "machine": "m", "mind": "rules",
           "seconds": 1.0, "frozen": None, "totals": totals}  # fmt: skip
    for _ in range(2):  # the second run replaces the first section, adds no new one
        run.record({"dev": dev}, scores=tmp_path / "scores.json", results=results)
    text = results.read_text()
    assert text.count(run.START) == 1
    assert "| dev | 2026-11-30 | abc | 1 | 2 | 100% |" in text
    assert text.index("<!-- engine-bench:end -->") < text.index(run.START)
    assert text.index(run.END) < text.index("## Quality\nQ\n")


def test_a_number_expected_is_found_only_as_a_whole_number() -> None:
    # "2" is no right count inside a date, a larger number or a decimal.
    assert not expect_met(["2|two"], "There is 1 event (also said: 2026-03-09).")
    assert not expect_met(["2"], "12 panels, version 2.5")
    assert expect_met(["2|two"], "2: Freya (daughter); Leo (son).")
    assert expect_met(["1,870"], "Weber & Lang paid €1,870.")
    assert expect_met(["3rd|third"], "by the 3rd")


def test_a_day_expected_without_its_year_is_met_by_that_day_in_iso_form() -> None:
    # A record's date is read out as 2026-02-03: the day asked for, in any year.
    assert expect_met(["3 February|February 3"], "her fall (event): date: 2026-02-03.")
    assert expect_met(["20 April"], "start (event): date: 2027-04-20.")
    assert expect_met(["Feb 3rd"], "date: 2026-02-03")
    # Another day, another month, or no date at all is not.
    assert not expect_met(["3 February"], "date: 2026-02-13")
    assert not expect_met(["3 February"], "date: 2026-03-02")
    assert not expect_met(["3 pm"], "date: 2026-03-03")  # no month: only the words
    assert not expect_met(["Maja"], "date: 2026-02-03")
