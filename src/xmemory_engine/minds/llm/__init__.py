"""The model-backed mind: extraction, answers and schema design by a language model.

Written against `TextModel` only, so every provider plugs in the same way:
`providers.OpenAITextModel` (OpenAI or any OpenAI-compatible server), `providers.
AnthropicTextModel`, and `sampling.SamplingTextModel` (the MCP client's own model).
"""

from __future__ import annotations

from xmemory_engine.minds.base import Mind, TextModel
from xmemory_engine.minds.llm.answer import LlmAnswerer
from xmemory_engine.minds.llm.design import LlmDesigner
from xmemory_engine.minds.llm.extract import LlmExtractor

__all__ = ["LlmAnswerer", "LlmDesigner", "LlmExtractor", "llm_mind"]


def llm_mind(model: TextModel) -> Mind:
    """The three jobs, each done by asking `model`."""
    return Mind(
        extractor=LlmExtractor(model),
        answerer=LlmAnswerer(model),
        designer=LlmDesigner(model),
    )
