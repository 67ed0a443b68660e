"""The results workbook as a ReportSpec: 汇总, 个人画像, 统计图表, 评分明细, 校验问题, 测评数据, 运行信息.

As a new file (`build_results`) the people sheet is copied in as 测评数据 with the cells that
have issues highlighted; written into the clerk's open workbook in Excel (`build_in_workbook`)
there is no copy: the issues link to, and marks highlight, the clerk's own sheet.

Every sheet name, column, format, rule and chart is decided here; renderers only translate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from cmxl.core.cellref import a1, column_letter, parse_a1
from cmxl.core.engine.assessment import Assessment
from cmxl.core.engine.certification import FAILED, INCOMPLETE, NOT_ELIGIBLE
from cmxl.core.engine.change import NAME_MISMATCH
from cmxl.core.engine.history import looked_up, shows_history
from cmxl.core.engine.results import UNRECOGNISED_MARK, PersonResult
from cmxl.core.engine.scoring import NEARLY, NOT_ATTAINED
from cmxl.core.engine.tally import HELD_WORD
from cmxl.core.grid import CellError, FormulaNoValue, WorkbookGrid
from cmxl.core.issues import SEVERITY_ZH, Issue
from cmxl.core.layout.calibration import calibration_sheet, has_calibration
from cmxl.core.layout.columns import Column, Columns
from cmxl.core.layout.detail import detail_columns, detail_sheet, legible_across
from cmxl.core.layout.history import history_sheet, unit_changes
from cmxl.core.layout.info import info_sheet
from cmxl.core.layout.names import DATA, ISSUES, SUMMARY
from cmxl.core.layout.profile import profile_sheet
from cmxl.core.layout.spec import (
    Cell,
    ConditionalFormat,
    Mark,
    PrintSetup,
    ReportSpec,
    SheetSpec,
    Table,
    cell_range,
    link_to,
)
from cmxl.core.layout.stats import stats_sheet
from cmxl.core.layout.styles import base_styles, level_rules, marked
from cmxl.core.layout.training import training_list, training_matrix
from cmxl.core.model.framework import Framework


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
    copies = copy_names(a)
    sheets = [
        *_result_sheets(a, source, copies, profile_id),
        *(_data_copy(a, grid, sheet, name) for sheet, name in copies.items()),
        _info(a, source, sha256, tool_version, created),
    ]
    return ReportSpec(
        sheets=sheets, styles=base_styles(len(a.framework.levels)), title=f"{source} 评分结果", producer="results"
    )


def build_in_workbook(
    a: Assessment, *, source: str, tool_version: str, created: str, issues_only: bool = False
) -> ReportSpec:
    """The sheets written into the open workbook: all of the results but the data copy (or, to
    validate, only 校验问题), and marks on the clerk's own cells that have issues."""
    styles = base_styles(len(a.framework.levels))
    marks = issue_marks(a)
    own = {s: s for s in a.intake.sheets}  # issues link to the clerk's own sheets
    if issues_only:
        return ReportSpec(sheets=[_issues(a, own)], styles=styles, marks=marks)
    sheets = [*_result_sheets(a, source, own), _info(a, source, None, tool_version, created)]
    return ReportSpec(sheets=sheets, styles=styles, marks=marks)


@dataclass(frozen=True)
class Context:
    """What a result sheet builder may need besides the assessment."""

    source: str  # the input's file name (or the open workbook's name)
    data_sheets: dict[str, str]  # people sheet -> the sheet 校验问题 links to (a copy in a file, itself in Excel)
    profile_id: str | None = None  # whom 个人画像 shows first


