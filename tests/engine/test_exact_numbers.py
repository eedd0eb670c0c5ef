"""A number in a question ("Person 05720") is counted in the passage index by fetching the ids
of the sentences that hold it (`provenance.passage_frequency` with `exact`): the same count as
the index's term list, and a search for that number alone after the last of them finds
nothing without a second statement (said_later's search, after the record's own sentence);
any other search is the index's own."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from engine_testkit import CONTACTS_YML

from xmemory_engine.schema import parse_schema
from xmemory_engine.store import provenance
from xmemory_engine.store.base import EpisodeDraft, Tables
from xmemory_engine.store.instance import SqliteInstanceData, SqliteTables

pytestmark = pytest.mark.anyio


async def store(tmp_path: Path) -> SqliteInstanceData:
    schema = parse_schema(CONTACTS_YML)
    data = SqliteInstanceData(tmp_path / "one.sqlite", schema)
    await data.ensure_schema(schema)
    lines = [
        "Ticket 00042 is open.",
        "Person 00042 works at Company 7; her email is p42@c7.example.",
        "Order 7 shipped on day 7 of 7.",
        "Room 7 is booked.",
        "Person 00043 moved to Oslo.",
        "Update: ticket 00042 is closed.",
        "Locker 7 and desk 7 are free.",
        "Desk 00042 is free.",  # as long as the first: the same rank, the newer first
    ]
    for i, line in enumerate(lines):

        def nothing(t: Tables) -> dict[str, Any]:
            return {"changes": None}

        await data.apply(f"w{i}", schema, nothing, EpisodeDraft(f"w{i}", "text", line))
    return data


def searches(after_ids: list[int]) -> list[tuple[int, int, bool]]:
    return [
        (after, limit, newest)
        for after in after_ids
        for limit in (1, 2, 40)
        for newest in (False, True)
    ]


async def test_a_number_s_count_and_searches_are_the_index_s_own(tmp_path: Path) -> None:
    data = await store(tmp_path)
    schema = parse_schema(CONTACTS_YML)
    afters = [0] + [provenance.passages_after(e) for e in range(1, 9)]

    def compare(t: Tables) -> list[str]:
        assert isinstance(t, SqliteTables)
        conn = t.conn
        checked = []
        for number in ("00042", "00043", "7", "99999"):
            _, plain = provenance.passage_frequency(conn, [number])
            _, counted = t.passage_frequency([number])
            assert counted == plain
            match = provenance.exact_match(number)
            for after, limit, newest in searches(afters):
                got = t.search_passages(match, limit, after=after, newest=newest)
                assert got == provenance.search_passages(conn, match, limit, after, newest)
            checked.append(number)
        return checked

    assert await data.read(schema, compare) == ["00042", "00043", "7", "99999"]
    data.close()


async def test_a_search_after_a_counted_number_s_sentences_runs_no_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = await store(tmp_path)
    schema = parse_schema(CONTACTS_YML)
    monkeypatch.setattr(provenance, "EXACT_ROWS", 3)  # "7" and "00042" are in four sentences

    def statements(t: Tables, number: str, afters: list[int]) -> list[int]:
        """How many searches ran a statement of their own, each after one of `afters`, in one
        snapshot (the count of a number is kept between reads: counted once, here)."""
        assert isinstance(t, SqliteTables)
        match = provenance.exact_match(number)
        t.passage_frequency([number])
        counts = []
        for after in afters:
            ran: list[str] = []
            t.conn.set_trace_callback(ran.append)
            try:
                found = t.search_passages(match, 40, after=after)
            finally:
                t.conn.set_trace_callback(None)
            assert found == provenance.search_passages(t.conn, match, 40, after)
            counts.append(len([s for s in ran if "MATCH" in s and not s.startswith("--")]))
        return counts

    def sentences_of(t: Tables, number: str) -> list[int]:
        assert isinstance(t, SqliteTables)
        exact: dict[str, list[int]] = {}
        provenance.passage_frequency(t.conn, [number], exact=exact)
        return exact[number]

    (own,) = await data.read(schema, lambda t: sentences_of(t, "00043"))  # "moved to Oslo"
    last = provenance.passages_after(own >> provenance.PASSAGE_SHIFT)
    afters = [own, last, own - 1, 0]
    assert await data.read(schema, lambda t: statements(t, "00043", afters)) == [0, 0, 1, 1]
    assert await data.read(schema, lambda t: statements(t, "00042", afters)) == [1, 1, 1, 1]
    assert await data.read(schema, lambda t: statements(t, "7", afters)) == [1, 1, 1, 1]
    data.close()


def test_only_ascii_digits_are_counted_by_their_sentences(tmp_path: Path) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE _xm_passage USING fts5(words, content='')")
    conn.execute("CREATE VIRTUAL TABLE _xm_passage_terms USING fts5vocab(_xm_passage, 'row')")
    conn.execute("INSERT INTO _xm_passage (rowid, words) VALUES (1, 'x 42'), (2, 'x ٤٢')")
    exact: dict[str, list[int]] = {}
    _, counts = provenance.passage_frequency(conn, ["42", "٤٢", "x"], exact=exact)
    assert exact == {"42": [1]}
    assert counts == {"42": 1, "٤٢": 1, "x": 2}
    conn.close()
