"""Regenerate docs/issue-codes.md from the issue catalogue in the code (a test checks it is current).

python tools/gen_docs.py
"""

from __future__ import annotations

from pathlib import Path

from cmxl.core.issues import CATALOGUE, SEVERITY_ZH

TARGET = Path(__file__).resolve().parents[1] / "docs" / "issue-codes.md"


def render() -> str:
    lines = [
        "# 校验问题代码一览",
        "",
        "本页由 `python tools/gen_docs.py` 根据代码中的问题目录生成，请勿手工修改。",
        "“错误”会使 `cmxl validate` 以退出码 1 结束，且相关项目不参与计分；“警告”只作提示。",
        "",
        "| 代码 | 级别 | 说明（模板） | 处理建议 |",
        "|---|---|---|---|",
    ]
    for code, (severity, message, hint) in CATALOGUE.items():
        cells = [f"`{code}`", SEVERITY_ZH[severity], message, hint]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(TARGET)
