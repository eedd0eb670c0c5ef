"""The engine's own data files: each YAML's JSON twin is current, gives the same data, and
start-up reads them without PyYAML."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from xmemory_engine import datafiles
from xmemory_engine.datafiles import FILES, DataFileError
from xmemory_engine.schema import parse_schema
from xmemory_engine.service.instances import default_schema, default_schema_text

SOURCE = Path(datafiles.__file__).resolve().parent


def test_every_twin_is_what_its_yaml_generates() -> None:
    stale = datafiles.stale()
    assert stale == [], (
        f"stale JSON twin(s) of {', '.join(stale)}: after editing a data file's YAML, "
        f"{datafiles.REGENERATE} and commit the .json beside it"
    )


@pytest.mark.parametrize("name", FILES)
def test_a_twin_holds_the_data_a_safe_yaml_loader_reads(name: str) -> None:
    import yaml

    text = (SOURCE / name).read_text(encoding="utf-8")
    twin = json.loads((SOURCE / datafiles.twin_name(name)).read_text(encoding="utf-8"))
    assert twin["generated_from"] == name
    assert twin["source_sha256"] == datafiles.digest(text)
    assert twin["data"] == yaml.safe_load(text)
    assert datafiles.load(name) == twin["data"]


def test_the_default_schema_from_json_is_the_one_its_yaml_parses_to() -> None:
    # The stored schema text stays the YAML; the model made from the twin must be its parse.
    assert default_schema() == parse_schema(default_schema_text(), "yml")


def copy_sources(tmp_path: Path) -> Path:
    """The data files in `tmp_path`, every twin current."""
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE / name, tmp_path / name)
    datafiles.regenerate(tmp_path)
    assert datafiles.stale(tmp_path) == []
    return tmp_path


def test_an_edited_yaml_is_found_stale_and_regenerated(tmp_path: Path) -> None:
    root = copy_sources(tmp_path)
    lexicon = root / "minds/rules/lexicon.yml"
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8") + "\nadded:\n  words: alpha beta\n", encoding="utf-8"
    )
    assert datafiles.stale(root) == ["minds/rules/lexicon.yml"]
    assert datafiles.regenerate(root) == ["minds/rules/lexicon.yml"]
    assert datafiles.stale(root) == []
    twin = json.loads((root / "minds/rules/lexicon.json").read_text(encoding="utf-8"))
    assert twin["data"]["added"] == {"words": "alpha beta"}
    assert twin["source_sha256"] == datafiles.digest(lexicon.read_text(encoding="utf-8"))


def test_a_missing_twin_is_stale(tmp_path: Path) -> None:
    root = copy_sources(tmp_path)
    (root / "vocabulary.json").unlink()
    assert datafiles.stale(root) == ["vocabulary.yml"]


@pytest.mark.parametrize(
    ("yaml_text", "says"),
    [
        ("when: 2026-11-30\n", "a value JSON cannot hold"),  # a date under a safe loader
        ("yes: word\n", "a key that is not a string"),  # YAML 1.1: the key is True
        ("1: word\n", "a key that is not a string"),
        ("nan: .nan\n", "a value JSON cannot hold"),
        ("a: [1, 2\n", "not valid YAML"),
    ],
)
def test_yaml_without_a_faithful_json_form_is_refused(yaml_text: str, says: str) -> None:
    with pytest.raises(DataFileError, match=says):
        datafiles.parse_yaml("lexicon.yml", yaml_text)


def test_only_the_engine_s_data_files_are_loaded() -> None:
    with pytest.raises(DataFileError, match="not one of the engine's data files"):
        datafiles.load("../pyproject.yml")


def python(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """This interpreter run in `cwd` on `args`, with its modules wherever they come from (a
    checkout on PYTHONPATH too) and nothing else of this environment."""
    env = {"PATH": "", "HOME": str(cwd), "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env
    )


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return python(["-m", "xmemory_engine.datafiles", *args], cwd)


def test_the_module_checks_and_refuses_unknown_arguments(tmp_path: Path) -> None:
    stale = datafiles.stale()
    check = run_module("--check", cwd=tmp_path)
    assert check.returncode == (1 if stale else 0)
    assert [line.split(":")[0] for line in check.stderr.splitlines()] == stale
    wrong = run_module("--force", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "usage: python -m xmemory_engine.datafiles [--check]" in wrong.stderr


def test_starting_twice_and_reading_imports_no_pyyaml(tmp_path: Path) -> None:
    # A first start (the default instance is made from its schema), a later start, each with
    # the rules mind (its lexicon), the warm-up and a first read (the vocabulary).
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        import anyio, httpx
        from xmemory_engine import EngineSettings, open_engine
        from xmemory_engine.embedded import preload, warm_up

        async def start_and_read() -> None:
            settings = EngineSettings(data_dir=Path("data"))
            preload(settings)
            async with open_engine(settings) as engine:
                warm_up()
                client = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=engine.app), base_url="http://engine"
                )
                async with client:
                    path = f"/instances/{engine.default_instance_id}/read"
                    read = await client.post(path, json={"query": "What is Ann's email?"})
                    assert read.status_code == 200, read.text

        anyio.run(start_and_read)
        anyio.run(start_and_read)
        assert "xmemory_engine.minds.rules.names" in sys.modules  # it reads the lexicon
        print("yaml" in sys.modules)
        """
    )
    done = python(["-c", script], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
