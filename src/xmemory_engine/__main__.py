"""`python -m xmemory_engine serve ...`: the same as `xmemory-mcp engine serve ...`."""

from __future__ import annotations

import sys

from xmemory_engine.serve import main

if __name__ == "__main__":
    sys.exit(main())
