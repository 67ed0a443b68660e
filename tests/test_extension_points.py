"""Where a change goes: each of these is one place in the code or the data.

- a new input column: one entry in the workbook format (TOML) reaches intake, the template,
  certification and the summary;
- a new kind of certification scheme: its name in SCHEME_KINDS and its evaluator in EVALUATORS;
- a new eligibility condition: one entry in CONDITIONS (cmxl/core/model/eligibility.py) is the
  scheme files' key, its judgement with its reasons, the template's note and CMXL_CERT's argument;
- a new result sheet: one builder and one entry in RESULT_SHEETS;
- field types: one reader, one template check, one name in FIELD_TYPES."""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import runpy
import tomllib
import typing
from pathlib import Path

import pytest

from cmxl.addin.udfs import CMXL_CERT
from cmxl.core.cellref import column_letter
from cmxl.core.engine import certification, single
from cmxl.core.engine.assessment import assess
from cmxl.core.engine.intake import FIELD_READERS
from cmxl.core.errors import FrameworkInvalid
from cmxl.core.layout import results
from cmxl.core.layout.results import build_in_workbook, build_results
from cmxl.core.layout.spec import SheetSpec
from cmxl.core.layout.template import FIELD_CHECKS, build_template
from cmxl.core.model.base import NonNegative
from cmxl.core.model.eligibility import CONDITIONS, Condition, condition_fields
from cmxl.core.model.loading import catalogue, shipped_files
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


def test_a_new_eligibility_condition_is_one_entry(monkeypatch):
    """近 12 个月培训学时: the condition is one Condition; the column and the scheme's use of it are
    data (HQ's workbook format and scheme files would say them in TOML)."""
    recent = Condition(
        "min_training_hours_12m",
        NonNegative | None,
        "近 12 个月培训学时下限（含）。",
        ("training_hours_12m",),
        lambda hours, check: check.at_least("training_hours_12m", hours, "学时"),
        note=lambda hours, scheme, grade: f"近 12 个月培训学时不少于 {hours:g}",
    )
    data = tomllib.loads(next(p for p in shipped_files() if p.name == "cert-cm.toml").read_text(encoding="utf-8"))
    data["eligibility"][0]["paths"][0]["min_training_hours_12m"] = 12  # 四级, path 完成四级培训课程
    with pytest.raises(FrameworkInvalid) as unknown:  # before the entry, a scheme file may not name it
        Scheme.from_data(data, "cert-cm.toml")
    assert [i.field for i in unknown.value.issues] == ["eligibility[0].paths[0].min_training_hours_12m"]
    monkeypatch.setitem(CONDITIONS, recent.key, recent)
    scheme = Scheme.from_data(data, "cert-cm.toml")  # with it, it may
    cat = catalogue()
    fmt = cat.workbook_format.model_dump()
    fmt["fields"].append({"key": "training_hours_12m", "header": "近12个月培训学时", "type": "number", "high": 2000})
    monkeypatch.setattr(cat, "workbook_format", WorkbookFormat.model_validate(fmt))
    monkeypatch.setattr(cat, "schemes", {**cat.schemes, scheme.id: scheme})
    fw = cat.framework()

    applicant = {"申报认证等级": "四级", "笔试成绩": 70, "面试成绩": 70, "培训学时": 30, "试用期考核": "不合格"}
    people = [
        person(pid="0001", 近12个月培训学时=8, **applicant),
        person(pid="0002", name="李四", 近12个月培训学时=12, **applicant),  # 12 reaches 12
        person(pid="0003", name="王五", **applicant),
    ]
    a = assess(grid(people), fw, cat, AS_OF)
    # judged with the other conditions of its path; its reason uses the column's header
    assert [p.status for p in a.people] == ["不符合申报条件", "通过", "资料不全"]
    assert [(r.rule, r.field, r.value, r.required) for r in a.people[0].reasons] == [
        ("申报条件：完成四级培训课程", "近12个月培训学时", "8", "近12个月培训学时 ≥ 12学时"),
        ("申报条件：上岗实习考核合格", "试用期考核", "不合格", "试用期考核合格"),
    ]
    assert (
        a.people[0].reasons_text
        == "完成四级培训课程：近12个月培训学时 8 学时，未达到 12 学时；上岗实习考核合格：试用期考核为“不合格”"
    )
    assert a.people[2].certification.missing == ["training_hours_12m"]
    assert a.people[2].reasons[0].message == "近12个月培训学时为空，无法判断“近12个月培训学时 ≥ 12学时”"
    # the template's 认证规则 says what it adds to the grade
    params = build_template(fw, cat.schemes, cat.workbook_format).sheet("模型参数")
    cells = {at: cell.value for at, cell in params.iter_cells()}
    rules = {cells[(r, c)]: cells.get((r, 1)) for r, c in cells if c == 0}
    assert rules["四级申报条件"] == "完成四级培训课程 或 上岗实习考核合格；标准学时 30；近 12 个月培训学时不少于 12"
    # the worksheet function's argument for its fact, and its answer
    assert single.condition_argument_docs()["training_hours_12m"] == "可选：近12个月培训学时"
    arguments = {"grade": "四级", "written": 70, "interview": 70, "training_hours": 30, "probation": "不合格"}
    facts = {**single.cert_facts(arguments), "training_hours_12m": 8}
    assert single.certification(facts, as_of=AS_OF) == f"不符合申报条件：{a.people[0].reasons_text}"
    # the rules files' reference lists its key
    reference = runpy.run_path(str(Path(__file__).resolve().parents[1] / "tools" / "gen_docs.py"))[
        "render_toml_reference"
    ]()
    assert "| `min_training_hours_12m` | 数字 |  | 可省略 | 近 12 个月培训学时下限（含）。 |" in reference


