"""Extraction by a model, through the real clients and a scripted loopback server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import pytest

from support.fake_llm import FakeLLMServer
from support.llm import provider_model, timeout_for
from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.base import ExtractionLogic, ExtractionRequest, TextModel
from xmemory_engine.minds.llm import LlmExtractor
from xmemory_engine.minds.llm.extract import mention_terms
from xmemory_engine.minds.llm.jsonschema import extraction_schema, is_strict
from xmemory_engine.schema import parse_schema

SCHEMA = parse_schema(
    """
objects:
  contact:
    description: a person we know
    primary_key: [name]
    fields:
      name:  {type: str, required: true, description: full name}
      email: {type: str}
      age:   {type: int}
      stage: {type: str, enum: [lead, customer]}
  company:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      city: {type: str}
relations:
  works_at:
    objects: {employee: contact, employer: company}
    fields:
      since: {type: date}
"""
)
TEXT = "Ann Lee (ann@acme.io, 34) became a customer; she works at Acme in Oslo since 2021-03-01."
GOOD = {
    "objects": [
        {
            "type": "contact",
            "ref": "p1",
            "values": {"name": "Ann Lee", "email": "ann@acme.io", "age": 34, "stage": "customer"},
        },
        {"type": "company", "ref": "c1", "values": {"name": "Acme", "city": "Oslo"}},
    ],
    "relations": [
        {
            "type": "works_at",
            "endpoints": {"employee": "p1", "employer": "c1"},
            "values": {"since": "2021-03-01"},
        }
    ],
}


class StoredRecords:
    """A RecordLookup over a few stored rows, recording what it was asked."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.rows = rows
        self.asked: list[tuple[str, str]] = []

    async def find(self, object_type: str, text: str, limit: int = 5) -> list[dict[str, Any]]:
        self.asked.append((object_type, text))
        hits = [
            r
            for r in self.rows.get(object_type, [])
            if any(text.lower() in str(v).lower() for v in r.values())
        ]
        return hits[:limit]

    async def recent(self, object_type: str, limit: int = 5) -> list[dict[str, Any]]:
        self.asked.append((object_type, "<recent>"))
        return self.rows.get(object_type, [])[:limit]

    async def named(
        self, object_type: str, names: Sequence[str], limit: int = 5
    ) -> list[dict[str, Any]]:
        self.asked.append((object_type, f"<named {', '.join(names)}>"))
        wanted = {n.lower() for n in names}
        return [r for r in self.rows.get(object_type, []) if str(r.get("name")).lower() in wanted]


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


@pytest.fixture(params=["openai", "anthropic"])
async def model(request: pytest.FixtureRequest, llm: FakeLLMServer) -> AsyncIterator[TextModel]:
    m = provider_model(request.param, llm, timeout=timeout_for(request.node))
    yield m
    await m.aclose()


def fast(text: str = TEXT) -> ExtractionRequest:
    return ExtractionRequest(text=text, schema=SCHEMA, logic=ExtractionLogic.FAST)


@pytest.mark.anyio
async def test_extracts_typed_objects_and_relations(model: TextModel, llm: FakeLLMServer):
    llm.reply_json(GOOD)
    extraction = await LlmExtractor(model).extract(fast())
    ann, acme = extraction.objects
    assert (ann.object_type, ann.values["age"], ann.values["stage"]) == ("contact", 34, "customer")
    assert acme.values == {"name": "Acme", "city": "Oslo"}
    (rel,) = extraction.relations
    assert rel.endpoints == {"employee": ann.ref, "employer": acme.ref}
    assert rel.values == {"since": "2021-03-01"}

    (req,) = llm.requests
    assert TEXT in req.prompt
    for word in ("contact", "email", "stage", "one of: lead, customer", "works_at", "employer"):
        assert word in req.prompt
    schema = req.json_schema
    assert schema is not None and schema == extraction_schema(SCHEMA)


