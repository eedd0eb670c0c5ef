"""Host and Origin rules for the engine served over HTTP (`engine serve`, `xmemory-mcp ui`).

The same rules as the MCP HTTP transports (`xmemory_mcp/http.py`), now that a browser page
talks to the engine: a web page on another site must not reach it through the user's browser.

- on a loopback bind, `Host` must name a loopback address (DNS rebinding: another site's name
  resolved to 127.0.0.1 still carries that name);
- a browser's `Origin` must be the page's own (the address it was served from), a loopback
  origin (loopback binds) or one given with `--allowed-origin` (`scheme://host:*` allows any
  port); requests without one (the SDK, curl, agents) pass;
- the key (`BearerAuth` in `api/app.py`) is checked after this, on every route but
  `/healthz` and the page's static files; beyond loopback `serve.py` refuses to start
  without one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from xmemory_engine.api.envelope import plain_error

logger = logging.getLogger("xmemory_engine.api")

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
LOOPBACK_ORIGINS = tuple(f"{s}://{h}" for s in ("http", "https") for h in LOOPBACK_HOSTS)


def host_name(host_header: str) -> str:
    """`Host` without its port: `[::1]:8000` -> `[::1]`, `localhost:8000` -> `localhost`."""
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def origin_matches(origin: str, allowed: str) -> bool:
    """Exact match, or `scheme://host:*` / bare `scheme://host` patterns with any port."""
    origin, allowed = origin.rstrip("/").lower(), allowed.rstrip("/").lower()
    if allowed.endswith(":*"):
        allowed = allowed[:-2]
    return origin == allowed or origin.startswith(allowed + ":")


class HostOriginGuard:
    """ASGI middleware refusing a foreign `Host` (loopback binds) or browser `Origin`."""

    def __init__(self, app: ASGIApp, *, loopback: bool, allowed_origins: Sequence[str]) -> None:
        self._app = app
        self._loopback = loopback
        self._origins = (*allowed_origins, *(LOOPBACK_ORIGINS if loopback else ()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self._loopback and host_name(host).lower() not in LOOPBACK_HOSTS:
            logger.warning("refused a request for host %r (DNS rebinding protection)", host)
            response = plain_error(421, "invalid_host", "Host must name this machine (loopback)")
            await response(scope, receive, send)
            return
        origin = headers.get("origin")
        if origin is not None and not self._allowed(origin, host):
            logger.warning("refused a request from origin %r (not allowed)", origin)
            response = plain_error(
                403,
                "origin_not_allowed",
                f"Origin {origin} is not allowed: start the server with --allowed-origin to "
                "permit it",
            )
            await response(scope, receive, send)
            return
        await self._app(scope, receive, send)

    def _allowed(self, origin: str, host: str) -> bool:
        # The page's own requests (module scripts, fetches) carry its origin, the address the
        # browser reached us by. Beyond loopback that name is not checked (a rebound name
        # matches too), which is why a key is required there: another site's page has none.
        same_origin = origin.lower().split("://", 1)[-1].rstrip("/") == host.lower()
        return same_origin or any(origin_matches(origin, a) for a in self._origins)
