"""One result record per person, built once from an assessment.

Every output reads these records and nothing else about a person: the summary, detail, profile
and statistics sheets, the roster, the ledger, `score --json`, compare and the worksheet
functions. Display values are rounded here, once, half up to one decimal (docs/rules.md,
"Rounding"); `total_exact` keeps the full-precision total for averages."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cmxl.core.cellref import parse_a1
from cmxl.core.engine.certification import NOT_APPLIED, CertResult, Reason
from cmxl.core.engine.change import Change
from cmxl.core.engine.intake import Intake
from cmxl.core.engine.scoring import Scores
from cmxl.core.engine.tally import Outcome, outcome, result_word
from cmxl.core.issues import Issue
from cmxl.core.model.framework import Framework
from cmxl.core.numbers import round_half_up, round_half_up_array

NOT_RATED = "未评定"  # no level, total or attainment could be determined (the row has errors or gaps)
UNRECOGNISED_MARK = "（无法识别）"  # after a 现岗位级别 that is not a known grade, as typed


@dataclass(slots=True)
class PersonResult:
    file: str
    sheet: str
    row: int  # 1-based row of the person on `sheet`
    employee_id: str
    name: str
    province: str
    unit: str
    department: str
    grade: str  # 现岗位级别 as recognised ('' when empty or unknown)
    standard_grade: str  # the grade whose standard profile applies ('' none)
    target_level: str  # the level whose knowledge sub-item weights applied
    item_scores: list[float | None]  # per competency in model order, rounded
    item_levels: list[str | None]
    item_from_level: list[bool]  # the score is the level's band midpoint (only a level was given)
    gaps: list[int | None]  # assessed level minus standard level, in level steps
    category_scores: list[float | None]
    total: float | None
    total_exact: float | None
    level: str | None
    attainment: str | None
    items_below: int | None  # competencies judged below standard (None without a standard profile)
    certification: CertResult
    scheme_name: str
    facts: dict[str, object] = field(default_factory=dict)  # every fixed column's value, by field key
    issues: list[Issue] = field(default_factory=list)  # this row's issues
    also_in: list[str] = field(default_factory=list)  # other files of a batch with the same id
    # why the certificate waits (暂缓发证), judged within this workbook; '' when it does not. The
    # status stays as computed (a batch's roster judges holds again across all its files)
    held: str = ""
    # where the same row (the same data) is counted instead ('' when this row counts): see settle()
    repeat_of: str = ""
    grade_unrecognised: str = ""  # 现岗位级别 as typed when it is not a known grade: no standard applies
    items_unjudged: int | None = None  # competencies not rated while a standard applies (gap unknown)
    id_numeric: bool = False  # the id was typed as a number: its leading zeros may be lost
    # the change since the person's previous cycle in the ledger (cmxl.core.engine.history); None:
    # no ledger was looked up
    change: Change | None = None

    # ---- the words a sheet shows ------------------------------------------------------------
    @property
    def level_shown(self) -> str:
        return self.level or NOT_RATED

    @property
    def attainment_shown(self) -> str:
        return self.attainment or NOT_RATED

    @property
    def applying(self) -> bool:
        return self.certification.status is not None

    @property
    def status(self) -> str:
        """The certification status as computed, or 未申报 for someone not applying this cycle."""
        return self.certification.status or NOT_APPLIED

    @property
    def result_shown(self) -> str:
        """The result every sheet shows: 暂缓发证 when the certificate waits, else the status."""
        return result_word(self)

    @property
    def outcome(self) -> Outcome:
        return outcome(self)

    @property
    def grade_shown(self) -> str:
        """现岗位级别 as a sheet shows it: the grade, or what was typed marked 无法识别."""
        return self.grade or (f"{self.grade_unrecognised}{UNRECOGNISED_MARK}" if self.grade_unrecognised else "")

    @property
    def scheme_id(self) -> str:
        return self.certification.scheme_id

    @property
    def applied(self) -> str:
        """The certification grade applied for ('' when not applying)."""
        return self.certification.grade if self.applying else ""

    @property
    def reasons(self) -> list[Reason]:
        return self.certification.reasons

    @property
    def reasons_text(self) -> str:
        return "；".join(r.message for r in self.certification.reasons)

    @property
    def reasons_shown(self) -> str:
        """The reasons beside the result in a sheet (for the clerk): when the certificate waits,
        why and what to do first, then the computed status with its reasons."""
        if not (self.held and self.applying):
            return self.reasons_text
        computed = f"计算结果：{self.status}" + (f"（{self.reasons_text}）" if self.reasons_text else "")
        return f"{self.held}，改正后重新运行；{computed}"

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    def fingerprint(self) -> tuple:
        """What the person's row says, wherever it is: two rows with the same fingerprint are the
        same data (the same person typed twice), two with different ones conflict."""
        facts = tuple(sorted((k, repr(v)) for k, v in self.facts.items()))
        return (facts, tuple(self.item_scores), tuple(self.item_levels))

    def to_json(self, item_names: list[str], category_names: list[str]) -> dict:
        """The `score --json` shape of one person."""
        cert = self.certification
        return {
            "employee_id": self.employee_id,
            "name": self.name,
            "unit": self.unit,
            "row": self.row,
            "grade": self.grade,
            "grade_unrecognised": self.grade_unrecognised or None,
            "standard_grade": self.standard_grade or None,
            "target_level": self.target_level,
            "items": {
                name: {
                    "score": self.item_scores[i],
                    "level": self.item_levels[i],
                    "from_level": self.item_from_level[i],
                    "gap": self.gaps[i],
                }
                for i, name in enumerate(item_names)
            },
            "categories": dict(zip(category_names, self.category_scores, strict=True)),
            "total": self.total,
            "level": self.level,
            "attainment": self.attainment,
            "items_below_standard": self.items_below,
            "items_not_judged": self.items_unjudged,
            "certification": {
                "scheme": cert.scheme_id or None,
                "grade": cert.grade or None,
                "status": cert.status,  # as computed; `result` and `outcome` say whether it is final
                "result": self.result_shown if self.applying else None,
                "outcome": self.outcome.value,
                "interview": None if cert.interview is None else round_half_up(cert.interview, 1),
                "reasons": [vars(r) for r in cert.reasons],
                "held": self.held or None,
            },
            **({"change": self.change.to_json()} if self.change is not None else {}),
        }


def rounded(matrix: np.ndarray) -> list[list[float | None]]:
    """Half up to one decimal, NaN as None, as nested lists (vectorised)."""
    return [[None if v != v else v for v in row] for row in round_half_up_array(matrix, 1).tolist()]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def person_results(
    fw: Framework,
    intake: Intake,
    scores: Scores,
    certifications: list[CertResult],
    scheme_names: dict[str, str],
    issues: list[Issue],
) -> list[PersonResult]:
    """The records of every person of an assessment, in row order."""
    people, s = intake.people, scores
    n = len(people)
    if n == 0:
        return []
    levels, grades = fw.level_names, fw.grades

    def texts(column: str) -> list[str]:
        return [_text(x) for x in list(people[column])] if column in people else [""] * n

    ids, names, provinces = texts("employee_id"), texts("name"), texts("province")
    units, departments, grade_texts = texts("unit"), texts("department"), texts("grade")
    rows = [int(r) for r in list(people["row"])]
    keys = [k for k in people.columns if k not in ("row", "sheet", "scheme_id", "invalid", "id_numeric")]
    numeric = list(people["id_numeric"]) if "id_numeric" in people else [False] * n
    sheets = list(people["sheet"])
    columns = {k: list(people[k]) for k in keys}
    item_scores, category_scores = rounded(s.item_scores), rounded(s.category_scores)
    totals = [row[0] for row in rounded(s.total.reshape(-1, 1))]
    exact = [None if t != t else float(t) for t in s.total.tolist()]
    item_levels = [[levels[v] if v >= 0 else None for v in row] for row in s.item_levels.tolist()]
    gaps = [[None if g != g else int(g) for g in row] for row in s.gaps.tolist()]
    from_level = s.item_from_level.tolist()
    unknown_gaps = np.isnan(s.gaps).sum(axis=1)
    below = (np.nan_to_num(s.gaps, nan=0) < 0).sum(axis=1)  # the known gaps below standard
    invalid = list(people["invalid"])
    grade_col = intake.columns.fields.get("grade", -1)
    by_row = _issues_by_row(issues)
    out = []
    for p in range(n):
        cert = certifications[p]
        grade = int(s.grade[p])
        row_issues = by_row.get((sheets[p], rows[p]), [])
        unrecognised = _typed_grade(row_issues, grade_col) if "grade" in invalid[p] else ""
        out.append(
            PersonResult(
                file=intake.source,
                sheet=sheets[p],
                row=rows[p],
                employee_id=ids[p],
                name=names[p],
                province=provinces[p],
                unit=units[p],
                department=departments[p],
                grade=grade_texts[p],
                standard_grade=grades[grade].name if grade >= 0 else "",
                target_level=levels[int(s.target_level[p])],
                item_scores=item_scores[p],
                item_levels=item_levels[p],
                item_from_level=from_level[p],
                gaps=gaps[p],
                category_scores=category_scores[p],
                total=totals[p],
                total_exact=exact[p],
                level=levels[int(s.level[p])] if s.level[p] >= 0 else None,
                attainment=s.attainment[p],
                items_below=int(below[p]) if grade >= 0 else None,
                certification=cert,
                scheme_name=scheme_names.get(cert.scheme_id, "") if cert.status else "",
                facts={k: columns[k][p] for k in keys if columns[k][p] is not None},
                issues=row_issues,
                grade_unrecognised=unrecognised,
                items_unjudged=int(unknown_gaps[p]) if grade >= 0 else None,
                id_numeric=bool(numeric[p]),
            )
        )
    return out


def _issues_by_row(issues: list[Issue]) -> dict[tuple[str, int], list[Issue]]:
    """The issues on a cell, by (sheet, 1-based row)."""
    by_row: dict[tuple[str, int], list[Issue]] = {}
    for i in issues:
        if i.cell:
            by_row.setdefault((i.sheet, parse_a1(i.cell)[0] + 1), []).append(i)
    return by_row


def _typed_grade(row_issues: list[Issue], grade_col: int) -> str:
    """A 现岗位级别 that is not a known grade, as typed: from the error on its cell."""
    typed = (i.value for i in row_issues if i.severity == "error" and parse_a1(i.cell)[1] == grade_col)
    return _text(next(typed, "")) or "？"
