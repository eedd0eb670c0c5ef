"""JSON Schemas for what the model must reply: extraction, SQL, prose, a designed schema.

Every schema here is written in the subset OpenAI's strict structured output accepts (each
object lists all its properties as required and forbids others; "not mentioned" is `null`),
which Anthropic tool input and local servers' grammar-constrained decoding accept as well.
The replies are still validated by us afterwards: a schema is a request, not a guarantee.
"""

from __future__ import annotations

from typing import Any

from xmemory_engine.schema import FieldSpec, Schema

_JSON_TYPES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "date": "string",
    "datetime": "string",
}
_FORMAT_HINTS = {
    "date": "An ISO date, YYYY-MM-DD.",
    "datetime": "An ISO-8601 date-time, YYYY-MM-DDTHH:MM:SS.",
}


def strict_object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """An object schema with every property required and no others allowed."""
    obj: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        obj["description"] = description
    return obj


def nullable(json_type: str, description: str | None = None) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": [json_type, "null"]}
    if description:
        prop["description"] = description
    return prop


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """One field's value: its JSON type or null (null means the text does not say)."""
    notes = [n for n in (spec.description, _FORMAT_HINTS.get(spec.type)) if n]
    prop = nullable(_JSON_TYPES[spec.type], " ".join(notes) or None)
    if spec.enum is not None:
        prop["enum"] = [*spec.enum, None]
    return prop


def extraction_schema(schema: Schema) -> dict[str, Any]:
    """The reply of an extraction: objects per type with typed fields, relations by role refs."""
    object_variants = []
    for name, obj in schema.objects.items():
        values = strict_object({f: field_schema(s) for f, s in obj.fields.items()})
        object_variants.append(
            strict_object(
                {
                    "type": {"type": "string", "enum": [name]},
                    "ref": {
                        "type": "string",
                        "description": "A short id for this object, unique in this reply "
                        "(e.g. p1), that relations use to point at it.",
                    },
                    "values": values,
                },
                obj.description,
            )
        )
    properties: dict[str, Any] = {
        "objects": {"type": "array", "items": _one_of(object_variants)},
    }
    relation_variants = []
    for name, rel in schema.relations.items():
        endpoints = strict_object(
            {
                role: {"type": "string", "description": f"The ref of a {target} object."}
                for role, target in rel.roles.items()
            }
        )
        props: dict[str, Any] = {
            "type": {"type": "string", "enum": [name]},
            "endpoints": endpoints,
        }
        if rel.fields:
            props["values"] = strict_object({f: field_schema(s) for f, s in rel.fields.items()})
        relation_variants.append(strict_object(props, rel.description))
    if relation_variants:
        properties["relations"] = {"type": "array", "items": _one_of(relation_variants)}
    return strict_object(properties)


def check_schema() -> dict[str, Any]:
    """The reply of a DEEP extraction's check: what the extraction missed or got wrong."""
    return strict_object(
        {
            "issues": {
                "type": "array",
                "description": "Each fact the extraction missed or got wrong, in one sentence. "
                "Empty when the extraction is complete and correct.",
                "items": {"type": "string"},
            }
        }
    )


def sql_schema() -> dict[str, Any]:
    """The reply of a question: one SELECT, or why the tables cannot answer it."""
    return strict_object(
        {
            "sql": nullable("string", "One SQLite SELECT statement, or null."),
            "cannot_answer": nullable(
                "string",
                "Null when `sql` answers the question. Otherwise why the tables cannot "
                "represent it, or (with `sql` set) what part of the question `sql` leaves out.",
            ),
        }
    )


def prose_schema() -> dict[str, Any]:
    """The reply composing a single answer from returned rows."""
    return strict_object(
        {
            "answer": {"type": "string", "description": "The answer, from the rows only."},
            "notice": nullable(
                "string", "Null when the rows answer the question fully, else what is missing."
            ),
        }
    )


def design_schema() -> dict[str, Any]:
    """The reply of schema design: XMD as lists, since strict schemas cannot have free keys."""
    field_item = strict_object(
        {
            "name": {"type": "string", "description": "snake_case field name"},
            "type": {
                "type": "string",
                "enum": ["str", "int", "float", "bool", "date", "datetime"],
            },
            "required": {"type": "boolean"},
            "description": nullable("string"),
            "enum": {
                "type": ["array", "null"],
                "items": {"type": "string"},
                "description": "Allowed values of a str field with a closed set, else null.",
            },
        }
    )
    fields = {"type": "array", "items": field_item}
    object_item = strict_object(
        {
            "name": {"type": "string", "description": "snake_case object type name"},
            "description": nullable("string"),
            "primary_key": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Fields that identify one record (often [name]); may be empty.",
            },
            "fields": fields,
        }
    )
    role_item = strict_object(
        {
            "role": {"type": "string", "description": "snake_case role name"},
            "object": {"type": "string", "description": "the object type playing it"},
        }
    )
    relation_item = strict_object(
        {
            "name": {"type": "string", "description": "snake_case relation name"},
            "description": nullable("string"),
            "roles": {"type": "array", "items": role_item},
            "fields": fields,
        }
    )
    return strict_object(
        {
            "objects": {"type": "array", "items": object_item},
            "relations": {"type": "array", "items": relation_item},
        }
    )


def is_strict(schema: Any) -> bool:
    """Whether `schema` fits strict structured output (every object closed, all required)."""
    if isinstance(schema, list):
        return all(is_strict(s) for s in schema)
    if not isinstance(schema, dict):
        return True
    types = schema.get("type")
    is_object = types == "object" or (isinstance(types, list) and "object" in types)
    if is_object:
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is not False:
            return False
        if set(schema.get("required", [])) != set(props):
            return False
    return all(is_strict(v) for k, v in schema.items() if k not in ("enum", "required"))


def _one_of(variants: list[dict[str, Any]]) -> dict[str, Any]:
    return variants[0] if len(variants) == 1 else {"anyOf": variants}
