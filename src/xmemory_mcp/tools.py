"""The tool catalog: instance tools built from `describe()`, admin tools for the SDK's admin API.

Instance tools (`write`, `write_async`, `write_status`, `read`, `extract`) take their name,
description (with when-to-use and the schema summary) and input schema from the bound
instance's `DescribeResult`, so the agent sees the memory's real object types. Each gains an
optional `instance_id` to reach another instance. When the bound instance cannot be described
(the API is down, the instance was deleted, none is bound) the catalog falls back to built-in
definitions of the same tools and says why in their descriptions, so the session stays usable.

Every published schema is also the validator of that tool's arguments (`Catalog.validate`).

`write` and `write_async` also take `objects` (what the agent already understood; see
`objects.py`), on any backend. Parameters for what only some backends serve are published only
when their describe() lists the feature: `sql` on read ("sql_read"), `source_text` and
`occurred_at` on writes ("episodes").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types

from xmemory import DescribeResult, InstanceInfo, ToolDescription, ToolParameter

INSTANCE_TOOL_NAMES = ("write", "write_async", "write_status", "read", "extract")
WITH_SCHEMA = frozenset({"write", "read", "extract"})
"""The tools whose use depends on the object types; the others stay short (context is costly)."""
SCHEMA_CHANGING_TOOLS = frozenset({"create_instance", "update_instance_schema", "delete_instance"})
MAX_LISTED_INSTANCES = 20
FEATURE_PARAMETERS = {
    "read": {"sql": "sql_read"},
    "write": {"source_text": "episodes", "occurred_at": "episodes"},
    "write_async": {"source_text": "episodes", "occurred_at": "episodes"},
}
"""Parameters published only when the backend's describe() lists the feature they need."""
OBJECTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "description": "What you already understood, stored as given (no extraction).",
    "items": {
        "type": "object",
        "required": ["type"],
        "additionalProperties": False,
        "properties": {
            "type": {"type": "string", "description": "An object type of this memory."},
            "name": {"type": "string", "description": "Fills the type's key (or name) field."},
            "fields": {"type": "object", "description": "The type's other fields."},
            "relations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "to"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"type": "string", "description": "A relation of this memory."},
                        "to": {"type": "string", "description": "The other end's name."},
                        "to_type": {"type": "string", "description": "Its type, if ambiguous."},
                        "role": {"type": "string", "description": "Its role, if ambiguous."},
                        "fields": {"type": "object", "description": "The relation's fields."},
                    },
                },
            },
        },
    },
}
OBJECTS_HELP = (
    "objects: give what you already understood instead of having text extracted, e.g."
    ' [{"type": "person", "name": "Ann Lee", "fields": {"email": "ann@acme.io"},'
    ' "relations": [{"type": "works_at", "to": "Acme"}]}, {"type": "organization", "name": "Acme"}].'
    " name is the type's primary key (else its name/title field); writing the same name again"
    " updates that record. Add text: your own sentence they came from, kept as their source."
)


