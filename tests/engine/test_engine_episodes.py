"""Episodes, provenance, history and passages, through the engine's HTTP API on a real file.

The scripted mind extracts `type: field=value; ...` lines and answers `sql: ...` by running
that SQL, so these tests pin what the engine keeps, not how clever a mind is.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from engine_testkit import item, obj_create, obj_delete, obj_update, query_instance, snapshot

from xmemory_engine.embedded import Engine

pytestmark = pytest.mark.anyio


async def write(client: httpx.AsyncClient, iid: str, **body: Any) -> dict[str, Any]:
    return item(await client.post(f"/instances/{iid}/write", json=body))


async def read(client: httpx.AsyncClient, iid: str, query: str, mode: str = "single-answer") -> Any:
    return item(await client.post(f"/instances/{iid}/read", json={"query": query, "mode": mode}))


async def write_unrelated(client: httpx.AsyncClient, iid: str) -> None:
    """Sentences about other things, so a question's words are rare in the store, as in a
    real one (with two sentences every word is common)."""
    for other in ("Bob likes sailing.", "Ana was born in May.", "The car needs new tyres."):
        await write(client, iid, text=other)


def query(engine: Engine, iid: str, sql: str, *args: Any) -> list[Any]:
    """Rows of `sql` on the instance's own tables (its file, or its PostgreSQL schema)."""
    return query_instance(engine, iid, sql, *args)


