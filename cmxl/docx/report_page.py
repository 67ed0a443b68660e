"""One person's page of the report as WordprocessingML, sized to fit one printed A4 page.

Written as text, not through python-docx's object model (which took about 0.1 s a page). Every
paragraph has an exact line height, so a page's height is known before Word or LibreOffice lays
it out: the page is measured here (each text wrapped at the width it has, CJK characters one em
wide, others narrower) and drawn at the largest of a few size steps that fits, the development
goals shrinking first; when even the smallest step does not fit, the page is shortened the way
the core says (PersonPage.compact). Measured conservatively: a page is never more than one."""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from cmxl.core.layout.person_report import CHANGE, CHANGE_HEADS, GOALS, ITEM_HEADS, STRENGTHS, PersonPage
from cmxl.xlsx.render import xml_text

EMU_PER_TWIP = 635
PAGE_W, PAGE_H = 11906, 16838  # A4, twips
MARGIN_TB, MARGIN_LR = 794, 907  # 1.4 cm, 1.6 cm
TEXT_W = PAGE_W - 2 * MARGIN_LR  # 10092 twips, 504.6 pt
BUDGET = (PAGE_H - 2 * MARGIN_TB) / 20 * 0.96  # pt: the page's height, less a margin for safety
CELL_PAD = 60  # twips each side of a table cell's text
WHO_COLS = (1700, 3346, 1700, 3346)
SIDE_COLS = (4800, 5292)
ITEM_COLS = (1900, 1000, 780, 780, 712)  # within the right cell, less its padding
CHANGE_COLS = (3092, 1400, 1400, 1400, 1400, 1400)  # the items that moved since the previous cycle: the text's width
RADAR_W = SIDE_COLS[0] - 2 * CELL_PAD
RADAR_H = round(RADAR_W * 4.4 / 5.0)
BULLET_INDENT = 360  # ListBullet's hanging indent (the default template's numbering)
LEADING, TABLE_LEADING = 1.3, 1.25  # exact line height as a multiple of the font size
TITLE_SIZE, HEADING_SIZE = 15.0, 10.5
RED = "C00000"


@dataclass(frozen=True)
class Sizes:
    body: float  # the who table, strengths, the result, reasons, next step, signature
    table: float  # the item table
    goals: float


STEPS = (
    Sizes(9.0, 7.5, 8.5),
    Sizes(8.5, 7.5, 7.5),
    Sizes(8.5, 7.5, 7.0),
    Sizes(8.0, 7.0, 6.5),
    Sizes(8.0, 7.0, 6.0),
    Sizes(7.5, 6.5, 6.0),
    Sizes(7.0, 6.0, 5.5),
)


def line(size: float, leading: float = LEADING) -> float:
    """The exact line height (pt) of a font size: half points, rounded up."""
    return math.ceil(size * leading * 2) / 2


def em(ch: str) -> float:
    """A character's width in ems, generous: CJK ideographs and full-width forms are one em;
    Latin letters and digits in the fallback fonts (DejaVu Sans) up to about two thirds."""
    o = ord(ch)
    if o >= 0x2E80 or 0x2010 <= o <= 0x206F or 0x2460 <= o <= 0x27BF:
        return 1.0
    if ch == " ":
        return 0.35
    if ch.isupper() or ch in "mwMW@%&":
        return 0.85
    return 0.65


@functools.lru_cache(maxsize=8192)
def lines(text: str, size: float, width_twips: float) -> int:
    """How many lines `text` takes at `size` in a column `width_twips` wide: CJK breaks after any
    character, Latin only at spaces (a word too long for a line is broken); one em of the width is
    kept for the rule that a line may not start with certain punctuation."""
    width = width_twips / 20 / size - 1.0  # in ems
    count, used = 1, 0.0
    word = 0.0
    for ch in text + " ":
        w = em(ch)
        if w < 1.0 and ch != " ":  # inside a Latin word
            word += w
            continue
        if word:  # a Latin word ends: it goes whole on this line or the next
            if used + word > width and used > 0:
                count, used = count + 1, 0.0
            while word > width:
                count, word = count + 1, word - width
            used, word = used + word, 0.0
        if ch == " ":
            used += w
            continue
        if used + w > width:
            count, used = count + 1, 0.0
        used += w
    return count


