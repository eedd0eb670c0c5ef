"""Names in text: capitalized runs, classified as people, organizations or places.

A run of capitalized words is a candidate; the words around it are the evidence. "Acme Corp"
is an organization by its suffix, "Globex" in "works at Globex" by its cue, "Carol" in "Carol
is a senior engineer" a person by hers, "London" in "the London office" a place. Evidence is
summed over the whole text, so one clear cue classifies every mention of the same name.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xmemory_engine import datafiles
from xmemory_engine.minds.rules.text import (
    STOPWORDS,
    WEEKDAYS,
    Span,
    lazy_compile,
    lexicon,
    word_group_lines,
    wordset,
)
from xmemory_engine.sentences import fold

ORG_SUFFIXES = lexicon("names.org_suffixes")
ORG_NOUNS = lexicon("names.org_nouns")
ROLE_NOUNS = lexicon("names.role_nouns")
_SHORT_JOB_NOUNS = lexicon("names.short_job_nouns")
# Nouns for a person by how they stand to someone: "my *sister*", "Mateo's *partner*".
_KIN_BASES = lexicon("names.kin_nouns")
# ... and their compounds, which name the same kind of tie: "mother-in-law", "ex-wife",
# "half-brother", "great-aunt".
KIN_NOUNS = _KIN_BASES | frozenset(
    form
    for kin in _KIN_BASES
    if "-" not in kin
    for form in (f"{kin}-in-law", f"ex-{kin}", f"half-{kin}", f"step-{kin}", f"great-{kin}")
)
_ROLE_SUFFIXES = ("er", "or", "ist", "ian", "eer")
# Common words with those endings that are not jobs.
_NOT_ROLES = lexicon("names.not_roles")
# Words a note's label may be ("Update:", "Note:"), which name no one.
META_LABELS = lexicon("facts.meta_labels")
_GENERIC_ROLES = lexicon("names.generic_roles")
CURRENCY_CODES = lexicon("names.currency_codes")
THING_WORDS = lexicon("names.thing_words")
_LEADING_NOISE = (
    wordset(
        """met meet call called email emailed spoke talked saw visited rated finished started
    booked planning lent gave opened closed read reading ask asked told got had went just
    done sent paid sorted cancelled canceled completed confirmed postponed pending
    the a an he she it they we i you her his its their our my your this that these those
    there here also and but so then yesterday today tomorrow tonight last next on in at
    for with by from please remember note add track remind don't hi hello dear thanks
    yes no ok okay maybe what who where when why how which is are was were does do did
    can could will would should tell show list give find let new our user"""
    )
    # The speaker, contracted: "I've started a dinner club" names no one.
    | {f"i{q}{end}" for q in "'\u2019" for end in ("m", "ve", "d", "ll")}
    | frozenset(WEEKDAYS)
    | frozenset(ROLE_NOUNS)
)
# Capitalized words that start a sentence without starting a name ("Met Sarah Chen").
NOISE_WORDS = _LEADING_NOISE
# Titles written out in full ("Professor Hart") keep no dot when they open a lone surname.
# Titles written whole, so a surname after one keeps it as said ("Herr Becker", not "Herr.").
_FULL_TITLES = frozenset(
    {"professor", "reverend", "herr", "frau", "doña", "dona", "mme", "mlle"}
    | {"signora", "signor", "signore", "signorina", "señora", "señor", "señorita", "senhora"}
    | {"senhor", "madame", "monsieur", "mademoiselle", "dottore", "dottoressa"}
)
TITLES = frozenset(
    {"mr", "mrs", "ms", "mx", "miss", "dr", "dra", "prof", "rev", "revd", "sir", "madam"}
    # Other languages' titles ("Doña Pilar Ortega", "Herr Becker", "Mme Laurent"): no part
    # of the name.
    | {"sr", "sra", "srta", "doña", "dona", "herr", "frau", "mme", "mlle"}
    | _FULL_TITLES
)
# A title written before a name, its dot optional: the one pattern the rules share.
TITLE_WORDS = (
    "Dr|Dra|Professor|Prof|Reverend|Revd|Rev|Mr|Mrs|Ms|Mx|Sra|Srta|Sr|Doña|Dona|Herr|Frau|Mme|Mlle"
    # Longest first, so "Signora" is not read as "Signor" and an "a".
    "|Signorina|Signora|Signore|Signor|Señorita|Señora|Señor|Senhora|Senhor|Madame|Monsieur"
    "|Mademoiselle|Dottoressa|Dottore"
)
TITLE = rf"(?:{TITLE_WORDS})\.?\s+"
_MONTH_NAMES = ("january february march april may june july august september october november "
                "december")  # fmt: skip
_CALENDAR = (
    frozenset(_MONTH_NAMES.split())
    | {d + s for d in WEEKDAYS for s in ("", "s")}
    # Months written short ("knee op in Feb"): a time, not a place; "Jan" is a given name too,
    # and stays one where the text says so twice.
    | frozenset(
        ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
    )
)


# Parts of an email domain that name no employer: mail providers and what a host is.
_MAIL_HOSTS = frozenset(("gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "msn",
                         "icloud", "me", "mac", "aol", "protonmail", "proton", "pm", "gmx",
                         "web", "mail", "email", "posteo", "fastmail", "zoho", "yandex", "qq",
                         "163", "btinternet", "sky", "virginmedia", "orange", "free", "laposte",
                         "libero", "seznam", "wp", "onet", "t-online", "www", "mx"))  # fmt: skip
_LONGEST_INITIALS = 4  # a shorter domain label may be initials shared by many names
_LEGAL_FORMS = frozenset(("ltd", "limited", "inc", "llc", "llp", "plc", "gmbh", "ag", "sa",
                          "bv", "nv", "co", "corp", "the"))  # fmt: skip


def spelled(name: str) -> str:
    """A firm's name as a domain spells it: its letters and digits, less a legal form, folded
    ("Holland Expat Homes" -> hollandexpathomes, "Brasilmed Diagnósticos" -> brasilmeddiagnosticos)."""
    words = [w for w in re.findall(r"[^\W_]+", name.lower()) if w not in _LEGAL_FORMS]
    folded = unicodedata.normalize("NFKD", "".join(words))
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


def addressed_to(label: str, name: str) -> bool:
    """Whether an email domain's label (`firm_in_address`) spells a firm's name: all of it
    (less a legal form), or its first and last words with some of those between, in order,
    as domains shorten long names ("hollybankrescue" for Hollybank Animal Rescue,
    "brockwellmarket" for Brockwell Farmers Market), or two or more of its opening words
    ("northfieldrovers" for Northfield Rovers Girls FC), or all of it and a word more
    ("brightlinelegal" for Brightline). What is spelled so must be long enough to be a name
    (`_SPELLED_ENOUGH`). Not its first word alone: "sunwise" may be another firm than
    Sunwise Renewables Ltd, as a shared word is no match."""
    words = [spelled(w) for w in name.split()]
    words = [w for w in words if w]
    if not label or not words or not label.startswith(words[0]):
        return False
    whole = "".join(words)
    if label == whole:
        return True
    if len(label) >= _SPELLED_ENOUGH and (
        label.startswith(whole) or any(label == "".join(words[:i]) for i in range(2, len(words)))
    ):
        return True
    last = len(words) - 1

    def rest(at: int, i: int) -> bool:
        # The words from the i-th on, some skipped, spell the label from `at`, the last one
        # ending it.
        return any(
            label.startswith(w, at)
            and (at + len(w) == len(label) if j == last else rest(at + len(w), j + 1))
            for j, w in enumerate(words[i:], i)
        )

    return len(words) > 2 and rest(len(words[0]), 1)


# Letters a domain's label must have to name a firm by part of its name, or by its name and
# more: fewer may be a word many names share.
_SPELLED_ENOUGH = 7


def firm_in_address(email: str) -> str:
    """The part of an email address's domain that may spell a firm's name ("hollandexpathomes"
    of femke@hollandexpathomes.nl), or "" for a mail provider's or one too short to tell."""
    domain = email.rpartition("@")[2].lower()
    label = next((p for p in domain.split(".") if p not in _MAIL_HOSTS), "")
    label = "".join(c for c in label if c.isalnum())  # "hohenstein-verlag"
    return label if len(label) >= _LONGEST_INITIALS else ""


def employer_in_address(email: str) -> str:
    """What an email address's domain spells (`firm_in_address`) when its local part opens
    with a given name the domain does not spell ("joao@terraceramica.pt"): someone's address
    at a firm, whose name may then open with a given name too ("Terra Ceramica"). "" when it
    may be their own ("anna@annasmith.com") or its local part names no one ("hello@")."""
    label = firm_in_address(email)
    first = re.split(r"[._+\-]", email.partition("@")[0])[0]
    folded = spelled(first)
    if not label or len(folded) < 2 or not given_name(first) or folded in label:
        return ""
    return label


def calendar_word(word: str) -> bool:
    """Whether a word names a month or a day of the week ("March", "Fridays", "Feb")."""
    return word.lower() in _CALENDAR or word.lower() in _DAY_ABBREVIATIONS


def names_a_time(words: list[str]) -> bool:
    """Whether words name a time, not a place or someone: months, days, and a year said with
    them ("March", "Fridays", "September 2026")."""
    return set(w.lower() for w in words) - _YEARS <= _CALENDAR | _DAY_ABBREVIATIONS


_DAY_ABBREVIATIONS = frozenset(("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
                                 "sun"))  # fmt: skip
_DAYS = frozenset(WEEKDAYS) | _DAY_ABBREVIATIONS
# A year said with a month ("in September 2026") is part of the time it names.
_YEARS = frozenset(str(y) for y in range(1900, 2100))
# Words inside a name written in lower case, one or more in a row: "Ilse van den Berg",
# "Ludwig von Trapp", "Maria dos Santos", "Anneke de Vries".
NAME_PARTICLES = lexicon("names.particles")
_ORG_HEADS = frozenset({"university", "bank", "institute", "department", "ministry", "college",
                        "clinic", "clínica", "clinica", "hospital", "hotel", "universität",
                        "universidad", "université", "università", "universidade"})  # fmt: skip
_DETERMINERS = frozenset({"a", "an", "the", "our", "my", "your", "their", "his", "her", "its"})
_PERSON_VERBS = lexicon("names.person_verbs")
# What may follow a past form told of a thing done, where no one it was done to is named.
# Irregular past forms ("paid", "sent"), as `deeds.irregular` pairs them with their bases.
_PAST_FORMS = frozenset(pair.split(":", 1)[0] for pair in lexicon("deeds.irregular"))
_NOTHING_DONE_TO = frozenset(
    ("", "today", "yesterday", "tonight", "already", "earlier", "on", "at", "by", "last",
     "this", "off", "out", "back", "and")
)  # fmt: skip
# Verbs whose object is someone, in the forms a note uses ("met X", "call X", "send X the list").
_PERSON_BEFORE = frozenset(
    {"met", "called", "emailed", "told", "asked", "introduced", "thanked", "texted", "with",
     "meet", "call", "email", "tell", "ask", "thank", "text", "remind", "reminded", "invite",
     "invited", "send", "pay", "paid", "owe", "owes", "ring", "rang", "message", "messaged"}
)  # fmt: skip
# Verbs that follow the subject of a clause: a given name before one is someone ("Ama has
# started ...", "Yaw is allergic to sesame", "Kenji's running the merch table").
_SUBJECT_VERBS = frozenset(
    {"is", "was", "has", "had", "will", "would", "can", "could", "should", "might", "must",
     "does", "did", "isn't", "wasn't", "hasn't", "doesn't", "didn't", "won't", "can't", "'s",
     "\u2019s", "'ll", "\u2019ll"}
)  # fmt: skip
_PERSON_FIELDS_AFTER = lexicon("names.person_fields_after")
_SOMEONES_DEEDS = lexicon("names.someones_deeds")
_TOKEN = re.compile(r"[^\W_][\w'\u2019&\-]*")


