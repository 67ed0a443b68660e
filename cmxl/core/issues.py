"""Problems are data: one Issue record, a catalogue of codes, a Report that collects them."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["error", "warning"]

# code -> (severity, message template, hint). Templates use str.format fields; every field a
# template names must be passed to `issue()`. The docs' code catalogue is generated from this.
CATALOGUE: dict[str, tuple[Severity, str, str]] = {
    "sheet-not-found": (
        "error",
        "找不到测评数据表：没有名为“测评数据”的工作表，也没有哪张表的表头含“员工编号”或“姓名”",
        "请使用总部下发的测评模板，或把人员数据放在名为“测评数据”的工作表中",
    ),
    "sheet-all-hidden": (
        "error",
        "人员数据表 {value} 是隐藏的工作表，没有可读取的人员数据",
        "请在 Excel 中取消隐藏该工作表（右键工作表标签 → 取消隐藏）后重新处理",
    ),
    "sheet-hidden-skipped": (
        "warning",
        "工作表“{value}”是隐藏的人员数据表，未读取",
        "如其中的人员应参与评分，请在 Excel 中取消隐藏该工作表后重新处理",
    ),
    "sheet-layout-differs": (
        "warning",
        "工作表“{value}”也像人员数据表，但列与“{first}”不同，未读取",
        "一个工作簿中的多张人员数据表须使用相同的表头（可从测评模板复制表头）",
    ),
    "no-people": (
        "warning",
        "人员数据表只有表头，没有人员数据",
        "请在表头下方每人填写一行；如这是空白模板，无需处理",
    ),
    "column-missing": (
        "error",
        "缺少必填列“{field}”",
        "请在表头行加上“{field}”列（可从测评模板复制表头）",
    ),
    "column-unknown": (
        "warning",
        "无法识别的列“{value}”，已忽略",
        "如该列应参与评分，请把表头改为模型中的名称；否则可不处理",
    ),
    "column-duplicate": (
        "warning",
        "“{field}”列出现多次（另见 {other} 列）：每行读取填写了的一格；几格都填写而不一致的行是错误",
        "请只保留一列",
    ),
    "header-repeated": (
        "warning",
        "第 {row_no} 行是重复的表头行（如两张表粘贴在一起），已跳过",
        "可删除该行",
    ),
    "header-repeated-differs": (
        "error",
        "第 {row_no} 行像是另一张表的表头，但列与第 {header_no} 行的表头不同；其下各行仍按第 {header_no} 行的表头读取，可能错位",
        "请把其下各行的列调整为与第 {header_no} 行的表头相同，或放到另一张工作表中，然后删除该行",
    ),
    "row-hidden": (
        "warning",
        "第 {row_no} 行是隐藏行，仍按正常人员处理",
        "如该行不应参与评分，请删除该行而不是隐藏",
    ),
    "id-missing": ("error", "员工编号为空", "请填写员工编号"),
    "name-missing": ("error", "姓名为空", "请填写姓名"),
    "id-duplicate": (
        "error",
        "员工编号“{value}”重复（另见 {other}）",
        "同一人只能填一行；请核对并删除重复行或更正编号",
    ),
    "id-lost-zeros": (
        "error",
        "员工编号“{value}”与本表 {other}只差开头的 0（按数字填写时 Excel 会去掉开头的 0），可能是同一人",
        "请核对：是同一人就删除其中一行；不是同一人，把按数字填写的员工编号单元格设为文本格式、补全开头的 0",
    ),
    "id-repeated-sheets": (
        "warning",
        "员工编号“{value}”的同一行数据也在 {other}，按一人计算、只发一张证书",
        "如是重复录入，可删除其中一行",
    ),
    "id-numeric": (
        "warning",
        "员工编号“{value}”是数字格式，开头的 0 可能已丢失",
        "请把员工编号列设为文本格式后重新录入",
    ),
    "id-number-too-long": (
        "error",
        "员工编号 {value} 是 {digits} 位的数字：Excel 的数字只保留 15 位有效数字，后面的位数已经丢失",
        "请把员工编号列设为文本格式，按原始编号重新录入",
    ),
    "id-scientific": (
        "error",
        "员工编号“{value}”是以科学计数法显示的数字，编号的后几位已经丢失",
        "请把员工编号列设为文本格式后，按原始资料重新输入完整的员工编号",
    ),
    "id-unusual-char": (
        "error",
        "员工编号 {value} 含有员工编号中不应有的字符（不是字母、数字或常用符号，可能看不见或与其他字符难以区分）",
        "请删除该单元格后重新输入员工编号",
    ),
    "id-boolean": (
        "error",
        "员工编号是逻辑值 {value}，不是编号",
        "请把员工编号列设为文本格式后填写员工编号",
    ),
    "id-date": (
        "error",
        "员工编号是日期或时间 {value}，不是编号（单元格可能设成了日期格式）",
        "请把员工编号列设为文本格式后重新录入员工编号",
    ),
    "id-invisible-chars": (
        "warning",
        "员工编号含有看不见的字符（{chars}），已删除，按“{clean}”读取",
        "请在该单元格中重新输入员工编号（从其他系统复制的编号常带有这些字符）",
    ),
    "formula-error": (
        "error",
        "“{field}”是公式错误值 {value}",
        "请检查该单元格的公式或直接填写数值",
    ),
    "formula-no-value": (
        "error",
        "“{field}”是公式，但文件中没有公式的计算结果（保存文件的程序没有计算公式）",
        "请在 Excel 中打开该工作簿并保存（公式随之计算）后重新运行",
    ),
    "value-conflict": (
        "error",
        "“{field}”在本行填了两次且不一致：{cells}；无法确定采用哪一个",
        "请删除重复的列，或改正为同一个值",
    ),
    "score-missing": (
        "error",
        "“{field}”未评分",
        "请填写 0–100 的分数或级别名称（{levels}）",
    ),
    "score-not-number": (
        "error",
        "“{field}”的值“{value}”不是分数，也不是级别名称",
        "请填写 0–100 的分数或级别名称（{levels}）",
    ),
    "number-invisible-chars": (
        "error",
        "“{field}”的值“{value}”中有看不见的字符（{chars}），不能作为数字读取",
        "请删除该单元格的内容后重新输入数字",
    ),
    "value-not-number": (
        "error",
        "“{field}”的值“{value}”不是数字",
        "请填写数字",
    ),
    "score-out-of-range": (
        "error",
        "“{field}”的分数 {value} 超出 0–100",
        "请填写 0–100 之间的分数",
    ),
    "value-out-of-range": (
        "error",
        "“{field}”的值 {value} 不合理（应在 {low}–{high} 之间）",
        "请核对后重新填写",
    ),
    "number-comma": (
        "error",
        "“{field}”的值“{value}”含逗号，无法确定是小数点还是千位分隔",
        "请用“.”作小数点（如 8.5），不要用逗号分隔数字",
    ),
    "number-space": (
        "error",
        "“{field}”的值“{value}”数字中间有空格，无法确定是一个数还是两个数",
        "请删除数字中间的空格，只填一个数（如 85）",
    ),
    "number-percent": (
        "warning",
        "“{field}”的单元格设为百分比格式，{value} 显示为 {shown}%，已按 {shown} 读取",
        "请把该列的单元格格式改为“常规”或“数值”，直接填写分数",
    ),
    "number-normalised": (
        "warning",
        "“{field}”的值“{value}”已按数字 {normalised} 读取",
        "建议直接填写数字（半角、不带单位）",
    ),
    "level-unknown": (
        "error",
        "“{field}”的级别“{value}”无法识别",
        "级别只能填：{allowed}",
    ),
    "level-score-mismatch": (
        "error",
        "“{field}”的分数 {value} 属于“{band}”，与填写的级别“{level}”不一致",
        "请更正分数或级别，使分数落在该级别的分数段（{range}）内",
    ),
    "level-conflict": (
        "error",
        "“{field}”填写的级别“{value}”与级别列的“{level}”不一致",
        "请只保留一个正确的级别",
    ),
    "subitems-incomplete": (
        "error",
        "“{field}”的分项考试成绩不完整，缺少：{missing}",
        "请补全全部分项成绩；分项齐全时该项得分自动按权重计算",
    ),
    "item-differs-from-subitems": (
        "warning",
        "“{field}”填写的 {value} 与按分项成绩计算的 {computed} 不一致，已采用计算值",
        "该项得分以分项成绩加权计算为准，可清空该单元格",
    ),
    "grade-unknown": (
        "error",
        "现岗位级别“{value}”无法识别，没有可对照的岗位标准：不计算差距和达标情况",
        "只能填：{allowed}",
    ),
    "cert-grade-unknown": (
        "error",
        "“{field}”的认证等级“{value}”无法识别",
        "只能填：{allowed}",
    ),
    "scheme-unknown": (
        "error",
        "认证类别“{value}”无法识别",
        "只能填：{allowed}",
    ),
    "choice-unknown": (
        "error",
        "“{field}”的值“{value}”无法识别",
        "只能填：{allowed}",
    ),
    "date-invalid": (
        "error",
        "“{field}”的值“{value}”不是有效日期",
        "请按 2026-01-31 的格式填写日期",
    ),
    "date-after-as-of": (
        "error",
        "“{field}”的日期 {value} 晚于评估基准日 {as_of}",
        "请核对该日期（常见的是年份填错）；如评估基准日不对，请重新指定评估基准日",
    ),
    "fact-missing": (
        "warning",
        "认证审核需要“{field}”，但该项为空",
        "请补填，否则认证结果为“资料不全”",
    ),
    "no-standard-profile": (
        "warning",
        "{why}，无法确定对应的标准级别，知识项按“{level}”权重计算",
        "请填写现岗位级别",
    ),
    "framework-invalid": (
        "error",
        "模型文件有误：{value}",
        "请修改模型文件中 {field} 处",
    ),
    # the calibration meeting's adjustments file (调整表, cmxl calibrate --adjustments)
    "adjustments-header-missing": (
        "error",
        "调整表 {value} 中找不到表头行（应有：{heads}）",
        "请用 cmxl calibrate --template 生成调整表，按表头逐行填写",
    ),
    "adjustment-column-missing": (
        "error",
        "调整表缺少“{field}”列",
        "请在表头行加上“{field}”列（cmxl calibrate --template 生成的调整表有全部各列）",
    ),
    "adjustment-missing": (
        "error",
        "调整表第 {row_no} 行的“{field}”为空",
        "请填写{need}",
    ),
    "adjustment-kind-unknown": (
        "error",
        "调整表第 {row_no} 行的对象类别“{value}”无法识别",
        "只能填：{allowed}",
    ),
    "adjustment-target-unknown": (
        "error",
        "调整表第 {row_no} 行：本批次没有{kind}“{value}”",
        "对象须与测评工作簿中的写法一致；{known}",
    ),
    "adjustment-item-unknown": (
        "error",
        "调整表第 {row_no} 行的能力项“{value}”不是模型中的能力项",
        "请填写能力项名称，或填“{total}”（或留空）表示每一项；能力项：{items}",
    ),
    "adjustment-points-invalid": (
        "error",
        "调整表第 {row_no} 行的调整“{value}”不是 −{span} 到 +{span} 之间的分数",
        "请填写要加减的分数，如 +3 或 -2",
    ),
    "adjustment-points-zero": (
        "warning",
        "调整表第 {row_no} 行的调整为 0，不作改动",
        "如不需要调整，可删除该行",
    ),
    "adjustment-duplicate": (
        "error",
        "调整表第 {row_no} 行与第 {other} 行都是对{kind}“{value}”的“{item}”的调整",
        "同一对象和能力项只写一行：请合并为一行，写明合计要加减的分数",
    ),
}

SEVERITY_ZH = {"error": "错误", "warning": "警告"}


class Issue(BaseModel):
    """One problem, pointing at where it is and saying what to do."""

    code: str
    severity: Severity
    message: str
    hint: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    employee_id: str = ""
    field: str = ""
    value: str = ""


def issue(
    code: str,
    *,
    file: str = "",
    sheet: str = "",
    cell: str = "",
    employee_id: str = "",
    field: str = "",
    value: Any = "",
    **context: Any,
) -> Issue:
    """Build an Issue from the catalogue; message and hint are rendered from its templates."""
    severity, template, hint = CATALOGUE[code]
    shown = "" if value is None else str(value)
    fields = {"field": field, "value": shown, **context}
    return Issue(
        code=code,
        severity=severity,
        message=template.format(**fields),
        hint=hint.format(**fields),
        file=file,
        sheet=sheet,
        cell=cell,
        employee_id=employee_id,
        field=field,
        value=shown,
    )


class Report(BaseModel):
    """The issues of one run."""

    issues: list[Issue] = []

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return dict(Counter(i.code for i in self.issues))

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd  # only here: pandas takes a fifth of a second to load

        columns = list(Issue.model_fields)
        return pd.DataFrame([i.model_dump() for i in self.issues], columns=columns)
