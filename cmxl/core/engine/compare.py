"""Dynamic adjustment (能力素质模型动态调整): what changed between two versions of a model, and
whose results change when a workbook is re-scored under the new one."""

from __future__ import annotations

import re
import typing

from pydantic import BaseModel
from pydantic.fields import FieldInfo

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


RESULT_KEYS = ("加权总分", "综合级别", "达标情况", "认证结果")  # what a person's result is; "原因" explains it


def result_changes(old: Assessment, new: Assessment) -> list[dict]:
    """People (matched by row) whose total, level, attainment or certification result, or only
    the reasons given for it, differ between the two runs: those whose result changes first
    (`result_changed`), then those whose reasons alone change, each in row order; with the
    reasons the new rules add and those they drop."""
    by_row = {p.row: p for p in new.people}
    changes = []
    for p in old.people:
        q = by_row.get(p.row)
        if q is None:
            continue
        before, after = _summary(p), _summary(q)
        if before != after:
            changed = any(before[k] != after[k] for k in RESULT_KEYS)
            was, now = [r.message for r in p.reasons], [r.message for r in q.reasons]
            record = {"row": p.row, "employee_id": p.employee_id, "name": p.name, "before": before, "after": after}
            changes.append(
                {
                    **record,
                    "result_changed": changed,
                    "reasons_added": [r for r in now if r not in was],
                    "reasons_dropped": [r for r in was if r not in now],
                }
            )
    return sorted(changes, key=lambda c: not c["result_changed"])


def _summary(p: PersonResult) -> dict:
    return {
        "加权总分": p.total,
        "综合级别": p.level_shown,
        "达标情况": p.attainment_shown,
        # held reads as held (docs/rules.md, 证书); the computed result beside it, so a rule's effect shows
        "认证结果": f"{p.result_shown}（计算结果：{p.status}）" if p.held and p.applying else p.status,
        "原因": p.reasons_text,
    }


def scheme_changes(old: Scheme, new: Scheme) -> list[str]:
    """Every value of a certification scheme that differs, one line each, in Chinese: the rule's
    name as the scheme's model describes it (the same words as docs/toml-reference.md), the key
    as written in the file in brackets, then "before → after"."""
    before = _flat(old.model_dump(by_alias=True), type(old))
    after = _flat(new.model_dump(by_alias=True), type(new))
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        (label, a), (label_b, b) = before.get(key, ("", "无")), after.get(key, ("", "无"))
        if a != b:
            lines.append(f"{label or label_b}（{key}）：{_value(a)} → {_value(b)}")
    return lines


_OWN_TABLE = "scheme"  # [scheme] describes the scheme itself: its keys need no section name
_ITEM_NAMES = ("name", "grade", "label", "key")  # what names an item of a list of tables


def _label(info: FieldInfo) -> str:
    """A field's name from the first words of its description: "[pass]：合格线（exam 方案必需）。" → 合格线."""
    text = re.sub(r"^\[\[?\w+\]?\]\s*表?：", "", (info.description or "").strip())
    return re.split(r"[（，。；：(]", text, maxsplit=1)[0].strip()


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in typing.get_args(annotation) if (m := _model_in(a)) is not None), None)


def _join(label: str, part: str) -> str:
    return f"{label} · {part}" if label and part else label or part


def _flat(
    value: object, model: type[BaseModel] | None, key: str = "", label: str = ""
) -> dict[str, tuple[str, object]]:
    """Every leaf of a scheme's data: its key as written in the file → (Chinese label, value)."""
    out: dict[str, tuple[str, object]] = {}
    if isinstance(value, dict) and model is not None:
        shown = model.documented_keys() if hasattr(model, "documented_keys") else model  # a path: its conditions
        fields = {info.alias or name: info for name, info in shown.model_fields.items()}
        for k, v in value.items():
            info = fields.get(k)
            part = "" if info is None or (not key and k == _OWN_TABLE) else _label(info)
            sub = _model_in(info.annotation) if info is not None else None
            out.update(_flat(v, sub, f"{key}.{k}" if key else str(k), _join(label, part)))
    elif isinstance(value, dict):  # a table of names (e.g. synonyms): each entry by its name
        for k, v in value.items():
            out.update(_flat(v, None, f"{key}.{k}", _join(label, f"“{k}”")))
    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
        head, _, last = label.rpartition(" · ")
        last = last.removeprefix("各").removeprefix("等级的")  # 各途径 → 途径“…”，各等级的申报条件 → 申报条件“三级”
        for i, v in enumerate(value):
            name = next((v[n] for n in _ITEM_NAMES if isinstance(v, dict) and v.get(n)), None)
            item = f"{last}“{name}”" if name else f"{last}第 {i + 1} 项"
            out.update(_flat(v, model, f"{key}[{i}]", _join(head, item)))
    else:
        out[key] = (label, value)
    return out


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_value(v) for v in value) or "（无）"
    if value is None:
        return "无"
    return _fmt(value)
