"""The memory page's write log, and undoing a write as structured mutations.

The log is the catalog's jobs of one instance, newest first (the catalog keeps the newest
1,000 finished ones with their changes, `store/catalog.py`), each with the words it was kept
as (its episode).

Undo does not touch the store: `undo_plan` turns a write's reported changes into the
structured mutations that reverse them, checked against what is stored now, and the page
sends those to `/write` like any agent, so the schema's rules, the queue order, history and
provenance hold for an undo too (the undo is itself a write that can be undone). A change a
later write has changed again is left alone and said so (`skipped`), never overwritten.
"""

from __future__ import annotations

from typing import Any

from xmemory_engine.errors import InvalidRequest, Unprocessable
from xmemory_engine.schema import ObjectSpec, RelationSpec
from xmemory_engine.store.base import JobRow, Record, Tables
from xmemory_engine.ui.records import MAX_PAGE, _connection

MAX_SAID = 300


def log_entries(tables: Tables, jobs: list[JobRow]) -> list[dict[str, Any]]:
    """The jobs as log entries, each with the first words of its episode."""
    conn = _connection(tables)
    said: dict[str, tuple[int, str]] = {}
    ids = [job.id for job in jobs]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for episode_id, write_id, text in conn.execute(
            f"SELECT id, write_id, substr(text, 1, {MAX_SAID + 1}) FROM _xm_episode "
            f"WHERE write_id IN ({marks})",
            chunk,
        ):
            said[write_id] = (episode_id, text)
    entries = []
    for job in jobs:
        changes = (job.result or {}).get("changes") or {}
        episode_id, text = said.get(job.id, (None, None))
        if text is None:  # not applied (yet): a queued job still carries its request
            text = job.payload.get("text") or job.payload.get("source_text")
        if isinstance(text, str) and len(text) > MAX_SAID:
            text = text[: MAX_SAID - 1] + "\u2026"
        entries.append(
            {
                "write_id": job.id,
                "seq": job.seq,
                "status": job.status,
                "created_at": job.created_at,
                "completed_at": job.completed_at,
                "counts": changes.get("counts") or {},
                "error": (job.error or {}).get("message"),
                "said": text,
                "episode_id": episode_id,
                "undoable": job.status == "completed"
                and any((changes.get("counts") or {}).values()),
            }
        )
    return entries


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRequest(f"limit must be 1 to {MAX_PAGE}", field="limit")
    return limit


def undo_plan(tables: Tables, job: JobRow) -> dict[str, Any]:
    """The structured mutations that reverse `job`'s changes where nothing changed them
    since, and what cannot be reversed (with why)."""
    if job.status != "completed":
        raise Unprocessable(f"write {job.id} is {job.status}: only a completed write is undone")
    changes = (job.result or {}).get("changes")
    if not isinstance(changes, dict):
        raise Unprocessable(f"the changes of write {job.id} are no longer kept; undo it by hand")
    if changes.get("truncated"):
        raise Unprocessable(
            f"write {job.id} changed more than its kept report lists; undo it by hand"
        )
    plan = _Plan(tables)
    for entry in changes.get("created") or []:
        plan.uncreate(entry)
    for entry in changes.get("updated") or []:
        plan.unupdate(entry)
    deleted = changes.get("deleted") or []
    for entry in deleted:
        if entry.get("kind") == "object":
            plan.recreate_object(entry)
    for entry in deleted:
        if entry.get("kind") == "relation":
            plan.recreate_relation(entry)
    return {
        "write_id": job.id,
        "mutations": plan.removals + plan.mutations,
        "skipped": plan.skipped,
        "source_text": f"Undo of write {job.id}, made by hand on the memory page.",
    }


