"""Typed structured mutations serialize to exactly the wire JSON."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest
from pydantic import ValidationError

from xmemory import ObjectMutation, RelationEndpoint, RelationMutation
from xmemory._mutations import mutations_to_wire


def test_object_create() -> None:
    mutation = ObjectMutation.create("person", {"email": "a@x.io"}, {"name": "Ann"})
    assert mutation.to_wire() == {
        "object_mutation": {
            "object_type": "person",
            "create": {"key": {"email": "a@x.io"}, "values": {"name": "Ann"}},
        }
    }


def test_object_create_without_values_omits_them() -> None:
    wire = ObjectMutation.create("tag", {"label": "x"}).to_wire()
    assert wire == {"object_mutation": {"object_type": "tag", "create": {"key": {"label": "x"}}}}


def test_object_update_keeps_null_values_because_they_clear_fields() -> None:
    wire = ObjectMutation.update("person", {"email": "a@x.io"}, {"phone": None}).to_wire()
    assert wire["object_mutation"]["update"]["values"] == {"phone": None}


def test_object_delete() -> None:
    assert ObjectMutation.delete("person", {"email": "a@x.io"}).to_wire() == {
        "object_mutation": {"object_type": "person", "delete": {"key": {"email": "a@x.io"}}}
    }


def test_delete_with_values_is_a_mistake() -> None:
    with pytest.raises(ValidationError, match="takes no `values`"):
        ObjectMutation(object_type="p", action="delete", key={"id": 1}, values={"a": 1})


def test_unknown_fields_and_actions_are_rejected() -> None:
    with pytest.raises(ValidationError):
        ObjectMutation(object_type="p", action="merge", key={})  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        ObjectMutation(object_type="p", action="create", key={}, valuez={})  # type: ignore[call-arg]


def test_relation_create_from_roles() -> None:
    mutation = RelationMutation.create(
        "works_at",
        {"employee": {"email": "a@x.io"}, "employer": {"name": "Acme"}},
        values={"since": "2024"},
    )
    assert mutation.endpoints[0] == RelationEndpoint(
        object_name="employee", key={"email": "a@x.io"}
    )
    assert mutation.to_wire() == {
        "relation_mutation": {
            "relation_type": "works_at",
            "create": {
                "endpoints": [
                    {"object_name": "employee", "key": {"email": "a@x.io"}},
                    {"object_name": "employer", "key": {"name": "Acme"}},
                ],
                "values": {"since": "2024"},
            },
        }
    }


def test_plain_dicts_pass_through_untouched_in_order() -> None:
    raw = {"future_mutation": {"anything": [1, None]}}
    typed = ObjectMutation.delete("p", {"id": 1})
    assert mutations_to_wire([raw, typed]) == [raw, typed.to_wire()]


def test_a_mapping_goes_out_as_a_dict_of_its_own() -> None:
    """A dict, a dict subclass and another mapping each go out as a plain dict with the same
    items, not the caller's own object (the SDK may change nothing the caller holds)."""

    class Tagged(dict[str, Any]):
        pass

    plain = {"object_mutation": {"object_type": "p"}}
    tagged = Tagged(plain)
    proxy = MappingProxyType(plain)
    wire = mutations_to_wire([plain, tagged, proxy])
    assert wire == [plain, plain, plain]
    assert all(type(item) is dict for item in wire)
    assert all(sent is not given for sent, given in zip(wire, (plain, tagged, proxy), strict=True))


def test_mutations_are_immutable_values() -> None:
    mutation = ObjectMutation.delete("p", {"id": 1})
    with pytest.raises(ValidationError):
        mutation.object_type = "q"  # type: ignore[misc]
