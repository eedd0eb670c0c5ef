"""Details said as "whose what is which": one general shape instead of a type per topic.

"My blood type is O negative", "The user's postcode is 4050-262", "Mochi's vet is Dr Arai",
"my mum's next check-up is on 2026-03-02", and an agent's labelled line "User's gear list:
38 L pack, poles" each say one detail (an attribute) of someone or something (the subject).
When the schema has a fact-like type (fields subject, attribute and value), each becomes a
record of it, keyed by subject and attribute, so a later value for the same detail replaces
the earlier one (kept as history) and "What is my blood type?" is answered from the record.

Precision first: only the copula after a possessive ("X's Y is Z"), a labelled line whose
label is possessed ("User's Y: Z"), and a detail with no owner whose value is a number or an
amount ("Rent is £22/hour": the user's, as an unowned label is) are read. A detail the
sentence's other rules already store in a field (an email, a role, a manager who is a person) is left to them, and a
sentence that says anything else keeps its place in the notes as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.names import (
    ANIMALS,
    CURRENCY_CODES,
    KIN_NOUNS,
    ROLE_NOUNS,
    before_preposition,
    given_name,
    names_a_time,
)
from xmemory_engine.minds.rules.schema_map import FACT_FIELDS, ROLE_SYNONYMS, SchemaMap, fact_type
from xmemory_engine.minds.rules.speaker import USER_NAME
from xmemory_engine.minds.rules.text import (
    MONEY_SIGN,
    MONTH_WORD,
    POSSESSIVE_PRONOUNS,
    STOPWORDS,
    UPPER,
    WEEKDAY_WORD,
    lazy_compile,
    lexicon,
)
from xmemory_engine.schema import ObjectSpec

MAX_ATTRIBUTE_WORDS = 4
MAX_VALUE_CHARS = 120

_APOSTROPHE = "['\u2019]s"
_NAME = rf"{UPPER}[\w\-]*(?:\s+{UPPER}[\w\-]*){{0,3}}"
# Whose: the user ("my", "our", "the user's", "User's"), someone the user names by a noun
# ("my mum's"), someone named ("Mochi's"), or a thing ("the car's").
_OWNER = (
    rf"(?P<owner>\b(?:[Mm]y|[Oo]ur)\b(?:\s+(?P<kin>[a-z][\w\-]*){_APOSTROPHE})?"
    rf"|\b(?:[Tt]he\s+)?[Uu]ser{_APOSTROPHE}"
    rf"|\b[Tt]he\s+(?P<thing>[a-z][\w\-]*){_APOSTROPHE}"
    rf"|(?P<name>{_NAME}){_APOSTROPHE})"
)
# A word of it may be an acronym ("my half marathon PB", "my NHS number").
_ATTRIBUTE = r"(?P<attribute>[a-z][\w\-]*(?:\s+(?:[a-z][\w\-]*|[A-Z]{2,4}\b)){0,3}?)"
# The text read is one sentence (split where a sentence ends, not after "Dr."), so a value
# runs to a semicolon or the sentence's end.
# A value also ends where another clause is joined on ("Ingrid Moe, and my team lead is
# Tariq"): the next clause may state a detail of its own.
# So does a clause joined by a comma alone, opened by its own subject ("Penguin, I'm doing a
# cover for them", "Monzo, it's been great": the pronoun may already be read as the name).
_VALUE = (
    r"(?P<value>[^;!?]+?)\s*(?=[;!?]|\.?\s*$|,?\s+(?:and|but|while|whereas)\s+"
    r"(?:my|our|his|her|their|the|i|we|he|she|they|it)\b|,\s+(?:who|which|whose)\b"
    r"|,\s+(?:(?i:i|we|he|she|they|it|you)\b"
    r"|[A-Z][\w\-]*['\u2019](?:s|re|ve)\s+(?:been|got|not|a|an|the|[a-z]+(?:ing|ed))\b))"
)
# "is", and the ways a new value is said ("has changed to", "moved to"): the same record,
# keyed by whose and what, takes the new value and keeps the old one as history.
_STATED = re.compile(
    rf"{_OWNER}\s+{_ATTRIBUTE}\s+(?:is|are|was|were|(?:has\s+)?(?:changed|moved)\s+to)\s+{_VALUE}"
)
# "I live at 22 Rose Lane, Oxford", "User lives at Rua das Flores 72": the user's address.
_LIVES_AT = re.compile(
    r"\b(?:I|[Ww]e|(?:[Tt]he\s+)?[Uu]ser)\s+(?:now\s+|currently\s+|still\s+)?(?:live|lives)\s+at\s+"
    + _VALUE
)
# A detail said with no owner, of a number or an amount: "Rent is £22/hour", "; membership is
# £28 a year", "the pass mark is 70%", "Correction: the round is now £1.5m" (after a label
# saying what kind of note it is). Said in the user's words or notes, it is the user's
# (as an unowned label is); a value without a digit ("The weather is awful") is no detail.
_UNOWNED = re.compile(
    r"(?:^|[.;!]\s+|,\s+(?:and\s+|but\s+)?|\s[\u2014\u2013]\s+|^\s*(?P<meta>[A-Za-z]+)\s*:\s+)"
    r"(?:(?:[Tt]he|[Oo]ur)\s+)?"
    # (A copula is no word of the noun: "membership is actually £62" is "membership".)
    r"(?P<attribute>[A-Za-z][a-z\-]*(?:\s+(?!(?:is|are|was|were)\b)[a-z][a-z\-]*){0,2}?)"
    # "The budget for the offsite is £5,000": the same detail as "offsite budget" (`_fact`);
    # "Rent on the unit is £1,400 a month": "unit rent".
    r"(?:\s+(?:for|of|on)\s+(?:the\s+|my\s+|our\s+)?"
    r"(?P<of>[a-z][a-z\-]*(?:\s+(?!(?:is|are|was|were)\b)[a-z][a-z\-]*)?))?"
    rf"(?:\s+(?P<copula>is|are|was|were)\s+|\s+(?={MONEY_SIGN}\d))"
    r"(?P<value>(?:(?:max|maximum|min|minimum|about|around|roughly|only|just|now|actually)\s+)?"
    rf"{MONEY_SIGN}?\d(?:[^;,!?\u2014\u2013]|,(?=\d)|,\s+(?={MONEY_SIGN}?\d))*?)"
    rf"\s*(?=[;!?\u2014\u2013]|,\s(?!\s*{MONEY_SIGN}?\d)|\.?\s*$|\.\s|\s+(?:because|since|so|but|which)\b)"
)
# A value that says when: an event's or a task's date, not a detail ("is on 5 Dec", "are
# 2026-03-01", "is next Tuesday 9 Dec").
_DATED = re.compile(
    rf"\b(?:{MONTH_WORD}\.?|{WEEKDAY_WORD})(?!\w)|\d{{4}}-\d\d-\d\d",
    re.IGNORECASE,
)
# A value taken back as it is said ("excess is £250 - no wait, it's £350"): which one holds
# is not read, so neither is stored as the detail.
_TAKEN_BACK = re.compile(r"\b(?:no\s+wait|I\s+mean|sorry|scratch\s+that)\b", re.IGNORECASE)
# ... unless the value says which one it replaces: "no wait, the tank was £290 not 320".
_SAYS_NOT = re.compile(rf"\bnot\s+(?:the\s+)?{MONEY_SIGN}?\d")
_LABELLED = re.compile(rf"(?:^|;\s+){_OWNER}\s+{_ATTRIBUTE}\s*:\s+{_VALUE}")
# An agent's note opened by a label of words alone ("Insurance: HUK-Coburg, renewal in May",
# "Current job: 42-page protocol"): a detail of the user's, named by the label.
_NOTE_LABEL = re.compile(
    r"^\s*(?P<attribute>[A-Z][a-z\-]+(?:\s+[a-z][a-z\-]+){0,3})\s*:\s+" + _VALUE
)
# A value that is only a phone number, an email or a web address: "Bob: 0131 555 0198" is a
# contact line (the label may be a name), not a detail of the user's.
_CONTACT = re.compile(r"\+?[\d\s().\-]{7,}|\S+@\S+|(?:https?://|www\.)\S+")
# Labels that say what kind of note follows, not what it is about.
META_LABELS = lexicon("facts.meta_labels")
# What follows the copula that is not a value ("My flight is delayed", "is now ...").
_NOT_A_VALUE = lexicon("facts.not_a_value")
_LEADING = re.compile(r"^(?:(?:on|at|in|now|currently|actually)\s+)+", re.IGNORECASE)
# Attributes that name a person ("my manager is Priya"), a preference, or a detail the
# person type's own fields hold: other rules store those.
_NOT_AN_ATTRIBUTE = lexicon("facts.not_an_attribute")
# ... and the nouns that do so as the attribute's head only ("phone number", not "phone
# provider").
_NOT_AN_ATTRIBUTE_HEAD = lexicon("facts.not_an_attribute_head")
_PHONE_WORDS = lexicon("facts.phone_words")
_IDENTIFIER_HEADS = lexicon("facts.identifier_heads")
# A code: letters and digits with at least one digit ("QH7T2K", "ADM-44810-G"), or a short
# one in two parts ("M-GW 2841", "LK19 XFT").
_CODE = (
    r"(?:(?=[\w\-]{1,5}\s[A-Z0-9]{2,4}\b)(?=[\w\- ]{0,10}\d)[A-Z0-9][\w\-]{0,4}\s[A-Z0-9]{2,4}"
    r"|(?=[\w\-/]*\d)[A-Z0-9][\w\-/]*[A-Za-z0-9])"
)
# A code named by what identifies it, inside any clause: "…; booking ref QH7T2K", "Admiral,
# policy number ADM-44810-G", "plate M-GW 2841". The head noun says it is an identifier, so
# the code after it is its value, with or without "is" or a colon.
_IDENTIFIED = lazy_compile(
    # A stop ends a clause too where it ends no sentence ("€165/night. confirmation no.
    # HKW-55120. contact there is …": written without capitals).
    rf"(?:^|[;,(:]\s*|[.!?]\s+|\s[\u2014\u2013-]\s+|\b(?:and|with)\s+)(?:{_OWNER}\s+)?"
    rf"(?P<attribute>(?i:(?:[a-z][a-z\-]*\s+){{0,2}}(?:{'|'.join(sorted(_IDENTIFIER_HEADS))})))\.?"
    # A number in groups is whole: "certificate number 001784 552 913".
    rf"(?:\s*[:#]\s*|\s+(?:is\s+)?)(?P<value>{_CODE}(?:\s\d{{2,6}}(?=[\s.,;:)!?]|$))*)"
    r"(?=[\s.,;:)!?]|$)"
)

# An age: "Maya is 34", "My daughter Freya is 13 and attends …", "our dog Biscuit is 6 now",
# "Hetty Brannigan's 74" (after "she's" is named), "Priya turned 40 last week", "I'm 41".
# Whose: the user, someone named (by a given name), or someone the user names by a noun of
# kin, a job or an animal ("my gran is 91"). A number of years said as it is (to 120), and
# nothing after it but where the clause ends: "is 5 minutes away" tells no age.
_AGED = lazy_compile(
    r"(?:^|[.;,!:(\u2014\u2013]\s*|\b(?:and|but|so|because)\s+)"
    r"(?:(?P<user>I|(?:[Tt]he\s+)?[Uu]ser)"
    rf"|(?:[Mm]y|[Oo]ur|(?:[Tt]he\s+)?[Uu]ser{_APOSTROPHE})\s+(?P<noun>[a-z][\w\-]*)(?:,?\s+(?P<called>{_NAME}),?)?"
    rf"|(?P<name>{_NAME}))"
    r"\s*(?:['\u2019](?:s|m)|\s+(?:is|am|(?:has\s+)?(?:just\s+)?turned))\s+"
    r"(?P<age>\d{1,3})(?:\s+(?:years?|yrs?)(?:\s+old)?|\s*(?:yo|y/o))?(?:\s+(?:now|today))?"
    r"(?=\s*(?:[.,;!?)\u2014\u2013]|$)|\s+(?:and|but|so|last|this|in|on)\b)"
)
MAX_AGE = 120
# ... or told as a kind of one of an age: "Our dog Biscuit is a 6-year-old beagle" (whose, said
# before "is"), "my 7-year-old son Leo" (the name after the noun).
_YEAR_OLD = lazy_compile(
    rf"(?:(?P<name>{_NAME})\s+is\s+(?:a|an)\s+"
    r"|\b(?:[Mm]y|[Oo]ur)\s+)(?P<age>\d{1,3})[\s\-]years?[\s\-]old\b"
    rf"(?:\s+(?P<noun>[a-z][\w\-]*)\s+(?P<called>{_NAME}))?"
)


# ... or set off right after the name, as lists and notes give it: "Maisie (9) does
# swimming", "our kids Tom (9) and Lily (6)", "Idris Malik, 17, is our son".
_AGE_SET_OFF = lazy_compile(
    rf"(?P<name>{_NAME})\s*(?:\(\s*(?:aged?\s+)?(?P<age>\d{{1,3}})\s*\)|,\s*(?P<aged>\d{{1,3}}),)"
)


def _whose(m: re.Match[str], nouns: frozenset[str], *, given: bool) -> str | None:
    """Whom a clause's subject names (groups user, noun, called, name): the user ("I",
    "User"), someone named after their noun ("my daughter Freya"), someone the user names by
    one of `nouns` ("my gran": User's gran), or someone named, by a given name when `given`
    ("Version is 3" names no one); never a function word, a day or a month ("It takes …")."""
    if m.group("user"):
        return USER_NAME
    if m.groupdict().get("called"):
        return str(m.group("called"))
    if m.group("noun"):
        noun = m.group("noun").lower()
        return f"{USER_NAME}'s {noun}" if noun in nouns else None  # "my flight is 6 …"
    first = m.group("name").split()[0]
    if first.lower() in STOPWORDS or names_a_time([first]) or (given and not given_name(first)):
        return None
    return str(m.group("name"))


def _ages(text: str) -> list[tuple[str, str, str]]:
    """The ages `text` tells, as (whose, "age", years)."""
    out = []
    for m in _AGED.finditer(text):
        whose = _whose(m, KIN_NOUNS | ROLE_NOUNS | ANIMALS, given=True)
        if whose is not None and int(m.group("age")) <= MAX_AGE:
            out.append((whose, "age", m.group("age")))
    for m in _YEAR_OLD.finditer(text):
        named = m.group("name") or m.group("called")
        if named is None or int(m.group("age")) > MAX_AGE:
            continue
        if named.split()[0].lower() in STOPWORDS:
            continue  # "It is a 3 year old car": no one's age
        out.append((named, "age", m.group("age")))
    for m in _AGE_SET_OFF.finditer(text):
        named, age = m.group("name"), m.group("age") or m.group("aged")
        # A given name opening it says someone ("Flat 3, 14, …", "Room (12)" name no one).
        if given_name(named.split()[0]) and 0 < int(age) <= MAX_AGE:
            out.append((named, "age", age))
    return out


def read_facts(
    text: str,
    mapped: SchemaMap,
    make: Callable[[ObjectSpec, str | None], Draft],
    *,
    described: str | None = None,
) -> list[Draft]:
    """The details `text` states, as drafts of the fact-like type (none without one).
    `described` is the person the sentence describes (`extract._described`): a detail it
    lists after a comma with no owner of its own is theirs, not the user's."""
    spec = fact_type(mapped)
    if spec is None:
        return []
    drafts: list[Draft] = []
    seen: set[tuple[str, str]] = set()

    def keep(detail: tuple[str, str, str]) -> None:
        """A record of `detail`, unless one of the same subject and attribute was read."""
        key = (detail[0].lower(), detail[1])
        if key in seen:
            return
        seen.add(key)
        draft = make(spec, None)
        if all(draft.put(f, v) for f, v in zip(FACT_FIELDS, detail, strict=True)):
            drafts.append(draft)

    itemised = _amounts_listed(text)
    listed = [] if itemised else _items_labelled(text)
    for detail in [
        *itemised,
        *listed,
        *_changed_to(text),
        *_ages(text),
        *_doses(text),
        *_paid(text),
    ]:
        keep(detail)
    for pattern in (_STATED, _LABELLED, _NOTE_LABEL, _LIVES_AT, _IDENTIFIED, _UNOWNED):
        if (itemised or listed) and pattern in (_LABELLED, _NOTE_LABEL):
            continue  # the label lists amounts or items, read above: not its first alone
        for m in pattern.finditer(text):
            if pattern is _UNOWNED and (
                m.group("attribute").lower().split()[0] in STOPWORDS
                # "spent £40" is a deed; "the cost of the repair is £340" a noun's value
                or (not m.group("copula") and _a_deed(m.group("attribute").lower().split()[-1]))
                or _named_thing(m.group("attribute"), m.group("value"))
                or any(a.lower() == m.group("attribute").lower() for a, _ in seen)
                or _DATED.search(m.group("value"))
                or (_TAKEN_BACK.search(text) and not _SAYS_NOT.search(m.group("value")))
                or not _stated_after_label(m)
            ):
                continue  # "it is 5pm"; said already; a date is an event's or a task's
            found = _lives_at(m) if pattern is _LIVES_AT else _fact(m)
            if (
                found is not None
                and described
                and pattern is _UNOWNED
                and m.group().startswith(",")
            ):
                found = (described, *found[1:])
            if found is not None:
                keep(found)
    return drafts


# A labelled line listing things each with an amount: "Medications: hydroxychloroquine 200 mg
# twice daily; mycophenolate 1000 mg twice daily", "Rates: EN>DE €0.14/word; DE>EN €0.12".
_LABEL_AND_ITEMS = r"[\w\-']*(?:\s+[\w\-']+){0,4}\s*:\s+(?P<items>.+?)\s*\.?\s*$"
_LIST_LABEL = re.compile(r"^\s*[A-Z]" + _LABEL_AND_ITEMS)
# ... also written without capitals, for things each with an amount ("menu: …").
_ANY_CASE_LABEL = re.compile(r"^\s*[A-Za-z]" + _LABEL_AND_ITEMS)
# One amount and its unit or rate: "£5.50", "€0.14/word", "60%", "£40 a month".
_ONE_AMOUNT = re.compile(
    rf"{MONEY_SIGN}?\d[\d.,]*\s?(?:%|/\w+|[^\W\d_][\w/]*)?(?:\s+(?:a|per|each)\s+\w+)?"
)
_COMMA_BEFORE_A_WORD = re.compile(r"(?:,\s+(?:and\s+)?|\s+and\s+)(?=[^\W\d_])")
_ITEM_AMOUNT = re.compile(
    r"(?P<item>[^\W\d_][\w\-/'\u2019>]*(?:\s+[^\W\d_][\w\-/'\u2019>]*){0,3}?)\s+"
    rf"(?P<value>{MONEY_SIGN}?\d[^;]*)"
)


def _amounts_listed(text: str) -> list[tuple[str, str, str]]:
    """The details of a labelled line whose items, parted by semicolons, each name a thing
    and then give its amount: (User, mycophenolate, 1000 mg twice daily) for
    "Medications: …; mycophenolate 1000 mg twice daily; …". Fewer than two such items, or
    one item of another shape, and the line is read as one detail (`_NOTE_LABEL`)."""
    label = _ANY_CASE_LABEL.match(text)
    if label is None:
        return []
    items = label.group("items")
    # Parted by semicolons, or by commas or "and" before a word ("menu: classic country loaf
    # £5.50, seeded rye £6"; the comma of "£1,200" has no space after it).
    by_semicolons = ";" in items
    parts = items.split(";") if by_semicolons else _COMMA_BEFORE_A_WORD.split(items)
    if len(parts) < 2:
        return []
    out = []
    for part in parts:
        m = _ITEM_AMOUNT.fullmatch(part.strip())
        if m is None or _DATED.search(m.group("value")):
            return []  # not every item an amount: some other list
        if not by_semicolons and not _ONE_AMOUNT.fullmatch(m.group("value").strip(" ,.")):
            # Parted by commas, each item is a thing and one amount: "Coursework 1 (hash
            # tables) 15%" is no amount of "coursework".
            return []
        item = m.group("item").lower()
        if item.split()[0] in STOPWORDS or item.split()[-1] in CURRENCY_CODES:
            return []  # "GBP 18,000": the amount's currency, not what it is of
        out.append((USER_NAME, item, m.group("value").strip(" ,.")))
    if len({item for _, item, _ in out}) < len(out):
        return []  # two items of one name: no list of things each with its amount
    return out if len(out) >= 2 else []


# Whose a list is, said before its heading ("User's current pieces:", "My goals:"): the
# detail's subject, so the heading names only what it lists.
_LIST_OWNER = re.compile(r"^(?:(?:the\s+)?user['\u2019]s|my|our)\s+", re.IGNORECASE)


def list_heading(heading: str) -> str:
    """A list's heading as its detail's attribute: without its colon or whose it is, lower
    case ("User's current pieces:" -> "current pieces")."""
    return _LIST_OWNER.sub("", heading.strip().rstrip(":").strip()).lower()


_LABEL_OPENS = re.compile(r"^[^\W\d_][\w\s'\u2019\-]{0,30}:\s")


_MIN_COMMA_ITEMS = 3
_MAX_COMMA_ITEM_WORDS = 3


def _items_labelled(text: str) -> list[tuple[str, str, str]]:
    """A labelled line whose items are parted by semicolons ("Race gear: new shoes; 6 gels;
    body glide"): one detail of the user's, the label its attribute and every item, in
    order, its value, as a list told on lines of its own is kept (`extract._list_kept`).
    Its first item alone would be a wrong value."""
    label = _LIST_LABEL.match(text)
    if label is None:
        return []
    items = [i for part in label.group("items").split(";") if (i := part.strip(" ,."))]
    if len(items) == 1:
        # Parted by commas ("Squad: Alfie, Ben, Chloe, Dev"), it is a list only when it has
        # three items or more and each is a few words with no digit: "Insurance: HUK-Coburg,
        # renewal in May" and "Address: 14 Cotham Grove, Bristol, BS6 6AL" are one value.
        parts = [p.strip(" .") for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", items[0])]
        if len(parts) >= _MIN_COMMA_ITEMS and all(
            p and len(p.split()) <= _MAX_COMMA_ITEM_WORDS and not any(c.isdigit() for c in p)
            for p in parts
        ):
            items = parts
    attribute = list_heading(text[: label.start("items")])
    if len(items) < 2 or META_LABELS & set(attribute.split()):
        return []
    if any(_LABEL_OPENS.match(i) for i in items[1:]):
        return []  # "gear list: 38 L pack; user's budget: 400 EUR": labelled details, each
    if len({i[:1].isupper() for i in items}) > 1:
        # "Client: Nordlys Medical AS (Oslo), contact Søren Dahl; clinical trial documents":
        # one named, then what is said of it; a list's items open alike.
        return []
    return [(USER_NAME, attribute, "; ".join(items))]


# The new amount of a change: a number, its unit (a word, not one that begins what follows:
# "£40 from April", "€900 a month") and how often ("twice daily", "a month").
_NEW_AMOUNT = (
    rf"(?P<value>{MONEY_SIGN}?\d(?:[\d.,]*\d)?(?:\s*(?!(?:a|an|per|each|from|in|on|at|by|for|to|with|and|"
    r"but|so|as|because|since|until|after|before)\b)[^\W\d_][\w/]*)?"
    r"(?:\s+(?:a|per|each|twice|once|three\s+times)\s+\w+)?)"
)
# A new amount told by what was done to it: "reduced furosemide to 20mg", "increased
# mycophenolate to 1500 mg twice daily", "upped the dose to 2 tablets". The user's detail,
# keyed as the listed amount was, so the new value replaces it and the old one is history.
_CHANGED_TO = re.compile(
    # Done, or being done: "bumping the country loaf up to £6", "we're raising the fee to £275".
    r"\b(?:reduc(?:ed|ing)|increas(?:ed|ing)|rais(?:ed|ing)|lower(?:ed|ing)|cut|cutting|upped"
    r"|upping|dropped|dropping|bumped|bumping|chang(?:ed|ing)|put|putting)\s+"
    r"(?:(?:the|my|our|his|her|their)\s+)?"
    r"(?P<attribute>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2}?)\s+(?:up\s+|down\s+)?to\s+" + _NEW_AMOUNT,
    re.IGNORECASE,
)
# ... or by how it moved, said after what moved: "Annual plot fee going up from £35 to £40",
# "online is going up to £48 from january", "the rent rose to €900 a month".
_MOVED_TO = re.compile(
    r"(?:^|[.;,:!]\s+|\s)(?:(?:the|my|our)\s+)?(?P<attribute>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2}?)"
    r"\s+(?:(?:is|are|has|have|will)\s+)?(?:(?:been|be)\s+)?"
    r"(?:going|goes|went|gone|go|rising|rises|rose|risen|increasing|increases|dropping|drops|"
    r"dropped|falling|falls|fell|fallen|increased|reduced|lowered|raised|upped|cut)\s+"
    r"(?:(?:up|down)\s+)?"
    rf"(?:from\s+{MONEY_SIGN}?\d[\d.,]*\S*\s+)?to\s+" + _NEW_AMOUNT,
    re.IGNORECASE,
)


# A dose: an amount in a unit medicines are measured or counted in ("500mg", "2.5 mg",
# "25/100", "2 puffs"), with how often it is taken said after it.
DOSE = (
    r"\d[\d.,]*(?:/\d+)?\s?(?:mg|mcg|\u00b5g|g|ml|iu|units?|puffs?|tablets?|capsules?|drops?)\b"
    r"|\d+/\d+\b"
)
# A drug and its dose, with how often it is taken, ended by a mark or a word opening what
# is said next: the part every reading of a dose shares.
_DRUG_AND_DOSE = (
    rf"(?P<drug>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*)?)\s+(?P<value>(?:{DOSE})(?:\s+[^\W\d_][\w\-]*){{0,4}}?)"
    r"(?=\s*(?:[.;,!?()\u2014\u2013]|$)|\s+(?:with|and|for|since|because|but|from|as|at|in)\b)"
)
# Who takes a medicine: the user, someone the user names by a noun ("my dad"), or someone
# named.
_TAKER = (
    r"(?:(?P<user>\bI|\b(?:[Tt]he\s+)?[Uu]ser)|\b(?:[Mm]y|[Oo]ur)\s+(?P<noun>[a-z][\w\-]*)"
    rf"|(?P<name>{_NAME}))"
)
# What someone takes, and how much: "User takes metformin 500mg twice daily with meals", "I'm
# on sertraline 50mg", "my dad takes bisoprolol 5mg every morning", "Gerald was prescribed
# apixaban 2.5mg twice daily". The drug is the detail, the dose its value, so a dose said
# later ("metformin increased to 1000mg", `_MOVED_TO`) replaces it and keeps it as history.
_DOSED = lazy_compile(
    _TAKER + r"\s*(?:['\u2019](?:s|m)\s+on|\s+(?:(?:now|also|still|currently)\s+)?"
    r"(?:takes|take|is\s+on|am\s+on|are\s+on|was\s+prescribed|has\s+been\s+prescribed|"
    r"started|uses|use|is\s+taking|am\s+taking))\s+" + _DRUG_AND_DOSE
)


# The next of several doses taken, right after one: "takes ibuprofen 400mg twice a day *and
# omeprazole 20mg in the morning*".
_DOSED_TOO = lazy_compile(r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)" + _DRUG_AND_DOSE)


# A medicine someone no longer takes: "user no longer takes ibuprofen", "Dad stopped taking
# warfarin", "I came off sertraline" (not "is off": "the OT is off sick"). Its detail is
# kept, with "stopped" as its value, so the dose it had is history and no answer to what is
# taken now; a medicine switched to after it ("…; switched to paracetamol 1g as needed") is
# theirs too.
_STOPPED = lazy_compile(
    _TAKER
    + r"\s+(?:(?:has|have|had)\s+)?(?:no\s+longer\s+(?:takes|take|uses|use|needs|need|(?:is\s+|am\s+)?on)"
    r"|(?:stopped|quit|came\s+off)(?:\s+taking|\s+using)?)\s+"
    r"(?P<drug>[a-z][\w\-]*)(?=\s*(?:[.;,!?()\u2014\u2013]|$)|\s+(?:and|now|because|since|as|after|from|on)\b)"
)
_SWITCHED_TO = lazy_compile(
    r"\s*(?:[;,]|\band\b)\s*(?:(?:has\s+|have\s+)?(?:switched|changed|moved|swapped)\s+(?:over\s+)?to"
    r"|(?:is\s+|am\s+)?now\s+on)\s+" + _DRUG_AND_DOSE
)


def _doses(text: str) -> list[tuple[str, str, str]]:
    """The medicines `text` says someone takes, as (whose, drug, dose), and those they no
    longer take, as (whose, drug, "stopped")."""
    out = []
    for m in _DOSED.finditer(text):
        # "my doctor takes …": whose, unsure; a name taking a dose is someone's, a pet's too
        # ("Biscuit takes Apoquel 5.4mg once a day").
        whose = _whose(m, KIN_NOUNS, given=False)
        if whose is None or m.group("drug").split()[0].lower() in STOPWORDS:
            continue  # "takes the 12/03 train": no drug named
        out.append((whose, m.group("drug").lower(), m.group("value")))
        end = m.end()
        while (more := _DOSED_TOO.match(text, end)) is not None:
            if more.group("drug").split()[0].lower() in STOPWORDS:
                break
            out.append((whose, more.group("drug").lower(), more.group("value")))
            end = more.end()
    for m in _STOPPED.finditer(text):
        whose = _whose(m, KIN_NOUNS, given=False)
        if whose is None or m.group("drug").lower() in STOPWORDS:
            continue
        out.append((whose, m.group("drug").lower(), "stopped"))
        switched = _SWITCHED_TO.match(text, m.end())
        if switched is not None and switched.group("drug").split()[0].lower() not in STOPWORDS:
            out.append((whose, switched.group("drug").lower(), switched.group("value")))
    return out


# What someone pays for a thing: "User pays £1,100 rent on the 1st", "I pay £65 a month for
# broadband", "We pay £40/month for the gym": the thing is the detail, the amount (and how
# often) its value, so "How much is my rent?" is read from it and a new amount replaces it.
_PAID = lazy_compile(
    r"\b(?P<user>I|[Ww]e|(?:[Tt]he\s+)?[Uu]ser)\s+(?:now\s+|currently\s+|also\s+)?pays?\s+"
    rf"(?P<value>{MONEY_SIGN}\s?\d[\d,]*(?:\.\d+)?k?(?:\s*(?:/|a|an|per|each)\s*(?:month|week|year|"
    r"quarter|day|night|hour|lesson|session|visit))?)"
    r"\s+(?:(?:in|for|on)\s+)?(?:(?:the|my|our|his|her|their)\s+)?"
    r"(?P<attribute>[a-z][\w\-]*(?:\s+(?!(?:on|by|to|at|in|for|from|with|every|each|and|but|"
    r"which|because|so)\b)[a-z][\w\-]*){0,2})"
)


def _paid(text: str) -> list[tuple[str, str, str]]:
    """What the user pays for, as (User, the thing, the amount)."""
    out = []
    for m in _PAID.finditer(text):
        attribute = m.group("attribute").lower()
        if attribute.split()[0] in STOPWORDS or _a_deed(attribute.split()[-1]):
            continue  # "I pay £12 to Mrs Kay": to whom, not for what
        out.append((USER_NAME, attribute, m.group("value")))
    return out


def _changed_to(text: str) -> list[tuple[str, str, str]]:
    out = []
    for m in (*_MOVED_TO.finditer(text), *_CHANGED_TO.finditer(text)):
        attribute = m.group("attribute").lower()
        if attribute.split()[0] in STOPWORDS or _DATED.search(m.group("value")):
            continue  # "moved it to 5 May", "it's going up to …": a date or no one's detail
        # Whose it is, said before it: "the photographer's price went up to £1,950".
        whose = _OWNED_BEFORE.search(text, 0, m.start("attribute"))
        owner = _owner(whose) if whose is not None else USER_NAME
        out.append((owner, attribute, m.group("value").strip(" ,.")))
    return out


_OWNED_BEFORE = re.compile(_OWNER + r"\s+$")


def _a_deed(word: str) -> bool:
    """Whether a word before an amount is a verb of what was done with it ("paid £50",
    "spent £40"), not the noun of a detail ("budget £110")."""
    return word.endswith("ed") or word in _DEED_WORDS


_DEED_WORDS = lexicon("facts.deed_words_before_amounts")


def _named_thing(attribute: str, value: str) -> bool:
    """Whether an unowned detail's noun may be a name ("Maya is 34", "Biscuit is 6 now"): one
    capitalised word that is a given name, or before a bare number (an age, not an amount
    as "Rent is £22/hour" is)."""
    if " " in attribute or not attribute[:1].isupper():
        return False
    return given_name(attribute) or _BARE_NUMBER.match(value) is not None


_BARE_NUMBER = re.compile(r"\d+(?:\s+(?:now|today|years?(?:\s+old)?))?$")

# Words of where or when after a detail's noun ("my manager there is ..."): not the detail.
# Words of when or where after a detail's noun ("my main client right now is …").
_TRAILING = re.compile(r"(?:\s+(?:right\s+now|there|here|now|currently|too|also))+$")
# What a detail is for or of, said after its noun with a determiner ("budget for the trip");
# without one it is the noun's own phrase ("date of birth").
_FOR_THE = re.compile(
    r"^(?P<head>[a-z][\w\-]*)\s+(?:for|of)\s+(?:the|my|our)\s+(?P<of>[a-z][\w\-]*)$"
)


# ... not a year ("is about 2026 trends": what it is on).
_ABOUT_AN_AMOUNT = re.compile(rf"(?i:about|around)\s+(?:{MONEY_SIGN}\s?\d|(?!(?:19|20)\d\d\b)\d)")


def _fact(m: re.Match[str]) -> tuple[str, str, str] | None:
    attribute = _TRAILING.sub("", m.group("attribute").lower())
    if "of" in m.re.groupindex and m.group("of"):
        if m.group("of").split()[0].lower() in STOPWORDS:
            return None  # "Tax on it is £20": of what is not said here
        attribute = f"{m.group('of').lower()} {attribute}"  # "budget for the offsite"
    elif (said_after := _FOR_THE.match(attribute)) is not None:
        # "Our budget for the trip is …": the detail "trip budget", as said with no owner.
        attribute = f"{said_after.group('of')} {said_after.group('head')}"
    words = attribute.split()
    if len(words) > MAX_ATTRIBUTE_WORDS or _names_a_person(words):
        return None
    labelled = m.re in (_NOTE_LABEL, _UNOWNED)  # no owner written: the user's
    coded = m.re is _IDENTIFIED or words[-1] in _IDENTIFIER_HEADS
    if m.re is _NOTE_LABEL and (
        META_LABELS & set(words)
        or (m.group("value")[:1].isupper() and not coded)
        or _CONTACT.fullmatch(m.group("value").strip())
        or _A_DEED_TOLD.match(m.group("value"))
    ):
        # "Contact: Hana Novák, ...", "Client: Znak ...": the line is about whom it names
        # (their record holds it), and the next "Contact:" line is someone else, not a
        # new value of one detail of the user's. "Medals sorted: ordered 400 from …" tells
        # what was done, no value of a detail.
        return None
    if (
        _NOT_AN_ATTRIBUTE & set(words)
        or words[-1] in _NOT_AN_ATTRIBUTE_HEAD
        or words[-1] in ROLE_SYNONYMS["email"]
        or (
            words[-1] == "number"
            and (len(words) == 1 or words[-2] in _PHONE_WORDS or words[-2] in POSSESSIVE_PRONOUNS)
        )
    ):
        # "mobile number", "job title": fields ("her number" is her phone); "mobile
        # provider" is a detail.
        return None
    value = _LEADING.sub("", m.group("value").strip().rstrip(".,"))
    value = _TRAILING_VALUE.sub("", value)
    first = value.split()[0].lower() if value.split() else ""
    if _ABOUT_AN_AMOUNT.match(value):
        first = ""  # "about €1,500": an amount, said roughly; "is about the move" is none
    if not value or len(value) > MAX_VALUE_CHARS or first in _NOT_A_VALUE:
        return None
    return (USER_NAME if labelled else _owner(m)), attribute, value


# A value that opens with a deed done and goes on ("ordered 400 from Medalmakers").
_A_DEED_TOLD = re.compile(r"\s*[a-z]{3,}ed\s+\S")


def _stated_after_label(m: re.Match[str]) -> bool:
    """Whether an unowned detail read after a label ("Correction: the round is now £1.5m")
    follows a label saying what kind of note it is, and is said with "is": "Update: user paid
    the £185 subs" is what was done, "Insurance: premium £300" the label's own topic. True
    when no label opens it."""
    label = m.group("meta")
    if label is None:
        return True
    copula = m.string[m.end("attribute") : m.start("value")].strip()
    return label.lower() in META_LABELS and bool(copula)


# What follows a value and is not it: the value it replaces ("€25,400, not €24,600"), and
# words saying it holds now ("£62 a month now").
_TRAILING_VALUE = re.compile(
    rf"(?:,?\s+(?:and\s+)?not\s+(?:the\s+)?{MONEY_SIGN}?\d.*|\s+(?:now|currently|these\s+days)"
    # "14.2kg, down from 15kg": where it moved from is the value it replaces.
    rf"|,?\s+(?:up|down)\s+from\s+{MONEY_SIGN}?\d.*)$",
    re.IGNORECASE,
)


def _lives_at(m: re.Match[str]) -> tuple[str, str, str] | None:
    value = m.group("value").strip().rstrip(".,")
    if not value or len(value) > MAX_VALUE_CHARS or not any(c.isdigit() for c in value):
        return None  # "I live at home", "at my parents'": no address told
    return USER_NAME, "address", value


def _owner(m: re.Match[str]) -> str:
    if m.group("name"):
        return str(m.group("name"))
    if m.group("kin"):
        return f"{USER_NAME}'s {m.group('kin').lower()}"  # "my mum's" -> "User's mum"
    if m.group("thing"):
        return str(m.group("thing")).lower()
    return USER_NAME


def _names_a_person(words: list[str]) -> bool:
    """ "my manager", "our new neighbour", "Mateo's business partner", "my best friend from
    university": a person, not a detail (the head noun is the last before a preposition)."""
    head = (before_preposition(words) or words[:1])[-1]
    return head in KIN_NOUNS or head in ROLE_NOUNS
