"""The shortcuts of the write and read paths keep what they replace: the same fact text, the
same xuids, the same rows."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest
from engine_testkit import CONTACTS_YML, asgi_client, create_body, item, obj_create, running_engine

from xmemory_engine.errors import InvalidRequest, Unprocessable
from xmemory_engine.schema import parse_schema
from xmemory_engine.sentences import index_words
from xmemory_engine.service.mutations import parse_mutations
from xmemory_engine.store import provenance, terms
from xmemory_engine.store.base import EpisodeDraft, Tables
from xmemory_engine.store.instance import SqliteInstanceData, SqliteTables, new_xuid, new_xuids
from xmemory_engine.store.sqlite import WAL_LIMIT

T = TypeVar("T")

VALUES: list[Any] = [
    {"email": "p42@c7.example", "company": "Company 7"},
    {"name": 'Zoë \u2028 "quoted" \\ back', "n": -12, "x": 2.5, "ok": True, "none": None},
    [1, 1e300, -0.0, {"nested": ["a", {"b": []}]}],
    {"nan": float("nan"), "inf": float("inf")},
    "plain text",
    12345678901234567890,
]


@pytest.mark.parametrize("value", VALUES)
def test_fact_encoding_is_json_dumps(value: Any) -> None:
    assert provenance._ENCODE(value) == json.dumps(value, ensure_ascii=False)


def test_fact_encoding_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        provenance._ENCODE({"when": object()})


def test_batch_xuids_look_like_single_ones() -> None:
    shape = re.compile(r"^[0-9a-f]{32}$")
    batch = new_xuids(1000)
    assert len(batch) == 1000 and len(set(batch)) == 1000
    assert all(shape.match(x) for x in batch)
    one = new_xuid()
    # Time first: a later batch sorts after an earlier single one (same millisecond at worst).
    assert new_xuids(1)[0][:12] >= one[:12]
    assert shape.match(one)
    assert new_xuids(0) == []


@pytest.mark.anyio
async def test_a_read_snapshot_runs_a_search_and_reads_an_episode_once(tmp_path: Path) -> None:
    """Within one read's snapshot a repeated search, or an episode read again, is answered from
    what the snapshot already read (the same rows); a write's own tables always ask again."""
    schema = parse_schema(CONTACTS_YML)
    data = SqliteInstanceData(tmp_path / "i.sqlite", schema)
    try:
        await data.ensure_schema(schema)
        text = "Acme moved to Lyon. Acme hired Ann."
        done, _ = await data.apply(
            "w1", schema, lambda t: {"changes": None}, EpisodeDraft("w1", "text", text)
        )
        episode_id = done["episode_id"]

        def twice(t: Tables) -> tuple[Any, Any, Any, Any, list[str]]:
            assert isinstance(t, SqliteTables)
            ran: list[str] = []
            t.conn.set_trace_callback(ran.append)
            try:
                first = t.search_passages("acme", 5)
                episodes = t.episodes([episode_id])
                again = t.search_passages("acme", 5)
                both = t.episodes([episode_id, episode_id + 1])
            finally:
                t.conn.set_trace_callback(None)
            return first, again, episodes, both, ran

        first, again, episodes, both, ran = await data.read(schema, twice)
        assert sorted(p.text for p in first) == ["Acme hired Ann.", "Acme moved to Lyon."]
        assert again == first and again is not first  # a copy: the caller may change its list
        assert episodes[episode_id].text == text and list(both) == [episode_id]
        assert sum("MATCH" in s for s in ran) == 1
        assert sum("FROM _xm_episode WHERE id IN" in s for s in ran) == 2  # id+1: not read yet

        def inside_a_write(t: Tables) -> dict[str, Any]:
            assert isinstance(t, SqliteTables)
            ran: list[str] = []
            t.conn.set_trace_callback(ran.append)
            t.search_passages("acme", 5)
            t.search_passages("acme", 5)
            t.conn.set_trace_callback(None)
            return {"changes": None, "matches": sum("MATCH" in s for s in ran)}

        written, _ = await data.apply(
            "w2", schema, inside_a_write, EpisodeDraft("w2", "text", "Acme.")
        )
        assert written["matches"] == 2
    finally:
        data.close()


