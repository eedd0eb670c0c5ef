"""Reads: a question goes to the answerer with a checked, read-only SQL runner; the answer is
shaped per mode (WIRE.md "Read answers by mode") and says what it rests on.

Every read answers with a `basis`:
- `records`: rows of stored records answer it; `evidence` lists, for the records behind those
  rows, the values used, the sentence each came from, when, and what it was before;
- `passages`: no record answers it, but stored sentences do (full-text search over every
  episode, `passages.py`); they are quoted, with a notice, so the caller knows to check them;
- `nothing`: nothing stored is about it, and the answer says so plainly — never a list of
  unrelated records, never a sentence made of the question's own words.
"""

from __future__ import annotations

import re
import time
import uuid
import weakref
from collections.abc import Callable
from typing import Any

import anyio.lowlevel
import anyio.to_thread

from xmemory_engine.errors import InvalidRequest, QueryRejected
from xmemory_engine.minds.base import Answer, AnswerRequest, Mind, ReadMode, ResultTable, SqlRunner
from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.sentences import KEPT_TEXT_WORDS, search_words
from xmemory_engine.service import evidence as evidence_mod
from xmemory_engine.service import parts, ties
from xmemory_engine.service import passages as passages_mod
from xmemory_engine.service.behind import Behind, records_behind
from xmemory_engine.service.changes import object_wire, relation_wire
from xmemory_engine.service.instances import LiveInstance
from xmemory_engine.service.tracing import Trace, TracedRecord, split_trace, traced
from xmemory_engine.settings import EngineSettings
from xmemory_engine.sql_guard import (
    MAX_RESULT_BYTES,
    MAX_ROW_VALUES,
    ReadOnlySqlite,
    SqlReader,
    check,
)
from xmemory_engine.store.base import NotBrief, Tables
from xmemory_engine.store.instance import SqliteInstanceData, SqliteTables, q
from xmemory_engine.store.provenance import passages_after

EMPTY_TABLE: dict[str, Any] = {"columns": [], "rows": []}
NO_MATCH = "Nothing stored matches the question."
PASSAGES_NOTICE = (
    "No stored record answers this; the answer quotes sentences stored earlier, found by "
    "full-text search. Check them before relying on them."
)
BRIEF_STATEMENT = 0.003
"""Seconds a mind's statement may take on the event loop (SQLite, a lookup by key takes tens
of microseconds); one that needs longer is stopped and run again in a worker thread. The trip
to a worker thread and back is two wake-ups: at 100,000 records they were a tenth of a
lookup's CPU and more of its wall time on a busy machine."""
BRIEF_EVIDENCE = 0.005
"""Seconds the evidence of a few records may take on the event loop, likewise."""
BRIEF_RECORDS = 8
"""Most records whose evidence is read on the event loop; more go to a worker thread."""
MAX_STATEMENTS_PER_READ = 64
"""Most SQL statements one read may run (the rules mind ran at most 14 for any question tried,
60-word ones included); past it the read stops and says so."""
# Words asking for what holds now, after a change ("Which tariff am I on *now*?").
NOW_CUES = frozenset(("now", "currently", "current", "anymore", "nowadays", "still", "latest"))


def asks_now(query: str) -> bool:
    """Whether a question asks for what holds now, after a change."""
    words = search_words(query)
    said = " ".join(words)
    return bool(NOW_CUES & set(words)) or any(p in said for p in ("these days", "at the moment"))


PAST_CUES = frozenset(
    [
        "before",
        "previous",
        "previously",
        "used",
        "old",
        "older",
        "earlier",
        "originally",
        "original",
        "initial",
        "initially",
        "formerly",
        "former",
        "prior",
        "last",
    ]
)


class ReadBudgetSpent(QueryRejected):
    """A mind asked for more SQL than one read may run (statements or seconds); the read
    answers with a notice instead."""


def make_sql_runner(
    reader: SqlReader,
    schema: Schema,
    trace: Trace | None = None,
    after_rows: Callable[[ResultTable, bool], None] | None = None,
    *,
    max_statements: int = MAX_STATEMENTS_PER_READ,
) -> SqlRunner:
    """The answerer's only way to run SQL: `check_select` (one SELECT over this instance's
    tables), then the read-only connection with its row and time limits. On SQLite a
    statement runs on the event loop when it takes under `BRIEF_STATEMENT` seconds (a lookup
    by key), else (and on PostgreSQL always) in a worker thread. With a `trace`, the records
    behind the rows are noted in it (`tracing.py`); the rows returned are those of the SQL as
    written. `after_rows(table, brief)` runs where the statement ran on each result that has
    rows (the evidence is read there: no thread hop of its own); with `brief` True it is on
    the event loop and may raise `NotBrief`, to be called again from a worker thread.

    One runner serves one read: it runs at most `max_statements` statements, taking at most
    the reader's `time_limit` seconds together; past either it raises `ReadBudgetSpent`."""
    allowed = schema.table_names()
    budget = _Budget(max_statements, reader.time_limit)
    brief_reader = reader if isinstance(reader, ReadOnlySqlite) else None

    def run_traced(sql: str, brief: bool) -> ResultTable:
        checked = check(sql, allowed)
        text = checked.text
        deadline = budget.deadline()

        def rows_of(statement: str, with_trace: bool = False) -> ResultTable:
            if brief_reader is None:
                return reader.run(statement, deadline=deadline)
            # Statements of one shape (and trace) share a program: its width is read once.
            shape = None if checked.shape is None else (checked.shape, with_trace)
            return brief_reader.run(
                statement,
                deadline=deadline,
                brief=BRIEF_STATEMENT if brief else None,
                shape=shape,
            )

        if trace is None:
            return rows_of(text)
        extended = traced(checked)
        if extended is not None:
            try:
                table = rows_of(extended[0], with_trace=True)
            except NotBrief:
                raise
            except Exception:  # the traced form is ours: never fail a read because of it
                extended = None
            else:
                return split_trace(table, extended[1], trace, len(table.rows), sql=text)
        table = rows_of(text)
        return split_trace(table, None, trace, reader.row_limit, sql=text)

    def timed(sql: str, brief: bool) -> ResultTable:
        started = time.monotonic()
        try:
            return run_traced(sql, brief)
        finally:
            budget.spent += time.monotonic() - started

    def run_sync(sql: str) -> ResultTable:
        table = timed(sql, False)
        if after_rows is not None and table.rows:
            after_rows(table, False)
        return table

    async def run(sql: str) -> ResultTable:
        budget.take()
        if brief_reader is None:
            return await anyio.to_thread.run_sync(run_sync, sql)
        # Other tasks (and a cancellation) get their turn between statements, as they did
        # while a worker thread ran each.
        await anyio.lowlevel.checkpoint()
        try:
            table = timed(sql, True)
        except NotBrief:
            return await anyio.to_thread.run_sync(run_sync, sql)
        if after_rows is not None and table.rows:
            try:
                after_rows(table, True)
            except NotBrief:
                await anyio.to_thread.run_sync(after_rows, table, False)
        return table

    return run


