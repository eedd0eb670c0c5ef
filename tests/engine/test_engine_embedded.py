"""The embedding interface the MCP server codes against: settings, open_engine, the app."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from engine_testkit import running_engine

from xmemory_engine import EngineSettings, open_engine
from xmemory_engine.minds.factory import MindSettings

pytestmark = pytest.mark.anyio


def test_settings_from_env_reads_the_edge_variables(tmp_path: Path) -> None:
    settings = EngineSettings.from_env(
        {
            "XMEM_DATA_DIR": str(tmp_path),
            "XMEM_ENGINE_API_KEY": "k",
            "XMEM_ENGINE_MAX_TEXT_CHARS": "500",
            "XMEM_ENGINE_READ_TIME_LIMIT": "1.5",
            "XMEM_ENGINE_TEST_APPLY_DELAY": "0.25",
        }
    )
    assert settings.data_dir == tmp_path and settings.api_key == "k"
    assert settings.max_text_chars == 500 and settings.read_time_limit == 1.5
    assert settings.apply_delay == 0.25
    assert settings.mind.provider == "rules"
    assert "k" not in repr(settings)
    overridden = EngineSettings.from_env({"XMEM_DATA_DIR": str(tmp_path)}, api_key="x")
    assert overridden.api_key == "x"
    with pytest.raises(ValueError, match="XMEM_ENGINE_MAX_TEXT_CHARS"):
        EngineSettings.from_env({"XMEM_ENGINE_MAX_TEXT_CHARS": "lots"})


def test_settings_default_to_the_user_data_dir() -> None:
    import platformdirs

    settings = EngineSettings.from_env({})
    assert settings.data_dir == Path(platformdirs.user_data_dir("xmemory-mcp"))
    assert settings.api_key is None
    with pytest.raises(ValueError, match="blank"):
        EngineSettings(data_dir=Path("/x"), api_key="  ")
    assert isinstance(EngineSettings(data_dir=Path("/x")).mind, MindSettings)


async def test_open_engine_gives_an_app_that_needs_no_lifespan(tmp_path: Path) -> None:
    async with running_engine(tmp_path / "d") as engine:
        transport = httpx.ASGITransport(app=engine.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:
            body = (await http.get(f"/instances/{engine.default_instance_id}")).json()
        assert body["items"][0]["cluster_id"] == engine.default_cluster_id
        assert body["items"][0]["name"] == "default"


async def test_an_error_inside_the_block_comes_out_as_itself(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="mine"):
        async with running_engine(tmp_path / "d"):
            raise KeyError("mine")
    async with running_engine(tmp_path / "d"):  # and the directory opens again
        pass


async def test_the_default_mind_is_the_one_settings_name(tmp_path: Path) -> None:
    try:
        from xmemory_engine.minds.rules import rules_mind  # noqa: F401
    except ImportError:
        pytest.skip("the rules mind has not landed yet")
    async with open_engine(EngineSettings(data_dir=tmp_path / "d")) as engine:
        transport = httpx.ASGITransport(app=engine.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:
            response = await http.post(
                f"/instances/{engine.default_instance_id}/write",
                json={"text": "Alice Johnson works at Acme Corp. Her email is alice@acme.com."},
            )
        assert response.status_code == 200, response.text
        created = response.json()["items"][0]["changes"]["created"]
        assert any(c.get("values", {}).get("email") == "alice@acme.com" for c in created)


async def test_closing_the_engine_closes_the_model_client_it_built(tmp_path: Path) -> None:
    settings = EngineSettings(
        data_dir=tmp_path / "d",
        mind=MindSettings(provider="openai", base_url="http://127.0.0.1:9/v1", model="m"),
    )
    async with open_engine(settings) as engine:
        model = engine.service.mind.extractor.model  # type: ignore[attr-defined]
        assert not model.client.is_closed()
    assert model.client.is_closed()
