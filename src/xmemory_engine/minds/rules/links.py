"""Relations between the things a sentence makes and the people or organizations it names.

"We closed the deal "Northwind renewal" with Northwind Traders" links the deal to the company
when the schema has one relation between their types. With several ("recommended_by" and
"lent_to" between a book and a friend), the sentence must use the relation's verb ("Noor
recommended it"); with none used, nothing is linked, because a wrong link is worse than a
missing one. A relation's verb also names its other end: "Lent my copy of Dune to Sam" makes
the friend Sam, "Marco Rossi will lead Atlas" the project Atlas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from xmemory_engine.minds.base import ExtractedRelation
from xmemory_engine.minds.rules.analysis import Analyzed
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.schema_map import SchemaMap, field_for, name_field
from xmemory_engine.minds.rules.text import LOWER, UPPER, lexicon, name_words, stem, wordset
from xmemory_engine.minds.rules.works import claimed
from xmemory_engine.schema import ObjectSpec, RelationSpec

# Words of a relation's name that say nothing of its meaning; some are its preposition.
_PREPS = lexicon("links.preps")
_GLUE = _PREPS | wordset("has have is belongs part")
_NAME = rf"{UPPER}[\w'\u2019\-]*(?:\s+{UPPER}[\w'\u2019\-]*)*"
# A word with a capital anywhere: "Planets", "teamLab".
_CAPWORD = rf"(?={LOWER}*{UPPER})[^\W\d_][\w'\u2019\-]*"
_LISTED = re.compile(
    rf"(?:,\s+an?\s+[^,.;]+)?(?:,\s+and\s+|\s+and\s+|,\s+)(?:the\s+)?"
    rf"(?P<n>{_CAPWORD}(?:\s+{_CAPWORD})*)"
)
_APPOSITIVE = re.compile(r",\s+an?\s+(?P<what>[^,.;]+)")
_LIVES = re.compile(rf",?\s+who\s+(?:lives|is\s+based|is)\s+in\s+(?P<n>{_NAME})")

Option = tuple[RelationSpec, str, str]


@dataclass
class Links:
    relations: list[ExtractedRelation] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)  # the other ends a verb named


def link_sentence(
    s: Analyzed,
    mapped: SchemaMap,
    made: list[Draft],
    named: dict[str, Draft],
    make: Callable[[ObjectSpec, str | None], Draft],
) -> Links:
    """Relations from each thing made in `s` to each person or organization it names."""
    out = Links()
    others: list[Draft] = []
    for m in s.mentions:
        draft = named.get(m.entity)
        if draft is not None and not m.speaker and draft not in others:
            others.append(draft)
    present = [*made, *others]
    for draft in present:
        _verb_object(s, mapped, draft, present, out, make)
    for thing in made:
        owned = [t.casefold() for t in claimed(thing)]
        for other in [*others, *(d for d in made if d is not thing)]:
            name = other.values.get(name_field(other.spec) or "")
            if isinstance(name, str) and any(name.casefold() in t for t in owned):
                continue  # the book's author is not who recommended it
            found = _choose(s.text, _options(mapped, thing.spec, other.spec))
            if found is None:
                continue
            # A field named for the role (a task's `assignee`) says who; none else is linked.
            their = found[2]
            if their in thing.spec.fields and thing.values.get(their) != name:
                continue
            _add(out, found, thing, other)
    return out


def _add(out: Links, found: Option, one: Draft, other: Draft) -> None:
    rel, own, their = found
    link = ExtractedRelation(rel.name, {own: one.ref, their: other.ref})
    if not any(r.endpoints == link.endpoints for r in out.relations):
        out.relations.append(link)


def _options(mapped: SchemaMap, left: ObjectSpec, right: ObjectSpec) -> list[Option]:
    options = []
    for rel in mapped.schema.relations.values():
        roles = list(rel.roles.items())
        for own, own_type in roles:
            for their, their_type in roles:
                if own != their and own_type == left.name and their_type == right.name:
                    options.append((rel, own, their))
    return options


def _verbs(rel: RelationSpec) -> list[str]:
    return [stem(w) for w in name_words(rel.name) if w not in _GLUE]


def _choose(text: str, options: list[Option]) -> Option | None:
    if len(options) == 1:
        return options[0]
    said = {stem(w) for w in re.findall(r"[a-z]+", text.lower())}
    verbs = [o for o in options if said & set(_verbs(o[0]))]
    return verbs[0] if len(verbs) == 1 else None


def _verb_object(
    s: Analyzed,
    mapped: SchemaMap,
    draft: Draft,
    present: list[Draft],
    out: Links,
    make: Callable[[ObjectSpec, str | None], Draft],
) -> None:
    """ "lent ... to Sam", "will lead Atlas", "visit Kyoto": the relation's verb, then (after
    its preposition, if its name has one) the name of an object of the other end's type."""
    for rel in mapped.schema.relations.values():
        for own, own_type in rel.roles.items():
            if own_type != draft.spec.name:
                continue
            for their, their_type in rel.roles.items():
                spec = mapped.schema.objects.get(their_type)
                if their == own or spec is None:
                    continue
                same = [d for d in present if d.spec is spec]
                # A draft of that type with no name yet ("a city" said, no name) takes it.
                blank = next((d for d in same if not d.has(name_field(spec))), None)
                if len(same) > (blank is not None):
                    continue
                name, rest = _object_named(s.text, rel)
                if name is None or not _free(name, present):
                    continue
                other = blank or make(spec, None)
                if not other.put(name_field(spec), name):
                    continue
                _describe(rest, other)
                if blank is None:
                    out.drafts.append(other)
                    present.append(other)
                _add(out, (rel, own, their), draft, other)
                for more in _listed(rest, spec, make):
                    if _free(str(more.values.get(name_field(spec) or "")), present):
                        out.drafts.append(more)
                        present.append(more)
                        _add(out, (rel, own, their), draft, more)


