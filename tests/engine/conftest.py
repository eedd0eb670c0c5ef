"""Fixtures for engine tests: a running engine on a real data directory, and a client to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from engine_testkit import asgi_client, create_body, item, running_engine

from xmemory_engine.embedded import Engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    async with running_engine(tmp_path / "data") as running:
        yield running


@pytest.fixture
async def client(engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(engine) as http:
        yield http


@pytest.fixture
async def contacts(engine: Engine, client: httpx.AsyncClient) -> str:
    """The id of a fresh instance with the contacts test schema."""
    response = await client.post(
        f"/clusters/{engine.default_cluster_id}/instances", json=create_body()
    )
    return str(item(response)["id"])
