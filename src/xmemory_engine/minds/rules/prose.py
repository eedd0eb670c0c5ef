"""Single-answer prose, composed only from the rows a query returned."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from xmemory_engine.minds.base import ResultTable
from xmemory_engine.minds.rules.schema_map import name_field
from xmemory_engine.minds.rules.text import (
    STOPWORDS,
    lazy_compile,
    lexicon,
    name_words,
    plural,
    split_sentences,
    value_shape,
)
from xmemory_engine.schema import ObjectSpec

if TYPE_CHECKING:
    from xmemory_engine.minds.rules.question import Question

_HIDDEN = ("xuid", "created_at", "updated_at")
_MAX_ROWS = 20
_PRONOUN_START = lazy_compile(r"^(He|She|They|It)\b\s*", re.IGNORECASE)


def _row(table: ResultTable, i: int) -> dict[str, Any]:
    return dict(zip(table.columns, table.rows[i], strict=False))


def _name_of(spec: ObjectSpec) -> str | None:
    return name_field(spec, "person") or name_field(spec)


def display(table: ResultTable, spec: ObjectSpec, i: int) -> str:
    """What row `i` is called: its name, else first and last name, else its first text (a
    note's content: an id means nothing to the reader), else its xuid."""
    row = _row(table, i)
    label = _label_field(row, spec)
    if label is not None:
        return _text(row[label])
    joined = " ".join(str(row[k]) for k in ("first_name", "last_name") if row.get(k))
    return joined or str(row.get("xuid", "?"))


def _label_field(row: dict[str, Any], spec: ObjectSpec) -> str | None:
    """The field row is called by: its name field, else (no first and last name) its first
    text field with a value."""
    fname = _name_of(spec)
    if fname and row.get(fname):
        return fname
    if row.get("first_name") or row.get("last_name"):
        return None
    return next(
        (k for k, v in row.items() if k not in _HIDDEN and isinstance(v, str) and v.strip()),
        None,
    )


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_answer(table: ResultTable, spec: ObjectSpec, fields: list[str]) -> str:
    """One field of one record is just the value; otherwise name: field value, ..."""
    shown = [f for f in fields if f in table.columns]
    if len(table.rows) == 1 and len(shown) == 1:
        value = _row(table, 0).get(shown[0])
        if value is None or value == "":
            label = " ".join(name_words(shown[0]))
            return f"No {label} is stored for {display(table, spec, 0)}."
        return _text(value)
    parts = []
    for i in range(min(len(table.rows), _MAX_ROWS)):
        row = _row(table, i)
        values = [
            f"{' '.join(name_words(f))} {_text(row[f])}" if len(shown) > 1 else _text(row[f])
            for f in shown
            if row.get(f) not in (None, "")
        ]
        parts.append(f"{display(table, spec, i)}: {', '.join(values) or 'not stored'}")
    return "; ".join(parts) + "."


def describe_rows(table: ResultTable, spec: ObjectSpec, total: int | None = None) -> str:
    """Each record with what is stored about it: "Alice Johnson (email: ...; company: ...)";
    `total`, when a limit cut the rows, is how many records match."""
    items = [_described(table, spec, i) for i in range(min(len(table.rows), _MAX_ROWS))]
    more = len(table.rows) - len(items)
    text = "; ".join(items) + (f"; and {more} more" if more > 0 else "")
    if len(table.rows) > 1:
        words = " ".join(name_words(spec.name))
        if total is not None and total > len(table.rows):
            return f"{total} {plural(words)}, the first {len(table.rows)} listed: {text}."
        return f"{len(table.rows)} {plural(words)}: {text}."
    return text if text.endswith((".", "!", "?")) else text + "."


def _described(table: ResultTable, spec: ObjectSpec, i: int) -> str:
    """ "Alice Johnson (email: ...; company: ...)": row `i` with what is stored about it."""
    row = _row(table, i)
    name_of = _label_field(row, spec)
    details = [
        f"{' '.join(name_words(k))}: {_text(v)}"
        for k, v in row.items()
        if k not in _HIDDEN and k != name_of and v not in (None, "")
    ]
    label = display(table, spec, i)
    if name_of is not None and name_of != _name_of(spec):
        label = label.rstrip(".")  # a note's sentence as its label, in a list of them
    return f"{label} ({'; '.join(details)})" if details else label


# Words up to which a matching value is one field's value, not a sentence of text.
_PHRASE_WORDS = 6


def keyword_sentences(
    table: ResultTable,
    spec: ObjectSpec,
    keywords: list[str],
    *,
    every: bool = False,
    shaped: re.Pattern[str] | None = None,
) -> str | None:
    """The stored sentences that mention the keywords (with `every`, all of them), each said
    of its record: "He joined on 2026-03-02." in Bob Lee's notes -> "Bob Lee joined on
    2026-03-02." With `shaped`, the sentences holding a value of that shape instead (an
    amount for "How much does Haruka charge?")."""
    name_of = _name_of(spec)
    said: list[str] = []
    wanted = [k.lower() for k in keywords]
    holds = all if every else any
    for i in range(min(len(table.rows), 5)):
        row, name = _row(table, i), display(table, spec, i)
        for column, value in row.items():
            if column in _HIDDEN or column == name_of or not isinstance(value, str):
                continue
            sentences = [x.text for x in split_sentences(value)]
            for at, text in enumerate(sentences):
                if shaped is not None:
                    if shaped.search(text):
                        said.append(_said_of(name, text))
                    continue
                if not holds(k in text.lower() for k in wanted):
                    continue
                phrase = len(text.split()) <= _PHRASE_WORDS and not text.rstrip().endswith(".")
                if phrase and column in spec.primary_key:
                    # A key of a few words ("account number") says which record this is:
                    # the record is said whole, so the value beside it is too.
                    said.append(_described(table, spec, i) + ".")
                elif not _only_asked(text, wanted):
                    said.append(_said_of(name, text))
                # "… quote was £1,850. Update: Pickfords revised the quote to £2,100": what
                # a later sentence of the same value changes is read with the change.
                said += [
                    _said_of(name, x) for x in sentences[at + 1 :] if _restates(text, x, wanted)
                ]
    unique = list(dict.fromkeys(said))
    return " ".join(unique) if unique else None


_CHANGE_CUES = lexicon("answer.change_cues")
_ANY_NUMBER = lazy_compile(r"\d")


@functools.lru_cache(maxsize=1)
def _value_shapes() -> tuple[re.Pattern[str], ...]:
    """The shapes of value a change replaces one of, as the search reads them (`value_shape`):
    an amount of money, a day, then any number. Read on first use, not at start-up."""
    return (value_shape("cost"), value_shape("date"), _ANY_NUMBER)


def _restates(earlier: str, later: str, wanted: list[str]) -> bool:
    """Whether `later`, said after `earlier` in the same stored value, tells a change to what
    `earlier` says of the question's words: a change word (`answer.change_cues`), a word
    asked, and a value of the shape `earlier` gives (an amount for an amount, a day for a
    day)."""
    words = set(re.findall(r"[^\W\d_]+", later.lower()))
    if not words & _CHANGE_CUES or not any(k in later.lower() for k in wanted):
        return False
    shape = next((p for p in _value_shapes() if p.search(earlier)), None)
    return shape is not None and shape.search(later) is not None


def _only_asked(text: str, wanted: list[str]) -> bool:
    """Whether `text` says nothing but the words asked with ("teacher" for "What subject does
    Tom teach?"): a value that only repeats the question is no answer to it. A number or a
    date is more than the question said ("He joined 2026-03-02.")."""
    if any(c.isdigit() for c in text):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in STOPWORDS]
    return bool(words) and all(any(w.startswith(k) for k in wanted) for w in words)


