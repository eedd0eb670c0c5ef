"""The offline answerer: a question -> one plain SELECT per try -> rows -> prose from those rows.

SQL runs only through `request.run_sql` (the engine's checked, read-only executor); every
literal is written inline with quotes doubled, because the checker runs plain SQL text.
Prose is composed only from returned rows, and rows are returned only when they hold the
question's anchor: the record it names (by whole name words), else the type it names with its
filters, else every content word of the question. When none do, the answer has no rows and
no prose, and `about` names the anchor, so the engine can search what was said or say that
nothing is stored about it; never nearby or recent records instead.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from xmemory_engine import semantic
from xmemory_engine.errors import QueryRejected
from xmemory_engine.minds.base import Answer, AnswerRequest, ReadMode, ResultTable
from xmemory_engine.minds.rules.asking import ENGLISH as _QUESTION_WORDS
from xmemory_engine.minds.rules.asking import ROLE_VERBS
from xmemory_engine.minds.rules.closest import closest_doer, closest_record
from xmemory_engine.minds.rules.compare import (
    ASKING_WORDS,
    Priced,
    asked_extreme,
    extreme,
    priced_items,
)
from xmemory_engine.minds.rules.deeds import AskedDeed, asked_deed, same_verb, stored_prefixes
from xmemory_engine.minds.rules.facts import DOSE
from xmemory_engine.minds.rules.lists import LIST_NOUNS, list_items, semicolon_items, to_do_heading
from xmemory_engine.minds.rules.names import (
    KIN_NOUNS,
    kin_forms,
    other_sex,
    person_noun,
    role_like,
    role_noun,
    title_and_family_name,
)
from xmemory_engine.minds.rules.prose import (
    count_sentence,
    describe_rows,
    display,
    field_answer,
    keyword_sentences,
    who_sentence,
)
from xmemory_engine.minds.rules.question import (
    KIN,
    NameRef,
    Question,
    ask_phrases,
    name_forms,
    org_like,
    read_question,
    says_type_name,
)
from xmemory_engine.minds.rules.schema_map import (
    SchemaMap,
    date_fields,
    fact_type,
    field_for,
    name_field,
    text_fields,
)
from xmemory_engine.minds.rules.speaker import USER_NAME
from xmemory_engine.minds.rules.sql import Select, contains, folded
from xmemory_engine.minds.rules.states import FINISHED_STATES
from xmemory_engine.minds.rules.text import (
    MONEY_SIGN,
    MONTH_PATTERN,
    SELF_WORDS,
    STOPWORDS,
    USERS_NOUN,
    lazy_compile,
    lexicon,
    name_words,
    quote_ident,
    quote_sql,
    singular,
    stem,
    value_shape,
    words,
)
from xmemory_engine.minds.rules.text import plural as plural_of
from xmemory_engine.minds.rules.two_asks import named_back, points_back, two_asks
from xmemory_engine.schema import SYSTEM_COLUMNS, ObjectSpec
from xmemory_engine.sentences import KEPT_TEXT_WORDS, search_words

# A question asking when ("When is …", "What date is …"), and a day said in a stored sentence.
_ASKS_WHEN = re.compile(r"^\s*(?:when|what\s+(?:date|day|time))\b")
_DAY_SAID = re.compile(
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_PATTERN}", re.I
)

_ASKED_OF_A_VALUE = lexicon("facts.asked_of_a_value")
_AMOUNT_NOUNS = frozenset(stem(w) for w in lexicon("facts.amount_nouns"))
_MONEY_NOUNS = _AMOUNT_NOUNS | frozenset(stem(w) for w in lexicon("facts.money_nouns"))
_SIZE_ASKED = re.compile(r"\bhow\s+(?:big|large)\b", re.I)
_MONEY = re.compile(rf"^\s*{MONEY_SIGN}")
MAX_QUESTION_WORDS = 40
"""Words of a question the rules read: the work (statements, SQL length) grows with them, and
a question is rarely longer; the rest is left unread, with a notice."""
MAX_VALUES = 6
"""Names, emails and content words a question's SQL matches on: each adds a whole-word search
over every text field (about 4 KB of SQL), so 40 words could make 60 KB without this."""
LIST_LIMIT = 200
"""Most records a list answer holds; past it the answer says how many there are."""
SEARCH_LIMIT = 50
"""Most records per type when a question names no type."""
MAX_DETAILS = 5
ROLE_CLOSENESS = 0.4
"""Cosine of a question's word and a stored job word from which the job is taken to be what
is asked of someone ("co-presents" and "co-host": 0.44; "drumming" and "drummer": 0.87),
when no one is stored in the question's words."""
ROLE_MARGIN = 0.1
"""How much closer the one person found must be than the next: two alike answer nothing."""
KIND_CLOSENESS = 0.15
"""Cosine of two words' vectors from which an answer is taken as the kind asked ("cello"
and "instrument": 0.29; "cello" and "sport": -0.05; a name and its kind, "ANA" and "airline":
0.06, is not seen as one)."""
"""Most fact-like records one detail question shows (the same detail of several subjects)."""


# A count of what someone holds: "How many side projects do I have?", "… are there?".
_HOLDING = re.compile(
    r"\b(?:(?:do|does)\s+(?:i|we|you|the\s+user)\s+have|(?:have|has)\s+(?:i|we|you)\s+got|"
    r"are\s+there)\b",
    re.IGNORECASE,
)
# "How many of the extension to-dos …": a part of a set the user takes as known, the words
# before the type how they think of it ("How many urgent tasks …" filters by a word).
_PARTITIVE = re.compile(r"\bhow\s+many\s+of\s+(?:the|my|our|your)\b", re.IGNORECASE)
# Said when a list is read as the one asked though its heading does not say the question's words.
_ONE_LIST = (
    "Read from the one list stored under that noun, headed “{}”; its heading does not say "
    "the question's other words, so check it is the list meant."
)
_LIST_NAMED = (
    "Read from the one list stored under that name, headed “{}”; its heading does not say "
    "its items are {}, so check they are what was asked."
)
_ONE_TO_DO_LIST = (
    "Read from the one list of things to do stored, headed “{}”; its heading does not say "
    "the question's words, so check it is the list meant."
)
# Said when those asked of only mention a value in what was said of them, no field holding it.
_MENTIONED = (
    "No stored field or link says so of some of these; what was said of those whose notes "
    "only mention {} is quoted. Check it says what is asked."
)
# A question asking for a whole list: "What's on my to-do list?", "What are all the projects …".
_WHOLE_LIST = re.compile(r"\b(?:list|to-?do|todos?|all)\b", re.IGNORECASE)


class RulesAnswerer:
    """An `Answerer` that needs no model."""

    answers_from_rows = True
    """Its answer rests only on the rows its statements return (never on their columns or on
    what the database says of a statement): on an instance that holds nothing, the engine
    checks them without running them (`service.reads.unstored_runner`)."""

    def __init__(self, today: Callable[[], date] | None = None) -> None:
        self._today = today or date.today

    async def answer(self, request: AnswerRequest) -> Answer:
        asks = two_asks(request.question) if request.mode is ReadMode.SINGLE_ANSWER else None
        if asks is not None:
            both = await self._both(request, *asks)
            if both is not None:
                return both
        return await self._one(request)

    async def _both(self, request: AnswerRequest, first: str, second: str) -> Answer | None:
        """Two asks answered each from records, the second's pronoun meaning the one the
        first was answered with ("Who gives me lifts, and what's his number?"); None when
        either rests on no record, or whom the pronoun means is not one record."""
        one = await self._one(dataclasses.replace(request, question=first))
        if not _on_records(one):
            return None
        if points_back(second):
            named = await _one_named(one, request)
            asked = named_back(second, named[0], person=named[1]) if named else None
            if asked is None:
                return None
            second = asked
        other = await self._one(dataclasses.replace(request, question=second))
        if not _on_records(other):
            return None
        notices = [n for n in (one.notice, other.notice) if n]
        return Answer(
            tables=[*one.tables, *other.tables],
            answer=" ".join(a.strip() for a in (one.answer, other.answer) if a),
            notice=" ".join(notices) or None,
            about=one.about,
        )

    async def _one(self, request: AnswerRequest) -> Answer:
        mapped = SchemaMap.of(request.schema)
        q, bounded = _bounded_question(request.question, mapped, self._today())
        reading = _Reading(request, mapped, q)
        try:
            answer = await reading.answer()
        except QueryRejected as exc:
            # Our SQL, not the caller's: say the question was too much, not what SQL failed.
            notice = f"The question could not be answered as asked ({exc.message})."
            answer = Answer(notice=notice, about=reading.q.text[:200])
        if bounded:
            answer.notice = f"{answer.notice} {bounded}" if answer.notice else bounded
        return answer


def _on_records(answer: Answer) -> bool:
    """Whether an answer rests on rows returned, whole (not a part of what was asked)."""
    return answer.representable and not answer.partial and any(t.rows for t in answer.tables)


async def _one_named(answer: Answer, request: AnswerRequest) -> tuple[str, bool] | None:
    """The name of the one record an answer rests on, and whether it is a person's: from its
    row, or, when the row holds only the field asked ("2027-02-15"), read by its id."""
    table = next((t for t in answer.tables if t.rows), None)
    if table is None or len(table.rows) != 1:
        return None
    row = table.rows[0]
    person = SchemaMap.of(request.schema).first("person")
    named = [
        (spec, field)
        for spec in request.schema.objects.values()
        if (field := name_field(spec, "person" if spec is person else None)) is not None
    ]
    for spec, field in named:
        if field in table.columns:
            value = row[table.columns.index(field)]
            if isinstance(value, str) and value.strip():
                return value.strip(), spec is person
    if "xuid" not in table.columns:
        return None
    xuid = quote_sql(str(row[table.columns.index("xuid")]))
    for spec, field in named:
        found = await request.run_sql(
            f"SELECT {quote_ident(field)} FROM {quote_ident(spec.table)} WHERE xuid = {xuid}"
        )
        if found.rows and isinstance(found.rows[0][0], str) and found.rows[0][0].strip():
            return found.rows[0][0].strip(), spec is person
    return None


def _bounded_question(text: str, mapped: SchemaMap, today: date) -> tuple[Question, str | None]:
    """The question as read within the bounds on work per question, and what was left out."""
    question, cut = first_words(text, MAX_QUESTION_WORDS)
    q = read_question(question, mapped, today)
    if cut:
        said: str | None = f"Only the first {MAX_QUESTION_WORDS} words of the question were read."
    else:
        said = None
    if len(q.names) + len(q.emails) > MAX_VALUES or len(q.keywords) > 2 * MAX_VALUES:
        q.names, q.emails = q.names[:MAX_VALUES], q.emails[: max(MAX_VALUES - len(q.names), 0)]
        q.keywords, q.terms = q.keywords[: 2 * MAX_VALUES], q.terms[: 2 * MAX_VALUES]
        said = said or (
            f"Only the first {MAX_VALUES} names and {2 * MAX_VALUES} words of the question "
            "were searched for."
        )
    return q, said


