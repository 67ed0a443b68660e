"""Scoring (docs/rules.md, 能力模型): item scores and levels, knowledge standard scores, totals, gaps,
attainment. Vectorised over people with numpy; the only Python loops are over flagged cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cmxl.core.cellref import a1
from cmxl.core.engine.intake import Intake
from cmxl.core.issues import Issue, issue
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.numbers import round_half_up_array

ATTAINED, NEARLY, NOT_ATTAINED = "达标", "基本达标", "未达标"


@dataclass
class Scores:
    """Per-person results; NaN / -1 / None where a value cannot be determined."""

    item_scores: np.ndarray  # n x k, full precision (midpoint for a level given alone)
    item_levels: np.ndarray  # n x k level index, -1 unknown
    item_from_level: np.ndarray  # n x k bool: the score is a level's midpoint
    category_scores: np.ndarray  # n x C
    total: np.ndarray  # n
    level: np.ndarray  # n, -1 unknown
    target_level: np.ndarray  # n level index whose knowledge weights applied
    grade: np.ndarray  # n grade index of the standard profile, -1 none
    gaps: np.ndarray  # n x k float (assessed - standard, in level steps), NaN unknown
    attainment: np.ndarray  # n object: 达标 / 基本达标 / 未达标 / None
    issues: list[Issue]


def band(fw: Framework, scores: np.ndarray) -> np.ndarray:
    """Level index of each score, judged on the score rounded half up to one decimal."""
    rounded = round_half_up_array(scores, 1)
    idx = np.searchsorted(fw.level_mins, rounded, side="right") - 1
    return np.where(np.isnan(scores), -1, idx)


def _target_levels(
    fw: Framework, schemes: dict[str, Scheme], intake: Intake
) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """(target level, standard grade, rows with no profile and why) per person: 现岗位级别, else
    the level of 申报认证等级, else the framework's fallback level (no standard profile).

    A 现岗位级别 that is filled in but not a known grade (an error on the row) gives no standard
    profile at all: the person is not judged against a grade guessed from the application. The
    knowledge sub-items still need weights: those of 申报认证等级's level, else the fallback."""
    people = intake.people
    n = len(people)
    grade_index = {g.name: i for i, g in enumerate(fw.grades)}
    level_index = {name: i for i, name in enumerate(fw.level_names)}
    grade_of_level = {}
    for i, g in enumerate(fw.grades):
        grade_of_level.setdefault(level_index[g.level], i)
    fallback = level_index[fw.framework.fallback_level]
    target = np.full(n, fallback, dtype=int)
    grade = np.full(n, -1, dtype=int)
    no_profile: dict[int, str] = {}
    grades = list(people["grade"])
    applied = list(people["applied"])
    scheme_ids = list(people["scheme_id"])
    invalid = list(people["invalid"])
    for p in range(n):
        if grades[p]:
            grade[p] = grade_index[grades[p]]
            target[p] = fw.grade_levels[grade[p]]
            continue
        scheme = schemes.get(scheme_ids[p])
        level_name = None
        if applied[p] and scheme is not None:
            level_name = next((g.level for g in scheme.grades if g.name == applied[p]), None)
        if level_name in level_index:
            target[p] = level_index[level_name]
            if "grade" not in invalid[p]:  # empty: the standard of the grade at the applied level
                grade[p] = grade_of_level.get(target[p], -1)
        elif not invalid[p] & {"grade", "applied"}:  # an invalid value is reported already
            no_profile[p] = (
                f"现岗位级别为空，申报的{scheme.scheme.category}“{applied[p]}”没有对应的能力级别"
                if applied[p] and scheme is not None
                else "现岗位级别和申报认证等级均为空"
            )
    return target, grade, no_profile


class _Flags:
    """The issues scoring finds, each on a person's cell."""

    def __init__(self, intake: Intake):
        n = len(intake.people)
        self.source = intake.source
        self.rows = np.array(intake.people["row"], dtype=int) - 1 if n else np.empty(0, dtype=int)
        self.ids = list(intake.people["employee_id"])
        self.sheets = list(intake.people["sheet"]) if n else []
        self.issues: list[Issue] = []

    def __call__(self, code: str, p: int, col: int, field: str, value: object, **ctx) -> None:
        self.issues.append(
            issue(
                code,
                file=self.source,
                sheet=self.sheets[p],
                cell=a1(self.rows[p], col),
                employee_id=self.ids[p] or "",
                field=field,
                value=value,
                **ctx,
            )
        )


def score(fw: Framework, schemes: dict[str, Scheme], intake: Intake) -> Scores:
    n = len(intake.item_scores)
    cols = intake.columns
    flag = _Flags(intake)
    target, grade, no_profile = _target_levels(fw, schemes, intake)
    for p, why in no_profile.items():
        level = fw.level_names[target[p]]
        flag("no-standard-profile", p, cols.fields.get("grade", 0), "现岗位级别", "", level=level, why=why)

    given = intake.item_scores.copy()
    bad = intake.item_bad.copy()
    for i, subs in intake.subitem_scores.items():  # knowledge items: from their sub-item exams
        given[:, i] = _knowledge_item(fw, intake, i, subs, target, given[:, i], bad[:, i], flag)
        bad[:, i] |= np.isnan(subs).any(axis=1)
    bad |= _level_disagrees(fw, intake, given, bad, flag)

    # A level given alone counts as its band's midpoint.
    given_levels = intake.item_levels
    from_level = np.isnan(given) & (given_levels >= 0) & ~bad
    midpoints = fw.level_midpoints[np.clip(given_levels, 0, None)]
    item_scores = np.where(from_level, midpoints, given)
    item_scores[bad] = np.nan
    _flag_unrated(fw, intake, item_scores, bad, flag)
    if intake.adjust is not None:  # a calibration's decided points, on the scale's ends at most
        item_scores = np.clip(item_scores + intake.adjust, fw.levels[0].min, fw.levels[-1].max)
        from_level &= intake.adjust == 0  # an adjusted score is no longer a level's midpoint

    item_levels = band(fw, item_scores)
    weights = fw.item_weights
    total = (item_scores * weights).sum(axis=1) / 100.0  # NaN when any item is NaN
    cats = len(fw.categories)
    category_scores = np.full((n, cats), np.nan)
    for c in range(cats):
        mask = fw.item_category == c
        w = weights[mask]
        category_scores[:, c] = (item_scores[:, mask] * w).sum(axis=1) / w.sum()
    level = band(fw, total)

    standard = fw.standards[np.clip(grade, 0, None)]  # n x k
    gaps = np.where((item_levels >= 0) & (grade[:, None] >= 0), item_levels - standard, np.nan)
    attainment = _attainment(fw, gaps, total, grade)
    return Scores(
        item_scores,
        item_levels,
        from_level,
        category_scores,
        total,
        level,
        target,
        grade,
        gaps,
        attainment,
        flag.issues,
    )


