"""The published `xmemory-ai` client, from its own virtual environment, against `engine serve`.

Runs only where that environment exists: `/tmp/xmai` (made with `python3 -m venv /tmp/xmai &&
/tmp/xmai/bin/pip install xmemory-ai pyyaml`) or the interpreter named by
`XMEM_PUBLISHED_CLIENT_PYTHON`. CI machines without it skip this test, saying so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_server import engine_server

CHECK = Path(__file__).with_name("published_client_check.py")


def published_python() -> Path | None:
    named = os.environ.get("XMEM_PUBLISHED_CLIENT_PYTHON")
    candidate = Path(named) if named else Path("/tmp/xmai/bin/python")
    return candidate if candidate.exists() else None


def rules_mind_available() -> bool:
    try:
        from xmemory_engine.minds.rules import rules_mind  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(
    published_python() is None,
    reason="no environment with the published client: create /tmp/xmai "
    "(python3 -m venv /tmp/xmai && /tmp/xmai/bin/pip install xmemory-ai pyyaml) "
    "or set XMEM_PUBLISHED_CLIENT_PYTHON",
)
@pytest.mark.skipif(not rules_mind_available(), reason="the rules mind has not landed yet")
def test_the_published_client_works_against_engine_serve(tmp_path: Path) -> None:
    python = published_python()
    assert python is not None
    with engine_server(tmp_path / "d", "--api-key", "published-key") as server:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("XMEM_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
        }
        env.update({"XMEM_API_URL": server.url, "XMEM_AUTH_TOKEN": "published-key"})
        done = subprocess.run(
            [str(python), str(CHECK)],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            cwd=tmp_path,  # not the repository: its own `xmemory` must not shadow the client
        )
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "published client check:" in done.stdout and " 0 failed" in done.stdout
