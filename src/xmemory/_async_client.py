"""The asynchronous client: `AsyncXmemoryClient`, `AsyncAdminAPI`, `AsyncInstanceAPI`.

Only the I/O loop lives here; what each call sends and how its answer is read is in
`_endpoints.py` and `_base.py`, shared with the sync client.
"""

# Every public coroutine takes `timeout=` by design: it is the documented API, mirrored from
# the sync client and passed to httpx per request, not a cancellation scope (ASYNC109).
# ruff: noqa: ASYNC109

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar

import anyio
import httpx

from . import _endpoints as ep
from ._base import DEFAULT_TIMEOUT, BaseClient, BaseInstanceAPI, RetryPolicy
from ._describe import DescribeResult
from ._enums import ExtractionLogic, ReadMode, SchemaType
from ._exceptions import XmemoryConnectionError
from ._models import (
    AsyncWriteResult,
    ClusterInfo,
    ExtractResult,
    ForgetResult,
    GenerateSchemaResult,
    InstanceInfo,
    InstanceSchemaInfo,
    ReadResult,
    WriteResult,
    WriteStatusResult,
)
from ._mutations import StructuredMutation
from ._wire import Call, Request

T = TypeVar("T")


def _new_http_client(timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=timeout)


class AsyncXmemoryClient(BaseClient):
    """An asynchronous client for the xmemory API.

    Args:
        token: Bearer token; defaults to `XMEM_AUTH_TOKEN`, then `XMEM_API_KEY`.
        url: API base URL; defaults to `XMEM_API_URL`, then `https://api.xmemory.ai`.
        timeout: Default per-request timeout in seconds; each call's `timeout=` overrides it.
        http_client: An `httpx.AsyncClient` to send through (an ASGI or mock transport, a proxy).
            It is used as is and never closed by this client: you manage its lifecycle.
        retry_policy: When to resend after 429 / 503; the default retries twice.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        http_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        super().__init__(token=token, url=url, timeout=timeout, retry_policy=retry_policy)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else _new_http_client(self._timeout)
        self.admin = AsyncAdminAPI(self)
        """Operations on clusters and instances (create, list, delete, schemas)."""

    _sleep = staticmethod(anyio.sleep)

    def instance(self, instance_id: str) -> AsyncInstanceAPI:
        """A handle for data operations on an existing instance."""
        return AsyncInstanceAPI(self, instance_id)

    async def check_health(self, timeout: float | None = None) -> None:
        """Return if `GET /healthz` answers 2xx; else raise `XmemoryHealthCheckError`."""
        request = self._health_request(timeout)
        try:
            response = await self._transmit(request)
        except XmemoryConnectionError as exc:
            raise self._health_unreachable(exc) from exc
        self._check_health(request, response)

    async def aclose(self) -> None:
        """Close the HTTP client, unless it was passed in (then its owner closes it)."""
        if self._owns_http:
            await self._http.aclose()

    async def close(self) -> None:
        """Alias of `aclose()`, so code written against the sync client's name still works."""
        await self.aclose()

    async def __aenter__(self) -> AsyncXmemoryClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, call: Call[T], timeout: float | None) -> T:
        request = self._prepare(call, timeout)
        retries = 0
        while True:
            response = await self._transmit(request)
            delay = self._retry_delay(request, response, retries)
            if delay is None:
                return self._finish(call, request, response)
            await self._sleep(delay)
            retries += 1

    async def _transmit(self, request: Request) -> httpx.Response:
        try:
            return await self._http.request(
                request.method,
                request.url,
                params=request.params or None,
                json=request.json,
                headers=request.headers,
                timeout=request.timeout,
            )
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise self._transport_error(request, exc) from exc


