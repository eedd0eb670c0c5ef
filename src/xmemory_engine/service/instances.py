"""Instances: their schemas, their data files, and the catalog rows that describe them."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from xmemory_engine import datafiles
from xmemory_engine.errors import Conflict, NotFound, SchemaInvalid
from xmemory_engine.schema import Schema, parse_schema, plan_schema_update, schema_from_data
from xmemory_engine.sql_guard import ReadOnlySqlite, SqlReader
from xmemory_engine.store.base import Catalog, ClusterRow, InstanceData, InstanceRow, utc_now
from xmemory_engine.store.instance import SqliteInstanceData

logger = logging.getLogger("xmemory_engine")

DEFAULT_ORG = "local"


def default_schema_text() -> str:
    return resources.files("xmemory_engine").joinpath("default_schema.yml").read_text("utf-8")


def default_schema() -> Schema:
    """The default schema, from the YAML's JSON twin: the same data, without PyYAML's pure-
    Python parse of the default schema (~15 ms on a first start) or PyYAML itself."""
    return schema_from_data(datafiles.load("default_schema.yml"))


def parse_schema_payload(payload: Any, field: str = "instance_schema") -> tuple[Schema, str, str]:
    """`{yml: {value: TEXT}}` or `{json_schema: {value: TEXT}}` -> (schema, text, type).

    A `value` that is already a mapping is accepted too (newer clients send one)."""
    from xmemory_engine.errors import InvalidRequest

    if not isinstance(payload, dict):
        raise InvalidRequest(
            f"{field} is {{'yml': {{'value': TEXT}}}} or {{'json_schema': {{'value': TEXT}}}}",
            field=field,
        )
    kinds = [k for k in ("yml", "json_schema") if payload.get(k) is not None]
    if len(kinds) != 1:
        raise InvalidRequest(f"{field} has exactly one of 'yml' and 'json_schema'", field=field)
    kind = kinds[0]
    inner = payload[kind]
    value = inner.get("value") if isinstance(inner, dict) else None
    path = f"{field}.{kind}.value"
    if isinstance(value, dict):
        schema = _with_prefix(lambda: schema_from_data(value), path)
        text = json.dumps(value) if kind == "json_schema" else schema.to_yaml()
        return schema, text, "json" if kind == "json_schema" else "yml"
    if not isinstance(value, str):
        raise InvalidRequest("the schema text is a string", field=path)
    schema_type = "json" if kind == "json_schema" else "yml"
    schema = _with_prefix(lambda: parse_schema(value, schema_type), path)
    return schema, value, schema_type


def _with_prefix(parse: Any, path: str) -> Schema:
    try:
        schema: Schema = parse()
    except SchemaInvalid as exc:
        # `field` names the path inside the schema ("objects.contact.fields.age.type"), which
        # is what the author has to fix; the message says where the schema came from too.
        inner = exc.field if exc.field not in (None, "instance_schema") else "$"
        raise SchemaInvalid(
            f"invalid schema in {path} at {inner}: {exc.message}",
            field=inner,
            details={**(exc.details or {}), "schema_path": inner, "request_field": path},
        ) from exc
    return schema


@dataclass
class LiveInstance:
    """An instance as the service uses it: its catalog row, parsed schema and data."""

    row: InstanceRow
    schema: Schema
    data: InstanceData
    registry: InstanceRegistry

    @property
    def id(self) -> str:
        return self.row.id

    def reader(self) -> SqlReader:
        """The read-only, limited connection generated SQL runs on (shared, thread-safe)."""
        return self.registry.reader(self)


class InstanceRegistry:
    """Opens each instance's data file once and caches parsed schemas by version."""

    def __init__(
        self, catalog: Catalog, data_dir: Path, *, row_limit: int = 1000, time_limit: float = 5.0
    ) -> None:
        self.catalog = catalog
        self.row_limit = row_limit
        self.time_limit = time_limit
        self._readers: dict[str, tuple[int, ReadOnlySqlite]] = {}
        self.dir = data_dir / "instances"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._data: dict[str, InstanceData] = {}
        self._schemas: dict[tuple[str, int], Schema] = {}
        self._lock = threading.Lock()

    def path(self, instance_id: str) -> Path:
        return self.dir / f"{instance_id}.sqlite"

    def close(self) -> None:
        with self._lock:
            for data in self._data.values():
                data.close()
            self._data.clear()
            for _, reader in self._readers.values():
                reader.close()
            self._readers.clear()

    def reader(self, live: LiveInstance) -> SqlReader:
        """One read-only connection per instance, renewed when its schema version changes
        (the allowed tables change with it)."""
        with self._lock:
            cached = self._readers.get(live.id)
            if cached is not None and cached[0] == live.row.schema_version:
                return cached[1]
            reader = ReadOnlySqlite(
                self.path(live.id),
                row_limit=self.row_limit,
                time_limit=self.time_limit,
                allowed_tables=live.schema.table_names(),
            )
            self._readers[live.id] = (live.row.schema_version, reader)
        if cached is not None:
            cached[1].close()
        return reader

    def _open(self, instance_id: str, schema: Schema) -> InstanceData:
        with self._lock:
            data = self._data.get(instance_id)
            if data is None:
                # The schema lets the file's migration give records stored by an older
                # release their episodes and facts.
                data = SqliteInstanceData(self.path(instance_id), schema)
                self._data[instance_id] = data
            return data

    def schema_of(self, row: InstanceRow) -> Schema:
        cached = self._schemas.get((row.id, row.schema_version))
        if cached is None:
            cached = schema_from_data(json.loads(row.schema_json))
            self._schemas[(row.id, row.schema_version)] = cached
        return cached

    async def live(self, row: InstanceRow) -> LiveInstance:
        import anyio.to_thread

        schema = self.schema_of(row)
        data = self._data.get(row.id)
        if data is None:
            data = await anyio.to_thread.run_sync(self._open, row.id, schema)
        return LiveInstance(row, schema, data, self)

    async def get(self, instance_id: str) -> LiveInstance:
        row = await self.catalog.get_instance(instance_id)
        if row is None:
            raise NotFound(f"no instance with id {instance_id!r}", resource_id=instance_id)
        return await self.live(row)

    async def get_cluster(self, cluster_id: str) -> ClusterRow:
        cluster = await self.catalog.get_cluster(cluster_id)
        if cluster is None:
            raise NotFound(f"no cluster with id {cluster_id!r}", resource_id=cluster_id)
        return cluster

    def new_row(
        self,
        cluster_id: str,
        name: str,
        schema: Schema,
        schema_text: str,
        schema_type: str,
        *,
        description: str | None = None,
        schema_description: str | None = None,
    ) -> InstanceRow:
        now = utc_now()
        return InstanceRow(
            id=uuid.uuid4().hex,
            cluster_id=cluster_id,
            name=name,
            description=description,
            schema_text=schema_text,
            schema_type=schema_type,
            schema_json=json.dumps(schema.to_data()),
            schema_version=1,
            schema_description=schema_description,
            created_at=now,
            updated_at=now,
        )

    async def prepare_data(self, row: InstanceRow) -> None:
        """Create the instance's tables (before its catalog row exists, so a crash in between
        leaves at most an orphan file, removed at the next start)."""
        data = await self.live(row)
        await data.data.ensure_schema(data.schema)

    async def create(self, row: InstanceRow) -> LiveInstance:
        """Tables first, then the catalog row; when either fails, the new file goes too (a
        refused create leaves nothing behind)."""
        try:
            await self.prepare_data(row)
            await self.catalog.create_instance(row)
        except Exception:  # not on cancellation: the catalog row may have been committed
            self.drop_files(row.id)
            raise
        return await self.live(row)

    async def update_schema(
        self, live: LiveInstance, schema: Schema, text: str, schema_type: str
    ) -> LiveInstance:
        """Apply an additive change (new object types, fields, relations), keeping all data;
        anything else is refused with SchemaInvalid explaining why."""
        try:
            plan_schema_update(live.schema, schema)
        except SchemaInvalid as exc:
            raise SchemaInvalid(
                f"this schema change is not supported: {exc.message}",
                field=f"instance_schema: {exc.field}" if exc.field else "instance_schema",
            ) from exc
        await live.data.ensure_schema(schema)
        row = await self.catalog.update_instance_schema(
            live.id,
            schema_text=text,
            schema_type=schema_type,
            schema_json=json.dumps(schema.to_data()),
            expected_version=live.row.schema_version,
        )
        if row is None:
            raise Conflict(
                "the instance's schema changed while this update was being applied; read it "
                "again and retry",
                resource_id=live.id,
            )
        return await self.live(row)

    async def delete(self, instance_id: str) -> bool:
        """Forget the instance and remove its data file."""
        if not await self.catalog.delete_instance(instance_id):
            return False
        self.drop_files(instance_id)
        return True

    def drop_files(self, instance_id: str) -> None:
        with self._lock:
            data = self._data.pop(instance_id, None)
            reader = self._readers.pop(instance_id, None)
        if data is not None:
            data.close()
        if reader is not None:
            reader[1].close()
        base = self.path(instance_id)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(base) + suffix).unlink(missing_ok=True)

    def remove_orphans(self, known: Sequence[str], min_age: float = 600.0) -> list[str]:
        """Delete data files no catalog row names (a create or delete cut short). Young files
        are left alone: another process may be between creating one and its catalog row."""
        keep = set(known)
        removed = []
        now = time.time()
        for path in self.dir.glob("*.sqlite"):
            if path.stem not in keep and now - path.stat().st_mtime > min_age:
                self.drop_files(path.stem)
                removed.append(path.stem)
        return removed
