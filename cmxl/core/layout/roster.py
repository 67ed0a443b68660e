"""The certification roster of a batch (认证名单): passed list with certificate numbers, failed
list with reasons, regional statistics with charts, certificates about to expire, and the
processing log per file — as a ReportSpec."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from cmxl.core.engine.issuance import Issuance, certificate_order, province_of
from cmxl.core.engine.results import PersonResult
from cmxl.core.engine.tally import counted
from cmxl.core.layout.collation import pinyin_key
from cmxl.core.layout.columns import Column, Columns, columns_of
from cmxl.core.layout.info import info_sheet
from cmxl.core.layout.names import EXPIRING, FAILED_SHEET, HELD_SHEET, LOG, PASSED_SHEET, REGIONS
from cmxl.core.layout.spec import ConditionalFormat, PrintSetup, ReportSpec, SheetSpec, Table, cell_range
from cmxl.core.layout.stats import TOTAL, UNFILLED, Blocks, group_block, set_widths
from cmxl.core.layout.styles import base_styles
from cmxl.core.layout.training import training_list, training_matrix
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.records import FILE_FAILED, OK, WITH_ERRORS, WITH_WARNINGS, Certificate, FileLog


def build_roster(
    batch: str,
    issue_date: dt.date,
    people: list[PersonResult],
    issuance: Issuance,
    certificates: dict[tuple[str, str, str], Certificate],
    expiring: list[Certificate],
    logs: list[FileLog],
    info: list[tuple[str, object]],
    within_days: int,
    rules: RosterRules,
) -> ReportSpec:
    """`people`: everyone of the batch (the statistics count them all, each once); `issuance`: who is
    certain and who is held (cmxl.core.engine.issuance.settle)."""
    styles = base_styles(len(rules.framework.levels))
    sheets = [
        _passed(issuance, certificates, rules),
        _failed(issuance, rules),
        _held(issuance, rules),
        _regions(people),
        training_matrix(rules.framework, counted(people)),  # a row repeated in two files: once
        training_list(rules.framework, counted(people)),
        _expiring(expiring, issue_date, within_days),
        _log(logs),
        info_sheet(info),
    ]
    return ReportSpec(sheets=sheets, styles=styles, title=f"认证名单 {batch}", producer="roster")


@dataclass(frozen=True)
class RosterRules:
    """What the roster needs of the rules in force: the schemes (for the order of categories and
    grades), the workbook format's column names, and the model (levels, standards)."""

    schemes: dict[str, Scheme]
    labels: dict[str, str]
    framework: Framework


R = TypeVar("R")
EXAM_FIELDS = ("written", "interview", "simulated", "marketing", "appraisal", "theory", "practical")


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _note(p: PersonResult, issuance: Issuance) -> str:
    notes = []
    if p.certification.valid_until is not None:
        notes.append("有效期至两项子认证中较早到期之日")
    if p.also_in:
        notes.append(f"员工编号同时出现在：{'、'.join(p.also_in)}")
    same = issuance.same_elsewhere.get(id(p))
    if same:
        notes.append(f"相同数据也出现在：{'、'.join(same)}（只计一次）")
    return "；".join(notes)


def _exam_look(value: object) -> str:
    return "num" if isinstance(value, float) else "top"  # an exam score with one decimal; a missing one plain


def _exam_columns(people: list[PersonResult], labels: dict[str, str]) -> list[Column[PersonResult]]:
    """The exam columns any listed person has a value in."""
    return [
        Column(labels.get(k, k), lambda p, k=k: p.facts.get(k), look=_exam_look)
        for k in EXAM_FIELDS
        if any(k in p.facts for p in people)
    ]


WHO: list[Column[PersonResult]] = [  # who a row is about, first on every list
    Column("员工编号", "employee_id"),
    Column("姓名", "name"),
    Column("省份", province_of),
    Column("单位", "unit"),
    Column("部门", "department"),
    Column("现岗位级别", "grade"),
]
WRAPPED_WIDTH = 48.0  # a wrapped column's width, unless it says otherwise


