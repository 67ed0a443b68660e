"""The results workbook as a ReportSpec: 汇总, 个人画像, 统计图表, 评分明细, 校验问题, 测评数据, 运行信息.

As a new file (`build_results`) the people sheet is copied in as 测评数据 with the cells that
have issues highlighted; written into the clerk's open workbook in Excel (`build_in_workbook`)
there is no copy: the issues link to, and marks highlight, the clerk's own sheet.

Every sheet name, column, format, rule and chart is decided here; renderers only translate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .assessment import NOT_RATED, Assessment
from .cellref import a1, column_letter, parse_a1
from .certification import FAILED, INCOMPLETE, NOT_APPLIED, NOT_ELIGIBLE
from .grid import CellError, WorkbookGrid
from .issues import SEVERITY_ZH
from .numbers import round_half_up_array
from .profile import profile_sheet
from .scoring import NEARLY, NOT_ATTAINED
from .spec import (
    Cell,
    ConditionalFormat,
    Mark,
    PrintSetup,
    ReportSpec,
    SheetSpec,
    Style,
    Table,
    cell_range,
    link_to,
)
from .stats import stats_sheet

SUMMARY, PROFILE, STATS, DETAIL, ISSUES, DATA, INFO = (
    "汇总",
    "个人画像",
    "统计图表",
    "评分明细",
    "校验问题",
    "测评数据",
    "运行信息",
)
LEVEL_FILLS = ["EDEDED", "DDEBF7", "C6EFCE", "FFE699", "F8CBAD", "D9D2E9"]


def base_styles(level_count: int) -> dict[str, Style]:
    styles = {
        "title": Style(bold=True, size=14),
        "subtitle": Style(italic=True, color="595959"),
        "head": Style(bold=True, color="FFFFFF", fill="1F4E78", wrap=True, horizontal="center", border=True),
        "label": Style(bold=True, fill="DDEBF7", border=True),
        "value": Style(border=True),
        "num": Style(number_format="0.0", vertical="top"),
        "num_box": Style(number_format="0.0", border=True),
        "int": Style(number_format="0", vertical="top"),
        "pct": Style(number_format="0.0%"),
        "text": Style(number_format="@", vertical="top"),
        "top": Style(vertical="top"),
        "date": Style(number_format="yyyy-mm-dd"),
        "wrap": Style(wrap=True, vertical="top"),
        "link": Style(color="0563C1"),
        "input": Style(fill="FFF2CC", bold=True, border=True, number_format="@", locked=False),
        "note": Style(color="595959", wrap=True, vertical="top"),
        "cell_error": Style(fill="FFC7CE"),
        "cell_warning": Style(fill="FFEB9C"),
        "bad": Style(fill="FFC7CE", color="9C0006"),
        "warn": Style(fill="FFEB9C", color="9C5700"),
        "good": Style(fill="C6EFCE", color="006100"),
        "error_text": Style(color="C00000", bold=True),
    }
    for i in range(level_count):
        styles[f"level{i}"] = Style(fill=LEVEL_FILLS[i % len(LEVEL_FILLS)])
    return styles


@dataclass
class Columns:
    """Column positions of the 评分明细 sheet, shared by every formula that reads it."""

    fixed: list[str]
    item_first: int  # column of the first item's 得分; each item has ITEM_PARTS columns
    tail: list[str]

    def item_col(self, item: int, part: str) -> int:
        return self.item_first + len(ITEM_PARTS) * item + ITEM_PARTS.index(part)

    def tail_col(self, name: str, items: int) -> int:
        return self.item_first + len(ITEM_PARTS) * items + self.tail.index(name)


ITEM_PARTS = ["得分", "级别", "差距"]  # per competency in 评分明细 (标准级别 follows from 对标岗位级别)
DETAIL_FIXED = ["员工编号", "姓名", "单位", "部门", "现岗位级别", "对标岗位级别"]
DETAIL_TAIL = ["加权总分", "综合级别", "达标情况", "认证结果"]
DETAIL_COLUMNS = Columns(DETAIL_FIXED, len(DETAIL_FIXED), DETAIL_TAIL)


def build_results(
    a: Assessment,
    grid: WorkbookGrid,
    *,
    source: str,
    sha256: str,
    tool_version: str,
    created: str,
    profile_id: str | None = None,
) -> ReportSpec:
    sheets = [
        *_result_sheets(a, source, DATA, profile_id),
        _data_copy(a, grid),
        _info(a, source, sha256, tool_version, created),
    ]
    return ReportSpec(sheets=sheets, styles=base_styles(len(a.framework.levels)), title=f"{source} 评分结果")


def build_in_workbook(
    a: Assessment, *, source: str, tool_version: str, created: str, issues_only: bool = False
) -> ReportSpec:
    """The sheets written into the open workbook: all of the results but the data copy (or, to
    validate, only 校验问题), and marks on the clerk's own cells that have issues."""
    styles = base_styles(len(a.framework.levels))
    marks = issue_marks(a)
    if issues_only:
        return ReportSpec(sheets=[_issues(a, a.intake.sheet)], styles=styles, marks=marks)
    sheets = [*_result_sheets(a, source, a.intake.sheet), _info(a, source, None, tool_version, created)]
    return ReportSpec(sheets=sheets, styles=styles, marks=marks)


