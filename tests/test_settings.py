"""The settings models: the only readers of the environment, each variable declared once, and
the README's table generated from them.

After changing a settings model: `python tests/test_settings.py` rewrites the README's table.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xmemory import XmemoryClient
from xmemory._settings import ClientEnvironment, Variable, variables
from xmemory_engine.minds.factory import PROVIDERS, MindSettings
from xmemory_engine.settings import (
    EngineEnvironment,
    EngineSettings,
    InvalidEnvironment,
    engine_environment,
)
from xmemory_mcp.cli import parse_settings
from xmemory_mcp.settings import (
    Backend,
    ServerEnvironment,
    SettingsError,
    read_server_environment,
    server_variables,
)

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SETTINGS_MODULES = {
    Path("src/xmemory/_settings.py"),
    Path("src/xmemory_mcp/settings.py"),
    Path("src/xmemory_engine/settings.py"),
}
TABLE_START = "<!-- settings-table: generated from the settings models;"
TABLE_END = "<!-- /settings-table -->"
MODELS = (ClientEnvironment, ServerEnvironment, EngineEnvironment)


# -- who reads the environment ------------------------------------------------------------------


def environment_reads(source: str) -> list[int]:
    """Lines that touch `os.environ` / `os.getenv` (or import them from os)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in ("environ", "environb", "getenv", "getenvb")
        ):
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            imported = {a.name for a in node.names}
            lines.extend([node.lineno] if imported & {"environ", "getenv", "getenvb"} else [])
    return lines


def test_the_check_finds_every_way_of_reading_the_environment() -> None:
    source = "import os\nfrom os import getenv\nos.environ.get('A')\nos.getenv('B')\nx = 1\n"
    assert sorted(environment_reads(source)) == [2, 3, 4]


def test_no_module_but_the_settings_models_reads_the_environment() -> None:
    readers = {}
    for path in sorted((ROOT / "src").rglob("*.py")):
        lines = environment_reads(path.read_text(encoding="utf-8"))
        if lines:
            readers[path.relative_to(ROOT)] = lines
    assert set(readers) == SETTINGS_MODULES, readers


# -- each variable once, fully described ---------------------------------------------------------


def test_every_variable_is_declared_once_with_a_type_a_default_and_a_description() -> None:
    declared = [v for model in MODELS for v in variables(model)]
    names = [v.name for v in declared]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    for var in declared:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", var.name)
        assert var.type in ("string", "integer", "number", "path", "boolean"), var
        assert var.shown_default, var
        assert len(var.description) > 15 and var.description.endswith("."), var
        assert var.scope in ("server", "engine serve", "tests"), var


def test_the_provider_choices_are_the_factorys() -> None:
    (provider,) = [v for v in variables(EngineEnvironment) if v.name == "XMEM_LLM_PROVIDER"]
    assert provider.choices == PROVIDERS


def test_the_defaults_are_the_ones_the_engine_runs_with(tmp_path: Path) -> None:
    assert engine_environment({}).mind() == MindSettings()
    built = EngineSettings.from_env({"XMEM_DATA_DIR": str(tmp_path)})
    assert built == EngineSettings(data_dir=tmp_path)


# -- reading: empty is unset, blank keys refused, one line per mistake ---------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"XMEM_ENGINE_MAX_BODY_BYTES": "2MB"},
            "XMEM_ENGINE_MAX_BODY_BYTES='2MB' is not a positive",
        ),
        ({"XMEM_ENGINE_READ_ROW_LIMIT": "0"}, "XMEM_ENGINE_READ_ROW_LIMIT='0' is not a positive"),
        ({"XMEM_ENGINE_READ_TIME_LIMIT": "nan"}, "READ_TIME_LIMIT='nan' is not a positive number"),
        ({"XMEM_LLM_PROVIDER": "GPT"}, "XMEM_LLM_PROVIDER='GPT' is not one of rules, openai"),
        ({"XMEM_ENGINE_API_KEY": " \t"}, "XMEM_ENGINE_API_KEY is blank"),
    ],
)
def test_a_bad_engine_variable_is_one_line_naming_it(env: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidEnvironment) as caught:
        engine_environment(env)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_empty_is_unset_and_values_are_stripped(tmp_path: Path) -> None:
    env = engine_environment(
        {"XMEM_DATA_DIR": f" {tmp_path} ", "XMEM_LLM_MODEL": "", "XMEM_ENGINE_API_KEY": ""}
    )
    assert env.data_dir == tmp_path
    assert env.llm_model is None and env.api_key is None
    # A provider key set to spaces is not the engine's to refuse: that provider may be unused.
    assert engine_environment({"OPENAI_API_KEY": "  "}).openai_api_key is None


