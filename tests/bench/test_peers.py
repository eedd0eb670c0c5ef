"""bench/peers.py's own pieces: the facts, what counts as a right lookup, the summaries, the
report, the RESULTS.md section and the /proc readings. No server is run and nothing is timed
here: the benchmark is `python bench/peers.py`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import mcp_types as types
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `bench` lives beside `src`, outside the installed packages

from bench import peers  # noqa: E402


def test_the_facts_have_the_benchmark_sentence_shape() -> None:
    assert (
        peers.sentence(42) == "Person 00042 works at Company 7 and their email is p42@c7.example."
    )
    assert peers.person_object(42) == {
        "type": "person",
        "name": "Person 00042",
        "fields": {"email": "p42@c7.example", "company": "Company 7"},
    }
    assert peers.peer_entity(42)["observations"] == [peers.sentence(42)]
    assert peers.question(42) == "What is the email of Person 00042?"


def test_a_lookup_is_right_only_with_that_facts_email() -> None:
    assert peers.is_correct(42, "Person 00042's email is p42@c7.example.")
    assert not peers.is_correct(42, "No person named Person 00042 is stored.")
    # another fact's email is not this one's, even when it shares a prefix
    assert not peers.is_correct(4, "p42@c7.example")


def test_lookups_are_spread_over_the_whole_store() -> None:
    picked = peers.spread(100, 1000, salt=3)
    assert len(picked) == 100
    assert all(0 <= i < 1000 for i in picked)
    assert len(set(picked)) == 100
    assert min(picked) < 100 and max(picked) > 900
    assert peers.spread(5, 0) == []


def test_reply_bytes_and_text_see_both_parts_of_a_result() -> None:
    result = types.CallToolResult(
        content=[types.TextContent(text="Found one person.")],
        structured_content={"email": "p42@c7.example"},
    )
    text = peers.reply_text(result)
    assert "Found one person." in text and "p42@c7.example" in text
    wire = result.model_dump_json(by_alias=True, exclude_none=True)
    assert peers.reply_bytes(result) == len(wire.encode())


def synthetic(path: Path | None = None) -> peers.Results:
    r = peers.Results(path)
    r.put(
        "meta",
        {
            "date": "2026-11-30 12:00 UTC",
            "machine": "test machine",
            "sizes": [1000, 10000],
            "systems": ["ours", "floor", "peer"],
            "complete": True,
        },
    )
    for system, call in (("ours", 0.6), ("floor", 0.8), ("peer", 0.3)):
        for kind in ("cold", "warm"):
            r.add(f"start_{kind}_call/{system}", [call, call + 0.1, call - 0.1])
    r.put("tools_list_bytes/ours", 11 * 1024)
    for size, lookup in ((1000, 0.004), (10000, 0.005)):
        r.add(f"lookup/ours/{size}", [lookup] * 4)
        r.add(f"lookup/floor/{size}", [0.002] * 4)
        r.add(f"lookup_ok/ours/{size}", [True, True, True, False])
        r.add(f"write_obj/ours/{size}", [0.010, 0.012, 0.011])
        r.add(f"batch/ours/{size}", [0.05, 0.05])  # 1,000 facts each: 20,000/s
        r.put(f"rss/ours/{size}", 90 * 1024 * 1024)
        r.put(f"rss/floor/{size}", 60 * 1024 * 1024)
        r.put(f"disk/ours/{size}", 1024 * size)
        r.put(f"facts/ours/{size}", size)
    return r


def test_summaries_are_medians_rates_and_shares() -> None:
    r = synthetic()
    r.add("lookup_cpu_s/ours/1000", [0.02, 0.04])
    r.add("lookup_cpu_n/ours/1000", [10, 10])
    r.add("batch_cpu_s/ours/1000", [0.5])
    r.add("batch_cpu_n/ours/1000", [1000])
    assert peers.summary_value(r, "lookup_cpu", "ours", 1000) == pytest.approx(0.003)
    assert peers.summary_value(r, "batch_cpu", "ours", 1000) == pytest.approx(0.5)
    assert peers.summary_value(r, "lookup_cpu", "floor", 1000) is None
    assert peers.summary_value(r, "lookup", "ours", 1000) == pytest.approx(0.004)
    assert peers.summary_value(r, "batch_rate", "ours", 1000) == pytest.approx(20_000)
    assert peers.summary_value(r, "lookup_ok", "ours", 1000) == pytest.approx(0.75)
    assert peers.summary_value(r, "disk_per_fact", "ours", 10000) == pytest.approx(1024)
    assert peers.summary_value(r, "lookup", "peer", 1000) is None
    assert peers.ratio(None, 2.0) is None and peers.ratio(1.0, 0.0) is None


def test_the_report_gives_ratios_and_judges_the_targets() -> None:
    text = peers.report(synthetic())
    assert (
        "| cold: … → first call answered | 600.0 ms | 800.0 ms | 300.0 ms | 0.75x | 2.00x |" in text
    )
    assert "| 10,000 | lookup (median) | 5.0 ms | 2.0 ms | — | 2.50x | — |" in text
    assert "- lookup ≤ floor + 2 ms at 10,000: floor + 3.0 ms — NOT met" in text
    assert "- batched ≥ 10,000 facts/s: 20,000/s — met" in text
    assert "- RSS ≤ 1.2x the floor at 10,000: 1.50x — NOT met" in text
    assert "- lookup correctness, ours: 6/8 — NOT met" in text
    assert "- `tools/list` ≤ 12 KB: 11.0 KB — met" in text
    assert "PARTIAL" not in text


def test_an_interrupted_run_is_reported_as_partial(tmp_path: Path) -> None:
    path = tmp_path / "raw.json"
    r = synthetic(path)
    meta = r.one("meta")
    meta["complete"] = False
    r.put("meta", meta)
    again = peers.Results.load(path)  # saved as it went: what a later --report reads
    assert again.data == json.loads(path.read_text())
    assert "PARTIAL run" in peers.report(again)


def test_recording_appends_inside_the_peers_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Engine\n\nearlier numbers\n")
    peers.record(results, "### run one\n")
    peers.record(results, "### run two\n")
    text = results.read_text()
    assert text.startswith("# Benchmark results\n\n## Engine\n\nearlier numbers\n")
    assert text.count("<!-- peers:start -->") == 1 and text.count("<!-- peers:end -->") == 1
    section = text.split("<!-- peers:start -->")[1].split("<!-- peers:end -->")[0]
    assert section.index("### run one") < section.index("### run two")


@pytest.mark.parametrize("given", ["", "1000,100", "10,-1", "ten", "1000,1000"])
def test_bad_sizes_are_refused_saying_what_is_wrong(given: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="sizes must be"):
        peers.sizes_arg(given)


def test_sizes_and_systems_are_parsed() -> None:
    assert peers.sizes_arg("1_000, 10_000,100000") == [1000, 10000, 100000]
    assert peers.systems_arg("ours, peer") == ["ours", "peer"]
    with pytest.raises(argparse.ArgumentTypeError, match="systems are some of"):
        peers.systems_arg("ours,redis")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux's /proc")
def test_proc_readings_of_this_process() -> None:
    me = os.getpid()
    assert me in peers.tree(me)
    assert peers.rss_bytes([me]) > 1024 * 1024
    assert peers.cpu_seconds([me]) > 0
    assert "python" in peers.cmdline(me) or "pytest" in peers.cmdline(me)


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = peers.plot(synthetic(), tmp_path / "plot.png")
    assert png is not None and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_npm_the_peer_is_skipped_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm, no node
    entry, version, why = peers.install_peer(tmp_path / "npm")
    assert entry is None and version == ""
    assert why == "skipped: npm is not installed"
