"""A client not written by us: the MCP Inspector's CLI lists and calls xmemory-mcp's tools.

Runs only when `npx` is installed and `@modelcontextprotocol/inspector` is already in the npx
cache (`npx @modelcontextprotocol/inspector --help` once puts it there); it never downloads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def _inspector_cached() -> bool:
    if shutil.which("npx") is None:
        return False
    configured = os.environ.get("NPM_CONFIG_CACHE") or os.environ.get("npm_config_cache")  # noqa: SIM112
    cache = Path(configured or Path.home() / ".npm") / "_npx"
    return any(cache.glob("*/node_modules/@modelcontextprotocol/inspector/package.json"))


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not _inspector_cached(),
        reason="needs npx and a cached @modelcontextprotocol/inspector (this test never downloads)",
    ),
]


def inspector(data_dir: Path, *args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    env["npm_config_offline"] = "true"
    command = [
        "npx", "--offline", "-y", "@modelcontextprotocol/inspector", "--cli",
        "-e", f"XMEM_DATA_DIR={data_dir}",
        sys.executable, "-m", "xmemory_mcp",
        *args,
    ]  # fmt: skip
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def test_the_inspector_lists_and_calls_the_tools(tmp_path: Path) -> None:
    listed = inspector(tmp_path, "--method", "tools/list")
    names = {tool["name"] for tool in listed["tools"]}
    assert {"write", "read", "write_status", "create_instance"} <= names

    ann = {
        "object_mutation": {
            "object_type": "person",
            "create": {"key": {"name": "Ann Lee"}, "values": {"email": "ann@acme.io"}},
        }
    }
    stored = inspector(
        tmp_path,
        "--method", "tools/call", "--tool-name", "write",
        "--tool-arg", f"structured_mutations={json.dumps([ann])}",
    )  # fmt: skip
    assert stored["isError"] is False, stored
    assert stored["structuredContent"]["write_status"] == "completed"

    answer = inspector(
        tmp_path,
        "--method", "tools/call", "--tool-name", "read",
        "--tool-arg", "query=What is Ann Lee's email?",
    )  # fmt: skip
    assert answer["isError"] is False, answer
    assert "ann@acme.io" in json.dumps(answer["structuredContent"])
