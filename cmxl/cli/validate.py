"""cmxl validate: every problem of a workbook, with its cell and what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import (
    AsOfOpt,
    DebugOpt,
    FrameworkOpt,
    JsonOpt,
    SchemeOpt,
    as_of,
    call,
    err,
    fail,
    issue_line,
    print_json,
)

FilesArg = Annotated[
    list[Path], typer.Argument(help="要校验的工作簿（可多个）", show_default=False, metavar="文件", readable=False)
]


def validate(
    files: FilesArg,
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of_text: AsOfOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """校验测评工作簿：列出每个有问题的单元格及处理建议。"""
    day = as_of(as_of_text)
    results = call(api.validate, files, framework=framework, schemes=scheme or [], as_of=day, debug=debug)
    found: list[dict] = []
    for f in results:
        if f.problem is not None:
            fail(f.problem, debug)
            kind = getattr(f.problem, "kind", "unreadable")
            found.append({"file": f.path.name, "code": kind, "severity": "error", "message": f.problem.message})
            continue
        a = f.assessment
        assert a is not None
        found.extend(i.model_dump() for i in f.issues)
        if as_json:
            continue
        sheets = "、".join(a.intake.sheets) or "-"
        err.print(f"[bold]{escape(f.path.name)}[/bold]（{escape(sheets)}，{a.size} 人）：", end="")
        if not f.issues:
            err.print("[green]没有发现问题[/green]")
            continue
        held = f.counts.held
        waiting = f"；[yellow]暂缓发证 {held} 人[/yellow]（员工编号需要核实）" if held and not f.errors else ""
        err.print(f"{len(f.errors)} 个错误，{len(f.warnings)} 个警告{waiting}")
        for i in f.issues:
            err.print(issue_line(i))
    if as_json:
        print_json(found)
    raise typer.Exit(0 if all(f.ok for f in results) else 1)
