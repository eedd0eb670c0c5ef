"""Episodes, facts and passages on SQLite: writing them inside a write's transaction, and
reading them back (see `internal.py` for the tables).

A fact's value is stored as JSON, so `1`, `"1"` and `true` stay apart. The record's own fact
(field `''`) says which episode created it; a relation's says which linked it.

Compact facts (since engine version 4; older rows are read as they are):
- a new record's own fact holds, as its value, a JSON object of the values it was created
  with; each of them is a fact of that episode without a row of its own. `facts()` reports
  them one per field, with the record fact's id, episode and retirement; a field with a row
  of its own (a later value) is reported from its rows instead. When a later write changes
  such a field, the creation value gets its row then (retired by that write), so history is
  the same as if every value had had a row from the start. A record of five values is one
  row, not six.
- `recorded_at` is left empty ('') when it is its episode's `recorded_at` (every fact a write
  records is), and read from the episode.
- a long text that a write extends (the new value starts with the one it replaces: notes that
  grow sentence by sentence) is stored as what was appended, `{"+": "..."}` (a field's value
  is never a JSON object otherwise), and rebuilt from the value it replaced when read; so a
  record written to a thousand times costs what was said, not a thousand copies of it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from xmemory_engine.fast_json import encoder_made_once
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


def insert_episode(
    conn: sqlite3.Connection,
    draft: EpisodeDraft,
    now: str | None = None,
    *,
    layout: int = 4,
    episode_id: int | None = None,
) -> int:
    """Store `draft` and index its sentences; returns the episode id. `layout`: the engine
    version whose passage tables the file has (2 while the v2 migration backfills);
    `episode_id`: the id it had where it was exported from (None: the next one)."""
    payload = None if draft.payload is None else json.dumps(draft.payload, ensure_ascii=False)
    cursor = conn.execute(
        "INSERT INTO _xm_episode (id, write_id, kind, text, payload, occurred_at, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            episode_id,
            draft.write_id,
            draft.kind,
            draft.text,
            payload,
            draft.occurred_at,
            now or utc_now(),
        ),
    )
    episode_id = int(cursor.lastrowid or 0)
    said = draft.sentences if draft.sentences is not None else split_sentences(draft.text)
    sentences = said[: (1 << PASSAGE_SHIFT) - 1]
    first = episode_id << PASSAGE_SHIFT
    if layout < 4:
        conn.executemany(
            "INSERT INTO _xm_passage (rowid, words, text, episode_id) VALUES (?, ?, ?, ?)",
            [(first + i, index_words(s), s, episode_id) for i, s in enumerate(sentences)],
        )
        return episode_id
    conn.executemany(
        "INSERT INTO _xm_passage (rowid, words) VALUES (?, ?)",
        [(first + i, index_words(s)) for i, s in enumerate(sentences)],
    )
    # A sentence that is its episode's whole text (most are) is read from the episode.
    conn.executemany(
        "INSERT INTO _xm_sentence (id, text) VALUES (?, ?)",
        [(first + i, s) for i, s in enumerate(sentences) if s != draft.text],
    )
    return episode_id


class FactRecorder:
    """Records what one write did, fact by fact, against its episode (caller's transaction)."""

    def __init__(self, conn: sqlite3.Connection, episode_id: int) -> None:
        self.conn = conn
        self.episode_id = episode_id

    def created(self, type_name: str, records: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """New records (xuid, field values): one fact each, holding its non-null values."""
        rows: list[tuple[Any, ...]] = []
        for xuid, values in records:
            # A caller that passes only non-null values (`_insert_rows`) is not filtered again.
            present = (
                values
                if None not in values.values()
                else {f: v for f, v in values.items() if v is not None}
            )
            rows.append(
                (xuid, type_name, RECORD, _ENCODE(present) if present else None, self.episode_id)
            )
        self.conn.executemany(
            "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, '')",
            rows,
        )

    def changed(
        self,
        type_name: str,
        xuid: str,
        values: dict[str, Any],
        before: dict[str, Any] | None = None,
    ) -> None:
        """New values of some fields: each replaces (retires) the current one; a null clears.
        `before`: the record as it was, so an extended text is stored as what was added."""
        now = utc_now()
        old = before or {}
        for f in values:
            retired = self.conn.execute(
                "UPDATE _xm_fact SET retired_at = ?, retired_by = ? "
                "WHERE xuid = ? AND field = ? AND retired_at IS NULL",
                (now, self.episode_id, xuid, f),
            ).rowcount
            if not retired:
                self._retire_created(type_name, xuid, f, now)
        self.conn.executemany(
            "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, '')",
            [
                (xuid, type_name, f, _appended(old.get(f), v) or _encode(v), self.episode_id)
                for f, v in values.items()
                if v is not None
            ],
        )

    def _retire_created(self, type_name: str, xuid: str, field: str, now: str) -> None:
        """The field's value is still the one its record was created with (kept in the
        record's fact): give it a row of its own, retired by this write."""
        if self.conn.execute(
            "SELECT 1 FROM _xm_fact WHERE xuid = ? AND field = ? LIMIT 1", (xuid, field)
        ).fetchone():
            return  # it has rows already: its current value was cleared before
        row = self.conn.execute(
            "SELECT value, episode_id, recorded_at FROM _xm_fact "
            "WHERE xuid = ? AND field = ? AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
            (xuid, RECORD),
        ).fetchone()
        created = _bundle(row[0]) if row else {}
        if field not in created:
            return
        self.conn.execute(
            "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at, "
            "retired_at, retired_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                xuid,
                type_name,
                field,
                _encode(created[field]),
                row[1],
                row[2],
                now,
                self.episode_id,
            ),
        )

    def deleted(self, xuid: str) -> None:
        """The record is gone: every current fact of it is retired (and kept as history)."""
        self.conn.execute(
            "UPDATE _xm_fact SET retired_at = ?, retired_by = ? "
            "WHERE xuid = ? AND retired_at IS NULL",
            (utc_now(), self.episode_id, xuid),
        )


def records_said_in(conn: sqlite3.Connection, episode_id: int) -> list[str]:
    """The xuids of the records an episode gave a value to, in the order it gave them."""
    rows = conn.execute(
        "SELECT xuid, min(id) AS first FROM _xm_fact WHERE episode_id = ? GROUP BY xuid "
        "ORDER BY first",
        (episode_id,),
    ).fetchall()
    return [r[0] for r in rows]


def facts(conn: sqlite3.Connection, xuids: Sequence[str], *, current_only: bool) -> list[FactRow]:
    wanted = list(dict.fromkeys(xuids))
    found: list[FactRow] = []
    current = " AND f.retired_at IS NULL" if current_only else ""
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT f.*, e.recorded_at AS said_at FROM _xm_fact AS f "
            "LEFT JOIN _xm_episode AS e ON e.id = f.episode_id "
            f"WHERE f.xuid IN ({marks}){current}",
            chunk,
        ).fetchall()
        # Fields with rows of their own: their value kept in the record's fact is history.
        if current_only:
            own = {
                (r[0], r[1])
                for r in conn.execute(
                    f"SELECT DISTINCT xuid, field FROM _xm_fact WHERE xuid IN ({marks}) "
                    "AND field != ''",
                    chunk,
                )
            }
        else:
            own = {(r["xuid"], r["field"]) for r in rows if r["field"] != RECORD}
        for row in rows:
            fact = _fact(row)
            found.append(fact)
            if fact.field == RECORD and row["value"] is not None:
                # Each value a row of its own, built directly: `dataclasses.replace` checks
                # and copies field by field (~3 us a value, several a record, every lookup).
                xuid, kind, episode = fact.xuid, fact.type, fact.episode_id
                said, retired, by = fact.recorded_at, fact.retired_at, fact.retired_by
                found += [
                    FactRow(fact.id, xuid, kind, name, value, episode, said, retired, by)
                    for name, value in _bundle(row["value"]).items()
                    if (xuid, name) not in own
                ]
    # Oldest first: by episode (a value's row made when it is replaced keeps its episode).
    found.sort(key=lambda f: (f.episode_id, f.id))
    extended = {(f.xuid, f.field) for f in found if _is_addition(f.value)}
    if extended:
        found = _rebuild(conn, found, extended, current_only)
    return found