def _result_sheets(a: Assessment, source: str, data_sheet: str, profile_id: str | None = None) -> list[SheetSpec]:
    """What both kinds of results have: 汇总, 个人画像, 统计图表, 评分明细, and 校验问题 linking to
    `data_sheet` (the copy in a file, the clerk's own sheet in the open workbook)."""
    view = _View.of(a)
    return [
        _summary(a, view, source),
        profile_sheet(a, view.ids, DETAIL, DETAIL_COLUMNS, profile_id),
        stats_sheet(a, view.attainment, view.status),
        _detail(a, view),
        _issues(a, data_sheet),
    ]


def issue_marks(a: Assessment) -> list[Mark]:
    """One mark per cell of the people sheet that has issues: the worst severity's colour and
    every issue's message and hint in its note."""
    notes: dict[str, list[str]] = {}
    worst: dict[str, str] = {}
    for i in a.report.issues:
        if not i.cell or i.sheet != a.intake.sheet:
            continue
        notes.setdefault(i.cell, []).append(f"{SEVERITY_ZH[i.severity]}：{i.message}。{i.hint}")
        if worst.get(i.cell) != "error":
            worst[i.cell] = i.severity
    return [
        Mark(a.intake.sheet, cell, "cell_error" if worst[cell] == "error" else "cell_warning", "\n".join(lines))
        for cell, lines in notes.items()
    ]


@dataclass
class _View:
    """Per-person display values shared by several sheets, computed once as plain lists."""

    ids: list[str]
    names: list[str]
    units: list[str]
    departments: list[str]
    grades: list[str]
    attainment: list[str]
    status: list[str]
    level: list[str]
    item_scores: list[list[float | None]]  # rounded for display
    category_scores: list[list[float | None]]
    totals: list[float | None]

    @classmethod
    def of(cls, a: Assessment) -> _View:
        names, people, s = a.framework.level_names, a.intake.people, a.scores

        def texts(column: str) -> list[str]:
            return [_text(x) for x in people[column].tolist()]

        return cls(
            ids=texts("employee_id"),
            names=texts("name"),
            units=texts("unit"),
            departments=texts("department"),
            grades=texts("grade"),
            attainment=[x if x is not None else NOT_RATED for x in s.attainment],
            status=[c.status or NOT_APPLIED for c in a.certifications],
            level=[names[i] if i >= 0 else NOT_RATED for i in s.level],
            item_scores=_rounded(s.item_scores),
            category_scores=_rounded(s.category_scores),
            totals=[row[0] for row in _rounded(s.total.reshape(-1, 1))],
        )


