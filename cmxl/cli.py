"""Command line: cmxl validate | score | frameworks.

typer (on click) gives subcommands, --help and exit code 2 on usage errors; rich prints
Chinese text and colours that degrade to plain text when output is piped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import TaskID

import cmxl.cli_zh  # noqa: F401  (Chinese help headings; imported before any help is drawn)
from cmxl import api
from cmxl.batch import LEDGER_NAME, OptionProblem
from cmxl.core.engine.tally import tally
from cmxl.core.errors import CmxlError
from cmxl.core.issues import SEVERITY_ZH, Issue
from cmxl.core.model.framework import Framework
from cmxl.core.model.loading import catalogue


class QuietPipeConsole(Console):
    """A console whose reader may go away (`cmxl certs list | head -1`): the rest of the output
    is dropped and the command ends normally, not with an error."""

    def on_broken_pipe(self) -> None:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0)


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="cmxl：客户经理能力测评评分与岗位技能认证工具",
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = QuietPipeConsole(stderr=True, highlight=False, soft_wrap=True)

FrameworkOpt = Annotated[
    str | None, typer.Option("--framework", "-f", help="能力模型编号（见 cmxl frameworks）或总部下发的模型文件路径")
]
SchemeOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--scheme",
        help="总部下发的认证方案文件（可多次给出）；替换同编号的内置认证方案",
        show_default=False,
        readable=False,
    ),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="评估基准日（证书有效期按此判断），默认今天，格式 2026-12-01")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本和其他系统使用）")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="出错时显示技术细节")]


FIRST_DAY, LAST_DAY = dt.date(1990, 1, 1), dt.date(2100, 12, 31)  # dates an assessment can have
MAX_WITHIN = 3650  # days ahead 即将到期 may look


def _as_of(text: str | None, option: str = "--as-of") -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # fromisoformat also takes 2026-W48-2
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"“{text}”不是日期，请写成 2026-12-01", param_hint=option) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise typer.BadParameter(f"{day} 不在 {FIRST_DAY.year}–{LAST_DAY.year} 年之间，请检查年份", param_hint=option)
    return day


def _xlsx_target(path: Path | None) -> None:
    """cmxl writes .xlsx workbooks: an output named otherwise would be an .xlsx under a wrong name."""
    if path is not None and path.suffix.lower() != ".xlsx":
        raise typer.BadParameter(f"{path} 的扩展名应为 .xlsx（cmxl 写出的是 Excel 工作簿）", param_hint="-o")


def _within(days: int) -> int:
    if not 0 <= days <= MAX_WITHIN:
        raise typer.BadParameter(f"{days} 天不合理，请给出 0–{MAX_WITHIN} 之间的天数", param_hint="--within")
    return days


def _framework(spec: str | None, debug: bool) -> Framework:
    """The framework asked for, or a one-line Chinese error and exit 1."""
    try:
        return catalogue().framework(spec)
    except CmxlError as exc:
        _fail(exc, debug)
        raise typer.Exit(1) from None


def _schemes(paths: list[Path] | None, debug: bool) -> list:
    """HQ's scheme files, each checked now, or a one-line Chinese error and exit 1."""
    try:
        return [catalogue().scheme(p) for p in paths or []]
    except CmxlError as exc:
        _fail(exc, debug)
        raise typer.Exit(1) from None


def _fail(exc: Exception, debug: bool) -> None:
    if debug:
        err.print(escape(traceback.format_exc()))
    message = exc.message if isinstance(exc, CmxlError) else f"意外错误：{exc}（加 --debug 查看详情）"
    err.print(f"[red]错误：[/red]{escape(message)}")


