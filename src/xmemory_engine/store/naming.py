"""Which field names a record: what merging, evidence and episodes call a record by."""

from __future__ import annotations

from xmemory_engine.schema import ObjectSpec

# Fields used to recognise the same record under a slightly different spelling.
NAME_FIELDS = (
    "name",
    "full_name",
    "title",
    "label",
    "display_name",
    "username",
    "topic",
    "subject",
)


def name_field(spec: ObjectSpec) -> str | None:
    """The field that names a record of `spec`, if one does: a single text primary key, a
    conventional name field, else the first required text field."""
    if len(spec.primary_key) == 1 and spec.fields[spec.primary_key[0]].type == "str":
        return spec.primary_key[0]
    for candidate in NAME_FIELDS:
        if candidate in spec.fields and spec.fields[candidate].type == "str":
            return candidate
    for fname, fspec in spec.fields.items():
        if fspec.required and fspec.type == "str":
            return fname
    return None


def display_field(spec: ObjectSpec) -> str | None:
    """The field a person calls a record by: a conventional name field ("name", "title"),
    else the identifying field `name_field` picks (an email key, say)."""
    for candidate in NAME_FIELDS:
        if candidate in spec.fields and spec.fields[candidate].type == "str":
            return candidate
    return name_field(spec)
