"""HQ's rules files that would mean something else than they say are refused: spellings that
clash, a certificate grade's level the model does not have, names with spaces or invisible
characters, values of the wrong type, a shipped id and version with other content, ids unfit for
file names; and a file saved with a BOM is read. Each through `cmxl frameworks --check` (exit 1,
one Chinese line naming the key) and through loading."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cmxl.cli import app
from cmxl.core.errors import CmxlError, FrameworkInvalid
from cmxl.core.model.loading import catalogue, load_file
from cmxl.core.model.workbook_format import WorkbookFormat
from cmxl.pipeline import rules

FW_DIR = Path(__file__).resolve().parents[1] / "cmxl" / "frameworks"
runner = CliRunner()


def hq_file(tmp_path: Path, shipped: str, *changes: tuple[str, str], name: str = "总部.toml") -> Path:
    """A shipped file with each (old, new) replaced once (old must be there)."""
    text = (FW_DIR / shipped).read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


NEW_MODEL = ('version = "1.0"', 'version = "2027"')  # HQ's own version: not the shipped content
NEW_SCHEME = ('version = "1.0"', 'version = "2027"')


def check(path: Path, *options: str) -> tuple[int, list[str]]:
    """`cmxl frameworks --check`: exit code and the problem lines (without the heading)."""
    r = runner.invoke(app, ["frameworks", "--check", str(path), *options])
    return r.exit_code, [line.strip() for line in r.output.splitlines() if line.startswith("  ")]


def refused(path: Path) -> list[tuple[str, str]]:
    """Loading the file for scoring: every problem as (TOML key, text)."""
    with pytest.raises(FrameworkInvalid) as e:
        load_file(path)
    return [(i.field, i.value) for i in e.value.issues]


# ----- one spelling, two meanings ---------------------------------------------------------------


def test_scheme_grade_alias_that_is_another_grades_name_is_refused(tmp_path):
    """The audit's case: 三级 also spelled 四级 certified 四级 applicants at 三级."""
    hq = hq_file(
        tmp_path,
        "cert-cm.toml",
        NEW_SCHEME,
        ('aliases = ["3级", "三级(中级)"]', 'aliases = ["3级", "三级(中级)", "四级"]'),
    )
    line = "“四级”已是认证等级“四级”的名称（grades[0].name），同一写法不能指两处：请删除或改写认证等级“三级”的别名"
    assert check(hq) == (1, [f"grades[1].aliases[2]：{line}"])
    assert refused(hq) == [("grades[1].aliases[2]", line)]


def test_scheme_grade_alias_shared_by_two_grades_is_refused(tmp_path):
    hq = hq_file(
        tmp_path,
        "cert-cm.toml",
        NEW_SCHEME,
        ('aliases = ["2级", "二级(高级)"]', 'aliases = ["2级", "二级(高级)", "3级"]'),
    )
    line = "“3级”已是认证等级“三级”的别名（grades[1].aliases[0]），同一写法不能指两处：请删除或改写认证等级“二级”的别名"
    assert check(hq) == (1, [f"grades[2].aliases[2]：{line}"])
    assert refused(hq) == [("grades[2].aliases[2]", line)]


def test_alias_repeated_within_a_grade_is_refused_as_a_cell_compares_it(tmp_path):
    """Full-width ３级 is the same cell value as 3级 (a workbook folds full-width forms)."""
    hq = hq_file(
        tmp_path,
        "cert-cm.toml",
        NEW_SCHEME,
        ('aliases = ["3级", "三级(中级)"]', 'aliases = ["3级", "三级(中级)", "３级"]'),
    )
    line = "“３级”与认证等级“三级”的别名（grades[1].aliases[0]）重复，请删除"
    assert check(hq) == (1, [f"grades[1].aliases[2]：{line}"])
    assert refused(hq) == [("grades[1].aliases[2]", line)]


def test_level_alias_that_is_another_levels_name_is_refused(tmp_path):
    hq = hq_file(
        tmp_path, "cm18.toml", NEW_MODEL, ('name = "初级"\nmin = 0', 'name = "初级"\naliases = ["中级"]\nmin = 0')
    )
    line = "“中级”已是级别“中级”的名称（levels[1].name），同一写法不能指两处：请删除或改写级别“初级”的别名"
    assert check(hq) == (1, [f"levels[0].aliases[0]：{line}"])
    assert refused(hq) == [("levels[0].aliases[0]", line)]


def test_job_grade_alias_that_is_another_grades_name_is_refused(tmp_path):
    hq = hq_file(
        tmp_path,
        "cm18.toml",
        NEW_MODEL,
        ('name = "中级客户经理"\n', 'name = "中级客户经理"\naliases = ["高级客户经理"]\n'),
    )
    line = "“高级客户经理”已是岗位级别“高级客户经理”的名称（grades[2].name），同一写法不能指两处：请删除或改写岗位级别“中级客户经理”的别名"
    assert check(hq) == (1, [f"grades[1].aliases[0]：{line}"])
    assert refused(hq) == [("grades[1].aliases[0]", line)]


