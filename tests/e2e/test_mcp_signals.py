"""SIGTERM / SIGINT end `xmemory-mcp` in order: the call in flight is answered, the engine
closes (its lock file goes), the exit status is 0, and the store opens again with the write."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

HELLO = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "signals", "version": "1"},
}


class StdioServer:
    """`python -m xmemory_mcp` over stdio, spoken to one JSON-RPC line at a time."""

    def __init__(self, data: Path, *args: str, **env: str) -> None:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
        full_env.update(env)
        self.errlog = (data.parent / f"stderr-{time.monotonic_ns()}.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "xmemory_mcp", "--data-dir", str(data), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errlog,
            env=full_env,
        )
        self._id = 0
        self.request("initialize", HELLO)
        self.send("notifications/initialized", None)

    def send(
        self, method: str, params: dict[str, Any] | None, request_id: int | None = None
    ) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if request_id is not None:
            message["id"] = request_id
        if params is not None:
            message["params"] = params
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            assert line, "the server closed stdout without answering"
            frame: dict[str, Any] = json.loads(line)
            if "method" not in frame:
                return frame

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._id += 1
        self.send(method, params, self._id)
        answer = self.answer()
        assert answer["id"] == self._id, answer
        return answer

    def close(self) -> int:
        """End stdin (the client going away) and wait."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.errlog.close()
        return code


def write_person(name: str) -> dict[str, Any]:
    return {
        "name": "write",
        "arguments": {
            "structured_mutations": [
                {
                    "object_mutation": {
                        "object_type": "person",
                        "create": {"key": {"name": name}, "values": {"role": "agent"}},
                    }
                }
            ]
        },
    }


def stored_people(data: Path) -> list[str]:
    names: list[str] = []
    for path in (data / "instances").glob("*.sqlite"):
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'person'").fetchone():
                names += [r[0] for r in db.execute("SELECT name FROM person")]
    return names


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_a_write_lets_it_finish_then_exits_0(
    tmp_path: Path, signum: signal.Signals
) -> None:
    data = tmp_path / "d"
    # Applying takes 1.5 s, so the write is certainly in flight when the signal comes.
    server = StdioServer(data, XMEM_ENGINE_TEST_APPLY_DELAY="1.5")
    server.request("tools/call", {"name": "read", "arguments": {"query": "who?"}})  # engine up
    server.send("tools/call", write_person("Dana Scully"), request_id=99)
    time.sleep(0.5)
    server.proc.send_signal(signum)
    answer = server.answer()
    assert answer["id"] == 99 and "result" in answer, answer
    assert answer["result"].get("isError") is not True, answer
    assert server.proc.wait(timeout=30) == 0
    assert server.close() == 0
    assert list((data / "engines").glob("*.lock")) == []  # the engine closed
    assert stored_people(data) == ["Dana Scully"]

    again = StdioServer(data)
    found = again.request(
        "tools/call", {"name": "read", "arguments": {"query": "Who is Dana Scully?"}}
    )
    assert "Dana Scully" in json.dumps(found["result"])
    assert again.close() == 0


def test_a_write_still_queued_at_sigterm_is_applied_after_restart(tmp_path: Path) -> None:
    data = tmp_path / "d"
    server = StdioServer(data, "--write-wait", "0.5", XMEM_ENGINE_TEST_APPLY_DELAY="60")
    answer = server.request("tools/call", write_person("Fox Mulder"))
    assert "write_id" in json.dumps(answer["result"]), answer  # answered as still queued
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=30) == 0
    assert server.close() == 0
    assert stored_people(data) == []

    again = StdioServer(data)
    deadline = time.monotonic() + 20
    while not stored_people(data) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stored_people(data) == ["Fox Mulder"]
    assert again.close() == 0


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_http_transports_exit_0_on_a_signal(
    tmp_path: Path, transport: str, signum: signal.Signals
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    data = tmp_path / "d"
    argv = [sys.executable, "-m", "xmemory_mcp", "--transport", transport, "--port", "0"]
    argv += ["--data-dir", str(data)]
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stderr is not None
    with proc.stderr:
        assert "listening on" in proc.stderr.readline()
        deadline = time.monotonic() + 20
        while not list((data / "engines").glob("*.lock")) and time.monotonic() < deadline:
            time.sleep(0.05)  # the engine opens in the background
        proc.send_signal(signum)
        assert proc.wait(timeout=30) == 0
    assert list((data / "engines").glob("*.lock")) == []
