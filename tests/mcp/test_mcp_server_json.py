"""server.json is a valid MCP registry entry (schema 2025-12-11, carried in fixtures/) that
lists, from the settings models, every environment variable the server reads.

After changing a settings model: `python tests/mcp/test_mcp_server_json.py` rewrites
server.json's `environmentVariables` from the models.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from xmemory._settings import Variable
from xmemory_mcp.settings import server_variables

ROOT = Path(__file__).resolve().parents[2]
SERVER_JSON = ROOT / "server.json"
SCHEMA_FILE = Path(__file__).parent / "fixtures" / "server.schema.json"
SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
NAME = "io.github.xmemory-mcp/xmemory-mcp"
FORMATS = {"integer": "number", "number": "number", "path": "filepath", "boolean": "boolean"}


def registry_entry(var: Variable) -> dict[str, Any]:
    """How the registry's `KeyValueInput` presents one variable of a settings model."""
    entry: dict[str, Any] = {"name": var.name, "description": var.description}
    entry["isRequired"] = False
    if var.secret:
        entry["isSecret"] = True
    entry["format"] = FORMATS.get(var.type, "string")
    if var.default is not None and not var.secret:
        entry["default"] = var.shown_default
    if var.choices:
        entry["choices"] = list(var.choices)
    return entry


@pytest.fixture(scope="module")
def server_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SERVER_JSON.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_fixture_is_the_2025_12_11_schema_and_server_json_names_it(
    server_json: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    assert validator.schema["$id"] == SCHEMA_URL
    assert server_json["$schema"] == SCHEMA_URL


def test_it_validates_against_the_registry_schema(
    server_json: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(server_json)]
    assert errors == []


def test_the_schema_is_strict_enough_to_catch_a_broken_entry(
    server_json: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    # The validation above means something only if the same schema refuses real mistakes.
    broken = copy.deepcopy(server_json)
    broken["description"] = "x" * 101
    broken["packages"][0]["version"] = "latest"
    del broken["packages"][0]["transport"]
    broken["packages"][0]["environmentVariables"][0]["format"] = "secret"
    messages = " | ".join(e.message for e in validator.iter_errors(broken))
    assert "is too long" in messages
    assert "'transport' is a required property" in messages
    assert "'secret' is not one of" in messages
    assert "should not be valid" in messages  # version "latest"


def test_its_name_is_the_github_namespaced_one_the_readme_declares(
    server_json: dict[str, Any],
) -> None:
    assert server_json["name"] == NAME
    assert f"mcp-name: {NAME}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_pypi_package_runs_over_stdio(server_json: dict[str, Any]) -> None:
    (package,) = server_json["packages"]
    assert package["registryType"] == "pypi"
    assert package["identifier"] == "xmemory-mcp"
    assert package["transport"] == {"type": "stdio"}


def test_it_lists_every_variable_the_server_reads_as_the_settings_models_declare_it(
    server_json: dict[str, Any],
) -> None:
    (package,) = server_json["packages"]
    expected = [registry_entry(v) for v in server_variables()]
    assert package["environmentVariables"] == expected, (
        "server.json is out of step with the settings models; run"
        " `python tests/mcp/test_mcp_server_json.py` to rewrite it"
    )


def test_the_listing_covers_the_model_and_the_keys() -> None:
    names = {v.name for v in server_variables()}
    # The variables issue #13 found missing, and the ones every client config uses.
    assert {"XMEM_LLM_PROVIDER", "XMEM_LLM_MODEL", "XMEM_LLM_BASE_URL", "XMEM_LLM_TIMEOUT"} <= names
    assert {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "XMEM_LLM_API_KEY"} <= names
    assert {"XMEM_AUTH_TOKEN", "XMEM_API_KEY", "XMEM_API_URL", "XMEM_DATA_DIR"} <= names
    secrets = {v.name for v in server_variables() if v.secret}
    assert secrets == {
        "XMEM_AUTH_TOKEN",
        "XMEM_API_KEY",
        "XMEM_MCP_AUTH_TOKEN",
        "XMEM_LLM_API_KEY",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "XMEM_ENGINE_DATABASE_URL",  # a PostgreSQL URL may hold a password
    }
    # A test knob and the standalone engine's key are not the MCP server's to document.
    assert not names & {"XMEM_ENGINE_TEST_APPLY_DELAY", "XMEM_ENGINE_API_KEY"}


def _rewrite() -> None:
    data = json.loads(SERVER_JSON.read_text(encoding="utf-8"))
    data["packages"][0]["environmentVariables"] = [registry_entry(v) for v in server_variables()]
    SERVER_JSON.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    _rewrite()
    sys.exit(0)
