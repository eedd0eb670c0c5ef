"""A line from the client is walked for lone surrogates only when its text has a surrogate
escape (`frames._may_hold_surrogate`): a 1,000-object write passes with one scan of the text, and
every spelling of a lone surrogate is still refused where it sits."""

from __future__ import annotations

import json

import mcp_types as types
import pytest
from mcp_types.jsonrpc import INVALID_PARAMS

from xmemory_mcp.frames import Accept, Answer, check_frame


def _call(arguments_json: str) -> bytes:
    return (
        '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"write","arguments":'
        + arguments_json
        + "}}"
    ).encode()


def test_a_thousand_objects_pass_as_they_are() -> None:
    objects = [
        {"type": "person", "name": f"Person {i:05d}", "fields": {"email": f"p{i}@c.example"}}
        for i in range(1000)
    ]
    verdict = check_frame(_call(json.dumps({"objects": objects})))
    assert isinstance(verdict, Accept)
    message = verdict.message
    assert isinstance(message, types.JSONRPCRequest)
    assert message.params is not None
    assert message.params["arguments"]["objects"] == objects


@pytest.mark.parametrize(
    ("arguments", "where"),
    [
        ('{"text": "\\ud800"}', "params.arguments.text"),
        ('{"text": "\\uD800"}', "params.arguments.text"),  # upper-case hex
        ('{"text": "\\uDfFf x"}', "params.arguments.text"),
        (
            '{"objects": [{"type": "person", "name": "a\\udc00"}]}',
            "params.arguments.objects[0].name",
        ),
        ('{"text": "\\ud83d"}', "params.arguments.text"),  # the first half of a pair, alone
    ],
)
def test_a_lone_surrogate_is_refused_where_it_sits(arguments: str, where: str) -> None:
    verdict = check_frame(_call(arguments))
    assert isinstance(verdict, Answer)
    assert verdict.error.error.code == INVALID_PARAMS
    assert verdict.error.error.message == (
        f"Invalid params: {where} holds a lone surrogate, not Unicode"
    )


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        ('{"text": "\\ud83d\\ude00"}', "\U0001f600"),  # a pair is one character
        ('{"text": "\\\\ud800"}', "\\ud800"),  # an escaped backslash, then letters
        ('{"text": "\\u00e9t\\u00e9"}', "\u00e9t\u00e9"),
    ],
)
def test_escapes_that_are_text_pass(arguments: str, text: str) -> None:
    verdict = check_frame(_call(arguments))
    assert isinstance(verdict, Accept)
    message = verdict.message
    assert isinstance(message, types.JSONRPCRequest)
    assert message.params is not None
    assert message.params["arguments"]["text"] == text
