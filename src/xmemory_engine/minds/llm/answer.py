"""Answers by a model: question -> one SELECT -> the engine's checker -> rows -> answer.

The model sees this instance's tables and columns only, and its SQL runs only through
`request.run_sql` (the engine's read-only, single-instance, limited executor). A statement
that fails gets one repair round with the error. Prose is composed from the rows actually
returned: with no rows the answer says nothing matched without asking the model at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xmemory_engine.errors import InvalidRequest, MindFailed, QueryRejected
from xmemory_engine.minds.base import Answer, AnswerRequest, ReadMode, ResultTable, TextModel
from xmemory_engine.minds.llm import jsonschema
from xmemory_engine.minds.llm.ask import ask_json
from xmemory_engine.minds.llm.prompts import (
    PROSE_SYSTEM,
    SQL_SYSTEM,
    prose_message,
    sql_message,
    sql_repair_message,
)
from xmemory_engine.minds.llm.replies import ReplyInvalid, parse_object

NOTHING_MATCHED = "Nothing stored matches this question."
_MODE_HINTS = {
    ReadMode.SINGLE_ANSWER: "Select the columns needed to answer the question (not xuid).",
    ReadMode.RAW_TABLES: "Select readable columns that answer the question.",
    ReadMode.XRESPONSE: "The result is turned into objects: select whole rows of the object "
    "table the question is about, including its xuid (e.g. SELECT c.* FROM contact c ...).",
}


@dataclass
class QueryPlan:
    """The model's reading of a question: a SELECT, or why the tables cannot answer it."""

    sql: str | None
    caveat: str | None


def read_plan(reply: str) -> QueryPlan:
    data = parse_object(reply, ("sql",))
    sql, caveat = data.get("sql"), data.get("cannot_answer")
    if sql is not None and not isinstance(sql, str):
        raise ReplyInvalid(["'sql' must be a string or null"])
    if caveat is not None and not isinstance(caveat, str):
        raise ReplyInvalid(["'cannot_answer' must be a string or null"])
    if sql is not None:
        sql = sql.strip()
        if sql.startswith("```"):
            sql = sql.strip("`").removeprefix("sql").strip()
        sql = sql.rstrip(";").strip() or None
    caveat = caveat.strip() if caveat and caveat.strip() else None
    if sql is None and caveat is None:
        raise ReplyInvalid(["give either 'sql' or, when the tables cannot answer, 'cannot_answer'"])
    return QueryPlan(sql, caveat)


class LlmAnswerer:
    """An `Answerer` that asks a model for SQL and, for single answers, for prose."""

    def __init__(self, model: TextModel, *, max_tokens: int = 1024) -> None:
        self.model = model
        self.max_tokens = max_tokens

    async def answer(self, request: AnswerRequest) -> Answer:
        hint = _MODE_HINTS.get(request.mode, "")
        messages = [
            {"role": "user", "content": sql_message(request.question, request.schema, hint)}
        ]
        plan, messages = await self._plan(messages)
        if plan.sql is None:
            return _unrepresentable(plan)
        try:
            table = await request.run_sql(plan.sql)
        except (QueryRejected, InvalidRequest) as exc:
            messages.append({"role": "user", "content": sql_repair_message(plan.sql, exc.message)})
            plan, messages = await self._plan(messages)
            if plan.sql is None:
                return _unrepresentable(plan)
            try:
                table = await request.run_sql(plan.sql)
            except (QueryRejected, InvalidRequest) as again:
                failed = (
                    "Could not answer as asked: the query written for it failed twice "
                    f"({again.message})."
                )
                single = request.mode is ReadMode.SINGLE_ANSWER
                return Answer(notice=failed, answer=failed if single else None)
        notice = f"Answered only in part: {plan.caveat}" if plan.caveat else None
        if request.mode is not ReadMode.SINGLE_ANSWER:
            return Answer(tables=[table], notice=notice)
        prose, composed_notice = await self.compose(request.question, table)
        return Answer(tables=[table], answer=prose, notice=notice or composed_notice)

    async def compose(self, question: str, table: ResultTable) -> tuple[str, str | None]:
        """Prose from the rows returned, and a notice when they do not fully answer."""
        if not table.rows:
            return NOTHING_MATCHED, None

        def read(reply: str) -> tuple[str, str | None]:
            data = parse_object(reply, ("answer",))
            answer, notice = data.get("answer"), data.get("notice")
            if not isinstance(answer, str) or not answer.strip():
                raise ReplyInvalid(["'answer' must be a non-empty string"])
            if notice is not None and not isinstance(notice, str):
                raise ReplyInvalid(["'notice' must be a string or null"])
            return answer.strip(), (notice.strip() or None) if notice else None

        try:
            result, _ = await ask_json(
                self.model,
                PROSE_SYSTEM,
                [{"role": "user", "content": prose_message(question, table.columns, table.rows)}],
                read,
                json_schema=jsonschema.prose_schema(),
                max_tokens=self.max_tokens,
                what="composing the answer",
            )
        except MindFailed as exc:
            # The rows are the answer; losing them because prose failed would help no one.
            notice = f"The model could not word the answer ({exc.message}); these are the rows."
            return render_rows(table), notice
        return result

    async def _plan(self, messages: list[dict[str, str]]) -> tuple[QueryPlan, list[dict[str, str]]]:
        return await ask_json(
            self.model,
            SQL_SYSTEM,
            messages,
            read_plan,
            json_schema=jsonschema.sql_schema(),
            max_tokens=self.max_tokens,
            what="writing SQL",
        )


def _unrepresentable(plan: QueryPlan) -> Answer:
    return Answer(representable=False, notice=f"This memory cannot answer that: {plan.caveat}")


def render_rows(table: ResultTable, limit: int = 20) -> str:
    """Rows as plain text, one per line: `column: value, ...`."""
    lines = [
        ", ".join(
            f"{c}: {_text(v)}" for c, v in zip(table.columns, row, strict=False) if v is not None
        )
        for row in table.rows[:limit]
    ]
    if len(table.rows) > limit:
        lines.append(f"... and {len(table.rows) - limit} more rows")
    return "\n".join(lines)


def _text(value: Any) -> str:
    return str(value)
