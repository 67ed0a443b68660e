"""The certification roster of a batch (认证名单): passed list with certificate numbers, failed
list with reasons, regional statistics with charts, certificates about to expire, and the
processing log per file — as a ReportSpec."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cmxl.core.engine.issuance import Issuance, certificate_order, province_of
from cmxl.core.engine.results import PersonResult
from cmxl.core.engine.tally import counted
from cmxl.core.layout.info import info_sheet
from cmxl.core.layout.names import EXPIRING, FAILED_SHEET, HELD_SHEET, LOG, PASSED_SHEET, REGIONS
from cmxl.core.layout.spec import ColumnMap, ConditionalFormat, PrintSetup, ReportSpec, SheetSpec, Table, cell_range
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


def _exam_fields(people: list[PersonResult], labels: dict[str, str]) -> list[tuple[str, str]]:
    """(key, header) of the exam columns any listed person has a value in."""
    return [(k, labels.get(k, k)) for k in EXAM_FIELDS if any(k in p.facts for p in people)]


def _who(p: PersonResult) -> list[object]:
    return [p.employee_id, p.name, province_of(p), p.unit, p.department, p.grade]


WHO = ["员工编号", "姓名", "省份", "单位", "部门", "现岗位级别"]


def _table_sheet(
    name: str,
    heads: list[str],
    rows: list[list[object]],
    table: str,
    header: str,
    date_cols: tuple[int, ...] = (),
    wrap_cols: tuple[int, ...] = (),
    number_cols: tuple[int, ...] = (),
    widths: dict[int, float] | None = None,
) -> SheetSpec:
    sheet = SheetSpec(name, freeze="C2", print_setup=PrintSetup(repeat_rows="1:1", header=header))
    sheet.put_row(0, 0, heads, "head")
    styles: list[str | None] = ["text"] * len(heads)
    for c in date_cols:
        styles[c] = "date"
    for c in wrap_cols:
        styles[c] = "wrap"
    if number_cols:  # an exam score is shown with one decimal; a missing one is left plain
        looks = []
        for row in rows:
            look = list(styles)
            for c in number_cols:
                look[c] = "num" if isinstance(row[c], float) else "top"
            looks.append(look)
        sheet.add_rows(1, rows, styles, cell_styles=looks)
    else:
        sheet.add_rows(1, rows, styles)
    if rows:
        sheet.tables.append(Table(table, cell_range(0, 0, len(rows), len(heads) - 1)))
    else:
        sheet.put(1, 0, "（无）", "note")
    sheet.fit_widths(maximum=30)
    for c in wrap_cols:
        sheet.widths[c] = 48.0
    sheet.widths.update(widths or {})
    sheet.fit_heights(list(wrap_cols))
    sheet.print_across_if_wide(repeat_cols="A:C")  # 证书编号/员工编号/姓名 or 员工编号/姓名/省份 on every page
    return sheet


def _passed(issuance: Issuance, certificates: dict[tuple[str, str, str], Certificate], rules: RosterRules) -> SheetSpec:
    """Certificates by category, grade from the highest down, province, unit and id: the order
    in which a new batch's numbers were given."""
    people = sorted(issuance.passed, key=certificate_order(rules.schemes))
    exams = _exam_fields(people, rules.labels)
    cols = ColumnMap(
        [
            "证书编号",
            *WHO,
            "认证类别",
            "认证等级",
            *(h for _, h in exams),
            "发证日期",
            "有效期至",
            "续证（原证书编号）",
            "来源文件",
            "备注",
        ]
    )
    rows = []
    for p in people:
        cert = certificates[(p.employee_id, p.scheme_id, p.applied)]
        rows.append(
            [
                cert.number,
                *_who(p),
                p.scheme_name,
                p.applied,
                *(p.facts.get(k) for k, _ in exams),
                _date(cert.issue_date),
                _date(cert.expiry),
                cert.renews or "",
                p.file,
                _note(p, issuance),
            ]
        )
    numbers = tuple(cols[h] for _, h in exams)
    return _table_sheet(
        PASSED_SHEET,
        cols.heads,
        rows,
        "通过名单表",
        "认证通过名单",
        date_cols=(cols["发证日期"], cols["有效期至"]),
        number_cols=numbers,
    )


def _failed(issuance: Issuance, rules: RosterRules) -> SheetSpec:
    people = sorted(issuance.failed, key=certificate_order(rules.schemes))
    exams = _exam_fields(people, rules.labels)
    # the reason beside the result, before the scores it cites: a list wider than a page prints
    # its first columns on the first pages, and the reason is what a reader of this list wants
    cols = ColumnMap([*WHO, "认证类别", "申报认证等级", "认证结果", "原因", *(h for _, h in exams), "来源文件", "备注"])
    rows = [
        [
            *_who(p),
            p.scheme_name,
            p.applied,
            p.status,
            p.reasons_text,
            *(p.facts.get(k) for k, _ in exams),
            p.file,
            _note(p, issuance),
        ]
        for p in people
    ]
    return _table_sheet(
        FAILED_SHEET,
        cols.heads,
        rows,
        "未通过名单表",
        "认证未通过名单",
        wrap_cols=(cols["原因"],),
        number_cols=tuple(cols[h] for _, h in exams),
    )


