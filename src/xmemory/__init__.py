"""The xmemory SDK: sync and async clients for the xmemory HTTP API.

    from xmemory import XmemoryClient

    with XmemoryClient(token="...") as client:
        inst = client.instance("your-instance-id")
        inst.write("Alice works at Acme.")
        print(inst.read("Where does Alice work?").reader_result)

Every failure raises a subclass of `XmemoryAPIError` (the tree is drawn in `_exceptions.py`).
"""

from __future__ import annotations

from ._async_client import AsyncAdminAPI, AsyncInstanceAPI, AsyncXmemoryClient
from ._base import DEFAULT_TIMEOUT, DEFAULT_URL, RetryPolicy
from ._client import AdminAPI, InstanceAPI, XmemoryClient
from ._describe import DescribeResult, ToolDescription, ToolParameter
from ._enums import ExtractionLogic, ReadMode, SchemaType, WriteQueueStatus
from ._exceptions import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    XmemoryAPIError,
    XmemoryConnectionError,
    XmemoryHealthCheckError,
    XmemoryResponseError,
    XmemoryStatusError,
    XmemoryTimeoutError,
)
from ._models import (
    AsyncWriteResult,
    ClusterInfo,
    ExtractResult,
    ForgetResult,
    GenerateSchemaResult,
    InstanceInfo,
    InstanceSchemaInfo,
    ReadResult,
    WriteChanges,
    WriteResult,
    WriteStatusResult,
    XmemoryModel,
)
from ._mutations import ObjectMutation, RelationEndpoint, RelationMutation, StructuredMutation
from ._version import __version__

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_URL",
    "AdminAPI",
    "AsyncAdminAPI",
    "AsyncInstanceAPI",
    "AsyncWriteResult",
    "AsyncXmemoryClient",
    "AuthenticationError",
    "BadRequestError",
    "ClusterInfo",
    "ConflictError",
    "DescribeResult",
    "ExtractResult",
    "ExtractionLogic",
    "ForgetResult",
    "GenerateSchemaResult",
    "InstanceAPI",
    "InstanceInfo",
    "InstanceSchemaInfo",
    "InternalServerError",
    "NotFoundError",
    "ObjectMutation",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReadMode",
    "ReadResult",
    "RelationEndpoint",
    "RelationMutation",
    "RetryPolicy",
    "SchemaType",
    "StructuredMutation",
    "ToolDescription",
    "ToolParameter",
    "UnprocessableEntityError",
    "WriteChanges",
    "WriteQueueStatus",
    "WriteResult",
    "WriteStatusResult",
    "XmemoryAPIError",
    "XmemoryClient",
    "XmemoryConnectionError",
    "XmemoryHealthCheckError",
    "XmemoryModel",
    "XmemoryResponseError",
    "XmemoryStatusError",
    "XmemoryTimeoutError",
    "__version__",
]
