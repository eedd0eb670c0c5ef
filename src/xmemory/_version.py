"""The distribution's version, sent in the `X-Xmemory-Client` header.

The one place the version is written: pyproject.toml reads it from here (`[tool.hatch.version]`),
and tests/test_packaging.py checks that server.json names the same one.
"""

from __future__ import annotations

# A literal rather than read from package metadata: importlib.metadata costs import time.
__version__ = "0.1.0"
