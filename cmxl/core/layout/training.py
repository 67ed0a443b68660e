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

from cmxl.core.engine.issuance import province_of
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.collation import pinyin_key
from cmxl.core.layout.columns import Column, Columns
from cmxl.core.layout.names import TRAINING, TRAINING_LIST
from cmxl.core.layout.spec import Chart, PrintSetup, Ref, Series, SheetSpec, Table, cell_range, display_width
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
        Column("能力项", "name", "value_wrap"),  # in the narrow 省份 column: a long name in two lines
        Column("低于标准人数", "below", "value"),
        Column("已评定人数", "rated", "value"),
        Column("比例", lambda r: r.below / r.rated if r.rated else None, "pct"),
    ]
)


def places(people: list[PersonResult]) -> list[tuple[str, str]]:
    """The (省份, 单位) pairs of the people, by province then unit in pinyin order: a unit is known by
    its province too (南京分公司 of two provinces are two rows)."""
    pairs = {(province_of(p) or UNFILLED, p.unit or UNFILLED) for p in people}
    return sorted(pairs, key=lambda pair: (pinyin_key(pair[0]), pinyin_key(pair[1])))


def training_matrix(fw: Framework, people: list[PersonResult], header: str = TRAINING) -> SheetSpec:
    """Per province and unit (a row each, a subtotal per province, the total last) and competency
    (a column each): how many are below standard, and what share of those assessed that is; then
    the competencies most often below standard, with a chart. Down the page, one competency a
    column: as many units as there are print one page wide."""
    sheet = SheetSpec(TRAINING, tab_color="C55A11", print_setup=PrintSetup(header=header))
    sheet.put(0, 0, f"培训需求：低于岗位标准级别的人数（{len(people)} 人）", "title")
    sheet.heights[0] = 24  # the title's 14 pt above the note, not over it
    sheet.put(1, 0, "“已评定”指该能力项有级别、且有岗位标准的人；比例 = 低于标准人数 ÷ 已评定人数。", "note")
    sheet.merges.append("A2:J2")
    k = len(fw.item_names)
    rows = _matrix_rows(people, k)
    top = 3
    sheet.put(top, 0, "低于标准的人数", "label")
    heads = ["省份", "单位", "人数", *fw.item_names]
    _matrix(sheet, top + 1, heads, [(*key, n, *below) for key, n, below, _ in rows], "value")
    share_top = top + len(rows) + 4
    sheet.put(share_top, 0, "占已评定人数的比例", "label")
    shares = [
        (*key, n, *(b / r if r else None for b, r in zip(below, rated, strict=True))) for key, n, below, rated in rows
    ]
    _matrix(sheet, share_top + 1, heads, shares, "pct")
    below, rated = rows[-1][2], rows[-1][3]  # the total row

    # the competencies most often below standard, most first, with a chart
    rank_top = share_top + len(rows) + 4
    order = sorted(range(k), key=lambda i: (-below[i], i))
    cols = RANKING_COLUMNS
    sheet.put(rank_top, 0, "低于标准最多的能力项", "label")
    sheet.put_row(rank_top + 1, 0, cols.heads, "head")
    cols.put_rows(sheet, rank_top + 2, [Ranking(fw.item_names[i], below[i], rated[i]) for i in order])
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
    # 18 competencies of 6, and 省份, 单位, 人数: one page wide at 8 pt (the ranking's 能力项 wraps)
    unit_width = max((display_width(unit) for _, unit in places(people)), default=8) + 2
    sheet.widths = {0: 10.0, 1: float(min(unit_width, 16)), 2: 5.0, **{c: 6.0 for c in range(3, len(heads))}}
    sheet.fit_legibly({1: 8.0}, first_row=top + 2)  # a long unit's name wraps rather than the page shrinks
    sheet.fit_heights([0], first_row=rank_top + 2)
    return sheet


