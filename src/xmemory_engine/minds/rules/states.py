"""States a text tells of ("on hold", "finished", "called off"), and the enum values that
mean each: one table for what is written (lists, corrections) and what is asked ("Which
projects are on hold?" filters on `paused`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from xmemory_engine.minds.rules.text import MONTH_PATTERN, STOPWORDS, WEEKDAY_WORD, lexicon

# The values of a state that is over: nothing more is to be done ("done", "cancelled").
FINISHED_STATES = frozenset(("done", "completed", "complete", "finished", "cancelled", "canceled"))

# The values of an enum saying a thing to do is done, first fitting first.
DONE_VALUES = ("done", "finished", "completed", "complete")

# The values of a state nothing has happened in yet: a record told with no state is in it
# ("Tasks: renew passport (high priority)" is an open task).
NOT_STARTED = ("planned", "open", "todo")

# Words saying something is still to be done ("needs doing", "left to do"): the open state,
# and, in a question naming nothing else, the open tasks (`question._left_to_do`).
TO_DO = r"needs?\s+doing|(?:left|still|yet)\s+to\s+(?:do|be\s+done)"

# Words telling that something was called off: a state (below), and the cue for what was
# (`cancelled_thing`).
_CANCELLED = r"(?:cancel+ed|called\s+off)"
CALLED_OFF = re.compile(rf"\b{_CANCELLED}\b", re.IGNORECASE)

# Words for a state, and the allowed values that mean it, first fitting first: "on hold" is a
# project's `paused`, "finished" a task's `done`. Lists and corrections read states alike.
STATES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (
        # Not a part of it done: "Falcon is 60% done", "nearly finished" is under way (below).
        re.compile(
            r"(?<!%\s)(?<!%)(?<!half\s)(?<!halfway\s)(?<!partly\s)(?<!mostly\s)(?<!nearly\s)"
            # Nor what is to be: "has to be done", "will be finished by Friday".
            r"(?<!almost\s)(?<!be\s)\b(?:finished|completed?|done)\b",
            re.IGNORECASE,
        ),
        ("done", "finished", "completed", "complete"),
    ),
    (CALLED_OFF, ("cancelled", "canceled", "dropped")),
    (re.compile(r"\b(?:paused|on\s+hold)\b", re.IGNORECASE), ("paused", "on_hold", "hold")),
    (
        re.compile(
            # "Beacon is back on": resumed (not "back on track", "back on Monday").
            r"\b(?:resumed|restarted|in\s+progress|ongoing|under\s?way|active)\b"
            r"|%\s*(?:done|finished|complete)\b"
            r"|\b(?:half|halfway|partly|mostly|nearly|almost)\s+(?:done|finished|complete)\b"
            r"|\bback\s+on(?=\s*(?:[,.;:!]|$))",
            re.IGNORECASE,
        ),
        ("active", "in_progress"),
    ),
    (re.compile(r"\b(?:not\s+started|planned)\b", re.IGNORECASE), NOT_STARTED),
    (
        # "still needs doing", "left to do", "what do I still need to do": not done yet;
        # "How many tasks are left?": "left" closing what is said ("is left money in the
        # will" is given, and "Tom left" went).
        re.compile(
            rf"\b(?:open|outstanding|pending|remaining|still\s+left|{TO_DO}|still\s+need\s+to\s+do)\b"
            r"|\b(?:are|is)\s+left\s*[?.!]*\s*$",
            re.IGNORECASE,
        ),
        ("open", "todo"),
    ),
)


def states_said(text: str) -> list[tuple[str, ...]]:
    """The states `text` tells of, as the allowed values that could mean each."""
    return [meant for cue, meant in STATES if cue.search(text)]


def allowed_state(meant: tuple[str, ...], allowed: Sequence[object]) -> str | None:
    """The first of an enum's `allowed` values that means the state, if any."""
    by_name = {str(v).lower(): str(v) for v in allowed}
    return next((by_name[v] for v in meant if v in by_name), None)


# -- what was done ------------------------------------------------------------------------------

