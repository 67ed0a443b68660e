"""The blank assessment workbook a region fills: 测评数据 (headers, dropdowns, range checks),
填写说明 (how to fill, every competency's behaviour descriptions) and 模型参数 (read-only rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cmxl.core.cellref import column_letter
from cmxl.core.engine.intake import EXCEL_EPOCH
from cmxl.core.layout.names import DATA, GUIDE, PARAMS
from cmxl.core.layout.spec import Cell, PrintSetup, ReportSpec, SheetSpec, Style, Validation
from cmxl.core.layout.styles import base_styles
from cmxl.core.model.eligibility import grade_notes
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.model.workbook_format import FieldSpec, WorkbookFormat

ROWS = 1000  # rows prepared with checks and formats
CATEGORY_FILLS = ["2F5597", "548235", "BF8F00", "7030A0", "C55A11"]


def template_columns(fw: Framework, fmt: WorkbookFormat) -> list[tuple[str, str, object]]:
    """(header, kind, detail) of every column, in order: fixed fields, then the competencies."""
    cols: list[tuple[str, str, object]] = [(f.header, "field", f) for f in fmt.fields]
    for i, comp in enumerate(fw.competencies):
        if comp.subitems:
            cols += [(sub, "subitem", i) for sub in comp.subitems]
        else:
            cols += [(comp.name, "item", i), (comp.name + "级别", "item_level", i)]
    return cols


def build_template(fw: Framework, schemes: dict[str, Scheme], fmt: WorkbookFormat) -> ReportSpec:
    styles = base_styles(len(fw.levels))
    for n, colour in enumerate(CATEGORY_FILLS):
        styles[f"cat{n}"] = Style(
            bold=True, color="FFFFFF", fill=colour, wrap=True, horizontal="center", vertical="center", border=True
        )
    styles["guide_item"] = Style(bold=True, size=12, color="1F4E78")
    styles["guide_level"] = Style(bold=True, fill="DDEBF7", border=True, vertical="top", horizontal="center")
    styles["guide_text"] = Style(wrap=True, vertical="top", border=True)
    styles["locked_label"] = Style(bold=True, fill="DDEBF7", border=True, locked=True)
    styles["locked_value"] = Style(border=True, locked=True, wrap=True)
    sheets = [_data_sheet(fw, schemes, fmt), _guide(fw, schemes, fmt), _params(fw, schemes, fmt)]
    return ReportSpec(
        sheets=sheets, styles=styles, title=f"{fw.framework.name} 测评模板（{fw.id} {fw.version}）", producer="template"
    )


def _data_sheet(fw: Framework, schemes: dict[str, Scheme], fmt: WorkbookFormat) -> SheetSpec:
    setup = PrintSetup(repeat_rows="1:1", repeat_cols="A:B", fit_width=False, header="测评数据")
    sheet = SheetSpec(DATA, freeze="C2", tab_color="1F4E78", print_setup=setup)  # too wide for one page
    sheet.heights[0] = 42
    cat_index = {c: n for n, c in enumerate(fw.category_names)}
    choices = _Choices(fw, schemes, _all_cert_grades(schemes), _appraisal_words(schemes))
    last = ROWS
    for col, (header, kind, detail) in enumerate(template_columns(fw, fmt)):
        rng = f"{column_letter(col)}2:{column_letter(col)}{last + 1}"
        if kind == "field":
            assert isinstance(detail, FieldSpec)
            sheet.put(0, col, header, "head", comment=detail.note or None)  # what the column is for, if said
            v = FIELD_CHECKS[detail.type](detail, rng, choices)
            if v is not None:
                sheet.validations.append(v)
            if detail.type == "id":
                for r in range(1, last + 1):
                    sheet.cells[(r, col)] = Cell(None, "text")
            sheet.widths[col] = 14.0 if detail.type != "text" else 12.0
        else:
            comp = fw.competencies[int(detail)]  # type: ignore[arg-type]
            sheet.put(0, col, header, f"cat{cat_index[comp.category] % len(CATEGORY_FILLS)}")
            sheet.widths[col] = max(9.0, min(16.0, len(header) * 2 + 1.0))
            if kind == "item_level":
                sheet.validations.append(
                    Validation(
                        rng,
                        "list",
                        options=fw.level_names,
                        prompt_title=comp.name,
                        prompt=f"可选填级别（{'/'.join(fw.level_names)}）；与左侧分数同时填写时须一致",
                        error_title="级别无效",
                        error=f"请从下拉列表选择：{'、'.join(fw.level_names)}",
                    )
                )
            else:
                sheet.validations.append(_score_validation(rng, header))
    return sheet


def _score_validation(rng: str, name: str) -> Validation:
    return Validation(
        rng,
        "decimal",
        minimum=0,
        maximum=100,
        prompt_title=name,
        prompt="请填写 0–100 的分数",
        error_title="分数无效",
        error=f"“{name}”须为 0–100 之间的数字",
    )


@dataclass
class _Choices:
    """What the template's dropdowns offer, from the model and schemes in use."""

    fw: Framework
    schemes: dict[str, Scheme]
    cert_grades: list[str]
    appraisal: list[str]


