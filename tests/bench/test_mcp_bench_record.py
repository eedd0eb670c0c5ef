"""bench/mcp_bench.py writes its report at the end of its own section of RESULTS.md, before
whatever follows it: a heading, or the marker that opens the peers section."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))  # mcp_bench imports its neighbour `machine` by name

import mcp_bench  # noqa: E402

DOC = """# Benchmark results

## MCP server

### earlier run

<!-- peers:start -->
## Peers: the floor and server-memory

### a peers run
<!-- peers:end -->

## Write path cost (issue 11)
"""


def test_the_report_goes_before_the_peers_marker(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(DOC, encoding="utf-8")
    mcp_bench.record(results, "### new run\n\nfigures\n")
    text = results.read_text(encoding="utf-8")
    assert (
        text.index("### earlier run") < text.index("### new run") < text.index("<!-- peers:start")
    )
    assert "<!-- peers:start -->\n## Peers" in text
    assert text.count("### new run") == 1


def test_a_document_without_the_section_gets_it(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    mcp_bench.record(results, "### new run\n")
    text = results.read_text(encoding="utf-8")
    assert text.index("## MCP server") < text.index("### new run")
