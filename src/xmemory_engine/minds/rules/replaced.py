"""A value said to be replaced by another: "Update: user switched from Vodafone to Three",
"Mateo moved from London to Madrid", "I changed from oat milk to almond milk".

The sentence names the old value and the new one; the record that holds the old value is
stored already, so it is found by lookup, not in the sentence. The record changed is one
about whom the sentence speaks (the user's own records and details for "I" / "user", the
named one's for a name), and only in a field that holds the old value as whole words; its
key is kept, so the store updates that record and keeps the old value as history. A key
field (a preference's topic, a fact's attribute) is never rewritten: that would be a new
record, not a change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from xmemory_engine.minds.base import RecordLookup
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.names import given_name
from xmemory_engine.minds.rules.schema_map import SchemaMap, date_fields, name_field, notes_field
from xmemory_engine.minds.rules.speaker import USER_NAME
from xmemory_engine.minds.rules.text import STOPWORDS, Span, lexicon
from xmemory_engine.schema import ObjectSpec

MAX_LOOKUPS = 12

_FROM_TO = re.compile(
    r"^(?:[A-Z][\w\-]*(?:\s+[\w\-]+)?:\s+)?(?P<who>.+?)\s+(?:has\s+|have\s+|just\s+)?"
    r"(?:switched|changed|moved|transferred|went)\s+(?:\w+\s+){0,2}?from\s+"
    r"(?P<old>[^,;]+?)\s+to\s+(?P<new>[^,;.!?]+)",
    re.IGNORECASE,
)
# Where the new value ends: what follows says when ("to Madrid in March", "from April").
# An aside in brackets ("to Café Zeezicht (per Aylin's email)") is not the value either.
_NEW_ENDS = re.compile(
    r"\s+(?:from|in|on|at|by|since|starting|next|this|last|after|before|for|because|as)\b.*$"
    r"|\s*\(.*$",
    re.IGNORECASE,
)
# "Correction: the induction is at Gibside Picture House, not the Exchange": what is said
# of a thing, then the value it replaces. Only a thing's: its record is found by its title.
_NOT_OLD = re.compile(
    r"^(?:[A-Z][\w\-]*(?:\s+[\w\-]+)?:\s+)?(?P<what>[^,;:]+?)\s+(?:is|are|was|were|will\s+be)"
    r"\s+(?:(?:now|actually|really)\s+)?(?:(?:at|in|on|with|by|from)\s+)?"
    r"(?P<new>[^,;]+?),\s+not\s+(?:at\s+|in\s+|on\s+|with\s+)?(?P<old>[^,;.!?\u2014\u2013]+)",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:the|my|our|a|an)\s+", re.IGNORECASE)
_OPENER = re.compile(r"^(?:actually|sorry|oops|no|wait|correction)\b[\s,]*", re.IGNORECASE)
_SELF = frozenset(("i", "we", "user", "the user"))


async def read_replaced(
    text: str,
    mapped: SchemaMap,
    lookup: RecordLookup,
    make: Callable[[ObjectSpec, str | None], Draft],
    dates: Sequence[Span] = (),
) -> list[Draft]:
    """Drafts that put the new value where a stored record held the old one (none when the
    sentence tells no replacement, or no record of whom it speaks holds the old value).
    `dates`: the sentence's dates, read (ISO), for a day replaced ("Correction: booster is
    due 27 January, not 20 January": the stored booster's due date that is 20 January)."""
    corrected = _NOT_OLD.search(text)
    if corrected is not None:
        day = await _day_replaced(corrected, mapped, lookup, make, dates)
        if day:
            return day
    m = _FROM_TO.search(text)
    what = ""  # the thing a "Y, not X" correction is of ("the induction")
    if m is not None:
        who = m.group("who").strip()
        whose = USER_NAME if who.casefold() in _SELF else who
        old = _LEADING.sub("", m.group("old").strip())
        new = _LEADING.sub("", _NEW_ENDS.sub("", m.group("new").strip()))
    else:
        m = corrected  # "Y, not X", read once above
        if m is None:
            return []
        whose, what = USER_NAME, m.group("what")
        said = _LEADING.sub("", _OPENER.sub("", what.strip()))
        if said[:1].isupper() and given_name(said.split()[0]):
            # "Correction: Priya is the COO, not the CFO": what is said of someone named, in
            # whichever of their fields holds the old value (a tie said with the job too).
            whose, what = said, ""
        old = _LEADING.sub("", m.group("old").strip())
        new = _LEADING.sub("", m.group("new").strip())
    if not old or not new or old.casefold() == new.casefold():
        return []
    # "The Old Harbour" stored, "from The Old Harbour" said: its article goes with it.
    held = re.compile(rf"(?<!\w)(?:(?:the|a|an)\s+)?{re.escape(old)}(?!\w)", re.IGNORECASE)
    drafts: list[Draft] = []
    asked = 0
    for spec in mapped.schema.objects.values():
        if not spec.primary_key or asked >= MAX_LOOKUPS:
            continue
        asked += 1
        about = [r for r in await lookup.find(spec.name, old, 5) if _about(mapped, spec, r, whose)]
        if what:
            about = [r for r in about if _titled_by(spec, r, what)]
        if len({str(r.get(name_field(spec) or "")) for r in about}) > 1:
            continue  # "José" when two people so called held the old value: not sure who
        for record in about:
            draft = _replacing(spec, record, held, new, make, whole=bool(what))
            if draft is not None:
                drafts.append(draft)
    return drafts


