"""One workbook assessed: intake, scoring and certification joined into results and a report."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from .cellref import a1
from .certification import FIELD_ZH, CertResult, certify
from .framework import Framework
from .grid import WorkbookGrid
from .intake import Intake, read_assessment
from .issues import Issue, Report, issue
from .loading import Catalogue
from .numbers import round_half_up
from .scoring import Scores, score

NOT_RATED = "未评定"


@dataclass
class Assessment:
    framework: Framework
    intake: Intake
    scores: Scores
    certifications: list[CertResult]
    report: Report
    as_of: dt.date
    scheme_names: dict[str, str]

    @property
    def size(self) -> int:
        return len(self.intake.people)


def assess(grid: WorkbookGrid, fw: Framework, cat: Catalogue, as_of: dt.date) -> Assessment:
    intake = read_assessment(grid, fw, cat.schemes, cat.workbook_format)
    scores = score(fw, cat.schemes, intake)
    certs, cert_issues = _certify_all(intake, cat, as_of)
    issues = intake.issues + scores.issues + cert_issues
    issues.sort(key=_issue_order)
    names = {sid: sc.scheme.name for sid, sc in cat.schemes.items()}
    return Assessment(fw, intake, scores, certs, Report(issues=issues), as_of, names)


def _issue_order(i: Issue) -> tuple:
    digits = "".join(ch for ch in i.cell if ch.isdigit())
    letters = "".join(ch for ch in i.cell if ch.isalpha())
    return (int(digits) if digits else 0, len(letters), letters, i.code)


def _certify_all(intake: Intake, cat: Catalogue, as_of: dt.date) -> tuple[list[CertResult], list[Issue]]:
    people = intake.people
    keys = [k for k in FIELD_ZH if k in people.columns]
    columns = {k: people[k].tolist() for k in keys}
    invalid = people["invalid"].tolist()
    scheme_ids = people["scheme_id"].tolist()
    results: list[CertResult] = []
    issues: list[Issue] = []
    for p in range(len(people)):
        values = {k: columns[k][p] for k in keys}
        result = certify(cat.schemes.get(scheme_ids[p]), values, invalid[p], as_of)
        results.append(result)
        for key in result.missing:
            if key in invalid[p]:
                continue  # already reported as an error in that cell
            col = intake.columns.fields.get(key)
            row = int(people["row"].iat[p]) - 1
            issues.append(
                issue(
                    "fact-missing",
                    file=intake.source,
                    sheet=intake.sheet,
                    cell="" if col is None else a1(row, col),
                    employee_id=people["employee_id"].iat[p] or "",
                    field=FIELD_ZH[key],
                )
            )
    return results, issues


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round_half_up(float(value), 1)


def person_records(a: Assessment) -> list[dict]:
    """One plain dict per person (the `score --json` shape)."""
    fw, s, people = a.framework, a.scores, a.intake.people
    names, levels = fw.item_names, fw.level_names
    out = []
    for p in range(a.size):
        items = {}
        for i, name in enumerate(names):
            lv = int(s.item_levels[p, i])
            gap = s.gaps[p, i]
            items[name] = {
                "score": _num(s.item_scores[p, i]),
                "level": levels[lv] if lv >= 0 else None,
                "from_level": bool(s.item_from_level[p, i]),
                "gap": None if np.isnan(gap) else int(gap),
            }
        cert = a.certifications[p]
        grade = int(s.grade[p])
        out.append(
            {
                "employee_id": people["employee_id"].iat[p] or "",
                "name": people["name"].iat[p] or "",
                "unit": people["unit"].iat[p] or "",
                "row": int(people["row"].iat[p]),
                "grade": people["grade"].iat[p] or "",
                "standard_grade": fw.grades[grade].name if grade >= 0 else None,
                "target_level": levels[int(s.target_level[p])],
                "items": items,
                "categories": {c: _num(s.category_scores[p, ci]) for ci, c in enumerate(fw.category_names)},
                "total": _num(s.total[p]),
                "level": levels[int(s.level[p])] if s.level[p] >= 0 else None,
                "attainment": s.attainment[p],
                "items_below_standard": None if np.isnan(s.gaps[p]).any() else int((s.gaps[p] < 0).sum()),
                "certification": {
                    "scheme": cert.scheme_id or None,
                    "grade": cert.grade or None,
                    "status": cert.status,
                    "interview": _num(cert.interview) if cert.interview is not None else None,
                    "reasons": [vars(r) for r in cert.reasons],
                },
            }
        )
    return out
