"""A plain-language description read as declarations: things to track, their fields, links.

Each sentence is a list of items (split on commas and "and" outside parentheses). An item is
a new thing ("open tasks with priorities", "workouts (type, duration, date)", "the people we
talk to"), a field of the current thing ("a due date", "status (open, done)"; a question is
the field it asks for, named by a noun: "whether they are confirmed" -> confirmed, "which
room each plant is in" -> plant.room), or a link ("which friends recommended them", "for a
task and a person"). An introduction before a colon ("A CRM for a small agency:") is
skipped when it names a container rather than a thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xmemory_engine.minds.rules.field_types import identifier, parse_field
from xmemory_engine.minds.rules.schema_map import KIND_WORDS
from xmemory_engine.minds.rules.text import lexicon, singular

_LEAD = re.compile(
    r"^(?:(?:(?:i|we)\s+(?:want|need|would like)\s+to|please|let'?s|also|and|then)\s+)*"
    r"(?:(?:keep track of|track|store|remember|record|manage|log|save|capture|create|organi[sz]e|"
    r"monitor|keep|hold|plan|collect|follow)\s+)?",
    re.IGNORECASE,
)
_ADD_TO = re.compile(
    r"^(?:add|include)\s+(?P<fields>.+?)\s+(?:fields?\s+|columns?\s+|propert(?:y|ies)\s+|attributes?\s+)?"
    r"(?:to|on|for|in)\s+(?:the\s+|each\s+|every\s+|all\s+|our\s+|my\s+)?(?P<target>[\w ]+?)"
    r"(?:\s+objects?|\s+records?)?$",
    re.IGNORECASE,
)
_WITH = re.compile(
    r"\s*(?:\s(?:with|having|including|that have|containing|have|has|should have|must have)\s"
    r"|:\s*)",
    re.IGNORECASE,
)
_RELATION = re.compile(
    r"^(?:link|connect|relate)\s+(?P<a>\w+)\s+(?:to|with|and)\s+(?P<b>\w+)$"
    r"|^(?:each\s+|every\s+)?(?P<c>\w+)\s+(?:belongs?|belong)\s+to\s+(?:an?\s+|the\s+|one\s+)?(?P<d>\w+)$"
    r"|^(?:each\s+|every\s+)?(?P<e>\w+)\s+(?:is|are)\s+assigned\s+to\s+(?:an?\s+|the\s+)?(?P<f>\w+)$",
    re.IGNORECASE,
)
_REMOVE = re.compile(r"^(?:remove|delete|drop|rename)\b", re.IGNORECASE)
_STATUS_WORDS = lexicon("design_parse.status_words")
_DETERMINERS = lexicon("design_parse.determiners")
_CLAUSE_START = lexicon("design_parse.clause_start")
_CONTAINERS = lexicon("design_parse.containers")
_COLLECTIVE = lexicon("design_parse.collective")
_FIELD_HEADS = lexicon("design_parse.field_heads")
_ENUM_HEADS = lexicon("design_parse.enum_heads")
# A question names what it asks for, never a thing or a field by its own words:
# "which room each plant is in" asks for a room, "how often to take it" for a frequency.
_QUESTION = lexicon("design_parse.question")
_SUBJECTS = lexicon("design_parse.subjects")
_AUXILIARY = lexicon("design_parse.auxiliary")
_HOW: dict[str, str] = {
    "many": "quantity", "long": "duration", "often": "frequency", "old": "age",
    "far": "distance", "big": "size", "large": "size", "well": "rating", "much": "amount",
}  # fmt: skip
# "how much it cost" asks for its cost: verbs whose noun is the field.
_VERB_NOUNS = {"cost": "cost", "costs": "cost", "paid": "price", "pay": "price",
               "weigh": "weight", "weighs": "weight", "spent": "spending", "earn": "earnings",
               "rated": "rating", "rate": "rating", "felt": "feeling", "feel": "feeling"}  # fmt: skip
# The thing a question is about: "each plant", "each of my tools", "a bottle's".
_OWNER = re.compile(r"\b(?:each|every)\s+(?:of\s+(?:my|our|the|their|your)\s+)?(\w+)|(\w+)'s\s")
_ASKS: dict[str, tuple[str, str | None]] = {
    "where": ("location", None), "why": ("reason", None), "who": ("person", None),
}  # fmt: skip


@dataclass
class Thing:
    name: str
    phrase: str
    kind: str | None
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    status: str | None = None  # "open" in "open tasks"


@dataclass
class Link:
    left: str  # words naming a thing
    right: str
    verb: str | None = None


@dataclass
class Plan:
    things: list[Thing] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    additions: list[tuple[str, list[str]]] = field(default_factory=list)  # (target, items)
    removals: list[str] = field(default_factory=list)


def read_description(description: str) -> Plan:
    plan = Plan()
    for raw in re.split(r"(?<=[.!?;])\s+|\n+", description.strip()):
        text = raw.strip().rstrip(".!?;").strip()
        text = _LEAD.sub("", text, count=1).strip() if text else text
        if not text:
            continue
        if _REMOVE.match(text):
            plan.removals.append(text)
        elif (m := _RELATION.match(text)) is not None:
            left, right = (g for g in m.groups() if g is not None)
            plan.links.append(Link(left, right, "assigned_to" if m.group("e") else None))
        elif (m := _ADD_TO.match(text)) is not None:
            plan.additions.append((m.group("target"), split_items(m.group("fields"))))
        else:
            _sentence(text, plan)
    return plan


def _sentence(text: str, plan: Plan) -> None:
    if ":" in text:
        left, right = (p.strip() for p in text.split(":", 1))
        first = split_items(right)[:1]
        declares = bool(first) and (_WITH.search(f" {first[0]} ") or "(" in first[0])
        head = [w for w in re.findall(r"[a-z]+", left.lower()) if w not in _DETERMINERS]
        if declares or any(w in _CONTAINERS for w in head):
            text = right  # "A CRM for a small agency: people (...), companies (...)"
    _items(split_items(text), plan)


def split_items(text: str) -> list[str]:
    """Items of a list, split on commas, semicolons and 'and', outside parentheses."""
    items, depth, current = [], 0, ""
    for token in re.split(r"(\(|\)|,|;|\band\b|&)", text):
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth == 0 and token in (",", ";", "and", "&"):
            items.append(current)
            current = ""
        else:
            current += token
    items.append(current)
    return [i.strip() for i in items if i.strip()]


def _items(items: list[str], plan: Plan) -> None:
    current: Thing | None = None
    linking = False
    for item in items:
        low = item.lower()
        words = [w for w in re.findall(r"[a-z0-9]+", low) if w not in _DETERMINERS]
        if not words:
            continue
        m = re.match(r"(?:which|what)\s+(\w+)\s+(?:(?:i|we|you|they)\s+)?(\w+)", low)
        if m and current is not None and _plural(m.group(1)):
            other = make_thing(m.group(1))
            if other is not None:  # "which friends recommended them"
                plan.things.append(other)
                plan.links.append(Link(current.name, other.name, m.group(2)))
            continue
        if low.startswith("who ") and current is not None and len(words) > 1:
            plan.links.append(Link(current.name, "person", words[1]))
            continue
        m = re.match(r"(?:for|per|on|during)\s+(?:an?\s+|the\s+|each\s+|every\s+)?(\w+)$", low)
        if m and current is not None:  # "for a task and a person"
            plan.links.append(Link(current.name, m.group(1)))
            linking = True
            continue
        if linking and current is not None and len(words) == 1:
            plan.links.append(Link(current.name, words[0]))
            continue
        linking = False
        if words[0] in _QUESTION or "'s " in low:
            owner = _OWNER.search(low)
            noun = owner and singular(owner.group(1) or owner.group(2))
            asked = re.match(r"(?:which|what)\s+(\w+)", low)
            if (
                noun
                and noun != "one"
                and (current is None or noun in {t.name for t in plan.things})
            ):
                current = _declare(noun, plan) or current  # "which room each plant is in"
            elif current is None and asked and _plural(asked.group(1)):
                current = _declare(asked.group(1), plan)  # "which books I have read"
                continue
            if current is not None:
                add_field(current, re.sub(r"^.*?\w+'s\s+", "", item))
            continue
        if current is not None and re.match(r"(?:with|including|having|plus)\s", low):
            add_field(current, re.sub(r"^\w+\s+", "", item))
            continue
        parens = re.match(r"^(?P<head>[^()]+?)\s*\((?P<inside>[^)]*)\)\s*$", item)
        if parens and not _is_enum(parens.group("head"), parens.group("inside"), current):
            current = _declare(item, plan) or current
            continue
        colon = re.match(r"^(?P<head>[^:(]+):\s*\S", item)
        if colon and current is not None and field_like(colon.group("head")):
            add_field(current, item)  # "status: draft/live/retired"
            continue
        parts = _WITH.split(item, maxsplit=1)
        if len(parts) == 2:
            current = _declare(parts[0], plan) or current
            if current is not None:
                add_field(current, parts[1])
            continue
        if (parens and current is not None) or (current is not None and field_like(item)):
            add_field(current, item)
        else:
            current = _declare(item, plan) or current


def question_field(item: str) -> tuple[str, dict[str, Any]] | None:
    """The field a question-shaped item asks for, named by a noun: "which room each plant is
    in" -> room; "when I last watered it" -> last_watered_on: date; "whether they are a
    friend" -> friend: bool; "how often to take it" -> frequency; "how much it cost" -> cost;
    "what kind of animal" -> kind; "where it is stored" -> location; "why I saved it" ->
    reason. None when `item` is not a question."""
    words = re.findall(r"[a-z0-9]+", item.lower())
    if len(words) < 2 or words[0] not in _QUESTION or words[0] in ("whom", "whose"):
        return None
    ask, rest = words[0], words[1:]
    forced: str | None = None
    after = [w for w in rest if w not in _SUBJECTS and w not in _AUXILIARY]
    if ask == "whether":
        noun = [w for w in after if w not in _DETERMINERS][:1]
        name, forced = (noun[0] if noun else "confirmed"), "bool"
    elif ask == "when":
        name, forced = _when_name(rest), "date"
    elif ask == "how":
        # "how much light it needs" -> light; "how much it cost" -> cost; "how I felt" -> feeling
        name = _HOW.get(rest[0]) or next(
            (_VERB_NOUNS[w] for w in rest if w in _VERB_NOUNS), "notes"
        )
        if rest[0] in ("much", "many") and len(rest) > 1:
            if rest[1] not in _SUBJECTS and rest[1] not in _DETERMINERS:
                name = rest[1]
            else:
                name = next((_VERB_NOUNS[w] for w in rest[2:] if w in _VERB_NOUNS), name)
        forced = "int" if rest[0] == "many" else None
    elif ask in ("which", "what"):
        if rest[0] in ("kind", "type", "sort") and rest[1:2] == ["of"]:
            name = "kind"
        elif rest[0] not in _SUBJECTS and rest[0] not in _AUXILIARY:
            name = singular(rest[0])  # "which cuisine they belong to" -> cuisine
        else:
            name = "description"  # "what I ate", "what was done"
    else:
        name, forced = _ASKS[ask]
    parsed = parse_field(name.replace("_", " "))
    if parsed is None:
        return None
    spec = parsed[1]
    if forced is not None:
        spec = {**spec, "type": forced}
        spec.pop("enum", None)
    return parsed[0], spec


def _when_name(rest: list[str]) -> str:
    """ "when I finished each one" -> finished_on, "when I last watered it" ->
    last_watered_on, "when to drink it" -> drink_date, "when its next vet visit is" ->
    next_vet_visit, else date."""
    if rest[0] == "to" and len(rest) > 1:
        return f"{rest[1]}_date"
    if rest[0] in _SUBJECTS and len(rest) > 1:
        adverb = [rest[1]] if rest[1] in ("last", "first", "next") and len(rest) > 2 else []
        verb = rest[1 + len(adverb)]
        return "_".join([*adverb, verb, "on"]) if verb.endswith("ed") else "date"
    noun = [w for w in rest if w not in _DETERMINERS and w not in _AUXILIARY]
    noun = noun[:3]
    return "_".join(noun) if noun and not set(noun) & _SUBJECTS else "date"


def _is_enum(head: str, inside: str, current: Thing | None) -> bool:
    """ "status (open, done)" lists values; "workouts (type, date)" and "sleep (hours slept,
    quality)" list fields of a new thing."""
    words = [w for w in re.findall(r"[a-z0-9]+", head.lower()) if w not in _DETERMINERS]
    cut = next((i for i, w in enumerate(words) if i > 0 and w in _CLAUSE_START), len(words))
    noun = words[:cut][-1] if words[:cut] else ""
    if noun in _ENUM_HEADS:
        return True
    options = [o.lower().split() for o in split_items(inside)]
    fieldish = any(
        len(o) > 1 or o[-1] in _FIELD_HEADS or singular(o[-1]) in _FIELD_HEADS for o in options if o
    )
    return current is not None and not fieldish and not _plural(noun)


