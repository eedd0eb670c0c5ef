"""The `forget` tool: erase for good what a text mentions, or one record (backends whose
describe() lists the "forget" feature: the engine, not the hosted API).

It is listed only when the server is started with `--forget-tool`: every byte of `tools/list`
sits in the agent's context on every turn, and the default list is held to a budget
(tests/mcp/test_mcp_context.py) that a sixteenth tool does not fit. The answer counts what
went, kind by kind, and never repeats what was forgotten.
"""

from __future__ import annotations

from typing import Any

import mcp_types as types

from xmemory import AsyncInstanceAPI, DescribeResult

from .results import success
from .tools import Behaviour, Catalog, ToolSpec

NAME = "forget"
FEATURE = "forget"
BEHAVIOUR = Behaviour("Forget for good", read_only=False, destructive=True, idempotent=True)
"""Destructive: nothing forgotten can be had back. Idempotent: forgetting again removes
nothing more."""
DESCRIPTION = (
    "Erase for good all stored that mentions text (whole words): records it names, values,"
    " history, sentences said. Or one record: object_type + xuid. Ask the user first."
)
OUTPUT_SCHEMA = {"type": "object", "required": ["forgotten"]}
_KINDS = (
    ("records", "record"),
    ("relations", "link"),
    ("fields", "field value"),
    ("history", "history entry"),
    ("sentences", "sentence"),
)


def input_schema(bound_instance_id: str | None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "text": {"type": "string", "minLength": 3},
        "object_type": {"type": "string"},
        "xuid": {"type": "string", "minLength": 1},
        "instance_id": {"type": "string", "minLength": 1},
    }
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if bound_instance_id is None:
        schema["required"] = ["instance_id"]
    schema["additionalProperties"] = False
    return schema


def add_tool(
    catalog: Catalog, describe: DescribeResult | None, bound_instance_id: str | None
) -> None:
    """Offer `forget` in `catalog` when the backend serves it."""
    if describe is None or FEATURE not in describe.features:
        return
    spec = ToolSpec(NAME, DESCRIPTION, input_schema(bound_instance_id), BEHAVIOUR, OUTPUT_SCHEMA)
    catalog.tools[NAME] = spec


async def call(instance: AsyncInstanceAPI, args: dict[str, Any]) -> types.CallToolResult:
    """Forget what `args` name on `instance`; the result counts what went."""
    from .operations import ArgumentsError  # operations.py calls this module

    text = args.get("text")
    record = args.get("object_type") is not None or args.get("xuid") is not None
    if (text is None) == (not record):
        raise ArgumentsError("give text, or object_type and xuid (not both)")
    if record and (not args.get("object_type") or not args.get("xuid")):
        raise ArgumentsError("object_type and xuid: both are needed to forget one record")
    result = await instance.forget(text, object_type=args.get("object_type"), xuid=args.get("xuid"))
    counts = result.forgotten
    gone = [
        f"{counts[key]} {word}{'' if counts[key] == 1 else 's'}"
        for key, word in _KINDS
        if counts.get(key)
    ]
    if not gone:
        headline = "Nothing stored mentions it; nothing was removed."
    else:
        headline = (
            "Forgotten for good: " + ", ".join(gone) + " (its words left the search index and"
            " the write log too)."
        )
    payload = {"forgotten": counts, "records": result.records, "write_id": result.write_id}
    return success(payload, headline)