class _Budget:
    """What one read's SQL may still do: statements left, seconds spent."""

    def __init__(self, statements: int, seconds: float) -> None:
        self.statements = statements
        self.seconds = seconds
        self.ran = 0
        self.spent = 0.0

    def take(self) -> None:
        if self.ran >= self.statements:
            raise ReadBudgetSpent(
                f"The answer was stopped after {self.statements} queries, the most one read "
                "may run; ask a shorter or narrower question."
            )
        if self.spent >= self.seconds:
            raise ReadBudgetSpent(
                f"The answer was stopped after {self.spent:.1f} s of queries, the most one "
                "read may take; ask a shorter or narrower question."
            )
        self.ran += 1

    def deadline(self) -> float:
        return time.monotonic() + max(self.seconds - self.spent, 0.0)


class RowsWhenEmpty(Exception):
    """A statement that may return rows from empty tables (a count): the instance's emptiness
    does not answer it, so the read is asked again the usual way."""


def unstored_runner(
    schema: Schema, time_limit: float, *, max_statements: int = MAX_STATEMENTS_PER_READ
) -> SqlRunner:
    """The runner for an instance that holds nothing (`holds_nothing`): each statement is
    checked as `make_sql_runner` checks it (the same refusals, the same budget) and, as one
    that returns no rows from empty tables, answered with no rows and no columns without
    being run; one that may return rows there raises `RowsWhenEmpty`."""
    allowed = schema.table_names()
    budget = _Budget(max_statements, time_limit)

    async def run(sql: str) -> ResultTable:
        budget.take()
        await anyio.lowlevel.checkpoint()
        started = time.monotonic()
        try:
            checked = check(sql, allowed)
        finally:
            budget.spent += time.monotonic() - started
        if not rowless_when_empty(checked.text):
            raise RowsWhenEmpty(checked.text)
        return ResultTable(columns=[], rows=[], sql=checked.text)

    return run


# A quoted string or name, cut to its quotes: nothing in one is read as SQL below.
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"")
# What may make rows without a stored row: an aggregate or window (any function but these
# plain ones, which make a value of a row), grouping, compound or constant rows.
_CALL = re.compile(r"(\w+)\s*\(")
_ROW_FUNCTIONS = frozenset(
    ("lower", "upper", "length", "abs", "instr", "replace", "coalesce", "ifnull", "char")
)
# Words a parenthesis may follow that call nothing ("WHERE (", "EXISTS (", "IN (").
_NOT_CALLS = frozenset(("select", "from", "join", "on", "where", "and", "or", "not", "exists",
                        "in", "is", "like", "between", "when", "then", "else", "by", "as",
                        "distinct"))  # fmt: skip
_MAKES_ROWS = re.compile(
    r"\b(?:group|having|union|intersect|except|with|values|window|over)\b", re.IGNORECASE
)
_FROM_OR_PARENS = re.compile(r"[()]|\bfrom\b", re.IGNORECASE)
# A table's name (not a subquery, not a table-valued function's call).
_NAMED_SOURCE = re.compile(r'\s*(?:""|\w+\b)(?!\s*\()')


def rowless_when_empty(sql: str) -> bool:
    """Whether a checked SELECT returns no rows when every table it reads is empty: its own
    FROM (not a subquery's) names a table, and nothing in it makes rows without one (an
    aggregate, GROUP BY, a compound, VALUES). Conservative: False when unsure."""
    text = _QUOTED.sub(lambda m: m.group()[0] * 2, sql)
    if text.lstrip()[:6].lower() != "select" or _MAKES_ROWS.search(text):
        return False
    if any(mark in text for mark in ("--", "/*", "[", "`")):
        return False  # a comment, or a name quoted otherwise: not read here
    called = {m.group(1).lower() for m in _CALL.finditer(text)}
    if not called <= _ROW_FUNCTIONS | _NOT_CALLS:
        return False
    depth = 0
    for m in _FROM_OR_PARENS.finditer(text):
        mark = m.group()
        if mark == "(":
            depth += 1
        elif mark == ")":
            depth -= 1
        elif depth == 0:
            return _NAMED_SOURCE.match(text, m.end()) is not None
    return False


