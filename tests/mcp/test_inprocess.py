"""`InProcessClient` answers as httpx over `httpx.ASGITransport` does, for the calls the SDK makes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from xmemory_mcp.inprocess import InProcessClient

BASE = "http://engine.test"


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "params": sorted(request.query_params.multi_items()),
            "json": await request.json() if body else None,
            "header": request.headers.get("x-probe"),
            "host": request.headers.get("host"),
        },
        status_code=int(request.query_params.get("status", "200")),
        headers={"retry-after": "2"},
    )


async def boom(request: Request) -> JSONResponse:
    raise RuntimeError("the app failed")


APP = Starlette(
    routes=[
        Route("/things/{name}", echo, methods=["GET", "POST", "HEAD"]),
        Route("/boom", boom),
    ]
)


async def both(method: str, url: str, **kw: Any) -> tuple[httpx.Response, httpx.Response]:
    async with (
        InProcessClient(APP, BASE) as ours,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=APP), base_url=BASE) as theirs,
    ):
        return await ours.request(method, url, **kw), await theirs.request(method, url, **kw)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "url", "kw"),
    [
        ("GET", f"{BASE}/things/a%20b", {"params": (("x", "1"), ("x", "é & ?"))}),
        ("POST", f"{BASE}/things/n", {"json": {"text": "Zoë \u2603", "n": [1, 2.5, None]}}),
        ("POST", f"{BASE}/things/n", {"json": {"a": 1}, "headers": {"X-Probe": "yes"}}),
        ("GET", f"{BASE}/things/n", {"params": {"status": "429"}, "timeout": 3.0}),
        ("GET", "/things/relative", {}),  # not the SDK's shape: httpx's own path
        ("GET", f"{BASE}/missing", {}),
    ],
)
async def test_same_answer_as_httpx(method: str, url: str, kw: dict[str, Any]) -> None:
    ours, theirs = await both(method, url, **kw)
    assert ours.status_code == theirs.status_code
    assert ours.headers.get("content-type") == theirs.headers.get("content-type")
    assert ours.headers.get("retry-after") == theirs.headers.get("retry-after")
    if ours.headers.get("content-type") == "application/json":
        assert ours.json() == theirs.json()
    else:
        assert ours.text == theirs.text


@pytest.mark.anyio
async def test_head_has_no_body() -> None:
    ours, theirs = await both("HEAD", f"{BASE}/things/n")
    assert ours.status_code == theirs.status_code == 200
    assert ours.content == theirs.content == b""


@pytest.mark.anyio
async def test_an_app_exception_propagates() -> None:
    async with InProcessClient(APP, BASE) as client:
        with pytest.raises(RuntimeError, match="the app failed"):
            await client.request("GET", f"{BASE}/boom")
