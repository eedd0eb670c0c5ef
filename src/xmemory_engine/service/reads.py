"""Reads: a question goes to the answerer with a checked, read-only SQL runner, and the answer
is shaped per mode (WIRE.md "Read answers by mode")."""

from __future__ import annotations

import uuid
from typing import Any

import anyio.to_thread

from xmemory_engine.minds.base import Answer, AnswerRequest, Mind, ReadMode, ResultTable, SqlRunner
from xmemory_engine.schema import Schema
from xmemory_engine.service.changes import object_wire, relation_wire
from xmemory_engine.service.instances import LiveInstance
from xmemory_engine.settings import EngineSettings
from xmemory_engine.sql_guard import ReadOnlySqlite, check_select
from xmemory_engine.store.base import Tables

EMPTY_TABLE: dict[str, Any] = {"columns": [], "rows": []}
NO_MATCH = "Nothing stored matches the question."


def make_sql_runner(reader: ReadOnlySqlite, schema: Schema) -> SqlRunner:
    """The answerer's only way to run SQL: `check_select` (one SELECT over this instance's
    tables), then the read-only connection with its row and time limits, in a worker thread."""
    allowed = schema.table_names()

    def run_sync(sql: str) -> ResultTable:
        return reader.run(check_select(sql, allowed))

    async def run(sql: str) -> ResultTable:
        return await anyio.to_thread.run_sync(run_sync, sql)

    return run


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
    """The `read` answer: `{trace_id, reader_result, reader_results, notice?}`; with `sql` the
    caller's own SELECT is run (same guard, same limits) instead of asking the mind."""
    runner = make_sql_runner(live.reader(), live.schema)
    if sql is not None:
        answer = Answer(tables=[await runner(sql)])
    else:
        answer = await mind.answerer.answer(
            AnswerRequest(question=query, schema=live.schema, run_sql=runner, mode=mode)
        )
    notice = answer.notice
    if any(getattr(t, "truncated", False) for t in answer.tables):
        cut = f"only the first {settings.read_row_limit:,} rows are shown"
        notice = f"{notice}; {cut}" if notice else cut[0].upper() + cut[1:]
    if not answer.representable:
        result: Any = None
    elif mode is ReadMode.SINGLE_ANSWER:
        result = {"answer": compose(answer)}
    elif mode is ReadMode.RAW_TABLES:
        result = raw_tables(answer.tables)
    else:
        result, extra_notice = await xresponse(live, answer.tables, settings.read_row_limit)
        notice = notice or extra_notice
    item: dict[str, Any] = {
        "trace_id": uuid.uuid4().hex,
        "reader_result": result,
        "reader_results": [
            {"sub_query": query, "reader_result": result, "error": None, "notice": notice}
        ],
    }
    if notice:
        item["notice"] = notice
    if read_id is not None:
        item["read_id"] = read_id
    ran = [t.sql for t in answer.tables if t.sql]
    if ran:
        item["sql"] = ran
    return item


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


def _is_xuid_column(name: str) -> bool:
    lowered = name.lower()
    return lowered == "xuid" or lowered.endswith("_xuid") or lowered.endswith(".xuid")


async def xresponse(
    live: LiveInstance, tables: list[ResultTable], limit: int
) -> tuple[dict[str, Any], str | None]:
    """Objects named by the rows' xuid columns, fetched whole, and the relations among them."""
    xuids: list[str] = []
    had_rows = False
    for table in tables:
        columns = [i for i, c in enumerate(table.columns) if _is_xuid_column(c)]
        for row in table.rows:
            had_rows = True
            xuids += [str(row[i]) for i in columns if row[i] is not None]
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
