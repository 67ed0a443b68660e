"""A test double of exactly the part of xlwings that cmxl/excel and cmxl/addin use, with Excel's behaviour
where it matters to us:

- a string written as a value is read the way Excel reads typed input: '=…' becomes a formula,
  '0610007' the number 610007, '2024-5-3' a date, unless it starts with Excel's text prefix (');
- a conditional-format formula is read relative to the active cell (COM's rule), so code that
  does not select the range's top-left cell first gets shifted references;
- a range read returns a scalar, a 1-D list for one row or column, a 2-D list otherwise (or
  always 2-D with options(ndim=2)); a hidden row has height 0.

Every public name of a class here exists on the xlwings class named in its REAL, with the same
signature: tests/test_excel_surface.py checks it, so the double cannot drift from xlwings.
Helpers for tests start with an underscore."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import xlwings as xw
from xlwings.main import _UNSET as UNSET  # xlwings' own 'not given' default, so signatures match

from cmxl.core.cellref import a1, column_letter
from cmxl.core.grid import CellError, WorkbookGrid

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_COL = re.compile(r"^\$?([A-Z]{1,3})$")
_ROW = re.compile(r"^\$?(\d+)$")
_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")
MAX_ROW, MAX_COL = 1_048_575, 16_383  # 0-based, as Excel's sheet size


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _area(text: str) -> tuple[int, int, int, int]:
    """'B2', 'B2:D9', 'A:B', '3:4' -> 0-based (r0, c0, r1, c1)."""
    parts = text.replace("$", "").split(":")
    first, last = parts[0], parts[-1]
    if _COL.match(first) and _COL.match(last):
        return 0, _col_index(first), MAX_ROW, _col_index(last)
    if _ROW.match(first) and _ROW.match(last):
        return int(first) - 1, 0, int(last) - 1, MAX_COL
    m0, m1 = _CELL.match(first), _CELL.match(last)
    if not (m0 and m1):
        raise ValueError(f"bad address {text!r}")
    return int(m0.group(2)) - 1, _col_index(m0.group(1)), int(m1.group(2)) - 1, _col_index(m1.group(1))


def _read_typed(value: object) -> tuple[object, str | None]:
    """(stored value, formula) for a value handed to Excel."""
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:], None
        if value.startswith("="):
            return None, value
        text = value.strip()
        if text.upper() in ("TRUE", "FALSE"):
            return text.upper() == "TRUE", None
        try:
            return float(text.replace(",", "")), None
        except ValueError:
            pass
        m = _DATE.match(value)
        if m:
            return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
        return value, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day), None
    return value, None


@dataclass
class _State:
    """Everything Excel keeps about one cell that we read back."""

    value: object = None
    formula: str | None = None
    number_format: str = "General"
    color: tuple[int, int, int] | None = None
    bold: bool = False
    italic: bool = False
    size: float = 11
    font_color: tuple[int, int, int] | None = None
    font_name: str = "Calibri"
    wrap: bool = False
    horizontal: str | None = None
    vertical: str | None = None
    border: bool = False
    note: str | None = None
    link: str | None = None


def _rgb(color: object) -> tuple[int, int, int] | None:
    if color is None:
        return None
    if isinstance(color, tuple):
        return color
    text = str(color).lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


# ---- the double -----------------------------------------------------------------------------


class App:
    REAL = xw.App

    def __init__(self) -> None:
        self._books = Books(self)

    @property
    def books(self) -> Books:
        return self._books


class Books:
    REAL = xw.main.Books

    def __init__(self, app: App) -> None:
        self._app = app
        self._items: list[Book] = []

    def open(
        self,
        fullname: Any = None,
        update_links: Any = None,
        read_only: Any = None,
        format: Any = None,
        password: Any = None,
        write_res_password: Any = None,
        ignore_read_only_recommended: Any = None,
        origin: Any = None,
        delimiter: Any = None,
        editable: Any = None,
        notify: Any = None,
        converter: Any = None,
        add_to_mru: Any = None,
        local: Any = None,
        corrupt_load: Any = None,
        json: Any = None,
    ) -> Book:
        book = Book._new(str(fullname), self._app)
        self._items.append(book)
        return book


class Book:
    REAL = xw.Book

    @classmethod
    def _new(cls, fullname: str, app: App | None = None) -> Book:
        book = cls.__new__(cls)
        book._fullname = fullname
        book._app = app or App()
        book._sheets = Sheets(book)
        book._active = None
        return book

    @classmethod
    def _from_grid(cls, grid: WorkbookGrid, fullname: str) -> Book:
        """A workbook as a clerk has it open: the cells as typed, hidden rows hidden."""
        book = cls._new(fullname)
        for sheet_grid in grid.sheets:
            ws = book.sheets.add(sheet_grid.name, after=book.sheets[-1] if len(book.sheets) else None)
            for r, row in enumerate(sheet_grid.rows):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    state = ws._state(r, c)
                    if isinstance(value, CellError):
                        state.value = value
                    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                        state.value = dt.datetime(value.year, value.month, value.day)
                    else:
                        state.value = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
            ws._hidden_rows = set(sheet_grid.hidden_rows)
        book._active = book.sheets[0] if len(book.sheets) else None
        return book

    @property
    def name(self) -> str:
        return self._fullname.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def fullname(self) -> str:
        return self._fullname

    @property
    def sheets(self) -> Sheets:
        return self._sheets

    @property
    def app(self) -> App:
        return self._app


class Sheets:
    REAL = xw.main.Sheets

    def __init__(self, book: Book) -> None:
        self._book = book
        self._items: list[Sheet] = []

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        if name in [s.name for s in self._items]:
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = Sheet._new(self._book, name or f"Sheet{len(self._items) + 1}")
        at = len(self._items)
        if before is not None:
            at = self._items.index(before)
        elif after is not None:
            at = self._items.index(after) + 1
        self._items.insert(at, sheet)
        self._book._active = sheet  # Excel activates a new sheet
        return sheet

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(list(self._items))

    def __getitem__(self, key: int | str) -> Sheet:
        if isinstance(key, int):
            return self._items[key]
        for s in self._items:
            if s.name == key:
                return s
        raise KeyError(key)

    def __contains__(self, key: str) -> bool:
        return any(s.name == key for s in self._items)


class Sheet:
    REAL = xw.Sheet

    @classmethod
    def _new(cls, book: Book, name: str) -> Sheet:
        sheet = cls.__new__(cls)
        sheet._book, sheet._name = book, name
        sheet._cells: dict[tuple[int, int], _State] = {}
        sheet._widths: dict[int, float] = {}
        sheet._heights: dict[int, float] = {}
        sheet._hidden_rows: set[int] = set()
        sheet._visible = True
        sheet._merges: list[str] = []
        sheet._conditional: list[dict] = []
        sheet._validations: list[dict] = []
        sheet._active_cell = (0, 0)
        sheet._tables = Tables(sheet)
        sheet._charts = Charts(sheet)
        return sheet

    def _state(self, r: int, c: int) -> _State:
        return self._cells.setdefault((r, c), _State())

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    @property
    def book(self) -> Book:
        return self._book

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self._visible = value

    @property
    def tables(self) -> Tables:
        return self._tables

    @property
    def charts(self) -> Charts:
        return self._charts

    @property
    def used_range(self) -> Range:
        keys = [k for k, s in self._cells.items() if s.value is not None or s.formula is not None]
        if not keys:
            return Range._new(self, [(0, 0, 0, 0)])
        r0, c0 = min(r for r, _ in keys), min(c for _, c in keys)
        r1, c1 = max(r for r, _ in keys), max(c for _, c in keys)
        return Range._new(self, [(r0, c0, r1, c1)])

    def activate(self) -> None:
        self._book._active = self

    def delete(self) -> None:
        self._book.sheets._items.remove(self)

    def range(self, cell1: str | tuple[int, int] | Range, cell2: str | tuple[int, int] | Range | None = None) -> Range:
        if isinstance(cell1, tuple):
            r0, c0 = cell1[0] - 1, cell1[1] - 1
            r1, c1 = (cell2[0] - 1, cell2[1] - 1) if isinstance(cell2, tuple) else (r0, c0)
            return Range._new(self, [(r0, c0, r1, c1)])
        if not isinstance(cell1, str) or cell2 is not None:
            raise NotImplementedError("the double takes an address or two (row, col) tuples")
        return Range._new(self, [_area(part) for part in cell1.split(",")])


class Range:
    REAL = xw.Range

    @classmethod
    def _new(cls, sheet: Sheet, areas: list[tuple[int, int, int, int]], options: dict | None = None) -> Range:
        rng = cls.__new__(cls)
        rng._sheet, rng._areas, rng._options = sheet, areas, options or {}
        return rng

    def _keys(self):
        for r0, c0, r1, c1 in self._areas:
            for r in range(r0, min(r1, r0 + 5000) + 1):  # whole columns: as far as anything is used
                for c in range(c0, min(c1, c0 + 500) + 1):
                    yield r, c

    def _each(self, **attrs: object) -> None:
        for r, c in self._keys():
            state = self._sheet._state(r, c)
            for k, v in attrs.items():
                setattr(state, k, v)

    def _first(self) -> _State:
        r0, c0, _, _ = self._areas[0]
        return self._sheet._cells.get((r0, c0)) or _State()

    def _read(self, state: _State) -> object:
        if isinstance(state.value, CellError):
            return state.value.text if self._options.get("err_to_str") else None
        return state.value

    @property
    def sheet(self) -> Sheet:
        return self._sheet

    @property
    def row(self) -> int:
        return self._areas[0][0] + 1

    @property
    def column(self) -> int:
        return self._areas[0][1] + 1

    @property
    def address(self) -> str:
        return ",".join(
            f"${column_letter(c0)}${r0 + 1}" + ("" if (r0, c0) == (r1, c1) else f":${column_letter(c1)}${r1 + 1}")
            for r0, c0, r1, c1 in self._areas
        )

    @property
    def value(self) -> object:
        r0, c0, r1, c1 = self._areas[0]
        rows = [
            [self._read(self._sheet._cells.get((r, c)) or _State()) for c in range(c0, c1 + 1)]
            for r in range(r0, r1 + 1)
        ]
        if self._options.get("ndim") == 2:
            return rows
        if r0 == r1 and c0 == c1:
            return rows[0][0]
        if r0 == r1:
            return rows[0]
        if c0 == c1:
            return [row[0] for row in rows]
        return rows

    @value.setter
    def value(self, data: object) -> None:
        r0, c0, _, _ = self._areas[0]
        matrix = data if isinstance(data, list) and data and isinstance(data[0], list) else None
        if matrix is None:
            for r, c in self._keys():
                state = self._sheet._state(r, c)
                state.value, state.formula = _read_typed(data)
            return
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                state = self._sheet._state(r0 + i, c0 + j)
                state.value, state.formula = _read_typed(value) if value is not None else (None, None)

    @property
    def formula(self) -> object:
        state = self._first()
        return state.formula if state.formula is not None else ("" if state.value is None else str(state.value))

    @property
    def number_format(self) -> str:
        return self._first().number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._each(number_format=value)

    @property
    def color(self) -> tuple[int, int, int] | None:
        return self._first().color

    @color.setter
    def color(self, value: object) -> None:
        self._each(color=_rgb(value))

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def wrap_text(self) -> bool:
        return self._first().wrap

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self._each(wrap=value)

    @property
    def horizontal_alignment(self) -> str | None:
        return self._first().horizontal

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        self._each(horizontal=value)

    @property
    def vertical_alignment(self) -> str | None:
        return self._first().vertical

    @vertical_alignment.setter
    def vertical_alignment(self, value: str) -> None:
        self._each(vertical=value)

    @property
    def column_width(self) -> float | None:
        return self._sheet._widths.get(self._areas[0][1])

    @column_width.setter
    def column_width(self, value: float) -> None:
        for _, c0, _, c1 in self._areas:
            for c in range(c0, c1 + 1):
                self._sheet._widths[c] = value

    @property
    def row_height(self) -> float | None:
        r0, _, r1, _ = self._areas[0]
        heights = {
            0.0 if r in self._sheet._hidden_rows else self._sheet._heights.get(r, 15.0) for r in range(r0, r1 + 1)
        }
        return heights.pop() if len(heights) == 1 else None

    @row_height.setter
    def row_height(self, value: float) -> None:
        for r0, _, r1, _ in self._areas:
            for r in range(r0, r1 + 1):
                self._sheet._heights[r] = value

    @property
    def left(self) -> float:
        return sum(self._sheet._widths.get(c, 8.43) * 7 for c in range(self._areas[0][1]))

    @property
    def top(self) -> float:
        return sum(self._sheet._heights.get(r, 15.0) for r in range(self._areas[0][0]))

    @property
    def note(self) -> Note | None:
        r0, c0, _, _ = self._areas[0]
        state = self._sheet._cells.get((r0, c0))
        return Note(state) if state is not None and state.note is not None else None

    @property
    def borders(self) -> Borders:
        return Borders(self)

    @property
    def conditional_formats(self) -> ConditionalFormats:
        return ConditionalFormats(self)

    @property
    def data_validation(self) -> DataValidation:
        return DataValidation(self)

    def options(self, convert: Any = None, **options: Any) -> Range:
        return Range._new(self._sheet, self._areas, options)

    def select(self) -> None:
        self._sheet._book._active = self._sheet
        self._sheet._active_cell = self._areas[0][:2]

    def merge(self, across: bool = False) -> None:
        self._sheet._merges.append(self.address.replace("$", ""))

    def add_note(self, text: str) -> Note:  # the checks real xlwings makes (xlwings/main.py Range.add_note)
        if not isinstance(text, str):
            raise TypeError("Note text must be a string")
        if not text:
            raise ValueError("Note text must not be empty")
        r0, c0, r1, c1 = self._areas[0]
        if len(self._areas) > 1 or (r0, c0) != (r1, c1):
            raise ValueError("A note can only be added to a single cell")
        state = self._sheet._state(r0, c0)
        if state.note is not None:
            raise ValueError("This cell already has a note")
        state.note = text
        return Note(state)

    def add_hyperlink(self, address: str, text_to_display: str | None = None, screen_tip: str | None = None) -> None:
        state = self._sheet._state(*self._areas[0][:2])
        state.link = address
        state.value = text_to_display if text_to_display is not None else address
        state.formula = None


class Font:
    REAL = xw.main.Font

    def __init__(self, rng: Range) -> None:
        self._rng = rng

    @property
    def bold(self) -> bool:
        return self._rng._first().bold

    @bold.setter
    def bold(self, value: bool) -> None:
        self._rng._each(bold=value)

    @property
    def italic(self) -> bool:
        return self._rng._first().italic

    @italic.setter
    def italic(self, value: bool) -> None:
        self._rng._each(italic=value)

    @property
    def size(self) -> float:
        return self._rng._first().size

    @size.setter
    def size(self, value: float) -> None:
        self._rng._each(size=value)

    @property
    def color(self) -> tuple[int, int, int] | None:
        return self._rng._first().font_color

    @color.setter
    def color(self, value: object) -> None:
        self._rng._each(font_color=_rgb(value))

    @property
    def name(self) -> str:
        return self._rng._first().font_name

    @name.setter
    def name(self, value: str) -> None:
        self._rng._each(font_name=value)


class Borders:
    REAL = xw.main.Borders

    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def set(self, which: Any = "all", *, line_style: Any = UNSET, weight: Any = UNSET, color: Any = UNSET) -> None:
        self._rng._each(border=line_style != "none")


class Note:
    REAL = xw.main.Note

    def __init__(self, state: _State) -> None:
        self._state = state

    @property
    def text(self) -> str:
        return self._state.note or ""

    @text.setter
    def text(self, value: str) -> None:
        self._state.note = value

    def delete(self) -> None:
        self._state.note = None


_REF = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\w(])")


def _shift(formula: str, rows: int, cols: int) -> str:
    """Move a formula's relative references by (rows, cols), outside string literals."""

    def move(m: re.Match) -> str:
        col_abs, letters, row_abs, digits = m.groups()
        c = _col_index(letters) + (0 if col_abs else cols)
        r = int(digits) - 1 + (0 if row_abs else rows)
        return f"{col_abs}{column_letter(c)}{row_abs}{r + 1}"

    parts = formula.split('"')
    return '"'.join(_REF.sub(move, p) if i % 2 == 0 else p for i, p in enumerate(parts))


