"""The offline extractor: text -> objects and relations of any schema, by rules.

One object per person or organization named (when the schema has a type for it), filled by
the cue rules of `cues.py`; tasks, events, preferences, projects, notes and other types
mentioned by name by the rules of `things.py`. A sentence with a fact no field holds goes,
verbatim, to its subject's notes-like field. Pronouns carry to the last person named; a text
that opens with one ("She moved to Berlin.") is about the most recently stored person.
First-person words are the speaker's (`speaker.py`): the person the text introduces, else the
stored person marked as the user, else nobody.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from xmemory_engine.minds.base import (
    ExtractedObject,
    ExtractedRelation,
    Extraction,
    ExtractionLogic,
    ExtractionRequest,
    RecordLookup,
)
from xmemory_engine.minds.rules.analysis import (
    LOOKUP_PERSON,
    TIE,
    Analyzed,
    Mention,
    TextAnalysis,
    analyze,
    pronoun_gender,
)
from xmemory_engine.minds.rules.carry import carry, due_line
from xmemory_engine.minds.rules.cues import SentenceFacts, read_listed_people, read_sentence
from xmemory_engine.minds.rules.deeds import NOT_DEEDS, base, past, read_deeds
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.facts import list_heading, read_facts
from xmemory_engine.minds.rules.links import link_sentence
from xmemory_engine.minds.rules.lists import (
    bracketed,
    labelled_items,
    list_items,
    read_card,
    read_list,
)
from xmemory_engine.minds.rules.names import (
    FIRM_HEADS,
    KIN_NOUNS,
    addressed_to,
    firm_in_address,
    gender,
    generic_role,
    given_name,
    introduced_in_lower_case,
    kin_gender,
    lower_case_given_names,
    other_sex,
    role_noun,
    title_and_family_name,
    written_as_named,
)
from xmemory_engine.minds.rules.orgs import org_facts
from xmemory_engine.minds.rules.replaced import called, read_replaced
from xmemory_engine.minds.rules.schema_map import (
    FACT_FIELDS,
    SchemaMap,
    date_fields,
    fact_type,
    field_for,
    name_field,
    notes_field,
)
from xmemory_engine.minds.rules.speaker import SPEAKER, USER_MARKER, USER_NAME, marks_user
from xmemory_engine.minds.rules.states import (
    CALLED_OFF,
    DONE_VALUES,
    allowed_state,
    cancelled_thing,
    done_clauses,
    done_thing,
    states_said,
)
from xmemory_engine.minds.rules.text import (
    MONTHS,
    SELF_WORDS,
    STOPWORDS,
    WEEKDAYS,
    Span,
    add_months,
    anchor_relative,
    lexicon,
    stem,
    typed_dashes,
    words,
)
from xmemory_engine.minds.rules.things import (
    dated_events,
    event_venue,
    is_occasion,
    read_things,
    says_a_thing_to_do,
    thing_for_pronoun,
)
from xmemory_engine.minds.rules.works import claimed, rating_only
from xmemory_engine.schema import ObjectSpec

RECENT_FIRMS = 20
ADDRESSED = "addressed:"  # the key of a stored firm's draft, made for who works there
_IT = re.compile(r"\b(?:it|this|that one)\b", re.IGNORECASE)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
# A move of the thing under way said without naming it: by "it" ("moved it to", "it's been
# pushed back", "it moved to …"), or by its field alone ("scratch that, date's moving to sat
# 21 aug", "the date is now 3 March"). What moved is the thing stored last (`_moved_it`).
_FIELD_MOVED = r"(?:the\s+)?(?P<{}>date|day|time|deadline)"
_MOVED_UNNAMED = re.compile(
    r"\b(?:moved|pushed|postponed|rescheduled|delayed|brought)\s+it\b"
    rf"|\b(?:it|{_FIELD_MOVED.format('field')})(?:['\u2019]s|\s+(?:is|has|was|got))?\s+(?:now\s+|been\s+)*"
    r"(?:moved|moving|pushed|postponed|rescheduled|delayed|brought|changed|changing|shifted)\b"
    # … to a time, not away: "the volunteer running it moved away" moved no date.
    r"(?=\s+(?:back|forward|up|again|out)?\s*(?:to|until|till|for|by)?\b)(?!\s+(?:away|house|on)\b)"
    rf"|\b{_FIELD_MOVED.format('now')}(?:['\u2019]s|\s+is)\s+now\b",
    re.IGNORECASE,
)
# A word before "date" / "deadline" that says whose it is ("the start date", "the delivery
# date"): a thing named, which `_record_named` finds when it is stored.
_QUALIFIED = re.compile(
    r"(?<![\w'\u2019])(?!(?:the|its|our|my|their|your|his|her|new)\s)[a-z][\w\-]*\s+$"
)
# "pickup was gonna be sat 12 dec but actually it's moved to …": "it" is the thing the
# sentence named first, not one stored before.
_SUBJECT_BEFORE = re.compile(
    r"^\s*(?:the\s+|my\s+|our\s+)?[a-z][\w\-]*\s+(?:was|is|were|had\s+been)\s+(?:gonna|going|meant|supposed|due|booked|set|planned|on|for)\b",
    re.IGNORECASE,
)
_FIELD_KINDS = {"deadline": ("task", "project")} | dict.fromkeys(
    ("date", "day", "time"), ("event",)
)
# A verb by which someone named only brings the news ("Vangelis says Welney's flooded so it's
# moved to Holme Fen"): who said it, not what "it" is.
_REPORTS = re.compile(
    r"\s+(?:says|said|told|tells|rang|called|emailed|texted|messaged|confirmed|reckons|thinks)\b",
    re.IGNORECASE,
)
_EMPLOYMENT_WORDS = ("work", "employ", "job", "member", "belong", "staff")
CONTEXT_SENTENCES = 2
"""Sentences before someone's first naming in which the one firm told is where they work."""


def _bare_name(name: str) -> str:
    """A name compared without case or points: "Dr Arai" is "Dr. Arai"."""
    return name.replace(".", "").casefold()


_CARD_LINES = 12  # the most lines one card is read from
MAX_LIST_HEADING = 8  # words of a list's heading kept as its record's attribute


def _items_after(sentences: list[Analyzed], at: int) -> list[Analyzed]:
    """The list items on the lines after a line ending in ":" (none after any other): the
    sentences marked as items, up to the first that is not."""
    if not sentences[at].text.endswith(":"):
        return []
    items = []
    for s in sentences[at + 1 :]:
        if not s.sentence.item:
            break
        items.append(s)
    return items if len(items) >= 2 else []


def _mostly_to_do(items: list[Analyzed]) -> bool:
    """Whether most of a list's lines, two at least, open on a thing to do."""
    doing = sum(1 for t in items if says_a_thing_to_do(t.text))
    return doing >= 2 and 2 * doing > len(items)


class RulesExtractor:
    """An `Extractor` that needs no model: deterministic for a given text and day."""

    def __init__(self, today: Callable[[], date] | None = None) -> None:
        self._today = today or date.today

    async def extract(self, request: ExtractionRequest) -> Extraction:
        use_lookup = request.lookup is not None and request.logic is not ExtractionLogic.FAST
        lookup = request.lookup if use_lookup else None
        # "my second supervisor is dr tomás herrera": someone introduced in lower case is
        # still named, so their name is written as one before the text is read.
        said = introduced_in_lower_case(typed_dashes(request.text))
        text_analysis = analyze(said, self._today())
        mapped = SchemaMap.of(request.schema)
        first_names = await _first_names(said, text_analysis, mapped, lookup)
        if first_names:
            # "ffion is vegan btw" after "me + Jonas + Ffion": a known person's name written
            # in lower case is still their name.
            recased = written_as_named(said, first_names)
            if recased != said:
                said = recased
                text_analysis = analyze(said, self._today())
        if lookup is not None:
            known = await _stored_kinds(text_analysis, mapped, lookup)
            if known:
                text_analysis = analyze(said, self._today(), known=known)
        build = _Build(mapped, text_analysis, self._today())
        await build.resolve_recent_person(lookup)
        await build.resolve_speaker(lookup)
        build.read()
        await build.settle_ties(lookup)
        await build.mark_done(lookup)
        if lookup is not None:
            await build.apply_changes(lookup)
        await build.called_off(lookup)
        if lookup is not None:
            await build.work_by_stored_address(lookup)
            await build.complete_names(lookup)
            await build.append_stored_notes(lookup)
        return build.result()


async def _stored_fuller(
    lookup: RecordLookup, spec: ObjectSpec, name_of: str, name: str, *, opening: bool
) -> str | None:
    """The one stored record's fuller name that `name` calls it by: a first or last name
    (`called`), or, with `opening`, the words its name opens with; None when none or several."""
    found = set()
    for record in await lookup.find(spec.name, name, 5):
        stored = record.get(name_of)
        if not isinstance(stored, str) or not stored.strip():
            continue
        if stored.casefold() == name.casefold():
            return None  # stored as said
        if opening and _less_the(stored) == _less_the(name):
            return stored  # "Velvet Hinges" after "The Velvet Hinges": one name, said so
        if called(stored, name) or (opening and _opens_with(stored, name.rstrip())):
            found.add(stored)
    return found.pop() if len(found) == 1 else None


