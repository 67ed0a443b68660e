"""One sheet's cells read one at a time: scores, levels and numbers, each bad cell an issue on its
address (docs/rules.md, 测评工作簿). The fixed columns' readers are in fields.py."""

from __future__ import annotations

import datetime as dt

import numpy as np

from cmxl.core.cellref import a1
from cmxl.core.engine.intake.duplicate_columns import Conflict
from cmxl.core.engine.intake.text import clean_text, has_comma
from cmxl.core.grid import CellError, FormulaNoValue
from cmxl.core.ids import hidden_chars
from cmxl.core.issues import Issue, issue
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.model.workbook_format import WorkbookFormat
from cmxl.core.numbers import exact, has_inner_space, parse_number, shown


class CellReader:
    """Reads the cells of one sheet; collects issues as it goes."""

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
        if isinstance(raw, Conflict):
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

    def _typed_number(self, raw, row, col, pid, name, not_number: str, **ctx) -> float | None:
        """The number a cell that is not plainly one says (８５, 85分, a percentage), noted; None,
        reported (`not_number` when it is no number at all), when it says none for certain."""
        if has_comma(raw):
            self.add("number-comma", row, col, pid, name, raw)
            return None
        if has_inner_space(raw):
            self.add("number-space", row, col, pid, name, raw)
            return None
        value, normalised = parse_number(raw)
        if value is None:
            hidden = hidden_chars(raw) if isinstance(raw, str) else ()
            if hidden:  # “60” and a zero-width space: say what cannot be seen, not just "no number"
                self.add("number-invisible-chars", row, col, pid, name, raw, chars="、".join(hidden))
            else:
                self.add(not_number, row, col, pid, name, raw, **ctx)
            return None
        if normalised:
            self.add("number-normalised", row, col, pid, name, raw, normalised=exact(value))
        return self.as_shown(value, raw, row, col, pid, name)

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
        value = self._typed_number(raw, row, col, pid, name, "value-not-number")
        if value is None:
            return np.nan, True
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
        levels = "/".join(self.fw.level_names)
        value = self._typed_number(raw, row, col, pid, name, "score-not-number", levels=levels)
        if value is None:
            return np.nan, -1, True
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
