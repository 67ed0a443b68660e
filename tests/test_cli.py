"""The command line as a clerk or a script uses it: exit codes, output, files written."""

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from typer.testing import CliRunner

from cmxl.cli import app
from tests.conftest import ITEMS_A, RESULT_SHEETS
from tests.test_files import write_xlsx

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
HEAD = ["员工编号", "姓名", "单位", "现岗位级别", "申报认证等级", "培训学时", "笔试成绩", "面试成绩"]
ITEMS = ITEMS_A


def clean_book(path, first_score=60):
    rows = [
        HEAD + ITEMS,
        ["0001", "张三", "南京分公司", "中级客户经理", "四级", 30, 75, 80, *[first_score] + [55] * 17],
        ["0002", "李四", "苏州分公司", "初级客户经理", "", "", "", "", *[35] * 18],
    ]
    return write_xlsx(path, rows)


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_clean_file_exits_0(tmp_path):
    r = cli("validate", clean_book(tmp_path / "江苏.xlsx"))
    assert r.exit_code == 0, r.output
    assert "没有发现问题" in r.output


def test_validate_with_errors_exits_1_and_names_the_cell(tmp_path):
    r = cli("validate", clean_book(tmp_path / "江苏.xlsx", first_score=150))
    assert r.exit_code == 1
    assert "测评数据!I2" in r.output and "超出 0–100" in r.output and "员工 0001" in r.output


def test_usage_error_exits_2(tmp_path):
    assert cli("validate").exit_code == 2
    assert cli("score", "a.xlsx", "b.xlsx", "-o", tmp_path / "x.xlsx").exit_code == 2
    assert cli("score", "--as-of", "明天", "a.xlsx").exit_code == 2


def test_validate_json_lists_issues(tmp_path):
    r = cli("validate", "--json", clean_book(tmp_path / "江苏.xlsx", first_score="九十"))
    assert r.exit_code == 1
    issues = json.loads(r.stdout)
    assert [(i["cell"], i["code"], i["employee_id"]) for i in issues] == [("I2", "score-not-number", "0001")]


def test_score_writes_results_beside_and_leaves_input_unchanged(tmp_path):
    book = clean_book(tmp_path / "江苏_2026.xlsx")
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    r = cli("score", book, "--as-of", "2026-12-01")
    assert r.exit_code == 0, r.output
    out = tmp_path / "江苏_2026_评分结果.xlsx"
    assert out.exists() and "已生成" in r.output
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before
    wb = pc.CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == [
        *RESULT_SHEETS,
        "测评数据",
        "运行信息",
    ]
    rows = wb.get_sheet_by_name("汇总").to_python()
    first = dict(zip(rows[0], rows[1], strict=True))
    # 成就导向 60, the other 17 at 55: (6*60 + 94*55) / 100 = 3.6 + 51.7 = 55.3
    assert (first["员工编号"], first["加权总分"], first["综合级别"], first["认证结果"]) == (
        "0001",
        55.3,
        "中级",
        "通过",
    )
    assert first["达标情况"] == "达标"
    detail = wb.get_sheet_by_name("评分明细").to_python()
    row = dict(zip(detail[0], detail[1], strict=True))
    assert (row["成就导向得分"], row["成就导向级别"], row["成就导向差距"], row["对标岗位级别"]) == (
        60.0,
        "中级",
        0.0,
        "中级客户经理",
    )


def test_score_json_shape(tmp_path):
    r = cli("score", "--json", "-o", tmp_path / "out.xlsx", clean_book(tmp_path / "a.xlsx"))
    assert r.exit_code == 0
    people = json.loads(r.stdout)
    p = people[0]
    assert {"employee_id", "items", "total", "level", "attainment", "certification"} <= set(p)
    assert p["items"]["成就导向"] == {"score": 60.0, "level": "中级", "from_level": False, "gap": 0}
    assert p["certification"]["status"] == "通过" and p["certification"]["reasons"] == []
    second = people[1]
    assert second["certification"]["status"] is None and second["level"] == "初级"
    assert p["framework"]["id"] == "cm18" and len(p["framework"]["hash"]) == 64


def test_unreadable_file_is_one_line_no_traceback_and_others_go_on(tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_text("not a workbook")
    good = clean_book(tmp_path / "好.xlsx")
    r = cli("score", bad, good)
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "坏.xlsx：不是 Excel 工作簿" in r.output
    assert (tmp_path / "好_评分结果.xlsx").exists()


def test_locked_output_is_a_clear_error_and_leaves_nothing_half_written(tmp_path, monkeypatch):
    book = clean_book(tmp_path / "a.xlsx")
    out = tmp_path / "结果.xlsx"
    out.write_bytes(b"old")

    def locked(src, dst):  # what Windows does while Excel holds the file open
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cmxl.files.os.replace", locked)
    r = cli("score", book, "-o", out, "--force")  # replacing a file that is not a results file
    assert r.exit_code == 1 and "文件被占用" in r.output
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "结果.xlsx"]


