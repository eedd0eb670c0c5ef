"""Structured mutations: LLM-free edits, checked against the schema before they are queued and
applied in order inside one transaction.

Wire shapes (WIRE.md), each item one of:

    {"object_mutation":   {"object_type": T, "create": {"key": {...}, "values": {...}}}}
    {"object_mutation":   {"object_type": T, "update": {"key": {...}, "values": {...}}}}
    {"object_mutation":   {"object_type": T, "delete": {"key": {...}}}}
    {"object_mutation":   {"object_type": T, "upsert": {"key": {...}, "values": {...}}}}
    {"relation_mutation": {"relation_type": R, "create": {"endpoints": [...], "values": {...}}}}
    {"relation_mutation": {"relation_type": R, "upsert": {"endpoints": [...], "values": {...}}}}
    {"relation_mutation": {"relation_type": R, "update": {"endpoints"| "key", "values"}}}
    {"relation_mutation": {"relation_type": R, "delete": {"endpoints"| "key", ...}}}

`key` holds all primary-key fields of the type, or `{"xuid": ...}`. A null in `values` clears
that field. `upsert` creates the record (or link) when none has that key (those endpoints), else
updates it with `values`, leaving the fields not given alone; it is what an agent sends when it
does not know what is stored (an upsert keyed by xuid only updates). Malformed items are 400s; items that do not fit the schema are 422s; both are
found before the job is queued. What can only be known against stored data (a key that
matches nothing, a duplicate) fails the job, and a failed job changes nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Literal

from xmemory_engine.errors import Conflict, InvalidRequest, PayloadTooLarge, Unprocessable
from xmemory_engine.schema import FieldSpec, ObjectSpec, RelationSpec, Schema
from xmemory_engine.service.changes import ChangeLog, key_of
from xmemory_engine.service.names import find_object_spec, find_relation_spec
from xmemory_engine.store.base import Record, Tables

Action = Literal["create", "update", "delete", "upsert"]
_ACTIONS: tuple[Action, ...] = ("create", "update", "delete", "upsert")


@dataclass(slots=True)
class ObjectOp:
    index: int
    spec: ObjectSpec
    action: Action
    key: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        # Built when an error names it, not for each of a batch's thousand mutations.
        return f"{_item(self.index)}.object_mutation"


@dataclass(slots=True)
class EndpointRef:
    role: str
    key: dict[str, Any]


@dataclass(slots=True)
class RelationOp:
    index: int
    spec: RelationSpec
    action: Action
    key: dict[str, Any]
    endpoints: list[EndpointRef]
    values: dict[str, Any] = field(default_factory=dict)
    allow_bulk_delete: bool = False

    @property
    def path(self) -> str:
        return f"{_item(self.index)}.relation_mutation"


Op = ObjectOp | RelationOp


# -- parsing -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Known:
    """An object type as one write's mutations name it, with what each of them checks."""

    spec: ObjectSpec
    key_fields: frozenset[str]
    required: tuple[str, ...]


def parse_mutations(raw: Any, schema: Schema, *, max_count: int) -> list[Op]:
    """Check `structured_mutations` against `schema`; InvalidRequest / Unprocessable naming the
    offending item (`structured_mutations[2].object_mutation.update.values.age`)."""
    base = "structured_mutations"
    if not isinstance(raw, list):
        raise InvalidRequest("structured_mutations must be a list of mutations", field=base)
    if not raw:
        raise InvalidRequest("structured_mutations is empty: there is nothing to write", field=base)
    if len(raw) > max_count:
        raise PayloadTooLarge(
            f"{len(raw)} mutations in one write; the limit is {max_count} (split the batch)",
            field=base,
        )
    known: dict[str, _Known] = {}  # object types by the name the mutations give
    return [_parse_one(item, i, schema, known) for i, item in enumerate(raw)]


def _item(index: int) -> str:
    return f"structured_mutations[{index}]"


