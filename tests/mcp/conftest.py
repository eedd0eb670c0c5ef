"""Fixtures for the MCP server tests (helpers in `mcp_support`).

No `__init__.py` in this directory, ever: a `tests/mcp` package would shadow the `mcp` SDK.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from mcp_support import Connected, serve_in_process

from xmemory_mcp.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", write_wait=10.0)


@pytest.fixture
async def connected(settings: Settings) -> AsyncIterator[Connected]:
    async with serve_in_process(settings) as c:
        yield c


@pytest.fixture
def connect(settings: Settings) -> Callable[..., Any]:
    """`async with connect(write_wait=0.1) as c:` — a session on changed settings."""

    def _connect(**changes: Any) -> Any:
        return serve_in_process(replace(settings, **changes))

    return _connect
