"""The offline designer: descriptions -> valid XMD schemas, and additive changes to a current one."""

from __future__ import annotations

from pathlib import Path

import pytest

from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.rules import RulesDesigner
from xmemory_engine.schema import Schema, parse_schema, plan_schema_update, schema_from_data

DEFAULT = parse_schema(
    (Path(__file__).parents[2] / "src/xmemory_engine/default_schema.yml").read_text()
)


async def design(description: str, current: Schema | None = None) -> Schema:
    schema = await RulesDesigner().design(description, current)
    assert schema_from_data(schema.to_data()) == schema  # valid XMD, round trip included
    assert parse_schema(schema.to_yaml()) == schema
    for name, obj in schema.objects.items():
        if current is None or name not in current.objects:
            assert obj.description
            assert all(f.description for f in obj.fields.values())
    return schema


def shape(schema: Schema) -> dict[str, dict[str, str]]:
    """object -> field -> type (with enum values)."""
    return {
        name: {
            f: spec.type + (f"[{'|'.join(map(str, spec.enum))}]" if spec.enum else "")
            for f, spec in obj.fields.items()
        }
        for name, obj in schema.objects.items()
    }


@pytest.mark.anyio
async def test_seed_contacts_with_four_fields() -> None:
    schema = await design("Track contacts with name, email, company, and notes.")
    assert shape(schema) == {
        "contact": {"name": "str", "email": "str", "company": "str", "notes": "str"}
    }
    contact = schema.objects["contact"]
    assert contact.primary_key == ("name",)
    assert contact.fields["name"].required
    assert not any(f.required for n, f in contact.fields.items() if n != "name")
    assert contact.fields["email"].description == "Email address."


@pytest.mark.anyio
async def test_seed_several_things_in_one_sentence() -> None:
    schema = await design(
        "Track user preferences, open tasks with priorities, and conversation history."
    )
    assert shape(schema) == {
        "user_preference": {"topic": "str", "value": "str", "notes": "str"},
        "task": {
            "title": "str",
            "priority": "str[low|medium|high]",
            "status": "str[open|in_progress|done]",
        },
        "conversation_history": {"content": "str", "topic": "str", "date": "date"},
    }
    assert schema.objects["task"].primary_key == ("title",)
    assert schema.objects["conversation_history"].primary_key == ()  # log entries never merge


@pytest.mark.anyio
async def test_seed_incremental_change_keeps_everything_else() -> None:
    current = await design(
        "Track user preferences, open tasks with priorities, and conversation history."
    )
    updated = await design("Add an assignee field to tasks.", current)
    change = plan_schema_update(current, updated)
    assert change.new_fields == (("task", "assignee"),)
    assert not (change.new_objects or change.new_relations)
    assert updated.objects["task"].fields["assignee"].description == "Who it is assigned to."


@pytest.mark.anyio
async def test_incremental_change_to_camel_case_names_and_the_default_schema() -> None:
    current = parse_schema(
        "objects:\n  OpenTask:\n    fields:\n      title: {type: str, required: true}\n"
    )
    updated = await design("Add an assignee field to tasks.", current)
    assert list(updated.objects["OpenTask"].fields) == ["title", "assignee"]
    unchanged = await design("Add an assignee field to tasks.", DEFAULT)
    assert plan_schema_update(DEFAULT, unchanged).is_empty


@pytest.mark.anyio
async def test_fields_added_by_have_sentences_and_new_things_beside_them() -> None:
    current = await design("Track contacts with name, email, company, and notes.")
    updated = await design(
        "Contacts should have a phone number and a birthday. Also track invoices with amount, "
        "due date, paid, and status (draft, sent, paid).",
        current,
    )
    change = plan_schema_update(current, updated)
    assert change.new_fields == (("contact", "phone"), ("contact", "birthday"))
    assert change.new_objects == ("invoice",)
    assert shape(updated)["invoice"] == {
        "name": "str",
        "amount": "float",
        "due_date": "date",
        "paid": "bool",
        "status": "str[draft|sent|paid]",
    }
    assert shape(updated)["contact"]["birthday"] == "date"


