"""Raw frames to `python -m xmemory_mcp` over stdio: every request gets its JSON-RPC answer.

One server process for the module; each case writes one frame, checks the answer (code and
id), then checks that a valid `tools/call` still succeeds. stdout carries frames only.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

PARSE, INVALID_REQUEST, NO_METHOD, INVALID_PARAMS = -32700, -32600, -32601, -32602
MB = 1024 * 1024


class RawClient:
    """Writes bytes to the server's stdin; reads its stdout as one JSON document per line."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.frames: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.stray: list[bytes] = []  # stdout lines that are not JSON-RPC frames
        self._next_id = 1000
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                frame = json.loads(line)
            except ValueError:
                self.stray.append(line)
                continue
            if not isinstance(frame, dict) or frame.get("jsonrpc") != "2.0":
                self.stray.append(line)
                continue
            self.frames.put(frame)
        self.frames.put(None)

    def send(self, raw: bytes | str | dict[str, Any]) -> None:
        if isinstance(raw, dict):
            raw = json.dumps(raw)
        data = raw.encode() if isinstance(raw, str) else raw
        assert self.proc.stdin is not None
        self.proc.stdin.write(data + b"\n")
        self.proc.stdin.flush()

    def answer(self, timeout: float = 15.0) -> dict[str, Any]:
        """The next frame that is an answer (notifications from the server are skipped)."""
        while True:
            frame = self.frames.get(timeout=timeout)
            assert frame is not None, "the server closed stdout"
            if "method" not in frame:
                return frame

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        answer = self.answer()
        assert answer.get("id") == self._next_id, answer
        return answer


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RawClient]:
    data = tmp_path_factory.mktemp("stdio") / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    errlog = (data.parent / "stderr.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "xmemory_mcp", "--data-dir", str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errlog,
        env=env,
    )
    raw = RawClient(proc)
    try:
        hello = raw.request(
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "conformance", "version": "1"},
            },
        )
        assert "result" in hello, hello
        raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        yield raw
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
        assert proc.stdout is not None
        proc.stdout.close()
        errlog.close()
    assert raw.stray == []


def call(method: str, params: object, request_id: object = 7) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})


READ_SURROGATE = (
    '{"jsonrpc":"2.0","id":8,"method":"tools/call",'
    '"params":{"name":"read","arguments":{"query":"who is \\ud800?"}}}'
)

# (frame, expected code, expected id)
REQUESTS: dict[str, tuple[bytes | str, int, object]] = {
    "malformed json": ("{bad json", PARSE, None),
    "truncated": ('{"jsonrpc":"2.0","id":1,"method":"ping"', PARSE, None),
    "not utf-8": (b'\xff\xfe{"jsonrpc":"2.0","id":1,"method":"ping"}', PARSE, None),
    "NaN": ('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":NaN}}', PARSE, None),
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, PARSE, None),
    "1 MB malformed line": ("{" + "x" * MB, PARSE, None),
    "params a string": (call("tools/call", "read"), INVALID_PARAMS, 7),
    "params an array": (call("tools/call", ["read", {}]), INVALID_PARAMS, 7),
    "params a number": (call("tools/call", 5), INVALID_PARAMS, 7),
    "params a boolean": (call("tools/list", True), INVALID_PARAMS, 7),
    "lone surrogate in arguments": (READ_SURROGATE, INVALID_PARAMS, 8),
    "lone surrogate in a key": (
        '{"jsonrpc":"2.0","id":9,"method":"ping","params":{"\\udc00":1}}',
        INVALID_PARAMS,
        9,
    ),
    "lone surrogate in the method": (
        '{"jsonrpc":"2.0","id":9,"method":"tools/\\ud800"}',
        INVALID_REQUEST,
        9,
    ),
    "lone surrogate in the id": ('{"jsonrpc":"2.0","id":"\\ud800","method":"ping"}', -32600, None),
    "tool name not a string": (call("tools/call", {"name": 5}), INVALID_PARAMS, 7),
    "unknown method": (call("memory/forget", {}), NO_METHOD, 7),
    "batch": ('[{"jsonrpc":"2.0","id":1,"method":"ping"}]', INVALID_REQUEST, None),
    "empty batch": ("[]", INVALID_REQUEST, None),
    "a number": ("42", INVALID_REQUEST, None),
    "no method": ('{"jsonrpc":"2.0","id":6}', INVALID_REQUEST, 6),
    "wrong jsonrpc": ('{"jsonrpc":"1.0","id":6,"method":"ping"}', INVALID_REQUEST, 6),
    "no jsonrpc": ('{"id":6,"method":"ping"}', INVALID_REQUEST, 6),
    "id null": ('{"jsonrpc":"2.0","id":null,"method":"ping"}', INVALID_REQUEST, None),
    "id a float": ('{"jsonrpc":"2.0","id":1.5,"method":"ping"}', INVALID_REQUEST, None),
    "id a boolean": ('{"jsonrpc":"2.0","id":true,"method":"ping"}', INVALID_REQUEST, None),
    "method a number": ('{"jsonrpc":"2.0","id":6,"method":5}', INVALID_REQUEST, 6),
    "over the size bound": (
        '{"jsonrpc":"2.0","id":6,"method":"ping","x":"' + "y" * 9 * MB,
        -32600,
        None,
    ),
}


