"""The `forget` tool through a real MCP client session on the embedded engine: listed only when
asked (`--forget-tool`), flagged destructive and idempotent; "forget my address" in one call
leaves no byte of it in the data directory and `read` finds nothing about it; bad arguments are
refused with nothing changed."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from mcp_support import Connected
from test_mcp_context import TOOLS_LIST_BUDGET, listing_bytes, text_of

from xmemory import DescribeResult
from xmemory_mcp import forget
from xmemory_mcp.cli import build_parser, settings_from
from xmemory_mcp.settings import Settings
from xmemory_mcp.tools import build_catalog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_testkit import snapshot

from support.data_dir import files_holding

pytestmark = pytest.mark.anyio

SAID = "My name is Sam Rivera. My address is 12 Elm Street, Springfield. I love hiking."
FORGET_COST = 640
"""bytes the tool adds to tools/list when it is asked for."""


@pytest.fixture
async def forgetting(connect: Callable[..., Any]) -> AsyncIterator[Connected]:
    async with connect(forget_tool=True) as c:
        await c.backend()
        await c.memory.catalog()
        yield c


async def test_listed_only_when_asked_and_flagged_destructive(
    forgetting: Connected, connect: Callable[..., Any], tmp_path: Path
) -> None:
    async with connect(data_dir=tmp_path / "plain") as connected:
        await connected.backend()
        await connected.memory.catalog()
        plain = await connected.session.list_tools()
    assert "forget" not in {t.name for t in plain.tools}

    listed = await forgetting.session.list_tools()
    [tool] = [t for t in listed.tools if t.name == "forget"]
    assert tool.annotations is not None
    assert tool.annotations.destructive_hint is True
    assert tool.annotations.idempotent_hint is True
    assert tool.annotations.read_only_hint is False
    assert listing_bytes(listed) - listing_bytes(plain) <= FORGET_COST
    assert listing_bytes(plain) <= TOOLS_LIST_BUDGET


def test_not_offered_by_a_backend_without_the_feature() -> None:
    described = DescribeResult(instance_id="i1", features=["upsert"])
    catalog = build_catalog(
        described,
        bound_instance_id="i1",
        instances=None,
        default_cluster_id=None,
        admin=False,
        write_wait=1.0,
    )
    forget.add_tool(catalog, described, "i1")
    assert "forget" not in catalog.tools
    forget.add_tool(catalog, described.model_copy(update={"features": ["forget"]}), "i1")
    assert "forget" in catalog.tools


async def test_forget_my_address_in_one_call(forgetting: Connected, settings: Settings) -> None:
    assert settings.data_dir is not None
    await forgetting.ok("write", {"text": SAID})
    assert files_holding(settings.data_dir, "12 Elm Street")

    result = await forgetting.call("forget", {"text": "12 Elm Street"})

    assert not result.is_error, text_of(result)
    assert isinstance(result.structured_content, dict)
    forgotten = result.structured_content["forgotten"]
    assert forgotten["sentences"] == 1 and forgotten["episodes"] == 1
    assert text_of(result).startswith("Forgotten for good: ")
    assert "Elm" not in text_of(result) + json.dumps(result.structured_content)
    assert files_holding(settings.data_dir, "12 Elm Street") == []
    assert files_holding(settings.data_dir, "Springfield") == []
    answer = await forgetting.ok("read", {"query": "What is my address?"})
    assert "Elm" not in json.dumps(answer)
    assert not answer.get("evidence")
    hiking = await forgetting.ok("read", {"query": "What do I love?"})
    assert "loves" in json.dumps(hiking)

    again = await forgetting.call("forget", {"text": "12 Elm Street"})
    assert text_of(again) == "Nothing stored mentions it; nothing was removed."


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({}, "give text, or object_type and xuid"),
        ({"text": "Sam", "xuid": "x"}, "give text, or object_type and xuid"),
        ({"xuid": "abc"}, "both are needed"),
        ({"text": "ab"}, "text"),
        ({"text": "Sam", "colour": "red"}, "colour"),
        ({"object_type": "person", "xuid": "no-such-record"}, "nothing was removed"),
        ({"object_type": "planet", "xuid": "x"}, "planet"),
    ],
)
async def test_bad_arguments_are_refused_and_change_nothing(
    forgetting: Connected, settings: Settings, arguments: dict[str, Any], says: str
) -> None:
    assert settings.data_dir is not None
    await forgetting.ok("write", {"text": SAID})
    before = snapshot(settings.data_dir)
    result = await forgetting.call("forget", arguments)
    assert result.is_error
    assert says in text_of(result)
    assert snapshot(settings.data_dir) == before


def test_the_command_line_asks_for_it(tmp_path: Path) -> None:
    parser = build_parser()
    asked = settings_from(parser.parse_args(["--forget-tool", "--data-dir", str(tmp_path)]), {})
    plain = settings_from(parser.parse_args(["--data-dir", str(tmp_path)]), {})
    assert asked.forget_tool is True and plain.forget_tool is False
