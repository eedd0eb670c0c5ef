"""The MCP client's own model, lent through sampling (`sampling/createMessage`).

The engine is built before any client connects, so this model is given where to find the
client's session when it runs: a callable (e.g. `lambda: sessions.latest`), or a session the
MCP server `attach`es as requests arrive. Sampling
asks the client over the connection's own channel, so it works on connections that can carry
server-initiated requests (stdio and the handshake-era HTTP transports). When no client is
attached, the client did not declare the capability, the connection cannot carry the
request, or the user declines it, the call fails with a `MindFailed` that says which.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Union

import anyio

from xmemory_engine.errors import MindFailed

if TYPE_CHECKING:
    from mcp.server.session import ServerSession

SessionSource = Union["ServerSession", Callable[[], "ServerSession | None"], None]

_JSON_INSTRUCTION = (
    "\n\nReply with one JSON value only (no prose, no Markdown fence) that fits this JSON "
    "Schema:\n{schema}"
)


class SamplingTextModel:
    """A `TextModel` that asks the connected MCP client's model through sampling."""

    def __init__(
        self,
        session: SessionSource = None,
        *,
        timeout: float = 60.0,
        model_hint: str | None = None,
    ) -> None:
        """`session`: the client's session, or a callable giving the current one (None while
        no client is connected). `model_hint` is passed to the client as a model preference."""
        self._source = session
        self.timeout = timeout
        self.model_hint = model_hint

    def attach(self, session: SessionSource) -> None:
        """Use this client session (or session callable) from now on."""
        self._source = session

    @property
    def session(self) -> ServerSession | None:
        """The client session a call would use now."""
        source = self._source
        return source() if callable(source) else source

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 2048,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        import mcp_types as types
        from mcp.shared.exceptions import MCPDeprecationWarning, MCPError, NoBackChannelError

        session = self.session
        if session is None:
            raise MindFailed(
                "XMEM_LLM_PROVIDER=sampling, but no MCP client is connected to lend its model"
            )
        wanted = types.ClientCapabilities(sampling=types.SamplingCapability())
        if not session.check_client_capability(wanted):
            raise MindFailed(
                "XMEM_LLM_PROVIDER=sampling, but the connected MCP client did not declare the "
                "sampling capability, so its model cannot be asked. Use a client that supports "
                "sampling, or set XMEM_LLM_PROVIDER to openai, anthropic or rules."
            )
        if json_schema is not None:
            system += _JSON_INSTRUCTION.format(schema=json.dumps(json_schema))
        conversation = [
            types.SamplingMessage(
                role="assistant" if m["role"] == "assistant" else "user",
                content=types.TextContent(type="text", text=m["content"]),
            )
            for m in messages
        ]
        preferences = (
            types.ModelPreferences(hints=[types.ModelHint(name=self.model_hint)])
            if self.model_hint
            else None
        )
        # Sampling is deprecated from protocol 2026-07-28 on, yet it is how handshake-era
        # clients lend their model; the warning fires when the call is made, not awaited.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            pending = session.create_message(
                conversation,
                max_tokens=max_tokens,
                system_prompt=system,
                model_preferences=preferences,
            )
        try:
            with anyio.fail_after(self.timeout):
                result = await pending
        except TimeoutError:
            raise MindFailed(
                f"the MCP client's model did not answer within {self.timeout:g} s "
                "(XMEM_LLM_TIMEOUT)"
            ) from None
        except NoBackChannelError:
            raise MindFailed(
                "this MCP connection cannot carry sampling requests from the server "
                f"(protocol {session.protocol_version}); use stdio, or another provider"
            ) from None
        except MCPError as exc:
            raise MindFailed(f"the MCP client did not sample: {exc}") from None
        if result.stop_reason == "maxTokens":
            raise MindFailed(f"the MCP client's model was cut off at {max_tokens} tokens")
        content = result.content
        if not isinstance(content, types.TextContent) or not content.text.strip():
            kind = getattr(content, "type", type(content).__name__)
            raise MindFailed(f"the MCP client's model sent no text (got {kind})")
        return content.text
