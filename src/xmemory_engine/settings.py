"""The engine's configuration, read once at the edge (CLI, environment) and passed in.

`EngineEnvironment` lists every environment variable the engine reads (its mind's included),
each once with its type, default and description; `engine_environment()` is the only place in
`xmemory_engine` that reads `os.environ`. It builds the `EngineSettings` and `MindSettings`
the rest of the engine is given.

The few lines below that turn a model's fields into environment variables mirror
`xmemory._settings` (the engine does not import the SDK; see that module for why plain pydantic
rather than pydantic-settings).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

if TYPE_CHECKING:
    from xmemory_engine.minds.factory import MindSettings

M = TypeVar("M", bound=BaseModel)

DEFAULT_MAX_TEXT_CHARS = 100_000
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_MUTATIONS = 10_000
DEFAULT_READ_ROW_LIMIT = 1000
DEFAULT_READ_TIME_LIMIT = 5.0
DEFAULT_EXTRACTION_CONCURRENCY = 4
DEFAULT_LLM_TIMEOUT = 60.0


def _mind_settings(**values: Any) -> MindSettings:
    # Imported here: the MCP server reads this module before its first reply, and the minds
    # (with the schema parser under them) are not needed for that.
    from xmemory_engine.minds.factory import MindSettings

    return MindSettings(**values)


def default_data_dir() -> Path:
    """The per-user data directory (`platformdirs`), where the embedded engine keeps its files."""
    import platformdirs

    return Path(platformdirs.user_data_dir("xmemory-mcp"))


# -- fields read from the environment (the engine's copy of xmemory._settings' few lines) --------


class InvalidEnvironment(ValueError):
    """An environment variable holds a value the engine cannot use; the message names it."""


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
    """A field read from the environment variable `name`; the keywords mean what they mean in
    `xmemory._settings.variable`."""
    refuse = secret if refuse_blank is None else refuse_blank
    extra: dict[str, Any] = {"secret": secret, "refuse_blank": refuse, "scope": scope}
    if shown_default is not None:
        extra["shown_default"] = shown_default
    if expects is not None:
        extra["expects"] = expects
    constraints.setdefault("repr", not secret)
    return Field(
        default,
        validation_alias=name,
        description=description,
        json_schema_extra=extra,
        **constraints,
    )


def read_environment(model: type[M], environ: Mapping[str, str]) -> M:
    """`model` from `environ`: values stripped, set-but-empty is unset; InvalidEnvironment,
    naming the variable, for a bad value."""
    present: dict[str, str] = {}
    fields = {
        info.validation_alias: info
        for info in model.model_fields.values()
        if isinstance(info.validation_alias, str)
    }
    for name, info in fields.items():
        raw = environ.get(name)
        if raw is None or not raw.strip():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if raw and extra.get("refuse_blank"):
                raise InvalidEnvironment(f"{name} is blank: give a real key, or unset it")
            continue
        present[name] = raw.strip()
    try:
        return model.model_validate(present)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        bad = fields.get(name)
        extra = bad.json_schema_extra if bad and isinstance(bad.json_schema_extra, dict) else {}
        shown = "<hidden>" if extra.get("secret") else repr(present.get(name, ""))
        if "expects" in extra:
            message = f"{name}={shown} is not {extra['expects']}"
        elif error["type"] == "literal_error":
            message = f"{name}={shown} is not {error['msg'].removeprefix('Input should be ')}"
        else:
            message = f"{name}={shown}: {error['msg']}"
        raise InvalidEnvironment(message) from None


@dataclass
class EngineSettings:
    """Everything the engine needs to know; every field but `data_dir` has a working default.

    Limits are documented on the wire: a request over one of them is refused with 413.
    """

    data_dir: Path
    api_key: str | None = field(default=None, repr=False)
    """When set, every request but `/healthz` must carry `Authorization: Bearer <api_key>`."""
    mind: MindSettings = field(default_factory=_mind_settings)
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    """Longest `text` (write, extract), `query` (read) or schema description accepted."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Largest request body accepted, checked on Content-Length and on the bytes received."""
    max_mutations: int = DEFAULT_MAX_MUTATIONS
    """Most structured mutations in one write."""
    read_row_limit: int = DEFAULT_READ_ROW_LIMIT
    """Most rows one generated query may return."""
    read_time_limit: float = DEFAULT_READ_TIME_LIMIT
    """Seconds one generated query may run."""
    extraction_concurrency: int = DEFAULT_EXTRACTION_CONCURRENCY
    """Text writes extracted at the same time, across all instances."""
    max_reported_changes: int = 1000
    """Entries kept per list in a write's `changes` / `cleaned_objects`; counts stay exact."""
    sweep_interval: float = 2.0
    """Seconds between looks for unfinished jobs left by an engine process that died while
    another one shares the data directory."""
    local_files: bool = False
    """Serve `export` / `import` to and from files on this machine (`portable/api.py`): on
    for the MCP server's embedded engine started with --portable-tools, off otherwise."""
    apply_delay: float = 0.0
    """Test-only: seconds to wait before applying each job, to make crash windows real."""
    database_url: str | None = field(default=None, repr=False)
    """`postgresql://...`: keep the catalog and every instance in this PostgreSQL database
    (`store/postgres`) instead of SQLite files; which engine processes are alive is then
    kept by the database too (advisory locks, `store/postgres/owners.py`), so processes on
    several machines share one queue and `data_dir` holds nothing they need. None: SQLite."""
    semantic: bool = True
    """Find stored sentences by meaning as well as by words, where the `semantic` extra is
    installed (`semantic.py`); off, a read finds sentences by their words only."""

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser()
        if self.api_key is not None:
            # A blank key once meant "no key", which served everything to anyone: an API key
            # that is set is a real one, or the engine does not start.
            if not self.api_key.strip():
                raise ValueError(
                    "the API key is blank; give a real key, or none at all to serve on "
                    "loopback only"
                )
            self.api_key = self.api_key.strip()
        if self.database_url is not None:
            url = self.database_url.strip()
            if not url.startswith(("postgresql://", "postgres://")):
                raise ValueError(
                    "the database URL must start with postgresql:// (a PostgreSQL server);"
                    " leave it unset to keep memory in SQLite files"
                )
            self.database_url = url

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> EngineSettings:
        """Settings from the environment (`EngineEnvironment`); keyword arguments override
        what the environment says."""
        return engine_environment(env).engine_settings(**overrides)


