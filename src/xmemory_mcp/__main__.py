"""`python -m xmemory_mcp`: the same as the `xmemory-mcp` command."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
