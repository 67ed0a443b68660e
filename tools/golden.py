"""Regenerate the committed templates and the golden snapshots.

    python tools/golden.py

templates/测评模板_<id>.xlsx   one blank assessment template per shipped framework
tests/golden/results_陕西/     the results workbook of workbooks/陕西_2026.xlsx
tests/golden/template_cm18/   the 18-item template

Each golden folder holds, for every sheet, `<sheet>.txt`: its cells as a clerk reads them, a line
a row (values separated by tabs; a line number is the row number), then the style each cell has
(by its name in the ReportSpec), the row heights, the notes and the links. A changed value is a
changed line, and the golden test names its row and cell. Beside them, `format/` holds the rest
of the file as normalised XML (docProps/core.xml with its timestamps dropped, one element per
line): the cell formats, column widths, print set-up, conditional formats, validations, tables
and charts, but not the sheets' rows, which the .txt files show. Look at a regenerated workbook
rendered once before committing it (LibreOffice -> PDF -> PNG).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import shutil
import sys
import tempfile
import zipfile
from itertools import groupby
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import canonicalize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cmxl.core.cellref import a1, parse_a1  # noqa: E402
from cmxl.core.engine.assessment import assess  # noqa: E402
from cmxl.core.layout.results import build_results  # noqa: E402
from cmxl.core.layout.spec import ReportSpec  # noqa: E402
from cmxl.core.layout.template import build_template  # noqa: E402
from cmxl.core.model.loading import catalogue  # noqa: E402
from cmxl.docx.certificates import default_template  # noqa: E402
from cmxl.xlsx.read import read_workbook  # noqa: E402
from cmxl.xlsx.render import render  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
TEMPLATES = ROOT / "templates"
CERTIFICATE_TEMPLATE = "证书模板.docx"  # the certificate a clerk prints (cmxl certs print --template)
SAMPLE = ROOT / "workbooks" / "陕西_2026.xlsx"
AS_OF = dt.date(2026, 12, 1)
SKIP = {"docProps/core.xml"}

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
SECTIONS = ("样式", "行高", "批注", "链接")  # after the values of a sheet's .txt, in this order


# -- the workbooks --------------------------------------------------------------------------------


def template_spec(fw_id: str) -> ReportSpec:
    cat = catalogue()
    return build_template(cat.framework(fw_id), cat.schemes, cat.workbook_format)


def write_template(fw_id: str, path: Path) -> Path:
    render(template_spec(fw_id), path)
    return path


def results_spec() -> ReportSpec:
    cat = catalogue()
    grid = read_workbook(SAMPLE)
    a = assess(grid, cat.framework(), cat, AS_OF)
    digest = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    return build_results(
        a, grid, source=SAMPLE.name, sha256=digest, tool_version="golden", created="2026-12-01T09:00:00"
    )


def write_results(path: Path) -> Path:
    render(results_spec(), path)
    return path


def template_name(fw_id: str) -> str:
    return f"测评模板_{fw_id}.xlsx"


def normalised(path: Path) -> dict[str, str]:
    """Every part of an .xlsx as normalised text: XML canonicalised (C14N) with one element per
    line, anything else as its SHA-256."""
    out: dict[str, str] = {}
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if name in SKIP:
                continue
            data = zf.read(name)
            if name.endswith((".xml", ".rels", ".vml")):
                text = canonicalize(data.decode("utf-8"))
                out[name] = re.sub(r">\s*<", ">\n<", text) + "\n"
            else:
                out[name] = hashlib.sha256(data).hexdigest() + "\n"
    return out


# -- snapshots ------------------------------------------------------------------------------------


def snapshot(path: Path, spec: ReportSpec | None = None) -> dict[str, str]:
    """The golden files of a workbook: `<sheet>.txt` per sheet, and `format/...`. Style names come
    from `spec` (the ReportSpec the file was rendered from); without it, a cell format's index."""
    parts = normalised(path)
    with zipfile.ZipFile(path) as zf:
        book = _Book(zf)
        out = {f"{name}.txt": _sheet_text(book, name, member, spec) for name, member in book.sheets}
    if book.xfs:  # each style name with the cell format(s) it was rendered as: one each
        out["format/cell-styles.txt"] = "".join(
            f"{name}\t{','.join(map(str, sorted(xfs)))}\n" for name, xfs in sorted(book.xfs.items())
        )
    for member, text in parts.items():
        if member.startswith("xl/comments") or member.endswith(".vml"):
            continue  # the notes are in the sheets' .txt
        if member.startswith("xl/theme/"):
            out[f"format/{member}"] = hashlib.sha256(text.encode()).hexdigest() + "\n"  # openpyxl's own
            continue
        if member.startswith("xl/worksheets/sheet"):  # the rows and links are in the .txt
            text = re.sub(r"<sheetData>.*?</sheetData>\n?", "", text, flags=re.S)
            text = re.sub(r"<hyperlinks>.*?</hyperlinks>\n?", "", text, flags=re.S)
        out[f"format/{member}"] = text
    return out


