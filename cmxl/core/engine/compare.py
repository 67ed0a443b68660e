"""Dynamic adjustment (能力素质模型动态调整): what changed between two versions of a model, and
whose results change when a workbook is re-scored under the new one."""

from __future__ import annotations

from cmxl.core.engine.assessment import Assessment
from cmxl.core.engine.results import PersonResult
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.numbers import round_half_up


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{round_half_up(value, 2):g}"
    return str(value)


def framework_changes(old: Framework, new: Framework) -> list[str]:
    """Every rule that differs, in Chinese, one line each ("what → what")."""
    lines: list[str] = []

    def differ(label: str, a: object, b: object) -> None:
        if a != b:
            lines.append(f"{label}：{_fmt(a)} → {_fmt(b)}")

    differ("模型编号", old.id, new.id)
    differ("版本", old.version, new.version)
    differ("生效日期", old.framework.effective_date, new.framework.effective_date)
    old_levels = {lv.name: lv for lv in old.levels}
    for lv in new.levels:
        was = old_levels.get(lv.name)
        if was is None:
            lines.append(f"新增级别：{lv.name}（{lv.min:g}–{lv.max:g}）")
            continue
        differ(f"级别“{lv.name}”分数段", f"{was.min:g}–{was.max:g}", f"{lv.min:g}–{lv.max:g}")
        differ(f"级别“{lv.name}”单独填写时计分", was.midpoint, lv.midpoint)
    lines += [f"删除级别：{name}" for name in old_levels if name not in {lv.name for lv in new.levels}]
    old_cats = {c.name: c.weight for c in old.categories}
    for c in new.categories:
        differ(f"类别权重“{c.name}”", old_cats.get(c.name, "无"), c.weight)
    old_items = dict(zip(old.item_names, old.item_weights, strict=True))
    new_items = dict(zip(new.item_names, new.item_weights, strict=True))
    for name, w in new_items.items():
        differ(f"能力项权重“{name}”", float(old_items[name]) if name in old_items else "无", float(w))
    lines += [f"删除能力项：{name}" for name in old_items if name not in new_items]
    old_subs = {c.name: c.subitem_weights for c in old.competencies}
    for c in new.competencies:
        for level, weights in c.subitem_weights.items():
            differ(f"“{c.name}”{level}分项权重", old_subs.get(c.name, {}).get(level, "无"), weights)
    old_grades = {g.name: gi for gi, g in enumerate(old.grades)}
    for gi, g in enumerate(new.grades):
        if g.name not in old_grades:
            lines.append(f"新增岗位级别：{g.name}")
            continue
        og = old_grades[g.name]
        for i, name in enumerate(new.item_names):
            if name in old.item_names:
                before = old.level_names[old.standards[og, old.item_names.index(name)]]
                differ(f"“{g.name}”的“{name}”标准级别", before, new.level_names[new.standards[gi, i]])
    differ("基本达标允许低一级的项数", old.attainment.max_one_below, new.attainment.max_one_below)
    return lines


def result_changes(old: Assessment, new: Assessment) -> list[dict]:
    """People (matched by row) whose total, level, attainment or certification result (with its
    reasons) differs between the two runs."""
    by_row = {p.row: p for p in new.people}
    changes = []
    for p in old.people:
        q = by_row.get(p.row)
        if q is None:
            continue
        before, after = _summary(p), _summary(q)
        if before != after:
            changes.append(
                {"row": p.row, "employee_id": p.employee_id, "name": p.name, "before": before, "after": after}
            )
    return changes


def _summary(p: PersonResult) -> dict:
    return {
        "加权总分": p.total,
        "综合级别": p.level_shown,
        "达标情况": p.attainment_shown,
        "认证结果": p.status,
        "原因": p.reasons_text,
    }


def scheme_changes(old: Scheme, new: Scheme) -> list[str]:
    """Every value of a certification scheme that differs, one line each ("key: what → what"),
    keys as they are written in the scheme file."""
    before, after = _flat(old.model_dump(by_alias=True)), _flat(new.model_dump(by_alias=True))
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(key, "无"), after.get(key, "无")
        if a != b:
            lines.append(f"{key}：{_fmt(a)} → {_fmt(b)}")
    return lines


def _flat(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_flat(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}
