"""Objects that are not people or organizations: tasks, events, preferences, projects, and
any other object type a sentence names ("the book 'Dune', year 1965").

Each reader looks for its cue in one sentence, builds a draft of the type of that kind, and
links it to the people the sentence names where the schema has a relation for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from xmemory_engine.minds.base import ExtractedRelation
from xmemory_engine.minds.rules.amounts import counts, date_field, money, one_date, says_money
from xmemory_engine.minds.rules.analysis import Analyzed, Mention
from xmemory_engine.minds.rules.cues import (
    SentenceFacts,
    field_value,
    flags_and_choices,
    wanted_done,
)
from xmemory_engine.minds.rules.deeds import base, past
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.facts import META_LABELS
from xmemory_engine.minds.rules.names import (
    CURRENCY_CODES,
    KIN_NOUNS,
    NAME_PARTICLES,
    NOISE_WORDS,
    Candidate,
    given_name,
    kin_or_role,
    names_a_time,
    role_noun,
)
from xmemory_engine.minds.rules.providers import provider
from xmemory_engine.minds.rules.schema_map import (
    SchemaMap,
    date_fields,
    field_for,
    name_field,
    notes_field,
    phrases,
)
from xmemory_engine.minds.rules.states import (
    DONE_VALUES,
    WORDS_FOR_DONE,
    allowed_state,
    says_more,
    thing_in_state,
)
from xmemory_engine.minds.rules.text import (
    STOPWORDS,
    UPPER,
    WEEKDAY_WORD,
    Span,
    lazy_compile,
    lexicon,
    name_words,
    plural,
    singular,
    wordset,
)
from xmemory_engine.minds.rules.works import WORK_NOUNS, is_work, read_work, work_fields
from xmemory_engine.schema import ObjectSpec

MakeDraft = Callable[[ObjectSpec, "str | None"], Draft]

# A deadline said before its day: "by 12 March", "before Friday", "by the end of …".
_BY_OR_BEFORE = (
    r"(?:by|before)\s+(?:the\s+)?(?:\d|end\b|(?i:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|"
    r"apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)"
)
# ... right after what is meant.
_BY_A_DATE = rf"(?=\s+{_BY_OR_BEFORE})"
_TASK = re.compile(
    r"\b(?:(?:need|needs|have|has|got)\s+to|gotta|(?<![\w-])plan\s+is\s+to"
    # "Grace asked me to proofread her chapter": the user is to do it, not the one asking.
    r"|(?:asked|wants|told|reminded)\s+me\s+to"
    r"|must(?:\s+remember\s+to)?|remind\s+me\s+to"
    r"|(?:don'?t|do\s+not)\s+forget\s+to"
    # What the user ought to do, in their words or an agent's: "I should email the landlord",
    # "User to present the season report" (a note's way of assigning it).
    r"|(?<=\bI\s)should|(?<=\bwe\s)should|(?<=\buser\s)should|(?:^|(?<=[.;:]\s))user\s+to"
    # A label's head names it, whoever it is for: "Task:", "Task for user:", "Reminder:",
    # "Pending:", "Open item:", "Still to do —", "To-dos for the wedding:".
    r"|remember\s+to|(?:todos?|to-dos?|tasks?|action\s+items?|actions?|reminders?|next\s+steps?|"
    r"pending|open\s+items?|still\s+to\s+do"
    # "Follow-up needed: …" opening a note, not "wants a follow-up — booked 22 Jan".
    r"|(?:(?<=^)|(?<=[.;]\s))follow[\s-]?ups?(?:\s+needed)?)"
    r"(?:\s+for\s+[^:.;]{1,30}?)?\s*(?::|\s[\u2014\u2013]))"
    r"\s+(?P<what>(?:[^.;!?]|\.(?=\d))+)"  # a full stop before a digit is a decimal point
    # ... opening a sentence or a clause: "My dentist is Dr Patel; the check-up is due …".
    r"|(?:^|[:;]\s*)(?:the\s+)?(?P<due>[^.;:!?]+?)\s+(?:is|are)\s+due\b"
    # "chapter 3 draft due 2026-02-28", "; report due 20 Nov", "— progress report due in by 7
    # Jan", "trial protocol, deadline 2026-03-06", "Thesis submission deadline is 29 January":
    # a thing opening a clause, "due" or its deadline, and its date (checked in `_task`: a
    # written date right after, a few words).
    r"|(?:^|[:;]\s*|\s[\u2014\u2013]\s*)(?:the\s+)?(?P<bare>[^.;:!?,\u2014\u2013]{2,60}?)"
    r"(?:\s+(?:originally\s+)?due(?:\s+in)?|\s*,?\s+deadline(?:\s+(?:is|was))?)\b"
    r"(?=\s+(?:on\s+|by\s+)?\d)"
    # "Deadline for the grant application is 14 Feb": the thing the deadline is for.
    r"|(?:^|[:;]\s*)(?:the\s+)?deadline\s+for\s+(?:the\s+)?(?P<bare2>[^.;:!?,]{2,60}?)\s+(?:is|was)"
    r"(?=\s+(?:on\s+)?\d)"
    # "The boiler needs servicing before winter": a thing that needs something done to it.
    # "Dad's prescription needs collecting from Boots": whose it is, and from or at where.
    r"|(?:^|[:;,]\s*)(?:the\s+|my\s+|our\s+)?(?P<chore>(?:[A-Z][\w\-]*['\u2019]s\s+)?"
    r"[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}"
    r"\s+needs?\s+[a-z]+ing\b(?:\s+(?!by\b|before\b|on\b|until\b)[a-z][\w\-]*){0,3}"
    r"(?:\s+(?:from|at)\s+[A-Z][\w'\u2019\-]*(?:\s+[A-Z][\w'\u2019\-]*){0,2})?)"
    # "User will send the signed contract by 12 March", "I want to get the shed cleared out
    # by Sunday": what someone means to do by a deadline (without one, a plan, not a task).
    r"|\b(?:I|we|(?:the\s+)?user)(?:\s+will|['\u2019]ll|\s+wants?\s+to|\s+plans?\s+to"
    r"|\s+(?:am|is|are)\s+going\s+to|['\u2019]m\s+going\s+to|\s+intends?\s+to)"
    # Being somewhere or hearing of something by a date is no thing to do.
    r"\s+(?!(?:be|have|stay|live|arrive|land|reach|know|hear)\b)"
    rf"(?P<intent>[a-z][^.;!?]{{2,80}}?){_BY_A_DATE}"
    # "I still haven't booked the MOT", "Haven't sent the cards yet": a thing not yet done.
    r"|(?:\b(?:I|we|(?:the\s+)?user)\s+|^\s*)(?:still\s+)?(?:haven't|have\s+not|hasn't|has\s+not)"
    r"\s+(?:yet\s+)?(?P<undone>[a-z]+\s+[^.;!?,]{2,60}?)(?:\s+yet)?(?=\s*(?:[.;!?,]|$))",
    re.IGNORECASE,
)
# Someone named, then what they are to do, as notes assign it: "Marisol to draft the
# volunteer training guide by 15 Jan", "Kofi needs to confirm the truck"; "will" only with a
# deadline ("Ana will send the photos by Friday"; without one it tells a plan).
_CLAUSE_OPENING = r"(?:^|(?<=[.;:,(]\s)|(?<=[.;:,(]))\s*"
_SOMEONE_TO = lazy_compile(
    _CLAUSE_OPENING + r"(?P<who>[A-Z][\w'\u2019\-]+(?:\s+[A-Z][\w'\u2019\-]+){0,2})"
    # "to" before a determiner is a preposition, no verb to come: "Went to the Hepworth".
    r"\s+(?:(?:to|needs\s+to|has\s+to|must)\s+(?!(?:be|the|a|an|my|our|his|her|their|your|this|that)\b)"
    r"(?P<what>[a-z][^.;!?]{2,80})"
    rf"|will\s+(?!be\b|have\b)(?P<due>[a-z][^.;!?]{{2,80}}?){_BY_A_DATE})"
)
# "Ana is handling the invitations", "Tom's sorting the van hire", "Priya's in charge of
# booking the minibus": who has taken a thing on (what they do acts on something named).
_TAKEN_ON = lazy_compile(
    _CLAUSE_OPENING + r"(?!(?i:user|the\s+user)\b)"
    r"(?P<who>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){0,2})(?:['\u2019]s|\s+is|\s+are)\s+(?:in\s+charge\s+of\s+|taking\s+care\s+of\s+|looking\s+after\s+)?"
    r"(?P<taken>(?:handling|sorting(?:\s+out)?|organi[sz]ing|doing|arranging|booking|buying|making|"
    r"writing|drafting|fixing|chasing)\s+(?i:the|a|an|our|my|his|her|"
    r"their|all|some)\b[^.;!?]{2,60})"
)
# Where the user is the one who needs: no one named ("need …" opening a clause, after a
# tick), or "I" or "we", not asked ("will I need …?").
_THE_USER = (
    r"(?:^|(?<=[.;:,(\u2014\u2013\u2705]\s)|(?<!will\s)(?<!would\s)(?<!do\s)(?<!should\s)"
    r"(?<!could\s)(?<!might\s)(?<!can\s)\b(?:I|we)\s+)"
)
# What the user needs, a thing rather than a deed, is one to get: "still need the gels + body
# glide", "Need a booster seat for Leo", "User needs a VHF radio licence", "she needs my food
# hygiene cert and public liability insurance by 18 dec" (someone needs the user's, so the
# user must send it). The user speaks (`_THE_USER`, "user needs"), or the thing is "my". Not
# "doesn't need a return", and not a need of someone or something else's ("Mochi needs a
# jab", "a teapot (leather-hard, still needs a handle)").
_NEEDED = lazy_compile(
    rf"(?:{_THE_USER}(?:(?:still|also|really|now|just)\s+)?need"
    r"|\b(?:the\s+)?user\s+(?:(?:still|also|really|now|just)\s+)?needs)\s+"
    r"(?P<needed>(?:a|an|the|some|more|new|another|\d+)\s+[^.;!?]{2,80})"
    # What is "still" needed needs no article: "\u2705 still need food and insurance".
    rf"|{_THE_USER}still\s+need\s+(?P<still>(?!to\b)[a-z][^.;!?]{{2,80}})"
    r"|\b(?<!\bnot\s)needs\s+(?P<mine>my\s+[^.;!?]{2,80})",
    re.IGNORECASE,
)
# Between the things needed: "the gels + body glide", "my cert and public liability insurance".
_NEEDED_APART = lazy_compile(r"\s+(?:\+|&|and)\s+|,\s+(?:and\s+)?")
_HOW_MANY = wordset("one two three four five six seven eight nine ten more few couple another")
_NEEDED_ITEM_WORDS = 6  # an item longer than this is a clause, not one more thing needed

# A clause opening with a verb of doing and what it acts on: something to do ("Pay the
# deposit by 10 January", "Chase Acme for payment", "Book the venue before March"). What
# follows the verb is a determiner or pronoun, or a name followed by more words ("Call Tom
# about the boiler"), so that "Post Office opens at 9" and "Book club meets" stay unread.
_TODO_VERBS = frozenset(lexicon("things.todo_verbs"))
# Where such a clause opens: the sentence, or a clause after a colon or a semicolon; after a
# comma only when the clause gives it a deadline ("rent is £62 a year, pay the treasurer by 31
# jan"), since a comma joins a great many clauses that tell rather than ask.
_DO_OPENS = rf"(?:^|(?<=[:;]\s)|(?<=,\s)(?=[^.;!?,]*?\s{_BY_OR_BEFORE}))"
_DO = lazy_compile(
    _DO_OPENS
    + r"(?P<what>(?i:"
    + "|".join(sorted(_TODO_VERBS, key=len, reverse=True))
    # "Follow up with Priya", "Check in with Tom": a particle's "with" (not "Call with Tom …").
    + r")(?:\s+(?i:up|back|off|out|in)(?:\s+(?i:with))?)?\s+(?:(?i:the|a|an|my|our|his|her|their|your|some|more|"
    r"new|all|it|them|him|this|that|these|those)\b"
    # Someone or a firm by name, a title and up to three words ("Ask Dr Patel about …",
    # "Chase Bright Spark Electrical for …"), then what it is about, or whose ("Get Olu's OK").
    r"|(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?[A-Z][\w'\u2019\-]*(?:\s+[A-Z][\w\u2019\-]*){0,2}"
    r"(?:['\u2019]s\s|\s+(?i:about|for|to|re|on|by|with|and|the|a|an|at|before|after|if|when|back)\b)"
    r"|\d)(?:[^.;!?]|\.(?=\d))*)"
)
# A verb of reaching someone and only the number or address: a label, not a thing to do.
_CONTACT_LABEL = re.compile(
    r"(?i:phone|call|ring|text|email|e-mail|message)\s+[^\s]+(?:\s+\d[\d\-]*)*"
)
# What opens a statement, not a thing to do, after a label ("Reminder: the bins ...").
_STATED = re.compile(r"(?:the|a|an|my|our|his|her|their|it|this|that|there|he|she|they|we)\b", re.I)
_TASK_LABEL = re.compile(r"\b(?:todo|to-do|task|action\s+item)\b")
# Words up to which a thing said due without "is" ("chapter 3 draft due …") is its title.
_BARE_DUE_WORDS = 6
_DUE_PREP = re.compile(r"\s*(?:,\s*)?\b(?:by|on|before|until|due|no later than)\s*$", re.I)
URGENT = {"urgent": "high", "asap": "high", "important": "high", "critical": "high"}
_EVENT = lazy_compile(
    rf"\b(?P<noun>{'|'.join(sorted(map(re.escape, lexicon('things.event_nouns')), key=len, reverse=True))})s?\b",
    re.IGNORECASE,
)
_DIETS = frozenset(lexicon("things.diets"))


def is_occasion(name: str) -> bool:
    """Whether a thing's name ends in a word for an occasion ("the sponsor meeting", "boat
    trip"): what is called off so is an event."""
    last = name.split()[-1] if name.split() else ""
    return _EVENT.fullmatch(last) is not None