def _rounded(matrix: np.ndarray) -> list[list[float | None]]:
    """Half-up to one decimal, NaN as None, as nested lists (vectorised: no per-value Decimal)."""
    return [[None if v != v else v for v in row] for row in round_half_up_array(matrix, 1).tolist()]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _level_rules(ranges: str, level_names: list[str], first_cell: str) -> list[ConditionalFormat]:
    return [ConditionalFormat(ranges, f'{first_cell}="{name}"', f"level{i}") for i, name in enumerate(level_names)]


def _summary(a: Assessment, view: _View, source: str) -> SheetSpec:
    fw, s = a.framework, a.scores
    sheet = SheetSpec(
        SUMMARY, freeze="C2", tab_color="1F4E78", print_setup=PrintSetup(repeat_rows="1:1", header=f"{source} 评分汇总")
    )
    heads = [
        "员工编号",
        "姓名",
        "单位",
        "部门",
        "现岗位级别",
        *(f"{c}得分" for c in fw.category_names),
        "加权总分",
        "综合级别",
        "达标情况",
        "低于标准项数",
        "差距明细",
        "认证方案",
        "申报认证等级",
        "认证结果",
        "原因",
    ]
    sheet.put_row(0, 0, heads, "head")
    below = np.nan_to_num(s.gaps, nan=0) < 0
    known = ~np.isnan(s.gaps).any(axis=1)
    ncat = len(fw.category_names)
    for p in range(a.size):
        cert = a.certifications[p]
        gaps = "；".join(f"{fw.item_names[i]}{int(s.gaps[p, i]):+d}" for i in np.flatnonzero(below[p]))
        row = [view.ids[p], view.names[p], view.units[p], view.departments[p], view.grades[p]]
        sheet.put_row(p + 1, 0, row, "text")
        for c in range(ncat):
            sheet.put(p + 1, 5 + c, view.category_scores[p][c], "num")
        col = 5 + ncat
        sheet.put(p + 1, col, view.totals[p], "num")
        sheet.put_row(p + 1, col + 1, [view.level[p], view.attainment[p]], "top")
        sheet.put(p + 1, col + 3, int(below[p].sum()) if known[p] else None, "int")
        sheet.put_row(
            p + 1,
            col + 4,
            [
                gaps,
                a.scheme_names.get(cert.scheme_id, "") if cert.status else "",
                cert.grade if cert.status else "",
                view.status[p],
                "；".join(r.message for r in cert.reasons),
            ],
            "top",
        )
    last = max(a.size, 1)
    total_col = 5 + ncat
    level_col, attain_col, status_col = total_col + 1, total_col + 2, total_col + 7
    sheet.tables.append(Table("汇总表", cell_range(0, 0, last, len(heads) - 1)))
    sheet.conditional += _level_rules(cell_range(1, level_col, last, level_col), fw.level_names, a1(1, level_col))
    at = a1(1, attain_col)
    sheet.conditional += [
        ConditionalFormat(cell_range(1, attain_col, last, attain_col), f'{at}="{NOT_ATTAINED}"', "bad"),
        ConditionalFormat(cell_range(1, attain_col, last, attain_col), f'{at}="{NEARLY}"', "warn"),
    ]
    st = a1(1, status_col)
    sheet.conditional.append(
        ConditionalFormat(
            cell_range(1, status_col, last, status_col),
            f'OR({st}="{FAILED}",{st}="{NOT_ELIGIBLE}",{st}="{INCOMPLETE}")',
            "bad",
        )
    )
    sheet.fit_widths(maximum=24)
    wrapped = [total_col + 4, len(heads) - 1]  # 差距明细, 原因
    sheet.widths[wrapped[0]], sheet.widths[wrapped[1]] = 26.0, 44.0
    for (r, c), cell in sheet.cells.items():
        if r and c in wrapped:
            cell.style = "wrap"
    sheet.fit_heights(wrapped)
    return sheet


