"""One person, from values given by column name: what a worksheet function asks
(CMXL_LEVEL, CMXL_TOTAL, CMXL_GAP, CMXL_CERT in cmxl/addin/udfs.py).

The values go through the very intake, scoring and certification a workbook row goes through,
as a one-row grid: a formula in a cell and a row of a workbook cannot disagree, and no rule is
written a second time. Each answer is a number or a Chinese text; a value the rules reject
gives the message a clerk would see in 校验问题."""

from __future__ import annotations

import datetime as dt

from cmxl.core.engine.assessment import Assessment, assess
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.model.loading import catalogue

SOURCE, SHEET = "工作表函数", "测评数据"
FIELD_HEADERS = {
    "grade": "现岗位级别",
    "category": "认证类别",
    "applied": "申报认证等级",
    "written": "笔试成绩",
    "interview": "面试成绩",
    "training_hours": "培训学时",
    "years_continuous": "本岗位连续年限",
    "years_cumulative": "本岗位累计年限",
    "held": "已持证书等级",
    "probation": "试用期考核",
    "simulated": "模拟实战",
    "marketing": "营销实战",
    "appraisal": "年度业绩考核",
}


class Rejected(ValueError):
    """A value the rules reject; the message is the issue's, in Chinese."""


def assess_one(values: dict[str, object], framework: str | None = None, as_of: dt.date | None = None) -> Assessment:
    """`values` by canonical header; empty values are left out, as an empty cell would be."""
    cat = catalogue()
    row = {"员工编号": "公式", "姓名": "公式"}
    row.update({k: v for k, v in values.items() if v is not None and v != ""})
    headers = list(row)
    grid = WorkbookGrid(SOURCE, [SheetGrid(SHEET, [headers, [row[h] for h in headers]])])
    return assess(grid, cat.framework(framework), cat, as_of or dt.date.today())


def _raise_errors(a: Assessment, fields: set[str]) -> None:
    for i in a.report.errors:
        if i.field in fields:
            raise Rejected(f"{i.message}。{i.hint}")


def level(score: object, framework: str | None = None) -> str:
    """The level of a score (or a level name, checked)."""
    fw = catalogue().framework(framework)
    item = fw.item_names[0]
    a = assess_one({item: score}, framework)
    _raise_errors(a, {item})
    found = a.people[0].item_levels[0]
    if found is None:
        raise Rejected("没有分数")
    return found


def total(scores: list[object], framework: str | None = None) -> float:
    """The weighted total of one score (or level name) per competency, in the model's order."""
    fw = catalogue().framework(framework)
    if len(scores) != len(fw.item_names):
        raise Rejected(
            f"需要 {len(fw.item_names)} 个能力项的得分（按模型顺序：{'、'.join(fw.item_names)}），给了 {len(scores)} 个"
        )
    a = assess_one(dict(zip(fw.item_names, scores, strict=True)), framework)
    _raise_errors(a, set(fw.item_names))
    value = a.people[0].total
    if value is None:
        raise Rejected("有能力项没有得分")
    return value


def gap(assessed: object, grade: str, item: str, framework: str | None = None) -> int:
    """Assessed level minus the job grade's standard level for one competency, in level steps."""
    fw = catalogue().framework(framework)
    if item not in fw.item_names:
        raise Rejected(f"没有能力项“{item}”（{fw.id} 模型的能力项：{'、'.join(fw.item_names)}）")
    a = assess_one({item: assessed, FIELD_HEADERS["grade"]: grade}, framework)
    _raise_errors(a, {item, FIELD_HEADERS["grade"]})
    value = a.people[0].gaps[fw.item_names.index(item)]
    if value is None:
        raise Rejected("缺少得分或岗位级别")
    return value


def certification(facts: dict[str, object], framework: str | None = None, as_of: dt.date | None = None) -> str:
    """'通过', or the status and every reason: '未通过：…；…'. `facts` by FIELD_HEADERS key."""
    a = assess_one({FIELD_HEADERS[k]: v for k, v in facts.items()}, framework, as_of)
    _raise_errors(a, {FIELD_HEADERS[k] for k in facts} - {FIELD_HEADERS["grade"]})
    person = a.people[0]
    if not person.applying:
        raise Rejected("没有申报认证等级")
    if not person.reasons:
        return person.status
    return f"{person.status}：{person.reasons_text}"