_OWNED = re.compile(r"\b(?:my|our|of)\b|\b([\w\-]+)['\u2019]s\b", re.IGNORECASE)
_NOT_OWNERS = frozenset(("what", "who", "where", "when", "how", "why", "which", "it", "that",
                         "there", "here", "let", "he", "she"))  # fmt: skip


# "How old is Freya?", "What age is our dog?": the detail asked is whose age.
# ... and the like said by an adjective or a verb: "How tall is Leo?" (height), "How much does
# Biscuit weigh?" (weight).
_HOW_OLD = re.compile(
    r"^\s*(?:(?P<old>how\s+old|what\s+age)|how\s+(?P<adjective>tall|heavy))\s+(?:is|are|am|was|'s)"
    r"\s+(?P<whose>.+)$"
    r"|^\s*how\s+much\s+(?:does|do|did)\s+(?P<weighs>.+?)\s+weigh\b(?P<rest>.*)$",
    re.I,
)
_DETAIL_OF = {"tall": "height", "heavy": "weight"}
_ASKED_BY = frozenset(("old", "tall", "heavy", "weigh"))


# A value that only counts something ("team is 6 people": 6 people) answers how many or how
# big, not which or what: "Which team am I in?" is not answered "6 people".
_ONLY_A_COUNT = re.compile(r"^\s*\d+\s+[^\W\d_]+\s*$")
_AN_AMOUNT = re.compile(rf"^\s*{MONEY_SIGN}?\s?\d")
_QUANTITY_ASKED = re.compile(
    r"\bhow\s+(?:many|much|big|large|small|long)\b|\b(?:size|number|count|headcount)\b", re.I
)


_MEDICINES = lexicon("facts.medicine_words")
MAX_DETAILS_READ = 500  # one person's details looked at for their doses
# A name in a question, past its first word: "What medication does Biscuit take?".
_NAMED_IN_QUESTION = re.compile(r"(?<=\s)[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*")
_DOSED_VALUE = re.compile(rf"(?:{DOSE})", re.IGNORECASE)


# Words that ask for a value of one shape when said alone of someone, the shape's word in
# vocabulary.yml and what it is called: what they charge, their rate (an amount); the time
# they are going for (a time).
_SHAPES_ASKED = (
    (
        _AMOUNT_NOUNS | frozenset(stem(w) for w in ("charges", "fee", "fees", "hourly")),
        "cost",
        "an amount",
    ),
    (frozenset([stem("time")]), "time", "a time"),
)


def _shape_asked(q: Question) -> tuple[re.Pattern[str], str] | None:
    """The shape of value every word the question asks with names, and how it is called
    ("How much does Haruka charge?", "What's Margaret's hourly rate?": an amount)."""
    for asked, shape, called in _SHAPES_ASKED:
        if q.keywords and all(k in asked for k in q.keywords):
            return value_shape(shape), called
    return None


def _possessed(text: str) -> bool:
    """Whether the question asks for something of someone's: "my", "our", "Mochi's", "the
    vet of Biscuit" (not "what's", "where's")."""
    return any(
        m.group(1) is None or m.group(1).lower() not in _NOT_OWNERS for m in _OWNED.finditer(text)
    )


def _head_asked(attribute: object, wanted: list[str]) -> bool:
    """Whether the question's words (`wanted`, stemmed) say the attribute's own noun, its
    last word."""
    said = words(str(attribute or ""))
    return bool(said) and stem(said[-1]) in wanted


def _does(row: Sequence[object], asked: AskedDeed) -> bool:
    """Whether a fact row (xuid, subject, attribute, value) is the deed asked about."""
    subject, attribute, value = (str(v or "") for v in row[1:4])
    said = attribute.split()
    if not said or not same_verb(said[0], asked.verb):
        return False
    if asked.particle is not None and len(said) > 1 and said[1] != asked.particle:
        return False
    if asked.subject is not None and not _same_party(subject, asked.subject):
        return False
    told = {stem(w) for w in words(f"{value} {subject if not asked.by_whom else ''}")}
    return all(stem(w) in told for w in asked.words)


def _same_party(stored: str, asked: str) -> bool:
    """ "Lena" and "Lena Fischer" are one party; "User's father" is not "User"."""
    a, b = words(stored), words(asked)
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    if stored.lower().startswith(USER_NAME.lower()) or asked.lower().startswith(USER_NAME.lower()):
        return a == b
    return all(w in long_ for w in short)


def _of_kind(answer: str, kind: str) -> bool:
    """Whether `answer` says or means a `kind` ("the mobile app" is an app; "cello" is close
    to "instrument" in the sentence model, when it is installed)."""
    said = {singular(w) for w in words(answer)}
    if singular(kind) in said:
        return True
    model = semantic.load()
    return (
        model is not None
        and bool(said)
        and bool(semantic.close_words(model, [kind], sorted(said), closeness=KIND_CLOSENESS))
    )


def first_words(text: str, limit: int) -> tuple[str, bool]:
    """`text` up to its `limit`-th word, and whether anything was left out."""
    ends = [m.end() for m in re.finditer(r"\S+", text)]
    if len(ends) <= limit:
        return text, False
    return text[: ends[limit - 1]], True


LEFT_OUT_SHOWN = 3  # records a narrowing left out, named in its notice