# The result sheets both kinds of results have, in order: a new sheet is one builder and one
# entry here (the file adds the 测评数据 copy and 运行信息; the open workbook adds 运行信息). A
# builder returns None when its sheet has nothing to show for this workbook (校准分析 of one unit,
# 历次对比 without an earlier cycle).
RESULT_SHEETS: list[Callable[[Assessment, Context], SheetSpec | None]] = [
    lambda a, ctx: _summary(a, ctx.source),
    lambda a, ctx: profile_sheet(a, _detail_columns(a), ctx.profile_id),
    lambda a, ctx: stats_sheet(a.framework, a.people, unit_changes(a.framework, a.people)),
    lambda a, ctx: history_sheet(a.people) if shows_history(a.people) else None,
    lambda a, ctx: training_matrix(a.framework, a.people),
    lambda a, ctx: training_list(a.framework, a.people),
    lambda a, ctx: calibration_sheet(a.framework, a.people) if has_calibration(a.framework, a.people) else None,
    lambda a, ctx: detail_sheet(a),
    lambda a, ctx: _issues(a, ctx.data_sheets),
]


def _detail_columns(a: Assessment) -> Columns[PersonResult]:
    """评分明细's columns, as 个人画像 finds them (with the change when someone has an earlier cycle)."""
    return detail_columns(a.framework, True) if shows_history(a.people) else detail_columns(a.framework)


def _result_sheets(
    a: Assessment, source: str, data_sheets: dict[str, str], profile_id: str | None = None
) -> list[SheetSpec]:
    ctx = Context(source, data_sheets, profile_id)
    return [sheet for build in RESULT_SHEETS if (sheet := build(a, ctx)) is not None]


def issue_marks(a: Assessment) -> list[Mark]:
    """One mark per cell of the people sheet that has issues: the worst severity's colour and
    every issue's message and hint in its note."""
    notes: dict[tuple[str, str], list[str]] = {}
    worst: dict[tuple[str, str], str] = {}
    people_sheets = set(a.intake.sheets)
    for i in a.report.issues:
        if not i.cell or i.sheet not in people_sheets:
            continue
        key = (i.sheet, i.cell)
        notes.setdefault(key, []).append(f"{SEVERITY_ZH[i.severity]}：{i.message}。{i.hint}")
        if worst.get(key) != "error":
            worst[key] = i.severity
    return [
        Mark(sheet, cell, "cell_error" if worst[(sheet, cell)] == "error" else "cell_warning", "\n".join(lines))
        for (sheet, cell), lines in notes.items()
    ]


def ranks(totals: list[float | None]) -> list[int | None]:
    """Rank by total, highest first, on the total as shown (one decimal): equal totals share a
    rank and the next rank skips (1, 2, 2, 4); no total, no rank."""
    known = sorted((t for t in totals if t is not None), reverse=True)
    first = {}
    for n, t in enumerate(known, start=1):
        first.setdefault(t, n)
    return [first[t] if t is not None else None for t in totals]


class Ranked(NamedTuple):
    """A row of 汇总: a person and their ranks."""

    p: PersonResult
    overall: int | None
    in_unit: int | None


def ranked(people: list[PersonResult]) -> list[Ranked]:
    overall = ranks([p.total for p in people])
    in_unit: list[int | None] = [None] * len(people)
    units: dict[str, list[int]] = {}
    for n, p in enumerate(people):
        units.setdefault(p.unit, []).append(n)
    for members in units.values():
        for n, rank in zip(members, ranks([people[m].total for m in members]), strict=True):
            in_unit[n] = rank
    return [Ranked(p, overall[n], in_unit[n]) for n, p in enumerate(people)]


def _attainment_rules(cells: str, at: str) -> list[ConditionalFormat]:
    return [
        ConditionalFormat(cells, f'{at}="{NOT_ATTAINED}"', "bad"),
        ConditionalFormat(cells, f'{at}="{NEARLY}"', "warn"),
    ]


def _status_rules(cells: str, st: str) -> list[ConditionalFormat]:
    return [
        ConditionalFormat(cells, f'OR({st}="{FAILED}",{st}="{NOT_ELIGIBLE}",{st}="{INCOMPLETE}")', "bad"),
        ConditionalFormat(cells, f'{st}="{HELD_WORD}"', "held"),
    ]


