"""Construction, settings from the environment, lifecycle, timeouts and argument checks."""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable, MutableMapping
from typing import Any

import httpx
import pytest

import xmemory
from xmemory import AsyncXmemoryClient, RetryPolicy, XmemoryClient

from .fake_api import TOKEN, FakeAPI, envelope

CLIENTS = [XmemoryClient, AsyncXmemoryClient]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("XMEM_AUTH_TOKEN", "XMEM_API_KEY", "XMEM_API_URL"):
        monkeypatch.delenv(name, raising=False)


def build(cls: type, **kwargs: Any) -> Any:
    # A throwaway http_client, so building a client here opens nothing that needs closing.
    http = httpx.Client() if cls is XmemoryClient else httpx.AsyncClient()
    return cls(http_client=http, **kwargs)


@pytest.mark.parametrize("cls", CLIENTS)
def test_defaults(cls: type) -> None:
    client = build(cls)
    assert (client.url, client.timeout, client._token) == ("https://api.xmemory.ai", 60.0, None)
    assert "Authorization" not in client._headers()


@pytest.mark.parametrize("cls", CLIENTS)
def test_token_falls_back_to_auth_token_then_api_key(
    cls: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XMEM_API_KEY", "from-api-key")
    assert build(cls)._token == "from-api-key"
    monkeypatch.setenv("XMEM_AUTH_TOKEN", "from-auth-token")
    assert build(cls)._token == "from-auth-token"
    assert build(cls, token="explicit")._token == "explicit"


@pytest.mark.parametrize("cls", CLIENTS)
def test_url_from_env_and_trailing_slash(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XMEM_API_URL", "http://127.0.0.1:8765/")
    assert build(cls).url == "http://127.0.0.1:8765"
    assert build(cls, url="https://other.test/api/").url == "https://other.test/api"


@pytest.mark.parametrize("cls", CLIENTS)
def test_url_without_scheme_is_rejected_up_front(cls: type) -> None:
    with pytest.raises(ValueError, match="must start with http"):
        build(cls, url="api.xmemory.ai")


@pytest.mark.parametrize("cls", CLIENTS)
def test_arguments_are_keyword_only(cls: type) -> None:
    with pytest.raises(TypeError):
        cls("token")


@pytest.mark.parametrize("cls", CLIENTS)
def test_repr_never_shows_the_token(cls: type) -> None:
    client = build(cls, token=TOKEN)
    assert TOKEN not in repr(client)
    assert "token set" in repr(client)


def test_identity_header_names_library_python_and_platform() -> None:
    header = build(XmemoryClient)._headers()["X-Xmemory-Client"]
    system, machine = platform.system().lower(), platform.machine().lower()
    expected = f"xmemory-mcp/{xmemory.__version__} (python {platform.python_version()}; {system}-{machine})"
    assert header == expected


def test_sync_client_closes_only_what_it_opened() -> None:
    with XmemoryClient() as owned:
        pass
    assert owned._http.is_closed
    http = httpx.Client()
    with XmemoryClient(http_client=http) as client:
        client.close()
    assert not http.is_closed
    http.close()


@pytest.mark.anyio
async def test_async_client_closes_only_what_it_opened() -> None:
    async with AsyncXmemoryClient() as owned:
        pass
    assert owned._http.is_closed
    other = AsyncXmemoryClient()
    await other.close()  # the async alias of aclose()
    assert other._http.is_closed
    http = httpx.AsyncClient()
    async with AsyncXmemoryClient(http_client=http) as client:
        await client.aclose()
    assert not http.is_closed
    await http.aclose()


@pytest.mark.anyio
async def test_per_call_timeout_overrides_the_default(api: FakeAPI) -> None:
    api.reply_items({"id": "c1"})
    await api.run(lambda c: c.admin.get_cluster("c1"))
    await api.run(lambda c: c.admin.get_cluster("c1", timeout=2.5))
    assert api.requests[0].extensions["timeout"]["read"] == 60.0
    assert api.requests[1].extensions["timeout"] == dict.fromkeys(
        ("connect", "read", "write", "pool"), 2.5
    )


@pytest.mark.anyio
async def test_client_timeout_is_the_default(api: FakeAPI) -> None:
    api.client = api.make_client(timeout=7)
    await api.run(lambda c: c.check_health())
    assert api.last.extensions["timeout"]["read"] == 7.0


@pytest.mark.anyio
async def test_no_token_sends_no_authorization(api: FakeAPI) -> None:
    api.client = api.make_client(token=None)
    await api.run(lambda c: c.check_health())
    assert "authorization" not in api.last.headers


@pytest.mark.anyio
async def test_http_client_with_its_own_base_url(api: FakeAPI) -> None:
    transport = httpx.MockTransport(api.handle)
    kwargs: dict[str, Any] = {"transport": transport, "base_url": "http://xmemory-engine"}
    http = httpx.Client(**kwargs) if api.mode == "sync" else httpx.AsyncClient(**kwargs)
    api.client = api.make_client(url="http://xmemory-engine", http_client=http)
    await api.run(lambda c: c.check_health())
    assert str(api.last.url) == "http://xmemory-engine/healthz"


@pytest.mark.anyio
async def test_async_client_over_an_asgi_app() -> None:
    seen: list[str] = []

    async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        seen.append(f"{scope['method']} {scope['path']} {scope['query_string'].decode()}")
        body = httpx.Response(200, json=envelope({"id": "c1", "name": "local"})).content
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://xmemory-engine")
    async with http, AsyncXmemoryClient(url="http://xmemory-engine", http_client=http) as client:
        clusters = await client.admin.list_clusters()
    assert [c.name for c in clusters] == ["local"]
    assert seen == ["GET /clusters verbose=true"]


@pytest.mark.anyio
async def test_instance_handles(api: FakeAPI) -> None:
    inst = api.client.instance("i1")
    assert inst.id == "i1"
    assert inst.info is None
    assert repr(inst).endswith("InstanceAPI(id='i1')")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.instance(""),
        lambda c: c.admin.get_cluster(""),
        lambda c: c.admin.generate_schema("", "x"),
        lambda c: c.admin.create_instance("", "n", "t", xmemory.SchemaType.YML),
        lambda c: c.admin.get_instance(""),
        lambda c: c.admin.delete_instance(""),
        lambda c: c.admin.get_instance_schema(""),
        lambda c: c.admin.update_instance_schema("", "t", xmemory.SchemaType.YML),
        lambda c: c.admin.update_instance_metadata("", "n"),
        lambda c: c.admin.list_instances(ids=["i1", ""]),
        lambda c: c.instance("i1").write_status(""),
    ],
)
async def test_empty_ids_are_rejected_before_any_io(
    api: FakeAPI, call: Callable[[Any], Any]
) -> None:
    with pytest.raises(ValueError, match="Expected a non-empty value for `"):
        await api.run(call)
    assert api.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda i: i.write(), ValueError, "exactly one of `text` and `structured_mutations`"),
        (lambda i: i.write("t", structured_mutations=[{}]), ValueError, "exactly one"),
        (lambda i: i.write_async(), ValueError, "exactly one"),
        (lambda i: i.write(structured_mutations=[]), ValueError, "nothing to write"),
        (lambda i: i.write(structured_mutations=[42]), TypeError, "not int"),
        (lambda i: i.write(structured_mutations={"a": 1}), TypeError, "must be a list"),
        (lambda i: i.write("t", extraction_logic="slow"), ValueError, "ExtractionLogic"),
        (lambda i: i.read("q", read_mode="essay"), ValueError, "ReadMode"),
    ],
)
async def test_bad_write_and_read_arguments_fail_before_any_io(
    api: FakeAPI, call: Callable[[Any], Any], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        await api.run(lambda c: call(c.instance("i1")))
    assert api.requests == []


@pytest.mark.anyio
async def test_listing_ids_must_be_a_non_empty_list(api: FakeAPI) -> None:
    with pytest.raises(ValueError, match="pass None to list everything"):
        await api.run(lambda c: c.admin.list_clusters(ids=[]))
    with pytest.raises(TypeError, match="not a single string"):
        await api.run(lambda c: c.admin.list_instances(ids="i1"))
    assert api.requests == []


@pytest.mark.anyio
async def test_enum_arguments_accept_their_string_values(api: FakeAPI) -> None:
    api.reply_items({"id": "i1"})
    await api.run(lambda c: c.admin.update_instance_schema("i1", "{}", "json"))
    await api.run(lambda c: c.instance("i1").extract("t", extraction_logic="fast"))
    assert api.body(api.requests[0]) == {"instance_schema": {"json_schema": {"value": "{}"}}}
    assert api.body(api.requests[1])["extraction_logic"] == "fast"


@pytest.mark.anyio
async def test_the_token_is_never_logged(api: FakeAPI, caplog: pytest.LogCaptureFixture) -> None:
    api.reply(httpx.Response(429), httpx.Response(200, json=envelope({"id": "c1"})))
    with caplog.at_level(logging.DEBUG):
        await api.run(lambda c: c.admin.get_cluster("c1"))
    assert "retrying" in caplog.text
    assert TOKEN not in caplog.text


def test_retry_policy_is_a_plain_value() -> None:
    assert RetryPolicy() == RetryPolicy(max_retries=2, backoff=0.5, max_delay=30.0)
