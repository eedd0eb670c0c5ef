"""The pieces of honest reads that need no engine: sentences, folding, question terms, and
which SQL is traced to its records."""

from __future__ import annotations

from typing import Any

import pytest
import sqlglot

from xmemory_engine.minds.base import ResultTable
from xmemory_engine.minds.rules.text import split_sentences as rules_sentences
from xmemory_engine.sentences import fold, index_words, search_words, split_sentences
from xmemory_engine.service.evidence import names, quote
from xmemory_engine.service.passages import _names_someone, given_as_old, question_terms
from xmemory_engine.service.reads import names_backed
from xmemory_engine.service.tracing import HIDDEN, with_trace


def test_sentences_end_at_stops_not_at_abbreviations_or_initials() -> None:
    text = (
        "Dr. Tomás Ortiz is my dentist. Ursula K. Le Guin wrote it! "
        "Is it at St. Mary's? Yes.\nA new line"
    )
    assert split_sentences(text) == [
        "Dr. Tomás Ortiz is my dentist.",
        "Ursula K. Le Guin wrote it!",
        "Is it at St. Mary's?",
        "Yes.",
        "A new line",
    ]
    assert split_sentences("version 2.5 is out. e.g. this one") == [
        "version 2.5 is out. e.g. this one"
    ]


@pytest.mark.parametrize(
    "split", [split_sentences, lambda text: [s.text for s in rules_sentences(text)]]
)
def test_a_list_numbered_on_one_line_is_one_sentence(split: Any) -> None:
    listed = "Exam pieces: 1. Bach, Gavotte 2. Elgar, Salut d'Amour 3. Fauré, Après un rêve"
    assert split(listed) == [listed]
    # A number ending a sentence is no item: no colon before a first, no item before it.
    assert split("I bought 2. Then I left.") == ["I bought 2.", "Then I left."]
    assert split("Chapter 1. Introduction is done.") == ["Chapter 1.", "Introduction is done."]


def test_ascii_text_gives_the_words_folding_gives() -> None:
    # ASCII text takes a shorter path (lower case, one pass): the same words as word by word.
    from xmemory_engine.sentences import _WORD

    every = "".join(chr(i) for i in range(128))
    for text in (every, every[::-1], "What is the EMAIL of Person 00042?", "a_b-C'd 4x2 _", ""):
        assert search_words(text) == [fold(w) for w in _WORD.findall(text)]
    said = ["ann", "o", "neil", "p42", "c7", "example"]
    assert search_words("Ann O'Neil, p42@c7.example") == said


def test_folding_matches_what_people_type() -> None:
    assert search_words("Zoë Ångström, Łukasz; Straße") == ["zoe", "angstrom", "lukasz", "strasse"]
    assert fold("Øre") == "ore"
    # The index pre-folds only what its tokenizer cannot decompose.
    assert index_words("Łukasz Zoë") == "lukasz Zoë"


def test_question_terms_drop_question_words_and_keep_names() -> None:
    terms = question_terms("When is Zoë Ångström's dentist appointment?")
    assert [t.stem for t in terms.terms] == ["when", "zoe", "angstrom", "dentist", "appointm"]
    assert terms.names == [["zoe", "angstrom"]]
    when = terms.terms[0]
    assert when.shape is not None and when.covered_by([], "on 2026-03-14")
    assert not when.covered_by([], "with Dr. Ortiz")
    other_language = question_terms("Wo wohnt Ingrid?")
    assert other_language.names == [["ingrid"]] and "wo" not in other_language.stems


