"""The `objects` argument of `write`: what the agent already understood, as structured mutations.

An agent's model gets this shape right the first time:

    {"type": "person", "name": "Ann Lee", "fields": {"email": "ann@acme.io"},
     "relations": [{"type": "works_at", "to": "Acme"}]}

`name` fills the type's naming field: its single text primary key, else a conventional name
field (name, full_name, title, topic, ...; also when the text key is not a name, like an email,
and such a field exists: then the key goes in `fields`); `fields` are the other fields; a relation names its
other end by name (`to`), with `to_type` / `role` when that is ambiguous, and that end may be in
the same call or already stored. `translate` turns the list into one write: objects first, then
relations; `upsert` when the backend lists the "upsert" feature, else `create` (a backend without
upsert answers 409 Conflict for a record that exists, and the caller retries that mutation with
`as_update`). Pure: no I/O, every problem reported with its `objects[i]...` path at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from .tools import TEXT_TYPES

V = TypeVar("V")

NAME_FIELDS = ("name", "full_name", "fullname", "title", "topic", "label", "subject", "headline")
"""Conventional naming fields, in order of preference, for types without a text primary key."""
OBJECT_KEYS = frozenset({"type", "name", "fields", "relations"})
RELATION_KEYS = frozenset({"type", "to", "to_type", "role", "fields"})
_MUTATION_INDEX = re.compile(r"structured_mutations\[(\d+)\]")


class ObjectsInvalid(ValueError):
    """The agent's `objects` do not fit the instance's schema; nothing was sent."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class TypeInfo:
    """One object type of the schema, as far as naming and keying need it."""

    name: str
    fields: dict[str, dict[str, Any]]
    primary_key: tuple[str, ...]

    # Cached: a batch of a thousand objects asks each of these twice per object, and the
    # answers depend only on the (frozen) type.
    @cached_property
    def naming_field(self) -> str | None:
        """The single text primary key, unless that is not a name (an email, a code) and the
        type has a conventional name field too: then that field, and the key goes in fields."""
        conventional = self.conventional_name_field
        if len(self.primary_key) == 1 and _is_text(self.fields.get(self.primary_key[0])):
            key = self.primary_key[0]
            if conventional is None or key.lower() in NAME_FIELDS:
                return key
        return conventional

    @cached_property
    def keyed_by_name(self) -> bool:
        """Whether a stored record can be found by its name alone."""
        return self.naming_field is not None and self.primary_key == (self.naming_field,)

    @cached_property
    def conventional_name_field(self) -> str | None:
        lowered = {f.lower(): f for f in self.fields}
        for candidate in NAME_FIELDS:
            found = lowered.get(candidate)
            if found is not None and _is_text(self.fields[found]):
                return found
        return None


@dataclass(frozen=True)
class RelationInfo:
    name: str
    roles: dict[str, str]  # role -> object type
    fields: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class SchemaView:
    """The parts of an instance's `data_schema` the translation needs."""

    objects: dict[str, TypeInfo]
    relations: dict[str, RelationInfo]

    @classmethod
    def of(cls, data_schema: Mapping[str, Any]) -> SchemaView:
        objects: dict[str, TypeInfo] = {}
        for name, spec in (data_schema.get("objects") or {}).items():
            spec = spec or {}
            objects[name] = TypeInfo(
                name, dict(spec.get("fields") or {}), tuple(spec.get("primary_key") or ())
            )
        relations: dict[str, RelationInfo] = {}
        for name, spec in (data_schema.get("relations") or {}).items():
            spec = spec or {}
            relations[name] = RelationInfo(
                name, dict(spec.get("objects") or {}), dict(spec.get("fields") or {})
            )
        return cls(objects, relations)

    def object_type(self, name: str) -> TypeInfo | None:
        return _lookup(self.objects, name)

    def relation_type(self, name: str) -> RelationInfo | None:
        return _lookup(self.relations, name)