def _detail(a: Assessment, view: _View) -> SheetSpec:
    fw, s = a.framework, a.scores
    cols = DETAIL_COLUMNS
    k = len(fw.item_names)
    # too wide for one page (three columns an item): printed across pages, id and name on each
    setup = PrintSetup(repeat_rows="1:1", repeat_cols="A:B", fit_width=False, header="评分明细")
    sheet = SheetSpec(DETAIL, freeze=a1(1, 2), print_setup=setup)
    heads = list(cols.fixed)
    for name in fw.item_names:
        heads += [name + part for part in ITEM_PARTS]
    heads += cols.tail
    sheet.put_row(0, 0, heads, "head")
    sheet.heights[0] = 45
    names = fw.level_names
    cells = sheet.cells
    tail = cols.item_first + len(ITEM_PARTS) * k
    score_cols, level_cols, gap_cols = ([cols.item_col(i, part) for i in range(k)] for part in ITEM_PARTS)
    level_rows, gap_rows = s.item_levels.tolist(), s.gaps.tolist()
    for p in range(a.size):
        row, grade = p + 1, int(s.grade[p])
        fixed = [
            view.ids[p],
            view.names[p],
            view.units[p],
            view.departments[p],
            view.grades[p],
            fw.grades[grade].name if grade >= 0 else "",
        ]
        sheet.put_row(row, 0, fixed)
        # plain cells: values are already rounded, and a style on 60+ cells a row costs more than it shows
        scores, levels, gaps = view.item_scores[p], level_rows[p], gap_rows[p]
        for i in range(k):
            cells[(row, score_cols[i])] = Cell(scores[i])
            cells[(row, level_cols[i])] = Cell(names[levels[i]] if levels[i] >= 0 else NOT_RATED)
            cells[(row, gap_cols[i])] = Cell(None if gaps[i] != gaps[i] else int(gaps[i]))
        sheet.put(row, tail, view.totals[p], "num")
        sheet.put_row(row, tail + 1, [view.level[p], view.attainment[p], view.status[p]])
    last = max(a.size, 1)
    level_ranges = " ".join(cell_range(1, c, last, c) for c in level_cols)
    sheet.conditional += _level_rules(level_ranges, names, a1(1, level_cols[0]))
    gap_ranges = " ".join(cell_range(1, c, last, c) for c in gap_cols)
    first_gap = a1(1, gap_cols[0])
    sheet.conditional.append(ConditionalFormat(gap_ranges, f"AND(ISNUMBER({first_gap}),{first_gap}<0)", "bad"))
    for c in range(len(heads)):
        sheet.widths[c] = 11.0
    sheet.widths[1] = 10.0
    sheet.widths[2] = 14.0
    sheet.widths[3] = 14.0
    sheet.widths[4] = sheet.widths[5] = 14.0
    return sheet


ISSUE_HEADS = ["序号", "严重程度", "问题代码", "工作表", "单元格", "员工编号", "字段", "填写值", "问题说明", "处理建议"]


