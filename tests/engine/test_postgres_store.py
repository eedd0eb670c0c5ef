"""What only the PostgreSQL store has: a real server behind `engine serve --database-url`,
containment of generated SQL by the database itself (a role per instance), its layout, and
moving an instance between the stores with the portable format.

A throwaway cluster serves the session (tests/support/postgres.py); each test gets a fresh
database. The engine's API, read and episode tests run on this store too (conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_server import engine_server, run_serve
from engine_testkit import (
    asgi_client,
    create_body,
    item,
    obj_create,
    rel_create,
    running_engine,
)
from test_portable_lines import export_text, filled_instance

from support.postgres import Cluster, dump_database, query_schema
from xmemory_engine.errors import InvalidRequest, QueryRejected
from xmemory_engine.portable.lines import import_instance

pytestmark = pytest.mark.anyio


@pytest.fixture
def pg_url(postgres_cluster: Cluster) -> Iterator[str]:
    url = postgres_cluster.create_database()
    try:
        yield url
    finally:
        postgres_cluster.drop_database(url)


async def new_instance(http: httpx.AsyncClient, cluster_id: str) -> str:
    created = await http.post(f"/clusters/{cluster_id}/instances", json=create_body())
    return str(item(created)["id"])


PEOPLE = [
    obj_create("contact", {"email": "ann@x.io"}, {"name": "Ann Lee", "age": 41, "active": True}),
    obj_create("company", {"name": "Acme"}, {"city": "Oslo"}),
    rel_create("works_at", {"employee": {"email": "ann@x.io"}, "employer": {"name": "Acme"}}),
]


async def test_tables_have_real_types_and_indexes(tmp_path: Path, pg_url: str) -> None:
    async with (
        running_engine(tmp_path / "d", database_url=pg_url) as engine,
        asgi_client(engine) as http,
    ):
        iid = await new_instance(http, engine.default_cluster_id)
        written = await http.post(f"/instances/{iid}/write", json={"structured_mutations": PEOPLE})
        assert written.status_code == 200, written.text
    schema = f"xm_{iid}"
    types = dict(
        query_schema(
            pg_url,
            schema,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = 'contact'",
            (schema,),
        )
    )
    assert types["age"] == "bigint" and types["score"] == "double precision"
    assert types["active"] == "boolean" and types["name"] == "text"
    indexes = {
        name: definition
        for name, definition in query_schema(
            pg_url,
            schema,
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ?",
            (schema,),
        )
    }
    assert "UNIQUE" in indexes["contact__pk"] and "(email)" in indexes["contact__pk"]
    assert "UNIQUE" in indexes["works_at__endpoints"]
    assert "employer_xuid" in indexes["works_at__employer_xuid"]
    assert "gin" in indexes["_xm_passage__words"].lower()
    # Nothing of the engine lives in files: the data directory only holds the lock files.
    assert not list((tmp_path / "d").rglob("*.sqlite"))
    [(active, age)] = query_schema(pg_url, schema, "SELECT active, age FROM contact", ())
    assert active is True and age == 41


async def test_generated_sql_is_contained_by_the_database(tmp_path: Path, pg_url: str) -> None:
    async with running_engine(tmp_path / "d", database_url=pg_url, read_time_limit=1.0) as engine:
        async with asgi_client(engine) as http:
            iid = await new_instance(http, engine.default_cluster_id)
            other = await new_instance(http, engine.default_cluster_id)
            for instance in (iid, other):
                await http.post(
                    f"/instances/{instance}/write", json={"structured_mutations": PEOPLE}
                )
            answered = await http.post(
                f"/instances/{iid}/read",
                json={
                    "query": "q",
                    # LIKE ignores case, as on SQLite
                    "sql": "SELECT name, age FROM contact WHERE name LIKE 'ann%'",
                    "mode": "raw-tables",
                },
            )
            assert item(answered)["reader_result"]["rows"] == [["Ann Lee", 41]]
        live = await engine.service.registry.get(iid)
        reader = live.reader()
        before = dump_database(pg_url)
        # The static check, in either dialect, refuses what names anything but this
        # instance's tables, and what would write.
        for sql in (
            f'SELECT * FROM "xm_{other}".contact',
            "SELECT * FROM xmemory.instances",
            "SELECT * FROM _xm_episode",
            "SELECT * FROM pg_catalog.pg_namespace",
            "SELECT pg_read_file('/etc/passwd')",
            "DELETE FROM contact",
        ):
            with pytest.raises(QueryRejected):
                reader.run(sql)
        # Past the check, the database itself refuses: the reader role may only read this
        # instance's record tables, in a read-only transaction.
        assert reader_run_raw(live, f'SELECT name FROM "xm_{other}".contact').startswith("refused")
        assert reader_run_raw(live, "SELECT id FROM xmemory.instances").startswith("refused")
        assert reader_run_raw(live, "SELECT text FROM _xm_episode").startswith("refused")
        assert reader_run_raw(live, "SELECT pg_read_file('/etc/passwd')").startswith("refused")
        assert reader_run_raw(live, "DELETE FROM contact").startswith("refused")
        assert reader_run_raw(live, "SELECT name FROM contact") == "rows: [['Ann Lee']]"
        with pytest.raises(QueryRejected, match="time limit"):
            reader.run(
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
            )
        with pytest.raises(InvalidRequest):
            reader.run("SELECT no_such_column FROM contact")
        assert dump_database(pg_url) == before


def reader_run_raw(live: Any, sql: str) -> str:
    """Run `sql` as the reader runs generated SQL (read-only, its role, its search path),
    without the static check: what the database alone allows."""
    import psycopg

    reader = live.reader()
    try:
        _, rows, _ = reader.db.run(lambda conn: reader._run(conn, sql, 2.0))
    except psycopg.Error as exc:
        return f"refused: {type(exc).__name__}"
    return f"rows: {rows}"


async def test_moving_an_instance_sqlite_to_postgres_to_sqlite_loses_nothing(
    tmp_path: Path, pg_url: str
) -> None:
    first, second, third = (tmp_path / n for n in ("a.jsonl", "b.jsonl", "c.jsonl"))
    async with running_engine(tmp_path / "sqlite-a") as engine:
        iid = await filled_instance(engine)
        exported = await export_text(engine, iid, first)
    async with running_engine(tmp_path / "pg", database_url=pg_url) as engine:
        report = await import_instance(engine.service, first)
        assert report["counts"] == exported[-1]["end"]
        on_postgres = await export_text(engine, iid, second)
        async with asgi_client(engine) as http:
            found = await http.post(
                f"/instances/{iid}/read",
                json={"query": "sql: SELECT age FROM contact", "mode": "single-answer"},
            )
            assert any(e.get("history") for e in item(found).get("evidence") or [])
    async with running_engine(tmp_path / "sqlite-b") as engine:
        await import_instance(engine.service, second)
        back = await export_text(engine, iid, third)
    for lines in (exported, on_postgres, back):
        del lines[0]["xmemory"]["instance"]["cluster_id"]
    assert on_postgres == exported
    assert back == exported


async def test_forget_on_postgres_leaves_no_row_holding_the_text(
    tmp_path: Path, pg_url: str
) -> None:
    address = "12 Elm Street"
    async with (
        running_engine(tmp_path / "d", database_url=pg_url) as engine,
        asgi_client(engine) as http,
    ):
        iid = await new_instance(http, engine.default_cluster_id)
        await http.post(
            f"/instances/{iid}/write",
            json={
                "structured_mutations": [
                    obj_create("memo", {}, {"content": f"My address is {address}."}),
                    obj_create("memo", {}, {"content": "I like green tea."}),
                ],
                "source_text": f"My address is {address}. I like green tea.",
            },
        )
        assert address in json.dumps(dump_database(pg_url), default=str)
        forgotten = await http.post(f"/instances/{iid}/forget", json={"text": "12 elm street"})
        assert forgotten.status_code == 200, forgotten.text
        assert item(forgotten)["forgotten"]["records"] == 1
        asked = {"query": "? where is Elm Street", "mode": "single-answer"}
        after = item(await http.post(f"/instances/{iid}/read", json=asked))
        assert after["basis"] == "nothing", after
        memos = await http.post(
            f"/instances/{iid}/read",
            json={"query": "q", "sql": "SELECT content FROM memo", "mode": "raw-tables"},
        )
        assert item(memos)["reader_result"]["rows"] == [["I like green tea."]]
    dumped = json.dumps(dump_database(pg_url), default=str).lower()
    assert "elm street" not in dumped and "green tea" in dumped


@pytest.mark.slow
def test_engine_serve_on_postgres_keeps_an_acknowledged_write_across_sigkill(
    tmp_path: Path, pg_url: str
) -> None:
    data = tmp_path / "d"
    slow = {"XMEM_ENGINE_TEST_APPLY_DELAY": "60", "XMEM_ENGINE_DATABASE_URL": pg_url}
    with engine_server(data, env=slow) as server, httpx.Client(base_url=server.url) as http:
        iid = http.get("/instances").json()["items"][0]["id"]
        ack = http.post(
            f"/instances/{iid}/write_async",
            json={"structured_mutations": [obj_create("person", {"name": "Dana Scully"}, {})]},
        )
        write_id = ack.json()["items"][0]["write_id"]
        server.kill()
    with (
        engine_server(data, "--database-url", pg_url) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        status = {}
        for _ in range(100):
            status = http.post(
                f"/instances/{iid}/write_status", json={"write_id": write_id}
            ).json()["items"][0]
            if status["write_status"] == "completed":
                break
            time.sleep(0.1)
        assert status["write_status"] == "completed", status
        read = http.post(
            f"/instances/{iid}/read",
            json={"query": "q", "sql": "SELECT name FROM person", "mode": "raw-tables"},
        )
        assert read.json()["items"][0]["reader_result"]["rows"] == [["Dana Scully"]]
        assert server.stop() == 0
    assert not list(data.rglob("*.sqlite"))


@pytest.mark.slow
def test_engine_serve_refuses_a_database_it_cannot_use(tmp_path: Path) -> None:
    code, stderr = run_serve(tmp_path / "d", ["--database-url", "mysql://x/y"], env={})
    assert code == 2 and "postgresql://" in stderr
    code, stderr = run_serve(
        tmp_path / "d", ["--database-url", "postgresql://nobody@127.0.0.1:1/none"], env={}
    )
    assert code == 1 and "cannot connect to the database" in stderr
    assert "Traceback" not in stderr


def test_the_sqlite_engine_never_imports_the_postgres_driver(tmp_path: Path) -> None:
    script = f"""