def _change_rules(cells: str, at: str) -> list[ConditionalFormat]:
    return [
        ConditionalFormat(cells, f"AND(ISNUMBER({at}),{at}>0)", "good"),
        ConditionalFormat(cells, f"AND(ISNUMBER({at}),{at}<0)", "bad"),
    ]


def _mismatch_rules(cells: str, at: str) -> list[ConditionalFormat]:
    return [ConditionalFormat(cells, f'LEFT({at},{len(NAME_MISMATCH)})="{NAME_MISMATCH}"', "warn")]


# the change since the previous cycle (docs/rules.md, 历次测评): when the ledger was looked up;
# empty for a person with no earlier cycle, 姓名不符 where the earlier record has another name
HISTORY_COLUMNS: list[Column[Ranked]] = [
    Column("上期总分", lambda r: r.p.change.previous_total, "num"),
    Column("总分变化", lambda r: r.p.change.total_change if r.p.change.matched else None, "change", rule=_change_rules),
    Column("上期级别", lambda r: r.p.change.previous_level, "wrap", max_width=16.0, rule=_mismatch_rules),
    Column("达标变化", lambda r: r.p.change.attainment_text, "top"),
]


def summary_columns(fw: Framework, several: bool, history: bool = False) -> Columns[Ranked]:
    """The columns of 汇总; `several`: the workbook has one people sheet per unit, and a row says
    which sheet it is on; `history`: the ledger was looked up for earlier cycles (every person has
    a change). Long texts wrap in their columns; so does a grade not recognised
    ("客户经理（无法识别）", wrapped at the mark), which would otherwise widen the column for everyone."""

    def level_rules_of(cells: str, at: str) -> list[ConditionalFormat]:
        return level_rules(cells, fw.level_names, at)

    def grade(r: Ranked) -> str:
        return r.p.grade_shown.replace(UNRECOGNISED_MARK, "\n" + UNRECOGNISED_MARK)

    return Columns(
        [
            Column("员工编号", "p.employee_id"),
            Column("姓名", "p.name"),
            Column("单位", "p.unit"),
            Column("部门", "p.department"),
            *([Column("工作表", "p.sheet")] if several else []),
            Column("现岗位级别", grade, "wrap", max_width=14.0),  # "资深客户经理" on one line
            *(Column(f"{name}得分", f"p.category_scores[{j}]", "num") for j, name in enumerate(fw.category_names)),
            Column("加权总分", "p.total", "num"),
            Column("总排名", "overall", "int"),
            Column("单位排名", "in_unit", "int"),
            Column("综合级别", "p.level_shown", "top", rule=level_rules_of),
            Column("达标情况", "p.attainment_shown", "top", rule=_attainment_rules),
            *(HISTORY_COLUMNS if history else []),
            Column("低于标准项数", "p.items_below", "int"),
            Column("无法判断项数", lambda r: r.p.items_unjudged or None, "int"),  # blank when every gap is known
            Column("差距明细", lambda r: gaps_text(fw.item_names, r.p), "wrap", 26.0),
            Column("认证方案", "p.scheme_name", "top"),
            Column("申报认证等级", "p.applied", "top"),
            Column("认证结果", "p.result_shown", "top", rule=_status_rules),
            Column("原因", "p.reasons_shown", "wrap", 44.0),
        ]
    )


def _summary(a: Assessment, source: str) -> SheetSpec:
    sheet = SheetSpec(
        SUMMARY, freeze="C2", tab_color="1F4E78", print_setup=PrintSetup(repeat_rows="1:1", header=f"{source} 评分汇总")
    )
    cols = summary_columns(a.framework, several=len(a.intake.sheets) > 1, history=looked_up(a.people))
    cols.add_table(sheet, 0, ranked(a.people))
    last = max(a.size, 1)
    sheet.tables.append(Table("汇总表", cell_range(0, 0, last, len(cols.heads) - 1)))
    sheet.conditional += cols.conditional(1, last)
    sheet.fit_widths(maximum=24)
    cols.set_widths(sheet)
    sheet.fit_heights(cols.with_style("wrap"))
    sheet.print_across_if_wide()
    return sheet


