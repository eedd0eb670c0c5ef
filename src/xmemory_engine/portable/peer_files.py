"""The files other memory servers keep, read and written line by line.

- @modelcontextprotocol/server-memory: a JSONL file, one object a line:
  `{"type": "entity", "name": ..., "entityType": ..., "observations": [...]}` and
  `{"type": "relation", "from": ..., "to": ..., "relationType": ...}`.
- basic-memory: a folder of Markdown notes, each with YAML front matter (`title`, `type`,
  `tags`, `permalink`), observations `- [category] content #tag (context)` and relations
  `- relation_type [[Target]]`; other lines are the note's prose.

A line or note that is not what the format says is an InvalidRequest naming its place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xmemory_engine.errors import InvalidRequest


@dataclass
class PeerEntity:
    name: str
    type: str
    observations: list[str]  # verbatim, as the peer keeps them
    labelled: list[tuple[str, str]] = field(default_factory=list)  # (label, value) of some
    tags: tuple[str, ...] = ()
    prose: list[str] = field(default_factory=list)  # what a note says besides observations
    where: str = ""


@dataclass
class PeerLink:
    source: str
    kind: str
    target: str
    where: str = ""


Item = PeerEntity | PeerLink

# "email: ann@acme.io", "Birthday - 1990-02-01" are a labelled value.
_LABELLED = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 _-]{0,39}?)\s*[:=]\s+(\S.*)$")


def labelled(observation: str) -> list[tuple[str, str]]:
    found = _LABELLED.match(observation)
    return [(found[1], found[2].strip())] if found else []


# -- server-memory --------------------------------------------------------------------------


def read_server_memory(path: Path) -> Iterator[Item]:
    try:
        handle = path.open("r", encoding="utf-8")
    except OSError as exc:
        raise InvalidRequest(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        for lineno, text in enumerate(handle, 1):
            if text.strip():
                yield _server_memory_item(text, f"{path.name} line {lineno}")


def _server_memory_item(text: str, where: str) -> Item:
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"{where}: not JSON ({exc.msg})", field=where) from None
    if not isinstance(item, dict):
        raise InvalidRequest(f"{where}: a line is a JSON object", field=where)
    kind = item.get("type")
    if kind == "entity":
        name, etype, said = item.get("name"), item.get("entityType"), item.get("observations")
        if not isinstance(name, str) or not name.strip() or not isinstance(etype, str):
            raise InvalidRequest(
                f"{where}: an entity has a 'name' and an 'entityType'", field=where
            )
        if said is None:
            said = []
        if not isinstance(said, list) or not all(isinstance(o, str) for o in said):
            raise InvalidRequest(f"{where}: 'observations' is a list of strings", field=where)
        observations = [o for o in said if o.strip()]
        return PeerEntity(
            name=name.strip(),
            type=etype.strip() or "entity",
            observations=observations,
            labelled=[pair for o in observations for pair in labelled(o)],
            where=where,
        )
    if kind == "relation":
        source, target, rtype = item.get("from"), item.get("to"), item.get("relationType")
        ends = [v.strip() if isinstance(v, str) else "" for v in (source, rtype, target)]
        if not all(ends):
            raise InvalidRequest(
                f"{where}: a relation has 'from', 'to' and 'relationType'", field=where
            )
        return PeerLink(ends[0], ends[1], ends[2], where)
    raise InvalidRequest(f"{where}: 'type' is 'entity' or 'relation', not {kind!r}", field=where)


def server_memory_entity(name: str, etype: str, observations: list[str]) -> str:
    item = {"type": "entity", "name": name, "entityType": etype, "observations": observations}
    return json.dumps(item, ensure_ascii=False) + "\n"


def server_memory_relation(source: str, target: str, kind: str) -> str:
    item = {"type": "relation", "from": source, "to": target, "relationType": kind}
    return json.dumps(item, ensure_ascii=False) + "\n"


# -- basic-memory ---------------------------------------------------------------------------

_OBSERVATION = re.compile(r"^\s*[-*]\s+\[([^\]\[]+)\]\s*(.+?)\s*$")
_RELATION = re.compile(r"^\s*[-*]\s+([^\[\]]+?)\s+\[\[([^\]]+)\]\]\s*(.*)$")
_TAG = re.compile(r"(?:^|\s)#[\w/-]+")
_CONTEXT = re.compile(r"\s*\(([^()]*)\)\s*$")


def read_basic_memory(folder: Path) -> Iterator[Item]:
    if not folder.is_dir():
        raise InvalidRequest(f"{folder} is not a folder (a basic-memory project is one)")
    for path in sorted(folder.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # .obsidian, .git and the like hold no notes
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidRequest(f"cannot read {path}: {exc}") from None
        yield from _note_items(text, str(path.relative_to(folder)), path.stem)


def _note_items(text: str, where: str, stem: str) -> Iterator[Item]:
    front, body = _front_matter(text, where)
    title = front.get("title")
    name = str(title).strip() if title is not None and str(title).strip() else stem
    tags = front.get("tags") or []
    if isinstance(tags, str):
        tags = [t for t in re.split(r"[,\s]+", tags) if t]
    entity = PeerEntity(
        name=name,
        type=str(front.get("type") or "note").strip(),
        observations=[],
        tags=tuple(str(t).lstrip("#") for t in tags if str(t).strip()),
        where=where,
    )
    links: list[PeerLink] = []
    for line in body.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped == "---":
            continue  # headings (the title, ## Observations), blank lines
        observed = _OBSERVATION.match(line)
        if observed:
            category, content = observed[1].strip(), observed[2]
            entity.observations.append(f"[{category}] {content}")
            value = _CONTEXT.sub("", _TAG.sub("", content)).strip()
            if value:
                entity.labelled.append((category, value))
            continue
        related = _RELATION.match(line)
        if related:
            links.append(PeerLink(name, related[1].strip(), related[2].strip(), where))
            continue
        entity.prose.append(stripped)
    yield entity
    yield from links


def _front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        raise InvalidRequest(f"{where}: front matter opened with '---' is never closed")
    import yaml

    try:
        data = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError as exc:
        raise InvalidRequest(f"{where}: front matter is not YAML ({exc})") from None
    if not isinstance(data, dict):
        raise InvalidRequest(f"{where}: front matter is a YAML mapping")
    rest = text[end + 4 :]
    return data, rest[rest.find("\n") + 1 :] if "\n" in rest else ""


def safe_file_name(name: str) -> str:
    """A name as a file name on any system (basic-memory names files by their titles)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", name).strip().strip(".")
    return (cleaned or "untitled")[:120]


def permalink(*parts: str) -> str:
    return "/".join(re.sub(r"[^0-9a-z]+", "-", p.lower()).strip("-") or "x" for p in parts)


def markdown_note(name: str, etype: str, observations: list[tuple[str, str]], folder: str) -> str:
    """A basic-memory note: front matter, the title, `- [category] text` observations."""
    import yaml

    front = yaml.safe_dump(
        {"title": name, "type": etype, "permalink": permalink(folder, name)},
        sort_keys=False,
        allow_unicode=True,
    )
    lines = [f"---\n{front}---\n", f"# {name}\n"]
    if observations:
        lines.append("## Observations")
        lines += [f"- [{category}] {content}" for category, content in observations]
        lines.append("")
    return "\n".join(lines)


def markdown_relation(kind: str, target: str) -> str:
    return f"- {kind} [[{target}]]"