class _Build:
    def __init__(self, mapped: SchemaMap, text: TextAnalysis, today: date) -> None:
        self.map = mapped
        self.text = text
        self.today = today
        self.person = mapped.first("person")
        self.org = mapped.first("org")
        self.drafts: dict[str, Draft] = {}  # entity key -> draft
        self.things: list[Draft] = []
        self.relations: list[ExtractedRelation] = []
        self.unspoken: set[int] = set()  # sentences whose "I" is nobody known
        self.unmade: list[Analyzed] = []  # sentences that made no record of their own
        self.in_lists: set[int] = set()  # lines a list record holds: no notes of their own
        # Things made by sentences telling that they moved ("My Rome flight was moved to …"):
        # the stored one their words name is the one that moved (`apply_changes`).
        self.moved: list[tuple[Analyzed, Draft]] = []
        self.changed: set[int] = set()  # sentences (their ids) that changed a stored record
        self._counter = 0
        for entity in text.entities.values():
            spec = self.person if entity.kind == "person" else self.org
            if spec is not None:
                self.drafts[entity.key] = self._draft(spec, entity.name)
        speaker = self.drafts.get(text.speaker or "")
        if speaker is not None and notes_field(speaker.spec, {name_field(speaker.spec) or ""}):
            speaker.notes.append(USER_MARKER)  # how a later "I ..." knows who is speaking
        if self.person is not None:
            # "my sister's email": a record of its own until `settle_ties` knows whose.
            for s in text.sentences:
                for m in s.mentions:
                    if m.entity.startswith(TIE) and m.entity not in self.drafts:
                        self.drafts[m.entity] = self._draft(self.person, None)

    def _draft(self, spec: ObjectSpec, name: str | None) -> Draft:
        self._counter += 1
        draft = Draft(spec, f"{spec.name}#{self._counter}")
        if name is not None:
            put_name(draft, name)
        return draft

    async def resolve_recent_person(self, lookup: RecordLookup | None) -> None:
        """Give the text's opening pronoun the most recently stored person, if allowed: not
        when their given name says the other gender than the pronoun ("She's scared of
        bikes" after "My partner Luis …"), whose sentence then stays in what was said."""
        said = [
            pronoun_gender(s.text[m.start : m.end])
            for s in self.text.sentences
            for m in s.mentions
            if m.entity == LOOKUP_PERSON
        ]
        if not said or self.person is None:
            return
        name_of = name_field(self.person, "person")
        records = await lookup.recent(self.person.name, 1) if lookup else []
        name = records[0].get(name_of) if records and name_of else None
        if not isinstance(name, str) or gender(name) not in (None, *said):
            return
        tie = field_for(self.person, "relationship", ("str",))
        told = records[0].get(tie) if tie else None
        if isinstance(told, str) and kin_gender(told) not in (None, *said):
            return  # "he" after "my sister Nadia …": not her
        if name.strip():
            self.drafts[LOOKUP_PERSON] = self._draft(self.person, name.strip())

    async def settle_ties(self, lookup: RecordLookup | None) -> None:
        """Give what was said of "my sister's …" to the one person the text, else the
        store, holds as the user's sister; with none or several, to nobody (the sentence
        stays in the notes), never to the user."""
        for key in [k for k in self.drafts if k.startswith(TIE)]:
            placeholder = self.drafts.pop(key)
            noun = key[len(TIE) :]
            ties = [f for k in ("relationship", "role") if (f := field_for(placeholder.spec, k))]
            held = [
                d
                for k, d in self.drafts.items()
                if d.spec is placeholder.spec
                and k != SPEAKER
                and any(str(d.values.get(f, "")).casefold() == noun for f in ties)
            ]
            name: str | None = None
            if len(held) == 1:
                for fname, value in placeholder.values.items():
                    held[0].put(fname, value)
                held[0].notes += [n for n in placeholder.notes if n not in held[0].notes]
                for relation in self.relations:
                    for end, ref in relation.endpoints.items():
                        if ref == placeholder.ref:
                            relation.endpoints[end] = held[0].ref
                continue
            if not held and lookup is not None and ties:
                name_of = name_field(placeholder.spec, "person")
                found = {
                    str(r.get(name_of))
                    for r in await lookup.find(placeholder.spec.name, noun, 5)
                    if name_of and any(str(r.get(f) or "").casefold() == noun for f in ties)
                }
                name = found.pop() if len(found) == 1 else None
            if name is not None and placeholder.values:
                put_name(placeholder, name)
                self.drafts[key] = placeholder
            else:
                self._told_of_unknown(noun, placeholder)

    def _told_of_unknown(self, noun: str, told: Draft) -> None:
        """What was said of someone known only by their tie ("my landlord's email is …"):
        details of the user's landlord, one fact each, so the record is theirs and not the
        user's; without a fact-like type, the sentences stay notes."""
        spec = fact_type(self.map)
        subject = f"{USER_NAME}'s {noun}"
        for fname, value in told.values.items():
            fact = self._draft(spec, None) if spec is not None else None
            said = (subject, fname.replace("_", " "), str(value))
            if fact is not None and all(
                fact.put(f, v) for f, v in zip(FACT_FIELDS, said, strict=True)
            ):
                self.things.append(fact)
        for note in told.notes:
            free = self._free_note(note)
            if free is not None:
                self.things.append(free)

    async def resolve_speaker(self, lookup: RecordLookup | None) -> None:
        """Give "I" with no introduction in the text the stored user, else drop it."""
        used = any(m.entity == SPEAKER for s in self.text.sentences for m in s.mentions)
        if not used:
            return
        name = await _stored_speaker(self.person, lookup) if self.person else None
        if name is None and self.person is not None:
            # Nobody introduced and nobody stored as the user: the user's own record.
            name = USER_NAME
            notes = notes_field(self.person, {name_field(self.person) or ""})
            draft = self._draft(self.person, name)
            if notes is not None:
                draft.notes.append(USER_MARKER)
            self.drafts[SPEAKER] = draft
            return
        if name is not None and self.person is not None:
            self.drafts[SPEAKER] = self._draft(self.person, name)
            return
        for s in self.text.sentences:
            kept = [m for m in s.mentions if m.entity != SPEAKER]
            if len(kept) < len(s.mentions):
                self.unspoken.add(id(s))  # "I work at X" then says something of nobody
            s.mentions = kept

    def read(self) -> None:
        names = {k: e.name for k, e in self.text.entities.items()}
        kinds = {k: e.kind for k, e in self.text.entities.items()}
        employment: list[tuple[str, str]] = []
        last: Draft | None = None  # the thing the previous sentence made ("It is urgent.")
        read_as = self.text.kinds_by_name()
        read_as |= {c.name.lower(): "place" for s in self.text.sentences for c in s.places}
        sentences = self.text.sentences
        itemised: set[int] = set()  # sentences read as items of the line heading them
        task_spec = self.map.first("task")
        for i, s in enumerate(sentences):
            if i in itemised:
                # An item a list made its record of still says who people are ("book 2
                # days off with Marek (my manager)"): that is read, and nothing more.
                read_sentence(s, self.drafts, names, kinds)
                continue
            previous = sentences[i - 1] if i else None
            # "Name: Kasper Holm" / "Role: sailmaker" / "Phone: …", a line each: one record.
            card = read_card(
                (t.text for t in sentences[i : i + _CARD_LINES]), self.map, self._draft, self.today
            )
            if card is not None:
                self._listed(card[0])
                itemised.update(range(i + 1, i + card[1]))
                # "Project: migrate the books to Xero." on a line of its own: what the lines
                # after it say of "it" (its deadline, "Status: active") is the project's.
                last = card[0] if card[1] == 1 else None
                continue
            items = _items_after(sentences, i)
            # "To do:" on a line, then "- book portaloos", "- order medals" on lines of their
            # own: one list, read as if written on one line with ";" between its items.
            told = "; ".join(t.text.rstrip(".;") for t in items)
            listed = read_list(
                f"{s.text} {told}" if items else s.text, self.map, self._draft, self.today, read_as
            )
            if not listed and _mostly_to_do(items):
                # "plan for the plot:" and its lines, most of them things to do ("clear the
                # brambles", "fix the shed roof"): a list's items are of one kind, so the
                # others are too ("build 4 raised beds"), whatever their verb.
                listed = read_list(f"To do: {told}", self.map, self._draft, self.today, read_as)
            if listed:
                for draft in listed:  # "Projects: Atlas (on hold), Birch (active), ..."
                    self._listed(draft)
                if len(listed) > 1 and len({d.spec.name for d in listed}) == 1:
                    self._list_beside(s, items, listed)  # the list as told, beside its records
                # A list's line still says who people are ("design the label — freelance
                # designer Yuki Matsumoto"), as an item on a line of its own does.
                read_listed_people(s, self.drafts, names)
                itemised.update(range(i + 1, i + 1 + len(items)))
                last = None
                continue
            if items:
                self._list_kept(s.text, [t.text for t in items], [s, *items])
            labelled = None if items else labelled_items(s.text, self.map)
            if labelled is not None:
                # "shortlist: A, B, and C": kept under its label (which list a thing was on
                # is said by nothing else), and still read for what it tells.
                self._list_kept(*labelled, [])
            if last is not None and not s.mentions and due_line(s, last):
                continue  # "Target completion 2027-03-31." after "Project: …": its deadline
            facts = read_sentence(s, self.drafts, names, kinds)
            if i and not s.mentions:
                # "he runs the parkrun. email tomasz.w@runmail.co.uk.": an address in a
                # sentence that names no one is the one's the sentence before named last.
                _contact_carried(s, sentences[i - 1], self.drafts, facts)
            org_facts(s, self.drafts, facts)
            employment += facts.employment
            things = read_things(s, self.map, self.drafts, names, facts, self._draft)
            for d in things.drafts:
                if d.spec is task_spec:
                    thing_for_pronoun(d, s, previous)
            beside_a_change: list[Draft] = []  # events of dates said apart from a change
            told_a_change = _tells_a_change(s.text)
            if not _move(s.text):
                # A date the sentence's other records do not hold is an event's of its own,
                # unless the part of the sentence saying it tells of a change to something
                # ("the survey was done on 3 Dec"): "survey done yesterday. install is mon
                # 18 jan" still says when the install is.
                # (A state is no value of a thing's own: two open tasks share no "open".)
                held = {v for d in things.drafts for v in _own_values(d)}
                # ... and one a task holds as its due date too, when the words before it
                # name the thing on that day: "hang day is Wednesday 13 January, need to be
                # there for 10am" is a day and a task for it.
                task = self.map.first("task")
                by_tasks = {
                    str(v) for d in things.drafts if d.spec is task for v in d.values.values()
                }
                for d, subject in dated_events(
                    s, self.map, self._draft, previous, skip=_tells_a_change
                ):
                    values = _own_values(d)
                    shared = held & values
                    dates = all(_ISO.fullmatch(v) for v in shared)
                    if not shared or (subject and shared <= by_tasks and dates):
                        things.drafts.append(d)
                        if told_a_change:
                            beside_a_change.append(d)
                    else:
                        _fuller_title(things.drafts, d)
            self.things += things.drafts
            if _move(s.text):
                self.moved += [(s, d) for d in things.drafts]
            named = _pronouns_named(s, names)
            facts_said = read_facts(
                named, self.map, self._draft, described=_described(s, names, kinds)
            )
            if labelled is not None:
                # The label's detail is the list kept, not its first items read as one value.
                heading = list_heading(labelled[0])
                facts_said = [d for d in facts_said if d.values.get("attribute") != heading]
            self.things += facts_said
            self._jobs_of_named(facts_said)
            self.things += _not_read_already(
                read_deeds(named, self.map, self._draft, names.values()), facts_said
            )
            self.relations += things.relations
            if not things.drafts and last is not None and rating_only(s.text, last):
                continue  # "5 stars." rates the work just named, and says nothing else
            # "Dana Kim will do it.": "it" is the thing the sentence before made.
            refers = last is not None and _IT.search(s.text) is not None
            made = things.drafts or ([last] if refers and last is not None else [])
            links = link_sentence(s, self.map, made, self.drafts, self._draft)
            self.things += links.drafts
            self.relations += [r for r in links.relations if self._new(r)]
            if all(d in beside_a_change for d in things.drafts):
                # What the change tells of ("Okafor patio job is finished; invoice sent on
                # 30 November") is still to be found among what is stored.
                self.unmade.append(s)
            carried = not things.drafts and last is not None and carry(s, last, facts)
            if things.told_apart:
                self._theirs(s)  # "Ffion is vegan btw so we need to sort food": hers too
            elif not things.drafts and not (carried and not facts.residue(s.text, s.values)):
                self._leftovers(s, facts)
            last = things.drafts[-1] if things.drafts else last if carried else None
        employment += self._working_where_told()
        employment += self._working_by_address()
        employment += self._firms_of_people()
        self._employment(employment)

    def _firms_of_people(self) -> list[tuple[str, str]]:
        """A firm given as someone's company is a firm of the text, though nothing typed its
        name one: "Emre Demir (outboard mechanic, Rønde Marine Service)" stores the firm
        too, and that he works there. Not a name the text read as a person's."""
        if self.person is None or self.org is None:
            return []
        company = field_for(self.person, "company", ("str",))
        if company is None or name_field(self.org) is None:
            return []
        read_as = self.text.kinds_by_name()
        firms = {
            str(d.values.get(name_field(d.spec) or "", "")).casefold()
            for d in [*self.drafts.values(), *self.things]
            if d.spec is self.org
        }
        found: list[tuple[str, str]] = []
        for key, draft in list(self.drafts.items()):
            said = draft.values.get(company) if draft.spec is self.person else None
            if not isinstance(said, str) or not said[:1].isupper() or said.casefold() in firms:
                continue
            if read_as.get(said.lower(), "org") != "org":
                continue
            firm = f"firm:{said.casefold()}"
            self.drafts[firm] = self._draft(self.org, said)
            firms.add(said.casefold())
            found.append((key, firm))
        return found

    def _working_by_address(self) -> list[tuple[str, str]]:
        """Someone whose email address is at a firm the text names works there, when nothing
        else says where they work: "Femke de Vries, femke@hollandexpathomes.nl" beside
        "Holland Expat Homes". The address's domain, less its country or kind ending, must
        spell the firm's name (`addressed_to`), so a shared word is no match, and mail
        providers' domains name nobody's employer."""
        waiting = self._awaiting_employer()
        if waiting is None:
            return []
        company, addressed = waiting
        firms: dict[str, str] = {}  # name -> entity
        for key, entity in self.text.entities.items():
            if entity.kind == "org" and key in self.drafts:
                firms.setdefault(entity.name, key)
        found: list[tuple[str, str]] = []
        for key, label in addressed:
            named = [k for name, k in firms.items() if addressed_to(label, name)]
            firm = named[0] if len(set(named)) == 1 else None
            org = self.drafts.get(firm) if firm is not None else None
            name = name_field(org.spec) if org is not None else None
            if (
                org is not None
                and name is not None
                and self.drafts[key].put(company, org.values[name])
            ):
                found.append((key, str(firm)))
        return found

    def _awaiting_employer(self) -> tuple[str, list[tuple[str, str]]] | None:
        """The person type's company field, and the people of the text with none whose email
        address may spell a firm, each with what it spells (`firm_in_address`); None when
        the schema has no such fields."""
        if self.person is None or self.org is None:
            return None
        company = field_for(self.person, "company", ("str",))
        email = field_for(self.person, "email", ("str",))
        if company is None or email is None:
            return None
        return company, [
            (key, label)
            for key, draft in self.drafts.items()
            if draft.spec is self.person
            and not draft.has(company)
            and draft.has(email)
            and (label := firm_in_address(str(draft.values[email])))
        ]

    def _working_where_told(self) -> list[tuple[str, str]]:
        """Someone named by their job where the text tells of one firm, in their sentence or
        just before it ("The boiler service is booked with Kernow Heating. The engineer's
        called Jory Pascoe", "Carers from Fellside Home Care … Agency coordinator: Bev
        Lowther", up to `CONTEXT_SENTENCES` before): they work there. Not someone who is the user's ("our electrician": a
        relationship says whose they are), nor when two firms are told, nor the user's
        own employer."""
        if self.person is None or self.org is None:
            return []
        company = field_for(self.person, "company", ("str",))
        role = field_for(self.person, "role", ("str",))
        tie = field_for(self.person, "relationship", ("str",))
        speaker = self.drafts.get(SPEAKER) or self.drafts.get(self.text.speaker or "")
        own_firm = str(speaker.values.get(company or "", "")).casefold() if speaker else ""
        found: list[tuple[str, str]] = []
        if company is None or role is None:
            return found
        sentences = self.text.sentences
        # Where someone is first named says who they are.
        first: dict[str, tuple[int, Mention]] = {}
        for i, s in enumerate(sentences):
            for m in s.mentions:
                if not (m.speaker or m.pronoun) and m.entity in self.drafts:
                    first.setdefault(m.entity, (i, m))
        people = [
            (i, m, d)
            for i, m in first.values()
            if (d := self.drafts[m.entity]).spec is self.person and not d.has(company)
        ]
        # The sentence's structure first, for everyone, so a firm it gives one person is
        # known before another is tied to the one firm told.
        untied = []
        for i, m, draft in people:
            tied = _firm_tied(sentences[i], m, bool(draft.has(role)))
            if tied is None:
                untied.append((i, m, draft))
                continue
            firm = self._firm_name(tied) if tied else None
            if firm is not None and draft.put(company, firm):
                found.append((m.entity, tied))
        for i, m, draft in untied:
            s = sentences[i]
            # "my rep there is Gareth Pryce": "there" is the firm just told, whoever's they are;
            # a "contact" is whom to ask at a firm, no one's own tie.
            if not draft.has(role) or (
                tie
                and draft.has(tie)
                and not generic_role(str(draft.values[tie]))
                and _THERE.search(s.text, 0, m.start) is None
            ):
                continue
            told = {
                x.entity
                for t in sentences[max(i - CONTEXT_SENTENCES, 0) : i + 1]
                for x in t.mentions
                if x.entity.startswith("org:")
            }
            # A firm the sentence gives someone else ("…; the external examiner is Prof.
            # Ana Carvalho from the University of Porto") is not told of this one.
            # So is one an earlier sentence gave someone ("Solicitor: Hannah Price at
            # Crestwell Conveyancing. Mortgage broker is Dev Anand": not Crestwell's).
            for t in sentences[max(i - CONTEXT_SENTENCES, 0) : i + 1]:
                told -= self._firms_of_others(t, m.entity, company)
            if len(told) != 1 or _listed_beside(s, m, next(iter(told))):
                continue
            firm = self._firm_name(next(iter(told)))
            if firm is None or firm.casefold() == own_firm:
                continue
            if draft.put(company, firm):
                found.append((m.entity, next(iter(told))))
        return found

    def _firms_of_others(self, s: Analyzed, entity: str, company: str) -> set[str]:
        """The firms `s` names that are the company of someone else it names."""
        theirs = {
            str(d.values[company]).casefold()
            for x in s.mentions
            if x.entity != entity
            and (d := self.drafts.get(x.entity)) is not None
            and d.spec is self.person
            and d.has(company)
        }
        return {
            x.entity
            for x in s.mentions
            if x.entity.startswith("org:")
            and (self._firm_name(x.entity) or "").casefold() in theirs
        }

    def _firm_name(self, key: str) -> str | None:
        """The name of the organization drafted under `key`, or None."""
        org = self.drafts.get(key)
        name = name_field(org.spec) if org is not None else None
        return str(org.values[name]) if org is not None and name is not None else None

    def _jobs_of_named(self, facts: list[Draft]) -> None:
        """A detail whose value is someone the text names and whose noun is a job ("Kit's key
        worker is Siobhán Gallagher") says that job of them as well: it is their role, when
        nothing else has said one."""
        people = {
            _bare_name(str(d.values.get(name_field(d.spec) or "", ""))): d
            for d in self.drafts.values()
            if self.map.kinds.get(d.spec.name) == "person"
        }
        for fact in facts:
            attribute = str(fact.values.get("attribute") or "")
            person = people.get(_bare_name(str(fact.values.get("value") or "")))
            head = attribute.split()[-1] if attribute.split() else ""
            if person is None or not role_noun(head) or head in KIN_NOUNS:
                continue
            role = field_for(person.spec, "role", ("str",))
            if role is not None and not person.has(role):
                person.put(role, attribute)

    def _listed(self, draft: Draft) -> None:
        """A list's record. A name the list says is of its type ("Suppliers: Mungoswells
        Mill") is that record wherever the text names it, not the person its two capitalised
        words were taken for: the name's draft becomes the list's, when it held nothing else."""
        name = name_field(draft.spec)
        wanted = str(draft.values.get(name or "", "")).casefold()
        for key, known in self.drafts.items():
            own = name_field(known.spec)
            if (
                wanted
                and known.spec is draft.spec
                and str(known.values.get(own or "", "")).casefold() == wanted
            ):
                # "Carers: Joy Adeyemi, …": the person already drafted, with what the list says.
                for fname, value in draft.values.items():
                    if not known.has(fname):
                        known.put(fname, value)
                known.notes += [n for n in draft.notes if n not in known.notes]
                return
            if (
                wanted
                and known.spec is not draft.spec
                and str(known.values.get(own or "", "")).casefold() == wanted
                and set(known.values) <= {own}
                and not known.notes
            ):
                self.drafts[key] = draft
                return
        self.things.append(draft)

    def _new(self, relation: ExtractedRelation) -> bool:
        return all(r.endpoints != relation.endpoints for r in self.relations)

    def _list_beside(self, s: Analyzed, items: list[Analyzed], listed: list[Draft]) -> None:
        """A list of records of one type ("Still to buy: crate, fleece", "To do:" and its
        lines, "Main suppliers: Velotech, Northwind Frames and Arklow") is also kept as told,
        under its heading (`_list_kept`): which list a record was on is said by nothing else,
        so "How many things do we still need to buy?" or "How many main suppliers do I use?"
        counts what it listed."""
        if items:
            self._list_kept(s.text, [t.text for t in items], [s, *items])
            return
        heading, colon, told = s.text.partition(":")
        names = [d.values.get(name_field(d.spec) or "") for d in listed]
        tasks = listed[0].spec is self.map.first("task")
        if not tasks and len(list_items(told.strip(" ."), longest=MAX_LIST_HEADING)) != len(names):
            # Of people or firms, kept only when each item made one ("Rota: 7th Priya +
            # Kwame; 14th Łucja + Hamish" is no list of four): the list is counted.
            return
        if colon and all(isinstance(n, str) for n in names):
            self._list_kept(heading, [str(n) for n in names], [])

    def _list_kept(self, heading: str, items: list[str], lines: list[Analyzed]) -> None:
        """A line ending in ":" and the items on the lines after it that no type's list
        reads ("goals for end of jan:", "- 300 kanji", "- diary entry every day"): one detail
        of the user's, the heading its attribute and the items, in order, its value. Each
        item is still read for what it tells (a firm, a date); what none of them makes into
        a record is held by the list (its `lines`), not kept as a note of its own."""
        spec = fact_type(self.map)
        attribute = list_heading(heading)
        if spec is None or not attribute or len(attribute.split()) > MAX_LIST_HEADING:
            return
        said = [t.strip().rstrip(".;,") for t in items]
        draft = self._draft(spec, None)
        value = "; ".join(t for t in said if t)
        if all(
            draft.put(f, v) for f, v in zip(FACT_FIELDS, (USER_NAME, attribute, value), strict=True)
        ):
            self.things.append(draft)
            self.in_lists.update(id(t) for t in lines)

    def _leftovers(self, s: Analyzed, facts: SentenceFacts) -> None:
        sentence, subject = s.text, s.subject()
        if id(s) in self.in_lists and subject is None:
            return  # a list's heading or item, held by the list's record (`_list_kept`)
        if not facts.residue(sentence, s.values) and id(s) not in self.unspoken:
            return  # a sentence whose "I" is nobody known is kept whole: it says who
        draft = self.drafts.get(subject.entity) if subject is not None else None
        if draft is not None and notes_field(draft.spec, {name_field(draft.spec) or ""}):
            if sentence not in draft.notes:
                draft.notes.append(sentence)
            for m, clause in s.clause_subjects():
                # "…, while Freya does swimming on Saturdays": the clause is Freya's to keep.
                theirs = self.drafts.get(m.entity)
                if theirs is not None and theirs is not draft and sentence not in theirs.notes:
                    # "… to cover his Christmas week": a clause pointing back is kept whole.
                    back = _POINTS_BACK.search(clause, m.end - m.start)  # past its subject
                    theirs.notes.append(sentence if back else clause)
            return
        if subject is None:
            note = self._free_note(sentence)
            if note is not None:
                self.things.append(note)

    def _theirs(self, s: Analyzed) -> None:
        """The sentence kept in the notes of the person it is about, whatever records its
        later clauses made (`Things.told_apart`)."""
        subject = s.subject()
        draft = self.drafts.get(subject.entity) if subject is not None else None
        notes = notes_field(draft.spec, {name_field(draft.spec) or ""}) if draft else None
        if draft is not None and notes and s.text not in draft.notes:
            draft.notes.append(s.text)

    def _free_note(self, sentence: str) -> Draft | None:
        spec = self.map.first("note")
        if spec is None:
            return None
        content = field_for(spec, "content", ("str",)) or name_field(spec, "note")
        draft = self._draft(spec, None)
        return draft if draft.put(content, sentence) else None

    def _employment(self, pairs: list[tuple[str, str]]) -> None:
        if self.person is None or self.org is None:
            return
        found = self.map.relation_between(self.person, self.org, _EMPLOYMENT_WORDS)
        if found is None:
            return
        relation, person_role, org_role = found
        seen: set[tuple[str, str]] = set()
        for person_key, org_key in pairs:
            person, org = self.drafts.get(person_key), self.drafts.get(org_key)
            if person is None or org is None or (person.ref, org.ref) in seen:
                continue
            seen.add((person.ref, org.ref))
            # Where someone works is one place, as their company field is: a new one replaces
            # the stored link ("Update: Tom left Northwind and joined Globex").
            self.relations.append(
                ExtractedRelation(
                    relation.name,
                    {person_role: person.ref, org_role: org.ref},
                    replaces=person_role,
                )
            )

    async def apply_changes(self, lookup: RecordLookup) -> None:
        """ "Actually my flight moved to Friday", "The report deadline was pushed back to
        2026-01-22", "I finished the quarterly report", "The dentist appointment was
        cancelled": a sentence that tells of a change and names one stored task, event or
        project by the words of its title changes that record (its date, its status), instead
        of becoming a note. Its old values stay as history."""
        for s in self.text.sentences:
            # "Update: user switched from Vodafone to Three": the stored value is replaced.
            dates = [v for v in s.values if v.kind == "date"]
            replaced = await read_replaced(s.text, self.map, lookup, self._draft, dates)
            if replaced:
                self.things = [t for t in self.things if not _made_anew(t, replaced, dates)]
                self.things += replaced
                self._unnote(s.text)
        for s, draft in self.moved:
            # "after today's scan they've moved collection to …": what moved names the record.
            what = _what_moved(s.text) or _without_mover(s)
            found = await self._record_named(what, lookup, draft.spec)
            recent = found is None and await self._moved_it(s, lookup)
            if recent:
                found = recent
            name = name_field(draft.spec)
            if (
                found is not None
                and not recent
                and found[0] is draft.spec
                and not _moved_is(s.text, found[1])
            ):
                # "Current job: Nordlys trial protocol, deadline 6 March, in progress": a
                # stored "progress report" shares a word said after the move, not one of what
                # moved (the words before it): identity is by the name, not by any word said.
                found = None
            if found is not None and found[0] is draft.spec and name is not None:
                draft.values[name] = found[1]  # the stored one, under its own name
                _date_moved_to(s, draft)
            elif found is not None:
                # "Update: chapter 3 deadline extended to 2026-03-20, … because of conference
                # travel": the stored task moved; the "conference" the sentence also made is
                # no event of its own.
                stored = self._draft(found[0], found[1])
                if _changed_date(s, stored):
                    self.things = [t for t in self.things if t is not draft]
                    self.things.append(stored)
            else:
                # Nothing stored moved: the thing the sentence made is new, and its day is
                # the one it moved to ("pickup was gonna be sat 12 dec but actually it's
                # moved to sunday 13 dec").
                _date_moved_to(s, draft)
        # "the concert's moved!! … it's now at the Corn Exchange": a change told of a stored
        # thing whose new value the next sentence says.
        told: tuple[ObjectSpec, str] | None = None
        for s in self.unmade:
            going_on = told is not None and (
                _NOW_AT.search(s.text) is not None or _NEW_WHEN.search(s.text) is not None
            )
            if not (_CHANGE.search(s.text) or _MOVED_UNNAMED.search(s.text)) and not going_on:
                told = None
                continue
            found = await self._record_named(_what_changed(s), lookup) or await self._moved_it(
                s, lookup
            )
            if found is None and going_on:
                found = told
            if found is None:
                self._new_since_moved(s)
                continue
            spec, title = found
            draft = self._draft(spec, title)
            changed = _changed_date(s, draft) | _changed_place(s, draft)
            if not changed:
                changed = await _shifted_date(s.text, draft, lookup)
            if not changed and _of_another_thing(
                s.text, _held(_change_words(s.text), title), title
            ):
                # "Finished the Halden wireframes" is no news of the stored "send Halden the
                # invoice": what a name is written before is another thing of theirs. (A
                # move may be of a thing within: "the Lisbon flights moved" moves the trip.)
                self._new_since_moved(s)
                told = None
                continue
            changed |= _changed_status(s.text, draft)
            told = None if changed else found
            if not changed:
                continue
            self.changed.add(id(s))
            self.things.append(draft)
            self._unnote(s.text)

    async def mark_done(self, lookup: RecordLookup | None) -> None:
        """A clause telling that something was done ("Mateusz already bought the hoover",
        "Done: flutes ordered 1 Dec", "I emailed HR on Tuesday") marks done the one open task
        whose title says most of its words: one this text lists ("To do: buy a new hoover,
        …"), else one stored. A tie between two tasks marks neither; a clause is never the
        task it lists itself."""
        spec = self.map.first("task")
        title_of = name_field(spec) if spec is not None else None
        status = _done_state(spec) if spec is not None else None
        if spec is None or title_of is None or status is None:
            return
        fname, done = status
        here = {
            str(d.values[title_of]): d
            for d in self.things
            if d.spec is spec and isinstance(d.values.get(title_of), str)
            and d.values.get(fname) != done
        }  # fmt: skip
        # The words of the people the text names: whom a deed concerns, not what was done.
        people = {w.lower() for e in self.text.people() for w in e.name.split()}
        # Where each task of this text is told: a deed told before it did not do it
        # ("Caterer shortlisted: … Task: confirm final numbers with the caterer").
        told_at = {
            title: next(
                (i for i, s in enumerate(self.text.sentences) if title.lower() in s.text.lower()),
                -1,
            )
            for title in here
        }
        for at, s in enumerate(self.text.sentences):
            told = {t: d for t, d in here.items() if told_at[t] <= at}
            for clause in done_clauses(s.text, past):
                # "got the litter tray, scratching post and carrier", "deck v7 has gone to
                # Fjord and the data room is finished": each thing listed is done, each
                # marking its own task; failing that, the clause's words as a whole.
                parts = [p for p in _DONE_PARTS.split(clause) if p.strip()]
                marked = False
                for part in parts if len(parts) > 1 else []:
                    marked = (
                        await self._mark(part, people, told, spec, fname, done, lookup) or marked
                    )
                if not marked:
                    marked = await self._mark(clause, people, told, spec, fname, done, lookup)
                thing = None if marked else done_thing(clause)
                if (
                    thing is not None
                    and thing.casefold() not in {t.casefold() for t in here}
                    and not {w.lower() for w in thing.split()} & people  # "Tom is done with …"
                ):
                    # "February's bookkeeping is done" and no task of it is told or stored:
                    # a thing done is a task done, so "Is the bookkeeping done?" is answered.
                    draft = self._draft(spec, thing)
                    draft.values[fname] = done
                    self.things.append(draft)

    async def _mark(
        self,
        clause: str,
        people: set[str],
        here: dict[str, Draft],
        spec: ObjectSpec,
        fname: str,
        done: str,
        lookup: RecordLookup | None,
    ) -> bool:
        """Mark done the one open task `clause` tells was done: one this text made, else one
        stored (`mark_done`). Whether one was."""
        title_of = name_field(spec)
        words = _object_words(clause, people)
        if not words or title_of is None:
            return False
        own = {t: d for t, d in here.items() if not _lists_itself(t, clause)}
        title = _best_task(clause, words, list(own))
        if title is not None:
            own[title].values[fname] = done
            return True
        if lookup is None:
            return False
        stored = await _open_tasks(spec, title_of, fname, done, words, lookup)
        title = _best_task(clause, words, stored)
        if title is None:
            return False
        draft = self._draft(spec, title)
        draft.values[fname] = done
        # "Done: sent the claim form to Gjensidige": the list made the clause a task done;
        # it is the stored one, not a second beside it.
        told = _LABEL_OPENING.sub("", clause).strip(" .;,").casefold()
        self.things = [
            t
            for t in self.things
            if not (t.spec is spec and str(t.values.get(title_of, "")).casefold() == told)
        ]
        self.things.append(draft)
        return True

    async def called_off(self, lookup: RecordLookup | None) -> None:
        """ "Cancelled: the New Year's Eve social — the church hall isn't available", "the
        sponsor meeting … got cancelled": an event called off is kept as one, its notes saying
        so, so "Which events were cancelled?" is answered from records. The one stored or made
        here whose title holds every word of what was called off is that event; else, when
        its name ends in a word for an occasion or the clause dates it, it is a new one.
        Sentences whose change a stored record already took (`apply_changes`) are left."""
        spec = self.map.first("event")
        title_of = name_field(spec) if spec is not None else None
        if spec is None or title_of is None or notes_field(spec, {title_of}) is None:
            return
        for s in self.text.sentences:
            if id(s) in self.changed or not CALLED_OFF.search(s.text):
                continue
            for clause, thing in _called_off(s):
                start = s.text.find(clause)
                dated = [
                    v
                    for v in s.values
                    if v.kind == "date" and start <= v.start < start + len(clause)
                ]
                words = [w for w in _WORD_OF.findall(thing) if w.lower() not in STOPWORDS]
                made = [
                    d for d in self.things
                    if d.spec is spec and isinstance(d.values.get(title_of), str)
                    and str(d.values[title_of]).casefold() in s.text.casefold()
                    and (words and _holds_words(str(d.values[title_of]), words[-1:]))
                ]  # fmt: skip
                if made:
                    draft = made[0]
                    told = str(draft.values[title_of])
                    if CALLED_OFF.search(told) or thing.casefold().endswith(told.casefold()):
                        # "… got cancelled" is no name; "New Year's Eve social" names more
                        # than "Eve social"
                        draft.values[title_of] = thing
                else:
                    found = await self._record_named(thing, lookup) if lookup else None
                    if found is not None and (
                        found[0] is not spec or not _holds_words(found[1], words)
                    ):
                        found = None  # a stored title sharing a word is another thing
                    if found is None and not (dated or is_occasion(thing)):
                        continue  # "I cancelled Netflix": no occasion named
                    draft = self._draft(spec, found[1] if found else thing)
                    for fname in date_fields(spec)[:1]:
                        for v in dated[:1]:
                            draft.put(fname, v.value)
                    self.things.append(draft)
                if s.text not in draft.notes:
                    draft.notes.append(s.text)
                self._unnote(s.text)
                break

    def _new_since_moved(self, s: Analyzed) -> None:
        """ "Update: plate reader slot moved to Fri 2026-03-13": a move of something never
        stored still says when it is now, so it is an event titled by what moved."""
        if not _move(s.text):
            return
        made = []
        for draft, _ in dated_events(s, self.map, self._draft):
            name = name_field(draft.spec)
            title = _MOVE_WORDS.sub("", str(draft.values.get(name or "", ""))).strip(" ,;:")
            if name is not None and len(title.split()) >= 2:
                draft.values[name] = title
                made.append(draft)
        if made:
            self.things += made
            self._unnote(s.text)

    def _names_others(self) -> bool:
        """Whether the text names someone other than who brings the news: "it" may be theirs."""
        people = {e.key for e in self.text.people()}
        return any(
            m.entity in people and not m.speaker and not _REPORTS.match(s.text, m.end)
            for s in self.text.sentences
            for m in s.mentions
        )

    async def _moved_it(self, s: Analyzed, lookup: RecordLookup) -> tuple[ObjectSpec, str] | None:
        """What "it" is in a move that names nothing else ("no hang on they moved it - now
        wednesday 16 december"): the event or task stored last, when the text names no one
        and no other thing of that kind, and opens on no thing of its own ("pickup was gonna
        be sat 12 dec but actually it's moved …": the pickup). A move said of a field alone
        is of the thing stored last that has it: "date's moving to sat 21 aug" of an event,
        "the deadline's been pushed back" of a task or project."""
        alone = _MOVED_UNNAMED.search(s.text)
        if alone is None:
            return None
        field = (alone.group("field") or alone.group("now") or "").lower()
        if not field and (self._names_others() or _SUBJECT_BEFORE.search(s.text[: alone.start()])):
            return None
        if field and _QUALIFIED.search(s.text[: alone.start()]):
            return None  # "the start date moved": the date of a thing not named, not the last one's
        kinds = ("event", "task") if not field else _FIELD_KINDS[field]
        specs = [sp for k in kinds for sp in self.map.of_kind(k)]
        if not field and _place_moved_to(s) is not None:
            # "it's moved to Holme Fen": a move to a place is of a thing that has one, not
            # of the thing to do told after it ("bring a red torch").
            specs = [sp for sp in specs if field_for(sp, "location", ("str",)) is not None]
        # "door knocking on the 12th is off, hélène's got covid. moved it to sunday 3 jan":
        # "it" is the stored thing the sentence before named, if it named one.
        at = next((i for i, t in enumerate(self.text.sentences) if t is s), 0)
        if at > 0:
            before = await self._record_named(self.text.sentences[at - 1].text, lookup)
            if before is not None and any(before[0] is sp for sp in specs):
                return before
        latest: tuple[str, ObjectSpec, str] | None = None
        for spec in specs:
            title_of = name_field(spec)
            for record in await lookup.recent(spec.name, 1):
                title, when = record.get(title_of or ""), str(record.get("updated_at") or "")
                if isinstance(title, str) and (latest is None or when > latest[0]):
                    latest = (when, spec, title)
        return (latest[1], latest[2]) if latest is not None else None

    async def _record_named(
        self, text: str, lookup: RecordLookup, prefer: ObjectSpec | None = None
    ) -> tuple[ObjectSpec, str] | None:
        """The one stored task, event or project whose title holds the longest run of the
        sentence's words. The records holding any one of its words are looked up (at most
        `_LOOKUPS` lookups, longer words first), then each title is scored by how many of the
        words it holds, then by the longest run of them ("My Rome flight" is the "flight to
        Rome", not the "flight to Madrid"): a tie between two titles is no answer (not sure
        which one changed)."""
        words = _change_words(text)
        specs = [sp for k in ("task", "event", "project") for sp in self.map.of_kind(k)]
        # Short words are too common to look up, but a code is not ("CW2", "Q3").
        # Longest first, then in order: a set's order changes with the hash seed, and only
        # `_LOOKUPS` words are looked up.
        searched = sorted({w.casefold() for w in words if _telling([w])}, key=_longest_first)
        titles: dict[str, ObjectSpec] = {}
        asked = 0
        for word in searched:
            for spec in specs:
                name_of = name_field(spec)
                if name_of is None or asked >= _LOOKUPS:
                    continue
                asked += 1
                for record in await lookup.find(spec.name, word, 5):
                    title = record.get(name_of)
                    if isinstance(title, str) and _holds_words(title, [word]):
                        titles.setdefault(title, spec)
        best: list[tuple[int, int, str]] = []
        for title in titles:
            held = _held(words, title)
            # "pay it before pickup" is not the pickup: what a title says after "before"
            # or "after" is the other thing it is timed by.
            own = _TIMED_BY.split(title, 1)[0]
            if not any(_holds_words(own, [w]) for w in words if _holds_words(title, [w])):
                continue
            run = max(
                (n for n in range(1, min(4, len(words)) + 1) for i in range(len(words) - n + 1)
                 if _holds_words(title, words[i : i + n]) and _telling(words[i : i + n])),
                default=0,
            )  # fmt: skip
            if run:
                best.append((len(held), run, title))
        best.sort(reverse=True)
        if best and prefer is not None:
            # Titles alike in what they hold: the one of the type the sentence made is it.
            tied = [b for b in best if b[:2] == best[0][:2]]
            mine = [b for b in tied if titles[b[2]] is prefer]
            if len(tied) > 1 and len(mine) == 1:
                best = mine
        if not best or (len(best) > 1 and best[0][:2] == best[1][:2]):
            return None
        return titles[best[0][2]], best[0][2]

    def _unnote(self, sentence: str) -> None:
        """The sentence changed a record: it is no note of anyone's."""
        note = self.map.first("note")
        for draft in self.drafts.values():
            draft.notes = [n for n in draft.notes if n != sentence]
        self.things = [
            t for t in self.things if not (t.spec is note and sentence in t.values.values())
        ]

    async def work_by_stored_address(self, lookup: RecordLookup) -> None:
        """Someone whose email address spells a stored firm's name (`addressed_to`), and whom
        nothing else ties to a firm, works there: "sales guy at sunwise is Rhodri Vaughan,
        rhodri@sunwiserenewables.co.uk" after a write that stored Sunwise Renewables Ltd.
        The firms looked at are the most recently changed (`RECENT_FIRMS`): the one such an
        address is at was most often told just before; two spelled so name none."""
        waiting = self._awaiting_employer()
        org_name = name_field(self.org) if self.org is not None else None
        if waiting is None or not waiting[1] or self.org is None or org_name is None:
            return
        company, addressed = waiting
        stored = [r.get(org_name) for r in await lookup.recent(self.org.name, RECENT_FIRMS)]
        names = [n for n in stored if isinstance(n, str) and n.strip()]
        pairs: list[tuple[str, str]] = []
        for key, label in addressed:
            named = {n for n in names if addressed_to(label, n)}
            if len(named) != 1:
                continue
            firm = named.pop()
            self.drafts[key].put(company, firm)
            org_key = f"{ADDRESSED}{firm.casefold()}"
            if org_key not in self.drafts:
                self.drafts[org_key] = self._draft(self.org, firm)
            pairs.append((key, org_key))
        self._employment(pairs)

    async def complete_names(self, lookup: RecordLookup) -> None:
        """ "Bob" is the stored "Bob Lee" when he is the only stored person so called; "Tern
        & Tide" the stored "Tern & Tide Publishing" when it is the only stored firm whose
        name opens so, and a person's company named so is that firm too."""
        for key, draft in self.drafts.items():
            name_of = name_field(draft.spec)
            name = draft.values.get(name_of) if name_of else None
            if name_of is None or not isinstance(name, str):
                continue
            if key not in self.text.entities:
                continue  # a name taken from the stored records already
            firm = draft.spec is self.org
            # "Dr. Rahman" after "Dr. Fatima Rahman" was stored: the title and a family name
            # call the one stored so, unless the title says another sex than her given name.
            titled = None if firm else title_and_family_name(name)
            if " " in name and not firm and titled is None:
                continue
            called_by = titled[0] if titled is not None else name
            fuller = await _stored_fuller(lookup, draft.spec, name_of, called_by, opening=firm)
            if fuller is not None and titled is not None and other_sex(titled[1], fuller):
                continue
            if fuller is not None:
                draft.values[name_of] = fuller
        company = field_for(self.person, "company", ("str",)) if self.person else None
        org_name = name_field(self.org) if self.org is not None else None
        if company is None or self.org is None or org_name is None:
            return
        firms: dict[str, str | None] = {}  # a company named by several people: looked up once
        for draft in self.drafts.values():
            said = draft.values.get(company) if draft.spec is self.person else None
            if not isinstance(said, str) or not said.strip():
                continue
            if said not in firms:
                firms[said] = await _stored_fuller(lookup, self.org, org_name, said, opening=True)
            fuller = firms[said]
            if fuller is not None:
                draft.values[company] = fuller

    async def append_stored_notes(self, lookup: RecordLookup) -> None:
        """New notes extend a stored record's notes instead of replacing them."""
        for draft in self.drafts.values():
            notes_of = notes_field(draft.spec, {name_field(draft.spec) or ""})
            name_of = name_field(draft.spec)
            name = draft.values.get(name_of) if name_of else None
            if not draft.notes or notes_of is None or not isinstance(name, str):
                continue
            for record in await lookup.find(draft.spec.name, name, 3):
                stored, old = record.get(name_of or ""), record.get(notes_of)
                if isinstance(stored, str) and stored.casefold() == name.casefold():
                    if isinstance(old, str) and old.strip():
                        fresh = [n for n in draft.notes if n not in old]
                        draft.notes = [old.strip(), *fresh] if fresh else [old.strip()]
                    break

    def _anchored(self, draft: Draft) -> dict[str, Any]:
        """The draft's values with time said relative to today ("next Tuesday") written as
        the day it means, so the record says the same thing when it is read next month. Its
        key stays as said: it is how the record is found again."""
        keys = set(draft.spec.primary_key)
        return {
            f: anchor_relative(v, self.today) if isinstance(v, str) and f not in keys else v
            for f, v in draft.values.items()
        }

    def result(self) -> Extraction:
        out = Extraction()
        kept: set[str] = set()
        linked = {ref for r in self.relations for ref in r.endpoints.values()}
        stored = self.drafts.get(SPEAKER)
        titles = [t.casefold() for d in self.things for t in claimed(d)]
        for draft in [*self.drafts.values(), *self.things]:
            quiet = len(draft.values) == 1 and not draft.notes and draft.ref not in linked
            if draft is stored and (quiet or _only_marked(draft)):
                continue  # "I" said nothing new about the user ("Remind me to ...")
            if quiet and draft in self.drafts.values() and _inside(draft, titles):
                continue  # "Ursula K. Le Guin" wrote the book; no friend of that name
            notes_of = notes_field(draft.spec, {name_field(draft.spec) or ""})
            if draft.notes and notes_of and not draft.has(notes_of):
                draft.put(notes_of, _kept_apart(draft.notes))
            if draft.missing_required() or not draft.values or draft.ref in kept:
                continue
            kept.add(draft.ref)
            values = self._anchored(draft)
            fills = frozenset(draft.fills & values.keys())
            out.objects.append(ExtractedObject(draft.spec.name, values, draft.ref, fills))
        out.relations = [
            r for r in self.relations if all(ref in kept for ref in r.endpoints.values())
        ]
        return out


