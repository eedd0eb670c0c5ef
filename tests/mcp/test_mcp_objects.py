"""`objects` on write: the pure translation to structured mutations, the fallback without
upsert against the real engine, and the tool in-process (objects, sql, basis headlines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp_support import Connected

from xmemory import AsyncXmemoryClient
from xmemory_engine import EngineSettings, open_engine
from xmemory_mcp.objects import ObjectsInvalid, Plan, translate
from xmemory_mcp.operations import _write_with_fallback

DEFAULT = yaml.safe_load(
    (Path(__file__).parents[2] / "src/xmemory_engine/default_schema.yml").read_text()
)
CONTACTS: dict[str, Any] = {
    "objects": {
        "contact": {
            "primary_key": ["email"],
            "fields": {"name": {"type": "str", "required": True}, "email": {"type": "str"}},
        },
        "team": {"fields": {"title": {"type": "str"}, "size": {"type": "int"}}},
    },
    "relations": {
        "reports_to": {"objects": {"report": "contact", "manager": "contact"}},
        "member_of": {"objects": {"member": "contact", "team": "team"}},
    },
}
ANN = {
    "type": "person",
    "name": "Ann Lee",
    "fields": {"email": "ann@acme.io", "role": "CTO"},
    "relations": [{"type": "works_at", "to": "Acme"}],
}
ACME = {"type": "organization", "name": "Acme"}


def problems(objects: Any, schema: dict[str, Any] = DEFAULT, upsert: bool = True) -> list[str]:
    with pytest.raises(ObjectsInvalid) as caught:
        translate(objects, schema, upsert=upsert)
    return caught.value.problems


# -- the translation ---------------------------------------------------------------------------


def test_objects_become_upserts_objects_first_then_relations() -> None:
    plan = translate([ANN, ACME], DEFAULT, upsert=True)
    assert plan.mutations == [
        {
            "object_mutation": {
                "object_type": "person",
                "upsert": {
                    "key": {"name": "Ann Lee"},
                    "values": {"email": "ann@acme.io", "role": "CTO"},
                },
            }
        },
        {"object_mutation": {"object_type": "organization", "upsert": {"key": {"name": "Acme"}}}},
        {
            "relation_mutation": {
                "relation_type": "works_at",
                "upsert": {
                    "endpoints": [
                        {"object_name": "employee", "key": {"name": "Ann Lee"}},
                        {"object_name": "employer", "key": {"name": "Acme"}},
                    ]
                },
            }
        },
    ]
    assert plan.sources == ["objects[0]", "objects[1]", "objects[0].relations[0]"]


def test_a_batch_without_relations_translates_as_one_with_them() -> None:
    # Without any relation no object's resolution is kept (`translate`'s unlinked path): the
    # mutations, their sources and the problems must be those of the path that keeps them.
    batch: list[Any] = [
        {"type": "person", "name": f"P{i}", "fields": {"email": f"p{i}@x.io", "Role": "r"}}
        for i in range(3)
    ] + [ACME, {"type": "team", "fields": {"title": "Core"}}, {"type": "contact", "name": "C"}]
    linked = [dict(item, relations=[]) for item in batch]
    for upsert in (True, False):
        plain, kept = (
            translate(batch[:4], DEFAULT, upsert=upsert),
            translate(linked[:4], DEFAULT, upsert=upsert),
        )
        assert plain.mutations == kept.mutations and plain.sources == kept.sources
        assert plain.mutations[0]["object_mutation"]["upsert" if upsert else "create"] == {
            "key": {"name": "P0"},
            "values": {"email": "p0@x.io", "role": "r"},
        }
    assert problems(batch) == problems(linked)
    assert problems(batch) and problems(batch)[0].startswith("objects[4].type")


def test_without_upsert_the_same_objects_are_creates() -> None:
    plan = translate([ANN, ACME], DEFAULT, upsert=False)
    assert [
        next(iter(set(m[k]) - {"object_type", "relation_type"})) for m in plan.mutations for k in m
    ] == [
        "create",
        "create",
        "create",
    ]


def test_a_409_turns_the_create_it_names_into_an_update() -> None:
    plan = translate([ANN, ACME], DEFAULT, upsert=False)
    index = plan.index_in("structured_mutations[1].object_mutation")
    assert index == 1 and plan.as_update(index)
    assert plan.mutations[1] == {
        "object_mutation": {
            "object_type": "organization",
            "update": {"key": {"name": "Acme"}, "values": {}},
        }
    }
    assert not plan.as_update(1)
    assert plan.source_of("structured_mutations[2].relation_mutation") == "objects[0].relations[0]"
    assert Plan().index_in("no index here") is None


def test_naming_field_is_the_text_key_else_a_conventional_name() -> None:
    task = translate([{"type": "task", "name": "Ship it"}], DEFAULT, upsert=True)
    assert task.mutations[0]["object_mutation"]["upsert"]["key"] == {"title": "Ship it"}
    preference = translate(
        [{"type": "preference", "name": "tea", "fields": {"value": "green"}}], DEFAULT, upsert=True
    )
    assert preference.mutations[0]["object_mutation"]["upsert"]["key"] == {"topic": "tea"}
    # No primary key: a conventional name field, and each write is a new record.
    team = translate(
        [{"type": "team", "name": "Core", "fields": {"size": 4}}], CONTACTS, upsert=True
    )
    assert team.mutations == [
        {
            "object_mutation": {
                "object_type": "team",
                "create": {"values": {"size": 4, "title": "Core"}},
            }
        }
    ]


def test_name_fills_the_name_field_when_fields_carry_the_key() -> None:
    plan = translate(
        [{"type": "contact", "name": "Ann", "fields": {"email": "ann@acme.io"}}],
        CONTACTS,
        upsert=True,
    )
    assert plan.mutations[0]["object_mutation"]["upsert"] == {
        "key": {"email": "ann@acme.io"},
        "values": {"name": "Ann"},
    }


def test_a_relation_end_in_the_same_call_is_keyed_as_that_object() -> None:
    ann = {"type": "contact", "name": "Ann", "fields": {"email": "ann@acme.io"}}
    bob = {
        "type": "contact",
        "name": "Bob",
        "fields": {"email": "bob@acme.io"},
        "relations": [{"type": "reports_to", "to": "ann", "role": "manager"}],
    }
    plan = translate([ann, bob], CONTACTS, upsert=True)
    assert plan.mutations[2]["relation_mutation"]["upsert"]["endpoints"] == [
        {"object_name": "report", "key": {"email": "bob@acme.io"}},
        {"object_name": "manager", "key": {"email": "ann@acme.io"}},
    ]


def test_a_stored_end_is_keyed_by_name_and_types_and_fields_match_loosely() -> None:
    plan = translate(
        [{"type": "Person", "name": "Ann", "relations": [{"type": "WORKS_AT", "to": "Globex"}]}],
        DEFAULT,
        upsert=True,
    )
    link = plan.mutations[1]["relation_mutation"]
    assert link["relation_type"] == "works_at"
    assert link["upsert"]["endpoints"][1] == {"object_name": "employer", "key": {"name": "Globex"}}


@pytest.mark.parametrize(
    ("objects", "schema", "expected"),
    [
        (
            [{"type": "robot", "name": "R2"}],
            DEFAULT,
            "objects[0].type: unknown object type 'robot'; this memory has: person, organization",
        ),
        (
            [{"type": "person", "name": "Ann", "fields": {"age": 3}}],
            DEFAULT,
            "objects[0].fields.age: person has no field 'age'; its fields are: name, email",
        ),
        (
            [{"type": "person", "fields": {"email": "a@x.io"}}],
            DEFAULT,
            "objects[0].name: missing; a person is named by its name",
        ),
        (
            [{"type": "person", "name": "Ann", "relations": [{"type": "likes", "to": "Bob"}]}],
            DEFAULT,
            "objects[0].relations[0].type: unknown relation 'likes'; this memory has: works_at (employee: person, employer: organization)",
        ),
        (
            [{"type": "person", "name": "Ann", "relations": [{"type": "part_of", "to": "X"}]}],
            DEFAULT,
            "objects[0].relations[0]: part_of (task: task, project: project) does not link a person",
        ),
        (
            [
                {
                    "type": "contact",
                    "name": "Ann",
                    "fields": {"email": "a@x.io"},
                    "relations": [{"type": "reports_to", "to": "Bob"}],
                }
            ],
            CONTACTS,
            "objects[0].relations[0]: ambiguous, 'Bob' could be the manager or the report of reports_to",
        ),
        (
            [
                {
                    "type": "contact",
                    "name": "Ann",
                    "fields": {"email": "a@x.io"},
                    "relations": [{"type": "reports_to", "to": "Bob", "role": "manager"}],
                }
            ],
            CONTACTS,
            "objects[0].relations[0].to: a stored contact cannot be found by name (its key is email); put it in objects too",
        ),
        (
            [{"type": "person", "name": "Ann", "fields": {"name": "Bob"}}],
            DEFAULT,
            "objects[0].name: 'Ann' fills person.name, which fields also sets to 'Bob'",
        ),
        (
            [{"type": "team", "name": "Core", "relations": [{"type": "member_of", "to": "Ann"}]}],
            CONTACTS,
            "objects[0].relations[0]: a team has no key to link by",
        ),
        ([], DEFAULT, "objects: a non-empty list"),
        (["Ann"], DEFAULT, "objects[0]: an object"),
    ],
)
def test_problems_name_the_path_and_what_is_allowed(
    objects: Any, schema: dict[str, Any], expected: str
) -> None:
    found = problems(objects, schema)
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_at_once() -> None:
    found = problems([{"type": "robot"}, {"type": "person", "name": "Ann", "fields": {"x": 1}}])
    assert [p.split(":")[0] for p in found] == ["objects[0].type", "objects[1].fields.x"]


# -- the fallback, against the real engine -----------------------------------------------------


@pytest.mark.anyio
async def test_fallback_retries_an_existing_object_as_update(tmp_path: Path) -> None:
    async with open_engine(EngineSettings(data_dir=tmp_path / "data")) as engine:
        import httpx

        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=engine.app))
        async with http, AsyncXmemoryClient(url="http://engine", http_client=http) as client:
            instance = client.instance(engine.default_instance_id)
            first = translate([ANN, ACME], DEFAULT, upsert=False)
            await _write_with_fallback(instance, first, {"structured_mutations": first.mutations})
            moved = dict(ANN, fields={"role": "CEO"})
            second = translate([moved, ACME], DEFAULT, upsert=False)
            result = await _write_with_fallback(
                instance, second, {"structured_mutations": second.mutations}
            )
            assert [
                next(iter(set(m[k]) - {"object_type", "relation_type"}))
                for m in second.mutations
                for k in m
            ] == [
                "update",
                "update",
                "update",
            ]
            assert result.changes is not None and len(result.changes.created) == 0
            rows = await instance.read("Ann's role?", sql="SELECT name, role FROM person")
            assert rows.reader_result == {"answer": "name: Ann Lee; role: CEO"}


# -- the tool ----------------------------------------------------------------------------------


def text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


@pytest.mark.anyio
async def test_write_objects_then_correct_then_read_with_sql(connected: Connected) -> None:
    stored = await connected.ok(
        "write",
        {"objects": [ANN, ACME], "text": "Ann Lee is Acme's CTO; her email is ann@acme.io."},
    )
    assert stored["write_status"] == "completed" and len(stored["changes"]["created"]) == 3
    fixed = await connected.ok(
        "write", {"objects": [{"type": "person", "name": "Ann Lee", "fields": {"role": "CEO"}}]}
    )
    assert fixed["changes"]["created"] == [] and len(fixed["changes"]["updated"]) == 1
    rows = await connected.ok(
        "read",
        {
            "query": "Who works at Acme, in what role?",
            "read_mode": "raw-tables",
            "sql": "SELECT p.name, p.role FROM person p JOIN works_at w ON w.employee_xuid = p.xuid",
        },
    )
    assert rows["reader_result"] == {"columns": ["name", "role"], "rows": [["Ann Lee", "CEO"]]}


@pytest.mark.anyio
async def test_write_async_with_objects_is_queued(connected: Connected) -> None:
    ack = await connected.ok("write_async", {"objects": [ACME]})
    assert ack["write_id"]


@pytest.mark.anyio
async def test_objects_that_do_not_fit_are_an_error_naming_the_path(connected: Connected) -> None:
    result = await connected.call(
        "write", {"objects": [ACME, {"type": "person", "name": "Ann", "fields": {"age": 3}}]}
    )
    assert result.is_error
    assert "objects[1].fields.age: person has no field 'age'" in text(result)
    assert "nothing was written" in text(result)
    rows = await connected.ok(
        "read", {"query": "organizations", "sql": "SELECT count(*) AS n FROM organization"}
    )
    assert "n: 0" in rows["reader_result"]["answer"]


@pytest.mark.anyio
async def test_an_engine_refusal_is_mapped_back_to_the_object(connected: Connected) -> None:
    result = await connected.call(
        "write",
        {"objects": [{"type": "project", "name": "Apollo", "fields": {"status": "someday"}}]},
    )
    assert result.is_error
    assert "objects[0]:" in text(result) and "status" in text(result)


@pytest.mark.anyio
async def test_objects_and_structured_mutations_together_are_refused(
    connected: Connected,
) -> None:
    result = await connected.call(
        "write", {"objects": [ACME], "structured_mutations": [{"object_mutation": {}}]}
    )
    assert result.is_error and "not both" in text(result)


@pytest.mark.anyio
async def test_the_schema_validates_objects_and_publishes_sql(connected: Connected) -> None:
    listed = {t.name: t for t in (await connected.session.list_tools()).tools}
    assert "sql" in listed["read"].input_schema["properties"]
    assert "objects" in listed["write"].input_schema["properties"]
    assert "name is the type's primary key" in (listed["write"].description or "")
    result = await connected.call("write", {"objects": [{"name": "Acme"}]})
    assert result.is_error and "'type' is a required property" in text(result)


@pytest.mark.anyio
async def test_hostile_sql_is_an_error_result(connected: Connected) -> None:
    await connected.ok("write", {"objects": [ACME]})
    for sql in (
        "DROP TABLE organization",
        "SELECT * FROM sqlite_master",
        "SELECT 1; DELETE FROM organization",
    ):
        result = await connected.call("read", {"query": "x", "sql": sql})
        assert result.is_error, sql
        assert "HTTP 422" in text(result), text(result)
    still = await connected.ok("read", {"query": "x", "sql": "SELECT name FROM organization"})
    assert "Acme" in still["reader_result"]["answer"]


def test_the_read_headline_says_the_basis() -> None:
    from xmemory import ReadResult
    from xmemory_mcp.operations import _read_headline

    records = ReadResult(reader_result={"answer": "CTO"}, basis="records")
    assert _read_headline(records, "Ann's role?") == "From stored records:\nCTO"
    passages = ReadResult(
        reader_result={"answer": ""},
        basis="passages",
        passages=[{"text": "Ann mentioned Lisbon.", "occurred_at": "2026-11-30"}],
    )
    assert _read_headline(passages, "Where is Ann?") == (
        "No record answers this; stored sentences that mention it:\n"
        "- Ann mentioned Lisbon. (2026-11-30)"
    )
    nothing = ReadResult(reader_result={"answer": ""}, basis="nothing")
    assert _read_headline(nothing, "Bob's dog") == 'Nothing stored about "Bob\'s dog".'
    told = ReadResult(reader_result={"answer": "Nothing stored about Bob's dog."}, basis="nothing")
    assert _read_headline(told, "q") == "Nothing stored about Bob's dog."
    assert _read_headline(ReadResult(reader_result={"answer": "x"}), "q") == "x"


@pytest.mark.anyio
async def test_unknown_keys_in_an_object_or_relation_are_named(connected: Connected) -> None:
    wrong = await connected.call(
        "write",
        {
            "objects": [
                {"type": "person", "name": "Ann Lee", "email": "ann@acme.io"},
                {
                    "type": "person",
                    "name": "Bob Stone",
                    "relations": [{"type": "works_at", "to": "Acme", "since": "2020"}],
                },
            ]
        },
    )
    assert wrong.is_error
    said = text(wrong)
    assert "objects[0]: unknown key(s) 'email'" in said, said
    assert "objects[1].relations[0]: unknown key(s) 'since'" in said, said
    nothing = await connected.ok(
        "read", {"query": "people", "sql": "SELECT count(*) AS n FROM person"}
    )
    assert "n: 0" in nothing["reader_result"]["answer"]
