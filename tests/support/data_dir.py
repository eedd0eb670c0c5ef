"""What a data directory's files hold, byte for byte (what `forget` promises to leave none of)."""

from __future__ import annotations

from pathlib import Path


def files_holding(data_dir: Path, needle: str) -> list[str]:
    """Every file under `data_dir` (a running engine's -wal and -shm included) whose bytes hold
    `needle` in any case, as paths relative to it."""
    wanted = needle.lower().encode()
    return sorted(
        str(path.relative_to(data_dir))
        for path in data_dir.rglob("*")
        if path.is_file() and wanted in path.read_bytes().lower()
    )
