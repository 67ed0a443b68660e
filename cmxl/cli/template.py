"""cmxl template: the blank assessment template of a model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import DebugOpt, FrameworkOpt, call, err, xlsx_target

OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="文件", help="模板文件路径，默认 测评模板_<模型编号>.xlsx", readable=False),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="目标文件已存在时覆盖")]


def template(
    framework: FrameworkOpt = None, output: OutputOpt = None, force: ForceOpt = False, debug: DebugOpt = False
) -> None:
    """生成空白测评模板（带下拉列表、分数检查、填写说明和模型参数）。"""
    xlsx_target(output)
    model = call(api.framework_info, framework, debug=debug)
    target = call(api.template, framework, output, force, debug=debug)
    err.print(f"已生成测评模板 {escape(str(target))}（{escape(model.name)}，{model.id} 版本 {model.version}）")
