"""XMD parsing, validation, table layout and additive evolution."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from xmemory_engine.errors import SchemaInvalid
from xmemory_engine.schema import FieldSpec, parse_schema, plan_schema_update

CONTACTS = """
objects:
  contact:
    description: a person we know
    primary_key: [email]
    fields:
      name:   {type: str, required: true, description: full name}
      email:  {type: string}
      age:    {type: integer}
      score:  {type: float}
      active: {type: boolean}
      stage:  {type: str, enum: [lead, customer]}
  company:
    fields:
      name: str
relations:
  works_at:
    description: employment
    objects: {employee: contact, employer: company}
"""


def test_yaml_schema_parses_with_aliases_normalized() -> None:
    schema = parse_schema(CONTACTS, "yml")
    contact = schema.objects["contact"]
    assert contact.primary_key == ("email",)
    assert {n: f.type for n, f in contact.fields.items()} == {
        "name": "str",
        "email": "str",
        "age": "int",
        "score": "float",
        "active": "bool",
        "stage": "str",
    }
    assert contact.fields["stage"].enum == ("lead", "customer")
    assert schema.objects["company"].fields["name"].type == "str"
    assert schema.relations["works_at"].roles == {"employee": "contact", "employer": "company"}


def test_json_schema_text_parses_to_the_same_model() -> None:
    as_yaml = parse_schema(CONTACTS, "yml")
    as_json = parse_schema(json.dumps(as_yaml.to_data()), "json")
    assert as_json == as_yaml


def test_round_trip_through_yaml_keeps_everything() -> None:
    schema = parse_schema(CONTACTS)
    assert parse_schema(schema.to_yaml()) == schema


def test_table_layout_is_fixed() -> None:
    schema = parse_schema(CONTACTS)
    cols = [c for c, _ in schema.objects["contact"].columns()]
    assert cols[0] == "xuid" and cols[-2:] == ["created_at", "updated_at"]
    assert dict(schema.objects["contact"].columns())["active"] == "INTEGER"
    rel_cols = [c for c, _ in schema.relations["works_at"].columns()]
    assert rel_cols[:3] == ["xuid", "employee_xuid", "employer_xuid"]
    assert schema.table_names() == ["contact", "company", "works_at"]


def test_lookup_is_case_insensitive() -> None:
    schema = parse_schema(CONTACTS)
    assert schema.object("Contact").name == "contact"
    assert schema.relation("WORKS_AT").name == "works_at"
    with pytest.raises(KeyError):
        schema.object("nobody")


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        ("", "instance_schema", "empty"),
        ("objects: [", "instance_schema", "does not parse"),
        ("- a\n- b", "$", "mapping"),
        ("objects: {}", "objects", "non-empty"),
        ("objects: {a: {fields: {x: {type: blob}}}}", "objects.a.fields.x.type", "unknown type"),
        ("objects: {a: {fields: {x: str}, primary_key: [y]}}", "objects.a.primary_key", "'y'"),
        ("objects: {'9a': {fields: {x: str}}}", "objects.9a", "not a valid name"),
        ("objects: {a: {fields: {xuid: str}}}", "objects.a.fields.xuid", "reserved"),
        ("objects: {_xm_a: {fields: {x: str}}}", "objects._xm_a", "not a valid name"),
        ("objects: {sqlite_stat1: {fields: {x: str}}}", "objects.sqlite_stat1", "reserved"),
        ("objects: {a: {fields: {x: {type: int, enum: [one]}}}}", "objects.a.fields.x.enum", "int"),
        ("objects: {a: {fields: {x: {required: maybe}}}}", "objects.a.fields.x.required", "true"),
        ("objects: {a: {fields: {x: {colour: red}}}}", "objects.a.fields.x", "colour"),
        (
            "objects: {a: {fields: {x: str}}}\nrelations: {r: {objects: {p: a}}}",
            "relations.r.objects",
            "two",
        ),
        (
            "objects: {a: {fields: {x: str}}}\nrelations: {r: {objects: {p: a, q: b}}}",
            "relations.r.objects.q",
            "'b'",
        ),
        (
            "objects: {a: {fields: {x: str}}}\nrelations: {A: {objects: {p: a, q: a}}}",
            "relations.A",
            "same name",
        ),
        ("objects: {a: {fields: {x: str}}}\nextra: 1", "$", "extra"),
    ],
)
def test_invalid_schemas_name_the_offending_path(text: str, path: str, words: str) -> None:
    with pytest.raises(SchemaInvalid) as info:
        parse_schema(text)
    assert info.value.field == path
    assert words in info.value.message
    assert info.value.status == 400


@pytest.mark.parametrize(
    ("spec", "value", "stored"),
    [
        (FieldSpec("int"), "42", 42),
        (FieldSpec("int"), 3.0, 3),
        (FieldSpec("float"), "2.5", 2.5),
        (FieldSpec("bool"), "yes", True),
        (FieldSpec("bool"), 0, False),
        (FieldSpec("str"), 7, "7"),
        (FieldSpec("date"), "2026-11-24", "2026-11-24"),
        (FieldSpec("datetime"), "2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z"),
        (FieldSpec("str", enum=("lead", "customer")), "lead", "lead"),
        (FieldSpec("int"), None, None),
    ],
)
def test_values_are_coerced_to_their_field(spec: FieldSpec, value: object, stored: object) -> None:
    assert spec.coerce(value) == stored


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        (FieldSpec("int"), "forty"),
        (FieldSpec("int"), True),
        (FieldSpec("float"), "fast"),
        (FieldSpec("bool"), "perhaps"),
        (FieldSpec("str"), {"a": 1}),
        (FieldSpec("date"), "next week"),
        (FieldSpec("str", enum=("lead", "customer")), "prospect"),
    ],
)
def test_values_that_do_not_fit_are_refused(spec: FieldSpec, value: object) -> None:
    with pytest.raises(ValueError):
        spec.coerce(value)


def test_additive_changes_are_planned() -> None:
    old = parse_schema(CONTACTS)
    data = old.to_data()
    data["objects"]["contact"]["fields"]["phone"] = {"type": "str"}
    data["objects"]["task"] = {"fields": {"title": {"type": "str"}}}
    data["relations"]["knows"] = {"objects": {"a": "contact", "b": "contact"}}
    data["relations"]["works_at"]["fields"] = {"since": {"type": "date"}}
    data["objects"]["contact"]["fields"]["stage"]["enum"] = ["lead", "customer", "churned"]
    update = plan_schema_update(old, parse_schema(json.dumps(data), "json"))
    assert update.new_fields == (("contact", "phone"),)
    assert update.new_objects == ("task",)
    assert update.new_relations == ("knows",)
    assert update.new_relation_fields == (("works_at", "since"),)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["objects"].pop("company") and d.pop("relations"), "objects.company"),
        (lambda d: d["objects"]["contact"]["fields"].pop("age"), "objects.contact.fields.age"),
        (
            lambda d: d["objects"]["contact"]["fields"]["age"].update(type="str"),
            "objects.contact.fields.age.type",
        ),
        (
            lambda d: d["objects"]["contact"].update(primary_key=["name"]),
            "objects.contact.primary_key",
        ),
        (lambda d: d["relations"].pop("works_at"), "relations.works_at"),
        (
            lambda d: d["relations"]["works_at"].update(objects={"a": "contact", "b": "contact"}),
            "relations.works_at.objects",
        ),
        (
            lambda d: d["objects"]["contact"]["fields"]["stage"].update(enum=["lead"]),
            "objects.contact.fields.stage.enum",
        ),
        (
            lambda d: d["objects"]["contact"]["fields"]["name"].update(enum=["x"]),
            "objects.contact.fields.name.enum",
        ),
    ],
)
def test_changes_that_would_lose_or_reinterpret_data_are_refused(change, path) -> None:  # type: ignore[no-untyped-def]
    old = parse_schema(CONTACTS)
    data = old.to_data()
    change(data)
    with pytest.raises(SchemaInvalid) as info:
        plan_schema_update(old, parse_schema(json.dumps(data), "json"))
    assert info.value.field == path
    assert "not supported" in info.value.message


def test_default_schema_covers_the_general_purpose_types() -> None:
    text = files("xmemory_engine").joinpath("default_schema.yml").read_text()
    schema = parse_schema(text)
    assert {"person", "organization", "project", "task", "preference", "event", "note"} <= set(
        schema.objects
    )
    assert schema.relations["works_at"].roles == {"employee": "person", "employer": "organization"}


def test_unquoted_yaml_dates_stay_text() -> None:
    schema = parse_schema(
        "objects: {a: {fields: {d: {type: date, enum: [2026-01-01, 2026-12-31]},"
        " note: {description: 2026-11-30}}}}"
    )
    assert schema.objects["a"].fields["d"].enum == ("2026-01-01", "2026-12-31")
    assert schema.objects["a"].fields["note"].description == "2026-11-30"
    assert parse_schema(schema.to_yaml()) == schema


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        ("objects: {a: {fields: {d: {type: date, enum: [2026-13-01]}}}}", "objects.a.fields.d.enum", "exists"),
        ("objects: {a: {fields: {d: {description: !!timestamp 2026-13-01}}}}", "instance_schema", "does not parse"),
    ],
)  # fmt: skip
def test_a_date_that_does_not_exist_is_a_schema_error(text: str, path: str, words: str) -> None:
    with pytest.raises(SchemaInvalid) as info:
        parse_schema(text)
    assert info.value.field == path
    assert words in info.value.message
