"""The `xmemory-mcp` command: flags and environment in, a served MCP server out.

    xmemory-mcp                                  MCP over stdio, on the embedded engine
    xmemory-mcp --transport streamable-http      MCP over HTTP on 127.0.0.1:8000/mcp
    xmemory-mcp engine serve [--port ...]        the engine alone, as an HTTP API server

One argparse parser with subcommands: the MCP server is what runs with no subcommand (every
client config says just `xmemory-mcp`), `engine serve` is a subcommand whose options are the
ones `python -m xmemory_engine serve` takes. A user's mistake is one line on stderr and exit
status 2. The environment is read through the settings models (`settings.py`), never here.
"""

from __future__ import annotations

import gc

# What this module imports (the SDK, pydantic, anyio, the settings models: ~250 modules) lives
# as long as the process: the collector's passes over it while it is imported are work for
# nothing (~11 ms of CPU in 80 passes, before `main` turns the collector off for the rest of
# start-up). It is off while they run, and on again after for any program importing this
# module, with what exists by then frozen out of its passes (`gc.freeze`): turned back on
# with all of it still young, its next pass would go over all of it at once.
_COLLECTING = gc.isenabled()
gc.disable()
try:
    import argparse
    import importlib.util
    import logging
    import math
    import os
    import signal
    import sys
    from collections.abc import Mapping, Sequence
    from functools import partial
    from pathlib import Path
    from types import FrameType
    from typing import TYPE_CHECKING

    import anyio

    # httpx's package imports its command-line client (`httpx._main`, which imports click,
    # pygments and rich where installed: ~4 ms of start-up and ~0.5 MB) only to offer
    # `httpx.main`, which this program never calls. Marked absent, httpx keeps its stub.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

    from .lazy_models import models_built_when_used

    # The models of the xmemory SDK (and of the MCP SDK, `sdk_server_modules`) are built when
    # first used: most never are in a session (`lazy_models`).
    with models_built_when_used():
        from xmemory import __version__
        from xmemory_engine.serve import OneLineParser, port_number
        from xmemory_engine.serve import add_arguments as add_engine_serve_arguments
        from xmemory_engine.ui.command import add_arguments as add_ui_arguments

        from .portable_cli import add_commands as add_portable_commands
        from .settings import (
            DEFAULT_HOST,
            DEFAULT_PORT,
            DEFAULT_WRITE_WAIT,
            TRANSPORTS,
            Settings,
            SettingsError,
            process_environment,
            read_server_environment,
        )
finally:
    if _COLLECTING:
        gc.freeze()
        gc.enable()

if TYPE_CHECKING:
    from xmemory_engine.minds.base import TextModel

    from .backend import BackendHandle
    from .sessions import ClientSessions

logger = logging.getLogger("xmemory_mcp")

LOG_LEVELS = ("debug", "info", "warning", "error")


