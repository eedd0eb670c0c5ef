"""What a field named in a description is: its identifier, type, enum and description.

"due date" -> `due_date: date`, "age" -> int, "price" -> float, "active" -> bool,
"status (open, done)" -> an enum, "priorities" -> `priority` with low / medium / high.
"""

from __future__ import annotations

import re
from typing import Any

from xmemory_engine.minds.rules.text import lexicon, singular
from xmemory_engine.schema import RESERVED_PREFIX

_CANONICAL = {
    "e-mail": "email", "e mail": "email", "email address": "email", "e-mail address": "email",
    "mail": "email", "phone number": "phone", "telephone": "phone", "telephone number": "phone",
    "mobile number": "phone", "web site": "website", "homepage": "website", "full name": "name",
    "deadline": "due_date", "due": "due_date", "birth date": "birthday", "date of birth": "birthday",
    "dob": "birthday", "job title": "title", "note": "notes", "comment": "comments",
}  # fmt: skip
_SINGULAR_HEADS = lexicon("field_types.singular_heads")
_INT = lexicon("field_types.int")
_FLOAT = lexicon("field_types.float")
_BOOL = lexicon("field_types.bool")
_DATE_WORDS = frozenset(["date", "birthday", "deadline", "anniversary"])
_DEFAULT_ENUMS: dict[str, list[str]] = {"priority": ["low", "medium", "high"]}
_DESCRIPTIONS = {
    "name": "Name.", "title": "Title.", "email": "Email address.", "phone": "Phone number.",
    "website": "Web address.", "url": "Web address.", "company": "Organization it belongs to.",
    "notes": "Anything else worth remembering.", "description": "What it is about.",
    "status": "Current state.", "priority": "How urgent it is.", "due_date": "Deadline (YYYY-MM-DD).",
    "date": "When it happens or happened (YYYY-MM-DD).", "birthday": "Date of birth (YYYY-MM-DD).",
    "address": "Postal address.", "location": "Where it is.", "role": "Job title or role.",
    "content": "The content itself.", "topic": "What it is about.", "value": "The value itself.",
    "age": "Age in years.", "assignee": "Who it is assigned to.", "tags": "Comma-separated tags.",
}  # fmt: skip
_TYPE_HINT = re.compile(
    r"\s*(?:\((?P<p>int|integer|number|float|decimal|bool|boolean|yes/no|date|datetime|text|string)\)"
    r"|\bas an? (?P<a>number|integer|date|boolean|flag|decimal))\s*$",
    re.IGNORECASE,
)
_HINTS = {"int": "int", "integer": "int", "number": "float", "float": "float", "decimal": "float",
          "bool": "bool", "boolean": "bool", "yes/no": "bool", "flag": "bool", "date": "date",
          "datetime": "datetime", "text": "str", "string": "str"}  # fmt: skip
_LEADING = re.compile(
    r"^(?:(?:a|an|the|their|its|his|her|our|my|each|every|one|optional|some|any|required)\s+)+",
    re.IGNORECASE,
)


# The engine's own columns and SQLite's prefix are not field names (schema.SYSTEM_COLUMNS).
_RESERVED = {"xuid": "external_id", "created_at": "created_on", "updated_at": "updated_on"}


def identifier(phrase: str) -> str:
    """`Due Date` -> `due_date`; digits and letters only, starting with a letter, never a
    name the engine reserves."""
    words = re.findall(r"[A-Za-z0-9]+", phrase.lower())
    ident = "_".join(words)[:63]
    if not ident or not ident[0].isalpha() or ident.startswith(RESERVED_PREFIX):
        ident = f"f_{ident}"[:63]
    return _RESERVED.get(ident, ident)


def parse_field(item: str) -> tuple[str, dict[str, Any]] | None:
    """A field from a phrase: ("status", {"type": "str", "enum": [...], ...}), or None."""
    text = item.strip().strip(".;:")
    required = bool(re.match(r"^(?:a |an )?required\b", text, re.IGNORECASE))
    hint = _TYPE_HINT.search(text)
    forced = _HINTS[(hint.group("p") or hint.group("a")).lower()] if hint else None
    if hint:
        text = text[: hint.start()]
    enum = None
    values = re.search(r"\(([^)]*)\)|:\s*(.+)$", text)
    if values:
        raw = values.group(1) if values.group(1) is not None else values.group(2)
        options = [v.strip() for v in re.split(r",|/|\||\bor\b", raw) if v.strip()]
        options = [re.sub(r"^(?:and|or)\s+", "", o) for o in options]
        if len(options) >= 2:
            enum = [identifier(o) for o in options]
        text = text[: values.start()]
    text = _LEADING.sub("", text.strip()).strip()
    if not text or len(text.split()) > 4:
        return None
    phrase = text.lower()
    phrase = _CANONICAL.get(phrase, phrase)
    words = phrase.split()
    if words and singular(words[-1]) in _SINGULAR_HEADS:
        words[-1] = singular(words[-1])  # "priorities" -> priority, but "ingredients" stays
    phrase = _CANONICAL.get(" ".join(words), " ".join(words))
    name = identifier(phrase)
    as_said = "_".join(re.findall(r"[a-z0-9]+", phrase))  # "created at" is a time, kept or not
    spec: dict[str, Any] = {"type": forced or infer_type(as_said), "required": required}
    if enum is None and name in _DEFAULT_ENUMS and forced is None:
        enum = list(_DEFAULT_ENUMS[name])
    if enum is not None:
        spec["type"] = "str"
        spec["enum"] = enum
    spec["description"] = describe(name)
    return name, spec


def infer_type(name: str) -> str:
    words = name.split("_")
    last = words[-1]
    if name in _BOOL or words[0] in ("is", "has"):
        return "bool"
    if (
        last in _DATE_WORDS
        or name.endswith(("_date", "_on", "_day"))
        or name in ("due_date", "born")
    ):
        return "date"
    if name.endswith("_at") or last in ("timestamp", "datetime"):
        return "datetime"
    if last in _INT or name.startswith(("number_of", "num_")) or name.endswith("_count"):
        return "int"
    if last in _FLOAT:
        return "float"
    return "str"


def describe(name: str, noun: str | None = None, kind: str | None = None) -> str:
    """A one-line description of a field, in the words of the object it belongs to."""
    if noun is not None:
        if name == "name":
            return "Full name." if kind == "person" else f"Name of the {noun}."
        if name == "title" and kind != "person":
            return f"Title of the {noun}."
        if name == "company" and kind == "person":
            return f"Organization the {noun} works for."
    if name in _DESCRIPTIONS:
        return _DESCRIPTIONS[name]
    return name.replace("_", " ").capitalize() + "."
