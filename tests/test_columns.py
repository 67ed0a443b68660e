"""A table sheet's columns are declared once (cmxl.core.layout.columns): header, value, style,
width and rules. Inserting a column is one line, and everything placed by column follows it: the
body, the styles, the conditional formats, and 个人画像's look-ups into 评分明细, which go by header."""

from __future__ import annotations

import re
from typing import NamedTuple

import pytest

from cmxl.core.cellref import column_letter
from cmxl.core.engine.assessment import assess
from cmxl.core.engine.tally import tally
from cmxl.core.layout import detail, results
from cmxl.core.layout.columns import Column, Columns
from cmxl.core.layout.profile import INFO_FIELDS
from cmxl.core.layout.roster import _log
from cmxl.core.layout.roster_pages import Batch
from cmxl.core.layout.spec import ConditionalFormat, SheetSpec
from cmxl.core.model.loading import catalogue
from cmxl.core.records import FileLog
from tests.conftest import AS_OF, grid, person


class Row(NamedTuple):
    name: str
    scores: list[float]


def failed(cells: str, at: str) -> list[ConditionalFormat]:
    return [ConditionalFormat(cells, f"{at}<60", "bad")]


def table(*inserted: Column[Row]) -> tuple[SheetSpec, Columns[Row]]:
    cols = Columns([Column("姓名", "name"), *inserted, Column("笔试", "scores[0]", "num", width=9.0, rule=failed)])
    sheet = SheetSpec("名单")
    cols.add_table(sheet, 0, [Row("张三", [59.5]), Row("李四", [80.0])])
    sheet.conditional += cols.conditional(1, 2)
    cols.set_widths(sheet)
    return sheet, cols


def test_inserting_a_column_is_one_line_and_the_rest_follows():
    sheet, _ = table(Column("单位", lambda r: "西安", "top"))
    body = sheet.bodies[0]
    assert [sheet.cell(0, c).value for c in range(3)] == ["姓名", "单位", "笔试"]
    assert (body.rows, body.styles) == ([["张三", "西安", 59.5], ["李四", "西安", 80.0]], ["text", "top", "num"])
    assert [(f.range, f.formula) for f in sheet.conditional] == [("C2:C3", "C2<60")]
    assert sheet.widths == {2: 9.0}


def test_a_rule_shared_by_columns_is_one_rule_over_their_ranges():
    cols = Columns([Column("甲", "name", rule=failed), Column("乙", "name"), Column("丙", "name", rule=failed)])
    assert [(f.range, f.formula) for f in cols.conditional(1, 4)] == [("A2:A5 C2:C5", "A2<60")]


def test_a_value_that_is_not_an_attribute_path_is_refused():
    with pytest.raises(ValueError, match="not an attribute path"):
        Columns([Column("姓名", "name()")])


def test_the_profile_finds_its_columns_in_the_detail_sheet_by_header(monkeypatch):
    """A column inserted at the front of 评分明细 moves every column it reads; its formulas follow."""
    declared = detail.detail_columns

    def with_a_number_first(fw):
        return Columns([Column("序号", lambda p: 1, "int"), *declared(fw).columns])

    monkeypatch.setattr(detail, "detail_columns", with_a_number_first)
    monkeypatch.setattr(results, "detail_columns", with_a_number_first)
    g = grid([person()])
    cat = catalogue()
    spec = results.build_results(
        assess(g, cat.framework(), cat, AS_OF), g, source="t", sha256="", tool_version="t", created="c"
    )
    heads = {c.value: column_letter(c0) for (r, c0), c in spec.sheet("评分明细").iter_cells() if r == 0}
    profile = spec.sheet("个人画像")
    pulled = {}
    for (r, c), cell in profile.cells.items():
        if c == 1 and cell.formula and profile.cells.get((r, 0)) is not None:
            pulled[profile.cells[(r, 0)].value] = re.search(r"INDEX\('评分明细'!\$([A-Z]+)\$2", cell.value).group(1)
    assert pulled == {label: heads[header] for label, header in INFO_FIELDS}
    assert pulled["姓名"] == "C" and heads["序号"] == "A"


def test_a_process_log_wider_than_a_page_prints_one_page_wide_with_its_file_names_wrapped():
    """The SHA-256 column's fixed width counts when the page is planned: 30 + 8 + 6 × 3 + 6 + 30 + 68
    = 160 characters, more than a page holds at 8 pt (134): the file names wrap narrower, and the
    SHA-256 stays whole (68: it is compared character by character)."""
    name = "西安分公司客户经理测评表_2026年第一批.xlsx"  # wider than 30
    log = FileLog(
        file=name,
        status="有错误",
        people=48,
        errors=10,
        warnings=5,
        reason="",
        output=name,
        sha256="0" * 64,
        seconds=1.0,
    )
    sheet = _log([log], Batch("批次", AS_OF, [], tally([])))
    assert sheet.widths[7] == 68.0 and sheet.print_setup.pages_wide == 1 and sheet.print_setup.print_area is None
    assert sheet.widths[0] < 30 and sheet.widths[6] < 30  # the file names wrap
    assert sum(sheet.widths.values()) * 7 * 0.8 <= 784  # at 8 pt, on a landscape A4 page
