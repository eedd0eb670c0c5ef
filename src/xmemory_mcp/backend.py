"""Opening the memory the settings point at, as one `AsyncXmemoryClient`.

Whatever the backend, the server talks to it only through the SDK: the hosted API and a
remote engine over HTTP, the embedded engine in this process (`inprocess.InProcessClient`).
The engine is imported here, and only when the backend rule picks it: clients spawn the
server on every launch, and the remote paths should not pay for the engine's start-up.

`BackendHandle` opens the backend in the background, so the server answers the client's
handshake (and, from a snapshot, its first `tools/list`) while the engine starts.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
import httpx

from xmemory import DEFAULT_URL, AsyncXmemoryClient, ReadMode, ReadResult

from .inprocess import InProcessClient, waited_here
from .settings import ENGINE_URL, Backend, Settings

if TYPE_CHECKING:
    from xmemory_engine import EngineSettings
    from xmemory_engine.minds.base import TextModel
    from xmemory_engine.service.memory import MemoryService
    from xmemory_engine.service.writes import ActiveJob, WriteQueue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenBackend:
    """A connected client and what the server should know about where it points."""

    client: AsyncXmemoryClient
    kind: Backend
    location: str
    """The URL, or the embedded engine's data directory: for messages, never a secret."""
    default_instance_id: str | None = None
    """The instance tools act on when no `instance_id` is given (None: every call names one)."""
    default_cluster_id: str | None = None
    """The cluster `create_instance` / `generate_schema` use when none is given."""
    write_ended: LocalWrites | None = None
    local_reads: LocalReads | None = None
    """The embedded engine's `read`, called without HTTP (`LocalReads`)."""
    """The embedded engine's write queue, for a `write` waiting in this process: answered as
    soon as its job ends, from the job itself, not at a `write_status` poll (`LocalWrites`)."""


class BackendUnavailable(Exception):
    """The backend could not be opened (bad configuration, unreadable data directory)."""


def embedded_data_dir(settings: Settings) -> Path:
    """Where the embedded engine keeps its files: `--data-dir`, else the user data directory."""
    if settings.data_dir is not None:
        return settings.data_dir
    import platformdirs  # only the embedded backend needs it

    # The same directory the engine defaults to; passed explicitly so both always agree.
    return Path(platformdirs.user_data_dir("xmemory-mcp"))


class BackendHandle:
    """The backend, possibly still opening: `get()` waits for it (or for why it failed)."""

    def __init__(self) -> None:
        self._opened = anyio.Event()
        self._settled = anyio.Event()
        self._backend: OpenBackend | None = None
        self._failure = ""

    @classmethod
    def of(cls, backend: OpenBackend) -> BackendHandle:
        """A handle to a backend that is already open."""
        handle = cls()
        handle._backend = backend
        handle._opened.set()
        handle._settled.set()
        return handle

    @property
    def ready(self) -> bool:
        """True once the backend is open, or failed to open."""
        return self._opened.is_set()

    async def settled(self) -> None:
        """Wait until start-up is over: the backend is open and warmed up (the embedded
        engine's read path loaded), or it failed to open."""
        await self._settled.wait()

    async def get(self) -> OpenBackend:
        """The open backend; raises `BackendUnavailable` (saying why) if it failed to open."""
        await self._opened.wait()
        if self._backend is None:
            raise BackendUnavailable(self._failure)
        return self._backend

    async def run(
        self, settings: Settings, stop: anyio.Event, *, sampler: TextModel | None = None
    ) -> None:
        """Open the backend, publish it, keep it open until `stop` is set, then close it."""
        embedded = settings.backend is Backend.EMBEDDED
        try:
            # The engine's import (and its mind's) is the slowest part of start-up: in a worker
            # thread the event loop stays free to answer the client's handshake, and the
            # thread runs while the loop waits for the client's next message.
            await anyio.to_thread.run_sync(_preload, settings)
            async with open_backend(settings, sampler=sampler) as backend:
                self._backend = backend
                self._opened.set()
                if embedded:
                    try:
                        await anyio.to_thread.run_sync(_warm_up_engine)
                    except Exception:  # only an early start: the first read will say why
                        logger.warning("could not load the read path ahead", exc_info=True)
                self._settled.set()
                await stop.wait()
        except Exception as exc:
            if self._opened.is_set():
                raise
            self._failure = f"{type(exc).__name__}: {exc}"
            logger.error("the memory backend could not be opened: %s", self._failure)
            self._opened.set()
        finally:
            self._settled.set()


@asynccontextmanager
async def open_backend(
    settings: Settings, *, sampler: TextModel | None = None
) -> AsyncIterator[OpenBackend]:
    """Open the backend the settings choose; closes it (and the engine) on exit.

    Args:
        sampler: The model the embedded engine's LLM mind may use. The seam for MCP sampling:
            a sampler built over `ClientSessions` asks the connected client's model.
    """
    kind = settings.backend
    if kind is Backend.EMBEDDED:
        async with _open_embedded(settings, sampler) as backend:
            yield backend
        return
    url = settings.url if kind is Backend.URL else DEFAULT_URL
    assert url is not None
    client = AsyncXmemoryClient(token=settings.token, url=url, timeout=settings.timeout)
    logger.info(
        "backend: %s at %s (%s)",
        kind.value,
        client.url,
        "token set" if settings.token else "no token",
    )
    try:
        yield OpenBackend(
            client=client,
            kind=kind,
            location=client.url,
            default_instance_id=settings.instance_id,
        )
    finally:
        await client.aclose()