class _Reading:
    def __init__(self, request: AnswerRequest, mapped: SchemaMap, q: Question) -> None:
        self.request = request
        self.map = mapped
        self.q = q
        self.whole_rows = request.mode is ReadMode.XRESPONSE
        self.cut: str | None = None  # what a list limit left out, for the notice
        self.totals: dict[int, int] = {}  # id(table) -> records matching, when cut

    async def answer(self) -> Answer:
        q = self.q
        if q.foreign and not q.understood:
            return self._unread()
        await self._resolve_titled()
        compared = await self._compared()
        if compared is not None:
            return compared
        detail = await self._detail() or await self._medicines()
        if detail is not None:
            return detail
        # "How many things do we still need to buy?" counts what is left, not the whole list.
        if q.count:
            listed = await self._left_on_list() or await self._list_asked()
        else:
            listed = await self._list_asked() or await self._left_on_list()
        if listed is not None:
            return listed
        kin = await self._kin_by_kind()
        if kin is not None:
            return kin
        holder = await self._who_holds()
        if holder is not None:
            return holder
        deed = await self._deed()
        if deed is not None:
            return deed
        await self._resolve_kin()
        await self._resolve_role()
        await self._resolve_assignee()
        found = await self._read_records()
        if not any(t.rows for t in found.tables) and q.who:
            return await self._who_by_deed() or await self._who_by_meaning() or found
        return found

    async def _compared(self) -> Answer | None:
        """ "Which kitchen quote was the cheapest?": the thing of least amount among those one
        stored sentence saying the question's words lists with their amounts (`compare`).
        None when no sentence lists them, or several records' sentences do."""
        q = self.q
        asked = asked_extreme(q.text)
        if asked is None:
            return None
        least, word = asked
        keywords = [k for k in q.keywords if k not in ASKING_WORDS]
        if not keywords:
            return None
        found: list[tuple[ResultTable, list[Priced]]] = []
        for spec in self.map.schema.objects.values():
            sel = Select(self.map, spec).matching(q.values, keywords)
            table = await self._run(sel.columns(None).limit(SEARCH_LIMIT).sql())
            for row in table.rows:
                for value in row:
                    items = priced_items(value, keywords) if isinstance(value, str) else []
                    if items and all(items != f[1] for f in found):
                        found.append((ResultTable(columns=table.columns, rows=[row]), items))
        if len(found) != 1:
            return None  # none listed, or several lists: which one is meant is not known
        table, items = found[0]
        best = extreme(items, least)
        if best is None:
            return None
        listed = "; ".join(f"{i.label} {i.said}" for i in items)
        notice = (
            f"Compared the {len(items)} amounts one stored sentence lists ({listed}): check "
            "they are the ones meant."
        )
        return Answer(
            tables=[table],
            answer=f"{best.label} ({best.said}), the {word} of {len(items)}.",
            notice=notice,
        )

    async def _read_records(self) -> Answer:
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

    async def _who_by_meaning(self) -> Answer | None:
        """ "Who co-presents the show with me?" and no one is stored in those words: the one
        person whose job (their role's last word) is closest in meaning to a content word of
        the question (the sentence model's word vectors, `ROLE_CLOSENESS`, clear of the next
        by `ROLE_MARGIN`), with a notice saying it was found so. None without the model, or
        when no one or two are."""
        q, person = self.q, self.map.first("person")
        if person is None or q.count or q.subject is not None or q.values:
            return None
        name_of, role = name_field(person, "person"), field_for(person, "role", ("str",))
        asked = list(dict.fromkeys(t.lower() for t in q.terms))
        if name_of is None or role is None or not asked or self.whole_rows:
            return None
        table = await self._run(
            f"SELECT xuid, {quote_ident(name_of)}, {quote_ident(role)} "
            f"FROM {quote_ident(person.table)} WHERE {quote_ident(role)} <> '' "
            f"LIMIT {LIST_LIMIT}"
        )
        # The model (numpy, its weights) only once there is someone to compare: a memory
        # with no roles stored does not pay for loading it.
        model = semantic.load() if table.rows else None
        if model is None:
            return None
        asked_vectors = model.word_vectors(asked)
        scored: list[tuple[float, int, str]] = []
        for i, row in enumerate(table.rows):
            said = [w for w in words(str(row[2])) if w not in STOPWORDS]
            # The job itself (the role's last word) must be close to a word asked: a word
            # of what narrows it ("league treasurer", "club captain") said by the question
            # is no sign the job is what is asked. A job the question says in its own words
            # was read above (`_who_holds`), and refused: "main" is not "second supervisor".
            if said and said[-1] not in asked:
                cosines = asked_vectors @ model.word_vectors(said[-1:]).T
                at = int(cosines.argmax())
                scored.append((float(cosines.max()), i, asked[at]))
        scored.sort(reverse=True)
        if not scored or scored[0][0] < ROLE_CLOSENESS:
            return None
        if len(scored) > 1 and scored[1][0] > scored[0][0] - ROLE_MARGIN:
            return None
        _, i, word = scored[0]
        row = table.rows[i]
        one = ResultTable(columns=table.columns, rows=[row], sql=table.sql)
        notice = (
            f"No one is stored as doing what is asked in its words; {row[1]}'s role, {row[2]}, "
            f'is close in meaning to "{word}".'
        )
        return Answer(tables=[one], answer=f"{row[1]} ({row[2]}).", notice=notice, about=word)

    async def _who_by_deed(self) -> Answer | None:
        """ "Who is bringing the trophy?": the one person a sentence of their notes says it of
        (`closest_doer`)."""
        if self.whole_rows:
            return None
        return await closest_doer(self.q, self.q.values, self.map, self._run, about=self._about())

    # -- a detail ("What is my blood type?") ---------------------------------------------------

    async def _detail(self) -> Answer | None:
        """The value of a fact-like record whose subject and attribute together say every
        content word of the question ("my blood type" -> User / blood type); else None, and
        the question is read as usual. A word the record does not say is something else."""
        spec, q = fact_type(self.map), self.q
        aged = _HOW_OLD.match(q.text)  # "How much does Biscuit weigh?" sums nothing
        if spec is None or ((q.count or q.aggregate) and not aged) or q.yes_no or self.whole_rows:
            return None
        text = q.text
        if aged is not None and aged.group("weighs"):
            text = f"What is the weight of {aged.group('weighs')}{aged.group('rest')}"
        elif aged is not None:
            detail = "age" if aged.group("old") else _DETAIL_OF[aged.group("adjective").lower()]
            text = f"What is the {detail} of {aged.group('whose')}"
        # Details are told and asked as someone's ("my", "Mochi's"), or the asker's own
        # ("Which mobile provider am I with?"); asked as no one's ("What is the budget for
        # the offsite?"), only a detail of the user's whose noun is all the question asks.
        unowned = not _possessed(text) and not SELF_WORDS & set(words(text))
        if any(t != spec.name for t in q.fields) or any(
            t is not spec and says_type_name(t, q.text) for t in q.types
        ):
            return None  # a field or a type of the schema is asked for: the records say it
        wanted: list[str] = []
        mine = False
        for w in words(text):
            if w in SELF_WORDS:
                mine = True
            elif (
                w not in STOPWORDS
                and w not in _QUESTION_WORDS
                and w not in _ASKED_OF_A_VALUE
                and len(w) > 1
            ):
                wanted.append(stem(w))
        if not wanted:
            return None
        said = "coalesce(t.subject, '') || ' ' || coalesce(t.attribute, '')"
        # "my online rate": the detail may be stored as "online" alone; its own noun, when
        # it has one of these, is still the one asked (`_head_asked`).
        required = [w for w in dict.fromkeys(wanted) if w not in _AMOUNT_NOUNS] or wanted
        where = [contains(said, w) for w in required]
        if unowned:
            where.append(f"lower(t.subject) = {quote_sql(USER_NAME.lower())}")
        if mine:  # "my mum's check-up": the user's, or someone the user names by a noun
            user, theirs = quote_sql(USER_NAME.lower()), quote_sql(f"{USER_NAME.lower()}'s %")
            where.append(f"(lower(t.subject) = {user} OR lower(t.subject) LIKE {theirs})")
        sql = (
            f"SELECT t.xuid, t.subject, t.attribute, t.value FROM {quote_ident(spec.table)} AS t "
            f"WHERE {' AND '.join(where)} ORDER BY t.updated_at DESC LIMIT {MAX_DETAILS}"
        )
        table = await self._run(sql)
        # The detail asked is the one whose own noun (the attribute's last word) the question
        # says: "Who is my dentist?" is not asking for "dentist appointment".
        rows = [
            picked
            for row in table.rows
            if _head_asked(row[2], wanted)
            and (not unowned or {stem(w) for w in words(str(row[2]))} == set(wanted))
            and (picked := _item_asked(row, q.text)) is not None
            and (
                aged is not None
                or _QUANTITY_ASKED.search(q.text)
                or not _ONLY_A_COUNT.match(str(row[3]))
            )
            # "Who do I pay rent to?": an amount is no one.
            and not (q.who and _AN_AMOUNT.match(str(row[3])))
            # "How big is my tank?": "£290" is its price; a round's size is money.
            and not (
                _SIZE_ASKED.search(q.text)
                and _MONEY.match(str(row[3]))
                and stem(words(str(row[2]))[-1]) not in _MONEY_NOUNS
            )
        ]
        if not rows:
            return None
        table = ResultTable(columns=table.columns, rows=rows, sql=table.sql)
        if len(rows) == 1:
            prose = str(rows[0][3])
        else:
            prose = "; ".join(f"{row[1]}, {row[2]}: {row[3]}" for row in rows)
        # "How much does Biscuit weigh?": the word asked with is what the answer is about too.
        asked_by = [w for w in words(q.text) if aged is not None and w in _ASKED_BY]
        return Answer(tables=[table], answer=prose, about=" ".join([*wanted, *asked_by]))

    # -- the medicines someone takes ("What medication am I on?") ------------------------------

    async def _medicines(self) -> Answer | None:
        """The details of someone's whose value is a dose (`facts.DOSE`), asked for by a word
        for medicines: "What medication am I on?", "What medicines does the user take?",
        "Which of Gerald's meds does he take in the morning?" (a word the question adds must
        be said by the detail). Whose: the asker, someone the user names by a tie ("my dad",
        "the user's dad"), or someone named."""
        spec, q = fact_type(self.map), self.q
        asked = set(words(q.text))
        if spec is None or q.aggregate or q.yes_no or self.whole_rows or not asked & _MEDICINES:
            return None
        tie = USERS_NOUN.search(q.text)  # "my dad", "the user's dad": someone by a tie
        if tie is not None:
            whose = [f"{USER_NAME.lower()}'s {tie.group('noun').lower()}"]
        elif q.subject is not None:
            whose = [w.lower() for w in words(q.subject.text)]
        elif SELF_WORDS & asked or USER_NAME.lower() in asked:
            whose = [USER_NAME.lower()]
        elif (named := _NAMED_IN_QUESTION.findall(q.text.strip())) and named[0] != USER_NAME:
            whose = [w.lower() for w in words(named[0])]  # "Biscuit", whom no record is of
        else:
            return None
        if tie is not None or whose == [USER_NAME.lower()]:
            where = f"lower(t.subject) = {quote_sql(whose[0])}"
        else:
            where = " AND ".join(contains("coalesce(t.subject, '')", w) for w in whose)
        sql = (
            f"SELECT t.xuid, t.subject, t.attribute, t.value FROM {quote_ident(spec.table)} AS t "
            f"WHERE {where} ORDER BY t.created_at LIMIT {MAX_DETAILS_READ}"
        )
        table = await self._run(sql)
        whose_words = {word for name in whose for word in words(name)}
        extra = {
            stem(w)
            for w in asked - whose_words - _MEDICINES - SELF_WORDS
            if w not in STOPWORDS
            and w not in _QUESTION_WORDS
            and w not in _ASKED_OF_A_VALUE
            and len(w) > 2
        }
        rows = [
            row
            for row in table.rows
            if _DOSED_VALUE.match(str(row[3]))
            and extra <= {stem(w) for w in words(f"{row[2]} {row[3]}")}
        ]
        if not rows:
            return None
        table = ResultTable(columns=table.columns, rows=rows, sql=table.sql)
        if q.count:
            return Answer(tables=[table], answer=str(len(rows)), about="medicines")
        prose = "; ".join(f"{row[2]} {row[3]}" for row in rows)
        return Answer(tables=[table], answer=prose, about="medicines")

    # -- a list kept as one detail ("How many goals did I set?") -------------------------------

    async def _list_asked(self) -> Answer | None:
        """A list the user kept under a heading ("goals for end of jan:", then its items), asked
        for or counted: "How many goals did I set for the end of January?", "What's on my
        packing list?". The one fact-like record whose attribute (the heading) holds the noun
        asked for and at least half of the question's other words, and whose value lists
        items; its items, counted when asked how many. None when no record, or two alike."""
        spec, q = fact_type(self.map), self.q
        asked = _LIST_ASKED.match(q.text)
        if spec is None or asked is None or q.aggregate or q.yes_no or self.whole_rows:
            return None
        if not (q.count or asked.group("what") or asked.group("which")):
            return None
        # A name in "which" is one of the words choosing the item ("Which tournament is at
        # Loughborough University?"); asked for whole or counted, a list is no one's record.
        which = bool(asked.group("which")) and not q.count
        if (which or q.enums or q.flags) and q.types:
            # "Which volunteer tasks are still open?", "How many projects are active?": the
            # records' own states say, not the list they were told in.
            return None
        if q.subject is not None and not which:
            return None
        # The noun asked for: the words after the question's opening and its determiner, up
        # to the first stop word ("goals" of "How many goals did I set …").
        noun: list[str] = []
        ended = False  # by a stop word ("is", "was", "did"): the noun is all before it
        for w in words(asked.group("rest")):
            if w in STOPWORDS or w in _QUESTION_WORDS or w in SELF_WORDS:
                if noun:
                    ended = True
                    break
                continue
            noun.append(w)
        if which and not ended:
            noun = noun[:1]  # "Which investor passed?": what follows the noun may be a verb
        noun = [w for w in noun if w not in _LIST_WORDS]
        head = stem(noun[-1]) if noun else None
        wanted = list(dict.fromkeys(
            stem(w) for w in words(q.text)
            if w not in STOPWORDS and w not in _QUESTION_WORDS and w not in SELF_WORDS
            and w not in _ASKED_OF_A_VALUE and w not in _LIST_WORDS and len(w) > 1
        ))  # fmt: skip
        # The heading must say the noun (its first letters: "jan" says "January"), so only
        # lists that may be the one asked are read, however many details are stored.
        heading_holds = f" AND {contains('t.attribute', head[:3])}" if head else ""
        table = await self._stored_lists(spec, heading_holds)
        ranked: list[tuple[int, int]] = []
        headed: list[int] = []  # the lists whose heading says the noun asked for
        for i, row in enumerate(table.rows):
            heading = [stem(w) for w in words(str(row[2]))]
            held = [w for w in wanted if any(_same_word(w, h) for h in heading)]
            if head is not None and not any(_same_word(head, h) for h in heading):
                continue
            headed.append(i)
            if which and head is not None:
                ranked.append((1, i))  # which of its items: said by the other words (below)
            elif held and 2 * len(held) >= len(wanted):
                ranked.append((len(held), i))
        notice = None
        if not headed and not which and head is not None:
            # "How many bikes were on my shortlist?": no heading says "bikes", and one list
            # is named by the word for a list the question says ("shortlist", "rota").
            named = [w for w in words(q.lowered) if w in LIST_NOUNS]
            table = (
                await self._stored_lists(spec, f" AND {contains('t.attribute', named[-1])}")
                if named
                else table
            )
            if named and len(table.rows) == 1:
                ranked = [(0, 0)]
                notice = _LIST_NAMED.format(table.rows[0][2], noun[-1])
        if not ranked and len(headed) == 1 and not which:
            # "How many climbing goals did I set myself?" beside the one list headed "goals":
            # it, with what its heading does not say told, so the reader can judge; unless
            # another list's heading says more of the question ("the March rota" beside
            # "volunteer contacts"), which may be the one meant.
            def says(heading: object) -> int:
                held = {stem(w) for w in words(str(heading))}
                return sum(any(_same_word(w, h) for h in held) for w in wanted)

            others = await self._stored_lists(spec)
            own = says(table.rows[headed[0]][2])
            if not any(says(row[2]) > own for row in others.rows):
                ranked = [(0, headed[0])]
                notice = _ONE_LIST.format(table.rows[headed[0]][2])
        ranked.sort(reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
            return None
        # Read again by its id: the table returned is the one record's, and so is its evidence.
        one = await self._run(
            f"SELECT t.xuid, t.subject, t.attribute, t.value FROM {quote_ident(spec.table)} AS t "
            f"WHERE t.xuid = {quote_sql(str(table.rows[ranked[0][1]][0]))}"
        )
        if not one.rows:
            return None
        row = one.rows[0]
        now = [m.group().lower() for r in (_LEFT_ON, _NOW) for m in r.finditer(q.text)]
        if any(w not in str(row[2]).lower() for w in now):
            # "How many gigs do we still have booked?": a list kept as told says what was on
            # it then; what is left of it now, later sentences say (or a to-do list's tasks),
            # unless its heading says so ("outstanding invoices").
            return None
        if which:
            # "Which investor passed?" of "investor pipeline: …; Greenhaven Impact Fund —
            # passed": the items saying a word of the question its heading does not.
            picked = _item_asked(list(row), q.text)
            if picked is None:
                return None
            return Answer(tables=[one], answer=f"{picked[3]}.", about=str(row[2]))
        items = _items_of(str(row[3]))
        listing = "; ".join(items)
        prose = f"{len(items)}: {listing}." if q.count else f"{row[2]}: {listing}."
        return Answer(tables=[one], answer=prose, about=str(row[2]), notice=notice)

    async def _stored_lists(self, spec: ObjectSpec, heading_holds: str = "") -> ResultTable:
        """The details of `spec` whose value lists items, newest first (`MAX_DETAILS`), with
        `heading_holds` (" AND <condition on t.attribute>") narrowing them."""
        return await self._run(
            f"SELECT t.xuid, t.subject, t.attribute, t.value FROM {quote_ident(spec.table)} AS t "
            f"WHERE t.value LIKE {quote_sql('%; %')}{heading_holds} "
            f"ORDER BY t.updated_at DESC LIMIT {MAX_DETAILS}"
        )

    async def _left_on_list(self) -> Answer | None:
        """ "What's left on the dog shopping list?", "What kit do I still need to buy?": the
        items of a list of things to do (kept whole beside its tasks) whose tasks are still
        open. The list is the one whose heading says most of the question's words, or the one
        such list stored (with a notice naming it); None when two are alike, or its items
        have no tasks to tell what is done."""
        spec, task, q = fact_type(self.map), self.map.first("task"), self.q
        if spec is None or task is None or q.yes_no or self.whole_rows:
            return None
        title, status = name_field(task), field_for(task, "status", ("str",))
        if title is None or status is None or q.subject is not None or q.types:
            return None
        if not _LEFT_ON.search(q.lowered):
            return None
        table = await self._stored_lists(spec)
        asked = {
            stem(w) for w in words(q.text)
            if w not in STOPWORDS and w not in _QUESTION_WORDS and w not in SELF_WORDS
            and w not in _LIST_WORDS and not _LEFT_ON.fullmatch(w)
        }  # fmt: skip
        lists = [row for row in table.rows if to_do_heading(str(row[2]), self.map)]
        scored = sorted(
            (
                (len(asked & {stem(w) for w in words(str(row[2]))}), i)
                for i, row in enumerate(lists)
            ),
            reverse=True,
        )
        if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
            return None
        said, best = scored[0]
        if q.count and not said:
            return None  # "How many room viewings are still going ahead?" counts no to-do list
        row = lists[best]
        notice = None if said else _ONE_TO_DO_LIST.format(row[2])
        items = _items_of(str(row[3]))
        listed = ", ".join(folded(i) for i in items)
        tasks = await self._run(
            f"SELECT t.xuid, t.{quote_ident(title)}, t.{quote_ident(status)} "
            f"FROM {quote_ident(task.table)} AS t WHERE lower(t.{quote_ident(title)}) IN ({listed})"
        )
        if not tasks.rows:
            return None  # nothing tells which are done
        order = {item.lower(): i for i, item in enumerate(items)}
        left = sorted(
            (r for r in tasks.rows if str(r[2] or "").lower() not in FINISHED_STATES),
            key=lambda r: order.get(str(r[1]).lower(), len(order)),
        )
        open_rows = ResultTable(columns=tasks.columns, rows=left, sql=tasks.sql)
        if not left:
            prose = f"{'0: n' if q.count else 'N'}othing is left on “{row[2]}”."
            return Answer(tables=[tasks], answer=prose, notice=notice)
        prose = f"{len(left)} left on “{row[2]}”: {'; '.join(str(r[1]) for r in left)}."
        return Answer(tables=[open_rows], answer=prose, about=str(row[2]), notice=notice)

    # -- a deed ("What does Lena handle?", "Who delivers our flour?") -------------------------

    async def _deed(self) -> Answer | None:
        """The deed the question asks about, from the fact-like records that store deeds
        (`deeds`): the same verb, by the one named, or done to what the question says; else
        None, and the question is read as usual. An answer asked as a kind of thing ("Which
        airline ...") that the record cannot be seen to be is not given as one."""
        spec, q = fact_type(self.map), self.q
        if spec is None or q.count or q.aggregate or q.yes_no or self.whole_rows:
            return None
        asked = asked_deed(q.text, STOPWORDS | _QUESTION_WORDS)
        if asked is None:
            return None
        said_as = " OR ".join(
            f"lower(t.attribute) LIKE {quote_sql(prefix + '%')}"
            for prefix in stored_prefixes(asked.verb)
        )
        sql = (
            f"SELECT t.xuid, t.subject, t.attribute, t.value FROM {quote_ident(spec.table)} AS t "
            f"WHERE ({said_as}) "
            f"ORDER BY t.updated_at DESC LIMIT {MAX_DETAILS}"
        )
        table = await self._run(sql)
        rows = [row for row in table.rows if _does(row, asked)]
        if not rows:
            return None
        answers = list(dict.fromkeys(str(row[1] if asked.by_whom else row[3]) for row in rows))
        notice = None
        if asked.kind is not None and not all(_of_kind(a, asked.kind) for a in answers):
            if not all(any(w[:1].isupper() for w in a.split()) for a in answers):
                return None  # "What sport do I play?" and the record says "cello"
            if await self._kind_said_elsewhere(asked.kind):
                # "Which campaign are we playing?" beside "i play Thessaly" and "we're in the
                # middle of the Curse of Strahd campaign": a record saying the kind answers
                # better than a deed's object that cannot be seen to be one.
                return None
            article = "an" if asked.kind[:1] in "aeiou" else "a"
            notice = (
                f"The record says what was done; it does not say that "
                f"{'; '.join(answers)} is {article} {asked.kind}."
            )
        table = ResultTable(columns=table.columns, rows=rows, sql=table.sql)
        # Newest first: one said later ("Correction: Piotr handles the invoices") leads, and
        # the earlier ones are shown as such, not as equals.
        prose = answers[0] + (f" (earlier: {'; '.join(answers[1:])})" if answers[1:] else "")
        return Answer(tables=[table], answer=prose, about=asked.verb, notice=notice)

    async def _kind_said_elsewhere(self, kind: str) -> bool:
        """Whether a record of any type says the word `kind` ("campaign")."""
        for spec in self.map.schema.objects.values():
            sel = Select(self.map, spec).matching([], [kind])
            if (await self._run(sel.columns(None).limit(1).sql())).rows:
                return True
        return False

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
            out += _named_types(self.map)
        # The schema's types are distinct objects with distinct names: by identity is by value
        # here, without comparing whole field maps.
        seen: set[int] = set()
        unique: list[ObjectSpec] = []
        for spec in out:
            if id(spec) not in seen:
                seen.add(id(spec))
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
        for spec in q.types:
            # "Which books did Noor recommend?": records of the named type linked to Noor.
            related = await self._related(spec, subject.text)
            if related.rows:
                prose = self._list_prose(spec, related, [])
                return Answer(tables=[related], answer=prose, notice=self.cut, about=subject.text)
        first_empty: tuple[ObjectSpec, ResultTable] | None = None
        fieldless: list[ObjectSpec] = []
        for spec in targets:
            fields = q.fields.get(spec.name, [])
            if q.fields and not fields and not q.yes_no:
                fieldless.append(spec)
                continue  # a record with no field for what is asked does not answer it
            for name in name_forms(spec, subject.text):
                for exactly in (True, False):
                    table = await self._field_rows(spec, name, exactly=exactly)
                    if table.rows:
                        return self._about_answer(spec, table, fields)
            if first_empty is None:
                first_empty = (spec, table)
        said = await self._said_of_fieldless(fieldless, subject.text)
        if said is not None:
            return said
        if not q.yes_no and q.keywords:
            # No record is named so ("Mochi" is a cat, and no type holds pets): the records
            # of any type that hold the name and every word asked ("Mochi was spayed").
            mentioning = await self._search_everything([subject.text])
            if mentioning.tables:
                return mentioning
        if first_empty is None:
            if q.fields:
                return Answer(about=subject.text)
            return _unmapped(self.map, q, subject.text)
        spec, table = first_empty
        if q.yes_no:
            # The record is stored but does not say so: a true "no" about what is stored.
            exists = await self._run(Select(self.map, spec).named(subject.text).sql())
            if exists.rows:
                prose = f"No: {display(exists, spec, 0)} is stored, but nothing says so."
                return Answer(tables=[table], answer=prose, about=subject.text)
        return Answer(tables=[table], about=subject.text)

    async def _said_of_fieldless(self, specs: list[ObjectSpec], name: str) -> Answer | None:
        """ "Which stage is Mila in?": "stage" asks a project's or a task's status, and Mila
        is a person, whose type has no such field; her record answers when its text says the
        word ("… put her in Stage 3"). None when no record of `specs` is called `name`, or
        none says the words."""
        q = self.q
        if not specs or q.keywords or not q.fields_said:
            return None
        words = [stem(w) for said in q.fields_said for w in said.split()]
        for spec in specs:
            for form in name_forms(spec, name):
                sel = Select(self.map, spec).named_exactly(form).filters(q, spec)
                table = await self._run(sel.columns(None).sql())
                if not table.rows:
                    continue
                found = keyword_sentences(table, spec, words)
                if not found:
                    return None
                return Answer(tables=[table], answer=found, about=self._about(spec))
        return None

    async def _related(self, spec: ObjectSpec, name: str) -> ResultTable:
        """Records of `spec` whose text or linked records name `name`, unless a record of
        `spec` is itself called so (then it is the record asked about, not a related one)."""
        none = ResultTable(columns=[], rows=[])
        if name_field(spec) is None or self.q.yes_no or await self._is_named(spec, name):
            return none
        related = Select(self.map, spec).matching([name], []).filters(self.q, spec)
        table = await self._run(related.columns(None).limit(LIST_LIMIT).sql())
        await self._count_if_cut(spec, related, table, LIST_LIMIT)
        return table

    async def _field_rows(self, spec: ObjectSpec, name: str, *, exactly: bool) -> ResultTable:
        """The asked fields of records of `spec` called `name` (exactly, or as whole words)."""
        q = self.q
        fields = q.fields.get(spec.name, [])
        sel = Select(self.map, spec)
        sel = sel.named_exactly(name) if exactly else sel.named(name)
        if q.yes_no:
            sel.matching(q.values, q.keywords if not q.values else [])
        tie = field_for(spec, "relationship", ("str",))
        if tie in fields and not q.yes_no:
            # "How is Niamh related to Declan?": a tie is to someone, the user's unless it
            # says whose ("Lena's brother"); one not naming whom the question names is not it.
            for value in q.values:
                sel.where.append(f"instr(lower({quote_ident(tie)}), {folded(value)}) > 0")
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
        shape = _shape_asked(q) if not fields else None
        if shape is not None and not keyword_sentences(table, spec, q.keywords):
            # "How much does Haruka charge?", "What's Margaret's hourly rate?": her record
            # says "$22/hour" with neither word; its sentences holding an amount are what
            # there is, said with a notice (so "What time is Chiara going for?", a time).
            shaped = keyword_sentences(table, spec, [], shaped=shape[0])
            if shaped:
                told = (
                    f"Read from what is stored about {display(table, spec, 0)} that holds "
                    f"{shape[1]}, which does not say {', '.join(q.terms)}: check it is the one "
                    "asked."
                )
                return Answer(tables=[table], answer=shaped, notice=told, about=self._about(spec))
        if not q.yes_no and ((q.unknown_field and not fields) or _none_stored(table, fields)):
            # The record is there but not what is asked of it (a field its type lacks, or one
            # left empty): no row answers, so the engine looks at what was said.
            asked = q.unknown_field or " ".join(" ".join(name_words(f)) for f in fields)
            return Answer(tables=[_emptied(table)], about=f"{self._about(spec)}: {asked}")
        notice = None
        if q.yes_no:
            prose = "Yes: " + describe_rows(table, spec)
        elif fields and not self.whole_rows:
            prose = field_answer(table, spec, fields)
        elif q.keywords:
            found = keyword_sentences(table, spec, q.keywords)
            if not found:
                # Asked something of the record ("What does Lena handle?") that none of its
                # fields or text says: the record is no answer; what was said may be.
                about = f"{self._about(spec)}: {' '.join(q.keywords)}"
                return Answer(tables=[_emptied(table)], about=about)
            prose = keyword_sentences(table, spec, q.keywords, every=True) or found
            unsaid = [t for t in q.terms if stem(t).lower() not in prose.lower()]
            if unsaid:
                # "What cuisine is Thabo doing in February?" beside "Thabo takes February.":
                # what is quoted says some of the words asked, not all of them.
                notice = (
                    f"What is stored says {', '.join(t for t in q.terms if t not in unsaid)} "
                    f"but not {', '.join(unsaid)}: check it answers the question."
                )
        else:
            if _DEFINITION.match(q.text) and not _describes(table, spec):
                # "What is Quill?" asks what it is: a record holding its name and a state
                # ("Quill (status: active)") does not say; what was said may ("a linter").
                return Answer(tables=[_emptied(table)], about=self._about(spec))
            prose = describe_rows(table, spec)
        return Answer(tables=[table], answer=prose, notice=notice, about=self._about(spec))

    async def _count(self, spec: ObjectSpec) -> Answer:
        """How many records of `spec` match; none is an answer only when nothing but the type
        and its filters was asked ("How many tasks are open?"), not words it did not read."""
        q, values = self.q, self._values()
        keywords = self._keywords(spec)
        sel = Select(self.map, spec).matching(values, keywords).filters(q, spec)
        if q.subject is not None and keywords:
            sel.not_named(q.subject.text)
        table = await self._run(sel.count_sql())
        widened = _HOLDING.search(q.text) or _PARTITIVE.search(q.text)
        if _total(table) == 0 and keywords and not values and widened:
            # "How many side projects do I have?", "How many of the extension to-dos are
            # open?" and no record says "side" or "extension": the words may be how the user
            # thinks of them (`_unqualified`); all of the type, said so.
            whole = Select(self.map, spec).matching([], []).filters(q, spec)
            every = await self._run(whole.count_sql())
            if spec in q.types and _total(every) > 0:
                notice = self._widened(spec, "this counts")
                prose = count_sentence(every, spec, q, matching=False)
                return Answer(tables=[every], answer=prose, notice=notice, about=self._about(spec))
        if _total(table) == 0 and (values or keywords):
            return Answer(tables=[_emptied(table)], about=self._about(spec))
        assumed = await self._assumed(sel, spec)
        prose = count_sentence(table, spec, q)
        return Answer(tables=[table], answer=prose, notice=assumed, about=self._about(spec))

    async def _assumed(self, sel: Select, spec: ObjectSpec) -> str | None:
        """A notice when some records counted or listed were taken to be in the state asked
        because none is stored ("Which tasks are open?" and a task told with no state)."""
        if sel.assumed is None:
            return None
        field, state = sel.assumed
        n = _total(await self._run(sel.assumed_count_sql(field)))
        if n == 0:
            return None
        noun = _type_name(spec, plural=True)
        return (
            f"{n} of these {noun} {'has' if n == 1 else 'have'} no {field} stored and "
            f"{'is' if n == 1 else 'are'} taken as {state}: nothing said has moved "
            f"{'it' if n == 1 else 'them'} on."
        )

    async def _list(self, targets: list[ObjectSpec]) -> Answer:
        """Records of the likeliest type that has any matching the question; a type the
        question names is the anchor, so no other type answers for it."""
        q = self.q
        people = self.map.of_kind("person") if q.who else []
        if q.types:
            targets = [s for s in targets if s in q.types or s in people] or targets
        first: ResultTable | None = None
        for spec in targets:
            fields, keywords = q.fields.get(spec.name, []), self._keywords(spec)
            few = q.recent and not keywords and not q.values
            if few and fields and spec not in q.types and spec not in people:
                # "What's the new business address going to be?": a field word ("business")
                # names no record and no type, so the newest records of its type are no
                # answer, only records that hold what the question says.
                continue
            limit = 1 if q.latest_only else 5 if few else LIST_LIMIT
            if q.kind_said and not few and await self._holding_kind(spec, keywords, fields):
                keywords = [*keywords, q.kind_said]  # "Which seats …?": the window seats
            sel = Select(self.map, spec).matching(q.values, keywords).filters(q, spec)
            if q.who and spec in people and _ASKER & set(words(q.lowered)):
                sel.not_named(USER_NAME)  # "Who do I report to?" is never the user
            if spec in self.map.of_kind("preference") and _asks_own(q):
                sel.held_by_the_user()  # "What music do I dislike?": not Grandmother's
            sel.columns(fields if fields and not self.whole_rows else None)
            table = await self._run(sel.newest_first(q.recent).limit(limit).sql())
            if table.rows and not (fields and not self.whole_rows and _none_stored(table, fields)):
                if limit == LIST_LIMIT:
                    await self._count_if_cut(spec, sel, table, limit)
                stated = await self._stated(spec, keywords, table, limit)
                if stated is not None and stated != len(table.rows):
                    return self._mentioned(spec, table, stated, fields)
                prose = self._list_prose(spec, table, fields)
                assumed = await self._assumed(sel, spec)
                others = await self._left_out_by_words(spec, keywords, table)
                notice = " ".join(n for n in (self.cut, assumed, others) if n) or None
                return Answer(tables=[table], answer=prose, notice=notice, about=self._about(spec))
            first = first or _emptied(table)
        fallback = await self._unqualified(targets)
        if fallback is not None:
            return fallback
        return Answer(tables=[first] if first else [], about=self._about(targets[0]))

    async def _left_out_by_words(
        self, spec: ObjectSpec, keywords: list[str], table: ResultTable
    ) -> str | None:
        """A notice naming the records in the state asked that the question's words left out
        ("Which of my sleep to-dos are still open?" beside an open "find out whether I have
        to tell the DVLA"): a word said of a list ("sleep") is often the memory's topic, not
        said in each item. None when the words left none out, or when no state is asked."""
        q = self.q
        if not keywords or q.values or not q.enums.get(spec.name) or q.count or q.aggregate:
            return None
        title = name_field(spec)
        if title is None:
            return None
        sel = Select(self.map, spec).matching(q.values, []).filters(q, spec)
        limit = LEFT_OUT_SHOWN + 1 + len(table.rows)
        every = await self._run(sel.columns([title]).limit(limit).sql())
        if title not in every.columns:
            return None
        at = every.columns.index(title)
        shown_at = table.columns.index(title) if title in table.columns else None
        listed = {str(row[shown_at]) for row in table.rows} if shown_at is not None else set()
        left = [str(row[at]) for row in every.rows if str(row[at]) not in listed]
        if not left:
            return None
        shown = "; ".join(left[:LEFT_OUT_SHOWN]) + ("; …" if len(left) > LEFT_OUT_SHOWN else "")
        noun = _type_name(spec, plural=True)
        return (
            f"Only the {noun} that say {', '.join(q.terms) or ', '.join(keywords)} are listed; "
            f"others in that state do not say it: {shown}."
        )

    async def _holding_kind(self, spec: ObjectSpec, keywords: list[str], fields: list[str]) -> bool:
        """Whether a record of `spec` the question would list says the kind it asks for
        (`Question.kind_said`): then only those are listed."""
        q = self.q
        assert q.kind_said is not None
        sel = Select(self.map, spec).matching(q.values, [*keywords, q.kind_said]).filters(q, spec)
        table = await self._run(sel.columns(fields or None).limit(1).sql())
        return bool(table.rows)

    async def _stated(
        self, spec: ObjectSpec, keywords: list[str], table: ResultTable, limit: int
    ) -> int | None:
        """For an answer that would say who does what the question says of a value ("Who
        works at Northwind?" -> "Tom Baker works at Northwind."): how many of `table`'s rows,
        which come first, hold the value in a field or link, not only in their notes; their
        rows are put first. None when the answer says no such thing."""
        q = self.q
        if not (q.who and q.values and spec in self.map.of_kind("person")):
            return None
        if q.fields.get(spec.name):
            return None
        strict = Select(self.map, spec).matching(q.values, keywords, free_text=False)
        strict.filters(q, spec).columns(None)  # as the table asked: no field is asked
        held = await self._run(strict.newest_first(q.recent).limit(limit).sql())
        said = {tuple(row) for row in held.rows}
        table.rows.sort(key=lambda row: tuple(row) not in said)
        return sum(1 for row in table.rows if tuple(row) in said)

    def _mentioned(
        self, spec: ObjectSpec, table: ResultTable, stated: int, fields: list[str]
    ) -> Answer:
        """Those whose fields or links hold the value, said as usual; then those whose notes
        only mention it, quoted ("Update: Tom left Northwind …"), with a notice."""
        q = self.q
        held = ResultTable(columns=table.columns, rows=table.rows[:stated], sql=table.sql)
        rest = ResultTable(columns=table.columns, rows=table.rows[stated:], sql=table.sql)
        quoted = keyword_sentences(rest, spec, q.values, every=True) or describe_rows(rest, spec)
        prose = (self._list_prose(spec, held, fields) + " " if held.rows else "") + quoted
        notice = _MENTIONED.format(", ".join(q.values)) + (f" {self.cut}" if self.cut else "")
        return Answer(tables=[table], answer=prose, notice=notice, about=self._about(spec))

    async def _unqualified(self, targets: list[ObjectSpec]) -> Answer | None:
        """ "What's on my PhD to-do list?" when no task says "PhD": a question asking for the
        whole list ("list", "to-do", "all") of the one type it names, or for those of it in a
        state ("Which moving tasks haven't been done?"), qualified by words no record of it
        holds, is all of that type (in that state), said so: the qualifier may be how the user
        thinks of them, not how they were written. A count stays strict ("How many urgent
        tasks are open?" says none): a number does not show what it counted."""
        q = self.q
        if len(q.types) != 1 or q.values or q.names or q.fields or q.count or q.who:
            return None
        spec = q.types[0]
        if not _WHOLE_LIST.search(q.text) and not self._filtered(spec):
            return None  # "Which tasks mention the dentist?" asks which: none do
        keywords = self._keywords(spec)
        if not keywords or spec not in targets:
            return None
        sel = Select(self.map, spec).matching([], []).filters(q, spec)
        table = await self._run(sel.limit(LIST_LIMIT).sql())
        if not table.rows:
            return None
        await self._count_if_cut(spec, sel, table, LIST_LIMIT)
        notice = self._widened(spec, "these are")
        prose = describe_rows(table, spec, self.totals.get(id(table)))
        return Answer(tables=[table], answer=prose, notice=notice, about=self._about(spec))

    def _widened(self, spec: ObjectSpec, how: str) -> str:
        """The notice of an answer widened to all of `spec` (in the state asked, if one is)
        because none of its records says the question's words."""
        state = " in the state asked" if self._filtered(spec) else ""
        return _none_say(spec, self.q, f"{how} all the {{}} stored{state}.")

    def _filtered(self, spec: ObjectSpec) -> bool:
        """Whether the question filters the type by a state or a flag ("haven't been done")."""
        return bool(self.q.flags.get(spec.name) or self.q.enums.get(spec.name))

    def _list_prose(self, spec: ObjectSpec, table: ResultTable, fields: list[str]) -> str:
        q, keywords = self.q, self._keywords(spec)
        # A field the question filters on ("not confirmed") is not what it asks for: then it
        # asks which records, and the prose names them.
        filtered = {f for f, *_ in [*q.flags.get(spec.name, []), *q.enums.get(spec.name, [])]}
        if q.window is not None:
            filtered |= set(date_fields(spec))  # "Which tasks are due in March?": which ones
        fields = (
            [f for f in fields if f not in filtered] if len(table.rows) > 1 or filtered else fields
        )
        if fields and not self.whole_rows:
            return field_answer(table, spec, fields)
        said = keyword_sentences(table, spec, keywords) if keywords else None
        if said:
            return said
        if q.who and spec in self.map.of_kind("person"):
            return who_sentence(table, spec, q)
        return describe_rows(table, spec, self.totals.get(id(table)))

    async def _count_if_cut(
        self, spec: ObjectSpec, sel: Select, table: ResultTable, limit: int
    ) -> int | None:
        """How many records match when `limit` cut the list (one COUNT more, only then); the
        answer's notice says so and how to ask for the rest."""
        if len(table.rows) < limit:
            return None
        total = _total(await self._run(sel.count_sql()))
        if total <= len(table.rows):
            return None
        self.totals[id(table)] = total
        shown, noun = len(table.rows), _type_name(spec, plural=True)
        said = (
            f"Showing {shown:,} of {total:,} {noun}; ask for a narrower list, or read in "
            "raw-tables mode with sql and LIMIT / OFFSET for the rest."
        )
        self.cut = f"{self.cut} {said}" if self.cut else said
        return total

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
            sel = Select(self.map, spec).matching(q.values, self._keywords(spec)).filters(q, spec)
            table = await self._run(sel.aggregate_sql(q.aggregate, numeric[0]))
            value, count = table.rows[0] if table.rows else (None, 0)
            if not count:
                return Answer(tables=[_emptied(table)], about=self._about(spec))
            label = " ".join(name_words(numeric[0]))
            word = "total" if q.aggregate == "SUM" else "average"
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            noun = _type_name(spec) if count == 1 else _type_name(spec, plural=True)
            return Answer(
                tables=[table],
                answer=f"The {word} {label} is {shown} (over {count} {noun}).",
                about=self._about(spec),
            )
        return await self._list(targets)

    async def _search_everything(self, named: list[str] | None = None) -> Answer:
        """No type, field or record is named: records of any type that hold every value and
        content word of the question ("How do I take my coffee?" -> records with "coffee").
        `named`: names the records must hold too (a name no record is called by)."""
        q = self.q
        values = [*q.values, *(named or [])]
        if not (values or q.keywords):
            return _unmapped(self.map, q)
        tables: list[ResultTable] = []
        parts: list[str] = []
        dated: list[int] = []  # which of `tables` hold a day, for a question asking when
        for spec in self.map.schema.objects.values():
            keywords = self._keywords(spec)
            if not (values or keywords or (q.window and date_fields(spec))):
                continue  # the time asked for filters a dated type; without it, all of one
            sel = Select(self.map, spec).matching(values, keywords).during(q, spec)
            table = await self._run(sel.columns(None).limit(SEARCH_LIMIT).sql())
            if table.rows:
                tables.append(table)
                total = await self._count_if_cut(spec, sel, table, SEARCH_LIMIT)
                # The sentences of their text that say every word asked, when some do: a
                # record that gathered many ("This is the user. …") is not read out whole.
                words = [*values, *self._keywords(spec)]
                said = keyword_sentences(table, spec, words, every=True) if total is None else None
                asks_when = date_fields(spec) and _ASKS_WHEN.match(q.lowered)
                if said and asks_when and not _DAY_SAID.search(said):
                    said = None  # "When is the boiler service?": its date, not its notes
                if asks_when and _holds_a_day(table, date_fields(spec)):
                    dated.append(len(tables) - 1)
                parts.append(said or describe_rows(table, spec, total))
        if dated and not q.count:
            # "When is the marathon?": the records that hold its day, not every one that says
            # "marathon" (the training project, a detail of the user's PB).
            tables, parts = [tables[i] for i in dated], [parts[i] for i in dated]
        if not tables:
            if not self.whole_rows:
                near = await closest_record(q, values, self.map, self._run, about=self._about())
                if near is not None:
                    return near
            notice = (
                "The question names no object type, field or stored record of this memory "
                f"({', '.join(self.map.schema.objects)})."
            )
            return Answer(notice=notice, about=self._about())
        notice = "No object type is named in the question; these records mention its words."
        if self.cut:
            notice = f"{notice} {self.cut}"
        prose = " ".join(parts)
        if q.count and len(tables) == 1 and not self.cut:
            # "How many clients do I have?": the records of one type that say "client"; one
            # record listing them under a heading that says it ("Huts booked: A, B, C"),
            # what it lists.
            listed = _listed_under(tables[0], q.keywords)
            said = _count_said(tables[0], q.lowered)
            if listed:
                prose = f"{len(listed)}: {'; '.join(listed)}."
            elif said is not None:
                # "How many nights is the hotel booked for?": "booked for 4 nights" counts
                # them; the one record saying so is no count of nights.
                prose = f"{said}: {prose}" if said and not prose.startswith(said) else prose
            elif _each_says_it_in_a_value(tables[0], q.keywords):
                prose = f"{len(tables[0].rows)}: {prose}"
            # Else the records say the words only in sentences kept whole ("Planning our Norway
            # road trip …" for "How many of us are going on the trip?"): how many records
            # say them counts nothing asked.
        return Answer(tables=tables, answer=prose, notice=notice, about=self._about())

    def _unread(self) -> Answer:
        """A question in a language the rules do not read, naming nothing of the schema: no
        rows, what it names as `about`, and a notice (the engine searches what was said)."""
        names = [n.text for n in self.q.names] + self.q.emails
        notice = "The question could not be parsed: the offline answerer reads English questions."
        return Answer(notice=notice, about=", ".join(names) or self.q.text)

    def _about(self, spec: ObjectSpec | None = None) -> str:
        """What the question asks about, in its words: the record it names, else the type
        with its filters and the values and words it asks for, else those words."""
        q = self.q
        if q.subject is not None:
            return q.subject.text
        said = sorted([*q.values, *q.terms], key=lambda w: q.lowered.find(w.lower()))
        if spec is None:
            return " ".join(said) or q.text
        phrase = _type_name(spec, plural=True)
        filters = [
            f"{' '.join(name_words(f))} {'is' if equal else 'is not'} {value.replace('_', ' ')}"
            for f, value, equal in q.enums.get(spec.name, [])
        ]
        filters += [
            f"{'' if flag else 'not '}{' '.join(name_words(f))}"
            for f, flag in q.flags.get(spec.name, [])
        ]
        if filters:
            phrase += " whose " + " and ".join(filters)
        return phrase + (f" matching {' '.join(said)}" if said else "")

    def _values(self) -> list[str]:
        """The values rows must hold; the subject of a count is one ("How many tasks does Bob
        have?" counts Bob's tasks, not all of them)."""
        subject = self.q.subject
        return [*self.q.values, *([subject.text] if subject is not None else [])]

    def _keywords(self, spec: ObjectSpec) -> list[str]:
        """The content words rows of `spec` must hold. Beside a value ("works at Acme Corp")
        a word may say how a record relates to it, which a field or relation of `spec` says
        instead of its text; only words the schema does not say must be held as text."""
        keywords = self.q.keywords
        window = self.q.window
        if window is not None and date_fields(spec):
            # The words that said when are no words the records hold: their date says it.
            said_when = {stem(w) for w in words(window.said)}
            keywords = [k for k in keywords if k not in said_when]
        if not self.q.values:
            return keywords
        said = _schema_stems(self.map, spec)
        return [k for k in keywords if k not in said]

    async def _kin_by_kind(self) -> Answer | None:
        """ "How many children do I have?", "Who are my sisters?", "How many daughters does
        Arjun have?": the people stored as the user's (or the one named's) son or daughter,
        sister, by their relationship; None when the question asks anything else of them or
        no one is stored so (it is read as usual)."""
        q, person = self.q, self.map.first("person")
        asked = _KIN_ASKED.search(q.text)
        if person is None or asked is None or self.whole_rows or q.values or q.types:
            return None
        relationship = field_for(person, "relationship", ("str",))
        name_of = name_field(person, "person")
        noun = asked.group("counted") or asked.group("listed")
        forms = kin_forms(noun)
        if relationship is None or name_of is None or not forms:
            return None
        said = {stem(w) for w in (noun, *forms)}
        if [k for k in q.keywords if k not in said and k not in _KIN_ASKED_WORDS]:
            return None  # "How many of my cousins live abroad?": more than who they are
        owner = q.subject.text.lower() if q.subject is not None else None
        column = f"lower({quote_ident(relationship)})"
        wanted = [f"{owner}'s {f}" if owner else f for f in sorted(forms)]
        matches = " OR ".join(
            f"{column} = {quote_sql(w)} OR {column} LIKE {quote_sql('% ' + w)}" for w in wanted
        )
        # The user's own: not "Leo's teacher", "Tomás's brother".
        others = quote_sql("%'s %")
        mine = "" if owner else f" AND {column} NOT LIKE {others}"
        table = await self._run(
            f"SELECT {quote_ident(name_of)}, {quote_ident(relationship)} "
            f"FROM {quote_ident(person.table)} WHERE ({matches}){mine} "
            f"ORDER BY {quote_ident(name_of)} LIMIT {SEARCH_LIMIT}"
        )
        if not table.rows:
            return None
        people = "; ".join(f"{name} ({tie})" for name, tie in table.rows)
        prose = f"{len(table.rows)}: {people}." if q.count else f"{people}."
        return Answer(tables=[table], answer=prose, about=asked.group(0))

    async def _resolve_kin(self) -> None:
        """ "Where does my sister live?", "Who is Chiara's father?": the person stored as the
        user's sister, as Chiara's father, is the record asked about, when exactly one is."""
        q, person = self.q, self.map.first("person")
        if person is None:
            return
        relationship = field_for(person, "relationship", ("str",))
        name_of = name_field(person, "person")
        if relationship is None or name_of is None:
            return
        mine = KIN.search(q.text)
        theirs = _NAMED_KIN.search(q.text)
        if mine is not None and q.subject is None and q.fields.get(person.name):
            noun, wanted = mine.group(1).lower(), mine.group(1).lower()
        elif theirs is not None and (q.who or q.fields.get(person.name)):
            kin = theirs.group("kin").lower()
            noun = theirs.group("noun").lower()
            if not person_noun(noun) and person_noun(kin.split()[0]):
                kin = noun = kin.split()[0]  # "Hiro's partner do": the partner is who is asked
            wanted = f"{theirs.group('owner')}'s {kin}".lower()
        else:
            return
        if not person_noun(noun):
            return
        column = f"lower({quote_ident(relationship)})"
        table = await self._run(
            f"SELECT {quote_ident(name_of)} FROM {quote_ident(person.table)} "
            f"WHERE {column} = {quote_sql(wanted)} OR {column} LIKE {quote_sql('% ' + wanted)} "
            "LIMIT 2"
        )
        if not table.rows and theirs is not None and mine is None:
            # Nobody is stored as Hiro's partner: the question is about them, not Hiro, so
            # Hiro's record does not answer it ("What does Hiro's partner do?").
            owner = theirs.group("owner").lower()
            q.names = [n for n in q.names if n.text.lower() != owner]
            said = f"{theirs.group('owner')}'s {kin}"
            q.names.insert(0, NameRef(said, possessive=bool(q.fields), value=False))
            return
        if len(table.rows) != 1 or not isinstance(table.rows[0][0], str):
            return
        found = NameRef(table.rows[0][0], possessive=bool(q.fields), value=False)
        if theirs is not None and mine is None:
            owner = theirs.group("owner").lower()
            q.names = [n for n in q.names if n.text.lower() != owner]
            q.unknown_field = None  # "father" is who they are, not a field of Chiara's
            if q.who:
                q.fields = {}  # "Who is Mateo's business partner?" asks for the person
        q.names.insert(0, found)
        q.keywords = [k for k in q.keywords if k != stem(noun)]
        q.terms = [t for t in q.terms if t.lower() != noun]

    async def _who_holds(self) -> Answer | None:
        """ "Who is the treatment coordinator at the practice?": the one person whose role (or
        relationship) says the job and most of the words before it. Words before or after the
        job that the record does not hold ("second", "at the practice") are said in a notice,
        not required: a job is rarely stored with where it is held, and a "new dentist" may be
        the one stored as "dentist". None when no one, or two alike, hold it."""
        q, person = self.q, self.map.first("person")
        asked = _WHO_HOLDS.match(q.text)
        if person is None or asked is None or self.whole_rows or q.subject is not None:
            return None
        noun = asked.group("noun").lower()
        if not (role_like(noun) or role_noun(noun)) or noun in KIN_NOUNS:
            return None  # "Who is my sister?" is a relationship (`_resolve_kin`)
        found = await self._holders(person, noun, asked.group("mods"))
        if found is None:
            return None
        table, name, tie = found
        rest = [w for w in words(asked.group("rest")) if w not in STOPWORDS and len(w) > 2]
        # "Who is my second supervisor?" held by the one stored "supervisor": the words before
        # the job the record does not say are said too, so a likely other person is no
        # confident answer.
        mods = [w for w in words(asked.group("mods")) if w not in STOPWORDS]
        unsaid = [w for w in [*mods, *rest] if w not in tie.lower() and w not in name.lower()]
        notice = (
            f"Found by the job alone: the record does not say {', '.join(unsaid)}."
            if unsaid
            else None
        )
        return Answer(tables=[table], answer=f"{name} ({tie}).", notice=notice, about=noun)

    async def _holders(
        self, person: ObjectSpec, noun: str, mods: str
    ) -> tuple[ResultTable, str, str] | None:
        """The one person whose role or relationship says `noun` and most of `mods`: their
        row, name and that role; None when no one does or two do alike."""
        name_of = name_field(person, "person")
        columns = [f for k in ("role", "relationship") if (f := field_for(person, k, ("str",)))]
        if name_of is None or not columns:
            return None
        held = " || ' ' || ".join(f"coalesce(lower({quote_ident(c)}), '')" for c in columns)
        said = ", ".join(quote_ident(c) for c in columns)
        table = await self._run(
            f"SELECT xuid, {quote_ident(name_of)}, {said} FROM {quote_ident(person.table)} "
            f"WHERE {contains(held, noun)} LIMIT {SEARCH_LIMIT}"
        )
        modifiers = set(mods.lower().split()) - STOPWORDS
        ranked = []
        for i, row in enumerate(table.rows):
            tie = " ".join(str(v).lower() for v in row[2:] if v)
            own = set(tie.split()) - {noun} - STOPWORDS
            if modifiers and own and not modifiers & own:
                continue  # "my main supervisor" is not the "second supervisor"
            ranked.append((len(modifiers & own), i))
        ranked.sort(reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
            return None
        row = table.rows[ranked[0][1]]
        one = ResultTable(columns=table.columns, rows=[row], sql=table.sql)
        # As stored ("co-founder and CTO"), once: the role and relationship often say the same.
        ties = list(dict.fromkeys(str(v).strip() for v in row[2:] if v and str(v).strip()))
        saying = [t for t in ties if noun in t.lower()]
        return one, str(row[1]), (saying[0] if saying else " ".join(ties))

    async def _resolve_titled(self) -> None:
        """ "Where does Mrs Lowe live?" with "Patricia Lowe" stored: a title and a family name
        asked about (`title_and_family_name`) are the one person stored with that family name
        whose given name does not say another sex than the title, when no one is stored as
        said; with none or several, the question is read as it is."""
        q, person = self.q, self.map.first("person")
        subject = q.subject
        titled = title_and_family_name(subject.text) if subject is not None else None
        name_of = name_field(person, "person") if person is not None else None
        if subject is None or titled is None or person is None or name_of is None:
            return
        if await self._is_named(person, subject.text):
            return
        family, sex = titled
        column = quote_ident(name_of)
        table = await self._run(
            f"SELECT {column} FROM {quote_ident(person.table)} "
            f"WHERE lower({column}) LIKE {quote_sql('% ' + family.lower())} LIMIT {LIST_LIMIT}"
        )
        found = {str(row[0]) for row in table.rows if not other_sex(sex, str(row[0]))}
        if len(found) == 1:
            full = found.pop()
            q.names = [NameRef(full, n.possessive, n.value) if n is subject else n for n in q.names]

    async def _resolve_role(self) -> None:
        """ "What's the coordinator's number?", "the heating engineer's mobile": the one person
        whose role (or relationship) says the noun, and most of the words before it, is the
        record asked about, when a field of people is asked and no one is named."""
        q, person = self.q, self.map.first("person")
        said = _ROLE_OWNER.search(q.text)
        if person is None or said is None or q.subject is not None:
            return
        noun = said.group("noun").lower()
        if not q.fields.get(person.name) or not (role_like(noun) or role_noun(noun)):
            return
        found = await self._holders(person, noun, said.group("mods"))
        if found is None:
            return  # no one, or two equally likely: the question is read as it is
        q.names.insert(0, NameRef(found[1], possessive=True, value=False))
        self._job_said(said)

    async def _resolve_assignee(self) -> None:
        """ "Which tasks were given to the receptionist?": the one person whose role says the
        noun is whom the tasks are assigned to, by the name the assignee field holds (their
        given name, as a note says "Morag: order the gifts"), when a type with an assignee is
        asked for and no one is named."""
        q, person = self.q, self.map.first("person")
        said = _TO_THE_ROLE.search(q.text)
        if person is None or said is None or q.names or q.subject is not None:
            return
        if not any(field_for(spec, "assignee", ("str",)) for spec in q.types):
            return
        noun = said.group("noun").lower()
        if not (role_like(noun) or role_noun(noun)) or noun in KIN_NOUNS:
            return
        found = await self._holders(person, noun, said.group("mods"))
        if found is None:
            return
        q.names.insert(0, NameRef(found[1].split()[0], possessive=False, value=True))
        self._job_said(said)

    def _job_said(self, said: re.Match[str]) -> None:
        """The job `said` (its noun and the words before it) resolved to someone: no longer
        words the records must hold."""
        q = self.q
        modifiers = set(said.group("mods").lower().split()) - STOPWORDS
        asked = {stem(said.group("noun").lower()), *(stem(m) for m in modifiers)}
        q.keywords = [k for k in q.keywords if k not in asked]
        q.terms = [t for t in q.terms if stem(t.lower()) not in asked]

    async def _run(self, sql: str) -> ResultTable:
        return await self.request.run_sql(sql)


# A list asked for or counted: "How many goals did I set …", "What's on my packing list?",
# "What are my goals for …": the noun naming what is listed.
_LIST_ASKED = re.compile(
    r"^\s*(?:how\s+many|(?P<what>what(?:['\u2019]s|\s+is|\s+are|\s+was|\s+were)\s+(?:on\s+)?)"
    r"|(?P<which>which(?:\s+of)?))"
    r"\s+(?P<rest>.*)$",
    re.IGNORECASE,
)
# A question asking what is still to be done of a list: "What's left on …", "still need to".
_LEFT_ON = re.compile(r"\b(?:left|still|yet|outstanding|remaining)\b", re.IGNORECASE)
_NOW = re.compile(r"\b(?:now|currently|any\s*more)\b", re.IGNORECASE)
# Words of such a question that say it asks for a list, not what is listed.
_LIST_WORDS = lexicon("answer.list_asking_words")


def _item_asked(row: list[Any], question: str) -> list[Any] | None:
    """A detail's row as the answer to `question`. A list kept under a heading ("Rates: £0.11
    per word for technical; £0.14 per word for literary") answers with the items that say a
    word of the question its heading does not ("my rate for literary translation"); with
    none, it is no one value of what its heading names ("my plot number" and "plan for the
    plot: …"): None, and a list asked for is read whole (`_list_asked`)."""
    value = str(row[3])
    if "; " not in value:
        return row
    heading = {stem(w) for w in words(f"{row[1]} {row[2]}")}
    said = {
        stem(w)
        for w in words(question)
        if len(w) > 2 and w not in STOPWORDS and w not in _QUESTION_WORDS and stem(w) not in heading
    }
    items = _items_of(value)
    chosen = [i for i in items if said & {stem(w) for w in words(i)}]
    if not chosen or len(chosen) == len(items):
        return None
    return [*row[:3], "; ".join(chosen)]


def _items_of(value: str) -> list[str]:
    """The items of a list kept as one value, parted by semicolons."""
    return [item for part in value.split(";") if (item := part.strip())]


def _same_word(a: str, b: str) -> bool:
    """Two stems of one word, or one the other's short form ("jan", "january")."""
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))


