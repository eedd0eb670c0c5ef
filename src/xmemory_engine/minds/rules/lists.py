"""Lists: "Projects: Atlas (on hold), Birch (active, due 2026-03-01), Cedar (done)."

Notes an agent writes often list several records of one type after a plural header. Each item
is a record of the type the header names; what its parentheses (or a dash) say goes to the
fields that can hold it: a date to the type's date, an allowed value to its field ("done",
"high priority"), the rest to its notes. A singular header ("Task: ...", "Contact: ...") is one
record, read by the other rules.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date

from xmemory_engine.minds.rules.amounts import one_date
from xmemory_engine.minds.rules.cues import SentenceFacts, flags_and_choices
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.names import (
    KIN_NOUNS,
    NAME_PARTICLES,
    ORG_NOUNS,
    TITLE_WORDS,
    calendar_word,
    generic_role,
    given_name,
    job_said,
    person_noun,
    role_like,
)
from xmemory_engine.minds.rules.providers import PROVIDER_WORDS
from xmemory_engine.minds.rules.schema_map import (
    KIND_WORDS,
    ROLE_SYNONYMS,
    SchemaMap,
    field_for,
    name_field,
    notes_field,
)
from xmemory_engine.minds.rules.states import (
    MAX_THING_WORDS,
    PREPOSITION,
    allowed_state,
    states_said,
)
from xmemory_engine.minds.rules.text import (
    SELF_WORDS,
    STOPWORDS,
    find_values,
    lexicon,
    name_words,
    plural,
    singular,
)
from xmemory_engine.minds.rules.things import DEADLINE_BEFORE, put_open, says_a_stance
from xmemory_engine.schema import ObjectSpec

MakeDraft = Callable[[ObjectSpec, "str | None"], Draft]

# "User's current projects: …", "My to-dos: …": whose the list is opens it, not its type.
_WHOSE = r"^\s*(?:(?:the\s+)?(?i:user|my|our)(?:['\u2019]s)?\s+)?"
_HEADER = re.compile(_WHOSE + r"(?P<head>[^\W\d_][\w\s\-]{0,30}?)\s*:\s*(?P<items>.+?)\s*\.?\s*$")


# A heading of things to do may end in a dash instead of a colon ("still to do - …").
_DASHED_HEADER = re.compile(
    _WHOSE
    + r"(?P<head>[^\W\d_][\w\s]{0,30}?)\s+[-\u2013\u2014]\s+(?P<items>(?:[^.]|\.(?=\S))+?)\s*\.?\s*$"
)  # a sentence that goes on after a full stop ("… TV licence. my husband …") is no list
_ARTICLE = re.compile(r"^(?:the|a|an)\s+(?=\S)", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s+(?:for|at|in|with|from|on)\s+")


# A clause opening with a pronoun of something or someone already told, or with the user
# doing something ("and the user respects that"; not "user to send it", a job given).
_ASIDE = re.compile(
    r"(?:(?:so|and|but|then)\s+)?(?:it|its|they|he|she|which|(?:the\s+)?user)"
    r"(?:['\u2019](?:s|re|ll|d|ve))?\s+(?!to\b)[a-z]",
    re.IGNORECASE,
)
# A clause saying why the thing before it is so ("because their brewer has left", "since the
# hall is shut"): part of that thing, no thing of its own.
_REASON = re.compile(r"(?:because|since|as|so\s+that|due\s+to)\s", re.IGNORECASE)


def read_list(
    text: str,
    mapped: SchemaMap,
    make: MakeDraft,
    today: date,
    kinds: Mapping[str, str] | None = None,
) -> list[Draft] | None:
    """The records a list sentence gives, or None when the sentence is not a list. `kinds`:
    what the text's names were read as (lower-cased name -> person, org or place)."""
    m = _HEADER.match(text)
    dashed = _DASHED_HEADER.match(text) if m is None else None
    if dashed is not None and _to_do(dashed.group("head").strip().lower(), mapped) is not None:
        m = dashed  # "still to do - meter readings, redirect the post, cancel his TV licence"
    if m is None:
        return None
    head = m.group("head").strip().lower()
    # "Projects for user at Brightwave: …": what the heading says after its noun (whose the
    # list is, where) is no part of the type it names.
    bare = _QUALIFIER.split(head, maxsplit=1)[0]
    qualified = ""  # "Projects on hold": what the heading says after its noun
    if (
        _type_named(singular(bare), mapped) is not None
        or _to_do(bare, mapped) is not None
        # "Tutors on iTalki: …", "Volunteers from the church: …": people, by what they are.
        or (bare != head and person_noun(singular(bare)))
    ):
        # only when the rest named no type ("Three quotes for the kitchen": no)
        head, qualified = bare, head[len(bare) :]
    to_do = _to_do(head, mapped)
    if head == singular(head) and to_do is None:
        return None  # "Task: call Bob, due Friday" is one task
    # A header may open with the state of everything it lists: "Open tasks: …".
    *before, noun = head.split()
    state = " ".join(before) or qualified  # "Open tasks: …", "Projects on hold: …"
    spec = _type_named(singular(head), mapped)
    if spec is None and state:
        spec = _type_named(singular(noun), mapped)  # "Open tasks: …", "Key contacts: …"
    if to_do is not None:
        spec, state = to_do, head if states_said(head) else "open"  # "To do: …" is open
    if not states_said(state):
        state = ""
    # "Kids: Maël (9), Inès (6)", "Carers: …": people, each what the heading calls them.
    called = singular(head) if spec is None and person_noun(singular(head)) else None
    if called is not None:
        spec = mapped.first("person")
    if spec is None:
        return None
    # Things to do are said as clauses ("email Chiara about the tutorial sheet"), not names.
    to_be_done = mapped.kinds.get(spec.name) == "task"
    if mapped.kinds.get(spec.name) == "event" and any(
        v.kind == "date" for v in find_values(m.group("items"), today)
    ):
        # "Events: Christmas blitz Tuesday 22 December, 19:00; quiz 9 January": things on
        # dates, each titled by its clause and dated by its own date (`dated_events`), not
        # one event per comma with the date left in its title.
        return None
    items = list_items(m.group("items"), 20 if to_be_done else 6, clauses=to_be_done)
    # "To do by end of jan: …", "Before the move: …": a deadline the heading says is each
    # item's, unless an item says its own.
    heading = m.group("head")
    by_heading = [
        v
        for v in (find_values(heading, today) if to_be_done else [])
        if v.kind == "date" and DEADLINE_BEFORE.search(heading[: v.start])
    ]
    if to_be_done:
        # "Done: requested the statement on 1 December; it arrived the same day": a clause
        # about what the item before it told is said of that item, no thing done of its own;
        # why is part of the item before ("Cancelled: the collab brew, because their brewer
        # has left": one thing; "ring the vet, because Mochi is limping").
        items = _reasons_joined(items)
        items = items[:1] + [(name, said) for name, said in items[1:] if not _ASIDE.match(name)]
    # "Done: paid the December invoice on 1 December.": one thing told done by its label is
    # a task done, as each of several would be.
    done = to_do is not None and any("done" in said for said in states_said(head))
    if len(items) < (1 if done else 2):
        return None
    parties = mapped.kinds.get(spec.name) in ("person", "org")
    if not parties and not to_be_done:
        # "the kitchen renovation (in progress) and a children's book": things, by name.
        items = [(_ARTICLE.sub("", name, count=1), said) for name, said in items]
    places: dict[str, str] = {}
    firm_too = singular(noun) in ORG_NOUNS  # "Clients:", "Suppliers:": firms or people
    if parties:
        # People and organizations are listed by name: "flour", "the user" or "the Nakamura
        # family" among them are goods, the speaker, a group, not records of the type.
        items = [_name_then_said(name, said) for name, said in items]
        items = [(name, said) for name, said in items if _named(name)]
        items, places = _where_firms_are(items, kinds or {}, firm_too)
    if mapped.kinds.get(spec.name) == "preference" and any(
        says_a_stance(name) for name, _ in items
    ):
        return None  # "Prefs: user snowboards, prefers red runs": stances, read as such
    drafts = []
    org = mapped.first("org")
    person = mapped.first("person")
    for name, said in items:
        # What the text's names were read as tells a firm or a place among people listed.
        kind = (kinds or {}).get(name.lower()) if called is not None or parties else None
        if (
            kind is None
            and (called is not None or parties)
            and (name in places or _firm_said(said))
        ):
            kind = "org"  # "LinguaBridge, Dublin (translation agency)": what it is says a firm
        elif kind is None and parties and firm_too and not _opens_as_someone(name):
            # Under a heading a firm may be called as well as a person ("Clients:"), a name
            # opening with no given name is a firm's, as after such a label (`_labelled`).
            kind = "org"
        if kind == "place":
            continue  # "Solicitors: Ashby Reeve LLP, Clifton": where the firm is, nobody
        if (kind == "org" or spec is org) and person is not None:
            # "Mungoswells Mill (contact Callum Reid, 0131 555 0198)": who speaks for the firm.
            drafts += _contacts(name, said, person, make, kinds or {}, today)
        if kind == "org" and org is not None:
            # A job done by a firm as well as a person ("Solicitors: Ashby Reeve LLP"): the
            # firm, of the kind the heading calls it.
            firm = make(org, name)
            firm.put(field_for(org, "kind", ("str",)), called or _sort_said(said))
            if name in places:
                firm.put(field_for(org, "location", ("str",)), places[name])
            drafts.append(firm)
            continue
        draft = make(spec, name)
        if spec is org:
            draft.put(field_for(org, "kind", ("str",)), _sort_said(said))
        if mapped.kinds.get(spec.name) == "preference":
            # "Prefs: aisle seat, vegetarian meals": each item is what is wanted and what it
            # is about, as a preference said alone is.
            draft.put(field_for(spec, "value", ("str",), {name_field(spec) or ""}), name)
        if to_be_done and not done:  # "send stage plot to all venues by 15 Jan"
            # (a date said of a thing done is when it was done, no deadline)
            # A deadline said of it ("(Marisol, by 12 Dec)") before a date its words name
            # ("recruit volunteers for 19 Dec").
            dates = [v for v in find_values(said, today) if v.kind == "date"]
            deadlines = [v for v in dates if DEADLINE_BEFORE.search(said[: v.start])]
            one_date(draft, deadlines + [v for v in find_values(name, today) if v.kind == "date"])
            one_date(draft, by_heading)
        if said and not (to_be_done and _SELF_DOER.fullmatch(said)):  # "(me)": the default
            heading_job = called if called is not None and role_like(called) else None
            _fill(draft, said, today, kinds or {}, heading_job)
        if called is not None:
            # What the heading calls them all, unless the item says a job of its own
            # ("Volunteers: … Gordon McLeish — treasurer, manages the kitty").
            # Said of the group, it is weaker than what is said of one of them: it never
            # replaces their own ("lead electrician" stays, "Our fixers: … Hyun-woo").
            kin = called in KIN_NOUNS or not role_like(called)
            said_of_all = field_for(spec, "relationship" if kin else "role", ("str",))
            draft.put(said_of_all, called, fills=True)
        if state:
            _fill_state(draft, state)
        if to_be_done and not state:
            put_open(draft)  # "Tasks: …", saying no state, lists things still to be done
        drafts.append(draft)
    return drafts