def _big_batch(names: range) -> Any:
    def run(t: Tables) -> dict[str, Any]:
        spec = t.schema.objects["company"]
        t.insert_many(spec, [{"name": f"Company {i:06d} " + "x" * 200} for i in names])
        return {"changes": None}

    return run


@pytest.mark.anyio
async def test_a_write_is_answered_before_its_wal_is_copied_into_the_file(
    tmp_path: Path,
) -> None:
    """The commit a write waits for syncs the WAL only; `checkpoint()` (the queue calls it after
    the answer) copies it into the file, and a write that finds it was not called does it
    first: the WAL never holds more than one write past the limit."""
    schema = parse_schema(CONTACTS_YML)
    path = tmp_path / "i.sqlite"
    data = SqliteInstanceData(path, schema)
    try:
        await data.ensure_schema(schema)
        before = path.stat().st_size
        await data.apply("w1", schema, _big_batch(range(6000)), EpisodeDraft("w1", "text", "a"))
        wal = path.with_name(path.name + "-wal")
        assert wal.stat().st_size > WAL_LIMIT  # the batch is in the WAL ...
        assert path.stat().st_size == before  # ... and not yet in the file
        await data.checkpoint()
        assert path.stat().st_size > before + WAL_LIMIT // 2
        copied = path.stat().st_size
        await data.checkpoint()  # nothing new: nothing done
        assert path.stat().st_size == copied
        # No checkpoint() after w2: w3 copies w2's pages before its own.
        await data.apply(
            "w2", schema, _big_batch(range(6000, 12000)), EpisodeDraft("w2", "text", "b")
        )
        assert path.stat().st_size == copied
        await data.apply(
            "w3", schema, _big_batch(range(12000, 12001)), EpisodeDraft("w3", "text", "c")
        )
        assert path.stat().st_size > copied + WAL_LIMIT // 2
        count = await data.read(
            schema, lambda t: len(t.scan(t.schema.objects["company"], "", 20000))
        )
        assert count == 12001
    finally:
        data.close()


@pytest.mark.anyio
async def test_the_write_queue_checkpoints_after_each_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    original = SqliteInstanceData.checkpoint

    async def counted(self: SqliteInstanceData, waiting: Callable[[], bool] | None = None) -> None:
        calls.append(True)
        await original(self, waiting)

    monkeypatch.setattr(SqliteInstanceData, "checkpoint", counted)
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        iid = item(
            await http.post(f"/clusters/{engine.default_cluster_id}/instances", json=create_body())
        )["id"]
        for i in range(3):
            body = {"structured_mutations": [obj_create("company", {"name": f"c{i}"})]}
            item(await http.post(f"/instances/{iid}/write", json=body))
        # The third write's checkpoint runs after its answer: wait for the lane to be idle.
        for _ in range(100):
            if len(calls) == 3:
                break
            await anyio.sleep(0.01)
        assert len(calls) == 3


def nothing(t: Tables) -> dict[str, Any]:
    return {"changes": None}


def traced(t: Tables, ask: Callable[[SqliteTables], T], marker: str) -> tuple[T, int]:
    """`ask`'s answer and how many of the statements it ran hold `marker`."""
    assert isinstance(t, SqliteTables)
    ran: list[str] = []
    t.conn.set_trace_callback(ran.append)
    try:
        found = ask(t)
    finally:
        t.conn.set_trace_callback(None)
    return found, sum(marker in s for s in ran)


@pytest.mark.anyio
async def test_the_number_of_sentences_is_counted_once_per_change_of_the_file(
    contacts_data: SqliteInstanceData,
) -> None:
    data, schema = contacts_data, parse_schema(CONTACTS_YML)

    def total(t: Tables) -> tuple[int, int]:
        return traced(t, lambda s: s.passage_frequency(["acme"])[0], "_xm_passage_docsize")

    await data.apply("w1", schema, nothing, EpisodeDraft("w1", "text", "Acme is in Lyon."))
    assert await data.read(schema, total) == (1, 1)
    assert await data.read(schema, total) == (1, 0)  # nothing changed: not counted again
    text = "Acme hired Ann. Ann likes tea."
    await data.apply("w2", schema, nothing, EpisodeDraft("w2", "text", text))
    assert await data.read(schema, total) == (3, 1)
    assert await data.read(schema, total) == (3, 0)


