"""The HTTP request guard: Host and Origin checks (DNS rebinding) and the bearer token."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from xmemory_mcp.http import RequestGuard
from xmemory_mcp.settings import Settings

pytestmark = pytest.mark.anyio


async def _ok(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


APP = Starlette(routes=[Route("/mcp", _ok, methods=["GET", "POST"]), Route("/healthz", _ok)])


def client(settings: Settings, host: str = "127.0.0.1:8000") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=RequestGuard(APP, settings)), base_url=f"http://{host}"
    )


async def status(
    settings: Settings, path: str = "/mcp", host: str = "127.0.0.1:8000", **headers: str
) -> int:
    async with client(settings, host) as c:
        response = await c.get(path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        return response.status_code


LOCAL = Settings(transport="streamable-http")
REMOTE = Settings(transport="streamable-http", host="0.0.0.0", auth_token="s3cret")


async def test_loopback_origins_are_allowed_on_a_loopback_bind() -> None:
    assert await status(LOCAL) == 200
    assert await status(LOCAL, origin="http://localhost:6274") == 200
    assert await status(LOCAL, origin="http://127.0.0.1:3000") == 200


async def test_a_foreign_origin_is_refused() -> None:
    assert await status(LOCAL, origin="https://evil.example") == 403
    assert await status(LOCAL, origin="http://localhost.evil.example") == 403


async def test_allowed_origins_can_be_added_with_port_wildcards() -> None:
    settings = Settings(
        transport="sse", allowed_origins=("https://app.example", "http://dev.box:*")
    )
    assert await status(settings, origin="https://app.example") == 200
    assert await status(settings, origin="http://dev.box:5173") == 200
    assert await status(settings, origin="https://app.example.evil") == 403


async def test_a_foreign_host_is_refused_on_a_loopback_bind() -> None:
    assert await status(LOCAL, host="evil.example:8000") == 421
    assert await status(LOCAL, host="localhost:8000") == 200
    assert await status(LOCAL, host="[::1]:8000") == 200


async def test_a_required_token_must_be_sent_and_right() -> None:
    assert await status(REMOTE, host="10.0.0.5:8000") == 401
    assert await status(REMOTE, host="10.0.0.5:8000", authorization="Bearer wrong") == 401
    assert await status(REMOTE, host="10.0.0.5:8000", authorization="Basic s3cret") == 401
    assert await status(REMOTE, host="10.0.0.5:8000", authorization="Bearer s3cret") == 200


async def test_beyond_loopback_only_listed_origins_pass() -> None:
    auth = "Bearer s3cret"
    assert (
        await status(REMOTE, host="mcp.example", origin="http://localhost:3000", authorization=auth)
        == 403
    )


async def test_the_health_check_needs_no_token() -> None:
    assert await status(REMOTE, "/healthz", host="10.0.0.5:8000") == 200
