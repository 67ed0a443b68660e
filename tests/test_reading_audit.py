"""Every value read means what it says (DOMAIN §4.1, §4.4, §2; docs/rules.md, 数字的处理 and 测评工作簿):
found by an outside audit of reading, each once silently wrong with exit code 0."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

import cmxl as cmxl_api
from cmxl.core.engine.assessment import assess
from cmxl.core.errors import FileProblem
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.model.loading import catalogue
from cmxl.xlsx.read import read_workbook
from tests.conftest import AS_OF, codes, person, run
from tests.test_files import write_xlsx
from tests.test_hostile import HEAD, cmxl, row

# HEAD: A 员工编号, B 姓名, C 单位, D 现岗位级别, E 申报认证等级, F 培训学时, G 笔试成绩, H 面试成绩,
# I 证书取得日期, J…AA the 18 items; row(): a 四级 applicant who passes (written 70, interview 70)


def score_json(capsys, monkeypatch, book: Path) -> tuple[int, list[dict], str]:
    code, text = cmxl(capsys, monkeypatch, "score", book, "--json", "--as-of", "2026-12-01")
    people = json.JSONDecoder().raw_decode(text[text.index("[") :])[0]
    return code, people, text


# ---- B: a value given twice ----------------------------------------------------------------------
def test_two_different_values_in_one_row_are_an_error_naming_both_cells(tmp_path, capsys, monkeypatch):
    book = write_xlsx(tmp_path / "a.xlsx", [[*HEAD, "笔试成绩"], [*row(笔试成绩=95), 59]])
    code, people, _ = score_json(capsys, monkeypatch, book)
    assert code == 1
    cert = people[0]["certification"]
    assert (cert["status"], cert["held"] is not None) == ("资料不全", True)  # no certificate
    assert cert["reasons"][0]["message"].startswith("笔试成绩填写有误")
    [f] = cmxl_api.validate([book], as_of=AS_OF)
    assert [(i.cell, i.code) for i in f.errors] == [("G2", "value-conflict")]
    assert f.errors[0].message == "“笔试成绩”在本行填了两次且不一致：G2 为 95，AB2 为 59；无法确定采用哪一个"


def test_duplicate_columns_that_agree_or_are_filled_once_are_read(tmp_path):
    people = [
        person("0001", 申报认证等级="四级", 培训学时=30, 笔试成绩=70, 面试成绩=70),
        person("0002", "李四", 申报认证等级="四级", 培训学时=30, 笔试成绩="", 面试成绩=70),
    ]
    headers = [*people[0], "笔试"]  # 笔试 is an alias of 笔试成绩: the same column twice
    people[0]["笔试"], people[1]["笔试"] = "70分", 80
    a = run(people, headers=headers)
    assert [(c, k) for c, k in codes(a) if "number" not in k] == [("AA1", "column-duplicate")]
    assert a.report.issues[-1].message.startswith("“笔试成绩”列出现多次（另见 Y 列）")
    assert a.intake.people["written"] == [70.0, 80.0]
    assert [p.status for p in a.people] == ["通过", "通过"]


@pytest.mark.parametrize(
    ("header", "value", "given", "cell", "unscored"),
    [
        ("成就导向得分", 40, {}, "E2", 0),  # a competency under its name and under its name + 得分
        (" 电信行业概况 ", 81, {"电信行业概况": 80, "企业概况": 60, "法律法规": 50, "企业规章制度": 40}, "V2", 8),
        ("成就导向 级别", "中级", {"成就导向级别": "高级"}, "W2", 0),  # a level column
        ("工号", "0002", {}, "A2", None),  # the id, under an alias of 员工编号
        ("成就导向\u200b", 99, {}, "E2", 0),  # a header with a zero-width space is the same column
        ("笔试成绩\ufeff", 59, {"笔试成绩": 95}, None, None),  # a BOM in the header, likewise
    ],
)
def test_every_kind_of_column_given_twice_with_different_values_is_an_error(header, value, given, cell, unscored):
    p = person(**given)
    if "电信行业概况" in given:
        del p["通用基础知识"]  # scored from its sub-items
    sheet = SheetGrid("测评数据", [[*p, header], [*p.values(), value]])
    a = assess(WorkbookGrid("x.xlsx", [sheet]), catalogue().framework(), catalogue(), AS_OF)
    conflicts = [(c, k) for c, k in codes(a) if k == "value-conflict"]
    assert conflicts == [(cell, "value-conflict")] if cell else len(conflicts) == 1
    if unscored is not None:
        assert a.people[0].item_scores[unscored] is None and a.people[0].total is None


# ---- C: smaller ----------------------------------------------------------------------------------
def test_a_score_just_below_the_pass_mark_is_shown_below_it(tmp_path, capsys, monkeypatch):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, row(笔试成绩=59.99999999999999, 培训学时=29.9999999)])
    _, people, _ = score_json(capsys, monkeypatch, book)
    reasons = [r["message"] for r in people[0]["certification"]["reasons"]]
    assert "笔试成绩 59.99999999999999 分，低于合格线 60 分" in reasons
    assert "完成四级培训课程：培训学时 29.9999999 学时，未达到 30 学时" in reasons


def test_a_score_just_above_the_range_is_shown_above_it():
    a = run([person(成就导向=100.00000000000001)])
    assert codes(a) == [("E2", "score-out-of-range")]
    assert a.report.issues[0].message == "“成就导向”的分数 100.00000000000001 超出 0–100"


def test_a_space_between_digits_is_an_error_spaces_around_are_not():
    a = run([person(成就导向="8 5", 抗挫能力=" 85 ", 沟通倾听能力="85 分", 笔试成绩="6 0")])
    spaces = [("E2", "number-space"), ("F2", "number-normalised"), ("G2", "number-normalised"), ("W2", "number-space")]
    assert codes(a) == spaces
    assert a.people[0].item_scores[:3] == [None, 85.0, 85.0]


def shared_string_book(tmp_path: Path, index: str) -> Path:
    """A workbook whose C2 is a shared string with index `index` (the table holds 甲 and 乙)."""
    plain = write_xlsx(tmp_path / "plain.xlsx", [["员工编号", "姓名", "成就导向"], ["0001", "张三", "x"]])
    out = tmp_path / f"shared{index}.xlsx"
    table = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
    table += "<si><t>甲</t></si><si><t>乙</t></si></sst>"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name).decode()
            if name == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    r'<c r="C2" t="inlineStr"><is><t>x</t></is></c>', f'<c r="C2" t="s"><v>{index}</v></c>', data
                )
            elif name == "xl/_rels/workbook.xml.rels":
                rel = '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
                data = data.replace("</Relationships>", rel + ' Target="sharedStrings.xml" Id="rIdS"/></Relationships>')
            dst.writestr(name, data)
        dst.writestr("xl/sharedStrings.xml", table)
    return out


@pytest.mark.parametrize("index", ["-1", "7", "4294967296", "18446744073709551616"])  # 2**64 wraps round to string 0
def test_a_shared_string_index_that_does_not_exist_is_a_damaged_file_naming_the_cell(tmp_path, index):
    assert read_workbook(shared_string_book(tmp_path, "1")).sheets[0].rows[1][2] == "乙"
    with pytest.raises(FileProblem) as e:
        read_workbook(shared_string_book(tmp_path, index))
    assert e.value.kind == "damaged"
    assert f"工作表“测评数据”的单元格 C2 引用的共享文字（编号“{index}”）不存在" in e.value.message


def test_one_sheet_listed_twice_is_refused_not_counted_twice(tmp_path):
    plain = write_xlsx(tmp_path / "plain.xlsx", [HEAD, row()])
    twice = tmp_path / "twice.xlsx"
    again = '<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="副本" sheetId="2" r:id="rId1"/>'
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(twice, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/workbook.xml":
                data = data.replace(b"</sheets>", again.encode() + b"</sheets>")
            dst.writestr(name, data)
    with pytest.raises(FileProblem) as e:
        read_workbook(twice)
    assert "工作表“测评数据”和“副本”是同一张表的数据" in e.value.message


def test_a_repeated_header_row_is_skipped_with_a_warning():
    people = [person("0001"), person("0002", "李四")]
    headers = list(people[0])
    a = run([people[0], dict(zip(headers, headers, strict=True)), people[1]], headers=headers)
    assert codes(a) == [("A3", "header-repeated")]
    assert [p.employee_id for p in a.people] == ["0001", "0002"]


def test_a_header_row_with_other_columns_further_down_is_an_error():
    people = [person("0001"), person("0002", "李四")]
    headers = list(people[0])
    other = [headers[1], headers[0], *headers[2:]]  # 姓名 and 员工编号 swapped
    a = run([people[0], dict(zip(headers, other, strict=True)), people[1]], headers=headers)
    assert codes(a) == [("A3", "header-repeated-differs")]
    assert len(a.people) == 2


def test_a_formula_without_a_stored_result_says_to_recalculate(tmp_path, capsys, monkeypatch):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, row(成就导向="=50+5")])  # openpyxl stores no results
    code, text = cmxl(capsys, monkeypatch, "validate", book, "--as-of", "2026-12-01")
    assert code == 1
    assert "J2" in text and "formula-no-value" in text and "score-missing" not in text
    assert "请在 Excel 中打开该工作簿并保存（公式随之计算）后重新运行" in text


# ---- D: docs and behaviour agree -----------------------------------------------------------------
def test_a_level_typed_beside_sub_items_is_ignored_with_a_warning_when_it_differs():
    subs = {"电信行业概况": 80, "企业概况": 60, "法律法规": 50, "企业规章制度": 40}  # 中级 weights: 57.5, 中级
    same = run([person(通用基础知识="中级", **subs)])
    assert same.report.issues == [] and same.people[0].item_scores[8] == 57.5
    a = run([person(通用基础知识="高级", **subs)])
    assert codes(a) == [("M2", "item-differs-from-subitems")]
    assert (
        a.report.issues[0].message == "“通用基础知识”填写的 高级 与按分项成绩计算的 57.5（中级） 不一致，已采用计算值"
    )
    assert (a.people[0].item_scores[8], a.people[0].item_levels[8]) == (57.5, "中级")


def test_a_netopt_applicant_without_a_job_grade_is_told_the_truth():
    a = run([person(现岗位级别="", 认证类别="网优技术", 申报认证等级="五级")])
    [warning] = [i for i in a.report.issues if i.code == "no-standard-profile"]
    assert warning.message == (
        "现岗位级别为空，申报的网优技术“五级”没有对应的能力级别，无法确定对应的标准级别，知识项按“中级”权重计算"
    )


def test_a_name_given_twice_differently_is_a_conflict_not_an_empty_name():
    p = person()
    sheet = SheetGrid("测评数据", [[*p, "员工姓名"], [*p.values(), "李四"]])
    a = assess(WorkbookGrid("x.xlsx", [sheet]), catalogue().framework(), catalogue(), AS_OF)
    assert [k for _, k in codes(a)] == ["column-duplicate", "value-conflict"]  # not also 姓名为空
    assert a.people[0].name == "张三"  # shown as first written, the row an error all the same
