"""cmxl history: a person's assessments across cycles in the ledger, listed, exported, deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import JsonOpt, LedgerOpt, call, err, out, print_json

LEDGER = Path(api.LEDGER_NAME)
IdArg = Annotated[str | None, typer.Argument(help="员工编号", show_default=False, metavar="员工编号")]
DeleteOpt = Annotated[
    str | None,
    typer.Option("--delete", metavar="员工编号", help="应本人申请删除此人的全部测评记录（记入台账日志；证书不受影响）"),
]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", metavar="姓名", help="经办人（记录在台账中；默认为本机登录名）", show_default=False),
]
NoteOpt = Annotated[str, typer.Option("--note", metavar="说明", help="说明（如：本人书面申请）")]
ExportOpt = Annotated[
    Path | None,
    typer.Option(
        "--export", metavar="文件", help="把此人的全部测评记录导出为 JSON 文件（应本人申请提供）", readable=False
    ),
]


def history(
    employee_id: IdArg = None,
    ledger: LedgerOpt = LEDGER,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
    delete: DeleteOpt = None,
    by: ByOpt = None,
    note: NoteOpt = "",
) -> None:
    """显示一个人历次测评的记录（测评周期、日期、来源文件、总分、级别、达标情况和各能力项）。

    记录由 cmxl bulk 按测评周期写入证书台账（同一周期重新运行即替换）。--export 导出此人的全部记录，--delete 应本人申请删除（删除记入台账日志）。"""
    if delete is not None:
        if employee_id is not None:
            raise typer.BadParameter("删除时只给出 --delete 员工编号，不再另给员工编号", param_hint="--delete")
        _delete(delete, ledger, by, note)
        return
    if employee_id is None:
        raise typer.BadParameter("请给出员工编号（或用 --delete 员工编号 删除）", param_hint="员工编号")
    found = call(api.history, employee_id, ledger=ledger)
    if export is not None:
        _export(found, export)
    if as_json:
        print_json(found.to_json())
        return
    if not found.cycles:
        err.print(f"证书台账中没有员工编号“{escape(found.employee_id)}”的测评记录")
        _print(found)  # the log says when they were deleted, by whom
        raise typer.Exit(1)
    _print(found)


def _export(found: Any, path: Path) -> None:
    import json

    if path.suffix.lower() != ".json":
        raise typer.BadParameter(f"{path} 的扩展名应为 .json", param_hint="--export")
    data = {"employee_id": found.employee_id, "cycles": found.to_json(), "log": found.log}
    try:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        err.print(f"[red]错误：[/red]无法写出 {escape(str(path))}：{escape(exc.strerror or str(exc))}")
        raise typer.Exit(1) from None
    err.print(f"已导出 {len(found.cycles)} 期测评记录：{escape(str(path))}")
    if len(found.names) > 1:
        err.print(
            f"[yellow]注意：这些记录的姓名不同（{escape('、'.join(found.names))}），可能不是同一人；"
            "请核实后再交给本人（导出的每条记录标有 name_differs）[/yellow]"
        )


def _shown(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _print(found: Any) -> None:
    console = out()
    for c in found.cycles:
        mark = f"  （记录时该行有 {c.errors} 个错误）" if c.errors else ""
        if found.name_differs(c):
            mark += f"  【姓名与最近一期（{found.cycles[-1].name}）不同，可能不是同一人，请核实】"
        console.print(
            escape(
                f"{c.cycle}  {c.as_of}  {c.name}  {c.unit}  {c.grade}  总分 {_shown(c.total)}  "
                f"{c.level or '未评定'}  {c.attainment or '—'}  来源 {c.source_file}{mark}"
            )
        )
        items = "；".join(f"{name} {_shown(i.score)} {i.level or '未评定'}" for name, i in c.items.items())
        console.print(escape(f"    {items}"))
    for entry in found.log:
        what = "替换" if entry["action"] == "replaced" else "删除"
        note = f"（{entry['note']}）" if entry.get("note") else ""
        console.print(escape(f"  日志：{entry['done_at']} {entry['done_by']} {what} {entry['cycle']} 期记录{note}"))


def _delete(employee_id: str, ledger: Path, by: str | None, note: str) -> None:
    done = call(api.delete_history, employee_id, ledger=ledger, by=by, note=note)
    if not done.cycles:
        err.print(f"证书台账中没有员工编号“{escape(done.employee_id)}”的测评记录，未作改动")
        raise typer.Exit(1)
    err.print(
        escape(
            f"已删除员工编号 {done.employee_id} 的 {len(done.cycles)} 期测评记录（{'、'.join(done.cycles)}），"
            f"经办人 {done.by}；删除已记入台账日志，证书不受影响"
        )
    )
