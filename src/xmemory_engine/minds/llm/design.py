"""Schema design by a model: a description (and the current schema) -> an XMD schema.

Given a current schema, what exists is kept by construction: the model's reply is merged
over it so that every existing object type, field (with its type and allowed values,
possibly widened), primary key and relation stays as it is, even if the model dropped or
changed it. The result is then checked with `plan_schema_update`; a reply that still does
not fit (an invalid name, a relation to an unknown type) gets the one repair round.
"""

from __future__ import annotations

import copy
from typing import Any

from xmemory_engine.errors import SchemaInvalid
from xmemory_engine.minds.base import TextModel
from xmemory_engine.minds.llm import jsonschema
from xmemory_engine.minds.llm.ask import ask_json
from xmemory_engine.minds.llm.prompts import DESIGN_SYSTEM, design_message
from xmemory_engine.minds.llm.replies import ReplyInvalid, parse_object
from xmemory_engine.schema import Schema, plan_schema_update, schema_from_data


class LlmDesigner:
    """A `Designer` that asks a model, then keeps everything the current schema has."""

    def __init__(self, model: TextModel, *, max_tokens: int = 4096) -> None:
        self.model = model
        self.max_tokens = max_tokens

    async def design(self, description: str, current: Schema | None = None) -> Schema:
        message = design_message(description, current.to_yaml() if current else None)

        def read(reply: str) -> Schema:
            return read_design(reply, current)

        schema, _ = await ask_json(
            self.model,
            DESIGN_SYSTEM,
            [{"role": "user", "content": message}],
            read,
            json_schema=jsonschema.design_schema(),
            max_tokens=self.max_tokens,
            what="schema design",
        )
        return schema


def read_design(reply: str, current: Schema | None) -> Schema:
    """The schema a design reply describes, merged over `current`; ReplyInvalid otherwise."""
    data = to_xmd(parse_object(reply, ("objects",)))
    questions = question_names(data, current)
    if questions:
        raise ReplyInvalid(questions)
    if current is not None:
        data = keep_current(data, current.to_data())
    try:
        schema = schema_from_data(data)
        if current is not None:
            plan_schema_update(current, schema)
    except SchemaInvalid as exc:
        raise ReplyInvalid([f"{exc.field}: {exc.message}" if exc.field else exc.message]) from None
    return schema


_QUESTION_WORDS = frozenset(
    ["which", "what", "when", "where", "why", "how", "who", "whom", "whose", "whether"]
)


def question_names(data: dict[str, Any], current: Schema | None) -> list[str]:
    """New object types and fields named by a question ("which_room") rather than by the noun
    a person would use (room); names the current schema already has are left as they are."""
    paths: list[tuple[str, str]] = []  # (path, name)
    for kind in ("objects", "relations"):
        kept = (current.objects if kind == "objects" else current.relations) if current else {}
        for name, spec in (data.get(kind) or {}).items():
            old = kept.get(name)
            if old is None and kind == "objects":
                paths.append((f"{kind}.{name}", name))
            paths += [
                (f"{kind}.{name}.fields.{f}", f)
                for f in spec.get("fields") or {}
                if old is None or f not in old.fields
            ]
    return [
        f"{path}: name it with the noun it holds (room, not which_room), never a question"
        for path, name in paths
        if str(name).split("_")[0].lower() in _QUESTION_WORDS
    ]


