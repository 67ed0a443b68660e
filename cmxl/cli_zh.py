"""Chinese for the command line's own words: help headings and usage errors.

typer vendors click with English messages written into the code (no gettext to hook), so help
panel titles are set through typer's constants, and usage errors are caught at the top and
said again in Chinese. The exit code stays 2."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback

import typer
import typer.rich_utils as rich_utils
from typer._click import decorators, formatting
from typer._click import exceptions as click_errors

rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
rich_utils.OPTIONS_PANEL_TITLE = "选项"
rich_utils.COMMANDS_PANEL_TITLE = "命令"
rich_utils.ERRORS_PANEL_TITLE = "错误"
rich_utils.ABORTED_TEXT = "已中止。"
rich_utils.DEFAULT_STRING = "[默认：{}]"
rich_utils.REQUIRED_LONG_STRING = "[必填]"
rich_utils.RICH_HELP = "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"

_write_usage = formatting.HelpFormatter.write_usage


def _usage_in_chinese(self, prog: str, args: str = "", prefix: str | None = None) -> None:
    _write_usage(
        self,
        prog,
        args.replace("[OPTIONS]", "[选项]").replace("COMMAND", "命令"),
        "用法：" if prefix is None else prefix,
    )


formatting.HelpFormatter.write_usage = _usage_in_chinese  # type: ignore[method-assign]

_help_option = decorators.help_option


def _help_in_chinese(param_decls: list[str]):
    add = _help_option(param_decls)

    def decorator(command):
        add(command)
        command.params[-1].help = "显示本帮助并退出。"
        return command

    return decorator


decorators.help_option = _help_in_chinese  # looked up there each time a command builds its help option


def _hint(error: click_errors.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    return error.param.get_error_hint() if error.param is not None else ""


def usage_error_in_chinese(error: click_errors.UsageError) -> str:
    if isinstance(error, click_errors.MissingParameter):
        return f"缺少{'参数' if (error.param_type or getattr(error.param, 'param_type_name', '')) == 'argument' else '选项'} {_hint(error)}"
    if isinstance(error, click_errors.NoSuchOption):
        near = f"（是否想用：{'、'.join(error.possibilities)}？）" if error.possibilities else ""
        return f"没有这个选项：{error.option_name}{near}"
    if isinstance(error, click_errors.BadParameter):
        return f"{_hint(error)} 的值无效：{error.message}"
    message = error.message
    if message.startswith("Got unexpected extra argument"):
        return "多余的参数" + message[message.find("(") :]
    if message.startswith("No such command"):
        return "没有这个命令" + message[len("No such command") :]
    return message


def run(app: typer.Typer) -> None:
    """Run the CLI: the one place every error ends. Usage errors are explained in Chinese (exit 2);
    Ctrl-C is exit 130; a closed pipe (`cmxl certs list | head -1`) ends quietly; anything else is
    one Chinese line and exit 1, with the traceback only under --debug."""
    try:
        result = app(standalone_mode=False)
    except click_errors.UsageError as error:
        if error.ctx is not None:
            print(error.ctx.get_usage(), file=sys.stderr)
            print(f"运行 '{error.ctx.command_path} -h' 查看帮助。", file=sys.stderr)
        print(f"用法错误：{usage_error_in_chinese(error)}", file=sys.stderr)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):  # Ctrl-C, as typer reports it or as Python does
        print("已中断。", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # the reader of our output went away: nothing left to say to it
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as error:
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
    sys.exit(result if isinstance(result, int) else 0)
