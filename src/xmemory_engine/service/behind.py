"""The records behind a sentence: an answer from records when the question names no field.

A question worded unlike the schema ("Which shop gives us bread?") reaches no type or field,
so the mind finds no rows, while the passage search finds the sentence that answers it
("Tesco Silverburn donates surplus bread on Fridays"). The text write that said it also made
records, and provenance says which. When those records hold what the sentence says, the
answer is read from them, with their evidence; when they hold only part of it (the mind
understood half the sentence), the sentence itself stays the answer.

A record is used when:
- it is about what is asked: its values hold every name the question holds and at least one
  of the question's terms;
- it adds something: a value the question does not say, said in the passage (for "where",
  more than its own name, unless that name says what is asked);
- together the records used hold `HELD` of the sentence's own words, less the question's
  (of the one part of a note in parts, "A (…); B (…); C (…)" or "A — why", that says most
  of its terms),
  and the word told right after each word saying what is asked ("lives in *Newcastle*").

Values that copy the text instead of understanding it (a field holding most of the sentence,
an accumulated free-text field) do not count, so a note is never an answer from records.

When none is, a question asking for someone, a date, a phone number or an email address is
answered by the record holding the value the sentence tells nearest to what is asked
(`_named_beside`). Neither answers after a change said later that the records may not have
taken (`_changes_later`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from xmemory_engine.schema import ObjectSpec
from xmemory_engine.sentences import search_words
from xmemory_engine.service import evidence as evidence_mod
from xmemory_engine.service import passages as passages_mod
from xmemory_engine.service.tracing import TracedRecord
from xmemory_engine.store.base import Record, Tables
from xmemory_engine.store.naming import display_field

HELD = 0.6
"""Share of the sentence's own words (not the question's, not stop words) the records must
hold: below it the mind missed part of what was said, and the sentence answers better. They
must also hold the word told right after each asked word (`_told_after`), where the answer
most often is; with that check 0.6 answered most on dev (0.5 lost a right answer, 0.7 and
0.8 answered fewer from records)."""
COPY = 0.6
"""A value holding this share of the sentence's words is the sentence kept, not understood."""
LONG_VALUE = 10
"""Words from which a value is free text (notes gathered over time), not one value."""
MAX_SENTENCES = 50  # of an episode, compared with values (a batch's episode has thousands)
MAX_RECORDS = 3
NEAR = 5
"""Words at most between a word of the question and a value read as its answer where no
other value competes: the new value a change tells, when the records the change made answer
instead of those of the first sentence found, or the one firm or person a sentence names.
Room for a noun, the change, a preposition and a weekday ("plate *reader* slot moved to Fri
2026-03-13")."""
# Words of a question asking what was so before a change ("Who was my supplier before?").
_ASKS_BEFORE = frozenset(
    ("before", "previously", "formerly", "former", "old", "used", "original", "originally")
)
LABEL_WORDS = 3  # words before a colon that label what follows ("Open items:")
BOOKKEEPING = frozenset({"xuid", "created_at", "updated_at"})


@dataclass
class Behind:
    """An answer read from the records a passage's write made."""

    prose: str
    evidence: list[dict[str, Any]]
    notice: str


@dataclass(frozen=True)
class _AskedOf:
    """A question and the sentence found for it: the sentence's passage, the part of it that
    tells what is asked, the word sets of its episode's sentences, and the records its
    write made."""

    query: str
    passage: dict[str, Any]
    terms: passages_mod.Terms
    part: str
    sentences: list[set[str]]
    records: list[tuple[ObjectSpec, Record]]


def records_behind(t: Tables, query: str, passages: list[dict[str, Any]]) -> Behind | None:
    """The records behind the first passage, found by the question's words or by words close
    in meaning, that answer `query`, or None (read-only)."""
    if not passages or passages[0].get("found_by") not in ("words", "meaning"):
        return None  # "alike": a later state of what was found, not found for the question
    passage = passages[0]
    terms = passages_mod.question_terms(query)
    if terms.foreign:
        return None  # only its names are understood: what is asked of them cannot be checked
    xuids = t.records_said_in(int(passage["episode_id"]))
    changes = _changes_later(t, passages, terms)
    if any(not set(changed) & set(xuids) for _, changed in changes):
        # A change its records did not take: they may hold the replaced value. The last
        # change told may name the new one beside what is asked, in a record its own write
        # made ("Update: plate reader slot moved to Fri 2026-03-13"), when it is a change
        # to what the first sentence told (they say a word of the question alike) and says
        # the value close to what is asked (`NEAR`).
        last, changed = changes[-1]
        if not _same_thing(passage["sentence"], last["sentence"], terms):
            return None
        return _named_beside(t, _asked_of(t, query, last, terms, changed), within=NEAR)
    asked_of = _asked_of(t, query, passage, terms, xuids)
    # A sentence found by words close in meaning ("Tesco Silverburn donates surplus bread"
    # for "Which shop gives us bread?") does not say the question's words, which `_holding`
    # weighs the records by; the value it names beside what is asked, or the one record of
    # the kind asked, can still be read from the records.
    found = _holding(t, asked_of) if passage.get("found_by") == "words" else None
    if found is None and not changes:
        found = (
            _named_beside(t, asked_of)
            or _one_of_the_kind(t, asked_of)
            or _the_place(t, asked_of)
            or _named_further(t, asked_of, passages)
        )
    elif found is None:
        # The value is read from the last change told, which the records took ("the
        # survey's now Wednesday 16 December" after "The survey is booked for Friday 11
        # December"): the first sentence's is the replaced one.
        last, changed = changes[-1]
        found = _named_beside(t, _asked_of(t, query, last, terms, changed))
    return found