# The user's likes, in their words ("I prefer ...") or an agent's ("User prefers ...").
_STANCE = (
    r"(?:really\s+|also\s+|much\s+|always\s+|strongly\s+)?"
    r"(?P<verb>likes?|loves?|prefers?|enjoys?|hates?|dislikes?|avoids?|don't like|"
    r"do not like|doesn't like|does not like|can't stand|wants?\s+to\s+avoid|wants?(?!\s+to\b)|"
    # "I don't want them on raw food", "insists phones stay in bags"; not wanting to do a
    # thing is a stance too ("I really don't want to do phone banking"), where wanting to do
    # one is more often a plan.
    r"(?:don'?t|do\s+not|doesn'?t|does\s+not)\s+want|insists?(?:\s+on|\s+that)?|"
    r"(?:'d|\u2019d|\s+would)\s+(?:really\s+|much\s+|far\s+)?(?:rather|prefer|like)|"
    # "Allergic to penicillin" opening an agent's note says it of the user, as "I'm" would;
    # after a semicolon it may be of whoever the clause before named ("Grandad is on …;").
    r"(?:(?:'m|\u2019m|\s+am|\s+is|\s+are)\s+|(?<![\s\S]))allergic\s+to|"
    # A habit not kept: "never flies Ryanair", "doesn't take rush jobs at weekends".
    r"(?:never|doesn't|does\s+not|don't|do\s+not|won't|will\s+not)(?=\s+(?:"
    + "|".join(sorted(lexicon("things.habit_verbs"), key=len, reverse=True))
    + r")\b)|"
    # A diet: "I'm vegetarian", "user has been fully vegan since 2026-01-01".
    r"(?:'m|\u2019m|\s+am|\s+is|\s+are|\s+has\s+been|\s+have\s+been|\s+went|\s+became)"
    r"(?:\s+(?:now|fully|strictly|mostly|also|still))?(?=\s+(?:"
    + "|".join(sorted(map(re.escape, _DIETS), key=len, reverse=True))
    + r")\b))"
    # A full stop ends what is wanted unless a number follows it ("bat at no. 4", "£4.50").
    r"\s+(?P<what>(?:[^.;!?\u2014\u2013]|\.(?=\s*\d))+)"
)
# The user as a subject, in their words or an agent's.
_USER_SUBJECT = r"(?:I|we|(?:the\s+)?user)"
_PREFER = re.compile(
    # "The user herself prefers …": a reflexive may follow the subject.
    rf"(?:\b{_USER_SUBJECT}(?:\s+(?:myself|ourselves|herself|himself|themselves))?\s*"
    r"|(?:^|(?<=[.;:]))\s*)" + _STANCE,
    re.IGNORECASE,
)
_OPENING_STANCE = re.compile(r"^\s*(?:(?:I|we|(?:the\s+)?user)\s*)?" + _STANCE, re.IGNORECASE)
# "Prefs: user snowboards, prefers red runs, hates early starts": in a sentence about the
# user, a stance after a comma is theirs too.
_PREFER_LISTED = re.compile(r"(?<=,)\s*" + _STANCE, re.IGNORECASE)
# The sentence opens on the user (an agent's label may come first); "The user's manager,
# Tom Reid, wants …" opens on someone of the user's, whose the stances after it are.
_ABOUT_USER = re.compile(
    r"^\s*(?:[^\W\d_][\w\s\-]{0,20}:\s*)?(?:the\s+)?user\b"
    r"(?:['\u2019]s\s+(?P<owned>[^\W\d_][\w\-]*))?",
    re.I,
)


def says_a_thing_to_do(text: str) -> bool:
    """Whether `text` opens on a verb of doing and what it acts on ("Fix the shed roof")."""
    return _DO.match(text.strip()) is not None


def says_a_stance(text: str) -> bool:
    """Whether `text` tells a stance of the user's ("prefers red runs", "user wants …")."""
    return _stance(text) is not None


def _stance(text: str) -> re.Match[str] | None:
    """The first stance of the user's a sentence tells (see `_PREFER`)."""
    m = _PREFER.search(text)
    if m is not None:
        return m
    about = _ABOUT_USER.match(text)
    if about is not None and not kin_or_role(about.group("owned") or ""):
        return _PREFER_LISTED.search(text)
    # "i want to fly direct, prefer WestJet or Air Canada": a sentence opening on the
    # speaker is about them as one opening on "User" is, until someone else is named.
    if _OPENS_ON_SPEAKER.match(text):
        listed = _PREFER_LISTED.search(text)
        if listed is not None and not _SOMEONE_NAMED.search(text, 1, listed.start()):
            return listed
    return None


def _their_stance(s: Analyzed, names: dict[str, str]) -> tuple[re.Match[str], str] | None:
    """A stance of liking told of someone the sentence names as its subject ("Hyun-joo
    prefers Korean food", "Yusra (my wife) wants the battery in the garage"), with their
    name; None when there is none. Their habit, diet or allergy is a detail kept with them,
    not a preference; what they want of the user is a demand (`_asked_of_user`)."""
    for x in s.mentions:
        if x.speaker or x.pronoun or x.possessive or x.entity.startswith("org:"):
            continue
        if x.entity not in names:
            continue
        m = _AFTER_SOMEONE.match(s.text, x.end)
        if m is None:
            continue
        said = _stance_verb(m)
        if said not in _LIKING or (said == "wants" and _asked_of_user(s, m)):
            continue
        return m, names[x.entity]
    return None


def _stance_verb(m: re.Match[str]) -> str | None:
    """How a preference's value says the stance `m` reads ("'d rather" -> "would rather", by
    its last word), or None for a verb `_STANCE` reads only before a diet word."""
    said = " ".join(m.group("verb").lower().replace("\u2019", "'").split())
    return _PREFER_VALUE.get(said) or _PREFER_VALUE.get(said.split()[-1])


def _asked_of_user(s: Analyzed, m: re.Match[str]) -> bool:
    """Whether what someone "wants" is asked of the user rather than liked: by a day
    ("Agnieszka wants the Ch4 draft by 18 Dec", "… from April 2027"), or for the user to do
    ("Parveen wants user to practise roundabouts"). A deadline makes a demand; a taste has
    none."""
    start, end = m.span("what")
    if any(v.kind == "date" and start <= v.start < end for v in s.values):
        return True
    return _DEMAND.search(m.group("what")) is not None


# A stance right after someone's name, an aside about them maybe between.
_AFTER_SOMEONE = re.compile(r"(?:\s*\([^()]{0,60}\))?\s+" + _STANCE, re.IGNORECASE)
_LIKING = frozenset(
    ("likes", "loves", "prefers", "enjoys", "dislikes", "avoids", "wants", "would rather",
     "doesn't want", "insists")
)  # fmt: skip
_DEMAND = re.compile(r"\bby\b|^\s*(?:the\s+)?(?:user|me|us|you)\s+to\b", re.IGNORECASE)


_OPENS_ON_SPEAKER = re.compile(r"\s*(?:I|we)\b(?!['\u2019]s)", re.IGNORECASE)
# A capitalised word past the first that is no acronym: a name ("I met Tom, loves jazz").
_SOMEONE_NAMED = re.compile(r"\b[A-Z][a-z]")


# What is wanted ends where a reason, a consequence or a clause of its own is joined on
# ("Prefers morning sessions because the wind picks up", "even tho auto is easier", "in
# writing, so there's a paper trail", "allergic to peanuts and I don't eat pork").
_REASON = re.compile(
    r",?\s+(?:(?:because|so that|so|(?:even\s+)?(?:though|tho))\s+"
    r"|(?:and|but|while)\s+(?:I|we|he|she|they|(?:the\s+)?user)\b"
    # A second thing said of the same subject: "prefers oat milk and wants to add …".
    r"|(?:and|but)\s+(?:also\s+)?(?:wants?|needs?|plans?|hopes?|is|are|was|were|has|have|had"
    r"|will|would|can|could|should|thinks?|says?|said|asks?|asked)\b).*$"
    # A clause of its own after a comma: "prefer standing at the end of a row, I get
    # claustrophobic in the middle".
    r"|,\s+(?:I|we|he|she|they)(?:['\u2019][a-z]+)?\s+(?!and\b|or\b).*$",
    re.IGNORECASE,
)
# "My favourite X is Y", "User's preferred X: Y", and an agent's label "Favourite X: Y".
_FAVORITE = re.compile(
    r"(?:\b(?:my|our|(?:the\s+)?user['\u2019]s)\s+|^\s*|[.;]\s+)"
    r"(?P<kind>favou?rite|preferred)\s+(?P<topic>[\w\s]+?)"
    r"(?:\s+(?:is|are)|\s*:)\s+(?P<value>(?:[^.;!?]|(?<=\b[A-Z])\.|(?<=\bDr|\bSt|\bMr|\bMs)\.)+)",
    re.IGNORECASE,
)
# A preference said as a note's label: "Preference: runbooks live in Confluence, not in the
# repo", or a label whose value is the only one wanted: "Gels: Maurten only".
_SAID_PREFERENCE = re.compile(
    r"(?:^\s*|[.;]\s+)(?:(?i:preferences?|prefers)\s*:\s+(?P<what>[^.;!?]+)"
    r"|(?P<topic>[A-Z][a-z]+(?:\s+[a-z]+)?)\s*:\s+(?P<only>[^.;!?,]{1,40}?)\s+only"
    r"(?=\s*(?:[,;.!?]|$)))"
)
_PREFER_VALUE = {"like": "likes", "love": "loves", "prefer": "prefers", "enjoy": "enjoys",
                 "hate": "dislikes", "dislike": "dislikes", "don't like": "dislikes",
                 "do not like": "dislikes", "doesn't like": "dislikes",
                 "does not like": "dislikes", "can't stand": "dislikes",
                 "likes": "likes", "loves": "loves", "prefers": "prefers", "enjoys": "enjoys",
                 "hates": "dislikes", "dislikes": "dislikes", "avoid": "avoids",
                 "avoids": "avoids", "want": "wants", "wants": "wants", "rather": "would rather",
                 "to": "allergic to", "never": "never", "doesn't": "doesn't", "not": "doesn't",
                 "don't": "doesn't", "won't": "won't", "insist": "insists", "insists": "insists",
                 "on": "insists on", "that": "insists", "don't want": "doesn't want",
                 "do not want": "doesn't want", "doesn't want": "doesn't want",
                 "does not want": "doesn't want", "dont want": "doesn't want",
                 "doesnt want": "doesn't want"}  # fmt: skip
# ("'d rather", "would rather" by their last word; "am / is allergic to" by "to")
# "likes dark chocolate but dislikes coffee": a second stance joined on is a preference of its
# own, said of the same person.
# "..., but dislikes coffee", "prefers red runs, hates early starts".
_SECOND_STANCE = re.compile(
    r"(?:,?\s+(?:but|and|while|whereas)|,)\s+(?:also\s+|really\s+)?(?=(?:likes?|loves?|prefers?|"
    r"enjoys?|hates?|dislikes?|avoids?|can't stand|doesn't like|does not like|wants?\s+to\s+avoid|"
    r"would\s+rather|insists?|wants?(?!\s+to\b))\b)",
    re.IGNORECASE,
)
# ... or someone else's, in a clause of its own: "I prefer red wine, Sam likes gin", "I love
# jazz but my wife prefers folk": what the user's stance is about ends before it.
_OTHERS_STANCE = re.compile(
    r"(?:,?\s+(?:but|and|while|whereas)|,|;)\s+"
    r"(?:[A-Z][\w\-]*|(?:my|our|his|her|their)\s+[a-z][\w\-]*|he|she|they)\s+"
    r"(?:also\s+|really\s+)?(?:likes?|loves?|prefers?|enjoys?|hates?|dislikes?|avoids?|"
    r"can't\s+stand|doesn't\s+like|does\s+not\s+like|would\s+rather)\b",
)
_NAME = rf"\"[^\"]+\"|'[^']+'|{UPPER}[\w\-]*(?:\s+(?:{UPPER}|\d)[\w\-]*)*"
_PROJECT = re.compile(
    # A label opening a clause names the project after it, whatever kind of project the
    # label says: "Spring project: Fauré's Requiem with …", "Project: garden office build".
    r"(?:^|(?<=[.;!?])\s+)(?:[A-Z]?[a-z]+\s+)?[Pp]roject\s*:\s+(?P<d>[^,;.!?\u2014\u2013]+)"
    rf"|\b[Pp]roject\s+(?:called\s+|named\s+)?(?P<a>{_NAME})|\b(?P<b>{_NAME})\s+project\b"
    r"|\b[Tt]he\s+(?P<c>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})\s+project\b"
)


@dataclass
class Things:
    drafts: list[Draft] = field(default_factory=list)
    relations: list[ExtractedRelation] = field(default_factory=list)
    # Each made of a clause joined on after one about someone named, which is theirs still
    # ("Ffion is vegan btw so we need to sort food").
    told_apart: bool = False


def read_things(
    s: Analyzed,
    mapped: SchemaMap,
    people: dict[str, Draft],
    names: dict[str, str],
    facts: SentenceFacts,
    make: MakeDraft,
) -> Things:
    out = Things()
    readers = [
        ("task", _task),
        ("event", _event),
        ("preference", _preference),
        ("project", _project),
    ]
    # A kind whose type the sentence names ("the ... project", "task ...") is tried first,
    # and a stance the sentence opens with is the user's preference before anything else
    # ("Prefers to cite original records rather than copying …" is no task).
    stance = _OPENING_STANCE.match(s.text) is not None
    readers.sort(
        key=lambda r: (stance and r[0] != "preference", not _names_type(s.text, mapped.first(r[0])))
    )
    stated = _in_state(s, mapped, make)
    if stated is not None:
        fill_fields(s, stated)
        _due_if_said(s, stated)
        out.drafts.append(stated)
        readers = []  # what the thing is, its state has said
    for kind, reader in readers:
        spec = mapped.first(kind)
        if spec is None:
            continue
        draft = reader(s, spec, people, names, make) or _named_type(s, spec, make)
        if draft is not None:
            fill_fields(s, draft)
            if kind == "project":
                _due_if_said(s, draft)
            out.drafts.append(draft)
            _link(out, mapped, draft, s, people, kind, names)
            more_of = {"preference": _more_stances, "task": _more_tasks}.get(kind)
            for more in more_of(s, spec, people, names, make) if more_of else []:
                if all(more.values != d.values for d in out.drafts):
                    out.drafts.append(more)
                    _link(out, mapped, more, s, people, kind, names)
            break
    preference = mapped.first("preference")
    if preference is not None and all(d.spec is not preference for d in out.drafts):
        # A stance or rule of the user's told in a clause of its own, whatever the clauses
        # before it tell ("Need to book the venue by Friday; I'd prefer somewhere near the
        # station", "Aunt Nour is collecting old photos …. also no speeches longer than 5
        # mins"): the first reader took the first clause, or someone named before the rule
        # made it seem theirs.
        for clause in _later_stances(s):
            draft = _preference(clause, preference, people, names, make)
            if draft is not None:
                out.drafts.append(draft)
                break
    project = mapped.first("project")
    if project is not None and not any(d.spec is project for d in out.drafts):
        # The user's own undertaking is told in a clause of its own, whatever else the
        # sentence tells ("finally doing my citizenship application!!! … want it in before
        # christmas").
        undertaken = _undertaking(s)
        draft = _project(s, project, people, names, make, undertaken) if undertaken else None
        if draft is not None:
            out.drafts.append(draft)
    task = mapped.first("task")
    needed = _NEEDED.search(s.text) if task is not None else None
    if task is not None and needed is not None:
        # A thing needed is told in a clause of its own, whatever the sentence's other
        # clauses tell ("User needs a VHF radio licence …; the SRC course is on 6 March").
        title = name_field(task, "task") or ""
        titles = {str(d.values.get(title)) for d in out.drafts}
        for draft in _needed(s, task, make, needed):
            if str(draft.values.get(title)) not in titles:
                out.drafts.append(draft)
    for spec in mapped.schema.objects.values():
        if spec.name not in mapped.kinds and not any(d.spec is spec for d in out.drafts):
            draft = _named_type(s, spec, make) or read_work(s, spec, make)
            if draft is not None:
                fill_fields(s, draft)
                work_fields(s, draft) if is_work(spec) else None
                out.drafts.append(draft)
    for draft in out.drafts:
        flags_and_choices(s.text, draft, facts)
        facts.use(0, len(s.text))
    subject = s.subject()
    out.told_apart = (
        bool(out.drafts)
        and subject is not None
        and not subject.speaker
        and not subject.entity.startswith("org:")
        and all(
            _another_clause(s, subject, d) or _theirs_said(s, subject, d, names) for d in out.drafts
        )
    )
    return out


