"""Extraction by a model: text -> objects and relations that fit the instance schema.

- FAST: one pass.
- REGULAR: one pass, shown the stored records the text mentions (by name, email...) and,
  when the text uses pronouns, the most recent ones, so that it merges instead of duplicating
  and knows who "she" is.
- DEEP: REGULAR, then a check pass that lists what the extraction missed or got wrong, then
  (only when it found something) a final pass that corrects it.
"""

from __future__ import annotations

import re
from typing import Any

from xmemory_engine.minds.base import (
    Extraction,
    ExtractionLogic,
    ExtractionRequest,
    RecordLookup,
    TextModel,
)
from xmemory_engine.minds.llm import jsonschema
from xmemory_engine.minds.llm.ask import ask_json
from xmemory_engine.minds.llm.prompts import (
    CHECK_SYSTEM,
    EXTRACT_SYSTEM,
    check_message,
    extraction_message,
    fix_message,
)
from xmemory_engine.minds.llm.replies import (
    ReplyInvalid,
    check_extraction,
    parse_json,
    parse_object,
)
from xmemory_engine.schema import SYSTEM_COLUMNS, Schema

_MENTION = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an email address
    r"|\"[^\"\n]{2,60}\""  # something quoted
    r"|\b[A-Z][\w'&-]*(?:\s+(?:[A-Z][\w'&-]*|of|de|van|von))*\b"  # a capitalised name
)
_PRONOUNS = re.compile(
    r"\b(he|she|they|him|her|them|his|hers|their|theirs|it|its|this|that)\b", re.IGNORECASE
)
# Capitalised words that start sentences rather than name things.
_NOT_NAMES = frozenset(
    {
        "A", "An", "And", "As", "At", "But", "By", "For", "From", "He", "Her", "His", "How", "I",
        "If", "In", "It", "Its", "Me", "My", "No", "Not", "Of", "On", "Or", "Our", "She", "So",
        "That", "The", "Their", "Them", "Then", "There", "These", "They", "This", "To", "Today",
        "Tomorrow", "Us", "We", "What", "When", "Where", "Which", "Who", "Why", "Will", "With",
        "Yesterday", "You", "Your",
    }
)  # fmt: skip

# Frequent lowercase words that name nothing stored.
_COMMON = frozenset(
    {
        "about", "address", "also", "are", "been", "call", "called", "changed", "did", "does",
        "email", "for", "from", "get", "got", "had", "has", "have", "is", "just", "know", "like",
        "lives", "made", "make", "meet", "more", "moved", "name", "need", "new", "next", "now",
        "number", "one", "out", "phone", "said", "saw", "say", "see", "some", "that", "their",
        "them", "then", "they", "this", "today", "told", "two", "very", "want", "was", "way",
        "week", "were", "what", "when", "who", "will", "with", "work", "works", "would", "year",
        "yes",
    }
)  # fmt: skip


class LlmExtractor:
    """An `Extractor` that asks a model, checking and (once) repairing its reply."""

    def __init__(
        self,
        model: TextModel,
        *,
        max_tokens: int = 4096,
        max_terms: int = 8,
        max_known: int = 20,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        self.max_terms = max_terms
        self.max_known = max_known

    async def extract(self, request: ExtractionRequest) -> Extraction:
        if not request.text.strip():
            return Extraction()
        schema = request.schema
        known = None
        if request.logic is not ExtractionLogic.FAST and request.lookup is not None:
            known = await self.known_records(request.text, schema, request.lookup)
        messages = [{"role": "user", "content": extraction_message(request.text, schema, known)}]
        (data, extraction), conversation = await self._extract(messages, schema)
        if request.logic is not ExtractionLogic.DEEP:
            return extraction
        issues = await self._check(request.text, schema, data)
        if not issues:
            return extraction
        conversation.append({"role": "user", "content": fix_message(issues)})
        (_, extraction), _ = await self._extract(conversation, schema)
        return extraction

    async def known_records(
        self, text: str, schema: Schema, lookup: RecordLookup
    ) -> list[tuple[str, dict[str, Any]]]:
        """Stored records the text names, then (for pronouns) the latest ones; deduplicated."""
        terms = mention_terms(text, self.max_terms)
        wants_recent = bool(_PRONOUNS.search(text))
        found: list[tuple[str, dict[str, Any]]] = []
        seen: set[tuple[str, str]] = set()

        def keep(object_type: str, record: dict[str, Any]) -> None:
            values = {
                k: v for k, v in record.items() if k not in SYSTEM_COLUMNS and v not in (None, "")
            }
            key = (object_type, str(record.get("xuid") or sorted(values.items())))
            if values and key not in seen and len(found) < self.max_known:
                seen.add(key)
                found.append((object_type, values))

        for name, obj in schema.objects.items():
            if not any(spec.type == "str" for spec in obj.fields.values()):
                continue
            for term in terms:
                for record in await lookup.find(name, term, limit=3):
                    keep(name, record)
            if wants_recent:
                for record in await lookup.recent(name, limit=2):
                    keep(name, record)
        return found

    async def _extract(
        self, messages: list[dict[str, str]], schema: Schema
    ) -> tuple[tuple[Any, Extraction], list[dict[str, str]]]:
        def read(reply: str) -> tuple[Any, Extraction]:
            data = parse_json(reply)
            return data, check_extraction(data, schema)

        return await ask_json(
            self.model,
            EXTRACT_SYSTEM,
            messages,
            read,
            json_schema=jsonschema.extraction_schema(schema),
            max_tokens=self.max_tokens,
            what="extraction",
        )

    async def _check(self, text: str, schema: Schema, data: Any) -> list[str]:
        def read(reply: str) -> list[str]:
            issues = parse_object(reply, ("issues",))["issues"]
            if not isinstance(issues, list):
                raise ReplyInvalid(["'issues' must be a list of sentences"])
            return [str(i).strip() for i in issues if str(i).strip()]

        issues, _ = await ask_json(
            self.model,
            CHECK_SYSTEM,
            [{"role": "user", "content": check_message(text, schema, data)}],
            read,
            json_schema=jsonschema.check_schema(),
            max_tokens=1024,
            what="extraction check",
        )
        return issues


def mention_terms(text: str, limit: int = 8) -> list[str]:
    """Names, emails and quoted phrases in `text`, most specific first, for record lookup."""
    terms: list[str] = []
    named = False
    for match in _MENTION.finditer(text):
        term = match.group(0)
        if term.startswith('"') or "@" in term:
            candidates = [term.strip('"').strip()]
        else:
            words = term.split()
            while words and words[0] in _NOT_NAMES:  # "When Ann" -> "Ann"
                words.pop(0)
            candidates = [" ".join(words)] + (words[:1] if len(words) > 1 else [])
            named = named or bool(words)
        for cand in candidates:
            if len(cand) >= 2 and cand not in terms:
                terms.append(cand)
    if not named:  # no capitals ("ann's email is ..."): fall back to the longer words
        for word in re.findall(r"[^\W\d_][\w'-]{2,}", text):
            word = word.removesuffix("'s")
            if word.capitalize() in _NOT_NAMES or word.lower() in _COMMON or word in terms:
                continue
            terms.append(word)
    return terms[:limit]
