"""Provider models behind `TextModel`: any OpenAI-compatible server, and Anthropic.

Both use the official async clients, with the clients' own retries switched off
(`max_retries=0`) so that one loop here bounds a call as a whole: at most `max_retries`
retries, only on 408/409/429/5xx and connection errors, waiting what `Retry-After` asks when
that fits in what remains of `timeout`, and never longer than `timeout` in total. Every other
failure — refusal, bad credentials, unknown model, a reply cut off, garbage — is a
`MindFailed` saying which, at once.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

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
_RETRY_STATUSES = frozenset({408, 409, 429})


class _Transient(Exception):
    """A failure worth retrying (rate limit, overload, lost connection)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class RetryingCall:
    """Runs one model call within `timeout` seconds, retrying transient failures."""

    def __init__(
        self, *, what: str, timeout: float, max_retries: int = 2, base_delay: float = 0.5
    ) -> None:
        self.what = what
        self.timeout = timeout
        self.max_retries = max_retries
        self.base_delay = base_delay

    async def __call__(self, attempt: Callable[[float], Awaitable[str]]) -> str:
        """`attempt(seconds_left)` raises `_Transient` to be retried, MindFailed to give up."""
        deadline = anyio.current_time() + self.timeout
        for tries in range(1, self.max_retries + 2):
            left = deadline - anyio.current_time()
            if left <= 0:
                break
            try:
                with anyio.fail_after(left):
                    return await attempt(left)
            except TimeoutError:
                break
            except _Transient as exc:
                if tries > self.max_retries:
                    raise MindFailed(
                        f"{self.what}: {exc.message}; gave up after {tries} attempts"
                    ) from None
                delay = exc.retry_after
                if delay is None:
                    delay = self.base_delay * 2 ** (tries - 1) * (0.75 + random.random() / 4)
                if anyio.current_time() + delay >= deadline:
                    raise MindFailed(
                        f"{self.what}: {exc.message}; retrying after {delay:g} s would pass "
                        f"the {self.timeout:g} s timeout (XMEM_LLM_TIMEOUT)"
                    ) from None
                await anyio.sleep(delay)
        raise MindFailed(f"{self.what} did not answer within {self.timeout:g} s (XMEM_LLM_TIMEOUT)")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429/503 asks to wait: `retry-after-ms`, `Retry-After` seconds or HTTP date."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / scale)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())
    return None


def _status_failure(
    what: str, status: int, message: str, headers: Mapping[str, str], key_hint: str
) -> Exception:
    """The error for an HTTP status answer: transient to retry, or MindFailed to stop."""
    if status in _RETRY_STATUSES or status >= 500:
        label = "rate limited" if status == 429 else f"server error {status}"
        return _Transient(f"{label}: {message}", retry_after(headers))
    if status in (401, 403):
        return MindFailed(f"{what} refused the credentials ({status}): {message}. {key_hint}")
    return MindFailed(f"{what} rejected the request ({status}): {message}")


class _ProviderModel:
    """What every provider's model holds: its client, the model name, and one bounded,
    retrying call (timeout, retries, Retry-After) labelled with who answers."""

    def __init__(
        self,
        client: Any,
        model: str,
        *,
        what: str,
        timeout: float,
        max_retries: int,
        retry_base_delay: float,
    ) -> None:
        self.client = client
        self.model = model
        self._call = RetryingCall(
            what=what, timeout=timeout, max_retries=max_retries, base_delay=retry_base_delay
        )

    async def aclose(self) -> None:
        await self.client.close()


