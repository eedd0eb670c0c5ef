"""Everything the sync and async clients share: all of it except sending bytes.

Settings resolution, request building, headers, retry decisions, envelope parsing, error
mapping and the describe cache live here once, so the two clients cannot drift; `_client.py`
and `_async_client.py` keep only their short I/O loops.
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from ._describe import DescribeResult
from ._exceptions import (
    XmemoryConnectionError,
    XmemoryHealthCheckError,
    XmemoryResponseError,
    XmemoryTimeoutError,
)
from ._models import InstanceInfo
from ._settings import client_environment
from ._version import __version__
from ._wire import Call, Request, UnusableAnswer, read_envelope, snippet, validation_summary

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

DEFAULT_URL = "https://api.xmemory.ai"
DEFAULT_TIMEOUT = 60.0
DESCRIBE_TTL = 300.0

logger = logging.getLogger("xmemory")

USER_AGENT = (
    f"xmemory-mcp/{__version__} "
    f"(python {platform.python_version()}; "
    f"{platform.system().lower() or 'unknown'}-{platform.machine().lower() or 'unknown'})"
)


def resolve_token(token: str | None) -> str | None:
    """The explicit token, else `XMEM_AUTH_TOKEN`, else `XMEM_API_KEY` (`_settings`)."""
    if token:
        return token
    return client_environment().token


def resolve_url(url: str | None) -> str:
    """The explicit URL, else `XMEM_API_URL`, else the hosted API; no trailing slash."""
    resolved = (url or client_environment().api_url or DEFAULT_URL).strip().rstrip("/")
    # Caught here because httpx would only complain at the first request, far from the typo.
    if not resolved.startswith(("http://", "https://")):
        raise ValueError(
            f"The xmemory API URL must start with http:// or https://, got {resolved!r}"
        )
    return resolved


def require_id(name: str, value: object) -> str:
    """Reject an empty id before any I/O; a blank path segment would hit another endpoint."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return value


def segment(name: str, value: object) -> str:
    """An id checked and escaped for use as one URL path segment."""
    return quote(require_id(name, value), safe="")


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before resending a request the server did not process.

    Only 429 and 503 are retried: with those the server promises it did nothing, so resending
    even a write cannot apply it twice.
    """

    max_retries: int = 2
    backoff: float = 0.5
    """First wait when the server sends no `Retry-After`; doubles on each retry."""
    max_delay: float = 30.0
    """Cap on any wait, `Retry-After` included: a server asking for an hour gets an error."""
    statuses: frozenset[int] = frozenset({429, 503})

    def delay(self, response: httpx.Response, retries_done: int) -> float | None:
        """Seconds to wait before retrying, or None when this response is final."""
        if response.status_code not in self.statuses or retries_done >= self.max_retries:
            return None
        wait = parse_retry_after(response.headers.get("retry-after"))
        if wait is None:
            wait = self.backoff * 2**retries_done
        return min(max(wait, 0.0), self.max_delay)


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (when - datetime.now(timezone.utc)).total_seconds()


class DescribeCache:
    """One handle's describe() answer, kept for `ttl` seconds of `clock`."""

    def __init__(self, clock: Callable[[], float], ttl: float = DESCRIBE_TTL) -> None:
        self._clock = clock
        self._ttl = ttl
        self._entry: tuple[float, DescribeResult] | None = None

    def get(self) -> DescribeResult | None:
        """The cached result if it is younger than the TTL."""
        if self._entry is None:
            return None
        stored_at, result = self._entry
        if self._clock() - stored_at >= self._ttl:
            self._entry = None
            return None
        return result

    def put(self, result: DescribeResult) -> None:
        self._entry = (self._clock(), result)

    def clear(self) -> None:
        self._entry = None


