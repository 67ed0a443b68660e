"""cmxl addin: the Excel add-in built, installed, and the machine checked for it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import DebugOpt, call, command, err, new_app, out

app = new_app("Excel 加载项（功能区“能力测评”）")
InterpreterOpt = Annotated[
    str | None,
    typer.Option(
        "--interpreter", metavar="程序", help="Excel 调用的 Python（默认：当前这个 Python；Windows 上用 pythonw.exe）"
    ),
]
NativeOpt = Annotated[
    bool, typer.Option("--native", help="每个功能一个按钮（需在装有 Excel 的 Windows 电脑上运行，可选）")
]


@command(app, "build")
def addin_build(
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件", help="加载项文件", readable=False)] = Path(
        "cmxl.xlam"
    ),
    interpreter: InterpreterOpt = None,
    native: NativeOpt = False,
    debug: DebugOpt = False,
) -> None:
    """生成加载项 cmxl.xlam（不安装）。"""
    if output.name != "cmxl.xlam":
        raise typer.BadParameter("加载项的文件名必须是 cmxl.xlam（按钮按文件名调用 Python 模块）", param_hint="-o")
    target = call(api.build_addin, output, interpreter=interpreter, native=native, debug=debug)
    err.print(f"已生成 Excel 加载项 {escape(str(target))}")


@command(app, "install")
def addin_install(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            metavar="文件夹",
            help="安装到哪个文件夹（默认：Excel 启动时自动打开加载项的 XLSTART 文件夹）",
            readable=False,
        ),
    ] = None,
    interpreter: InterpreterOpt = None,
    native: NativeOpt = False,
    functions: Annotated[
        bool,
        typer.Option("--functions", help="同时导入工作表函数 CMXL_LEVEL 等（需 Windows 上的 Excel，见 docs/excel.md）"),
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """生成并安装加载项：重新打开 Excel 后，功能区出现“能力测评”选项卡。"""
    target = call(api.install_addin, folder, interpreter=interpreter, native=native, functions=functions, debug=debug)
    err.print(f"已安装 Excel 加载项 {escape(str(target))}。请重新打开 Excel，功能区会出现“能力测评”选项卡。")


@command(app, "check")
def addin_check() -> None:
    """自检：加载项、Python 路径与位数、xlwings 版本与 DLL、Office 版本、安全策略，每项给出处理办法。"""
    console = out()
    found, problem = api.check_addin()
    for finding in found:
        console.print(escape(finding.line()))
    console.print(
        "发现问题，请按“处理”一行操作后再运行 cmxl addin check。" if problem else "没有发现会妨碍使用的问题。"
    )
    if problem:
        raise typer.Exit(1)