def _object_named(text: str, rel: RelationSpec) -> tuple[str | None, str]:
    verbs, preps = _verbs(rel), [w for w in name_words(rel.name) if w in _PREPS]
    for word in re.finditer(r"[A-Za-z]+", text):
        if stem(word.group()) not in verbs:
            continue
        tail = text[word.end() :]
        if preps:
            hit = re.match(rf"[^.;,]*?\b{preps[0]}\s+(?P<n>{_NAME})", tail)
        else:
            hit = re.match(rf"\s+(?:the\s+)?(?P<n>{_NAME})", tail)
        if hit is not None:
            return hit.group("n"), tail[hit.end() :]
    return None, ""


def _listed(
    rest: str, spec: ObjectSpec, make: Callable[[ObjectSpec, str | None], Draft]
) -> list[Draft]:
    """ "visit Kyoto, a city in Japan, and the teamLab Planets museum": the names listed after
    the verb's first object, each with the enum value written right after it (museum)."""
    out: list[Draft] = []
    while (hit := _LISTED.match(rest)) is not None and len(out) < 8:
        draft = make(spec, None)
        if not draft.put(name_field(spec), hit.group("n")):
            break
        rest = rest[hit.end() :]
        kind = re.match(r"\s+([a-z]+)\b", rest)
        for fname, fspec in spec.fields.items():
            if kind is not None and kind.group(1) in (fspec.enum or ()):
                draft.put(fname, kind.group(1))
        _describe(rest, draft)
        out.append(draft)
    return out


def _free(name: str, present: list[Draft]) -> bool:
    """A name no draft of the sentence holds already (as its name, title or author)."""
    folded = name.casefold()
    for d in present:
        held = [v for v in d.values.values() if isinstance(v, str)]
        if any(folded in v.casefold() for v in held):
            return False
    return True


def _describe(rest: str, draft: Draft) -> None:
    """ "Kyoto, a city in Japan": the kind and country; "Sam, who lives in Leeds": the city."""
    appositive = _APPOSITIVE.match(rest)
    if appositive is not None:
        what = appositive.group("what").lower()
        for fname, fspec in draft.spec.fields.items():
            for value in fspec.enum or []:
                if isinstance(value, str) and re.search(rf"\b{re.escape(value)}\b", what):
                    draft.put(fname, value)
        where = re.search(rf"\bin\s+(?P<n>{_NAME})", appositive.group("what"))
        if where is not None:
            draft.put(field_for(draft.spec, "location", ("str",)), where.group("n"))
    lives = _LIVES.match(rest)
    if lives is not None:
        draft.put(field_for(draft.spec, "location", ("str",)), lives.group("n"))