def _is_addition(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {_ADDED}


def _rebuild(
    conn: sqlite3.Connection,
    found: list[FactRow],
    extended: set[tuple[str, str]],
    current_only: bool,
) -> list[FactRow]:
    """Every value stored as an addition, whole: its field's values in order, each the one
    before it plus what was added."""
    history: dict[tuple[str, str], list[FactRow]] = {}
    for xuid, field in extended:
        if current_only:  # the values it was built on are not among those found
            rows = conn.execute(
                "SELECT f.*, e.recorded_at AS said_at FROM _xm_fact AS f "
                "LEFT JOIN _xm_episode AS e ON e.id = f.episode_id "
                "WHERE f.xuid = ? AND f.field = ?",
                (xuid, field),
            ).fetchall()
            chain = sorted((_fact(r) for r in rows), key=lambda f: (f.episode_id, f.id))
        else:
            chain = [f for f in found if (f.xuid, f.field) == (xuid, field)]
        history[(xuid, field)] = chain
    whole: dict[tuple[str, str, int], Any] = {}
    for chain in history.values():
        previous: Any = None
        for fact in chain:
            value = fact.value
            if _is_addition(value):
                value = (previous if isinstance(previous, str) else "") + str(value[_ADDED])
            whole[(fact.xuid, fact.field, fact.id)] = value
            previous = value
    return [
        replace(f, value=whole[(f.xuid, f.field, f.id)]) if (f.xuid, f.field, f.id) in whole else f
        for f in found
    ]


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
        "SELECT rowid, bm25(_xm_passage) AS rank FROM _xm_passage "
        f"WHERE _xm_passage MATCH ? AND rowid > ? ORDER BY {order} LIMIT ?",
        (match, after, limit),
    ).fetchall()
    texts = passage_texts(conn, [int(r[0]) for r in rows])
    return [
        PassageRow(i, texts.get(i, ""), i >> PASSAGE_SHIFT, rank)
        for i, rank in ((int(r[0]), float(r[1])) for r in rows)
    ]


