"""The `api` fixture: a recording fake of the xmemory API behind the sync or the async client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from .fake_api import FakeAPI


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[FakeAPI]:
    fake = FakeAPI(request.param)
    fake.client = fake.make_client()
    yield fake
    http = fake.client._http
    if isinstance(http, httpx.AsyncClient):
        await http.aclose()
    else:
        http.close()
