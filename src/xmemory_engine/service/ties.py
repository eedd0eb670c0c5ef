"""Whom the user's ties stand for: "mum's GP" is Hyun-joo Park's GP when she is the one person
stored as the user's mother.

People ask about their family and the people around them by the tie ("my wife", "Dad's
hearing test", "my flatmate's one condition"), and tell about them by name ("Beatriz would
much rather go to mediation", "Hyun-joo's GP is Dr Anil Varghese"). When a question finds
nothing as asked, or only sentences, `named` reads it again with each tie of the user's that
one stored person holds replaced by that person's given name; a tie two people hold, or
nobody, is left as said, and so is a tie that qualifies a noun ("my dentist appointment"). A
job after "the" ("the accountant") counts when one person's role or tie says it.
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

    def notice(self, found: str) -> str:
        """What the answer says of how it was read; `found`: the basis of the read as asked
        ("nothing", or "passages" when only sentences answered it)."""
        said = "; ".join(f'"{tie}" as {name}' for tie, name in self.read_as)
        asked = "Nothing was found" if found == "nothing" else "Only sentences answered"
        return f"{asked} as asked; read {said}, the one person stored with that tie to the user."


def says_a_tie(question: str) -> bool:
    """Whether the question says a tie of the user's that `named` would look up."""
    return bool(_ties(question, passages_mod.vocabulary().called_by_tie))


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
        if said.start() < at:
            continue  # inside a tie already named ("the user's" holds "the user")
        if not _stands_for_someone(question, said):
            continue  # "my dentist appointment", "the vet practice": a kind of thing
        fields = (TIE_FIELD, "role") if said.re is _THE_ROLE else (TIE_FIELD,)
        holder = _one_holding(t, people, said.group("tie"), vocab, fields)
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


def _stands_for_someone(question: str, said: re.Match[str]) -> bool:
    """Whether a tie is said of the person, not to qualify a noun after it ("my dentist
    appointment"): the word after it is none, a possessive's, a function word, a participle
    ("is my wife taking"), or the verb of a question asked with an auxiliary before it ("How
    would my wife prefer …")."""
    rest = question[said.end() :]
    if re.match(r"['\u2019]s\b|\s*(?:[^\w\s]|$)", rest):
        return True
    after = re.match(r"\s+([^\W\d_]+)", rest)
    if after is None:
        return False
    word = after.group(1).lower()
    if word in passages_mod.vocabulary().stop or word.endswith(("ing", "ed")):
        return True
    return bool(_AUXILIARY.search(question[: said.start()]))


# ... also said in the negative: "What doesn't my mother-in-law eat?", "Why won't my son …".
_AUXILIARY = re.compile(
    r"\b(?:(?:do|does|did|would|will|can|could|should|might|must)(?:n['\u2019]t)?|can['\u2019]t"
    r"|won['\u2019]t|cannot)(?!\w)",
    re.I,
)


def _given(name: str) -> str:
    """The given name of a full name: its first word after any title ("Dr Aisha Rahman")."""
    words = _TITLE.sub("", name).split()
    return words[0] if words else name


_TITLE = re.compile(r"^\s*(?:(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof)\.?\s+)+")


def _ties(question: str, called_by_tie: frozenset[str]) -> list[re.Match[str]]:
    """The user's ties the question says: after "my", "our", "the user's"; a job after "the"
    ("the accountant"); or one of the words people call a parent or grandparent by, alone
    ("mum's GP", "Dad's hearing test"; not "Maya's mum", "her dad")."""
    from xmemory_engine.minds.rules.names import role_noun  # its lexicon, on this rare path

    found = list(_THE_USERS.finditer(question))
    found += [
        m
        for m in _THE_ROLE.finditer(question)
        if role_noun(m.group("tie")) and not any(u.start() <= m.start() < u.end() for u in found)
    ]  # not "the user" of "the user's accountant"
    for word in _WORD.finditer(question):
        if word.group("tie").lower() not in called_by_tie:
            continue
        before = question[: word.start()].split()
        last = before[-1].lower().replace("\u2019", "'") if before else ""
        if (last.endswith("'s") and last not in _IS) or last in _SOMEONE_ELSES:
            continue
        if not any(m.start() <= word.start() < m.end() for m in found):
            found.append(word)
    return sorted(found, key=lambda m: m.start())


# "the accountant", "the surgeon's": a job, which one person may hold.
_THE_ROLE = re.compile(r"\bthe\s+(?P<tie>[a-z][\w\-]*)")
_WORD = re.compile(r"(?P<tie>\b[^\W\d_]+)")
# "Who's mum's GP?": an "'s" that is "is", not whose.
_IS = frozenset(
    "who's what's where's when's how's that's it's he's she's there's here's".split()  # noqa: SIM905
)
# Words before a tie that make it someone else's, or no one's in particular.
_SOMEONE_ELSES = frozenset(
    "a an the his her their its your whose which each every any".split()  # noqa: SIM905
)


def _one_holding(
    t: Tables,
    people: list[tuple[ObjectSpec, str]],
    tie: str,
    vocab: passages_mod.Vocabulary,
    fields: tuple[str, ...],
) -> str | None:
    """The name of the one person whose `fields` (their tie to the user; for a job after
    "the", their role too) say `tie` or a word for the same ("mother" for "mum"), or None
    when nobody's do or several people's do."""
    own = passages_mod.stem(tie.lower())
    wanted = {own} | vocab.groups.get(own, frozenset())
    holders: set[str] = set()
    for spec, name_of in people:
        # By stem: a stored tie mentions it ("grandm" of "grandmother"), then is checked whole.
        for word in sorted(wanted):
            for f in fields:
                if f not in spec.fields:
                    continue
                for record in t.find_by_text(spec, [f], word, CANDIDATES):
                    value = str(record.get(f) or "").strip().lower()
                    if passages_mod.stem(value) in wanted and record.get(name_of):
                        holders.add(str(record[name_of]))
    return next(iter(holders)) if len(holders) == 1 else None