def test_competency_named_as_a_fixed_column_is_refused(tmp_path):
    """A competency headed 工号 would take the 员工编号 column's place."""
    hq = hq_file(tmp_path, "cm18.toml", NEW_MODEL, ('name = "成就导向"', 'name = "工号"'))
    line = (
        "“工号”已是列“员工编号”的别名（workbook-format.toml 的 fields[0].aliases[0]），"
        "同一写法不能指两处：请删除或改写能力项“工号”的列名"
    )
    assert check(hq) == (1, [f"competencies[0].name：{line}"])
    assert refused(hq) == [("competencies[0].name", line)]


def test_workbook_format_column_alias_that_is_another_columns_header_is_refused():
    data = tomllib.loads((FW_DIR / "workbook-format.toml").read_text(encoding="utf-8"))
    assert data["fields"][3]["header"] == "单位" and data["fields"][4]["header"] == "部门"
    data["fields"][3]["aliases"].append("部门")
    with pytest.raises(FrameworkInvalid) as e:
        WorkbookFormat.from_data(data, "workbook-format.toml")
    assert [(i.field, i.value) for i in e.value.issues] == [
        (
            "fields[3].aliases[5]",
            "“部门”已是列“部门”的列名（fields[4].header），同一写法不能指两处：请删除或改写列“单位”的别名",
        )
    ]


def test_appraisal_synonym_that_is_itself_a_result_is_refused(tmp_path):
    """良好 = 优秀 would read every 良好 as 优秀."""
    hq = hq_file(tmp_path, "cert-cm.toml", NEW_SCHEME, ('synonyms = { "称职"', 'synonyms = { "良好" = "优秀", "称职"'))
    line = "“良好”已是考核等级“良好”（appraisal.order[2]），同一写法不能指两处：请删除或改写同义写法“良好”"
    assert check(hq) == (1, [f"appraisal.synonyms.良好：{line}"])
    assert refused(hq) == [("appraisal.synonyms.良好", line)]


def test_scheme_category_alias_of_another_scheme_is_refused(tmp_path):
    """A 认证类别 of 网优 would pick cm-cert or netopt-cert depending on the order read."""
    hq = hq_file(tmp_path, "cert-cm.toml", NEW_SCHEME, ('"客户经理认证"]', '"客户经理认证", "网优"]'))
    line = (
        "“网优”已是认证方案 netopt-cert 的认证类别别名（cert-netopt.toml 的 scheme.aliases[1]），"
        "同一写法不能指两处：请删除或改写认证方案 cm-cert 的认证类别别名"
    )
    assert check(hq) == (1, [f"scheme.aliases[3]：{line}"])
    assert refused(hq) == [("scheme.aliases[3]", line)]


def test_every_clash_is_listed_at_once(tmp_path):
    hq = hq_file(
        tmp_path,
        "cm18.toml",
        ('name = "初级"\nmin = 0', 'name = "初级"\naliases = ["中级"]\nmin = 0'),
        ('name = "成就导向"', 'name = "工号"'),
        ("weight = 30\n", "weight = 35\n"),
        ("weight = 45\n", "weight = 40\n"),
    )
    code, lines = check(hq)
    assert code == 1 and [line.split("：")[0] for line in lines] == [
        "levels[0].aliases[0]",
        "framework.version",
        "competencies[0].name",
    ]


# ----- a certificate grade's level the model does not have ------------------------------------


def test_certificate_grade_level_not_a_level_of_the_framework_is_refused(tmp_path):
    """三级 applicants without 现岗位级别 had no standard profile, silently."""
    hq = hq_file(tmp_path, "cert-cm.toml", NEW_SCHEME, ('level = "中级"', 'level = "中等"'))
    line = "认证等级“三级”对应的级别“中等”不是能力模型 cm18 的级别（初级、中级、高级、资深），请改为其中之一"
    assert check(hq) == (1, [f"grades[1].level：{line}"])
    assert check(hq, "--framework", "cm11") == (1, [f"grades[1].level：{line.replace('cm18', 'cm11')}"])
    with pytest.raises(FrameworkInvalid) as e:
        rules(None, [hq])  # what validate, score, bulk and compare load
    assert [(i.field, i.value) for i in e.value.issues] == [("grades[1].level", line)]
    assert str(hq) in e.value.message


# ----- names that no header or cell typed by hand can match ------------------------------------


