"""`read` on the embedded engine without its HTTP layer (`backend.LocalReads`): the same answer,
text and structured content, as over the in-process HTTP API, for every kind of read, and the
same error for one the engine refuses or fails (raised as the SDK raises it, not asked again)."""

from __future__ import annotations

from typing import Any

import pytest
from mcp_support import Connected

from xmemory import XmemoryAPIError
from xmemory_mcp.backend import LocalReads
from xmemory_mcp.operations import Operations

pytestmark = pytest.mark.anyio

PEOPLE = [
    {"type": "person", "name": "Ann Lee", "fields": {"email": "ann@acme.io", "company": "Acme"}},
    {"type": "person", "name": "Bo Chen", "fields": {"email": "bo@acme.io", "company": "Acme"}},
]
READS: list[dict[str, Any]] = [
    {"query": "What is the email of Ann Lee?"},
    {"query": "Who works at Acme?"},
    {"query": "How many people are there?"},
    {"query": "Where does Ann live?"},
    {"query": "What did Bo say about the dentist?"},
    {"query": "What is the email of Ann Lee?", "read_mode": "raw-tables"},
    {"query": "What is the email of Ann Lee?", "read_mode": "xresponse", "show_sql": True},
    {
        "query": "every person",
        "read_mode": "raw-tables",
        "sql": "SELECT name, email FROM person ORDER BY name",
    },
    {"query": "bad sql", "read_mode": "raw-tables", "sql": "SELECT nope FROM nowhere"},
    {"query": "empty sql", "sql": "   "},
    {"query": "x" * 100_001},
    {"query": "Ann?", "instance_id": "no-such-instance"},
]


def seen(result: Any) -> tuple[bool, list[str], Any]:
    """What a client sees of a call, without the id each answer is traced by."""
    content = dict(result.structured_content or {})
    content.pop("trace_id", None)
    texts = [getattr(c, "text", None) for c in result.content]
    return result.is_error, [t for t in texts if t is not None], content


async def test_every_read_answers_as_it_does_over_http(connected: Connected) -> None:
    await connected.ok("write", {"objects": PEOPLE})
    await connected.ok("write", {"text": "Bo Chen said the dentist moved to Friday."})
    ops = await connected.memory._ops()
    assert isinstance(ops, Operations) and isinstance(ops._local_reads, LocalReads)
    local = ops._local_reads
    answered: list[bool] = []
    original = local.read

    async def counted(*args: Any) -> Any:
        try:
            result = await original(*args)
        except XmemoryAPIError:
            answered.append(True)  # the engine's error, raised here
            raise
        answered.append(result is not None)
        return result

    local.read = counted  # type: ignore[method-assign]
    here = [seen(await connected.call("read", args)) for args in READS]
    ops._local_reads = None
    over_http = [seen(await connected.call("read", args)) for args in READS]
    for args, a, b in zip(READS, here, over_http, strict=True):
        assert a == b, args["query"][:40]
    # Every one answered without HTTP: the last four with the engine's error (bad SQL, empty
    # SQL, too long, an unknown instance), as the HTTP path gives it.
    assert answered == [True] * 12
    assert [is_error for is_error, _, _ in here] == [False] * 8 + [True] * 4


def test_an_answer_is_written_as_the_engine_writes_its_json_responses() -> None:
    """`LocalReads` encodes an answer with one C encoder made once: the same text as
    `json.dumps` with the engine's arguments, and the same refusals."""
    import json
    import math

    from xmemory_mcp.backend import _wire_json

    def plain(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    answer = {
        "reader_result": {"answer": 'Zoë\'s email is z@x.example \u2028 "quoted"'},
        "evidence": [{"value": 1.5, "n": -3, "ok": True, "none": None, "list": [[], {}]}],
        "big": 10**30,
        "tiny": 1e-300,
    }
    assert _wire_json(answer) == plain(answer)
    assert _wire_json("plain text") == plain("plain text")
    for refused in ({"x": math.nan}, {"x": math.inf}, {"x": object()}):
        with pytest.raises((ValueError, TypeError)):
            plain(refused)
        with pytest.raises((ValueError, TypeError)):
            _wire_json(refused)
