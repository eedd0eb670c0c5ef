"""Which engine process owns which write jobs, and whether that process is still alive.

Several processes may share one data directory (each MCP client spawns its own server). Each
engine holds an exclusive lock on its own file under `engines/` for as long as it runs; the
operating system releases it when the process ends, however it ends (SIGKILL included). A job
whose owner's lock can be taken belongs to a dead process and is taken over at once, with no
lease to wait out.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import uuid
from pathlib import Path
from typing import IO

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - exercised on Windows only
    fcntl = None


class EngineOwnership:
    """This process's identity as a job owner, proven by a held lock file."""

    def __init__(self, data_dir: Path) -> None:
        host = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:40] or "host"
        self.owner = f"{host}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._dir = data_dir / "engines"
        self._dir.mkdir(parents=True, exist_ok=True)
        self._path = self._dir / f"{self.owner}.lock"
        self._handle: IO[str] | None = open(self._path, "a+")  # noqa: SIM115 - held until close
        if fcntl is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def is_dead(self, owner: str) -> bool:
        """Whether the process that owned `owner` has ended (its lock is free or gone)."""
        if owner == self.owner:
            return False
        if "/" in owner or "\\" in owner or owner.startswith("."):
            return True
        path = self._dir / f"{owner}.lock"
        if not path.exists():
            return True
        if fcntl is None:  # pragma: no cover - Windows: an open file cannot be removed
            try:
                path.unlink()
            except PermissionError:
                return False
            return True
        try:
            with open(path, "a+") as handle:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return False
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        except OSError:
            return True
        path.unlink(missing_ok=True)
        return True

    def close(self) -> None:
        if self._handle is None:
            return
        if fcntl is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None
        self._path.unlink(missing_ok=True)
