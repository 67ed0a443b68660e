"""Where a change goes: each of these is one place in the code or the data.

- a new input column: one entry in the workbook format (TOML) reaches intake, the template,
  certification and the summary;
- a new kind of certification scheme: its name in SCHEME_KINDS and its evaluator in EVALUATORS;
- a new result sheet: one builder and one entry in RESULT_SHEETS;
- field types: one reader, one template check, one name in FIELD_TYPES."""

from __future__ import annotations

import copy
import datetime as dt
import typing

from cmxl.core.cellref import column_letter
from cmxl.core.engine import certification
from cmxl.core.engine.assessment import assess
from cmxl.core.engine.intake import FIELD_READERS
from cmxl.core.layout import results
from cmxl.core.layout.results import build_in_workbook, build_results
from cmxl.core.layout.spec import SheetSpec
from cmxl.core.layout.template import FIELD_CHECKS, build_template
from cmxl.core.model.loading import catalogue
from cmxl.core.model.schemes import SCHEME_KINDS, Part, Scheme
from cmxl.core.model.workbook_format import FIELD_TYPES, FieldSpec, WorkbookFormat
from tests.conftest import AS_OF, grid, person


def netopt_applicant(**values) -> dict:
    return person(
        认证类别="网优技术",
        申报认证等级="五级",
        理论成绩=80,
        理论通过日期=dt.date(2026, 3, 1),
        实操成绩=75,
        实操通过日期=dt.date(2026, 5, 1),
        **values,
    )


def test_a_new_input_column_is_one_toml_entry(monkeypatch):
    cat = copy.copy(catalogue())
    fmt = cat.workbook_format.model_dump()
    fmt["fields"].append({"key": "safety", "header": "安全规范成绩", "aliases": ["安规成绩"], "type": "score"})
    cat.workbook_format = WorkbookFormat.model_validate(fmt)
    # a scheme that uses the new column (HQ's own scheme file would say this in TOML)
    netopt = cat.schemes["netopt-cert"]
    extra = Part(key="safety", name="安全规范认证", score_field="safety", date_field="theory_date", min=60)
    cat.schemes = {**cat.schemes, "netopt-cert": netopt.model_copy(update={"parts": [*netopt.parts, extra]})}
    fw = cat.framework()

    people = [netopt_applicant(pid="0001", 安规成绩=50), netopt_applicant(pid="0002", name="李四", 安规成绩="八十")]
    a = assess(grid(people), fw, cat, AS_OF)
    # intake: read under an alias, typed as a score; a bad value is an issue naming the column
    assert a.intake.people["safety"][0] == 50.0
    assert [(i.cell, i.code, i.field) for i in a.report.issues if i.field == "安全规范成绩"] == [
        ("AC3", "value-not-number", "安全规范成绩")  # the 29th column (4 fixed, 18 items, 6 for 网优, then it), row 3
    ]
    # certification: the new part decides, and its reason uses the column's header
    first = a.people[0]
    assert first.status == "未通过"
    assert [(r.field, r.message) for r in first.reasons] == [
        ("安全规范成绩", "安全规范认证成绩 50 分，低于合格线 60 分")
    ]
    # the summary shows that reason
    summary = build_results(a, grid(people), source="t.xlsx", sha256="", tool_version="t", created="c").sheet("汇总")
    assert "安全规范认证成绩 50 分，低于合格线 60 分" in {c.value for _, c in summary.iter_cells()}
    # the template has the column, with a 0–100 check
    data = build_template(fw, cat.schemes, cat.workbook_format).sheet("测评数据")
    col = next(c for (r, c), cell in data.iter_cells() if r == 0 and cell.value == "安全规范成绩")
    check = next(v for v in data.validations if v.range.startswith(f"{column_letter(col)}2:"))
    assert (check.kind, check.minimum, check.maximum) == ("decimal", 0, 100)


def test_a_new_certification_kind_is_one_evaluator(monkeypatch):
    assert set(certification.EVALUATORS) == set(SCHEME_KINDS)

    def oral(scheme, case, as_of):
        return certification.CertResult(status="通过", scheme_id=scheme.id, grade=str(case.get("applied")))

    monkeypatch.setitem(certification.EVALUATORS, "exam", oral)  # a kind's behaviour is its evaluator alone
    cat = catalogue()
    a = assess(grid([person(申报认证等级="四级", 笔试成绩=10, 面试成绩=10)]), cat.framework(), cat, AS_OF)
    assert a.people[0].status == "通过" and a.people[0].reasons == []


def test_a_new_result_sheet_is_one_builder(monkeypatch):
    def notes(a, ctx):
        sheet = SheetSpec("备注")
        sheet.put(0, 0, f"{ctx.source}：{a.size} 人")
        return sheet

    monkeypatch.setattr(results, "RESULT_SHEETS", [*results.RESULT_SHEETS, notes])
    cat = catalogue()
    g = grid([person()])
    a = assess(g, cat.framework(), cat, AS_OF)
    in_file = build_results(a, g, source="t.xlsx", sha256="", tool_version="t", created="c")
    in_excel = build_in_workbook(a, source="t.xlsx", tool_version="t", created="c")
    for spec in (in_file, in_excel):
        assert spec.sheet("备注").cell(0, 0).value == "t.xlsx：1 人"


def test_field_types_have_a_reader_and_a_template_check():
    assert set(FIELD_READERS) == set(FIELD_CHECKS) == set(FIELD_TYPES)
    assert typing.get_args(FieldSpec.model_fields["type"].annotation) == FIELD_TYPES
    assert typing.get_args(Scheme.model_fields["scheme"].annotation.model_fields["kind"].annotation) == SCHEME_KINDS
