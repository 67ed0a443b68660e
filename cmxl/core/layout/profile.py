"""个人画像: pick an id; formulas pull that person's items from 评分明细 and a radar chart shows
assessed scores against the grade's standard. Works in Excel with no Python running.

When someone has an earlier cycle (docs/rules.md, 历次测评), the item table also pulls each
item's previous level and score and the change from 历次对比, the radar draws the previous
cycle under the current one, and a line under the table says the change in a sentence."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cmxl.core.cellref import a1, column_letter
from cmxl.core.engine.assessment import Assessment
from cmxl.core.engine.history import shows_history
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.columns import Columns
from cmxl.core.layout.detail import CHANGE_HEAD
from cmxl.core.layout.history import COLUMNS as HISTORY_COLUMNS
from cmxl.core.layout.history import history_rows
from cmxl.core.layout.names import DETAIL, HISTORY, PROFILE
from cmxl.core.layout.spec import Chart, ConditionalFormat, PrintSetup, Ref, Series, SheetSpec, Validation, cell_range
from cmxl.core.layout.stats import ROW_CM
from cmxl.core.model.framework import Framework

PICK_ROW, PICK_COL = 2, 1  # B3: the id to show
INFO_FIELDS = [  # (label here, the 评分明细 column it shows)
    ("姓名", "姓名"),
    ("单位", "单位"),
    ("现岗位级别", "现岗位级别"),
    ("对标岗位级别", "对标岗位级别"),
    ("加权总分", "加权总分"),
    ("综合级别", "综合级别"),
    ("达标情况", "达标情况"),
    ("认证结果", "认证结果"),
    ("认证原因", "认证原因"),
    ("按级别折算", "按级别折算的能力项"),  # items only a level was given for: their score is the band's midpoint
]
INFO_LABELS = [label for label, _ in INFO_FIELDS]
ITEM_HEADS = ["能力项", "类别", "得分", "级别", "标准级别", "标准分数线", "差距", "级别序号", "标准序号"]
TABLE_ROW = 13  # header row of the item table (row 14 in Excel)
RADAR_ROW, RADAR_COL = 2, 10  # the radar's top left corner (K3)
# with an earlier cycle: after 标准序号, the previous level, score and change (and the previous
# level as a number for the radar, and the row of 历次对比 they come from); the radar moves right
HISTORY_HEADS = ["上期级别", "上期得分", "得分变化", "上期序号", "对比行"]
HISTORY_COL = len(ITEM_HEADS)
HISTORY_RADAR_COL = RADAR_COL + len(HISTORY_HEADS)
DEFAULT_COLUMN_CM = 1.69  # a column of Excel's default width (8.43 characters, 64 pixels)
GRADE_CELL = f"$B${PICK_ROW + 2 + INFO_LABELS.index('对标岗位级别')}"
NAME_CELL = f"$B${PICK_ROW + 2 + INFO_LABELS.index('姓名')}"


@dataclass(frozen=True)
class _Lookup:
    """How a formula here finds the chosen person's value in a column of 评分明细 (by its header)."""

    cols: Columns[PersonResult]
    last: int  # last Excel row of 评分明细's data
    match: str  # the chosen person's position among 评分明细's ids

    def pull(self, header: str) -> str:
        letter = column_letter(self.cols[header])
        found = f"INDEX('{DETAIL}'!${letter}$2:${letter}${self.last},{self.match})"
        return f'=IFERROR(IF(ISBLANK({found}),"",{found}),"")'  # a blank is blank, not 0


@dataclass(frozen=True)
class _Where:
    """Where the item table and the model's tables under it are (0-based rows)."""

    first: int  # the first competency's row of the item table
    end: int  # the last one's
    levels: int  # header row of the level bands
    standards: int  # header row of the grades' standard levels
    history: bool = False  # the change since the previous cycle: its sentence two rows under the table

    @classmethod
    def of(cls, fw: Framework, history: bool = False) -> _Where:
        k = len(fw.item_names)
        levels = TABLE_ROW + k + 3 + (2 if history else 0)
        # a blank row after the bands
        return cls(TABLE_ROW + 1, TABLE_ROW + k, levels, levels + len(fw.levels) + 3, history)

    @property
    def sentence(self) -> int:
        return self.end + 2


