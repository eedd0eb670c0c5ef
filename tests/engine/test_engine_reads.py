"""Reads: answers shaped per mode, the guarded SQL runner, notices and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_testkit import envelope_error, item, obj_create, rel_create, rules_session, snapshot

from xmemory_engine.embedded import Engine

pytestmark = pytest.mark.anyio


@pytest.fixture
async def filled(client: httpx.AsyncClient, contacts: str) -> str:
    response = await client.post(
        f"/instances/{contacts}/write",
        json={
            "structured_mutations": [
                obj_create(
                    "contact", {"email": "a@x.io"}, {"name": "Ann", "age": 40, "active": True}
                ),
                obj_create("contact", {"email": "b@x.io"}, {"name": "Bob", "age": 30}),
                obj_create("company", {"name": "Acme"}, {"city": "Oslo"}),
                rel_create(
                    "works_at",
                    {"employee": {"email": "a@x.io"}, "employer": {"name": "Acme"}},
                    since=2020,
                ),
            ]
        },
    )
    assert response.status_code == 200, response.text
    return contacts


async def read(client: httpx.AsyncClient, iid: str, query: str, mode: str = "single-answer") -> Any:
    return item(await client.post(f"/instances/{iid}/read", json={"query": query, "mode": mode}))


async def test_single_answer_is_the_minds_prose(client: httpx.AsyncClient, filled: str) -> None:
    result = await read(client, filled, "hello there")
    assert result["reader_result"] == {"answer": "you asked: hello there"}
    assert len(result["trace_id"]) == 32 and "notice" not in result
    assert result["reader_results"][0]["sub_query"] == "hello there"


async def test_single_answer_spells_out_rows_when_the_mind_gave_no_prose(
    client: httpx.AsyncClient, filled: str
) -> None:
    result = await read(client, filled, "sql: SELECT xuid, name, email FROM contact WHERE age > 35")
    assert result["reader_result"] == {"answer": "name: Ann; email: a@x.io"}
    assert result["sql"] == ["SELECT xuid, name, email FROM contact WHERE age > 35"]
    none = await read(client, filled, "sql: SELECT name FROM contact WHERE age > 99")
    assert none["reader_result"]["answer"].startswith("Nothing stored about")
    assert none["basis"] == "nothing" and none["evidence"] == [] and none["passages"] == []


async def test_raw_tables(client: httpx.AsyncClient, filled: str) -> None:
    result = await read(
        client, filled, "sql: SELECT name, age, active FROM contact ORDER BY name", "raw-tables"
    )
    assert result["reader_result"] == {
        "columns": ["name", "age", "active"],
        "rows": [["Ann", 40, 1], ["Bob", 30, None]],
    }
    empty = await read(
        client, filled, "sql: SELECT name FROM contact WHERE name = 'Zed'", "raw-tables"
    )
    assert empty["reader_result"] == {"columns": [], "rows": []}
    assert "notice" not in empty


async def test_xresponse_builds_objects_and_their_relations(
    client: httpx.AsyncClient, filled: str
) -> None:
    sql = (
        "sql: SELECT c.xuid, co.xuid AS company_xuid FROM contact c "
        "JOIN works_at w ON w.employee_xuid = c.xuid JOIN company co ON co.xuid = w.employer_xuid"
    )
    result = (await read(client, filled, sql, "xresponse"))["reader_result"]
    assert [o["object_type"] for o in result["objects"]] == ["contact", "company"]
    assert result["objects"][0]["values"] == {
        "name": "Ann",
        "email": "a@x.io",
        "age": 40,
        "active": True,
    }
    assert result["objects"][1]["values"] == {"name": "Acme", "city": "Oslo"}
    (relation,) = result["relations"]
    assert relation["relation_type"] == "works_at" and relation["values"] == {"since": 2020}
    assert relation["endpoints"] == {
        "employee": result["objects"][0]["xuid"],
        "employer": result["objects"][1]["xuid"],
    }
    via_link = (await read(client, filled, "sql: SELECT xuid FROM works_at", "xresponse"))[
        "reader_result"
    ]
    assert len(via_link["objects"]) == 2 and len(via_link["relations"]) == 1
    empty = await read(client, filled, "sql: SELECT xuid FROM contact WHERE age > 99", "xresponse")
    assert empty["reader_result"] == {"objects": [], "relations": []}
    # Rows without ids still name their records: the engine traced where each row came from.
    no_ids = await read(client, filled, "sql: SELECT name FROM contact", "xresponse")
    names = sorted(o["values"]["name"] for o in no_ids["reader_result"]["objects"])
    assert names == ["Ann", "Bob"] and "notice" not in no_ids
    counted = await read(client, filled, "sql: SELECT count(*) AS n FROM contact", "xresponse")
    assert counted["reader_result"] == {"objects": [], "relations": []}
    assert "no record ids" in counted["notice"]


async def test_unrepresentable_is_null_and_notice_is_passed(
    client: httpx.AsyncClient, filled: str
) -> None:
    for mode in ("single-answer", "raw-tables", "xresponse"):
        result = await read(client, filled, "unrepresentable", mode)
        assert result["reader_result"] is None
    noticed = await read(client, filled, "notice")
    assert noticed["notice"] == "could not answer this as asked"
    assert noticed["reader_result"] == {"answer": "Nothing stored about notice."}
    assert noticed["basis"] == "nothing"
    table = await read(client, filled, "notice", "raw-tables")
    assert table["reader_result"] == {"columns": [], "rows": []} and table["notice"]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM contact",
        "SELECT * FROM contact; DELETE FROM contact",
        "SELECT * FROM _xm_applied",
        "SELECT * FROM sqlite_master",
        "ATTACH DATABASE '/tmp/x.db' AS x",
        "PRAGMA query_only=OFF",
        "WITH gone AS (DELETE FROM contact RETURNING *) SELECT * FROM gone",
    ],
)
async def test_generated_sql_that_is_not_one_select_is_refused(
    engine: Engine, client: httpx.AsyncClient, filled: str, sql: str
) -> None:
    before = snapshot(engine.settings.data_dir)
    response = await client.post(f"/instances/{filled}/read", json={"query": f"sql: {sql}"})
    assert response.status_code in (400, 422), response.text
    assert envelope_error(response)["code"] in ("query_rejected", "invalid_request")
    assert snapshot(engine.settings.data_dir) == before


async def test_a_query_of_a_missing_column_is_400(client: httpx.AsyncClient, filled: str) -> None:
    response = await client.post(
        f"/instances/{filled}/read", json={"query": "q", "sql": "SELECT nickname FROM contact"}
    )
    assert response.status_code == 400
    error = envelope_error(response)
    assert "nickname" in error["message"] and error["field"] == "sql"


async def test_generated_sql_that_fails_does_not_blame_a_field_never_sent(
    client: httpx.AsyncClient, filled: str
) -> None:
    # The caller sent a question: the SQL a mind wrote for it is not theirs to fix.
    response = await client.post(
        f"/instances/{filled}/read", json={"query": "sql: SELECT nickname FROM contact"}
    )
    assert response.status_code == 422
    error = envelope_error(response)
    assert "nickname" in error["message"] and error["field"] == "query"


async def test_the_row_limit_cuts_with_a_notice(tmp_path: Any) -> None:
    from engine_testkit import asgi_client, running_engine

    async with (
        running_engine(tmp_path / "d", read_row_limit=2) as engine,
        asgi_client(engine) as http,
    ):
        iid = engine.default_instance_id
        await http.post(
            f"/instances/{iid}/write",
            json={
                "structured_mutations": [
                    obj_create("organization", {"name": f"o{i}"}) for i in range(5)
                ]
            },
        )
        result = item(
            await http.post(
                f"/instances/{iid}/read",
                json={"query": "sql: SELECT name FROM organization", "mode": "raw-tables"},
            )
        )
        assert len(result["reader_result"]["rows"]) == 2
        assert "first 2 rows" in result["notice"]


async def test_read_accepts_read_mode_and_echoes_read_id(
    client: httpx.AsyncClient, filled: str
) -> None:
    result = item(
        await client.post(
            f"/instances/{filled}/read",
            json={
                "query": "sql: SELECT name FROM company",
                "read_mode": "raw-tables",
                "read_id": "r-1",
            },
        )
    )
    assert result["reader_result"] == {"columns": ["name"], "rows": [["Acme"]]}
    assert result["read_id"] == "r-1"


async def test_reads_see_new_tables_after_a_schema_update(
    client: httpx.AsyncClient, filled: str
) -> None:
    from engine_testkit import CONTACTS_YML

    await read(client, filled, "sql: SELECT name FROM company", "raw-tables")  # reader cached
    wider = CONTACTS_YML.replace(
        "relations:", "  tag:\n    fields:\n      label: {type: str}\nrelations:"
    )
    response = await client.put(
        f"/instances/{filled}/schema", json={"instance_schema": {"yml": {"value": wider}}}
    )
    assert response.status_code == 200, response.text
    await client.post(
        f"/instances/{filled}/write",
        json={"structured_mutations": [obj_create("tag", {}, {"label": "vip"})]},
    )
    result = await read(client, filled, "sql: SELECT label FROM tag", "raw-tables")
    assert result["reader_result"]["rows"] == [["vip"]]


async def test_a_name_opening_on_a_capital_outside_a_z_is_found_again(
    tmp_path: Path, database_url: str | None
) -> None:
    # SQLite's lower() folds A-Z only: "Łukasz" and "Élodie" lowered in Python never met the
    # stored names lowered in SQL, so notes were replaced and questions found no one. Both
    # stores: each folds the name asked for as it folds the names it holds.
    async with rules_session(tmp_path, database_url=database_url) as memory:
        await memory.write("Client: Łukasz Wiśniewski, CTO of Kraków Robotics.")
        await memory.write("Łukasz prefers calls on Tuesdays.")
        await memory.write("Élodie Fournier is a nurse at Leeds General.")
        who = await memory.read("Who is Łukasz Wiśniewski?")
        said = who["reader_result"]["answer"]
        assert "Client: Łukasz" in said and "prefers calls" in said, who  # notes kept, both
        works = await memory.read("Where does Élodie work?")
        assert works["reader_result"]["answer"] == "Leeds General", works
        assert works["basis"] == "records", works
