"""The assessment workbook's format as data: its fixed columns, their types and spellings."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import Field

from cmxl.core.issues import Issue, issue
from cmxl.core.model.base import (
    Id,
    Name,
    Spelling,
    StrictModel,
    build_checked,
    fold_header,
    spelling_clashes,
)

# The types a fixed column can have: each is read by its function in cmxl/core/engine/intake/fields.py
# FIELD_READERS and checked in the template by cmxl/core/layout/template.py FIELD_CHECKS (a test
# keeps the three lists equal).
FIELD_TYPES = ("id", "text", "grade", "scheme", "cert_grade", "number", "date", "choice", "score", "appraisal")


class FieldSpec(StrictModel):
    """测评工作簿的一个固定列。"""

    key: Name
    """字段键（代码和认证方案用它指称该列）。"""
    header: Name
    """标准列名；所有提示和原因都用这个名称指称该列。"""
    aliases: list[Name] = []
    """也能识别的其他列名（去掉空格、换行，全角按半角比较；不能与其他列的列名或别名相同）。"""
    type: Literal[FIELD_TYPES]  # type: ignore[valid-type]
    """取值类型：id 编号（文本），text 文字，grade 岗位级别，scheme 认证类别，cert_grade 认证等级，
    number 数字，score 0–100 的分数，date 日期，choice 从 choices 中选，appraisal 考核结果。"""
    required: bool = False
    """缺少此列是否为错误。"""
    low: float | None = None
    """number 类型的下限（含）。"""
    high: float | None = None
    """number 类型的上限（含）。"""
    choices: list[Name] = []
    """choice 类型的可选值。"""
    note: str = ""
    """该列的说明（如“可选”）：模板中写在表头的批注里，并列入填写说明。"""


class FormatMeta(StrictModel):
    """工作簿格式的通用规定。"""

    id: Id
    """格式编号。"""
    sheet: Name
    """人员数据表的标准名称（找不到时按表头识别）。"""
    default_framework: Id
    """未指定能力模型时使用的模型编号。"""
    header_search_rows: int = Field(30, ge=1)
    """在每张表的前多少行中寻找表头行。"""


class WorkbookFormat(StrictModel):
    """workbook-format.toml：测评工作簿的固定列。能力项、“能力项级别”和知识分项的列来自能力模型。"""

    format: FormatMeta
    """[format] 表。"""
    fields: list[FieldSpec]
    """[[fields]]：各固定列，顺序即模板中的列序。"""

    @cached_property
    def by_key(self) -> dict[str, FieldSpec]:
        return {f.key: f for f in self.fields}

    @cached_property
    def labels(self) -> dict[str, str]:
        """Field key -> its column header: the one name of a field in messages and reasons."""
        return {f.key: f.header for f in self.fields}

    @classmethod
    def from_data(cls, data: dict, source: str) -> WorkbookFormat:
        return build_checked(cls, data, source, check_workbook_format)


def header_spellings(fmt: WorkbookFormat) -> list[Spelling]:
    """The fixed columns' headers, then their aliases, as a workbook's header row may spell them."""
    headers = [
        Spelling(f"fields[{i}].header", f.header, f.key, f"列“{f.header}”的列名") for i, f in enumerate(fmt.fields)
    ]
    aliases = [
        Spelling(f"fields[{i}].aliases[{j}]", alias, f.key, f"列“{f.header}”的别名")
        for i, f in enumerate(fmt.fields)
        for j, alias in enumerate(f.aliases)
    ]
    return headers + aliases


def check_workbook_format(fmt: WorkbookFormat) -> list[Issue]:
    problems: list[tuple[str, str]] = []
    keys: dict[str, int] = {}
    for i, f in enumerate(fmt.fields):
        if f.key in keys:
            problems.append((f"fields[{i}].key", f"字段键“{f.key}”与 fields[{keys[f.key]}] 重复"))
        keys.setdefault(f.key, i)
    problems += spelling_clashes(header_spellings(fmt), fold_with=fold_header)
    return [issue("framework-invalid", field=k, value=t) for k, t in problems]
