"""MCP over stdio, with every request answered and an orderly end on SIGTERM / SIGINT.

    await serve_stdio(server, drain_timeout=35.0)

The SDK's `stdio_server()` drops what it cannot decode without a reply (see `frames.py`) and
reads stdin in a worker thread that cannot be stopped, so a signal either kills the process or
leaves it waiting on the client. This transport keeps the SDK's stream interface (the server
runs on it unchanged) and adds three things:

- every line is judged by `frames.check_frame`: the bad ones are answered here, the good ones
  go to the SDK; lines are bounded (`frames.MAX_FRAME_BYTES`);
- stdout carries frames only: fd 1 is pointed at stderr while serving, frames go to a private
  duplicate (stray prints from libraries cannot corrupt the wire);
- `drain()`: stop reading, wait until every request already taken has been answered, then end
  the session as if stdin had closed. SIGTERM and SIGINT call it; the caller then closes the
  backend (the engine) and the process exits 0.

A frame the wire can take at once is written from the event loop (`_write_now`); only one
that might block (a full pipe, a large frame) goes to a worker thread. Handing each answer
to a thread and back cost two wake-ups, which on a busy machine is milliseconds a call. For
the same reason stdin, when it is a pipe or a socket, is read on the event loop once it is
readable (`_lines_on_loop`); anything else is read by a daemon thread (`_start_reader`).
"""

from __future__ import annotations

import logging
import os
import select
import signal
import stat
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
import mcp_types as types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.server.lowlevel import Server
from mcp.server.models import InitializationOptions
from mcp.shared.message import SessionMessage

from .frames import MAX_FRAME_BYTES, Accept, Answer, Drop, check_frame, oversized

logger = logging.getLogger(__name__)

_EOF = object()
"""What the reader hands over when stdin ends."""
_TOO_LONG = object()
"""What the reader hands over for a line over the bound."""


class StdioTransport:
    """The two SDK streams over a pair of file descriptors, and `drain()`."""

    def __init__(self, stdin_fd: int, stdout_fd: int, max_frame: int = MAX_FRAME_BYTES) -> None:
        self._in_fd = stdin_fd
        self._out_fd = stdout_fd
        self._max_frame = max_frame
        self._to_server, self.read_stream = anyio.create_memory_object_stream[
            SessionMessage | Exception
        ](0)
        self.write_stream, self._from_server = anyio.create_memory_object_stream[SessionMessage](0)
        self._replies = self.write_stream.clone()  # our own answers share the one writer
        self._pending: set[tuple[type, types.RequestId]] = set()
        self._answered = anyio.Event()
        self._reading = anyio.CancelScope()
        self.finished = anyio.Event()

    async def run(self) -> None:
        """Read and write until stdin ends (or `drain()`) and the server stops writing."""
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._write_loop)
                await self._read_loop()
        finally:
            self.finished.set()

    @property
    def draining(self) -> bool:
        return self._reading.cancel_called

    async def drain(self, grace: float) -> None:
        """Take no more requests; wait up to `grace` s for those taken to be answered;
        then end the session."""
        self._reading.cancel()
        with anyio.move_on_after(grace):
            while self._pending:
                self._answered = anyio.Event()
                await self._answered.wait()
        if self._pending:
            logger.warning("shutting down with %d requests unanswered", len(self._pending))
        await self._to_server.aclose()

    # -- reading ---------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        if _readable_on_loop(self._in_fd):
            source: AsyncIterator[object] = _lines_on_loop(self._in_fd, self._max_frame)
        else:
            frames_in, frames = anyio.create_memory_object_stream[object](0)
            _start_reader(self._in_fd, self._max_frame, frames_in, anyio.lowlevel.current_token())
            source = _received(frames)
        async with self._replies:
            with self._reading:
                async for frame in source:
                    if frame is _EOF:
                        break
                    await self._take(frame)
        if not self._reading.cancel_called:  # stdin ended; after drain() that waits for it
            await self._to_server.aclose()

    async def _take(self, frame: object) -> None:
        verdict = check_frame(frame) if isinstance(frame, bytes) else oversized(self._max_frame)
        if isinstance(verdict, Answer):
            logger.warning("answered %s: %s", verdict.error.id, verdict.error.error.message)
            await self._replies.send(SessionMessage(verdict.error))
        elif isinstance(verdict, Drop):
            if verdict.reason != "blank line":
                logger.warning("dropped a message: %s", verdict.reason)
        else:
            self._note_incoming(verdict)
            await self._to_server.send(SessionMessage(verdict.message))

    def _note_incoming(self, verdict: Accept) -> None:
        message = verdict.message
        if isinstance(message, types.JSONRPCRequest):
            self._pending.add(_key(message.id))
        elif (
            isinstance(message, types.JSONRPCNotification)
            and message.method == "notifications/cancelled"
            and isinstance(message.params, dict)
        ):
            # A cancelled request gets no answer: stop waiting for one.
            cancelled = message.params.get("requestId")
            if isinstance(cancelled, str | int):
                self._settle(cancelled)

    # -- writing ---------------------------------------------------------------------------

    async def _write_loop(self) -> None:
        wire_lost = False  # then what the server still sends is dropped
        async with self._from_server:
            async for item in self._from_server:
                message = item.message
                if not wire_lost:
                    try:
                        rest = _write_now(self._out_fd, _encode(message))
                        if rest:
                            await anyio.to_thread.run_sync(_write_all, self._out_fd, rest)
                    except OSError as exc:  # the client closed its end: the session is over
                        logger.info("stdout closed (%s): ending the session", exc)
                        wire_lost = True
                        self._reading.cancel()
                        await self._to_server.aclose()
                if isinstance(message, types.JSONRPCResponse | types.JSONRPCError):
                    self._settle(message.id)

    def _settle(self, request_id: types.RequestId | None) -> None:
        if request_id is not None:
            self._pending.discard(_key(request_id))
            self._answered.set()


