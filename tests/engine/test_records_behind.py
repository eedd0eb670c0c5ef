"""Answers read from the records behind the sentence that answers a question (service/behind.py),
through the engine's HTTP API with the default schema and the rules mind, on a real file."""

from __future__ import annotations

import re
from typing import Any

import pytest
from engine_testkit import Memory

pytestmark = pytest.mark.anyio


def names_in(raw: dict[str, Any]) -> set[str]:
    """The `name` column of a raw-tables read."""
    table = raw["reader_result"]
    at = table["columns"].index("name")
    return {row[at] for row in table["rows"]}


async def test_a_question_worded_unlike_the_schema_is_answered_from_the_records_behind_its_sentence(
    memory: Memory,
) -> None:
    write, read = memory
    sentence = "Priya's husband is Omar Haddad, an architect at Foster Studio."
    await write(sentence)
    await write("The boiler service is booked with Heatwise on 2027-01-12.")
    found = await read("Who is Priya married to?")
    assert found["basis"] == "records", found
    answer = found["reader_result"]["answer"]
    assert answer.startswith("Omar Haddad (person):") and "architect" in answer
    assert "Foster Studio" in answer and sentence not in answer  # values, not the sentence
    # Found through what was said: the notice says so, and the sentence stays beside it.
    assert "Read from the records made from what was said" in found["notice"]
    [passage] = found["passages"]
    assert passage["sentence"] == sentence and passage["found_by"] == "words"
    evidence = {e["field"]: e for e in found["evidence"]}
    assert evidence["company"]["value"] == "Foster Studio"
    assert evidence["company"]["name"] == "Omar Haddad" and evidence["company"]["said"] == sentence