_HELD: weakref.WeakSet[SqliteInstanceData] = weakref.WeakSet()
"""Instances' data seen holding something: not asked again (~0.1 ms a read). One emptied
since (`forget`) is read the usual way, which answers the same."""


def holds_nothing(live: LiveInstance, mind: Mind) -> bool:
    """Whether the instance holds no record and no episode (one statement over its tables),
    for a mind whose answers rest only on the rows its statements return (the rules mind:
    `answers_from_rows`): then its statements need not run (`unstored_runner`).

    Only on SQLite, and only for a schema whose tables are narrow enough that no statement of
    one type's columns is refused for its width (`ReadOnlySqlite._check_width`)."""
    if not getattr(mind.answerer, "answers_from_rows", False):
        return False
    data = live.data
    if not isinstance(data, SqliteInstanceData) or data in _HELD:
        return False
    specs: list[ObjectSpec | RelationSpec] = [*live.schema.objects.values()]
    specs += live.schema.relations.values()
    if any(2 * len(spec.columns()) + 16 > MAX_ROW_VALUES for spec in specs):
        return False
    tables = ["_xm_episode", *live.schema.table_names()]
    statement = "SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {q(t)})" for t in tables)

    def held(t: Tables) -> bool:
        if not isinstance(t, SqliteTables):
            return True
        return bool(t.conn.execute(statement).fetchone()[0])

    try:
        if not data.read_brief(live.schema, held, BRIEF_STATEMENT):
            return True
    except NotBrief:
        return False
    _HELD.add(data)
    return False


async def read(
    live: LiveInstance,
    mind: Mind,
    settings: EngineSettings,
    query: str,
    mode: ReadMode,
    read_id: str | None = None,
    *,
    sql: str | None = None,
) -> dict[str, Any]:
    """The `read` answer: `{trace_id, reader_result, reader_results, notice?, basis, evidence,
    passages}`; with `sql` the caller's own SELECT is run (same guard, same limits) instead
    of asking the mind. Two questions asked as one are also read half by half (`parts.py`):
    both halves from records answer; else the whole from records; else the halves."""
    if sql is not None:
        return await _read_one(live, mind, settings, query, mode, read_id, sql=sql)
    whole = await _read_named(live, mind, settings, query, mode, read_id)
    halves = parts.split(query) if mode is ReadMode.SINGLE_ANSWER else None
    if halves is None:
        return whole
    first = await _read_named(live, mind, settings, halves[0], mode)
    second = parts.pointed(halves[1], parts.who_found(halves[0], first))
    then = await _read_named(live, mind, settings, second, mode)
    bases = {first["basis"], then["basis"]}
    if bases == {"nothing"} or (whole["basis"] == "records" and bases != {"records"}):
        return whole  # neither half is known, or only the whole is answered from records
    return parts.joined([(halves[0], first), (second, then)], read_id)


async def _read_named(
    live: LiveInstance,
    mind: Mind,
    settings: EngineSettings,
    query: str,
    mode: ReadMode,
    read_id: str | None = None,
) -> dict[str, Any]:
    """One question's read; when no record answers it, the read of it with the user's ties
    that one stored person holds named ("mum's GP" as "Hyun-joo's GP", `ties.named`), if
    that answers better: from records where only sentences answered as asked, from records
    or sentences where nothing did."""
    found = await _read_one(live, mind, settings, query, mode, read_id)
    if found["basis"] == "records" or not ties.says_a_tie(query):
        return found  # records answer, or nothing to name: no second look at the store
    named = await live.data.read(live.schema, lambda t: ties.named(t, live.schema, query))
    if named is None:
        return found
    again = await _read_one(live, mind, settings, named.question, mode, read_id)
    better = ("records",) if found["basis"] == "passages" else ("records", "passages")
    if again["basis"] not in better:
        return found
    notice = _joined(named.notice(found["basis"]), again.get("notice"))
    again["notice"] = notice
    for result in again["reader_results"]:
        result["sub_query"], result["notice"] = query, notice
    return again


