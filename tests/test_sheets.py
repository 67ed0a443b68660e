"""A workbook with one people sheet per unit is scored sheet by sheet into one results workbook;
hidden sheets and sheets of another layout are skipped with a warning (issue: 徐州 10 and 无锡
20 people, only the first sheet was scored; a hidden 测评数据 won over a visible sheet)."""

from __future__ import annotations

import python_calamine as pc

import cmxl
from cmxl.core.engine.assessment import assess
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.model.loading import catalogue
from tests.conftest import AS_OF, ITEMS_A, RESULT_SHEETS

HEAD = ["员工编号", "姓名", "单位", "现岗位级别", *ITEMS_A]


def rows(prefix: str, n: int, unit: str) -> list[list[object]]:
    return [[f"{prefix}{k:03d}", f"人{prefix}{k}", unit, "中级客户经理", *[55] * len(ITEMS_A)] for k in range(1, n + 1)]


def run(sheets: list[SheetGrid]):
    cat = catalogue()
    return assess(WorkbookGrid("江苏.xlsx", sheets), cat.framework(), cat, AS_OF)


def test_every_people_sheet_is_scored():
    a = run([SheetGrid("徐州", [HEAD, *rows("X", 10, "徐州")]), SheetGrid("无锡", [HEAD, *rows("W", 20, "无锡")])])
    assert a.size == 30 and a.intake.sheets == ["徐州", "无锡"]
    assert [(p.sheet, p.row) for p in a.people][9:11] == [("徐州", 11), ("无锡", 2)]
    assert a.report.valid


def test_an_id_on_two_sheets_is_reported_on_both():
    dup = rows("X", 2, "徐州")
    other = [*dup[1][:2], "无锡", *dup[1][3:]]  # the same id, another unit: the rows differ
    a = run([SheetGrid("徐州", [HEAD, *dup]), SheetGrid("无锡", [HEAD, other])])
    found = [(i.sheet, i.cell, i.code) for i in a.report.errors]
    assert found == [("无锡", "A2", "id-duplicate"), ("徐州", "A3", "id-duplicate")]
    assert a.report.errors[0].message == "员工编号“X002”重复（另见 徐州!A3）"


def test_hidden_and_different_sheets_are_skipped_with_a_warning():
    other = ["员工编号", "姓名", "单位", "现岗位级别", *ITEMS_A[:-1]]  # one competency short
    a = run(
        [
            SheetGrid("测评数据", [HEAD, *rows("H", 3, "旧")], visible=False),
            SheetGrid("徐州", [HEAD, *rows("X", 2, "徐州")]),
            SheetGrid("草稿", [other, *[r[:-1] for r in rows("D", 2, "草")]]),
        ]
    )
    assert a.intake.sheets == ["徐州"] and a.size == 2
    warned = {(i.code, i.value) for i in a.report.warnings}
    assert ("sheet-hidden-skipped", "测评数据") in warned and ("sheet-layout-differs", "草稿") in warned


def test_the_results_workbook_has_a_sheet_column_and_a_copy_of_each_sheet(tmp_path):
    from tests.test_files import write_xlsx_sheets

    path = write_xlsx_sheets(
        tmp_path / "江苏.xlsx",
        {"徐州": [HEAD, *rows("X", 2, "徐州")], "无锡": [HEAD, ["", "无名", "无锡", "中级客户经理"]]},
    )
    [result] = cmxl.score([path], as_of=AS_OF)
    book = pc.CalamineWorkbook.from_path(str(result.output))
    assert book.sheet_names == [
        *RESULT_SHEETS,
        "测评数据-徐州",
        "测评数据-无锡",
        "运行信息",
    ]
    summary = book.get_sheet_by_name("汇总").to_python()
    assert summary[0][4] == "工作表" and [r[4] for r in summary[1:]] == ["徐州", "徐州", "无锡"]
    issues = book.get_sheet_by_name("校验问题").to_python()
    assert ("无锡", "A2", "id-missing") in {(r[3], r[4], r[2]) for r in issues[1:]}
