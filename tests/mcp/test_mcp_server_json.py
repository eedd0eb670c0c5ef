"""server.json stays a valid MCP registry entry (schema 2025-09-29) and in step with the package."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json"
NAME = "io.github.xmemory-mcp/xmemory-mcp"

# The registry's 2025-09-29 rules this entry relies on, written out so the test needs no network.
_INPUT = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
        "description": {"type": "string"},
        "isRequired": {"type": "boolean"},
        "isSecret": {"type": "boolean"},
        "format": {"enum": ["string", "number", "boolean", "filepath"]},
        "default": {"type": "string"},
    },
    "additionalProperties": False,
}
REGISTRY_RULES: dict[str, Any] = {
    "type": "object",
    "required": ["$schema", "name", "description", "version", "packages"],
    "properties": {
        "$schema": {"const": SCHEMA_URL},
        "name": {"type": "string", "pattern": "^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$", "maxLength": 200},
        "description": {"type": "string", "minLength": 1, "maxLength": 100},
        "version": {"type": "string", "maxLength": 255, "not": {"const": "latest"}},
        "repository": {
            "type": "object",
            "required": ["url", "source"],
            "properties": {"url": {"type": "string"}, "source": {"type": "string"}},
        },
        "websiteUrl": {"type": "string"},
        "packages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["registryType", "identifier", "version", "transport"],
                "additionalProperties": False,
                "properties": {
                    "registryType": {"type": "string"},
                    "registryBaseUrl": {"type": "string"},
                    "identifier": {"type": "string"},
                    "version": {"type": "string", "minLength": 1, "not": {"const": "latest"}},
                    "runtimeHint": {"type": "string"},
                    "transport": {
                        "type": "object",
                        "required": ["type"],
                        "properties": {"type": {"enum": ["stdio", "streamable-http", "sse"]}},
                    },
                    "environmentVariables": {"type": "array", "items": _INPUT},
                },
            },
        },
    },
}


@pytest.fixture(scope="module")
def server_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "server.json").read_text(encoding="utf-8"))
    return data


def package_version() -> str:
    # The version's one home; pyproject.toml reads it from there ([tool.hatch.version]).
    source = (ROOT / "src/xmemory/_version.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', source, re.MULTILINE)
    assert match, "src/xmemory/_version.py has no __version__"
    return match.group(1)


def test_it_fits_the_registry_rules(server_json: dict[str, Any]) -> None:
    jsonschema.validate(server_json, REGISTRY_RULES)


def test_its_name_is_the_github_namespaced_one_the_readme_declares(
    server_json: dict[str, Any],
) -> None:
    assert server_json["name"] == NAME
    assert f"mcp-name: {NAME}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_versions_equal_the_package_version(server_json: dict[str, Any]) -> None:
    version = package_version()
    assert server_json["version"] == version
    assert [p["version"] for p in server_json["packages"]] == [version]


def test_the_pypi_package_runs_over_stdio(server_json: dict[str, Any]) -> None:
    (package,) = server_json["packages"]
    assert package["registryType"] == "pypi"
    assert package["identifier"] == "xmemory-mcp"
    assert package["transport"] == {"type": "stdio"}


def test_environment_variables_are_the_ones_the_cli_reads_and_secrets_are_marked(
    server_json: dict[str, Any],
) -> None:
    (package,) = server_json["packages"]
    variables = {v["name"]: v for v in package["environmentVariables"]}
    cli = (ROOT / "src" / "xmemory_mcp" / "cli.py").read_text(encoding="utf-8")
    for name in variables:
        assert f'"{name}"' in cli, f"{name} is listed but the CLI never reads it"
    secrets = {name for name, v in variables.items() if v.get("isSecret")}
    assert secrets == {"XMEM_AUTH_TOKEN", "XMEM_API_KEY"}
