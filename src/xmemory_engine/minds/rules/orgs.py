"""What a sentence says of an organization as a whole: "they are a logistics company with
about 250 employees", "Kraftwerk GmbH, an energy company in Berlin".

The words before the organization noun are its industry (the type's kind-like field:
industry, sector, category); a number before a numeric field's last word is that field. A
pronoun ("they", "it") stands for the organization only when the sentence names exactly one.
"""

from __future__ import annotations

import re

from xmemory_engine.minds.rules.amounts import counts
from xmemory_engine.minds.rules.analysis import Analyzed
from xmemory_engine.minds.rules.cues import SentenceFacts
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.schema_map import field_for
from xmemory_engine.minds.rules.text import lexicon

_ORG_NOUN = r"(?:company|firm|business|startup|agency|manufacturer|retailer|provider|group)"
_SIZE = lexicon("orgs.size")
_IS_A = re.compile(
    rf"^(?:\s*,|\s+(?:is|are|was|were)|\u2019s|'s)\s+an?\s+"
    rf"(?P<w>[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?)\s+{_ORG_NOUN}\b"
)
_PRONOUN = re.compile(r"\b(?:they|it)\b", re.IGNORECASE)


_KIND_HEADS = lexicon("orgs.kind_heads")


def org_facts(s: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts) -> None:
    named = [m for m in s.mentions if m.entity.startswith("org:") and not m.pronoun]
    for m in named:
        _kind_named(drafts.get(m.entity), s.text[m.start : m.end])
    orgs = {m.entity for m in named if m.entity in drafts}
    if len(orgs) != 1:
        return
    draft = drafts[orgs.pop()]
    industry = field_for(draft.spec, "kind", ("str",))
    spots = [m.end for m in named] + [p.end() for p in _PRONOUN.finditer(s.text)]
    for end in spots:
        hit = _IS_A.match(s.text[end:])
        if hit is None or industry is None or draft.has(industry):
            continue
        what = [w for w in hit.group("w").split() if w not in _SIZE]
        if what and draft.put(industry, " ".join(what)):
            facts.use(end + hit.start("w"), end + hit.end())
    counts(s, draft)


def _kind_named(draft: Draft | None, name: str) -> None:
    """A firm whose name ends in what sort it is ("Toronto General Hospital", "Harbour Home
    Insurance") is of that kind, unless something else has said."""
    words = name.lower().split()
    kind = field_for(draft.spec, "kind", ("str",)) if draft is not None else None
    if draft is None or kind is None or draft.has(kind) or len(words) < 2:
        return
    if words[-1] in _KIND_HEADS:
        draft.put(kind, words[-1])