@dataclass(frozen=True)
class Behaviour:
    """How a tool touches the memory, published as MCP tool annotations."""

    title: str
    read_only: bool
    destructive: bool = False
    idempotent: bool = False

    def annotations(self) -> types.ToolAnnotations:
        return types.ToolAnnotations(
            title=self.title,
            read_only_hint=self.read_only,
            destructive_hint=None if self.read_only else self.destructive,
            idempotent_hint=None if self.read_only else self.idempotent,
            open_world_hint=False,
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
    admin: bool = False

    def to_mcp(self) -> types.Tool:
        return types.Tool(
            name=self.name,
            title=self.behaviour.title,
            description=self.description,
            input_schema=self.input_schema,
            annotations=self.behaviour.annotations(),
        )


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


# Used when the bound instance cannot be described; mirrors the SDK's own signatures.
_TEXT = _param("text", "string", "Free-form text to remember: facts, in plain sentences.")
_LOGIC = _param(
    "extraction_logic",
    "string",
    "Speed/accuracy trade-off of extraction.",
    enum=["fast", "regular", "deep"],
    default="deep",
)
_MUTATIONS = _param(
    "structured_mutations",
    "array",
    "LLM-free edits instead of text, applied in order, e.g."
    ' {"object_mutation": {"object_type": "person", "create": {"key": {...}, "values": {...}}}}.',
)
FALLBACK_TOOLS: tuple[ToolDescription, ...] = (
    ToolDescription(
        name="write",
        description="Store information in memory: it is extracted into typed objects and merged.",
        when_to_use="When the user shares facts worth remembering. Give text or structured_mutations.",
        parameters=[_TEXT, _MUTATIONS, _LOGIC],
    ),
    ToolDescription(
        name="write_async",
        description="Queue a write and return its write_id at once, without waiting for it.",
        when_to_use="For large or many writes; poll write_status before reading what was written.",
        parameters=[_TEXT, _MUTATIONS, _LOGIC],
    ),
    ToolDescription(
        name="write_status",
        description="Where a queued write stands: queued, processing, completed or failed.",
        when_to_use="After write_async, or when write answered with a write_id still running.",
        parameters=[
            _param("write_id", "string", "The id write_async or write returned.", required=True)
        ],
    ),
    ToolDescription(
        name="read",
        description="Answer a question from memory.",
        when_to_use="Before answering anything that depends on what was stored earlier.",
        parameters=[
            _param("query", "string", "The question, in natural language.", required=True),
            _param(
                "read_mode",
                "string",
                "Answer shape: prose, raw tables, or objects and relations.",
                enum=["single-answer", "raw-tables", "xresponse"],
                default="single-answer",
            ),
        ],
    ),
    ToolDescription(
        name="extract",
        description="Preview what a write of this text would extract, storing nothing.",
        when_to_use="To check how text maps onto the schema before writing it.",
        parameters=[_TEXT.model_copy(update={"required": True}), _LOGIC],
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
    """The instance tools, from `describe` when there is one, else the built-in fallback."""
    described = {t.name: t for t in describe.tools} if describe is not None else {}
    fallback = {t.name: t for t in FALLBACK_TOOLS}
    if "write_async" not in described and "write" in described:
        # Older servers describe only `write`; the queued twin takes the same arguments.
        described["write_async"] = described["write"].model_copy(
            update={
                "name": "write_async",
                **fallback["write_async"].model_dump(include={"description", "when_to_use"}),
            }
        )
    summary = _schema_summary(describe)
    specs = []
    for name in INSTANCE_TOOL_NAMES:
        tool = described.get(name) or fallback[name]
        description = tool.full_description()
        if name in ("write", "write_async"):
            description += "\n\n" + OBJECTS_HELP
        if name == "write":
            description += (
                f"\n\nThis server waits up to {write_wait:g} s for the write, reporting progress,"
                " and answers with its status and changes; a longer write answers with its"
                " write_id instead (poll write_status)."
            )
        if summary and name in WITH_SCHEMA:
            description += "\n\n" + summary
        if problem:
            description += f"\n\nNote: {problem}"
        schema = tool.input_schema()
        features = set(describe.features) if describe is not None else set()
        for param, feature in FEATURE_PARAMETERS.get(name, {}).items():
            if feature not in features:
                schema["properties"].pop(param, None)
        if name in ("write", "write_async"):
            schema["properties"]["objects"] = OBJECTS_SCHEMA
        _add_instance_id(schema, describe, bound_instance_id, instances)
        specs.append(ToolSpec(name, description, schema, BEHAVIOURS[name]))
    return specs


def _schema_summary(describe: DescribeResult | None) -> str:
    if describe is None:
        return ""
    name = describe.instance_name or describe.instance_id
    parts = [f"Memory instance: {name} (id {describe.instance_id})."]
    if describe.schema_summary:
        parts.append("Schema:\n" + describe.schema_summary.strip())
    return "\n".join(parts)


def _add_instance_id(
    schema: dict[str, Any],
    describe: DescribeResult | None,
    bound_instance_id: str | None,
    instances: Sequence[InstanceInfo] | None,
) -> None:
    properties: dict[str, Any] = schema["properties"]
    schema["additionalProperties"] = False
    if "instance_id" in properties:
        return
    if bound_instance_id is None:
        text = "The memory instance to act on (required: this server has no bound instance)."
        schema["required"] = [*schema["required"], "instance_id"]
    else:
        bound = describe.instance_name if describe and describe.instance_name else bound_instance_id
        text = f"Another memory instance to act on; default: {bound} (id {bound_instance_id})."
    known = _known_instances(instances)
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
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _id(description: str) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description}


_IDS = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Only these ids (default: all).",
}
_SCHEMA_TEXT = {
    "type": ["string", "object"],
    "description": "The schema: YAML text (or JSON text with schema_type json), or the schema"
    " object itself, e.g. generate_schema's data_schema. Objects with typed fields, relations"
    " between them.",
}
_SCHEMA_TYPE = {
    "type": "string",
    "enum": ["yml", "json"],
    "default": "yml",
    "description": "The language schema_text is written in.",
}


def admin_tools(*, default_cluster_id: str | None, bound_instance_id: str | None) -> list[ToolSpec]:
    """One tool per admin method of the SDK; ids default to the bound instance where harmless."""
    cluster = _id("The cluster to work in (list_clusters shows them).")
    cluster_required: list[str] = []
    if default_cluster_id:
        cluster = _id(f"The cluster to work in; default: {default_cluster_id}.")
    else:
        cluster_required = ["cluster_id"]
    instance = _id("The instance (list_instances shows them).")
    instance_required: list[str] = []
    if bound_instance_id:
        instance = _id(f"The instance; default: the bound instance {bound_instance_id}.")
    else:
        instance_required = ["instance_id"]
    # Deleting never defaults: the id must be spelled out.
    target = _id("The instance (list_instances shows them).")

    definitions: list[tuple[str, str, dict[str, Any]]] = [
        ("list_clusters", "List the clusters instances live in.", _object({"ids": _IDS})),
        (
            "get_cluster",
            "Get one cluster by id.",
            _object({"cluster_id": _id("The cluster.")}, ["cluster_id"]),
        ),
        (
            "generate_schema",
            "Design a memory schema from a plain-language description of what to remember."
            " Stores nothing: pass the result to create_instance or update_instance_schema."
            " To change a schema, pass it as current_yml_schema and describe only the change.",
            _object(
                {
                    "cluster_id": cluster,
                    "description": {
                        "type": "string",
                        "description": "What to remember, in plain words.",
                    },
                    "current_yml_schema": {
                        "type": ["string", "object"],
                        "description": "The schema to change (YAML text or object); everything not described as changing is kept.",
                    },
                },
                [*cluster_required, "description"],
            ),
        ),
        (
            "create_instance",
            "Create a new memory instance with its own schema and data. The tool list is"
            " refreshed afterwards; reach the new instance with instance_id.",
            _object(
                {
                    "cluster_id": cluster,
                    "name": {"type": "string", "minLength": 1, "description": "A short name."},
                    "schema_text": _SCHEMA_TEXT,
                    "schema_type": _SCHEMA_TYPE,
                    "description": {"type": "string", "description": "What this memory is for."},
                    "schema_description": {
                        "type": "string",
                        "description": "The plain-language description the schema was made from.",
                    },
                },
                [*cluster_required, "name", "schema_text"],
            ),
        ),
        ("list_instances", "List memory instances.", _object({"ids": _IDS})),
        (
            "get_instance",
            "Get one instance: name, description and schema.",
            _object({"instance_id": instance}, instance_required),
        ),
        (
            "get_instance_schema",
            "Get an instance's schema.",
            _object({"instance_id": instance}, instance_required),
        ),
        (
            "update_instance_schema",
            "Replace an instance's schema. Stored objects and fields that remain are kept;"
            " fields the new schema drops are lost. The tool list is refreshed afterwards.",
            _object(
                {"instance_id": instance, "schema_text": _SCHEMA_TEXT, "schema_type": _SCHEMA_TYPE},
                [*instance_required, "schema_text"],
            ),
        ),
        (
            "update_instance_metadata",
            "Rename an instance and, when given, change its description.",
            _object(
                {
                    "instance_id": instance,
                    "name": {"type": "string", "minLength": 1, "description": "The new name."},
                    "description": {"type": "string", "description": "The new description."},
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
        ToolSpec(name, description, schema, BEHAVIOURS[name], admin=True)
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
