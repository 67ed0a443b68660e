"""The workbooks of a calibration (docs/rules.md, 校准调整): 校准结果 (each person reached by an
adjustment, 校准前 and 校准后 side by side; the adjustments applied; the 校准分析 after), the
校准分析 alone (a run without an adjustments file), and the blank adjustments file (调整表)
with its dropdowns."""

from __future__ import annotations

from collections.abc import Sequence

from cmxl.core.engine.adjustments import COLUMNS, EVERY_ITEM_WORDS, KINDS, SHEET, Adjustment, PersonChange, points_text
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.calibration import calibration_sheet, has_calibration
from cmxl.core.layout.columns import Column, Columns
from cmxl.core.layout.info import info_sheet
from cmxl.core.layout.spec import PrintSetup, ReportSpec, SheetSpec, Table, Validation, cell_range
from cmxl.core.layout.styles import base_styles
from cmxl.core.model.framework import Framework

BEFORE_AFTER, APPLIED, TARGETS = "校准前后", "调整记录", "对象名单"
NOTHING_TO_COMPARE = "本批次没有两个及以上人数足够（每组至少 {least} 人）的单位或测评人，无法做校准分析。"
ORIGINALS = "原测评工作簿和评分结果均未改动；认证结果按考试成绩判定，校准不改变认证。"
TEMPLATE_ROWS = 200  # rows of the blank adjustments file that carry the dropdowns


def _items_text(c: PersonChange) -> str:
    """沟通能力 72.0→75.0；……"""
    return "；".join(f"{i.item} {_score(i.before)}→{_score(i.after)}" for i in c.items) or "（无变化：该项未评分）"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _delta(c: PersonChange) -> float | None:
    if c.before.total is None or c.after.total is None:
        return None
    return round(c.after.total - c.before.total, 1)


CHANGE_COLUMNS: Columns[PersonChange] = Columns(
    [
        Column("文件", "before.file"),
        Column("员工编号", "before.employee_id"),
        Column("姓名", "before.name"),
        Column("单位", "before.unit"),
        Column("测评人", lambda c: str(c.before.facts.get("rater") or "")),
        Column("校准前总分", "before.total", "num"),
        Column("校准后总分", "after.total", "num"),
        Column("总分变化", _delta, "change"),
        Column("校准前级别", "before.level_shown", "top"),
        Column("校准后级别", "after.level_shown", "top"),
        Column("校准前达标", "before.attainment_shown", "top"),
        Column("校准后达标", "after.attainment_shown", "top"),
        Column("调整的能力项（前→后）", _items_text, "wrap", max_width=50.0),
        Column("依据（调整序号）", lambda c: "、".join(map(str, c.adjustments))),
        Column("认证结果（未改变）", "after.result_shown", "top"),
    ]
)


def _applied_columns(reached: dict[int, int]) -> Columns[Adjustment]:
    return Columns(
        [
            Column("序号", "n", "int"),
            Column("对象类别", "kind"),
            Column("对象", "target"),
            Column("能力项", "item"),
            Column("调整", lambda a: points_text(a.points)),
            Column("涉及人数", lambda a: reached.get(a.n, 0), "int"),
            Column("决定人", "by"),
            Column("理由", "reason", "wrap", max_width=40.0),
            Column("调整表位置", lambda a: f"{a.sheet}!第 {a.row} 行"),
        ]
    )


def _table_sheet(name: str, title: str, cols: Columns, records: Sequence, table: str, empty: str) -> SheetSpec:
    sheet = SheetSpec(name, freeze="A3", print_setup=PrintSetup(repeat_rows="2:2", header=title))
    cols.add_table(sheet, 1, records)
    if records:
        sheet.tables.append(Table(table, cell_range(1, 0, len(records) + 1, len(cols.heads) - 1)))
    sheet.fit_widths(maximum=30)
    cols.set_widths(sheet)
    sheet.fit_heights(cols.with_style("wrap"), first_row=2)  # every changed item shown, not the first line
    sheet.put(0, 0, title, "title")  # after the widths: it runs over the columns to its right
    sheet.heights[0] = 24.0
    if not records:
        sheet.put(2, 0, empty, "note")
    return sheet


def _analysis(fw: Framework, people: Sequence[PersonResult]) -> SheetSpec:
    if has_calibration(fw, people):
        return calibration_sheet(fw, people)
    from cmxl.core.layout.names import CALIBRATION

    sheet = SheetSpec(CALIBRATION, tab_color="7030A0")
    sheet.put(0, 0, CALIBRATION, "title")
    sheet.put(2, 0, NOTHING_TO_COMPARE.format(least=fw.calibration.min_shown), "note")
    sheet.widths = {0: 80.0}
    return sheet


