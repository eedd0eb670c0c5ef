"""How a question is read for searching the stored sentences: the noun it asks for and the
word naming the kind of answer."""

from __future__ import annotations

import pytest
from engine_testkit import Memory

from xmemory_engine.service.passages import question_terms, spells


def test_the_noun_asked_for_ends_before_a_verb_after_it() -> None:
    assert question_terms("When is the seed swap happening?").focus == ["seed", "swap"]
    assert question_terms("When are the removal men coming?").focus == ["removal", "men"]
    # An -ing word before the noun is part of it.
    assert question_terms("When is the wedding venue visit?").focus == ["wed", "venue", "visit"]


def test_a_noun_before_the_name_closing_the_question_only_says_which() -> None:
    assert question_terms("Where's the allotment AGM?").focus == []
    # Not a noun asked of a name after a preposition, nor a noun a verb follows.
    assert question_terms("How much is the entry fee for the Easter Sevens?").focus == [
        "entry",
        "fee",
    ]


def test_words_that_only_qualify_what_is_asked_are_not_required() -> None:
    assert question_terms("When is my next dentist appointment?").focus == ["dentist", "appointm"]
    assert question_terms("What's the size of the system in kWp?").focus == []
    assert question_terms("What's the overall budget for the garden?").focus == ["budget"]
    # What a rate is per is said in other ways ("£22/hour", "£55 a day"): the noun ends there.
    assert question_terms("How much is the hall rent per hour?").focus == ["hall", "rent"]


def test_what_is_asked_of_the_noun_after_it_is_no_part_of_it() -> None:
    assert question_terms("How much is the flat worth?").focus == ["flat"]
    assert question_terms("When is the report due?").focus == ["report"]
    assert question_terms("When is the passport valid until?").focus == ["passpo"]
    # A past participle too, not a noun ending in -ed.
    assert question_terms("Where is the car parked?").focus == ["car"]
    assert question_terms("What is the cat breed?").focus == ["cat", "bre"]


def test_the_kind_asked_for_is_the_last_word_of_its_noun_before_a_verb() -> None:
    kinds = lambda q: [t.stem for t in question_terms(q).terms if t.kind]  # noqa: E731
    assert kinds("Which garden projects are on hold?") == ["project"]
    assert kinds("Which product line is currently on hold?") == ["line"]
    # Without a verb of being or doing after it, what follows may be the verb itself.
    assert kinds("Which courier handles the planters?") == ["courier"]


@pytest.mark.anyio
async def test_a_rate_asked_per_unit_finds_the_sentence_saying_it_another_way(
    memory: Memory,
) -> None:
    write, read = memory
    await write("The studio is rented from St Teilo's Church Hall; hall rent is £22/hour.")
    await write("Classes run on Tuesdays and Thursdays.")
    found = await read("How much is the hall rent per hour?")
    assert found["basis"] in ("records", "passages"), found
    assert "£22" in found["reader_result"]["answer"]


def test_a_run_of_words_is_also_said_by_its_initials() -> None:
    terms = question_terms("When is the club's annual general meeting?")
    meeting = next(t for t in terms.terms if t.stem.startswith("meet"))
    assert "agm" in meeting.short
    assert meeting.covered_by(["club", "agm", "moved"], "Club AGM moved")
    # Two letters are too often another word's: "gm" is no abbreviation looked for.
    assert all(len(short) >= 3 for t in terms.terms for short in t.short)


def test_a_word_in_capitals_is_also_said_by_the_words_it_abbreviates() -> None:
    assert spells(["the", "front", "of", "house", "team"], "foh")
    assert not spells(["the", "annual", "meeting"], "agm")
    terms = question_terms("Where's the allotment AGM?")
    assert terms.acronyms == {"agm"}