def passage_texts(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """The sentence of each passage id: kept on its own, or (most are) its episode's whole text."""
    texts = _texts(conn, "SELECT id, text FROM _xm_sentence", ids)
    whole = _texts(
        conn,
        "SELECT id, text FROM _xm_episode",
        sorted({i >> PASSAGE_SHIFT for i in ids if i not in texts}),
    )
    for i in ids:
        if i not in texts and (i >> PASSAGE_SHIFT) in whole:
            texts[i] = whole[i >> PASSAGE_SHIFT]
    return texts


def _texts(conn: sqlite3.Connection, select: str, ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(
            (int(r[0]), str(r[1])) for r in conn.execute(f"{select} WHERE id IN ({marks})", chunk)
        )
    return found


class TermCounts:
    """How many sentences held each term when it was last counted, kept across reads.

    Counting a common word reads its whole list of sentences (5 ms for a word in 100,000); a
    term's weight needs its share, not the exact count, so a count is reused until the index
    has grown by a tenth (or 1,000 sentences) since it was taken."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}  # term -> (sentences holding it, total)

    def get(self, term: str, total: int) -> int | None:
        with self._lock:
            found = self._counts.get(term)
        if found is None or total - found[1] > max(1000, found[1] // 10) or total < found[1]:
            return None
        return found[0]

    def put(self, term: str, count: int, total: int) -> None:
        with self._lock:
            if len(self._counts) > 50_000:
                self._counts.clear()  # bounded: a cache, not a second index
            self._counts[term] = (count, total)


class SnapshotCounts(TermCounts):
    """`TermCounts`, and what every read asks of the whole file, kept until the file changes:
    the number of indexed sentences and the newest text write.

    Counting the sentences reads the whole size table: 0.4-0.7 ms a read at 100,000 sentences
    once the read's other queries had pushed its pages out of the connection's cache (0.02 ms
    at 10,000); finding a text write after an episode walked the episodes after it. Both grew
    with the store. `PRAGMA data_version` tells when to look again: read in the snapshot, it
    moves whenever another connection has committed (the writer); the connection these are
    kept for (the instance's reader) writes nothing."""

    def __init__(self) -> None:
        super().__init__()
        # conn, version, sentences, newest text episode (None: not looked up yet)
        self._seen: tuple[sqlite3.Connection, int, int | None, int | None] | None = None

    def _kept(self, conn: sqlite3.Connection) -> tuple[int, int | None, int | None]:
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        with self._lock:
            seen = self._seen
        if seen is not None and seen[0] is conn and seen[1] == version:
            return version, seen[2], seen[3]
        return version, None, None

    def _keep(
        self, conn: sqlite3.Connection, version: int, total: int | None, text: int | None
    ) -> None:
        with self._lock:
            self._seen = (conn, version, total, text)

    def total(self, conn: sqlite3.Connection) -> int:
        version, total, text = self._kept(conn)
        if total is None:
            total = _count_passages(conn)
            self._keep(conn, version, total, text)
        return total

    def newest_text_episode(self, conn: sqlite3.Connection) -> int:
        """The id of the newest text write's episode (0: none)."""
        version, total, text = self._kept(conn)
        if text is None:
            row = conn.execute(
                "SELECT id FROM _xm_episode WHERE kind = 'text' ORDER BY id DESC LIMIT 1"
            ).fetchone()
            text = int(row[0]) if row is not None else 0
            self._keep(conn, version, total, text)
        return text


def _count_passages(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM _xm_passage_docsize").fetchone()[0] or 0)


EXACT_ROWS = 64
"""Most sentences holding a number whose ids and ranks a count keeps (`passage_frequency`)."""


def exact_match(term: str) -> str:
    """The match expression of a number looked up whole (`passages._match` writes the same)."""
    return f'words : "{term}"'


def _kept_exact(term: str) -> bool:
    # ASCII digits only: the index's tokenizer keeps them as they are, so the term list's
    # entry and the phrase of `exact_match` are the same token.
    return term.isascii() and term.isdigit()


def passage_frequency(
    conn: sqlite3.Connection,
    terms: Sequence[str],
    known: tuple[int, dict[str, int]] | None = None,
    cache: TermCounts | None = None,
    exact: dict[str, list[int]] | None = None,
) -> tuple[int, dict[str, int]]:
    """How many sentences are indexed and how many hold each prefix; `known` (from earlier in
    the same snapshot) saves counting the sentences again, `cache` reuses recent counts (and,
    a `SnapshotCounts`, the number of sentences until the file changes).

    With `exact`, a number to count (ASCII digits, matched whole) is counted by fetching the
    ids of the sentences holding it, when there are at most `EXACT_ROWS`: they go into
    `exact` (term -> passage ids), so that a search for that number alone after the last of
    them is known to find nothing without asking the index again. The index has one column,
    so the sentences matching the number are those its term list counts."""
    if known is not None:
        total = known[0]
    elif isinstance(cache, SnapshotCounts):
        total = cache.total(conn)
    else:
        total = _count_passages(conn)
    counts: dict[str, int] = {}
    for term in dict.fromkeys(terms):
        cached = cache.get(term, total) if cache is not None else None
        if cached is not None:
            counts[term] = min(total, cached)
            continue
        if exact is not None and _kept_exact(term):
            # Ids only: a rank (`bm25`) would walk the term's sentences a second time.
            rows = conn.execute(
                "SELECT rowid FROM _xm_passage WHERE _xm_passage MATCH ? LIMIT ?",
                (exact_match(term), EXACT_ROWS + 1),
            ).fetchall()
            if len(rows) <= EXACT_ROWS:
                exact[term] = [int(r[0]) for r in rows]
                counts[term] = min(total, len(rows))
                if cache is not None:
                    cache.put(term, counts[term], total)
                continue
        # Sentences holding any word the prefix starts (an estimate: a sentence with two
        # such words counts twice), from the index's own term list.
        # A number is matched whole (see passages.Term.exact).
        upper = term + ("\0" if term.isdigit() else "\U0010ffff")
        row = conn.execute(
            "SELECT sum(doc) FROM _xm_passage_terms WHERE term >= ? AND term < ?", (term, upper)
        ).fetchone()
        counts[term] = min(total, int(row[0] or 0))
        if cache is not None:
            cache.put(term, counts[term], total)
    return total, counts


def later_text_episode(conn: sqlite3.Connection, episode_id: int) -> bool:
    """Whether any text write came after this episode."""
    row = conn.execute(
        "SELECT 1 FROM _xm_episode WHERE id > ? AND kind = 'text' LIMIT 1", (episode_id,)
    ).fetchone()
    return row is not None


def _value_encoder() -> Callable[[Any], str]:
    """`json.JSONEncoder(ensure_ascii=False).encode`, the same text, made once: half of the
    ~2.7 us it took per fact, 1,000 of them per batch (`fast_json`)."""
    return encoder_made_once(
        json.JSONEncoder(ensure_ascii=False).encode,
        key_separator=": ",
        item_separator=", ",
        allow_nan=True,
        sample={"a": [1, 2.5, None, True, 'é\u2028"x"'], "b": {"c": -1e300, "d": float("nan")}},
    )


# One encoder for every value (see `_value_encoder`).
_ENCODE = _value_encoder()


def _encode(value: Any) -> str:
    if isinstance(value, str):
        return _ENCODE(value)
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, int):
        return str(int(value))
    return _ENCODE(value)


_ADDED = "+"
_SHORTEST_BASE = 200  # a shorter text is stored whole: the saving would not pay the rebuilding


def _appended(old: Any, new: Any) -> str | None:
    """`{"+": what was added}` when `new` extends the long text `old`, else None."""
    if (
        isinstance(old, str)
        and isinstance(new, str)
        and len(old) >= _SHORTEST_BASE
        and len(new) > len(old)
        and new.startswith(old)
    ):
        return _ENCODE({_ADDED: new[len(old) :]})
    return None


def _bundle(raw: Any) -> dict[str, Any]:
    """The values kept in a record's own fact (none for one stored before they were)."""
    if raw is None:
        return {}
    value = json.loads(raw)
    return value if isinstance(value, dict) else {}


def _fact(row: sqlite3.Row) -> FactRow:
    field = str(row["field"])
    raw = row["value"]
    return FactRow(
        id=int(row["id"]),
        xuid=str(row["xuid"]),
        type=str(row["type"]),
        field=field,
        # A record's own fact reports no value: the values it keeps are facts of their own.
        value=None if raw is None or field == RECORD else json.loads(raw),
        episode_id=int(row["episode_id"]),
        recorded_at=str(row["recorded_at"] or row["said_at"] or ""),
        retired_at=row["retired_at"],
        retired_by=row["retired_by"],
    )
