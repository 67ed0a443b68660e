"""The command line's own words in Chinese: help, usage and usage errors, through typer's public
API only (no typer._click, so typer is not pinned to one minor version).

- Help: ZhCommand and ZhGroup (typer.core's classes, as `cls=`) draw it themselves with rich: a
  Chinese usage line and panel titles, each option's Chinese metavar (文件, 日期, 天数 …; none for a
  flag, never a type such as <bool> or <list[Path]>), and descriptions that wrap (Chinese has no
  spaces to break at: rich's tables would cut it with “…”).
- Usage errors: ZhGroup.main runs the command with standalone_mode=False and says every click
  usage error again in Chinese (exit 2); the classes are click's public exceptions, reached from
  typer.BadParameter (typer vendors click). Ctrl-C is 130, a closed pipe ends quietly, anything
  else is one Chinese line and exit 1 (the traceback only with --debug)."""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
import traceback
from typing import Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

USAGE, OPTIONS, ARGUMENTS, COMMANDS = "用法：", "[选项]", "参数", "命令"
HELP_TEXT = "显示本帮助并退出。"


def _click_class(name: str) -> type[Exception]:
    """One of click's usage-error classes, found under typer.BadParameter's base (UsageError);
    a class of no instance when this click has none of that name."""
    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    todo: list[type] = [usage_error]
    while todo:
        cls = todo.pop()
        if cls.__name__ == name:
            return cls
        todo += cls.__subclasses__()
    return type(name, (Exception,), {})


UsageError = _click_class("UsageError")
MissingParameter = _click_class("MissingParameter")
NoSuchOption = _click_class("NoSuchOption")
NoArgsIsHelp = _click_class("NoArgsIsHelpError")  # `cmxl` alone: the help has been shown


# ---- help ------------------------------------------------------------------------------------------
def usage(ctx: Any) -> str:
    """用法：cmxl score [选项] 文件... — the arguments by their Chinese names."""
    command = ctx.command
    pieces = [OPTIONS]
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        name = param.metavar or (param.name or "").upper()
        name += "..." if param.nargs == -1 else ""
        pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, TyperGroup):
        pieces += [COMMANDS, f"[{ARGUMENTS}]..."]
    return f"{USAGE}{ctx.command_path} {' '.join(pieces)}"


def _option_row(param: Any, ctx: Any) -> list[Any]:
    from rich.text import Text

    is_argument = param.param_type_name == "argument"
    longs = ",".join(o for o in param.opts if o.startswith("--"))
    shorts = ",".join(o for o in param.opts if not o.startswith("--"))
    if is_argument:
        longs, shorts = param.metavar or (param.name or "").upper(), ""
    flag = getattr(param, "is_flag", False)
    metavar = "" if flag or is_argument else (param.metavar or "")
    help_text = HELP_TEXT if param.name == "help" else (getattr(param, "help", None) or "")
    text = Text(inspect.cleandoc(help_text), overflow="fold")
    shown = getattr(param, "show_default", None)
    default = shown if isinstance(shown, str) else param.default
    if shown is not False and default not in (None, "", (), []) and not (flag and not param.default):
        text.append(f" [默认：{default}]", style="dim")
    if param.required:
        text.append(" [必填]", style="dim red")
    mark = Text("*", style="red") if param.required else Text("")
    return [mark, Text(longs, style="bold cyan"), Text(shorts, style="bold green"), Text(metavar, style="yellow"), text]


def _panel(title: str, rows: list[list[Any]]) -> Any:
    from rich.panel import Panel
    from rich.table import Table

    table = Table.grid(padding=(0, 1), expand=True)
    for _ in rows[0][:-1]:
        table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return Panel(table, title=title, title_align="left", border_style="dim")


def print_help(command: Any, ctx: Any) -> None:
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    console = Console(highlight=False)
    console.print(Padding(Text(usage(ctx), style="bold", overflow="fold"), (1, 1, 0, 1)))
    first, *rest = inspect.cleandoc(command.help or "").split("\n\n")
    console.print(Padding(Text(first.replace("\n", ""), overflow="fold"), (1, 1, 1 if not rest else 0, 1)))
    if rest:
        console.print(Padding(Text("\n\n".join(rest), style="dim", overflow="fold"), (1, 1, 1, 1)))
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [_option_row(p, ctx) for p in params if p.param_type_name == "argument"]
    options = [_option_row(p, ctx) for p in params if p.param_type_name == "option"]
    if arguments:
        console.print(_panel("参数", arguments))
    if options:
        console.print(_panel("选项", options))
    if isinstance(command, TyperGroup):
        rows = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                summary = inspect.cleandoc(sub.help or "").split("\n\n")[0].replace("\n", "")
                rows.append([Text(name, style="bold cyan"), Text(summary, overflow="fold")])
        if rows:
            console.print(_panel("命令", rows))


class ZhCommand(TyperCommand):
    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx)


class ZhGroup(TyperGroup):
    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """The one place every error of a command ends (standalone, as `cmxl` runs it)."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except UsageError as error:
            _usage_error(error)
        except (typer.Abort, KeyboardInterrupt):  # Ctrl-C, as typer reports it or as Python does
            print("已中断。", file=sys.stderr)
            sys.exit(130)
        except BrokenPipeError:  # the reader of our output went away: nothing left to say to it
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as error:
            _unexpected(error)
        sys.exit(result if isinstance(result, int) else 0)


# ---- usage errors ----------------------------------------------------------------------------------
def _usage_error(error: Any) -> NoReturn:
    if isinstance(error, NoArgsIsHelp):
        sys.exit(2)
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        print(usage(ctx), file=sys.stderr)
        print(f"运行 '{ctx.command_path} -h' 查看帮助。", file=sys.stderr)
    print(f"用法错误：{usage_error_in_chinese(error)}", file=sys.stderr)
    sys.exit(2)


def _unexpected(error: Exception) -> NoReturn:
    if "--debug" in sys.argv:
        traceback.print_exc()
    said = getattr(error, "message", None)  # cmxl's own errors say what to do in Chinese
    if said:
        print(f"错误：{said}", file=sys.stderr)
    else:
        print(
            f"错误：{type(error).__name__}: {error}（这是 cmxl 未预料到的情况；加 --debug 可查看技术细节）",
            file=sys.stderr,
        )
    sys.exit(1)


def _hint(error: Any) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    return error.param.get_error_hint() if error.param is not None else ""


def usage_error_in_chinese(error: Any) -> str:
    if isinstance(error, MissingParameter):
        kind = error.param_type or getattr(error.param, "param_type_name", "")
        return f"缺少{'参数' if kind == 'argument' else '选项'} {_hint(error)}"
    if isinstance(error, NoSuchOption):
        near = f"（是否想用：{'、'.join(error.possibilities)}？）" if error.possibilities else ""
        return f"没有这个选项：{error.option_name}{near}"
    if isinstance(error, typer.BadParameter):
        return f"{_hint(error)} 的值无效：{error.message}"
    message = error.message
    if message.startswith("Got unexpected extra argument"):
        return "多余的参数" + message[message.find("(") :]
    if message.startswith("No such command"):
        return "没有这个命令" + message[len("No such command") :]
    return message
