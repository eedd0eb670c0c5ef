"""The server's glibc malloc settings: set before its threads start, unless the environment sets
them itself."""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

import pytest

from xmemory_mcp import cli


class FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def mallopt(self, parameter: int, value: int) -> int:
        self.calls.append((parameter, value))
        return 1


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> FakeLibc:
    fake = FakeLibc()
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(os, "confstr", lambda name: "glibc 2.36")
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: fake)
    return fake


def test_arenas_trim_threshold_and_top_pad_are_set(libc: FakeLibc) -> None:
    cli.tune_malloc({})
    assert libc.calls == [
        (-8, cli.MALLOC_ARENAS),
        (-1, cli.MALLOC_TRIM_THRESHOLD),
        (-2, cli.MALLOC_TOP_PAD),
    ]


def test_a_setting_the_environment_gives_is_left_to_it(libc: FakeLibc) -> None:
    environ: dict[str, Any] = {"MALLOC_TOP_PAD_": "65536", "MALLOC_ARENA_MAX": "4"}
    cli.tune_malloc(environ)
    assert libc.calls == [(-1, cli.MALLOC_TRIM_THRESHOLD)]


def test_nothing_is_set_without_glibc(libc: FakeLibc, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "confstr", lambda name: "")
    cli.tune_malloc({})
    assert libc.calls == []