async def _read_one(
    live: LiveInstance,
    mind: Mind,
    settings: EngineSettings,
    query: str,
    mode: ReadMode,
    read_id: str | None = None,
    *,
    sql: str | None = None,
) -> dict[str, Any]:
    """One question's read (see `read`)."""
    trace = Trace()
    Looked = tuple[list[dict[str, Any]], list[dict[str, Any]]]
    # id -> (the table, its evidence): held, so no table the mind builds later takes its id.
    seen: dict[int, tuple[ResultTable, Looked]] = {}

    def look(t: Tables, records: list[TracedRecord]) -> Looked:
        found = evidence_mod.gather(t, records)
        if not found or len({e["xuid"] for e in found}) > 1:  # a count, a list
            return found, said_beside(t, query)
        return found, said_later(t, query, found)

    brief_data = live.data if isinstance(live.data, SqliteInstanceData) else None

    def evidence_now(table: ResultTable, brief: bool) -> None:
        # For rows with a value, where the statement ran (no thread hop of its own): the
        # answer is usually the last such table, its evidence then ready.
        if answers_something([table]):
            records = trace.behind([table])
            if not brief:
                looked = live.data.read_here(live.schema, lambda t: look(t, records))
            elif brief_data is None or len(records) > BRIEF_RECORDS:
                raise NotBrief("evidence of many records")
            else:
                looked = brief_data.read_brief(
                    live.schema, lambda t: look(t, records), BRIEF_EVIDENCE
                )
            seen[id(table)] = (table, looked)

    async def ask(runner: SqlRunner) -> tuple[Answer, str | None]:
        try:
            answer = await mind.answerer.answer(
                AnswerRequest(question=query, schema=live.schema, run_sql=runner, mode=mode)
            )
        except ReadBudgetSpent as exc:
            return Answer(), exc.message
        except InvalidRequest as exc:
            if exc.field != "sql":
                raise
            # The caller sent a question, not SQL: the SQL written for it is not theirs to fix.
            raise QueryRejected(
                f"the SQL written for the question failed ({exc.message}); ask it more simply",
                field="query",
            ) from exc
        return answer, None

    answered: tuple[Answer, str | None] | None = None
    # Nothing stored: the mind's statements are checked but not run (nor is what was said
    # searched), its answer the one every statement finding nothing gives.
    unstored = sql is None and holds_nothing(live, mind)
    if unstored:
        try:
            answered = await ask(unstored_runner(live.schema, settings.read_time_limit))
        except RowsWhenEmpty:
            unstored = False
    if answered is not None:
        answer, stopped = answered
    elif sql is not None:
        runner = make_sql_runner(live.reader(), live.schema, trace, evidence_now)
        answer, stopped = Answer(tables=[await runner(sql)]), None
    else:
        answer, stopped = await ask(
            make_sql_runner(live.reader(), live.schema, trace, evidence_now)
        )
    evidence: list[dict[str, Any]] = []
    passages: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    basis = "nothing"
    rejected = False  # rows the mind gave that do not answer what was asked
    if answer.representable and answers_something(answer.tables, _asks_beyond(query, answer.about)):
        basis = "records"
        first = next((seen[id(t)][1] for t in answer.tables if id(t) in seen), None)
        if first is not None:
            evidence, later = first
        else:
            records = trace.behind(answer.tables)
            evidence, later = await live.data.read(live.schema, lambda t: look(t, records))
        passages = later
        if sql is None and not (
            names_backed(query, answer.tables, evidence)  # about what was named
            and shaped_as_asked(query, answer.tables)  # "When did Hana change her email?"
            and named_as_asked(query, answer.tables)  # "What's the plumber's name?"
            and said_as_asked(query, answer.tables)  # not a note that does not say it
            and says_who(query, answer.tables)  # "Who is Idris?" not by his notes alone
            and says_more(query, answer.tables, live.schema)  # not "book a structural engineer"
        ):
            basis, evidence, later, rejected = "nothing", [], [], True
        elif sql is None and answer.partial:
            # Rows holding part of what was asked: a sentence said in all the question's
            # words answers better, unless the rows were made from it.
            said, found, agree = await live.data.read(
                live.schema, lambda t: said_over_partial(t, query, answer.tables)
            )
            if found is not None:
                evidence, later, passages = found.evidence, [], said
                answer = Answer(answer=found.prose, notice=found.notice, about=answer.about)
            elif said and not agree:
                basis, evidence, later, passages = "passages", [], [], said
                answer = Answer(about=answer.about)
    if basis == "nothing" and not unstored:
        behind = sql is None and mode is ReadMode.SINGLE_ANSWER
        passages, found = await live.data.read(
            live.schema, lambda t: said_about(t, query, behind=behind)
        )
        basis = "passages" if passages else "nothing"
        if found is not None and holds_a_name(query, [found.prose], opening=True):
            basis, evidence = "records", found.evidence
            # What the mind said of rows found not to answer is not said of these.
            notice_now = _joined(found.notice, None if rejected else answer.notice)
            answer = Answer(answer=found.prose, notice=notice_now, about=answer.about)
    if basis != "records" and rejected:
        # What the mind said of its rows ("Read from the one list …", "these records mention
        # its words") is no longer so, nor is what they were about when the question does
        # not say it (a list's heading, "still to do"): what is quoted instead, or nothing
        # stored, is about what the question asks, in its own words.
        asked = set(search_words(query))
        named = answer.about if set(search_words(answer.about or "")) <= asked else None
        answer = Answer(tables=answer.tables, representable=answer.representable, about=named)
    notice = _notice(answer, basis, evidence, query, later)
    notice = _joined(notice, stopped)
    notice = _joined(notice, _cut_notice(answer.tables, settings.read_row_limit))
    if mode is ReadMode.SINGLE_ANSWER:
        result: Any = {"answer": _prose(answer, basis, evidence, passages, query, later)}
        if basis == "nothing" and not answer.representable:
            result = None
    elif not answer.representable:
        result = None
    elif mode is ReadMode.RAW_TABLES:
        result = raw_tables(answer.tables)
    else:
        result, extra_notice = await xresponse(live, answer.tables, settings.read_row_limit, trace)
        notice = notice or extra_notice
    item: dict[str, Any] = {
        "trace_id": uuid.uuid4().hex,
        "reader_result": result,
        "reader_results": [
            {"sub_query": query, "reader_result": result, "error": None, "notice": notice}
        ],
        "basis": basis,
        "evidence": evidence,
        "passages": passages,
    }
    if notice:
        item["notice"] = notice
    if read_id is not None:
        item["read_id"] = read_id
    ran = [t.sql for t in answer.tables if t.sql]
    if ran:
        item["sql"] = ran
    return item