@asynccontextmanager
async def _open_embedded(
    settings: Settings, sampler: TextModel | None
) -> AsyncIterator[OpenBackend]:
    from xmemory_engine import open_engine

    engine_settings = _engine_settings(settings)
    data_dir = engine_settings.data_dir
    logger.info("backend: embedded engine, data in %s", data_dir)
    async with (
        open_engine(engine_settings, sampler=sampler) as engine,
        InProcessClient(engine.app, ENGINE_URL) as http,
    ):
        # No token: the backend rule only picks the engine when no key is configured.
        client = AsyncXmemoryClient(url=ENGINE_URL, timeout=settings.timeout, http_client=http)
        yield OpenBackend(
            client=client,
            kind=Backend.EMBEDDED,
            location=str(data_dir),
            default_instance_id=settings.instance_id or engine.default_instance_id,
            default_cluster_id=engine.default_cluster_id,
            write_ended=LocalWrites(engine.service.queue),
            local_reads=LocalReads(engine.service, engine_settings, client),
        )


class LocalWrites:
    """Writes queued in this process (the embedded engine), as `Operations` waits for them.

    `waiting()` marks the writes queued inside it as waited for here (their queue rows are
    not synced on their own); `job()` is a write still running here (None: ended already, or
    not queued here), whose `done` event its end sets; `outcome()` is its `write_status`
    answer once it has completed, read from the job (None: ask `write_status`);
    `make_durable()` syncs its queue row before anyone is told of it unfinished."""

    def __init__(self, queue: WriteQueue) -> None:
        self._queue = queue

    @staticmethod
    def waiting() -> AbstractContextManager[None]:
        return waited_here()

    def job(self, write_id: str) -> ActiveJob | None:
        return self._queue.active(write_id)

    def outcome(self, job: ActiveJob) -> dict[str, Any] | None:
        return self._queue.ended_status(job)

    async def make_durable(self, write_id: str) -> None:
        await self._queue.make_durable(write_id)


class LocalReads:
    """`read` on the embedded engine without its HTTP layer: the SDK's request body, checked
    by the engine's body model and `read` endpoint (`api.app.read_item`), answered by its
    service, the item parsed by the SDK's model after the JSON round trip the wire would make.
    That layer (the in-process HTTP app, the envelope, the SDK's request and response) was
    ~0.7 ms of a lookup's ~3 ms in process. An error of the engine's (a refused request, a
    failed read) is raised as the SDK raises the same answer over HTTP (the engine's error
    envelope through the SDK's own reading of it), without asking again; one the SDK would
    retry (429, 503), a body the model refuses and anything unforeseen give None: the
    caller asks over HTTP, which answers or raises exactly as before."""

    def __init__(
        self, service: MemoryService, settings: EngineSettings, client: AsyncXmemoryClient
    ) -> None:
        self._service = service
        self._settings = settings
        self._client = client

    async def read(
        self, instance_id: str, query: str, mode: ReadMode, read_id: str | None, sql: str | None
    ) -> ReadResult | None:
        from xmemory._endpoints import read as read_call
        from xmemory_engine.api.app import read_item
        from xmemory_engine.api.bodies import ReadBody
        from xmemory_engine.api.envelope import error_response
        from xmemory_engine.errors import EngineError

        call = read_call(instance_id, query, mode, read_id, sql)  # raises as the SDK would
        try:
            body = ReadBody.model_validate(call.body)
            item = await read_item(self._service, self._settings, instance_id, body)
            # As the engine encodes an answer (starlette's JSONResponse) and the SDK decodes it.
            wire = json.loads(_wire_json(item))
            return ReadResult.model_validate(wire)
        except EngineError as exc:
            rendered = error_response(exc)
            answer = httpx.Response(
                rendered.status_code,
                headers=[
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in rendered.raw_headers
                ],
                content=bytes(rendered.body),
            )
            request = self._client._prepare(call, None)
            if self._client._retry.delay(answer, 0) is not None:
                return None  # retried over HTTP, as the SDK retries it
            self._client._finish(call, request, answer)  # raises what the SDK raises for it
            return None  # pragma: no cover - an error status always raises
        except Exception:  # the HTTP path gives the answer or the error, as it always did
            logger.debug("read of %s answered over HTTP", instance_id, exc_info=True)
            return None


def _wire_json(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))`, as the
    engine's JSON responses are written, with its C encoder made once (`_wire_encoder`)."""
    return _wire_encoder()(value)


@functools.cache
def _wire_encoder() -> Callable[[Any], str]:
    """Made at the first in-process read, not at start-up (the engine is imported by then)."""
    from xmemory_engine.fast_json import encoder_made_once

    def plain(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    return encoder_made_once(
        plain,
        key_separator=":",
        item_separator=",",
        allow_nan=False,
        sample={"a": [1, 2.5, None, True, 'é\u2028"x"', -1e300], "b": {"c": {"d": []}, "e": {}}},
    )


def _engine_settings(settings: Settings) -> EngineSettings:
    from xmemory_engine import EngineSettings

    # The engine's own knobs (its mind, limits) come from the environment captured at the edge;
    # no API key: in-process calls carry no credential.
    return EngineSettings.from_env(
        settings.engine_env,
        data_dir=embedded_data_dir(settings),
        api_key=None,
        local_files=settings.portable_tools,
    )


def _preload(settings: Settings) -> None:
    """Import what the first call needs before the backend answers it (run in a worker thread):
    for the embedded engine, the engine and the mind `settings` choose. (jsonschema is not
    among them: arguments that fit their schema are told so without it, `validation.fits`.)"""
    if settings.backend is Backend.EMBEDDED:
        from xmemory_engine.embedded import preload

        preload(_engine_settings(settings))


def _warm_up_engine() -> None:
    """Import what the embedded engine's first read needs and its opening did not (run in a
    worker thread once it is open)."""
    from xmemory_engine.embedded import warm_up

    warm_up()
