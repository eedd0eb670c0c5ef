"""The read path's two locks: a static check of generated SQL, and a connection that cannot write.

Neither is enough alone (ARCHITECTURE.md, "Safety facts"): a read-only SQLite connection still
lets `PRAGMA query_only=OFF; ATTACH ...` create a file and `VACUUM INTO` leave one behind, and a
parser can be fooled by syntax it does not know. So generated SQL must pass both:

- `check_select` parses it with sqlglot: exactly one SELECT (or UNION / INTERSECT / EXCEPT), no
  data-changing or schema-changing node anywhere (data-modifying CTEs included), no PRAGMA,
  ATTACH or VACUUM, no table-valued or file/extension functions, only this instance's tables
  (and the CTEs the query itself defines). The schema tables (`sqlite_master`, ...) are *not*
  allowed: a mind knows the schema from the XMD model, and the file may hold engine tables.
- `ReadOnlySqlite` runs it on a `mode=ro` connection with `query_only`, an authorizer that allows
  only SELECT / READ / FUNCTION / RECURSIVE, no attached databases, a deadline and a row cap.

Both also bound the work one statement can do (docs/engine.md, "Limits"). The deadline is
checked between virtual-machine instructions, so it cannot stop one long function call: the
length limit (`MAX_VALUE_BYTES`) bounds what one call can build, and the check refuses the calls
whose time grows with the product of two long values (`instr` / `replace` / `trim` with a
computed pattern, `printf` with a computed or huge width), nesting deeper than `MAX_NESTING`,
and SQL longer than `MAX_SQL_CHARS` (so parsing is bounded too). A result is cut at
`row_limit` rows or `MAX_RESULT_BYTES`, and says so (`LimitedTable.truncated_by`).
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import sqlite3
import sys
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from xmemory_engine.errors import InvalidRequest, QueryRejected
from xmemory_engine.minds.base import ResultTable
from xmemory_engine.sql_plain import plain_select
from xmemory_engine.store.base import NotBrief

if TYPE_CHECKING:
    from sqlglot import exp

# sqlglot (about 80 ms and 8 MB to import) is imported by the first check that needs it, not
# with the engine: the plain statements the rules mind writes are judged without it
# (`sql_plain`), so a server that only writes and asks plain questions never pays for it.

# Node types that change data, schema, session or transaction state. Looked up by name so that
# a sqlglot release lacking one of them still imports.
_FORBIDDEN_NODE_NAMES = (
    "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "TruncateTable",
    "Command", "Pragma", "Attach", "Detach", "Transaction", "Commit", "Rollback", "Set",
    "Use", "Copy", "LoadData", "Analyze", "Grant", "Revoke", "Execute", "Declare", "Kill",
    "Cache", "Uncache", "Refresh", "Describe", "Show", "Summarize", "Comment", "Into", "Lock",
    "DML", "DDL",
)  # fmt: skip
_QUERY_ROOT_NAMES = ("Select", "SetOperation", "Union", "Intersect", "Except")


@functools.cache
def _node_types() -> tuple[tuple[type[Any], ...], tuple[type[Any], ...]]:
    """(the forbidden node types, the node types a query may be), once sqlglot is imported."""
    from sqlglot import exp

    def present(names: tuple[str, ...]) -> tuple[type[Any], ...]:
        return tuple(
            getattr(exp, name) for name in names if isinstance(getattr(exp, name, None), type)
        )

    return present(_FORBIDDEN_NODE_NAMES), present(_QUERY_ROOT_NAMES)


# Functions that read or write files, load code, run SQL from a string, sleep, or change
# server state (SQLite and PostgreSQL spellings).
_FORBIDDEN_FUNCTIONS = frozenset(
    {
        "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "zeroblob",
        "randomblob", "set_config", "nextval", "setval", "query_to_xml",
        "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml", "table_to_xml",
        "database_to_xml", "schema_to_xml", "current_setting",
    }
)  # fmt: skip
_FORBIDDEN_FUNCTION_PREFIXES = ("pg_", "lo_", "dblink")
# SQLite's own tables (`sqlite_master`, `sqlite_stat1`, ...) and the engine's (episodes, facts,
# jobs): never readable by generated SQL, not even through a CTE of the same name.
_RESERVED_PREFIXES = ("sqlite_", "_xm_")

MAX_SQL_CHARS = 50_000
"""Longest SQL text checked: parse time grows with it (up to 0.5 s for this much; the rules
mind writes at most 31 KB for a 40-word question)."""
MAX_ROW_VALUES = 128
"""Most values in one row a query builds (its result, or a record it stores): a row is built
with no check in between, so this times `MAX_VALUE_BYTES` bounds its memory (128 MiB)."""
MAX_NESTING = 32
"""Deepest nesting of parentheses (subqueries, expressions) in one statement: sqlglot's parser
recurses about 20 frames a level and fails near 42 levels of subqueries."""
MAX_TREE_DEPTH = 160
"""Deepest parsed expression (`a OR b OR c ...` nests without parentheses)."""
MAX_PATTERN_CHARS = 256
"""Longest literal pattern of `instr` / `replace` (and of LIKE / GLOB, at run time)."""
MAX_TRIM_CHARS = 32
"""Longest literal set of characters `trim` / `ltrim` / `rtrim` may remove."""
MAX_VALUE_BYTES = 1024 * 1024
"""SQLITE_LIMIT_LENGTH of the read connection: no value (or row) a query builds or reads is
longer (a stored value longer than this is seen whole in xresponse objects, not through SQL)."""
MAX_RESULT_BYTES = 4 * 1024 * 1024
"""Bytes of cells one result may hold (text as UTF-8, a BLOB as its hex); rows past it are cut.
A read's response carries its result twice (`reader_result` and `reader_results`)."""
# printf's widths and precisions: at most three digits, never `*` (taken from an argument).
_PRINTF_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d*)(?:\.(\*|\d*))?")


