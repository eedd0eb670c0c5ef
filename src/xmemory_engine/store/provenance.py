"""Episodes, facts and passages on SQLite: writing them inside a write's transaction, and
reading them back (see `internal.py` for the tables).

A fact's value is stored as JSON, so `1`, `"1"` and `true` stay apart. The record's own fact
(field `''`, value null) says which episode created it; a relation's says which linked it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from xmemory_engine.sentences import index_words, split_sentences
from xmemory_engine.store.base import EpisodeDraft, EpisodeRow, FactRow, PassageRow, utc_now

RECORD = ""  # the field name of a record's own fact
_IN_CHUNK = 500
# A passage's id is its episode's id shifted left by this many bits, plus its place in the
# episode; so ids follow episodes, and "said after episode E" is one rowid range in the index.
PASSAGE_SHIFT = 20


def passages_after(episode_id: int) -> int:
    """The last passage id an episode can have: sentences said later have larger ids."""
    return ((episode_id + 1) << PASSAGE_SHIFT) - 1


def insert_episode(conn: sqlite3.Connection, draft: EpisodeDraft, now: str | None = None) -> int:
    """Store `draft` and index its sentences; returns the episode id."""
    payload = None if draft.payload is None else json.dumps(draft.payload, ensure_ascii=False)
    cursor = conn.execute(
        "INSERT INTO _xm_episode (write_id, kind, text, payload, occurred_at, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (draft.write_id, draft.kind, draft.text, payload, draft.occurred_at, now or utc_now()),
    )
    episode_id = int(cursor.lastrowid or 0)
    sentences = split_sentences(draft.text)[: (1 << PASSAGE_SHIFT) - 1]
    first = episode_id << PASSAGE_SHIFT
    conn.executemany(
        "INSERT INTO _xm_passage (rowid, words, text, episode_id) VALUES (?, ?, ?, ?)",
        [(first + i, index_words(s), s, episode_id) for i, s in enumerate(sentences)],
    )
    return episode_id


class FactRecorder:
    """Records what one write did, fact by fact, against its episode (caller's transaction)."""

    def __init__(self, conn: sqlite3.Connection, episode_id: int) -> None:
        self.conn = conn
        self.episode_id = episode_id

    def created(self, type_name: str, records: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """New records (xuid, field values): their own fact and one per non-null value."""
        now = utc_now()
        rows: list[tuple[Any, ...]] = []
        for xuid, values in records:
            rows.append((xuid, type_name, RECORD, None, self.episode_id, now))
            rows += [
                (xuid, type_name, f, _encode(v), self.episode_id, now)
                for f, v in values.items()
                if v is not None
            ]
        self.conn.executemany(
            "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    def changed(self, type_name: str, xuid: str, values: dict[str, Any]) -> None:
        """New values of some fields: each replaces (retires) the current one; a null clears."""
        now = utc_now()
        self.conn.executemany(
            "UPDATE _xm_fact SET retired_at = ?, retired_by = ? "
            "WHERE xuid = ? AND field = ? AND retired_at IS NULL",
            [(now, self.episode_id, xuid, f) for f in values],
        )
        self.conn.executemany(
            "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (xuid, type_name, f, _encode(v), self.episode_id, now)
                for f, v in values.items()
                if v is not None
            ],
        )

    def deleted(self, xuid: str) -> None:
        """The record is gone: every current fact of it is retired (and kept as history)."""
        self.conn.execute(
            "UPDATE _xm_fact SET retired_at = ?, retired_by = ? "
            "WHERE xuid = ? AND retired_at IS NULL",
            (utc_now(), self.episode_id, xuid),
        )


def facts(conn: sqlite3.Connection, xuids: Sequence[str], *, current_only: bool) -> list[FactRow]:
    wanted = list(dict.fromkeys(xuids))
    found: list[FactRow] = []
    current = " AND retired_at IS NULL" if current_only else ""
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT * FROM _xm_fact WHERE xuid IN ({marks}){current} ORDER BY id", chunk
        ).fetchall()
        found += [_fact(r) for r in rows]
    found.sort(key=lambda f: f.id)
    return found


def episodes(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, EpisodeRow]:
    wanted = list(dict.fromkeys(ids))
    found: dict[int, EpisodeRow] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            "SELECT id, write_id, kind, text, occurred_at, recorded_at FROM _xm_episode "
            f"WHERE id IN ({marks})",
            chunk,
        ):
            found[r[0]] = EpisodeRow(r[0], r[1], r[2], r[3], r[4], r[5])
    return found


def search_passages(
    conn: sqlite3.Connection, match: str, limit: int, after: int = 0, newest: bool = False
) -> list[PassageRow]:
    # BM25 order ranks every matching sentence; newest-first stops after `limit` of them.
    order = "rowid DESC" if newest else "rank, rowid DESC"
    rows = conn.execute(
        "SELECT rowid, text, episode_id, bm25(_xm_passage) AS rank FROM _xm_passage "
        f"WHERE _xm_passage MATCH ? AND rowid > ? ORDER BY {order} LIMIT ?",
        (match, after, limit),
    ).fetchall()
    return [PassageRow(int(r[0]), str(r[1]), int(r[2]), float(r[3])) for r in rows]


def passage_frequency(conn: sqlite3.Connection, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
    total = int(conn.execute("SELECT count(*) FROM _xm_passage_docsize").fetchone()[0] or 0)
    counts: dict[str, int] = {}
    for term in dict.fromkeys(terms):
        # Sentences holding any word the prefix starts (an estimate: a sentence with two
        # such words counts twice), from the index's own term list.
        # A number is matched whole (see passages.Term.exact).
        upper = term + ("\0" if term.isdigit() else "\U0010ffff")
        row = conn.execute(
            "SELECT sum(doc) FROM _xm_passage_terms WHERE term >= ? AND term < ?", (term, upper)
        ).fetchone()
        counts[term] = min(total, int(row[0] or 0))
    return total, counts


def later_text_episode(conn: sqlite3.Connection, episode_id: int) -> bool:
    """Whether any text write came after this episode."""
    row = conn.execute(
        "SELECT 1 FROM _xm_episode WHERE id > ? AND kind = 'text' LIMIT 1", (episode_id,)
    ).fetchone()
    return row is not None


# One encoder for every value: `json.dumps(..., ensure_ascii=False)` builds a new one per call,
# which was most of the cost of recording a batch's facts.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _encode(value: Any) -> str:
    if isinstance(value, str):
        return _ENCODE(value)
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, int):
        return str(int(value))
    return _ENCODE(value)


def _fact(row: sqlite3.Row) -> FactRow:
    raw = row["value"]
    return FactRow(
        id=int(row["id"]),
        xuid=str(row["xuid"]),
        type=str(row["type"]),
        field=str(row["field"]),
        value=None if raw is None else json.loads(raw),
        episode_id=int(row["episode_id"]),
        recorded_at=str(row["recorded_at"]),
        retired_at=row["retired_at"],
        retired_by=row["retired_by"],
    )