def _parse_one(item: Any, index: int, schema: Schema, known: dict[str, _Known]) -> Op:
    if not isinstance(item, dict):
        raise InvalidRequest("a mutation is an object", field=_item(index))
    body = item.get("object_mutation")
    other = item.get("relation_mutation")
    if (body is None) == (other is None):
        raise InvalidRequest(
            "a mutation has exactly one of 'object_mutation' and 'relation_mutation'",
            field=_item(index),
        )
    kind = "object_mutation" if body is not None else "relation_mutation"
    if body is None:
        body = other
    if not isinstance(body, dict):
        raise InvalidRequest(f"{kind} is an object", field=f"{_item(index)}.{kind}")
    actions = [a for a in _ACTIONS if body.get(a) is not None]
    if len(actions) != 1:
        raise InvalidRequest(
            "exactly one of 'create', 'update', 'delete' and 'upsert' is set",
            field=f"{_item(index)}.{kind}",
        )
    action = actions[0]
    change = body[action]
    if not isinstance(change, dict):
        raise InvalidRequest(f"'{action}' is an object", field=f"{_item(index)}.{kind}.{action}")
    if kind == "object_mutation":
        return _parse_object_op(body, action, change, index, schema, known)
    return _parse_relation_op(body, action, change, index, f"{_item(index)}.{kind}", schema)