async def _day_replaced(
    m: re.Match[str],
    mapped: SchemaMap,
    lookup: RecordLookup,
    make: Callable[[ObjectSpec, str | None], Draft],
    dates: Sequence[Span],
) -> list[Draft]:
    """The stored thing the correction names by a word of its title whose date field holds
    the old day: that field, now the new day. One such record only (two: not sure which)."""
    new = [d for d in dates if m.start("new") <= d.start and d.end <= m.end("new")]
    old = [d for d in dates if m.start("old") <= d.start and d.end <= m.end("old")]
    if len(new) != 1 or len(old) != 1:
        return []
    was, now = str(old[0].value), str(new[0].value)
    found: list[tuple[ObjectSpec, dict[str, object], str]] = []
    words = [w for w in re.findall(r"\w{4,}", m.group("what")) if w.casefold() not in _NOT_TITLE]
    for spec in mapped.schema.objects.values():
        fields = date_fields(spec)
        if not spec.primary_key or not fields or not words:
            continue
        seen: set[str] = set()
        for word in words[:2]:
            for record in await lookup.find(spec.name, word, 5):
                key = str(record.get(spec.primary_key[0]))
                if key in seen or not _titled_by(spec, record, m.group("what")):
                    continue
                seen.add(key)
                for fname in fields:
                    held = str(record.get(fname) or "")[:10]
                    if held and (held == was or held[4:] == was[4:]):
                        found.append((spec, record, fname))
    if len(found) != 1:
        return []
    spec, record, fname = found[0]
    draft = make(spec, None)
    for key in spec.primary_key:
        if not draft.put(key, record.get(key)):
            return []
    return [draft] if draft.put(fname, now) else []


# Words of a correction that say no thing: the change's own ("correction", "date") and the
# small words, as `extract` reads the thing a change is of.
_NOT_TITLE = lexicon("extract.not_title") | STOPWORDS


def _about(mapped: SchemaMap, spec: ObjectSpec, record: dict[str, object], whose: str) -> bool:
    """Whether `record` is one about `whose`: a person or an organization by its name, a
    detail of theirs, a thing by a word of its title, or (for the user) a record of a kind
    that names no one (a preference)."""
    named = name_field(spec)
    if named is not None and spec in mapped.of_kind("person"):
        return called(str(record.get(named) or ""), whose)
    if named is not None and spec in mapped.of_kind("org"):
        return str(record.get(named) or "").casefold() == whose.casefold()
    if "subject" in spec.fields:
        return str(record.get("subject") or "").casefold() == whose.casefold()
    if whose != USER_NAME:
        # "Update: speaker dinner moved from The Old Harbour to Café Zeezicht": a thing is
        # the one its words name, as a "Y, not X" correction's is.
        return _titled_by(spec, record, whose)
    return True


def called(stored: str, name: str) -> bool:
    """Whether someone stored as `stored` is the one `name` names: the whole name, or one word
    of it that is their first or last name ("José" for the stored "José Álvarez"), as a note
    goes on to speak of someone it has named once."""
    if stored.casefold() == name.casefold():
        return True
    parts = stored.casefold().split()
    return " " not in name and len(parts) > 1 and name.casefold() in (parts[0], parts[-1])


def _replacing(
    spec: ObjectSpec,
    record: dict[str, object],
    held: re.Pattern[str],
    new: str,
    make: Callable[[ObjectSpec, str | None], Draft],
    *,
    whole: bool = False,
) -> Draft | None:
    """The record with the old value replaced by the new in each field holding it; with
    `whole`, the new value is the field's whole ("Wigston test centre" -> "Leicester test
    centre", told as "the test is at the Leicester test centre, not Wigston")."""
    notes = notes_field(spec, set(spec.primary_key))
    draft = make(spec, None)
    for key in spec.primary_key:
        if not draft.put(key, record.get(key)):
            return None
    changed = False
    for fname, fspec in spec.fields.items():
        value = record.get(fname)
        if fname in spec.primary_key or fname == notes or fspec.type != "str":
            continue
        found = held.search(value) if isinstance(value, str) else None
        if isinstance(value, str) and found is not None:
            # "The Old Harbour restaurant" moved to Café Zeezicht: the sort said after the old
            # name was the old place's, so the new one is the whole value.
            sort_after = found.start() == 0 and re.fullmatch(r"\s+[a-z]+", value[found.end() :])
            replaced = new if whole or sort_after else held.sub(new, value)
            changed = draft.put(fname, replaced) or changed
    return draft if changed else None


def _titled_by(spec: ObjectSpec, record: dict[str, object], what: str) -> bool:
    """Whether the record's name or title says a word of `what` ("induction" of "the
    induction" in "Volunteer induction"): the thing a correction speaks of."""
    named = name_field(spec)
    title = set(re.findall(r"\w{4,}", str(record.get(named) or "").casefold())) if named else set()
    return bool(title & set(re.findall(r"\w{4,}", what.casefold())))