@pytest.mark.anyio
async def test_types_are_inferred_from_names_and_hints() -> None:
    schema = await design(
        "Track products with name, price, stock, active, launch date, created at, "
        "rating (int), weight as a number, and status: draft/live/retired."
    )
    assert shape(schema)["product"] == {
        "name": "str",
        "price": "float",
        "stock": "int",
        "active": "bool",
        "launch_date": "date",
        "created_on": "datetime",
        "rating": "int",
        "weight": "float",
        "status": "str[draft|live|retired]",
    }


@pytest.mark.anyio
async def test_an_introduction_parenthesized_fields_and_relative_clauses() -> None:
    schema = await design(
        "A CRM for a small agency: people we talk to (name, email, phone, job title), the "
        "companies they work for (name, industry, website), and deals we negotiate with those "
        "companies (title, value, stage, expected close date)."
    )
    assert shape(schema) == {
        "person": {"name": "str", "email": "str", "phone": "str", "title": "str"},
        "company": {"name": "str", "industry": "str", "website": "str"},
        "deal": {"title": "str", "value": "str", "stage": "str", "expected_close_date": "date"},
    }
    assert schema.relations["works_at"].roles == {"employee": "person", "employer": "company"}


@pytest.mark.anyio
async def test_clauses_become_fields_and_kinds_become_enums() -> None:
    schema = await design(
        "Plan my trips: each trip has dates and a budget; bookings (flights, hotels, trains) "
        "have a price, a date and whether they are confirmed; and the places I want to see on "
        "each trip."
    )
    fields = shape(schema)
    assert fields["trip"] == {
        "name": "str",
        "start_date": "date",
        "end_date": "date",
        "budget": "float",
    }
    assert fields["booking"]["kind"] == "str[flight|hotel|train]"
    assert fields["booking"]["confirmed"] == "bool"
    assert "place" in fields
    assert {r.roles["place"] for r in schema.relations.values() if "place" in r.roles} == {"place"}


@pytest.mark.anyio
async def test_which_and_when_clauses() -> None:
    schema = await design(
        "Keep track of the books I read: title, author, genre, my rating, when I finished "
        "each one, and which friends recommended them."
    )
    assert shape(schema)["book"] == {
        "title": "str",
        "author": "str",
        "genre": "str",
        "rating": "float",
        "finished_on": "date",
    }
    assert schema.relations["recommended"].roles == {"book": "book", "friend": "friend"}


@pytest.mark.anyio
async def test_a_described_link_becomes_a_relation() -> None:
    current = await design("Track invoices with amount, and contacts with name and email.")
    updated = await design("Link invoices to contacts.", current)
    assert plan_schema_update(current, updated).new_relations == ("invoice_contact",)
    assert updated.relations["invoice_contact"].roles == {
        "invoice": "invoice",
        "contact": "contact",
    }


@pytest.mark.anyio
async def test_a_thing_without_fields_gets_a_template_for_its_kind() -> None:
    schema = await design("Remember my tasks and the people I meet.")
    assert shape(schema) == {
        "task": {
            "title": "str",
            "status": "str[open|in_progress|done]",
            "priority": "str[low|medium|high]",
            "due_date": "date",
        },
        "person": {
            "name": "str",
            "email": "str",
            "phone": "str",
            "company": "str",
            "notes": "str",
        },
    }


@pytest.mark.anyio
async def test_removals_are_refused_with_a_reason() -> None:
    with pytest.raises(MindFailed, match="only adds"):
        await RulesDesigner().design("Remove the phone field from contacts.", DEFAULT)


@pytest.mark.anyio
async def test_a_description_with_nothing_to_track_is_refused() -> None:
    with pytest.raises(MindFailed, match="nothing to track"):
        await RulesDesigner().design("   ")


