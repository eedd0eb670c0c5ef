"""What the server was asked to do: flags and environment, read once at the edge.

`Settings` is built by the CLI (`cli.parse_settings`) and passed in; nothing below reads the
environment again. Which backend serves the tools is decided here, as `Settings.backend`:

1. `--url` / `XMEM_API_URL` set        -> that server;
2. else a key (`--token`, `XMEM_AUTH_TOKEN`, `XMEM_API_KEY`) -> the hosted API;
3. else                                -> the embedded engine under `data_dir`.

The environment variables are declared once, each in the model of the package that reads it:
the API's URL and key in the SDK's `ClientEnvironment`, the server's own in `ServerEnvironment`
below, the embedded engine's in `xmemory_engine.settings.EngineEnvironment`.
`server_variables()` lists them all, for the README's table and server.json.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from xmemory._settings import (
    ClientEnvironment,
    InvalidEnvironment,
    Variable,
    read_environment,
    variable,
    variables,
)

Transport = Literal["stdio", "sse", "streamable-http"]
TRANSPORTS: tuple[Transport, ...] = ("stdio", "sse", "streamable-http")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_WRITE_WAIT = 30.0
"""Seconds `write` waits for its job before answering with the write_id to poll.

Below the 60 s request timeout most MCP clients apply, so a slow write answers in time even
for a client that ignores progress notifications."""

ENGINE_URL = "http://xmemory-engine"
"""The base URL the SDK uses for the in-process engine (never resolved: ASGI transport)."""


class SettingsError(ValueError):
    """The flags or environment ask for something the server will not do; the message says why."""


class Backend(str, Enum):
    """Where the memory lives, chosen by the one documented rule."""

    URL = "url"
    HOSTED = "hosted"
    EMBEDDED = "embedded"


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know, typed and validated once."""

    url: str | None = None
    token: str | None = field(default=None, repr=False)
    data_dir: Path | None = None
    instance_id: str | None = None
    admin: bool = True
    forget_tool: bool = False
    """List the `forget` tool (see `forget.py`: off by default, for the tools/list budget)."""
    portable_tools: bool = False
    """List `export_memory` / `import_memory` on the embedded engine (`portable_tools.py`)."""
    transport: Transport = "stdio"
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    auth_token: str | None = field(default=None, repr=False)
    allowed_origins: tuple[str, ...] = ()
    write_wait: float = DEFAULT_WRITE_WAIT
    log_level: str = "WARNING"
    timeout: float = 60.0
    engine_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The environment as the CLI found it, for the embedded engine's own settings (its mind,
    its limits: `EngineSettings.from_env`). Only read when the engine is the backend."""

    @property
    def backend(self) -> Backend:
        """The backend rule: a URL wins, then a key, else the embedded engine."""
        if self.url:
            return Backend.URL
        if self.token:
            return Backend.HOSTED
        return Backend.EMBEDDED

    @property
    def is_http(self) -> bool:
        return self.transport != "stdio"

    @property
    def loopback_only(self) -> bool:
        """True when the HTTP transports are bound where only this machine can reach them."""
        return is_loopback(self.host)

    def validate(self) -> None:
        """Refuse combinations that would be unsafe or meaningless; the message says what to do."""
        if self.transport not in TRANSPORTS:
            raise SettingsError(
                f"unknown transport {self.transport!r}: use one of {', '.join(TRANSPORTS)}"
            )
        if self.url and not self.url.startswith(("http://", "https://")):
            raise SettingsError(
                f"--url / XMEM_API_URL must start with http:// or https://: {self.url!r}"
            )
        for name, key in (("--token", self.token), ("--auth-token", self.auth_token)):
            if key is not None and not key.strip():
                raise SettingsError(f"{name} is blank: give a real key, or none at all")
        if self.write_wait < 0:
            raise SettingsError("--write-wait must be zero or more seconds")
        if not 0 <= self.port <= 65535:
            raise SettingsError(
                f"--port {self.port} is not a TCP port (0-65535; 0 picks a free one)"
            )
        if self.is_http and not self.loopback_only and not self.auth_token:
            raise SettingsError(
                f"refusing to serve MCP over HTTP on {self.host} without an auth token: anyone who"
                " can reach that address could read and change this memory. Set --auth-token or"
                " XMEM_MCP_AUTH_TOKEN (clients then send 'Authorization: Bearer <token>'), or bind"
                " to 127.0.0.1 with --host."
            )


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback IP literals; any other name might resolve elsewhere."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class ServerEnvironment(BaseModel):
    """The MCP server's own environment variables (flags win over them)."""

    model_config = ConfigDict(frozen=True)

    instance_id: str | None = variable(
        "XMEM_INSTANCE_ID",
        "Memory instance the tools act on by default (`--instance` wins).",
        shown_default="embedded: its default instance",
    )
    mcp_auth_token: str | None = variable(
        "XMEM_MCP_AUTH_TOKEN",
        "Bearer token HTTP clients must send to the MCP server (`--auth-token` wins); required"
        " to serve MCP over HTTP beyond loopback.",
        secret=True,
    )


def process_environment() -> Mapping[str, str]:
    """This process's environment: read here, at the edge, and nowhere else in the server."""
    return os.environ


def read_server_environment(
    environ: Mapping[str, str],
) -> tuple[ClientEnvironment, ServerEnvironment]:
    """The API's and the server's variables from `environ`; SettingsError naming a bad one."""
    try:
        return (
            read_environment(ClientEnvironment, environ),
            read_environment(ServerEnvironment, environ),
        )
    except InvalidEnvironment as exc:
        raise SettingsError(str(exc)) from None


def server_variables() -> list[Variable]:
    """Every environment variable `xmemory-mcp` reads, each once: the API's, the server's, and
    the embedded engine's (its mind's included), test knobs and `engine serve`'s key left out."""
    from xmemory_engine.settings import EngineEnvironment

    found = [
        *variables(ClientEnvironment),
        *variables(ServerEnvironment),
        *variables(EngineEnvironment),
    ]
    return [v for v in found if v.scope == "server"]
