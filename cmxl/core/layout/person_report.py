"""A report per person (个人能力测评报告): what an employee is given — where they stand against
their grade's standard, what to develop, and their certification result with every reason.

The page is decided here, as plain data; a renderer (cmxl/docx/render.py) only draws it. The
development goals are the model's own behaviour descriptions of the standard level."""

from __future__ import annotations

from dataclasses import dataclass, field

from cmxl.core.engine.assessment import Assessment
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.training import standard_level
from cmxl.core.model.framework import Framework


@dataclass
class ItemLine:
    name: str
    score: str  # as shown: "72.5", "50.5（按级别折算）" or ""
    level: str
    standard: str
    gap: str  # "+1", "-1", "0" or ""


@dataclass
class Goal:
    """An item below standard: the standard level's behaviour description, as the goal."""

    item: str
    level: str  # the standard level
    headline: str
    indicators: list[str]
    drafted: bool  # the text is cmxl's draft, not the standard's


@dataclass
class PersonPage:
    title: str
    who: list[tuple[str, str]]  # (label, value)
    radar_labels: list[str]
    radar_assessed: list[int | None]  # level numbers 1..n (None: not rated)
    radar_standard: list[int | None]
    level_names: list[str]
    items: list[ItemLine]
    strengths: list[str]  # items above standard
    goals: list[Goal]
    certification: str  # "通过", "未申报", the status, or PENDING when the certificate waits
    reasons: list[str] = field(default_factory=list)
    warning: str = ""  # said above everything when the row's data has errors: the results are not final
    gaps_unknown: bool = False  # some item is not rated: which items are below standard is not known
    unjudged: list[str] = field(default_factory=list)  # the items whose gap is unknown (not rated)
    no_standard: bool = False  # no standard profile applies: nothing can be judged against one
    signature: str = "测评人签字：__________    日期：__________        被测评人签字：__________    日期：__________"


# The page is the employee's: a result whose certificate waits (the row has errors) is not told as
# the computed one, and nothing on it speaks to the clerk (what to fix, cells, re-runs).
PENDING = "认证结果待核实"
PENDING_NOTE = "你的测评数据正在核实，认证结果待核实后另行通知。"


def person_pages(a: Assessment, source: str) -> list[PersonPage]:
    fw = a.framework
    return [_page(fw, a, p, source) for p in a.people]


def _page(fw: Framework, a: Assessment, p: PersonResult, source: str) -> PersonPage:
    levels = fw.level_names
    items: list[ItemLine] = []
    standards: list[str | None] = []
    for i, name in enumerate(fw.item_names):
        standard = standard_level(fw, p, i)
        standards.append(standard)
        score = "" if p.item_scores[i] is None else f"{p.item_scores[i]:.1f}"
        if score and p.item_from_level[i]:
            score += "（按级别折算）"
        gap = p.gaps[i]
        items.append(
            ItemLine(
                name,
                score,
                p.item_levels[i] or "未评定",
                standard or "",
                "" if gap is None else f"{gap:+d}" if gap else "0",
            )
        )
    goals = []
    for i, gap in enumerate(p.gaps):
        if gap is None or gap >= 0:
            continue
        comp = fw.competencies[i]
        text = next((b for b in comp.behaviours if b.level == standards[i]), None)
        goals.append(
            Goal(
                comp.name,
                standards[i] or "",
                text.headline if text else "（模型中没有该级别的行为描述）",
                list(text.indicators) if text else [],
                bool(text and (text.drafted or comp.text_source == "drafted")),
            )
        )
    held = p.applying and bool(p.held)
    who = [
        ("姓名", p.name),
        ("员工编号", p.employee_id),
        ("单位", " ".join(x for x in (p.unit, p.department) if x)),
        ("现岗位级别", p.grade_shown or "（未填）"),
        ("对标岗位级别", p.standard_grade or "（无标准画像）"),
        ("加权总分", "" if p.total is None else f"{p.total:.1f}"),
        ("综合级别 / 达标情况", f"{p.level_shown} / {p.attainment_shown}"),
        ("评估基准日", a.as_of.isoformat()),
        ("能力模型", f"{fw.framework.name}（{fw.id} 版本 {fw.version}）"),
        ("来源", f"{source} {p.sheet} 第 {p.row} 行"),
    ]
    return PersonPage(
        title="个人能力测评报告",
        who=who,
        radar_labels=list(fw.item_names),
        radar_assessed=[levels.index(x) + 1 if x else None for x in p.item_levels],
        radar_standard=[levels.index(x) + 1 if x else None for x in standards],
        level_names=list(levels),
        items=items,
        strengths=[name for name, gap in zip(fw.item_names, p.gaps, strict=True) if gap is not None and gap > 0],
        goals=goals,
        certification=PENDING if held else p.status,
        reasons=[PENDING_NOTE] if held else [r.message for r in p.reasons],
        warning=f"注意：本人的测评数据有 {p.errors} 处有待核实，以下结果尚未确定，以核实后的报告为准。"
        if p.errors
        else "",
        gaps_unknown=p.items_below is None or bool(p.items_unjudged),
        unjudged=[name for name, gap in zip(fw.item_names, p.gaps, strict=True) if gap is None]
        if p.items_below is not None
        else [],
        no_standard=p.items_below is None,
    )
