"""ReportSpec -> a new .xlsx file with openpyxl (write-only mode: rows streamed, low memory).

A translation only: every value, format, rule and chart comes from the spec."""

from __future__ import annotations

import warnings
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, RadarChart, Reference, Series
from openpyxl.chart.layout import Layout, ManualLayout
from openpyxl.comments import Comment
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.formatting.rule import Rule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from cmxl.core.cellref import column_letter
from cmxl.core.layout import spec as S
from cmxl.xlsx.read import PRODUCER_PROPERTY
from cmxl.xlsx.rows import SheetRows, styles_used
from cmxl.xlsx.write import check_target, discard, save_atomically

_TEXT_STARTS = ("=", "+", "-", "@")


class _Styles:
    """openpyxl style objects made once per spec style name."""

    def __init__(self, report: S.ReportSpec):
        self.specs = report.styles
        self.font, self.font_size = report.font, report.font_size
        self.thin = Side(style="thin", color=report.border_color)
        self.made: dict[str, tuple] = {}
        self.arrays: dict[str, StyleArray] = {}
        self.ids: dict[str, int] = {}

    def apply(self, cell: WriteOnlyCell, name: str) -> None:
        """Style a cell. The first cell of a style pays for openpyxl's style-table look-ups; the
        others copy its index array (assigning Font/Fill objects hashes them every time)."""
        cached = self.arrays.get(name)
        if cached is not None:
            cell._style = copy(cached)
            return
        self._apply_objects(cell, name)
        self.arrays[name] = copy(cell._style)

    def style_id(self, ws, name: str) -> int:
        """The workbook's cell-format index of a named style (for sheet XML written directly)."""
        if name not in self.ids:
            cell = WriteOnlyCell(ws, value=None)
            self.apply(cell, name)
            self.ids[name] = int(cell.style_id)
        return self.ids[name]

    def _apply_objects(self, cell: WriteOnlyCell, name: str) -> None:
        if name not in self.made:
            st = self.specs[name]
            self.made[name] = (
                Font(name=self.font, bold=st.bold, italic=st.italic, size=st.size or self.font_size, color=st.color),
                PatternFill("solid", fgColor=st.fill) if st.fill else None,
                Alignment(wrap_text=st.wrap, horizontal=st.horizontal, vertical=st.vertical_shown),
                Border(left=self.thin, right=self.thin, top=self.thin, bottom=self.thin) if st.border else None,
                st.number_format,
                Protection(locked=st.locked) if st.locked is not None else None,
            )
        font, fill, align, border, number_format, protection = self.made[name]
        cell.font = font
        if fill is not None:
            cell.fill = fill
        if align is not None:
            cell.alignment = align
        if border is not None:
            cell.border = border
        if number_format:
            cell.number_format = number_format
        if protection is not None:
            cell.protection = protection

    def differential(self, name: str) -> DifferentialStyle:
        st = self.specs[name]
        return DifferentialStyle(
            font=Font(bold=st.bold, color=st.color) if (st.bold or st.color) else None,
            fill=PatternFill(bgColor=st.fill, fill_type="solid") if st.fill else None,
        )


