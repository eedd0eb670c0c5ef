"""Every failure the SDK reports, as one tree under `XmemoryAPIError`.

    XmemoryAPIError                  anything went wrong talking to the xmemory API
     ├── XmemoryHealthCheckError     check_health(): the API is unreachable or unhealthy
     ├── XmemoryConnectionError      no HTTP answer at all (DNS, refused, reset, bad URL)
     │    └── XmemoryTimeoutError    no answer within the timeout
     ├── XmemoryResponseError        a 2xx answer that cannot be used: not JSON, an envelope
     │                               carrying `errors`, or a body that does not fit the result
     └── XmemoryStatusError          a non-2xx answer; one subclass per common status:
          ├── BadRequestError            400
          ├── AuthenticationError        401
          ├── PermissionDeniedError      403
          ├── NotFoundError              404
          ├── ConflictError              409
          ├── PayloadTooLargeError       413
          ├── UnprocessableEntityError   422
          ├── RateLimitError             429
          └── InternalServerError        5xx

Arguments the caller got wrong before any I/O (an empty id, both `text` and
`structured_mutations`) raise `ValueError` instead: they are bugs, not API failures.
"""

from __future__ import annotations

from typing import Any


class XmemoryAPIError(Exception):
    """Base of every SDK failure; `status` is the HTTP status when there was one."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        field: str | None = None,
        resource_id: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field
        self.resource_id = resource_id
        self.details = details

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle as cls(*args); ours have keyword-only attributes, which that drops.
        return (_rebuild, (type(self), self.message, self.__dict__.copy()))


def _rebuild(cls: type[XmemoryAPIError], message: str, state: dict[str, Any]) -> XmemoryAPIError:
    exc = cls(message)
    exc.__dict__.update(state)
    return exc


class XmemoryHealthCheckError(XmemoryAPIError):
    """The API did not answer `/healthz` with a 2xx: it is down, unreachable or unhealthy."""


class XmemoryConnectionError(XmemoryAPIError):
    """No HTTP answer arrived: the network, DNS, TLS or the URL itself failed."""


class XmemoryTimeoutError(XmemoryConnectionError):
    """No HTTP answer arrived within the timeout."""


class XmemoryResponseError(XmemoryAPIError):
    """The server answered 2xx, but with errors or with a body the SDK cannot use."""


class XmemoryStatusError(XmemoryAPIError):
    """The server answered with a non-2xx status."""


class BadRequestError(XmemoryStatusError):
    """HTTP 400: the caller sent a malformed request."""


class AuthenticationError(XmemoryStatusError):
    """HTTP 401: the token is missing or wrong."""


class PermissionDeniedError(XmemoryStatusError):
    """HTTP 403: the token may not touch this resource."""


class NotFoundError(XmemoryStatusError):
    """HTTP 404: the caller named a cluster, instance or write that does not exist."""


class ConflictError(XmemoryStatusError):
    """HTTP 409: the request contradicts stored state."""


class PayloadTooLargeError(XmemoryStatusError):
    """HTTP 413: the caller sent more than the server accepts in one request."""


class UnprocessableEntityError(XmemoryStatusError):
    """HTTP 422: the request is well-formed but does not fit the instance's schema."""


class RateLimitError(XmemoryStatusError):
    """HTTP 429: the caller sent too many requests (still so after the SDK's retries)."""


class InternalServerError(XmemoryStatusError):
    """HTTP 5xx: the server failed."""


_BY_STATUS: dict[int, type[XmemoryStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[XmemoryStatusError]:
    """The most specific exception class for a non-2xx HTTP status."""
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, XmemoryStatusError)
