"""Building provider models on the real clients, pointed at a `FakeLLMServer`."""

from __future__ import annotations

from xmemory_engine.minds.llm.providers import AnthropicTextModel, OpenAITextModel

from .fake_llm import FakeLLMServer

# Long enough for a loaded CI machine to answer (a reply from the fake server takes
# milliseconds; 0.5 s was once missed on two shared cores under load). Only a test that waits
# for the deadline to pass (a hanging server) pays it, and such a test asks for DEADLINE.
TEST_TIMEOUT = 3.0
DEADLINE = 0.5
"""The timeout of a test that waits for it to pass (marked `deadline`)."""


def timeout_for(node: object) -> float:
    """DEADLINE for a test marked `deadline`, else TEST_TIMEOUT."""
    marker = getattr(node, "get_closest_marker", lambda name: None)("deadline")
    return DEADLINE if marker is not None else TEST_TIMEOUT


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