def test_read_only_output_is_a_clear_error(tmp_path, monkeypatch):
    book = clean_book(tmp_path / "a.xlsx")
    out = tmp_path / "只读.xlsx"
    out.write_bytes(b"old")
    monkeypatch.setattr("cmxl.files._writable", lambda path: False)
    r = cli("score", book, "-o", out, "--force")  # replacing a file that is not a results file
    assert r.exit_code == 1 and "只读" in r.output and out.read_bytes() == b"old"


def test_output_cannot_overwrite_input(tmp_path):
    book = clean_book(tmp_path / "a.xlsx")
    before = book.read_bytes()
    r = cli("score", book, "-o", book)
    assert r.exit_code == 1 and "不能与输入文件相同" in r.output
    assert book.read_bytes() == before


def test_frameworks_lists_shipped_models_and_schemes():
    r = cli("frameworks", "--json")
    ids = {row["id"] for row in json.loads(r.stdout)}
    assert {"cm18", "cm11", "cm-cert", "vip-cert", "netopt-cert"} <= ids


def hq_model(tmp_path, name: str, *extra: tuple[str, str]) -> Path:
    """The shipped 18-item model as HQ might adjust it: 基本能力 30 -> 40, 专业/技术能力 45 -> 35."""
    text = (ROOT / "cmxl" / "frameworks" / "cm18.toml").read_text(encoding="utf-8")
    text = text.replace("weight = 30\n", "weight = 40\n", 1).replace("weight = 45\n", "weight = 35\n", 1)
    for old, new in extra:
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_hq_framework_file_changes_the_result(tmp_path):
    hq = hq_model(tmp_path, "总部模型.toml", ('id = "cm18"', 'id = "cm18-hq"'))
    r = cli("score", "--json", "--framework", hq, "-o", tmp_path / "o.xlsx", clean_book(tmp_path / "a.xlsx"))
    assert r.exit_code == 0, r.output
    p = json.loads(r.stdout)[0]
    # 成就导向 now weighs 40/5 = 8: (8*60 + 92*55) / 100 = 4.8 + 50.6 = 55.4
    assert p["total"] == 55.4 and p["framework"]["id"] == "cm18-hq"


def test_bad_hq_framework_lists_every_problem(tmp_path):
    src = (ROOT / "cmxl" / "frameworks" / "cm18.toml").read_text(encoding="utf-8")
    hq = tmp_path / "坏模型.toml"
    hq.write_text(src.replace("weight = 30\n", "weight = 31\n", 1).replace("min = 41", "min = 43"), encoding="utf-8")
    r = cli("frameworks", "--check", hq)
    assert r.exit_code == 1
    assert "categories.weight" in r.output and "levels[1].min" in r.output
    r = cli("validate", "--framework", hq, clean_book(tmp_path / "a.xlsx"))
    assert r.exit_code == 1 and "坏模型.toml" in r.output


def test_sample_workbook_scores(tmp_path):
    for name in ("江苏_2026.xlsx", "陕西_2026.xlsx"):
        shutil.copy(ROOT / "workbooks" / name, tmp_path / name)
    r = cli("score", tmp_path / "江苏_2026.xlsx", tmp_path / "陕西_2026.xlsx", "--as-of", "2026-12-01")
    assert r.exit_code == 1  # 陕西 has the hand-filled mistakes
    assert "江苏_2026.xlsx：260 人" in r.output and "陕西_2026.xlsx：48 人" in r.output
    assert (tmp_path / "陕西_2026_评分结果.xlsx").exists()


def test_text_from_input_stays_text_in_results(tmp_path):
    rows = [HEAD + ITEMS, ["=1+1", "@张三", "-南京", "中级客户经理", "", "", "", "", *["#N/A"] + [55] * 17]]
    book = write_xlsx(tmp_path / "a.xlsx", rows)
    wb = openpyxl.load_workbook(book)
    wb.active["A2"].data_type = "s"  # a clerk typed '=1+1 as text
    wb.save(book)
    out = tmp_path / "o.xlsx"
    cli("score", book, "-o", out)
    import zipfile

    with zipfile.ZipFile(out) as zf:  # sheet1 汇总, sheet6 测评数据: no formula, no error value
        xml = zf.read("xl/worksheets/sheet1.xml").decode() + zf.read("xl/worksheets/sheet6.xml").decode()
    assert "<f>" not in xml and 't="e"' not in xml
    summary = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()
    assert summary[1][0:3] == ["=1+1", "@张三", "-南京"]
    data = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("测评数据").to_python()
    assert data[1][0] == "=1+1" and data[1][8] == "#N/A"


