"""The HTTP API of WIRE.md as one Starlette app: routes, bearer auth, envelope errors.

Handlers only parse requests and render answers; everything else is the service's.
"""

from __future__ import annotations

import hmac
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from xmemory_engine.api.bodies import (
    optional_enum,
    optional_iso_time,
    optional_str,
    query_flag,
    query_ids,
    read_json,
    required_str,
)
from xmemory_engine.api.envelope import endpoint, envelope, plain_error
from xmemory_engine.errors import InvalidRequest, PayloadTooLarge
from xmemory_engine.minds.base import ExtractionLogic, ReadMode
from xmemory_engine.service.instances import parse_schema_payload
from xmemory_engine.service.memory import MemoryService, WriteRequest
from xmemory_engine.settings import EngineSettings

NAME_MAX_CHARS = 200


class BearerAuth:
    """Requires `Authorization: Bearer <key>` on every request but `/healthz`."""

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self._key = key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == "/healthz":
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


def create_app(service: MemoryService, settings: EngineSettings) -> Starlette:
    """The engine's ASGI app. It needs no lifespan: the service is already running."""
    api = _Handlers(service, settings)
    routes = [
        Route("/healthz", endpoint(api.healthz), methods=["GET"]),
        Route("/clusters", endpoint(api.list_clusters), methods=["GET"]),
        Route("/clusters/{cluster_id}", endpoint(api.get_cluster), methods=["GET"]),
        Route(
            "/clusters/{cluster_id}/instances/generate_schema",
            endpoint(api.generate_schema),
            methods=["POST"],
        ),
        Route("/clusters/{cluster_id}/instances", endpoint(api.create_instance), methods=["POST"]),
        Route("/instances", endpoint(api.list_instances), methods=["GET"]),
        Route("/instances/{instance_id}", endpoint(api.get_instance), methods=["GET"]),
        Route("/instances/{instance_id}", endpoint(api.update_metadata), methods=["PUT", "PATCH"]),
        Route("/instances/{instance_id}", endpoint(api.delete_instance), methods=["DELETE"]),
        Route("/instances/{instance_id}/schema", endpoint(api.get_schema), methods=["GET"]),
        Route("/instances/{instance_id}/schema", endpoint(api.update_schema), methods=["PUT"]),
        Route("/instances/{instance_id}/write", endpoint(api.write), methods=["POST"]),
        Route("/instances/{instance_id}/write_async", endpoint(api.write_async), methods=["POST"]),
        Route(
            "/instances/{instance_id}/write_status", endpoint(api.write_status), methods=["POST"]
        ),
        Route("/instances/{instance_id}/read", endpoint(api.read), methods=["POST"]),
        Route("/instances/{instance_id}/extract", endpoint(api.extract), methods=["POST"]),
        Route("/instances/{instance_id}/describe", endpoint(api.describe), methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error},  # type: ignore[dict-item]
    )
    if settings.api_key:
        app.add_middleware(BearerAuth, key=settings.api_key)
    return app


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return plain_error(404, "not_found", f"no endpoint {request.url.path}")
    if exc.status_code == 405:
        return plain_error(
            405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}"
        )
    return plain_error(exc.status_code, "http_error", str(exc.detail))


