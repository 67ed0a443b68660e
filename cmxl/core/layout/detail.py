"""评分明细: per person and competency the score, level and gap to the standard. Its columns are
declared once (`detail_columns`), and the 个人画像 formulas find theirs there by header."""

from __future__ import annotations

import math

from cmxl.core.cellref import a1, column_letter, parse_a1
from cmxl.core.engine.assessment import NOT_RATED, Assessment
from cmxl.core.engine.history import shows_history
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.columns import Column, Columns, Rule
from cmxl.core.layout.names import DETAIL
from cmxl.core.layout.spec import FONT_PT, LEGIBLE_PT, PT_PER_WIDTH, ConditionalFormat, PrintSetup, SheetSpec
from cmxl.core.layout.styles import level_rules
from cmxl.core.model.framework import Framework


def _below_standard(ranges: str, first: str) -> list[ConditionalFormat]:
    return [ConditionalFormat(ranges, f"AND(ISNUMBER({first}),{first}<0)", "bad")]


def _item_columns(i: int, name: str, level_rule: Rule) -> list[Column[PersonResult]]:
    # scores with one decimal as in 汇总 (85 showed as "85" beside "37.6"), gaps signed; narrow
    # ("85.0", "中级", "-1"), their long headers in three lines: a printed page holds more items
    return [
        Column(name + "得分", f"item_scores[{i}]", "num_plain", 7.0),
        Column(name + "级别", lambda p: p.item_levels[i] or NOT_RATED, "top", 7.0, rule=level_rule),
        Column(name + "差距", f"gaps[{i}]", "gap_plain", 7.0, rule=_below_standard),
    ]


CHANGE_HEAD = "与上期相比"  # the person's change since the previous cycle, in a sentence (个人画像 shows it)


def detail_columns(fw: Framework, history: bool = False) -> Columns[PersonResult]:
    """Every cell at the top of its row: a row made tall by a long reason otherwise showed the id
    at its foot and the reason at its head, beside the row above. `history`: someone has an
    earlier cycle, and a last column says each person's change since theirs."""

    def level_rule(ranges: str, first: str) -> list[ConditionalFormat]:
        return level_rules(ranges, fw.level_names, first)

    def from_level(p: PersonResult) -> str:
        return "、".join(name for name, flag in zip(fw.item_names, p.item_from_level, strict=True) if flag)

    return Columns(
        [
            Column("员工编号", "employee_id", "top", 11.0),
            Column("姓名", "name", "top", 10.0),
            Column("单位", "unit", "top", 14.0),
            Column("部门", "department", "top", 14.0),
            Column("现岗位级别", "grade_shown", "top", 14.0),
            Column("对标岗位级别", "standard_grade", "top", 14.0),
            *(col for i, name in enumerate(fw.item_names) for col in _item_columns(i, name, level_rule)),
            Column("加权总分", "total", "num", 11.0),
            Column("综合级别", "level_shown", "top", 11.0),
            Column("达标情况", "attainment_shown", "top", 11.0),
            Column("认证结果", "result_shown", "top", 11.0),  # 暂缓发证 when the certificate waits
            # one line each (the whole text in the cell; 汇总 shows it wrapped): wrapped, a long
            # reason made every row tall on every printed page across
            Column("认证原因", "reasons_shown", "top", 40.0),
            # items only a level was given for: their score is the band's midpoint
            Column("按级别折算的能力项", from_level, "top", 24.0),
            *([Column(CHANGE_HEAD, _sentence, "top", 40.0)] if history else []),
        ]
    )


def _sentence(p: PersonResult) -> str:
    return p.change.sentence if p.change is not None else ""


def detail_sheet(a: Assessment) -> SheetSpec:
    """Too wide for one page (three columns an item): printed across pages at 8 pt or more, id and
    name on each; what prints ends with 认证结果 (the reasons are 汇总's, printed there)."""
    setup = PrintSetup(repeat_rows="1:1", repeat_cols="A:B", header=DETAIL)
    sheet = SheetSpec(DETAIL, freeze=a1(1, 2), print_setup=setup)
    cols = detail_columns(a.framework, True) if shows_history(a.people) else detail_columns(a.framework)
    cols.add_table(sheet, 0, a.people)
    sheet.heights[0] = 45
    sheet.conditional += cols.conditional(1, max(a.size, 1))
    cols.set_widths(sheet)
    setup.print_area = f"A1:{column_letter(cols['认证结果'])}{max(a.size, 1) + 1}"
    legible_across(sheet)
    return sheet


def legible_across(sheet: SheetSpec) -> None:
    """Fit a wide sheet to as few pages across as keep its text at LEGIBLE_PT or more as printed
    (the columns repeated on every page counted on each), rather than print it at 100 %."""
    setup = sheet.print_setup
    if setup is None:
        return
    budget = setup.page_width_pt() / PT_PER_WIDTH * FONT_PT / LEGIBLE_PT * 0.96  # as SheetSpec.fit_legibly
    widths = [sheet.widths.get(c, 8.43) for c in sheet.printed_columns()]
    repeated = 0.0
    if setup.repeat_cols:
        last = parse_a1(setup.repeat_cols.split(":")[1] + "1")[1]
        repeated = sum(sheet.widths.get(c, 8.43) for c in range(last + 1))
    pages = 1 if sum(widths) <= budget else math.ceil((sum(widths) - repeated) / max(budget - repeated, 1))
    setup.fit_width, setup.pages_wide = True, pages