def test_secrets_stay_out_of_reprs_and_errors() -> None:
    env = engine_environment({"OPENAI_API_KEY": "sk-secret-1", "XMEM_ENGINE_API_KEY": "k-2"})
    assert "sk-secret-1" not in repr(env) and "k-2" not in repr(env)
    client, server = read_server_environment(
        {"XMEM_AUTH_TOKEN": "tok-3", "XMEM_MCP_AUTH_TOKEN": "mcp-4"}
    )
    assert "tok-3" not in repr(client) and "mcp-4" not in repr(server)
    assert client.token == "tok-3" and server.mcp_auth_token == "mcp-4"


def test_the_sdk_falls_back_on_its_variables_and_an_argument_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XMEM_API_KEY", "from-env")
    monkeypatch.setenv("XMEM_API_URL", "http://127.0.0.1:9/ ")
    with XmemoryClient() as client:
        assert client._token == "from-env"  # what the Authorization header is built from
        assert client._url == "http://127.0.0.1:9"
    monkeypatch.setenv("XMEM_AUTH_TOKEN", "preferred")
    with XmemoryClient() as client:
        assert client._token == "preferred"
    with XmemoryClient(token="explicit", url="http://127.0.0.1:7") as client:
        assert (client._token, client._url) == ("explicit", "http://127.0.0.1:7")
    monkeypatch.setenv("XMEM_AUTH_TOKEN", " ")
    with pytest.raises(ValueError, match="XMEM_AUTH_TOKEN is blank"):
        XmemoryClient()


def test_the_server_reads_its_instance_and_the_engines_data_dir(tmp_path: Path) -> None:
    settings = parse_settings([], {"XMEM_INSTANCE_ID": " inst ", "XMEM_DATA_DIR": str(tmp_path)})
    assert settings.backend is Backend.EMBEDDED
    assert (settings.instance_id, settings.data_dir) == ("inst", tmp_path)


def test_the_server_checks_the_engines_variables_only_when_it_embeds_the_engine() -> None:
    with pytest.raises(SettingsError, match="XMEM_LLM_TIMEOUT='soon'"):
        parse_settings([], {"XMEM_LLM_TIMEOUT": "soon"})
    remote = parse_settings(["--url", "http://127.0.0.1:9"], {"XMEM_LLM_TIMEOUT": "soon"})
    assert remote.backend is Backend.URL


def test_a_remote_backend_loads_no_engine_code() -> None:
    # The parser's `engine serve` and `ui` options come from xmemory_engine.serve and
    # xmemory_engine.ui.command, which import nothing of the engine; settings, minds, store
    # and web app stay unloaded for a remote backend.
    code = (
        "import sys\n"
        "from xmemory_mcp.cli import parse_settings\n"
        "parse_settings(['--url', 'http://127.0.0.1:9'], {})\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('xmemory_engine'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "xmemory_engine",
        "xmemory_engine.serve",
        "xmemory_engine.ui",
        "xmemory_engine.ui.command",
    ]


# -- the README's table --------------------------------------------------------------------------


def documented_variables() -> list[Variable]:
    """What the README documents: everything but test knobs, the server's variables first."""
    engine_serve = [v for v in variables(EngineEnvironment) if v.scope == "engine serve"]
    return [*server_variables(), *engine_serve]


def readme_table() -> str:
    rows = ["| variable | type | default | what it does |", "|---|---|---|---|"]
    for var in documented_variables():
        kind = f"{var.type}, secret" if var.secret else var.type
        if var.choices:
            kind = " · ".join(f"`{c}`" for c in var.choices)
        default = var.shown_default
        if default != "—" and var.default is not None:
            default = f"`{default}`"
        rows.append(f"| `{var.name}` | {kind} | {default} | {var.description} |")
    return "\n".join(rows)


def table_bounds(text: str) -> tuple[int, int]:
    """Where the generated table sits: between the marker lines, which stay."""
    start = text.index("\n", text.index(TABLE_START)) + 1
    return start, text.index(TABLE_END, start)


def readme_section(text: str) -> str:
    start, end = table_bounds(text)
    return text[start:end]


def test_the_readme_table_is_the_settings_models() -> None:
    assert readme_section(README.read_text(encoding="utf-8")) == readme_table() + "\n", (
        "the README's environment table is out of step with the settings models; run"
        " `python tests/test_settings.py` to rewrite it"
    )


def test_every_variable_the_flags_table_names_is_a_declared_one() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Configuration") : text.index(TABLE_START)]
    named = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", section))
    declared = {v.name for v in documented_variables()}
    assert named, "the flags table names no variable"
    assert named <= declared, named - declared


def _rewrite_readme() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = table_bounds(text)
    README.write_text(text[:start] + readme_table() + "\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":
    _rewrite_readme()
