"""Dates and amounts a sentence gives a thing: its one date field, "for 48000 USD", "at 320"."""

from __future__ import annotations

import re

from xmemory_engine.minds.rules.analysis import Analyzed
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.names import CURRENCY_CODES
from xmemory_engine.minds.rules.text import Span, name_words, plural
from xmemory_engine.schema import ObjectSpec


def one_date(draft: Draft, dates: list[Span]) -> None:
    """A thing with one date field takes the sentence's date ("closed ... on 2026-03-14")."""
    fields = [n for n, f in draft.spec.fields.items() if f.type in ("date", "datetime")]
    if len(fields) == 1 and dates and not draft.has(fields[0]):
        draft.put(fields[0], dates[0].value)


_CURRENCY_SIGNS = {"$": "USD", "\u20ac": "EUR", "\u00a3": "GBP"}
_SIGN_BEFORE_DIGIT = re.compile("[" + "".join(_CURRENCY_SIGNS) + r"]\s?\d")
_MONEY_WORDS = ("amount", "price", "cost", "value", "total", "budget", "fee")


def says_money(s: Analyzed) -> bool:
    """Whether the sentence says an amount of money: a number with a currency's sign right
    before it or in it ("£1,150/month"), or a currency's code right after it ("6,400 PLN",
    `names.currency_codes`). A sign before a digit counts whatever follows ("£52k", which
    no number value reads)."""
    if _SIGN_BEFORE_DIGIT.search(s.text):
        return True
    for v in s.values:
        if v.kind != "number":
            continue
        sign = s.text[: v.start].rstrip()[-1:]
        code = re.match(r"\s*([A-Za-z]{3})\b", s.text[v.end :])
        if sign in _CURRENCY_SIGNS or any(c in v.text for c in _CURRENCY_SIGNS):
            return True
        if code is not None and code.group(1).lower() in CURRENCY_CODES:
            return True
    return False


def money(s: Analyzed, draft: Draft) -> None:
    """ "for 48000 USD", "at 320", "$1,200" -> the amount-like field (and the currency)."""
    amount = next(
        (n for n, f in draft.spec.fields.items()
         if f.type in ("float", "int") and any(w in _MONEY_WORDS for w in name_words(n))),
        None,
    )  # fmt: skip
    currency = next((n for n in draft.spec.fields if "currency" in n.lower()), None)
    for v in s.values:
        if v.kind != "number":
            continue
        before = s.text[max(0, v.start - 10) : v.start].lower()
        code = re.match(r"\s*([A-Z]{3})\b", s.text[v.end :])
        sign = next((c for sign, c in _CURRENCY_SIGNS.items() if sign in v.text), None)
        if not (code or sign or re.search(r"\b(?:for|at|costs?|priced at)\s*$", before)):
            continue
        if amount is not None and not draft.has(amount):
            draft.put(amount, v.value)
        if currency is not None and (code or sign):
            draft.put(currency, code.group(1) if code else sign)
        return


def date_field(spec: ObjectSpec, words: tuple[str, ...]) -> str | None:
    for fname, fspec in spec.fields.items():
        if fspec.type in ("date", "datetime") and any(w in name_words(fname) for w in words):
            return fname
    return None


def counts(s: Analyzed, draft: Draft) -> None:
    """ "476 pages", "estimated at 6 hours": a number before the last word of a numeric
    field's name. "after 200 pages" and "30 pages of X" are progress, not the count, so they
    are left."""
    for fname, fspec in draft.spec.fields.items():
        words = name_words(fname)
        if fspec.type not in ("int", "float") or draft.has(fname) or not words:
            continue
        unit = "|".join(re.escape(w) for w in {words[-1], plural(words[-1])})
        for hit in re.finditer(rf"\b(\d[\d,]*(?:\.\d+)?)\s+(?:{unit})\b", s.text):
            progress = re.search(r"\b(?:after|of)\s*$", s.text[: hit.start()]) or re.match(
                r"\s+of\b", s.text[hit.end() :]
            )
            if not progress:
                draft.put(fname, float(hit.group(1).replace(",", "")))
                break
