"""The offline answerer: a question -> one plain SELECT per try -> rows -> prose from those rows.

SQL runs only through `request.run_sql` (the engine's checked, read-only executor); every
literal is written inline with quotes doubled, because the checker runs plain SQL text.
Prose is composed only from returned rows; an empty result says what was looked for, and a
question the schema cannot map gets a `notice` (or `representable=False`), never silence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from xmemory_engine.minds.base import Answer, AnswerRequest, ReadMode, ResultTable
from xmemory_engine.minds.rules.prose import (
    count_sentence,
    describe_rows,
    display,
    field_answer,
    keyword_sentences,
    who_sentence,
)
from xmemory_engine.minds.rules.question import Question, name_forms, org_like, read_question
from xmemory_engine.minds.rules.schema_map import SchemaMap, name_field
from xmemory_engine.minds.rules.sql import Select
from xmemory_engine.minds.rules.text import name_words
from xmemory_engine.minds.rules.text import plural as plural_of
from xmemory_engine.schema import ObjectSpec


class RulesAnswerer:
    """An `Answerer` that needs no model."""

    def __init__(self, today: Callable[[], date] | None = None) -> None:
        self._today = today or date.today

    async def answer(self, request: AnswerRequest) -> Answer:
        mapped = SchemaMap.of(request.schema)
        q = read_question(request.question, mapped)
        return await _Reading(request, mapped, q).answer()


class _Reading:
    def __init__(self, request: AnswerRequest, mapped: SchemaMap, q: Question) -> None:
        self.request = request
        self.map = mapped
        self.q = q
        self.whole_rows = request.mode is ReadMode.XRESPONSE

    async def answer(self) -> Answer:
        q = self.q
        targets = self._targets()
        if q.subject is not None and not q.count:
            return await self._about_record(targets)
        if not targets:
            return await self._search_everything()
        if q.count and not self.whole_rows:
            return await self._count(targets[0])
        if q.aggregate and not self.whole_rows:
            return await self._aggregate(targets)
        return await self._list(targets)

    # -- which object types ---------------------------------------------------------------------

    def _targets(self) -> list[ObjectSpec]:
        """Object types the question may be about, most likely first."""
        q, out = self.q, list(self.q.types)
        asked = [self.map.schema.objects[t] for t in q.fields]
        enum_types = [self.map.schema.objects[t] for t in [*q.enums, *q.flags]]
        people = self.map.of_kind("person")
        orgs = self.map.of_kind("org")
        subject = q.subject
        if q.who:  # "Who leads the Atlas project?" asks for people, whatever else is named
            out = people + [o for o in out if o not in people]
        if subject is not None:
            out += orgs + people if org_like(subject.text) else people + orgs
            out = [s for s in out if not asked or s in asked] or out
        out = [*out, *asked, *enum_types]
        if subject is not None:
            out += [o for o in self.map.schema.objects.values() if name_field(o) is not None]
        unique: list[ObjectSpec] = []
        for spec in out:
            if spec not in unique:
                unique.append(spec)
        if asked and not q.types:
            unique.sort(key=lambda s: s not in asked)
        return unique

    # -- shapes of question ---------------------------------------------------------------------

    async def _about_record(self, targets: list[ObjectSpec]) -> Answer:
        """A field of a named record, everything about it, or yes/no about it."""
        q, subject = self.q, self.q.subject
        assert subject is not None
        if len(q.types) == 1 and targets and targets[0] is q.types[0]:
            # The question names one type, the one asked first: a record of it called exactly
            # so is the answer the steps below would reach (the related-records step skips a
            # type the subject is named in), with one statement instead of two.
            # "Project Atlas" may be stored as "Atlas": that exact form only on a miss.
            for name in name_forms(targets[0], subject.text):
                direct = await self._field_rows(targets[0], name, exactly=True)
                if direct.rows:
                    fields = q.fields.get(targets[0].name, [])
                    return self._about_answer(targets[0], direct, fields)
        first_empty: tuple[ObjectSpec, ResultTable] | None = None
        for spec in q.types:
            # "Which books did Noor recommend?": records of the named type linked to Noor.
            if name_field(spec) is None or q.yes_no:
                continue
            if await self._is_named(spec, subject.text):
                continue
            related = Select(self.map, spec).matching([subject.text], []).filters(q, spec)
            table = await self._run(related.columns(None).limit(200).sql())
            if table.rows:
                return Answer(tables=[table], answer=self._list_prose(spec, table, []))
        for spec in targets:
            fields = q.fields.get(spec.name, [])
            for name in name_forms(spec, subject.text):
                for exactly in (True, False):
                    table = await self._field_rows(spec, name, exactly=exactly)
                    if table.rows:
                        return self._about_answer(spec, table, fields)
            if first_empty is None:
                first_empty = (spec, table)
        if first_empty is None:
            return _unmapped(self.map, q)
        spec, table = first_empty
        if q.yes_no:
            exists = await self._run(Select(self.map, spec).named(subject.text).sql())
            prose = (
                f"No: {display(exists, spec, 0)} is stored, but nothing says so."
                if exists.rows
                else f"No {_type_name(spec)} named {subject.text} is stored."
            )
            return Answer(tables=[table], answer=prose)
        return Answer(
            tables=[table], answer=f"No {_type_name(spec)} named {subject.text} is stored."
        )

    async def _field_rows(self, spec: ObjectSpec, name: str, *, exactly: bool) -> ResultTable:
        """The asked fields of records of `spec` called `name` (exactly, or as whole words)."""
        q = self.q
        fields = q.fields.get(spec.name, [])
        sel = Select(self.map, spec)
        sel = sel.named_exactly(name) if exactly else sel.named(name)
        if q.yes_no:
            sel.matching(q.values, q.keywords if not q.values else [])
        sel.filters(q, spec)
        sel.columns(None if self.whole_rows or not fields else fields)
        return await self._run(sel.sql())

    async def _is_named(self, spec: ObjectSpec, name: str) -> bool:
        """Whether a record of `spec` is called `name` (exactly, else as a whole word), or so
        without the type's word ("Project Atlas" -> "Atlas")."""
        for form in name_forms(spec, name):
            exact = Select(self.map, spec).named_exactly(form).limit(1).sql()
            if (await self._run(exact)).rows:
                return True
            if (await self._run(Select(self.map, spec).named(form).limit(1).sql())).rows:
                return True
        return False

    def _about_answer(self, spec: ObjectSpec, table: ResultTable, fields: list[str]) -> Answer:
        q = self.q
        notice = None
        if q.unknown_field and not fields:
            notice = (
                f"{_type_name(spec).capitalize()} records have no field for "
                f"{q.unknown_field!r}; this is everything stored about the record."
            )
        if q.yes_no:
            prose = "Yes: " + describe_rows(table, spec)
        elif fields and not self.whole_rows:
            prose = field_answer(table, spec, fields)
        elif q.keywords:
            prose = keyword_sentences(table, spec, q.keywords) or describe_rows(table, spec)
        else:
            prose = describe_rows(table, spec)
        return Answer(tables=[table], answer=prose, notice=notice)

    async def _count(self, spec: ObjectSpec) -> Answer:
        sel = Select(self.map, spec).matching(self.q.values, self._keywords()).filters(self.q, spec)
        table = await self._run(sel.count_sql())
        return Answer(tables=[table], answer=count_sentence(table, spec, self.q))

    async def _list(self, targets: list[ObjectSpec]) -> Answer:
        """Records of the likeliest type that has any matching the question."""
        q, keywords = self.q, self._keywords()
        first: ResultTable | None = None
        for spec in targets:
            fields = q.fields.get(spec.name, [])
            sel = Select(self.map, spec).matching(q.values, keywords).filters(q, spec)
            sel.columns(fields if fields and not self.whole_rows else None)
            few = q.recent and not keywords and not q.values
            sel.newest_first(q.recent).limit(1 if q.latest_only else 5 if few else 200)
            table = await self._run(sel.sql())
            if table.rows:
                return Answer(tables=[table], answer=self._list_prose(spec, table, fields))
            first = first or table
        spec = targets[0]
        assert first is not None
        if not (keywords and not q.values):
            return Answer(tables=[first], answer=_nothing(spec, q))
        # Nothing mentions the words asked about: show the latest records, and say so.
        fallback = Select(self.map, spec).filters(q, spec).newest_first(True).limit(5)
        table = await self._run(fallback.columns(None).sql())
        notice = (
            f"No {_type_name(spec)} record mentions {', '.join(repr(k) for k in keywords)}; "
            + (
                f"showing the most recently updated {_type_name(spec, plural=True)} instead."
                if table.rows
                else "nothing is stored of that type yet."
            )
        )
        prose = describe_rows(table, spec) if table.rows else _nothing(spec, q)
        return Answer(tables=[table], answer=prose, notice=notice)

    def _list_prose(self, spec: ObjectSpec, table: ResultTable, fields: list[str]) -> str:
        q, keywords = self.q, self._keywords()
        if fields and not self.whole_rows:
            return field_answer(table, spec, fields)
        said = keyword_sentences(table, spec, keywords) if keywords else None
        if said:
            return said
        if q.who:
            return who_sentence(table, spec, q)
        return describe_rows(table, spec)

    async def _aggregate(self, targets: list[ObjectSpec]) -> Answer:
        """ "What is the total price of the bookings for the Japan Spring trip?" """
        q = self.q
        assert q.aggregate is not None
        for spec in targets:
            numeric = [
                f for f in q.fields.get(spec.name, []) if spec.fields[f].type in ("int", "float")
            ]
            if not numeric:
                continue
            sel = Select(self.map, spec).matching(q.values, self._keywords()).filters(q, spec)
            table = await self._run(sel.aggregate_sql(q.aggregate, numeric[0]))
            value, count = table.rows[0] if table.rows else (None, 0)
            if not count:
                return Answer(tables=[table], answer=_nothing(spec, q))
            label = " ".join(name_words(numeric[0]))
            word = "total" if q.aggregate == "SUM" else "average"
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            noun = _type_name(spec) if count == 1 else _type_name(spec, plural=True)
            return Answer(
                tables=[table], answer=f"The {word} {label} is {shown} (over {count} {noun})."
            )
        return await self._list(targets)

    async def _search_everything(self) -> Answer:
        """No type, field or record is named: look for the question's words in every table."""
        q = self.q
        terms = q.values or q.keywords
        if not terms:
            return _unmapped(self.map, q)
        tables: list[ResultTable] = []
        parts: list[str] = []
        keywords = q.keywords if not q.values else []
        # Every word first; then any of them ("How do I take my coffee?" -> coffee).
        for attempt in (
            ([keywords], [[k] for k in keywords]) if len(keywords) > 1 else ([keywords],)
        ):
            for words in attempt:
                for spec in self.map.schema.objects.values():
                    sel = Select(self.map, spec).matching(q.values, words)
                    table = await self._run(sel.columns(None).limit(50).sql())
                    if table.rows and table.rows not in [t.rows for t in tables]:
                        tables.append(table)
                        parts.append(describe_rows(table, spec))
            if tables:
                break
        if not tables:
            return Answer(
                representable=False,
                notice=(
                    "The question names no object type, field or stored record of this memory "
                    f"({', '.join(self.map.schema.objects)}), and no record mentions "
                    f"{', '.join(repr(t) for t in terms)}."
                ),
            )
        notice = "No object type is named in the question; these records mention its words."
        return Answer(tables=tables, answer=" ".join(parts), notice=notice)

    def _keywords(self) -> list[str]:
        return [] if self.q.values else self.q.keywords

    async def _run(self, sql: str) -> ResultTable:
        return await self.request.run_sql(sql)


def _type_name(spec: ObjectSpec, *, plural: bool = False) -> str:
    words = " ".join(name_words(spec.name))
    return plural_of(words) if plural else words


def _nothing(spec: ObjectSpec, q: Question) -> str:
    what = q.values or q.keywords
    if what:
        return f"No {_type_name(spec)} matching {', '.join(what)} is stored."
    return f"No {_type_name(spec, plural=True)} are stored."


def _unmapped(mapped: SchemaMap, q: Question) -> Answer:
    return Answer(
        representable=False,
        notice=(
            "The question names nothing this memory stores; its object types are "
            f"{', '.join(mapped.schema.objects)}."
        ),
    )