def _asked_of(
    t: Tables, query: str, passage: dict[str, Any], terms: passages_mod.Terms, xuids: list[str]
) -> _AskedOf:
    """The question and `passage`, with its episode's sentences and the records `xuids`."""
    part = _asked_part(passage["sentence"], terms)
    episode_id = int(passage["episode_id"])
    episode = t.episodes([episode_id]).get(episode_id)
    said = passages_mod.episode_sentences(episode.text)[:MAX_SENTENCES] if episode else ()
    sentences = [set(search_words(s)) for s in (passage["sentence"], *said)]
    return _AskedOf(query, passage, terms, part, sentences, t.objects_by_xuids(xuids))


def _holding(t: Tables, asked_of: _AskedOf) -> Behind | None:
    """The records about what is asked that hold what the sentence says."""
    query, passage, terms, part = asked_of.query, asked_of.passage, asked_of.terms, asked_of.part
    sentences, records = asked_of.sentences, asked_of.records
    vocab = passages_mod.vocabulary()
    asked = set(search_words(query))
    dates = _dates_in(passage)
    shown = set(search_words(passage["text"])) | {w for iso in dates for w in search_words(iso)}
    sentence_words = [w for w in search_words(part) if len(w) > 1]
    # What the sentence itself says: not its stop words, the question's words, the label it
    # is filed under ("Update:") or the words that mark a change ("moved", "now").
    skip = vocab.stop | vocab.labels | vocab.correction_cues | asked
    own = {w for w in sentence_words if w not in skip}
    if not own:
        return None
    used: list[tuple[ObjectSpec, Record, list[str]]] = []
    held: set[str] = set()  # the words of the values understood
    # ... of which those of an amount held with its unit ("£22/hour"): what is asked,
    # understood, so what the sentence says after it ("invoiced monthly") is not. A phone
    # number is no amount.
    units: set[str] = set()
    named: set[str] = set()  # ... and of the keys that say which records they are
    not_done = _NOT_DONE_ASKED.search(query) is not None
    for spec, record in records:
        if not_done and _finished(spec, record):
            continue  # "Which month's bookkeeping is still not done?": not the one done
        fields = _understood(spec, record, sentences)
        # What the record is about may be told in the sentence's own words (an event titled
        # "Funding: DFG-funded position ends"): such a value says which record it is, and
        # holds those words, but is no answer; the answer is a value understood.
        about = [f for f in spec.fields if f in fields or f in _named_by(spec, record)]
        words = [w for f in about for w in search_words(str(record[f]))]
        text = " ".join(str(record[f]) for f in about)
        if not all(passages_mod.holds_name(words, run) for run in terms.names):
            continue
        if not any(term.covered_by(words, text) for term in terms.terms):
            continue  # about something else the sentence also told
        adding = [
            f
            for f in fields
            if (value := set(search_words(str(record[f])))) and value - asked and value <= shown
        ]
        if terms.where and not _beside_its_name(spec, record, adding, terms):
            continue  # "Where does my study buddy live?": the one asked of, named, is no place
        if not adding:
            continue
        used.append((spec, record, about))
        held |= {w for f in fields for w in search_words(str(record[f]))}
        units |= {
            w
            for f in fields
            if _DIGIT.search(str(record[f])) and f not in _CONTACT_SHAPES
            for w in search_words(str(record[f]))
        }
        named |= set(words)
        if len(used) == MAX_RECORDS:
            break
    if not used:
        return None
    # A date the records hold holds the words that said it ("March 21, 2026": 2026-03-21).
    for iso, spoken in dates.items():
        if any(str(record[f]) == iso for _, record, fields in used for f in fields):
            held |= spoken
            named |= spoken
    # A value of each shape asked (an amount for "how much", a date for "when") must be among
    # them: records about the thing asked that hold no such value do not answer.
    values = " ".join(str(record[f]) for _, record, fields in used for f in fields)
    one_asked = _the_one_asked(terms, part, values)
    if len(own & held) < HELD * len(own) and not one_asked:
        return None
    if (terms.when or not one_asked) and any(
        w not in named for w in _told_after(sentence_words, terms, skip, units)
    ):
        # "… and lives in Newcastle": what the sentence says next to the asked. Not when
        # the records hold the one amount or code of the shape asked that the sentence
        # tells ("Big shop is at Lidl …, budget £110" for "How much do we budget for the
        # weekly shop?"); a date may be another thing's, told beside ("vaccinations on
        # 2025-10-14; the booster is due again in October 2026").
        return None
    if any(s is not None and not s.search(query) and not s.search(values) for s in _shapes(terms)):
        return None
    if _shape_held_by_another(terms, used):
        return None
    if terms.who and not _a_name_in([str(r[f]) for _, r, fields in used for f in fields], terms):
        return None  # "Who is booking the van's MOT?": records naming no one do not answer
    traced = [TracedRecord(spec.table, str(r["xuid"]), fields) for spec, r, fields in used]
    found = evidence_mod.gather(t, traced)
    prose = " ".join(_described(spec, record, fields) for spec, record, fields in used)
    if passages_mod.asks_how_many(query):
        # "How many things do we still need to buy?": a value listing them is the count.
        lists = [
            items
            for spec, record, fields in used
            for f in fields
            if f not in spec.primary_key and (items := passages_mod.items_in(str(record[f])))
        ]
        if len(lists) != 1:
            return None  # no list, or two: the records do not say how many
        prose = f"{len(lists[0])}: {'; '.join(lists[0])}. {prose}"
    return Behind(prose=prose, evidence=found, notice=_notice(passage))


