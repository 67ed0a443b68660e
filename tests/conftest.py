"""Helpers: build assessment grids in memory, run the core on them."""

from __future__ import annotations

import datetime as dt

import pytest

from cmxl.core.engine.assessment import Assessment, assess
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.model.loading import catalogue

AS_OF = dt.date(2026, 12, 1)
# the result sheets every results workbook and every scored open workbook has, in order
RESULT_SHEETS = ["汇总", "个人画像", "统计图表", "培训需求", "培训需求名单", "评分明细", "校验问题"]
# ... and with two or more units of five people or more, 校准分析 after 培训需求名单
UNITS_SHEETS = [*RESULT_SHEETS[:5], "校准分析", *RESULT_SHEETS[5:]]

# The 18 items of Framework A in the seed's order (docs/rules.md, 能力模型一), typed here from the spec.
ITEMS_A = [
    "成就导向",
    "抗挫能力",
    "沟通倾听能力",
    "书面表达能力",
    "人际交往能力",
    "执行能力",
    "情绪控制能力",
    "协调能力",
    "通用基础知识",
    "专业基础知识",
    "岗位基础知识",
    "岗位基本技能",
    "信息收集能力",
    "需求分析能力",
    "定制策略能力",
    "主动营销能力",
    "客户保持能力",
    "客户关系能力",
]
# the structure table (docs/rules.md), by position in the seed's order: (一)–(五), (九)–(十七), (六)–(八) and (十八)
BASIC = ITEMS_A[0:5]
PROFESSIONAL = ITEMS_A[8:17]
FUNCTIONAL = [*ITEMS_A[5:8], ITEMS_A[17]]


def person(pid: str = "0001", name: str = "张三", score: object = 50, **values: object) -> dict:
    """One row: every Framework A item at `score`, plus the given columns."""
    row: dict = {"员工编号": pid, "姓名": name, "单位": "南京分公司", "现岗位级别": "中级客户经理"}
    row.update({item: score for item in ITEMS_A})
    row.update(values)
    return {k: v for k, v in row.items() if v is not ...}


def grid(
    people: list[dict],
    *,
    sheet: str = "测评数据",
    title_rows: int = 0,
    headers: list[str] | None = None,
    hidden: frozenset[int] = frozenset(),
    source: str = "测试.xlsx",
) -> WorkbookGrid:
    """A workbook grid with a header row (after `title_rows` rows) and one row per person."""
    cols = headers or list(dict.fromkeys(k for p in people for k in p))
    rows: list[list[object]] = [["标题"] + [""] * (len(cols) - 1) for _ in range(title_rows)]
    rows.append(list(cols))
    for p in people:
        rows.append([p.get(c, "") if c in p else "" for c in cols])
    return WorkbookGrid(source=source, sheets=[SheetGrid(sheet, rows, hidden)])


def run(people: list[dict], framework: str | None = None, as_of: dt.date = AS_OF, **kw) -> Assessment:
    cat = catalogue()
    return assess(grid(people, **kw), cat.framework(framework), cat, as_of)


def codes(a: Assessment) -> list[tuple[str, str]]:
    return [(i.cell, i.code) for i in a.report.issues]


@pytest.fixture
def cat():
    return catalogue()
