"""`RecordLookup` over an instance's database: how a mind sees what is already stored.

Records are plain dicts: `xuid`, every field of the type (None when unknown), `created_at`,
`updated_at`. Lookups read committed data on the instance's reader connection, never inside
a write transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xmemory_engine.service.instances import LiveInstance
from xmemory_engine.service.names import find_object_spec
from xmemory_engine.store.base import Tables
from xmemory_engine.store.naming import name_field
from xmemory_engine.store.terms import normalize


class StoreLookup:
    """Read access to one instance's stored records, for extraction."""

    def __init__(self, live: LiveInstance) -> None:
        self._live = live

    async def find(self, object_type: str, text: str, limit: int = 5) -> list[dict[str, Any]]:
        """Records of `object_type` whose text fields equal (first) or mention `text`."""
        spec = find_object_spec(self._live.schema, object_type)
        if spec is None or not text.strip():
            return []
        first = name_field(spec)
        fields = [f for f, s in spec.fields.items() if s.type == "str"]
        if first in fields:
            fields.remove(first)
            fields.insert(0, first)

        def run(tables: Tables) -> list[dict[str, Any]]:
            return tables.find_by_text(spec, fields, text, max(1, limit))

        return await self._live.data.read(self._live.schema, run)

    async def recent(self, object_type: str, limit: int = 5) -> list[dict[str, Any]]:
        """The most recently updated records of `object_type`."""
        spec = find_object_spec(self._live.schema, object_type)
        if spec is None:
            return []

        def run(tables: Tables) -> list[dict[str, Any]]:
            return tables.recent(spec, max(1, limit))

        return await self._live.data.read(self._live.schema, run)

    async def named(
        self, object_type: str, names: Sequence[str], limit: int = 5
    ) -> list[dict[str, Any]]:
        """Records of `object_type` named one of `names`, or holding a one-word name as one
        word of theirs; one read for all the names (each read is a hop to a thread)."""
        spec = find_object_spec(self._live.schema, object_type)
        terms = [t for t in dict.fromkeys(normalize(n) for n in names) if t]
        if spec is None or not terms:
            return []

        def run(tables: Tables) -> list[dict[str, Any]]:
            found: dict[str, dict[str, Any]] = {}
            for term in terms:
                for record in tables.find_by_term(spec, term, max(1, limit), whole=" " in term):
                    found.setdefault(str(record["xuid"]), record)
            return list(found.values())

        return await self._live.data.read(self._live.schema, run)