# Someone asked for by the job they hold: "Who is the treatment coordinator at the practice?",
# "Who's our accountant?".
_WHO_HOLDS = re.compile(
    r"^\s*who\s+(?:is|was|'s|\u2019s)\s+(?:the|my|our|their)\s+"
    r"(?P<mods>(?:[a-z][\w\-]*\s+){0,2}?)(?P<noun>[a-z][\w\-]*)(?P<rest>(?:\s+(?:at|for|of|in|on)\b.*)?)\W*$",
    re.IGNORECASE,
)
# Someone asked for by their job: "the coordinator's number", "the heating engineer's mobile".
_ROLE_OWNER = re.compile(
    r"\bthe\s+(?P<mods>(?:[a-z][\w\-]*\s+){0,3}?)(?P<noun>[a-z][\w\-]*)['\u2019]s\s+",
    re.IGNORECASE,
)
# Whom things are assigned to, by their job: "given to the receptionist", "for our events
# coordinator".
_TO_THE_ROLE = re.compile(
    r"\b(?:to|for)\s+(?:the|our|my)\s+(?P<mods>(?:[a-z][\w\-]*\s+){0,2}?)(?P<noun>[a-z][\w\-]*)\s*\??$",
    re.IGNORECASE,
)
# People asked for by a plural kin noun: "How many children do I have?", "Who are my
# sisters?", "How many daughters does Arjun have?".
_KIN_ASKED = re.compile(
    r"^\s*(?:how\s+many\s+(?P<counted>[^\W\d_]+)|who\s+are\s+(?:my|our|(?:the\s+)?"
    r"user['\u2019]s|[^\W\d_]+['\u2019]s)\s+(?P<listed>[^\W\d_]+))\b",
    re.IGNORECASE,
)
# Words such a question says beside the noun: who has them, not which of them.
_KIN_ASKED_WORDS = frozenset(("have", "has", "got", "user"))
# "Chiara's father", "Mateo's business partner": a person named by whom they are to someone.
_NAMED_KIN = re.compile(
    r"\b(?P<owner>[^\W\d_][\w\-]*)['\u2019]s\s+(?P<kin>(?:[^\W\d_]+\s+)?(?P<noun>[^\W\d_]+))\b"
)


