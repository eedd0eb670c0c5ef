"""Sentences and search words: how stored text is cut for the full-text index and for evidence.

Plain rules, shared by the store (which indexes each sentence of an episode) and the read path
(which quotes the sentence behind a value and weighs a question's words):
- a sentence ends at `.`, `!` or `?` followed by space and a capital, digit or quote, or at a
  line break; not after a known abbreviation ("Dr.", "Inc.", "e.g.") or a single initial ("K.");
- a search word is a run of letters, digits and marks, folded to lower case without
  diacritics (as SQLite's `unicode61 remove_diacritics 2` tokenizer folds the index).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, cast


class LazyPattern:
    """A regular expression compiled when it is first used, not when its module is imported.

    The engine's twin of the rules mind's `text.LazyPattern` (that one is not importable from
    here without the mind: its package imports the mind). For patterns a freshly started
    server's first answer, usually a read, does without (issue 11). It stands in for the
    `re.Pattern`: each method or attribute is the compiled pattern's own, kept on the instance
    once looked up, so later uses cost what its own do.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        source = self.__dict__.get("_source")
        if source is None:  # not initialised (a copy being made): nothing to stand in for
            raise AttributeError(name)
        value = getattr(re.compile(*source), name)
        self.__dict__[name] = value
        return value


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)` done at the pattern's first use (`LazyPattern`)."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))


ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "st",
        "mt",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "vs",
        "etc",
        "eg",
        "ie",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "dept",
        "ext",
        "tel",
        "est",
        "fig",
        "gen",
        "gov",
        "lt",
        "col",
        "sgt",
        "rev",
        "hon",
        "ave",
        "blvd",
        "rd",
    ]
)
_CLOSERS = "\"')]\u201d\u2019"  # quotes and brackets that may follow a sentence's end
_OPENERS = "\"'([\u201c\u2018"  # ... and that may open the next one
# Compiled at its first use: sentences are cut when a write is kept or a passage quoted.
_END = lazy_compile(r"([.!?]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)|\n+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
KEPT_TEXT_WORDS = 8  # words from which a value is a sentence kept, not a value understood
# Letters that Unicode does not decompose, folded the way people type them without the mark.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae", "Æ": "ae"}
)


_LIST_NUMBER = re.compile(r"(?:^|(?<=[\s:(]))(\d{1,2})$")


def ends_with_list_number(piece: str) -> bool:
    """Whether `piece`, the text before a full stop, ends with the number of an item in a list
    written on one line: "Exam pieces: 1" (a first item after a colon), "… 1. Bach, Gavotte
    2" (the item after the one before it): the stop is the number's, not a sentence's end."""
    found = _LIST_NUMBER.search(piece)
    if found is None:
        return False
    number, head = int(found.group(1)), piece[: found.start(1)].rstrip()
    if number == 1:
        return not head or head.endswith(":")
    return re.search(rf"(?:^|[\s:(]){number - 1}\.\s", head + " ") is not None


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, in order (a text without an ending is one sentence)."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if match.group(1) is not None:
            following = text[match.end() : match.end() + 1]
            if not following or not (
                following.isupper() or following.isdigit() or following in _OPENERS
            ):
                continue
            before = _WORD.findall(text[start : match.start()])
            last = before[-1].lower() if before else ""
            if match.group(1) == "." and (
                last in ABBREVIATIONS
                or (len(last) == 1 and last.isalpha())
                or ends_with_list_number(text[start : match.start()])
            ):
                continue
            cut = match.start(3)
        else:
            cut = match.start()
        piece = text[start:cut].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


@lru_cache(maxsize=4096)
def fold(word: str) -> str:
    """`word` in lower case without diacritics: 'Zoë' -> 'zoe', 'Łukasz' -> 'lukasz'."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def index_words(text: str) -> str:
    """`text` as the full-text index stores it: letters without a decomposition pre-folded,
    the rest left to the tokenizer."""
    # Those letters are not ASCII: ASCII text is as it is (1.4 ms a 1,000-line batch less).
    return text if text.isascii() else text.translate(_UNDECOMPOSED)


def search_words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    if text.isascii():
        # `fold` of an ASCII word is its lower case (nothing to translate or decompose), and
        # lower-casing ASCII text moves no word boundary: one pass, no call a word.
        return _WORD.findall(text.lower())
    return [fold(w) for w in _WORD.findall(text)]