def _later_stances(s: Analyzed) -> list[Analyzed]:
    """The clauses after the first that open on a stance or a rule of the user's, each as a
    sentence of its own (its mentions and values moved with it)."""
    out = []
    for at in _CLAUSE_OPENS.finditer(s.text):
        start = at.end()
        text = s.text[start:]
        opening = _PREFER.search(text)
        ruled = _RULED_OUT.search(text)
        if not (
            # The user's, said so: a clause with no subject of its own goes on about whom
            # the sentence is ("Grandad is on blood thinners; allergic to penicillin").
            (
                opening is not None
                and opening.start() <= _OPENING_WITHIN
                and _SAID_BY_USER.match(opening.group()) is not None
            )
            or (ruled is not None and ruled.start() <= _OPENING_WITHIN)
        ):
            continue
        mentions = [
            replace(m, start=m.start - start, end=m.end - start)
            for m in s.mentions
            if m.start >= start
        ]
        values = [
            replace(v, start=v.start - start, end=v.end - start)
            for v in s.values
            if v.start >= start
        ]
        out.append(
            replace(s, sentence=replace(s.sentence, text=text), mentions=mentions, values=values)
        )
    return out


# Where a clause of its own opens: after a stop, a semicolon or a dash, or after a comma
# before "also", "and", "but" or "plus". A stance may open a few words in ("tbh I'd rather").
_CLAUSE_OPENS = re.compile(
    r"(?:[.;!?]|\s[\u2014\u2013-])\s+|,\s+(?=(?:also|and|but|plus)\b)", re.IGNORECASE
)
_OPENING_WITHIN = 12
_SAID_BY_USER = re.compile(rf"\s*{_USER_SUBJECT}\b", re.IGNORECASE)


def _theirs_said(s: Analyzed, subject: Mention, draft: Draft, names: dict[str, str]) -> bool:
    """Whether `draft` is the subject's own stance (`_their_stance`): the sentence is still
    about them, and kept with them too."""
    theirs = _their_stance(s, names)
    return (
        theirs is not None
        and theirs[1] == names.get(subject.entity)
        and any(isinstance(v, str) and v.startswith(theirs[1]) for v in draft.values.values())
    )


# Where a clause joined on starts: a mark, or a word that opens one.
_JOINED_CLAUSE = re.compile(r"[;,:]|\s[\u2014\u2013-]\s|\b(?:so|but|because|and|while|then)\b")


def _another_clause(s: Analyzed, subject: Mention, draft: Draft) -> bool:
    """Whether what `draft` was made of is told in a clause joined on after the one whose
    subject is `subject` ("Ffion is vegan btw so we need to sort food": the task is the
    second clause's, what is said of Ffion the first's, hers to keep)."""
    title = draft.values.get(name_field(draft.spec) or "")
    at = s.text.find(title) if isinstance(title, str) and title else -1
    return at > subject.end and _JOINED_CLAUSE.search(s.text, subject.end, at) is not None


def _due_if_said(s: Analyzed, draft: Draft) -> None:
    """A piece of work's day is its deadline only when said as one ("submission due 29
    January"): "— planned, start 11 January", "approved … on 27 Nov" give it none."""
    due = field_for(draft.spec, "due", ("date", "datetime"))
    if due is None:
        return
    draft.values.pop(due, None)
    for v in s.values:
        if v.kind == "date" and DEADLINE_BEFORE.search(s.text[: v.start]):
            draft.put(due, v.value)
            return


def _in_state(s: Analyzed, mapped: SchemaMap, make: MakeDraft) -> Draft | None:
    """A thing told in a state only one type's records can be in, as a record of that type:
    "Website redesign for Ferris Dental: in progress" and "The kitchen renovation is on hold"
    are projects, by the default schema, as "active", "paused" and "planned" are its
    project's states, not its task's (`typed_by_state`). Not someone ("Tom is on hold with
    the bank"), and not a thing of a type the sentence names ("Task: … (in progress)")."""
    found = thing_in_state(s.text)
    if found is None or any(
        _names_type(s.text, spec)
        for spec in mapped.schema.objects.values()
        if mapped.kinds.get(spec.name) != "note"  # "Note: …" files it, names no type of it
    ):
        return None
    thing, meant, _ = found
    if any(thing.lower() in spec.fields for spec in mapped.schema.objects.values()):
        return None  # "Status: active, roughly 40% drafted": a field's label, not a thing
    at = s.text.find(thing)
    if any(m.start <= at < m.end for m in s.mentions if not m.entity.startswith("org:")):
        return None  # someone's state, or a thing said as someone's ("Mum's operation")
    typed = typed_by_state(meant, mapped)
    if typed is None:
        return None
    spec, status = typed
    draft = make(spec, None)
    if not draft.put(name_field(spec), thing):
        return None
    draft.put(status, allowed_state(meant, spec.fields[status].enum or ()))
    if found[2]:
        draft.notes.append(s.text)  # "— active, quoted £6,850": what more is said of it
    return draft


def typed_by_state(meant: tuple[str, ...], mapped: SchemaMap) -> tuple[ObjectSpec, str] | None:
    """The one type whose state field holds the state's own word, with that field: of the
    values that could mean a state ("active", "in_progress"), the first is its own word, the
    rest what another type calls it. So "active" is a project's (a task is "in_progress"),
    "open" a task's; "done", which both hold, types nothing."""
    ranked: list[tuple[int, ObjectSpec, str]] = []
    for spec in mapped.schema.objects.values():
        if name_field(spec) is None:
            continue
        for fname, fspec in spec.fields.items():
            held = [str(v).lower() for v in fspec.enum or ()]
            at = next((i for i, v in enumerate(meant) if v in held), None)
            if at is not None:
                ranked.append((at, spec, fname))
                break
    ranked.sort(key=lambda r: r[0])
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return None
    return ranked[0][1], ranked[0][2]


def set_priority(text: str, draft: Draft) -> None:
    """ "urgent", "ASAP" -> the priority field's high (its enum value, when it has one)."""
    priority = field_for(draft.spec, "priority")
    for word, value in URGENT.items():
        if re.search(rf"\b{word}\b", text, re.IGNORECASE):
            draft.put(priority, value)


def _names_type(text: str, spec: ObjectSpec | None) -> bool:
    if spec is None:
        return False
    phrase = " ".join(name_words(spec.name))
    return (
        re.search(rf"\b(?:{re.escape(phrase)}|{re.escape(plural(phrase))})\b", text, re.I)
        is not None
    )


def _dates_from_its_clause(s: Analyzed, draft: Draft, dates: list[Span]) -> list[Span]:
    """The dates a thing may take: not those of a clause ended by a semicolon before the one
    naming it ("Pumpkin had his vaccinations on 2025-10-14; the rabies booster is due again
    in October 2026": the booster is not due on the 14th). A date said after it, in its
    clause or the next, may be its own ("Dentist; 3 March at 10am")."""
    title = draft.values.get(name_field(draft.spec) or "")
    at = s.text.find(title) if isinstance(title, str) and title else -1
    if at < 0:
        return dates
    opens = s.text.rfind(";", 0, at) + 1
    # Nor, for a thing done, one said after a dash that opens what has been done of it ("buy
    # new strings \u2014 ordered 30 November"): when that was done, not when it is due.
    status = field_for(draft.spec, "status")
    done = status is not None and draft.values.get(status) in DONE_VALUES
    dashed = _DASHED_DEED.match(s.text, at + len(str(title))) if done else None
    closes = dashed.start() if dashed is not None and past(dashed.group("verb").lower()) else None
    return [d for d in dates if d.start >= opens and (closes is None or d.start < closes)]


def fill_fields(s: Analyzed, draft: Draft) -> None:
    """Fields written out in the sentence ("priority high", "deadline is 2026-07-01", "from
    2026-04-02 to 2026-04-16" for start and end dates)."""
    dates = [v for v in s.values if v.kind == "date"]
    if len(dates) >= 2 and re.search(
        r"\b(?:to|until|till|through|and)\b|[-\u2013]", s.text[dates[0].end : dates[1].start]
    ):
        start = date_field(draft.spec, ("start", "from", "departure", "check_in", "begin"))
        end = date_field(draft.spec, ("end", "to", "return", "check_out", "until"))
        if start and end:
            draft.put(start, dates[0].value)
            draft.put(end, dates[1].value)
    written_fields(s, draft)
    one_date(draft, _dates_from_its_clause(s, draft, dates))
    money(s, draft)
    counts(s, draft)
    provider(s, draft)
    assignee = field_for(draft.spec, "assignee", ("str",))
    to = re.search(r"\bassigned\s+to\s+", s.text)
    if assignee and to:
        person = next((m for m in s.mentions if m.start == to.end() and not m.pronoun), None)
        if person is not None:
            draft.put(assignee, s.text[person.start : person.end].removesuffix("'s"))


def written_fields(s: Analyzed, draft: Draft) -> None:
    """Fields named in the sentence with their value: "priority high", "due date is ..."."""
    skip = {notes_field(draft.spec)}
    for fname, fspec in draft.spec.fields.items():
        if fname in skip or draft.has(fname):
            continue
        for phrase in phrases(fname):
            found = field_value(s.text, phrase, fspec.type, s.values, 0)
            if found and draft.put(fname, found[2]):
                break


def _link(
    out: Things,
    mapped: SchemaMap,
    draft: Draft,
    s: Analyzed,
    people: dict[str, Draft],
    kind: str,
    names: dict[str, str],
) -> None:
    person = mapped.first("person")
    if person is None:
        return
    prefer = {"task": ("assign",), "event": ("attend", "particip"), "project": ("work", "member")}
    found = mapped.relation_between(draft.spec, person, prefer.get(kind, ()))
    if found is None:
        return
    relation, own_role, person_role = found
    seen: set[str] = set()
    assignee = field_for(draft.spec, "assignee", ("str",))
    for m in s.mentions:
        if kind == "task" and draft.values.get(assignee or "") != names.get(m.entity):
            continue  # a task links only to whoever must do it
        other = people.get(m.entity)
        if other is None or other.spec is not person or other.ref in seen:
            continue
        seen.add(other.ref)
        out.relations.append(
            ExtractedRelation(relation.name, {own_role: draft.ref, person_role: other.ref})
        )


def _first_date(s: Analyzed, start: int = 0) -> tuple[int, int, str] | None:
    for v in s.values:
        if v.kind == "date" and v.start >= start:
            return v.start, v.end, str(v.value)
    return None


def _date_of(s: Analyzed, at: int) -> tuple[int, int, str] | None:
    """The date of the thing named at `at`: the one said in its clause, else the first in
    the sentence ("intro done 2026-03-04; first call booked for 2026-03-11": the call's is
    the 11th)."""
    return _clause_date(s, at) or _first_date(s)


def _next_word(text: str, at: int) -> str:
    """The word right after `at`, lowered, when only spaces stand between."""
    m = re.match(r"\s+([^\W\d_]+)", text[at:])
    return m.group(1).lower() if m else ""


def _clause_date(s: Analyzed, at: int) -> tuple[int, int, str] | None:
    """The date said in the clause holding `at`, if any."""
    start = max((m.end() for m in _CLAUSE.finditer(s.text, 0, at)), default=0)
    found = _CLAUSE.search(s.text, at)
    stop = found.start() if found else len(s.text)
    for v in s.values:
        if v.kind == "date" and start <= v.start < stop:
            return v.start, v.end, str(v.value)
    return None


def _someone_to(s: Analyzed) -> re.Match[str] | None:
    """ "Callum to price the decking", "User to renew the permit": `_SOMEONE_TO`, where the one
    named is someone (a person's mention, a given name, the user) or "to" is followed by a
    verb of doing (`things.todo_verbs`: "Want to book the Oceanário"); "Allergic to
    penicillin" and "Escalation to secondary after 15 minutes" open on a word capitalised only
    as it opens."""
    m = _SOMEONE_TO.search(s.text)
    if m is None:
        return None
    who = m.start("who")
    if any(x.start == who and not x.entity.startswith("org:") for x in s.mentions):
        return m
    said = m.group("who")
    if given_name(said.split()[0]) or re.match(r"(?i:the\s+)?user\b", said):
        return m
    # "Want to book …", "Plants to buy in spring: …": a verb of doing after "to".
    first = (m.group("what") or "").split()[:1]
    return m if first and first[0].lower() in _TODO_VERBS else None


