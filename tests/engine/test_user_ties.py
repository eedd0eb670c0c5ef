"""A question no record answers as asked is read again with the user's ties named
(service/ties.py): through the engine's HTTP API with the default schema and the rules mind,
on a real file."""

from __future__ import annotations

import pytest
from engine_testkit import Memory

pytestmark = pytest.mark.anyio


async def test_a_tie_one_person_holds_is_read_as_their_name(memory: Memory) -> None:
    write, read = memory
    await write("My mum is Hyun-joo Park. My mentor is Henrike Vogel.")
    await write("Hyun-joo's GP is Dr Anil Varghese at Beech Grove Surgery.")
    await write("Henrike's number is 07821 440 193; she much prefers a text to a phone call.")
    gp = await read("Who's mum's GP?")
    assert gp["basis"] == "records", gp
    assert gp["reader_result"]["answer"].startswith("Anil Varghese"), gp
    assert '"mum" as Hyun-joo Park' in gp["notice"], gp
    # The question is reported as asked.
    assert gp["reader_results"][0]["sub_query"] == "Who's mum's GP?"
    # Told of by the given name, as people tell of their own.
    contact = await read("How does my mentor like to be contacted?")
    assert contact["basis"] == "passages", contact
    assert "prefers a text" in contact["reader_result"]["answer"]
    assert '"my mentor" as Henrike Vogel' in contact["notice"], contact


async def test_a_tie_is_named_when_only_sentences_answered_as_asked(memory: Memory) -> None:
    # As asked, only the sentence answers ("passages"); named, the records made from it do,
    # which is what the reader is given, with the notice saying how it was read.
    write, read = memory
    await write("My father is Giorgio Rossi, birthday 1958-11-12.")
    await write("Gift ideas: Elena likes orchids; Giorgio collects vinyl jazz records.")
    found = await read("What does my father collect?")
    assert found["basis"] == "records", found
    assert "vinyl jazz records" in found["reader_result"]["answer"], found
    assert '"my father" as Giorgio Rossi' in found["notice"], found
    assert found["notice"].startswith("Only sentences answered as asked"), found
    # ... also asked in the negative, of a tie of hyphened words.
    await write("My mother-in-law Efua is staying with us. She doesn't eat pork.")
    diet = await read("What doesn't my mother-in-law eat?")
    assert diet["basis"] == "records", diet
    assert "pork" in diet["reader_result"]["answer"], diet
    assert '"my mother-in-law" as Efua' in diet["notice"], diet


async def test_a_job_one_person_holds_is_read_as_their_name_too(memory: Memory) -> None:
    write, read = memory
    await write(
        "User's accountant is Priya Raghunathan at Ledgerly Accounts. She wants all invoices "
        "and receipts by 15 January."
    )
    await write("My dentist is Tomás Ortiz. Tomás is off on Fridays.")
    paperwork = await read("When do I need to get my paperwork to the accountant?")
    assert "15 January" in paperwork["reader_result"]["answer"], paperwork
    assert '"the accountant" as Priya Raghunathan' in paperwork["notice"], paperwork
    # A tie that qualifies a noun after it is a kind of thing, not the person.
    appointment = await read("What time is my dentist appointment?")
    assert appointment["basis"] == "nothing", appointment


async def test_a_tie_of_someone_else_or_of_two_people_is_left_as_said(memory: Memory) -> None:
    write, read = memory
    await write("My mum is Hyun-joo Park. My mentor is Henrike Vogel.")
    await write("My mentor Pia Lund runs the apiary.")
    await write("Hyun-joo's GP is Dr Anil Varghese at Beech Grove Surgery.")
    await write("Henrike's number is 07821 440 193; she much prefers a text to a phone call.")
    # Maya's mum is not the user's; "my mentor" is either of two: neither is read as a name.
    maya = await read("Who is Maya's mum's GP?")
    assert maya["basis"] == "nothing", maya
    mentor = await read("How does my mentor like to be contacted?")
    assert "Nothing was found as asked" not in (mentor.get("notice") or ""), mentor
