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


def header(key: str) -> str:
    """The column header of a field (the workbook format is the one place column names live)."""
    return catalogue().workbook_format.labels[key]


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
    grade_header = header("grade")
    a = assess_one({item: assessed, grade_header: grade}, framework)
    _raise_errors(a, {item, grade_header})
    value = a.people[0].gaps[fw.item_names.index(item)]
    if value is None:
        raise Rejected("缺少得分或岗位级别")
    return value


def certification(facts: dict[str, object], framework: str | None = None, as_of: dt.date | None = None) -> str:
    """'通过', or the status and every reason: '未通过：…；…'. `facts` by field key of the workbook
    format (cmxl/frameworks/workbook-format.toml), e.g. applied, written, interview."""
    a = assess_one({header(k): v for k, v in facts.items()}, framework, as_of)
    _raise_errors(a, {header(k) for k in facts} - {header("grade")})
    person = a.people[0]
    if not person.applying:
        raise Rejected("没有申报认证等级")
    if not person.reasons:
        return person.status
    return f"{person.status}：{person.reasons_text}"
