"""Choosing the mind from configuration read once at the edge."""

from __future__ import annotations

import os
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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MindSettings:
        env = os.environ if env is None else env
        provider = (env.get("XMEM_LLM_PROVIDER") or "rules").strip().lower()
        if provider not in PROVIDERS:
            raise ValueError(f"XMEM_LLM_PROVIDER={provider!r} is not one of {', '.join(PROVIDERS)}")
        return cls(
            provider=provider,
            model=env.get("XMEM_LLM_MODEL") or None,
            base_url=env.get("XMEM_LLM_BASE_URL") or None,
            timeout=float(env.get("XMEM_LLM_TIMEOUT") or 60.0),
        )


def build_mind(settings: MindSettings, *, sampler: TextModel | None = None) -> Mind:
    """The mind `settings` names. `sampler` is the MCP client's model, for `sampling`."""
    if settings.provider == "rules":
        from xmemory_engine.minds.rules import rules_mind

        return rules_mind()
    raise ValueError(f"the {settings.provider!r} mind is not available yet")
