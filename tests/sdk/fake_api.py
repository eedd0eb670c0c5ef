"""A recording fake of the xmemory API, driving the sync or the async client alike.

Tests take the `api` fixture (parametrized over both clients) and call `await api.run(lambda c:
c.admin.get_cluster("c1"))`: the lambda returns a value for the sync client and a coroutine
for the async one, and `run` settles either. One test body then pins both twins.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

import httpx

from xmemory import AsyncXmemoryClient, RetryPolicy, XmemoryClient

URL = "https://api.test"
TOKEN = "sk-test-secret"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def envelope(
    *items: Any, ids: list[Any] | None = None, errors: list[Any] | None = None
) -> dict[str, Any]:
    return {"ids": ids or [], "items": list(items), "errors": errors or []}


class FakeAPI:
    """Answers queued replies in order (the last one repeats) and records every request."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self._replies: list[Reply] = [httpx.Response(200, json=envelope())]

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        reply = self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(request)
        # A fresh copy each time: a response object is consumed by the client that reads it.
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    def reply(self, *replies: Reply) -> None:
        self._replies = list(replies)

    def reply_items(self, *items: Any, **extra: Any) -> None:
        self.reply(httpx.Response(200, json=envelope(*items, **extra)))

    def make_client(self, **kwargs: Any) -> Any:
        """A client of this fake's kind sending through the mock transport."""
        transport = httpx.MockTransport(self.handle)
        kwargs.setdefault("token", TOKEN)
        kwargs.setdefault("url", URL)
        kwargs.setdefault("retry_policy", RetryPolicy(backoff=0.5))
        if self.mode == "sync":
            kwargs.setdefault("http_client", httpx.Client(transport=transport))
            client: Any = XmemoryClient(**kwargs)
            client._sleep = self.sleeps.append
        else:
            kwargs.setdefault("http_client", httpx.AsyncClient(transport=transport))
            client = AsyncXmemoryClient(**kwargs)

            async def sleep(delay: float) -> None:
                self.sleeps.append(delay)

            client._sleep = sleep
        return client

    async def run(self, call: Callable[[Any], Any]) -> Any:
        """Call `call(client)`, awaiting the result when the async client produced one."""
        result = call(self.client)
        return await result if inspect.isawaitable(result) else result

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, request: httpx.Request | None = None) -> Any:
        request = request or self.last
        return json.loads(request.content) if request.content else None

    client: Any
