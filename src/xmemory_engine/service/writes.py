"""The write queue: one ordered lane per instance, persisted before it is acknowledged.

A job's life: its catalog row is committed as `queued` (this is `write_async`'s
acknowledgement) -> text is extracted, several jobs at a time (bounded) -> jobs are applied
strictly in queue order, one transaction each, on the instance's own database -> the catalog
records `completed` with the result, or `failed` with the error; a failed job changed nothing.

Each applied job keeps its words as an episode (`episodes.py`) in the same transaction as its
changes, and every value it sets is recorded as a fact of that episode (provenance, history).
The instance database records each applied write id in the same transaction as its changes,
so a job is applied exactly once even when the process dies between that commit and the
catalog's. Unfinished jobs are resumed at start, and taken over from any engine process on the
same data directory, or the same PostgreSQL database, that has died (see `store/owners.py`).
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import anyio
import anyio.abc

from xmemory_engine.errors import EngineError, MindFailed, NotFound
from xmemory_engine.minds.base import (
    Extraction,
    ExtractionLogic,
    ExtractionRequest,
    Mind,
)
from xmemory_engine.service import forget as forgetting
from xmemory_engine.service.changes import ChangeLog, bounded_changes
from xmemory_engine.service.instances import InstanceRegistry, LiveInstance
from xmemory_engine.service.lookup import StoreLookup
from xmemory_engine.service.merge import apply_extraction
from xmemory_engine.service.mutations import Op, apply_mutations, parse_mutations
from xmemory_engine.settings import EngineSettings
from xmemory_engine.store.base import Catalog, JobRow, JobStatus, Tables, utc_now
from xmemory_engine.store.catalog import STATUS_RETENTION
from xmemory_engine.store.owners import Ownership

logger = logging.getLogger("xmemory_engine.writes")

# How long a lane waits before looking again when an earlier job is still pending elsewhere
# (being enqueued by a concurrent request, or owned by another live engine process).
_ORDER_POLL = 0.02
_FINISHED_MEMORY = 10_000


@dataclass
class ActiveJob:
    """A job this process is running: where it stands and, once done, how it ended."""

    row: JobRow
    stage: str = "queued"
    done: anyio.Event = field(default_factory=anyio.Event)
    extracted: anyio.Event | None = None
    extraction: Extraction | None = None
    extraction_error: EngineError | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    # Mutations as checked when the job was submitted, and against which schema version:
    # reused when it is still the instance's schema as the job is applied.
    ops: tuple[int, list[Op]] | None = None
    # What is kept of the result for `write_status` (bounded `changes`).
    kept: dict[str, Any] | None = None
    # A caller waits for the whole report (`write`); else only `kept` is ever read.
    waited: bool = False
    # Whether its queue row was synced when it was inserted, and whether it was stored
    # without its mutations (see `submit`).
    durable: bool = True
    deferred: bool = False
    # Once ended: whether the catalog has its outcome (`_finish`), and when it ended.
    recorded: bool = False
    ended_at: str | None = None

    @property
    def id(self) -> str:
        return self.row.id


@dataclass
class Lane:
    """One instance's queue."""

    instance_id: str
    pending: dict[str, ActiveJob] = field(default_factory=dict)
    wake: anyio.Event = field(default_factory=anyio.Event)
    running: bool = False


def error_to_wire(exc: EngineError) -> dict[str, Any]:
    return exc.to_wire() | {"status": exc.status}


def error_from_wire(data: dict[str, Any]) -> EngineError:
    """Rebuild the error a failed job stored, with its status and code."""
    exc = EngineError(
        str(data.get("message") or "the write failed"),
        field=data.get("field"),
        resource_id=data.get("resource_id"),
        details=data.get("details"),
    )
    exc.status = int(data.get("status") or 500)
    exc.code = str(data.get("code") or "internal_error")
    return exc


