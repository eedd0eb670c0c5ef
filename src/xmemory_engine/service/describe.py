"""`describe`: the instance's tools and schema, told so an agent can use them with nothing else.

Parameter `enum` values and `default`s are strings: the published client types them so.
"""

from __future__ import annotations

import json
from typing import Any

from xmemory_engine.schema import FieldSpec, ObjectSpec, Schema
from xmemory_engine.store.base import InstanceRow

LOGIC_ENUM = ["fast", "regular", "deep"]
FEATURES = ["upsert", "sql_read", "episodes", "forget"]
"""What this engine serves beyond the hosted API: `upsert` mutations, `read` with `sql`,
`source_text` / `occurred_at` on writes (episodes), and `forget`. Clients offer these only
when listed."""
MODE_ENUM = ["single-answer", "raw-tables", "xresponse"]


def describe(row: InstanceRow, schema: Schema, *, max_text_chars: int) -> dict[str, Any]:
    base = f"/instances/{row.id}"
    return {
        "instance_id": row.id,
        "instance_name": row.name,
        "about": _about(row, schema),
        "schema_summary": schema_summary(schema),
        "tools": [
            _write_tool(base, schema, max_text_chars, asynchronous=False),
            _write_tool(base, schema, max_text_chars, asynchronous=True),
            _write_status_tool(base),
            _read_tool(base, max_text_chars),
            _extract_tool(base, max_text_chars),
        ],
        "purpose": row.description or None,
        "owner_instructions": None,
        "features": list(FEATURES),
    }


def _about(row: InstanceRow, schema: Schema) -> str:
    kinds = ", ".join(schema.objects)
    return (
        f"'{row.name}' is a persistent, structured memory (an xmemory instance). What you write "
        "is extracted into typed records and merged with what is already stored: the same "
        "person or thing is updated, not duplicated. Questions are answered from the stored "
        f"records only, by SQL over one table per object type. It holds: {kinds}. Write facts "
        "worth keeping as soon as you learn them; read before answering anything that depends "
        "on what was said before."
    )


def _param(
    name: str,
    type_: str,
    description: str,
    *,
    required: bool = False,
    enum: list[str] | None = None,
    default: str | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "type": type_,
        "description": description,
        "required": required,
        "enum": enum,
        "default": default,
    }


def _tool(
    name: str,
    description: str,
    when_to_use: str,
    parameters: list[dict[str, Any]],
    path: str,
) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "when_to_use": when_to_use,
        "parameters": parameters,
        "http_method": "POST",
        "http_path": path,
    }


def _logic_param() -> dict[str, Any]:
    return _param(
        "extraction_logic",
        "string",
        "How much effort extraction spends: 'deep' for important or complex information, "
        "'regular' for balance, 'fast' for high-volume, low-stakes text.",
        enum=LOGIC_ENUM,
        default="deep",
    )


def _write_tool(base: str, schema: Schema, max_chars: int, *, asynchronous: bool) -> dict[str, Any]:
    params = [
        _param(
            "text",
            "string",
            "Free-form text with the facts to remember, in plain sentences (for example "
            f"'Alice Johnson works at Acme Corp. Her email is alice@acme.com.'). At most "
            f"{max_chars:,} characters. Give exactly one of text and structured_mutations.",
        ),
        _param(
            "structured_mutations",
            "array",
            mutation_help(schema) + " Give exactly one of text and structured_mutations.",
        ),
        _logic_param(),
        _param(
            "source_text",
            "string",
            "With structured_mutations only: the sentence(s) they came from, kept as this "
            f"write's source (at most {max_chars:,} characters).",
        ),
        _param(
            "occurred_at",
            "string",
            "When what this write tells happened, as an ISO date or datetime "
            "(2026-11-30 or 2026-11-30T09:15:00Z); default: now.",
        ),
    ]
    if asynchronous:
        return _tool(
            "write_async",
            "Queue a write (text or structured mutations) and return at once with a write_id; "
            "the write is durable from that moment and applied in the order it was queued. "
            "Poll write_status(write_id) until it is completed or failed.",
            "For bulk or latency-sensitive writes whose result you do not need right away. Do "
            "not read data you just queued before write_status says completed; use write "
            "instead when you need to read right after.",
            params,
            f"{base}/write_async",
        )
    return _tool(
        "write",
        "Store information: text is extracted into this instance's object types and merged "
        "with stored records (the same entity is updated, not duplicated); structured "
        "mutations create, update or delete exact records. Returns what was created, updated "
        "and deleted (changes), the planned operations (diff_plan) and the stored objects "
        "(cleaned_objects).",
        "Whenever the user shares a fact worth remembering (a person, an email, a decision, a "
        "preference, a task), or corrects one. Use structured_mutations when you know exactly "
        "which record and field to change, or to delete something.",
        params,
        f"{base}/write",
    )