def _none_say(spec: ObjectSpec, q: Question, widened: str) -> str:
    """The notice of an answer widened to all of a type because none of its records says
    the question's words: `widened` says how, with {} for the type's plural."""
    plural_name = _type_name(spec, plural=True)
    return f"No {plural_name} say {' '.join(q.terms)!r}; {widened.format(plural_name)}"


def _holds_a_day(table: ResultTable, fields: list[str]) -> bool:
    """Whether a row of `table` holds a value in one of its date `fields`."""
    at = [i for i, column in enumerate(table.columns) if column in fields]
    return any(row[i] not in (None, "") for row in table.rows for i in at)


def _listed_under(table: ResultTable, keywords: list[str]) -> list[str]:
    """The things one row's text lists after a heading saying a word asked ("Huts booked:
    Refuge A (Jul 5), Rifugio B (Jul 7)" for "How many huts ...?"), or []."""
    if len(table.rows) != 1:
        return []
    for value in table.rows[0]:
        for m in _HEADED.finditer(value if isinstance(value, str) else ""):
            heading = [stem(w) for w in words(m.group("head"))]
            if not any(h.startswith(k) or k.startswith(h) for h in heading for k in keywords):
                continue
            # Items parted by semicolons keep their commas ("INV-225 Dalton Lettings £340, 30
            # days overdue" is one invoice), as things to do listed so do.
            told = m.group("items")
            items = semicolon_items(told) or [name for name, _ in list_items(told)]
            if len(items) >= 2:
                return items
    return []


