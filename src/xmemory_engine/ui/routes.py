"""The engine-only routes the memory page reads through, and the page itself under `/ui/`.

These routes only read (records, one record, the records around it, the write log, an undo's
mutations); the page writes through `/write` with structured mutations, as an agent does.
They are part of the engine's API table (`api/app.py`), so they share its key, envelope,
errors and OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from xmemory_engine.api.envelope import envelope
from xmemory_engine.api.openapi import QueryParam, RouteSpec
from xmemory_engine.errors import InvalidRequest, NotFound
from xmemory_engine.service.memory import MemoryService
from xmemory_engine.store.catalog import SqliteCatalog
from xmemory_engine.ui import records, write_log

STATIC_DIR = Path(__file__).parent / "static"
UI_PREFIX = "/ui/"

_INSTANCE = "/instances/{instance_id}"
_LIMIT = QueryParam("limit", f"records or writes per page (1-{records.MAX_PAGE}, default 50)")

BROWSE_ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec(
        f"{_INSTANCE}/records/{{object_type}}",
        ("GET",),
        "list_records",
        "a page of one object type's records (the memory page)",
        query=(
            QueryParam("q", "only records whose text fields hold every word"),
            QueryParam("sort", "updated_at (default), created_at or a field"),
            QueryParam("order", "asc or desc (default desc)"),
            QueryParam("offset", "records to skip (default 0)"),
            _LIMIT,
        ),
    ),
    RouteSpec(
        f"{_INSTANCE}/records/{{object_type}}/{{xuid}}",
        ("GET",),
        "get_record",
        "one record: values, relations, each field's source and history, its episodes",
    ),
    RouteSpec(
        f"{_INSTANCE}/graph/{{xuid}}",
        ("GET",),
        "record_graph",
        "the records and relations around one record",
        query=(QueryParam("depth", "relations away from the record (1-3, default 1)"),),
    ),
    RouteSpec(
        f"{_INSTANCE}/writes",
        ("GET",),
        "list_writes",
        "the write log, newest first, with statuses",
        query=(QueryParam("before", "only writes queued before this seq"), _LIMIT),
    ),
    RouteSpec(
        f"{_INSTANCE}/writes/{{write_id}}/undo",
        ("GET",),
        "undo_write",
        "the structured mutations that would reverse a write (send them to /write)",
    ),
)


def _int(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name)
    if text is None or not text.strip():
        return default
    try:
        return int(text)
    except ValueError:
        raise InvalidRequest(
            f"query parameter '{name}' must be a whole number", field=name
        ) from None


class BrowseHandlers:
    """The handlers of `BROWSE_ROUTES`; mixed into the API's handlers (which set `s`)."""

    s: MemoryService

    async def list_records(self, request: Request) -> Response:
        live = await self.s.registry.get(request.path_params["instance_id"])
        spec = records.object_spec(live.schema, request.path_params["object_type"])
        order = request.query_params.get("order", "desc").lower()
        if order not in ("asc", "desc"):
            raise InvalidRequest("order must be asc or desc", field="order")
        search = request.query_params.get("q", "")
        sort = request.query_params.get("sort", "updated_at")
        offset, limit = _int(request, "offset", 0), _int(request, "limit", 50)
        item = await live.data.read(
            live.schema,
            lambda t: records.record_page(
                t,
                spec,
                search=search,
                sort=sort,
                descending=order == "desc",
                offset=offset,
                limit=limit,
            ),
        )
        return envelope(items=[item])

    async def get_record(self, request: Request) -> Response:
        live = await self.s.registry.get(request.path_params["instance_id"])
        xuid = request.path_params["xuid"]
        item = await live.data.read(live.schema, lambda t: records.record_detail(t, xuid))
        if item["object_type"] != request.path_params["object_type"]:
            raise NotFound(
                f"record {xuid!r} is a {item['object_type']}, not a "
                f"{request.path_params['object_type']}",
                resource_id=xuid,
            )
        return envelope(items=[item], ids=[xuid])

    async def record_graph(self, request: Request) -> Response:
        live = await self.s.registry.get(request.path_params["instance_id"])
        xuid, depth = request.path_params["xuid"], _int(request, "depth", 1)
        item = await live.data.read(live.schema, lambda t: records.neighbourhood(t, xuid, depth))
        return envelope(items=[item], ids=[xuid])

    def _catalog(self) -> SqliteCatalog:
        catalog = self.s.catalog
        if not isinstance(catalog, SqliteCatalog):  # pragma: no cover - SQLite catalog only
            raise InvalidRequest("the write log needs the SQLite catalog")
        return catalog

    async def list_writes(self, request: Request) -> Response:
        instance_id = request.path_params["instance_id"]
        live = await self.s.registry.get(instance_id)
        limit = write_log.check_limit(_int(request, "limit", 50))
        before = request.query_params.get("before")
        jobs = await self._catalog().recent_jobs(
            instance_id, limit, _int(request, "before", 0) if before else None
        )
        items = await live.data.read(live.schema, lambda t: write_log.log_entries(t, jobs))
        return envelope(items=items, ids=[i["write_id"] for i in items])

    async def undo_write(self, request: Request) -> Response:
        instance_id, write_id = request.path_params["instance_id"], request.path_params["write_id"]
        live = await self.s.registry.get(instance_id)
        job = await self.s.catalog.get_job(write_id)
        if job is None or job.instance_id != instance_id:
            raise NotFound(
                f"no write {write_id!r} on this instance (the log keeps the newest 1,000)",
                resource_id=write_id,
            )
        item = await live.data.read(live.schema, lambda t: write_log.undo_plan(t, job))
        return envelope(items=[item], ids=[write_id])


def page_routes() -> list[BaseRoute]:
    """`/ui/`: the page's static files (html, css, JS modules, the vendored graph library),
    from the package; the router's slash redirect sends `/ui` there."""
    return [Mount("/ui", app=StaticFiles(directory=STATIC_DIR, html=True), name="ui")]
