"""A request or notification checked by `frames` is built from its one parse, and is exactly
what the SDK's own adapter decodes from the line (or refused where the adapter refuses it)."""

from __future__ import annotations

import json

import mcp_types as types
import pytest

from xmemory_mcp.frames import SDK_DEPTH, Accept, Answer, check_frame


def _nested(depth: int) -> bytes:
    inner = "[" * depth + "]" * depth
    return b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"a":%s}}' % inner.encode()


LINES = [
    b'{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"read","arguments":{"query":"q"}}}',
    b'{"jsonrpc":"2.0","id":"s-1","method":"ping"}',
    b'{"jsonrpc":"2.0","id":0,"method":"ping","params":null,"extra":{"ignored":true}}',
    b'{"jsonrpc":"2.0","method":"notifications/initialized"}',
    b'{"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1.5,"k":[1,2,{"x":null}]}}',
    json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 9,
            "method": "tools/call",
            "params": {"name": "write", "arguments": {"objects": [{"n": i} for i in range(300)]}},
        }
    ).encode(),
    _nested(SDK_DEPTH - 20),
]


@pytest.mark.parametrize("line", LINES)
def test_the_message_the_sdk_would_decode(line: bytes) -> None:
    verdict = check_frame(line)
    expected = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    assert isinstance(verdict, Accept)
    assert type(verdict.message) is type(expected)
    assert verdict.message == expected
    assert verdict.message.model_fields_set == expected.model_fields_set
    dumped = verdict.message.model_dump_json(by_alias=True, exclude_unset=True)
    assert dumped == expected.model_dump_json(by_alias=True, exclude_unset=True)


def test_nesting_past_the_sdks_parser_is_refused_as_it_refuses_it() -> None:
    line = _nested(SDK_DEPTH + 5)
    with pytest.raises(ValueError):
        types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    verdict = check_frame(line)
    assert isinstance(verdict, Answer)
    assert verdict.error.id == 1
    assert verdict.error.error.code == types.INVALID_REQUEST