def _notice(
    passage: dict[str, Any], named: str | None = None, kind: str | None = None, typed: bool = False
) -> str:
    """Where the answer came from, and what to check: the records a sentence's write made,
    chosen because the question names none of their fields, because the sentence names
    the value next to what is asked, or because it is the one record the sentence names of
    the kind asked (said in its values; with `typed`, of a type that can be it)."""
    day = str(passage.get("occurred_at") or passage.get("recorded_at") or "")[:10]
    said = "Read from the records made from what was said" + (f" on {day}" if day else "")
    if named and kind and typed:
        return (
            f"{said}: {named} is the one the sentence names that can be a {kind}, so check "
            "that it is the one asked about."
        )
    if named and kind:
        return (
            f"{said}: {named} is the one record the sentence names that is said to be a "
            f"{kind}, so check that it is the one asked about."
        )
    if named:
        return (
            f"{said}: the sentence names {named} next to what the question asks, so check "
            "that it is the answer."
        )
    return f"{said}: the question names none of their fields, so check they are what it asks about."


def _changes_later(
    t: Tables, passages: list[dict[str, Any]], terms: passages_mod.Terms
) -> list[tuple[dict[str, Any], list[str]]]:
    """Each sentence shown after the first that tells of a change to what is asked (a
    correction saying one of the question's words other than its names), with the records
    its write changed."""
    first = passages[0]["passage_id"]
    return [
        (p, t.records_said_in(int(p["episode_id"])))
        for p in passages[1:]
        if p["passage_id"] > first
        and passages_mod.corrects(p["sentence"])
        and _says_a_term(p["sentence"], terms)
    ]


def _same_thing(first: str, change: str, terms: passages_mod.Terms) -> bool:
    """Whether a change and the sentence it changes both say a word of the question, in its
    own words (not a name, a value's shape or a word of like meaning): "plate reader Thu
    09:00" and "plate reader slot moved to Fri", not "Joana's email is …; she prefers calls"
    and "new contact is Sinéad (sinead@…)"."""
    said, changed = search_words(first), search_words(change)
    return any(
        t.shape is None
        and t.stem not in terms.named
        and any(w.startswith(t.stem) for w in said)
        and any(w.startswith(t.stem) for w in changed)
        for t in terms.terms
    )


def _says_a_term(sentence: str, terms: passages_mod.Terms) -> bool:
    words = search_words(sentence)
    return any(
        t.shape is None and t.stem not in terms.named and t.covered_by(words, sentence)
        for t in terms.terms
    )


def _named_beside(t: Tables, asked_of: _AskedOf, within: int | None = None) -> Behind | None:
    """The record holding the value the sentence tells nearest to what is asked, when the
    question asks for a kind of value the sentence shows (`_kind_asked`): someone named for
    "who", a date for "when", a phone number or an email address asked for. The sentence
    links them, the records need not: "Suppliers: flour,
    Mungoswells Mill (contact Callum Reid)" answers "Who delivers our flour?" with the
    organization named next to "flour", though no field of it says flour.

    The nearest value is read from the sentence first, and then looked for in the records:
    when the records do not hold it (the mind missed "1 Jan 2027" but kept another date of
    the sentence), they do not answer. Values the question itself says, or that say one of
    its terms in its own word ("the coffee roasters" of "Kirkgate Coffee Roasters"), are
    what is asked about, not the answer; a word of like meaning is not ("Octopus *Energy*"
    for "Who is my electricity supplier?"). Two values equally near, or two with no term said near them,
    answer nothing. `within`: the most words between the value and a word of the question,
    which the sentence must then say."""
    query, passage, terms, part = asked_of.query, asked_of.passage, asked_of.terms, asked_of.part
    sentences, records = asked_of.sentences, asked_of.records
    kind = _kind_asked(query, terms)
    if kind is None or _asks_for_several(query):
        return None
    told = _told(passage, part, terms, kind, query)
    missed = kind == "date" and _DIGIT.search(part)
    if not told and part != passage["sentence"] and not missed:
        # The part that says most of what is asked tells no value of the kind, the rest of
        # the sentence does: "Oskar asked for a T-rex cake; user ordered it from Crumb & Co,
        # collection Fri 15 Jan" tells the cake's day after the semicolon. A part with a
        # number in it may tell one the date reader missed ("due again in October 2026").
        part = passage["sentence"]
        told = _told(passage, part, terms, kind, query)
    words = search_words(part)
    spots = _spots(words, terms)
    near: list[tuple[int, str, list[str]]] = []
    for value, said in told:
        at = _runs(words, said)
        if not at or any(t.shape is None and t.opens(said) for t in terms.terms):
            continue
        if within is not None and passages_mod.given_as_old(part, " ".join(said)):
            continue  # "moves from 2 January to 9 January": the value replaced
        if _replaced(words, at, said) and not _ASKS_BEFORE & set(search_words(query)):
            continue  # "switched from British Gas to Octopus Energy": so only before
        near.append((min((abs(a - b) for a in at for b in spots), default=0), value, said))
    # "Lars dropped out of the slideshow … my partner Oskar's doing it instead": the value
    # told in a clause saying "instead" of it is the one now, whatever is said nearer.
    near = _told_instead(passage, terms, kind, query) or near
    if not near or (within is not None and not spots):
        return None
    near.sort(key=lambda n: n[0])
    distance, value, said = near[0]
    if within is not None and distance > within:
        return None
    if any(n[0] == distance and n[1] != value for n in near[1:]):
        return None  # "Ana and Rui run the bakery": either could be meant
    held = next(
        (
            (spec, record, name)
            for spec, record in records
            for name in _answering(spec, record, kind, terms)
            if _holds(str(record[name]), value, said)
        ),
        None,
    )
    if held is None:
        return None
    spec, record, name = held
    return _answered_by(t, spec, record, name, sentences, _notice(passage, str(record[name])))


