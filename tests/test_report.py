"""The results workbook: the spec decided in the core, and the file written from it."""

import math
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from cmxl.core.engine.assessment import assess
from cmxl.core.layout.profile import TABLE_ROW
from cmxl.core.layout.results import build_results
from cmxl.core.model.loading import catalogue
from cmxl.xlsx.read import read_workbook
from cmxl.xlsx.render import render
from tests.conftest import AS_OF, RESULT_SHEETS, UNITS_SHEETS

ROOT = Path(__file__).resolve().parents[1]
SHEETS = [*UNITS_SHEETS, "测评数据", "运行信息"]  # the samples have several units


def results(name):
    grid = read_workbook(ROOT / "workbooks" / name)
    cat = catalogue()
    a = assess(grid, cat.framework(), cat, AS_OF)
    return a, build_results(a, grid, source=name, sha256="0" * 64, tool_version="test", created="2026-12-01T00:00:00")


@pytest.fixture(scope="module", params=["江苏_2026.xlsx", "广东_2026.xlsx", "四川_2026.xlsx", "陕西_2026.xlsx"])
def built(request):
    return results(request.param)


def values(sheet, row, first, last):
    return [sheet.cell(row, c).value if sheet.cell(row, c) is not None else None for c in range(first, last + 1)]


def test_sheets_in_order_with_one_summary_row_per_person(built):
    a, spec = built
    assert [s.name for s in spec.sheets] == SHEETS
    summary = spec.sheet("汇总")
    assert summary.max_row == a.size
    assert summary.tables[0].ref.startswith("A1:") and summary.tables[0].ref.endswith(str(a.size + 1))
    assert [summary.cell(p + 1, 0).value for p in range(a.size)] == a.intake.people["employee_id"]


def test_profile_formulas_read_the_right_detail_columns(built):
    a, spec = built
    profile, detail = spec.sheet("个人画像"), spec.sheet("评分明细")
    header = {cell.value: c for (r, c), cell in detail.iter_cells() if r == 0}
    letters = {openpyxl.utils.get_column_letter(c + 1): name for name, c in header.items()}
    for i, item in enumerate(a.framework.item_names):
        row = TABLE_ROW + 1 + i
        assert profile.cell(row, 0).value == item
        for col, part in ((2, "得分"), (3, "级别"), (6, "差距")):
            formula = profile.cell(row, col).value
            assert profile.cell(row, col).formula
            letter = re.search(r"'评分明细'!\$([A-Z]+)\$2", formula).group(1)
            assert letters[letter] == item + part
        # 标准级别: looked up in the profile's own table of grade standards, on this item's row
        std_row = int(re.search(r"INDEX\(\$B\$(\d+):", profile.cell(row, 4).value).group(1)) - 1
        assert profile.cell(std_row, 0).value == item
        grades = [profile.cell(std_row - 1 - i, c).value for c in range(1, 5)]
        assert grades == [g.name for g in a.framework.grades]
        assert [profile.cell(std_row, c).value for c in range(1, 5)] == [
            a.framework.level_names[a.framework.standards[g, i]] for g in range(4)
        ]


def test_charts_point_at_their_tables(built):
    a, spec = built
    stats, profile = spec.sheet("统计图表"), spec.sheet("个人画像")
    radar = profile.charts[0]
    assert radar.kind == "radar"
    assert [profile.cell(r, 0).value for r in range(radar.categories.first_row, radar.categories.last_row + 1)] == (
        a.framework.item_names
    )
    assert [s.values.first_col for s in radar.series] == [7, 8]  # level numbers: assessed, standard
    levels = stats.charts[0]
    names = [stats.cell(r, 0).value for r in range(levels.categories.first_row, levels.categories.last_row + 1)]
    assert names == a.framework.item_names
    # people with an item not scored (陕西 has some) show as 未评定 after the levels
    unrated = bool((a.scores.item_levels < 0).any())
    assert [s.title for s in levels.series] == [*a.framework.level_names, *(["未评定"] if unrated else [])]
    for series in levels.series:
        ref = series.values
        assert stats.cell(ref.first_row - 1, ref.first_col).value == series.title  # the column's header
        counts = [stats.cell(r, ref.first_col).value for r in range(ref.first_row, ref.last_row + 1)]
        column = a.framework.level_names.index(series.title) if series.title != "未评定" else -1
        assert counts == [int((a.scores.item_levels[:, i] == column).sum()) for i in range(len(names))]
    totals = stats.charts[1].series[0].values
    assert sum(stats.cell(r, 1).value for r in range(totals.first_row, totals.last_row + 1)) == (
        int((a.scores.total == a.scores.total).sum())
    )
    # the row after the bins counts those without a total
    assert stats.cell(totals.last_row + 1, 1).value == int(np.isnan(a.scores.total).sum())
    for chart in stats.charts + profile.charts:
        assert chart.title and all(s.title for s in chart.series)


