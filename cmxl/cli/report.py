"""cmxl report: a page per person (个人能力测评报告) as a Word document, and its PDF when asked."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import (
    DATE_FORMS,
    CycleOpt,
    DebugOpt,
    FrameworkOpt,
    HistoryLedgerOpt,
    SchemeOpt,
    as_of,
    call,
    err,
    fail,
)

FilesArg = Annotated[
    list[Path], typer.Argument(help="工作簿（可多个）", show_default=False, metavar="文件", readable=False)
]
FolderOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="文件夹", help="报告放在哪个文件夹（默认在各工作簿旁边）", readable=False),
]
ReportAsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="日期",
        help=f"评估基准日，默认今天（与 cmxl score 相同）；与某批次的认证名单对照时写其发证日期。可写 {DATE_FORMS}",
    ),
]
JobsOpt = Annotated[
    int,
    typer.Option("--jobs", "-j", metavar="进程数", help="绘制报告页的进程数，0 表示自动（人数多时每个 CPU 核一个）"),
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
    as_of_text: ReportAsOfOpt = None,
    jobs: JobsOpt = 0,
    ledger: HistoryLedgerOpt = None,
    cycle: CycleOpt = None,
    debug: DebugOpt = False,
) -> None:
    """每人一页的个人能力测评报告（<原文件名>_个人报告.docx）：雷达图、各能力项与标准的差距、发展目标、认证结果。"""
    if pdf_format not in ("docx", "pdf"):
        raise typer.BadParameter(f"“{pdf_format}”不是可用的格式，请写 docx 或 pdf", param_hint="--format")
    if jobs < 0:
        raise typer.BadParameter(f"进程数不能是 {jobs}，请写 0（自动）或正整数", param_hint="--jobs")
    day = as_of(as_of_text)
    default = "（未指定 --as-of，默认今天，与 cmxl score 相同）" if as_of_text is None else ""
    err.print(f"评估基准日：{day.isoformat()}{default}")
    pdf = pdf_format == "pdf"
    rules = {"framework": framework, "schemes": scheme or [], "as_of": day, "ledger": ledger, "cycle": cycle}
    progress, on_page = _progress()
    try:
        with progress:
            results = call(
                api.report, files, output=output, pdf=pdf, debug=debug, progress=on_page, jobs=jobs or None, **rules
            )
    except KeyboardInterrupt:
        err.print("[yellow]已中断：正在生成的报告未写出（不留下不完整的文件），此前已生成的报告是完整的。[/yellow]")
        raise typer.Exit(130) from None
    for f in results:
        if f.problem is not None:
            fail(f.problem, debug)
            continue
        extra = "（及 PDF）" if pdf else ""
        errors, held = len(f.errors), f.counts.held
        note = f"；[red]{errors} 个错误[/red]（有错误的项目未计分，可用 cmxl validate 查看）" if errors else ""
        waiting = f"；暂缓发证 {held} 人" if held else ""
        err.print(
            f"[bold]{escape(f.path.name)}[/bold]：{len(f.people)} 人{waiting}{note} → 已生成 {escape(str(f.output))}{extra}"
        )
    raise typer.Exit(0 if all(f.ok for f in results) else 1)


def _progress() -> tuple[Any, Any]:
    """A bar per workbook, a step per person. Drawn without a refresh thread: the pages may be drawn
    by forked processes, and a thread holding the console's lock while the process forks would
    leave that lock held in the copy. Piped: no bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        auto_refresh=False,
        disable=not err.is_terminal,
    )
    tasks: dict[Path, Any] = {}
    shown = [0.0]

    def on_page(path: Path, done: int, total: int) -> None:
        if path not in tasks:
            tasks[path] = progress.add_task(f"正在生成个人报告：{escape(path.name)}", total=total)
        progress.update(tasks[path], completed=done)
        now = time.monotonic()
        if done == total or now - shown[0] > 0.1:
            shown[0] = now
            progress.refresh()

    return progress, on_page