def test_asked_words_are_covered_by_related_words_and_shapes() -> None:
    [address] = question_terms("What is my address?").terms
    assert address.covered_by(search_words("I live at 14 Elm Street"), "I live at 14 Elm Street")
    email = question_terms("What is Ann's email?").terms[-1]
    assert email.covered_by([], "reach her at ann@acme.io") and not email.covered_by([], "Ann")
    plural = question_terms("Which appointments are booked?").terms
    assert [(t.stem, t.kind) for t in plural] == [("appointm", True), ("book", False)]
    # A long word is matched by a shorter prefix: the asker's noun, the teller's verb.
    [conductor] = question_terms("Who is the conductor?").terms
    assert conductor.covered_by(search_words("It is conducted by Ingrid"), "")
    # A day of the month said by its ordinal is a when: "paid on the 5th".
    # A shape word that qualifies another noun asks for that thing, not its own value.
    screen = question_terms("When is Lucia's phone screen?").terms
    assert [t.stem for t in screen if t.shape is not None] == ["when"]
    assert [t.stem for t in question_terms("What is Ann's phone number?").terms if t.shape] == [
        "phone",
        "number",
    ]
    when = question_terms("When is the rent paid?").terms[0]
    assert when.covered_by([], "rent is £950 a month, paid on the 5th")
    assert not when.covered_by([], "she came 5th in the race")
    assert when.covered_by([], "Fiona files the self-assessment every January")


def test_the_kind_of_answer_counts_only_when_said() -> None:
    # "What book": people ask with the kind of thing and answer with the thing itself.
    terms = question_terms("What book am I reading?")
    assert [(t.stem, t.kind) for t in terms.terms] == [("book", True), ("read", False)]


def test_a_quote_is_the_sentence_holding_the_value() -> None:
    text = "Ann Lee works at Acme. Her email is ann@acme.io. She likes tea."
    assert quote(text, "ann@acme.io", "Ann Lee") == "Her email is ann@acme.io."
    assert quote(text, "nothing like it", "Ann Lee") == "Ann Lee works at Acme."
    long = "\n".join(f"Person {i} (person): email p{i}@x.io." for i in range(3000))
    assert quote(long, "p2042@x.io", "Person 2042") == "Person 2042 (person): email p2042@x.io."
    assert names("Zoë Ångström's email is z@x.io", "Zoe Angstrom")
    assert not names("Her email is z@x.io", "Ann Lee")


def traced(sql: str) -> tuple[str, list[str]] | None:
    return with_trace(sqlglot.parse_one(sql, read="sqlite"))


def test_rows_of_records_are_traced_and_others_run_as_written() -> None:
    joined = traced(
        "SELECT c.name, k.name FROM contact c JOIN works_at w ON w.employee_xuid = c.xuid "
        "JOIN company k ON k.xuid = w.employer_xuid"
    )
    assert joined is not None and joined[1] == ["contact", "works_at", "company"]
    assert f'"c"."xuid" AS "{HIDDEN}0"' in joined[0]
    plain = traced("SELECT email FROM contact WHERE name = 'Ann'")
    assert plain is not None and plain[1] == ["contact"]
    for untraced in (
        "SELECT count(*) FROM contact",
        "SELECT DISTINCT city FROM company",
        "SELECT city, count(*) FROM company GROUP BY city",
        "SELECT name FROM contact UNION SELECT name FROM company",
        "SELECT * FROM contact",  # shows its xuid already
        "SELECT xuid, name FROM contact",
        "WITH c AS (SELECT name FROM contact) SELECT name FROM c",
    ):
        assert traced(untraced) is None, untraced


def test_a_value_given_as_the_one_being_replaced_is_doubted() -> None:
    moved = "Update: Mateo Ruiz moved from London to Madrid."
    assert given_as_old(moved, "London") and not given_as_old(moved, "Madrid")
    assert given_as_old("I am no longer at Initech.", "Initech")
    assert not given_as_old("Mateo lives in London.", "London")
    assert not given_as_old("I work at Acme, previously at Initech.", "Acme")
    # "from" alone says where someone works or comes from, not what they left.
    assert not given_as_old("The recruiter is Sam Oduya from TalentBridge.", "TalentBridge")
    assert given_as_old("Sam moved from TalentBridge to Hays.", "TalentBridge")