def profile_sheet(a: Assessment, cols: Columns[PersonResult], profile_id: str | None) -> SheetSpec:
    """`cols`: the columns of 评分明细 (cmxl.core.layout.detail.detail_columns)."""
    fw = a.framework
    sheet = SheetSpec(PROFILE, tab_color="548235", zoom=100, print_setup=PrintSetup(header="个人能力画像"))
    look = _picker(sheet, [p.employee_id for p in a.people], profile_id, cols, max(a.size, 1) + 1)
    _person(sheet, look)
    rows = _Where.of(fw, shows_history(a.people))
    sheet.put_row(TABLE_ROW, 0, ITEM_HEADS, "head")
    _standards(sheet, fw, rows.standards)
    _items(sheet, fw, look, rows)
    summary = _below_standard(sheet, rows)
    if rows.history:
        summary = _previous(sheet, fw, look, rows, history_rows(a.people) + 1)
    _level_bands(sheet, fw, rows.levels)
    sheet.conditional += [
        ConditionalFormat(cell_range(rows.first, 3, rows.end, 4), f'{a1(rows.first, 3)}="{name}"', f"level{j}")
        for j, name in enumerate(fw.level_names)
    ]
    first_gap = a1(rows.first, 6)
    sheet.conditional.append(
        ConditionalFormat(cell_range(rows.first, 6, rows.end, 6), f"AND(ISNUMBER({first_gap}),{first_gap}<0)", "bad")
    )
    radar = _radar(fw, rows)
    sheet.charts.append(radar)
    sheet.widths = {0: 16.0, 1: 16.0, 2: 9.0, 3: 9.0, 4: 10.0, 5: 11.0, 6: 7.0, 7: 9.0, 8: 9.0, 9: 3.0}
    if rows.history:
        sheet.widths.update({9: 9.0, 10: 9.0, 11: 9.0, 12: 9.0, 13: 7.0, 14: 3.0})
    # printed: the person's page (their table and the radar), not the model's parameters under it
    radar_col = HISTORY_RADAR_COL if rows.history else RADAR_COL
    last_col = radar_col + math.ceil(radar.width_cm / DEFAULT_COLUMN_CM)
    last_row = max(summary, RADAR_ROW + math.ceil(radar.height_cm / ROW_CM))
    sheet.print_setup.print_area = f"A1:{column_letter(last_col)}{last_row + 1}"
    return sheet


def _picker(sheet: SheetSpec, ids: list[str], chosen: str | None, cols: Columns[PersonResult], last: int) -> _Lookup:
    """The title, the note and the yellow id cell with its list of 评分明细's ids."""
    sheet.put(0, 0, "个人能力画像", "title")
    sheet.put(
        1, 0, "在黄色单元格选择员工编号，本页的数据和雷达图随之更新。差距 +1 表示高出标准一级，−1 表示低一级。", "note"
    )
    sheet.merges.append("A2:H2")
    sheet.put(PICK_ROW, 0, "员工编号", "label")
    sheet.put(PICK_ROW, PICK_COL, chosen if chosen is not None else (ids[0] if ids else ""), "input")
    ids_range = f"'{DETAIL}'!$A$2:$A${last}"
    if ids:
        sheet.validations.append(
            Validation(
                a1(PICK_ROW, PICK_COL),
                "list",
                source=ids_range,
                prompt_title="选择员工",
                prompt="从下拉列表选择员工编号",
                error_title="员工编号不存在",
                error="请从下拉列表中选择评分明细中的员工编号",
            )
        )
    pick = f"${column_letter(PICK_COL)}${PICK_ROW + 1}"
    return _Lookup(cols, last, f"MATCH({pick},{ids_range},0)")


