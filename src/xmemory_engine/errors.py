"""Errors the engine raises, each carrying the HTTP status and wire code it maps to.

The API layer turns any `EngineError` into the xmemory envelope
(`{"ids": [], "items": [], "errors": [{"code", "message", "field", "resource_id", "details"}]}`)
in one place; no other layer knows about HTTP.

    EngineError
     ├── InvalidRequest        400 invalid_request   the caller sent something malformed
     │    └── SchemaInvalid    400 invalid_schema    a schema text that is not valid XMD
     ├── Unauthorized          401 unauthorized      missing or wrong API key
     ├── NotFound              404 not_found         unknown cluster, instance or write id
     ├── Conflict              409 conflict          the request contradicts stored state
     ├── PayloadTooLarge       413 payload_too_large text or body over the documented limit
     ├── Unprocessable         422 unprocessable     well-formed, but does not fit the schema
     ├── QueryRejected         422 query_rejected    generated SQL refused by the checker
     └── MindFailed            502 mind_failed       the extractor/answerer/designer failed
"""

from __future__ import annotations

from typing import Any

# pydantic (a dependency) requires typing_extensions and reads only its TypedDict before 3.12.
from typing_extensions import TypedDict


class ErrorEntry(TypedDict):
    """One entry of the envelope's `errors` (the OpenAPI document is generated from this)."""

    code: str
    message: str
    field: str | None
    resource_id: str | None
    details: dict[str, Any] | None


class EngineError(Exception):
    """Base of every error the engine reports to a caller."""

    status: int = 500
    code: str = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        resource_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.resource_id = resource_id
        self.details = details

    def to_wire(self) -> ErrorEntry:
        """The error as one entry of the envelope's `errors` list."""
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "resource_id": self.resource_id,
            "details": self.details,
        }


class InvalidRequest(EngineError):
    """The caller sent a malformed request (bad JSON, wrong types, missing keys)."""

    status = 400
    code = "invalid_request"


class SchemaInvalid(InvalidRequest):
    """The caller sent a schema that is not valid XMD; `field` names the offending path."""

    code = "invalid_schema"


class Unauthorized(EngineError):
    """The caller did not present the API key this engine requires."""

    status = 401
    code = "unauthorized"


class NotFound(EngineError):
    """The caller named a cluster, instance or write that does not exist."""

    status = 404
    code = "not_found"


class Conflict(EngineError):
    """The caller asked for something that contradicts stored state (a duplicate key, say)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(EngineError):
    """The caller sent more text than the engine accepts in one request."""

    status = 413
    code = "payload_too_large"


class Unprocessable(EngineError):
    """The caller's request is well-formed but does not fit the instance's schema."""

    status = 422
    code = "unprocessable"


class QueryRejected(EngineError):
    """Generated SQL was refused by the read-only checker (not one SELECT, foreign table...)."""

    status = 422
    code = "query_rejected"


class MindFailed(EngineError):
    """A mind (rules or model) could not do its job: timeout, refusal, unusable output."""

    status = 502
    code = "mind_failed"
