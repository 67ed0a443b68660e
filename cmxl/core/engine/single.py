"""One person, from values given by column name: what a worksheet function asks
(CMXL_LEVEL, CMXL_TOTAL, CMXL_GAP, CMXL_CERT in cmxl/addin/udfs.py).

The values go through the very intake, scoring and certification a workbook row goes through,
as a one-row grid: a formula in a cell and a row of a workbook cannot disagree, and no rule is
written a second time. Each answer is a number or a Chinese text; a value the rules reject
gives the message a clerk would see in 校验问题."""

from __future__ import annotations

import datetime as dt

from cmxl.core.engine.assessment import Assessment, assess
from cmxl.core.errors import Rejected
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.model.eligibility import condition_fields
from cmxl.core.model.loading import catalogue

SOURCE, SHEET = "工作表函数", "测评数据"


def header(key: str) -> str:
    """The column header of a field (the workbook format is the one place column names live)."""
    return catalogue().workbook_format.labels[key]


# Excel's error values, as a cell reference hands them over (xlwings' err_to_str option)
EXCEL_ERRORS = frozenset(
    (
        "#N/A",
        "#DIV/0!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
    )
)


def _flat(value: object) -> list[object]:
    """The cells of a value as a worksheet function receives it: one value, a row, a column or a
    block of cells (nested lists), in reading order."""
    if isinstance(value, list | tuple):
        return [v for part in value for v in _flat(part)]
    return [value]


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _checked(value: object, label: str) -> object:
    """One cell's value, or Rejected saying why it cannot be used: an error value (#N/A …), a
    number that is not one (NaN, infinity)."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        raise Rejected(f"{label}是错误值 {value.strip().upper()}，请先改正它引用的单元格")
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise Rejected(f"{label}不是有效的数字")
    return value


def _shown(value: object) -> str:
    """A value as Excel shows it: 3.0 as 3, TRUE/FALSE in capitals."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell(value: object, label: str) -> object:
    """The single value of an argument that takes one cell (a range of one cell counts as that
    cell; several cells are refused, empty gives None)."""
    cells = _flat(value)
    if len(cells) > 1:
        raise Rejected(f"{label}只能是一个单元格，给了 {len(cells)} 个")
    one = _checked(cells[0], label) if cells else None
    return None if _empty(one) else one


def _text_arg(value: object, label: str, example: str) -> str | None:
    """An optional text argument (a framework id or file, a scheme id): empty is None."""
    one = cell(value, label)
    if one is None:
        return None
    if not isinstance(one, str):
        raise Rejected(f"{label}应是文字（{example}），不是“{_shown(one)}”")
    return one.strip()


def _framework(framework: object):
    """The framework an argument names (None: the default one)."""
    return catalogue().framework(_text_arg(framework, "能力模型", "如 cm18 或模型文件的路径"))


def assess_one(values: dict[str, object], framework: object = None, as_of: dt.date | None = None) -> Assessment:
    """`values` by canonical header; empty values are left out, as an empty cell would be."""
    cat = catalogue()
    fw = _framework(framework)
    row = {"员工编号": "公式", "姓名": "公式"}
    row.update({k: v for k, v in values.items() if not _empty(v)})
    headers = list(row)
    grid = WorkbookGrid(SOURCE, [SheetGrid(SHEET, [headers, [row[h] for h in headers]])])
    a = assess(grid, fw, cat, as_of or dt.date.today())
    if not a.people:  # nothing the rules could read: say why, as the workbook's first error would
        first = next(iter(a.report.errors), None)
        raise Rejected(f"{first.message}。{first.hint}" if first else "没有可用的值")
    return a


def _raise_errors(a: Assessment, fields: set[str]) -> None:
    for i in a.report.errors:
        if i.field in fields:
            raise Rejected(f"{i.message}。{i.hint}")


def level(score: object, framework: object = None) -> str:
    """The level of a score (or a level name, checked)."""
    fw = _framework(framework)
    item = fw.item_names[0]
    value = cell(score, "分数")
    if value is None:
        raise Rejected("没有分数：请填写 0–100 的分数或级别名称")
    a = assess_one({item: value}, framework)
    _raise_errors(a, {item})
    found = a.people[0].item_levels[0]
    if found is None:
        raise Rejected("没有分数：请填写 0–100 的分数或级别名称")
    return found