class _Handlers:
    def __init__(self, service: MemoryService, settings: EngineSettings) -> None:
        self.s = service
        self.settings = settings

    async def _body(self, request: Request) -> dict[str, Any]:
        return await read_json(request, self.settings.max_body_bytes)

    # -- health and clusters ---------------------------------------------------------------

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def list_clusters(self, request: Request) -> Response:
        items = await self.s.list_clusters(query_ids(request))
        return envelope(items=items, ids=[i["id"] for i in items])

    async def get_cluster(self, request: Request) -> Response:
        item = await self.s.get_cluster(request.path_params["cluster_id"])
        return envelope(items=[item], ids=[item["id"]])

    async def generate_schema(self, request: Request) -> Response:
        body = await self._body(request)
        description = required_str(
            body, "schema_description", max_chars=self.settings.max_text_chars
        )
        current = body.get("current_yml_schema")
        if current is not None and not isinstance(current, (str, dict)):
            raise InvalidRequest(
                "'current_yml_schema' is the current schema as YAML text",
                field="current_yml_schema",
            )
        if isinstance(current, str) and len(current) > self.settings.max_text_chars:
            raise PayloadTooLarge("'current_yml_schema' is too long", field="current_yml_schema")
        item = await self.s.generate_schema(request.path_params["cluster_id"], description, current)
        return envelope(items=[item])

    # -- instances -------------------------------------------------------------------------

    async def create_instance(self, request: Request) -> Response:
        body = await self._body(request)
        name = required_str(body, "name", max_chars=NAME_MAX_CHARS)
        description = optional_str(body, "description", max_chars=self.settings.max_text_chars)
        schema_description = optional_str(
            body, "schema_description", max_chars=self.settings.max_text_chars
        )
        if body.get("instance_schema") is None:
            raise InvalidRequest("'instance_schema' is required", field="instance_schema")
        schema, text, kind = parse_schema_payload(body["instance_schema"])
        item = await self.s.create_instance(
            request.path_params["cluster_id"],
            name,
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

    async def update_metadata(self, request: Request) -> Response:
        body = await self._body(request)
        changes: dict[str, str | None] = {}
        if request.method == "PUT" or "name" in body:
            changes["name"] = required_str(body, "name", max_chars=NAME_MAX_CHARS)
        if request.method == "PUT" or "description" in body:
            changes["description"] = optional_str(
                body, "description", max_chars=self.settings.max_text_chars
            )
        item = await self.s.update_metadata(request.path_params["instance_id"], changes)
        return envelope(items=[item], ids=[item["id"]])

    async def delete_instance(self, request: Request) -> Response:
        ids = await self.s.delete_instance(request.path_params["instance_id"])
        return envelope(ids=ids)

    async def get_schema(self, request: Request) -> Response:
        item = await self.s.get_schema(request.path_params["instance_id"])
        return envelope(items=[item])

    async def update_schema(self, request: Request) -> Response:
        body = await self._body(request)
        if body.get("instance_schema") is None:
            raise InvalidRequest("'instance_schema' is required", field="instance_schema")
        schema, text, kind = parse_schema_payload(body["instance_schema"])
        item = await self.s.update_schema(request.path_params["instance_id"], schema, text, kind)
        return envelope(items=[item], ids=[item["id"]])

    # -- writes ----------------------------------------------------------------------------

    def _write_request(self, body: dict[str, Any]) -> WriteRequest:
        logic = optional_enum(body, "extraction_logic", ExtractionLogic, ExtractionLogic.DEEP)
        mutations = body.get("structured_mutations")
        text = body.get("text")
        occurred_at = optional_iso_time(body, "occurred_at")
        source_text = optional_str(body, "source_text", max_chars=self.settings.max_text_chars)
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
            if not isinstance(mutations, list):
                raise InvalidRequest(
                    "'structured_mutations' must be a list of mutations",
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
            text=required_str(body, "text", max_chars=self.settings.max_text_chars),
            mutations=None,
            extraction_logic=logic,
            occurred_at=occurred_at,
        )

    async def write(self, request: Request) -> Response:
        body = await self._body(request)
        item = await self.s.write(request.path_params["instance_id"], self._write_request(body))
        return envelope(items=[item], ids=[item["write_id"]])

    async def write_async(self, request: Request) -> Response:
        body = await self._body(request)
        item = await self.s.write_async(
            request.path_params["instance_id"], self._write_request(body)
        )
        return envelope(items=[item], ids=[item["write_id"]])

    async def write_status(self, request: Request) -> Response:
        body = await self._body(request)
        write_id = required_str(body, "write_id", max_chars=NAME_MAX_CHARS)
        item = await self.s.write_status(request.path_params["instance_id"], write_id)
        return envelope(items=[item], ids=[write_id])

    # -- reads -----------------------------------------------------------------------------

    async def read(self, request: Request) -> Response:
        body = await self._body(request)
        query = required_str(body, "query", max_chars=self.settings.max_text_chars)
        key = "mode" if body.get("mode") is not None else "read_mode"
        mode = optional_enum(body, key, ReadMode, ReadMode.SINGLE_ANSWER)
        read_id = optional_str(body, "read_id", max_chars=NAME_MAX_CHARS)
        sql = optional_str(body, "sql", max_chars=self.settings.max_text_chars)
        if sql is not None and not sql.strip():
            raise InvalidRequest(
                "'sql' is empty; leave it out to have the question answered", field="sql"
            )
        item = await self.s.read(request.path_params["instance_id"], query, mode, read_id, sql=sql)
        return envelope(items=[item])

    async def extract(self, request: Request) -> Response:
        body = await self._body(request)
        text = required_str(body, "text", max_chars=self.settings.max_text_chars)
        logic = optional_enum(body, "extraction_logic", ExtractionLogic, ExtractionLogic.DEEP)
        item = await self.s.extract(request.path_params["instance_id"], text, logic)
        return envelope(items=[item])

    async def describe(self, request: Request) -> Response:
        item = await self.s.describe(request.path_params["instance_id"])
        return envelope(items=[item], ids=[item["instance_id"]])
