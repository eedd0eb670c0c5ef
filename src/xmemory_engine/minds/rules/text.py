"""Plain-text analysis shared by the rules: sentences, typed values, names, dates, words.

Everything here is deterministic and knows nothing about schemas: it finds spans of text
(an email, "March 3, 2026", "last Monday", "Acme Corp", "Alice Johnson") and says what
they are. Dates are resolved relative to a `today` passed in, never read from a clock here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from xmemory_engine import datafiles
from xmemory_engine.sentences import ends_with_list_number
from xmemory_engine.sentences import lazy_compile as lazy_compile

# -- sentences ---------------------------------------------------------------------------------

# (Not "Ltd." nor "Inc.": a company's name often ends a sentence.) "ext. 4417", "tel. 0131…".
_ABBREVIATIONS = {"mr", "mrs", "ms", "mx", "dr", "dra", "prof", "rev", "revd", "st", "jr", "sr", "sra",
                  "srta", "vs", "etc", "e.g", "i.e", "ext", "tel", "approx", "dept"}  # fmt: skip
_FIRM_ENDINGS = frozenset(("co", "ltd", "inc", "corp", "llc", "plc"))
# Shortened words a value goes on after ("incl. planting"), besides `_ABBREVIATIONS`.
_RUN_ON = frozenset(("incl", "excl", "esp", "ca", "cf", "est", "fig", "ref", "pp"))
_CODE_START = lazy_compile(r"[^\s\d]*\d")  # a word holding a digit: a number or a code
_END = lazy_compile(r"[.!?]+[\"')\]]*(?=\s)|\n+")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the whole text
    item: bool = False
    """A line opened by a bullet or a number ("- book portaloos", "2. payslips"): one item of
    a list, which a line ending in ":" before it may head."""


# A hyphen with a space on each side, as a keyboard types a dash ("still to do - meter
# readings", "Lena - finish the budget"): the rules read dashes as the typographic ones.
_TYPED_DASH = re.compile(r"(?<= )-(?= )")


def typed_dashes(text: str) -> str:
    """`text` with each spaced hyphen read as an en dash: one character for one, so every
    offset into it is one into what was written."""
    return _TYPED_DASH.sub("\u2013", text)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; an abbreviation or an initial does not end one, nor
    does the point after a list item's number at the start of a line ("1. payslips")."""
    sentences: list[Sentence] = []
    begin = 0
    for match in _END.finditer(text):
        if _NUMBERED.fullmatch(text[begin : match.end()]) and _line_opens(text, begin):
            continue
        if match.group() == "." and ends_with_list_number(text[begin : match.start()]):
            continue  # "Exam pieces: 1. Bach, Gavotte 2. Elgar": a list on one line
        before = text[begin : match.start()].rsplit(None, 1)
        last = _word_before_stop(before)
        rest = text[match.end() :].lstrip()
        if (
            "\n" not in match.group()
            and not (street_ends(before) and rest[:1].isupper())
            and (
                last in _ABBREVIATIONS
                or (len(last) == 1 and last.isalpha())
                # "at no. 16", "bat at No. 4", "confirmation no. HKW-55120": the number sign
                # before a number or a code.
                or (last == "no" and _CODE_START.match(rest) is not None)
                # "Arklow Tyre Co. (tyres and tubes)": what a firm is, said after its name.
                or (last in _FIRM_ENDINGS and rest[:1] == "(")
                or (rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'(["))
            )
        ):
            continue
        _add_sentence(sentences, text, begin, match.end())
        begin = match.end()
    _add_sentence(sentences, text, begin, len(text))
    return sentences


def _word_before_stop(before: list[str]) -> str:
    """The word a stop follows (the text before it split at its last space), lowered and
    without a bracket or quote opening it: "(Dr. Qureshi, …)" -> "dr", still an abbreviation."""
    return before[-1].lower().rstrip(".").lstrip("\"'([\u201c\u2018") if before else ""


# A stop, then a small letter opening what follows ("brush. yuki says …").
_STOP_BEFORE_SMALL = lazy_compile(r"[.!?]+\s+(?=[a-z])")


def value_before_a_stop(value: str) -> str:
    """`value` up to its first stop before a small letter, unless the stop is an
    abbreviation's, an initial's or a number sign's ("incl. planting", "no. 4"), or said
    inside brackets."""
    for m in _STOP_BEFORE_SMALL.finditer(value):
        if value.count("(", 0, m.start()) > value.count(")", 0, m.start()):
            continue  # "sharps bin (does the clinic supply one? check)": an aside's own
        last = _word_before_stop(value[: m.start()].rsplit(None, 1))
        if m.group().startswith(".") and (
            last in _ABBREVIATIONS
            or last in _RUN_ON
            or len(last) <= 1
            or last == "no"
            or "." in last
        ):
            continue
        return value[: m.start()]
    return value


def street_ends(before: list[str]) -> bool:
    """Whether the text `before` a full stop (split at its last space) ends in an address,
    a house number, a capitalised name and "St." for "Street" ("at 200 Elizabeth St. CT
    angiogram 17 Dec"): the stop may end the sentence. "St." in a name ("at St. Mary's",
    "Emily St. John Mandel") may not."""
    if len(before) < 2 or before[-1].rstrip(".").lower() != "st":
        return False
    words = before[0].rsplit(None, 2)[-2:]
    return len(words) == 2 and words[0].isdigit() and words[1][:1].isupper()


def _add_sentence(out: list[Sentence], text: str, begin: int, end: int) -> None:
    chunk = text[begin:end]
    bare = chunk.strip()
    marker = _ITEM_MARK.match(bare) if _line_opens(text, begin) else None
    stripped = (bare[marker.end() :] if marker else bare.lstrip("-*\u2022")).strip()
    if stripped:
        out.append(Sentence(stripped, begin + chunk.index(stripped), item=marker is not None))


# What opens a list item on a line of its own: a bullet, or a number with "." or ")".
_ITEM_MARK = lazy_compile(r"(?:[-*\u2022\u2013]|\d{1,2}[.)])\s*")
_NUMBERED = lazy_compile(r"\s*\d{1,2}\.")


def _line_opens(text: str, at: int) -> bool:
    """Whether only blanks stand between the start of a line and `at`."""
    line_start = text.rfind("\n", 0, at) + 1
    return not text[line_start:at].strip()


# -- typed values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A piece of a sentence that is a typed value; `value` is normalized (ISO date, digits)."""

    kind: str  # email | url | phone | date | number
    start: int
    end: int
    text: str
    value: str | int | float


EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]+@[^\W_][\w\-]*(?:\.[\w\-]+)*\.[^\W\d_]{2,}\b")
_URL = lazy_compile(
    r"\bhttps?://[^\s<>\"']+|\bwww\.[^\s<>\"']+"
    r"|\b[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|org|net|io|ai|dev|co|app|edu|gov|info|me)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# Not the digits of a code ("KL-775-2210", "INV-2026-014"): a hyphen after a letter joins them.
_PHONE = lazy_compile(r"(?<![\w@])(?<![^\W\d_]-)\+?\(?\d[\d\s().\-]{5,}\d(?![\w@])")
_PHONE_CUE = lazy_compile(
    r"\b(?:phone|telephone|tel|mobile|cell|call|ring|text|whatsapp|number|ext|landline)\b", re.I
)
# A kind of number said right before the digits ("NHS number is 485 …", "policy no: …").
_KIND_OF_NUMBER = lazy_compile(
    r"\b(?P<kind>[\w'\u2019]+)\s+(?:number|no\.?)\s*(?:is\s+|:\s*|#\s*)?$", re.I
)
_UNCUED_PHONE_DIGITS = 9  # fewer digits than this read as a phone only beside a phone word
_NUMBER = lazy_compile(r"(?<![\w.\-])[-+]?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w])")


def find_values(sentence: str, today: date) -> list[Span]:
    """Emails, URLs, dates, phones and numbers in a sentence, without overlaps."""
    spans: list[Span] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s.start or start >= s.end for s in spans)

    for m in EMAIL.finditer(sentence):
        spans.append(Span("email", m.start(), m.end(), m.group(), m.group()))
    for m in _URL.finditer(sentence):
        text = m.group().rstrip(".,;:!?)")
        if free(m.start(), m.start() + len(text)) and sentence[max(0, m.start() - 1)] != "@":
            spans.append(Span("url", m.start(), m.start() + len(text), text, text))
    for d in find_dates(sentence, today):
        if free(d.start, d.end):
            spans.append(d)
    cued = any(_phone_word(sentence, m) for m in _PHONE_CUE.finditer(sentence))
    for m in _PHONE.finditer(sentence):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) < _UNCUED_PHONE_DIGITS and not cued:
            continue  # "4050-262 Porto": a postcode, an order number; a phone says so or is long
        if _another_things_number(sentence[: m.start()]):
            continue  # "My NHS number is 485 777 3456": another thing's number, however long
        # "Ewa (07734 290 115)": the bracket is the aside's, not an area code's "(020) …".
        start = m.start() + 1 if m.group().startswith("(") and ")" not in m.group() else m.start()
        phone = sentence[start : m.end()].strip()
        if 7 <= len(digits) <= 15 and free(start, m.end()) and not _looks_like_year(phone):
            spans.append(Span("phone", start, m.end(), phone, phone))
    for m in _NUMBER.finditer(sentence):
        if free(m.start(), m.end()):
            raw = m.group().replace("$", "").replace(",", "").rstrip("%")
            value: int | float = float(raw) if "." in raw else int(raw)
            spans.append(Span("number", m.start(), m.end(), m.group(), value))
    return sorted(spans, key=lambda s: s.start)