# What "how many" counts, and a number said right before a word of it ("4 nights").
_COUNTED_NOUN = re.compile(r"\bhow\s+many\s+(?P<noun>[a-z]{3,})")
# "30 of 120 hangers": the part said before the whole is a number of them too.
_NUMBER_BEFORE = re.compile(r"\b(?:(?P<part>\d+)\s+of\s+)?(?P<n>\d+)\s+(?P<word>[^\W\d_]+)")


def _count_said(table: ResultTable, lowered: str) -> str | None:
    """The number the rows say of what "how many" counts ("booked for 4 nights" for "How many
    nights …?"): the number when they say one, "" when they say several, None when they say
    none (the rows may then be the things counted)."""
    asked = _COUNTED_NOUN.search(lowered)
    if asked is None:
        return None
    noun = stem(asked.group("noun"))
    said = {
        number
        for row in table.rows
        for value in row
        if isinstance(value, str)
        for m in _NUMBER_BEFORE.finditer(value)
        if stem(m.group("word").lower()) == noun
        for number in (m.group("part"), m.group("n"))
        if number is not None
    }
    if not said:
        return None
    return said.pop() if len(said) == 1 else ""


def _each_says_it_in_a_value(table: ResultTable, keywords: list[str]) -> bool:
    """Whether every row holds a question's word in a value of a few words (a kind, a role,
    a title) or opens on it (a note labelled "Client: …"), not only somewhere in a sentence
    kept whole (a note, a record's notes)."""
    wanted = [k.lower() for k in keywords]

    def says_it(value: str) -> bool:
        said = value.lower().lstrip()
        short = len(search_words(said)) < KEPT_TEXT_WORDS
        return any(said.startswith(k) or (short and k in said) for k in wanted)

    return bool(wanted) and all(
        any(
            isinstance(value, str) and says_it(value)
            for column, value in zip(table.columns, row, strict=False)
            if column not in SYSTEM_COLUMNS
        )
        for row in table.rows
    )