def _joined(notice: str | None, more: str | None) -> str | None:
    if not more:
        return notice
    return f"{notice.rstrip('.')}. {more}" if notice else more


def _cut_notice(tables: list[ResultTable], row_limit: int) -> str | None:
    """What a cap cut from a result, and how to ask for the rest."""
    cut = [getattr(t, "truncated_by", None) for t in tables if getattr(t, "truncated", False)]
    if not cut:
        return None
    if "bytes" in cut:
        return (
            f"The result was cut at {MAX_RESULT_BYTES // (1024 * 1024)} MB of values; ask "
            "for fewer or shorter columns, or page with raw-tables sql and LIMIT / OFFSET."
        )
    return (
        f"Only the first {row_limit:,} rows are shown; ask for a narrower list, or page "
        "with raw-tables sql and LIMIT / OFFSET."
    )


def _asks_beyond(query: str, about: str | None) -> str | None:
    """`about` when the question asks something of it ("What diet does Aiko follow?"), None
    when it asks for the thing itself ("Tell me about Northwind"): then the record's name is
    an answer."""
    if not about:
        return None
    named = set(search_words(about))
    stems = passages_mod.question_terms(query).stems
    asked = [s for s in stems if not any(n.startswith(s) or s.startswith(n) for n in named)]
    return about if asked else None


def names_backed(query: str, tables: list[ResultTable], evidence: list[dict[str, Any]]) -> bool:
    """Whether every name the question holds is in the rows, their records' names or the
    sentences they rest on.

    "What was my role at Initech?" answered with today's role, from a sentence about another
    employer, is a confident wrong answer: rows reached through a name that neither they nor
    their sentences hold are not about it. Rows without evidence (a count) are not judged."""
    if not evidence:
        return True
    said = " ".join(f"{e.get('name') or ''} {e.get('said') or ''}" for e in evidence)
    values = " ".join(
        str(v) for table in tables for row in table.rows for v in row if isinstance(v, str)
    )
    words = set(search_words(f"{said} {values}"))
    # Words in capitals (SQL keywords, "CTO") are not names to look for.
    shouted = {w.lower() for w in query.split() if len(w) > 1 and w.isupper()}
    runs = [[w for w in r if w not in shouted] for r in passages_mod.question_terms(query).names]
    return all(any(w in words for w in run) for run in runs if run)


def shaped_as_asked(query: str, tables: list[ResultTable]) -> bool:
    """Whether the rows hold a value of every shape the question asks for (a date for "when",
    a reason for "why", an email address for "email"): rows that hold the thing asked about
    but not what is asked of it ("When did Hana change her email?" answered with the email)
    answer nothing."""
    terms = passages_mod.question_terms(query).terms
    # A shape the question itself holds a value of is given, not asked ("whose age is 35").
    shapes = [t.shape for t in terms if t.shape is not None and not t.shape.search(query)]
    if not shapes:
        return True
    values = _row_values(tables)
    said = " ".join(values)
    if not all(shape.search(said) for shape in shapes):
        return False
    # A value listing items ("find out the price of the TV streamer; …; pay the £500
    # deposit"): the shape is looked for in the items that say what is asked about, when
    # some do, not in another item beside them.
    about = [t for t in terms if t.shape is None]
    saying = [
        item
        for v in values
        for item in _items_saying(v, lambda i: any(t.covered_by(search_words(i), i) for t in about))
    ]
    if not saying:
        return True
    rest = " ".join(v for v in values if ";" not in v)
    return all(shape.search(" ".join([*saying, rest])) for shape in shapes)


def _row_values(tables: list[ResultTable]) -> list[str]:
    """The values the rows hold, as text, without their bookkeeping (ids, timestamps)."""
    return [
        str(value)
        for table in tables
        for row in table.rows
        for i, value in enumerate(row)
        if value is not None and not _bookkeeping(table.columns[i])
    ]


# "What's the plumber's name?", "What is the name of …", "What are the kids called?".
_ASKS_A_NAME = re.compile(r"^\W*(?:what|what's|whats)\b.*\b(?:name|names|called)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<![\w'\u2019])[A-Z][\w'\u2019&\-]*")
_SENTENCE_OPENS = re.compile(r"(?:^|[.!?:;]\s+|\n)\W*$")
SHORT_VALUE_WORDS = 4  # a value this short may be a name whole ("Rafa", "Osteria Lupa")
# Capitalised words that name no one, beyond the vocabulary's `not_names` (days, months, kin).
_NO_NAME = frozenset(["i", "user", "christmas", "easter"])


def named_as_asked(query: str, tables: list[ResultTable]) -> bool:
    """Whether rows asked for a name hold one (`holds_a_name`): "What's the plumber's name?"
    is not answered by the task "call the plumber about the leaking tap", nor "What's the
    truck called?" by the note "signed the lease on the truck!!!"."""
    return holds_a_name(query, _row_values(tables))


def holds_a_name(query: str, values: list[str], *, opening: bool = False) -> bool:
    """Whether `values` hold a name when the question asks for one ("What's … called?",
    "What is the name of …"): a capitalised word the question does not say, other than the
    one opening a sentence kept as text ("Grandmother dislikes loud music"), unless `opening`
    (an answer read from records opens on the record's name)."""
    if not _ASKS_A_NAME.search(query):
        return True
    asked = set(search_words(query)) | passages_mod.vocabulary().not_names | _NO_NAME
    for said in values:
        short = opening or len(said.split()) <= SHORT_VALUE_WORDS
        for m in _CAPITALISED.finditer(said):
            if not short and _SENTENCE_OPENS.search(said[: m.start()]):
                continue
            if not set(search_words(m.group())) <= asked:
                return True
    return False


