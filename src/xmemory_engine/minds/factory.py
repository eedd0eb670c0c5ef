"""Choosing the mind from configuration read once at the edge.

The variables (`XMEM_LLM_PROVIDER`, `XMEM_LLM_MODEL`, `XMEM_LLM_BASE_URL`, `XMEM_LLM_API_KEY`,
`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `XMEM_LLM_TIMEOUT`) are declared, typed and described
once, in `xmemory_engine.settings.EngineEnvironment`; this module gets a `MindSettings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from xmemory_engine.minds.base import Mind, TextModel

PROVIDERS = ("rules", "openai", "anthropic", "sampling")


@dataclass(frozen=True)
class MindSettings:
    """Which mind understands text and questions; `rules` needs no model and no network."""

    provider: str = "rules"
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    max_retries: int = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MindSettings:
        """Settings from `XMEM_LLM_*` and the providers' usual key variables, as declared in
        `xmemory_engine.settings.EngineEnvironment`; ValueError when a value is not usable."""
        from xmemory_engine.settings import engine_environment

        return engine_environment(env).mind()


def build_mind(settings: MindSettings, *, sampler: TextModel | None = None) -> Mind:
    """The mind `settings` names. `sampler` is the MCP client's model, for `sampling`.

    Raises ValueError when the provider cannot be used as configured (a missing package,
    key or model name, or `sampling` without a sampler), saying what to do.
    """
    if settings.provider == "rules":
        from xmemory_engine.minds.rules import rules_mind

        return rules_mind()
    return llm_mind_for(build_text_model(settings, sampler=sampler))


def build_text_model(settings: MindSettings, *, sampler: TextModel | None = None) -> TextModel:
    """The language model `settings` names (not for `rules`, which has none)."""
    if settings.provider == "openai":
        from xmemory_engine.minds.llm.providers import OpenAITextModel

        return OpenAITextModel.create(
            model=settings.model,
            api_key=settings.api_key,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        )
    if settings.provider == "anthropic":
        from xmemory_engine.minds.llm.providers import AnthropicTextModel

        return AnthropicTextModel.create(
            model=settings.model,
            api_key=settings.api_key,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        )
    if settings.provider == "sampling":
        if sampler is None:
            raise ValueError(
                "XMEM_LLM_PROVIDER=sampling borrows the model of the connected MCP client, so "
                "it works only inside the MCP server (xmemory-mcp); elsewhere choose rules, "
                "openai or anthropic"
            )
        return sampler
    raise ValueError(f"provider {settings.provider!r} has no language model")


def llm_mind_for(model: TextModel) -> Mind:
    from xmemory_engine.minds.llm import llm_mind

    return llm_mind(model)


async def close_mind(mind: Mind) -> None:
    """Close the model clients a mind holds (their HTTP connections); rules hold none."""
    closed: set[int] = set()
    for part in (mind.extractor, mind.answerer, mind.designer):
        model = getattr(part, "model", None)
        aclose = getattr(model, "aclose", None)
        if aclose is not None and id(model) not in closed:
            closed.add(id(model))
            await aclose()
