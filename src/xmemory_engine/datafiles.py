"""The engine's own data files: YAML written by hand, read at run time from a JSON twin.

The default schema, the read path's vocabulary and the rules' lexicon are YAML because people
edit them. Reading them with PyYAML cost a server ~25-30 ms of CPU before its first answer
(importing PyYAML ~13-20 ms, the default schema's pure-Python parse ~15 ms on a first start,
the vocabulary ~5 ms), so each has a JSON twin beside it, generated from it:

    python -m xmemory_engine.datafiles           # regenerate every twin after editing a YAML
    python -m xmemory_engine.datafiles --check   # exit 1 naming the twins that are stale

A twin records the SHA-256 of the YAML text it was made from. When the YAML has changed since
(edited, twin not yet regenerated), `load` parses the YAML itself: slower, never stale. A
test fails while any twin is stale, so the fast way is the one that ships.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Traversable  # where 3.10's typing has it

logger = logging.getLogger("xmemory_engine")

PACKAGE = "xmemory_engine"
# Paths inside the package, "/"-separated; each has a twin with ".json" for ".yml".
FILES = ("default_schema.yml", "vocabulary.yml", "minds/rules/lexicon.yml")
REGENERATE = "run `python -m xmemory_engine.datafiles` to regenerate"


class DataFileError(ValueError):
    """A data file that cannot be read, or whose YAML has no faithful JSON form."""


def twin_name(name: str) -> str:
    if not name.endswith(".yml"):
        raise DataFileError(f"{name}: a data file's name ends in .yml")
    return name[: -len(".yml")] + ".json"


def _resource(name: str) -> Traversable:
    # One joinpath per part: a multi-part joinpath is not in every Traversable (3.10).
    node = resources.files(PACKAGE)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(name: str) -> Any:
    """The data of the package's YAML file `name` (a path in FILES), from its twin when the
    twin was made from the YAML as it is now; parsed from the YAML otherwise. Not cached:
    each caller keeps what it derives, not the raw data."""
    if name not in FILES:
        raise DataFileError(f"{name}: not one of the engine's data files ({', '.join(FILES)})")
    text = _resource(name).read_text(encoding="utf-8")
    try:
        twin = json.loads(_resource(twin_name(name)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        twin = None
    if isinstance(twin, dict) and twin.get("source_sha256") == digest(text) and "data" in twin:
        return twin["data"]
    logger.info("%s has changed since its JSON twin was made (%s)", name, REGENERATE)
    return parse_yaml(name, text)


def parse_yaml(name: str, text: str) -> Any:
    """`text` as a safe YAML loader reads it (libyaml's when PyYAML has it), refused unless
    JSON holds it exactly: a twin must give the same data the YAML does."""
    import yaml  # only here: a current twin needs no YAML parser

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # a safe loader either way
    except yaml.YAMLError as exc:
        raise DataFileError(f"{name}: not valid YAML: {exc}") from exc
    try:
        same = json.loads(json.dumps(data, allow_nan=False)) == data
    except (TypeError, ValueError) as exc:  # a date, a set, NaN
        raise DataFileError(f"{name}: a value JSON cannot hold ({exc}); quote it") from exc
    if not same:  # a key that is not a string (`yes:` is True, `1:` is 1)
        raise DataFileError(f"{name}: a key that is not a string (JSON would change it); quote it")
    return data


def twin_text(name: str, text: str) -> str:
    """The JSON twin of the YAML `text` of the file `name`."""
    twin = {
        "generated_from": name,
        "note": f"Generated: edit {name.rsplit('/', 1)[-1]}, then {REGENERATE}.",
        "source_sha256": digest(text),
        "data": parse_yaml(name, text),
    }
    return json.dumps(twin, ensure_ascii=False, indent=1) + "\n"


def _source_dir() -> Path:
    # Regeneration writes files, so it works on a checkout (or an installed copy) on disk.
    return Path(str(resources.files(PACKAGE)))


def stale(root: Path | None = None) -> list[str]:
    """The data files whose twin is missing or differs from what their YAML generates."""
    base = root or _source_dir()
    found = []
    for name in FILES:
        twin = base / twin_name(name)
        expected = twin_text(name, (base / name).read_text(encoding="utf-8"))
        if not twin.exists() or twin.read_text(encoding="utf-8") != expected:
            found.append(name)
    return found


def regenerate(root: Path | None = None) -> list[str]:
    """Write every stale twin; the names of the files whose twin was written."""
    base = root or _source_dir()
    written = stale(base)
    for name in written:
        text = twin_text(name, (base / name).read_text(encoding="utf-8"))
        # newline="\n": the same bytes on every platform, so the check compares like with like
        (base / twin_name(name)).write_text(text, encoding="utf-8", newline="\n")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["--check"]):
        print("usage: python -m xmemory_engine.datafiles [--check]", file=sys.stderr)
        return 2
    try:
        if args == ["--check"]:
            behind = stale()
            for name in behind:
                print(f"{name}: its JSON twin is stale; {REGENERATE}", file=sys.stderr)
            return 1 if behind else 0
        for name in regenerate():
            print(f"wrote {twin_name(name)}")
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
