"""Checking a call's arguments against the input schema the tool published.

A published schema that is never applied is a promise nobody keeps; here every call is held to
it before anything is forwarded, and each violation is reported in words the model can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Validator = Any  # jsonschema ships no type information


class ArgumentChecker:
    """Compiled validators, one per published schema, built on first use."""

    def __init__(self) -> None:
        self._validators: dict[int, tuple[Mapping[str, Any], _Compiled]] = {}

    def problems(self, schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> list[str]:
        """Every way `arguments` fails `schema`, one line each; empty when they fit."""
        if fits(schema, arguments):
            return []
        validator = self._validator(schema).for_arguments(arguments)
        lines = []
        for error in sorted(validator.iter_errors(arguments), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in error.path)
            lines.append(f"{where}: {error.message}" if where else error.message)
        return lines

    def _validator(self, schema: Mapping[str, Any]) -> _Compiled:
        # Keyed by identity: a catalog rebuild publishes new schema objects, so stale entries
        # simply stop being hit; the schema is kept alive with its validator so ids stay unique.
        cached = self._validators.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        compiled = _Compiled(schema)
        if len(self._validators) > 256:
            self._validators.clear()
        self._validators[id(schema)] = (schema, compiled)
        return compiled


class _Compiled:
    """A schema's validator, and one that leaves out the items of its plain object lists.

    A list argument whose items need only be objects holding some keys (`objects`: each an
    object with a "type") was walked item by item by the validator: ~20 ms of a 1,000-object
    write. When every item plainly is such an object, those items cannot fail, so the
    validator without them finds exactly the same problems; otherwise the whole schema is
    applied, and its messages are the ones given."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        # Imported on the first call, not at start-up: clients time the spawn.
        from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

        self.full = Draft202012Validator(schema)
        self.plain_lists: dict[str, list[str]] = {}
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            for name, spec in properties.items():
                required = _plain_object_items(spec)
                if required is not None:
                    self.plain_lists[name] = required
        self.lean = self.full
        if self.plain_lists:
            lean = dict(schema)
            lean["properties"] = {
                name: {k: v for k, v in spec.items() if k != "items"}
                if name in self.plain_lists
                else spec
                for name, spec in properties.items()  # type: ignore[union-attr]
            }
            self.lean = Draft202012Validator(lean)

    def for_arguments(self, arguments: Mapping[str, Any]) -> Validator:
        for name, required in self.plain_lists.items():
            items = arguments.get(name)
            if isinstance(items, list) and not all(
                isinstance(item, dict) and all(key in item for key in required) for item in items
            ):
                return self.full
        return self.lean


# The keywords `fits` judges; a schema with any other is left to jsonschema.
_JUDGED = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "enum", "minItems"}
    | {"minLength", "description", "default", "title"}
)
_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def fits(schema: Any, value: Any) -> bool:
    """True when `value` certainly satisfies `schema`; False when it may not (jsonschema then
    judges it and says why).

    The tools' schemas use a few keywords (`_JUDGED`), and arguments that fit them are nearly
    every call: for those, jsonschema (its import, ~70 ms of the server's start-up, and its
    walk over every value) is not needed to find nothing wrong. What this does not judge
    exactly (another keyword, a float where JSON Schema sees an integer, an enum of
    non-strings) answers False."""
    if not isinstance(schema, Mapping) or not schema.keys() <= _JUDGED:
        return False
    kind = schema.get("type")
    if kind is not None and not _of_type(kind, value):
        return False
    if "enum" in schema:
        enum = schema["enum"]
        if not (
            isinstance(value, str)
            and isinstance(enum, list)
            and all(isinstance(e, str) for e in enum)
            and value in enum
        ):
            return False
    # Each keyword below applies to values of its own type only, as in JSON Schema.
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        return False
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            return False
        items = schema.get("items")
        if items is not None:
            required = _plain_object_items_of(items)
            if required is not None:
                # Items that need only be objects holding some keys (`objects`: 1,000 of
                # them in a batch): judged in one pass, not one `fits` call per item.
                if not all(
                    type(item) is dict and all(key in item for key in required) for item in value
                ):
                    return False
            elif not all(fits(items, item) for item in value):
                return False
    if isinstance(value, dict):
        return _object_fits(schema, value)
    return True


def _object_fits(schema: Mapping[str, Any], value: dict[Any, Any]) -> bool:
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    if not isinstance(properties, Mapping) or not isinstance(required, list):
        return False
    if not all(key in value for key in required):
        return False
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            if not fits(properties[key], item):
                return False
        elif extra is False or (extra is not True and not fits(extra, item)):
            return False
    return True


def _of_type(kind: Any, value: Any) -> bool:
    for name in [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []:
        if name in ("integer", "number") and isinstance(value, bool):
            continue  # not a number to JSON Schema
        if name == "integer" and isinstance(value, int):
            return True
        if name == "number" and isinstance(value, int | float):
            return True
        if name in _TYPES and isinstance(value, _TYPES[name]):
            return True
    return False


def _plain_object_items(spec: Any) -> list[str] | None:
    """The keys each item must hold, when `spec` is an array whose items schema says only
    that they are objects holding those keys; None otherwise."""
    if not isinstance(spec, Mapping) or spec.get("type") != "array":
        return None
    return _plain_object_items_of(spec.get("items"))


def _plain_object_items_of(items: Any) -> list[str] | None:
    """The keys an item must hold, when the items schema `items` says only that each is an
    object holding those keys; None otherwise."""
    if not isinstance(items, Mapping) or items.get("type") != "object":
        return None
    if set(items) - {"type", "required"}:
        return None
    required = items.get("required", [])
    if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
        return None
    return list(required)