def load_parser(dialect: str = "sqlite") -> None:
    """Import the SQL parser now, with what its first check and first generated statement load
    (the dialect's parser and generator). For a server warming up in a worker thread while it
    waits for its first call; without it the first check imports them."""
    _, tree = checked_select("SELECT 1", (), dialect)
    tree.sql(dialect=dialect)


def check_select(sql: str, allowed_tables: Collection[str], dialect: str = "sqlite") -> str:
    """The statement to run when `sql` is one read-only query over `allowed_tables`.

    Raises `QueryRejected` saying what is wrong otherwise. The text returned is `sql` without
    surrounding whitespace and trailing semicolons.
    """
    return check(sql, allowed_tables, dialect).text


def checked_select(
    sql: str, allowed_tables: Collection[str], dialect: str = "sqlite"
) -> tuple[str, Any]:
    """`check_select`, also handing back the parsed statement (so it is parsed once)."""
    checked = check(sql, allowed_tables, dialect)
    return checked.text, checked.tree()


@dataclass
class CheckedSelect:
    """A statement `check` let through: its text to run, and its parse when asked for."""

    text: str
    shape: bytes | None
    """The key its verdict is remembered under (`SHAPES_KEPT`); None when it is not."""
    sql: str = field(repr=False)
    dialect: str = "sqlite"
    _tree: Any = field(default=None, repr=False)
    as_written: bool = False
    """Known without a parse: its rows name their records or are not records, so a read
    runs it with no trace columns (`tracing.traced`). False: not known (parse to find out)."""

    def tree(self) -> Any:
        """The parsed statement, this check's own (callers may change it in place)."""
        if self._tree is None:
            self._tree = _parse(self.sql, self.dialect)[0]
        return self._tree


SHAPES_KEPT = 1024
"""Statement shapes whose verdict is remembered. A mind writes the same few statements with
different values ("... WHERE t.name = 'Person 00042'"); parsing each again cost about 0.25 ms
of a 2-3 ms read. A shape is the statement's tokens with the text of its string and number
literals left out. What the check read of those texts is remembered with it: the lengths
of patterns (`instr(x, 'word')`), checked again on the next statement of that shape; a
verdict that read more (a printf format) is not remembered."""
Bounds = tuple[tuple[tuple[int, ...], int], ...]
"""(indexes of the tokens a pattern is made of, the most characters they may hold together)"""
_shapes: OrderedDict[bytes, Bounds] = OrderedDict()
_shapes_lock = threading.Lock()


def check(sql: str, allowed_tables: Collection[str], dialect: str = "sqlite") -> CheckedSelect:
    """`check_select`, as a `CheckedSelect`: a statement shaped like one already let through
    is not parsed again (its tree is parsed if a caller asks for it), and a plain one is
    judged without sqlglot (`sql_plain`)."""
    if not isinstance(sql, str) or not sql.strip():
        raise QueryRejected("the query is empty")
    if len(sql) > MAX_SQL_CHARS:
        raise QueryRejected(
            f"the query is {len(sql):,} characters long; at most {MAX_SQL_CHARS:,} are checked"
        )
    if dialect == "sqlite":
        plain = _checked_plain(sql, allowed_tables)
        if plain is not None:
            return plain
    split = _split_literals(sql)
    key = None if split is None else (dialect, _table_key(allowed_tables), split[0])
    if key is not None and split is not None:
        with _shapes_lock:
            known = _templates.get(key)
            if known is not None and _literals_within(known[1], split[1]):
                _templates.move_to_end(key)
                return CheckedSelect(_trimmed(sql), known[0], sql, dialect)
    # The package first, whole: a thread importing one of its modules directly while another
    # runs the package's __init__ deadlocks the two imports.
    import sqlglot  # noqa: F401
    from sqlglot.errors import SqlglotError

    try:
        tokens = _tokens(sql, dialect)
        shape = _shape(dialect, allowed_tables, tokens)
        with _shapes_lock:
            bounds = _shapes.get(shape)
            if bounds is not None and _within(bounds, tokens):
                _shapes.move_to_end(shape)
                _remember_template(key, split, shape, bounds, tokens)
                return CheckedSelect(_trimmed(sql), shape, sql, dialect)
        statements = _parse(sql, dialect, tokens)
    except SqlglotError as exc:
        raise QueryRejected(f"the query does not parse: {_first_line(str(exc))}") from exc
    except RecursionError as exc:  # nesting the token count let through (never expected)
        raise QueryRejected("the query is nested too deeply to check") from exc
    reads = _LiteralReads()
    _check_statements(statements, allowed_tables, reads)
    bounds = _remembered(statements[0], tokens, reads)
    if bounds is None:
        return CheckedSelect(_trimmed(sql), None, sql, dialect, statements[0])
    with _shapes_lock:
        _shapes[shape] = bounds
        while len(_shapes) > SHAPES_KEPT:
            _shapes.popitem(last=False)
        _remember_template(key, split, shape, bounds, tokens)
    return CheckedSelect(_trimmed(sql), shape, sql, dialect, statements[0])


