"""Lists: "Projects: Atlas (on hold), Birch (active, due 2026-03-01), Cedar (done)."

Notes an agent writes often list several records of one type after a plural header. Each item
is a record of the type the header names; what its parentheses (or a dash) say goes to the
fields that can hold it: a date to the type's date, an allowed value to its field ("done",
"high priority"), the rest to its notes. A singular header ("Task: ...", "Contact: ...") is one
record, read by the other rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from xmemory_engine.minds.rules.amounts import one_date
from xmemory_engine.minds.rules.cues import SentenceFacts, flags_and_choices
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.names import KIN_NOUNS, person_noun, role_like
from xmemory_engine.minds.rules.schema_map import KIND_WORDS, SchemaMap, field_for, notes_field
from xmemory_engine.minds.rules.states import allowed_state, states_said
from xmemory_engine.minds.rules.text import SELF_WORDS, find_values, name_words, plural, singular
from xmemory_engine.schema import ObjectSpec

MakeDraft = Callable[[ObjectSpec, "str | None"], Draft]

_HEADER = re.compile(r"^\s*(?P<head>[^\W\d_][\w\s\-]{0,30}?)\s*:\s*(?P<items>.+?)\s*\.?\s*$")


def read_list(text: str, mapped: SchemaMap, make: MakeDraft, today: date) -> list[Draft] | None:
    """The records a list sentence gives, or None when the sentence is not a list."""
    m = _HEADER.match(text)
    if m is None:
        return None
    head = m.group("head").strip().lower()
    if head == singular(head):
        return None  # "Task: call Bob, due Friday" is one task
    # A header may open with the state of everything it lists: "Open tasks: …".
    *before, noun = head.split()
    state = " ".join(before)
    spec = _type_named(singular(head), mapped)
    if spec is None and state and states_said(state):
        spec = _type_named(singular(noun), mapped)  # "Open tasks: …"
    else:
        state = ""
    # "Kids: Maël (9), Inès (6)", "Carers: …": people, each what the heading calls them.
    called = singular(head) if spec is None and person_noun(singular(head)) else None
    if called is not None:
        spec = mapped.first("person")
    if spec is None:
        return None
    # Things to do are said as clauses ("email Chiara about the tutorial sheet"), not names.
    longest = 12 if mapped.kinds.get(spec.name) == "task" else 6
    items = _items(m.group("items"), longest)
    if len(items) < 2:
        return None
    if mapped.kinds.get(spec.name) in ("person", "org"):
        # People and organizations are listed by name: "flour", "the user" or "the Nakamura
        # family" among them are goods, the speaker, a group, not records of the type.
        items = [(name, said) for name, said in items if _named(name)]
    drafts = []
    for name, said in items:
        draft = make(spec, name)
        if called is not None:
            kin = called in KIN_NOUNS or not role_like(called)
            draft.put(field_for(spec, "relationship" if kin else "role", ("str",)), called)
        if said:
            _fill(draft, said, today)
        if state:
            _fill_state(draft, state)
        drafts.append(draft)
    return drafts


def _fill_state(draft: Draft, state: str) -> None:
    """The state `said` tells of, in the enum field that can hold it: an item's own
    ("Atlas (on hold)") or the header's for every item ("Open tasks: …")."""
    for meant in states_said(state):
        for fname, fspec in draft.spec.fields.items():
            value = allowed_state(meant, fspec.enum or ())
            if value is not None and not draft.has(fname):
                draft.put(fname, value)


def _named(item: str) -> bool:
    """Whether a list item is a name: it opens with a capital and is not the user."""
    first = item.split()[0] if item.split() else ""
    return first[:1].isupper() and item.lower() not in SELF_WORDS


def _type_named(word: str, mapped: SchemaMap) -> ObjectSpec | None:
    for spec in mapped.schema.objects.values():
        own = " ".join(name_words(spec.name))
        if word in (own, plural(own)):
            return spec
    for spec in mapped.schema.objects.values():
        kind = mapped.kinds.get(spec.name)
        if kind is not None and word in KIND_WORDS[kind] and mapped.first(kind) is spec:
            return spec
    return None


def _items(text: str, longest: int = 6) -> list[tuple[str, str]]:
    """`name (what is said)` items, split at commas and semicolons outside parentheses and
    at a final "and"."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in ",;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    last = re.match(r"(?P<a>.*?\S)\s+and\s+(?P<b>[^()]+)$", parts[-1]) if parts else None
    if last is not None and last.group("a").count("(") == last.group("a").count(")"):
        parts[-1:] = [last.group("a"), last.group("b")]  # "..., Cedar (done) and Dune"
    out = []
    for part in (p.strip() for p in parts):
        part = re.sub(r"^(?:and|or)\s+", "", part)
        m = re.match(
            r"(?P<name>[^()\u2013\u2014]+?)\s*(?:\((?P<said>[^)]*)\)|[\u2013\u2014-]\s+(?P<dash>.+))?$",
            part,
        )
        if m is None or not m.group("name").strip():
            return []  # not a list of names
        name = m.group("name").strip()
        if len(name.split()) > longest:
            return []  # a clause, not a name
        out.append((name, (m.group("said") or m.group("dash") or "").strip()))
    return out


def _fill(draft: Draft, said: str, today: date) -> None:
    before = len(draft.values)
    values = find_values(said, today)
    one_date(draft, [v for v in values if v.kind == "date"])
    _fill_state(draft, said)
    flags_and_choices(said, draft, SentenceFacts())
    role = field_for(draft.spec, "role", ("str",))
    if role is not None and not draft.has(role) and len(said.split()) <= 4 and role_like(said):
        draft.put(role, said)  # "Jürgen Pfeiffer (treasurer)"
    notes = notes_field(draft.spec, {field_for(draft.spec, "name") or ""})
    if len(draft.values) == before and notes is not None:
        draft.notes.append(said)  # nothing of it fits a field: kept with the record