def _task(
    s: Analyzed,
    spec: ObjectSpec,
    people: dict[str, Draft],
    names: dict[str, str],
    make: MakeDraft,
    m: re.Match[str] | None = None,
    owner_before: int | None = None,
) -> Draft | None:
    """A task `m` (else the first of the sentence's shapes) says. `owner_before`: where whom
    it is for is said before, when not right before what is to be done (a deed joined on
    with "and" is for whom the first was: "need to call Mum and email the school" is not
    Mum's to do)."""
    m = (
        m
        or _TASK.search(s.text)
        or _someone_to(s)
        or _TAKEN_ON.search(s.text)
        or _DO.search(s.text)
    )
    if m is None:
        return None
    groups = ("what", "due", "bare", "bare2", "chore", "undone", "intent", "taken")
    group = next(g for g in groups if g in m.re.groupindex and m.group(g))
    what_start, what = m.start(group), m.group(group)
    if group == "undone":
        verb, _, rest = what.partition(" ")
        if not past(verb.lower()):
            return None  # "I haven't a clue", "haven't heard back": nothing done or to do
        what = f"{base(verb.lower())} {rest}"
    if re.match(r"(?:not|never)\b", what, re.IGNORECASE):
        return None  # "must not miss it!!": what must not happen, said to stress another
    # "Task: buy new strings \u2014 ordered 30 November, delivered 2 December": a dash before a
    # verb in the past opens what has been done of it; the task ends there, it is done, and
    # a day said after the dash is when that was, not when it is due.
    done_at = _done_from(s.text, what_start, m.end(group))
    if done_at is not None:
        what = s.text[what_start:done_at]
    due = _first_date(s, what_start)
    if due is not None and done_at is not None and due[0] >= done_at:
        due = None
    if group in ("bare", "bare2") and (
        due is None or due[0] - m.end() > 8 or len(what.split()) > _BARE_DUE_WORDS
    ):
        return None  # no date said right after "due", or no short thing before it
    if due is not None and due[0] < what_start + len(what):
        what = _DUE_PREP.sub("", s.text[what_start : due[0]])
    what = re.sub(r"\s*[,(-]?\s*(?:high|low|medium)\s+priority\)?\s*$", "", what.strip(" ,"))
    # "return the library books — they're due back on the 8th": a dash before a pronoun
    # opens a clause of its own, no part of what is to be done.
    what = _DASHED_CLAUSE.split(what, maxsplit=1)[0]
    what = untold(what)
    if (passive := _PASSIVE.match(what)) is not None:
        # "The gas work has to be done before March": what is to be done is the subject, and
        # the participle says what to do to it unless it only says "done".
        subject = _PASSIVE_SUBJECT.search(s.text[:what_start])
        verb = passive.group("verb").lower()
        if subject is not None:  # else it stays as said: "(Must) be returned within 12 weeks"
            np = _OPENING_WORDS.sub("", subject.group("np")) or subject.group("np")
            what = np + ("" if verb in WORDS_FOR_DONE else f" {verb}")
    if group == "what" and (joined := _AND_DO.search(what)) is not None:
        what = what[: joined.start()]  # each deed joined on is a task of its own
    if group != "what":  # "[Actually] the MOT is due ...": the thing due, as its regex reads it
        what = re.sub(r"^the\s+", "", what, flags=re.IGNORECASE)
    if all(w in STOPWORDS for w in what.strip(" ,").lower().split()):
        return None  # "It is due Friday.", "its deadline is …": more of the thing before (`carry`)
    if (
        group == "what"
        and _CONTACT_LABEL.fullmatch(what.strip(" ,."))
        and any(v.kind in ("phone", "email") and v.start >= what_start for v in s.values)
    ):
        return None  # "…; phone 07456 220 918": how to reach someone, nothing to do
    label = s.text[m.start() : what_start].lower()
    if group == "what" and _STATED.match(what) and ":" in label and not _TASK_LABEL.search(label):
        return None  # "Reminder: the bins go out on Tuesdays": a fact to keep, nothing to do
    draft = make(spec, None)
    if not draft.put(name_field(spec, "task"), what.strip(" ,")):
        return None
    if due is not None:
        draft.put(field_for(spec, "due", ("date", "datetime")), due[2])
    # Whose a thing is says no one who is to do it: "Maisie's swimming kit costs £35, need
    # to buy it" is the user's to do.
    owner = [
        x
        for x in s.mentions
        if x.end <= (what_start if owner_before is None else owner_before) and not x.possessive
    ]
    assignee = field_for(spec, "assignee", ("str",))
    if re.search(r"\bme\s+to\s*$", s.text[m.start() : what_start]):
        owner = []  # "Grace asked me to …": the user's to do
    if owner and _SPEAKER_SUBJECT.search(s.text, owner[-1].end, what_start):
        owner = []  # "ffion is vegan so we need to sort food": ours to do, not Ffion's
    if "who" in m.re.groupindex:  # `_SOMEONE_TO`, `_TAKEN_ON`: someone named opens it
        # Whom the clause names, and no one before it ("Kofi leads it; Marisol to draft …").
        owner = [x for x in owner if x.start >= m.start() and not x.pronoun]
        if not owner and assignee and given_name(m.group("who").split()[0]):
            draft.put(assignee, m.group("who"))
    if owner and owner[-1].entity in names and not owner[-1].entity.startswith("org:"):
        draft.put(assignee, names[owner[-1].entity])
    set_priority(s.text, draft)
    status = field_for(spec, "status")
    finished = re.finditer(r"\b(?:done|finished|completed|closed)\b", s.text, re.I)
    if done_at is not None and status is not None:
        draft.put(status, allowed_state(DONE_VALUES, spec.fields[status].enum or ()))
    elif all(wanted_done(s.text, f.start()) for f in finished):
        put_open(draft)  # "need to get the van's MOT done" is still to do
    return draft


# What is to be done, said in the passive: "(has to) be done", "(needs to) be serviced".
_PASSIVE = re.compile(
    r"(?:be|get)\s+(?P<verb>[a-z]+ed|done|paid|sent|made|built|seen|taken)\b", re.I
)
# The subject of that clause, a few words after its determiner or its start: "(so all) the
# gas work", "the boiler".
_PASSIVE_SUBJECT = re.compile(
    r"(?:^|[,;:\u2014\u2013]\s*|\b(?:so|and|but|because|since|as|if|when|until)\s+)"
    r"(?:all\s+)?(?:(?:the|my|our|his|her|their)\s+)?"
    r"(?P<np>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}?)\s+(?:has|have|needs?|must|should|will)"
    r"(?:\s+to)?\s+$",
    re.IGNORECASE,
)
# Words that open a clause or a noun phrase, not the thing itself: "because the church".
_OPENING_WORDS = re.compile(
    r"^(?:(?:so|and|but|because|since|as|if|when|until|all|the|my|our|his|her|their)\s+)+",
    re.IGNORECASE,
)
# A deed joined on with "and" to what is to be done ("… and set up my pension with Aviva",
# "call the plumber and pay the gas bill"): a verb of doing right after "and".
_AND_DO = lazy_compile(
    rf"\s+and\s+(?:then\s+|also\s+)?(?P<what>(?:{'|'.join(sorted(_TODO_VERBS | {'set'}))})\b"
    r"(?:[^.;!?]|\.(?=\d))*)",
    re.IGNORECASE,
)
# The speaker as the subject of a clause of its own ("so we need to", "and I'll").
_SPEAKER_SUBJECT = re.compile(
    r"\b(?:we|I)(?:['\u2019](?:ll|ve|d|m)|\s+(?:need|have|must|should|will|can|want|got))\b"
)


def _done_from(text: str, start: int, end: int) -> int | None:
    """Where, between `start` and `end`, a dash opens what has been done of a thing to do,
    on a verb in the past ("\u2014 ordered 30 November"); not one saying by whom it is done
    ("\u2013 handled by his accountant")."""
    dashed = _DASHED_DEED.search(text, start, end)
    if dashed is None or not past(dashed.group("verb").lower()):
        return None
    return dashed.start()


_DASHED_DEED = re.compile(r"\s+[-\u2014\u2013]\s+(?P<verb>[^\W\d_]+)\b(?!\s+by\b)")
_DASHED_CLAUSE = re.compile(
    r"\s+[-\u2014\u2013]\s+(?=(?:they|it|he|she|we|I|you|that|this|there)(?:\b|['\u2019]))",
    re.IGNORECASE,
)


def _needed(s: Analyzed, spec: ObjectSpec, make: MakeDraft, m: re.Match[str]) -> list[Draft]:
    """A thing to get for each thing the user needs (`_NEEDED`), open, due on the date said
    after them ("… by 18 dec")."""
    group = next(g for g in ("needed", "still", "mine") if m.group(g))
    start, what = m.start(group), m.group(group)
    due = _first_date(s, start)
    if due is not None and due[0] >= m.end(group):
        due = None  # another clause's date ("…; the course is on 6 March")
    if due is not None:
        what = _DUE_PREP.sub("", s.text[start : due[0]])
    # It ends where the sentence goes on to something else: a dash, "so", "because", …, or
    # the deed wanted of it ("need the inspection done before we can trade").
    what = re.split(
        r"\s+[-\u2014\u2013]\s+|\s*[,(]?\s*\b(?:so|because|but|which|as)\b"
        r"|\s+(?:done|sorted|fixed|finished|signed|checked|sent|booked)\b",
        what,
    )[0]
    what = re.sub(r"\s+for\s+(?:it|them|this|that)\s*$", "", what.strip(" ,"))  # "… for it"
    items = [i.strip(" ,") for i in _NEEDED_APART.split(what)]
    if any(len(i.split()) > _NEEDED_ITEM_WORDS for i in items):
        items = [what.strip(" ,")]  # a longer clause: one thing, said at length
    drafts = []
    for item in items:
        title = re.sub(r"^(?:a|an|the|some|my)\s+", "", item, flags=re.IGNORECASE)
        if all(w in STOPWORDS or w in _HOW_MANY for w in title.lower().split()):
            continue  # "still need one more": how many, not what
        draft = make(spec, None)
        if not draft.put(name_field(spec, "task"), title):
            continue
        if due is not None:
            draft.put(field_for(spec, "due", ("date", "datetime")), due[2])
        put_open(draft)
        drafts.append(draft)
    return drafts


def put_open(draft: Draft) -> None:
    """A thing to do told with no state is open (whatever its status field calls that)."""
    status = field_for(draft.spec, "status")
    for default in ("open", "todo", "to_do", "pending") if status else ():
        if draft.put(status, default):
            break


def _more_tasks(
    s: Analyzed, spec: ObjectSpec, people: dict[str, Draft], names: dict[str, str], make: MakeDraft
) -> list[Draft]:
    """The other things a sentence gives to do, each in a clause of its own ("Lab report due
    12 March; essay plan due 19 March", "chapter 3 draft due 28 Feb; user to rerun the
    agreement"): a task for each clause after the first that says one. What a "need to"
    asks for runs to the clause's end, so a later one is in another clause."""
    out = []
    first = _TASK.search(s.text)
    if first is not None and first.group("what"):
        # "need to finish the modules by Friday and set up my pension": what "need to" asks
        # for, each deed joined on with "and" in its clause (`_AND_DO`).
        for also in _AND_DO.finditer(s.text, first.start("what"), first.end("what")):
            draft = _task(s, spec, people, names, make, also, owner_before=first.start("what"))
            if draft is not None:
                out.append(draft)
    at = first.end() if first is not None else len(s.text)
    while (m := _TASK.search(s.text, at)) is not None:
        at = m.end()
        draft = _task(s, spec, people, names, make, m)
        if draft is not None:
            out.append(draft)
    return out


def _event(
    s: Analyzed, spec: ObjectSpec, people: dict[str, Draft], names: dict[str, str], make: MakeDraft
) -> Draft | None:
    generic = {"event", "meeting", "appointment", "activity", "occasion", "calendar", "session"}
    if not generic & set(name_words(spec.name)):
        return None
    label = _LABEL.match(s.text)
    # "Target race: Manchester Marathon, 18 April": the label's occasion is the kind, not its
    # name; an occasion named after the label may be one ("Two viewings lined up: …, a
    # dinner on …"). Of several, the one whose clause holds a date is the one dated ("GOT
    # INTO THE GROUP EXHIBITION!!! …, screening on 15 January"), else the first.
    # A label saying the thing was booked ("Practical test booked: Thursday 4 February, …")
    # names the thing itself, as its dated clause does (`_dated_thing`).
    booked = label is not None and _TRAILING_DONE.search(label.group().strip(" :")) is not None
    found = list(_EVENT.finditer(s.text, label.end() if label is not None and not booked else 0))
    # "vaccination booster", "mediation session": the last of occasion words in a row is the
    # occasion, the ones before it say which (its lead).
    found = [
        f
        for f, n in zip(found, [*found[1:], None], strict=False)
        if n is None or n.start() > f.end() + 1
    ]
    # "booked at Wembley test centre on 19 february": a word for an occasion naming the sort
    # of place after it says what the place is for; the occasion is another.
    held = [f for f in found if _next_word(s.text, f.end()) not in _PLACE_KINDS]
    dated = [(f, d) for f in held if (d := _clause_date(s, f.start())) is not None]
    # Of several in the dated clause, the date is said of the one right before it ("training
    # for the Berlin Half Marathon on 5 April": the marathon), else of the first after it.
    leading = [f for f, d in dated if d == dated[0][1] and f.end() <= d[0]]
    m = leading[-1] if leading else (dated[0][0] if dated else None)
    m = m or (found[0] if found else None)
    if m is None:
        return None
    date = _date_of(s, m.start())
    if date is not None and _DEADLINE.search(s.text, 0, date[0]):
        return None  # "delivery due Mon 18 Jan": a day things are due by, a task's
    if date is not None and date[1] <= m.start() and _APART.search(s.text, date[1], m.start()):
        return None  # "JLPT N4 is on 6 Dec — registered, test centre is SOAS": another's date
    if date is not None and date[0] >= m.end() and _own_part(s.text, m.end(), date[0]):
        # "user passed the Monzo technical test; final round on 18 December": the date is
        # the next part's, which says its own thing.
        return None
    if (
        date is not None
        and date[1] <= m.start()
        and _OWN_SUBJECT.search(s.text, date[1], m.start())
    ):
        # "Amara's mock is Monday 11 January and Chidinma wants two extra sessions": a
        # clause joined on with a subject of its own says another thing than the date's.
        return None
    with_people = re.match(r"\s+(?:with|against|vs\.?|v\.?)\s+", s.text[m.end() :])
    if date is None and with_people is None:
        return None
    before = s.text[: m.start()].split()
    lead: list[str] = []
    for word in reversed(before[-3:]):
        # "Grade 6 piano exam": a number may name it too, with the words it follows; "(Salzburg
        # trip)": a bracket opens the name.
        opened = word[:1] in "(\"'\u201c\u2018"
        word = word.lstrip("(\"'\u201c\u2018")
        if (
            word.lower() in STOPWORDS
            or word.lower().endswith("ed")
            or not word.replace("-", "").isalnum()  # "Mid-season meet-up": one word
            or word.lower() in _TOLD_ASIDE
        ):
            break  # "Actually collection has moved": the cue is no part of its name
        lead.insert(0, word)
        if opened:
            break
    if lead and lead[0].isdigit():
        lead = lead[1:]  # "3 dentist appointments" counts them, "Grade 6 ..." names one
    # "Tour du Mont Blanc": a noun opening a name is the name's first word, the name its title.
    named = _NAME_GOES_ON.match(s.text, m.end()) if m.group()[:1].isupper() else None
    title = " ".join([*lead, m.group() + (named.group() if named else "")])
    # What tells this one from another of its kind: where it goes ("a flight to Rome") and
    # whose it is when not the speaker's ("Leo has a dentist appointment", "Leo's check-up"),
    # so a second booking of the same kind is a second record, not the first one renamed.
    going = re.match(
        rf"\s+to\s+(?P<place>{UPPER}[\w'\-]*(?:\s+{UPPER}[\w'\-]*)*)", s.text[m.end() :]
    )
    # "moved the lessons to Thursday": a day it goes to is when it is, said by its date.
    if going is not None and with_people is None and not names_a_time(going["place"].split()):
        title += f" to {going.group('place')}"
    opens = s.text.rfind(lead[0], 0, m.start()) if lead else m.start()
    whose = _whose(s, opens, names) or _kin_whose(s.text[:opens])
    if whose is not None:
        title = f"{whose}'s {title}"
    if with_people is not None:
        tail = s.text[m.end() :]
        stop = re.search(
            # "Rehearsal with Dmitri is on …": the verb ends who it is with, too.
            r"\s+(?:on|at|in|next|last|this|tomorrow|today|yesterday|by|is|are|was|were|will)\b"
            r"|[.,;!?]",
            tail,
        )
        title += tail[: stop.start() if stop else len(tail)]
    draft = make(spec, None)
    if not draft.put(name_field(spec, "event"), title.strip()):
        return None
    if date is not None:
        draft.put(field_for(spec, "date", ("date", "datetime")), date[2])
    rest = s.text[m.end() :]
    if date is not None and date[0] >= m.end():
        rest = s.text[m.end() : date[0]] + s.text[date[1] :]
    # After a label naming the thing, all that follows says more of it, names too ("Survey
    # booked: RICS Level 2, surveyor Beata Kowalczyk").
    told = rest if booked else _CAPITALISED.sub("", rest)
    if says_more(told, 3) and not _CHANGE_SAID.search(s.text):
        # "Greenhaus delivery GH-7731 arrived 27 Nov with 30 of 120 hangers damaged": what
        # more is said of it stays with it (more than where it is: names are not counted),
        # less its day, which its date holds and a move changes.
        draft.notes.append(_without_day(s.text, date) if date is not None else s.text)
    # "at Corn Exchange", "in the Jubilee Room": a name said where the event is.
    places = [
        *s.places,
        *(
            c
            for c in s.candidates
            if (c.before[-1:] in (["at"], ["in"]) or c.before[-2:] == ["in", "the"])
            and not names_a_time(c.tokens)  # "in October 2026": when, not where
            # "in Jonas's campervan" says whose, not where; "at Wiebke's studio" is where.
            and not (c.possessive and not c.owns_nothing and _kind_after(s, c.end) is None)
            and c.name.lower() not in CURRENCY_CODES  # "at GBP 1,150/month": a price
        ),
    ]
    first = min((p for p in places if p.start > m.start()), key=lambda p: p.start, default=None)
    # "at the Queen's Rooms, Bristol", "at the VFS centre in London": the venue said with
    # "at", and the town it is in when that follows it.
    at = _at_venue(s, m.start(), first.start if first is not None else len(s.text))
    if at is not None:
        venue, said = at
        kind = _KIND_AFTER.match(s.text, said.end())
        if kind is not None and kind.group("kind").lower() in _PLACE_KINDS:
            venue = f"{venue} {kind.group('kind')}"
        town = _TOWN_AFTER.match(s.text, kind.end() if kind is not None else said.end())
        if first is not None and town is not None and town.end() == first.start:
            venue = f"{venue}, {first.name}"
        draft.put(field_for(spec, "location", ("str",)), venue)
    elif first is not None:
        located = _with_town_before(s, first)
        if located == first.name:  # "at the Sunrise office": the sort of place is its too
            owner = s.text[first.start : first.end] if first.possessive else located
            located = _with_kind(s, owner, first.end)
        draft.put(field_for(spec, "location", ("str",)), located)
    else:
        clause_end = s.text.find(";", m.end())
        set_off = _venue_set_off(
            s,
            s.text.rfind(";", 0, m.start()) + 1,
            len(s.text) if clause_end < 0 else clause_end,
            title,
        )
        if set_off is not None:
            draft.put(field_for(spec, "location", ("str",)), set_off)
    return draft


