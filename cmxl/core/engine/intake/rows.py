"""One people sheet read row by row into an intake of its own: each person's id, scheme, fixed
values, competency scores and levels, knowledge sub-item scores, and every problem on its cell."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from cmxl.core.cellref import a1
from cmxl.core.engine.intake.duplicate_columns import Conflict, column_kinds, resolve
from cmxl.core.engine.intake.fields import read_field
from cmxl.core.engine.intake.headers import header_copy, header_like, map_columns
from cmxl.core.engine.intake.people import check_people
from cmxl.core.engine.intake.reader import CellReader
from cmxl.core.engine.intake.result import Columns, Intake, People
from cmxl.core.engine.intake.text import clean_text
from cmxl.core.grid import CellError, SheetGrid
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.model.workbook_format import WorkbookFormat

_NONE: dict = {}  # no duplicate columns: no value taken from another column (never written to)


def people_columns(fmt: WorkbookFormat) -> list[str]:
    return ["row", "sheet", "scheme_id", "invalid", "id_numeric", *(k for k in fmt.by_key if k != "scheme")]


def read_sheet(
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
    reader = CellReader(fw, schemes, fmt, source, sheet.name, sheet.percent_cells, as_of)
    cols = map_columns(reader, sheet.rows[header_row], lookup, header_row, fw, fmt)
    rows = _SheetRows(reader, cols, lookup, header_row, sheet, schemes)
    for r in range(header_row + 1, len(sheet.rows)):
        rows.read(r, sheet.rows[r])
    return rows.intake()


class _SheetRows:
    """The rows of one people sheet as they are read: every person's values, column by column."""

    def __init__(
        self, reader: CellReader, cols: Columns, lookup: dict, header_row: int, sheet: SheetGrid, schemes: dict
    ):
        fw, fmt = reader.fw, reader.fmt
        self.reader, self.cols, self.lookup, self.header_row, self.sheet = reader, cols, lookup, header_row, sheet
        self.fw, self.fmt, self.schemes = fw, fmt, schemes
        self.records: dict[str, list] = defaultdict(list)
        self.scores: list[list[float]] = []
        self.levels: list[list[int]] = []
        self.bads: list[list[bool]] = []
        self.typed: list[list[int]] = []
        self.subs: dict[int, list[list[float]]] = {i: [] for i in {i for i, _ in cols.subitems}}
        self.numeric_ids: list[int] = []  # rows whose id was typed as a number (and is otherwise fine)
        self.default_scheme = schemes.get(fw.framework.default_scheme)
        self.mapped = sorted(cols.hits)  # every recognised column, a duplicate one too
        self.width = max(self.mapped, default=-1) + 1
        self.id_col = cols.fields.get("employee_id", 0)
        # where a copy of the header shows first
        self.key_col = cols.fields.get("employee_id", cols.fields.get("name"))
        self.kinds = column_kinds(cols, fmt) if cols.duplicates else {}

    def read(self, r: int, row: list) -> None:
        """Row `r` (0-based) of the sheet: a person, or a blank row or a copy of the header (skipped)."""
        if len(row) < self.width:  # a short row: its missing cells are empty
            row = [*row, *([None] * (self.width - len(row)))]
        if all(row[c] in (None, "") for c in self.mapped):
            return
        key_col = self.key_col
        if (
            key_col is not None
            and header_like(row[key_col], self.lookup)
            and header_copy(self.reader, row, r, self.cols, self.lookup, self.header_row)
        ):
            return  # the header again (two tables pasted one under the other): not a person
        moved: dict[int, int] = _NONE
        if self.cols.duplicates:  # of a column given twice, the cell filled in is read, or a conflict
            row, moved = resolve(row, r, self.cols.duplicates, self.kinds)
            first_issue = len(self.reader.issues)
        pid, id_bad = self._person(r, row)
        scheme = self._scheme(r, row, pid)
        self._fixed(r, row, pid, id_bad, scheme)
        self._competencies(r, row, pid)
        if moved:  # a value read from the second of two columns: its issues point at its own cell
            where = {a1(r, first): a1(r, other) for first, other in moved.items()}
            for found in self.reader.issues[first_issue:]:
                found.cell = where.get(found.cell, found.cell)

    def _person(self, r: int, row: list) -> tuple[str, bool]:
        """(the row's id, whether it is an error); the id's problems are reported once, here."""
        reader, records = self.reader, self.records
        raw_id = row[self.id_col]
        before = len(reader.issues)
        pid = read_field(reader, self.fmt.by_key["employee_id"], raw_id, r, self.id_col, "", None) or ""
        id_bad = any(i.severity == "error" for i in reader.issues[before:])  # read once, reported once
        if type(raw_id) is Conflict:
            pid = raw_id.first  # the row's person, for its messages (the id is an error all the same)
        numeric = type(raw_id) in (float, int)
        if numeric and not id_bad:
            self.numeric_ids.append(r)
        records["id_numeric"].append(numeric)
        if r in self.sheet.hidden_rows:
            reader.add("row-hidden", r, 0, pid, "", "", row_no=r + 1)
        return pid, id_bad

    def _scheme(self, r: int, row: list, pid: str) -> Scheme | None:
        """The row's certification scheme (first: grade names and appraisal words depend on it);
        None when its 认证类别 is not one."""
        if "scheme" not in self.cols.fields:
            return self.default_scheme
        reader, c = self.reader, self.cols.fields["scheme"]
        raw = row[c]
        if isinstance(raw, CellError):
            reader.cell_problem(raw, r, c, pid, self.fmt.by_key["scheme"].header)
            return None
        if raw in (None, ""):
            return self.default_scheme
        sid = reader.scheme_lookup.get(clean_text(raw))
        if sid is None:
            allowed = "、".join(s.scheme.category for s in self.schemes.values())
            reader.add("scheme-unknown", r, c, pid, "认证类别", raw, allowed=allowed)
            return None
        return self.schemes[sid]

    def _fixed(self, r: int, row: list, pid: str, id_bad: bool, scheme: Scheme | None) -> None:
        """The fixed columns' values, and which of them are invalid."""
        reader, records, fields = self.reader, self.records, self.cols.fields
        records["row"].append(r + 1)
        records["sheet"].append(self.sheet.name)
        records["scheme_id"].append(scheme.id if scheme else "")
        invalid: set[str] = set() if scheme is not None or "scheme" not in fields else {"scheme"}
        for spec in self.fmt.fields:
            if spec.key == "scheme":
                continue
            if spec.key == "employee_id":  # read above, before the rest of the row
                if id_bad:
                    invalid.add(spec.key)
                records[spec.key].append(pid)
                continue
            c = fields.get(spec.key)
            before = len(reader.issues)
            value = None if c is None else read_field(reader, spec, row[c], r, c, pid, scheme)
            if len(reader.issues) > before and any(i.severity == "error" for i in reader.issues[before:]):
                invalid.add(spec.key)
                if spec.type == "text" and type(row[c]) is Conflict:  # a name given twice: shown as first written
                    value = row[c].first.strip() or None
            elif c is not None and value is None and scheme is None and row[c] not in (None, ""):
                invalid.add(spec.key)  # a grade or rating that cannot be checked without a scheme
            records[spec.key].append(value)
        records["invalid"].append(frozenset(invalid))

    def _competencies(self, r: int, row: list, pid: str) -> None:
        """Each competency's score or level (an item scored from its sub-items: the sub-items')."""
        reader, fw, items, item_levels, subs = self.reader, self.fw, self.cols.items, self.cols.item_levels, self.subs
        k = len(fw.competencies)
        srow, lrow, brow, trow = [np.nan] * k, [-1] * k, [False] * k, [-1] * k
        for i in range(k):
            name = fw.competencies[i].name
            if i in items:
                c = items[i]
                if i in subs:  # its own column is ignored (an error there stays one); scoring notes a difference
                    srow[i], trow[i], _ = reader.item_value(row[c], r, c, pid, name)
                else:
                    srow[i], lrow[i], brow[i] = reader.item_value(row[c], r, c, pid, name)
            if i in item_levels:
                c = item_levels[i]
                lv, bad = reader.level_value(row[c], r, c, pid, name + "级别")
                if lv >= 0 and lrow[i] >= 0 and lv != lrow[i]:
                    reader.add("level-conflict", r, c, pid, name, fw.level_names[lrow[i]], level=fw.level_names[lv])
                    bad = True
                lrow[i] = lv if lv >= 0 else lrow[i]
                brow[i] = brow[i] or bad
        for i in subs:
            brow[i] = self._subitems(i, r, row, pid) or brow[i]
        self.scores.append(srow)
        self.levels.append(lrow)
        self.bads.append(brow)
        self.typed.append(trow)

    def _subitems(self, i: int, r: int, row: list, pid: str) -> bool:
        """The sub-item scores of knowledge item `i` (kept); whether one of them is bad."""
        comp, bad_any, values = self.fw.competencies[i], False, []
        for j in range(len(comp.subitems)):
            c = self.cols.subitems.get((i, j))
            if c is None:
                values.append(np.nan)
                continue
            v, bad = self.reader.number(row[c], r, c, pid, comp.subitems[j])
            bad_any = bad_any or bad
            values.append(v)
        self.subs[i].append(values)
        return bad_any

    def intake(self) -> Intake:
        """What the sheet holds, with the checks over all its people."""
        fw, k = self.fw, len(self.fw.competencies)
        people = People({key: self.records.get(key, []) for key in people_columns(self.fmt)})
        n = len(people)
        intake = Intake(
            source=self.reader.source,
            sheet=self.sheet.name,
            header_row=self.header_row,
            columns=self.cols,
            people=people,
            item_scores=np.array(self.scores, dtype=float).reshape(n, k),
            item_levels=np.array(self.levels, dtype=int).reshape(n, k),
            item_bad=np.array(self.bads, dtype=bool).reshape(n, k),
            subitem_scores={
                i: np.array(v, dtype=float).reshape(n, len(fw.competencies[i].subitems)) for i, v in self.subs.items()
            },
            issues=self.reader.issues,
            header_rows={self.sheet.name: self.header_row},
            typed_levels=np.array(self.typed, dtype=int).reshape(n, k),
        )
        check_people(intake, self.reader, self.numeric_ids)
        return intake