class ConditionalFormats:
    REAL = xw.main.ConditionalFormats

    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def add_custom(
        self,
        formula: str,
        *,
        fill_color: Any = None,
        font_color: Any = None,
        font_bold: bool | None = None,
        font_italic: bool | None = None,
        stop_if_true: bool = False,
    ) -> None:
        sheet = self._rng._sheet
        top, left = self._rng._areas[0][:2]
        ar, ac = sheet._active_cell if sheet._book._active is sheet else (0, 0)
        sheet._conditional.insert(  # xlwings puts a new rule first
            0,
            {
                "range": " ".join(a.replace("$", "") for a in self._rng.address.split(",")),
                # Excel took the formula as written relative to the active cell: as seen from the top-left
                "formula": _shift(formula, top - ar, left - ac),
                "fill": _rgb(fill_color),
                "font_color": _rgb(font_color),
                "bold": bool(font_bold),
            },
        )


class DataValidation:
    REAL = xw.main.DataValidation

    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def _add(self, kind: str, **rule: object) -> None:
        ref = " ".join(a.replace("$", "") for a in self._rng.address.split(","))
        self._rng._sheet._validations.append({"range": ref, "kind": kind, **rule})

    def set_list(self, source: Any, *, in_cell_dropdown: bool = True) -> None:
        if isinstance(source, Range):
            self._add("list", source=f"'{source.sheet.name}'!{source.address}")
        else:
            self._add("list", options=list(source))

    def set_decimal(self, operator: Any, formula1: Any, formula2: Any = None) -> None:
        self._add("decimal", minimum=formula1, maximum=formula2)

    def set_whole_number(self, operator: Any, formula1: Any, formula2: Any = None) -> None:
        self._add("whole", minimum=formula1, maximum=formula2)

    def set_date(self, operator: Any, formula1: Any, formula2: Any = None) -> None:
        self._add("date", minimum=formula1, maximum=formula2)


