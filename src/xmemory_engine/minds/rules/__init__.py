"""The offline mind: deterministic rules, no model, no network.

Extraction (`RulesExtractor`, `extract.py`) is one pipeline of a few stages over each text:

1. **Values** (`text.py`): a hyphen typed with a space each side read as the dash it
   stands for, sentences, then typed spans - emails, URLs, dates (a written date
   beats its weekday; a planned date without a year is the next one), phones, amounts.
2. **Mentions** (`names.py`, `analysis.py`, `speaker.py`): capitalised runs in any script are
   candidate names, typed person / organization / place / thing by the words around them;
   pronouns and first-person words are resolved to who they mean (the user is a record).
3. **Attachment** (`cues.py`, `orgs.py`, `things.py`, `works.py`, `providers.py`, `facts.py`,
   `links.py`, `lists.py`):
   each cue ("is a designer at", "lives in", "my sister", "prefers", "X's Y is Z", "Projects:
   A (on hold), ...") stores a value in the field of the schema that plays its role
   (`schema_map.py`), on the record it is about; what no cue used stays in the notes.
4. **Resolution** (`extract.py`, `carry.py`): against what is stored, corrections
   update the record they name (history kept), names complete to the stored person, a
   sentence continuing the previous one ("It is urgent.") carries to its record.

The rules' word lists are data: `lexicon.yml`, read through `text.lexicon`. The rules are
the mechanisms that read them; a sentence shape is not a module.

Answering (`RulesAnswerer`, `answer.py`, `question.py`, `sql.py`, `prose.py`): a question is
read against the schema (types, fields, enum values, names, a detail of someone's), then
answered by one plain SELECT per try through the engine's checked, read-only executor, and
put in words from the returned rows only. Designing (`RulesDesigner`, `design.py`): a schema
from "Track contacts with name, email, company, and notes.", and additive changes to one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from xmemory_engine.minds.base import (
    Extraction,
    ExtractionRequest,
    Extractor,
    Mind,
)
from xmemory_engine.minds.rules.answer import RulesAnswerer
from xmemory_engine.schema import Schema

if TYPE_CHECKING:
    from xmemory_engine.minds.rules.design import RulesDesigner
    from xmemory_engine.minds.rules.extract import RulesExtractor

__all__ = ["RulesAnswerer", "RulesDesigner", "RulesExtractor", "rules_mind"]


def __getattr__(name: str) -> Any:
    # Extraction and design are imported when first asked for: a server's first answer (a
    # read) needs neither, and their modules are half of the package's import time.
    if name == "RulesExtractor":
        from xmemory_engine.minds.rules.extract import RulesExtractor

        return RulesExtractor
    if name == "RulesDesigner":
        from xmemory_engine.minds.rules.design import RulesDesigner

        return RulesDesigner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Extractor:
    """`RulesExtractor`, made (and its modules imported) by the first write."""

    def __init__(self, today: Callable[[], date] | None) -> None:
        self._today = today
        self._made: Extractor | None = None

    async def extract(self, request: ExtractionRequest) -> Extraction:
        if self._made is None:
            from xmemory_engine.minds.rules.extract import RulesExtractor

            self._made = RulesExtractor(today=self._today)
        return await self._made.extract(request)


class _Designer:
    """`RulesDesigner`, made (and its modules imported) by the first schema design."""

    async def design(self, description: str, current: Schema | None = None) -> Schema:
        from xmemory_engine.minds.rules.design import RulesDesigner

        return await RulesDesigner().design(description, current)


def rules_mind(today: Callable[[], date] | None = None) -> Mind:
    """The offline mind; `today` fixes the day relative dates ("last Monday") resolve from."""
    return Mind(
        extractor=_Extractor(today), answerer=RulesAnswerer(today=today), designer=_Designer()
    )