class _Plan:
    """Builds the reversing mutations in an order that applies: links removed before the
    records they join, records back before the links to them."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.schema = tables.schema
        self.removals: list[dict[str, Any]] = []
        self.mutations: list[dict[str, Any]] = []
        self.skipped: list[dict[str, Any]] = []
        # Objects this undo creates again, by their old xuid: how a link names them now.
        self.recreated: dict[str, dict[str, Any]] = {}

    def _skip(self, entry: dict[str, Any], reason: str) -> None:
        name = entry.get("object_type") or entry.get("relation_type")
        self.skipped.append({"type": name, "xuid": entry.get("xuid"), "reason": reason})

    def _spec(self, entry: dict[str, Any]) -> ObjectSpec | RelationSpec | None:
        if entry.get("kind") == "object":
            return self.schema.objects.get(str(entry.get("object_type")))
        return self.schema.relations.get(str(entry.get("relation_type")))

    def _stored(
        self, entry: dict[str, Any], gone: str
    ) -> tuple[ObjectSpec | RelationSpec, str, Record] | None:
        """The record an entry names as stored now, or None (skipped, saying `gone`)."""
        spec = self._spec(entry)
        xuid = entry.get("xuid")
        if spec is None or not isinstance(xuid, str):
            self._skip(entry, "its type is no longer in the schema")
            return None
        stored = self.tables.get(spec, xuid)
        if stored is None:
            self._skip(entry, gone)
            return None
        return spec, xuid, stored

    def uncreate(self, entry: dict[str, Any]) -> None:
        found = self._stored(entry, "it was already deleted by a later write")
        if found is None:
            return
        spec, xuid, _ = found
        if isinstance(spec, ObjectSpec):
            self.mutations.append(
                {"object_mutation": {"object_type": spec.name, "delete": {"key": {"xuid": xuid}}}}
            )
        else:
            self.removals.append(
                {
                    "relation_mutation": {
                        "relation_type": spec.name,
                        "delete": {"key": {"xuid": xuid}},
                    }
                }
            )

    def unupdate(self, entry: dict[str, Any]) -> None:
        found = self._stored(entry, "it was deleted by a later write")
        if found is None:
            return
        spec, xuid, stored = found
        before, after = entry.get("before") or {}, entry.get("after") or {}
        values = {}
        for field, old in before.items():
            if field not in spec.fields:
                continue
            if stored.get(field) != after.get(field):
                self._skip(entry, f"{field} was changed again by a later write")
                continue
            values[field] = old
        if not values:
            return
        kind, type_key = (
            ("object_mutation", "object_type")
            if isinstance(spec, ObjectSpec)
            else ("relation_mutation", "relation_type")
        )
        self.mutations.append(
            {kind: {type_key: spec.name, "update": {"key": {"xuid": xuid}, "values": values}}}
        )

    def recreate_object(self, entry: dict[str, Any]) -> None:
        spec = self._spec(entry)
        if not isinstance(spec, ObjectSpec):
            self._skip(entry, "its type is no longer in the schema")
            return
        values = {k: v for k, v in (entry.get("values") or {}).items() if k in spec.fields}
        if spec.primary_key:
            key = {k: values.get(k) for k in spec.primary_key}
            if self.tables.find_by_key(spec, key) is not None:
                self._skip(entry, "a record with its key was stored again since")
                return
            self.recreated[str(entry.get("xuid"))] = key
        self.mutations.append(
            {"object_mutation": {"object_type": spec.name, "create": {"key": {}, "values": values}}}
        )

    def recreate_relation(self, entry: dict[str, Any]) -> None:
        spec = self._spec(entry)
        if not isinstance(spec, RelationSpec):
            self._skip(entry, "its type is no longer in the schema")
            return
        endpoints = []
        for role, xuid in (entry.get("endpoints") or {}).items():
            target = self.schema.objects.get(spec.roles.get(role, ""))
            if target is not None and self.tables.get(target, xuid) is not None:
                endpoints.append({"object_name": role, "key": {"xuid": xuid}})
            elif xuid in self.recreated:
                endpoints.append({"object_name": role, "key": self.recreated[xuid]})
            else:
                self._skip(entry, f"its {role} is gone and has no key to find it again by")
                return
        values = {k: v for k, v in (entry.get("values") or {}).items() if k in spec.fields}
        self.mutations.append(
            {
                "relation_mutation": {
                    "relation_type": spec.name,
                    "create": {"endpoints": endpoints, "values": values},
                }
            }
        )
