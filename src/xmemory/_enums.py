"""String-valued enums whose values are exactly what travels on the wire."""

from __future__ import annotations

from enum import Enum


class _WireEnum(str, Enum):
    """A str-valued enum: members compare equal to their wire strings.

    Not StrEnum (Python 3.11+), and str() is left as "WriteQueueStatus.QUEUED": that is what the
    documentation shows `print(status.write_status)` printing. Use `.value` for the wire string.
    """


class SchemaType(_WireEnum):
    """The language a schema text is written in."""

    YML = "yml"
    JSON = "json"


class ExtractionLogic(_WireEnum):
    """How hard extraction works: DEEP for important writes, FAST for high volume."""

    FAST = "fast"
    REGULAR = "regular"
    DEEP = "deep"


class ReadMode(_WireEnum):
    """The shape of a read's `reader_result`."""

    SINGLE_ANSWER = "single-answer"
    RAW_TABLES = "raw-tables"
    XRESPONSE = "xresponse"


class WriteQueueStatus(_WireEnum):
    """Where an enqueued write stands; keep polling until `is_terminal`."""

    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    NOT_FOUND = "not_found"
    # Newer servers report finer in-progress steps; they are not terminal either.
    EXTRACTING = "extracting"
    EXTRACTED = "extracted"
    APPLYING = "applying"

    @property
    def is_terminal(self) -> bool:
        """True once the status will not change any more."""
        return self in _TERMINAL


_TERMINAL = frozenset(
    {WriteQueueStatus.COMPLETED, WriteQueueStatus.FAILED, WriteQueueStatus.NOT_FOUND}
)
