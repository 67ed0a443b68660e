"""Render a ReportSpec into a workbook open in Excel, through xlwings' open-source API.

Translation only, like cmxl/xlsx/render.py: every sheet, cell, format, rule and chart comes from
the spec. Excel is driven over COM, where every call costs about a millisecond, so a sheet's
values go in as one array and each style is applied once, over the union of its cells' ranges.

Two things xlwings' open-source Windows engine does not do, freezing panes and page set-up, go
through `Native` (Excel's own object model; see cmxl/excel/native.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from cmxl.core.cellref import a1, column_letter
from cmxl.core.layout import spec as S

MAX_ADDRESS = 250  # Excel refuses a range address longer than 255 characters
POINTS_PER_CM = 28.3465
CHART_TYPES = {
    ("radar", False): "radar_markers",
    ("bar", False): "bar_clustered",
    ("bar", True): "bar_stacked",
    ("column", False): "column_clustered",
    ("column", True): "column_stacked",
}


class Native(Protocol):
    """What the renderer needs beyond xlwings' open-source API."""

    def freeze(self, sheet: Any, cell: str) -> None: ...

    def page_setup(self, sheet: Any, setup: S.PrintSetup) -> None: ...


@dataclass
class Previous:
    """A cell's own fill and note before a mark covered them (to put back on the next run)."""

    sheet: str
    cell: str
    color: tuple[int, int, int] | None
    note: str | None


def render_into(
    book: Any,
    report: S.ReportSpec,
    native: Native | None = None,
    on_sheet: Callable[[str, int, int], None] | None = None,
    before_marks: Callable[[list[Previous]], None] | None = None,
    cosmetic: list[str] | None = None,
) -> list[Previous]:
    """Add the report's sheets after the last visible sheet of `book` (never after a hidden one
    at the end) and apply its marks to the clerk's sheets. The sheets must not exist yet.
    Returns what the marks covered; `before_marks`, when given, receives that before any cell
    changes, so a caller can record it first. `on_sheet(name, done, total)` follows the
    progress. Freezing panes and page set-up that Excel refuses (a PC without a printer refuses
    page set-up) do not stop the run: each is described in `cosmetic`."""
    visible = [s for s in book.sheets if s.visible]
    anchor = visible[-1] if visible else book.sheets[-1]
    added: list[Any] = []
    for sheet in report.sheets:  # first all: rules and charts refer across sheets
        added.append(book.sheets.add(sheet.name, after=added[-1] if added else anchor))
    for n, (ws, sheet) in enumerate(zip(added, report.sheets, strict=True)):
        if on_sheet:
            on_sheet(sheet.name, n, len(report.sheets))
        _render_sheet(book, ws, sheet, report, native, cosmetic if cosmetic is not None else [])
    previous = covered(book, report)
    if before_marks:
        before_marks(previous)
    paint_marks(book, report)
    if report.sheets:
        book.sheets[report.sheets[report.active].name].activate()
    return previous


def covered(book: Any, report: S.ReportSpec) -> list[Previous]:
    """The fill and note of each cell the report marks, as they are now."""
    previous = []
    for mark in report.marks:
        rng = book.sheets[mark.sheet].range(mark.cell)
        note = rng.note
        previous.append(Previous(mark.sheet, mark.cell, rng.color, note.text if note is not None else None))
    return previous


def paint_marks(book: Any, report: S.ReportSpec) -> None:
    for mark in report.marks:
        rng = book.sheets[mark.sheet].range(mark.cell)
        fill = report.styles[mark.style].fill
        rng.color = _hex(fill) if fill else None
        note = rng.note
        if note is not None:
            note.delete()
        rng.add_note(mark.note)


def clear_marks(book: Any, previous: Iterable[Previous]) -> None:
    """Put back the fill and note each marked cell had before (its value is the clerk's and
    was never touched). A sheet the clerk has since deleted or renamed is skipped; a note that
    was empty stays away (Excel refuses to add an empty note)."""
    names = {s.name for s in book.sheets}
    for p in previous:
        if p.sheet not in names:
            continue
        rng = book.sheets[p.sheet].range(p.cell)
        rng.color = p.color
        note = rng.note
        if note is not None:
            note.delete()
        if p.note:
            rng.add_note(p.note)


# ---- one sheet ------------------------------------------------------------------------------


