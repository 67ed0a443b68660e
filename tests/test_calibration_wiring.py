"""Calibration wired end to end (issue 21; DOMAIN §8; docs/rules.md, 校准): the 测评人 column, the
校准分析 sheet in the results and the roster, and `cmxl calibrate` applying the adjustments a
calibration meeting decided, recorded in the ledger, 校准前 / 校准后 side by side."""

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
import python_calamine as pc
from typer.testing import CliRunner

import cmxl.api as api
from cmxl.cli import app
from cmxl.core.layout.calibration import DISJOINT
from cmxl.core.layout.template import build_template
from cmxl.core.model.loading import catalogue
from tests.conftest import ITEMS_A
from tests.test_files import write_xlsx

DAY = dt.date(2026, 12, 1)
HEAD = [
    "员工编号",
    "姓名",
    "单位",
    "现岗位级别",
    "申报认证等级",
    "培训学时",
    "笔试成绩",
    "面试成绩",
    "测评人",
    *ITEMS_A,
]
P = [50, 55, 60, 65, 70, 50, 55, 60, 65, 70]  # a unit of ten: mean 60, s² = 500/9
FIRST = ITEMS_A[0]  # 成就导向, weight 30/5 = 6 of 100
ORDINARY = ["普通一", "普通二", "普通三", "普通四", "普通五"]
runner = CliRunner()


def rows(unit: str, rater: str, scores: list[int], code: str, bonus: int = 0) -> list[list]:
    """Every item at the person's score (成就导向 + bonus); the exams pass on even rows, fail on odd."""
    out = []
    for k, s in enumerate(scores):
        items = [s + bonus, *[s] * (len(ITEMS_A) - 1)]
        written = 70 if k % 2 == 0 else 50
        out.append(
            [f"{code}{k:03d}", f"{unit}{k}", f"{unit}分公司", "中级客户经理", "四级", 30, written, 70, rater, *items]
        )
    return out


def make_batch(root: Path) -> Path:
    """宽松 is 20 points up on every item, 单项 15 up on 成就导向 only, 七人 has 7 people, 三人 3,
    and five ordinary units; each unit has its own rater (disjoint)."""
    folder = root / "2026校准"
    folder.mkdir(parents=True)
    write_xlsx(folder / "宽松.xlsx", [HEAD, *rows("宽松", "甲", [s + 20 for s in P], "K")])
    write_xlsx(folder / "单项.xlsx", [HEAD, *rows("单项", "乙", P, "D", bonus=15)])
    write_xlsx(folder / "七人.xlsx", [HEAD, *rows("七人", "丙", P[:7], "Q")])
    write_xlsx(folder / "三人.xlsx", [HEAD, *rows("三人", "丁", [60, 60, 60], "S")])
    for n, unit in enumerate(ORDINARY):
        write_xlsx(folder / f"{unit}.xlsx", [HEAD, *rows(unit, f"戊{n}", P, f"P{n}")])
    return folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    return make_batch(tmp_path_factory.mktemp("calib"))


@pytest.fixture
def own_batch(tmp_path) -> Path:
    return make_batch(tmp_path)


def sheet(path: Path, name: str) -> list[list]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def verdicts(table: list[list]) -> dict[tuple, str]:
    """(类别, 名称) of the per-group table and (类别, 名称, 能力项) of the per-item table -> 判断."""
    found: dict[tuple, str] = {}
    per_item = False
    for row in table:
        if row and row[0] == "类别":
            per_item = row[2] == "能力项"
            judged = row.index("判断")
            continue
        if row and row[0] in ("单位", "测评人"):
            found[(row[0], row[1], row[2]) if per_item else (row[0], row[1])] = row[judged]
    return found


def adjustments_file(path: Path, *lines: list) -> Path:
    return write_xlsx(path, [["对象类别", "对象", "能力项", "调整", "决定人", "理由"], *lines])


def test_done_when_batch_the_roster_judges_units_and_unit_items(batch, tmp_path):
    # 加权总分: μ ≈ 63.2, SD ≈ 10.2; 宽松 θ ≈ 78.4, d ≈ +1.5 (偏宽); the ordinary units at 60 have
    # d ≈ −0.3 (正常). 成就导向: μ = 5135/80 = 64.19, SD ≈ 10.5; 单项 (75) θ ≈ 74.5, d ≈ +1.0 (偏宽);
    # the ordinary units d ≈ (60.3 − 64.2)/10.5 ≈ −0.37 (正常). 七人: 7 people, 样本不足; 三人: not listed.
    out = tmp_path / "输出"
    run = api.bulk(batch, issue_date=DAY, output=out, ledger=tmp_path / "台账.sqlite", jobs=1)
    found = verdicts(sheet(run.output / "认证名单_2026校准.xlsx", "校准分析"))
    assert found[("单位", "宽松分公司")] == "偏宽"
    assert found[("单位", "单项分公司", FIRST)] == "偏宽"
    assert found[("单位", "单项分公司", ITEMS_A[1])] == "正常"  # lenient on one item only
    assert found[("单位", "七人分公司")] == "样本不足"
    assert not [k for k in found if k[1] == "三人分公司"]
    assert {found[("单位", f"{u}分公司")] for u in ORDINARY} == {"正常"}
    assert {found[("单位", f"{u}分公司", FIRST)] for u in ORDINARY} == {"正常"}