async def test_every_write_keeps_its_words_as_an_episode(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    text = "contact: name=Ann; email=a@x.io"
    first = await write(client, contacts, text=text)
    second = await write(
        client, contacts, structured_mutations=[obj_create("company", {"name": "Acme"})]
    )
    rows = query(engine, contacts, "SELECT write_id, kind, text FROM _xm_episode ORDER BY id")
    assert rows == [
        (first["write_id"], "text", text),
        (second["write_id"], "mutations", "Acme (company)."),
    ]
    assert first["episode_id"] != second["episode_id"]


async def test_a_correction_keeps_the_old_value_as_history_with_its_sentence(
    client: httpx.AsyncClient, contacts: str
) -> None:
    first = await write(client, contacts, text="contact: name=Ann; email=a@x.io; age=40")
    fix = await write(
        client,
        contacts,
        structured_mutations=[obj_update("contact", {"email": "a@x.io"}, {"age": 41})],
    )
    answer = await read(client, contacts, "sql: SELECT age FROM contact WHERE name = 'Ann'")
    assert answer["reader_result"] == {"answer": "age: 41"} and answer["basis"] == "records"
    [age] = answer["evidence"]
    assert age["object_type"] == "contact" and age["name"] == "Ann"
    assert age["field"] == "age" and age["value"] == 41
    assert age["said"] == "a@x.io (contact): age 41." and age["write_id"] == fix["write_id"]
    [before] = age["history"]
    assert before["value"] == 40 and before["write_id"] == first["write_id"]
    assert before["said"] == "contact: name=Ann; email=a@x.io; age=40"
    assert before["replaced_by"] == fix["write_id"]
    assert before["from"] <= before["until"]


async def test_a_deleted_record_leaves_its_history(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="contact: name=Ann; email=a@x.io")
    gone = await write(
        client, contacts, structured_mutations=[obj_delete("contact", {"email": "a@x.io"})]
    )
    # Read through the store (a new record's values are kept in its own fact: provenance.py).
    live = await engine.service.registry.get(contacts)
    [xuid] = {x for (x,) in query(engine, contacts, "SELECT DISTINCT xuid FROM _xm_fact")}
    kept = await live.data.read(live.schema, lambda t: t.facts([xuid], current_only=False))
    facts = [(f.field, f.value, f.retired_at is not None) for f in kept]
    assert sorted(facts) == [("", None, True), ("email", "a@x.io", True), ("name", "Ann", True)]
    [retired_by] = {f.retired_by for f in kept}
    episode = query(engine, contacts, "SELECT write_id FROM _xm_episode WHERE id = ?", retired_by)
    assert episode == [(gone["write_id"],)]


async def test_a_failed_write_keeps_no_episode(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="contact: name=Ann; email=a@x.io")
    before = snapshot(engine.settings.data_dir)
    response = await client.post(
        f"/instances/{contacts}/write",
        json={
            "structured_mutations": [
                obj_create("company", {"name": "Acme"}),
                obj_update("contact", {"email": "nobody@x.io"}, {"age": 3}),
            ]
        },
    )
    assert response.status_code == 422
    after = snapshot(engine.settings.data_dir)
    changed = {k for k in after if after[k] != before.get(k) and not k.startswith("catalog")}
    assert changed == set()


async def test_relations_and_values_of_traced_rows_show_their_sentences(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(
        client,
        contacts,
        text="contact: name=Ann; email=a@x.io\ncompany: name=Acme\n~works_at: employee=0; employer=1",
    )
    sql = (
        "sql: SELECT c.name, k.name AS company FROM contact c "
        "JOIN works_at w ON w.employee_xuid = c.xuid JOIN company k ON k.xuid = w.employer_xuid"
    )
    answer = await read(client, contacts, sql, "raw-tables")
    # The rows are those of the SQL as written: the tracing columns never show.
    assert answer["reader_result"] == {"columns": ["name", "company"], "rows": [["Ann", "Acme"]]}
    kinds = {
        (e.get("object_type") or e.get("relation_type"), e["field"]) for e in answer["evidence"]
    }
    assert kinds == {("contact", "name"), ("works_at", None), ("company", "name")}
    assert all(e["said"] and e["write_id"] and e["recorded_at"] for e in answer["evidence"])


async def test_aggregates_are_answered_without_tracing(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="contact: name=Ann; email=a@x.io")
    answer = await read(client, contacts, "sql: SELECT count(*) AS n FROM contact", "raw-tables")
    assert answer["reader_result"] == {"columns": ["n"], "rows": [[1]]}
    assert answer["basis"] == "records" and answer["evidence"] == []


async def test_what_no_record_answers_is_found_in_the_stored_sentences(
    client: httpx.AsyncClient, contacts: str
) -> None:
    # The scripted mind extracts nothing from plain prose: only the episodes keep it.
    said = await write(
        client,
        contacts,
        text="Zoë Ångström's dentist appointment is on 2026-03-14. Bring the form.",
    )
    await write(client, contacts, text="Bob likes sailing. The weather was nice.")
    # `?…` questions: the scripted mind finds no row, so the engine searches what was said.
    found = await read(client, contacts, "?When is Zoe Angstrom's dentist appointment?")
    assert found["basis"] == "passages" and found["evidence"] == []
    [passage] = found["passages"]
    assert passage["sentence"] == "Zoë Ångström's dentist appointment is on 2026-03-14."
    assert passage["text"].endswith("Bring the form.") and passage["write_id"] == said["write_id"]
    assert "2026-03-14" in found["reader_result"]["answer"]
    assert "full-text search" in found["notice"]
    plural = await read(client, contacts, "?Which appointments does Zoë have?")
    assert plural["basis"] == "passages"


async def test_nothing_stored_is_said_plainly(client: httpx.AsyncClient, contacts: str) -> None:
    await write(client, contacts, text="Zoë Ångström's dentist appointment is on 2026-03-14.")
    await write(client, contacts, text="Bob likes sailing. Bob's sister is Maya.")
    for question, about in [
        ("?What is Zoë's blood type?", "blood"),  # her name alone is not enough
        ("?When is Maya's dentist appointment?", "maya"),  # every name must be in the sentence
        ("?What car does Bob drive?", "car"),
    ]:
        answer = await read(client, contacts, question)
        assert answer["basis"] == "nothing", (question, answer)
        assert answer["passages"] == [] and "notice" not in answer
        assert answer["reader_result"]["answer"].lower().startswith("nothing stored about")
        assert about in answer["reader_result"]["answer"].lower()
    raw = await read(client, contacts, "?What car does Bob drive?", "raw-tables")
    assert raw["reader_result"] == {"columns": [], "rows": []} and raw["basis"] == "nothing"


async def test_the_thing_asked_for_must_be_said_and_then_context_may_be_missing(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="I play cello in the Southbank Orchestra on Wednesdays.")
    await write(client, contacts, text="Our conductor is Ingrid Solberg.")
    await write(client, contacts, text="Task: send the invoice to Acme, due 2026-01-20.")
    # "conductor" is what is asked and it is said; "orchestra" is context from another write.
    found = await read(client, contacts, "?Who is the conductor of my orchestra?")
    assert found["basis"] == "passages", found
    assert "Ingrid Solberg" in found["reader_result"]["answer"]
    # "priority" is what is asked: the sentence about the invoice task never says one.
    for question in ("?What is the priority of the invoice task?", "?When is Ingrid's birthday?"):
        answer = await read(client, contacts, question)
        assert answer["basis"] == "nothing", (question, answer)
        assert answer["passages"] == []


async def ask(client: httpx.AsyncClient, iid: str, query: str, sql: str) -> Any:
    body = {"query": query, "sql": sql}
    return item(await client.post(f"/instances/{iid}/read", json=body))


async def test_something_said_later_that_the_records_missed_is_shown_with_a_notice(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="contact: name=Ann; email=a@x.io")
    sql = "SELECT email FROM contact WHERE name = 'Ann'"
    # Said later, holding the stored value and no sign of change: it confirms, nothing shown.
    await write(client, contacts, text="Ann said her email a@x.io works fine.")
    confirmed = await ask(client, contacts, "What is Ann's email?", sql)
    assert confirmed["basis"] == "records" and confirmed["passages"] == []
    assert "notice" not in confirmed
    # Said later, and the mind did not apply it (the scripted mind extracts nothing from it).
    moved = await write(client, contacts, text="Update: Ann's email moved from a@x.io to a@new.io.")
    answer = await ask(client, contacts, "What is Ann's email?", sql)
    assert answer["basis"] == "records" and answer["evidence"][0]["value"] == "a@x.io"
    [later] = answer["passages"]
    assert later["write_id"] == moved["write_id"] and "a@new.io" in later["text"]
    assert answer["notice"].startswith("Something said later may change this answer")
    assert "but later" in answer["reader_result"]["answer"]


async def test_a_change_said_later_without_the_name_is_shown_and_unrelated_text_is_not(
    client: httpx.AsyncClient, contacts: str
) -> None:
    # said_later's second search (a change in other words) is made only when the index holds
    # a sentence with the question's words after the record's: both sides of that check.
    await write(client, contacts, text="contact: name=Ann; email=a@x.io")
    sql = "SELECT email FROM contact WHERE name = 'Ann'"
    await write(client, contacts, text="Bob likes sailing.")
    unrelated = await ask(client, contacts, "What is Ann's email?", sql)
    assert unrelated["basis"] == "records" and unrelated["passages"] == []
    assert "notice" not in unrelated
    # Neither Ann's name nor a correction the question's way: only the search for a change
    # to what the record's sentence said finds it.
    moved = await write(client, contacts, text="Update: email changed to a@new.io.")
    answer = await ask(client, contacts, "What is Ann's email?", sql)
    assert answer["basis"] == "records" and answer["evidence"][0]["value"] == "a@x.io"
    [later] = answer["passages"]
    assert later["write_id"] == moved["write_id"]
    assert answer["notice"].startswith("Something said later may change this answer")
    assert "but later" in answer["reader_result"]["answer"]


async def test_a_list_from_records_is_shown_beside_what_was_said_about_it(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="contact: name=Ann; email=a@x.io; stage=customer")
    await write(client, contacts, text="contact: name=Bob; email=b@x.io; stage=customer")
    await write(client, contacts, text="Our customers are Ann, Bob and Cleo.")
    answer = await ask(
        client,
        contacts,
        "Who are our customers?",
        "SELECT name FROM contact WHERE stage = 'customer' ORDER BY name",
    )
    assert answer["basis"] == "records"
    said = [p["sentence"] for p in answer["passages"]]
    assert "Our customers are Ann, Bob and Cleo." in said
    assert "check they agree" in answer["notice"]


async def test_when_it_happened_is_the_callers_or_the_date_the_text_opens_with(
    engine: Engine, client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="On October 16, 2025, Ann and Bob met.")
    await write(client, contacts, text="Ann and Bob met again on 2025-11-02.")  # not a dateline
    await write(client, contacts, text="2025-02-30: not a date.")
    await write(client, contacts, text="Lunch with Ann.", occurred_at="2025-12-01")
    rows = query(engine, contacts, "SELECT occurred_at FROM _xm_episode ORDER BY id")
    assert rows == [("2025-10-16",), (None,), (None,), ("2025-12-01",)]
    found = await read(client, contacts, "?When did Ann and Bob meet?")
    assert found["basis"] == "passages"
    assert "(2025-10-16)" in found["reader_result"]["answer"]


async def test_questions_with_search_syntax_or_many_words_are_plain_words(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="Dr. O'Neil's clinic NEAR the station opens at 9.")
    for question in (
        "?What time does Dr. O'Neil's clinic open? AND OR NOT NEAR \"*\" ^ : ( )",
        "?" + " ".join(f"word{i}" for i in range(5000)),
        "?*",
        '?"',
    ):
        answer = await read(client, contacts, question)
        assert answer["basis"] in ("passages", "nothing"), question
    found = await read(client, contacts, "?Where is Dr. O'Neil's clinic?")
    assert found["basis"] == "passages" and "station" in found["passages"][0]["text"]


async def test_evidence_is_of_the_rows_that_answer_not_of_a_probe_before_them(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="contact: name=Ann; email=a@x.io\ncompany: name=Acme")
    answer = await read(
        client,
        contacts,
        "two: SELECT name FROM company ;; SELECT email FROM contact WHERE name = 'Ann'",
    )
    assert answer["reader_result"] == {"answer": "email: a@x.io"}
    assert [(e.get("object_type"), e["field"]) for e in answer["evidence"]] == [
        ("contact", "email")
    ]


async def test_a_change_said_later_in_other_words_is_shown_after_the_passage(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="My next dentist appointment is on 2026-03-14.")
    await write(client, contacts, text="Bob likes sailing.")
    await write(client, contacts, text="Update: the dentist moved it to 2026-03-21.")
    found = await read(client, contacts, "?When is my next dentist appointment?")
    assert found["basis"] == "passages"
    said = [p["sentence"] for p in found["passages"]]
    assert said == [
        "My next dentist appointment is on 2026-03-14.",
        "Update: the dentist moved it to 2026-03-21.",
    ]
    assert "2026-03-21" in found["reader_result"]["answer"]
    # Without a word of what is asked, a later change is not about it.
    await write(client, contacts, text="Update: Bob moved his boat to 2026-04-01.")
    again = await read(client, contacts, "?When is my next dentist appointment?")
    assert all("boat" not in p["sentence"] for p in again["passages"])


async def test_a_who_question_needs_a_sentence_that_names_someone(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="I finished the Kestrel birdwatching website last week.")
    await write(client, contacts, text="The internet provider at the new flat is MEO.")
    nobody = await read(client, contacts, "?Who designed the Kestrel website?")
    assert nobody["basis"] == "nothing", nobody
    provider = await read(client, contacts, "?Who is my internet provider?")
    assert provider["basis"] == "passages" and "MEO" in provider["reader_result"]["answer"]
    # "Who is Efua?" asks what she is, not for someone else: her own sentence answers it.
    await write(client, contacts, text="My mother-in-law Efua is staying with us in May.")
    efua = await read(client, contacts, "?Who is Efua?")
    assert "mother-in-law" in efua["reader_result"]["answer"], efua


async def test_a_question_asking_for_a_name_needs_a_sentence_that_names_one(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="New task: call the plumber about the leaking tap.")
    await write(client, contacts, text="We rent the van from the garage, it's called Bluebell.")
    plumber = await read(client, contacts, "?What's the plumber's name?")
    assert plumber["basis"] == "nothing", plumber
    van = await read(client, contacts, "?What's the van called?")
    assert "Bluebell" in van["reader_result"]["answer"], van


async def test_a_number_asked_for_is_no_day_of_a_month_nor_an_amount(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(
        client, contacts, text="Flights booked w Vueling, back tues 23 feb. Hotel is €96/night."
    )
    flight = await read(client, contacts, "?What's my flight number?")
    assert flight["basis"] == "nothing", flight
    # A phone number is still a number.
    await write(client, contacts, text="The caretaker is Gareth Bevan, 029 2046 7781.")
    phone = await read(client, contacts, "?What's the caretaker's phone number?")
    assert "029 2046 7781" in phone["reader_result"]["answer"], phone


async def test_how_many_needs_a_sentence_that_says_a_count_or_lists_things(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="The book swap got £150 from the Rotary Club members.")
    await write(client, contacts, text="The choir took on three new members in May.")
    await write(client, contacts, text="Tour shows: Leeds, York and Hull.")
    # An amount is no count, and no other sentence says one of members of the book swap.
    swap = await read(client, contacts, "?How many members does the book swap have?")
    assert swap["basis"] == "nothing", swap
    choir = await read(client, contacts, "?How many members did the choir take on?")
    assert "three" in choir["reader_result"]["answer"], choir
    shows = await read(client, contacts, "?How many shows are on the tour?")
    assert "Leeds" in shows["reader_result"]["answer"], shows


async def test_a_number_asked_for_needs_a_number_or_a_code_not_a_date_or_a_year(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="Insurance: HUK-Coburg, renewal 2026-11-30, due May 2026.")
    await write(client, contacts, text="Ana flies Lisbon to Geneva, flight TP1363, on 2026-07-03.")
    policy = await read(client, contacts, "?What's the policy number for the insurance?")
    assert policy["basis"] == "nothing", policy
    flight = await read(client, contacts, "?What is Ana's flight number?")
    assert "TP1363" in flight["reader_result"]["answer"], flight


async def test_how_many_counts_what_a_sentence_lists_after_its_label(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(
        client, contacts, text="Still to buy: crate, martingale collar, fleece, slow feeder bowl."
    )
    await write(
        client,
        contacts,
        text="Shortlist: Aire View Court (Anchor, Skipton), Millbeck House, and Rosebank Gardens.",
    )
    buy = await read(client, contacts, "?How many things do we still need to buy?")
    assert buy["basis"] == "passages"
    assert (
        "That lists 4: crate; martingale collar; fleece; slow feeder bowl."
        in (buy["reader_result"]["answer"])
    )
    shortlist = await read(client, contacts, "?How many places are on the shortlist?")
    assert (
        "That lists 3: Aire View Court (Anchor, Skipton); " in shortlist["reader_result"]["answer"]
    )
    # A note's own label opens no list, and a question that does not ask how many counts nothing.
    await write(
        client,
        contacts,
        text="Correction: Hatch & Co increased the order to 60 mugs, and delivery moved.",
    )
    mugs = await read(client, contacts, "?How many mugs did Hatch & Co order?")
    assert "That lists" not in mugs["reader_result"]["answer"], mugs
    what = await read(client, contacts, "?What do we still need to buy?")
    assert "That lists" not in what["reader_result"]["answer"], what


async def test_how_many_counts_a_list_up_to_a_full_stop_the_writer_goes_on_after(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(
        client,
        contacts,
        text="Workup list: urine collection, CT angiogram, chest x-ray, ECG, nephrology consult. "
        "the urine jug thing, ugh.",
    )
    tests = await read(client, contacts, "?How many things are on the workup list?")
    assert (
        "That lists 5: urine collection; CT angiogram; chest x-ray; ECG; nephrology consult."
        in (tests["reader_result"]["answer"])
    ), tests


async def test_how_many_counts_a_list_typed_one_item_a_line_or_numbered(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(
        client,
        contacts,
        text="Damaged so far:\n- kitchen ceiling\n- oak dining table\n- grandma's rug\n- laptop",
    )
    await write(
        client,
        contacts,
        text="Wishlist: 1. a Telrad finder, red dot 2. a 2x Barlow lens 3. a dew shield",
    )
    damaged = await read(client, contacts, "?How many damaged things are there?")
    assert (
        "That lists 4: kitchen ceiling; oak dining table; grandma's rug; laptop."
        in (damaged["reader_result"]["answer"])
    ), damaged
    # A numbered list's items are set apart by their numbers alone: a comma is inside one.
    wanted = await read(client, contacts, "?How many things are on my wishlist?")
    assert (
        "That lists 3: a Telrad finder, red dot; a 2x Barlow lens; a dew shield."
        in (wanted["reader_result"]["answer"])
    ), wanted


async def test_a_change_told_without_the_name_still_follows_the_passage(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(
        client, contacts, text="Decision: Dot chose Aire View Court. Tenancy starts 4 January 2027."
    )
    await write(client, contacts, text="Bob likes sailing.")
    await write(client, contacts, text="Correction: tenancy start moved to 11 January 2027.")
    found = await read(client, contacts, "?What's the current start date for Dot's tenancy?")
    said = [p["sentence"] for p in found["passages"]]
    assert said[-1] == "Correction: tenancy start moved to 11 January 2027.", found
    # A change that names someone else is about them, not about Dot.
    await write(client, contacts, text="Correction: Ines's tenancy start moved to 2 March 2027.")
    again = await read(client, contacts, "?What's the current start date for Dot's tenancy?")
    assert all("Ines" not in p["sentence"] for p in again["passages"]), again


async def test_what_someone_is_asked_for_is_answered_by_a_role_or_kin_word(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="Tutor: Chiara Benedetti; tutorials on Fridays.")
    await write(client, contacts, text="Sold 6 tickets: my brother Tobias and his partner Renée.")
    await write(client, contacts, text="Jonas Weber sent the invoice on Monday.")
    role = await read(client, contacts, "?What role does Chiara Benedetti have on the course?")
    assert role["basis"] == "passages" and "Tutor" in role["reader_result"]["answer"], role
    kin = await read(client, contacts, "?How is Renée connected to me?")
    assert "partner Renée" in kin["reader_result"]["answer"], kin
    # A sentence naming him but no role or kin does not say what he is.
    jonas = await read(client, contacts, "?What is Jonas Weber's job?")
    assert jonas["basis"] == "nothing", jonas


async def test_a_question_about_now_is_answered_by_the_change_in_other_words(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="Equipment bookings: ultracentrifuge Wednesday 09:00.")
    await write_unrelated(client, contacts)
    await write(
        client, contacts, text="Update: ultracentrifuge booking cancelled, rotor under repair."
    )
    now = await read(client, contacts, "?Is my ultracentrifuge session still on?")
    assert now["basis"] == "passages", now
    assert "cancelled" in now["reader_result"]["answer"]
    # Without a word asking about now, a change said in other words is not looked for.
    before = await read(client, contacts, "?Is my ultracentrifuge session on?")
    assert "cancelled" not in str(before["reader_result"]), before


async def test_a_change_that_continues_the_passage_is_shown_in_words_of_its_own(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="Considering buying a second-hand Topaz, budget £1,500.")
    await write_unrelated(client, contacts)
    await write(
        client, contacts, text="Correction: no longer considering the Topaz; now an RS Feva."
    )
    await write(client, contacts, text="Update: the car's tyres are done.")
    found = await read(client, contacts, "?Which boat am I thinking of buying?")
    said = [p["sentence"] for p in found["passages"]]
    assert said[0] == "Considering buying a second-hand Topaz, budget £1,500.", found
    assert "Correction: no longer considering the Topaz; now an RS Feva." in said
    assert all("tyres" not in s for s in said)  # a change to something else


async def test_a_change_that_continues_the_passage_need_not_name_the_thing_asked(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(
        client,
        contacts,
        text="Ticket 4421: reception printer jamming. Engineer visit booked with CopyServ, 3 Dec.",
    )
    await write_unrelated(client, contacts)
    # Says no word of "the printer engineer", but continues what the answer said.
    await write(client, contacts, text="Update: CopyServ visit moved to 7 Dec.")
    found = await read(client, contacts, "?When is the printer engineer coming now?")
    said = [p["sentence"] for p in found["passages"]]
    assert "Update: CopyServ visit moved to 7 Dec." in said, found


async def test_how_much_or_many_of_a_thing_needs_a_sentence_that_says_the_thing(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="I pay £11.99 a month for Spotify and £10.99 for Netflix.")
    await write(client, contacts, text="The flat in Leith has three bedrooms and a garden.")
    await write_unrelated(client, contacts)
    tax = await read(client, contacts, "?How much council tax do I pay?")
    assert tax["basis"] == "nothing", tax  # what is paid for Spotify is no council tax
    rooms = await read(client, contacts, "?How many bedrooms does the flat in Leith have?")
    assert "three bedrooms" in str(rooms["reader_result"]), rooms


async def test_a_name_may_stand_for_the_kind_asked_not_for_what_narrows_it(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="For work trips the user prefers flying with KLM.")
    await write_unrelated(client, contacts)
    airline = await read(client, contacts, "?Which airline do I prefer for work trips?")
    assert "KLM" in airline["reader_result"]["answer"], airline
    chain = await read(client, contacts, "?Which hotel chain do I prefer for work trips?")
    assert chain["basis"] == "nothing", chain


async def test_a_when_question_answered_by_passages_gets_their_dates_resolved(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="Postmortem owner Raj Patel, due 4 Dec 2026.")
    await write(client, contacts, text="The retro is on 2026-12-09.")
    due = await read(client, contacts, "?When is the postmortem due?")
    assert due["basis"] == "passages"
    assert due["reader_result"]["answer"].endswith("Dates said there: 2026-12-04."), due
    # Not asked when: no dates added; said as an ISO date already: not repeated.
    who = await read(client, contacts, "?Who owns the postmortem?")
    assert "Dates said there" not in who["reader_result"]["answer"], who
    retro = await read(client, contacts, "?When is the retro?")
    assert "Dates said there" not in retro["reader_result"]["answer"], retro


async def test_a_sentence_that_speaks_of_whom_the_write_before_named_is_about_them(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="We are minding a horse: Juniper, a grey mare of 12.")
    await write(client, contacts, text="Hay: three nets a day. She kicks at the stable door.")
    await write(client, contacts, text="Gus gets one scoop of feed at night.")
    hay = await read(client, contacts, "?How many hay nets a day does Juniper get?")
    assert hay["basis"] == "passages", hay
    assert "three nets a day" in hay["reader_result"]["answer"]
    # A sentence naming someone else is about them, whatever was written before it.
    feed = await read(client, contacts, "?How many scoops of feed does Juniper get?")
    assert "Gus" not in str(feed["reader_result"]), feed


async def test_what_is_asked_of_someones_is_read_where_it_is_told_without_their_name(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write_unrelated(client, contacts)
    await write(client, contacts, text="Ravi had a knee replacement on 26 November.")
    await write(client, contacts, text="Surgeon: Mr Olufemi Adebayo-Clarke, orthopaedics.")
    surgeon = await read(client, contacts, "?Who is Ravi's surgeon?")
    # The sentence names no one but the surgeon by his title, and Ravi was named before it.
    assert surgeon["basis"] == "passages", surgeon
    assert "Adebayo-Clarke" in surgeon["reader_result"]["answer"], surgeon
    # A date told after someone by their title ("with Dr. …") is still the owner's.
    await write(
        client, contacts, text="Appointments: knee review with Dr. Ingrid Sørensen, 15 Jan."
    )
    review = await read(client, contacts, "?When is Ravi's knee review?")
    assert review["basis"] == "passages", review
    assert "15 Jan" in review["reader_result"]["answer"], review
    # A sentence naming someone else, or told before the owner was named, is not theirs.
    await write(client, contacts, text="Nell's piano exam is on 3 March.")
    await write(client, contacts, text="Grade 4 flute exam booked for 9 May.")
    await write(client, contacts, text="Piotr started flute lessons this term.")
    flute = await read(client, contacts, "?When is Piotr's flute exam?")
    assert "9 May" not in str(flute["reader_result"]), flute
    nell = await read(client, contacts, "?When is Tomek's piano exam?")
    assert "3 March" not in str(nell["reader_result"]), nell


async def test_a_value_that_is_someones_own_needs_a_sentence_that_says_whose(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="Halima joined the volunteers in May.")
    await write(client, contacts, text="The mailing list runs from swap.list@example.org.")
    email = await read(client, contacts, "?What is Halima's email?")
    assert "swap.list@example.org" not in str(email["reader_result"]), email


async def test_who_is_answered_by_a_he_or_she_the_write_before_names(
    client: httpx.AsyncClient, contacts: str
) -> None:
    await write(client, contacts, text="Our new bookkeeper is Maren Holt, from next month.")
    await write(client, contacts, text="She wants the receipts by 3 April and the bank statements.")
    await write(client, contacts, text="The van insurance renews in May; it went up again.")
    found = await read(client, contacts, "?Who needs the receipts by 3 April?")
    assert found["basis"] == "passages", found
    # The sentence opens on "She": shown after the write that says who she is.
    assert "Maren Holt" in found["reader_result"]["answer"], found
    # A "she" said further into a write: the write before is not shown with it, so the
    # answer would name no one.
    await write(client, contacts, text="Agreed £8,850 with Agnieszka for the Yaris.")
    await write(
        client, contacts, text="Ugh, pickup's pushed back to 15 May — she's away for work then."
    )
    nobody = await read(client, contacts, "?Who is away for work then?")
    assert nobody["basis"] == "nothing", nobody


async def test_a_verb_asked_in_one_form_is_found_said_in_another(
    client: httpx.AsyncClient, contacts: str
) -> None:
    # A short form is a whole word: "met" is not the start of "method".
    await write(client, contacts, text="Priya Rao checked the method statement for the scaffold.")
    met = await read(client, contacts, "?Who did I meet about the scaffold?")
    assert met["basis"] == "nothing", met
    await write(client, contacts, text="Our band is the Salt Flats; Ines Moreau books our gigs.")
    await write(
        client,
        contacts,
        text="Leeds is off - the club flooded. Ines is trying to find a replacement in York.",
    )
    found = await read(client, contacts, "?Who found us the replacement gig?")
    # Found by its words ("find" for "found"), not only by words close in meaning.
    assert found["passages"][0]["found_by"] == "words", found
    assert "Ines" in found["reader_result"]["answer"], found
