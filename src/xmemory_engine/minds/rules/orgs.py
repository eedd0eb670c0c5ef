"""What a sentence says of an organization as a whole: "they are a logistics company with
about 250 employees", "Kraftwerk GmbH, an energy company in Berlin".

The words before the organization noun are its industry (the type's kind-like field:
industry, sector, category); a number before a numeric field's last word is that field. A
pronoun ("they", "it") stands for the organization only when the sentence names exactly one.
"""

from __future__ import annotations

import re

from xmemory_engine.minds.rules.amounts import counts
from xmemory_engine.minds.rules.analysis import Analyzed, Mention
from xmemory_engine.minds.rules.cues import SentenceFacts
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.names import (
    KIN_NOUNS,
    ORG_NOUNS,
    STREETS,
    THING_WORDS,
    TITLES,
    given_name,
    names_a_time,
    role_noun,
)
from xmemory_engine.minds.rules.providers import PROVIDER_WORDS
from xmemory_engine.minds.rules.schema_map import field_for
from xmemory_engine.minds.rules.text import lexicon

_ORG_NOUN = r"(?:company|firm|business|startup|agency|manufacturer|retailer|provider|group)"
_SIZE = lexicon("orgs.size")
# "Kraftwerk GmbH, an energy company in Berlin", "Spoke & Chain is an independent bike shop":
# the words after "a" up to where the description ends (a preposition, a clause, a stop)
# say what sort it is; a noun that only says "firm" is dropped, its modifiers are the sort.
_IS_A = re.compile(
    r"^(?:\s*,|\s+(?:is|are|was|were)|\u2019s|'s)\s+an?\s+"
    # A word of a country or a language may be capitalised: "a 48-seat Italian restaurant".
    r"(?P<w>[\w][\w\-]*(?:\s+(?:[a-z][\w\-]*|[A-Z][a-z]+(?:an|ish|ese|ch|ic|i)\b)){0,3}?)"
    r"(?=\s*(?:[,.;:()]|$)|\s+(?:in|at|on|with|based|that|which|who|for|from|near|run|owned|and)\b)"
)
_ORG_NOUN_WORD = re.compile(rf"{_ORG_NOUN}")
_PRONOUN = re.compile(r"\b(?:they|it)\b", re.IGNORECASE)


_KIND_HEADS = lexicon("orgs.kind_heads")