async def _first_names(
    text: str, analysis: TextAnalysis, mapped: SchemaMap, lookup: RecordLookup | None
) -> dict[str, str]:
    """The first names of people this text names or the store holds, that the text also
    writes in lower case (`lower_case_given_names`): the lower-cased name -> as written in
    the record. Only a first name that is a given name; one stored person is looked up once
    per write, by those words."""
    lowered = lower_case_given_names(text)
    if not lowered:
        return {}
    people = [n for n, kind in analysis.kinds_by_name().items() if kind == "person"]
    written = {c.name.lower(): c.name for s in analysis.sentences for c in s.candidates}
    names = [written.get(n, n) for n in people]
    spec = mapped.first("person")
    name_of = name_field(spec) if spec is not None else None
    if lookup is not None and spec is not None and name_of is not None:
        asked = sorted(w[:1].upper() + w[1:] for w in lowered)
        names += [str(r.get(name_of) or "") for r in await lookup.named(spec.name, asked, 5)]
    found: dict[str, str] = {}
    for name in names:
        first = name.split()[0] if name.split() else ""
        if first.lower() in lowered and given_name(first) and first[:1].isupper():
            found.setdefault(first.lower(), first)
    return found


async def _stored_kinds(
    text: TextAnalysis, mapped: SchemaMap, lookup: RecordLookup
) -> dict[str, str]:
    """The text's names the store holds as records of one kind (person or org) where this
    text alone read them otherwise or not at all: "Paulo is based in Lisbon" is about the
    stored person Paulo Mendes, not a firm. A person is found by a whole name or by a first
    or last name alone (`called`); an organization by its whole name or by the one word its
    name opens with ("Loomhouse is £265/month" after "Loomhouse Works"), as `complete_names`
    then names it in full, when the text reads that word as no place and no one's given
    name and no stored person is called so."""
    read_as = text.kinds_by_name()
    names = sorted({c.name for s in text.sentences for c in s.candidates})
    kinds: dict[str, set[str]] = {}

    # What this text read as a place or a thing: "in Cork" is the town, not "Cork University
    # Hospital".
    elsewhere = {c.name.lower() for s in text.sentences for c in [*s.places, *s.things]}
    # The sort of body said right after a word ("Newtown station", "Leeds hospital"): the
    # word then names that body, not a stored firm whose name opens with it and is of
    # another sort ("Newtown Community Centre").
    sorted_as = {
        c.name.lower(): c.after[0]
        for s in text.sentences
        for c in s.candidates
        if c.after and c.after[0] in FIRM_HEADS
    }

    def other_sort(stored: str, name: str) -> bool:
        sort = sorted_as.get(name.lower())
        return sort is not None and sort not in stored.lower().split()

    def opening_word(name: str) -> bool:
        # One word, not read as a place or a thing, nor as someone by a given name: "Northlight
        # is leading" after "Northlight Ventures" is the firm, "Morgan" is not "Morgan Stanley".
        key = name.lower()
        return (
            " " not in name
            and key not in elsewhere
            and not (read_as.get(key) == "person" and given_name(name))
        )

    for kind in ("person", "org"):
        spec = mapped.first(kind)
        name_of = name_field(spec) if spec is not None else None
        if spec is None or name_of is None or not names:
            continue
        # A firm stored as "The Long Table" is the one a later text calls "Long Table".
        asked = names + [f"The {n}" for n in names if kind == "org" and " " in n]
        stored = [r.get(name_of) for r in await lookup.named(spec.name, asked, 5)]
        for name in names:
            # The word a firm's name opens with names it only when no one is called so:
            # "Mokoena" beside Sipho Mokoena and Mokoena Logistics is him (people are looked
            # up first).
            someone = "person" in kinds.get(name.lower(), ())
            opening = kind == "org" and opening_word(name) and not someone
            if any(
                isinstance(s, str)
                and (
                    s.casefold() == name.casefold()
                    or (kind == "org" and _less_the(s) == name.casefold())
                    or (kind == "person" and called(s, name))
                    or (opening and _opens_with(s, name) and not other_sort(s, name))
                )
                for s in stored
            ):
                kinds.setdefault(name.lower(), set()).add(kind)
    return {
        name: found.pop()
        for name, found in kinds.items()
        if len(found) == 1 and read_as.get(name) not in found
    }