import sys, anyio
from xmemory_engine import EngineSettings, open_engine

async def main() -> None:
    async with open_engine(EngineSettings(data_dir={str(tmp_path / "d")!r})):
        pass

anyio.run(main)
print(sorted(m for m in sys.modules if m.startswith("psycopg")))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


E2E = Path(__file__).resolve().parents[1] / "e2e"


def loopback_env(url: str, token: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("XMEM_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update({"XMEM_API_URL": url, "XMEM_AUTH_TOKEN": token})
    return env


@pytest.mark.slow
def test_the_seed_example_runs_against_engine_serve_on_postgres(
    tmp_path: Path, pg_url: str
) -> None:
    """The seed document's example script, verbatim but for the token (as tests/e2e runs it
    on SQLite), against `engine serve --database-url`."""
    script = (E2E / "seed_example.txt").read_text()
    script = script.replace('token="your-token"', 'token="seed-key"')
    args = ("--api-key", "seed-key", "--database-url", pg_url)
    with engine_server(tmp_path / "d", *args) as server:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=180,
            env=loopback_env(server.url, "seed-key"),
        )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "{'answer': 'alice@acme.com'}"
    assert "Bob Lee" in lines[1]


def published_python() -> Path | None:
    named = os.environ.get("XMEM_PUBLISHED_CLIENT_PYTHON")
    candidate = Path(named) if named else Path("/tmp/xmai/bin/python")
    return candidate if candidate.exists() else None


@pytest.mark.slow
@pytest.mark.skipif(
    published_python() is None,
    reason="no environment with the published client (see tests/e2e/"
    "test_engine_published_client.py for how to make /tmp/xmai)",
)
def test_the_published_client_works_against_engine_serve_on_postgres(
    tmp_path: Path, pg_url: str
) -> None:
    python = published_python()
    assert python is not None
    args = ("--api-key", "published-key", "--database-url", pg_url)
    with engine_server(tmp_path / "d", *args) as server:
        done = subprocess.run(
            [str(python), str(E2E / "published_client_check.py")],
            capture_output=True,
            text=True,
            timeout=180,
            env=loopback_env(server.url, "published-key"),
            cwd=tmp_path,  # not the repository: its own `xmemory` must not shadow the client
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "published client check:" in done.stdout and " 0 failed" in done.stdout


async def test_old_orphan_schemas_are_dropped_at_start_and_young_ones_kept(
    tmp_path: Path, pg_url: str
) -> None:
    import psycopg

    async with running_engine(tmp_path / "d", database_url=pg_url):
        pass
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for name, made in (("xm_deadbeef", time.time() - 3600), ("xm_cafe", time.time())):
            conn.execute(f'CREATE SCHEMA "{name}"')
            stamp = json.dumps({"xmemory_instance": name[3:], "created_at": made})
            conn.execute(f"COMMENT ON SCHEMA \"{name}\" IS '{stamp}'")
        conn.execute('CREATE SCHEMA "xm_not_ours"')  # no stamp: never touched
    async with running_engine(tmp_path / "d", database_url=pg_url):
        pass
    with psycopg.connect(pg_url, autocommit=True) as conn:
        left = {
            r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'xm%'")
        }
    assert "xm_deadbeef" not in left
    assert {"xm_cafe", "xm_not_ours"} <= left


async def test_a_value_postgresql_cannot_hold_is_refused_and_stores_nothing(
    tmp_path: Path, pg_url: str
) -> None:
    async with (
        running_engine(tmp_path / "d", database_url=pg_url) as engine,
        asgi_client(engine) as http,
    ):
        iid = await new_instance(http, engine.default_cluster_id)
        before = dump_database(pg_url)
        for body in (
            {"structured_mutations": [obj_create("memo", {}, {"content": "a\u0000b"})]},
            {"text": "memo: content=x\u0000y"},
        ):
            refused = await http.post(f"/instances/{iid}/write", json=body)
            assert refused.status_code == 422, refused.text
            assert "NUL" in refused.json()["errors"][0]["message"]
        after = dump_database(pg_url)
    assert {k: v for k, v in after.items() if not k.startswith("catalog")} == {
        k: v for k, v in before.items() if not k.startswith("catalog")
    }