def test_every_condition_fact_is_an_argument_of_cmxl_cert():
    """Excel passes CMXL_CERT's arguments by position, so its parameters are written out; each field
    a condition reads must be one of them, named after the field (a new one goes at the end)."""
    parameters = list(inspect.signature(CMXL_CERT).parameters)
    assert set(condition_fields()) <= set(parameters)


def test_a_new_framework_is_one_file(tmp_path):
    """docs/architecture.md, "how to add a framework": a copy of cm18.toml with its own id and
    version, one weight changed, is checked, scored with and compared — no code touched."""
    from typer.testing import CliRunner

    from cmxl.cli import app

    text = (Path(__file__).resolve().parents[1] / "cmxl" / "frameworks" / "cm18.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert 'id = "cm18"' in text and data["categories"][0]["weight"] == 30
    text = text.replace('id = "cm18"', 'id = "cm18-2027"', 1).replace('version = "1.0"', 'version = "2027"', 1)
    weights = {c["name"]: c["weight"] for c in data["categories"]}
    first, second = list(weights)[:2]
    text = text.replace(f"weight = {weights[first]}", f"weight = {weights[first] + 5}", 1)
    text = text.replace(f"weight = {weights[second]}", f"weight = {weights[second] - 5}", 1)
    model = tmp_path / "总部模型2027.toml"
    model.write_text(text, encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(app, ["frameworks", "--check", str(model)])
    assert checked.exit_code == 0 and "cm18-2027" in checked.output
    book = Path(__file__).resolve().parents[1] / "workbooks" / "江苏_2026.xlsx"
    scored = runner.invoke(app, ["score", str(book), "--framework", str(model), "-o", str(tmp_path / "r.xlsx")])
    assert scored.exit_code == 0 and (tmp_path / "r.xlsx").exists()
    compared = runner.invoke(app, ["compare", str(book), "--new", str(model)])
    assert compared.exit_code == 0 and first in compared.output


def test_a_new_command_is_one_module():
    """docs/architecture.md, "how to add a command": a function of cmxl.api, a command that makes
    one call() of it and prints, registered on the app: Chinese help, the API's answer, exit 0."""
    import typer
    from typer.testing import CliRunner

    from cmxl import api
    from cmxl.cli.common import call, command, err, new_app

    app = new_app("测试")

    def models(debug: bool = False) -> None:
        """列出能力模型的编号。"""
        for info in call(api.frameworks, debug=debug):
            err.print(info.id)
        raise typer.Exit(0)

    command(app, "models")(models)

    @command(app, "noop")
    def noop() -> None:
        """什么也不做。"""

    runner = CliRunner()
    shown = runner.invoke(app, ["models", "--help"])
    assert shown.exit_code == 0 and "列出能力模型的编号" in shown.output and "用法" in shown.output
    listed = runner.invoke(app, ["models"])
    assert listed.exit_code == 0 and "cm18" in listed.output and "cm11" in listed.output
