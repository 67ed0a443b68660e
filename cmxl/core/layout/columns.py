"""The columns of a table sheet, declared once: a header, how a record gives the column's value,
its style and width, and the conditional formats it carries. The header row, the body, the
styles, the widths, the rules and any other sheet's look-ups (个人画像 reads 评分明细 by header)
all come from one list, so inserting a column is one line and nothing is kept in step by
position."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Generic, TypeVar

from cmxl.core.cellref import a1
from cmxl.core.layout.spec import ColumnMap, ConditionalFormat, Rows, SheetSpec, cell_range

R = TypeVar("R")
S = TypeVar("S")

# (the column's range, its first data cell) -> the rules on it; one rule object given to several
# columns is one set of rules over all of their ranges (an item's 级别 columns in 评分明细)
Rule = Callable[[str, str], list[ConditionalFormat]]


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    # the record's value in this column: the path of an attribute ("p.unit": the unit of the
    # record's p; "gaps[3]": the fourth of its gaps), or a function of the record
    value: str | Callable[[R], object]
    style: str | None = "text"
    width: float | None = None  # a fixed width; None: fitted to the content
    max_width: float | None = None  # fitted, but no wider than this
    look: Callable[[object], str | None] | None = None  # a style by the cell's value, instead of `style`
    rule: Rule | None = None

    def on(self, part: str) -> Column[S]:
        """This column for records that hold an R at the attribute `part` (a hold's person)."""
        if isinstance(self.value, str):
            return replace(self, value=f"{part}.{self.value}")  # type: ignore[return-value]
        value, holder = self.value, attrgetter(part)
        return replace(self, value=lambda record: value(holder(record)))  # type: ignore[return-value]


class Columns(ColumnMap, Generic[R]):
    """A table's columns in order; `cols["加权总分"]` is a column's 0-based index."""

    def __init__(self, columns: Iterable[Column[R]]):
        self.columns = list(columns)
        super().__init__([c.header for c in self.columns])
        self._row = _row_maker(self.columns)

    @property
    def styles(self) -> list[str | None]:
        return [c.style for c in self.columns]

    def with_style(self, style: str) -> list[int]:
        """The columns of a style, in order (the wrapped ones, whose rows are made tall)."""
        return [j for j, c in enumerate(self.columns) if c.style == style]

    def rows(self, records: Iterable[R]) -> list[list[object]]:
        """The records' values, a list a record."""
        return list(map(self._row, records))

    def looks(self, rows: list[list[object]]) -> list[list[str | None]] | None:
        """Each cell's style, where a column styles its cells by their values; else None."""
        if all(c.look is None for c in self.columns):
            return None
        pairs = [(j, c.look) for j, c in enumerate(self.columns) if c.look is not None]
        styles, looks = self.styles, []
        for row in rows:
            look = list(styles)
            for j, by_value in pairs:
                look[j] = by_value(row[j])
            looks.append(look)
        return looks

    def add_table(self, sheet: SheetSpec, top: int, records: Iterable[R], head: str = "head") -> Rows:
        """The header row at sheet row `top` (0-based) and a body of the records under it."""
        sheet.put_row(top, 0, self.heads, head)
        rows = self.rows(records)
        return sheet.add_rows(top + 1, rows, self.styles, cell_styles=self.looks(rows))

    def put_rows(self, sheet: SheetSpec, top: int, records: Iterable[R]) -> None:
        """The records as cells put one by one from sheet row `top` (a small table, or one whose
        cells are restyled or linked one by one)."""
        for r, row in enumerate(self.rows(records), start=top):
            for j, (column, value) in enumerate(zip(self.columns, row, strict=True)):
                sheet.put(r, j, value, column.look(value) if column.look is not None else column.style)

    def conditional(self, first_row: int, last_row: int) -> list[ConditionalFormat]:
        """The columns' rules over rows first_row..last_row, in column order; a rule shared by
        several columns is applied once over all of their ranges, relative to the first one's
        first cell."""
        shared: dict[int, tuple[Rule, list[int]]] = {}
        for j, c in enumerate(self.columns):
            if c.rule is not None:
                shared.setdefault(id(c.rule), (c.rule, []))[1].append(j)
        found: list[ConditionalFormat] = []
        for rule, cols in shared.values():
            ranges = " ".join(cell_range(first_row, c, last_row, c) for c in cols)
            found += rule(ranges, a1(first_row, cols[0]))
        return found

    def set_widths(self, sheet: SheetSpec) -> None:
        """The fixed widths, and the caps on fitted ones (after `fit_widths`)."""
        for j, c in enumerate(self.columns):
            if c.width is not None:
                sheet.widths[j] = c.width
            if c.max_width is not None:
                sheet.widths[j] = min(sheet.widths.get(j, c.max_width), c.max_width)


_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*")


def _row_maker(columns: Sequence[Column[R]]) -> Callable[[R], list[object]]:
    """One function that makes a record's row as a list display written by hand would: the
    attribute paths read inline, the other columns' functions called. A results workbook has
    hundreds of thousands of cells, and this is as fast as the lists each sheet used to build
    itself (a function a cell was three times slower). Made the way `dataclasses` makes
    `__init__`: from text, here of checked paths and numbered functions only."""
    functions: dict[str, object] = {"__builtins__": {}}
    parts = []
    for j, c in enumerate(columns):
        if isinstance(c.value, str):
            if not _PATH.fullmatch(c.value):
                raise ValueError(f"column {c.header!r}: {c.value!r} is not an attribute path")
            parts.append(f"record.{c.value}")
        else:
            functions[f"value{j}"] = c.value
            parts.append(f"value{j}(record)")
    return eval(f"lambda record: [{', '.join(parts)}]", functions)


def columns_of(part: str, columns: Sequence[Column[R]]) -> list[Column[S]]:
    """`columns` for records that hold what they read (see `Column.on`)."""
    return [c.on(part) for c in columns]
