"""stdin read on the event loop (a pipe) and in a thread (anything else) gives the same lines."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import anyio
import pytest

from xmemory_mcp.stdio import _EOF, _TOO_LONG, _lines_on_loop, _readable_on_loop, _split_lines

DATA = b'{"a":1}\n\r\n' + b"x" * 50 + b"\n" + b'{"b":2}\r\n' + b"tail"
LINES = [b'{"a":1}', b"", _TOO_LONG, b'{"b":2}', b"tail", _EOF]


def test_a_file_is_read_in_a_thread_into_lines(tmp_path: Path) -> None:
    path = tmp_path / "in"
    path.write_bytes(DATA)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert not _readable_on_loop(fd)
        got: list[object] = []
        _split_lines(fd, 20, got.append)
    finally:
        os.close(fd)
    assert got == LINES


@pytest.mark.skipif(sys.platform == "win32", reason="stdin is read in a thread there")
def test_a_pipe_is_read_on_the_event_loop_into_the_same_lines() -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, DATA)
    os.close(write_end)

    async def lines() -> list[object]:
        return [item async for item in _lines_on_loop(read_end, 20)]

    try:
        assert _readable_on_loop(read_end)
        assert anyio.run(lines) == LINES
    finally:
        os.close(read_end)
