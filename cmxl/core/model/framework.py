"""Competency frameworks as data: pydantic models, consistency rules, content hash."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Literal

import numpy as np
from pydantic import Field

from cmxl.core.issues import Issue, issue
from cmxl.core.model.base import Score, StrictModel, Weight, build_checked, canonical_hash, spellings

_EPS = 1e-9


class Level(StrictModel):
    """一个能力素质级别及其分数段（闭区间下限：分数按四舍五入到一位小数后落入的最高级别）。"""

    name: str
    """级别名称，如 初级。"""
    min: Score
    """分数段下限（0–100）。"""
    max: Score
    """分数段上限（0–100）。"""
    midpoint: Score
    """只填级别、不填分数时按此分数计入总分。"""
    definition: str = ""
    """级别的一般定义（写入模板的填写说明）。"""
    aliases: list[str] = []
    """填写时也接受的其他写法。"""


class Category(StrictModel):
    """能力项的类别及其权重。"""

    name: str
    """类别名称。"""
    weight: Weight
    """类别权重（百分数，各类别之和为 100）；类别内各能力项平分，除非能力项自带权重。"""
    description: str = ""
    """类别的含义。"""


class Behaviour(StrictModel):
    """某能力项在某级别上的行为描述。"""

    level: str
    """级别名称。"""
    headline: str
    """该级别的概括描述。"""
    indicators: list[str] = []
    """行为指标（▶ 各条）。"""
    drafted: bool = False
    """true 表示此描述由 cmxl 起草、不出自标准文件。"""


class Competency(StrictModel):
    """一个能力项（能力素质项或胜任力）。"""

    name: str
    """能力项名称，也是测评工作簿中的列名。"""
    category: str
    """所属类别名称。"""
    code: str = ""
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
    subitems: list[str] = []
    """考试分项（如 通用基础知识 的 电信行业概况 等）；给出时该项得分由分项成绩加权计算。"""
    subitem_weights: dict[str, list[float]] = {}
    """每个目标级别的分项权重（百分数，按 subitems 的顺序，之和为 100）。"""


class Grade(StrictModel):
    """岗位级别及其标准级别（标准能力素质画像）。"""

    name: str
    """岗位级别名称，如 中级客户经理。"""
    level: str
    """该岗位的目标级别（知识分项权重和基本达标的总分线按此级别）。"""
    standards: dict[str, str]
    """每个类别的标准级别。"""
    overrides: dict[str, str] = {}
    """个别能力项的标准级别（覆盖类别的标准级别）。"""
    aliases: list[str] = []
    """填写时也接受的其他写法。"""


class Attainment(StrictModel):
    """达标规则：没有低于标准的项为达标；否则按此判断基本达标。"""

    max_one_below: int = Field(3, ge=0)
    """基本达标允许恰好低一级的能力项数（且加权总分须达到岗位目标级别的分数段下限）。"""


class FrameworkMeta(StrictModel):
    """模型的身份：编号、名称、版本和生效日期（每份结果都记录它们和内容哈希）。"""

    id: str
    """模型编号，--framework 用它选择模型。"""
    name: str
    """模型名称。"""
    version: str
    """版本。"""
    effective_date: dt.date
    """生效日期。"""
    scale: Literal["levels", "score"] = "levels"
    """评分方式：levels 按级别量表，score 按 0–100 行为量表。"""
    description: str = ""
    """模型说明（写入模板的填写说明）。"""
    default_scheme: str = ""
    """工作簿没有“认证类别”列时使用的认证方案编号。"""
    fallback_level: str
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
    def from_data(cls, data: dict, source: str) -> Framework:
        return build_checked(cls, data, source, check_framework)


def check_framework(fw: Framework) -> list[Issue]:
    """Every consistency rule a framework must meet; returns all problems, not the first."""
    problems: list[tuple[str, str]] = []

    def bad(key: str, text: str) -> None:
        problems.append((key, text))

    level_names = [lv.name for lv in fw.levels]
    if len(set(level_names)) != len(level_names):
        bad("levels", "级别名称重复")
    if len(fw.levels) < 2:
        bad("levels", "至少需要两个级别")
    else:
        if abs(fw.levels[0].min) > _EPS:
            bad("levels[0].min", "第一个级别的分数段必须从 0 开始")
        if abs(fw.levels[-1].max - 100) > _EPS:
            bad(f"levels[{len(fw.levels) - 1}].max", "最后一个级别的分数段必须到 100 为止")
    for i, lv in enumerate(fw.levels):
        if lv.min > lv.max:
            bad(f"levels[{i}]", f"级别“{lv.name}”的下限 {lv.min:g} 大于上限 {lv.max:g}")
        if not lv.min <= lv.midpoint <= lv.max:
            bad(f"levels[{i}].midpoint", f"级别“{lv.name}”的中值 {lv.midpoint:g} 不在分数段内")
        if i:
            prev = fw.levels[i - 1]
            if lv.min <= prev.max:
                bad(f"levels[{i}].min", f"级别“{prev.name}”与“{lv.name}”的分数段重叠")
            elif lv.min - prev.max > 1 + _EPS:
                bad(f"levels[{i}].min", f"级别“{prev.name}”与“{lv.name}”的分数段之间有间隔")
    known_levels = set(level_names)

    cat_names = [c.name for c in fw.categories]
    if len(set(cat_names)) != len(cat_names):
        bad("categories", "类别名称重复")
    if abs(sum(c.weight for c in fw.categories) - 100) > _EPS:
        total = sum(c.weight for c in fw.categories)
        bad("categories.weight", f"类别权重之和为 {total:g}，应为 100")

    names = [c.name for c in fw.competencies]
    if len(set(names)) != len(names):
        bad("competencies", "能力项名称重复")
    for i, comp in enumerate(fw.competencies):
        key = f"competencies[{i}]"
        if comp.category not in cat_names:
            bad(f"{key}.category", f"能力项“{comp.name}”的类别“{comp.category}”不存在")
        for j, beh in enumerate(comp.behaviours):
            if beh.level not in known_levels:
                bad(f"{key}.behaviours[{j}].level", f"级别“{beh.level}”不存在")
        if comp.subitems:
            for lv in level_names:
                row = comp.subitem_weights.get(lv)
                if row is None:
                    bad(f"{key}.subitem_weights", f"“{comp.name}”缺少级别“{lv}”的分项权重")
                elif len(row) != len(comp.subitems):
                    bad(
                        f"{key}.subitem_weights.{lv}",
                        f"“{comp.name}”级别“{lv}”的权重个数 {len(row)} 与分项个数不符",
                    )
                elif abs(sum(row) - 100) > _EPS:
                    bad(
                        f"{key}.subitem_weights.{lv}",
                        f"“{comp.name}”级别“{lv}”的分项权重之和为 {sum(row):g}，应为 100",
                    )
            for lv in comp.subitem_weights:
                if lv not in known_levels:
                    bad(f"{key}.subitem_weights.{lv}", f"级别“{lv}”不存在")
        elif comp.subitem_weights:
            bad(f"{key}.subitem_weights", f"“{comp.name}”没有分项却给了分项权重")
    for ci, cat in enumerate(fw.categories):
        if not any(c.category == cat.name for c in fw.competencies):
            bad(f"categories[{ci}]", f"类别“{cat.name}”下没有能力项")

    weighted = [c.weight is not None for c in fw.competencies]
    if any(weighted) and not all(weighted):
        bad("competencies.weight", "部分能力项给了权重、部分没有：要么全部给出，要么全部不给")
    elif all(weighted) and fw.competencies:
        total = sum(c.weight or 0 for c in fw.competencies)
        if abs(total - 100) > _EPS:
            bad("competencies.weight", f"能力项权重之和为 {total:g}，应为 100")
        for ci, cat in enumerate(fw.categories):
            sub = sum(c.weight or 0 for c in fw.competencies if c.category == cat.name)
            if abs(sub - cat.weight) > _EPS:
                bad(
                    f"categories[{ci}].weight",
                    f"类别“{cat.name}”权重 {cat.weight:g} 与其能力项权重之和 {sub:g} 不符",
                )

    grade_names = [g.name for g in fw.grades]
    if not fw.grades:
        bad("grades", "至少需要一个岗位级别")
    if len(set(grade_names)) != len(grade_names):
        bad("grades", "岗位级别名称重复")
    for gi, grade in enumerate(fw.grades):
        key = f"grades[{gi}]"
        if grade.level not in known_levels:
            bad(f"{key}.level", f"岗位级别“{grade.name}”的目标级别“{grade.level}”不存在")
        for cat in cat_names:
            if cat not in grade.standards:
                bad(f"{key}.standards", f"岗位级别“{grade.name}”缺少类别“{cat}”的标准级别")
        for cat, lv in grade.standards.items():
            if cat not in cat_names:
                bad(f"{key}.standards.{cat}", f"类别“{cat}”不存在")
            if lv not in known_levels:
                bad(f"{key}.standards.{cat}", f"标准级别“{lv}”不存在")
        for comp, lv in grade.overrides.items():
            if comp not in names:
                bad(f"{key}.overrides.{comp}", f"能力项“{comp}”不存在")
            if lv not in known_levels:
                bad(f"{key}.overrides.{comp}", f"标准级别“{lv}”不存在")
    if fw.framework.fallback_level not in known_levels:
        bad("framework.fallback_level", f"级别“{fw.framework.fallback_level}”不存在")
    return [issue("framework-invalid", field=key, value=text) for key, text in problems]
