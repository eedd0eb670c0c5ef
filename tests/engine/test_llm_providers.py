"""The provider models on the real openai / anthropic clients against a loopback server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import pytest

from support.fake_llm import FakeLLMServer
from support.llm import DEADLINE, provider_model, timeout_for
from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.base import TextModel
from xmemory_engine.minds.llm.providers import AnthropicTextModel, OpenAITextModel

SCHEMA = {
    "type": "object",
    "properties": {"n": {"type": "integer"}},
    "required": ["n"],
    "additionalProperties": False,
}
HI = [{"role": "user", "content": "hello there"}]


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


@pytest.fixture(params=["openai", "anthropic"])
async def model(
    request: pytest.FixtureRequest, llm: FakeLLMServer
) -> AsyncIterator[OpenAITextModel | AnthropicTextModel]:
    m = provider_model(request.param, llm, timeout=timeout_for(request.node))
    yield m
    await m.aclose()


@pytest.mark.anyio
async def test_plain_reply_carries_system_and_messages(model: TextModel, llm: FakeLLMServer):
    llm.reply("hi!")
    assert await model.complete("be brief", HI, max_tokens=77) == "hi!"
    (req,) = llm.requests
    assert req.system == "be brief"
    assert req.conversation == HI
    assert req.json_schema is None
    assert 77 in (req.body.get("max_tokens"), req.body.get("max_completion_tokens"))
    assert req.body["model"].startswith("fake-")


@pytest.mark.anyio
async def test_openai_asks_for_strict_json_schema(llm: FakeLLMServer):
    model = provider_model("openai", llm)
    llm.reply_json({"n": 1})
    assert await model.complete("s", HI, json_schema=SCHEMA) == '{"n": 1}'
    fmt = llm.requests[0].body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["schema"] == SCHEMA
    assert fmt["json_schema"]["strict"] is True
    # a compatible server gets max_tokens, which they all understand
    assert "max_tokens" in llm.requests[0].body
    await model.aclose()


@pytest.mark.anyio
async def test_anthropic_forces_the_reply_tool(llm: FakeLLMServer):
    model = provider_model("anthropic", llm)
    llm.reply_json({"n": 2})
    assert await model.complete("s", HI, json_schema=SCHEMA) == '{"n": 2}'
    body = llm.requests[0].body
    assert body["tools"][0]["input_schema"] == SCHEMA
    assert body["tool_choice"] == {"type": "tool", "name": body["tools"][0]["name"]}
    assert body["system"] == "s"
    await model.aclose()


@pytest.mark.anyio
async def test_rate_limit_waits_retry_after_then_succeeds(model: TextModel, llm: FakeLLMServer):
    llm.fail(429, retry_after=0.2)
    llm.reply("done")
    assert await model.complete("s", HI) == "done"
    first, second = llm.requests
    assert second.at - first.at >= 0.19


@pytest.mark.anyio
async def test_without_retry_after_the_client_backs_off(llm: FakeLLMServer):
    for provider in ("openai", "anthropic"):
        model = provider_model(provider, llm, timeout=5)
        llm.fail(503)
        llm.reply("done")
        assert await model.complete("s", HI) == "done"
        first, second = llm.requests[-2:]
        assert second.at - first.at >= 0.3  # the clients' first backoff is 0.5 s less jitter
        await model.aclose()


@pytest.mark.anyio
async def test_retries_are_bounded(model: TextModel, llm: FakeLLMServer):
    for _ in range(3):
        llm.fail(500, retry_after=0.01, message="overloaded")
    llm.reply("never reached")
    with pytest.raises(MindFailed, match="server error 500: overloaded; gave up after 3 attempts"):
        await model.complete("s", HI)
    assert len(llm.requests) == 3


@pytest.mark.anyio
@pytest.mark.deadline
async def test_retry_after_past_the_timeout_ends_at_the_timeout(
    model: TextModel, llm: FakeLLMServer
):
    llm.fail(429, retry_after=30)
    started = time.monotonic()
    with pytest.raises(
        MindFailed,
        match=r"did not answer within 0\.5 s.*last answer was HTTP 429 with Retry-After 30",
    ):
        await model.complete("s", HI)
    assert time.monotonic() - started < DEADLINE + 5  # cut at the deadline, not after 30 s
    assert len(llm.requests) == 1


@pytest.mark.anyio
@pytest.mark.deadline
async def test_a_hanging_server_is_cut_at_the_timeout(model: TextModel, llm: FakeLLMServer):
    llm.hang()
    started = time.monotonic()
    with pytest.raises(MindFailed, match=r"did not answer within 0\.5 s"):
        await model.complete("s", HI)
    assert time.monotonic() - started < DEADLINE + 5  # cut at the deadline, not after 30 s


@pytest.mark.anyio
async def test_garbage_is_refused(model: TextModel, llm: FakeLLMServer):
    llm.garbage()
    with pytest.raises(MindFailed, match="unusable reply"):
        await model.complete("s", HI)


@pytest.mark.anyio
async def test_a_refusal_is_reported(model: TextModel, llm: FakeLLMServer):
    llm.refuse("I won't.")
    with pytest.raises(MindFailed, match="refused"):
        await model.complete("s", HI)


@pytest.mark.anyio
async def test_a_cut_off_reply_is_reported(model: TextModel, llm: FakeLLMServer):
    llm.cut_off()
    with pytest.raises(MindFailed, match="cut off at 2048 tokens"):
        await model.complete("s", HI)


@pytest.mark.anyio
async def test_bad_credentials_are_not_retried(model: TextModel, llm: FakeLLMServer):
    llm.fail(401, message="invalid x-api-key")
    with pytest.raises(MindFailed, match=r"refused the credentials \(401\): invalid x-api-key"):
        await model.complete("s", HI)
    assert len(llm.requests) == 1


@pytest.mark.anyio
async def test_an_unknown_model_says_so(model: TextModel, llm: FakeLLMServer):
    llm.fail(404, message="model 'fake' not found")
    with pytest.raises(MindFailed, match=r"rejected the request \(404\): model 'fake' not found"):
        await model.complete("s", HI)


@pytest.mark.anyio
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_nobody_listening_fails_after_bounded_retries(provider: str):
    with FakeLLMServer() as gone:
        pass  # the port is closed now
    # Room for the client's one backoff (0.5 s at most) inside the deadline.
    model = provider_model(provider, gone, max_retries=1, timeout=5)
    with pytest.raises(MindFailed, match=r"could not connect.*gave up after 2 attempts"):
        await model.complete("s", HI)
    await model.aclose()


def test_missing_configuration_is_explained():
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        OpenAITextModel.create(model=None, api_key=None, base_url=None, timeout=1)
    with pytest.raises(ValueError, match="XMEM_LLM_MODEL"):
        OpenAITextModel.create(model=None, api_key=None, base_url="http://x/v1", timeout=1)
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
        AnthropicTextModel.create(model=None, api_key=None, base_url=None, timeout=1)
