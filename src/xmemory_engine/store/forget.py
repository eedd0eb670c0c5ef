"""Forgetting on SQLite: what `forget` removes from an instance's file, and how its bytes go.

What is forgotten (`ForgetRequest`):
- a text: every stored value that mentions it, as whole words in any case ("12 Elm Street"
  is in "Lives at 12 elm street." but "Ann" is not in "Annabel"). A record whose naming,
  primary-key or required field mentions it is removed whole; in any other text field the
  sentences that mention it are dropped (the field is cleared when none is left); a relation
  whose field mentions it is removed. Text values only: numbers and booleans are never
  matched by a text.
- a record (type and xuid, or its primary key): removed whole.

With a removed record go its links, every fact of it and of them (history and provenance),
and its name in the name index; its name is then forgotten everywhere, and its other values
in the episodes that told them (its provenance). A field that loses a value loses that value's
history (a history row holding it would tell it again): its remaining value is kept as one
current fact of the episode that set it. In every episode the sentences that mention what is
forgotten are replaced by `FORGOTTEN` (the rest of the episode is kept), its passages are
indexed again without them, and the write markers (`_xm_applied`) lose it too.

Then the bytes: the connection deletes with `secure_delete` (freed content is overwritten
with zeros), the full-text index is merged into one segment (FTS5 keeps a deleted row's
terms in older segments until a merge), the file is rebuilt by VACUUM (no free page or
freed cell keeps old text), and the WAL is checkpointed and truncated to zero bytes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.sentences import index_words, split_sentences
from xmemory_engine.store.base import ForgetReport, ForgetRequest
from xmemory_engine.store.naming import name_field
from xmemory_engine.store.provenance import PASSAGE_SHIFT, RECORD, facts
from xmemory_engine.store.sqlite import transaction

FORGOTTEN = "[forgotten]"
"""What a forgotten sentence (or a forgotten text inside one) is replaced by."""
SHORTEST_VALUE = 3
"""A removed record's values shorter than this are not looked for in its episodes ("no")."""


