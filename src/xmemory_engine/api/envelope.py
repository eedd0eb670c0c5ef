"""The xmemory envelope, and the one place where errors become HTTP answers.

Every endpoint but `/healthz` answers `{"ids": [...], "items": [...], "errors": [...]}`; an
error is a non-2xx status with one entry in `errors` (`code`, `message`, `field`,
`resource_id`, `details`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

# pydantic (a dependency) requires typing_extensions and reads only its TypedDict before 3.12.
from typing_extensions import TypedDict

from xmemory_engine.errors import EngineError, ErrorEntry

logger = logging.getLogger("xmemory_engine.api")

Handler = Callable[[Request], Awaitable[Response]]


class Envelope(TypedDict):
    """Every answer but /healthz and /openapi.json (the OpenAPI document is generated from it)."""

    ids: list[str]
    items: list[dict[str, Any]]
    errors: list[ErrorEntry]


def envelope(
    *, items: list[Any] | None = None, ids: list[str] | None = None, status: int = 200
) -> JSONResponse:
    body: Envelope = {"ids": ids or [], "items": items or [], "errors": []}
    return JSONResponse(body, status_code=status)


def error_response(exc: EngineError, headers: dict[str, str] | None = None) -> JSONResponse:
    body: Envelope = {"ids": [], "items": [], "errors": [exc.to_wire()]}
    return JSONResponse(body, status_code=exc.status, headers=headers)


def plain_error(status: int, code: str, message: str) -> JSONResponse:
    error = EngineError(message)
    error.status = status
    error.code = code
    return error_response(error)


def endpoint(handler: Handler) -> Handler:
    """Run a handler, turning an EngineError into its envelope and anything else into a 500
    envelope (logged), so no caller ever sees a framework's default error page."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except EngineError as exc:
            return error_response(exc)
        except Exception:
            logger.exception("%s %s failed", request.method, request.url.path)
            return plain_error(
                500, "internal_error", "the engine failed to handle this request (see its log)"
            )

    return wrapped
