"""The engine's OpenAPI 3.1 document, generated from the table of routes the app is built from.

Each `RouteSpec` names its request body model (`api/bodies.py`), which is also what the
engine validates that body with, and every answer is the envelope typed in `api/envelope.py`;
nothing here is written twice, so the document cannot drift from what the engine accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter

from xmemory_engine.api.envelope import Envelope
from xmemory_engine.errors import (
    Conflict,
    EngineError,
    InvalidRequest,
    MindFailed,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    Unprocessable,
)

_REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"{(\w+)}")
_ERRORS: tuple[type[EngineError], ...] = (
    InvalidRequest,
    Unauthorized,
    NotFound,
    Conflict,
    PayloadTooLarge,
    Unprocessable,
    MindFailed,
)


@dataclass(frozen=True)
class QueryParam:
    name: str
    description: str
    array: bool = False


@dataclass(frozen=True)
class RouteSpec:
    """One route: where, which handler of the app, and the model its body is validated with."""

    path: str
    methods: tuple[str, ...]
    handler: str
    summary: str
    body: type[BaseModel] | None = None
    query: tuple[QueryParam, ...] = ()
    envelope: bool = True
    """False for the routes that answer a plain object (`/healthz`, `/openapi.json`)."""


def openapi_document(routes: tuple[RouteSpec, ...], *, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `routes`."""
    schemas: dict[str, Any] = {}
    envelope_schema = _schema(TypeAdapter(Envelope).json_schema(ref_template=_REF), schemas)
    schemas["Envelope"] = envelope_schema
    paths: dict[str, dict[str, Any]] = {}
    for spec in routes:
        for method in spec.methods:
            paths.setdefault(spec.path, {})[method.lower()] = _operation(spec, method, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "xmemory engine",
            "version": version,
            "description": "The xmemory HTTP API as served by the embedded engine "
            "(`xmemory-mcp engine serve`). Every answer but /healthz and /openapi.json is the "
            "envelope `{ids, items, errors}`; an error is a non-2xx status with one entry in "
            "`errors`.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        # Only when the engine has an API key; /healthz never needs one.
        "security": [{"bearer": []}, {}],
    }


def _operation(spec: RouteSpec, method: str, schemas: dict[str, Any]) -> dict[str, Any]:
    name = spec.handler if len(spec.methods) == 1 else f"{spec.handler}_{method.lower()}"
    operation: dict[str, Any] = {"operationId": name, "summary": spec.summary}
    parameters = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
        for p in _PARAM.findall(spec.path)
    ]
    for q in spec.query:
        schema: dict[str, Any] = (
            {"type": "array", "items": {"type": "string"}} if q.array else {"type": "string"}
        )
        parameters.append(
            {"name": q.name, "in": "query", "required": False, "description": q.description}
            | {"schema": schema}
        )
    if parameters:
        operation["parameters"] = parameters
    if spec.body is not None:
        ref = _schema(spec.body.model_json_schema(ref_template=_REF), schemas, spec.body.__name__)
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref}},
        }
    if not spec.envelope:
        operation["responses"] = {
            "200": {
                "description": "a plain JSON object",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
        operation["security"] = [{}] if spec.path == "/healthz" else [{"bearer": []}, {}]
        return operation
    envelope = {
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="Envelope")}}}
    }
    responses: dict[str, Any] = {"200": {"description": "the envelope, `errors` empty"} | envelope}
    for error in _ERRORS:
        responses.setdefault(str(error.status), {"description": error.code} | envelope)
    responses["500"] = {"description": "internal_error (a bug: please report it)"} | envelope
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def _schema(generated: dict[str, Any], schemas: dict[str, Any], name: str | None = None) -> Any:
    """Move `$defs` into the components; a reference to the model itself when `name` is given."""
    for key, value in generated.pop("$defs", {}).items():
        schemas[key] = value
    if name is None:
        return generated
    schemas[name] = generated
    return {"$ref": _REF.format(model=name)}
