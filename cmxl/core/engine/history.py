"""A person's history across cycles (docs/rules.md, 历次测评; DOMAIN §7): the record of one
scored person for a cycle, and each person's change since the previous cycle attached to their
result record (`PersonResult.change`), computed once for every output. Pure: the records are
read and written by the ledger's adapter (cmxl/history.py); what a record holds and how two
records compare is cmxl/core/engine/change.py.

- A cycle is named (by default the year of the assessment date, e.g. "2026"); one record per
  (员工编号, cycle): running the same cycle again replaces it.
- People are matched by the normalised id; a differing name is a possible mismatch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from cmxl.core.engine.change import (
    DECLINED,
    IMPROVED,
    MATCHED,
    NAME_DIFFERS,
    NONE,
    UNCHANGED,
    Change,
    CycleRecord,
    ItemChange,
    ItemRecord,
    compare,
)
from cmxl.core.engine.results import PersonResult
from cmxl.core.model.framework import Framework

__all__ = [
    "DECLINED",
    "IMPROVED",
    "MATCHED",
    "NAME_DIFFERS",
    "NONE",
    "UNCHANGED",
    "Change",
    "CycleRecord",
    "ItemChange",
    "ItemRecord",
    "attach_changes",
    "compare",
    "cycle_problem",
    "cycle_records",
    "default_cycle",
    "looked_up",
    "record_of",
    "shows_history",
]

MAX_CYCLE = 30  # characters of a cycle's name ("2026", "2026上半年", "2026年度第二次")


def default_cycle(as_of: dt.date) -> str:
    """The cycle an assessment belongs to when none is named: the year of its date."""
    return str(as_of.year)


def cycle_problem(name: str) -> str:
    """Why `name` cannot name a cycle ('' when it can): it is a key of the history and is shown
    in every sheet, so no control characters, no surrounding spaces, not too long."""
    if not name.strip() or name != name.strip() or len(name) > MAX_CYCLE:
        return f"测评周期名称须为 1–{MAX_CYCLE} 个字符，且不以空格开头结尾（如 2026、2026上半年）"
    if any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        return "测评周期名称不能含控制字符"
    return ""


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


def current_records(people: Sequence[PersonResult], fw: Framework, cycle: str, as_of: dt.date) -> list[CycleRecord]:
    """What each person (with an id) would be recorded as for `cycle`: what their previous cycle is
    looked up with and compared to."""
    return [record_of(p, fw, cycle, as_of.isoformat(), "") for p in people if p.employee_id]


def attach_changes(
    people: Sequence[PersonResult], fw: Framework, current: Sequence[CycleRecord], earlier: Mapping[str, CycleRecord]
) -> None:
    """Each person's change since their previous cycle (`earlier`, by id: the ledger's latest
    earlier record), on their result record: NONE for a person with no earlier record (or no id)."""
    by_id = {r.employee_id: r for r in current}
    for p in people:
        now = by_id.get(p.employee_id) if p.employee_id else None
        p.change = compare(now, earlier.get(p.employee_id), fw.level_names) if now is not None else Change(NONE)


def looked_up(people: Iterable[PersonResult]) -> bool:
    """The history was looked up for these people (a ledger was given): 汇总 has its columns."""
    return any(p.change is not None for p in people)


def shows_history(people: Iterable[PersonResult]) -> bool:
    """Someone has an earlier record (matched or a possible mismatch): the sheets that show the
    change are written."""
    return any(p.change is not None and p.change.status != NONE for p in people)
