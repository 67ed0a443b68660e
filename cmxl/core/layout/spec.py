"""ReportSpec: a workbook described as data — sheets, cells, styles, formats, validations,
conditional formats, links, charts, print set-up. The core decides all of it; a renderer (file or
live Excel) only translates it. Coordinates are 0-based (row, col) unless written as A1 text."""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from cmxl.core.cellref import a1, column_letter, parse_a1


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None  # font colour, RRGGBB
    fill: str | None = None  # background, RRGGBB
    number_format: str | None = None
    wrap: bool = False
    horizontal: Literal["left", "center", "right"] | None = None
    vertical: Literal["top", "center", "bottom"] | None = None
    border: bool = False
    locked: bool | None = None  # only matters on a protected sheet

    @property
    def vertical_shown(self) -> str:
        """Where a cell's text sits: as set; centred in a wrapped or aligned cell (a header);
        otherwise at the top, so that in a row made tall by one long text every cell of the row
        reads from the same line (bottom, Excel's default, left ids and counts at the foot)."""
        return self.vertical or ("center" if self.wrap or self.horizontal else "top")


@dataclass(slots=True)  # hundreds of thousands of these in a big report: no per-instance __dict__
class Cell:
    value: object
    style: str | None = None  # a key of ReportSpec.styles
    formula: bool = False  # only then is a leading '=' a formula; any other text stays text
    comment: str | None = None
    link: str | None = None  # a location inside the workbook, e.g. "'测评数据'!B8"


@dataclass
class Rows:
    """The body of a big table as plain rows of values, with one style a column: a list a row
    and no object a cell (a results workbook has millions of cells; a `Cell` each cost about
    200 bytes and most of the time to lay out and write). Values only: a formula, comment or link
    goes in a `Cell` of `SheetSpec.cells`, which is laid over the rows at the same position.

    `cell_styles`, when given, names each cell's style instead of `styles` (the copy of a
    clerk's sheet, where a cell's style follows its value). A body is as wide as its widest row:
    a shorter row's missing values are empty cells, in their column's style. The rows are not
    changed once the body is made (its width is measured then)."""

    top: int  # 0-based sheet row of rows[0]
    rows: list[list[object]]  # rows[i][j] is the value at (top + i, left + j)
    styles: list[str | None]  # per column
    left: int = 0
    cell_styles: list[list[str | None]] | None = None
    width: int = field(init=False)  # columns: the longest row's

    def __post_init__(self) -> None:
        self.width = max(map(len, self.rows), default=0)

    def style_at(self, i: int, j: int) -> str | None:
        if self.cell_styles is not None:
            row = self.cell_styles[i]
            return row[j] if j < len(row) else None
        return self.styles[j] if j < len(self.styles) else None

    def cell(self, i: int, j: int) -> Cell | None:
        """The cell at row i, column j of the body (a new Cell: changing it changes nothing)."""
        row = self.rows[i]
        value = row[j] if j < len(row) else None
        style = self.style_at(i, j)
        return None if value is None and style is None else Cell(value, style)


