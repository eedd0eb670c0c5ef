"""Launch an installed `xmemory-mcp` over stdio and round-trip a write and a read.

Run by .ci/run with the python of a fresh venv that holds only the built wheel (and what it
depends on), so the `mcp` client used here is the one the wheel brought in, and the server is
the installed console script, not the checkout:

    <venv>/bin/python tests/release/wheel_smoke.py --expect-version 0.1.0
    <venv>/bin/python tests/release/wheel_smoke.py --expect-version 0.1.0 -- uvx --from dist/x.whl xmemory-mcp

With no command after `--`, the venv's own `xmemory-mcp` script is launched. Exits 0 on success;
otherwise 1, after printing what failed and the server's stderr.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

TEXT = "Ann Lee works at Acme. Her email is ann@acme.io."
QUESTION = "What is Ann Lee's email?"
ANSWER = "ann@acme.io"


class SmokeFailure(Exception):
    """The installed package did not behave as released."""


def check_installed_distribution(expect_version: str) -> None:
    """This interpreter's xmemory-mcp is the wheel's: right version, not editable, not src/."""
    dist = importlib.metadata.distribution("xmemory-mcp")
    if dist.version != expect_version:
        raise SmokeFailure(f"installed version {dist.version}, expected {expect_version}")
    direct_url = dist.read_text("direct_url.json")
    if direct_url and json.loads(direct_url).get("dir_info", {}).get("editable"):
        raise SmokeFailure("xmemory-mcp is an editable install, not the wheel")
    import xmemory_mcp  # imported here: only after the checks above say which one it is

    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    where = Path(xmemory_mcp.__file__).resolve()
    if site not in where.parents:
        raise SmokeFailure(f"xmemory_mcp imported from {where}, not from {site}")


async def round_trip(command: list[str], expect_version: str, data_dir: Path, errlog: Path) -> str:
    """Start the server, write a sentence, ask for it back; return the answer."""
    # The whole environment (proxy and certificate settings matter to uvx), minus any xmemory
    # configuration, so that the embedded engine with its data in `data_dir` is what runs.
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    env["XMEM_DATA_DIR"] = str(data_dir)
    params = StdioServerParameters(
        command=command[0], args=command[1:], env=env, cwd=str(data_dir.parent)
    )
    with errlog.open("w") as err:
        async with (
            stdio_client(params, errlog=err) as (read, write),
            ClientSession(read, write) as session,
        ):
            init = await session.initialize()
            print(f"  server: {init.server_info.name} {init.server_info.version}")
            if init.server_info.version != expect_version:
                raise SmokeFailure(f"the server says it is {init.server_info.version}")
            tools = {t.name for t in (await session.list_tools()).tools}
            if not {"write", "read"} <= tools:
                raise SmokeFailure(f"write/read missing from the tools: {sorted(tools)}")
            stored = await call(session, "write", {"text": TEXT})
            if stored.get("write_status") != "completed":
                raise SmokeFailure(f"write did not complete: {stored}")
            answer = await call(session, "read", {"query": QUESTION})
            return str(answer.get("reader_result"))


async def call(session: ClientSession, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await session.call_tool(name, arguments)
    if result.is_error or not isinstance(result.structured_content, dict):
        raise SmokeFailure(f"{name} failed: {result.content}")
    return result.structured_content


def leaf_errors(exc: BaseException) -> str:
    """The errors inside (possibly nested) exception groups, one per line."""
    inner = getattr(exc, "exceptions", None)  # duck-typed: 3.10 has no builtin ExceptionGroup
    if inner:
        return "\n".join(leaf_errors(e) for e in inner)
    return f"{type(exc).__name__}: {exc}"


def main() -> int:
    parser = argparse.ArgumentParser(description="Round-trip a write and a read over stdio.")
    parser.add_argument("--expect-version", required=True)
    parser.add_argument(
        "--timeout", type=float, default=180, help="seconds for the whole run (uvx may install)"
    )
    parser.add_argument("command", nargs="*", help="server command (default: this venv's script)")
    args = parser.parse_args()
    command = args.command or [str(Path(sys.executable).parent / "xmemory-mcp")]
    print(f"wheel smoke: {' '.join(command)}")

    async def run(data_dir: Path, errlog: Path) -> str:
        with anyio.fail_after(args.timeout):
            return await round_trip(command, args.expect_version, data_dir, errlog)

    with tempfile.TemporaryDirectory(prefix="xmem-smoke-") as tmp:
        errlog = Path(tmp) / "server.stderr"
        try:
            check_installed_distribution(args.expect_version)
            answer = anyio.run(run, Path(tmp) / "data", errlog)
            if ANSWER not in answer:
                raise SmokeFailure(f"read answered {answer!r}, expected {ANSWER!r} in it")
        # Anything at all, ExceptionGroups from the client's task groups included: say what
        # failed and show the server's stderr, rather than a traceback through anyio.
        except Exception as exc:
            log = errlog.read_text(errors="replace") if errlog.exists() else ""
            print(f"server stderr:\n{log}", file=sys.stderr)
            print(f"wheel smoke FAILED: {leaf_errors(exc)}", file=sys.stderr)
            return 1
    print(f"  write then read: {answer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
