"""The three jobs that need understanding, as small interfaces a mind implements.

- `Extractor`: text -> typed objects and relations fitting the schema (writes, extract).
- `Answerer`:  question -> checked SQL -> rows -> an answer (reads).
- `Designer`:  plain-language description (+ current schema) -> schema (generate_schema).

A mind never touches storage directly: extraction sees stored records only through
`RecordLookup`, and an answer runs SQL only through `SqlRunner`, which the engine backs with
its read-only, single-instance, row- and time-limited executor. So every mind — the offline
rules or a language model — gets the same guarantees.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from xmemory_engine.schema import Schema


class ExtractionLogic(str, Enum):
    """How much work extraction may spend (the wire's `extraction_logic`)."""

    FAST = "fast"
    REGULAR = "regular"
    DEEP = "deep"


class ReadMode(str, Enum):
    """How a read answer is shaped (the wire's `mode`)."""

    SINGLE_ANSWER = "single-answer"
    RAW_TABLES = "raw-tables"
    XRESPONSE = "xresponse"


# -- extraction --------------------------------------------------------------------------------


@dataclass
class ExtractedObject:
    """One object found in text. `ref` is local to one extraction, for relations to point at."""

    object_type: str
    values: dict[str, Any]
    ref: str
    fills: frozenset[str] = frozenset()
    """Fields whose value the text gives the object only as one of a group ("Our fixers: …",
    "Volunteers: …"): stored where the record holds none, never over a value said of it."""


@dataclass
class ExtractedRelation:
    """One relation found in text; `endpoints` maps each role to an ExtractedObject's `ref`."""

    relation_type: str
    endpoints: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    replaces: str = ""
    """A role whose end keeps only this link of the type: the stored links from that end to
    others are removed when it is stored ("employee": joining Globex ends the link to
    Northwind, as the person's company field, which the link mirrors, changes too)."""


@dataclass
class Extraction:
    """What a mind extracted from one text, before it is matched against stored records."""

    objects: list[ExtractedObject] = field(default_factory=list)
    relations: list[ExtractedRelation] = field(default_factory=list)


class RecordLookup(Protocol):
    """Read access to stored records of one instance, so a mind can merge and resolve pronouns."""

    async def find(self, object_type: str, text: str, limit: int = 5) -> list[dict[str, Any]]:
        """Stored records of `object_type` whose text fields mention `text` (best first)."""
        ...

    async def recent(self, object_type: str, limit: int = 5) -> list[dict[str, Any]]:
        """The most recently updated records of `object_type`."""
        ...

    async def named(
        self, object_type: str, names: Sequence[str], limit: int = 5
    ) -> list[dict[str, Any]]:
        """Stored records of `object_type` whose name is one of `names` or, for a name of one
        word, has it as a word (up to `limit` a name, most recently updated first): index
        lookups in one read, whatever the store's size."""
        ...


@dataclass
class ExtractionRequest:
    text: str
    schema: Schema
    logic: ExtractionLogic = ExtractionLogic.DEEP
    lookup: RecordLookup | None = None


class Extractor(Protocol):
    async def extract(self, request: ExtractionRequest) -> Extraction:
        """Objects and relations in `request.text` that fit `request.schema`.

        Raises `MindFailed` when it cannot produce a valid extraction.
        """
        ...


# -- answering ---------------------------------------------------------------------------------


@dataclass
class ResultTable:
    """Rows a query returned, with the SQL that produced them."""

    columns: list[str]
    rows: list[list[Any]]
    sql: str = ""

    def to_wire(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": [list(r) for r in self.rows]}


# Runs one SELECT through the engine's checker on a read-only connection to this instance.
# Raises `QueryRejected` (refused by the checker) or `InvalidRequest` (the database's error).
SqlRunner = Callable[[str], Awaitable[ResultTable]]


@dataclass
class AnswerRequest:
    question: str
    schema: Schema
    run_sql: SqlRunner
    mode: ReadMode = ReadMode.SINGLE_ANSWER


@dataclass
class Answer:
    """An answer built only from rows that were actually returned.

    - `tables`: the result sets, as returned (the raw-tables answer; xuid columns let the engine
      build the xresponse objects).
    - `answer`: prose for single-answer (composed from `tables`, never from memory).
    - `notice`: set when the question could not be answered as asked, so an empty result says
      nothing about what is stored.
    - `representable`: False when the schema cannot represent the question at all
      (`reader_result: null` on the wire).
    - `about`: what the question asks about, in the question's own words (a name, a type, a
      phrase), so that "nothing stored about …" can name it when no row answers.
    - `partial`: the rows hold only part of what was asked (the notice says which part): the
      engine answers from them only when no sentence said answers better.

    A mind returns rows only when they answer the question; when none do it returns no rows
    (never recent records instead), or, marked `partial`, the one record holding the part of
    the question that singles it out. The engine then searches the stored sentences,
    and says plainly when nothing is stored.
    """

    tables: list[ResultTable] = field(default_factory=list)
    answer: str | None = None
    notice: str | None = None
    representable: bool = True
    about: str | None = None
    partial: bool = False


class Answerer(Protocol):
    async def answer(self, request: AnswerRequest) -> Answer: ...


# -- design ------------------------------------------------------------------------------------


class Designer(Protocol):
    async def design(self, description: str, current: Schema | None = None) -> Schema:
        """A schema for `description`; given `current`, every existing object and field is kept."""
        ...


@dataclass
class Mind:
    """The three jobs, done by one kind of mind (rules, or a model)."""

    extractor: Extractor
    answerer: Answerer
    designer: Designer


class TextModel(Protocol):
    """Any language model that completes a conversation: a provider's API or the MCP client's
    own model lent through sampling. The model-backed mind is written against this only."""

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 2048,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        """The model's reply text; `json_schema`, when given, asks for JSON fitting it."""
        ...
