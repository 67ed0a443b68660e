"""Worksheet functions for clerks who build their own sheets (Windows Excel; xlwings' "Import
Functions", see docs/excel.md). Each is a thin wrapper over cmxl.core.engine.single, which runs the
same rules as scoring a workbook. A value the rules reject gives its Chinese message
("错误：…") in the cell instead of a number, so the clerk sees what to fix."""

from __future__ import annotations

import xlwings as xw

from cmxl.core.engine import single
from cmxl.core.errors import CmxlError


def _answer(compute):
    try:
        return compute()
    except single.Rejected as exc:
        return f"错误：{exc}"
    except CmxlError as exc:  # an unknown framework id or a bad framework file
        return f"错误：{exc.message}"


@xw.func
def CMXL_LEVEL(score, framework=None):  # Excel function names are upper case
    """能力素质级别：分数（0–100）所在的级别；也可填级别名称加以核对。可选：能力模型编号或模型文件路径。"""
    return _answer(lambda: single.level(score, framework))


@xw.func
@xw.arg("scores", ndim=1)
def CMXL_TOTAL(scores, framework=None):
    """加权总分：按模型顺序给出每个能力项的分数或级别（一行或一列）。可选：能力模型。"""
    return _answer(lambda: single.total(list(scores), framework))


@xw.func
def CMXL_GAP(level, grade, item, framework=None):
    """与岗位标准级别的差距（级差）：测评级别或分数、岗位级别（如 高级客户经理）、能力项名称。可选：能力模型。"""
    return _answer(lambda: single.gap(level, grade, item, framework))


@xw.func
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
    facts = {
        "applied": grade,
        "written": written,
        "interview": interview,
        "training_hours": training_hours,
        "years_continuous": years_continuous,
        "years_cumulative": years_cumulative,
        "held": held,
        "held_date": held_date,
        "probation": probation,
        "simulated": simulated,
        "marketing": marketing,
        "appraisal": appraisal,
        "scheme": category,
    }
    return _answer(lambda: single.certification(facts, framework))
