"""The roster as pages that people sign and keep (docs/rules.md, 认证名单):

- every list opens with a title block (the batch, the issue date, the schemes, the counts of the
  tally — cmxl.core.engine.tally, the one count) and ends with its totals; every printed page's
  header names the list, the batch and the issue date;
- the approval block (经办人 / 审核人 / 批准人 with a date each, and a box for the seal) is on the
  first sheet, 发证审批, and at the end of 通过名单, kept on one page;
- every list prints one page wide with its text at 8 pt or more (SheetSpec.fit_legibly): long
  texts wrap, and columns that do not fit are left out of the print area, which the title says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple, TypeVar

from cmxl.core.cellref import column_letter
from cmxl.core.engine.tally import Tally
from cmxl.core.layout.columns import Column, Columns
from cmxl.core.layout.spec import ROW_PT, PrintSetup, SheetSpec, Table, cell_range, display_width

R = TypeVar("R")
SIGNERS = ("经办人", "审核人", "批准人")
TABLE_TOP = 4  # a list's header row (0-based): the title, two lines about the batch, a blank row
SIGN_ROW_PT = 36.0  # room for a signature


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Batch:
    """What every page of a roster says about its batch."""

    name: str
    issue_date: dt.date
    schemes: list[str]  # the schemes applied for: name, id and version
    counts: Tally

    def header(self, title: str) -> str:
        """A printed page's header: the list, the batch and the issue date."""
        return f"{title}　批次：{self.name}　发证日期：{date_zh(self.issue_date)}"

    def lines(self, listed: str) -> list[str]:
        """The title block's lines under a list's title; `listed`: what this list holds."""
        c = self.counts
        return [
            f"批次：{self.name}　　发证日期：{date_zh(self.issue_date)}　　认证方案：{'；'.join(self.schemes) or '（无人申报）'}",
            f"本批次 {c.people} 人：未申报 {c.not_applied} 人，申报认证 {c.applied} 人"
            f"（通过 {c.passed} 人，暂缓发证 {c.held} 人，未通过 {c.failed} 人）。{listed}",
        ]