class Tables:
    REAL = xw.main.Tables

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._items: list[dict] = []

    def add(
        self,
        source: Range | None = None,
        name: str | None = None,
        source_type: str | None = None,
        link_source: bool | None = None,
        has_headers: bool = True,
        destination: Range | None = None,
        table_style_name: str = "TableStyleMedium2",
    ) -> None:
        ref = source.address.replace("$", "") if source is not None else ""
        self._items.append({"name": name, "ref": ref, "style": table_style_name})


@dataclass
class _Series:
    values: str
    name: str = ""
    categories: str = ""
    fill_color: tuple[int, int, int] | None = None
    line_color: tuple[int, int, int] | None = None


class Charts:
    REAL = xw.main.Charts

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._items: list[Chart] = []

    def add(
        self,
        left: float = 0,
        top: float = 0,
        width: float = 355,
        height: float = 211,
        chart_type: str | None = None,
        source: Range | None = None,
        plot_by: Any = None,
        name: str | None = None,
        anchor: Range | None = None,
        style: int | None = 227,
    ) -> Chart:
        chart = Chart._new(chart_type or "column_clustered", left, top, width, height)
        if source is not None:
            for r0, c0, r1, c1 in source._areas:
                if plot_by == "rows":
                    lines = [(r, c0, r, c1) for r in range(r0, r1 + 1)]
                else:
                    lines = [(r0, c, r1, c) for c in range(c0, c1 + 1)]
                for line in lines:
                    chart._series.append(_Series(f"'{source.sheet.name}'!" + Range._new(source.sheet, [line]).address))
        self._items.append(chart)
        return chart


