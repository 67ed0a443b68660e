"""Competency frameworks as data: pydantic models, consistency rules, content hash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Literal

import numpy as np
from pydantic import Field

from cmxl.core.issues import Issue, issue
from cmxl.core.model.base import (
    Id,
    Name,
    OptionalId,
    OptionalName,
    Score,
    Spelling,
    StrictModel,
    Weight,
    build_checked,
    canonical_hash,
    fold_header,
    spelling_clashes,
    spellings,
)

_EPS = 1e-9


class Level(StrictModel):
    """一个能力素质级别及其分数段（闭区间下限：分数按四舍五入到一位小数后落入的最高级别）。"""

    name: Name
    """级别名称，如 初级。"""
    min: Score
    """分数段下限（0–100）。"""
    max: Score
    """分数段上限（0–100）。"""
    midpoint: Score
    """只填级别、不填分数时按此分数计入总分。"""
    definition: str = ""
    """级别的一般定义（写入模板的填写说明）。"""
    aliases: list[Name] = []
    """填写时也接受的其他写法（不能与其他级别的名称或写法相同）。"""


class Category(StrictModel):
    """能力项的类别及其权重。"""

    name: Name
    """类别名称。"""
    weight: Weight
    """类别权重（百分数，各类别之和为 100）；类别内各能力项平分，除非能力项自带权重。"""
    description: str = ""
    """类别的含义。"""


class Behaviour(StrictModel):
    """某能力项在某级别上的行为描述。"""

    level: Name
    """级别名称。"""
    headline: str
    """该级别的概括描述。"""
    indicators: list[str] = []
    """行为指标（▶ 各条）。"""
    drafted: bool = False
    """true 表示此描述由 cmxl 起草、不出自标准文件。"""


class Competency(StrictModel):
    """一个能力项（能力素质项或胜任力）。"""

    name: Name
    """能力项名称，也是测评工作簿中的列名。"""
    category: Name
    """所属类别名称。"""
    code: OptionalName = ""
    """编号（如 A），可作列名前缀。"""
    core: bool = False
    """是否核心胜任力。"""
    weight: Weight | None = None
    """能力项权重（分，全部给出时之和为 100）；不给则由类别权重平分。"""
    text_source: Literal["seed", "partly-drafted", "drafted"] = "seed"
    """行为描述的来源：seed 出自标准文件，drafted 由 cmxl 起草，partly-drafted 部分起草。"""
    definition: str = ""
    """能力定义。"""
    behaviours: list[Behaviour] = []
    """各级别的行为描述。"""
    subitems: list[Name] = []
    """考试分项（如 通用基础知识 的 电信行业概况 等）；给出时该项得分由分项成绩加权计算。"""
    subitem_weights: dict[Name, list[float]] = {}
    """每个目标级别的分项权重（百分数，按 subitems 的顺序，之和为 100）。"""


class Grade(StrictModel):
    """岗位级别及其标准级别（标准能力素质画像）。"""

    name: Name
    """岗位级别名称，如 中级客户经理。"""
    level: Name
    """该岗位的目标级别（知识分项权重和基本达标的总分线按此级别）。"""
    standards: dict[Name, Name]
    """每个类别的标准级别。"""
    overrides: dict[Name, Name] = {}
    """个别能力项的标准级别（覆盖类别的标准级别）。"""
    aliases: list[Name] = []
    """填写时也接受的其他写法（不能与其他岗位级别的名称或写法相同）。"""


class Attainment(StrictModel):
    """达标规则：没有低于标准的项为达标；否则按此判断基本达标。"""

    max_one_below: int = Field(3, ge=0)
    """基本达标允许恰好低一级的能力项数（且加权总分须达到岗位目标级别的分数段下限）。"""


class FrameworkMeta(StrictModel):
    """模型的身份：编号、名称、版本和生效日期（每份结果都记录它们和内容哈希）。"""

    id: Id
    """模型编号，--framework 用它选择模型。"""
    name: Name
    """模型名称。"""
    version: Name
    """版本（改动内容时须改版本号：内置模型的编号和版本不能用于内容不同的文件）。"""
    effective_date: dt.date
    """生效日期。"""
    scale: Literal["levels", "score"] = "levels"
    """评分方式：levels 按级别量表，score 按 0–100 行为量表。"""
    description: str = ""
    """模型说明（写入模板的填写说明）。"""
    default_scheme: OptionalId = ""
    """工作簿没有“认证类别”列时使用的认证方案编号。"""
    fallback_level: Name
    """既无现岗位级别也无申报认证等级时，知识分项权重按此级别（此时无标准画像，给出警告）。"""


class CalibrationRules(StrictModel):
    """校准分析的阈值（docs/rules.md，校准分析）。"""

    min_shown: int = Field(default=5, ge=1)
    """人数少于此数的单位或测评人不列出。"""
    min_judged: int = Field(default=10, ge=1)
    """人数达到此数才判断偏宽、偏严或正常；介于两者之间的为“样本不足”。"""
    leniency: float = Field(default=0.5, gt=0, allow_inf_nan=False)
    """宽严指数的绝对值达到此数即为偏宽（正）或偏严（负）。"""
    min_groups: int = Field(default=3, ge=2)
    """估计组间差异（从而收缩均值）至少需要的组数。"""


class Framework(StrictModel):
    """一个能力模型：级别与分数段、类别与权重、岗位标准级别、能力项。

    Build with `Framework.from_data`, which checks consistency (check_framework)."""

    framework: FrameworkMeta
    """[framework] 表：模型的身份。"""
    levels: list[Level]
    """[[levels]]：各级别，从低到高，分数段首尾相接覆盖 0–100。"""
    categories: list[Category]
    """[[categories]]：各类别及权重。"""
    grades: list[Grade]
    """[[grades]]：各岗位级别的标准级别。"""
    attainment: Attainment = Attainment()
    """[attainment]：达标规则。"""
    competencies: list[Competency]
    """[[competencies]]：各能力项，顺序即工作簿、图表中的顺序。"""
    calibration: CalibrationRules = CalibrationRules()
    """[calibration]：校准分析的阈值。"""

    # ----- identity -------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.framework.id

    @property
    def version(self) -> str:
        return self.framework.version

    @cached_property
    def content_hash(self) -> str:
        return canonical_hash(self)

    # ----- derived tables used by intake and scoring ------------------------------------------
    @cached_property
    def level_names(self) -> list[str]:
        return [lv.name for lv in self.levels]

    @cached_property
    def level_mins(self) -> np.ndarray:
        return np.array([lv.min for lv in self.levels], dtype=float)

    @cached_property
    def level_midpoints(self) -> np.ndarray:
        return np.array([lv.midpoint for lv in self.levels], dtype=float)

    @cached_property
    def level_lookup(self) -> dict[str, int]:
        """Accepted spelling -> level index."""
        return spellings(self.levels)

    @cached_property
    def item_names(self) -> list[str]:
        return [c.name for c in self.competencies]

    @cached_property
    def category_names(self) -> list[str]:
        return [c.name for c in self.categories]

    @cached_property
    def item_category(self) -> np.ndarray:
        index = {c: i for i, c in enumerate(self.category_names)}
        return np.array([index[c.category] for c in self.competencies], dtype=int)

    @cached_property
    def item_weights(self) -> np.ndarray:
        """Effective weight (points of 100) of every competency, in model order."""
        if all(c.weight is not None for c in self.competencies):
            return np.array([float(c.weight or 0) for c in self.competencies])
        counts = np.bincount(self.item_category, minlength=len(self.categories))
        cat_w = np.array([c.weight for c in self.categories], dtype=float)
        return cat_w[self.item_category] / counts[self.item_category]

    @cached_property
    def grade_lookup(self) -> dict[str, int]:
        return spellings(self.grades)

    @cached_property
    def grade_levels(self) -> np.ndarray:
        return np.array([self.level_names.index(g.level) for g in self.grades], dtype=int)

    @cached_property
    def standards(self) -> np.ndarray:
        """grades x items matrix of standard level indexes."""
        table = np.zeros((len(self.grades), len(self.competencies)), dtype=int)
        for gi, g in enumerate(self.grades):
            for ci, c in enumerate(self.competencies):
                name = g.overrides.get(c.name, g.standards[c.category])
                table[gi, ci] = self.level_names.index(name)
        return table

    def band_range(self, level: int) -> str:
        lv = self.levels[level]
        return f"{lv.min:g}–{lv.max:g}"

    # ----- construction ----------------------------------------------------------------------
    @classmethod
    def from_data(
        cls, data: dict, source: str, in_context: Callable[[Framework], list[Issue]] | None = None
    ) -> Framework:
        """A checked framework; `in_context` adds the rules that need the other files (what is
        shipped, the workbook format), so that every problem is listed at once."""
        return build_checked(cls, data, source, check_framework, *([in_context] if in_context else []))


def named_spellings(items: Sequence[Level] | Sequence[Grade], table: str, what: str) -> list[Spelling]:
    """The names, then the aliases, of levels or grades, as a workbook cell may spell them."""
    names = [Spelling(f"{table}[{i}].name", it.name, i, f"{what}“{it.name}”的名称") for i, it in enumerate(items)]
    aliases = [
        Spelling(f"{table}[{i}].aliases[{j}]", alias, i, f"{what}“{it.name}”的别名")
        for i, it in enumerate(items)
        for j, alias in enumerate(it.aliases)
    ]
    return names + aliases


def column_spellings(fw: Framework) -> list[Spelling]:
    """Every column header the framework adds to the people sheet, as intake reads them: each
    competency's name (and code + name), its 级别 and 得分 forms, its sub-items. The plain names
    come first, so that a derived header is blamed for a clash, not a competency's own name."""
    forms: list[tuple[int, str, str, str]] = []  # (competency, key, header, label)
    for i, c in enumerate(fw.competencies):
        forms.append((i, f"competencies[{i}].name", c.name, "列名"))
        if c.code:
            forms.append((i, f"competencies[{i}].code", c.code + c.name, "带编号的列名"))
    out = [
        Spelling(key, header, ("item", i), f"能力项“{fw.competencies[i].name}”的{label}")
        for i, key, header, label in forms
    ]
    for suffix, kind, label in (("级别", "level", "级别列"), ("得分", "item", "得分列")):
        out += [
            Spelling(key, header + suffix, (kind, i), f"能力项“{fw.competencies[i].name}”的{label}")
            for i, key, header, _ in forms
        ]
    out += [
        Spelling(f"competencies[{i}].subitems[{j}]", sub, ("sub", i, j), f"能力项“{c.name}”的分项")
        for i, c in enumerate(fw.competencies)
        for j, sub in enumerate(c.subitems)
    ]
    return out


