"""One question to the model whose reply must be read as JSON, with one repair round."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.base import TextModel
from xmemory_engine.minds.llm.prompts import repair_message
from xmemory_engine.minds.llm.replies import ReplyInvalid

T = TypeVar("T")


async def ask_json(
    model: TextModel,
    system: str,
    messages: list[dict[str, str]],
    read: Callable[[str], T],
    *,
    json_schema: dict[str, Any],
    max_tokens: int,
    what: str,
) -> tuple[T, list[dict[str, str]]]:
    """`read(reply)`, and the conversation including the reply that was used.

    When `read` raises ReplyInvalid, the model is asked once more, quoting the faults; a
    second unusable reply is a MindFailed listing them.
    """
    reply = await model.complete(system, messages, max_tokens=max_tokens, json_schema=json_schema)
    try:
        return read(reply), [*messages, {"role": "assistant", "content": reply}]
    except ReplyInvalid as exc:
        messages = [
            *messages,
            {"role": "assistant", "content": reply},
            {"role": "user", "content": repair_message(exc.errors)},
        ]
    reply = await model.complete(system, messages, max_tokens=max_tokens, json_schema=json_schema)
    try:
        return read(reply), [*messages, {"role": "assistant", "content": reply}]
    except ReplyInvalid as exc:
        shown = "; ".join(exc.errors[:5]) + (" ..." if len(exc.errors) > 5 else "")
        raise MindFailed(
            f"{what}: the model's reply did not fit, even after one repair round: {shown}"
        ) from None
