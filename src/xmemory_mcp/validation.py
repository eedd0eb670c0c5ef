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
        self._validators: dict[int, tuple[Mapping[str, Any], Validator]] = {}

    def problems(self, schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> list[str]:
        """Every way `arguments` fails `schema`, one line each; empty when they fit."""
        validator = self._validator(schema)
        lines = []
        for error in sorted(validator.iter_errors(arguments), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in error.path)
            lines.append(f"{where}: {error.message}" if where else error.message)
        return lines

    def _validator(self, schema: Mapping[str, Any]) -> Validator:
        # Keyed by identity: a catalog rebuild publishes new schema objects, so stale entries
        # simply stop being hit; the schema is kept alive with its validator so ids stay unique.
        cached = self._validators.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        # Imported on the first call, not at start-up: clients time the spawn.
        from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

        validator = Draft202012Validator(schema)
        if len(self._validators) > 256:
            self._validators.clear()
        self._validators[id(schema)] = (schema, validator)
        return validator