def _line(i: Issue) -> str:
    where = f"{i.sheet}!{i.cell}" if i.cell else (i.sheet or "")
    who = f" 员工 {i.employee_id}" if i.employee_id else ""
    colour = "red" if i.severity == "error" else "yellow"
    return (
        f"  {escape(where)} [{colour}]{SEVERITY_ZH[i.severity]}[/{colour}]{escape(who)}："
        f"{escape(i.message)}。[dim]{escape(i.hint)} ({i.code})[/dim]"
    )


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="要校验的工作簿（可多个）", show_default=False, metavar="文件", readable=False)
    ],
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """校验测评工作簿：列出每个有问题的单元格及处理建议。"""
    day = _as_of(as_of)
    found: list[dict] = []
    fw, schemes = _framework(framework, debug), _schemes(scheme, debug)
    results = api.validate(files, framework=fw, schemes=schemes, as_of=day)
    for f in results:
        if f.problem is not None:
            _fail(f.problem, debug)
            found.append(
                {
                    "file": f.path.name,
                    "code": getattr(f.problem, "kind", "unreadable"),
                    "severity": "error",
                    "message": f.problem.message,
                }
            )
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
        err.print(f"{len(f.errors)} 个错误，{len(f.warnings)} 个警告")
        for i in f.issues:
            err.print(_line(i))
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=1) + "\n")
    raise typer.Exit(0 if all(f.ok for f in results) else 1)


@app.command()
def score(
    files: Annotated[
        list[Path], typer.Argument(help="要评分的工作簿（可多个）", show_default=False, metavar="文件", readable=False)
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="结果文件路径（只评一个文件时可用）", readable=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="结果文件已存在且不是 cmxl 的评分结果时，仍然覆盖")] = False,
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """评分并生成结果工作簿（<原文件名>_评分结果.xlsx，原文件不会被修改）。"""
    day = _as_of(as_of)
    _xlsx_target(output)
    fw, schemes = _framework(framework, debug), _schemes(scheme, debug)
    try:
        results = api.score(files, output=output, framework=fw, schemes=schemes, as_of=day, force=force)
    except OptionProblem as exc:
        raise typer.BadParameter(exc.message, param_hint=exc.option) from None
    people: list[dict] = []
    for f in results:
        if f.problem is not None:
            _fail(f.problem, debug)
            continue
        a = f.assessment
        assert a is not None
        errors, warnings = len(f.errors), len(f.warnings)
        counts = tally(f.people)  # as 统计图表 and the roster count them
        passed, held, applied = counts.passed, counts.held, counts.applied
        note = f"，[red]{errors} 个错误[/red]（有错误的项目未计分，详见“校验问题”表）" if errors else ""
        waiting = f"、暂缓发证 {held} 人" if held else ""
        err.print(
            f"[bold]{escape(f.path.name)}[/bold]：{a.size} 人，申报认证 {applied} 人、通过 {passed} 人{waiting}；"
            f"{warnings} 个警告{note}\n  → 已生成 {escape(str(f.output))}"
        )
        if as_json:
            for record in a.to_json():
                record["file"] = f.path.name
                record["framework"] = {"id": fw.id, "version": fw.version, "hash": fw.content_hash}
                people.append(record)
    if as_json:
        sys.stdout.write(json.dumps(people, ensure_ascii=False, indent=1) + "\n")
    raise typer.Exit(0 if all(f.ok for f in results) else 1)


ReportAsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="评估基准日，默认今天（与 cmxl score 相同）；与某批次的认证名单对照时写其发证日期。格式 2026-12-01",
    ),
]


