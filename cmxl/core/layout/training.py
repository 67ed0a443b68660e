"""培训需求 and 培训需求名单: where people are below their grade's standard, for the people who plan
training (docs/rules.md, 差距与达标).

培训需求: per competency and unit, how many people are below standard and what share of those
assessed that is, and a chart of the competencies most often below standard. 培训需求名单: one
row per person and competency below standard, ordered so that a training group can be formed by
filtering one competency (the largest gaps first). Both read only the per-person records."""

from __future__ import annotations

from functools import partial
from operator import itemgetter
from typing import NamedTuple

from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.columns import Column, Columns
from cmxl.core.layout.names import TRAINING, TRAINING_LIST
from cmxl.core.layout.spec import Chart, PrintSetup, Ref, Series, SheetSpec, Table, cell_range
from cmxl.core.layout.stats import UNFILLED, chart_height
from cmxl.core.model.framework import Framework

TOTAL = "合计"


def standard_level(fw: Framework, p: PersonResult, item: int) -> str | None:
    """The level the person's grade requires for a competency (None without a standard profile)."""
    if not p.standard_grade:
        return None
    return fw.level_names[int(fw.standards[fw.grade_lookup[p.standard_grade], item])]


class Ranking(NamedTuple):
    """A row of 培训需求's ranking: a competency, how many are below standard in it, of how many."""

    name: str
    below: int
    rated: int


RANKING_COLUMNS: Columns[Ranking] = Columns(
    [
        Column("能力项", "name", "value"),
        Column("低于标准人数", "below", "value"),
        Column("已评定人数", "rated", "value"),
        Column("比例", lambda r: r.below / r.rated if r.rated else None, "pct"),
    ]
)


def training_matrix(fw: Framework, people: list[PersonResult]) -> SheetSpec:
    sheet = SheetSpec(TRAINING, tab_color="C55A11", print_setup=PrintSetup(header=TRAINING))
    sheet.put(0, 0, f"培训需求：低于岗位标准级别的人数（{len(people)} 人）", "title")
    sheet.put(1, 0, "“已评定”指该能力项有级别、且有岗位标准的人；比例 = 低于标准人数 ÷ 已评定人数。", "note")
    sheet.merges.append("A2:J2")
    gaps_of: dict[str, list[list[int | None]]] = {}  # per unit, its people's gaps
    for p in people:
        gaps_of.setdefault(p.unit or UNFILLED, []).append(p.gaps)
    units = sorted(gaps_of)
    k = len(fw.item_names)
    below = [[0] * (len(units) + 1) for _ in range(k)]
    rated = [[0] * (len(units) + 1) for _ in range(k)]
    for j, unit in enumerate(units):  # a competency at a time: its unit's gaps as one column
        for i, column in enumerate(zip(*gaps_of[unit], strict=True)):
            known = [gap for gap in column if gap is not None]
            rated[i][j] = len(known)
            below[i][j] = len([gap for gap in known if gap < 0])
    for i in range(k):
        rated[i][-1], below[i][-1] = sum(rated[i][:-1]), sum(below[i][:-1])

    heads = ["能力项", *units, TOTAL]
    top = 3
    sheet.put(top, 0, "低于标准的人数", "label")
    sheet.put_row(top + 1, 0, heads, "head")
    for i, name in enumerate(fw.item_names):
        sheet.put(top + 2 + i, 0, name, "value")
        sheet.put_row(top + 2 + i, 1, below[i], "value")

    share_top = top + k + 4
    sheet.put(share_top, 0, "占已评定人数的比例", "label")
    sheet.put_row(share_top + 1, 0, heads, "head")
    for i, name in enumerate(fw.item_names):
        sheet.put(share_top + 2 + i, 0, name, "value")
        for c in range(len(units) + 1):
            share = below[i][c] / rated[i][c] if rated[i][c] else None
            sheet.put(share_top + 2 + i, 1 + c, share, "pct")

    # the competencies most often below standard, most first, with a chart
    rank_top = share_top + k + 4
    order = sorted(range(k), key=lambda i: (-below[i][-1], i))
    cols = RANKING_COLUMNS
    sheet.put(rank_top, 0, "低于标准最多的能力项", "label")
    sheet.put_row(rank_top + 1, 0, cols.heads, "head")
    cols.put_rows(sheet, rank_top + 2, [Ranking(fw.item_names[i], below[i][-1], rated[i][-1]) for i in order])
    n = cols["低于标准人数"]
    sheet.charts.append(
        Chart(
            kind="bar",
            title="低于岗位标准的人数（按能力项）",
            anchor=f"F{rank_top + 2}",  # a row below the page's top, as the table's header
            categories=Ref(TRAINING, rank_top + 2, 0, rank_top + 1 + k, 0),
            series=[Series(Ref(TRAINING, rank_top + 2, n, rank_top + 1 + k, n), "低于标准人数")],
            x_title=None,
            y_title="人数",
            width_cm=16,
            height_cm=chart_height(sheet, max(9.0, 0.75 * k + 3)),  # room for every competency's label
            colors=["C55A11"],
            categories_reversed=True,
        )
    )
    sheet.row_breaks += [share_top - 1, rank_top - 1]  # each table (the ranking with its chart) on its own page
    sheet.widths = {0: 18.0, **{c: 11.0 for c in range(1, len(heads))}}
    sheet.print_across_if_wide(repeat_cols="A:A")  # many units: legible pages across, competencies on each
    return sheet


