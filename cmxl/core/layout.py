"""What the plain results workbook holds: sheet names, tables and their Chinese headers.

(The formatted ReportSpec of the report issue replaces this; the renderer stays generic.)
"""

from __future__ import annotations

import pandas as pd

from .assessment import Assessment, results_frame
from .issues import SEVERITY_ZH, Report

RESULTS_SHEET = "评分结果"
ISSUES_SHEET = "校验问题"
INFO_SHEET = "运行信息"

ISSUE_HEADERS = {
    "severity": "严重程度",
    "code": "问题代码",
    "file": "文件",
    "sheet": "工作表",
    "cell": "单元格",
    "employee_id": "员工编号",
    "field": "字段",
    "value": "填写值",
    "message": "问题说明",
    "hint": "处理建议",
}


def issues_frame(report: Report) -> pd.DataFrame:
    frame = report.to_frame()[list(ISSUE_HEADERS)]
    frame["severity"] = frame["severity"].map(SEVERITY_ZH)
    return frame.rename(columns=ISSUE_HEADERS)


def plain_report(
    a: Assessment, *, source: str, sha256: str, tool_version: str, created: str
) -> list[tuple[str, pd.DataFrame]]:
    fw = a.framework
    info = pd.DataFrame(
        {
            "项目": [
                "工具版本",
                "能力模型",
                "模型版本",
                "模型内容哈希",
                "输入文件",
                "输入文件 SHA-256",
                "评估基准日",
                "生成时间",
                "人数",
                "错误数",
                "警告数",
            ],
            "内容": [
                tool_version,
                f"{fw.framework.name}（{fw.id}）",
                fw.version,
                fw.content_hash,
                source,
                sha256,
                a.as_of.isoformat(),
                created,
                str(a.size),
                str(len(a.report.errors)),
                str(len(a.report.warnings)),
            ],
        }
    )
    return [(RESULTS_SHEET, results_frame(a)), (ISSUES_SHEET, issues_frame(a.report)), (INFO_SHEET, info)]
