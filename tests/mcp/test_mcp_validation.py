"""`ArgumentChecker` gives the same problems whichever validator it uses for a list of plain
objects (`validation._Compiled`): the one without the items when every item fits, the whole
schema otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from xmemory_mcp.tools import OBJECTS_SCHEMA
from xmemory_mcp.validation import ArgumentChecker

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"objects": OBJECTS_SCHEMA, "text": {"type": "string"}},
    "additionalProperties": False,
}


def _whole_schema(arguments: dict[str, Any]) -> list[str]:
    """What the validator of the whole schema says, in the checker's wording."""
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(arguments), key=lambda e: list(e.path))
    return [
        f"{'/'.join(str(p) for p in e.path)}: {e.message}" if e.path else e.message for e in errors
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        {"objects": [{"type": "person", "name": f"P {i}"} for i in range(1000)]},
        {"objects": [{"type": "person"}, {"name": "no type"}, 5, "text", None]},
        {"objects": [{"type": "person"}], "text": 7},
        {"objects": [], "extra": True},
        {"objects": "not a list"},
        {"text": "only text"},
    ],
)
def test_the_problems_are_those_of_the_whole_schema(arguments: dict[str, Any]) -> None:
    checker = ArgumentChecker()
    assert checker.problems(SCHEMA, arguments) == _whole_schema(arguments)
    assert checker.problems(SCHEMA, arguments) == _whole_schema(arguments)  # compiled once


def test_a_list_item_without_its_key_is_named() -> None:
    problems = ArgumentChecker().problems(SCHEMA, {"objects": [{"type": "a"}, {"name": "b"}]})
    assert problems == ["objects/1: 'type' is a required property"]