def measure(page: PersonPage, s: Sizes) -> float:
    """The page's height (pt) at sizes `s`, as laid out by page_xml."""
    body, small = line(s.body), line(s.body - 1)
    h = line(TITLE_SIZE) + 4
    if page.warning:
        h += lines(page.warning, s.body, TEXT_W) * body + 2
    who = _pairs(page.who)
    cells = [(text, width) for row in who for text, width in zip(row, WHO_COLS, strict=True)]
    h += sum(
        max(lines(t, s.body - 0.5, w - 2 * CELL_PAD) for t, w in cells[r * 4 : r * 4 + 4]) * line(s.body - 0.5) + 1
        for r in range(len(who))
    )
    h += 5  # the spacer between the two tables
    rows = [ITEM_HEADS, *((i.name, i.score, i.level, i.standard, i.gap) for i in page.items)]
    table = sum(
        max(lines(t, s.table, w - 2 * CELL_PAD) for t, w in zip(row, ITEM_COLS, strict=True))
        * line(s.table, TABLE_LEADING)
        + 1
        for row in rows
    )
    h += max(RADAR_H / 20 + 4, table + 2) + 2
    if page.from_level_note:
        h += lines(page.from_level_note, s.body - 1, TEXT_W) * small
    heading = line(HEADING_SIZE) + 5
    if page.change_sentence:
        h += heading + lines(page.change_sentence, s.body, TEXT_W) * body + 1
        rows = [CHANGE_HEADS, *(c.cells for c in page.changes)] if page.changes else []
        h += sum(
            max(lines(t, s.table, w - 2 * CELL_PAD) for t, w in zip(row, CHANGE_COLS, strict=True))
            * line(s.table, TABLE_LEADING)
            + 1
            for row in rows
        )
    h += heading + lines(page.strengths_text, s.body, TEXT_W) * body + 1
    h += heading + sum(lines(text, s.goals, TEXT_W) * line(s.goals) + 1 for text in page.goal_lines)
    for text in (page.goals_empty, page.unjudged_note, page.goals_note):
        if text:
            h += lines(text, s.body, TEXT_W) * body + 1
    h += heading + (lines(page.certification_heading, HEADING_SIZE, TEXT_W) - 1) * line(HEADING_SIZE)
    h += lines(f"结果：{page.certification}", s.body, TEXT_W) * body + 1
    h += sum(lines(r, s.body, TEXT_W - BULLET_INDENT) * body + 1 for r in page.reasons)
    if page.next_step:
        h += lines(page.next_step, s.body, TEXT_W) * body + 2
    h += 8 + lines(page.signature, s.body, TEXT_W) * body
    return h


def fit(page: PersonPage) -> tuple[PersonPage, Sizes]:
    """The page at the largest sizes that fit one printed page; shortened when none does (last,
    the table of the items that changed since the previous cycle goes: its sentence stays)."""
    for level in range(PersonPage.COMPACT_LEVELS + 1):
        shown = page.compact(level)
        for s in STEPS:
            if measure(shown, s) <= BUDGET:
                return shown, s
    if page.changes:
        return fit(dataclasses.replace(page, changes=[]))
    return shown, STEPS[-1]


# ----- WordprocessingML -------------------------------------------------------------------------
def esc(text: str) -> str:
    return escape(xml_text(text))


def _run(text: str, size: float, bold: bool = False, color: str = "") -> str:
    props = "<w:b/>" if bold else ""
    props += f'<w:color w:val="{color}"/>' if color else ""
    props += f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{esc(text)}</w:t></w:r>'


def _para(
    runs: str, size: float, *, style: str = "", after: float = 0, before: float = 0, extra: str = "", leading=LEADING
) -> str:
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    ppr += extra
    ppr += (
        f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" '
        f'w:line="{round(line(size, leading) * 20)}" w:lineRule="exact"/>'
    )
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


@functools.lru_cache(maxsize=16384)  # item names, labels, the model's goal texts: the same on many pages
def _text(
    text: str,
    size: float,
    *,
    style: str = "",
    after: float = 0,
    before: float = 0,
    extra: str = "",
    leading: float = LEADING,
    bold: bool = False,
    color: str = "",
) -> str:
    return _para(
        _run(text, size, bold, color), size, style=style, after=after, before=before, extra=extra, leading=leading
    )


def _cell(width: int, content: str, shade: str = "") -> str:
    fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>' if shade else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}</w:tcPr>{content}</w:tc>'


def _table(widths: tuple[int, ...], rows: list[str], borders: bool = True) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    style = '<w:tblStyle w:val="TableGrid"/>' if borders else ""
    plain = (
        ""
        if borders
        else '<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>'
    )
    props = (
        f'{style}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>{plain}<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{CELL_PAD}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{CELL_PAD}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
    )
    return f"<w:tbl><w:tblPr>{props}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def _row(cells: str) -> str:
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"


def _pairs(who: list[tuple[str, str]]) -> list[list[str]]:
    return [
        [t for pair in who[k : k + 2] for t in pair] + ["", ""] * (2 - len(who[k : k + 2]))
        for k in range(0, len(who), 2)
    ]