class Below(NamedTuple):
    """A row of 培训需求名单: one competency a person is below standard in. The list is in the
    order of the first five fields: by competency, the largest gap first, unit, id, file."""

    item: int  # the competency's index
    gap: int
    unit: str
    employee_id: str
    file: str
    name: str  # the competency's
    level: str | None  # the person's level in it
    standard: str | None  # the level the person's grade requires
    p: PersonResult


_ORDER = itemgetter(slice(0, 5))
# a Below made without NamedTuple's own __new__, which costs three times as much as the tuple
# (a list of thousands of people has tens of thousands of rows)
_below = partial(tuple.__new__, Below)

BELOW_COLUMNS: Columns[Below] = Columns(
    [
        Column("能力项", "name"),
        Column("单位", "unit"),
        Column("员工编号", "employee_id"),
        Column("姓名", "p.name"),
        Column("现岗位级别", "p.grade"),
        Column("测评级别", "level"),
        Column("标准级别", "standard"),
        Column("差距", "gap", "gap"),
        Column("来源文件", "file"),
    ]
)


def training_list(fw: Framework, people: list[PersonResult]) -> SheetSpec:
    rows: list[Below] = []
    standards: dict[tuple[str, int], str | None] = {}  # (grade, item): looked up in the model once
    for p in people:
        for i, gap in enumerate(p.gaps):
            if gap is None or gap >= 0:
                continue
            key = (p.standard_grade, i)
            standard = standards[key] if key in standards else standards.setdefault(key, standard_level(fw, p, i))
            rows.append(
                _below((i, gap, p.unit, p.employee_id, p.file, fw.item_names[i], p.item_levels[i], standard, p))
            )
    rows.sort(key=_ORDER)
    setup = PrintSetup(repeat_rows="1:1", header="培训需求名单（按能力项，差距大的在前）")
    sheet = SheetSpec(TRAINING_LIST, freeze="B2", tab_color="C55A11", print_setup=setup)
    cols = BELOW_COLUMNS
    cols.add_table(sheet, 0, rows)
    if rows:
        sheet.tables.append(Table("培训需求表", cell_range(0, 0, len(rows), len(cols.heads) - 1)))
    else:
        sheet.put(1, 0, "（没有低于岗位标准的能力项）", "note")
    sheet.fit_widths(maximum=30)
    return sheet