def _number_check(spec: FieldSpec, rng: str, ctx: _Choices) -> Validation | None:
    name, low, high = spec.header, spec.low or 0, spec.high or 100
    return Validation(
        rng,
        "decimal",
        minimum=low,
        maximum=high,
        prompt_title=name,
        prompt=f"请填写 {low:g}–{high:g} 的数字",
        error_title="数值无效",
        error=f"“{name}”须为 {low:g}–{high:g} 之间的数字",
    )


def _date_check(spec: FieldSpec, rng: str, ctx: _Choices) -> Validation | None:
    low, high = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
    return Validation(
        rng,
        "date",
        minimum=(low - EXCEL_EPOCH).days,
        maximum=(high - EXCEL_EPOCH).days,
        prompt_title=spec.header,
        prompt="请填写日期，如 2026-01-31",
        error_title="日期无效",
        error=f"“{spec.header}”须为有效日期，如 2026-01-31",
    )


def _list_check(options: Callable[[FieldSpec, _Choices], list[str]]) -> Callable[..., Validation | None]:
    def check(spec: FieldSpec, rng: str, ctx: _Choices) -> Validation | None:
        allowed = options(spec, ctx)
        if not allowed:
            return None
        return Validation(
            rng,
            "list",
            options=allowed,
            prompt_title=spec.header,
            prompt="请从下拉列表选择",
            error_title="取值无效",
            error=f"“{spec.header}”只能填：{'、'.join(allowed)}",
        )

    return check


def _no_check(spec: FieldSpec, rng: str, ctx: _Choices) -> Validation | None:
    return None


# The check a fixed column of each type (FieldSpec.type) gets in the template; a new type is one
# entry here (and one in cmxl/core/engine/intake/fields.py FIELD_READERS).
FIELD_CHECKS: dict[str, Callable[[FieldSpec, str, _Choices], Validation | None]] = {
    "id": _no_check,
    "text": _no_check,
    "score": lambda spec, rng, ctx: _score_validation(rng, spec.header),
    "number": _number_check,
    "date": _date_check,
    "grade": _list_check(lambda spec, ctx: [g.name for g in ctx.fw.grades]),
    "scheme": _list_check(lambda spec, ctx: [s.scheme.category for s in ctx.schemes.values()]),
    "cert_grade": _list_check(lambda spec, ctx: ctx.cert_grades),
    "choice": _list_check(lambda spec, ctx: spec.choices),
    "appraisal": _list_check(lambda spec, ctx: ctx.appraisal),
}


def _all_cert_grades(schemes: dict[str, Scheme]) -> list[str]:
    best = max(schemes.values(), key=lambda s: len(s.grades))
    return list(reversed(best.grade_names))  # 一级 … 五级, as HR lists them


def _appraisal_words(schemes: dict[str, Scheme]) -> list[str]:
    words: list[str] = []
    for s in schemes.values():
        if s.appraisal:
            for w in [*reversed(s.appraisal.order), *s.appraisal.synonyms]:
                if w not in words:
                    words.append(w)
    return words


def guide_steps(fw: Framework, fmt: WorkbookFormat, scheme: Scheme | None) -> list[str]:
    """How to fill the template, in the words of the model and the scheme in use."""
    labels = fmt.labels
    steps = [
        f"每位被测评人员填一行；{labels['employee_id']}按文本填写（保留开头的 0），同一人只填一行。",
        f"能力项可填 0–100 的分数，也可在“××级别”列选择级别（{'/'.join(fw.level_names)}）；"
        "两者都填时分数须落在该级别的分数段内。",
    ]
    with_subitems = [c.name for c in fw.competencies if c.subitems]
    if with_subitems:
        steps.append(f"{'、'.join(with_subitems)}按分项考试成绩填写，系统按本人目标级别的权重加权计算百分制标准分。")
    steps.append(f"{labels['applied']}为空表示本期不参加认证；参加认证的人员须填写申报条件和考试成绩所需的各项。")
    if scheme is not None and scheme.top is not None:
        parts = "、".join(labels.get(k, k) for k in scheme.top.interview_parts)
        how = "的平均" if scheme.top.combine == "mean" else "之和"
        steps.append(
            f"{scheme.scheme.name}{scheme.top.grade}的{labels['interview']}取{parts}{how}，"
            f"并须填写{labels['appraisal']}。"
        )
    steps += [f"“{f.header}”列：{f.note}" for f in fmt.fields if f.note]  # optional columns say so
    steps += [
        "请勿修改表头、合并单元格或插入标题行；可以增加备注列，系统会忽略无法识别的列。",
        "填写完成后可在 Excel 中点击“能力测评 → 校验”，或运行 cmxl validate 检查。",
    ]
    return steps


