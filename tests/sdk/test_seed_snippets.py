"""The documentation's snippets, as written, run against a small fake of the hosted API.

The snippets build their own clients, so the fake is installed where the SDK creates its
default httpx client. The end-to-end run against the embedded engine lives in tests/e2e.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import httpx
import pytest

from xmemory import _async_client, _client

from .fake_api import envelope

FULL_FLOW = """
import yaml
from xmemory import XmemoryClient, SchemaType
# Connect (reads XMEM_AUTH_TOKEN from env if token is not passed)
client = XmemoryClient(token="your-token")
# List available clusters
clusters = client.admin.list_clusters()
cluster_id = clusters[0].id
# Describe what you want to remember
schema = client.admin.generate_schema(
    cluster_id,
    "Track contacts with name, email, company, and notes.",
)
# Create a memory instance from that schema
inst = client.admin.create_instance(
    cluster_id=cluster_id,
    name="contacts",
    schema_text=yaml.dump(schema.data_schema),
    schema_type=SchemaType.YML,
)
# inst is an InstanceAPI handle — all subsequent calls go through it.
# Write some information
inst.write("Alice Johnson works at Acme Corp. Her email is alice@acme.com.")
inst.write("Bob Lee is a designer at Globex. He joined last Monday.")
# Read it back
result = inst.read("What is Alice's email?")
print(result.reader_result) # {"answer": "alice@acme.com"}
result = inst.read("Who joined recently?")
print(result.reader_result) # {"answer": "Bob Lee joined last Monday."}
client.close()
"""

ASYNC = """
from xmemory import AsyncXmemoryClient
async def main():
    async with AsyncXmemoryClient(token="your-token") as client:
        inst = client.instance("your-instance-id")
        result = await inst.read("What is Alice's email?")
        print(result.reader_result)
import asyncio
asyncio.run(main())
"""

ERRORS_AND_DESCRIBE = """
from xmemory import XmemoryAPIError, XmemoryHealthCheckError, XmemoryClient, WriteQueueStatus
client = XmemoryClient(token="your-token")
try:
    client.check_health()
except XmemoryHealthCheckError as e:
    print(f"API unreachable: {e}")
inst = client.instance("your-instance-id")
try:
    inst.write("...")
except XmemoryAPIError as e:
    print(f"Error (HTTP {e.status}): {e}")
resp = inst.write_async("Dave manages the London office.")
status = inst.write_status(resp.write_id)
print(status.write_status)
desc = inst.describe()
tools = desc.as_anthropic_tools()
inst.clear_describe_cache()
print(desc.as_text().splitlines()[0])
client.close()
"""


def hosted_api(request: httpx.Request) -> httpx.Response:
    """Just enough of the hosted API for the snippets, answering in the envelope."""
    assert request.headers["authorization"] == "Bearer your-token"
    body = json.loads(request.content) if request.content else {}
    path = request.url.path
    item: dict[str, Any]
    if path == "/healthz":
        return httpx.Response(503, text="maintenance")
    if path == "/clusters":
        item = {"id": "c1", "org_id": "o1", "name": "main", "description": None}
    elif path.endswith("/generate_schema"):
        item = {"data_schema": {"objects": {"contact": {"fields": {"email": {"type": "str"}}}}}}
    elif path == "/clusters/c1/instances":
        assert "contact:" in body["instance_schema"]["yml"]["value"]
        item = {"id": "i1", "cluster_id": "c1", "name": body["name"]}
    elif path.endswith("/write") and body["text"] == "...":
        error = {"code": "invalid_request", "message": "nothing to extract"}
        return httpx.Response(400, json=envelope(errors=[error]))
    elif path.endswith("/write"):
        item = {"write_id": "w1", "cleaned_objects": {}, "diff_plan": {}}
    elif path.endswith("/write_async"):
        item = {"write_id": "w2"}
    elif path.endswith("/write_status"):
        item = {"write_id": body["write_id"], "write_status": "queued"}
    elif path.endswith("/read"):
        answer = "alice@acme.com" if "Alice" in body["query"] else "Bob Lee joined last Monday."
        item = {"trace_id": "t", "reader_result": {"answer": answer}}
    elif path.endswith("/describe"):
        item = {"instance_id": "your-instance-id", "instance_name": "contacts", "tools": []}
    else:
        return httpx.Response(404, json=envelope(errors=[{"code": "not_found", "message": path}]))
    return httpx.Response(200, json=envelope(item))


@pytest.fixture(autouse=True)
def fake_hosted_api(monkeypatch: pytest.MonkeyPatch) -> None:
    transport = httpx.MockTransport(hosted_api)
    monkeypatch.setattr(_client, "_new_http_client", lambda t: httpx.Client(transport=transport))
    monkeypatch.setattr(
        _async_client, "_new_http_client", lambda t: httpx.AsyncClient(transport=transport)
    )


def run(script: str) -> None:
    exec(compile(textwrap.dedent(script), "<snippet>", "exec"), {"__name__": "__snippet__"})


def test_full_flow(capsys: pytest.CaptureFixture[str]) -> None:
    run(FULL_FLOW)
    assert capsys.readouterr().out.splitlines() == [
        "{'answer': 'alice@acme.com'}",
        "{'answer': 'Bob Lee joined last Monday.'}",
    ]


def test_async_snippet(capsys: pytest.CaptureFixture[str]) -> None:
    run(ASYNC)
    assert capsys.readouterr().out == "{'answer': 'alice@acme.com'}\n"


def test_error_handling_polling_and_describe(capsys: pytest.CaptureFixture[str]) -> None:
    run(ERRORS_AND_DESCRIBE)
    assert capsys.readouterr().out.splitlines() == [
        "API unreachable: GET /healthz: HTTP 503: maintenance",
        "Error (HTTP 400): POST /instances/your-instance-id/write: HTTP 400 invalid_request:"
        " nothing to extract",
        "WriteQueueStatus.QUEUED",
        "# xmemory instance contacts (id: your-instance-id)",
    ]