def _lookup(table: Mapping[str, V], name: str) -> V | None:
    if name in table:
        return table[name]
    by_lower = [v for k, v in table.items() if k.lower() == name.lower()]
    return by_lower[0] if len(by_lower) == 1 else None


def _is_text(spec: Mapping[str, Any] | None) -> bool:
    return spec is not None and str(spec.get("type", "str")).lower() in TEXT_TYPES


@dataclass
class Plan:
    """The write: mutations in the wire shape, and which `objects[...]` each came from."""

    mutations: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def source_of(self, where: str | None) -> str | None:
        """The `objects[...]` path behind a server error's `structured_mutations[k]...` field."""
        match = _MUTATION_INDEX.search(where or "")
        if match is None or int(match.group(1)) >= len(self.sources):
            return None
        return self.sources[int(match.group(1))]

    def index_in(self, where: str | None) -> int | None:
        match = _MUTATION_INDEX.search(where or "")
        if match is None or int(match.group(1)) >= len(self.mutations):
            return None
        return int(match.group(1))

    def as_update(self, index: int) -> bool:
        """Turn the `create` at `index` into an `update` (after a 409); False if it is not one."""
        mutation = self.mutations[index]
        kind = "object_mutation" if "object_mutation" in mutation else "relation_mutation"
        body = mutation[kind]
        if "create" not in body:
            return False
        change = dict(body.pop("create"))
        if kind == "object_mutation":
            change.setdefault("values", {})
        body["update"] = change
        return True


@dataclass
class _Resolved:
    path: str
    type: TypeInfo
    key: dict[str, Any] | None
    name: str | None
    """The object's `name`, as given."""
    named: Any
    """Its naming field's value."""

    @cached_property
    def names(self) -> set[str]:
        """What a relation's `to` may call it (asked only when a relation names one)."""
        found = set()
        if self.name:
            found.add(self.name.lower())
        if self.named:
            found.add(str(self.named).lower())
        return found


_UNLINKED = _Resolved("", TypeInfo("", {}, ()), None, None, None)
"""What `_object` answers for an object that translated when no relation asks what it
resolved to."""


def translate(objects: Any, data_schema: Mapping[str, Any], *, upsert: bool) -> Plan:
    """The structured mutations for `objects`; `ObjectsInvalid` listing every problem."""
    schema = SchemaView.of(data_schema)
    problems: list[str] = []
    if not isinstance(objects, list) or not objects:
        raise ObjectsInvalid(["objects: a non-empty list of objects"])
    plan = Plan()
    # What each object resolved to is asked for by relations only: a batch without any (the
    # usual 1,000 objects) is translated without building one per object.
    linked = any(isinstance(item, dict) and "relations" in item for item in objects)
    resolved: list[_Resolved | None] = []
    for i, item in enumerate(objects):
        resolved.append(_object(item, f"objects[{i}]", schema, upsert, plan, problems, linked))
    if not linked:
        if problems:
            raise ObjectsInvalid(problems)
        return plan
    for i, item in enumerate(objects):
        here = resolved[i]
        if here is None or not isinstance(item, dict):
            continue
        links = item.get("relations") or []
        if not isinstance(links, list):
            problems.append(f"objects[{i}].relations: a list of {{type, to}}")
            continue
        for j, link in enumerate(links):
            path = f"objects[{i}].relations[{j}]"
            mutation = _relation(link, path, here, resolved, schema, upsert, problems)
            if mutation is not None:
                plan.mutations.append(mutation)
                plan.sources.append(path)
    if problems:
        raise ObjectsInvalid(problems)
    return plan


