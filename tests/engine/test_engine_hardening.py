"""Issue 10's probe, kept: every input that once got a 500 (or an open door) and its precise 4xx.

Each refused request leaves every row of every file exactly as it was, and no new file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_testkit import (
    asgi_client,
    create_body,
    envelope_error,
    item,
    obj_create,
    running_engine,
    snapshot,
)

from xmemory_engine.embedded import Engine
from xmemory_engine.settings import EngineSettings

pytestmark = pytest.mark.anyio


# -- an open door: a blank key ----------------------------------------------------------------


def test_a_blank_engine_key_is_refused_by_the_settings() -> None:
    with pytest.raises(ValueError, match="blank"):
        EngineSettings(data_dir=Path("/x"), api_key=" \t")
    with pytest.raises(ValueError, match="blank"):
        EngineSettings.from_env({"XMEM_DATA_DIR": "/x", "XMEM_ENGINE_API_KEY": "  "})
    assert (
        EngineSettings.from_env({"XMEM_DATA_DIR": "/x", "XMEM_ENGINE_API_KEY": ""}).api_key is None
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--host", "0.0.0.0", "--api-key", " "], {}),
        (["--host", "0.0.0.0", "--api-key", ""], {}),
        (["--host", "127.0.0.1", "--api-key", " "], {}),
        (["--host", "0.0.0.0"], {"XMEM_ENGINE_API_KEY": " "}),
        (["--host", "127.0.0.1"], {"XMEM_ENGINE_API_KEY": "\t"}),
    ],
)
def test_engine_serve_refuses_a_blank_key_in_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    # A process, with a timeout: before the fix, the first case served with no auth at all.
    command = [sys.executable, "-m", "xmemory_mcp", "engine", "serve", "--port", "0"]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")} | env
    done = subprocess.run(
        [*command, "--data-dir", str(tmp_path / "d"), *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=full_env,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert "blank" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--token", " "], {}),
        (["--token", ""], {}),
        (["--auth-token", " ", "--transport", "streamable-http", "--host", "0.0.0.0"], {}),
        ([], {"XMEM_AUTH_TOKEN": " "}),
        ([], {"XMEM_API_KEY": "  "}),
        (["--transport", "sse", "--host", "0.0.0.0"], {"XMEM_MCP_AUTH_TOKEN": " "}),
    ],
)
def test_the_mcp_server_refuses_a_blank_key_in_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], env: dict[str, str]
) -> None:
    from xmemory_mcp.cli import SettingsError, main, parse_settings

    with pytest.raises(SettingsError, match="blank"):
        parse_settings(args, env)
    if not env:
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "blank" in err and len(err.strip().splitlines()) == 1, err


def test_the_mcp_settings_refuse_a_blank_key_built_by_hand() -> None:
    from xmemory_mcp.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="blank"):
        Settings(token=" ").validate()
    with pytest.raises(SettingsError, match="blank"):
        Settings(auth_token=" ", transport="sse").validate()


# -- no 5xx from bad input ----------------------------------------------------------------------


def _write(values: str, *, object_type: str = "contact", key: str = '{"email": "e@x"}') -> str:
    mutation = f'{{"object_type": "{object_type}", "create": {{"key": {key}, "values": {values}}}}}'
    return f'{{"structured_mutations": [{{"object_mutation": {mutation}}}]}}'


def _create(schema: str, kind: str = "yml") -> str:
    return json.dumps({"name": "x", "instance_schema": {kind: {"value": schema}}})


def _fields(count: int) -> str:
    return json.dumps({"objects": {"t": {"fields": {f"f{i}": "str" for i in range(count)}}}})


# (what, method, path template, raw body, status, code); {i} is the contacts instance, {c} the
# default cluster.
BAD_INPUTS: list[tuple[str, str, str, str, int, str]] = [
    ("json 100,000 deep", "POST", "/instances/{i}/read", "[" * 100_000 + "]" * 100_000, 413, "payload_too_large"),
    ("object 100,000 deep", "POST", "/instances/{i}/write", '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", 413, "payload_too_large"),
    ("mutation 5,000 deep", "POST", "/instances/{i}/write", _write('{"name": "n", "age": ' + "[" * 5000 + "]" * 5000 + "}"), 413, "payload_too_large"),
    ("NaN", "POST", "/instances/{i}/write", _write('{"name": "n", "score": NaN}'), 400, "invalid_request"),
    ("Infinity", "POST", "/instances/{i}/write", _write('{"name": "n", "score": Infinity}'), 400, "invalid_request"),
    ("-Infinity", "POST", "/instances/{i}/write", _write('{"name": "n", "score": -Infinity}'), 400, "invalid_request"),
    ("1e999", "POST", "/instances/{i}/write", _write('{"name": "n", "score": 1e999}'), 400, "invalid_request"),
    ("int 2^63", "POST", "/instances/{i}/write", _write(f'{{"name": "n", "age": {2**63}}}'), 422, "unprocessable"),
    ("int -2^63-1", "POST", "/instances/{i}/write", _write(f'{{"name": "n", "age": {-(2**63) - 1}}}'), 422, "unprocessable"),
    ("int 10^30", "POST", "/instances/{i}/write", _write(f'{{"name": "n", "age": {10**30}}}'), 422, "unprocessable"),
    ("int 5,000 digits", "POST", "/instances/{i}/write", _write('{"name": "n", "age": ' + "9" * 5000 + "}"), 400, "invalid_request"),
    ("int 1e300 as float", "POST", "/instances/{i}/write", _write('{"name": "n", "age": 1e300}'), 422, "unprocessable"),
    ("int as 40-digit text", "POST", "/instances/{i}/write", _write('{"name": "n", "age": "' + "9" * 40 + '"}'), 422, "unprocessable"),
    ("int 10^30 in a key", "POST", "/instances/{i}/write", _write('{"name": "n"}', key=f'{{"email": "e@x", "age": {10**30}}}'), 422, "unprocessable"),
    ("float 'nan' as text", "POST", "/instances/{i}/write", _write('{"name": "n", "score": "nan"}'), 422, "unprocessable"),
    ("float '-inf' as text", "POST", "/instances/{i}/write", _write('{"name": "n", "score": "-inf"}'), 422, "unprocessable"),
    ("float 10^400", "POST", "/instances/{i}/write", _write(f'{{"name": "n", "score": {10**399}}}'), 422, "unprocessable"),
    ("surrogate in note content", "POST", "/instances/{i}/write", _write('{"content": "a\\ud800b"}', object_type="memo", key="{}"), 400, "invalid_request"),
    ("surrogate in text", "POST", "/instances/{i}/write", '{"text": "contact: name=a\\udfff"}', 400, "invalid_request"),
    ("surrogate in a query", "POST", "/instances/{i}/read", '{"query": "who is \\ud800?"}', 400, "invalid_request"),
    ("surrogate in a key name", "POST", "/instances/{i}/read", '{"query": "q", "\\ud800": 1}', 400, "invalid_request"),
    ("surrogate in an instance name", "POST", "/clusters/{c}/instances", json.dumps(create_body()).replace('"contacts"', '"a\\ud800"'), 400, "invalid_request"),
    ("surrogate in a rename", "PATCH", "/instances/{i}", '{"name": "\\udc00"}', 400, "invalid_request"),
    ("not UTF-8", "POST", "/instances/{i}/read", '{"query": "\xff"}', 400, "invalid_request"),
    ("schema JSON 10,000 deep", "POST", "/clusters/{c}/instances", _create("[" * 10_000 + "]" * 10_000, "json_schema"), 400, "invalid_schema"),
    ("schema YAML 10,000 deep", "POST", "/clusters/{c}/instances", _create("[" * 10_000 + "]" * 10_000), 400, "invalid_schema"),
    ("schema YAML blocks 40 deep", "POST", "/clusters/{c}/instances", _create("".join(" " * (2 * n) + f"k{n}:\n" for n in range(40)) + " " * 80 + "x: 1\n"), 400, "invalid_schema"),
    ("schema update 10,000 deep", "PUT", "/instances/{i}/schema", json.dumps({"instance_schema": {"yml": {"value": "{" * 10_000 + "}" * 10_000}}}), 400, "invalid_schema"),
    ("fields Name and name", "POST", "/clusters/{c}/instances", _create("objects:\n  t:\n    fields:\n      Name: str\n      name: str\n"), 400, "invalid_schema"),
    ("relations R and r", "POST", "/clusters/{c}/instances", _create("objects:\n  t: {fields: {a: str}}\nrelations:\n  R: {objects: {x: t, y: t}}\n  r: {objects: {x: t, y: t}}\n"), 400, "invalid_schema"),
    ("roles A and a", "POST", "/clusters/{c}/instances", _create("objects:\n  t: {fields: {a: str}}\nrelations:\n  r: {objects: {A: t, a: t}}\n"), 400, "invalid_schema"),
    ("a field like a role column", "POST", "/clusters/{c}/instances", _create("objects:\n  t: {fields: {a: str}}\nrelations:\n  r: {objects: {x: t, y: t}, fields: {X_xuid: str}}\n"), 400, "invalid_schema"),
    ("a type named like an index", "POST", "/clusters/{c}/instances", _create("objects:\n  t: {primary_key: [a], fields: {a: str}}\n  t__pk: {fields: {a: str}}\n"), 400, "invalid_schema"),
    ("2,500 fields in a type", "POST", "/clusters/{c}/instances", _create(_fields(2500), "json_schema"), 400, "invalid_schema"),
    ("schema with a surrogate description", "POST", "/clusters/{c}/instances", _create('objects:\n  t: {description: "\\ud800", fields: {a: str}}\n'), 400, "invalid_schema"),
    ("date 2024-13-45", "POST", "/instances/{i}/write", _write("{}", object_type="event", key='{"title": "t", "on": "2024-13-45"}'), 422, "unprocessable"),
    ("date 2023-02-29", "POST", "/instances/{i}/write", _write("{}", object_type="event", key='{"title": "t", "on": "2023-02-29"}'), 422, "unprocessable"),
    ("datetime 25:00", "POST", "/instances/{i}/write", _write('{"at": "2024-01-01T25:00"}', object_type="event", key='{"title": "t", "on": "2024-01-01"}'), 422, "unprocessable"),
    ("datetime 2024-02-30", "POST", "/instances/{i}/write", _write('{"at": "2024-02-30T10:00:00Z"}', object_type="event", key='{"title": "t", "on": "2024-01-01"}'), 422, "unprocessable"),
]  # fmt: skip

EVENTS_YML = """
objects:
  contact:
    primary_key: [email]
    fields:
      name: {type: str, required: true}
      email: str
      age: int
      score: float
  memo:
    fields:
      content: {type: str, required: true}
  event:
    primary_key: [title, "on"]
    fields:
      title: str
      "on": date
      at: datetime
