"""Certification schemes as data (DOMAIN.md §4) and the workbook format."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Literal

from pydantic import ConfigDict

from cmxl.core.issues import Issue, issue
from cmxl.core.model.base import StrictModel, build_checked, canonical_hash

# The kinds of certification scheme: each is evaluated by its function in
# cmxl/core/engine/certification.py EVALUATORS (a test keeps the two lists equal).
SCHEME_KINDS = ("exam", "two-part")


class SchemeGrade(StrictModel):
    name: str
    aliases: list[str] = []
    level: str | None = None
    training_hours: float | None = None


class EligibilityPath(StrictModel):
    label: str
    holds: str | None = None
    continuous_years: float | None = None
    cumulative_years: float | None = None
    training: bool = False
    probation: str | None = None


class Eligibility(StrictModel):
    grade: str
    paths: list[EligibilityPath]


class PassRule(StrictModel):
    written_min: float = 60
    interview_min: float = 60


class TopGrade(StrictModel):
    grade: str
    interview_parts: list[str]
    combine: Literal["mean", "sum"] = "mean"
    appraisal_min: str


class AppraisalScale(StrictModel):
    order: list[str]
    synonyms: dict[str, str] = {}


class Part(StrictModel):
    key: str
    name: str
    score_field: str
    date_field: str
    min: float = 60


class CrossLevel(StrictModel):
    provincial_min: str
    allowed: list[str]


class Transition(StrictModel):
    from_date: dt.date
    to_date: dt.date
    counts_as: str
    years: int = 2


class SchemeMeta(StrictModel):
    id: str
    name: str
    version: str
    effective_date: dt.date
    kind: Literal[SCHEME_KINDS]  # type: ignore[valid-type]
    category: str
    aliases: list[str] = []
    validity_years: int = 2
    certificate_prefix: str
    entry_grade: str | None = None


class Scheme(StrictModel):
    scheme: SchemeMeta
    grades: list[SchemeGrade]
    eligibility: list[Eligibility] = []
    pass_rules: PassRule | None = None
    top: TopGrade | None = None
    appraisal: AppraisalScale | None = None
    parts: list[Part] = []
    cross_level: CrossLevel | None = None
    transition: Transition | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @property
    def id(self) -> str:
        return self.scheme.id

    @property
    def version(self) -> str:
        return self.scheme.version

    @cached_property
    def content_hash(self) -> str:
        return canonical_hash(self)

    @cached_property
    def grade_names(self) -> list[str]:
        return [g.name for g in self.grades]

    @cached_property
    def grade_lookup(self) -> dict[str, int]:
        """Accepted spelling -> rank (0 = lowest)."""
        table: dict[str, int] = {}
        for i, g in enumerate(self.grades):
            for name in (g.name, *g.aliases):
                table[name] = i
        return table

    @cached_property
    def paths(self) -> dict[str, list[EligibilityPath]]:
        return {e.grade: e.paths for e in self.eligibility}

    def appraisal_rank(self, value: str) -> int | None:
        if self.appraisal is None:
            return None
        name = self.appraisal.synonyms.get(value, value)
        return self.appraisal.order.index(name) if name in self.appraisal.order else None

    @classmethod
    def from_data(cls, data: dict, source: str) -> Scheme:
        data = dict(data)
        if "pass" in data:
            data["pass_rules"] = data.pop("pass")
        return build_checked(cls, data, source, check_scheme)


def check_scheme(s: Scheme) -> list[Issue]:
    problems: list[tuple[str, str]] = []
    names = s.grade_names
    if len(set(names)) != len(names):
        problems.append(("grades", "认证等级名称重复"))
    known = set(s.grade_lookup)
    for i, e in enumerate(s.eligibility):
        if e.grade not in names:
            problems.append((f"eligibility[{i}].grade", f"认证等级“{e.grade}”不存在"))
        for j, p in enumerate(e.paths):
            if p.holds is not None and p.holds not in known:
                problems.append((f"eligibility[{i}].paths[{j}].holds", f"认证等级“{p.holds}”不存在"))
            if p.training:
                grade = next((g for g in s.grades if g.name == e.grade), None)
                if grade is not None and grade.training_hours is None:
                    problems.append((f"grades.{e.grade}.training_hours", "要求培训但未规定标准学时"))
    if s.scheme.kind == "exam":
        if s.pass_rules is None:
            problems.append(("pass", "笔试/面试认证必须给出 [pass] 合格线"))
        for g in s.grades:
            if g.name not in s.paths:
                problems.append(("eligibility", f"认证等级“{g.name}”没有申报条件"))
    if s.top is not None:
        if s.top.grade not in names:
            problems.append(("top.grade", f"认证等级“{s.top.grade}”不存在"))
        if s.appraisal is None or s.top.appraisal_min not in s.appraisal.order:
            problems.append(("top.appraisal_min", f"考核等级“{s.top.appraisal_min}”不在 [appraisal] 中"))
    if s.appraisal is not None:
        for k, v in s.appraisal.synonyms.items():
            if v not in s.appraisal.order:
                problems.append((f"appraisal.synonyms.{k}", f"“{v}”不在考核等级中"))
    if s.scheme.kind == "two-part":
        if len(s.parts) < 2:
            problems.append(("parts", "两项子认证方案至少需要两个子认证"))
        if s.scheme.entry_grade not in names:
            problems.append(("scheme.entry_grade", "起始等级不存在"))
        if s.cross_level is not None:
            for g in (s.cross_level.provincial_min, *s.cross_level.allowed):
                if g not in names:
                    problems.append(("cross_level", f"认证等级“{g}”不存在"))
        if s.transition is not None and s.transition.counts_as not in names:
            problems.append(("transition.counts_as", "认证等级不存在"))
    return [issue("framework-invalid", field=k, value=t) for k, t in problems]
