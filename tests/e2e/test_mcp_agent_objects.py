"""The agent's own understanding, end to end: `xmemory-mcp` over stdio on the embedded engine,
driven by the `mcp` client. Objects in, answers out; a correction updates the same record; the
agent's SQL runs read-only, and hostile SQL is an error result that leaves the data alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_mcp_e2e import Session, clean_env, stdio_session

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

ANN = {
    "type": "person",
    "name": "Ann Lee",
    "fields": {"email": "ann@acme.io", "role": "CTO"},
    "relations": [{"type": "works_at", "to": "Acme"}],
}
ACME = {"type": "organization", "name": "Acme"}
PEOPLE = "SELECT name, email, role FROM person ORDER BY name"


def text_of(result: Any) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


async def rows(s: Session, sql: str) -> list[list[Any]]:
    answer = await s.ok("read", {"query": "the rows", "read_mode": "raw-tables", "sql": sql})
    found: list[list[Any]] = answer["reader_result"]["rows"]
    return found


async def test_objects_sql_and_hostile_sql_over_stdio(tmp_path: Path) -> None:
    env = clean_env(XMEM_DATA_DIR=str(tmp_path / "data"))
    async with stdio_session(env, tmp_path / "stderr.log") as s:
        listed = {t.name: t for t in (await s.session.list_tools()).tools}
        assert "objects" in listed["write"].input_schema["properties"]
        assert "sql" in listed["read"].input_schema["properties"]

        stored = await s.ok(
            "write",
            {"objects": [ANN, ACME], "text": "Ann Lee is Acme's CTO; her email is ann@acme.io."},
        )
        assert stored["write_status"] == "completed"
        answer = await s.ok("read", {"query": "What is Ann Lee's email?"})
        assert "ann@acme.io" in str(answer["reader_result"])
        # The agent's sentence is kept as the source of what it wrote.
        assert answer["basis"] == "records"
        assert "Ann Lee is Acme's CTO" in str(answer["evidence"])

        fixed = await s.ok(
            "write",
            {
                "objects": [{"type": "person", "name": "Ann Lee", "fields": {"role": "CEO"}}],
                "text": "Ann Lee is now Acme's CEO.",
            },
        )
        assert fixed["changes"]["created"] == []
        assert await rows(s, PEOPLE) == [["Ann Lee", "ann@acme.io", "CEO"]]
        # write -> correct -> read: the new value, the sentence it came from, the old value.
        role = await s.ok("read", {"query": "What is Ann Lee's role?"})
        assert role["reader_result"] == {"answer": "CEO"} and role["basis"] == "records"
        [now] = [e for e in role["evidence"] if e["field"] == "role"]
        assert now["value"] == "CEO" and now["said"] == "Ann Lee is now Acme's CEO."
        assert now["write_id"] == fixed["write_id"]
        [before] = now["history"]
        assert before["value"] == "CTO" and before["write_id"] == stored["write_id"]
        assert before["said"] == "Ann Lee is Acme's CTO; her email is ann@acme.io."
        assert before["replaced_by"] == fixed["write_id"]
        said = text_of(await s.call("read", {"query": "What is Ann Lee's role?"}))
        assert "Source: \u201cAnn Lee is now Acme's CEO.\u201d" in said, said
        assert "before: role was CTO" in said, said
        employer = await rows(
            s,
            "SELECT o.name FROM organization o JOIN works_at w ON w.employer_xuid = o.xuid "
            "JOIN person p ON p.xuid = w.employee_xuid WHERE p.name = 'Ann Lee'",
        )
        assert employer == [["Acme"]]

        for hostile in (
            "DROP TABLE person",
            "SELECT * FROM sqlite_master",
            "SELECT 1; DELETE FROM person",
        ):
            refused = await s.call("read", {"query": "anything", "sql": hostile})
            assert refused.is_error, hostile
            said = text_of(refused)
            assert "HTTP 422" in said and "What to do" in said, said
        assert await rows(s, PEOPLE) == [["Ann Lee", "ann@acme.io", "CEO"]]

        wrong = await s.call("write", {"objects": [{"type": "person", "fields": {"role": "x"}}]})
        assert wrong.is_error and "objects[0].name: missing" in text_of(wrong)
