"""A user's first session with the default instance, through the real engine and the rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_testkit import rules_session as session

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.minds.rules.two_asks import named_back, two_asks

pytestmark = pytest.mark.anyio


async def test_a_first_session_writes_and_reads_back_what_a_user_means(tmp_path: Path) -> None:
    async with open_engine(EngineSettings(data_dir=tmp_path / "d")) as engine:
        base = f"/instances/{engine.default_instance_id}"
        transport = httpx.ASGITransport(app=engine.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:

            async def write(text: str) -> dict[str, Any]:
                response = await http.post(f"{base}/write", json={"text": text})
                assert response.status_code == 200, response.text
                return response.json()["items"][0]  # type: ignore[no-any-return]

            async def read(query: str) -> str:
                response = await http.post(f"{base}/read", json={"query": query})
                assert response.status_code == 200, response.text
                return str(response.json()["items"][0]["reader_result"]["answer"])

            await write("My name is Sam Carter. I work at Northwind Traders as a product manager.")
            await write("I prefer window seats on flights.")
            await write("Project Atlas is due on 2026-12-15 and is active.")
            await write("Remind me to send the Q4 report to Maria by Friday. It is high priority.")
            # "I" in a later write is the stored user.
            await write("My email is sam@northwind.com.")
            assert await read("What is Sam Carter's role?") == "product manager"
            assert await read("What is Sam Carter's email?") == "sam@northwind.com"
            assert await read("Who works at Northwind Traders?") == (
                "Sam Carter works at Northwind Traders."
            )
            assert await read("What do I prefer on flights?") == "window seats"
            assert await read("When is Project Atlas due?") == "2026-12-15"
            assert "high" in await read("What is the priority of the Q4 report task?")
            # The organization's notes did not swallow the user's sentence.
            assert "I work" not in await read("Tell me about Northwind Traders")
            # Nothing is about a name never written, nor a question word taken for one.
            assert "Ingrid" in await read("What is Ingrid's email?")
            foreign = await read("Wo wohnt Ingrid?")
            assert "Ingrid" in foreign and "Wo " not in foreign
            assert "Sam Carter" not in await read("Who plays golf at Northwind Traders?")


async def test_a_deed_told_done_later_marks_the_stored_task_it_names_done(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Open tasks: write season report; order new club whites from The Kit Room; "
            "book Kingsmead lanes for Jan\u2013Mar."
        )
        # "booked" is done; "drafted, waiting on …" is not; a change of date is no deed.
        await memory.write(
            "Note: lanes booked 30 Nov (12 sessions). Season report drafted, waiting on "
            "Hetty's averages. The kit order moved to Friday."
        )
        open_now = await memory.read("Which tasks are still open?")
        # The records listed, before any sentence quoted beside them ("also said: …").
        answer = open_now["reader_result"]["answer"].split(" (also said")[0]
        assert answer.startswith("2 tasks:"), open_now
        assert "season report" in answer and "whites" in answer, open_now
        assert "lanes" not in answer, open_now
        finished = await memory.read("Which tasks are done?")
        assert "lanes" in finished["reader_result"]["answer"], finished


async def test_each_item_listed_under_done_marks_the_stored_task_it_names(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Open tasks: cancel aunt's TV licence; redirect her post; claim the Premium Bonds."
        )
        # The second item says no word of being done: the label says it of the whole list.
        await memory.write("Done: TV licence cancelled 25 Nov; post redirection set up 27 Nov.")
        open_now = await memory.read("Which tasks are still open?")
        answer = open_now["reader_result"]["answer"].split(" (also said")[0]
        assert "Premium Bonds" in answer, open_now
        assert "redirect her post" not in answer and "TV licence" not in answer, open_now


async def test_someone_whose_address_spells_a_stored_firm_works_there(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "got 2 quotes:\n- BrightRoof Energy Solutions: £8,950\n- Sunwise Renewables Ltd: £9,400"
        )
        await memory.write("Also spoke to Hollybank Animal Rescue about adopting.")
        await memory.write("sales guy is Rhodri Vaughan, rhodri@sunwiserenewables.co.uk")
        await memory.write("rehoming officer is Fionnuala Brennan, fb@hollybankrescue.org.uk")
        await memory.write("my old classmate Ana Reis emailed from ana@sunwise.pt")
        works = await memory.read("Where does Rhodri Vaughan work?")
        assert works["reader_result"]["answer"] == "Sunwise Renewables Ltd", works
        officer = await memory.read("Where does Fionnuala Brennan work?")
        assert officer["reader_result"]["answer"] == "Hollybank Animal Rescue", officer
        # A domain holding only a firm's first word spells no firm.
        ana = await memory.read("Where does Ana Reis work?")
        assert "Sunwise" not in str(ana["reader_result"]), ana


async def test_a_stored_firm_is_called_by_the_word_its_name_opens_with(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Leaving Hatch Desk in Shoreditch for Loomhouse Works in Walthamstow.")
        await memory.write("Siobhán's a nurse at Cork University Hospital.")
        await memory.write("Correction: Loomhouse is £265/month + VAT.")
        # A town the text reads as one is not the firm its name opens.
        await memory.write("Bartek runs Speak Easy Coaching on Oliver Plunkett St in Cork.")
        # Nor is someone called by a word a firm's name opens with.
        await memory.write("Key clients: Mokoena Logistics (contact Sipho Mokoena, MD).")
        await memory.write("Update: Pieter resigned. Mokoena IRP6 reassigned to Ji-ho.")
        loomhouse = await memory.read("Tell me about Loomhouse Works")
        assert "£265" in loomhouse["reader_result"]["answer"], loomhouse
        assert loomhouse["basis"] == "records", loomhouse
        bartek = await memory.read("Where does Bartek work?")
        assert bartek["reader_result"]["answer"] == "Speak Easy Coaching", bartek
        sipho = await memory.read("Tell me about Sipho Mokoena")
        assert "IRP6" in sipho["reader_result"]["answer"], sipho
        firms = await memory.read("Which organizations are stored?")
        assert "Loomhouse Works" in firms["reader_result"]["answer"], firms
        assert "Loomhouse," not in firms["reader_result"]["answer"] + ",", firms


async def test_a_thing_of_someones_done_is_not_another_task_naming_them(tmp_path: Path) -> None:
    # "the Halden wireframes" are Halden's; the task that names Halden is another thing,
    # still open until a deed of its own is told.
    async with session(tmp_path) as memory:
        await memory.write("Need to send Halden the invoice for November by Friday.")
        await memory.write("Finished the Halden wireframes yesterday.")
        left = await memory.read("Which tasks are open?")
        assert "send Halden the invoice" in left["reader_result"]["answer"], left
        await memory.write("Sent Halden the invoice this morning.")
        left = await memory.read("Which tasks are open?")
        assert "send Halden the invoice" not in left["reader_result"]["answer"], left


async def test_changes_told_later_update_the_record_they_name_and_keep_its_history(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Task: finish the quarterly report, due 2026-01-15.")
        await memory.write("Task: book the car service, due 2026-02-01.")
        await memory.write("The quarterly report deadline was pushed back to 2026-01-22.")
        await memory.write("I finished the quarterly report.")
        await memory.write("Dentist appointment on 2026-03-14.")
        await memory.write("The dentist appointment was cancelled.")
        due = await memory.read("When is the quarterly report due?")
        assert due["reader_result"]["answer"] == "2026-01-22" and due["basis"] == "records"
        [evidence] = [e for e in due["evidence"] if e["field"] == "due_date"]
        assert "pushed back" in evidence["said"]
        assert [h["value"] for h in evidence["history"]] == ["2026-01-15"]
        done = await memory.read("Is the quarterly report done?")
        assert "done" in done["reader_result"]["answer"]
        # The other task is untouched; the cancellation is said with the appointment.
        car = await memory.read("When is the car service due?")
        assert car["reader_result"]["answer"] == "2026-02-01"
        dentist = await memory.read("When is the dentist appointment?")
        assert "cancelled" in dentist["reader_result"]["answer"]


async def test_a_thing_moved_to_another_place_keeps_the_old_one_as_history(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("The team offsite is in Bristol on 2027-01-20.")
        await memory.write("Update: offsite moved to Bath.")
        where = await memory.read("Where is the offsite?")
        assert where["reader_result"]["answer"] == "Bath" and where["basis"] == "records"
        [evidence] = [e for e in where["evidence"] if e["field"] == "location"]
        assert [h["value"] for h in evidence["history"]] == ["Bristol"]


async def test_a_question_in_another_language_shows_what_is_said_about_its_names(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Ingrid Solberg lives in Bergen and works at Equinor.")
        for question, basis in [("Wo wohnt Ingrid?", "passages"), ("Wo wohnt Bob?", "nothing")]:
            read = await memory.read(question)
            assert read["basis"] == basis, read
            assert "reads English questions" in read["notice"]
            if basis == "passages":
                assert "Bergen" in read["reader_result"]["answer"]


async def test_a_date_saying_when_something_was_done_is_not_its_new_date(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Project Quill is due on 2026-03-01 and is paused.")
        await memory.write("Quill is back on: I restarted it on 2026-01-12.")
        due = await memory.read("When is Quill due?")
        assert due["reader_result"]["answer"].startswith("2026-03-01")


async def test_a_project_said_to_be_back_on_is_active_again(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Projects: Atlas migration (active), Beacon dashboard (on hold).")
        await memory.write("Update: Beacon is back on, target end of February.")
        active = await memory.read("Which projects are active?")
        assert "Beacon dashboard" in active["reader_result"]["answer"], active


async def test_a_project_a_part_of_which_is_done_is_under_way_not_done(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Projects: Falcon (active), Osprey (active), Kite (active).")
        await memory.write("Update: Falcon is 60% done.")
        await memory.write("Osprey is nearly finished.")
        await memory.write("Kite is done.")
        # The records' part of each answer, before any sentence quoted beside it.
        active = (await memory.read("Which projects are active?"))["reader_result"]["answer"]
        active = active.split(" (also said")[0]
        assert "Falcon" in active and "Osprey" in active and "Kite" not in active, active
        done = (await memory.read("Which projects are done?"))["reader_result"]["answer"]
        done = done.split(" (also said")[0]
        assert "Kite" in done and "Falcon" not in done, done


async def test_who_is_answered_from_the_deed_of_a_note_that_lists_people_after_a_colon(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Shared gear: Søren brings stove and gas; Ana brings the compass.")
        stove = await memory.read("Who is bringing the stove?")
        # Søren, a given name doing something to something, is a person, and the clause his
        # deed: answered from that record.
        assert stove["basis"] == "records", stove
        assert stove["reader_result"]["answer"].startswith("Søren")
        # Still nobody for what no sentence names a person for.
        assert (await memory.read("Who is bringing the tent?"))["basis"] == "nothing"


async def test_the_digits_of_a_phone_number_or_a_date_are_no_amount_or_age(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My sister recommended an accountant, Farhan Siddiqui, 020 7946 0113.")
        await memory.write("Leo's party is on 14 December at the soft play.")
        await memory.write(
            "LinguaBridge pays USD 0.11/word, net 45. Invoice LB-2026-117 (USD 2,310) overdue "
            "since 20 Nov — user wants a polite reminder sent."
        )
        # Neither the phone number nor the party's day says what Farhan charges or Leo's age.
        for question in ("How much does Farhan charge?", "How old is Leo?"):
            answer = await memory.read(question)
            assert answer["basis"] == "nothing", (question, answer)
        # The one amount the invoice's clause tells, once the day is set aside, is not the
        # per-word rate a record holds: that record is no answer.
        invoice = await memory.read("How much is the overdue LinguaBridge invoice for?")
        assert "2,310" in invoice["reader_result"]["answer"], invoice
        assert "0.11" not in invoice["reader_result"]["answer"].split("“")[0], invoice
        # An amount and an age said are still found beside them.
        await memory.write("Farhan charges £350 for a tax return.")
        await memory.write("Leo turns 7 on 14 December.")
        assert (
            "£350" in (await memory.read("How much does Farhan charge?"))["reader_result"]["answer"]
        )
        assert "7" in (await memory.read("How old is Leo?"))["reader_result"]["answer"]


async def test_a_day_written_with_its_ordinal_is_a_date_asked_when(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        # "March 3rd" is a day as surely as "3 March": the detail holding it answers "when".
        await memory.write("My driving test is on March 3rd.")
        await memory.write("My birthday is August 21st.")
        test = await memory.read("When is my driving test?")
        assert test["basis"] == "records", test
        assert "March 3rd" in test["reader_result"]["answer"], test
        birthday = await memory.read("When is my birthday?")
        assert "August 21st" in birthday["reader_result"]["answer"], birthday


async def test_what_holds_no_value_of_the_shape_asked_for_does_not_answer(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Hana Novák is a designer. Her email is hana@novak.example.")
        await memory.write("Our car is a 2021 Škoda Octavia, plate M-GW 2841.")
        await memory.write("I moved to Porto last spring.")
        await memory.write("Task: send the invoice to Acme, due 2026-01-20.")
        await memory.write("Update: I have been fully vegan since 2026-01-01.")
        await memory.write(
            "My dentist appointment is on 2026-03-14. Biscuit's jab is due 2026-02-18."
        )
        # The email is stored, but not when it changed; the car, but not its colour; the
        # move, but not why; the appointment's day, but not its time; a date, not an age nor
        # an amount.
        for question in (
            "When did Hana change her email address?",
            "What colour is our car?",
            "Why did I move to Porto?",
            "What time is my dentist appointment?",
            "How old is Biscuit?",
            "How much is the Acme invoice for?",
            "Why did I go vegan?",
        ):
            answer = await memory.read(question)
            assert answer["basis"] == "nothing", (question, answer)
        assert "hana@novak.example" in str(await memory.read("What is Hana's email?"))
        # A word close to the one asked ("called" beside "phone") holds no phone number.
        await memory.write(
            "I've also booked the fossil walk for Thursday 11 March with a guide called "
            "Rhiannon Jeffreys."
        )
        for question in (
            "What's the field centre's phone number?",
            "What's Rhiannon's phone number?",
        ):
            answer = await memory.read(question)
            assert answer["basis"] == "nothing", (question, answer)
        await memory.write("The clinic closes at 13:00 on Saturdays.")
        assert "13:00" in str(await memory.read("What time does the clinic close on Saturdays?"))
        await memory.write("The chess club meets on Wednesdays at the library.")
        assert "Wednesdays" in str(await memory.read("What day does the chess club meet?"))


async def test_a_name_asked_for_is_not_answered_by_records_naming_nothing(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("New task: ring the roofer about the gutter, low priority.")
        # The task says "roofer" but no name: the records do not answer.
        answer = await memory.read("What's the roofer's name?")
        assert answer["basis"] != "records", answer
        # What the mind said of the rows it found is not said of the sentence quoted instead.
        assert "these records mention its words" not in str(answer.get("notice")), answer
        await memory.write("Our roofer is Piet Claes from Claes Dakwerken.")
        named = await memory.read("What's the roofer's name?")
        assert named["basis"] == "records", named
        assert "Piet Claes" in named["reader_result"]["answer"], named


async def test_my_someone_is_not_the_user_whatever_words_come_before_the_noun(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("I live in Palma.")
        await memory.write("My second supervisor Dr. Jonas Brenner is based in Stuttgart.")
        answer = await memory.read("Where is my second supervisor based?")
        assert "Palma" not in str(answer["reader_result"]), answer
        assert "Stuttgart" in str(answer["reader_result"]), answer
        assert "Palma" in str((await memory.read("Where do I live?"))["reader_result"])


async def test_my_someones_details_go_to_the_one_stored_with_that_tie(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("I live in Palma.")
        await memory.write("My dad Graham is coming with me to look at the car.")
        await memory.write("My dad's number is 07700 900 123.")
        await memory.write("My landlord's email is bob@lets.com.")
        dad = await memory.read("What is Graham's phone number?")
        assert "07700 900 123" in str(dad["reader_result"]), dad
        me = str((await memory.read("Tell me about User"))["reader_result"])
        assert "07700" not in me and "bob@lets.com" not in me, me
        landlord = await memory.read("What is my landlord's email?")
        assert "bob@lets.com" in str(landlord["reader_result"]), landlord


async def test_an_amount_listed_then_changed_is_answered_with_its_new_value(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Medications: hydroxychloroquine 200 mg twice daily; "
            "mycophenolate 1000 mg twice daily; vitamin D 1000 IU daily."
        )
        await memory.write("He increased mycophenolate to 1500 mg twice daily.")
        answer = await memory.read("What dose of mycophenolate am I on at the moment?")
        assert answer["reader_result"]["answer"] == "1500 mg twice daily", answer
        assert answer["basis"] == "records", answer


async def test_an_amount_said_to_move_or_corrected_replaces_the_one_told_before(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My online rate is £45 and in person is £55.")
        await memory.write(
            "actually scratch what I said about prices, my online rate is going up to £48 "
            "from january."
        )
        rate = await memory.read("What's my online rate now?")
        assert rate["reader_result"]["answer"] == "£48", rate
        assert rate["basis"] == "records", rate
        # "X is A, not B": the value is A, without the one it replaces.
        await memory.write("Correction: my course fee is £75, not £60.")
        fee = await memory.read("What is my course fee?")
        assert fee["reader_result"]["answer"] == "£75", fee
        # An amount with its thousands is one amount ("€24,600"), not "€24".
        await memory.write("My builder's quote is €24,600 for the main build.")
        quote = await memory.read("What is my builder's quote?")
        assert "€24,600" in quote["reader_result"]["answer"], quote


async def test_what_is_left_to_do_is_the_open_tasks(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Task: book the photographer by 20 December.")
        await memory.write("Task: order the cake by 15 January.")
        await memory.write("Done: order the cake.")
        for asked in (
            "What's left to do?",
            "What do I still need to do?",
            "Which tasks still need doing?",
            "What do I have to do?",
        ):
            answer = await memory.read(asked)
            said = answer["reader_result"]["answer"].split(" (but later")[0]  # records only
            assert answer["basis"] == "records", (asked, answer)
            assert "photographer" in said and "cake" not in said, (asked, answer)
        # A question naming its own thing is not a list of every open task.
        other = await memory.read("Which leafleting area is still to do?")
        assert "photographer" not in other["reader_result"]["answer"], other


async def test_need_to_before_a_verb_asks_for_the_verb(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Task: order more glaze before the Christmas market on 12 December.")
        await memory.write("Need to buy new kiln shelves.")
        answer = await memory.read("What do I need to order?")
        assert answer["basis"] == "records", answer  # "need to" is a modal, as "must" is
        said = answer["reader_result"]["answer"].split(" (but later")[0]  # records only
        assert "glaze" in said and "shelves" not in said, answer
        answer = await memory.read("What have I got to buy?")
        said = answer["reader_result"]["answer"].split(" (but later")[0]
        assert answer["basis"] == "records", answer
        assert "shelves" in said and "glaze" not in said, answer


async def test_a_company_gone_with_is_a_choice_not_an_employer(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("I work at Flinders Medical Centre.")
        await memory.write("Signed with SunVolt for the home battery.")
        chosen = await memory.read("Which company are we going with for the battery?")
        assert "Flinders" not in chosen["reader_result"]["answer"], chosen
        employer = await memory.read("Which company do I work for?")
        assert "Flinders" in employer["reader_result"]["answer"], employer
        # A plan is asked, not where one studies now.
        await memory.write("My son Rafa studies at St Cuthbert's Sixth Form.")
        planned = await memory.read("Where is Rafa planning to study over the holidays?")
        assert "Cuthbert" not in planned["reader_result"]["answer"], planned


async def test_what_is_worked_on_is_the_projects(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Side project: a Telegram bot that tracks my plant watering.")
        await memory.write("Task: book the photographer by 20 December.")
        for asked in ("What projects am I working on?", "What am I working on right now?"):
            answer = await memory.read(asked)
            assert answer["basis"] == "records", (asked, answer)
            assert "Telegram bot" in answer["reader_result"]["answer"], (asked, answer)
            assert "photographer" not in answer["reader_result"]["answer"], (asked, answer)


async def test_likes_and_dislikes_are_answered_from_records_by_their_stance(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("User dislikes coriander.")
        await memory.write("I love jazz.")
        await memory.write("User's preferred airline is KLM.")
        disliked = await memory.read("Which herb do I dislike?")
        assert disliked["basis"] == "records"
        answer = disliked["reader_result"]["answer"]
        assert "coriander" in answer and "jazz" not in answer and "KLM" not in answer
        liked = (await memory.read("What music do I like?"))["reader_result"]["answer"]
        assert "jazz" in liked and "coriander" not in liked
        airline = await memory.read("What is my preferred airline?")
        assert airline["reader_result"]["answer"] == "KLM" and airline["basis"] == "records"
        # A liking denied asks what is disliked.
        for asked in ("What don't I like?", "What doesn't the user like?"):
            denied = (await memory.read(asked))["reader_result"]["answer"]
            assert "coriander" in denied and "jazz" not in denied, asked


async def test_a_detail_is_answered_from_its_record_and_a_correction_keeps_the_old_value(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My blood type is O negative.")
        await memory.write("Biscuit's vet is Dr. Anneke de Vries.")
        await memory.write("Correction: my blood type is actually A positive.")
        blood = await memory.read("What is my blood type?")
        assert blood["basis"] == "records"
        assert blood["reader_result"]["answer"] == "A positive"
        [evidence] = [e for e in blood["evidence"] if e["field"] == "value"]
        assert "actually A positive" in evidence["said"]
        assert [h["value"] for h in evidence["history"]] == ["O negative"]
        for asked in ("Who is Biscuit's vet?", "Who is the vet of Biscuit?"):
            vet = await memory.read(asked)
            assert vet["reader_result"]["answer"] == "Dr. Anneke de Vries", asked
        # A word no detail says is something else: not answered from these records.
        pressure = await memory.read("What is my blood pressure?")
        assert "positive" not in str(pressure["reader_result"])


async def test_a_value_asked_as_it_was_shows_what_it_replaced_not_what_it_grew_from(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Ann Lee's email is ann@a.io.")
        await memory.write("Ann Lee's email is now ann@b.io.")
        await memory.write("My coach is Mateus Carvalho, he runs the Tuesday class.")
        await memory.write("Mateus is super patient, he used to compete for Brazil.")
        email = await memory.read("What was Ann Lee's email before?")
        assert "(before: email was ann@a.io" in email["reader_result"]["answer"]
        first = await memory.read("What was Ann Lee's original email?")
        assert "(before: email was ann@a.io" in first["reader_result"]["answer"]
        # His notes grew by a sentence: the first one is still there, replaced by nothing.
        coach = await memory.read("Which coach used to compete for Brazil?")
        assert "Mateus Carvalho" in coach["reader_result"]["answer"]
        assert "(before:" not in coach["reader_result"]["answer"]


async def test_a_detail_that_only_counts_answers_how_many_not_which(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My manager is Farah Qureshi. Team is 6 people.")
        which = await memory.read("Which team am I in?")
        # "6 people" says how many, not which team: not given as the answer with no notice.
        assert which["reader_result"]["answer"] != "6 people"
        assert which["basis"] != "records" or which["notice"]
        size = await memory.read("How many people are in my team?")
        assert "6 people" in size["reader_result"]["answer"]


async def test_how_tall_how_heavy_and_how_much_one_weighs_ask_for_a_detail(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Update: Biscuit's weight is now 14.2kg, down from 15kg.")
        await memory.write("Leo's height is 1.32m.")
        for asked, value in (
            ("How much does Biscuit weigh?", "14.2kg"),
            ("How heavy is Biscuit?", "14.2kg"),
            ("How tall is Leo?", "1.32m"),
        ):
            got = await memory.read(asked)
            assert (got["basis"], got["reader_result"]["answer"]) == ("records", value), asked


async def test_what_the_user_pays_is_asked_how_much_and_is_no_one(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("User pays £1,100 rent on the 1st by standing order to Pike Lettings.")
        await memory.write("I pay £65 a month for broadband.")
        rent = await memory.read("How much is my rent?")
        assert rent["reader_result"]["answer"] == "£1,100"
        broadband = await memory.read("How much do I pay for broadband?")
        assert broadband["reader_result"]["answer"].startswith("£65 a month")
        # Whom it is paid to is asked: an amount is no one.
        to = await memory.read("Who do I pay rent to?")
        assert not to["reader_result"]["answer"].startswith("£1,100")


async def test_the_medicines_someone_takes_are_asked_by_a_word_for_medicines(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("User takes metformin 500mg twice daily with meals.")
        await memory.write("User also takes atorvastatin 20mg at night.")
        await memory.write("Update: metformin increased to 1000mg twice daily from 1 December.")
        await memory.write("My dad takes bisoprolol 5mg every morning.")
        await memory.write("My dad is on ramipril 2.5mg at night.")
        mine = await memory.read("What medication am I on?")
        assert mine["basis"] == "records"
        assert mine["reader_result"]["answer"] == "metformin 1000mg twice daily; atorvastatin 20mg"
        dose = await memory.read("What dose of metformin do I take?")
        assert dose["reader_result"]["answer"] == "1000mg twice daily"
        before = await memory.read("What was my metformin dose before?")
        assert "500mg twice daily" in before["reader_result"]["answer"]
        morning = await memory.read("Which of my dad's meds does he take in the morning?")
        assert morning["reader_result"]["answer"].startswith("bisoprolol 5mg every morning")
        counted = await memory.read("How many medications does my dad take?")
        assert counted["reader_result"]["answer"] == "2"
        # Whose by a name: someone stored, or a pet no record is of.
        await memory.write("Gerald takes bisoprolol 5mg every morning.")
        await memory.write("Biscuit takes Apoquel 5.4mg once a day.")
        gerald = await memory.read("What meds is Gerald on?")
        assert gerald["reader_result"]["answer"] == "bisoprolol 5mg every morning"
        biscuit = await memory.read("What medication does Biscuit take?")
        assert biscuit["reader_result"]["answer"] == "apoquel 5.4mg once a day"


async def test_a_detail_asked_as_no_ones_is_the_users_whose_noun_is_all_it_asks(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("The budget for the offsite is £5,000.")
        await memory.write("Offsite budget is now £6,500.")
        await memory.write("Adoption fee is £275, covers the microchip.")
        budget = await memory.read("What is the budget for the offsite?")
        assert budget["reader_result"]["answer"] == "£6,500"
        before = await memory.read("What was the offsite budget before?")
        assert "(before: value was £5,000" in before["reader_result"]["answer"]
        fee = await memory.read("How much is the adoption fee?")
        assert fee["reader_result"]["answer"] == "£275"
        # A word the detail's noun does not say is something else.
        other = await memory.read("What is the budget for the party?")
        assert other["reader_result"]["answer"] != "£6,500"


async def test_an_age_is_a_detail_of_whose_it_is_and_how_old_asks_for_it(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My daughter Freya is 13 and attends Marlowe Academy.")
        await memory.write("Scorer: Hetty Brannigan \u2014 she's 74 and has scored since 1989.")
        await memory.write("Our dog Biscuit is 6 now.")
        await memory.write("I'm 41.")
        await memory.write("The drive is 5 minutes and version is 3.")
        for asked, age in (
            ("How old is Freya?", "13"),
            ("What age is Hetty?", "74"),
            ("How old is Biscuit?", "6"),
            ("How old am I?", "41"),
        ):
            got = await memory.read(asked)
            assert got["basis"] == "records", asked
            assert got["reader_result"]["answer"] == age, asked
        # Minutes and a version are no one's age.
        ages = {str(f["subject"]) for f in await memory.rows("fact") if f["attribute"] == "age"}
        assert ages == {"Freya", "Hetty Brannigan", "Biscuit", "User"}, ages


async def test_a_name_no_record_is_called_by_finds_the_records_that_hold_it(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Update: Kwame's certificate came through on 2026-03-03.")
        await memory.write("User coordinates the Saturday rota and reports to Deborah Mensah.")
        got = await memory.read("When did Kwame get his certificate?")
        assert got["basis"] == "records" and "2026-03-03" in got["reader_result"]["answer"]
        assert got["notice"]  # found by what the records hold, not by a type asked for
        # "Saturday" is a day, not someone no record is called by: nothing answers this.
        rota = await memory.read("Which Saturday is Deborah on the rota?")
        assert rota["basis"] != "records", rota


async def test_what_something_is_is_not_answered_by_its_name_and_status_alone(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My open-source project Quill, a Markdown linter, is active.")
        what = await memory.read("What is Quill?")
        assert "linter" in what["reader_result"]["answer"], what


async def event_dates(memory: Any) -> dict[str, str]:
    """Each stored event's title and date, read as raw tables."""
    return await titles_and(memory, "events", "date")