class OpenAITextModel(_ProviderModel):
    """A model behind the OpenAI Chat Completions API: OpenAI, or a local server that speaks
    it (Ollama, vLLM, LM Studio, llama.cpp) when `base_url` is set."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        model: str,
        *,
        timeout: float = 60.0,
        max_retries: int = 2,
        retry_base_delay: float = 0.5,
        official: bool = True,
    ) -> None:
        where = "OpenAI" if official else f"the model server at {client.base_url}"
        super().__init__(
            client,
            model,
            what=f"{where} (model {model})",
            timeout=timeout,
            max_retries=max_retries,
            retry_base_delay=retry_base_delay,
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
        retry_base_delay: float = 0.5,
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
            max_retries=0,
        )
        return cls(
            client,
            model or DEFAULT_OPENAI_MODEL,
            timeout=timeout,
            max_retries=max_retries,
            retry_base_delay=retry_base_delay,
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
        return await self._call(lambda left: self._attempt(params, left))

    async def _attempt(self, params: dict[str, Any], left: float) -> str:
        import openai

        what = self._call.what
        try:
            completion = await self.client.chat.completions.create(**params, timeout=left)
        except openai.APITimeoutError:
            raise TimeoutError from None
        except openai.APIStatusError as exc:
            raise _status_failure(
                what,
                exc.status_code,
                _error_text(exc.body, exc.message),
                exc.response.headers,
                "Check OPENAI_API_KEY (or XMEM_LLM_API_KEY).",
            ) from None
        except openai.APIConnectionError as exc:
            raise _Transient(f"could not connect: {exc}") from None
        except openai.OpenAIError as exc:
            raise MindFailed(f"{what} sent an unusable reply: {exc}") from None
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
            raise MindFailed(f"{what}: the reply was cut off at {params_max(params)} tokens")
        if not isinstance(message.content, str) or not message.content.strip():
            raise MindFailed(f"{what} sent an empty reply")
        return message.content


class AnthropicTextModel(_ProviderModel):
    """A Claude model behind the Anthropic Messages API. A JSON reply is asked for by making
    the model call one tool whose input schema is the reply's schema (tool use works on
    every Claude model, structured output on the newer ones only)."""

    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        model: str,
        *,
        timeout: float = 60.0,
        max_retries: int = 2,
        retry_base_delay: float = 0.5,
    ) -> None:
        super().__init__(
            client,
            model,
            what=f"Anthropic (model {model})",
            timeout=timeout,
            max_retries=max_retries,
            retry_base_delay=retry_base_delay,
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
        retry_base_delay: float = 0.5,
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
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0
        )
        return cls(
            client,
            model or DEFAULT_ANTHROPIC_MODEL,
            timeout=timeout,
            max_retries=max_retries,
            retry_base_delay=retry_base_delay,
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
        return await self._call(lambda left: self._attempt(params, left))

    async def _attempt(self, params: dict[str, Any], left: float) -> str:
        import anthropic

        what = self._call.what
        try:
            message = await self.client.messages.create(**params, timeout=left)
        except anthropic.APITimeoutError:
            raise TimeoutError from None
        except anthropic.APIStatusError as exc:
            raise _status_failure(
                what,
                exc.status_code,
                _error_text(exc.body, exc.message),
                exc.response.headers,
                "Check ANTHROPIC_API_KEY (or XMEM_LLM_API_KEY).",
            ) from None
        except anthropic.APIConnectionError as exc:
            raise _Transient(f"could not connect: {exc}") from None
        except anthropic.AnthropicError as exc:
            raise MindFailed(f"{what} sent an unusable reply: {exc}") from None
        content = getattr(message, "content", None)
        if not isinstance(content, list):
            raise MindFailed(f"{what} sent an unusable reply: {message!r:.200}")
        stop = getattr(message, "stop_reason", None)
        if stop == "refusal":
            raise MindFailed(f"{what} refused to answer")
        if stop == "max_tokens":
            raise MindFailed(f"{what}: the reply was cut off at {params['max_tokens']} tokens")
        if "tools" in params:
            for block in content:
                if getattr(block, "type", None) == "tool_use":
                    return json.dumps(block.input, ensure_ascii=False)
        text = "".join(getattr(b, "text", "") for b in content if getattr(b, "type", "") == "text")
        if not text.strip():
            raise MindFailed(f"{what} sent an empty reply")
        return text


def params_max(params: dict[str, Any]) -> Any:
    return params.get("max_completion_tokens", params.get("max_tokens"))


def _error_text(body: object, fallback: str) -> str:
    """The provider's own error message, from either API's error body."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return fallback