def _type_name(body: dict[str, Any], name: str, path: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidRequest(f"'{name}' names the type to change", field=f"{path}.{name}")
    return value


def _mapping(change: dict[str, Any], name: str, path: str) -> dict[str, Any]:
    value = change.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidRequest(f"'{name}' is an object", field=f"{path}.{name}")
    return value


def _object_type(
    body: dict[str, Any], index: int, schema: Schema, known: dict[str, _Known]
) -> _Known:
    name = body.get("object_type")
    found = known.get(name) if isinstance(name, str) else None
    if found is not None:
        return found
    path = f"{_item(index)}.object_mutation"
    name = _type_name(body, "object_type", path)
    spec = find_object_spec(schema, name)
    if spec is None:
        names = ", ".join(schema.objects)
        raise Unprocessable(
            f"unknown object type {name!r}; this instance has: {names}",
            field=f"{path}.object_type",
        )
    required = tuple(f for f, s in spec.fields.items() if s.required)
    found = known[name] = _Known(spec, frozenset(spec.primary_key), required)
    return found


def _parse_object_op(
    body: dict[str, Any],
    action: Action,
    change: dict[str, Any],
    index: int,
    schema: Schema,
    known: dict[str, _Known],
) -> ObjectOp:
    typed = _object_type(body, index, schema, known)
    spec = typed.spec
    key = _coerced(spec.fields, _part(change, "key", index, action), index, action, "key")
    values = _coerced(spec.fields, _part(change, "values", index, action), index, action, "values")
    if action == "delete" and values:
        raise InvalidRequest("a delete takes no 'values'", field=_at(index, action, "values"))
    if action == "create":
        if "xuid" in key:
            raise Unprocessable(
                "a create cannot choose the xuid (the engine generates it); key by the "
                "primary-key fields",
                field=_at(index, action, "key"),
            )
        for k, v in key.items():
            if k in values and values[k] != v:
                raise Unprocessable(
                    f"{k!r} is given twice with different values (key and values)",
                    field=_at(index, action, f"values.{k}"),
                )
        merged = key | values
        missing = [f for f in spec.primary_key if merged.get(f) is None]
        if missing:
            raise Unprocessable(
                f"creating a {spec.name} needs its primary key {list(spec.primary_key)}; "
                f"missing {missing}",
                field=_at(index, action, "key"),
            )
        required = [f for f in typed.required if merged.get(f) is None]
        if required:
            raise Unprocessable(
                f"creating a {spec.name} needs the required field(s) {required}",
                field=_at(index, action, f"values.{required[0]}"),
            )
        return ObjectOp(index, spec, action, key={}, values=merged)
    # The usual key, all of the primary-key fields and nothing else, needs no closer look.
    if (
        not typed.key_fields
        or "xuid" in key
        or key.keys() != typed.key_fields
        or None in key.values()
    ):
        _check_identity(spec, key, _at(index, action, "key"))
    if action == "upsert":
        for k, v in key.items():
            if k in values and values[k] != v:
                raise Unprocessable(
                    f"{k!r} is given twice with different values (key and values); an upsert "
                    "cannot rename (use update)",
                    field=_at(index, action, f"values.{k}"),
                )
    if typed.required and None in values.values():
        for fname, value in values.items():
            if value is None and spec.fields[fname].required:
                raise Unprocessable(
                    f"{fname!r} is required for {spec.name} and cannot be cleared",
                    field=_at(index, action, f"values.{fname}"),
                )
    return ObjectOp(index, spec, action, key=key, values=values)


def _at(index: int, action: str, rest: str) -> str:
    """Where in the request an object mutation's part is (for an error: built only then)."""
    return f"{_item(index)}.object_mutation.{action}.{rest}"


def _part(change: dict[str, Any], name: str, index: int, action: str) -> dict[str, Any]:
    value = change.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidRequest(f"'{name}' is an object", field=_at(index, action, name))
    return value


def _coerced(
    fields: dict[str, FieldSpec], raw: dict[str, Any], index: int, action: str, part: str
) -> dict[str, Any]:
    """`_coerce_map` for an object mutation's key or values. ASCII text for a text field
    without allowed values is what `FieldSpec.coerce` returns: when every value is such, the
    request's own mapping serves (nothing applying a write changes it), else each value goes
    through `_coerce_map`, whose errors name the path."""
    for fname, value in raw.items():
        fspec = fields.get(fname)
        if (
            fspec is None
            or type(value) is not str
            or fspec.type != "str"
            or fspec.enum is not None
            or not value.isascii()
        ):
            break
    else:
        return raw
    where = f"{_item(index)}.object_mutation.{action}.{part}"
    return _coerce_map(fields, raw, where, allow_xuid=part == "key")


def _check_identity(spec: ObjectSpec, key: dict[str, Any], path: str) -> None:
    if "xuid" in key:
        if len(key) != 1:
            raise Unprocessable("key by 'xuid' alone, or by the primary-key fields", field=path)
        return
    if not spec.primary_key:
        raise Unprocessable(
            f"{spec.name} has no primary key; identify the record by {{'xuid': ...}}", field=path
        )
    if set(key) != set(spec.primary_key) or any(v is None for v in key.values()):
        raise Unprocessable(
            f"key {spec.name} by all of its primary-key fields {list(spec.primary_key)} "
            "(or by 'xuid')",
            field=path,
        )


def _parse_relation_op(
    body: dict[str, Any],
    action: Action,
    change: dict[str, Any],
    index: int,
    path: str,
    schema: Schema,
) -> RelationOp:
    name = _type_name(body, "relation_type", path)
    spec = find_relation_spec(schema, name)
    if spec is None:
        known = ", ".join(schema.relations) or "(none)"
        raise Unprocessable(
            f"unknown relation type {name!r}; this instance has: {known}",
            field=f"{path}.relation_type",
        )
    here = f"{path}.{action}"
    key = _mapping(change, "key", here)
    if key and (set(key) != {"xuid"} or not isinstance(key["xuid"], str)):
        raise Unprocessable("a relation is keyed by {'xuid': ...} only", field=f"{here}.key")
    values = _coerce_map(spec.fields, _mapping(change, "values", here), f"{here}.values")
    raw_endpoints = change.get("endpoints") or []
    if not isinstance(raw_endpoints, list):
        raise InvalidRequest("'endpoints' is a list", field=f"{here}.endpoints")
    endpoints = [
        _parse_endpoint(e, spec, schema, f"{here}.endpoints[{i}]")
        for i, e in enumerate(raw_endpoints)
    ]
    roles = [e.role for e in endpoints]
    if len(set(roles)) != len(roles):
        raise Unprocessable("a role is given twice", field=f"{here}.endpoints")
    if action in ("create", "upsert"):
        missing = [r for r in spec.roles if r not in roles]
        if missing or key:
            verb = "creating" if action == "create" else "upserting"
            raise Unprocessable(
                f"{verb} a {spec.name} needs one endpoint per role {list(spec.roles)}"
                + (f"; missing {missing}" if missing else ""),
                field=f"{here}.endpoints",
            )
    elif not key and not endpoints:
        raise Unprocessable(
            "identify the relation by 'endpoints' or by 'key': {'xuid': ...}",
            field=f"{here}.endpoints",
        )
    if action == "update" and not key and len(endpoints) != len(spec.roles):
        raise Unprocessable(
            f"updating a {spec.name} by endpoints needs one per role {list(spec.roles)}",
            field=f"{here}.endpoints",
        )
    if action == "delete" and values:
        raise InvalidRequest("a delete takes no 'values'", field=f"{here}.values")
    bulk = change.get("allow_bulk_delete", False)
    if not isinstance(bulk, bool):
        raise InvalidRequest("'allow_bulk_delete' is true or false", field=f"{here}")
    return RelationOp(index, spec, action, key, endpoints, values, bulk)


def _parse_endpoint(raw: Any, rel: RelationSpec, schema: Schema, path: str) -> EndpointRef:
    if not isinstance(raw, dict):
        raise InvalidRequest("an endpoint is {'object_name': ROLE, 'key': {...}}", field=path)
    name = raw.get("object_name")
    if not isinstance(name, str) or not name:
        raise InvalidRequest("'object_name' names the role", field=f"{path}.object_name")
    role = _resolve_role(rel, name)
    if role is None:
        raise Unprocessable(
            f"{name!r} is not a role of {rel.name}; its roles are "
            + ", ".join(f"{r} ({t})" for r, t in rel.roles.items()),
            field=f"{path}.object_name",
        )
    target = schema.objects[rel.roles[role]]
    raw_key = raw.get("key")
    if not isinstance(raw_key, dict) or not raw_key:
        raise InvalidRequest("'key' identifies the endpoint's object", field=f"{path}.key")
    key = _coerce_map(target.fields, raw_key, f"{path}.key", allow_xuid=True)
    _check_identity(target, key, f"{path}.key")
    return EndpointRef(role, key)


def _resolve_role(rel: RelationSpec, name: str) -> str | None:
    """A role by its name, else by the object type playing it when only one role has it."""
    for role in rel.roles:
        if role == name or role.lower() == name.lower():
            return role
    by_type = [r for r, t in rel.roles.items() if t.lower() == name.lower()]
    return by_type[0] if len(by_type) == 1 else None


def _coerce_map(
    fields: dict[str, FieldSpec], raw: dict[str, Any], path: str, *, allow_xuid: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fname, value in raw.items():
        if allow_xuid and fname == "xuid":
            if not isinstance(value, str) or not value:
                raise Unprocessable("'xuid' is a non-empty string", field=f"{path}.xuid")
            out["xuid"] = value
            continue
        fspec = fields.get(fname)
        if fspec is None:
            known = ", ".join(fields)
            raise Unprocessable(
                f"unknown field {fname!r}; the fields are: {known}", field=f"{path}.{fname}"
            )
        try:
            out[fname] = fspec.coerce(value)
        except ValueError as exc:
            raise Unprocessable(f"{fname!r}: {exc}", field=f"{path}.{fname}") from exc
    return out


# -- applying ----------------------------------------------------------------------------------


def apply_mutations(tables: Tables, ops: list[Op], log: ChangeLog) -> None:
    """Apply `ops` in order; the first that cannot apply raises and the caller rolls back.

    A run of creates and upserts of one object type by distinct primary keys is applied as
    one batch (one lookup of the keys, one insert of the new records): the same outcome as
    one by one, since none of them can see another."""
    index = 0
    while index < len(ops):
        op = ops[index]
        run, keys = _batch_run(ops, index)
        try:
            if len(run) > 1:
                _apply_batch(tables, run, keys, log)
                index += len(run)
                continue
            if isinstance(op, ObjectOp):
                _apply_object(tables, op, log)
            else:
                _apply_relation(tables, op, log)
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"{op.path}: {exc}", field=op.path) from exc
        index += 1


def _batch_key(op: Op) -> tuple[Any, ...] | None:
    """The primary key a create or upsert is about, when it can join a batch."""
    if not isinstance(op, ObjectOp):
        return None
    pk = op.spec.primary_key
    if not pk:
        # A create of a type with no key matches nothing stored: it joins a batch as itself
        # (a thousand notes were a thousand inserts).
        return ("", op.index) if op.action == "create" else None
    if op.action == "create":
        named = op.values
    elif op.action == "upsert" and "xuid" not in op.key:
        named = op.key
        # An upsert that renames its key could collide with a later create: one by one.
        values = op.values
        if any(k in values and values[k] != named.get(k) for k in pk):
            return None
    else:
        return None
    key = tuple([named.get(k) for k in pk])
    return None if None in key else key


def _batch_run(ops: list[Op], start: int) -> tuple[list[ObjectOp], list[tuple[Any, ...]]]:
    """The longest run from `start` that can be applied as one batch (possibly just one),
    with the key of each."""
    first = ops[start]
    key = _batch_key(first)
    if key is None or not isinstance(first, ObjectOp):
        return [], []
    run: list[ObjectOp] = [first]
    keys = [key]
    seen = {key}
    spec = first.spec
    for index in range(start + 1, len(ops)):
        op = ops[index]
        key = _batch_key(op)
        if key is None or not isinstance(op, ObjectOp) or op.spec is not spec or key in seen:
            break
        seen.add(key)
        run.append(op)
        keys.append(key)
    return run, keys


def _apply_batch(
    tables: Tables, run: list[ObjectOp], keys: list[tuple[Any, ...]], log: ChangeLog
) -> None:
    spec = run[0].spec
    stored = tables.find_by_keys(spec, keys)
    required = [f for f, s in spec.fields.items() if s.required]
    rows: list[dict[str, Any]] = []
    for op, key in zip(run, keys, strict=True):
        existing = stored.get(key)
        if op.action == "create":
            if existing is not None:
                pk = dict(zip(spec.primary_key, key, strict=True))
                raise Conflict(
                    f"a {spec.name} with {_describe_key(pk)} already exists "
                    f"(xuid {existing['xuid']}); use update to change it",
                    field=op.path,
                    resource_id=existing["xuid"],
                )
            rows.append(op.values)
        elif existing is None:
            values = op.key | op.values
            for f in required:
                if values.get(f) is None:
                    _require_for_upsert(spec, op, values)
            rows.append(values)
    try:
        created = iter(tables.insert_many(spec, rows))
    except sqlite3.IntegrityError as exc:
        raise Conflict(f"{run[0].path}: {exc}", field=run[0].path) from exc
    for op, key in zip(run, keys, strict=True):
        existing = stored.get(key)
        if existing is not None and op.action == "upsert":
            _update_object(tables, op, existing, log)
            continue
        record = next(created)
        log.created_record(spec, record)
        if log.report:
            log.step(_plan(op, record, "create"))


def _find(tables: Tables, spec: ObjectSpec, key: dict[str, Any]) -> Record | None:
    if "xuid" in key:
        return tables.get(spec, key["xuid"])
    return tables.find_by_key(spec, key)


def _describe_key(key: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in key.items())


def _apply_object(tables: Tables, op: ObjectOp, log: ChangeLog) -> None:
    spec = op.spec
    if op.action == "upsert":
        found = _find(tables, spec, op.key)
        if found is not None:
            _update_object(tables, op, found, log)
        elif "xuid" in op.key:
            raise Unprocessable(
                f"no stored {spec.name} has {_describe_key(op.key)} (an upsert keyed by xuid "
                "only updates)",
                field=f"{op.path}.upsert.key",
            )
        else:
            _create_upserted(tables, op, log)
        return
    if op.action == "create":
        if spec.primary_key:
            pk = {k: op.values.get(k) for k in spec.primary_key}
            existing = tables.find_by_key(spec, pk)
            if existing is not None:
                raise Conflict(
                    f"a {spec.name} with {_describe_key(pk)} already exists "
                    f"(xuid {existing['xuid']}); use update to change it",
                    field=op.path,
                    resource_id=existing["xuid"],
                )
        record = tables.insert(spec, op.values)
        log.created_record(spec, record)
        log.step(_plan(op, record, "create"))
        return
    found = _find(tables, spec, op.key)
    if found is None:
        raise Unprocessable(
            f"no stored {spec.name} has {_describe_key(op.key)}", field=f"{op.path}.{op.action}.key"
        )
    if op.action == "delete":
        for rel, link in tables.links_of(found["xuid"]):
            tables.delete(rel, link["xuid"])
            log.deleted_record(rel, link)
        tables.delete(spec, found["xuid"])
        log.deleted_record(spec, found)
        log.step(_plan(op, found, "delete"))
        return
    _update_object(tables, op, found, log)


def _create_upserted(tables: Tables, op: ObjectOp, log: ChangeLog) -> None:
    """The create half of an upsert: only now is it known that the required fields must be set."""
    spec = op.spec
    values = op.key | op.values
    _require_for_upsert(spec, op, values)
    record = tables.insert(spec, values)
    log.created_record(spec, record)
    log.step(_plan(op, record, "create"))


def _require_for_upsert(spec: ObjectSpec, op: ObjectOp, values: dict[str, Any]) -> None:
    required = [f for f, s in spec.fields.items() if s.required and values.get(f) is None]
    if required:
        raise Unprocessable(
            f"no stored {spec.name} has {_describe_key(op.key)}, and creating one needs the "
            f"required field(s) {required}",
            field=f"{op.path}.upsert.values.{required[0]}",
        )


def _update_object(tables: Tables, op: ObjectOp, found: Record, log: ChangeLog) -> None:
    spec = op.spec
    changed = {k: v for k, v in op.values.items() if found.get(k) != v}
    if not changed:
        log.step(_plan(op, found, "unchanged"))
        return
    new_pk = {k: (changed.get(k, found.get(k))) for k in spec.primary_key}
    if spec.primary_key and any(k in changed for k in spec.primary_key):
        other = tables.find_by_key(spec, new_pk)
        if other is not None and other["xuid"] != found["xuid"]:
            raise Conflict(
                f"another {spec.name} already has {_describe_key(new_pk)}",
                field=f"{op.path}.{op.action}.values",
                resource_id=other["xuid"],
            )
    after = tables.update(spec, found["xuid"], changed)
    log.updated_record(spec, found, after)
    log.step(_plan(op, after, "update"))


def _plan(op: ObjectOp, record: Record, operation: str) -> dict[str, Any]:
    return {
        "operation": operation,
        "kind": "object",
        "object_type": op.spec.name,
        "xuid": record["xuid"],
        "key": key_of(op.spec, record),
        "values": op.values,
        "source": f"structured_mutations[{op.index}]",
    }


def _resolve_endpoints(tables: Tables, op: RelationOp) -> dict[str, str]:
    resolved: dict[str, str] = {}
    for end in op.endpoints:
        target = tables.schema.objects[op.spec.roles[end.role]]
        found = _find(tables, target, end.key)
        if found is None:
            raise Unprocessable(
                f"endpoint {end.role!r}: no stored {target.name} has {_describe_key(end.key)}",
                field=f"{op.path}.{op.action}.endpoints",
            )
        resolved[end.role] = found["xuid"]
    return resolved


def _apply_relation(tables: Tables, op: RelationOp, log: ChangeLog) -> None:
    spec = op.spec
    if op.key:
        found = tables.get(spec, op.key["xuid"])
        matches = [found] if found is not None else []
    else:
        endpoints = _resolve_endpoints(tables, op)
        matches = tables.find_links(spec, endpoints)
        if op.action == "create" or (op.action == "upsert" and not matches):
            if matches:
                raise Conflict(
                    f"this {spec.name} already exists (xuid {matches[0]['xuid']}); "
                    "use update to change its values",
                    field=op.path,
                    resource_id=matches[0]["xuid"],
                )
            values = dict(op.values)
            values.update({spec.role_column(r): x for r, x in endpoints.items()})
            record = tables.insert(spec, values)
            log.created_record(spec, record)
            log.step(_relation_plan(op, record, "create"))
            return
    if not matches:
        raise Unprocessable(f"no stored {spec.name} matches", field=f"{op.path}.{op.action}")
    if op.action == "delete":
        if len(matches) > 1 and not op.allow_bulk_delete:
            raise Unprocessable(
                f"{len(matches)} {spec.name} relations match; set allow_bulk_delete to delete "
                "them all, or give every endpoint",
                field=f"{op.path}.delete",
            )
        for link in matches:
            tables.delete(spec, link["xuid"])
            log.deleted_record(spec, link)
            log.step(_relation_plan(op, link, "delete"))
        return
    link = matches[0]
    changed = {k: v for k, v in op.values.items() if link.get(k) != v}
    if not changed:
        log.step(_relation_plan(op, link, "unchanged"))
        return
    after = tables.update(spec, link["xuid"], changed)
    log.updated_record(spec, link, after)
    log.step(_relation_plan(op, after, "update"))


def _relation_plan(op: RelationOp, record: Record, operation: str) -> dict[str, Any]:
    return {
        "operation": operation,
        "kind": "relation",
        "relation_type": op.spec.name,
        "xuid": record["xuid"],
        "endpoints": {r: record[op.spec.role_column(r)] for r in op.spec.roles},
        "values": op.values,
        "source": f"structured_mutations[{op.index}]",
    }
