"""The evidence of an answer: for each record its rows came from, the values used, the sentence
each value came from (with when it was said), and what the value was before.

    {"object_type": "person", "xuid": "…", "name": "Ann Lee", "field": "email",
     "value": "ann.lee@acme.io", "said": "Ann's new email is ann.lee@acme.io.",
     "write_id": "…", "recorded_at": "2026-11-30T…", "occurred_at": null,
     "names_record": true,
     "history": [{"value": "ann@acme.io", "said": "…", "write_id": "…",
                  "from": "…", "until": "…", "replaced_by": "<write id>"}]}

`names_record` says whether the words the value came from name the record it is stored on (a
text write about someone else attached to the wrong record shows up as false); structured
writes name their record by key, so they count as naming it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.sentences import search_words, split_sentences
from xmemory_engine.service.passages import given_as_old
from xmemory_engine.service.tracing import TracedRecord
from xmemory_engine.store.base import EpisodeRow, FactRow, Tables
from xmemory_engine.store.naming import display_field

MAX_RECORDS = 5
MAX_FIELDS = 4
MAX_HISTORY = 5
MAX_QUOTE = 300
WINDOW = 400  # characters around a value looked at to find its sentence


def gather(tables: Tables, records: list[TracedRecord]) -> list[dict[str, Any]]:
    """Evidence for the first of these traced records (read-only; the caller's snapshot)."""
    shown: dict[str, list[str]] = {}
    for traced in records:
        columns = shown.setdefault(traced.xuid, [])
        columns += [c for c in traced.columns if c not in columns]
        if len(shown) >= MAX_RECORDS:
            break
    if not shown:
        return []
    by_record: dict[str, dict[str, list[FactRow]]] = defaultdict(lambda: defaultdict(list))
    for fact in tables.facts(list(shown), current_only=False):
        by_record[fact.xuid][fact.field].append(fact)
    wanted = {f.episode_id for fs in by_record.values() for g in fs.values() for f in g}
    wanted |= {
        f.retired_by
        for fs in by_record.values()
        for g in fs.values()
        for f in g
        if f.retired_by is not None
    }
    episodes = tables.episodes(sorted(wanted))
    items: list[dict[str, Any]] = []
    for xuid, columns in shown.items():
        fields = by_record.get(xuid)
        if not fields:
            continue
        items += _record_items(tables.schema, xuid, columns, fields, episodes)
    return items


def _record_items(
    schema: Schema,
    xuid: str,
    columns: list[str],
    fields: dict[str, list[FactRow]],
    episodes: dict[int, EpisodeRow],
) -> list[dict[str, Any]]:
    type_name = next(iter(fields.values()))[0].type
    spec: ObjectSpec | RelationSpec | None = schema.objects.get(type_name) or schema.relations.get(
        type_name
    )
    if spec is None:
        return []
    nf = display_field(spec) if isinstance(spec, ObjectSpec) else None
    name = _current(fields.get(nf or "\0", []))
    name_value = name.value if name is not None else None
    lowered = {c.lower().rsplit(".", 1)[-1] for c in columns}
    used = [f for f in spec.fields if f.lower() in lowered]
    if not used or len(used) == len(spec.fields):
        # Every field shown (SELECT *) or none (a count, a link): the values the record
        # has, else the record itself.
        used = [f for f in spec.fields if _current(fields.get(f, [])) is not None] or [""]
    if len(used) > 1 and nf in used:
        used.remove(nf)  # the name is how the record was found; the other values answer
    key = "object_type" if isinstance(spec, ObjectSpec) else "relation_type"
    items = []
    for field_name in used[:MAX_FIELDS]:
        facts = fields.get(field_name, [])
        current = _current(facts)
        if current is None:
            continue
        episode = episodes.get(current.episode_id)
        item: dict[str, Any] = {key: spec.name, "xuid": xuid}
        if name_value is not None:
            item["name"] = name_value
        item["field"] = field_name or None
        item["value"] = current.value
        item.update(_source(episode, current.value, name_value))
        if item.get("said") and given_as_old(item["said"], current.value):
            item["doubt"] = "its sentence gives it as the value being replaced"
        history = [f for f in reversed(facts) if f.retired_at is not None][:MAX_HISTORY]
        if history:
            item["history"] = [_earlier(f, episodes, name_value) for f in history]
        items.append(item)
    return items


def _current(facts: list[FactRow]) -> FactRow | None:
    for fact in reversed(facts):
        if fact.retired_at is None:
            return fact
    return None


def _source(episode: EpisodeRow | None, value: Any, name: Any) -> dict[str, Any]:
    if episode is None:
        return {
            "said": None,
            "episode_id": None,
            "write_id": None,
            "recorded_at": None,
            "occurred_at": None,
        }
    return {
        "said": quote(episode.text, value, name),
        "episode_id": episode.id,
        "write_id": episode.write_id,
        "recorded_at": episode.recorded_at,
        "occurred_at": episode.occurred_at,
        "names_record": episode.kind != "text" or names(episode.text, name),
    }


def _earlier(fact: FactRow, episodes: dict[int, EpisodeRow], name: Any) -> dict[str, Any]:
    episode = episodes.get(fact.episode_id)
    replaced_by = episodes.get(fact.retired_by) if fact.retired_by is not None else None
    return {
        "value": fact.value,
        "said": quote(episode.text, fact.value, name) if episode else None,
        "write_id": episode.write_id if episode else None,
        "from": fact.recorded_at,
        "until": fact.retired_at,
        "replaced_by": replaced_by.write_id if replaced_by else None,
    }


def quote(text: str, value: Any, name: Any) -> str:
    """The sentence of `text` that holds `value` (else one naming the record, else the first),
    at most MAX_QUOTE characters. A long episode (a batch of mutations spelled out) is only
    cut into sentences around where the value is."""
    chosen = _holding(text, value) or _holding(text, name)
    if chosen is None:
        head = split_sentences(text[:WINDOW])
        chosen = head[0] if head else text[:MAX_QUOTE]
    return chosen if len(chosen) <= MAX_QUOTE else chosen[: MAX_QUOTE - 1] + "\u2026"


def _holding(text: str, value: Any) -> str | None:
    if value is None or isinstance(value, bool) or not str(value).strip():
        return None
    wanted = " " + " ".join(search_words(str(value))) + " "
    if not wanted.strip():
        return None
    shown = str(value)
    at = text.find(shown)  # as written, usually; lower-casing a long episode costs more
    if at < 0:
        at = text.lower().find(shown.lower())
    if at >= 0:
        # A line break always ends a sentence: start from the value's own line.
        start = max(text.rfind("\n", 0, at) + 1, at - WINDOW)
        end = text.find("\n", at)
        end = at + len(str(value)) + WINDOW if end < 0 else min(end, at + len(str(value)) + WINDOW)
        region = text[start:end]
    elif len(text) <= 4 * WINDOW:
        region = text  # spelled differently (case, diacritics): look at every sentence
    else:
        return None
    for sentence in split_sentences(region):
        if wanted in " " + " ".join(search_words(sentence)) + " ":
            return sentence
    return None


def names(text: str, name: Any) -> bool:
    """Whether `text` names the record called `name` (any word of the name of 2+ letters);
    a record without a name cannot be checked, so it counts as named."""
    if not isinstance(name, str):
        return True
    wanted = {w for w in search_words(name) if len(w) > 1}
    if wanted == {"user"}:
        # The user's own record (the rules mind keeps it as "User"): "I live at …" names it.
        wanted |= _SELF_WORDS
    return not wanted or bool(wanted & set(search_words(text)))


_SELF_WORDS = frozenset(("i", "me", "my", "mine", "myself", "we", "us", "our", "ours"))
