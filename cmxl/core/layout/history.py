"""历次对比: per person and competency, the previous and the current level and score and the change,
with each person's counts of improved, declined and unchanged items (docs/rules.md, 历次测评).
Filterable: one table. A person whose earlier record has another name is listed with both names
and no change (a possible mismatch); a competency in one cycle only is listed as not comparable."""

from __future__ import annotations

from collections.abc import Sequence

from cmxl.core.engine.history import DECLINED, IMPROVED, NAME_DIFFERS, NONE, UNCHANGED, Change
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.names import HISTORY
from cmxl.core.layout.spec import ColumnMap, ConditionalFormat, PrintSetup, SheetSpec, Table, cell_range

NOT_COMPARABLE = "不可比"
HEADS = [
    "员工编号", "姓名", "单位", "上期", "能力项", "上期级别", "本期级别", "上期得分", "本期得分", "得分变化", "变化",
    "提升项数", "下降项数", "不变项数", "说明",
]  # fmt: skip


def history_sheet(people: Sequence[PersonResult], changes: Sequence[Change]) -> SheetSpec:
    cols = ColumnMap(HEADS)
    setup = PrintSetup(repeat_rows="1:1", header=f"{HISTORY}（与上一期比较）")
    sheet = SheetSpec(HISTORY, freeze="C2", tab_color="2E75B6", print_setup=setup)
    sheet.put_row(0, 0, cols.heads, "head")
    rows: list[list[object]] = []
    for p, c in zip(people, changes, strict=True):
        who = [p.employee_id, p.name, p.unit]
        if c.status == NONE:
            continue
        prev = c.previous
        assert prev is not None
        if c.status == NAME_DIFFERS:
            note = f"上期（{prev.cycle}）同一员工编号的姓名为 {prev.name}，可能不是同一人：未比较，请核实"
            rows.append([*who, prev.cycle, "", "", "", None, None, None, "", None, None, None, note])
            continue
        counts = [c.count(IMPROVED), c.count(DECLINED), c.count(UNCHANGED)]
        for item in c.items:
            rows.append(
                [
                    *who,
                    prev.cycle,
                    item.name,
                    item.previous.level,
                    item.current.level,
                    item.previous.score,
                    item.current.score,
                    item.score_change,
                    item.direction or "",
                    *counts,
                    "模型已调整，按能力项名称比较" if c.model_changed else "",
                ]
            )
        for name in c.not_comparable:
            rows.append(
                [*who, prev.cycle, name, "", "", None, None, None, NOT_COMPARABLE, *counts, "该能力项只在一期模型中"]
            )
    styles = [
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
    sheet.add_rows(1, rows, styles)
    last = len(rows)
    if rows:
        sheet.tables.append(Table("历次对比表", cell_range(0, 0, last, len(HEADS) - 1)))
        where = cell_range(1, cols["变化"], last, cols["变化"])
        first = where.split(":")[0]
        sheet.conditional += [
            ConditionalFormat(where, f'{first}="{IMPROVED}"', "good"),
            ConditionalFormat(where, f'{first}="{DECLINED}"', "bad"),
        ]
    else:
        sheet.put(1, 0, "（没有上一期的测评记录可比较）", "note")
    sheet.fit_widths(maximum=40)
    return sheet
