"""cmxl report: a page per person (个人能力测评报告) as a Word document, and its PDF when asked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import AsOfOpt, DebugOpt, FrameworkOpt, SchemeOpt, as_of, call, err, fail

FilesArg = Annotated[
    list[Path], typer.Argument(help="工作簿（可多个）", show_default=False, metavar="文件", readable=False)
]
FolderOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="文件夹", help="报告放在哪个文件夹（默认在各工作簿旁边）", readable=False),
]
FormatOpt = Annotated[
    str, typer.Option("--format", metavar="docx|pdf", help="docx：Word 报告；pdf：另外生成 PDF（需要 LibreOffice）")
]


def report(
    files: FilesArg,
    output: FolderOpt = None,
    pdf_format: FormatOpt = "docx",
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of_text: AsOfOpt = None,
    debug: DebugOpt = False,
) -> None:
    """每人一页的个人能力测评报告（<原文件名>_个人报告.docx）：雷达图、各能力项与标准的差距、发展目标、认证结果。"""
    if pdf_format not in ("docx", "pdf"):
        raise typer.BadParameter(f"“{pdf_format}”不是可用的格式，请写 docx 或 pdf", param_hint="--format")
    day = as_of(as_of_text)
    pdf = pdf_format == "pdf"
    rules = {"framework": framework, "schemes": scheme or [], "as_of": day}
    results = call(api.report, files, output=output, pdf=pdf, debug=debug, **rules)
    for f in results:
        if f.problem is not None:
            fail(f.problem, debug)
            continue
        extra = "（及 PDF）" if pdf else ""
        err.print(f"[bold]{escape(f.path.name)}[/bold]：{len(f.people)} 人 → 已生成 {escape(str(f.output))}{extra}")
    raise typer.Exit(0 if all(f.problem is None for f in results) else 1)
