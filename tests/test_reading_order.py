"""Issue 22 item 5, reading traps: 培训需求 and its list by 省份 then 单位 in pinyin order (重庆 is
read chóngqìng and comes before 广东 guǎngdōng; 广州 before 中山 zhōngshān, though 中 has the lower
code point), with a 省份 column, and a unit of the same name in two provinces on two rows."""

from __future__ import annotations

from cmxl.core.layout.stats import stats_sheet
from cmxl.core.layout.training import training_list, training_matrix
from tests.conftest import person, run
from tests.test_stats_counts import group_tables

ROWS = [
    person("0001", 省份="广东", 单位="中山分公司", 成就导向=30),
    person("0002", 省份="广东", 单位="广州分公司", 成就导向=30),
    person("0003", 省份="江苏", 单位="南京分公司", 成就导向=30),
    person("0004", 省份="重庆", 单位="南京分公司"),
    person("0005", 省份="重庆", 单位="南京分公司", 成就导向=30),
]


def matrix_rows() -> list[list[object]]:
    a = run(ROWS)
    sheet = training_matrix(a.framework, a.people)
    top = next(r for (r, c), cell in sheet.iter_cells() if c == 0 and cell.value == "低于标准的人数")
    rows = []
    for r in range(top + 1, sheet.max_row + 1):
        row = [sheet.cell(r, c).value if sheet.cell(r, c) else None for c in range(4)]
        rows.append(row)
        if row[0] == "合计":
            return rows
    raise AssertionError("no 合计 row")


def test_training_needs_are_by_province_then_unit_in_pinyin_order_with_subtotals():
    # 省份, 单位, 人数, 成就导向 below standard (30 is 初级, the 中级 standard is 中级)
    assert matrix_rows() == [
        ["省份", "单位", "人数", "成就导向"],
        ["重庆", "南京分公司", 2, 1],
        ["重庆 小计", None, 2, 1],
        ["广东", "广州分公司", 1, 1],
        ["广东", "中山分公司", 1, 1],
        ["广东 小计", None, 2, 2],
        ["江苏", "南京分公司", 1, 1],
        ["江苏 小计", None, 1, 1],
        ["合计", None, 5, 4],
    ]


def test_the_training_list_names_the_province_and_keeps_it_in_pinyin_order():
    a = run(ROWS)
    sheet = training_list(a.framework, a.people)
    heads = [sheet.cell(0, c).value for c in range(4)]
    assert heads == ["能力项", "省份", "单位", "员工编号"]
    listed = [tuple(sheet.cell(r, c).value for c in (1, 2, 3)) for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1)]
    assert listed == [
        ("重庆", "南京分公司", "0005"),
        ("广东", "广州分公司", "0002"),
        ("广东", "中山分公司", "0001"),
        ("江苏", "南京分公司", "0003"),
    ]


def test_the_training_title_has_a_row_tall_enough_not_to_run_into_its_note():
    a = run(ROWS)
    sheet = training_matrix(a.framework, a.people)
    assert sheet.cell(0, 0).style == "title"  # 14 pt: about 19 pt of row at least
    assert sheet.heights.get(0, 15.0) >= 20


def test_the_statistics_say_why_the_lowest_grades_attainment_is_always_full():
    """初级客户经理's standard is 初级 in every item (docs/rules.md, 能力模型一): nobody rated is below it."""
    a = run([person("0001", 现岗位级别="初级客户经理", score=10)])
    sheet = stats_sheet(a.framework, a.people)
    notes = [cell.value for _, cell in sheet.iter_cells() if str(cell.value).startswith("注：")]
    assert notes == ["注：初级客户经理的岗位标准各项都是最低级别“初级”，已评定的人不会低于标准，所以达标率总是 100%。"]


def test_the_statistics_by_unit_are_in_pinyin_order():
    a = run(ROWS)
    _, by_unit = group_tables(stats_sheet(a.framework, a.people))
    assert list(by_unit) == ["广州分公司", "南京分公司", "中山分公司"]
