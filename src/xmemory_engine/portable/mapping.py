"""How another memory's entities and relations land in an instance's schema.

An entity type becomes an object type when the schema has a fitting one: the same name, a
known synonym (`person` for human, contact, friend ...), or what the user's mapping file
says. A type fits when a record of it is named by one text field (a single text primary key)
and has a text field for everything else said about it (notes, description ...). Everything
else becomes a note that keeps its type. A relation type becomes a relation of the schema
when one has that name (or a synonym) and its roles take the two ends' types in order;
otherwise it is kept as a typed link (the `link` object type, added to the schema on first
need).

The mapping file (YAML), every part optional:

    types:      {human: person, city: note}      # entity type -> object type, or note
    relations:  {employed_by: works_at}          # relation type -> relation
    fields:     {mail: email}                    # observation label -> field
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xmemory_engine.errors import InvalidRequest
from xmemory_engine.schema import FieldSpec, ObjectSpec, RelationSpec, Schema

NOTE = "note"
LINK = "link"

# Synonyms an entity type is recognised by, per object type of the default schema (used only
# when the instance's schema has that type).
TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "person": (
        "people", "human", "user", "contact", "friend", "colleague", "coworker", "individual",
        "family", "family_member", "relative", "employee", "client", "customer", "author", "me",
        "character", "partner", "manager",
    ),
    "organization": (
        "organisation", "org", "company", "business", "corporation", "corp", "team", "school",
        "university", "college", "institution", "employer", "startup", "agency", "nonprofit",
        "club", "firm", "department",
    ),
    "project": ("initiative", "product", "repository", "repo", "codebase"),
    "task": ("todo", "to_do", "action_item", "chore", "ticket"),
    "event": ("meeting", "appointment", "conference", "trip", "occasion"),
    "preference": ("like", "dislike", "habit", "preferences"),
}  # fmt: skip
RELATION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "works_at": ("works_for", "employed_by", "employed_at", "employee_of", "is_employed_by"),
    "works_on": ("contributes_to", "member_of_project", "working_on"),
    "attends": ("attended", "attending", "goes_to", "going_to"),
    "assigned_to": ("assigned", "owned_by"),
    "part_of": ("belongs_to", "in_project"),
}
# A record's text field for what is said about it that has no field of its own.
REST_FIELDS = ("notes", "note", "description", "details", "summary", "about", "bio", "content")

LINK_SPEC = ObjectSpec(
    LINK,
    {
        "source": FieldSpec(type="str", required=True, description="What the link goes from."),
        "kind": FieldSpec(type="str", required=True, description="What the link says (lives_in)."),
        "target": FieldSpec(type="str", required=True, description="What the link goes to."),
        "source_type": FieldSpec(type="str", description="The type of what it goes from."),
        "target_type": FieldSpec(type="str", description="The type of what it goes to."),
    },
    "A typed link between two things, kept as given (a relation the schema has no type for).",
    ("source", "kind", "target"),
)
NOTE_SPEC = ObjectSpec(
    NOTE,
    {
        "content": FieldSpec(type="str", required=True, description="One fact in a sentence."),
        "topic": FieldSpec(type="str", description="What it is about."),
    },
    "A free-form fact that fits nowhere else.",
)


def norm(name: str) -> str:
    """`Works At` and `works-at` are `works_at`."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