@dataclass
class Candidate:
    """A capitalized run in one sentence, with its context."""

    name: str
    sentence: int
    start: int  # within the sentence, including a possessive 's
    end: int
    possessive: bool
    titled: bool
    before: list[str]  # lower-case words before, nearest last
    after: list[str]  # lower-case words after, nearest first
    tokens: list[str]
    after_name: bool = False  # the word before the cue word is capitalized ("Tom from X")
    after_comma: bool = False  # a comma right after the name ("Actually, ...")
    joined_to_next: bool = False  # "Alice and Bob", "Alice, Bob"
    coordinated: bool = False  # joined to the next by "and" or "&", not a comma alone
    label_word: bool = False  # the common noun opening a label ("Hotel in Lisbon: ...")
    labelled: str = ""  # the label's head noun, for the first name after it ("hotel")
    aside: bool = False  # set aside right after another name: "Acme (Oslo)", "Acme, Oslo —"
    represented: bool = False  # someone speaks for it: "Seedcamp (partner Amelie Roth"
    priced: bool = False  # a price right after it: "Keukens Van Damme €18,400", "X, £186"
    set_off: bool = False  # in an aside after a name: "Amy Chen (Google)", "Ali, our rep,"
    bracketed: str = ""  # what the brackets right after it say: "Tom (Anna's brother)"
    sort_bracketed: bool = False  # small words of a firm's sort open them: "(Paris agency; …"
    employs: bool = False  # whose job it is, set off after someone: "X, SunVolt's electrician"
    subject_head: str = ""  # what the name is said to be: "our bank" in "our bank is Monzo"
    called_head: str = ""  # what is called so: "club" in "a dinner club with friends called"
    # Told as the name of one spoken of by a job or a kin word before ("the plumber is
    # coming, his name's Gavin Doyle"); "her name is Biscuit" after "a dog" names no one.
    name_told: bool = False
    from_a_name: bool = False  # "from" and a capitalised word right after it: "Priya from Monzo"
    owns_nothing: bool = False  # its 's owns no word after it: "at St Mary's so …"
    with_speaker: bool = False  # listed with the speaker: "me + Jonas + Ffion", "Ana and I"
    sort_before: bool = False  # a sort of body right before it: "the charity Shelter"


@dataclass
class Scores:
    person: int = 0
    org: int = 0
    place: int = 0
    thing: bool = False
    tokens: int = 1
    given: bool = False  # opening with a given name ("João Almeida", "Tariq")
    rare: bool = False  # several words opening with a rarer given name ("Sipho Mokoena")
    inner: bool = False  # written capitalised somewhere other than a sentence's first word
    acts: int = 0  # does something to something ("Bupa covers 10 sessions"): a party
    partners: bool = False  # names joined by "&" a job is given to: "Hollis & Vane"
    names: set[str] = field(default_factory=set)


_SPEAKER = re.compile(r"I(?:['\u2019](?:m|ve|d|ll))?")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)\b", re.IGNORECASE)


def find_candidates(sentence: str, index: int, masked: list[Span]) -> list[Candidate]:
    """Capitalized runs of a sentence that are not inside a typed value."""
    tokens = [
        m
        for m in _TOKEN.finditer(sentence)
        if not any(m.start() < s.end and m.end() > s.start for s in masked)
    ]
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for i, tok in enumerate(tokens):
        text = tok.group()
        # "Person 42" goes on; a day's ordinal does not ("in Didsbury 24th-27th").
        capital = text[0].isupper() or (
            text[0].isdigit() and bool(current) and _ORDINAL.match(text) is None
        )
        if _SPEAKER.fullmatch(text):
            capital = False  # "Things I need: …": the speaker ends a run, it is no name's word
        if capital:
            if current and not _joinable(sentence, current[-1], tok):
                runs.append(current)
                current = []
            if current or not text[0].isdigit():  # "Person 42" goes on; "2nd" starts nothing
                current.append(tok)
            continue
        if current and _connector(current, tok) and _capital_after(tokens, i):
            current.append(tok)
            continue
        if current and text == "do" and _do_joins(current[-1].group(), tokens[i + 1 : i + 2]):
            current.append(tok)  # "Casa do Alfama", "Cais do Sodré": Portuguese "of the"
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    out: list[Candidate] = []
    for run in runs:
        cand = _candidate(sentence, index, run)
        if cand is not None:
            if (
                out
                and re.fullmatch(  # an age or an aside may stand between: "Tom (9) and"
                    r"\s*(?:\([^)]{0,20}\)\s*)?(?:,|and|&|,\s*and)\s*",
                    sentence[out[-1].end : cand.start],
                )
            ):
                out[-1].joined_to_next = True
                out[-1].coordinated = (
                    re.search(r"\band\b|&", sentence[out[-1].end : cand.start]) is not None
                )
            out.append(cand)
    _labelled(sentence, out)
    for prev, cand in itertools.pairwise(out):
        # "Tomás and Inês Araújo": a given name alone joined by "and" to another given name
        # and a family name shares it; the couple are Tomás Araújo and Inês Araújo.
        if (
            len(prev.tokens) == 1
            and len(cand.tokens) == 2
            and not prev.possessive
            and re.fullmatch(r"\s*(?:and|&)\s*", sentence[prev.end : cand.start])
            and given_name(prev.tokens[0])
            and given_name(cand.tokens[0])
        ):
            family = cand.name.split()[-1]
            prev.name = f"{prev.name} {family}"
            prev.tokens = [*prev.tokens, family.lower()]
    for at, cand in enumerate(out):
        rest = sentence[cand.end :]
        # "Hohenstein Verlag, Munich (literary publisher; editor Annegret Vogt": the sort and
        # the one who speaks for it, after a part of their own, are the firm's named before,
        # not the town's set after it.
        town_of_firm = (
            at > 0
            and sentence[out[at - 1].end : cand.start].strip() == ","
            and rest.lstrip().startswith("(")
        )
        said = _REPRESENTED.match(rest)
        cand.represented = (
            said is not None
            and not (town_of_firm and said.group("parts"))
            and (said.group("role") == "contact" or _role_like(said.group("role").split()[-1]))
        )
        cand.priced = _PRICE_AFTER.match(sentence, cand.end) is not None
        told = name_told_before(sentence, cand.start)
        cand.name_told = told is not None and any(
            kin_or_role(w.lower()) for w in _TOKEN.findall(sentence[: told.start()])
        )
        bracket = _BRACKET_AFTER.match(sentence, cand.end)
        cand.bracketed = bracket.group(1).lower() if bracket else ""
        cand.sort_bracketed = (
            bracket is not None and not town_of_firm and _sort_said(bracket.group(1))
        )
    for prev, cand in itertools.pairwise(out):
        gap, rest = sentence[prev.end : cand.start], sentence[cand.end :]
        cand.set_off = bool(
            ("(" in gap and ")" not in gap and rest.lstrip()[:1] == ")")
            or (gap.lstrip().startswith(",") and rest.lstrip()[:1] == "," and len(gap) < 40)
        )
        cand.employs = (
            cand.possessive and gap.strip() == "," and any(_role_like(w) for w in cand.after[:3])
        )
    for prev, cand in itertools.pairwise(out):
        if any(t in THING_WORDS for t in prev.tokens):
            continue  # "12 Elm Street, Springfield": the town is the address's, said with it
        gap, rest = sentence[prev.end : cand.start], sentence[cand.end :]
        cand.aside = bool(
            (_OPEN_ASIDE.fullmatch(gap) and rest[:1] in (")", ","))
            or (
                (gap.strip() == "," or _DETAILS.fullmatch(gap))
                and (_CLOSE_ASIDE.match(rest) or _DETAILS_END.fullmatch(rest))
            )
        )
    return out


# "Hana Novák, hana.novak@studio.example, graphic designer, Prague.": details of the one
# named set off one after another by commas (an email address, a number, a few lower-case
# words that are no clause), and a name last, set aside as one right after would be.
_CONTACT_DETAIL = r"(?:[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+|\+?[\d()][\d()\s\-]{4,}\d)"
_DETAIL = (
    rf"(?:{_CONTACT_DETAIL}"
    r"|(?!(?:and|or|but|then|who|which|that|we|i|he|she|they|it|is|was|are)\b)[a-z][a-z\-]*"
    r"(?:\s+(?!(?:and|or|but|then|who|which|that|is|was|are)\b)[a-z][a-z\-]*){0,3})"
)
_DETAILS = re.compile(rf"\s*,\s*(?:{_DETAIL}\s*,\s*){{1,4}}")
# After the name, only an email address or a number: lower-case words may be a clause
# ("Carer from Bluebird Care, Janet, comes every weekday").
_DETAILS_END = re.compile(rf"(?:\s*,\s*{_CONTACT_DETAIL}){{1,4}}\s*[.!?]?\s*")


_BRACKET_AFTER = re.compile(r"\s*\(([^()]{1,60})\)")
# "his name's …", "her name is …" right before a name (its title, if any, opens the name).
_NAME_TOLD = re.compile(r"\b(?:his|her|their)\s+name(?:['\u2019]s|\s+is)\s+$", re.IGNORECASE)


def name_told_before(text: str, at: int) -> re.Match[str] | None:
    """ "his name's", "her name is" right before `at`, looked for only in the few characters
    before it: every name of every sentence asks, so the sentence is not scanned whole."""
    return _NAME_TOLD.search(text, max(0, at - 24), at)


# Words after which a name is what they govern, not the subject of the verb after it.
_OBJECT_AFTER = frozenset(("at", "from", "of", "with", "for", "in", "to", "by", "on", "via"))
# A price said right after a name, set off or not: what that party charges or quoted.
_PRICE_AFTER = re.compile(
    r"\s*[,:\u2014\u2013-]?\s*(?:[£$€¥]\s?\d|\d[\d,.]*\s?(?:€|EUR|GBP|USD)\b)"
)

# "Seedcamp (partner Amelie Roth, …)", "Harbour Lane Bakery — contact Gwen Ofori": a job or
# "contact" set off right after a name, then someone's name: the one who speaks for it. In
# its brackets, other parts may come first: "Northlight Docs (New York; post supervisor …".
_REPRESENTED = re.compile(
    r"\s*(?:\((?P<parts>[^();]{1,40};)?|,|\u2014|\u2013|\s-)\s*(?P<role>(?:[a-z][\w\-]*\s+){0,2}?[a-z][\w\-]*)\s+"
    rf"(?:{TITLE})?[A-Z]"
)
# "Nordlys Medical AS (Oslo)", "Terra Ceramica, Porto — …": a word set aside right after a name
# says where that one is.
_OPEN_ASIDE = re.compile(r"\s*\(\s*")
_CLOSE_ASIDE = re.compile(r"\s*(?:[;)\u2014\u2013]|-\s|[.!?]?\s*$)")


# A note's opening label: up to five words before a colon ("Hotel in Lisbon: Memmo Alfama",
# "Bank: Monzo", "Dentist: Dr. Kim").
_LABEL_OPENING = lazy_compile(r"^\s*(?P<label>[A-Z][^\W\d_]*(?:\s+[\w'\u2019\-]+){0,4}?)\s*:\s+")
_PHRASE_PREPOSITIONS = frozenset(("in", "at", "for", "with", "from", "of", "on"))


def before_preposition(words: list[str]) -> list[str]:
    """A noun phrase's words up to its first preposition: its head noun is the last ("best
    friend from university", "hotel in Lisbon")."""
    return words[: next((i for i, w in enumerate(words) if w in _PHRASE_PREPOSITIONS), len(words))]


# Label nouns that only an organization is (beside the institutions' own head nouns).
_ORG_LABELS = frozenset(("company", "firm", "employer", "insurer", "shop", "store",
                         "supermarket", "gym", "airline", "broker", "lender"))  # fmt: skip