def total(scores: object, framework: object = None) -> float:
    """The weighted total of one score (or level name) per competency, in the model's order
    (a row, a column or a block of cells, read row by row)."""
    fw = _framework(framework)
    names = fw.item_names
    values = _flat(scores)
    if len(values) != len(names):
        raise Rejected(f"需要 {len(names)} 个能力项的得分（按模型顺序：{'、'.join(names)}），给了 {len(values)} 个")
    checked = [_checked(v, f"第 {n} 项（{name}）") for n, (v, name) in enumerate(zip(values, names, strict=True), 1)]
    blank = [f"第 {n} 项（{name}）" for n, (v, name) in enumerate(zip(checked, names, strict=True), 1) if _empty(v)]
    if blank:
        shown = "、".join(blank[:3]) + (f" 等 {len(blank)} 项" if len(blank) > 3 else "")
        raise Rejected(f"{shown}没有得分：加权总分需要每个能力项的分数或级别")
    a = assess_one(dict(zip(names, checked, strict=True)), framework)
    _raise_errors(a, set(names))
    value = a.people[0].total
    if value is None:
        raise Rejected("有能力项没有得分")
    return value


def gap(assessed: object, grade: object, item: object, framework: object = None) -> int:
    """Assessed level minus the job grade's standard level for one competency, in level steps."""
    fw = _framework(framework)
    name = _text_arg(item, "能力项", f"如 {fw.item_names[0]}")
    if name is None:
        raise Rejected(f"没有能力项名称：请填写 {fw.id} 模型的能力项之一（如 {fw.item_names[0]}）")
    if name not in fw.item_names:
        raise Rejected(f"没有能力项“{name}”（{fw.id} 模型的能力项：{'、'.join(fw.item_names)}）")
    value, job = cell(assessed, "级别或分数"), cell(grade, "岗位级别")
    if value is None:
        raise Rejected("没有级别或分数")
    if job is None:
        raise Rejected(f"没有岗位级别：请填写 {'、'.join(g.name for g in fw.grades)} 之一")
    grade_header = header("grade")
    a = assess_one({name: value, grade_header: job}, framework)
    _raise_errors(a, {name, grade_header})
    found = a.people[0].gaps[fw.item_names.index(name)]
    if found is None:
        raise Rejected("缺少得分或岗位级别")
    return found


# CMXL_CERT's arguments not named after the field they give; every other one is (an eligibility
# condition's fact, an exam score, ...).
_ARGUMENT_FIELDS = {"grade": "applied", "category": "scheme"}


def cert_facts(arguments: dict[str, object]) -> dict[str, object]:
    """CMXL_CERT's arguments, by parameter name, as the facts `certification` takes (by field key)."""
    return {_ARGUMENT_FIELDS.get(name, name): value for name, value in arguments.items()}


def condition_argument_docs() -> dict[str, str]:
    """What Excel's function wizard says of each CMXL_CERT argument that gives an eligibility
    condition's fact: one per field the conditions read (cmxl/core/model/eligibility.py
    CONDITIONS), named after the field. Excel formulas pass arguments by position, so CMXL_CERT's
    parameters stay as they are; a condition reading a new field needs one more at the end (its
    description comes from here, and importing the worksheet functions fails without it)."""
    return {key: f"可选：{header(key)}" for key in condition_fields()}


def certification(facts: dict[str, object], framework: object = None, as_of: dt.date | None = None) -> str:
    """'通过', or the status and every reason: '未通过：…；…'. `facts` by field key of the workbook
    format (cmxl/frameworks/workbook-format.toml), e.g. applied, written, interview."""
    values = {header(k): cell(v, header(k)) for k, v in facts.items()}
    if values.get(header("applied")) is None:
        raise Rejected("没有申报认证等级：请填写所申报的认证等级")
    a = assess_one(values, framework, as_of)
    _raise_errors(a, set(values) - {header("grade")})
    person = a.people[0]
    if not person.applying:
        raise Rejected("没有申报认证等级")
    if not person.reasons:
        return person.status
    return f"{person.status}：{person.reasons_text}"
