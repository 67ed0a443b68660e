"""统计图表: distribution tables (computed here) and the charts drawn from them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from typing import NamedTuple

from cmxl.core.engine.certification import NOT_APPLIED
from cmxl.core.engine.results import NOT_RATED, UNRECOGNISED_MARK, PersonResult
from cmxl.core.engine.scoring import ATTAINED, NEARLY, NOT_ATTAINED
from cmxl.core.engine.tally import Tally, counted, tally
from cmxl.core.layout.collation import pinyin_key
from cmxl.core.layout.columns import Column, Columns
from cmxl.core.layout.names import STATS
from cmxl.core.layout.spec import Chart, PrintSetup, Ref, Series, SheetSpec
from cmxl.core.model.framework import Framework
from cmxl.core.numbers import round_half_up

CHART_COL = "A"  # charts go under their table, so a page is as wide as a table (printed at 100 %)
SECOND_CHART_COL = "G"  # the second chart of a group block, beside the first (A–F is ~13.6 cm)
ROW_CM = 0.53  # default row height in cm
LEVEL_COLORS = ["A5A5A5", "5B9BD5", "70AD47", "FFC000", "ED7D31", "7030A0"]
ATTAIN_COLORS = ["70AD47", "FFC000", "C00000"]


class Blocks:
    """Blocks stacked down the sheet: a table, its chart(s) under it, and each block after the
    first starting a printed page (a sheet as wide as its tables prints legibly; charts beside
    the tables made every page a shrunken strip). A chart that would not fit on the page under
    its table starts the next page, and no chart is taller than a page: printed, a chart is
    never cut in two."""

    def __init__(self, sheet: SheetSpec):
        self.sheet = sheet
        self.row = 2
        self.chart_row = 0  # where the block just reserved puts its charts (0-based)
        self.page_cm = page_room_cm(sheet)

    def reserve(self, table_rows: int, chart_cm: float) -> int:
        top = self.row
        if top > 2:
            self.sheet.row_breaks.append(top - 1)
        self.chart_row = top + table_rows + 2
        page_top = top if top > 2 else 0  # the first block shares its page with the sheet's title
        if chart_cm and self.page_cm and (self.chart_row - page_top) * ROW_CM + chart_cm > self.page_cm:
            # a row above the chart on its page: a chart on the page's very first row also left
            # a sliver of its frame at the foot of the page before (LibreOffice)
            self.sheet.row_breaks.append(self.chart_row - 2)
        charts = int(chart_cm / ROW_CM) + 2 if chart_cm else 0
        self.row = self.chart_row + charts + 1
        return top


def page_room_cm(sheet: SheetSpec) -> float | None:
    """How tall a chart may be to print on one page of `sheet`: the page less two rows (a row
    above the chart, and the taller header rows and rounding). None: the sheet does not print."""
    return sheet.print_setup.page_height_cm() - 2 * ROW_CM if sheet.print_setup else None


def chart_height(sheet: SheetSpec, wanted_cm: float) -> float:
    """`wanted_cm`, or less, so that the chart is not cut across printed pages."""
    room = page_room_cm(sheet)
    return min(wanted_cm, room) if room else wanted_cm


def stats_sheet(
    fw: Framework, people: list[PersonResult], more: Callable[[SheetSpec, Blocks], None] | None = None
) -> SheetSpec:
    """Every table counts every person once: a column or row 未评定 holds those whose level, total
    or attainment could not be determined, so each split adds up to 人数. `more` adds a block at
    the end (each unit now and last cycle, cmxl.core.layout.history)."""
    people = counted(people)
    sheet = SheetSpec(STATS, tab_color="BF8F00", print_setup=PrintSetup(header=STATS))
    sheet.put(0, 0, f"统计图表（{len(people)} 人）", "title")
    blocks = Blocks(sheet)
    levels = fw.level_names

    # 1. level distribution per competency
    k = len(fw.item_names)
    height = chart_height(sheet, max(9.0, 0.75 * k + 3))
    top = blocks.reserve(k + 1, height)
    sheet.put(top, 0, "各能力项级别分布（人数）", "label")
    sheet.put_row(top + 1, 0, ["能力项", *levels, NOT_RATED], "head")
    any_unrated = False
    for i, name in enumerate(fw.item_names):
        found = Counter(p.item_levels[i] for p in people)
        unrated = found.get(None, 0)
        any_unrated = any_unrated or unrated > 0
        sheet.put(top + 2 + i, 0, name, "value")
        sheet.put_row(top + 2 + i, 1, [found.get(lv, 0) for lv in levels] + [unrated], "value")
    shown = [*levels, NOT_RATED] if any_unrated else levels  # the chart shows 未评定 only when someone is
    sheet.charts.append(
        level_chart("各能力项级别分布", f"{CHART_COL}{blocks.chart_row + 1}", (top + 2, top + 1 + k, 1), shown, height)
    )

    # 2. total score distribution in 10-point bins (judged on the displayed, rounded total)
    bins = list(range(0, 100, 10))
    top = blocks.reserve(len(bins) + 2, 8)
    sheet.put(top, 0, "加权总分分布（人数）", "label")
    sheet.put_row(top + 1, 0, ["分数段", "人数"], "head")
    totals = [p.total for p in people]
    for n, low in enumerate(bins):
        high = low + 10
        count = sum(1 for t in totals if t is not None and low <= t and (t < high if high < 100 else t <= 100))
        label = f"{low}–{high - 0.1:.1f}" if high < 100 else f"{low}–100"
        sheet.put_row(top + 2 + n, 0, [label, count], "value")
    sheet.put_row(top + 2 + len(bins), 0, [f"{NOT_RATED}（无总分）", totals.count(None)], "value")
    sheet.charts.append(
        Chart(
            kind="column",
            title="加权总分分布",
            anchor=f"{CHART_COL}{blocks.chart_row + 1}",
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
    # an empty grade and one that is not a known grade are rows of their own
    grades = [p.grade or (UNRECOGNISED if p.grade_unrecognised else UNFILLED) for p in people]
    grade_order = [g.name for g in fw.grades] + [x for x in (UNFILLED, UNRECOGNISED) if x in grades]
    group_block(sheet, blocks, "按现岗位级别", grouped(grade_order, grades, people))
    lowest = [g.name for g in fw.grades if not fw.standards[fw.grade_lookup[g.name]].any()]
    if lowest:  # beside the table's label (its label row, its head, a row a grade, a blank row)
        label_row = blocks.chart_row - len(grade_order) - 3
        sheet.put(label_row, 2, _lowest_note(lowest, fw.level_names[0]), "subtitle")
    units = [p.unit or UNFILLED for p in people]
    group_block(sheet, blocks, "按单位", grouped(sorted(set(units), key=pinyin_key), units, people))
    if more is not None:
        more(sheet, blocks)
    set_widths(sheet)
    return sheet


def level_chart(title: str, anchor: str, rows: tuple[int, int, int], shown: list[str], height: float) -> Chart:
    """A stacked bar of how many are at each level, a bar per row of 统计图表: `rows` is (first
    row, last row, the column of the first level), the names in column A; `shown` the levels (and
    未评定 when someone is), coloured from the lowest level up."""
    first, last, col = rows
    colors = [*LEVEL_COLORS[: len(shown) - (shown[-1] == NOT_RATED)], UNRATED_COLOR]
    return Chart(
        kind="bar",
        stacked=True,
        title=title,
        anchor=anchor,
        categories=Ref(STATS, first, 0, last, 0),
        series=[Series(Ref(STATS, first, col + j, last, col + j), lv) for j, lv in enumerate(shown)],
        y_title="人数",
        width_cm=18,
        height_cm=height,
        colors=colors,
        categories_reversed=True,
    )


def _lowest_note(grades: list[str], level: str) -> str:
    return f"注：{'、'.join(grades)}的岗位标准各项都是最低级别“{level}”，已评定的人不会低于标准，所以达标率总是 100%。"


def set_widths(sheet: SheetSpec) -> None:
    """Widths of a sheet of group blocks: the key column, the counts, a narrow gap before the charts."""
    n = max((c for _, c in sheet.cells), default=len(GROUP_HEADS))  # the widest table's last column
    sheet.widths = {0: 20.0, **{c: 10.0 for c in range(1, n + 1)}}


UNFILLED = "（未填）"
UNRECOGNISED = UNRECOGNISED_MARK  # a 现岗位级别 that is not a known grade: no standard applies
TOTAL = "合计"
UNRATED_COLOR = "D9D9D9"


class Group(NamedTuple):
    """A row of a group table: its key (a grade, a unit, a province) and its people, counted."""

    key: str
    people: list[PersonResult]
    attained: Counter[str]  # by 达标情况 as shown
    tally: Tally

    @classmethod
    def of(cls, key: str, people: list[PersonResult]) -> Group:
        return cls(key, people, Counter(p.attainment_shown for p in people), tally(people))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _attainment_rate(g: Group) -> float | None:
    return _share(g.attained[ATTAINED], sum(g.attained[x] for x in (ATTAINED, NEARLY, NOT_ATTAINED)))


def _mean_total(g: Group) -> float | None:
    known = [p.total_exact for p in g.people if p.total_exact is not None]
    return round_half_up(sum(known) / len(known), 1) if known else None


# after the group's own column; 达标…未评定 add up to 人数, and so do 未申报 + 申报认证; 其中… add
# up to 申报认证 (cmxl.core.engine.tally: 暂缓 is a certificate that waits, whatever was computed)
GROUP_COLUMNS: list[Column[Group]] = [
    Column("人数", lambda g: len(g.people), "value"),
    *(Column(x, lambda g, x=x: g.attained[x], "value") for x in (ATTAINED, NEARLY, NOT_ATTAINED, NOT_RATED)),
    Column("达标率（已评定人数）", _attainment_rate, "pct"),
    Column(NOT_APPLIED, "tally.not_applied", "value"),
    Column("申报认证", "tally.applied", "value"),
    Column("其中通过", "tally.passed", "value"),
    Column("其中暂缓", "tally.held", "value"),
    Column("其中未通过", "tally.failed", "value"),
    Column("通过率（申报人数）", lambda g: _share(g.tally.passed, g.tally.applied), "pct"),
    Column("平均总分（有总分人数）", _mean_total, "num"),
]
GROUP_HEADS = [c.header for c in GROUP_COLUMNS]


def grouped(keys: list[str], key_of: list[str], people: list[PersonResult]) -> list[tuple[str, list[PersonResult]]]:
    """The rows of a group table: each key with its people (`key_of[i]` is the key of `people[i]`)."""
    members: dict[str, list[PersonResult]] = {key: [] for key in keys}
    for key, p in zip(key_of, people, strict=True):
        members.setdefault(key, []).append(p)
    return [(key, members[key]) for key in keys]


def group_block(
    sheet: SheetSpec,
    blocks: Blocks,
    title: str,
    rows: list[tuple[str, list[PersonResult]]],
    charts: bool = True,
    totals: Collection[int] = (),
) -> None:
    """Per-group counts and rates (one row per (label, people)), with two charts unless told not;
    the rows at the indexes `totals` are subtotals or a total: bold, and the trailing ones left out
    of the charts. The certification counts are the tally's (cmxl.core.engine.tally), as the
    roster's lists and the command line count them: 其中通过 only the certificates issued."""
    n = len(rows)
    height = chart_height(sheet, max(8.0, 0.6 * n + 4))
    top = blocks.reserve(n + 1, height if charts else 0)
    sheet.put(top, 0, f"{title}统计", "label")
    cols = Columns([Column(title[1:], "key", "value"), *GROUP_COLUMNS])
    sheet.put_row(top + 1, 0, cols.heads, "head")
    sheet.heights[top + 1] = 30
    cols.put_rows(sheet, top + 2, [Group.of(key, group) for key, group in rows])
    bold = {"value": "total", "pct": "total_pct", "num": "total_num"}
    for j in totals:  # subtotals and totals stand out
        for c in range(len(cols.heads)):
            cell = sheet.cells.get((top + 2 + j, c))
            if cell is not None and cell.style in bold:
                cell.style = bold[cell.style]
    if not charts:
        return
    while n and n - 1 in totals:  # a trailing total would dwarf the groups in a chart
        n -= 1
    cats = Ref(sheet.name, top + 2, 0, top + 1 + n, 0)

    def column(head: str) -> Ref:
        return Ref(sheet.name, top + 2, cols[head], top + 1 + n, cols[head])

    sheet.charts.append(
        Chart(
            kind="column",
            stacked=True,
            title=f"达标情况（{title}）",
            anchor=f"{CHART_COL}{blocks.chart_row + 1}",
            categories=cats,
            series=[Series(column(x), x) for x in (ATTAINED, NEARLY, NOT_ATTAINED, NOT_RATED)],
            y_title="人数",
            width_cm=13,
            height_cm=height,
            colors=[*ATTAIN_COLORS, UNRATED_COLOR],
        )
    )
    sheet.charts.append(
        Chart(
            kind="column",
            title=f"达标率与认证通过率（{title}）",
            anchor=f"{SECOND_CHART_COL}{blocks.chart_row + 1}",
            categories=cats,
            series=[
                Series(column("达标率（已评定人数）"), "达标率"),
                Series(column("通过率（申报人数）"), "认证通过率"),
            ],
            percent=True,
            y_min=0,
            y_max=1,
            width_cm=13,
            height_cm=height,
            colors=["70AD47", "2E75B6"],
        )
    )
