"""A held result reads as held everywhere, one tally counts every output, and a 现岗位级别 that is
not a known grade gives no standard (DOMAIN §4.4 last bullet, §2 target level; docs/rules.md, 证书
and 差距与达标). Expected values are worked by hand from the rules:

- APPLY: 四级 with 30 training hours (the 四级 standard), written 70 and interview 70 (≥ 60): 通过.
- every item 50 is 中级 (41–60); 30 is 初级 (0–40). 中级客户经理's standard is 中级 everywhere;
  资深客户经理's is 高级 for the 5 基本能力 items and 资深 for the other 13."""

from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl

import cmxl
from cmxl.core.layout.results import build_results
from cmxl.core.layout.stats import stats_sheet
from cmxl.core.layout.training import training_list
from tests.conftest import AS_OF, ITEMS_A, codes, grid, person, run
from tests.roster_lists import rows_of
from tests.test_files import write_xlsx
from tests.test_person_report import pages
from tests.test_stats_counts import group_tables

APPLY = {"申报认证等级": "四级", "培训学时": 30, "笔试成绩": 70, "面试成绩": 70}
HELD_PASSER = person("0001", 成就导向="好", **APPLY)  # computed 通过; one error on the row: held


def summary_row(rows: list[dict], n: int = 0) -> dict[str, object]:
    a = run(rows)
    spec = build_results(a, grid(rows), source="x.xlsx", sha256="", tool_version="t", created="c")
    summary = spec.sheet("汇总")
    heads = [summary.cell(0, c).value for c in range(summary.max_col + 1)]
    return {h: (lambda cell: None if cell is None else cell.value)(summary.cell(n + 1, c)) for c, h in enumerate(heads)}


def test_a_held_passer_reads_as_held_in_the_summary_with_the_computed_result_in_its_reasons():
    row = summary_row([HELD_PASSER])
    assert (row["认证结果"], row["原因"]) == (
        "暂缓发证",
        "本行有 1 个错误，结果可能不准确，改正后重新运行；计算结果：通过",
    )


def test_the_summary_colours_a_held_result_on_its_own():
    a = run([HELD_PASSER])
    summary = build_results(a, grid([HELD_PASSER]), source="x", sha256="", tool_version="t", created="c").sheet("汇总")
    assert [cf.formula.split("=")[-1] for cf in summary.conditional if cf.style == "held"] == ['"暂缓发证"']


def test_json_says_a_held_result_is_not_a_pass():
    cert = run([HELD_PASSER]).to_json()[0]["certification"]
    assert (cert["status"], cert["result"], cert["outcome"]) == ("通过", "暂缓发证", "held")


HEAD = ["员工编号", "姓名", "单位", "现岗位级别", "申报认证等级", "培训学时", "笔试成绩", "面试成绩", *ITEMS_A]


def test_the_person_report_tells_the_employee_the_result_is_pending_and_nothing_for_the_clerk(tmp_path):
    row = ["0001", "王五", "南京", "中级客户经理", "四级", 30, 70, 70, *[55] * len(ITEMS_A)]
    row[HEAD.index("成就导向")] = "好"
    [result] = cmxl.report([write_xlsx(tmp_path / "a.xlsx", [HEAD, row])], as_of=AS_OF)
    [page] = pages(result.output)
    assert "结果：认证结果待核实" in page and "结果：通过" not in page
    for_the_clerk = [t for t in page if "改正" in t or "校验问题" in t or re.search(r"[A-Z]+[0-9]+", t)]
    assert for_the_clerk == []


