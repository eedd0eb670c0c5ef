"""Provider models behind `TextModel`: any OpenAI-compatible server, and Anthropic.

Both use the official async clients and their own retries (`max_retries`): on 408/409/429/5xx
and lost connections, waiting what `Retry-After` asks or backing off. Around them one deadline
bounds a call as a whole (`timeout`, retries included); a client hook notes each attempt and
the last error answer, so that the final error says how many attempts were made and what the
server said last. Every other failure — refusal, bad credentials, unknown model, a reply cut
off, garbage — is a `MindFailed` saying which, at once.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from xmemory_engine.errors import MindFailed
from xmemory_engine.minds.llm.jsonschema import is_strict

if TYPE_CHECKING:
    import anthropic
    import openai

DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"
DEFAULT_ANTHROPIC_MODEL = "claude-haiku-4-5"
# The tool Anthropic is made to call, so that its input is the structured reply.
REPLY_TOOL = "reply"
# What the clients retry (their `_should_retry`), to say "gave up" rather than "rejected".
_RETRY_STATUSES = frozenset({408, 409, 429})
T = TypeVar("T")


@dataclass
class _Attempts:
    """What the HTTP hooks saw of one call: requests sent and the last error answer."""

    count: int = 0
    last_error: str = ""


# Per call, not per model: calls on one model overlap, and the hooks run in the caller's task.
_ATTEMPTS: ContextVar[_Attempts | None] = ContextVar("xmemory_llm_attempts", default=None)


async def _on_request(request: Any) -> None:
    attempts = _ATTEMPTS.get()
    if attempts is not None:
        attempts.count += 1


async def _on_response(response: Any) -> None:
    attempts = _ATTEMPTS.get()
    if attempts is not None and response.status_code >= 400:
        wait = response.headers.get("retry-after")
        attempts.last_error = f"HTTP {response.status_code}" + (
            f" with Retry-After {wait}" if wait else ""
        )


def _http_client(sdk: ModuleType) -> Any:
    """The SDK's own default HTTP client, with the hooks that count attempts."""
    return sdk.DefaultAsyncHttpxClient(
        event_hooks={"request": [_on_request], "response": [_on_response]}
    )


class _ProviderModel:
    """What every provider's model holds: its client, the model name, and the deadline that
    bounds one call, retries included, labelled with who answers."""

    def __init__(
        self,
        client: Any,
        model: str,
        *,
        timeout: float,
        sdk: ModuleType,
        what: str,
        key_hint: str,
    ) -> None:
        self.client = client
        self.model = model
        self.timeout = timeout
        self.what = what
        self._sdk = sdk
        self._key_hint = key_hint

    async def aclose(self) -> None:
        await self.client.close()

    async def _bounded(self, send: Callable[[], Awaitable[T]]) -> T:
        """`send()` within the deadline, its client errors turned into one `MindFailed`."""
        sdk = self._sdk
        attempts = _Attempts()
        token = _ATTEMPTS.set(attempts)
        try:
            with anyio.fail_after(self.timeout):
                return await send()
        except (TimeoutError, sdk.APITimeoutError):
            last = f"; its last answer was {attempts.last_error}" if attempts.last_error else ""
            raise MindFailed(
                f"{self.what} did not answer within {self.timeout:g} s (XMEM_LLM_TIMEOUT){last}"
            ) from None
        except sdk.APIStatusError as exc:
            raise _status_failure(self.what, exc, attempts.count, self._key_hint) from None
        except sdk.APIConnectionError as exc:
            raise MindFailed(
                f"{self.what}: could not connect: {exc}; {_gave_up(attempts.count)}"
            ) from None
        except sdk.APIError as exc:
            raise MindFailed(f"{self.what} sent an unusable reply: {exc}") from None
        finally:
            _ATTEMPTS.reset(token)


def _gave_up(count: int) -> str:
    return f"gave up after {count} attempt{'s' if count != 1 else ''}"


def _status_failure(what: str, exc: Any, attempts: int, key_hint: str) -> MindFailed:
    """The error for an HTTP status the client did not (or no longer) retry."""
    status: int = exc.status_code
    message = _error_text(exc.body, exc.message)
    if status in _RETRY_STATUSES or status >= 500:
        label = "rate limited" if status == 429 else f"server error {status}"
        return MindFailed(f"{what}: {label}: {message}; {_gave_up(attempts)}")
    if status in (401, 403):
        return MindFailed(f"{what} refused the credentials ({status}): {message}. {key_hint}")
    return MindFailed(f"{what} rejected the request ({status}): {message}")