class Chart:
    REAL = xw.main.Chart

    @classmethod
    def _new(cls, chart_type: str, left: float, top: float, width: float, height: float) -> Chart:
        chart = cls.__new__(cls)
        chart._type, chart._title = chart_type, None
        chart._box = (left, top, width, height)
        chart._series: list[_Series] = []
        chart._value_axis, chart._category_axis = ChartAxis(), ChartAxis()
        chart._legend = ChartLegend()
        return chart

    @property
    def chart_type(self) -> str:
        return self._type

    @property
    def title(self) -> str | None:
        return self._title

    @title.setter
    def title(self, value: str | None) -> None:
        self._title = value

    @property
    def series(self) -> ChartSeriesCollection:
        return ChartSeriesCollection(self)

    @property
    def value_axis(self) -> ChartAxis:
        return self._value_axis

    @property
    def category_axis(self) -> ChartAxis:
        return self._category_axis

    @property
    def legend(self) -> ChartLegend:
        return self._legend

    def set_x_axis_values(self, source: Range) -> None:
        for s in self._series:
            s.categories = f"'{source.sheet.name}'!{source.address}"


class ChartSeriesCollection:
    REAL = xw.main.ChartSeriesCollection

    def __init__(self, chart: Chart) -> None:
        self._chart = chart

    def __getitem__(self, key: int) -> ChartSeries:
        return ChartSeries(self._chart._series[key])

    def __len__(self) -> int:
        return len(self._chart._series)


