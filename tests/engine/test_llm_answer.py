"""Answers by a model: SQL over a real SQLite file through the guard, prose from returned rows."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from support.fake_llm import FakeLLMServer
from support.llm import provider_model, timeout_for
from support.sqlite_tables import guarded_runner, seed_sqlite
from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.base import AnswerRequest, ReadMode, TextModel
from xmemory_engine.minds.llm import LlmAnswerer
from xmemory_engine.minds.llm.answer import NOTHING_MATCHED
from xmemory_engine.schema import Schema, parse_schema

SCHEMA = parse_schema(
    """
objects:
  contact:
    description: a person we know
    fields:
      name:  {type: str, required: true}
      city:  {type: str}
      vip:   {type: bool}
      stage: {type: str, enum: [lead, customer]}
  company:
    fields:
      name: {type: str}
relations:
  works_at:
    objects: {employee: contact, employer: company}
"""
)
ROWS = {
    "contact": [
        {"name": "Ann Lee", "city": "Oslo", "vip": 1, "stage": "customer"},
        {"name": "Bo Berg", "city": "Rome", "vip": 0, "stage": "lead"},
    ],
    "company": [{"name": "Acme"}],
    "works_at": [{"employee_xuid": "contact-0", "employer_xuid": "company-0"}],
}
WHO_IN_OSLO = "SELECT name FROM contact WHERE lower(city) = 'oslo'"


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


@pytest.fixture(params=["openai", "anthropic"])
async def model(request: pytest.FixtureRequest, llm: FakeLLMServer) -> AsyncIterator[TextModel]:
    m = provider_model(request.param, llm, timeout=timeout_for(request.node))
    yield m
    await m.aclose()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return seed_sqlite(tmp_path / "instance.sqlite3", SCHEMA, ROWS)


def ask(
    question: str,
    db: Path,
    mode: ReadMode = ReadMode.SINGLE_ANSWER,
    calls: list[str] | None = None,
    schema: Schema = SCHEMA,
) -> AnswerRequest:
    return AnswerRequest(
        question=question, schema=schema, run_sql=guarded_runner(db, schema, calls), mode=mode
    )


def sql(statement: str | None, cannot_answer: str | None = None) -> str:
    return json.dumps({"sql": statement, "cannot_answer": cannot_answer})


@pytest.mark.anyio
async def test_single_answer_is_composed_from_the_returned_rows(
    model: TextModel, llm: FakeLLMServer, db: Path
):
    llm.reply(sql(WHO_IN_OSLO))
    llm.reply_json({"answer": "Ann Lee lives in Oslo.", "notice": None})
    answer = await LlmAnswerer(model).answer(ask("Who lives in Oslo?", db))
    assert answer.answer == "Ann Lee lives in Oslo."
    assert answer.notice is None and answer.representable
    (table,) = answer.tables
    assert (table.columns, table.rows) == (["name"], [["Ann Lee"]])

    write_sql, compose = llm.requests
    # the model sees this instance's tables and columns, and the question
    for text in (
        "TABLE contact",
        "city TEXT",
        "vip INTEGER",
        "employee_xuid",
        "Who lives in Oslo?",
    ):
        assert text in write_sql.prompt
    assert write_sql.json_schema is not None and "sql" in write_sql.json_schema["properties"]
    # prose is composed from exactly the rows returned
    assert '[{"name": "Ann Lee"}]' in compose.prompt
    assert "Who lives in Oslo?" in compose.prompt
    assert "never add facts from memory" in compose.system


@pytest.mark.anyio
async def test_nothing_matched_is_said_without_asking_the_model(
    model: TextModel, llm: FakeLLMServer, db: Path
):
    llm.reply(sql("SELECT name FROM contact WHERE city = 'Paris'"))
    answer = await LlmAnswerer(model).answer(ask("Who lives in Paris?", db))
    assert answer.answer == NOTHING_MATCHED
    assert answer.tables[0].rows == []
    assert len(llm.requests) == 1


@pytest.mark.anyio
async def test_a_failing_statement_is_repaired_with_the_database_error(
    model: TextModel, llm: FakeLLMServer, db: Path
):
    calls: list[str] = []
    llm.reply(sql("SELECT full_name FROM contact"))
    llm.reply(sql("SELECT name FROM contact ORDER BY name"))
    answer = await LlmAnswerer(model).answer(ask("List everyone", db, ReadMode.RAW_TABLES, calls))
    assert answer.tables[0].rows == [["Ann Lee"], ["Bo Berg"]]
    assert answer.answer is None  # raw tables: no prose, no third call
    assert calls == ["SELECT full_name FROM contact", "SELECT name FROM contact ORDER BY name"]

    first, repair = llm.requests
    assert "no such column: full_name" in repair.last_user
    assert "SELECT full_name FROM contact" in repair.last_user
    assert repair.conversation[:2] == [
        first.conversation[0],
        {"role": "assistant", "content": sql("SELECT full_name FROM contact")},
    ]


@pytest.mark.anyio
async def test_a_statement_the_checker_refuses_is_repaired(
    model: TextModel, llm: FakeLLMServer, db: Path
):
    llm.reply(sql("DELETE FROM contact"))
    llm.reply(sql("SELECT count(*) AS n FROM contact"))
    answer = await LlmAnswerer(model).answer(ask("How many?", db, ReadMode.RAW_TABLES))
    assert answer.tables[0].rows == [[2]]
    repair = llm.requests[1].last_user
    assert "DELETE FROM contact" in repair
    assert "only SELECT queries are allowed" in repair  # the engine's checker said why


@pytest.mark.anyio
async def test_failing_twice_is_a_notice_not_an_empty_answer(
    model: TextModel, llm: FakeLLMServer, db: Path
):
    llm.reply(sql("SELECT nope FROM contact"))
    llm.reply(sql("SELECT still_nope FROM contact"))
    answer = await LlmAnswerer(model).answer(ask("Who?", db))
    assert answer.tables == []
    assert answer.notice is not None and "failed twice" in answer.notice
    assert "still_nope" in answer.notice
    assert answer.answer == answer.notice


@pytest.mark.anyio
async def test_a_question_the_schema_cannot_represent(
    model: TextModel, llm: FakeLLMServer, db: Path
):
    llm.reply(sql(None, "there is no birthday anywhere in these tables"))
    answer = await LlmAnswerer(model).answer(ask("When is Ann's birthday?", db))
    assert not answer.representable
    assert answer.notice is not None and "birthday" in answer.notice
    assert answer.tables == [] and len(llm.requests) == 1


@pytest.mark.anyio
async def test_a_partial_answer_carries_a_notice(model: TextModel, llm: FakeLLMServer, db: Path):
    llm.reply(sql(WHO_IN_OSLO, "phone numbers are not stored; names only"))
    answer = await LlmAnswerer(model).answer(
        ask("Phone numbers of people in Oslo?", db, ReadMode.RAW_TABLES)
    )
    assert answer.tables[0].rows == [["Ann Lee"]]
    assert answer.notice is not None and "phone numbers are not stored" in answer.notice


@pytest.mark.anyio
async def test_xresponse_asks_for_whole_rows_with_xuid(
    model: TextModel, llm: FakeLLMServer, db: Path
):
    llm.reply(
        sql(
            "SELECT c.* FROM contact c JOIN works_at w ON w.employee_xuid = c.xuid "
            "JOIN company k ON k.xuid = w.employer_xuid WHERE k.name = 'Acme'"
        )
    )
    answer = await LlmAnswerer(model).answer(ask("Who works at Acme?", db, ReadMode.XRESPONSE))
    (table,) = answer.tables
    assert table.columns[0] == "xuid" and table.rows[0][0] == "contact-0"
    assert "including its xuid" in llm.requests[0].prompt


@pytest.mark.anyio
async def test_prose_failure_still_returns_the_rows(model: TextModel, llm: FakeLLMServer, db: Path):
    llm.reply(sql(WHO_IN_OSLO))
    llm.reply("Ann.")  # not the JSON asked for
    llm.reply("Ann!")  # nor after the repair round
    answer = await LlmAnswerer(model).answer(ask("Who lives in Oslo?", db))
    assert answer.answer == "name: Ann Lee"
    assert answer.notice is not None and "could not word the answer" in answer.notice


@pytest.mark.anyio
async def test_unusable_sql_replies_fail_clearly(model: TextModel, llm: FakeLLMServer, db: Path):
    llm.reply_json({"sql": None, "cannot_answer": None})
    llm.reply_json({"query": "SELECT 1"})
    with pytest.raises(MindFailed, match=r"writing SQL: .* even after one repair round"):
        await LlmAnswerer(model).answer(ask("Who?", db))


@pytest.mark.anyio
@pytest.mark.deadline
async def test_a_timeout_while_writing_sql_is_a_mind_failure(
    model: TextModel, llm: FakeLLMServer, db: Path
):
    llm.hang()
    with pytest.raises(MindFailed, match="did not answer within"):
        await LlmAnswerer(model).answer(ask("Who?", db))
