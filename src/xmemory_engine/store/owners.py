"""Which engine process owns which write jobs, and whether that process is still alive.

This is the SQLite store's way, for processes on one machine; on PostgreSQL the database
itself proves it (`store/postgres/owners.py`), since processes may run on several machines.

Several processes may share one data directory (each MCP client spawns its own server). Each
engine holds an exclusive lock on its own file under `engines/` for as long as it runs; the
operating system releases it when the process ends, however it ends (SIGKILL included). A job
whose owner's lock can be taken belongs to a dead process and is taken over at once, with no
lease to wait out.

A process that is killed cannot remove its own file, so each engine, when it starts, removes
the files of owners that are gone. That is safe before their jobs are taken over: an owner
with no file counts as dead, so its jobs are taken over all the same. A new file is locked
before it gets its `.lock` name (it is renamed into place), so a file seen under that name
with a free lock always belongs to a process that has ended.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
import uuid
from pathlib import Path
from typing import IO, Protocol

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - exercised on Windows only
    fcntl = None

_PENDING_SUFFIX = ".new"
_PENDING_GRACE = 60.0
"""Seconds a file still being created (locked, not yet renamed) is left alone."""


class Ownership(Protocol):
    """This process's identity as a job owner (`owner`, new with each process), and how it
    tells that another owner's process has ended. Lock files here (one machine, one data
    directory); an advisory lock in the database on PostgreSQL (`store/postgres/owners.py`)."""

    owner: str

    def is_dead(self, owner: str) -> bool: ...
    def close(self) -> None: ...


class EngineOwnership:
    """This process's identity as a job owner, proven by a held lock file."""

    def __init__(self, data_dir: Path) -> None:
        host = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:40] or "host"
        self.owner = f"{host}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._dir = data_dir / "engines"
        self._dir.mkdir(parents=True, exist_ok=True)
        self._path = self._dir / f"{self.owner}.lock"
        self._handle: IO[str] | None = self._create_locked()
        self.remove_stale()

    def _create_locked(self) -> IO[str]:
        if fcntl is None:  # pragma: no cover - Windows: an open file cannot be removed
            return open(self._path, "a+")
        pending = self._dir / f"{self.owner}{_PENDING_SUFFIX}"
        handle = open(pending, "a+")  # noqa: SIM115 - held until close
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.replace(pending, self._path)  # the lock belongs to the file, not to its name
        return handle

    def is_dead(self, owner: str) -> bool:
        """Whether the process that owned `owner` has ended (its lock is free or gone); the
        file of an ended process is removed."""
        if owner == self.owner:
            return False
        if "/" in owner or "\\" in owner or owner.startswith("."):
            return True
        return self._remove_if_free(self._dir / f"{owner}.lock")

    def remove_stale(self) -> list[str]:
        """Remove the lock files of processes that have ended; returns their owners."""
        removed: list[str] = []
        try:
            entries = list(self._dir.iterdir())
        except OSError:  # pragma: no cover - the directory went away
            return removed
        now = time.time()
        for path in entries:
            if path == self._path:
                continue
            if path.suffix == ".lock":
                if self._remove_if_free(path):
                    removed.append(path.stem)
            elif path.suffix == _PENDING_SUFFIX:
                try:
                    young = now - path.stat().st_mtime < _PENDING_GRACE
                except OSError:
                    continue
                if not young:
                    self._remove_if_free(path)
        return removed

    def _remove_if_free(self, path: Path) -> bool:
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
                # Removed while still holding the lock: no process can own this name again.
                path.unlink(missing_ok=True)
        except OSError:
            return True
        return True

    def close(self) -> None:
        if self._handle is None:
            return
        # Removed before unlocking, for the same reason.
        self._path.unlink(missing_ok=True)
        if fcntl is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None
