"""The storage interface: what the service layer needs from a catalog and an instance's data.

SQLite implements it today (`catalog.py`, `instance.py`); a PostgreSQL store implements the
same protocols (one schema per instance) without the service layer changing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal, Protocol, TypeVar

from xmemory_engine.schema import ObjectSpec, RelationSpec, Schema
from xmemory_engine.semantic import SentenceIndex

T = TypeVar("T")

JobStatus = Literal["queued", "processing", "completed", "failed"]

# A stored record: `xuid`, every field of its type, `created_at`, `updated_at`.
Record = dict[str, Any]


class NotBrief(Exception):
    """A read asked to run where it was called (on the event loop) found its connection busy
    or needed more than its short time: nothing it did is kept; run it in a worker thread."""


def utc_now() -> str:
    """Now as ISO-8601 in UTC with microseconds, so timestamps sort as text."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass
class ClusterRow:
    id: str
    org_id: str
    name: str
    description: str | None
    created_at: str


@dataclass
class InstanceRow:
    id: str
    cluster_id: str
    name: str
    description: str | None
    schema_text: str
    schema_type: str
    schema_json: str
    schema_version: int
    schema_description: str | None
    created_at: str
    updated_at: str


@dataclass
class JobRow:
    """One write job as persisted: the request it carries and, once finished, its outcome."""

    id: str
    instance_id: str
    status: JobStatus
    payload: dict[str, Any]
    trace_id: str | None = None
    seq: int = 0
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    owner: str | None = None
    created_at: str = field(default_factory=utc_now)
    completed_at: str | None = None


@dataclass
class EpisodeDraft:
    """A write's words, to be kept as an episode in the same transaction as its changes.

    `kind`: `text` (a text write), `mutations` (structured mutations: `text` is the caller's
    own sentence, or a rendering of the mutations), `migrated` (a record stored before
    episodes were kept)."""

    write_id: str | None
    kind: str
    text: str
    payload: Any = None
    occurred_at: str | None = None
    # The passages it is indexed as, when its text is already one sentence a line (mutations
    # spelled out); None: its text is cut into sentences.
    sentences: list[str] | None = None


@dataclass
class EpisodeRow:
    """A stored episode."""

    id: int
    write_id: str | None
    kind: str
    text: str
    occurred_at: str | None
    recorded_at: str


@dataclass
class FactRow:
    """One value a write gave one field of a record (`field` '' is the record itself), and,
    once replaced, cleared or deleted, when and by which episode."""

    id: int
    xuid: str
    type: str
    field: str
    value: Any
    episode_id: int
    recorded_at: str
    retired_at: str | None
    retired_by: int | None


@dataclass
class KeptEpisode:
    """An episode whole, as the portable format carries it (`payload`: structured mutations)."""

    id: int
    write_id: str | None
    kind: str
    text: str
    payload: Any
    occurred_at: str | None
    recorded_at: str


@dataclass
class RestoreBatch:
    """Rows of an exported instance, stored as they were (ids, times and history kept): what
    `InstanceData.restore` takes from the portable format, objects before relations."""

    records: list[tuple[str, Record]] = field(default_factory=list)  # (type name, record)
    episodes: list[KeptEpisode] = field(default_factory=list)
    facts: list[FactRow] = field(default_factory=list)


@dataclass
class PassageRow:
    """One sentence of an episode found by the full-text index; lower `rank` is better."""

    id: int
    text: str
    episode_id: int
    rank: float


@dataclass
class ForgetRequest:
    """What `forget` removes: every stored value that mentions `text` (whole words, any
    case), or one record of `object_type` given by `xuid` or by its primary-key `key`."""

    text: str | None = None
    object_type: str | None = None
    xuid: str | None = None
    key: dict[str, Any] | None = None


@dataclass
class ForgetReport:
    """What `forget` removed, kind by kind. `needles` are the texts it scrubbed (what the
    write log must lose too); they are never stored or answered."""

    records: list[dict[str, str]] = field(default_factory=list)  # {"type", "xuid"}
    relations: int = 0
    fields: int = 0
    history: int = 0
    sentences: int = 0
    episodes: int = 0
    write_log: int = 0
    needles: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "records": len(self.records),
            "relations": self.relations,
            "fields": self.fields,
            "history": self.history,
            "sentences": self.sentences,
            "episodes": self.episodes,
            "write_log": self.write_log,
        }


