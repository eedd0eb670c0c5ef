"""Reading request bodies and query parameters: size limits, JSON, and typed fields.

Each body is a pydantic model below: the engine validates with it, and the OpenAPI document
(`api/openapi.py`) is generated from it. Unknown keys are ignored (newer clients send more than
this engine knows); a null for an optional key is the same as leaving it out (some clients send
every key). Limits that depend on settings (text lengths) are checked by the handlers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from starlette.requests import Request

from xmemory_engine.errors import InvalidRequest, PayloadTooLarge
from xmemory_engine.minds.base import ExtractionLogic, ReadMode
from xmemory_engine.strict_json import MAX_DEPTH, JsonRefused, encode, loads

GIVEN_BODY = "xmemory.body"
"""ASGI scope extension of a request made in this process with its body as the value itself,
not as bytes: `{"value": ..., "bound": ...}`, `bound` from `strict_json.encoded_bound` (the
value is JSON as `loads` gives it, and encodes to at most that many bytes). Nothing from a
network can set it."""

E = TypeVar("E", bound=Enum)
B = TypeVar("B", bound=BaseModel)


# -- the bodies ----------------------------------------------------------------------------------


def _any_case(kind: type[E]) -> BeforeValidator:
    def lower(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        allowed = [m.value for m in kind]
        if value.lower() not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}, not {value[:80]!r}")
        return kind(value.lower())

    return BeforeValidator(lower)


Logic = Annotated[ExtractionLogic | None, _any_case(ExtractionLogic)]
Mode = Annotated[ReadMode | None, _any_case(ReadMode)]


class Body(BaseModel):
    """A request body: a JSON object; unknown keys ignored, no silent type conversion."""

    # A body's validator is built when the first one of its kind arrives: a server's first
    # answer (usually a read) needs one of the ten, and building them all was ~1 ms of its
    # start-up (issue 11).
    model_config = ConfigDict(extra="ignore", strict=True, defer_build=True)


class GenerateSchemaBody(Body):
    """POST /clusters/{cluster_id}/instances/generate_schema"""

    schema_description: str = Field(description="what the memory is for, in words")
    current_yml_schema: str | dict[str, Any] | None = Field(
        None, description="the schema to extend (YAML text or the XMD mapping)"
    )


class SchemaText(Body):
    value: str | dict[str, Any] = Field(description="XMD as text, or as the mapping itself")


class InstanceSchema(Body):
    """Exactly one of `yml` and `json_schema`."""

    yml: SchemaText | None = None
    json_schema: SchemaText | None = None


class CreateInstanceBody(Body):
    """POST /clusters/{cluster_id}/instances"""

    name: str
    description: str | None = None
    schema_description: str | None = None
    instance_schema: InstanceSchema


class UpdateMetadataBody(Body):
    """PUT (name required, description replaced) or PATCH (what is given) /instances/{id}"""

    name: str | None = None
    description: str | None = None


class UpdateSchemaBody(Body):
    """PUT /instances/{instance_id}/schema: an additive change."""

    instance_schema: InstanceSchema


class WriteBody(Body):
    """POST /instances/{instance_id}/write and write_async: `text` or `structured_mutations`."""

    extraction_logic: Logic = None
    structured_mutations: list[Any] | None = Field(
        None, description="object and relation mutations (docs/engine.md, Structured mutations)"
    )
    text: str | None = None
    occurred_at: str | None = Field(None, description="ISO date or datetime it happened")
    source_text: str | None = Field(
        None, description="the sentences structured mutations came from"
    )


class WriteStatusBody(Body):
    """POST /instances/{instance_id}/write_status"""

    write_id: str


class ForgetBody(Body):
    """POST /instances/{instance_id}/forget"""

    text: str | None = Field(
        None, description="forget every stored value that mentions this text (whole words)"
    )
    object_type: str | None = Field(None, description="with xuid or key: one record's type")
    xuid: str | None = None
    key: dict[str, Any] | None = Field(None, description="the record's primary-key values")


class ReadBody(Body):
    """POST /instances/{instance_id}/read"""

    query: str
    mode: Mode = None
    read_mode: Mode = Field(None, description="the older name of `mode`")
    read_id: str | None = None
    sql: str | None = Field(None, description="one SELECT to run instead of asking the mind")


class ExtractBody(Body):
    """POST /instances/{instance_id}/extract"""

    text: str
    extraction_logic: Logic = None


async def read_body(request: Request, model: type[B], max_bytes: int) -> B:
    """The body, read as `read_json` does and validated by `model`; 400 naming the field."""
    raw = await read_json(request, max_bytes)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(exc) from None


_TYPE_TAGS = ("str", "int", "float", "bool", "list", "dict", "function", "model", "enum")


def _invalid(exc: ValidationError) -> InvalidRequest:
    error = exc.errors(include_url=False)[0]
    parts: list[str] = []
    for part in error["loc"]:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.split("[")[0] in _TYPE_TAGS or "[" in part:
            break  # pydantic's name for one branch of a union, not a key
        else:
            parts.append(("." if parts else "") + part)
    name = "".join(parts) or "$"
    value = error.get("input")
    if error["type"] == "missing" or value is None:
        return InvalidRequest(f"'{name}' is required", field=name)
    if error["type"] == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return InvalidRequest(f"'{name}' {message}", field=name)
    return InvalidRequest(
        f"'{name}' has the wrong type ({_kind(value)}): {error['msg']}", field=name
    )


async def read_json(request: Request, max_bytes: int) -> dict[str, Any]:
    """The body as a JSON object; 413 past `max_bytes` (declared or actually sent) or nested
    deeper than MAX_DEPTH, 400 for anything that is not strict JSON in UTF-8 (see strict_json).

    A body given as the value itself (GIVEN_BODY) is taken as it is when it fits the limit:
    it is what `loads` would give of its bytes. One that may not fit is encoded as its caller
    would have sent it and read as those bytes, so it is answered exactly as they would be."""
    given = (request.scope.get("extensions") or {}).get(GIVEN_BODY)
    if given is not None:
        value = given["value"]
        if given["bound"] <= max_bytes and isinstance(value, dict):
            return value
        raw = encode(value)
        _check_declared(len(raw), max_bytes)
        return _parsed(raw)
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise InvalidRequest("Content-Length is not a number") from None
        _check_declared(size, max_bytes)
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
    return _parsed(b"".join(chunks))


def _check_declared(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise PayloadTooLarge(
            f"the body is {size:,} bytes; the limit is {max_bytes:,}",
            details={"limit_bytes": max_bytes},
        )


def _parsed(raw: bytes) -> dict[str, Any]:
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
