"""Check the built sdist and wheel hold what a release needs, before anything installs them.

    python tests/release/check_dist.py dist/

The wheel must carry every file of the three packages under src/ (modules, the default schema,
the vocabulary, each py.typed: whatever is there, so a data file added later is checked too),
the `xmemory-mcp` console script, and the version written in src/xmemory/_version.py; nothing
else at its top level. The sdist must build that wheel again (pyproject, README, src/) and
carry no caches. Prints what it checked; exits 1 with every problem listed otherwise.
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("xmemory", "xmemory_mcp", "xmemory_engine")
# Named explicitly as well as found by the walk below, so that losing them from src/ fails too.
REQUIRED = (
    "xmemory/py.typed",
    "xmemory_mcp/py.typed",
    "xmemory_engine/py.typed",
    "xmemory_engine/default_schema.yml",
    "xmemory_engine/vocabulary.yml",
    "xmemory_engine/ui/static/index.html",
    "xmemory_engine/ui/static/vendor/cytoscape.esm.min.js",
    "xmemory_engine/ui/static/vendor/cytoscape.LICENSE",
)
ENTRY_POINT = "xmemory-mcp = xmemory_mcp.cli:main"
CACHE_PARTS = {"__pycache__", ".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def source_version() -> str:
    text = (ROOT / "src/xmemory/_version.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not match:
        raise SystemExit("src/xmemory/_version.py has no __version__ literal")
    return match.group(1)


def package_files() -> set[str]:
    """Every file of the packages in src/, as paths relative to src/ (the wheel's layout)."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / "src" / package).rglob("*"):
            rel = path.relative_to(ROOT / "src")
            if path.is_file() and not CACHE_PARTS & set(rel.parts) and path.suffix != ".pyc":
                found.add(rel.as_posix())
    return found


def cache_dirs(names: set[str]) -> set[str]:
    """The cache directories among archive paths, each named once (not each file in it)."""
    found = set()
    for name in names:
        parts = name.split("/")
        hits = [i for i, part in enumerate(parts) if part in CACHE_PARTS]
        if hits:
            found.add("/".join(parts[: hits[0] + 1]))
    return found


def check_wheel(wheel: Path, version: str) -> list[str]:
    problems = []
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        dist_info = f"xmemory_mcp-{version}.dist-info"
        metadata = Parser().parsestr(zf.read(f"{dist_info}/METADATA").decode())
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
    expected = package_files() | set(REQUIRED)
    problems += [f"wheel lacks {name}" for name in sorted(expected - names)]
    tops = {name.split("/")[0] for name in names} - {dist_info}
    problems += [
        f"wheel has an unexpected top-level {top!r}" for top in sorted(tops - set(PACKAGES))
    ]
    problems += [f"wheel carries a cache: {d}/" for d in sorted(cache_dirs(names))]
    if metadata["Version"] != version:
        problems.append(f"wheel METADATA says {metadata['Version']}, _version.py says {version}")
    if ENTRY_POINT not in entry_points.splitlines():
        problems.append(f"wheel entry_points.txt lacks {ENTRY_POINT!r}")
    print(f"  {wheel.name}: {len(expected)} package files, version, console script checked")
    return problems


def check_sdist(sdist: Path, version: str) -> list[str]:
    problems = []
    prefix = f"xmemory_mcp-{version}/"
    with tarfile.open(sdist) as tf:
        names = {m.name for m in tf.getmembers() if m.isfile()}
    needed = {"pyproject.toml", "README.md", "PKG-INFO"} | {f"src/{n}" for n in package_files()}
    problems += [f"sdist lacks {n}" for n in sorted(needed) if prefix + n not in names]
    problems += [f"sdist carries a cache: {d}/" for d in sorted(cache_dirs(names))]
    print(f"  {sdist.name}: {len(names)} files checked for the sources and for caches")
    return problems


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    version = source_version()
    wheels = list(dist.glob("*.whl"))
    sdists = list(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {dist}, found {wheels + sdists}")
        return 1
    if wheels[0].name != f"xmemory_mcp-{version}-py3-none-any.whl":
        print(f"wheel {wheels[0].name} is not the pure-Python {version} one")
        return 1
    print(f"checking {dist}/:")
    problems = check_wheel(wheels[0], version) + check_sdist(sdists[0], version)
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