def _with_town_before(s: Analyzed, place: Candidate) -> str:
    """A place, with the name set right before it by a comma when that is a town of it:
    "trip to Saalbach, Austria" is in Saalbach, Austria, not anywhere in Austria. Not a
    person's or a firm's name ("with Acme, Leeds")."""
    before = max(
        (c for c in s.candidates if c.end <= place.start), key=lambda c: c.end, default=None
    )
    if before is None or s.text[before.end : place.start].strip() != ",":
        return place.name
    if any(m.start < before.end and before.start < m.end for m in s.mentions):
        return place.name
    if names_a_time(before.tokens) or len(before.tokens) > 3:
        return place.name
    return f"{before.name}, {place.name}"


# Words a note opens with that say how it is told, not what it is about ("Actually …").
_TOLD_ASIDE = META_LABELS | {"actually", "also", "so", "ok", "okay", "oh", "ugh", "anyway", "btw"}
# A change told of a thing ("midwife appointment moved to Thu 10 Dec, same time"): what it
# says is the change, which the record takes (`extract.apply_changes`), not more of it.
_CHANGE_SAID = re.compile(
    r"\b(?:moved|pushed|postponed|rescheduled|delayed|brought\s+forward|cancel+ed|called\s+off|"
    r"changed|now)\b",
    re.IGNORECASE,
)


def _without_day(text: str, date: tuple[int, int, str]) -> str:
    """`text` without the day at `date` and the word introducing it ("booked with Heatwise
    for 2026-02-06; …" -> "booked with Heatwise; …")."""
    before = _DAY_INTRO.sub("", text[: date[0]])
    joined = re.sub(r"\s+", " ", f"{before} {text[date[1] :]}")
    return re.sub(r"\s+([,;.])", r"\1", joined).strip()


_DAY_INTRO = re.compile(
    rf"\s*(?:\b(?:on|for|at|from|is|was)\s+)?(?:{WEEKDAY_WORD},?\s*)?$", re.IGNORECASE
)
_CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019\-]*")
# What may follow a venue's name: the sort of place it is ("the VFS centre"), then where.
_KIND_AFTER = re.compile(r"\s+(?P<kind>[a-z]+)\b")
_TOWN_AFTER = re.compile(r"\s*(?:,\s*|\s+in\s+)")


def _own_part(text: str, start: int, end: int) -> bool:
    """Whether a part after a semicolon between `start` and `end` opens with a thing of its
    own ("; final round on 18 December"), not with what goes on saying the last one's
    ("; still starts 10 April": an adverb or a verb, no subject of its own)."""
    cut = text.rfind(";", start, end)
    if cut < 0:
        return False
    first = next(iter(re.findall(r"[\w'\u2019\-]+", text[cut + 1 : end].lower())), "")
    return bool(first) and first not in _CONTINUING and not first.endswith(("s", "ed", "ly"))


# Words a part goes on with, saying more of the last part's thing.
_CONTINUING = frozenset(lexicon("deeds.adverbs")) | STOPWORDS


# What sets a clause apart from the one before more than a comma does.
_APART = re.compile(r"\s[\u2014\u2013-]\s|;|\.\s")
# "and" opening a clause with its own subject and verb ("and Chidinma wants", "and we need").
_OWN_SUBJECT = re.compile(
    r"\band\s+(?:(?:I|we|they)\s+[a-z]{2,}|(?:he|she|[A-Z][\w'\u2019\-]+)\s+[a-z]{2,}s)\b"
)


# What ends a part of a sentence that says a thing of its own: a full stop inside it (a
# sentence written on in lower case) or a semicolon. Not a dash: "… on 30 November — done".
_PART_ENDS = re.compile(r";|\.\s")


def part_at(text: str, at: int) -> str:
    """The part of `text` holding `at`, between the full stops or semicolons around it."""
    start = max((m.end() for m in _PART_ENDS.finditer(text, 0, at)), default=0)
    stop = _PART_ENDS.search(text, at)
    return text[start : stop.start() if stop else len(text)]


# The rest of a name after its first word: capitalised words, and particles between them.
_NAME_GOES_ON = re.compile(
    rf"(?:\s+(?:(?:{'|'.join(sorted(map(re.escape, NAME_PARTICLES), key=len, reverse=True))})\s+)*"
    rf"{UPPER}[\w'\-]*)+"
)


_KIN_OWNER = re.compile(r"(?<![\w'\u2019])(?P<kin>[A-Za-z]+)['\u2019]s\s+$")


def _kin_whose(before: str) -> str | None:
    """A word for kin owning the thing right after it ("Grandma's 80th birthday party",
    "mum's check-up"), as it is written; a name owning it is `_whose`'s."""
    m = _KIN_OWNER.search(before)
    return m.group("kin") if m is not None and m.group("kin").lower() in KIN_NOUNS else None


def _whose(s: Analyzed, start: int, names: dict[str, str]) -> str | None:
    """The person a thing starting at `start` belongs to, when the sentence says so and it
    is not the speaker: named possessively right before it ("Leo's dentist appointment") or
    the subject having it ("Leo has a dentist appointment"), or the label it is said under
    ("User's father Giorgio Rossi: birthday 1958-11-12")."""
    for m in s.mentions:
        if m.speaker or m.pronoun or m.entity.startswith("org:") or m.entity not in names:
            continue
        between = s.text[m.end : start]
        if m.possessive and not between.strip():
            return names[m.entity]
        if re.fullmatch(r"\s*(?::|\s[\u2014\u2013-])\s*", between):
            return names[m.entity]
        if re.fullmatch(
            r"\s+(?:has|had|have|got|booked|needs)\s+(?:a|an|his|her|their)\s+", between
        ):
            return names[m.entity]
    return None


def _preference(
    s: Analyzed, spec: ObjectSpec, people: dict[str, Draft], names: dict[str, str], make: MakeDraft
) -> Draft | None:
    topic_of = field_for(spec, "topic", ("str",)) or name_field(spec, "preference")
    value_of = field_for(spec, "value", ("str",), {topic_of or ""})
    fav = _FAVORITE.search(s.text)
    draft = make(spec, None)
    if fav is not None:
        # The user's own spelling ("favourite"), so the words said are the words stored.
        kind = fav.group("kind").lower()
        topic, value = f"{kind} {fav.group('topic').strip()}", fav.group("value")
    elif (said := _SAID_PREFERENCE.search(s.text)) is not None:
        # "Preference: runbooks live in Confluence", "Gels: Maurten only": a label's stance.
        if said.group("what"):
            topic = value = said.group("what").strip()
        elif said.group("topic").lower() in META_LABELS:
            return None  # "Note: … only": what kind of note, not what is wanted
        else:
            topic, value = said.group("topic"), f"{said.group('only').strip()} only"
    elif (m := _stance(s.text)) is None and (theirs := _their_stance(s, names)) is None:
        # No stance said: a rule the user sets may say what they want.
        rule = _users_rule(s)
        if rule is None:
            return None
        topic, value = rule
        if says_more(s.text.replace(value, ""), 3):
            draft.notes.append(s.text)  # "Note: user writes best early …; no meetings before …"
    else:
        holder: str | None = None
        if m is None:
            assert theirs is not None  # the branch above takes a sentence with neither
            m, holder = theirs
        what = _SECOND_STANCE.split(m.group("what"), maxsplit=1)[0]
        if m.re is _PREFER_LISTED:
            what = what.split(",", 1)[0]  # one item of the list: "…, prefer WestJet, no …"
        what = _REASON.sub("", _OTHERS_STANCE.split(what, maxsplit=1)[0])
        what = _HEDGE.sub("", what).strip()
        # The first word's letters: "vegetarian, no mushrooms", "vegetarian's".
        first = re.match(r"[^\W\d_][\w\-]*", what)
        if first is not None and first.group().lower() in _DIETS and holder is None:
            # "vegetarian but eats fish occasionally": the diet and what qualifies it.
            draft.put(topic_of, "diet")
            return draft if value_of is None or draft.put(value_of, what) else None
        verb = _stance_verb(m)
        if verb is None:
            return None  # a verb `_STANCE` reads only before a diet word: no other stance
        split = re.match(r"(?P<value>.+?)\s+(?:for|when|in|on|during)\s+(?P<topic>.+)", what)
        several = split and re.search(r",|\band\b", split.group("topic") + split.group("value"))
        if split and verb == "prefers" and several:
            # "aisle seats on trains and window seats on planes": several, kept whole.
            topic, value = what, what
        elif (
            split
            and verb == "prefers"
            # "buying from Touchline Sports on Market Street": where, not what it is for;
            # "the twins to be in the same class": the words before are no thing wanted.
            and not split.group("topic")[:1].isupper()
            and not _UNFINISHED.search(split.group("value"))
        ):
            # "for their own coffee": whose it is says nothing of what it is.
            topic, value = _OWNED_BY.sub("", split.group("topic")), split.group("value")
        else:
            # The stance and its object: "dislikes coriander" answers "Which herb do I
            # dislike?" by itself; a bare "dislikes" would not say what.
            topic, value = what, f"{verb} {what}"
        alternative = _ALTERNATIVE.match(s.text, m.end("what"))
        if (
            alternative is not None
            and _HEDGE.sub("", m.group("what")).strip() == what
            and _only_a_way(alternative.group("alt"))
        ):
            # "don't want grading numbers over the phone - in person or by email only": the
            # way wanted instead, said after a dash with no clause of its own, is part of it.
            value = f"{value} \u2013 {alternative.group('alt').strip()}"
        if holder is not None:
            # Someone else's, said so: "Grandmother dislikes loud music" is hers, and filed
            # apart from a stance of the user's on the same thing.
            told = value if value.startswith(verb) else f"{verb} {value}"
            topic, value = f"{holder}: {topic}", f"{holder} {told}"
    if value_of is None:
        return draft if draft.put(topic_of, f"{value} {topic}") else None
    if not (draft.put(topic_of, topic) and draft.put(value_of, value)):
        return None
    return draft


# What is wanted instead, after a dash: a few words with no subject or verb of their own
# ("- in person or by email only", "— cables through the loft pls"); "- she thinks the
# wall-mounted ones look ugly" is a clause of its own, and "no. 16" no stop.
# A subject or an auxiliary: words that make a clause of its own.
_CLAUSE_WORDS = frozenset(
    ("i", "he", "she", "it", "we", "they", "you", "will", "can", "could", "would", "should",
     "is", "are", "was", "were", "has", "have", "had")
)  # fmt: skip
_ALTERNATIVE = re.compile(
    r"\s*(?:[\u2014\u2013]|-(?=\s))\s*"
    rf"(?P<alt>(?:(?!\b(?:{'|'.join(sorted(_CLAUSE_WORDS | {'must', 'does', 'did'}))})\b"
    r"|['\u2019])[^.;!?\u2014\u2013]){1,60}?)"
    r"(?:\s+(?:pls|please))?\s*(?=[;!?]|\.(?!\s*\d)|$)",
    re.IGNORECASE,
)


def _only_a_way(words_said: str) -> bool:
    """Whether the words after a stance's dash say only a way or a thing wanted, no deed
    ("told both tutors", "booked 22 Jan"), label ("Decision: …") or amount of their own."""
    if re.search(r"[\d:]", words_said):
        return False
    return not any(past(w) for w in re.findall(r"[a-z]+", words_said.lower()))


# "Korean food when possible": how firmly it is held, not what it is about.
_HEDGE = re.compile(
    r",?\s+(?:when|where|if|whenever|wherever)\s+(?:possible|practical|feasible|convenient)\b",
    re.IGNORECASE,
)
_OWNED_BY = re.compile(r"^(?:my|our|their|his|her|its|your)\s+(?:own\s+)?", re.IGNORECASE)
# A value that stops at a verb, so is no thing wanted by itself ("the twins to be").
_UNFINISHED = re.compile(r"\b(?:to|be|to\s+be|is|are|was|were|been)$", re.IGNORECASE)


# A rule the user sets, with no verb of liking: a thing ruled out where or when it may not
# be ("no admin stuff on fridays pls", "NO mushrooms anywhere on the menu", "no meetings
# before 11am", "pls don't schedule anything before 9am on sundays"), or the one way a thing
# may be ("…, organic only", "private rooms only"). Only where a clause opens, so "there's no
# parking on Fridays" (a fact) is not one, nor "No reply from the bank yet" (no scope said).
_RULED_OUT = re.compile(
    r"(?:(?:^|[.;:!?\u2014\u2013]\s*|\b(?:pls|please|and|also|but)\s+)(?P<rule>[Nn]o|NO)"
    r"|(?P<shout>\bNO)"
    r"|(?:^|[.;:!?\u2014\u2013]\s*|\b(?:pls|please)\s+)"
    r"(?P<dont>(?i:don['\u2019]t|do\s+not|never)\s+(?i:schedule|book|plan|put)))"
    r"\s+(?P<thing>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}?)"
    r"\s+(?P<scope>(?:on|before|after|during|anywhere|longer\s+than|over|at\s+weekends)\b"
    r"[^.;,!?\u2014\u2013]*)"
)
_ONLY = re.compile(
    r"(?:^|[,;:\u2014\u2013]\s*)(?P<thing>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})[\s\-]only\b"
    r"(?=\s*(?:[,;.!?\u2014\u2013]|pls|please|$))"
)


