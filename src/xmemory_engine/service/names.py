"""Finding an object type or relation by the name a caller or a mind used for it.

Schemas name types in CamelCase or snake_case and callers use either ("OpenTask", "open_task",
"opentask"), so a name is matched exactly, then ignoring case, then ignoring case and '_'.
"""

from __future__ import annotations

from typing import TypeVar

from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema

S = TypeVar("S", ObjectSpec, RelationSpec)


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").replace(" ", "").lower()


def _find(specs: dict[str, S], name: str) -> S | None:
    if name in specs:
        return specs[name]
    for attempt in (str.lower, _fold):
        hits = [s for n, s in specs.items() if attempt(n) == attempt(name)]
        if len(hits) == 1:
            return hits[0]
    return None


def find_object_spec(schema: Schema, name: str) -> ObjectSpec | None:
    return _find(schema.objects, name)


def find_relation_spec(schema: Schema, name: str) -> RelationSpec | None:
    return _find(schema.relations, name)
