"""Every endpoint as a `Call`: method, path, query, body and answer parser, built without I/O.

This is the one place that knows the wire format (shared/WIRE.md). Optional keys the caller did
not set are omitted from bodies, never sent as null: older servers reject unknown keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._base import require_id, segment
from ._describe import DescribeResult
from ._enums import ExtractionLogic, ReadMode, SchemaType
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
from ._mutations import StructuredMutation, mutations_to_wire
from ._wire import Call, ids, many, one


def _listing_params(ids: Sequence[str] | None) -> list[tuple[str, str]]:
    params = [("verbose", "true")]
    if ids is None:
        return params
    if isinstance(ids, str):
        raise TypeError("`ids` must be a list of ids, not a single string")
    if not ids:
        # Sending no filter would list everything: the opposite of what an empty list asks.
        raise ValueError("`ids` is empty; pass None to list everything")
    for i, value in enumerate(ids):
        params.append(("ids", require_id(f"ids[{i}]", value)))
    return params


def _schema_body(schema_text: str, schema_type: SchemaType | str) -> dict[str, Any]:
    kind = SchemaType(schema_type)
    key = "yml" if kind is SchemaType.YML else "json_schema"
    return {key: {"value": schema_text}}


def _yml_text(schema: str | Mapping[str, Any]) -> str:
    if isinstance(schema, str):
        return schema
    import yaml  # imported here: only this rarely used convenience needs it

    return yaml.safe_dump(dict(schema), sort_keys=False)


def list_clusters(ids: Sequence[str] | None) -> Call[list[ClusterInfo]]:
    return Call("GET", "/clusters", many(ClusterInfo), params=_listing_params(ids))


def get_cluster(cluster_id: str) -> Call[ClusterInfo]:
    return Call("GET", f"/clusters/{segment('cluster_id', cluster_id)}", one(ClusterInfo))


def generate_schema(
    cluster_id: str, description: str, current_yml_schema: str | Mapping[str, Any] | None
) -> Call[GenerateSchemaResult]:
    body: dict[str, Any] = {"schema_description": description}
    if current_yml_schema is not None:
        body["current_yml_schema"] = _yml_text(current_yml_schema)
    path = f"/clusters/{segment('cluster_id', cluster_id)}/instances/generate_schema"
    return Call("POST", path, one(GenerateSchemaResult), body=body)


def create_instance(
    cluster_id: str,
    name: str,
    schema_text: str,
    schema_type: SchemaType | str,
    description: str | None,
    schema_description: str | None,
) -> Call[InstanceInfo]:
    body: dict[str, Any] = {"name": name}
    if description is not None:
        body["description"] = description
    body["instance_schema"] = _schema_body(schema_text, schema_type)
    if schema_description is not None:
        body["schema_description"] = schema_description
    path = f"/clusters/{segment('cluster_id', cluster_id)}/instances"
    return Call("POST", path, one(InstanceInfo), body=body)


def list_instances(ids: Sequence[str] | None) -> Call[list[InstanceInfo]]:
    return Call("GET", "/instances", many(InstanceInfo), params=_listing_params(ids))


def _instance_path(instance_id: str, tail: str = "") -> str:
    return f"/instances/{segment('instance_id', instance_id)}{tail}"


def get_instance(instance_id: str) -> Call[InstanceInfo]:
    return Call("GET", _instance_path(instance_id), one(InstanceInfo))


def delete_instance(instance_id: str) -> Call[list[str]]:
    return Call("DELETE", _instance_path(instance_id), ids)


def get_instance_schema(instance_id: str) -> Call[InstanceSchemaInfo]:
    return Call("GET", _instance_path(instance_id, "/schema"), one(InstanceSchemaInfo))


def update_instance_schema(
    instance_id: str, schema_text: str, schema_type: SchemaType | str
) -> Call[InstanceInfo]:
    body = {"instance_schema": _schema_body(schema_text, schema_type)}
    return Call("PUT", _instance_path(instance_id, "/schema"), one(InstanceInfo), body=body)


def update_instance_metadata(
    instance_id: str, name: str, description: str | None
) -> Call[InstanceInfo]:
    body: dict[str, Any] = {"name": name}
    if description is not None:
        body["description"] = description
    return Call("PUT", _instance_path(instance_id), one(InstanceInfo), body=body)


def _write_body(
    text: str | None,
    structured_mutations: Sequence[StructuredMutation] | None,
    extraction_logic: ExtractionLogic | str,
    diff_engine: bool | None,
    source_text: str | None = None,
    occurred_at: str | None = None,
) -> dict[str, Any]:
    if (text is None) == (structured_mutations is None):
        raise ValueError("Pass exactly one of `text` and `structured_mutations`")
    body: dict[str, Any] = {}
    if structured_mutations is None:
        body["text"] = text
    else:
        mutations = mutations_to_wire(structured_mutations)
        if not mutations:
            raise ValueError("`structured_mutations` is empty: there is nothing to write")
        body["structured_mutations"] = mutations
    body["extraction_logic"] = ExtractionLogic(extraction_logic).value
    if diff_engine is not None:
        body["use_diff_engine"] = diff_engine
    if source_text is not None:
        if structured_mutations is None:
            raise ValueError("`source_text` goes with `structured_mutations` (text is kept itself)")
        body["source_text"] = source_text
    if occurred_at is not None:
        body["occurred_at"] = occurred_at
    return body


def write(
    instance_id: str,
    text: str | None,
    structured_mutations: Sequence[StructuredMutation] | None,
    extraction_logic: ExtractionLogic | str,
    diff_engine: bool | None,
    source_text: str | None = None,
    occurred_at: str | None = None,
) -> Call[WriteResult]:
    body = _write_body(
        text, structured_mutations, extraction_logic, diff_engine, source_text, occurred_at
    )
    return Call("POST", _instance_path(instance_id, "/write"), one(WriteResult), body=body)


def write_async(
    instance_id: str,
    text: str | None,
    structured_mutations: Sequence[StructuredMutation] | None,
    extraction_logic: ExtractionLogic | str,
    diff_engine: bool | None,
    source_text: str | None = None,
    occurred_at: str | None = None,
) -> Call[AsyncWriteResult]:
    body = _write_body(
        text, structured_mutations, extraction_logic, diff_engine, source_text, occurred_at
    )
    path = _instance_path(instance_id, "/write_async")
    return Call("POST", path, one(AsyncWriteResult), body=body)


def write_status(instance_id: str, write_id: str) -> Call[WriteStatusResult]:
    body = {"write_id": require_id("write_id", write_id)}
    path = _instance_path(instance_id, "/write_status")
    return Call("POST", path, one(WriteStatusResult), body=body)


def read(
    instance_id: str,
    query: str,
    read_mode: ReadMode | str,
    read_id: str | None,
    sql: str | None = None,
) -> Call[ReadResult]:
    body: dict[str, Any] = {"query": query, "mode": ReadMode(read_mode).value}
    if read_id is not None:
        body["read_id"] = read_id
    if sql is not None:
        body["sql"] = sql
    return Call("POST", _instance_path(instance_id, "/read"), one(ReadResult), body=body)


def forget(
    instance_id: str,
    text: str | None,
    object_type: str | None,
    xuid: str | None,
    key: Mapping[str, Any] | None,
) -> Call[ForgetResult]:
    if (text is None) == (object_type is None):
        raise ValueError("Pass exactly one of `text` and `object_type` (with `xuid` or `key`)")
    body: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            raise ValueError("Expected a non-empty value for `text`")
        if xuid is not None or key is not None:
            raise ValueError("`xuid` and `key` go with `object_type`, not with `text`")
        body["text"] = text
    else:
        if (xuid is None) == (key is None):
            raise ValueError("With `object_type`, pass exactly one of `xuid` and `key`")
        body["object_type"] = object_type
        if xuid is not None:
            body["xuid"] = require_id("xuid", xuid)
        else:
            body["key"] = dict(key or {})
    return Call("POST", _instance_path(instance_id, "/forget"), one(ForgetResult), body=body)


def extract(
    instance_id: str, text: str, extraction_logic: ExtractionLogic | str
) -> Call[ExtractResult]:
    body = {"text": text, "extraction_logic": ExtractionLogic(extraction_logic).value}
    return Call("POST", _instance_path(instance_id, "/extract"), one(ExtractResult), body=body)


def describe(instance_id: str) -> Call[DescribeResult]:
    return Call("GET", _instance_path(instance_id, "/describe"), one(DescribeResult))
