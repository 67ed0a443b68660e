"""What every command shares: the consoles, the options taken by several commands, the parsing
of dates and day counts, and how a failure or an issue is printed.

Options name what the clerk gives in Chinese (文件, 日期, 天数 …: the metavar), never a type."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from cmxl import api
from cmxl.api.errors import CmxlError
from cmxl.cli.zh import ZhCommand, ZhGroup

if TYPE_CHECKING:
    from cmxl.api import Issue


T = TypeVar("T")


class QuietPipeConsole(Console):
    """A console whose reader may go away (`cmxl certs list | head -1`): the rest of the output
    is dropped and the command ends normally, not with an error."""

    def on_broken_pipe(self) -> None:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0)


err = QuietPipeConsole(stderr=True, highlight=False, soft_wrap=True)


def out() -> QuietPipeConsole:
    """The console for a command's own output (stdout), made when the command prints."""
    return QuietPipeConsole(highlight=False, soft_wrap=True)


def new_app(help: str) -> typer.Typer:
    """A command group whose help and usage errors are in Chinese (cmxl.cli.zh)."""
    return typer.Typer(
        cls=ZhGroup,
        add_completion=False,
        no_args_is_help=True,
        help=help,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def command(app: typer.Typer, name: str | None = None) -> Any:
    """`@command(app)`: a command of `app` with Chinese help."""
    return app.command(name, cls=ZhCommand)


DATE_FORMS = api.DATE_FORMS

FrameworkOpt = Annotated[
    str | None,
    typer.Option(
        "--framework", "-f", metavar="模型", help="能力模型编号（见 cmxl frameworks）或总部下发的模型文件路径"
    ),
]
SchemeOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--scheme",
        metavar="文件",
        help="总部下发的认证方案文件（可多次给出）；替换同编号的内置认证方案",
        show_default=False,
        readable=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="日期", help=f"评估基准日（证书有效期按此判断），默认今天；可写 {DATE_FORMS}"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本和其他系统使用）")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="出错时显示技术细节")]
LedgerOpt = Annotated[Path, typer.Option("--ledger", metavar="文件", help="证书台账文件", readable=False)]
# the change since the previous cycle (docs/rules.md, 历次测评): score, report and compare read the ledger
HistoryLedgerOpt = Annotated[
    Path | None,
    typer.Option(
        "--ledger",
        metavar="文件",
        help="证书台账文件：与其中记录的往期测评比较，显示每人的变化（台账只读不写）",
        readable=False,
    ),
]
CycleOpt = Annotated[
    str | None,
    typer.Option("--cycle", metavar="周期", help="本次测评的周期名称（如 2026、2026上半年），默认为评估基准日的年份"),
]
WithinOpt = Annotated[int, typer.Option("--within", metavar="天数", help="列出多少天内到期的证书（0–3650）")]

MAX_WITHIN = 3650  # days ahead 即将到期 may look


def as_of(text: str | None, option: str = "--as-of") -> dt.date:
    """The date given (in any of the written forms a date cell may have too), or today."""
    if text is None:
        return dt.date.today()
    try:
        return api.date_from_text(text)
    except CmxlError as exc:
        raise typer.BadParameter(exc.message, param_hint=option) from None


def xlsx_target(path: Path | None) -> None:
    """cmxl writes .xlsx workbooks: an output named otherwise would be an .xlsx under a wrong name."""
    if path is not None and path.suffix.lower() != ".xlsx":
        raise typer.BadParameter(f"{path} 的扩展名应为 .xlsx（cmxl 写出的是 Excel 工作簿）", param_hint="-o")


def within(days: int) -> int:
    if not 0 <= days <= MAX_WITHIN:
        raise typer.BadParameter(f"{days} 天不合理，请给出 0–{MAX_WITHIN} 之间的天数", param_hint="--within")
    return days


def fail(exc: BaseException, debug: bool = False) -> None:
    """One line in Chinese (the traceback too, with --debug)."""
    if debug:
        err.print(escape(traceback.format_exc()))
    message = exc.message if isinstance(exc, CmxlError) else f"意外错误：{exc}（加 --debug 查看详情）"
    err.print(f"[red]错误：[/red]{escape(message)}")


def stop(exc: BaseException, debug: bool = False) -> NoReturn:
    """Say what stopped the command, and end it with exit code 1."""
    fail(exc, debug)
    raise typer.Exit(1)


def call(work: Callable[..., T], *args: Any, debug: bool = False, **kwargs: Any) -> T:
    """One cmxl.api call. An option that cannot work is a usage error (exit 2, in the option's
    words); anything else that stops the work is one Chinese line and exit 1."""
    try:
        return work(*args, **kwargs)
    except CmxlError as exc:
        option = getattr(exc, "option", None)
        if option is not None:
            raise typer.BadParameter(exc.message, param_hint=option) from None
        stop(exc, debug)


def print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1) + "\n")


def issue_line(i: Issue) -> str:
    where = f"{i.sheet}!{i.cell}" if i.cell else (i.sheet or "")
    who = f" 员工 {i.employee_id}" if i.employee_id else ""
    colour = "red" if i.severity == "error" else "yellow"
    return (
        f"  {escape(where)} [{colour}]{api.SEVERITY_ZH[i.severity]}[/{colour}]{escape(who)}："
        f"{escape(i.message)}。[dim]{escape(i.hint)} ({i.code})[/dim]"
    )
