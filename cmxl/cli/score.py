"""cmxl score: a results workbook beside each workbook (the input is never changed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import (
    AsOfOpt,
    CycleOpt,
    DebugOpt,
    FrameworkOpt,
    HistoryLedgerOpt,
    JsonOpt,
    SchemeOpt,
    as_of,
    call,
    err,
    fail,
    print_json,
    xlsx_target,
)

FilesArg = Annotated[
    list[Path], typer.Argument(help="要评分的工作簿（可多个）", show_default=False, metavar="文件", readable=False)
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="文件", help="结果文件路径（只评一个文件时可用）", readable=False),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="结果文件已存在且不是 cmxl 的评分结果时，仍然覆盖")]


def score(
    files: FilesArg,
    output: OutputOpt = None,
    force: ForceOpt = False,
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of_text: AsOfOpt = None,
    as_json: JsonOpt = False,
    ledger: HistoryLedgerOpt = None,
    cycle: CycleOpt = None,
    debug: DebugOpt = False,
) -> None:
    """评分并生成结果工作簿（<原文件名>_评分结果.xlsx，原文件不会被修改）。"""
    day = as_of(as_of_text)
    xlsx_target(output)
    rules = {"framework": framework, "schemes": scheme or [], "as_of": day}
    history = {"ledger": ledger, "cycle": cycle}
    results = call(api.score, files, output=output, force=force, debug=debug, **rules, **history)
    people: list[dict] = []
    for f in results:
        if f.problem is not None:
            fail(f.problem, debug)
            continue
        a = f.assessment
        assert a is not None
        errors, warnings, counts = len(f.errors), len(f.warnings), f.counts
        note = f"，[red]{errors} 个错误[/red]（有错误的项目未计分，详见“校验问题”表）" if errors else ""
        waiting = f"、暂缓发证 {counts.held} 人" if counts.held else ""
        err.print(
            f"[bold]{escape(f.path.name)}[/bold]：{a.size} 人，申报认证 {counts.applied} 人、通过 {counts.passed} 人"
            f"{waiting}；{warnings} 个警告{note}\n  → 已生成 {escape(str(f.output))}"
        )
        if as_json:
            people += f.to_json()
    if as_json:
        print_json(people)
    raise typer.Exit(0 if all(f.ok for f in results) else 1)
