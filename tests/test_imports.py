"""What start-up imports, and what it leaves for later.

Clients spawn the server on every launch and time it; each module below costs tens of
milliseconds (and sqlglot several MB) that no answer before the first SQL read needs. Each
check runs in a fresh interpreter: this process has imported everything long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# (uvicorn and starlette are not here: the `mcp` package's own `__init__` imports them, so
# every server on this SDK pays for them, the no-op floor of bench/peers.py included.)
HEAVY = ("sqlglot", "yaml", "jsonschema", "xmemory_engine.minds.factory")


def modules_after(code: str, tmp_path: Path) -> set[str]:
    """The heavy modules loaded after running `code` in a new interpreter."""
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"XMEM_DATA_DIR": str(tmp_path / "data"), "PATH": "", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_command_and_its_stdio_server_import_none_of_the_engine_s_heavy_parts(
    tmp_path: Path,
) -> None:
    loaded = modules_after(
        """
        import xmemory_mcp.cli, xmemory_mcp.server, xmemory_mcp.stdio, xmemory_mcp.backend
        """,
        tmp_path,
    )
    assert loaded == set()


def test_choosing_the_mind_before_the_handshake_leaves_the_mind_factory_alone(
    tmp_path: Path,
) -> None:
    # What `serve` does on the event loop before stdio starts, with the default (rules) mind.
    loaded = modules_after(
        """
        import os
        from xmemory_mcp.cli import _client_sampler, parse_settings
        from xmemory_mcp.sessions import ClientSessions

        settings = parse_settings([], dict(os.environ))
        assert _client_sampler(settings, ClientSessions()) is None
        """,
        tmp_path,
    )
    assert loaded == set()


def test_the_sampling_mind_is_still_chosen_from_the_environment(tmp_path: Path) -> None:
    from xmemory_engine.minds.llm.sampling import SamplingTextModel
    from xmemory_mcp.cli import _client_sampler, parse_settings
    from xmemory_mcp.sessions import ClientSessions

    environ = {"XMEM_DATA_DIR": str(tmp_path), "XMEM_LLM_PROVIDER": "Sampling"}
    settings = parse_settings([], environ)
    assert isinstance(_client_sampler(settings, ClientSessions()), SamplingTextModel)
    remote = parse_settings(["--url", "http://127.0.0.1:9"], environ)
    assert _client_sampler(remote, ClientSessions()) is None


def test_the_engine_opens_without_sqlglot_and_the_first_check_brings_it(tmp_path: Path) -> None:
    loaded = modules_after(
        """
        import sys
        import xmemory_engine.embedded
        from xmemory_engine.sql_guard import ReadOnlySqlite, check_select

        assert "sqlglot" not in sys.modules
        try:
            check_select("DELETE FROM person", ["person"])
        except Exception as exc:
            assert type(exc).__name__ == "QueryRejected", exc
        else:
            raise AssertionError("a DELETE passed the check")
        assert check_select("SELECT name FROM person;", ["person"]) == "SELECT name FROM person"
        """,
        tmp_path,
    )
    assert "sqlglot" in loaded


@pytest.mark.parametrize("module", ["xmemory", "xmemory_engine", "xmemory_engine.embedded"])
def test_importing_a_package_loads_no_sql_parser(module: str, tmp_path: Path) -> None:
    assert "sqlglot" not in modules_after(f"import {module}\n", tmp_path)


def test_the_server_warmed_up_has_not_loaded_the_sql_parser(tmp_path: Path) -> None:
    # The rules mind's plain statements are checked without it (sql_plain): start-up does not
    # load it ahead of a read that will not need it.
    loaded = modules_after(
        """
        import anyio
        from xmemory_mcp.backend import BackendHandle
        from xmemory_mcp.cli import parse_settings

        async def main() -> None:
            handle, stop = BackendHandle(), anyio.Event()
            settings = parse_settings(["--data-dir", "data"], {})
            async with anyio.create_task_group() as tg:
                tg.start_soon(handle.run, settings, stop)
                await handle.get()
                await handle.settled()
                stop.set()

        anyio.run(main)
        """,
        tmp_path,
    )
    assert "sqlglot" not in loaded
    # Arguments that fit their schema are checked without jsonschema (validation.fits).
    assert "jsonschema" not in loaded


def test_a_read_with_nothing_said_loads_no_sentence_model(tmp_path: Path) -> None:
    # The model (numpy, tokenizers, 16 MB of weights) is for finding said sentences by
    # meaning; with none said, the first read of a fresh memory must not pay for it.
    modules_after(
        """
        import sys
        import anyio, httpx
        from pathlib import Path
        from xmemory_engine import EngineSettings, open_engine

        async def main():
            async with open_engine(EngineSettings(data_dir=Path("data"))) as engine:
                transport = httpx.ASGITransport(app=engine.app)
                async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:
                    base = f"/instances/{engine.default_instance_id}"
                    read = await http.post(f"{base}/read", json={"query": "Who is Ann?"})
                    assert read.json()["items"][0]["basis"] == "nothing", read.text

        anyio.run(main)
        assert "numpy" not in sys.modules and "tokenizers" not in sys.modules
        """,
        tmp_path,
    )


@pytest.mark.parametrize("collecting", [True, False])
def test_importing_the_command_leaves_the_garbage_collector_as_it_found_it(
    collecting: bool, tmp_path: Path
) -> None:
    # The command's module imports with the collector off (start-up objects live for good);
    # a program that imports it gets its collector back in the state it had, and a cycle made
    # afterwards is still collected.
    modules_after(
        f"""
        import gc
        if not {collecting}:
            gc.disable()
        import xmemory_mcp.cli
        assert gc.isenabled() is {collecting}
        gc.enable()

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
        """,
        tmp_path,
    )


def test_the_command_turns_the_collector_back_on_when_it_returns(tmp_path: Path) -> None:
    # `main` keeps the collector off through start-up; a bad setting ends it early, and the
    # collector is on again (here: the embedded engine's limit variable is not a number).
    modules_after(
        """
        import gc, os
        from xmemory_mcp.cli import main

        os.environ["XMEM_ENGINE_READ_ROW_LIMIT"] = "many"
        assert main(["--data-dir", "data"]) == 2
        assert gc.isenabled()
        """,
        tmp_path,
    )
