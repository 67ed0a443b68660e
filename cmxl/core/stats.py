"""统计图表: distribution tables (computed here) and the charts drawn from them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .certification import NOT_APPLIED, PASSED
from .numbers import round_half_up, round_half_up_array
from .scoring import ATTAINED, NEARLY, NOT_ATTAINED
from .spec import Chart, PrintSetup, Ref, Series, SheetSpec

if TYPE_CHECKING:
    from .assessment import Assessment

STATS = "统计图表"
CHART_COL = "L"  # after the tables (A–J) and a narrow gap column (K)
ROW_CM = 0.53  # default row height in cm
LEVEL_COLORS = ["A5A5A5", "5B9BD5", "70AD47", "FFC000", "ED7D31", "7030A0"]
ATTAIN_COLORS = ["70AD47", "FFC000", "C00000"]


class Blocks:
    """Tables stacked down the left, each with its chart(s) beside it; no overlaps."""

    def __init__(self, sheet: SheetSpec):
        self.sheet = sheet
        self.row = 2

    def reserve(self, table_rows: int, chart_cm: float) -> int:
        top = self.row
        self.row += max(table_rows + 1, int(chart_cm / ROW_CM) + 2) + 1
        return top


def stats_sheet(a: Assessment, attainment: list[str], status: list[str]) -> SheetSpec:
    fw, s = a.framework, a.scores
    sheet = SheetSpec(STATS, tab_color="BF8F00", print_setup=PrintSetup(header="统计图表"))
    sheet.put(0, 0, f"统计图表（{a.size} 人）", "title")
    blocks = Blocks(sheet)
    levels = fw.level_names

    # 1. level distribution per competency
    k = len(fw.item_names)
    height = max(9.0, 0.75 * k + 3)
    top = blocks.reserve(k + 1, height)
    sheet.put(top, 0, "各能力项级别分布（人数）", "label")
    heads = ["能力项", *levels]
    sheet.put_row(top + 1, 0, heads, "head")
    for i, name in enumerate(fw.item_names):
        counts = [int((s.item_levels[:, i] == j).sum()) for j in range(len(levels))]
        sheet.put(top + 2 + i, 0, name, "value")
        sheet.put_row(top + 2 + i, 1, counts, "value")
    cats = Ref(STATS, top + 2, 0, top + 1 + k, 0)
    sheet.charts.append(
        Chart(
            kind="bar",
            stacked=True,
            title="各能力项级别分布",
            anchor=f"{CHART_COL}{top + 1}",
            categories=cats,
            series=[Series(Ref(STATS, top + 2, 1 + j, top + 1 + k, 1 + j), lv) for j, lv in enumerate(levels)],
            y_title="人数",
            width_cm=18,
            height_cm=height,
            colors=LEVEL_COLORS,
            categories_reversed=True,
        )
    )

    # 2. total score distribution in 10-point bins (judged on the displayed, rounded total)
    bins = list(range(0, 100, 10))
    totals = round_half_up_array(s.total)
    top = blocks.reserve(len(bins) + 1, 8)
    sheet.put(top, 0, "加权总分分布（人数）", "label")
    sheet.put_row(top + 1, 0, ["分数段", "人数"], "head")
    for n, low in enumerate(bins):
        high = low + 10
        mask = (totals >= low) & ((totals < high) if high < 100 else (totals <= 100))
        label = f"{low}–{high - 0.1:.1f}" if high < 100 else f"{low}–100"
        sheet.put_row(top + 2 + n, 0, [label, int(mask.sum())], "value")
    sheet.charts.append(
        Chart(
            kind="column",
            title="加权总分分布",
            anchor=f"{CHART_COL}{top + 1}",
            categories=Ref(STATS, top + 2, 0, top + 1 + len(bins), 0),
            series=[Series(Ref(STATS, top + 2, 1, top + 1 + len(bins), 1), "人数")],
            x_title="加权总分",
            y_title="人数",
            width_cm=18,
            height_cm=8,
            colors=["2E75B6"],
        )
    )

    # 3. by job grade, 4. by unit
    sheet.row_breaks.append(blocks.row - 2)  # the group blocks start a new printed page
    grades = [str(g or "（未填）") for g in a.intake.people["grade"]]
    grade_order = [g.name for g in fw.grades] + (["（未填）"] if "（未填）" in grades else [])
    totals = [None if t != t else float(t) for t in s.total]
    group_block(sheet, blocks, "按现岗位级别", grade_order, grades, attainment, status, totals)
    units = [str(u or "（未填）") for u in a.intake.people["unit"]]
    group_block(sheet, blocks, "按单位", sorted(set(units)), units, attainment, status, totals)

    sheet.widths = {0: 20.0, **{c: 10.0 for c in range(1, 10)}}
    sheet.widths[10] = 2.0
    return sheet


def group_block(
    sheet: SheetSpec,
    blocks: Blocks,
    title: str,
    keys: list[str],
    of: list[str],
    attainment: list[str],
    status: list[str],
    totals: list[float | None],
) -> None:
    """Per-group counts and rates (人数, 达标…, 达标率, 申报认证, 通过, 通过率, 平均总分) with two charts."""
    n = len(keys)
    height = max(8.0, 0.6 * n + 4)
    top = blocks.reserve(n + 1, height)
    sheet.put(top, 0, f"{title}统计", "label")
    heads = [title[1:], "人数", ATTAINED, NEARLY, NOT_ATTAINED, "达标率", "申报认证", "通过", "通过率", "平均总分"]
    sheet.put_row(top + 1, 0, heads, "head")
    of_arr, att, st = np.array(of, dtype=object), np.array(attainment, dtype=object), np.array(status, dtype=object)
    applied = np.array([x != NOT_APPLIED for x in status], dtype=bool)
    for j, key in enumerate(keys):
        mask = of_arr == key
        counts = [int((att[mask] == x).sum()) for x in (ATTAINED, NEARLY, NOT_ATTAINED)]
        rated = sum(counts)
        n_applied = int(applied[mask].sum())
        passed = int((st[mask] == PASSED).sum())
        r = top + 2 + j
        sheet.put_row(r, 0, [key, int(mask.sum()), *counts], "value")
        sheet.put(r, 5, counts[0] / rated if rated else None, "pct")
        sheet.put_row(r, 6, [n_applied, passed], "value")
        sheet.put(r, 8, passed / n_applied if n_applied else None, "pct")
        known = [t for t, m in zip(totals, mask, strict=True) if m and t is not None and t == t]
        sheet.put(r, 9, round_half_up(sum(known) / len(known), 1) if known else None, "num")
    cats = Ref(sheet.name, top + 2, 0, top + 1 + n, 0)
    sheet.charts.append(
        Chart(
            kind="column",
            stacked=True,
            title=f"达标情况（{title}）",
            anchor=f"{CHART_COL}{top + 1}",
            categories=cats,
            series=[
                Series(Ref(sheet.name, top + 2, 2 + j, top + 1 + n, 2 + j), x)
                for j, x in enumerate((ATTAINED, NEARLY, NOT_ATTAINED))
            ],
            y_title="人数",
            width_cm=15,
            height_cm=height,
            colors=ATTAIN_COLORS,
        )
    )
    sheet.charts.append(
        Chart(
            kind="column",
            title=f"达标率与认证通过率（{title}）",
            anchor=f"V{top + 1}",
            categories=cats,
            series=[
                Series(Ref(sheet.name, top + 2, 5, top + 1 + n, 5), "达标率"),
                Series(Ref(sheet.name, top + 2, 8, top + 1 + n, 8), "认证通过率"),
            ],
            percent=True,
            y_min=0,
            y_max=1,
            width_cm=15,
            height_cm=height,
            colors=["70AD47", "2E75B6"],
        )
    )
