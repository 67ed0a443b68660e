"""The certification roster of a batch (认证名单): passed list with certificate numbers, failed
list with reasons, regional statistics with charts, certificates about to expire, and the
processing log per file — as a ReportSpec."""

from __future__ import annotations

import datetime as dt

from cmxl.core.engine.certification import PASSED
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.names import EXPIRING, FAILED_SHEET, INFO, LOG, PASSED_SHEET, REGIONS
from cmxl.core.layout.spec import ConditionalFormat, PrintSetup, ReportSpec, SheetSpec, Table, cell_range
from cmxl.core.layout.stats import UNFILLED, Blocks, group_block, set_widths
from cmxl.core.layout.styles import base_styles
from cmxl.core.records import FILE_FAILED, OK, WITH_ERRORS, WITH_WARNINGS, Certificate, FileLog


def build_roster(
    batch: str,
    issue_date: dt.date,
    people: list[PersonResult],
    certificates: dict[tuple[str, str, str], Certificate],
    expiring: list[Certificate],
    logs: list[FileLog],
    info: list[tuple[str, object]],
    within_days: int,
    level_count: int,
) -> ReportSpec:
    styles = base_styles(level_count)
    sheets = [
        _passed(people, certificates),
        _failed(people),
        _regions(people),
        _expiring(expiring, issue_date, within_days),
        _log(logs),
        _info(info),
    ]
    return ReportSpec(sheets=sheets, styles=styles, title=f"认证名单 {batch}")


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _note(p: PersonResult) -> str:
    return f"员工编号同时出现在：{'、'.join(p.also_in)}" if p.also_in else ""


def _table_sheet(
    name: str,
    heads: list[str],
    rows: list[list[object]],
    table: str,
    header: str,
    date_cols: tuple[int, ...] = (),
    wrap_cols: tuple[int, ...] = (),
) -> SheetSpec:
    sheet = SheetSpec(name, freeze="C2", print_setup=PrintSetup(repeat_rows="1:1", header=header))
    sheet.put_row(0, 0, heads, "head")
    for r, row in enumerate(rows, start=1):
        sheet.put_row(r, 0, row, "text")
        for c in date_cols:
            sheet.put(r, c, row[c], "date")
        for c in wrap_cols:
            sheet.put(r, c, row[c], "wrap")
    if rows:
        sheet.tables.append(Table(table, cell_range(0, 0, len(rows), len(heads) - 1)))
    else:
        sheet.put(1, 0, "（无）", "note")
    sheet.fit_widths(maximum=30)
    for c in wrap_cols:
        sheet.widths[c] = 48.0
    sheet.fit_heights(list(wrap_cols))
    return sheet


def _passed(people: list[PersonResult], certificates: dict[tuple[str, str, str], Certificate]) -> SheetSpec:
    rows = []
    for p in people:
        if p.status != PASSED:
            continue
        cert = certificates[(p.employee_id, p.scheme_id, p.applied)]
        rows.append(
            [
                cert.number,
                p.employee_id,
                p.name,
                p.unit,
                p.scheme_name,
                p.applied,
                _date(cert.issue_date),
                _date(cert.expiry),
                cert.renews or "",
                p.file,
                _note(p),
            ]
        )
    rows.sort(key=lambda r: (r[0], r[9]))
    heads = [
        "证书编号",
        "员工编号",
        "姓名",
        "单位",
        "认证类别",
        "认证等级",
        "发证日期",
        "有效期至",
        "续证（原证书编号）",
        "来源文件",
        "备注",
    ]
    return _table_sheet(PASSED_SHEET, heads, rows, "通过名单表", "认证通过名单", date_cols=(6, 7))


def _failed(people: list[PersonResult]) -> SheetSpec:
    rows = [
        [p.employee_id, p.name, p.unit, p.scheme_name, p.applied, p.status, p.reasons_text, p.file, _note(p)]
        for p in people
        if p.applying and p.status != PASSED
    ]
    rows.sort(key=lambda r: (r[2], r[0], r[7]))
    heads = ["员工编号", "姓名", "单位", "认证类别", "申报认证等级", "认证结果", "原因", "来源文件", "备注"]
    return _table_sheet(FAILED_SHEET, heads, rows, "未通过名单表", "认证未通过名单", wrap_cols=(6,))


def _regions(people: list[PersonResult]) -> SheetSpec:
    sheet = SheetSpec(REGIONS, tab_color="BF8F00", print_setup=PrintSetup(header="地区统计"))
    sheet.put(0, 0, f"地区统计（{len(people)} 人）", "title")
    units = [p.unit or UNFILLED for p in people]
    group_block(sheet, Blocks(sheet), "按单位", sorted(set(units)), units, people)
    set_widths(sheet)
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


def _info(info: list[tuple[str, object]]) -> SheetSpec:
    sheet = SheetSpec(INFO, tab_color="7F7F7F")
    sheet.put(0, 0, INFO, "title")
    for r, (label, value) in enumerate(info, start=2):
        sheet.put(r, 0, label, "label")
        sheet.put(r, 1, value, "value")
    sheet.widths = {0: 24.0, 1: 80.0}
    return sheet
