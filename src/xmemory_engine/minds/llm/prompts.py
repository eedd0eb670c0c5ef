"""What the model is told: the instance schema or its tables, the text or question, the task.

Prompts carry everything the model needs in the conversation itself (structured output is
also requested where the provider supports it, but a model that ignores it still sees the
expected shape here). Nothing from outside this one instance ever goes in.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from xmemory_engine.schema import FieldSpec, RelationSpec, Schema

_TYPE_WORDS = {
    "str": "text",
    "int": "integer",
    "float": "number",
    "bool": "true/false",
    "date": "date YYYY-MM-DD",
    "datetime": "date-time YYYY-MM-DDTHH:MM:SS",
}
# Rows shown to the model when it composes an answer; more would cost tokens, not accuracy.
PROSE_ROW_LIMIT = 50

EXTRACT_SYSTEM = """\
You extract structured memory from text. You are given a schema of object types (each with \
typed fields) and relations between them, and a text. Reply with JSON only:
{"objects": [{"type": <object type>, "ref": <short unique id like "p1">, "values": {<field>: \
<value or null>}}], "relations": [{"type": <relation>, "endpoints": {<role>: <ref of an \
object>}, "values": {<field>: <value or null>}}]}
Rules:
- Use only the object types, relations and fields of the schema; never invent new ones.
- One object per distinct real-world thing; put every fact the text states into its fields.
- Values must fit the field's type; for a field with allowed values use one of them exactly.
- Use null for anything the text does not say. Never guess and never use outside knowledge.
- A relation's endpoints are refs of objects in this same reply; add the objects they need.
- Dates are YYYY-MM-DD; resolve relative dates ("tomorrow") against today's date."""

CHECK_SYSTEM = """\
You check an extraction of structured memory against the text it came from. List every fact \
the text states that fits the schema but is missing from the extraction, and every value or \
relation in the extraction that the text does not support. Reply with JSON only: \
{"issues": ["<one sentence per problem>"]}; an empty list when the extraction is complete \
and correct."""

SQL_SYSTEM = """\
You answer questions about stored memory by writing ONE read-only SQLite SELECT statement \
over the tables below (a single SELECT; WITH and UNION are allowed; nothing else). Reply with \
JSON only: {"sql": "<SELECT ...>" or null, "cannot_answer": null or "<reason>"}.
Rules:
- Use only the tables and columns listed. Relation tables link rows through <role>_xuid \
columns that hold the xuid of the related row.
- Compare text case-insensitively (e.g. lower(name) = lower('Ann') or LIKE) since stored \
spelling may vary; true/false columns hold 1/0; dates are 'YYYY-MM-DD' text.
- If the tables cannot represent the question at all, set "sql" to null and say why in \
"cannot_answer". If they can only partly answer it, write the SQL for what they can and say \
what is left out in "cannot_answer"."""

PROSE_SYSTEM = """\
You answer a question from rows a database query returned. Use only these rows: never add \
facts from memory or general knowledge, and do not mention SQL. Be brief and direct. If the \
rows do not fully answer the question, answer what they do and say what is missing in \
"notice". Reply with JSON only: {"answer": "<answer>", "notice": null or "<what is missing>"}."""

DESIGN_SYSTEM = """\
You design the schema of a structured memory: object types (each one SQL table of records \
with typed fields) and relations between them (link tables between roles). Reply with JSON \
only: {"objects": [{"name", "description", "primary_key": [<field>...], "fields": [{"name", \
"type": "str"|"int"|"float"|"bool"|"date"|"datetime", "required", "description", "enum": \
[<allowed values>] or null}]}], "relations": [{"name", "description", "roles": [{"role", \
"object"}], "fields": [...]}]}.
Rules:
- Names are snake_case, start with a letter, at most 63 characters; never use the names \
xuid, created_at or updated_at for fields.
- Name object types (singular) and fields with the nouns a person would use for what they \
hold, never with the question that asks for it: "a houseplant tracker: which room each plant \
is in, when I last watered it" gives object type plant with fields room and last_watered_on \
(not which_room).
- Give each object type the fields the description implies, with a field that names a \
record (often "name" or "title") as its primary key.
- A relation has at least two roles, each played by one of the object types.
- Keep it small and concrete: what the description asks for, not everything imaginable."""

DESIGN_KEEP = """\
The memory already has the schema below, with data in it. Return the WHOLE schema: every \
existing object type, field and relation exactly as it is (same names, types, primary keys, \
roles and allowed values), plus what the description needs that is not there yet."""


def describe_schema(schema: Schema) -> str:
    """The schema in words, for extraction: types, fields, allowed values, relations."""
    lines = ["Object types:"]
    for name, obj in schema.objects.items():
        head = f"- {name}" + (f": {obj.description}" if obj.description else "")
        if obj.primary_key:
            head += f" (identified by {', '.join(obj.primary_key)})"
        lines.append(head)
        lines += [f"  - {fname} ({_field_words(spec)})" for fname, spec in obj.fields.items()]
    if schema.relations:
        lines.append("Relations:")
        for name, rel in schema.relations.items():
            roles = ", ".join(f"{role} is a {target}" for role, target in rel.roles.items())
            desc = f": {rel.description}" if rel.description else ""
            lines.append(f"- {name}{desc} (roles: {roles})")
            lines += [f"  - {fname} ({_field_words(spec)})" for fname, spec in rel.fields.items()]
    return "\n".join(lines)