def _matrix_rows(people: list[PersonResult], k: int) -> list[tuple[tuple[str, str], int, list[int], list[int]]]:
    """((省份, 单位), 人数, below, rated) per unit, a province's subtotal after its units, the total last."""
    gaps_of: dict[tuple[str, str], list[list[int | None]]] = {}  # per place, its people's gaps
    for p in people:
        gaps_of.setdefault((province_of(p) or UNFILLED, p.unit or UNFILLED), []).append(p.gaps)
    rows: list[tuple[tuple[str, str], int, list[int], list[int]]] = []
    total = ([0] * k, [0] * k, [0])
    province: tuple[list[int], list[int], list[int]] | None = None
    keys = places(people)
    for n, key in enumerate(keys):
        below, rated = [0] * k, [0] * k
        for i, column in enumerate(zip(*gaps_of[key], strict=True)):  # a competency at a time
            known = [gap for gap in column if gap is not None]
            rated[i], below[i] = len(known), len([gap for gap in known if gap < 0])
        rows.append((key, len(gaps_of[key]), below, rated))
        province = province or ([0] * k, [0] * k, [0])
        for sums in (province, total):
            sums[0][:] = [a + b for a, b in zip(sums[0], below, strict=True)]
            sums[1][:] = [a + b for a, b in zip(sums[1], rated, strict=True)]
            sums[2][0] += len(gaps_of[key])
        if n + 1 == len(keys) or keys[n + 1][0] != key[0]:
            rows.append(((f"{key[0]} 小计", ""), province[2][0], province[0], province[1]))
            province = None
    rows.append(((TOTAL, ""), total[2][0], total[0], total[1]))
    return rows


def _matrix(sheet: SheetSpec, top: int, heads: list[str], rows: list[tuple], style: str) -> None:
    """A table of `rows` under `heads` at sheet row `top`; subtotals and the total in bold."""
    sheet.put_row(top, 0, heads, "head")
    sheet.heights[top] = 45  # a competency's name in three short lines
    bold = {"value": "total", "pct": "total_pct"}
    for r, row in enumerate(rows, start=top + 1):
        subtotal = row[0] == TOTAL or row[0].endswith(" 小计")
        for c, value in enumerate(row):
            look = "value" if c < 3 else style
            value = None if value == "" else value  # a subtotal's 单位: an empty (bordered) cell
            sheet.put(r, c, value, bold[look] if subtotal else "value_wrap" if c == 1 else look)


class Below(NamedTuple):
    """A row of 培训需求名单: one competency a person is below standard in. The list is in the
    order of the first five fields: by competency, the largest gap first, province and unit (in
    pinyin order), id, file."""

    item: int  # the competency's index
    gap: int
    place: int  # the (省份, 单位) pair's place in pinyin order
    employee_id: str
    file: str
    name: str  # the competency's
    level: str | None  # the person's level in it
    standard: str | None  # the level the person's grade requires
    province: str
    p: PersonResult


_ORDER = itemgetter(slice(0, 5))
# a Below made without NamedTuple's own __new__, which costs three times as much as the tuple
# (a list of thousands of people has tens of thousands of rows)
_below = partial(tuple.__new__, Below)

BELOW_COLUMNS: Columns[Below] = Columns(
    [
        Column("能力项", "name"),
        Column("省份", "province"),
        Column("单位", "p.unit"),
        Column("员工编号", "employee_id"),
        Column("姓名", "p.name"),
        Column("现岗位级别", "p.grade"),
        Column("测评级别", "level"),
        Column("标准级别", "standard"),
        Column("差距", "gap", "gap"),
        Column("来源文件", "file"),
    ]
)


def training_list(fw: Framework, people: list[PersonResult], header: str = "") -> SheetSpec:
    rows: list[Below] = []
    standards: dict[tuple[str, int], str | None] = {}  # (grade, item): looked up in the model once
    place_of = {key: n for n, key in enumerate(places(people))}
    for p in people:
        province = province_of(p) or UNFILLED
        place = place_of[province, p.unit or UNFILLED]
        for i, gap in enumerate(p.gaps):
            if gap is None or gap >= 0:
                continue
            key = (p.standard_grade, i)
            standard = standards[key] if key in standards else standards.setdefault(key, standard_level(fw, p, i))
            rows.append(
                _below(
                    (i, gap, place, p.employee_id, p.file, fw.item_names[i], p.item_levels[i], standard, province, p)
                )
            )
    rows.sort(key=_ORDER)
    setup = PrintSetup(repeat_rows="1:1", header=header or "培训需求名单（按能力项，差距大的在前）")
    sheet = SheetSpec(TRAINING_LIST, freeze="B2", tab_color="C55A11", print_setup=setup)
    cols = BELOW_COLUMNS
    cols.add_table(sheet, 0, rows)
    if rows:
        sheet.tables.append(Table("培训需求表", cell_range(0, 0, len(rows), len(cols.heads) - 1)))
    else:
        sheet.put(1, 0, "（没有低于岗位标准的能力项）", "note")
    sheet.fit_widths(maximum=30)
    sheet.fit_legibly({})
    return sheet