class _Book:
    """What a snapshot reads of a workbook's package: its sheets, cell formats and notes."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        workbook = ET.fromstring(zf.read("xl/workbook.xml"))
        targets = self._relations("xl/_rels/workbook.xml.rels")
        self.sheets = [
            (s.get("name", ""), "xl/" + targets[s.get(f"{{{NS['r']}}}id", "")][1].lstrip("/").removeprefix("xl/"))
            for s in workbook.iterfind("m:sheets/m:sheet", NS)
        ]
        styles = ET.fromstring(zf.read("xl/styles.xml"))
        codes = {
            int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.iterfind("m:numFmts/m:numFmt", NS)
        }
        self.formats = [
            codes.get(int(xf.get("numFmtId", "0")), _BUILTIN_DATES.get(int(xf.get("numFmtId", "0")), ""))
            for xf in styles.iterfind("m:cellXfs/m:xf", NS)
        ]
        self.xfs: dict[str, set[int]] = {}  # a style name -> the cell formats of its cells

    def _relations(self, member: str) -> dict[str, tuple[str, str]]:
        """Id -> (the kind of part, the part's name)."""
        if member not in self.zf.namelist():
            return {}
        root = ET.fromstring(self.zf.read(member))
        return {
            r.get("Id", ""): (r.get("Type", "").rsplit("/", 1)[-1], r.get("Target", ""))
            for r in root.iterfind("rel:Relationship", NS)
        }

    def notes(self, member: str) -> dict[str, str]:
        """A sheet's notes by cell."""
        folder, name = member.rsplit("/", 1)
        found: dict[str, str] = {}
        for kind, target in self._relations(f"{folder}/_rels/{name}.rels").values():
            if kind != "comments":
                continue
            part = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
            while "/../" in part:  # worksheets/../comments/comment1.xml
                part = re.sub(r"[^/]+/\.\./", "", part, count=1)
            for c in ET.fromstring(self.zf.read(part)).iterfind("m:commentList/m:comment", NS):
                found[c.get("ref", "")] = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
        return found


_BUILTIN_DATES = {14: "yyyy-mm-dd", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM"}
_BUILTIN_DATES |= {20: "h:mm", 21: "h:mm:ss", 22: "yyyy-mm-dd h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0"}
_EPOCH = dt.datetime(1899, 12, 30)


def _sheet_text(book: _Book, name: str, member: str, spec: ReportSpec | None) -> str:
    """A sheet as text: the values, a line a row, then the sections of SECTIONS."""
    root = ET.fromstring(book.zf.read(member))
    styled = spec.sheet(name) if spec is not None else None
    values: dict[int, list[str]] = {}
    looks: dict[int, list[str]] = {}
    heights: list[str] = []
    for row in root.iterfind("m:sheetData/m:row", NS):
        r = int(row.get("r", "0"))
        if row.get("ht") is not None:
            heights.append(f"{r}\t{_number(row.get('ht', ''))}\n")
        for c in row.iterfind("m:c", NS):
            col = parse_a1(c.get("r", ""))[1]
            xf = int(c.get("s", "0"))
            _set(values, r, col, _shown(c, book.formats[xf]))
            if c.get("s") is not None:
                _set(looks, r, col, _style_token(book, styled, r, col, xf))
    links = [
        f"{h.get('ref')}\t{_escape(h.get('location', '') or h.get('display', ''))}\n"
        for h in root.iterfind("m:hyperlinks/m:hyperlink", NS)
    ]
    notes = [f"{ref}\t{_escape(text)}\n" for ref, text in book.notes(member).items()]
    last = max((r for r, row in values.items() if any(row)), default=0)
    lines = ["\t".join(values.get(r, [])).rstrip("\t") + "\n" for r in range(1, last + 1)]
    for title, section in zip(SECTIONS, (_style_runs(looks), heights, notes, links), strict=True):
        if section:
            lines += [f"== {title} ==\n", *section]
    return "".join(lines)


def _set(table: dict[int, list[str]], r: int, col: int, text: str) -> None:
    row = table.setdefault(r, [])
    row += [""] * (col + 1 - len(row))
    row[col] = text


def _style_token(book: _Book, styled, r: int, col: int, xf: int) -> str:
    """The cell's style by name (and which cell format it was given), or by its format's index."""
    if styled is None:
        return f"xf{xf}"
    cell = styled.cell(r - 1, col)
    name = cell.style if cell is not None and cell.style is not None else "?"
    book.xfs.setdefault(name, set()).add(xf)
    return name


def _style_runs(looks: dict[int, list[str]]) -> list[str]:
    """`2-49<tab>text×4 wrap num×5`: the rows that share their cells' styles, column by column
    ("-": no style)."""
    runs: list[tuple[int, int, str]] = []
    for r in sorted(looks):
        tokens = [t or "-" for t in looks[r]]
        text = " ".join(t if n == 1 else f"{t}×{n}" for t, n in ((t, len(list(g))) for t, g in groupby(tokens)))
        if runs and runs[-1][1] == r - 1 and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], r, text)
        else:
            runs.append((r, r, text))
    return [f"{a}\t{text}\n" if a == b else f"{a}-{b}\t{text}\n" for a, b, text in runs]


