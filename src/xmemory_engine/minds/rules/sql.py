"""Plain SELECT statements over one object type's table, built from a read question.

Literals are inlined with quotes doubled (`quote_sql`) because the checker and the read-only
executor run plain SQL text. Text is matched with `instr(lower(...))`, which needs no LIKE
escaping; a name or a filter value matches as whole words (' alice ' within ' alice johnson ',
' company 5 ' not within ' company 50 '), a keyword stem anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from xmemory_engine.minds.rules.schema_map import (
    SchemaMap,
    date_fields,
    field_for,
    name_field,
    notes_field,
    text_fields,
)
from xmemory_engine.minds.rules.states import NOT_STARTED
from xmemory_engine.minds.rules.text import quote_ident, quote_sql, said_alike
from xmemory_engine.schema import ObjectSpec, RelationSpec

if TYPE_CHECKING:
    from xmemory_engine.minds.rules.question import Question

# How a dislike is stored: things.py writes the stance before what it is about ("dislikes
# coriander", "avoids shellfish").
DISLIKE_STANCES = ("dislike", "avoid")


def name_expr(spec: ObjectSpec, alias: str = "t") -> str | None:
    """SQL for what a record of `spec` is called (first and last name joined when split)."""
    fields = spec.fields
    if (
        "first_name" in fields
        and "last_name" in fields
        and name_field(spec) in (None, "first_name")
    ):
        return (
            f"trim(coalesce({alias}.\"first_name\", '') || ' ' || "
            f"coalesce({alias}.\"last_name\", ''))"
        )
    fname = name_field(spec, "person") or name_field(spec)
    return f"{alias}.{quote_ident(fname)}" if fname else None


def folded(text: str) -> str:
    """SQL for `text` lowered by the database, as the column it is compared with is: SQLite's
    lower() folds A-Z only, so "Élodie" lowered in Python ("élodie") would never meet the
    stored "Élodie" lowered in SQL ("Élodie"). The literal is folded once per statement."""
    return f"lower({quote_sql(text)})"


def contains(expr: str, text: str) -> str:
    """`text` opening a word of `expr`: for keywords, which are stems ("join" in "joined"),
    and never inside another word ("rent" is not in "currently", "art" not in "party")."""
    # A hyphen joins words a keyword may open ("car-share" holds "share").
    spaced = f"replace({_spaced(expr)}, '-', ' ')"
    return f"instr(' ' || {spaced}, {folded(' ' + text)}) > 0"


# Punctuation that may touch a word in free text ("works at Acme Corp.", "(Company 5)"); each
# becomes a space on both sides of the comparison, so a value matches as whole words.
_PUNCTUATION = (".", ",", ";", ":", "!", "(", ")", "[", "]", '"', "'", "/")
# Written as codes: tab, newline, return, and "?", which a statement never holds as itself
# (no placeholder can hide in one).
_CODES = {"\t": "char(9)", "\n": "char(10)", "\r": "char(13)", "?": "char(63)"}


def _spaced(expr: str) -> str:
    """SQL for `expr` lowered, with punctuation and line breaks made spaces."""
    spaced = f"lower({expr})"
    for mark in [*(quote_sql(p) for p in _PUNCTUATION), *_CODES.values()]:
        spaced = f"replace({spaced}, {mark}, ' ')"
    return spaced


def contains_words(expr: str, text: str) -> str:
    """`text` as whole words of `expr`: "Company 5" is not in "Company 50". Done in SQL, not
    by filtering returned rows, so counts, totals and limits count only the rows kept."""
    spaced = _spaced(expr)
    needle = text
    for mark in [*_PUNCTUATION, *_CODES]:
        needle = needle.replace(mark, " ")
    return f"instr(' ' || {spaced} || ' ', {folded(' ' + needle.strip() + ' ')}) > 0"


def _any_said(columns: list[str], alike: Sequence[str]) -> list[str]:
    """SQL true when one of `columns` holds one of `alike`, written compactly: the columns
    are read as one text; a long word opens a word of it ("landlord", "checkups"; not
    "grandmother" for "mother"), a short one is a whole word ("age" is not "agenda", "mum's"
    holds "mum"). A group has a dozen words; each one's own test on each column, with every
    mark made a space, made statements slow to check."""
    if not columns or not alike:
        return []
    joined = "lower(" + " || ' ' || ".join(f"coalesce({c}, '')" for c in columns) + ")"
    opened = f"(' ' || {joined})"
    for mark in _ENDS:
        joined = f"replace({joined}, {quote_sql(mark)}, ' ')"
    spaced = f"(' ' || {joined} || ' ')"
    out = []
    for word in alike:
        w = word.lower()
        if len(w) >= LONG_WORD:
            out.append(f"instr({opened}, {quote_sql(' ' + w)}) > 0")
        else:
            out.append(f"instr({spaced}, {quote_sql(f' {w} ')}) > 0")
    return out


LONG_WORD = 6
"""Letters from which a word said alike may open a longer one ("checkups")."""
# Marks that may end a short word in text: "mum's", "vet,", "gp."
_ENDS = (",", ".", "'")


class Select:
    """One SELECT over `spec`'s table (alias `t`), narrowed step by step."""

    def __init__(self, mapped: SchemaMap, spec: ObjectSpec) -> None:
        self.map = mapped
        self.spec = spec
        self.where: list[str] = []
        self.rank: list[str] = []
        self._columns: list[str] | None = None
        self._newest = False
        self._limit: int | None = None
        self._subqueries = 0
        self.assumed: tuple[str, str] | None = None  # (field, state) taken for no state stored

    def named_exactly(self, name: str) -> Select:
        """Records called exactly `name`, as written: a comparison the primary-key or name
        index answers without reading the table, tried before the whole-word search."""
        expr = name_expr(self.spec)
        self.where.append(f"{expr} = {quote_sql(name)}" if expr else "0 = 1")
        return self

    def named(self, name: str) -> Select:
        """Records called `name`, or with it as a whole word of their name (an exact match first)."""
        expr = name_expr(self.spec)
        if expr is None:
            self.where.append("0 = 1")
            return self
        padded = f"' ' || lower({expr}) || ' '"
        self.where.append(f"instr({padded}, {folded(' ' + name + ' ')}) > 0")
        self.rank.append(f"lower({expr}) = {folded(name)} DESC")
        return self

    def not_named(self, name: str) -> Select:
        """Not the record called `name` (or with it as a whole word of its name): a count of
        what someone has is not of them ("How many kids does Owen have?" counts no Owen)."""
        expr = name_expr(self.spec)
        if expr is not None:
            padded = f"' ' || lower(coalesce({expr}, '')) || ' '"
            self.where.append(f"instr({padded}, {folded(' ' + name + ' ')}) = 0")
        return self

    def matching(self, values: list[str], keywords: list[str], *, free_text: bool = True) -> Select:
        """Records whose text (or a related record's name) holds every value and keyword;
        without `free_text`, a value held only by the notes field does not count."""
        notes = None if free_text else notes_field(self.spec, set(self.spec.primary_key))
        kept = {notes_field(self.spec, set(self.spec.primary_key))}
        for value in values:
            options = [
                contains_words(f"t.{quote_ident(c)}", value)
                for c in text_fields(self.spec)
                if c != notes
            ]
            options += self._related_names(value)
            self.where.append("(" + " OR ".join(options or ["0 = 1"]) + ")")
        for word in keywords:
            columns = [f"t.{quote_ident(c)}" for c in text_fields(self.spec)]
            options = [contains(c, word) for c in columns]
            # A word said alike counts in what was understood, not in the sentences kept as
            # said: "trip" in notes is no "travelling with" (a quote of them would answer).
            understood = [f"t.{quote_ident(c)}" for c in text_fields(self.spec) if c not in kept]
            options += _any_said(understood, said_alike(word))
            self.where.append("(" + " OR ".join(options or ["0 = 1"]) + ")")
        return self

    def held_by_the_user(self) -> Select:
        """Not a stance told of someone else, which the extractor files under their name
        ("Grandmother: loud music", its value "Grandmother dislikes loud music"): "What music
        do I dislike?" asks for the user's own."""
        topic = field_for(self.spec, "topic", ("str",))
        value = field_for(self.spec, "value", ("str",), {topic or ""})
        if topic is None or value is None:
            return self
        t = f"coalesce(t.{quote_ident(topic)}, '')"
        v = f"coalesce(t.{quote_ident(value)}, '')"
        cut = f"instr({t}, ': ')"
        holder = f"substr({t}, 1, {cut} - 1)"
        self.where.append(f"NOT ({cut} > 1 AND substr({v}, 1, {cut}) = {holder} || ' ')")
        return self

    def filters(self, q: Question, spec: ObjectSpec) -> Select:
        """Enum values and yes/no flags the question names, for this type."""
        status = field_for(spec, "status", ("str",))
        for fname, value, equal in q.enums.get(spec.name, []):
            column = f"t.{quote_ident(fname)}"
            if equal and fname == status and str(value).lower() in NOT_STARTED:
                # "Which tasks are open?": one told with no state has not moved from it.
                self.where.append(f"({column} = {quote_sql(value)} OR {column} IS NULL)")
                self.assumed = (fname, str(value))
            elif equal:
                self.where.append(f"{column} = {quote_sql(value)}")
            else:
                self.where.append(f"({column} IS NULL OR {column} <> {quote_sql(value)})")
        for fname, flag in q.flags.get(spec.name, []):
            self.where.append(f"t.{quote_ident(fname)} = {1 if flag else 0}")
        dated = date_fields(spec)
        if q.window is not None and dated:
            # "in March", "before the end of March": records dated then, by any date field.
            self.where.append(
                "(" + " OR ".join(q.window.sql(f"t.{quote_ident(f)}") for f in dated) + ")"
            )
        if q.stance is not None and q.stance[0] in spec.fields:
            column = f"lower(coalesce(t.{quote_ident(q.stance[0])}, ''))"
            disliked = " OR ".join(f"instr({column}, {quote_sql(s)}) > 0" for s in DISLIKE_STANCES)
            self.where.append(f"({disliked})" if q.stance[1] else f"NOT ({disliked})")
        return self

    def during(self, q: Question, spec: ObjectSpec) -> Select:
        """The days the question asks about ("in March", "before the end of March"): records
        dated then, by any date field of the type; a type without one is not filtered."""
        dated = date_fields(spec)
        if q.window is not None and dated:
            said = [q.window.sql(f"t.{quote_ident(f)}") for f in dated]
            self.where.append("(" + " OR ".join(said) + ")")
        return self

    def columns(self, fields: list[str] | None) -> Select:
        """Only these fields (with xuid and the name), or every column when None."""
        if fields is None:
            self._columns = None
            return self
        name = name_field(self.spec, "person") or name_field(self.spec)
        chosen = ["xuid", *([name] if name and name not in fields else []), *fields]
        self._columns = [f"t.{quote_ident(c)}" for c in chosen]
        return self

    def newest_first(self, on: bool) -> Select:
        self._newest = on
        return self

    def limit(self, n: int) -> Select:
        self._limit = n
        return self

    def sql(self) -> str:
        cols = ", ".join(self._columns) if self._columns else "t.*"
        order = [*self.rank]
        order += ["t.updated_at DESC", "t.created_at DESC"] if self._newest else ["t.created_at"]
        text = f"SELECT {cols} FROM {quote_ident(self.spec.table)} AS t{self._where()}"
        text += " ORDER BY " + ", ".join(order)
        if self._limit is not None:
            text += f" LIMIT {int(self._limit)}"
        return text

    def aggregate_sql(self, function: str, fname: str) -> str:
        """SUM / AVG of one numeric field over the matching records, with how many there are."""
        column = f"t.{quote_ident(fname)}"
        return (
            f"SELECT {function}({column}) AS {quote_ident(function.lower() + '_' + fname)}, "
            f"COUNT({column}) AS count FROM {quote_ident(self.spec.table)} AS t{self._where()}"
        )

    def assumed_count_sql(self, fname: str) -> str:
        """How many of the matching records have no `fname` stored (those `filters` took to be
        in the state asked: `assumed`, whose clause makes the WHERE this extends)."""
        return f"{self.count_sql()} AND t.{quote_ident(fname)} IS NULL"

    def count_sql(self) -> str:
        return f"SELECT COUNT(*) AS count FROM {quote_ident(self.spec.table)} AS t{self._where()}"

    def _where(self) -> str:
        return " WHERE " + " AND ".join(self.where) if self.where else ""

    def _related_names(self, value: str) -> list[str]:
        out = []
        for rel in self.map.schema.relations.values():
            for own_role, own_type in rel.roles.items():
                if own_type != self.spec.name:
                    continue
                for other_role, other_type in rel.roles.items():
                    if other_role == own_role:
                        continue
                    out.append(self._related(rel, own_role, other_role, other_type, value))
        return [o for o in out if o]

    def _related(
        self, rel: RelationSpec, own_role: str, other_role: str, other_type: str, value: str
    ) -> str:
        other = self.map.schema.objects[other_type]
        self._subqueries += 1
        r, o = f"r{self._subqueries}", f"o{self._subqueries}"
        expr = name_expr(other, o)
        if expr is None:
            return ""
        return (
            f"EXISTS (SELECT 1 FROM {quote_ident(rel.table)} AS {r} "
            f"JOIN {quote_ident(other.table)} AS {o} "
            f"ON {o}.xuid = {r}.{quote_ident(RelationSpec.role_column(other_role))} "
            f"WHERE {r}.{quote_ident(RelationSpec.role_column(own_role))} = t.xuid "
            f"AND {contains_words(expr, value)})"
        )
