"""cmxl frameworks: the models and certification schemes there are, or HQ's file checked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cmxl import api
from cmxl.api.errors import CmxlError
from cmxl.cli.common import DebugOpt, JsonOpt, err, fail, out, print_json

CheckOpt = Annotated[
    Path | None,
    typer.Option("--check", metavar="文件", help="检查一个模型/认证方案文件，列出全部问题", readable=False),
]
AgainstOpt = Annotated[
    str | None,
    typer.Option(
        "--framework",
        "-f",
        metavar="模型",
        help="与 --check 同用：认证方案对照的能力模型（编号或模型文件路径），默认内置模型",
    ),
]


def frameworks(
    as_json: JsonOpt = False, check: CheckOpt = None, framework: AgainstOpt = None, debug: DebugOpt = False
) -> None:
    """列出可用的能力模型和认证方案（或检查总部下发的模型文件）。"""
    try:
        if check is not None:
            model = api.check(check, framework)  # a scheme is checked against the framework it is used with
            against = f"（认证等级的级别已对照能力模型 {model.checked_against}）" if model.checked_against else ""
            err.print(
                f"[green]{escape(str(check))} 没有问题[/green]：{model.id} 版本 {model.version}，内容哈希 {model.hash[:12]}"
                f"{escape(against)}"
            )
            raise typer.Exit(0)
        rows = api.frameworks()
    except CmxlError as exc:
        issues = getattr(exc, "issues", [])
        if issues and not as_json:
            where = getattr(exc, "source", None) or str(check)  # HQ's --framework file may be the bad one
            err.print(f"[red]错误：[/red]{escape(where)} 有 {len(issues)} 处问题：")
            for i in issues:
                err.print(f"  {escape(i.field)}：{escape(i.value)}")
        else:
            fail(exc, debug)
        raise typer.Exit(1) from None
    if as_json:
        print_json([{k: v for k, v in vars(r).items() if k != "checked_against"} for r in rows])
        return
    console = out()
    for r in rows:
        unit = "项" if r.is_framework else "个等级"
        console.print(
            f"{r.kind}  {r.id:<12} {r.name}  版本 {r.version}（{r.effective_date} 起）  {r.items} {unit}  哈希 {r.hash[:12]}"
        )
