"""The offline designer: a plain-language description -> an XMD schema, by rules.

"Track contacts with name, email, company, and notes." -> `contact` with those four fields;
"Track user preferences, open tasks with priorities, and conversation history." -> three
object types; "Add an assignee field to tasks." with a current schema -> that schema plus
one field. Names are snake_case and singular (`user_preference`, `task`), like the default
schema; an object whose record has a name (or title, topic) gets it as its primary key, so
writes about the same thing merge; log-like types (notes, history) get none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.rules.field_types import describe, identifier, parse_field
from xmemory_engine.minds.rules.schema_map import KIND_WORDS
from xmemory_engine.minds.rules.text import name_words, singular, wordset
from xmemory_engine.schema import Schema, schema_from_data

_LEAD = re.compile(
    r"^(?:(?:i|we)\s+(?:want|need|would like)\s+to\s+|please\s+|let'?s\s+|also\s+)*"
    r"(?:track|store|remember|keep track of|record|manage|log|save|capture|create|organi[sz]e|"
    r"monitor|keep|hold|a memory (?:of|for)|memory (?:of|for))\s+",
    re.IGNORECASE,
)
_ADD_TO = re.compile(
    r"^(?:please\s+|also\s+)*(?:add|include)\s+(?P<fields>.+?)\s+"
    r"(?:fields?\s+|columns?\s+|propert(?:y|ies)\s+|attributes?\s+)?(?:to|on|for|in)\s+"
    r"(?:the\s+|each\s+|every\s+|all\s+|our\s+|my\s+)?(?P<target>[\w ]+?)(?:\s+objects?|\s+records?)?$",
    re.IGNORECASE,
)
_HAVE = re.compile(
    r"^(?:each\s+|every\s+|all\s+)?(?P<target>(?:\w+\s)??\w+)\s+(?:should\s+|must\s+|can\s+|will\s+|also\s+)*"
    r"(?:also\s+)?(?:have|has|need|needs|get|gets|include|includes)\s+(?P<fields>.+)$",
    re.IGNORECASE,
)
_WITH = re.compile(
    r"\s*(?:\s(?:with|having|including|that have|containing|have|has)\s|:\s*)", re.IGNORECASE
)
_RELATION = re.compile(
    r"^(?:link|connect|relate)\s+(?P<a>\w+)\s+(?:to|with|and)\s+(?P<b>\w+)$"
    r"|^(?:each\s+|every\s+)?(?P<c>\w+)\s+(?:belongs?|belong)\s+to\s+(?:an?\s+|the\s+|one\s+)?(?P<d>\w+)$"
    r"|^(?:each\s+|every\s+)?(?P<e>\w+)\s+(?:is|are)\s+assigned\s+to\s+(?:an?\s+|the\s+)?(?P<f>\w+)$",
    re.IGNORECASE,
)
_REMOVE = re.compile(r"^(?:please\s+)?(?:remove|delete|drop|rename)\b", re.IGNORECASE)
_STATUS_WORDS = {"open": "task", "active": "project", "pending": "task", "completed": "task",
                 "upcoming": "event", "past": "event", "current": None}  # fmt: skip
_DETERMINERS = frozenset(
    ["all", "my", "our", "the", "a", "an", "each", "every", "any", "some", "their", "your", "of"]
)
_COLLECTIVE = frozenset(
    ["history", "log", "logs", "journal", "list", "inventory", "calendar", "schedule", "catalog"]
)
_FIELD_HEADS = wordset(
    """name date number address time count amount price status type id code level rate
    score size url link title description email phone notes note priority priorities
    deadline age company role location city country tags comments details summary
    content topic value"""
)
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


@dataclass
class _Thing:
    name: str
    phrase: str
    kind: str | None
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    status: str | None = None  # an adjective like "open" in "open tasks"


class RulesDesigner:
    """A `Designer` that needs no model."""

    async def design(self, description: str, current: Schema | None = None) -> Schema:
        data: dict[str, Any] = current.to_data() if current else {"objects": {}}
        objects: dict[str, Any] = data["objects"]
        relations: dict[str, Any] = data.setdefault("relations", {})
        before = repr(data)
        for sentence in re.split(r"(?<=[.!?;])\s+|\n+", description.strip()):
            text = sentence.strip().rstrip(".!?;").strip()
            if not text:
                continue
            if _REMOVE.match(text):
                raise MindFailed(
                    "the offline designer only adds object types, fields and relations; "
                    f"{text!r} would remove or rename something (edit the schema text instead)"
                )
            if not (_relation(text, objects, relations) or _additions(text, objects)):
                for thing in _things(text):
                    _merge_thing(thing, objects)
        if repr(data) == before and current is None:
            raise MindFailed(
                "the offline designer found nothing to track in the description; describe it "
                "like 'Track contacts with name, email, company, and notes.'"
            )
        if not relations:
            data.pop("relations")
        return schema_from_data(data)


def _find_object(objects: dict[str, Any], words: str) -> str | None:
    wanted = [singular(w) for w in words.lower().split() if w not in _DETERMINERS]
    if not wanted:
        return None
    for name in objects:
        if [singular(w) for w in name_words(name)] == wanted:
            return name
    for name in objects:
        if wanted[-1] in {singular(w) for w in name_words(name)}:
            return name
    return None


def _additions(text: str, objects: dict[str, Any]) -> bool:
    """ "Add an assignee field to tasks." / "Tasks should have a due date." """
    m = _ADD_TO.match(text) or _HAVE.match(text)
    if m is None:
        return False
    target = _find_object(objects, m.group("target"))
    if target is None:
        if _ADD_TO.match(text) is None:
            return False
        thing = _thing(m.group("target"))
        if thing is None:
            return False
        _merge_thing(thing, objects)
        target = thing.name
    fields = objects[target]["fields"]
    for item in _split(m.group("fields")):
        parsed = parse_field(re.sub(r"\s+(?:fields?|columns?)$", "", item.strip()))
        if parsed and parsed[0] not in fields:
            fields[parsed[0]] = parsed[1]
    return True


def _relation(text: str, objects: dict[str, Any], relations: dict[str, Any]) -> bool:
    m = _RELATION.match(text)
    if m is None:
        return False
    left, right = (g for g in m.groups() if g is not None)
    a, b = _find_object(objects, left), _find_object(objects, right)
    if a is None or b is None:
        return False
    name = "assigned_to" if m.group("e") else f"{identifier(a)}_{identifier(b)}"
    if name in relations or name in objects:
        return True
    roles = {identifier(a): a, identifier(b): b} if a != b else {"source": a, "target": b}
    relations[name] = {"description": f"{text[0].upper()}{text[1:]}.", "objects": roles}
    return True


def _split(text: str) -> list[str]:
    """Items of a list, split on commas, semicolons and 'and', outside parentheses."""
    items, depth, current = [], 0, ""
    for token in re.split(r"(\(|\)|,|;|\band\b|&)", text):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        if depth == 0 and token in (",", ";", "and", "&"):
            items.append(current)
            current = ""
        else:
            current += token
    items.append(current)
    return [i.strip() for i in items if i.strip()]


def _things(text: str) -> list[_Thing]:
    body = _LEAD.sub("", text.strip(), count=1)
    things: list[_Thing] = []
    current: _Thing | None = None
    for item in _split(body):
        parts = _WITH.split(item, maxsplit=1)
        parens = re.match(r"^(?P<head>[^()]+?)\s*\((?P<inside>[^)]*,[^)]*)\)$", item)
        if len(parts) == 2:
            current = _thing(parts[0])
            if current is not None:
                things.append(current)
                _add_field(current, parts[1])
        elif parens and (current is None or _plural_noun(parens.group("head"))):
            current = _thing(parens.group("head"))
            if current is not None:
                things.append(current)
                for inner in _split(parens.group("inside")):
                    _add_field(current, inner)
        elif current is not None and _field_like(item):
            _add_field(current, item)
        else:
            current = _thing(item)
            if current is not None:
                things.append(current)
    return things


def _plural_noun(phrase: str) -> bool:
    last = phrase.strip().lower().split()[-1] if phrase.strip() else ""
    return singular(last) != last and last not in ("notes", "details", "comments", "tags")


def _field_like(item: str) -> bool:
    words = [w for w in re.sub(r"\(.*?\)", "", item).lower().split() if w not in _DETERMINERS]
    if not words or len(words) > 3:
        return False
    if len(words) == 1 or words[-1] in _FIELD_HEADS or singular(words[-1]) in _FIELD_HEADS:
        return True
    return words[-1] not in _COLLECTIVE and singular(words[-1]) == words[-1]


def _add_field(thing: _Thing, item: str) -> None:
    parsed = parse_field(item)
    if parsed is not None and parsed[0] not in thing.fields:
        thing.fields[parsed[0]] = parsed[1]


def _thing(phrase: str) -> _Thing | None:
    words = [w for w in re.findall(r"[A-Za-z0-9]+", phrase.lower()) if w not in _DETERMINERS]
    status = None
    if len(words) > 1 and words[0] in _STATUS_WORDS:
        status, words = words[0], words[1:]
    if not words or len(words) > 4:
        return None
    if words[-1] not in _COLLECTIVE:
        words[-1] = singular(words[-1])
    name = identifier(" ".join(words))
    kind = _kind(words)
    readable = phrase.strip()
    return _Thing(name, readable[:1].upper() + readable[1:], kind, status=status)


def _kind(words: list[str]) -> str | None:
    for kind, vocab in KIND_WORDS.items():
        if words[-1] in vocab or (words[-1] in _COLLECTIVE and kind == "note"):
            return kind
    for kind, vocab in KIND_WORDS.items():
        if any(w in vocab for w in words):
            return kind
    return None


def _merge_thing(thing: _Thing, objects: dict[str, Any]) -> None:
    """Add `thing` as a new object type, or its new fields to the one already there."""
    existing = objects.get(thing.name)
    fields: dict[str, Any] = dict(thing.fields)
    template = [f for t in _TEMPLATES[thing.kind] if (f := parse_field(t)) is not None]
    if not fields:
        fields = dict(template)
    elif not any(f in fields for f in _NAME_FIELDS):
        name, spec = template[0]
        fields = {name: spec, **fields}
    if thing.status is not None and "status" not in fields:
        status = dict(template).get("status") or {"type": "str", "enum": [thing.status, "done"]}
        fields["status"] = status
    if not any(spec.get("required") for spec in fields.values()):
        for fname in _NAME_FIELDS:
            if fname in fields:
                fields[fname] = {**fields[fname], "required": True}
                break
    noun = " ".join(thing.name.split("_"))
    for fname, spec in fields.items():
        spec["description"] = describe(fname, noun, thing.kind)
    if existing is not None:
        for fname, spec in fields.items():
            existing["fields"].setdefault(fname, {**spec, "required": False})
        return
    listed = ", ".join(f.replace("_", " ") for f in fields)
    data: dict[str, Any] = {"description": f"{thing.phrase}: {listed}.", "fields": fields}
    key = next((f for f in _NAME_FIELDS if f in fields), None)
    if key is not None and thing.kind != "note" and fields[key]["type"] == "str":
        data["primary_key"] = [key]
    objects[thing.name] = data
