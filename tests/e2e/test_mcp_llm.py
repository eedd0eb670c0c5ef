"""`xmemory-mcp` over stdio with a language model: XMEM_LLM_PROVIDER=openai pointed at the scripted
loopback server. Free text is written (the model extracts it), then a question is read back
(the model writes SQL, the engine runs it, the model words the rows)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import mcp_types as types
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from support.fake_llm import FakeLLMServer, Recorded, Reply
from support.mcp_calls import tool_ok

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

TEXT = "Met Ann Lee today: she is a designer at Acme, email ann@acme.io."
QUESTION = "What is Ann Lee's email?"
ANN = {
    "objects": [
        {
            "type": "person",
            "ref": "p1",
            "values": {
                "name": "Ann Lee",
                "email": "ann@acme.io",
                "role": "designer",
                "company": "Acme",
            },
        },
        {"type": "organization", "ref": "o1", "values": {"name": "Acme"}},
    ]
}
SQL = "SELECT name, email FROM person WHERE lower(name) = lower('Ann Lee')"


def scripted_model(request: Recorded) -> Reply:
    """A model that does each job the mind asks of it, by the job's system prompt."""
    system = request.system
    if system.startswith("You extract structured memory"):
        if "Refuse-me" in request.prompt:
            return Reply(text="I would rather not.")
        if "Hang-me" in request.prompt:
            return Reply(hang=True)
        return Reply(text=json.dumps(ANN))
    if system.startswith("You check an extraction"):
        return Reply(text=json.dumps({"issues": []}))
    if system.startswith("You answer questions about stored memory"):
        if "Zed" in request.prompt:  # someone never mentioned: the SQL finds no row
            return Reply(
                text=json.dumps({"sql": SQL.replace("Ann Lee", "Zed"), "cannot_answer": None})
            )
        return Reply(text=json.dumps({"sql": SQL, "cannot_answer": None}))
    if system.startswith("You answer a question from rows"):
        rows = json.loads(request.prompt.split("Rows returned (", 1)[1].split("\n", 1)[1])
        said = "; ".join(f"{r['name']}: {r['email']}" for r in rows)
        return Reply(text=json.dumps({"answer": f"From memory: {said}", "notice": None}))
    return Reply(status=400, text=f"unexpected job: {system[:60]}")


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(script=scripted_model) as server:
        yield server


@asynccontextmanager
async def memory(
    llm: FakeLLMServer, tmp_path: Path, llm_timeout: float = 10
) -> AsyncIterator[ClientSession]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XMEM_", "OPENAI_"))}
    env.update(
        XMEM_DATA_DIR=str(tmp_path / "data"),
        XMEM_LLM_PROVIDER="openai",
        XMEM_LLM_BASE_URL=llm.openai_url,
        XMEM_LLM_MODEL="scripted-model",
        XMEM_LLM_TIMEOUT=str(llm_timeout),
    )
    params = StdioServerParameters(command=sys.executable, args=["-m", "xmemory_mcp"], env=env)
    with (tmp_path / "stderr.log").open("w") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


async def test_free_text_in_answer_out(llm: FakeLLMServer, tmp_path: Path) -> None:
    async with memory(llm, tmp_path) as session:
        written = await tool_ok(session, "write", {"text": TEXT})
        assert written["write_status"] == "completed", written
        answer = await tool_ok(session, "read", {"query": QUESTION})
        assert answer["reader_result"] == {"answer": "From memory: Ann Lee: ann@acme.io"}
        # The model's mind keeps the same evidence as any other: the value, its sentence.
        assert answer["basis"] == "records"
        [email] = [e for e in answer["evidence"] if e["field"] == "email"]
        assert email["value"] == "ann@acme.io" and email["said"] == TEXT
        assert email["write_id"] == written["write_id"] and email["names_record"] is True
        nobody = await tool_ok(session, "read", {"query": "What is Zed's email?"})
        assert nobody["basis"] == "nothing" and nobody["evidence"] == []
        assert nobody["reader_result"]["answer"].startswith("Nothing stored about")

    extract = next(r for r in llm.requests if r.system.startswith("You extract"))
    assert TEXT in extract.prompt and "person" in extract.prompt and "email" in extract.prompt
    assert extract.body["model"] == "scripted-model"
    assert extract.json_schema is not None  # structured output was asked for
    write_sql = next(r for r in llm.requests if r.system.startswith("You answer questions"))
    assert QUESTION in write_sql.prompt and "TABLE person" in write_sql.prompt
    compose = next(r for r in llm.requests if r.system.startswith("You answer a question"))
    assert '"email": "ann@acme.io"' in compose.prompt  # the rows the engine returned


async def test_unusable_model_output_fails_the_write_and_changes_nothing(
    llm: FakeLLMServer, tmp_path: Path
) -> None:
    async with memory(llm, tmp_path) as session:
        result = await session.call_tool("write", {"text": "Refuse-me: Bo lives in Rome."})
        text = result.content[0]
        assert isinstance(text, types.TextContent)
        assert result.is_error and "did not fit, even after one repair round" in text.text
        failed = (result.structured_content or {})["error"]
        assert failed["write_status"] == "failed" and failed["changes"] is None
        assert failed["error"]["code"] == "mind_failed"
        rows = await tool_ok(session, "read", {"query": QUESTION, "read_mode": "raw-tables"})
        assert rows["reader_result"]["rows"] == []  # nothing was stored
    refused = [r for r in llm.requests if "Refuse-me" in r.prompt]
    assert len(refused) == 2  # the extraction and its one repair round


async def test_a_model_that_hangs_fails_the_write_at_the_timeout(
    llm: FakeLLMServer, tmp_path: Path
) -> None:
    async with memory(llm, tmp_path, llm_timeout=1) as session:
        started = anyio.current_time()
        result = await session.call_tool("write", {"text": "Hang-me: Bo lives in Rome."})
        took = anyio.current_time() - started
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    assert result.is_error and "did not answer within 1 s" in text.text, text.text
    assert took < 5