def _users_rule(s: Analyzed) -> tuple[str, str] | None:
    """The topic and the rule of a rule the user sets (see `_RULED_OUT`), or None. Not one
    said after someone else is named ("Tom said no meetings on Fridays" is his)."""
    m = _RULED_OUT.search(s.text)
    if m is not None:
        thing = m.group("thing").strip()
        if thing.split()[-1] in STOPWORDS and thing not in ("anything", "nothing"):
            return None
        opens = (
            m.start("rule")
            if m.group("rule")
            else m.start("shout")
            if m.group("shout")
            else m.start("dont")
        )
        rule = re.sub(r"\s+(?i:pls|please)$", "", s.text[opens : m.end()].strip())
        start = opens
    else:
        m = _ONLY.search(s.text)
        if m is None or m.group("thing").split()[0] in STOPWORDS:
            return None
        thing = m.group("thing")
        rule = f"{thing} only"
        start = m.start()
    if any(
        x.start < start and not x.speaker and not x.entity.startswith("org:") for x in s.mentions
    ):
        return None
    return (thing if thing not in ("anything", "nothing") else rule), rule


def _more_stances(
    s: Analyzed, spec: ObjectSpec, people: dict[str, Draft], names: dict[str, str], make: MakeDraft
) -> list[Draft]:
    """The preferences of stances joined on after the first ("but dislikes coffee"), each
    read as if its subject were said again."""
    m = _stance(s.text)
    if m is None or _FAVORITE.search(s.text):
        return []
    parts = _SECOND_STANCE.split(s.text[m.start("what") :])[1:]
    subject = s.text[m.start() : m.start("verb")]
    told = [f"{subject}{part}" for part in parts]
    # ... and a stance the user states again with its own subject, after a stop or a comma
    # ("I'd rather keep them indoors, Declan agreed. also I don't want them on raw food").
    told += [
        s.text[later.start() :]
        for later in _PREFER.finditer(s.text, m.start("what"))
        if _STATED_AGAIN.search(s.text, 0, later.start())
        and later.group().lstrip()[:1].lower() in ("i", "w", "u", "t")
    ]
    out = []
    for text in told:
        again = replace(s, sentence=replace(s.sentence, text=text))
        draft = _preference(again, spec, people, names, make)
        if draft is not None:
            out.append(draft)
    return out


# Where a stance said with its own subject opens a clause of its own: after a stop, a
# semicolon or a comma, maybe with "also", "and" or "but".
_STATED_AGAIN = re.compile(r"[.;,!]\s+(?:(?:also|and|but|plus)\s+)?$", re.IGNORECASE)


def _project(
    s: Analyzed,
    spec: ObjectSpec,
    people: dict[str, Draft],
    names: dict[str, str],
    make: MakeDraft,
    undertaken: tuple[str, str, str] | None = None,
) -> Draft | None:
    """A project the sentence names ("the kitchen project"), else the user's undertaking it
    tells (`undertaken`, when already read)."""
    m = _PROJECT.search(s.text)
    if m is not None:
        undertaken = None
    elif undertaken is None:
        undertaken = _undertaking(s)
    if m is not None:
        name = (m.group("d") or m.group("a") or m.group("b") or m.group("c") or "").strip()
        name = name.strip("\"'")
    elif undertaken is not None:
        name = undertaken[0]
    else:
        return None
    name = re.sub(r"^(?i:the|a|an|our|my)\s+", "", name)
    draft = make(spec, None)
    if not name or not draft.put(name_field(spec, "project"), name):
        return None
    if undertaken is not None:
        draft.put(field_for(spec, "status", ("str",)), undertaken[1])
        if undertaken[2]:
            draft.notes.append(undertaken[2])
    return draft


# The user at work on something: "I'm building a …", "We're finally doing the …", "User is
# preparing the …", "I've volunteered to organise the …", "user plans to open an …", or a note
# with no subject opening on the verb ("finally doing my …"). The user may be named anywhere
# ("Longer term, user plans to …"); with no subject the verb opens the sentence.
_WORKER = r"(?:[Ii]|[Ww]e|(?:[Tt]he\s+)?[Uu]ser)"  # "i'm properly learning japanese": casual "i"
# "User (adult learner, 41) has been learning …": an aside may follow the user.
_WORKER_AUX = (
    r"(?:\s*\([^()]{0,40}\))?"
    r"(?:\s*['\u2019](?:m|re|ve|ll)|\s+(?:am|are|is|have|has|will))?(?:\s+been)?\s+"
)
_UNDERTAKER = (
    # "User completed the theory and is now doing the practical": the user said once, the
    # clause after "and" theirs too (`_undertaking` checks the sentence opens with them).
    rf"(?:(?:^|(?<=[.;:!?]\s))\s*|\b{_WORKER}{_WORKER_AUX}|(?P<joined>\s+and\s+(?:is|am|are)\s+))"
    r"(?:[a-z]+ly\s+|still\s+|now\s+|also\s+|just\s+)*"
)
_UNDERTAKEN = lazy_compile(
    rf"{_UNDERTAKER}(?:(?P<verb>[A-Za-z][a-z]*ing)(?:\s+(?P<prep>on|for))?"
    # "volunteered to organise", "plans to open": the work is said with the verb's base.
    r"|(?P<intent>plans?|planning|going|wants?|hop(?:es|ing)|decided|volunteered|agreed|"
    r"signed\s+up|offered)\s+to\s+(?P<base>[a-z]+)"
    # A work of the user's own kept going: "User runs a podcast, 'Under the Viaduct'",
    # "User presents 'Night Bus', a … music show".
    r"|(?P<own>runs?|presents?|hosts?|co-hosts?|produces?|edits?)"
    # "We kicked off the website migration last week": begun, so under way.
    r"|(?P<began>kicked\s+off))"
    # After "for" a name may stand alone: "preparing for ABRSM Grade 3 Cello"; after a verb
    # of one's own work, a quoted name.
    rf"\s+(?:(?P<det>my|our|the|a|an)\s+|(?<=for\s)(?={UPPER})|(?<=s\s)(?=['\"\u2018\u201c])"
    # What is learnt needs no article: "learning Japanese", "studying law".
    r"|(?<=learning\s)|(?<=studying\s))"
    # "raising a £1.2m seed round": an amount may open it.
    r"(?P<np>(?:[£$€]\d[\d.,]*[kmb]?\s+)?[\w'\u2019\-]+(?:\s+(?!(?:at|in|on|for|with|by|from|to|about|as|and|but|so|which|that|"
    r"who|because|before|after|this|next|last|since|until|called|named|yesterday|today|"
    r"tomorrow|recently)\b)[\w'\u2019\-]+){0,5})"
    rf"(?P<where>\s+(?:to|of)\s+{UPPER}[\w\-]*(?:\s+{UPPER}[\w\-]*)*)?"
    # "an Etsy shop, Slow Hands Ceramics, in spring": a name set off after it is its name.
    rf"(?:\s+(?:called|named)\s+(?P<called>{_NAME})|\s*,\s+(?P<apposed>{_NAME})(?=\s*[,.;]|$))?"
)
# Verbs of holding an occasion rather than working on it.
_HOLDING = frozenset(("doing", "having", "hosting", "throwing"))
# What is meant or hoped is planned; what one has taken on ("volunteered to") is under way.
_INTENDED = frozenset(("plan", "plans", "planning", "going", "want", "wants", "hopes", "hoping"))
# A verb of work that says its state: "pausing the planter line" puts it on hold.
_STATE_VERBS = {"pausing": "paused", "shelving": "paused"}
_QUOTED = re.compile(r"['\"\u2018\u201c]([^'\"\u2019\u201d]{2,})['\"\u2019\u201d]")
_OPENS_ON_WORKER = lazy_compile(rf"^\s*{_WORKER}\b")
_UNDERTAKING_VERBS = lexicon("things.undertaking_verbs")
_UNDERTAKING_BASES = lexicon("things.undertaking_bases")
# The words right before a date that make it a deadline ("by 12 Dec", "deadline: 5 May").
DEADLINE_BEFORE = re.compile(
    r"\b(?:by|due(?:\s+(?:on|date))?|deadline|before|until)(?:\s+is)?\s*:?\s*$", re.IGNORECASE
)


def _undertaking(s: Analyzed) -> tuple[str, str, str] | None:
    """The piece of work the user says they have under way or mean to do, and its status:
    ("sourdough tracker app", "active", "") for "I'm building a sourdough tracker app",
    ("Etsy shop", "planned", "") for "user plans to open an Etsy shop"; a name given it ("…
    called Levain") is its name. Third, what it is beside its name (`_described`). None when
    the sentence says no such thing."""
    m = _UNDERTAKEN.search(s.text)
    if m is None or (m.group("joined") and not _OPENS_ON_WORKER.match(s.text)):
        return None
    own = m.group("own")
    if own is not None:
        return _own_work(m)
    verb = "starting" if m.group("began") else (m.group("verb") or m.group("base")).lower()
    if verb not in (_UNDERTAKING_BASES if m.group("base") else _UNDERTAKING_VERBS):
        return None
    bare = (m.group("verb") or m.group("began")) and not m.group("det") and m.group("prep") != "for"
    learnt = verb in ("learning", "studying") and m.group("np").split()[0].lower() not in STOPWORDS
    if bare and not learnt:
        return None  # "doing 5k", "learning to drive": no piece of work named
    np = m.group("np")
    words = np.lower().split()
    if words[-1] in STOPWORDS or any(w.isdigit() for w in words):
        return None  # "doing the 5k on …": no piece of work named
    if verb in ("doing", "making", "do", "make") and len(words) < 2:
        return None  # "doing the dishes", "making dinner": a chore, not a piece of work
    np += m.group("where") or ""  # "a trip to Japan"
    people = [mt for mt in s.mentions if not mt.entity.startswith("org:")]
    if any(mt.start < m.end("np") and mt.end > m.start("np") for mt in people):
        return None  # "doing the Okafors' kitchen": someone named's, not the user's work
    # "translating the novel 'O Silêncio das Marés'": a title in quotes is its name.
    title = _QUOTED.search(np)
    name = m.group("called") or m.group("apposed") or (title.group(1) if title else np)
    if verb == "applying" and not name.lower().endswith("application"):
        name += " application"  # "applying for a work visa": the work is the application
    dated = any(v.kind == "date" for v in s.values)
    if is_occasion(m.group("np")) and (verb == "planning" or (verb in _HOLDING and dated)):
        # "planning a trip to Lisbon", "we're doing a dinner party on 19 December": an
        # occasion (an event's), not a piece of work; "doing the Day Skipper theory course",
        # with no day said, is work under way.
        return None
    intent = (m.group("intent") or verb).partition(" ")[0]
    status = "planned" if intent in _INTENDED else _STATE_VERBS.get(verb, "active")
    return name.strip("\"'"), status, _described(s.text, m, name, np)


def _described(text: str, m: re.Match[str], name: str, np: str) -> str:
    """What a piece of work is, beside its name: the sentence, when it says more of it ("User
    is raising a £1.2m seed round; £450k is committed so far"); else what it was called
    before its name ("an Etsy shop" of "Slow Hands Ceramics"); else nothing."""
    if says_more(text[m.end() :], 3):
        return text
    if np in name:
        return ""  # "applying for a work visa": its name says it all
    return np.replace(name, "").strip(" ,\"'\u2018\u2019\u201c\u201d")  # "novel 'O Silêncio …'"


def _own_work(m: re.Match[str]) -> tuple[str, str, str] | None:
    """A work the user keeps going ("runs a podcast, 'Under the Viaduct'", "presents 'Night
    Bus'"): under way, named by its quoted or given name. Only a work by its noun (a show, a
    podcast: `works.work_nouns`) or by a name in quotes; "runs the payments team" is a job."""
    np = m.group("np").strip()
    quoted = np[:1] in "'\"\u2018\u201c"
    name = m.group("called") or m.group("apposed")
    head = singular(np.lower().split()[-1].strip("'\"\u2019\u201d"))
    if not quoted and head not in WORK_NOUNS:
        return None
    if quoted:
        name = np
    if name is None:
        return None  # "runs a podcast": which one is not said
    return name.strip("\"'\u2018\u2019\u201c\u201d"), "active", _described(m.string, m, name, np)


def _named_type(s: Analyzed, spec: ObjectSpec, make: MakeDraft) -> Draft | None:
    """An object of a type the sentence names: "the deal "Northwind renewal"", "a trip called
    Japan Spring", "Lisbon weekend trip:", or a kind of it ("a Lufthansa flight" for a booking
    whose `kind` may be flight)."""
    phrase = " ".join(name_words(spec.name))
    forms = "|".join(re.escape(f) for f in (plural(phrase), phrase))
    kind = rf"(?i:\b(?:{forms})\b)"
    called = re.search(rf"{kind}\s*(?:(?i:called|named|titled)\s+|:\s*)(?P<name>{_NAME})", s.text)
    before = re.search(
        rf"(?:^|\b[Tt]he\s+)(?P<name>{UPPER}[\w\-]*(?:\s+[^\W\d_][\w\-]*){{0,2}}?)\s+{kind}", s.text
    )
    after = re.search(rf"{kind}\s+(?P<name>{_NAME}|[\w\-]*\d[\w\-]*)", s.text)
    name = None
    for m in (called, before, after):
        if m is not None and _proper(m.group("name")):
            first = m.group("name").split()[0].lower().strip("\"'")
            if m is before and first in NOISE_WORDS:
                continue
            name = m.group("name").strip("\"'")
            break
    draft = make(spec, None)
    if name is not None:
        draft.put(name_field(spec), name)
    elif not _kind_mentioned(s.text, draft):
        return None
    skip = {name_field(spec), notes_field(spec)}
    for fname, fspec in spec.fields.items():
        if fname in skip or draft.has(fname) or "author" not in fname.lower():
            continue
        found = field_value(s.text, "by", fspec.type, s.values, 0, copula=False)
        if found:
            draft.put(fname, found[2])
    return draft


def _kind_mentioned(text: str, draft: Draft) -> bool:
    """Whether the text names a value of the type's kind-like enum ("flight" for a booking)."""
    for fname, fspec in draft.spec.fields.items():
        if fspec.enum is None or not {"kind", "type", "category"} & set(name_words(fname)):
            continue
        for value in fspec.enum:
            word = str(value).replace("_", " ")
            if re.search(rf"\b(?:{re.escape(word)}|{re.escape(plural(word))})\b", text, re.I):
                return draft.put(fname, value)
    return False


def _proper(name: str) -> bool:
    """A name worth keeping: quoted, capitalized, or an identifier with digits (INV-7)."""
    return bool(name) and (name[0] in "\"'" or name[0].isupper() or any(c.isdigit() for c in name))


_LABEL = re.compile(r"^\s*[^\W\d_][\w\s'\u2019-]{0,30}:\s+")
# Words that open what is said without being part of it: "Actually the MOT is due ..." is
# about "the MOT".
_DISCOURSE = re.compile(
    r"^\s*(?:(?:actually|also|so|oh|well|anyway|btw|by the way|and|but|now|ok|okay|really|definitely|probably|just|finally|seriously|honestly)\b[\s,]*)+",
    re.IGNORECASE,
)


