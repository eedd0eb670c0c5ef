"""The HTTP API of WIRE.md as one Starlette app: routes, bearer auth, envelope errors.

The app is built from one table of routes (`ROUTES`), which also gives `/openapi.json`.
Handlers only parse requests and render answers; everything else is the service's.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from xmemory_engine.api.bodies import (
    Body,
    CreateInstanceBody,
    ExtractBody,
    ForgetBody,
    GenerateSchemaBody,
    ReadBody,
    UpdateMetadataBody,
    UpdateSchemaBody,
    WriteBody,
    WriteStatusBody,
    check_length,
    optional_iso_time,
    query_flag,
    query_ids,
    read_body,
)
from xmemory_engine.api.envelope import endpoint, envelope, plain_error
from xmemory_engine.api.openapi import QueryParam, RouteSpec, openapi_document
from xmemory_engine.errors import InvalidRequest, PayloadTooLarge
from xmemory_engine.minds.base import ExtractionLogic, ReadMode
from xmemory_engine.portable.api import ExportBody, ImportBody, export_to_path, import_from_path
from xmemory_engine.service.instances import parse_schema_payload
from xmemory_engine.service.memory import MemoryService, WriteRequest
from xmemory_engine.settings import EngineSettings
from xmemory_engine.ui.routes import BROWSE_ROUTES, UI_PREFIX, BrowseHandlers, page_routes

NAME_MAX_CHARS = 200
WAITED_HERE = "xmemory.waited_here"
"""ASGI scope extension of a `write_async` whose caller, in this process, waits for the
write's end before it tells anyone of it (see `_Handlers.write_async`)."""


class BearerAuth:
    """Requires `Authorization: Bearer <key>` on every request but `/healthz`."""

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self._key = key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        # The memory page's static files hold no data; its API calls carry the key.
        if scope["type"] != "http" or path == "/healthz" or (path + "/").startswith(UI_PREFIX):
            await self.app(scope, receive, send)
            return
        header = b""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                header = value
                break
        scheme, _, token = header.partition(b" ")
        if scheme.lower() == b"bearer" and hmac.compare_digest(token.strip(), self._key):
            await self.app(scope, receive, send)
            return
        message = (
            "this engine requires an API key: send 'Authorization: Bearer <key>'"
            if not header
            else "the API key is not valid for this engine"
        )
        response = plain_error(401, "unauthorized", message)
        response.headers["WWW-Authenticate"] = "Bearer"
        await response(scope, receive, send)


_IDS = QueryParam("ids", "only these ids (repeat the parameter, or separate by commas)", True)
_INSTANCE = "/instances/{instance_id}"

ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec("/healthz", ("GET",), "healthz", "liveness; never needs the API key", envelope=False),
    RouteSpec("/openapi.json", ("GET",), "openapi", "this document", envelope=False),
    RouteSpec("/clusters", ("GET",), "list_clusters", "list clusters", query=(_IDS,)),
    RouteSpec("/clusters/{cluster_id}", ("GET",), "get_cluster", "one cluster"),
    RouteSpec(
        "/clusters/{cluster_id}/instances/generate_schema",
        ("POST",),
        "generate_schema",
        "design a schema from a description",
        GenerateSchemaBody,
    ),
    RouteSpec(
        "/clusters/{cluster_id}/instances",
        ("POST",),
        "create_instance",
        "create an instance",
        CreateInstanceBody,
    ),
    RouteSpec(
        "/instances",
        ("GET",),
        "list_instances",
        "list instances",
        query=(_IDS, QueryParam("verbose", "include each data_schema (default true)")),
    ),
    RouteSpec(_INSTANCE, ("GET",), "get_instance", "one instance"),
    RouteSpec(
        _INSTANCE, ("PUT", "PATCH"), "update_metadata", "rename, describe", UpdateMetadataBody
    ),
    RouteSpec(_INSTANCE, ("DELETE",), "delete_instance", "delete an instance and its data"),
    RouteSpec(f"{_INSTANCE}/schema", ("GET",), "get_schema", "the instance's schema"),
    RouteSpec(
        f"{_INSTANCE}/schema", ("PUT",), "update_schema", "an additive change", UpdateSchemaBody
    ),
    RouteSpec(f"{_INSTANCE}/write", ("POST",), "write", "write and wait", WriteBody),
    RouteSpec(f"{_INSTANCE}/write_async", ("POST",), "write_async", "queue a write", WriteBody),
    RouteSpec(
        f"{_INSTANCE}/write_status", ("POST",), "write_status", "a write's state", WriteStatusBody
    ),
    RouteSpec(f"{_INSTANCE}/read", ("POST",), "read", "answer a question", ReadBody),
    RouteSpec(f"{_INSTANCE}/forget", ("POST",), "forget", "remove for good", ForgetBody),
    RouteSpec(f"{_INSTANCE}/export", ("POST",), "export", "to a file here", ExportBody),
    RouteSpec(f"{_INSTANCE}/import", ("POST",), "import_", "from a file here", ImportBody),
    RouteSpec(f"{_INSTANCE}/extract", ("POST",), "extract", "extract without storing", ExtractBody),
    RouteSpec(f"{_INSTANCE}/describe", ("GET",), "describe", "what the instance holds"),
    *BROWSE_ROUTES,
)