def _labelled(sentence: str, candidates: list[Candidate]) -> None:
    """Mark a label's opening common noun, which is no name, and give the label's head noun
    to the first name after it: what the label says it is ("Hotel in Lisbon: Memmo Alfama"
    is a hotel, "Dentist: Dr. Kim" a dentist)."""
    m = _LABEL_OPENING.match(sentence)
    if m is None or not candidates:
        return
    own = before_preposition(m.group("label").lower().split())
    if not own or any(w != w.lower() for w in m.group("label").split()[1 : len(own)]):
        return  # "Maya Patel: ..." is a name, not a label
    first = candidates[0]
    if (
        len(own) == 2
        and (own[1].endswith("ed") or own[1] in _PAST_FORMS)
        and first.start == m.start("label")
        and len(first.tokens) == 1
        and not given_name(first.tokens[0])
    ):
        # "Budget agreed: £18,000", "Deposit paid: £300": what was done to the thing the
        # label names, no one who did it.
        first.label_word = True
        return
    head = own[-1]
    after = next((c for c in candidates if c.start >= m.end()), None)
    if not (head in ORG_SUFFIXES or head in _ORG_LABELS or person_noun(head)):
        # "Client: …", "Supplier: …" may be a person or a company: a company when the name
        # after it opens with no given name ("Client: Wydawnictwo Znak", not "Chloé Dubois").
        plural = head[:-1] if head.endswith("s") else head
        if plural not in ORG_NOUNS or after is None or given_name(after.tokens[0]):
            return
    if first.start == m.start("label") and len(first.tokens) == 1:
        first.label_word = True
    if head in ORG_SUFFIXES and after is not None and given_name(after.tokens[0]):
        return  # "Group: Søren Holm, Ana Ferreira": who is in it, not what kind of firm
    if after is not None:
        after.labelled = head


def _opening_aside(c: Candidate) -> bool:
    return c.start == 0 and len(c.tokens) == 1 and c.after_comma and not _apposed(c)


def _owned_head(before: list[str]) -> str:
    """The head noun of a phrase someone owns right before a name ("my head of department"
    -> "head"): the last word before its first preposition, after "my", "our", "user's"."""
    for i in range(len(before) - 2, max(len(before) - 6, -1), -1):
        if before[i] in _OWNED:
            words = before_preposition(before[i + 1 :])
            return words[-1] if words else ""
    return ""


def _job_where_before(before: list[str]) -> bool:
    """Whether the words before a name end on a job or a tie and where it is: "boss at
    Contoso", "carer from Bluebird Care" (the firm's words last)."""
    for i in range(len(before) - 2, 0, -1):
        if before[i] in ("at", "from", "with"):
            return before[i - 1] in KIN_NOUNS or role_noun(before[i - 1])
    return False


def _a_things(words: list[str]) -> bool:
    """Whether the words end on a thing of someone's ("my pension", "our home insurance",
    "the user's mortgage"): a noun no person is called, after an owner's word."""
    if not words:
        return False
    noun = words[-1]
    if noun in STOPWORDS or person_noun(noun) or given_name(noun) or noun in _PRONOUNS:
        return False
    return any(w in _OWNERS or w.endswith(("'s", "\u2019s")) for w in words[-4:-1])


_OWNERS = frozenset(("my", "our", "the", "his", "her", "their", "your"))


def _apposed(c: Candidate) -> bool:
    """Whether a person noun of someone's follows the name after a comma: "Maya, my sister",
    "Okafor, our dentist"."""
    after1 = c.after[0] if c.after else ""
    after2 = c.after[1] if len(c.after) >= 2 else ""
    return c.after_comma and after1 in _OWNED and (after2 in KIN_NOUNS or _role_like(after2))


def _bracketed_person(c: Candidate) -> bool:
    """Whether the brackets right after a name say who they are: a kin noun ("Tom (Anna's
    brother)") or a known job ("Olu Ade (tenant, flat 4B)"), as their first item."""
    first = c.bracketed.split(",")[0].split()
    head = first[-1].strip(".;:") if first else ""
    return bool(head) and len(first) <= 3 and (head in KIN_NOUNS or role_noun(head))


def _sort_said(bracketed: str) -> bool:
    """Whether what brackets say opens with what kind of firm a name is: at most three words,
    the last a firm's sort in small letters ("Paris agency; contact …", "charity", "ad
    agency, Bengaluru"), not a firm's own name ("Ellery & Co") nor a job "of" a part of one
    ("head of sales")."""
    first = re.split(r"[,;]", bracketed, maxsplit=1)[0].split()
    head = first[-1] if first else ""
    if "of" in first:
        return False  # "Ana Ruiz (head of sales)": a job of a part of the firm, no sort
    return 0 < len(first) <= 3 and head.islower() and (head in ORG_SUFFIXES or head in FIRM_HEADS)


def shouted(key: str, candidates: list[Candidate]) -> bool:
    """Whether the name is written only in capitals, in words of more than one letter."""
    written = [c.name for c in candidates if c.name.lower() == key]
    words = [w for name in written for w in name.split() if len(w) > 1]
    return bool(words) and all(w.isupper() for w in words) and len(written[0].split()) > 1


def _joinable(sentence: str, left: re.Match[str], right: re.Match[str]) -> bool:
    gap = sentence[left.end() : right.start()]
    if "\n" in gap:
        return False
    # An initial keeps its dot inside a name: "Ursula K. Le Guin", "J. R. R. Tolkien"; so
    # does a saint's or a mount's ("St. Mary's Hospital", "Mt. Hood").
    short = (len(left.group()) == 1 and left.group().isupper()) or left.group() in _NAME_SHORTS
    initial = short and gap.strip() == "."
    # "Cork University Hospital Sat 28 Nov": a day or a month before a number is a date
    # said after the name, not a word of it.
    word = right.group().lower()
    if (word in _CALENDAR or word in _DAY_ABBREVIATIONS) and re.match(
        r"\s*\d", sentence[right.end() :]
    ):
        return False
    return gap.strip() in ("", "&") or initial


def _opening_verb(tok: re.Match[str]) -> bool:
    """A verb opening a note, capitalised only because it opens it ("Joined Riverside
    Harriers", "Ordered from AquaFlora", "Shadowing Ahmed"): a word with a verb's ending
    at the start of the sentence that is no given name ("Ahmed", "Fred")."""
    word = tok.group()
    return (
        tok.start() == 0
        and len(word) > 4
        and word[1:].islower()
        and word.lower().endswith(("ed", "ing"))
        and not given_name(word)
    )


def _capital_after(tokens: list[re.Match[str]], i: int) -> bool:
    """Whether the words after token `i` are name particles up to a capitalised word: a
    particle joins a name only inside one ("van den Berg", not "Berg van")."""
    nxt = next((t for t in tokens[i + 1 :] if t.group().lower() not in NAME_PARTICLES), None)
    return nxt is not None and nxt.group()[0].isupper()


def _do_joins(before: str, after: list[re.Match[str]]) -> bool:
    """Whether "do" between `before` and the token `after` is a name's "of the": a
    capitalised word follows that names no day or month, and `before` is no given name
    ("Ana do Yoga": Ana does yoga)."""
    nxt = after[0].group() if after else ""
    return (
        nxt[:1].isupper()
        and not calendar_word(nxt)
        and not (given_name(before) or rare_given_name(before))
    )


def _connector(run: list[re.Match[str]], tok: re.Match[str]) -> bool:
    word = tok.group().lower()
    if word == "of":
        return run[-1].group().lower() in _ORG_HEADS
    return word in NAME_PARTICLES and len(run) >= 1


# A reference, not a name: capitals then digits ("INV-0409", "NH212", "GW7", "Q3").
_CODE = lazy_compile(r"[A-Z]{1,5}-?\d[\w\-]*")


def _ampersand_after(sentence: str, run: list[re.Match[str]]) -> bool:
    """Whether the run's first word is joined to the next by "&": a word of a firm's name
    ("Spoke & Chain Cycles"), whatever else the word may be."""
    return len(run) > 1 and sentence[run[0].end() : run[1].start()].strip() == "&"


# What follows a name's 's when the 's is a verb: an article ("is"), "been" or "got" ("has").
_S_FOR_VERB = re.compile(r"\s+(?:(?P<is>a|an|the)|been|got)\s", re.IGNORECASE)
# What may follow an 's that owns nothing: the sentence's end, a mark, or a word opening a
# clause, a time or a place rather than a thing owned.
_OWNS_NOTHING = re.compile(
    r"\s*(?:$|[,.;:!?)\u2014\u2013]|-\s|(?:so|and|but|or|because|as|on|in|at|near|for|until|"
    r"since|from|to|with|now|today|yesterday|tomorrow|this|last|next|every)\b)",
    re.IGNORECASE,
)
_OBJECT_BEFORE = re.compile(r"\b(?:at|to|from|by|with|in|for)\s+$", re.IGNORECASE)


# The speaker listed with names: "me + Jonas + Ffion", "me, Tom and Ana", "Ana and I".
_JOINER = r"\s*(?:,|\+|&|\band\b|,\s*and\b)\s*"
_LISTED_NAME = r"[A-Z][\w'\u2019\-]*(?:\s+[A-Z][\w'\u2019\-]*)?"
_SPEAKER_LISTED_BEFORE = re.compile(
    rf"(?:\b(?i:me|myself)|\bI)(?:{_JOINER}{_LISTED_NAME})*{_JOINER}$"
)
_SPEAKER_LISTED_AFTER = re.compile(rf"(?:{_JOINER}{_LISTED_NAME})*{_JOINER}(?:(?i:me)|I)\b")