def gaps_text(items: list[str], p: PersonResult) -> str:
    """差距明细: every competency judged below standard (as many as 低于标准项数, and as the
    培训需求名单 lists), then those that cannot be judged; or why there is no standard at all."""
    if p.items_below is None:
        return "现岗位级别无法识别，没有岗位标准" if p.grade_unrecognised else "没有岗位标准"
    # "协调能力 −1": a minus sign (U+2212) is not a place to break a line, as "-" was ("执行能力-" / "1")
    below = [f"{items[i]} −{-g}" for i, g in enumerate(p.gaps) if g is not None and g < 0]
    unjudged = "、".join(items[i] for i, g in enumerate(p.gaps) if g is None)
    return "；".join([*below, *([f"无法判断（未评定）：{unjudged}"] if unjudged else [])])


def copy_names(a: Assessment) -> dict[str, str]:
    """People sheet -> the name of its copy in a results file: 测评数据, or 测评数据-<sheet> when a
    workbook has several people sheets (Excel allows 31 characters)."""
    sheets = a.intake.sheets or [""]
    if len(sheets) == 1:
        return {sheets[0]: DATA}
    names: dict[str, str] = {}
    for s in sheets:  # long names cut to 31 characters must not become one name
        name, n = f"{DATA}-{s}"[:31], 1
        while name in names.values():
            n += 1
            name = f"{DATA}-{s}"[: 31 - len(f"({n})")] + f"({n})"
        names[s] = name
    return names


def _errors_stand_out(cells: str, at: str) -> list[ConditionalFormat]:
    return [ConditionalFormat(cells, f'{at}="{SEVERITY_ZH["error"]}"', "error_text")]


class Numbered(NamedTuple):
    """A row of 校验问题."""

    n: int
    issue: Issue


# 校验问题: one row per issue, numbered; with the wrapped 问题说明 and 处理建议, every cell at the top
ISSUE_COLUMNS: Columns[Numbered] = Columns(
    [
        Column("序号", "n", "top"),
        Column("严重程度", lambda r: SEVERITY_ZH[r.issue.severity], "top", rule=_errors_stand_out),
        Column("问题代码", "issue.code"),
        Column("工作表", "issue.sheet", "top"),
        Column("单元格", "issue.cell", "top"),  # a link to the cell where its sheet is at hand
        Column("员工编号", "issue.employee_id", "top"),
        Column("字段", "issue.field", "top"),
        Column("填写值", "issue.value"),
        Column("问题说明", "issue.message", "wrap"),
        Column("处理建议", "issue.hint", "wrap"),
    ]
)


def _issues(a: Assessment, targets: dict[str, str]) -> SheetSpec:
    """One row per issue; a cell address links to that cell on the sheet holding the people's
    data (`targets`: people sheet -> the copy in a results file, or the clerk's own sheet)."""
    sheet = SheetSpec(ISSUES, freeze="A2", tab_color="C00000", print_setup=PrintSetup(repeat_rows="1:1", header=ISSUES))
    cols = ISSUE_COLUMNS
    sheet.put_row(0, 0, cols.heads, "head")
    cols.put_rows(sheet, 1, (Numbered(n, i) for n, i in enumerate(a.report.issues, start=1)))
    at = cols["单元格"]
    for n, i in enumerate(a.report.issues, start=1):
        if i.cell and i.sheet in targets:
            sheet.put(n, at, i.cell, "link", link=link_to(targets[i.sheet], i.cell))
    last = max(len(a.report.issues), 1)
    sheet.conditional += cols.conditional(1, last)
    if a.report.issues:
        sheet.tables.append(Table("问题表", cell_range(0, 0, last, len(cols.heads) - 1), "TableStyleLight9"))
    else:
        sheet.put(1, 0, "没有发现问题。", "note")
    sheet.fit_widths(maximum=50)
    sheet.fit_heights(cols.with_style("wrap"))
    return sheet