def _less_the(name: str) -> str:
    """A firm's name, folded, without the "The" it may open with ("The Long Table")."""
    folded = name.casefold().strip()
    return folded[4:] if folded.startswith("the ") else folded


def _opens_with(stored: str, word: str) -> bool:
    """Whether a stored name of several words opens with `word` ("Loomhouse Works")."""
    return stored.casefold().startswith(word.casefold() + " ")


def _done_state(spec: ObjectSpec) -> tuple[str, str] | None:
    """The field and value that say a task is done, when its schema has them."""
    for fname, fspec in spec.fields.items():
        value = allowed_state(DONE_VALUES, fspec.enum or ()) if fspec.enum else None
        if value is not None:
            return fname, value
    return None


_WEEKDAYS_MONTHS = frozenset(MONTHS) | frozenset(WEEKDAYS)
_WHEN = lexicon("states.when_words")


_DOER_ADVERBS = frozenset(("has", "have", "had", "just", "already", "finally", "also"))


def _object_words(clause: str, people: set[str]) -> set[str]:
    """What a done clause says was done: its words (lower-cased) but the small ones, the
    verbs in the past, the state words and the calendar ("I emailed HR on Tuesday" -> {"hr"}).
    Who did it is no part of what was done: a name, or a word for someone right before the
    clause's first verb in the past ("grandmother found out from a neighbour" did nothing of
    "order a cake (grandmother's favourite)"; in "Locum task done" the locum is what)."""
    out = set()
    words = re.findall(r"[^\W\d_][\w\-]*", clause)
    first_past = next((i for i, w in enumerate(words) if past(w.lower())), None)
    doer = ""
    if first_past is not None and first_past > 0:
        before = [w.lower() for w in words[:first_past] if w.lower() not in _DOER_ADVERBS]
        if before and (before[-1] in KIN_NOUNS or role_noun(before[-1])):
            doer = before[-1]
    for word in words:
        low = word.lower()
        if low == doer:
            continue
        acronym = word.isupper() and len(word) >= 2
        if not acronym and (len(low) < 3 or low in STOPWORDS or low in _NOT_TITLE):
            continue
        if past(low) or low in _WEEKDAYS_MONTHS or low in _WHEN or low in ("already", "sorted"):
            continue
        if (low in people or low == USER_NAME.lower()) and not acronym:
            # "Yusuf suggested mediation" did nothing of "send Yusuf photos", nor does a
            # note opening "User prefers …" of a task told "User wants a banner …".
            continue
        out.add(low)
    return out


