"""A read of an instance that holds nothing (issue 11: a freshly started server's first read)
is the answer the usual path gives, without running the mind's statements: they are checked,
and each is answered with no rows; a statement that may return rows from empty tables (a
count) sends the read the usual way."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.embedded import Engine
from xmemory_engine.minds.base import ReadMode
from xmemory_engine.service import reads
from xmemory_engine.service.memory import WriteRequest

pytestmark = pytest.mark.anyio

QUESTIONS = [
    "What is the email of Person 00000?",  # names a person
    "Who is Hana Novák?",
    "Wo wohnt Anna Schmidt?",  # another language: the mind's notice stays
    "¿Dónde vive María?",
    "我的邮箱是什么\uff1f",
    "What is my blood type?",
    "Who leads the Atlas project?",
    "List all projects",
    "Tell me everything",  # nothing the schema holds: reader_result null
    "How many tasks are open?",  # a count: 0 is an answer, the usual way
    "How many people do I know?",
    "What time is the meeting with Sara on Friday?",
    "word " * 50 + "?",  # read in part: the mind's notice stays
]


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    async with open_engine(EngineSettings(data_dir=tmp_path / "d")) as opened:
        yield opened


async def _answers(engine: Engine) -> list[dict[str, Any]]:
    found = []
    for question in QUESTIONS:
        for mode in ReadMode:
            item = await engine.service.read(engine.default_instance_id, question, mode, "r1")
            item.pop("trace_id")
            found.append({"question": question, "mode": mode.value, **item})
    return found


async def test_an_empty_instance_answers_as_the_usual_path_does(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = await _answers(engine)
    with monkeypatch.context() as patched:
        patched.setattr(reads, "holds_nothing", lambda live, mind: False)
        usual = await _answers(engine)
    assert quick == usual
    by_question = {(a["question"], a["mode"]): a for a in quick}
    named = by_question[(QUESTIONS[0], "single-answer")]
    assert named["basis"] == "nothing"
    assert named["reader_result"] == {"answer": "Nothing stored about Person 00000."}
    assert named["sql"]  # the statements the mind wrote, as the usual path reports them
    german = by_question[(QUESTIONS[2], "single-answer")]
    assert german["reader_result"] == {"answer": "Nothing stored about Anna Schmidt."}
    assert "English" in german["notice"]
    count = by_question[("How many tasks are open?", "single-answer")]
    assert count["basis"] == "records" and count["reader_result"] == {
        "answer": "There are 0 tasks."
    }


async def test_an_empty_instance_runs_no_statement(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_reader(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the read connection was used")

    monkeypatch.setattr(type(engine.service.registry), "reader", no_reader)
    item = await engine.service.read(
        engine.default_instance_id, "Who is Hana Novák?", ReadMode.SINGLE_ANSWER, None
    )
    assert item["reader_result"] == {"answer": "Nothing stored about Hana Novák."}


@pytest.mark.parametrize(
    "request_",
    [
        WriteRequest(text="Hana Novák is our designer.", mutations=None),
        WriteRequest(
            text=None,
            mutations=[
                {
                    "object_mutation": {
                        "object_type": "person",
                        "create": {"key": {"name": "Hana Novák"}},
                    }
                }
            ],
        ),
    ],
)
async def test_a_record_or_an_episode_means_the_usual_path(
    engine: Engine, request_: WriteRequest
) -> None:
    live = await engine.service.registry.get(engine.default_instance_id)
    assert reads.holds_nothing(live, engine.service.mind)
    await engine.service.write(engine.default_instance_id, request_)
    assert not reads.holds_nothing(live, engine.service.mind)
    item = await engine.service.read(
        engine.default_instance_id, "Who is Hana Novák?", ReadMode.SINGLE_ANSWER, None
    )
    assert item["basis"] != "nothing"


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO person (xuid, name, created_at, updated_at) VALUES ('x1', 'Ann', '', '')",
        "INSERT INTO _xm_episode (kind, text, recorded_at) VALUES ('text', 'Hi.', '')",
    ],
)
async def test_a_record_alone_or_an_episode_alone_is_something(
    engine: Engine, statement: str
) -> None:
    live = await engine.service.registry.get(engine.default_instance_id)
    with closing(sqlite3.connect(engine.service.registry.path(live.id))) as conn:
        with conn:
            conn.execute(statement)
        assert not reads.holds_nothing(live, engine.service.mind)
        with conn:
            conn.execute("DELETE FROM person")
            conn.execute("DELETE FROM _xm_episode")
    # Seen holding something, it is read the usual way from then on (which answers alike).
    assert not reads.holds_nothing(live, engine.service.mind)


@pytest.mark.parametrize(
    ("sql", "rowless"),
    [
        ('SELECT t.* FROM "person" AS t WHERE t."name" = \'x\' LIMIT 1', True),
        ("SELECT t.xuid FROM person t WHERE instr(lower(t.name), 'count(') > 0", True),
        ('SELECT t.* FROM "person" AS t WHERE EXISTS (SELECT 1 FROM "works_at" AS r)', True),
        ('SELECT COUNT(*) AS count FROM "task" AS t', False),
        ('SELECT max(t.age) FROM "person" AS t', False),
        ("SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM person)", False),
        ("SELECT * FROM (SELECT 1 AS one)", False),
        ("SELECT * FROM json_each('[1]')", False),
        ("SELECT t.name FROM person t GROUP BY t.name", False),
        ("SELECT name FROM person UNION SELECT 'x'", False),
        ('SELECT "from" FROM person', True),
        ("SELECT 'from person'", False),
        ("SELECT 1 -- FROM person", False),
        ("SELECT 1 AS [x from person]", False),
    ],
)
def test_which_statements_return_no_rows_from_empty_tables(sql: str, rowless: bool) -> None:
    assert reads.rowless_when_empty(sql) is rowless
