"""cmxl template: a blank workbook a region can fill without a manual, which the reader accepts."""

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from cmxl.cli import app
from cmxl.core.model.loading import catalogue

runner = CliRunner()


def make(tmp_path, *args):
    out = tmp_path / "模板.xlsx"
    r = runner.invoke(app, ["template", "-o", str(out), *map(str, args)])
    assert r.exit_code == 0, r.output
    return out


def validations(ws):
    found = {}
    for dv in ws.data_validations.dataValidation:
        col = str(dv.sqref).split(":")[0].rstrip("0123456789")
        found[ws[f"{col}1"].value] = dv
    return found


def test_data_sheet_headers_dropdowns_and_checks(tmp_path):
    wb = openpyxl.load_workbook(make(tmp_path))
    assert wb.sheetnames == ["测评数据", "填写说明", "模型参数"]
    ws = wb["测评数据"]
    assert ws.freeze_panes == "C2"
    dv = validations(ws)
    assert (
        dv["现岗位级别"].type == "list"
        and dv["现岗位级别"].formula1 == '"初级客户经理,中级客户经理,高级客户经理,资深客户经理"'
    )
    assert dv["成就导向级别"].formula1 == '"初级,中级,高级,资深"'
    assert dv["试用期考核"].formula1 == '"合格,不合格"'
    assert "称职" in dv["年度业绩考核"].formula1 and "优秀" in dv["年度业绩考核"].formula1
    for name in ("成就导向", "电信行业概况", "笔试成绩", "模拟实战"):
        assert (dv[name].type, dv[name].formula1, dv[name].formula2) == ("decimal", "0", "100"), name
        assert dv[name].showErrorMessage and "0–100" in dv[name].error and dv[name].prompt
    assert dv["本岗位连续年限"].type == "decimal" and dv["证书取得日期"].type == "date"
    assert ws["A2"].number_format == "@"  # ids stay text, leading zeros kept


def test_guide_has_every_behaviour_description(tmp_path):
    wb = openpyxl.load_workbook(make(tmp_path))
    text = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    fw = catalogue().framework("cm18")
    for comp in fw.competencies:
        assert comp.definition in text
        for b in comp.behaviours:
            assert b.headline in text and all(line in text for line in b.indicators)
    assert "起草稿" in text  # drafted texts are marked as such


def test_parameters_sheet_is_read_only_and_identifies_the_model(tmp_path):
    ws = openpyxl.load_workbook(make(tmp_path))["模型参数"]
    assert ws.protection.sheet
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    fw = catalogue().framework("cm18")
    assert fw.content_hash in values and fw.id in values
    assert "笔试成绩 ≥ 60 且 面试成绩 ≥ 60" in values


def test_a_filled_template_validates_and_scores(tmp_path):
    path = make(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["测评数据"]
    head = {c.value: c.column for c in ws[1]}
    row = {
        "员工编号": "000123",
        "姓名": "张三",
        "单位": "南京分公司",
        "现岗位级别": "中级客户经理",
        "认证类别": "客户经理",
        "申报认证等级": "四级",
        "培训学时": 30,
        "笔试成绩": 72,
        "面试成绩": 66,
    }
    fw = catalogue().framework("cm18")
    for comp in fw.competencies:
        for name in comp.subitems or [comp.name]:
            row[name] = 55
    for name, value in row.items():
        ws.cell(2, head[name], value)
    wb.save(path)
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 0 and "没有发现问题" in r.output, r.output
    r = runner.invoke(app, ["score", "--json", "-o", str(tmp_path / "o.xlsx"), str(path)])
    person = __import__("json").loads(r.stdout)[0]
    assert (person["employee_id"], person["total"], person["certification"]["status"]) == ("000123", 55.0, "通过")


def test_framework_b_template(tmp_path):
    ws = openpyxl.load_workbook(make(tmp_path, "--framework", "cm11"))["测评数据"]
    headers = [c.value for c in ws[1]]
    assert "挖掘需求与发现商机" in headers and "成就导向" not in headers


def test_existing_file_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "模板.xlsx"
    out.write_bytes(b"mine")
    r = runner.invoke(app, ["template", "-o", str(out)])
    assert r.exit_code == 1 and "已存在" in r.output and out.read_bytes() == b"mine"
    assert runner.invoke(app, ["template", "-o", str(out), "--force"]).exit_code == 0


def test_the_guide_speaks_of_the_model_and_scheme_in_use():
    from cmxl.core.layout.template import guide_steps
    from cmxl.core.model.loading import catalogue

    cat = catalogue()
    cm18, cm11, scheme = cat.framework("cm18"), cat.framework("cm11"), cat.schemes["cm-cert"]
    text18 = "\n".join(guide_steps(cm18, cat.workbook_format, scheme))
    text11 = "\n".join(guide_steps(cm11, cat.workbook_format, scheme))
    assert "通用基础知识、专业基础知识按分项考试成绩填写" in text18
    assert "通用基础知识" not in text11 and "分项" not in text11  # cm11 has no knowledge sub-items
    assert "一级的面试成绩取模拟实战、营销实战的平均" in text18
    summed = scheme.model_copy(update={"top": scheme.top.model_copy(update={"combine": "sum"})})
    assert "一级的面试成绩取模拟实战、营销实战之和" in "\n".join(guide_steps(cm18, cat.workbook_format, summed))


def test_hints_list_the_levels_of_the_model_in_use(tmp_path):
    from cmxl.core.engine.assessment import assess
    from cmxl.core.model.loading import catalogue, load_file
    from tests.conftest import AS_OF, grid, person

    root = Path(__file__).resolve().parents[1]
    renamed = tmp_path / "专家模型.toml"
    text = (root / "cmxl" / "frameworks" / "cm18.toml").read_text(encoding="utf-8")
    renamed.write_text(text.replace('id = "cm18"', 'id = "cm18x"').replace("资深", "专家"), encoding="utf-8")
    fw = load_file(renamed)
    cat = catalogue()
    a = assess(grid([person(成就导向="很好", 抗挫能力="")]), fw, cat, AS_OF)
    hints = {i.code: i.hint for i in a.report.issues}
    assert hints["score-not-number"] == "请填写 0–100 的分数或级别名称（初级/中级/高级/专家）"
    assert hints["score-missing"] == "请填写 0–100 的分数或级别名称（初级/中级/高级/专家）"
