"""cmxl compare: a workbook re-scored under a changed model or certification scheme."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cmxl import api
from cmxl.cli.common import (
    AsOfOpt,
    CycleOpt,
    DebugOpt,
    FrameworkOpt,
    HistoryLedgerOpt,
    JsonOpt,
    SchemeOpt,
    as_of,
    call,
    out,
    print_json,
)

FileArg = Annotated[Path, typer.Argument(help="要重新评分的工作簿", show_default=False, metavar="文件", readable=False)]
NewOpt = Annotated[
    str, typer.Option("--new", metavar="模型或方案", help="新模型或新认证方案：编号或总部下发的文件路径")
]
OldOpt = Annotated[
    str | None,
    typer.Option("--old", metavar="模型或方案", help="原模型或原认证方案，默认为默认模型或同编号的认证方案"),
]


def compare(
    file: FileArg,
    new: NewOpt,
    old: OldOpt = None,
    framework: FrameworkOpt = None,
    scheme: SchemeOpt = None,
    as_of_text: AsOfOpt = None,
    as_json: JsonOpt = False,
    ledger: HistoryLedgerOpt = None,
    cycle: CycleOpt = None,
    debug: DebugOpt = False,
) -> None:
    """模型或认证方案调整后重新评分：列出规则差异，以及结果发生变化的人员和原因（不写任何文件）。"""
    day = as_of(as_of_text)
    history = {"ledger": ledger, "cycle": cycle}
    found = call(api.compare, file, new, old, day, framework=framework, schemes=scheme or [], debug=debug, **history)
    rules, people, before, after = found.rule_changes, found.people, found.old, found.new
    if as_json:
        print_json(
            {
                "kind": found.kind,
                "old": {"id": before.id, "version": before.version, "hash": before.content_hash},
                "new": {"id": after.id, "version": after.version, "hash": after.content_hash},
                "rule_changes": rules,
                "people": people,
            }
        )
        return
    console = out()
    what = "模型差异" if found.kind == "framework" else "认证方案差异"
    console.print(f"[bold]{what}[/bold]（{before.id} {before.version} → {after.id} {after.version}）：")
    for line in rules or ["（规则内容相同）"]:
        console.print(f"  {escape(line)}")
    results = [c for c in people if c["result_changed"]]
    reasons = [c for c in people if not c["result_changed"]]
    console.print(
        f"[bold]{escape(file.name)}[/bold]：{found.size} 人中有 {len(people)} 人的结果或原因发生变化"
        f"（结果变化 {len(results)} 人，仅原因变化 {len(reasons)} 人）"
    )
    for title, group in (("结果变化", results), ("仅原因变化", reasons)):
        if group:
            console.print(f"[bold]{title}[/bold]：")
        for c in group:
            console.print(f"  第 {c['row']} 行 {escape(c['employee_id'])} {escape(c['name'])}：{escape(_changed(c))}")
            if c.get("change"):  # with --ledger: the change since the previous cycle, under the new rules
                console.print(f"    按新规则与上期比较：{escape(c['change']['sentence'])}")


def _changed(c: dict) -> str:
    """What changed for one person: each result that differs, then the reasons added and dropped."""
    before, after = c["before"], c["after"]
    parts = [f"{k} {before[k]} → {after[k]}" for k in before if k != "原因" and before[k] != after[k]]
    parts += [f"新增原因：{'；'.join(c['reasons_added'])}"] if c["reasons_added"] else []
    parts += [f"不再有的原因：{'；'.join(c['reasons_dropped'])}"] if c["reasons_dropped"] else []
    return "；".join(parts)
