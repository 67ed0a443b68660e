"""A report per person (个人能力测评报告): what an employee is given — where they stand against
their grade's standard, what to develop, and their certification result with every reason and
what happens next.

The page is decided here, as plain data; a renderer (cmxl/docx/render.py) only draws it. The
development goals are the model's own behaviour descriptions of the standard level. The page is
the employee's: nothing on it speaks to the clerk (what to fix, cells, sheets, re-runs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from cmxl.core.engine.assessment import Assessment
from cmxl.core.engine.certification import FAILED, INCOMPLETE, NOT_ELIGIBLE, Reason, expiry
from cmxl.core.engine.results import PersonResult
from cmxl.core.layout.training import standard_level
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme

TITLE = "个人能力测评报告"
ITEM_HEADS = ("能力项", "得分", "级别", "标准", "差距")
STRENGTHS = "优势"
GOALS = "发展目标（低于岗位标准的能力项：标准级别的行为要求）"
CERTIFICATION = "岗位技能认证"
DRAFTED = "（描述为起草稿）"
FROM_LEVEL_MARK = "※"
FROM_LEVEL_NOTE = "※ 只评定了级别的能力项，得分按该级别的折算分计（按级别折算）。"
CHANGE = "与上期相比"
CHANGE_HEADS = ("能力项", "上期级别", "本期级别", "上期得分", "本期得分", "变化")
SIGNATURE = "测评人签字：__________    日期：__________        被测评人签字：__________    日期：__________"

# The page is the employee's: a result whose certificate waits (the row has errors) is not told as
# the computed one, and nothing on it speaks to the clerk (what to fix, cells, re-runs).
PENDING = "认证结果待核实"
PENDING_NOTE = "你的测评数据正在核实，认证结果待核实后另行通知。"
ASK_HR = "如有疑问，请与本单位人力资源部门联系。"
NEXT_CYCLE = "下一次认证的时间和报名安排，以公司通知为准。"
SUPPLY = "所缺资料补齐后，将重新审核认证结果。"

# The certification's reasons are written for the results workbook, where the clerk reads them
# beside 校验问题: on the employee's page the pointers to the clerk's sheets and the requests to
# the clerk go, and a blank cell reads as a fact not provided.
_FOR_EMPLOYEE = (
    (re.compile(r"（见[^）]*）"), ""),
    (re.compile(r"[，；]\s*请核对"), "，有待核实"),
    (re.compile(r"[，；]\s*请[^，；。]*"), ""),
    (re.compile(r"填写有误"), "有误"),
    (re.compile(r"为空"), "未提供"),
)


@dataclass
class ItemLine:
    name: str
    score: str  # as shown: "72.5", "50.5※" (only a level was given: FROM_LEVEL_NOTE) or ""
    level: str
    standard: str
    gap: str  # "+1", "-1", "0" or ""


@dataclass
class ChangeLine:
    """An item whose score or level moved since the previous cycle (docs/rules.md, 历次测评)."""

    name: str
    previous_level: str
    level: str
    previous_score: str
    score: str
    change: str  # "+0.6", "-1.2" or "" (a score missing: the level moved)

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.name, self.previous_level, self.level, self.previous_score, self.score, self.change)


@dataclass
class Goal:
    """An item below standard: the standard level's behaviour description, as the goal."""

    item: str
    level: str  # the standard level
    headline: str
    indicators: list[str]
    drafted: bool  # the text is cmxl's draft, not the standard's

    @property
    def text(self) -> str:
        text = f"{self.item}（标准：{self.level}）{DRAFTED if self.drafted else ''}：{self.headline}"
        return text + ("  ▶ " + "  ▶ ".join(self.indicators) if self.indicators else "")


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
    signature: str = SIGNATURE
    applied: str = ""  # the certification applied for, "客户经理岗位技能认证 三级" ('' when not applying)
    next_step: str = ""  # what happens next for a failed or held result, in the rules' words
    goals_note: str = ""  # said under the goals when the page gives them shortened (see compact)
    model: str = ""  # the model's name, for the note of a shortened page
    goals_joined: bool = False  # shortened to the goals' names on one paragraph (see compact)
    # the previous cycle (docs/rules.md, 历次测评): only for a person matched with an earlier record
    radar_history: bool = False  # the report shows earlier cycles: every radar's legend has 上期级别
    radar_previous: list[int | None] | None = None  # the previous cycle's levels (None: no earlier cycle)
    change_sentence: str = ""  # the overall change in a sentence ('' : no earlier cycle)
    changes: list[ChangeLine] = field(default_factory=list)  # the items that moved

    @property
    def none_known(self) -> str:
        """What a list of strengths or goals says when it cannot be told."""
        if self.no_standard:
            return "（没有适用的岗位标准，无法判断）"
        if self.gaps_unknown and self.unjudged:  # name them: the employee can ask about those
            return f"（{'、'.join(self.unjudged)} 未评定，无法判断）"
        return "（有能力项未评定或没有岗位标准，无法判断）" if self.gaps_unknown else ""

    @property
    def strengths_text(self) -> str:
        return "、".join(self.strengths) if self.strengths else self.none_known or "（没有高于岗位标准的能力项）"

    @property
    def goal_lines(self) -> list[str]:
        """The goals as the page prints them: a paragraph each, or their names in one."""
        if self.goals_joined:
            return ["、".join(f"{g.item}（标准：{g.level}）" for g in self.goals)] if self.goals else []
        return [g.text for g in self.goals]

    @property
    def goals_empty(self) -> str:
        return "" if self.goals else self.none_known or "（没有低于岗位标准的能力项）"

    @property
    def unjudged_note(self) -> str:
        """The goals given are the ones known: which are not."""
        if not (self.goals and self.unjudged):
            return ""
        return f"（另有 {len(self.unjudged)} 项未评定，无法判断：{'、'.join(self.unjudged)}）"

    @property
    def from_level_note(self) -> str:
        return FROM_LEVEL_NOTE if any(line.score.endswith(FROM_LEVEL_MARK) for line in self.items) else ""

    @property
    def certification_heading(self) -> str:
        return f"{CERTIFICATION}（申报：{self.applied}）" if self.applied else CERTIFICATION

    # the ways a page with too much to say is shortened to fit one printed page, least loss first
    COMPACT_LEVELS = 2

    def compact(self, level: int) -> PersonPage:
        """The page with its goals shortened, `level` 1: each goal's headline without its
        indicators; 2: the goals' item names (and standard levels) in one paragraph. Every other
        content stays (the result, every reason, the next step); the note names the model, which
        has the full text."""
        if level <= 0 or not self.goals:
            return self
        where = f"《{self.model}》" if self.model else "能力模型"
        if level == 1:
            goals = [dataclasses.replace(g, indicators=[]) for g in self.goals]
            note = f"（各项标准级别的具体行为表现从略，详见{where}）"
            return dataclasses.replace(self, goals=goals, goals_note=note)
        note = f"（各项标准级别的行为要求从略，详见{where}）"
        return dataclasses.replace(self, goals_joined=True, goals_note=note)