Provider = Literal["rules", "openai", "anthropic", "sampling"]


class EngineEnvironment(BaseModel):
    """Every environment variable the engine reads: its files, its limits, its mind."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path | None = variable(
        "XMEM_DATA_DIR",
        "Where the embedded engine keeps its files (`--data-dir` wins).",
        shown_default="the user data directory",
    )
    api_key: str | None = variable(
        "XMEM_ENGINE_API_KEY",
        "Key `xmemory-mcp engine serve` requires (`Authorization: Bearer <key>`) on every"
        " request but /healthz; without one it serves on loopback only (`--api-key` wins).",
        secret=True,
        scope="engine serve",
    )
    database_url: str | None = variable(
        "XMEM_ENGINE_DATABASE_URL",
        "`postgresql://USER[:PASSWORD]@HOST[:PORT]/DB`: keep memory in PostgreSQL instead of"
        " SQLite files (`--database-url` wins; needs `xmemory-mcp[postgres]`).",
        secret=True,
        refuse_blank=False,
    )
    max_text_chars: int = variable(
        "XMEM_ENGINE_MAX_TEXT_CHARS",
        "Longest text, question or schema description the engine accepts (longer: 413).",
        DEFAULT_MAX_TEXT_CHARS,
        expects="a positive whole number",
        gt=0,
    )
    max_body_bytes: int = variable(
        "XMEM_ENGINE_MAX_BODY_BYTES",
        "Largest request body the engine accepts, in bytes (larger: 413).",
        DEFAULT_MAX_BODY_BYTES,
        expects="a positive whole number",
        gt=0,
    )
    max_mutations: int = variable(
        "XMEM_ENGINE_MAX_MUTATIONS",
        "Most structured mutations in one write.",
        DEFAULT_MAX_MUTATIONS,
        expects="a positive whole number",
        gt=0,
    )
    read_row_limit: int = variable(
        "XMEM_ENGINE_READ_ROW_LIMIT",
        "Most rows one generated query may return.",
        DEFAULT_READ_ROW_LIMIT,
        expects="a positive whole number",
        gt=0,
    )
    read_time_limit: float = variable(
        "XMEM_ENGINE_READ_TIME_LIMIT",
        "Seconds one generated query may run.",
        DEFAULT_READ_TIME_LIMIT,
        expects="a positive number of seconds",
        gt=0,
        allow_inf_nan=False,
    )
    extraction_concurrency: int = variable(
        "XMEM_ENGINE_EXTRACTION_CONCURRENCY",
        "Text writes extracted at the same time, across all instances.",
        DEFAULT_EXTRACTION_CONCURRENCY,
        expects="a positive whole number",
        gt=0,
    )
    apply_delay: float = variable(
        "XMEM_ENGINE_TEST_APPLY_DELAY",
        "Test only: seconds to wait before applying each write, to make crash windows real.",
        0.0,
        expects="zero or more seconds",
        scope="tests",
        ge=0,
        allow_inf_nan=False,
    )
    semantic: bool = variable(
        "XMEM_ENGINE_SEMANTIC",
        "Find stored sentences by meaning too (with the `semantic` extra installed); `false`"
        " for words only.",
        True,
        expects="true or false",
    )
    llm_provider: Provider = variable(
        "XMEM_LLM_PROVIDER",
        "The engine's mind: `rules` (no model, no network), `openai`, `anthropic`, or"
        " `sampling` (borrow the MCP client's own model).",
        "rules",
        expects="one of " + ", ".join(get_args(Provider)),
    )
    llm_model: str | None = variable(
        "XMEM_LLM_MODEL",
        "The model name; required with XMEM_LLM_BASE_URL.",
        shown_default="gpt-4.1-mini / claude-haiku-4-5",
    )
    llm_base_url: str | None = variable(
        "XMEM_LLM_BASE_URL",
        "Any OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp), or another"
        " Anthropic endpoint.",
        shown_default="the provider's API",
    )
    llm_api_key: str | None = variable(
        "XMEM_LLM_API_KEY",
        "A key for the chosen provider; wins over OPENAI_API_KEY / ANTHROPIC_API_KEY.",
        secret=True,
        refuse_blank=False,
    )
    openai_api_key: str | None = variable(
        "OPENAI_API_KEY", "The key for XMEM_LLM_PROVIDER=openai.", secret=True, refuse_blank=False
    )
    anthropic_api_key: str | None = variable(
        "ANTHROPIC_API_KEY",
        "The key for XMEM_LLM_PROVIDER=anthropic.",
        secret=True,
        refuse_blank=False,
    )
    llm_timeout: float = variable(
        "XMEM_LLM_TIMEOUT",
        "Seconds one model call may take, retries included.",
        DEFAULT_LLM_TIMEOUT,
        expects="a positive number of seconds",
        gt=0,
        allow_inf_nan=False,
    )

    @field_validator("llm_provider", mode="before")
    @classmethod
    def _provider_in_any_case(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def mind(self) -> MindSettings:
        """The mind these variables choose; a key belongs to its own provider only."""
        provider_key = {"openai": self.openai_api_key, "anthropic": self.anthropic_api_key}
        return _mind_settings(
            provider=self.llm_provider,
            model=self.llm_model,
            base_url=self.llm_base_url,
            api_key=self.llm_api_key or provider_key.get(self.llm_provider),
            timeout=self.llm_timeout,
        )

    def engine_settings(self, **overrides: object) -> EngineSettings:
        """`EngineSettings` from these variables; keyword arguments win over them."""
        values: dict[str, object] = {
            "data_dir": self.data_dir or default_data_dir(),
            "api_key": self.api_key,
            "database_url": self.database_url,
            "mind": self.mind(),
            "max_text_chars": self.max_text_chars,
            "max_body_bytes": self.max_body_bytes,
            "max_mutations": self.max_mutations,
            "read_row_limit": self.read_row_limit,
            "read_time_limit": self.read_time_limit,
            "extraction_concurrency": self.extraction_concurrency,
            "apply_delay": self.apply_delay,
            "semantic": self.semantic,
        }
        values.update(overrides)
        return EngineSettings(**values)  # type: ignore[arg-type]


def engine_environment(env: Mapping[str, str] | None = None) -> EngineEnvironment:
    """The engine's variables from `env` (default: this process's environment); ValueError
    (`InvalidEnvironment`), naming the variable, when one is not usable."""
    return read_environment(EngineEnvironment, os.environ if env is None else env)