# Words that make a name a question or a clause rather than a noun a person would use.
NOT_NOUNS = {
    *("which", "what", "when", "where", "why", "how", "who", "whom", "whose", "whether"),
    *("i", "me", "my", "we", "us", "you", "it", "its", "they", "them"),
    *("is", "are", "was", "were", "do", "does", "did", "have", "has", "had", "to"),
}


def assert_noun_names(schema: Schema) -> None:
    names = [*schema.objects] + [f for obj in schema.objects.values() for f in obj.fields]
    for name in names:
        words = name.split("_")
        assert not set(words) & NOT_NOUNS, f"{name!r} is not a noun phrase"
        assert len(words) <= 3, f"{name!r} is a clause, not a noun phrase"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            "a houseplant tracker: which room each plant is in, when I last watered it",
            {"plant": {"room": "str", "last_watered_on": "date"}},
        ),
        (
            "A recipe box: recipes with ingredients, how long they take to cook, and which "
            "cuisine they belong to.",
            {"recipe": {"ingredients": "str", "duration": "str", "cuisine": "str"}},
        ),
        (
            "Keep track of my car maintenance: what was done, when it was done, how much it "
            "cost, and the mileage.",
            {"car_maintenance": {"description": "str", "date": "date", "cost": "float"}},
        ),
        (
            "Remember the people I meet: where I met them, what they do, and whether they are "
            "a friend.",
            {"person": {"location": "str", "description": "str", "friend": "bool"}},
        ),
        (
            "A wine cellar: each bottle's vintage, where it is stored, how many I have, and "
            "when to drink it.",
            {
                "bottle": {
                    "vintage": "str",
                    "location": "str",
                    "quantity": "int",
                    "drink_date": "date",
                }
            },
        ),
        (
            "Track job applications: which company, what role, when I applied, and the "
            "current stage (applied, interview, offer, rejected).",
            {"job_application": {"company": "str", "role": "str", "applied_on": "date"}},
        ),
        (
            "Keep a travel log of trips with dates, which cities I visited, and who came with me.",
            {"trip": {"start_date": "date", "end_date": "date"}, "city": {}},
        ),
        (
            "Medication schedule: which medicine, how often to take it, the dose, and who "
            "prescribed it.",
            {"medication_schedule": {"medicine": "str", "frequency": "str", "dose": "str"}},
        ),
        (
            "Track my pets: what kind of animal each one is, how old it is, and when its "
            "next vet visit is.",
            {"pet": {"kind": "str", "age": "int", "next_vet_visit": "date"}},
        ),
        (
            "A reading list of articles: the url, why I saved it, and whether I have read it.",
            {"article": {"url": "str", "reason": "str", "read": "bool"}},
        ),
        (
            "Track workouts (type, duration in minutes, date) and how I felt afterwards.",
            {"workout": {"type": "str", "date": "date", "feeling": "str"}},
        ),
        (
            "Keep track of which bills are due, how much each costs, and whether it is paid.",
            {"bill": {"cost": "float", "paid": "bool"}},
        ),
        (
            "Track my runs: how far I ran, how long it took, and where I went.",
            {"run": {"distance": "float", "duration": "str", "location": "str"}},
        ),
        (
            "Remember what films I watched, when I watched them and how I rated each one.",
            {"film": {"watched_on": "date", "rating": "float"}},
        ),
    ],
)
async def test_types_and_fields_are_named_by_nouns(
    description: str, expected: dict[str, dict[str, str]]
) -> None:
    schema = await design(description)
    assert_noun_names(schema)
    got = shape(schema)
    assert set(got) == set(expected)
    for name, fields in expected.items():
        assert {f: got[name][f] for f in fields if f in got[name]} == fields


@pytest.mark.anyio
async def test_a_plural_which_clause_links_to_a_thing_named_by_its_noun() -> None:
    schema = await design("Keep a travel log of trips, and which cities I visited.")
    assert schema.relations["visited"].roles == {"trip": "trip", "city": "city"}