def _named_further(t: Tables, first: _AskedOf, passages: list[dict[str, Any]]) -> Behind | None:
    """ "Who books our shows?" and the first sentence found names no one ("Ugh, Manchester
    is cancelled. The venue double-booked us."): a question asking for someone is answered
    by a name, so the first sentence shown that names someone is the one that can answer,
    as `_named_beside` reads it ("Oskar's cousin Rhian handles our bookings"). Only when the
    first (`first`, read already) names no one, in the words shown or as a record its write
    made: a name there that `_named_beside` could not tie to what is asked is no reason to
    trust one further down. Not for a date: dates are said in more ways than the date reader
    reads ("on the 12th"), so a first sentence with none read may still tell it."""
    query, terms = first.query, first.terms
    kind = _kind_asked(query, terms)
    if kind not in ("someone", "owner") or _shows_someone(first, kind):
        return None
    for passage in passages[1:]:
        if passage.get("found_by") not in ("words", "meaning"):
            return None  # a change or a later state of what was found: not found for it
        if _told(passage, passage["sentence"], terms, kind, query):
            xuids = t.records_said_in(int(passage["episode_id"]))
            return _named_beside(t, _asked_of(t, query, passage, terms, xuids))
    return None


def _shows_someone(asked_of: _AskedOf, kind: str) -> bool:
    """Whether the words a passage shows name someone of the kind asked (`_told`), or the
    name of a record of that kind its write made ("who's doing what:\n- Kofi: RSVPs", a
    list the name finder does not read as names)."""
    from xmemory_engine.minds.rules.schema_map import object_kind  # the mind's types

    text = str(asked_of.passage["text"])
    if _told(asked_of.passage, text, asked_of.terms, kind, asked_of.query):
        return True
    kinds = _kinds_told(kind, asked_of.query)
    words = search_words(text)
    names = [
        name
        for spec, record in asked_of.records
        if object_kind(spec) in kinds
        and isinstance(name := record.get(display_field(spec) or ""), str)
        and a_name(name)
    ]
    return any(_runs(words, search_words(name)) for name in names)


def _one_of_the_kind(t: Tables, asked_of: _AskedOf) -> Behind | None:
    """The one record the sentence names whose own short values say the kind of thing the
    question asks for by its noun: "Which marina is the boat at?" and the sentence "she's
    moored at Mercia Marina" whose write made the organization Mercia Marina, of kind marina.
    The passage search found the sentence by the question's other words; the record says it
    is of the kind asked. Two records of the kind named by the sentence ("Admiral quoted
    £612 but I went with LV", both insurers) are what the question chooses between, which
    the records cannot say: no answer."""
    query, passage, terms, part = asked_of.query, asked_of.passage, asked_of.terms, asked_of.part
    kinds = [term for term in terms.terms if term.kind]
    if len(kinds) != 1 or terms.when or _asks_for_several(query):
        return None
    if passages_mod.asks_how_many(query) or _plural_asked(query, kinds[0]):
        return None  # "Which invoices are still outstanding?": several asked, not the one
    if _asks_two(query) or passages_mod.vocabulary().choosing & set(search_words(query)):
        return None  # "Which kitchen quote was the cheapest?": the comparison answers
    kind, said = kinds[0], search_words(part)
    found: dict[str, tuple[ObjectSpec, Record, str, str]] = {}
    for spec, record in asked_of.records:
        name_of = display_field(spec)
        name = record.get(name_of) if name_of else None
        if not isinstance(name, str) or not a_name(name) or not _runs(said, search_words(name)):
            continue  # what the sentence itself names, by its name
        if any(
            t is not kind and t.shape is None and t.covered_by(search_words(name), name)
            for t in terms.terms
        ):
            continue  # named by what the question says: what is asked about, not the answer
        own = [
            str(value)
            for f in spec.fields
            if isinstance(value := record.get(f), str)
            and 0 < len(search_words(value)) <= _KIND_WORDS
        ]
        saying = [w for v in own for w in search_words(v) if w.startswith(kind.stem)]
        if saying:
            found.setdefault(name.casefold(), (spec, record, str(name_of), saying[0]))
    if not found:
        return _the_one_of_its_type(t, asked_of, kind)
    if len(found) != 1:
        return None
    spec, record, name_of, kind_said = next(iter(found.values()))
    notice = _notice(passage, str(record[name_of]), kind=kind_said)
    return _answered_by(t, spec, record, name_of, asked_of.sentences, notice)