def _held(issuance: Issuance, rules: RosterRules) -> SheetSpec:
    """暂缓发证: people whose result is not beyond doubt, with what to fix; a re-run after the fix
    issues their certificate (or lists their failure)."""
    order = certificate_order(rules.schemes)
    holds = sorted(issuance.held, key=lambda h: order(h.person))
    # why and what to fix beside the name: printed across pages, the first columns come first
    cols = ColumnMap([*WHO, "暂缓原因", "需要修改", "认证类别", "申报认证等级", "计算结果", "来源文件"])
    rows = [
        [
            *_who(h.person),
            h.why,
            "\n".join(h.fixes),
            h.person.scheme_name,
            h.person.applied,
            h.person.status,
            h.person.file,
        ]
        for h in holds
    ]
    sheet = _table_sheet(
        HELD_SHEET,
        cols.heads,
        rows,
        "暂缓发证表",
        "暂缓发证：按“需要修改”一列改正（或登记核实结果）后重新运行，即按规则发证或列入未通过名单",
        wrap_cols=(cols["暂缓原因"], cols["需要修改"]),
        widths={cols["暂缓原因"]: 20.0},  # wrapped: with the rest, one page across at a legible scale
    )
    return sheet


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
    order = sorted(provinces)
    by_province = [(k, provinces[k]) for k in order] + [(TOTAL, people)]
    group_block(sheet, blocks, "按省份", by_province, totals={len(order)})
    rows: list[tuple[str, list[PersonResult]]] = []
    for k in order:
        units: dict[str, list[PersonResult]] = {}
        for p in provinces[k]:
            units.setdefault(p.unit or UNFILLED, []).append(p)
        rows += [(f"{k} / {u}", units[u]) for u in sorted(units)]
        rows.append((f"{k} 小计", provinces[k]))
    rows.append((TOTAL, people))
    subtotals = {j for j, (key, _) in enumerate(rows) if key.endswith(" 小计") or key == TOTAL}
    group_block(sheet, blocks, "按省份和单位", rows, charts=False, totals=subtotals)
    set_widths(sheet)
    sheet.widths[0] = 30.0
    return sheet


def _expiring(certs: list[Certificate], issue_date: dt.date, within_days: int) -> SheetSpec:
    rows = []
    for c in certs:
        left = (_date(c.expiry) - issue_date).days
        rows.append(
            [
                c.number,
                c.employee_id,
                c.name,
                c.unit,
                c.scheme_name,
                c.grade,
                _date(c.issue_date),
                _date(c.expiry),
                left,
                "已过期" if left < 0 else "即将到期",
            ]
        )
    heads = ["证书编号", "员工编号", "姓名", "单位", "认证类别", "认证等级", "发证日期", "有效期至", "剩余天数", "状态"]
    sheet = _table_sheet(
        EXPIRING, heads, rows, "即将到期表", f"{within_days} 天内到期及已过期未续证的证书", date_cols=(6, 7)
    )
    if rows:
        sheet.conditional.append(ConditionalFormat(cell_range(1, 9, len(rows), 9), 'J2="已过期"', "bad"))
        sheet.conditional.append(ConditionalFormat(cell_range(1, 9, len(rows), 9), 'J2="即将到期"', "warn"))
    return sheet


def _log(logs: list[FileLog]) -> SheetSpec:
    rows = [[g.file, g.status, g.people, g.errors, g.warnings, g.reason, g.output, g.sha256] for g in logs]
    heads = ["文件", "状态", "人数", "错误", "警告", "说明", "结果文件", "SHA-256"]
    sheet = _table_sheet(LOG, heads, rows, "处理日志表", "处理日志", wrap_cols=(5,))
    sheet.widths[7] = 68.0  # a whole SHA-256: it is compared character by character
    for r in range(1, len(rows) + 1):
        for c in (2, 3, 4):
            sheet.put(r, c, rows[r - 1][c], "int")
    if rows:
        rng = cell_range(1, 1, len(rows), 1)
        sheet.conditional += [
            ConditionalFormat(rng, f'B2="{FILE_FAILED}"', "bad"),
            ConditionalFormat(rng, f'B2="{WITH_ERRORS}"', "bad"),
            ConditionalFormat(rng, f'B2="{WITH_WARNINGS}"', "warn"),
            ConditionalFormat(rng, f'B2="{OK}"', "good"),
        ]
    return sheet
