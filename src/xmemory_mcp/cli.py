"""The `xmemory-mcp` command (placeholder until the MCP server lands)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `xmemory-mcp` command."""
    print("xmemory-mcp: the MCP server is not built yet", file=sys.stderr)
    return 1