def _the_one_of_its_type(t: Tables, asked_of: _AskedOf, kind: passages_mod.Term) -> Behind | None:
    """No record says the kind asked in its own values, but the noun asking for it names a
    firm ("Which *company* are the medals coming from?") or a person by their job or tie
    ("Which *member* doesn't drink?"): the one organization, or person, the sentence names
    (`_the_one_named`)."""
    word = next((w for w in search_words(asked_of.query) if w.startswith(kind.stem)), None)
    typed = _type_named_by(word) if word else None
    if word is None or typed is None:
        return None
    return _the_one_named(t, asked_of, typed, word, kind)


def _the_place(t: Tables, asked_of: _AskedOf) -> Behind | None:
    """ "Where is winter training?" and the sentence "Winter nets: Thursdays 7-9pm at
    Kingsmead Sports Centre": the one organization the sentence names, a place by its
    record (`_the_one_named`)."""
    terms = asked_of.terms
    query = asked_of.query
    if not terms.where or any(t.kind for t in terms.terms) or _asks_for_several(query):
        return None
    if _asks_two(query):
        return None
    return _the_one_named(t, asked_of, "org", "place", None)


def _the_one_named(
    t: Tables, asked_of: _AskedOf, typed: str, word: str, kind: passages_mod.Term | None
) -> Behind | None:
    """The one record of type `typed` ("org", "person") whose name the sentence tells,
    besides those the question names, within `NEAR` words of another word of the
    question ("ordered 400 from Medalmakers"), when a record of that type holds it. Two
    named ("Admiral quoted £612 but I went with LV") are what the question chooses between:
    no answer. `word`: what the question calls it, for the notice; `kind`: the term that
    says it, which is no word of what is asked about."""
    from xmemory_engine.minds.rules.names import classify, find_candidates  # its name finder
    from xmemory_engine.minds.rules.schema_map import object_kind

    terms = asked_of.terms
    told = [
        name
        for name, found in classify(find_candidates(asked_of.part, 0, [])).items()
        if found == typed and not _says_a_stem(name, terms)
    ]
    if len(told) != 1:
        return None
    said = search_words(told[0])
    words = search_words(asked_of.part)
    spots = _spots(words, terms, but=kind)
    at = _runs(words, said)
    if not any(abs(a - b) <= NEAR + len(said) for a in at for b in spots):
        return None
    for spec, record in asked_of.records:
        name_of = display_field(spec)
        name = record.get(name_of) if name_of else None
        if object_kind(spec) == typed and isinstance(name, str) and _holds(name, told[0], said):
            notice = _notice(asked_of.passage, name, kind=word, typed=True)
            return _answered_by(t, spec, record, str(name_of), asked_of.sentences, notice)
    return None


def _spots(
    words: list[str], terms: passages_mod.Terms, but: passages_mod.Term | None = None
) -> list[int]:
    """Where `words` say a term of the question that is not one of its names (nor `but`)."""
    return [
        i
        for i, word in enumerate(words)
        if any(
            t.covered_by([word], word)
            for t in terms.terms
            if t is not but and t.stem not in terms.named
        )
    ]


def _asks_two(query: str) -> bool:
    """ "What are we singing, and with which orchestra?": one name answers half of it."""
    return sum(w in passages_mod.ASKERS for w in search_words(query)) > 1


def _says_a_stem(name: str, terms: passages_mod.Terms) -> bool:
    """Whether a name says a word of the question as a word of its own ("Green Fork
    *Kitchens*" for "the kitchen"): what is asked about, not the answer. "Medalmakers" does
    not say "medals"."""
    stems = {passages_mod.stem(w) for w in search_words(name)}
    return any(t.shape is None and t.stem in stems for t in terms.terms)


def _type_named_by(word: str) -> str | None:
    """The kind of record a noun asking for one names: "org" for a firm's noun ("company",
    "supplier", "clinic"), "person" for a job or a tie ("waiter", "member", "sister"); None
    for a noun that may name either ("partner")."""
    from xmemory_engine.minds.rules.names import ORG_NOUNS, ORG_SUFFIXES, person_noun, role_noun
    from xmemory_engine.minds.rules.text import singular

    noun = singular(word)
    org = noun in ORG_NOUNS or noun in ORG_SUFFIXES
    person = person_noun(noun) or role_noun(noun)
    if org == person:
        return None  # "partner", "customer": a firm or someone, or neither
    return "org" if org else "person"


def _answered_by(
    t: Tables,
    spec: ObjectSpec,
    record: Record,
    name: str,
    sentences: list[set[str]],
    notice: str,
) -> Behind:
    """One record as the answer: its field `name` (the value picked) and the fields it
    understood, with their evidence."""
    fields = _understood(spec, record, sentences)
    fields = fields if name in fields else [name, *fields]
    found = evidence_mod.gather(t, [TracedRecord(spec.table, str(record["xuid"]), fields)])
    return Behind(prose=_described(spec, record, fields), evidence=found, notice=notice)


def _plural_asked(query: str, kind: passages_mod.Term) -> bool:
    """Whether the noun naming the kind asked for is said in the plural ("Which invoices")."""
    return any(
        w.startswith(kind.stem) and w != kind.stem and w.endswith("s") and not w.endswith("ss")
        for w in search_words(query)
    )


