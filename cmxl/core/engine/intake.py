"""Intake: a cell grid in, normalised records and per-cell issues out (docs/rules.md, 测评工作簿)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cmxl.core.cellref import a1, column_letter
from cmxl.core.grid import CellError, FormulaNoValue, SheetGrid, WorkbookGrid
from cmxl.core.ids import read_id
from cmxl.core.issues import Issue, issue
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.model.workbook_format import FieldSpec, WorkbookFormat
from cmxl.core.numbers import exact, has_inner_space, parse_number, shown

_SPACE = re.compile(r"\s+")
_BRACKETED_TAIL = re.compile(r"\([^()]*\)$")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system, as serial numbers count
# Excel date serial numbers accepted as dates: 1990-01-01 .. 2100-12-31 (the number 2026 typed into a
# date column is not 1905-07-18 but an error)
SERIAL_RANGE = ((dt.date(1990, 1, 1) - EXCEL_EPOCH).days, (dt.date(2100, 12, 31) - EXCEL_EPOCH).days)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")


def clean_text(value: object) -> str:
    """Fold full-width characters, drop every space and line break."""
    if value is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value)))


def header_key(value: object) -> str:
    return clean_text(value).strip("*＊").rstrip(":：")


@dataclass
class Columns:
    """Where each known column is on the people sheet (0-based column indexes)."""

    fields: dict[str, int] = field(default_factory=dict)
    items: dict[int, int] = field(default_factory=dict)
    item_levels: dict[int, int] = field(default_factory=dict)
    subitems: dict[tuple[int, int], int] = field(default_factory=dict)
    date_columns: set[int] = field(default_factory=set)
    # a column given twice (two headers that read the same): the first column -> the others
    duplicates: dict[int, list[int]] = field(default_factory=dict)
    hits: dict[int, tuple] = field(default_factory=dict)  # every mapped column -> what its header reads as


class People:
    """The people of a workbook as columns: a list of values per field key ("row", "sheet",
    "scheme_id", "invalid" and the workbook format's fields), all in row order. It was a pandas
    DataFrame, used only as this; loading pandas cost every run a fifth of a second and 40 MB."""

    def __init__(self, columns: dict[str, list]):
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns["row"]) if "row" in self._columns else 0

    def __getitem__(self, key: str) -> list:
        return self._columns[key]

    def __contains__(self, key: object) -> bool:
        return key in self._columns

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    @classmethod
    def concat(cls, parts: list[People]) -> People:
        """The people of several sheets of one layout, one after another."""
        return cls({key: [v for part in parts for v in part[key]] for key in parts[0].columns})


@dataclass
class Intake:
    """What a workbook holds, normalised. Arrays are people x items in model order."""

    source: str
    sheet: str  # the first people sheet ('' when none was found)
    header_row: int
    columns: Columns
    people: People
    item_scores: np.ndarray
    item_levels: np.ndarray
    item_bad: np.ndarray
    subitem_scores: dict[int, np.ndarray]
    issues: list[Issue]
    header_rows: dict[str, int] = field(default_factory=dict)  # every people sheet -> its header row
    # people x items: a level name typed in the own column of an item scored from its sub-items
    # (ignored, with a warning when it differs from the computed level); -1 none
    typed_levels: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=int))

    @property
    def sheets(self) -> list[str]:
        """The people sheets read, in workbook order (several when a workbook has one per unit)."""
        return list(self.header_rows)


def _header_lookup(fw: Framework, fmt: WorkbookFormat) -> dict[str, tuple]:
    table: dict[str, tuple] = {}
    for spec in fmt.fields:
        for name in (spec.header, *spec.aliases):
            table[header_key(name)] = ("field", spec.key)
    for i, comp in enumerate(fw.competencies):
        names = [comp.name] + ([comp.code + comp.name] if comp.code else [])
        for name in names:
            table[header_key(name)] = ("item", i)
            table[header_key(name + "级别")] = ("item_level", i)
            table[header_key(name + "得分")] = ("item", i)
        for j, sub in enumerate(comp.subitems):
            table[header_key(sub)] = ("sub", i, j)
    return table


def _match(lookup: dict[str, tuple], value: object) -> tuple | None:
    key = header_key(value)
    if not key:
        return None
    if key in lookup:
        return lookup[key]
    trimmed = _BRACKETED_TAIL.sub("", key)
    return lookup.get(trimmed) if trimmed != key else None


def _find_header(sheet: SheetGrid, lookup: dict[str, tuple], search_rows: int) -> int | None:
    best, best_row = 0, None
    for r, row in enumerate(sheet.rows[:search_rows]):
        hits = [_match(lookup, v) for v in row]
        keys = {h[1] for h in hits if h and h[0] == "field"}
        count = sum(1 for h in hits if h)
        if keys & {"employee_id", "name"} and count >= 3 and count > best:
            best, best_row = count, r
    return best_row


def _choose_sheets(grid: WorkbookGrid, lookup: dict, fmt: WorkbookFormat) -> list[tuple[SheetGrid, int]]:
    """Every sheet with a header row of the people sheet, the one named 测评数据 first, then in
    workbook order; hidden ones too (the caller skips them with a warning)."""
    preferred = [s for s in grid.sheets if clean_text(s.name) == fmt.format.sheet]
    others = [s for s in grid.sheets if s not in preferred]
    found = []
    for sheet in preferred + others:
        row = _find_header(sheet, lookup, fmt.format.header_search_rows)
        if row is not None:
            found.append((sheet, row))
    return found


DATE_RANGE = (dt.date(1990, 1, 1), dt.date(2100, 12, 31))  # dates an assessment's facts can have


def parse_date(value: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number or common written forms, within
    DATE_RANGE; None if not (a date cell showing 1905-07-18 is the number 2026 typed into it)."""
    day = _parse_date(value)
    return day if day is not None and DATE_RANGE[0] <= day <= DATE_RANGE[1] else None


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date cell formatted as a number
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def _has_comma(raw: object) -> bool:
    """'8,5' may be 8.5 (a decimal comma) or 85: neither is guessed."""
    return isinstance(raw, str) and "," in unicodedata.normalize("NFKC", raw)


class _Reader:
    """Turns one sheet into records; collects issues as it goes."""

    def __init__(
        self,
        fw: Framework,
        schemes: dict[str, Scheme],
        fmt: WorkbookFormat,
        source: str,
        sheet: str,
        percent: frozenset[tuple[int, int]] = frozenset(),
        as_of: dt.date | None = None,
    ):
        self.fw, self.schemes, self.fmt = fw, schemes, fmt
        self.source, self.sheet, self.percent = source, sheet, percent
        self.as_of = as_of  # dates after it are errors (None: not checked)
        self.issues: list[Issue] = []
        self.scheme_lookup: dict[str, str] = {}
        for s in schemes.values():
            for name in (s.id, s.scheme.name, s.scheme.category, *s.scheme.aliases):
                self.scheme_lookup[clean_text(name)] = s.id
        self.level_lookup = {clean_text(k): v for k, v in fw.level_lookup.items()}
        self.grade_lookup = {clean_text(k): v for k, v in fw.grade_lookup.items()}
        self.known: dict[tuple, object] = {}  # (field, type, value, scheme) -> what a valid cell reads as
        self._cert_grades: dict[str, dict[str, int]] = {}

    def cert_grades(self, scheme: Scheme) -> dict[str, int]:
        """A scheme's certificate grades by every accepted spelling, cleaned (made once per scheme,
        not once per cell)."""
        lookup = self._cert_grades.get(scheme.id)
        if lookup is None:
            lookup = self._cert_grades[scheme.id] = {clean_text(k): v for k, v in scheme.grade_lookup.items()}
        return lookup

    def add(self, code: str, row: int, col: int, pid: str, field_name: str, value: object, **ctx) -> None:
        self.issues.append(
            issue(
                code,
                file=self.source,
                sheet=self.sheet,
                cell=a1(row, col),
                employee_id=pid,
                field=field_name,
                value="" if value is None else value,
                **ctx,
            )
        )

    def cell_problem(self, raw: CellError, row: int, col: int, pid: str, name: str) -> None:
        """A formula's error value, a formula the file holds no result for, or a value given twice."""
        if isinstance(raw, _Conflict):
            self.add("value-conflict", row, col, pid, name, "", cells=raw.text)
        elif isinstance(raw, FormulaNoValue):
            self.add("formula-no-value", row, col, pid, name, "")
        else:
            self.add("formula-error", row, col, pid, name, raw.text)

    def as_shown(self, value: float, raw: object, row: int, col: int, pid: str, name: str) -> float:
        """A number in a cell formatted as a percentage is read as the clerk sees it: 0.58 shown
        as 58% is 58 (with a warning, so the cell's format gets fixed)."""
        if (row, col) not in self.percent or not isinstance(raw, int | float):
            return value
        shown = round(value * 100, 9)
        self.add("number-percent", row, col, pid, name, f"{value:g}", shown=f"{shown:g}")
        return shown

    # -- single values ---------------------------------------------------------------------
    def number(self, raw, row, col, pid, name, low=0.0, high=100.0, score=True) -> tuple[float, bool]:
        """(value or NaN, bad). Empty is NaN and not bad."""
        if (type(raw) is float or type(raw) is int) and low <= raw <= high and (row, col) not in self.percent:
            return float(raw), False  # the common case, a number in range, without the checks below
        if raw is None or raw == "":
            return np.nan, False
        if isinstance(raw, CellError):
            self.cell_problem(raw, row, col, pid, name)
            return np.nan, True
        if _has_comma(raw):
            self.add("number-comma", row, col, pid, name, raw)
            return np.nan, True
        if has_inner_space(raw):
            self.add("number-space", row, col, pid, name, raw)
            return np.nan, True
        value, normalised = parse_number(raw)
        if value is None:
            self.add("value-not-number", row, col, pid, name, raw)
            return np.nan, True
        if normalised:
            self.add("number-normalised", row, col, pid, name, raw, normalised=exact(value))
        value = self.as_shown(value, raw, row, col, pid, name)
        if not low <= value <= high:
            text = shown(value, high if value > high else low)  # 100.00000001 is not shown as 100
            if score:
                self.add("score-out-of-range", row, col, pid, name, text)
            else:
                self.add("value-out-of-range", row, col, pid, name, text, low=f"{low:g}", high=f"{high:g}")
            return np.nan, True
        return value, False

    def item_value(self, raw, row, col, pid, name) -> tuple[float, int, bool]:
        """A competency cell: (score or NaN, level index or -1, bad)."""
        if (type(raw) is float or type(raw) is int) and 0 <= raw <= 100 and (row, col) not in self.percent:
            return float(raw), -1, False  # the common case, a score in range, without the checks below
        if raw is None or raw == "":
            return np.nan, -1, False
        if isinstance(raw, CellError):
            self.cell_problem(raw, row, col, pid, name)
            return np.nan, -1, True
        if isinstance(raw, str):
            level = self.level_lookup.get(clean_text(raw))
            if level is not None:
                return np.nan, level, False
        if _has_comma(raw):
            self.add("number-comma", row, col, pid, name, raw)
            return np.nan, -1, True
        if has_inner_space(raw):
            self.add("number-space", row, col, pid, name, raw)
            return np.nan, -1, True
        value, normalised = parse_number(raw)
        if value is None:
            self.add("score-not-number", row, col, pid, name, raw, levels="/".join(self.fw.level_names))
            return np.nan, -1, True
        if normalised:
            self.add("number-normalised", row, col, pid, name, raw, normalised=exact(value))
        value = self.as_shown(value, raw, row, col, pid, name)
        if not 0 <= value <= 100:
            self.add("score-out-of-range", row, col, pid, name, shown(value, 100 if value > 100 else 0))
            return np.nan, -1, True
        return value, -1, False

    def level_value(self, raw, row, col, pid, name) -> tuple[int, bool]:
        if raw is None or raw == "":
            return -1, False
        if isinstance(raw, CellError):
            self.cell_problem(raw, row, col, pid, name)
            return -1, True
        level = self.level_lookup.get(clean_text(raw))
        if level is None:
            self.add("level-unknown", row, col, pid, name, raw, allowed="、".join(self.fw.level_names))
            return -1, True
        return level, False

    def text_field(self, spec: FieldSpec, raw, row, col, pid, scheme: Scheme | None) -> object:
        """Normalise a fixed column's value by its type; returns None for empty or invalid."""
        if raw is None or raw == "":
            return None
        if isinstance(raw, CellError):
            self.cell_problem(raw, row, col, pid, spec.header)
            return None
        pure = spec.type not in CELL_DEPENDENT  # its reading depends on the value and scheme only
        if pure:  # grades, units, choices repeat on every row: each is read (and checked) once
            shown = repr(raw) if type(raw) is float else raw  # 0.0 and -0.0 are equal keys but read apart
            key = (spec.key, type(raw), shown, scheme.id if scheme is not None else None)
            known = self.known.get(key)
            if known is not None:
                return known
        before = len(self.issues)
        value = FIELD_READERS[spec.type](self, FieldCell(spec, raw, row, col, pid, scheme))
        if pure and value is not None and len(self.issues) == before:  # a problem is reported at every cell
            self.known[key] = value
        return value


@dataclass
class FieldCell:
    """One non-empty cell of a fixed column, with what a reader needs to judge it."""

    spec: FieldSpec
    raw: object
    row: int
    col: int
    pid: str
    scheme: Scheme | None

    def problem(self, reader: _Reader, code: str, value: object, **ctx: object) -> None:
        reader.add(code, self.row, self.col, self.pid, self.spec.header, value, **ctx)


def _read_number(reader: _Reader, c: FieldCell) -> object:
    spec = c.spec
    low = 0.0 if spec.low is None else spec.low
    high = 100.0 if spec.high is None else spec.high
    value, bad = reader.number(c.raw, c.row, c.col, c.pid, spec.header, low, high, score=spec.type == "score")
    return None if bad or value != value else value


def _read_date(reader: _Reader, c: FieldCell) -> object:
    date = parse_date(c.raw)
    if date is None:
        c.problem(reader, "date-invalid", c.raw)
    elif reader.as_of is not None and date > reader.as_of:  # the date stays: certification says what it leaves open
        c.problem(reader, "date-after-as-of", date, as_of=reader.as_of)
    return date


def _read_grade(reader: _Reader, c: FieldCell) -> object:
    text = clean_text(c.raw)
    if text not in reader.grade_lookup:
        c.problem(reader, "grade-unknown", c.raw, allowed="、".join(g.name for g in reader.fw.grades))
        return None
    return reader.fw.grades[reader.grade_lookup[text]].name


def _read_cert_grade(reader: _Reader, c: FieldCell) -> object:
    if c.scheme is None:
        return None
    lookup = reader.cert_grades(c.scheme)
    text = clean_text(c.raw)
    if text not in lookup:
        c.problem(reader, "cert-grade-unknown", c.raw, allowed="、".join(c.scheme.grade_names))
        return None
    return c.scheme.grade_names[lookup[text]]


def _read_choice(reader: _Reader, c: FieldCell) -> object:
    text = clean_text(c.raw)
    if text not in c.spec.choices:
        c.problem(reader, "choice-unknown", c.raw, allowed="、".join(c.spec.choices))
        return None
    return text


def _read_appraisal(reader: _Reader, c: FieldCell) -> object:
    text = clean_text(c.raw)
    scale = c.scheme.appraisal if c.scheme is not None else None
    if scale is None:
        return text
    allowed = [*scale.order, *scale.synonyms]
    if text not in allowed:
        c.problem(reader, "choice-unknown", c.raw, allowed="、".join(allowed))
        return None
    return scale.synonyms.get(text, text)


def _read_id(reader: _Reader, c: FieldCell) -> object:
    """The id as every later step compares it (cmxl.core.ids): invisible characters removed (said),
    a boolean, a date or a number beyond Excel's 15 digits an error on the row."""
    reading = read_id(c.raw)
    if reading.problem:
        digits = len(reading.id.lstrip("-"))
        reader.add(reading.problem, c.row, c.col, reading.id, c.spec.header, reading.id, digits=digits)
    if reading.removed:
        chars = "、".join(reading.removed)
        reader.add("id-invisible-chars", c.row, c.col, reading.id, c.spec.header, c.raw, chars=chars, clean=reading.id)
    return reading.id


def _read_text(reader: _Reader, c: FieldCell) -> object:
    return str(c.raw).strip()


def _read_clean(reader: _Reader, c: FieldCell) -> object:
    return clean_text(c.raw)


# Field types whose reading depends on the cell itself, not only its value and the scheme (a
# number in a cell formatted as a percentage is read as shown): they are never remembered.
CELL_DEPENDENT = frozenset({"number", "score"})

# How a fixed column of each type (FieldSpec.type) is read: a new type is one entry here plus
# its function (and, for the template's checks, one in cmxl/core/layout/template.py).
FIELD_READERS: dict[str, Callable[[_Reader, FieldCell], object]] = {
    "id": _read_id,
    "text": _read_text,
    "grade": _read_grade,
    "scheme": _read_clean,  # the scheme column is matched against the schemes before the rest of the row
    "cert_grade": _read_cert_grade,
    "number": _read_number,
    "score": _read_number,
    "date": _read_date,
    "choice": _read_choice,
    "appraisal": _read_appraisal,
}


def read_assessment(
    grid: WorkbookGrid,
    fw: Framework,
    schemes: dict[str, Scheme],
    fmt: WorkbookFormat,
    as_of: dt.date | None = None,
) -> Intake:
    """Find the people sheets, map their headers and read every person's values. A workbook with
    one sheet per unit is read sheet by sheet (sheets with the same columns as the first); a
    hidden sheet is skipped with a warning, and so is a sheet whose columns differ. A date after
    `as_of` (the assessment date) is an error on its cell."""
    lookup = _header_lookup(fw, fmt)
    k = len(fw.competencies)
    found = _choose_sheets(grid, lookup, fmt)
    visible = [(s, r) for s, r in found if s.visible]
    notes = [
        issue("sheet-hidden-skipped", file=grid.source, sheet=s.name, cell=a1(r, 0), value=s.name)
        for s, r in found
        if not s.visible
    ]
    if not visible:
        problem = issue("sheet-not-found", file=grid.source)
        return Intake(
            grid.source,
            "",
            -1,
            Columns(),
            _empty_people(fmt),
            np.empty((0, k)),
            np.empty((0, k), dtype=int),
            np.empty((0, k), dtype=bool),
            {},
            [*notes, problem],
            typed_levels=np.empty((0, k), dtype=int),
        )
    parts = [_read_sheet(grid.source, sheet, row, lookup, fw, schemes, fmt, as_of) for sheet, row in visible]
    first = parts[0]
    same = [first] + [x for x in parts[1:] if x.columns == first.columns]
    notes += [
        issue(
            "sheet-layout-differs",
            file=grid.source,
            sheet=x.sheet,
            cell=a1(x.header_row, 0),
            value=x.sheet,
            first=first.sheet,
        )
        for x in parts[1:]
        if x.columns != first.columns
    ]
    intake = _merge(same) if len(same) > 1 else first
    if len(intake.people) == 0:
        notes.append(issue("no-people", file=grid.source, sheet=first.sheet, cell=a1(first.header_row, 0)))
    intake.issues = notes + intake.issues
    return intake


def _merge(parts: list[Intake]) -> Intake:
    """Several people sheets of the same layout as one intake; an id on two sheets is an error on both."""
    first = parts[0]
    people = People.concat([x.people for x in parts])
    merged = Intake(
        source=first.source,
        sheet=first.sheet,
        header_row=first.header_row,
        columns=first.columns,
        people=people,
        item_scores=np.vstack([x.item_scores for x in parts]),
        item_levels=np.vstack([x.item_levels for x in parts]),
        item_bad=np.vstack([x.item_bad for x in parts]),
        subitem_scores={i: np.vstack([x.subitem_scores[i] for x in parts]) for i in first.subitem_scores},
        issues=[i for x in parts for i in x.issues],
        header_rows={x.sheet: x.header_row for x in parts},
        typed_levels=np.vstack([x.typed_levels for x in parts]),
    )
    id_col = first.columns.fields.get("employee_id", 0)
    seen: dict[str, tuple[str, int]] = {}
    for pid, sheet, row in zip(people["employee_id"], people["sheet"], people["row"], strict=True):
        if not pid:
            continue
        if pid in seen and seen[pid][0] != sheet:
            other_sheet, other_row = seen[pid]
            for here, there in (((sheet, row), (other_sheet, other_row)), ((other_sheet, other_row), (sheet, row))):
                merged.issues.append(
                    issue(
                        "id-duplicate",
                        file=first.source,
                        sheet=here[0],
                        cell=a1(here[1] - 1, id_col),
                        employee_id=pid,
                        field="员工编号",
                        value=pid,
                        other=f"{there[0]}!{a1(there[1] - 1, id_col)}",
                    )
                )
        seen.setdefault(pid, (sheet, int(row)))
    return merged


def _read_sheet(
    source: str,
    sheet: SheetGrid,
    header_row: int,
    lookup: dict,
    fw: Framework,
    schemes: dict[str, Scheme],
    fmt: WorkbookFormat,
    as_of: dt.date | None = None,
) -> Intake:
    """One people sheet read into an intake of its own."""
    k = len(fw.competencies)
    reader = _Reader(fw, schemes, fmt, source, sheet.name, sheet.percent_cells, as_of)
    cols = _map_columns(reader, sheet.rows[header_row], lookup, header_row, fw, fmt)

    records: dict[str, list] = defaultdict(list)
    scores: list[list[float]] = []
    levels: list[list[int]] = []
    bads: list[list[bool]] = []
    typed: list[list[int]] = []
    subs: dict[int, list[list[float]]] = {i: [] for i in {i for i, _ in cols.subitems}}
    default_scheme = schemes.get(fw.framework.default_scheme)
    mapped = sorted(cols.hits)  # every recognised column, a duplicate one too
    width = max(mapped, default=-1) + 1
    id_col = cols.fields.get("employee_id", 0)
    key_col = cols.fields.get("employee_id", cols.fields.get("name"))  # where a copy of the header shows first
    kinds = _column_kinds(cols, fmt) if cols.duplicates else {}
    items, item_levels = cols.items, cols.item_levels
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if len(row) < width:  # a short row: its missing cells are empty
            row = [*row, *([None] * (width - len(row)))]
        if all(row[c] in (None, "") for c in mapped):
            continue
        if (
            key_col is not None
            and _header_like(row[key_col], lookup)
            and _header_copy(reader, row, r, cols, lookup, header_row)
        ):
            continue  # the header again (two tables pasted one under the other): not a person
        moved: dict[int, int] = _NONE
        if cols.duplicates:  # of a column given twice, the cell filled in is read, or a conflict
            row, moved = _resolve(row, r, cols.duplicates, kinds)
            first_issue = len(reader.issues)
        cell = row.__getitem__
        raw_id = cell(id_col)
        before = len(reader.issues)
        pid = reader.text_field(fmt.by_key["employee_id"], raw_id, r, id_col, "", None) or ""
        id_bad = any(i.severity == "error" for i in reader.issues[before:])  # read once, reported once
        if type(raw_id) is _Conflict:
            pid = raw_id.first  # the row's person, for its messages (the id is an error all the same)
        numeric = type(raw_id) in (float, int)
        if numeric and not id_bad:
            records["_numeric_id"].append(r)
        records["id_numeric"].append(numeric)
        if r in sheet.hidden_rows:
            reader.add("row-hidden", r, 0, pid, "", "", row_no=r + 1)
        # scheme first: grade names and appraisal words depend on it
        scheme = default_scheme
        if "scheme" in cols.fields:
            c = cols.fields["scheme"]
            raw = cell(c)
            if isinstance(raw, CellError):
                reader.cell_problem(raw, r, c, pid, fmt.by_key["scheme"].header)
                scheme = None
            elif raw not in (None, ""):
                sid = reader.scheme_lookup.get(clean_text(raw))
                if sid is None:
                    allowed = "、".join(s.scheme.category for s in schemes.values())
                    reader.add("scheme-unknown", r, c, pid, "认证类别", raw, allowed=allowed)
                    scheme = None
                else:
                    scheme = schemes[sid]
        records["row"].append(r + 1)
        records["sheet"].append(sheet.name)
        records["scheme_id"].append(scheme.id if scheme else "")
        invalid: set[str] = set() if scheme is not None or "scheme" not in cols.fields else {"scheme"}
        for spec in fmt.fields:
            if spec.key == "scheme":
                continue
            if spec.key == "employee_id":  # read above, before the rest of the row
                if id_bad:
                    invalid.add(spec.key)
                records[spec.key].append(pid)
                continue
            c = cols.fields.get(spec.key)
            before = len(reader.issues)
            value = None if c is None else reader.text_field(spec, cell(c), r, c, pid, scheme)
            if len(reader.issues) > before and any(i.severity == "error" for i in reader.issues[before:]):
                invalid.add(spec.key)
            elif c is not None and value is None and scheme is None and cell(c) not in (None, ""):
                invalid.add(spec.key)  # a grade or rating that cannot be checked without a scheme
            records[spec.key].append(value)
        records["invalid"].append(frozenset(invalid))
        srow, lrow, brow, trow = [np.nan] * k, [-1] * k, [False] * k, [-1] * k
        for i in range(k):
            name = fw.competencies[i].name
            if i in items:
                c = items[i]
                if i in subs:  # its own column is ignored (an error there stays one); scoring notes a difference
                    srow[i], trow[i], _ = reader.item_value(cell(c), r, c, pid, name)
                else:
                    srow[i], lrow[i], brow[i] = reader.item_value(cell(c), r, c, pid, name)
            if i in item_levels:
                c = item_levels[i]
                lv, bad = reader.level_value(cell(c), r, c, pid, name + "级别")
                if lv >= 0 and lrow[i] >= 0 and lv != lrow[i]:
                    reader.add("level-conflict", r, c, pid, name, fw.level_names[lrow[i]], level=fw.level_names[lv])
                    bad = True
                lrow[i] = lv if lv >= 0 else lrow[i]
                brow[i] = brow[i] or bad
        for i in subs:
            values = []
            for j in range(len(fw.competencies[i].subitems)):
                c = cols.subitems.get((i, j))
                if c is None:
                    values.append(np.nan)
                    continue
                v, bad = reader.number(cell(c), r, c, pid, fw.competencies[i].subitems[j])
                brow[i] = brow[i] or bad
                values.append(v)
            subs[i].append(values)
        scores.append(srow)
        levels.append(lrow)
        bads.append(brow)
        typed.append(trow)
        if moved:  # a value read from the second of two columns: its issues point at its own cell
            where = {a1(r, first): a1(r, other) for first, other in moved.items()}
            for found in reader.issues[first_issue:]:
                found.cell = where.get(found.cell, found.cell)

    numeric_ids = records.pop("_numeric_id", [])
    people = People({key: records.get(key, []) for key in _people_columns(fmt)})
    n = len(people)
    intake = Intake(
        source=source,
        sheet=sheet.name,
        header_row=header_row,
        columns=cols,
        people=people,
        item_scores=np.array(scores, dtype=float).reshape(n, k),
        item_levels=np.array(levels, dtype=int).reshape(n, k),
        item_bad=np.array(bads, dtype=bool).reshape(n, k),
        subitem_scores={
            i: np.array(v, dtype=float).reshape(n, len(fw.competencies[i].subitems)) for i, v in subs.items()
        },
        issues=reader.issues,
        header_rows={sheet.name: header_row},
        typed_levels=np.array(typed, dtype=int).reshape(n, k),
    )
    _check_people(intake, reader, numeric_ids)
    return intake


_NONE: dict = {}  # no duplicate columns: no value taken from another column (never written to)


def _header_like(value: object, lookup: dict) -> bool:
    """Is this id (or name) cell a header word? Most ids are numbers or start with a digit: they
    are not looked up, so that a sheet of 50,000 people is not matched against the headers."""
    return isinstance(value, str) and value[:1] != "" and not value[:1].isdigit() and _match(lookup, value) is not None


def _header_copy(reader: _Reader, row: list, r: int, cols: Columns, lookup: dict, header_row: int) -> bool:
    """Is row `r` the header row again (noted and skipped)? One whose recognised headers stand in
    other columns than the header's is an error: the rows under it are read by the first header."""
    hits = {c: _match(lookup, v) for c, v in enumerate(row) if isinstance(v, str)}
    hits = {c: h for c, h in hits.items() if h is not None}
    if len(hits) < 3 or not any(h[0] == "field" and h[1] in ("employee_id", "name") for h in hits.values()):
        return False
    if all(cols.hits.get(c) == h for c, h in hits.items()):
        reader.add("header-repeated", r, 0, "", "", "", row_no=r + 1)
    else:
        reader.add("header-repeated-differs", r, 0, "", "", "", row_no=r + 1, header_no=header_row + 1)
    return True


def _column_kinds(cols: Columns, fmt: WorkbookFormat) -> dict[int, str]:
    """How the content of each column given twice is compared: as a date, a number or text."""
    kinds = {}
    for first in cols.duplicates:
        hit = cols.hits[first]
        kind = "number"
        if hit[0] == "field":
            spec_type = fmt.by_key[hit[1]].type
            kind = "date" if spec_type == "date" else "number" if spec_type in ("number", "score") else "text"
        kinds[first] = kind
    return kinds


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _content(raw: object, kind: str) -> object:
    """What a cell says, for comparing the cells of a column given twice: 85, "85" and "85分"
    say the same; so do a date and the same date typed as text."""
    if isinstance(raw, CellError) or isinstance(raw, bool):
        return raw
    if kind == "date" and (day := _parse_date(raw)) is not None:
        return day
    if kind == "number" and not _has_comma(raw) and not has_inner_space(raw):
        value, _ = parse_number(raw)
        if value is not None:
            return value
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return clean_text(raw) if isinstance(raw, str) else raw


@dataclass(frozen=True)
class _Conflict(CellError):
    """The cell of a column given twice whose cells in this row differ (`text`: which say what);
    read like an error value, it is reported by whoever reads it, under the column's name."""

    first: str = ""  # the first filled cell's text (an id given twice still names its person)


def _resolve(row: list, r: int, duplicates: dict[int, list[int]], kinds: dict[int, str]) -> tuple[list, dict]:
    """The row with each column given twice resolved into its first column: the value of the cell
    filled in (when the others are empty or say the same), or a _Conflict when the filled cells
    differ; and first column -> the column a value was taken from, where that is another."""
    row = list(row)
    moved: dict[int, int] = {}
    for first, others in duplicates.items():
        filled = [c for c in (first, *others) if not _blank(row[c])]
        if not filled:
            continue
        if len({_content(row[c], kinds[first]) for c in filled}) > 1:
            cells = "，".join(f"{a1(r, c)} 为 {_cell_text(row[c])}" for c in filled)
            shown = row[filled[0]]
            row[first] = _Conflict(cells, first=str(int(shown)) if _is_whole(shown) else clean_text(shown))
        elif filled[0] != first:
            row[first] = row[filled[0]]
            moved[first] = filled[0]
    return row, moved


def _is_whole(value: object) -> bool:
    return isinstance(value, float) and value.is_integer()


def _cell_text(value: object) -> str:
    """A cell's value as a message quotes it."""
    if isinstance(value, FormulaNoValue):
        return "没有计算结果的公式"
    if isinstance(value, CellError):
        return value.text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return exact(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return f"“{value}”" if isinstance(value, str) else str(value)


def _column_label(hit: tuple, fw: Framework, fmt: WorkbookFormat) -> str:
    """The canonical header of what a column holds."""
    if hit[0] == "field":
        return fmt.by_key[hit[1]].header
    comp = fw.competencies[hit[1]]
    if hit[0] == "item":
        return comp.name
    if hit[0] == "item_level":
        return comp.name + "级别"
    return comp.subitems[hit[2]]


def _people_columns(fmt: WorkbookFormat) -> list[str]:
    return ["row", "sheet", "scheme_id", "invalid", "id_numeric", *(k for k in fmt.by_key if k != "scheme")]


def _empty_people(fmt: WorkbookFormat) -> People:
    return People({key: [] for key in _people_columns(fmt)})


def _map_columns(
    reader: _Reader, header: list, lookup: dict, header_row: int, fw: Framework, fmt: WorkbookFormat
) -> Columns:
    cols = Columns()
    date_fields = {spec.key for spec in fmt.fields if spec.type == "date"}
    seen: dict[tuple, int] = {}
    for c, value in enumerate(header):
        hit = _match(lookup, value)
        if hit is None:
            if clean_text(value):
                reader.add("column-unknown", header_row, c, "", "", clean_text(value))
            continue
        cols.hits[c] = hit
        if hit[0] == "field" and hit[1] in date_fields:
            cols.date_columns.add(c)
        if hit in seen:  # read beside the first: a row whose two cells differ is an error (DOMAIN §4.4)
            cols.duplicates.setdefault(seen[hit], []).append(c)
            label = _column_label(hit, fw, fmt)
            reader.add("column-duplicate", header_row, c, "", label, clean_text(value), other=column_letter(seen[hit]))
            continue
        seen[hit] = c
        if hit[0] == "field":
            cols.fields[hit[1]] = c
        elif hit[0] == "item":
            cols.items[hit[1]] = c
        elif hit[0] == "item_level":
            cols.item_levels[hit[1]] = c
        else:
            cols.subitems[(hit[1], hit[2])] = c
    for spec in fmt.fields:
        if spec.required and spec.key not in cols.fields:
            reader.add("column-missing", header_row, 0, "", spec.header, "")
    for i, comp in enumerate(fw.competencies):
        has_subs = any((i, j) in cols.subitems for j in range(len(comp.subitems)))
        if has_subs:
            for j, sub in enumerate(comp.subitems):
                if (i, j) not in cols.subitems:
                    reader.add("column-missing", header_row, 0, "", sub, "")
        elif i not in cols.items and i not in cols.item_levels:
            reader.add("column-missing", header_row, 0, "", comp.name, "")
    return cols


def _check_people(intake: Intake, reader: _Reader, numeric_ids: list[int]) -> None:
    people, cols = intake.people, intake.columns
    id_col = cols.fields.get("employee_id", 0)
    name_col = cols.fields.get("name", 1)
    seen: dict[str, int] = {}
    # plain lists: one DataFrame .iat lookup per person cost 0.26 s at 10,000 people
    for row, pid, name in zip(list(people["row"]), list(people["employee_id"]), list(people["name"]), strict=True):
        r, pid = int(row) - 1, pid or ""
        if not pid:
            reader.add("id-missing", r, id_col, "", "员工编号", "")
        elif pid in seen:
            first = seen[pid]
            reader.add("id-duplicate", r, id_col, pid, "员工编号", pid, other=a1(first, id_col))
            reader.add("id-duplicate", first, id_col, pid, "员工编号", pid, other=a1(r, id_col))
        else:
            seen[pid] = r
        if not name:
            reader.add("name-missing", r, name_col, pid, "姓名", "")
    if numeric_ids:
        r = numeric_ids[0]
        value = people["employee_id"][people["row"].index(r + 1)]
        reader.add("id-numeric", r, id_col, value, "员工编号", value)
    intake.issues = reader.issues