def _picture(rid: str, n: int) -> str:
    cx, cy = RADAR_W * EMU_PER_TWIP, RADAR_H * EMU_PER_TWIP
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    pic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
    return (
        f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        f'<wp:docPr id="{n}" name="雷达图 {n}" descr="雷达图：各能力项的测评级别与岗位标准级别"/>'
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{a}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic xmlns:a="{a}"><a:graphicData uri="{pic}"><pic:pic xmlns:pic="{pic}">'
        f'<pic:nvPicPr><pic:cNvPr id="{n}" name="radar{n}.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r>"
    )


def _changes(page: PersonPage, s: Sizes) -> str:
    """The items that moved since the previous cycle: a change down in red."""

    def cell(k: int, t: str, w: int, head: bool = False) -> str:
        red = RED if k == 5 and t.startswith("-") else ""
        return _cell(w, _text(t, s.table, bold=head, leading=TABLE_LEADING, color=red), "F2F2F2" if head else "")

    heads = _row("".join(cell(k, t, w, True) for k, (t, w) in enumerate(zip(CHANGE_HEADS, CHANGE_COLS, strict=True))))
    body = [
        _row("".join(cell(k, t, w) for k, (t, w) in enumerate(zip(c.cells, CHANGE_COLS, strict=True))))
        for c in page.changes
    ]
    return _table(CHANGE_COLS, [heads, *body])


def page_xml(page: PersonPage, n: int, rid: str, first: bool) -> str:
    """The page of person `n` (1-based; its radar is the image part of relationship `rid`)."""
    page, s = fit(page)
    out = [
        _text(
            page.title,
            TITLE_SIZE,
            style="Heading1",
            after=4,
            extra="" if first else "<w:pageBreakBefore/>",
        )
    ]
    if page.warning:
        out.append(_text(page.warning, s.body, bold=True, color=RED, after=2))
    who = s.body - 0.5
    rows = [
        _row(
            "".join(
                _cell(w, _text(t, who), "F2F2F2" if k % 2 == 0 else "")
                for k, (t, w) in enumerate(zip(r, WHO_COLS, strict=True))
            )
        )
        for r in _pairs(page.who)
    ]
    out.append(_table(WHO_COLS, rows))
    out.append(_para("", 1, after=0, extra="", leading=5.0))  # keeps the two tables apart
    heads = _row(
        "".join(
            _cell(w, _text(t, s.table, bold=True, leading=TABLE_LEADING), "F2F2F2")
            for t, w in zip(ITEM_HEADS, ITEM_COLS, strict=True)
        )
    )
    items = [heads] + [
        _row(
            "".join(
                _cell(w, _text(t, s.table, leading=TABLE_LEADING, color=RED if k == 4 and t.startswith("-") else ""))
                for k, (t, w) in enumerate(zip((i.name, i.score, i.level, i.standard, i.gap), ITEM_COLS, strict=True))
            )
        )
        for i in page.items
    ]
    picture = f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="center"/></w:pPr>{_picture(rid, n)}</w:p>'
    tail = _para("", 1, leading=1.0)  # a cell ends with a paragraph: this one takes no room
    side = _row(_cell(SIDE_COLS[0], picture) + _cell(SIDE_COLS[1], _table(ITEM_COLS, items) + tail))
    out.append(_table(SIDE_COLS, [side], borders=False))
    if page.from_level_note:
        out.append(_text(page.from_level_note, s.body - 1))
    heading = {"style": "Heading2", "before": 4, "after": 1}
    if page.change_sentence:
        out.append(_text(CHANGE, HEADING_SIZE, **heading))
        out.append(_text(page.change_sentence, s.body, after=1))
        if page.changes:
            out.append(_changes(page, s))
    out.append(_text(STRENGTHS, HEADING_SIZE, **heading))
    out.append(_text(page.strengths_text, s.body, after=1))
    out.append(_text(GOALS, HEADING_SIZE, **heading))
    out += [_text(text, s.goals, after=1) for text in page.goal_lines]
    out += [_text(t, s.body, after=1) for t in (page.goals_empty, page.unjudged_note, page.goals_note) if t]
    out.append(_text(page.certification_heading, HEADING_SIZE, **heading))
    out.append(_text(f"结果：{page.certification}", s.body, after=1))
    out += [_text(r, s.body, style="ListBullet", after=1) for r in page.reasons]
    if page.next_step:
        out.append(_text(page.next_step, s.body, after=2))
    out.append(_text(page.signature, s.body, before=8))
    return "".join(out)