# Tokenizing a statement to find its shape was most of a remembered check (~0.2 ms of Python
# per statement). A statement whose only differences from one already let through are the
# texts of its plain quoted strings ('Person 00042' for 'Person 00007') has that statement's
# tokens with other string texts, so its shape and verdict: it is found by its text with those
# strings cut out (a template), without tokenizing. Only text whose quoting is unambiguous
# makes a template (`_split_literals`), and only after its tokens were seen to agree.
TemplateKey = tuple[str, tuple[str, ...], str]
LiteralBounds = tuple[tuple[tuple[int, ...], int], ...]
"""As `Bounds`, with the ordinal of each string among the statement's strings for its token."""
_templates: OrderedDict[TemplateKey, tuple[bytes, LiteralBounds]] = OrderedDict()
# A plain string ('...': its text varies) or a plain quoted name ("...": kept as it is).
_PLAIN_QUOTED = re.compile(r"'([^'\\]*)'|\"[^\"'\\\x00]*\"")
# Between them: other quotes, comments, escapes and dollar or parameter syntax could make the
# tokenizer see strings elsewhere than this split does; such text makes no template.
_UNSURE = re.compile(r"[\"`\[\\$'?:@#\x00]|--|/\*")  # NUL: the template's own separator
_WORDLIKE = re.compile(r"\w")


def _split_literals(sql: str) -> tuple[str, list[str]] | None:
    """`sql` with the texts of its quoted strings cut out, and those texts; None unless every
    quote of `sql` plainly opens or closes a string or a name (no '' escape, no x'..' prefix,
    no quote touching a word or another quote)."""
    template: list[str] = []
    texts: list[str] = []
    at = 0
    for m in _PLAIN_QUOTED.finditer(sql):
        between = sql[at : m.start()]
        if _UNSURE.search(between):
            return None
        # 'a''b' (an escaped quote), x'41' (a prefix), 'a'b: quotes that touch other text.
        if (at > 0 and not between) or (between and _WORDLIKE.match(between[-1])):
            return None
        if at > 0 and between and _WORDLIKE.match(between[0]):
            return None
        template.append(between)
        if m.group(1) is None:
            template.append(m.group())  # a name: part of the template
        else:
            template.append("\x00")
            texts.append(m.group(1))
        at = m.end()
    rest = sql[at:]
    if _UNSURE.search(rest) or (at > 0 and rest and _WORDLIKE.match(rest[0])):
        return None
    template.append(rest)
    return "".join(template), texts


def _checked_plain(sql: str, allowed_tables: Collection[str]) -> CheckedSelect | None:
    """`sql` let through by `sql_plain.plain_select`; None when it cannot tell."""
    verdict = plain_select(
        sql,
        allowed_tables,
        max_nesting=MAX_NESTING,
        max_values=MAX_ROW_VALUES,
        max_pattern=MAX_PATTERN_CHARS,
    )
    if verdict is None:
        return None
    return CheckedSelect(_trimmed(sql), verdict.shape, sql, "sqlite", as_written=verdict.as_written)


def _table_key(allowed_tables: Collection[str]) -> tuple[str, ...]:
    return tuple(sorted(t.lower() for t in allowed_tables))


def _literals_within(bounds: LiteralBounds, texts: list[str]) -> bool:
    return all(sum(len(texts[i]) for i in parts) <= most for parts, most in bounds)


def _remember_template(
    key: TemplateKey | None,
    split: tuple[str, list[str]] | None,
    shape: bytes,
    bounds: Bounds,
    tokens: list[Any],
) -> None:
    """Remember `key` -> the verdict of `shape` when the tokenizer found exactly the strings
    `split` did, in order, as string tokens, and every bound is on such a string (called with
    `_shapes_lock` held)."""
    from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

    if key is None or split is None:
        return
    strings = [i for i, t in enumerate(tokens) if t.token_type == TokenType.STRING]
    if [tokens[i].text for i in strings] != split[1]:
        return
    ordinal = {index: k for k, index in enumerate(strings)}
    if any(i not in ordinal for parts, _ in bounds for i in parts):
        return
    _templates[key] = (shape, tuple((tuple(ordinal[i] for i in p), m) for p, m in bounds))
    while len(_templates) > SHAPES_KEPT:
        _templates.popitem(last=False)


@dataclass
class _LiteralReads:
    """What a verdict read of the statement's literals."""

    bounds: list[tuple[tuple[int, ...], int]] = field(default_factory=list)
    """(start offsets of the literals a pattern is made of, the most characters they may hold
    together): the verdict holds for any texts within these."""
    content: bool = False
    """It read more than lengths (a printf format): the verdict is not remembered."""

    def bound(self, literals: list[Any], most: int) -> None:
        starts = [lit.meta.get("start") for lit in literals]
        if any(not isinstance(s, int) for s in starts):
            self.content = True  # a literal the parser made up: no token to find it by
            return
        self.bounds.append((tuple(starts), most))