_CELL_ERRORS = (CellError, FormulaNoValue)  # shown as their text (a formula without a result: empty)

# the style of a value in the copy of the people sheet, by its type ("" is no value: no style)
_COPY_STYLES: dict[type, str] = {
    str: "text",
    CellError: "text",
    dt.date: "date",
    dt.datetime: "datetime",  # a cell formatted with a time of day (a plain date is read as dt.date)
    dt.time: "time",
    dt.timedelta: "duration",
}


def _data_copy(a: Assessment, grid: WorkbookGrid, of: str, name: str) -> SheetSpec:
    """People sheet `of` as read (values only), as sheet `name`, with every cell an issue points
    at highlighted."""
    sheet = SheetSpec(name, tab_color="7F7F7F")
    source = next((s for s in grid.sheets if s.name == of), None)
    if source is None:
        sheet.put(0, 0, "（未找到测评数据表）", "note")
        return sheet
    header = a.intake.header_rows.get(of, a.intake.header_row)
    dates = a.intake.columns.date_columns
    rows, styles = [], []
    for r, row in enumerate(source.rows):
        values = [None if v == "" else v.text or None if type(v) in _CELL_ERRORS else v for v in row]
        looks = [_COPY_STYLES.get(type(v)) for v in values]  # text stays text, a date shows as one
        if r > header:
            for c in dates:  # a date typed into a cell formatted as a number shows as one here
                if c < len(values) and isinstance(values[c], int | float):
                    looks[c] = "date"
        elif r == header:
            looks = [look or ("label" if v is not None else None) for v, look in zip(values, looks, strict=True)]
        rows.append(values)
        styles.append(looks)
    sheet.add_rows(0, rows, [], cell_styles=styles)
    any_marks = False
    for mark in issue_marks(a):
        if mark.sheet != of:
            continue
        any_marks = True
        key = parse_a1(mark.cell)
        cell = sheet.cell(*key) or Cell(None)
        cell.style, cell.comment = marked(mark.style, cell.style), mark.note
        sheet.cells[key] = cell
    if header >= 0:
        sheet.freeze = a1(header + 1, 2)
        fields = a.intake.columns.fields
        who = max((fields[k] for k in ("employee_id", "name") if k in fields), default=-1)
        sheet.print_setup = PrintSetup(
            repeat_rows=f"{header + 1}:{header + 1}",
            repeat_cols=f"A:{column_letter(who)}" if 0 <= who < 4 else None,
            # on paper the notes do not show: the page says what the colours mean
            header=f"{name}（副本）" + ("：浅红色单元格有错误，浅黄色有警告，详见“校验问题”表" if any_marks else ""),
        )
    sheet.fit_widths(maximum=30, sample_rows=header + 50)
    legible_across(sheet)  # as few pages across as keep it legible, not at 100 %
    return sheet


def _info(a: Assessment, source: str, sha256: str | None, tool_version: str, created: str) -> SheetSpec:
    """`sha256` None: the data was read from the open workbook, not from a file."""
    fw = a.framework
    rows: list[tuple[str, object]] = [
        ("工具版本", f"cmxl {tool_version}"),
        ("能力模型", f"{fw.framework.name}（{fw.id}）"),
        ("模型版本", fw.version),
        ("模型生效日期", fw.framework.effective_date.isoformat()),
        ("模型内容哈希（SHA-256）", fw.content_hash),
        ("输入文件", source),
        ("输入文件 SHA-256", sha256 if sha256 is not None else "（从 Excel 中打开的工作簿读取，未计算）"),
        *(
            (f"认证方案 {s.id}", f"{s.scheme.name}（版本 {s.version}），内容哈希 {s.content_hash}")
            for s in a.schemes.values()
        ),
        ("测评数据表", "、".join(a.intake.sheets) or "（未找到）"),
        ("评估基准日", a.as_of.isoformat()),
        ("生成时间", created),
        ("人数", a.size),
        ("错误数", len(a.report.errors)),
        ("警告数", len(a.report.warnings)),
    ]
    return info_sheet(rows)