@app.command()
def report(
    files: Annotated[
        list[Path], typer.Argument(help="工作簿（可多个）", show_default=False, metavar="文件", readable=False)
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="报告放在哪个文件夹（默认在各工作簿旁边）", readable=False)
    ] = None,
    pdf_format: Annotated[
        str, typer.Option("--format", help="docx：Word 报告；pdf：另外生成 PDF（需要 LibreOffice）")
    ] = "docx",
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of: ReportAsOfOpt = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="绘制报告页的进程数，0 表示自动（人数多时每个 CPU 核一个）")
    ] = 0,
    debug: DebugOpt = False,
) -> None:
    """每人一页的个人能力测评报告（<原文件名>_个人报告.docx）：雷达图、各能力项与标准的差距、发展目标、认证结果。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if pdf_format not in ("docx", "pdf"):
        raise typer.BadParameter(f"“{pdf_format}”不是可用的格式，请写 docx 或 pdf", param_hint="--format")
    if jobs < 0:
        raise typer.BadParameter(f"进程数不能是 {jobs}，请写 0（自动）或正整数", param_hint="--jobs")
    day = _as_of(as_of)
    fw, schemes = _framework(framework, debug), _schemes(scheme, debug)
    default = "（未指定 --as-of，默认今天，与 cmxl score 相同）" if as_of is None else ""
    err.print(f"评估基准日：{day.isoformat()}{default}")
    # drawn without a refresh thread: the pages may be drawn by forked processes, and a thread
    # holding the console's lock while the process forks would leave that lock held in the copy
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        auto_refresh=False,
        disable=not err.is_terminal,  # piped: no bar (it would leave an empty line)
    )
    tasks: dict[Path, TaskID] = {}
    shown = [0.0]

    def on_page(path: Path, done: int, total: int) -> None:
        if path not in tasks:
            tasks[path] = progress.add_task(f"正在生成个人报告：{escape(path.name)}", total=total)
        progress.update(tasks[path], completed=done)
        now = time.monotonic()
        if done == total or now - shown[0] > 0.1:
            shown[0] = now
            progress.refresh()

    try:
        with progress:
            results = api.report(
                files,
                output=output,
                framework=fw,
                schemes=schemes,
                as_of=day,
                pdf=pdf_format == "pdf",
                progress=on_page,
                jobs=jobs or None,
            )
    except KeyboardInterrupt:
        err.print("[yellow]已中断：正在生成的报告未写出（不留下不完整的文件），此前已生成的报告是完整的。[/yellow]")
        raise typer.Exit(130) from None
    for f in results:
        if f.problem is not None:
            _fail(f.problem, debug)
            continue
        extra = "（及 PDF）" if pdf_format == "pdf" else ""
        err.print(f"[bold]{escape(f.path.name)}[/bold]：{len(f.people)} 人 → 已生成 {escape(str(f.output))}{extra}")
    raise typer.Exit(0 if all(f.problem is None for f in results) else 1)


@app.command()
def compare(
    file: Annotated[
        Path, typer.Argument(help="要重新评分的工作簿", show_default=False, metavar="文件", readable=False)
    ],
    new: Annotated[str, typer.Option("--new", help="新模型或新认证方案：编号或总部下发的文件路径")],
    old: Annotated[
        str | None, typer.Option("--old", help="原模型或原认证方案，默认为默认模型或同编号的认证方案")
    ] = None,
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """模型或认证方案调整后重新评分：列出规则差异，以及结果发生变化的人员和原因（不写任何文件）。"""
    day = _as_of(as_of)
    fw, schemes = (_framework(framework, debug) if framework else None), _schemes(scheme, debug)
    try:
        found = api.compare(file, new, old, day, framework=fw, schemes=schemes)
    except CmxlError as exc:
        _fail(exc, debug)
        raise typer.Exit(1) from None
    rules, people, before, after = found.rule_changes, found.people, found.old, found.new
    if as_json:
        record = {
            "kind": found.kind,
            "old": {"id": before.id, "version": before.version, "hash": before.content_hash},
            "new": {"id": after.id, "version": after.version, "hash": after.content_hash},
            "rule_changes": rules,
            "people": people,
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
        return
    out = QuietPipeConsole(highlight=False, soft_wrap=True)
    what = "模型差异" if found.kind == "framework" else "认证方案差异"
    out.print(f"[bold]{what}[/bold]（{before.id} {before.version} → {after.id} {after.version}）：")
    for line in rules or ["（规则内容相同）"]:
        out.print(f"  {escape(line)}")
    out.print(f"[bold]{escape(file.name)}[/bold]：{found.size} 人中有 {len(people)} 人的结果发生变化")
    for c in people:
        parts = [f"{k} {c['before'][k]} → {c['after'][k]}" for k in c["before"] if c["before"][k] != c["after"][k]]
        out.print(f"  第 {c['row']} 行 {escape(c['employee_id'])} {escape(c['name'])}：{escape('；'.join(parts))}")


@app.command()
def template(
    framework: FrameworkOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="模板文件路径，默认 测评模板_<模型编号>.xlsx", readable=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="目标文件已存在时覆盖")] = False,
    debug: DebugOpt = False,
) -> None:
    """生成空白测评模板（带下拉列表、分数检查、填写说明和模型参数）。"""
    _xlsx_target(output)
    fw = _framework(framework, debug)
    try:
        target = api.template(fw, output, force)
    except CmxlError as exc:
        _fail(exc, debug)
        raise typer.Exit(1) from None
    err.print(f"已生成测评模板 {escape(str(target))}（{escape(fw.framework.name)}，{fw.id} 版本 {fw.version}）")


@app.command()
def bulk(
    folder: Annotated[
        Path,
        typer.Argument(help="地市工作簿所在文件夹（含子文件夹）", show_default=False, metavar="文件夹", readable=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="输出文件夹，默认为 <文件夹名>_输出（与输入文件夹并列）", readable=False),
    ] = None,
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    issue_date: Annotated[
        str | None, typer.Option("--issue-date", help="发证日期（也是有效期判断的基准日），默认今天")
    ] = None,
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="证书台账文件，默认在输出文件夹的上一级：证书台账.sqlite", readable=False),
    ] = None,
    batch: Annotated[str | None, typer.Option("--batch", help="批次名称，默认为文件夹名")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行进程数，0 表示每个 CPU 核一个")] = 0,
    within: Annotated[int, typer.Option("--within", help="“即将到期”列出多少天内到期的证书")] = 90,
    reports: Annotated[
        bool, typer.Option("--reports", help="同时为每个文件生成每人一页的个人报告（.docx，评估基准日为发证日期）")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """批量处理一个文件夹的地市工作簿：逐个生成评分结果，汇总认证名单，登记证书台账。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from cmxl.batch import Interrupted, make_options
    from cmxl.core.records import FILE_FAILED

    day = _as_of(issue_date, "--issue-date")
    within = _within(within)
    try:  # said before any work, in the words of the option
        opts = make_options(folder, issue_date=day, output=output, ledger=ledger, batch=batch, jobs=jobs)
    except OptionProblem as exc:
        raise typer.BadParameter(exc.message, param_hint=exc.option) from None
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("已评 {task.fields[people]} 人"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    people = 0
    with progress:
        task = progress.add_task("正在处理…", total=None, people=0)

        def on_file(outcome, total):
            nonlocal people
            people += outcome.log.people
            progress.update(task, total=total, advance=1, people=people, description=f"刚完成：{outcome.log.file}")

        def on_stopping():
            progress.update(task, description="正在停止：等待正在处理的文件写完…")

        try:
            result = api.bulk(
                folder,
                issue_date=day,
                output=output,
                ledger=ledger,
                batch=batch,
                framework=framework,
                schemes=scheme or [],
                jobs=jobs,
                within_days=within,
                reports=reports,
                on_file=on_file,
                on_stopping=on_stopping,
            )
        except Interrupted as exc:
            progress.stop()
            ledger_state = (
                "证书台账已完整登记本批次（再次运行会沿用同样的证书编号），但认证名单可能没有生成"
                if exc.recorded
                else "证书台账未作任何改动"
            )
            err.print(
                f"[yellow]已中断：{ledger_state}；已生成的单个结果文件都是完整的，可以保留或删除。"
                "重新运行本命令即可继续。[/yellow]"
            )
            raise typer.Exit(130) from None
        except CmxlError as exc:
            progress.stop()
            _fail(exc, debug)
            raise typer.Exit(1) from None
    failed = [g for g in result.logs if g.status == FILE_FAILED]
    with_errors = [g for g in result.logs if g.errors]
    err.print(
        f"[bold]批次“{escape(opts.batch)}”处理完毕[/bold]：{len(result.logs)} 个文件，{result.people} 人，"
        f"申报认证 {result.applied} 人，通过 {result.passed} 人"
        f"{f'，暂缓发证 {result.held} 人（见认证名单“暂缓发证”表）' if result.held else ''}；"
        f"新发证书 {result.new_certificates} 张，沿用 {result.reused_certificates} 张"
        f"（{result.seconds:.1f} 秒，{result.people / max(result.seconds, 1e-9):.0f} 人/秒）"
    )
    err.print(f"  认证名单：{escape(str(result.roster))}")
    err.print(f"  各文件评分结果：{escape(str(opts.output))}")
    err.print(f"  运行记录：{escape(str(result.run_json))}；证书台账：{escape(str(opts.ledger))}")
    if result.duplicates:
        err.print(f"  [yellow]{result.duplicates} 个员工编号出现在多个文件中[/yellow]，见认证名单“备注”列")
    for g in failed:
        err.print(f"  [red]失败[/red] {escape(g.file)}：{escape(g.reason)}")
    for g in with_errors:
        err.print(
            f"  [yellow]有错误[/yellow] {escape(g.file)}：{g.errors} 个错误，详见 {escape(str(opts.output / g.output))} 的“校验问题”表"
        )
    if failed or with_errors:
        err.print("  详情见认证名单的“处理日志”表。")
    raise typer.Exit(1 if failed or with_errors else 0)


addin_app = typer.Typer(help="Excel 加载项（功能区“能力测评”）", no_args_is_help=True)
app.add_typer(addin_app, name="addin")
InterpreterOpt = Annotated[
    str | None,
    typer.Option("--interpreter", help="Excel 调用的 Python（默认：当前这个 Python；Windows 上用 pythonw.exe）"),
]
NativeOpt = Annotated[
    bool, typer.Option("--native", help="每个功能一个按钮（需在装有 Excel 的 Windows 电脑上运行，可选）")
]


def _addin_settings(interpreter: str | None):
    from cmxl.addin.package import Settings, this_interpreter

    if interpreter is None:
        return this_interpreter()
    return Settings(interpreter_win=interpreter, interpreter_mac=interpreter)


@addin_app.command("build")
def addin_build(
    output: Annotated[Path, typer.Option("--output", "-o", help="加载项文件", readable=False)] = Path("cmxl.xlam"),
    interpreter: InterpreterOpt = None,
    native: NativeOpt = False,
    debug: DebugOpt = False,
) -> None:
    """生成加载项 cmxl.xlam（不安装）。"""
    from cmxl.addin.package import build

    if output.name != "cmxl.xlam":
        raise typer.BadParameter("加载项的文件名必须是 cmxl.xlam（按钮按文件名调用 Python 模块）", param_hint="-o")
    try:
        target = build(output, _addin_settings(interpreter), native)
    except CmxlError as exc:
        _fail(exc, debug)
        raise typer.Exit(1) from None
    err.print(f"已生成 Excel 加载项 {escape(str(target))}")


@addin_app.command("install")
def addin_install(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="安装到哪个文件夹（默认：Excel 启动时自动打开加载项的 XLSTART 文件夹）", readable=False
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
    from cmxl.addin.package import install

    try:
        target = install(folder, _addin_settings(interpreter), native, functions)
    except CmxlError as exc:
        _fail(exc, debug)
        raise typer.Exit(1) from None
    err.print(f"已安装 Excel 加载项 {escape(str(target))}。请重新打开 Excel，功能区会出现“能力测评”选项卡。")


certs_app = typer.Typer(help="查询证书台账", no_args_is_help=True)
app.add_typer(certs_app, name="certs")
LedgerOpt = Annotated[Path, typer.Option("--ledger", help="证书台账文件", readable=False)]


def _open_ledger(path: Path):
    from cmxl.ledger import Ledger

    if not path.exists():
        err.print(
            f"[red]错误：[/red]找不到证书台账 {escape(str(path))}（用 --ledger 指定；批量处理时默认建在输出文件夹的上一级）"
        )
        raise typer.Exit(1)
    return Ledger(path, read_only=True)


def _print_certs(certs, as_json: bool, as_of: dt.date | None = None) -> None:
    if as_json:
        sys.stdout.write(json.dumps([vars(c) for c in certs], ensure_ascii=False, indent=1) + "\n")
        return
    out = QuietPipeConsole(highlight=False, soft_wrap=True)
    if not certs:
        out.print("（无）")
    for c in certs:
        left = f"  剩余 {(dt.date.fromisoformat(c.expiry) - as_of).days} 天" if as_of else ""
        renews = f"  续证自 {c.renews}" if c.renews else ""
        line = (
            f"{c.number}  {c.employee_id} {c.name}  {c.unit}  {c.scheme_name} {c.grade}  {c.issue_date} 至 {c.expiry}"
        )
        out.print(escape(line + left + renews))  # names are data, never rich markup


@certs_app.command("list")
def certs_list(ledger: LedgerOpt = Path(LEDGER_NAME), as_json: JsonOpt = False) -> None:
    """列出台账中的全部证书。"""
    with _open_ledger(ledger) as db:
        _print_certs(db.all(), as_json)


@certs_app.command("expiring")
def certs_expiring(
    ledger: LedgerOpt = Path(LEDGER_NAME),
    within: Annotated[int, typer.Option("--within", help="天数")] = 90,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出指定天数内到期（或已过期且未续证）的证书。"""
    day = _as_of(as_of)
    within = _within(within)
    with _open_ledger(ledger) as db:
        _print_certs(db.expiring(day, within), as_json, day)


@certs_app.command("print")
def certs_print(
    output: Annotated[Path, typer.Option("--output", "-o", help="证书文件（.docx），每张证书一页", readable=False)],
    ledger: LedgerOpt = Path(LEDGER_NAME),
    batch: Annotated[str | None, typer.Option("--batch", help="只打印这个批次发的证书（默认全部）")] = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="证书模板（Word，可在 Word 中修改；默认用内置模板）", readable=False),
    ] = None,
) -> None:
    """按证书模板生成可打印的证书（Word），每张证书一页。"""
    from cmxl.docx.certificates import print_certificates

    if output.suffix.lower() != ".docx":
        raise typer.BadParameter(f"{output} 的扩展名应为 .docx（证书是 Word 文档）", param_hint="-o")
    with _open_ledger(ledger) as db:
        certs = db.of_batch(batch)
    try:
        print_certificates(certs, template, output)
    except CmxlError as exc:
        _fail(exc, False)
        raise typer.Exit(1) from None
    err.print(f"已生成 {len(certs)} 张证书：{escape(str(output))}")


@certs_app.command("show")
def certs_show(
    key: Annotated[str, typer.Argument(help="证书编号或员工编号", show_default=False, metavar="编号")],
    ledger: LedgerOpt = Path(LEDGER_NAME),
    as_json: JsonOpt = False,
) -> None:
    """显示一张证书（按证书编号）或一个人的全部证书（按员工编号）。"""
    with _open_ledger(ledger) as db:
        found = db.find(key)
    if not found:
        err.print(f"台账中没有证书编号或员工编号为“{escape(key)}”的证书")
        raise typer.Exit(1)
    _print_certs(found, as_json)


@app.command()
def frameworks(
    as_json: JsonOpt = False,
    check: Annotated[
        Path | None, typer.Option("--check", help="检查一个模型/认证方案文件，列出全部问题", readable=False)
    ] = None,
    framework: Annotated[
        str | None,
        typer.Option(
            "--framework", "-f", help="与 --check 同用：认证方案对照的能力模型（编号或模型文件路径），默认内置模型"
        ),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """列出可用的能力模型和认证方案（或检查总部下发的模型文件）。"""
    try:
        cat = catalogue()
        if check is not None:
            from cmxl.core.model.loading import load_file

            fw = cat.framework(framework)
            model = load_file(check, fw)  # a scheme is checked against the framework it is used with
            against = f"（认证等级的级别已对照能力模型 {fw.id}）" if not isinstance(model, Framework) else ""
            err.print(
                f"[green]{escape(str(check))} 没有问题[/green]：{model.id} 版本 {model.version}，内容哈希 {model.content_hash[:12]}"
                f"{escape(against)}"
            )
            raise typer.Exit(0)
    except CmxlError as exc:
        issues = getattr(exc, "issues", [])
        if issues and not as_json:
            where = getattr(exc, "source", None) or str(check)  # HQ's --framework file may be the bad one
            err.print(f"[red]错误：[/red]{escape(where)} 有 {len(issues)} 处问题：")
            for i in issues:
                err.print(f"  {escape(i.field)}：{escape(i.value)}")
        else:
            _fail(exc, debug)
        raise typer.Exit(1) from None
    rows = [
        {
            "kind": "能力模型",
            "id": f.id,
            "name": f.framework.name,
            "version": f.version,
            "effective_date": f.framework.effective_date.isoformat(),
            "items": len(f.competencies),
            "hash": f.content_hash,
        }
        for f in cat.frameworks.values()
    ] + [
        {
            "kind": "认证方案",
            "id": s.id,
            "name": s.scheme.name,
            "version": s.scheme.version,
            "effective_date": s.scheme.effective_date.isoformat(),
            "items": len(s.grades),
            "hash": s.content_hash,
        }
        for s in cat.schemes.values()
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return
    out = QuietPipeConsole(highlight=False, soft_wrap=True)
    for r in rows:
        unit = "项" if r["kind"] == "能力模型" else "个等级"
        out.print(
            f"{r['kind']}  {r['id']:<12} {r['name']}  版本 {r['version']}（{r['effective_date']} 起）"
            f"  {r['items']} {unit}  哈希 {r['hash'][:12]}"
        )


def main() -> None:
    from cmxl.cli_zh import run

    run(app)


if __name__ == "__main__":
    main()
