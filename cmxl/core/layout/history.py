"""The change since the previous cycle, as sheets show it (docs/rules.md, 历次测评): the 历次对比
sheet (per person and competency the previous and the current level and score and the change,
with each person's counts of improved, declined and unchanged items; filterable: one table), and
统计图表's block of each unit's level distribution now and last cycle with the change in its
attainment rate. Every figure is the one computed on the person's record (`PersonResult.change`).

A person whose earlier record has another name is listed with both names and no change (a
possible mismatch); a competency in one cycle only is listed as not comparable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from cmxl.core.engine.change import DECLINED, IMPROVED, MATCHED, NAME_DIFFERS, NONE, UNCHANGED, Change
from cmxl.core.engine.results import NOT_RATED, PersonResult
from cmxl.core.engine.scoring import ATTAINED, NEARLY, NOT_ATTAINED
from cmxl.core.engine.tally import counted
from cmxl.core.layout.names import HISTORY
from cmxl.core.layout.spec import (
    ColumnMap,
    ConditionalFormat,
    PrintSetup,
    SheetSpec,
    Table,
    cell_range,
)
from cmxl.core.layout.stats import CHART_COL, UNFILLED, Blocks, chart_height, level_chart
from cmxl.core.model.framework import Framework

NOT_COMPARABLE = "不可比"
HEADS = [
    "员工编号", "姓名", "单位", "上期", "能力项", "上期级别", "本期级别", "上期得分", "本期得分", "得分变化", "变化",
    "提升项数", "下降项数", "不变项数", "说明",
]  # fmt: skip
COLUMNS = ColumnMap(HEADS)  # 个人画像 finds the previous level and score here by header
STYLES = [
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "num",
    "num",
    "change",
    "text",
    "int",
    "int",
    "int",
    "wrap",
]


def history_rows(people: Sequence[PersonResult]) -> int:
    """How many rows the 历次对比 table has under its header (as `_rows` lays them)."""
    n = 0
    for p in people:
        c = p.change
        if c is not None and c.status != NONE:
            n += 1 if c.status == NAME_DIFFERS else len(c.items) + len(c.not_comparable)
    return n


def _note(c: Change) -> str:
    prev = c.previous
    notes = ["模型已调整，按能力项名称比较"] if c.model_changed else []
    if prev is not None and prev.errors:
        notes.append(f"上期记录时该行有 {prev.errors} 个错误，上期数据可能有误")
    return "；".join(notes)


def _rows(people: Sequence[PersonResult]) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in people:
        c = p.change
        if c is None or c.status == NONE:
            continue
        who = [p.employee_id, p.name, p.unit]
        prev = c.previous
        assert prev is not None
        if c.status == NAME_DIFFERS:
            note = f"上期（{prev.cycle}）同一员工编号的姓名为 {prev.name}，可能不是同一人：未比较，请核实"
            rows.append([*who, prev.cycle, "", "", "", None, None, None, "", None, None, None, note])
            continue
        counts = [c.count(IMPROVED), c.count(DECLINED), c.count(UNCHANGED)]
        note = _note(c)
        for item in c.items:
            before, now = item.previous, item.current
            levels = [before.level or NOT_RATED, now.level or NOT_RATED]
            scores = [before.score, now.score, item.score_change]
            rows.append([*who, prev.cycle, item.name, *levels, *scores, item.direction or "", *counts, note])
        for name in c.not_comparable:
            rows.append(
                [*who, prev.cycle, name, "", "", None, None, None, NOT_COMPARABLE, *counts, "该能力项只在一期模型中"]
            )
    return rows


def history_sheet(people: Sequence[PersonResult]) -> SheetSpec:
    """历次对比: every person with an earlier record (see the module's docstring)."""
    setup = PrintSetup(repeat_rows="1:1", header=f"{HISTORY}（与上一期比较）")
    sheet = SheetSpec(HISTORY, freeze="C2", tab_color="2E75B6", print_setup=setup)
    sheet.put_row(0, 0, COLUMNS.heads, "head")
    rows = _rows(people)
    sheet.add_rows(1, rows, list(STYLES))
    last = len(rows)
    if rows:
        sheet.tables.append(Table("历次对比表", cell_range(0, 0, last, len(HEADS) - 1)))
        where = cell_range(1, COLUMNS["变化"], last, COLUMNS["变化"])
        first = where.split(":")[0]
        sheet.conditional += [
            ConditionalFormat(where, f'{first}="{IMPROVED}"', "good"),
            ConditionalFormat(where, f'{first}="{DECLINED}"', "bad"),
        ]
    else:
        sheet.put(1, 0, "（没有上一期的测评记录可比较）", "note")
    sheet.fit_widths(maximum=40)
    note = COLUMNS["说明"]  # a note repeated on every item row: wide, so that it is one or two lines
    if any(row[note] for row in rows):
        sheet.widths[note] = max(sheet.widths.get(note, 0), 44.0)
    sheet.fit_heights([note])
    return sheet


# ---- 统计图表: each unit now and last cycle ------------------------------------------------------
CURRENT, PREVIOUS = "本期", "上期"
TOTAL = "合计"


def _rate(attained: int, known: int) -> float | None:
    return attained / known if known else None


def _pair(key: str, levels: list[str], people: list[PersonResult]) -> list[list[object]]:
    """The two rows of a unit (or the total): 上期 then 本期, the same people in both."""
    before = [p.change.previous for p in people if p.change is not None and p.change.previous is not None]
    rows = []
    rate_before = None
    for period, found, attained in (
        (PREVIOUS, Counter(r.level for r in before), Counter(r.attainment for r in before)),
        (CURRENT, Counter(p.level for p in people), Counter(p.attainment for p in people)),
    ):
        known = sum(attained[x] for x in (ATTAINED, NEARLY, NOT_ATTAINED))
        rate = _rate(attained[ATTAINED], known)
        change = None if period == PREVIOUS or rate is None or rate_before is None else rate - rate_before
        counts = [*(found.get(lv, 0) for lv in levels), found.get(None, 0)]
        rows.append([f"{key} {period}", len(people), *counts, attained[ATTAINED], rate, change])
        rate_before = rate
    return rows


def unit_changes(fw: Framework, people: list[PersonResult]) -> Callable[[SheetSpec, Blocks], None] | None:
    """统计图表's block of each unit's level distribution (综合级别) last cycle and now, and the
    change in its attainment rate, over the people matched with an earlier cycle; None when nobody
    is (a first cycle, or no ledger looked up)."""
    matched = [p for p in counted(people) if p.change is not None and p.change.status == MATCHED]
    if not matched:
        return None
    levels = fw.level_names

    def block(sheet: SheetSpec, blocks: Blocks) -> None:
        units = sorted({p.unit or UNFILLED for p in matched})
        rows = [row for u in units for row in _pair(u, levels, [p for p in matched if (p.unit or UNFILLED) == u])]
        rows += _pair(TOTAL, levels, matched)
        height = chart_height(sheet, max(8.0, 0.45 * len(rows) + 4))
        top = blocks.reserve(len(rows) + 2, height)
        sheet.put(
            top,
            0,
            f"各单位本期与上期（两期都有记录、姓名相符的 {len(matched)} 人；上期为每人最近一次的往期测评）",
            "label",
        )
        heads = ["单位 期别", "可比人数", *levels, NOT_RATED, "达标", "达标率", "达标率变化"]
        sheet.put_row(top + 1, 0, heads, "head")
        sheet.heights[top + 1] = 30
        styles = ["value"] * (len(heads) - 2) + ["pct", "change_pct"]
        sheet.add_rows(top + 2, rows[:-2], styles)
        for r, row in enumerate(rows[-2:], start=top + 2 + len(rows) - 2):  # the total stands out
            for c, value in enumerate(row):
                sheet.put(r, c, value, {"pct": "total_pct", "change_pct": "total_change_pct"}.get(styles[c], "total"))
        change_col = len(heads) - 1
        first = cell_range(top + 2, change_col, top + 1 + len(rows), change_col)
        at = first.split(":")[0]
        sheet.conditional += [
            ConditionalFormat(first, f"AND(ISNUMBER({at}),{at}>0)", "good"),
            ConditionalFormat(first, f"AND(ISNUMBER({at}),{at}<0)", "bad"),
        ]
        n = len(rows) - 2  # the total would dwarf the units in the chart
        shown = [*levels, NOT_RATED] if any(row[2 + len(levels)] for row in rows) else levels
        title, anchor = "各单位综合级别分布：上期与本期", f"{CHART_COL}{blocks.chart_row + 1}"
        sheet.charts.append(level_chart(title, anchor, (top + 2, top + 1 + n, 2), shown, height))

    return block
