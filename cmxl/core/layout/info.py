"""运行信息: what made a results workbook or a roster (tool, rules and their hashes, inputs,
counts), as label and value rows. Long values (a scheme's name with its hash) wrap inside the
table instead of running past its border and the page's edge."""

from __future__ import annotations

from cmxl.core.layout.names import INFO
from cmxl.core.layout.spec import PrintSetup, SheetSpec


def info_sheet(rows: list[tuple[str, object]]) -> SheetSpec:
    sheet = SheetSpec(INFO, tab_color="7F7F7F", print_setup=PrintSetup(header=INFO))
    sheet.put(0, 0, INFO, "title")
    for r, (label, value) in enumerate(rows, start=2):
        sheet.put(r, 0, label, "label")
        sheet.put(r, 1, value, "value_wrap" if isinstance(value, str) else "value")
    sheet.widths = {0: 26.0, 1: 80.0}
    sheet.fit_heights([1], first_row=2)
    return sheet