def test_competency_name_with_a_trailing_space_is_refused(tmp_path):
    hq = hq_file(tmp_path, "cm18.toml", NEW_MODEL, ('name = "成就导向"', 'name = "成就导向 "'))
    assert check(hq) == (1, ["competencies[0].name：“成就导向”末尾有空格，请删除"])
    assert refused(hq) == [("competencies[0].name", "“成就导向”末尾有空格，请删除")]


def test_invisible_characters_in_model_names_are_refused_naming_each_key(tmp_path):
    hq = hq_file(
        tmp_path,
        "cm18.toml",
        NEW_MODEL,
        ('name = "基本能力"', 'name = "\u3000基本能力"'),
        ('name = "初级"\nmin = 0', 'name = "初级"\naliases = ["初\u00a0级"]\nmin = 0'),
        ('standards = { "基本能力" = "初级"', 'standards = { "\ufeff基本能力" = "初级"'),
        ('"企业概况"', '"企业概况\u200b"'),
    )
    copied = "请删除（从网页或 Word 复制的文字常带有这类字符）"
    expected = [
        ("levels[0].aliases[0]", f"“初级”含不可见字符（不间断空格 U+00A0），{copied}"),
        ("categories[0].name", "“基本能力”开头有全角空格 U+3000，请删除"),
        ("grades[0].standards", f"键“基本能力”含不可见字符（字节顺序标记 BOM U+FEFF），{copied}"),
        ("competencies[8].subitems[1]", f"“企业概况”含不可见字符（零宽空格 U+200B），{copied}"),
    ]
    assert check(hq) == (1, [f"{k}：{v}" for k, v in expected])
    assert refused(hq) == expected


def test_invisible_characters_in_scheme_names_are_refused(tmp_path):
    hq = hq_file(
        tmp_path,
        "cert-cm.toml",
        NEW_SCHEME,
        ('aliases = ["4级"', 'aliases = ["4级\u2060"'),
        ('order = ["不合格", "合格", "良好"', 'order = ["不合格", "合格", "良好\u200d"'),
    )
    copied = "请删除（从网页或 Word 复制的文字常带有这类字符）"
    expected = [
        ("grades[0].aliases[0]", f"“4级”含不可见字符（字连接符 U+2060），{copied}"),
        ("appraisal.order[2]", f"“良好”含不可见字符（零宽连接符 U+200D），{copied}"),
    ]
    assert check(hq) == (1, [f"{k}：{v}" for k, v in expected])
    assert refused(hq) == expected


# ----- values of the wrong type are not coerced -------------------------------------------------


def test_quoted_numbers_and_booleans_are_not_read_as_numbers(tmp_path):
    hq = hq_file(
        tmp_path,
        "cm18.toml",
        NEW_MODEL,
        ("weight = 30\n", 'weight = "30"\n'),
        ("weight = 45\n", "weight = true\n"),
        ("max_one_below = 3", 'max_one_below = "3"'),
    )
    expected = [
        ("categories[0].weight", '应为数字，不加引号（写 30，不写 "30"）'),
        ("categories[1].weight", "应为数字，不能是 true 或 false"),
        ("attainment.max_one_below", '应为整数，不加引号（写 2，不写 "2"）'),
    ]
    assert check(hq) == (1, [f"{k}：{v}" for k, v in expected])
    assert refused(hq) == expected


def test_scheme_values_of_the_wrong_type_are_not_coerced(tmp_path):
    hq = hq_file(
        tmp_path,
        "cert-cm.toml",
        ('version = "1.0"', "version = 2027"),
        ('certificate_prefix = "KH"', 'certificate_prefix = "KH"\nhold_must_be_valid = "true"'),
        ("written_min = 60", "written_min = false"),
    )
    expected = [
        ("scheme.version", '应为文字，请加引号（如 "1"）'),
        ("scheme.hold_must_be_valid", "应为 true 或 false，不加引号"),
        ("pass.written_min", "应为数字，不能是 true 或 false"),
    ]
    assert check(hq) == (1, [f"{k}：{v}" for k, v in expected])
    assert refused(hq) == expected


# ----- a shipped id and version stands for the shipped content ---------------------------------


def test_shipped_model_id_and_version_with_other_content_is_refused(tmp_path):
    hq = hq_file(tmp_path, "cm18.toml", ("weight = 30\n", "weight = 35\n"), ("weight = 45\n", "weight = 40\n"))
    line = "编号 cm18 版本 1.0 已是内置模型，但内容不同；请修改版本号"
    assert check(hq) == (1, [f"framework.version：{line}"])
    with pytest.raises(FrameworkInvalid) as e:
        catalogue().framework(str(hq))  # what --framework loads
    assert [(i.field, i.value) for i in e.value.issues] == [("framework.version", line)]