def _object(
    item: Any,
    path: str,
    schema: SchemaView,
    upsert: bool,
    plan: Plan,
    problems: list[str],
    linked: bool = True,
) -> _Resolved | None:
    """The object's mutation, added to `plan`; what it resolved to when `linked` (relations
    ask for it), else `_UNLINKED` for an object that translated; None for one that did not."""
    if not isinstance(item, dict):
        problems.append(f"{path}: an object {{type, name, fields, relations}}")
        return None
    if not item.keys() <= OBJECT_KEYS:
        unknown = [k for k in item if k not in OBJECT_KEYS]
        # The published schema leaves the item shape to this check (it is taught by example).
        problems.append(
            f"{path}: unknown key(s) {', '.join(map(repr, unknown))}; an object has"
            " type, name, fields and relations"
        )
        return None
    type_name = item.get("type")
    spec = schema.object_type(type_name) if isinstance(type_name, str) else None
    if spec is None:
        problems.append(
            f"{path}.type: unknown object type {type_name!r}; this memory has: "
            + ", ".join(schema.objects)
        )
        return None
    fields = item.get("fields") or {}
    if not isinstance(fields, dict):
        problems.append(f"{path}.fields: an object of field: value")
        return None
    ok = True
    spec_fields = spec.fields
    if fields.keys() <= spec_fields.keys():  # the usual case: every field by its own name
        values: dict[str, Any] = dict(fields)
    else:
        values = {}
        for fname, value in fields.items():
            known = fname if fname in spec_fields else _field_name(spec_fields, fname)
            if known is None:
                problems.append(
                    f"{path}.fields.{fname}: {spec.name} has no field {fname!r}; its fields"
                    " are: " + ", ".join(spec.fields)
                )
                ok = False
            else:
                values[known] = value
    name = item.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        problems.append(f"{path}.name: a non-empty string")
        return None
    if name is not None:
        target = spec.naming_field
        if target is None:
            problems.append(
                f"{path}.name: {spec.name} has no naming field; give its fields instead"
                + (f" (key: {', '.join(spec.primary_key)})" if spec.primary_key else "")
            )
            ok = False
        elif target in values and values[target] != name:
            problems.append(
                f"{path}.name: {name!r} fills {spec.name}.{target}, which fields also sets to "
                f"{values[target]!r}; give it once"
            )
            ok = False
        else:
            values[target] = name
    if not ok:
        return None
    named = values.get(spec.naming_field) if spec.naming_field is not None else None
    if not spec.primary_key:
        # No key to find a stored record by: every write of it is a new record.
        plan.mutations.append(
            {"object_mutation": {"object_type": spec.name, "create": {"values": values}}}
        )
        plan.sources.append(path)
        return _Resolved(path, spec, None, name, named) if linked else _UNLINKED
    if any(values.get(k) is None for k in spec.primary_key):
        missing = [k for k in spec.primary_key if values.get(k) is None]
        if spec.naming_field in missing and name is None:
            problems.append(
                f"{path}.name: missing; a {spec.name} is named by its {spec.naming_field}"
            )
        else:
            problems.append(
                f"{path}.fields: a {spec.name} is identified by {', '.join(spec.primary_key)};"
                f" missing {', '.join(missing)}"
            )
        return None
    key = {k: values.pop(k) for k in spec.primary_key}
    change: dict[str, Any] = {"key": key}
    if values:
        change["values"] = values
    action = "upsert" if upsert else "create"
    plan.mutations.append({"object_mutation": {"object_type": spec.name, action: change}})
    plan.sources.append(path)
    return _Resolved(path, spec, key, name, named) if linked else _UNLINKED


def _field_name(fields: Mapping[str, Any], name: Any) -> str | None:
    if not isinstance(name, str):
        return None
    if name in fields:  # the usual case, without building the case-insensitive table
        return name
    return _lookup({k: k for k in fields}, name)