class ChartSeries:
    REAL = xw.main.ChartSeries

    def __init__(self, data: _Series) -> None:
        self._data = data

    @property
    def name(self) -> str:
        return self._data.name

    @name.setter
    def name(self, value: str) -> None:
        self._data.name = value

    @property
    def fill_color(self) -> tuple[int, int, int] | None:
        return self._data.fill_color

    @fill_color.setter
    def fill_color(self, value: object) -> None:
        self._data.fill_color = _rgb(value)

    def set(
        self,
        *,
        name: Any = UNSET,
        marker_style: Any = UNSET,
        marker_size: Any = UNSET,
        marker_foreground_color: Any = UNSET,
        marker_background_color: Any = UNSET,
        line_color: Any = UNSET,
        fill_color: Any = UNSET,
        chart_type: Any = UNSET,
        axis_group: Any = UNSET,
    ) -> None:
        if line_color is not UNSET:
            self._data.line_color = _rgb(line_color)
        if fill_color is not UNSET:
            self._data.fill_color = _rgb(fill_color)


@dataclass
class ChartAxis:
    REAL = xw.main.ChartAxis

    title: str | None = None
    minimum_scale: float | None = None
    maximum_scale: float | None = None
    number_format: str = "General"
    reverse_order: bool = False


@dataclass
class ChartLegend:
    REAL = xw.main.ChartLegend

    position: str = "right"
    visible: bool = True


def sheet_snapshot(sheet: Sheet) -> dict:
    """What a test compares: each cell's content and look, and the sheet's rules and charts."""
    cells = {}
    for (r, c), s in sorted(sheet._cells.items()):
        content = s.formula if s.formula is not None else s.value
        cells[a1(r, c)] = (content, s.number_format, s.color, s.bold, s.note, s.link)
    return {
        "cells": cells,
        "merges": sorted(sheet._merges),
        "conditional": sheet._conditional,
        "validations": sheet._validations,
        "tables": sheet.tables._items,
        "charts": [
            (ch._type, ch._title, [(s.name, s.values, s.categories) for s in ch._series]) for ch in sheet.charts._items
        ],
    }
