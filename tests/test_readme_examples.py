"""The documentation's runnable examples, run as a reader would run them, against a real
`engine serve` on loopback (temp data directory, the default rules mind).

An example is runnable when the line before its fence is `<!-- runnable -->`; the others are
fragments or need what a test cannot give (a fixed port, a key). Each runs in a fresh process
whose environment points the client at the engine (`XMEM_API_URL`, `XMEM_AUTH_TOKEN`): Python
with this interpreter, shell with `bash -eu`. A line `print(...)  # <text>` (Python) or
`<command>  # <text>` (shell) says what the example prints; those lines must come out, in
that order.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "engine"))

from engine_server import EngineServer, engine_server

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = (ROOT / "README.md", ROOT / "docs" / "sdk.md")
MARKER = "<!-- runnable -->"
KEY = "readme-key"
_FENCE = re.compile(r"^```(\w+)\s*$")


@dataclass(frozen=True)
class Example:
    document: str
    line: int  # of the opening fence, 1-based
    language: str
    code: str

    @property
    def id(self) -> str:
        return f"{self.document}:{self.line}"

    def expected_lines(self) -> list[str]:
        """What the example says it prints, in order."""
        pattern = r"^\s*print\(.*\)\s+#\s?(.+)$" if self.language == "python" else r"^.*?\s#\s(.+)$"
        return [
            m.group(1).strip() for line in self.code.splitlines() if (m := re.match(pattern, line))
        ]


def runnable_examples(path: Path) -> list[Example]:
    """The code blocks of `path` marked runnable; a marker before anything but a python or
    bash fence is an error in the document."""
    lines = path.read_text(encoding="utf-8").splitlines()
    examples = []
    for i, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        fence = _FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
        where = f"{path.relative_to(ROOT)}:{i + 1}"
        assert fence and fence.group(1) in ("python", "bash"), f"{where}: {MARKER} needs a fence"
        end = next(j for j in range(i + 2, len(lines)) if lines[j].startswith("```"))
        code = "\n".join(lines[i + 2 : end]) + "\n"
        examples.append(Example(str(path.relative_to(ROOT)), i + 2, fence.group(1), code))
    return examples


EXAMPLES = [example for document in DOCUMENTS for example in runnable_examples(document)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    with engine_server(tmp_path_factory.mktemp("readme") / "data", "--api-key", KEY) as running:
        yield running


def test_the_readme_has_runnable_python_and_shell_examples() -> None:
    languages = {e.language for e in EXAMPLES if e.document == "README.md"}
    assert languages == {"python", "bash"}


def run(example: Example, env: dict[str, str], cwd: Path) -> str | None:
    """Run `example`; what went wrong, or None when it ran and printed what it says."""
    if example.language == "python":
        command = [sys.executable, "-c", example.code]
    else:
        command = ["bash", "-eu", "-c", example.code]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return f"{example.id} exited with {done.returncode}:\n{done.stderr}"
    printed = [line.strip() for line in done.stdout.splitlines()]
    found = iter(printed)
    missing = [line for line in example.expected_lines() if not any(line == o for o in found)]
    return f"{example.id} printed {printed}, not {missing}" if missing else None


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example_runs(example: Example, server: EngineServer, tmp_path: Path) -> None:
    if example.language == "bash" and shutil.which(example.code.split()[0]) is None:
        pytest.skip(f"{example.code.split()[0]} is not installed here")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    env.update({"XMEM_API_URL": server.url, "XMEM_AUTH_TOKEN": KEY})
    assert run(example, env, tmp_path) is None


def test_an_example_that_prints_otherwise_or_fails_is_caught(tmp_path: Path) -> None:
    env = dict(os.environ)
    wrong = Example("doc.md", 1, "python", "print(1)  # 1\nprint(3)  # 2\n")
    assert run(wrong, env, tmp_path) == "doc.md:1 printed ['1', '3'], not ['2']"
    failing = Example("doc.md", 5, "bash", "echo hi  # hi\nfalse\n")
    assert (run(failing, env, tmp_path) or "").startswith("doc.md:5 exited with 1")
    assert run(Example("doc.md", 9, "bash", "echo hi  # hi\n"), env, tmp_path) is None
