"""Titled works - books, films, albums, games - named without their type word.

"Just finished The Left Hand of Darkness by Ursula K. Le Guin" never says "book": the verb
(read, finished, watched, gave up on, lent my copy of) says a title follows. A type counts as
a work when its name is a work noun or it has an author-like field; its title is the run of
capitalized words after the verb (small words such as "of", "and", "the" may join them).
Reading status ("gave up on" -> abandoned), ratings ("4 out of 5", "5 stars"), "476 pages"
and a year in parentheses fill the fields that hold them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from xmemory_engine.minds.rules.analysis import Analyzed
from xmemory_engine.minds.rules.draft import Draft
from xmemory_engine.minds.rules.schema_map import CREATORS, creator_field, field_for, name_field
from xmemory_engine.minds.rules.text import UPPER, lexicon, name_words, singular
from xmemory_engine.schema import ObjectSpec

WORK_NOUNS = lexicon("works.work_nouns")
_VERB = (
    r"(?:re-?)?read(?:ing)?|finished(?:\s+reading)?|started(?:\s+reading|\s+watching)?"
    r"|(?:want|wants|plan|planning)\s+to\s+(?:read|watch|play)|gave\s+up\s+on|abandoned"
    r"|dropped|rated|lent(?:\s+\w+)?\s+copy\s+of|lent|borrowed|watched|watching"
    r"|listened\s+to|loved|bought|recommended|reviewed|playing|played"
)
# Small words inside a title join capitalized ones: "The Left Hand of Darkness".
_JOIN = r"of|the|and|a|an|in|for|from|at|on|with|&"
# "read 30 pages of Moby Dick": the amount read is progress, the title follows it.
_PROGRESS = r"(?:(?i:the\s+first\s+|another\s+)?\d+\s+(?i:pages?|chapters?)\s+of\s+)?"
_TITLE = re.compile(
    rf"\b(?i:{_VERB})\s+{_PROGRESS}(?P<t>(?:{UPPER}|\d)[\w'\u2019\-:]*(?:\s+(?:(?:{_JOIN})\s+)*{UPPER}[\w'\u2019\-]*)*)"
)
_NOT_TITLE = lexicon("works.not_title")
_DAYS = re.compile(
    r"\s+(?:of|the|and|a|an|in|for|from|at|on|with|&)(?:\s+\w+)*?\s+(?:Monday|Tuesday|Wednesday"
    r"|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August"
    r"|September|October|November|December|Today|Tomorrow|Yesterday)\b.*$"
)
# Reading status words -> the enum value they mean, when the status enum has it.
_STATUS = (
    (r"\bgave\s+up\s+on\b|\babandoned\b|\bdropped\b|\bquit\b|\bdnf\b", "abandoned"),
    (r"\b(?:want|wants|plan|planning)\s+to\s+(?:read|watch|play)\b", "want_to_read"),
    (r"\bstarted\s+reading\b|\b(?:am|currently)\s+reading\b|^\s*reading\b", "reading"),
    (r"\bjust\s+(?:finished|read)\b|\bfinished\b", "finished"),
)
_RATING = re.compile(
    r"\b(?P<n>\d{1,2})\s*(?:/\s*(?:5|10)\b|out\s+of\s+(?:5|10)\b|stars?\b)", re.IGNORECASE
)
# "by Ursula K. Le Guin": initials keep their dots inside the name.
_BY = re.compile(
    rf"\bby\s+(?P<n>{UPPER}[\w'\u2019\-]*(?:\.?\s+(?:[a-z]{{1,3}}\s+)?{UPPER}[\w'\u2019\-]*)*)"
)
_YEAR = re.compile(r"\(\s*(?P<y>1[5-9]\d\d|20\d\d)\b")


def is_work(spec: ObjectSpec) -> bool:
    words = {singular(w) for w in name_words(spec.name)}
    creator = any(any(c in name_words(f) for c in CREATORS) for f in spec.fields)
    return bool(words & WORK_NOUNS) or (creator and name_field(spec) is not None)


def read_work(s: Analyzed, spec: ObjectSpec, make: Callable[..., Draft]) -> Draft | None:
    """A draft of the work the sentence names after a reading verb, if it names one."""
    m = _TITLE.search(s.text)
    if m is None or not is_work(spec):
        return None
    title = _DAYS.sub("", m.group("t")).rstrip(":'\u2019")
    if title.split()[0].lower() in _NOT_TITLE:
        return None
    draft = make(spec, None)
    return draft if draft.put(name_field(spec), title) else None


def rating_only(text: str, draft: Draft) -> bool:
    """ "5 stars." on its own after a work: that work's rating."""
    hit = _RATING.fullmatch(text.strip(" .!"))
    rating = _rating_field(draft.spec)
    return bool(hit and rating and is_work(draft.spec) and draft.put(rating, int(hit.group("n"))))


def work_fields(s: Analyzed, draft: Draft) -> None:
    """Creator after "by", status, rating, page count, year of a work the sentence names."""
    spec, text = draft.spec, s.text
    creator = creator_field(spec)
    if creator is not None and not draft.has(creator):
        found = _BY.search(text)
        if found:
            draft.put(creator, found.group("n"))
    status = field_for(spec, "status")
    enum = spec.fields[status].enum if status else None
    if status and enum and not draft.has(status):
        for pattern, value in _STATUS:
            if value in enum and re.search(pattern, text, re.IGNORECASE):
                draft.put(status, value)
                break
    rating = _rating_field(spec)
    hit = _RATING.search(text)
    if rating and hit:
        draft.put(rating, int(hit.group("n")))
    year = next(
        (f for f, fs in spec.fields.items() if f.lower() == "year" and fs.type == "int"), None
    )
    if year is not None and (hit := _YEAR.search(text)):
        draft.put(year, int(hit.group("y")))
    genre = next((f for f in spec.fields if {"genre", "category"} & set(name_words(f))), None)
    aside = re.search(r"\(([^)]*)\)", text)
    if genre is not None and aside is not None and not draft.has(genre):
        # "Dune (1965, sci-fi, 412 pages)": the item of the aside that is a plain word or two.
        words = [i.strip() for i in aside.group(1).split(",")]
        plain = [w for w in words if re.fullmatch(r"[a-z][a-z\-]*(?: [a-z][a-z\-]*)?", w)]
        if len(plain) == 1:
            draft.put(genre, plain[0])


def claimed(draft: Draft) -> list[str]:
    """The title and creator of a work: names in them are not people of their own."""
    if not is_work(draft.spec):
        return []
    keep = {name_field(draft.spec), creator_field(draft.spec)}
    return [v for f, v in draft.values.items() if f in keep and isinstance(v, str)]


def _rating_field(spec: ObjectSpec) -> str | None:
    return next((f for f in spec.fields if {"rating", "stars", "score"} & set(name_words(f))), None)
