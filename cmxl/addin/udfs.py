"""Worksheet functions for clerks who build their own sheets (Windows Excel; xlwings' "Import
Functions", see docs/excel.md). Each is a thin wrapper over cmxl.api (cmxl.core.engine.single), which runs the
same rules as scoring a workbook. A function never raises into a cell: a value the rules reject,
an empty or error cell, a range where one cell is wanted, an argument of the wrong type each give
"错误：…" in Chinese, so the clerk sees what to fix instead of Python's text.

Every argument is taken as a block of cells with Excel's error values as text (#N/A …):
single.py decides what a block or an error means, never xlwings' converters, which refuse a 2-D
range with an English message. No type hints on the parameters: xlwings reads them as converters."""

import xlwings as xw

from cmxl import api
from cmxl.api.errors import CmxlError


def _answer(compute):
    try:
        return compute()
    except api.Rejected as exc:
        return f"错误：{exc}"
    except CmxlError as exc:  # an unknown framework id or a bad framework file
        return f"错误：{exc.message}"
    except Exception as exc:  # a cell never shows a traceback; tests/test_excel_udfs.py fuzzes for these
        return f"错误：cmxl 无法计算（{type(exc).__name__}），请把公式和所引用的值告诉管理员"


def _cells(**docs: str):
    """Each named argument as a block of cells (2-D), error values as text, with its Chinese
    description for Excel's function wizard."""

    def apply(function):
        for name, doc in docs.items():
            function = xw.arg(name, ndim=2, err_to_str=True, doc=doc)(function)
        return function

    return apply


FRAMEWORK_DOC = "可选：能力模型编号（如 cm18、cm11）或总部下发的模型文件路径"


@xw.func
@_cells(score="分数（0–100）或级别名称", framework=FRAMEWORK_DOC)
def CMXL_LEVEL(score, framework=None):  # Excel function names are upper case
    """能力素质级别：分数（0–100）所在的级别；也可填级别名称加以核对。可选：能力模型编号或模型文件路径。"""
    return _answer(lambda: api.cell_level(score, framework))


@xw.func
@_cells(scores="按模型顺序的各能力项分数或级别（一行、一列或一块单元格）", framework=FRAMEWORK_DOC)
def CMXL_TOTAL(scores, framework=None):
    """加权总分：按模型顺序给出每个能力项的分数或级别（一行或一列）。可选：能力模型。"""
    return _answer(lambda: api.cell_total(scores, framework))


@xw.func
@_cells(
    level="测评级别或分数",
    grade="现岗位级别（如 高级客户经理）",
    item="能力项名称（如 成就导向）",
    framework=FRAMEWORK_DOC,
)
def CMXL_GAP(level, grade, item, framework=None):
    """与岗位标准级别的差距（级差）：测评级别或分数、岗位级别（如 高级客户经理）、能力项名称。可选：能力模型。"""
    return _answer(lambda: api.cell_gap(level, grade, item, framework))


@xw.func
@_cells(
    grade="申报认证等级（如 四级）",
    written="笔试成绩",
    interview="面试成绩",
    simulated="可选：模拟实战",
    marketing="可选：营销实战",
    appraisal="可选：年度业绩考核",
    category="可选：认证类别",
    framework=FRAMEWORK_DOC,
    **api.condition_argument_docs(),  # the eligibility conditions' facts: 培训学时, 已持证书等级 ...
)
def CMXL_CERT(
    grade,
    written,
    interview,
    training_hours=None,
    years_continuous=None,
    years_cumulative=None,
    held=None,
    probation=None,
    simulated=None,
    marketing=None,
    appraisal=None,
    category=None,
    framework=None,
    held_date=None,
):
    """认证结果及全部原因：申报认证等级、笔试、面试；可选：培训学时、连续年限、累计年限、已持证书等级、
    试用期考核、模拟实战、营销实战、年度业绩考核、认证类别、能力模型、证书取得日期（已持证书须在有效期内）。"""
    arguments = dict(locals())  # by parameter name (the positions stay: formulas pass them in order)
    del arguments["framework"]
    return _answer(lambda: api.cell_certification_of_arguments(arguments, framework))