def _said_of(name: str, sentence: str) -> str:
    if not sentence.endswith((".", "!", "?")):
        sentence += "."
    if _PRONOUN_START.match(sentence):
        return _PRONOUN_START.sub(name + " ", sentence, count=1)
    first = name.split()[0].lower()
    if first in sentence.lower():
        return sentence
    return f"{name}: {sentence[0].lower()}{sentence[1:]}"


def who_sentence(table: ResultTable, spec: ObjectSpec, q: Question) -> str:
    """ "Who works at Acme Corp?" -> "Alice Johnson works at Acme Corp." """
    names = [display(table, spec, i) for i in range(min(len(table.rows), _MAX_ROWS))]
    rest = re.sub(r"^\s*who\s+", "", q.text, flags=re.IGNORECASE).rstrip(" ?.!")
    verb = rest.split()[0].lower() if rest.split() else ""
    if len(names) == 1 and rest and (verb.endswith(("s", "ed")) and verb not in ("is", "was")):
        return f"{names[0]} {rest}."
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    more = len(table.rows) - len(names)
    return joined + (f" and {more} more" if more > 0 else "") + "."


def count_sentence(
    table: ResultTable, spec: ObjectSpec, q: Question, *, matching: bool = True
) -> str:
    """ "There are 3 tasks matching museum."; with `matching` off, what the count held the
    records to is not said (all of the type were counted)."""
    n = int(table.rows[0][0]) if table.rows and table.rows[0] else 0
    words = " ".join(name_words(spec.name))
    noun = words if n == 1 else plural(words)
    what = (q.values or q.keywords) if matching else []
    tail = f" matching {', '.join(what)}" if what else ""
    return f"There {'is' if n == 1 else 'are'} {n} {noun}{tail}."