def to_xmd(data: dict[str, Any]) -> dict[str, Any]:
    """The design reply's lists as XMD mappings (a reply already in XMD passes through)."""
    errors: list[str] = []
    objects = _named_map(data.get("objects"), "objects", errors)
    relations = _named_map(data.get("relations") or [], "relations", errors)
    if errors:
        raise ReplyInvalid(errors)
    xmd: dict[str, Any] = {"objects": {}}
    for name, obj in objects.items():
        spec: dict[str, Any] = {}
        if obj.get("description"):
            spec["description"] = obj["description"]
        if obj.get("primary_key"):
            spec["primary_key"] = obj["primary_key"]
        spec["fields"] = _fields(obj.get("fields"), f"objects.{name}", errors)
        xmd["objects"][name] = spec
    if relations:
        xmd["relations"] = {}
    for name, rel in relations.items():
        spec = {}
        if rel.get("description"):
            spec["description"] = rel["description"]
        roles = rel.get("roles", rel.get("objects"))
        if isinstance(roles, list):
            roles = {_name(r.get("role")): r.get("object") for r in roles if isinstance(r, dict)}
        spec["objects"] = roles
        fields = _fields(rel.get("fields"), f"relations.{name}", errors)
        if fields:
            spec["fields"] = fields
        xmd["relations"][name] = spec
    if errors:
        raise ReplyInvalid(errors)
    return xmd


def keep_current(new: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """`new` with everything in `current` put back exactly (enums may only widen)."""
    merged: dict[str, Any] = {"objects": _merge_kinds(new["objects"], current["objects"])}
    relations = _merge_kinds(new.get("relations", {}), current.get("relations", {}))
    if relations:
        merged["relations"] = relations
    return merged


def _merge_kinds(new: dict[str, Any], current: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Current entries first (merged with the model's version of them), then new ones."""
    folded = {name.lower(): name for name in new}
    out: dict[str, dict[str, Any]] = {}
    for name, cur in current.items():
        theirs = new.get(folded.get(name.lower(), ""), {})
        entry = copy.deepcopy(cur)
        if not entry.get("description") and theirs.get("description"):
            entry["description"] = theirs["description"]
        fields = entry.setdefault("fields", {})
        for fname, fspec in (theirs.get("fields") or {}).items():
            known = {f.lower(): f for f in fields}
            if fname.lower() in known:
                _widen_enum(fields[known[fname.lower()]], fspec)
            else:
                fields[fname] = fspec
        if not fields:
            del entry["fields"]
        out[name] = entry
    taken = {name.lower() for name in out}
    for name, spec in new.items():
        if name.lower() not in taken:
            out[name] = spec
    return out


def _widen_enum(current: dict[str, Any], theirs: Any) -> None:
    if not isinstance(theirs, dict) or "enum" not in current:
        return
    if theirs.get("type", current.get("type")) != current.get("type"):
        return
    extra = [v for v in theirs.get("enum") or [] if v not in current["enum"]]
    current["enum"] = [*current["enum"], *extra]


def _named_map(raw: Any, path: str, errors: list[str]) -> dict[str, dict[str, Any]]:
    if isinstance(raw, dict):  # already XMD: {name: spec}
        return {_name(k): v if isinstance(v, dict) else {} for k, v in raw.items()}
    if not isinstance(raw, list):
        errors.append(f"{path}: must be a list")
        return {}
    out: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            errors.append(f"{path}[{i}]: must be an object with a 'name'")
            continue
        name = _name(item["name"])
        if name in out:
            errors.append(f"{path}[{i}]: {name!r} appears twice")
            continue
        out[name] = item
    return out


def _fields(raw: Any, path: str, errors: list[str]) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if raw is None:
        return {}
    if not isinstance(raw, list):
        errors.append(f"{path}.fields: must be a list")
        return {}
    fields: dict[str, Any] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            errors.append(f"{path}.fields[{i}]: must be an object with a 'name'")
            continue
        spec: dict[str, Any] = {"type": item.get("type") or "str"}
        if item.get("required"):
            spec["required"] = True
        if item.get("description"):
            spec["description"] = item["description"]
        if item.get("enum"):
            spec["enum"] = item["enum"]
        fields[_name(item["name"])] = spec
    return fields


def _name(raw: Any) -> str:
    """A name as the model wrote it, with spaces and dashes made underscores."""
    return str(raw).strip().replace(" ", "_").replace("-", "_")
