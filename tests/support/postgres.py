"""A throwaway PostgreSQL cluster for tests: `initdb` in a temporary directory, a server on a
free loopback port, one fresh database per test, everything removed at the end.

The server binaries come from PATH, else Debian's /usr/lib/postgresql/<version>/bin (the
`postgresql` package; `.ci/run` installs it when missing). PostgreSQL refuses to run as root:
when the tests do, the cluster belongs to the `postgres` OS user and its commands run as that
user (`runuser`). Durability is switched off (fsync): the data lives as long as the session.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER_USER = "postgres"


def server_binaries() -> Path | None:
    """The directory holding `initdb` and `pg_ctl`, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A running server: `url(db)` connects to one of its databases as the superuser."""

    base: Path
    bindir: Path
    port: int
    as_user: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            # FILE_COPY (PostgreSQL 15+) copies the template's files: ~40 ms instead of the
            # ~350 ms of the default, which writes every page through the WAL.
            fast = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{name}"{fast}')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run(
            [
                *self.as_user,
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.base / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.base, ignore_errors=True)


def start_cluster(*, durable: bool = False) -> Cluster:
    """initdb + pg_ctl start on a free port; raises RuntimeError with the server's log when
    it does not come up. `durable`: commits are flushed to disk as on a real server (for
    benchmarks); otherwise they are not (tests: the data lives as long as the session)."""
    bindir = server_binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    base = Path(tempfile.mkdtemp(prefix="xmemory-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        # initdb and postgres refuse root; the cluster is the postgres user's.
        shutil.chown(base, SERVER_USER, SERVER_USER)
        as_user = ["runuser", "-u", SERVER_USER, "--"]
    cluster = Cluster(base, bindir, _free_port(), as_user)
    try:
        subprocess.run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(base / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {base} "
            "-c max_connections=300 -c shared_buffers=128MB"
        )
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(base / "data"),
                "-l",
                str(base / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        log = (
            (base / "server.log").read_text(errors="replace")
            if (base / "server.log").exists()
            else ""
        )
        cluster.stop()
        raise RuntimeError(
            f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}\n{log}"
        ) from exc
    return cluster


def dump_database(url: str) -> dict[str, object]:
    """Every row of every table of the engine's schemas (the catalog's and each instance's),
    and each table's columns and indexes: what must be identical after a refused request."""
    import psycopg

    dump: dict[str, object] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname = 'xmemory' OR starts_with(schemaname, 'xm_') ORDER BY 1, 2"
        ).fetchall()
        for schema, table in tables:
            name = f'"{schema}"."{table}"'
            # No rowid: rows in the order of their text, which is total.
            key = "catalog" if schema == "xmemory" else schema
            dump[f"{key}:{table}"] = conn.execute(
                f"SELECT * FROM {name} AS t ORDER BY t::text"
            ).fetchall()
        dump["schema"] = conn.execute(
            "SELECT table_schema, table_name, column_name, data_type "
            "FROM information_schema.columns "
            "WHERE table_schema = 'xmemory' OR starts_with(table_schema, 'xm_') ORDER BY 1, 2, 3"
        ).fetchall()
        dump["indexes"] = conn.execute(
            "SELECT schemaname, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'xmemory' OR starts_with(schemaname, 'xm_') ORDER BY 1, 2"
        ).fetchall()
    return dump


def has_schema(url: str, schema: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
        return found.fetchone() is not None


def query_schema(url: str, schema: str, sql: str, args: Sequence[object]) -> list[Any]:
    """Rows of `sql` (SQLite's `?` marks) on the tables of one schema, in a read-only
    transaction."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.read_only = True
        conn.execute("SELECT set_config('search_path', %s, true)", (f'"{schema}"',))
        return list(conn.execute(sql.replace("?", "%s"), args).fetchall())


def table_rows(url: str, schema: str, table: str) -> list[dict[str, object]]:
    """Every row of one table as a dict, in the order they were stored (ctid, as SQLite's
    rowid: a fresh table's rows sit in insertion order)."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(url, row_factory=dict_row) as conn:
        found = conn.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY ctid').fetchall()
        return [dict(r) for r in found]
