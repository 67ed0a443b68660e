"""Calibration adjustments (docs/rules.md, 校准调整; DOMAIN §8): what a calibration meeting decided,
read from the adjustments file HR fills in (调整表), checked against the batch, and turned into the
points each person's item scores get. cmxl only applies what people decided: every row says who
decided it and why.

A row names a group, a unit (单位) or a rater (测评人); an item, a competency or 加权总分 (or
nothing) for every item, which moves the total by the same points since the item weights sum to
100; and the points (+3, −2). Rows that reach one person's item add up. The adjusted scores go
through the one scoring engine (Intake.adjust): clamped to the scale, and the level, total, gaps
and attainment follow by the ordinary rules. Certification uses the exam scores, never these."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cmxl.core.cellref import a1
from cmxl.core.engine.calibration import RATER, TOTAL, UNIT
from cmxl.core.engine.results import PersonResult
from cmxl.core.errors import CmxlError
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.ids import fold_text
from cmxl.core.issues import Issue, issue
from cmxl.core.model.framework import Framework
from cmxl.core.numbers import parse_number

SHEET = "调整表"  # the sheet of the template; any sheet with the header row is read
KINDS = (UNIT, RATER)
# the columns: key -> (header, other spellings a clerk may use)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kind": ("对象类别", ("类别", "对象类型", "调整对象类别")),
    "target": ("对象", ("对象名称", "调整对象", "单位或测评人")),
    "item": ("能力项", ("调整项目", "项目", "能力项目")),
    "points": ("调整", ("调整分数", "调整分值", "调整分", "加减分")),
    "by": ("决定人", ("决定者", "批准人", "审批人", "决策人")),
    "reason": ("理由", ("调整理由", "原因", "依据", "说明")),
}
KIND_WORDS = {UNIT: (UNIT, "地市", "分公司", "地区"), RATER: (RATER, "评价人", "考评人", "评估人", "评分人", "打分人")}
EVERY_ITEM_WORDS = (TOTAL, "总分", "全部", "全部能力项", "所有能力项")
HEADER_ROWS = 10  # rows from the top of a sheet searched for the header row
SHOWN_NAMES = 10  # known units or raters a message lists


@dataclass(frozen=True)
class Adjustment:
    """One decision of the calibration meeting (one row of the adjustments file)."""

    n: int  # 序号: its place among the file's adjustments, from 1
    sheet: str
    row: int  # 1-based row in the file
    kind: str  # UNIT or RATER
    target: str  # the unit or rater as the batch spells it
    item: str  # a competency's name, or TOTAL for every item
    points: float
    by: str
    reason: str

    @property
    def shown(self) -> str:
        """单位 西安分公司 加权总分 −2"""
        return f"{self.kind} {self.target} {self.item} {points_text(self.points)}"


@dataclass
class Adjustments:
    """The adjustments file read: the decisions, and every problem found (errors stop the run)."""

    source: str
    rows: list[Adjustment] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


def points_text(points: float) -> str:
    """+3, −2.5 (a true minus sign, as the sheets show a change)."""
    text = f"{abs(points):g}"
    return f"+{text}" if points > 0 else f"−{text}" if points < 0 else text


def read_adjustments(grid: WorkbookGrid, fw: Framework, units: Sequence[str], raters: Sequence[str]) -> Adjustments:
    """The decisions of an adjustments file, each checked against the batch: its unit or rater
    must be one of the batch's, its item one of the model's. Every problem names its cell."""
    found = _header(grid)
    out = Adjustments(grid.source)
    if found is None:
        heads = "、".join(h for h, _ in COLUMNS.values())
        out.issues.append(issue("adjustments-header-missing", file=grid.source, value=grid.source, heads=heads))
        return out
    sheet, top, cols = found
    for key, (head, _) in COLUMNS.items():
        if key not in cols:
            out.issues.append(
                issue("adjustment-column-missing", file=grid.source, sheet=sheet.name, cell=a1(top, 0), field=head)
            )
    if out.issues:
        return out
    known = {UNIT: _by_fold(units), RATER: _by_fold(raters)}
    items = {fold_text(name): name for name in fw.item_names}
    seen: dict[tuple[str, str, str], int] = {}
    for r in range(top + 1, len(sheet.rows)):
        raw = {key: _cell(sheet, r, c) for key, c in cols.items()}
        if all(v is None for v in raw.values()):
            continue
        row = _Row(grid.source, sheet.name, r, cols, out.issues)
        read = row.read(raw, known, items, fw)
        if read is None:
            continue
        kind, target, item = read[:3]
        key = (kind, fold_text(target), item)
        if key in seen:
            row.problem("adjustment-duplicate", "target", target, other=seen[key], item=item, kind=kind)
            continue
        seen[key] = r + 1
        out.rows.append(Adjustment(len(out.rows) + 1, sheet.name, r + 1, *read))
    return out


def _by_fold(names: Sequence[str]) -> dict[str, str]:
    return {fold_text(n): n for n in sorted(set(names)) if n}


def _cell(sheet: SheetGrid, r: int, c: int) -> object:
    row = sheet.rows[r]
    value = row[c] if c < len(row) else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _header(grid: WorkbookGrid) -> tuple[SheetGrid, int, dict[str, int]] | None:
    """The sheet, its header row (0-based) and the columns found: the sheet named 调整表 first,
    then the others; a header row has at least 对象 and 调整."""
    spelling = {fold_text(w): key for key, (head, other) in COLUMNS.items() for w in (head, *other)}
    sheets = sorted(grid.sheets, key=lambda s: s.name != SHEET)
    for sheet in sheets:
        for r, row in enumerate(sheet.rows[:HEADER_ROWS]):
            cols: dict[str, int] = {}
            for c, value in enumerate(row):
                key = spelling.get(fold_text(value).strip("*＊").rstrip(":：")) if isinstance(value, str) else None
                if key is not None:
                    cols.setdefault(key, c)
            if "target" in cols and "points" in cols:
                return sheet, r, cols
    return None


class _Row:
    """One row of the adjustments file being read: its problems, each on its cell."""

    def __init__(self, source: str, sheet: str, r: int, cols: dict[str, int], issues: list[Issue]):
        self.source, self.sheet, self.r, self.cols, self.issues = source, sheet, r, cols, issues
        self.bad = False

    def problem(self, code: str, key: str, value: object, **ctx: object) -> None:
        head = COLUMNS[key][0]
        where = a1(self.r, self.cols[key])
        self.issues.append(
            issue(
                code, file=self.source, sheet=self.sheet, cell=where, field=head, value=value, row_no=self.r + 1, **ctx
            )
        )
        if code in _ERRORS:
            self.bad = True

    def read(
        self, raw: dict[str, object], known: dict[str, dict[str, str]], items: dict[str, str], fw: Framework
    ) -> tuple[str, str, str, float, str, str] | None:
        """(kind, target, item, points, by, reason), or None: a problem (said), or no change (0)."""
        kind = self._kind(raw["kind"])
        target = self._target(kind, raw["target"], known)
        item = self._item(raw["item"], items, fw)
        points = self._points(raw["points"], fw)
        who, why = (self._text(raw[k], k) for k in ("by", "reason"))
        if self.bad or kind is None or target is None or item is None or not points:
            return None
        return kind, target, item, points, who, why

    def _kind(self, value: object) -> str | None:
        if value is None:
            self.problem("adjustment-missing", "kind", "", need=f"{UNIT}或{RATER}")
            return None
        text = fold_text(value)
        for kind, words in KIND_WORDS.items():
            if text in {fold_text(w) for w in words}:
                return kind
        self.problem("adjustment-kind-unknown", "kind", value, allowed="、".join(KINDS))
        return None

    def _target(self, kind: str | None, value: object, known: dict[str, dict[str, str]]) -> str | None:
        if value is None:
            self.problem("adjustment-missing", "target", "", need=f"要调整的{kind or f'{UNIT}或{RATER}'}的名称")
            return None
        if kind is None:
            return None
        names = known[kind]
        found = names.get(fold_text(value))
        if found is None:
            self.problem("adjustment-target-unknown", "target", value, kind=kind, known=_known(kind, names))
        return found

    def _item(self, value: object, items: dict[str, str], fw: Framework) -> str | None:
        text = fold_text(value)
        if value is None or text in {fold_text(w) for w in EVERY_ITEM_WORDS}:
            return TOTAL
        found = items.get(text)
        if found is None:
            self.problem("adjustment-item-unknown", "item", value, total=TOTAL, items="、".join(fw.item_names))
        return found

    def _points(self, value: object, fw: Framework) -> float | None:
        if value is None:
            self.problem("adjustment-missing", "points", "", need="加减的分数，如 +3 或 -2")
            return None
        raw = value.replace("−", "-").replace("﹣", "-") if isinstance(value, str) else value
        number, _ = parse_number(raw)
        span = fw.levels[-1].max - fw.levels[0].min
        if number is None or not -span <= number <= span:
            self.problem("adjustment-points-invalid", "points", value, span=f"{span:g}")
            return None
        if number == 0:
            self.problem("adjustment-points-zero", "points", value)
        return number

    def _text(self, value: object, key: str) -> str:
        text = "" if value is None else unicodedata.normalize("NFC", str(value)).strip()
        if not text:
            need = "作出决定的人（或会议）" if key == "by" else "为什么调整（如校准会议的结论）"
            self.problem("adjustment-missing", key, "", need=need)
        return text


_ERRORS = {
    "adjustment-missing",
    "adjustment-kind-unknown",
    "adjustment-target-unknown",
    "adjustment-item-unknown",
    "adjustment-points-invalid",
}


def _known(kind: str, names: dict[str, str]) -> str:
    if not names:
        return "本批次的工作簿没有填写测评人（“测评人”列）" if kind == RATER else f"本批次的工作簿没有填写{kind}"
    shown = list(names.values())
    more = f" 等 {len(shown)} 个" if len(shown) > SHOWN_NAMES else ""
    return f"本批次的{kind}：{'、'.join(shown[:SHOWN_NAMES])}{more}"


def person_rater(p: PersonResult) -> str:
    value = p.facts.get("rater")
    return "" if value is None else str(value)


def adjustment_points(
    rows: Sequence[Adjustment], people: Sequence[PersonResult], fw: Framework
) -> tuple[np.ndarray, list[list[int]]]:
    """People x items, the points each person's item scores get; and per person the adjustments
    (their 序号) that reach them, in order."""
    k = len(fw.item_names)
    points = np.zeros((len(people), k))
    reached: list[list[int]] = [[] for _ in people]
    groups = {
        UNIT: [fold_text(p.unit) for p in people],
        RATER: [fold_text(person_rater(p)) for p in people],
    }
    for adj in rows:
        columns = slice(None) if adj.item == TOTAL else fw.item_names.index(adj.item)
        target = fold_text(adj.target)
        for i, g in enumerate(groups[adj.kind]):
            if g and g == target:
                points[i, columns] += adj.points
                reached[i].append(adj.n)
    return points, reached


@dataclass(frozen=True)
class ItemChange:
    item: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class PersonChange:
    """One person before and after the adjustments that reach them (校准前 / 校准后)."""

    before: PersonResult
    after: PersonResult
    adjustments: tuple[int, ...]  # the 序号 of the adjustments that reach them
    items: tuple[ItemChange, ...]  # the item scores that changed

    @property
    def changed(self) -> bool:
        return bool(self.items)


def person_changes(
    fw: Framework, before: Sequence[PersonResult], after: Sequence[PersonResult], reached: Sequence[Sequence[int]]
) -> list[PersonChange]:
    """Per person reached by an adjustment, what changed (an unrated item stays unrated). The
    certification must be as it was: it is judged on the exams, never on these scores."""
    out = []
    for b, a, ns in zip(before, after, reached, strict=True):
        if (b.employee_id, b.status, b.applied, b.held) != (a.employee_id, a.status, a.applied, a.held):
            raise CmxlError(f"内部错误：校准改变了 {b.name}（{b.employee_id}）的认证结果；未作任何调整，请报告此问题")
        if not ns:
            continue
        items = tuple(
            ItemChange(name, x, y)
            for name, x, y in zip(fw.item_names, b.item_scores, a.item_scores, strict=True)
            if x != y
        )
        out.append(PersonChange(b, a, tuple(ns), items))
    return out