def _key(request_id: types.RequestId) -> tuple[type, types.RequestId]:
    return type(request_id), request_id  # 1 and "1" are different ids


def _encode(message: types.JSONRPCMessage) -> bytes:
    try:
        text = message.model_dump_json(by_alias=True, exclude_unset=True)
    except ValueError:  # a string that is not Unicode (pydantic refuses surrogates)
        logger.exception("a message could not be encoded")
        if not isinstance(message, types.JSONRPCResponse | types.JSONRPCError):
            raise
        message = types.JSONRPCError(
            jsonrpc="2.0",
            id=message.id,
            error=types.ErrorData(
                code=types.INTERNAL_ERROR, message="Internal error: the answer is not Unicode"
            ),
        )
        text = message.model_dump_json(by_alias=True, exclude_unset=True)
    return text.encode("utf-8") + b"\n"


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


ATOMIC_WRITE = getattr(select, "PIPE_BUF", 512)
"""Bytes a pipe takes in one write without splitting it (POSIX: at least 512; Linux 4096)."""


def _write_now(fd: int, data: bytes) -> memoryview:
    """Write `data` here if `fd` takes it without blocking; what is left to write (from a
    worker thread). A pipe that polls writable has room for `ATOMIC_WRITE` bytes, so a
    frame that size or smaller never blocks; a longer one, or a wire that is not ready,
    is left whole."""
    view = memoryview(data)
    if len(view) > ATOMIC_WRITE or not hasattr(select, "poll"):
        return view
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    if not poller.poll(0):
        return view
    return view[os.write(fd, view) :]


def _start_reader(
    fd: int, limit: int, frames: MemoryObjectSendStream[object], token: Any
) -> threading.Thread:
    """Read lines in a daemon thread: unlike a worker thread, one blocked on a silent client
    does not keep the process from exiting. `os.read` on the raw descriptor, so no buffered
    reader's lock is held at interpreter shutdown."""

    def deliver(item: object) -> None:
        anyio.from_thread.run(frames.send, item, token=token)

    def pump() -> None:
        try:
            _split_lines(fd, limit, deliver)
        except Exception:  # the loop has ended or the stream is closed: nobody is listening
            return

    thread = threading.Thread(target=pump, name="xmemory-mcp stdin", daemon=True)
    thread.start()
    return thread


def _split_lines(fd: int, limit: int, deliver: Callable[[object], None]) -> None:
    lines = _Lines(limit)
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError:
            chunk = b""
        for item in lines.feed(chunk):
            deliver(item)
        if not chunk:
            return


