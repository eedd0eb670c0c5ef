"""What a write did, as the wire reports it: `changes`, `diff_plan` and `cleaned_objects`.

Shapes (every list entry names its kind, so one list can mix objects and relations):

- object entries: `{"kind": "object", "object_type", "xuid", "key", ...}` where `key` holds the
  primary-key fields (or `{"xuid": ...}` for a type without one);
- relation entries: `{"kind": "relation", "relation_type", "xuid", "endpoints": {role: xuid}}`;
- `created` / `deleted` entries carry `values` (the non-null fields); `updated` entries carry
  `before` and `after` for the fields that changed;
- `diff_plan` lists every planned operation in order: `create`, `update`, `delete`,
  `unchanged`, `skip` (with `reason`), each with how it was matched (`matched_by`);
- `cleaned_objects` is `{"objects": [...], "relations": [...]}`: every object and relation the
  write created or updated, as stored after it (the xresponse shapes).
"""

from __future__ import annotations

import json
from typing import Any

from xmemory_engine.schema import ObjectSpec, RelationSpec
from xmemory_engine.store.base import Record, Tables


def present(spec: ObjectSpec | RelationSpec, record: Record) -> dict[str, Any]:
    """The non-null field values of a record."""
    return {f: record[f] for f in spec.fields if record.get(f) is not None}


def key_of(spec: ObjectSpec, record: Record) -> dict[str, Any]:
    """How a record is identified on the wire: its primary-key fields, else its xuid."""
    if spec.primary_key:
        return {k: record.get(k) for k in spec.primary_key}
    return {"xuid": record["xuid"]}


def endpoints_of(spec: RelationSpec, record: Record) -> dict[str, str]:
    return {role: record[spec.role_column(role)] for role in spec.roles}


def object_wire(spec: ObjectSpec, record: Record) -> dict[str, Any]:
    """A stored object as xresponse and cleaned_objects show it."""
    return {
        "object_type": spec.name,
        "xuid": record["xuid"],
        "values": present(spec, record),
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
    }


def relation_wire(spec: RelationSpec, record: Record) -> dict[str, Any]:
    """A stored relation as xresponse and cleaned_objects show it."""
    return {
        "relation_type": spec.name,
        "xuid": record["xuid"],
        "endpoints": endpoints_of(spec, record),
        "values": present(spec, record),
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
    }


class ChangeLog:
    """Collects a write's changes and plan while it is applied, inside its transaction.

    `report=False` for a write whose caller does not wait for its report (`write_async`):
    all that is kept of it is `bounded_changes`, so no plan or cleaned objects are gathered
    and each list stops at `STATUS_ENTRIES` (entries past those never fit in its bytes); the
    counts are exact either way."""

    def __init__(self, max_reported: int, *, report: bool = True) -> None:
        self.report = report
        self.max_reported = max_reported if report else min(max_reported, STATUS_ENTRIES)
        self.created: list[dict[str, Any]] = []
        self.updated: list[dict[str, Any]] = []
        self.deleted: list[dict[str, Any]] = []
        self.plan: list[dict[str, Any]] = []
        self.counts = {"created": 0, "updated": 0, "deleted": 0}
        # xuids created/updated, in order, still present, with the record as it now is (the
        # insert's or update's own), so the report needs no second read of them.
        self._touched: dict[str, tuple[ObjectSpec | RelationSpec, Record, dict[str, Any]]] = {}
        self._truncated = False

    def _keep(self, bucket: list[dict[str, Any]], name: str, entry: dict[str, Any]) -> None:
        self.counts[name] += 1
        if len(bucket) < self.max_reported:
            bucket.append(entry)
        else:
            self._truncated = True

    def step(self, entry: dict[str, Any]) -> None:
        if not self.report:
            return
        if len(self.plan) < self.max_reported:
            self.plan.append(entry)
        else:
            self._truncated = True

    def _identify(self, spec: ObjectSpec | RelationSpec, record: Record) -> dict[str, Any]:
        if isinstance(spec, ObjectSpec):
            return {
                "kind": "object",
                "object_type": spec.name,
                "xuid": record["xuid"],
                "key": key_of(spec, record),
            }
        return {
            "kind": "relation",
            "relation_type": spec.name,
            "xuid": record["xuid"],
            "endpoints": endpoints_of(spec, record),
        }

    def created_record(self, spec: ObjectSpec | RelationSpec, record: Record) -> None:
        if not self.report and len(self.created) >= self.max_reported:
            self.counts["created"] += 1  # counted; an entry it cannot keep is not built
            self._truncated = True
            return
        values = present(spec, record)
        entry = self._identify(spec, record) | {"values": values}
        self._keep(self.created, "created", entry)
        if self.report:
            self._touched[record["xuid"]] = (spec, record, values)

    def updated_record(
        self, spec: ObjectSpec | RelationSpec, before: Record, after: Record
    ) -> None:
        changed = [f for f in spec.fields if before.get(f) != after.get(f)]
        entry = self._identify(spec, after) | {
            "before": {f: before.get(f) for f in changed},
            "after": {f: after.get(f) for f in changed},
        }
        self._keep(self.updated, "updated", entry)
        # Keeps its place if touched before.
        if self.report:
            self._touched[after["xuid"]] = (spec, after, present(spec, after))

    def deleted_record(self, spec: ObjectSpec | RelationSpec, record: Record) -> None:
        entry = self._identify(spec, record) | {"values": present(spec, record)}
        self._keep(self.deleted, "deleted", entry)
        self._touched.pop(record["xuid"], None)

    def result(self, tables: Tables) -> dict[str, Any]:
        """The write's report, from the records as the write left them."""
        touched = list(self._touched.values())[: self.max_reported]
        objects = [_wire(s, r, v) for s, r, v in touched if isinstance(s, ObjectSpec)]
        relations = [_wire(s, r, v) for s, r, v in touched if isinstance(s, RelationSpec)]
        changes: dict[str, Any] = {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "counts": dict(self.counts),
        }
        if self._truncated:
            changes["truncated"] = True
        return {
            "changes": changes,
            "diff_plan": self.plan,
            "cleaned_objects": {"objects": objects, "relations": relations},
        }


