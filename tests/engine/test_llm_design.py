"""Schema design by a model, from a description and incrementally from the current schema."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from support.fake_llm import FakeLLMServer
from support.llm import provider_model
from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.base import TextModel
from xmemory_engine.minds.llm import LlmDesigner
from xmemory_engine.minds.llm.jsonschema import design_schema, is_strict
from xmemory_engine.schema import parse_schema, plan_schema_update

DESCRIPTION = "Track the books I read: title, author, rating 1-5, and the friends who lent them."
CURRENT = parse_schema(
    """
objects:
  book:
    description: a book I read
    primary_key: [title]
    fields:
      title:  {type: str, required: true}
      status: {type: str, enum: [reading, done]}
  friend:
    fields:
      name: {type: str}
relations:
  lent_by:
    objects: {book: book, lender: friend}
"""
)


def field(name: str, type_: str = "str", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": type_,
        "required": False,
        "description": None,
        "enum": None,
        **extra,
    }


def design(objects: list[dict[str, Any]], relations: list[dict[str, Any]] | None = None) -> str:
    return json.dumps({"objects": objects, "relations": relations or []})


BOOKS = design(
    [
        {
            "name": "book",
            "description": "a book I read",
            "primary_key": ["title"],
            "fields": [
                field("title", required=True),
                field("author"),
                field("rating", "int", description="1 to 5"),
            ],
        },
        {"name": "friend", "description": None, "primary_key": ["name"], "fields": [field("name")]},
    ],
    [
        {
            "name": "lent_by",
            "description": None,
            "roles": [{"role": "book", "object": "book"}, {"role": "lender", "object": "friend"}],
            "fields": [],
        }
    ],
)


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


@pytest.fixture(params=["openai", "anthropic"])
async def model(request: pytest.FixtureRequest, llm: FakeLLMServer) -> AsyncIterator[TextModel]:
    m = provider_model(request.param, llm)
    yield m
    await m.aclose()


@pytest.mark.anyio
async def test_designs_from_a_description(model: TextModel, llm: FakeLLMServer):
    llm.reply(BOOKS)
    schema = await LlmDesigner(model).design(DESCRIPTION)
    assert list(schema.objects) == ["book", "friend"]
    assert schema.objects["book"].fields["rating"].type == "int"
    assert schema.objects["book"].primary_key == ("title",)
    assert schema.relations["lent_by"].roles == {"book": "book", "lender": "friend"}
    (req,) = llm.requests
    assert DESCRIPTION in req.prompt
    assert req.json_schema == design_schema()
    assert is_strict(design_schema())


@pytest.mark.anyio
async def test_incremental_design_keeps_everything_even_what_the_model_dropped(
    model: TextModel, llm: FakeLLMServer
):
    # The model forgets `status`, the relation and the primary key, changes `title`'s type,
    # and adds what was asked for (author, rating, a new object).
    llm.reply(
        design(
            [
                {
                    "name": "book",
                    "description": None,
                    "primary_key": [],
                    "fields": [
                        field("title", "int"),
                        field("author"),
                        field("status", enum=["reading", "done", "abandoned"]),
                    ],
                },
                {
                    "name": "shelf",
                    "description": None,
                    "primary_key": [],
                    "fields": [field("label")],
                },
            ]
        )
    )
    schema = await LlmDesigner(model).design("also record the author and shelves", CURRENT)
    update = plan_schema_update(CURRENT, schema)  # additive, or this raises
    assert update.new_fields == (("book", "author"),)
    assert update.new_objects == ("shelf",)
    book = schema.objects["book"]
    assert book.fields["title"].type == "str" and book.primary_key == ("title",)
    assert book.fields["status"].enum == ("reading", "done", "abandoned")  # widened is fine
    assert "lent_by" in schema.relations and "friend" in schema.objects
    prompt = llm.requests[0].prompt
    assert "status:" in prompt and "lent_by" in prompt  # the current schema, as YAML
    assert "Return the WHOLE schema" in prompt


@pytest.mark.anyio
async def test_an_invalid_design_is_repaired_once(model: TextModel, llm: FakeLLMServer):
    broken = design(
        [{"name": "book", "description": None, "primary_key": ["isbn"], "fields": [field("title")]}]
    )
    llm.reply(broken)
    llm.reply(BOOKS)
    schema = await LlmDesigner(model).design(DESCRIPTION)
    assert "book" in schema.objects
    assert "primary_key names 'isbn', which is not a field" in llm.requests[1].last_user


@pytest.mark.anyio
async def test_an_unusable_design_fails_clearly(model: TextModel, llm: FakeLLMServer):
    llm.reply("Here is a nice schema for you!")
    llm.reply(
        design(
            [{"name": "book", "description": None, "primary_key": [], "fields": [field("xuid")]}]
        )
    )
    with pytest.raises(MindFailed, match=r"schema design: .*reserved"):
        await LlmDesigner(model).design(DESCRIPTION)


@pytest.mark.anyio
async def test_a_reply_already_in_xmd_is_accepted(model: TextModel, llm: FakeLLMServer):
    llm.reply_json({"objects": {"note": {"fields": {"text": {"type": "str"}}}}})
    schema = await LlmDesigner(model).design("just notes")
    assert list(schema.objects["note"].fields) == ["text"]


@pytest.mark.anyio
async def test_names_that_are_questions_are_sent_back_for_nouns(
    model: TextModel, llm: FakeLLMServer
):
    plants = "a houseplant tracker: which room each plant is in, when I last watered it"
    llm.reply(
        design(
            [
                {
                    "name": "which_room",
                    "description": None,
                    "primary_key": [],
                    "fields": [field("plant"), field("when_watered", "date")],
                }
            ]
        )
    )
    llm.reply(
        design(
            [
                {
                    "name": "plant",
                    "description": None,
                    "primary_key": ["name"],
                    "fields": [field("name"), field("room"), field("last_watered_on", "date")],
                }
            ]
        )
    )
    schema = await LlmDesigner(model).design(plants)
    assert list(schema.objects["plant"].fields) == ["name", "room", "last_watered_on"]
    first, repair = llm.requests
    assert "which_room" in first.prompt  # the naming rule's own example
    assert "objects.which_room: name it with the noun it holds" in repair.last_user
    assert "objects.which_room.fields.when_watered: name it" in repair.last_user


@pytest.mark.anyio
async def test_names_the_current_schema_has_are_not_questioned(
    model: TextModel, llm: FakeLLMServer
):
    current = parse_schema("objects:\n  which_one:\n    fields:\n      how_much: {type: int}\n")
    llm.reply(
        design(
            [
                {
                    "name": "which_one",
                    "description": None,
                    "primary_key": [],
                    "fields": [field("how_much", "int"), field("colour")],
                }
            ]
        )
    )
    schema = await LlmDesigner(model).design("add a colour", current)
    assert list(schema.objects["which_one"].fields) == ["how_much", "colour"]
    assert len(llm.requests) == 1