@pytest.mark.anyio
async def test_a_text_said_after_an_episode_is_found_once_per_change_of_the_file(
    contacts_data: SqliteInstanceData,
) -> None:
    data, schema = contacts_data, parse_schema(CONTACTS_YML)

    def after(episode_id: int) -> Callable[[Tables], tuple[bool, int]]:
        return lambda t: traced(t, lambda s: s.later_text_episode(episode_id), "FROM _xm_episode")

    text = EpisodeDraft("w1", "text", "Acme is in Lyon.")
    first = (await data.apply("w1", schema, nothing, text))[0]["episode_id"]
    batch = EpisodeDraft("w2", "mutations", "Acme (company).")
    second = (await data.apply("w2", schema, nothing, batch))[0]["episode_id"]
    assert await data.read(schema, after(first)) == (False, 1)  # a batch is not text
    assert await data.read(schema, after(0)) == (True, 0)  # nothing changed: kept
    third = EpisodeDraft("w3", "text", "Acme moved to Lyon.")
    await data.apply("w3", schema, nothing, third)
    assert await data.read(schema, after(second)) == (True, 1)
    assert await data.read(schema, after(first)) == (True, 0)


def _upsert(key: dict[str, Any], values: dict[str, Any], kind: str = "contact") -> dict[str, Any]:
    return {"object_mutation": {"object_type": kind, "upsert": {"key": key, "values": values}}}


def test_a_batch_parses_each_mutation_as_one_alone_does() -> None:
    """ASCII text taken as it is, and everything else coerced, give the ops and values that
    parsing each mutation on its own gives (the type looked up once per batch)."""
    schema = parse_schema(CONTACTS_YML)
    raw = [
        _upsert({"email": f"p{i}@c.example"}, {"name": f"Person {i}", "stage": "lead"})
        for i in range(300)
    ]
    raw += [
        _upsert({"email": "zoë@c.example"}, {"name": "Zoë", "age": "41", "active": "yes"}),
        _upsert({"email": "n@c.example"}, {"name": 7, "score": 2}),
        {
            "object_mutation": {
                "object_type": "Contact",
                "create": {"key": {"email": "c@x"}, "values": {"name": "C"}},
            }
        },
        {
            "object_mutation": {
                "object_type": "company",
                "update": {"key": {"name": "Acme"}, "values": {"city": None}},
            }
        },
        {"object_mutation": {"object_type": "memo", "create": {"values": {"content": "a note"}}}},
    ]
    ops = parse_mutations(raw, schema, max_count=1000)
    alone = [parse_mutations([m], schema, max_count=1)[0] for m in raw]
    assert [(o.spec.name, o.action, o.key, o.values) for o in ops] == [
        (o.spec.name, o.action, o.key, o.values) for o in alone
    ]
    assert ops[300].values == {"name": "Zoë", "age": 41, "active": True}
    assert ops[301].values == {"name": "7", "score": 2.0}
    assert ops[302].values == {"email": "c@x", "name": "C"} and ops[302].key == {}
    assert ops[299].path == "structured_mutations[299].object_mutation"


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        (_upsert({"email": "a@x"}, {"stage": "vip"}), ".upsert.values.stage", "allowed values"),
        (_upsert({"email": "a@x"}, {"nick": "A"}), ".upsert.values.nick", "unknown field"),
        (_upsert({"email": "a@x", "name": "A"}, {}), ".upsert.key", "primary-key fields"),
        (_upsert({"email": None}, {"name": "A"}), ".upsert.key", "primary-key fields"),
        (_upsert({"email": "a\udc80"}, {"name": "A"}), ".upsert.key.email", "surrogate"),
        (_upsert({"email": "a@x"}, {"name": None}), ".upsert.values.name", "cannot be cleared"),
        (_upsert({"email": "a@x"}, {"email": "b@x"}), ".upsert.values.email", "rename"),
        (_upsert({"content": "x"}, {}, "memo"), ".upsert.key", "no primary key"),
        (_upsert({"xuid": "x", "email": "a@x"}, {}), ".upsert.key", "'xuid' alone"),
        (_upsert({"email": "a@x"}, {"name": "A"}, "nobody"), ".object_type", "unknown object type"),
    ],
)
def test_a_mutation_deep_in_a_batch_is_refused_by_its_own_path(
    bad: dict[str, Any], field: str, words: str
) -> None:
    schema = parse_schema(CONTACTS_YML)
    raw = [_upsert({"email": f"p{i}@c.example"}, {"name": f"P {i}"}) for i in range(700)]
    with pytest.raises((Unprocessable, InvalidRequest)) as caught:
        parse_mutations([*raw, bad], schema, max_count=1000)
    assert caught.value.field == "structured_mutations[700].object_mutation" + field
    assert words in str(caught.value)