def calibrated_results(
    fw: Framework,
    changes: Sequence[PersonChange],
    adjustments: Sequence[Adjustment],
    after: Sequence[PersonResult],
    info: list[tuple[str, object]],
) -> ReportSpec:
    """校准结果: who changed (校准前 / 校准后), the adjustments applied, the 校准分析 after."""
    reached: dict[int, int] = {}
    for c in changes:
        for n in c.adjustments:
            reached[n] = reached.get(n, 0) + 1
    title = f"校准前后对比（{ORIGINALS}）"
    sheets = [
        _table_sheet(BEFORE_AFTER, title, CHANGE_COLUMNS, changes, "校准前后表", "（调整没有涉及任何人）"),
        _table_sheet(APPLIED, "校准会议决定的调整", _applied_columns(reached), adjustments, "调整记录表", "（无）"),
        _analysis(fw, after),
        info_sheet(info),
    ]
    return ReportSpec(sheets=sheets, styles=base_styles(len(fw.levels)), title="校准结果", producer="calibration")


def analysis_only(fw: Framework, people: Sequence[PersonResult], info: list[tuple[str, object]]) -> ReportSpec:
    """The 校准分析 of a batch for the meeting, before any adjustment (nothing is changed)."""
    sheets = [_analysis(fw, people), info_sheet(info)]
    return ReportSpec(sheets=sheets, styles=base_styles(len(fw.levels)), title="校准分析", producer="calibration")


def adjustments_template(fw: Framework, units: Sequence[str], raters: Sequence[str]) -> ReportSpec:
    """The blank 调整表: its header row, dropdowns for 对象类别 and 能力项 (and 对象, from the
    batch's units and raters when a batch is given), and a note on how to fill it in."""
    heads = [head for head, _ in COLUMNS.values()]
    sheet = SheetSpec(SHEET, freeze="A2", print_setup=PrintSetup(repeat_rows="1:1", header="校准调整表"))
    sheet.put_row(0, 0, heads, "head")
    last = TEMPLATE_ROWS + 1
    col = {key: j for j, key in enumerate(COLUMNS)}

    def rng(key: str) -> str:
        return cell_range(1, col[key], last - 1, col[key])

    items = [EVERY_ITEM_WORDS[0], *fw.item_names]
    sheet.validations += [
        Validation(rng("kind"), "list", options=list(KINDS)),
        Validation(rng("item"), "list", options=items),
    ]
    span = fw.levels[-1].max - fw.levels[0].min
    sheet.validations.append(Validation(rng("points"), "decimal", minimum=-span, maximum=span))
    sheet.widths = {col["kind"]: 10.0, col["target"]: 18.0, col["item"]: 18.0, col["points"]: 8.0}
    sheet.widths |= {col["by"]: 12.0, col["reason"]: 40.0}
    sheets = [sheet, _how_to(fw)]
    names = [*(n for n in units if n), *(n for n in raters if n)]
    if names:
        listing = SheetSpec(TARGETS)
        listing.put_row(0, 0, ["对象", "对象类别"], "head")
        for r, (name, kind) in enumerate([*((u, KINDS[0]) for u in units if u), *((x, KINDS[1]) for x in raters if x)]):
            listing.put(r + 1, 0, name, "text")
            listing.put(r + 1, 1, kind, "text")
        listing.fit_widths()
        source = f"'{TARGETS}'!$A$2:$A${len(names) + 1}"
        sheet.validations.append(Validation(rng("target"), "list", source=source))
        sheets.append(listing)
    return ReportSpec(sheets=sheets, styles=base_styles(len(fw.levels)), title="校准调整表", producer="adjustments")


def _how_to(fw: Framework) -> SheetSpec:
    sheet = SheetSpec("填写说明")
    sheet.put(0, 0, "校准调整表填写说明", "title")
    lines = [
        "每行是校准会议的一项决定：对某个单位或某位测评人打分的全部人员，把某个能力项（或每个能力项）加减若干分。",
        "对象类别：单位 或 测评人。对象：单位名称或测评人姓名，须与测评工作簿中的写法一致（“对象名单”表列出本批次的全部对象）。",
        f"能力项：能力项名称；填“{EVERY_ITEM_WORDS[0]}”或留空表示每个能力项都加减（加权总分随之加减同样的分数）。",
        "调整：要加减的分数，如 +3 或 -2；调整后的分数不超出评分范围。级别、加权总分和达标情况按同样的规则重新计算。",
        "决定人、理由：必须填写，登记在证书台账中，与调整前后的分数一起备查。",
        "同一对象和能力项只写一行；同一人被几行涉及时（如单位一行、测评人一行），各行的调整相加。",
        f"{ORIGINALS}",
        f"填好后运行：cmxl calibrate <批次文件夹> --adjustments <本文件>（模型：{fw.id} {fw.version}）。",
    ]
    for r, line in enumerate(lines, start=2):
        sheet.put(r, 0, line, "note")
    sheet.widths = {0: 100.0}
    return sheet
