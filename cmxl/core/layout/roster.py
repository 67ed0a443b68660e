"""The certification roster of a batch (认证名单): passed list with certificate numbers, failed
list with reasons, regional statistics with charts, certificates about to expire, and the
processing log per file — as a ReportSpec."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from cmxl.core.engine.issuance import Issuance, certificate_order, province_of
from cmxl.core.engine.results import PersonResult
from cmxl.core.engine.tally import counted, tally
from cmxl.core.layout.calibration import calibration_sheets
from cmxl.core.layout.collation import pinyin_key
from cmxl.core.layout.columns import Column, Columns, columns_of
from cmxl.core.layout.info import info_sheet
from cmxl.core.layout.names import APPROVAL, EXPIRING, FAILED_SHEET, HELD_SHEET, LOG, PASSED_SHEET, REGIONS, TRAINING
from cmxl.core.layout.roster_pages import Batch, Outcomes, approval_sheet, count_lines, list_sheet
from cmxl.core.layout.spec import ConditionalFormat, PrintSetup, ReportSpec, SheetSpec
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
    pages = Batch(batch, issue_date, _schemes(people, rules.schemes), tally(people))
    training = "培训需求名单（按能力项，差距大的在前）"
    sheets = [
        _approval(pages, issuance, certificates, rules),
        _passed(issuance, certificates, rules, pages),
        _failed(issuance, rules, pages),
        _held(issuance, rules, pages),
        _regions(people),
        training_matrix(rules.framework, counted(people), header=pages.header(TRAINING)),  # a repeated row: once
        training_list(rules.framework, counted(people), header=pages.header(training)),
        *calibration_sheets(rules.framework, counted(people)),  # when there is something to compare
        _expiring(expiring, issue_date, within_days, pages),
        _log(logs, pages),
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

# the columns of a list that may wrap to keep its page legible, with the narrowest each may be
WRAPPED = {"单位": 8.0, "现岗位级别": 8.0, "来源文件": 10.0}


def _schemes(people: list[PersonResult], schemes: dict[str, Scheme]) -> list[str]:
    """The schemes applied for in the batch, as a signer names them: name (id, version)."""
    applied = {p.scheme_id for p in people if p.certification.status is not None and p.scheme_id}
    return [
        f"{s.scheme.name}（{s.id}，{s.version}）" if s.scheme.name != s.id else f"{s.id}（{s.version}）"
        for key, s in schemes.items()
        if key in applied
    ]


def _approval(
    pages: Batch, issuance: Issuance, certificates: dict[tuple[str, str, str], Certificate], rules: RosterRules
) -> SheetSpec:
    """发证审批: the outcomes per scheme and grade in the order certificates are numbered."""
    order = certificate_order(rules.schemes)
    everyone = [(p, 0) for p in issuance.passed] + [(h.person, 1) for h in issuance.held]
    everyone += [(p, 2) for p in issuance.failed]
    counts: dict[tuple[str, str], list[int]] = {}
    for p, k in sorted(everyone, key=lambda pk: order(pk[0])):
        grade = p.applied or "（等级未填或无法识别）"  # such a person is held: said, not a blank row
        counts.setdefault((p.scheme_name or p.scheme_id, grade), [0, 0, 0])[k] += 1
    rows = [Outcomes(scheme, grade, *n) for (scheme, grade), n in counts.items()]
    return approval_sheet(APPROVAL, pages, rows, [c.number for c in certificates.values()])


def _by(records: list[R], key: Callable[[R], str]) -> dict[str, Callable[[], int]]:
    """count_lines' groups: each value of `key` with how many records have it, in order of appearance."""
    found = Counter(key(r) for r in records)
    return {k: (lambda n=n: n) for k, n in found.items()}


