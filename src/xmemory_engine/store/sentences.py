"""The indexed sentences of an instance, listed in the order they were said: what a sentence
index (`semantic.SentenceIndex`) reads to keep its vectors in step with the passages."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from xmemory_engine.store.base import PassageRow
from xmemory_engine.store.provenance import PASSAGE_SHIFT

_IN_CHUNK = 500


def sentences_after(conn: sqlite3.Connection, after: int, limit: int) -> list[tuple[int, str]]:
    """Up to `limit` (passage id, sentence) pairs with ids above `after`, oldest first."""
    ids = [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM _xm_passage_docsize WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
        )
    ]
    return [(row.id, row.text) for row in passages_by_id(conn, ids)]


def passages_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[PassageRow]:
    """The passages with these ids that are still indexed, in the order asked (rank 0)."""
    indexed: set[int] = set()
    texts: dict[int, str] = {}
    episodes: dict[int, str] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start : start + _IN_CHUNK])
        marks = ",".join("?" * len(chunk))
        indexed.update(
            int(r[0])
            for r in conn.execute(
                f"SELECT id FROM _xm_passage_docsize WHERE id IN ({marks})", chunk
            )
        )
        texts.update(
            (int(r[0]), str(r[1]))
            for r in conn.execute(f"SELECT id, text FROM _xm_sentence WHERE id IN ({marks})", chunk)
        )
    # A sentence that is its episode's whole text is kept only as the episode.
    wanted = sorted({i >> PASSAGE_SHIFT for i in indexed if i not in texts})
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        episodes.update(
            (int(r[0]), str(r[1]))
            for r in conn.execute(f"SELECT id, text FROM _xm_episode WHERE id IN ({marks})", chunk)
        )
    found: list[PassageRow] = []
    for i in ids:
        if i not in indexed:
            continue
        text = texts.get(i) or episodes.get(i >> PASSAGE_SHIFT)
        if text:
            found.append(PassageRow(i, text, i >> PASSAGE_SHIFT, 0.0))
    return found
