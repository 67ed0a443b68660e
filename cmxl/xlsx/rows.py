"""A big sheet's rows as SpreadsheetML, written directly and streamed in pieces.

openpyxl spends about 5 µs a cell building objects; a results workbook has a couple of million
cells. Here a table body (`spec.Rows`) is turned into markup a column at a time: each column of
a run of rows is checked once for what it holds (text, numbers, or a mix), and the markup of all
its cells is made by one list comprehension; the cells of a row are then joined. Cells put one
by one (headers, marked cells, formulas, comments, links) go through the general `cell_xml`.

The markup is what openpyxl writes for the same cells (text as inline strings, so text stays
text), and is handed on in pieces of about a megabyte, so that the sheet is never one string in
memory and can be compressed while the next piece is made (cmxl.xlsx.write)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from xml.sax.saxutils import escape as xml_escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import to_excel

from cmxl.core.cellref import column_letter
from cmxl.core.layout import spec as S

CHUNK_ROWS = 250  # rows of a table body made at once, a column at a time (1,000 cost 17 MB more at 10k, no faster)
CHUNK_CHARS = 1 << 20  # markup handed on to be compressed at once
_NUMBERS = {int, float, type(None)}
_CR = {"\r": "&#13;"}  # a carriage return typed in a cell (XML would read a bare one as a line feed)
_MOMENTS = (dt.date, dt.time, dt.timedelta)  # written as Excel serial numbers (days), as openpyxl does
_TEXTS = {str, type(None)}


class _Texts(dict):
    """Per distinct text, the rest of its cell's markup after the style: made once (levels,
    units, grades repeat thousands of times). Empty text and None map to '' (no value)."""

    def __missing__(self, value: str | None) -> str:
        if value is None or value == "":
            markup = ""
        else:
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            space = ' xml:space="preserve"' if text != text.strip() else ""
            markup = f' t="inlineStr"><is><t{space}>{xml_escape(text, _CR)}</t></is></c>'
        self[value] = markup
        return markup


class _Numbers(dict):
    """Per distinct number, the rest of its cell's markup after the style: scores, gaps and
    ranks take a few thousand values among a million cells (formatting one costs three lookups)."""

    def __missing__(self, value: float) -> str:
        # -0.0 and 0 are one key: any zero is written "0" (whichever comes first)
        markup = self[value] = f' t="n"><v>{value or 0:.16g}</v></c>'
        return markup


class SheetRows:
    """The <sheetData> of one sheet, in pieces. `style_attr` maps each style name the sheet
    uses (None included) to its ' s="N"' attribute; `epoch` is the workbook's date system."""

    def __init__(self, sheet: S.SheetSpec, style_attr: dict[str | None, str], epoch: dt.datetime):
        self.sheet = sheet
        self.attr = style_attr
        self.epoch = epoch
        self.texts = _Texts()
        self.numbers = _Numbers()
        max_col = max(sheet.max_col, 0)
        self.letters = [column_letter(c) for c in range(max_col + 1)]
        self.dimension = f"A1:{self.letters[max_col]}{max(sheet.max_row, 0) + 1}"
        self.put: dict[int, list[tuple[int, S.Cell]]] = {}  # cells put one by one, by row
        for (r, c), cell in sheet.cells.items():
            self.put.setdefault(r, []).append((c, cell))
        for r in sheet.heights:  # a row given a height and nothing else (a spacer) is written too
            if r not in self.put and not any(b.top <= r < b.top + len(b.rows) for b in sheet.bodies):
                self.put[r] = []

    def size_hint(self) -> int:
        """Roughly how many bytes of markup (to know beforehand whether the zip member needs ZIP64)."""
        return 80 * self.sheet.cell_count + 1000

    def chunks(self) -> Iterator[str]:
        """The markup in pieces of about CHUNK_CHARS characters."""
        pieces, size = [], 0
        for piece in self._pieces():
            pieces.append(piece)
            size += len(piece)
            if size >= CHUNK_CHARS:
                yield "".join(pieces)
                pieces, size = [], 0
        if pieces:
            yield "".join(pieces)

    def _pieces(self) -> Iterator[str]:
        yield "<sheetData>"
        put_rows = sorted(self.put)
        at = 0  # next row of put_rows not yet written
        for body in sorted(self.sheet.bodies, key=lambda b: b.top):
            while at < len(put_rows) and put_rows[at] < body.top:
                yield self._general_row(put_rows[at])
                at += 1
            n, i = len(body.rows), 0
            while i < n:  # runs of plain rows, cut at rows that have cells put over the body
                cut = put_rows[at] - body.top if at < len(put_rows) and put_rows[at] < body.top + n else n
                for start in range(i, cut, CHUNK_ROWS):
                    yield self._plain_rows(body, start, min(start + CHUNK_ROWS, cut))
                if cut < n:
                    yield self._general_row(body.top + cut, body)
                    at += 1
                i = cut + 1
        for r in put_rows[at:]:
            yield self._general_row(r)
        yield "</sheetData>"

    # -- plain rows of a body: a column at a time ---------------------------------------------

    def _plain_rows(self, body: S.Rows, start: int, stop: int) -> str:
        rows = body.rows[start:stop]
        refs = [str(body.top + i + 1) for i in range(start, stop)]
        width = body.width
        blank = (None,) * len(rows)
        columns = list(itertools.zip_longest(*rows)) if rows else []
        columns += [blank] * (width - len(columns))  # a run of short rows: the body's later columns too
        if body.cell_styles is not None:
            style_columns = list(itertools.zip_longest(*body.cell_styles[start:stop]))
        markup = []
        for j, values in enumerate(columns):
            letter = self.letters[body.left + j]
            if body.cell_styles is not None:
                attrs: object = [self.attr[s] for s in style_columns[j]] if j < len(style_columns) else None
            else:
                attrs = self.attr[body.styles[j] if j < len(body.styles) else None]
            markup.append(self._column(values, refs, letter, attrs))
        heights = self.sheet.heights
        out = []
        joined = map("".join, zip(*markup, strict=True)) if markup else [""] * len(rows)
        for k, cells in enumerate(joined):
            r = body.top + start + k
            height = heights.get(r)
            if height:
                out.append(f'<row r="{r + 1}" ht="{height}" customHeight="1">{cells}</row>')
            elif cells:
                out.append(f'<row r="{r + 1}">{cells}</row>')
        return "".join(out)

    def _column(self, values: tuple, refs: list[str], letter: str, attrs: object) -> list[str]:
        """The markup of one column's cells (one string a row, '' for no cell)."""
        kinds = set(map(type, values))
        texts, numbers = self.texts, self.numbers
        if isinstance(attrs, str):  # one style for the whole column
            a = attrs
            if kinds <= _TEXTS:
                if a:
                    return [f'<c r="{letter}{ref}"{a}{texts[v] or "/>"}' for v, ref in zip(values, refs, strict=True)]
                return [
                    f'<c r="{letter}{ref}"{m}' if (m := texts[v]) else "" for v, ref in zip(values, refs, strict=True)
                ]
            if kinds <= _NUMBERS:  # None and NaN: no value
                empty = [f'<c r="{letter}{ref}"{a}/>' for ref in refs] if a else None
                return [
                    f'<c r="{letter}{ref}"{a}{numbers[v]}' if v is not None and v == v else (empty[n] if empty else "")
                    for n, (v, ref) in enumerate(zip(values, refs, strict=True))
                ]
            per_cell: list[str] | itertools.repeat[str] = itertools.repeat(a)
        elif attrs is None:
            per_cell = itertools.repeat("")
        else:  # a style a cell
            per_cell = attrs  # type: ignore[assignment]
            if kinds <= _TEXTS:
                return [
                    f'<c r="{letter}{ref}"{a}{m}' if (m := texts[v]) else (f'<c r="{letter}{ref}"{a}/>' if a else "")
                    for v, ref, a in zip(values, refs, per_cell, strict=True)
                ]
            if kinds <= _NUMBERS:
                return [
                    f'<c r="{letter}{ref}"{a}{numbers[v]}'
                    if v is not None and v == v
                    else (f'<c r="{letter}{ref}"{a}/>' if a else "")
                    for v, ref, a in zip(values, refs, per_cell, strict=True)
                ]
        return [self.cell_xml(f"{letter}{ref}", v, s) for v, ref, s in zip(values, refs, per_cell, strict=False)]

    # -- rows with cells put one by one ---------------------------------------------------------

    def _general_row(self, r: int, body: S.Rows | None = None) -> str:
        cells: dict[int, tuple[object, str, bool]] = {}
        if body is not None:
            i = r - body.top
            row = body.rows[i]
            for j in range(body.width):
                value = row[j] if j < len(row) else None
                cells[body.left + j] = (value, self.attr[body.style_at(i, j)], False)
        for c, cell in self.put.get(r, ()):
            cells[c] = (cell.value, self.attr[cell.style], cell.formula)
        ref = r + 1
        markup = "".join(self.cell_xml(f"{self.letters[c]}{ref}", *cells[c]) for c in sorted(cells))
        height = self.sheet.heights.get(r)
        if height:
            return f'<row r="{ref}" ht="{height}" customHeight="1">{markup}</row>'
        return f'<row r="{ref}">{markup}</row>'

    def cell_xml(self, where: str, value: object, style: str, formula: bool = False) -> str:
        if isinstance(value, float) and value != value:
            value = None
        if value is None or value == "":
            return f'<c r="{where}"{style}/>' if style else ""
        if isinstance(value, str):
            if formula and value.startswith("="):
                return f'<c r="{where}"{style}><f>{xml_escape(value[1:])}</f><v></v></c>'
            return f'<c r="{where}"{style}{self.texts[value]}'
        if isinstance(value, bool):
            return f'<c r="{where}"{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            return f'<c r="{where}"{style}{self.numbers[value]}'
        if isinstance(value, _MOMENTS):
            return f'<c r="{where}"{style} t="n"><v>{to_excel(value, self.epoch):.16g}</v></c>'
        return f'<c r="{where}"{style}{self.texts[str(value)]}'


def styles_used(sheet: S.SheetSpec) -> list[str | None]:
    """The styles a sheet's cells use (each once, in a fixed order: the cells put one by one,
    then the bodies'), so that each gets its cell format before the package is saved."""
    used: dict[str | None, None] = {None: None}
    used.update(dict.fromkeys(cell.style for cell in sheet.cells.values()))
    for body in sheet.bodies:
        used.update(dict.fromkeys(body.styles))
        for row in body.cell_styles or ():
            used.update(dict.fromkeys(row))
    return list(used)
