"""The time a question asks about: "on 22 January", "in March", "before the end of March".

"What's happening on 22 January?" names no record and no word a record holds: it asks for
the records whose date falls then. A question's time is read as a window of days, with
either end open ("before the end of March": up to 31 March), and filters the records of
types with a date field (`Select.filters`); the words that said it are not words a record
must hold. A type without a date field cannot be filtered so, and keeps them as words.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from xmemory_engine.minds.rules.text import MONTH_PATTERN, MONTHS, find_dates, lazy_compile

# A month alone, with what bounds it: "in March", "by the end of March", "since June 2026".
_MONTH = lazy_compile(
    rf"\b(?:(?P<rel>in|during|for|over|this|next|by|before|until|till|after|since|from)\s+)?"
    rf"(?:the\s+)?(?:(?P<part>end|start|beginning)\s+of\s+)?"
    rf"{MONTH_PATTERN}\b(?:\s+(?P<year>\d{{4}}))?",
    re.IGNORECASE,
)
# A word before a date that makes it one end of the window: "before 3 March", "since the 12th".
_UPPER = lazy_compile(r"\b(?:before|by|until|till|up to)\s+(?:the\s+)?$", re.IGNORECASE)
_LOWER = lazy_compile(r"\b(?:after|since|from)\s+(?:the\s+)?$", re.IGNORECASE)
# A question about what happened: a month without a year is the last one, not the next.
_PAST = lazy_compile(r"\b(?:did|was|were|had|happened|went|came|paid)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Window:
    """Days a question asks about, either end open (None)."""

    first: date | None
    last: date | None
    said: str  # the words that said it: not words a record must hold

    def sql(self, column: str) -> str:
        """A condition on a date column (ISO text): the value falls within the window."""
        parts = [f"{column} IS NOT NULL"]
        if self.first is not None:
            parts.append(f"substr({column}, 1, 10) >= '{self.first.isoformat()}'")
        if self.last is not None:
            parts.append(f"substr({column}, 1, 10) <= '{self.last.isoformat()}'")
        return "(" + " AND ".join(parts) + ")"


# A week, weekend, month or year named from today: "this week", "next month", "last year".
_PERIOD = lazy_compile(
    r"\b(?:(?P<rel>in|during|for|over|by|before|until|till|after|since|from)\s+)?"
    r"(?:the\s+)?(?P<which>this|next|last|coming|this\s+coming)\s+(?P<unit>week|weekend|month|year)\b",
    re.IGNORECASE,
)


def asked_window(text: str, today: date) -> Window | None:
    """The window of days the question asks about, or None when it names no time: its first
    date (a day; or one end after "before", "since" …), else a week, month or year named from
    today ("this week": Monday to Sunday), else a month named alone."""
    period = _PERIOD.search(text)
    spans = find_dates(text, today)
    if period is not None and not any(
        s.end <= period.start() or s.start >= period.end() for s in spans
    ):
        return _period_window(period, today)
    for span in spans:
        day = date.fromisoformat(str(span.value))
        before = text[: span.start]
        upper, lower = _UPPER.search(before), _LOWER.search(before)
        if upper is not None:
            # "before 3 March" ends on the 2nd; "before the end of March" on the 31st.
            ends = "end" in span.text.lower().split()
            last = (
                day - timedelta(days=1) if "before" in upper.group().lower() and not ends else day
            )
            return Window(None, last, text[upper.start() : span.end])
        if lower is not None:
            return Window(day, None, text[lower.start() : span.end])
        return Window(day, day, span.text)
    m = _MONTH.search(text)
    if m is None or (m["month"].lower() == "may" and not m["rel"]):
        return None  # "may" alone is a verb far more often than a month
    month = MONTHS[m["month"].lower()[:3]]
    year = int(m["year"]) if m["year"] else _year_of(month, today, text)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    rel, said = (m["rel"] or "").lower(), m.group()
    if rel in ("by", "until", "till"):
        return Window(None, first if m["part"] in ("start", "beginning") else last, said)
    if rel == "before":
        return Window(None, last if m["part"] == "end" else first - timedelta(days=1), said)
    if rel in ("after", "since", "from"):
        return Window(last + timedelta(days=1) if rel == "after" else first, None, said)
    return Window(first, last, said)


def _period_window(m: re.Match[str], today: date) -> Window:
    """The days of the week, weekend, month or year `m` names, bounded as its preposition
    says ("by the end of" is read as a date; "before next week" ends the day before it)."""
    which, unit = m["which"].lower().split()[-1], m["unit"].lower()
    step = {"last": -1, "next": 1, "coming": 1}.get(which, 0)
    if unit in ("week", "weekend"):
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
        first, last = monday, monday + timedelta(days=6)
        if unit == "weekend":
            first = monday + timedelta(days=5)
    elif unit == "month":
        month0 = today.year * 12 + today.month - 1 + step
        year, month = divmod(month0, 12)
        first = date(year, month + 1, 1)
        last = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    else:
        first, last = date(today.year + step, 1, 1), date(today.year + step, 12, 31)
    rel, said = (m["rel"] or "").lower(), m.group()
    if rel in ("by", "until", "till"):
        return Window(None, last, said)
    if rel == "before":
        return Window(None, first - timedelta(days=1), said)
    if rel in ("after", "since", "from"):
        return Window(last + timedelta(days=1) if rel == "after" else first, None, said)
    return Window(first, last, said)


def _year_of(month: int, today: date, text: str) -> int:
    """The year of a month named without one: the last such month in a question about what
    happened, else this one or the next."""
    if _PAST.search(text):
        return today.year if month <= today.month else today.year - 1
    return today.year if month >= today.month else today.year + 1
