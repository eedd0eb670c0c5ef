"""The HTTP transports (SSE, streamable HTTP) and the guard in front of them.

`RequestGuard` is the single place that decides who may talk to the server over HTTP:

- `Host` must name a loopback address when the server is bound to one (DNS rebinding: a web
  page on another site cannot make the browser reach us under its own name);
- `Origin`, when a browser sends one, must be a loopback origin (loopback binds) or one given
  with `--allowed-origin`;
- a bearer token, when configured (required beyond loopback), must match, compared in
  constant time.

The SDK's own `TransportSecuritySettings` protection only covers loopback binds and is
switched off explicitly: the guard does the same checks for every bind, and more.
"""

from __future__ import annotations

import hmac
import logging
import signal
import socket
import sys
import threading
from typing import Any

import uvicorn
from mcp.server.sse import SseServerTransport
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .frames import MAX_FRAME_BYTES, Answer, check_frame, oversized
from .server import MemoryServer
from .settings import Settings

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
LOOPBACK_ORIGINS = tuple(
    f"{scheme}://{host}" for scheme in ("http", "https") for host in LOOPBACK_HOSTS
)
OPEN_PATHS = frozenset({"/healthz"})
"""Answer without a token: they reveal nothing (container health checks)."""

# The guard replaces the SDK's checks; see the module docstring.
_SDK_SECURITY = TransportSecuritySettings(enable_dns_rebinding_protection=False)


def _host_name(host_header: str) -> str:
    """`Host` without its port: `[::1]:8000` -> `[::1]`, `localhost:8000` -> `localhost`."""
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _origin_matches(origin: str, allowed: str) -> bool:
    """Exact match, or `scheme://host:*` / bare `scheme://host` patterns with any port."""
    origin, allowed = origin.rstrip("/").lower(), allowed.rstrip("/").lower()
    if allowed.endswith(":*"):
        allowed = allowed[:-2]
    return origin == allowed or origin.startswith(allowed + ":")


class RequestGuard:
    """ASGI middleware applying the Host, Origin and bearer-token rules to every request."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self._app = app
        self._loopback = settings.loopback_only
        self._origins = (*settings.allowed_origins, *(LOOPBACK_ORIGINS if self._loopback else ()))
        token = settings.auth_token
        self._token = token.encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        refusal = self._refusal(Headers(scope=scope), scope.get("path", ""))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._app(scope, receive, send)

    def _refusal(self, headers: Headers, path: str) -> Response | None:
        host = headers.get("host", "")
        if self._loopback and _host_name(host).lower() not in LOOPBACK_HOSTS:
            logger.warning("refused a request for host %r (DNS rebinding protection)", host)
            return PlainTextResponse("Invalid Host header", status_code=421)
        origin = headers.get("origin")
        if origin is not None and not any(_origin_matches(origin, a) for a in self._origins):
            logger.warning("refused a request from origin %r (not allowed)", origin)
            return PlainTextResponse(
                "Origin not allowed: start the server with --allowed-origin to permit it",
                status_code=403,
            )
        if self._token is not None and path not in OPEN_PATHS and not self._authorized(headers):
            return PlainTextResponse(
                "Missing or wrong bearer token",
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="xmemory-mcp"'},
            )
        return None

    def _authorized(self, headers: Headers) -> bool:
        assert self._token is not None
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(credential.strip().encode(), self._token)


class FrameCheck:
    """ASGI middleware judging each POSTed JSON-RPC message as stdio does (`frames.py`): a
    request the SDK would refuse without its id, or with the wrong code, is answered here
    (HTTP 400, the JSON-RPC error as the body); bodies are bounded like stdio lines."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_FRAME_BYTES) -> None:
        self._app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self._app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_bytes:
                await _answer(oversized(self._max_bytes), 413, scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        verdict = check_frame(body)
        if isinstance(verdict, Answer):
            logger.warning("answered %s: %s", verdict.error.id, verdict.error.error.message)
            await _answer(verdict, 400, scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self._app(scope, replay, send)


async def _answer(verdict: Answer, status: int, scope: Scope, receive: Receive, send: Send) -> None:
    body = verdict.error.model_dump_json(by_alias=True, exclude_unset=True)
    response = Response(body, status_code=status, media_type="application/json")
    await response(scope, receive, send)


async def _healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


class _SseEndpoint:
    """The SSE transport's GET endpoint: one MCP session per open event stream."""

    def __init__(self, transport: SseServerTransport, memory: MemoryServer) -> None:
        self._transport = transport
        self._memory = memory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = self._memory.lowlevel()
        async with self._transport.connect_sse(scope, receive, send) as (read, write):
            await server.run(read, write, server.create_initialization_options())


def sse_app(memory: MemoryServer) -> Starlette:
    """`GET /sse` opens a session; its messages are POSTed to `/messages/?session_id=...`."""
    transport = SseServerTransport("/messages/", security_settings=_SDK_SECURITY)
    return Starlette(
        routes=[
            Route("/healthz", _healthz),
            Route("/sse", _SseEndpoint(transport, memory), methods=["GET"]),
            Mount("/messages/", app=transport.handle_post_message),
        ]
    )


def streamable_http_app(memory: MemoryServer) -> Starlette:
    """Streamable HTTP on `/mcp`, stateful sessions with SSE responses."""
    return memory.lowlevel().streamable_http_app(
        streamable_http_path="/mcp",
        transport_security=_SDK_SECURITY,
        custom_starlette_routes=[Route("/healthz", _healthz)],
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one (the log line says which)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def serve_http(settings: Settings, memory: MemoryServer) -> None:
    """Serve the chosen HTTP transport until interrupted."""
    app: ASGIApp
    if settings.transport == "sse":
        app, path = sse_app(memory), "/sse"
    else:
        app, path = streamable_http_app(memory), "/mcp"
    guarded = RequestGuard(FrameCheck(app), settings)
    sock = bind(settings.host, settings.port)
    address: Any = sock.getsockname()
    host = f"[{address[0]}]" if sock.family == socket.AF_INET6 else address[0]
    config = uvicorn.Config(
        guarded,
        log_config=None,  # our stderr logging; uvicorn's default would print access logs to stdout
        log_level=settings.log_level.lower(),
        access_log=logger.isEnabledFor(logging.DEBUG),
        lifespan="on",
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    logger.info(
        "auth token %s", "required" if settings.auth_token else "not required (loopback only)"
    )
    # The one line a supervisor (or a test) waits for; stderr, like every other log line.
    print(
        f"xmemory-mcp: listening on http://{host}:{address[1]}{path}", file=sys.stderr, flush=True
    )
    previous = _harmless_signal_replay()
    try:
        await server.serve(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()


def _harmless_signal_replay() -> dict[int, Any]:
    """Uvicorn stops on SIGINT / SIGTERM (finishing the requests in flight), then raises the
    signal again under the handler that was there before it started: the default one would
    kill the process (-15) before `cli.serve` closes the backend. Ignoring that replay lets the
    backend close and the process exit 0. Returns the handlers to put back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # uvicorn does not handle signals there either
    return {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