def test_numbers_are_whole_words_and_part_of_the_name_before_them() -> None:
    terms = question_terms("What is the email of Person 00042?")
    assert terms.names == [["person", "00042"]]
    [number] = [t for t in terms.terms if t.stem == "00042"]
    assert (
        number.exact and number.covered_by(["00042"], "") and not number.covered_by(["000421"], "")
    )


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("When is Sam's birthday?", ["birthd"]),
        ("What is the priority of the invoice task?", ["priori"]),
        ("Who is the conductor of my orchestra?", ["conduc"]),
        ("How much is my water bill?", ["water", "bill"]),
        ("What is my dog's name?", ["dog"]),  # "name" is asked, never said
        ("What is Quill?", []),  # the thing itself is asked for
        ("What diet do I follow?", []),  # a kind word and a verb: no noun asked for
        ("Who wrote Piranesi?", []),
        ("Where is it going?", []),
    ],
)
def test_the_noun_a_question_asks_for_is_its_focus(question: str, focus: list[str]) -> None:
    assert question_terms(question).focus == focus


def test_rows_answer_a_named_question_only_when_they_or_their_sentences_hold_the_name() -> None:
    role = ResultTable(["role"], [["VP of product"]])
    today = [{"name": "User", "said": "Correction: user's title at Pied Piper is VP of product."}]
    # Today's role, reached through a note that mentions Initech, is not the role held there.
    assert not names_backed("What was my role at Initech?", [role], today)
    assert names_backed("What is my role at Pied Piper?", [role], today)
    # The record's own name backs it: "How old is Ann?" from a structured update.
    age = ResultTable(["age"], [[41]])
    assert names_backed("How old is Ann?", [age], [{"name": "Ann", "said": "age = 41"}])
    # Counts carry no evidence and are not judged; capitals are SQL or acronyms, not names.
    assert names_backed("How many people work at Initech?", [ResultTable(["n"], [[2]])], [])
    assert names_backed("sql: SELECT role FROM contact", [role], today)


def test_a_name_with_a_number_needs_its_words_and_its_number() -> None:
    from xmemory_engine.service.passages import holds_name

    said = search_words("Batch 00003 of the import was written at noon.")
    assert not holds_name(said, ["person", "00003"])
    assert holds_name(search_words("Person 00003 works at Company 3."), ["person", "00003"])
    assert not holds_name(search_words("Person 00004 works at Company 3."), ["person", "00003"])


def test_an_asked_word_is_covered_by_the_words_of_its_groups() -> None:
    [_, employed] = question_terms("Where is Björn employed?").terms
    assert {"work", "company", "join"} <= set(employed.also)
    [dog] = question_terms("What is my dog's name?").terms
    assert "retrie" in dog.also and "cat" not in dog.also  # a kind's members, not a sibling
    [pet] = question_terms("Which pets do I have?").terms
    assert {"dog", "cat"} <= set(pet.also)
    [vegan] = question_terms("Am I vegan?").terms
    assert "vegetarian" not in vegan.also
    # A word in no group is matched as itself only.
    [budget] = question_terms("What is the budget?").terms
    assert budget.also == ()


def test_a_question_in_another_language_is_known_by_its_opening_word() -> None:
    for question in ("Wo wohnt Ingrid?", "Où travaille Ingrid ?", "¿Dónde vive Ingrid?"):
        terms = question_terms(question)
        assert terms.foreign and terms.names == [["ingrid"]], question
    for question in ("Was Bob at the party?", "Come again?", "Where does Ingrid live?"):
        assert not question_terms(question).foreign, question


