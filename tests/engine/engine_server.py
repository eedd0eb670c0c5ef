"""Running `python -m xmemory_engine serve` as a real subprocess on loopback, for tests."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

_LISTENING = re.compile(r"listening on (http://\S+)")


class EngineServer:
    """A started `engine serve` process and the URL it announced."""

    def __init__(self, proc: subprocess.Popen[str], url: str, lines: list[str]) -> None:
        self.proc = proc
        self.url = url
        self.lines = lines

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        return self.proc.returncode


def _drain(stream: object, lines: list[str], found: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.append(line.rstrip("\n"))
        match = _LISTENING.search(line)
        if match:
            found.put(match.group(1))
    found.put("")  # the process closed stderr: it is gone


def serve_command(data_dir: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "xmemory_engine",
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        *args,
    ]


@contextmanager
def engine_server(
    data_dir: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> Iterator[EngineServer]:
    """Start the server, wait for its `listening on` line, stop it (SIGTERM) afterwards."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    full_env.update(env or {})
    proc = subprocess.Popen(
        serve_command(data_dir, *args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=full_env,
    )
    lines: list[str] = []
    found: queue.Queue[str] = queue.Queue()
    drain = threading.Thread(target=_drain, args=(proc.stderr, lines, found), daemon=True)
    drain.start()
    server: EngineServer | None = None
    try:
        try:
            url = found.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the server did not start:\n" + "\n".join(lines)) from None
        if not url:
            proc.wait(timeout=10)
            raise AssertionError(
                f"the server exited ({proc.returncode}) before listening:\n" + "\n".join(lines)
            )
        server = EngineServer(proc, url, lines)
        yield server
    finally:
        if server is not None:
            server.stop()
        elif proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        drain.join(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


def run_serve(data_dir: Path, args: Sequence[str], env: Mapping[str, str]) -> tuple[int, str]:
    """Run `serve` expecting it to refuse to start; its exit code and stderr."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    full_env.update(env)
    done = subprocess.run(
        serve_command(data_dir, *args),
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode, done.stderr
