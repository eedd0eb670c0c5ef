"""`export_memory` / `import_memory` through a real MCP client session on the embedded engine:
listed only with --portable-tools, they answer with the path and counts (never the data); a
peer file imported and the instance exported and restored into a new one; an existing file is
never replaced; an engine not opened for local files refuses them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp_support import Connected
from test_mcp_context import TOOLS_LIST_BUDGET, listing_bytes

from xmemory_engine import EngineSettings, open_engine

pytestmark = pytest.mark.anyio

PEER_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "peers" / "server-memory.jsonl"


@pytest.fixture
async def porting(connect: Callable[..., Any]) -> AsyncIterator[Connected]:
    async with connect(portable_tools=True) as c:
        await c.backend()
        await c.memory.catalog()
        yield c


async def test_listed_only_when_asked(
    porting: Connected, connect: Callable[..., Any], tmp_path: Path
) -> None:
    async with connect(data_dir=tmp_path / "plain") as plain:
        await plain.backend()
        await plain.memory.catalog()
        default = await plain.session.list_tools()
    listed = await porting.session.list_tools()
    names = {t.name for t in listed.tools}
    assert {"export_memory", "import_memory"} <= names
    assert not {"export_memory", "import_memory"} & {t.name for t in default.tools}
    assert listing_bytes(default) <= TOOLS_LIST_BUDGET


async def test_import_a_peer_file_export_and_restore_elsewhere(
    porting: Connected, tmp_path: Path
) -> None:
    dry = await porting.ok(
        "import_memory", {"path": str(PEER_FILE), "format": "server-memory", "dry_run": True}
    )
    assert dry["dry_run"] and dry["records"] == {"created": 6, "updated": 0}
    done = await porting.call("import_memory", {"path": str(PEER_FILE), "format": "server-memory"})
    assert not done.is_error
    assert "Imported 6 entities (6 new records, 0 updated), 11 observations" in done.content[0].text

    out = tmp_path / "memory.jsonl"
    exported = await porting.ok("export_memory", {"path": str(out), "format": "xmemory"})
    assert exported["path"] == str(out) and exported["counts"]["records"] == 9
    assert "Ann Lee" not in json.dumps(exported)  # counts, never the data
    again = await porting.call("export_memory", {"path": str(out), "format": "xmemory"})
    assert again.is_error and "exports never replace a file" in again.content[0].text

    restored = await porting.ok(
        "import_memory", {"path": str(out), "format": "xmemory", "instance_id": "moved-1"}
    )
    assert restored["instance_id"] == "moved-1" and restored["counts"] == exported["counts"]


async def test_an_engine_not_opened_for_files_refuses(tmp_path: Path) -> None:
    async with open_engine(EngineSettings(data_dir=tmp_path / "data")) as engine:
        transport = httpx.ASGITransport(app=engine.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://engine") as http:
            answer = await http.post(
                f"/instances/{engine.default_instance_id}/export",
                json={"path": str(tmp_path / "x.jsonl")},
            )
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "forbidden"
    assert not (tmp_path / "x.jsonl").exists()