def test_full_disk_is_a_clear_error_and_leaves_no_half_written_file(tmp_path, monkeypatch):
    book = clean_book(tmp_path / "a.xlsx")
    out = tmp_path / "结果.xlsx"

    def full(wb, target, direct):
        Path(target).write_bytes(b"PK partial")  # the temp file is half written, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cmxl.xlsx.write._write_package", full)
    r = cli("score", book, "-o", out, "--force")  # replacing a file that is not a results file
    assert r.exit_code == 1 and "写入失败" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_usage_errors_and_help_are_in_chinese():
    import subprocess
    import sys

    def run(*args):
        return subprocess.run([sys.executable, "-m", "cmxl.cli", *args], capture_output=True, text=True)

    missing = run("validate")
    assert missing.returncode == 2 and "用法错误：缺少参数" in missing.stderr and "Traceback" not in missing.stderr
    bogus = run("score", "--bogus", "x.xlsx")
    assert bogus.returncode == 2 and "没有这个选项：--bogus" in bogus.stderr
    date = run("score", "--as-of", "明天", "x.xlsx")
    assert date.returncode == 2 and "“明天”不是日期" in date.stderr
    helped = run("score", "-h")
    assert helped.returncode == 0
    assert all(word in helped.stdout for word in ("用法：", "选项", "显示本帮助并退出。"))
    assert not any(word in helped.stdout for word in ("Usage:", "Options", "Show this message"))


def test_compare_shows_rule_changes_and_whose_results_change(tmp_path):
    hq = hq_model(tmp_path, "总部模型_v2.toml", ('version = "1.0"', 'version = "2.0"'))
    book = clean_book(tmp_path / "a.xlsx")
    r = cli("compare", book, "--new", hq, "--json")
    assert r.exit_code == 0, r.output
    record = json.loads(r.stdout)
    assert "类别权重“基本能力”：30 → 40" in record["rule_changes"]
    assert "类别权重“专业/技术能力”：45 → 35" in record["rule_changes"]
    assert "能力项权重“成就导向”：6 → 8" in record["rule_changes"]  # 40 / 5 items
    # 0001: 成就导向 60, the rest 55 -> (6*60 + 94*55)/100 = 55.3 before, (8*60 + 92*55)/100 = 55.4 after;
    # 0002: every item 35 -> 35.0 under both
    assert [(c["employee_id"], c["before"]["加权总分"], c["after"]["加权总分"]) for c in record["people"]] == [
        ("0001", 55.3, 55.4)
    ]
    r = cli("compare", book, "--new", "cm18")
    assert r.exit_code == 0 and "规则内容相同" in r.output and "2 人中有 0 人" in r.output


@pytest.mark.parametrize("member", ["streamed", "copied"])
def test_full_disk_while_writing_rows_leaves_nothing_and_prints_nothing(tmp_path, monkeypatch, member):
    """Was: .cmxl-*.xlsx.patched files left and 'Exception ignored in ZipFile.__del__'. The disk
    fills while a sheet's rows are compressed on their own thread, or while a small part is copied."""
    import gc
    import sys
    import zipfile

    book = clean_book(tmp_path / "a.xlsx")
    calls = {"n": 0}

    def failing(real):
        def write(self, *args, **kwargs):
            archive = self._zipfile if isinstance(self, zipfile._ZipWriteFile) else self
            on_disk = archive.filename is not None  # openpyxl first saves to memory
            calls["n"] += bool(on_disk)
            if on_disk and calls["n"] > 3:
                raise OSError(28, "No space left on device")
            return real(self, *args, **kwargs)

        return write

    if member == "streamed":
        monkeypatch.setattr(zipfile._ZipWriteFile, "write", failing(zipfile._ZipWriteFile.write))
    else:
        monkeypatch.setattr(zipfile.ZipFile, "writestr", failing(zipfile.ZipFile.writestr))
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    monkeypatch.setattr("cmxl.xlsx.render.FAST_MIN_CELLS", 1)  # every sheet's rows are written directly
    r = cli("score", book, "-o", tmp_path / "结果.xlsx")
    gc.collect()
    assert r.exit_code == 1 and "写入失败" in r.output and "No space left" not in r.output
    assert calls["n"] > 3  # the write really ran and failed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"] and unraisable == []
