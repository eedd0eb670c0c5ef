"""The SDK's environment, and the small machinery every settings model of the project uses.

A settings model is a frozen pydantic model whose fields are declared with `variable(...)`: the
environment variable's name, its type (the annotation), its default and its description, once.
`read_environment` fills the model from a mapping; `variables` lists what a model reads, which
is how the README's table and server.json are checked against the code.

The SDK's own variables are in `ClientEnvironment`; `client_environment()` is the only place in
`xmemory` that reads `os.environ`. The MCP server's model builds on the same helpers.

Plain pydantic rather than pydantic-settings: the models are fed an explicit mapping (the MCP
server hands the environment it was started with to the engine it embeds, and tests pass
dicts), which pydantic-settings only reads from `os.environ` itself; the rest of what it adds
(.env files, secrets directories, nested delimiters, a CLI source) is unused here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

M = TypeVar("M", bound=BaseModel)


class InvalidEnvironment(ValueError):
    """An environment variable holds a value the settings cannot use; the message names it."""


def variable(
    name: str,
    description: str,
    default: Any = None,
    *,
    secret: bool = False,
    refuse_blank: bool | None = None,
    shown_default: str | None = None,
    expects: str | None = None,
    scope: str = "server",
    **constraints: Any,
) -> Any:
    """A settings field read from the environment variable `name`.

    `secret`: never shown in a repr or an error. `refuse_blank` (default: `secret`): set but
    blank is an error, not "unset" (a blank key once meant "no key", which served everything
    to anyone). `shown_default`: the default as the docs say it
    when it is computed (a directory) or depends on another variable. `expects`: the phrase an
    error uses for a bad value ("XMEM_X='soon' is not <expects>"). `scope`: "server" (read by
    `xmemory-mcp`), "engine serve" (only by the standalone engine) or "tests" (a test knob,
    left out of the docs).
    """
    refuse = secret if refuse_blank is None else refuse_blank
    extra: dict[str, Any] = {"secret": secret, "refuse_blank": refuse, "scope": scope}
    if shown_default is not None:
        extra["shown_default"] = shown_default
    if expects is not None:
        extra["expects"] = expects
    return Field(
        default,
        validation_alias=name,
        description=description,
        repr=not secret,
        json_schema_extra=extra,
        **constraints,
    )


@dataclass(frozen=True)
class Variable:
    """One environment variable a settings model reads, as the docs present it."""

    name: str
    field: str
    type: str
    default: object
    shown_default: str
    description: str
    secret: bool
    refuse_blank: bool
    scope: str
    expects: str | None
    choices: tuple[str, ...]


def variables(model: type[BaseModel]) -> list[Variable]:
    """The environment variables `model` reads, in declaration order."""
    found = []
    for field_name, info in model.model_fields.items():
        name = info.validation_alias
        if not isinstance(name, str):
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        kind, choices = _describe_type(info.annotation)
        default = info.default
        shown = extra.get("shown_default")
        if shown is None:
            shown = "—" if default is None else _show(default)
        found.append(
            Variable(
                name=name,
                field=field_name,
                type=kind,
                default=default,
                shown_default=str(shown),
                description=info.description or "",
                secret=bool(extra.get("secret")),
                refuse_blank=bool(extra.get("refuse_blank")),
                scope=str(extra.get("scope", "server")),
                expects=str(extra["expects"]) if "expects" in extra else None,
                choices=choices,
            )
        )
    return found


def read_environment(model: type[M], environ: Mapping[str, str]) -> M:
    """`model` filled from `environ`: values stripped, set-but-empty taken as unset (as shells
    and compose files write it); InvalidEnvironment, naming the variable, for a bad value."""
    present: dict[str, str] = {}
    declared = variables(model)
    for var in declared:
        raw = environ.get(var.name)
        if raw is None or raw == "":
            continue
        if not raw.strip():
            if var.refuse_blank:
                raise InvalidEnvironment(f"{var.name} is blank: give a real key, or unset it")
            continue
        present[var.name] = raw.strip()
    try:
        return model.model_validate(present)
    except ValidationError as exc:
        raise InvalidEnvironment(_explain(exc, declared, present)) from None


def _explain(exc: ValidationError, declared: list[Variable], present: Mapping[str, str]) -> str:
    """One line for the first bad variable, in the user's terms rather than pydantic's."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else ""
    var = next((v for v in declared if v.name == name), None)
    raw = present.get(name, "")
    shown = "<hidden>" if var is not None and var.secret else repr(raw)
    if error["type"] == "value_error":
        # Raised by a model's own validator: its message already says what is wrong.
        return f"{name}={shown}: {error['msg'].removeprefix('Value error, ')}"
    if var is not None and var.expects:
        expects = var.expects
    elif var is not None and var.choices:
        expects = "one of " + ", ".join(var.choices)
    elif var is not None and var.type in ("integer", "number"):
        expects = f"a valid {var.type}"
    else:
        return f"{name}={shown}: {error['msg']}"
    return f"{name}={shown} is not {expects}"


def _describe_type(annotation: object) -> tuple[str, tuple[str, ...]]:
    """The type as the docs name it, and the allowed values of a Literal."""
    text = str(annotation)
    args = getattr(annotation, "__args__", ())
    if "Literal" in text and args:
        return "string", tuple(str(a) for a in args)
    if "bool" in text:
        return "boolean", ()
    if "Path" in text:
        return "path", ()
    if "float" in text:
        return "number", ()
    if "int" in text:
        return "integer", ()
    return "string", ()


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ClientEnvironment(BaseModel):
    """What `XmemoryClient` / `AsyncXmemoryClient` read when `token` / `url` are not passed."""

    model_config = ConfigDict(frozen=True)

    auth_token: str | None = variable(
        "XMEM_AUTH_TOKEN",
        "xmemory API key; with it and no XMEM_API_URL, memory lives in the hosted xmemory API.",
        secret=True,
    )
    api_key: str | None = variable(
        "XMEM_API_KEY",
        "Another name for XMEM_AUTH_TOKEN (read when that one is unset).",
        secret=True,
    )
    api_url: str | None = variable(
        "XMEM_API_URL",
        "xmemory API to use instead of the default one, e.g. a remote `xmemory-mcp engine serve`.",
        shown_default="the backend rule (SDK: the hosted API)",
    )

    @property
    def token(self) -> str | None:
        """The key to send: XMEM_AUTH_TOKEN, else XMEM_API_KEY."""
        return self.auth_token or self.api_key


def client_environment(environ: Mapping[str, str] | None = None) -> ClientEnvironment:
    """The SDK's variables from `environ` (default: this process's environment)."""
    return read_environment(ClientEnvironment, os.environ if environ is None else environ)
