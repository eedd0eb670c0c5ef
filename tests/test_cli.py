"""The command line: subcommands, help at every level, and a user's mistake as one line.

`xmemory-mcp` with no subcommand is the MCP server (every client config runs just that);
`xmemory-mcp engine serve` and `python -m xmemory_engine serve` take the same options.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xmemory_engine import serve as engine_serve
from xmemory_mcp.cli import build_parser, main, parse_settings

MCP = [sys.executable, "-m", "xmemory_mcp"]
ENGINE = [sys.executable, "-m", "xmemory_engine"]


def run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=clean | (env or {}),
    )


def one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# -- help ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "lists"),
    [
        ([], ["engine", "--transport", "--log-level", "--data-dir"]),
        (["engine"], ["serve"]),
        (["engine", "serve"], ["--host", "--port", "--data-dir", "--api-key", "--log-level"]),
    ],
)
def test_every_level_has_help_that_exits_0(
    capsys: pytest.CaptureFixture[str], args: list[str], lists: list[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([*args, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: xmemory-mcp {' '.join(args)}".rstrip())
    for word in lists:
        assert word in out


def test_the_top_level_usage_names_the_engine_subcommand() -> None:
    usage = build_parser().format_usage()
    assert "{engine,ui} ..." in usage


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        [*MCP, "--help"],
        [*MCP, "engine", "--help"],
        [*MCP, "engine", "serve", "--help"],
        [*ENGINE, "--help"],
        [*ENGINE, "serve", "--help"],
    ],
)
def test_help_as_a_process(command: list[str]) -> None:
    done = run(command)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: ") and done.stderr == ""


# -- mistakes: one line, exit 2 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["engine", "serve", "--log-level", "bogus"], "invalid choice: 'bogus'"),
        (["engine", "serve", "--port", "70000"], "'70000' is not a TCP port"),
        (["engine", "serve", "--port", "eighty"], "'eighty' is not a TCP port"),
        (["engine", "serve", "--workers", "2"], "unrecognized arguments: --workers 2"),
        (["engine"], "the following arguments are required"),
        (["engine", "start"], "invalid choice: 'start'"),
        (["--port", "-1"], "'-1' is not a TCP port"),
        (["--transport", "carrier-pigeon"], "invalid choice: 'carrier-pigeon'"),
        (["--write-wait", "soon"], "'soon' is not zero or more seconds"),
        (["--write-wait", "-3"], "'-3' is not zero or more seconds"),
        (["--log-level", "loud"], "invalid choice: 'loud'"),
        (["memory"], "invalid choice: 'memory'"),
    ],
)
def test_a_bad_flag_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_line_error(captured.err)
    assert line.startswith("xmemory-mcp") and says in line
    assert "--help" in line  # where to look next


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"XMEM_LLM_TIMEOUT": "soon"}, "XMEM_LLM_TIMEOUT='soon' is not a positive number"),
        ({"XMEM_ENGINE_MAX_TEXT_CHARS": "-5"}, "XMEM_ENGINE_MAX_TEXT_CHARS='-5' is not"),
        ({"XMEM_MCP_AUTH_TOKEN": "   "}, "XMEM_MCP_AUTH_TOKEN is blank"),
    ],
)
def test_a_bad_variable_stops_the_server_in_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    says: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main([]) == 2
    assert says in one_line_error(capsys.readouterr().err)


def test_a_bad_variable_stops_engine_serve_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XMEM_LLM_PROVIDER", "gemini")
    assert main(["engine", "serve", "--port", "0", "--data-dir", str(tmp_path / "d")]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "XMEM_LLM_PROVIDER='gemini' is not one of rules, openai, anthropic, sampling" in line
    assert not (tmp_path / "d").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        [*MCP, "engine", "serve", "--log-level", "bogus"],
        [*ENGINE, "serve", "--log-level", "bogus"],
        [*ENGINE, "serve", "--port", "65536"],
        [*ENGINE],
        [*MCP, "--transport", "pigeon"],
    ],
)
def test_mistakes_as_a_process_never_print_a_traceback(command: list[str]) -> None:
    done = run(command)
    assert done.returncode == 2
    assert "error:" in one_line_error(done.stderr)
    assert done.stdout == ""


# -- the same options everywhere ------------------------------------------------------------------


def test_the_mcp_servers_flags_stay_at_the_top_level() -> None:
    settings = parse_settings(
        [
            "--transport",
            "streamable-http",
            "--host",
            "localhost",
            "--port",
            "0",
            "--log-level",
            "DEBUG",
            "--write-wait",
            "0",
        ],
        {},
    )
    assert (settings.transport, settings.host, settings.port) == ("streamable-http", "localhost", 0)
    assert (settings.log_level, settings.write_wait) == ("DEBUG", 0.0)


def test_engine_serve_parses_the_same_options_under_both_commands(tmp_path: Path) -> None:
    options = ["--host", "::1", "--port", "0", "--data-dir", str(tmp_path), "--log-level", "TRACE"]
    ours = build_parser().parse_args(["engine", "serve", *options])
    alone = engine_serve.build_parser().parse_args(["serve", *options])
    picked = ("host", "port", "data_dir", "api_key", "log_level")
    assert [getattr(ours, k) for k in picked] == [getattr(alone, k) for k in picked]
    assert (ours.command, ours.engine_command, ours.log_level) == ("engine", "serve", "trace")


def test_parse_settings_is_for_the_mcp_server_only() -> None:
    with pytest.raises(ValueError, match="subcommand"):
        parse_settings(["engine", "serve"], {})
