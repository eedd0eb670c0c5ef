"""The models of the SDKs imported at start-up are built at their first use
(`lazy_models.models_built_when_used`), and behave as if built when made."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic._internal._config import config_defaults

from xmemory_mcp.lazy_models import models_built_when_used


def test_a_model_made_in_the_block_is_built_at_its_first_use() -> None:
    with models_built_when_used():

        class Inside(BaseModel):
            name: str
            count: int = 0

    assert not Inside.__pydantic_complete__
    assert Inside.model_validate({"name": "a", "count": "2"}).count == 2
    assert Inside.__pydantic_complete__
    with pytest.raises(ValidationError):
        Inside.model_validate({"count": 1})


def test_a_type_adapter_made_in_the_block_is_built_at_its_first_use() -> None:
    class Item(BaseModel):
        name: str

    with models_built_when_used():
        items = TypeAdapter(list[Item] | int)

    assert not items.pydantic_complete
    assert items.validate_python([{"name": "a"}]) == [Item(name="a")]
    assert items.pydantic_complete
    assert TypeAdapter(list[int]).pydantic_complete  # made after: built as usual


def test_models_made_after_the_block_are_built_as_usual() -> None:
    with models_built_when_used():
        pass

    class After(BaseModel):
        name: str

    assert After.__pydantic_complete__
    assert config_defaults["defer_build"] is False


def test_the_default_is_restored_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), models_built_when_used():
        raise RuntimeError("an import failed")
    assert config_defaults["defer_build"] is False
    assert TypeAdapter(int).pydantic_complete


def test_the_server_process_defers_the_sdk_models_and_still_speaks_mcp(tmp_path: Path) -> None:
    code = """
        import json
        from xmemory_mcp.cli import bare_sdk_packages, sdk_server_modules
        bare_sdk_packages()
        sdk_server_modules("stdio")
        import mcp_types as types
        from pydantic._internal._config import config_defaults
        from mcp_types.jsonrpc import jsonrpc_message_adapter as wire
        deferred = [
            not types.ListToolsRequest.__pydantic_complete__,
            not wire.pydantic_complete,
            not types.server_result_adapter.pydantic_complete,
        ]
        request = types.ListToolsRequest.model_validate({"method": "tools/list"})
        message = wire.validate_json(b'{"jsonrpc": "2.0", "id": 1, "method": "ping"}')
        print(json.dumps({
            "deferred": deferred,
            "method": request.method,
            "wire": message.method,
            "built": [types.ListToolsRequest.__pydantic_complete__, wire.pydantic_complete],
            "default": config_defaults["defer_build"],
        }))
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "deferred": [True, True, True],
        "method": "tools/list",
        "wire": "ping",
        "built": [True, True],
        "default": False,
    }