def _guide(fw: Framework, schemes: dict[str, Scheme], fmt: WorkbookFormat) -> SheetSpec:
    sheet = SheetSpec(GUIDE, tab_color="548235", print_setup=PrintSetup(landscape=False, header=GUIDE))
    sheet.widths = {0: 14.0, 1: 96.0}
    sheet.put(0, 0, f"{fw.framework.name} 测评填写说明", "title")
    sheet.put(1, 0, "模型", "guide_level")
    sheet.put(
        1,
        1,
        f"{fw.framework.name}（{fw.id}，版本 {fw.version}，{fw.framework.effective_date} 起生效）。"
        f"{fw.framework.description}",
        "guide_text",
    )
    row = 3
    sheet.put(row, 0, "填写步骤", "guide_item")
    for n, step in enumerate(guide_steps(fw, fmt, schemes.get(fw.framework.default_scheme)), start=1):
        row += 1
        sheet.put(row, 0, f"{n}.", "guide_level")
        sheet.put(row, 1, step, "guide_text")
    row += 2
    sheet.put(row, 0, "级别定义", "guide_item")
    for lv in fw.levels:
        row += 1
        sheet.put(row, 0, f"{lv.name}（{lv.min:g}–{lv.max:g}分）", "guide_level")
        sheet.put(row, 1, lv.definition, "guide_text")
    for comp in fw.competencies:
        row += 2
        drafted = {
            "drafted": "（本项描述为起草稿，待总部确认）",
            "partly-drafted": "（部分级别描述为起草稿，待总部确认）",
        }
        sheet.put(row, 0, f"{comp.name}（{comp.category}）{drafted.get(comp.text_source, '')}", "guide_item")
        row += 1
        sheet.put(row, 0, "定义", "guide_level")
        sheet.put(row, 1, comp.definition, "guide_text")
        for b in comp.behaviours:
            row += 1
            text = b.headline + "".join(f"\n▶ {line}" for line in b.indicators)
            sheet.put(row, 0, b.level + ("*" if b.drafted else ""), "guide_level")
            sheet.put(row, 1, text, "guide_text")
        if comp.subitems:
            row += 1
            weights = "；".join(
                f"{lv}："
                + "、".join(f"{s} {w:g}%" for s, w in zip(comp.subitems, comp.subitem_weights[lv], strict=True))
                for lv in fw.level_names
            )
            sheet.put(row, 0, "分项与权重", "guide_level")
            sheet.put(row, 1, f"按本人目标级别的权重加权：{weights}", "guide_text")
    sheet.fit_heights([1], line_pt=15, first_row=1)
    return sheet


def _params(fw: Framework, schemes: dict[str, Scheme], fmt: WorkbookFormat) -> SheetSpec:
    sheet = SheetSpec(PARAMS, protected=True, tab_color="7F7F7F", print_setup=PrintSetup(header=PARAMS))
    sheet.widths = {0: 22.0, 1: 16.0, 2: 16.0, 3: 16.0, 4: 16.0, 5: 16.0}
    sheet.put(0, 0, "模型参数（只读；如需调整请由总部修改模型文件）", "title")
    tables = _Tables(sheet, _model_info(sheet, fw))
    _model_tables(tables, fw)
    _scheme_table(tables, schemes, fw, fmt)
    return sheet


def _model_info(sheet: SheetSpec, fw: Framework) -> int:
    """The model's id, name, version, date and hash; returns the row after them."""
    info = [
        ("模型编号", fw.id),
        ("模型名称", fw.framework.name),
        ("版本", fw.version),
        ("生效日期", fw.framework.effective_date.isoformat()),
        ("内容哈希（SHA-256）", fw.content_hash),
    ]
    row = 2
    for label, value in info:
        sheet.put(row, 0, label, "locked_label")
        sheet.put(row, 1, value, "locked_value")
        row += 1
    sheet.merges += [f"B{r + 1}:F{r + 1}" for r in range(2, row)]
    return row


