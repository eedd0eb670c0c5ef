"""The wire's generic half: calls and requests as plain data, envelopes in, errors out.

Nothing here does I/O. `_endpoints.py` describes each endpoint as a `Call`; the clients turn it
into a `Request`, send it, and hand the response to `read_envelope` and the call's parser.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ._exceptions import XmemoryAPIError, XmemoryResponseError, status_error_class

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


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


def snippet(response: httpx.Response, limit: int = 200) -> str:
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
        message = snippet(response)
    return cls(f"{request.label}: HTTP {status}: {message}", status=status)


def read_envelope(request: Request, response: httpx.Response) -> Envelope:
    """The envelope of a response, or the exception that says why there is none."""
    status = response.status_code
    if not 200 <= status < 300:
        raise status_error(request, response)
    body = _json_or_none(response)
    if not isinstance(body, dict):
        raise XmemoryResponseError(
            f"{request.label}: HTTP {status} answer is not a JSON envelope: {snippet(response)}",
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


def validation_summary(exc: ValidationError) -> str:
    parts = [
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
        for err in exc.errors()[:3]
    ]
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