def test_term_counts_are_reused_until_the_index_grows_by_a_tenth() -> None:
    from xmemory_engine.store.provenance import TermCounts

    counts = TermCounts()
    counts.put("person", 90_000, 100_000)
    assert counts.get("person", 100_500) == 90_000  # grown by less than a tenth: reused
    assert counts.get("person", 111_000) is None  # grown by more: counted again
    assert counts.get("person", 50_000) is None  # a smaller index (sentences forgotten)
    assert counts.get("email", 100_000) is None


def test_a_sentence_holding_the_kind_of_value_asked_needs_less_of_the_question() -> None:
    from xmemory_engine.service.passages import TYPED_RELIEF, _relief

    who = question_terms("Who repairs our bikes?")
    assert _relief(who, "Our bikes go to Kofi Mensah.", {"bike"}) == TYPED_RELIEF
    # Its names alone are not more of the question: "I work at Northwind" does not say who
    # plays golf there.
    golf = question_terms("Who plays golf at Northwind Traders?")
    assert _relief(golf, "I work at Northwind Traders.", {"northwind", "traders"}) == 0.0
    where = question_terms("Where do we store the kayak?")
    assert _relief(where, "The kayak hangs in Tom's garage.", {"kayak"}) == TYPED_RELIEF
    assert _relief(where, "the kayak hangs in the garage.", {"kayak"}) == 0.0
    what = question_terms("What brand is the kayak?")
    assert _relief(what, "The kayak came from Decathlon.", {"kayak"}) == 0.0


def test_a_value_asked_of_someone_must_be_told_of_them() -> None:
    from xmemory_engine.service.passages import _shaped_for_named

    listed = "Volunteer contacts: Priya Raman 07700 900123; Hamish Baird (drives the van)."
    assert not _shaped_for_named(question_terms("What's Hamish's phone number?"), listed)
    assert _shaped_for_named(question_terms("What's Priya's phone number?"), listed)
    # A whole name is one owner, and the question may say the family in the plural.
    aged = "User's mother, Elena Rossi, turns 65 on 2026-05-03."
    assert _shaped_for_named(question_terms("How old will Elena turn?"), aged)
    rent = "In 2B the tenants are Tomás and Inês Araújo, €850, rent due on the 5th."
    assert _shaped_for_named(question_terms("How much rent do the Araújos pay?"), rent)
    # Another's date, in another part of a list, is not its date.
    listed_dates = "Projects: Birch, active, due 2026-03-01; Cedar, done."
    assert not _shaped_for_named(question_terms("When is Cedar due?"), listed_dates)
    assert _shaped_for_named(question_terms("When is Birch due?"), listed_dates)
    # A number inside a name does not end it: "Cello" is still "ABRSM Grade 3 Cello".
    exam = "User is preparing for ABRSM Grade 3 Cello; exam booked for 10 March 2027."
    assert _shaped_for_named(question_terms("When is my Grade 3 exam?"), exam)
    # ... while a phone number's groups between two names keep them two.
    phones = "Physio: Dr Asha Rao 0161 496 0000 Kofi Mensah; from 9am."
    assert not _shaped_for_named(question_terms("When does Asha start?"), phones)
    # A clause of its own, after "while" or "but", is a part too, and a name opening a
    # sentence as its subject is one ("Leo has …").
    both = "Leo has football practice on Thursdays at 5pm, while Freya does swimming on Saturdays."
    assert not _shaped_for_named(question_terms("What time is Freya's swimming?"), both)
    assert _shaped_for_named(question_terms("What time is Leo's football?"), both)