@pytest.mark.anyio
async def test_an_abbreviation_and_the_words_it_stands_for_find_each_other(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Club AGM: Sun 13 Dec 2026, 4pm, pavilion bar.")
    await write("The allotment annual general meeting is on 9 January 2027 at the Scout hut.")
    club = await read("When is the club's annual general meeting?")
    assert "2026-12-13" in club["reader_result"]["answer"], club
    allotment = await read("Where's the allotment AGM?")
    assert "Scout hut" in allotment["reader_result"]["answer"], allotment
    # Nothing abbreviates the parish's meeting: nothing is stored about it.
    parish = await read("When is the parish council's extraordinary general meeting?")
    assert parish["basis"] == "nothing", parish


def test_a_capital_letter_and_a_hyphen_open_a_common_noun_not_a_name() -> None:
    assert question_terms("What A-level subjects is Rafa doing?").names == [["rafa"]]
    assert question_terms("When is Leo's X-ray?").names == [["leo"]]


@pytest.mark.anyio
async def test_a_common_noun_opened_by_a_letter_finds_its_plural(memory: Memory) -> None:
    write, read = memory
    await write("my son Rafa's in upper sixth. A-levels in chemistry, biology and maths.")
    found = await read("What A-level subjects is Rafa doing?")
    assert found["basis"] == "passages" and "chemistry" in found["reader_result"]["answer"]


def test_a_name_owned_by_another_is_the_name_a_sentence_must_say() -> None:
    assert question_terms("What's Gerald's NHS number?").names == [["nhs"]]
    assert question_terms("When do Eli's EpiPens run out?").names == [["epipens"]]
    assert question_terms("Where does Maya Patel's sister live?").names == [["maya", "patel"]]


@pytest.mark.anyio
async def test_a_sentence_naming_only_the_owner_does_not_answer_for_what_is_theirs(
    memory: Memory,
) -> None:
    write, read = memory
    await write("User's father, Gerald Hughes (84), lives alone at 7 Mill Row, Keswick.")
    await write("The EpiPens expire 31 Jan 2027; my son Eli carries two.")
    nothing = await read("What's Gerald's NHS number?")
    assert nothing["basis"] == "nothing", nothing
    found = await read("When do Eli's EpiPens run out?")
    assert "2027-01-31" in found["reader_result"]["answer"], found


def test_a_value_word_said_as_a_deed_asks_for_no_value() -> None:
    priced = question_terms("When do I need to price and label my stock by?")
    assert next(t for t in priced.terms if t.stem == "price").shape is None
    # "How much ... going to cost?" still asks for an amount, and "to when" for a date.
    cost = question_terms("How much is the insurance renewal going to cost?")
    assert next(t for t in cost.terms if t.stem == "cost").shape is not None
    assert question_terms("What did we keep back to when it fell through?").terms[0].stem == "keep"


@pytest.mark.anyio
async def test_a_deed_named_by_a_value_word_finds_the_task_that_says_it(memory: Memory) -> None:
    write, read = memory
    await write("Tasks: price and label stock for the sale by 10 December; order business cards.")
    found = await read("When do I need to price and label my stock by?")
    assert found["basis"] in ("records", "passages"), found
    assert "10 December" in str(found["evidence"]) + found["reader_result"]["answer"] or (
        "2026-12-10" in found["reader_result"]["answer"]
    )


@pytest.mark.anyio
async def test_an_amount_tells_the_money_noun_asked_unless_another_noun_owns_it(
    memory: Memory,
) -> None:
    write, read = memory
    await write("card reader: going with SumUp, 1.69% per transaction")
    found = await read("What's the SumUp fee per transaction?")
    assert found["basis"] == "passages", found
    assert "1.69%" in found["reader_result"]["answer"]
    # "Rent is £2,160" gives the rent's amount, not the deposit's: nothing says the deposit.
    await write("Rent is £2,160 a month for the whole flat; my room's the biggest.")
    found = await read("How much is the deposit for the room?")
    assert found["basis"] == "nothing", found


@pytest.mark.anyio
async def test_a_value_of_the_shape_asked_answers_only_beside_what_it_is_asked_of(
    memory: Memory,
) -> None:
    write, read = memory
    await write("adoption fee is £275, covers first vaccinations + microchip.")
    await write("Instructor: Parveen Chaudhry of Green Light Driving School; phone 07456 220 918.")
    # An amount, a phone number: the shape asked, but of something else than the question.
    for question in ("How much did the crate cost?", "What's my dad's phone number?"):
        found = await read(question)
        assert found["basis"] == "nothing", found
    # Said beside what is asked, the same values answer.
    found = await read("How much was the adoption fee?")
    assert "£275" in found["reader_result"]["answer"], found
    found = await read("What's Parveen's phone number?")
    assert "07456 220 918" in found["reader_result"]["answer"], found


@pytest.mark.anyio
async def test_an_amount_is_told_by_a_currency_code_before_or_after_it(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Ticketing via Eventfinda: adults NZD 30, seniors/students NZD 22.")
    await write("Subs paid: 14,800 NOK total incl. the one-way fee.")
    found = await read("What do tickets cost?")
    assert found["basis"] == "passages", found
    assert "NZD 30" in found["reader_result"]["answer"]
    found = await read("What did the subs cost?")
    assert "14,800 NOK" in found["reader_result"]["answer"], found
    # The amount tells a money noun the sentence does not say ("salary").
    await write("Got the job offer in Canada: data engineer at Maplestone, CAD 128,000 a year.")
    found = await read("What's the salary for the Canada job?")
    assert "CAD 128,000" in found["reader_result"]["answer"], found
    # A code in capitals only: "try 3 times" holds no amount.
    await write("For the router, try 3 times before calling support.")
    assert (await read("What does the router cost?"))["basis"] == "nothing"


@pytest.mark.anyio
async def test_a_reason_told_casually_answers_why(memory: Memory) -> None:
    write, read = memory
    await write("going with Sunwise bc their panels do better in low light")
    await write("Lars dropped out of the slideshow, he's got a work trip.")
    for question, reason in (
        ("Why did I pick Sunwise?", "low light"),
        ("Why did Lars drop out?", "work trip"),
    ):
        found = await read(question)
        assert found["basis"] in ("records", "passages"), found
        assert reason in found["reader_result"]["answer"], found


def test_what_the_user_calls_a_grandparent_is_no_name_a_sentence_must_say() -> None:
    # "Grandad" is what the user calls him; the sentence about his discharge need not say it.
    for word in ("Grandad", "Grandmother", "Papa"):
        assert question_terms(f"When is the meeting about {word} leaving hospital?").names == []


@pytest.mark.anyio
async def test_a_word_written_in_capitals_is_no_name_a_sentence_must_say(memory: Memory) -> None:
    assert question_terms("Who gave the OK for my conference leave?").names == []
    assert question_terms("Who's handling the RSVPs?").names == []
    write, read = memory
    for said in (
        "My talk on streaming joins was accepted for DataTide 2027 in Rotterdam. Slot: Wed 3 "
        "Feb, 14:30, Room Maas.",
        "Contacts: programme chair Joost Berg (joost@datatide.nl); speaker liaison Aylin "
        "Yildiz, who handles travel and hotel refunds.",
        "User is a senior data engineer at Brightwater Analytics. Manager Callum Fraser "
        "approved conference leave 1-4 Feb.",
    ):
        await write(said)
    found = await read("Who gave the OK for my conference leave?")
    assert "Callum Fraser" in found["reader_result"]["answer"], found


@pytest.mark.anyio
async def test_what_someone_wants_is_found_where_they_prefer_it(memory: Memory) -> None:
    write, read = memory
    await write("Note: Zsófia prefers monthly updates by email rather than calls.")
    await write("Board meeting moved to Thursday.")
    found = await read("How does Zsófia want to hear from us?")
    assert found["basis"] in ("records", "passages"), found
    assert "email" in found["reader_result"]["answer"]


def test_common_abbreviations_and_words_for_a_rate_or_a_limit_cover_the_asked_word() -> None:
    def covered(question: str, stem: str, said: str) -> bool:
        term = next(t for t in question_terms(question).terms if t.stem.startswith(stem))
        return term.covered_by(said.lower().split(), said)

    assert covered("When's my next physio appointment?", "appoint", "next appt thurs 10 dec")
    assert covered("What's Margaret's hourly rate?", "hour", "£240/hr + VAT".replace("/", " "))
    assert covered("What's the price cap on presents?", "cap", "£20 limit")
    assert covered("What's our solicitor's hourly rate?", "rate", "He charges £220 an hour")
    # A rate is what is charged per something: a flat fee is no rate.
    assert not covered("What per-word rate does Hohenstein pay?", "rate", "Fee EUR 14,500")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("said", "question", "answer"),
    [
        # "worth" is asked of the vouchers, not part of what they are called.
        ("Volunteer perks: a free festival pass, lunch vouchers (£8/day) from Café Ondine, and "
         "a crew T-shirt.", "How much are volunteers' lunch vouchers worth a day?", "£8"),
        # An hourly rate is what someone charges by the hour.
        ("We've instructed a solicitor, Yusuf Demirci at Brook Street Law. He charges £220 an "
         "hour plus VAT and wants a £1,500 retainer up front.",
         "What's our solicitor's hourly rate?", "£220"),
    ],
)  # fmt: skip
async def test_a_question_worded_otherwise_finds_the_sentence_that_answers_it(
    memory: Memory, said: str, question: str, answer: str
) -> None:
    write, read = memory
    await write(said)
    found = await read(question)
    assert found["basis"] in ("records", "passages"), found
    assert answer in found["reader_result"]["answer"]