async def test_records_that_hold_only_part_of_the_sentence_leave_the_sentence_as_the_answer(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Priya's husband is Omar Haddad, an architect at Foster Studio.")
    await write("Leo's piano teacher is Marta Kowalska, marta.k@example.org.")
    # The teacher's record does not say she is Leo's piano teacher: it is not shown as the
    # answer about Leo, the sentence is.
    found = await read("How do I contact Leo's piano teacher?")
    assert found["basis"] == "passages", found
    assert "marta.k@example.org" in found["reader_result"]["answer"]
    assert found["evidence"] == []
    # And the event titled with the clause itself is the sentence kept, not understood: not
    # the answer; the firm's own record is, the one firm the sentence names.
    await write("The boiler service is booked with Heatwise on 2027-01-12.")
    boiler = await read("Which company services the boiler?")
    assert boiler["basis"] == "records", boiler
    assert boiler["reader_result"]["answer"].startswith("Heatwise (organization)"), boiler
    assert "can be a company" in boiler["notice"]


async def test_a_sentence_kept_as_a_note_is_never_an_answer_from_records(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Remember that the spare key is under the blue flower pot.")
    found = await read("Where is the spare key?")
    assert found["basis"] == "passages", found
    assert "blue flower pot" in found["reader_result"]["answer"]


async def test_only_single_answer_reads_go_behind_a_sentence(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Priya's husband is Omar Haddad, an architect at Foster Studio.")
    raw = await read("Who is Priya married to?", mode="raw-tables")
    assert raw["basis"] == "passages" and raw["evidence"] == []
    assert raw["passages"][0]["sentence"].startswith("Priya's husband")


async def test_a_kind_asked_for_is_said_or_named(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Update: car service booked for 2027-02-03; task done.")
    await write("Currently reading 'Piranesi' by Susanna Clarke.")
    # Nothing says which garage: the booking is about the service, not an answer.
    garage = await read("Which garage is doing the car service?")
    assert garage["basis"] == "nothing", garage
    # The book is not called a book, but it is named.
    book = await read("Which book am I reading?")
    assert book["basis"] in ("records", "passages") and "Piranesi" in str(book), book


async def test_our_electrician_is_someone_and_march_is_no_place(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Our electrician is Élodie Martens.")
    await write("Oskar's cousin Rhian handles our bookings: rhian@velvet.example.")
    await write("Our accountant, Dana Whitley, files in March.")
    who = await read("Who is our electrician?")
    assert "Élodie Martens" in who["reader_result"]["answer"], who
    assert who["basis"] == "records"
    # "our bookings" are not the user's: the address stays with Rhian.
    mail = await read("What is Rhian's email?")
    assert mail["reader_result"]["answer"] == "rhian@velvet.example", mail
    # No location was stored for her: the sentence is what is shown, not a record.
    where = await read("Where is Dana Whitley?")
    assert where["basis"] == "passages" and where["evidence"] == [], where


async def test_a_job_written_before_a_name_is_their_role(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Staff: head baker Agnieszka Łukasik, starts 05:00.")
    await write("The plumber, Rui Pacheco, is coming on 14 April.")
    await write("My sister Maya lives in Leeds.")
    assert (
        "head baker" in (await read("What is Agnieszka Łukasik's role?"))["reader_result"]["answer"]
    )
    assert "plumber" in (await read("What is Rui Pacheco's role?"))["reader_result"]["answer"]
    # A kin noun says who she is to the user, not her job.
    maya = await read("What is Maya's role?")
    assert "sister" not in maya["reader_result"]["answer"] or maya["basis"] != "records", maya


async def test_a_list_of_people_or_suppliers_holds_names_only(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Members: user, Jürgen Pfeiffer (treasurer), Aylin Kaya, the Nakamura family.")
    await write("Suppliers: flour, Mungoswells Mill; butter and cream, Graham's Dairy.")
    people = await read("List all people", mode="raw-tables")
    assert people["basis"] == "records"
    names = names_in(people)
    assert {"Jürgen Pfeiffer", "Aylin Kaya"} <= names
    assert not names & {"user", "the Nakamura family"}
    role = await read("What is Jürgen Pfeiffer's role?")
    assert "treasurer" in role["reader_result"]["answer"]
    orgs = await read("Which organizations are stored?")
    assert "Graham's Dairy" in orgs["reader_result"]["answer"]
    assert "flour" not in orgs["reader_result"]["answer"].replace("Mungoswells", "")
    # The supplier is an organization only, not also a person of the same name.
    assert "Mungoswells Mill" not in names


async def test_an_institution_is_known_by_its_head_noun(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Her GP is Dr Fiona Lamb at Beech Grove Surgery.")
    await write("Leo goes to Hillside Primary; we take the cat to Clínica Veterinària Sant Antoni.")
    await write("User is planning a garden with landscaper Bea Olsen (Olsen Gardens).")
    orgs = await read("List all organizations", mode="raw-tables")
    names = names_in(orgs)
    assert {"Beech Grove Surgery", "Hillside Primary", "Olsen Gardens"} <= names, names
    assert any(n.startswith("Clínica Veterinària") for n in names), names


async def test_running_a_team_at_a_company_is_working_there(
    memory: Memory,
) -> None:
    write, read = memory
    await write("My manager is Grace Okafor; she runs the payments team at Fintrel.")
    found = await read("What company does my manager work for?")
    assert found["basis"] == "records" and found["reader_result"]["answer"] == "Fintrel", found
    role = await read("What is Grace Okafor's role?")
    assert role["reader_result"]["answer"] == "head of the payments team", role


async def test_an_account_number_is_not_a_phone_number(
    memory: Memory,
) -> None:
    write, read = memory
    await write("The internet provider at the new flat is MEO; my account number is 55-8812-03.")
    await write("My phone number is 07700 900461.")
    phone = await read("What is my phone number?")
    assert phone["basis"] == "records", phone
    assert "07700 900461" in phone["reader_result"]["answer"]
    assert "55-8812-03" not in phone["reader_result"]["answer"]


async def test_records_behind_a_sentence_answer_only_with_the_shape_asked(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "User's car insurance with Aviva renews on 2027-05-01; the premium they pay is about £612."
    )
    # The records made (an event, its date) hold no amount: the sentence is the answer.
    found = await read("How much is the insurance premium?")
    assert found["basis"] == "passages" and "£612" in found["reader_result"]["answer"], found
    # Said as a detail ("; premium £612"), the amount is a record of its own.
    await write("User's home insurance with Admiral renews on 2027-06-01; excess £250.")
    held = await read("How much is the excess?")
    assert held["basis"] == "records" and "£250" in held["reader_result"]["answer"], held


async def test_where_the_user_lives_is_their_address_told_in_the_first_person(
    memory: Memory,
) -> None:
    write, read = memory
    await write("I live at 22 Rose Lane, Oxford.")
    found = await read("What is my address?")
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"] == "22 Rose Lane, Oxford", found
    # "I" names the user's record: no doubt that the sentence is about someone else.
    assert "notice" not in found, found


async def test_records_naming_no_one_do_not_answer_who(
    memory: Memory,
) -> None:
    write, read = memory
    await write("The van needs an MOT before 2026-12-20; Dario is booking it.")
    # The event made of it ("The van needs an MOT before", 2026-12-20) names no one: the
    # answer is the one the sentence names beside what is asked, from his own record.
    found = await read("Who is booking the van MOT?")
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"] == "Dario (person).", found
    assert "names Dario next to what the question asks" in found["notice"]


async def test_records_behind_must_hold_what_the_sentence_says_next_to_the_asked_word(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Travel: Ana flies Lisbon to Geneva on 2026-07-03; Søren takes the train.")
    # The event made holds "flies Lisbon to Geneva": the records answer.
    flying = await read("Where is Ana flying from?")
    assert flying["basis"] == "records" and "Lisbon" in flying["reader_result"]["answer"], flying
    await write(
        "The user's brother Arjun Patel is a software tester at Sage and lives in Newcastle."
    )
    found = await read("Where does my brother live?")
    # Whatever answers must hold the town told right after "lives": a record without it is no
    # answer (the sentence is).
    assert "Newcastle" in found["reader_result"]["answer"], found


async def test_a_sentence_kept_as_text_answers_only_when_it_says_what_is_asked(
    memory: Memory,
) -> None:
    write, read = memory
    await write("My hotel in Lisbon is Casa do Príncipe, booked for four nights, ref LX-48213.")
    address = await read("What's the hotel's address?")
    assert address["basis"] == "nothing", address
    name = await read("What's the name of my hotel in Lisbon?")
    assert "Casa do Príncipe" in name["reader_result"]["answer"], name


async def test_a_reason_may_be_told_by_what_it_is_for_or_what_it_came_after(
    memory: Memory,
) -> None:
    write, read = memory
    await write("My mum sees Dr. Okonkwo for her diabetes.")
    await write("The GP stopped the amlodipine after her fall, her blood pressure was too low.")
    await write("Dr. Brennan retired in May.")
    why = await read("Why does my mum see Dr. Okonkwo?")
    assert "diabetes" in why["reader_result"]["answer"], why
    stopped = await read("Why was the amlodipine stopped?")
    assert "blood pressure" in stopped["reader_result"]["answer"], stopped
    retired = await read("Why did Dr. Brennan retire?")
    assert retired["basis"] == "nothing", retired  # when, not why
    # ... or by a clause set off by a dash after what happened, about whom it happened to.
    await write(
        "Update: Mei-Ling has pulled out of the talk — her parental leave starts in January."
    )
    await write("Tomasz has pulled out of the relay.")
    pulled = await read("Why did Mei-Ling pull out of the talk?")
    assert "parental leave" in pulled["reader_result"]["answer"], pulled
    unsaid = await read("Why did Tomasz pull out of the relay?")
    assert unsaid["basis"] == "nothing", unsaid


async def test_a_rating_asked_for_is_a_number_said(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "I just finished 'The Left Hand of Darkness' by Ursula K. Le Guin. Loved it, 5 stars."
    )
    await write("Started 'Piranesi' by Susanna Clarke last night.")
    rated = await read("What rating did I give The Left Hand of Darkness?")
    assert "5 stars" in rated["reader_result"]["answer"], rated
    unrated = await read("What rating did I give Piranesi?")
    assert unrated["basis"] == "nothing", unrated


async def test_a_note_of_several_parts_is_held_by_the_records_of_the_part_asked_about(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Open tasks: send Aldgate wireframes (high priority, due 4 Dec); order stock photos "
        "for Harbour Lane; renew Figma subscription before 12 Dec."
    )
    await write("The boiler service is booked with Heatwise on 2027-01-12.")
    # The records do not hold the whole note (three tasks, one understood in full), but the
    # one part that says the question's words is held by its task: that answers.
    found = await read("When does the Figma subscription need renewing?")
    assert found["basis"] == "records", found
    answer = found["reader_result"]["answer"]
    assert answer.startswith("renew Figma subscription before 12 Dec (task)")
    assert "wireframes" not in answer and "Read from the records" in found["notice"]


async def test_a_clause_set_off_by_a_dash_is_a_part_of_its_own(memory: Memory) -> None:
    write, read = memory
    await write(
        "User prefers to be paid by bank transfer rather than PayPal \u2014 PayPal fees ate "
        "about 4% of income last year."
    )
    await write("The boiler service is booked with Heatwise on 2027-01-12.")
    # What the dash sets off (why) is no part of the preference the records hold; the part
    # that says the question's words is held.
    found = await read("How do I like clients to pay me?")
    assert found["basis"] == "records", found
    assert "bank transfer" in found["reader_result"]["answer"]
    # A hyphen is no such dash: "A-level", "in person - by email" stay one part.
    await write("Note to self: no grading numbers over the phone - in person or by email only.")
    kept = await read("How do I want to hear about grading numbers?")
    assert kept["basis"] != "records" or "email" in kept["reader_result"]["answer"], kept


async def test_records_holding_the_one_value_of_the_shape_asked_answer_though_not_all_is_held(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Meds: Biscuit's Bravecto flea tablet is due 2026-12-20 — give it with food, he spits "
        "it out otherwise."
    )
    await write("The boiler service is booked with Heatwise on 2027-01-12.")
    # The task holds the one date the sentence gives, which is what "when" asks, though not
    # the advice around it: the answer is read from it.
    found = await read("When is Biscuit due his flea treatment?")
    assert found["basis"] == "records", found
    assert "due date: 2026-12-20" in found["reader_result"]["answer"]
    # Two dates said ("from … to …") could be either: the sentence stays the answer.
    await write("User's trip to Japan: 2026-10-02 to 2026-10-16 with partner Aiko Mori.")
    found = await read("When does the Japan trip start?")
    assert found["basis"] == "passages", found


async def test_a_record_named_by_the_clause_answers_with_the_value_it_understood(
    memory: Memory,
) -> None:
    write, read = memory
    # The event's title is the clause, kept as said: it says which record this is (about
    # funding), while the date is what was understood, and is what "when" asks.
    await write("Funding: DFG-funded position ends 2027-03-31.")
    found = await read("When does my funding run out?")
    assert found["basis"] == "records", found
    assert "2027-03-31" in found["reader_result"]["answer"]
    assert "date" in {e["field"] for e in found["evidence"]}


async def test_a_labelled_detail_split_into_attribute_and_value_is_understood(
    memory: Memory,
) -> None:
    write, read = memory
    await write("User: freelance DE/PL to EN translator. Rates: €0.11 per word, €45/hour.")
    await write("Client: Wydawnictwo Znak (Kraków), contact Paweł Kamiński; pays in PLN.")
    await write("Current job: 42-page Nordlys trial protocol, deadline 2026-03-06.")
    found = await read("What do I charge per word?")
    assert found["basis"] == "records", found
    assert "attribute: rates; value: €0.11 per word" in found["reader_result"]["answer"]


async def test_how_many_is_answered_by_counting_a_listed_value(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Still to buy: crate, martingale collar, fleece, slow feeder bowl.")
    found = await read("How many things do we still need to buy?")
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"].startswith(
        "4 left on “still to buy”: crate; martingale collar"
    )


async def test_where_is_not_answered_by_the_name_of_the_one_asked_about(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Study buddy: Nguyễn Minh Châu, also sitting N4; weekly call on Sundays.")
    found = await read("Where does my study buddy live?")
    assert found["basis"] != "records", found  # his name says who, not where
    await write("Our conductor, Ingrid Solberg, lives in Bergen.")
    there = await read("Where does our conductor live?")
    assert "Bergen" in there["reader_result"]["answer"]


async def test_who_is_answered_by_the_record_named_next_to_what_is_asked(
    memory: Memory,
) -> None:
    write, read = memory
    sentence = (
        "Suppliers: flour, Mungoswells Mill (contact Callum Reid, 0131 555 0198); "
        "butter and cream, Graham's Dairy."
    )
    await write(sentence)
    await write("Bread is from Tesco Silverburn.")
    # No field of the dairy's record says butter: the sentence names it next to the word.
    found = await read("Who supplies the butter?")
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"].startswith("Graham's Dairy (organization)")
    assert "names Graham's Dairy next to what the question asks" in found["notice"]
    assert [e["said"] for e in found["evidence"]] == [sentence]
    # "Who's" asks for someone as "Who is" does.
    await write("Spare key is with the other neighbour, Mrs Doreen Platt at No. 11.")
    key = await read("Who's holding the spare key?")
    assert key["basis"] == "records", key
    assert key["reader_result"]["answer"].startswith("Doreen Platt (person)")


async def test_when_is_answered_by_the_record_holding_the_date_told_next_to_what_is_asked(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Update: Kindred intro done 2026-03-04; first call booked for 2026-03-11.")
    found = await read("When is the first call with Kindred?")
    assert found["basis"] == "records", found
    answer = found["reader_result"]["answer"]
    assert "2026-03-11" in answer and "2026-03-04" not in answer


async def test_one_name_told_is_no_answer_to_a_list_or_to_what_changed_since(
    memory: Memory,
) -> None:
    write, read = memory
    await write("User's trip to Japan: 2026-10-02 to 2026-10-16 with partner Aiko Mori.")
    await write("Flights booked: ANA NH212 London to Tokyo Haneda; booking ref QH7T2K.")
    one = await read("Who am I travelling to Japan with?")
    assert one["reader_result"]["answer"].startswith("Aiko Mori (person)"), one
    several = await read("Who are all the people I travel to Japan with?")
    assert several["basis"] == "passages", several
    # A later sentence changes who supplies the cheese: the first names the old one.
    old = "Cheese comes from Lucía Ortega at the Saturday market."
    new = "Update: from this month the cheese comes from Gráinne Byrne instead."
    await write(old)
    await write(new)
    now = await read("Who is supplying the cheese now?")
    assert now["basis"] == "passages", now
    assert [p["sentence"] for p in now["passages"]][:2] == [old, new]


async def test_whose_asks_for_a_person_not_an_organization_named_nearby(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Three bookings: the Harbour Arms in Leith on 2026-05-01, Kelso Golf Club on "
        "2026-05-08, and a wedding in Peebles on 2026-05-16."
    )
    await write("My neighbour Björn Halvorsen is lending me his mini-digger for a day.")
    wedding = await read("Whose wedding are we playing in Peebles?")
    assert wedding["basis"] == "passages", wedding  # not "Kelso Golf Club"
    digger = await read("Whose digger am I borrowing?")
    assert digger["reader_result"]["answer"].startswith("Björn Halvorsen (person)"), digger


async def test_a_weekday_alone_is_no_date_told(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Client: Ingrid Dahl at Fjord Studio.")
    sentence = "Ingrid prefers calls on Thursday mornings."
    await write(sentence)
    # "on Thursday mornings" is every Thursday: no date is stored for it (a guess at the next
    # one had been), and the sentence, kept in her notes, answers.
    found = await read("When does Ingrid prefer calls?")
    assert sentence in found["reader_result"]["answer"], found
    assert not re.search(r"\d{4}-\d{2}-\d{2}", found["reader_result"]["answer"]), found


async def test_when_after_a_change_is_read_from_the_change_the_records_took(
    memory: Memory,
) -> None:
    write, read = memory
    await write("The survey is booked for Friday 11 December 2026, 8:30am.")
    await write(
        "Keystone had to reschedule \u2014 the survey's now Wednesday 16 December 2026 at 9."
    )
    found = await read("When is the surveyor measuring the boundary?")
    assert found["basis"] == "records", found
    answer = found["reader_result"]["answer"]
    assert "2026-12-16" in answer and "2026-12-11" not in answer
    # "When are we ...": who does it, not several things asked for.
    await write("I've also booked the fossil walk for Thursday 11 March 2027 with a guide.")
    walk = await read("When are we doing the fossil walk?")
    assert walk["basis"] == "records", walk
    assert "2027-03-11" in walk["reader_result"]["answer"]


async def test_a_contact_value_asked_is_read_from_the_record_holding_the_one_told_nearest(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Suppliers: (1) Terra Ceramica, Porto — contact João Almeida, joao@terraceramica.pt, "
        "MOQ 200 pieces; (2) Keramik Weber, Munich — Petra Weber, 0049 89 552 210."
    )
    found = await read("What phone number do I use for the German supplier?")
    assert found["basis"] == "records", found
    answer = found["reader_result"]["answer"]
    assert answer.startswith("Petra Weber (person)") and "0049 89 552 210" in answer
    assert "Read from the records made from what was said" in found["notice"]
    # Two numbers told as near to what is asked: either could be meant, the sentence answers.
    await write(
        "Glazes: Amara Osei 01632 960 118 and Tom Lewin 01632 960 774 both stock the celadon."
    )
    either = await read("What phone number do I call about celadon glaze?")
    assert either["basis"] == "passages", either


@pytest.mark.anyio
async def test_a_unit_inside_a_quantity_held_is_understood_with_it(memory: Memory) -> None:
    # "hour" is told inside "£22/hour": the record holding the amount answers, though the
    # sentence goes on ("invoiced monthly") after it.
    write, read = memory
    await write("Rent is £22/hour, invoiced monthly.")
    await write("Classes run on Tuesdays and Thursdays.")
    found = await read("How much is the rent per hour?")
    assert found["basis"] == "records", found
    assert "£22/hour" in found["reader_result"]["answer"]


@pytest.mark.anyio
async def test_the_one_amount_asked_held_answers_though_the_sentence_says_more_beside_it(
    memory: Memory,
) -> None:
    # "shop is at Lidl": the sentence tells where the shop is next to a word of the question,
    # but the record holds the one amount it tells, which is what "how much" asks.
    write, read = memory
    await write("Big shop is at Lidl on Saturday mornings, budget £110.")
    await write("The Riverford veg box comes on Wednesdays.")
    found = await read("How much do we budget for the weekly shop?")
    assert found["basis"] == "records", found
    assert "£110" in found["reader_result"]["answer"]


@pytest.mark.anyio
async def test_a_date_told_beside_what_is_asked_is_not_taken_for_its_date(memory: Memory) -> None:
    write, read = memory
    await write(
        "Pumpkin had his annual vaccinations on 2025-10-14; the rabies booster is due again "
        "in October 2026."
    )
    found = await read("When is the rabies booster due?")
    # The sentence may be quoted; no record answers with the vaccinations' date.
    assert found["basis"] != "records", found


async def test_which_kind_is_answered_by_the_one_record_of_that_kind_the_sentence_names(
    memory: Memory,
) -> None:
    write, read = memory
    sentence = "she's moored at Mercia Marina for now, pontoon D14"
    await write(f"boat diary time. bought Kestrel in October. {sentence}")
    await write("dry dock booked at Stenson Boatyard for 11-18 January, quote £2,450 + VAT")
    # No field says where the boat is: the sentence found by "boat" names one organization,
    # and its record says it is a marina, the kind asked for.
    found = await read("Which marina is the boat at?")
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"].startswith("Mercia Marina (organization)")
    assert "the one record the sentence names that is said to be a marina" in found["notice"]
    assert any(sentence in e["said"] for e in found["evidence"]), found["evidence"]
    # Several asked for, or counted: one record of the kind is not the answer.
    several = await read("Which marinas is the boat at?")
    assert several["basis"] != "records", several
    counted = await read("How many marinas has the boat been at?")
    assert not counted["reader_result"]["answer"].startswith("Mercia Marina"), counted


async def test_two_records_of_the_kind_asked_named_together_answer_neither(
    memory: Memory,
) -> None:
    write, read = memory
    await write("boat diary time. she's moored at Mercia Marina for now, then Tamworth Marina")
    # Both are marinas: which one the boat is at, the records cannot say.
    found = await read("Which marina is the boat at?")
    assert found["basis"] == "passages", found
    assert found["evidence"] == []


async def test_a_record_in_a_finished_state_does_not_answer_what_is_not_done(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Update: April's invoicing is done; May is still outstanding.")
    found = await read("Which month's invoicing is still not done?")
    # The sentence answers (May), not the record of April's, which is done.
    assert found["basis"] == "passages", found
    assert "May is still outstanding" in found["reader_result"]["answer"]


async def test_a_date_asked_by_what_day_or_by_when_is_read_from_the_record_the_sentence_dates(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Henrik is visiting the shop on Wednesday 13 January 2027 to show the new range.")
    await write("Vangelis wants the slides by 1 Jan 2027.")
    # The records' titles ("shop", "slides") do not say what is asked; the sentence says the
    # date beside it, and a record holds that date.
    for question, day in (
        ("What day is Henrik coming in?", "2027-01-13"),
        ("By when do I need to send Vangelis my slides?", "2027-01-01"),
    ):
        found = await read(question)
        assert found["basis"] == "records", found
        assert day in found["reader_result"]["answer"], found
        assert "next to what the question asks" in found["notice"]


async def test_the_date_is_read_from_the_rest_of_the_sentence_when_the_part_asked_of_tells_none(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Oskar asked for a T-rex cake; we ordered it from Crumb & Co, collection Fri 15 Jan 2027."
    )
    found = await read("When do I need to fetch the cake?")
    assert found["basis"] == "records", found
    assert "2027-01-15" in found["reader_result"]["answer"], found
    # A part that says a number the date reader does not read may tell the date: no guess.
    await write(
        "Pumpkin had his jabs on 2025-10-14; the rabies booster is due again in autumn 2026."
    )
    booster = await read("When is the rabies booster due?")
    assert "2025-10-14" not in booster["reader_result"]["answer"].split("“")[0], booster


async def test_a_later_change_the_first_records_did_not_take_is_read_from_its_own_records(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Equipment bookings for 2026-03-12: confocal microscope 10:00; plate reader 09:00.")
    await write("Update: plate reader slot moved to Fri 2026-03-13, 11:00.")
    found = await read("When is my plate reader booking?")
    assert found["basis"] == "records", found
    assert "2026-03-13" in found["reader_result"]["answer"], found
    assert "2026-03-12" not in found["reader_result"]["answer"], found


async def test_a_change_about_something_else_or_its_replaced_value_does_not_answer(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Swap sessions are on the first Saturday of each month. Next session: 5 December 2026."
    )
    await write("Update: the January session moves from 2 January 2027 to 9 January 2027.")
    found = await read("When's the next swap session?")
    # The change names the old date first and beside "session": it is the value replaced.
    assert "2027-01-02" not in found["reader_result"]["answer"].split("“")[0], found
    await write("Lena's cello lesson is on 2026-12-09 at 5pm.")
    await write("Update: Lena's school concert moved to 2026-12-11.")
    lesson = await read("When is Lena's cello lesson?")
    # A change that does not say what was asked ("cello", "lesson") is about another thing.
    assert "2026-12-11" not in lesson["reader_result"]["answer"].split("“")[0], lesson


async def test_the_value_a_sentence_gives_as_replaced_answers_only_a_question_of_before(
    memory: Memory,
) -> None:
    write, read = memory
    await write("User switched energy supplier from British Gas to Octopus Energy in November.")
    now = await read("Who is my energy supplier?")
    # "from British Gas" is the supplier left: not the answer, even with a notice saying so.
    assert "British Gas" not in now["reader_result"]["answer"].split("“")[0], now
    before = await read("Who was my energy supplier previously?")
    assert before["reader_result"]["answer"].startswith("British Gas"), before


async def test_which_firm_or_which_member_is_the_one_of_that_type_the_sentence_names(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Medals sorted: ordered 400 from Medalmakers at £1.10 each, they arrive in February."
    )
    found = await read("Which company are the medals coming from?")
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"].startswith("Medalmakers"), found
    assert "can be a company" in found["notice"]
    await write("Dinner club members: Benedikt Auer, Oksana Melnyk and Priya Nair.")
    await write("Benedikt doesn't drink alcohol, so I'll get some alcohol-free wine.")
    member = await read("Which member doesn't drink alcohol?")
    assert member["basis"] == "records", member
    assert member["reader_result"]["answer"].startswith("Benedikt Auer"), member


async def test_which_firm_is_not_read_when_the_sentence_names_two_or_asks_two_things(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Insurance: Admiral quoted £612/yr but I went with LV instead at £574.")
    insurer = await read("Which company is insuring the car?")
    # Both are firms the sentence names: which one is what the question asks.
    assert insurer["basis"] != "records" or "can be a" not in (insurer.get("notice") or "")
    await write("Spring concert: Fauré's Requiem with the Mendip Sinfonia orchestra.")
    both = await read("What are we singing in the spring, and with which orchestra?")
    assert not both["reader_result"]["answer"].startswith("Mendip Sinfonia (organization)"), both


async def test_where_is_the_one_organization_the_sentence_names_beside_what_is_asked(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Winter nets are on Thursdays at Kingsmead Sports Centre, £8 a session.")
    found = await read("Where is winter training?")
    # "training" is not said; "winter" is, next to the one firm the sentence names.
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"].startswith("Kingsmead Sports Centre"), found
    assert "can be a place" in found["notice"]
    await write("Insurance: Admiral quoted £612 but I went with LV instead at £574.")
    two = await read("Where did the insurance quotes come from?")
    assert "can be a place" not in (two.get("notice") or ""), two


@pytest.mark.anyio
async def test_a_firm_named_beside_answers_who_only_for_what_firms_do(memory: Memory) -> None:
    write, read = memory
    await write(
        "It's official: I've been approved for a six-month unpaid sabbatical from Halvorsen "
        "Engineering, 1 April to 30 September 2027."
    )
    await write("Suppliers: flour, Mungoswells Mill (contact Callum Reid); butter, Graham's Dairy.")
    approved = await read("Who approved my time off?")
    assert "Halvorsen Engineering (organization)" not in approved["reader_result"]["answer"]
    assert approved["basis"] != "records", approved
    # Supplying is what a firm does for its customers: the firm beside it answers.
    flour = await read("Who supplies our flour?")
    assert flour["basis"] == "records", flour
    assert "Mungoswells Mill" in flour["reader_result"]["answer"]


@pytest.mark.anyio
async def test_a_title_opening_the_name_told_after_what_is_asked_is_part_of_it(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Hyun-joo's GP is Dr Anil Varghese at Beech Grove Surgery. She also sees a memory "
        "clinic consultant, Dr Hélène Marchetti, at Harrogate District Hospital."
    )
    await write("The care home does visits from 10am.")
    found = await read("Which hospital is mum's memory clinic consultant based at?")
    assert found["basis"] == "records", found
    assert "Harrogate District Hospital" in found["reader_result"]["answer"]


@pytest.mark.anyio
async def test_a_firm_whose_name_says_a_word_like_the_one_asked_still_answers(
    memory: Memory,
) -> None:
    write, read = memory
    await write("The electricity bill is with Octopus Energy, about £92 a month by direct debit.")
    await write("The cake order is with Kirkgate Coffee Roasters this week.")
    # "Energy" is a word of like meaning to "electricity", not the question's own word: the
    # firm is the answer, not what is asked about.
    supplier = await read("Who is my electricity supplier?")
    assert supplier["basis"] == "records", supplier
    assert supplier["reader_result"]["answer"].startswith("Octopus Energy"), supplier
    # A name saying the question's own word is what is asked about.
    roasters = await read("Who supplies the coffee roasters?")
    assert not roasters["reader_result"]["answer"].startswith("Kirkgate"), roasters


async def test_a_passage_opening_on_he_is_shown_after_the_write_that_says_who(
    memory: Memory,
) -> None:
    write, read = memory
    await write("Note: GP (Dr. Rashid Qureshi) reduced furosemide to 20mg because of dizzy spells.")
    await write(
        "He also wants the carers to record Gerald's blood pressure daily and send him the "
        "readings."
    )
    found = await read("Who asked for daily blood pressure readings?")
    assert found["basis"] == "passages", found
    # The sentence found opens on "He": the write before it names him.
    assert "Qureshi" in found["reader_result"]["answer"], found
    [passage] = found["passages"]
    assert passage["sentence"].startswith("He also wants")
    assert passage["text"].startswith("Note: GP (Dr. Rashid Qureshi)")
    # A passage naming its own subject is shown alone.
    await write("The boiler service is booked with Heatwise on 2027-01-12.")
    await write("Heatwise will also check the radiators.")
    alone = await read("Who will check the radiators?")
    assert alone["passages"][0]["text"] == "Heatwise will also check the radiators.", alone


# Who the user campaigns for, told once; what is said after it is shown first on a tie.
_CAMPAIGN = (
    "signed up to help with the Hollins ward by-election campaign for Gwen Pryce (she's "
    "standing as an independent). polling day is thursday 21 january"
)


async def test_who_is_read_from_the_first_sentence_shown_that_names_someone(
    memory: Memory,
) -> None:
    write, read = memory
    await write(_CAMPAIGN)
    await write(
        "leaflet numbers: 1,200 for Brook St. pick them up from the campaign office above "
        "the chemist, 14 Market Row"
    )
    # The leaflets, said later, are shown first: they name no one, so cannot say who.
    found = await read("Who am I campaigning for?")
    assert found["passages"][0]["sentence"].startswith("leaflet numbers"), found
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"].startswith("Gwen Pryce (person)"), found
    assert "names Gwen Pryce next to what the question asks" in found["notice"]


async def test_a_first_sentence_naming_people_keeps_who_from_being_read_further_down(
    memory: Memory,
) -> None:
    write, read = memory
    await write("my uncle Kofi and my cousin Akosua are helping out too.")
    await write(_CAMPAIGN)
    # A list the name finder does not read as names; its write told of both people stored.
    await write(
        "who's doing what on the campaign:\n- Kofi: leaflets\n- me: posters\n- Akosua: stalls"
    )
    found = await read("Who am I campaigning for?")
    assert found["passages"][0]["sentence"].startswith("who's doing what"), found
    assert found["basis"] == "passages", found


async def test_an_address_asked_is_a_street_address_not_the_town(memory: Memory) -> None:
    write, read = memory
    sentence = "so we're finally clearing uncle Declan's bungalow in Whitby, 23 Abbey Terrace."
    await write(sentence)
    await write("Declan's solicitor is Priya Shah, priya@shahlaw.example.")
    # The record keeps the town as where Declan is: no address, so the sentence answers.
    found = await read("What's the address of Declan's place?")
    assert found["basis"] == "passages", found
    assert "23 Abbey Terrace" in found["reader_result"]["answer"], found
    # After "email", "address" asks for the email.
    email = await read("What's Priya's email address?")
    assert email["reader_result"]["answer"] == "priya@shahlaw.example", email


async def test_the_one_told_to_do_it_instead_is_who_does_it(memory: Memory) -> None:
    # Lars, nearer the slideshow, dropped out of it; the clause saying "instead" of it names
    # who does it now.
    write, read = memory
    await write("who's doing what:\n- Kofi: RSVPs\n- Akosua: music\n- Lars: photo slideshow")
    await write(
        "Lars dropped out of the slideshow, he's got a work trip. my partner Oskar's doing it "
        "instead"
    )
    found = await read("Who's doing the photo slideshow?")
    assert found["basis"] == "records", found
    assert found["reader_result"]["answer"].startswith("Oskar (person)"), found


async def test_a_contact_held_by_someone_else_than_the_one_asked_of_is_no_answer(
    memory: Memory,
) -> None:
    write, read = memory
    await write(
        "Assistant coach: Kwabena Mensah (kwabena.m@harrowgatehoops.org, 07812 334 905). "
        "Club secretary is Łucja Nowicka."
    )
    # Kwabena's record says "club" (his club); hers says "club secretary" and has no email.
    secretary = await read("What's the club secretary's email?")
    assert secretary["basis"] != "records", secretary
    assert secretary["evidence"] == []
    coach = await read("What is the assistant coach's email?")
    assert coach["basis"] == "records", coach
    assert coach["reader_result"]["answer"] == "kwabena.m@harrowgatehoops.org"