def _candidate(sentence: str, index: int, run: list[re.Match[str]]) -> Candidate | None:
    titled = False
    while (
        run
        and not _ampersand_after(sentence, run)
        and (
            run[0].group().lower().rstrip("'\u2019s") in _LEADING_NOISE
            or run[0].group().lower() in TITLES
            or run[0].group().isdigit()
            or _CODE.fullmatch(run[0].group()) is not None
            or (len(run) > 1 and _opening_verb(run[0]))
            # "Update: left Initech": a note's label, no one's name
            or (
                run[0].start() == 0
                and run[0].group().lower() in META_LABELS
                and sentence[run[0].end() :].startswith(":")
            )
        )
    ):
        titled = titled or run[0].group().lower() in TITLES
        run = run[1:]
    # "Neighbour Tom Baker", "Labmate Oğuz Demir": a word for who someone is, capitalised
    # only because it opens the sentence or the note, is not part of their name. A given
    # name only looks like a job by its ending ("Peter Holm", "Jennifer Lee", "Julian Fox").
    # Nor is a word joined to the next by "&" ("Brenner & Vogt"): it is a firm's first name.
    while (
        len(run) > 1
        and not _ampersand_after(sentence, run)
        and (
            run[0].group().lower() in ROLE_NOUNS | KIN_NOUNS
            or (
                run[0].start() == 0
                and _role_like(run[0].group())
                and (run[0].group().lower() in ROLE_NOUNS or not given_name(run[0].group()))
            )
            # "PM Thiago Nascimento", "DJ Kofi": a job said short, in capitals.
            or (run[0].group().isupper() and run[0].group().lower() in _SHORT_JOB_NOUNS)
        )
    ):
        run = run[1:]  # "Babysitter Zsófia" opening a note: a job, capitalised as it opens
        titled = True  # and who is called so is a person
    while (
        run
        and (
            run[-1].group().lower() in ROLE_NOUNS
            # A particle ends no name, but one written with a capital is the name's last word:
            # "Cantina Dei", not "Cantina".
            or (run[-1].group().lower() in NAME_PARTICLES and not run[-1].group()[:1].isupper())
            or _CODE.fullmatch(run[-1].group()) is not None
            # "Fee EUR 14,500": a currency's code before its amount ends a name
            or (
                run[-1].group().isupper()
                and run[-1].group().lower() in CURRENCY_CODES
                and re.match(r"\s*\d", sentence[run[-1].end() :]) is not None
            )
        )
    ):
        run = run[:-1]
    if not run or all(
        part.rstrip(".") in _DAYS for t in run for part in re.split(r"[-\u2013]", t.group().lower())
    ):
        # "Tue & Fri", "Mon", "Sat-Sun": days of the week, however written, name no one.
        return None
    start, end = run[0].start(), run[-1].end()
    text = sentence[start:end]
    possessive = text.endswith(("'s", "\u2019s"))
    name = text[:-2] if possessive else text.rstrip("'\u2019")
    said = _S_FOR_VERB.match(sentence, end) if possessive else None
    contracted = said is not None and not _OBJECT_BEFORE.search(sentence[:start])
    verb = "is" if said is not None and said.group("is") else "has"  # "Haruka's been …"
    if contracted:
        # "Tom's a plumber", "Anna's the new treasurer": an article follows no owner, so the
        # 's is "is" ("has" before "been" or "got"); the name ends before it, as before a
        # written-out verb ("at Oksana's on Saturday" is someone's place, after a preposition).
        possessive, end = False, end - 2
    title = re.search(rf"\b({TITLE_WORDS})\.?\s+$", sentence[:start])
    if title:
        # The title is part of the mention, so that what stands before it is what stands
        # before the person ("my dentist is Dr. Tomás Ortiz"); a lone surname keeps it in
        # its name too ("Dr. Okafor"), since the surname alone names nobody.
        start, titled = title.start(), True
        if len(run) == 1:
            full = title.group(1).lower() in _FULL_TITLES
            name = f"{title.group(1)}{'' if full else '.'} {name}"
    if not name or name.isdigit():
        return None
    raw_before = _TOKEN.findall(sentence[:start])
    lowered_before = [w.lower() for w in raw_before]
    before = [w for w in lowered_before if w not in TITLES][-4:]
    after = [w.lower() for w in _TOKEN.findall(sentence[end + 2 if contracted else end :])]
    after = ([verb, *after] if contracted else after)[:4]  # the 's read as written out
    tokens = [t.lower() for t in _TOKEN.findall(name) if t.lower() not in TITLES]
    if not tokens:
        return None  # "October Dr.": a title alone names no one
    after_name = len(raw_before) >= 2 and raw_before[-2][0].isupper()
    after_comma = sentence[end : end + 1] == ","
    found = Candidate(
        name, index, start, end, possessive, titled, before, after, tokens, after_name, after_comma
    )
    # "a midwife at St Mary's so …", "works at Sainsbury's now": an 's after a preposition
    # that owns nothing is the name's own if the name is a firm's (`analysis._firms_own_s`),
    # not a person's ("dinner at Oksana's on Saturday").
    found.owns_nothing = (
        possessive
        and _OWNS_NOTHING.match(sentence, end) is not None
        and _OBJECT_BEFORE.search(sentence[:start]) is not None
    )
    found.subject_head = subject_head(sentence[:start])
    found.called_head = _called_head(lowered_before[-10:])
    # "the charity Shelter", "Car-share group 'Grünwald Wheels'": a sort of body written in
    # small letters right before the name, set beside it by "the" (or "our"…) before the
    # sort or by quotes around the name, says which body it is; not a word of the sort
    # that only qualifies a name ("sails a club Laser Pico", "the venue AV thing").
    beside = _RIGHT_BEFORE.search(sentence[:start])
    quoted = beside is not None and beside.group("quote") != ""
    found.sort_before = bool(
        raw_before
        and beside is not None
        and (quoted or bool(set(lowered_before[-3:-1]) & _OWNERS))
        and not (len(tokens) == 1 and name.isupper())
        and raw_before[-1].islower()
        and raw_before[-1] in _BODY_SORTS
        and raw_before[-1] not in THING_WORDS
        and not (person_noun(raw_before[-1]) or role_noun(raw_before[-1]))
    )
    found.with_speaker = bool(
        _SPEAKER_LISTED_BEFORE.search(sentence[:start])
        or _SPEAKER_LISTED_AFTER.match(sentence, end)
    )
    raw_after = _TOKEN.findall(sentence[end:])
    found.from_a_name = (
        len(raw_after) > 1
        and raw_after[0].lower() == "from"
        and raw_after[1][0].isupper()
        and not calendar_word(raw_after[1])  # "will manage Orion from April": when
    )
    return found