def xml_text(text: str) -> str:
    """Text as XML can hold it: control characters (\\v, \\x07 … typed or pasted into a cell and
    quoted in an issue's note) are dropped rather than stopping the whole file."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def render(report: S.ReportSpec, path: Path) -> None:
    """Write the report to `path` atomically (temp file, then rename)."""
    check_target(path)
    wb = Workbook(write_only=True)
    try:
        styles = _Styles(report)
        direct: dict[str, SheetRows] = {}
        for n, sheet in enumerate(report.sheets, start=1):
            rows = _render_sheet(wb, sheet, styles)
            if rows is not None:
                direct[f"xl/worksheets/sheet{n}.xml"] = rows  # openpyxl numbers sheets in order from 1
        wb.active = report.active
        if report.title:
            wb.properties.title = xml_text(report.title)
        wb.properties.creator = "cmxl"
        if report.producer:
            wb.custom_doc_props.append(StringProperty(name=PRODUCER_PROPERTY, value=report.producer))
        save_atomically(wb, path, direct)
    except BaseException:  # a full disk, a bad value, Ctrl-C: close what openpyxl left half-written
        discard(wb)
        raise


def _render_sheet(wb: Workbook, sheet: S.SheetSpec, styles: _Styles) -> SheetRows | None:
    """Render one sheet; for a big sheet return its rows, to be written directly."""
    ws = wb.create_sheet(sheet.name)
    for col, width in sheet.widths.items():
        ws.column_dimensions[column_letter(col)].width = width
    fast_rows = _fast_ok(sheet)
    if not fast_rows:  # a directly written sheet carries its row heights in its own rows
        for row, height in sheet.heights.items():
            ws.row_dimensions[row + 1].height = height
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    if sheet.tab_color:
        ws.sheet_properties.tabColor = sheet.tab_color
    if sheet.zoom:
        ws.sheet_view.zoomScale = sheet.zoom
    _print_setup(ws, sheet.print_setup)
    if sheet.protected:
        ws.protection.sheet = True
        ws.protection.formatCells = False
        ws.protection.formatColumns = False
    for row in sheet.row_breaks:
        ws.row_breaks.append(Break(id=row + 1))
    for merge in sheet.merges:
        ws.merged_cells.add(merge)
    fast = _fast_sheet_data(ws, sheet, styles) if fast_rows else None
    if fast is None:
        _write_cells(ws, sheet, styles)
    for table in sheet.tables:
        with warnings.catch_warnings():  # openpyxl warns in write-only mode even when columns are named
            warnings.simplefilter("ignore", UserWarning)
            ws.add_table(_table(sheet, table))
    for cf in sheet.conditional:
        rule = Rule(type="expression", dxf=styles.differential(cf.style), formula=[cf.formula], stopIfTrue=False)
        ws.conditional_formatting.add(cf.range, rule)
    for v in sheet.validations:
        ws.data_validations.append(_validation(v))
    for chart in sheet.charts:
        ws.add_chart(_chart(chart), chart.anchor)
    return fast


def _table(sheet: S.SheetSpec, table: S.Table) -> Table:
    """An Excel table; write-only mode cannot read the header back, so name the columns here."""
    bounds = CellRange(table.ref)
    t = Table(displayName=table.name, ref=table.ref)
    t.tableStyleInfo = TableStyleInfo(name=table.style, showRowStripes=True)
    t.autoFilter = AutoFilter(ref=table.ref)
    header = bounds.min_row - 1
    t.tableColumns = [
        TableColumn(id=n, name=str(_value(sheet.cell(header, c - 1))))
        for n, c in enumerate(range(bounds.min_col, bounds.max_col + 1), start=1)
    ]
    return t


def _value(cell: S.Cell | None) -> object:
    return None if cell is None else cell.value


def _write_cells(ws, sheet: S.SheetSpec, styles: _Styles) -> None:
    by_row: dict[int, dict[int, S.Cell]] = {}
    for (r, c), cell in sheet.iter_cells():
        by_row.setdefault(r, {})[c] = cell
    last = max(sheet.max_row, max(sheet.heights, default=-1))  # a spacer row past the cells keeps its height
    for r in range(last + 1):
        cells = by_row.get(r)
        if not cells:
            ws.append([])
            continue
        row: list[object] = [None] * (max(cells) + 1)
        for c, spec_cell in cells.items():
            row[c] = _cell(ws, spec_cell, styles, r, c)
        ws.append(row)


FAST_MIN_CELLS = 5000  # below this openpyxl's cell objects cost nothing worth avoiding


def _fast_ok(sheet: S.SheetSpec) -> bool:
    """Big sheets: their rows are written as XML directly (cmxl.xlsx.rows)."""
    return sheet.cell_count >= FAST_MIN_CELLS


def _fast_sheet_data(ws, sheet: S.SheetSpec, styles: _Styles) -> SheetRows:
    """Ready a big sheet to be written directly: what openpyxl must know before it saves the
    package (the cell formats used, comments and links) is registered now; the rows themselves
    are made while the file is written."""
    ws._get_writer()  # as a first append would: its writer starts the sheet (and resets the comment list)
    for (r, c), cell in sheet.cells.items():
        if cell.comment or cell.link:
            _register_extras(ws, cell, r, c, f"{column_letter(c)}{r + 1}")
    attrs = {name: f' s="{styles.style_id(ws, name)}"' if name else "" for name in styles_used(sheet)}
    return SheetRows(sheet, attrs, ws.parent.epoch)


def _register_extras(ws, cell: S.Cell, r: int, c: int, where: str) -> None:
    """What openpyxl's row writer does for a cell's comment and link (written at the sheet's end)."""
    if cell.comment:
        holder = Cell(ws, row=r + 1, column=c + 1)
        holder.comment = Comment(xml_text(cell.comment), "cmxl", width=260, height=110)
        ws._comments.append(CommentRecord.from_cell(holder))
    if cell.link:
        ws._hyperlinks.append(Hyperlink(ref=where, location=cell.link))


def _cell(ws, spec_cell: S.Cell, styles: _Styles, r: int, c: int) -> object:
    value = spec_cell.value
    if isinstance(value, float) and value != value:
        value = None
    elif isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters cannot be stored in XML
    is_text_risk = (
        isinstance(value, str) and not spec_cell.formula and (value.startswith(_TEXT_STARTS) or value in ERROR_CODES)
    )
    if spec_cell.style is None and spec_cell.comment is None and spec_cell.link is None and not is_text_risk:
        return value
    cell = WriteOnlyCell(ws, value=value)
    if is_text_risk:
        cell.data_type = "s"  # text from a clerk's workbook stays text
    if spec_cell.style is not None:
        styles.apply(cell, spec_cell.style)
    if spec_cell.comment:
        cell.comment = Comment(xml_text(spec_cell.comment), "cmxl", width=260, height=110)
    if spec_cell.link:
        cell.hyperlink = Hyperlink(ref=f"{column_letter(c)}{r + 1}", location=spec_cell.link)
    return cell


def _print_setup(ws, setup: S.PrintSetup | None) -> None:
    if setup is None:
        return
    ws.page_setup.orientation = "landscape" if setup.landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.pageOrder = "overThenDown"  # a wide table's pages across come one after another
    if setup.fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = setup.pages_wide
        ws.page_setup.fitToHeight = setup.pages_tall
    if setup.repeat_rows:
        ws.print_title_rows = setup.repeat_rows
    if setup.repeat_cols:
        ws.print_title_cols = setup.repeat_cols
    if setup.print_area:
        ws.print_area = setup.print_area
    if setup.header:
        ws.oddHeader.center.text = xml_text(setup.header)
    if setup.footer:
        ws.oddFooter.center.text = setup.footer
    ws.page_margins = PageMargins(
        left=setup.margin_side,
        right=setup.margin_side,
        top=setup.margin_top,
        bottom=setup.margin_bottom,
        header=setup.margin_header,
        footer=setup.margin_footer,
    )


def _validation(v: S.Validation) -> DataValidation:
    if v.kind == "list":
        formula1 = v.source if v.source else '"' + ",".join(v.options or []) + '"'
        dv = DataValidation(type="list", formula1=formula1, allow_blank=True)
    else:
        dv = DataValidation(
            type=v.kind, operator="between", formula1=str(v.minimum), formula2=str(v.maximum), allow_blank=True
        )
    dv.showErrorMessage = bool(v.error)
    dv.errorTitle, dv.error = v.error_title or None, v.error or None
    dv.showInputMessage = bool(v.prompt)
    dv.promptTitle, dv.prompt = v.prompt_title or None, v.prompt or None
    dv.add(v.range)
    return dv


def _reference(ref: S.Ref) -> Reference:
    return Reference(range_string=ref.a1)


def _chart(c: S.Chart):
    if c.kind == "radar":
        chart = RadarChart()
        chart.type = "marker"
    else:
        chart = BarChart()
        chart.type = "bar" if c.kind == "bar" else "col"
        if c.stacked:
            chart.grouping = "stacked"
            chart.overlap = 100
        chart.gapWidth = 60
    for i, s in enumerate(c.series):
        series = Series(_reference(s.values), title=s.title)
        if i < len(c.colors):
            color = c.colors[i]
            if c.kind == "radar":
                series.graphicalProperties.line.solidFill = color
                series.graphicalProperties.line.width = 28000
                series.marker.symbol = "circle"
                series.marker.graphicalProperties.solidFill = color
                series.marker.graphicalProperties.line.solidFill = color
                if s.dashed:
                    series.graphicalProperties.line.dashStyle = "dash"
                    series.marker.symbol = "none"
            else:
                series.graphicalProperties.solidFill = color
                series.graphicalProperties.line.solidFill = color
        chart.series.append(series)
    chart.set_categories(_reference(c.categories))
    chart.title = c.title
    chart.width, chart.height = c.width_cm, c.height_cm
    chart.legend.position = "b"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if c.x_title:
        chart.x_axis.title = c.x_title
    if c.y_title:
        chart.y_axis.title = c.y_title
    if c.y_min is not None:
        chart.y_axis.scaling.min = c.y_min
    if c.y_max is not None:
        chart.y_axis.scaling.max = c.y_max
    if c.categories_reversed:
        chart.x_axis.scaling.orientation = "maxMin"
    if c.axis_format:
        chart.y_axis.number_format = c.axis_format
    if c.percent:
        chart.y_axis.number_format = "0%"
        chart.y_axis.majorGridlines = None
    chart.layout = Layout(manualLayout=ManualLayout(x=0.02, y=0.12, w=0.96, h=0.72)) if c.kind == "radar" else None
    return chart