def test_shipped_scheme_id_and_version_with_other_content_is_refused(tmp_path):
    hq = hq_file(tmp_path, "cert-cm.toml", ("written_min = 60", "written_min = 65"))
    line = "编号 cm-cert 版本 1.0 已是内置认证方案，但内容不同；请修改版本号"
    assert check(hq) == (1, [f"scheme.version：{line}"])
    with pytest.raises(FrameworkInvalid) as e:
        rules(None, [hq])
    assert [(i.field, i.value) for i in e.value.issues] == [("scheme.version", line)]


# ----- ids become parts of file names and ledger keys -------------------------------------------


@pytest.mark.parametrize("bad", ["../../x", "hq/2027", "hq\\\\2027", ".hq", "hq 2027", "总部模型"])
def test_ids_unfit_for_a_file_name_are_refused(tmp_path, bad):
    hq = hq_file(tmp_path, "cm18.toml", NEW_MODEL, ('id = "cm18"', f'id = "{bad}"'))
    shown = bad.replace("\\\\", "\\")
    line = (
        f"编号“{shown}”不可用：编号会成为文件名和台账中的键，只能用英文字母、数字和 - _ .，"
        "以字母或数字开头，最长 64 个字符（如 cm18-hq）"
    )
    assert check(hq) == (1, [f"framework.id：{line}"])
    assert refused(hq) == [("framework.id", line)]


def test_scheme_id_unfit_for_a_file_name_is_refused(tmp_path):
    hq = hq_file(tmp_path, "cert-cm.toml", ('id = "cm-cert"', 'id = "../cm-cert"'))
    code, lines = check(hq)
    assert code == 1 and lines[0].startswith("scheme.id：编号“../cm-cert”不可用")


# ----- Windows Notepad's UTF-8 ---------------------------------------------------------------


def test_toml_saved_with_a_bom_is_read(tmp_path):
    hq = tmp_path / "记事本.toml"
    hq.write_bytes(b"\xef\xbb\xbf" + (FW_DIR / "cm18.toml").read_bytes())
    r = runner.invoke(app, ["frameworks", "--check", str(hq)])
    assert r.exit_code == 0 and "没有问题：cm18 版本 1.0" in r.output
    assert load_file(hq).content_hash == catalogue().framework("cm18").content_hash


# ----- what the outside audit of this wave found: HQ files that combine into another meaning -------


def renamed_levels(tmp_path: Path, name: str = "入门模型.toml") -> Path:
    """cm18 with its level 初级 renamed 入门 everywhere in the model."""
    text = (FW_DIR / "cm18.toml").read_text(encoding="utf-8").replace('"初级"', '"入门"')
    text = text.replace('id = "cm18"', 'id = "cm18-hq"', 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_framework_whose_levels_the_shipped_schemes_do_not_name_is_refused_unless_hq_gives_its_own(tmp_path):
    fw = renamed_levels(tmp_path)
    code, lines = check(fw)
    assert code == 1 and any(
        line.startswith(
            "cm-cert.grades.level：内置认证方案 cm-cert（cert-cm.toml）的认证等级对应的级别（初级、中级、高级、资深）"
            "不全是能力模型 cm18-hq 的级别（入门、中级、高级、资深）"
        )
        for line in lines
    )
    with pytest.raises(FrameworkInvalid):
        rules(str(fw))  # scoring does not compute it another way
    schemes = []
    for file in ("cert-cm.toml", "cert-vip.toml"):  # HQ's own versions, 初级 named 入门
        text = (FW_DIR / file).read_text(encoding="utf-8").replace('level = "初级"', 'level = "入门"')
        schemes.append(tmp_path / f"hq_{file}")
        schemes[-1].write_text(text.replace('version = "', 'version = "hq-', 1), encoding="utf-8")
    assert rules(str(fw), [str(s) for s in schemes]).framework.id == "cm18-hq"  # with HQ's matching schemes


def test_a_default_scheme_that_does_not_exist_is_refused(tmp_path):
    fw = hq_file(tmp_path, "cm18.toml", NEW_MODEL, ('default_scheme = "cm-cert"', 'default_scheme = "nope"'))
    code, lines = check(fw)
    assert code == 1 and lines[0].startswith("framework.default_scheme：默认认证方案“nope”不是已有的认证方案")
    with pytest.raises(FrameworkInvalid):
        rules(str(fw))


def test_two_scheme_files_of_one_id_are_refused_not_decided_by_their_order(tmp_path):
    lenient = hq_file(tmp_path, "cert-cm.toml", ('version = "1.0"', 'version = "2.0-hq"'), name="a.toml")
    strict = hq_file(
        tmp_path,
        "cert-cm.toml",
        ('version = "1.0"', 'version = "3.0-hq"'),
        ("written_min = 60", "written_min = 90"),
        name="b.toml",
    )
    with pytest.raises(CmxlError) as e:
        rules(None, [str(lenient), str(strict)])
    assert "两个 --scheme 文件都是编号为 cm-cert 的认证方案" in e.value.message