def check_framework(fw: Framework) -> list[Issue]:
    """Every consistency rule a framework must meet; returns all problems, not the first."""
    problems = [
        *_level_problems(fw),
        *_category_problems(fw),
        *_competency_problems(fw),
        *_weight_problems(fw),
        *_grade_problems(fw),
    ]
    if fw.framework.fallback_level not in fw.level_names:
        problems.append(("framework.fallback_level", f"级别“{fw.framework.fallback_level}”不存在"))
    return [issue("framework-invalid", field=key, value=text) for key, text in problems]


def _level_problems(fw: Framework) -> list[tuple[str, str]]:
    """The levels: distinct names, bands from 0 to 100 without overlap or gap, midpoints inside."""
    bad = spelling_clashes(named_spellings(fw.levels, "levels", "级别"))
    if len(fw.levels) < 2:
        bad.append(("levels", "至少需要两个级别"))
    else:
        if abs(fw.levels[0].min) > _EPS:
            bad.append(("levels[0].min", "第一个级别的分数段必须从 0 开始"))
        if abs(fw.levels[-1].max - 100) > _EPS:
            bad.append((f"levels[{len(fw.levels) - 1}].max", "最后一个级别的分数段必须到 100 为止"))
    for i, lv in enumerate(fw.levels):
        if lv.min > lv.max:
            bad.append((f"levels[{i}]", f"级别“{lv.name}”的下限 {lv.min:g} 大于上限 {lv.max:g}"))
        if not lv.min <= lv.midpoint <= lv.max:
            bad.append((f"levels[{i}].midpoint", f"级别“{lv.name}”的中值 {lv.midpoint:g} 不在分数段内"))
        if i:
            prev = fw.levels[i - 1]
            if lv.min <= prev.max:
                bad.append((f"levels[{i}].min", f"级别“{prev.name}”与“{lv.name}”的分数段重叠"))
            elif lv.min - prev.max > 1 + _EPS:
                bad.append((f"levels[{i}].min", f"级别“{prev.name}”与“{lv.name}”的分数段之间有间隔"))
    return bad