def _wire(
    spec: ObjectSpec | RelationSpec, record: Record, values: dict[str, Any]
) -> dict[str, Any]:
    """`object_wire` / `relation_wire`, with the values already gathered."""
    head: dict[str, Any]
    if isinstance(spec, ObjectSpec):
        head = {"object_type": spec.name, "xuid": record["xuid"]}
    else:
        head = {
            "relation_type": spec.name,
            "xuid": record["xuid"],
            "endpoints": endpoints_of(spec, record),
        }
    return head | {
        "values": values,
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
    }


STATUS_CHANGES_BYTES = 8192
"""The most JSON a write's `changes` take where they are kept for `write_status` (the catalog,
and the instance's marker until the catalog has them)."""
STATUS_ENTRIES = STATUS_CHANGES_BYTES // 64
"""More entries of one list than `bounded_changes` can keep: the smallest entry (kind, type,
32-digit xuid, key or endpoints) is over 80 bytes of JSON."""
_SHORT_TEXT = 200
_LISTS = ("created", "updated", "deleted")


def bounded_changes(changes: Any, limit: int = STATUS_CHANGES_BYTES) -> Any:
    """`changes` as kept for `write_status`: whole when they fit in `limit` bytes of JSON;
    else with texts over 200 characters shortened and as many first entries of each list as
    fit, `counts` exact and `truncated` set. The write's own reply is not shortened. Costs
    what fits in `limit`, however many entries there are."""
    if not isinstance(changes, dict):
        return changes
    rest = {k: v for k, v in changes.items() if k not in _LISTS}
    # `truncated` left out of the room: whether the report was cut before (ChangeLog's
    # `report=False`) must not change what is kept of it.
    room = limit - len(json.dumps({k: v for k, v in rest.items() if k != "truncated"})) - 64
    left = room
    for name in _LISTS:
        for entry in changes.get(name) or []:
            left -= len(json.dumps(entry)) + 2
            if left < 0:
                break
        if left < 0:
            break
    else:
        return changes
    kept: dict[str, list[Any]] = {name: [] for name in _LISTS}
    left = room
    for name in _LISTS:
        for entry in changes.get(name) or []:
            short = _shorten(entry)
            size = len(json.dumps(short)) + 2
            if size > left:
                break
            kept[name].append(short)
            left -= size
    return rest | kept | {"truncated": True}


def _shorten(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _SHORT_TEXT:
        return value[:_SHORT_TEXT] + "…"
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten(v) for v in value]
    return value
