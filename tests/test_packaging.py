"""The distribution's basic promises."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_sdk_loads_neither_the_server_nor_the_engine() -> None:
    code = (
        "import sys, xmemory; "
        "bad = [m for m in sys.modules if m.startswith(('xmemory_mcp', 'xmemory_engine', 'mcp'))]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