def create_app(service: MemoryService, settings: EngineSettings) -> Starlette:
    """The engine's ASGI app. It needs no lifespan: the service is already running."""
    api = _Handlers(service, settings)
    routes: list[BaseRoute] = [
        Route(spec.path, endpoint(api.handler(spec)), methods=list(spec.methods)) for spec in ROUTES
    ]
    routes += page_routes()
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error},  # type: ignore[dict-item]
    )
    if settings.api_key:
        app.add_middleware(BearerAuth, key=settings.api_key)
    return app


def _version() -> str:
    try:
        return version("xmemory-mcp")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return plain_error(404, "not_found", f"no endpoint {request.url.path}")
    if exc.status_code == 405:
        return plain_error(
            405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}"
        )
    return plain_error(exc.status_code, "http_error", str(exc.detail))


class _Handlers(BrowseHandlers):
    def __init__(self, service: MemoryService, settings: EngineSettings) -> None:
        self.s = service
        self.settings = settings
        self._openapi: dict[str, Any] | None = None

    def handler(self, spec: RouteSpec) -> Callable[[Request], Awaitable[Response]]:
        """The handler `spec` names; one with a body gets it read and validated by the model
        the spec names (the one the OpenAPI document shows)."""
        method = getattr(self, spec.handler)
        model = spec.body
        if model is None:
            return method  # type: ignore[no-any-return]

        async def with_body(request: Request) -> Response:
            body = await read_body(request, model, self.settings.max_body_bytes)
            return await method(request, body)  # type: ignore[no-any-return]

        return with_body

    def _text(self, value: str | None, name: str, *, required: bool, max_chars: int) -> str | None:
        return _text(value, name, required=required, max_chars=max_chars)

    # -- health, document and clusters -----------------------------------------------------

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def openapi(self, request: Request) -> Response:
        if self._openapi is None:
            self._openapi = openapi_document(ROUTES, version=_version())
        return JSONResponse(self._openapi)

    async def list_clusters(self, request: Request) -> Response:
        items = await self.s.list_clusters(query_ids(request))
        return envelope(items=items, ids=[i["id"] for i in items])

    async def get_cluster(self, request: Request) -> Response:
        item = await self.s.get_cluster(request.path_params["cluster_id"])
        return envelope(items=[item], ids=[item["id"]])

    async def generate_schema(self, request: Request, body: GenerateSchemaBody) -> Response:
        limit = self.settings.max_text_chars
        description = self._text(
            body.schema_description, "schema_description", required=True, max_chars=limit
        )
        assert description is not None
        current = body.current_yml_schema
        if isinstance(current, str) and len(current) > self.settings.max_text_chars:
            raise PayloadTooLarge("'current_yml_schema' is too long", field="current_yml_schema")
        item = await self.s.generate_schema(request.path_params["cluster_id"], description, current)
        return envelope(items=[item])

    # -- instances -------------------------------------------------------------------------

    async def create_instance(self, request: Request, body: CreateInstanceBody) -> Response:
        limit = self.settings.max_text_chars
        name = self._text(body.name, "name", required=True, max_chars=NAME_MAX_CHARS)
        description = self._text(body.description, "description", required=False, max_chars=limit)
        schema_description = self._text(
            body.schema_description, "schema_description", required=False, max_chars=limit
        )
        schema, text, kind = parse_schema_payload(_dump(body.instance_schema))
        item = await self.s.create_instance(
            request.path_params["cluster_id"],
            str(name),
            schema,
            text,
            kind,
            description=description,
            schema_description=schema_description,
        )
        return envelope(items=[item], ids=[item["id"]], status=200)

    async def list_instances(self, request: Request) -> Response:
        verbose = query_flag(request, "verbose", True)
        items = await self.s.list_instances(query_ids(request), verbose=verbose)
        return envelope(items=items, ids=[i["id"] for i in items])

    async def get_instance(self, request: Request) -> Response:
        item = await self.s.get_instance(request.path_params["instance_id"])
        return envelope(items=[item], ids=[item["id"]])

    async def update_metadata(self, request: Request, body: UpdateMetadataBody) -> Response:
        changes: dict[str, str | None] = {}
        given = body.model_fields_set
        if request.method == "PUT" or "name" in given:
            changes["name"] = self._text(body.name, "name", required=True, max_chars=NAME_MAX_CHARS)
        if request.method == "PUT" or "description" in given:
            changes["description"] = self._text(
                body.description,
                "description",
                required=False,
                max_chars=self.settings.max_text_chars,
            )
        item = await self.s.update_metadata(request.path_params["instance_id"], changes)
        return envelope(items=[item], ids=[item["id"]])

    async def delete_instance(self, request: Request) -> Response:
        ids = await self.s.delete_instance(request.path_params["instance_id"])
        return envelope(ids=ids)

    async def get_schema(self, request: Request) -> Response:
        item = await self.s.get_schema(request.path_params["instance_id"])
        return envelope(items=[item])

    async def update_schema(self, request: Request, body: UpdateSchemaBody) -> Response:
        schema, text, kind = parse_schema_payload(_dump(body.instance_schema))
        item = await self.s.update_schema(request.path_params["instance_id"], schema, text, kind)
        return envelope(items=[item], ids=[item["id"]])

    # -- writes ----------------------------------------------------------------------------

    def _write_request(self, body: WriteBody) -> WriteRequest:
        logic = body.extraction_logic or ExtractionLogic.DEEP
        mutations = body.structured_mutations
        text = body.text
        occurred_at = optional_iso_time({"occurred_at": body.occurred_at}, "occurred_at")
        source_text = self._text(
            body.source_text, "source_text", required=False, max_chars=self.settings.max_text_chars
        )
        if source_text is not None and mutations is None:
            raise InvalidRequest(
                "'source_text' goes with 'structured_mutations' (the sentences they came "
                "from); with 'text' the text itself is kept",
                field="source_text",
            )
        if source_text is not None and not source_text.strip():
            raise InvalidRequest("'source_text' is empty", field="source_text")
        if mutations is not None:
            # Some clients always send `text`, empty when they mean structured mutations.
            if text not in (None, ""):
                raise InvalidRequest(
                    "give exactly one of 'text' and 'structured_mutations'",
                    field="structured_mutations",
                )
            if not mutations:
                raise InvalidRequest(
                    "'structured_mutations' is empty: there is nothing to write",
                    field="structured_mutations",
                )
            if len(mutations) > self.settings.max_mutations:
                raise PayloadTooLarge(
                    f"{len(mutations):,} mutations in one write; the limit is "
                    f"{self.settings.max_mutations:,}",
                    field="structured_mutations",
                )
            return WriteRequest(
                text=None,
                mutations=mutations,
                extraction_logic=logic,
                source_text=source_text,
                occurred_at=occurred_at,
            )
        if text is None:
            raise InvalidRequest("give 'text' (or 'structured_mutations') to write", field="text")
        return WriteRequest(
            text=self._text(text, "text", required=True, max_chars=self.settings.max_text_chars),
            mutations=None,
            extraction_logic=logic,
            occurred_at=occurred_at,
        )

    async def write(self, request: Request, body: WriteBody) -> Response:
        item = await self.s.write(request.path_params["instance_id"], self._write_request(body))
        return envelope(items=[item], ids=[item["write_id"]])

    async def write_async(self, request: Request, body: WriteBody) -> Response:
        # A caller in this process that waits for the write's end before answering anyone
        # (the MCP server's `write`) says so in the ASGI scope, which nothing from a network
        # can set: its queue row need not be synced (`WriteQueue.submit`).
        extensions = request.scope.get("extensions") or {}
        item = await self.s.write_async(
            request.path_params["instance_id"],
            self._write_request(body),
            durable=WAITED_HERE not in extensions,
        )
        return envelope(items=[item], ids=[item["write_id"]])

    async def write_status(self, request: Request, body: WriteStatusBody) -> Response:
        write_id = str(
            self._text(body.write_id, "write_id", required=True, max_chars=NAME_MAX_CHARS)
        )
        item = await self.s.write_status(request.path_params["instance_id"], write_id)
        return envelope(items=[item], ids=[write_id])

    # -- reads -----------------------------------------------------------------------------

    async def read(self, request: Request, body: ReadBody) -> Response:
        item = await read_item(self.s, self.settings, request.path_params["instance_id"], body)
        return envelope(items=[item])

    async def forget(self, request: Request, body: ForgetBody) -> Response:
        fields = body.model_dump(exclude_none=True)
        item = await self.s.forget(request.path_params["instance_id"], fields)
        return envelope(items=[item], ids=[item["write_id"]])

    async def export(self, request: Request, body: ExportBody) -> Response:
        iid = request.path_params["instance_id"]
        item = await export_to_path(self.s, self.settings.local_files, iid, body)
        return envelope(items=[item])

    async def import_(self, request: Request, body: ImportBody) -> Response:
        iid = request.path_params["instance_id"]
        item = await import_from_path(self.s, self.settings.local_files, iid, body)
        return envelope(items=[item])

    async def extract(self, request: Request, body: ExtractBody) -> Response:
        text = str(
            self._text(body.text, "text", required=True, max_chars=self.settings.max_text_chars)
        )
        logic = body.extraction_logic or ExtractionLogic.DEEP
        item = await self.s.extract(request.path_params["instance_id"], text, logic)
        return envelope(items=[item])

    async def describe(self, request: Request) -> Response:
        item = await self.s.describe(request.path_params["instance_id"])
        return envelope(items=[item], ids=[item["instance_id"]])