def mutation_help(schema: Schema) -> str:
    """How to write structured mutations for this schema, with its own type names and keys."""
    examples = {
        "create": {"key": {"<primary-key field>": "..."}, "values": {"<field>": "..."}},
        "update": {"key": {"<primary-key field>": "..."}, "values": {"<field>": None}},
        "delete": {"key": {"xuid": "..."}},
    }
    lines = [
        "LLM-free edits applied in order, in one transaction (all or nothing). Each item is "
        'one of: {"object_mutation": {"object_type": T, "create"|"update"|"delete"|"upsert": '
        '{...}}} or {"relation_mutation": {"relation_type": R, "create"|"update"|"delete"|'
        '"upsert": {...}}}; upsert creates the record (or link) when none has that key (those '
        "endpoints), else updates it.",
        "Object changes: " + json.dumps(examples) + ". 'key' holds ALL primary-key fields of "
        "the type, or {'xuid': ...}; a create puts the key fields in 'key' and the rest in "
        "'values'; a null in 'values' clears that field; a field left out stays as it is.",
        'Relation create: {"endpoints": [{"object_name": ROLE, "key": {...}}, ...], '
        '"values": {...}} with one endpoint per role, each keyed like an object; update and '
        "delete name the relation by its endpoints or by key {'xuid': ...}.",
        "Object types here (primary key): "
        + "; ".join(_key_text(o) for o in schema.objects.values())
        + ".",
    ]
    if schema.relations:
        lines.append(
            "Relations here (role: object type): "
            + "; ".join(
                f"{r.name} ({', '.join(f'{role}: {t}' for role, t in r.roles.items())})"
                for r in schema.relations.values()
            )
            + "."
        )
    return " ".join(lines)


def _key_text(spec: ObjectSpec) -> str:
    if spec.primary_key:
        return f"{spec.name} (key: {', '.join(spec.primary_key)})"
    return f"{spec.name} (no primary key: address stored records by xuid)"


def _write_status_tool(base: str) -> dict[str, Any]:
    return _tool(
        "write_status",
        "The state of a queued write: queued, processing, completed (with the changes it "
        "made) or failed (with error_detail; a failed write changed nothing). not_found means "
        "this instance has no write with that id.",
        "After write_async, until the status is completed or failed.",
        [_param("write_id", "string", "The write_id that write_async returned.", required=True)],
        f"{base}/write_status",
    )


def _read_tool(base: str, max_chars: int) -> dict[str, Any]:
    return _tool(
        "read",
        "Ask a question in plain language; it is answered from the stored records only. "
        "read_mode 'single-answer' gives {answer: prose}; 'raw-tables' gives {columns, rows} "
        "(the rows the SQL returned); 'xresponse' gives {objects, relations} (whole records "
        "with their xuid and values, and the relations among them). A 'notice' means the "
        "question could not be answered as asked, so an empty answer then says nothing about "
        "what is stored (rephrase, e.g. name the exact value); reader_result null means this "
        "memory's schema cannot hold that kind of information at all.",
        "Before answering anything that may depend on remembered facts (who someone is, their "
        "email, what was decided, what is open), and to check what is stored before changing "
        "it. Use xresponse to get xuids for structured updates or deletes.",
        [
            _param(
                "query",
                "string",
                f"The question, in plain language (at most {max_chars:,} characters), e.g. "
                '"What is Alice\'s email?", "Who works at Acme Corp?", "How many open '
                'tasks are there?".',
                required=True,
            ),
            _param(
                "read_mode",
                "string",
                "Shape of the answer: single-answer (prose), raw-tables (rows), xresponse "
                "(objects and relations).",
                enum=MODE_ENUM,
                default="single-answer",
            ),
            _param(
                "sql",
                "string",
                "Optional: one SELECT over this instance's tables, run read-only with row and "
                "time limits, instead of having the question turned into SQL. Columns are the "
                "schema's fields plus xuid, created_at, updated_at; relation tables have "
                "<role>_xuid columns. Give query too (the question in words).",
            ),
        ],
        f"{base}/read",
    )


def _extract_tool(base: str, max_chars: int) -> dict[str, Any]:
    return _tool(
        "extract",
        "Preview what a write of this text would extract (object types and values, relations, "
        "and which stored record each object would merge into), without storing anything.",
        "To check how text will be understood before writing it, or to extract structured "
        "data from text without remembering it.",
        [
            _param(
                "text",
                "string",
                f"The text to extract from (at most {max_chars:,} characters).",
                required=True,
            ),
            _logic_param(),
        ],
        f"{base}/extract",
    )


def schema_summary(schema: Schema) -> str:
    """Object types with their fields, and relations with their roles, in plain text."""
    lines = ["Object types (each is an SQL table of the same name):"]
    for obj in schema.objects.values():
        head = f"- {obj.name}:"
        if obj.description:
            head += " " + obj.description.rstrip(".") + "."
        head += (
            f" Primary key: {', '.join(obj.primary_key)}."
            if obj.primary_key
            else " No primary key (records are told apart by xuid)."
        )
        lines.append(head)
        lines += [_field_line(name, spec) for name, spec in obj.fields.items()]
    if schema.relations:
        lines.append("Relations (each is a link table with a <role>_xuid column per role):")
        for rel in schema.relations.values():
            roles = ", ".join(f"{role}: {target}" for role, target in rel.roles.items())
            text = f"- {rel.name} ({roles})"
            if rel.description:
                text += f": {rel.description}"
            lines.append(text)
            lines += [_field_line(name, spec) for name, spec in rel.fields.items()]
    lines.append("Every record also has xuid (its id), created_at and updated_at.")
    return "\n".join(lines)


def _field_line(name: str, spec: FieldSpec) -> str:
    parts: list[str] = ["date, YYYY-MM-DD" if spec.type == "date" else spec.type]
    if spec.required:
        parts.append("required")
    if spec.enum is not None:
        parts.append("one of: " + ", ".join(str(v) for v in spec.enum))
    line = f"  - {name} ({', '.join(parts)})"
    return f"{line}: {spec.description}" if spec.description else line
