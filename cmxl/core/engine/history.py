"""A person's history across cycles (docs/rules.md, 历次测评; DOMAIN §7): what one cycle's record
holds, and the change since the previous cycle. Pure: the records are read and written by the
ledger's adapter (cmxl/history.py).

- A cycle is named (by default the year of the assessment date, e.g. "2026"); one record per
  (员工编号, cycle): running the same cycle again replaces it.
- People are matched by the normalised id. A record whose name differs from the current one is a
  possible mismatch: shown with both names, never used as "last cycle".
- When the model changed between cycles, items are matched by name; an item in one cycle only is
  listed as not comparable, never given a made-up change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cmxl.core.engine.results import PersonResult
from cmxl.core.ids import same_name
from cmxl.core.model.framework import Framework

IMPROVED, DECLINED, UNCHANGED = "提升", "下降", "不变"
MATCHED, NAME_DIFFERS, NONE = "matched", "name-differs", "none"


@dataclass(frozen=True)
class ItemRecord:
    score: float | None
    level: str | None
    standard: str | None  # the standard level of the person's grade (None: no standard applied)
    gap: int | None


@dataclass(frozen=True)
class CycleRecord:
    """One person's assessment in one cycle, as the ledger keeps it."""

    employee_id: str
    cycle: str
    name: str
    unit: str
    grade: str
    total: float | None
    level: str | None
    attainment: str | None
    items: dict[str, ItemRecord]  # by competency name, in the model's order
    framework_id: str
    framework_version: str
    framework_hash: str
    source_file: str
    source_sha256: str
    as_of: str  # ISO date of the assessment
    run_id: str = ""
    errors: int = 0  # the row had this many errors when recorded (its figures may be wrong)
    recorded: str = ""


def standard_of(fw: Framework, p: PersonResult, item: int) -> str | None:
    if not p.standard_grade:
        return None
    return fw.level_names[int(fw.standards[fw.grade_lookup[p.standard_grade], item])]


def record_of(
    p: PersonResult, fw: Framework, cycle: str, as_of: str, source_sha256: str, run_id: str = ""
) -> CycleRecord:
    """The record of one scored person for `cycle`."""
    items = {
        name: ItemRecord(p.item_scores[i], p.item_levels[i], standard_of(fw, p, i), p.gaps[i])
        for i, name in enumerate(fw.item_names)
    }
    return CycleRecord(
        employee_id=p.employee_id,
        cycle=cycle,
        name=p.name,
        unit=p.unit,
        grade=p.grade,
        total=p.total,
        level=p.level,
        attainment=p.attainment,
        items=items,
        framework_id=fw.id,
        framework_version=fw.version,
        framework_hash=fw.content_hash,
        source_file=p.file,
        source_sha256=source_sha256,
        as_of=as_of,
        run_id=run_id,
        errors=p.errors,
    )


def cycle_records(
    people: Iterable[PersonResult], fw: Framework, cycle: str, as_of: str, sha_of: dict[str, str], run_id: str = ""
) -> list[CycleRecord]:
    """The records of a cycle: every scored person with an id, once (a row repeated with the same
    data in another file is the one counted; of rows of one id with different data, the first)."""
    seen: set[str] = set()
    out = []
    for p in people:
        if not p.employee_id or p.employee_id in seen or getattr(p, "repeat_of", ""):
            continue
        seen.add(p.employee_id)
        out.append(record_of(p, fw, cycle, as_of, sha_of.get(p.file, ""), run_id))
    return out


@dataclass(frozen=True)
class ItemChange:
    name: str
    previous: ItemRecord
    current: ItemRecord
    score_change: float | None  # current − previous, rounded to one decimal
    level_steps: int | None  # current level − previous level, in steps
    direction: str | None  # IMPROVED / DECLINED / UNCHANGED (None: a value is missing)


@dataclass
class Change:
    """A person's change since the previous cycle."""

    status: str  # MATCHED / NAME_DIFFERS (a possible mismatch: not compared) / NONE (no earlier cycle)
    previous: CycleRecord | None = None
    total_change: float | None = None
    level_change: str = ""  # "中级 → 高级", "" when the same or unknown
    attainment_change: str = ""  # "未达标 → 达标"
    items: list[ItemChange] = field(default_factory=list)
    not_comparable: list[str] = field(default_factory=list)  # items in one of the two cycles only
    model_changed: bool = False  # the two cycles used different models (id, version or content)

    def count(self, direction: str) -> int:
        return sum(1 for i in self.items if i.direction == direction)

    @property
    def sentence(self) -> str:
        """The overall change in one sentence, for a person's page."""
        if self.status == NONE:
            return "没有往期测评记录。"
        prev = self.previous
        assert prev is not None
        if self.status == NAME_DIFFERS:
            return f"员工编号相同的 {prev.cycle} 年度记录姓名为 {prev.name}，与本期不符，未作比较，请核实。"
        parts = [f"与 {prev.cycle} 年度相比"]
        if self.total_change is not None:
            change = self.total_change
            parts.append(
                f"加权总分{'提高' if change > 0 else '降低' if change < 0 else '持平'}"
                + (f" {abs(change):.1f} 分" if change else "")
            )
        parts.append(f"{self.count(IMPROVED)} 项提升、{self.count(DECLINED)} 项下降、{self.count(UNCHANGED)} 项不变")
        if self.level_change:
            parts.append(f"综合级别 {self.level_change}")
        if self.not_comparable:
            parts.append(f"{'、'.join(self.not_comparable)}两期模型不同，未比较")
        return "，".join(parts) + "。"


def _steps(levels: Sequence[str], a: str | None, b: str | None) -> int | None:
    if a is None or b is None or a not in levels or b not in levels:
        return None
    return levels.index(b) - levels.index(a)


def _delta(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return round(b * 10 - a * 10) / 10  # both are shown to one decimal: their difference is exact in tenths


def compare(current: CycleRecord, previous: CycleRecord | None, levels: Sequence[str]) -> Change:
    """The change from `previous` (the person's latest earlier cycle) to `current`."""
    if previous is None:
        return Change(NONE)
    if not same_name(previous.name, current.name):
        return Change(NAME_DIFFERS, previous)
    change = Change(MATCHED, previous)
    change.model_changed = (previous.framework_id, previous.framework_hash) != (
        current.framework_id,
        current.framework_hash,
    )
    change.total_change = _delta(previous.total, current.total)
    if previous.level and current.level and previous.level != current.level:
        change.level_change = f"{previous.level} → {current.level}"
    if previous.attainment and current.attainment and previous.attainment != current.attainment:
        change.attainment_change = f"{previous.attainment} → {current.attainment}"
    for name, now in current.items.items():
        before = previous.items.get(name)
        if before is None:
            change.not_comparable.append(name)
            continue
        steps = _steps(levels, before.level, now.level)
        delta = _delta(before.score, now.score)
        moved = delta if delta is not None else steps  # the score says most; a level where there is none
        direction = None if moved is None else IMPROVED if moved > 0 else DECLINED if moved < 0 else UNCHANGED
        change.items.append(ItemChange(name, before, now, delta, steps, direction))
    change.not_comparable += [name for name in previous.items if name not in current.items]
    return change