# A heading and what it lists, within one sentence: "Huts booked: A (Jul 5), B (Jul 7)."
_HEADED = re.compile(r"(?:^|(?<=[.;]\s))(?P<head>[^\W\d_][\w\s\-]{0,30}?)\s*:\s*(?P<items>[^.]+)")


def _type_name(spec: ObjectSpec, *, plural: bool = False) -> str:
    words = " ".join(name_words(spec.name))
    return plural_of(words) if plural else words


def _named_types(mapped: SchemaMap) -> list[ObjectSpec]:
    """The object types whose records have a name field (once per schema)."""
    got = mapped.memo.get("answer.named_types")
    if not isinstance(got, tuple):
        got = tuple(o for o in mapped.schema.objects.values() if name_field(o) is not None)
        mapped.memo["answer.named_types"] = got
    return list(got)


def _schema_stems(mapped: SchemaMap, spec: ObjectSpec) -> frozenset[str]:
    """Word stems the schema says of `spec`: its type, fields (with their synonyms and the
    verbs of their roles) and the relations it takes part in ("works_at" -> "work"); worked
    out once per schema and type."""
    key = f"answer.schema_stems.{spec.name}"
    got = mapped.memo.get(key)
    if isinstance(got, frozenset):
        return got
    said = list(name_words(spec.name))
    for fname in spec.fields:
        said += [w for phrase in ask_phrases(fname) for w in phrase.split()]
    for role, verbs in ROLE_VERBS.items():
        if field_for(spec, role) is not None:
            said += verbs
    for rel in mapped.schema.relations.values():
        if spec.name in rel.roles.values():
            said += [*name_words(rel.name), *(w for r in rel.roles for w in name_words(r))]
    mapped.memo[key] = stems = frozenset(stem(w) for w in said)
    return stems