_KIND_WORDS = 4  # words of a value that may say what kind of thing a record is


def _told(
    passage: dict[str, Any], part: str, terms: passages_mod.Terms, kind: str, query: str
) -> list[tuple[str, list[str]]]:
    """The values of the kind asked that the sentence tells, each with its words as said:
    the people and organizations it names ("who"; people only for "whose", which asks for an
    owner), as the rules mind's name finder reads them; its dates ("when"), as ISO; or its
    values of the contact shape asked (an email address, a phone number)."""
    if kind == "date":
        # A weekday alone ("prefers calls on Tuesday mornings") fixes no date: the one stored
        # for it is the mind's guess at the next, and the sentence's own words answer better.
        dates = passages_mod.dates_in(passage, part)
        return [(str(v.value), search_words(v.text)) for v in dates if _DIGIT.search(v.text)]
    if kind == "shape":
        said = [m.group().strip() for s in _contact_shapes(terms) for m in s.finditer(part)]
        return [(value, search_words(value)) for value in dict.fromkeys(said)]
    from xmemory_engine.minds.rules.names import classify, find_candidates  # its name finder

    named = classify(find_candidates(part, 0, []))
    kinds = _kinds_told(kind, query)
    return [(name, search_words(name)) for name, found in named.items() if found in kinds]


def _kinds_told(kind: str, query: str) -> frozenset[str]:
    """The kinds of record a name answering "who" (`kind` "someone") or "whose" ("owner")
    may name."""
    kinds = _KINDS_TOLD[kind]
    if not passages_mod.vocabulary().firm_deeds & set(search_words(query)):
        kinds = kinds - {"org"}  # "Who approved my time off?": a person, not the employer
    return kinds


_KINDS_TOLD = {
    "someone": frozenset({"person", "org"}),
    "owner": frozenset({"person"}),
}
# Terms whose shape is a value one record field holds whole: an email address, a phone number.
_CONTACT_SHAPES = frozenset({"email", "mail", "phone", "mobile"})


def _kind_asked(query: str, terms: passages_mod.Terms) -> str | None:
    """The kind of value the question asks for, when a value of it told in a sentence can be
    found in a record: a date ("when"), someone ("who"), an owner ("whose"), or a contact
    value of a shape ("What's the email for the contact at the supplier?"), which a field
    holds whole.

    Not "which" with a noun naming the kind: on dev, the name told nearest to what is asked
    was the wrong one about five times as often as the right one ("Which company is insuring
    the car?" beside "Admiral quoted £612/yr but I went with LV instead"; "Which book am I
    reading?" beside its author)."""
    if terms.when:
        return "date"
    if terms.who:
        return "owner" if search_words(query)[:1] == ["whose"] else "someone"
    return "shape" if _contact_shapes(terms) else None


def _contact_shapes(terms: passages_mod.Terms) -> list[passages_mod.Shape]:
    return [t.shape for t in terms.terms if t.shape is not None and t.stem in _CONTACT_SHAPES]


def _holds(stored: str, value: str, said: list[str]) -> bool:
    """Whether a stored value is the one told: the same date, or the same name, whole or
    with a title or a word more or less ("Mrs Doreen Platt" told, "Doreen Platt" stored)."""
    if stored == value:
        return True
    words = search_words(stored)
    return bool(words) and (bool(_runs(said, words)) or bool(_runs(words, said)))


def _asks_for_several(query: str) -> bool:
    """ "Who are all the shop's suppliers?", "When were the last three meetings?": a list
    is asked, and one value named in a sentence is not it."""
    words = search_words(query)
    # "When are we doing the fossil walk?": a pronoun after the verb is who does it.
    several = words[1:2] in (["are"], ["were"]) and words[2:3] not in (["we"], ["you"], ["they"])
    return several or "all" in words


def _answering(spec: ObjectSpec, record: Record, kind: str, terms: passages_mod.Terms) -> list[str]:
    """The fields of a record that hold the kind of value asked: its name when it names
    someone or something ("who"), a value of the contact shape asked, or a date ("when")."""
    if kind in ("someone", "owner"):
        name = display_field(spec)
        value = record.get(name) if name else None
        return [name] if name and value is not None and a_name(str(value)) else []
    if kind == "shape":
        shapes = _contact_shapes(terms)
        return [
            f
            for f in spec.fields
            if isinstance(v := record.get(f), str) and any(s.fullmatch(v.strip()) for s in shapes)
        ]
    return [
        f
        for f in spec.fields
        if isinstance(value := record.get(f), str) and _ISO_DATE.fullmatch(value[:10])
    ]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGIT = re.compile(r"\d")
_PARTICLE = 3  # letters of a lower-case word a name may hold ("Ní", "de", "van", "&")


def a_name(value: str) -> bool:
    """Whether a value reads as a name ("Oonagh Ní Bhriain", "Night & Day Café"), not a
    clause that mentions one ("send the plan to Mrs Fairbairn"): capitalised words, and
    between them only short particles; no digits, no address."""
    words = value.replace(".", " ").split()
    if not words or any(c.isdigit() or c in "@/:" for c in value):
        return False
    return words[0][:1].isupper() and all(
        w[:1].isupper() or len(w) <= _PARTICLE or not w[:1].isalpha() for w in words
    )


