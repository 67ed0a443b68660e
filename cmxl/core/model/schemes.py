"""Certification schemes as data (docs/rules.md, 岗位技能认证)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Literal

from pydantic import Field

from cmxl.core.issues import Issue, issue
from cmxl.core.model.base import (
    Id,
    Name,
    NonNegative,
    Prefix,
    Score,
    Spelling,
    StrictModel,
    build_checked,
    canonical_hash,
    spelling_clashes,
    spellings,
)
from cmxl.core.model.eligibility import EligibilityPath, path_problems

# The kinds of certification scheme: each is evaluated by its function in
# cmxl/core/engine/certification.py EVALUATORS (a test keeps the two lists equal).
SCHEME_KINDS = ("exam", "two-part")


class SchemeGrade(StrictModel):
    """一个认证等级（在 [[grades]] 中从低到高排列）。"""

    name: Name
    """等级名称，如 四级。"""
    aliases: list[Name] = []
    """填写时也接受的其他写法（不能与其他等级的名称或写法相同）。"""
    level: Name | None = None
    """对应的能力素质级别（没有现岗位级别时，按申报等级确定目标级别）。"""
    training_hours: NonNegative | None = None
    """该等级的标准培训学时。"""


class Eligibility(StrictModel):
    """一个认证等级的申报条件：任一途径满足即可申报。"""

    grade: Name
    """认证等级名称。"""
    paths: list[EligibilityPath]
    """各途径。"""


class PassRule(StrictModel):
    """合格线（含本数：60 分合格；按填写值比较，不四舍五入）。"""

    written_min: Score = 60
    """笔试合格线。"""
    interview_min: Score = 60
    """面试合格线。"""


class TopGrade(StrictModel):
    """最高等级的面试和年度考核规则。"""

    grade: Name
    """等级名称，如 一级。"""
    interview_parts: list[Name]
    """组成面试成绩的字段（工作簿格式中的字段键，如 simulated、marketing）。"""
    combine: Literal["mean", "sum"] = "mean"
    """各部分的合成方式：mean 平均，sum 之和。"""
    appraisal_min: Name
    """年度业绩考核的最低结果（含），如 良好。"""


class AppraisalScale(StrictModel):
    """年度业绩考核的结果等级。"""

    order: list[Name]
    """从低到高，如 不合格、合格、良好、优秀。"""
    synonyms: dict[Name, Name] = {}
    """同义写法，如 称职 = 良好（同义写法不能是考核等级本身）。"""


class Part(StrictModel):
    """两项子认证方案的一个子认证。"""

    key: Name
    """子认证的键。"""
    name: Name
    """名称，如 理论认证。"""
    score_field: Name
    """成绩所在字段（工作簿格式中的字段键）。"""
    date_field: Name
    """通过日期所在字段（工作簿格式中的字段键）。"""
    min: Score = 60
    """合格线（含）。"""


class CrossLevel(StrictModel):
    """跨级认证：持有省公司较高等级证书者可直接申报某些等级。"""

    provincial_min: Name
    """省公司证书的最低等级。"""
    allowed: list[Name]
    """可以跨级申报的等级。"""


class Transition(StrictModel):
    """过渡规定：某段时间内取得的省公司证书视同某个等级。"""

    from_date: dt.date
    """起始日期（含）。"""
    to_date: dt.date
    """截止日期（含）。"""
    counts_as: Name
    """视同的等级。"""
    years: int = Field(2, ge=1, le=50)
    """视同的有效年数。"""


class SchemeMeta(StrictModel):
    """认证方案的身份和通用规定。"""

    id: Id
    """方案编号。"""
    name: Name
    """方案名称。"""
    version: Name
    """版本（改动内容时须改版本号：内置方案的编号和版本不能用于内容不同的文件）。"""
    effective_date: dt.date
    """生效日期。"""
    kind: Literal[SCHEME_KINDS]  # type: ignore[valid-type]
    """方案类型：exam 笔试加面试，two-part 理论加实操两项子认证。"""
    category: Name
    """认证类别（工作簿“认证类别”列填写的名称）。"""
    aliases: list[Name] = []
    """认证类别的其他写法（不能与其他方案的编号、名称、类别或写法相同）。"""
    validity_years: int = Field(2, ge=1, le=50)
    """证书有效年数（自发证日起；两项子认证方案以较早到期的子认证为准）。"""
    certificate_prefix: Prefix
    """证书编号前缀（编号为 前缀 + 发证年份 + 6 位序号）。"""
    entry_grade: Name | None = None
    """起始等级（原则上从此等级起逐级认证）。"""
    hold_must_be_valid: bool = True
    """申报条件中的“持有某等级证书”是否要求该证书在评估基准日仍在有效期内（取得日期 + 有效年数）；
    要求时，已持证书没有取得日期是缺少事实。"""


class Scheme(StrictModel):
    """一个岗位技能认证方案：等级、申报条件、合格规则、证书有效期。

    Build with `Scheme.from_data`, which checks consistency (check_scheme)."""

    scheme: SchemeMeta
    """[scheme] 表：方案的身份和通用规定。"""
    grades: list[SchemeGrade]
    """[[grades]]：各认证等级，从低到高。"""
    eligibility: list[Eligibility] = []
    """[[eligibility]]：各等级的申报条件。"""
    pass_rules: PassRule | None = Field(None, alias="pass")
    """[pass]：合格线（exam 方案必需）。"""
    top: TopGrade | None = None
    """[top]：最高等级的面试合成和年度考核要求。"""
    appraisal: AppraisalScale | None = None
    """[appraisal]：年度业绩考核的结果等级。"""
    parts: list[Part] = []
    """[[parts]]：两项子认证（two-part 方案必需）。"""
    cross_level: CrossLevel | None = None
    """[cross_level]：跨级认证。"""
    transition: Transition | None = None
    """[transition]：过渡规定。"""

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
        return spellings(self.grades)

    @cached_property
    def paths(self) -> dict[str, list[EligibilityPath]]:
        return {e.grade: e.paths for e in self.eligibility}

    def appraisal_rank(self, value: str) -> int | None:
        if self.appraisal is None:
            return None
        name = self.appraisal.synonyms.get(value, value)
        return self.appraisal.order.index(name) if name in self.appraisal.order else None

    @classmethod
    def from_data(cls, data: dict, source: str, in_context: Callable[[Scheme], list[Issue]] | None = None) -> Scheme:
        """A checked scheme; `in_context` adds the rules that need the other files (what is
        shipped, the workbook format), so that every problem is listed at once."""
        return build_checked(cls, data, source, check_scheme, *([in_context] if in_context else []))


def grade_spellings(s: Scheme) -> list[Spelling]:
    """The names, then the aliases, of a scheme's grades, as a workbook cell may spell them."""
    names = [Spelling(f"grades[{i}].name", g.name, i, f"认证等级“{g.name}”的名称") for i, g in enumerate(s.grades)]
    aliases = [
        Spelling(f"grades[{i}].aliases[{j}]", alias, i, f"认证等级“{g.name}”的别名")
        for i, g in enumerate(s.grades)
        for j, alias in enumerate(g.aliases)
    ]
    return names + aliases


