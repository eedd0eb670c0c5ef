"""Building provider models on the real clients, pointed at a `FakeLLMServer`."""

from __future__ import annotations

from xmemory_engine.minds.llm.providers import AnthropicTextModel, OpenAITextModel

from .fake_llm import FakeLLMServer

# Short enough to keep the suite fast, long enough for a loaded CI machine to answer.
TEST_TIMEOUT = 0.5


def provider_model(
    provider: str,
    llm: FakeLLMServer,
    *,
    timeout: float = TEST_TIMEOUT,
    max_retries: int = 2,
) -> OpenAITextModel | AnthropicTextModel:
    """A model of `provider` ("openai" / "anthropic") talking to `llm` through its client."""
    if provider == "openai":
        return OpenAITextModel.create(
            model="fake-gpt",
            api_key="sk-test",
            base_url=llm.openai_url,
            timeout=timeout,
            max_retries=max_retries,
        )
    return AnthropicTextModel.create(
        model="fake-claude",
        api_key="sk-ant-test",
        base_url=llm.url,
        timeout=timeout,
        max_retries=max_retries,
    )
