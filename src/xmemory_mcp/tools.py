"""The tool catalog: instance tools built from `describe()`, admin tools for the SDK's admin API.

Instance tools (`write`, `write_async`, `write_status`, `read`, `extract`) take their parameters
(names, types, enums, defaults, what is required) from the bound instance's `DescribeResult`;
their descriptions are this server's own short words (`TOOL_TEXT`, `PARAMETER_TEXT`), because
every byte of `tools/list` sits in the agent's context on every turn. The instance's schema is
described once, in `write` (`SCHEMA_HOME`), so the list grows with the schema once; the other
tools point to it. Each gains an optional `instance_id` to reach another instance (`write`'s
lists the instances). When the bound instance cannot be described (the API is down, the
instance was deleted, none is bound) the catalog falls back to built-in definitions of the same
tools and says why in their descriptions, so the session stays usable.

Every published input schema is also the validator of that tool's arguments (see
`validation.py`), and every tool publishes an `outputSchema` its successful results fit.

`write` and `write_async` also take `objects` (what the agent already understood; see
`objects.py`), on any backend. Parameters for what only some backends serve are published only
when their describe() lists the feature: `sql` and `show_sql` on read ("sql_read"),
`source_text` and `occurred_at` on writes ("episodes").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types

from xmemory import DescribeResult, InstanceInfo, ToolDescription, ToolParameter

TEXT_TYPES = frozenset({"str", "string", "text"})
"""Field types whose values are text."""

INSTANCE_TOOL_NAMES = ("write", "write_async", "write_status", "read", "extract")
SCHEMA_HOME = "write"
"""The one tool whose description carries the instance's schema; the others point to it.

Every client shows the model all tool descriptions, so the schema is read wherever it is; one
copy keeps `tools/list` growing with the schema once. `write` needs it most: `objects` must name
the exact types, fields and relations."""
SCHEMA_CHANGING_TOOLS = frozenset({"create_instance", "update_instance_schema", "delete_instance"})
MAX_LISTED_INSTANCES = 20
FEATURE_PARAMETERS = {
    "read": {"sql": "sql_read", "show_sql": "sql_read"},
    "write": {"source_text": "episodes", "occurred_at": "episodes"},
    "write_async": {"source_text": "episodes", "occurred_at": "episodes"},
}
"""Parameters published only when the backend's describe() lists the feature they need."""

OBJECTS_HELP = (
    'objects: what you already understood, stored as given, e.g. [{"type": "person", "name":'
    ' "Ann Lee", "fields": {"email": "ann@acme.io"}, "relations": [{"type": "works_at", "to":'
    ' "Acme"}]}, {"type": "organization", "name": "Acme"}]. name is the type\'s primary key (else'
    " its name/title field); the same name again updates that record (upsert). Add text: your"
    " sentence they came from (kept as their source), occurred_at: when it happened."
)
TOOL_TEXT = {
    "write": (
        "Remember what the user shares or corrects. Give objects, text (sentences, extracted into"
        " the types below) or structured_mutations (exact edits, also delete).\n" + OBJECTS_HELP
    ),
    "write_async": (
        "Queue a write, answering at once with its write_id (durable, applied in order); same"
        " arguments as write. Poll write_status until completed before reading what it stores."
    ),
    "write_status": (
        "Where a queued write stands: queued, processing, completed (with what changed),"
        " failed (error_detail; nothing stored) or not_found."
    ),
    "read": (
        "Answer a question from stored records: use it before answering anything that may"
        " depend on remembered facts. read_mode: single-answer {answer}, raw-tables {columns,"
        " rows}, xresponse {objects, relations} with xuids. A notice: not answered as asked."
        " Tables: see write."
    ),
    "extract": (
        "Preview what writing this text would extract (objects, relations, the stored record"
        " each would merge into); stores nothing."
    ),
}
"""The instance tools' descriptions: this server's own words, whatever backend answers."""