def assert_still_serving(client: RawClient) -> None:
    answer = client.request(
        "tools/call", {"name": "read", "arguments": {"query": "who is Dana Scully?"}}
    )
    assert "result" in answer, answer
    assert answer["result"].get("isError") is not True, answer


@pytest.mark.parametrize("name", list(REQUESTS))
def test_each_bad_request_is_answered_and_the_server_keeps_serving(
    client: RawClient, name: str
) -> None:
    frame, code, request_id = REQUESTS[name]
    client.send(frame)
    answer = client.answer()
    assert answer["id"] == request_id, answer
    assert answer["error"]["code"] == code, answer
    assert answer["error"]["message"]
    assert_still_serving(client)


@pytest.mark.parametrize(
    "frame",
    [
        '{"jsonrpc":"2.0","method":"notifications/cancelled","params":"x"}',
        '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{}}}',
        '{"jsonrpc":"2.0","method":"notifications/progress","params":{"x":"\\ud800"}}',
        '{"jsonrpc":"2.0","result":{}}',
        "",
    ],
)
def test_a_bad_notification_gets_no_answer(client: RawClient, frame: str) -> None:
    client.send(frame)
    # The next frame is the answer to the next request: nothing was sent back in between.
    assert_still_serving(client)


def test_a_1_mb_request_is_served(client: RawClient) -> None:
    answer = client.request("ping", {"_meta": {"padding": "x" * MB}})
    assert answer["result"] == {}
    assert_still_serving(client)


def test_frames_split_across_writes_and_crlf(client: RawClient) -> None:
    assert client.proc.stdin is not None
    client.proc.stdin.write(b'{"jsonrpc":"2.0","id":"a",')
    client.proc.stdin.flush()
    client.proc.stdin.write(b'"method":"ping"}\r\n{"jsonrpc":"2.0","id":"b","method":"ping"}\n')
    client.proc.stdin.flush()
    assert [client.answer()["id"], client.answer()["id"]] == ["a", "b"]


def test_the_stderr_log_says_what_was_refused(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    done = subprocess.run(
        [sys.executable, "-m", "xmemory_mcp", "--data-dir", str(tmp_path / "d")],
        input=b"{oops\n",
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["error"]["code"] == PARSE
    assert b"Parse error" in done.stderr


HTTP_CASES = [
    "malformed json",
    "params a string",
    "lone surrogate in arguments",
    "batch",
    "id null",
]


def test_the_same_frames_over_streamable_http_are_answered_alike(tmp_path: Path) -> None:
    import httpx

    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    argv = [sys.executable, "-m", "xmemory_mcp", "--transport", "streamable-http", "--port", "0"]
    proc = subprocess.Popen(
        [*argv, "--data-dir", str(tmp_path / "d")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stderr is not None
    try:
        url = proc.stderr.readline().split("listening on ")[1].strip()
        headers = {"Accept": "application/json, text/event-stream"}
        with httpx.Client(timeout=15, headers=headers) as http:
            hello = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {}}
            hello["params"] = {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "conformance", "version": "1"},
            }
            session = http.post(url, json=hello).headers["mcp-session-id"]
            http.headers.update({"mcp-session-id": session, "mcp-protocol-version": "2025-06-18"})
            for name in HTTP_CASES:
                frame, code, request_id = REQUESTS[name]
                content = frame.encode() if isinstance(frame, str) else frame
                response = http.post(url, content=content)
                assert response.status_code == 400, (name, response.text)
                error = response.json()
                assert (error["id"], error["error"]["code"]) == (request_id, code), (name, error)
            too_big = http.post(url, content=b" " * (9 * MB))
            assert too_big.status_code == 413 and too_big.json()["error"]["code"] == -32600
            ping = http.post(url, json={"jsonrpc": "2.0", "id": 5, "method": "ping"})
            assert ping.status_code == 200 and '"result":{}' in ping.text
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
        proc.stderr.close()
