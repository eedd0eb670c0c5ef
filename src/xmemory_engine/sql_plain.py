"""The SQL guard's short way: plain statements judged without sqlglot.

The rules mind writes plain statements: one SELECT over one table (sometimes a join or an
EXISTS subquery), comparisons, `instr` / `lower` / `replace` / `coalesce`, ORDER BY, LIMIT.
Importing sqlglot (~80 ms, ~8 MB) and parsing the first statement of each kind (10-40 ms) was
most of what a freshly started server spent on its first read. `plain_select` parses a small
grammar of such statements by hand and applies to them every rule `sql_guard.check` applies;
a statement wholly made of that grammar and within every bound is let through on this parse.

It only ever *accepts*: anything it does not know (a word, a quote it is unsure of, a
function outside its list, a bound it cannot see, nesting near a limit) returns None and the
statement goes the long way, where sqlglot parses it and any refusal is made, with its
message. The tokens are those SQLite reads: a quote touching a word or another quote (`x'41'`,
`'a''b'`), comments, parameters, non-ASCII names or blanks make it give up.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass

MAX_PLAIN_DEPTH = 70
"""Deepest expression accepted here. sqlglot's tree is at most about twice as deep as this
parse (a column is two of its nodes), so its limit of 160 (`sql_guard.MAX_TREE_DEPTH`) is
never what would have refused a statement accepted here."""

_TOKEN = re.compile(
    r"(?P<blank>[ \t\n\r\f]+)"
    r"|(?P<string>'(?:[^']|'')*')"
    r'|(?P<name>"[^"\x00]*")'
    r"|(?P<number>[0-9]+)(?![0-9A-Za-z_.])"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\|\||<>|!=|<=|>=|[=<>(),.*+\-/%])"
)
_QUOTES = ("'", '"')

# SQLite's keywords: never taken for a bare name here (SQLite reads some of them as names in
# some places, sqlglot others; a quoted name is always a name).
_KEYWORD_LIST = """abort action add after all alter always analyze and as asc attach autoincrement before
    begin between by cascade case cast check collate column commit conflict constraint create
    cross current current_date current_time current_timestamp database default deferrable
    deferred delete desc detach distinct do drop each else end escape except exclude
    exclusive exists explain fail filter first following for foreign from full generated glob
    group groups having if ignore immediate in index indexed initially inner insert instead
    intersect into is isnull join key last left like limit match materialized natural no not
    nothing notnull null nulls of offset on or order others outer over partition plan pragma
    preceding primary query raise range recursive references regexp reindex release rename
    replace restrict returning right rollback row rows savepoint select set table temp
    temporary then ties to transaction trigger unbounded union unique update using vacuum
    values view virtual when where window with without true false"""
_KEYWORDS = frozenset(_KEYWORD_LIST.split())

# Function -> (fewest, most arguments). `count` also takes `*`.
_FUNCTIONS = {
    "lower": (1, 1),
    "upper": (1, 1),
    "length": (1, 1),
    "abs": (1, 1),
    "instr": (2, 2),
    "replace": (3, 3),
    "coalesce": (2, 16),
    "ifnull": (2, 2),
    "char": (1, 16),
    "count": (1, 1),
    "sum": (1, 1),
    "avg": (1, 1),
    "min": (1, 1),
    "max": (1, 1),
}
_AGGREGATES = frozenset({"count", "sum", "avg", "min", "max"})
# The argument that is a pattern, and the most characters it may have (as `sql_guard`).
_PATTERN_OF = {"instr": 1, "replace": 1}


@dataclass(frozen=True)
class PlainVerdict:
    """What the short way saw of a statement it let through."""

    as_written: bool
    """Its rows name their records already (one table, `*` or its xuid selected) or are not
    records (an aggregate): the read runs it without trace columns (`tracing.traced`)."""
    shape: bytes
    """A digest of its tokens with the texts of its strings and numbers left out."""
    bounds: tuple[tuple[tuple[int, ...], int], ...]
    """(ordinals among the statement's strings of the strings a pattern is made of, the most
    characters they may hold together): the verdict holds for any texts within these."""


VERDICTS_KEPT = 1024
"""Verdicts remembered by the statement's text with its strings cut out: a mind writes the
same few statements with other names in them ('... WHERE t.name = 'Person 00042''), and
parsing one again cost up to a few ms (a 2 KB statement of chained `replace`)."""
_verdicts: OrderedDict[tuple[int, int, int, tuple[str, ...], str], PlainVerdict | None] = (
    OrderedDict()
)
"""Also the templates it gave up on (None): they go the long way at once."""
_verdicts_lock = threading.Lock()
# A string (its text may vary: cut out), or a quoted name (kept, so that a quote inside it
# starts no string).
_QUOTED = re.compile(r"'((?:[^']|'')*)'|\"[^\"]*\"")


class _GiveUp(Exception):
    """Not a statement of this grammar (or not within its bounds): the long way decides."""


@dataclass
class _Expr:
    depth: int
    literal: tuple[str, list[int]] | None = None
    """Its text when it is constant text, and the ordinals of the strings it is made of."""
    column: str | None = None
    """The column's name when it is a bare column reference."""
    number: bool = False