_LABEL_OPENING = re.compile(r"^\s*[^\W\d_][\w\s\-]{0,20}:\s*")


def _not_read_already(deeds: list[Draft], details: list[Draft]) -> list[Draft]:
    """The deeds whose object is not a detail the sentence's facts already hold: "User takes
    ibuprofen 400mg twice a day" is the detail ibuprofen = 400mg twice a day, not also the
    deed "takes" = "ibuprofen 400mg twice a day", which a later "no longer takes ibuprofen"
    would leave standing."""
    held = [
        (str(d.values.get("subject", "")).lower(), str(d.values.get("attribute", "")).lower())
        for d in details
    ]
    return [
        deed
        for deed in deeds
        if not any(
            str(deed.values.get("subject", "")).lower() == whose
            and attribute
            and str(deed.values.get("value", "")).lower().startswith(attribute)
            for whose, attribute in held
        )
    ]


def _best_task(clause: str, words: set[str], titles: list[str]) -> str | None:
    """The title sharing most of the clause's words (then its verb: "bought" for "buy"),
    when one shares a telling word (four letters, or an acronym) and no other ties it."""
    verbs = {base(w.lower()) for w in re.findall(r"[^\W\d_][\w\-]*", clause) if past(w.lower())}
    scored = []
    for title in titles:
        title_words = [w.lower() for w in re.findall(r"[^\W\d_][\w\-]*", title)]
        shared = {stem(w) for w in words} & {stem(w) for w in title_words}
        # A word of a name in the title ("Hazelmere Allotment Society") that the clause writes
        # only as a common noun ("the society sells them") is no word of that thing.
        shared -= {stem(w.lower()) for w in _named_words(title) if w not in clause}
        # A stem of four letters or more, or an acronym the clause writes in capitals ("HR").
        telling = any(len(w) >= 4 or w.upper() in clause for w in shared)
        same_deed = bool(verbs & set(title_words))
        # "renew the cottage's insurance": the cottage is whose the thing to do is; a clause
        # sharing only that word ("Fixed the cottage gutter") did some other thing of it.
        owners = {stem(w.casefold()) for w in _OWNER.findall(title)}
        ours = same_deed or not (_of_another_thing(clause, shared, title) or shared <= owners)
        if shared and telling and ours:
            scored.append((len(shared), same_deed, title))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
        return None
    return scored[0][2]


