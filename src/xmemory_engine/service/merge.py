"""Merging extracted objects into stored ones, so a memory grows instead of duplicating.

An extracted object is matched to a stored record of its type by, in order:
1. its primary key (exactly, then ignoring case for a single text key);
2. its name (the type's name-like field): the same name once case, spacing and punctuation
   are ignored, else the one stored name whose words contain its words or are contained in
   them ("Alice" and "Alice Johnson"), when exactly one record fits and holds no other date
   than the one given ("Leo's dentist appointment" on the 17th is not the one on the 10th).
A candidate whose other primary-key fields contradict the extracted ones is never a match.
A match is updated with the fields the text gave that differ (a shorter name never replaces
a longer one); no match creates a record, or is skipped (and reported) when required fields
are missing. Relations link the matched or created records, once; a relation that says it
`replaces` its links from one end removes the other links of its type from that end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xmemory_engine.minds.base import ExtractedObject, Extraction
from xmemory_engine.schema import ObjectSpec, Schema
from xmemory_engine.service.changes import ChangeLog, key_of
from xmemory_engine.service.names import find_object_spec, find_relation_spec
from xmemory_engine.store.base import Record, Tables
from xmemory_engine.store.naming import name_field
from xmemory_engine.store.terms import normalize


@dataclass
class CleanObject:
    """An extracted object with its values coerced to the schema (unfit values dropped)."""

    spec: ObjectSpec
    ref: str
    values: dict[str, Any]
    dropped: dict[str, str]
    fills: frozenset[str] = frozenset()  # see ExtractedObject.fills


@dataclass
class Match:
    record: Record
    matched_by: str


def clean(obj: ExtractedObject, schema: Schema) -> CleanObject | None:
    spec = find_object_spec(schema, obj.object_type)
    if spec is None:
        return None
    values: dict[str, Any] = {}
    dropped: dict[str, str] = {}
    for fname, raw in obj.values.items():
        fspec = spec.fields.get(fname)
        if fspec is None:
            dropped[fname] = "not a field of this type"
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # the text said nothing about it: leave the stored value alone
        try:
            values[fname] = fspec.coerce(raw)
        except ValueError as exc:
            dropped[fname] = str(exc)
    return CleanObject(spec, obj.ref, values, dropped, obj.fills)


def find_match(tables: Tables, obj: CleanObject) -> Match | None:
    """The stored record `obj` describes, if any (read-only)."""
    spec, values = obj.spec, obj.values
    pk = {k: values.get(k) for k in spec.primary_key}
    if spec.primary_key and all(v is not None for v in pk.values()):
        found = tables.find_by_key(spec, pk)
        if found is not None:
            return Match(found, "primary_key")
        field, value = next(iter(pk.items()))
        # A single text key is the type's naming field (`name_field`), so the name index
        # holds it, normalised.
        if len(pk) == 1 and isinstance(value, str) and normalize(value):
            # The key as given, ignoring case (spelled otherwise, it is matched as a name).
            needle = value.strip().lower()
            for record in tables.find_by_term(spec, normalize(value), 5, whole=True):
                stored = str(record.get(field) or "")
                if needle in stored.lower() and normalize(stored) == normalize(value):
                    return Match(record, "primary_key")
    nf = name_field(spec)
    name = values.get(nf) if nf else None
    if nf is None or not isinstance(name, str) or not normalize(name):
        return None
    wanted = normalize(name)
    words = set(wanted.split())
    candidates: dict[str, Record] = {}
    # The same name, and names that are or hold its first or last word: index lookups,
    # whatever the number of records.
    for record in tables.find_by_term(spec, wanted, 25, whole=True):
        candidates.setdefault(record["xuid"], record)
    for probe in sorted({wanted.split()[0], wanted.split()[-1]}):
        for record in tables.find_by_term(spec, probe, 25):
            candidates.setdefault(record["xuid"], record)
    fitting = [r for r in candidates.values() if _compatible(spec, r, values, nf)]
    exact = [r for r in fitting if normalize(str(r.get(nf) or "")) == wanted]
    if exact:
        return Match(exact[0], "name")
    overlapping = []
    for record in fitting:
        theirs = set(normalize(str(record.get(nf) or "")).split())
        if (
            theirs
            and (words <= theirs or theirs <= words)
            and not _other_dates(spec, record, values)
        ):
            overlapping.append(record)
    if len(overlapping) == 1:
        return Match(overlapping[0], "name")
    return None


def _other_dates(spec: ObjectSpec, record: Record, values: dict[str, Any]) -> bool:
    """Whether a record named with fewer or more words holds another date than the one given:
    then it is another of its kind ("dentist appointment" on the 10th, "Leo's dentist
    appointment" on the 17th), not the same one named more fully. A date that changes is
    told of the record by its own name (an exact match), which this does not judge."""
    return any(
        values.get(f) is not None and record.get(f) is not None and values[f] != record[f]
        for f, fs in spec.fields.items()
        if fs.type in ("date", "datetime")
    )


def _compatible(spec: ObjectSpec, record: Record, values: dict[str, Any], nf: str) -> bool:
    for key in spec.primary_key:
        if key == nf:
            continue
        ours, theirs = values.get(key), record.get(key)
        if ours is not None and theirs is not None and ours != theirs:
            return False
    return True


def apply_extraction(
    tables: Tables, extraction: Extraction, log: ChangeLog, *, source: str = "text"
) -> None:
    """Merge `extraction` into the stored records, inside the caller's transaction."""
    schema = tables.schema
    refs: dict[str, tuple[str, str]] = {}  # ref -> (object type, xuid)
    for index, obj in enumerate(extraction.objects):
        origin = f"{source}:objects[{index}]"
        cleaned = clean(obj, schema)
        if cleaned is None:
            log.step(_skip(origin, obj.object_type, f"unknown object type {obj.object_type!r}"))
            continue
        xuid = _merge_object(tables, cleaned, log, origin)
        if xuid is not None:
            refs[obj.ref] = (cleaned.spec.name, xuid)
    stored: dict[int, tuple[str, dict[str, str]]] = {}  # each relation's link and its ends
    for index, rel in enumerate(extraction.relations):
        origin = f"{source}:relations[{index}]"
        spec = find_relation_spec(schema, rel.relation_type)
        if spec is None:
            log.step(_skip(origin, rel.relation_type, "unknown relation type", kind="relation"))
            continue
        ends: dict[str, str] = {}
        for role, ref in rel.endpoints.items():
            if role in spec.roles and ref in refs:
                ends[role] = refs[ref][1]
        # A mind can point a role at an object of another type (an employer stored as a
        # person): the link table's foreign key would refuse it and fail the whole write, so
        # the link is skipped and the objects stay.
        wrong = sorted(
            role
            for role, ref in rel.endpoints.items()
            if role in spec.roles and ref in refs and refs[ref][0] != spec.roles[role]
        )
        if wrong:
            why = f"the {', '.join(wrong)} end is not of the type the relation names"
            log.step(_skip(origin, spec.name, why, "relation"))
            continue
        if set(ends) != set(spec.roles):
            log.step(
                _skip(origin, spec.name, "an endpoint was not stored or not given", "relation")
            )
            continue
        values = {}
        for fname, raw in rel.values.items():
            fspec = spec.fields.get(fname)
            if fspec is not None and raw is not None:
                try:
                    values[fname] = fspec.coerce(raw)
                except ValueError:
                    continue
        existing = tables.find_links(spec, ends)
        plan = {
            "kind": "relation",
            "relation_type": spec.name,
            "endpoints": ends,
            "values": values,
            "source": origin,
        }
        if existing:
            link = existing[0]
            changed = {k: v for k, v in values.items() if link.get(k) != v}
            if changed:
                after = tables.update(spec, link["xuid"], changed)
                log.updated_record(spec, link, after)
            log.step(
                {"operation": "update" if changed else "unchanged", "xuid": link["xuid"]} | plan
            )
            stored[index] = (str(link["xuid"]), ends)
            continue
        record = tables.insert(spec, values | {spec.role_column(r): x for r, x in ends.items()})
        log.created_record(spec, record)
        log.step({"operation": "create", "xuid": record["xuid"]} | plan)
        stored[index] = (str(record["xuid"]), ends)
    _end_replaced(tables, extraction, stored, log, source)


def _end_replaced(
    tables: Tables,
    extraction: Extraction,
    stored: dict[int, tuple[str, dict[str, str]]],
    log: ChangeLog,
    source: str,
) -> None:
    """Remove the stored links a relation of this extraction replaces: from its `replaces`
    end to others, of its type. The links this extraction stored stay ("works at Northwind
    and at Oxfam" said at once are two jobs); the removed ones stay in the change history."""
    kept = {xuid for xuid, _ in stored.values()}
    for index, rel in enumerate(extraction.relations):
        spec = find_relation_spec(tables.schema, rel.relation_type)
        if index not in stored or spec is None or rel.replaces not in spec.roles:
            continue
        ends = stored[index][1]
        for other in tables.find_links(spec, {rel.replaces: ends[rel.replaces]}):
            if other["xuid"] in kept:
                continue
            tables.delete(spec, other["xuid"])
            log.deleted_record(spec, other)
            kept.add(str(other["xuid"]))  # once, though two relations replace it
            log.step(
                {
                    "operation": "delete",
                    "kind": "relation",
                    "relation_type": spec.name,
                    "xuid": other["xuid"],
                    "endpoints": {r: other[spec.role_column(r)] for r in spec.roles},
                    "values": {},
                    "source": f"{source}:relations[{index}] replaces it",
                }
            )


def _merge_object(tables: Tables, obj: CleanObject, log: ChangeLog, origin: str) -> str | None:
    spec = obj.spec
    plan: dict[str, Any] = {"kind": "object", "object_type": spec.name, "source": origin}
    if obj.dropped:
        plan["dropped_values"] = obj.dropped
    match = find_match(tables, obj)
    if match is not None:
        stored = match.record
        changed = {
            k: v
            for k, v in obj.values.items()
            if stored.get(k) != v and not (k in obj.fills and stored.get(k) is not None)
        }
        # An identifying field spelled differently ("ALICE JOHNSON", "Alice") keeps the stored
        # spelling; only a fuller name ("Alice" -> "Alice Johnson") replaces it.
        for ident in {name_field(spec), *spec.primary_key} - {None}:
            if ident in changed and _same_or_less_specific(changed[ident], stored.get(ident)):
                del changed[ident]
        if changed and spec.primary_key and any(k in changed for k in spec.primary_key):
            new_pk = {k: changed.get(k, stored.get(k)) for k in spec.primary_key}
            other = tables.find_by_key(spec, new_pk)
            if other is not None and other["xuid"] != stored["xuid"]:
                for k in spec.primary_key:
                    changed.pop(k, None)
        plan |= {"xuid": stored["xuid"], "matched_by": match.matched_by, "values": changed}
        if changed:
            after = tables.update(spec, stored["xuid"], changed)
            log.updated_record(spec, stored, after)
            log.step({"operation": "update", "key": key_of(spec, after)} | plan)
        else:
            log.step({"operation": "unchanged", "key": key_of(spec, stored)} | plan)
        return str(stored["xuid"])
    missing = [f for f, s in spec.fields.items() if s.required and obj.values.get(f) is None]
    missing += [k for k in spec.primary_key if obj.values.get(k) is None and k not in missing]
    if missing:
        log.step(
            {"operation": "skip", "reason": f"missing required field(s) {missing}"}
            | plan
            | {"values": obj.values}
        )
        return None
    record = tables.insert(spec, obj.values)
    log.created_record(spec, record)
    log.step(
        {"operation": "create", "xuid": record["xuid"], "key": key_of(spec, record)}
        | plan
        | {"values": obj.values, "matched_by": None}
    )
    return str(record["xuid"])


def _same_or_less_specific(new: Any, old: Any) -> bool:
    if not isinstance(new, str) or not isinstance(old, str):
        return False
    ours, theirs = set(normalize(new).split()), set(normalize(old).split())
    return bool(ours) and ours <= theirs


def _skip(origin: str, type_name: str, reason: str, kind: str = "object") -> dict[str, Any]:
    name_key = "object_type" if kind == "object" else "relation_type"
    return {
        "operation": "skip",
        "kind": kind,
        name_key: type_name,
        "reason": reason,
        "source": origin,
    }


def preview(tables: Tables, extraction: Extraction) -> dict[str, Any]:
    """What `extract` answers: the extracted objects and relations, each object with the
    stored record it would merge into (nothing is written)."""
    objects: list[dict[str, Any]] = []
    for obj in extraction.objects:
        cleaned = clean(obj, tables.schema)
        entry: dict[str, Any] = {
            "object_type": cleaned.spec.name if cleaned else obj.object_type,
            "ref": obj.ref,
            "values": cleaned.values if cleaned else obj.values,
        }
        if cleaned is None:
            entry["note"] = "unknown object type; it would be skipped"
        else:
            if cleaned.dropped:
                entry["dropped_values"] = cleaned.dropped
            match = find_match(tables, cleaned)
            entry["match"] = (
                {"xuid": match.record["xuid"], "matched_by": match.matched_by} if match else None
            )
        objects.append(entry)
    relations = [
        {"relation_type": r.relation_type, "endpoints": dict(r.endpoints), "values": r.values}
        for r in extraction.relations
    ]
    return {"objects": objects, "relations": relations}
