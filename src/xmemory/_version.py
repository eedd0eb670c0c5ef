"""The distribution's version, sent in the `X-Xmemory-Client` header."""

from __future__ import annotations

# Kept as a literal rather than read from package metadata: importlib.metadata costs import
# time, and tests/sdk checks that this matches the installed distribution.
__version__ = "0.1.0"