_MUTATIONS_GRAMMAR = (
    'Exact edits in order, all or nothing: {"object_mutation": {"object_type": T, OP: {"key":'
    ' {...}, "values": {...}}}} or {"relation_mutation": {"relation_type": R, OP: {"endpoints":'
    ' [{"object_name": ROLE, "key": {...}}, ...]}}}; OP: create, update, upsert, delete; key:'
    ' every primary-key field, or {"xuid": ...}; null clears a field.'
)
PARAMETER_TEXT: dict[str, dict[str, str]] = {
    "write": {
        "text": "Sentences with the facts; with objects, the one they came from.",
        "structured_mutations": _MUTATIONS_GRAMMAR,
        "extraction_logic": "Extraction effort (fast: bulk, low stakes).",
        "source_text": "With structured_mutations: the sentences they came from.",
        "occurred_at": "ISO date or datetime it happened (default: now).",
    },
    "write_async": {},  # "same arguments as write": described there, once
    "write_status": {"write_id": "From write or write_async."},
    "read": {
        "query": 'The question, e.g. "What is Ann\'s email?".',
        "sql": "One SELECT of yours (run read-only, limited) instead of generated SQL.",
        "show_sql": "Also return the SQL that answered.",
    },
    "extract": {},
}
"""Descriptions of the parameters this server knows; others keep the backend's own words."""
KNOWN_PARAMETERS = frozenset(p for words in PARAMETER_TEXT.values() for p in words) | {"read_mode"}
SHOW_SQL = {"type": "boolean", "default": False}


OBJECTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {"type": "object", "required": ["type"]},
}
"""The `objects` argument. The description teaches the item shape by example, and
`objects.translate` checks every item with its path, so the schema stays short."""


@dataclass(frozen=True)
class Behaviour:
    """How a tool touches the memory, published as MCP tool annotations."""

    title: str
    read_only: bool
    destructive: bool = False
    idempotent: bool = False

    def annotations(self) -> types.ToolAnnotations:
        # The title is the tool's own `title`; a hint the spec already implies is left out
        # (destructive and idempotent mean nothing on a read-only tool): tools/list is context.
        if self.read_only:
            return types.ToolAnnotations(read_only_hint=True)
        return types.ToolAnnotations(
            read_only_hint=False,
            destructive_hint=self.destructive,
            idempotent_hint=self.idempotent or None,
        )


BEHAVIOURS: dict[str, Behaviour] = {
    # A write adds and updates records; a structured `delete` mutation exists, but writes are
    # the everyday path of a memory, so they are not flagged for confirmation on every call.
    "write": Behaviour("Remember", read_only=False),
    "write_async": Behaviour("Remember in the background", read_only=False),
    "write_status": Behaviour("Check a write", read_only=True),
    "read": Behaviour("Recall", read_only=True),
    "extract": Behaviour("Preview extraction", read_only=True),
    "list_clusters": Behaviour("List clusters", read_only=True),
    "get_cluster": Behaviour("Get a cluster", read_only=True),
    "generate_schema": Behaviour("Design a schema", read_only=True),
    "create_instance": Behaviour("Create a memory instance", read_only=False),
    "list_instances": Behaviour("List memory instances", read_only=True),
    "get_instance": Behaviour("Get a memory instance", read_only=True),
    "get_instance_schema": Behaviour("Get an instance's schema", read_only=True),
    # Fields the new schema drops are gone with their data.
    "update_instance_schema": Behaviour(
        "Change an instance's schema", read_only=False, destructive=True, idempotent=True
    ),
    "update_instance_metadata": Behaviour("Rename an instance", read_only=False, idempotent=True),
    "delete_instance": Behaviour(
        "Delete a memory instance", read_only=False, destructive=True, idempotent=True
    ),
}


@dataclass(frozen=True)
class ToolSpec:
    """One published tool: what the client sees, and the schema its arguments must satisfy."""

    name: str
    description: str
    input_schema: dict[str, Any]
    behaviour: Behaviour
    output_schema: dict[str, Any]
    admin: bool = False

    def to_mcp(self) -> types.Tool:
        return types.Tool(
            name=self.name,
            # Admin tools' names say it already; a title is one more line of tools/list.
            title=None if self.admin else self.behaviour.title,
            description=self.description,
            input_schema=self.input_schema,
            output_schema=self.output_schema,
            annotations=self.behaviour.annotations(),
        )


# -- output schemas: what a successful call's structuredContent holds --------------------------
# Kept terse (they are part of tools/list); the text of each result says the same in words.


def _out(required: Iterable[str], **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "required": list(required)}
    if properties:
        schema["properties"] = properties
    return schema