@dataclass
class Mapping:
    """The user's overrides, read from a small YAML file."""

    types: dict[str, str] = field(default_factory=dict)
    relations: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> Mapping:
        if path is None:
            return cls()
        import yaml

        try:
            data = yaml.safe_load(path.read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InvalidRequest(f"mapping file {path}: {exc}") from None
        if not isinstance(data, dict) or set(data) - {"types", "relations", "fields"}:
            raise InvalidRequest(
                f"mapping file {path}: a mapping with 'types', 'relations' and 'fields' only"
            )
        parts: dict[str, dict[str, str]] = {}
        for part in ("types", "relations", "fields"):
            given = data.get(part) or {}
            if not isinstance(given, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in given.items()
            ):
                raise InvalidRequest(f"mapping file {path}: '{part}' maps names to names")
            parts[part] = {norm(k): v.strip() for k, v in given.items()}
        return cls(**parts)


def rest_field(spec: ObjectSpec) -> str | None:
    key = spec.primary_key[0] if len(spec.primary_key) == 1 else None
    for name in REST_FIELDS:
        fspec = spec.fields.get(name)
        if fspec is not None and fspec.type == "str" and fspec.enum is None and name != key:
            return name
    return None


def fits(spec: ObjectSpec) -> bool:
    """Named by one text field, with a text field for the rest."""
    return (
        len(spec.primary_key) == 1
        and spec.fields[spec.primary_key[0]].type == "str"
        and rest_field(spec) is not None
    )


class TypeMap:
    """Entity and relation types to the schema's, remembered as they are decided."""

    def __init__(self, schema: Schema, mapping: Mapping) -> None:
        self.schema = schema
        self.mapping = mapping
        self._types: dict[str, str] = {}

    def object_type(self, entity_type: str, tags: tuple[str, ...] = ()) -> str:
        """The object type for an entity type (NOTE when none fits); tags are tried after it."""
        key = norm(entity_type)
        found = self._types.get(key)
        if found is None:
            found = self._decide(key)
            self._types[key] = found
        if found == NOTE:
            for tag in tags:
                tagged = self.object_type(tag)
                if tagged != NOTE:
                    return tagged
        return found

    def _decide(self, key: str) -> str:
        wanted = self.mapping.types.get(key)
        if wanted is not None:
            if norm(wanted) == NOTE:
                return NOTE
            spec = self.schema.objects.get(wanted)
            if spec is None or not fits(spec):
                raise InvalidRequest(
                    f"the mapping sends {key!r} to {wanted!r}, which is not an object type of"
                    " this schema named by one text field with a notes-like text field"
                )
            return wanted
        for name, spec in self.schema.objects.items():
            if name in (NOTE, LINK) or not fits(spec):
                continue
            if key in (name, name + "s") or key in TYPE_SYNONYMS.get(name, ()):
                return name
        return NOTE

    def relation(self, kind: str, source: str | None, target: str | None) -> RelationSpec | None:
        """The schema's relation for a link of `kind` from an object of type `source` to
        one of type `target` (roles in order), or None: kept as a typed link."""
        if source is None or target is None or NOTE in (source, target):
            return None
        key = norm(kind)
        wanted = self.mapping.relations.get(key)
        candidates = [wanted] if wanted else [key]
        if not wanted:
            candidates += [r for r, words in RELATION_SYNONYMS.items() if key in words]
        for name in candidates:
            rel = self.schema.relations.get(name)
            if rel is not None and list(rel.roles.values()) == [source, target]:
                return rel
        return None

    def field_for(self, spec: ObjectSpec, label: str) -> str | None:
        """The field an observation labelled `label` ('email: ...', '[role] ...') goes to."""
        key = self.mapping.fields.get(norm(label), norm(label))
        return key if key in spec.fields and key not in spec.primary_key else None


def coerce(spec: ObjectSpec, field_name: str, value: str) -> Any:
    """The value as the field stores it, or None when it does not fit (left in the notes)."""
    fspec = spec.fields[field_name]
    try:
        if fspec.enum is not None:
            match = [v for v in fspec.enum if str(v).lower() == value.strip().lower()]
            return match[0] if match else None
        return fspec.coerce(value.strip())
    except ValueError:
        return None


def with_types(schema: Schema, *names: str) -> Schema | None:
    """The schema with the note and link types added when asked for and missing; None when
    nothing is missing."""
    extra = {n: s for n, s in ((NOTE, NOTE_SPEC), (LINK, LINK_SPEC)) if n in names}
    missing = {n: s for n, s in extra.items() if n not in schema.objects}
    if not missing:
        return None
    return Schema(objects={**schema.objects, **missing}, relations=dict(schema.relations))
