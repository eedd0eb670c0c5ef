"""`engine serve`: the engine as a standalone HTTP server (uvicorn).

    xmemory-mcp engine serve --host 127.0.0.1 --port 8765 --data-dir DIR [--api-key KEY]
    python -m xmemory_engine serve ...

The API key also comes from `XMEM_ENGINE_API_KEY`. Serving beyond loopback without a key is
refused (exit code 2), and so is a blank key, anywhere: the API reads and writes everything stored. When the server is ready it
prints one line, `listening on http://HOST:PORT`, to stderr (with the real port for
`--port 0`).
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import anyio

from xmemory_engine.minds.base import Mind
from xmemory_engine.settings import EngineSettings

DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xmemory-mcp engine serve",
        description="Serve the embedded xmemory engine over HTTP (the xmemory API).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the data lives (default: $XMEM_DATA_DIR, else the user data directory)",
    )
    parser.add_argument(
        "--api-key",
        default=None,
        help="require 'Authorization: Bearer KEY' (default: $XMEM_ENGINE_API_KEY)",
    )
    parser.add_argument("--log-level", default="warning", help="uvicorn and engine log level")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; `argv` is what follows `engine` (`serve --port ...`)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "serve":
        args_list = args_list[1:]
    elif args_list and not args_list[0].startswith("-") and args_list[0] not in ("-h", "--help"):
        print(
            f"xmemory engine: unknown command {args_list[0]!r}; the command is 'serve'",
            file=sys.stderr,
        )
        return 2
    args = _parser().parse_args(args_list)
    if args.api_key is not None and not args.api_key.strip():
        print(
            "xmemory engine: --api-key is blank; give a real key (or leave the flag out to "
            "serve on loopback without one)",
            file=sys.stderr,
        )
        return 2
    api_key = args.api_key or os.environ.get("XMEM_ENGINE_API_KEY") or None
    if api_key is not None and not api_key.strip():
        print(
            "xmemory engine: XMEM_ENGINE_API_KEY is blank; give a real key, or unset it to "
            "serve on loopback without one",
            file=sys.stderr,
        )
        return 2
    if not is_loopback(args.host) and not api_key:
        print(
            f"xmemory engine: refusing to serve on {args.host} without an API key: anyone who "
            "can reach that address could read and change every memory. Set --api-key (or "
            "XMEM_ENGINE_API_KEY), or bind to 127.0.0.1.",
            file=sys.stderr,
        )
        return 2
    overrides: dict[str, object] = {"api_key": api_key}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    try:
        settings = EngineSettings.from_env(os.environ, **overrides)
    except ValueError as exc:
        print(f"xmemory engine: {exc}", file=sys.stderr)
        return 2
    from xmemory_engine.minds.factory import build_mind

    try:
        mind = build_mind(settings.mind)
    except (ValueError, ImportError) as exc:
        print(f"xmemory engine: the configured mind cannot be used: {exc}", file=sys.stderr)
        return 2
    level = getattr(logging, str(args.log_level).upper(), logging.WARNING)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        print(f"xmemory engine: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        anyio.run(_serve, settings, mind, sock, args.host, str(args.log_level).lower())
    except KeyboardInterrupt:  # pragma: no cover - a second Ctrl-C during shutdown
        return 130
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
    settings: EngineSettings, mind: Mind, sock: socket.socket, host: str, log_level: str
) -> None:
    import uvicorn

    from xmemory_engine.embedded import open_engine

    async with open_engine(settings, mind=mind) as engine:
        config = uvicorn.Config(engine.app, lifespan="off", log_level=log_level, access_log=False)
        server = uvicorn.Server(config)
        _quiet_signals()
        async with anyio.create_task_group() as tg:
            tg.start_soon(_announce, server, sock, host)
            await server.serve(sockets=[sock])
            tg.cancel_scope.cancel()


async def _announce(server: object, sock: socket.socket, host: str) -> None:
    # uvicorn exposes readiness only as a flag, not an event to wait on.
    while not getattr(server, "started", False):  # noqa: ASYNC110
        await anyio.sleep(0.01)
    port = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    print(f"listening on http://{shown}:{port}", file=sys.stderr, flush=True)


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
