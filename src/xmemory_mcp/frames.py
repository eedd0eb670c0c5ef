"""One line read from an MCP client, judged before the SDK sees it: pass it on, answer it, or drop it.

The SDK's stdio transport hands a line it cannot decode to the session as an exception, which
is logged and dropped: the client waits for an answer that never comes. That happens to a line
that is not JSON, to `params` that are not an object, to a lone surrogate escape (`"\\ud800"`,
JSON the SDK's parser refuses), to an `id` that is `null`, a float or a boolean. Here every such
request is answered as JSON-RPC 2.0 says:

- `-32700` (parse error, `id` null): not UTF-8, not JSON, or nested too deeply;
- `-32600` (invalid request): not an object, a batch, a bad `jsonrpc`, `id` or `method`,
  or a line over the size bound (`id` null when it cannot be read);
- `-32602` (invalid params): `params` not an object, or a string in it that is not Unicode.

A notification or a response is never answered (JSON-RPC forbids it); a bad one is dropped with
a log line. What passes is exactly what the SDK would have decoded itself (a request or a
notification is built from the parse made here rather than parsed twice: `_built`).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from mcp_types.jsonrpc import INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR

# The engine's JSON module (plain json and re, nothing of the engine is loaded with it).
from xmemory_engine.strict_json import deeper_than

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 8 * 1024 * 1024
"""The longest line taken from a client; a longer one is answered -32600 and skipped."""


@dataclass(frozen=True)
class Accept:
    """A well-formed message, for the SDK."""

    message: types.JSONRPCMessage


@dataclass(frozen=True)
class Answer:
    """A request refused here: this error goes back to the client."""

    error: types.JSONRPCError


@dataclass(frozen=True)
class Drop:
    """A notification, response or blank line that is malformed: nothing is sent back."""

    reason: str


Verdict = Accept | Answer | Drop


def oversized(limit: int = MAX_FRAME_BYTES) -> Answer:
    """The answer to a line longer than `limit` bytes (its `id` was never read)."""
    return _error(None, INVALID_REQUEST, f"Invalid request: a message is at most {limit} bytes")


def check_frame(raw: bytes) -> Verdict:
    """Judge one line (without its newline) read from the client."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _error(None, PARSE_ERROR, f"Parse error: not UTF-8 ({exc.reason})")
    if not text.strip():
        return Drop("blank line")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        return _error(None, PARSE_ERROR, "Parse error: nested too deeply")
    except ValueError as exc:
        return _error(None, PARSE_ERROR, f"Parse error: {exc}")
    if isinstance(data, list):
        return _error(None, INVALID_REQUEST, "Invalid request: batches are not supported")
    if not isinstance(data, dict):
        return _error(None, INVALID_REQUEST, "Invalid request: a message is a JSON object")
    return _check_envelope(text, data)


def _check_envelope(text: str, data: dict[str, Any]) -> Verdict:
    has_id = "id" in data
    request_id = data.get("id")
    id_ok = _valid_id(request_id)
    answer_to = request_id if id_ok else None
    method = data.get("method")
    if "method" not in data:
        if "result" in data or "error" in data:
            return _decoded(text, answer_to, is_request=False)  # a response to our request
        if has_id:
            return _error(answer_to, INVALID_REQUEST, "Invalid request: no 'method'")
        return Drop("neither a request nor a response")
    is_request = has_id
    problem: tuple[int, str] | None = None
    if data.get("jsonrpc") != "2.0":
        problem = INVALID_REQUEST, "Invalid request: 'jsonrpc' must be \"2.0\""
    elif has_id and not id_ok:
        problem = INVALID_REQUEST, "Invalid request: 'id' must be a string or an integer"
    elif not isinstance(method, str) or _surrogate_at(method) is not None:
        problem = INVALID_REQUEST, "Invalid request: 'method' must be a string"
    elif "params" in data and not isinstance(data["params"], dict | None):
        problem = INVALID_PARAMS, "Invalid params: 'params' must be an object"
    elif _may_hold_surrogate(text) and (where := _surrogate_at(data.get("params"), "params")):
        problem = INVALID_PARAMS, f"Invalid params: {where} holds a lone surrogate, not Unicode"
    if problem is None:
        built = _built(text, data, is_request=is_request)
        return built if built is not None else _decoded(text, answer_to, is_request=is_request)
    if not is_request:
        return Drop(f"notification {method!r}: {problem[1]}")
    return _error(answer_to, *problem)


SDK_DEPTH = 200
"""Nesting (objects and arrays) the SDK's JSON parser takes: pydantic-core refuses a message
nested deeper than about 200 levels, which `json.loads` accepts."""


def _built(text: str, data: dict[str, Any], *, is_request: bool) -> Accept | None:
    """The request or notification the SDK's adapter would decode from this line, built from
    what `json.loads` made of it and `_check_envelope` has checked (`jsonrpc`, `id`, `method`,
    `params`, no lone surrogate), instead of parsing the line again: that second parse was
    5-15 ms of a 1,000-object write. None when only the adapter can tell: a line that may nest
    past what it takes.

    Its adapter picks `JSONRPCRequest` for a message with an `id`, else `JSONRPCNotification`;
    both ignore other keys."""
    if text.count("[") + text.count("{") > SDK_DEPTH and deeper_than(data, SDK_DEPTH - 10):
        return None
    names = ("jsonrpc", "id", "method", "params") if is_request else ("jsonrpc", "method", "params")
    fields = {name: data[name] for name in names if name in data}
    if is_request:
        return Accept(types.JSONRPCRequest.model_construct(**fields))
    return Accept(types.JSONRPCNotification.model_construct(**fields))


def _decoded(text: str, answer_to: types.RequestId | None, *, is_request: bool) -> Verdict:
    """What the SDK makes of the line; anything it refuses is answered here instead."""
    try:
        message = types.jsonrpc_message_adapter.validate_json(text, by_name=False)
    except ValueError as exc:
        if not is_request:
            return Drop(f"undecodable message: {str(exc).splitlines()[0]}")
        return _error(answer_to, INVALID_REQUEST, "Invalid request: not a JSON-RPC 2.0 message")
    return Accept(message)


def _valid_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and _surrogate_at(value) is None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _may_hold_surrogate(text: str) -> bool:
    """Whether a string parsed from `text` can hold a lone surrogate: `text` came from strict
    UTF-8, so only a `\\ud800`-`\\udfff` escape puts one there. One scan of the text instead of
    a walk over every value (a 1,000-object write: ~3 ms)."""
    return _SURROGATE_ESCAPE.search(text) is not None


def _surrogate_at(value: object, path: str = "") -> str | None:
    """Where in `value` a string holds a lone surrogate (UTF-16 half), if anywhere."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where or "a string"
        elif isinstance(item, dict):
            for key, child in item.items():
                if _surrogate_at(key) is not None:
                    return f"a key in {where}"
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _error(request_id: types.RequestId | None, code: int, message: str) -> Answer:
    return Answer(
        types.JSONRPCError(
            jsonrpc="2.0", id=request_id, error=types.ErrorData(code=code, message=message)
        )
    )
