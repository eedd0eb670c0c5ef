"""Property-based tests of the engine's HTTP API, in-process (hypothesis).

- Every route of the app, with arbitrary JSON bodies and values shaped like its body model:
  never a 5xx, always the envelope, and a refused request changes no row of any file.
- A stateful test: structured writes, corrections and deletes against a dict of what must be
  stored, read back through `sql` in raw-tables mode after every step.
- The OpenAPI document names every route and is valid JSON Schema.

The runs are derandomized (SEED, or XMEM_FUZZ_SEED); XMEM_FUZZ_SCALE multiplies the examples
for a longer run. The last test prints how many requests were generated, and the seed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.from_thread
import httpx
import jsonschema
import pytest
from engine_testkit import asgi_client, create_body, running_engine, snapshot
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from xmemory_engine.api.app import ROUTES
from xmemory_engine.api.openapi import RouteSpec
from xmemory_engine.embedded import Engine

SEED = int(os.environ.get("XMEM_FUZZ_SEED", "20261130"))
SCALE = float(os.environ.get("XMEM_FUZZ_SCALE", "1"))
PER_ROUTE = int(250 * SCALE)
EVERY_ROUTE = int(250 * SCALE)
"""Examples whose one body goes to every route that takes a body (11 requests each)."""
TARGET = int(10_000 * SCALE)

FUZZ = settings(
    max_examples=PER_ROUTE,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
)


# -- the engine under test, shared by the module ------------------------------------------------


@dataclass
class Target:
    """One engine in a portal thread, its client, and the bookkeeping of what was sent."""

    portal: anyio.from_thread.BlockingPortal
    engine: Engine
    client: httpx.AsyncClient
    instance: str
    data: Path
    created: list[str] = field(default_factory=list)
    sent: int = 0
    by_route: dict[str, int] = field(default_factory=dict)
    _stat: Any = None
    _snap: Any = None

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.sent += 1
        return self.portal.call(partial(self.client.request, method, url, **kwargs))

    def files(self) -> Any:
        """Name, size and mtime of every data file: a cheap look for a change (the full
        snapshot is taken only when these differ)."""
        found = []
        for folder in (self.data, self.data / "instances"):
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_file() and not entry.name.endswith("-shm"):
                        info = entry.stat()
                        found.append((entry.name, info.st_size, info.st_mtime_ns))
        return sorted(found)

    def checked(self, method: str, url: str, route: str, **kwargs: Any) -> httpx.Response:
        """Send one request; assert no 5xx, the envelope, and nothing changed if refused."""
        before = self.files()
        if before != self._stat:
            self._stat, self._snap = before, snapshot(self.data)
        response = self.request(method, url, **kwargs)
        self.by_route[route] = self.by_route.get(route, 0) + 1
        assert response.status_code < 500, (method, url, kwargs, response.text)
        if response.is_redirect:  # `/clusters/` (an empty id) -> `/clusters`: Starlette's
            return response
        body = response.json()
        if response.status_code >= 400:
            assert set(body) == {"ids", "items", "errors"}, body
            assert body["ids"] == [] and body["items"] == [] and len(body["errors"]) == 1, body
            if self.files() != before:
                assert snapshot(self.data) == self._snap, (method, url, kwargs)
        elif route in ("write_async",):
            self.settle(body["ids"][0])
        elif route == "create_instance":
            self.created.append(body["ids"][0])
        return response

    def settle(self, write_id: str) -> None:
        """Wait for a queued write, so that it is not applied during a later request."""
        for _ in range(500):
            status = self.request(
                "POST", f"/instances/{self.instance}/write_status", json={"write_id": write_id}
            ).json()["items"][0]["write_status"]
            if status in ("completed", "failed"):
                return
            self.portal.call(anyio.sleep, 0.005)
        raise AssertionError(f"write {write_id} never finished")


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(running_engine(data, sweep_interval=3600)) as engine,
        portal.wrap_async_context_manager(asgi_client(engine)) as client,
    ):
        created = portal.call(
            partial(
                client.post,
                f"/clusters/{engine.default_cluster_id}/instances",
                json=create_body(),
            )
        )
        instance = created.json()["items"][0]["id"]
        yield Target(portal, engine, client, instance, data)


# -- strategies ---------------------------------------------------------------------------------

NASTY_STRINGS = [
    "",
    " ",
    "2024-13-45",
    "2024-02-29",
    "2024-01-01T25:00",
    "nan",
    "-inf",
    "9" * 40,
    "lead",
    "customer",
    "x" * 300,
    "sql: SELECT 1",
    "sql: SELECT * FROM contact",
    "sql: SELECT printf('%.*c', 1000, 'x')",
    "sql: DELETE FROM contact",
    "?",
    "notice",
    "unrepresentable",
    "contact: name=a; email=b",
    "memo: content=hello",
    "Robert'); DROP TABLE contact;--",
    "\x00",
    "\u202e\ufeff",
    "💥",
]
NASTY_NUMBERS = [0, 1, -1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**30, 1e308, -0.0]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(NASTY_STRINGS),
    st.sampled_from(NASTY_NUMBERS),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)

TYPES = ["contact", "company", "memo", "Contact", "works_at", "nope", ""]
FIELDS = [
    "name",
    "email",
    "age",
    "score",
    "active",
    "stage",
    "city",
    "content",
    "since",
    "xuid",
    "zz",
]
ROLES = ["employee", "employer", "contact", "company", "x"]

field_maps = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3)
endpoint = st.fixed_dictionaries(
    {},
    optional={"object_name": st.sampled_from(ROLES) | json_values, "key": field_maps | json_values},
)
change = st.fixed_dictionaries(
    {},
    optional={
        "key": field_maps | json_values,
        "values": field_maps | json_values,
        "endpoints": st.lists(endpoint, max_size=3) | json_values,
        "allow_bulk_delete": json_values,
    },
)
actions = {a: change | json_values for a in ("create", "update", "delete", "upsert")}
mutation = st.one_of(
    st.fixed_dictionaries(
        {
            "object_mutation": st.fixed_dictionaries(
                {"object_type": st.sampled_from(TYPES) | json_values}, optional=actions
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "relation_mutation": st.fixed_dictionaries(
                {"relation_type": st.sampled_from(TYPES) | json_values}, optional=actions
            )
        }
    ),
    json_values,
)

NAMES = ["t", "T", "a", "note", "t__pk", "sqlite_x", "xuid", "Name", "name", "1bad", "_x", "on"]
FIELD_TYPES = ["str", "int", "float", "bool", "date", "datetime", "blob", "Integer"]
field_spec = st.one_of(
    st.sampled_from(FIELD_TYPES),
    st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(FIELD_TYPES) | json_values,
            "required": json_values,
            "enum": st.lists(scalars, max_size=3) | json_values,
            "description": json_values,
        },
    ),
    json_values,
)
object_spec = st.fixed_dictionaries(
    {
        "fields": st.dictionaries(
            st.sampled_from(NAMES) | st.text(max_size=6), field_spec, max_size=4
        )
    },
    optional={
        "primary_key": st.lists(st.sampled_from(NAMES), max_size=2) | json_values,
        "description": json_values,
    },
)
relation_spec = st.fixed_dictionaries(
    {"objects": st.dictionaries(st.sampled_from(NAMES), st.sampled_from(NAMES), max_size=3)},
    optional={"fields": st.dictionaries(st.sampled_from(NAMES), field_spec, max_size=2)},
)
xmd = st.fixed_dictionaries(
    {"objects": st.dictionaries(st.sampled_from(NAMES), object_spec | json_values, max_size=3)},
    optional={
        "relations": st.dictionaries(
            st.sampled_from(NAMES), relation_spec | json_values, max_size=2
        )
    },
)


def _as_text(kind: str, data: Any) -> str:
    return json.dumps(data) if kind == "json_schema" else yaml_dump(data)


def yaml_dump(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True)


schema_payload = st.one_of(
    st.builds(lambda d: {"yml": {"value": d}}, xmd),
    st.sampled_from(["yml", "json_schema"]).flatmap(
        lambda kind: st.builds(lambda d: {kind: {"value": _as_text(kind, d)}}, xmd)
    ),
    st.fixed_dictionaries({}, optional={"yml": json_values, "json_schema": json_values}),
    json_values,
)

# Values for each body key the models declare: shaped ones, and anything at all.
SHAPED: dict[str, st.SearchStrategy[Any]] = {
    "structured_mutations": st.lists(mutation, min_size=1, max_size=3),
    "instance_schema": schema_payload,
    "current_yml_schema": xmd | st.builds(yaml_dump, xmd),
    "mode": st.sampled_from(["raw-tables", "XRESPONSE", "single-answer", "tables"]),
    "read_mode": st.sampled_from(["raw-tables", "xresponse"]),
    "extraction_logic": st.sampled_from(["fast", "Deep", "slow"]),
    "occurred_at": st.sampled_from(
        ["2026-11-30", "2026-11-30T09:15:00Z", "2024-13-45", "yesterday"]
    ),
    "sql": st.sampled_from(
        ["SELECT * FROM contact", "SELECT 1", "DELETE FROM contact", "PRAGMA query_only=OFF", ";"]
    ),
}


BODY_KEYS = sorted({k for spec in ROUTES if spec.body for k in spec.body.model_fields})


def body_for(spec: RouteSpec) -> st.SearchStrategy[Any]:
    if spec.body is None:
        return st.none() | json_values
    keys = {
        name: (SHAPED[name] | json_values)
        if name in SHAPED
        else (st.sampled_from(NASTY_STRINGS) | json_values)
        for name in spec.body.model_fields
    }
    return st.one_of(
        st.fixed_dictionaries({}, optional=keys),
        st.fixed_dictionaries({}, optional=keys).flatmap(
            lambda d: st.dictionaries(st.text(max_size=6), json_values, max_size=2).map(
                lambda x: x | d
            )
        ),
        json_values,
    )


def _path(spec: RouteSpec, target: Target, method: str, ids: st.DataObject) -> str:
    path = spec.path
    if "{cluster_id}" in path:
        cluster = ids.draw(
            st.sampled_from([target.engine.default_cluster_id, "nope"]) | st.text(max_size=8)
        )
        path = path.replace("{cluster_id}", quote(cluster, safe=""))
    if "{instance_id}" in path:
        # A DELETE only ever names an instance the fuzz made, or none at all.
        real = (
            target.created[-3:] if method == "DELETE" else [target.instance, *target.created[-3:]]
        )
        instance = ids.draw(st.sampled_from([*real, "nope"]) | st.text(max_size=8))
        path = path.replace("{instance_id}", quote(instance, safe=""))
    return path


SPECS = [(spec, method) for spec in ROUTES for method in spec.methods]


@pytest.mark.parametrize(("spec", "method"), SPECS, ids=[f"{m} {s.path}" for s, m in SPECS])
def test_no_route_answers_5xx_or_changes_data_when_refusing(
    target: Target, spec: RouteSpec, method: str
) -> None:
    @seed(SEED)
    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        path = _path(spec, target, method, data)
        body = data.draw(body_for(spec))
        params: Any = None
        if spec.query:
            params = data.draw(
                st.dictionaries(
                    st.sampled_from([q.name for q in spec.query]), st.text(max_size=10), max_size=2
                )
            )
        content = None if body is None else json.dumps(body).encode()
        target.checked(
            method,
            path,
            spec.handler,
            content=content,
            params=params,
            headers={"content-type": "application/json"},
        )

    run()


# Raw bodies: what JSON is not (or is only in Python's reading of it).
raw_bodies = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda t: t.encode("utf-8")),
    st.sampled_from(
        [
            b"NaN",
            b'{"query": NaN}',
            b'{"text": Infinity}',
            b'{"query": "a", "x": -Infinity}',
            b'{"query": 1e999}',
            b'{"query": "\\ud800"}',
            b'{"\\udfff": 1, "query": "q"}',
            b'{"text": "\\ud83d\\ude00"}',
            b'{"query": "q"',
            b"\xef\xbb\xbf{}",
            b"[" * 5000 + b"]" * 5000,
            b'{"a":' * 70 + b"1" + b"}" * 70,
            b'{"query": ' + b"9" * 5000 + b"}",
            b'{"query": "q", "read_id": ' + b"1" * 500 + b"}",
            b'{"query": "q"} trailing',
            b"\x00",
        ]
    ),
    st.integers(min_value=1, max_value=20).map(lambda n: b'{"query": "' + b"\\" * n + b'"}'),
)
BODY_SPECS = [(s, m) for s, m in SPECS if s.body is not None]


def _to_every_body_route(target: Target, body: bytes, data: st.DataObject) -> None:
    for spec, method in BODY_SPECS:
        if method == "DELETE":
            continue
        path = _path(spec, target, method, data)
        target.checked(
            method, path, spec.handler, content=body, headers={"content-type": "application/json"}
        )


@seed(SEED)
@settings(FUZZ, max_examples=EVERY_ROUTE)
@given(data=st.data())
def test_raw_bodies_to_every_route_are_4xx_and_change_nothing(
    target: Target, data: st.DataObject
) -> None:
    _to_every_body_route(target, data.draw(raw_bodies), data)


@seed(SEED)
@settings(FUZZ, max_examples=EVERY_ROUTE)
@given(data=st.data())
def test_arbitrary_json_to_every_route_is_never_5xx(target: Target, data: st.DataObject) -> None:
    body = data.draw(json_values | st.dictionaries(st.sampled_from(BODY_KEYS), json_values))
    _to_every_body_route(target, json.dumps(body).encode(), data)


# -- a stateful model ---------------------------------------------------------------------------

EMAILS = ["ada@x", "bob@x", "cy@x"]


class Contacts(RuleBasedStateMachine):
    """What is stored is exactly `model`: email -> (name, age), after every step."""

    target: Target

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, tuple[str, int | None]] = {}
        created = self.target.request(
            "POST",
            f"/clusters/{self.target.engine.default_cluster_id}/instances",
            json=create_body("stateful"),
        )
        self.instance = created.json()["items"][0]["id"]

    def write(self, *mutations: Any) -> httpx.Response:
        response = self.target.request(
            "POST",
            f"/instances/{self.instance}/write",
            json={"structured_mutations": list(mutations)},
        )
        assert response.status_code < 500, response.text
        return response

    @rule(
        email=st.sampled_from(EMAILS),
        name=st.text(min_size=1, max_size=8).filter(str.strip),
        age=st.none() | st.integers(-(2**63), 2**63 - 1),
    )
    def create(self, email: str, name: str, age: int | None) -> None:
        values: dict[str, Any] = {"name": name, "age": age}
        response = self.write(
            {
                "object_mutation": {
                    "object_type": "contact",
                    "create": {"key": {"email": email}, "values": values},
                }
            }
        )
        if email in self.model:
            assert response.status_code == 409, response.text
        else:
            assert response.status_code == 200, response.text
            self.model[email] = (name, age)

    @rule(
        email=st.sampled_from(EMAILS),
        age=st.none() | st.integers(-(2**63), 2**63 - 1) | st.just(2**63),
    )
    def correct_age(self, email: str, age: int | None) -> None:
        response = self.write(
            {
                "object_mutation": {
                    "object_type": "contact",
                    "update": {"key": {"email": email}, "values": {"age": age}},
                }
            }
        )
        if (age is not None and age >= 2**63) or email not in self.model:
            assert response.status_code == 422, response.text
        else:
            assert response.status_code == 200, response.text
            self.model[email] = (self.model[email][0], age)

    @rule(email=st.sampled_from(EMAILS), name=st.text(min_size=1, max_size=8).filter(str.strip))
    def upsert_name(self, email: str, name: str) -> None:
        response = self.write(
            {
                "object_mutation": {
                    "object_type": "contact",
                    "upsert": {"key": {"email": email}, "values": {"name": name}},
                }
            }
        )
        assert response.status_code == 200, response.text
        self.model[email] = (name, self.model[email][1] if email in self.model else None)

    @rule(email=st.sampled_from(EMAILS))
    def delete(self, email: str) -> None:
        response = self.write(
            {"object_mutation": {"object_type": "contact", "delete": {"key": {"email": email}}}}
        )
        if email in self.model:
            assert response.status_code == 200, response.text
            del self.model[email]
        else:
            assert response.status_code == 422, response.text

    @precondition(lambda self: len(self.model) >= 1)
    @rule(data=st.data())
    def a_batch_that_fails_changes_nothing(self, data: st.DataObject) -> None:
        email = data.draw(st.sampled_from(sorted(self.model)))
        response = self.write(
            {
                "object_mutation": {
                    "object_type": "contact",
                    "update": {"key": {"email": email}, "values": {"age": 1}},
                }
            },
            {
                "object_mutation": {
                    "object_type": "contact",
                    "create": {"key": {"email": email}, "values": {"name": "dup"}},
                }
            },
        )
        assert response.status_code == 409, response.text

    @invariant()
    def stored_is_the_model(self) -> None:
        response = self.target.request(
            "POST",
            f"/instances/{self.instance}/read",
            json={
                "query": "everything",
                "sql": "SELECT email, name, age FROM contact ORDER BY email",
                "mode": "raw-tables",
            },
        )
        assert response.status_code == 200, response.text
        rows = response.json()["items"][0]["reader_result"]["rows"]
        assert [tuple(r) for r in rows] == [(e, *self.model[e]) for e in sorted(self.model)]

    def teardown(self) -> None:
        self.target.request("DELETE", f"/instances/{self.instance}")


def test_writes_corrections_and_deletes_match_a_model(target: Target) -> None:
    Contacts.target = target
    run_state_machine_as_test(
        Contacts,
        settings=settings(
            FUZZ, max_examples=int(25 * SCALE), stateful_step_count=15, database=None
        ),
    )


# -- the OpenAPI document -------------------------------------------------------------------------


def test_openapi_names_every_route_and_is_valid_json_schema(target: Target) -> None:
    response = target.request("GET", "/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    served = {
        (route.path, method)
        for route in target.engine.app.routes
        for method in (getattr(route, "methods", None) or ())
        if method != "HEAD"
    }
    documented = {(path, m.upper()) for path, ops in document["paths"].items() for m in ops}
    assert served == documented
    schemas = document["components"]["schemas"]
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema), name
    # The envelope it documents is the one the engine answers with, errors included.
    resolver = {"components": document["components"]} | schemas["Envelope"]
    for answer in (
        target.request("GET", "/clusters"),
        target.request("POST", f"/instances/{target.instance}/read", content=b"NaN"),
        target.request("GET", "/nowhere"),
    ):
        jsonschema.validate(answer.json(), resolver, cls=jsonschema.Draft202012Validator)
    # And a body it documents as invalid is refused, one it documents as valid is not.
    read = document["paths"]["/instances/{instance_id}/read"]["post"]["requestBody"]
    body_schema = {"components": document["components"]} | read["content"]["application/json"][
        "schema"
    ]
    validator = jsonschema.Draft202012Validator(body_schema)
    assert validator.is_valid({"query": "q", "mode": "raw-tables"})
    assert not validator.is_valid({"query": 3})


@pytest.mark.anyio
async def test_openapi_is_behind_the_api_key_when_there_is_one(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d", api_key="k") as engine, asgi_client(engine) as http:
        assert (await http.get("/openapi.json")).status_code == 401
        authorized = await http.get("/openapi.json", headers={"Authorization": "Bearer k"})
        assert authorized.status_code == 200 and "paths" in authorized.json()
        assert (await http.get("/healthz")).status_code == 200


def test_zz_generated_request_count_and_seed(
    target: Target, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    with capsys.disabled():
        print(
            f"\nengine fuzz: {target.sent:,} generated requests over {len(target.by_route)} "
            f"routes, seed {SEED} (XMEM_FUZZ_SEED), scale {SCALE:g} (XMEM_FUZZ_SCALE)"
        )
    ran_all = request.session.testscollected >= len(SPECS) + 5 and not request.config.option.keyword
    if ran_all:
        assert target.sent >= TARGET, target.sent
        assert len(target.by_route) == len({s.handler for s, _ in SPECS})