def seconds(text: str) -> float:
    """Zero or more seconds, from the command line."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r} is not zero or more seconds")
    return value


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The command's parser; `commands=False`: without its subcommands, for an empty command
    line (how clients spawn the server), which it parses the same: building the subcommands'
    parsers was ~3.5 ms of every start (issue 11)."""
    parser = OneLineParser(
        prog="xmemory-mcp",
        description="Persistent, structured memory for AI agents over MCP. With no options: MCP"
        " over stdio on the embedded engine (no account, no network).",
        epilog="Backend: --url / XMEM_API_URL wins; else a key (--token, XMEM_AUTH_TOKEN,"
        " XMEM_API_KEY) means the hosted API; else the embedded engine under --data-dir."
        " 'xmemory-mcp engine serve --help': the engine alone, as an HTTP API server.",
    )
    add = parser.add_argument
    add("--version", action="version", version=f"xmemory-mcp {__version__}")
    backend = parser.add_argument_group("backend")
    backend.add_argument("--url", help="xmemory API URL to use (env XMEM_API_URL)")
    backend.add_argument("--token", help="xmemory API key (env XMEM_AUTH_TOKEN or XMEM_API_KEY)")
    backend.add_argument(
        "--data-dir",
        type=Path,
        help="embedded engine data directory (env XMEM_DATA_DIR; default: the user data dir)",
    )
    backend.add_argument(
        "--instance",
        help="instance the tools act on by default (env XMEM_INSTANCE_ID; embedded default: its default instance)",
    )
    backend.add_argument(
        "--no-admin",
        action="store_true",
        help="hide the admin tools (clusters, instances, schemas)",
    )
    backend.add_argument(
        "--forget-tool",
        action="store_true",
        help="list the forget tool (erase for good what a text mentions; engine backends only)",
    )
    backend.add_argument(
        "--portable-tools",
        action="store_true",
        help="list export_memory / import_memory (files on this machine; embedded engine only)",
    )
    backend.add_argument(
        "--write-wait",
        type=seconds,
        default=None,
        help=f"seconds `write` waits for its job before answering with the write_id to poll (default {DEFAULT_WRITE_WAIT:g})",
    )
    serving = parser.add_argument_group("serving")
    serving.add_argument("--transport", choices=TRANSPORTS, default="stdio", help="default: stdio")
    serving.add_argument(
        "--host", default=DEFAULT_HOST, help=f"HTTP bind address (default {DEFAULT_HOST})"
    )
    serving.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"HTTP port, 0 for any free one (default {DEFAULT_PORT})",
    )
    serving.add_argument(
        "--auth-token",
        help="bearer token HTTP clients must send (env XMEM_MCP_AUTH_TOKEN); required beyond loopback",
    )
    serving.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="browser Origin allowed over HTTP, e.g. https://app.example.com or http://host:* (repeatable)",
    )
    serving.add_argument(
        "--log-level",
        type=str.lower,
        choices=LOG_LEVELS,
        default="warning",
        help="stderr log level (default warning)",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subcommands = parser.add_subparsers(dest="command", title="commands", metavar="{engine,ui}")
    engine = subcommands.add_parser(
        "engine",
        help="the embedded engine on its own (see 'xmemory-mcp engine --help')",
        description="The embedded xmemory engine on its own, without MCP.",
    )
    engine_commands = engine.add_subparsers(
        dest="engine_command", title="commands", metavar="{serve,export,import}", required=True
    )
    serve = engine_commands.add_parser(
        "serve",
        help="serve the engine's HTTP API (the xmemory API), e.g. for --url elsewhere",
        description="Serve the embedded xmemory engine over HTTP (the xmemory API). The"
        " published xmemory clients and `xmemory-mcp --url` work against it.",
    )
    add_engine_serve_arguments(serve)
    add_portable_commands(subcommands, engine_commands)
    page = subcommands.add_parser(
        "ui",
        help="a local web page to see and correct memory (the embedded engine)",
        description="Serve the memory page on 127.0.0.1: instances, records, evidence, history,"
        " the relation graph and the write log of the embedded engine; corrections go through"
        " the same writes an agent makes.",
    )
    add_ui_arguments(page)
    return parser


def _key(flag: str | None, option: str) -> str | None:
    """A key given as a flag; a blank one is refused, never taken as "no key" (that turned a
    typo into a server with no authentication). Blank variables are refused by the models."""
    if flag is None:
        return None
    if not flag.strip():
        raise SettingsError(f"{option} is blank: give a real key, or leave the flag out")
    return flag.strip()


def parse_settings(argv: Sequence[str], environ: Mapping[str, str]) -> Settings:
    """The MCP server's settings: flags first, then the environment, then defaults; validated."""
    args = build_parser().parse_args(list(argv))
    if args.command is not None:
        raise SettingsError(f"'{args.command}' is a subcommand, not MCP server settings")
    return settings_from(args, environ)


def settings_from(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """`Settings` from parsed flags over the environment's settings models."""
    client, server = read_server_environment(environ)
    url = (args.url or "").strip() or client.api_url
    token = _key(args.token, "--token") or client.token
    data_dir: Path | None = args.data_dir
    if not url and not token:
        # The embedded engine will run: its variables (limits, mind) are checked now, so a
        # typo is one line at start rather than a backend that never opens.
        from xmemory_engine.settings import engine_environment

        try:
            engine = engine_environment(environ)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        data_dir = data_dir or engine.data_dir
    settings = Settings(
        url=url,
        token=token,
        data_dir=data_dir.expanduser() if data_dir else None,
        instance_id=(args.instance or "").strip() or server.instance_id,
        admin=not args.no_admin,
        forget_tool=args.forget_tool,
        portable_tools=args.portable_tools,
        transport=args.transport,
        host=args.host,
        port=args.port,
        auth_token=_key(args.auth_token, "--auth-token") or server.mcp_auth_token,
        allowed_origins=tuple(args.allowed_origin),
        write_wait=DEFAULT_WRITE_WAIT if args.write_wait is None else args.write_wait,
        log_level=args.log_level.upper(),
        engine_env=dict(environ),
    )
    settings.validate()
    return settings


def configure_logging(level: str) -> None:
    """Everything to stderr: on stdio, stdout carries protocol frames and nothing else."""
    logging.basicConfig(
        stream=sys.stderr,
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Their debug output is every socket event; ours and the SDK's debug lines are enough.
    for noisy in ("httpcore", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))


async def serve(settings: Settings) -> None:
    """Serve MCP on the chosen transport until the client goes away.

    The backend opens in the background: the handshake (and, on the embedded engine, the
    first `tools/list`, from the last run's snapshot) does not wait for it.
    """
    from .backend import BackendHandle, embedded_data_dir
    from .server import MemoryServer
    from .sessions import ClientSessions
    from .settings import Backend

    sessions = ClientSessions()
    backend = BackendHandle()
    stop = anyio.Event()
    snapshot_path = None
    if settings.backend is Backend.EMBEDDED:
        snapshot_path = embedded_data_dir(settings) / "mcp-tools.json"
    memory = MemoryServer(settings, backend, sessions=sessions, snapshot_path=snapshot_path)
    sampler = _client_sampler(settings, sessions)
    async with anyio.create_task_group() as tg:
        tg.start_soon(partial(backend.run, settings, stop, sampler=sampler))
        tg.start_soon(_collect_after_start, backend)
        tg.start_soon(memory.refresh_when_ready)
        try:
            if settings.transport == "stdio":
                from .stdio import serve_stdio

                # SIGTERM / SIGINT: the calls in flight finish (a `write` waits for its job
                # up to write_wait), then the backend below closes and we exit 0.
                server = memory.lowlevel()
                options = server.create_initialization_options()
                await serve_stdio(server, options, drain_timeout=settings.write_wait + 5)
            else:
                from .http import serve_http

                await serve_http(settings, memory)
        finally:
            # The client is gone: stop the catalog refresh and close the backend (the engine
            # finishes or keeps its queued writes; they survive a restart).
            memory.close()
            stop.set()
            tg.cancel_scope.cancel()


def _client_sampler(settings: Settings, sessions: ClientSessions) -> TextModel | None:
    """The connected client's own model, when the embedded engine's mind is to borrow it
    (XMEM_LLM_PROVIDER=sampling); None otherwise, and the engine uses its configured mind."""
    from .settings import Backend

    if settings.backend is not Backend.EMBEDDED:
        return None
    # The provider is read from the variables' model, not through the mind factory: this runs
    # on the event loop before stdio starts, and the factory brings the schema parser and yaml
    # (about 30 ms the client waits for its `initialize` answer). The engine's own thread
    # imports them while the handshake goes on.
    from xmemory_engine.settings import engine_environment

    environment = engine_environment(settings.engine_env)
    if environment.llm_provider != "sampling":
        return None
    from xmemory_engine.minds.llm.sampling import SamplingTextModel

    # The engine is opened before any client connects; the model finds the session of the
    # latest request when it runs (stdio has exactly one).
    return SamplingTextModel(lambda: sessions.latest, timeout=environment.llm_timeout)


GC_YOUNGEST = 20_000
"""Allocations between passes over the garbage collector's youngest generation (Python: 700).
A 1,000-object write holds some 50,000 containers while it is handled; at 700 they were
promoted to the oldest generation and set off a full collection (over every module and cache,
~30-80 ms) every other batch. Reference counting frees them anyway; cycles wait a little."""


async def _collect_after_start(backend: BackendHandle) -> None:
    """Turn the garbage collector back on once start-up is over, with what start-up built
    (some 120,000 objects: modules, classes, the mind's tables) frozen out of its passes.

    Start-up allocates far more than it frees, so with the collector on, its passes over the
    growing heap were work for nothing: ~150 ms of CPU of the ~1.3 s to the first answer.
    Frozen, a later full collection looks at what was made since, not at the modules: one
    took 70-80 ms over the unfrozen heap, a few ms after (`gc.freeze`). Nothing is done when
    the collector was on (`serve` run by other code than `main`)."""
    if gc.isenabled():
        return
    try:
        await backend.settled()
    finally:
        gc.freeze()
        gc.enable()


SDK_PACKAGES = ("mcp", "mcp.server")
"""The `mcp` packages whose `__init__` this server does without (`bare_sdk_packages`)."""


def bare_sdk_packages() -> None:
    """Register the `mcp` SDK's packages without running their `__init__`, so that only the
    modules this server imports are loaded.

    `mcp/__init__.py` imports the whole SDK: the client and its transports, `MCPServer` (the
    decorator framework: prompts, resources, function metadata) and what they import;
    `mcp/server/__init__.py` imports `MCPServer` again. The server runs on the low-level
    `Server`, its session, models and transports, all imported by their own module names
    (`mcp.server.lowlevel`, ...), which a bare package (its `__path__`, not its body) finds
    as usual. Measured: ~90 ms of CPU and ~12 MB of memory less before the first answer, of
    a start-up that is mostly these imports.

    Called by `main` (the `xmemory-mcp` process) before anything imports `mcp`; when it has
    been imported already (a test, an embedding program) nothing is done. The names the
    packages' `__init__` would have defined (`mcp.ClientSession`, `mcp.server.Server`) are not
    on the bare packages: code in this process imports them from their modules.
    """
    for name in SDK_PACKAGES:
        if name in sys.modules:
            return
        parent, _, child = name.rpartition(".")
        spec = importlib.util.find_spec(name)
        if spec is None or spec.submodule_search_locations is None:
            return
        # A module made from the spec: __name__, __path__, __spec__, __loader__, not executed.
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        if parent:
            setattr(sys.modules[parent], child, package)


HTTP_SERVER_MODULES = ("uvicorn",)
"""What the SDK's server modules import only for serving HTTP: `sse_starlette` (imported by
the streamable-HTTP transport, which the low-level `Server` imports whatever the transport)
patches uvicorn's exit handler when uvicorn is installed, and importing uvicorn brings its
config, click and `logging.config` (~15 ms of CPU before the first answer). Over stdio no
uvicorn ever runs, so nothing is lost where it is absent (`sdk_server_modules`)."""


def sdk_server_modules(transport: str, absent: Sequence[str] = HTTP_SERVER_MODULES) -> None:
    """Import the server's modules (and the SDK's they need) for `transport`; over stdio with
    the modules `absent` names marked absent meanwhile, so that what tries them does without.

    Afterwards the marks are gone: a later import of uvicorn in this process works as usual
    (only `sse_starlette`'s patch of it, for SSE streams under uvicorn, was not made). A
    module imported already is left as it is. Should an SDK release need one of them after
    all (its import fails), the modules are imported again without the marks."""
    marked = [n for n in absent if n not in sys.modules] if transport == "stdio" else []
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        with models_built_when_used():
            importlib.import_module("xmemory_mcp.server")
    except ImportError:
        if not marked:
            raise
        logger.debug("the SDK needs %s: imported after all", ", ".join(marked), exc_info=True)
        _unmark(marked)
        with models_built_when_used():
            importlib.import_module("xmemory_mcp.server")
    finally:
        _unmark(marked)


def _unmark(names: Sequence[str]) -> None:
    for name in names:
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]


MALLOC_ARENAS = 2
"""glibc malloc arenas this process may use (glibc: 8 per core). SQLite and the larger Python
objects are allocated with malloc by whichever worker thread runs the call, and each thread's
arena kept its own free memory after a batch write: ~2-3 MB of a server's RSS."""

MALLOC_TRIM_THRESHOLD = 32 * 1024
MALLOC_TOP_PAD = 0
"""Free memory glibc keeps at the top of its heap before giving it back, and what it adds to
each growth (glibc: 128 KiB each, and the threshold rises with every large block freed: a batch
write's request bodies, 150 KB and more, took it to megabytes that stayed). Fixed small, the
server's RSS after growing to 100,000 records by 1,000-object writes was 0.7-1.0 MB lower
(medians of 4 and 6 alternating runs) for no CPU the runs could tell (+0.7 %)."""

_MALLOPT = (  # glibc's malloc.h parameter, its value, the variable that sets it instead
    (-8, MALLOC_ARENAS, "MALLOC_ARENA_MAX"),  # M_ARENA_MAX
    (-1, MALLOC_TRIM_THRESHOLD, "MALLOC_TRIM_THRESHOLD_"),  # M_TRIM_THRESHOLD
    (-2, MALLOC_TOP_PAD, "MALLOC_TOP_PAD_"),  # M_TOP_PAD
)


def tune_malloc(environ: Mapping[str, str]) -> None:
    """Cap glibc's malloc arenas and the free memory it keeps (`mallopt`, as the MALLOC_*
    variables do) before the server starts its threads; nothing where the C library is not
    glibc, and a setting `environ` gives itself is left to it."""
    if sys.platform != "linux":
        return
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return
    except (ValueError, OSError):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return
    for parameter, value, variable in _MALLOPT:
        if variable not in environ:
            mallopt(parameter, value)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `xmemory-mcp` command; returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(commands=bool(words)).parse_args(words)
    if {args.command, getattr(args, "engine_command", None)} & {"export", "import"}:
        from .portable_cli import run as run_portable

        return run_portable(args, process_environment())
    if args.command == "engine":
        from xmemory_engine.serve import run

        return run(args)
    if args.command == "ui":
        return _serve_page(args)
    # Off while the settings models, the server's modules and the backend load (`serve` turns
    # it back on once start-up is over: `_collect_after_start`), on again when this returns.
    gc.disable()
    try:
        return _serve_mcp(args)
    finally:
        gc.enable()


def _serve_mcp(args: argparse.Namespace) -> int:
    """The MCP server the parsed flags and the environment describe, until it stops."""
    try:
        settings = settings_from(args, process_environment())
    except SettingsError as exc:
        print(f"xmemory-mcp: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    logger.info("starting: %r", settings)  # tokens are repr=False
    bare_sdk_packages()
    sdk_server_modules(settings.transport)
    # Until the transport takes signals over (and drains), SIGTERM is Ctrl-C: start-up is
    # abandoned in order and the exit status is 0, not -15.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    gc.set_threshold(GC_YOUNGEST, *gc.get_threshold()[1:])
    tune_malloc(settings.engine_env)
    try:
        anyio.run(serve, settings)
    except KeyboardInterrupt:
        return 0
    except Exception as exc:
        logger.debug("fatal", exc_info=True)
        print(f"xmemory-mcp: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _serve_page(args: argparse.Namespace) -> int:
    """`xmemory-mcp ui`: the memory page over the embedded engine (`xmemory_engine.ui`)."""
    from xmemory_engine.serve import run
    from xmemory_engine.ui.command import serve_arguments

    try:
        client, server = read_server_environment(process_environment())
        token = _key(args.api_key, "--auth-token") or server.mcp_auth_token
    except SettingsError as exc:
        print(f"xmemory-mcp: {exc}", file=sys.stderr)
        return 2
    if (args.url or "").strip() or args.token or client.api_url or client.token:
        print(
            "xmemory-mcp: the memory page shows the embedded engine; this configuration uses"
            " a remote xmemory API (--url, --token, XMEM_API_URL or a key). A remote"
            " `xmemory-mcp engine serve` serves the page itself at its /ui/.",
            file=sys.stderr,
        )
        return 2
    return run(serve_arguments(args, token))


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