def _remembered(tree: Any, tokens: list[Any], reads: _LiteralReads) -> Bounds | None:
    """The bounds to remember the verdict of `tree` with; None when it cannot be."""
    from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

    if reads.content or not _literals_are_values(tree, tokens):
        return None
    values = (TokenType.STRING, TokenType.NUMBER)
    index = {t.start: i for i, t in enumerate(tokens) if t.token_type in values}
    bounds = []
    for starts, most in reads.bounds:
        if any(s not in index for s in starts):
            return None
        bounds.append((tuple(index[s] for s in starts), most))
    return tuple(bounds)


def _within(bounds: Bounds, tokens: list[Any]) -> bool:
    return all(sum(len(tokens[i].text) for i in parts) <= most for parts, most in bounds)


def _check_statements(
    statements: list[Any], allowed_tables: Collection[str], reads: _LiteralReads
) -> None:
    """Refuse (`QueryRejected`) unless `statements` is one read-only query over
    `allowed_tables`; what the verdict read of literals goes to `reads`."""
    from sqlglot import exp

    forbidden_nodes, query_roots = _node_types()
    if len(statements) != 1:
        raise QueryRejected(
            f"exactly one SELECT statement is allowed, got {len(statements)} statements"
        )
    root = statements[0]
    while isinstance(root, exp.Subquery):
        root = root.this
    if not isinstance(root, query_roots):
        raise QueryRejected(f"only SELECT queries are allowed, got {_describe(statements[0])}")
    _check_depth(statements[0])
    allowed = {t.lower() for t in allowed_tables}
    for node in statements[0].walk():
        if isinstance(node, forbidden_nodes):
            raise QueryRejected(
                f"{_describe(node)} is not allowed in a read; only SELECT queries run"
            )
        if isinstance(node, exp.Func):
            _check_function(node, reads)
        if isinstance(node, (exp.Select, exp.Tuple)) and len(node.expressions) > MAX_ROW_VALUES:
            raise QueryRejected(
                f"a row of {len(node.expressions)} values is selected; at most {MAX_ROW_VALUES} "
                "are allowed (select fewer columns)"
            )
        if isinstance(node, exp.Table):
            _check_table(node, allowed, _visible_ctes(node))
        if isinstance(node, exp.CTE) and node.alias_or_name.lower().startswith(_RESERVED_PREFIXES):
            raise QueryRejected(
                f"the name {node.alias_or_name!r} is not one of this instance's tables and is "
                "reserved; name the CTE otherwise"
            )


