"""The offline designer: a plain-language description -> an XMD schema, by rules.

"Track contacts with name, email, company, and notes." -> `contact` with those four fields;
"Track user preferences, open tasks with priorities, and conversation history." -> three
object types; "Add an assignee field to tasks." with a current schema -> that schema plus
one field, everything else kept as it was.

Decisions: object and field names are snake_case and singular (`user_preference`, `task`,
`due_date`), like the default schema (current schemas keep their own spelling). A record
named by `name` / `title` / `topic` gets that field required and as its primary key, so two
writes about the same thing merge; log-like types (notes, history) get no key. A thing
described without fields gets a small template by kind (a task: title, status, priority,
due date).
"""

from __future__ import annotations

from typing import Any

from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.rules.design_parse import (
    Link,
    Thing,
    add_field,
    make_thing,
    read_description,
)
from xmemory_engine.minds.rules.field_types import describe, identifier, parse_field
from xmemory_engine.minds.rules.text import name_words, singular
from xmemory_engine.schema import Schema, schema_from_data

_TEMPLATES: dict[str | None, list[str]] = {
    "person": ["required name", "email", "phone", "company", "notes"],
    "org": ["required name", "website", "location", "notes"],
    "task": ["required title", "status (open, in progress, done)", "priority", "due date"],
    "event": ["required title", "date", "location", "notes"],
    "preference": ["required topic", "required value", "notes"],
    "project": ["required name", "status (planned, active, paused, done)", "due date", "description"],
    "note": ["required content", "topic", "date"],
    None: ["required name", "description"],
}  # fmt: skip
_NAME_FIELDS = ("name", "title", "topic", "subject", "label", "content", "summary", "full_name")


class RulesDesigner:
    """A `Designer` that needs no model."""

    async def design(self, description: str, current: Schema | None = None) -> Schema:
        plan = read_description(description)
        if plan.removals:
            raise MindFailed(
                "the offline designer only adds object types, fields and relations; "
                f"{plan.removals[0]!r} would remove or rename something (edit the schema text)"
            )
        data: dict[str, Any] = current.to_data() if current else {"objects": {}}
        objects: dict[str, Any] = data["objects"]
        relations: dict[str, Any] = data.setdefault("relations", {})
        before = repr(data)
        for target, items in plan.additions:
            name = find_object(objects, target)
            if name is None:
                thing = make_thing(target)
                if thing is None:
                    continue
                _merge(thing, objects)
                name = thing.name
            extra = Thing(name, name, None)
            for item in items:
                add_field(extra, item)
            for fname, spec in extra.fields.items():
                objects[name]["fields"].setdefault(fname, {**spec, "required": False})
        for thing in plan.things:
            _merge(thing, objects)
        for link in plan.links:
            _relate(link, objects, relations)
        if repr(data) == before and current is None:
            raise MindFailed(
                "the offline designer found nothing to track in the description; describe it "
                "like 'Track contacts with name, email, company, and notes.'"
            )
        if not relations:
            data.pop("relations")
        return schema_from_data(data)


def find_object(objects: dict[str, Any], words: str) -> str | None:
    """The object type `words` names: "tasks" -> task (or OpenTask), "the people" -> person."""
    wanted = [singular(w) for w in name_words(words.replace(" ", "_")) if w not in ("the", "a")]
    if not wanted:
        return None
    for name in objects:
        if [singular(w) for w in name_words(name)] == wanted:
            return name
    for name in objects:
        if wanted[-1] in {singular(w) for w in name_words(name)}:
            return name
    return None


def _merge(thing: Thing, objects: dict[str, Any]) -> None:
    """Add `thing` as a new object type, or its new fields to the one already there."""
    existing_name = thing.name if thing.name in objects else find_object(objects, thing.name)
    template = [f for t in _TEMPLATES[thing.kind] if (f := parse_field(t)) is not None]
    fields: dict[str, Any] = dict(thing.fields)
    if thing.status is not None and "status" not in fields:
        status = dict(template).get("status")
        if status is None or thing.status not in status.get("enum", []):
            status = {"type": "str", "enum": [thing.status, "done"]}
        fields["status"] = status
    if existing_name is not None:
        kept = objects[existing_name]["fields"]
        for fname, spec in fields.items():
            kept.setdefault(fname, {**spec, "required": False})
        return
    if not thing.fields:
        fields = {**dict(template), **fields}
    elif not any(f in fields for f in _NAME_FIELDS):
        name, spec = template[0]
        fields = {name: spec, **fields}
    if not any(spec.get("required") for spec in fields.values()):
        key = next((f for f in _NAME_FIELDS if f in fields), None)
        if key is not None:
            fields[key] = {**fields[key], "required": True}
    noun = " ".join(thing.name.split("_"))
    for fname, spec in fields.items():
        spec["description"] = describe(fname, noun, thing.kind)
    listed = ", ".join(f.replace("_", " ") for f in fields)
    data: dict[str, Any] = {"description": f"{thing.phrase}: {listed}.", "fields": fields}
    key = next((f for f in _NAME_FIELDS if f in fields), None)
    if key is not None and thing.kind != "note" and fields[key]["type"] == "str":
        data["primary_key"] = [key]
    objects[thing.name] = data


def _relate(link: Link, objects: dict[str, Any], relations: dict[str, Any]) -> None:
    left, right = find_object(objects, link.left), find_object(objects, link.right)
    if left is None or right is None or left == right:
        return
    if any(set(r.get("objects", {}).values()) == {left, right} for r in relations.values()):
        return
    a, b = identifier(left), identifier(right)
    verb = link.verb
    if verb == "works_at":
        name, roles = "works_at", {"employee": left, "employer": right}
    elif verb == "assigned_to":
        name, roles = "assigned_to", {a: left, "assignee": right}
    else:
        name, roles = identifier(verb) if verb else f"{a}_{b}", {a: left, b: right}
    taken = {n.lower() for n in [*objects, *relations]}
    base, n = name, 2
    while name.lower() in taken:
        name, n = f"{base}_{n}", n + 1
    what = f" ({verb.replace('_', ' ')})" if verb else ""
    relations[name] = {
        "description": f"Links a {left.replace('_', ' ')} to a {right.replace('_', ' ')}{what}.",
        "objects": roles,
    }
