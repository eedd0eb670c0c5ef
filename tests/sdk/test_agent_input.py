"""The optional wire keys for an agent's own understanding: upsert mutations, source_text and
occurred_at on writes, sql on reads, and the typed answers (basis, evidence, passages, features)."""

from __future__ import annotations

from typing import Any

import pytest

from xmemory import DescribeResult, ObjectMutation, ReadResult, RelationMutation

from .fake_api import FakeAPI

pytestmark = pytest.mark.anyio

UPSERT = ObjectMutation.upsert("person", key={"name": "Ann"}, values={"role": "CTO"})


def test_object_upsert_wire_shape() -> None:
    assert UPSERT.to_wire() == {
        "object_mutation": {
            "object_type": "person",
            "upsert": {"key": {"name": "Ann"}, "values": {"role": "CTO"}},
        }
    }
    bare = ObjectMutation.upsert("organization", key={"name": "Acme"})
    assert bare.to_wire() == {
        "object_mutation": {"object_type": "organization", "upsert": {"key": {"name": "Acme"}}}
    }


def test_relation_upsert_wire_shape() -> None:
    link = RelationMutation.upsert(
        "works_at", {"employee": {"name": "Ann"}, "employer": {"name": "Acme"}}, {"since": 2020}
    )
    assert link.to_wire() == {
        "relation_mutation": {
            "relation_type": "works_at",
            "upsert": {
                "endpoints": [
                    {"object_name": "employee", "key": {"name": "Ann"}},
                    {"object_name": "employer", "key": {"name": "Acme"}},
                ],
                "values": {"since": 2020},
            },
        }
    }


@pytest.mark.parametrize("method", ["write", "write_async"])
async def test_write_sends_source_text_and_occurred_at_only_when_set(
    api: FakeAPI, method: str
) -> None:
    api.reply_items({"write_id": "w1"})
    await api.run(
        lambda c: getattr(c.instance("i1"), method)(
            structured_mutations=[UPSERT],
            source_text="Ann is the CTO.",
            occurred_at="2026-11-30",
        )
    )
    body = api.body()
    assert body["source_text"] == "Ann is the CTO." and body["occurred_at"] == "2026-11-30"
    api.reply_items({"write_id": "w2"})
    await api.run(lambda c: getattr(c.instance("i1"), method)("Ann is the CTO."))
    assert "source_text" not in api.body() and "occurred_at" not in api.body()


async def test_source_text_needs_structured_mutations(api: FakeAPI) -> None:
    with pytest.raises(ValueError, match="source_text"):
        await api.run(lambda c: c.instance("i1").write("Ann.", source_text="Ann."))
    assert api.requests == []


async def test_read_sends_sql_only_when_set(api: FakeAPI) -> None:
    api.reply_items({"reader_result": {"columns": ["name"], "rows": [["Ann"]]}})
    await api.run(lambda c: c.instance("i1").read("Who?", sql="SELECT name FROM person"))
    assert api.body() == {
        "query": "Who?",
        "mode": "single-answer",
        "sql": "SELECT name FROM person",
    }
    api.reply_items({"reader_result": None})
    await api.run(lambda c: c.instance("i1").read("Who?"))
    assert "sql" not in api.body()


async def test_read_result_types_basis_evidence_and_passages(api: FakeAPI) -> None:
    evidence: list[dict[str, Any]] = [{"text": "Ann is the CTO.", "write_id": "w1"}]
    api.reply_items(
        {
            "reader_result": {"answer": "CTO"},
            "basis": "records",
            "evidence": evidence,
            "passages": [],
        }
    )
    result: ReadResult = await api.run(lambda c: c.instance("i1").read("Ann's role?"))
    assert (result.basis, result.evidence, result.passages) == ("records", evidence, [])
    assert ReadResult().basis is None and ReadResult().evidence is None


def test_describe_features_default_empty() -> None:
    assert DescribeResult(instance_id="i1").features == []
    assert DescribeResult(instance_id="i1", features=["upsert"]).features == ["upsert"]
