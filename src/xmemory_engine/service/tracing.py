"""Which stored records an answer's rows came from, whoever wrote the SQL (a mind or an agent).

A checked SELECT whose rows are records (no aggregate, GROUP BY, DISTINCT or set operation)
is run with each table of its FROM and JOINs contributing its `xuid` as an extra column; the
extra columns are taken off again before anyone sees the rows, and kept as the trace. So the
rows a caller gets are exactly those of its own SQL, and the engine knows the records behind
them to show their evidence. Rows of other queries are traced by the xuid columns they show.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from xmemory_engine.minds.base import ResultTable
from xmemory_engine.sql_guard import CheckedSelect

HIDDEN = "__xm_trace_"
AS_WRITTEN_KEPT = 1024
"""Statement shapes remembered as needing no trace columns (`traced`)."""
_as_written: dict[Hashable, None] = {}
_as_written_lock = threading.Lock()


@dataclass
class TracedRecord:
    """One record behind a row: its table, its xuid, and the columns the row showed."""

    table: str
    xuid: str
    columns: list[str]


@dataclass
class Trace:
    """Records behind the rows of every statement one read ran, first rows first, and by the
    result table they came back in (a mind may run probes before the query that answers)."""

    records: list[TracedRecord] = field(default_factory=list)
    # id -> (the table, its records): the table is held so that its id is not reused by
    # another table while the read runs (a table the mind builds itself, at the address of
    # one it dropped, would otherwise be taken for it).
    _by_table: dict[int, tuple[ResultTable, list[TracedRecord]]] = field(default_factory=dict)

    def add(self, table: str, xuid: str, columns: list[str]) -> None:
        self.records.append(TracedRecord(table, xuid, columns))

    def behind(self, tables: list[ResultTable]) -> list[TracedRecord]:
        """The records behind these result tables; all traced records when none of them is a
        table this trace returned (a mind that rebuilt its tables)."""
        known = [self._by_table[id(t)][1] for t in tables if id(t) in self._by_table]
        return [r for records in known for r in records] if known else list(self.records)

    def returned(self, table: ResultTable, records: list[TracedRecord]) -> None:
        self._by_table[id(table)] = (table, records)


def traced(checked: CheckedSelect) -> tuple[str, list[str]] | None:
    """`with_trace` of a checked statement. Whether a statement needs trace columns follows
    from its shape alone (its tables, what it selects, its clauses; never a literal's text),
    so a shape seen to run as written is not parsed again to find that out."""
    shape = checked.shape
    if checked.as_written or (shape is not None and shape in _as_written):
        return None
    result = with_trace(checked.tree())
    if result is None and shape is not None:
        with _as_written_lock:
            if len(_as_written) >= AS_WRITTEN_KEPT:
                _as_written.clear()  # a rare reset; the shapes come back on their next read
            _as_written[shape] = None
    return result


def with_trace(tree: Any) -> tuple[str, list[str]] | None:
    """The statement with one hidden xuid column per source table, and those tables' names;
    None when its rows are not records, or already show the xuid of their one table (then it
    runs as written). `tree` is changed in place."""
    # Here, not at the top: sqlglot is imported with the first SQL checked (see sql_guard).
    from sqlglot import exp

    root = tree
    while isinstance(root, exp.Subquery):
        root = root.this
    if not isinstance(root, exp.Select):
        return None
    if root.args.get("group") or root.args.get("distinct"):
        return None
    from_ = root.args.get("from") or root.args.get("from_")
    candidates = [from_.this] if from_ is not None else []
    candidates += [join.this for join in root.args.get("joins") or []]
    tables = [c for c in candidates if isinstance(c, exp.Table)]
    if len(candidates) == 1 and tables and any(_shows_xuid(p) for p in root.expressions):
        return None  # its rows already name their records (`SELECT *`, `SELECT xuid, ...`)
    if root.find(exp.AggFunc):
        return None
    ctes = {cte.alias_or_name.lower() for cte in root.find_all(exp.CTE)}
    sources = [t for t in tables if t.name.lower() not in ctes]
    if not sources:
        return None
    # The tree is this read's own parse: extended in place, never copied (copying costs more
    # than the query).
    for i, source in enumerate(sources):
        column = exp.column("xuid", table=source.alias_or_name, quoted=True)
        root.select(exp.alias_(column, f"{HIDDEN}{i}", quoted=True), copy=False)
    return root.sql(dialect="sqlite"), [s.name for s in sources]


def _shows_xuid(projection: Any) -> bool:
    from sqlglot import exp

    if isinstance(projection, exp.Star):
        return True
    if isinstance(projection, exp.Column):
        return isinstance(projection.this, exp.Star) or projection.name.lower() == "xuid"
    return False


def split_trace(
    table: ResultTable, sources: list[str] | None, trace: Trace, keep: int, *, sql: str
) -> ResultTable:
    """`table` without the hidden columns; the records of its first `keep` rows go to `trace`
    (from the hidden columns, else from the xuid columns the rows show)."""
    hidden = [i for i, c in enumerate(table.columns) if c.startswith(HIDDEN)]
    shown = [i for i in range(len(table.columns)) if i not in hidden]
    shown_names = [table.columns[i] for i in shown]
    records: list[TracedRecord] = []
    if sources is not None and hidden:
        for row in table.rows[:keep]:
            for n, i in enumerate(hidden):
                if row[i] is not None and n < len(sources):
                    records.append(TracedRecord(sources[n], str(row[i]), shown_names))
    else:
        for row in table.rows[:keep]:
            for i, name in enumerate(table.columns):
                owner = _xuid_owner(name)
                if owner is not None and row[i] is not None:
                    records.append(TracedRecord(owner, str(row[i]), shown_names))
    rows: list[list[Any]] = [[row[i] for i in shown] for row in table.rows]
    # `replace` keeps the class, so a LimitedTable keeps its `truncated` flag; `sql` is the
    # statement as its author wrote it.
    clean = dataclasses.replace(table, columns=shown_names, rows=rows, sql=sql)
    trace.records += records
    trace.returned(clean, records)
    return clean


def _xuid_owner(column: str) -> str | None:
    """'xuid' -> '' (some table), 'person.xuid' -> 'person'; a relation's role column
    ('employee_xuid') names the other end, not the row's own record."""
    lowered = column.lower()
    if lowered == "xuid":
        return ""
    if lowered.endswith(".xuid"):
        return lowered[: -len(".xuid")]
    return None