def mentions(needles: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern finding any of `needles` as whole words, in any case and spacing; None when
    there is nothing to find."""
    parts = []
    for needle in sorted({n.strip() for n in needles if n and n.strip()}, key=len, reverse=True):
        body = r"\s+".join(re.escape(w) for w in needle.split())
        # A word boundary only where the needle starts or ends with a word character: "@acme.io"
        # is found in "ann@acme.io", "Ann" is not found in "Annabel".
        head = r"(?<!\w)" if re.match(r"\w", needle) else ""
        tail = r"(?!\w)" if re.search(r"\w$", needle) else ""
        parts.append(head + body + tail)
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def redact_text(text: str, pattern: re.Pattern[str]) -> str | None:
    """`text` without its sentences that match (None when no sentence is left)."""
    kept = [s for s in split_sentences(text) if not pattern.search(s)]
    return " ".join(kept) if kept else None


def redact_sentences(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with each sentence that matches replaced by `FORGOTTEN`."""
    if not pattern.search(text):
        return text
    said = [FORGOTTEN if pattern.search(s) else s for s in split_sentences(text)]
    return pattern.sub(FORGOTTEN, " ".join(said))  # a match across sentences


def redact_json(value: Any, pattern: re.Pattern[str] | None) -> Any:
    """A JSON value with every sentence of its strings that matches replaced by `FORGOTTEN`."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return redact_sentences(value, pattern)
    if isinstance(value, list):
        return [redact_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: redact_json(v, pattern) for k, v in value.items()}
    return value


def forget(conn: sqlite3.Connection, schema: Schema, request: ForgetRequest) -> ForgetReport:
    """Forget what `request` names, in one write transaction on `conn`; then erase the bytes."""
    from xmemory_engine.store.instance import SqliteTables  # instance.py imports this module

    conn.execute("PRAGMA secure_delete=ON")
    try:
        with transaction(conn):
            tables = SqliteTables(conn, schema)
            report = _Forgetting(conn, schema, tables).run(request)
            if report.records or report.relations or report.fields or report.sentences:
                # Merge the index into one segment: a deleted row's terms leave the file.
                conn.execute("INSERT INTO _xm_passage (_xm_passage) VALUES ('optimize')")
        erase_freed(conn)
    finally:
        conn.execute("PRAGMA secure_delete=OFF")
    return report


def erase_freed(conn: sqlite3.Connection) -> None:
    """Rebuild the file (VACUUM) and empty its WAL, so no deleted byte stays in either."""
    conn.execute("VACUUM")
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:  # a reader held the WAL past the busy timeout: its old frames may remain
        raise RuntimeError("the WAL could not be emptied (a reader held it); forget again")


class _Forgetting:
    """One forget, inside its transaction: finds what goes, removes it, counts it."""

    def __init__(self, conn: sqlite3.Connection, schema: Schema, tables: Any) -> None:
        self.conn = conn
        self.schema = schema
        self.tables = tables
        self.report = ForgetReport()
        self.everywhere: set[str] = set()  # forgotten in every episode
        self.in_episodes: dict[int, set[str]] = {}  # forgotten in these episodes only
        self.pattern: re.Pattern[str] | None = None

    def run(self, request: ForgetRequest) -> ForgetReport:
        if request.text is not None:
            self.everywhere.add(request.text)
            self.pattern = mentions([request.text])
            self._by_text()
        else:
            spec = self.schema.objects.get(str(request.object_type))
            record = None
            if spec is not None and request.xuid is not None:
                record = self.tables.get(spec, request.xuid)
            elif spec is not None and request.key:
                record = self.tables.find_by_key(spec, request.key)
            if spec is not None and record is not None:
                self._remove_record(spec, record)
        self._redact_episodes()
        self._redact_markers()
        self.report.needles = sorted(
            self.everywhere.union(*self.in_episodes.values()), key=len, reverse=True
        )
        return self.report

    # -- finding ----------------------------------------------------------------------------

    def _matches(self, value: Any) -> bool:
        return (
            isinstance(value, str) and self.pattern is not None and bool(self.pattern.search(value))
        )

    def _by_text(self) -> None:
        for rel in self.schema.relations.values():
            for link in self._rows_mentioning(rel):
                self._remove_link(rel, link)
        touched: dict[str, tuple[ObjectSpec, set[str]]] = {}
        for spec in self.schema.objects.values():
            whole = {name_field(spec), *spec.primary_key}
            whole |= {f for f, fs in spec.fields.items() if fs.required}
            for record in self._rows_mentioning(spec):
                hit = {f for f in spec.fields if self._matches(record.get(f))}
                if hit & whole:
                    self._remove_record(spec, record)
                else:
                    touched.setdefault(record["xuid"], (spec, set()))[1].update(hit)
        # Values told before and since replaced: the history rows that hold them.
        for xuid, type_name, field in self._facts_mentioning():
            spec_or_none = self.schema.objects.get(type_name)
            if spec_or_none is not None and field in spec_or_none.fields:
                touched.setdefault(xuid, (spec_or_none, set()))[1].add(field)
        for xuid, (spec, fields) in touched.items():
            if self.tables.get(spec, xuid) is not None:
                self._redact_fields(spec, xuid, fields)

    def _rows_mentioning(self, spec: ObjectSpec | RelationSpec) -> list[dict[str, Any]]:
        text_fields = [
            f for f, fs in spec.fields.items() if fs.type not in ("int", "float", "bool")
        ]
        if not text_fields:
            return []
        self.conn.create_function("xm_mentions", 1, self._matches, deterministic=True)
        where = " OR ".join(f"xm_mentions({_q(f)})" for f in text_fields)
        xuids = [
            r[0] for r in self.conn.execute(f"SELECT xuid FROM {_q(spec.table)} WHERE {where}")
        ]
        return [self.tables.get(spec, x) for x in xuids]

    def _facts_mentioning(self) -> set[tuple[str, str, str]]:
        found: set[tuple[str, str, str]] = set()
        for xuid, type_name, field, raw in self.conn.execute(
            "SELECT xuid, type, field, value FROM _xm_fact WHERE value IS NOT NULL"
        ):
            value = json.loads(raw)
            if field == RECORD and isinstance(value, dict):  # the values it was created with
                found.update((xuid, type_name, f) for f, v in value.items() if self._matches(v))
            elif isinstance(value, dict):  # an extension of a text: what was added
                if any(self._matches(v) for v in value.values()):
                    found.add((xuid, type_name, field))
            elif self._matches(value):
                found.add((xuid, type_name, field))
        return found

    # -- removing ---------------------------------------------------------------------------

    def _remove_record(self, spec: ObjectSpec, record: dict[str, Any]) -> None:
        xuid = record["xuid"]
        for rel, link in self.tables.links_of(xuid):
            self._remove_link(rel, link)
        told = self._drop_facts(xuid)
        values = {v for f in told for v in _texts(f.value)} | set(_texts(record))
        name = name_field(spec)
        if name is not None and isinstance(record.get(name), str):
            self.everywhere.add(record[name])
        for episode in {f.episode_id for f in told} | {f.retired_by for f in told if f.retired_by}:
            self.in_episodes.setdefault(episode, set()).update(
                v for v in values if len(v.strip()) >= SHORTEST_VALUE
            )
        self.tables.delete(spec, xuid)
        self.report.records.append({"type": spec.name, "xuid": xuid})

    def _remove_link(self, spec: RelationSpec, link: dict[str, Any]) -> None:
        if self.tables.get(spec, link["xuid"]) is None:
            return  # removed already (it linked two removed records)
        told = self._drop_facts(link["xuid"])
        values = {v for f in told for v in _texts(f.value)} | set(_texts(link, spec))
        for episode in {f.episode_id for f in told}:
            self.in_episodes.setdefault(episode, set()).update(
                v for v in values if len(v.strip()) >= SHORTEST_VALUE
            )
        self.tables.delete(spec, link["xuid"])
        self.report.relations += 1

    def _drop_facts(self, xuid: str) -> list[Any]:
        told = facts(self.conn, [xuid], current_only=False)
        self.report.history += self.conn.execute(
            "DELETE FROM _xm_fact WHERE xuid = ?", (xuid,)
        ).rowcount
        return told

    def _redact_fields(self, spec: ObjectSpec, xuid: str, fields: set[str]) -> None:
        """Each field without the sentences that mention the text, and without its history."""
        assert self.pattern is not None
        record = self.tables.get(spec, xuid)
        current = {f.field: f for f in facts(self.conn, [xuid], current_only=True)}
        changes: dict[str, Any] = {}
        for field in sorted(fields):
            value = record.get(field)
            if self._matches(value):
                value = redact_text(str(value), self.pattern)
                changes[field] = value
            self._drop_field_history(xuid, field)
            kept = current.get(field)
            if value is not None and kept is not None:
                self.conn.execute(
                    "INSERT INTO _xm_fact (xuid, type, field, value, episode_id, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?, '')",
                    (
                        xuid,
                        spec.name,
                        field,
                        json.dumps(value, ensure_ascii=False),
                        kept.episode_id,
                    ),
                )
            self.report.fields += 1
        if changes:
            sets = ", ".join(f"{_q(f)} = ?" for f in changes)
            self.conn.execute(
                f"UPDATE {_q(spec.table)} SET {sets} WHERE xuid = ?", [*changes.values(), xuid]
            )

    def _drop_field_history(self, xuid: str, field: str) -> None:
        self.report.history += self.conn.execute(
            "DELETE FROM _xm_fact WHERE xuid = ? AND field = ?", (xuid, field)
        ).rowcount
        # The value the record was created with, kept in its own fact.
        for fact_id, raw in self.conn.execute(
            "SELECT id, value FROM _xm_fact WHERE xuid = ? AND field = ? AND value IS NOT NULL",
            (xuid, RECORD),
        ).fetchall():
            bundle = json.loads(raw)
            if isinstance(bundle, dict) and field in bundle:
                del bundle[field]
                self.conn.execute(
                    "UPDATE _xm_fact SET value = ? WHERE id = ?",
                    (json.dumps(bundle, ensure_ascii=False) if bundle else None, fact_id),
                )
                self.report.history += 1

    # -- episodes and write markers ---------------------------------------------------------

    def _episode_pattern(self, episode_id: int) -> re.Pattern[str] | None:
        return mentions(self.everywhere | self.in_episodes.get(episode_id, set()))

    def _redact_episodes(self) -> None:
        everywhere = mentions(self.everywhere)
        rows = self.conn.execute("SELECT id, text, payload FROM _xm_episode").fetchall()
        for episode_id, text, payload in rows:
            if episode_id not in self.in_episodes and (
                everywhere is None
                or not (everywhere.search(text) or (payload and _mentioned(payload, everywhere)))
            ):
                continue
            pattern = self._episode_pattern(episode_id)
            if pattern is not None:
                self._redact_episode(episode_id, text, payload, pattern)

    def _redact_episode(
        self, episode_id: int, text: str, payload: str | None, pattern: re.Pattern[str]
    ) -> None:
        first = episode_id << PASSAGE_SHIFT
        last = ((episode_id + 1) << PASSAGE_SHIFT) - 1
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM _xm_passage_docsize WHERE id BETWEEN ? AND ? ORDER BY id",
                (first, last),
            )
        ]
        own = dict(
            self.conn.execute(
                "SELECT id, text FROM _xm_sentence WHERE id BETWEEN ? AND ?", (first, last)
            ).fetchall()
        )
        said = [(i, own.get(i, text)) for i in ids]
        dropped = [s for _, s in said if pattern.search(s)]
        new_payload = payload
        if payload is not None:
            decoded = json.loads(payload)
            cleaned = redact_json(decoded, pattern)
            if cleaned != decoded:
                new_payload = json.dumps(cleaned, ensure_ascii=False)
        if not dropped and not pattern.search(text) and new_payload == payload:
            return
        new_text = text
        for sentence in dropped:
            new_text = new_text.replace(sentence, FORGOTTEN, 1)
        new_text = pattern.sub(FORGOTTEN, new_text)  # what no indexed sentence held
        gone = [(i, s) for i, s in said if pattern.search(s)]
        # Only the forgotten rows leave the index; the others keep their ids (a passage id
        # names one sentence for good), and their text if it was read from the episode's.
        self.conn.executemany(
            "INSERT INTO _xm_passage (_xm_passage, rowid, words) VALUES ('delete', ?, ?)",
            [(i, index_words(s)) for i, s in gone],
        )
        self.conn.executemany("DELETE FROM _xm_sentence WHERE id = ?", [(i,) for i, _ in gone])
        self.conn.executemany(
            "INSERT INTO _xm_sentence (id, text) VALUES (?, ?)",
            [(i, s) for i, s in said if i not in own and s != new_text and not pattern.search(s)],
        )
        self.conn.execute(
            "UPDATE _xm_episode SET text = ?, payload = ? WHERE id = ?",
            (new_text, new_payload, episode_id),
        )
        self.report.sentences += len(dropped)
        self.report.episodes += 1

    def _redact_markers(self) -> None:
        pattern = mentions(self.everywhere.union(*self.in_episodes.values()))
        if pattern is None:
            return
        for write_id, raw in self.conn.execute(
            "SELECT write_id, result FROM _xm_applied"
        ).fetchall():
            decoded = json.loads(raw)
            redacted = redact_json(decoded, pattern)
            if redacted == decoded:
                continue
            cleaned = json.dumps(redacted)
            self.conn.execute(
                "UPDATE _xm_applied SET result = ? WHERE write_id = ?", (cleaned, write_id)
            )
            self.report.write_log += 1


def jobs_redactor(needles: Iterable[str]) -> Callable[[Any], Any]:
    """`redact_json` for a catalog's jobs, with the texts a forget scrubbed."""
    pattern = mentions(needles)
    return lambda value: redact_json(value, pattern)


def _texts(record: dict[str, Any] | Any, spec: RelationSpec | None = None) -> list[str]:
    """The text values among a record's fields (or a fact's value)."""
    if isinstance(record, str):
        return [record]
    if not isinstance(record, dict):
        return []
    skip = {"xuid", "created_at", "updated_at"}
    if spec is not None:
        skip |= {spec.role_column(r) for r in spec.roles}
    return [v for k, v in record.items() if k not in skip and isinstance(v, str)]


def _mentioned(raw: str, pattern: re.Pattern[str]) -> bool:
    decoded = json.loads(raw)
    return bool(redact_json(decoded, pattern) != decoded)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def forget_in_jobs(
    conn: sqlite3.Connection,
    instance_id: str,
    redact: Callable[[Any], Any],
    also: str | None = None,
) -> int:
    """The catalog's side (`Catalog.forget_in_jobs`): each finished job of the instance, and
    the job `also`, with its request, result and error passed through `redact`; then the
    bytes erased."""
    changed = 0
    conn.execute("PRAGMA secure_delete=ON")
    try:
        with transaction(conn):
            rows = conn.execute(
                "SELECT id, payload, result, error FROM write_jobs "
                "WHERE instance_id = ? AND (status IN ('completed', 'failed') OR id = ?)",
                (instance_id, also),
            ).fetchall()
            for job_id, *columns in rows:
                updates: dict[str, str] = {}
                for name, raw in zip(("payload", "result", "error"), columns, strict=True):
                    if not raw:
                        continue
                    decoded = json.loads(raw)
                    cleaned = redact(decoded)
                    if cleaned != decoded:
                        updates[name] = json.dumps(cleaned)
                if updates:
                    sets = ", ".join(f"{name} = ?" for name in updates)
                    conn.execute(
                        f"UPDATE write_jobs SET {sets} WHERE id = ?", [*updates.values(), job_id]
                    )
                    changed += job_id != also  # the forget itself is not a log entry
        erase_freed(conn)
    finally:
        conn.execute("PRAGMA secure_delete=OFF")
    return changed