def _declare(phrase: str, plan: Plan) -> Thing | None:
    thing = make_thing(phrase)
    if thing is None:
        return None
    existing = next((t for t in plan.things if t.name == thing.name), None)
    if existing is not None:
        existing.fields.update({k: v for k, v in thing.fields.items() if k not in existing.fields})
        return existing
    plan.things.append(thing)
    clause = phrase.lower()
    if re.search(r"\bwork(s)?\s+(for|at)\b", clause):
        people = [t for t in plan.things if t.kind == "person" and t is not thing]
        if people:
            plan.links.append(Link(people[-1].name, thing.name, "works_at"))
    if m := re.search(r"^\W*(?:the\s+)?\w+\s+(\w+)\s+(?:are|is)\s+(\w+)\s+to\b", clause):
        plan.links.append(Link(m.group(1), thing.name, f"{m.group(2)}_to"))
    if m := re.search(r"\b(?:on|for|per|during|in)\s+(?:each|a|an|the|every)\s+(\w+)", clause):
        plan.links.append(Link(thing.name, m.group(1)))
    return thing


def make_thing(phrase: str) -> Thing | None:
    """A thing from a noun phrase: "open tasks" -> task (status open), "people we talk to" ->
    person, "workouts (type, duration in minutes, date)" -> workout with three fields,
    "bookings (flights, hotels, trains)" -> booking with kind: flight | hotel | train."""
    inside = None
    if m := re.search(r"\(([^)]*)\)", phrase):
        inside, phrase = m.group(1), phrase[: m.start()] + phrase[m.end() :]
    words = [w for w in re.findall(r"[a-z0-9]+", phrase.lower()) if w not in _DETERMINERS]
    if not words or words[0] in _QUESTION:
        return None  # "which room ..." asks for a field; it is not a thing
    if "of" in words[1:] and words[words.index("of") - 1] in _CONTAINERS | _COLLECTIVE:
        words = words[words.index("of") + 1 :]  # "a travel log of trips" -> trip
    cut = next((i for i, w in enumerate(words) if i > 0 and w in _CLAUSE_START), len(words))
    words = words[:cut]
    status = None
    if len(words) > 1 and words[0] in _STATUS_WORDS:
        status, words = words[0], words[1:]
    if len(words) > 1 and _plural(words[0]) and _plural(words[-1]):
        words = words[:1]  # "people tasks are assigned to" -> people
    if not words or len(words) > 3 or words[-1] in _CONTAINERS:
        return None
    if words[-1] not in _COLLECTIVE:
        words[-1] = singular(words[-1])
    name = identifier(" ".join(words))
    readable = " ".join(w for w in phrase.split() if w.lower() not in _DETERMINERS).strip()
    thing = Thing(name, readable[:1].upper() + readable[1:], _kind(words), status=status)
    if inside is not None:
        options = split_items(inside)
        if options and all(_plural(o.strip().split()[-1].lower()) for o in options if o.strip()):
            values = ", ".join(singular(o.strip().lower()) for o in options)
            add_field(thing, f"kind ({values})")
        else:
            for option in options:
                add_field(thing, option)
    return thing


