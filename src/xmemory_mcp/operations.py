"""What each tool does: validated arguments in, one SDK call (or a few), a tool result out.

Every call goes through `AsyncXmemoryClient`; nothing here knows whether the memory is hosted,
remote or embedded. SDK failures propagate to the server, which turns them into error results
in one place.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

import anyio
import mcp_types as types

from xmemory import (
    AsyncInstanceAPI,
    AsyncXmemoryClient,
    DescribeResult,
    ExtractionLogic,
    ReadMode,
    ReadResult,
    SchemaType,
    WriteQueueStatus,
    WriteResult,
    WriteStatusResult,
    XmemoryAPIError,
    XmemoryModel,
)

from . import forget, portable_tools
from .results import change_report, failure, success

if TYPE_CHECKING:
    from .backend import LocalReads, LocalWrites
    from .objects import Plan

Progress = Callable[[str], Awaitable[None]]
"""Reports a step of a long call (sent as `notifications/progress` when the client asked)."""

FIRST_POLL = 0.005
MAX_POLL = 1.0
POLL_FRACTION = 0.0625
"""The next poll comes after this fraction of the time waited so far (within FIRST_POLL and
MAX_POLL): a finished write is noticed at most ~6% late, in a number of polls that grows
only with the log of the wait. (Doubling the delay instead made a 100 ms write wait up to
155 ms: a third of a batch's time through MCP.)"""
PROGRESS_EVERY = 1.0
EXPECTED_SHARE = 0.7
"""A large write of `objects` (PACED_WORK mutations or more) expects to take as long per
mutation as the quickest of the last few (on a shared machine one batch can take twice as
long as the next), and first polls after this share of that (at most PROGRESS_EVERY): a few
polls instead of ten for a 1,000-object write, each of which took the engine's thread off its
work. What is learned is the last moment the write was seen unfinished (a lower bound, never
the time overslept); a write already done at the first poll halves the expectation."""
PACED_WORK = 100
"""Smaller writes are mostly fixed cost, which says nothing about a large one's pace."""
PACES_KEPT = 4
SCHEMAS_KEPT = 64
"""Instances whose schema is kept for writes of objects (more are rarely written at once)."""


class ArgumentsError(ValueError):
    """Arguments that fit the schema but cannot be forwarded; the message says which and why."""


def _dump(model: XmemoryModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _enum(kind: type[Any], value: Any, argument: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise ArgumentsError(f"{argument}: {value!r} is not one of {allowed}") from None


class Operations:
    """The SDK calls behind the tools, bound to one client and its defaults."""

    def __init__(
        self,
        client: AsyncXmemoryClient,
        *,
        bound_instance_id: str | None,
        default_cluster_id: str | None,
        write_wait: float,
        write_ended: LocalWrites | None = None,
        local_reads: LocalReads | None = None,
    ) -> None:
        self._client = client
        self._write_ended = write_ended
        self._local_reads = local_reads
        self._bound = client.instance(bound_instance_id) if bound_instance_id else None
        self._default_cluster_id = default_cluster_id
        self._write_wait = write_wait
        # seconds per mutation of the last few large writes of objects (see EXPECTED_SHARE)
        self._paces: deque[float] = deque(maxlen=PACES_KEPT)
        # instance id -> (the describe() result it was fetched with, its data schema)
        self._schemas: dict[str, tuple[DescribeResult, dict[str, Any]]] = {}
        self._handlers: dict[
            str, Callable[[dict[str, Any], Progress], Awaitable[types.CallToolResult]]
        ] = {
            "write": self.write,
            "write_async": self.write_async,
            "write_status": self.write_status,
            "read": self.read,
            "extract": self.extract,
            "list_clusters": self.list_clusters,
            "get_cluster": self.get_cluster,
            "generate_schema": self.generate_schema,
            "create_instance": self.create_instance,
            "list_instances": self.list_instances,
            "get_instance": self.get_instance,
            "get_instance_schema": self.get_instance_schema,
            "update_instance_schema": self.update_instance_schema,
            "update_instance_metadata": self.update_instance_metadata,
            "delete_instance": self.delete_instance,
            "forget": self.forget,
            "export_memory": lambda a, _: portable_tools.export_memory(self._instance(a), a),
            "import_memory": lambda a, _: portable_tools.import_memory(self._instance(a), a),
        }

    @property
    def client(self) -> AsyncXmemoryClient:
        return self._client

    @property
    def default_cluster_id(self) -> str | None:
        return self._default_cluster_id

    @property
    def bound(self) -> AsyncInstanceAPI | None:
        """The handle of the bound instance (it holds the describe cache)."""
        return self._bound

    async def run(
        self, name: str, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        return await self._handlers[name](args, progress)

    # -- instance tools ------------------------------------------------------------------------

    def _instance(self, args: Mapping[str, Any]) -> AsyncInstanceAPI:
        instance_id = args.get("instance_id")
        if instance_id:
            if self._bound is not None and instance_id == self._bound.id:
                return self._bound
            return self._client.instance(instance_id)
        if self._bound is None:
            raise ArgumentsError("instance_id: required, this server has no bound instance")
        return self._bound

    @staticmethod
    def _write_kwargs(args: Mapping[str, Any]) -> dict[str, Any]:
        kwargs = Operations._forwarded(args)
        if ("text" in kwargs) == ("structured_mutations" in kwargs):
            raise ArgumentsError("give exactly one of text, structured_mutations and objects")
        return kwargs

    @staticmethod
    def _forwarded(args: Mapping[str, Any]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        for key, value in args.items():
            if key in ("instance_id", "show_sql"):
                continue
            if key in ("text", "structured_mutations", "source_text", "occurred_at"):
                kwargs[key] = value
            elif key == "extraction_logic":
                kwargs[key] = _enum(ExtractionLogic, value, key)
            elif key in ("diff_engine", "use_diff_engine"):
                kwargs["diff_engine"] = bool(value)
            else:
                raise ArgumentsError(f"{key}: this version of xmemory-mcp cannot forward it")
        return kwargs

    async def write(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        instance = self._instance(args)
        if "objects" in args:
            return await self._write_objects("write", instance, args, progress)
        with self._waiting_here():
            ack = await instance.write_async(**self._write_kwargs(args))
        return await self._wait_for(instance, ack.write_id, progress)

    def _waiting_here(self) -> AbstractContextManager[None]:
        """Around queuing a write that `_wait_for` then waits for: with the engine in this
        process, it need not sync the write's queue row (`LocalWrites.waiting`)."""
        return self._write_ended.waiting() if self._write_ended is not None else nullcontext()

    async def _write_objects(
        self, tool: str, instance: AsyncInstanceAPI, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        """`objects` translated to structured mutations and written as one write.

        With the "upsert" feature the write is queued like any other (`write` waits for it,
        `write_async` acknowledges it). Without it (the hosted API) each object is sent as a
        `create`, synchronously: a 409 Conflict names the mutation whose record exists, which is
        then retried as an `update`; a backend without upsert allows no better.
        """
        if "structured_mutations" in args:
            raise ArgumentsError("give objects or structured_mutations, not both")
        # Here, not at the top: a server's first answer (usually a `read`) does without it.
        from .objects import ObjectsInvalid, translate

        described = await instance.describe()
        features = set(described.features)
        data_schema, cached = await self._schema(instance, described)
        try:
            try:
                plan = translate(args["objects"], data_schema, upsert="upsert" in features)
            except ObjectsInvalid:
                if not cached:
                    raise
                # The schema may have changed since it was fetched (by another client): the
                # objects are judged against the current one before anything is refused.
                data_schema, _ = await self._schema(instance, None)
                plan = translate(args["objects"], data_schema, upsert="upsert" in features)
        except ObjectsInvalid as exc:
            return _objects_invalid(tool, exc.problems)
        kwargs = self._forwarded(
            {k: v for k, v in args.items() if k not in ("objects", "text", "occurred_at")}
        )
        kwargs["structured_mutations"] = plan.mutations
        # Without episodes the backend would refuse these keys; the records are written anyway.
        if "episodes" in features:
            if args.get("text"):
                kwargs["source_text"] = args["text"]
            if args.get("occurred_at"):
                kwargs["occurred_at"] = args["occurred_at"]
        try:
            if "upsert" not in features:
                result = await _write_with_fallback(instance, plan, kwargs)
                return _stored(result.write_id or "", result.changes)
            with self._waiting_here() if tool == "write" else nullcontext():
                ack = await instance.write_async(**kwargs)
        except XmemoryAPIError as exc:
            source = plan.source_of(exc.field)
            if source is None or exc.status not in (400, 409, 422):
                raise
            return _objects_invalid(tool, [f"{source}: {exc.message}"], status=exc.status)
        if tool == "write_async":
            return _queued(ack.write_id, ack)
        work = len(plan.mutations)
        # Sent, and queued by the backend: a large batch's mutations (~1 MB of dicts for
        # 1,000 objects) need not be held here while it is applied.
        del plan, kwargs
        return await self._wait_for(instance, ack.write_id, progress, work=work)

    async def _schema(
        self, instance: AsyncInstanceAPI, described: DescribeResult | None
    ) -> tuple[dict[str, Any], bool]:
        """The instance's data schema and whether it came from the cache: fetched once per
        describe() result (the SDK caches that for a few minutes and drops it when the schema
        changes through this server), not on every write of objects; `described` None fetches
        it anew."""
        kept = self._schemas.get(instance.id)
        if described is not None and kept is not None and kept[0] is described:
            return kept[1], True
        data_schema = (await instance.get_schema()).data_schema
        if described is None and kept is not None:
            described = kept[0]
        if described is not None:
            if len(self._schemas) >= SCHEMAS_KEPT:
                self._schemas.clear()
            self._schemas[instance.id] = (described, data_schema)
        return data_schema, False

    async def _wait_for(
        self, instance: AsyncInstanceAPI, write_id: str, progress: Progress, *, work: int = 0
    ) -> types.CallToolResult:
        """Wait for the write's job until it ends or the wait limit passes, reporting progress.

        When the engine runs in this process the job's own end is awaited (`write_ended`),
        and a job that completed is answered from the job itself; `write_status` is asked
        only once per PROGRESS_EVERY (for the progress report), for a job that failed, and
        when the wait limit passes (the job's queue row is synced first: it may have been
        queued unsynced, `_waiting_here`, and is now acknowledged unfinished). Otherwise
        the job is polled. `work`: the mutations of a write of objects, whose time is
        expected from the last."""
        started = anyio.current_time()
        deadline = started + self._write_wait
        await progress(f"write {write_id}: queued")
        reported, reported_at = WriteQueueStatus.QUEUED, started
        local = self._write_ended
        job = local.job(write_id) if local is not None else None
        ended = job.done if job is not None else None
        paced = ended is None and work >= PACED_WORK
        if paced and self._paces:
            expected = EXPECTED_SHARE * min(self._paces) * work
            if expected > FIRST_POLL:
                await anyio.sleep(min(expected, PROGRESS_EVERY, self._write_wait))
        unfinished_at: float | None = None  # the last poll that found it unfinished
        while True:
            if ended is not None and not ended.is_set():
                with anyio.move_on_after(
                    min(PROGRESS_EVERY, max(0.0, deadline - anyio.current_time()))
                ):
                    await ended.wait()
            if local is not None and job is not None and ended is not None and ended.is_set():
                outcome = local.outcome(job)
                if outcome is not None:
                    return _write_outcome(WriteStatusResult.model_validate(outcome))
            polled_at = anyio.current_time()
            status = await instance.write_status(write_id)
            if status.write_status.is_terminal:
                if paced and status.write_status is WriteQueueStatus.COMPLETED:
                    if unfinished_at is not None:
                        self._paces.append((unfinished_at - started) / work)
                    else:
                        self._paces.append((polled_at - started) / work / 2)
                return _write_outcome(status)
            unfinished_at = polled_at
            now = anyio.current_time()
            if now >= deadline:
                if local is not None:
                    await local.make_durable(write_id)
                return _write_pending(status, now - started)
            if status.write_status != reported or now - reported_at >= PROGRESS_EVERY:
                reported, reported_at = status.write_status, now
                await progress(
                    f"write {write_id}: {status.write_status.value} ({now - started:.1f} s)"
                )
            if ended is None or ended.is_set():
                # Polled (or ended without its end recorded yet, which a poll will see).
                delay = min(max(FIRST_POLL, (now - started) * POLL_FRACTION), MAX_POLL)
                await anyio.sleep(min(delay, deadline - now))

    async def write_async(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        instance = self._instance(args)
        if "objects" in args:
            return await self._write_objects("write_async", instance, args, progress)
        ack = await instance.write_async(**self._write_kwargs(args))
        return _queued(ack.write_id, ack)

    async def write_status(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        status = await self._instance(args).write_status(args["write_id"])
        if status.write_status is WriteQueueStatus.NOT_FOUND:
            return _unknown_write(status)
        if status.write_status is WriteQueueStatus.COMPLETED:
            return _stored(status.write_id, status.changes)
        if status.write_status is WriteQueueStatus.FAILED:
            return success(
                {
                    "write_id": status.write_id,
                    "write_status": "failed",
                    "error_detail": status.error_detail,
                },
                f"Write {status.write_id} failed, nothing of it was stored: {status.error_detail}",
            )
        return success(
            {"write_id": status.write_id, "write_status": status.write_status.value},
            f"Write {status.write_id} is {status.write_status.value}; call write_status again shortly.",
        )

    async def read(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        mode = args.get("read_mode", args.get("mode"))
        instance = self._instance(args)
        read_mode = ReadMode.SINGLE_ANSWER if mode is None else _enum(ReadMode, mode, "read_mode")
        result = None
        if self._local_reads is not None:
            result = await self._local_reads.read(
                instance.id, args["query"], read_mode, args.get("read_id"), args.get("sql")
            )
        if result is None:
            result = await instance.read(
                args["query"], read_mode=read_mode, read_id=args.get("read_id"), sql=args.get("sql")
            )
        return success(
            _read_payload(result, show_sql=bool(args.get("show_sql"))),
            _read_headline(result, args["query"]),
        )

    async def extract(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        logic = args.get("extraction_logic")
        result = await self._instance(args).extract(
            args["text"],
            extraction_logic=ExtractionLogic.DEEP
            if logic is None
            else _enum(ExtractionLogic, logic, "extraction_logic"),
        )
        return success(_dump(result), _extract_headline(result.objects_extracted))

    async def forget(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        return await forget.call(self._instance(args), args)

    # -- admin tools ---------------------------------------------------------------------------

    def _cluster(self, args: Mapping[str, Any]) -> str:
        cluster_id = args.get("cluster_id") or self._default_cluster_id
        if not cluster_id:
            raise ArgumentsError("cluster_id: required (list_clusters shows the clusters)")
        return str(cluster_id)

    def _admin_instance(self, args: Mapping[str, Any]) -> str:
        instance_id = args.get("instance_id") or (self._bound.id if self._bound else None)
        if not instance_id:
            raise ArgumentsError("instance_id: required (list_instances shows the instances)")
        return str(instance_id)

    async def list_clusters(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        clusters = await self._client.admin.list_clusters(args.get("ids"))
        names = ", ".join(f"{c.id} ({c.name})" if c.name else c.id for c in clusters)
        return success(
            {"clusters": [_dump(c) for c in clusters]}, f"{len(clusters)} clusters: {names}"
        )

    async def get_cluster(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        cluster = await self._client.admin.get_cluster(args["cluster_id"])
        return success(_dump(cluster), f"Cluster {cluster.id} ({cluster.name or 'no name'}).")

    async def generate_schema(
        self, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        result = await self._client.admin.generate_schema(
            self._cluster(args),
            args["description"],
            current_yml_schema=args.get("current_yml_schema"),
        )
        return success(
            _dump(result),
            "Schema designed (nothing stored yet); pass data_schema as schema_text to"
            " create_instance or update_instance_schema:\n" + _yaml(result.data_schema),
        )

    async def create_instance(
        self, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        schema_type = _enum(SchemaType, args.get("schema_type", "yml"), "schema_type")
        handle = await self._client.admin.create_instance(
            self._cluster(args),
            args["name"],
            _schema_text(args["schema_text"], schema_type),
            schema_type,
            description=args.get("description"),
            schema_description=args.get("schema_description"),
        )
        info = _dump(handle.info) if handle.info is not None else {"id": handle.id}
        return success(
            info,
            f"Created instance {handle.id} ({args['name']}). Pass instance_id {handle.id} to"
            " write, read and the other instance tools to use it.",
        )

    async def list_instances(
        self, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        instances = await self._client.admin.list_instances(args.get("ids"))
        names = ", ".join(f"{i.id} ({i.name})" if i.name else i.id for i in instances)
        # Without their schemas: one instance's schema is a few KB (get_instance_schema has it).
        listed = [i.model_dump(mode="json", exclude={"data_schema"}) for i in instances]
        return success({"instances": listed}, f"{len(instances)} instances: {names}")

    async def get_instance(self, args: dict[str, Any], progress: Progress) -> types.CallToolResult:
        info = await self._client.admin.get_instance(self._admin_instance(args))
        text = f"Instance {info.id} ({info.name or 'no name'})."
        if info.description:
            text += f" {info.description}"
        if info.data_schema:
            text += "\nSchema:\n" + _yaml(info.data_schema)
        return success(_dump(info), text)

    async def get_instance_schema(
        self, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        instance_id = self._admin_instance(args)
        schema = await self._client.admin.get_instance_schema(instance_id)
        return success(
            _dump(schema), f"Schema of instance {instance_id}:\n" + _yaml(schema.data_schema)
        )

    async def update_instance_schema(
        self, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        schema_type = _enum(SchemaType, args.get("schema_type", "yml"), "schema_type")
        info = await self._client.admin.update_instance_schema(
            self._admin_instance(args), _schema_text(args["schema_text"], schema_type), schema_type
        )
        return success(
            _dump(info), f"Schema of instance {info.id} updated; the tool list was refreshed."
        )

    async def update_instance_metadata(
        self, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        info = await self._client.admin.update_instance_metadata(
            self._admin_instance(args), args["name"], args.get("description")
        )
        return success(_dump(info), f"Instance {info.id} is now named {info.name}.")

    async def delete_instance(
        self, args: dict[str, Any], progress: Progress
    ) -> types.CallToolResult:
        deleted = await self._client.admin.delete_instance(args["instance_id"])
        return success(
            {"deleted": deleted}, f"Deleted instance {', '.join(deleted)} and all its data."
        )


async def _write_with_fallback(
    instance: AsyncInstanceAPI, plan: Plan, kwargs: dict[str, Any]
) -> WriteResult:
    """Write `plan` with creates; each 409 turns the create it names into an update."""
    for _ in range(len(plan.mutations) + 1):
        try:
            return await instance.write(**kwargs)
        except XmemoryAPIError as exc:
            index = plan.index_in(exc.field) if exc.status == 409 else None
            if index is None or not plan.as_update(index):
                raise
    raise ArgumentsError("objects: the backend kept answering 409 Conflict; nothing was written")


def _objects_invalid(
    tool: str, problems: list[str], *, status: int | None = None
) -> types.CallToolResult:
    lines = [f"{tool}: the objects do not fit this memory; nothing was written:"]
    lines += [f"- {p}" for p in problems]
    lines.append(
        "What to do: fix the paths named above (the tool's description lists the types, their"
        " fields and relations) and call again."
    )
    error: dict[str, Any] = {"kind": "invalid_objects", "tool": tool, "problems": problems}
    if status is not None:
        error["status"] = status
    return failure("\n".join(lines), error)


def _queued(write_id: str, ack: XmemoryModel) -> types.CallToolResult:
    return success(
        {"write_id": write_id, "write_status": "queued"},
        f"Queued as write {write_id}. Call write_status with this write_id until it is"
        " completed before reading what it stores.",
    )


def _schema_text(value: Any, schema_type: SchemaType) -> str:
    """Schema text as given, or a schema object rendered in the language `schema_type` names."""
    if isinstance(value, str):
        return value
    if schema_type is SchemaType.JSON:
        return json.dumps(value)
    return _yaml(value)


def _yaml(value: Any) -> str:
    import yaml  # only the schema tools need it

    return str(yaml.safe_dump(value, sort_keys=False, allow_unicode=True)).rstrip()


def _stored(write_id: str, changes: Any) -> types.CallToolResult:
    """A finished write: what changed by type, key and field (bounded), and that in words."""
    report, sentence = change_report(changes)
    payload = {"write_id": write_id, "write_status": "completed", **report}
    return success(payload, f"Stored (write {write_id}): {sentence}")


def _write_outcome(status: WriteStatusResult) -> types.CallToolResult:
    if status.write_status is WriteQueueStatus.COMPLETED:
        return _stored(status.write_id, status.changes)
    if status.write_status is WriteQueueStatus.NOT_FOUND:
        return _unknown_write(status)
    return failure(
        f"write {status.write_id} failed: {status.error_detail or 'no detail given'}\n"
        "What to do: nothing from this write was stored; fix the text or mutations and write again.",
        {"kind": "write_failed", **_dump(status)},
    )


def _write_pending(status: WriteStatusResult, waited: float) -> types.CallToolResult:
    payload = {
        "write_id": status.write_id,
        "write_status": status.write_status.value,
        "done": False,
    }
    return success(
        payload,
        f"Write {status.write_id} is still {status.write_status.value} after {waited:.0f} s; it will"
        " finish in the background. Call write_status with this write_id before reading what it stores.",
    )


def _unknown_write(status: WriteStatusResult) -> types.CallToolResult:
    return failure(
        f"write_status: write {status.write_id} is unknown to this instance (not_found).\n"
        "What to do: use the write_id that write_async or write returned, on the same instance.",
        {"kind": "not_found", "write_id": status.write_id, "write_status": "not_found"},
    )


MAX_PASSAGES_SHOWN = 5
MAX_EVIDENCE = 10
"""Source sentences returned with an answer; the first few are also named in the text."""
MAX_ROWS_SHOWN = 20
CLIP = 300
"""Characters of a value shown in a read's text (and of a sentence in its evidence)."""


def _read_payload(result: ReadResult, *, show_sql: bool) -> dict[str, Any]:
    """The answer, its basis and evidence; SQL only when asked for, sub-answers only when the
    question was split (otherwise they repeat the answer), long sentences clipped."""
    payload = _dump(result)
    sql = payload.pop("sql", None)
    if show_sql and sql is not None:
        payload["sql"] = sql
    parts = payload.pop("reader_results", None)
    if isinstance(parts, list) and len(parts) > 1:
        payload["reader_results"] = parts
    if payload.get("trace_id") is None:
        payload.pop("trace_id", None)
    if isinstance(payload.get("evidence"), list):
        payload["evidence"] = [_clipped(e) for e in payload["evidence"][:MAX_EVIDENCE]]
    if isinstance(payload.get("passages"), list):
        payload["passages"] = [_clipped(p) for p in payload["passages"][:MAX_PASSAGES_SHOWN]]
    return payload


def _clipped(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    return {
        k: _clip(v) if k in ("said", "text", "sentence", "value") else v for k, v in item.items()
    }


def _clip(value: Any, limit: int = CLIP) -> Any:
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + f"… ({len(value):,} characters)"
    return value


def _extract_headline(found: Any) -> str:
    headline = "Extracted (nothing was stored)"
    if not isinstance(found, dict) or not isinstance(found.get("objects"), list):
        count = len(found) if isinstance(found, list) else None
        return f"{headline}: {count} objects." if count is not None else headline + "."
    objects, relations = found["objects"], found.get("relations") or []
    named = []
    for obj in objects[:8]:
        values = obj.get("values") if isinstance(obj, dict) else None
        values = values if isinstance(values, dict) else {}
        first = next((v for v in values.values() if isinstance(v, str)), "")
        kind = obj.get("object_type", "object") if isinstance(obj, dict) else "object"
        named.append(f"{kind} {_clip(first, 60)}".strip())
    more = f", and {len(objects) - 8} more" if len(objects) > 8 else ""
    return (
        f"{headline}: {len(objects)} objects ({', '.join(named)}{more}),"
        f" {len(relations)} relations."
    )


def _answer_text(answer: Any) -> str:
    if isinstance(answer, dict) and isinstance(answer.get("answer"), str):
        return str(answer["answer"]).strip()
    return ""


def _read_headline(result: ReadResult, query: str) -> str:
    parts = []
    if result.notice:
        parts.append(f"Notice: {result.notice}")
    if result.basis == "nothing":
        said = _answer_text(result.reader_result)
        parts.append(said or f'Nothing stored about "{query}".')
        return "\n".join(parts)
    if result.basis == "passages":
        parts.append("No record answers this; stored sentences that mention it:")
        for passage in (result.passages or [])[:MAX_PASSAGES_SHOWN]:
            said = passage.get("text") or passage.get("sentence") or json.dumps(passage)
            when = passage.get("occurred_at") or passage.get("recorded_at") or ""
            parts.append(f"- {_clip(said)}" + (f" ({when})" if when else ""))
        return "\n".join(parts)
    if result.basis == "records":
        parts.append("From stored records:")
    answer = result.reader_result
    if answer is None:
        parts.append(
            "This instance's schema cannot represent the question; nothing like it is stored here."
        )
    elif isinstance(answer, dict) and isinstance(answer.get("answer"), str):
        parts.append(_clip(answer["answer"], 4 * CLIP))
    elif isinstance(answer, dict) and "objects" in answer:
        parts += _objects_lines(answer)
    elif isinstance(answer, dict) and "rows" in answer:
        parts += _rows_lines(answer)
    else:
        parts.append("Answer: in the structured content.")
    parts += _sources(result.evidence or [])
    return "\n".join(parts)


def _rows_lines(answer: dict[str, Any]) -> list[str]:
    """raw-tables as lines an agent can read (a client may show only the text)."""
    rows = answer.get("rows") or []
    lines = [f"{len(rows)} rows" + (":" if rows else ".")]
    columns = answer.get("columns") or []
    if rows and columns:
        lines.append(" | ".join(str(c) for c in columns))
    for row in rows[:MAX_ROWS_SHOWN]:
        cells = row if isinstance(row, list) else [row]
        lines.append(" | ".join("" if c is None else str(_clip(c, 100)) for c in cells))
    if len(rows) > MAX_ROWS_SHOWN:
        lines.append(f"… and {len(rows) - MAX_ROWS_SHOWN} more rows (in the structured content).")
    return lines


def _objects_lines(answer: dict[str, Any]) -> list[str]:
    """xresponse objects as lines: type, xuid and the values that are set."""
    objects = answer.get("objects") or []
    relations = answer.get("relations") or []
    lines = [f"{len(objects)} objects, {len(relations)} relations" + (":" if objects else ".")]
    for obj in objects[:MAX_ROWS_SHOWN]:
        if not isinstance(obj, dict):
            continue
        values = obj.get("values")
        if not isinstance(values, dict):
            values = {}
        shown = ", ".join(f"{k}={_clip(v, 100)}" for k, v in values.items() if v is not None)
        lines.append(f"- {obj.get('object_type')} {obj.get('xuid')}: {shown}")
    if len(objects) > MAX_ROWS_SHOWN:
        lines.append(f"… and {len(objects) - MAX_ROWS_SHOWN} more (in the structured content).")
    return lines


def _sources(evidence: list[dict[str, Any]]) -> list[str]:
    """A line per sentence the answer rests on (the first few), with its date and what the
    value was before: so "why do you think so?" is answered in the text too."""
    lines: list[str] = []
    seen: set[str] = set()
    for item in evidence:
        said = item.get("said")
        if not said or said in seen or len(seen) >= MAX_PASSAGES_SHOWN:
            continue
        seen.add(said)
        when = str(item.get("occurred_at") or item.get("recorded_at") or "")[:10]
        lines.append(f"Source: \u201c{_clip(said)}\u201d" + (f" ({when})" if when else ""))
        for earlier in (item.get("history") or [])[:1]:
            until = str(earlier.get("until") or "")[:10]
            lines.append(
                f"  before: {item.get('field')} was {_clip(earlier.get('value'), 100)!s}"
                + (f" (until {until})" if until else "")
            )
    return lines