def describe_tables(schema: Schema) -> str:
    """This instance's tables and columns, exactly as stored, for writing SQL."""
    blocks = []
    for obj in schema.objects.values():
        cols = [("xuid TEXT PRIMARY KEY", "")]
        cols += [_column(f, s) for f, s in obj.fields.items()]
        blocks.append(_table(obj.table, obj.description, cols))
    for rel in schema.relations.values():
        cols = [("xuid TEXT PRIMARY KEY", "")]
        cols += [
            (f"{RelationSpec.role_column(role)} TEXT", f"the xuid of a {t} row")
            for role, t in rel.roles.items()
        ]
        cols += [_column(f, s) for f, s in rel.fields.items()]
        blocks.append(_table(rel.table, rel.description, cols))
    return "\n\n".join(blocks)


def extraction_message(
    text: str, schema: Schema, known: list[tuple[str, dict[str, Any]]] | None = None
) -> str:
    parts = [describe_schema(schema), f"Today's date: {date.today().isoformat()}"]
    if known:
        lines = [
            "Records already stored that the text may refer to (by name or by a pronoun). "
            "When the text is about one of them, output it with the same identifying values "
            "so that it is merged, plus only what the text says:"
        ]
        lines += [f"- {t}: {json.dumps(values, ensure_ascii=False)}" for t, values in known]
        parts.append("\n".join(lines))
    parts.append(f"Text:\n<<<\n{text}\n>>>")
    return "\n\n".join(parts)


def check_message(text: str, schema: Schema, extraction: dict[str, Any]) -> str:
    return "\n\n".join(
        [
            describe_schema(schema),
            f"Text:\n<<<\n{text}\n>>>",
            "Extraction:\n" + json.dumps(extraction, ensure_ascii=False, indent=1),
        ]
    )


def fix_message(issues: list[str]) -> str:
    listed = "\n".join(f"- {issue}" for issue in issues)
    return (
        "A check of your extraction found these problems:\n"
        f"{listed}\n"
        "Reply with the corrected, complete extraction (all objects and relations, not only "
        "the changes), as JSON in the same shape."
    )


def repair_message(errors: list[str]) -> str:
    listed = "\n".join(f"- {e}" for e in errors[:20])
    return (
        "Your reply could not be used:\n"
        f"{listed}\n"
        "Reply again with the corrected JSON only, in the shape asked for."
    )


def sql_message(question: str, schema: Schema, mode_hint: str) -> str:
    return f"Tables:\n{describe_tables(schema)}\n\n{mode_hint}\n\nQuestion:\n<<<\n{question}\n>>>"


def sql_repair_message(sql: str, error: str) -> str:
    return (
        f"Running that statement failed:\n{error}\n\nStatement:\n{sql}\n\n"
        "Reply again with a corrected single SELECT, as JSON in the same shape."
    )


def prose_message(question: str, columns: list[str], rows: list[list[Any]]) -> str:
    shown = rows[:PROSE_ROW_LIMIT]
    data = [dict(zip(columns, row, strict=False)) for row in shown]
    more = f"\n({len(rows) - len(shown)} more rows not shown.)" if len(rows) > len(shown) else ""
    return (
        f"Question:\n<<<\n{question}\n>>>\n\n"
        f"Rows returned ({len(rows)}):\n{json.dumps(data, ensure_ascii=False, default=str)}"
        f"{more}"
    )


def design_message(description: str, current_yaml: str | None) -> str:
    parts = [f"Description:\n<<<\n{description}\n>>>"]
    if current_yaml is not None:
        parts.append(f"{DESIGN_KEEP}\n\nCurrent schema (XMD YAML):\n{current_yaml}")
    return "\n\n".join(parts)


def _field_words(spec: FieldSpec) -> str:
    words = _TYPE_WORDS[spec.type]
    if spec.required:
        words += ", required"
    if spec.enum is not None:
        words += ", one of: " + ", ".join(str(v) for v in spec.enum)
    if spec.description:
        words += f"; {spec.description}"
    return words


def _column(name: str, spec: FieldSpec) -> tuple[str, str]:
    notes = []
    if spec.description:
        notes.append(spec.description)
    if spec.enum is not None:
        notes.append("one of " + ", ".join(repr(v) for v in spec.enum))
    if spec.type == "bool":
        notes.append("1 = true, 0 = false")
    elif spec.type in ("date", "datetime"):
        notes.append(_TYPE_WORDS[spec.type])
    return f"{name} {spec.sql_type}", "; ".join(notes)


def _table(name: str, description: str | None, cols: list[tuple[str, str]]) -> str:
    cols = [*cols, ("created_at TEXT", ""), ("updated_at TEXT", "")]
    lines = [f"-- {description}"] if description else []
    lines.append(f"TABLE {name} (")
    for i, (definition, note) in enumerate(cols):
        comma = "," if i < len(cols) - 1 else ""
        lines.append(f"  {definition}{comma}" + (f"  -- {note}" if note else ""))
    lines.append(")")
    return "\n".join(lines)