# A clause that says what the name after it is: "our bank is", "The internet provider at the
# new flat is". It follows a mark or "and" / "but" with a determiner, or opens the text with
# or without one ("Hotel is the Memmo Alfama").
_SUBJECT = lazy_compile(
    r"(?:^\s*(?:(?:the|my|our|your|his|her|their|user'?s)\s+)?"
    r"|(?:[,;:.!?(]|\b(?:and|but)\b)\s*(?:the|my|our|your|his|her|their|user'?s)\s+)"
    r"(?P<phrase>[^,;:.!?()]*?)\s+(?:is|was)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def subject_head(before: str) -> str:
    """The head noun of the subject when the text before a name is "<determiner> … is (the)": the
    last word before its first preposition ("provider" in "the internet provider at the new
    flat is"); else ""."""
    m = _SUBJECT.search(before)
    if m is None:
        return ""
    own = before_preposition([w.lower() for w in _TOKEN.findall(m.group("phrase"))])
    # "The plumbing firm we use is …", "the dentist that I see is …": the head is before
    # the clause that says which one.
    own = own[: next((i for i, w in enumerate(own) if w in _CLAUSE_OPENERS), len(own))]
    return own[-1] if own else ""


_CLAUSE_OPENERS = frozenset(("that", "which", "who", "whom", "we", "i", "you", "they", "he", "she"))


def classify(
    candidates: list[Candidate],
    known: Mapping[str, str] | None = None,
    addressed: set[str] | frozenset[str] = frozenset(),
    staffed: set[str] | frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Kind of each candidate name over the whole text: person, org, place or thing.
    `addressed`: what the text's email domains spell (`firm_in_address`); a name spelled so
    that opens with no given name is a firm's ("Beit Zeitoun": leila@beitzeitoun.co.uk), as is
    one opening with one when it is `staffed`: spelled by the domain of an address whose
    local part is someone else's given name ("Terra Ceramica": joao@terraceramica.pt)."""
    scores: dict[str, Scores] = defaultdict(Scores)
    # "Actually, ...", "Honestly, ...": a word opening a sentence before a comma is a name only
    # if the text also writes it capitalised somewhere else.
    elsewhere = {c.name.lower() for c in candidates if not _opening_aside(c)}
    candidates = [c for c in candidates if not _opening_aside(c) or c.name.lower() in elsewhere]
    candidates = [c for c in candidates if not c.label_word]
    for cand in candidates:
        s = scores[cand.name.lower()]
        s.tokens = len(cand.tokens)
        _score(cand, s)
    # "Idris has NOT cleared the garage", "I told HIM twice": a function word stressed in
    # capitals is no name ("US" and "IT", two letters, may be one).
    stressed = {
        c.name.lower()
        for c in candidates
        if c.name.isupper() and all(len(w) > 2 and w.lower() in STOPWORDS for w in c.name.split())
    }
    kinds: dict[str, str] = {}
    for key, s in scores.items():
        if key in stressed:
            continue
        domain = spelled(key)
        if addressed and not s.thing and domain in addressed and (not s.given or domain in staffed):
            kinds[key] = "org"
            continue
        if names_a_time(key.split()):
            # "files in March", "on Saturdays": a time, not a place; a person only when the
            # text says so twice ("June Park"'s "June" is one word of a name, not this).
            if s.person >= 2 and not s.thing:
                kinds[key] = "person"
            continue
        if s.tokens == 1 and key in ORG_SUFFIXES:
            continue  # "Lab report due …", "Garden: …": a firm's kind alone names no firm
        if s.tokens == 1 and key in KIN_NOUNS and not s.thing:
            # "Need to call Mum": a kin word used as a name is someone, never a firm or a
            # place (it had made an organization "Mum").
            if s.person >= 1:
                kinds[key] = "person"
            continue
        if s.tokens == 1 and key in CURRENCY_CODES:
            continue  # "pays in GBP", "NZD 1,150": a currency, no place and no firm
        if s.thing and not (s.given and s.person >= 3 and len(key.split()) >= 2):
            # ... unless said to be someone, by a given name and a surname that is also a
            # thing's word ("Solicitor: Harriet Lane", "our vet, Dr Ana Close").
            kinds[key] = "thing"
        elif s.thing:
            kinds[key] = "person"
        elif s.partners:
            # No one person is called "X & Y", and a job is no couple's: "Estate agent:
            # Hollis & Vane" is a firm, whatever the label's person noun says.
            kinds[key] = "org"
        elif s.org >= 2 and s.org >= s.person:
            kinds[key] = "org"
        elif s.place >= 2 and s.place > s.person:
            kinds[key] = "place"
        elif shouted(key, candidates):
            continue  # "DROP TABLE", "ASAP": words in capitals name no person or place
        elif s.person >= 2 or (s.person >= 1 and s.given and s.place == 0):
            kinds[key] = "person"
        elif s.person + s.acts >= 1 and (s.tokens >= 2 or s.inner) and s.place == 0:
            # One sign of someone acting, and no given name: a firm ("booked with Dales
            # Movers", "is with Admiral", "Bupa covers 10 sessions"). A single word needs to
            # be capitalised where no sentence opens, so it is a name, not an opening word.
            kinds[key] = "org"
        elif s.org >= 1 and s.tokens >= 2 and s.inner and not s.given and s.person <= 0:
            # One sign of a party ("a liner from AquaFlora Direct", "Keukens Van Damme
            # €18,400") and none of anyone: a name of several words opening with no given
            # name is a firm's, unless it is a job and a surname ("Reverend Okafor").
            words = key.split()
            dated = any(w in _CALENDAR or w.isdigit() for w in words)  # "from April 2027"
            if s.place == 0 and not dated and not (s.tokens == 2 and role_noun(words[0])):
                kinds[key] = "org"
    for key, kind in (known or {}).items():
        if key in scores and kinds.get(key) != "thing":
            kinds[key] = kind

    # "Alice and Bob work...": names joined to a person's are people too, when they open with
    # a given name ("Terra Ceramica, Porto": a place joined on is not), or are a full name
    # nothing marks as anything else ("Mateusz Kaczmarek and Tendai Moyo").
    def unmarked(c: Candidate) -> bool:
        s = scores[c.name.lower()]
        return len(c.tokens) >= 2 and not (s.thing or s.place or s.org > 0)

    for left, right in itertools.pairwise(candidates):
        if left.joined_to_next and left.sentence == right.sentence:
            pair = (left, right)
            if any(kinds.get(c.name.lower()) == "person" for c in pair) and all(
                kinds.get(c.name.lower()) != "org" for c in pair
            ):
                kinds.update(
                    {
                        c.name.lower(): "person"
                        for c in pair
                        if kinds.get(c.name.lower()) == "person"
                        or given_name(c.tokens[0])
                        or unmarked(c)
                    }
                )

    # "Kindred Capital (intro pending), Balderton (passed)", "Ridgeway & Daughters
    # Construction and Pellow Brothers Building": names listed with a firm's are firms too,
    # when nothing marks them as anyone or anywhere. Listed things are of one kind; this is
    # the firms' side of the people's rule above, spread along a list of any length. A comma
    # alone lists them only when each has its own brackets: "Hohenstein Verlag, Munich (…)"
    # and "Kiln & Clay Collective, Unit 7, Tannery Yard" say where the firm is.
    def unknown(c: Candidate) -> bool:
        key, s = c.name.lower(), scores[c.name.lower()]
        return (
            key not in kinds
            and not (s.thing or s.given or s.place > 0 or s.person > 0)
            and not set(key.split()) <= _CALENDAR | _DAY_ABBREVIATIONS
            and key not in CURRENCY_CODES
            and not (s.tokens == 1 and key in ORG_SUFFIXES)
            and not shouted(key, candidates)
        )

    spreading = True
    while spreading:
        spreading = False
        for left, right in itertools.pairwise(candidates):
            if not (left.joined_to_next and left.sentence == right.sentence):
                continue
            if not (left.coordinated or (left.bracketed and right.bracketed)):
                continue
            for firm, other in ((left, right), (right, left)):
                if kinds.get(firm.name.lower()) == "org" and unknown(other):
                    kinds[other.name.lower()] = "org"
                    spreading = True
    # "moved from Mercadona Tech to Inditex Digital", "switched from Craigies Farm to Stoats
    # Hens": the two ends of a change are of one kind, a firm's when one is known to be.
    for left, right in itertools.pairwise(candidates):
        ends = (left.name.lower(), right.name.lower())
        if (
            left.sentence == right.sentence
            and left.before[-1:] == ["from"]
            and right.before[-1:] == ["to"]
            and right.before[-2:-1] == [left.tokens[-1]]
            and {kinds.get(ends[0]), kinds.get(ends[1])} == {"org", None}
            and not any(scores[e].thing or scores[e].person > 0 for e in ends)
        ):
            kinds.update(dict.fromkeys(ends, "org"))
    # "The Crux Climbing Centre in Hackney", "Second Chance Cats in Cork": a name of several
    # words said to be in a town is somewhere people go, run by someone: a firm's (a club's,
    # a clinic's), when nothing else decided it and it opens with no given name or title (a
    # person said to be in a town, "my sister Ana Ruiz in Madrid", opens with one), nor
    # follows a house's number ("21 Orchard Rise in Stroud" is a street).
    for left, right in itertools.pairwise(candidates):
        key, s = left.name.lower(), scores[left.name.lower()]
        if (
            left.sentence == right.sentence
            and left.after[:1] in (["in"], ["near"])  # "Ballyvolane House near Fermoy"
            and right.before[-1:] == left.after[:1]
            and kinds.get(right.name.lower()) == "place"
            and key not in kinds
            and s.tokens >= 2
            and s.inner
            and s.person <= 0
            and s.place == 0
            and not (s.thing or s.given or s.rare or left.titled or left.possessive)
            and not any(w[:1].isdigit() for w in left.before[-1:])
            and not names_a_time(key.split())
            and not shouted(key, candidates)
        ):
            kinds[key] = "org"
    # Last, what nothing else decided: a full name opening with a rarer given name, and no
    # sign of a firm, a place or a thing ("Our contact there is Sipho Mokoena, MD", "fitter
    # for the interior is Jędrzej Kowal") is someone, as one opening with a commoner given
    # name and one sign of a person is; not one named after someone the text names in full
    # ("Greg Alvarez … Alvarez Market"), nor one ending in a numeral ("Genki II").
    surnames = {key.split()[-1] for key, s in scores.items() if s.given and s.tokens >= 2}
    # "Kowalski Bathrooms (Marek Kowalski, 07811 …)", "Bob Fenwick (Fenwick Kilns)": a name
    # opening with the surname of someone the text names in full, and no given name after
    # it, is a firm named after them, whatever a job said before it ("Contractor:") makes it.
    for key, s in scores.items():
        words = key.split()
        opens_with_theirs = (
            len(words) >= 2
            and words[0] in surnames
            and not s.given
            and not (s.thing or kinds.get(key) == "place")
            and not any(given_name(w) for w in words[1:])
            and not _ROMAN.fullmatch(words[-1])
            and words[-1] not in STREETS
            and not any(w in STOPWORDS for w in words)
        )
        # "Sanitair Demir" beside Oğuz Demir, "Baumpflege Demir" beside Emre Demir: a name
        # nothing else decided, its trade first and their surname last, is theirs too.
        ends_with_theirs = (
            key not in kinds
            and 2 <= len(words) <= 3
            and words[-1] in surnames
            and not (s.given or s.rare or s.thing or s.place > 0 or s.person > 0)
            and not (words[0] in TITLES or words[0] in KIN_NOUNS or person_noun(words[0]))
            and not any(given_name(w) or w in STOPWORDS for w in words[:-1])
        )
        if opens_with_theirs or ends_with_theirs:
            kinds[key] = "org"
    for key, s in scores.items():
        words = key.split()
        if (
            key not in kinds
            and s.rare
            and s.inner
            and s.person >= 0
            and s.org == 0
            and s.place == 0
            and not s.thing
            and words[0] not in surnames
            and not _ROMAN.fullmatch(words[-1])
            and words[-1] not in STREETS
            and not any(w in STOPWORDS for w in words)  # "GOT INTO THE GROUP SHOW"
        ):
            kinds[key] = "person"
    # A first or last name alone is the person already named in full ("Alice" -> Alice Johnson).
    people = [k for k, v in kinds.items() if v == "person" and " " in k]
    for key, s in scores.items():
        if key in kinds or s.tokens != 1:
            continue
        if any(key in (p.split()[0], p.split()[-1]) for p in people) and s.org < 2:
            kinds[key] = "person"
    return kinds


# Words for someone that a number tells apart ("Person 00042", "Client 12", "Tenant 3").
_NUMBERED_PARTIES = frozenset(
    ("person", "user", "client", "customer", "patient", "member", "student", "employee",
     "contact", "candidate", "tenant", "guest", "player", "agent", "vendor", "supplier")
)  # fmt: skip


def _works_at_the(c: Candidate) -> bool:
    """Whether a verb of working comes right before "at the" and the name, which a word of its
    own does not qualify: "works nights at the Royal Free" says where, as "works at Globex"
    does; not "a job at the Parkdale branch" nor "elected treasurer at the AGM"."""
    if c.before[-2:] != ["at", "the"] or (c.after[:1] and c.after[0] not in STOPWORDS):
        return False
    return any(_work_verb(w) for w in c.before[-4:-2])


def _measured(before: list[str]) -> bool:
    """Whether the words before a name end in a quantity with its unit ("10 kg", "500ml")."""
    if before[-1:] and _MEASURED.fullmatch(before[-1]):
        return True
    return (
        len(before) >= 2
        and before[-1] in _MEASURE_UNITS
        and bool(re.fullmatch(r"\d+(?:[.,]\d+)?", before[-2]))
    )


def _score(c: Candidate, s: Scores) -> None:
    s.inner = s.inner or (bool(c.before) and not c.labelled)
    # "called The Long Table": the name's own "The" is read as noise before it.
    said = c.before[:-1] if c.before[-2:] in (["called", "the"], ["named", "the"]) else c.before
    called = said[-1:] in (["called"], ["named"])
    named = said[-2:-1] if called else said[-1:]
    if called and named in (["is"], ["was"]):
        # "my section leader is called Bisi", "our dog was named Rolo": the noun before "is".
        named = said[-3:-2]
    if called and c.called_head:
        named = [c.called_head]  # "a dinner club with friends called …": the phrase's head
    named = [re.sub(r"['\u2019]s$", "", w) for w in named]  # "our section leader's called Bisi"
    if named and named[0] in ANIMALS:
        s.thing = True  # "our dog Pumpkin", "a tabby cat named Mochi"
    elif _measured(c.before):
        s.thing = True  # "10 kg Nelson Sauvin", "25kg Citra": weighed, no one
    elif called and named and (named[0] in ANYONE or person_noun(named[0])):
        # "a guy called Wojtek Nowak", "a plumber named …": who is called so is someone,
        # whether or not the rules know the name as a given one.
        s.person += 3
    elif called and named and named[0] in _BODY_SORTS and not role_noun(named[0]):
        # "a dinner club with friends called The Long Table", "a tiny bakery named Crumb":
        # what the sort of body it is called is a firm's, or a club's, name.
        s.org += 3
    if _acts(c):
        s.acts += 1
    before1 = c.before[-1] if c.before else ""
    before2 = c.before[-2] if len(c.before) >= 2 else ""
    after1 = c.after[0] if c.after else ""
    after2 = c.after[1] if len(c.after) >= 2 else ""
    # "Harbour Lane Bakery": a bakery, not a lane; "Pellow Brothers Building" a firm's, not
    # a building (a firm's word inside a name of words that are no function words: not
    # "GOT INTO THE GROUP SHOW").
    inside = (
        len(c.tokens) > 2
        and any(t in ORG_SUFFIXES for t in c.tokens[1:-1])
        and not any(t in STOPWORDS for t in c.tokens)
    )
    # "Brockwell Farmers Market", "Hazelmere Road Allotments": a name of several words ending
    # in the sort of firm or body it is (`orgs.kind_heads`) is one, as one ending in "Ltd".
    sorted_firm = len(c.tokens) > 1 and c.tokens[-1] in FIRM_HEADS and not c.titled
    headed = c.tokens[-1] in ORG_SUFFIXES or inside or sorted_firm
    # "Reef & Rainforest Aquatics on Mill Lane", "a clinic off Otley Road": a street said
    # where something is, is where it is.
    street = len(c.tokens) > 1 and c.tokens[-1] in STREETS and before1 in ("on", "off")
    if street:
        s.place += 3
    elif len(c.tokens) > 1 and c.tokens[-1] in _STREET_SHORTS:
        s.thing = True  # "112 Smith St", "Mill Rd": a street, no one
    elif (
        len(c.tokens) > 1
        and c.tokens[-1] in STREETS | _ADDRESS_HEADS
        and re.fullmatch(r"\d{1,4}[a-z]?", before1)
    ):
        s.thing = True  # "and 3 Wellington Court (Flat B)": a house number's street, no one
    if len(c.tokens) == 1 and re.fullmatch(r"\d{1,4}[a-z]", c.tokens[0]):
        s.thing = True  # "In 2B the tenants are …", "flat 3C": a unit, nowhere (not "Jet2")
    if (
        len(c.tokens) > 1
        and c.tokens[-1][:1].isdigit()
        and not c.tokens[0][:1].isdigit()
        # "Person 00042", "Company 7": a word for a party, numbered, is that party still.
        and not (c.tokens[0] in _NUMBERED_PARTIES or c.tokens[0] in ORG_NOUNS)
    ):
        s.thing = True  # "Stage 3", "Grade 6", "Year 8": a level or a room, no one
    # "the Platform team", "the Atlas project": a unit or a piece of work named so is a thing;
    # but a name ending in a firm's word stays the firm's, the unit being part of it ("the
    # Hollins Lane Community Garden committee", "the Acme Labs team").
    if (not headed and not street and any(t in THING_WORDS for t in c.tokens)) or (
        after1 in THING_WORDS and after1 != "office" and not headed
    ):
        s.thing = True
    if headed or (len(c.tokens) > 1 and c.tokens[0] in _ORG_HEADS):
        s.org += 3
    days = _CALENDAR | _DAY_ABBREVIATIONS  # "Mon & Thu", "Tue & Fri": days, not a firm
    if c.aside and len(c.tokens) == 1 and not _no_name(c.tokens[0]):
        # "Nordlys Medical AS (Oslo)": where the name before it is. A given name so set aside
        # ("Fiona (Carlisle)") may be a town's too: no longer taken for someone else alone.
        s.place += 1 if given_name(c.tokens[0]) else 2
    if c.represented and not c.aside and not given_name(c.tokens[0]):
        s.org += 2  # "Seedcamp (partner Amelie Roth": someone speaks for it
    if c.employs and not c.titled and not given_name(c.tokens[0]):
        s.org += 3  # "Tomasz Zieliński, SunVolt's lead electrician": whom the job is at
    if "&" in c.name and not days & set(c.tokens):
        # Two given names are a couple ("Tom & Mel", "Neighbours: Ruth & Emmanuel"), unless
        # a job is given to them ("Estate agent: Hollis & Vane"), which is no couple's.
        job = c.labelled or c.subject_head  # "Estate agent: …", "Our estate agent is …"
        hired = bool(job) and _role_like(job) and job not in KIN_NOUNS
        if hired or not (given_name(c.tokens[0]) and given_name(c.tokens[-1])):
            s.org += 2  # "Kiln & Clay", "Pão & Mel": partners joined by "&" are a firm
            s.partners = s.partners or hired
    if len(c.tokens) > 1 and not c.titled and not given_name(c.tokens[0]) and _people(c.tokens[-1]):
        s.org += 3  # "Kirkgate Coffee Roasters", "Riverside Harriers": a group of people
    if len(c.tokens) > 1 and c.tokens[0] in ("st", "saint", "san", "santa", "sankt", "são"):
        s.place += 2  # "St Albans", "San Sebastián": a saint's name is mostly a place's
        if c.possessive:
            s.place += 2  # "St Aidan's has a boiler problem": the church, not someone who has
    # "a job at Lumen Bio" is where one works; "a decking job for Gareth Pugh" is whom for.
    context = [w for w in c.before[:-1] if w != "job" or before1 == "at"]
    working = any(_work_verb(w) or _role_like(w) for w in context) or "joined" in context
    working = working or job_with_article(context[-2:])  # "she's a paralegal at Osler"
    if before1 == "joined" or (before1 in ("at", "for") and working) or _works_at_the(c):
        s.org += 2
    elif before1 == "with" and _role_like(before2):
        s.org += 2  # "a solicitor with Mason Hayes & Curran": whom the job is with
    elif before1 == "with" and before2 in ("is", "are", "was", "were") and _a_things(c.before[:-2]):
        s.org += 3  # "My pension is with Aviva": whom a thing of someone's is held with
    elif before1 == "at":
        s.place += 1  # "lunch at Cafe Nero": a place, unless a job says otherwise
    if before1 == "by" and before2 in ("employed", "hired", "acquired", "owned", "funded"):
        s.org += 2
    if before1 == "of" and before2 in _OF_A_FIRM:
        s.org += 2  # "founder of Atelier Lune", "CEO of Lumora", "member of Riverside Harriers"
    if before1 in ("to", "at", "with") and before2 in _APPLIED and not given_name(c.tokens[0]):
        s.org += 2  # "Applied to Stripe (backend engineer)": whom one asks for a job
    if before1 in _RUN_A_FIRM and len(c.tokens) > 1 and not given_name(c.tokens[0]):
        s.org += 2  # "runs Baumpflege Demir", "founded Speak Easy Coaching": what is run
    # "the Lupus Ontario support group", "the Crown & Anchor pub": the name of a body of the
    # sort said after it.
    sort_after = not (c.after_comma or c.titled) and _sort_follows(c.after)
    if before1 == "the" and len(c.tokens) >= 2 and sort_after and not given_name(c.tokens[0]):
        s.org += 3
    if c.sort_before and not given_name(c.tokens[0]):
        s.org += 3  # which body of that sort
    head = c.subject_head
    if (head in ORG_NOUNS | _GROUP_NOUNS or head in FIRM_HEADS) and not person_noun(head):
        # "My band is The Velvet Hinges", "our bank is Monzo", "The internet provider at the
        # new flat is MEO"; not "User's partner is Sam Whitaker"
        s.org += 3
    if before1 == "at" and before2 in ORG_NOUNS | _GROUP_NOUNS and not person_noun(before2):
        s.org += 2  # "the payments team at Fintrel"
    if before1 in ("at", "for") and after1 == "as" and any(_role_like(w) for w in c.after[1:4]):
        s.org += 2  # "now at Globex as a product manager": where the job is
    if before1 == "from" and before2 not in ("is", "are", "was", "comes", "came", "moved"):
        s.org += 2 if c.after_name else 1  # "Tom Okafor from Northwind Traders"
        traded = set(c.before[-4:-1]) & (BOUGHT | _TRADED)
        if traded and not given_name(c.tokens[0]):
            # "ordered from Hallam's Butchers", "ordered 400 from Medalmakers", "got a quote
            # from Tutorsure": a seller or a provider.
            s.org += 1
    if before1 == "at" and c.after_name and len(c.tokens) >= 2 and not MET & set(c.before):
        # "Dr. Rafael Quintero at Bright Line Orthodontics": where they work; not where one
        # meets them ("Dinner with Aiko Tanaka at Sushi Saito").
        s.org += 2
    if (
        after1 in ("are", "were")
        and after2 in ("my", "our")
        and len(c.after) > 2
        and kin_plural(c.after[2]) is not None
    ):
        s.person += 2  # "Marcus and Lin are my mentees": people, each one of them
    if after1 in ("is", "was") and after2 in ("a", "an") and len(c.after) > 2:
        noun = c.after[2]
        # "Sarah Jones is a partner at Linklaters": a word naming a firm and a person alike
        # ("partner") is the person's job after a given name.
        personal = given_name(c.tokens[0]) and role_noun(noun)
        if not personal and (noun in ORG_NOUNS or (len(c.after) > 3 and c.after[3] in ORG_NOUNS)):
            s.org += 3
        elif _role_like(noun) or (len(c.after) > 3 and _role_like(c.after[3])):
            s.person += 2
        else:
            s.person += 1
    if (
        after1 in ("is", "was")
        and after2 in ("my", "our", "his", "her", "their")
        and any(person_noun(w) for w in c.after[2:4])
    ):
        s.person += 2  # "Olafur Jonsson is my landlord", "… is our best friend": someone
    if after1 in ("is", "was") and after2 in ("based", "headquartered", "located"):
        # "Fintrel is based in Berlin": a firm, mostly; "Paulo is based in Lisbon" is someone.
        s.org += 1 if given_name(c.tokens[0]) and after2 == "based" else 2
    moved = {"moved", "relocated", "moving", "relocating"} & set(c.before)
    owner_of_a_thing = c.possessive and not c.owns_nothing and given_name(c.tokens[0])
    if (before1 in ("in", "near") or (before1 == "to" and moved)) and not owner_of_a_thing:
        s.place += 2  # "moved from X to Madrid"; not "in Jonas's campervan": whose it is
    if before1 == "from" and before2 in ("is", "are", "was", "comes", "came", "moved", "works",
                                         "work", "working", "worked"):  # fmt: skip
        s.place += 2
    if before1 == "the" and after1 in ("office", "branch", "area", "headquarters"):
        s.place += 3
    if c.priced and not given_name(c.tokens[0]):
        s.org += 1  # a price after it: a seller's or a provider's
    if c.titled:
        s.person += 3
    if before1 in ("is", "was") and before2 == "name" and len(c.before) >= 3:
        whose = c.before[-3]
        owner = whose[:-2] if whose.endswith(("'s", "\u2019s")) else ""
        if owner and person_noun(owner):
            # "My sister's name is Anouk": a person's name ("her name is Biscuit" may be a
            # dog's, so "his" and "her" are not enough).
            s.person += 3
    if c.labelled:
        if person_noun(c.labelled):
            s.person += 3
        else:
            s.org += 3
    verb = next((w for w in c.after if w not in _ADVERBS and not w.endswith("ly")), "")
    # The one who does what the verb says is its subject, never a name after a preposition
    # nor one set aside after another name: "Laura Kim from HR at Deloitte emailed", "Amy
    # Chen (Google) will join", "Ahmed Ali, our rep at Vodafone, called": Laura, Amy, Ahmed.
    subject_of_verb = before1 not in _OBJECT_AFTER and not c.set_off
    acts_as_person = after1 in _PERSON_VERBS or (after1 == "has" and after2 in ("been", "a", "an"))
    # "Tom also leads ...", "Ana recently joined ...": the first verb after adverbs.
    acts_as_person = acts_as_person or (verb in _PERSON_VERBS and verb != "is_a")
    # "Invitations sent today!": a word opening the sentence, named nowhere else and no given
    # name, before a past form with nothing done to anyone after it, is what was done to.
    undergoes = (
        c.start == 0
        and len(c.tokens) == 1
        and after1 == verb
        and after1.endswith(("ed", "nt", "ne", "en"))
        and after2 in _NOTHING_DONE_TO
        and not (given_name(c.tokens[0]) or rare_given_name(c.tokens[0]))
    )
    if subject_of_verb and acts_as_person and not undergoes:
        s.person += 2
    if _apposed(c) or _bracketed_person(c):
        s.person += 2
    if c.sort_bracketed:
        s.org += 3  # "Maison Lumière (Paris agency; …)": what kind of firm it is
    if c.after_comma and after1 in ("a", "an") and _firm_kind_after(c.after):
        s.org += 3  # "Pão & Mel, a small bakery in Leith": what kind of firm it is
    elif c.after_comma and after1 in ("a", "an") and any(w in ROLE_NOUNS for w in c.after[1:3]):
        s.person += 2  # "Femi, a junior analyst on Hiro's team"  # "Maya, my sister, ...", "Okafor, our dentist"
    possessed = next((w for w in c.after if w not in _OWNED_MODIFIERS), "")
    if c.possessive and (possessed in _PERSON_FIELDS_AFTER or possessed in KIN_NOUNS):
        s.person += 2  # "Hana's email", "Hana's new email", "Tom's younger brother"
    if before1 in _PERSON_BEFORE:
        s.person += 1
    if c.with_speaker and given_name(c.tokens[0]):
        s.person += 1  # "me + Jonas + Ffion driving down": listed with the speaker, people
    subject = after1 in _SUBJECT_VERBS or (c.possessive and after1.endswith("ing"))
    # "Gareth came round", "Priya from Monzo called": a deed of someone's, or whom someone
    # is from, said right after a given name.
    someone = after1 in _SOMEONES_DEEDS or (
        c.from_a_name and not c.possessive and not c.name.isupper()  # "a portable PA from …"
    )
    if len(c.tokens) == 1 and given_name(c.tokens[0]) and (subject or someone or _acts(c)):
        s.person += 1  # a given name that a clause is about: "Ana brings the map set"
    partner = before1 == "partner" and given_name(c.tokens[0])  # a firm's too: "partner Ruben"
    # "the designer Ana", "a structural engineer (Olu Bankole)": the job's own words may
    # stand between it and its determiner.
    job_words = c.before[-4:-1]  # up to three words before the job noun
    determined = any(w in _DETERMINERS for w in job_words) and not any(
        w in STOPWORDS and w not in _DETERMINERS for w in job_words[-2:]
    )
    if before1 in KIN_NOUNS or partner or (before1 in ROLE_NOUNS and determined):
        s.person += 2  # "my brother Sam", "our dentist Okafor", "the designer Ana"
    elif _owned_head(c.before) in KIN_NOUNS | ROLE_NOUNS and before1 not in _PHRASE_PREPOSITIONS:
        # "My head of department, Naledi Khumalo": the phrase's head, "head"; not a name
        # after its preposition ("our accountant at Bright Books": where the job is).
        s.person += 2
    elif c.set_off and _job_where_before(c.before):
        # "my old boss at Contoso, Greg, wants …": set off after where the job is, the one
        # holding it.
        s.person += 2
    elif kin_plural(before1):
        s.person += 2  # "two daughters, Isla and Nia", "the kids Inês and Tomás"
    owned = _OWNED & set(c.before[-5:-2]) or any(
        w.endswith(("'s", "\u2019s")) for w in c.before[-5:-2]
    )
    tie = before2 in KIN_NOUNS or _role_like(before2) or role_noun(before2)
    firm_like = headed or "&" in c.name  # "managing agent is Brennan & Hale Property …"
    if before1 in ("is", "was") and tie and (owned or (role_noun(before2) and not firm_like)):
        # "my team lead is Tariq", "her dentist was Okafor"; a job needs no owner ("claims
        # handler is Tendai Moyo"), a word that only ends like one does ("the winner").
        s.person += 2
    if c.name_told:
        s.person += 3  # "my sister came round, her name is Clara"
    # "Pieter-Jan Claes", "Liam O'Sullivan": hyphens and apostrophes join parts of one name.
    # Folded first: a lower-cased "İlkay" holds a combining dot, which is no letter.
    plain = all(re.sub(r"[-'\u2019]", "", fold(t)).isalpha() for t in c.tokens)
    if plain and given_name(c.tokens[0]):
        s.given = True  # with one sign of a person, a given name alone is one ("with Tariq")
        if len(c.tokens) >= 2:
            s.person += 1  # "João Almeida": two words opening with a given name (not "Mill Row")
    elif plain and len(c.tokens) >= 2 and rare_given_name(c.tokens[0]):
        s.rare = True  # "Sipho Mokoena", "Jędrzej Kowal": weaker, read when nothing else is
    if before1 in _DETERMINERS:
        s.person -= 3


def _called_head(before: list[str]) -> str:
    """When the words before a name end in "called" or "named" (and "the", the name's own):
    the head of the noun phrase before those, from its determiner up to its first preposition
    ("a dinner *club* with friends called The Long Table", "our section *leader*'s called
    Bisi"); "" when no determiner opens one within a few words."""
    words = before[:-1] if before[-1:] == ["the"] else before
    if words[-1:] not in (["called"], ["named"]):
        return ""
    words = words[:-2] if words[-2:-1] in (["is"], ["was"]) else words[:-1]
    words = [re.sub(r"['\u2019]s$", "", w) for w in words[-7:]]
    opened = [i for i, w in enumerate(words) if w in _DETERMINERS]
    phrase = before_preposition(words[opened[-1] + 1 :]) if opened else []
    return phrase[-1] if phrase else ""


def _sort_follows(after: list[str]) -> bool:
    """Whether up to three plain words right after a name end in a sort of body, before the
    phrase ends: "(the Lupus Ontario) online support group", "(the Hollins Lane) committee"
    is not one (a unit of a body, `THING_WORDS`)."""
    for word in after[:3]:
        if word in _PHRASE_ENDS or word in STOPWORDS:
            return False
        if word in _BODY_SORTS and word not in THING_WORDS:
            return not (person_noun(word) or role_noun(word))
    return False


def _firm_kind_after(after: list[str]) -> bool:
    """Whether "a" / "an" and at most three words more, before any preposition, are followed
    by a kind of firm ("a small bakery", "a design studio", "a 48-seat Italian restaurant",
    "an independent bike shop") that is not the first word of a job ("a group leader")."""
    for i in range(1, min(len(after), 5)):
        if after[i] in _PHRASE_ENDS:
            return False
        if after[i] in ORG_SUFFIXES or after[i] in FIRM_HEADS:
            nxt = after[i + 1] if i + 1 < len(after) else ""
            return not (person_noun(nxt) or role_noun(nxt))
    return False


# Nouns of a sort of firm beside the name endings: "an independent bike *shop*".
FIRM_HEADS = lexicon("orgs.kind_heads") | frozenset(("shop", "store", "salon", "studio"))
_PHRASE_ENDS = frozenset(("in", "at", "on", "of", "for", "with", "from", "by", "near", "and",
                          "that", "which", "who", "run", "owned", "based"))  # fmt: skip


def _people(word: str) -> bool:
    """Whether a word is the plural of a person noun ("roasters", "harriers", "movers"): the
    last word of a firm, a team or a band, not of someone's name."""
    if len(word) < 5 or not word.endswith("s") or word.endswith("ss"):
        return False
    singular = word[:-3] + "y" if word.endswith("ies") else word[:-1]
    return singular not in KIN_NOUNS and (role_noun(singular) or person_noun(singular))


def _acts(c: Candidate) -> bool:
    """Whether the name does something to something right after it: a verb in the form a
    third party's takes, then what it is done to ("Tesco Silverburn donates surplus bread",
    "Bupa covers 10 physio sessions", "Admiral quoted £612")."""
    if len(c.after) < 2 or c.possessive or c.tokens[0].split("'")[0] in _PRONOUNS:
        return False  # "I've used 4 so far": the speaker, not a name
    verb, thing = c.after[0], c.after[1]
    if not verb.isalpha() or verb in STOPWORDS or verb in _NOT_ACTING:
        return False
    if not ((verb.endswith("s") and not verb.endswith("ss")) or verb.endswith("ed")):
        return False
    if thing[:1].isdigit() or thing[:1] in "£$€¥" or thing in _DETERMINERS:
        return True
    return thing.isalpha() and thing not in STOPWORDS


_PRONOUNS = frozenset(("i", "we", "you", "they", "he", "she", "it"))
# An animal named right after its kind is a pet ("our dog Pumpkin", "a cat named Mochi"): no
# person, no firm.
ANIMALS = lexicon("names.animals")
_MEASURE_UNITS = lexicon("names.measure_units")
_MEASURED = re.compile(
    rf"\d+(?:[.,]\d+)?(?:{'|'.join(sorted(_MEASURE_UNITS, key=len, reverse=True))})"
)
# Asking a firm for a job or a place: "applied to Stripe", "interviewing with Monzo".
_APPLIED = frozenset(("applied", "apply", "applying", "interviewed", "interviewing", "interview"))
# Words in a verb's form after a name that say no deed of a party's: "Mondays and Fridays",
# "Pumpkin seems fine", "Leeds based".
_NOT_ACTING = frozenset(("seems", "looks", "sounds", "feels", "based", "named", "called", "needs"))


# Who someone is of a firm: "founder of Atelier Lune", not "Head of Procurement" (a department).
# Verbs of heading a firm, after which a name of several words opening with no given name is
# the firm's (a person is managed or led, not run or founded).
_RUN_A_FIRM = frozenset(("runs", "ran", "founded", "co-founded", "cofounded", "owns", "owned"))
_OF_A_FIRM = frozenset(
    ("founder", "co-founder", "cofounder", "owner", "member", "members", "ceo", "cto", "cfo",
     "coo", "president", "chairman", "chairwoman", "employee", "employees", "customer", "client")
)  # fmt: skip
# Words of meeting someone somewhere: "with Aiko at Sushi Saito" is a venue, not a firm.
MET = frozenset(("with", "met", "meet", "meeting", "see", "seeing", "saw", "visit", "visiting",
                  "visited", "join", "joining"))  # fmt: skip
# Words for anyone at all ("guy", "woman"): alone they say no job, but who is one is someone.
ANYONE = frozenset(lexicon("cues.anyone"))
# What is done with a seller, said right before "from" ("ordered from", "bought from").
BOUGHT = frozenset(("ordered", "order", "bought", "buy", "buying", "purchased", "hired",
                     "rented", "booked", "delivered"))  # fmt: skip
# What one gets from a firm: "a quote from …", "the invoice from …".
_TRADED = frozenset(("quote", "quotes", "quoted", "invoice", "invoices", "order", "orders",
                     "delivery", "refund", "policy", "estimate"))  # fmt: skip
# Groups someone belongs to, besides the lexicon's organization nouns.
_GROUP_NOUNS = frozenset(("band", "club", "gym", "choir", "orchestra", "insurer", "bank"))
# Nouns for a sort of body, a firm's or a club's: what a name said to be one names.
_BODY_SORTS = ORG_NOUNS | FIRM_HEADS | _GROUP_NOUNS | frozenset(("group",))
_RIGHT_BEFORE = re.compile(r"[a-z]\s+(?P<quote>['\u2018\"\u201c]?)$")  # a word, a space, a quote?
_NAME_SHORTS = frozenset(("St", "Ste", "Sta", "Mt", "Ft"))
_STREET_SHORTS = frozenset(("st", "rd", "ave", "ln", "blvd", "sq"))  # last word of a street
STREETS = _STREET_SHORTS | frozenset(("street", "road", "lane", "avenue", "crescent", "terrace",
                                      "boulevard", "square", "parade", "row"))  # fmt: skip
# Last words of a street's name that are no street's alone ("Wellington Court", "Elm Grove"):
# one only after a house number.
_ADDRESS_HEADS = frozenset(("court", "close", "grove", "way", "drive", "place", "gardens", "mews",
                            "walk", "rise", "hill", "green", "park", "view", "gate"))  # fmt: skip
# Words between a possessive and what it owns that do not change whose it is.
_OWNED_MODIFIERS = frozenset(("new", "old", "current", "latest", "updated", "previous",
                              "personal", "work", "home", "mobile", "private", "usual",
                              "older", "younger", "elder", "little", "big", "twin"))  # fmt: skip
_OWNED = frozenset(("my", "our", "his", "her", "their", "user's", "users"))
# Words between a name and its verb that leave the verb the name's ("Tom also leads").
_ROMAN = re.compile(r"[ivxl]+")  # "Genki II", "Apollo XI": a numbered thing
_ADVERBS = frozenset(("also", "now", "still", "currently", "just", "recently", "already",
                      "often", "usually", "never", "always", "sometimes", "then"))  # fmt: skip


def kin_plural(word: str) -> str | None:
    """The one kin noun a plural one is many of ("daughters" -> daughter, "children" ->
    child, "kids" -> kid), else None."""
    word = word.lower()
    single = _IRREGULAR_PLURALS.get(word) or (word[:-1] if word.endswith("s") else "")
    return single if single in KIN_NOUNS else None


_IRREGULAR_PLURALS = {"children": "child", "grandchildren": "grandchild"}


def kin_forms(noun: str) -> frozenset[str]:
    """The singular kin nouns a plural one asked for stands for: "children" -> child, kid,
    son, daughter (`groups` of vocabulary.yml: a kind and its members); "sisters" -> sister.
    Empty when the noun names no tie of kin ("tickets", "people")."""
    noun = noun.lower()
    forms: set[str] = set()
    for line in word_group_lines():
        kinds, _, members = line.partition(">")
        if noun in kinds.split():
            forms |= {w for w in (*kinds.split(), *members.split()) if w in KIN_NOUNS}
    single = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
    if single in KIN_NOUNS:
        forms.add(single)
    return frozenset(forms)


# A word in lower case, outside an email address, a link or a handle.
_LOWER_WORD = re.compile(r"(?<![\w@./\-])(?P<w>[^\W\d_A-Z][^\W\d_]{2,})(?![\w@\-]|\.\w)")
_DETERMINED = re.compile(r"\b(?:the|a|an|my|our|your|his|her|their|this|that)\s+$", re.IGNORECASE)


def lower_case_given_names(text: str) -> set[str]:
    """Words of `text` written all in lower case that are given names and no common word
    ("ffion", "mateus"; not "will", "mark", "the"): the words a known person's name may be
    written as in a chatty note."""
    found = {m.group("w") for m in _LOWER_WORD.finditer(text) if m.group("w").islower()}
    return {
        w
        for w in found
        if w not in STOPWORDS and not _word_name(w) and not kin_or_role(w) and given_name(w)
    }


def written_as_named(text: str, first_names: Mapping[str, str]) -> str:
    """`text` with each word written in lower case that is the first name of someone known
    (`first_names`: the lower-cased first name -> as the record writes it) written as they
    are named: "ffion is vegan btw" -> "Ffion is vegan btw", so it is read as her mention.
    Not after a determiner ("the dev team"), nor inside an address or a link."""

    def named(m: re.Match[str]) -> str:
        word = m.group("w")
        form = first_names.get(word)
        if form is None or _word_name(word) or _DETERMINED.search(text, 0, m.start()):
            return word
        return form

    return _LOWER_WORD.sub(named, text) if first_names else text


# Where a chatty note introduces someone in lower case: after a title ("dr tomás herrera"),
# or after a kin or job noun one has ("my sister jess", "my second supervisor is tomás").
_INTRODUCED = re.compile(
    r"\b(?:(?:[Mm]y|[Oo]ur|[Hh]is|[Hh]er|[Tt]heir)(?:\s+[a-z\-]+){0,2}?\s+(?P<noun>[a-z\-]+)(?:\s+is|\s*[,:])?\s+)?"
    rf"(?:(?P<title>{TITLE_WORDS.lower()})\.?\s+)?"
    r"(?P<first>[^\W\d_A-Z][^\W\d_'\u2019\-]*(?:-[^\W\d_]+)?)"
    r"(?:\s+(?P<last>[^\W\d_A-Z][^\W\d_'\u2019\-]+)(?=\s*(?:[,.;:!?()]|$|and\b|who\b|-\s)))?"
)


# Words a chatty clause may end on after a name that are no family name ("saw dr patel today").
_SAID_IN_PASSING = frozenset(
    ("today", "tonight", "tomorrow", "yesterday", "now", "later", "soon", "still", "yet",
     "though", "tho", "anyway", "lol", "btw", "tbh", "haha", "ok", "okay", "please", "thanks")
)  # fmt: skip


def introduced_in_lower_case(text: str) -> str:
    """`text` with a person introduced in lower case written as a name: after a title, the
    given name and the family name after it, the title capitalised too ("dr tomás herrera"
    -> "Dr Tomás Herrera"; "ms word" stays); after a kin or job noun one has, a given name
    that is no English word ("my sister jess moved" -> "my sister Jess moved"; "my mum june"
    stays), or any word that is none after a title too ("my dentist is dr patel" -> "… Dr
    Patel"), and a family name after it where the clause ends. Text written with any capital
    after its first letter is left as it is: its writer capitalises names."""

    def plain(word: str | None) -> bool:
        return bool(
            word
            and len(word) > 1
            and word not in STOPWORDS
            and word not in _SAID_IN_PASSING
            and not calendar_word(word)
            and not kin_or_role(word)
            and not _word_name(word)
        )

    def named(m: re.Match[str]) -> str:
        first, last = m.group("first"), m.group("last")
        someones = m.group("noun") is not None and kin_or_role(m.group("noun"))
        if not (someones or m.group("title")) or not plain(first):
            return m.group()
        if not given_name(first) and not (someones and m.group("title")):
            return m.group()  # "ms word", "a dr one day"; but "my dentist is dr patel"
        out = m.group()[: m.start("first") - m.start()] + first[:1].upper() + first[1:]
        if m.group("title"):  # "dr" -> "Dr": read as the title it is
            at = m.start("title") - m.start()
            out = out[:at] + out[at].upper() + out[at + 1 :]
        if last is not None:
            gap = m.group()[m.end("first") - m.start() : m.start("last") - m.start()]
            out += gap + (last[:1].upper() + last[1:] if plain(last) else last)
        return out

    if any(c.isupper() for c in text[1:]):
        return text
    return _INTRODUCED.sub(named, text)


def _word_name(word: str) -> bool:
    """Whether a given name is also an English word (`word_names.txt`, the lexicon's few
    more): written in lower case, the word ("will", "sun", "grace", "june")."""
    return fold(word) in _word_names()


@functools.lru_cache(maxsize=1)
def _word_names() -> frozenset[str]:
    # Read on the first lower-case name looked at (a write), not at import.
    text = (Path(__file__).parent / "word_names.txt").read_text("utf-8")
    listed = {w for w in text.split("\n") if w and not w.startswith("#")}
    return frozenset(listed | set(lexicon("names.word_names")))


def given_name(word: str) -> bool:
    """Whether `word` is a given name in common use in some country ("joão", "søren",
    "pieter-jan" by its first part): `given_names.txt`, folded like the list."""
    return _listed_name(word) is not None


def gender(name: str) -> str | None:
    """ "f" or "m" when the name's first word is a given name almost only women or only men
    bear (`given_names.txt`), or a kin noun that says it ("Mum", "Grandad"), else None: who
    "she" or "he" can be."""
    words = name.split()
    if len(words) == 1 and kin_gender(words[0]) is not None:
        return kin_gender(words[0])
    found = _listed_name(words[0]) if words else None
    return _given_names().get(found) if found is not None else None


_FEMALE_KIN = lexicon("names.female_kin")
_MALE_KIN = lexicon("names.male_kin")


def kin_gender(noun: str) -> str | None:
    """ "f" or "m" when a kin noun (or a tie ending in one: "older sister") says it."""
    last = noun.lower().split()[-1] if noun.strip() else ""
    return "f" if last in _FEMALE_KIN else "m" if last in _MALE_KIN else None


_FEMALE_TITLES = lexicon("names.female_titles")
_MALE_TITLES = lexicon("names.male_titles")


def told_gender(sentence: str, start: int, end: int) -> str | None:
    """ "f" or "m" when the words naming someone say it where their given name may not: a
    title opening the name ("Ms Huang Mei-Ling", "Mr. Dev Rao") or a kin noun right before
    it ("my sister Anouk", "uncle Kofi")."""
    first = re.match(r"[A-Za-z]+", sentence[start:end])
    title = first.group().lower() if first else ""
    if title in _FEMALE_TITLES:
        return "f"
    if title in _MALE_TITLES:
        return "m"
    before = re.search(r"([A-Za-z\u00c0-\u024f]+)\s+$", sentence[:start])
    return kin_gender(before.group(1)) if before else None


def title_and_family_name(name: str) -> tuple[str, str | None] | None:
    """A name written as a title and a family name alone ("Dr. Rahman", "mr rahman"): the
    family name and the sex the title says ("m", "f", or None for "Dr"); None for any other
    name. It calls the one person named in full so, unless the title says another sex than
    theirs (`other_sex`)."""
    parts = name.split()
    if len(parts) != 2 or parts[0].lower().rstrip(".") not in TITLES:
        return None
    return parts[1], told_gender(name, 0, len(name))


def called_by(name: str) -> str:
    """What a sentence calls someone by, short: the given name ("Chiara" of "Chiara Bassi"),
    or the whole name when it opens with a title ("Dr. Okafor": "Dr." alone is no one)."""
    parts = name.split()
    if not parts or parts[0].lower().rstrip(".") in TITLES:
        return name
    return parts[0]


def other_sex(said: str | None, name: str) -> bool:
    """Whether a title's sex (`said`) is not the one `name`'s given name says."""
    return said is not None and gender(name) not in (None, said)


def rare_given_name(word: str) -> bool:
    """Whether `word` is a rarer given name that is no English word ("sipho", "tendai",
    "jedrzej"): `rare_given_names.txt`, folded like the list."""
    names = _rare_given_names()
    return any(form in names for form in _listed_forms(word))


@functools.lru_cache(maxsize=1)
def _rare_given_names() -> frozenset[str]:
    text = (Path(__file__).parent / "rare_given_names.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _listed_name(word: str) -> str | None:
    names = _given_names()
    return next((form for form in _listed_forms(word) if form in names), None)


def _listed_forms(word: str) -> tuple[str, str]:
    """`word` as the name lists write it, whole and by its first part ("pieter-jan", "pieter").
    The lists fold Turkish dotless i too."""
    plain = fold(word.replace("\u0131", "i"))
    return plain, plain.split("-", 1)[0]


@functools.lru_cache(maxsize=1)
def _given_names() -> dict[str, str | None]:
    # Read on the first name classified (a write), not at import: reads never need it.
    text = (Path(__file__).parent / "given_names.txt").read_text("utf-8")
    out: dict[str, str | None] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, mark = line.partition(" ")
            out[name] = mark or None
    return out


def _no_name(word: str) -> bool:
    """A capitalised word that names no one and nowhere: a language or nationality, a day,
    a month ("Haruka Sato (Japanese, …)"): the engine vocabulary's `not_names`."""
    return word in _not_names()


@functools.lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    data: dict[str, str] = datafiles.load("vocabulary.yml")
    return frozenset(data.get("not_names", "").split())


def _work_verb(word: str) -> bool:
    return word in (
        "works", "work", "worked", "working", "consults", "consulting", "writes", "employed",
        "job", "joined", "intern", "interning",
    )  # fmt: skip


def _role_like(word: str) -> bool:
    word = word.lower()
    if word in ROLE_NOUNS:
        return True
    return (
        len(word) > 4
        and word.endswith(_ROLE_SUFFIXES)
        and word not in _NOT_ROLES
        and not calendar_word(word)  # "December", "October": months end as jobs do
    )


def owned_person_noun(word: str) -> bool:
    """A noun after "my" / "our" that says who someone is to the owner: a tie or a job ("my
    sister", "our vet", "my guide"). After a possessive a job is looked for, so the job
    words count (`role_noun`), not only the lexicon's person nouns."""
    return person_noun(word) or role_noun(word)


def role_noun(word: str) -> bool:
    """Whether a word names a job or a role: the lexicon's role nouns, or a noun whose most
    frequent sense is a person's ("midwife", "trainee", "co-host"; `person_nouns.txt`). Only
    where a job is looked for (a label, brackets, words before a name, the noun after "my"),
    and as the plural that ends a group's name ("Coffee Roasters", `_people`); not to tell
    whom a sentence is about: there the lexicon's words are the evidence."""
    word = word.lower()
    if "-" in word and word not in _person_nouns():
        word = word.rsplit("-", 1)[1]  # "co-host", "sous-chef": a kind of host, of chef
    # A word that may name a firm as well ("client", "lender", "supplier") is no sure job,
    # nor is a tie ("landlord": the relationship).
    return (
        word in ROLE_NOUNS
        or word in _SHORT_JOB_NOUNS
        or (
            word in _person_nouns()
            and word not in ORG_NOUNS
            and word not in _ORG_LABELS
            and word not in KIN_NOUNS
        )
    )


@functools.lru_cache(maxsize=1)
def _person_nouns() -> frozenset[str]:
    # Read on the first job word looked up (a write), not at import.
    text = (Path(__file__).parent / "person_nouns.txt").read_text("utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


def generic_role(phrase: str) -> bool:
    """Whether a role says only that someone belongs or is whom to ask ("contact", "new
    hire", "volunteer"), not what they do: a closer job outranks it."""
    parts = phrase.lower().split()
    return bool(parts) and parts[-1].removesuffix("s") in _GENERIC_ROLES


def role_like(phrase: str) -> bool:
    """Whether a phrase's head noun names a job ("senior engineer", "designer")."""
    parts = phrase.lower().split()
    return bool(parts) and _role_like(parts[-1])


def job_with_article(words: list[str]) -> bool:
    """Whether lower-case words say a job with its article ("'s a *paralegal* at"), by any
    word that names one where a job is looked for (`role_noun`)."""
    return any(
        article in ("a", "an") and role_noun(word) for article, word in itertools.pairwise(words)
    )


def job_said(phrase: str) -> bool:
    """Whether a phrase where a job is looked for (brackets, a part of a list item) names
    one: its head noun is a job by the lexicon or its ending (`role_like`), or a noun whose
    most frequent sense is a person's ("second-year apprentice", `role_noun`)."""
    parts = phrase.lower().split()
    if "of" in parts[1:]:
        parts = parts[: parts.index("of")]  # "head of production": headed by "head"
    return bool(parts) and (_role_like(parts[-1]) or role_noun(parts[-1]))


def kin_or_role(word: str) -> bool:
    """`person_noun` without guessing from "-er" ("transfer", "order"): a word of the
    lexicon's kin or role nouns, or a job by another ending ("instructor", "physiotherapist")."""
    word = word.lower()
    if word in KIN_NOUNS or word in ROLE_NOUNS:
        return True
    return len(word) > 4 and word.endswith(("or", "ist", "ian", "eer")) and word not in _NOT_ROLES


def person_noun(word: str) -> bool:
    """Whether a noun names a person ("sister", "mentor", "dentist"), not a thing of theirs
    ("title", "email"): after a possessive it says who the sentence goes on about."""
    word = word.lower().rstrip("s") if word.lower().endswith("s") and len(word) > 4 else word
    return word.lower() in KIN_NOUNS or _role_like(word)
