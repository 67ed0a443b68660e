"""One workbook assessed: intake, scoring and certification joined into results and a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from cmxl.core.cellref import a1
from cmxl.core.engine.certification import CertResult, certify
from cmxl.core.engine.intake import Intake, read_assessment
from cmxl.core.engine.issuance import settle
from cmxl.core.engine.results import NOT_RATED, PersonResult, person_results
from cmxl.core.engine.scoring import Scores, score
from cmxl.core.grid import WorkbookGrid
from cmxl.core.issues import Issue, Report, issue
from cmxl.core.model.framework import Framework
from cmxl.core.model.loading import Catalogue
from cmxl.core.model.schemes import Scheme

__all__ = ["NOT_RATED", "Assessment", "assess"]


@dataclass
class Assessment:
    framework: Framework
    intake: Intake
    scores: Scores
    certifications: list[CertResult]
    report: Report
    as_of: dt.date
    scheme_names: dict[str, str]
    people: list[PersonResult]  # one record per person, in row order: what every output reads
    schemes: dict[str, Scheme] = field(default_factory=dict)  # the certification schemes in force

    @property
    def size(self) -> int:
        return len(self.intake.people)

    def to_json(self) -> list[dict]:
        """One plain dict per person (the `score --json` shape)."""
        fw = self.framework
        return [p.to_json(fw.item_names, fw.category_names) for p in self.people]


def assess(
    grid: WorkbookGrid, fw: Framework, cat: Catalogue, as_of: dt.date, adjust: np.ndarray | None = None
) -> Assessment:
    """`adjust`: people x items, the points a calibration adds to each item score (row order, as
    an assessment of the same grid lists the people); scored by the same rules, never otherwise."""
    intake = read_assessment(grid, fw, cat.schemes, cat.workbook_format, as_of)
    if adjust is not None:
        if adjust.shape != intake.item_scores.shape:
            raise ValueError(f"adjustments of shape {adjust.shape} for {intake.item_scores.shape} people x items")
        intake.adjust = adjust
    scores = score(fw, cat.schemes, intake)
    certs, cert_issues = _certify_all(intake, cat, as_of)
    issues = intake.issues + scores.issues + cert_issues
    issues.sort(key=_issue_order)
    names = {sid: sc.scheme.name for sid, sc in cat.schemes.items()}
    people = person_results(fw, intake, scores, certs, names, issues)
    settle(people)  # no certificate while a row has errors (DOMAIN §4.4, docs/rules.md): marked held
    return Assessment(fw, intake, scores, certs, Report(issues=issues), as_of, names, people, cat.schemes)


def _issue_order(i: Issue) -> tuple:
    digits = "".join(ch for ch in i.cell if ch.isdigit())
    letters = "".join(ch for ch in i.cell if ch.isalpha())
    return (int(digits) if digits else 0, len(letters), letters, i.code)


def _certify_all(intake: Intake, cat: Catalogue, as_of: dt.date) -> tuple[list[CertResult], list[Issue]]:
    people = intake.people
    labels = cat.workbook_format.labels
    keys = [k for k in labels if k in people.columns]
    columns = {k: list(people[k]) for k in keys}
    invalid = list(people["invalid"])
    scheme_ids = list(people["scheme_id"])
    sheets = list(people["sheet"])
    results: list[CertResult] = []
    issues: list[Issue] = []
    for p in range(len(people)):
        values = {k: columns[k][p] for k in keys}
        result = certify(cat.schemes.get(scheme_ids[p]), values, invalid[p], as_of, labels)
        results.append(result)
        for key in result.missing:
            if key in invalid[p]:
                continue  # already reported as an error in that cell
            col = intake.columns.fields.get(key)
            row = int(people["row"][p]) - 1
            issues.append(
                issue(
                    "fact-missing",
                    file=intake.source,
                    sheet=sheets[p],
                    cell="" if col is None else a1(row, col),
                    employee_id=people["employee_id"][p] or "",
                    field=labels[key],
                )
            )
    return results, issues
