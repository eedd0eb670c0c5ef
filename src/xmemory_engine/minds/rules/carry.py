"""What a sentence opening with "it" says of the thing the sentence before made.

"Remind me to send the report. It is high priority." is one task with a priority: the second
sentence names no thing of its own, so its enum values, written-out fields and "urgent" go to
the task just made, and it leaves no note behind when that is all it says. So does a line
saying only when the thing is due ("Project: migrate the books to Xero. Target completion
2027-03-31."), read before the sentence's own things (`due_line`).
"""

from __future__ import annotations

import re

from xmemory_engine.minds.rules.analysis import Analyzed
from xmemory_engine.minds.rules.cues import SentenceFacts, flags_and_choices
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.schema_map import field_for
from xmemory_engine.minds.rules.text import name_words
from xmemory_engine.minds.rules.things import URGENT, set_priority, written_fields

_CARRY = re.compile(r"^\s*(?:it|this|that|its)\b", re.IGNORECASE)
# A line labelled by a field ("Status: active — 9 of 23 clients migrated", "Priority: high").
_FIELD_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z ]{1,20}?)\s*:\s")


# A line saying only when the thing is due: "Target completion 2027-03-31.", "Manuscript due
# 2027-05-31.", "Deadline: 14 March".
_DUE_LINE = re.compile(
    r"^\s*(?:[A-Za-z]+\s+){0,2}?(?:due|deadline|completion|target\s+date)\b"
    r"\s*(?::|on|by|date)?\s*",
    re.IGNORECASE,
)


def due_line(s: Analyzed, draft: Draft) -> bool:
    """The date of a line that says only when the thing just made is due: its deadline,
    when it has a date field for one and none yet. True when it was set: the line says
    nothing else."""
    said = _DUE_LINE.match(s.text)
    due = field_for(draft.spec, "due", ("date", "datetime"))
    if said is None or due is None or draft.has(due):
        return False
    day = next((v for v in s.values if v.kind == "date" and v.start == said.end()), None)
    if day is None or s.text[day.end :].strip(" .;"):
        return False
    return draft.put(due, str(day.value))


def carry(s: Analyzed, draft: Draft, facts: SentenceFacts) -> bool:
    """ "Remind me to send the report. It is high priority.": a sentence opening with "it"
    right after a thing was made says more about that thing (an enum value, a field written
    out, "urgent"); so does a line labelled by one of its fields ("Current job: migrate the
    books to Xero." then "Status: active — 9 of 23 clients migrated"). True when it set
    anything; the words it used are marked in `facts`."""
    opener = _CARRY.match(s.text)
    label = _FIELD_LABEL.match(s.text) if opener is None else None
    if label is not None and "_".join(label.group("label").lower().split()) in draft.spec.fields:
        opener = label
    if opener is None:
        return False
    before = set(draft.values)
    set_priority(s.text, draft)
    written_fields(s, draft)  # not a bare date: "It is raining today." dates no task
    flags_and_choices(s.text, draft, facts)
    added = [f for f in draft.values if f not in before]
    said = [w for f in added for w in name_words(f)]  # "priority" in "high priority"
    said += [str(draft.values[f]).replace("_", " ") for f in added]
    said += list(URGENT) if added else []
    for phrase in said:
        for m in re.finditer(rf"\b{re.escape(phrase)}\b", s.text, re.IGNORECASE):
            facts.use(m.start(), m.end())
    if added:
        facts.use(*opener.span())
    return bool(added)
