"""A write's episode: the words it is kept as, whatever the mind makes of them.

- a text write: its text;
- structured mutations with the caller's `source_text` (the sentence an agent understood them
  from): that sentence, with the mutations as the payload;
- structured mutations alone: the mutations spelled out in words, so they can be found by
  full-text search and quoted as evidence like anything said.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from xmemory_engine.schema import ObjectSpec, Schema
from xmemory_engine.service.names import find_object_spec, find_relation_spec
from xmemory_engine.store.backfill import link_words, record_words, words_of
from xmemory_engine.store.base import EpisodeDraft
from xmemory_engine.store.naming import display_field

_ACTIONS = ("create", "update", "upsert", "delete")
_MOST_SPELLED = 2000  # mutations spelled out; a larger batch is summarised past this


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = rf"({'|'.join(_MONTHS)})[a-z]*\.?"
# A dateline: a text that opens with an explicit date and a colon, comma or dash
# ("2025-10-16: ...", "On October 16, 2025, ...", "16 Oct 2025 - ...").
_DATELINE = re.compile(
    r"^\s*(?:on\s+)?(?:[a-z]+day,?\s+)?(?:"
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    rf"|(?P<md>{_MONTH})\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<md_year>\d{{4}})"
    rf"|(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm>{_MONTH})\s+(?P<dm_year>\d{{4}})"
    r")\s*[:,\-\u2013\u2014]",
    re.IGNORECASE,
)


def dateline(text: str) -> str | None:
    """The ISO date a text opens with, when it opens with one (when what it tells happened)."""
    found = _DATELINE.match(text)
    if found is None:
        return None
    try:
        if found["iso"]:
            return date.fromisoformat(found["iso"]).isoformat()
        month = found["md"] or found["dm"]
        day = found["md_day"] or found["dm_day"]
        year = found["md_year"] or found["dm_year"]
        return date(int(year), _MONTHS.index(month[:3].lower()) + 1, int(day)).isoformat()
    except ValueError:  # 2025-02-30: not a date, so not a dateline
        return None


def episode_for(write_id: str, payload: dict[str, Any], schema: Schema) -> EpisodeDraft:
    """The episode a write is kept as; when it happened is the caller's `occurred_at`, else
    the date its text opens with."""
    occurred_at = payload.get("occurred_at")
    if payload.get("kind") == "mutations":
        mutations = payload.get("mutations") or []
        text = payload.get("source_text") or spell_mutations(mutations, schema)
        happened = occurred_at or (dateline(text) if payload.get("source_text") else None)
        return EpisodeDraft(write_id, "mutations", text, mutations, happened)
    text = str(payload.get("text") or "")
    return EpisodeDraft(write_id, "text", text, None, occurred_at or dateline(text))


def spell_mutations(mutations: list[Any], schema: Schema) -> str:
    """One sentence per mutation: 'Ann Lee (person): email ann@acme.io.'"""
    # A batch is mostly one or two object types: each is looked up (and its display field
    # found) once, not once per mutation.
    types: dict[str, tuple[ObjectSpec | None, str | None]] = {}
    lines = [_spell(m, schema, types) for m in mutations[:_MOST_SPELLED]]
    if len(mutations) > _MOST_SPELLED:
        lines.append(f"And {len(mutations) - _MOST_SPELLED:,} more changes.")
    return "\n".join(line for line in lines if line)


def _spell(
    item: Any, schema: Schema, types: dict[str, tuple[ObjectSpec | None, str | None]]
) -> str:
    if not isinstance(item, dict):
        return ""
    for kind in ("object_mutation", "relation_mutation"):
        body = item.get(kind)
        if not isinstance(body, dict):
            continue
        action: str | None = None
        for name in _ACTIONS:
            if isinstance(body.get(name), dict):
                action = name
                break
        if action is None:
            return ""
        change: dict[str, Any] = body[action]
        values = {**_mapping(change.get("key")), **_mapping(change.get("values"))}
        if kind == "object_mutation":
            type_name = str(body.get("object_type"))
            known = types.get(type_name)
            if known is None:
                found = find_object_spec(schema, type_name)
                shown_field = display_field(found) if found is not None else None
                known = types[type_name] = (found, shown_field)
            spec, shown = known
            if spec is None:
                return ""
            if action == "delete":
                return f"Removed {words_of(spec.name)} {_key_words(values)}."
            if shown not in values:  # an update keyed by another field: name it by the key
                shown = next(iter(_mapping(change.get("key"))), shown)
            return record_words(spec, values, shown)
        rel = find_relation_spec(schema, str(body.get("relation_type")))
        if rel is None:
            return ""
        ends = {}
        for end in change.get("endpoints") or []:
            if isinstance(end, dict) and isinstance(end.get("object_name"), str):
                ends[end["object_name"]] = _key_words(_mapping(end.get("key")))
        if action == "delete":
            return f"Removed: {link_words(rel, ends, {})}"
        return link_words(rel, ends, _mapping(change.get("values")))
    return ""


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _key_words(key: dict[str, Any]) -> str:
    return ", ".join(str(v) for v in key.values() if v is not None) or "(unnamed)"