@pytest.mark.anyio
async def test_a_checked_batch_is_applied_without_holding_its_request_mutations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a write_async batch is applied, its job holds the mutations as checked at submit,
    not the request's own (the queue row keeps those for a restart); what is stored and the
    episode spelled from them are unchanged."""
    held: list[dict[str, Any]] = []
    original = SqliteInstanceData.apply

    async def spied(self: SqliteInstanceData, write_id: str, *args: Any, **kw: Any) -> Any:
        job = queue.active(write_id)
        assert job is not None
        held.append(dict(job.row.payload))
        return await original(self, write_id, *args, **kw)

    monkeypatch.setattr(SqliteInstanceData, "apply", spied)
    async with running_engine(tmp_path / "d") as engine, asgi_client(engine) as http:
        queue = engine.service.queue
        iid = item(
            await http.post(f"/clusters/{engine.default_cluster_id}/instances", json=create_body())
        )["id"]
        body = {
            "structured_mutations": [
                obj_create("company", {"name": f"Acme {i}"}, {"city": "Oslo"}) for i in range(3)
            ]
        }
        ack = item(await http.post(f"/instances/{iid}/write_async", json=body))
        for _ in range(200):
            status = item(
                await http.post(
                    f"/instances/{iid}/write_status", json={"write_id": ack["write_id"]}
                )
            )
            if status["write_status"] == "completed":
                break
            await anyio.sleep(0.01)
        assert status["write_status"] == "completed"
        assert held == [{"kind": "mutations"}]
        answer = item(
            await http.post(
                f"/instances/{iid}/read",
                json={"query": "x", "sql": "SELECT name, city FROM company"},
            )
        )
        assert "Acme 2" in json.dumps(answer) and "Oslo" in json.dumps(answer)
        live = await engine.service.registry.get(iid)
        text = await live.data.read(
            live.schema,
            lambda t: t.conn.execute("SELECT text FROM _xm_episode").fetchall(),  # type: ignore[attr-defined]
        )
        assert "Acme 1 (company): city Oslo." in text[-1][0]


@pytest.mark.parametrize(
    "name",
    [
        "Person 00042",
        "  Ann   Lee ",
        "ann_lee",
        "ann@lee.io",
        "Zoë Ørsted",
        "İpek",
        "ANN",
        "a\tb",
        "x" * 250,
    ],
)
def test_a_names_index_terms_are_its_normalised_words(name: str) -> None:
    """The shortcut for names of letters and digits between spaces gives what the regular
    expression gives: the normalised whole, and each word when the name is several."""
    whole = terms.normalize(name)
    words = whole.split()
    expected = set(words) if len(words) > 1 and len(name.split()) > 1 else set()
    if len(whole) <= 200:
        expected.add(terms.WHOLE + whole)
    elif not expected:
        expected = set(words)
    assert terms.terms_of(name) == expected


def test_index_words_folds_only_what_is_not_ascii() -> None:
    assert index_words("Person 00042 (person): email p42@c7.example.") == (
        "Person 00042 (person): email p42@c7.example."
    )
    assert index_words("Łukasz Ørsted straße") == "lukasz orsted strasse"
