"""Choosing the mind from the environment, and the LLM mind built on a provider."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from support.fake_llm import FakeLLMServer
from xmemory_engine.minds.base import ExtractionLogic, ExtractionRequest
from xmemory_engine.minds.factory import MindSettings, build_mind, close_mind
from xmemory_engine.minds.llm import LlmAnswerer, LlmDesigner, LlmExtractor
from xmemory_engine.minds.llm.providers import (
    DEFAULT_ANTHROPIC_MODEL,
    DEFAULT_OPENAI_MODEL,
    AnthropicTextModel,
    OpenAITextModel,
)
from xmemory_engine.minds.llm.sampling import SamplingTextModel
from xmemory_engine.schema import parse_schema


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


def test_rules_is_the_default():
    assert MindSettings.from_env({}) == MindSettings()
    assert MindSettings().provider == "rules"


def test_openai_settings_from_the_usual_variables():
    settings = MindSettings.from_env(
        {"XMEM_LLM_PROVIDER": " OpenAI ", "OPENAI_API_KEY": "sk-1", "XMEM_LLM_TIMEOUT": "12.5"}
    )
    assert settings.provider == "openai"
    assert settings.api_key == "sk-1"
    assert settings.timeout == 12.5
    assert settings.base_url is None and settings.model is None
    assert "sk-1" not in repr(settings)


def test_keys_belong_to_their_provider():
    env = {"OPENAI_API_KEY": "sk-o", "ANTHROPIC_API_KEY": "sk-a"}
    assert MindSettings.from_env({**env, "XMEM_LLM_PROVIDER": "anthropic"}).api_key == "sk-a"
    assert MindSettings.from_env({**env, "XMEM_LLM_PROVIDER": "rules"}).api_key is None
    explicit = {**env, "XMEM_LLM_PROVIDER": "openai", "XMEM_LLM_API_KEY": "sk-x"}
    assert MindSettings.from_env(explicit).api_key == "sk-x"


def test_a_local_server():
    settings = MindSettings.from_env(
        {
            "XMEM_LLM_PROVIDER": "openai",
            "XMEM_LLM_BASE_URL": "http://localhost:11434/v1",
            "XMEM_LLM_MODEL": "llama3.1",
        }
    )
    assert (settings.base_url, settings.model, settings.api_key) == (
        "http://localhost:11434/v1",
        "llama3.1",
        None,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"XMEM_LLM_PROVIDER": "gemini"}, "not one of rules, openai, anthropic, sampling"),
        ({"XMEM_LLM_TIMEOUT": "soon"}, "XMEM_LLM_TIMEOUT='soon' is not a positive number"),
        ({"XMEM_LLM_TIMEOUT": "0"}, "not a positive number"),
        ({"XMEM_LLM_TIMEOUT": "inf"}, "not a positive number"),
    ],
)
def test_bad_values_are_refused(env: dict[str, str], message: str):
    with pytest.raises(ValueError, match=message):
        MindSettings.from_env(env)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (MindSettings(provider="openai"), "needs OPENAI_API_KEY"),
        (MindSettings(provider="anthropic"), "needs ANTHROPIC_API_KEY"),
        (MindSettings(provider="openai", base_url="http://x/v1"), "XMEM_LLM_MODEL must name"),
        (MindSettings(provider="sampling"), "only inside the MCP server"),
    ],
)
def test_unusable_configurations_say_what_to_do(settings: MindSettings, message: str):
    with pytest.raises(ValueError, match=message):
        build_mind(settings)


def test_a_missing_package_names_the_extra(monkeypatch: pytest.MonkeyPatch):
    import sys

    monkeypatch.setitem(sys.modules, "openai", None)  # as if not installed
    with pytest.raises(ValueError, match=r"pip install 'xmemory-mcp\[openai\]'"):
        build_mind(MindSettings(provider="openai", api_key="sk"))
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ValueError, match=r"pip install 'xmemory-mcp\[anthropic\]'"):
        build_mind(MindSettings(provider="anthropic", api_key="sk"))


@pytest.mark.anyio
async def test_providers_get_their_defaults():
    mind = build_mind(MindSettings(provider="openai", api_key="sk", timeout=3))
    assert isinstance(mind.extractor, LlmExtractor)
    assert isinstance(mind.answerer, LlmAnswerer)
    assert isinstance(mind.designer, LlmDesigner)
    model = mind.extractor.model
    assert isinstance(model, OpenAITextModel)
    assert model.model == DEFAULT_OPENAI_MODEL and model.official
    await close_mind(mind)

    mind = build_mind(MindSettings(provider="anthropic", api_key="sk"))
    assert isinstance(mind.extractor, LlmExtractor)
    model_a = mind.extractor.model
    assert isinstance(model_a, AnthropicTextModel) and model_a.model == DEFAULT_ANTHROPIC_MODEL
    await close_mind(mind)


def test_sampling_uses_the_given_sampler():
    sampler = SamplingTextModel()
    mind = build_mind(MindSettings(provider="sampling"), sampler=sampler)
    assert isinstance(mind.extractor, LlmExtractor) and mind.extractor.model is sampler


@pytest.mark.anyio
async def test_the_configured_mind_talks_to_the_configured_server(llm: FakeLLMServer):
    env = {
        "XMEM_LLM_PROVIDER": "openai",
        "XMEM_LLM_BASE_URL": llm.openai_url,
        "XMEM_LLM_MODEL": "qwen2.5",
        "XMEM_LLM_TIMEOUT": "0.5",
    }
    mind = build_mind(MindSettings.from_env(env))
    llm.reply(json.dumps({"objects": [{"type": "note", "ref": "n", "values": {"text": "hi"}}]}))
    schema = parse_schema("objects: {note: {fields: {text: str}}}")
    request = ExtractionRequest(text="hi", schema=schema, logic=ExtractionLogic.FAST)
    extraction = await mind.extractor.extract(request)
    assert extraction.objects[0].values == {"text": "hi"}
    (req,) = llm.requests
    assert req.body["model"] == "qwen2.5"
    assert req.headers["authorization"] == "Bearer unused"  # local servers take any key
    await close_mind(mind)