def test_issue_rows_link_to_highlighted_cells(built):
    a, spec = built
    issues, data = spec.sheet("校验问题"), spec.sheet("测评数据")
    for n, issue in enumerate(a.report.issues, start=1):
        cell = issues.cell(n, 4)
        if not issue.cell:
            continue
        assert cell.link == f"'测评数据'!{issue.cell}"
        col = openpyxl.utils.column_index_from_string(re.match(r"[A-Z]+", issue.cell).group()) - 1
        row = int(re.search(r"\d+", issue.cell).group()) - 1
        target = data.cell(row, col)
        assert issue.message in target.comment
        assert target.style == (
            "cell_error" if issue.severity == "error" or "错误" in target.comment else "cell_warning"
        )


def test_written_file_reopens_with_everything_in_it(tmp_path):
    a, spec = results("陕西_2026.xlsx")
    out = tmp_path / "r.xlsx"
    render(spec, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    assert list(wb["汇总"].tables) == ["汇总表"]
    assert len(wb["汇总"].conditional_formatting) >= 3
    dv = wb["个人画像"].data_validations.dataValidation
    assert [(d.type, d.formula1) for d in dv] == [("list", f"'评分明细'!$A$2:$A${a.size + 1}")]
    assert wb["个人画像"]["B3"].value == a.intake.people["employee_id"][0]
    assert wb["个人画像"]["C15"].value.startswith("=IFERROR(IF(ISBLANK(INDEX('评分明细'!")
    assert wb["汇总"].freeze_panes == "C2" and wb["汇总"].print_title_rows == "$1:$1"
    assert wb["汇总"].page_setup.orientation == "landscape"
    link = wb["校验问题"]["E3"].hyperlink
    assert link.location == f"'测评数据'!{a.report.issues[1].cell}"
    assert wb["测评数据"][a.report.issues[1].cell].comment is not None
    with zipfile.ZipFile(out) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    counted = ("统计图表", "培训需求", "校准分析")  # and the radar of 个人画像
    assert len(charts) == sum(len(spec.sheet(n).charts) for n in counted) + 1


def test_empty_workbook_still_gives_a_readable_report(tmp_path):
    from cmxl.core.grid import SheetGrid, WorkbookGrid

    grid = WorkbookGrid("空.xlsx", [SheetGrid("Sheet1", [["说明"]])])
    cat = catalogue()
    a = assess(grid, cat.framework(), cat, AS_OF)
    spec = build_results(a, grid, source="空.xlsx", sha256="", tool_version="t", created="c")
    render(spec, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb["校验问题"]["I2"].value.startswith("找不到测评数据表")


def test_data_copy_shows_a_date_typed_as_a_number_as_a_date():
    from tests.conftest import grid, person

    g = grid([person("0001", 证书取得日期=45799, 已持证书等级="四级"), person("0002", 证书取得日期="2025-05-20")])
    cat = catalogue()
    a = assess(g, cat.framework(), cat, AS_OF)
    copy = build_results(a, g, source="t.xlsx", sha256="", tool_version="t", created="c").sheet("测评数据")
    date_col = list(g.sheets[0].rows[0]).index("证书取得日期")
    score_col = list(g.sheets[0].rows[0]).index("成就导向")
    assert (copy.cell(1, date_col).value, copy.cell(1, date_col).style) == (45799, "date")
    assert copy.cell(2, date_col).style == "text"  # typed as text: shown as typed
    assert copy.cell(1, score_col).style is None  # a score stays a number


def test_wide_sheets_print_across_pages_with_who_on_each(tmp_path):
    _, spec = results("陕西_2026.xlsx")
    out = tmp_path / "r.xlsx"
    render(spec, out)
    wb = openpyxl.load_workbook(out)
    detail, copy = wb["评分明细"], wb["测评数据"]
    assert detail.print_title_cols == "$A:$B" and detail.print_title_rows == "$1:$1"
    # 60+ columns on one page would be unreadable: as few pages across as print them at 8 pt or more:
    # A to BL are 11 + 10 + 14 × 4 + 54 × 7 + 11 × 4 = 499 wide, A:B (21) on every page, and a page
    # holds 784 pt / (7 pt × 0.8) × 0.96 = 134: (499 − 21) / (134 − 21) = 4.2, so 5 pages across
    assert (detail.page_setup.fitToWidth, detail.page_setup.fitToHeight) == (5, 0)
    # a row's pages across are printed one after another (down first put 评分明细's 认证原因 about
    # 144 pages after the same people's scores, for 广东)
    assert {wb[n].page_setup.pageOrder for n in ("评分明细", "汇总", "测评数据")} == {"overThenDown"}
    assert copy.print_title_rows == "$3:$3"  # 陕西's header is under a title and a blank row
    margins = wb["汇总"].page_margins
    assert margins.header < margins.top and margins.footer < margins.bottom  # the page header clears the table


def test_in_workbook_report_links_and_marks_the_clerks_own_sheet():
    from cmxl.core.layout.results import build_in_workbook
    from tests.conftest import grid, person

    people = [person("0001", 成就导向=120), person("0002", 抗挫能力="８５"), person("0003")]
    g = grid(people, sheet="地市报表")
    cat = catalogue()
    a = assess(g, cat.framework(), cat, AS_OF)
    head = list(g.sheets[0].rows[0])
    bad = f"{chr(65 + head.index('成就导向'))}2"  # row 2: the first person under the header
    normalised = f"{chr(65 + head.index('抗挫能力'))}3"

    spec = build_in_workbook(a, source="地市.xlsx", tool_version="t", created="c")
    assert [s.name for s in spec.sheets] == [
        *RESULT_SHEETS,
        "运行信息",
    ]
    links = [c.link for _, c in spec.sheet("校验问题").iter_cells() if c.link]
    assert links == [f"'地市报表'!{bad}", f"'地市报表'!{normalised}"]
    marks = {(m.sheet, m.cell): m for m in spec.marks}
    assert sorted(marks) == [("地市报表", bad), ("地市报表", normalised)]
    assert marks[("地市报表", bad)].style == "cell_error" and "超出 0–100" in marks[("地市报表", bad)].note
    assert marks[("地市报表", normalised)].style == "cell_warning"

    only = build_in_workbook(a, source="地市.xlsx", tool_version="t", created="c", issues_only=True)
    assert [s.name for s in only.sheets] == ["校验问题"] and only.marks == spec.marks


def test_summary_ranks_by_total_overall_and_within_the_unit():
    """Totals 80 / 90 / 90 / none / 70 in units A, B, A, A, B (every item at that score): overall
    90, 90 share rank 1, then 80 is 3 and 70 is 4; the one without a total has no rank. Within A:
    90 -> 1, 80 -> 2; within B: 90 -> 1, 70 -> 2."""
    from tests.conftest import grid, person

    g = grid(
        [
            person("0001", score=80, 单位="A"),
            person("0002", score=90, 单位="B"),
            person("0003", score=90, 单位="A"),
            person("0004", score=80, 单位="A", 成就导向=""),
            person("0005", score=70, 单位="B"),
        ]
    )
    cat = catalogue()
    a = assess(g, cat.framework(), cat, AS_OF)
    summary = build_results(a, g, source="t.xlsx", sha256="", tool_version="t", created="c").sheet("汇总")
    heads = {summary.cell(0, c).value: c for c in range(40) if summary.cell(0, c) is not None}
    got = [(summary.cell(r, heads["总排名"]).value, summary.cell(r, heads["单位排名"]).value) for r in range(1, 6)]
    assert got == [(3, 2), (1, 1), (1, 1), (None, None), (4, 2)]


def test_scores_worked_out_from_a_level_are_named():
    """成就导向 given as 高级 alone counts as the band's midpoint (70.5): 评分明细 names it, and
    个人画像 pulls that line beside the person's results."""
    from cmxl.core.layout.detail import detail_columns
    from tests.conftest import grid, person

    g = grid([person(成就导向="高级")])
    cat = catalogue()
    a = assess(g, cat.framework(), cat, AS_OF)
    spec = build_results(a, g, source="t.xlsx", sha256="", tool_version="t", created="c")
    col = detail_columns(a.framework)["按级别折算的能力项"]
    assert spec.sheet("评分明细").cell(1, col).value == "成就导向"
    assert a.people[0].item_scores[0] == 70.5
    profile = spec.sheet("个人画像")
    labels = {c.value: r for (r, c0), c in profile.iter_cells() if c0 == 0}
    assert "按级别折算" in labels and profile.cells[(labels["按级别折算"], 1)].formula


# A4 landscape is 21.0 cm tall; the margins are 0.8 in above and 0.7 in below the printed rows
PAGE_CM = 21.0 - (0.8 + 0.7) * 2.54
POINT_CM = 2.54 / 72


def test_no_chart_is_cut_across_printed_pages(built):
    """Printed at 100 %, every chart of 统计图表 and 培训需求 lies on one page: the rows above it
    on its page and the chart itself fit the page's height, no page break falls inside it, and it
    does not sit on the page's very first row (LibreOffice then drew a sliver of its frame at the
    foot of the page before)."""
    from cmxl.core.cellref import parse_a1

    _, spec = built
    for name in ("统计图表", "培训需求"):
        sheet = spec.sheet(name)
        assert sheet.print_setup.landscape and sheet.charts
        for chart in sheet.charts:
            row, _ = parse_a1(chart.anchor)
            page_top = max((b + 1 for b in sheet.row_breaks if b < row), default=0)
            above_cm = sum(sheet.heights.get(r, 15.0) * POINT_CM for r in range(page_top, row))
            assert row > page_top, (name, chart.title)
            assert above_cm + chart.height_cm <= PAGE_CM, (name, chart.title, above_cm, chart.height_cm)
            spans = math.ceil(chart.height_cm / (15.0 * POINT_CM))
            assert not [b for b in sheet.row_breaks if row <= b < row + spans], (name, chart.title)


def test_the_profile_prints_the_persons_page_not_the_model_parameters(built):
    from cmxl.core.cellref import parse_a1

    a, spec = built
    sheet = spec.sheet("个人画像")
    first, last = sheet.print_setup.print_area.split(":")
    assert first == "A1"
    last_row, last_col = parse_a1(last)
    k = len(a.framework.item_names)
    assert sheet.cell(TABLE_ROW + k + 1, 0).value == "低于标准的项数" and last_row >= TABLE_ROW + k + 1
    parameters = [r for (r, c), cell in sheet.cells.items() if c == 0 and "模型参数" in str(cell.value)]
    assert len(parameters) == 2 and all(r > last_row for r in parameters)
    radar = sheet.charts[0]
    row, col = parse_a1(radar.anchor)
    assert (last_col - col + 1) * 1.69 >= radar.width_cm  # columns of Excel's default width, 1.69 cm each
    assert (last_row - row + 1) * 15.0 * POINT_CM >= radar.height_cm


def test_long_texts_print_whole_and_rows_read_from_the_top(built):
    """汇总's 原因 wraps: a longer reason gets the lines it needs (it printed only its first line).
    评分明细 prints through 认证结果 with its reasons on one line each (wrapped, they made every
    row tall on every page across; 汇总 prints them), and every cell of a row sits at the top.
    运行信息's long values (a scheme with its hash) wrap inside the table instead of running past
    the page's edge."""
    _, spec = built
    summary = spec.sheet("汇总")
    heads = [_text(summary, 0, c) for c in range(summary.max_col + 1)]
    col = heads.index("原因")
    width = summary.widths[col]
    long = [r for r in range(1, summary.max_row + 1) if len(str(summary.cell(r, col).value or "")) * 2 > width]
    assert long and all(summary.heights.get(r, 0) >= 2 * 13 for r in long)
    detail = spec.sheet("评分明细")
    heads = [_text(detail, 0, c) for c in range(detail.max_col + 1)]
    assert set(detail.heights) == {0} and not spec.styles[detail.cell(1, heads.index("认证原因")).style].wrap
    assert detail.print_setup.print_area.startswith("A1:BL")  # 6 + 18 × 3 + 4 columns: 认证结果 the 64th
    assert {spec.styles[detail.cell(1, c).style].vertical for c in range(len(heads))} == {"top"}
    info = spec.sheet("运行信息")
    schemes = [r for r in range(info.max_row + 1) if _text(info, r, 0).startswith("认证方案")]
    assert schemes and all(spec.styles[info.cell(r, 1).style].wrap for r in schemes)
    assert all(info.heights.get(r, 0) >= 2 * 13 for r in schemes)  # name and a 64-character hash: two lines


def _text(sheet, r, c):
    cell = sheet.cell(r, c)
    return "" if cell is None or cell.value is None else str(cell.value)


def test_gap_details_name_each_item_below_standard_with_a_minus_sign(built):
    """汇总's 差距明细: "协调能力 −1" for each item below standard, with a minus sign (U+2212), where a
    printed line may not break ("执行能力-" / "1" did with a hyphen)."""
    a, spec = built
    summary = spec.sheet("汇总")
    heads = [_text(summary, 0, c) for c in range(summary.max_col + 1)]
    col = heads.index("差距明细")
    for n, p in enumerate(a.people, start=1):
        expected = [f"{name} \u2212{-g}" for name, g in zip(a.framework.item_names, p.gaps, strict=True) if g and g < 0]
        # then the items that cannot be judged, or why there is no standard (tests/test_held_and_tally.py)
        said = [t for t in _text(summary, n, col).split("；") if t and not t.startswith(("无法判断", "没有", "现岗位"))]
        assert said == expected


def test_the_printed_data_copy_says_what_its_colours_mean(built):
    """Notes do not print: a copy with highlighted cells says on every page what the colours mean."""
    _, spec = built
    copy = spec.sheet("测评数据")
    marked = any(cell.style in ("cell_error", "cell_warning") for _, cell in copy.iter_cells())
    assert ("浅红色单元格有错误，浅黄色有警告" in copy.print_setup.header) == marked
    assert copy.print_setup.header.startswith("测评数据（副本）")


def test_a_clean_data_copy_prints_without_the_colour_key():
    from tests.conftest import grid, person

    g = grid([person("0001")])
    cat = catalogue()
    a = assess(g, cat.framework(), cat, AS_OF)
    copy = build_results(a, g, source="t.xlsx", sha256="", tool_version="t", created="c").sheet("测评数据")
    assert not a.report.issues and copy.print_setup.header == "测评数据（副本）"


def test_every_cell_of_a_row_reads_from_the_top(tmp_path):
    """In a row made tall by one long text, the other cells sat at its foot (Excel's default):
    校验问题's 序号 and 单元格 below its 问题说明, 运行信息's labels below their values. Every
    style without a set alignment now sits at the top; headers stay centred."""
    _, spec = results("陕西_2026.xlsx")
    render(spec, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    for name, row in (("校验问题", 2), ("运行信息", 3), ("汇总", 2)):
        ws = wb[name]
        cells = [c for c in ws[row] if c.value is not None]
        assert cells and {c.alignment.vertical for c in cells} == {"top"}, name
    assert wb["汇总"]["A1"].alignment.vertical == "center"  # the header
