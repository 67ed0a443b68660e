"""The fixed columns (the workbook format's fields): each type's reader, in FIELD_READERS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cmxl.core.engine.intake.reader import CellReader
from cmxl.core.engine.intake.text import clean_text, parse_date
from cmxl.core.grid import CellError
from cmxl.core.ids import read_id
from cmxl.core.model.schemes import Scheme
from cmxl.core.model.workbook_format import FieldSpec


def read_field(reader: CellReader, spec: FieldSpec, raw, row, col, pid, scheme: Scheme | None) -> object:
    """Normalise a fixed column's value by its type; returns None for empty or invalid."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, CellError):
        reader.cell_problem(raw, row, col, pid, spec.header)
        return None
    pure = spec.type not in CELL_DEPENDENT  # its reading depends on the value and scheme only
    if pure:  # grades, units, choices repeat on every row: each is read (and checked) once
        shown = repr(raw) if type(raw) is float else raw  # 0.0 and -0.0 are equal keys but read apart
        key = (spec.key, type(raw), shown, scheme.id if scheme is not None else None)
        known = reader.known.get(key)
        if known is not None:
            return known
    before = len(reader.issues)
    value = FIELD_READERS[spec.type](reader, FieldCell(spec, raw, row, col, pid, scheme))
    if pure and value is not None and len(reader.issues) == before:  # a problem is reported at every cell
        reader.known[key] = value
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

    def problem(self, reader: CellReader, code: str, value: object, **ctx: object) -> None:
        reader.add(code, self.row, self.col, self.pid, self.spec.header, value, **ctx)


def _read_number(reader: CellReader, c: FieldCell) -> object:
    spec = c.spec
    low = 0.0 if spec.low is None else spec.low
    high = 100.0 if spec.high is None else spec.high
    value, bad = reader.number(c.raw, c.row, c.col, c.pid, spec.header, low, high, score=spec.type == "score")
    return None if bad or value != value else value


def _read_date(reader: CellReader, c: FieldCell) -> object:
    date = parse_date(c.raw)
    if date is None:
        c.problem(reader, "date-invalid", c.raw)
    elif reader.as_of is not None and date > reader.as_of:  # the date stays: certification says what it leaves open
        c.problem(reader, "date-after-as-of", date, as_of=reader.as_of)
    return date


def _read_grade(reader: CellReader, c: FieldCell) -> object:
    text = clean_text(c.raw)
    if text not in reader.grade_lookup:
        c.problem(reader, "grade-unknown", c.raw, allowed="、".join(g.name for g in reader.fw.grades))
        return None
    return reader.fw.grades[reader.grade_lookup[text]].name


def _read_cert_grade(reader: CellReader, c: FieldCell) -> object:
    if c.scheme is None:
        return None
    lookup = reader.cert_grades(c.scheme)
    text = clean_text(c.raw)
    if text not in lookup:
        c.problem(reader, "cert-grade-unknown", c.raw, allowed="、".join(c.scheme.grade_names))
        return None
    return c.scheme.grade_names[lookup[text]]


def _read_choice(reader: CellReader, c: FieldCell) -> object:
    text = clean_text(c.raw)
    if text not in c.spec.choices:
        c.problem(reader, "choice-unknown", c.raw, allowed="、".join(c.spec.choices))
        return None
    return text


def _read_appraisal(reader: CellReader, c: FieldCell) -> object:
    text = clean_text(c.raw)
    scale = c.scheme.appraisal if c.scheme is not None else None
    if scale is None:
        return text
    allowed = [*scale.order, *scale.synonyms]
    if text not in allowed:
        c.problem(reader, "choice-unknown", c.raw, allowed="、".join(allowed))
        return None
    return scale.synonyms.get(text, text)


def _read_id(reader: CellReader, c: FieldCell) -> object:
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


def _read_text(reader: CellReader, c: FieldCell) -> object:
    return str(c.raw).strip()


def _read_clean(reader: CellReader, c: FieldCell) -> object:
    return clean_text(c.raw)


# Field types whose reading depends on the cell itself, not only its value and the scheme (a
# number in a cell formatted as a percentage is read as shown): they are never remembered.
CELL_DEPENDENT = frozenset({"number", "score"})

# How a fixed column of each type (FieldSpec.type) is read: a new type is one entry here plus
# its function (and, for the template's checks, one in cmxl/core/layout/template.py).
FIELD_READERS: dict[str, Callable[[CellReader, FieldCell], object]] = {
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