class BaseClient:
    """The settings and the I/O-free halves of every request, shared by both clients."""

    def __init__(
        self,
        *,
        token: str | None,
        url: str | None,
        timeout: float,
        retry_policy: RetryPolicy | None,
    ) -> None:
        self._token = resolve_token(token)
        self._url = resolve_url(url)
        self._timeout = float(timeout)
        self._retry = retry_policy if retry_policy is not None else RetryPolicy()
        # Read by each new instance handle's describe cache; tests swap in a fake clock.
        self._clock: Callable[[], float] = time.monotonic

    @property
    def url(self) -> str:
        """The API base URL every request is sent to."""
        return self._url

    @property
    def timeout(self) -> float:
        """The default per-request timeout in seconds."""
        return self._timeout

    def __repr__(self) -> str:
        # Never the token itself: reprs end up in logs and tracebacks.
        auth = "token set" if self._token else "no token"
        return f"{type(self).__name__}(url={self._url!r}, {auth})"

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "X-Xmemory-Client": USER_AGENT}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Request:
        # Full URLs from our own `url`: a caller's http_client with its own base_url (or an
        # ASGI transport) then works either way, since httpx ignores base_url for absolute URLs.
        return Request(
            method=method,
            path=path,
            url=self._url + path,
            headers=self._headers(),
            timeout=self._timeout if timeout is None else float(timeout),
            params=tuple(params),
            json=body,
        )

    def _prepare(self, call: Call[Any], timeout: float | None) -> Request:
        return self._request(
            call.method, call.path, params=call.params, body=call.body, timeout=timeout
        )

    def _retry_delay(
        self, request: Request, response: httpx.Response, retries: int
    ) -> float | None:
        delay = self._retry.delay(response, retries)
        if delay is not None:
            logger.info(
                "%s answered HTTP %s; retrying in %.2fs (retry %d of %d)",
                request.label,
                response.status_code,
                delay,
                retries + 1,
                self._retry.max_retries,
            )
        return delay

    def _finish(self, call: Call[T], request: Request, response: httpx.Response) -> T:
        envelope = read_envelope(request, response)
        try:
            return call.parse(envelope)
        except ValidationError as exc:
            problem = f"does not fit {exc.title}: {validation_summary(exc)}"
            cause: Exception = exc
        except UnusableAnswer as exc:
            problem = f"is unusable: {exc}"
            cause = exc
        raise XmemoryResponseError(
            f"{request.label}: HTTP {response.status_code} answer {problem}",
            status=response.status_code,
        ) from cause

    def _transport_error(self, request: Request, exc: Exception) -> XmemoryConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return XmemoryTimeoutError(
                f"{request.label}: no answer from {self._url} within {request.timeout:g}s"
                f" ({type(exc).__name__})"
            )
        return XmemoryConnectionError(
            f"{request.label}: could not reach {self._url}: {type(exc).__name__}: {exc}"
        )

    def _health_request(self, timeout: float | None) -> Request:
        return self._request("GET", "/healthz", timeout=timeout)

    def _health_unreachable(self, exc: XmemoryConnectionError) -> XmemoryHealthCheckError:
        return XmemoryHealthCheckError(f"API unreachable: {exc.message}")

    def _check_health(self, request: Request, response: httpx.Response) -> None:
        if not 200 <= response.status_code < 300:
            raise XmemoryHealthCheckError(
                f"{request.label}: HTTP {response.status_code}: {snippet(response)}",
                status=response.status_code,
            )


class BaseInstanceAPI:
    """What both instance handles hold: the id, the creation info and the describe cache."""

    def __init__(
        self, instance_id: str, clock: Callable[[], float], info: InstanceInfo | None = None
    ) -> None:
        self._id = require_id("instance_id", instance_id)
        self._describe_cache = DescribeCache(clock)
        self.info = info
        """The InstanceInfo when this handle came from `create_instance`, else None."""

    @property
    def id(self) -> str:
        """The instance ID."""
        return self._id

    def clear_describe_cache(self) -> None:
        """Forget the cached describe() answer, so the next call fetches a fresh one."""
        self._describe_cache.clear()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self._id!r})"