def _plural(word: str) -> bool:
    return singular(word) != word and word not in ("notes", "details", "comments", "tags")


def field_like(item: str) -> bool:
    words = [w for w in re.sub(r"\(.*?\)", "", item).lower().split() if w not in _DETERMINERS]
    cut = next((i for i, w in enumerate(words) if i > 0 and w in _CLAUSE_START), len(words))
    if cut < len(words) and _plural(words[cut - 1]):
        return False  # "the people I meet" is a thing, "duration in minutes" a field
    if not words or len(words) > 4:
        return False
    if len(words) == 1 or words[-1] in _FIELD_HEADS or singular(words[-1]) in _FIELD_HEADS:
        return True
    return words[-1] not in _COLLECTIVE and not _plural(words[-1])


def add_field(thing: Thing, item: str) -> None:
    asked = question_field(item)
    if asked is not None:
        thing.fields.setdefault(*asked)
        return
    text = re.sub(r"\s+(?:fields?|columns?)$", "", item.strip(), flags=re.IGNORECASE)
    if re.fullmatch(r"(?:the\s+|their\s+|its\s+)?dates", text.strip(), re.IGNORECASE):
        for name in ("start_date", "end_date"):  # "each trip has dates"
            thing.fields.setdefault(name, {"type": "date", "required": False})
        return
    text = re.sub(r"\b(\w+)\s+in\s+(minutes|hours|days|seconds)\b", r"\1 \2", text)
    parsed = parse_field(text)
    if parsed is not None and parsed[0] not in thing.fields:
        thing.fields[parsed[0]] = parsed[1]


def _kind(words: list[str]) -> str | None:
    for kind, vocab in KIND_WORDS.items():
        if words[-1] in vocab or (words[-1] in _COLLECTIVE and kind == "note"):
            return kind
    for kind, vocab in KIND_WORDS.items():
        if any(w in vocab for w in words):
            return kind
    return None
