"""Opening the memory the settings point at, as one `AsyncXmemoryClient`.

Whatever the backend, the server talks to it only through the SDK: the hosted API and a
remote engine over HTTP, the embedded engine through `httpx.ASGITransport` in this process.
The engine is imported here, and only when the backend rule picks it: clients spawn the
server on every launch, and the remote paths should not pay for the engine's start-up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from xmemory import DEFAULT_URL, AsyncXmemoryClient

from .settings import ENGINE_URL, Backend, Settings

if TYPE_CHECKING:
    from xmemory_engine.minds.base import TextModel

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
    from xmemory_engine import EngineSettings, open_engine

    # The engine's own knobs (its mind, limits) come from the environment captured at the edge;
    # no API key: in-process calls carry no credential.
    overrides: dict[str, object] = {"api_key": None}
    if settings.data_dir is not None:
        overrides["data_dir"] = settings.data_dir
    engine_settings = EngineSettings.from_env(settings.engine_env, **overrides)
    data_dir = engine_settings.data_dir
    logger.info("backend: embedded engine, data in %s", data_dir)
    async with open_engine(engine_settings, sampler=sampler) as engine:
        transport = httpx.ASGITransport(app=engine.app)
        async with httpx.AsyncClient(transport=transport, base_url=ENGINE_URL) as http:
            # No token: the backend rule only picks the engine when no key is configured.
            client = AsyncXmemoryClient(url=ENGINE_URL, timeout=settings.timeout, http_client=http)
            yield OpenBackend(
                client=client,
                kind=Backend.EMBEDDED,
                location=str(data_dir),
                default_instance_id=settings.instance_id or engine.default_instance_id,
                default_cluster_id=engine.default_cluster_id,
            )