def test_statistics_run_json_and_the_roster_lists_count_alike(tmp_path):
    """a.xlsx: 0001 passes, 0002 passes but is held (an error), 0003 fails (written 40 < 60),
    0004 does not apply; b.xlsx: 0001 again with the same data (counted once). So 4 people: 1
    not applying, 3 applying of whom 1 passed, 1 held and 1 failed — as the three lists hold."""
    folder = tmp_path / "批次"
    folder.mkdir()
    passer = ["0001", "张三", "南京", "中级客户经理", "四级", 30, 70, 70, *[55] * len(ITEMS_A)]
    held = ["0002", "李四", "南京", "中级客户经理", "四级", 30, 70, 70, "好", *[55] * (len(ITEMS_A) - 1)]
    failed = ["0003", "王五", "南京", "中级客户经理", "四级", 30, 40, 70, *[55] * len(ITEMS_A)]
    other = ["0004", "赵六", "南京", "中级客户经理", None, None, None, None, *[55] * len(ITEMS_A)]
    write_xlsx(folder / "a.xlsx", [HEAD, passer, held, failed, other])
    write_xlsx(folder / "b.xlsx", [HEAD, passer])
    result = cmxl.bulk(folder, issue_date=dt.date(2026, 12, 1), jobs=1)
    roster = openpyxl.load_workbook(result.roster)
    listed = [len(rows_of(roster[name])) - 1 for name in ("通过名单", "暂缓发证", "未通过名单")]
    ws = roster["地区统计"]
    cells = {(c.row - 1, c.column - 1): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    total = group_tables(cells)[0]["合计"]
    heads = ["人数", "未申报", "申报认证", "其中通过", "其中暂缓", "其中未通过"]
    assert listed == [1, 1, 1] and [total.get(h) for h in heads] == [4, 1, 3, 1, 1, 1]
    counts = json.loads(result.run_json.read_text(encoding="utf-8"))["counts"]
    assert [counts.get(k) for k in ("not_applied", "passed", "held", "failed", "repeated")] == [1, 1, 1, 1, 1]


UNRECOGNISED = person("0002", 现岗位级别="客户经理", 申报认证等级="一级")


def test_an_unrecognised_grade_gives_no_standard_while_an_empty_one_takes_the_applied_level():
    """Empty 现岗位级别, 一级 applied: 资深's standard (every 中级 item below it: 18 below, 未达标).
    "客户经理": no standard, nothing judged; the row has the error that says why."""
    a = run([person("0001", 现岗位级别="", 申报认证等级="一级"), UNRECOGNISED])
    found = [(p.standard_grade, p.attainment, p.items_below, p.gaps.count(None)) for p in a.people]
    assert found == [("资深客户经理", "未达标", 18, 0), ("", None, None, 18)]
    assert ("D3", "grade-unknown") in codes(a)


def test_an_unrecognised_grade_has_no_training_rows():
    a = run([UNRECOGNISED])
    assert training_list(a.framework, a.people).cell(1, 0).value == "（没有低于岗位标准的能力项）"


def test_an_unrecognised_grade_is_counted_as_such_in_statistics():
    a = run([person("0001", 现岗位级别=""), UNRECOGNISED])
    by_grade = group_tables(stats_sheet(a.framework, a.people))[0]
    assert {k: (v["人数"], v["未评定"]) for k, v in by_grade.items() if v["人数"]} == {
        "（未填）": (1, 1),
        "（无法识别）": (1, 1),
    }


def test_the_summary_says_the_grade_was_not_recognised_and_why_there_are_no_gaps():
    row = summary_row([UNRECOGNISED])
    assert [row[h] for h in ("现岗位级别", "达标情况", "低于标准项数", "差距明细")] == [
        "客户经理\n（无法识别）",
        "未评定",
        None,
        "现岗位级别无法识别，没有岗位标准",
    ]


def test_below_standard_counts_the_known_gaps_and_says_how_many_are_unknown():
    """中级客户经理: 成就导向 30 (初级) is one below; 执行能力 is not rated; the rest 50 (中级) meet it."""
    rows = [person("0001", 成就导向=30, 执行能力="")]
    row = summary_row(rows)
    assert [row[h] for h in ("低于标准项数", "无法判断项数", "差距明细")] == [
        1,
        1,
        "成就导向 −1；无法判断（未评定）：执行能力",
    ]
    a = run(rows)
    listed = training_list(a.framework, a.people)
    assert [cell.value for (r, c), cell in listed.iter_cells() if r and c == 0] == ["成就导向"]  # as counted
