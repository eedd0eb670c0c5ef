"""`validation.fits` says True only where jsonschema finds nothing wrong, for every published
tool schema: each argument is tried as given, and changed every way a schema can refuse."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from mcp_support import Connected

from xmemory_mcp.settings import Settings
from xmemory_mcp.validation import ArgumentChecker, fits

ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    1.0,
    2.5,
    -1,
    "",
    "x",
    "read",
    [],
    [1],
    {},
    {"a": 1},
]


def example(schema: Any) -> Any:
    """A value that fits `schema` (required properties, every enum's first value)."""
    if not isinstance(schema, dict):
        return None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object":
        props = schema.get("properties", {})
        return {k: example(props.get(k, {})) for k in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {})) for _ in range(max(1, schema.get("minItems", 0)))]
    if kind == "integer":
        return 3
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "x" * max(1, schema.get("minLength", 0))


def variants(schema: dict[str, Any], base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield base
    props = schema.get("properties", {})
    for name, spec in props.items():
        for odd in [*ODD_VALUES, example(spec)]:
            changed = copy.deepcopy(base)
            changed[name] = odd
            yield changed
            if isinstance(odd, list) and isinstance(spec, dict) and spec.get("items"):
                for item in ODD_VALUES:
                    yield {**changed, name: [example(spec["items"]), item]}
    for name in base:
        yield {k: v for k, v in base.items() if k != name}
    yield {**base, "unexpected": 1}


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", forget_tool=True, portable_tools=True)


@pytest.mark.anyio
async def test_fits_only_what_jsonschema_accepts(connected: Connected) -> None:
    tools = (await connected.session.list_tools()).tools
    checker = ArgumentChecker()
    judged = 0
    for tool in tools:
        schema = tool.input_schema
        validator = Draft202012Validator(schema)
        base = example(schema)
        assert fits(schema, base), tool.name
        for arguments in variants(schema, base):
            errors = list(validator.iter_errors(arguments))
            if fits(schema, arguments):
                judged += 1
                assert not errors, (tool.name, arguments)
            # The checker's answer is jsonschema's, whichever path it took.
            assert bool(checker.problems(schema, arguments)) == bool(errors), (tool.name, arguments)
    assert judged > 50


def test_what_it_leaves_to_jsonschema() -> None:
    assert not fits({"type": "integer"}, 1.0)  # an integer to JSON Schema
    assert not fits({"type": "integer"}, True)
    assert not fits({"type": "number"}, False)
    assert not fits({"enum": [1, 2]}, 1)
    assert not fits({"type": "string", "pattern": "x"}, "x")
    assert fits({"type": "integer"}, 7)
    assert fits({"type": ["string", "null"]}, None)
    assert fits({"type": "object", "additionalProperties": {"type": "string"}}, {"a": "b"})
    assert not fits({"type": "object", "additionalProperties": {"type": "string"}}, {"a": 1})
    assert fits({"minLength": 3}, 5)  # minLength says nothing of a number
