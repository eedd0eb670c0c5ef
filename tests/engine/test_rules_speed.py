"""What the rules mind works out once per schema (to answer a lookup with less CPU) must read
every question as working it out afresh would: the phrase-word prefilter never hides a phrase
the search finds, a warm memo reads as a cold one, and a cached field answer belongs to the
object type it was asked of. No timings here: bench/ measures the speed."""

from __future__ import annotations

import gc
import re

from xmemory_engine.minds.rules import question as question_mod
from xmemory_engine.minds.rules.question import read_question
from xmemory_engine.minds.rules.schema_map import (
    SchemaMap,
    _field_for,
    _name_field,
    field_for,
    name_field,
)
from xmemory_engine.schema import FieldSpec, ObjectSpec, parse_schema
from xmemory_engine.service.instances import default_schema_text

# Fields whose phrases overlap as substrings ("mail" in "email", "date" in "due date",
# "in progress" as "in-progress" / "in_progress"), with enum values and a flag.
SCHEMA = """
objects:
  contact:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      email: {type: str}
      e_mail_backup: {type: str}
      phone_number: {type: str}
      due_date: {type: date}
      estimate_hours: {type: int}
      status: {type: str, enum: [open, in_progress, done, on_hold]}
      is_active: {type: bool}
  task:
    primary_key: [title]
    fields:
      title: {type: str, required: true}
      priority: {type: str, enum: [low, high]}
      due: {type: date}
relations:
  works_with:
    objects: {left: contact, right: contact}
"""

QUESTIONS = [
    "What is the email of Person 00042?",
    "What's Bob's e-mail?",
    "Which contacts have the e mail backup set?",
    "What is Dana's phone number and mail?",
    "When is the due-date of the task Fix roof?",
    "Which tasks are in progress?",
    "Which contacts are in_progress or not done yet?",
    "Which contacts are no longer on hold?",
    "How many hours is the roof estimated at?",
    "Who is not active?",
    "Is Alice inactive?",
    "Which high priority tasks are due?",
    "How many contacts work with Carol?",
    "emails of contacts at Acme Corp",
    "Tell me about Person 7's phone",
    "",
    "   ",
    "What do I prefer on flights?",
    "Who wrote Piranesi?",
    "Wo wohnt Bob?",
]


def _schemas() -> list[str]:
    return [SCHEMA, default_schema_text()]


def test_phrase_prefilter_never_hides_a_match() -> None:
    """`_Phrase.find` with the question's present words finds exactly what the phrase's own
    search finds, for every phrase of the schema and every question (lowered as read)."""
    for text in _schemas():
        mapped = SchemaMap.of(parse_schema(text))
        words = question_mod._spec_words(mapped)
        phrases = [
            p
            for sw in words.specs
            for p in (
                *sw.forms,
                *(p for a in sw.asked_by for p in a.phrases),
                *(p for e in sw.enums for p in e[2:]),
            )
        ]
        assert phrases
        for q in QUESTIONS:
            low = " " + q.strip().lower() + " "
            present = question_mod._present(low, words)
            for phrase in phrases:
                found, searched = phrase.find(low, present), phrase.pattern.search(low)
                assert (found and found.span()) == (searched and searched.span()), (q, phrase.parts)


def test_present_words_are_the_substrings_held() -> None:
    mapped = SchemaMap.of(parse_schema(SCHEMA))
    words = question_mod._spec_words(mapped)
    low = " what is the e-mail backup of bob? "
    assert question_mod._present(low, words) == {w for w in words.parts if w in low}
    assert {"mail", "e", "backup"} <= question_mod._present(low, words)
    assert "email" not in question_mod._present(low, words)


def test_a_warm_memo_reads_as_a_cold_one() -> None:
    """Each question read against a schema map made just for it (a schema parsed anew:
    nothing worked out yet) reads the same as against one map that has read every question
    before."""
    for text in _schemas():
        warm = SchemaMap.of(parse_schema(text))
        for q in QUESTIONS * 2:
            cold = SchemaMap.of(parse_schema(text))
            assert repr(read_question(q, cold)) == repr(read_question(q, warm)), q


def test_fields_named_by_overlapping_phrases_are_all_asked() -> None:
    """The hint words skip no field a phrase names: "e-mail backup" names `e_mail_backup` and,
    by its synonym "e mail", `email`; "phone number" names `phone_number`."""
    mapped = SchemaMap.of(parse_schema(SCHEMA))
    q = read_question("What is Dana's phone number and e-mail backup?", mapped)
    assert q.fields == {"contact": ["email", "e_mail_backup", "phone_number"]}
    q = read_question("Which contacts are in-progress and not on hold?", mapped)
    assert q.enums == {"contact": [("status", "in_progress", True), ("status", "on_hold", False)]}
    assert re.search(r"\bon hold\b", q.lowered)


def _spec(i: int) -> ObjectSpec:
    fields = {"title": FieldSpec("str", required=True)} if i % 2 else {}
    fields |= {f"f{i}_name": FieldSpec("str"), "due_date": FieldSpec("date")}
    if i % 3 == 0:
        fields["email"] = FieldSpec("str")
    return ObjectSpec(name=f"thing{i}", fields=fields)


def test_cached_field_answers_belong_to_their_object_type() -> None:
    """Object types made and dropped one after another (so that ids are reused) each get the
    answer worked out for them, not one cached for an earlier type."""
    for i in range(300):
        spec = _spec(i)
        for kind in (None, "person", "task"):
            assert name_field(spec, kind) == _name_field(spec, kind)
        for role, types in (("email", None), ("due", ("date",)), ("title", ("str",))):
            assert field_for(spec, role, types) == _field_for(spec, role, types, None)
        # A field left out is never answered from the cache.
        assert field_for(spec, "email", None, {"email"}) is None
        del spec
        if i % 50 == 0:
            gc.collect()


def test_of_kind_gives_a_list_of_its_own() -> None:
    mapped = SchemaMap.of(parse_schema(default_schema_text()))
    people = mapped.of_kind("person")
    people.append(people[0])
    assert len(mapped.of_kind("person")) == len(people) - 1
    assert mapped.first("person") is mapped.first("person") is people[0]
    assert mapped.first("no such kind") is None