_OWNER = re.compile(r"([^\W\d_][\w\-]*)['\u2019]s\b")
# Two or more capitalised words in a row: a name.
_NAME_RUN = re.compile(r"[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)+")


def _named_words(title: str) -> list[str]:
    """The words of the names a title writes ("Hazelmere", "Allotment", "Society"); its first
    word is capitalised as it opens the title ("Renew Passport" names nothing)."""
    named = []
    for run in _NAME_RUN.finditer(title):
        words = run.group().split()[1:] if run.start() == 0 else run.group().split()
        named += words if len(words) > 1 else []
    return named


def _lists_itself(title: str, clause: str) -> bool:
    """Whether the clause is the task's own listing ("ordered spares" in "Open: ordered …")."""
    t, c = title.casefold(), clause.casefold()
    return t in c or c in t


async def _open_tasks(
    spec: ObjectSpec, title_of: str, fname: str, done: str, words: set[str], lookup: RecordLookup
) -> list[str]:
    """The titles of stored tasks not done that hold one of `words` (longest first, a few)."""
    titles: list[str] = []
    searched = sorted(words, key=_longest_first)[:_DONE_LOOKUPS]
    for record in await lookup.named(spec.name, searched, 5):
        title = record.get(title_of)
        if isinstance(title, str) and record.get(fname) != done and title not in titles:
            titles.append(title)
    return titles


_DONE_LOOKUPS = 6
# Where one thing told done ends and the next begins in a clause listing several.
_DONE_PARTS = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*|\s*\+\s*")


async def _stored_speaker(person: ObjectSpec, lookup: RecordLookup | None) -> str | None:
    """The name of the stored person marked as the user; the most recently updated first."""
    notes_of = notes_field(person, {name_field(person, "person") or ""})
    name_of = name_field(person, "person")
    if lookup is None or notes_of is None or name_of is None:
        return None
    for record in await lookup.find(person.name, USER_MARKER, 5):
        name = record.get(name_of)
        if marks_user(record.get(notes_of)) and isinstance(name, str) and name.strip():
            return name.strip()
    return None


# A third person's pronoun: who it means is said elsewhere in the sentence.
_POINTS_BACK = re.compile(r"\b(?:he|she|they|him|her|them|his|hers|their|theirs)\b", re.I)
# The clauses a sentence may tell that something was called off in.
_CLAUSES = re.compile(r";|\.\s+|,\s+(?:so|and|but)\s+")
_WORD_OF = re.compile(r"[^\W_][\w\-]*")
# A sentence telling of a change to something already stored.
_CHANGE = re.compile(
    r"\b(?:actually|moved|pushed\s+(?:back|forward|to)|postponed|rescheduled|delayed|brought\s+forward|"
    r"extended|cancel+ed|called\s+off|finished|completed|done|resumed|restarted|paused|"
    r"on\s+hold)\b|\bback\s+on(?=\s*(?:[,.;:!]|$))",  # "Beacon is back on": resumed
    re.IGNORECASE,
)
_MOVED = re.compile(
    r"\b(?:moved|pushed\s+(?:back|forward|to)|postponed|rescheduled|delayed|brought\s+forward|extended|"
    r"now\s+(?:due|on)|new\s+(?:date|deadline))\b",
    re.IGNORECASE,
)


def _tells_a_change(text: str) -> bool:
    return _CHANGE.search(text) is not None


def _move(text: str) -> re.Match[str] | None:
    """Where `text` tells that something moved: said with what moved, or unnamed ("it",
    "the date": `_MOVED_UNNAMED`)."""
    return _MOVED.search(text) or _MOVED_UNNAMED.search(text)


