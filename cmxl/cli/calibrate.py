"""cmxl calibrate: a batch's 校准分析 for the calibration meeting; the adjustments it decided
applied, recorded in the ledger and shown 校准前 / 校准后; or the blank adjustments file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cmxl import api
from cmxl.api.errors import AdjustmentsInvalid
from cmxl.cli.common import AsOfOpt, DebugOpt, FrameworkOpt, SchemeOpt, as_of, call, err, xlsx_target

SourceArg = Annotated[
    Path | None,
    typer.Argument(
        help="批次文件夹（同 cmxl bulk）或一个测评工作簿", show_default=False, metavar="批次", readable=False
    ),
]
AdjustmentsOpt = Annotated[
    Path | None,
    typer.Option(
        "--adjustments",
        "-a",
        metavar="调整表",
        help="校准会议填写的调整表（.xlsx 或 .csv）；不给则只做校准分析",
        readable=False,
    ),
]
TemplateOpt = Annotated[
    Path | None,
    typer.Option("--template", metavar="文件", help="生成空白调整表（带下拉列表）到此文件，不做校准", readable=False),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="文件夹", help="输出文件夹，默认同 cmxl bulk（批次旁的 <批次>_输出）"),
]
LedgerOpt = Annotated[
    Path | None,
    typer.Option("--ledger", metavar="文件", help="登记调整的证书台账，默认同 cmxl bulk", readable=False),
]
BatchOpt = Annotated[str | None, typer.Option("--batch", metavar="名称", help="批次名称，默认为文件夹名")]
ForceOpt = Annotated[bool, typer.Option("--force", help="目标文件已存在时覆盖")]


def calibrate(
    source: SourceArg = None,
    adjustments: AdjustmentsOpt = None,
    template: TemplateOpt = None,
    output: OutputOpt = None,
    ledger: LedgerOpt = None,
    batch: BatchOpt = None,
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of_text: AsOfOpt = None,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """校准：列出偏宽、偏严的单位和测评人（校准分析）；应用校准会议的调整表，登记并写出校准前后对比。"""
    schemes = scheme or []
    if template is not None:
        xlsx_target(template)
        made = call(
            api.calibration_template,
            template,
            source=source,
            framework=framework,
            schemes=schemes,
            force=force,
            debug=debug,
        )
        err.print(f"已生成调整表 {escape(str(made))}：每行填写对象类别、对象、能力项、调整、决定人、理由")
        return
    if source is None:
        raise typer.BadParameter("请给出批次文件夹或测评工作簿", param_hint="批次")
    options = {"output": output, "ledger": ledger, "batch": batch, "framework": framework, "schemes": schemes}
    done = call(_calibrate, source, adjustments, as_of=as_of(as_of_text), force=force, **options, debug=debug)
    for path, why in done.skipped:
        err.print(f"[yellow]未能读取，未计入：[/yellow]{escape(path.name)}：{escape(why)}")
    for w in done.warnings:
        err.print(f"[yellow]提示：[/yellow]{escape(w.message)}（{escape(w.hint)}）")
    if adjustments is None:
        err.print(f"批次 {escape(done.batch)}（{len(done.before)} 人）未给调整表，未改动任何分数；")
        err.print(f"已写出校准分析 {escape(str(done.output))}")
        return
    moved = len({n for c in done.changed for n in c.adjustments})
    err.print(
        f"批次 {escape(done.batch)}：应用调整 {len(done.adjustments)} 项（{moved} 项改变了分数），"
        f"{len(done.changed)} 人的分数改变；认证结果未改变"
    )
    for adj in done.adjustments:
        reached = sum(adj.n in c.adjustments for c in done.changed)
        err.print(f"  {adj.n}. {escape(adj.shown)}（{escape(adj.by)}：{escape(adj.reason)}）分数改变 {reached} 人")
    err.print(f"已登记到证书台账 {escape(str(done.ledger))}（运行编号 {done.run_id}）")
    err.print(f"已写出校准前后对比 {escape(str(done.output))}（原工作簿和评分结果未改动）")


def _calibrate(source: Path, adjustments: Path | None, **kwargs: object) -> api.Calibration:
    """api.calibrate, every problem of an adjustments file listed with its cell (not only the first)."""
    try:
        return api.calibrate(source, adjustments, **kwargs)  # type: ignore[arg-type]
    except AdjustmentsInvalid as exc:
        err.print(f"[red]错误：[/red]调整表 {escape(exc.source)} 有误，未作任何调整，也未登记：")
        for i in exc.errors:
            where = f"{i.sheet}!{i.cell}" if i.cell else i.sheet or exc.source
            err.print(f"  {escape(where)}：{escape(i.message)}（{escape(i.hint)}）")
        raise typer.Exit(1) from None