def _person(sheet: SheetSpec, look: _Lookup) -> None:
    """The chosen person's name, grade, total, results and reasons, under the id."""
    for n, (label, header) in enumerate(INFO_FIELDS):
        r = PICK_ROW + 1 + n
        sheet.put(r, 0, label, "label")
        sheet.put(r, 1, look.pull(header), "num_box" if label == "加权总分" else "value", formula=True)
        if label in ("认证原因", "按级别折算"):  # long texts: one wide wrapped line
            sheet.cells[(r, 1)].style = "wrap"
            sheet.merges.append(f"B{r + 1}:I{r + 1}")
            sheet.heights[r] = 40


def _standards(sheet: SheetSpec, fw: Framework, std_row: int) -> None:
    """The grades' standard level of every item (model parameters), looked up by 对标岗位级别."""
    sheet.put(std_row - 1, 0, "岗位标准级别（模型参数）", "label")
    sheet.put_row(std_row, 0, ["能力项", *(g.name for g in fw.grades)], "label")
    for i, comp in enumerate(fw.competencies):
        sheet.put(std_row + 1 + i, 0, comp.name, "value")
        sheet.put_row(std_row + 1 + i, 1, [fw.level_names[fw.standards[g, i]] for g in range(len(fw.grades))], "value")


def _items(sheet: SheetSpec, fw: Framework, look: _Lookup, rows: _Where) -> None:
    """One row a competency: its score, level and gap pulled from 评分明细, the standard level and
    its score line from the model's tables below, and both levels as numbers for the radar."""
    bands = rows.levels + 2, rows.levels + 1 + len(fw.levels)
    level_names, level_mins = (f"${col}${bands[0]}:${col}${bands[1]}" for col in "AB")
    last_grade = column_letter(len(fw.grades))
    grade_heads = f"$B${rows.standards + 1}:${last_grade}${rows.standards + 1}"
    for i, comp in enumerate(fw.competencies):
        r = rows.first + i
        std = rows.standards + 1 + i
        sheet.put(r, 0, comp.name, "value")
        sheet.put(r, 1, comp.category, "value")
        sheet.put(r, 2, look.pull(comp.name + "得分"), "num_box", formula=True)
        sheet.put(r, 3, look.pull(comp.name + "级别"), "value", formula=True)
        standard = f"INDEX($B${std + 1}:${last_grade}${std + 1},MATCH({GRADE_CELL},{grade_heads},0))"
        sheet.put(r, 4, f'=IFERROR({standard},"")', "value", formula=True)
        sheet.put(r, 5, f'=IFERROR(INDEX({level_mins},MATCH({a1(r, 4)},{level_names},0)),"")', "num_box", formula=True)
        sheet.put(r, 6, look.pull(comp.name + "差距"), "gap_box", formula=True)
        # the levels as numbers 1..n, which the radar draws: a standard of the lowest level is 1, not 0
        for c, level_cell in ((7, a1(r, 3)), (8, a1(r, 4))):
            sheet.put(r, c, f'=IFERROR(MATCH({level_cell},{level_names},0),"")', "value", formula=True)


def _below_standard(sheet: SheetSpec, rows: _Where) -> int:
    """As 汇总's 低于标准项数 and 无法判断项数: the gaps judged below standard, and a note of those
    that cannot be judged; no count at all without a standard (a 现岗位级别 not recognised).
    Returns the row it is on."""
    summary = rows.end + 1
    sheet.put(summary, 0, "低于标准的项数", "label")
    gaps = cell_range(rows.first, 6, rows.end, 6)
    sheet.put(summary, 6, f'=IF({GRADE_CELL}="","",COUNTIF({gaps},"<0"))', "value", formula=True)
    unjudged = f'SUMPRODUCT(--({gaps}=""))'
    sheet.put(
        summary,
        7,
        f'=IF({NAME_CELL}="","",IF({GRADE_CELL}="","没有岗位标准，无法判断",'
        f'IF({unjudged}>0,"另有 "&{unjudged}&" 项无法判断（未评定）","")))',
        "top",  # not wrapped: the note runs on over the empty cells beside it
        formula=True,
    )
    return summary