# The move said after what moved, and all that follows it: "plate reader slot moved to Fri".
_MOVE_WORDS = re.compile(
    r"\s+(?:(?:has\s+been|have\s+been|was|were|is|are|got)\s+)?(?:moved|pushed\s+(?:back|forward|to)|"
    r"postponed|rescheduled|delayed|brought\s+forward|extended)\b.*$",
    re.IGNORECASE,
)
# Words that never start or end a title looked up: the change itself and small words.
_NOT_TITLE = lexicon("extract.not_title")
_LOOKUPS = 24
_TIMED_BY = re.compile(r"\s+(?:before|after|ahead\s+of|until|till)\s+", re.IGNORECASE)


def _longest_first(word: str) -> tuple[int, str]:
    """A sort key: longer words first, equal lengths in order (not a set's, which the hash
    seed decides), so the same text looks up the same words in every process."""
    return (-len(word), word)


def _own_values(draft: Draft) -> set[str]:
    """A record's values that say which thing it is: its fields', less a state's (an enum's)."""
    fields = draft.spec.fields
    return {str(v) for f, v in draft.values.items() if f not in fields or not fields[f].enum}


def _change_words(text: str) -> list[str]:
    """The words of a sentence telling of a change that may say what changed: not the change
    itself nor the small words ("the concert's moved": "concert", whose the move is)."""
    said = (re.sub(r"['\u2019]s$", "", w) for w in re.findall(r"[^\W\d_][\w'\u2019\-]*", text))
    return [w for w in said if w.lower() not in _NOT_TITLE and w.lower() not in STOPWORDS]


def _held(words: list[str], title: str) -> set[str]:
    """The words (`_change_words`) of three letters or more that `title` holds."""
    return {w.casefold() for w in words if len(w) >= 3 and _holds_words(title, [w])}


def _of_another_thing(text: str, shared: set[str], title: str) -> bool:
    """Whether the words a title shares with a sentence are only names the sentence writes
    right before a word for a thing the title lacks: "Finished the Halden wireframes" names
    Halden as whose the wireframes are, so it is not the task "send Halden the invoice"."""
    said = re.findall(r"[^\W\d_][\w'\u2019\-]*", text)
    in_title = {stem(w.casefold()) for w in re.findall(r"[^\W\d_][\w\-]*", title)}
    owners = {
        stem(re.sub(r"['\u2019]s$", "", name.casefold()))  # "Halden's wireframes"
        for name, head in pairwise(said[1:])  # the first word is capitalised anyway
        if name[0].isupper() and _thing_word(head) and stem(head) not in in_title
    }
    return bool(shared) and {stem(w) for w in shared} <= owners


def _thing_word(word: str) -> bool:
    """Whether a word may name a thing: written small, four letters or more, no verb's past
    and no time ("wireframes", not "finished", "yesterday" or "Halden")."""
    low = word.lower()
    return (
        word == low
        and len(low) >= 4
        and not re.search(r"['\u2019]", low)  # "can't", "that's"
        and low not in STOPWORDS
        and not past(low)
        and not low.endswith("ed")  # "moved", "pushed": past forms no deed is done by
        and low not in _NOT_TITLE
        and low not in NOT_DEEDS  # "Rhys says …", "Yusuf needs …": a name's verb
        and low not in _WEEKDAYS_MONTHS
        and low not in _WHEN
        and low not in _ANY_THING  # "Locum task done": the task named by the name
    )


# Words for any thing to do: what a name before one names is that thing.
_ANY_THING = frozenset(
    ("task", "tasks", "thing", "things", "stuff", "item", "items", "job", "jobs", "work", "bits")
)


def _telling(run: list[str]) -> bool:
    """Whether words tell a title from others: four letters or more, or a code ("CW2",
    "AGM", "MOT": digits or capitals only)."""
    return len(" ".join(run)) >= 4 or any(
        any(c.isdigit() for c in w) or (len(w) >= 2 and w.isupper()) for w in run
    )


def _contact_carried(
    s: Analyzed, before: Analyzed, drafts: dict[str, Draft], facts: SentenceFacts
) -> None:
    """Give an email address or phone number of a sentence that names no one to the person
    the sentence before named last (by name or pronoun, not the user), when they have none."""
    named = [m for m in before.mentions if not m.speaker and not m.entity.startswith("org:")]
    draft = drafts.get(named[-1].entity) if named else None
    if draft is None:
        return
    for span in s.values:
        if span.kind in ("email", "phone") and draft.put(
            field_for(draft.spec, span.kind, ("str",)), span.value
        ):
            facts.use(span.start, span.end)


def _fuller_title(made: list[Draft], dated: Draft) -> None:
    """An event the sentence made by its occasion's noun ("Christmas"), on the date the
    clause around that noun titles more fully ("Christmas blitz Tuesday 22 December"),
    takes that clause's title when it opens with the noun's: the same thing, better named.
    The same thing read twice keeps what only the clause's reading found, such as where it
    is ("- Summer Festival, 12 June 2027, Loughborough University")."""
    key = name_field(dated.spec)
    if key is None:
        return
    title = str(dated.values.get(key) or "")
    for draft in made:
        if draft.spec is not dated.spec:
            continue
        own = str(draft.values.get(key) or "")
        same_day = any(v == dated.values.get(f) for f, v in draft.values.items() if f != key)
        longer = title.lower().startswith(own.lower() + " ") and len(title.split()) <= 6
        if not (own and same_day):
            continue
        if longer:
            draft.values[key] = title
        if longer or title.lower() == own.lower():
            for field, value in dated.values.items():
                if field not in draft.values:
                    draft.put(field, value)


# A job said of a place just told: "my rep there", "the manager there", "contact there is …";
# not "there's a new guy", "we meet there".
_THERE = re.compile(
    r"(?:^[^\W\d_][\w\-]*|\b(?:my|our|the|their|his|her|your)(?:\s+[^\W\d_][\w\-]*){1,2})"
    r"\s+there\b",
    re.IGNORECASE,
)


def _firm_tied(s: Analyzed, m: Mention, has_role: bool) -> str | None:
    """The one firm a person's sentence ties them to by its structure, narrowest first:
    brackets right after their name, or the brackets they are named in with the name those
    follow ("Greg Alvarez (owner, Alvarez Market)", "Kroll Foods (contact: Ingrid Solberg)"),
    then, for someone whose job is said, the part of the sentence between semicolons
    ("Academia Wiñay, Cusco; teacher assigned: Rosa Quispe"). A scope naming two firms ties
    them to neither (None). Brackets after a name that is not a known firm's say whose they
    are ("Northlight Docs (New York; post supervisor Diego Santamaría)"): "", no firm."""
    firms = [x for x in s.mentions if x.entity.startswith("org:") and not x.pronoun]
    if not firms:
        return None
    scopes: list[tuple[int, int, bool]] = []  # (from, to, whether a name heads them)
    for open_at, close_at in _bracket_groups(s.text):
        if open_at >= m.end and not s.text[m.end : open_at].strip(" ,"):
            scopes.append((open_at, close_at, False))  # their own brackets
        elif open_at < m.start and m.end <= close_at:
            head = [x for x in firms if x.end <= open_at and not s.text[x.end : open_at].strip()]
            before = s.text[:open_at].split()
            named = bool(before) and before[-1][:1].isupper() and before[-1][-1:].isalnum()
            scopes.append((head[-1].start if head else open_at, close_at, named))
    scopes.sort(key=lambda scope: scope[1] - scope[0])
    if has_role:
        scopes.append((*_segment(s.text, m.start), False))
    for lo, hi, named in scopes:
        inside = {x.entity for x in firms if lo <= x.start and x.end <= hi}
        if len(inside) > 1:
            return None
        if inside and not _listed_beside(s, m, next(iter(inside))):
            return next(iter(inside))
        if named and not inside:
            return ""
    return None