_STR = {"type": "string"}
_LIST = {"type": "array"}
_WRITE_OUT = _out(["write_id", "write_status"], write_id=_STR, write_status=_STR)
OUTPUT_SCHEMAS: dict[str, dict[str, Any]] = {
    "write": _WRITE_OUT,
    "write_async": _out(["write_id"], write_id=_STR, write_status=_STR),
    "write_status": _WRITE_OUT,
    "read": _out(["reader_result"], reader_result={}, evidence=_LIST, sql=_LIST),
    "extract": _out(["objects_extracted"], objects_extracted={}),
    # The admin tools' results are the SDK's own models; their required keys are the contract.
    "list_clusters": _out(["clusters"]),
    "get_cluster": _out(["id"]),
    "generate_schema": _out(["data_schema"]),
    "create_instance": _out(["id"]),
    "list_instances": _out(["instances"]),
    "get_instance": _out(["id"]),
    "get_instance_schema": _out(["data_schema"]),
    "update_instance_schema": _out(["id"]),
    "update_instance_metadata": _out(["id"]),
    "delete_instance": _out(["deleted"]),
}


@dataclass
class Catalog:
    """The tools on offer at one moment, by name."""

    tools: dict[str, ToolSpec]
    bound_instance_id: str | None
    problem: str | None = None
    """Why the instance tools are the built-in fallback, when they are."""
    _mcp: list[types.Tool] | None = field(default=None, repr=False)

    def listing(self) -> list[types.Tool]:
        if self._mcp is None:
            self._mcp = [spec.to_mcp() for spec in self.tools.values()]
        return self._mcp


# -- instance tools ----------------------------------------------------------------------------


def _param(name: str, type_: str, description: str, **extra: Any) -> ToolParameter:
    return ToolParameter(name=name, type=type_, description=description, **extra)


# Used when the bound instance cannot be described: the SDK's own signatures (the words are
# TOOL_TEXT's and PARAMETER_TEXT's either way).
_TEXT = _param("text", "string", "")
_LOGIC = _param("extraction_logic", "string", "", enum=["fast", "regular", "deep"], default="deep")
_MUTATIONS = _param("structured_mutations", "array", "")
FALLBACK_TOOLS: tuple[ToolDescription, ...] = (
    ToolDescription(name="write", parameters=[_TEXT, _MUTATIONS, _LOGIC]),
    ToolDescription(name="write_async", parameters=[_TEXT, _MUTATIONS, _LOGIC]),
    ToolDescription(
        name="write_status", parameters=[_param("write_id", "string", "", required=True)]
    ),
    ToolDescription(
        name="read",
        parameters=[
            _param("query", "string", "", required=True),
            _param(
                "read_mode",
                "string",
                "",
                enum=["single-answer", "raw-tables", "xresponse"],
                default="single-answer",
            ),
        ],
    ),
    ToolDescription(
        name="extract", parameters=[_TEXT.model_copy(update={"required": True}), _LOGIC]
    ),
)


def instance_tools(
    describe: DescribeResult | None,
    *,
    bound_instance_id: str | None,
    instances: Sequence[InstanceInfo] | None,
    problem: str | None,
    write_wait: float,
) -> list[ToolSpec]:
    """The instance tools: parameters from `describe` when there is one, else the built-in
    fallback; descriptions in this server's words, the schema once (in `SCHEMA_HOME`)."""
    described = {t.name: t for t in describe.tools} if describe is not None else {}
    fallback = {t.name: t for t in FALLBACK_TOOLS}
    if "write_async" not in described and "write" in described:
        # Older servers describe only `write`; the queued twin takes the same arguments.
        described["write_async"] = described["write"].model_copy(update={"name": "write_async"})
    features = set(describe.features) if describe is not None else set()
    specs = []
    for name in INSTANCE_TOOL_NAMES:
        tool = described.get(name) or fallback[name]
        description = TOOL_TEXT[name]
        if name == "write":
            description += f" Waits up to {write_wait:g} s, else answers with its write_id (poll write_status)."
        if name == SCHEMA_HOME:
            summary = _schema_summary(describe)
            if summary:
                description += "\n\n" + summary
        if problem:
            description += f"\n\nNote: {problem}"
        schema = tool.input_schema()
        own_words = PARAMETER_TEXT[name]
        for param, spec in schema["properties"].items():
            if param in own_words:
                spec["description"] = own_words[param]
            elif param in KNOWN_PARAMETERS:
                spec.pop("description", None)  # said once, where the tool is described
        if name == "read" and "sql" in schema["properties"]:
            schema["properties"]["show_sql"] = {
                **SHOW_SQL,
                "description": own_words["show_sql"],
            }
        for param, feature in FEATURE_PARAMETERS.get(name, {}).items():
            if feature not in features:
                schema["properties"].pop(param, None)
        if name in ("write", "write_async"):
            schema["properties"]["objects"] = OBJECTS_SCHEMA
        _add_instance_id(
            schema, describe, bound_instance_id, instances, listing=name == SCHEMA_HOME
        )
        if not schema.get("required"):
            schema.pop("required", None)  # nothing required: the key says nothing
        specs.append(ToolSpec(name, description, schema, BEHAVIOURS[name], OUTPUT_SCHEMAS[name]))
    return specs


