"""`xmemory-mcp` over stdio with XMEM_LLM_PROVIDER=sampling: the engine's mind borrows the
connected client's own model through `sampling/createMessage`, answered here by the `mcp`
client's sampling callback."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp.client.context import ClientRequestContext
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

TEXT = "Ann Lee is a designer at Acme; her email is ann@acme.io."
EXTRACTION = {
    "objects": [
        {
            "type": "person",
            "ref": "p1",
            "values": {"name": "Ann Lee", "email": "ann@acme.io", "role": "designer"},
        }
    ]
}


class ClientModel:
    """The client's model: answers the extraction job, records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[types.CreateMessageRequestParams] = []

    async def __call__(
        self, context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult:
        self.asked.append(params)
        system = params.system_prompt or ""
        reply: dict[str, Any] = {"issues": []}  # the DEEP check pass, should it be asked
        if system.startswith("You extract"):
            reply = EXTRACTION
        elif system.startswith("You answer questions"):
            reply = {"sql": "SELECT name, email FROM person", "cannot_answer": None}
        elif system.startswith("You answer a question from rows"):
            reply = {"answer": "Ann Lee: ann@acme.io", "notice": None}
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=json.dumps(reply)),
            model="client-model",
        )


def server_params(tmp_path: Path) -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    env.update(XMEM_DATA_DIR=str(tmp_path / "data"), XMEM_LLM_PROVIDER="sampling")
    return StdioServerParameters(command=sys.executable, args=["-m", "xmemory_mcp"], env=env)


async def test_writes_are_extracted_by_the_clients_own_model(tmp_path: Path) -> None:
    model = ClientModel()
    with (tmp_path / "stderr.log").open("w") as errlog:
        async with (
            stdio_client(server_params(tmp_path), errlog=errlog) as (read, write),
            ClientSession(read, write, sampling_callback=model) as session,
        ):
            await session.initialize()
            written = await session.call_tool("write", {"text": TEXT, "extraction_logic": "fast"})
            assert not written.is_error, written.content
            rows = await session.call_tool(
                "read", {"query": "List all persons", "read_mode": "raw-tables"}
            )
    assert model.asked, "the server never asked the client's model"
    first = model.asked[0]
    prompt = " ".join(
        m.content.text for m in first.messages if isinstance(m.content, types.TextContent)
    )
    assert TEXT in prompt and "person" in prompt
    assert not rows.is_error, rows.content
    table = (rows.structured_content or {})["reader_result"]
    assert any("ann@acme.io" in row for row in table["rows"]), table