def _bracket_groups(text: str) -> list[tuple[int, int]]:
    """The spans of the bracketed groups of `text`, from their "(" to their ")"."""
    groups: list[tuple[int, int]] = []
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([":
            opened.append(i)
        elif ch in ")]" and opened:
            groups.append((opened.pop(), i))
    return groups


def _segment(text: str, at: int) -> tuple[int, int]:
    """The part of `text` around `at` between semicolons outside brackets."""
    lo, hi = 0, len(text)
    for i, (ch, outside) in enumerate(bracketed(text)):
        if ch == ";" and outside:
            if i < at:
                lo = i + 1
            else:
                hi = i
                break
    return lo, hi


def _listed_beside(s: Analyzed, m: Mention, org: str) -> bool:
    """Whether a person is listed after a firm in one sentence, as one more item ("Quotes:
    Keukens Van Damme €18,400, IKEA €11,900, and a local joiner, Pieter-Jan Claes"): an
    alternative to it, not someone of it."""
    before = [x for x in s.mentions if x.entity == org and x.end <= m.start]
    return bool(before) and _ITEMS.search(s.text, before[-1].end, m.start) is not None


_ITEMS = re.compile(r",\s*(?:and|or)\b|\bor\b")


def _made_anew(draft: Draft, replaced: list[Draft], dates: list[Span]) -> bool:
    """Whether `draft` is the thing a correction of a day made anew ("booster", due the new
    day), beside the stored one it changed: of its type, on the new day the sentence says."""
    said = {str(d.value) for d in dates}
    for r in replaced:
        fields = date_fields(r.spec)
        new = {str(v)[:10] for f, v in r.values.items() if f in fields} & said
        dated = {str(v)[:10] for f, v in draft.values.items() if f in fields}
        if draft is not r and draft.spec is r.spec and new & dated:
            return True
    return False


def _moved_is(sentence: str, title: str) -> bool:
    """Whether what a sentence says moved, the words before its move ("Update: Level 2" in
    "Update: Level 2 pushed back to 8 May"), holds a telling word of a stored title."""
    move = _move(sentence)
    said = sentence[: move.start()] if move is not None else sentence
    said = f"{said} {_moved_object(sentence)}"  # "they've moved collection to Wednesday"
    words = re.findall(r"[^\W_][\w'\-]*", said)
    return any(_telling([w]) and _holds_words(title, [w]) for w in words)


def _what_changed(s: Analyzed) -> str:
    """The words naming what `s` tells changed: what a clause says was called off, when it
    names it ("the trial session at Puddle Ducks swimming" of "Cancelled: … — it clashed with
    nursery pick-up": a stored "Nursery nativity" shares a word only with the reason), else
    the sentence less who moved something (`_without_mover`)."""
    return next((thing for _, thing in _called_off(s)), None) or _without_mover(s)


def _called_off(s: Analyzed) -> Iterator[tuple[str, str]]:
    """Each clause of `s` that names what was called off, with what it names
    (`cancelled_thing`)."""
    for clause in _CLAUSES.split(s.text):
        if (thing := cancelled_thing(clause)) is not None:
            yield clause, thing


def _without_mover(s: Analyzed) -> str:
    """`s` without the person who moved something, when an active move says what it moved:
    "Gintarė's moved me to wednesdays" moves the speaker's lessons, not a stored "Gintarė's
    mock test", which her name alone would find. A move with no object ("AGM moved to Sat")
    is of what it names, and one of "it" may be of what is had with them ("Dr Okafor moved
    it to Friday": the follow-up with Dr Okafor)."""
    move = _move(s.text)
    moved = _object_after(s.text, move).lower() if move is not None else ""
    if move is None or not moved or moved in _MOVED_THING:
        return s.text
    for m in s.mentions:
        if m.entity.startswith("org:") or m.pronoun:
            continue
        if _BEFORE_A_MOVE.fullmatch(s.text, m.end, move.start()):
            return s.text[: m.start] + " " * (m.end - m.start) + s.text[m.end :]
    return s.text


_MOVED_THING = frozenset(("it", "them", "that", "this", "these", "those"))
# What stands between the one who moved something and the move: "Gintarė's moved", "Tom has
# moved", "Dr Okafor moved".
_BEFORE_A_MOVE = re.compile(
    r"(?:['\u2019]s|\s+(?:has|had|have|just|now|then|also)){0,2}\s+", re.IGNORECASE
)


def _what_moved(sentence: str) -> str | None:
    """What an active move names as moved ("collection" of "they've moved collection to
    Wednesday 30 December"), or None ("X was moved to …", "moved it to …")."""
    what = _moved_object(sentence)
    return what if _telling(re.findall(r"[^\W_][\w'\-]*", what)) else None


def _moved_object(sentence: str) -> str:
    """The words an active move says between it and where to, or ""."""
    move = _move(sentence)
    return _object_after(sentence, move) if move is not None else ""


def _object_after(sentence: str, move: re.Match[str]) -> str:
    """What the move found in `sentence` says it moved (`_MOVED_OBJECT`), or ""."""
    moved = _MOVED_OBJECT.match(sentence, move.end())
    return moved.group("what") if moved is not None else ""


# What an active move moved, said between it and where to: "moved collection to Wednesday".
# "has moved forward to Thursday", "moved back to …": a particle says which way, not what.
_PARTICLE = r"(?:forwards?|back|up|down|out|along)\b"
_MOVED_OBJECT = re.compile(
    rf"(?:\s+{_PARTICLE})?\s+(?P<what>(?:(?!{_PARTICLE})[^\W\d_][\w'\-]*\s+){{0,3}}?"
    rf"(?!{_PARTICLE})[^\W\d_][\w'\-]*)(?:\s+{_PARTICLE})?\s+(?:to|until|till|for)\b",
    re.IGNORECASE,
)


def _holds_words(title: str, run: list[str]) -> bool:
    """Whether `title` says the words of `run`, in order, as whole words."""
    pattern = r"\s+".join(re.escape(w) for w in run)
    return re.search(rf"(?<!\w){pattern}(?!\w)", title, re.IGNORECASE) is not None


def _date_field(spec: ObjectSpec) -> str | None:
    """The field a thing's day moves in: a task's due date, an event's date."""
    return field_for(spec, "due", ("date",)) or field_for(spec, "date", ("date",))


_LEFT = re.compile(r"\bfrom\s+(?:\w+\s+)?$", re.IGNORECASE)  # "from 3 May", "from sat 14 aug"


def _date_moved_to(s: Analyzed, draft: Draft) -> None:
    """A moved thing's date is the one said after its move ("after today's scan they've
    moved collection to Wednesday 30 December"), not another the sentence says first."""
    to = _day_moved_to(s)
    fname = _date_field(draft.spec)
    if to is not None and fname is not None:
        draft.values.pop(fname, None)
        draft.put(fname, to.value)


def _day_moved_to(s: Analyzed) -> Span | None:
    """The first date said after the sentence's move that is not the one left: "date's
    moving to sat 21 aug — Grandma has a follow-up on the 14th" moved to the 21st, "pushed
    back from 14 aug to 21 aug" too."""
    move = _move(s.text)
    if move is None:
        return None
    after = (v for v in s.values if v.kind == "date" and v.start >= move.end())
    return next((v for v in after if not _LEFT.search(s.text[: v.start])), None)


def _changed_date(s: Analyzed, draft: Draft) -> set[str]:
    """The new date of a thing whose date moved ("pushed back to", "moved to", "rescheduled
    for"); a date saying when something was done or restarted is not its date."""
    dates = [v for v in s.values if v.kind == "date"]
    if not dates or _move(s.text) is None:
        return set()
    to = _day_moved_to(s) or dates[-1]
    fname = _date_field(draft.spec)
    return {fname} if fname and draft.put(fname, to.value) else set()


# A move said as how far, not to when: "pushed back a week", "brought forward two days".
_SHIFT = re.compile(
    r"\b(?:(?P<later>pushed\s+(?:back|out)|put\s+back|moved\s+back|delayed|postponed)|"
    r"(?P<sooner>pushed\s+forward|moved\s+(?:forward|up)|brought\s+forward))\s+(?:by\s+)?"
    r"(?P<n>an?|one|two|three|four|five|six|\d{1,2})\s+(?P<unit>day|week|fortnight|month)s?\b",
    re.IGNORECASE,
)
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_DAYS_IN = {"day": 1, "week": 7, "fortnight": 14}


async def _shifted_date(text: str, draft: Draft, lookup: RecordLookup) -> set[str]:
    """The new date of a stored thing moved by an amount ("The Fana match got pushed back a
    week"): its stored date, moved so. The record is the one stored under the draft's name."""
    m = _SHIFT.search(text)
    spec, title_of = draft.spec, name_field(draft.spec)
    fname = _date_field(spec)
    if m is None or fname is None or title_of is None:
        return set()
    title = str(draft.values.get(title_of, ""))
    stored = [
        r for r in await lookup.find(spec.name, title, 5)
        if str(r.get(title_of, "")).casefold() == title.casefold()
    ]  # fmt: skip
    try:
        day = date.fromisoformat(str(stored[0].get(fname))) if len(stored) == 1 else None
    except ValueError:
        day = None
    if day is None:
        return set()
    n = int(m.group("n")) if m.group("n").isdigit() else _COUNTS[m.group("n").lower()]
    n = n if m.group("later") else -n
    unit = m.group("unit").lower()
    moved = add_months(day, n) if unit == "month" else day + timedelta(days=n * _DAYS_IN[unit])
    return {fname} if draft.put(fname, moved.isoformat()) else set()


_MOVED_TO = re.compile(r"\b(?:moved|relocated|changed|switched)\s+to\s+", re.IGNORECASE)
# Where a thing is now: "it's now at the Corn Exchange", "is now in Hall B".
_NOW_AT = re.compile(r"\bnow\s+(?=(?:at|in)\s)", re.IGNORECASE)
# When a thing is now, said after its move was told: "new date is wednesday 3 march".
_NEW_WHEN = re.compile(r"\bnew\s+(?:date|day|time|slot)\b", re.IGNORECASE)


def _place_moved_to(s: Analyzed) -> str | None:
    """The place the sentence names right after its move ("moved to Holme Fen"), or None."""
    moved = _MOVED_TO.search(s.text)
    return next((p.name for p in s.places if moved and p.start == moved.end()), None)


def _changed_place(s: Analyzed, draft: Draft) -> set[str]:
    """The new place of a thing that moved there ("Update: offsite moved to Bath", "it's now
    at the Corn Exchange")."""
    fname = field_for(draft.spec, "location", ("str",))
    if fname is None:
        return set()
    place = _place_moved_to(s)
    now_at = _NOW_AT.search(s.text)
    if place is None and now_at is not None:
        place = event_venue(s, now_at.start(), len(s.text))
    return {fname} if place is not None and draft.put(fname, place) else set()


def _changed_status(text: str, draft: Draft) -> set[str]:
    status = field_for(draft.spec, "status", ("str",))
    enum = draft.spec.fields[status].enum or () if status else ()
    for meant in states_said(text):
        value = allowed_state(meant, enum)
        if value is not None and status is not None and draft.put(status, value):
            return {status}
        notes = notes_field(draft.spec, {name_field(draft.spec) or ""})
        if notes is not None:
            draft.notes.append(text)  # no status to set: the sentence says what happened
            return {notes}
    return set()


_CLOSED = (".", "!", "?", ";", ":", "\u2026", ")", '"', "'", "\u201d", "\u2019")


def _kept_apart(sentences: list[str]) -> str:
    """Sentences kept in one text field, each still one: a write typed without a full stop
    ("my partner Luis is doing the morning walks") gets one before the next is joined on."""
    said = [t.strip() for t in sentences if t.strip()]
    return " ".join(
        t if t.endswith(_CLOSED) or i == len(said) - 1 else f"{t}." for i, t in enumerate(said)
    )


def _only_marked(draft: Draft) -> bool:
    """A user's record with nothing but its name and the user marker: nothing to store yet
    ("Remind me to call the bank" is a task; no record of the user for it alone)."""
    return len(draft.values) == 1 and draft.notes == [USER_MARKER]


def _inside(draft: Draft, titles: list[str]) -> bool:
    name = next(iter(draft.values.values()), None)
    return isinstance(name, str) and any(name.casefold() in t for t in titles)


def put_name(draft: Draft, name: str) -> bool:
    """The record's name: one name field, or first and last name fields."""
    kind = "person" if draft.spec.fields.get("first_name") else None
    fname = name_field(draft.spec, kind)
    first, last = draft.spec.fields.get("first_name"), draft.spec.fields.get("last_name")
    if first is not None and last is not None and fname in (None, "first_name"):
        parts = name.split()
        ok = draft.put("first_name", parts[0])
        if len(parts) > 1:
            draft.put("last_name", " ".join(parts[1:]))
        return ok
    return draft.put(fname, name)


# What may come before the person a sentence describes: nothing, a label, or a copula
# ("Tenant in Flat A is Marek Nowak, …").
_BEFORE_DESCRIBED = re.compile(r"(?:^|:|\b(?:is|was))\s*$")


def _described(s: Analyzed, names: dict[str, str], kinds: dict[str, str]) -> str | None:
    """The one person a sentence describes, when it names them first or as what it is
    ("Marek Nowak, Flat A, rent £1,150 a month", "Tenant in Flat A is Marek Nowak, moved in
    in March, rent £1,150 a month"): the details it lists after them are theirs, not the
    user's. None when it names anyone else or the user is in it."""
    if (SELF_WORDS | {USER_NAME.lower()}) & set(words(s.text)) or any(
        m.speaker for m in s.mentions
    ):
        return None
    if len({m.entity for m in s.mentions}) != 1:
        return None
    first = min(s.mentions, key=lambda m: m.start)
    if first.pronoun or kinds.get(first.entity) != "person":
        return None
    if not _BEFORE_DESCRIBED.search(s.text[: first.start]):
        return None
    return names.get(first.entity)


def _pronouns_named(s: Analyzed, names: dict[str, str]) -> str:
    """The sentence with each pronoun that means someone named replaced by the name ("She
    handles the backend" -> "Lena Fischer handles the backend", "Her rating" -> "Ingrid
    Solberg's rating"): what a clause says of a person is then read as said of them."""
    text = s.text
    for m in sorted(s.mentions, key=lambda m: m.start, reverse=True):
        name = names.get(m.entity)
        if not m.pronoun or m.speaker or not name:
            continue
        word = text[m.start : m.end]
        said = f"{name}'s" if m.possessive else name
        if word.lower() in ("him", "them", "her") and not m.possessive:
            continue  # an object: "I called her" says nothing of hers as a subject would
        end = m.end
        person = pronoun_gender(word) is not None  # "it's" of a firm is left as it was read
        short = _CONTRACTED.match(text, end) if person and not m.possessive else None
        if short is not None:
            # "she's lovely" is "Gwen Edwards is lovely", not "Gwen Edwards's lovely"; "he's
            # been" is "has been".
            said += " has" if short.group("has") else " is"
            end = short.end("s")
        text = text[: m.start] + said + text[end:]
    return text


# The "'s" of "she's", "he's": "is", or "has" before "been", "got", "had".
_CONTRACTED = re.compile(r"(?P<s>['\u2019]s)\b(?=\s+(?P<has>been|got|had)\b)?")
