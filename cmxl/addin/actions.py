"""What the Excel add-in does to the open workbook: validate it, score it, and keep track of
what cmxl wrote there, so the next run replaces exactly that and nothing of the clerk's.

Every action reads the workbook into the same cell grid the file reader makes, runs the same
core, and renders the same ReportSpec (cmxl/excel/render.py). A hidden sheet, 'cmxl记录',
lists the sheets cmxl made and, for each cell it highlighted, the fill and note the cell had
before; a run first puts those back, then writes anew. A sheet of the clerk's is never
replaced: if one is called like a sheet cmxl writes, the action stops and says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmxl import api
from cmxl.core.errors import CmxlError
from cmxl.core.layout.names import REGISTRY_SHEET
from cmxl.core.layout.spec import Cell
from cmxl.excel.read import read_book
from cmxl.excel.render import Native, Previous, clear_marks, excel_value, render_into
from cmxl.pipeline import Assessment, assess_grid, in_workbook_spec, rules, write_reports

REGISTRY = REGISTRY_SHEET
REGISTRY_TITLE = "cmxl 生成的工作表和标记（供 cmxl 下次运行时替换，请勿修改）"


class SheetNameTaken(CmxlError):
    pass


@dataclass
class ActionOutcome:
    """What an action did, in the words the launcher shows."""

    people: int
    errors: int
    warnings: int
    summary: str


@dataclass
class Registry:
    sheets: set[str] = field(default_factory=set)
    marks: list[Previous] = field(default_factory=list)

    @classmethod
    def load(cls, book: Any) -> Registry:
        if REGISTRY not in [s.name for s in book.sheets]:
            return cls()
        rows = book.sheets[REGISTRY].used_range.options(ndim=2).value
        reg = cls()
        for row in rows[1:]:
            kind, *rest = [("" if v is None else str(v)) for v in row] + [""] * 5
            if kind == "sheet" and rest[0]:
                reg.sheets.add(rest[0])
            elif kind == "mark" and rest[0] and rest[1]:
                color = None
                if rest[2]:
                    r, g, b = (int(x) for x in rest[2].split(","))
                    color = (r, g, b)
                reg.marks.append(Previous(rest[0], rest[1], color, rest[3] if rest[4] == "1" else None))
        return reg

    def save(self, book: Any) -> None:
        rows: list[list[object]] = [[REGISTRY_TITLE, "", "", "", "", ""]]
        rows += [["sheet", name, "", "", "", ""] for name in sorted(self.sheets)]
        for p in self.marks:
            color = ",".join(str(x) for x in p.color) if p.color else ""
            rows.append(["mark", p.sheet, p.cell, color, p.note or "", "1" if p.note is not None else "0"])
        if REGISTRY in [s.name for s in book.sheets]:
            book.sheets[REGISTRY].delete()
        ws = book.sheets.add(REGISTRY, after=book.sheets[-1])
        ws.range((1, 1), (len(rows), 6)).value = [[excel_value(Cell(v)) for v in row] for row in rows]
        ws.visible = False


Progress = Callable[[str, float], None]  # (what is being done, fraction done)


def validate(
    book: Any,
    framework: str | None = None,
    as_of: dt.date | None = None,
    native: Native | None = None,
    progress: Progress | None = None,
    schemes: Sequence[str] = (),
) -> ActionOutcome:
    return _write(book, framework, as_of, native, progress or _quiet, issues_only=True, schemes=schemes)


def score(
    book: Any,
    framework: str | None = None,
    as_of: dt.date | None = None,
    native: Native | None = None,
    progress: Progress | None = None,
    schemes: Sequence[str] = (),
) -> ActionOutcome:
    return _write(book, framework, as_of, native, progress or _quiet, issues_only=False, schemes=schemes)


def _quiet(text: str, fraction: float) -> None:
    pass


def _assess_open(
    book: Any,
    registry: Registry,
    framework: str | None,
    schemes: Sequence[str],
    as_of: dt.date | None,
    progress: Progress,
) -> Assessment:
    """The open workbook read as the clerk has it (cmxl's own sheets left out) and assessed."""
    run = rules(framework, schemes)
    progress("正在读取工作簿…", 0.05)
    grid = read_book(book, skip=registry.sheets | {REGISTRY})
    progress("正在校验和评分…", 0.3)
    return assess_grid(grid, run, as_of or dt.date.today())


def _write(
    book: Any,
    framework: str | None,
    as_of: dt.date | None,
    native: Native | None,
    progress: Progress,
    issues_only: bool,
    schemes: Sequence[str] = (),
) -> ActionOutcome:
    registry = Registry.load(book)
    a = _assess_open(book, registry, framework, schemes, as_of, progress)
    if not issues_only and not a.intake.sheet:  # nothing to score: say why rather than add empty sheets
        first = a.report.errors[0]
        raise CmxlError(f"{first.message}。{first.hint}")
    spec = in_workbook_spec(a, book.name, issues_only)
    writing = [s.name for s in spec.sheets]
    present = [s.name for s in book.sheets]
    taken = [n for n in writing if n in present and n not in registry.sheets]
    if taken:
        action = "校验" if issues_only else "评分"
        raise SheetNameTaken(
            f"工作簿中已有名为“{'”“'.join(taken)}”的工作表，它不是 cmxl 生成的。"
            f"cmxl 不会覆盖您自己的工作表：请把它改名后再{action}。"
        )
    clear_marks(book, registry.marks)
    for name in writing:
        if name in present:
            book.sheets[name].delete()
    registry.marks = render_into(
        book, spec, native, lambda name, n, total: progress(f"正在写入“{name}”…", 0.5 + 0.45 * n / total)
    )
    registry.sheets = {n for n in registry.sheets if n in present} | set(writing)
    registry.save(book)
    book.sheets[writing[0]].activate()
    progress("完成", 1.0)
    return ActionOutcome(a.size, len(a.report.errors), len(a.report.warnings), _summary(a, issues_only))


def _summary(a: Any, issues_only: bool) -> str:
    errors, warnings = len(a.report.errors), len(a.report.warnings)
    if not a.intake.sheet:
        return "没有找到测评数据表：详见“校验问题”表。"
    found = f"{a.intake.sheet}：{a.size} 人，{errors} 个错误，{warnings} 个警告"
    where = "问题已列在“校验问题”表，出问题的单元格已标色并附批注。" if a.report.issues else "没有发现问题。"
    if issues_only:
        return f"{found}。{where}"
    return f"{found}。已写入“汇总”“个人画像”“统计图表”等工作表。{where if a.report.issues else ''}"


def person_reports(book: Any, target: Path, framework: str | None = None, schemes: Sequence[str] = ()) -> Path:
    """A report per person of the open workbook (one page each), as a Word document at `target`."""
    a = _assess_open(book, Registry.load(book), framework, schemes, None, _quiet)
    if not a.people:
        raise CmxlError("工作簿中没有人员数据，无法生成个人报告")
    write_reports(a, Path(book.name), target)
    return target


def new_template(app: Any, target: Path, framework: str | None = None) -> Path:
    """Write a blank assessment template to `target` and open it in Excel."""
    api.template(framework, target, force=True)  # the window's save dialog has asked about replacing
    app.books.open(str(target))
    return target
