"""Reading a model's reply: JSON out of the text, then checked against the instance schema.

A check never guesses: what does not fit is listed, one line per fault, so that the list can
be quoted back to the model in the single repair round.
"""

from __future__ import annotations

import json
import re
from typing import Any

from xmemory_engine.minds.base import ExtractedObject, ExtractedRelation, Extraction
from xmemory_engine.schema import FieldSpec, Schema

_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n?(.*?)\n?```$", re.DOTALL)


class ReplyInvalid(ValueError):
    """The model's reply does not fit what was asked; `errors` says how, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_json(text: str) -> Any:
    """The JSON value in a reply: bare, in a Markdown fence, or the outermost {...} in prose."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1).strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as first:
        start, end = stripped.find("{"), stripped.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(stripped[start : end + 1])
            except json.JSONDecodeError:
                pass
        snippet = stripped[:120] + ("..." if len(stripped) > 120 else "")
        raise ReplyInvalid([f"the reply is not JSON ({first.msg}): {snippet!r}"]) from None


def parse_object(text: str, keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON object reply that has at least `keys`."""
    data = parse_json(text)
    if not isinstance(data, dict):
        raise ReplyInvalid([f"the reply must be a JSON object, not {type(data).__name__}"])
    missing = [k for k in keys if k not in data]
    if missing:
        raise ReplyInvalid([f"the reply lacks the key(s) {', '.join(missing)}"])
    return data


def check_extraction(data: Any, schema: Schema) -> Extraction:
    """The extraction in `data`, with every value coerced to its field; ReplyInvalid otherwise.

    Unknown object types, relations and fields are refused, as are values that do not fit
    their field. Nulls mean "not mentioned" and are left out; an object with no value at all
    says nothing and is dropped, together with relations pointing at it.
    """
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ReplyInvalid(["the reply must be a JSON object with 'objects' and 'relations'"])
    unknown_top = set(data) - {"objects", "relations"}
    if unknown_top:
        errors.append(f"unknown top-level key(s): {', '.join(sorted(unknown_top))}")
    if "objects" not in data:
        errors.append("'objects' is missing (use [] when the text states nothing)")
    raw_objects = data.get("objects", [])
    raw_relations = data.get("relations") or []
    if not isinstance(raw_objects, list):
        errors.append("'objects' must be a list")
        raw_objects = []
    if not isinstance(raw_relations, list):
        errors.append("'relations' must be a list")
        raw_relations = []

    objects: list[ExtractedObject] = []
    refs: dict[str, str] = {}  # ref -> object type
    empty_refs: set[str] = set()
    for i, raw in enumerate(raw_objects):
        obj = _check_object(raw, f"objects[{i}]", schema, errors)
        if obj is None:
            continue
        if obj.ref in refs or obj.ref in empty_refs:
            errors.append(f"objects[{i}].ref: {obj.ref!r} is used by two objects; refs are unique")
            continue
        if obj.values:
            refs[obj.ref] = obj.object_type
            objects.append(obj)
        else:
            empty_refs.add(obj.ref)

    relations: list[ExtractedRelation] = []
    for i, raw in enumerate(raw_relations):
        rel = _check_relation(raw, f"relations[{i}]", schema, refs, empty_refs, errors)
        if rel is not None:
            relations.append(rel)
    if errors:
        raise ReplyInvalid(errors)
    return Extraction(objects=objects, relations=relations)


def _check_object(raw: Any, path: str, schema: Schema, errors: list[str]) -> ExtractedObject | None:
    if not isinstance(raw, dict):
        errors.append(f"{path}: must be an object with 'type', 'ref' and 'values'")
        return None
    type_name = raw.get("type")
    try:
        spec = schema.object(str(type_name))
    except KeyError:
        known = ", ".join(schema.objects)
        errors.append(f"{path}.type: {type_name!r} is not an object type here (known: {known})")
        return None
    ref = raw.get("ref")
    if not isinstance(ref, str) or not ref.strip():
        errors.append(f"{path}.ref: a non-empty string is required")
        return None
    values = _check_values(raw.get("values"), spec.fields, f"{path}.values", errors)
    if values is None:
        return None
    return ExtractedObject(object_type=spec.name, values=values, ref=ref.strip())


def _check_relation(
    raw: Any,
    path: str,
    schema: Schema,
    refs: dict[str, str],
    empty_refs: set[str],
    errors: list[str],
) -> ExtractedRelation | None:
    if not isinstance(raw, dict):
        errors.append(f"{path}: must be an object with 'type' and 'endpoints'")
        return None
    type_name = raw.get("type")
    try:
        spec = schema.relation(str(type_name))
    except KeyError:
        known = ", ".join(schema.relations) or "none"
        errors.append(f"{path}.type: {type_name!r} is not a relation here (known: {known})")
        return None
    endpoints = raw.get("endpoints")
    if not isinstance(endpoints, dict):
        errors.append(f"{path}.endpoints: must map each role to an object's ref")
        return None
    roles = set(spec.roles)
    if set(endpoints) != roles:
        errors.append(
            f"{path}.endpoints: give exactly the roles {', '.join(sorted(roles))} "
            f"(got {', '.join(sorted(map(str, endpoints))) or 'none'})"
        )
        return None
    clean: dict[str, str] = {}
    for role, ref in endpoints.items():
        if ref in empty_refs:
            return None  # it points at an object that said nothing; drop both quietly
        if ref not in refs:
            errors.append(f"{path}.endpoints.{role}: {ref!r} is not the ref of any object")
            return None
        if refs[ref] != spec.roles[role]:
            errors.append(
                f"{path}.endpoints.{role}: {ref!r} is a {refs[ref]}, the role needs a "
                f"{spec.roles[role]}"
            )
            return None
        clean[role] = ref
    values = _check_values(raw.get("values") or {}, spec.fields, f"{path}.values", errors)
    if values is None:
        return None
    return ExtractedRelation(relation_type=spec.name, endpoints=clean, values=values)


def _check_values(
    raw: Any, fields: dict[str, FieldSpec], path: str, errors: list[str]
) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.append(f"{path}: must be an object of field values")
        return None
    folded = {name.lower(): name for name in fields}
    values: dict[str, Any] = {}
    ok = True
    for key, value in raw.items():
        name = key if key in fields else folded.get(str(key).lower())
        if name is None:
            errors.append(f"{path}.{key}: not a field (fields: {', '.join(fields)})")
            ok = False
            continue
        try:
            coerced = fields[name].coerce(_enum_case(fields[name], value))
        except ValueError as exc:
            errors.append(f"{path}.{key}: {exc}")
            ok = False
            continue
        if isinstance(coerced, str):
            coerced = coerced.strip()
            if not coerced:
                continue
        if coerced is not None:
            values[name] = coerced
    return values if ok else None


def _enum_case(spec: FieldSpec, value: Any) -> Any:
    """An enum value written in another case ("Customer") as the schema spells it."""
    if spec.enum is None or not isinstance(value, str):
        return value
    for allowed in spec.enum:
        if isinstance(allowed, str) and allowed.casefold() == value.strip().casefold():
            return allowed
    return value
