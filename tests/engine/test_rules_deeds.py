"""Deeds: what someone does, told as a clause, stored as a fact and asked back by its verb
(`minds/rules/deeds.py`), over a real SQLite file through the real checker and runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.engine.test_rules_answer import DEFAULT, Memory

from xmemory_engine.minds.rules.deeds import (
    Deed,
    asked_deed,
    clause_deeds,
    read_deed,
    same_verb,
)
from xmemory_engine.minds.rules.text import STOPWORDS

KNOWN = {"lena", "paulo", "søren", "ana"}


@pytest.mark.parametrize(
    ("clause", "deed"),
    [
        ("Lena handles the backend", Deed("Lena", "handles", "backend")),
        ("I play cello in the Southbank Community Orchestra", Deed("User", "play", "cello")),
        ("I'm flying with ANA", Deed("User", "flying with", "ANA")),
        ("I\u2019m preparing for the N4 in July", Deed("User", "preparing for", "N4")),
        ("Søren is bringing the stove", Deed("Søren", "bringing", "stove")),
        ("Ana still has the compass", Deed("Ana", "has", "compass")),
        ("Apparently Luis owns a boat", Deed("Luis", "owns", "boat")),  # "Apparently" opens
        ("Correction: Piotr handles the invoices", Deed("Piotr", "handles", "invoices")),
        ("Netflix costs £10.99 a month", Deed("Netflix", "costs", "£10.99 a month")),
        (
            "My father collects vinyl records, mostly jazz",
            Deed("User's father", "collects", "vinyl records"),
        ),
        (
            "Mungoswells delivers our flour every other Monday",
            Deed("Mungoswells", "delivers", "flour"),
        ),
        # An adverb made with "-ly" is no deed's verb; "supply" is no adverb.
        ("I finally bought the tank", Deed("User", "bought", "tank")),
        ("We're finally painting the fence at 14 Elm Road", Deed("User", "painting", "fence")),
        ("I regularly supply the bakery", Deed("User", "supply", "bakery")),
        # A name is never cut by the object's length.
        (
            "User runs a bike repair shop called Spoke & Chain in Bristol",
            Deed("User", "runs", "bike repair shop called Spoke & Chain"),
        ),
    ],
)
def test_a_clause_with_a_party_and_a_verb_is_a_deed(clause: str, deed: Deed) -> None:
    assert read_deed(clause, KNOWN) == deed


@pytest.mark.parametrize(
    "clause",
    [
        "Ana is my sister",  # the copula: other rules read it
        "I will call the bank",  # a plan: a task
        "I don't eat pork",  # negated
        "We have a beagle called Pumpkin",  # what the user has: read elsewhere
        "I like jazz",  # a preference
        "Good news, found someone for 3C",  # no party opens it
        "Three gigs lined up",  # a plural noun is no verb, and "Three" no party
        "Mira handles backend tickets",  # an unknown name: no determiner after its verb
        "My flight leaves at nine",  # "my" with a thing, not a person noun
        "Booked flights to Lisbon with TAP",  # a past form opening a note is no one's name
    ],
)
def test_what_is_not_certainly_a_deed_is_left(clause: str) -> None:
    assert read_deed(clause, KNOWN) is None


def test_a_verb_joined_on_with_and_is_the_same_subject_s() -> None:
    assert clause_deeds("My son Leo is 9 and goes to Hillside Primary", KNOWN) == [
        Deed("Leo", "goes to", "Hillside Primary")  # the name beside "my son" is the subject
    ]
    assert clause_deeds("Paulo sings and plays guitar", KNOWN) == [Deed("Paulo", "plays", "guitar")]
    assert clause_deeds("I walk the dog and feed the cat", KNOWN) == [
        Deed("User", "walk", "dog"),
        Deed("User", "feed", "cat"),
    ]
    # After "I ... and" a word is a verb only before what it is done to.
    assert clause_deeds("I like tea and coffee beans", KNOWN) == []


def test_forms_of_one_verb_meet() -> None:
    assert same_verb("handles", "handle") and same_verb("handled", "handling")
    assert same_verb("flying", "flies") and same_verb("led", "lead")
    assert not same_verb("plays", "pays")


def test_questions_about_deeds() -> None:
    stop = STOPWORDS
    by_whom = asked_deed("Who delivers our flour?", stop)
    assert by_whom is not None and by_whom.by_whom and by_whom.words == ("flour",)
    what = asked_deed("Which airline am I flying with?", stop)
    assert what is not None and not what.by_whom
    assert (what.subject, what.verb, what.particle, what.kind) == (
        "User",
        "flying",
        "with",
        "airline",
    )
    assert asked_deed("What does my father collect?", stop) is not None
    assert asked_deed("Who is my dentist?", stop) is None  # the copula
    assert asked_deed("What is Lena's email?", stop) is None


@pytest.mark.anyio
async def test_deeds_are_answered_from_the_records(tmp_path: Path) -> None:
    memory = Memory(tmp_path / "deeds.db", DEFAULT)
    try:
        for text in (
            "I play cello in the Southbank Community Orchestra.",
            "My father collects vinyl records, mostly jazz.",
            "Paulo owns the mobile app.",
            "Our dentist Ana Ortiz is bringing the new brace.",
        ):
            await memory.write(text)
        facts = await memory.recent("fact", 10)
        assert {(f["subject"], f["attribute"], f["value"]) for f in facts} >= {
            ("User", "play", "cello"),
            ("User's father", "collects", "vinyl records"),
            ("Paulo", "owns", "mobile app"),
        }
        assert (await memory.ask("What instrument do I play?")).answer == "cello"
        assert (await memory.ask("What does my father collect?")).answer == "vinyl records"
        assert (await memory.ask("What does Paulo own?")).answer == "mobile app"
        # Said later by someone else: the newest leads, the earlier is shown as such.
        await memory.write("Kasia handles the invoices.")
        await memory.write("Correction: Paulo handles the invoices, not Kasia.")
        invoices = await memory.ask("Who handles the invoices?")
        assert invoices.answer == "Paulo (earlier: Kasia)"
        # The kind asked is not what the record holds: not given as an answer of that kind.
        sport = await memory.ask("What sport do I play?")
        assert sport.answer != "cello"
        # Another's deed is not the user's.
        assert (await memory.ask("What does my mother collect?")).answer != "vinyl records"
    finally:
        memory.reader.close()


@pytest.mark.parametrize(
    ("clause", "deed"),
    [
        ("Aiko is vegetarian", Deed("Aiko", "is", "vegetarian")),  # a given name: a party
        ("Yaw is allergic to sesame, so no tahini", Deed("Yaw", "is", "allergic to sesame")),
        ("Lena is fluent in Polish but not Czech", Deed("Lena", "is", "fluent in Polish")),
        # The passive is the doer's deed, whatever the subject is.
        ("Birch is led by Owen Price", Deed("Owen Price", "led", "Birch")),
        ("Atlas was built by Dana Kim", Deed("Dana Kim", "built", "Atlas")),
        # The doer is the name after "by", not the words of when that follow it.
        ("Priya was hired by Monzo last month", Deed("Monzo", "hired", "Priya")),
    ],
)
def test_what_a_party_is_and_the_passive_are_read(clause: str, deed: Deed) -> None:
    assert read_deed(clause, KNOWN) == deed


@pytest.mark.parametrize(
    "clause",
    [
        "Ana is a designer",  # a kind of person: the role readers
        "Ana is in Leeds",  # where: the place readers
        "Ana is due back on Monday",  # a state or a plan
        "The gig is cancelled",  # a state, no doer
        "Mill Row is quiet",  # capitalised words that are no given name: not surely a party
        "Birch is led by the team",  # a doer that names no one
    ],
)
def test_what_a_party_is_is_left_when_unsure(clause: str) -> None:
    assert read_deed(clause, KNOWN) is None
