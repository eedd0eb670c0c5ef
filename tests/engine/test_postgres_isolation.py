"""On PostgreSQL, generated SQL reads one instance and nothing else: not another instance's
schema, and no catalog rows about the server, the database or other schemas.

PostgreSQL lets every role read its system catalogs (schema, table and role names, comments,
settings) by design, so the per-instance role alone cannot hide them: the database refuses
other instances' rows (no USAGE on their schemas), and the PostgreSQL side of the guard
(`store/postgres/reader.py`) refuses what reads the catalogs (catalog tables by name, casts to
`regclass` / `regnamespace` / ..., functions such as `obj_description`, `ts_stat`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from engine_testkit import asgi_client, create_body, item, obj_create, running_engine
from test_postgres_store import reader_run_raw

from xmemory_engine.errors import QueryRejected
from xmemory_engine.store.postgres.reader import ReadOnlyPostgres

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("store", ["postgres"], indirect=True),  # conftest: database_url
]


SECRET = "Secret Sam"
COUNT = "WITH RECURSIVE r(n) AS (SELECT 16000 UNION ALL SELECT n + 1 FROM r WHERE n < 18000) "

# Each would read catalog rows or another instance; {other} is the other instance's id.
HOSTILE = [
    "SELECT rolname FROM pg_roles",
    "SELECT * FROM pg_catalog.pg_roles",
    "SELECT name, setting FROM pg_settings",
    "SELECT nspname FROM pg_namespace",
    "SELECT relname FROM pg_class",
    "SELECT datname FROM pg_database",
    "SELECT description FROM pg_description",
    "SELECT table_schema, table_name FROM information_schema.tables",
    "SELECT schema_name FROM information_schema.schemata",
    "SELECT * FROM information_schema.columns",
    'SELECT * FROM "xm_{other}".contact',
    "SELECT * FROM xm_{other}.contact",
    "SELECT * FROM xmemory.instances",
    "SELECT * FROM xmemory.write_jobs",
    "SELECT * FROM _xm_episode",
    "SELECT obj_description(2200, 'pg_namespace')",
    COUNT + "SELECT obj_description(n, 'pg_namespace') FROM r",
    COUNT + "SELECT CAST(n AS regnamespace) FROM r",
    COUNT + "SELECT n::regclass FROM r",
    COUNT + "SELECT n::regrole FROM r",
    "SELECT 'pg_roles'::regclass::oid",
    "SELECT to_regclass('xm_{other}.contact')",
    "SELECT to_regnamespace('xm_{other}')",
    "SELECT ts_stat('SELECT to_tsvector(rolname) FROM pg_roles')",
    "SELECT ts_stat('SELECT to_tsvector(name) FROM xm_{other}.contact')",
    "SELECT query_to_xml('SELECT * FROM xm_{other}.contact', true, false, '')",
    "SELECT table_to_xml('xm_{other}.contact', true, false, '')",
    "SELECT table_to_xmlschema('contact', true, false, '')",
    "SELECT database_to_xmlschema(true, false, '')",
    "SELECT current_schemas(true)",
    "SELECT current_schema",
    "SELECT current_database()",
    "SELECT current_catalog",
    "SELECT current_user",
    "SELECT session_user",
    "SELECT user",
    "SELECT version()",
    "SELECT inet_server_addr()",
    "SELECT has_schema_privilege('xm_{other}', 'USAGE')",
    "SELECT has_table_privilege('xmemory.instances', 'SELECT')",
    "SELECT format_type(25, NULL)",
    "SELECT current_setting('data_directory')",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_ls_dir('.')",
    "SELECT txid_current()",
    "SELECT currval('xmemory.engine_ids')",
    "SELECT name FROM contact UNION SELECT nspname FROM pg_namespace",
    "SELECT name FROM contact WHERE EXISTS (SELECT 1 FROM pg_roles)",
]

# Past the guard, the database itself refuses every read of another instance.
OTHER_INSTANCE_RAW = [
    'SELECT name FROM "xm_{other}".contact',
    "SELECT to_regclass('xm_{other}.contact')",
    "SELECT query_to_xml('SELECT name FROM \"xm_{other}\".contact', true, false, '')",
    "SELECT table_to_xml('\"xm_{other}\".contact', true, false, '')",
    "SELECT ts_stat('SELECT to_tsvector(name) FROM \"xm_{other}\".contact')",
    "SELECT * FROM xmemory.instances",
    "SELECT text FROM _xm_episode",
]


async def _instance(http: httpx.AsyncClient, cluster_id: str, name: str, schema: Any = None) -> str:
    body = create_body() if schema is None else create_body(schema=schema)
    created = await http.post(f"/clusters/{cluster_id}/instances", json=body)
    assert created.status_code == 200, created.text
    iid = str(item(created)["id"])
    return iid


async def test_no_hostile_query_reads_the_catalog_or_another_instance(
    tmp_path: Path, database_url: str | None
) -> None:
    pg_url = database_url  # a fresh database of the session's cluster (conftest.py)
    assert pg_url is not None
    async with (
        running_engine(tmp_path / "d", database_url=pg_url, read_time_limit=2.0) as engine,
        asgi_client(engine) as http,
    ):
        iid = await _instance(http, engine.default_cluster_id, "mine")
        other = await _instance(http, engine.default_cluster_id, "other")
        for instance, name in ((iid, "Ann Lee"), (other, SECRET)):
            written = await http.post(
                f"/instances/{instance}/write",
                json={
                    "structured_mutations": [
                        obj_create("contact", {"email": "a@x.io"}, {"name": name})
                    ]
                },
            )
            assert written.status_code == 200, written.text
        database = pg_url.rsplit("/", 1)[1]
        # What a leak would show: the other instance (its id, its rows, its role), the
        # catalog's schema, this database, the server's roles and settings.
        markers = [other, SECRET, "xmemory_instance", database, "postgres", "pg_toast",
                   "data_directory", "xm_r_", '"xmemory"', "information_schema"]  # fmt: skip
        live = await engine.service.registry.get(iid)
        leaks: list[str] = []
        for template in HOSTILE:
            sql = template.replace("{other}", other)
            with pytest.raises(QueryRejected):
                live.reader().run(sql)
            for body in (
                {"query": "q", "sql": sql, "mode": "raw-tables"},
                {"query": "q", "sql": sql, "mode": "xresponse"},
            ):
                response = await http.post(f"/instances/{iid}/read", json=body)
                assert 400 <= response.status_code < 500, (sql, response.text)
                text = response.text
                shown = [m for m in markers if m in text and m.lower() not in sql.lower()]
                if shown:
                    leaks.append(f"{sql!r}: {shown}")
        assert not leaks, "\n".join(leaks)
        for template in OTHER_INSTANCE_RAW:
            sql = template.replace("{other}", other)
            assert reader_run_raw(live, sql).startswith("refused"), sql
        # Its own rows stay readable.
        own = await http.post(
            f"/instances/{iid}/read",
            json={"query": "q", "sql": "SELECT name FROM contact", "mode": "raw-tables"},
        )
        assert item(own)["reader_result"]["rows"] == [["Ann Lee"]]


SHADOW = """
objects:
  pg_roles:
    description: a type named like a catalog view
    primary_key: [rolname]
    fields:
      rolname: {type: str, required: true}