def says_who(query: str, tables: list[ResultTable]) -> bool:
    """For "Who is Idris?", whether the rows hold a value of a few words besides the name
    asked (a role, a tie, a firm): a record that holds only sentences kept about him ("Idris
    has NOT cleared the garage yet") does not say who he is."""
    asked = _WHO_IS.match(query)
    if asked is None or not all(w[:1].isupper() for w in asked.group("name").split()):
        return True  # "Who is Greet Dewinter to Ilse?", "who is on call": not a name alone
    named = set(search_words(asked.group("name")))
    for value in _row_values(tables):
        words = search_words(value)
        if words and len(words) < KEPT_TEXT_WORDS and not named <= set(words):
            return True  # not his name ("Idris Malik"), nor a sentence kept
    return False


# "Who is Idris?", "Who's Dagny Holm?": what someone is, asked by their name alone.
_WHO_IS = re.compile(
    r"^\s*who(?:['\u2019]s|\s+is|\s+was)\s+(?P<name>[^\W\d_][\w'\u2019\-]*"
    r"(?:\s+[^\W\d_][\w'\u2019\-]*){0,3})\s*\??\s*$",
    re.IGNORECASE,
)


def said_as_asked(query: str, tables: list[ResultTable]) -> bool:
    """Whether rows whose only values beyond the question's names are sentences kept as
    text (a note, an accumulated `notes` field) say the thing asked for, as a passage must
    ("What wholesale *discount* does Hatch & Co get?" is not answered by Hatch & Co's note
    about an order). Rows with a value of their own (a role, a date) are the mind's answer."""
    terms = passages_mod.question_terms(query)
    asked = [t for t in terms.terms if t.kind or t.stem in terms.focus]
    if not asked:
        return True
    named = terms.named
    texts: list[str] = []
    for table in tables:
        for row in table.rows:
            for i, value in enumerate(row):
                if value is None or _bookkeeping(table.columns[i]):
                    continue
                said = str(value)
                words = search_words(said)
                if len(words) >= KEPT_TEXT_WORDS:
                    texts.append(said)
                elif not set(words) <= named:
                    return True  # a value of its own
    if not texts:
        return True
    text = " ".join(texts)
    words = search_words(text)
    return all(t.covered_by(words, text) for t in asked)


def says_more(query: str, tables: list[ResultTable], schema: Schema) -> bool:
    """Whether rows asked for a kind ("Which structural *engineer* did I book?", "Which
    *airline* …?") say a word the question does not, besides a state (a value of one of the
    schema's enums) or a day: the task "book a structural engineer (status: open)" repeats
    what is asked and names none. In a value listing items, the items saying a word of the
    question are read (`_items_saying`)."""
    terms = passages_mod.question_terms(query)
    if not any(t.kind for t in terms.terms):
        return True
    asked = {passages_mod.stem(w) for w in search_words(query)}
    stop = passages_mod.vocabulary().stop
    states = {
        str(v).lower() for spec in schema.objects.values() for f in spec.fields.values()
        for v in f.enum or ()
    }  # fmt: skip

    def says_a_word_asked(item: str) -> bool:
        return bool({passages_mod.stem(w) for w in search_words(item)} & asked)

    for table in tables:
        # A detail (subject, attribute, value): its value is what it says; whose it is and
        # the heading it is kept under say which one.
        detail = {"attribute", "value"} <= set(table.columns)
        for row in table.rows:
            for i, value in enumerate(row):
                if value is None or _bookkeeping(table.columns[i]):
                    continue
                if detail and table.columns[i] != "value":
                    continue
                said = str(value)
                if said.lower() in states or _ISO_DAY.fullmatch(said):
                    continue
                for part in _items_saying(said, says_a_word_asked) or [said]:
                    if any(
                        w not in stop and passages_mod.stem(w) not in asked
                        for w in search_words(part)
                    ):
                        return True
    return False


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _items_saying(value: str, says: Callable[[str], bool]) -> list[str]:
    """The items of a value that lists them (parted by semicolons: "find out the price of
    the TV streamer; …; pay the £500 deposit") for which `says` holds; none for a value that
    lists nothing."""
    return [item for item in value.split(";") if says(item)] if ";" in value else []


def answers_something(tables: list[ResultTable], about: str | None = None) -> bool:
    """Whether any row holds a value the question did not already say: a row of nulls, of
    ids, or one that only repeats what the question is about ("Hana Novák" for "What does
    Hana do?" when her role is not stored) answers nothing."""
    named = set(search_words(about)) if about else set()
    for table in tables:
        columns = [i for i, c in enumerate(table.columns) if not _bookkeeping(c)]
        for row in table.rows:
            for i in columns:
                value = row[i]
                if value is None:
                    continue
                if named and isinstance(value, str) and _names(value, named):
                    continue
                return True
    return False


def _names(value: str, named: set[str]) -> bool:
    """Whether `value` is a name sharing a word with what the question named: the record's
    own name ("Hana Novák" for "Hana"), not a value that happens to hold it (an email)."""
    if not named & set(search_words(value)):
        return False
    if any(c.isdigit() or c in "@/:" for c in value):
        return False
    return all(word[:1].isupper() for word in value.split() if word[:1].isalpha())