def test_raters_are_compared_and_the_sheet_says_units_and_raters_cannot_be_told_apart(batch, tmp_path):
    done = api.calibrate(batch, output=tmp_path, as_of=DAY)
    table = sheet(done.output, "校准分析")
    found = verdicts(table)
    assert found[("测评人", "甲")] == "偏宽" and found[("测评人", "丙")] == "样本不足"
    assert any(DISJOINT in str(cell) for row in table for cell in row)


def test_a_run_without_an_adjustments_file_changes_and_records_nothing(batch, tmp_path):
    done = api.calibrate(batch, output=tmp_path / "out", ledger=tmp_path / "台账.sqlite", as_of=DAY)
    assert done.changes == [] and done.ledger is None and not (tmp_path / "台账.sqlite").exists()
    assert [p.total for p in done.after] == [p.total for p in done.before]
    assert sorted(f.name for f in (tmp_path / "out").iterdir()) == ["校准分析_2026校准.xlsx"]


def test_a_results_workbook_of_two_units_has_the_sheet_and_one_of_one_unit_not(tmp_path):
    two = write_xlsx(tmp_path / "两个.xlsx", [HEAD, *rows("东区", "甲", P, "E"), *rows("西区", "乙", P, "W")])
    one = write_xlsx(tmp_path / "一个.xlsx", [HEAD, *rows("东区", "甲", P, "E")])
    [a, b] = api.score([two, one], as_of=DAY)
    assert "校准分析" in pc.CalamineWorkbook.from_path(str(a.output)).sheet_names
    assert "校准分析" not in pc.CalamineWorkbook.from_path(str(b.output)).sheet_names


def test_the_template_has_the_optional_rater_column_with_its_note():
    cat = catalogue()
    spec = build_template(cat.framework(None), cat.schemes, cat.workbook_format)
    data = next(s for s in spec.sheets if s.name == "测评数据")
    [head] = [cell for (r, _), cell in data.cells.items() if r == 0 and cell.value == "测评人"]
    assert "可选" in head.comment
    guide = [str(c.value) for s in spec.sheets if s.name == "填写说明" for c in s.cells.values()]
    assert any(line.startswith("“测评人”列：可选") for line in guide)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.xlsx"))}


def test_adjustments_change_only_what_they_name_and_are_recorded(own_batch, tmp_path):
    inputs = digests(own_batch)
    adj = adjustments_file(
        tmp_path / "调整表.xlsx",
        ["单位", "单项分公司", FIRST, "−10", "王芳", "成就导向打分偏宽"],
        ["测评人", "甲", "", -5, "校准会议", "整体偏宽"],
    )
    done = api.calibrate(own_batch, adj, output=tmp_path / "out", ledger=tmp_path / "台账.sqlite", as_of=DAY)
    before = {p.employee_id: p for p in done.before}
    after = {p.employee_id: p for p in done.after}
    # 单项's first person: 成就导向 50 + 15 = 65 → 55, the other items as they were; the total
    # 50 + 15·0.06 = 50.9 → 50 + 5·0.06 = 50.3
    d0, d0_after = before["D000"], after["D000"]
    assert (d0.item_scores[0], d0_after.item_scores[0], d0_after.item_scores[1:]) == (65, 55, d0.item_scores[1:])
    assert (d0.total, d0_after.total) == (50.9, 50.3)
    # 宽松 (rated by 甲): every item 5 down, so the total too: 70 → 65
    assert (before["K000"].total, after["K000"].total) == (70, 65)
    assert all(after[k].item_scores == before[k].item_scores for k in before if k[0] not in "DK")
    assert all(after[k].status == before[k].status for k in before)  # certification is never changed
    assert {c.before.employee_id[0] for c in done.changed} == {"D", "K"} and len(done.changed) == 20
    shown = sheet(done.output, "校准前后")
    head = shown[1]
    d0_row = next(r for r in shown if r[1] == "D000")
    assert [d0_row[head.index(h)] for h in ("校准前总分", "校准后总分", "调整的能力项（前→后）")] == [
        50.9,
        50.3,
        f"{FIRST} 65.0→55.0",
    ]
    assert [r[4] for r in sheet(done.output, "调整记录")[2:]] == ["−10", "−5"]
    with sqlite3.connect(tmp_path / "台账.sqlite") as db:
        decided = db.execute(
            "SELECT n, target, item, points, decided_by, reason FROM calibration_adjustments"
        ).fetchall()
        people = db.execute("SELECT COUNT(*) FROM calibration_changes").fetchone()[0]
        d0_before = db.execute("SELECT before, after FROM calibration_changes WHERE employee_id='D000'").fetchone()
    assert decided == [
        (1, "单项分公司", FIRST, -10.0, "王芳", "成就导向打分偏宽"),
        (2, "甲", "加权总分", -5.0, "校准会议", "整体偏宽"),
    ]
    assert people == 20 and '"total": 50.9' in d0_before[0] and '"total": 50.3' in d0_before[1]
    assert digests(own_batch) == inputs  # the originals are never written