def org_facts(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    named = [m for m in s.mentions if m.entity.startswith("org:") and not m.pronoun]
    for m in named:
        _town_set_off(s, m, drafts.get(m.entity))
        _kind_said_before(drafts.get(m.entity), s.text[: m.start], _KIND_IS)
        _kind_named(drafts.get(m.entity), s.text[m.start : m.end])
        # "Rang my insurer, Harbour Home Insurance": the trade its name says narrows it more.
        _kind_said_before(drafts.get(m.entity), s.text[: m.start], _KIND_SET_OFF)
        _kind_said_after(drafts.get(m.entity), s.text[m.end :])
        _kind_booked_with(drafts.get(m.entity), s.text[: m.start])
    orgs = {m.entity for m in named if m.entity in drafts}
    # What follows a firm's name describes that firm; "they" or "it" stands for the firm
    # only when the sentence names exactly one.
    spots = [(m.end, m.entity) for m in named if m.entity in drafts]
    if len(orgs) == 1:
        only = next(iter(orgs))
        spots += [(p.end(), only) for p in _PRONOUN.finditer(s.text)]
    for end, entity in spots:
        draft = drafts[entity]
        industry = field_for(draft.spec, "kind", ("str",))
        hit = _IS_A.match(s.text[end:])
        if hit is None or industry is None or draft.has(industry):
            continue
        what = [w for w in hit.group("w").split() if w not in _SIZE]
        if what and _ORG_NOUN_WORD.fullmatch(what[-1]):
            what = what[:-1]  # "a logistics company": logistics
        if any(w[:1].isdigit() for w in what[:-1]):
            what = what[-1:]  # "a 10-barrel microbrewery": microbrewery
        if what and draft.put(industry, " ".join(what)):
            facts.use(end + hit.start("w"), end + hit.end())
    if len(orgs) == 1:
        counts(s, drafts[next(iter(orgs))])


def _kind_said_before(draft: Draft | None, before: str, shape: re.Pattern[str]) -> None:
    """A firm said to be what the words before "is" call it ("tortilla supplier is La Milpa
    Foods", "Our insurer is Admiral") is of that kind, when those words end in a noun for a
    firm or a sort of one; so is one set off after them (`_KIND_SET_OFF`)."""
    kind = field_for(draft.spec, "kind", ("str",)) if draft is not None else None
    said = shape.search(before)
    if draft is None or kind is None or draft.has(kind) or said is None:
        return
    words = _what_sort(said.group("kind"))  # "My bank is Monzo": bank
    if words[-1:] == ["employer"]:
        return  # "My employer is Ocado": whose employer it is (`cues._employer_said`), no sort
    if words and (
        words[-1] in ORG_NOUNS
        or words[-1] in _KIND_HEADS
        or words[-1] in PROVIDER_WORDS
        # "Our plumber is Sparks & Co": a firm said to be a job does that job.
        or role_noun(words[-1])
    ):
        draft.put(kind, " ".join(words))


# The words before "is" naming what a firm is to someone: up to three, after a possessive,
# an article or the start of a clause.
_WHOSE = r"\b(?:my|our|the|their|his|her|user['\u2019]s)\s+"
_KIND_WORDS = r"(?P<kind>(?:[a-z][\w\-]*\s+){0,2}[a-z][\w\-]*)"
_KIND_IS = re.compile(
    rf"(?:^|[,;:(]\s*|{_WHOSE}|\b[A-Z][\w\-]*['\u2019]s\s+)"
    # "The electrician for the extension is …": what it is for, said between.
    rf"{_KIND_WORDS}(?:\s+for\s+(?:the\s+|my\s+|our\s+)?[a-z][\w\-]*(?:\s+[a-z][\w\-]*){{0,2}})?"
    r"\s+(?:is|are|was|were)\s+(?:now\s+)?$",
    re.IGNORECASE,
)
# "Our gym, PureFit Clapham, …": the same words set off by a comma, after whose they are.
_KIND_SET_OFF = re.compile(rf"{_WHOSE}{_KIND_WORDS}\s*,\s*$", re.IGNORECASE)
_WHEN_HELD = frozenset(("new", "current", "old", "former", "usual"))  # not what sort it is
_OWNERS = frozenset(("my", "our", "the", "their", "his", "her", "user's", "user\u2019s", "a", "an"))


def _what_sort(said: str) -> list[str]:
    """The words of what a firm is called, lowered, less those opening it that say whose it
    is or when it was so ("My bank", "Eli's new school" -> school), not what sort it is."""
    words = said.lower().split()
    while words[:1] and (words[0] in _OWNERS or words[0] in _WHEN_HELD):
        words = words[1:]
    return words


def _kind_booked_with(draft: Draft | None, before: str) -> None:
    """A firm a thing is booked or sorted with provides it, so is of that kind: "travel
    insurance sorted with Staysure", "The Hellesylt-Geiranger sightseeing ferry is booked with
    Fjord1", "Flat clearance booked with Second Chance Clearances". Not an occasion booked
    there ("Engineer visit booked with CopyServ NW"), which says nothing of what it sells,
    nor whoever did the booking ("We booked with TAP", "Mum sorted with Aviva")."""
    kind = field_for(draft.spec, "kind", ("str",)) if draft is not None else None
    said = _BOOKED_WITH.search(before[:1].lower() + before[1:])  # "Removals booked with"
    if draft is None or kind is None or draft.has(kind) or said is None:
        return
    words = _what_sort(said.group("thing"))  # "the travel insurance": travel insurance
    if not words or words[-1] in _DOERS or words[-1] in KIN_NOUNS:
        return
    if words[-1] not in _OCCASIONS and words[-1].rstrip("s") not in _OCCASIONS:
        draft.put(kind, " ".join(words))


# Up to three words naming the thing, then "(is) booked / sorted / arranged with" right
# before the firm's name: what is bought from it.
_BOOKED_WITH = re.compile(
    r"(?:^|[,;:(]\s*|\s)(?P<thing>(?:(?!(?:and|or|is|are|was|were)\b)[a-z][\w\-]*\s+){0,2}"
    r"(?!(?:is|are|was|were)\b)[a-z][\w\-]*)\s+"
    r"(?:(?:is|are|was|were|got|'s|\u2019s)\s+)?(?:now\s+)?"
    r"(?:booked|sorted|arranged|organi[sz]ed|taken\s+out|bought)\s+with\s+$"
)
_OCCASIONS = lexicon("things.event_nouns")
# Who books, in the active voice: the subject, not what was bought.
_DOERS = frozenset(("i", "we", "you", "they", "he", "she"))


def _kind_said_after(draft: Draft | None, after: str) -> None:
    """A firm whose name is followed by the sort it is, in a few plain words ("Harbour
    Striders running club", "DentStaff Scotland locum agency"), or opening its brackets
    ("Second Chance Furniture (charity)", "Fernhill Analytics (data consultancy, Bristol)"),
    where a word for a firm's part will do too ("(client)"), is of that sort."""
    kind = field_for(draft.spec, "kind", ("str",)) if draft is not None else None
    said = _KIND_AFTER.match(after)
    if draft is None or kind is None or draft.has(kind):
        return
    if said is None:
        # "Maison Lumière (Paris agency; …)": the sort after the town it is in.
        item = _BRACKETED.match(after)
        first = re.split(r"[,;]", item.group("items"))[0].strip() if item else ""
        placed = _sort_in_town(first)
        if placed is not None:
            draft.put(kind, placed.group("sort"))
        return
    head = said.group("head").lower()
    firm_word = False
    if said.group("bracket"):
        # In brackets, the sort is an item of its own: "(partner: Sebastián Restrepo)" says who.
        if after[said.end() :].lstrip()[:1] not in (",", ";", ")"):
            return
        firm_word = head in ORG_NOUNS or head in PROVIDER_WORDS
    if head in _KIND_HEADS or firm_word:
        draft.put(kind, said.group("kind").lower())


# Up to three lower-case words right after a name, the last the sort, and then the end of the
# phrase: "from Harbour Striders running club, he's …".
_KIND_AFTER = re.compile(
    r"\s+(?P<bracket>\(\s*)?(?P<kind>(?:[a-z][\w\-&]*\s+){0,2}(?P<head>[a-z][\w\-]*))(?=\s*(?:[,.;:()\u2014\u2013]|$))"
)


def _kind_named(draft: Draft | None, name: str) -> None:
    """A firm whose name ends in what sort it is ("Toronto General Hospital", "Harbour Home
    Insurance") is of that kind, unless something else has said."""
    words = name.lower().split()
    kind = field_for(draft.spec, "kind", ("str",)) if draft is not None else None
    if draft is None or kind is None or draft.has(kind) or len(words) < 2:
        return
    if words[-1] in _KIND_HEADS:
        before = words[-2]
        # "Pasos Dance Academy", "Green Light Driving School": the word before the sort, in a
        # name of three words or more, narrows it; not a name's ("St Mary's Hospital", the
        # second of two joined by "&"), nor a street's ("Oxford Road Surgery").
        narrows = (
            len(words) >= 3
            and words[-3] not in ("&", "and")  # "Tern & Tide Publishing": "Tide" is a name's
            and before.isalpha()
            and before not in THING_WORDS
            and not given_name(before)
        )
        draft.put(kind, f"{before} {words[-1]}" if narrows else words[-1])
    elif words[0] in _KIND_HEADS:
        draft.put(kind, words[0])  # "Hotel Kaiserhof Wien"


def _town_set_off(s: Analyzed, m: Mention, draft: Draft | None) -> None:
    """Where a firm is, said as items of the brackets right after its name ("Northbridge
    Fertility Centre (Oxford Road, Manchester)", "Fernhill Analytics (data consultancy,
    Bristol)", "Fernhill Bank (Leeds office)") or after the house number of its address
    ("Chowdhury Kessler Accountants, 22 Deansgate, Manchester"): the first run of items that
    are names of no one and nothing else the sentence names, no street, time or code."""
    location = field_for(draft.spec, "location", ("str",)) if draft is not None else None
    if draft is None or location is None or draft.has(location):
        return
    found = _BRACKETED.match(s.text, m.end) or _ADDRESSED.match(s.text, m.end)
    if found is None:
        return
    others = [(x.start, x.end) for x in s.mentions if x is not m]
    towns: list[str] = []
    at = found.start("items")
    for item in re.split(r"([,;])", found.group("items")):
        start, at = at, at + len(item)
        if item in (",", ";"):
            continue
        said = item.strip()
        start += len(item) - len(item.lstrip())
        placed = _sort_in_town(said)  # "Paris agency": the firm's sort, in its town
        if placed is not None:
            said = placed.group("town")
        town = _a_town(said) and not any(a < start + len(said) and start < b for a, b in others)
        if town:
            towns.append(_TOWN_PART.sub("", said))
        elif towns:
            break
    if towns:
        draft.put(location, ", ".join(towns))


_BRACKETED = re.compile(r"\s*\((?P<items>[^()]{1,80})\)")
# An item naming a town and then, in small letters, the firm's sort there: "Paris agency",
# "Bengaluru ad agency".
_SORT_IN_TOWN = re.compile(
    r"(?P<town>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?)\s+(?P<sort>(?:[a-z][\w\-&]*\s+){0,2}"
    r"(?P<head>[a-z][\w\-]*))$"
)


def _sort_in_town(item: str) -> re.Match[str] | None:
    """The town and the firm's sort of an item that names both ("Paris agency"), when its
    last word is a firm's sort; None otherwise."""
    placed = _SORT_IN_TOWN.match(item)
    return placed if placed is not None and placed.group("head") in _KIND_HEADS else None


# A house number or unit opens the address: "…, 22 Deansgate, Manchester".
_ADDRESSED = re.compile(
    r"\s*,\s*(?P<items>(?:Unit\s+)?\d+[A-Za-z]?\s+[^,;()]{1,40}(?:,\s*[^,;()\n.]{1,40}){1,3})"
)
# What follows a town's name in an item: its postcode, or the word for the branch there.
_TOWN_PART = re.compile(r"\s+(?:[A-Z]{1,2}\d[\dA-Z]?\s*\d[A-Z]{2}|office|branch|campus)$")


def _a_town(item: str) -> bool:
    """Whether an item names a place: one to three capitalised words (with "upon", "on",
    "de"…), perhaps with a postcode or "office" after them, and no street, code or time."""
    words = _TOWN_PART.sub("", item).split()
    if not 1 <= len(words) <= 3 or any(c.isdigit() for c in "".join(words)):
        return False
    low = [w.lower().strip("'\u2019") for w in words]
    if low[-1] in STREETS or low[0] in TITLES or names_a_time(low) or item.isupper():
        return False
    return words[0][:1].isupper() and all(
        w[:1].isupper() or w in ("upon", "on", "de", "la", "le", "am", "im") for w in words
    )