"""


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_INPUTS],
)
async def test_bad_input_is_a_precise_4xx_and_changes_nothing(
    tmp_path: Path, method: str, path: str, body: str, status: int, code: str
) -> None:
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as client:
        created = await client.post(
            f"/clusters/{engine.default_cluster_id}/instances",
            json=create_body(schema=EVENTS_YML),
        )
        instance = item(created)["id"]
        before = snapshot(tmp_path / "d")
        url = path.format(i=instance, c=engine.default_cluster_id)
        raw = body.encode("utf-8", "surrogatepass").replace(b"\xc3\xbf", b"\xff")
        response = await client.request(
            method, url, content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == status, response.text
        assert envelope_error(response)["code"] == code
        assert snapshot(tmp_path / "d") == before


async def test_real_dates_and_int64_bounds_are_stored(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as client:
        created = await client.post(
            f"/clusters/{engine.default_cluster_id}/instances",
            json=create_body(schema=EVENTS_YML),
        )
        instance = item(created)["id"]
        mutations = [
            obj_create("contact", {"email": "a"}, {"name": "A", "age": 2**63 - 1, "score": 1e308}),
            obj_create("contact", {"email": "b"}, {"name": "B", "age": -(2**63), "score": "-2.5"}),
            obj_create("event", {"title": "leap", "on": "2024-02-29"}, {"at": "2024-02-29 23:59"}),
            obj_create(
                "event", {"title": "z", "on": "2024-12-31"}, {"at": "2024-12-31T10:00+0530"}
            ),
        ]
        write = await client.post(
            f"/instances/{instance}/write", json={"structured_mutations": mutations}
        )
        assert item(write)["changes"]["counts"]["created"] == 4, write.text
        read = await client.post(
            f"/instances/{instance}/read",
            json={
                "query": "sql: SELECT age, score FROM contact ORDER BY email",
                "mode": "raw-tables",
            },
        )
        assert item(read)["reader_result"]["rows"] == [[2**63 - 1, 1e308], [-(2**63), -2.5]]


async def test_a_create_that_fails_after_its_tables_leaves_no_file(
    engine: Engine, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = engine.service.catalog

    async def broken(row: Any) -> None:
        raise RuntimeError("the catalog failed")

    data = engine.settings.data_dir
    before, files = snapshot(data), sorted((data / "instances").iterdir())
    monkeypatch.setattr(catalog, "create_instance", broken)
    response = await client.post(
        f"/clusters/{engine.default_cluster_id}/instances", json=create_body()
    )
    assert response.status_code == 500
    assert snapshot(data) == before
    assert sorted((data / "instances").iterdir()) == files