def _issues(a: Assessment, target: str) -> SheetSpec:
    """One row per issue; a cell address links to that cell on `target`, the sheet holding the
    people's data (the copy in a results file, the clerk's own sheet in the open workbook)."""
    sheet = SheetSpec(
        ISSUES, freeze="A2", tab_color="C00000", print_setup=PrintSetup(repeat_rows="1:1", header="校验问题")
    )
    sheet.put_row(0, 0, ISSUE_HEADS, "head")
    for n, i in enumerate(a.report.issues, start=1):
        row = [n, SEVERITY_ZH[i.severity], i.code, i.sheet, i.cell, i.employee_id, i.field, i.value, i.message, i.hint]
        sheet.put_row(n, 0, row)
        sheet.put(n, 2, i.code, "text")
        sheet.put(n, 7, i.value, "text")
        if i.cell and i.sheet:
            sheet.put(n, 4, i.cell, "link", link=link_to(target, i.cell))
    last = max(len(a.report.issues), 1)
    sheet.conditional.append(ConditionalFormat(cell_range(1, 1, last, 1), 'B2="错误"', "error_text"))
    if a.report.issues:
        sheet.tables.append(Table("问题表", cell_range(0, 0, last, len(ISSUE_HEADS) - 1), "TableStyleLight9"))
    else:
        sheet.put(1, 0, "没有发现问题。", "note")
    sheet.fit_widths(maximum=50)
    for (r, c), cell in sheet.cells.items():
        if r and c in (8, 9):
            cell.style = "wrap"
    sheet.fit_heights([8, 9])
    return sheet


def _data_copy(a: Assessment, grid: WorkbookGrid) -> SheetSpec:
    """The people sheet as read (values only), with every cell an issue points at highlighted."""
    sheet = SheetSpec(DATA, tab_color="7F7F7F")
    source = next((s for s in grid.sheets if s.name == a.intake.sheet), None)
    if source is None:
        sheet.put(0, 0, "（未找到测评数据表）", "note")
        return sheet
    header = a.intake.header_row
    dates = a.intake.columns.date_columns
    for r, row in enumerate(source.rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, CellError):
                value = value.text
            if isinstance(value, str):
                style = "text"
            elif isinstance(value, dt.date) or (r > header and c in dates and isinstance(value, int | float)):
                style = "date"  # a date typed into a cell formatted as a number shows as one here
            else:
                style = None
            sheet.cells[(r, c)] = Cell(value, style)
    for mark in issue_marks(a):
        key = parse_a1(mark.cell)
        cell = sheet.cells.get(key) or Cell(None)
        cell.style, cell.comment = mark.style, mark.note
        sheet.cells[key] = cell
    if header >= 0:
        sheet.freeze = a1(header + 1, 2)
        fields = a.intake.columns.fields
        who = max((fields[k] for k in ("employee_id", "name") if k in fields), default=-1)
        sheet.print_setup = PrintSetup(
            repeat_rows=f"{header + 1}:{header + 1}",
            repeat_cols=f"A:{column_letter(who)}" if 0 <= who < 4 else None,
            fit_width=False,
            header="测评数据（副本）",
        )
        for (r, _c), cell in sheet.cells.items():
            if r == header and cell.style is None:
                cell.style = "label"
    sheet.fit_widths(maximum=30, sample_rows=header + 50)
    return sheet


def _info(a: Assessment, source: str, sha256: str | None, tool_version: str, created: str) -> SheetSpec:
    """`sha256` None: the data was read from the open workbook, not from a file."""
    fw = a.framework
    sheet = SheetSpec(INFO, tab_color="7F7F7F")
    sheet.put(0, 0, "运行信息", "title")
    rows = [
        ("工具版本", f"cmxl {tool_version}"),
        ("能力模型", f"{fw.framework.name}（{fw.id}）"),
        ("模型版本", fw.version),
        ("模型生效日期", fw.framework.effective_date.isoformat()),
        ("模型内容哈希（SHA-256）", fw.content_hash),
        ("输入文件", source),
        ("输入文件 SHA-256", sha256 if sha256 is not None else "（从 Excel 中打开的工作簿读取，未计算）"),
        ("测评数据表", a.intake.sheet or "（未找到）"),
        ("评估基准日", a.as_of.isoformat()),
        ("生成时间", created),
        ("人数", a.size),
        ("错误数", len(a.report.errors)),
        ("警告数", len(a.report.warnings)),
    ]
    for r, (label, value) in enumerate(rows, start=2):
        sheet.put(r, 0, label, "label")
        sheet.put(r, 1, value, "value")
    sheet.widths = {0: 26.0, 1: 70.0}
    return sheet