def _reasons_joined(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`items` with each one saying why (`_REASON`) joined to the one before it."""
    joined: list[tuple[str, str]] = []
    for name, said in items:
        if joined and _REASON.match(name):
            before, told = joined[-1]
            joined[-1] = (f"{before}, {name}", told or said)
        else:
            joined.append((name, said))
    return joined


def _opens_as_someone(name: str) -> bool:
    """Whether a name opens as a person's: with a given name, or a title ("Dr Ravi Pillay")."""
    first = name.split()[0] if name.split() else ""
    return given_name(first) or _TITLED.match(first) is not None


def _where_firms_are(
    items: list[tuple[str, str]], kinds: Mapping[str, str], firm_too: bool = False
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The items with each place listed right after a firm taken into it: "Hohenstein Verlag,
    Munich (literary publisher; editor Annegret Vogt, …)" lists one firm, where it is, and
    what is said of it, not a person called Munich. A place is a name of one or two words
    the text read as a place, or as no one and nothing else opening with no given name; the
    firm keeps what its brackets say. Under a heading naming firms or people (`firm_too`:
    "Clients:"), a name opening with no given name or title is a firm's when a name the text
    read as a place follows it. Returns the items and each such firm's place."""
    out: list[tuple[str, str]] = []
    places: dict[str, str] = {}
    for name, said in items:
        words = name.split()
        if (
            out
            and (
                kinds.get(out[-1][0].lower()) == "org"
                or _firm_said(said)
                or (
                    firm_too
                    and kinds.get(out[-1][0].lower()) is None
                    and not _opens_as_someone(out[-1][0])
                    and kinds.get(name.lower()) == "place"  # not "Northwind Frames and Arklow"
                )
            )
            and out[-1][0] not in places
            and not out[-1][1]  # its brackets came before: "Velotech (parts), Northwind Frames"
            and len(words) <= 2
            # "São Paulo": a place the text read as one, whatever its first word.
            and (
                kinds.get(name.lower()) == "place"
                or (kinds.get(name.lower()) is None and not given_name(words[0]))
            )
        ):
            firm, told = out[-1]
            out[-1] = (firm, ", ".join(p for p in (told, said) if p))
            places[firm] = name
            continue
        out.append((name, said))
    return out, places


def _contacts(
    firm: str,
    said: str,
    spec: ObjectSpec,
    make: MakeDraft,
    kinds: Mapping[str, str],
    today: date,
) -> list[Draft]:
    """The people a firm's item names in what it says of the firm ("Terra Ceramica (Porto
    — contact João Almeida, joao@terraceramica.pt)"): they work there, and the phone, email
    and job said right after a name, before any other name, are theirs."""
    people = [n for n, k in kinds.items() if k == "person"]
    out: list[Draft] = []
    current: Draft | None = None
    for part in (p.strip() for p in re.split(r"[,;]|\s[\u2013\u2014-]\s", said)):
        named = next(
            (n for n in people if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", part.lower())),
            None,
        )
        if named is not None:
            start = part.lower().index(named)
            current = make(spec, part[start : start + len(named)])
            current.put(field_for(spec, "company", ("str",)), firm)
            out.append(current)
            job = part[:start].strip()
            if 0 < len(job.split()) <= 3 and job_said(job) and not generic_role(job):
                # "editor Annegret Vogt", "vendor manager Orla Ní Bhriain": the job said
                # right before the name ("contact" says only whom to ask).
                current.put(field_for(spec, "role", ("str",)), job)
            part = part[start + len(named) :]
        elif current is not None and part[:1].isupper() and not (part.isupper() and job_said(part)):
            current = None  # another name ("…, MD" is a job): what follows is not theirs
        if current is None:
            continue
        for value in find_values(part, today):
            if value.kind in ("email", "phone"):
                current.put(field_for(spec, value.kind, ("str",)), value.value)
        role = field_for(spec, "role", ("str",))
        if role is not None and named is None and len(part.split()) <= 4 and job_said(part):
            current.put(role, part)  # "contact Marek Wiśniewski, practice manager, …"
    return out


def _sort_said(said: str) -> str | None:
    """What sort a listed firm is, when what its brackets say first is a few plain words:
    "Northwind Frames (steel frames)", "Second Chance Furniture (charity) - free collection";
    not "contact Callum Reid" (a name) nor "order by 2pm" (more than a sort)."""
    first = _FIRST_SAID.split(said, 1)[0].strip()
    words = first.split()
    if not 0 < len(words) <= 3 or not all(_PLAIN_WORD.fullmatch(w) for w in words):
        return None
    return None if role_like(words[0]) or words[0] in _NOT_A_SORT else first


def _firm_said(said: str) -> bool:
    """Whether what an item's brackets say first is a sort of firm ("translation agency",
    "literary publisher", "bike shop"): the item is a firm, whatever its header lists."""
    sort = _sort_said(said)
    return sort is not None and sort.split()[-1] in _FIRM_SORTS


# Nouns for a sort of firm; not those that say what a firm is to someone ("client").
_FIRM_SORTS = (ORG_NOUNS | lexicon("orgs.kind_heads") | PROVIDER_WORDS) - {
    "client", "customer", "partner", "competitor", "team", "brand", "organization",
    "organisation",
}  # fmt: skip
_FIRST_SAID = re.compile(r"\s*[;,:(\u2013\u2014]\s*|\s+-\s+")
_PLAIN_WORD = re.compile(r"[a-z][a-z\-]*")
# Words opening a bracket that say something of a firm other than its sort.
_NOT_A_SORT = frozenset(("contact", "rep", "ask", "via", "for", "from", "to", "by", "since",
                         "until", "the", "a", "an", "our", "my", "their", "its", "no", "not"))  # fmt: skip


def _name_then_said(item: str, said: str) -> tuple[str, str]:
    """A listed name and what follows it outside brackets: "Priya Raman 07700 900123" ->
    ("Priya Raman", "07700 900123"), joined to what its brackets say."""
    words = item.split()
    # "new hire Anaïs Lefebvre": a few lower-case words before the name say who they are;
    # not a job before a title ("second supervisor Dr. Jonas Brenner", read as a job), nor
    # words of a clause ("went with Britannia Overseas Removals").
    lead = next((i for i, w in enumerate(words) if w[:1].isupper()), 0)
    described = " ".join(words[:lead]) if (
        0 < lead <= 3
        and all(w.isalpha() and w.islower() and w not in STOPWORDS for w in words[:lead])
        and _TITLED.match(words[lead]) is None
    ) else ""  # fmt: skip
    if described:
        words = words[lead:]
    cut = next(
        (i for i, w in enumerate(words) if i and not (w[:1].isupper() or w in _PARTICLES)),
        len(words),
    )
    rest = " ".join(words[cut:])
    return " ".join(words[:cut]), ", ".join(p for p in (described, said, rest) if p)


_TITLED = re.compile(rf"(?:{TITLE_WORDS})\.?$")
# Words of a name that are not capitalised: "Anneke de Vries", "Dacre, Son & Hartley".
_PARTICLES = NAME_PARTICLES | {"&"}


# Who does a thing listed to do: a name alone, or after "assigned to" or "owner".
_DOER = re.compile(
    r"^(?:(?P<by>(?i:assigned\s+to|owner:?|owned\s+by))\s+)?"
    # "freelance designer Yuki Matsumoto": the job they do it as, before the name.
    r"(?P<job>(?:[a-z][\w\-]*\s+){1,3})?"
    r"(?P<name>[A-Z][^\W\d_][\w'\u2019\-]*(?:\s+[A-Z][^\W\d_][\w'\u2019\-]*){0,2})$"
)
_USERS = re.compile(r"^(?:the\s+)?(?:user['\u2019]s|my|our)\s+(\S.*)$", re.IGNORECASE)
# A value's kind (text.find_values) -> the field role that holds it.
_CONTACT_FIELDS = {"email": "email", "phone": "phone", "url": "url"}  # value kind: field role


def _fill_state(draft: Draft, state: str) -> None:
    """The state `said` tells of, in the enum field that can hold it: an item's own
    ("Atlas (on hold)") or the header's for every item ("Open tasks: …")."""
    for meant in states_said(state):
        for fname, fspec in draft.spec.fields.items():
            value = allowed_state(meant, fspec.enum or ())
            if value is not None and not draft.has(fname):
                draft.put(fname, value)


def _named(item: str) -> bool:
    """Whether a list item is a name: it opens with a capital and is not the user."""
    first = item.split()[0] if item.split() else ""
    return first[:1].isupper() and item.lower() not in SELF_WORDS


def to_do_heading(head: str, mapped: SchemaMap) -> bool:
    """Whether a list's heading (as kept: lowered, without "my") lists things to do."""
    return _to_do(head, mapped) is not None


def _to_do(head: str, mapped: SchemaMap) -> ObjectSpec | None:
    """The task type, for a header that lists things to do without naming tasks: "To do: …",
    "Stuff to do: …", "Todo: …", "Open items: …", "Next steps: …", or a task's state alone
    ("Open: …", "Done: …")."""
    words = head.replace("-", " ").split()
    if words[-1:] == ["list"]:
        words = words[:-1]
    spec = mapped.first("task")
    if spec is None:
        return None
    # What the things are for, or when they are due, follows what they are: "To do for Form
    # E", "Jobs for the weekend", "Gear to buy before spring".
    after = [i for i, w in enumerate(words) if i and w in _FOR_OR_WHEN]
    if after:
        words = words[: after[0]]
    if words[-2:] in (["to", "do"], ["to", "dos"]) or words[-1:] in (["todo"], ["todos"]):
        return spec  # "To do", "Stuff to do", "Things still to do", "Hearing aid to-dos"
    if words[-2:] == ["to", "sort"] or words[-3:] == ["to", "sort", "out"]:
        return spec  # "Stuff we need to sort", "Things to sort out"
    if words[-2:] in (["to", "buy"], ["to", "get"]) or {"shopping", "checklist"} & set(words):
        return spec  # "Stuff I want to get", "Shopping list for Pickle", "Docs checklist"
    if len(words) > 1 and words[-1] in ("need", "needed"):
        return spec  # "Things I need", "What we still need", "Still needed": things to get
    if words[:1] == ["before"]:
        return spec  # "Before surgery": what is to be done before it
    if len(words) == 1 and states_said(head):
        return spec
    if _CHORES.search(head):
        return spec  # "Jobs for the weekend", "Errands", "Need", "Follow-up needed", "On my list"
    if words[-1:] and words[-1] in _ACTIONS and (len(words) == 1 or words[-2] in _OPENING):
        return spec  # "Open items", "Action items", "Next steps"
    return None


# Words of a to-do header from which it says what the things are for or when they are due.
_FOR_OR_WHEN = frozenset(("for", "before", "by", "until", "after"))
# Headers of things to do by what they call them.
_CHORES = re.compile(
    r"^(?:(?:my|our|the|weekend|today's|this\s+week's)\s+)?(?:jobs|chores|errands|needs?|follow[\s-]?ups?)\b"
    r"|^follow[\s-]?ups?\s+needed$|^on\s+(?:my|our|the)\s+(?:to[\s-]?do\s+)?list\b"
)
# Headers of things to do that name no task: "Open items: …", "Action items: …", "Next
# steps: …" (the word before the noun says they are still to be done).
_ACTIONS = frozenset(("items", "actions", "steps"))
_OPENING = frozenset(("open", "action", "next", "pending", "outstanding"))


def _type_named(word: str, mapped: SchemaMap) -> ObjectSpec | None:
    for spec in mapped.schema.objects.values():
        own = " ".join(name_words(spec.name))
        if word in (own, plural(own)):
            return spec
    for spec in mapped.schema.objects.values():
        kind = mapped.kinds.get(spec.name)
        if kind is not None and word in KIND_WORDS[kind] and mapped.first(kind) is spec:
            return spec
    return None


def list_items(text: str, longest: int = 6, *, clauses: bool = False) -> list[tuple[str, str]]:
    """`name (what is said)` items, split at commas and semicolons outside parentheses and
    at a final "and". With `clauses` (things to do), brackets may stand inside an item, which
    keeps them ("provisional tax (IRP6) due 2027-02-26 — assigned to Pieter", "renew BDÜ
    membership (EUR 260) in January"): only brackets or a dash at its end say something of
    it."""
    inner = r"|\([^()]*\)(?=\s*\S)" if clauses else ""
    # Things to do numbered in order are parted by their numbers, whatever stands inside
    # each: "1) register the LPA with her bank, Northfield Building Society; 2) label her
    # clothes". (Names numbered so hold what is said of them, parted by commas: "(1) Terra
    # Ceramica, Porto — contact João Almeida, …" is read by the other rules.)
    parts = (_numbered(text) if clauses else None) or _separated(text, clauses)
    out = []
    for part in (p.strip() for p in parts):
        part = re.sub(r"^(?:and|or)\s+", "", part)
        m = re.match(
            # A dash inside a word is part of the item ("lanes for Jan\u2013Mar"); one before a
            # space says something of it ("Bev \u2014 coordinator").
            rf"(?P<name>(?:[^()\u2013\u2014]|[\u2013\u2014](?!\s){inner})+?)"
            r"\s*(?:\((?P<said>[^)]*)\)|[\u2013\u2014-]\s+(?P<dash>.+))?$",
            part,
        )
        if m is None or not m.group("name").strip():
            return []  # not a list of names
        name = m.group("name").strip()
        if _units(name) > longest:
            return []  # a clause, not a name
        out.append((name, (m.group("said") or m.group("dash") or "").strip()))
    return out


_THOUSANDS = re.compile(r"\d{3}(?!\d)")


def _parted(text: str, marks: str) -> list[str]:
    """`text` parted at each of `marks` outside brackets."""
    parts, current = [], ""
    for i, (ch, outside) in enumerate(bracketed(text)):
        # A comma between digits groups thousands ("£8,950"), parting nothing; not "4,5".
        grouping = ch == "," and text[i - 1 : i].isdigit() and _THOUSANDS.match(text, i + 1)
        if ch in marks and outside and not grouping:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def list_parts(text: str) -> list[str]:
    """A list's items as written, parted by commas and semicolons outside brackets, and a
    last "and" (`rules/compare` weighs each one's amount)."""
    return _separated(text, clauses=False)


def _separated(text: str, clauses: bool) -> list[str]:
    """A list's items parted by commas and semicolons outside brackets, and a last "and"."""
    # Things to do listed with semicolons keep their commas ("order clocks - Koen, by 11
    # Dec; register juniors - Ilse"): a semicolon is what parts them.
    separators = ";" if clauses and _outside_brackets(text, ";") else ",;"
    parts = _parted(text, separators)
    last = re.match(r"(?P<a>.*?\S)\s+and\s+(?P<b>[^()]+(?:\([^()]*\))?)$", parts[-1])
    if last is not None and last.group("a").count("(") == last.group("a").count(")"):
        # "..., Cedar (done) and Dune", "Maja (9) and Theo (6)"
        parts[-1:] = [last.group("a"), last.group("b")]
    return parts


def _units(name: str) -> int:
    """How many words an item says, a run of capitalised words counted as one: "monthly
    column for Pip & Wren Magazine" says four things, not seven (a name is one)."""
    return len(_NAME_RUN.sub("N", name).split())


LIST_NOUNS = lexicon("lists.list_nouns")
_NAME_RUN = re.compile(r"[A-Z][\w'\u2019\-]*(?:\s+(?:&\s+)?[A-Z][\w'\u2019\-]*)+")


# The user as the doer of a thing listed to do: "book portaloos (me)".
_SELF_DOER = re.compile(r"\s*(?:me|myself|I|us|user|the\s+user|mine)\s*", re.IGNORECASE)


def semicolon_items(text: str) -> list[str]:
    """The items of a list parted by semicolons, each keeping its commas and without what
    brackets at its end say ("INV-225 Dalton Lettings £340, 30 days overdue; …"), or [] when
    no semicolon outside brackets parts it."""
    parts = _parted(text, ";")
    items = [re.sub(r"\s*\([^()]*\)\s*$", "", p).strip(" .") for p in parts]
    return [i for i in items if i] if len(parts) > 1 else []


def bracketed(text: str) -> Iterator[tuple[str, bool]]:
    """Each character of `text`, and whether it stands outside any brackets."""
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        yield ch, depth == 0


def _outside_brackets(text: str, mark: str) -> bool:
    """Whether `mark` is written in `text` outside any brackets."""
    return any(ch == mark and outside for ch, outside in bracketed(text))


# A clause joined on by a dash set off with spaces: what is said of the name before it.
_DASHED_ON = re.compile(r"\s+[\u2014\u2013-]\s")


def _fill(
    draft: Draft,
    said: str,
    today: date,
    kinds: Mapping[str, str],
    heading_job: str | None = None,
) -> None:
    """What a list item says after its name, into the fields it fits; the rest kept with the
    record. A job it says is the role, unless it says less than the job its heading gives
    them all (`heading_job`): "Teachers: … new hire Anaïs" keeps "teacher"."""
    before = len(draft.values)
    values = find_values(said, today)
    one_date(draft, [v for v in values if v.kind == "date"])
    _fill_state(draft, said)
    flags_and_choices(said, draft, SentenceFacts())
    for value in values:  # "Priya Raman 07700 900123", "(…, aoife@potclays.co.uk)"
        if value.kind not in _CONTACT_FIELDS:
            continue
        where = field_for(draft.spec, _CONTACT_FIELDS[value.kind], ("str",))
        if where is not None and not draft.has(where):
            draft.put(where, value.value)
    role = field_for(draft.spec, "role", ("str",))
    company = field_for(draft.spec, "company", ("str",))
    # "(glaze supplier, Potclays, aoife@…)": a part naming a job is the role, a name after
    # what they are the company.
    kin = field_for(draft.spec, "relationship", ("str",))
    assignee = field_for(draft.spec, "assignee", ("str",))
    for at, part in enumerate(p.strip() for p in re.split(r"[,;]", said)):
        whose = _USERS.match(part)
        doer = _DOER.match(part)
        if doer is not None and doer.group("job") and not job_said(doer.group("job").strip()):
            doer = None  # "book the van", "collect from Anna": no job before the name
        elif (
            doer is not None
            and not doer.group("by")
            and kinds.get(doer.group("name").lower()) != "person"
            and (not given_name(first := doer.group("name").split()[0]) or calendar_word(first))
        ):
            doer = None  # "(Bellman-Ford)", "(Friday)": a name alone must be someone's
        if doer is not None and assignee is not None and not draft.has(assignee):
            draft.put(assignee, doer.group("name"))  # "(Aleksandra, with Emre)", "— assigned to X"
        elif whose is not None and kin is not None and not draft.has(kin):
            draft.put(kin, whose.group(1))  # "(user's business partner)": who they are to them
        elif (
            role is not None
            and not draft.has(role)
            and len(part.split()) <= 4
            and job_said(part)
            and not (heading_job and generic_role(part) and not generic_role(heading_job))
        ):
            draft.put(role, part)  # "Jürgen Pfeiffer (treasurer)"
        elif (
            company is not None
            and at > 0
            and not draft.has(company)
            and (named := _DASHED_ON.split(part, maxsplit=1)[0])[:1].isupper()
            and len(named.split()) <= 4
            and not find_values(named, today)
            and not calendar_word(named.split()[0])  # "(…, Saturdays 10am)": when, no firm
        ):
            # "(owner, Alvarez Market - donates day-old bread)": the name, not what it does
            draft.put(company, named)
    notes = notes_field(draft.spec, {field_for(draft.spec, "name") or ""})
    if len(draft.values) == before and notes is not None:
        draft.notes.append(said)  # nothing of it fits a field: kept with the record
    elif len(draft.values) == before and (title := name_field(draft.spec)) in draft.values:
        # A record with nowhere else to keep it ("finish CW2 Part B (Bellman-Ford)", a task):
        # the brackets stay in its title rather than being lost.
        draft.values[title] = f"{draft.values[title]} ({said})"


# One labelled line of a record written as a card ("Name: Kasper Holm", "Phone: +45 …").
_CARD_LINE = re.compile(r"^\s*(?P<label>[^\W\d_][\w \-]{0,24}?)\s*:\s*(?P<value>\S.*?)\s*\.?\s*$")


def read_card(
    lines: Iterable[str], mapped: SchemaMap, make: MakeDraft, today: date
) -> tuple[Draft, int] | None:
    """A record written as labelled lines, one field a line ("Name: Kasper Holm", "Role:
    sailmaker", "Phone: +45 86 12 34 90"), and how many of `lines` it takes: the run of
    labelled lines from the first, read as the one object type whose fields they name, the
    first naming its key. None when the lines name no type's key with another field, or
    name two types' fields as well (where the card ends, or whose it is, is not sure)."""
    labelled = []
    for line in lines:
        m = _CARD_LINE.match(line)
        if m is None:
            break
        labelled.append((m.group("label").strip().lower(), m.group("value")))
    card = _card(labelled, mapped, make, today)
    if card is None and labelled:
        named = _record_labelled(labelled[0], mapped, make, today)
        return (named, 1) if named is not None else None
    return card


def _card(
    labelled: list[tuple[str, str]], mapped: SchemaMap, make: MakeDraft, today: date
) -> tuple[Draft, int] | None:
    if len(labelled) < 2:
        return None
    best: list[tuple[int, ObjectSpec, list[str | None]]] = []
    for spec in mapped.schema.objects.values():
        key = name_field(spec)
        if key is None or _labelled_field(spec, labelled[0][0]) != key:
            continue
        fields = [_labelled_field(spec, label) for label, _ in labelled]
        taken = len(list(itertools.takewhile(lambda f: f is not None, fields)))
        # A field named again starts another record ("Task: …. Task: …").
        taken = next((i for i in range(1, taken) if fields[i] in fields[:i]), taken)
        if taken >= 2:
            best.append((taken, spec, fields))
    best.sort(key=lambda found: -found[0])
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    taken, spec, fields = best[0]
    draft = make(spec, None)
    for (label, value), fname in zip(labelled[:taken], fields, strict=False):
        if fname is None:
            continue
        if spec.fields[fname].type in ("date", "datetime"):
            # Read with its label: "Due: 31 January" is a deadline, so the next 31 January.
            dates = [v for v in find_values(f"{label}: {value}", today) if v.kind == "date"]
            draft.put(fname, str(dates[0].value) if dates else None)
        else:
            draft.put(fname, value)
    if mapped.kinds.get(spec.name) == "task":
        draft.put(field_for(spec, "status", ("str",)), "open")  # unless a line said otherwise
    return (draft, taken) if name_field(spec) in draft.values else None


# The kinds of record a line labelled by their type's name alone is one of ("Project: …"):
# not tasks, read by their own rules with a deadline and a doer, nor notes and details.
_LABELLED_KINDS = ("project", "event", "org")
# Where a labelled record's name ends and what is said of it begins: brackets or a dash.
_SAID_AFTER = re.compile(r"\s*(?:\(|\s[\u2014\u2013-]\s|;)")


def _record_labelled(
    labelled: tuple[str, str], mapped: SchemaMap, make: MakeDraft, today: date
) -> Draft | None:
    """One record from a line labelled by its type's own name ("Project: spring youth
    sailing course — planned", "Event: quiz night (Friday 8pm)"): the value up to brackets
    or a dash is its key, and what follows them its state, date and notes, as a listed
    item's brackets are read."""
    label, value = labelled
    kind_said = label not in mapped.schema.objects
    spec = mapped.schema.objects.get(label) or _kind_labelled(label, mapped)
    if spec is None or mapped.kinds.get(spec.name) not in _LABELLED_KINDS:
        return None
    cut = _SAID_AFTER.search(value)
    name = (value[: cut.start()] if cut else value).strip(" .,:")
    said = re.sub(r"\s*[()]\s*", ", ", value[cut.end() :]).strip(" ,") if cut else ""
    longer = name
    if kind_said and len(name.split()) > MAX_THING_WORDS and (at := PREPOSITION.search(name)):
        name = name[: at.start()]  # "Goal: a printed family tree as a present for …"
    if not name or len(name.split()) > 12:
        return None
    draft = make(spec, _ARTICLE.sub("", name, count=1))
    if longer != name:
        draft.notes.append(f"{labelled[0].capitalize()}: {value}")  # what it is for
    if said:
        _fill(draft, said, today, {})
    return draft


def _kind_labelled(label: str, mapped: SchemaMap) -> ObjectSpec | None:
    """The type a line's label calls its record by a word for a piece of work ("Goal: a
    printed family tree …", "Campaign: …" are projects), when a project type is mapped."""
    if label in KIND_WORDS["project"]:  # not "Call: my mum on Sunday", a thing to do
        return mapped.first("project")
    return None


def _labelled_field(spec: ObjectSpec, label: str) -> str | None:
    """The field of `spec` a card's label names: the field itself ("phone"), or one its role
    is known by ("mobile", "job title", "e-mail"); "name", "title" or the type's own name
    ("Task: …") only its key."""
    key = re.sub(r"[\s\-]+", "_", label)
    if key == spec.name:
        return name_field(spec)  # "Task: renew the licence"
    if key in ("name", "full_name", "title"):
        own = name_field(spec)
        return own if own is not None and (own == key or key == "full_name") else None
    if key in spec.fields and key not in spec.primary_key:
        return key
    for role, words in ROLE_SYNONYMS.items():
        if role not in ("name", "title") and key in words:
            found = field_for(spec, role)
            if found is not None and found not in spec.primary_key:
                return found
    return None


def labelled_items(text: str, mapped: SchemaMap) -> tuple[str, list[str]] | None:
    """A line that lists things after a label, parted by commas and a last "and"
    ("shortlist: Gazelle C380 (£3,199), Cube Hybrid (£2,899), and Riese Charger4"): its label
    and its items, each with what its brackets say. None unless three items or more, or two
    joined by "and"/"or": "Date: Saturday 16 January, 2-4pm" is one value said in two parts;
    and none unless the label is plural or names a list ("shortlist"), or when it names a
    field of a type, or when the items are unalike (some open with a number, or hold one,
    and others not: "Address: Flat 3, 22 Albion Road, Bristol")."""
    header = _HEADER.match(text)
    if header is None or ";" in header.group("items"):
        return None  # items parted by semicolons are read as a labelled detail (`facts`)
    head = header.group("head").strip()
    said = head.lower().split()
    if not any(w in LIST_NOUNS or plural(singular(w)) == w != singular(w) for w in said):
        return None  # "Client: José Álvarez, procurement lead at …": one thing, said in parts
    if any(_labelled_field(spec, head.lower()) for spec in mapped.schema.objects.values()):
        return None
    numbered = _numbered(header.group("items"))
    if numbered is not None:
        return head, numbered
    items = list_items(header.group("items"))
    joined = re.search(r"\s(?:and|or)\s", header.group("items")) is not None
    if len(items) < 2 or (len(items) == 2 and not joined):
        return None
    # Items alike: "Flights: Gatwick→Salzburg, easyJet, Sat 20 Feb" are one flight's parts.
    if len({name[:1].isalpha() for name, _ in items}) > 1:
        return None
    if len({any(c.isdigit() for c in f"{name} {more}") for name, more in items}) > 1:
        return None
    return head, [f"{name} ({said})" if said else name for name, said in items]


def _numbered(text: str) -> list[str] | None:
    """The items of a list numbered in one line ("1. Rutter, 'Candlelight Carol' 2. Gjeilo,
    'Northern Lights' 3. Gaudete"), when numbered 1, 2, 3 … in order; else None."""
    parts = _NUMBER_MARK.split(text)
    if len(parts) < 5 or parts[0].strip():
        return None  # fewer than two items, or words before the first number
    numbers, items = parts[1::2], [p.strip(" ,;.") for p in parts[2::2]]
    if numbers != [str(n) for n in range(1, len(numbers) + 1)] or not all(items):
        return None
    return items


# "1. ", "1) " or "(1) " before an item.
_NUMBER_MARK = re.compile(r"(?:^|(?<=\s))\(?(\d{1,2})[.)]\s+")
