"""评分明细: per person and competency the score, level and gap to the standard, in columns that
the 个人画像 formulas read (their positions are shared through `DETAIL_COLUMNS`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from cmxl.core.cellref import a1
from cmxl.core.engine.assessment import NOT_RATED, Assessment
from cmxl.core.layout.names import DETAIL
from cmxl.core.layout.spec import ConditionalFormat, PrintSetup, SheetSpec, cell_range
from cmxl.core.layout.styles import level_rules


@dataclass
class DetailColumns:
    """Column positions of the 评分明细 sheet, shared by every formula that reads it."""

    fixed: list[str]
    item_first: int  # column of the first item's 得分; each item has ITEM_PARTS columns
    tail: list[str]

    def item_col(self, item: int, part: str) -> int:
        return self.item_first + len(ITEM_PARTS) * item + ITEM_PARTS.index(part)

    def tail_col(self, name: str, items: int) -> int:
        return self.item_first + len(ITEM_PARTS) * items + self.tail.index(name)


ITEM_PARTS = ["得分", "级别", "差距"]  # per competency in 评分明细 (标准级别 follows from 对标岗位级别)
DETAIL_FIXED = ["员工编号", "姓名", "单位", "部门", "现岗位级别", "对标岗位级别"]
DETAIL_TAIL = ["加权总分", "综合级别", "达标情况", "认证结果", "认证原因", "按级别折算的能力项"]
DETAIL_COLUMNS = DetailColumns(DETAIL_FIXED, len(DETAIL_FIXED), DETAIL_TAIL)


def detail_sheet(a: Assessment) -> SheetSpec:
    fw = a.framework
    cols = DETAIL_COLUMNS
    k = len(fw.item_names)
    # too wide for one page (three columns an item): printed across pages, id and name on each
    setup = PrintSetup(repeat_rows="1:1", repeat_cols="A:B", fit_width=False, header=DETAIL)
    sheet = SheetSpec(DETAIL, freeze=a1(1, 2), print_setup=setup)
    heads = list(cols.fixed)
    for name in fw.item_names:
        heads += [name + part for part in ITEM_PARTS]
    heads += cols.tail
    sheet.put_row(0, 0, heads, "head")
    sheet.heights[0] = 45
    names = fw.level_names
    tail = cols.item_first + len(ITEM_PARTS) * k
    reason_col = cols.tail_col("认证原因", k)
    score_cols, level_cols, gap_cols = ([cols.item_col(i, part) for i in range(k)] for part in ITEM_PARTS)
    # scores with one decimal as in 汇总 (85 showed as "85" beside "37.6"), gaps signed, long texts wrapped
    # every cell at the top of its row: a row made tall by a long reason otherwise showed the id
    # at its foot and the reason at its head, beside the row above
    styles: list[str | None] = ["top"] * len(heads)
    for c in score_cols:
        styles[c] = "num_plain"
    for c in gap_cols:
        styles[c] = "gap_plain"
    styles[tail] = "num"
    styles[reason_col] = styles[reason_col + 1] = "wrap"
    rows = []
    for p in a.people:
        levels = [level or NOT_RATED for level in p.item_levels]
        from_level = "、".join(name for name, flag in zip(fw.item_names, p.item_from_level, strict=True) if flag)
        rows.append(
            [
                p.employee_id,
                p.name,
                p.unit,
                p.department,
                p.grade_shown,
                p.standard_grade,
                *itertools.chain.from_iterable(zip(p.item_scores, levels, p.gaps, strict=True)),
                p.total,
                p.level_shown,
                p.attainment_shown,
                p.result_shown,  # 暂缓发证 when the certificate waits: 个人画像 pulls it from here
                p.reasons_shown,
                from_level,
            ]
        )
    sheet.add_rows(1, rows, styles)
    last = max(a.size, 1)
    level_ranges = " ".join(cell_range(1, c, last, c) for c in level_cols)
    sheet.conditional += level_rules(level_ranges, names, a1(1, level_cols[0]))
    gap_ranges = " ".join(cell_range(1, c, last, c) for c in gap_cols)
    first_gap = a1(1, gap_cols[0])
    sheet.conditional.append(ConditionalFormat(gap_ranges, f"AND(ISNUMBER({first_gap}),{first_gap}<0)", "bad"))
    for c in range(len(heads)):
        sheet.widths[c] = 11.0
    sheet.widths[1] = 10.0
    sheet.widths[2] = 14.0
    sheet.widths[3] = 14.0
    sheet.widths[4] = sheet.widths[5] = 14.0
    sheet.widths[reason_col], sheet.widths[reason_col + 1] = 40.0, 24.0
    sheet.fit_heights([reason_col, reason_col + 1])  # a long reason printed whole, not its first line
    return sheet
