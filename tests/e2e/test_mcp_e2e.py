"""`xmemory-mcp` as users run it: a subprocess driven by the `mcp` package's client.

One server per transport runs the same core flow (`core_flow`): initialize, list tools, write ->
read, write_async + write_status, an admin create_instance with the tool list's refresh,
instance_id targeting, and error results for bad arguments and unknown ids. Then the HTTP
guard against a real server, and the remote path: the engine served over HTTP with an API key,
the MCP server pointed at it with XMEM_API_URL + XMEM_AUTH_TOKEN.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import mcp_types as types
import pytest
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from xmemory import AsyncXmemoryClient

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

INSTANCE_TOOLS = {"write", "write_async", "write_status", "read", "extract"}
BOOKS = {
    "objects": {
        "book": {
            "primary_key": ["title"],
            "fields": {"title": {"type": "str", "required": True}, "author": {"type": "str"}},
        }
    }
}
DUNE = {
    "object_mutation": {
        "object_type": "book",
        "create": {"key": {"title": "Dune"}, "values": {"author": "Frank Herbert"}},
    }
}
TOKEN = "e2e-mcp-token"
LISTENING = re.compile(r"listening on (http://\S+)")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any xmemory configuration, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    env.update(extra)
    return env


class Session:
    """A client session plus what the server sent besides answers."""

    def __init__(self, session: ClientSession, received: list[Any]) -> None:
        self.session = session
        self.received = received

    async def call(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        return await self.session.call_tool(name, arguments)

    async def ok(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self.call(name, arguments)
        assert not result.is_error, (name, result.content)
        assert isinstance(result.structured_content, dict)
        return result.structured_content


@asynccontextmanager
async def session_on(read: Any, write: Any) -> AsyncIterator[Session]:
    received: list[Any] = []

    async def on_message(message: Any) -> None:
        received.append(message)

    async with ClientSession(read, write, message_handler=on_message) as session:
        await session.initialize()
        yield Session(session, received)


@asynccontextmanager
async def stdio_session(env: dict[str, str], errlog: Path, *args: str) -> AsyncIterator[Session]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "xmemory_mcp", *args], env=env
    )
    with errlog.open("w") as err:
        async with stdio_client(params, errlog=err) as (read, write), session_on(read, write) as s:
            yield s


@contextmanager
def spawned(argv: list[str], env: dict[str, str], *, quiet: bool = True) -> Iterator[str]:
    """Run a server that prints 'listening on URL' to stderr; yield the URL, stop it after.

    `quiet`: the server must print nothing at all to stdout.
    """
    lines: queue.Queue[str] = queue.Queue()
    stdout: list[str] = []
    with subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        readers = [
            threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True),  # type: ignore[union-attr]
            threading.Thread(target=lambda: stdout.extend(proc.stdout), daemon=True),  # type: ignore[arg-type]
        ]
        for reader in readers:
            reader.start()
        try:
            yield _wait_for_url(lines)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for reader in readers:
                reader.join(timeout=5)
    if quiet:
        assert stdout == [], f"the server printed to stdout: {stdout}"


def _wait_for_url(lines: queue.Queue[str]) -> str:
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            raise AssertionError(f"no 'listening on' line; stderr so far: {seen}") from None
        seen.append(line)
        match = LISTENING.search(line)
        if match:
            return match.group(1)


def mcp_server(*args: str) -> list[str]:
    return [sys.executable, "-m", "xmemory_mcp", "--port", "0", *args]


# -- the core flow -----------------------------------------------------------------------------


async def core_flow(s: Session) -> None:
    listed = {t.name: t for t in (await s.session.list_tools()).tools}
    assert set(listed) >= INSTANCE_TOOLS and "create_instance" in listed
    assert "instance_id" in listed["read"].input_schema["properties"]
    # Every result below is checked by the client against these (call_tool raises otherwise).
    assert all(t.output_schema is not None for t in listed.values())

    stored = await s.ok("write", {"text": "Ann Lee works at Acme. Her email is ann@acme.io."})
    assert stored["write_status"] == "completed"
    answer = await s.ok("read", {"query": "What is Ann Lee's email?"})
    assert "ann@acme.io" in str(answer["reader_result"])

    ack = await s.ok("write_async", {"structured_mutations": [DUNE_AS_NOTE]})
    for _ in range(300):
        status = await s.ok("write_status", {"write_id": ack["write_id"]})
        if status["write_status"] == "completed":
            break
        await anyio.sleep(0.02)
    assert status["write_status"] == "completed"

    clusters = await s.ok("list_clusters", {})
    cluster_id = clusters["clusters"][0]["id"]
    created = await s.ok(
        "create_instance", {"cluster_id": cluster_id, "name": "books", "schema_text": BOOKS}
    )
    with anyio.fail_after(10):  # on HTTP transports the notification may trail the result
        while not any(  # noqa: ASYNC110
            getattr(m, "method", "") == "notifications/tools/list_changed" for m in s.received
        ):
            await anyio.sleep(0.01)
    relisted = {t.name: t for t in (await s.session.list_tools()).tools}
    assert (
        created["id"] in relisted["write"].input_schema["properties"]["instance_id"]["description"]
    )

    await s.ok("write", {"structured_mutations": [DUNE], "instance_id": created["id"]})
    books = await s.ok("read", {"query": "Who wrote Dune?", "instance_id": created["id"]})
    assert "Herbert" in str(books["reader_result"])

    bad = await s.call("read", {"question": "no such argument"})
    assert bad.is_error and "'query' is a required property" in bad.content[0].text  # type: ignore[union-attr]
    unknown = await s.call("read", {"query": "x", "instance_id": "no-such-instance"})
    assert unknown.is_error and "HTTP 404" in unknown.content[0].text  # type: ignore[union-attr]
    assert "/instances/" not in unknown.content[0].text  # type: ignore[union-attr]
    unknown_write = await s.call("write_status", {"write_id": "no-such-write"})
    assert unknown_write.is_error
    assert not [m for m in s.received if isinstance(m, Exception)], "garbage on the protocol stream"


DUNE_AS_NOTE = {
    "object_mutation": {
        "object_type": "note",
        "create": {"key": {}, "values": {"content": "Dune is a novel by Frank Herbert."}},
    }
}


# -- transports --------------------------------------------------------------------------------


async def test_stdio(tmp_path: Path) -> None:
    env = clean_env(XMEM_DATA_DIR=str(tmp_path / "data"))
    async with stdio_session(env, tmp_path / "stderr.log") as s:
        await core_flow(s)


async def test_sse(tmp_path: Path) -> None:
    env = clean_env(XMEM_DATA_DIR=str(tmp_path / "data"))
    with spawned(mcp_server("--transport", "sse"), env) as url:
        async with sse_client(url) as (read, write), session_on(read, write) as s:
            await core_flow(s)


async def test_streamable_http_with_a_token(tmp_path: Path) -> None:
    env = clean_env(XMEM_DATA_DIR=str(tmp_path / "data"), XMEM_MCP_AUTH_TOKEN=TOKEN)
    with spawned(mcp_server("--transport", "streamable-http"), env) as url:
        http = httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=httpx2.Timeout(30, read=300)
        )
        async with (
            http,
            streamable_http_client(url, http_client=http) as (read, write),
            session_on(read, write) as s,
        ):
            await core_flow(s)

        async with httpx.AsyncClient() as raw:
            initialize = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
            headers = {"Accept": "application/json, text/event-stream"}
            no_token = await raw.post(url, json=initialize, headers=headers)
            assert no_token.status_code == 401
            foreign = await raw.post(
                url,
                json=initialize,
                headers={
                    **headers,
                    "Authorization": f"Bearer {TOKEN}",
                    "Origin": "https://evil.example",
                },
            )
            assert foreign.status_code == 403


def test_binding_beyond_loopback_without_a_token_is_refused(tmp_path: Path) -> None:
    env = clean_env(XMEM_DATA_DIR=str(tmp_path / "data"))
    out = subprocess.run(
        mcp_server("--transport", "streamable-http", "--host", "0.0.0.0"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stdout == ""
    assert "without an auth token" in out.stderr


# -- the remote path ---------------------------------------------------------------------------


async def test_remote_engine_with_an_api_key(tmp_path: Path) -> None:
    key = "e2e-engine-key"
    # `xmemory-mcp engine serve` is `python -m xmemory_engine serve` behind the one command.
    engine = [
        sys.executable, "-m", "xmemory_mcp", "engine", "serve",
        "--port", "0", "--api-key", key, "--data-dir", str(tmp_path / "engine"),
    ]  # fmt: skip
    with spawned(engine, clean_env(), quiet=False) as url:
        async with AsyncXmemoryClient(url=url, token=key) as client:
            (default,) = await client.admin.list_instances()
        env = clean_env(XMEM_API_URL=url, XMEM_AUTH_TOKEN=key, XMEM_INSTANCE_ID=default.id)
        async with stdio_session(env, tmp_path / "stderr.log", "--log-level", "debug") as s:
            await core_flow(s)
        wrong = clean_env(XMEM_API_URL=url, XMEM_AUTH_TOKEN="wrong", XMEM_INSTANCE_ID=default.id)
        async with stdio_session(wrong, tmp_path / "stderr2.log") as s:
            refused = await s.call("read", {"query": "anything"})
            assert refused.is_error and "HTTP 401" in refused.content[0].text  # type: ignore[union-attr]
    log = (tmp_path / "stderr.log").read_text()
    assert "xmemory_mcp" in log  # debug logging was on, and still:
    assert key not in log
