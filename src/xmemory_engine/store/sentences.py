"""The indexed sentences of an instance, listed in the order they were said: what a sentence
index (`semantic.SentenceIndex`) reads to keep its vectors in step with the passages."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from xmemory_engine.store.base import PassageRow
from xmemory_engine.store.provenance import PASSAGE_SHIFT, passage_texts

_IN_CHUNK = 500


def sentences_after(conn: sqlite3.Connection, after: int, limit: int) -> list[tuple[int, str]]:
    """Up to `limit` (passage id, sentence) pairs with ids above `after`, oldest first."""
    ids = [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM _xm_passage_docsize WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
        )
    ]
    texts = passage_texts(conn, ids)  # indexed already: listed from the index itself
    return [(i, texts[i]) for i in ids if texts.get(i)]


def passages_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[PassageRow]:
    """The passages with these ids that are still indexed, in the order asked (rank 0)."""
    wanted = list(dict.fromkeys(ids))
    indexed: set[int] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        indexed.update(
            int(r[0])
            for r in conn.execute(
                f"SELECT id FROM _xm_passage_docsize WHERE id IN ({marks})", chunk
            )
        )
    texts = passage_texts(conn, [i for i in wanted if i in indexed])
    return [PassageRow(i, texts[i], i >> PASSAGE_SHIFT, 0.0) for i in wanted if texts.get(i)]
