"""Every file accounted for, no output over an input (docs/rules.md, 证书; issue: last cycle's
outputs left in the batch folder were read as input, a.xlsx and a.xlsm shared one results file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import python_calamine as pc

import cmxl
from tests.conftest import AS_OF, ITEMS_A
from tests.test_files import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
HEAD = ["员工编号", "姓名", "单位", "现岗位级别", "申报认证等级", "培训学时", "笔试成绩", "面试成绩", *ITEMS_A]


def book(path: Path, *ids: str) -> Path:
    rows = [[pid, f"人{pid}", "南京", "中级客户经理", "四级", 30, 70, 70, *[55] * len(ITEMS_A)] for pid in ids]
    return write_xlsx(path, [HEAD, *rows])


def log_of(roster: Path) -> dict[str, list]:
    rows = pc.CalamineWorkbook.from_path(str(roster)).get_sheet_by_name("处理日志").to_python()
    return {row[0]: row for row in rows[1:]}


def test_last_cycles_outputs_in_the_folder_are_skipped_by_content(tmp_path):
    folder = tmp_path / "华东"
    folder.mkdir()
    book(folder / "苏州.xlsx", "S1", "S2")
    first = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    out = tmp_path / "华东_输出"
    # a clerk copies last cycle's outputs back in, renamed the way Windows does
    shutil.copy(out / "苏州_评分结果.xlsx", folder / "苏州_评分结果 (2).xlsx")
    shutil.copy(first.roster, folder / "上期名单.xlsx")
    book(folder / "x_评分结果.xlsx", "X1")  # a real input whose name only looks like an output
    second = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    log = log_of(second.roster)
    assert log["苏州_评分结果 (2).xlsx"][1:3] == ["已跳过", 0.0] and "评分结果" in log["苏州_评分结果 (2).xlsx"][5]
    assert log["上期名单.xlsx"][1] == "已跳过" and "认证名单" in log["上期名单.xlsx"][5]
    assert log["x_评分结果.xlsx"][1:3] == ["成功", 1.0]
    assert second.people == 3 and second.duplicates == 0  # not doubled, no false duplicates


def test_same_stem_two_extensions_two_results(tmp_path):
    folder = tmp_path / "批次"
    folder.mkdir()
    book(folder / "a.xlsx", "A1")
    book(folder / "a.xlsm", "A2")
    result = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    out = tmp_path / "批次_输出"
    assert sorted(p.name for p in out.glob("*_评分结果.xlsx")) == ["a_xlsm_评分结果.xlsx", "a_xlsx_评分结果.xlsx"]
    log = log_of(result.roster)
    assert (log["a.xlsx"][6], log["a.xlsm"][6]) == ("a_xlsx_评分结果.xlsx", "a_xlsm_评分结果.xlsx")
    scored = cmxl.score([folder / "a.xlsx", folder / "a.xlsm"], as_of=AS_OF)
    assert [r.output.name for r in scored] == ["a_xlsx_评分结果.xlsx", "a_xlsm_评分结果.xlsx"]


def test_score_never_writes_over_one_of_its_inputs(tmp_path):
    a = book(tmp_path / "a.xlsx", "A1")
    second = book(tmp_path / "a_评分结果.xlsx", "B1")  # a real input named like a's results
    before = second.read_bytes()
    results = cmxl.score([a, second], as_of=AS_OF)
    assert results[0].problem is not None and "也是本次要读取的输入文件" in results[0].problem.message
    assert second.read_bytes() == before
    assert results[1].ok and results[1].output == tmp_path / "a_评分结果_评分结果.xlsx"


def test_scoring_a_results_workbook_says_what_it_is(tmp_path):
    a = book(tmp_path / "a.xlsx", "A1")
    [first] = cmxl.score([a], as_of=AS_OF)
    [again] = cmxl.score([first.output], as_of=AS_OF)
    assert again.problem is not None and "cmxl 生成的评分结果" in again.problem.message
    assert not (tmp_path / "a_评分结果_评分结果.xlsx").exists()
