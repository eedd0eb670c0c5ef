"""Settings read once at the edge: flags over environment, the backend rule, refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xmemory_mcp.cli import main, parse_settings
from xmemory_mcp.settings import Backend, Settings, SettingsError, is_loopback


def test_no_configuration_means_the_embedded_engine() -> None:
    settings = parse_settings([], {})
    assert settings.backend is Backend.EMBEDDED
    assert settings.transport == "stdio"
    assert settings.admin is True


def test_a_key_means_the_hosted_api_and_a_url_wins_over_it() -> None:
    assert parse_settings([], {"XMEM_AUTH_TOKEN": "k"}).backend is Backend.HOSTED
    assert parse_settings([], {"XMEM_API_KEY": "k"}).backend is Backend.HOSTED
    settings = parse_settings([], {"XMEM_API_KEY": "k", "XMEM_API_URL": "http://127.0.0.1:9"})
    assert settings.backend is Backend.URL
    assert settings.token == "k"


def test_flags_win_over_the_environment() -> None:
    env = {"XMEM_API_URL": "http://env", "XMEM_INSTANCE_ID": "env-inst", "XMEM_DATA_DIR": "/env"}
    settings = parse_settings(
        ["--url", "http://flag", "--instance", "flag-inst", "--data-dir", "/flag"], env
    )
    assert (settings.url, settings.instance_id, settings.data_dir) == (
        "http://flag",
        "flag-inst",
        Path("/flag"),
    )


def test_auth_token_token_origins_and_write_wait_are_read() -> None:
    settings = parse_settings(
        [
            "--allowed-origin",
            "https://a.example",
            "--allowed-origin",
            "http://b:*",
            "--write-wait",
            "2.5",
            "--no-admin",
        ],
        {"XMEM_MCP_AUTH_TOKEN": "s3cret", "XMEM_AUTH_TOKEN": "k"},
    )
    assert settings.auth_token == "s3cret"
    assert settings.allowed_origins == ("https://a.example", "http://b:*")
    assert settings.write_wait == 2.5
    assert settings.admin is False


def test_secrets_never_appear_in_the_settings_repr() -> None:
    settings = parse_settings(["--token", "sk-abc"], {"XMEM_MCP_AUTH_TOKEN": "mcp-xyz"})
    assert "sk-abc" not in repr(settings) and "mcp-xyz" not in repr(settings)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.com", "::"])
def test_http_beyond_loopback_without_a_token_is_refused(host: str) -> None:
    with pytest.raises(SettingsError, match="without an auth token"):
        parse_settings(["--transport", "streamable-http", "--host", host], {})


def test_http_beyond_loopback_with_a_token_is_allowed() -> None:
    settings = parse_settings(
        ["--transport", "sse", "--host", "0.0.0.0"], {"XMEM_MCP_AUTH_TOKEN": "t"}
    )
    assert not settings.loopback_only


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("myhost", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_url_must_be_http() -> None:
    with pytest.raises(SettingsError, match="http://"):
        Settings(url="ftp://x").validate()


def test_the_cli_explains_a_refusal_on_stderr_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--transport", "streamable-http", "--host", "0.0.0.0"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "XMEM_MCP_AUTH_TOKEN" in captured.err


def test_remote_backends_never_import_the_engine() -> None:
    code = (
        "import sys, anyio\n"
        "from xmemory_mcp.backend import open_backend\n"
        "from xmemory_mcp.settings import Settings\n"
        "from xmemory_mcp.server import MemoryServer\n"
        "async def main():\n"
        "    async with open_backend(Settings(url='http://127.0.0.1:9')) as b:\n"
        "        MemoryServer(Settings(), b).lowlevel()\n"
        "anyio.run(main)\n"
        "print(','.join(m for m in sys.modules if m.startswith('xmemory_engine')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