@dataclass(frozen=True)
class Ref:
    """A rectangular range on a sheet (0-based, inclusive)."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @property
    def a1(self) -> str:
        return f"'{self.sheet}'!${column_letter(self.first_col)}${self.first_row + 1}:${column_letter(self.last_col)}${self.last_row + 1}"


@dataclass
class Series:
    values: Ref
    title: str
    dashed: bool = False  # a line drawn dashed (a radar's previous cycle, under the current one)


@dataclass
class Chart:
    kind: Literal["radar", "bar", "column"]
    title: str
    anchor: str  # A1 of the top-left cell
    categories: Ref
    series: list[Series]
    stacked: bool = False
    percent: bool = False  # axis shows 0–100 %
    x_title: str | None = None
    y_title: str | None = None
    y_min: float | None = None
    y_max: float | None = None
    width_cm: float = 16.0
    height_cm: float = 8.0
    colors: list[str] = field(default_factory=list)  # per series, RRGGBB
    categories_reversed: bool = False  # list categories top-down (horizontal bars)
    axis_format: str | None = None  # number format of the value axis labels, e.g. "0"


@dataclass
class ConditionalFormat:
    range: str  # A1 range(s), space separated
    formula: str  # Excel formula relative to the top-left cell of the first range, without '='
    style: str


@dataclass
class Validation:
    range: str
    kind: Literal["list", "decimal", "whole", "date"]
    options: list[str] | None = None  # for a literal list
    source: str | None = None  # for a list from cells, e.g. "'评分明细'!$A$2:$A$300"
    minimum: float | str | None = None
    maximum: float | str | None = None
    prompt_title: str = ""
    prompt: str = ""
    error_title: str = ""
    error: str = ""


@dataclass
class Table:
    name: str
    ref: str  # A1 range including the header row
    style: str = "TableStyleMedium2"


@dataclass
class PrintSetup:
    landscape: bool = True
    fit_width: bool = True
    pages_wide: int = 1  # with fit_width: the table is scaled to this many pages across
    pages_tall: int = 0  # with fit_width: and to this many pages down (0: as many as it takes)
    repeat_rows: str | None = None  # e.g. "1:1"
    repeat_cols: str | None = None  # e.g. "A:B": who a row is about, on every page of a wide sheet
    header: str = ""  # centre page header
    footer: str = "第 &P 页，共 &N 页"
    # margins in inches; the top and bottom leave room for the header and footer above and below
    margin_side: float = 0.4
    margin_top: float = 0.8
    margin_bottom: float = 0.7
    margin_header: float = 0.3
    margin_footer: float = 0.3
    print_area: str | None = None  # e.g. "A1:V33": what prints, when not the whole sheet

    def page_height_cm(self) -> float:
        """The height an A4 page prints at 100 %, between the top and bottom margins."""
        return (21.0 if self.landscape else 29.7) - (self.margin_top + self.margin_bottom) * 2.54

    def page_width_pt(self) -> float:
        """The width an A4 page prints at 100 %, between the side margins (points)."""
        return (29.7 if self.landscape else 21.0) / 2.54 * 72 - 2 * self.margin_side * 72

    def page_rows_pt(self) -> float:
        """The height an A4 page holds of rows at 100 %, between the top and bottom margins (points)."""
        return self.page_height_cm() / 2.54 * 72


LEGIBLE_WIDTH = 200.0  # total column width (characters) a landscape page shows at a legible scale
FONT_PT = 10.0  # the workbooks' font size (ReportSpec.font_size)
# a column width unit as printed at 100 % (LibreOffice, a 10 pt font: 10 columns of width 10 are
# 70 pt; Excel's is within a few per cent): what a fit-to-width scale is computed from
PT_PER_WIDTH = 7.0
ROW_PT = 15.0  # a row of the default height at 100 % (LibreOffice: 15 pt for a 10 pt font)
LEGIBLE_PT = 8.0  # the smallest font size a printed list may have (font size × fit-to-width scale)


@dataclass
class SheetSpec:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None
    merges: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    conditional: list[ConditionalFormat] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    print_setup: PrintSetup | None = None
    protected: bool = False
    row_breaks: list[int] = field(default_factory=list)  # page break after these rows (0-based)
    tab_color: str | None = None
    zoom: int | None = None
    bodies: list[Rows] = field(default_factory=list)  # big tables' rows; `cells` is laid over them

    def put(self, row: int, col: int, value: object, style: str | None = None, **kw: object) -> Cell:
        cell = Cell(value, style, **kw)  # type: ignore[arg-type]
        self.cells[(row, col)] = cell
        return cell

    def put_row(self, row: int, col: int, values: list[object], style: str | None = None) -> None:
        for j, value in enumerate(values):
            self.cells[(row, col + j)] = Cell(value, style)

    def add_rows(
        self,
        top: int,
        rows: list[list[object]],
        styles: list[str | None],
        left: int = 0,
        cell_styles: list[list[str | None]] | None = None,
    ) -> Rows:
        """A table body of plain rows from sheet row `top` (0-based), one style a column."""
        body = Rows(top, rows, styles, left, cell_styles)
        if any(b.top < top + len(rows) and top < b.top + len(b.rows) for b in self.bodies):
            raise ValueError(f"{self.name}: table bodies overlap in rows {top}-{top + len(rows) - 1}")
        self.bodies.append(body)
        return body

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell at (row, col), whether put one by one or part of a table body."""
        cell = self.cells.get((row, col))
        if cell is not None:
            return cell
        for body in self.bodies:
            if body.top <= row < body.top + len(body.rows) and body.left <= col < body.left + body.width:
                return body.cell(row - body.top, col - body.left)
        return None

    def iter_cells(self) -> Iterator[tuple[tuple[int, int], Cell]]:
        """Every cell, bodies included (a Cell made for each: for small sheets and the live Excel
        renderer; the file renderer reads the bodies' rows directly). A put cell wins over a
        body's at its position."""
        for body in self.bodies:
            width = body.width
            for i in range(len(body.rows)):
                r = body.top + i
                for j in range(width):
                    key = (r, body.left + j)
                    if key in self.cells:
                        continue
                    cell = body.cell(i, j)
                    if cell is not None:
                        yield key, cell
        yield from self.cells.items()

    @property
    def cell_count(self) -> int:
        return len(self.cells) + sum(len(b.rows) * b.width for b in self.bodies)

    @property
    def max_row(self) -> int:
        body_end = max((b.top + len(b.rows) - 1 for b in self.bodies if b.rows), default=-1)
        return max(max((r for r, _ in self.cells), default=-1), body_end)

    @property
    def max_col(self) -> int:
        body_end = max((b.left + b.width - 1 for b in self.bodies if b.rows), default=-1)
        return max(max((c for _, c in self.cells), default=-1), body_end)

    def _column_values(
        self, columns: set[int] | None, first_row: int, last_row: int
    ) -> Iterator[tuple[int, int, object, bool]]:
        """(row, col, value, formula) of the rows first_row..last_row, in `columns` (None: all);
        a body's value as it is (no Cell made for it), a cell put over the body instead of it."""
        for (r, c), cell in self.cells.items():
            if first_row <= r <= last_row and (columns is None or c in columns):
                yield r, c, cell.value, cell.formula
        for body in self.bodies:
            start = max(first_row - body.top, 0)
            stop = min(last_row - body.top + 1, len(body.rows))
            # only the body's columns asked for (fit_heights wants two of 评分明细's sixty)
            wanted = range(body.width) if columns is None else sorted(c - body.left for c in columns)
            for i in range(start, stop):
                r, row = body.top + i, body.rows[i]
                for j in wanted:
                    c = body.left + j
                    if 0 <= j < len(row) and row[j] is not None and (r, c) not in self.cells:
                        yield r, c, row[j], False

    def fit_heights(self, wrapped: list[int], line_pt: float = 13.0, first_row: int = 1) -> None:
        """Row heights for wrapped text, estimated from its width (Excel does not refit on open)."""
        lines: dict[int, int] = {}
        known: dict[tuple[str, int], int] = {}  # (text, width) -> lines: reasons and gaps repeat
        for r, c, value, _ in self._column_values(set(wrapped), first_row, self.max_row):
            text = "" if value is None else str(value)
            if not text:
                continue
            width = int(max(self.widths.get(c, 8.43), 1))
            need = known.get((text, width))
            if need is None:
                need = known[text, width] = sum(max(1, -(-display_width(line) // width)) for line in text.split("\n"))
            if need > lines.get(r, 1):
                lines[r] = need
        for r, n in lines.items():
            if n > 1:
                self.heights[r] = max(self.heights.get(r, 0), n * line_pt + 2)

    def print_across_if_wide(self, repeat_cols: str = "A:B") -> None:
        """Fit a table to the page width only while that keeps it legible: a landscape A4 page holds
        about 140 characters of column width at 100 %, so beyond LEGIBLE_WIDTH (about 70 % scale)
        the table is scaled to two or more pages across, with the columns naming the person on
        every page (the rows still run down as many pages as they need)."""
        if self.print_setup is None:
            return
        used = {c for _, c in self.cells} | {b.left + j for b in self.bodies for j in range(b.width)}
        total = sum(self.widths.get(c, 8.43) for c in used)
        if total > LEGIBLE_WIDTH:  # a few pages across, each at a legible scale, the person named on each
            self.print_setup.pages_wide = math.ceil(total / LEGIBLE_WIDTH)
            self.print_setup.repeat_cols = repeat_cols

    def printed_columns(self) -> list[int]:
        """The columns that print: those of the print area, else every column used."""
        setup = self.print_setup
        if setup is not None and setup.print_area:
            first, last = (parse_a1(end)[1] for end in setup.print_area.split(":"))
            return list(range(first, last + 1))
        used = {c for _, c in self.cells} | {b.left + j for b in self.bodies for j in range(b.width)}
        return sorted(used)

    def printed_scale(self) -> float:
        """The scale the print set-up implies: fitted to `pages_wide` pages across, the columns that
        print shrink to the page (never grow); as Excel and LibreOffice do, a whole per cent."""
        setup = self.print_setup
        if setup is None or not setup.fit_width:
            return 1.0
        width = sum(self.widths.get(c, 8.43) for c in self.printed_columns()) * PT_PER_WIDTH
        room = setup.page_width_pt() * setup.pages_wide
        return 1.0 if width <= room else math.floor(room / width * 100) / 100

    def printed_font_pt(self, font_pt: float = FONT_PT) -> float:
        """How large the sheet's text prints: its font size at the print set-up's scale."""
        return font_pt * self.printed_scale()

    def fit_legibly(self, wrapped: dict[int, float], font_pt: float = FONT_PT, first_row: int = 1) -> list[int]:
        """Print one page wide at LEGIBLE_PT or more: the `wrapped` columns (column -> the
        narrowest it may be) give up width, the widest first, and wrap into more lines; when
        that is not enough, only the first columns print (a print area) and the columns left
        out are returned. Call it last: the print area spans the rows the sheet has then, and
        the heights of the wrapped columns' rows are fitted again."""
        setup = self.print_setup
        if setup is None:
            return []
        setup.fit_width, setup.pages_wide, setup.repeat_cols = True, 1, None
        # 4 % to spare: renderers differ a little in how wide a column unit prints (Excel wider)
        budget = setup.page_width_pt() / PT_PER_WIDTH * font_pt / LEGIBLE_PT * 0.96
        columns = self.printed_columns()
        widths = {c: self.widths.get(c, 8.43) for c in columns}
        excess = sum(widths.values()) - budget
        while excess > 0:
            free = [c for c in wrapped if c in widths and widths[c] - 1 >= wrapped[c]]
            if not free:
                break
            widest = max(free, key=lambda c: (widths[c], -c))
            widths[widest] -= 1
            excess -= 1
        printed, used = [], 0.0
        for c in columns:
            if used + widths[c] > budget:
                break
            printed.append(c)
            used += widths[c]
        left_out = [c for c in columns if c not in printed]
        for c in left_out:  # not printed: as wide as its content (on screen)
            widths[c] = self.widths.get(c, 8.43)
        while left_out and used + 1 <= budget:  # the room left back to the printed wrapped columns
            short = [c for c in wrapped if c in printed and widths[c] < self.widths.get(c, 8.43)]
            if not short:
                break
            widths[min(short, key=lambda c: (widths[c], c))] += 1
            used += 1
        self.widths.update({c: widths[c] for c in wrapped if c in widths})
        if left_out and printed:
            setup.print_area = f"A1:{column_letter(printed[-1])}{self.max_row + 1}"
        self.fit_heights(sorted(wrapped), first_row=first_row)
        return left_out

    def fit_widths(self, minimum: float = 6, maximum: float = 50, sample_rows: int = 300, first_row: int = 0) -> None:
        """Width of every column from its content (CJK characters count double): no '#####'. From
        `first_row` on (a title above a table is not what its columns hold)."""
        best: dict[int, int] = {}
        for _r, c, value, formula in self._column_values(None, first_row, first_row + sample_rows):
            if formula:
                continue
            best[c] = max(best.get(c, 0), display_width(value))
        for c, w in best.items():
            if c not in self.widths:
                self.widths[c] = float(max(minimum, min(maximum, w + 2)))


@dataclass
class Mark:
    """A highlight and a note on one cell of a sheet the report does not create: the clerk's
    own data sheet, when the report is written into the open workbook in Excel."""

    sheet: str
    cell: str  # A1
    style: str  # a key of ReportSpec.styles (its fill is what shows)
    note: str


@dataclass
class ReportSpec:
    sheets: list[SheetSpec]
    styles: dict[str, Style]
    title: str = ""
    active: int = 0
    marks: list[Mark] = field(default_factory=list)  # only for a renderer into an existing workbook
    font: str = "Microsoft YaHei"  # a Chinese UI font on Windows; LibreOffice substitutes a CJK font
    font_size: float = FONT_PT
    border_color: str = "BFBFBF"  # thin borders of Style(border=True)
    # what cmxl made the file as ("results", "roster", "template"): written as the document property
    # "cmxl", by which a later bulk run recognises its own outputs left in a batch folder
    producer: str = ""

    def sheet(self, name: str) -> SheetSpec:
        return next(s for s in self.sheets if s.name == name)


class ColumnMap:
    """The columns of a table sheet by header: `cols["加权总分"]` is that column's 0-based index,
    so no builder places a column by arithmetic."""

    def __init__(self, heads: list[str]):
        self.heads = list(heads)
        self._index = {h: i for i, h in enumerate(self.heads)}
        if len(self._index) != len(self.heads):
            raise ValueError(f"duplicate column heads: {self.heads}")

    def __getitem__(self, head: str) -> int:
        return self._index[head]


def display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        text = "" if value != value else f"{value:.1f}"
    else:
        text = str(value)
    return _text_width(text)


class _CharWidths(dict):
    """Columns a character takes: 2 for East Asian wide and full-width ones, else 1."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_CHAR_WIDTHS = _CharWidths()


@functools.lru_cache(maxsize=65536)  # texts repeat (units, levels, reasons): each is measured once
def _text_width(text: str) -> int:
    """Columns the widest line of `text` takes: CJK characters count double."""
    if text.isascii():
        return max(map(len, text.split("\n")))
    return max(sum(map(_CHAR_WIDTHS.__getitem__, line)) for line in text.split("\n"))


def cell_range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return f"{a1(first_row, first_col)}:{a1(last_row, last_col)}"


def link_to(sheet: str, cell: str) -> str:
    """A link to a cell of a sheet; an apostrophe in the sheet's name is doubled, as Excel writes it."""
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"