async def titles_and(memory: Any, plural: str, column: str) -> dict[str, str]:
    """Each stored record of a type's title and one column, read as raw tables."""
    response = await memory.http.post(
        f"{memory.base}/read", json={"query": f"List all {plural}", "mode": "raw-tables"}
    )
    table = response.json()["items"][0]["reader_result"]
    title, value = table["columns"].index("title"), table["columns"].index(column)
    return {row[title]: row[value] for row in table["rows"]}


async def test_a_second_booking_of_the_same_kind_is_a_second_record(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("I have a dentist appointment on 2027-01-10 at 9am.")
        await memory.write("Leo has a dentist appointment on 2027-01-17 at 4pm.")
        await memory.write("I booked a flight to Rome on 2027-02-03.")
        await memory.write("I also booked a flight to Madrid on 2027-03-12.")
        await memory.write("My Rome flight was moved to 2027-02-05.")
        # Whose it is may be said by a word for kin ("Grandma's", "mum's"), as by a name.
        await memory.write("Grandma's 80th birthday party is on 2027-01-09 at the Rose & Crown.")
        await memory.write("Dad's 60th birthday party is on 2027-05-02.")
        rows = await event_dates(memory)
        assert rows == {
            "dentist appointment": "2027-01-10",
            "Leo's dentist appointment": "2027-01-17",
            "flight to Rome": "2027-02-05",  # moved: the same record, its date changed
            "flight to Madrid": "2027-03-12",
            "Grandma's 80th birthday party": "2027-01-09",
            "Dad's 60th birthday party": "2027-05-02",
        }


async def test_a_deadline_said_of_a_new_thing_changes_no_stored_thing_named_after_it(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Review panel on 14 Jan 2027 — progress report due in by 7 Jan 2027.")
        # "in progress" says a word of the stored title after the deadline, not of what has
        # it: the protocol is a task of its own, and the report keeps its date.
        await memory.write("Current job: Nordlys trial protocol, deadline 2027-03-06, in progress.")
        await memory.write("Update: progress report deadline extended to 2027-01-12.")
        tasks = await titles_and(memory, "tasks", "due_date")
        assert tasks == {"progress report": "2027-01-12", "Nordlys trial protocol": "2027-03-06"}


async def test_a_thing_said_under_someone_s_name_is_theirs_not_the_same_as_another_s(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("User's father Giorgio Rossi: birthday 1958-11-12.")
        await memory.write("User's sister Ana Rossi: birthday 1990-02-14.")
        # Two birthdays, not one "birthday" whose date the second write replaced.
        assert await event_dates(memory) == {
            "Giorgio Rossi's birthday": "1958-11-12",
            "Ana Rossi's birthday": "1990-02-14",
        }


async def test_a_moved_date_finds_its_record_by_one_word_in_a_long_sentence(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Collection day is Saturday 19 December 2026.")
        await memory.write("Booked a health check at Riverside Vets on 2 January 2027.")
        # Many words besides "collection": the record is still found by the word it shares.
        await memory.write(
            "Actually collection has moved forward to Thursday 17 December because the "
            "foster family are going away."
        )
        dates = await event_dates(memory)
        assert dates["Collection day"] == "2026-12-17"
        assert "2027-01-02" in dates.values()  # the other record is untouched
        assert len(dates) == 2


async def test_a_date_said_in_words_is_the_stored_date_behind_the_sentence(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My dentist is Dr. Tomás Ortiz; my next appointment is on 2026-03-14.")
        await memory.write("Actually the dentist moved my appointment to March 21, 2026.")
        found = await memory.read("When is my next dentist appointment?")
        assert found["basis"] == "records", found
        assert "2026-03-21" in found["reader_result"]["answer"]


async def test_a_move_of_something_never_stored_says_when_it_is_now(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Update: the kiln firing moved to Thu 2027-02-11.")
        when = await memory.read("When is the kiln firing?")
        assert "2027-02-11" in when["reader_result"]["answer"] and when["basis"] == "records"


async def test_an_occasion_keeps_what_more_is_said_but_not_its_day_and_a_move_finds_it(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Geminids outing!! club dark-sky night at Welney on Sunday 13 December 2026, "
            "meet 8pm. bring a red torch and a flask"
        )
        # "it" after news someone brings: the occasion stored last, not the bringer's
        await memory.write("ugh - Vangelis says Welney's flooded so it's moved to Holme Fen.")
        await memory.write("The boiler service is booked with Heatwise for 2026-02-06.")
        await memory.write("Actually the boiler service has moved forward to 2026-02-03.")
        dates = await event_dates(memory)
        assert dates == {"Geminids outing": "2026-12-13", "boiler service": "2026-02-03"}
        where = await memory.read("Where's the Geminids outing happening now?")
        assert "Holme Fen" in where["reader_result"]["answer"], where
        when = await memory.read("When is the boiler service?")
        # the date it holds now, not the day first said in a sentence kept with it
        assert "2026-02-03" in when["reader_result"]["answer"], when
        assert "2026-02-06" not in when["reader_result"]["answer"], when


async def test_a_move_to_a_place_is_of_the_thing_stored_last_that_has_one(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        # The thing to do told last has no place: "it" moved to one is the night out.
        await memory.write(
            "Geminids outing!! club dark-sky night at Welney on Sunday 13 December 2026, meet 8pm."
        )
        await memory.write("Bring a red torch and a flask.")
        await memory.write("ugh - Vangelis says Welney's flooded so it's moved to Holme Fen.")
        where = await memory.read("Where's the Geminids outing happening now?")
        assert "Holme Fen" in where["reader_result"]["answer"], where
        assert where["basis"] == "records", where


async def test_people_asked_for_by_a_plural_kin_noun_are_counted_and_listed(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My daughter Freya is 13. My son Leo is 9; his teacher is Mrs. Adebayo.")
        await memory.write("My sister Maya is a midwife. Maya has two sons, Ravi and Dev.")
        many = await memory.read("How many children do I have?")
        assert many["basis"] == "records"
        assert many["reader_result"]["answer"].startswith("2: Freya (daughter); Leo (son).")
        who = await memory.read("Who are my kids?")
        assert who["reader_result"]["answer"].startswith("Freya (daughter); Leo (son).")
        theirs = await memory.read("How many sons does Maya have?")
        assert theirs["reader_result"]["answer"].startswith("2: Dev (Maya's son); Ravi")
        # Asking more of them than who they are is not a count of them.
        more = await memory.read("How many children go to Hillside Primary?")
        assert not more["reader_result"]["answer"].startswith("2:")


async def test_a_deadline_extended_moves_the_stored_thing_named_by_a_code_or_a_clause(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Lab report LR4 due 12 March 2027; essay plan due 19 March 2027.")
        await memory.write("Update: LR4 deadline extended to 26 March 2027 because of the strike.")
        await memory.write(
            "Update: essay plan deadline extended to 2 April 2027, conference travel."
        )
        lr4 = await memory.read("When is LR4 due?")
        assert lr4["reader_result"]["answer"].startswith("2027-03-26"), lr4
        plan = await memory.read("When is the essay plan due?")
        assert plan["reader_result"]["answer"].startswith("2027-04-02"), plan


async def test_someone_asked_for_by_their_job_is_the_one_person_who_has_it(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Volunteer coordinator: Dana Whitlow, 0117 555 0100.")
        await memory.write("The electrician's called Kwame Boateng, 07700 900 321.")
        await memory.write("Our gas engineer is Ola Berg, 07700 900 654.")
        coordinator = await memory.read("What's the coordinator's number?")
        assert coordinator["reader_result"]["answer"] == "0117 555 0100"
        electrician = await memory.read("What's the electrician's phone number?")
        assert electrician["reader_result"]["answer"] == "07700 900 321"
        # Two people hold the job word equally: neither is guessed.
        await memory.write("The heating engineer is Mia Holt, 07700 900 987.")
        engineer = await memory.read("What's the engineer's number?")
        assert engineer["reader_result"]["answer"] not in ("07700 900 654", "07700 900 987")
        heating = await memory.read("What's the heating engineer's number?")
        assert heating["reader_result"]["answer"] == "07700 900 987"


async def test_a_move_to_an_abbreviated_weekday_sets_no_place_and_pushed_to_is_a_move(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Engineer visit booked with CopyServ NW, Thu 3 Dec, 9am.")
        await memory.write("Update: engineer visit moved to Mon 7 Dec, 2pm.")
        await memory.write("Note: Yusuf's start pushed to 14 Dec (HR waiting on references).")
        visit = await memory.read("When is the engineer visit?")
        assert "2026-12-07" in visit["reader_result"]["answer"], visit
        about = await memory.read("Tell me about the engineer visit")
        assert "location" not in about["reader_result"]["answer"], about
        start = await memory.read("When is Yusuf's start?")
        assert "2026-12-14" in start["reader_result"]["answer"], start


async def test_who_holds_a_job_is_the_one_person_whose_role_says_it(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Their treatment coordinator, Priya Raghunathan, explained the plan.")
        await memory.write("Supervisors: second supervisor Dr. Jonas Brenner, in Stuttgart.")
        coordinator = await memory.read("Who is the treatment coordinator at the practice?")
        assert coordinator["reader_result"]["answer"].startswith("Priya Raghunathan")
        assert coordinator["basis"] == "records"
        assert "practice" in coordinator["notice"]  # not held: said, not required
        # Another job of the same kind is no answer: "main" is not "second".
        main = await memory.read("Who is my main supervisor?")
        assert not main["reader_result"]["answer"].startswith("Jonas Brenner"), main
        # The job as stored, once, though role and relationship both say it.
        await memory.write("Our conductor is Ingrid Solberg. Co-founder and CTO is Rahel Tesfaye.")
        conductor = await memory.read("Who is the conductor of my orchestra?")
        assert conductor["reader_result"]["answer"] == "Ingrid Solberg (conductor)."
        cto = await memory.read("Who is the CTO?")
        assert cto["reader_result"]["answer"] == "Rahel Tesfaye (co-founder and CTO)."


async def test_who_does_what_no_record_says_in_those_words_by_a_role_close_in_meaning(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Co-host: Nadia Haddad-Lowe. Producer: Tom Reid.")
        await memory.write("Supervisors: second supervisor Dr. Jonas Brenner, in Stuttgart.")
        found = await memory.read("Who co-presents the show with me?")
        assert found["reader_result"]["answer"].startswith("Nadia Haddad-Lowe"), found
        assert found["basis"] == "records"
        assert "close in meaning" in found["notice"]  # found by meaning: said so
        # A role the question says in its own words with another modifier is not taken.
        main = await memory.read("Who is my main supervisor?")
        assert not main["reader_result"]["answer"].startswith("Jonas Brenner"), main
        # Nothing close: nothing found, not the nearest role.
        none = await memory.read("Who repaired the fence?")
        assert not none["reader_result"]["answer"].startswith(("Nadia", "Tom", "Jonas")), none


async def test_words_that_name_nobody_in_particular_are_not_required_of_records(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("The boiler service is booked with Kernow Heating for 14 January 2027.")
        # "someone" and "coming" say nothing the record must hold.
        found = await memory.read("When is someone coming to service the boiler?")
        assert "2027-01-14" in found["reader_result"]["answer"], found
        assert found["basis"] == "records"


async def test_the_time_a_question_asks_about_filters_dated_records(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Task: laser safety training due 2027-03-31, high priority.")
        await memory.write("Task: renew passport by 2027-06-30.")
        await memory.write("Dentist appointment on 2027-01-22.")
        await memory.write("Vet appointment on 2027-02-10.")
        january = await memory.read("Which appointments are in January 2027?")
        assert "Dentist" in january["reader_result"]["answer"], january
        assert "Vet" not in january["reader_result"]["answer"], january
        # A date field asked for with the time is which records, not their date alone.
        march = await memory.read("Which tasks are due before the end of March 2027?")
        assert "laser safety training" in march["reader_result"]["answer"], march
        assert "passport" not in march["reader_result"]["answer"], march
        # No type named: the records dated that day.
        day = await memory.read("What's happening on 22 January 2027?")
        assert "Dentist appointment" in day["reader_result"]["answer"], day
        assert day["basis"] == "records"


async def test_a_week_named_from_today_filters_dated_records_by_its_days(tmp_path: Path) -> None:
    async with session(tmp_path, today=date(2026, 12, 4)) as memory:  # a Friday
        await memory.write("Dentist appointment on Tuesday 8 December at 9am.")
        await memory.write("Pottery class on Thursday 3 December.")
        following = await memory.read("What is happening next week?")
        assert "Dentist" in following["reader_result"]["answer"], following
        assert "Pottery" not in following["reader_result"]["answer"], following
        this = await memory.read("What's on this week?")
        assert "Pottery" in this["reader_result"]["answer"], this
        assert "Dentist" not in this["reader_result"]["answer"], this


async def test_a_count_qualified_by_words_no_record_holds_counts_all_of_the_type_said_so(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Task: renew passport by 2027-06-30.")
        await memory.write("Task: book the dentist.")
        held = await memory.read("How many museum to-dos do I have?")
        assert held["reader_result"]["answer"] == "There are 2 tasks.", held
        assert "'museum'" in held["notice"]  # said: no task says it
        # A part of a set taken as known ("How many of the …") is counted so too.
        part = await memory.read("How many of the museum to-dos are still open?")
        assert part["reader_result"]["answer"] == "There are 2 tasks.", part
        assert "'museum'" in part["notice"] and "in the state asked" in part["notice"]
        # Not a count of what someone holds: the words must be held.
        urgent = await memory.read("How many urgent tasks are open?")
        assert urgent["basis"] == "nothing", urgent


async def test_a_dated_thing_said_again_in_other_words_changes_the_same_record(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("The survey is booked for Friday 11 December 2026, 8:30am.")
        await memory.write(
            "Keystone had to reschedule \u2014 the survey's now Wednesday 16 December 2026 at 9."
        )
        await memory.write("Club AGM: Sun 13 Dec 2026, 4pm, pavilion bar.")
        # A move names the stored thing by its acronym alone.
        await memory.write("Update: AGM moved to Sat 12 Dec 2026, 3pm.")
        survey = await memory.read("When is the survey?")
        assert survey["basis"] == "records", survey
        assert "2026-12-16" in survey["reader_result"]["answer"], survey
        agm = await memory.read("When is the AGM?")
        assert agm["basis"] == "records", agm
        assert "2026-12-12" in agm["reader_result"]["answer"], agm
        assert "2026-12-13" not in agm["reader_result"]["answer"], agm


async def test_a_count_over_one_record_listing_things_counts_what_it_lists(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Huts booked: Refuge de la Croix du Bonhomme (Jul 5), Rifugio Elisabetta (Jul 7), "
            "Refuge du Lac Blanc (Jul 12). Deposit \u20ac30 each."
        )
        huts = await memory.read("How many huts have we booked?")
        assert huts["basis"] == "records", huts
        assert huts["reader_result"]["answer"].startswith("3: Refuge de la Croix"), huts
        # A heading that does not say what is counted lists something else.
        deposits = await memory.read("How many deposits?")
        assert not deposits["reader_result"]["answer"].startswith("3"), deposits


async def test_records_that_say_the_words_in_a_kept_sentence_count_nothing(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Planning our Norway road trip for next summer!! me, my girlfriend Lena de Vries, "
            "her brother Matthijs de Vries and his girlfriend Chloé Martin."
        )
        # One record says "trip": that is no count of who is going.
        going = await memory.read("How many of us are going on the trip?")
        assert not going["reader_result"]["answer"].startswith("1:"), going
        # Records that each open on the word asked are each one of what is asked.
        await memory.write("Client: Wydawnictwo Znak (Kraków), contact Paweł Kamiński.")
        await memory.write("Client: Weber & Lang (Munich), contact Dr. Katrin Weber.")
        clients = await memory.read("How many clients do I have?")
        assert clients["reader_result"]["answer"].startswith("2: Client:"), clients


async def test_a_group_a_list_calls_someone_never_replaces_their_own_role(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Hyun-woo Park is our lead electrician at the repair café.")
        await memory.write("Our fixers: Bernadette does sewing, Hyun-woo electrical.")
        roles = {str(p["name"]): p.get("role") for p in await memory.rows("person")}
        # The heading's word is theirs only where nothing of their own is stored.
        assert roles["Hyun-woo Park"] == "lead electrician", roles
        assert roles["Bernadette"] == "fixer", roles
        # A role said of the one person still replaces the stored one.
        await memory.write("Update: Hyun-woo Park is now our coordinator.")
        roles = {str(p["name"]): p.get("role") for p in await memory.rows("person")}
        assert roles["Hyun-woo Park"] == "coordinator", roles


async def test_a_squad_is_a_list_counted_by_what_its_members_are_called(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Squad: Alfie, Ben, Chloe, Dev, Ella, Finn.")
        counted = await memory.read("How many players are in the squad?")
        assert counted["basis"] == "records"
        assert counted["reader_result"]["answer"].startswith("6: Alfie; Ben;")
        assert counted["notice"]  # its heading does not say its items are players


async def test_a_list_under_a_heading_is_one_record_counted_and_read_whole(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "goals for end of jan:\n- finish genki II ch 15-16\n- 300 kanji\n"
            "- watch 1 film without english subs\n- diary entry every day for 2 weeks"
        )
        await memory.write("Race gear: new shoes; 6 gels for race day; body glide; race belt.")
        await memory.write("Rates: £0.11 per word for technical; £0.14 per word for literary.")
        # One record each, holding every item; the items are no notes of their own.
        facts = await memory.rows("fact")
        lists = {str(f["attribute"]): str(f["value"]) for f in facts}
        assert lists["goals for end of jan"].split("; ") == [
            "finish genki II ch 15-16",
            "300 kanji",
            "watch 1 film without english subs",
            "diary entry every day for 2 weeks",
        ], facts
        assert lists["race gear"] == "new shoes; 6 gels for race day; body glide; race belt"
        notes = [str(n["content"]) for n in await memory.rows("note")]
        assert not any("kanji" in n for n in notes), notes
        counted = await memory.read("How many goals did I set for the end of january?")
        assert counted["basis"] == "records", counted
        assert counted["reader_result"]["answer"].startswith("4: finish genki II"), counted
        gear = await memory.read("How many things are on my race gear list?")
        assert gear["reader_result"]["answer"].startswith("4: new shoes;"), gear
        whole = await memory.read("What's on my race gear list?")
        assert "body glide" in whole["reader_result"]["answer"], whole
        # One item asked of a list: the item that says the question's word.
        rate = await memory.read("What's my rate for literary translation?")
        assert "£0.14 per word for literary" in rate["reader_result"]["answer"], rate
        # A list is no one value of what its heading names.
        goal = await memory.read("What is my end of jan goal number?")
        assert not goal["reader_result"]["answer"].startswith("finish genki"), goal
        # The one list under the noun asked, though its heading does not say the question's
        # other words: counted, with a notice saying so.
        japanese = await memory.read("How many Japanese goals did I set myself?")
        assert japanese["reader_result"]["answer"].startswith("4: finish genki"), japanese
        assert "headed “goals for end of jan”" in japanese["notice"], japanese
        # Two lists under the noun, neither saying the other words: neither is chosen.
        await memory.write("goals for the garden:\n- dig the beds\n- plant garlic")
        both = await memory.read("How many Japanese goals did I set myself?")
        assert not both["reader_result"]["answer"].startswith(("4:", "2:")), both


async def test_a_list_told_in_one_line_is_kept_under_its_label_and_counted(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "shortlist: Gazelle C380 (£3,199), Cube Hybrid (£2,899), and Riese Charger4 (£4,699)"
        )
        await memory.write(
            "Winter concert programme: 1. Rutter, 'Candlelight Carol' 2. Gjeilo, 'Northern "
            "Lights' 3. Gaudete"
        )
        await memory.write("Main suppliers: Velotech (components), Northwind Frames and Arklow.")
        # One value said in parts, or one thing said in parts, is no list.
        await memory.write("Address: Flat 3B, 22 Albion Road, Bristol BS6.")
        await memory.write(
            "Client: José Álvarez, procurement lead at Mercadona, phone 0161 496 0732"
        )
        lists = {str(f["attribute"]): str(f["value"]) for f in await memory.rows("fact")}
        assert lists["shortlist"] == (
            "Gazelle C380 (£3,199); Cube Hybrid (£2,899); Riese Charger4 (£4,699)"
        ), lists
        assert lists["winter concert programme"].split("; ") == [
            "Rutter, 'Candlelight Carol'",
            "Gjeilo, 'Northern Lights'",
            "Gaudete",
        ]
        assert lists["main suppliers"] == "Velotech; Northwind Frames; Arklow", lists
        assert not any(";" in v for a, v in lists.items() if a in ("address", "client")), lists
        # The list is named by the word for a list the question says, not by what it holds.
        bikes = await memory.read("How many bikes did I have on my shortlist?")
        assert bikes["reader_result"]["answer"].startswith("3: Gazelle C380"), bikes
        assert "does not say its items are bikes" in bikes["notice"], bikes
        pieces = await memory.read("How many pieces are on the winter concert programme?")
        assert pieces["reader_result"]["answer"].startswith("3: Rutter"), pieces
        suppliers = await memory.read("How many main suppliers does the shop use?")
        assert suppliers["reader_result"]["answer"].startswith("3: Velotech"), suppliers
        # What is on it now, a list kept as told does not say.
        now = await memory.read("How many bikes are still on my shortlist?")
        assert not now["reader_result"]["answer"].startswith("3:"), now


async def test_a_label_naming_one_thing_is_not_a_list(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Client: Nordlys Medical AS (Oslo), contact Søren Dahl; net-45")
        facts = await memory.rows("fact")
        assert not any(str(f["attribute"]) == "client" for f in facts), facts


async def test_a_shopping_or_before_list_is_tasks_and_kept_whole_beside_them(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "before surgery:\n- stop wearing contacts 2 weeks before\n"
            "- book 2 days off with Marek (my manager)\n- buy sunglasses\n- pay the £500 deposit"
        )
        await memory.write("shopping list for pickle:\n- litter tray\n- scratching post\n- food")
        tasks = {str(t["title"]) for t in await memory.rows("task")}
        assert {"buy sunglasses", "litter tray", "scratching post"} <= tasks, tasks
        # The list as written is kept beside its tasks, so it can be counted.
        counted = await memory.read("How many things did I have to sort out before the surgery?")
        assert counted["basis"] == "records", counted
        assert counted["reader_result"]["answer"].startswith("4: stop wearing contacts"), counted
        # What an item says of someone is still read.
        people = {str(p["name"]): p for p in await memory.rows("person")}
        assert people["Marek"]["role"] == "manager", people


async def test_what_is_left_on_a_list_of_things_to_do_is_its_items_still_open(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "need to buy:\n- wetsuit\n- tri suit\n- clip-in pedals + shoes\n- race belt"
        )
        await memory.write("got a second hand wetsuit off my cousin Jarrah for £60, done.")
        left = await memory.read("What kit do I still need to buy?")
        assert left["basis"] == "records", left
        answer = left["reader_result"]["answer"]
        assert answer.startswith("3 left on “need to buy”: tri suit; clip-in pedals"), left
        assert "wetsuit" not in answer, left
        # Counted, what is left is counted; without "still", the whole list as kept.
        counted = await memory.read("How many things do I still need to buy?")
        assert counted["reader_result"]["answer"].startswith("3 left"), counted
        whole = await memory.read("How many things did I need to buy?")
        assert whole["reader_result"]["answer"].startswith("4: wetsuit"), whole
        # The one such list, though its heading says none of the question's words: with a
        # notice naming it.
        outstanding = await memory.read("What's still outstanding for the race?")
        assert outstanding["reader_result"]["answer"].startswith("3 left"), outstanding
        assert "headed “need to buy”" in outstanding["notice"], outstanding
        # Two such lists the question does not choose between: neither answers.
        await memory.write("still to sort:\n- book the pub rooms\n- pay the deposit")
        both = await memory.read("What's still outstanding for the race?")
        assert "left on" not in str(both["reader_result"]), both
        sort = await memory.read("What do I still have to sort?")
        assert sort["reader_result"]["answer"].startswith("2 left on “still to sort”"), sort


async def test_which_one_of_a_list_is_the_item_saying_the_question_s_other_words(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Investor pipeline: Caledonia Angels — pitch on 9 December; Fjord Capital "
            "Partners — second meeting pending; Greenhaven Impact Fund — passed"
        )
        await memory.write("Task: chase Fjord Capital about the second meeting.")
        found = await memory.read("Which investor passed?")
        assert found["basis"] == "records", found
        assert found["reader_result"]["answer"] == "Greenhaven Impact Fund — passed.", found
        # A type named ("Which tasks …") is read from its records, not from a list.
        tasks = await memory.read("Which tasks are still open?")
        assert "chase Fjord Capital" in tasks["reader_result"]["answer"], tasks


async def test_an_occasion_called_off_is_kept_as_an_event_that_says_so(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Cancelled: the outside broadcast from the Salford Quays Christmas market — the "
            "insurance quote (£780) was too expensive."
        )
        await memory.write(
            "the sponsor meeting with Harbourside Building Society got cancelled, they've "
            "pulled out"
        )
        await memory.write(
            "Cancelled: the Christmas taster (21 December 2026) — the twins are away."
        )
        # Neither an occasion nor dated: no event is made of what was called off.
        await memory.write("I cancelled Netflix.")
        events = {r["title"]: r for r in await memory.rows("event")}
        assert set(events) == {"outside broadcast", "sponsor meeting", "Christmas taster"}, events
        assert events["Christmas taster"]["date"] == "2026-12-21"
        assert all("ancelled" in str(r["notes"]) for r in events.values()), events
        # "got cancelled" is no part of the meeting's name; the firm is still its own record.
        firms = [r["name"] for r in await memory.rows("organization")]
        assert "Harbourside Building Society" in firms
        on = await memory.read("Is the sponsor meeting still on?")
        assert on["basis"] == "records" and "cancelled" in on["reader_result"]["answer"], on


async def test_a_stored_event_called_off_later_is_the_one_changed(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Team meeting with the Oslo office on 2026-12-10.")
        await memory.write("The sponsor meeting with Harbourside got cancelled.")
        events = {r["title"]: r for r in await memory.rows("event")}
        # A stored title sharing only "meeting" is another occasion: left as it was.
        assert "ancelled" not in str(events["Team meeting with the Oslo office"].get("notes"))
        assert "ancelled" in str(events["sponsor meeting with Harbourside"]["notes"]), events


async def test_what_was_called_off_is_found_by_its_own_words_not_the_reasons(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Nursery nativity: Friday 18 December 2026, 2pm.")
        await memory.write(
            "Cancelled: the trial session at Puddle Ducks swimming — it clashed with nursery "
            "pick-up."
        )
        events = {r["title"]: r for r in await memory.rows("event")}
        # "nursery" is said only in why it was called off: the nativity is still on.
        assert "ancelled" not in str(events["Nursery nativity"].get("notes")), events
        assert "ancelled" in str(events["trial session"]["notes"]), events


async def test_a_clause_with_its_own_subject_is_kept_by_that_person(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Leo has football practice on Thursdays at 5pm, while Freya does swimming on Saturdays."
        )
        await memory.write(
            "Raj is on leave in December; Tomás Herrera has agreed to cover his week."
        )
        people = {r["name"]: r for r in await memory.rows("person")}
        assert people["Freya"]["notes"] == "Freya does swimming on Saturdays.", people
        # A clause whose pronoun means someone the sentence names is kept whole.
        assert "Raj is on leave" in people["Tomás Herrera"]["notes"], people
        freya = await memory.read("What does Freya do on Saturdays?")
        assert freya["basis"] == "records", freya
        assert freya["reader_result"]["answer"].startswith("Freya does swimming"), freya


async def test_a_question_asking_two_things_answers_each_from_records(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Dmitri Volkov gives me lifts to rehearsal.")
        await memory.write(
            "Dmitri Volkov's phone is 07700 900418. Ingrid Solberg's phone is 07700 900111."
        )
        both = await memory.read("Who gives me lifts to rehearsal, and what's his number?")
        answer = both["reader_result"]["answer"]
        # "his" is whom the first ask was answered with, not anyone else stored.
        assert both["basis"] == "records" and "Dmitri" in answer and "07700 900418" in answer, both
        assert "900111" not in answer, both


def test_two_asks_are_parted_and_the_second_names_whom_the_first_found() -> None:
    assert two_asks("Who gives me lifts, and what's his number?") == (
        "Who gives me lifts?",
        "what's his number?",
    )
    assert two_asks("What is Tom's email and phone?") is None  # one ask of two fields
    assert named_back("what's her job at the gym?", "Ingrid", person=True) == (
        "what's Ingrid's job at the gym?"
    )
    assert named_back("should I ask her about it?", "Ingrid", person=True) is None  # two
    assert named_back("can I call her?", "Ingrid", person=True) == "can I call Ingrid?"
    assert named_back("how much is it?", "the deposit", person=False) == "how much is the deposit?"
    assert named_back("what's his number?", "the deposit", person=False) is None


async def test_a_stored_date_moved_by_an_amount_or_to_a_day_without_a_year(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("League match against Fana SK on 2026-04-08, away.")
        await memory.write("The Fana match got pushed back a week, same venue.")
        await memory.write("Sprint review on 2027-02-10.")
        await memory.write("The sprint review was brought forward two days.")
        # Where a thing was moved to is when it will be, however past the move is.
        await memory.write(
            "Update on the dry dock: Stenson had a cancellation so we've moved to 4-11 January."
        )
        dates = {r["title"]: r["date"] for r in await memory.rows("event")}
        assert dates["League match against Fana SK"] == "2026-04-15", dates
        assert dates["Sprint review"] == "2027-02-08", dates
        today = date.today()
        coming = date(today.year + (today > date(today.year, 1, 4)), 1, 4)
        assert coming.isoformat() in dates.values(), dates


async def test_what_an_active_move_names_is_the_record_that_moved(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Egg collection provisionally Monday 28 December 2026.")
        await memory.write("To do: ring HR about time off for egg collection.")
        await memory.write(
            "Scratch the 28th - after today's scan they've moved collection to Wednesday 30 "
            "December 2026, 9am."
        )
        events = {r["title"]: r["date"] for r in await memory.rows("event")}
        # The object of the move names it; its date is the one said after the move, not
        # "today's"; a task sharing the word is another type than the sentence's own.
        assert events["Egg collection provisionally"] == "2026-12-30", events
        assert "scan" not in events, events


async def test_who_moved_something_does_not_name_the_record_that_moved(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("mock test with Gintarė's colleague Rashid Mahmood on 12 December 2026")
        await memory.write(
            "scratch the monday lessons, Gintarė's moved me to wednesdays 5pm from next week"
        )
        events = {r["title"]: r["date"] for r in await memory.rows("event")}
        # She moved the speaker's lessons: the stored test that only her name is shared with
        # keeps its day.
        assert events["Gintarė's mock test with Gintarė's colleague Rashid Mahmood"] == (
            "2026-12-12"
        ), events
        # "it", moved by someone, may be what is had with them.
        await memory.write("Follow-up with Dr Okafor on 10 December 2026.")
        await memory.write("Dr Okafor moved it to 17 December 2026.")
        events = {r["title"]: r["date"] for r in await memory.rows("event")}
        assert events["Follow-up with Dr Okafor"] == "2026-12-17", events


async def test_a_move_told_then_its_new_date_said_next_moves_the_record(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "practical test booked at Wembley test centre on 19 February 2027 at 8.40am"
        )
        await memory.write(
            "argh test got moved!! DVSA cancelled it, new date is wednesday 3 march 2027 2.15pm"
        )
        events = {r["title"]: r for r in await memory.rows("event")}
        # "new date" is when the test is now, not an occasion of its own.
        assert set(events) == {"practical test"}, events
        assert events["practical test"]["date"] == "2027-03-03", events


async def test_things_given_to_someone_by_their_job_are_those_assigned_to_them(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Staff: Morag Sinclair (receptionist, part-time mornings).")
        await memory.write(
            "Tasks: order Christmas gifts for staff (Morag); update Dentally diary blocks "
            "(Morag); send the rota to Dr Yilmaz (Sam)."
        )
        found = await memory.read("Which tasks were given to the receptionist?")
        assert found["basis"] == "records", found
        answer = found["reader_result"]["answer"]
        assert "Christmas gifts" in answer and "Dentally" in answer, answer
        assert "rota" not in answer  # Sam's, not the receptionist's
        # A job no one stored holds is no filter: nothing is said to be theirs.
        nobody = await memory.read("Which tasks were given to the plumber?")
        assert "Christmas gifts" not in nobody["reader_result"]["answer"], nobody


async def test_rows_that_do_not_answer_leave_no_word_of_them_in_the_answer(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "still to do: GHIC card for mum, book the accessible tour at Schönbrunn Palace, "
            "print the special assistance confirmation"
        )
        # The one to-do list does not say "Vienna": nothing stored answers, and what the
        # mind said of the list it first read ("Read from the one list …") is not said.
        left = await memory.read("What's left to sort before Vienna?")
        assert left["basis"] == "nothing", left
        answer = left["reader_result"]["answer"]
        assert answer.startswith("Nothing stored about") and "vienna" in answer.lower(), left
        assert "still to do" not in answer and "list" not in str(left.get("notice")), left
        # Asked without the word no record says, the same list answers.
        still = await memory.read("What's still to do?")
        assert still["basis"] == "records" and "GHIC" in still["reader_result"]["answer"]


async def test_it_moved_is_the_stored_thing_the_sentence_before_named(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Door knocking: Saturday 12 December 2026.")
        await memory.write("Ashgrove leaflets by 19 December 2026.")
        # "it" is the door knocking the sentence before names, not the task stored last.
        await memory.write(
            "Door knocking is off this weekend, rain forecast. We moved it to Sunday 3 January."
        )
        assert await event_dates(memory) == {"Door knocking": "2027-01-03"}
        due = await memory.read("When are the Ashgrove leaflets due?")
        assert due["reader_result"]["answer"] == "2026-12-19", due


async def test_a_job_said_there_is_at_the_firm_just_told_whoever_they_are_to_the_user(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Flour comes from Wessex Mill. My rep there is Gareth Pryce.")
        where = await memory.read("Where does Gareth Pryce work?")
        assert "Wessex Mill" in where["reader_result"]["answer"], where
        assert where["basis"] == "records", where


async def test_a_weekday_written_with_its_date_is_no_part_of_the_title(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Target exchange Fri 15 Jan 2027, completion Fri 29 Jan 2027")
        await memory.write("Flat clearance booked with Second Chance Clearances for Sat 9 Jan 2027")
        # Said again without the weekday, the completion is the same record.
        await memory.write("Solicitor confirmed: completion 29 Jan 2027.")
        assert await event_dates(memory) == {
            "Target exchange": "2027-01-15",
            "completion": "2027-01-29",
            "Flat clearance booked with Second Chance Clearances": "2027-01-09",
        }
        # A weekday alone before a time is the date itself; a label names its occasion.
        await memory.write("Speaker dinner: Tue 2 Feb 2027, 19:30")
        assert (await event_dates(memory))["Speaker dinner"] == "2027-02-02"


async def test_she_after_the_user_in_an_agent_s_note_is_the_user(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Naoko Fujita teaches the user's Thursday pottery class.")
        # "she" with the user the one named before it: the user, not the last person stored.
        await memory.write(
            "Update: user upgraded to the open-studio membership at £140/month "
            "so she can use the wheels at weekends."
        )
        people = {str(p["name"]): p for p in await memory.rows("person")}
        assert "open-studio" not in str(people["Naoko Fujita"].get("notes")), people
        assert "open-studio" in str(people["User"].get("notes")), people


async def test_a_pronoun_opening_a_write_is_no_one_stored_of_the_other_gender(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("We adopted a rescue greyhound, her name is Juniper.")
        await memory.write("My partner Luis is doing the morning walks.")
        # "she" names no one, and the last person stored is a man: the sentence is his in
        # nothing; it stays in what was said (and the user's notes), as before any record.
        await memory.write("She's scared of bikes and can't be off lead.")
        people = {str(p["name"]): p for p in await memory.rows("person")}
        assert "scared" not in str(people["Luis"].get("notes")), people
        # "he" after him is still him.
        await memory.write("He's off to Madrid on Friday.")
        people = {str(p["name"]): p for p in await memory.rows("person")}
        assert "Madrid" in str(people["Luis"]), people
        # A kin noun says the gender as a given name does: "he" is not Mum, nor a sister.
        await memory.write("Mum's birthday is 11 December.")
        await memory.write("He's in Aberdeen for work.")
        await memory.write("My sister Nadia is a nurse.")
        await memory.write("He lives in Leeds now.")
        people = {str(p["name"]): p for p in await memory.rows("person")}
        assert "Aberdeen" not in str(people["Mum"]), people
        assert "Leeds" not in str(people["Nadia"]), people


async def test_sentences_kept_in_notes_stay_apart_when_written_without_a_stop(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("my partner Luis is doing the morning walks")
        await memory.write("Luis hates the cold")
        people = {str(p["name"]): p for p in await memory.rows("person")}
        # Casual writes end without a full stop; kept together they must still read as two.
        assert people["Luis"]["notes"] == (
            "my partner Luis is doing the morning walks. Luis hates the cold"
        ), people


async def test_a_thing_said_done_with_no_doer_is_no_one_and_marks_its_task_done(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Wedding to-do: book photographer, order flowers, send invitations")
        # "Invitations sent today!": what was sent, no one who sent something.
        await memory.write("Invitations sent today!")
        assert "Invitations" not in {str(p["name"]) for p in await memory.rows("person")}
        tasks = {str(t["title"]): t["status"] for t in await memory.rows("task")}
        assert tasks["send invitations"] == "done", tasks
        assert tasks["order flowers"] == "open", tasks


async def test_a_date_said_apart_from_a_change_is_an_event_of_its_own(tmp_path: Path) -> None:
    async with session(tmp_path, today=date(2026, 12, 4)) as memory:
        # "done" tells of the survey; the install and the scaffolding are said apart from it.
        await memory.write(
            "survey done yesterday. install is mon 18 jan, 2 days, scaffolding goes up fri 15 jan"
        )
        dates = await event_dates(memory)
        assert dates.get("install") == "2027-01-18", dates
        assert dates.get("scaffolding goes up") == "2027-01-15", dates
        # A change told in one part of a sentence still finds what is stored, whatever the
        # other part makes.
        await memory.write(
            "Current jobs:\n1. Patio and raised beds for Mr and Mrs Okafor — active, quoted "
            "£6,850\n2. Hedge maintenance contract for St Wilfrid's Primary School — active"
        )
        await memory.write(
            "Update: Okafor patio job is finished; invoice for £6,850 sent on 30 November."
        )
        status = {str(p["name"]): p["status"] for p in await memory.rows("project")}
        assert status["Patio and raised beds for Mr and Mrs Okafor"] == "done", status
        assert (await event_dates(memory)).get("invoice for £6,850 sent") == "2026-11-30"


async def test_a_field_word_asked_as_new_names_no_record_to_list(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Tom Reed works at Globex. Ana Ortiz works at Initech.")
        await memory.write("To do: change the business address on invoices to 21 Hoe Street.")
        # "business" is a word for a person's company, but no one is asked about: the newest
        # people's companies are no answer; the sentence that says it is.
        found = await memory.read("What's the new business address going to be?")
        answer = found["reader_result"]["answer"]
        assert "Globex" not in answer and "Hoe Street" in answer, found
        # Asked of the type itself, the newest records still answer.
        newest = await memory.read("Who is the newest person?")
        assert newest["basis"] == "records", newest


async def test_who_someone_is_is_not_answered_by_sentences_kept_about_them(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Idris Malik has NOT cleared the garage yet. chasing him.")
        # His record holds his name and what was said of him: it does not say who he is,
        # so the sentence is quoted as what was said, not as a record's answer.
        found = await memory.read("Who is Idris?")
        assert found["basis"] == "passages", found
        assert "garage" in found["reader_result"]["answer"], found
        # A record holding what someone is answers.
        await memory.write("My sister Dagny is lending me £5,000.")
        dagny = await memory.read("Who is Dagny?")
        assert dagny["basis"] == "records" and "sister" in dagny["reader_result"]["answer"]


async def test_an_event_told_booked_for_a_day_is_titled_without_the_booking(
    tmp_path: Path,
) -> None:
    # "booked", "arranged", "confirmed" before the day lead to it, as "scheduled" does: the
    # event is the inspection, so the correction names it and moves it.
    async with session(tmp_path) as memory:
        await memory.write("Health inspection booked for 12 January 2027 with Pauline Vasseur.")
        await memory.write("Correction: the health inspection is on 14 January, not the 12th.")
        when = await memory.read("When is the health inspection?")
        assert when["basis"] == "records", when
        assert "2027-01-14" in when["reader_result"]["answer"], when
        assert "2027-01-12" not in when["reader_result"]["answer"], when


async def test_the_kind_a_stance_question_asks_for_keeps_the_preferences_that_say_it(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("I prefer window seats on long flights.")
        await memory.write("The user prefers email for invoices.")
        await memory.write("I hate coriander.")
        seats = await memory.read("Which seats do I prefer?")
        assert seats["reader_result"]["answer"] == "window seats", seats
        # A kind no preference says is no filter: the stance's records, as before.
        herb = await memory.read("Which herb do I dislike?")
        assert "coriander" in herb["reader_result"]["answer"], herb


async def test_a_medicine_no_longer_taken_is_no_answer_to_what_is_taken(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "User takes ibuprofen 400mg twice a day and omeprazole 20mg in the morning."
        )
        await memory.write("Update: user no longer takes ibuprofen; switched to paracetamol 1g.")
        taken = await memory.read("What medication does the user take?")
        answer = taken["reader_result"]["answer"]
        assert "paracetamol 1g" in answer and "omeprazole 20mg" in answer, taken
        assert "ibuprofen" not in answer, taken
        # "Dad stopped taking warfarin": someone the user names by a tie stops too.
        await memory.write("My dad takes warfarin 3mg every evening.")
        await memory.write("My dad stopped taking warfarin after the op.")
        dads = await memory.read("What medication does my dad take?")
        assert "warfarin" not in str(dads["reader_result"]), dads


async def test_a_thing_listed_done_that_marks_a_stored_task_is_no_second_task(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Task: send the insurance claim form to Gjensidige by 15 December.")
        await memory.write("Done: sent the claim form to Gjensidige.")
        done = await memory.read("Which tasks are done?")
        answer = done["reader_result"]["answer"].split(" (also said")[0]
        assert answer.startswith("send the insurance claim form to Gjensidige"), done
        assert "sent the claim form" not in answer, done


async def test_an_irregular_verbs_other_form_finds_the_task_it_names(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Task: send the insurance claim form to Gjensidige by 15 December.")
        await memory.write("Done: sent the claim form to Gjensidige.")
        await memory.write("Task: buy a new carrier for Miso.")
        sent = await memory.read("Is the insurance claim sent?")
        assert sent["basis"] == "records", sent
        assert "status: done" in sent["reader_result"]["answer"], sent
        bought = await memory.read("Have I bought the carrier?")
        assert "buy a new carrier for Miso (status: open)" in bought["reader_result"]["answer"]


async def test_a_word_narrowing_a_list_in_a_state_names_what_it_left_out(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "To-do: fill in the sleep diary every morning until the appointment, email HR "
            "about my changed hours, and find out whether I have to tell the DVLA. I emailed "
            "HR on Tuesday."
        )
        narrowed = await memory.read("Which of my sleep to-dos are still open?")
        assert "sleep diary" in narrowed["reader_result"]["answer"], narrowed
        # "sleep" is the memory's topic, not a word of each item: the open task it left out
        # is named, so the list is not taken for all of them.
        assert "tell the DVLA" in (narrowed.get("notice") or ""), narrowed
        # Nothing left out, nothing to say.
        every = await memory.read("Which tasks are open?")
        assert "others in that state" not in (every.get("notice") or ""), every


async def test_an_amount_in_another_item_of_a_list_does_not_answer_how_much(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "hearing aid to-dos:\n- Find out the price of the TV streamer accessory from "
            "SoundWell\n- Set up the myPhonak app on dad's phone\n- Pay the £500 deposit by 4 "
            "January"
        )
        streamer = await memory.read("How much does the TV streamer cost?")
        assert streamer["basis"] != "records", streamer
        deposit = await memory.read("How much is the deposit?")
        assert "£500" in deposit["reader_result"]["answer"], deposit


async def test_records_that_only_repeat_the_kind_asked_do_not_answer_which_one(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "loft to-do list:\n- send Henrik the old survey from 2019\n- book a structural "
            "engineer\n- decide on the stair layout"
        )
        await memory.write("User prefers KLM as airline.")
        # The task "book a structural engineer (status: open)" names no engineer.
        which = await memory.read("Which structural engineer did I book?")
        assert which["basis"] != "records", which
        airline = await memory.read("Which airline do I prefer?")
        assert airline["basis"] == "records" and "KLM" in airline["reader_result"]["answer"]


async def test_a_field_word_of_another_type_is_a_word_to_find_in_the_record_named(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My daughter Mila starts swimming lessons in January.")
        await memory.write("Mila's assessment put her in Stage 3, so she's moving up.")
        # "stage" asks a project's or a task's status; Mila is a person, whose record says it.
        stage = await memory.read("Which stage is Mila in?")
        assert stage["basis"] == "records", stage
        assert "Stage 3" in stage["reader_result"]["answer"], stage
        # A record that does not say the word is no answer.
        deadline = await memory.read("What is Mila's deadline?")
        assert deadline["basis"] != "records", deadline


async def test_an_amount_asked_of_someone_is_read_from_their_record_with_a_notice(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My tutor is Haruka Nishimura, lessons on Mondays, $22/hour.")
        await memory.write("My dentist is Dr Omar Khalil.")
        # Neither "charge" nor "rate" is said; the amount is, with a notice saying so.
        charge = await memory.read("How much does Haruka charge?")
        assert charge["basis"] == "records", charge
        assert "$22/hour" in charge["reader_result"]["answer"], charge
        assert "holds an amount, which does not say charge" in charge["notice"], charge
        # A record holding no amount is no answer.
        rate = await memory.read("What's Omar's hourly rate?")
        assert rate["basis"] != "records", rate
        # So for a time: the sentence holding one.
        await memory.write("My running buddy Chiara is doing Seville too, aiming for 3:30.")
        goal = await memory.read("What time is Chiara going for?")
        assert goal["basis"] == "records", goal
        assert "3:30" in goal["reader_result"]["answer"], goal


async def test_the_cheapest_of_things_one_sentence_lists_with_amounts(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Three quotes for the kitchen: Keukens Van Damme €18,400, IKEA with their own "
            "fitters €11,900, and a local joiner, Pieter-Jan Claes, €14,250."
        )
        cheapest = await memory.read("Which kitchen quote was the cheapest?")
        assert cheapest["basis"] == "records", cheapest
        assert cheapest["reader_result"]["answer"].startswith("IKEA with their own fitters"), (
            cheapest
        )
        assert "Compared the 3 amounts" in cheapest["notice"], cheapest
        dearest = await memory.read("Which kitchen quote is the most expensive?")
        assert dearest["reader_result"]["answer"].startswith("Keukens Van Damme"), dearest
        # No sentence lists amounts with the words asked: no comparison.
        none = await memory.read("Which builder quote was the cheapest?")
        assert not none["reader_result"]["answer"].startswith(("IKEA", "Keukens")), none


async def test_a_list_parted_by_semicolons_counts_an_item_with_commas_once(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(
            "Invoices outstanding: INV-231 Okafor £95; INV-229 Brennan deposit £1,200; "
            "INV-225 Dalton Lettings £340, 30 days overdue."
        )
        counted = await memory.read("How many invoices are outstanding?")
        assert counted["reader_result"]["answer"].startswith("3: "), counted
        assert "£340, 30 days overdue" in counted["reader_result"]["answer"], counted


async def test_a_known_persons_name_written_in_lower_case_is_still_theirs(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("surf trip planning!! me + Jonas + Ffion driving down to cornwall")
        await memory.write("ffion is vegan btw")
        await memory.write("Suspected triggers: sun exposure, poor sleep.")
        people = {p["name"]: p for p in await memory.rows("person")}
        assert "vegan" in (people["Ffion"].get("notes") or ""), people
        # A given name that is an English word ("sun") is the word, written in lower case.
        assert not any(n.startswith("Sun") for n in people), people


async def test_what_is_said_of_someone_before_a_task_clause_is_theirs(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Ffion Jones is coming on the surf trip.")
        await memory.write("Ffion is vegan btw so we need to sort food")
        people = {p["name"]: p for p in await memory.rows("person")}
        assert "vegan" in (people["Ffion Jones"].get("notes") or ""), people
        tasks = [t["title"] for t in await memory.rows("task")]
        assert tasks == ["sort food"], tasks


async def test_a_date_in_a_part_of_its_own_does_not_move_the_thing_before(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Applications: Monzo technical test due 10 December.")
        await memory.write(
            "Update: user passed the Monzo technical test; final round on 18 December."
        )
        events = {e["title"]: e["date"] for e in await memory.rows("event")}
        assert events.get("final round") == "2026-12-18", events
        assert not any("technical" in t and d == "2026-12-18" for t, d in events.items()), events


async def test_a_birthday_asked_finds_an_age_reached_and_a_diet_what_one_cannot_eat(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("User's mother, Elena Rossi, turns 65 on 3 May 2027.")
        await memory.write("User is gluten intolerant; the agriturismo has been told.")
        birthday = await memory.read("When is my mother's birthday?")
        assert "2027-05-03" in birthday["reader_result"]["answer"], birthday
        diet = await memory.read("What's my diet?")
        assert "gluten" in diet["reader_result"]["answer"], diet


async def test_a_firm_named_for_two_partners_is_one_firm_written_and_asked(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Client: Brenner & Vogt GmbH (Munich), contact Ms. Ulrike Brenner.")
        await memory.write("Brenner & Vogt owe user an invoice of €2,340 from September.")
        people = [p["name"] for p in await memory.rows("person")]
        assert people == ["Ulrike Brenner"], people
        where = await memory.read("Where is Brenner & Vogt based?")
        assert "Munich" in where["reader_result"]["answer"], where


async def test_a_job_asked_with_a_word_the_record_lacks_is_no_confident_answer(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My supervisor is Prof. Adaeze Okonkwo.")
        second = await memory.read("Who is my second supervisor?")
        assert "second" in (second.get("notice") or ""), second
        first = await memory.read("Who is my supervisor?")
        assert "Adaeze" in first["reader_result"]["answer"], first
        assert not first.get("notice"), first


async def test_a_title_and_family_name_call_the_one_named_in_full(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("User's GP is Dr. Fatima Rahman at Elmwood Surgery.")
        await memory.write("Dr. Rahman wants user's blood pressure rechecked in 6 weeks.")
        await memory.write("Mr. Rahman from the garage called about the MOT.")
        people = sorted(p["name"] for p in await memory.rows("person"))
        assert people == ["Fatima Rahman", "Mr. Rahman"], people


async def test_what_is_wrong_with_a_thing_finds_what_was_said_of_it(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("the boiler's been making a banging noise since last week")
        read = await memory.read("What's wrong with the boiler?")
        assert "banging" in str(read["reader_result"]["answer"]), read


async def test_a_later_sentence_changing_a_value_is_read_with_it(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Removal company: Pickfords, quote was £1,850.")
        await memory.write("Update: Pickfords revised the quote to £2,100 because of the piano.")
        read = await memory.read("How much is the removal quote?")
        answer = read["reader_result"]["answer"]
        assert "2,100" in answer, read
        assert answer.index("1,850") < answer.index("2,100"), answer


async def test_a_kind_asked_that_a_record_says_is_not_answered_by_a_deed(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("i play Thessaly, a half-elf ranger, level 6")
        await memory.write("we're in the middle of the Curse of Strahd campaign")
        read = await memory.read("Which campaign are we playing?")
        assert "Curse of Strahd" in read["reader_result"]["answer"], read
        assert not read["reader_result"]["answer"].startswith("Thessaly"), read
        played = await memory.read("What character do I play?")
        assert played["reader_result"]["answer"] == "Thessaly", played


async def test_a_shape_word_told_about_is_the_topic_not_the_value_asked(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("The new house is 7 Ashley Hill, Bristol BS6.")
        await memory.write("Need to tell the council, DVLA and the bank about the new address.")
        read = await memory.read("Who do I need to tell about the new address?")
        assert "DVLA" in read["reader_result"]["answer"], read


async def test_a_title_and_family_name_asked_about_is_the_one_stored_so(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Client: Mrs Patricia Lowe lives in Wells.")
        await memory.write("Tom Lowe is her son; he lives in Bath.")
        her = await memory.read("Where does Mrs Lowe live?")
        assert her["reader_result"]["answer"] == "Wells", her
        him = await memory.read("Where does Mr Lowe live?")
        assert him["reader_result"]["answer"] == "Bath", him


async def test_a_contracted_pronoun_is_read_as_is_not_as_a_possessive(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("our conductor is Gwen Edwards, she's lovely but strict about time")
        read = await memory.read("Who is the conductor?")
        answer = read["reader_result"]["answer"]
        assert "Gwen Edwards" in answer and "Edwards's" not in answer, read


async def test_a_word_said_with_another_sort_is_not_a_stored_firm_it_opens(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Committee meeting on Monday at Newtown Community Centre, Room 2.")
        await memory.write("Contacts: Paora Hēnare (community police, Newtown station).")
        people = await memory.rows("person")
        paora = [p for p in people if p["name"] == "Paora Hēnare"]
        assert paora and not paora[0].get("company"), people


async def test_a_firms_own_the_is_its_name_and_later_mentions_without_it_are_the_firm(
    tmp_path: Path,
) -> None:
    async with session(tmp_path) as memory:
        await memory.write("My band is The Velvet Hinges. We play at The Old Mill pub in March.")
        await memory.write("Velvet Hinges need a new drummer, Ngozi Eze is standing in.")
        firms = sorted(o["name"] for o in await memory.rows("organization"))
        people = await memory.rows("person")
        assert firms == ["The Old Mill", "The Velvet Hinges"], firms
        assert [p["name"] for p in people] == ["Ngozi Eze"], people
        assert people[0].get("company") == "The Velvet Hinges", people


async def test_whose_boss_someone_is_is_a_tie_not_the_job_they_do(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Staff: Dr Mehmet Demir (principal dentist, owns the practice).")
        await memory.write("User's boss is Dr Demir; he prefers rota changes by email.")
        people = await memory.rows("person")
        him = [(p.get("role"), p.get("relationship")) for p in people if "Demir" in p["name"]]
        assert him == [("principal dentist", "boss")], people


async def test_someone_elses_stance_is_no_answer_about_the_users_own(tmp_path: Path) -> None:
    async with session(tmp_path) as memory:
        await memory.write("Hyun-joo prefers Korean food when possible.")
        await memory.write("I love jazz.")
        [hers] = [p for p in await memory.rows("preference") if "Hyun-joo" in p["value"]]
        assert hers["topic"] == "Hyun-joo: Korean food", hers
        mine = await memory.read("What music do I like?")
        assert mine["basis"] == "records", mine
        assert "jazz" in mine["reader_result"]["answer"], mine
        assert "Hyun-joo" not in mine["reader_result"]["answer"], mine
        # Hers is no record of the user's: at most her sentence is quoted, with a notice.
        food = await memory.read("What food do I prefer?")
        assert food["basis"] != "records", food
        # Asked of her, hers is the answer.
        theirs = await memory.read("What food does Hyun-joo prefer?")
        assert "Korean food" in theirs["reader_result"]["answer"], theirs


# A task stored, then a sentence that does or does not tell it done, and the status it has.
_TOLD_DONE_OR_NOT = [
    # A word of a name in the title, said only as a common noun, is no word of that thing.
    (
        "To do: pay the Hazelmere Allotment Society treasurer by 31 January 2027.",
        "compost bin - the society sells them for \u00a315, ordered one",
        "pay the Hazelmere Allotment Society treasurer",
        "open",
    ),
    # A word the title gives as whose its thing is does not tell it done.
    (
        "I need to renew the cottage's public liability insurance by 31 January.",
        "Fixed the cottage gutter yesterday, it was pouring through.",
        "renew the cottage's public liability insurance",
        "open",
    ),
    # How a bill is paid as a rule is no deed done.
    (
        "To do: sort out the council tax direct debit.",
        "Council tax is \u00a31,380 a year, paid in ten instalments.",
        "sort out the council tax direct debit",
        "open",
    ),
    # A weekday written short before a date is no verb in the past ("sat").
    (
        "To do: pay the deposit before the pickup.",
        "Pickup is sat 12 dec at the kennels.",
        "pay the deposit before the pickup",
        "open",
    ),
    # A point inside a number ends no clause.
    (
        "Need to ship release 2.4 of the app.",
        "Release 2.4 shipped yesterday.",
        "ship release 2.4 of the app",
        "done",
    ),
]


@pytest.mark.parametrize(("task", "later", "title", "status"), _TOLD_DONE_OR_NOT)
async def test_what_a_later_sentence_tells_of_a_stored_task(
    tmp_path: Path, task: str, later: str, title: str, status: str
) -> None:
    async with session(tmp_path) as memory:
        await memory.write(task)
        await memory.write(later)
        tasks = {t["title"]: t.get("status") for t in await memory.rows("task")}
        assert tasks.get(title) == status, tasks
