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
from typing import TYPE_CHECKING, Any

from cmxl import api
from cmxl.api.errors import CmxlError, SheetNameTaken, WriteFailed
from cmxl.excel.read import read_book
from cmxl.excel.render import Native, Previous, clear_marks, excel_said, excel_value, render_into

if TYPE_CHECKING:
    from cmxl.api import Assessment, ReportSpec

REGISTRY = api.REGISTRY_SHEET
REGISTRY_TITLE = "cmxl 生成的工作表和标记（供 cmxl 下次运行时替换，请勿修改）"


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
        """Write the record in one call over the sheet's old rows (blank rows pad the rest), so
        a failure leaves either the old record or the new one, never neither."""
        rows: list[list[object]] = [[REGISTRY_TITLE, "", "", "", "", ""]]
        rows += [["sheet", name, "", "", "", ""] for name in sorted(self.sheets)]
        for p in self.marks:
            color = ",".join(str(x) for x in p.color) if p.color else ""
            rows.append(["mark", p.sheet, p.cell, color, p.note or "", "1" if p.note is not None else "0"])
        if REGISTRY in [s.name for s in book.sheets]:
            ws = book.sheets[REGISTRY]
            old = ws.used_range.options(ndim=2).value or []  # the record starts in A1
            rows += [[""] * 6 for _ in range(len(old) - len(rows))]
        else:
            ws = book.sheets.add(REGISTRY, after=book.sheets[-1])
        ws.range((1, 1), (len(rows), 6)).value = [[excel_value(api.registry_cell(v)) for v in row] for row in rows]
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
    progress("正在读取工作簿…", 0.05)
    grid = read_book(book, skip=registry.sheets | {REGISTRY})
    progress("正在校验和评分…", 0.3)
    return api.assess_open(grid, framework=framework, schemes=schemes, as_of=as_of)


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
    spec = api.open_workbook_sheets(a, book.name, issues_only)
    writing = [s.name for s in spec.sheets]
    present = [s.name for s in book.sheets]
    taken = [n for n in writing if n in present and n not in registry.sheets]
    if taken:
        action = "校验" if issues_only else "评分"
        raise SheetNameTaken(
            f"工作簿中已有名为“{'”“'.join(taken)}”的工作表，它不是 cmxl 生成的。"
            f"cmxl 不会覆盖您自己的工作表：请把它改名后再{action}。"
        )
    cosmetic: list[str] = []
    _replace(book, registry, spec, native, progress, cosmetic)
    progress("完成", 1.0)
    summary = _summary(a, issues_only)
    if cosmetic:
        summary += (
            f"注意：{'；'.join(cosmetic[:3])}{'等' if len(cosmetic) > 3 else ''}。结果已全部写入；打印设置需要一台打印机，"
            "可在 Windows 设置中添加打印机或“Microsoft Print to PDF”后再点一次。"
        )
    return ActionOutcome(a.size, len(a.report.errors), len(a.report.warnings), summary)


def _replace(
    book: Any, registry: Registry, spec: ReportSpec, native: Native | None, progress: Progress, cosmetic: list[str]
) -> None:
    """Replace cmxl's sheets and marks as one transaction. The record is written before each
    change it must know of (first the sheets about to be written, then, before any cell is
    marked, what the marks cover), so whatever Excel refuses, the next click knows all of it as
    cmxl's. When a step fails, this run's sheets and marks are taken out again and the message
    says what the workbook holds."""
    writing = [s.name for s in spec.sheets]
    present = {s.name for s in book.sheets}
    sheets = {n for n in registry.sheets if n in present} | set(writing)
    step = "登记将要写入的工作表"
    covered: list[Previous] = []

    def before_marks(previous: list[Previous]) -> None:
        nonlocal step
        step = "登记将要标色的单元格"
        covered.extend(previous)
        Registry(sheets, previous).save(book)
        step = "给有问题的单元格标色"

    def on_sheet(name: str, n: int, total: int) -> None:
        nonlocal step
        step = f"写入“{name}”"
        progress(f"正在写入“{name}”…", 0.5 + 0.45 * n / total)

    try:
        Registry(sheets, registry.marks).save(book)
    except Exception as exc:  # one call: the record is as it was, nothing else was touched
        raise WriteFailed(
            f"未完成：{step}时 Excel 报告错误（{excel_said(exc)}）。工作簿没有改动，请稍后再点一次。"
        ) from exc
    try:
        step = "还原上次标色的单元格"
        clear_marks(book, registry.marks)
        step = "删除上次的结果表"
        for name in writing:
            if name in present:
                book.sheets[name].delete()
        step = "新建结果表"
        render_into(book, spec, native, on_sheet, before_marks, cosmetic)
        book.sheets[writing[0]].activate()
    except CmxlError:
        raise
    except Exception as exc:  # COM's errors (pywintypes.com_error) and whatever Excel refuses
        undo = Registry(sheets - set(writing), covered + registry.marks)
        raise WriteFailed(_undo(book, writing, undo, step, exc, bool(present & set(writing)))) from exc


def _undo(book: Any, writing: list[str], undo: Registry, step: str, exc: Exception, replaced: bool) -> str:
    """Take this run's sheets and marks out again after `step` failed (`undo`: the sheets to keep
    and every mark to put back, this run's first); the message for the clerk."""
    first = f"未完成：{step}时 Excel 报告错误（{excel_said(exc)}）。"
    if replaced:
        first += "上次的结果表已在替换前删除。"
    try:
        clear_marks(book, undo.marks)
        for sheet in list(book.sheets):
            if sheet.name in writing:
                sheet.delete()
        Registry(undo.sheets, []).save(book)
    except Exception:  # Excel refuses even this: the record written before each change names all of it
        return first + "部分结果表已写入但不完整，它们已登记为 cmxl 生成的表，再点一次即会替换；您填写的数据没有改动。"
    return first + "本次写入的工作表和标色已全部撤回，您填写的数据没有改动。请关闭其他正在使用 Excel 的程序后再点一次。"


def _summary(a: Any, issues_only: bool) -> str:
    errors, warnings = len(a.report.errors), len(a.report.warnings)
    if not a.intake.sheet:
        return "没有找到测评数据表：详见“校验问题”表。"
    found = f"{a.intake.sheet}：{a.size} 人，{errors} 个错误，{warnings} 个警告"
    where = "问题已列在“校验问题”表，出问题的单元格已标色并附批注。" if a.report.issues else "没有发现问题。"
    if issues_only:
        return f"{found}。{where}"
    return f"{found}。已写入“汇总”“个人画像”“统计图表”等工作表。{where if a.report.issues else ''}"


def person_reports(
    book: Any, target: Path, framework: str | None = None, schemes: Sequence[str] = (), ledger: Path | None = None
) -> Path:
    """A report per person of the open workbook (one page each), as a Word document at `target`;
    with the certificate `ledger` the clerk chose, each page shows the person's previous cycle."""
    a = _assess_open(book, Registry.load(book), framework, schemes, None, _quiet)
    if not a.people:
        raise CmxlError("工作簿中没有人员数据，无法生成个人报告")
    return api.person_reports(a, book.name, target, ledger=ledger)


def new_template(app: Any, target: Path, framework: str | None = None) -> Path:
    """Write a blank assessment template to `target` and open it in Excel."""
    api.template(framework, target, force=True)  # the window's save dialog has asked about replacing
    app.books.open(str(target))
    return target
