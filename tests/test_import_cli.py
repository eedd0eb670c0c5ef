"""`xmemory-mcp export` / `import` (and under `engine`) on real data directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xmemory_mcp.cli import main

PEERS = Path(__file__).parent / "fixtures" / "peers"


def test_import_a_peer_file_then_move_the_instance_to_another_data_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two, out = tmp_path / "one", tmp_path / "two", tmp_path / "memory.jsonl"
    peer_file = str(PEERS / "server-memory.jsonl")
    assert main(["import", "server-memory", peer_file, "--dry-run", "--data-dir", str(one)]) == 0
    dry = capsys.readouterr().out
    assert "would create 6 and update 0 records" in dry
    assert "city -> note: 1 (left as notes, type kept)" in dry
    assert "kept as typed links: manages 1, lives_in 1, knows 1" in dry
    assert main(["--data-dir", str(one), "import", "server-memory", peer_file]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["records"] == {"created": 6, "updated": 0} and not report["dry_run"]

    assert main(["engine", "export", "--data-dir", str(one), "-o", str(out)]) == 0
    assert "exported 2 episodes, 9 records, 3 relations" in capsys.readouterr().err
    assert main(["import", "xmemory", str(out), "--data-dir", str(two)]) == 0
    restored = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert restored["counts"]["records"] == 9

    argv = ["export", "--format", "server-memory", "--instance", restored["instance_id"]]
    assert main([*argv, "--data-dir", str(two)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    names = sorted(i["name"] for i in lines if i["type"] == "entity")
    assert names == ["Acme Corp", "Ann Lee", "Bob Stone", "Launch plan", "Paris", "Rust"]
    assert sum(i["type"] == "relation" for i in lines) == 6


def test_mistakes_are_one_line_and_change_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    assert main(["export", "--format", "markdown", "--data-dir", data]) == 2
    assert "give it with -o FOLDER" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"type":"relation","from":"A"}\n')
    assert main(["import", "server-memory", str(broken), "--data-dir", data]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "xmemory-mcp: broken.jsonl line 1: a relation has 'from', 'to' and 'relationType'"
    )
    assert main(["import", "xmemory", str(tmp_path / "missing.jsonl"), "--data-dir", data]) == 1
    assert "No such file or directory" in capsys.readouterr().err
    assert main(["export", "--data-dir", data]) == 0
    end = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert end == {"end": {"episodes": 0, "records": 0, "relations": 0, "facts": 0}}
