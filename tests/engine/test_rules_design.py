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
