"""The MCP server: `tools/list` from the catalog, `tools/call` validated and forwarded.

`MemoryServer` holds the backend's client, the current tool catalog and the seams the
transports need; `MemoryServer.lowlevel()` is the SDK `Server` any transport runs. A tool call
never ends the session: bad arguments, API failures and even bugs come back as `isError`
results, and only a call to a tool that does not exist is a protocol error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.models import InitializationOptions
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ToolsListChanged
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from xmemory import DescribeResult, InstanceInfo, XmemoryAPIError, __version__

from . import forget, portable_tools, snapshot
from .backend import BackendHandle, BackendUnavailable, OpenBackend
from .operations import ArgumentsError, Operations
from .results import api_error, detail, failure, invalid_arguments
from .sessions import ClientSessions
from .settings import Backend, Settings
from .tools import SCHEMA_CHANGING_TOOLS, Catalog, build_catalog
from .validation import ArgumentChecker

logger = logging.getLogger(__name__)

CATALOG_TTL = 300.0
"""Re-describe the bound instance this often (the SDK caches describe() as long)."""
CATALOG_RETRY = 30.0
"""How soon to try again when the bound instance could not be described."""
REFRESH_DELAY = 2.0
"""How long a snapshot-built catalog's refresh waits for the first tool call to be answered."""

INSTRUCTIONS = (
    "Persistent, structured memory (xmemory). Before answering anything that may depend on"
    " earlier conversations, `read` it; when the user shares facts worth keeping (people,"
    " organizations, projects, tasks, preferences, events), `write` them: as objects when you"
    " have understood them, else as plain sentences. `write`'s description shows what this"
    " memory can hold."
)


class _Server(Server[Any]):
    """The SDK server, announcing `tools.listChanged` on every transport.

    The streamable-HTTP manager builds initialization options without notification options,
    which would hide the capability from HTTP clients; defaulting here covers them all.
    """

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        return super().create_initialization_options(
            notification_options or NotificationOptions(tools_changed=True),
            experimental_capabilities,
            extensions,
        )


