"""The offline mind: deterministic rules, no model, no network.

- `RulesExtractor` (`extract.py`): people, organizations, emails, phones, URLs, dates, numbers,
  flags, enum values, role and company cues, pronouns; tasks, events, preferences, projects,
  notes and any type named in the text.
- `RulesAnswerer` (`answer.py`): a field of a named record, records filtered by a value,
  counts, lists, the most recent records, yes/no - each one plain SELECT run through the
  engine's checked, read-only executor.
- `RulesDesigner` (`design.py`): a schema from "Track contacts with name, email, company, and
  notes.", and additive changes to a current one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from xmemory_engine.minds.base import Mind
from xmemory_engine.minds.rules.answer import RulesAnswerer
from xmemory_engine.minds.rules.design import RulesDesigner
from xmemory_engine.minds.rules.extract import RulesExtractor

__all__ = ["RulesAnswerer", "RulesDesigner", "RulesExtractor", "rules_mind"]


def rules_mind(today: Callable[[], date] | None = None) -> Mind:
    """The offline mind; `today` fixes the day relative dates ("last Monday") resolve from."""
    return Mind(
        extractor=RulesExtractor(today=today),
        answerer=RulesAnswerer(today=today),
        designer=RulesDesigner(),
    )