# Binary operators by how tightly they bind (SQLite's order); NOT binds between AND and `=`.
_BINDING = {
    "or": 1,
    "and": 2,
    "=": 4,
    "<>": 4,
    "!=": 4,
    "like": 4,
    "is": 4,
    "<": 5,
    "<=": 5,
    ">": 5,
    ">=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "%": 7,
    "||": 8,
}
_NOT = 3
_END = ("end", "")
"""What `_Parser.peek` sees past the last token."""
_COMMA = ("op", ",")
_CLOSE = ("op", ")")


def plain_select(
    sql: str,
    allowed_tables: Collection[str],
    *,
    max_nesting: int,
    max_values: int,
    max_pattern: int,
) -> PlainVerdict | None:
    """A verdict on `sql` (trimmed of blanks and trailing semicolons) when it is a plain
    SELECT that `sql_guard.check` would let through; None when it cannot tell."""
    if "\x00" in sql:
        return None
    template, texts = _cut_strings(sql)
    tables = tuple(sorted({t.lower() for t in allowed_tables}))
    key = (max_nesting, max_values, max_pattern, tables, template)
    with _verdicts_lock:
        seen = key in _verdicts
        if seen:
            _verdicts.move_to_end(key)
            known = _verdicts[key]
    if seen:
        # Strings are values wherever this grammar lets them stand, and the tokens around
        # them are the template's: only the bounds on the patterns' lengths can differ.
        if known is not None and all(
            sum(len(texts[i]) for i in parts) <= most for parts, most in known.bounds
        ):
            return known
        return None
    parser = _Parser(set(tables), max_values, max_pattern)
    verdict = _judge(sql, parser, max_nesting)
    if verdict is not None or not parser.too_long:
        # (A statement given up on for a pattern's length may be plain with other strings.)
        with _verdicts_lock:
            _verdicts[key] = verdict
            while len(_verdicts) > VERDICTS_KEPT:
                _verdicts.popitem(last=False)
    return verdict


def _cut_strings(sql: str) -> tuple[str, list[str]]:
    """`sql` with the texts of its strings cut out, and those texts (unquoted)."""
    texts: list[str] = []

    def cut(m: re.Match[str]) -> str:
        if m.group(1) is None:
            return m.group()
        texts.append(m.group(1).replace("''", "'"))
        return "''"

    return _QUOTED.sub(cut, sql), texts


def _judge(sql: str, parser: _Parser, max_nesting: int) -> PlainVerdict | None:
    tokens = _tokenize(sql)
    if tokens is None:
        return None
    depth = deepest = 0
    for kind, text in tokens:
        if text == "(" and kind == "op":
            depth += 1
            deepest = max(deepest, depth)
        elif text == ")" and kind == "op":
            depth -= 1
    if deepest > max_nesting:
        return None
    parser.start(tokens)
    try:
        as_written = parser.statement()
    except (_GiveUp, RecursionError):
        return None
    digest = hashlib.blake2b(digest_size=32)
    # Its tokens with the texts of strings and numbers left out, as the long way's shapes.
    parts = ["plain", *sorted(parser.allowed), ";"]
    parts += [kind if kind in ("string", "number") else text for kind, text in tokens]
    digest.update("\x00".join(parts).encode("utf-8", "replace"))
    return PlainVerdict(as_written, digest.digest(), tuple(parser.bounds))


def _tokenize(sql: str) -> list[tuple[str, str]] | None:
    text = sql.strip(" \t\n\r\f")
    while text.endswith(";"):
        text = text[:-1].rstrip(" \t\n\r\f")
    tokens: list[tuple[str, str]] = []
    at = 0
    # One scan: a token not starting where the last one ended is text no token matches.
    for m in _TOKEN.finditer(text):
        start = m.start()
        if start != at:
            return None
        at = m.end()
        kind = m.lastgroup
        if kind == "blank":
            continue
        assert kind is not None
        value = m.group()
        if kind == "string" or kind == "name":
            before = text[start - 1] if start else " "
            after = text[at] if at < len(text) else " "
            # x'41' is a blob to SQLite; "a"b, 'a'b or 'a'"b" are tokens touching.
            if before.isalnum() or before in "_'\"" or after.isalnum() or after in "_'\"":
                return None
        elif (value == "-" or value == "/") and text[start : start + 2] in ("--", "/*"):
            return None  # a comment
        tokens.append((kind, value))
    return tokens if at == len(text) else None