class OpenAITextModel(_ProviderModel):
    """A model behind the OpenAI Chat Completions API: OpenAI, or a local server that speaks
    it (Ollama, vLLM, LM Studio, llama.cpp) when `base_url` is set."""

    def __init__(
        self, client: openai.AsyncOpenAI, model: str, *, timeout: float, official: bool = True
    ) -> None:
        import openai

        where = "OpenAI" if official else f"the model server at {client.base_url}"
        super().__init__(
            client,
            model,
            timeout=timeout,
            sdk=openai,
            what=f"{where} (model {model})",
            key_hint="Check OPENAI_API_KEY (or XMEM_LLM_API_KEY).",
        )
        self.client: openai.AsyncOpenAI = client
        self.official = official

    @classmethod
    def create(
        cls,
        *,
        model: str | None,
        api_key: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int = 2,
    ) -> OpenAITextModel:
        """A model on a new client. Raises ValueError when the configuration is incomplete."""
        try:
            import openai
        except ImportError:
            raise ValueError(
                "XMEM_LLM_PROVIDER=openai needs the openai package: "
                "pip install 'xmemory-mcp[openai]'"
            ) from None
        if base_url is None and not api_key:
            raise ValueError("XMEM_LLM_PROVIDER=openai needs OPENAI_API_KEY (or XMEM_LLM_API_KEY)")
        if base_url is not None and not model:
            raise ValueError(
                "XMEM_LLM_BASE_URL is set, so XMEM_LLM_MODEL must name one of that server's "
                "models (for Ollama, e.g. llama3.1)"
            )
        client = openai.AsyncOpenAI(
            # Local servers take any key; the client insists on one.
            api_key=api_key or "unused",
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=_http_client(openai),
        )
        return cls(
            client,
            model or DEFAULT_OPENAI_MODEL,
            timeout=timeout,
            official=base_url is None or "api.openai.com" in base_url,
        )

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 2048,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        params: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, *messages],
        }
        # OpenAI's newer models refuse `max_tokens`; compatible servers know only `max_tokens`.
        params["max_completion_tokens" if self.official else "max_tokens"] = max_tokens
        if json_schema is not None:
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": "reply",
                    "schema": json_schema,
                    "strict": is_strict(json_schema),
                },
            }
        completion = await self._bounded(lambda: self.client.chat.completions.create(**params))
        what = self.what
        choices = getattr(completion, "choices", None)
        if not choices:
            raise MindFailed(f"{what} sent an unusable reply (no choices): {completion!r:.200}")
        choice = choices[0]
        message = choice.message
        if getattr(message, "refusal", None):
            raise MindFailed(f"{what} refused: {message.refusal}")
        if choice.finish_reason == "content_filter":
            raise MindFailed(f"{what} refused: its content filter stopped the reply")
        if choice.finish_reason == "length":
            raise MindFailed(f"{what}: the reply was cut off at {max_tokens} tokens")
        if not isinstance(message.content, str) or not message.content.strip():
            raise MindFailed(f"{what} sent an empty reply")
        return message.content


class AnthropicTextModel(_ProviderModel):
    """A Claude model behind the Anthropic Messages API. A JSON reply is asked for by making
    the model call one tool whose input schema is the reply's schema (tool use works on
    every Claude model, structured output on the newer ones only)."""

    def __init__(self, client: anthropic.AsyncAnthropic, model: str, *, timeout: float) -> None:
        import anthropic

        super().__init__(
            client,
            model,
            timeout=timeout,
            sdk=anthropic,
            what=f"Anthropic (model {model})",
            key_hint="Check ANTHROPIC_API_KEY (or XMEM_LLM_API_KEY).",
        )
        self.client: anthropic.AsyncAnthropic = client

    @classmethod
    def create(
        cls,
        *,
        model: str | None,
        api_key: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int = 2,
    ) -> AnthropicTextModel:
        """A model on a new client. Raises ValueError when the configuration is incomplete."""
        try:
            import anthropic
        except ImportError:
            raise ValueError(
                "XMEM_LLM_PROVIDER=anthropic needs the anthropic package: "
                "pip install 'xmemory-mcp[anthropic]'"
            ) from None
        if not api_key:
            raise ValueError(
                "XMEM_LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY (or XMEM_LLM_API_KEY)"
            )
        client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=_http_client(anthropic),
        )
        return cls(client, model or DEFAULT_ANTHROPIC_MODEL, timeout=timeout)

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 2048,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": max_tokens,
            "system": system,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
        }
        if json_schema is not None:
            params["tools"] = [
                {
                    "name": REPLY_TOOL,
                    "description": "Give your reply as this tool's input.",
                    "input_schema": json_schema,
                }
            ]
            params["tool_choice"] = {"type": "tool", "name": REPLY_TOOL}
        message = await self._bounded(lambda: self.client.messages.create(**params))
        what = self.what
        content = getattr(message, "content", None)
        if not isinstance(content, list):
            raise MindFailed(f"{what} sent an unusable reply: {message!r:.200}")
        stop = getattr(message, "stop_reason", None)
        if stop == "refusal":
            raise MindFailed(f"{what} refused to answer")
        if stop == "max_tokens":
            raise MindFailed(f"{what}: the reply was cut off at {max_tokens} tokens")
        if json_schema is not None:
            for block in content:
                if getattr(block, "type", None) == "tool_use":
                    return json.dumps(block.input, ensure_ascii=False)
        text = "".join(getattr(b, "text", "") for b in content if getattr(b, "type", "") == "text")
        if not text.strip():
            raise MindFailed(f"{what} sent an empty reply")
        return text


def _error_text(body: object, fallback: str) -> str:
    """The provider's own error message, from either API's error body."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return fallback
