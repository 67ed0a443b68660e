"""Writing into the open workbook is one transaction (docs/excel.md): when Excel refuses any call
part-way through 评分 or 校验, either nothing of this run is left behind, or what is left is
recorded so that the next click replaces it; the message says which. Page set-up that Excel
refuses (a PC without a printer) is a note in the summary, not a failure.

Faults are injected at every Excel call the action makes, through the xlwings double: each public
method and property of its classes counts as one call."""

from __future__ import annotations

import contextlib
import inspect

import pytest

import tests.xlwings_double as double
from cmxl.addin import actions
from cmxl.addin.actions import REGISTRY, Registry, WriteFailed
from tests.conftest import AS_OF, grid, person
from tests.xlwings_double import Book


class ExcelRefused(Exception):
    """What pywintypes.com_error looks like to code that does not import pywin32."""


class Faults:
    """Counts calls into the double; raises ExcelRefused at call number `at` (1-based)."""

    def __init__(self, at: int | None = None):
        self.at, self.calls = at, 0

    def hit(self) -> None:
        self.calls += 1
        if self.at is not None and self.calls == self.at:
            raise ExcelRefused(-2147352567, "发生意外。", (0, "Microsoft Excel", "无法设置类的属性", None, 0, 0), None)


@contextlib.contextmanager
def counted(faults: Faults):
    """Every public method and property (get and set) of the double's classes goes through `faults`."""
    patches = []
    for cls in [c for _, c in inspect.getmembers(double, inspect.isclass) if c.__module__ == double.__name__]:
        for name, attr in list(vars(cls).items()):
            if name.startswith("_") and name not in ("__getitem__", "__iter__", "__len__", "__contains__"):
                continue
            if isinstance(attr, property):
                patched = property(
                    _wrap(attr.fget, faults) if attr.fget else None, _wrap(attr.fset, faults) if attr.fset else None
                )
            elif inspect.isfunction(attr):
                patched = _wrap(attr, faults)
            else:
                continue
            patches.append((cls, name, attr))
            setattr(cls, name, patched)
    try:
        yield faults
    finally:
        for cls, name, attr in patches:
            setattr(cls, name, attr)


def _wrap(function, faults: Faults):
    def call(*args, **kwargs):
        faults.hit()
        return function(*args, **kwargs)

    return call


class Printerless:
    """Excel on a PC without a printer: page set-up is refused, freezing panes works."""

    def freeze(self, sheet, cell):
        pass

    def page_setup(self, sheet, setup):
        raise ExcelRefused(
            -2147352567,
            "发生意外。",
            (0, "Microsoft Excel", "无法设置 PageSetup 类的 Orientation 属性", None, 0, 0),
            None,
        )


def open_book() -> Book:
    """Three people: one applying for 四级, one with a score out of range (a marked cell)."""
    people = [
        person("0001", "张三", 70, 申报认证等级="四级", 笔试成绩=80, 面试成绩=75, 培训学时=30),
        person("0002", "李四", 55, 成就导向=120),
        person("0003", "王五", 85),
    ]
    return Book._from_grid(grid(people), "C:/地市/南京_2026.xlsx")


def state(book: Book) -> dict:
    """All a clerk could see: the sheets in order (visible or not) and every cell of each."""
    return {s.name: (s.visible, {k: vars(v).copy() for k, v in s._cells.items() if vars(v)}) for s in book.sheets}


def test_the_small_workbook_has_marks_to_undo():
    book = open_book()
    actions.score(book, as_of=AS_OF)
    assert Registry.load(book).marks  # the injection below covers marking and unmarking cells


def clerk_view(book: Book) -> dict:
    """What the clerk sees of the workbook, without the time stamp of 运行信息."""
    view = state(book)
    view.pop("运行信息", None)
    return view


def clean(times: int) -> dict:
    book = open_book()
    for _ in range(times):
        actions.score(book, as_of=AS_OF)
    return clerk_view(book)


def _calls(times_before: int) -> int:
    book = open_book()
    for _ in range(times_before):
        actions.score(book, as_of=AS_OF)
    with counted(Faults()) as faults:
        actions.score(book, as_of=AS_OF)
    return faults.calls


def _injection_points(total: int) -> list[int]:
    """Every 47th call, and every one of the last 25 (recording and marking, the delicate end)."""
    return sorted(set(range(1, total + 1, 47)) | set(range(max(1, total - 25), total + 1)))


@pytest.mark.parametrize("earlier_runs", [0, 1], ids=["first click", "second click"])
def test_a_refused_excel_call_leaves_nothing_behind_or_what_the_next_click_replaces(earlier_runs):
    expected_after_retry = clean(earlier_runs + 1)
    total = _calls(earlier_runs)
    pristine = clerk_view(open_book())["测评数据"]
    for at in _injection_points(total):
        book = open_book()
        for _ in range(earlier_runs):
            actions.score(book, as_of=AS_OF)
        before = clerk_view(book)
        with counted(Faults(at)):
            try:
                actions.score(book, as_of=AS_OF)
                failed = None
            except WriteFailed as exc:
                failed = exc.message
            except ExcelRefused:  # refused while reading, before anything was written
                failed = "read"
        if failed is None:  # a refused call that changes nothing the clerk sees (a read of a colour, say)
            continue
        after = clerk_view(book)
        if failed == "read" or "工作簿没有改动" in failed:
            assert after == before, at
        elif "已全部撤回" in failed:
            assert after["测评数据"] == pristine, at  # every mark taken off again, values untouched
            assert [n for n in after if n not in ("测评数据", REGISTRY)] == [], at
            assert Registry.load(book).sheets.isdisjoint({"汇总", "校验问题"}), at
            assert ("上次的结果表已在替换前删除" in failed) == bool(earlier_runs), at
        else:
            assert "再点一次即会替换" in failed, (at, failed)
        actions.score(book, as_of=AS_OF)  # the next click, Excel willing
        assert clerk_view(book) == expected_after_retry, at


def test_a_pc_without_a_printer_gets_every_sheet_and_a_note():
    book = open_book()
    outcome = actions.score(book, as_of=AS_OF, native=Printerless())
    assert "注意：“汇总”的打印设置未能应用（Excel：无法设置 PageSetup 类的 Orientation 属性）" in outcome.summary
    assert "Microsoft Print to PDF" in outcome.summary
    assert clerk_view(book) == clean(1)


def test_new_sheets_go_before_the_hidden_record_sheet():
    book = open_book()
    actions.validate(book, as_of=AS_OF)
    actions.score(book, as_of=AS_OF)
    names = [s.name for s in book.sheets]
    assert names[-1] == REGISTRY and names[0] == "测评数据" and not book.sheets[REGISTRY].visible


def test_a_cell_whose_own_note_was_empty_gets_no_empty_note_back():
    book = open_book()
    data = book.sheets["测评数据"]
    data.range("E3").add_note("x")
    data.range("E3").note.text = ""  # a note the clerk emptied (Excel keeps it)
    actions.validate(book, as_of=AS_OF)  # E3 (成就导向 120) is marked, its empty note remembered
    data.range("E3").value = 80
    actions.validate(book, as_of=AS_OF)  # real xlwings refuses add_note("")
    assert data.range("E3").note is None and data.range("E3").color is None
