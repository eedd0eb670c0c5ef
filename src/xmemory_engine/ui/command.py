"""`xmemory-mcp ui`: the memory page on the embedded engine, in a browser.

    xmemory-mcp ui [--port 8765] [--data-dir DIR] [--host H --auth-token T] [--allowed-origin O]

It is `engine serve` (bound to 127.0.0.1, the Host and Origin rules of `guard.py`) with the
MCP HTTP transports' name for the key: `--auth-token` (or XMEM_MCP_AUTH_TOKEN) is the key
every API call needs; beyond loopback it refuses to start without one. It prints `memory page: http://HOST:PORT/ui/` on stderr when ready. The engine
may be in use by MCP servers on the same data directory at the same time.
"""

from __future__ import annotations

import argparse

from xmemory_engine.serve import add_arguments as add_serve_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `xmemory-mcp ui`: those of `engine serve`, with the key also spelt
    `--auth-token` as on the MCP HTTP transports."""
    add_serve_arguments(parser)
    parser.add_argument(
        "--auth-token",
        dest="api_key",
        default=None,
        metavar="TOKEN",
        help="key the page must be given (env XMEM_MCP_AUTH_TOKEN); required beyond loopback",
    )


def serve_arguments(args: argparse.Namespace, token: str | None) -> argparse.Namespace:
    """`args` as `engine serve` takes them, serving the page with `token` as the key."""
    return argparse.Namespace(**{**vars(args), "api_key": token, "page": True})
