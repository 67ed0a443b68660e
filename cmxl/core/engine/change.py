"""A person's change since the previous cycle (docs/rules.md, 历次测评; DOMAIN §7): what one
cycle's record holds, and how two records compare. Pure data and one comparison, read by every
output that shows the change (汇总, 历次对比, 统计图表, 个人画像, the person report, --json).

- People are matched by the normalised id. A record whose name differs from the current one is a
  possible mismatch: shown with both names, never used as "last cycle".
- When the model changed between cycles, items are matched by name; an item in one cycle only is
  listed as not comparable, never given a made-up change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from cmxl.core.ids import same_name

IMPROVED, DECLINED, UNCHANGED = "提升", "下降", "不变"
MATCHED, NAME_DIFFERS, NONE = "matched", "name-differs", "none"
NAME_MISMATCH = "姓名不符"  # what 汇总 says where the earlier record has another name


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

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ItemChange:
    name: str
    previous: ItemRecord
    current: ItemRecord
    score_change: float | None  # current − previous, rounded to one decimal
    level_steps: int | None  # current level − previous level, in steps
    direction: str | None  # IMPROVED / DECLINED / UNCHANGED (None: a value is missing)

    @property
    def moved(self) -> bool:
        return self.direction in (IMPROVED, DECLINED)


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
    attainment_same: bool = False  # both cycles' attainment known and equal

    @property
    def matched(self) -> bool:
        return self.status == MATCHED

    def count(self, direction: str) -> int:
        return sum(1 for i in self.items if i.direction == direction)

    @property
    def previous_total(self) -> float | None:
        return self.previous.total if self.matched and self.previous else None

    @property
    def previous_level(self) -> str:
        """汇总's 上期级别: the earlier level, or 姓名不符 with the earlier name."""
        prev = self.previous
        if prev is None or self.status == NONE:
            return ""
        if self.status == NAME_DIFFERS:
            return f"{NAME_MISMATCH}（{prev.cycle}：{prev.name}）"
        shown = prev.level or "未评定"
        return f"{shown}（上期数据可能有误）" if prev.errors else shown  # the row had errors when recorded

    @property
    def attainment_text(self) -> str:
        """汇总's 达标变化: "未达标 → 达标", "不变", or '' (not compared, or a value unknown)."""
        if not self.matched:
            return ""
        return self.attainment_change or ("不变" if self.attainment_same else "")

    @property
    def sentence(self) -> str:
        """The overall change in one sentence, for a person's page."""
        if self.status == NONE:
            return "没有往期测评记录。"
        prev = self.previous
        assert prev is not None
        if self.status == NAME_DIFFERS:
            return f"员工编号相同的 {_named(prev.cycle)}记录姓名为 {prev.name}，与本期不符，未作比较，请核实。"
        parts = [f"与 {_named(prev.cycle)}相比"]
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
        caveat = f"（上期记录时该行有 {prev.errors} 个错误，上期数据可能有误）" if prev.errors else ""
        return "，".join(parts) + "。" + caveat

    def to_json(self) -> dict:
        """The `--json` shape of a change (the previous record in brief; items that moved or not)."""
        prev = self.previous
        return {
            "status": self.status,
            "previous": None
            if prev is None
            else {
                "cycle": prev.cycle,
                "as_of": prev.as_of,
                "name": prev.name,
                "total": prev.total,
                "level": prev.level,
                "attainment": prev.attainment,
                "source_file": prev.source_file,
                "errors": prev.errors,
            },
            "total_change": self.total_change,
            "level_change": self.level_change or None,
            "attainment_change": self.attainment_change or None,
            "model_changed": self.model_changed,
            "items": {
                i.name: {
                    "previous_score": i.previous.score,
                    "score": i.current.score,
                    "score_change": i.score_change,
                    "previous_level": i.previous.level,
                    "level": i.current.level,
                    "level_steps": i.level_steps,
                    "direction": i.direction,
                }
                for i in self.items
            },
            "not_comparable": self.not_comparable,
            "sentence": self.sentence,
        }


def _named(cycle: str) -> str:
    """A cycle as a sentence names it: "2025 年度 " for a year, else as named ("2026上半年 ")."""
    return f"{cycle} 年度" if cycle.isdigit() and len(cycle) == 4 else f"{cycle} "


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
    if previous.attainment and current.attainment:
        if previous.attainment != current.attainment:
            change.attainment_change = f"{previous.attainment} → {current.attainment}"
        else:
            change.attainment_same = True
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
