"""Freezing panes and page set-up in Excel for Windows, through Excel's own object model
(`.api`, pywin32): xlwings' open-source Windows engine has no freeze panes and its PageSetup
has only the print area. Nothing else goes through `.api`.

Not run on this project's CI (there is no Excel); docs/excel.md's checklist covers it."""

from __future__ import annotations

from typing import Any

from cmxl.core.cellref import parse_a1
from cmxl.core.layout.spec import PrintSetup

XL_LANDSCAPE, XL_PORTRAIT, XL_PAPER_A4 = 2, 1, 9
XL_OVER_THEN_DOWN = 2
POINTS_PER_INCH = 72


def _absolute(span: str) -> str:
    """'1:1' -> '$1:$1', 'A:B' -> '$A:$B' (what PrintTitleRows/Columns expect)."""
    return ":".join("$" + part for part in span.split(":"))


class WindowsExcel:
    def freeze(self, sheet: Any, cell: str) -> None:
        row, col = parse_a1(cell)
        sheet.activate()
        window = sheet.book.app.api.ActiveWindow
        window.FreezePanes = False
        window.ScrollRow, window.ScrollColumn = 1, 1
        window.SplitRow, window.SplitColumn = row, col
        window.FreezePanes = True

    def page_setup(self, sheet: Any, setup: PrintSetup) -> None:
        app = sheet.book.app.api
        app.PrintCommunication = False  # else every property waits for the printer driver
        try:
            ps = sheet.api.PageSetup
            ps.Orientation = XL_LANDSCAPE if setup.landscape else XL_PORTRAIT
            ps.PaperSize = XL_PAPER_A4
            ps.Order = XL_OVER_THEN_DOWN  # a wide table's pages across come one after another
            if setup.fit_width:
                ps.Zoom = False
                ps.FitToPagesWide = setup.pages_wide
                ps.FitToPagesTall = setup.pages_tall or False
            if setup.repeat_rows:
                ps.PrintTitleRows = _absolute(setup.repeat_rows)
            if setup.repeat_cols:
                ps.PrintTitleColumns = _absolute(setup.repeat_cols)
            if setup.print_area:
                ps.PrintArea = setup.print_area
            ps.CenterHeader = setup.header
            ps.CenterFooter = setup.footer
            ps.LeftMargin = ps.RightMargin = setup.margin_side * POINTS_PER_INCH
            ps.TopMargin = setup.margin_top * POINTS_PER_INCH
            ps.BottomMargin = setup.margin_bottom * POINTS_PER_INCH
            ps.HeaderMargin = setup.margin_header * POINTS_PER_INCH
            ps.FooterMargin = setup.margin_footer * POINTS_PER_INCH
        finally:
            app.PrintCommunication = True
