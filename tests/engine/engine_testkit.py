"""Test helpers for the engine: a scripted mind, a client over the ASGI app, data snapshots.

The scripted mind is deterministic and tiny, so engine tests do not depend on how clever the
rules mind is:
- extraction reads one object per line, `type: field=value; field=value`, and relation lines
  `~relation: role=<line index>; role=<line index>`;
- answering treats a question starting with `sql:` as the SQL to run (through the engine's
  guarded runner), `unrepresentable` as a question the schema cannot hold, `notice` as one
  it cannot answer as asked, one starting with `?` as one no row answers, and
  `two: PROBE ;; SQL` runs a probe before the SQL that answers;
- design returns a contact schema, or the current one with a `notes` field added.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.embedded import Engine
from xmemory_engine.minds.base import (
    Answer,
    AnswerRequest,
    ExtractedObject,
    ExtractedRelation,
    Extraction,
    ExtractionRequest,
    Mind,
    ResultTable,
)
from xmemory_engine.minds.rules import rules_mind
from xmemory_engine.schema import FieldSpec, ObjectSpec, Schema, parse_schema

CONTACTS_YML = """
objects:
  contact:
    description: a person we know
    primary_key: [email]
    fields:
      name: {type: str, required: true, description: full name}
      email: {type: str, description: email address}
      age: {type: int}
      score: {type: float}
      active: {type: bool}
      stage: {type: str, enum: [lead, customer]}
  company:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      city: {type: str}
  memo:
    fields:
      content: {type: str, required: true}
relations:
  works_at:
    description: employment
    objects: {employee: contact, employer: company}
    fields:
      since: {type: int}
"""


class ScriptedExtractor:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def extract(self, request: ExtractionRequest) -> Extraction:
        self.calls.append(request.text)
        out = Extraction()
        for index, line in enumerate(request.text.strip().splitlines()):
            head, _, rest = line.partition(":")
            pairs = [p.split("=", 1) for p in rest.split(";") if "=" in p]
            values = {k.strip(): v.strip() for k, v in pairs}
            if head.startswith("~"):
                out.relations.append(
                    ExtractedRelation(head[1:].strip(), {k: f"r{v}" for k, v in values.items()})
                )
            elif head.strip() == "boom":
                raise RuntimeError("the scripted extractor was told to fail")
            else:
                out.objects.append(ExtractedObject(head.strip(), values, ref=f"r{index}"))
        return out


class ScriptedAnswerer:
    async def answer(self, request: AnswerRequest) -> Answer:
        question = request.question.strip()
        if question.startswith("two:"):  # a probe, then the query that answers
            probe, _, sql = question[4:].partition(";;")
            await request.run_sql(probe.strip())
            return Answer(tables=[await request.run_sql(sql.strip())])
        if question.startswith("sql:"):
            table = await request.run_sql(question[4:].strip())
            return Answer(tables=[table])
        if question == "unrepresentable":
            return Answer(representable=False)
        if question.startswith("?"):  # a mind that found no row answering it
            return Answer()
        if question == "notice":
            return Answer(notice="could not answer this as asked")
        # A grounded answer: prose with the row it rests on (rowless prose is "nothing").
        return Answer(
            tables=[ResultTable(columns=["asked"], rows=[[question]])],
            answer=f"you asked: {question}",
        )


class ScriptedDesigner:
    async def design(self, description: str, current: Schema | None = None) -> Schema:
        if current is None:
            return parse_schema(CONTACTS_YML)
        objects = dict(current.objects)
        first = next(iter(objects.values()))
        fields = dict(first.fields) | {"notes": FieldSpec(type="str", description=description)}
        objects[first.name] = ObjectSpec(first.name, fields, first.description, first.primary_key)
        return Schema(objects=objects, relations=dict(current.relations))


def instance_file_at(path: Path, schema: Schema, version: int) -> sqlite3.Connection:
    """An instance file as the engine left it at `version`: the migrations up to it run,
    its version set and the schema's tables made; the caller writes its old rows and closes."""
    from xmemory_engine.store.instance import schema_ddl
    from xmemory_engine.store.internal import MIGRATIONS
    from xmemory_engine.store.sqlite import present_tables

    conn = sqlite3.connect(path, isolation_level=None)
    for _, _, run in MIGRATIONS[:version]:
        run(conn, None)
    conn.execute(f"PRAGMA user_version = {version}")
    for statement in schema_ddl(schema, present_tables(conn)):
        conn.execute(statement)
    return conn


