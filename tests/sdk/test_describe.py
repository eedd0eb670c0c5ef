"""describe(): rendering for prompts and tool-use APIs, and the 5-minute per-handle cache."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from xmemory import DescribeResult, ToolDescription, ToolParameter, XmemoryClient

from .fake_api import FakeAPI, envelope

WIRE = {
    "instance_id": "i1",
    "instance_name": "contacts",
    "about": "People we know.",
    "schema_summary": "contact(name, email)",
    "tools": [
        {
            "name": "read",
            "description": "Ask a question.",
            "when_to_use": "You need a stored fact.",
            "parameters": [
                {
                    "name": "query",
                    "type": "string",
                    "description": "The question.",
                    "required": True,
                },
                {
                    "name": "read_mode",
                    "type": "string",
                    "description": "Answer shape.",
                    "required": False,
                    "enum": ["single-answer", "raw-tables", "xresponse"],
                    "default": "single-answer",
                },
            ],
            "http_method": "POST",
            "http_path": "/instances/{id}/read",
        },
        {"name": "get_schema", "description": "The schema.", "when_to_use": "", "parameters": []},
    ],
    "purpose": None,
    "owner_instructions": "Be terse.",
}
READ_SCHEMA = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "description": "The question."},
        "read_mode": {
            "type": "string",
            "description": "Answer shape.",
            "enum": ["single-answer", "raw-tables", "xresponse"],
            "default": "single-answer",
        },
    },
    "required": ["query"],
}
READ_DESCRIPTION = "Ask a question.\n\nWhen to use: You need a stored fact."


def desc() -> DescribeResult:
    return DescribeResult.model_validate(WIRE)


def test_as_text_renders_signatures_and_parameters() -> None:
    text = desc().as_text()
    assert text == (
        "# xmemory instance contacts (id: i1)\n"
        "\nAbout:\nPeople we know.\n"
        "\nOwner instructions:\nBe terse.\n"
        "\nSchema:\ncontact(name, email)\n"
        "\n## read(query, read_mode?)\n"
        "Ask a question.\n"
        "When to use: You need a stored fact.\n"
        "- query (string; required): The question.\n"
        "- read_mode (string; optional; one of: single-answer, raw-tables, xresponse;"
        " default: single-answer): Answer shape.\n"
        "\n## get_schema()\n"
        "The schema.\n"
    )


def test_as_text_shows_http_only_when_asked() -> None:
    assert "HTTP:" not in desc().as_text()
    assert "HTTP: POST /instances/{id}/read\n" in desc().as_text(include_http=True)


def test_as_anthropic_tools() -> None:
    assert desc().as_anthropic_tools() == [
        {"name": "read", "description": READ_DESCRIPTION, "input_schema": READ_SCHEMA},
        {
            "name": "get_schema",
            "description": "The schema.",
            "input_schema": {"type": "object", "properties": {}, "required": []},
        },
    ]


def test_as_openai_tools() -> None:
    tools = desc().as_openai_tools()
    assert tools[0] == {
        "type": "function",
        "function": {"name": "read", "description": READ_DESCRIPTION, "parameters": READ_SCHEMA},
    }
    assert [t["function"]["name"] for t in tools] == ["read", "get_schema"]


@pytest.mark.parametrize(
    ("wire_type", "json_type"),
    [
        ("string", "string"),
        ("str", "string"),
        ("integer", "integer"),
        ("int", "integer"),
        ("number", "number"),
        ("float", "number"),
        ("boolean", "boolean"),
        ("bool", "boolean"),
        ("array", "array"),
        ("object", "object"),
    ],
)
def test_input_schema_maps_parameter_types(wire_type: str, json_type: str) -> None:
    tool = ToolDescription(name="t", parameters=[ToolParameter(name="p", type=wire_type)])
    assert tool.input_schema()["properties"]["p"] == {"type": json_type}


def test_input_schema_leaves_unknown_types_open() -> None:
    tool = ToolDescription(
        name="t", parameters=[ToolParameter(name="p", type="xuid", required=True)]
    )
    assert tool.input_schema() == {"type": "object", "properties": {"p": {}}, "required": ["p"]}


def test_describe_tolerates_a_minimal_answer() -> None:
    result = DescribeResult.model_validate({"instance_id": "i1", "tools": [{"name": "read"}]})
    assert result.tools[0].parameters == []
    assert result.as_text() == "# xmemory instance i1 (id: i1)\n\n## read()\n"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.anyio
async def test_describe_is_cached_for_five_minutes(api: FakeAPI) -> None:
    clock = Clock()
    api.client._clock = clock
    api.reply_items(WIRE)
    inst = api.client.instance("i1")
    first = await api.run(lambda c: inst.describe())
    clock.now += 299
    assert await api.run(lambda c: inst.describe()) is first
    assert len(api.requests) == 1
    clock.now += 1
    assert await api.run(lambda c: inst.describe()) == first
    assert len(api.requests) == 2


@pytest.mark.anyio
async def test_clear_describe_cache_forces_a_fetch(api: FakeAPI) -> None:
    api.reply_items(WIRE)
    inst = api.client.instance("i1")
    await api.run(lambda c: inst.describe())
    inst.clear_describe_cache()
    await api.run(lambda c: inst.describe())
    assert len(api.requests) == 2


@pytest.mark.anyio
async def test_the_cache_belongs_to_the_handle(api: FakeAPI) -> None:
    api.reply_items(WIRE)
    await api.run(lambda c: c.instance("i1").describe())
    await api.run(lambda c: c.instance("i1").describe())
    assert len(api.requests) == 2


@pytest.mark.anyio
async def test_a_failed_describe_is_not_cached(api: FakeAPI) -> None:
    api.reply(httpx.Response(500), httpx.Response(200, json=envelope(WIRE)))
    inst = api.client.instance("i1")
    with pytest.raises(Exception, match="HTTP 500"):
        await api.run(lambda c: inst.describe())
    assert (await api.run(lambda c: inst.describe())).instance_name == "contacts"


def test_concurrent_threads_share_one_fetch() -> None:
    requests: list[httpx.Request] = []

    def slow(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        time.sleep(0.05)  # widen the window in which an unlocked cache would fetch again
        return httpx.Response(200, json=envelope(WIRE))

    http = httpx.Client(transport=httpx.MockTransport(slow))
    inst = XmemoryClient(url="https://api.test", http_client=http).instance("i1")
    start = threading.Barrier(8)
    results: list[Any] = []

    def worker() -> None:
        start.wait()
        results.append(inst.describe())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    http.close()
    assert len(requests) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)
