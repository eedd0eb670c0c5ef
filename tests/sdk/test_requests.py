"""Every documented call, sync and async: the exact request it sends and the answer it parses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from xmemory import (
    AsyncWriteResult,
    ClusterInfo,
    DescribeResult,
    ExtractionLogic,
    ExtractResult,
    GenerateSchemaResult,
    InstanceInfo,
    InstanceSchemaInfo,
    ObjectMutation,
    ReadMode,
    ReadResult,
    SchemaType,
    WriteQueueStatus,
    WriteResult,
    WriteStatusResult,
)

from .fake_api import URL, FakeAPI, envelope

pytestmark = pytest.mark.anyio

CLUSTER = {"id": "c1", "org_id": "o1", "name": "main", "description": "default"}
INSTANCE: dict[str, Any] = {
    "id": "i1",
    "cluster_id": "c1",
    "name": "contacts",
    "description": None,
    "data_schema": {"objects": {}},
}
SCHEMA = {"data_schema": {"objects": {"contact": {"fields": {"name": {"type": "str"}}}}}}
WRITE = {
    "write_id": "w1",
    "trace_id": "t1",
    "cleaned_objects": {"contact": [{"name": "Alice"}]},
    "diff_plan": {"inserts": 1},
    "changes": {"created": [{"type": "contact"}], "updated": [], "deleted": []},
}
DESCRIBE = {"instance_id": "i1", "instance_name": "contacts", "tools": []}


@dataclass
class Case:
    id: str
    invoke: Callable[[Any], Any]
    method: str
    path: str
    reply: dict[str, Any]
    body: Any = None
    params: list[tuple[str, str]] = field(default_factory=list)
    check: Callable[[Any], bool] = lambda result: True


def inst(client: Any) -> Any:
    return client.instance("i1")


CASES = [
    Case(
        "list_clusters",
        lambda c: c.admin.list_clusters(),
        "GET",
        "/clusters",
        envelope(CLUSTER, {"id": "c2"}),
        params=[("verbose", "true")],
        check=lambda r: r == [ClusterInfo(**CLUSTER), ClusterInfo(id="c2")],
    ),
    Case(
        "list_clusters_ids",
        lambda c: c.admin.list_clusters(["c1", "c2"]),
        "GET",
        "/clusters",
        envelope(CLUSTER),
        params=[("verbose", "true"), ("ids", "c1"), ("ids", "c2")],
        check=lambda r: [x.id for x in r] == ["c1"],
    ),
    Case(
        "get_cluster",
        lambda c: c.admin.get_cluster("c1"),
        "GET",
        "/clusters/c1",
        envelope(CLUSTER),
        check=lambda r: r == ClusterInfo(**CLUSTER) and r.org_id == "o1",
    ),
    Case(
        "generate_schema",
        lambda c: c.admin.generate_schema("c1", "Track contacts."),
        "POST",
        "/clusters/c1/instances/generate_schema",
        envelope(SCHEMA),
        body={"schema_description": "Track contacts."},
        check=lambda r: (
            isinstance(r, GenerateSchemaResult) and r.data_schema == SCHEMA["data_schema"]
        ),
    ),
    Case(
        "generate_schema_current_text",
        lambda c: c.admin.generate_schema("c1", "Add age.", current_yml_schema="objects: {}\n"),
        "POST",
        "/clusters/c1/instances/generate_schema",
        envelope(SCHEMA),
        body={"schema_description": "Add age.", "current_yml_schema": "objects: {}\n"},
    ),
    Case(
        "generate_schema_current_mapping",
        lambda c: c.admin.generate_schema("c1", "Add age.", current_yml_schema={"objects": {}}),
        "POST",
        "/clusters/c1/instances/generate_schema",
        envelope(SCHEMA),
        body={"schema_description": "Add age.", "current_yml_schema": "objects: {}\n"},
    ),
    Case(
        "create_instance_minimal",
        lambda c: c.admin.create_instance(
            cluster_id="c1", name="contacts", schema_text="objects: {}", schema_type=SchemaType.YML
        ),
        "POST",
        "/clusters/c1/instances",
        envelope(INSTANCE),
        body={"name": "contacts", "instance_schema": {"yml": {"value": "objects: {}"}}},
        check=lambda r: r.id == "i1" and r.info == InstanceInfo(**INSTANCE),
    ),
    Case(
        "create_instance_full",
        lambda c: c.admin.create_instance(
            "c1",
            "contacts",
            '{"objects": {}}',
            SchemaType.JSON,
            description="people",
            schema_description="Track people.",
        ),
        "POST",
        "/clusters/c1/instances",
        envelope(INSTANCE),
        body={
            "name": "contacts",
            "description": "people",
            "instance_schema": {"json_schema": {"value": '{"objects": {}}'}},
            "schema_description": "Track people.",
        },
    ),
    Case(
        "list_instances",
        lambda c: c.admin.list_instances(),
        "GET",
        "/instances",
        envelope(INSTANCE),
        params=[("verbose", "true")],
        check=lambda r: r == [InstanceInfo(**INSTANCE)],
    ),
    Case(
        "list_instances_ids",
        lambda c: c.admin.list_instances(ids=["i1"]),
        "GET",
        "/instances",
        envelope(INSTANCE),
        params=[("verbose", "true"), ("ids", "i1")],
    ),
    Case(
        "get_instance",
        lambda c: c.admin.get_instance("i1"),
        "GET",
        "/instances/i1",
        envelope(INSTANCE),
        check=lambda r: r.data_schema == {"objects": {}} and r.cluster_id == "c1",
    ),
    Case(
        "get_instance_escapes_id",
        lambda c: c.admin.get_instance("a/b c"),
        "GET",
        "/instances/a%2Fb%20c",
        envelope(INSTANCE),
    ),
    Case(
        "delete_instance",
        lambda c: c.admin.delete_instance("i1"),
        "DELETE",
        "/instances/i1",
        envelope(ids=["i1"]),
        check=lambda r: r == ["i1"],
    ),
    Case(
        "get_instance_schema",
        lambda c: c.admin.get_instance_schema("i1"),
        "GET",
        "/instances/i1/schema",
        envelope(SCHEMA),
        check=lambda r: r == InstanceSchemaInfo(**SCHEMA),
    ),
    Case(
        "update_instance_schema",
        lambda c: c.admin.update_instance_schema("i1", "objects: {}", SchemaType.YML),
        "PUT",
        "/instances/i1/schema",
        envelope(INSTANCE),
        body={"instance_schema": {"yml": {"value": "objects: {}"}}},
        check=lambda r: r == InstanceInfo(**INSTANCE),
    ),
    Case(
        "update_instance_metadata_name_only",
        lambda c: c.admin.update_instance_metadata("i1", "renamed"),
        "PUT",
        "/instances/i1",
        envelope(INSTANCE),
        body={"name": "renamed"},
        check=lambda r: isinstance(r, InstanceInfo),
    ),
    Case(
        "update_instance_metadata_description",
        lambda c: c.admin.update_instance_metadata("i1", "renamed", "about people"),
        "PUT",
        "/instances/i1",
        envelope(INSTANCE),
        body={"name": "renamed", "description": "about people"},
    ),
    Case(
        "write",
        lambda c: inst(c).write("Alice works at Acme."),
        "POST",
        "/instances/i1/write",
        envelope(WRITE),
        body={"text": "Alice works at Acme.", "extraction_logic": "deep"},
        check=lambda r: r == WriteResult(**WRITE) and r.changes.created == [{"type": "contact"}],
    ),
    Case(
        "write_options",
        lambda c: inst(c).write("x", extraction_logic=ExtractionLogic.FAST, diff_engine=False),
        "POST",
        "/instances/i1/write",
        envelope({"write_id": "w1"}),
        body={"text": "x", "extraction_logic": "fast", "use_diff_engine": False},
        check=lambda r: r.cleaned_objects is None and r.changes is None,
    ),
    Case(
        "write_structured",
        lambda c: inst(c).write(
            structured_mutations=[
                ObjectMutation.update("person", {"email": "a@x.io"}, {"phone": None}),
                {"object_mutation": {"object_type": "person", "delete": {"key": {"id": 1}}}},
            ]
        ),
        "POST",
        "/instances/i1/write",
        envelope(WRITE),
        body={
            "structured_mutations": [
                {
                    "object_mutation": {
                        "object_type": "person",
                        "update": {"key": {"email": "a@x.io"}, "values": {"phone": None}},
                    }
                },
                {"object_mutation": {"object_type": "person", "delete": {"key": {"id": 1}}}},
            ],
            "extraction_logic": "deep",
        },
    ),
    Case(
        "write_async",
        lambda c: inst(c).write_async("Dave manages London.", diff_engine=True),
        "POST",
        "/instances/i1/write_async",
        envelope({"write_id": "w9", "trace_id": "t9"}),
        body={"text": "Dave manages London.", "extraction_logic": "deep", "use_diff_engine": True},
        check=lambda r: r == AsyncWriteResult(write_id="w9", trace_id="t9"),
    ),
    Case(
        "write_status",
        lambda c: inst(c).write_status("w9"),
        "POST",
        "/instances/i1/write_status",
        envelope(
            {
                "write_id": "w9",
                "write_status": "completed",
                "error_detail": None,
                "completed_at": "2026-01-02T03:04:05Z",
                "changes": {"created": [], "updated": [{"id": 1}], "deleted": []},
            }
        ),
        body={"write_id": "w9"},
        check=lambda r: (
            isinstance(r, WriteStatusResult)
            and r.write_status is WriteQueueStatus.COMPLETED
            and r.completed_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
            and r.changes is not None
            and r.changes.updated == [{"id": 1}]
        ),
    ),
    Case(
        "write_status_newer_state",
        lambda c: inst(c).write_status("w9"),
        "POST",
        "/instances/i1/write_status",
        envelope({"write_id": "w9", "write_status": "extracting"}),
        body={"write_id": "w9"},
        check=lambda r: (
            r.write_status is WriteQueueStatus.EXTRACTING and not r.write_status.is_terminal
        ),
    ),
    Case(
        "read",
        lambda c: inst(c).read("What is Alice's email?"),
        "POST",
        "/instances/i1/read",
        envelope({"trace_id": "t2", "reader_result": {"answer": "alice@acme.com"}}),
        body={"query": "What is Alice's email?", "mode": "single-answer"},
        check=lambda r: r == ReadResult(trace_id="t2", reader_result={"answer": "alice@acme.com"}),
    ),
    Case(
        "read_options",
        lambda c: inst(c).read("List all", read_mode=ReadMode.RAW_TABLES, read_id="r1"),
        "POST",
        "/instances/i1/read",
        envelope(
            {
                "trace_id": "t3",
                "reader_result": {"columns": [], "rows": []},
                "reader_results": [],
                "notice": "no table for that",
            }
        ),
        body={"query": "List all", "mode": "raw-tables", "read_id": "r1"},
        check=lambda r: r.notice == "no table for that" and r.reader_results == [],
    ),
    Case(
        "extract",
        lambda c: inst(c).extract("Dave manages London.", extraction_logic=ExtractionLogic.REGULAR),
        "POST",
        "/instances/i1/extract",
        envelope({"trace_id": "t4", "objects_extracted": {"person": [{"name": "Dave"}]}}),
        body={"text": "Dave manages London.", "extraction_logic": "regular"},
        check=lambda r: (
            r == ExtractResult(trace_id="t4", objects_extracted={"person": [{"name": "Dave"}]})
        ),
    ),
    Case(
        "get_schema",
        lambda c: inst(c).get_schema(),
        "GET",
        "/instances/i1/schema",
        envelope(SCHEMA),
        check=lambda r: r == InstanceSchemaInfo(**SCHEMA),
    ),
    Case(
        "describe",
        lambda c: inst(c).describe(),
        "GET",
        "/instances/i1/describe",
        envelope(DESCRIBE),
        check=lambda r: r == DescribeResult(**DESCRIBE),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_documented_call(api: FakeAPI, case: Case) -> None:
    api.reply(httpx.Response(200, json=case.reply))
    result = await api.run(case.invoke)
    assert len(api.requests) == 1
    request = api.last
    assert request.method == case.method
    assert str(request.url).startswith(URL)
    assert request.url.raw_path.decode().split("?")[0] == case.path
    assert request.url.params.multi_items() == case.params
    assert api.body() == case.body
    assert case.check(result)


async def test_check_health_accepts_any_2xx(api: FakeAPI) -> None:
    api.reply(httpx.Response(204))
    assert await api.run(lambda c: c.check_health()) is None
    assert (api.last.method, api.last.url.path) == ("GET", "/healthz")


async def test_every_request_carries_the_identity_headers(api: FakeAPI) -> None:
    api.reply_items(CLUSTER)
    await api.run(lambda c: c.admin.get_cluster("c1"))
    headers = api.last.headers
    assert headers["authorization"] == "Bearer sk-test-secret"
    assert headers["accept"] == "application/json"
    assert headers["x-xmemory-client"].startswith("xmemory-mcp/")
    assert "(python 3." in headers["x-xmemory-client"]


async def test_json_bodies_say_so(api: FakeAPI) -> None:
    api.reply_items({"reader_result": None})
    await api.run(lambda c: c.instance("i1").read("q"))
    assert api.last.headers["content-type"] == "application/json"


async def test_servers_may_add_keys(api: FakeAPI) -> None:
    api.reply_items({**CLUSTER, "created_at": "yesterday"})
    cluster = await api.run(lambda c: c.admin.get_cluster("c1"))
    assert cluster.model_extra == {"created_at": "yesterday"}