def _knowledge_item(
    fw: Framework,
    intake: Intake,
    i: int,
    subs: np.ndarray,
    target: np.ndarray,
    typed: np.ndarray,
    bad: np.ndarray,
    flag: _Flags,
) -> np.ndarray:
    """A knowledge item's scores: the weighted average of its sub-item exams, with the weights of
    each person's target level. Noted: sub-items missing; a score or level typed in the item's own
    column (ignored) that differs from the computed one."""
    comp, cols = fw.competencies[i], intake.columns
    weights = np.array([comp.subitem_weights[name] for name in fw.level_names], dtype=float)
    computed = (subs * weights[target]).sum(axis=1) / 100.0  # weights: n x m
    missing = np.isnan(subs)
    for p in np.flatnonzero(missing.any(axis=1) & ~bad):
        names = [comp.subitems[j] for j in np.flatnonzero(missing[p])]
        col = cols.subitems.get((i, int(np.flatnonzero(missing[p])[0])), cols.items.get(i, 0))
        flag("subitems-incomplete", int(p), col, comp.name, "", missing="、".join(names))
    shown_computed = round_half_up_array(computed)
    differs = ~np.isnan(typed) & ~np.isnan(computed) & (round_half_up_array(typed) != shown_computed)
    for p in np.flatnonzero(differs):
        flag(
            "item-differs-from-subitems",
            int(p),
            cols.items[i],
            comp.name,
            f"{typed[p]:g}",
            computed=f"{shown_computed[p]:g}",
        )
    typed_level, computed_level = intake.typed_levels[:, i], band(fw, computed)
    for p in np.flatnonzero((typed_level >= 0) & (computed_level >= 0) & (typed_level != computed_level)):
        flag(
            "item-differs-from-subitems",
            int(p),
            cols.items[i],
            comp.name,
            fw.level_names[typed_level[p]],
            computed=f"{shown_computed[p]:g}（{fw.level_names[computed_level[p]]}）",
        )
    return computed


def _level_disagrees(fw: Framework, intake: Intake, given: np.ndarray, bad: np.ndarray, flag: _Flags) -> np.ndarray:
    """People x items where a score and a level are given together and do not agree (flagged)."""
    cols, given_levels = intake.columns, intake.item_levels
    score_levels = band(fw, given)
    both = (given_levels >= 0) & (score_levels >= 0) & (given_levels != score_levels) & ~bad
    for p, i in np.argwhere(both):
        col = cols.item_levels.get(i, cols.items.get(i, 0))
        lv = given_levels[p, i]
        flag(
            "level-score-mismatch",
            int(p),
            col,
            fw.competencies[i].name,
            f"{given[p, i]:g}",
            band=fw.level_names[score_levels[p, i]],
            level=fw.level_names[lv],
            range=fw.band_range(lv),
        )
    return both


def _flag_unrated(fw: Framework, intake: Intake, item_scores: np.ndarray, bad: np.ndarray, flag: _Flags) -> None:
    """Nothing at all in a present column: the item is not rated."""
    cols, k = intake.columns, item_scores.shape[1]
    present = np.array(
        [i in cols.items or i in cols.item_levels or i in intake.subitem_scores for i in range(k)], dtype=bool
    )
    unrated = np.isnan(item_scores) & ~bad & present[None, :]
    for p, i in np.argwhere(unrated):
        col = cols.items.get(i, cols.item_levels.get(i, 0))
        flag("score-missing", int(p), col, fw.competencies[i].name, "", levels="/".join(fw.level_names))


def _attainment(fw: Framework, gaps: np.ndarray, total: np.ndarray, grade: np.ndarray) -> np.ndarray:
    n = len(total)
    result = np.full(n, None, dtype=object)
    if n == 0:
        return result
    known = ~np.isnan(gaps).any(axis=1) & ~np.isnan(total) & (grade >= 0)
    below = np.nan_to_num(gaps, nan=0.0) < 0
    one_below = np.nan_to_num(gaps, nan=0.0) == -1
    grade_min = fw.level_mins[fw.grade_levels[np.clip(grade, 0, None)]]
    reaches = round_half_up_array(np.nan_to_num(total, nan=-1.0)) >= grade_min
    nearly = (
        (below.sum(axis=1) == one_below.sum(axis=1)) & (one_below.sum(axis=1) <= fw.attainment.max_one_below) & reaches
    )
    result[known & ~below.any(axis=1)] = ATTAINED
    result[known & below.any(axis=1) & nearly] = NEARLY
    result[known & below.any(axis=1) & ~nearly] = NOT_ATTAINED
    return result