def _schema_summary(describe: DescribeResult | None) -> str:
    if describe is None:
        return ""
    name = describe.instance_name or describe.instance_id
    parts = [f"Memory instance: {name}."]
    if describe.schema_summary:
        parts.append(compact_summary(describe.schema_summary.strip()))
    return "\n".join(parts)


_KEY = re.compile(r"Primary key: (?P<key>[^.]+)\.")
_FIELD_LINE = re.compile(r"^\s+- (?P<name>[^\s(]+) \((?P<facts>[^)]*)\)(?::.*)?$")


def compact_summary(summary: str) -> str:
    """The backend's schema summary with each type's field lines folded into one.

    `  - due_date (date, YYYY-MM-DD): Deadline.` lines become `  fields: due_date (date), ...`:
    names, non-text types, `required` (unless the field is the key) and allowed values stay;
    the field descriptions go (the names say most of it; get_instance_schema has the rest).
    Lines of any other shape are kept as they are, so a summary in an unknown format passes
    through whole.
    """
    lines: list[str] = []
    fields: list[str] = []
    keys: set[str] = set()

    def flush() -> None:
        if fields:
            lines.append("  fields: " + ", ".join(fields))
            fields.clear()

    for line in summary.splitlines():
        match = _FIELD_LINE.match(line)
        if match is None:
            flush()
            lines.append(line)
            key = _KEY.search(line)
            keys = {k.strip() for k in key["key"].split(",")} if key else set()
        else:
            fields.append(_compact_field(match["name"], match["facts"], match["name"] in keys))
    flush()
    return "\n".join(lines)


def _compact_field(name: str, facts: str, is_key: bool) -> str:
    facts, _, allowed = facts.partition("one of: ")
    words = [w.strip() for w in facts.split(",") if w.strip()]
    kept = [w for w in words[:1] if w.lower() not in TEXT_TYPES]
    if not is_key:
        kept += [w for w in words[1:] if w == "required"]
    if allowed:
        kept.append("|".join(v.strip() for v in allowed.split(",")))
    return f"{name} ({', '.join(kept)})" if kept else name


def _add_instance_id(
    schema: dict[str, Any],
    describe: DescribeResult | None,
    bound_instance_id: str | None,
    instances: Sequence[InstanceInfo] | None,
    *,
    listing: bool,
) -> None:
    """The optional `instance_id`; the instances that exist are listed once (`listing`)."""
    properties: dict[str, Any] = schema["properties"]
    schema["additionalProperties"] = False
    if "instance_id" in properties:
        return
    if bound_instance_id is None:
        text = "The memory instance to act on (required: this server has no bound instance)."
        schema["required"] = [*schema.get("required", ()), "instance_id"]
    elif listing:
        text = "Another instance (default: the one above)."
    else:
        text = "Another instance (see write)."
    known = _known_instances(instances) if listing else ""
    if known:
        text += " " + known
    properties["instance_id"] = {"type": "string", "minLength": 1, "description": text}


def _known_instances(instances: Sequence[InstanceInfo] | None) -> str:
    if not instances:
        return ""
    shown = [f"{i.id} ({i.name})" if i.name else i.id for i in instances[:MAX_LISTED_INSTANCES]]
    text = "Instances: " + ", ".join(shown)
    hidden = len(instances) - len(shown)
    if hidden > 0:
        text += f", and {hidden} more (list_instances)"
    return text + "."


# -- admin tools -------------------------------------------------------------------------------