class Catalog(Protocol):
    """Clusters, instances and the write-job queue."""

    def close(self) -> None: ...
    async def ensure_defaults(
        self, make_cluster: Callable[[], ClusterRow], make_instance: Callable[[str], InstanceRow]
    ) -> tuple[ClusterRow, InstanceRow, bool]: ...
    async def get_cluster(self, cluster_id: str) -> ClusterRow | None: ...
    async def list_clusters(self, ids: Sequence[str] | None = None) -> list[ClusterRow]: ...
    async def create_instance(self, row: InstanceRow) -> None: ...
    async def get_instance(self, instance_id: str) -> InstanceRow | None: ...
    async def list_instances(self, ids: Sequence[str] | None = None) -> list[InstanceRow]: ...
    async def update_instance_metadata(
        self, instance_id: str, changes: dict[str, str | None]
    ) -> InstanceRow | None: ...
    async def update_instance_schema(
        self,
        instance_id: str,
        *,
        schema_text: str,
        schema_type: str,
        schema_json: str,
        expected_version: int,
    ) -> InstanceRow | None: ...
    async def delete_instance(self, instance_id: str) -> bool: ...
    async def insert_job(self, job: JobRow, *, durable: bool = True) -> JobRow: ...
    async def make_durable(self, job_id: str, payload: dict[str, Any] | None = None) -> None:
        """Sync a job row inserted with `durable=False` (and every commit before it) to disk:
        its caller is about to be told of the job before it has ended. `payload`: the request
        to store in the row first, if it was inserted without it (not once it has ended)."""
        ...

    async def get_job(self, job_id: str) -> JobRow | None: ...
    async def finish_job(
        self,
        job_id: str,
        status: JobStatus,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None: ...
    async def claim_jobs(self, owner: str, is_dead: Callable[[str], bool]) -> list[JobRow]: ...
    async def earlier_pending(self, instance_id: str, seq: int) -> bool: ...
    async def terminal_job_ids(self, job_ids: Sequence[str]) -> set[str]: ...
    async def forget_in_jobs(
        self, instance_id: str, redact: Callable[[Any], Any], *, also: str | None = None
    ) -> int:
        """Pass every finished job of the instance (request, result, error), and the job
        `also` (the forget itself, still running), through `redact` (a JSON value in, the
        value without what is forgotten out), keep what changed, and leave no copy of the old
        bytes in the store's files; returns how many jobs changed."""
        ...


class Tables(Protocol):
    """Record-level access to one instance's tables, inside a transaction or a read."""

    schema: Schema

    def get(self, spec: ObjectSpec | RelationSpec, xuid: str) -> Record | None: ...
    def find_by_key(self, spec: ObjectSpec, key: dict[str, Any]) -> Record | None: ...
    def find_by_keys(
        self, spec: ObjectSpec, keys: Sequence[tuple[Any, ...]]
    ) -> dict[tuple[Any, ...], Record]:
        """The stored records with these primary keys (values in `spec.primary_key` order, no
        nulls), by key; keys that match nothing are absent."""
        ...

    def find_by_text(
        self, spec: ObjectSpec, fields: Sequence[str], text: str, limit: int
    ) -> list[Record]:
        """Records where one of `fields` equals `text` ignoring case, then those where one
        mentions it, most recently updated first within each group."""
        ...

    def find_by_term(
        self, spec: ObjectSpec, term: str, limit: int, *, whole: bool = False
    ) -> list[Record]:
        """Records whose name (`naming.name_field`, normalised as `terms.normalize`) is `term`
        (`whole`), or is it or has it as one of its words, most recently updated first; index
        lookups that look at a bounded number of records however common the word."""
        ...

    def recent(self, spec: ObjectSpec, limit: int) -> list[Record]: ...
    def objects_by_xuids(self, xuids: Sequence[str]) -> list[tuple[ObjectSpec, Record]]: ...
    def relations_by_xuids(self, xuids: Sequence[str]) -> list[tuple[RelationSpec, Record]]: ...
    def relations_among(self, xuids: Sequence[str]) -> list[tuple[RelationSpec, Record]]: ...
    def links_of(self, xuid: str) -> list[tuple[RelationSpec, Record]]: ...
    def find_links(self, spec: RelationSpec, endpoints: dict[str, str]) -> list[Record]: ...
    def insert(self, spec: ObjectSpec | RelationSpec, values: dict[str, Any]) -> Record: ...
    def update(
        self, spec: ObjectSpec | RelationSpec, xuid: str, values: dict[str, Any]
    ) -> Record: ...
    def delete(self, spec: ObjectSpec | RelationSpec, xuid: str) -> None: ...
    def insert_many(self, spec: ObjectSpec, rows: list[dict[str, Any]]) -> list[Record]: ...

    # Provenance, history and passages (read side). Writes inside `InstanceData.apply`
    # record their facts themselves, against the write's episode.
    def facts(self, xuids: Sequence[str], *, current_only: bool) -> list[FactRow]:
        """Facts of these records, oldest first (only the current ones when asked)."""
        ...

    def episodes(self, ids: Sequence[int]) -> dict[int, EpisodeRow]: ...
    def records_said_in(self, episode_id: int) -> list[str]:
        """The xuids of the records this episode gave a value to, in the order it did."""
        ...

    def search_passages(
        self, match: str, limit: int, *, after: int = 0, newest: bool = False
    ) -> list[PassageRow]:
        """Sentences matching an FTS5 `match` expression, best BM25 first, newer on ties (or
        newest first); only those with an id above `after` (said after a given episode)."""
        ...

    def passage_frequency(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        """How many sentences are indexed, and in how many each prefix term occurs."""
        ...

    # The instance's sentence vectors (semantic.py), kept by the store across reads; None
    # where the store keeps none.
    sentence_index: SentenceIndex | None

    def sentences_after(self, after: int, limit: int) -> list[tuple[int, str]]:
        """Up to `limit` indexed sentences (passage id, text) with ids above `after`, in order."""
        ...

    def passages_by_id(self, ids: Sequence[int]) -> list[PassageRow]:
        """The passages with these ids that are still indexed, in the order asked."""
        ...

    def later_text_episode(self, episode_id: int) -> bool:
        """Whether a text write was kept after this episode."""
        ...

    # Whole-instance paging (export): each page in a stable order, after a cursor.
    def scan(self, spec: ObjectSpec | RelationSpec, after: str, limit: int) -> list[Record]:
        """Records of this type with an xuid above `after`, by xuid."""
        ...

    def episodes_after(self, after: int, limit: int) -> list[KeptEpisode]:
        """Episodes with an id above `after`, by id, with their payloads."""
        ...

    def fact_xuids(self, after: str, limit: int) -> list[str]:
        """Xuids that have facts (records deleted since included) above `after`, in order."""
        ...


class InstanceData(Protocol):
    """One instance's records: its own database (SQLite file, or PostgreSQL schema)."""

    def close(self) -> None: ...
    async def ensure_schema(self, schema: Schema) -> None: ...
    async def apply(
        self,
        write_id: str,
        schema: Schema,
        fn: Callable[[Tables], dict[str, Any]],
        episode: EpisodeDraft,
        *,
        keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Run `fn` in one write transaction, with `episode` stored in it and every change
        recorded as a fact of that episode, and record `write_id` as applied in it, with
        `keep(result)` (default: its `changes`) as what a restart reports; if the write was
        applied before (a crash between commit and bookkeeping), run nothing and return what
        was kept (`changes` None once the marker is gone). Returns (result, applied_now)."""
        ...

    def mark_recorded(self, write_id: str) -> None:
        """The catalog holds this write's outcome now; its marker may go."""
        ...

    async def checkpoint(self, waiting: Callable[[], bool] | None = None) -> None:
        """Housekeeping after a write has been answered (SQLite: merge the passage index,
        copy the WAL into the file); `waiting()` says a next write is queued for this store,
        so work that can wait should."""
        ...

    async def applied_at(self, write_id: str) -> str | None:
        """When the write with this id was applied here, or None when it was not."""
        ...

    async def read(self, schema: Schema, fn: Callable[[Tables], T]) -> T:
        """Run `fn` on one consistent snapshot of the committed data."""
        ...

    def read_here(self, schema: Schema, fn: Callable[[Tables], T]) -> T:
        """`read`, in the calling thread: for code already in a worker thread."""
        ...

    async def applied_write_ids(self) -> list[str]:
        """Write ids whose application is recorded here (for pruning finished ones)."""
        ...

    async def forget_applied(self, write_ids: Sequence[str]) -> None: ...
    async def forget(self, schema: Schema, request: ForgetRequest) -> ForgetReport:
        """Remove what `request` names with its history, the sentences of episodes that
        mention it, its full-text rows and its text in the write markers, in one write
        transaction; then leave no copy of the old bytes in the store's files."""
        ...

    async def restore(self, schema: Schema, batch: RestoreBatch) -> None:
        """Store exported rows as they were, in one transaction (portable-format import into
        an empty instance): records with their xuids and times, episodes with their ids
        (indexed for full text), facts with their episodes and retirements."""
        ...