def person_pages(a: Assessment, source: str) -> list[PersonPage]:
    fw = a.framework
    pages = [_page(fw, a, p, source) for p in a.people]
    if any(p.change is not None and p.change.matched for p in a.people):
        for page, p in zip(pages, a.people, strict=True):
            _with_change(page, fw, p)
    return pages


def _with_change(page: PersonPage, fw: Framework, p: PersonResult) -> None:
    """The previous cycle on the page of a person matched with one: the radar's dashed line, the
    items that moved, the sentence. A possible mismatch (another name under the id) is not shown
    on the employee's page: it is the clerk's to check (汇总, 历次对比)."""
    page.radar_history = True
    c = p.change
    if c is None or not c.matched or c.previous is None:
        return
    levels = fw.level_names
    before = [c.previous.items.get(name) for name in fw.item_names]
    page.radar_previous = [levels.index(r.level) + 1 if r is not None and r.level in levels else None for r in before]
    page.change_sentence = c.sentence

    def shown(x: float | None) -> str:
        return "" if x is None else f"{x:.1f}"

    page.changes = [
        ChangeLine(
            i.name,
            i.previous.level or "未评定",
            i.current.level or "未评定",
            shown(i.previous.score),
            shown(i.current.score),
            "" if i.score_change is None else f"{i.score_change:+.1f}",
        )
        for i in c.items
        if i.moved
    ]