def _tokens(sql: str, dialect: str) -> list[Any]:
    """Tokens first: their parentheses say how deep the statement nests before the (recursive)
    parser sees it, so 3,000 nested parentheses are a refusal, not a RecursionError."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

    tokens: list[Any] = Dialect.get_or_raise(dialect).tokenize(sql)
    depth = deepest = 0
    for token in tokens:
        if token.token_type == TokenType.L_PAREN:
            depth += 1
            deepest = max(deepest, depth)
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
    if deepest > MAX_NESTING:
        raise QueryRejected(
            f"the query nests parentheses {deepest} deep; at most {MAX_NESTING} are allowed"
        )
    return tokens


def _parse(sql: str, dialect: str, tokens: list[Any] | None = None) -> list[Any]:
    """The statements of `sql` (None ones left out), from its tokens."""
    from sqlglot.dialects.dialect import Dialect

    if tokens is None:
        tokens = _tokens(sql, dialect)
    parsed = Dialect.get_or_raise(dialect).parser().parse(tokens, sql)
    return [s for s in parsed if s is not None]


def _shape(dialect: str, allowed_tables: Collection[str], tokens: list[Any]) -> bytes:
    """A digest of the dialect, the allowed tables and the tokens with the text of string and
    number literals left out (their kind kept). A digest, not the tokens: a remembered shape
    of a 30 KB statement would otherwise keep ~0.5 MB. Every part is written with its length,
    so two different sequences never write the same bytes."""
    from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

    def part(text: str) -> str:
        return f"{len(text)}:{text}"

    values = (TokenType.STRING, TokenType.NUMBER)
    parts = [part(dialect), *sorted(part(t.lower()) for t in allowed_tables), ";"]
    for t in tokens:
        parts.append(part(t.token_type.name))
        parts.append("~" if t.token_type in values else part(t.text))
        parts.append(f"{len(t.comments)}#" + "".join(part(c) for c in t.comments))
    digest = hashlib.blake2b(digest_size=32)
    digest.update("".join(parts).encode("utf-8", "surrogatepass"))
    return digest.digest()


@functools.cache
def _value_parents() -> tuple[type[Any], ...]:
    """Nodes under which a literal is only a value: whatever its text, the parse around it is
    the same and no check reads it (`_literals_are_values`)."""
    from sqlglot import exp

    names = (
        "EQ", "NEQ", "GT", "GTE", "LT", "LTE", "NullSafeEQ", "NullSafeNEQ", "Is", "In",
        "Like", "ILike", "Glob", "Between", "Limit", "Offset", "Alias", "Neg", "Not",
        "Paren", "Tuple", "Add", "Sub", "Mul", "Div", "Mod", "Coalesce", "Lower", "Upper",
        "Length", "Cast", "TryCast", "Case", "If", "Escape", "Anonymous", "StrPosition",
        "Replace", "Trim", "DPipe", "Concat", "Chr", "Select", "Where", "Substring",
    )  # fmt: skip
    return tuple(getattr(exp, name) for name in names if isinstance(getattr(exp, name, None), type))


def _literals_are_values(tree: Any, tokens: list[Any]) -> bool:
    """Whether every string and number token became a literal node of its own, in a place
    where only its value matters (`_value_parents`): then a statement that differs from this
    one only in those texts parses to the same tree with other values, and gets the same
    verdict. Not so where the parser turns a string into a name (`FROM 'person'`), a JSON
    path or a time format."""
    from sqlglot import exp
    from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

    said = Counter(
        (t.token_type == TokenType.STRING, t.text)
        for t in tokens
        if t.token_type in (TokenType.STRING, TokenType.NUMBER)
    )
    literals = list(tree.find_all(exp.Literal))
    parsed = Counter((bool(n.is_string), str(n.this)) for n in literals)
    parents = _value_parents()
    return parsed == said and all(isinstance(n.parent, parents) for n in literals)


def _check_depth(root: Any) -> None:
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise QueryRejected(
                f"the query nests expressions more than {MAX_TREE_DEPTH} deep; write it flatter"
            )
        stack += [(child, depth + 1) for child in node.iter_expressions()]


def _visible_ctes(node: exp.Expression) -> set[str]:
    """CTE names defined where `node` stands: by a WITH of the query holding it or of a query
    around that one, never by a WITH inside a sibling subquery."""
    from sqlglot import exp

    names: set[str] = set()
    scope = node.parent
    while scope is not None:
        with_ = scope.args.get("with_") or scope.args.get("with")
        if isinstance(with_, exp.With):
            names.update(cte.alias_or_name.lower() for cte in with_.expressions)
        scope = scope.parent
    return names


def _check_function(node: exp.Func, reads: _LiteralReads) -> None:
    from sqlglot import exp

    name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
    if name in _FORBIDDEN_FUNCTIONS or name.startswith(_FORBIDDEN_FUNCTION_PREFIXES):
        raise QueryRejected(f"the function {name}() is not allowed in a read")
    # One call of these is not interrupted by the deadline, and its time grows with the
    # length of the text times the length of the pattern (measured: instr / replace with a
    # computed 1 MB pattern over 2 MB, 25 s; trim with a 100 KB set, 29 s).
    if isinstance(node, exp.StrPosition):
        _short_literal(node.args.get("substr"), "instr", MAX_PATTERN_CHARS, reads)
    elif isinstance(node, exp.Replace):
        _short_literal(node.args.get("expression"), "replace", MAX_PATTERN_CHARS, reads)
    elif isinstance(node, exp.Trim) and node.args.get("expression") is not None:
        _short_literal(node.args.get("expression"), "trim", MAX_TRIM_CHARS, reads)
    elif isinstance(node, exp.Format) or (isinstance(node, exp.Anonymous) and name == "printf"):
        first = node.this if isinstance(node, exp.Format) else (node.expressions or [None])[0]
        reads.content = True
        _check_printf(first)
    elif isinstance(node, exp.Anonymous) and name in _PATTERN_ARGUMENT:
        # Spellings sqlglot leaves unparsed; like(P, X) and glob(P, X) name the pattern first.
        index, limit = _PATTERN_ARGUMENT[name]
        if len(node.expressions) > max(index, 1):
            _short_literal(node.expressions[index], name, limit, reads)


# Function -> (index of its pattern argument, longest literal pattern), for calls sqlglot
# keeps as plain function calls.
_PATTERN_ARGUMENT = {
    "instr": (1, MAX_PATTERN_CHARS),
    "replace": (1, MAX_PATTERN_CHARS),
    "like": (0, MAX_PATTERN_CHARS),
    "glob": (0, MAX_PATTERN_CHARS),
    "trim": (1, MAX_TRIM_CHARS),
    "ltrim": (1, MAX_TRIM_CHARS),
    "rtrim": (1, MAX_TRIM_CHARS),
}


def _short_literal(node: Any, function: str, limit: int, reads: _LiteralReads) -> None:
    parts = _literal_parts(node)
    if parts is None:
        raise QueryRejected(
            f"{function}()'s pattern must be literal text (quoted, or char(...)): with a "
            "computed one a single call can run for minutes"
        )
    text, literals = parts
    if len(text) > limit:
        raise QueryRejected(
            f"{function}()'s pattern is {len(text):,} characters; at most {limit} are allowed"
        )
    # The literals' own texts may take what the rest of the pattern (char(...)) leaves.
    reads.bound(literals, limit - (len(text) - sum(len(str(lit.this)) for lit in literals)))


def _literal_text(node: Any) -> str | None:
    """The text of a constant (a literal, NULL, char(...) of numbers, or `||` of those)."""
    parts = _literal_parts(node)
    return None if parts is None else parts[0]


def _literal_parts(node: Any) -> tuple[str, list[Any]] | None:
    """`_literal_text`, and the literal nodes whose texts it is made of."""
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return _literal_parts(node.this)
    if isinstance(node, (exp.Lower, exp.Upper)):
        # lower('Élodie'): a constant still, folded by the database as the text it meets is.
        return _literal_parts(node.this)
    if isinstance(node, exp.Literal):
        return str(node.this), [node]
    if isinstance(node, exp.Null):
        return "", []
    if isinstance(node, exp.Chr) and all(
        isinstance(e, exp.Literal) and not e.is_string for e in node.expressions
    ):
        return "x" * len(node.expressions), []
    if isinstance(node, exp.DPipe):
        left, right = _literal_parts(node.this), _literal_parts(node.expression)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] + right[1]
    return None


def _check_printf(fmt: Any) -> None:
    text = _literal_text(fmt)
    if text is None:
        raise QueryRejected("printf()'s format must be literal text")
    for width, precision in _PRINTF_SPEC.findall(text):
        if "*" in (width, precision) or len(width) > 3 or len(precision or "") > 3:
            # printf('%.*c', 2000000000, 'x') runs 10 s in one call even with the length limit.
            raise QueryRejected(
                "printf() widths and precisions must be written in the format, at most 999"
            )


def _check_table(node: exp.Table, allowed: set[str], ctes: set[str]) -> None:
    from sqlglot import exp

    if isinstance(node.this, exp.Func):
        raise QueryRejected(
            f"table-valued functions such as {node.this.sql()} are not allowed; "
            "select from this instance's tables"
        )
    if node.args.get("db") is not None or node.args.get("catalog") is not None:
        raise QueryRejected(
            f"qualified table names ({node.sql()}) are not allowed; use the bare table name"
        )
    name = node.name.lower()
    if name.startswith(_RESERVED_PREFIXES):
        raise QueryRejected(
            f"the table {node.name!r} is not one of this instance's tables: it is the engine's "
            "or SQLite's own"
        )
    if name in ctes:
        return
    if name not in allowed:
        known = ", ".join(sorted(allowed)) or "(none)"
        raise QueryRejected(
            f"the table {node.name!r} is not one of this instance's tables ({known})"
        )


def _describe(node: Any) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Command):
        return f"a {str(node.this).upper()} statement"
    return f"a {type(node).__name__.upper()} statement"


def _trimmed(sql: str) -> str:
    text = sql.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "syntax error"


# -- executing ---------------------------------------------------------------------------------

_ALLOWED_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_READ,
        sqlite3.SQLITE_FUNCTION,
        getattr(sqlite3, "SQLITE_RECURSIVE", 33),
    }
)
# `sqlite3.SQLITE_LIMIT_*` appeared in Python 3.11; the numbers are SQLite's own.
_LIMIT_LENGTH = getattr(sqlite3, "SQLITE_LIMIT_LENGTH", 0)
_LIMIT_ATTACHED = getattr(sqlite3, "SQLITE_LIMIT_ATTACHED", 7)
_LIMIT_LIKE_PATTERN_LENGTH = getattr(sqlite3, "SQLITE_LIMIT_LIKE_PATTERN_LENGTH", 8)
# Where no limit can be set (see `_limit_setter`) a value's length is not capped: refuse the
# functions that build long values from short SQL and that the rules mind does not need
# (`replace` it does: chained `replace` and `||` doubling stay bounded by the deadline only).
_UNCAPPED_FUNCTIONS = frozenset({"printf", "format", "group_concat", "hex", "quote"})
# How many virtual-machine instructions run between two deadline (and memory) checks: one
# function call can add 2 MiB, and a wide row is a few instructions a column.
_PROGRESS_EVERY = 200
_LIMIT_FUNCTION_ARG = getattr(sqlite3, "SQLITE_LIMIT_FUNCTION_ARG", 6)
_MAX_FUNCTION_ARGS = 32
MAX_QUERY_MEMORY = 128 * 1024 * 1024
"""SQLite heap one query may add (a row of 400 one-MiB columns took 1.2 GB without it)."""


@functools.cache
def _sqlite_memory_used() -> Callable[[], int] | None:
    """SQLite's `sqlite3_memory_used`, found through the `_sqlite3` module's own library;
    None where it cannot be found (then only the deadline and the length limit bound memory)."""
    import ctypes

    try:
        import _sqlite3

        function = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
    except (ImportError, OSError, AttributeError):
        return None
    function.restype = ctypes.c_int64
    function.argtypes = []
    return cast("Callable[[], int]", function)


def _limit_setter(conn: sqlite3.Connection) -> Callable[[int, int], int] | None:
    """`conn.setlimit`, or on Python 3.10 (which lacks it) SQLite's own `sqlite3_limit` called
    through ctypes on the connection's handle; None when neither can be had. The handle is
    CPython's `pysqlite_Connection.db`, the first field after the object header; it is used
    only after `sqlite3_limit` reads back SQLite's default length limit through it."""
    setlimit = getattr(conn, "setlimit", None)
    if setlimit is not None:
        return cast("Callable[[int, int], int]", setlimit)
    if sys.implementation.name != "cpython":
        return None
    import ctypes

    try:
        import _sqlite3

        function = ctypes.CDLL(_sqlite3.__file__).sqlite3_limit
    except (ImportError, OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    function.restype = ctypes.c_int
    handle = ctypes.c_void_p.from_address(id(conn) + 2 * ctypes.sizeof(ctypes.c_void_p)).value
    if not handle or function(handle, _LIMIT_LENGTH, -1) < 1_000_000:
        return None

    def set_limit(category: int, value: int) -> int:
        return int(function(handle, category, value))

    return set_limit


def _probe_value_cap() -> bool:
    conn = sqlite3.connect(":memory:")
    try:
        return _limit_setter(conn) is not None
    finally:
        conn.close()


CAN_CAP_VALUES = _probe_value_cap()
"""Whether this Python can cap the length of a value a query builds (3.11+, or 3.10 through
ctypes); where it cannot, the functions that build long values are refused instead."""


@dataclass
class LimitedTable(ResultTable):
    """A ResultTable that says whether a cap cut it short, and which: "rows" or "bytes"."""

    truncated: bool = False
    truncated_by: str | None = None


class SqlReader(Protocol):
    """What runs generated SQL for a read: `ReadOnlySqlite`, or its PostgreSQL twin
    (`store/postgres/reader.py`)."""

    row_limit: int
    time_limit: float

    def run(self, sql: str, *, deadline: float | None = None) -> LimitedTable: ...
    def close(self) -> None: ...


READ_CACHE_KIB = 512
"""Page cache of a read connection (SQLite's default: 2 MiB each). A lookup reads a few pages
of an index and of a table; what falls out of this cache is read again from the operating
system's (a copy, no disk). At 100,000 records the default filled up and stayed: memory the
server held for a speed-up it barely gave."""
READ_STATEMENTS_KEPT = 16
"""Prepared statements a read connection keeps (Python's default: 128). Generated SQL carries
its values in its text, so a statement is rarely run twice; 128 prepared statements of a
mind's longer SQL held megabytes."""
WIDTHS_KEPT = 256
"""Statement shapes whose row width a read connection remembers (`ReadOnlySqlite.run`)."""


class ReadOnlySqlite:
    """One read-only connection to an instance's SQLite file, safe to share between threads.

    `allowed_tables`, when given, is enforced again by the authorizer at run time, so even SQL
    that reached `run` without `check_select` cannot read another table.
    """

    def __init__(
        self,
        path: Path,
        *,
        row_limit: int = 1000,
        time_limit: float = 5.0,
        allowed_tables: Collection[str] | None = None,
        byte_limit: int = MAX_RESULT_BYTES,
        value_limit: int = MAX_VALUE_BYTES,
    ) -> None:
        if row_limit < 1 or byte_limit < 1 or value_limit < 1:
            raise ValueError("row_limit, byte_limit and value_limit must be at least 1")
        if not (time_limit > 0 and math.isfinite(time_limit)):
            raise ValueError("time_limit must be a positive number of seconds")
        self.path = Path(path)
        self.row_limit = row_limit
        self.time_limit = time_limit
        self.byte_limit = byte_limit
        self.value_limit = value_limit
        self._allowed = None if allowed_tables is None else {t.lower() for t in allowed_tables}
        self._lock = threading.Lock()
        self._deadline = math.inf
        self._stopped: str | None = None
        self._memory_used = _sqlite_memory_used()
        self._memory_ceiling = math.inf
        uri = self.path.resolve().as_uri() + "?mode=ro"
        self._conn = sqlite3.connect(
            uri,
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            cached_statements=READ_STATEMENTS_KEPT,
        )
        try:
            self._conn.execute("PRAGMA query_only=ON")
            self._conn.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
            self._conn.execute("PRAGMA trusted_schema=OFF")
            self._conn.execute(f"PRAGMA busy_timeout={int(time_limit * 1000)}")
            setlimit = _limit_setter(self._conn)
            self._capped = setlimit is not None
            if setlimit is not None:  # the authorizer denies ATTACH anyway
                setlimit(_LIMIT_ATTACHED, 0)
                setlimit(_LIMIT_LENGTH, value_limit)
                setlimit(_LIMIT_LIKE_PATTERN_LENGTH, MAX_PATTERN_CHARS)
                setlimit(_LIMIT_FUNCTION_ARG, _MAX_FUNCTION_ARGS)
            self._conn.set_authorizer(self._authorize)
            self._conn.set_progress_handler(self._past_deadline, _PROGRESS_EVERY)
        except BaseException:
            self._conn.close()
            raise
        self._closed = False
        # shape -> the widest row its statements build (`_check_width`), newest last
        self._widths: OrderedDict[Hashable, int] = OrderedDict()

    def run(
        self,
        sql: str,
        *,
        deadline: float | None = None,
        brief: float | None = None,
        shape: Hashable | None = None,
    ) -> LimitedTable:
        """Rows of one SELECT: at most `row_limit` of them and `byte_limit` bytes of cells,
        within `time_limit` seconds (or by `deadline`, a `time.monotonic()`, when sooner).

        Raises `QueryRejected` when the connection refuses the statement, it runs too long or
        a value grows past `value_limit`; `InvalidRequest` (field `sql`) with the database's
        message when the SQL is wrong (a missing column, say), so a mind can repair it.

        With `brief` (seconds), for a caller on the event loop: the connection is not waited
        for and the statement gets only that long; `NotBrief` when it is busy or the
        statement needed longer (then it is to be run again from a worker thread).

        `shape`: a key that only statements of one program share (`CheckedSelect.shape`, the
        statement's tokens without the texts of its literals): the width of its rows is read
        from the EXPLAIN of the first and kept (this connection's tables do not change: a new
        schema version gets a new connection).
        """
        if brief is None:
            self._lock.acquire()
        elif not self._lock.acquire(blocking=False):
            raise NotBrief(f"the read connection to {self.path} is in use")
        try:
            if self._closed:
                raise RuntimeError(f"the read connection to {self.path} is closed")
            self._stopped = None
            if self._memory_used is not None:
                self._memory_ceiling = self._memory_used() + MAX_QUERY_MEMORY
            now = time.monotonic()
            self._deadline = now + self.time_limit
            if deadline is not None:
                self._deadline = min(self._deadline, deadline)
            cut_short = False  # the brief limit, not the read's own, stops a long statement
            if brief is not None and now + brief < self._deadline:
                self._deadline = now + brief
                cut_short = True
            try:
                self._check_width(sql, shape)
                cursor = self._conn.execute(sql)
                columns = [d[0] for d in cursor.description or ()]
                rows, truncated_by = self._fetch(cursor)
                cursor.close()
            except (sqlite3.Error, sqlite3.Warning) as exc:
                if cut_short and self._stopped == "time":
                    raise NotBrief(f"the query needed more than {brief} s") from exc
                raise self._translate(exc) from exc
            finally:
                self._deadline = math.inf
        finally:
            self._lock.release()
        return LimitedTable(
            columns=columns,
            rows=rows,
            sql=sql,
            truncated=truncated_by is not None,
            truncated_by=truncated_by,
        )

    def _check_width(self, sql: str, shape: Hashable | None = None) -> None:
        """Refuse a statement whose program builds a row of more than `MAX_ROW_VALUES` values
        (`ResultRow` / `MakeRecord`), read from its EXPLAIN before it runs (once per `shape`:
        the EXPLAIN took most of a lookup's time in SQLite)."""
        widest = self._widths.get(shape) if shape is not None else None
        if widest is None:
            widest = max(
                (
                    int(p2)
                    for _, opcode, _, p2, *_ in self._conn.execute("EXPLAIN " + sql)
                    if opcode in ("ResultRow", "MakeRecord")
                ),
                default=0,
            )
            # Kept only well within the limit: a plan SQLite picks for other values (it may
            # sort, or not) builds rows of the same values, never twice as many.
            if shape is not None and 2 * widest <= MAX_ROW_VALUES:
                self._widths[shape] = widest
                if len(self._widths) > WIDTHS_KEPT:
                    self._widths.popitem(last=False)
        if widest > MAX_ROW_VALUES:
            raise QueryRejected(
                f"the query builds rows of {widest} values; at most {MAX_ROW_VALUES} are "
                "allowed (select fewer columns)"
            )

    def _fetch(self, cursor: sqlite3.Cursor) -> tuple[list[list[Any]], str | None]:
        """Rows one at a time until a cap: a row past `row_limit`, or one whose cells would
        take the result past `byte_limit` (then it and the rest are left out)."""
        rows: list[list[Any]] = []
        budget = self.byte_limit
        while (row := cursor.fetchone()) is not None:
            if len(rows) == self.row_limit:
                return rows, "rows"
            cells = [_cell(v) for v in row]
            budget -= sum(_size(c) for c in cells)
            if budget < 0:
                return rows, "bytes"
            rows.append(cells)
        return rows, None

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def _authorize(
        self, action: int, arg1: str | None, arg2: str | None, db: str | None, _trigger: str | None
    ) -> int:
        if action not in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_FUNCTION:
            function = (arg2 or "").lower()
            if function in _FORBIDDEN_FUNCTIONS:
                return sqlite3.SQLITE_DENY
            if not self._capped and function in _UNCAPPED_FUNCTIONS:
                return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_READ and db is not None:
            # db is None for a CTE's or subquery's columns (WITH RECURSIVE n(x) ... FROM n):
            # nothing stored. A stored table is always read from a named database.
            table = (arg1 or "").lower()
            if db != "main" or table.startswith(_RESERVED_PREFIXES):
                return sqlite3.SQLITE_DENY
            if self._allowed is not None and table not in self._allowed:
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    def _past_deadline(self) -> int:
        if time.monotonic() > self._deadline:
            self._stopped = "time"
            return 1
        if self._memory_used is not None and self._memory_used() > self._memory_ceiling:
            self._stopped = "memory"
            return 1
        return 0

    def _translate(self, exc: Exception) -> Exception:
        message = str(exc) or type(exc).__name__
        if self._stopped == "time":
            return QueryRejected(
                f"the query ran longer than the {self.time_limit:g} s time limit and was stopped"
            )
        if self._stopped == "memory":
            return QueryRejected(
                f"the query took more than {MAX_QUERY_MEMORY // (1024 * 1024)} MiB of memory "
                "and was stopped; select fewer or shorter values"
            )
        lowered = message.lower()
        refused = (
            "not authorized",
            "authorization denied",
            "prohibited",
            "one statement at a time",
            "readonly",
            "read-only",
        )
        if any(word in lowered for word in refused):
            return QueryRejected(f"the read-only connection refused the query: {message}")
        if "too big" in lowered:
            return QueryRejected(
                f"a value the query builds or reads is over the {self.value_limit:,}-byte limit "
                "on one value, and the query was stopped"
            )
        too_complex = ("pattern too complex", "too large", "too many", "too deep")
        if any(word in lowered for word in too_complex):
            return QueryRejected(f"the query is over one of SQLite's limits: {message}")
        return InvalidRequest(f"the query failed: {message}", field="sql")


def _size(cell: Any) -> int:
    """About the bytes a cell takes in a JSON answer."""
    if isinstance(cell, str):
        return len(cell.encode("utf-8", "surrogatepass")) + 2
    return 8 if cell is None else 24


def _cell(value: Any) -> Any:
    """A JSON-friendly cell: BLOBs become hex text, an infinite REAL (`SELECT 1e999`) the text
    JSON has no number for."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, float) and not math.isfinite(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value