def _text(value: str | None, name: str, *, required: bool, max_chars: int) -> str | None:
    """Length and (for a required key) blankness; the model has checked the type."""
    if value is None:
        if required:
            raise InvalidRequest(f"'{name}' is required", field=name)
        return None
    if required and not value.strip():
        raise InvalidRequest(f"'{name}' is empty", field=name)
    check_length(value, name, max_chars)
    return value


async def read_item(
    service: MemoryService, settings: EngineSettings, instance_id: str, body: ReadBody
) -> dict[str, Any]:
    """The `read` endpoint's answer item: its checks of the body, then the service's read.
    Also called without HTTP by the MCP server that runs the engine in its own process
    (`xmemory_mcp.backend.LocalReads`)."""
    limit = settings.max_text_chars
    query = str(_text(body.query, "query", required=True, max_chars=limit))
    mode = body.mode or body.read_mode or ReadMode.SINGLE_ANSWER
    read_id = _text(body.read_id, "read_id", required=False, max_chars=NAME_MAX_CHARS)
    sql = _text(body.sql, "sql", required=False, max_chars=limit)
    if sql is not None and not sql.strip():
        raise InvalidRequest(
            "'sql' is empty; leave it out to have the question answered", field="sql"
        )
    return await service.read(instance_id, query, mode, read_id, sql=sql)


def _dump(body: Body) -> dict[str, Any]:
    """A validated nested body as the plain mapping the service parses (nulls left out)."""
    return body.model_dump(exclude_none=True)
