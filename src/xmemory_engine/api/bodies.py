"""Reading request bodies and query parameters: size limits, JSON, and typed fields.

Unknown keys are ignored (newer clients send more than this engine knows); a null for an
optional key is the same as leaving it out (some clients send every key).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from starlette.requests import Request

from xmemory_engine.errors import InvalidRequest, PayloadTooLarge
from xmemory_engine.strict_json import MAX_DEPTH, JsonRefused, loads

E = TypeVar("E", bound=Enum)


async def read_json(request: Request, max_bytes: int) -> dict[str, Any]:
    """The body as a JSON object; 413 past `max_bytes` (declared or actually sent) or nested
    deeper than MAX_DEPTH, 400 for anything that is not strict JSON in UTF-8 (see strict_json)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise InvalidRequest("Content-Length is not a number") from None
        if size > max_bytes:
            raise PayloadTooLarge(
                f"the body is {size:,} bytes; the limit is {max_bytes:,}",
                details={"limit_bytes": max_bytes},
            )
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes:
            raise PayloadTooLarge(
                f"the body is over the limit of {max_bytes:,} bytes",
                details={"limit_bytes": max_bytes},
            )
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise InvalidRequest("the request needs a JSON object body")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(f"the body is not UTF-8: {exc}") from None
    try:
        body = loads(text.removeprefix("\ufeff"))
    except JsonRefused as exc:
        if exc.too_deep:
            raise PayloadTooLarge(
                f"the body is nested deeper than {MAX_DEPTH} levels",
                details={"limit_depth": MAX_DEPTH},
            ) from None
        raise InvalidRequest(f"the body is not valid JSON: {exc.message}") from None
    if not isinstance(body, dict):
        raise InvalidRequest(f"the body must be a JSON object, not {_kind(body)}")
    return body


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def required_str(body: dict[str, Any], name: str, *, max_chars: int | None = None) -> str:
    value = body.get(name)
    if value is None:
        raise InvalidRequest(f"'{name}' is required", field=name)
    if not isinstance(value, str):
        raise InvalidRequest(f"'{name}' must be a string, not {_kind(value)}", field=name)
    if not value.strip():
        raise InvalidRequest(f"'{name}' is empty", field=name)
    check_length(value, name, max_chars)
    return value


def optional_str(body: dict[str, Any], name: str, *, max_chars: int | None = None) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequest(f"'{name}' must be a string, not {_kind(value)}", field=name)
    check_length(value, name, max_chars)
    return value


def check_length(value: str, name: str, max_chars: int | None) -> None:
    if max_chars is not None and len(value) > max_chars:
        raise PayloadTooLarge(
            f"'{name}' is {len(value):,} characters; the limit is {max_chars:,}",
            field=name,
            details={"limit_chars": max_chars},
        )


def optional_iso_time(body: dict[str, Any], name: str) -> str | None:
    """An ISO-8601 date (`2026-11-30`) or datetime (`2026-11-30T09:15:00+01:00`), as given."""
    value = optional_str(body, name, max_chars=64)
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise InvalidRequest(
            f"'{name}' must be an ISO date or datetime (2026-11-30 or 2026-11-30T09:15:00Z), "
            f"not {value!r}",
            field=name,
        ) from None
    return text


def optional_enum(body: dict[str, Any], name: str, kind: type[E], default: E) -> E:
    value = body.get(name)
    if value is None:
        return default
    allowed = [m.value for m in kind]
    if not isinstance(value, str) or value.lower() not in allowed:
        raise InvalidRequest(
            f"'{name}' must be one of {', '.join(map(str, allowed))}, not {value!r}", field=name
        )
    return kind(value.lower())


def optional_bool(body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise InvalidRequest(f"'{name}' must be true or false, not {_kind(value)}", field=name)


def query_ids(request: Request) -> list[str] | None:
    """`?ids=a&ids=b` (or `?ids=a,b`); None when absent."""
    values: Sequence[str] = request.query_params.getlist("ids")
    if not values:
        return None
    ids = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return ids


def query_flag(request: Request, name: str, default: bool) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes", "on", ""):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise InvalidRequest(f"query parameter '{name}' must be true or false", field=name)