def _category_problems(fw: Framework) -> list[tuple[str, str]]:
    bad: list[tuple[str, str]] = []
    cat_names = [c.name for c in fw.categories]
    if len(set(cat_names)) != len(cat_names):
        bad.append(("categories", "类别名称重复"))
    total = sum(c.weight for c in fw.categories)
    if abs(total - 100) > _EPS:
        bad.append(("categories.weight", f"类别权重之和为 {total:g}，应为 100"))
    return bad


def _competency_problems(fw: Framework) -> list[tuple[str, str]]:
    """Each competency: its column headers, category, behaviours' levels, sub-item weights; then
    every category has a competency."""
    bad = spelling_clashes(column_spellings(fw), fold_with=fold_header)
    known_levels, cat_names = set(fw.level_names), [c.name for c in fw.categories]
    for i, comp in enumerate(fw.competencies):
        key = f"competencies[{i}]"
        if comp.category not in cat_names:
            bad.append((f"{key}.category", f"能力项“{comp.name}”的类别“{comp.category}”不存在"))
        for j, beh in enumerate(comp.behaviours):
            if beh.level not in known_levels:
                bad.append((f"{key}.behaviours[{j}].level", f"级别“{beh.level}”不存在"))
        bad += _subitem_weight_problems(fw, comp, key)
    for ci, cat in enumerate(fw.categories):
        if not any(c.category == cat.name for c in fw.competencies):
            bad.append((f"categories[{ci}]", f"类别“{cat.name}”下没有能力项"))
    return bad


