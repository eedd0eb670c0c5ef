"""The SDK's HTTP client for the embedded engine: each request handed straight to the engine's
ASGI app in this process.

`httpx.AsyncClient` over `httpx.ASGITransport` does what a client on a network needs on every
call: it parses and merges URLs, runs the auth and redirect machinery, and files each response
through the standard library's cookie jar. On a call that never leaves the process that was
about 0.3 ms of CPU a call (a `read` takes ~3 ms), half of it the cookie jar, which the engine
never sets. `InProcessClient.request` (the one method the SDK calls) builds the ASGI scope from
the request itself and returns the answer as an `httpx.Response`; everything else (and any
request it was not built for) is httpx's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote, unquote, urlencode

import httpx

Message = MutableMapping[str, Any]

WAITED_HERE = "xmemory.waited_here"
"""The engine's ASGI scope extension (`xmemory_engine.api.app.WAITED_HERE`, not imported:
the engine loads with the backend) for a `write_async` whose caller waits for its end."""
GIVEN_BODY = "xmemory.body"
"""The engine's ASGI scope extension (`xmemory_engine.api.bodies.GIVEN_BODY`) for a body
handed over as the value itself."""
GIVEN_PATHS = ("/write", "/write_async")
"""Requests whose bodies go as values: a write's mutations (~150 KB for 1,000 objects) are
the bodies worth it, and the engine's write endpoints are checked to leave the value as
they found it (the SDK sends the same one again on a retry)."""
_waited_here: ContextVar[bool] = ContextVar("xmemory_mcp_waited_here", default=False)


@contextmanager
def waited_here() -> Iterator[None]:
    """Requests made inside this block are writes their caller waits for in this process
    before it answers anyone: the engine need not sync their queue rows (a write answered
    as completed rests on its instance's own synced commit; one answered unfinished is
    synced first, `WriteQueue.make_durable`)."""
    token = _waited_here.set(True)
    try:
        yield
    finally:
        _waited_here.reset(token)


class InProcessClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` for one ASGI app at `base_url`, with a short path for requests
    to that app made the way the SDK makes them."""

    def __init__(self, app: Any, base_url: str) -> None:
        super().__init__(transport=httpx.ASGITransport(app=app), base_url=base_url)
        self._app = app
        self._prefix = base_url.rstrip("/")
        self._server = (httpx.URL(base_url).host, httpx.URL(base_url).port or 80)
        self._host = self._server[0].encode("ascii")
        # Here, not at the top: this module loads with the server, the engine with its backend.
        from xmemory_engine.strict_json import encode, encoded_bound

        self._encode = encode
        self._encoded_bound = encoded_bound

    async def request(  # type: ignore[override]
        self,
        method: str,
        url: httpx.URL | str,
        *,
        params: Any = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        plain = kwargs.keys() <= {"timeout"}  # a timeout means nothing to an app in-process
        if not plain or not isinstance(url, str) or not url.startswith(self._prefix + "/"):
            return await super().request(
                method, url, params=params, json=json, headers=headers, **kwargs
            )
        return await self._call(method, url[len(self._prefix) :], params, json, headers or {})

    async def _call(
        self,
        method: str,
        target: str,
        params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
        json: Any,
        headers: Mapping[str, str],
    ) -> httpx.Response:
        path, _, query = target.partition("?")
        if params:
            query = "&".join(q for q in (query, urlencode(params, doseq=True)) if q)
        raw: list[tuple[bytes, bytes]] = [(b"host", self._host)]
        raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        body = b""
        given = None
        if json is not None and method.upper() == "POST" and path.endswith(GIVEN_PATHS):
            # Encoding a 1,000-object write for the engine to parse it again was ~5-7 ms of
            # the event loop; a body that is JSON as the engine's parser gives it goes as it
            # is (the engine encodes one that may be over its size limit, and answers as
            # before). Anything else is encoded here, as before, raising what it raised.
            bound = self._encoded_bound(json)
            if bound is not None:
                given = {"value": json, "bound": bound}
        if json is not None and given is None:
            body = self._encode(json)
            raw += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method.upper(),
            "headers": raw,
            "scheme": "http",
            "path": unquote(path),
            "raw_path": quote(path, safe="/%:@!$&'()*+,;=-._~").encode("ascii"),
            "query_string": query.encode("utf-8"),
            "server": self._server,
            "client": ("127.0.0.1", 123),  # what httpx.ASGITransport reports
            "root_path": "",
        }
        extensions: dict[str, Any] = {}
        if _waited_here.get():
            extensions[WAITED_HERE] = {}
        if given is not None:
            extensions[GIVEN_BODY] = given
        if extensions:
            scope["extensions"] = extensions
        sent = False
        status = 500
        response_headers: list[tuple[bytes, bytes]] = []
        parts: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status, response_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body" and method.upper() != "HEAD":
                parts.append(message.get("body", b""))

        # An exception out of the app propagates, as with httpx.ASGITransport's default.
        await self._app(scope, receive, send)
        return httpx.Response(status, headers=response_headers, content=b"".join(parts))
