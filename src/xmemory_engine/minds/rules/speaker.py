"""Who "I" is: the person a text introduces as its speaker, or the stored person marked so.

"My name is Sam Carter. I work at Northwind Traders." is one person's two facts: first-person
words (I, me, my, mine, myself) become mentions of the speaker, so the cue rules give Sam
Carter the company and the `works_at` link. The speaker is known
- from the text itself: "My name is X" / "Call me X" (any name that is not an organization,
  place or thing), or "I am X" / "I'm X" / "This is X" opening a sentence or clause (a name of
  two words or more, or one the text already shows is a person, so "I'm Canadian" is not one);
- otherwise from the store: the person whose notes-like field holds the sentence
  `USER_MARKER`, written there when the speaker introduced themselves. Of several so marked,
  the most recently updated one - the latest introduction - is the speaker.
With neither, the speaker is the user's own record, named `USER_NAME` and marked like an
introduced one, so "I live in Bristol", "User prefers aisle seats" and "Who is my manager?"
all meet one record; a later introduction names the speaker from then on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xmemory_engine.minds.rules.names import Candidate
from xmemory_engine.minds.rules.text import Span, lazy_compile

SPEAKER = "@speaker"  # first person with no introduction in the text: resolved from the store
USER_MARKER = "This is the user."
_STRONG = lazy_compile(r"\b(?:my\s+name\s+is|call\s+me)\s+$", re.IGNORECASE)
_WEAK = lazy_compile(
    r"(?:^|[,;:!]|\band\b)\s*(?:(?:hi|hello|hey)\b[\s,!]*)?(?:i\s+am|i['\u2019]m|this\s+is)\s+$",
    re.IGNORECASE,
)
# First person in the user's words, and "the user" in an agent's notes about them ("User
# prefers aisle seats.", "The user's sister ..."): both mean the one person memory serves.
_SELF = lazy_compile(
    r"\bI\b|\b(?i:me|my|mine|myself|our)\b|(?:\b(?i:the)\s+)?\b(?i:user)(?:['\u2019]s)?\b"
)
USER_NAME = "User"
"""The user's record when no text has said their name: every "I" and "the user" fact is its."""


@dataclass(frozen=True)
class Introduction:
    name: str  # as written
    sentence: int
    start: int  # the cue's start within its sentence ("My name is ...")
    end: int  # the name's end


def introduction(
    texts: list[str], candidates: list[list[Candidate]], kinds: dict[str, str]
) -> Introduction | None:
    """The first sentence that introduces the speaker by name, if any."""
    for i, cands in enumerate(candidates):
        for c in cands:
            kind = kinds.get(c.name.lower())
            if c.possessive or kind in ("org", "place", "thing"):
                continue
            before = texts[i][: c.start]
            cue = _STRONG.search(before)
            if cue is None and (len(c.tokens) >= 2 or kind == "person"):
                cue = _WEAK.search(before)
            if cue is not None:
                return Introduction(c.name, i, cue.start(), c.end)
    return None


def self_words(text: str, taken: list[tuple[int, int]], values: list[Span]) -> list[re.Match[str]]:
    """First-person words of a sentence outside names and typed values (me@example.com)."""
    out = []
    for m in _SELF.finditer(text):
        inside = [*taken, *((v.start, v.end) for v in values)]
        if not any(s <= m.start() < e for s, e in inside):
            out.append(m)
    return out


def marks_user(notes: object) -> bool:
    """Whether a stored notes value says its record is the user."""
    return isinstance(notes, str) and USER_MARKER.casefold() in notes.casefold()
