"""The engine's operations, one method per endpoint; the API layer only parses and renders."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from xmemory_engine.errors import EngineError, MindFailed, NotFound
from xmemory_engine.minds.base import (
    ExtractionLogic,
    ExtractionRequest,
    Mind,
    ReadMode,
)
from xmemory_engine.schema import Schema, parse_schema, schema_from_data
from xmemory_engine.service import describe as describe_mod
from xmemory_engine.service import forget as forgetting
from xmemory_engine.service import reads
from xmemory_engine.service.instances import (
    DEFAULT_ORG,
    InstanceRegistry,
    default_schema,
    default_schema_text,
)
from xmemory_engine.service.lookup import StoreLookup
from xmemory_engine.service.merge import preview
from xmemory_engine.service.mutations import parse_mutations
from xmemory_engine.service.writes import WriteQueue
from xmemory_engine.settings import EngineSettings
from xmemory_engine.store.base import Catalog, ClusterRow, InstanceRow, utc_now

logger = logging.getLogger("xmemory_engine")


@dataclass
class WriteRequest:
    """A validated write body: exactly one of `text` and `mutations`.

    `source_text` is the sentence(s) structured mutations came from (kept as the write's
    episode); `occurred_at` is when what the write tells happened (ISO date or datetime).
    """

    text: str | None
    mutations: list[Any] | None
    extraction_logic: ExtractionLogic = ExtractionLogic.DEEP
    source_text: str | None = None
    occurred_at: str | None = None

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any]
        if self.mutations is not None:
            payload = {"kind": "mutations", "mutations": self.mutations}
        else:
            payload = {
                "kind": "text",
                "text": self.text,
                "extraction_logic": self.extraction_logic.value,
            }
        if self.source_text is not None:
            payload["source_text"] = self.source_text
        if self.occurred_at is not None:
            payload["occurred_at"] = self.occurred_at
        return payload


def cluster_wire(row: ClusterRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "org_id": row.org_id,
        "name": row.name,
        "description": row.description,
        "created_at": row.created_at,
    }


class MemoryService:
    """Clusters, instances, writes, reads and describe, over one catalog and one mind."""

    def __init__(
        self,
        catalog: Catalog,
        registry: InstanceRegistry,
        queue: WriteQueue,
        mind: Mind,
        settings: EngineSettings,
    ) -> None:
        self.catalog = catalog
        self.registry = registry
        self.queue = queue
        self.mind = mind
        self.settings = settings

    def instance_wire(self, row: InstanceRow, *, verbose: bool = True) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": row.id,
            "cluster_id": row.cluster_id,
            "name": row.name,
            "description": row.description,
            "schema_version": row.schema_version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
        if verbose:
            item["data_schema"] = self.registry.schema_of(row).to_data()
        return item

    # -- defaults --------------------------------------------------------------------------

    async def ensure_defaults(self) -> tuple[str, str]:
        """The default cluster and instance ids, created on first start."""
        text = default_schema_text()

        def make_cluster() -> ClusterRow:
            return ClusterRow(
                id=uuid.uuid4().hex,
                org_id=DEFAULT_ORG,
                name="default",
                description="The local cluster of this engine.",
                created_at=utc_now(),
            )

        def make_instance(cluster_id: str) -> InstanceRow:
            # Made only when the instance is: later starts read the schema from the catalog.
            # The stored text stays the YAML; the schema comes from its JSON twin.
            return self.registry.new_row(
                cluster_id,
                "default",
                default_schema(),
                text,
                "yml",
                description="General-purpose memory: people, organizations, projects, tasks, "
                "preferences, events and notes.",
            )

        cluster, instance, created = await self.catalog.ensure_defaults(make_cluster, make_instance)
        if created or not self.registry.path(instance.id).exists():
            await self.registry.prepare_data(instance)
        return cluster.id, instance.id

    # -- clusters --------------------------------------------------------------------------

    async def list_clusters(self, ids: Sequence[str] | None) -> list[dict[str, Any]]:
        return [cluster_wire(c) for c in await self.catalog.list_clusters(ids)]

    async def get_cluster(self, cluster_id: str) -> dict[str, Any]:
        return cluster_wire(await self.registry.get_cluster(cluster_id))

    async def generate_schema(
        self, cluster_id: str, description: str, current: str | dict[str, Any] | None
    ) -> dict[str, Any]:
        await self.registry.get_cluster(cluster_id)
        current_schema: Schema | None = None
        if isinstance(current, dict):
            current_schema = schema_from_data(current)
        elif isinstance(current, str) and current.strip():
            current_schema = parse_schema(current, "yml")
        try:
            designed = await self.mind.designer.design(description, current_schema)
        except EngineError:
            raise
        except Exception as exc:
            logger.exception("schema design failed")
            raise MindFailed(f"schema design failed: {type(exc).__name__}: {exc}") from exc
        # Whatever a mind produced goes through the same validation as a caller's schema.
        checked = schema_from_data(designed.to_data())
        return {"data_schema": checked.to_data()}

    # -- instances -------------------------------------------------------------------------

    async def create_instance(
        self,
        cluster_id: str,
        name: str,
        schema: Schema,
        schema_text: str,
        schema_type: str,
        *,
        description: str | None,
        schema_description: str | None,
    ) -> dict[str, Any]:
        await self.registry.get_cluster(cluster_id)
        row = self.registry.new_row(
            cluster_id,
            name,
            schema,
            schema_text,
            schema_type,
            description=description,
            schema_description=schema_description,
        )
        live = await self.registry.create(row)
        return self.instance_wire(live.row)

    async def list_instances(
        self, ids: Sequence[str] | None, *, verbose: bool
    ) -> list[dict[str, Any]]:
        rows = await self.catalog.list_instances(ids)
        return [self.instance_wire(r, verbose=verbose) for r in rows]

    async def get_instance(self, instance_id: str) -> dict[str, Any]:
        return self.instance_wire((await self.registry.get(instance_id)).row)

    async def update_metadata(
        self, instance_id: str, changes: dict[str, str | None]
    ) -> dict[str, Any]:
        row = await self.catalog.update_instance_metadata(instance_id, changes)
        if row is None:
            raise NotFound(f"no instance with id {instance_id!r}", resource_id=instance_id)
        return self.instance_wire(row)

    async def delete_instance(self, instance_id: str) -> list[str]:
        if not await self.registry.delete(instance_id):
            raise NotFound(f"no instance with id {instance_id!r}", resource_id=instance_id)
        return [instance_id]

    async def get_schema(self, instance_id: str) -> dict[str, Any]:
        live = await self.registry.get(instance_id)
        return {
            "data_schema": live.schema.to_data(),
            "schema_version": live.row.schema_version,
            "schema_type": live.row.schema_type,
            "schema_text": live.row.schema_text,
        }

    async def update_schema(
        self, instance_id: str, schema: Schema, text: str, schema_type: str
    ) -> dict[str, Any]:
        live = await self.registry.get(instance_id)
        updated = await self.registry.update_schema(live, schema, text, schema_type)
        item = self.instance_wire(updated.row)
        item["prior_version"] = live.row.schema_version
        item["new_version"] = updated.row.schema_version
        return item

    # -- writes ----------------------------------------------------------------------------

    async def _enqueue(
        self,
        instance_id: str,
        request: WriteRequest,
        *,
        waited: bool,
        durable: bool | None = None,
    ) -> Any:
        live = await self.registry.get(instance_id)
        ops = None
        if request.mutations is not None:
            mutations = request.mutations
            # Checked now, so a malformed or misfit mutation is refused (400 / 422) and never
            # queued; checked again when applied if the schema has changed meanwhile.
            ops = await anyio.to_thread.run_sync(
                lambda: parse_mutations(
                    mutations, live.schema, max_count=self.settings.max_mutations
                )
            )
        return await self.queue.submit(
            live, request.payload(), waited=waited, durable=durable, ops=ops
        )

    async def write(self, instance_id: str, request: WriteRequest) -> dict[str, Any]:
        job = await self._enqueue(instance_id, request, waited=True)
        return await self.queue.wait(job)

    async def write_async(
        self, instance_id: str, request: WriteRequest, *, durable: bool = True
    ) -> dict[str, Any]:
        """Queue the write; `durable=False` for a caller in this process that waits for its
        end before it answers anyone (`WriteQueue.submit`)."""
        job = await self._enqueue(instance_id, request, waited=False, durable=durable)
        return {"write_id": job.id, "trace_id": job.row.trace_id, "write_status": "queued"}

    async def forget(self, instance_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Remove a record, or every value that mentions a text (`service/forget.py`)."""
        live = await self.registry.get(instance_id)
        request = forgetting.forget_request(
            body.get("text"),
            body.get("object_type"),
            body.get("xuid"),
            body.get("key"),
            live.schema,
        )
        return await forgetting.forget(live, self.queue, request)

    async def write_status(self, instance_id: str, write_id: str) -> dict[str, Any]:
        live = await self.registry.get(instance_id)
        return await self.queue.status(instance_id, write_id, live)

    # -- reads -----------------------------------------------------------------------------

    async def read(
        self,
        instance_id: str,
        query: str,
        mode: ReadMode,
        read_id: str | None,
        sql: str | None = None,
    ) -> dict[str, Any]:
        """Answer `query`; with `sql` (the caller's own SELECT) that query is run instead of
        asking the mind, through the same guard and read-only connection."""
        live = await self.registry.get(instance_id)
        try:
            return await reads.read(live, self.mind, self.settings, query, mode, read_id, sql=sql)
        except EngineError:
            raise
        except Exception as exc:
            logger.exception("read failed")
            raise MindFailed(f"answering failed: {type(exc).__name__}: {exc}") from exc

    async def extract(self, instance_id: str, text: str, logic: ExtractionLogic) -> dict[str, Any]:
        live = await self.registry.get(instance_id)
        try:
            extraction = await self.mind.extractor.extract(
                ExtractionRequest(
                    text=text, schema=live.schema, logic=logic, lookup=StoreLookup(live)
                )
            )
        except EngineError:
            raise
        except Exception as exc:
            logger.exception("extraction failed")
            raise MindFailed(f"extraction failed: {type(exc).__name__}: {exc}") from exc
        objects = await live.data.read(live.schema, lambda t: preview(t, extraction))
        return {"trace_id": uuid.uuid4().hex, "objects_extracted": objects}

    async def describe(self, instance_id: str) -> dict[str, Any]:
        live = await self.registry.get(instance_id)
        return describe_mod.describe(
            live.row, live.schema, max_text_chars=self.settings.max_text_chars
        )
