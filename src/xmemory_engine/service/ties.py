"""Whom the user's ties stand for: "mum's GP" is Hyun-joo Park's GP when she is the one person
stored as the user's mother.

People ask about their family and the people around them by the tie ("my wife", "Dad's
hearing test", "my flatmate's one condition"), and tell about them by name ("Beatriz would
much rather go to mediation", "Hyun-joo's GP is Dr Anil Varghese"). When a question finds
nothing as asked, `named` reads it again with each tie of the user's that one stored person
holds replaced by that person's name; a tie two people hold, or nobody, is left as said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xmemory_engine.schema import ObjectSpec, Schema
from xmemory_engine.service import passages as passages_mod
from xmemory_engine.store.base import Tables
from xmemory_engine.store.naming import name_field

TIE_FIELD = "relationship"
CANDIDATES = 5  # people looked at per word of a tie: more than one holding it is enough

# "my wife", "our landlord", "the user's sister": a tie of the user's, by its noun.
_THE_USERS = re.compile(
    r"\b(?:my|our|(?:the\s+)?user['\u2019]s)\s+(?P<tie>[^\W\d_][\w\-]*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Named:
    """A question read with the user's ties named: the new question, and each tie as said
    with the name read for it."""

    question: str
    read_as: list[tuple[str, str]]

    def notice(self) -> str:
        said = "; ".join(f'"{tie}" as {name}' for tie, name in self.read_as)
        return (
            f"Nothing was found as asked; read {said}, the one person stored with that tie to "
            "the user."
        )


def named(t: Tables, schema: Schema, question: str) -> Named | None:
    """`question` with each tie of the user's that one stored person holds replaced by their
    given name, or None when it says no such tie (read-only)."""
    people = [
        (spec, name)
        for spec in schema.objects.values()
        if TIE_FIELD in spec.fields and (name := name_field(spec)) is not None
    ]
    if not people:
        return None
    vocab = passages_mod.vocabulary()
    out, read_as, at = [], [], 0
    for said in _ties(question, vocab.called_by_tie):
        holder = _one_holding(t, people, said.group("tie"), vocab)
        if holder is None:
            continue
        # By the given name, as people mostly tell of their own ("Hyun-joo's GP is …"): a
        # surname the sentence does not say would weigh against it.
        out.append(question[at : said.start()] + _given(holder))
        at = said.end()
        read_as.append((said.group().strip(), holder))
    if not read_as:
        return None
    return Named("".join(out) + question[at:], read_as)


def _given(name: str) -> str:
    """The given name of a full name: its first word after any title ("Dr Aisha Rahman")."""
    words = _TITLE.sub("", name).split()
    return words[0] if words else name


_TITLE = re.compile(r"^\s*(?:(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof)\.?\s+)+")


def _ties(question: str, called_by_tie: frozenset[str]) -> list[re.Match[str]]:
    """The user's ties the question says: after "my", "our", "the user's", or one of the
    words people call a parent or grandparent by, alone ("mum's GP", "Dad's hearing test";
    not "Maya's mum", "her dad")."""
    found = list(_THE_USERS.finditer(question))
    for word in _WORD.finditer(question):
        if word.group("tie").lower() not in called_by_tie:
            continue
        before = question[: word.start()].rstrip()
        last = before.split()[-1].lower().replace("\u2019", "'") if before.split() else ""
        if (last.endswith("'s") and last not in _IS) or last in _SOMEONE_ELSES:
            continue
        if not any(m.start() <= word.start() < m.end() for m in found):
            found.append(word)
    return sorted(found, key=lambda m: m.start())


_WORD = re.compile(r"(?P<tie>\b[^\W\d_]+)")
# "Who's mum's GP?": an "'s" that is "is", not whose.
_IS = frozenset(
    "who's what's where's when's how's that's it's he's she's there's here's".split()  # noqa: SIM905
)
# Words before a tie that make it someone else's, or no one's in particular.
_SOMEONE_ELSES = frozenset(
    [
        "a",
        "an",
        "the",
        "his",
        "her",
        "their",
        "its",
        "your",
        "whose",
        "which",
        "each",
        "every",
        "any",
    ]
)


def _one_holding(
    t: Tables, people: list[tuple[ObjectSpec, str]], tie: str, vocab: passages_mod.Vocabulary
) -> str | None:
    """The name of the one person whose tie to the user is `tie` or a word for the same
    ("mother" for "mum"), or None when nobody's is or several people's are."""
    own = passages_mod.stem(tie.lower())
    wanted = {own} | vocab.groups.get(own, frozenset())
    holders: set[str] = set()
    for spec, name_of in people:
        # By stem: a stored tie mentions it ("grandm" of "grandmother"), then is checked whole.
        for word in sorted(wanted):
            for record in t.find_by_text(spec, [TIE_FIELD], word, CANDIDATES):
                value = str(record.get(TIE_FIELD) or "").strip().lower()
                if passages_mod.stem(value) in wanted and record.get(name_of):
                    holders.add(str(record[name_of]))
    return next(iter(holders)) if len(holders) == 1 else None
