"""A person's history across cycles, end to end (docs/rules.md, 历次测评; DOMAIN §7): `cmxl bulk`
records each cycle in the ledger, the outputs of a later cycle show the change, `cmxl history`
lists, exports and deletes a person's records.

Two batches a year apart. Every item of a person is given the same score, so the weighted total is
that score (the weights add up to 1): 张三 55 → 70 is 中级 (41–60) → 高级 (61–80), +15.0."""

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from typer.testing import CliRunner

from cmxl import api
from cmxl.cli import app
from cmxl.core.engine.history import CycleRecord, ItemRecord
from cmxl.core.layout.person_report import person_pages
from cmxl.history import record_cycle
from cmxl.ledger import Ledger
from tests.conftest import ITEMS_A
from tests.test_files import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
HEAD = ["员工编号", "姓名", "单位", "现岗位级别", "申报认证等级", "培训学时", "笔试成绩", "面试成绩", *ITEMS_A]


def book(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(
        path,
        [
            HEAD,
            *[[pid, name, "苏州分公司", "中级客户经理", "", "", "", "", *[score] * 18] for pid, name, score in rows],
        ],
    )


def bulk(folder: Path, ledger: Path, day: str, *more: str):
    out = folder.parent / f"{folder.name}_输出"
    result = runner.invoke(
        app, ["bulk", str(folder), "-o", str(out), "--ledger", str(ledger), "--issue-date", day, *more]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def two_cycles(tmp_path):
    """2025: 张三 55, 李四 60. 2026: 张三 70, 赵六 under 李四's id, 王五 new."""
    ledger = tmp_path / "证书台账.sqlite"
    book(tmp_path / "2025" / "苏州.xlsx", [("D001", "张三", 55), ("S002", "李四", 60)])
    bulk(tmp_path / "2025", ledger, "2025-12-01")
    later = book(tmp_path / "2026" / "苏州.xlsx", [("D001", "张三", 70), ("S002", "赵六", 65), ("W003", "王五", 50)])
    out = bulk(tmp_path / "2026", ledger, "2026-12-01")
    return ledger, later, out


def rows(path: Path, sheet: str) -> list[dict]:
    data = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [dict(zip(data[0], r, strict=False)) for r in data[1:]]


def summary(out: Path) -> dict[str, dict]:
    return {r["员工编号"]: r for r in rows(out / "苏州_评分结果.xlsx", "汇总")}


def history_json(ledger: Path, pid: str) -> list[dict]:
    result = runner.invoke(app, ["history", pid, "--ledger", str(ledger), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_history_json_has_one_record_per_cycle(two_cycles):
    ledger, _, _ = two_cycles
    records = history_json(ledger, "D001")
    assert [(r["cycle"], r["as_of"], r["total"], r["level"]) for r in records] == [
        ("2025", "2025-12-01", 55.0, "中级"),
        ("2026", "2026-12-01", 70.0, "高级"),
    ]
    assert records[1]["source_file"] == "苏州.xlsx" and records[1]["items"]["成就导向"]["score"] == 70.0


def test_running_a_cycle_again_replaces_its_records(two_cycles, tmp_path):
    ledger, _, out = two_cycles
    bulk(tmp_path / "2026", ledger, "2026-12-01")
    assert [r["cycle"] for r in history_json(ledger, "D001")] == ["2025", "2026"]
    counts = json.loads((out / "run.json").read_text(encoding="utf-8"))["counts"]
    assert (counts["assessments_recorded"], counts["assessments_replaced"]) == (3, 3)


def test_the_cycle_can_be_named(tmp_path):
    ledger = tmp_path / "证书台账.sqlite"
    book(tmp_path / "b" / "苏州.xlsx", [("D001", "张三", 55)])
    out = bulk(tmp_path / "b", ledger, "2026-06-30", "--cycle", "2026上半年")
    assert [r["cycle"] for r in history_json(ledger, "D001")] == ["2026上半年"]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["options"]["cycle"] == "2026上半年"


def test_summary_shows_the_previous_total_and_the_change(two_cycles):
    _, _, out = two_cycles
    row = summary(out)["D001"]
    assert (row["上期总分"], row["总分变化"], row["上期级别"]) == (55.0, 15.0, "中级")


def test_a_new_person_has_no_previous_cycle(two_cycles):
    _, _, out = two_cycles
    row = summary(out)["W003"]
    assert (row["上期总分"], row["总分变化"], row["上期级别"], row["达标变化"]) == ("", "", "", "")


def test_another_name_under_the_same_id_is_flagged_not_matched(two_cycles):
    _, _, out = two_cycles
    row = summary(out)["S002"]
    assert row["上期级别"] == "姓名不符（2025：李四）" and row["上期总分"] == "" and row["总分变化"] == ""


def test_the_results_workbook_has_the_comparison_sheet(two_cycles):
    _, _, out = two_cycles
    compared = [r for r in rows(out / "苏州_评分结果.xlsx", "历次对比") if r["员工编号"] == "D001"]
    first = compared[0]
    assert len(compared) == 18 and (first["上期得分"], first["本期得分"], first["得分变化"]) == (55.0, 70.0, 15.0)
    assert (first["上期级别"], first["本期级别"], first["提升项数"]) == ("中级", "高级", 18)


def test_score_shows_the_change_only_with_the_ledger(two_cycles, tmp_path):
    ledger, later, _ = two_cycles
    target, plain = tmp_path / "单独.xlsx", tmp_path / "无台账.xlsx"
    args = ["score", str(later), "-o", str(target), "--ledger", str(ledger), "--as-of", "2026-12-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert {r["员工编号"]: r["总分变化"] for r in rows(target, "汇总")}["D001"] == 15.0
    assert runner.invoke(app, ["score", str(later), "-o", str(plain)]).exit_code == 0
    assert "上期总分" not in rows(plain, "汇总")[0]
    assert "历次对比" not in pc.CalamineWorkbook.from_path(str(plain)).sheet_names


def test_the_person_report_shows_the_previous_cycle(two_cycles, tmp_path):
    ledger, later, _ = two_cycles
    args = ["report", str(later), "-o", str(tmp_path / "报告"), "--ledger", str(ledger), "--as-of", "2026-12-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    docx = next((tmp_path / "报告").glob("*.docx"))
    body = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    assert "与 2025 年度相比，加权总分提高 15.0 分，18 项提升、0 项下降、0 项不变，综合级别 中级 → 高级。" in body
    assert "李四" not in body  # a possible mismatch is the clerk's to check, not told on 赵六's page


def test_history_lists_a_person_in_words(two_cycles):
    ledger, _, _ = two_cycles
    result = runner.invoke(app, ["history", "D001", "--ledger", str(ledger)])
    assert result.exit_code == 0, result.output
    assert "2025" in result.stdout and "55.0" in result.stdout and "70.0" in result.stdout


def test_history_of_an_unknown_person_says_so(two_cycles):
    ledger, _, _ = two_cycles
    result = runner.invoke(app, ["history", "X999", "--ledger", str(ledger)])
    assert result.exit_code == 1 and "X999" in result.output


def test_a_persons_records_are_deleted_on_request_and_logged(two_cycles):
    ledger, _, _ = two_cycles
    args = ["history", "--delete", "D001", "--ledger", str(ledger), "--by", "王芳", "--note", "本人申请"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert history_json(ledger, "D001") == []
    found = api.history("D001", ledger=ledger)
    assert [(e["action"], e["cycle"], e["done_by"], e["note"]) for e in found.log] == [
        ("deleted", "2025", "王芳", "本人申请"),
        ("deleted", "2026", "王芳", "本人申请"),
    ]
    assert len(history_json(ledger, "S002")) == 2  # others keep theirs


def test_one_cycle_leaves_the_change_columns_empty(tmp_path):
    """The README's main command on the samples: one cycle, nothing to compare with."""
    shutil.copytree(ROOT / "workbooks", tmp_path / "workbooks")
    result = runner.invoke(app, ["bulk", str(tmp_path / "workbooks"), "--issue-date", "2026-12-01"])
    assert result.exit_code in (0, 1), result.output  # the samples have rows with errors on purpose
    found = rows(tmp_path / "workbooks_输出" / "江苏_2026_评分结果.xlsx", "汇总")
    assert found and all(r["上期总分"] == "" and r["总分变化"] == "" and r["上期级别"] == "" for r in found)
    assert (
        "历次对比"
        not in pc.CalamineWorkbook.from_path(str(tmp_path / "workbooks_输出" / "江苏_2026_评分结果.xlsx")).sheet_names
    )


def test_a_changed_model_compares_items_by_name_and_lists_the_others(tmp_path):
    """The earlier cycle was scored under another model: 成就导向 is in both, 旧能力项 only then."""
    ledger = tmp_path / "证书台账.sqlite"
    earlier = {"成就导向": ItemRecord(55.0, "中级", "中级", 0), "旧能力项": ItemRecord(60.0, "中级", None, None)}
    record = CycleRecord(
        employee_id="D001", cycle="2025", name="张三", unit="苏州分公司", grade="中级客户经理", total=57.5,
        level="中级", attainment=None, items=earlier, framework_id="old", framework_version="0.9",
        framework_hash="0" * 64, source_file="苏州.xlsx", source_sha256="ab" * 32, as_of="2025-12-01",
    )  # fmt: skip
    with Ledger(ledger) as db:
        record_cycle(db, [record])
    later = book(tmp_path / "苏州.xlsx", [("D001", "张三", 70)])
    [found] = api.score([later], output=tmp_path / "结果.xlsx", ledger=ledger, as_of=dt.date(2026, 12, 1))
    compared = {r["能力项"]: r for r in rows(tmp_path / "结果.xlsx", "历次对比")}
    assert (compared["成就导向"]["得分变化"], compared["成就导向"]["变化"]) == (15.0, "提升")
    assert compared["旧能力项"]["变化"] == "不可比" and compared["旧能力项"]["得分变化"] == ""
    assert compared["抗挫能力"]["变化"] == "不可比"  # not in the earlier model: no made-up change
    change = found.people[0].change
    assert change.model_changed and len(change.not_comparable) == 18  # 17 new items and 旧能力项


def test_statistics_show_each_unit_now_and_last_cycle(two_cycles):
    """Only 张三 is in both cycles under the same name: 中级 last cycle, 高级 now."""
    _, _, out = two_cycles
    data = pc.CalamineWorkbook.from_path(str(out / "苏州_评分结果.xlsx")).get_sheet_by_name("统计图表").to_python()
    top = next(r for r, row in enumerate(data) if str(row[0]).startswith("各单位本期与上期"))
    heads = data[top + 1]
    by_row = {row[0]: dict(zip(heads, row, strict=False)) for row in data[top + 2 : top + 6]}
    before, now = by_row["苏州分公司 上期"], by_row["苏州分公司 本期"]
    assert (before["可比人数"], before["中级"], before["高级"]) == (1, 1, 0)
    assert (now["可比人数"], now["中级"], now["高级"]) == (1, 0, 1)


def test_the_profiles_radar_draws_the_previous_cycle_dashed(two_cycles):
    _, _, out = two_cycles
    with zipfile.ZipFile(out / "苏州_评分结果.xlsx") as z:
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/charts/chart")]
    radar = next(c for c in charts if "radarChart" in c and "岗位标准级别" in c)
    assert "上期级别" in radar and 'prstDash val="dash"' in radar


def test_the_report_page_carries_the_previous_levels(two_cycles):
    ledger, later, _ = two_cycles
    [found] = api.score([later], output=later.with_name("r.xlsx"), ledger=ledger, as_of=dt.date(2026, 12, 1))
    pages = {p.who[1][1]: p for p in person_pages(found.assessment, "苏州.xlsx")}
    assert pages["D001"].radar_previous == [2] * 18  # 中级, the second level, on every item
    assert pages["W003"].radar_previous is None and pages["W003"].change_sentence == ""
    assert pages["S002"].radar_previous is None  # another name: nothing of 李四's on 赵六's page


def test_compare_with_the_ledger_gives_the_change_under_the_new_rules(two_cycles):
    ledger, later, _ = two_cycles
    args = ["compare", str(later), "--new", "cm11", "--ledger", str(ledger), "--as-of", "2026-12-01", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    people = {p["employee_id"]: p for p in json.loads(result.stdout)["people"]}
    assert people["D001"]["change"]["model_changed"] is True


def test_a_cycle_name_that_cannot_work_is_a_usage_error(tmp_path):
    book(tmp_path / "b" / "苏州.xlsx", [("D001", "张三", 55)])
    result = runner.invoke(app, ["bulk", str(tmp_path / "b"), "--issue-date", "2026-12-01", "--cycle", " 2026"])
    assert result.exit_code == 2 and "测评周期名称须为 1–30 个字符" in result.output


def test_a_ledger_that_does_not_exist_is_said(tmp_path):
    later = book(tmp_path / "苏州.xlsx", [("D001", "张三", 70)])
    result = runner.invoke(app, ["score", str(later), "--ledger", str(tmp_path / "无此台账.sqlite")])
    assert result.exit_code == 1 and "找不到证书台账" in result.output


def test_a_cycle_not_named_by_its_year_reads_as_named():
    def record(cycle: str, total: float) -> CycleRecord:
        return CycleRecord(
            employee_id="D001", cycle=cycle, name="张三", unit="", grade="", total=total, level=None,
            attainment=None, items={}, framework_id="cm18", framework_version="1", framework_hash="h",
            source_file="", source_sha256="", as_of="2026-06-30",
        )  # fmt: skip

    from cmxl.core.engine.history import compare

    sentence = compare(record("2026下半年", 60.0), record("2026上半年", 58.0), ["初级", "中级"]).sentence
    assert sentence.startswith("与 2026上半年 相比，加权总分提高 2.0 分")


def test_score_json_carries_the_change(two_cycles, tmp_path):
    ledger, later, _ = two_cycles
    args = ["score", str(later), "-o", str(tmp_path / "j.xlsx"), "--ledger", str(ledger), "--as-of", "2026-12-01"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    change = {p["employee_id"]: p.get("change") for p in json.loads(result.stdout)}
    assert change["D001"]["total_change"] == 15.0 and change["D001"]["level_change"] == "中级 → 高级"
    assert change["W003"]["status"] == "none" and change["S002"]["status"] == "name-differs"


def test_the_addins_report_call_takes_the_ledger(two_cycles, tmp_path):
    ledger, later, _ = two_cycles
    a = api.validate([later], as_of=dt.date(2026, 12, 1))[0].assessment
    target = api.person_reports(a, "苏州.xlsx", tmp_path / "报告.docx", ledger=ledger)
    body = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    assert "与 2025 年度相比，加权总分提高 15.0 分" in body


def test_a_row_with_an_error_is_recorded_with_that_mark(tmp_path):
    """One item score out of the scale (0–100): one error on the row, recorded with the row."""
    ledger = tmp_path / "证书台账.sqlite"
    path = book(tmp_path / "b" / "苏州.xlsx", [("D001", "张三", 55)])
    wb = openpyxl.load_workbook(path)
    wb.active.cell(2, len(HEAD)).value = 150
    wb.save(path)
    folder = tmp_path / "b"
    result = runner.invoke(app, ["bulk", str(folder), "--ledger", str(ledger), "--issue-date", "2026-12-01"])
    assert result.exit_code == 1, result.output  # a file with errors
    [record] = history_json(ledger, "D001")
    assert record["errors"] == 1
