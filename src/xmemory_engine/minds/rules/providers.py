"""Who provides a booked or bought thing: "a Lufthansa flight", "with JR", "Hotel Gion
Hatanaka is booked" fill a `provider`-like field (provider, vendor, carrier, airline...).

The kind words are the values of the type's kind-like enum (flight, hotel, train), so the
rule follows the schema rather than a list of companies.
"""

from __future__ import annotations

import re

from xmemory_engine.minds.rules.analysis import Analyzed
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.text import UPPER, lexicon, name_words

PROVIDER_WORDS = lexicon("providers.provider_words")
_NAME = rf"{UPPER}[\w&'\-]*(?:\s+{UPPER}[\w&'\-]*)*"


def provider(s: Analyzed, draft: Draft) -> None:
    fname = next((f for f in draft.spec.fields if set(name_words(f)) & PROVIDER_WORDS), None)
    if fname is None or draft.has(fname) or draft.spec.fields[fname].type != "str":
        return
    kinds = [
        str(v).replace("_", " ")
        for f, fs in draft.spec.fields.items()
        if {"kind", "type", "category"} & set(name_words(f))
        for v in fs.enum or ()
    ]
    words = "|".join(re.escape(k) for k in [*kinds, *name_words(draft.spec.name)] if k)
    text = s.text
    found = None
    if words:
        # "a Lufthansa flight": the name between an article and the kind.
        found = re.search(rf"\b(?:a|an|the|my|our)\s+(?P<n>{_NAME})\s+(?i:{words})\b", text)
        # "Hotel Gion Hatanaka is booked": a name that opens with the kind.
        found = found or re.match(rf"\s*(?P<n>(?i:{words})(?:\s+{UPPER}[\w&'\-]*)+)", text)
    # "Train ... with JR": the company it is with.
    found = found or re.search(rf"\bwith\s+(?P<n>{_NAME})", text)
    if found is not None:
        draft.put(fname, found.group("n"))