class WriteQueue:
    """Ordered, durable writes for every instance of one engine process."""

    def __init__(
        self,
        catalog: Catalog,
        registry: InstanceRegistry,
        mind: Mind,
        settings: EngineSettings,
        ownership: Ownership,
    ) -> None:
        self.catalog = catalog
        self.registry = registry
        self.mind = mind
        self.settings = settings
        self.ownership = ownership
        self._jobs: dict[str, ActiveJob] = {}
        self._lanes: dict[str, Lane] = {}
        self._finished: deque[str] = deque(maxlen=_FINISHED_MEMORY)
        self._finished_set: set[str] = set()
        self._limiter = anyio.CapacityLimiter(max(1, settings.extraction_concurrency))
        self._tg: anyio.abc.TaskGroup | None = None

    # -- lifecycle -------------------------------------------------------------------------

    async def run(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """Resume unfinished jobs, then keep looking for jobs left by dead processes."""
        async with anyio.create_task_group() as tg:
            self._tg = tg
            await self.sweep()
            task_status.started()
            while True:
                await anyio.sleep(self.settings.sweep_interval)
                try:
                    await self.sweep()
                except Exception:  # a transient catalog error must not stop the queue
                    logger.exception("looking for unfinished write jobs failed")

    async def sweep(self) -> None:
        rows = await self.catalog.claim_jobs(self.ownership.owner, self.ownership.is_dead)
        for row in rows:
            if row.id in self._jobs or row.id in self._finished_set:
                continue
            try:
                live = await self.registry.get(row.instance_id)
            except NotFound:
                continue
            logger.info("resuming write %s on instance %s", row.id, row.instance_id)
            self._enqueue(row, live)

    # -- submitting ------------------------------------------------------------------------

    async def submit(
        self,
        live: LiveInstance,
        payload: dict[str, Any],
        *,
        waited: bool = False,
        durable: bool | None = None,
        ops: list[Op] | None = None,
    ) -> ActiveJob:
        """Persist a job as queued and put it in its instance's lane. `waited`: the caller
        answers only once the job is applied (`write`), so the queue row is bookkeeping and
        is not synced to disk on its own (the instance's commit is: `catalog.insert_job`).
        `durable` (default: not `waited`) says the same of a job whose caller wants only its
        bounded status but waits for its end before answering (the MCP server's `write`, in
        this process); if it answers before the end after all, it syncs the row first
        (`make_durable`). Such a row is also stored without its mutations (a 1,000-object
        write: ~150 KB encoded and written, ~5 ms of its CPU), which `make_durable` adds; a
        restart that finds the row so is failed unless its instance holds the write already
        (nobody was told of it: `_apply_to`)."""
        deferred = durable is False and not waited and payload.get("kind") == "mutations"
        if durable is None:
            durable = not waited
        row = JobRow(
            id=uuid.uuid4().hex,
            instance_id=live.id,
            status="queued",
            payload=payload,
            trace_id=uuid.uuid4().hex,
            owner=self.ownership.owner,
        )
        # Shielded: once the row is committed the job must reach its lane, even if the
        # request that asked for it is cancelled meanwhile.
        with anyio.CancelScope(shield=True):
            if deferred:
                stored = replace(
                    row, payload={k: v for k, v in payload.items() if k != "mutations"}
                )
                await self.catalog.insert_job(stored, durable=durable)
                row.seq = stored.seq
            else:
                await self.catalog.insert_job(row, durable=durable)
            job = self._enqueue(row, live)
        job.waited = waited
        job.durable = durable
        job.deferred = deferred
        if ops is not None:
            job.ops = (live.row.schema_version, ops)
        return job

    def _enqueue(self, row: JobRow, live: LiveInstance) -> ActiveJob:
        job = ActiveJob(row)
        self._jobs[row.id] = job
        if row.payload.get("kind") == "text":
            job.extracted = anyio.Event()
            self._start(self._extract, job, live)
        lane = self._lanes.setdefault(row.instance_id, Lane(row.instance_id))
        lane.pending[row.id] = job
        lane.wake.set()
        if not lane.running:
            lane.running = True
            self._start(self._drain, lane)
        return job

    def _start(self, fn: Any, *args: Any) -> None:
        if self._tg is None:
            raise RuntimeError("the write queue is not running")
        self._tg.start_soon(fn, *args)

    async def wait(self, job: ActiveJob) -> dict[str, Any]:
        """The job's result once applied; raises the error it failed with."""
        await job.done.wait()
        if job.error is not None:
            raise error_from_wire(job.error)
        assert job.result is not None
        return job.result

    def active(self, write_id: str) -> ActiveJob | None:
        return self._jobs.get(write_id)

    # -- running ---------------------------------------------------------------------------

    async def _extract(self, job: ActiveJob, live: LiveInstance) -> None:
        assert job.extracted is not None
        payload = job.row.payload
        try:
            async with self._limiter:
                job.stage = "extracting"
                request = ExtractionRequest(
                    text=str(payload["text"]),
                    schema=live.schema,
                    logic=ExtractionLogic(payload.get("extraction_logic") or "deep"),
                    lookup=StoreLookup(live),
                )
                job.extraction = await self.mind.extractor.extract(request)
                job.stage = "extracted"
        except EngineError as exc:
            job.extraction_error = exc
        except Exception as exc:
            logger.exception("extraction of write %s failed", job.id)
            job.extraction_error = MindFailed(f"extraction failed: {type(exc).__name__}: {exc}")
        finally:
            job.extracted.set()

    async def _drain(self, lane: Lane) -> None:
        try:
            while lane.pending:
                job = min(lane.pending.values(), key=lambda j: j.row.seq)
                try:
                    if await self.catalog.earlier_pending(lane.instance_id, job.row.seq):
                        lane.wake = anyio.Event()
                        with anyio.move_on_after(_ORDER_POLL):
                            await lane.wake.wait()
                        continue
                except Exception:  # the catalog is busy or failing: look again shortly
                    logger.exception("checking the queue of instance %s failed", lane.instance_id)
                    await anyio.sleep(0.5)
                    continue
                if job.extracted is not None:
                    await job.extracted.wait()
                job.stage = "applying"
                if self.settings.apply_delay:
                    await anyio.sleep(self.settings.apply_delay)
                # The next write waits for no more of the housekeeping than one step of it.
                await self._apply(job, lambda: len(lane.pending) > 1)
                lane.pending.pop(job.id, None)
        finally:
            lane.running = False

    async def _apply(self, job: ActiveJob, waiting: Callable[[], bool]) -> None:
        live: LiveInstance | None = None
        try:
            try:
                try:
                    live = await self.registry.get(job.row.instance_id)
                except NotFound as exc:  # deleted meanwhile: its job rows went with it
                    job.error = error_to_wire(exc)
                    return
                result = await self._apply_to(live, job)
            except EngineError as exc:
                job.error = error_to_wire(exc)
                await self._finish(job, "failed", error=job.error)
            except Exception as exc:
                logger.exception("write %s failed", job.id)
                job.error = error_to_wire(
                    EngineError(f"the write failed inside the engine: {type(exc).__name__}: {exc}")
                )
                await self._finish(job, "failed", error=job.error)
            else:
                job.result = result
                kept = job.kept or {"changes": bounded_changes(result.get("changes"))}
                job.kept = kept
                job.ended_at = utc_now()
                if await self._finish(job, "completed", result=kept):
                    job.recorded = True
                    live.data.mark_recorded(job.id)
        finally:
            self._jobs.pop(job.id, None)
            self._remember_finished(job.id)
            job.stage = "completed" if job.error is None else "failed"
            job.done.set()
        if live is not None:
            await self._checkpoint(live, waiting)

    async def _checkpoint(self, live: LiveInstance, waiting: Callable[[], bool]) -> None:
        """The instance's housekeeping once a write has been answered (SQLite merges its
        passage index and copies its WAL into the file here, not in the commit the caller
        waited for); the lane's next write waits for what `waiting()` does not cut short, as
        it waited for the commit that did it before."""
        try:
            await live.data.checkpoint(waiting)
        except Exception:  # housekeeping: the write is done, and the next one tries again
            logger.exception("checkpointing instance %s failed", live.id)

    async def _finish(
        self,
        job: ActiveJob,
        status: JobStatus,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> bool:
        """Record the outcome in the catalog, retrying a few times; whether it was recorded.
        If it cannot be, the job stays queued there and is finished again at the next start:
        its changes are applied once, because the instance database remembers the write id."""
        for attempt in range(5):
            try:
                await self.catalog.finish_job(job.id, status, result=result, error=error)
                return True
            except Exception:
                logger.exception("recording the end of write %s failed", job.id)
                await anyio.sleep(0.05 * 2**attempt)
        return False

    async def _apply_to(self, live: LiveInstance, job: ActiveJob) -> dict[str, Any]:
        if job.extraction_error is not None:
            raise job.extraction_error
        payload = job.row.payload
        if payload.get("kind") == forgetting.KIND:  # not a write of records: forget.py
            return await forgetting.apply(live, job, self.catalog)
        settings = self.settings

        checked = job.ops[1] if job.ops and job.ops[0] == live.row.schema_version else None

        def write(tables: Tables) -> dict[str, Any]:
            log = ChangeLog(settings.max_reported_changes, report=job.waited)
            if (
                payload.get("kind") == "mutations"
                and checked is None
                and "mutations" not in payload
            ):
                # A row stored without its mutations (`submit`), left by a process that
                # ended before applying it and before telling anyone of it.
                raise EngineError(
                    "the engine stopped before this write was applied, and before it was "
                    "acknowledged; nothing of it was stored: write it again"
                )
            if payload.get("kind") == "mutations":
                ops = checked or parse_mutations(
                    payload["mutations"], tables.schema, max_count=settings.max_mutations
                )
                apply_mutations(tables, ops, log)
            else:
                assert job.extraction is not None
                apply_extraction(tables, job.extraction, log)
            return log.result(tables)

        def keep(done: dict[str, Any]) -> dict[str, Any]:
            job.kept = {"changes": bounded_changes(done.get("changes"))}
            return job.kept

        # Imported by the first write: a server's first answer is usually a read, and the
        # module's dateline pattern alone was ~1.6 ms of the start (issue 11).
        from xmemory_engine.service.episodes import episode_for

        episode = episode_for(job.id, payload, live.schema)
        # The request body is not kept with the episode: its text (the caller's sentence, or
        # the mutations spelled out) and its facts (every value it set, cleared or deleted)
        # say what it did; the body was most of an agent's write on disk.
        episode.payload = None
        if payload.get("kind") == "mutations" and payload.get("source_text") is None:
            # Spelled out one mutation a line: each line is a passage as it stands.
            episode.sentences = [line for line in episode.text.split("\n") if line.strip()]
        if checked is not None and "mutations" in payload:
            # Applied as checked at submit, and spelled out above: the request's own
            # mutations (a thousand dicts in a batch) are not held while it is applied. The
            # queue row keeps them until the job ends, for a restart.
            payload = job.row.payload = {k: v for k, v in payload.items() if k != "mutations"}
        job.kept = None
        result, _ = await live.data.apply(job.id, live.schema, write, episode, keep=keep)
        if job.kept is None:  # applied before this run: what was kept then
            job.kept = {"changes": result.get("changes")}
        return {"write_id": job.id, "trace_id": job.row.trace_id} | result

    async def make_durable(self, write_id: str) -> None:
        """Sync the queue row of a job inserted with `durable=False` that has not ended: its
        caller is about to acknowledge it unfinished (\"acknowledged means durable\")."""
        job = self._jobs.get(write_id)
        if job is None or job.durable:
            return
        body: dict[str, Any] | None = None
        if job.deferred:
            body = job.row.payload
            if "mutations" not in body:
                # Being applied (`_apply_to` has let go of them): its end, synced itself, is
                # at hand.
                await job.done.wait()
                return
        await self.catalog.make_durable(write_id, body)
        job.durable = True

    def ended_status(self, job: ActiveJob) -> dict[str, Any] | None:
        """`status` of a job that completed here and whose outcome the catalog recorded, as
        `status` would read it back from the catalog, without reading it; None for any other
        job (not ended, failed, or its end not recorded: ask `status`)."""
        if not job.done.is_set() or job.error is not None or not job.recorded:
            return None
        kept = job.kept or {}
        return {
            "write_id": job.id,
            "write_status": "completed",
            "stage": "completed",
            "error_detail": None,
            "completed_at": job.ended_at,
            "changes": kept.get("changes"),
            "trace_id": job.row.trace_id,
        }

    def _remember_finished(self, write_id: str) -> None:
        if len(self._finished) == self._finished.maxlen:
            self._finished_set.discard(self._finished[0])
        self._finished.append(write_id)
        self._finished_set.add(write_id)

    # -- status ----------------------------------------------------------------------------

    async def status(
        self, instance_id: str, write_id: str, live: LiveInstance | None = None
    ) -> dict[str, Any]:
        """`write_status` for one write id of one instance (`not_found` when unknown). A
        write whose catalog row was pruned (`store/catalog.py`) but which its instance's
        file shows applied is `completed`, without its change report."""
        job = self._jobs.get(write_id)
        if job is not None and job.row.instance_id == instance_id and not job.done.is_set():
            return {
                "write_id": write_id,
                "write_status": "queued" if job.stage == "queued" else "processing",
                "stage": job.stage,
                "error_detail": None,
                "completed_at": None,
                "changes": None,
                "trace_id": job.row.trace_id,
            }
        row = await self.catalog.get_job(write_id)
        if row is None or row.instance_id != instance_id:
            kept = int(getattr(self.catalog, "status_retention", STATUS_RETENTION))
            applied = None
            if row is None and live is not None and live.id == instance_id:
                applied = await live.data.applied_at(write_id)
            if applied is not None:
                return {
                    "write_id": write_id,
                    "write_status": "completed",
                    "stage": "completed",
                    "error_detail": None,
                    "completed_at": applied,
                    "changes": None,
                    "detail": "applied; its change report is no longer kept (write_status "
                    f"keeps it for the newest {kept:,} writes of an instance)",
                }
            return {
                "write_id": write_id,
                "write_status": "not_found",
                "stage": "not_found",
                "error_detail": f"no write {write_id!r} on this instance (a write that failed "
                f"is reported for the newest {kept:,} writes of an instance only)",
                "completed_at": None,
                "changes": None,
            }
        answer: dict[str, Any] = {
            "write_id": write_id,
            "write_status": row.status,
            "stage": row.status,
            "error_detail": (row.error or {}).get("message") if row.error else None,
            "completed_at": row.completed_at,
            "changes": (row.result or {}).get("changes") if row.result else None,
            "trace_id": row.trace_id,
        }
        if row.error:
            answer["error"] = {k: v for k, v in row.error.items() if k != "status"}
        return answer

    async def forget_applied(self, live: LiveInstance) -> None:
        """Drop exactly-once markers of jobs the catalog already records as finished."""
        ids = await live.data.applied_write_ids()
        if ids:
            done = await self.catalog.terminal_job_ids(ids)
            await live.data.forget_applied(sorted(done))
