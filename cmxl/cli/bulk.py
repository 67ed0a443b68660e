"""cmxl bulk: a folder of regional workbooks scored, the roster made, the ledger kept."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cmxl import api
from cmxl.api.errors import CmxlError
from cmxl.cli.common import DATE_FORMS, DebugOpt, FrameworkOpt, SchemeOpt, as_of, call, err, within

FolderArg = Annotated[
    Path,
    typer.Argument(help="地市工作簿所在文件夹（含子文件夹）", show_default=False, metavar="文件夹", readable=False),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="文件夹",
        help="输出文件夹，默认为 <文件夹名>_输出（与输入文件夹并列）",
        readable=False,
    ),
]
IssueDateOpt = Annotated[
    str | None,
    typer.Option(
        "--issue-date", metavar="日期", help=f"发证日期（也是有效期判断的基准日），默认今天；可写 {DATE_FORMS}"
    ),
]
LedgerOpt = Annotated[
    Path | None,
    typer.Option(
        "--ledger", metavar="文件", help="证书台账文件，默认在输出文件夹的上一级：证书台账.sqlite", readable=False
    ),
]
BatchOpt = Annotated[str | None, typer.Option("--batch", metavar="名称", help="批次名称，默认为文件夹名")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", metavar="个数", help="并行进程数，0 表示每个 CPU 核一个")]
WithinOpt = Annotated[int, typer.Option("--within", metavar="天数", help="“即将到期”列出多少天内到期的证书（0–3650）")]
ReportsOpt = Annotated[
    bool, typer.Option("--reports", help="同时为每个文件生成每人一页的个人报告（.docx，评估基准日为发证日期）")
]

BulkCycleOpt = Annotated[
    str | None,
    typer.Option(
        "--cycle",
        metavar="周期",
        help="测评周期名称（如 2026、2026上半年）：每人的测评按周期记入证书台账，同一周期重新运行即替换；默认为发证日期的年份",
    ),
]


def bulk(
    folder: FolderArg,
    output: OutputOpt = None,
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    issue_date: IssueDateOpt = None,
    ledger: LedgerOpt = None,
    batch: BatchOpt = None,
    jobs: JobsOpt = 0,
    within_days: WithinOpt = 90,
    reports: ReportsOpt = False,
    cycle: BulkCycleOpt = None,
    debug: DebugOpt = False,
) -> None:
    """批量处理一个文件夹的地市工作簿：逐个生成评分结果，汇总认证名单，登记证书台账。"""
    day = as_of(issue_date, "--issue-date")
    options = {"issue_date": day, "output": output, "ledger": ledger, "batch": batch, "framework": framework}
    options |= {"schemes": scheme or [], "jobs": jobs, "within_days": within(within_days), "reports": reports}
    options["cycle"] = cycle
    run = call(_run, folder, options, debug=debug)
    _summary(run)
    raise typer.Exit(1 if run.failed or run.with_errors or run.held_identity or run.held_conflict else 0)


def _run(folder: Path, options: dict[str, Any]) -> Any:
    """The run, with a progress bar; a usage error (exit 2) for options that cannot work (said
    before any work, in the words of the option), 130 on Ctrl-C, 1 when nothing can be done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from cmxl.api.errors import Interrupted

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

        def on_file(outcome: Any, total: int) -> None:
            nonlocal people
            people += outcome.log.people
            progress.update(task, total=total, advance=1, people=people, description=f"刚完成：{outcome.log.file}")

        def on_stopping() -> None:
            progress.update(task, description="正在停止：等待正在处理的文件写完…")

        try:
            return api.bulk(folder, on_file=on_file, on_stopping=on_stopping, **options)
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
        except CmxlError:
            progress.stop()
            raise


def _summary(run: Any) -> None:
    held = f"，暂缓发证 {run.held} 人（见认证名单“暂缓发证”表）" if run.held else ""
    check = f"，其中 {run.held_identity} 人的员工编号与证书台账中的持有人不符，需人工核实" if run.held_identity else ""
    if run.held_conflict:
        check += f"，{run.held_conflict} 人的员工编号在本批次中数据不同或只差开头的 0，需核对"
    err.print(
        f"[bold]批次“{escape(run.batch)}”处理完毕[/bold]：{len(run.logs)} 个文件，{run.people} 人，"
        f"申报认证 {run.applied} 人，通过 {run.passed} 人{held}{check}；"
        f"新发证书 {run.new_certificates} 张，沿用 {run.reused_certificates} 张；"
        f"{escape(run.cycle)} 期测评记录 {run.assessments_recorded} 人"
        + (f"，其中替换本期原有记录 {run.assessments_replaced} 人" if run.assessments_replaced else "")
        + f"（{run.seconds:.1f} 秒，{run.people / max(run.seconds, 1e-9):.0f} 人/秒）"
    )
    err.print(f"  认证名单：{escape(str(run.roster))}")
    err.print(f"  各文件评分结果：{escape(str(run.output))}")
    err.print(f"  运行记录：{escape(str(run.run_json))}；证书台账：{escape(str(run.ledger))}")
    if run.duplicates:
        err.print(f"  [yellow]{run.duplicates} 个员工编号出现在多个文件中[/yellow]，见认证名单“备注”列")
    for g in run.failed:
        err.print(f"  [red]失败[/red] {escape(g.file)}：{escape(g.reason)}")
    for g in run.with_errors:
        where = escape(str(run.output / g.output))
        err.print(f"  [yellow]有错误[/yellow] {escape(g.file)}：{g.errors} 个错误，详见 {where} 的“校验问题”表")
    if run.failed or run.with_errors:
        err.print("  详情见认证名单的“处理日志”表。")