def _level_bands(sheet: SheetSpec, fw: Framework, levels_row: int) -> None:
    sheet.put(levels_row, 0, "级别分数段（模型参数）", "label")
    sheet.put_row(levels_row, 1, ["下限", "上限"], "label")
    for j, lv in enumerate(fw.levels):
        sheet.put_row(levels_row + 1 + j, 0, [lv.name, lv.min, lv.max], "value")


def _previous(sheet: SheetSpec, fw: Framework, look: _Lookup, rows: _Where, last: int) -> int:
    """The previous cycle's level and score of each item and the change, found in 历次对比 (rows
    2..`last`) by the chosen id and the item's name; and the change in a sentence, from 评分明细.
    Returns the sentence's row."""
    sheet.put_row(TABLE_ROW, HISTORY_COL, HISTORY_HEADS, "head")
    bands = rows.levels + 2, rows.levels + 1 + len(fw.levels)
    level_names = f"$A${bands[0]}:$A${bands[1]}"
    pick = f"${column_letter(PICK_COL)}${PICK_ROW + 1}"

    def column(head: str) -> str:
        letter = column_letter(HISTORY_COLUMNS[head])
        return f"'{HISTORY}'!${letter}$2:${letter}${last}"

    def pulled(at: str, head: str) -> str:
        found = f"INDEX({column(head)},{at}-1)"
        return f'=IF({at}=0,"",IF(ISBLANK({found}),"",{found}))'

    for i in range(len(fw.item_names)):
        r = rows.first + i
        at = a1(r, HISTORY_COL + 4)
        # the row of 历次对比 with this id and item (0: none; an id given twice, the last)
        match = f"({column('员工编号')}={pick})*({column('能力项')}={a1(r, 0)})*ROW({column('员工编号')})"
        sheet.put(r, HISTORY_COL + 4, f"=IFERROR(SUMPRODUCT(MAX({match})),0)", "value", formula=True)
        sheet.put(r, HISTORY_COL, pulled(at, "上期级别"), "value", formula=True)
        sheet.put(r, HISTORY_COL + 1, pulled(at, "上期得分"), "num_box", formula=True)
        sheet.put(r, HISTORY_COL + 2, pulled(at, "得分变化"), "change_box", formula=True)
        level = a1(r, HISTORY_COL)
        sheet.put(r, HISTORY_COL + 3, f'=IFERROR(MATCH({level},{level_names},0),"")', "value", formula=True)
    sheet.put(rows.sentence, 0, CHANGE_HEAD, "label")
    sheet.put(rows.sentence, 1, look.pull(CHANGE_HEAD), "wrap", formula=True)
    sheet.merges.append(f"B{rows.sentence + 1}:I{rows.sentence + 1}")
    sheet.heights[rows.sentence] = 40
    return rows.sentence


def _radar(fw: Framework, rows: _Where) -> Chart:
    """Assessed against standard; with an earlier cycle, the previous levels drawn first (under
    the current ones), grey and dashed."""
    series = [
        Series(Ref(PROFILE, rows.first, 7, rows.end, 7), "测评级别"),
        Series(Ref(PROFILE, rows.first, 8, rows.end, 8), "岗位标准级别"),
    ]
    colors = ["2E75B6", "C00000"]
    if rows.history:
        series.insert(0, Series(Ref(PROFILE, rows.first, HISTORY_COL + 3, rows.end, HISTORY_COL + 3), "上期级别", True))
        colors.insert(0, "A5A5A5")
    return Chart(
        kind="radar",
        title="能力素质状况：测评级别与岗位标准级别",
        anchor=a1(RADAR_ROW, HISTORY_RADAR_COL if rows.history else RADAR_COL),
        categories=Ref(PROFILE, rows.first, 0, rows.end, 0),
        series=series,
        y_min=0,
        y_max=len(fw.levels),
        axis_format="0",
        width_cm=17,
        height_cm=14,
        colors=colors,
    )
