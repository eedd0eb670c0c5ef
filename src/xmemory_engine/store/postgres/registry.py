"""The instance registry on PostgreSQL: instances are schemas of one database, not files."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

from psycopg import sql

from xmemory_engine.schema import Schema
from xmemory_engine.service.instances import InstanceRegistry, LiveInstance
from xmemory_engine.store.base import Catalog
from xmemory_engine.store.postgres.database import Connection, Database
from xmemory_engine.store.postgres.instance import (
    SCHEMA_PREFIX,
    PostgresInstanceData,
    reader_role,
    schema_name,
)
from xmemory_engine.store.postgres.reader import ReadOnlyPostgres


class PostgresRegistry(InstanceRegistry):
    """`InstanceRegistry` whose instances live in `db`, one schema each."""

    def __init__(
        self,
        catalog: Catalog,
        data_dir: Path,
        db: Database,
        *,
        row_limit: int = 1000,
        time_limit: float = 5.0,
    ) -> None:
        super().__init__(catalog, data_dir, row_limit=row_limit, time_limit=time_limit)
        self.db = db
        self._pg_data: dict[str, PostgresInstanceData] = {}
        self._pg_readers: dict[str, tuple[int, ReadOnlyPostgres]] = {}

    def reader(self, live: LiveInstance) -> ReadOnlyPostgres:
        """One reader per instance and schema version (the allowed tables change with it)."""
        with self._lock:
            cached = self._pg_readers.get(live.id)
            if cached is not None and cached[0] == live.row.schema_version:
                return cached[1]
            reader = ReadOnlyPostgres(
                self.db,
                live.id,
                row_limit=self.row_limit,
                time_limit=self.time_limit,
                allowed_tables=live.schema.table_names(),
            )
            self._pg_readers[live.id] = (live.row.schema_version, reader)
        return reader

    def _open(self, instance_id: str, schema: Schema) -> PostgresInstanceData:
        with self._lock:
            data = self._pg_data.get(instance_id)
            if data is None:
                data = PostgresInstanceData(self.db, instance_id)
                self._pg_data[instance_id] = data
            self._data[instance_id] = data
            return data

    def close(self) -> None:
        with self._lock:
            self._pg_data.clear()
            self._pg_readers.clear()
            self._data.clear()
            self._readers.clear()

    def drop_files(self, instance_id: str) -> None:
        """Drop the instance's schema and its reader role."""
        with self._lock:
            self._pg_data.pop(instance_id, None)
            self._data.pop(instance_id, None)
            reader = self._pg_readers.pop(instance_id, None)
        if reader is not None:
            reader[1].close()
        self.db.run(lambda conn: drop_instance(conn, instance_id))

    def remove_orphans(self, known: Sequence[str], min_age: float = 600.0) -> list[str]:
        """Drop instance schemas no catalog row names, once older than `min_age` seconds
        (another process may be between creating one and its catalog row)."""
        keep = set(known)
        now = time.time()
        found = self.db.run(
            lambda conn: conn.execute(
                "SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace "
                "WHERE starts_with(nspname, %s)",
                (SCHEMA_PREFIX,),
            ).fetchall()
        )
        removed: list[str] = []
        for name, comment in found:
            instance_id = name[len(SCHEMA_PREFIX) :]
            if instance_id in keep:
                continue
            try:
                stamp = json.loads(comment or "")
                made = float(stamp["created_at"])
                ours = stamp["xmemory_instance"] == instance_id
            except (ValueError, TypeError, KeyError):
                continue  # not stamped by an engine when it made it: not ours to drop
            if not ours:
                continue
            if now - made > min_age:
                self.drop_files(instance_id)
                removed.append(instance_id)
        return removed


def drop_instance(conn: Connection, instance_id: str) -> None:
    with conn.transaction():
        conn.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema_name(instance_id))
            )
        )
        role = reader_role(instance_id)
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