# A clause telling that something has been done: a state word, or a verb in the past ("booked",
# "bought", "paid"); what is still to come ("need to", "need it done", "will", "to do") is no
# such clause.
# A tick ("\u2705", "\u2714", "\u2611", with or without the emoji form) marks a thing done as the word
# does; the words that say so after a thing ("the tax return is done").
_TICK = r"[\u2705\u2714\u2611]\ufe0f?"
# Words saying a thing is done ("the tax return is done", "passport photos sorted").
WORDS_FOR_DONE = ("done", "finished", "completed", "sorted")
_DONE_WORDS = re.compile(
    rf"\b(?:done|finished|completed?|sorted|already|ticked\s+off)\b|^\s*done\s*:|{_TICK}",
    re.IGNORECASE,
)
_TO_COME = re.compile(
    r"\b(?:will|needs?|needed\s+to|to\s+do|todo|to-do|have\s+to|has\s+to|must|should|going\s+to|"
    r"plan(?:s|ning)?\s+to|want(?:s)?\s+to|tomorrow|next|still|yet|not|n't|open|outstanding|"
    r"wait(?:ing)?|await(?:ing)?|pending|un\w+ed)\b|"
    r"n['\u2019]t\b",
    re.IGNORECASE,
)
# (A point inside a number ends no clause: "Release 2.4 shipped", "£10.99, paid monthly".)
_CLAUSE_BREAK = re.compile(r"\s*(?:[;!?]|\.(?!\d)|\s[\u2014\u2013-]\s|,\s+(?:so|and)\b|\bbut\b)\s*")
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")


def done_clauses(text: str, past: Callable[[str], bool]) -> list[str]:
    """The clauses of `text` that tell something was done: "Mateusz already bought the
    hoover", "Done: flutes ordered 1 Dec", "I emailed HR on Tuesday". `past` says whether a
    word is a verb's past form (the rules' verb table knows the irregular ones)."""
    out = []
    listed_done = False  # after "Done:", each item of its list is done, however told
    for clause in _CLAUSE_BREAK.split(text):
        if _LABEL.match(clause):
            listed_done = _DONE_LABEL.match(clause) is not None
        if not clause.strip() or _TO_COME.search(clause):
            continue
        said = _WORD.findall(
            _DAY_BEFORE_DATE.sub("", _SET_OFF_PARTICIPLE.sub(_kept_if_timed, clause))
        )
        if listed_done or _DONE_WORDS.search(clause) or any(past(w.lower()) for w in said):
            out.append(clause.strip())
    return out


# A weekday written short before a date is a day, not a verb: "sat 12 dec", "wed 6 jan".
_DAY_BEFORE_DATE = re.compile(rf"\b{WEEKDAY_WORD}(?=\s+\d)", re.IGNORECASE)
# A past form set off after a clause in the present ("Council tax is £1,380 a year, paid in
# ten instalments", "Rent is £900 a month, paid on the 1st") says how its subject is, as a
# rule, not that something was done; one said with when ("…, renewed in March") still tells
# a deed.
_SET_OFF_PARTICIPLE = re.compile(
    r"(?P<clause>\b(?:is|are)\b(?:[^,]|,(?!\s))*,\s+)(?P<verb>[^\W\d_]+)"
    # ... and followed by how, not by what it acts on ("…, bought the paint" is a deed).
    r"(?P<rest>(?:\s+(?:in|on|by|via|through|at|every|each|up|[a-z]+ly)\b(?:[^,]|,(?!\s))*)?)"
    r"(?=\s*(?:,|$))",
    re.IGNORECASE,
)
_TIMED = re.compile(
    rf"\b(?:{MONTH_PATTERN}|{WEEKDAY_WORD}|yesterday|today|last|ago|this|just)\b", re.IGNORECASE
)


def _kept_if_timed(m: re.Match[str]) -> str:
    if _TIMED.search(m.group("rest")):
        return m.group()
    return m.group("clause") + m.group("rest")


# A label opening a clause ("Done:", "Council tax:"), and one saying its list is done.
_LABEL = re.compile(r"^\s*[^\W\d_][\w'\u2019\- ]{0,30}:")
_DONE_LABEL = re.compile(r"^\s*(?:done|finished|completed|sorted)\s*:", re.IGNORECASE)