def test_an_adjusted_score_stays_on_the_scale(own_batch, tmp_path):
    adj = adjustments_file(tmp_path / "调整表.xlsx", ["单位", "宽松分公司", FIRST, "+40", "王芳", "复核"])
    done = api.calibrate(own_batch, adj, output=tmp_path, ledger=tmp_path / "台账.sqlite", as_of=DAY)
    after = {p.employee_id: p for p in done.after}
    assert [after[f"K{k:03d}"].item_scores[0] for k in (0, 4)] == [100, 100]  # 70 + 40 and 90 + 40, at most 100


def test_unknown_targets_and_items_are_refused_row_by_row_and_nothing_is_recorded(own_batch, tmp_path):
    adj = adjustments_file(
        tmp_path / "调整表.xlsx",
        ["单位", "没有分公司", "", 3, "王芳", "x"],
        ["单位", "宽松分公司", "沟通", 3, "王芳", "y"],
    )
    from cmxl.errors import AdjustmentsInvalid

    with pytest.raises(AdjustmentsInvalid) as caught:
        api.calibrate(own_batch, adj, output=tmp_path / "out", ledger=tmp_path / "台账.sqlite", as_of=DAY)
    assert [(i.cell, i.code) for i in caught.value.errors] == [
        ("B2", "adjustment-target-unknown"),
        ("C3", "adjustment-item-unknown"),
    ]
    assert "第 2 行" in caught.value.errors[0].message and "第 3 行" in caught.value.errors[1].message
    assert not (tmp_path / "台账.sqlite").exists() and not (tmp_path / "out").exists()


def test_cli_lists_every_problem_and_writes_a_template_with_dropdowns(own_batch, tmp_path):
    adj = adjustments_file(tmp_path / "调整表.xlsx", ["部门", "宽松分公司", "", 3, "王芳", "x"])
    r = runner.invoke(app, ["calibrate", str(own_batch), "-a", str(adj), "--as-of", "2026-12-01"])
    assert r.exit_code == 1 and "A2" in r.output and "对象类别“部门”无法识别" in r.output
    blank = tmp_path / "空白调整表.xlsx"
    r = runner.invoke(app, ["calibrate", "--template", str(blank), str(own_batch)])
    assert r.exit_code == 0 and sheet(blank, "调整表")[0] == ["对象类别", "对象", "能力项", "调整", "决定人", "理由"]
    targets = [row[0] for row in sheet(blank, "对象名单")[1:]]
    assert "宽松分公司" in targets and "甲" in targets


def test_a_version_3_ledger_gains_the_calibration_tables(tmp_path):
    from cmxl.ledger import Ledger
    from cmxl.ledger_schema import MIGRATIONS

    path = tmp_path / "台账.sqlite"
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:3]:
        step(db)
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    with Ledger(path) as upgraded:
        assert upgraded.version == 4 and upgraded.has_table("calibration_adjustments")
        assert upgraded.has_table("calibration_changes")


def test_the_originals_and_earlier_results_are_never_overwritten(own_batch, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(own_batch / "宽松.xlsx", out / "校准分析_2026校准.xlsx")  # someone's file under that name
    with pytest.raises(api.CmxlError, match="已存在且不是 cmxl 的校准结果"):
        api.calibrate(own_batch, output=out, as_of=DAY)


def test_an_adjustments_file_saved_as_csv_by_excel_is_read(own_batch, tmp_path):
    csv = tmp_path / "调整表.csv"
    csv.write_bytes("对象类别,对象,能力项,调整,决定人,理由\r\n单位,宽松分公司,,-5,王芳,偏宽\r\n".encode("gbk"))
    done = api.calibrate(own_batch, csv, output=tmp_path, ledger=tmp_path / "台账.sqlite", as_of=DAY)
    after = {p.employee_id: p.total for p in done.after}
    assert (after["K000"], after["P0000"]) == (65, 50)  # 宽松 70 − 5; an ordinary unit as it was


def test_a_workbook_that_cannot_be_read_is_named_and_left_out(own_batch, tmp_path):
    from cmxl.xlsx import safety

    (own_batch / "加密.xlsx").write_bytes(safety.OLE_MAGIC + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le"))
    done = api.calibrate(own_batch, output=tmp_path, as_of=DAY)
    assert [p.name for p, _ in done.skipped] == ["加密.xlsx"] and len(done.before) == 80
