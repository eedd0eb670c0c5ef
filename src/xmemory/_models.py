"""Result models: what each call answers, parsed from the envelope's items.

Every model tolerates keys it does not know (`extra="allow"`): servers add fields over time, and
an older SDK must keep working against a newer server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ._enums import WriteQueueStatus


class XmemoryModel(BaseModel):
    """Base of every result model: unknown keys are kept, not rejected."""

    model_config = ConfigDict(extra="allow", defer_build=True)


class ClusterInfo(XmemoryModel):
    """A cluster: the group that instances live in."""

    id: str
    org_id: str | None = None
    name: str | None = None
    description: str | None = None


class InstanceInfo(XmemoryModel):
    """An instance: one memory with its own schema and data."""

    id: str
    cluster_id: str | None = None
    name: str | None = None
    description: str | None = None
    data_schema: dict[str, Any] | None = None


class InstanceSchemaInfo(XmemoryModel):
    """An instance's schema, parsed into a mapping (objects, relations)."""

    data_schema: dict[str, Any]


class GenerateSchemaResult(XmemoryModel):
    """A schema the server designed from a plain-language description."""

    data_schema: dict[str, Any]


class WriteChanges(XmemoryModel):
    """What a write did to stored data, grouped by kind of change."""

    created: list[Any] = Field(default_factory=list)
    updated: list[Any] = Field(default_factory=list)
    deleted: list[Any] = Field(default_factory=list)


class WriteResult(XmemoryModel):
    """The outcome of a synchronous write.

    `cleaned_objects` and `diff_plan` are what the hosted API documents; newer servers also send
    `changes`. Each is None when the server did not send it.
    """

    write_id: str | None = None
    trace_id: str | None = None
    cleaned_objects: Any = None
    diff_plan: Any = None
    changes: WriteChanges | None = None


class AsyncWriteResult(XmemoryModel):
    """The acknowledgement of an enqueued write; poll `write_status(write_id)`."""

    write_id: str
    trace_id: str | None = None


class WriteStatusResult(XmemoryModel):
    """Where an enqueued write stands, and what it changed once completed."""

    write_id: str
    write_status: WriteQueueStatus
    error_detail: str | None = None
    completed_at: datetime | None = None
    changes: WriteChanges | None = None


class ReadResult(XmemoryModel):
    """The answer to a natural-language query.

    `reader_result` is shaped by the read mode; None means the schema cannot represent the
    question. A `notice` means the question could not be answered as asked, so an empty
    answer says nothing about what is stored.

    Newer servers (the embedded engine) also say what the answer rests on; each is None when
    the server did not send it:

    - `basis`: "records" (stored records answer it), "passages" (no record does; stored
      sentences that mention it are in `passages`) or "nothing" (nothing stored about it).
    - `evidence`: the source sentences behind the answer, with their write ids and dates.
    - `passages`: ranked stored sentences, when no record answers.
    """

    trace_id: str | None = None
    reader_result: Any = None
    reader_results: list[Any] | None = None
    notice: str | None = None
    basis: str | None = None
    evidence: list[dict[str, Any]] | None = None
    passages: list[dict[str, Any]] | None = None


class ForgetResult(XmemoryModel):
    """What `forget` removed for good (servers listing the "forget" feature).

    `forgotten` counts each kind: `records` and `relations` removed, `fields` of kept records
    cleared or shortened, `history` rows (past values, provenance) deleted, `sentences`
    redacted in `episodes`, `write_log` entries scrubbed. `records` names each removed record
    (`type`, `xuid`). What was forgotten is never repeated here.
    """

    write_id: str | None = None
    trace_id: str | None = None
    forgotten: dict[str, int] = Field(default_factory=dict)
    records: list[dict[str, str]] = Field(default_factory=list)


class ExtractResult(XmemoryModel):
    """What extraction found in a text, without anything being stored."""

    trace_id: str | None = None
    objects_extracted: Any = None
