"""A scripted language-model server on loopback that speaks both provider APIs.

`POST /v1/chat/completions` (OpenAI Chat Completions, incl. `response_format`) and
`POST /v1/messages` (Anthropic Messages, incl. forced tool use) answer from a script — a queue
of `Reply`s, or a function of the request — and every request is recorded. A reply can also be
an HTTP error (429 with Retry-After, 500...), garbage, a refusal, a cut-off, or a hang (held
until the server closes), so the real `openai` / `anthropic` client code meets every failure.

    with FakeLLMServer() as llm:
        llm.reply_json({"objects": []})
        client = openai.AsyncOpenAI(base_url=llm.openai_url, api_key="k")
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: Any
    at: float

    @property
    def api(self) -> str:
        return "anthropic" if self.path.endswith("/messages") else "openai"

    @property
    def system(self) -> str:
        if self.api == "anthropic":
            system = self.body.get("system", "")
            return system if isinstance(system, str) else json.dumps(system)
        return "\n".join(m["content"] for m in self.body["messages"] if m["role"] == "system")

    @property
    def conversation(self) -> list[dict[str, Any]]:
        """The messages other than the system prompt."""
        return [m for m in self.body["messages"] if m["role"] != "system"]

    @property
    def prompt(self) -> str:
        """Everything the model was told, as one text."""
        parts = [self.system]
        for message in self.conversation:
            content = message["content"]
            parts.append(content if isinstance(content, str) else json.dumps(content))
        return "\n".join(parts)

    @property
    def last_user(self) -> str:
        return str([m for m in self.conversation if m["role"] == "user"][-1]["content"])

    @property
    def json_schema(self) -> dict[str, Any] | None:
        """The reply schema asked for: `response_format` (OpenAI) or the forced tool (Anthropic)."""
        if self.api == "anthropic":
            tools = self.body.get("tools") or []
            return tools[0]["input_schema"] if tools else None
        fmt = self.body.get("response_format")
        return fmt["json_schema"]["schema"] if fmt else None


@dataclass
class Reply:
    """What the server answers to one request."""

    text: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # a body sent as is (garbage)
    hang: bool = False
    refusal: str | None = None
    stop: str | None = None  # "length" / "max_tokens": the reply was cut off


Script = Callable[[Recorded], Reply]


class FakeLLMServer:
    """An HTTP server on 127.0.0.1 (random port) in a thread; close it (or use `with`)."""

    def __init__(self, script: Script | None = None) -> None:
        self.script = script
        self.queue: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = False  # joined on close: no thread outlives a test
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openai_url(self) -> str:
        return f"{self.url}/v1"

    def close(self) -> None:
        self._release.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    def __enter__(self) -> FakeLLMServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scripting ---------------------------------------------------------------------------

    def reply(self, text: str) -> None:
        self.queue.append(Reply(text=text))

    def reply_json(self, value: Any) -> None:
        self.reply(json.dumps(value))

    def fail(self, status: int, *, retry_after: float | None = None, message: str = "") -> None:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        self.queue.append(Reply(status=status, headers=headers, text=message or f"error {status}"))

    def hang(self) -> None:
        self.queue.append(Reply(hang=True))

    def garbage(self) -> None:
        self.queue.append(Reply(raw=b"<html>502 Bad Gateway</html>"))

    def refuse(self, why: str = "I can't help with that.") -> None:
        self.queue.append(Reply(refusal=why))

    def cut_off(self, text: str = '{"objects": [') -> None:
        self.queue.append(Reply(text=text, stop="length"))

    # -- serving -----------------------------------------------------------------------------

    def _next(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self.queue:
                return self.queue.popleft()
        if self.script is not None:
            return self.script(request)
        return Reply(status=500, text="fake LLM server: no scripted reply left")

    def _respond(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length)
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = raw.decode(errors="replace")
        recorded = Recorded(
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
            at=time.monotonic(),
        )
        if not handler.path.endswith(("/chat/completions", "/messages")):
            _send(handler, 404, {"error": {"message": f"no route {handler.path}"}})
            return
        reply = self._next(recorded)
        if reply.hang:
            self._release.wait(30)
            return
        if reply.raw is not None:
            _send_bytes(handler, reply.status, reply.raw, "text/html", reply.headers)
        elif reply.status != 200:
            kind = "rate_limit_error" if reply.status == 429 else "api_error"
            error = {"type": kind, "message": reply.text or ""}
            payload = (
                {"type": "error", "error": error}
                if recorded.api == "anthropic"
                else {"error": error}
            )
            _send(handler, reply.status, payload, reply.headers)
        elif recorded.api == "anthropic":
            _send(handler, 200, _anthropic_message(recorded, reply), reply.headers)
        else:
            _send(handler, 200, _openai_completion(recorded, reply), reply.headers)


def _openai_completion(request: Recorded, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    if reply.refusal is not None:
        message = {"role": "assistant", "content": None, "refusal": reply.refusal}
    return {
        "id": f"chatcmpl-{len(reply.text or '')}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": reply.stop or "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _anthropic_message(request: Recorded, reply: Reply) -> dict[str, Any]:
    content: list[dict[str, Any]]
    stop = reply.stop or "end_turn"
    if reply.refusal is not None:
        content, stop = [{"type": "text", "text": reply.refusal}], "refusal"
    else:
        content = [{"type": "text", "text": reply.text or ""}]
        choice = request.body.get("tool_choice") or {}
        if choice.get("type") == "tool" and reply.stop is None:
            try:
                data = json.loads(reply.text or "")
            except json.JSONDecodeError:
                data = None
            if isinstance(data, dict):  # a model that obeys the forced tool
                content = [
                    {"type": "tool_use", "id": "toolu_1", "name": choice["name"], "input": data}
                ]
                stop = "tool_use"
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": request.body.get("model", "fake"),
        "content": content,
        "stop_reason": "max_tokens" if reply.stop else stop,
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    payload: Any,
    headers: dict[str, str] | None = None,
) -> None:
    _send_bytes(handler, status, json.dumps(payload).encode(), "application/json", headers)


def _send_bytes(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    try:
        handler.send_response(status)
        handler.send_header("content-type", content_type)
        handler.send_header("content-length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (a timeout under test); nothing to tell it


def _handler_for(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            server._respond(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler
