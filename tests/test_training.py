"""培训需求: the counts are the people with that competency below standard, recounted here from
`score --json`; 培训需求名单 lists each of them once with the standard level."""

from __future__ import annotations

import collections
import json
import shutil
from pathlib import Path

import python_calamine as pc
from typer.testing import CliRunner

from cmxl.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_training_needs_recount_from_json(tmp_path):
    book = tmp_path / "陕西_2026.xlsx"
    shutil.copy(ROOT / "workbooks" / "陕西_2026.xlsx", book)
    r = CliRunner().invoke(app, ["score", str(book), "--json", "--as-of", "2026-12-01"])
    people = json.JSONDecoder().raw_decode(r.stdout)[0]
    below = collections.Counter()
    for p in people:
        for item, v in p["items"].items():
            if v["gap"] is not None and v["gap"] < 0:
                below[(item, p["unit"])] += 1
    assert sum(below.values()) > 10

    wb = pc.CalamineWorkbook.from_path(str(tmp_path / "陕西_2026_评分结果.xlsx"))
    rows = wb.get_sheet_by_name("培训需求").to_python()
    top = next(i for i, row in enumerate(rows) if row[0] == "低于标准的人数")
    heads = rows[top + 1]
    assert heads[:3] == ["省份", "单位", "人数"]
    items = heads[3:]
    units = []
    for row in rows[top + 2 :]:
        if row[0] == "合计":
            assert row[3:] == [sum(below[(item, u)] for u in units) for item in items]
            break
        if row[0].endswith(" 小计"):
            continue
        assert row[0] == "陕西"
        units.append(row[1])
        assert row[3:] == [below[(item, row[1])] for item in items], row[1]
    assert units and len(units) == len(set(units))

    listed = wb.get_sheet_by_name("培训需求名单").to_python()
    assert listed[0][:9] == ["能力项", "省份", "单位", "员工编号", "姓名", "现岗位级别", "测评级别", "标准级别", "差距"]
    assert len(listed) - 1 == sum(below.values())
    assert collections.Counter((row[0], row[2]) for row in listed[1:]) == below
    levels = ["初级", "中级", "高级", "资深"]
    for row in listed[1:]:  # the standard level is the assessed level minus the gap
        assert levels.index(row[7]) == levels.index(row[6]) - int(row[8])
