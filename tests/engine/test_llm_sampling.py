"""The MCP client's model through sampling: a real client session <-> a minimal MCP server whose
tool asks the client's model through `SamplingTextModel`."""

from __future__ import annotations

import json
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client
from mcp.client.session import ClientRequestContext
from mcp.server import Server
from mcp.server.context import ServerRequestContext

from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.base import ExtractionLogic, ExtractionRequest
from xmemory_engine.minds.llm import LlmExtractor
from xmemory_engine.minds.llm.sampling import SamplingTextModel
from xmemory_engine.schema import parse_schema

SCHEMA = parse_schema("objects: {contact: {fields: {name: str, city: str}}}")
TEXT = "Mia lives in Rome."
REPLY = {"objects": [{"type": "contact", "ref": "c1", "values": {"name": "Mia", "city": "Rome"}}]}


def memory_server(timeout: float = 2.0) -> Server[Any]:
    """One tool, `extract`, that extracts TEXT with the connected client's model."""

    async def list_tools(ctx: ServerRequestContext[Any], params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[types.Tool(name="extract", input_schema={"type": "object"})]
        )

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        model = SamplingTextModel(lambda: ctx.session, timeout=timeout, model_hint="claude")
        request = ExtractionRequest(text=TEXT, schema=SCHEMA, logic=ExtractionLogic.FAST)
        try:
            extraction = await LlmExtractor(model).extract(request)
        except MindFailed as exc:
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=exc.message)], is_error=True
            )
        values = [o.values for o in extraction.objects]
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(values))]
        )

    return Server("memory", on_list_tools=list_tools, on_call_tool=call_tool)


class ClientModel:
    """The client's side: a sampling callback answering from a script, recording requests."""

    def __init__(self, *replies: str | types.ErrorData | None) -> None:
        self.replies = list(replies)
        self.asked: list[types.CreateMessageRequestParams] = []

    async def __call__(
        self, context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult | types.ErrorData:
        self.asked.append(params)
        reply = self.replies.pop(0)
        if reply is None:  # the user is taking their time
            await anyio.sleep(10)
            reply = "{}"
        if isinstance(reply, types.ErrorData):
            return reply
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=reply),
            model="client-model",
        )


async def call(server: Server[Any], **client: Any) -> types.CallToolResult:
    async with Client(server, mode="legacy", **client) as session:
        return await session.call_tool("extract", {})


def text_of(result: types.CallToolResult) -> str:
    (content,) = result.content
    assert isinstance(content, types.TextContent)
    return content.text


@pytest.mark.anyio
async def test_extracts_with_the_clients_model():
    client_model = ClientModel(json.dumps(REPLY))
    result = await call(memory_server(), sampling_callback=client_model)
    assert not result.is_error, text_of(result)
    assert json.loads(text_of(result)) == [{"name": "Mia", "city": "Rome"}]

    (asked,) = client_model.asked
    assert asked.system_prompt is not None
    assert "You extract structured memory" in asked.system_prompt
    assert "fits this JSON Schema" in asked.system_prompt  # no structured output in sampling
    prompt = asked.messages[0].content
    assert isinstance(prompt, types.TextContent)
    assert TEXT in prompt.text and "contact" in prompt.text and "city" in prompt.text
    assert asked.max_tokens > 0
    assert asked.model_preferences is not None
    assert asked.model_preferences.hints is not None
    assert asked.model_preferences.hints[0].name == "claude"


@pytest.mark.anyio
async def test_bad_output_is_repaired_through_the_client():
    client_model = ClientModel("no JSON here, sorry", json.dumps(REPLY))
    result = await call(memory_server(), sampling_callback=client_model)
    assert not result.is_error, text_of(result)
    _, second = client_model.asked
    assert len(second.messages) == 3
    assert second.messages[1].role == "assistant"
    repair = second.messages[2].content
    assert isinstance(repair, types.TextContent) and "the reply is not JSON" in repair.text


@pytest.mark.anyio
async def test_a_client_without_sampling_is_told_clearly():
    result = await call(memory_server())
    assert result.is_error
    assert "did not declare the sampling capability" in text_of(result)


@pytest.mark.anyio
async def test_a_declined_request_is_a_mind_failure():
    declined = types.ErrorData(code=types.INVALID_REQUEST, message="user rejected sampling")
    result = await call(memory_server(), sampling_callback=ClientModel(declined))
    assert result.is_error
    assert "did not sample: user rejected sampling" in text_of(result)


@pytest.mark.anyio
async def test_a_slow_client_is_cut_at_the_timeout():
    with anyio.fail_after(5):
        result = await call(memory_server(timeout=0.3), sampling_callback=ClientModel(None))
    assert result.is_error
    assert "did not answer within 0.3 s" in text_of(result)


@pytest.mark.anyio
async def test_a_connection_without_a_back_channel_says_so():
    # 2026-07-28 connections carry no server-initiated requests.
    async with Client(memory_server(), sampling_callback=ClientModel(json.dumps(REPLY))) as session:
        result = await session.call_tool("extract", {})
    assert result.is_error
    assert "cannot carry sampling requests" in text_of(result)


@pytest.mark.anyio
async def test_no_client_connected():
    with pytest.raises(MindFailed, match="no MCP client is connected"):
        await SamplingTextModel(lambda: None).complete("s", [{"role": "user", "content": "x"}])
    with pytest.raises(MindFailed, match="no MCP client is connected"):
        await SamplingTextModel().complete("s", [{"role": "user", "content": "x"}])