"""


async def test_a_name_of_the_catalog_is_refused_and_never_reads_the_catalog(
    tmp_path: Path, database_url: str | None
) -> None:
    pg_url = database_url  # a fresh database of the session's cluster (conftest.py)
    assert pg_url is not None
    async with (
        running_engine(tmp_path / "d", database_url=pg_url) as engine,
        asgi_client(engine) as http,
    ):
        refused = await http.post(
            f"/clusters/{engine.default_cluster_id}/instances", json=create_body(schema=SHADOW)
        )
        assert refused.status_code == 400, refused.text
        assert "pg_" in refused.text
        iid = await _instance(http, engine.default_cluster_id, "mine")
        live = await engine.service.registry.get(iid)
        # Were such a table there, generated SQL would read it, not the catalog's view: the
        # reader searches the instance's schema before pg_catalog.
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(f'CREATE TABLE "xm_{iid}".pg_roles (rolname TEXT)')
            admin.execute(f'GRANT SELECT ON "xm_{iid}".pg_roles TO "xm_r_{iid}"')
        reader = ReadOnlyPostgres(live.reader().db, iid, allowed_tables=["pg_roles", "contact"])
        assert reader.run("SELECT rolname FROM pg_roles").rows == []
        assert reader.run("SELECT count(*) FROM pg_roles").rows == [[0]]