def _page(fw: Framework, a: Assessment, p: PersonResult, source: str) -> PersonPage:
    levels = fw.level_names
    items: list[ItemLine] = []
    standards: list[str | None] = []
    for i, name in enumerate(fw.item_names):
        standard = standard_level(fw, p, i)
        standards.append(standard)
        score = "" if p.item_scores[i] is None else f"{p.item_scores[i]:.1f}"
        if score and p.item_from_level[i]:
            score += FROM_LEVEL_MARK
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
    scheme = a.schemes.get(p.scheme_id)
    return PersonPage(
        title=TITLE,
        who=who,
        radar_labels=list(fw.item_names),
        radar_assessed=[levels.index(x) + 1 if x else None for x in p.item_levels],
        radar_standard=[levels.index(x) + 1 if x else None for x in standards],
        level_names=list(levels),
        items=items,
        strengths=[name for name, gap in zip(fw.item_names, p.gaps, strict=True) if gap is not None and gap > 0],
        goals=goals,
        certification=PENDING if held else p.status,
        reasons=[] if held else [for_employee(r) for r in p.reasons],
        warning=f"注意：本人的测评数据有 {p.errors} 处有待核实，以下结果尚未确定，以核实后的报告为准。"
        if p.errors
        else "",
        gaps_unknown=p.items_below is None or bool(p.items_unjudged),
        unjudged=[name for name, gap in zip(fw.item_names, p.gaps, strict=True) if gap is None]
        if p.items_below is not None
        else [],
        no_standard=p.items_below is None,
        applied=" ".join(x for x in (p.scheme_name or (scheme.scheme.name if scheme else ""), p.applied) if x)
        if p.applying
        else "",
        next_step=f"{PENDING_NOTE}{ASK_HR}" if held else next_step(p, scheme, a.as_of),
        model=fw.framework.name,
    )


def for_employee(reason: Reason) -> str:
    """A certification reason as the employee reads it (see _FOR_EMPLOYEE)."""
    text = reason.message
    for pattern, replacement in _FOR_EMPLOYEE:
        text = pattern.sub(replacement, text)
    return text


def next_step(p: PersonResult, scheme: Scheme | None, as_of: dt.date) -> str:
    """What happens after a result that is not a pass, said only as far as the rules say it: the
    conditions to apply (the scheme's own words), a sub-certification already passed that still
    counts (two-part schemes: a level needs both parts valid at once), the facts to supply; when
    the next assessment is, the rules do not say: the company announces it."""
    status = p.certification.status
    if status not in (FAILED, NOT_ELIGIBLE, INCOMPLETE):
        return ""
    said: list[str] = []
    if status == INCOMPLETE:
        said.append(SUPPLY)
    elif status == NOT_ELIGIBLE and scheme is not None and scheme.paths.get(p.applied):
        paths = [path.label for path in scheme.paths[p.applied]]
        which = "下列条件之一" if len(paths) > 1 else "下列条件"
        said.append(f"申报{p.applied}须具备{which}：{'；'.join(paths)}。具备后可再次申报。")
    if status == FAILED and scheme is not None and scheme.parts:
        said += _parts_kept(p, scheme, as_of)
    if status != INCOMPLETE:
        said.append(NEXT_CYCLE)
    return "".join(said) + ASK_HR


def _parts_kept(p: PersonResult, scheme: Scheme, as_of: dt.date) -> list[str]:
    """A part passed and still valid counts until it expires: passing the others before then
    gives the level (理论和实操两项子认证均在有效期内的，获得相应的级别资格)."""
    years = scheme.scheme.validity_years
    kept, missing = [], []
    for part in scheme.parts:
        score, day = p.facts.get(part.score_field), p.facts.get(part.date_field)
        passed = isinstance(score, int | float) and score >= part.min
        if passed and isinstance(day, dt.date) and day <= as_of <= expiry(day, years):
            kept.append(f"{part.name}（{day.isoformat()} 通过）有效期至 {expiry(day, years).isoformat()}")
        else:
            missing.append(part.name)
    if not kept or not missing:
        return []
    last = min(expiry(p.facts[part.date_field], years) for part in scheme.parts if part.name not in missing)  # type: ignore[arg-type]
    return [
        f"你已通过的{'、'.join(kept)}；在 {last.isoformat()} 之前通过{'、'.join(missing)}，即可获得{p.applied}资格。"
    ]
