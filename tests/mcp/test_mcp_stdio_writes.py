"""Frames written from the event loop (`stdio._write_now`) only when the wire takes them at
once; the rest is left for the worker thread, and nothing is lost or doubled."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from xmemory_mcp.stdio import ATOMIC_WRITE, _write_all, _write_now


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    read_end, write_end = os.pipe()
    yield read_end, write_end
    os.close(read_end)
    os.close(write_end)


def _drain(fd: int, size: int) -> bytes:
    got = b""
    while len(got) < size:
        got += os.read(fd, size - len(got))
    return got


def test_a_small_frame_on_a_free_pipe_is_written_whole(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    frame = b'{"jsonrpc": "2.0", "id": 1, "result": {}}\n'
    assert len(_write_now(write_end, frame)) == 0
    assert _drain(read_end, len(frame)) == frame


def test_a_frame_over_the_atomic_size_is_left_for_the_thread(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    frame = b"x" * (ATOMIC_WRITE + 1)
    rest = _write_now(write_end, frame)
    assert bytes(rest) == frame
    _write_all(write_end, rest)
    assert _drain(read_end, len(frame)) == frame


def test_nothing_is_written_to_a_full_pipe(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    os.set_blocking(write_end, False)
    filled = 0
    try:
        while True:
            filled += os.write(write_end, b"f" * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(write_end, True)
    frame = b'{"jsonrpc": "2.0", "id": 2, "result": {}}\n'
    rest = _write_now(write_end, frame)  # would block: returns instead
    assert bytes(rest) == frame
    assert _drain(read_end, filled) == b"f" * filled
    _write_all(write_end, rest)
    assert _drain(read_end, len(frame)) == frame