def _shown(c: ET.Element, number_format: str) -> str:
    """A cell's value as a clerk reads it: text as typed ("quoted" where it could be read as a
    number, or is empty), a formula as =…, a number as stored, a date or time as one."""
    kind = c.get("t", "n")
    formula = c.find("m:f", NS)
    if formula is not None:
        return "=" + (formula.text or "")
    if kind == "inlineStr":
        return _text("".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")))
    v = c.find("m:v", NS)
    if v is None or v.text is None:
        return ""
    if kind == "b":
        return "TRUE" if v.text == "1" else "FALSE"
    if kind in ("e", "str", "s"):
        return _text(v.text)
    return _moment(float(v.text), number_format) or _number(v.text)


def _number(text: str) -> str:
    x = float(text)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _moment(serial: float, number_format: str) -> str | None:
    """A serial number in a date or time format, as the date or time it shows."""
    code = re.sub(r'"[^"]*"|\\.|\[(?!h\])[^\]]*\]', "", number_format.lower())
    if not re.search(r"[ymdhs]", code):
        return None
    if "[h]" in code:  # a length of time
        seconds = round(serial * 86400)
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    moment = _EPOCH + dt.timedelta(days=serial)
    has_date, has_time = bool(re.search(r"[yd]", code)), bool(re.search(r"[hs]", code))
    if has_date and not has_time:
        return moment.date().isoformat()
    if has_time and not has_date:
        return moment.time().isoformat()
    return moment.isoformat(sep=" ")


def _text(value: str) -> str:
    looks_like_other = value == "" or value != value.strip() or value[0] in '="#' or value in ("TRUE", "FALSE")
    try:
        float(value)
        looks_like_other = True
    except ValueError:
        pass
    escaped = _escape(value)
    return f'"{escaped}"' if looks_like_other else escaped


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# -- differences, as a reader wants them ---------------------------------------------------------


def differences(fresh: dict[str, str], committed: dict[str, str], limit: int = 40) -> str:
    """What differs between two snapshots: for a sheet, the rows (and their cells) that changed,
    were added or went; for the format, the changed XML lines. Empty when they are the same."""
    out: list[str] = []
    for name in sorted(set(fresh) | set(committed)):
        old, new = committed.get(name), fresh.get(name)
        if old == new:
            continue
        if old is None or new is None:
            out.append(f"{name}: {'new' if old is None else 'gone'}")
        elif name.endswith(".txt") and not name.startswith("format/"):
            out += _sheet_differences(name.removesuffix(".txt"), old, new)
        else:
            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), "committed", "fresh", n=1, lineterm="")
            out += [f"{name}:", *(f"  {line}" for line in list(diff)[2:])]
    if len(out) > limit:
        out = [*out[:limit], f"... and {len(out) - limit} more lines"]
    return "\n".join(out)


