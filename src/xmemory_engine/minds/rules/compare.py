"""Which of several things said with their amounts is the cheapest, or the dearest.

People weigh options by writing them down with their prices ("Three quotes for the kitchen:
Keukens Van Damme €18,400, IKEA with their own fitters €11,900, and a local joiner,
Pieter-Jan Claes, €14,250") and later ask "Which kitchen quote was the cheapest?". The
answer is a comparison of what one stored sentence lists, not a record of its own: each item
is a name or a phrase and one amount, parted as any list is (`lists.list_parts`: commas,
semicolons, a last "and"; a comma grouping thousands parts nothing). The amounts must share one currency sign, so
"£24.50/month" is weighed against "£19.80/month", never against "€20".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xmemory_engine.minds.rules.lists import list_parts
from xmemory_engine.minds.rules.text import MONEY_SIGN, split_sentences, stem

# Words asking for the least or the most of what things cost.
_LEAST = frozenset(("cheapest", "cheaper", "lowest", "lower", "least"))
_MOST = frozenset(("dearest", "dearer", "priciest", "pricier", "highest", "most", "expensive"))
_ASKED = re.compile(
    r"\b(?:which|what|who)\b.*\b(?P<word>cheapest|cheaper|lowest|lower|least\s+expensive|"
    r"dearest|dearer|priciest|pricier|most\s+expensive|more\s+expensive|highest)\b",
    re.IGNORECASE,
)
# An amount with its currency sign: "€18,400", "£24.50", "$1.2k" is not read.
_AMOUNT = re.compile(
    rf"(?P<sign>{MONEY_SIGN})\s?(?P<number>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<cents>\d+))?"
)
# A word joining an item on: "…, and a local joiner, …", "…, or retile + new tray £1,150".
_JOINED_BY = re.compile(r"^(?:and|or)\s+", re.IGNORECASE)
# Words opening an item that say nothing of which one it is.
_OPENING = re.compile(r"^(?:and|or|the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Priced:
    """One thing of a list and its amount, as said."""

    label: str
    amount: float
    said: str


def asked_extreme(question: str) -> tuple[bool, str] | None:
    """(whether the least is asked, the words asking) for "Which quote was the cheapest?",
    "Which builder quote is cheaper?", "Which venue is the most expensive?"; None otherwise."""
    m = _ASKED.search(question)
    if m is None:
        return None
    word = m.group("word").lower()
    return word.split()[0] in _LEAST, word


# The stems of the words that ask for a least or a most (no words of what is compared).
ASKING_WORDS = frozenset(stem(w) for w in (*_LEAST, *_MOST, "expensive", "more"))


def priced_items(text: str, keywords: list[str]) -> list[Priced]:
    """The things a sentence of `text` saying every keyword lists, each with one amount of
    one currency: the first such sentence with two or more. An item of an amount alone is
    the one before it ("a local joiner, Pieter-Jan Claes, €14,250": the joiner's)."""
    for sentence in split_sentences(text):
        said = sentence.text
        if not all(k.lower() in said.lower() for k in keywords):
            continue
        listed = said.split(":", 1)[1] if ":" in said else said
        items = _items(listed)
        if len(items) >= 2 and len({i.said[:1] for i in items}) == 1:
            return items
    return []


def _items(listed: str) -> list[Priced]:
    out: list[Priced] = []
    label = ""
    for part in (_JOINED_BY.sub("", p.strip(" .")) for p in list_parts(listed)):
        amounts = list(_AMOUNT.finditer(part))
        if len(amounts) > 1:
            return []  # two amounts in one item: no list of things each with its price
        if not amounts:
            label = f"{label}, {part}" if label else part
            continue
        m = amounts[0]
        own = _OPENING.sub("", part[: m.start()].strip(" ,:-\u2013\u2014"))
        name = own or label
        if not name:
            return []
        cents = m.group("cents") or ""
        value = float(m.group("number").replace(",", "") + ("." + cents if cents else ""))
        out.append(Priced(name, value, part[m.start() :].split()[0].rstrip(".,;")))
        label = ""
    return out


def extreme(items: list[Priced], least: bool) -> Priced | None:
    """The item of the least (or the most) amount, None when two share it."""
    if not items:
        return None
    best = min(items, key=lambda i: i.amount) if least else max(items, key=lambda i: i.amount)
    if sum(1 for i in items if i.amount == best.amount) > 1:
        return None
    return best