def _table_sheet(name: str, cols: Columns[R], records: list[R], table: str, header: str) -> SheetSpec:
    sheet = SheetSpec(name, freeze="C2", print_setup=PrintSetup(repeat_rows="1:1", header=header))
    cols.add_table(sheet, 0, records)
    if records:
        sheet.tables.append(Table(table, cell_range(0, 0, len(records), len(cols.heads) - 1)))
        sheet.conditional += cols.conditional(1, len(records))
    else:
        sheet.put(1, 0, "（无）", "note")
    sheet.fit_widths(maximum=30)
    wrapped = cols.with_style("wrap")
    for c in wrapped:
        sheet.widths[c] = WRAPPED_WIDTH
    cols.set_widths(sheet)
    sheet.fit_heights(wrapped)
    sheet.print_across_if_wide(repeat_cols="A:C")  # 证书编号/员工编号/姓名 or 员工编号/姓名/省份 on every page
    return sheet


def _passed(issuance: Issuance, certificates: dict[tuple[str, str, str], Certificate], rules: RosterRules) -> SheetSpec:
    """Certificates by category, grade from the highest down, province, unit and id: the order
    in which a new batch's numbers were given."""
    people = sorted(issuance.passed, key=certificate_order(rules.schemes))

    def cert(p: PersonResult) -> Certificate:
        return certificates[(p.employee_id, p.scheme_id, p.applied)]

    cols = Columns(
        [
            Column("证书编号", lambda p: cert(p).number),
            *WHO,
            Column("认证类别", "scheme_name"),
            Column("认证等级", "applied"),
            *_exam_columns(people, rules.labels),
            Column("发证日期", lambda p: _date(cert(p).issue_date), "date"),
            Column("有效期至", lambda p: _date(cert(p).expiry), "date"),
            Column("续证（原证书编号）", lambda p: cert(p).renews or ""),
            Column("来源文件", "file"),
            Column("备注", lambda p: _note(p, issuance)),
        ]
    )
    return _table_sheet(PASSED_SHEET, cols, people, "通过名单表", "认证通过名单")


def _failed(issuance: Issuance, rules: RosterRules) -> SheetSpec:
    people = sorted(issuance.failed, key=certificate_order(rules.schemes))
    # the reason beside the result, before the scores it cites: a list wider than a page prints
    # its first columns on the first pages, and the reason is what a reader of this list wants
    cols = Columns(
        [
            *WHO,
            Column("认证类别", "scheme_name"),
            Column("申报认证等级", "applied"),
            Column("认证结果", "status"),
            Column("原因", "reasons_text", "wrap"),
            *_exam_columns(people, rules.labels),
            Column("来源文件", "file"),
            Column("备注", lambda p: _note(p, issuance)),
        ]
    )
    return _table_sheet(FAILED_SHEET, cols, people, "未通过名单表", "认证未通过名单")


def _held(issuance: Issuance, rules: RosterRules) -> SheetSpec:
    """暂缓发证: people whose result is not beyond doubt, with what to fix; a re-run after the fix
    issues their certificate (or lists their failure)."""
    order = certificate_order(rules.schemes)
    holds = sorted(issuance.held, key=lambda h: order(h.person))
    # why and what to fix beside the name: printed across pages, the first columns come first
    cols = Columns(
        [
            *columns_of("person", WHO),
            # wrapped: with the rest, one page across at a legible scale
            Column("暂缓原因", "why", "wrap", width=20.0),
            Column("需要修改", lambda h: "\n".join(h.fixes), "wrap"),
            Column("认证类别", "person.scheme_name"),
            Column("申报认证等级", "person.applied"),
            Column("计算结果", "person.status"),
            Column("来源文件", "person.file"),
        ]
    )
    header = "暂缓发证：按“需要修改”一列改正（或登记核实结果）后重新运行，即按规则发证或列入未通过名单"
    return _table_sheet(HELD_SHEET, cols, holds, "暂缓发证表", header)