def test_a_value_in_brackets_is_told_of_what_they_follow() -> None:
    from xmemory_engine.service.passages import _shaped_for_named

    # The sentence names Cedar, but the only date is in Birch's brackets.
    projects = "Projects: Birch (active, due 2026-03-01), Cedar (done)."
    assert not _shaped_for_named(question_terms("When was Cedar completed?"), projects)
    assert _shaped_for_named(question_terms("When is Birch due?"), projects)
    son = "My son Eli (he's 9) starts piano lessons with Łukasz Wróblewski."
    assert not _shaped_for_named(question_terms("How much does Łukasz charge?"), son)
    # A code before the brackets is no one's name: the amount is still Brightline's.
    invoice = "Task: chase Brightline about their unpaid invoice INV-2026-038 (£740)."
    assert _shaped_for_named(question_terms("How much does Brightline owe me?"), invoice)
    # Outside the brackets the sentence is one part, as before.
    after = "My accountant is Priya Raman (priya@ledger.example); Priya wants it by 15 January."
    assert _shaped_for_named(question_terms("When does Priya want the receipts?"), after)


def test_a_sentence_saying_only_the_names_asked_about_does_not_answer() -> None:
    from xmemory_engine.service.passages import _only_names

    gift = question_terms("What gift would Sam like?")
    assert _only_names(gift, {"sam"})
    assert not _only_names(gift, {"sam", "gift"})
    # A question of names only ("Who is Sam Whitaker?") asks nothing more of them.
    assert not _only_names(question_terms("Tell me about Sam Whitaker"), {"sam", "whitaker"})


def test_a_sentence_saying_only_the_shape_asked_does_not_answer() -> None:
    from xmemory_engine.service.passages import _only_shapes

    crate = question_terms("How much did the crate cost?")
    assert _only_shapes(crate, {"much", "cost"})
    assert not _only_shapes(crate, {"much", "cost", "crate"})
    # A question asking nothing but a shape ("When is it?") asks it of nothing said.
    assert not _only_shapes(question_terms("When is it?"), {"when"})


def test_a_yes_no_question_is_told_by_its_opening_verb() -> None:
    from xmemory_engine.service.passages import _yes_no

    assert _yes_no("Is Mochi microchipped?") and _yes_no("Does Ana drive?")
    assert not _yes_no("Who is Ana?") and not _yes_no("Where does Ana live?")


def test_a_name_opening_a_sentence_as_its_subject_names_someone() -> None:
    terms = question_terms("Who is the first-aider?")
    assert _names_someone("Aoife is also the first-aider on Thursdays.", terms)
    assert _names_someone("Mei Lin's van is booked.", terms)
    # Any sentence opens with a capital: a word opening one is a name only as its subject.
    assert not _names_someone("Stock runs low on nappies.", terms)
    assert not _names_someone("Thursdays are busy.", terms)


def test_a_table_the_mind_builds_is_not_taken_for_one_it_dropped() -> None:
    """`Trace` finds the records behind the tables a read's statements returned by identity:
    a table the mind builds itself after dropping one (CPython often gives it the dropped
    one's address) is not one of them, so the read's records are all behind it."""
    from xmemory_engine.service.tracing import Trace, TracedRecord

    trace = Trace()
    everyone = [TracedRecord("person", "a", ["name"]), TracedRecord("person", "b", ["name"])]
    trace.records += everyone
    for _ in range(50):
        probe = ResultTable(columns=["n"], rows=[[2]])
        trace.returned(probe, [])  # a count: no record behind it
        del probe
        built = ResultTable(columns=["name"], rows=[["Ann"]])
        assert trace.behind([built]) == everyone


def test_an_address_is_a_street_address_or_the_shape_of_the_word_before() -> None:
    street = [t for t in question_terms("What's the address of Declan's place?").terms if t.shape]
    assert [t.stem for t in street] == ["address"]
    assert street[0].answered_by([], "bungalow in Whitby, 23 Abbey Terrace")
    assert street[0].answered_by([], "Rua das Flores 72, 4050-262 Porto")
    assert not street[0].answered_by([], "Declan lives in Whitby")
    email = question_terms("What's Priya's email address?").terms
    assert all(t.answered_by([], "priya@shahlaw.example") for t in email if t.shape)
    site = question_terms("What's the tutoring website address?").terms
    assert all(t.answered_by([], "sumkindtutoring.co.uk") for t in site if t.shape)
