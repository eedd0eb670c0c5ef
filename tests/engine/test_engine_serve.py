"""`engine serve` as a real process on loopback: start-up, auth, refusal, and durability."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from engine_server import engine_server, run_serve

from xmemory_engine.serve import is_loopback

pytestmark = pytest.mark.slow


def test_loopback_hosts() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.2", "example.com"))


def test_serve_announces_its_port_and_answers(tmp_path: Path) -> None:
    with engine_server(tmp_path / "d") as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert not server.url.endswith(":0")
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/healthz").json() == {"status": "ok"}
            clusters = http.get("/clusters").json()
            assert clusters["items"][0]["org_id"] == "local"
        assert server.stop() == 0
    assert (tmp_path / "d" / "catalog.sqlite").exists()


@pytest.mark.parametrize("level", ["TRACE", "critical"])
def test_every_log_level_the_parser_accepts_is_one_uvicorn_runs_with(
    tmp_path: Path, level: str
) -> None:
    # The parser's choices are uvicorn's; one it did not know ended in a KeyError traceback.
    with engine_server(tmp_path / "d", "--log-level", level) as server:
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/healthz").json() == {"status": "ok"}
        assert server.stop() == 0
    assert not any("Traceback" in line for line in server.lines)


def test_serve_requires_the_api_key_from_flag_or_environment(tmp_path: Path) -> None:
    with (
        engine_server(tmp_path / "d", "--api-key", "k1") as server,
        httpx.Client(base_url=server.url) as http,
    ):
        assert http.get("/healthz").status_code == 200
        assert http.get("/clusters").status_code == 401
        assert http.get("/clusters", headers={"Authorization": "Bearer k1"}).status_code == 200
    with (
        engine_server(tmp_path / "d", env={"XMEM_ENGINE_API_KEY": "k2"}) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        assert http.get("/clusters").status_code == 401
        assert http.get("/clusters", headers={"Authorization": "Bearer k2"}).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3"])
def test_serving_beyond_loopback_without_a_key_is_refused(tmp_path: Path, host: str) -> None:
    code, stderr = run_serve(tmp_path / "d", ["--host", host], env={})
    assert code == 2
    assert "refusing to serve" in stderr and "--api-key" in stderr
    assert not (tmp_path / "d").exists()


def test_a_write_acknowledged_before_sigkill_completes_after_restart(tmp_path: Path) -> None:
    data = tmp_path / "d"
    # Application waits 60 s, so the job is certainly still queued when the process is killed.
    with engine_server(data, env={"XMEM_ENGINE_TEST_APPLY_DELAY": "60"}) as server:
        with httpx.Client(base_url=server.url) as http:
            clusters = http.get("/clusters").json()["items"]
            instances = http.get("/instances").json()["items"]
            iid = instances[0]["id"]
            assert clusters and iid
            ack = http.post(
                f"/instances/{iid}/write_async",
                json={
                    "structured_mutations": [
                        {
                            "object_mutation": {
                                "object_type": "person",
                                "create": {
                                    "key": {"name": "Dana Scully"},
                                    "values": {"role": "agent"},
                                },
                            }
                        }
                    ]
                },
            ).json()["items"][0]
            status = http.post(
                f"/instances/{iid}/write_status", json={"write_id": ack["write_id"]}
            ).json()["items"][0]
            assert status["write_status"] in ("queued", "processing")
        server.kill()
        assert server.proc.returncode == -9
    with engine_server(data) as server, httpx.Client(base_url=server.url) as http:
        deadline = time.monotonic() + 20
        while True:
            status = http.post(
                f"/instances/{iid}/write_status", json={"write_id": ack["write_id"]}
            ).json()["items"][0]
            if status["write_status"] == "completed" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert status["write_status"] == "completed", status
        assert status["changes"]["created"][0]["values"] == {"name": "Dana Scully", "role": "agent"}