def _told_instead(
    passage: dict[str, Any], terms: passages_mod.Terms, kind: str, query: str
) -> list[tuple[int, str, list[str]]]:
    """The values of the kind asked told in a clause of the sentence saying "instead" of what
    is asked (by "it" or by a word of the question), each as said right beside it."""
    out = []
    for clause in _CLAUSE_OF.split(passage["sentence"]):
        words = search_words(clause)
        if "instead" in words and (_IT & set(words) or _spots(words, terms)):
            out += [(0, value, said) for value, said in _told(passage, clause, terms, kind, query)]
    return out


_IT = frozenset(("it", "that", "this", "them"))
_CLAUSE_OF = re.compile(r"[.;!?]\s+|\s+[\u2014\u2013-]\s+|\n")


def _replaced(words: list[str], at: list[int], said: list[str]) -> bool:
    """Whether a value said at `at` in `words` is told as the one a change left: "from" it
    "to" another ("switched from British Gas to Octopus Energy"), or after a word saying it
    was so before ("formerly", "no longer", "ex"); "a grant from the Calder Valley Community
    Fund for new tools" is where the grant came from."""
    markers = passages_mod.vocabulary().old_value_markers - {"from"}
    for i in at:
        before, after = words[i - 1 : i], words[i + len(said) : i + len(said) + 1]
        if (before == ["from"] and after == ["to"]) or (before and before[0] in markers):
            return True
    return False


def _runs(words: list[str], run: list[str]) -> list[int]:
    """Where `run` is said in `words`, word for word."""
    n = len(run)
    if not n:
        return []
    return [i for i in range(len(words) - n + 1) if words[i : i + n] == run]


# A question asking for what is not finished: a record in a finished state does not answer it.
_NOT_DONE_ASKED = re.compile(
    r"\b(?:not|n['\u2019]t|still|yet|outstanding|remaining|pending|left\s+to)\b", re.IGNORECASE
)


def _finished(spec: ObjectSpec, record: Record) -> bool:
    """Whether a record's state (a field with allowed values) says it is over."""
    # The rules mind's table of states, read when first needed, as `passages.dates_in` reads
    # its date reader: the service does not load the rules mind at import.
    from xmemory_engine.minds.rules.states import FINISHED_STATES

    return any(
        str(record.get(name) or "").lower() in FINISHED_STATES
        for name, field in spec.fields.items()
        if field.enum
    )


def _dates_in(passage: dict[str, Any]) -> dict[str, set[str]]:
    """The dates the passage says, as the records keep them (ISO), each with the words that
    said it: "moved my appointment to March 21, 2026" shows the stored 2026-03-21."""
    found = passages_mod.dates_in(passage, str(passage["text"]))
    return {str(v.value): set(search_words(v.text)) for v in found}


def _the_one_asked(terms: passages_mod.Terms, part: str, values: str) -> bool:
    """Whether the question asks for a value of a shape (a date for "when", an amount for
    "how much") that the sentence's part says exactly once, and the records hold it (its
    numbers, `_numbers_held`): then they hold what is asked though not all the sentence says
    ("Funding: position ends 2027-03-31"). Two such values ("2026-10-02 to 2026-10-16")
    could be either: no."""
    shapes = [s for s in _shapes(terms) if s is not None]
    return bool(shapes) and all(
        len(said := list(s.finditer(part))) == 1
        and s.search(values) is not None
        and _numbers_held(_whole(part, said[0]), values)
        for s in shapes
    )


def _whole(text: str, found: re.Match[str]) -> str:
    """What `found` matched in `text`, with the rest of the number it stops inside ("£1" of
    "£110")."""
    end = found.end()
    if text[end - 1 : end].isdigit():
        rest = text[end:]
        end += len(rest) - len(rest.lstrip("0123456789,"))
    return text[found.start() : end]


def _numbers_held(said: str, values: str) -> bool:
    """Whether `values` hold every number of a value said, however written ("USD 2,310" by
    "2310", "20 Nov" by "2026-11-20"): a record holding another amount of the sentence's
    ("USD 0.11/word") does not hold the one asked."""
    held = {n.lstrip("0") for n in _NUMBERS.findall(values.replace(",", ""))}
    return all(n.lstrip("0") in held for n in _NUMBERS.findall(said.replace(",", "")))


_NUMBERS = re.compile(r"\d+")


_PARTS = re.compile(r";|\s[\u2014\u2013]\s")


def _asked_part(sentence: str, terms: passages_mod.Terms) -> str:
    """The part of a sentence that tells what is asked: a note of several parts ("Invoices
    sent: A (…); B (…); C (…)", "prefers bank transfer — PayPal fees ate 4%": parts by
    semicolons and by spaced dashes, not hyphens) is held by the records when the part that
    says most of the question's terms is, not every part. Terms, not words: "prices" says "price", and
    "the" says nothing. A label before the parts ("Suppliers: flour, A; butter, B") heads
    them all, so it says nothing of one."""
    head, colon, rest = sentence.partition(":")
    labelled = bool(colon) and len(head.split()) <= LABEL_WORDS and ";" in rest
    parts = [p for p in _PARTS.split(rest if labelled else sentence) if p.strip()]
    if len(parts) < 2:
        return sentence
    said = [
        sum(t.covered_by(words, p) for t in terms.terms if t.shape is None)
        for p in parts
        for words in [search_words(p)]
    ]
    best = max(said)
    if best == 0 or said.count(best) > 1:
        return sentence
    return parts[said.index(best)]


