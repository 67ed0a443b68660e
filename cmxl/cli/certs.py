"""cmxl certs: the certificate ledger looked up, certificates printed, an identity confirmed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import (
    AsOfOpt,
    JsonOpt,
    LedgerOpt,
    WithinOpt,
    as_of,
    call,
    command,
    err,
    new_app,
    out,
    print_json,
    within,
)

app = new_app("查询证书台账；登记员工编号的核实结果")
LEDGER = Path(api.LEDGER_NAME)


def _print(certs: list[Any], as_json: bool, day: dt.date | None = None) -> None:
    if as_json:
        print_json([vars(c) for c in certs])
        return
    console = out()
    if not certs:
        console.print("（无）")
    for c in certs:
        left = f"  剩余 {(dt.date.fromisoformat(c.expiry) - day).days} 天" if day else ""
        renews = f"  续证自 {c.renews}" if c.renews else ""
        line = (
            f"{c.number}  {c.employee_id} {c.name}  {c.unit}  {c.scheme_name} {c.grade}  {c.issue_date} 至 {c.expiry}"
        )
        console.print(escape(line + left + renews))  # names are data, never rich markup


@command(app, "list")
def certs_list(ledger: LedgerOpt = LEDGER, as_json: JsonOpt = False) -> None:
    """列出台账中的全部证书。"""
    certs = call(api.all_certificates, ledger=ledger)
    _print(certs, as_json)


@command(app, "expiring")
def certs_expiring(
    ledger: LedgerOpt = LEDGER, within_days: WithinOpt = 90, as_of_text: AsOfOpt = None, as_json: JsonOpt = False
) -> None:
    """列出指定天数内到期（或已过期且未续证）的证书。"""
    day = as_of(as_of_text)
    days = within(within_days)
    certs = call(api.expiring_certificates, ledger=ledger, as_of=day, within_days=days)
    _print(certs, as_json, day)


@command(app, "print")
def certs_print(
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="文件", help="证书文件（.docx），每张证书一页", readable=False)
    ],
    ledger: LedgerOpt = LEDGER,
    batch: Annotated[
        str | None, typer.Option("--batch", metavar="批次", help="只打印这个批次发的证书（默认全部）")
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template", metavar="文件", help="证书模板（Word，可在 Word 中修改；默认用内置模板）", readable=False
        ),
    ] = None,
) -> None:
    """按证书模板生成可打印的证书（Word），每张证书一页。"""
    if output.suffix.lower() != ".docx":
        raise typer.BadParameter(f"{output} 的扩展名应为 .docx（证书是 Word 文档）", param_hint="-o")
    certs = call(api.print_certificates, output, ledger=ledger, batch=batch, template=template)
    err.print(f"已生成 {len(certs)} 张证书：{escape(str(output))}")


@command(app, "show")
def certs_show(
    key: Annotated[str, typer.Argument(help="证书编号或员工编号", show_default=False, metavar="编号")],
    ledger: LedgerOpt = LEDGER,
    as_json: JsonOpt = False,
) -> None:
    """显示一张证书（按证书编号）或一个人的全部证书（按员工编号），以及该员工编号的持有人和身份变更记录。"""
    found = call(api.certificates, key, ledger=ledger)
    if not found.certificates:
        err.print(f"台账中没有证书编号或员工编号为“{escape(found.key)}”的证书")
        for c in found.history:  # an id corrected to another: where its certificates went, and its log
            err.print(escape(f"  {c.shown}"))
        raise typer.Exit(1)
    if as_json:
        print_json(
            {
                "certificates": [vars(c) for c in found.certificates],
                "holders": [{**vars(h), "certificates": list(h.certificates)} for h in found.holders],
                "history": [vars(c) for c in found.history],
            }
        )
        return
    _print(found.certificates, False)
    console = out()
    for h in found.holders:
        console.print(escape(f"持有人：员工编号 {h.employee_id} {h.name}（{h.unit or '单位未填'}）"))
    if found.history:
        console.print("身份变更记录：")
    for c in found.history:
        console.print(escape(f"  {c.shown}"))


@command(app, "confirm")
def certs_confirm(
    employee_id: Annotated[str, typer.Argument(help="员工编号", show_default=False, metavar="员工编号")],
    name: Annotated[
        str, typer.Option("--name", metavar="姓名", help="核实后的姓名（本次批量处理中的姓名）", show_default=False)
    ],
    ledger: LedgerOpt = LEDGER,
    unit: Annotated[str | None, typer.Option("--unit", metavar="单位", help="同时更新单位（默认不变）")] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", metavar="姓名", help="经办人（记录在台账中；默认为本机登录名）", show_default=False),
    ] = None,
    note: Annotated[str, typer.Option("--note", metavar="说明", help="说明（如：身份证核对，姓名变更）")] = "",
) -> None:
    """登记核实结果：台账中该员工编号的持有人与本次的姓名是同一人（改了名，或台账中的姓名有误）。

    认证名单“暂缓发证”表说某员工编号“在证书台账中属于”另一姓名的人员，核实是同一人后用本命令登记，再运行一次同样的批量处理，即按新姓名沿用原证书或发证。原姓名、经办人、时间和说明都记录在台账中（cmxl certs show 员工编号 可查看）。

    如不是同一人，不要登记：请在工作簿中更正员工编号后重新运行。"""
    done = call(api.confirm_identity, employee_id, name, ledger=ledger, unit=unit, by=by, note=note)
    before, change = done.before, done.change
    if change is None:
        err.print(
            escape(
                f"证书台账中员工编号 {before.employee_id} 的持有人已是 {before.name}（{before.unit}），无需登记，未作改动"
            )
        )
        return
    err.print(escape(f"已登记：{change.shown}"))
    err.print(f"再运行一次同样的批量处理，即按新姓名沿用 {escape(before.employee_id)} 的证书或发证。")


@command(app, "correct-id")
def certs_correct_id(
    old: Annotated[str, typer.Argument(help="台账中有误的员工编号", show_default=False, metavar="原编号")],
    new: Annotated[str, typer.Option("--to", metavar="员工编号", help="正确的员工编号", show_default=False)],
    ledger: LedgerOpt = LEDGER,
    by: Annotated[
        str | None,
        typer.Option("--by", metavar="姓名", help="经办人（记录在台账中；默认为本机登录名）", show_default=False),
    ] = None,
    note: Annotated[str, typer.Option("--note", metavar="说明", help="说明（如：工号按数字录入丢了开头的 0）")] = "",
) -> None:
    """更正台账中有误的员工编号：原编号的证书和持有人都改记在正确的编号下（如按数字录入时丢了开头的 0：123 → 00123）。

    认证名单“暂缓发证”表说某员工编号与台账中的编号“只差开头的 0”时，核实是同一人后用本命令更正，再运行一次同样的批量处理。经办人、时间和说明都记录在台账中。正确的编号已有持有人时不作改动。"""
    change = call(api.correct_id, old, new, ledger=ledger, by=by, note=note)
    err.print(escape(f"已登记：{change.shown}"))
    err.print("再运行一次同样的批量处理，即按正确的员工编号沿用原证书或发证。")
