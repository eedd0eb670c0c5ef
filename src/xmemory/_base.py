"""Everything the sync and async clients share: all of it except sending bytes.

Settings resolution, request building, headers, retry decisions, envelope parsing, error
mapping and the describe cache live here once, so the two clients cannot drift; `_client.py`
and `_async_client.py` keep only their short I/O loops.
"""

from __future__ import annotations

import logging
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from ._describe import DescribeResult
from ._exceptions import (
    XmemoryAPIError,
    XmemoryConnectionError,
    XmemoryHealthCheckError,
    XmemoryResponseError,
    XmemoryTimeoutError,
    status_error_class,
)
from ._models import InstanceInfo
from ._version import __version__

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

DEFAULT_URL = "https://api.xmemory.ai"
DEFAULT_TIMEOUT = 60.0
DESCRIBE_TTL = 300.0
TOKEN_ENV_VARS = ("XMEM_AUTH_TOKEN", "XMEM_API_KEY")
URL_ENV_VAR = "XMEM_API_URL"

logger = logging.getLogger("xmemory")

USER_AGENT = (
    f"xmemory-mcp/{__version__} "
    f"(python {platform.python_version()}; "
    f"{platform.system().lower() or 'unknown'}-{platform.machine().lower() or 'unknown'})"
)


def resolve_token(token: str | None) -> str | None:
    """The explicit token, else the first non-empty token environment variable."""
    if token:
        return token
    for name in TOKEN_ENV_VARS:
        value = os.environ.get(name)
        if value:
            return value
    return None


def resolve_url(url: str | None) -> str:
    """The explicit URL, else `XMEM_API_URL`, else the hosted API; no trailing slash."""
    resolved = (url or os.environ.get(URL_ENV_VAR) or DEFAULT_URL).strip().rstrip("/")
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


@dataclass(frozen=True)
class Envelope:
    """The body every endpoint but `/healthz` answers with."""

    ids: list[Any]
    items: list[Any]


class UnusableAnswer(Exception):
    """An envelope that parsed but lacks what the call needs (say, no item at all)."""


@dataclass(frozen=True)
class Call(Generic[T]):
    """One API call, fully described without I/O: where to send what, and how to read the answer."""

    method: str
    path: str
    parse: Callable[[Envelope], T]
    params: Sequence[tuple[str, str]] = ()
    body: dict[str, Any] | None = None


def one(model: type[M]) -> Callable[[Envelope], M]:
    """Parse the envelope's first item as `model`."""

    def parse(envelope: Envelope) -> M:
        if not envelope.items:
            raise UnusableAnswer(f"the envelope carries no item (expected one {model.__name__})")
        return model.model_validate(envelope.items[0])

    return parse


def many(model: type[M]) -> Callable[[Envelope], list[M]]:
    """Parse every item of the envelope as `model`."""

    def parse(envelope: Envelope) -> list[M]:
        return [model.model_validate(item) for item in envelope.items]

    return parse


def ids(envelope: Envelope) -> list[str]:
    """The envelope's `ids`, as the delete endpoints answer."""
    if not all(isinstance(i, str) for i in envelope.ids):
        raise UnusableAnswer("`ids` holds something other than strings")
    return list(envelope.ids)


@dataclass(frozen=True)
class Request:
    """A call resolved against one client: full URL, headers and timeout included."""

    method: str
    path: str
    url: str
    headers: dict[str, str]
    timeout: float
    params: tuple[tuple[str, str], ...] = ()
    json: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        """`METHOD /path`, how every error message starts."""
        return f"{self.method} {self.path}"


def _snippet(response: httpx.Response, limit: int = 200) -> str:
    try:
        text = response.text.strip()
    except (UnicodeDecodeError, LookupError):
        text = repr(response.content[:limit])
    if not text:
        return response.reason_phrase or "(empty body)"
    return text if len(text) <= limit else text[:limit] + "..."


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return None


def _first_error(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        return first if isinstance(first, dict) else {"message": str(first)}
    return None


def _envelope_error(
    cls: type[XmemoryAPIError], request: Request, status: int, error: dict[str, Any]
) -> XmemoryAPIError:
    code = error.get("code")
    code = str(code) if code is not None else None
    message = str(error.get("message") or "no message")
    head = f"{request.label}: HTTP {status}" + (f" {code}" if code else "")
    return cls(
        f"{head}: {message}",
        status=status,
        code=code,
        field=error.get("field"),
        resource_id=error.get("resource_id"),
        details=error.get("details"),
    )


def status_error(request: Request, response: httpx.Response) -> XmemoryAPIError:
    """The exception for a non-2xx answer, with the server's own message when it sent one."""
    status = response.status_code
    cls = status_error_class(status)
    body = _json_or_none(response)
    error = _first_error(body)
    if error is not None:
        return _envelope_error(cls, request, status, error)
    # Not an envelope: a proxy, a framework default ({"detail": ...}) or plain text answered.
    if isinstance(body, dict) and isinstance(body.get("detail") or body.get("message"), str):
        message = str(body.get("detail") or body.get("message"))
    else:
        message = _snippet(response)
    return cls(f"{request.label}: HTTP {status}: {message}", status=status)


def read_envelope(request: Request, response: httpx.Response) -> Envelope:
    """The envelope of a response, or the exception that says why there is none."""
    status = response.status_code
    if not 200 <= status < 300:
        raise status_error(request, response)
    body = _json_or_none(response)
    if not isinstance(body, dict):
        raise XmemoryResponseError(
            f"{request.label}: HTTP {status} answer is not a JSON envelope: {_snippet(response)}",
            status=status,
        )
    error = _first_error(body)
    if error is not None:
        raise _envelope_error(XmemoryResponseError, request, status, error)
    found_ids = body.get("ids") or []
    items = body.get("items") or []
    if not isinstance(found_ids, list) or not isinstance(items, list):
        raise XmemoryResponseError(
            f"{request.label}: HTTP {status} envelope's `ids` and `items` must be lists",
            status=status,
        )
    return Envelope(ids=found_ids, items=items)


def _validation_summary(exc: ValidationError) -> str:
    parts = [
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
        for err in exc.errors()[:3]
    ]
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


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
            problem = f"does not fit {exc.title}: {_validation_summary(exc)}"
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
                f"{request.label}: HTTP {response.status_code}: {_snippet(response)}",
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