def _passed(
    issuance: Issuance, certificates: dict[tuple[str, str, str], Certificate], rules: RosterRules, pages: Batch
) -> SheetSpec:
    """Certificates by category, grade from the highest down, province, unit and id: the order
    in which a new batch's numbers were given; the approval block at the end."""
    people = sorted(issuance.passed, key=certificate_order(rules.schemes))

    def cert(p: PersonResult) -> Certificate:
        return certificates[(p.employee_id, p.scheme_id, p.applied)]

    cols = Columns(
        [
            # what a certificate says first (a page holds about 140 characters of columns at 8 pt;
            # the columns past it are left out of the print area), then the scores and the rest
            Column("证书编号", lambda p: cert(p).number),
            *WHO[:4],
            Column("认证类别", "scheme_name"),
            Column("认证等级", "applied"),
            Column("有效期至", lambda p: _date(cert(p).expiry), "date"),
            Column("续证（原证书编号）", lambda p: cert(p).renews or ""),
            Column("备注", lambda p: _note(p, issuance)),
            *_exam_columns(people, rules.labels),
            *WHO[4:],
            Column("发证日期", lambda p: _date(cert(p).issue_date), "date"),
            Column("来源文件", "file"),
        ]
    )
    renewed = sum(bool(cert(p).renews) for p in people)
    totals = [
        f"合计：通过并发证 {len(people)} 人（其中续证 {renewed} 人）",
        count_lines("按认证类别和等级", _by(people, lambda p: f"{p.scheme_name} {p.applied}")),
    ]
    return list_sheet(
        PASSED_SHEET,
        "认证通过名单",
        pages,
        cols,
        people,
        "通过名单表",
        listed=f"本表列出通过并发证的 {len(people)} 人。",
        totals=[t for t in totals if t],
        wrapped={**WRAPPED, "备注": 10.0, "续证（原证书编号）": 8.0},
        sign=True,
    )


def _failed(issuance: Issuance, rules: RosterRules, pages: Batch) -> SheetSpec:
    people = sorted(issuance.failed, key=certificate_order(rules.schemes))
    # the reason beside the result, before the scores it cites: what a reader of this list wants
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
    totals = [f"合计：未通过 {len(people)} 人", count_lines("按认证结果", _by(people, lambda p: p.status))]
    return list_sheet(
        FAILED_SHEET,
        "认证未通过名单",
        pages,
        cols,
        people,
        "未通过名单表",
        listed=f"本表列出未通过的 {len(people)} 人及原因。",
        totals=[t for t in totals if t],
        wrapped={**WRAPPED, "原因": 24.0, "备注": 10.0, "认证类别": 10.0},
    )


def _held(issuance: Issuance, rules: RosterRules, pages: Batch) -> SheetSpec:
    """暂缓发证: people whose result is not beyond doubt, with what to fix; a re-run after the fix
    issues their certificate (or lists their failure)."""
    order = certificate_order(rules.schemes)
    holds = sorted(issuance.held, key=lambda h: order(h.person))
    # why and what to fix beside the name
    cols = Columns(
        [
            *columns_of("person", WHO),
            Column("暂缓原因", "why", "wrap"),
            Column("需要修改", lambda h: "\n".join(h.fixes), "wrap"),
            Column("认证类别", "person.scheme_name"),
            Column("申报认证等级", "person.applied"),
            Column("计算结果", "person.status"),
            Column("来源文件", "person.file"),
        ]
    )
    totals = [f"合计：暂缓发证 {len(holds)} 人", count_lines("按计算结果", _by(holds, lambda h: h.person.status))]
    return list_sheet(
        HELD_SHEET,
        "暂缓发证名单",
        pages,
        cols,
        holds,
        "暂缓发证表",
        listed=f"本表列出暂缓发证的 {len(holds)} 人：按“需要修改”一列改正（或登记核实结果）后重新运行，"
        "即按规则发证或列入未通过名单。",
        totals=[t for t in totals if t],
        wrapped={**WRAPPED, "暂缓原因": 14.0, "需要修改": 24.0, "认证类别": 10.0},
    )


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


def _expiring(certs: list[Certificate], issue_date: dt.date, within_days: int, pages: Batch) -> SheetSpec:
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
    expired = sum(left(c) < 0 for c in certs)
    return list_sheet(
        EXPIRING,
        "即将到期及已过期的证书",
        pages,
        cols,
        certs,
        "即将到期表",
        listed=f"本表列出 {within_days} 天内到期及已过期未续证的证书。",
        totals=[f"合计：{len(certs)} 张（已过期 {expired} 张，即将到期 {len(certs) - expired} 张）"],
        wrapped={"单位": 8.0},
    )


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


def _log(logs: list[FileLog], pages: Batch) -> SheetSpec:
    totals = [
        f"合计：{len(logs)} 个文件，{sum(log.people for log in logs)} 行",
        count_lines("按状态", _by(logs, lambda log: log.status)).replace(" 人", " 个"),
    ]
    return list_sheet(
        LOG,
        "处理日志",
        pages,
        LOG_COLUMNS,
        logs,
        "处理日志表",
        listed=f"本表列出本批次处理的 {len(logs)} 个文件。",
        totals=[t for t in totals if t],
        wrapped={"说明": 16.0, "文件": 12.0, "结果文件": 12.0},
    )
