"""Retries: only 429 and 503, at most twice, honouring Retry-After within a cap."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from xmemory import InternalServerError, RateLimitError, RetryPolicy

from .fake_api import FakeAPI, envelope

pytestmark = pytest.mark.anyio

OK = httpx.Response(200, json=envelope({"id": "c1"}))


def get_cluster(client: Any) -> Any:
    return client.admin.get_cluster("c1")


async def test_retry_after_is_honoured(api: FakeAPI) -> None:
    api.reply(httpx.Response(429, headers={"Retry-After": "7"}), OK)
    cluster = await api.run(get_cluster)
    assert cluster.id == "c1"
    assert api.sleeps == [7.0]
    assert len(api.requests) == 2


async def test_without_retry_after_the_backoff_doubles(api: FakeAPI) -> None:
    api.reply(httpx.Response(503), httpx.Response(503), OK)
    await api.run(get_cluster)
    assert api.sleeps == [0.5, 1.0]
    assert len(api.requests) == 3


async def test_gives_up_after_two_retries(api: FakeAPI) -> None:
    api.reply(httpx.Response(429, json=envelope(errors=[{"code": "rate", "message": "slow down"}])))
    with pytest.raises(RateLimitError, match="slow down"):
        await api.run(get_cluster)
    assert len(api.requests) == 3


async def test_retry_after_is_capped(api: FakeAPI) -> None:
    api.reply(httpx.Response(503, headers={"Retry-After": "3600"}), OK)
    await api.run(get_cluster)
    assert api.sleeps == [30.0]


async def test_other_failures_are_not_retried(api: FakeAPI) -> None:
    api.reply(httpx.Response(500), OK)
    with pytest.raises(InternalServerError):
        await api.run(get_cluster)
    assert len(api.requests) == 1
    assert api.sleeps == []


async def test_writes_are_retried_with_the_same_body(api: FakeAPI) -> None:
    api.reply(httpx.Response(429), httpx.Response(200, json=envelope({"write_id": "w"})))
    await api.run(lambda c: c.instance("i1").write("hello"))
    first, second = (api.body(r) for r in api.requests)
    assert first == second == {"text": "hello", "extraction_logic": "deep"}


async def test_retries_can_be_turned_off(api: FakeAPI) -> None:
    api.client = api.make_client(retry_policy=RetryPolicy(max_retries=0))
    api.reply(httpx.Response(429), OK)
    with pytest.raises(RateLimitError):
        await api.run(get_cluster)
    assert len(api.requests) == 1


def test_retry_after_as_an_http_date() -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=20)
    response = httpx.Response(429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    delay = RetryPolicy().delay(response, 0)
    assert delay is not None and 18 <= delay <= 20


def test_unreadable_or_past_retry_after_falls_back_sanely() -> None:
    policy = RetryPolicy(backoff=0.25)
    assert policy.delay(httpx.Response(429, headers={"Retry-After": "soon"}), 1) == 0.5
    assert policy.delay(httpx.Response(429, headers={"Retry-After": "-5"}), 0) == 0.0
    assert policy.delay(httpx.Response(200), 0) is None
