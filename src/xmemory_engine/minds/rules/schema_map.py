"""Where things found in text go in an arbitrary schema: object kinds, field roles, relations.

The rules never assume field names. A `contact` with `name, email, company, notes`, the
default schema's `person` with `role` and `company`, or a generated `Customer` with
`full_name, e_mail, employer` are all recognized by matching names (and, more weakly,
descriptions) against small vocabularies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xmemory_engine.minds.rules.text import name_words, singular, wordset
from xmemory_engine.schema import FieldSpec, ObjectSpec, RelationSpec, Schema

KIND_WORDS: dict[str, frozenset[str]] = {
    "person": wordset(
        """person people contact user member employee customer client friend colleague lead
    candidate author student patient individual human coworker teammate staff attendee
    participant guest speaker owner assignee"""
    ),
    "org": wordset(
        """organization organisation company org business employer firm vendor supplier
    institution school agency account corporation enterprise startup"""
    ),
    "task": frozenset(
        ["task", "todo", "to-do", "chore", "ticket", "issue", "assignment", "action", "reminder"]
    ),
    "event": wordset(
        """event meeting appointment call session occasion activity calendar booking"""
    ),
    "preference": frozenset(
        ["preference", "pref", "setting", "favorite", "favourite", "taste", "like"]
    ),
    "project": frozenset(
        ["project", "initiative", "program", "programme", "campaign", "goal", "aim"]
    ),
    "note": wordset(
        """note fact memory observation log journal entry remark comment history message
        conversation record insight quote quotation highlight excerpt thought idea"""
    ),
}

ROLE_SYNONYMS: dict[str, frozenset[str]] = {
    "name": frozenset(["name", "fullname", "full_name", "display_name", "displayname"]),
    "title": frozenset(["title", "name", "subject", "summary", "headline", "label"]),
    "email": frozenset(["email", "e_mail", "mail", "email_address", "emailaddress"]),
    "phone": frozenset(
        ["phone", "telephone", "tel", "mobile", "cell", "phone_number", "phonenumber"]
    ),
    "url": frozenset(["website", "url", "homepage", "site", "web", "link", "webpage"]),
    "company": wordset(
        """company organization organisation employer org business firm workplace"""
    ),
    # "What does she do for a living?" asks the job, in the idiom's own words.
    "role": wordset(
        "role title position job job_title jobtitle occupation profession for_a_living"
    ),
    "location": frozenset(
        ["location", "city", "place", "based_in", "town", "country", "region", "office"]
    ),
    "address": frozenset(["address", "street"]),
    "notes": wordset(
        """notes note description details detail comment comments about info remarks summary
    bio memo context"""
    ),
    "content": frozenset(
        ["content", "text", "body", "fact", "statement", "message", "description"]
    ),
    "topic": frozenset(["topic", "subject", "category", "key", "about"]),
    "value": frozenset(["value", "preference", "choice", "setting"]),
    "due": frozenset(["due", "due_date", "duedate", "deadline", "due_on", "by"]),
    "date": frozenset(["date", "day", "when", "on", "scheduled_for", "starts_at", "start"]),
    "start": frozenset(
        ["start_date", "joined", "joined_on", "join_date", "hire_date", "started", "start"]
    ),
    "birthday": frozenset(["birthday", "birth_date", "birthdate", "dob", "date_of_birth", "born"]),
    "assignee": frozenset(["assignee", "owner", "assigned_to", "responsible", "who"]),
    "status": frozenset(["status", "state", "stage"]),
    "priority": frozenset(["priority", "urgency", "importance"]),
    "project": frozenset(["project"]),
    "kind": frozenset(["kind", "type", "category", "industry"]),
    # "How is Renée connected to me?" asks the tie as "related" does.
    "relationship": frozenset(
        ["relationship", "relation", "related", "connected", "relationship_to_user", "kinship"]
    ),
}
# Roles that hold a free-text fallback; searched in this order.
NOTE_ROLES = ("notes",)


@dataclass
class SchemaMap:
    """A schema read for the rules: the kind of each object type and its key fields."""

    schema: Schema
    kinds: dict[str, str] = field(default_factory=dict)  # object type -> kind
    # What readers derive from the schema alone (the phrases a question may name a field
    # by, ...), kept here so that it is worked out once per schema, not once per question.
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, schema: Schema) -> SchemaMap:
        """The map of `schema`, made once per schema object: every read and write asks for it,
        and reading the names takes longer than answering a simple question."""
        cached = _MAPS.get(id(schema))
        if cached is not None and cached.schema is schema:
            return cached
        mapped = cls(schema)
        for name, spec in schema.objects.items():
            kind = object_kind(spec)
            if kind is not None:
                mapped.kinds[name] = kind
        if len(_MAPS) >= _MAPS_KEPT:
            _MAPS.pop(next(iter(_MAPS)))
        # The map holds its schema, so the id cannot be reused while the entry lives.
        _MAPS[id(schema)] = mapped
        return mapped

    def first(self, kind: str) -> ObjectSpec | None:
        """The object type best fitting `kind` (by name before description), if any."""
        # Asked several times per question and per write; it depends on the schema only.
        key = f"schema_map.first.{kind}"
        got = self.memo.get(key)
        if isinstance(got, tuple):
            return got[0] if got else None
        best_spec = self._first(kind)
        self.memo[key] = (best_spec,) if best_spec is not None else ()
        return best_spec

    def _first(self, kind: str) -> ObjectSpec | None:
        best: tuple[int, int, ObjectSpec] | None = None
        for i, (name, spec) in enumerate(self.schema.objects.items()):
            if self.kinds.get(name) != kind:
                continue
            score = kind_score(spec, kind)
            if best is None or score > best[0]:
                best = (score, -i, spec)
        return best[2] if best else None

    def of_kind(self, kind: str) -> list[ObjectSpec]:
        key = f"schema_map.of_kind.{kind}"
        got = self.memo.get(key)
        if not isinstance(got, tuple):
            got = tuple(self.schema.objects[n] for n, k in self.kinds.items() if k == kind)
            self.memo[key] = got
        return list(got)  # a new list: callers may extend theirs

    def relation_between(
        self, left: ObjectSpec, right: ObjectSpec, prefer: tuple[str, ...] = ()
    ) -> tuple[RelationSpec, str, str] | None:
        """A relation with one role played by `left` and another by `right`: (relation,
        left role, right role). Relations whose name contains a `prefer` word win."""
        found: list[tuple[int, RelationSpec, str, str]] = []
        for rel in self.schema.relations.values():
            roles = list(rel.roles.items())
            for lrole, ltype in roles:
                for rrole, rtype in roles:
                    if lrole != rrole and ltype == left.name and rtype == right.name:
                        words = set(name_words(rel.name))
                        score = sum(1 for p in prefer if any(w.startswith(p) for w in words))
                        found.append((score, rel, lrole, rrole))
        if not found:
            return None
        found.sort(key=lambda f: -f[0])
        return found[0][1], found[0][2], found[0][3]


# Schemas are immutable; the engine keeps one per live instance. Oldest entries go first.
_MAPS: dict[int, SchemaMap] = {}
_MAPS_KEPT = 64


def object_kind(spec: ObjectSpec) -> str | None:
    scores = {kind: kind_score(spec, kind) for kind in KIND_WORDS}
    kind, score = max(scores.items(), key=lambda kv: kv[1])
    if score <= 0:
        return None
    if kind in ("person", "org") and name_field(spec, kind) is None:
        return None
    return kind


def kind_score(spec: ObjectSpec, kind: str) -> int:
    vocab = KIND_WORDS[kind]
    words = [singular(w) for w in name_words(spec.name)]
    score = 0
    if words and words[-1] in vocab:
        score += 4
    elif any(w in vocab for w in words):
        score += 2
    desc = [singular(w) for w in name_words(spec.description or "")]
    if any(w in vocab for w in desc[:8]):
        score += 1
    return score


def field_score(fname: str, fspec: FieldSpec, role: str) -> int:
    synonyms = ROLE_SYNONYMS[role]
    lowered = fname.lower()
    if lowered in synonyms:
        return 4
    words = name_words(fname)
    if "_".join(words) in synonyms:
        return 4
    if words and words[-1] in synonyms and role not in ("title", "name", "value"):
        return 3
    if any(w in synonyms for w in words) and role in ("company", "email", "phone", "url", "due"):
        return 2
    return 0


# What `field_for` and `name_field` found per object type: asked many times per question and
# per write, and an object type never changes (schemas are immutable). Keyed by the spec's id;
# each entry holds its spec, so that id is not reused while the entry lives.
_FIELD_FOR: dict[tuple[int, str, tuple[str, ...] | None], tuple[ObjectSpec, str | None]] = {}
_NAME_FIELD: dict[tuple[int, str | None], tuple[ObjectSpec, str | None]] = {}
_FIELDS_KEPT = 4096


def field_for(
    spec: ObjectSpec,
    role: str,
    types: tuple[str, ...] | None = None,
    exclude: set[str] | None = None,
) -> str | None:
    """The field of `spec` that plays `role` (by name), optionally of one of `types`."""
    if exclude:
        return _field_for(spec, role, types, exclude)
    key = (id(spec), role, None if types is None else tuple(types))
    got = _FIELD_FOR.get(key)
    if got is not None and got[0] is spec:
        return got[1]
    found = _field_for(spec, role, types, None)
    if len(_FIELD_FOR) >= _FIELDS_KEPT:
        _FIELD_FOR.clear()
    _FIELD_FOR[key] = (spec, found)
    return found


def _field_for(
    spec: ObjectSpec, role: str, types: tuple[str, ...] | None, exclude: set[str] | None
) -> str | None:
    best: tuple[int, str] | None = None
    for fname, fspec in spec.fields.items():
        if exclude and fname in exclude:
            continue
        if types is not None and fspec.type not in types:
            continue
        score = field_score(fname, fspec, role)
        if score and (best is None or score > best[0]):
            best = (score, fname)
    return best[1] if best else None


def name_field(spec: ObjectSpec, kind: str | None = None) -> str | None:
    """The field holding what a record is called: name for people, title for tasks..."""
    key = (id(spec), kind)
    got = _NAME_FIELD.get(key)
    if got is not None and got[0] is spec:
        return got[1]
    found = _name_field(spec, kind)
    if len(_NAME_FIELD) >= _FIELDS_KEPT:
        _NAME_FIELD.clear()
    _NAME_FIELD[key] = (spec, found)
    return found


def _name_field(spec: ObjectSpec, kind: str | None) -> str | None:
    str_fields = [n for n, f in spec.fields.items() if f.type == "str" and f.enum is None]
    order = ["name", "full_name", "fullname", "display_name", f"{spec.name.lower()}_name"]
    if kind not in ("person", "org"):
        order += ["title", "topic", "subject", "label", "headline", "content", "summary"]
    order += ["username", "first_name"]
    lowered = {n.lower(): n for n in str_fields}
    for candidate in order:
        if candidate in lowered:
            return lowered[candidate]
    for fname in str_fields:
        words = name_words(fname)
        if words and words[-1] == "name":
            return fname
    if kind in ("person", "org"):
        return None
    for key in spec.primary_key:
        if key in str_fields:
            return key
    required = [n for n in str_fields if spec.fields[n].required]
    return required[0] if required else None


def notes_field(spec: ObjectSpec, exclude: set[str] | None = None) -> str | None:
    """A free-text field for what fits nowhere else (notes, description, details...)."""
    return field_for(spec, "notes", ("str",), exclude)


def date_fields(spec: ObjectSpec) -> list[str]:
    """The fields holding a day (`date`, `datetime`): what a question's time filters on."""
    return [n for n, f in spec.fields.items() if f.type in ("date", "datetime")]