# A thing said done by a state word after it, with no verb of its own: "February's bookkeeping
# is done", "24h urine: done Sunday", "travel insurance sorted with Staysure". What opens with
# a pronoun ("that's done", "I'm done") names nothing.
_THING_WORDS = r"[^\W_][\w'\u2019\-]*(?:\s+[\w'\u2019\-]+){0,5}"
_DONE_THING = re.compile(
    rf"^\s*(?:{_TICK}\s*)?(?P<thing>{_THING_WORDS}?)"
    r"(?:\s*:\s*|\s+(?:is|are|was|were|has\s+been|have\s+been)\s+|\s*,\s*|\s+[-\u2014\u2013]\s*"
    r"|(?P<bare>\s+))(?:now\s+|all\s+|finally\s+)?"
    # "passport photos sorted \u2705", "bought the Marmalade insurance, done \u2705".
    rf"(?:(?:{'|'.join(WORDS_FOR_DONE)})\b(?:\s*{_TICK})?|{_TICK})(?P<after>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# The present tense with "by" says who does a thing, as a rule, or by when it will be, not
# that it is done: "Kiln repairs are done by Bob" ("were done by Bob" is; "by now" too).
_HABITUAL_BY = re.compile(r"\s+(?:is|are)\s", re.IGNORECASE)
_BY_WHOM = re.compile(r"\s+by\s+(?!now\b)", re.IGNORECASE)
# A tick opening a short clause marks what it says done: "\u2705 booked the venue".
_TICKED = re.compile(rf"^\s*{_TICK}\s*(?P<thing>{_THING_WORDS})\s*[.!]?\s*$")
# A label a note is filed under ("Update: …"): not part of what it says is done.
_FILED_UNDER = re.compile(
    rf"^\s*(?i:{'|'.join(sorted(map(re.escape, lexicon('facts.meta_labels')), key=len, reverse=True))})"
    r"\s*:\s*"
)
_DETERMINERS = frozenset(("the", "my", "our", "your"))
# ... nor is the user, in an agent's notes ("User completed the course": a deed, no thing done).
_NO_THING = frozenset(
    ("everything", "all", "nothing", "something", "anything", "both", "each", "user")
)
# The words a thing said done may hold beside its own: no pronoun, no verb's helper.
_THING_GLUE = frozenset(
    ("the", "my", "our", "your", "his", "her", "their", "of", "for", "and", "&")
)


def done_thing(clause: str) -> str | None:
    """What a clause says is done when it only names it ("the tax return is done"), or None.
    A thing named holds no stop word but a determiner, "of", "for" or "and"."""
    clause = _FILED_UNDER.sub("", clause)
    ticked = _TICKED.match(clause)
    if ticked is not None:
        clause = f"{ticked.group('thing')} done"  # "\u2705 booked the venue"
    m = _DONE_THING.match(clause)
    if m is None or (m.group("bare") and _OBJECT_AFTER.match(m.group("after"))):
        return None  # "The team completed the audit": a deed, its doer no thing done
    if _HABITUAL_BY.match(clause, m.end("thing"), m.end()) and _BY_WHOM.match(m.group("after")):
        return None  # "Kiln repairs are done by Bob Fenwick": who does them, not that they are
    thing = m.group("thing").strip()
    said = [re.split(r"['\u2019]", w.lower())[0] for w in thing.split()]  # "that's": that
    if set(said) & _NO_THING:
        return None  # "Everything is sorted": nothing named
    if said[0] in WORDS_FOR_DONE:
        return None  # "done \u2705 went with Germidour": the mark of what was told before
    if said[0] in ("need", "needs"):
        return None  # "need the inspection done before we can trade": wanted, not done
    helper = any(w in STOPWORDS and w not in _THING_GLUE for w in said)  # "I", "it", "was"
    opening = said[0] in _DETERMINERS and len(said) > 1  # "the tax return", "my visa …"
    glued = said[0] in _THING_GLUE and not opening  # "and the rest"
    if helper or glued:
        return None
    return re.sub(r"^(?i:the|my|our|your)\s+", "", thing)


# -- a thing in a state ---------------------------------------------------------------------------

# A thing said to be in a state by a word after it, set off by a colon, a dash or a bracket
# ("Website redesign for Ferris Dental: in progress", "Okafor patio job — active, quoted
# £6,850", "Podcast relaunch (on hold)"), or told with "is" ("The kitchen renovation is on
# hold until March"). Told with "is", "active" and "planned" say other things as often
# ("my account is active", "the party is planned for Saturday"), so only a state of work
# counts. Done and called off are read by their own rules (`done_thing`, `cancelled_thing`).
_SET_OFF_STATE = r"active|in\s+progress|ongoing|under\s?way|paused|on\s+hold|planned|not\s+started"
_TOLD_STATE = r"in\s+progress|ongoing|under\s?way|paused|on\s+hold"
_THING_IN_STATE = re.compile(
    r"^\s*(?P<thing>[^\W_][^:;()\u2014\u2013]*?)"
    r"(?:(?:\s*:|\s*\(|\s+[\u2014\u2013-])\s*(?:now\s+|currently\s+|still\s+)?"
    rf"(?P<set_off>{_SET_OFF_STATE})"
    r"|\s+(?:is|are|has\s+been|have\s+been)\s+(?:now\s+|currently\s+|still\s+|officially\s+)?"
    rf"(?P<told>{_TOLD_STATE}))\b(?P<after>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# "planned for Saturday", "planned on the 3rd": an occasion's day, not a state of work.
_SCHEDULED = re.compile(r"^\s*(?:for|on|at)\b", re.IGNORECASE)
# Past this many words what is before the state is a clause, not a thing's name.
_MAX_STATED_WORDS = 10


def thing_in_state(clause: str) -> tuple[str, tuple[str, ...], bool] | None:
    """What a clause says is in a state other than done or called off, and the values that
    could mean the state: ("kitchen renovation", ("paused", …)) for "The kitchen renovation
    is on hold until March". What follows a comma in the thing says more of it ("Patio for
    Mr and Mrs Okafor, 22 Beech Grove — active"); None when the clause names no thing (a
    pronoun, "everything", a clause of its own). Third, whether the clause says more of it
    after its state (`says_more`: "quoted £6,850")."""
    m = _THING_IN_STATE.match(_FILED_UNDER.sub("", clause))
    if m is None:
        return None
    state = m.group("set_off") or m.group("told")
    if state.lower() == "planned" and _SCHEDULED.match(m.group("after")):
        return None
    thing = m.group("thing").split(",")[0].strip()
    thing = re.sub(r"^(?i:the\s+)?(?i:user)['\u2019]s\s+|^(?i:the|my|our)\s+", "", thing)
    said = [re.split(r"['\u2019]", w.lower())[0] for w in thing.split()]
    if not said or len(said) > _MAX_STATED_WORDS or set(said) & _NO_THING:
        return None
    if any(w in STOPWORDS and w not in _THING_GLUE and w not in _PREPOSITIONS for w in said):
        return None  # "it is on hold", "we are underway": a clause, not a thing's name
    more = f"{m.group('thing').partition(',')[2]} {m.group('after')}"  # ", 22 Beech Grove"
    return thing, states_said(state)[0], says_more(more, 1)


# Words that only say a day ("until March", "due 12 March", "start 11 April"): no more said.
_ONLY_A_DAY = re.compile(
    rf"{MONTH_PATTERN}|{WEEKDAY_WORD}|due|deadline|until|till|start|starts|from|next|week|month",
    re.IGNORECASE,
)


def says_more(rest: str, words: int) -> bool:
    """Whether `rest`, what a clause says after naming a thing, holds at least `words` words
    of its own (not stop words, three letters or more): "; £450k is committed so far" does,
    "at 14 Larkspur Road" (two) and "; deadline 15 January" do not say three."""
    said = (re.split(r"['\u2019]", w.lower())[0] for w in _WORD.findall(rest))  # "it's": it
    own = [w for w in said if len(w) > 2 and w not in STOPWORDS and not _ONLY_A_DAY.fullmatch(w)]
    return len(own) >= words


# -- what was called off ------------------------------------------------------------------------

# The thing called off, said three ways: the user's own note opening with the verb ("Cancelled:
# the New Year's Eve social — …", "cancelled the Danube river cruise, …"), someone's deed ("I
# cancelled the 29 December lesson", "User cancelled …"), or the thing first ("the sponsor
# meeting … got cancelled", "Sunflower Montessori viewing cancelled").
_CANCELLED_FIRST = re.compile(
    rf"^\s*(?:(?:I|we|(?:the\s+)?user)\s+(?:have\s+|has\s+|just\s+|also\s+)*)?{_CANCELLED}\s*:?\s+"
    r"(?P<thing>\S.*)$",
    re.IGNORECASE,
)
_CANCELLED_AFTER = re.compile(
    r"^(?P<thing>.*?\S)\s*(?P<be>\s(?:has\s+been|have\s+been|got|gets|was|were|is|are|"
    r"will\s+be)|['\u2019]s)?\s+(?:now\s+|also\s+|been\s+)?" + _CANCELLED + r"\b(?P<after>.*)$",
    re.IGNORECASE,
)
# An active verb's object after it: "DVSA cancelled it", "Tom cancelled the booking" tell who
# called it off, not what (read by the other shape when the one who did is the user).
_OBJECT_AFTER = re.compile(r"^\s+(?:it|them|the|a|an|my|our|his|her|their|this|that)\b", re.I)
# Where a clause before the thing ends: the thing is what the last clause says first.
CLAUSE_BEFORE = re.compile(r".*(?:[,;:(!?]|\.\s|\s[\u2014\u2013-]\s)\s*", re.DOTALL)
# Where what is said of the thing ends: a reason, an aside or another clause.
_THING_ENDS = re.compile(
    r"\s*(?:[,;:(!?]|\.(?:\s|$)|\s[\u2014\u2013-]\s|\s(?:because|due\s+to|since|as|so|but|"
    r"rather\s+than|which|after|until)\b)",
    re.IGNORECASE,
)
# Past this many words a thing's name is cut before its first preposition: a title names
# the thing ("the solar viewing session"), the rest of the clause says more of it.
MAX_THING_WORDS = 6
_PREPOSITIONS = frozenset(("with", "at", "from", "for", "in", "on", "by", "to", "of", "as"))
PREPOSITION = re.compile(rf"\s(?:{'|'.join(sorted(_PREPOSITIONS))})\s", re.IGNORECASE)


def cancelled_thing(clause: str) -> str | None:
    """What a clause says was called off when it names it ("the outside broadcast from the
    Salford Quays Christmas market" of "Cancelled: the outside broadcast … — the insurance
    quote was too expensive"), without its determiner; None when it names nothing (a pronoun,
    "everything") or says something is still to be called off ("need to cancel …")."""
    text = _FILED_UNDER.sub("", clause)
    verb = CALLED_OFF.search(text)
    if verb is not None and _TO_COME.search(text, 0, verb.start()):
        return None  # "I still haven't cancelled …", "need to have it cancelled"
    m = _CANCELLED_FIRST.match(text)
    if m is not None:
        thing = m.group("thing")
    else:
        m = _CANCELLED_AFTER.match(text)
        if m is None or (m.group("be") is None and _OBJECT_AFTER.match(m.group("after"))):
            return None
        thing = CLAUSE_BEFORE.sub("", m.group("thing"), count=1)
    end = _THING_ENDS.search(thing)
    thing = (thing[: end.start()] if end else thing).strip()
    if len(thing.split()) > MAX_THING_WORDS:
        cut = PREPOSITION.search(thing)
        thing = thing[: cut.start()] if cut else thing
    said = [re.split(r"['\u2019]", w.lower())[0] for w in thing.split()]
    if not said or set(said) & _NO_THING:
        return None  # "everything", "all of it": nothing named
    if any(w in STOPWORDS and w not in _THING_GLUE and w not in _PREPOSITIONS for w in said):
        return None  # a verb's helper: a clause, not a thing's name
    named = re.sub(r"^(?i:the|my|our|your)\s+", "", thing).strip()
    return named or None