def _split(text: str) -> tuple[list[str], list[str]]:
    """A sheet's .txt: its value rows, and its sections' lines."""
    lines = text.splitlines()
    first = next((n for n, line in enumerate(lines) if line in {f"== {s} ==" for s in SECTIONS}), len(lines))
    return lines[:first], lines[first:]


def _sheet_differences(sheet: str, old: str, new: str) -> list[str]:
    (old_rows, old_rest), (new_rows, new_rest) = _split(old), _split(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_rows, b=new_rows, autojunk=False)
    for op, i0, i1, j0, j1 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i1 - i0 == j1 - j0:
            for k in range(i1 - i0):
                out += _row_change(sheet, j0 + k + 1, old_rows[i0 + k], new_rows[j0 + k])
            continue
        out += [f"{sheet} row {i0 + k + 1} gone: {_readable(old_rows[i0 + k])}" for k in range(i1 - i0)]
        out += [f"{sheet} row {j0 + k + 1} new: {_readable(new_rows[j0 + k])}" for k in range(j1 - j0)]
    if old_rest != new_rest:
        diff = difflib.unified_diff(old_rest, new_rest, "committed", "fresh", n=0, lineterm="")
        out += [f"{sheet} (styles, heights, notes, links):", *(f"  {line}" for line in list(diff)[2:])]
    return out


def _row_change(sheet: str, r: int, old: str, new: str) -> list[str]:
    before, after = old.split("\t"), new.split("\t")
    width = max(len(before), len(after))
    before += [""] * (width - len(before))
    after += [""] * (width - len(after))
    cells = [
        f"{a1(r - 1, c)} {x or '(empty)'} -> {y or '(empty)'}"
        for c, (x, y) in enumerate(zip(before, after, strict=True))
        if x != y
    ]
    return [f"{sheet} row {r}: " + "; ".join(cells)]


def _readable(line: str) -> str:
    return " | ".join(line.split("\t"))


# -- regeneration ---------------------------------------------------------------------------------


def save_golden(name: str, files: dict[str, str]) -> None:
    folder = GOLDEN / name
    shutil.rmtree(folder, ignore_errors=True)
    for member, text in files.items():
        target = folder / member
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def load_golden(name: str) -> dict[str, str]:
    folder = GOLDEN / name
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fresh_golden(name: str, tmp: Path) -> dict[str, str]:
    """The snapshot the golden `name` is compared with, made now."""
    if name == "template_cm18":
        spec = template_spec("cm18")
    elif name == "results_陕西":
        spec = results_spec()
    else:
        raise ValueError(name)
    path = tmp / f"{name}.xlsx"
    render(spec, path)
    return snapshot(path, spec)


GOLDENS = ("results_陕西", "template_cm18")


def main() -> None:
    TEMPLATES.mkdir(exist_ok=True)
    for fw_id in catalogue().frameworks:
        target = TEMPLATES / template_name(fw_id)
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_template(fw_id, Path(tmp) / "t.xlsx")
            if not target.exists() or normalised(fresh) != normalised(target):  # no churn from zip timestamps
                shutil.copy(fresh, target)
                print(target)
    certificate = TEMPLATES / CERTIFICATE_TEMPLATE
    if not certificate.exists():  # HR edits this copy in Word: written once, never overwritten
        default_template(certificate)
        print(certificate)
    for name in GOLDENS:
        with tempfile.TemporaryDirectory() as tmp:
            save_golden(name, fresh_golden(name, Path(tmp)))
    print(GOLDEN)


if __name__ == "__main__":
    main()