def test_the_reply_schema_types_fields_and_enums():
    schema = extraction_schema(SCHEMA)
    assert is_strict(schema)
    contact, _company = schema["properties"]["objects"]["items"]["anyOf"]
    values = contact["properties"]["values"]["properties"]
    assert values["age"]["type"] == ["integer", "null"]
    assert values["stage"]["enum"] == ["lead", "customer", None]
    assert contact["properties"]["type"]["enum"] == ["contact"]
    relation = schema["properties"]["relations"]["items"]
    assert relation["properties"]["endpoints"]["required"] == ["employee", "employer"]


@pytest.mark.anyio
async def test_values_are_coerced_and_nulls_left_out(model: TextModel, llm: FakeLLMServer):
    llm.reply(
        "```json\n"
        + json.dumps(
            {
                "objects": [
                    {
                        "type": "Contact",
                        "ref": "a",
                        "values": {"name": "Bo", "age": "41", "stage": "Lead", "email": None},
                    },
                    {"type": "company", "ref": "b", "values": {"name": None, "city": None}},
                ],
                "relations": [],
            }
        )
        + "\n```"
    )
    extraction = await LlmExtractor(model).extract(fast("Bo, 41, a lead."))
    (bo,) = extraction.objects  # the company said nothing and is dropped
    assert bo.object_type == "contact"
    assert bo.values == {"name": "Bo", "age": 41, "stage": "lead"}


@pytest.mark.anyio
async def test_invalid_output_is_repaired_once_quoting_the_errors(
    model: TextModel, llm: FakeLLMServer
):
    bad = {
        "objects": [
            {"type": "person", "ref": "p1", "values": {"name": "Ann"}},
            {
                "type": "contact",
                "ref": "p2",
                "values": {"name": "Ann", "age": "thirty", "mood": "ok"},
            },
        ],
        "relations": [{"type": "works_at", "endpoints": {"employee": "p2", "employer": "zz"}}],
    }
    llm.reply_json(bad)
    llm.reply_json(GOOD)
    extraction = await LlmExtractor(model).extract(fast())
    assert len(extraction.objects) == 2

    first, repair = llm.requests
    assert repair.conversation[:-2] == first.conversation
    assert repair.conversation[-2] == {"role": "assistant", "content": json.dumps(bad)}
    errors = repair.last_user
    assert "'person' is not an object type" in errors
    assert "objects[1].values.age: expected an integer, got 'thirty'" in errors
    assert "objects[1].values.mood: not a field" in errors
    # the relation is judged against the objects that were valid
    assert "relations[0].endpoints.employee: 'p2' is not the ref of any object" in errors


@pytest.mark.anyio
async def test_still_invalid_after_repair_is_a_clear_failure(model: TextModel, llm: FakeLLMServer):
    llm.reply("Sure! Here are the objects you asked for.")
    llm.reply_json({"objects": [{"type": "contact", "ref": "p1", "values": {"age": "old"}}]})
    with pytest.raises(
        MindFailed, match=r"extraction: .* even after one repair round: .*age"
    ) as info:
        await LlmExtractor(model).extract(fast())
    assert info.value.code == "mind_failed"
    assert len(llm.requests) == 2
    assert "the reply is not JSON" in llm.requests[1].last_user


@pytest.mark.anyio
async def test_relation_roles_must_match_types(model: TextModel, llm: FakeLLMServer):
    swapped = json.loads(json.dumps(GOOD))
    swapped["relations"][0]["endpoints"] = {"employee": "c1", "employer": "p1"}
    llm.reply_json(swapped)
    llm.reply_json(GOOD)
    await LlmExtractor(model).extract(fast())
    assert "'c1' is a company, the role needs a contact" in llm.requests[1].last_user


