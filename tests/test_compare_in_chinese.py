"""`cmxl compare --new 方案.toml` in Chinese: each rule change by its name (the words of
docs/toml-reference.md) with the file's key beside it, a summary that tells result changes from
reason-only changes, and the people whose result changes first."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cmxl.cli import app
from tests.test_files import write_xlsx
from tests.test_hq_schemes import HEAD, ITEMS_A, hq_scheme

runner = CliRunner()


def book(path: Path) -> Path:
    rows = [  # cert-cm: written pass mark 60 (hq_scheme: 65), interview 60
        ["0001", "张三", "南京", "中级客户经理", "四级", 30, 50, 70, *[55] * len(ITEMS_A)],  # fails under both
        ["0002", "李四", "南京", "中级客户经理", "四级", 30, 62, 70, *[55] * len(ITEMS_A)],  # passes 60, not 65
        ["0003", "王五", "南京", "中级客户经理", "四级", 30, 80, 70, *[55] * len(ITEMS_A)],  # passes both
    ]
    return write_xlsx(path, [HEAD, *rows])


def compare(tmp_path: Path, *extra: str):
    args = ["compare", str(book(tmp_path / "南京.xlsx")), "--new", str(hq_scheme(tmp_path)), "--as-of", "2026-12-01"]
    r = runner.invoke(app, [*args, *extra])
    assert r.exit_code == 0, r.output
    return r


def test_each_scheme_change_is_named_in_chinese_with_its_key(tmp_path):
    rules = json.loads(compare(tmp_path, "--json").stdout)["rule_changes"]
    assert rules == ["版本（scheme.version）：1.0 → 2027-1.0", "合格线 · 笔试合格线（pass.written_min）：60 → 65"]


def test_a_change_inside_a_list_names_the_item(tmp_path):
    hq = hq_scheme(tmp_path)
    text = hq.read_text(encoding="utf-8")
    assert text.count("continuous_years = 1\n") == 1
    hq.write_text(text.replace("continuous_years = 1\n", "continuous_years = 2\n"), encoding="utf-8")
    r = runner.invoke(app, ["compare", str(book(tmp_path / "南京.xlsx")), "--new", str(hq), "--json"])
    assert (
        "申报条件“三级” · 途径“持四级证书、连续从事本岗位 1 年(含)以上并完成三级培训” · 本岗位连续年限下限"
        "（eligibility[1].paths[0].continuous_years）：1 → 2"
    ) in json.loads(r.stdout)["rule_changes"]


def test_the_summary_tells_result_changes_from_reason_changes_and_lists_results_first(tmp_path):
    lines = compare(tmp_path).output.splitlines()
    assert lines[3:] == [
        "南京.xlsx：3 人中有 2 人的结果或原因发生变化（结果变化 1 人，仅原因变化 1 人）",
        "结果变化：",
        "  第 3 行 0002 李四：认证结果 通过 → 未通过；新增原因：笔试成绩 62 分，低于合格线 65 分",
        "仅原因变化：",
        "  第 2 行 0001 张三：新增原因：笔试成绩 50 分，低于合格线 65 分；不再有的原因：笔试成绩 50 分，低于合格线 60 分",
    ]


def test_json_marks_result_changes_and_puts_them_first(tmp_path):
    people = json.loads(compare(tmp_path, "--json").stdout)["people"]
    assert [(c["employee_id"], c["result_changed"], c["reasons_added"], c["reasons_dropped"]) for c in people] == [
        ("0002", True, ["笔试成绩 62 分，低于合格线 65 分"], []),
        ("0001", False, ["笔试成绩 50 分，低于合格线 65 分"], ["笔试成绩 50 分，低于合格线 60 分"]),
    ]