def _relation(
    link: Any,
    path: str,
    source: _Resolved,
    resolved: list[_Resolved | None],
    schema: SchemaView,
    upsert: bool,
    problems: list[str],
) -> dict[str, Any] | None:
    if not isinstance(link, dict):
        problems.append(f"{path}: an object {{type, to, to_type?, role?}}")
        return None
    unknown = [k for k in link if k not in RELATION_KEYS]
    if unknown:
        problems.append(
            f"{path}: unknown key(s) {', '.join(map(repr, unknown))}; a relation has"
            " type, to, to_type, role and fields"
        )
        return None
    rel_name, to = link.get("type"), link.get("to")
    rel = schema.relation_type(rel_name) if isinstance(rel_name, str) else None
    if rel is None:
        known = [
            f"{r.name} ({', '.join(f'{k}: {t}' for k, t in r.roles.items())})"
            for r in schema.relations.values()
        ]
        problems.append(
            f"{path}.type: unknown relation {rel_name!r}; this memory has: "
            + (", ".join(known) or "none")
        )
        return None
    if not isinstance(to, str) or not to.strip():
        problems.append(f"{path}.to: the name of the other end")
        return None
    if len(rel.roles) != 2:
        problems.append(
            f"{path}: {rel.name} links {len(rel.roles)} roles; write it with structured_mutations"
        )
        return None
    to_type = link.get("to_type")
    role = link.get("role")
    pairs = [
        (mine, other)
        for mine, mine_type in rel.roles.items()
        for other, other_type in rel.roles.items()
        if mine != other
        and mine_type.lower() == source.type.name.lower()
        and (to_type is None or other_type.lower() == str(to_type).lower())
        and (role is None or other.lower() == str(role).lower())
    ]
    in_call = [
        r for r in resolved if r is not None and r is not source and to.strip().lower() in r.names
    ]
    if len(pairs) > 1 and in_call:
        narrowed = [p for p in pairs if any(rel.roles[p[1]] == r.type.name for r in in_call)]
        pairs = narrowed or pairs
    roles_text = ", ".join(f"{k}: {t}" for k, t in rel.roles.items())
    if not pairs:
        problems.append(
            f"{path}: {rel.name} ({roles_text}) does not link a {source.type.name}"
            + (f" to a {to_type}" if to_type else "")
            + (f" as {role}" if role else "")
        )
        return None
    if len(pairs) > 1:
        problems.append(
            f"{path}: ambiguous, {to!r} could be the "
            + " or the ".join(other for _, other in pairs)
            + f" of {rel.name} ({roles_text}); add role"
        )
        return None
    mine, other = pairs[0]
    target_type = schema.objects[rel.roles[other]]
    matches = [r for r in in_call if r.type.name == target_type.name]
    if len(matches) > 1 and len({str(m.key) for m in matches}) > 1:
        problems.append(
            f"{path}.to: {to!r} names {len(matches)} different {target_type.name}s here"
        )
        return None
    if source.key is None:
        problems.append(
            f"{path}: a {source.type.name} has no key to link by; write this relation with "
            "structured_mutations and the record's xuid"
        )
        return None
    target_key = matches[0].key if matches else _stored_key(target_type, to.strip())
    if target_key is None:
        problems.append(
            f"{path}.to: a stored {target_type.name} cannot be found by name (its key is "
            f"{', '.join(target_type.primary_key) or 'only its xuid'}); put it in objects too"
        )
        return None
    values = link.get("fields") or {}
    if not isinstance(values, dict):
        problems.append(f"{path}.fields: an object of field: value")
        return None
    for fname in values:
        if _field_name(rel.fields, fname) is None:
            problems.append(
                f"{path}.fields.{fname}: {rel.name} has no field {fname!r}"
                + (f"; its fields are: {', '.join(rel.fields)}" if rel.fields else "")
            )
            return None
    change: dict[str, Any] = {
        "endpoints": [
            {"object_name": mine, "key": dict(source.key)},
            {"object_name": other, "key": dict(target_key)},
        ]
    }
    if values:
        change["values"] = {_field_name(rel.fields, k): v for k, v in values.items()}
    action = "upsert" if upsert else "create"
    return {"relation_mutation": {"relation_type": rel.name, action: change}}


def _stored_key(spec: TypeInfo, name: str) -> dict[str, Any] | None:
    """The key of a stored record named `name`, when the type is keyed by its naming field."""
    return {spec.primary_key[0]: name} if spec.keyed_by_name else None