@pytest.mark.anyio
async def test_regular_shows_the_stored_records_the_text_mentions(
    model: TextModel, llm: FakeLLMServer
):
    stored = StoredRecords(
        {
            "contact": [
                {"xuid": "x1", "name": "Ann Lee", "email": "ann@acme.io", "age": None},
                {"xuid": "x2", "name": "Carl Berg", "email": None, "age": 50},
            ],
            "company": [{"xuid": "x3", "name": "Acme", "city": "Oslo"}],
        }
    )
    llm.reply_json(
        {"objects": [{"type": "contact", "ref": "p1", "values": {"name": "Ann Lee", "age": 35}}]}
    )
    request = ExtractionRequest(
        text="Ann turned 35. She loves it.",
        schema=SCHEMA,
        logic=ExtractionLogic.REGULAR,
        lookup=stored,
    )
    extraction = await LlmExtractor(model).extract(request)
    assert extraction.objects[0].values == {"name": "Ann Lee", "age": 35}
    assert ("contact", "Ann") in stored.asked
    assert ("contact", "<recent>") in stored.asked  # "She": the latest records, for pronouns
    prompt = llm.requests[0].prompt
    assert '"name": "Ann Lee"' in prompt and "ann@acme.io" in prompt
    assert "xuid" not in prompt.split("Text:")[0].split("Records already stored")[1]
    assert len(llm.requests) == 1


@pytest.mark.anyio
async def test_fast_does_not_look_up_records(model: TextModel, llm: FakeLLMServer):
    stored = StoredRecords({"contact": [{"name": "Ann Lee"}]})
    llm.reply_json(GOOD)
    request = fast()
    request.lookup = stored
    await LlmExtractor(model).extract(request)
    assert stored.asked == []
    assert "Records already stored" not in llm.requests[0].prompt


@pytest.mark.anyio
async def test_deep_checks_then_corrects(model: TextModel, llm: FakeLLMServer):
    partial = {"objects": [GOOD["objects"][0]], "relations": []}
    llm.reply_json(partial)
    llm.reply_json({"issues": ["Acme (in Oslo) is missing, and Ann works at it."]})
    llm.reply_json(GOOD)
    request = ExtractionRequest(text=TEXT, schema=SCHEMA, logic=ExtractionLogic.DEEP)
    extraction = await LlmExtractor(model).extract(request)
    assert len(extraction.objects) == 2 and len(extraction.relations) == 1

    _, check, fix = llm.requests
    assert TEXT in check.prompt and '"Ann Lee"' in check.prompt
    assert check.json_schema is not None and "issues" in check.json_schema["properties"]
    assert "Acme (in Oslo) is missing" in fix.last_user
    assert fix.conversation[1]["content"] == json.dumps(partial)


@pytest.mark.anyio
async def test_deep_stops_when_the_check_finds_nothing(model: TextModel, llm: FakeLLMServer):
    llm.reply_json(GOOD)
    llm.reply_json({"issues": []})
    request = ExtractionRequest(text=TEXT, schema=SCHEMA, logic=ExtractionLogic.DEEP)
    extraction = await LlmExtractor(model).extract(request)
    assert len(extraction.objects) == 2
    assert len(llm.requests) == 2


@pytest.mark.anyio
@pytest.mark.deadline
async def test_a_model_failure_is_a_mind_failure(model: TextModel, llm: FakeLLMServer):
    llm.hang()
    with pytest.raises(MindFailed, match="did not answer"):
        await LlmExtractor(model).extract(fast())


@pytest.mark.anyio
async def test_empty_text_asks_nothing(model: TextModel, llm: FakeLLMServer):
    assert (await LlmExtractor(model).extract(fast("   "))).objects == []
    assert llm.requests == []


def test_mention_terms():
    terms = mention_terms('When Ann Lee met "Big Deal" at Acme, she wrote to bo@x.io.')
    assert terms[:3] == ["Ann Lee", "Ann", "Big Deal"]
    assert "Acme" in terms and "bo@x.io" in terms and "When" not in terms


def test_mention_terms_without_capitals_fall_back_to_words():
    assert mention_terms("ann lee's email is now ann@x.io") == ["ann@x.io", "ann", "lee"]
    assert mention_terms("her email changed to bob at work, she said") == ["bob"]


@pytest.mark.anyio
async def test_a_reply_without_objects_is_repaired(model: TextModel, llm: FakeLLMServer):
    llm.reply_json({})
    llm.reply_json({"objects": []})
    assert (await LlmExtractor(model).extract(fast("Nothing to see."))).objects == []
    assert "'objects' is missing" in llm.requests[1].last_user
