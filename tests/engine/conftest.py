"""Fixtures for engine tests: a running engine on a real data directory, and a client to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from engine_testkit import (
    CONTACTS_YML,
    POSTGRES_URLS,
    Memory,
    asgi_client,
    create_body,
    default_memory,
    item,
    running_engine,
)

from support.postgres import Cluster, server_binaries, start_cluster
from xmemory_engine.embedded import Engine
from xmemory_engine.schema import parse_schema
from xmemory_engine.store.instance import SqliteInstanceData

# Test modules whose `engine` runs on both stores: SQLite files, and PostgreSQL (a throwaway
# cluster for the session, a fresh database per test; tests/support/postgres.py).
BOTH_STORES = frozenset(
    {
        "test_engine_api",
        "test_engine_reads",
        "test_engine_episodes",
        "test_engine_writes",
        "test_sql_corpus",
        "test_semantic",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    uses_store = {"engine", "database_url"} & set(metafunc.fixturenames)
    if uses_store and metafunc.module.__name__ in BOTH_STORES:
        metafunc.parametrize("store", ["sqlite", "postgres"], indirect=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    if server_binaries() is None:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def store(request: pytest.FixtureRequest) -> str:
    """Which store the engine runs on: `sqlite` unless the module runs on both."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def database_url(store: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """A fresh PostgreSQL database for a `postgres` engine, None for SQLite."""
    if store != "postgres":
        yield None
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.create_database()
    try:
        yield url
    finally:
        cluster.drop_database(url)


@pytest.fixture
async def engine(tmp_path: Path, database_url: str | None) -> AsyncIterator[Engine]:
    if database_url is not None:
        POSTGRES_URLS[tmp_path / "data"] = database_url
    try:
        async with running_engine(tmp_path / "data", database_url=database_url) as running:
            yield running
    finally:
        POSTGRES_URLS.pop(tmp_path / "data", None)


@pytest.fixture
async def memory(tmp_path: Path) -> AsyncIterator[Memory]:
    """A fresh default-schema memory on SQLite: `(write, read)` (engine_testkit)."""
    async with default_memory(tmp_path / "d") as told:
        yield told


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


@pytest.fixture
async def contacts_data(tmp_path: Path) -> AsyncIterator[SqliteInstanceData]:
    """One SQLite instance file on the contacts schema, its tables made, no engine around it."""
    schema = parse_schema(CONTACTS_YML)
    data = SqliteInstanceData(tmp_path / "i.sqlite", schema)
    try:
        await data.ensure_schema(schema)
        yield data
    finally:
        data.close()