class MemoryServer:
    """The tools of one backend, served to any number of MCP sessions."""

    def __init__(
        self,
        settings: Settings,
        backend: BackendHandle | OpenBackend,
        *,
        sessions: ClientSessions | None = None,
        snapshot_path: Path | None = None,
    ) -> None:
        """
        Args:
            backend: The backend, or a handle to it while it opens in the background.
            snapshot_path: Where to keep the catalog's inputs between runs (embedded engine),
                so the first `tools/list` need not wait for the backend.
        """
        self._settings = settings
        self._handle = backend if isinstance(backend, BackendHandle) else BackendHandle.of(backend)
        self._operations: Operations | None = None
        self._checker = ArgumentChecker()
        self._catalog: Catalog | None = None
        self._catalog_expires = 0.0
        self._rebuild_lock = anyio.Lock()
        self._snapshot_path = snapshot_path
        self._served_snapshot: list[types.Tool] | None = None
        self.sessions = sessions if sessions is not None else ClientSessions()
        """Who is connected: the seam a sampling `TextModel` uses to reach the client's model."""
        self.events = InMemorySubscriptionBus()
        """Tool-list changes for 2026-07-28 clients listening via `subscriptions/listen`."""
        self._listen = ListenHandler(self.events)
        self._server: _Server | None = None
        self._first_call = anyio.Event()

    def lowlevel(self) -> Server[Any]:
        """The SDK server to run on a transport (built once, shared by every session)."""
        if self._server is None:
            self._server = _Server(
                "xmemory-mcp",
                version=__version__,
                title="xmemory",
                instructions=INSTRUCTIONS,
                website_url="https://github.com/xmemory-mcp/xmemory-mcp",
                on_list_tools=self._on_list_tools,
                on_call_tool=self._call_tool,
                on_subscriptions_listen=self._listen,
                get_tool_input_schema=self._input_schema,
            )
        return self._server

    def close(self) -> None:
        """End open `subscriptions/listen` streams gracefully."""
        self._listen.close()

    async def _ops(self) -> Operations:
        if self._operations is None:
            backend = await self._handle.get()
            self._operations = Operations(
                backend.client,
                bound_instance_id=backend.default_instance_id,
                default_cluster_id=backend.default_cluster_id,
                write_wait=self._settings.write_wait,
                write_ended=backend.write_ended,
                local_reads=backend.local_reads,
            )
        return self._operations

    # -- the catalog ---------------------------------------------------------------------------

    async def catalog(self) -> Catalog:
        """The current tools; rebuilt from describe() when stale."""
        catalog = self._catalog
        if catalog is not None and anyio.current_time() < self._catalog_expires:
            return catalog
        if not self._handle.ready:
            early = catalog or self._catalog_from_snapshot()
            if early is not None:
                return early
        async with self._rebuild_lock:
            if self._catalog is None or anyio.current_time() >= self._catalog_expires:
                await self._rebuild()
            assert self._catalog is not None
            return self._catalog

    def _catalog_from_snapshot(self) -> Catalog | None:
        if self._snapshot_path is None:
            return None
        inputs = snapshot.load(self._snapshot_path, self._settings.instance_id)
        if inputs is None:
            return None
        self._catalog = self._build(
            inputs.describe,
            inputs.instances,
            inputs.bound_instance_id,
            inputs.default_cluster_id,
            None,
        )
        self._catalog_expires = 0.0  # rebuilt from a fresh describe() as soon as the backend is up
        self._served_snapshot = self._catalog.listing()
        return self._catalog

    def _build(
        self,
        describe: DescribeResult | None,
        instances: list[InstanceInfo] | None,
        bound_instance_id: str | None,
        default_cluster_id: str | None,
        problem: str | None,
    ) -> Catalog:
        catalog = build_catalog(
            describe,
            bound_instance_id=bound_instance_id,
            instances=instances,
            default_cluster_id=default_cluster_id,
            admin=self._settings.admin,
            write_wait=self._settings.write_wait,
            problem=problem,
        )
        if self._settings.forget_tool:
            forget.add_tool(catalog, describe, bound_instance_id)
        if self._settings.portable_tools and self._settings.backend is Backend.EMBEDDED:
            portable_tools.add_tools(catalog, bound_instance_id)
        return catalog

    async def _rebuild(self) -> None:
        try:
            operations = await self._ops()
        except BackendUnavailable as exc:
            failed = f"the memory backend could not be opened ({exc}); every call fails until the server is restarted with a working configuration."
            self._catalog = self._build(None, None, self._settings.instance_id, None, failed)
            self._catalog_expires = float("inf")
            return
        client, bound = operations.client, operations.bound
        describe: DescribeResult | None = None
        instances: list[InstanceInfo] | None = None
        problem: str | None = None

        async def fetch_describe() -> None:
            nonlocal describe, problem
            if bound is None:
                problem = (
                    "no memory instance is bound to this server (start it with --instance or"
                    " XMEM_INSTANCE_ID), so every call names one with instance_id."
                )
                return
            try:
                describe = await bound.describe()
            except XmemoryAPIError as exc:
                status = f"HTTP {exc.status}" if exc.status is not None else "no answer"
                problem = (
                    f"the bound instance {bound.id} could not be described ({status}: {detail(exc)});"
                    " these are generic definitions and calls may fail until that is fixed."
                )
                logger.warning("describe(%s) failed: %s", bound.id, exc)

        async def fetch_instances() -> None:
            nonlocal instances
            try:
                instances = await client.admin.list_instances()
            except XmemoryAPIError as exc:
                logger.info("list_instances failed, instance ids are not listed: %s", exc)

        async with anyio.create_task_group() as tg:
            tg.start_soon(fetch_describe)
            tg.start_soon(fetch_instances)
        bound_id = bound.id if bound else None
        self._catalog = self._build(
            describe, instances, bound_id, operations.default_cluster_id, problem
        )
        ttl = CATALOG_RETRY if problem and bound is not None else CATALOG_TTL
        self._catalog_expires = anyio.current_time() + ttl
        if describe is not None and bound_id is not None and self._snapshot_path is not None:
            inputs = snapshot.CatalogInputs(
                describe, instances, bound_id, operations.default_cluster_id
            )
            await anyio.to_thread.run_sync(
                snapshot.save, self._snapshot_path, self._settings.instance_id, inputs
            )

    def _fresh(self) -> bool:
        """The catalog was built from a describe() that has not expired (not a snapshot)."""
        return self._catalog is not None and anyio.current_time() < self._catalog_expires

    def _input_schema(self, name: str) -> Mapping[str, Any] | None:
        catalog = self._catalog
        spec = catalog.tools.get(name) if catalog is not None else None
        return spec.input_schema if spec is not None else None

    async def refresh_when_ready(self) -> None:
        """Once the backend is open, replace a snapshot-built catalog; announce any difference."""
        try:
            await self._handle.get()
        except BackendUnavailable:
            return
        if self._served_snapshot is not None:
            # A client that listed from the snapshot has its first call (usually `read`) on the
            # way, and that call needs the CPU more than the refresh does: let it go first.
            with anyio.move_on_after(REFRESH_DELAY):
                await self._first_call.wait()
        async with self._rebuild_lock:
            if not self._fresh():  # else a call rebuilt it meanwhile
                await self._rebuild()
        served, self._served_snapshot = self._served_snapshot, None
        assert self._catalog is not None
        if served is not None and _dump(served) != _dump(self._catalog.listing()):
            await self._announce(None)

    async def tools_changed(self, ctx: ServerRequestContext[Any, Any] | None = None) -> None:
        """Rebuild the catalog from a fresh describe() and tell clients to list tools again."""
        operations = await self._ops()
        if operations.bound is not None:
            operations.bound.clear_describe_cache()
        async with self._rebuild_lock:
            await self._rebuild()
        await self._announce(ctx)

    async def _announce(self, ctx: ServerRequestContext[Any, Any] | None) -> None:
        """`notifications/tools/list_changed` to the calling (else the latest) session."""
        await self.events.publish(ToolsListChanged())
        session = ctx.session if ctx is not None else self.sessions.latest
        if session is None or session.protocol_version in MODERN_PROTOCOL_VERSIONS:
            return  # 2026-07-28 clients hear of it only through subscriptions/listen
        try:
            # Request-scoped when there is a request: on streamable HTTP it rides that call's
            # response stream, which the client is reading for sure.
            await session.send_notification(
                types.ToolListChangedNotification(),
                related_request_id=ctx.request_id if ctx is not None else None,
            )
        except Exception:  # a client that left must not turn a done change into a failure
            logger.debug("could not send tools/list_changed", exc_info=True)

    # -- handlers ------------------------------------------------------------------------------

    async def _on_list_tools(
        self, ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        self.sessions.seen(ctx.session)
        catalog = await self.catalog()
        return types.ListToolsResult(tools=catalog.listing())

    async def _call_tool(
        self, ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        try:
            return await self._on_call_tool(ctx, params)
        finally:
            self._first_call.set()

    async def _on_call_tool(
        self, ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        self.sessions.seen(ctx.session)
        catalog = await self.catalog()
        spec = catalog.tools.get(params.name)
        if spec is None:
            raise MCPError(
                types.INVALID_PARAMS,
                f"Unknown tool: {params.name!r}. tools/list shows the tools on offer.",
            )

        step = 0

        async def progress(message: str) -> None:
            nonlocal step
            step += 1
            await ctx.session.report_progress(step, None, message)

        try:
            operations = await self._ops()
        except BackendUnavailable as exc:
            return failure(
                f"{spec.name} failed: the memory backend could not be opened ({exc}).\n"
                "What to do: tell the user; the server's configuration must be fixed (its stderr"
                " log says more) and the server restarted.",
                {"kind": "backend_unavailable", "tool": spec.name, "message": str(exc)},
            )
        arguments = dict(params.arguments or {})
        problems = self._checker.problems(spec.input_schema, arguments)
        if problems:
            return invalid_arguments(spec.name, problems, spec.input_schema)
        try:
            result = await operations.run(spec.name, arguments, progress)
        except XmemoryAPIError as exc:
            return api_error(spec.name, exc)
        except (ArgumentsError, ValueError, TypeError) as exc:
            # ArgumentsError is ours; ValueError / TypeError are the SDK refusing arguments
            # before any I/O (an empty id, text together with mutations).
            return invalid_arguments(spec.name, [str(exc)], spec.input_schema)
        except Exception as exc:
            logger.exception("tool %s failed", spec.name)
            return failure(
                f"{spec.name} failed inside xmemory-mcp ({type(exc).__name__}: {exc}).\n"
                "What to do: retry once; if it fails again, tell the user (the server log has details).",
                {"kind": "internal_error", "tool": spec.name, "type": type(exc).__name__},
            )
        if spec.name in SCHEMA_CHANGING_TOOLS and not result.is_error:
            await self.tools_changed(ctx)
        return result


def _dump(tools: list[types.Tool]) -> list[dict[str, Any]]:
    return [t.model_dump(mode="json") for t in tools]