def appraisal_spellings(scale: AppraisalScale) -> list[Spelling]:
    """The appraisal results, then their synonyms (a synonym that is itself a result would read
    that result as another)."""
    order = [Spelling(f"appraisal.order[{i}]", v, v, f"考核等级“{v}”") for i, v in enumerate(scale.order)]
    synonyms = [Spelling(f"appraisal.synonyms.{k}", k, ("synonym", k), f"同义写法“{k}”") for k in scale.synonyms]
    return order + synonyms


def identity_spellings(s: Scheme) -> list[Spelling]:
    """What the workbook's 认证类别 column may say to mean this scheme."""
    meta = s.scheme
    out = [
        Spelling("scheme.id", meta.id, meta.id, f"认证方案 {meta.id} 的编号"),
        Spelling("scheme.name", meta.name, meta.id, f"认证方案 {meta.id} 的名称"),
        Spelling("scheme.category", meta.category, meta.id, f"认证方案 {meta.id} 的认证类别"),
    ]
    return out + [
        Spelling(f"scheme.aliases[{j}]", a, meta.id, f"认证方案 {meta.id} 的认证类别别名")
        for j, a in enumerate(meta.aliases)
    ]


def check_scheme(s: Scheme) -> list[Issue]:
    problems: list[tuple[str, str]] = []
    names = s.grade_names
    problems += spelling_clashes(grade_spellings(s))
    for i, e in enumerate(s.eligibility):
        if e.grade not in names:
            problems.append((f"eligibility[{i}].grade", f"认证等级“{e.grade}”不存在"))
        for j, p in enumerate(e.paths):
            problems += path_problems(s, e.grade, p, f"eligibility[{i}].paths[{j}]")
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
        problems += spelling_clashes(appraisal_spellings(s.appraisal))
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
