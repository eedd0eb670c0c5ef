"""A value said to be replaced ("switched from X to Y") changes the stored record that held it,
of whom the sentence speaks only (`minds/rules/replaced.py`): through the real engine, whose
record lookup the rules use, and read back from its SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from engine_testkit import Memory
from engine_testkit import rules_session as session

pytestmark = pytest.mark.anyio


def rows(tmp_path: Path, table: str) -> list[dict[str, Any]]:
    """The rows of `table` in the one instance's file (the default instance)."""
    [path] = (tmp_path / "d" / "instances").glob("*.sqlite")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute(f'SELECT * FROM "{table}"')]
    finally:
        db.close()


async def test_the_old_value_is_replaced_where_it_was_stored(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        for text in (
            "I live in London.",
            "Ana Ortiz lives in London.",
            "User prefers oat milk flat whites, no sugar.",
            "My gym is PureGym.",
            "Update: I moved from London to Madrid in March.",
            "Correction: user switched from oat milk to almond milk.",
            "We changed gyms from PureGym to The Gym Group.",
        ):
            await memory.write(text)
        people = {p["name"]: p for p in rows(tmp_path, "person")}
        assert people["User"]["location"] == "Madrid"
        assert people["Ana Ortiz"]["location"] == "London"  # not whom the sentence speaks of
        [preference] = rows(tmp_path, "preference")
        assert preference["value"] == "prefers almond milk flat whites, no sugar"
        assert "oat milk" in preference["topic"]  # the key is kept: the same record changed
        facts = rows(tmp_path, "fact")
        assert [f["value"] for f in facts if f["attribute"] == "gym"] == ["Gym Group"]
        assert not [f for f in facts if f["attribute"] == "changed"]  # no deed of its own
        where = await memory.read("Where do I live?")
        assert where["reader_result"]["answer"] == "Madrid"


async def test_a_value_nobody_spoken_of_holds_stays(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Ana Ortiz lives in London.")
        await memory.write("Update: I moved from London to York.")
        people = {p["name"]: p for p in rows(tmp_path, "person")}
        assert people["Ana Ortiz"]["location"] == "London"


async def test_a_provider_is_a_detail_and_takes_its_replacement(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("User's mobile provider is Vodafone.")
        await memory.write("My bank is Monzo.")
        await memory.write("Update: user switched from Vodafone to Three.")
        # "provider", "insurer": kinds of organization, not of person.
        assert not [p for p in rows(tmp_path, "person") if p["name"] == "Vodafone"]
        facts = {(f["subject"], f["attribute"]): f["value"] for f in rows(tmp_path, "fact")}
        assert facts[("User", "mobile provider")] == "Three"
        # A detail asked as the asker's own ("do I"), not only as "my ...".
        bank = await memory.read("What bank do I use?")
        assert bank["basis"] == "records" and "Monzo" in bank["reader_result"]["answer"]


async def test_someone_named_by_their_first_name_alone_is_the_one_stored(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("José Álvarez is a product designer at Mercadona Tech.")
        await memory.write("José Pérez is a chef at Mercadona Tech.")
        await memory.write("Update: Álvarez moved from Mercadona Tech to Inditex Digital.")
        people = {p["name"]: p for p in rows(tmp_path, "person")}
        assert people["José Álvarez"]["company"] == "Inditex Digital"
        assert people["José Pérez"]["company"] == "Mercadona Tech"
        answer = await memory.read("Where does José Álvarez work?")
        assert answer["reader_result"]["answer"] == "Inditex Digital"
        # The old value says which José: the one who held it.
        await memory.write("Update: José moved from Mercadona Tech to Zara.")
        # Two people called José held it: which one moved is not known.
        await memory.write("José Ramos is a buyer at Inditex Digital.")
        await memory.write("Update: José moved from Inditex Digital to Lidl.")
        people = {p["name"]: p for p in rows(tmp_path, "person")}
        assert people["José Pérez"]["company"] == "Zara"
        assert people["José Álvarez"]["company"] == "Inditex Digital"
        assert people["José Ramos"]["company"] == "Inditex Digital"


async def test_a_new_employer_replaces_the_stored_link_and_two_said_at_once_stay(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Tom Baker works at Northwind as a data analyst and at Oxfam too.")
        await memory.write("Ana Ortiz works at Northwind.")

        def employers() -> dict[str, list[str]]:
            orgs = {o["xuid"]: o["name"] for o in rows(tmp_path, "organization")}
            people = {p["xuid"]: p["name"] for p in rows(tmp_path, "person")}
            links: dict[str, list[str]] = {}
            for link in rows(tmp_path, "works_at"):
                employer = orgs.get(link["employer_xuid"]) or ""
                links.setdefault(people[link["employee_xuid"]], []).append(employer)
            return {name: sorted(found) for name, found in links.items()}

        assert employers() == {"Tom Baker": ["Northwind", "Oxfam"], "Ana Ortiz": ["Northwind"]}
        await memory.write("Update: Tom left Northwind and joined Globex as head of data.")
        assert employers() == {"Tom Baker": ["Globex"], "Ana Ortiz": ["Northwind"]}
        where = await memory.read("Where does Tom Baker work?")
        assert where["reader_result"]["answer"] == "Globex"
        # His notes still mention Northwind: quoted, with a notice, not said to be his work.
        former = await memory.read("Who works at Northwind?")
        answer = former["reader_result"]["answer"]
        assert "Ana Ortiz" in answer and "Tom Baker works at Northwind" not in answer
        now = await memory.read("Who works at Globex?")
        assert "Tom Baker" in now["reader_result"]["answer"]


async def test_whom_only_notes_mention_is_quoted_not_said_to_do_it(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Tom Baker works at Northwind as a data analyst.")
        await memory.write("Update: Tom left Northwind and joined Globex as head of data.")
        found = await memory.read("Who works at Northwind?")
        answer, notice = found["reader_result"]["answer"], found.get("notice") or ""
        assert answer == "Update: Tom left Northwind and joined Globex as head of data."
        assert notice.startswith("No stored field or link says so of some of these")


async def test_a_value_said_with_the_one_it_replaces_after_not_changes_that_things_record(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Volunteer induction is on Saturday 16 January, 10am, at the Exchange.")
        await memory.write("Staff party on Friday 15 January at the Exchange.")
        await memory.write(
            "Correction: the induction is at Gibside Picture House, not the Exchange."
        )
        where = {e["title"]: e["location"] for e in rows(tmp_path, "event")}
        assert where["Volunteer induction"] == "Gibside Picture House"
        assert where["Staff party"] == "Exchange"  # the correction is of the induction only
        asked = await memory.read("Where is the volunteer induction?")
        assert "Gibside Picture House" in asked["reader_result"]["answer"]


async def test_a_value_said_of_someone_named_with_the_one_it_replaces_changes_their_record(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Priya Shah is our CFO.")
        await memory.write("Tom Reed is my landlord in Leeds.")
        await memory.write("Ana Ortiz lives in Leeds.")
        await memory.write("Correction: Priya is the COO, not the CFO.")
        await memory.write("Actually Tom is in York, not Leeds.")
        people = {p["name"]: p for p in rows(tmp_path, "person")}
        # Every field of hers that held the old job, the tie said with it too.
        assert (people["Priya Shah"]["role"], people["Priya Shah"]["relationship"]) == (
            "COO",
            "COO",
        )
        assert people["Tom Reed"]["location"] == "York"
        assert people["Ana Ortiz"]["location"] == "Leeds"  # not the one spoken of
        asked = await memory.read("Where is Tom?")
        assert asked["reader_result"]["answer"] == "York"


async def test_a_day_said_with_the_one_it_replaces_after_not_changes_that_things_date(
    tmp_path: Path,
) -> None:
    async with session(tmp_path, today=date(2026, 12, 4)) as memory:
        await memory.write("Biscuit's booster vaccination is due on 20 January 2027.")
        await memory.write("Flea treatment due 20 February 2027.")
        await memory.write("Correction: booster is due 27 January, not 20 January.")
        due = {t["title"]: t["due_date"] for t in rows(tmp_path, "task")}
        # The stored booster moved; no task "booster" of its own, and nothing else moved.
        assert due == {
            "Biscuit's booster vaccination": "2027-01-27",
            "Flea treatment": "2027-02-20",
        }, due


async def test_a_move_of_it_naming_nothing_else_moves_the_thing_stored_last(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Dentist check-up on Monday 14 December at 9am.")
        await memory.write(
            "Biometrics appointment at the UKVCAS centre, Tuesday 15 December 11:40."
        )
        await memory.write("no hang on they moved it - now wednesday 16 december, 09:20")
        dates = {e["title"]: e["date"] for e in rows(tmp_path, "event")}
        assert len(dates) == 2  # no event of its own
        assert dates["Dentist check-up"] == "2026-12-14"  # not the one stored last
        [biometrics] = [t for t in dates if t.startswith("Biometrics")]
        assert dates[biometrics] == "2026-12-16"
        # Someone named: "it" may be theirs, so nothing stored is moved by it.
        await memory.write("Ana moved it to Friday 18 December.")
        assert {e["title"]: e["date"] for e in rows(tmp_path, "event")}[biometrics] == "2026-12-16"


async def test_a_move_said_of_a_field_alone_moves_the_last_stored_thing_that_has_it(
    tmp_path: Path,
) -> None:
    async with session(tmp_path, today=date(2026, 12, 4)) as memory:
        await memory.write("organising the family reunion, aiming for sat 14 aug 2027")
        await memory.write("booked Wyvern Lodge, £600 deposit due by 15 jan")
        # "date" is an event's: the reunion moves, not the deposit task stored after it, and
        # the day moved to is the 21st, not the 14th said after it. Someone named later in
        # the sentence does not make "the date" theirs.
        await memory.write(
            "scratch that, date's moving to sat 21 aug — Grandma Efua has a hospital "
            "follow-up on the 14th"
        )
        assert {e["title"]: e["date"] for e in rows(tmp_path, "event")} == {
            "family reunion": "2027-08-21"
        }
        assert [t["due_date"] for t in rows(tmp_path, "task")] == ["2027-01-15"]
        await memory.write("the date is now sat 28 aug")
        assert [e["date"] for e in rows(tmp_path, "event")] == ["2027-08-28"]
        # Pushed back from one day to another: the day it went to, in the year ahead.
        await memory.write("the reunion got pushed back from 28 aug to 4 sep")
        assert [e["date"] for e in rows(tmp_path, "event")] == ["2027-09-04"]
        # Moving away is no move of a date.
        await memory.write("the volunteer running it moved away")
        assert [e["date"] for e in rows(tmp_path, "event")] == ["2027-09-04"]
        # A date said to be another thing's ("the start date") is not the last event's.
        await memory.write("Update: the start date moved from 4 January to 11 January.")
        dates = {e["title"]: e["date"] for e in rows(tmp_path, "event")}
        assert dates["family reunion"] == "2027-09-04", dates


async def test_it_moved_is_the_thing_its_sentence_named_not_one_timed_by_it(
    tmp_path: Path,
) -> None:
    async with session(tmp_path, today=date(2026, 12, 4)) as memory:
        await memory.write("adoption fee is £275. have to pay it before pickup")
        # "it" is the pickup the sentence opens with, new, on the day it moved to; the task
        # stored last is timed by the pickup ("before pickup"), it is not the pickup.
        await memory.write(
            "pickup was gonna be sat 12 dec but actually it's moved to sunday 13 dec, the "
            "kennels are shut on saturdays"
        )
        assert {e["title"]: e["date"] for e in rows(tmp_path, "event")} == {"pickup": "2026-12-13"}
        [task] = rows(tmp_path, "task")
        assert task["title"] == "pay adoption fee before pickup" and task["due_date"] is None


@pytest.mark.anyio
async def test_a_thing_moved_from_one_place_to_another_is_the_stored_one_its_words_name(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Speaker dinner: Tue 2 Feb 2027, 19:30, at The Old Harbour restaurant.")
    await write(
        "Update: speaker dinner moved from The Old Harbour to Café Zeezicht "
        "(per Aylin's email). Same date and time."
    )
    found = await read("Where is the speaker dinner?")
    assert found["basis"] == "records", found
    # The new place whole, without the old one's article or the aside in brackets.
    assert found["reader_result"]["answer"] == "Café Zeezicht"
