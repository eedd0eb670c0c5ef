"""The `xmemory-mcp` process loads the `mcp` SDK's server modules without the packages'
`__init__` (the client, MCPServer): `cli.bare_sdk_packages`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from xmemory_mcp.cli import bare_sdk_packages


def _run(code: str, tmp_path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_server_s_modules_load_without_the_sdk_client_or_framework(tmp_path: Path) -> None:
    found = _run(
        """
        import json, sys
        from xmemory_mcp.cli import bare_sdk_packages
        bare_sdk_packages()
        import xmemory_mcp.server, xmemory_mcp.stdio, xmemory_mcp.http
        from mcp.server.lowlevel.server import Server
        print(json.dumps({
            "client": sorted(m for m in sys.modules if m.startswith("mcp.client")),
            "framework": "mcp.server.mcpserver" in sys.modules,
            "same_server": xmemory_mcp.stdio.Server is Server,
            "types": sys.modules["mcp"].types is sys.modules["mcp.types"]
            if "mcp.types" in sys.modules else True,
        }))
        """,
        tmp_path,
    )
    assert found == {"client": [], "framework": False, "same_server": True, "types": True}


def test_over_stdio_the_sdk_s_server_modules_load_without_uvicorn(tmp_path: Path) -> None:
    found = _run(
        """
        import json, sys
        from xmemory_mcp.cli import bare_sdk_packages, sdk_server_modules
        bare_sdk_packages()
        sdk_server_modules("stdio")
        loaded = {"server": "xmemory_mcp.server" in sys.modules, "uvicorn": "uvicorn" in sys.modules}
        import uvicorn  # not marked absent any more: a later import works as usual
        print(json.dumps({**loaded, "later": uvicorn.Server.__name__}))
        """,
        tmp_path,
    )
    assert found == {"server": True, "uvicorn": False, "later": "Server"}


def test_a_module_the_sdk_cannot_do_without_is_imported_after_all(tmp_path: Path) -> None:
    found = _run(
        """
        import json, sys
        from xmemory_mcp.cli import bare_sdk_packages, sdk_server_modules
        bare_sdk_packages()
        # The low-level server imports this one unconditionally.
        sdk_server_modules("stdio", absent=("mcp.server.auth.provider",))
        print(json.dumps({
            "server": "xmemory_mcp.server" in sys.modules,
            "provider": sys.modules.get("mcp.server.auth.provider") is not None,
        }))
        """,
        tmp_path,
    )
    assert found == {"server": True, "provider": True}


def test_over_http_uvicorn_is_imported_as_the_sdk_asks(tmp_path: Path) -> None:
    found = _run(
        """
        import json, sys
        from xmemory_mcp.cli import sdk_server_modules
        sdk_server_modules("streamable-http")
        from sse_starlette.sse import AppStatus
        from uvicorn.main import Server
        print(json.dumps({"patched": Server.handle_exit == AppStatus.handle_exit}))
        """,
        tmp_path,
    )
    assert found == {"patched": True}


def test_an_sdk_already_imported_is_left_whole() -> None:
    import mcp

    bare_sdk_packages()
    assert sys.modules["mcp"] is mcp
    assert hasattr(mcp, "ClientSession")


def test_the_stdio_server_answers_on_the_bare_packages(tmp_path: Path) -> None:
    # The spawned command runs `main`, which bares the packages before serving.
    found = _run(
        f"""
        import json, sys, anyio
        from mcp.client.session import ClientSession
        from mcp.client.stdio import StdioServerParameters, stdio_client

        async def main():
            params = StdioServerParameters(
                command=sys.executable,
                args=["-m", "xmemory_mcp"],
                env={{"XMEM_DATA_DIR": {str(tmp_path / "data")!r}, "PATH": ""}},
            )
            async with stdio_client(params) as (r, w), ClientSession(r, w) as s:
                await s.initialize()
                names = [t.name for t in (await s.list_tools()).tools]
                wrote = await s.call_tool(
                    "write", {{"objects": [{{"type": "person", "name": "Ann Lee",
                                             "fields": {{"email": "ann@example.com"}}}}]}}
                )
                read = await s.call_tool("read", {{"query": "What is the email of Ann Lee?"}})
            print(json.dumps({{"tools": "read" in names, "wrote": not wrote.is_error,
                               "answer": "ann@example.com" in str(read.content)}}))

        anyio.run(main)
        """,
        tmp_path,
    )
    assert found == {"tools": True, "wrote": True, "answer": True}