class AsyncAdminAPI:
    """Clusters, instances and their schemas: `client.admin`."""

    def __init__(self, client: AsyncXmemoryClient) -> None:
        self._client = client

    async def list_clusters(
        self, ids: Sequence[str] | None = None, timeout: float | None = None
    ) -> list[ClusterInfo]:
        """List the clusters you can use, or only those in `ids`."""
        return await self._client._send(ep.list_clusters(ids), timeout)

    async def get_cluster(self, cluster_id: str, timeout: float | None = None) -> ClusterInfo:
        """Get one cluster by ID."""
        return await self._client._send(ep.get_cluster(cluster_id), timeout)

    async def generate_schema(
        self,
        cluster_id: str,
        description: str,
        *,
        current_yml_schema: str | Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> GenerateSchemaResult:
        """Design a schema from a plain-language description of what to remember.

        Args:
            current_yml_schema: The schema to change (YAML text, or a parsed mapping); the
                description then says what to change, and everything else is kept.
        """
        call = ep.generate_schema(cluster_id, description, current_yml_schema)
        return await self._client._send(call, timeout)

    async def create_instance(
        self,
        cluster_id: str,
        name: str,
        schema_text: str,
        schema_type: SchemaType,
        *,
        description: str | None = None,
        schema_description: str | None = None,
        timeout: float | None = None,
    ) -> AsyncInstanceAPI:
        """Create an instance and return a handle bound to it (its InstanceInfo is `.info`).

        Args:
            schema_text: The schema as text, in the language `schema_type` names.
            schema_description: The plain-language description the schema was made from.
        """
        call = ep.create_instance(
            cluster_id, name, schema_text, schema_type, description, schema_description
        )
        info = await self._client._send(call, timeout)
        return AsyncInstanceAPI(self._client, info.id, info=info)

    async def list_instances(
        self, ids: Sequence[str] | None = None, timeout: float | None = None
    ) -> list[InstanceInfo]:
        """List your instances, or only those in `ids`."""
        return await self._client._send(ep.list_instances(ids), timeout)

    async def get_instance(self, instance_id: str, timeout: float | None = None) -> InstanceInfo:
        """Get one instance by ID."""
        return await self._client._send(ep.get_instance(instance_id), timeout)

    async def delete_instance(self, instance_id: str, timeout: float | None = None) -> list[str]:
        """Delete an instance and all its data; returns the deleted IDs."""
        return await self._client._send(ep.delete_instance(instance_id), timeout)

    async def get_instance_schema(
        self, instance_id: str, timeout: float | None = None
    ) -> InstanceSchemaInfo:
        """Get an instance's schema."""
        return await self._client._send(ep.get_instance_schema(instance_id), timeout)

    async def update_instance_schema(
        self,
        instance_id: str,
        schema_text: str,
        schema_type: SchemaType,
        timeout: float | None = None,
    ) -> InstanceInfo:
        """Replace an instance's schema; stored objects and fields that remain are kept."""
        call = ep.update_instance_schema(instance_id, schema_text, schema_type)
        return await self._client._send(call, timeout)

    async def update_instance_metadata(
        self,
        instance_id: str,
        name: str,
        description: str | None = None,
        timeout: float | None = None,
    ) -> InstanceInfo:
        """Rename an instance and, when given, change its description."""
        call = ep.update_instance_metadata(instance_id, name, description)
        return await self._client._send(call, timeout)


class AsyncInstanceAPI(BaseInstanceAPI):
    """Data operations on one instance: `client.instance(id)` or `admin.create_instance(...)`."""

    def __init__(
        self, client: AsyncXmemoryClient, instance_id: str, *, info: InstanceInfo | None = None
    ) -> None:
        super().__init__(instance_id, client._clock, info)
        self._client = client

    async def write(
        self,
        text: str | None = None,
        *,
        structured_mutations: Sequence[StructuredMutation] | None = None,
        extraction_logic: ExtractionLogic = ExtractionLogic.DEEP,
        diff_engine: bool | None = None,
        source_text: str | None = None,
        occurred_at: str | None = None,
        timeout: float | None = None,
    ) -> WriteResult:
        """Extract objects from `text` (or apply `structured_mutations`) and store them.

        Args:
            text: Free-form text to remember. Exactly one of `text` and `structured_mutations`.
            structured_mutations: LLM-free edits applied in order: `ObjectMutation`,
                `RelationMutation` or dicts in the wire shape.
            extraction_logic: Speed/accuracy trade-off of extraction.
            diff_engine: Ask the server to use (or not) its diff engine; unset leaves it to the server.
            source_text: With `structured_mutations`: the sentence(s) they came from, kept by
                servers that list the "episodes" feature as the write's source.
            occurred_at: When what the write tells happened (ISO date or datetime); default now.
        """
        call = ep.write(
            self._id,
            text,
            structured_mutations,
            extraction_logic,
            diff_engine,
            source_text,
            occurred_at,
        )
        return await self._client._send(call, timeout)

    async def write_async(
        self,
        text: str | None = None,
        *,
        structured_mutations: Sequence[StructuredMutation] | None = None,
        extraction_logic: ExtractionLogic = ExtractionLogic.DEEP,
        diff_engine: bool | None = None,
        source_text: str | None = None,
        occurred_at: str | None = None,
        timeout: float | None = None,
    ) -> AsyncWriteResult:
        """Enqueue a write and return at once; poll `write_status(result.write_id)`."""
        call = ep.write_async(
            self._id,
            text,
            structured_mutations,
            extraction_logic,
            diff_engine,
            source_text,
            occurred_at,
        )
        return await self._client._send(call, timeout)

    async def write_status(self, write_id: str, timeout: float | None = None) -> WriteStatusResult:
        """Where an enqueued write stands; `result.write_status.is_terminal` ends polling."""
        return await self._client._send(ep.write_status(self._id, write_id), timeout)

    async def read(
        self,
        query: str,
        *,
        read_mode: ReadMode = ReadMode.SINGLE_ANSWER,
        read_id: str | None = None,
        sql: str | None = None,
        timeout: float | None = None,
    ) -> ReadResult:
        """Ask a question in natural language.

        Args:
            read_mode: The shape of `reader_result`: prose, raw tables or objects and relations.
            read_id: Your own ID for this read, to correlate it in server logs.
            sql: One SELECT over the instance's tables to run instead of translating
                `query` (servers listing the "sql_read" feature); `query` still says what is asked.
        """
        return await self._client._send(ep.read(self._id, query, read_mode, read_id, sql), timeout)

    async def forget(
        self,
        text: str | None = None,
        *,
        object_type: str | None = None,
        xuid: str | None = None,
        key: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> ForgetResult:
        """Remove for good what `text` mentions, or one record (servers listing "forget").

        Args:
            text: Forget every stored value that mentions this text (whole words, any case):
                records it names, field values and the sentences of episodes holding it,
                their history, full-text rows and write log.
            object_type: Instead of `text`: the type of one record to forget, given by
                `xuid` or by `key` (its primary-key values).
        """
        call = ep.forget(self._id, text, object_type, xuid, key)
        return await self._client._send(call, timeout)

    async def extract(
        self,
        text: str,
        *,
        extraction_logic: ExtractionLogic = ExtractionLogic.DEEP,
        timeout: float | None = None,
    ) -> ExtractResult:
        """Preview what `write` would extract from `text`, storing nothing."""
        return await self._client._send(ep.extract(self._id, text, extraction_logic), timeout)

    async def get_schema(self, timeout: float | None = None) -> InstanceSchemaInfo:
        """This instance's schema."""
        return await self._client._send(ep.get_instance_schema(self._id), timeout)

    async def describe(self, timeout: float | None = None) -> DescribeResult:
        """Agent-facing tool descriptions for this instance, cached for 5 minutes."""
        # No lock: coroutines racing on a cold cache cost at most a duplicate GET.
        cached = self._describe_cache.get()
        if cached is not None:
            return cached
        result = await self._client._send(ep.describe(self._id), timeout)
        self._describe_cache.put(result)
        return result