def thing_for_pronoun(draft: Draft, s: Analyzed, previous: Analyzed | None) -> None:
    """A thing to do to "it" or "them" is done to the thing the clause before opens on, when
    that is a thing, not someone, of the same number: "adoption fee is £275 … have to pay it
    before pickup" is "pay adoption fee before pickup", "Mum's passport expires in May, I
    must renew it" is "renew Mum's passport". The clause before is the sentence's first, or
    the sentence before when the thing to do is told in the first."""
    title_of = name_field(draft.spec)
    title = draft.values.get(title_of or "")
    if not isinstance(title, str) or title_of is None:
        return
    said = _PRONOUN_OBJECT.match(title)
    if said is None:
        return
    at = s.text.find(title)
    thing = _THING_SUBJECT.match(s.text)
    told = s
    if thing is None or at < 0 or thing.end() > at:
        thing = _THING_SUBJECT.match(previous.text) if previous is not None else None
        told = previous if previous is not None else s
    if thing is None:
        return
    words = thing.group("words")
    head = words.split()[-1].lower()
    plural = head.endswith("s") and not head.endswith(("ss", "us", "is"))
    if plural != (said.group("pronoun").lower() == "them"):
        return  # "it" is no plural thing, "them" no single one
    if head in STOPWORDS or head in KIN_NOUNS or role_noun(head):
        return  # "that is …", "my sister is …": no thing
    if any(m.start < thing.end("words") and m.end > thing.start("words") for m in told.mentions):
        return  # someone or a firm named there: "Tomasz needs a lift"
    np = thing.group("np")
    if thing.start("np") == 0 and np[:1].isupper() and not thing.group("owner"):
        np = np[:1].lower() + np[1:]  # capitalised only as the sentence's first word
    del draft.values[title_of]
    if not draft.put(title_of, f"{said.group('verb')} {np}{title[said.end() :]}"):
        draft.values[title_of] = title


_PRONOUN_OBJECT = re.compile(r"(?P<verb>[a-z][\w\-]*)\s+(?P<pronoun>it|them)\b", re.IGNORECASE)
# The noun phrase a clause opens on, before its verb ("The car insurance renews …", "Subs
# are …", "Mum's passport expires …"): a determiner or an owner, then up to four words.
_THING_SUBJECT = re.compile(
    r"\W*(?P<np>(?:(?i:the|my|our|his|her|their)\s+|(?P<owner>[A-Z][\w\-]*['\u2019]s)\s+)?"
    r"(?P<words>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}?))\s+"
    r"(?:is|are|was|were|has|have|had|will|[a-z]+[^\Ws]s)\b"
)


def untold(title: str) -> str:
    """`title` without the discourse words opening it (see `_DISCOURSE`)."""
    rest = _DISCOURSE.sub("", title)
    return rest if rest.strip() else title


# The words that only lead to the date ("is on", "was due by", "scheduled for").
# "Before" a date says by when ("wants the receipts before the 20th"), but not after a time
# it says one of ("we fly out the day before 22 December": a day, said from another).
_BEFORE = r"(?<!day\s)(?<!night\s)(?<!week\s)(?<!weekend\s)before"
_BEFORE_DATE = re.compile(
    rf"(?:\s*,?\s*\b(?:on|by|{_BEFORE}|for|from|at|is|was|are|were|due|scheduled|set|planned|booked|arranged|confirmed)\b)*\s*,?\s*$",
    re.IGNORECASE,
)
_TITLE_CHARS = 80
_AFTER_A_COMMA = re.compile(r"\s*(?:,|\s[\u2014\u2013-]\s).*$", re.DOTALL)
_BIRTH = re.compile(r"\b(?:born|birthday|birth)\b", re.IGNORECASE)


def dated_events(
    s: Analyzed,
    mapped: SchemaMap,
    make: MakeDraft,
    previous: Analyzed | None = None,
    skip: Callable[[str], bool] | None = None,
) -> list[tuple[Draft, bool]]:
    """Something said to happen on one written date, when no other rule made an event of
    the sentence: "Parents' evening for Freya is on 2026-02-25", "Mochi was spayed on
    2025-05-20", "Kwame's certificate came through on 3 March". An event titled by the rest
    of its clause, so "When was Mochi spayed?" is answered from a record. A sentence with
    several dates gives one event per clause that holds one ("Target exchange Fri 15 Jan 2027,
    completion Fri 29 Jan 2027"). Only dates with their day written out (a weekday or "next
    week" is too loose to title by), and not a birth (the person's own field). Each with whether
    its title is the subject the words before the date say is on it ("hang day is Wednesday 13
    January", "Speaker dinner: Tue 2 Feb"), not the object of a deed or its clause's words.
    `skip`: said of the part of the sentence holding a date (`part_at`), whether that date
    is no event's of its own."""
    spec = mapped.first("event")
    dates = [v for v in s.values if v.kind == "date" and _written_out(s, v)]
    if skip is not None:
        dates = [d for d in dates if not skip(part_at(s.text, d.start))]
    if spec is None or not dates or _BIRTH.search(s.text):
        return []
    out: list[tuple[Draft, bool]] = []
    for date in dates:
        if len(dates) > 1 and _bracketed(s.text, date):
            continue  # "INV-2026-014 Weber & Lang €1,870 (2026-01-12); …": when, said aside
        if len(dates) == 1:
            start = s.text.rfind(";", 0, date.start) + 1
            stop = s.text.find(";", date.end)
            long = date.start - start > _TITLE_CHARS
            ends = list(_CLAUSE.finditer(s.text, start, date.start)) if long else []
            if ends and _names_a_thing(s.text[ends[-1].end() : date.start]):
                # "movers: went with Britannia …, quote was £4,850 …, packing day 14
                # January": too much before the date to title it by; its own clause names
                # the thing, when it says no one and no deed ("he can do Monday 18 January").
                start = ends[-1].end()
        else:
            ends = list(_CLAUSE.finditer(s.text, 0, date.start))
            start = ends[-1].end() if ends else 0
            if ends and not _TITLE_WORD.search(_WEEKDAY_LAST.sub("", s.text[start : date.start])):
                # "…; interclub round 6 away at Schaakkring Mechelen, Sunday 24 January 2027":
                # a date set off after a comma says when the clause before it is.
                back = ends[-2].end() if len(ends) > 1 else 0
                if not any(back <= d.start < start for d in dates):
                    start = back
            found = _CLAUSE.search(s.text, date.end)
            stop = found.start() if found else -1
        clause_end = len(s.text) if stop < 0 else stop
        if sum(1 for d in dates if start <= d.start and d.end <= clause_end) != 1:
            continue  # "from 2026-10-02 to 2026-10-16": two dates of one thing
        dated = _dated(
            s,
            spec,
            make,
            date,
            start,
            clause_end,
            listed=len(dates) > 1,
            previous=previous,
        )
        if dated is not None and _DEADLINE.search(s.text, start, date.start):
            # "Vangelis wants the slides by 1 Jan", "financial disclosure (Form E): due
            # Friday 15 January": a day things are due by is a deadline, not an occasion.
            dated = _due_by(dated, mapped, make, date) if _names_due(dated) else None
        if dated is not None:
            out.append(dated)
    return out


def _written_out(s: Analyzed, date: Span) -> bool:
    """Whether a date is said well enough to title an event by: with its day written out,
    or as this or next week's day at a time of day (`_ANCHORED_DAY`)."""
    if _DAY_OF_MONTH.fullmatch(date.text) and says_money(s):
        return False  # "rent £1,250 due on the 1st": a day each month, no one occasion
    if any(c.isdigit() for c in date.text):
        return True
    if _BOOKED_FOR.search(s.text, 0, date.start) and _ONE_DAY.match(date.text):
        return True  # "Haircut booked for Saturday": the coming one, as a booking is ahead
    return (
        _ANCHORED_DAY.match(date.text) is not None
        and _CLOCK.search(s.text) is not None
        and not _TOLD_PAST.match(s.text, date.end)
    )


# A day of the month said alone ("the 1st"), beside an amount: a payment's day each month.
_DAY_OF_MONTH = lazy_compile(r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)", re.IGNORECASE)
# A weekday said as one day, this week's or the next, at a time of day ("collecting Pickle
# this saturday at 11am"), is an appointment written out enough to title by; "on Saturday"
# alone may be any Saturday, and "See you next Tuesday" is no occasion.
_ANCHORED_DAY = lazy_compile(rf"(?:this|next)\s+{WEEKDAY_WORD}$", re.IGNORECASE)
_CLOCK = lazy_compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE)
# A day something is booked for is the coming one: "booked for Saturday", "scheduled for next
# Tuesday", "moved to Friday", "Booked a table at Dishoom for Friday" (what was booked, and
# where, may stand between; not "it": "moved it to Saturday mornings" is read as a move).
_BOOKED_FOR = lazy_compile(
    r"\b(?:booked|scheduled|arranged|rebooked|rescheduled|moved|pushed(?:\s+back)?)\s+"
    r"(?:(?!(?:it|them|this|that)\b)[\w'\u2019&\-]+\s+){0,6}?(?:in\s+)?(?:for|to|on)\s+$",
    re.IGNORECASE,
)
_ONE_DAY = lazy_compile(rf"(?:(?:this|next)\s+)?{WEEKDAY_WORD}$", re.IGNORECASE)
# ... unless told as past ("Long run this Sunday was 24km"): which Sunday, the tense says.
_TOLD_PAST = lazy_compile(r"\s+(?:was|were)\b", re.IGNORECASE)
# A day said as a deadline: after "by", "before", "due", "deadline" or "no later than" (a
# weekday between).
_DEADLINE = lazy_compile(
    rf"\b(?:by|{_BEFORE}|due|deadline(?:\s+is)?|no\s+later\s+than)\s*:?\s*(?:{WEEKDAY_WORD},?\s*)?$",
    re.IGNORECASE,
)
_BEING = re.compile(
    r"(?:I|we|you|he|she|they|it)(?:['\u2019](?:ll|m|re|s)|\s+(?:will|am|are|is|was|were))"
    r"(?:\s+be)?\b",
    re.IGNORECASE,
)
_DUE_SAID = re.compile(r"\s*[:,]?\s*\b(?:due|deadline)\b.*$", re.IGNORECASE)


_AS_OF = re.compile(r"\bas\s+(?:of|at)\s+$", re.IGNORECASE)
_LINK_TO_THE_DAY = re.compile(
    r"(?:\s+(?:is|are|was|were|will\s+be|(?:the\s+)?(?:week|weekend)\s+of|on|for|at))+$",
    re.IGNORECASE,
)


def _names_due(dated: tuple[Draft, bool]) -> bool:
    """Whether a dated thing's title names what is due: "its deadline is …" names nothing
    (what "its" is, the clause before says: the work made of it has the day)."""
    title = dated[0].values.get(name_field(dated[0].spec, "event") or "")
    words = _TITLE_WORD.findall(_DUE_SAID.sub("", title)) if isinstance(title, str) else []
    return any(w.lower() not in STOPWORDS for w in words)


def _due_by(
    dated: tuple[Draft, bool], mapped: SchemaMap, make: MakeDraft, date: Span
) -> tuple[Draft, bool]:
    """The task a dated thing is, when its day is when it is due: titled as the event was,
    less the words saying it is due; the event as it was when the schema has no task with a
    due day."""
    event, subject = dated
    spec = mapped.first("task")
    title = event.values.get(name_field(event.spec, "event") or "")
    due = next(iter(date_fields(spec)), None) if spec is not None else None
    if spec is None or due is None or not isinstance(title, str) or _BEING.match(title):
        return dated  # "I'll be in Rome by 3 April": where one will be, no thing to do
    task = make(spec, None)
    if not task.put(name_field(spec), _DUE_SAID.sub("", title).strip(" ,;:") or title):
        return dated
    task.put(due, str(date.value))
    put_open(task)
    return task, subject


_TITLE_WORD = re.compile(r"[^\W\d_]{2,}")
# A clause naming a thing on its day: a few words, and no one, no deed and no verb of being
# ("packing day", "first market is"; not "he can do", "I pick them up from …").
_NOT_A_THING = _CLAUSE_WORDS | frozenset(
    ("me", "him", "her", "them", "us", "his", "their", "our", "my", "your", "one", "being",
     "been")
)  # fmt: skip
_LINKS_TO_THE_DAY = frozenset(("is", "on", "for", "due", "by", "at"))


def _names_a_thing(clause: str) -> bool:
    words = clause.split()
    # "delivery Friday 4 December", "first market is sat 9 jan": the day's words are when.
    while words and (words[-1].lower() in _LINKS_TO_THE_DAY or names_a_time(words[-1:])):
        words.pop()
    return (
        0 < len(words) <= 4
        and words[0][:1].isalpha()
        and all(w.isalpha() or "-" in w for w in words)
        and not any(w.lower() in _NOT_A_THING or past(w.lower()) for w in words)
        and not any(w[:1].isupper() for w in words[1:])  # "book Ngozi": someone named
        and not names_a_time([w.lower() for w in words])  # "…, monday 14 december"
        and not says_a_thing_to_do(" ".join(words))
    )


# Where one dated thing ends and the next starts in a sentence of several ("…, completion
# Fri 29 Jan 2027", "…; Falls clinic 9 Dec").
_CLAUSE = re.compile(r"[;,]\s+|\s+[\u2014\u2013]\s+|\.\s+")


def _bracketed(text: str, value: Span) -> bool:
    """Whether a value is said inside brackets ("(2026-01-12)", "(due 5 Dec)")."""
    return text.rfind("(", 0, value.start) > text.rfind(")", 0, value.start)