def _total(table: ResultTable) -> int:
    return int(table.rows[0][0] or 0) if table.rows and table.rows[0] else 0


def _none_stored(table: ResultTable, fields: list[str]) -> bool:
    """Whether rows hold no value in any of the asked `fields` (none asked: False)."""
    shown = [table.columns.index(f) for f in fields if f in table.columns]
    return bool(shown) and all(row[i] in (None, "") for row in table.rows for i in shown)


# "What is Quill?", "Who was Efua?": asks what someone or something is.
_DEFINITION = lazy_compile(r"^\s*(?:what|who)\s+(?:is|are|was|were)\s+[^\s?][^?]*\?*\s*$", re.I)


def _describes(table: ResultTable, spec: ObjectSpec) -> bool:
    """Whether a row says what its record is: a free-text value besides its name, not only
    choices from a list (a status, a priority), dates, or a way to reach it (a phone number,
    an email or web address: "Anneliese Vogt (phone: 0161 496 0733)" does not say who she is)."""
    name = name_field(spec)
    free = [f for f in text_fields(spec) if f != name and not spec.fields[f].enum]
    columns = {c: i for i, c in enumerate(table.columns)}
    return any(
        isinstance(row[columns[f]], str)
        and row[columns[f]].strip()
        and not _CONTACT.search(row[columns[f]])
        for row in table.rows
        for f in free
        if f in columns
    )


# A value that is a way to reach someone, not a word about them: mostly digits, or an
# email or web address.
_CONTACT = lazy_compile(r"^[\d\s+().-]{6,}$|^\S+@\S+$|^(?:https?://|www\.)\S+$")


def _emptied(table: ResultTable) -> ResultTable:
    """A count or total over no records, as the empty result it is (no row answers)."""
    return ResultTable(columns=table.columns, rows=[], sql=table.sql)


def _unmapped(mapped: SchemaMap, q: Question, about: str | None = None) -> Answer:
    return Answer(
        representable=False,
        notice=(
            "The question names nothing this memory stores; its object types are "
            f"{', '.join(mapped.schema.objects)}."
        ),
        about=about or " ".join(q.terms) or q.text,
    )


# The asker in a question: "Who do I report to?", "Who is the user's dentist?".
_ASKER = frozenset((*SELF_WORDS, "user"))


def _asks_own(q: Question) -> bool:
    """Whether the question asks about the user's own ("What food do I prefer?") and names
    no one else ("What does Sam like?")."""
    return not q.names and bool(_ASKER & set(words(q.lowered)))