def _render_sheet(
    book: Any, ws: Any, sheet: S.SheetSpec, report: S.ReportSpec, native: Native | None, cosmetic: list[str]
) -> None:
    cells = dict(sheet.iter_cells())  # table bodies too, a Cell each (COM costs far more than these)
    if cells:
        rows = sheet.max_row + 1
        cols = sheet.max_col + 1
        matrix: list[list[object]] = [[None] * cols for _ in range(rows)]
        for (r, c), cell in cells.items():
            matrix[r][c] = excel_value(cell)
        whole = ws.range((1, 1), (rows, cols))
        whole.font.name = report.font
        whole.font.size = report.font_size
        whole.value = matrix
    _styles(ws, cells, report)
    for width, columns in _grouped(sheet.widths).items():
        for address in _chunks(f"{column_letter(c)}:{column_letter(c)}" for c in columns):
            ws.range(address).column_width = width
    for height, rows_ in _grouped(sheet.heights).items():
        for address in _chunks(f"{r + 1}:{r + 1}" for r in rows_):
            ws.range(address).row_height = height
    for merge in sheet.merges:
        ws.range(merge).merge()
    for (r, c), cell in sorted(sheet.cells.items()):  # a table body has no notes or links
        if cell.comment:
            ws.range(a1(r, c)).add_note(cell.comment)
        if cell.link:
            shown = "" if cell.value is None else str(cell.value)
            ws.range(a1(r, c)).add_hyperlink(f"#{cell.link}", shown, "跳到该单元格")
    for table in sheet.tables:
        ws.tables.add(source=ws.range(table.ref), name=table.name, table_style_name=table.style)
    _conditional(ws, sheet, report)
    for v in sheet.validations:
        _validation(book, ws, v)
    for chart in sheet.charts:
        _chart(book, ws, chart)
    if native is not None:
        for what, step, wanted in (
            ("冻结窗格", native.freeze, sheet.freeze),
            ("打印设置", native.page_setup, sheet.print_setup),
        ):
            if not wanted:
                continue
            try:
                step(ws, wanted)
            except Exception as exc:  # COM's error (pywintypes.com_error) is not ours to name
                cosmetic.append(f"“{sheet.name}”的{what}未能应用（Excel：{excel_said(exc)}）")


def excel_said(exc: Exception) -> str:
    """The description inside a COM error (its third argument holds Excel's own words), else the
    exception's text, on one short line."""
    args = getattr(exc, "args", ())
    inner = args[2] if len(args) > 2 and isinstance(args[2], tuple) and len(args[2]) > 2 else None
    text = str(inner[2] if inner and inner[2] else exc) or type(exc).__name__
    return " ".join(text.split())[:120]


def excel_value(cell: S.Cell) -> object:
    """The value to hand Excel. Excel reads a string as a formula, number, date or boolean when
    it can ('0610007' becomes 610007, '=A1' a formula, '1-2' the 2nd of January): text that
    could be read so is given Excel's text prefix (an apostrophe, not part of the value)."""
    value = cell.value
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        if cell.formula and value.startswith("="):
            return value
        return "'" + value if _would_be_read(value) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _would_be_read(text: str) -> bool:
    return (
        text[0] in "=+-@'#" or any(ch.isdigit() for ch in text) or text.strip().upper() in ("TRUE", "FALSE", "真", "假")
    )


def _styles(ws: Any, cells: dict[tuple[int, int], S.Cell], report: S.ReportSpec) -> None:
    by_style: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, cell in cells.items():
        if cell.style is not None:
            by_style[cell.style].append(key)
    for name, keys in by_style.items():
        st = report.styles[name]
        for address in _chunks(_rectangles(keys)):
            rng = ws.range(address)
            if st.number_format:
                rng.number_format = st.number_format
            if st.fill:
                rng.color = _hex(st.fill)
            if st.bold:
                rng.font.bold = True
            if st.italic:
                rng.font.italic = True
            if st.size:
                rng.font.size = st.size
            if st.color:
                rng.font.color = _hex(st.color)
            if st.wrap:
                rng.wrap_text = True
            if st.horizontal:
                rng.horizontal_alignment = st.horizontal
            rng.vertical_alignment = st.vertical_shown
            if st.border:
                rng.borders.set("all", line_style="continuous", weight="thin", color=_hex(report.border_color))


def _conditional(ws: Any, sheet: S.SheetSpec, report: S.ReportSpec) -> None:
    """Excel reads a rule's relative references against the active cell, so the top-left cell
    of the range is selected first. xlwings puts each new rule on top: added in reverse, the
    spec's first rule ends up first, as in the file."""
    if not sheet.conditional:
        return
    ws.activate()
    for cf in reversed(sheet.conditional):
        areas = cf.range.split()
        address = ",".join(areas)
        if len(address) > 255:
            raise ValueError(f"{sheet.name}: 条件格式的区域过长（{len(address)} 个字符）")
        ws.range(areas[0].split(":")[0]).select()
        st = report.styles[cf.style]
        ws.range(address).conditional_formats.add_custom(
            "=" + cf.formula,
            fill_color=_hex(st.fill) if st.fill else None,
            font_color=_hex(st.color) if st.color else None,
            font_bold=True if st.bold else None,
        )
    ws.range("A1").select()


