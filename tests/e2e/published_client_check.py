"""Drive the published `xmemory-ai` client against an engine, through its public API only.

Run it with the interpreter of a separate virtual environment where `pip install xmemory-ai`
was done (its import name is also `xmemory`, so it must not see this repository's SDK):

    XMEM_API_URL=http://127.0.0.1:PORT XMEM_AUTH_TOKEN=KEY /tmp/xmai/bin/python \
        tests/e2e/published_client_check.py

It performs create_instance, write, write_async + write_status, read in every mode, extract,
describe and delete_instance, checks each answer, prints one line per step and a final
`published client check: N passed, 0 failed`, and exits non-zero at the first failure.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import yaml

from xmemory import (
    ExtractionLogic,
    ReadMode,
    SchemaType,
    WriteQueueStatus,
    XmemoryAPIError,
    XmemoryClient,
)

try:  # the version of the client under test, for the record
    from xmemory import __version__ as CLIENT_VERSION
except ImportError:  # pragma: no cover - older releases
    CLIENT_VERSION = "unknown"

PASSED: list[str] = []


def step(name: str, fn: Callable[[], Any]) -> Any:
    try:
        value = fn()
    except Exception as exc:
        print(f"FAIL {name}: {type(exc).__name__}: {exc}", flush=True)
        print(f"published client check: {len(PASSED)} passed, 1 failed", flush=True)
        sys.exit(1)
    PASSED.append(name)
    print(f"ok   {name}", flush=True)
    return value


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def main() -> int:
    print(f"xmemory-ai {CLIENT_VERSION}", flush=True)
    client = XmemoryClient(timeout=60)  # URL and token from XMEM_API_URL / XMEM_AUTH_TOKEN
    step("check_health", client.check_health)
    clusters = step("list_clusters", client.admin.list_clusters)
    cluster_id = clusters[0].id
    step("get_cluster", lambda: check(client.admin.get_cluster(cluster_id).id == cluster_id, "id"))
    schema = step(
        "generate_schema",
        lambda: client.admin.generate_schema(
            cluster_id, "Track contacts with name, email, company, and notes."
        ),
    )
    inst = step(
        "create_instance",
        lambda: client.admin.create_instance(
            cluster_id=cluster_id,
            name="published-client-check",
            schema_text=yaml.dump(schema.data_schema),
            schema_type=SchemaType.YML,
        ),
    )
    info = step("get_instance", lambda: client.admin.get_instance(inst.id))
    check(info.name == "published-client-check", f"name {info.name!r}")
    step(
        "list_instances",
        lambda: check(any(i.id == inst.id for i in client.admin.list_instances()), "listed"),
    )

    written = step(
        "write",
        lambda: inst.write(
            "Alice Johnson works at Acme Corp. Her email is alice@acme.com.",
            extraction_logic=ExtractionLogic.DEEP,
        ),
    )
    check(bool(written.write_id), "write_id")
    check(bool(written.changes and written.changes.get("created")), f"changes {written.changes}")

    ack = step(
        "write_async",
        lambda: inst.write_async("Bob Lee is a designer at Globex. He joined last Monday."),
    )

    def poll() -> Any:
        deadline = time.monotonic() + 30
        status = inst.write_status(ack.write_id)
        while status.write_status not in (
            WriteQueueStatus.COMPLETED,
            WriteQueueStatus.FAILED,
            WriteQueueStatus.NOT_FOUND,
        ):
            if time.monotonic() > deadline:
                raise AssertionError(f"still {status.write_status} after 30 s")
            time.sleep(0.05)
            status = inst.write_status(ack.write_id)
        check(status.write_status is WriteQueueStatus.COMPLETED, f"status {status}")
        return status

    step("write_status", poll)
    unknown = step("write_status (unknown id)", lambda: inst.write_status("no-such-write"))
    check(unknown.write_status is WriteQueueStatus.NOT_FOUND, f"status {unknown.write_status}")

    single = step("read single-answer", lambda: inst.read("What is Alice's email?"))
    check(single.reader_result == {"answer": "alice@acme.com"}, f"answer {single.reader_result}")
    recent = step("read single-answer (recent)", lambda: inst.read("Who joined recently?"))
    check("Bob Lee" in str(recent.reader_result), f"answer {recent.reader_result}")
    tables = step(
        "read raw-tables",
        lambda: inst.read("List all contacts", read_mode=ReadMode.RAW_TABLES),
    )
    check(
        bool(tables.reader_result and tables.reader_result.get("rows")), f"{tables.reader_result}"
    )
    graph = step(
        "read xresponse", lambda: inst.read("Show all contacts", read_mode=ReadMode.XRESPONSE)
    )
    check(len(graph.reader_result["objects"]) >= 2, f"{graph.reader_result}")

    extracted = step(
        "extract",
        lambda: inst.extract(
            "Carol is a senior engineer at Initech. Her email is carol@initech.com."
        ),
    )
    check(bool(extracted.objects_extracted), "objects_extracted")

    described = step("describe", inst.describe)
    check(
        {t.name for t in described.tools} >= {"write", "read", "extract", "write_status"}, "tools"
    )
    step("describe as_text", lambda: check("read(" in described.as_text(), "as_text"))
    step("describe as_anthropic_tools", described.as_anthropic_tools)
    step("describe as_openai_tools", described.as_openai_tools)

    deleted = step("delete_instance", lambda: client.admin.delete_instance(inst.id))
    check(deleted == [inst.id], f"deleted {deleted}")

    def gone() -> None:
        try:
            client.admin.get_instance(inst.id)
        except XmemoryAPIError as exc:
            check(exc.status == 404, f"status {exc.status}")
            return
        raise AssertionError("the instance is still there")

    step("get_instance after delete is 404", gone)
    client.close()
    print(f"published client check: {len(PASSED)} passed, 0 failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
