"""HQ's own certification rules (--scheme): a scheme file replaces the shipped scheme of its id in
validate, score, bulk and compare; its id, version and hash are recorded."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cmxl
from cmxl.cli import app
from cmxl.core.model.loading import load_file
from cmxl.ledger import Ledger, LedgerProblem
from tests.conftest import AS_OF, ITEMS_A
from tests.test_files import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
HEAD = ["员工编号", "姓名", "单位", "现岗位级别", "申报认证等级", "培训学时", "笔试成绩", "面试成绩", *ITEMS_A]
runner = CliRunner()


def hq_scheme(tmp_path: Path) -> Path:
    """cert-cm with the written pass mark raised from 60 to 65 (a new version)."""
    text = (ROOT / "cmxl" / "frameworks" / "cert-cm.toml").read_text(encoding="utf-8")
    assert "written_min = 60" in text
    text = text.replace("written_min = 60", "written_min = 65").replace('version = "', 'version = "2027-', 1)
    path = tmp_path / "总部认证方案.toml"
    path.write_text(text, encoding="utf-8")
    return path


def book(path: Path) -> Path:
    rows = [
        ["0001", "张三", "南京", "中级客户经理", "四级", 30, 62, 70, *[55] * len(ITEMS_A)],  # 62: passes 60, not 65
        ["0002", "李四", "南京", "中级客户经理", "四级", 30, 80, 70, *[55] * len(ITEMS_A)],
    ]
    return write_xlsx(path, [HEAD, *rows])


def test_score_under_hq_scheme_and_the_record_of_it(tmp_path):
    hq = hq_scheme(tmp_path)
    path = book(tmp_path / "南京.xlsx")
    [shipped] = cmxl.score([path], as_of=AS_OF, output=tmp_path / "a.xlsx")
    [under_hq] = cmxl.score([path], schemes=[hq], as_of=AS_OF, output=tmp_path / "b.xlsx")
    assert [p.status for p in shipped.people] == ["通过", "通过"]
    assert [p.status for p in under_hq.people] == ["未通过", "通过"]
    assert under_hq.people[0].reasons_text == "笔试成绩 62 分，低于合格线 65 分"
    import python_calamine as pc

    info = dict(
        row[:2] for row in pc.CalamineWorkbook.from_path(str(under_hq.output)).get_sheet_by_name("运行信息").to_python()
    )
    scheme = load_file(hq)
    assert info["认证方案 cm-cert"] == f"{scheme.scheme.name}（版本 {scheme.version}），内容哈希 {scheme.content_hash}"


def test_a_model_file_given_as_a_scheme_is_refused_in_chinese(tmp_path):
    path = book(tmp_path / "南京.xlsx")
    r = runner.invoke(app, ["score", str(path), "--scheme", str(ROOT / "cmxl" / "frameworks" / "cm18.toml")])
    assert r.exit_code == 1 and "是能力模型文件，不是认证方案文件" in r.output
    r = runner.invoke(app, ["score", str(path), "--framework", str(hq_scheme(tmp_path))])
    assert r.exit_code == 1 and "认证方案请用 --scheme 指定" in r.output


def test_bulk_records_the_scheme_in_run_json_and_the_ledger(tmp_path):
    hq = hq_scheme(tmp_path)
    folder = tmp_path / "批次"
    folder.mkdir()
    book(folder / "南京.xlsx")
    r = runner.invoke(app, ["bulk", str(folder), "--issue-date", "2026-12-01", "--scheme", str(hq), "-j", "1"])
    assert r.exit_code == 0, r.output
    scheme = load_file(hq)
    record = json.loads((tmp_path / "批次_输出" / "run.json").read_text(encoding="utf-8"))
    assert record["schemes"]["cm-cert"] == {"version": scheme.version, "hash": scheme.content_hash}
    assert record["options"]["schemes"] == [str(hq)]
    with Ledger(tmp_path / "证书台账.sqlite") as db:
        [cert] = db.all()  # only 李四 passes under the raised mark
    assert (cert.employee_id, cert.scheme_version, cert.scheme_hash) == ("0002", scheme.version, scheme.content_hash)


def test_compare_a_new_scheme_lists_whose_certification_changes_and_why(tmp_path):
    hq = hq_scheme(tmp_path)
    path = book(tmp_path / "南京.xlsx")
    r = runner.invoke(app, ["compare", str(path), "--new", str(hq), "--json", "--as-of", "2026-12-01"])
    assert r.exit_code == 0, r.output
    record = json.loads(r.stdout)
    assert record["kind"] == "scheme" and record["old"]["id"] == record["new"]["id"] == "cm-cert"
    assert "合格线 · 笔试合格线（pass.written_min）：60 → 65" in record["rule_changes"]
    [person] = record["people"]
    assert person["employee_id"] == "0001"
    assert (person["before"]["认证结果"], person["after"]["认证结果"]) == ("通过", "未通过")
    assert person["after"]["原因"] == "笔试成绩 62 分，低于合格线 65 分"


def test_a_database_that_is_not_a_ledger_is_refused_untouched(tmp_path):
    other = tmp_path / "财务.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    before = other.read_bytes()
    with pytest.raises(LedgerProblem, match="不是 cmxl 的证书台账"):
        Ledger(other)
    assert other.read_bytes() == before