def _regions(people: list[PersonResult]) -> SheetSpec:
    """By province (with a chart), then every unit under its province with subtotals and a
    grand total: each row's counts add up to its 人数, and they are the roster's lists (the tally,
    cmxl.core.engine.tally, of the records `settle` marked; a repeated row counts once, where kept)."""
    people = counted(people)
    sheet = SheetSpec(REGIONS, tab_color="BF8F00", print_setup=PrintSetup(header=REGIONS))
    sheet.put(0, 0, f"地区统计（{len(people)} 人）", "title")
    blocks = Blocks(sheet)
    provinces: dict[str, list[PersonResult]] = {}
    for p in people:
        provinces.setdefault(province_of(p) or UNFILLED, []).append(p)
    order = sorted(provinces, key=pinyin_key)
    by_province = [(k, provinces[k]) for k in order] + [(TOTAL, people)]
    group_block(sheet, blocks, "按省份", by_province, totals={len(order)})
    rows: list[tuple[str, list[PersonResult]]] = []
    for k in order:
        units: dict[str, list[PersonResult]] = {}
        for p in provinces[k]:
            units.setdefault(p.unit or UNFILLED, []).append(p)
        rows += [(f"{k} / {u}", units[u]) for u in sorted(units, key=pinyin_key)]
        rows.append((f"{k} 小计", provinces[k]))
    rows.append((TOTAL, people))
    subtotals = {j for j, (key, _) in enumerate(rows) if key.endswith(" 小计") or key == TOTAL}
    group_block(sheet, blocks, "按省份和单位", rows, charts=False, totals=subtotals)
    set_widths(sheet)
    sheet.widths[0] = 30.0
    return sheet


def _expiry_rules(cells: str, at: str) -> list[ConditionalFormat]:
    return [ConditionalFormat(cells, f'{at}="已过期"', "bad"), ConditionalFormat(cells, f'{at}="即将到期"', "warn")]


def _expiring(certs: list[Certificate], issue_date: dt.date, within_days: int) -> SheetSpec:
    def left(c: Certificate) -> int:
        return (_date(c.expiry) - issue_date).days

    cols = Columns(
        [
            Column("证书编号", "number"),
            Column("员工编号", "employee_id"),
            Column("姓名", "name"),
            Column("单位", "unit"),
            Column("认证类别", "scheme_name"),
            Column("认证等级", "grade"),
            Column("发证日期", lambda c: _date(c.issue_date), "date"),
            Column("有效期至", lambda c: _date(c.expiry), "date"),
            Column("剩余天数", left),
            Column("状态", lambda c: "已过期" if left(c) < 0 else "即将到期", rule=_expiry_rules),
        ]
    )
    header = f"{within_days} 天内到期及已过期未续证的证书"
    return _table_sheet(EXPIRING, cols, certs, "即将到期表", header)


def _log_rules(cells: str, at: str) -> list[ConditionalFormat]:
    return [
        ConditionalFormat(cells, f'{at}="{FILE_FAILED}"', "bad"),
        ConditionalFormat(cells, f'{at}="{WITH_ERRORS}"', "bad"),
        ConditionalFormat(cells, f'{at}="{WITH_WARNINGS}"', "warn"),
        ConditionalFormat(cells, f'{at}="{OK}"', "good"),
    ]


LOG_COLUMNS: Columns[FileLog] = Columns(
    [
        Column("文件", "file"),
        Column("状态", "status", rule=_log_rules),
        Column("人数", "people", "int"),
        Column("错误", "errors", "int"),
        Column("警告", "warnings", "int"),
        Column("说明", "reason", "wrap"),
        Column("结果文件", "output"),
        Column("SHA-256", "sha256", width=68.0),  # whole: it is compared character by character
    ]
)


def _log(logs: list[FileLog]) -> SheetSpec:
    return _table_sheet(LOG, LOG_COLUMNS, logs, "处理日志表", "处理日志")
