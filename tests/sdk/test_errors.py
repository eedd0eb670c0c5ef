"""Every failure surfaces as an XmemoryAPIError subclass whose message says what happened."""

from __future__ import annotations

import pickle
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from xmemory import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    XmemoryAPIError,
    XmemoryConnectionError,
    XmemoryHealthCheckError,
    XmemoryResponseError,
    XmemoryStatusError,
    XmemoryTimeoutError,
)

from .fake_api import FakeAPI, envelope

pytestmark = pytest.mark.anyio

NOT_FOUND = {
    "code": "not_found",
    "message": "no instance i1",
    "field": "instance_id",
    "resource_id": "i1",
    "details": {"hint": "list_instances"},
}


def get_instance(client: Any) -> Any:
    return client.admin.get_instance("i1")


async def test_envelope_error_keeps_every_field(api: FakeAPI) -> None:
    api.reply(httpx.Response(404, json=envelope(errors=[NOT_FOUND])))
    with pytest.raises(NotFoundError) as info:
        await api.run(get_instance)
    err = info.value
    assert str(err) == "GET /instances/i1: HTTP 404 not_found: no instance i1"
    assert (err.status, err.code, err.field, err.resource_id) == (
        404,
        "not_found",
        "instance_id",
        "i1",
    )
    assert err.details == {"hint": "list_instances"}


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (413, PayloadTooLargeError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (405, XmemoryStatusError),
    ],
)
async def test_status_maps_to_its_class(
    api: FakeAPI, status: int, cls: type[XmemoryStatusError]
) -> None:
    api.reply(httpx.Response(status, json=envelope(errors=[{"code": "x", "message": "m"}])))
    with pytest.raises(cls) as info:
        await api.run(get_instance)
    assert type(info.value) is cls
    assert info.value.status == status
    assert isinstance(info.value, XmemoryStatusError)


async def test_error_without_envelope_uses_the_framework_detail(api: FakeAPI) -> None:
    api.reply(httpx.Response(404, json={"detail": "Not Found"}))
    with pytest.raises(NotFoundError, match=r"^GET /instances/i1: HTTP 404: Not Found$") as info:
        await api.run(get_instance)
    assert info.value.code is None


async def test_error_with_a_non_json_body_quotes_it(api: FakeAPI) -> None:
    api.reply(httpx.Response(502, text="<html>bad gateway</html>"))
    with pytest.raises(InternalServerError, match=r"HTTP 502: <html>bad gateway</html>"):
        await api.run(get_instance)


async def test_error_with_an_empty_body_gives_the_reason(api: FakeAPI) -> None:
    api.reply(httpx.Response(500))
    with pytest.raises(InternalServerError, match=r"HTTP 500: Internal Server Error$"):
        await api.run(get_instance)


async def test_2xx_that_is_not_json(api: FakeAPI) -> None:
    api.reply(httpx.Response(200, text="OK"))
    with pytest.raises(XmemoryResponseError, match=r"HTTP 200 answer is not a JSON envelope: OK"):
        await api.run(get_instance)


async def test_2xx_envelope_carrying_errors(api: FakeAPI) -> None:
    api.reply(httpx.Response(200, json=envelope({"id": "i1"}, errors=[NOT_FOUND])))
    with pytest.raises(XmemoryResponseError, match="no instance i1") as info:
        await api.run(get_instance)
    assert (info.value.status, info.value.code) == (200, "not_found")


async def test_2xx_body_that_does_not_fit_the_model(api: FakeAPI) -> None:
    api.reply_items({"name": "no id here"})
    with pytest.raises(
        XmemoryResponseError, match=r"does not fit InstanceInfo: id: Field required"
    ):
        await api.run(get_instance)


async def test_model_failure_is_chained_not_bare(api: FakeAPI) -> None:
    api.reply_items({"write_id": "w1", "write_status": "teleported"})
    with pytest.raises(XmemoryResponseError) as info:
        await api.run(lambda c: c.instance("i1").write_status("w1"))
    assert not isinstance(info.value, ValidationError)
    assert isinstance(info.value.__cause__, ValidationError)


async def test_2xx_envelope_without_an_item(api: FakeAPI) -> None:
    api.reply_items()
    with pytest.raises(XmemoryResponseError, match="carries no item"):
        await api.run(get_instance)


async def test_envelope_fields_of_the_wrong_type(api: FakeAPI) -> None:
    api.reply(httpx.Response(200, json={"items": {"id": "i1"}}))
    with pytest.raises(XmemoryResponseError, match="must be lists"):
        await api.run(get_instance)


async def test_delete_answer_with_non_string_ids(api: FakeAPI) -> None:
    api.reply(httpx.Response(200, json=envelope(ids=[1])))
    with pytest.raises(XmemoryResponseError, match="`ids`"):
        await api.run(lambda c: c.admin.delete_instance("i1"))


async def test_connection_error(api: FakeAPI) -> None:
    api.reply(httpx.ConnectError("connection refused"))
    with pytest.raises(XmemoryConnectionError, match=r"could not reach https://api\.test") as info:
        await api.run(get_instance)
    assert not isinstance(info.value, XmemoryTimeoutError)
    assert info.value.status is None
    assert isinstance(info.value.__cause__, httpx.ConnectError)


async def test_timeout(api: FakeAPI) -> None:
    api.reply(httpx.ReadTimeout("slow"))
    with pytest.raises(XmemoryTimeoutError, match=r"GET /instances/i1: no answer .* within 60s"):
        await api.run(get_instance)


async def test_health_check_reports_an_unhealthy_status_without_retrying(api: FakeAPI) -> None:
    api.reply(httpx.Response(503, text="draining"))
    with pytest.raises(XmemoryHealthCheckError, match="HTTP 503: draining") as info:
        await api.run(lambda c: c.check_health())
    assert info.value.status == 503
    assert len(api.requests) == 1


async def test_health_check_reports_an_unreachable_api(api: FakeAPI) -> None:
    api.reply(httpx.ConnectError("refused"))
    with pytest.raises(XmemoryHealthCheckError, match="API unreachable") as info:
        await api.run(lambda c: c.check_health())
    assert info.value.status is None


def test_every_error_is_an_api_error() -> None:
    for cls in (
        XmemoryHealthCheckError,
        XmemoryConnectionError,
        XmemoryResponseError,
        XmemoryStatusError,
        NotFoundError,
        InternalServerError,
    ):
        assert issubclass(cls, XmemoryAPIError)
    assert issubclass(XmemoryTimeoutError, XmemoryConnectionError)


def test_the_documented_constructor() -> None:
    err = XmemoryAPIError("boom", status=418, code="teapot")
    assert (str(err), err.status, err.code, err.field) == ("boom", 418, "teapot", None)


def test_errors_survive_pickling() -> None:
    err = NotFoundError("gone", status=404, code="not_found", resource_id="i1")
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is NotFoundError
    assert (str(copy), copy.status, copy.code, copy.resource_id) == ("gone", 404, "not_found", "i1")