def _validation(book: Any, ws: Any, v: S.Validation) -> None:
    rule = ws.range(",".join(v.range.split())).data_validation
    if v.kind == "list":
        rule.set_list(_range(book, v.source) if v.source else list(v.options or []))
    elif v.kind == "decimal":
        rule.set_decimal("between", v.minimum, v.maximum)
    elif v.kind == "whole":
        rule.set_whole_number("between", v.minimum, v.maximum)
    else:
        rule.set_date("between", v.minimum, v.maximum)


def _chart(book: Any, ws: Any, c: S.Chart) -> None:
    columns = all(s.values.first_col == s.values.last_col for s in c.series)
    sheet_of = {s.values.sheet for s in c.series}
    if len(sheet_of) != 1:
        raise ValueError(f"图表“{c.title}”的数据系列不在同一个工作表上")
    source = book.sheets[sheet_of.pop()].range(",".join(_address(s.values) for s in c.series))
    anchor = ws.range(c.anchor)
    chart = ws.charts.add(
        left=anchor.left,
        top=anchor.top,
        width=c.width_cm * POINTS_PER_CM,
        height=c.height_cm * POINTS_PER_CM,
        chart_type=CHART_TYPES[(c.kind, c.stacked and c.kind != "radar")],
        source=source,
        plot_by="columns" if columns else "rows",
    )
    chart.set_x_axis_values(_range(book, c.categories))
    for i, s in enumerate(c.series):
        series = chart.series[i]
        series.name = s.title
        if i < len(c.colors):
            if c.kind == "radar":
                series.set(
                    line_color=_hex(c.colors[i]),
                    marker_foreground_color=_hex(c.colors[i]),
                    marker_background_color=_hex(c.colors[i]),
                )
            else:
                series.fill_color = _hex(c.colors[i])
    chart.title = c.title
    chart.legend.position = "bottom"
    if c.x_title:
        chart.category_axis.title = c.x_title
    if c.y_title:
        chart.value_axis.title = c.y_title
    if c.y_min is not None:
        chart.value_axis.minimum_scale = c.y_min
    if c.y_max is not None:
        chart.value_axis.maximum_scale = c.y_max
    if c.percent:
        chart.value_axis.number_format = "0%"
    if c.categories_reversed:
        chart.category_axis.reverse_order = True


# ---- addresses ------------------------------------------------------------------------------


def _hex(rgb: str) -> str:
    return "#" + rgb


def _address(ref: S.Ref) -> str:
    return f"{a1(ref.first_row, ref.first_col)}:{a1(ref.last_row, ref.last_col)}"


def _range(book: Any, ref: S.Ref | str) -> Any:
    """A range from a Ref or from a sheet-qualified address such as "'评分明细'!$A$2:$A$49"."""
    if isinstance(ref, S.Ref):
        return book.sheets[ref.sheet].range(_address(ref))
    name, _, address = ref.rpartition("!")
    return book.sheets[name.strip("'")].range(address.replace("$", ""))


def _grouped(sizes: dict[int, float]) -> dict[float, list[int]]:
    out: dict[float, list[int]] = defaultdict(list)
    for index, size in sorted(sizes.items()):
        out[size].append(index)
    return out


def _rectangles(keys: list[tuple[int, int]]) -> list[str]:
    """Cover the cells with few rectangles: runs along each row, stacked where consecutive
    rows have the same run."""
    runs: dict[tuple[int, int], list[int]] = defaultdict(list)  # (first_col, last_col) -> rows
    by_row: dict[int, list[int]] = defaultdict(list)
    for r, c in keys:
        by_row[r].append(c)
    for r, cols in by_row.items():
        cols.sort()
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs[(start, prev)].append(r)
                start = c
            prev = c
        runs[(start, prev)].append(r)
    out = []
    for (c0, c1), rows in sorted(runs.items()):
        rows.sort()
        top = last = rows[0]
        for r in [*rows[1:], None]:
            if r is not None and r == last + 1:
                last = r
                continue
            out.append(a1(top, c0) if (top, c0) == (last, c1) else f"{a1(top, c0)}:{a1(last, c1)}")
            if r is not None:
                top = last = r
    return out


def _chunks(addresses: Iterable[str]) -> list[str]:
    """Join addresses into unions Excel accepts (each under 255 characters)."""
    out: list[str] = []
    current = ""
    for address in addresses:
        if current and len(current) + 1 + len(address) > MAX_ADDRESS:
            out.append(current)
            current = ""
        current = f"{current},{address}" if current else address
    if current:
        out.append(current)
    return out
