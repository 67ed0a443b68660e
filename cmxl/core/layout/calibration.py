"""校准分析: which units (and raters, when the workbook names them) score more leniently or more
severely than the batch (cmxl/core/engine/calibration.py has the statistics, docs/rules.md the
formulas and a worked example). It reads only the per-person records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from cmxl.core.engine import calibration as C
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.names import CALIBRATION
from cmxl.core.layout.spec import (
    Chart,
    ColumnMap,
    ConditionalFormat,
    PrintSetup,
    Ref,
    Series,
    SheetSpec,
    Table,
    cell_range,
)
from cmxl.core.layout.stats import UNFILLED, chart_height
from cmxl.core.model.framework import Framework
from cmxl.core.numbers import round_half_up

HOW_TO_READ = (
    "怎样看：宽严指数 =（收缩后均值 − 全批平均）÷ 全批标准差。人数少或分数分散的组，其均值向全批平均“收缩”，"
    "不因个别人的分数下结论。{judged} 人及以上：宽严指数 ≥ {lenient} 为偏宽（打分整体偏高），≤ −{lenient} 为偏严；"
    "{shown}–{below} 人只列出、不判断（样本不足）；少于 {shown} 人的组不列出。"
)
CANNOT_TELL = (
    "这些数字只说明一组的分数整体高于或低于全批，不说明原因：可能是测评人打分宽严不同，也可能是这组人的能力确实不同。"
)
DISJOINT = "本批次每位测评人只给一个单位打分：单位的高低与测评人的宽严混在一起，无法分开。"
NO_RATERS = "工作簿没有“测评人”列：单位的差异中也包含各单位测评人的宽严。"
ADJUST = "cmxl 只提示，不改分：需要调整时由校准会议决定，用 cmxl calibrate 登记（谁、何时、为何、改前、改后）。"
FEW_GROUPS = "组数少于 {groups} 个，无法估计组间差异，均值未做收缩。"


def has_calibration(fw: Framework, people: Sequence[PersonResult]) -> bool:
    """The sheet is made when there is something to compare: two or more units, or two or more
    raters, with enough people each to be listed (the [calibration] table's min_shown)."""
    least = fw.calibration.min_shown
    for kind in (lambda p: p.unit, lambda p: str(p.facts.get("rater") or "")):
        sizes = Counter(g for g in map(kind, people) if g)
        if sum(n >= least for n in sizes.values()) >= 2:
            return True
    return False


def calibration_sheets(fw: Framework, people: Sequence[PersonResult]) -> list[SheetSpec]:
    """The 校准分析 sheet when there is something to compare (has_calibration), else none."""
    return [calibration_sheet(fw, people)] if has_calibration(fw, people) else []


def calibration_sheet(fw: Framework, people: Sequence[PersonResult], th: C.Thresholds | None = None) -> SheetSpec:
    th = th or fw.calibration
    setup = PrintSetup(repeat_rows=None, header=CALIBRATION)
    sheet = SheetSpec(CALIBRATION, tab_color="7030A0", print_setup=setup)
    units = [p.unit or UNFILLED for p in people]
    raters = [str(p.facts.get("rater") or "") for p in people]
    levels = fw.level_names
    totals, overall = [p.total_exact for p in people], [p.level for p in people]
    measures = [C.measure(C.TOTAL, C.UNIT, totals, units, overall, levels, th)]
    if any(raters):
        measures.append(C.measure(C.TOTAL, C.RATER, totals, raters, overall, levels, th))
    batch = measures[0]
    mean, sd = round_half_up(batch.mean, 1), round_half_up(batch.sd, 1)
    sheet.put(0, 0, f"校准分析（{batch.n} 人，全批平均总分 {mean:.1f}，标准差 {sd:.1f}）", "title")
    row = _notes(sheet, th, batch, units, raters)
    top, r = _group_table(sheet, row + 1, levels, measures, th)
    if batch.groups:
        r = _chart(sheet, r, top, len(batch.groups), mean)
    _item_table(sheet, r + 1, fw, people, units, raters, th)
    sheet.widths = {0: 8.0, 1: 16.0, 2: 14.0, **{c: 10.0 for c in range(3, len(GROUP_HEADS) + len(levels))}}
    return sheet


GROUP_HEADS = ["类别", "名称", "人数", "平均总分", "收缩后均值", "宽严指数", "判断"]  # the levels before 判断


def _notes(sheet: SheetSpec, th: C.Thresholds, batch: C.Measure, units: list[str], raters: list[str]) -> int:
    """What the figures can and cannot tell, in plain words; the row after them."""
    notes = [
        HOW_TO_READ.format(judged=th.min_judged, lenient=th.leniency, shown=th.min_shown, below=th.min_judged - 1),
        CANNOT_TELL + (DISJOINT if any(raters) and C.confounded(units, raters) else "" if any(raters) else NO_RATERS),
        ADJUST,
    ]
    if batch.tau2 is None:
        notes.append(FEW_GROUPS.format(groups=th.min_groups))
    row = 1
    for text in notes:
        sheet.put(row, 0, text, "note")
        sheet.merges.append(f"A{row + 1}:L{row + 1}")
        sheet.heights[row] = 30.0
        row += 1
    return row


def _group_table(
    sheet: SheetSpec, top: int, levels: list[str], measures: list[C.Measure], th: C.Thresholds
) -> tuple[int, int]:
    """Per unit (and rater): the figures and the level shares against the batch's. (header row, last row)."""
    cols = ColumnMap([*GROUP_HEADS[:-1], *levels, GROUP_HEADS[-1]])
    batch = measures[0]
    mean = round_half_up(batch.mean, 1)
    sheet.put_row(top, 0, cols.heads, "head")
    r = top + 1
    sheet.put_row(r, 0, ["全批", "全部", batch.n, mean, mean, 0.0], "total")
    for lv in levels:
        sheet.put(r, cols[lv], batch.levels[lv], "total_pct")
    sheet.put(r, cols["判断"], "—", "total")
    first = r + 1
    for g in (g for m in measures for g in m.groups):
        r += 1
        sheet.put_row(r, 0, [g.kind, g.name, g.n], "value")
        sheet.put(r, cols["平均总分"], round_half_up(g.mean, 1), "num_box")
        sheet.put(r, cols["收缩后均值"], round_half_up(g.shrunk, 1), "num_box")
        sheet.put(r, cols["宽严指数"], round_half_up(g.d, 2), "d_box")
        for lv in levels:
            sheet.put(r, cols[lv], g.levels[lv], "pct")
        sheet.put(r, cols["判断"], g.verdict, "value")
    _verdict_colours(sheet, cell_range(first, cols["判断"], max(r, first), cols["判断"]))
    hidden = sum(m.hidden for m in measures)
    if hidden:
        r += 1
        sheet.put(r, 0, f"另有 {hidden} 个组不足 {th.min_shown} 人，未列出（仍计入全批）。", "note")
    return top, r


def _chart(sheet: SheetSpec, r: int, top: int, n: int, mean: float) -> int:
    """The units' shrunk means (the table's first groups), the batch mean in the title (a series of
    one cell would draw one grey bar beside the first unit only); the row after it."""
    name, shrunk = GROUP_HEADS.index("名称"), GROUP_HEADS.index("收缩后均值")
    first = top + 2
    height = max(8.0, 0.6 * n + 3)
    sheet.charts.append(
        Chart(
            kind="bar",
            title=f"各单位收缩后平均总分（全批平均 {mean:.1f}）",
            anchor=f"A{r + 3}",
            categories=Ref(CALIBRATION, first, name, first + n - 1, name),
            series=[Series(Ref(CALIBRATION, first, shrunk, first + n - 1, shrunk), "收缩后均值")],
            y_title="加权总分",
            width_cm=16,
            height_cm=chart_height(sheet, height),
            colors=["7030A0"],
            categories_reversed=True,
        )
    )
    after = r + 2 + int(height / 0.53) + 2
    sheet.row_breaks.append(after - 1)
    return after


def _item_table(
    sheet: SheetSpec,
    top: int,
    fw: Framework,
    people: Sequence[PersonResult],
    units: list[str],
    raters: list[str],
    th: C.Thresholds,
) -> None:
    """Per unit (and rater) and competency: which items a group rates leniently, filterable."""
    heads = ["类别", "名称", "能力项", "人数", "平均分", "收缩后均值", "宽严指数", "判断"]
    sheet.put(top, 0, "按能力项（筛选“判断”即可看到某单位在哪些能力项上偏宽或偏严）", "label")
    head = top + 1
    sheet.put_row(head, 0, heads, "head")
    rows: list[list[object]] = []
    kinds = [(C.UNIT, units), *([(C.RATER, raters)] if any(raters) else [])]
    for i, name in enumerate(fw.item_names):
        values, levels = [p.item_scores[i] for p in people], [p.item_levels[i] for p in people]
        for kind, groups in kinds:
            m = C.measure(name, kind, values, groups, levels, fw.level_names, th)
            rows += [
                [
                    g.kind,
                    g.name,
                    name,
                    g.n,
                    *(round_half_up(x, k) for x, k in ((g.mean, 1), (g.shrunk, 1), (g.d, 2))),
                    g.verdict,
                ]
                for g in m.groups
            ]
    rows.sort(key=lambda x: (x[0] != C.UNIT, x[1], fw.item_names.index(x[2])))
    sheet.add_rows(head + 1, rows, ["text", "text", "text", "int", "num", "num", "d", "text"])
    if rows:
        sheet.tables.append(Table("校准按能力项", cell_range(head, 0, head + len(rows), len(heads) - 1)))
        verdict = heads.index("判断")
        _verdict_colours(sheet, cell_range(head + 1, verdict, head + len(rows), verdict))


def _verdict_colours(sheet: SheetSpec, where: str) -> None:
    first = where.split(":")[0]
    sheet.conditional += [
        ConditionalFormat(where, f'{first}="{C.LENIENT}"', "warn"),
        ConditionalFormat(where, f'{first}="{C.SEVERE}"', "cold"),
        ConditionalFormat(where, f'{first}="{C.TOO_FEW}"', "muted"),
    ]
