"""The engine's own tables inside each instance database, and their numbered migrations.

Object and relation tables follow the instance's schema (`instance.py`); these follow the
engine's version, recorded in `PRAGMA user_version`. Each migration runs in one transaction
together with the new version number, so a file is always at exactly one version.

- `_xm_applied` (v1): write ids applied here, in the same transaction as their changes
  (exactly once across a crash).
- `_xm_episode` (v2): every write's words, immutable: the text written, the agent's own
  sentence beside structured mutations, or a rendering of the mutations when none was given;
  when it was recorded and, when known, when what it tells happened.
- `_xm_fact` (v2): provenance and history. One row per value a write gave a field of a record
  (field `''` is the record's own existence: created, linked); `retired_at`/`retired_by` close
  it when a later write replaces or clears the value, or deletes the record. Current values
  are the rows with `retired_at IS NULL`; nothing is ever deleted from it.
- `_xm_passage` (v2): a full-text index (FTS5, BM25) over the sentences of every episode, so
  a read finds what extraction missed. Its own content (not external), so rows can be
  removed by rowid later without corrupting the index.

Version 2 also gives every record stored before it an episode of its own (a rendering of
its values, kind `migrated`) and current facts pointing at it, so evidence and history work
the same for old data.

- `_xm_term`, `_xm_term_field` (v3): the name index (`terms.py`), built for the records
  already stored, so matching a name by its words does not scan the table.

- `_xm_passage` (v4): the index keeps no copy of the sentences (FTS5 `content=''`): a
  sentence is read from `_xm_sentence (id, text)`, which holds those that are not their
  episode's whole text, else from its episode (the passage id says which). A row can still
  be removed, with FTS5's `'delete'` command and the words it was indexed with (`index_words`
  of that sentence). Facts are kept compact from v4 on (`provenance.py`): a new record's
  values live in its own fact, and a text a write extends is kept as what was added.

`_xm_applied` holds a write's compact outcome (its `changes`, bounded, and episode) only until
the catalog has recorded it; then the next write on the file deletes the row (see
`SqliteInstanceData.apply`). The episode, which keeps the write id for good, still says the
write was applied: exactly once holds after the row is gone.

- `_xm_passage` (v5): FTS5's `automerge` is off: the index's segments are merged after a
  write has been answered (`SqliteInstanceData.checkpoint`), not inside the commit the
  caller waits for. The setting is kept in the index's own config table, so it is part of
  the file's format.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from xmemory_engine.schema import Schema
from xmemory_engine.store.backfill import backfill_episodes
from xmemory_engine.store.sqlite import present_tables, transaction
from xmemory_engine.store.terms import TERMS_DDL, sync_terms

# unicode61 folds case and diacritics ("zoe" finds Zoë); prefix indexes make `term*` cheap.
PASSAGE_TOKENIZER = "unicode61 remove_diacritics 2"

_V1 = [
    """CREATE TABLE IF NOT EXISTS _xm_applied (
        write_id TEXT PRIMARY KEY, result TEXT NOT NULL, applied_at TEXT NOT NULL)""",
]
_V2 = [
    """CREATE TABLE _xm_episode (
        id INTEGER PRIMARY KEY,
        write_id TEXT,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        payload TEXT,
        occurred_at TEXT,
        recorded_at TEXT NOT NULL
    )""",
    "CREATE INDEX _xm_episode__write ON _xm_episode (write_id)",
    """CREATE TABLE _xm_fact (
        id INTEGER PRIMARY KEY,
        xuid TEXT NOT NULL,
        type TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT,
        episode_id INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        retired_at TEXT,
        retired_by INTEGER
    )""",
    "CREATE INDEX _xm_fact__record ON _xm_fact (xuid, field)",
    "CREATE INDEX _xm_fact__episode ON _xm_fact (episode_id)",
    # `words` is the sentence as indexed (letters Unicode does not decompose pre-folded: see
    # sentences.py); `text` is the sentence as said.
    f"""CREATE VIRTUAL TABLE _xm_passage USING fts5(
        words, text UNINDEXED, episode_id UNINDEXED,
        tokenize='{PASSAGE_TOKENIZER}', prefix='2 3')""",
    # How many sentences hold each term: the rarity (idf) of a question's words.
    "CREATE VIRTUAL TABLE _xm_passage_terms USING fts5vocab(_xm_passage, 'row')",
]

Migration = Callable[[sqlite3.Connection, "Schema | None"], None]


def _statements(statements: list[str]) -> Migration:
    def run(conn: sqlite3.Connection, schema: Schema | None) -> None:
        for statement in statements:
            conn.execute(statement)

    return run


def _v2(conn: sqlite3.Connection, schema: Schema | None) -> None:
    _statements(_V2)(conn, schema)
    if schema is not None:
        backfill_episodes(conn, schema)


_V4_PASSAGES = [
    # The sentences as indexed and as said, out of the old index (its content is dropped).
    """CREATE TEMP TABLE _xm_passage_v2 AS
        SELECT p.rowid AS id, p.words AS words, p.text AS text, e.text AS whole
        FROM _xm_passage AS p LEFT JOIN _xm_episode AS e ON e.id = p.episode_id""",
    "DROP TABLE _xm_passage_terms",
    "DROP TABLE _xm_passage",
    "CREATE TABLE _xm_sentence (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    f"""CREATE VIRTUAL TABLE _xm_passage USING fts5(
        words, content='', tokenize='{PASSAGE_TOKENIZER}', prefix='2 3')""",
    "CREATE VIRTUAL TABLE _xm_passage_terms USING fts5vocab(_xm_passage, 'row')",
    "INSERT INTO _xm_passage (rowid, words) SELECT id, words FROM temp._xm_passage_v2",
    """INSERT INTO _xm_sentence (id, text) SELECT id, text FROM temp._xm_passage_v2
        WHERE whole IS NULL OR text != whole""",
    "DROP TABLE temp._xm_passage_v2",
]


# FTS5 merged segments in every commit that added one (`automerge`, 4): at 100,000 records a
# 1,000-passage commit then took 15 ms on average (most commits ~2 ms, every few dozen one
# that merged a whole level, hundreds of ms) against 2 ms without. The same merges, by the
# same rule (a level of `usermerge` = 4 segments), are made by `'merge'` after the answer.
_V5 = ["INSERT INTO _xm_passage (_xm_passage, rank) VALUES ('automerge', 0)"]


def _v3(conn: sqlite3.Connection, schema: Schema | None) -> None:
    _statements(TERMS_DDL)(conn, schema)
    if schema is not None:
        sync_terms(conn, schema, present_tables(conn))


# (version, what it adds, how). Append only: a released migration never changes.
MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "applied write ids", _statements(_V1)),
    (2, "episodes, facts (provenance and history), full-text passages", _v2),
    (3, "name index", _v3),
    (4, "compact facts, passages read from their episodes", _statements(_V4_PASSAGES)),
    (5, "passage index merged after the answer, not in the commit", _statements(_V5)),
]
CURRENT_VERSION = MIGRATIONS[-1][0]


def migrate(conn: sqlite3.Connection, schema: Schema | None) -> int:
    """Bring the engine's tables of this file to the current version; returns the version
    the file was at. A file made before versions were recorded (user_version 0, with
    `_xm_applied`) is version 1. `schema` is the instance's, for the backfill of old records
    (None for a new file, which has none)."""
    conn.row_factory = sqlite3.Row
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found == 0 and _has_table(conn, "_xm_applied"):
        found = 1
    if found > CURRENT_VERSION:
        raise RuntimeError(
            f"this instance file is at version {found}, newer than this engine "
            f"({CURRENT_VERSION}); upgrade xmemory-mcp to open it"
        )
    if found == 0 and _is_empty(conn):
        # A new file: made at the current version in one transaction, so an instance's first
        # open syncs the file once rather than once a migration.
        with transaction(conn):
            for _, _, run in MIGRATIONS:
                run(conn, schema)
            conn.execute(f"PRAGMA user_version = {CURRENT_VERSION}")
        return found
    for version, _, run in MIGRATIONS:
        if version <= found:
            continue
        with transaction(conn):
            run(conn, schema)
            conn.execute(f"PRAGMA user_version = {version}")
    if schema is not None and found >= 3:
        # Another process may have updated the schema of this file since it was indexed.
        with transaction(conn):
            sync_terms(conn, schema, present_tables(conn))
    return found


def _is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None