_CHUNK = 1 << 16


class _Lines:
    """Lines out of the chunks read: each line's bytes, `_TOO_LONG` once for a line over
    `limit` (the rest of it skipped), and `_EOF` after the last (an empty chunk)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.line = bytearray()
        self.skipping = False  # inside a line already reported as too long

    def feed(self, chunk: bytes) -> list[object]:
        out: list[object] = []
        line = self.line
        if not chunk:
            if line and not self.skipping:
                out.append(bytes(line))
            out.append(_EOF)
            return out
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            piece = chunk[start:] if end < 0 else chunk[start:end]
            if not self.skipping:
                line += piece
                if len(line) > self.limit:
                    out.append(_TOO_LONG)
                    line.clear()
                    self.skipping = True
            if end < 0:
                break
            if self.skipping:
                self.skipping = False
            else:
                out.append(bytes(line.rstrip(b"\r")))
                line.clear()
            start = end + 1
        return out


def _readable_on_loop(fd: int) -> bool:
    """Whether stdin can be waited for on the event loop: a pipe or a socket (what MCP clients
    give), on an event loop that can watch one (not Windows', and anyio >= 4.7). Otherwise a
    thread reads it, handing each line to the loop: two wake-ups a call, ~3 % of a lookup's
    CPU on this machine."""
    if sys.platform == "win32" or not hasattr(anyio, "wait_readable"):
        return False
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


async def _lines_on_loop(fd: int, limit: int) -> AsyncIterator[object]:
    """The lines of `fd`, read on the event loop once it is readable (a pipe that polls
    readable has data or its end, so the read does not block)."""
    lines = _Lines(limit)
    while True:
        await anyio.wait_readable(fd)
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:  # pragma: no cover - readable, yet taken meanwhile
            continue
        except OSError:
            chunk = b""
        for item in lines.feed(chunk):
            yield item
        if not chunk:
            return


async def _received(frames: MemoryObjectReceiveStream[object]) -> AsyncIterator[object]:
    async with frames:
        async for frame in frames:
            yield frame


@asynccontextmanager
async def _process_stdio() -> AsyncIterator[tuple[int, int]]:
    """The wire's descriptors, with fd 1 pointed at stderr meanwhile (restored on exit)."""
    stdin_fd = os.dup(0)
    stdout_fd = os.dup(1)
    diverted = False
    try:
        sys.stdout.flush()
        os.dup2(2, 1)
        diverted = True
    except OSError:  # pragma: no cover - no stderr: write to fd 1 as it is
        pass
    try:
        yield stdin_fd, stdout_fd
    finally:
        if diverted:
            sys.stdout.flush()
            os.dup2(stdout_fd, 1)
        os.close(stdout_fd)
        # stdin_fd stays open: the reading thread may still be blocked on it.


async def serve_stdio(
    server: Server[Any], options: InitializationOptions, *, drain_timeout: float
) -> None:
    """Run `server` over the process's stdin/stdout until the client closes stdin, or a
    SIGTERM / SIGINT drains the session (up to `drain_timeout` s for the calls in flight)."""
    with _signals_restored():
        async with _process_stdio() as (stdin_fd, stdout_fd), anyio.create_task_group() as tg:
            transport = StdioTransport(stdin_fd, stdout_fd)

            async def on_signal() -> None:
                # Held open until the end: a second signal while draining changes nothing.
                with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
                    async for signum in signals:
                        name = signal.Signals(signum).name
                        if transport.draining:
                            logger.info("%s: already finishing the calls in flight", name)
                            continue
                        logger.info("%s: finishing the calls in flight", name)
                        tg.start_soon(transport.drain, drain_timeout)

            tg.start_soon(on_signal)
            tg.start_soon(transport.run)
            async with transport.write_stream:
                await server.run(transport.read_stream, transport.write_stream, options)
            with anyio.move_on_after(5):  # the last answers are written before we return
                await transport.finished.wait()
            tg.cancel_scope.cancel()


@contextmanager
def _signals_restored() -> Iterator[None]:
    """The event loop's signal receiver leaves SIG_DFL behind; put back what was there."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            if handler is not None:
                signal.signal(sig, handler)