def list_sheet(
    name: str,
    title: str,
    batch: Batch,
    cols: Columns[R],
    records: Sequence[R],
    table: str,
    *,
    listed: str,
    totals: list[str],
    wrapped: dict[str, float],
    sign: bool = False,
) -> SheetSpec:
    """A list with its title block, its table (the header repeated on every printed page), its
    totals and, with `sign`, the approval block; `wrapped`: the columns (by header) that may wrap
    to keep the page legible, with the narrowest each may be."""
    top = TABLE_TOP
    cols = Columns([replace(c, style="wrap") if c.header in wrapped and c.style == "text" else c for c in cols.columns])
    sheet = SheetSpec(
        name,
        freeze=f"C{top + 2}",
        print_setup=PrintSetup(repeat_rows=f"{top + 1}:{top + 1}", header=batch.header(title)),
    )
    cols.add_table(sheet, top, records)
    sheet.heights[top] = 30  # a long header in two lines, so that its column is as wide as its values
    if records:
        sheet.tables.append(Table(table, cell_range(top, 0, top + len(records), len(cols.heads) - 1)))
        sheet.conditional += cols.conditional(top + 1, top + len(records))
    else:
        sheet.put(top + 1, 0, "（无）", "note")
    sheet.fit_widths(maximum=30, first_row=top + 1)
    for j, head in enumerate(cols.heads):  # a header in two lines at most
        sheet.widths[j] = max(sheet.widths.get(j, 0), -(-display_width(head) // 2) + 2.0)
    cols.set_widths(sheet)
    row = top + max(len(records), 1) + 2
    for n, line in enumerate(totals):
        sheet.put(row + n, 0, line, "total" if n == 0 else "note")
    row += len(totals)
    left_out = sheet.fit_legibly({cols[h]: w for h, w in wrapped.items() if h in cols.heads}, first_row=top + 1)
    printed = [c for c in range(len(cols.heads)) if c not in left_out]
    lines = batch.lines(listed)
    if left_out:
        names = "、".join(cols.heads[c] for c in left_out)
        lines[-1] += f"打印时只印到“{cols.heads[printed[-1]]}”列（{names} 在表格右侧，不打印）。"
    title_block(sheet, title, lines, printed)
    for n in range(len(totals)):
        _merge_line(sheet, row - len(totals) + n, printed)
    if sign:
        approval_block(sheet, row + 1, printed, keep_with=row - len(totals) - 1)
    extend_print_area(sheet)
    return sheet


def title_block(sheet: SheetSpec, title: str, lines: list[str], columns: list[int]) -> None:
    """The title in row 1 and `lines` under it, each across the printed columns."""
    sheet.put(0, 0, title, "title")
    sheet.heights[0] = 24  # the title's 14 pt, not over the line under it
    for n, line in enumerate(lines, start=1):
        sheet.put(n, 0, line, "note")
        _merge_line(sheet, n, columns)


def _merge_line(sheet: SheetSpec, row: int, columns: list[int]) -> None:
    """A line of text across `columns` of `row`, as tall as its wrapped lines need."""
    if len(columns) > 1:
        sheet.merges.append(f"A{row + 1}:{column_letter(columns[-1])}{row + 1}")
    cell = sheet.cells.get((row, 0))
    if cell is None or not isinstance(cell.value, str):
        return
    width = sum(sheet.widths.get(c, 8.43) for c in columns)
    lines = -(-display_width(cell.value) // max(int(width), 1))
    if lines > 1:
        sheet.heights[row] = max(sheet.heights.get(row, 0), lines * 13.0 + 2)


def extend_print_area(sheet: SheetSpec) -> None:
    """A print area (set when some columns do not print) down to the sheet's last row."""
    setup = sheet.print_setup
    if setup is not None and setup.print_area:
        first, last = setup.print_area.split(":")
        setup.print_area = f"{first}:{last.rstrip('0123456789')}{sheet.max_row + 1}"


def spans(sheet: SheetSpec, columns: list[int], shares: Sequence[float]) -> list[list[int]]:
    """`columns` split into consecutive groups of about the `shares` of their width."""
    widths = [sheet.widths.get(c, 8.43) for c in columns]
    total, groups, used, k = sum(widths), [[] for _ in shares], 0.0, 0
    bounds = [sum(shares[: n + 1]) * total for n in range(len(shares))]
    for c, w in zip(columns, widths, strict=True):
        while k < len(shares) - 1 and used + w / 2 > bounds[k] and groups[k]:
            k += 1
        groups[k].append(c)
        used += w
    return [g or [columns[-1]] for g in groups]


def approval_block(sheet: SheetSpec, top: int, columns: list[int], keep_with: int | None = None) -> int:
    """经办人 / 审核人 / 批准人, each with room to sign and a date, and a box for the seal beside
    them, from sheet row `top` across `columns`; a page break before it when it would not fit on
    the page it starts on (after row `keep_with`, whose page is estimated). Returns the next row."""
    label, box, day, seal = spans(sheet, columns, (0.22, 0.3, 0.26, 0.22))
    sheet.put(top, label[0], "审批", "label")
    _fill(sheet, top, label[1:], "label")
    rows = range(top + 1, top + 1 + len(SIGNERS))
    for r, who in zip(rows, SIGNERS, strict=True):
        sheet.heights[r] = SIGN_ROW_PT
        sheet.put(r, label[0], f"{who}（签字）", "sign")
        _fill(sheet, r, label[1:] + box, "sign")
        _fill(sheet, r, box, "sign")
        sheet.put(r, day[0], "日期：　　　年　　月　　日", "sign")
        _fill(sheet, r, day[1:], "sign")
        for group in (label, box, day):
            if len(group) > 1:
                sheet.merges.append(f"{column_letter(group[0])}{r + 1}:{column_letter(group[-1])}{r + 1}")
    sheet.put(top, seal[0], "盖章", "label")
    _fill(sheet, top, seal[1:], "label")
    sheet.put(rows[0], seal[0], "（单位公章）", "seal")
    for r in rows:
        _fill(sheet, r, seal[1:] if r == rows[0] else seal, "seal")
    sheet.merges.append(f"{column_letter(seal[0])}{rows[0] + 1}:{column_letter(seal[-1])}{rows[-1] + 1}")
    if len(label) > 1:
        sheet.merges.append(f"{column_letter(label[0])}{top + 1}:{column_letter(day[-1])}{top + 1}")
    if len(seal) > 1:
        sheet.merges.append(f"{column_letter(seal[0])}{top + 1}:{column_letter(seal[-1])}{top + 1}")
    end = rows[-1] + 1
    if keep_with is not None and not _fits_on_page(sheet, keep_with, end - 1):
        sheet.row_breaks.append(keep_with)
    return end + 1


def _fill(sheet: SheetSpec, row: int, columns: Iterable[int], style: str) -> None:
    """Empty cells in a style (a merged box is drawn whole only when each of its cells has the border)."""
    for c in columns:
        sheet.cells.setdefault((row, c), sheet.put(row, c, None, style))


def _fits_on_page(sheet: SheetSpec, after: int, last: int) -> bool:
    """Whether rows after..last print on one page, estimated from the row heights and the scale
    (the header row repeated at the top of every page after the first)."""
    setup = sheet.print_setup
    if setup is None:
        return True
    room = setup.page_rows_pt() / sheet.printed_scale() * 0.95  # a margin for renderers' rounding
    repeated = sheet.heights.get(TABLE_TOP, ROW_PT) if setup.repeat_rows else 0.0
    used, breaks = 0.0, set(sheet.row_breaks)
    block_start = None
    for r in range(last + 1):
        h = sheet.heights.get(r, ROW_PT)
        if used + h > room:
            used = repeated
        if r == after + 1:
            block_start = used
        used += h
        if r in breaks:
            used = repeated
    return (
        block_start is not None
        and block_start + sum(sheet.heights.get(r, ROW_PT) for r in range(after + 1, last + 1)) <= room
    )


def count_lines(title: str, groups: dict[str, Callable[[], int]]) -> str:
    """'title：a 12 人，b 3 人' of the groups with anyone in them."""
    parts = [f"{k} {n} 人" for k, f in groups.items() if (n := f())]
    return f"{title}：{'，'.join(parts)}" if parts else ""


class Outcomes(NamedTuple):
    """A row of 发证审批's table: a scheme's grade and how many applicants came to each outcome."""

    scheme: str
    grade: str
    passed: int
    held: int
    failed: int

    @property
    def applied(self) -> int:
        return self.passed + self.held + self.failed


OUTCOME_COLUMNS: Columns[Outcomes] = Columns(
    [
        Column("认证类别", "scheme", "value"),
        Column("认证等级", "grade", "value"),
        Column("申报认证", "applied", "value"),
        Column("通过（发证）", "passed", "value"),
        Column("暂缓发证", "held", "value"),
        Column("未通过", "failed", "value"),
    ]
)


def number_series(numbers: list[str]) -> str:
    """The certificate numbers given, a range per series (prefix and year: KH2026…, VIP2026…), each
    with its count: one range from the first to the last would run across series and hide some."""
    series: dict[str, list[str]] = {}
    for number in sorted(numbers):
        series.setdefault(number[:-6], []).append(number)
    return "、".join(f"{n[0]} 至 {n[-1]}（{len(n)} 张）" if len(n) > 1 else f"{n[0]}（1 张）" for n in series.values())


def approval_sheet(name: str, batch: Batch, rows: list[Outcomes], numbers: list[str]) -> SheetSpec:
    """The roster's first sheet, what an officer reads and signs: the batch, the outcomes per
    scheme and grade (adding up to the tally), the certificate numbers given, and the approval
    block — one landscape page."""
    title = "认证发证审批表"
    sheet = SheetSpec(name, tab_color="1F4E78", print_setup=PrintSetup(header=batch.header(title)))
    cols = OUTCOME_COLUMNS
    top = TABLE_TOP
    sheet.put(top - 1, 0, "按认证类别和等级", "label")
    sheet.put_row(top, 0, cols.heads, "head")
    c = batch.counts
    cols.put_rows(sheet, top + 1, rows)
    sheet.put_row(top + 1 + len(rows), 0, ["合计", None, c.applied, c.passed, c.held, c.failed], "total")
    sheet.widths = {0: 24.0, 1: 12.0, **{j: 13.0 for j in range(2, len(cols.heads))}}
    row = top + len(rows) + 3
    lines = [
        f"发证 {c.passed} 张，证书编号 {number_series(numbers)}，见“通过名单”。" if numbers else "本批次不发证书。",
        f"暂缓发证 {c.held} 人：改正（或登记核实结果）后重新运行即按规则发证，见“暂缓发证”。",
        f"未通过 {c.failed} 人，原因见“未通过名单”；未申报 {c.not_applied} 人不在名单中。",
    ]
    columns = list(range(len(cols.heads)))
    for n, line in enumerate(lines):
        sheet.put(row + n, 0, line, "note")
        _merge_line(sheet, row + n, columns)
    title_block(sheet, title, batch.lines("以下为本批次认证结果，请审核后签字盖章。"), columns)
    approval_block(sheet, row + len(lines) + 1, columns)
    sheet.print_setup.pages_tall = 1  # what is signed, on the page that is signed
    return sheet