class _Tables:
    """Titled tables down the 模型参数 sheet, one under another from `row`."""

    def __init__(self, sheet: SheetSpec, row: int):
        self.sheet, self.row = sheet, row

    def add(self, title: str, heads: list[str], rows: list[list[object]], wide: bool = False) -> None:
        """A titled table; `wide` lets a (label, text) table's text span columns B–F."""
        sheet = self.sheet
        self.row += 1
        sheet.put(self.row, 0, title, "guide_item")
        self.row += 1
        sheet.put_row(self.row, 0, heads, "head")
        if wide:
            sheet.merges.append(f"B{self.row + 1}:F{self.row + 1}")
        for values in rows:
            self.row += 1
            sheet.put_row(self.row, 0, values, "locked_value")
            if wide:
                sheet.merges.append(f"B{self.row + 1}:F{self.row + 1}")
        self.row += 1


def _model_tables(table: _Tables, fw: Framework) -> None:
    """The rules of the model: level bands, weights, the grades' standards, attainment."""
    table.add(
        "级别与分数段",
        ["级别", "分数下限", "分数上限", "只填级别时计分"],
        [[lv.name, lv.min, lv.max, lv.midpoint] for lv in fw.levels],
    )
    table.add("类别权重（%）", ["类别", "权重"], [[c.name, c.weight] for c in fw.categories])
    table.add(
        "能力项权重（分，合计 100）",
        ["能力项", "类别", "权重", "核心"],
        [
            [c.name, c.category, round(float(w), 4), "是" if c.core else ""]
            for c, w in zip(fw.competencies, fw.item_weights, strict=True)
        ],
    )
    table.add(
        "岗位标准级别",
        ["岗位级别", *fw.category_names, "单项调整"],
        [
            [
                g.name,
                *(g.standards[c] for c in fw.category_names),
                "；".join(f"{k}={v}" for k, v in g.overrides.items()),
            ]
            for g in fw.grades
        ],
    )
    subs = [c for c in fw.competencies if c.subitems]
    if subs:
        table.add(
            "知识分项权重（%）",
            ["能力项/分项", *fw.level_names],
            [
                [f"{c.name}/{s}", *(c.subitem_weights[lv][j] for lv in fw.level_names)]
                for c in subs
                for j, s in enumerate(c.subitems)
            ],
        )
    table.add(
        "达标规则",
        ["规则", "内容"],
        [
            ["达标", "没有低于标准级别的项目"],
            ["基本达标", f"至多 {fw.attainment.max_one_below} 项恰好低一级，且加权总分达到岗位目标级别分数段下限"],
            ["未达标", "其他情况"],
        ],
        wide=True,
    )


def _scheme_table(table: _Tables, schemes: dict[str, Scheme], fw: Framework, fmt: WorkbookFormat) -> None:
    """The rules of the model's default certification scheme: pass lines, 一级's interview and
    appraisal, what each grade requires to apply, how long a certificate is valid."""
    scheme = schemes.get(fw.framework.default_scheme)
    if scheme is not None:
        rules = [["方案", f"{scheme.scheme.name}（{scheme.id} {scheme.scheme.version}）"]]
        if scheme.pass_rules:
            rules.append(
                [
                    "合格线",
                    f"{fmt.labels['written']} ≥ {scheme.pass_rules.written_min:g} 且 "
                    f"{fmt.labels['interview']} ≥ {scheme.pass_rules.interview_min:g}",
                ]
            )
        if scheme.top:
            rules.append(
                [
                    scheme.top.grade,
                    f"{fmt.labels['interview']}取"
                    f"{'、'.join(fmt.labels.get(k, k) for k in scheme.top.interview_parts)}"
                    f"{'的平均' if scheme.top.combine == 'mean' else '之和'}；"
                    f"{fmt.labels['appraisal']}须{scheme.top.appraisal_min}或以上",
                ]
            )
        for g in scheme.grades:
            paths = " 或 ".join(p.label for p in scheme.paths.get(g.name, []))
            notes = "".join(f"；{note}" for note in grade_notes(scheme, g.name))  # its conditions' (标准学时 …)
            rules.append([f"{g.name}申报条件", paths + notes])
        rules.append(["证书有效期", f"{scheme.scheme.validity_years} 年"])
        table.add("认证规则", ["项目", "内容"], rules, wide=True)