def _object(properties: dict[str, Any], required: Iterable[str] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    schema["additionalProperties"] = False
    return schema


def _id(description: str) -> dict[str, Any]:
    # No minLength: the SDK refuses an empty id before any I/O, with a message that says so.
    return {"type": "string", "description": description}


_IDS = {"type": "array", "items": {"type": "string"}}  # only these ids (default: all)
_SCHEMA_TEXT = {
    "type": ["string", "object"],
    "description": "YAML or JSON text, or the schema object (e.g. generate_schema's data_schema).",
}
_SCHEMA_TYPE = {"type": "string", "enum": ["yml", "json"], "default": "yml"}


def admin_tools(*, default_cluster_id: str | None, bound_instance_id: str | None) -> list[ToolSpec]:
    """One tool per admin method of the SDK; ids default to the bound instance where harmless."""
    cluster = _id("See list_clusters.")
    cluster_required: list[str] = []
    if default_cluster_id:
        cluster = _id("Default: this server's cluster.")
    else:
        cluster_required = ["cluster_id"]
    instance = _id("See list_instances.")
    instance_required: list[str] = []
    if bound_instance_id:
        instance = _id("Default: the bound instance.")
    else:
        instance_required = ["instance_id"]
    # Deleting never defaults: the id must be spelled out.
    target = _id("See list_instances.")

    definitions: list[tuple[str, str, dict[str, Any]]] = [
        (
            "list_clusters",
            "List the clusters instances live in (all, or these ids).",
            _object({"ids": _IDS}),
        ),
        (
            "get_cluster",
            "Get one cluster by id.",
            _object({"cluster_id": _id("See list_clusters.")}, ["cluster_id"]),
        ),
        (
            "generate_schema",
            "Design a schema from a plain-language description; stores nothing. To change one,"
            " give it as current_yml_schema and describe the change.",
            _object(
                {
                    "cluster_id": cluster,
                    "description": {"type": "string", "description": "What to remember."},
                    "current_yml_schema": {"type": ["string", "object"]},
                },
                [*cluster_required, "description"],
            ),
        ),
        (
            "create_instance",
            "Create a memory instance with its own schema and data; reach it with instance_id.",
            _object(
                {
                    "cluster_id": cluster,
                    "name": _STR,
                    "schema_text": _SCHEMA_TEXT,
                    "schema_type": _SCHEMA_TYPE,
                    "description": {"type": "string", "description": "What it is for."},
                    "schema_description": {"type": "string"},
                },
                [*cluster_required, "name", "schema_text"],
            ),
        ),
        ("list_instances", "List memory instances (all, or these ids).", _object({"ids": _IDS})),
        (
            "get_instance",
            "Get one instance: name, description, schema.",
            _object({"instance_id": instance}, instance_required),
        ),
        (
            "get_instance_schema",
            "Get an instance's schema.",
            _object({"instance_id": instance}, instance_required),
        ),
        (
            "update_instance_schema",
            "Replace an instance's schema; fields it drops are lost.",
            _object(
                {
                    "instance_id": instance,
                    "schema_text": {**_SCHEMA_TEXT, "description": "As in create_instance."},
                    "schema_type": _SCHEMA_TYPE,
                },
                [*instance_required, "schema_text"],
            ),
        ),
        (
            "update_instance_metadata",
            "Rename an instance and, when given, change its description.",
            _object(
                {
                    "instance_id": instance,
                    "name": _STR,
                    "description": _STR,
                },
                [*instance_required, "name"],
            ),
        ),
        (
            "delete_instance",
            "Delete an instance and all its data, for good. Ask the user first.",
            _object({"instance_id": target}, ["instance_id"]),
        ),
    ]
    return [
        ToolSpec(name, description, schema, BEHAVIOURS[name], OUTPUT_SCHEMAS[name], admin=True)
        for name, description, schema in definitions
    ]


def build_catalog(
    describe: DescribeResult | None,
    *,
    bound_instance_id: str | None,
    instances: Sequence[InstanceInfo] | None,
    default_cluster_id: str | None,
    admin: bool,
    write_wait: float,
    problem: str | None = None,
) -> Catalog:
    """All tools on offer: the instance tools, then (unless hidden) the admin tools."""
    specs = instance_tools(
        describe,
        bound_instance_id=bound_instance_id,
        instances=instances,
        problem=problem,
        write_wait=write_wait,
    )
    if admin:
        specs += admin_tools(
            default_cluster_id=default_cluster_id, bound_instance_id=bound_instance_id
        )
    return Catalog({s.name: s for s in specs}, bound_instance_id, problem)