def _unquoted(string: str) -> str:
    return string[1:-1].replace("''", "'")


class _Parser:
    def __init__(self, allowed: set[str], max_values: int, max_pattern: int) -> None:
        self.allowed = allowed
        self.max_values = max_values
        self.max_pattern = max_pattern
        self.too_long = False
        """It gave up because a pattern was longer than `max_pattern`."""
        self.start([])

    def start(self, tokens: list[tuple[str, str]]) -> None:
        # Ended by as many end tokens as `peek` looks ahead: no bounds check per look.
        self.tokens = [*tokens, _END, _END, _END]
        self.at = 0
        self.texts = [_unquoted(text) for kind, text in tokens if kind == "string"]
        self.strings = 0  # strings seen so far: the next one's ordinal
        self.bounds: list[tuple[tuple[int, ...], int]] = []
        self.aggregate = False
        self.deepest = 0

    # -- tokens ----------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> tuple[str, str]:
        return self.tokens[self.at + offset]

    def keyword(self, *words: str) -> bool:
        kind, text = self.peek()
        if kind == "word" and text.lower() in words:
            self.at += 1
            return True
        return False

    def op(self, *ops: str) -> bool:
        kind, text = self.peek()
        if kind == "op" and text in ops:
            self.at += 1
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            raise _GiveUp

    def expect_op(self, op: str) -> None:
        if not self.op(op):
            raise _GiveUp

    def name(self) -> str:
        """A bare name that is no keyword, or a quoted one."""
        kind, text = self.peek()
        if kind == "word" and text.lower() not in _KEYWORDS:
            self.at += 1
            return text
        if kind == "name":
            self.at += 1
            return text[1:-1]
        raise _GiveUp

    # -- statements ------------------------------------------------------------------------

    def statement(self) -> bool:
        """The whole statement; whether it runs as written (`PlainVerdict.as_written`)."""
        one_table, shows_xuid = self.select()
        if self.peek()[0] != "end":
            raise _GiveUp
        return (one_table and shows_xuid) or self.aggregate

    def select(self) -> tuple[bool, bool]:
        """SELECT ... FROM ... [JOIN ...] [WHERE] [ORDER BY] [LIMIT [OFFSET]]: (whether it
        reads one table, whether a projection shows whole rows or the xuid). `self.deepest`
        is the deepest expression in it."""
        self.expect_keyword("select")
        values = 0
        shows_xuid = False
        while True:
            values += 1
            shows_xuid |= self.projection()
            if not self.op(","):
                break
        if values > self.max_values:
            raise _GiveUp
        self.expect_keyword("from")
        self.table()
        tables = 1
        while True:
            if self.keyword("left"):
                self.expect_keyword("join")
            elif not self.keyword("join"):
                break
            self.table()
            tables += 1
            self.expect_keyword("on")
            self.expr()
        if self.keyword("where"):
            self.expr()
        if self.keyword("order"):
            self.expect_keyword("by")
            while True:
                self.expr()
                self.keyword("asc", "desc")
                if not self.op(","):
                    break
        if self.keyword("limit"):
            self.number()
            if self.keyword("offset"):
                self.number()
        return tables == 1, shows_xuid

    def projection(self) -> bool:
        if self.op("*"):
            return True
        if self.peek(1) == ("op", ".") and self.peek(2) == ("op", "*"):
            self.name()
            self.at += 2
            return True
        value = self.expr()
        if self.keyword("as"):
            self.name()
            return False
        return value.column is not None and value.column.lower() == "xuid"

    def table(self) -> None:
        table = self.name().lower()
        # As `sql_guard._check_table` (no CTEs here): reserved names and unknown tables are
        # refused the long way, with its message.
        if table not in self.allowed or table.startswith(("sqlite_", "_xm_")):
            raise _GiveUp
        if (
            self.keyword("as")
            or self.peek()[0] == "name"
            or (self.peek()[0] == "word" and self.peek()[1].lower() not in _KEYWORDS)
        ):
            self.name()

    def number(self) -> None:
        if self.peek()[0] != "number":
            raise _GiveUp
        self.at += 1

    # -- expressions, by SQLite's precedence -------------------------------------------------

    def expr(self, least: int = 1) -> _Expr:
        """An expression whose operators bind at least as tightly as `least` (precedence
        climbing: one call per operand, not one per precedence level)."""
        kind, text = self.tokens[self.at]
        if kind == "word" and text.lower() == "not":
            if least > _NOT:
                raise _GiveUp
            self.at += 1
            left = self._deep(self.expr(_NOT).depth + 1)
        else:
            left = self._unary()
        while True:
            kind, text = self.tokens[self.at]
            key = text.lower() if kind == "word" else text if kind == "op" else ""
            binding = _BINDING.get(key, 0)
            if binding < least:
                return left
            self.at += 1
            if key == "is":
                self.keyword("not")
                self.expect_keyword("null")
                left = self._deep(left.depth + 2)
                continue
            right = self.expr(binding + 1)
            literal = None
            if key == "||" and left.literal is not None and right.literal is not None:
                literal = (left.literal[0] + right.literal[0], left.literal[1] + right.literal[1])
            left = self._deep(max(left.depth, right.depth) + 1, literal)

    def _unary(self) -> _Expr:
        if self.tokens[self.at] == ("op", "-"):
            self.at += 1
            return self._deep(self._unary().depth + 1)
        return self._primary()

    def _primary(self) -> _Expr:
        # Told apart by the token's kind first: most are strings, calls and columns.
        kind, text = self.tokens[self.at]
        if kind == "string":
            self.at += 1
            ordinal = self.strings
            self.strings += 1
            return _Expr(1, (self.texts[ordinal], [ordinal]))
        if kind == "number":
            self.at += 1
            return _Expr(1, number=True)
        if kind == "word":
            word = text.lower()
            if word == "null":
                self.at += 1
                return _Expr(1, ("", []))
            if word == "exists":
                self.at += 1
                self.expect_op("(")
                around, self.deepest = self.deepest, 0
                self.select()
                self.expect_op(")")
                within, self.deepest = self.deepest, around
                return self._deep(within + 3)  # EXISTS, its SELECT and the clause
            if self.tokens[self.at + 1] == ("op", "("):
                return self._call(word)
        elif kind == "op" and text == "(":
            self.at += 1
            inner = self.expr()
            self.expect_op(")")
            return self._deep(inner.depth + 1, inner.literal)
        first = self.name()
        if self.op("."):
            return self._deep(3, None, self.name())
        return self._deep(2, None, first)

    def _call(self, function: str) -> _Expr:
        if function not in _FUNCTIONS:
            raise _GiveUp
        self.at += 2  # the name and "("
        if function in _AGGREGATES:
            self.aggregate = True
        if function == "count" and self.op("*"):
            self.expect_op(")")
            return _Expr(2)
        args = [self.expr()]
        tokens = self.tokens
        while tokens[self.at] == _COMMA:
            self.at += 1
            args.append(self.expr())
        if tokens[self.at] != _CLOSE:
            raise _GiveUp
        self.at += 1
        fewest, most = _FUNCTIONS[function]
        if not fewest <= len(args) <= most:
            raise _GiveUp
        if function in _PATTERN_OF:
            self._pattern(args[_PATTERN_OF[function]])
        literal: tuple[str, list[int]] | None = None
        if function == "char" and all(a.number for a in args):
            literal = ("x" * len(args), [])
        elif function in ("lower", "upper"):
            # lower('Élodie') is constant text still (as `sql_guard._literal_parts` reads it):
            # a pattern folded by the database as the column it is matched in.
            literal = args[0].literal
        return self._deep(max(a.depth for a in args) + 1, literal)

    def _pattern(self, arg: _Expr) -> None:
        """A pattern must be constant text of at most `max_pattern` characters (as
        `sql_guard._short_literal`); what its strings may hold is remembered as a bound."""
        if arg.literal is None:
            raise _GiveUp
        text, ordinals = arg.literal
        if len(text) > self.max_pattern:
            self.too_long = True
            raise _GiveUp
        own = sum(len(self.texts[i]) for i in ordinals)
        self.bounds.append((tuple(ordinals), self.max_pattern - (len(text) - own)))

    def _deep(
        self, depth: int, literal: tuple[str, list[int]] | None = None, column: str | None = None
    ) -> _Expr:
        if depth > MAX_PLAIN_DEPTH:
            raise _GiveUp
        if depth > self.deepest:
            self.deepest = depth
        return _Expr(depth, literal, column)
