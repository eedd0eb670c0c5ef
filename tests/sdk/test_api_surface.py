"""The public surface: documented names exist, and the sync and async twins cannot drift."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
from typing import Any

import pytest

import xmemory
from xmemory import (
    AdminAPI,
    AsyncAdminAPI,
    AsyncInstanceAPI,
    AsyncXmemoryClient,
    ExtractionLogic,
    InstanceAPI,
    ReadMode,
    SchemaType,
    WriteQueueStatus,
    XmemoryClient,
)

TWINS = [
    (XmemoryClient, AsyncXmemoryClient),
    (AdminAPI, AsyncAdminAPI),
    (InstanceAPI, AsyncInstanceAPI),
]
ASYNC_ONLY = {"aclose"}


def public_methods(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and callable(member)
    }


def normalized(signature: inspect.Signature) -> str:
    # The twins differ only in the Async prefix of their types; everything else must match.
    return re.sub(r"\bAsync(?=[A-Z])|(?<=httpx\.)Async", "", str(signature))


@pytest.mark.parametrize(("sync_cls", "async_cls"), TWINS)
def test_twins_have_the_same_methods_and_signatures(sync_cls: type, async_cls: type) -> None:
    sync_methods = public_methods(sync_cls)
    async_methods = public_methods(async_cls)
    assert set(sync_methods) == set(async_methods) - ASYNC_ONLY
    for name, method in sync_methods.items():
        twin = async_methods[name]
        assert normalized(inspect.signature(method)) == normalized(inspect.signature(twin)), name
        assert inspect.iscoroutinefunction(twin) == (
            name not in {"instance", "clear_describe_cache"}
        )


@pytest.mark.parametrize(
    "name",
    [
        "list_clusters",
        "get_cluster",
        "generate_schema",
        "create_instance",
        "list_instances",
        "get_instance",
        "delete_instance",
        "get_instance_schema",
        "update_instance_schema",
        "update_instance_metadata",
    ],
)
def test_every_admin_call_takes_a_timeout(name: str) -> None:
    assert inspect.signature(getattr(AdminAPI, name)).parameters["timeout"].default is None


def test_documented_keyword_only_arguments() -> None:
    params = inspect.signature(XmemoryClient).parameters
    assert [p for p in params if params[p].kind is not inspect.Parameter.KEYWORD_ONLY] == []
    assert params["timeout"].default == 60
    write = inspect.signature(InstanceAPI.write).parameters
    assert write["extraction_logic"].default is ExtractionLogic.DEEP
    assert write["text"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    read = inspect.signature(InstanceAPI.read).parameters
    assert read["read_mode"].default is ReadMode.SINGLE_ANSWER


def test_all_is_complete_and_importable() -> None:
    for name in xmemory.__all__:
        assert hasattr(xmemory, name), name
    public = {n for n in vars(xmemory) if not n.startswith("_") and n[0].isupper()}
    assert public <= set(xmemory.__all__)


def test_version_matches_the_distribution() -> None:
    assert xmemory.__version__ == importlib.metadata.version("xmemory-mcp")


def test_enum_values_are_the_wire_values() -> None:
    assert [e.value for e in SchemaType] == ["yml", "json"]
    assert [e.value for e in ExtractionLogic] == ["fast", "regular", "deep"]
    assert [e.value for e in ReadMode] == ["single-answer", "raw-tables", "xresponse"]
    assert str(WriteQueueStatus.QUEUED) == "WriteQueueStatus.QUEUED"  # as the docs print it
    assert SchemaType("yml") is SchemaType.YML


def test_only_completed_failed_and_not_found_are_terminal() -> None:
    terminal = {s for s in WriteQueueStatus if s.is_terminal}
    assert terminal == {
        WriteQueueStatus.COMPLETED,
        WriteQueueStatus.FAILED,
        WriteQueueStatus.NOT_FOUND,
    }
    assert len(WriteQueueStatus) == 8