def _dated(
    s: Analyzed,
    spec: ObjectSpec,
    make: MakeDraft,
    date: Span,
    start: int,
    clause_end: int,
    *,
    listed: bool = False,
    previous: Analyzed | None = None,
) -> tuple[Draft, bool] | None:
    """The event a date in the clause `start`..`clause_end` is of. `previous`: the sentence
    before, whose occasion a label saying only when continues ("User is planning son
    Oskar's 7th birthday party. Date: Saturday 16 January 2027, 2-4pm"), as does a date
    the sentence opens with when that one said no day ("He got an interview at Newcastle!!!
    13 January 2027, online")."""
    if _AS_OF.search(s.text, 0, date.start):
        return None  # "Outstanding invoices as of 30 November": how things stood, no occasion
    before = _BEFORE_DATE.sub("", s.text[start : date.start])
    day = _WEEKDAY_LAST.search(before)
    unday = _BEFORE_DATE.sub("", before[: day.start()] if day is not None else before)
    dayed = False
    if "," in before[len(unday) :] and len(_TITLE_WORD.findall(unday)) > 2:
        before = unday  # "… at Schaakkring Mechelen, Sunday 24 January": when, set off
    elif (
        day is not None
        and _DAY_BY_DATE.search(s.text, start, date.start) is not None
        and _TITLE_WORD.search(unday)
        and not unday.endswith(":")  # "Speaker dinner: Tue 2 Feb": the label names it
        and len(before) + clause_end - date.end <= _TITLE_CHARS
    ):
        # "completion Fri 29 Jan 2027": the weekday said with the date is the date's, not
        # the thing's name, so "completion" said again is the same record; a word said on a
        # day names a thing done then, so one word is title enough.
        before = before[: day.start()]
        dayed = True
    if before.endswith(":"):
        before += " "  # "Book fair: 20-22 Feb, Olympia": the label stays one
    after = s.text[date.end : clause_end]
    if len(before) + len(after) > _TITLE_CHARS:
        # "Social work with Paulo Sequeira on the 21st at 2pm, he's the donor social worker,
        # …": what follows the first comma after the date says more of someone, not what.
        after = _AFTER_A_COMMA.sub("", after)
    title = f"{_BEFORE_DATE.sub('', before) if dayed else before}{after}"
    label = _LABEL.match(title)
    words = label.group().lower().strip(" :").split() if label is not None else []
    plural = any(w.endswith("s") and not w.endswith(("ss", "us", "is")) for w in words)
    if label is not None and ((listed and plural) or set(words) & META_LABELS):
        # "Update: ...", "Note: ..." say what kind of note it is; "Three gigs lined up: A on
        # …, B on …" heads a list of dated things, not the first of them ("Warm-up race:
        # Wilmslow Half on …" names the one thing).
        title = title[label.end() :]
        before = before[label.end() :] if label.end() <= len(before) else ""
        label = None
    named = _dated_thing(before, label)
    subject = named is not None and _OBJECT_OF.search(_BEFORE_DATE.sub("", before)) is None
    if label is not None and set(words) <= _WHEN_LABELS and previous is not None:
        named = _occasion_in(previous.text) or named
    elif (
        named is None
        and not before.strip()
        and previous is not None
        and not any(v.kind == "date" for v in previous.values)
    ):
        named = _occasion_in(previous.text)
    if named is not None:
        title = named
    title = untold(title.strip(" ,.;:!?"))
    # "interviews planned for the week of 11 Jan", "the digging moves to the weekend of 12
    # Dec": the words linking a thing to its day are not its name, so it is the same record
    # when said again with other words before the day.
    title = _LINK_TO_THE_DAY.sub("", re.sub(r"\s+", " ", title)).strip(" ,.;:!?")
    if (named is None and not dayed and len(title.split()) < 2) or len(title) > _TITLE_CHARS:
        return None  # nothing to title it by, or a whole paragraph
    if set(title.lower().split()) <= _WHEN_LABELS | {"new", "the", "a"}:
        return None  # "new date is wednesday 3 march": when something is, not what
    draft = make(spec, None)
    if not draft.put(name_field(spec, "event"), title):
        return None
    draft.put(field_for(spec, "date", ("date", "datetime")), str(date.value))
    venue = event_venue(s, start, clause_end)
    # "- Midlands Winter Cup, 9-10 January 2027, Coventry": a name set off after the date,
    # all that is left of its clause, is where it is.
    after_date = _PLACE_AFTER_DATE.fullmatch(s.text, date.end, clause_end)
    if venue is None and after_date is not None and not _someones(s, after_date.start("place")):
        venue = after_date.group("place")
    if venue is None:
        venue = _venue_set_off(s, start, clause_end, title)
    if venue is not None and venue.lower() not in CURRENCY_CODES:  # "at GBP 1,150": a price
        draft.put(field_for(spec, "location", ("str",)), venue)
    return draft, subject


def _venue_set_off(s: Analyzed, start: int, end: int, title: str) -> str | None:
    """A name, or a sort of place alone ("clubhouse"), said as one item of the event's
    clause (set off by commas, a colon or brackets), after its first item: "Mid-season
    meet-up booked: The Crown & Anchor, Friday 22 January 2027, 7pm", "nephrology review …
    on 17 Dec 2026, 9:20am, Toronto General, 8th floor". Not a person named there, a date, a time or an amount, a code, a job, a word of
    the title, or a firm in brackets after a person."""
    items = list(_SET_OFF_ITEM.finditer(s.text, start, end))
    titled = {w.lower() for w in _TITLE_WORD.findall(title)}
    for item in items[1:]:
        sort = _SORT_ITEM.fullmatch(item.group("item"))
        if sort is not None and sort.group("place").lower() in _PLACE_KINDS:
            return sort.group("place")  # "AGM: Saturday, 14:00, clubhouse": a sort of place
        named = _NAME_ITEM.fullmatch(item.group("item"))
        if named is None:
            continue
        at = item.start("item") + named.start("place")
        place = named.group("place")
        if _someones(s, at) or any(v.start < at + len(place) and at < v.end for v in s.values):
            continue
        if any(c.isdigit() for c in place) or (
            " " not in place and (role_noun(place) or kin_or_role(place.lower()))
        ):
            continue  # "MM-0932": a code; "the GP": who, not where
        if {w.lower() for w in _TITLE_WORD.findall(place)} & titled:
            continue
        before = s.text[: item.start()]
        if before.endswith("(") and _someones(s, len(before[:-1].rstrip()) - 1):
            continue  # "Ruth Ellery (Ellery & Co)": where she works
        named_at = next((c for c in s.candidates if c.start == at and c.name == place), None)
        return _with_town_before(s, named_at) if named_at is not None else place
    return None


_SET_OFF_ITEM = re.compile(r"(?P<item>[^,:;()]+)")
_SORT_ITEM = re.compile(r"\s*(?:the\s+)?(?P<place>[a-z]+)\s*[.!]?\s*")
_NAME_ITEM = re.compile(
    rf"\s*(?:[Tt]he\s+)?(?P<place>{UPPER}[\w'\u2019&\-]*"
    rf"(?:\s+(?:{UPPER}[\w'\u2019&\-]*|&|[A-Z0-9]\b)){{0,4}})\s*[.!]?\s*"
)


_PLACE_AFTER_DATE = re.compile(
    rf"\s*,\s*(?P<place>{UPPER}[\w'\u2019&\-]*(?:\s+{UPPER}[\w'\u2019&\-]*){{0,3}})\s*[.;]?\s*"
)


# What a date is said of, in the words before it: the thing a label names ("Speaker dinner:
# Tue 2 Feb"), the subject said to be on it ("The survey is booked for ...", "the survey's
# now ..."), or what was booked or set for it ("booked the fossil walk for ..."). Said
# again in other words ("Keystone had to reschedule — the survey's now Wednesday 16
# December"), the same thing gets the same title, so the record changes instead of a
# second one being made beside it.
_DONE_TO = r"(?:booked|confirmed|scheduled|set|planned|moved|fixed|arranged|agreed|pencilled in|penciled in)"
_SUBJECT_IS = re.compile(
    rf"^(?P<np>.+?)(?:\s+(?:is|are|was|were|will\s+be|has\s+been|have\s+been)|['\u2019]s)"
    rf"(?:\s+(?:now|also|still|then|provisionally|{_DONE_TO}|due|on|for|at|by))*\s*$",
    re.IGNORECASE,
)
_OBJECT_OF = re.compile(
    r"\b(?P<verb>[a-z]+)\s+(?:the|a|an|my|our|his|her|their)\s+(?P<np>[^\s,;:]+(?:\s+[^\s,;:]+){0,3})\s*$",
    re.IGNORECASE,
)
_DETERMINERS = re.compile(r"^(?:(?:the|my|our|his|her|their|a|an|next|this)\s+)+", re.IGNORECASE)
_TIME_WORDS = frozenset(lexicon("states.when_words"))
_CLAUSE_BREAK = re.compile(r"\s[\u2014\u2013-]\s|[;:()]")
_TRAILING_DONE = re.compile(rf"(?:\s+{_DONE_TO})+\s*$", re.IGNORECASE)
_WEEKDAY_LAST = re.compile(rf"\s*,?\b(?:on\s+)?{WEEKDAY_WORD},?\s*$", re.IGNORECASE)
# A weekday written right before its date ("Fri 29 Jan"), not one said alone before a time
# ("next Thursday, 4.30"), nor set off by a comma.
_DAY_BY_DATE = re.compile(
    rf"(?<!\bnext\s)(?<!\bthis\s)(?<!\blast\s)\b{WEEKDAY_WORD}\s+$", re.IGNORECASE
)


_WHEN_LABELS = frozenset(("date", "dates", "when", "time", "slot", "day", "timing"))
_ACRONYM = re.compile(r"[A-Z]{2,6}")  # "AGM", "MOT", "JLPT": one word naming an occasion
_EVENT_NOUNS = frozenset(lexicon("things.event_nouns"))


def _occasion_in(text: str) -> str | None:
    """The occasion a sentence names last, with the words naming which ("7th birthday
    party"), or None."""
    found = list(_EVENT.finditer(text))
    if not found:
        return None
    m = found[-1]
    lead: list[str] = []
    for word in reversed(text[: m.start()].split()[-2:]):
        if word.lower() in STOPWORDS or not word.isalnum():
            break
        lead.insert(0, word)
    return " ".join([*lead, m.group()])


def _dated_thing(before: str, label: re.Match[str] | None) -> str | None:
    """The thing the date after `before` is said of (see above), or None when the words
    before it name no one thing (then the clause titles it)."""
    if label is not None:
        # "Speaker dinner: Tue 2 Feb", "Meet-up booked: The Crown, 22 Jan" name the thing;
        # "Target race: Leeds Half Marathon, 9 May" names its kind, then the thing.
        told = _WEEKDAY_LAST.sub("", before[label.end() :]).strip(" ,")
        named = _TRAILING_DONE.sub("", label.group().strip(" :"))
        if told and named == label.group().strip(" :"):
            return None
        if len(named.split()) >= 2 and not set(named.lower().split()) & STOPWORDS:
            return named
        if not told and (_ACRONYM.fullmatch(named) or named.lower() in _EVENT_NOUNS):
            return named  # "AGM: Saturday, 14:00, clubhouse", "Rehearsal: Thu 7pm, hall"
        return None
    # The clause the date is in: "Keystone had to reschedule — the survey's now ...".
    parts = _CLAUSE_BREAK.split(before)
    before = parts[-1]
    # "fish day is booked!! saturday 9 january": an exclamation ends what is said of it.
    before = _WEEKDAY_LAST.sub("", before).rstrip(" !?")
    m = _SUBJECT_IS.match(untold(before.strip(" ,")))
    if m is not None and len(m.group("np").split()) > 4 and "," in m.group("np"):
        # "it's called 'Edges of the City', opening night is friday 15 january": the subject
        # said to be on the date is the comma's clause's, not the sentence's.
        m = _SUBJECT_IS.match(untold(before.rsplit(",", 1)[-1].strip()))
    bare = _BEFORE_DATE.sub("", before).strip(" ,")
    if m is not None:
        named = _DETERMINERS.sub("", m.group("np"))
    elif (
        len(parts) == 1
        and bare
        and len(bare.split()) <= 3
        and (len(bare.split()) > 1 or bare[:1].isupper())
        and not set(bare.lower().split()) & STOPWORDS
    ):
        named = bare  # "Parents' evening 14 Jan, 6pm", "Dentist on Tuesday 9 Dec": the thing
    else:
        obj = _OBJECT_OF.search(_BEFORE_DATE.sub("", before).lstrip())
        # A capital opening the sentence is its first word's, not a name's ("Booked the …").
        named_verb = obj is not None and obj.group("verb").istitle() and obj.start("verb") > 0
        if obj is None or obj.group("verb").lower() in STOPWORDS or named_verb:
            return None  # "in Lisbon the weekend of": no deed, a name
        named = obj.group("np")
    words = named.lower().split()
    if not words or len(words) > 4 or set(words) & (STOPWORDS - {"of", "and", "&"}):
        return None
    if words[-1] in STOPWORDS or all(w in _TIME_WORDS for w in words):
        return None  # "the weekend of 14 May", "the morning": when, not what
    if not any(c.isalpha() for c in named):
        return None
    return named


# Where something takes place: "at (the) <capitalised words>" ("at Hollins Lane Library",
# "at the Corn Exchange", "at SOAS"), its words joined by "of", "de", "&".
# A venue's name: capitalised words, and the particles between them ("Church of St Mary").
_VENUE_NAME = (
    rf"{UPPER}[\w'\u2019&\-]*(?:\s+(?:{UPPER}[\w'\u2019&\-]*|of|de|du|la|&)(?=\s+{UPPER}|\b))*"
)
_AT_VENUE = re.compile(rf"\bat\s+(?:the\s+)?(?P<venue>(?:\d{{1,4}}[a-z]?\s+)?{_VENUE_NAME})")


_IN_VENUE = re.compile(rf"\bin\s+(?P<the>the\s+)?(?P<venue>{_VENUE_NAME})")


def _at_venue(s: Analyzed, start: int, end: int) -> tuple[str, re.Match[str]] | None:
    """The name said after "at" in the text between `start` and `end` that is no one's (not
    a person named in the sentence, not someone's home), and its match."""
    for m in _AT_VENUE.finditer(s.text, start, end):
        name = _POSSESSIVE_END.sub("", m.group("venue")).strip()
        if _someones(s, m.start("venue")):
            continue  # "at Tom's": a person, not a place
        if name.lower() in NOISE_WORDS or len(name) < 2 or (" " not in name and given_name(name)):
            continue  # "at Tom's": someone's home, named by its owner
        return name, m
    return None


def event_venue(s: Analyzed, start: int, end: int) -> str | None:
    """The place an event in the text between `start` and `end` is at, when the sentence says
    "at" and a name that is no one's (not a person named in the sentence)."""
    at = _at_venue(s, start, end)
    if at is not None:
        return _with_kind(s, at[0], at[1].end())
    # "in the Jubilee Room", "in Galway": a named room or a town the event is in.
    for m in _IN_VENUE.finditer(s.text, start, end):
        named = m.group("the") or any(p.start == m.start("venue") for p in s.places)
        if named and not _someones(s, m.start("venue")):
            return _with_kind(s, m.group("venue"), m.end())
    return _kind_of_place(s, start, end)


def _kind_after(s: Analyzed, end: int) -> str | None:
    """The sort of place said right after `end` ("Wiebke's studio": studio), if any."""
    kind = _KIND_AFTER.match(s.text, end)
    return kind.group("kind") if kind and kind.group("kind").lower() in _PLACE_KINDS else None


def _with_kind(s: Analyzed, venue: str, end: int) -> str:
    """A venue with the sort of place said right after its name ("at the Sunrise office",
    "in the Greenway hut"): the sort is part of where it is."""
    kind = _kind_after(s, end)
    return f"{venue} {kind}" if kind else venue


def _kind_of_place(s: Analyzed, start: int, end: int) -> str | None:
    """A name of the sort of place things happen in, said without "at" in the text between
    `start` and `end`."""
    # Without "at": a name of the sort of place things happen in ("Marble restaurant",
    # "Harbour Lane Hall"), said in the event's clause.
    for m in _KIND_OF_PLACE.finditer(s.text, start, end):
        kind = m.group("kind")
        if kind.lower() not in _PLACE_KINDS or _someones(s, m.start()):
            continue
        if " " not in m.group("name") and not s.text[: m.start()].strip(" -*\u2022"):
            continue  # "Follow-up clinic with …": capitalised as the sentence opens, no name
        # "Marble restaurant"; "St Aidan's Church", not "Hall" alone.
        if kind[:1].islower() or " " in m.group("name"):
            return f"{m.group('name')} {kind}"
    return None


def _someones(s: Analyzed, at: int) -> bool:
    """Whether a person named in the sentence (not a firm) stands at `at`."""
    return any(x.start <= at < x.end for x in s.mentions if not x.entity.startswith("org:"))


_POSSESSIVE_END = re.compile(r"['\u2019]s$")
_KIND_OF_PLACE = re.compile(
    rf"(?P<name>{UPPER}[\w'\u2019&\-]*(?:\s+(?:{UPPER}[\w'\u2019&\-]*|&))*?)\s+(?P<kind>[A-Za-z]+)\b"
)
# Sorts of place an event is held in, by the last word of their name or the word after it.
_PLACE_KINDS = frozenset(lexicon("things.place_kinds"))