def _phone_word(sentence: str, cue: re.Match[str]) -> bool:
    """Whether a phone cue word says a phone: "number" does unless it is another thing's
    ("account number 55-8812-03", "policy number": `text.other_numbers` in lexicon.yml)."""
    if cue.group().lower() != "number":
        return True
    before = re.findall(r"[\w'\u2019]+", sentence[: cue.start()].lower())
    if not before:
        return True  # "Number: 555 0192"
    # Someone's number is their phone ("his number", "Kenji's number", "contact number"); a
    # number said of no one ("LMIA approved, number 8412095") is another thing's.
    last = before[-1]
    return last not in _OTHER_NUMBERS and (
        last in _WHOSE_NUMBER or last.endswith(("'s", "\u2019s")) or last in _PHONE_WORDS
    )


def _another_things_number(before: str) -> bool:
    """Whether the digits after `before` are named as another thing's number than a phone
    ("policy number", "NHS number": `text.other_numbers`)."""
    kind = _KIND_OF_NUMBER.search(before)
    return kind is not None and kind.group("kind").lower() in _OTHER_NUMBERS


def _looks_like_year(text: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{4}\s*", text))


# -- dates -------------------------------------------------------------------------------------

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "couple of": 2, "few": 3,
}  # fmt: skip
_MONTH_FORMS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# A month's name, written in full or short ("January", "jan", "Sept"), with no group of its own.
MONTH_WORD = rf"(?:{_MONTH_FORMS})"
# A month written out or short, as the named group `month` ("March", "Mar.", "sept").
MONTH_PATTERN = rf"(?P<month>{_MONTH_FORMS})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
# A weekday written out or short ("Sat", "Wednesday", "Thurs.").
# A currency's sign written before an amount ("£290", "€1,500"): one pattern the rules share.
MONEY_SIGN = "[£$€¥₹]"
WEEKDAY_WORD = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?)"
_COUNT = r"(?P<count>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|couple of|few)"
_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", lazy_compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b")),
    # "8-9 May 2027" (with a hyphen or an en dash), "12-27 Dec", "Sat 20 - Sat 27 Feb",
    # "Wednesday 10 to Friday 12 March": days of one month, the first.
    ("range", lazy_compile(rf"\b(?:{WEEKDAY_WORD}\s+)?(?P<first>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:[\u2013-]|\s(?:to|until|till)\s)\s*(?:{WEEKDAY_WORD}\s+)?{_DAY}\s+(?:of\s+)?{MONTH_PATTERN}{_YEAR}\b", re.I)),
    # Not "Feb 07:05": the number is a time, after the day ("Sat 20 Feb 07:05").
    ("mdy", lazy_compile(rf"\b{MONTH_PATTERN}\s+{_DAY}\b(?![:.]\d){_YEAR}", re.I)),
    ("dmy", lazy_compile(rf"\b{_DAY}\s+(?:of\s+)?{MONTH_PATTERN}{_YEAR}\b", re.I)),
    ("slash", lazy_compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\b")),
    ("word", lazy_compile(r"\b(?P<word>yesterday|today|tonight|tomorrow)\b", re.I)),
    # Before the weekday: a date written out wins over the weekday that names it ("to
    # Tuesday the 8th"). A day of the year by its name: "Christmas Eve", "Boxing Day".
    ("holiday", lazy_compile(r"\b(?P<holiday>(?:christmas|boxing|new year['\u2019]s|valentine['\u2019]s) (?:day|eve)|halloween|bonfire night|hogmanay)\b", re.I)),
    # A day of the month alone, after a word that says when: "on the 12th", "by the 3rd",
    # "from the 14th to the 21st" (not "the 3rd floor", "for the 2nd time").
    ("ordinal", lazy_compile(rf"\b(?:on|by|until|till|from|for|to|before|after|since|of|{'|'.join(WEEKDAYS)})\s+(?P<the>the)\s+(?P<day>[12]?\d|3[01])(?:st|nd|rd|th)\b(?!\s+(?:floor|time|place|round|grade|century|edition|year|anniversary|birthday|attempt|try|row|stop)\b)", re.I)),
    # "on saturday mornings", as "on saturdays", is every one of them: no one day.
    ("weekday", lazy_compile(rf"\b(?P<rel>last|next|this|on|by|until|before|due|to|for)\s+(?P<wd>{'|'.join(WEEKDAYS)})\b(?!\s+(?:mornings|afternoons|evenings|nights|lunchtimes)\b)", re.I)),
    # "by the end of the month", "end of next week", "before the end of March": its last
    # day (a week's last working day); "this weekend", "next weekend": its Saturday.
    ("end", lazy_compile(r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|(?P<next>next)\s+)?(?P<unit>week|month|year)\b", re.I)),
    ("endof", lazy_compile(rf"\b(?:the\s+)?end\s+of\s+{MONTH_PATTERN}{_YEAR}\b", re.I)),
    ("weekend", lazy_compile(r"\b(?P<rel>this|next)\s+weekend\b", re.I)),
    ("ago", lazy_compile(rf"\b{_COUNT}\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("in", lazy_compile(rf"\bin\s+{_COUNT}\s+(?P<unit>day|week|month|year)s?\b", re.I)),
    ("lastnext", lazy_compile(r"\b(?P<rel>last|next)\s+(?P<unit>week|month|year)\b", re.I)),
]  # fmt: skip
# Days of the year by name, as (month, day).
_HOLIDAYS = {"christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26),
             "new year's day": (1, 1), "new year's eve": (12, 31), "valentine's day": (2, 14),
             "halloween": (10, 31), "bonfire night": (11, 5), "hogmanay": (12, 31)}  # fmt: skip


def find_dates(sentence: str, today: date) -> list[Span]:
    """Dates written in a sentence, as ISO text relative to `today`; the phrase is kept."""
    found: list[Span] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < s.end and m.end() > s.start for s in found):
                continue
            resolved = _resolve(kind, m, today)
            if resolved is not None:
                start = m.start()
                if kind == "ordinal":
                    start = m.start("the")
                if kind == "weekday" and m.group("rel").lower() in (
                    "on",
                    "by",
                    "until",
                    "before",
                    "due",
                    "to",
                    "for",
                ):
                    start = m.start("wd")
                if kind == "holiday" or (
                    kind in ("mdy", "dmy", "range", "endof") and not m["year"]
                ):
                    named = _named_weekday(m.group(), sentence[: m.start()])
                    resolved = _year_for(resolved, today, _clause(sentence, m), named)
                elif kind == "ordinal":
                    resolved = _month_for(resolved, today, sentence)
                found.append(
                    Span("date", start, m.end(), sentence[start : m.end()], resolved.isoformat())
                )
    # "on Thursday, October 16, 2025": the written date is the date; the weekday only names it.
    explicit = [s for s in found if not _WEEKDAY_TEXT.search(s.text)]
    return [
        s
        for s in found
        if not (
            _WEEKDAY_TEXT.search(s.text)
            and any(
                0 <= e.start - s.end <= 3 and not sentence[s.end : e.start].strip(" ,")
                for e in explicit
            )
        )
    ]


# A sentence about something planned: a date in it without a year is the next such date.
_PLAN = lazy_compile(
    # (A plan's nouns also in the plural, as a note's label says them: "Flights: KL1183 10
    # July"; and a departure: "dep 11:05".)
    r"\b(?:appointments?|appts?|due|deadlines?|meetings?|booked|scheduled|will|next|upcoming|"
    r"plans?|planned|planning|flights?|trips?|concerts?|visits?|reservations?|renewals?|"
    r"dep|departs?|departing|departures?|expires?|starts?|"
    r"begins?|closes?|closing|ends?|on\s+the\s+calendar|"
    # What one has to do is still to do: "have to enter before 31 Dec", "need to pay by …".
    r"(?:have|has|need|needs)\s+to|must|gonna|going\s+to|by(?=\s+(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))|"
    # Where a thing was moved to is when it now will be: "so we've moved to 4-11 January",
    # said in December, however past the move itself is ("had a cancellation"), and from
    # where ("pushed back from 14 aug to 21 aug").
    r"(?:moved|pushed(?:\s+back|\s+forward)?|postponed|delayed|rescheduled|brought\s+forward|"
    r"changed|moving|shifted)\s+(?:[\w']+\s+){0,3}?(?:to|until|for)(?=\s)|now\s+(?=(?:on\s+)?(?:mon|tue|wed|thu|"
    r"fri|sat|sun|\d)))\b",
    re.IGNORECASE,
)
_WEEKDAY_TEXT = lazy_compile(rf"\b(?:{'|'.join(WEEKDAYS)})\b", re.IGNORECASE)


# A sentence telling what happened: a date in it without a year is the last such date.
_PAST = lazy_compile(
    r"\b(?:was|were|had|did|ago|yesterday|went|came|fell|paid|sent|got|took|met|saw|"
    r"happened|arrived|finished|began|"
    # "last" of a time gone by ("last week", "last Tuesday"), not the final one of something
    # ("last day there is 31 December", "the last train is at 23:10").
    r"last(?=\s+(?:week|month|year|night|weekend|time|term|season|summer|winter|spring|"
    rf"autumn|fall|{WEEKDAY_WORD}|{MONTH_PATTERN})))\b",
    re.IGNORECASE,
)


# A weekday written right before a date ("Sun 13 Dec", "Thursday, October 16", "Sat 20 -").
_WEEKDAY_BEFORE = lazy_compile(rf"\b(?P<wd>{WEEKDAY_WORD}),?\s+(?:the\s+)?$", re.IGNORECASE)
_WEEKDAY_OPENING = lazy_compile(rf"^(?P<wd>{WEEKDAY_WORD})\s", re.IGNORECASE)
# Where one clause of a sentence ends: what is past in one ("paid 15 Nov") may sit beside
# what is planned in the next ("; balance due 20 Jan").
_CLAUSE_END = lazy_compile(r"[;\u2014\u2013]|\s-\s|\.\s")


def _named_weekday(found: str, before: str) -> int | None:
    """The weekday (0 = Monday) written with a date, inside its match or right before it."""
    m = _WEEKDAY_OPENING.match(found) or _WEEKDAY_BEFORE.search(before[-16:])
    if m is None:
        return None
    return ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(m.group("wd")[:3].lower())


def _clause(sentence: str, m: re.Match[str]) -> str:
    """The clause of `sentence` holding the match, where its tense is told."""
    start = max((c.end() for c in _CLAUSE_END.finditer(sentence, 0, m.start())), default=0)
    stop = _CLAUSE_END.search(sentence, m.end())
    return sentence[start : stop.start() if stop else len(sentence)]


# How far from today a date may be for the weekday written beside it to choose it over the
# nearer date without that weekday: farther, the weekday is likelier a slip.
_WEEKDAY_REACH = 270


def _year_for(day: date, today: date, clause: str, weekday: int | None = None) -> date:
    """A date written without a year (`day`, this year's): the nearer one when the weekday
    written beside it is its ("Sun 13 Dec": the weekday is told to say which), else the next
    one in a clause about something planned ("the dentist on March 14"), the last one in a
    clause about what happened ("she fell on 3 February"), else the nearer of the two ("11
    Feb is now Komedia", said in December, is next February)."""
    ahead = day if day >= today else _next_year(day)
    behind = day if day <= today else _year_shift(day, -1)
    nearer = ahead if ahead - today <= today - behind else behind
    if nearer.weekday() == weekday:
        # The weekday says which when it is the nearer date's; a weekday that only a date a
        # year away has ("Tuesday 9 Dec" said in a year where the 9th is a Wednesday) is
        # more likely a slip than a date so far off, and the tense decides.
        return nearer
    other = behind if nearer == ahead else ahead
    if other.weekday() == weekday and abs((other - today).days) <= _WEEKDAY_REACH:
        return other  # "on sunday 13 june", said in December: next June's Sunday
    if _PLAN.search(clause):
        return ahead
    if _PAST.search(clause):
        return behind
    return nearer


def _month_for(day: date, today: date, sentence: str) -> date:
    """A day of the month written alone ("on the 12th", this month's): the last one in a
    sentence about what happened, else the next one."""
    if _PAST.search(sentence) and not _PLAN.search(sentence):
        return day if day <= today else add_months(day, -1)
    # Notes say days of the month mostly of what is to come ("from the 14th to the 21st").
    return day if day >= today else add_months(day, 1)


def _next_year(day: date) -> date:
    return _year_shift(day, 1)


def _year_shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# Time said relative to the day it was said on: "tomorrow", "next Tuesday", "two weeks ago",
# "in 3 months", "next year". Kept as written, a stored value would mean another day when it
# is read later; `anchor_relative` writes the day it meant instead. A bare weekday ("on
# Tuesday") is not here: whether it is the last or the next one depends on the tense.
_RELATIVE_KINDS = ("word", "ago", "in", "lastnext", "end", "weekend")
_RELATIVE_WEEKDAY = ("last", "next", "this")
_PREPOSITIONS = frozenset(("on", "by", "for", "until", "till", "from", "since", "before", "after",
                           "to", "of", "at", "in", "during", "around", "about", "within", "than",
                           "til", "between", "and", "or", "as"))  # fmt: skip
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]  # fmt: skip


def anchor_relative(value: str, today: date) -> str:
    """`value` with each time said relative to `today` written as the day (ISO), week, month
    or year it means: "call booked for next Tuesday at 6pm" said on 2026-01-10 is stored as
    "call booked for 2026-01-13 at 6pm"."""
    found: list[tuple[int, int, str]] = []
    for kind, pattern in _DATE_PATTERNS:
        if kind not in _RELATIVE_KINDS and kind != "weekday":
            continue
        for m in pattern.finditer(value):
            if kind == "weekday" and m["rel"].lower() not in _RELATIVE_WEEKDAY:
                continue
            if any(m.start() < end and m.end() > begin for begin, end, _ in found):
                continue
            day = _resolve(kind, m, today)
            if day is not None:
                found.append((m.start(), m.end(), _said_as(kind, m, day)))
    pieces: list[str] = []
    at = 0
    for begin, end, said in sorted(found):
        before = value[:begin].split()
        if (
            before
            and before[-1].lower() not in _PREPOSITIONS
            and not value.startswith(("'s", "\u2019s"), end)
            and not said.startswith("the ")
        ):
            # "He joined last Monday" -> "He joined on 2026-03-02", "moving next year" ->
            # "moving in 2027"; "by next Friday" and "next month's rent" need none.
            said = ("on " if said[:1].isdigit() and "-" in said else "in ") + said
        pieces.append(value[at:begin] + said)
        at = end
    return "".join(pieces) + value[at:]


def _said_as(kind: str, m: re.Match[str], day: date) -> str:
    """How far a relative time reaches: a day, the week it falls in, its month, its year."""
    unit = m.groupdict().get("unit")
    unit = unit.lower() if unit else "day"
    if kind == "weekend":
        return f"the weekend of {day.isoformat()}"
    if kind == "end" and unit != "week":
        month = f"{_MONTH_NAMES[day.month - 1]} " if unit == "month" else ""
        return f"the end of {month}{day.year}"
    if unit == "year":
        return str(day.year)
    if unit == "month":
        return f"{_MONTH_NAMES[day.month - 1]} {day.year}"
    if unit == "week" and kind == "lastnext":
        return f"the week of {(day - timedelta(days=day.weekday())).isoformat()}"
    return day.isoformat()


def _resolve(kind: str, m: re.Match[str], today: date) -> date | None:
    try:
        if kind == "iso":
            return date(int(m["y"]), int(m["m"]), int(m["d"]))
        if kind in ("mdy", "dmy", "range"):
            month = MONTHS[m["month"].lower()[:3]]
            day = int(m["first"] if kind == "range" else m["day"])
            if kind == "range" and day > int(m["day"]):
                return None  # "30-6 Dec" is no range of one month
            return date(int(m["year"]) if m["year"] else today.year, month, day)
        if kind == "holiday":
            month, day = _HOLIDAYS[m["holiday"].lower().replace("\u2019", "'")]
            return date(today.year, month, day)
        if kind == "ordinal":
            return date(today.year, today.month, int(m["day"]))
        if kind == "slash":
            a, b = int(m["a"]), int(m["b"])
            month, day = (a, b) if a <= 12 else (b, a)
            return date(int(m["y"]), month, day)
    except (ValueError, KeyError):
        return None
    if kind in ("end", "endof", "weekend"):
        return _end_of(kind, m, today)
    if kind == "word":
        offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[m["word"].lower()]
        return today + timedelta(days=offset)
    if kind == "weekday":
        target = WEEKDAYS.index(m["wd"].lower())
        rel = m["rel"].lower()
        if rel == "last":
            back = (today.weekday() - target) % 7 or 7
            return today - timedelta(days=back)
        if rel == "this":
            return today + timedelta(days=target - today.weekday())
        ahead = (target - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    count = _NUMBER_WORDS.get(m.group("count").lower(), 0) if kind in ("ago", "in") else 1
    if kind in ("ago", "in") and m.group("count").isdigit():
        count = int(m.group("count"))
    sign = -1 if kind == "ago" or (kind == "lastnext" and m["rel"].lower() == "last") else 1
    unit = m["unit"].lower()
    if unit in ("day", "week"):
        return today + timedelta(days=sign * count * (7 if unit == "week" else 1))
    months = sign * count * (12 if unit == "year" else 1)
    return add_months(today, months)


def _end_of(kind: str, m: re.Match[str], today: date) -> date:
    """The day "the end of the month / week / year", "the end of March" or "this / next
    weekend" means, said on `today`: a month's or a year's last day, a week's Friday (the
    end of a working week), a weekend's Saturday. A month named without a year is this
    year's, which `find_dates` moves as it moves "31 March" (`_year_for`)."""
    if kind == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            saturday = today - timedelta(days=1)  # "this weekend", said on its Sunday
        return saturday + timedelta(days=7) if m["rel"].lower() == "next" else saturday
    if kind == "endof":
        month = MONTHS[m["month"].lower()[:3]]
        year = int(m["year"]) if m["year"] else today.year
        return add_months(date(year, month, 1), 1) - timedelta(days=1)  # its year: `_year_for`
    unit, ahead = m["unit"].lower(), 1 if m["next"] else 0
    if unit == "week":
        return today + timedelta(days=4 - today.weekday() + 7 * ahead)
    if unit == "month":
        return add_months(date(today.year, today.month, 1), 1 + ahead) - timedelta(days=1)
    return date(today.year + ahead, 12, 31)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for clamp in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, clamp)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# -- words -------------------------------------------------------------------------------------


def wordset(text: str) -> frozenset[str]:
    """A vocabulary written as one string of words."""
    return frozenset(text.split())


def lexicon(key: str) -> frozenset[str]:
    """A word list of `lexicon.yml`, by "module.name": the rules' vocabulary is data, read
    once (from its JSON twin, `datafiles`: no YAML parser at start-up)."""
    module, name = key.split(".", 1)
    return frozenset(str(_lexicon()[module][name]).split())


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = datafiles.load("minds/rules/lexicon.yml")
    return data


_OTHER_NUMBERS = lexicon("text.other_numbers")
# Whose a thing is, said by a pronoun ("her number", "my desk").
POSSESSIVE_PRONOUNS = frozenset(("my", "his", "her", "their", "our", "your"))
# Words before "number" that make it someone's phone (see `_phone_word`).
_WHOSE_NUMBER = POSSESSIVE_PRONOUNS | {"whose", "same", "new", "the"}
_PHONE_WORDS = lexicon("facts.phone_words")


def said_alike(keyword: str) -> tuple[str, ...]:
    """The words that also say what a keyword (a `stem`) does, as written in the `groups` of
    vocabulary.yml ("checkup" for "appointment", "dog" for "pet", not "cat" for "dog"); the
    words themselves, not stems: how each is matched, `sql._any_said` says."""
    return _word_groups().get(keyword, ()) + _verb_forms().get(keyword, ())


@functools.lru_cache(maxsize=1)
def _verb_forms() -> dict[str, tuple[str, ...]]:
    """An irregular verb's other form, by either's stem: "sent" also says "send" ("Is the
    claim sent?" beside the task "send the claim form"), "send" also says "sent" (lexicon
    `deeds.irregular`, past:base pairs)."""
    out: dict[str, set[str]] = {}
    for pair in lexicon("deeds.irregular"):
        past_form, _, base_form = pair.partition(":")
        if past_form and base_form:
            out.setdefault(stem(past_form), set()).add(base_form)
            out.setdefault(stem(base_form), set()).add(past_form)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@functools.lru_cache(maxsize=8)
def value_shape(word: str) -> re.Pattern[str]:
    """The shape of value a word asks for, as the `shapes` of vocabulary.yml write it ("cost":
    an amount; "time": a time of day), matched in any case: the passages' shapes, so the
    rules read a value as the engine's search does."""
    shapes: dict[str, str | list[str]] = datafiles.load("vocabulary.yml")["shapes"]
    pattern = shapes[word]
    joined = pattern if isinstance(pattern, str) else "|".join(f"(?:{p})" for p in pattern)
    return re.compile(joined, re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def word_group_lines() -> tuple[str, ...]:
    """The `groups` of vocabulary.yml as written ("a b c", "a b > x y"), read on first use."""
    groups: list[str] = datafiles.load("vocabulary.yml").get("groups", [])
    return tuple(str(line) for line in groups)


@functools.lru_cache(maxsize=1)
def _word_groups() -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for line in word_group_lines():
        kinds, _, members = line.partition(">")
        heads = kinds.split()
        for head in heads:
            out.setdefault(stem(head), set()).update((*heads, *members.split()))
    return {k: tuple(sorted(w for w in v if stem(w) != k)) for k, v in out.items()}


def _letters(accepts: Callable[[str], bool]) -> str:
    """A regex character class of the letters before U+2000 that `accepts` takes, as ranges.

    Python's `re` has no `\\p{Lu}`; names are written in every Latin, Greek and Cyrillic
    alphabet ("Zoë Ångström", "Łukasz", "Nguyễn"), so "capitalised" cannot mean `[A-Z]`.
    """
    ranges: list[tuple[int, int]] = []
    for code in range(0x2000):
        if accepts(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = (
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )
    return f"[{''.join(parts)}]"


UPPER = _letters(lambda c: c.isupper() or c.istitle())
"""A capital letter in any alphabet: use it where a pattern would say `[A-Z]`."""
LOWER = _letters(str.islower)
"""A small letter in any alphabet: `[a-z]` for names and words written in any language."""
WORD = re.compile(r"[^\W_][\w'\u2019&\-]*")
STOPWORDS = lexicon("text.stopwords")
PRONOUNS_PERSON = {"he", "she", "him", "her", "his", "hers", "they", "them", "their", "theirs"}
PRONOUNS_THING = {"it", "its"}
SELF_WORDS = {"i", "me", "my", "mine", "we", "us", "our", "ours"}
# A noun of the user's, said with "my", "our" or "the user's": "my dentist", "the user's dad".
USERS_NOUN = re.compile(r"\b(?:my|our|(?:the\s+)?user['\u2019]s)\s+(?P<noun>[a-z][\w\-]*)\b", re.I)


def words(text: str) -> list[str]:
    """Lower-case words, apostrophes straightened, possessive 's dropped."""
    out = []
    for m in WORD.finditer(text):
        w = m.group().lower().replace("\u2019", "'")
        out.append(w[:-2] if w.endswith("'s") else w)
    return out


def stem(word: str) -> str:
    """A crude stem so that 'joined', 'joins' and 'joining' meet at 'join'."""
    w = word.lower()
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: -len(suffix)] + keep
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2]:
                base = base[:-1]  # planned -> plan
            if suffix == "es" and not base.endswith(("s", "x", "z", "ch", "sh")):
                base = w[:-1]  # notes -> note
            return base
    return w


def singular(word: str) -> str:
    w = word.lower()
    for one, many in _IRREGULAR.items():
        if w == many:
            return one
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women"}


def plural(word: str) -> str:
    last = word.rsplit(" ", 1)[-1]
    if last in _IRREGULAR:
        return word[: len(word) - len(last)] + _IRREGULAR[last]
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def name_words(identifier: str) -> list[str]:
    """Words of a schema identifier: `due_date` -> [due, date], `OpenTask` -> [open, task]."""
    return list(_name_words(identifier))


# Schema identifiers are few and asked about on every read: split each once.
@functools.lru_cache(maxsize=4096)
def _name_words(identifier: str) -> tuple[str, ...]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", identifier).replace("_", " ")
    return tuple(w.lower() for w in spaced.split())


def quote_sql(value: str) -> str:
    """A SQL string literal: single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