def _told_after(
    words: list[str],
    terms: passages_mod.Terms,
    skip: frozenset[str] | set[str],
    held: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """The sentence's own word right after each word saying a term the question asks (not a
    name): where its answer is most often told ("lives in *Newcastle*", "ring *01423*").
    Words in `held` are not looked after ("Rent is £22/hour, invoiced monthly": "hour" is
    told inside the value held)."""
    from xmemory_engine.minds.rules.names import TITLES  # the name finder's own

    out = []
    asked = [t for t in terms.terms if t.stem not in terms.named]
    for i, word in enumerate(words):
        if word in held or not any(t.covered_by([word], word) for t in asked):
            continue
        # "a memory clinic consultant, Dr Hélène Marchetti": a title opens the name told.
        nxt = next((w for w in words[i + 1 : i + 4] if w not in skip and w not in TITLES), None)
        if nxt is not None:
            out.append(nxt)
    return out


def _a_name_in(values: list[str], terms: passages_mod.Terms) -> bool:
    """Whether a value names someone the question does not: a capitalised word that is not
    an acronym ("MOT") nor a stop word ("The van needs an MOT")."""
    never = passages_mod.vocabulary().stop
    for value in values:
        for word in value.replace(".", " ").split():
            low = word.strip("'\u2019,;:()").lower()
            if not word[:1].isupper() or word.isupper() or low in never or low in terms.named:
                continue
            return True
    return False


def _shape_held_by_another(
    terms: passages_mod.Terms, used: list[tuple[ObjectSpec, Record, list[str]]]
) -> bool:
    """Whether the contact asked for (an email, a phone number) is held only by records
    that say less of whom it is asked of than another record does: "What's the club secretary's email?" beside
    "Assistant coach: Kwabena (kwabena@…). Club secretary is Łucja." is not Kwabena's email
    (his record says "club" by his club; hers says "club secretary"), and hers has none."""
    # A contact's shape only: an address or a number is someone's own, while a date or an
    # amount is often a record's beside the one said to be what is asked of (the estate
    # agent's record, the valuation visit's date).
    shapes = [t.shape for t in terms.terms if t.shape is not None and t.stem in _CONTACT_SHAPES]
    about = [t for t in terms.terms if t.shape is None]
    if not shapes or not about or len(used) < 2:
        return False
    said: list[int] = []
    holds: list[bool] = []
    for spec, record, _about in used:
        values = [str(record[f]) for f in spec.fields if record.get(f) is not None]
        text = " ".join(values)
        words = search_words(text)
        said.append(sum(1 for t in about if t.covered_by(words, text)))
        holds.append(any(s.search(text) for s in shapes))
    best = max(said)
    return any(holds) and all(n < best for n, held in zip(said, holds, strict=True) if held)


def _shapes(terms: passages_mod.Terms) -> list[Any]:
    return [term.shape for term in terms.terms if term.shape is not None]


def _understood(spec: ObjectSpec, record: Record, sentences: list[set[str]]) -> list[str]:
    """The record's fields with a value that is understood, not a copy of the text: not
    most of one of the episode's sentences, not free text of many words."""
    values = {
        name: set(search_words(str(value)))
        for name in spec.fields
        if (value := record.get(name)) is not None
        and name not in BOOKKEEPING
        and not isinstance(value, bool)
    }
    out = []
    for name, held in values.items():
        if not held or len(held) > LONG_VALUE:
            continue
        # A value holding most of a sentence is the sentence kept as it was said (a note, a
        # title made of the clause), unless it is no key and the record also holds, in another
        # field, a word of that sentence the value does not: then the mind split the sentence
        # ("Rates: €0.11 per word" as attribute "rates" and its value). A key that is the
        # clause ("The boiler service is booked with Heatwise") is never understood.
        rest = set() if name in spec.primary_key else set().union(*values.values()) - held
        if any(len(held & s) >= COPY * len(s) and len(s) > 2 and not rest & s for s in sentences):
            continue
        out.append(name)
    return out


def _beside_its_name(
    spec: ObjectSpec, record: Record, adding: list[str], terms: passages_mod.Terms
) -> bool:
    """Whether a record adds a value other than its own name, or a name that says what is
    asked itself ("Easter Open at the Hilton"): a record found by another field ("study
    buddy") is the one asked about, and its name no answer to where."""
    naming = set(_named_by(spec, record))
    for f in adding:
        words = search_words(str(record[f]))
        if f not in naming or any(t.covered_by(words, str(record[f])) for t in terms.terms):
            return True
    return False


def _named_by(spec: ObjectSpec, record: Record) -> list[str]:
    """The fields that name the record (its primary key), when short: not free text."""
    return [
        name
        for name in spec.primary_key
        if (value := record.get(name)) is not None
        and 0 < len(search_words(str(value))) <= LONG_VALUE
    ]


def _described(spec: ObjectSpec, record: Record, fields: list[str]) -> str:
    """ "Tesco Silverburn (organization): location Glasgow." """
    name_field = display_field(spec)
    name = record.get(name_field) if name_field else None
    parts = [
        f"{f.replace('_', ' ')}: {record[f]}"
        for f in fields
        if f != name_field and record.get(f) is not None
    ]
    head = f"{name} ({spec.name})" if name else spec.name
    return f"{head}: {'; '.join(parts)}." if parts else f"{head}."
