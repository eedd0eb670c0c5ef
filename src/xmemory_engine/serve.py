"""`engine serve`: the engine as a standalone HTTP server (uvicorn).

    xmemory-mcp engine serve --host 127.0.0.1 --port 8765 --data-dir DIR [--api-key KEY]
    python -m xmemory_engine serve ...

Both commands take the arguments `add_arguments` declares and hand the parsed namespace to
`run`. The API key also comes from `XMEM_ENGINE_API_KEY`. Serving beyond loopback without a key
is refused (exit code 2), and so is a blank key, anywhere: the API reads and writes everything
stored. When the server is ready it prints one line, `listening on http://HOST:PORT`, to stderr
(with the real port for `--port 0`).

Importing this module is cheap (the `xmemory-mcp` parser imports it on every start): the engine,
uvicorn and the mind are imported by `run`, not here.
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import logging
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

import anyio

if TYPE_CHECKING:
    from xmemory_engine.minds.base import Mind
    from xmemory_engine.settings import EngineSettings

DEFAULT_PORT = 8765
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
"""uvicorn's levels, `trace` included; anything else is refused by the parser."""


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def port_number(text: str) -> int:
    """A TCP port from the command line; argparse turns the error into one line and exit 2."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a TCP port (0-65535; 0 picks a free one)"
        )
    return value


class OneLineParser(argparse.ArgumentParser):
    """A parser whose errors are one line on stderr and exit status 2: a user's mistake gets a
    sentence, not the whole usage block and never a traceback."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `serve`, on `parser` (the `serve` subcommand of either command)."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 = any free one)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the data lives (default: $XMEM_DATA_DIR, else the user data directory)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        metavar="URL",
        help="keep memory in PostgreSQL (postgresql://USER@HOST/DB; needs xmemory-mcp[postgres])"
        " instead of SQLite files (default: $XMEM_ENGINE_DATABASE_URL)",
    )
    parser.add_argument(
        "--api-key",
        default=None,
        help="require 'Authorization: Bearer KEY' (default: $XMEM_ENGINE_API_KEY)",
    )
    parser.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="browser Origin allowed besides loopback ones, e.g. http://host:* (repeatable)",
    )
    parser.add_argument(
        "--log-level",
        type=str.lower,
        choices=LOG_LEVELS,
        default="warning",
        help="uvicorn and engine log level (default warning)",
    )


def build_parser(prog: str = "python -m xmemory_engine") -> argparse.ArgumentParser:
    """`python -m xmemory_engine`: one subcommand, `serve`."""
    parser = OneLineParser(prog=prog, description="The embedded xmemory engine on its own.")
    commands = parser.add_subparsers(
        dest="engine_command", title="commands", metavar="{serve}", required=True
    )
    serve = commands.add_parser(
        "serve",
        help="serve the engine's HTTP API (the xmemory API) with uvicorn",
        description="Serve the embedded xmemory engine over HTTP (the xmemory API).",
    )
    add_arguments(serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m xmemory_engine serve ...`; returns the exit status."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    return run(args)


def _refuse(message: str) -> int:
    print(f"xmemory engine: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Serve with the options `add_arguments` declared, until SIGINT / SIGTERM."""
    from xmemory_engine.settings import engine_environment

    if args.api_key is not None and not args.api_key.strip():
        return _refuse(
            "--api-key is blank; give a real key (or leave the flag out to serve on loopback"
            " without one)"
        )
    try:
        environment = engine_environment()
    except ValueError as exc:
        return _refuse(str(exc))
    api_key = args.api_key.strip() if args.api_key else environment.api_key
    if not is_loopback(args.host) and not api_key:
        return _refuse(
            f"refusing to serve on {args.host} without an API key: anyone who can reach that"
            " address could read and change every memory. Set --api-key (or"
            " XMEM_ENGINE_API_KEY), or bind to 127.0.0.1."
        )
    overrides: dict[str, object] = {"api_key": api_key}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    if getattr(args, "database_url", None) is not None:
        overrides["database_url"] = args.database_url
    try:
        settings = environment.engine_settings(**overrides)
    except ValueError as exc:
        return _refuse(str(exc))
    if settings.database_url is not None and importlib.util.find_spec("psycopg_pool") is None:
        return _refuse(
            "a database URL is set but the PostgreSQL driver is not installed:"
            " pip install 'xmemory-mcp[postgres]'"
        )
    from xmemory_engine.minds.factory import build_mind

    try:
        mind = build_mind(settings.mind)
    except (ValueError, ImportError) as exc:
        return _refuse(f"the configured mind cannot be used: {exc}")
    logging.basicConfig(
        level=getattr(logging, args.log_level.upper(), 5),  # uvicorn's TRACE is level 5
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        print(f"xmemory engine: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        anyio.run(_serve, settings, mind, sock, args, is_loopback(args.host))
    except KeyboardInterrupt:  # pragma: no cover - a second Ctrl-C during shutdown
        return 130
    except ConnectionError as exc:  # the database server is unreachable or refused us
        print(f"xmemory engine: {exc}", file=sys.stderr)
        return 1
    return 0


def _bind(host: str, port: int) -> socket.socket:
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    if bare == "localhost":
        bare, family = "127.0.0.1", socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((bare, port))
    sock.set_inheritable(True)
    return sock


async def _serve(
    settings: EngineSettings,
    mind: Mind,
    sock: socket.socket,
    args: argparse.Namespace,
    loopback: bool,
) -> None:
    import uvicorn

    from xmemory_engine.embedded import open_engine
    from xmemory_engine.ui.guard import HostOriginGuard

    async with open_engine(settings, mind=mind) as engine:
        # The memory page (/ui/) makes this reachable from a browser: Host and Origin are
        # checked as on the MCP HTTP transports.
        app = HostOriginGuard(
            engine.app, loopback=loopback, allowed_origins=getattr(args, "allowed_origin", [])
        )
        config = uvicorn.Config(app, lifespan="off", log_level=args.log_level, access_log=False)
        server = uvicorn.Server(config)
        _quiet_signals()
        async with anyio.create_task_group() as tg:
            tg.start_soon(_announce, server, sock, args.host, getattr(args, "page", False))
            await server.serve(sockets=[sock])
            tg.cancel_scope.cancel()


async def _announce(server: object, sock: socket.socket, host: str, page: bool) -> None:
    # uvicorn exposes readiness only as a flag, not an event to wait on.
    while not getattr(server, "started", False):  # noqa: ASYNC110
        await anyio.sleep(0.01)
    port = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    print(f"listening on http://{shown}:{port}", file=sys.stderr, flush=True)
    if page:  # `xmemory-mcp ui`: where to point the browser
        print(f"memory page: http://{shown}:{port}/ui/", file=sys.stderr, flush=True)


def _quiet_signals() -> None:
    """Uvicorn handles SIGINT/SIGTERM by shutting down, then re-raises the signal under the
    handler that was there before it; this one makes that re-raise harmless, so the engine
    closes its files instead of dying with the default handler."""

    def ignore(sig: int, frame: FrameType | None) -> None:
        return None

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, ignore)
        except ValueError:  # not the main thread (embedded in a test runner): nothing to do
            return
