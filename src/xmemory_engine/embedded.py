"""Opening the engine in-process: what the MCP server and `engine serve` both start from.

    async with open_engine(EngineSettings(data_dir=path)) as engine:
        transport = httpx.ASGITransport(app=engine.app)
        ...

The app needs no ASGI lifespan: the background workers (the write queue, the sweeper that
resumes unfinished jobs) run for as long as the `async with` block does.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
import anyio.to_thread
from starlette.types import ASGIApp

from xmemory_engine import semantic
from xmemory_engine.api.app import create_app
from xmemory_engine.errors import NotFound
from xmemory_engine.minds.base import Mind, TextModel
from xmemory_engine.minds.factory import build_mind, close_mind
from xmemory_engine.service.instances import InstanceRegistry
from xmemory_engine.service.memory import MemoryService
from xmemory_engine.service.writes import WriteQueue
from xmemory_engine.settings import EngineSettings
from xmemory_engine.store.base import Catalog
from xmemory_engine.store.catalog import SqliteCatalog
from xmemory_engine.store.owners import EngineOwnership, Ownership

logger = logging.getLogger("xmemory_engine")


def preload(settings: EngineSettings) -> None:
    """Import what opening the engine with `settings` will run: the mind it names.

    A caller that overlaps the engine's start with other work (the MCP server answers the
    client's handshake meanwhile) calls this in a worker thread; otherwise the mind's modules
    (regular expressions compiled at import) are imported by `open_engine` on the event loop,
    which then answers nothing until they are.
    """
    rules = settings.mind.provider == "rules"
    importlib.import_module("xmemory_engine.minds.rules" if rules else "xmemory_engine.minds.llm")


def warm_up() -> None:
    """Load what the first read runs and opening the engine does not: the read path's
    vocabulary (word lists from a JSON file, its patterns compiled: ~7 ms).

    Called in a worker thread once the engine is open (the MCP server's first call may be a
    `write`, which does not need it); a read that comes first waits for it, not twice (the
    vocabulary's cache). The SQL parser is not loaded: the rules mind's plain statements are
    checked without it (`sql_plain`), and it costs ~80 ms and ~8 MB.
    """
    from xmemory_engine.service.passages import vocabulary

    vocabulary()


@dataclass
class Engine:
    """A running engine: its ASGI app and the ids of what it created on first start."""

    app: ASGIApp
    default_cluster_id: str
    default_instance_id: str
    settings: EngineSettings
    service: MemoryService


@asynccontextmanager
async def open_engine(
    settings: EngineSettings, sampler: TextModel | None = None, *, mind: Mind | None = None
) -> AsyncIterator[Engine]:
    """Open the data directory, create the defaults on first start, resume unfinished writes.

    `sampler` is the MCP client's model, for the `sampling` mind; `mind` replaces the mind
    that `settings.mind` names (tests use it).
    """
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    semantic.configure(settings.semantic)
    chosen = mind if mind is not None else build_mind(settings.mind, sampler=sampler)
    catalog, registry, ownership, close_store = await _open_store(settings)
    queue = WriteQueue(catalog, registry, chosen, settings, ownership)
    service = MemoryService(catalog, registry, queue, chosen, settings)
    try:
        cluster_id, instance_id = await service.ensure_defaults()
        await _tidy(service)
        engine = Engine(
            app=create_app(service, settings),
            default_cluster_id=cluster_id,
            default_instance_id=instance_id,
            settings=settings,
            service=service,
        )
        # The caller's exception is re-raised as itself after the task group closes, not
        # wrapped in an ExceptionGroup with the (cancelled) background tasks.
        failure: BaseException | None = None
        async with anyio.create_task_group() as tg:
            await tg.start(queue.run)
            try:
                yield engine
            except BaseException as exc:
                failure = exc
            finally:
                tg.cancel_scope.cancel()
        if failure is not None:
            raise failure
    finally:
        registry.close()
        catalog.close()
        close_store()
        ownership.close()
        if mind is None:  # we built it, so its model clients (HTTP connections) are ours
            with anyio.CancelScope(shield=True):
                await close_mind(chosen)


async def _open_store(
    settings: EngineSettings,
) -> tuple[Catalog, InstanceRegistry, Ownership, Callable[[], None]]:
    """The catalog, the instances and this process's proof of life as a job owner: SQLite
    files and lock files in the data directory, or the PostgreSQL database
    `settings.database_url` names (psycopg is imported only then)."""
    rows, seconds = settings.read_row_limit, settings.read_time_limit
    if settings.database_url is None:
        path = settings.data_dir / "catalog.sqlite"
        catalog = await anyio.to_thread.run_sync(SqliteCatalog, path)
        registry = InstanceRegistry(catalog, settings.data_dir, row_limit=rows, time_limit=seconds)
        return catalog, registry, EngineOwnership(settings.data_dir), lambda: None
    try:
        from xmemory_engine.store.postgres import Database, PostgresCatalog, PostgresRegistry
        from xmemory_engine.store.postgres.owners import PostgresOwnership
    except ImportError as exc:
        raise RuntimeError(
            "a database URL is set but the PostgreSQL driver is not installed: "
            "pip install 'xmemory-mcp[postgres]'"
        ) from exc
    db = await anyio.to_thread.run_sync(Database, settings.database_url)
    try:
        pg_catalog = await anyio.to_thread.run_sync(PostgresCatalog, db)
        # Processes sharing the database may be on other machines: liveness is proven in
        # the database, not by lock files (after the catalog: its migrations make the
        # sequence of process numbers).
        ownership = await anyio.to_thread.run_sync(PostgresOwnership, settings.database_url)
    except BaseException:
        db.close()
        raise
    pg_registry = PostgresRegistry(
        pg_catalog, settings.data_dir, db, row_limit=rows, time_limit=seconds
    )
    return pg_catalog, pg_registry, ownership, db.close


async def _tidy(service: MemoryService) -> None:
    """Remove files of instances no catalog row names, and exactly-once markers of finished
    jobs (both are leftovers of an interrupted process)."""
    rows = await service.catalog.list_instances()
    removed = service.registry.remove_orphans([r.id for r in rows])
    for instance_id in removed:
        logger.info("removed the data file of unknown instance %s", instance_id)
    for row in rows:
        try:
            live = await service.registry.live(row)
        except NotFound:  # pragma: no cover - deleted by another process meanwhile
            continue
        await service.queue.forget_applied(live)