def text_fields(spec: ObjectSpec) -> list[str]:
    return [n for n, f in spec.fields.items() if f.type == "str"]


def phrases(fname: str) -> list[str]:
    """Ways a field may be written in text: `due_date` -> ["due date", "due"]."""
    words = name_words(fname)
    out = [" ".join(words)]
    for role, synonyms in ROLE_SYNONYMS.items():
        if role in ("name", "title", "value", "content", "topic", "date"):
            continue
        if fname.lower() in synonyms or "_".join(words) in synonyms:
            out += [s.replace("_", " ") for s in synonyms if len(s) > 2]
    seen: list[str] = []
    for p in out:
        if p not in seen:
            seen.append(p)
    return sorted(seen, key=len, reverse=True)


FACT_FIELDS = ("subject", "attribute", "value")

CREATORS = ("author", "writer", "director", "artist", "creator", "composer", "developer")
"""Field-name words of who made a work (a book's `author`, a film's `director`)."""


def fact_type(mapped: SchemaMap) -> ObjectSpec | None:
    """The schema's fact-like type: fields subject, attribute and value, each text."""
    for spec in mapped.schema.objects.values():
        if all(f in spec.fields and spec.fields[f].type == "str" for f in FACT_FIELDS):
            return spec
    return None


def creator_field(spec: ObjectSpec) -> str | None:
    """The field naming who made a work of `spec`'s kind, if it has one."""
    return next((f for f in spec.fields if set(name_words(f)) & set(CREATORS)), None)