def scripted_mind() -> Mind:
    return Mind(ScriptedExtractor(), ScriptedAnswerer(), ScriptedDesigner())


@asynccontextmanager
async def running_engine(
    data_dir: Path, mind: Mind | None = None, **settings: Any
) -> AsyncIterator[Engine]:
    async with open_engine(
        EngineSettings(data_dir=data_dir, **settings), mind=mind or scripted_mind()
    ) as engine:
        yield engine


def asgi_client(engine: Engine, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=engine.app), base_url="http://engine", **kwargs
    )


POSTGRES_URLS: dict[Path, str] = {}
"""Data directories of engines running on PostgreSQL, with their database (conftest fills it)."""


def snapshot(data_dir: Path) -> dict[str, Any]:
    """Every row of every table of the catalog and every instance file (bar timestamps of
    nothing: a snapshot must be identical after a refused request)."""
    if data_dir in POSTGRES_URLS:
        from support.postgres import dump_database

        return dump_database(POSTGRES_URLS[data_dir])
    files = [data_dir / "catalog.sqlite", *sorted((data_dir / "instances").glob("*.sqlite"))]
    dump: dict[str, Any] = {}
    for path in files:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [
                r[0]
                for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1")
            ]
            for table in tables:
                try:
                    rows = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
                except sqlite3.OperationalError:  # a WITHOUT ROWID table (FTS5 keeps one)
                    rows = db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
                dump[f"{path.name}:{table}"] = rows
            dump[f"{path.name}:schema"] = db.execute(
                "SELECT sql FROM sqlite_master ORDER BY name"
            ).fetchall()
        finally:
            db.close()
    return dump


def instance_stored(engine: Engine, iid: str) -> bool:
    """Whether the instance's data exists: its file, or its PostgreSQL schema."""
    url = engine.settings.database_url
    if url is not None:
        from support.postgres import has_schema

        return has_schema(url, f"xm_{iid}")
    return (engine.settings.data_dir / "instances" / f"{iid}.sqlite").exists()


def query_instance(engine: Engine, iid: str, sql: str, *args: Any) -> list[Any]:
    """Rows of `sql` (`?` marks) on the instance's own tables, whichever the store."""
    url = engine.settings.database_url
    if url is not None:
        from support.postgres import query_schema

        return query_schema(url, f"xm_{iid}", sql, args)
    path = engine.settings.data_dir / "instances" / f"{iid}.sqlite"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def queue_order(engine: Engine, write_ids: list[str]) -> list[str]:
    """These write jobs in the order they were queued (the catalog's sequence)."""
    url = engine.settings.database_url
    sql = "SELECT id FROM write_jobs WHERE id IN ({}) ORDER BY seq"
    if url is not None:
        from support.postgres import query_schema

        marks = ",".join("?" * len(write_ids))
        return [str(r[0]) for r in query_schema(url, "xmemory", sql.format(marks), write_ids)]
    db = sqlite3.connect(engine.settings.data_dir / "catalog.sqlite")
    try:
        found = db.execute(sql.format(",".join("?" * len(write_ids))), write_ids)
        return [str(r[0]) for r in found]
    finally:
        db.close()


def stored_rows(engine: Engine, iid: str, table: str) -> list[dict[str, Any]]:
    """Every row of one of the instance's tables as a dict, in the order they were stored."""
    url = engine.settings.database_url
    if url is not None:
        from support.postgres import table_rows

        return table_rows(url, f"xm_{iid}", table)
    db = sqlite3.connect(engine.settings.data_dir / "instances" / f"{iid}.sqlite")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute(f'SELECT * FROM "{table}" ORDER BY rowid')]
    finally:
        db.close()


def envelope_error(response: httpx.Response) -> dict[str, Any]:
    """The single error of an error envelope (asserting the envelope's shape)."""
    body = response.json()
    assert set(body) == {"ids", "items", "errors"}, body
    assert body["ids"] == [] and body["items"] == [], body
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    assert set(error) == {"code", "message", "field", "resource_id", "details"}
    return error