def said_later(t: Tables, query: str, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sentences said after every value the answer rests on, that answer the question too and
    hold none of those values: a correction the records may have missed ("Update: Mateo moved
    from London to Madrid" after "Mateo is based in London")."""
    sources = [e["episode_id"] for e in evidence if e.get("episode_id") is not None]
    # Only text can say what the records missed: structured writes change the records
    # themselves (and a store fed only by them pays nothing for this check).
    if not sources or not t.later_text_episode(max(sources)):
        return []
    after = passages_after(max(sources))
    # The question's words, else a correction in other words than the question's: a change
    # to what the values' sentences said.
    said = " ".join(str(e.get("said") or "") for e in evidence)
    found = passages_mod.search_later(t, query, after, said)
    if not found:
        return []
    values = [
        set(search_words(str(e["value"])))
        for e in evidence
        if e.get("value") is not None and e.get("field")
    ]
    return [
        p
        for p in found
        if passages_mod.corrects(p["sentence"])
        or not any(v and v <= set(search_words(p["text"])) for v in values)
    ][:2]


def said_about(
    t: Tables, query: str, *, behind: bool
) -> tuple[list[dict[str, Any]], Behind | None]:
    """The passages that answer the question and, with `behind`, the records the first one's
    write made when they hold what it says (`behind.records_behind`): one read, one snapshot,
    so the episode the search read is not read again."""
    passages = with_changes(t, query)
    return passages, records_behind(t, query, passages) if behind and passages else None


def said_over_partial(
    t: Tables, query: str, tables: list[ResultTable]
) -> tuple[list[dict[str, Any]], Behind | None, bool]:
    """For rows holding only part of what was asked (`Answer.partial`): the passages found
    for the question, the records behind the first when they answer it, and whether the
    first was found by the question's own words and its write made one of the rows (then
    the rows and the sentence agree). A sentence close only in meaning does not outweigh
    the rows."""
    passages, found = said_about(t, query, behind=True)
    if found is not None or not passages:
        return passages, found, True
    first = passages[0]
    if first.get("found_by") != "words":
        return [], None, True
    made = set(t.records_said_in(int(first["episode_id"])))
    rows = {
        str(row[table.columns.index("xuid")])
        for table in tables
        if "xuid" in table.columns
        for row in table.rows
    }
    return passages, None, bool(made & rows)


def with_changes(t: Tables, query: str) -> list[dict[str, Any]]:
    """The passages that answer the question, and after them the sentences said later that
    tell of a change to it ("The dentist moved it to 21 March" after "My next dentist
    appointment is on 14 March")."""
    found = passages_mod.search(t, query, similar=True)
    if not found and asks_now(query):
        # "Where will I sit the exam now?" presumes a change: the sentence telling of it
        # ("Correction: exam venue changed to McEwan Hall") answers, in words of its own.
        return passages_mod.search(t, query, changes=True, about=query)
    if not found:
        return []
    after = max(p["passage_id"] for p in found)
    said = " ".join(p["text"] for p in found)  # as shown: the sentence and its neighbours
    later = passages_mod.search(
        t, query, after=after, limit=2, changes=True, about=said, follow=True
    )
    shown = found + [p for p in later if all(p["passage_id"] != f["passage_id"] for f in found)]
    alike = passages_mod.alike_later(t, found)
    return shown + [p for p in alike if all(p["passage_id"] != s["passage_id"] for s in shown)]


def said_beside(t: Tables, query: str) -> list[dict[str, Any]]:
    """For a list or a count made from records: sentences of text writes that answer the same
    question, whenever said. Records made from text can miss items a sentence listed, so a
    list or a count is shown beside what was said about it."""
    found = passages_mod.search(t, query, limit=2)
    return [p for p in found if p.get("kind") == "text"]


def about(answer: Answer, query: str) -> str:
    """What the question is about, for "nothing stored about …"."""
    if answer.about and answer.about.strip():
        return answer.about.strip()
    terms = passages_mod.question_terms(query)
    words = [w for w in search_words(query) if any(w.startswith(s) for s in terms.stems)]
    return " ".join(dict.fromkeys(words)) or query.strip().rstrip("?")


def _notice(
    answer: Answer,
    basis: str,
    evidence: list[dict[str, Any]],
    query: str,
    later: list[dict[str, Any]],
) -> str | None:
    if later:
        lead = (
            "Something said later may change this answer: "
            if evidence and len({e["xuid"] for e in evidence}) == 1
            else "This comes from stored records; stored sentences also speak of it, check "
            "they agree: "
        )
        warning = lead + _quoted(later)
        return f"{answer.notice} {warning}" if answer.notice else warning
    if basis == "passages":
        # The mind's own notice (a question cut short, a language it does not read) stays.
        return f"{PASSAGES_NOTICE} {answer.notice}" if answer.notice else PASSAGES_NOTICE
    if basis == "nothing":
        # The records were searched and nothing is about it: that is an answer, not a
        # question left unanswered; only the mind's own notice (if any) stays.
        return answer.notice
    doubted = next((e for e in evidence if e.get("doubt")), None)
    if doubted is not None:
        warning = (
            f"The sentence this answer rests on gives {doubted.get('value')!s} as the value "
            f"being replaced: \u201c{doubted.get('said')}\u201d. Check it."
        )
        return f"{answer.notice} {warning}" if answer.notice else warning
    unnamed = next((e for e in evidence if e.get("names_record") is False), None)
    if unnamed is None:
        return answer.notice
    warning = (
        f"The sentence this answer rests on does not name {unnamed.get('name')!s}: "
        f"“{unnamed.get('said')}”. It may be about someone else; check it."
    )
    return f"{answer.notice} {warning}" if answer.notice else warning


def _prose(
    answer: Answer,
    basis: str,
    evidence: list[dict[str, Any]],
    passages: list[dict[str, Any]],
    query: str,
    later: list[dict[str, Any]],
) -> str:
    if basis == "nothing":
        return f"Nothing stored about {about(answer, query)}."
    if basis == "passages":
        said = f"No stored record answers this directly. What was said: {_quoted(passages)}"
        items = passages_mod.listed(query, _introduced(passages[0])) if passages else []
        if items:
            said += f" That lists {len(items)}: {'; '.join(items)}."
        days = passages_mod.dates_said(query, passages)
        if days:
            said += f" Dates said there: {', '.join(days)}."
        return said
    text = compose(answer)
    if later:
        single = evidence and len({e["xuid"] for e in evidence}) == 1
        text += f" ({'but later' if single else 'also said'}: {_quoted(later)})"
    if PAST_CUES & set(search_words(query)):
        # A value the current one still holds (notes that grew by a sentence) was added
        # to, not replaced: it is no "before".
        earlier = [
            f"{e.get('field')} was {h['value']} until {str(h.get('until') or '')[:10]}"
            for e in evidence
            for h in e.get("history", [])[:1]
            if str(h["value"]) not in str(e.get("value") or "")
        ]
        if earlier:
            text += " (before: " + "; ".join(earlier) + ")"
    return text


def _introduced(passage: dict[str, Any]) -> str:
    """The passage's sentence, and when it ends with a colon the lines it introduces (a list
    typed one item a line: "damaged stuff so far:\n- kitchen ceiling\n- …")."""
    sentence = str(passage.get("sentence") or "")
    text = str(passage.get("text") or "")
    at = text.find(sentence)
    if not sentence.rstrip().endswith(":") or at < 0:
        return sentence
    return text[at:]


def _quoted(passages: list[dict[str, Any]]) -> str:
    return " ".join(
        f"\u201c{p['text']}\u201d ({_day(p)})" if _day(p) else f"\u201c{p['text']}\u201d"
        for p in passages
    )


def _day(passage: dict[str, Any]) -> str:
    return str(passage.get("occurred_at") or passage.get("recorded_at") or "")[:10]


def compose(answer: Answer) -> str:
    """Prose for single-answer: the mind's own, else the notice, else the rows spelled out."""
    if answer.answer:
        return answer.answer
    if answer.notice:
        return answer.notice
    lines: list[str] = []
    for table in answer.tables:
        for row in table.rows[:20]:
            parts = [
                f"{col}: {value}"
                for col, value in zip(table.columns, row, strict=False)
                if value is not None and not _is_xuid_column(col)
            ]
            if parts:
                lines.append("; ".join(parts))
    return "\n".join(lines) if lines else NO_MATCH


def raw_tables(tables: list[ResultTable]) -> Any:
    # "Matched nothing" has one spelling on the wire, whatever columns the query named.
    if not any(t.rows for t in tables):
        return dict(EMPTY_TABLE)
    if len(tables) == 1:
        return tables[0].to_wire()
    return [t.to_wire() for t in tables]


def _bookkeeping(name: str) -> bool:
    """An id or a timestamp the engine keeps: a row holding only these says nothing."""
    last = name.lower().rsplit(".", 1)[-1]
    return _is_xuid_column(name) or last in ("created_at", "updated_at")


def _is_xuid_column(name: str) -> bool:
    lowered = name.lower()
    return lowered == "xuid" or lowered.endswith("_xuid") or lowered.endswith(".xuid")


async def xresponse(
    live: LiveInstance, tables: list[ResultTable], limit: int, trace: Trace | None = None
) -> tuple[dict[str, Any], str | None]:
    """Objects named by the rows' xuid columns (else by the records the rows were traced to),
    fetched whole, and the relations among them."""
    xuids: list[str] = []
    had_rows = False
    for table in tables:
        columns = [i for i, c in enumerate(table.columns) if _is_xuid_column(c)]
        for row in table.rows:
            had_rows = True
            xuids += [str(row[i]) for i in columns if row[i] is not None]
    if not xuids and trace is not None:
        xuids = [r.xuid for r in trace.behind(tables)]
    xuids = list(dict.fromkeys(xuids))[:limit]
    if not xuids:
        notice = None
        if had_rows:
            notice = (
                "the answer's rows carry no record ids, so no objects could be built; "
                "ask again in raw-tables mode to see the rows"
            )
        return {"objects": [], "relations": []}, notice

    def fetch(t: Tables) -> dict[str, Any]:
        relations = dict((r["xuid"], (spec, r)) for spec, r in t.relations_by_xuids(xuids))
        wanted = list(xuids)
        for spec, record in relations.values():
            wanted += [record[spec.role_column(role)] for role in spec.roles]
        objects = t.objects_by_xuids(wanted)
        among = t.relations_among([r["xuid"] for _, r in objects])
        for spec, record in among:
            relations.setdefault(record["xuid"], (spec, record))
        return {
            "objects": [object_wire(s, r) for s, r in objects],
            "relations": [relation_wire(s, r) for s, r in relations.values()],
        }

    return await live.data.read(live.schema, fetch), None
