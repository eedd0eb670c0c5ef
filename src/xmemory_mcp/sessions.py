"""The seam for MCP sampling: which client session the engine's LLM mind could ask.

The embedded engine accepts a `sampler` (a `TextModel`, see `xmemory_engine.minds.base`). A
sampler that uses the *client's* model has to send `sampling/createMessage` through a live MCP
session, which exists only after a client connected — long after the engine was opened. So the
server records here the session of every request it handles, and such a sampler, built over a
`ClientSessions` and passed to `open_backend(..., sampler=...)`, asks `latest` when it runs.
"""

from __future__ import annotations

from functools import cache

import mcp_types as types
from mcp.server.session import ServerSession


@cache
def _sampling() -> types.ClientCapabilities:
    # Made at the first question, not at import: its models are built when first used
    # (`lazy_models`), and only the sampling mind asks.
    return types.ClientCapabilities(sampling=types.SamplingCapability())


class ClientSessions:
    """The most recent MCP session that reached this server."""

    def __init__(self) -> None:
        self._latest: ServerSession | None = None

    def seen(self, session: ServerSession) -> None:
        """Record the session of a request being handled."""
        self._latest = session

    @property
    def latest(self) -> ServerSession | None:
        """The session to send a server-to-client request through, if any client connected."""
        return self._latest

    def can_sample(self) -> bool:
        """True when the latest client declared the `sampling` capability."""
        session = self._latest
        return session is not None and session.check_client_capability(_sampling())