def _subitem_weight_problems(fw: Framework, comp: Competency, key: str) -> list[tuple[str, str]]:
    """A knowledge item's sub-item weights: one row per level, one weight per sub-item, summing to 100."""
    if not comp.subitems:
        return [(f"{key}.subitem_weights", f"“{comp.name}”没有分项却给了分项权重")] if comp.subitem_weights else []
    bad: list[tuple[str, str]] = []
    for lv in fw.level_names:
        row = comp.subitem_weights.get(lv)
        if row is None:
            bad.append((f"{key}.subitem_weights", f"“{comp.name}”缺少级别“{lv}”的分项权重"))
        elif len(row) != len(comp.subitems):
            bad.append((f"{key}.subitem_weights.{lv}", f"“{comp.name}”级别“{lv}”的权重个数 {len(row)} 与分项个数不符"))
        elif abs(sum(row) - 100) > _EPS:
            bad.append(
                (f"{key}.subitem_weights.{lv}", f"“{comp.name}”级别“{lv}”的分项权重之和为 {sum(row):g}，应为 100")
            )
    for lv in comp.subitem_weights:
        if lv not in fw.level_names:
            bad.append((f"{key}.subitem_weights.{lv}", f"级别“{lv}”不存在"))
    return bad


def _weight_problems(fw: Framework) -> list[tuple[str, str]]:
    """Per-competency weights: all or none; summing to 100, and to each category's weight."""
    weighted = [c.weight is not None for c in fw.competencies]
    if any(weighted) and not all(weighted):
        return [("competencies.weight", "部分能力项给了权重、部分没有：要么全部给出，要么全部不给")]
    if not fw.competencies or not all(weighted):
        return []
    bad: list[tuple[str, str]] = []
    total = sum(c.weight or 0 for c in fw.competencies)
    if abs(total - 100) > _EPS:
        bad.append(("competencies.weight", f"能力项权重之和为 {total:g}，应为 100"))
    for ci, cat in enumerate(fw.categories):
        sub = sum(c.weight or 0 for c in fw.competencies if c.category == cat.name)
        if abs(sub - cat.weight) > _EPS:
            bad.append(
                (f"categories[{ci}].weight", f"类别“{cat.name}”权重 {cat.weight:g} 与其能力项权重之和 {sub:g} 不符")
            )
    return bad


def _grade_problems(fw: Framework) -> list[tuple[str, str]]:
    """The job grades: at least one, distinct names, a known target level, a known standard level
    for every category and override."""
    bad: list[tuple[str, str]] = [] if fw.grades else [("grades", "至少需要一个岗位级别")]
    bad += spelling_clashes(named_spellings(fw.grades, "grades", "岗位级别"))
    known_levels, cat_names, names = set(fw.level_names), [c.name for c in fw.categories], fw.item_names
    for gi, grade in enumerate(fw.grades):
        key = f"grades[{gi}]"
        if grade.level not in known_levels:
            bad.append((f"{key}.level", f"岗位级别“{grade.name}”的目标级别“{grade.level}”不存在"))
        for cat in cat_names:
            if cat not in grade.standards:
                bad.append((f"{key}.standards", f"岗位级别“{grade.name}”缺少类别“{cat}”的标准级别"))
        for cat, lv in grade.standards.items():
            if cat not in cat_names:
                bad.append((f"{key}.standards.{cat}", f"类别“{cat}”不存在"))
            if lv not in known_levels:
                bad.append((f"{key}.standards.{cat}", f"标准级别“{lv}”不存在"))
        for comp, lv in grade.overrides.items():
            if comp not in names:
                bad.append((f"{key}.overrides.{comp}", f"能力项“{comp}”不存在"))
            if lv not in known_levels:
                bad.append((f"{key}.overrides.{comp}", f"标准级别“{lv}”不存在"))
    return bad
