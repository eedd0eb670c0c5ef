"""The embedded xmemory engine: the xmemory HTTP API served from a local SQLite store.

from xmemory_engine import EngineSettings, open_engine

async with open_engine(EngineSettings(data_dir=path)) as engine:
    engine.app                  # the ASGI app (httpx.ASGITransport, or uvicorn)
    engine.default_cluster_id
    engine.default_instance_id
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xmemory_engine.embedded import Engine, open_engine
    from xmemory_engine.settings import EngineSettings

__all__ = ["Engine", "EngineSettings", "open_engine"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `xmemory_engine.schema` and the minds must not pay for the web
    # stack, and an MCP server that talks to a remote API never loads any of it.
    if name in ("Engine", "open_engine"):
        from xmemory_engine import embedded

        return getattr(embedded, name)
    if name == "EngineSettings":
        from xmemory_engine.settings import EngineSettings

        return EngineSettings
    raise AttributeError(f"module 'xmemory_engine' has no attribute {name!r}")
