"""The engine's configuration, read once at the edge (CLI, environment) and passed in."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xmemory_engine.minds.factory import MindSettings

DEFAULT_MAX_TEXT_CHARS = 100_000
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_MUTATIONS = 10_000


def default_data_dir() -> Path:
    """The per-user data directory (`platformdirs`), where the embedded engine keeps its files."""
    import platformdirs

    return Path(platformdirs.user_data_dir("xmemory-mcp"))


@dataclass
class EngineSettings:
    """Everything the engine needs to know; every field but `data_dir` has a working default.

    Limits are documented on the wire: a request over one of them is refused with 413.
    """

    data_dir: Path
    api_key: str | None = field(default=None, repr=False)
    """When set, every request but `/healthz` must carry `Authorization: Bearer <api_key>`."""
    mind: MindSettings = field(default_factory=MindSettings)
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    """Longest `text` (write, extract), `query` (read) or schema description accepted."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Largest request body accepted, checked on Content-Length and on the bytes received."""
    max_mutations: int = DEFAULT_MAX_MUTATIONS
    """Most structured mutations in one write."""
    read_row_limit: int = 1000
    """Most rows one generated query may return."""
    read_time_limit: float = 5.0
    """Seconds one generated query may run."""
    extraction_concurrency: int = 4
    """Text writes extracted at the same time, across all instances."""
    max_reported_changes: int = 1000
    """Entries kept per list in a write's `changes` / `cleaned_objects`; counts stay exact."""
    sweep_interval: float = 2.0
    """Seconds between looks for unfinished jobs left by an engine process that died while
    another one shares the data directory."""
    apply_delay: float = 0.0
    """Test-only: seconds to wait before applying each job, to make crash windows real."""

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser()
        if self.api_key is not None:
            # A blank key once meant "no key", which served everything to anyone: an API key
            # that is set is a real one, or the engine does not start.
            if not self.api_key.strip():
                raise ValueError(
                    "the API key is blank; give a real key, or none at all to serve on "
                    "loopback only"
                )
            self.api_key = self.api_key.strip()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> EngineSettings:
        """Settings from the environment (`XMEM_DATA_DIR`, `XMEM_ENGINE_API_KEY`, limits);
        keyword arguments override what the environment says."""
        env = os.environ if env is None else env
        data_dir = env.get("XMEM_DATA_DIR")
        values: dict[str, object] = {
            "data_dir": Path(data_dir) if data_dir else default_data_dir(),
            # Set but empty is unset (as shells and compose files write it); blank is refused.
            "api_key": env.get("XMEM_ENGINE_API_KEY") or None,
            "mind": MindSettings.from_env(env),
        }
        numbers: dict[str, tuple[str, type[int] | type[float]]] = {
            "max_text_chars": ("XMEM_ENGINE_MAX_TEXT_CHARS", int),
            "max_body_bytes": ("XMEM_ENGINE_MAX_BODY_BYTES", int),
            "max_mutations": ("XMEM_ENGINE_MAX_MUTATIONS", int),
            "read_row_limit": ("XMEM_ENGINE_READ_ROW_LIMIT", int),
            "read_time_limit": ("XMEM_ENGINE_READ_TIME_LIMIT", float),
            "extraction_concurrency": ("XMEM_ENGINE_EXTRACTION_CONCURRENCY", int),
            "apply_delay": ("XMEM_ENGINE_TEST_APPLY_DELAY", float),
        }
        for name, (var, kind) in numbers.items():
            raw = env.get(var)
            if raw:
                try:
                    values[name] = kind(raw)
                except ValueError:
                    raise ValueError(f"{var}={raw!r} is not a valid {kind.__name__}") from None
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
