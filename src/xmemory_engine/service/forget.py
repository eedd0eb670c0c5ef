"""`forget`: remove a record, or every stored value that mentions a text, for good.

The request is checked first (a bad one is refused and nothing is queued); then it goes
through the instance's write queue as a job of kind `forget`, so it applies in order with the
writes around it, in one transaction (`store/forget.py` says what goes). The write log goes
with it: the instance's write markers in that transaction, then the catalog's finished jobs
and the forget's own request (which names what is forgotten). The answer counts what was
removed, kind by kind; it never repeats what was forgotten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xmemory_engine.errors import InvalidRequest, NotFound
from xmemory_engine.schema import Schema
from xmemory_engine.service.names import find_object_spec
from xmemory_engine.store.base import Catalog, ForgetRequest
from xmemory_engine.store.forget import SHORTEST_VALUE, jobs_redactor

if TYPE_CHECKING:
    from xmemory_engine.service.instances import LiveInstance
    from xmemory_engine.service.writes import ActiveJob, WriteQueue

KIND = "forget"
"""The write-job kind a forget is queued as."""
LONGEST_TEXT = 1000


def forget_request(
    text: str | None,
    object_type: str | None,
    xuid: str | None,
    key: dict[str, Any] | None,
    schema: Schema,
) -> ForgetRequest:
    """The request, checked against the schema: exactly one of a text (at least
    `SHORTEST_VALUE` characters with a letter or digit) and a record (type, then xuid or key)."""
    record = object_type is not None or xuid is not None or key is not None
    if text is not None and record:
        raise InvalidRequest(
            "give either 'text' (forget everything that mentions it) or 'object_type' with "
            "'xuid' or 'key' (forget one record), not both",
            field="text",
        )
    if text is not None:
        words = text.strip()
        if len(words) < SHORTEST_VALUE or not any(c.isalnum() for c in words):
            raise InvalidRequest(
                f"'text' must hold at least {SHORTEST_VALUE} characters with a letter or digit "
                "(it is matched as whole words in every stored value)",
                field="text",
            )
        if len(words) > LONGEST_TEXT:
            raise InvalidRequest(f"'text' is over {LONGEST_TEXT} characters", field="text")
        return ForgetRequest(text=words)
    if not record:
        raise InvalidRequest(
            "nothing to forget: give 'text', or 'object_type' with 'xuid' or 'key'", field="text"
        )
    if not object_type:
        raise InvalidRequest("'object_type' is required with 'xuid' or 'key'", field="object_type")
    spec = find_object_spec(schema, object_type)
    if spec is None:
        known = ", ".join(schema.objects)
        raise InvalidRequest(
            f"no object type {object_type!r} in this instance's schema (it has: {known})",
            field="object_type",
        )
    if (xuid is None) == (key is None):
        raise InvalidRequest("give exactly one of 'xuid' and 'key'", field="xuid")
    if xuid is not None:
        if not xuid.strip():
            raise InvalidRequest("'xuid' is empty", field="xuid")
        return ForgetRequest(object_type=spec.name, xuid=xuid.strip())
    assert key is not None
    if not spec.primary_key:
        raise InvalidRequest(
            f"{spec.name!r} has no primary key: name the record by its 'xuid'", field="key"
        )
    missing = [k for k in spec.primary_key if key.get(k) is None]
    unknown = [k for k in key if k not in spec.fields]
    if missing or unknown:
        raise InvalidRequest(
            f"'key' must give {spec.name!r}'s primary key: {', '.join(spec.primary_key)}"
            + (f" (missing: {', '.join(missing)})" if missing else "")
            + (f" (not fields: {', '.join(unknown)})" if unknown else ""),
            field="key",
        )
    return ForgetRequest(object_type=spec.name, key={k: key[k] for k in spec.primary_key})


def payload(request: ForgetRequest) -> dict[str, Any]:
    """The request as a write job carries it."""
    body: dict[str, Any] = {"kind": KIND}
    for name in ("text", "object_type", "xuid", "key"):
        value = getattr(request, name)
        if value is not None:
            body[name] = value
    return body


async def forget(live: LiveInstance, queue: WriteQueue, request: ForgetRequest) -> dict[str, Any]:
    """Queue the forget, wait for it, and answer with what it removed."""
    if request.text is None:
        found = await live.data.read(live.schema, lambda tables: _record(tables, request))
        if not found:
            what = request.xuid if request.xuid is not None else request.key
            raise NotFound(
                f"no {request.object_type} record {what!r} on this instance; nothing was removed",
                resource_id=request.xuid,
            )
    job = await queue.submit(live, payload(request), waited=True)
    result = await queue.wait(job)
    result.pop("needles", None)  # what was forgotten is never answered
    return result


async def apply(live: LiveInstance, job: ActiveJob, catalog: Catalog) -> dict[str, Any]:
    """Run a queued forget on the instance (`WriteQueue` calls this in queue order)."""
    body = job.row.payload
    request = ForgetRequest(
        text=body.get("text"),
        object_type=body.get("object_type"),
        xuid=body.get("xuid"),
        key=body.get("key"),
    )
    report = await live.data.forget(live.schema, request)
    if request.text is not None:
        report.needles.append(request.text)
    # Finished jobs of this instance keep what it held in their results: they lose it now,
    # and this job's own request (which names it) is cut to its kind. Were the process to
    # stop before the job is recorded as finished, it would run again as a forget of
    # nothing: what it named is gone already.
    redact = jobs_redactor(report.needles)

    def without(value: Any) -> Any:
        return {"kind": KIND} if value == body else redact(value)

    report.write_log += await catalog.forget_in_jobs(live.id, without, also=job.id)
    counts = report.counts()
    job.kept = {"changes": None, "forgotten": counts}
    return {
        "write_id": job.id,
        "trace_id": job.row.trace_id,
        "forgotten": counts,
        "records": report.records,
        "needles": report.needles,
    }


def _record(tables: Any, request: ForgetRequest) -> bool:
    spec = tables.schema.objects[str(request.object_type)]
    if request.xuid is not None:
        return tables.get(spec, request.xuid) is not None
    return tables.find_by_key(spec, request.key or {}) is not None