def item(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"ids", "items", "errors"} and body["errors"] == []
    first: dict[str, Any] = body["items"][0]
    return first


def create_body(name: str = "contacts", schema: str = CONTACTS_YML) -> dict[str, Any]:
    return {"name": name, "instance_schema": {"yml": {"value": schema}}}


def obj_create(object_type: str, key: dict[str, Any], values: dict[str, Any] | None = None) -> Any:
    change: dict[str, Any] = {"key": key}
    if values is not None:
        change["values"] = values
    return {"object_mutation": {"object_type": object_type, "create": change}}


def obj_update(object_type: str, key: dict[str, Any], values: dict[str, Any]) -> Any:
    return {
        "object_mutation": {"object_type": object_type, "update": {"key": key, "values": values}}
    }


def obj_delete(object_type: str, key: dict[str, Any]) -> Any:
    return {"object_mutation": {"object_type": object_type, "delete": {"key": key}}}


def rel_create(relation_type: str, endpoints: dict[str, dict[str, Any]], **values: Any) -> Any:
    change: dict[str, Any] = {
        "endpoints": [{"object_name": role, "key": key} for role, key in endpoints.items()]
    }
    if values:
        change["values"] = values
    return {"relation_mutation": {"relation_type": relation_type, "create": change}}


class Session:
    """The default instance of a fresh engine with its default (rules) mind, written and read
    over its HTTP API."""

    def __init__(self, http: httpx.AsyncClient, instance_id: str) -> None:
        self.http, self.base = http, f"/instances/{instance_id}"

    async def write(self, text: str) -> None:
        response = await self.http.post(f"{self.base}/write", json={"text": text})
        assert response.status_code == 200, response.text

    async def read(self, query: str) -> dict[str, Any]:
        response = await self.http.post(f"{self.base}/read", json={"query": query})
        assert response.status_code == 200, response.text
        return response.json()["items"][0]  # type: ignore[no-any-return]

    async def forget(self, text: str) -> None:
        response = await self.http.post(f"{self.base}/forget", json={"text": text})
        assert response.status_code == 200, response.text

    async def rows(self, table: str) -> list[dict[str, Any]]:
        """Every stored record of one type, as column -> value (a raw-tables read)."""
        body = {"query": "rows", "mode": "raw-tables", "sql": f'SELECT * FROM "{table}"'}
        response = await self.http.post(f"{self.base}/read", json=body)
        assert response.status_code == 200, response.text
        found = response.json()["items"][0]["reader_result"]
        return [dict(zip(found["columns"], row, strict=True)) for row in found["rows"]]


@asynccontextmanager
async def rules_session(
    tmp_path: Path, today: date | None = None, **settings: Any
) -> AsyncIterator[Session]:
    """A session of the default mind, which reads dates as said on `today` when given."""
    mind = rules_mind(today=lambda: today) if today is not None else None
    async with open_engine(
        EngineSettings(data_dir=tmp_path / "d", **settings), mind=mind
    ) as engine:
        transport = httpx.ASGITransport(app=engine.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:
            yield Session(http, engine.default_instance_id)


# A default-schema, rules-mind memory over the HTTP API: `write(text)`, and
# `read(query, mode="single-answer")` returning the read's one item.
Write = Callable[[str], Awaitable[None]]
Ask = Callable[..., Awaitable[dict[str, Any]]]
Memory = tuple[Write, Ask]


@asynccontextmanager
async def default_memory(data_dir: Path) -> AsyncIterator[Memory]:
    """The engine as a user gets it (default schema, default mind) on `data_dir`."""
    async with open_engine(EngineSettings(data_dir=data_dir)) as engine:
        base = f"/instances/{engine.default_instance_id}"
        transport = httpx.ASGITransport(app=engine.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:

            async def write(text: str) -> None:
                response = await http.post(f"{base}/write", json={"text": text})
                assert response.status_code == 200, response.text

            async def read(query: str, mode: str = "single-answer") -> dict[str, Any]:
                response = await http.post(f"{base}/read", json={"query": query, "mode": mode})
                assert response.status_code == 200, response.text
                return response.json()["items"][0]  # type: ignore[no-any-return]

            yield write, read
