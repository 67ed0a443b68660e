"""cmxl bulk: a folder of workbooks -> results, roster, ledger, run.json; robust to bad files."""

import datetime as dt
import hashlib
import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from typer.testing import CliRunner

from cmxl.batch import BulkOptions, run_bulk
from cmxl.cli import app
from cmxl.core.layout.roster_pages import TABLE_TOP
from cmxl.ledger import Candidate, Ledger
from cmxl.xlsx import safety
from tests.conftest import ITEMS_A
from tests.roster_lists import listed
from tests.test_files import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
HEAD = ["员工编号", "姓名", "单位", "现岗位级别", "申报认证等级", "培训学时", "笔试成绩", "面试成绩", *ITEMS_A]


def small_book(path, rows):
    return write_xlsx(path, [HEAD, *[[*r, *[55] * len(ITEMS_A)] for r in rows]])


def make_batch(root: Path) -> Path:
    folder = root / "2026下半年"
    (folder / "华东").mkdir(parents=True)
    shutil.copy(ROOT / "workbooks" / "陕西_2026.xlsx", folder / "陕西_2026.xlsx")
    small_book(
        folder / "华东" / "苏州.xlsx",
        [
            ["D001", "张三", "苏州分公司", "中级客户经理", "四级", 30, 70, 70],
            ["S002", "李四", "苏州分公司", "中级客户经理", "四级", 30, 50, 70],
        ],
    )
    small_book(
        folder / "无锡.xlsx",
        [
            ["D001", "张三", "无锡分公司", "中级客户经理", "四级", 30, 75, 80],
            ["W002", "王五", "无锡分公司", "初级客户经理", "", "", "", ""],
        ],
    )
    (folder / "加密.xlsx").write_bytes(safety.OLE_MAGIC + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le"))
    (folder / "名单.xlsx").write_text("员工编号,姓名\n", encoding="utf-8")
    (folder / "~$无锡.xlsx").write_bytes(b"lock")  # Excel's lock file: not a workbook to process
    (folder / "说明.txt").write_text("readme", encoding="utf-8")
    return folder


def bulk(folder, *args):
    return runner.invoke(app, ["bulk", str(folder), "--issue-date", "2026-12-01", *map(str, args)])


def sheet(path, name):
    return listed(pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python())


def test_batch_with_good_messy_broken_and_duplicate_files(tmp_path):
    folder = make_batch(tmp_path)
    r = bulk(folder, "-j", "2")
    assert r.exit_code == 1, r.output  # two files failed, one has data errors
    assert "Traceback" not in r.output
    out = tmp_path / "2026下半年_输出"
    roster = out / "认证名单_2026下半年.xlsx"
    assert roster.exists() and (out / "华东" / "苏州_评分结果.xlsx").exists() and (out / "run.json").exists()
    assert (tmp_path / "证书台账.sqlite").exists()  # beside the output folder, shared by later batches

    log = {row[0]: row for row in sheet(roster, "处理日志")[1:]}
    assert sorted(log) == sorted(
        ["加密.xlsx", "华东/苏州.xlsx", "名单.xlsx", "无锡.xlsx", "陕西_2026.xlsx", "~$无锡.xlsx", "说明.txt"]
    )  # every file found is accounted for
    assert log["~$无锡.xlsx"][1] == log["说明.txt"][1] == "已跳过" and "锁定文件" in log["~$无锡.xlsx"][5]
    assert log["加密.xlsx"][1] == "失败" and "密码" in log["加密.xlsx"][5]
    assert log["名单.xlsx"][1] == "失败" and "不是 Excel 工作簿" in log["名单.xlsx"][5]
    # processed; people with errors not fully scored (O10's formula without a result is one of them)
    assert log["陕西_2026.xlsx"][1:4] == ["有错误", 48.0, 10.0]
    assert log["华东/苏州.xlsx"][6] == "华东/苏州_评分结果.xlsx"  # beside the roster, so the folder can move
    assert log["华东/苏州.xlsx"][1] == "有警告" and "也出现在其他文件中" in log["华东/苏州.xlsx"][5]
    assert log["无锡.xlsx"][7] == hashlib.sha256((folder / "无锡.xlsx").read_bytes()).hexdigest()

    passed = sheet(roster, "通过名单")
    head = passed[0]
    rows = [dict(zip(head, row, strict=True)) for row in passed[1:]]
    # D001 is in two files with different data: no certificate until that is resolved
    assert "D001" not in {x["员工编号"] for x in rows}
    held = [dict(zip(sheet(roster, "暂缓发证")[0], row, strict=True)) for row in sheet(roster, "暂缓发证")[1:]]
    dup = [x for x in held if x["员工编号"] == "D001"]
    assert {x["来源文件"] for x in dup} == {"华东/苏州.xlsx", "无锡.xlsx"}
    assert all("数据不同" in x["暂缓原因"] and "华东/苏州.xlsx" in x["需要修改"] for x in dup)
    # people of 陕西 whose rows have errors are held too, with the cells to fix
    shaanxi = [x for x in held if x["来源文件"] == "陕西_2026.xlsx"]
    assert shaanxi and all("测评数据!" in x["需要修改"] for x in shaanxi)
    # the region's own results say the same (DOMAIN §4.4): held, and the computed status in 原因
    summary = sheet(out / "陕西_2026_评分结果.xlsx", "汇总")
    rows_of = [dict(zip(summary[0], row, strict=True)) for row in summary[1:]]
    waiting = {x["员工编号"]: x["原因"] for x in rows_of if x["认证结果"] == "暂缓发证"}
    assert set(waiting) == {x["员工编号"] for x in shaanxi}
    assert all(f"计算结果：{x['计算结果']}" in waiting[x["员工编号"]] for x in shaanxi)
    assert "通过" in {x["计算结果"] for x in shaanxi}  # a pass that waits for its certificate
    assert all(x["有效期至"] == dt.date(2028, 12, 1) or str(x["有效期至"]).startswith("2028-12-01") for x in rows)
    failed = [dict(zip(sheet(roster, "未通过名单")[0], row, strict=True)) for row in sheet(roster, "未通过名单")[1:]]
    s002 = next(x for x in failed if x["员工编号"] == "S002")
    assert s002["认证结果"] == "未通过" and "笔试成绩 50 分" in s002["原因"] and s002["笔试成绩"] == 50
    assert "W002" not in {x["员工编号"] for x in failed}  # not applying this cycle
    ws = openpyxl.load_workbook(roster)["未通过名单"]
    head = TABLE_TOP + 1  # under the title block
    written = next(c for c in ws[head] if c.value == "笔试成绩").column
    row = next(r for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 1).value == "S002")
    assert ws.cell(row, written).number_format == "0.0_)"  # a space after "50.0" before the next column's text
    # printed, a wide list runs its first columns down the first pages: the reason stands beside
    # the result there, before the exam scores it cites
    failed_head = sheet(roster, "未通过名单")[0]
    assert failed_head[6:10] == ["认证类别", "申报认证等级", "认证结果", "原因"]
    assert failed_head.index("原因") < failed_head.index("笔试成绩")
    assert sheet(roster, "暂缓发证")[0][6:8] == ["暂缓原因", "需要修改"]  # likewise: why, and what to fix

    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["counts"]["files"] == 7 and record["counts"]["files_failed"] == 2
    assert record["counts"]["files_skipped"] == 2
    assert record["counts"]["ids_in_several_files"] == 1
    assert record["framework"]["id"] == "cm18" and len(record["framework"]["hash"]) == 64
    assert record["issues_by_code"]["id-in-several-files"] == 2
    assert {i["file"] for i in record["inputs"]} == set(log)


def normalised_roster(path):
    spec = importlib.util.spec_from_file_location("golden", ROOT / "tools" / "golden.py")
    golden = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(golden)
    members = golden.normalised(path)
    sheets = [k for k in members if k.startswith("xl/worksheets/sheet")]
    members.pop(max(sheets, key=lambda k: int(k.removesuffix(".xml").rsplit("sheet", 1)[1])))  # 运行信息 (last): run id
    return members


def test_rerun_gives_the_same_numbers_and_the_same_roster(tmp_path):
    folder = make_batch(tmp_path)
    roster = tmp_path / "2026下半年_输出" / "认证名单_2026下半年.xlsx"
    bulk(folder)
    first, first_xml = sheet(roster, "通过名单"), normalised_roster(roster)
    r = bulk(folder)
    assert "新发证书 0 张" in r.output
    assert sheet(roster, "通过名单") == first
    assert normalised_roster(roster) == first_xml
    with Ledger(tmp_path / "证书台账.sqlite") as db:
        numbers = [c.number for c in db.all()]
    assert len(numbers) == len(set(numbers)) == len({row[0] for row in first[1:]})


def copies(tmp_path: Path, n: int) -> Path:
    """A batch long enough to interrupt: n copies of a 120-person sample workbook."""
    folder = tmp_path / "批次"
    folder.mkdir()
    for k in range(n):
        shutil.copy(ROOT / "workbooks" / "四川_2026.xlsx", folder / f"四川_{k:02d}.xlsx")
    return folder


def test_a_killed_run_leaves_the_ledger_as_it_was_or_whole(tmp_path):
    folder = copies(tmp_path, 6)
    ledger = tmp_path / "台账.sqlite"
    cmd = [
        sys.executable,
        "-m",
        "cmxl.cli",
        "bulk",
        str(folder),
        "--issue-date",
        "2026-12-01",
        "--ledger",
        str(ledger),
        "-j",
        "1",
    ]

    def count():
        if not ledger.exists():
            return 0
        with sqlite3.connect(ledger) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return db.execute("SELECT COUNT(*) FROM certificates").fetchone()[0]

    def run_and_kill():
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = tmp_path / "批次_输出"
        deadline = time.time() + 60
        while time.time() < deadline and len(list(out.glob("*_评分结果.xlsx"))) < 2:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    run_and_kill()
    assert count() == 0  # as it was before the run
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    whole = count()
    assert whole > 0
    shutil.rmtree(tmp_path / "批次_输出")
    run_and_kill()
    assert count() == whole  # the earlier whole run, nothing half


def candidate(pid="E1", grade="四级"):
    return Candidate(pid, "张三", "南京分公司", "cm-cert", "客户经理岗位技能认证", "KH", grade, 2, "a.xlsx", "0" * 64)


def test_expiry_across_29_february_and_renewal(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as db:
        [first] = db.issue("r1", "b1", dt.date(2024, 2, 29), [candidate()])
        assert (first.certificate.number, first.certificate.expiry) == ("KH2024000001", "2026-02-28")
        # within 90 days of 2025-12-01 means up to 2026-03-01: listed; from 2025-11-29 only to 2026-02-27
        assert [c.number for c in db.expiring(dt.date(2025, 12, 1), 90)] == ["KH2024000001"]
        assert db.expiring(dt.date(2025, 11, 29), 90) == []
        assert [c.number for c in db.expiring(dt.date(2026, 3, 10), 0)] == ["KH2024000001"]  # expired, not renewed
        [same] = db.issue("r2", "b1", dt.date(2026, 2, 28), [candidate()])  # still valid on its last day
        assert not same.new and same.certificate.number == "KH2024000001"
        [renewal] = db.issue("r3", "b2", dt.date(2026, 3, 1), [candidate()])
        assert renewal.new and renewal.certificate.renews == "KH2024000001"
        assert renewal.certificate.number == "KH2026000001" and renewal.certificate.expiry == "2028-03-01"
        assert db.expiring(dt.date(2026, 3, 10), 0) == []  # renewed: no longer listed
        assert [c.number for c in db.find("E1")] == ["KH2024000001", "KH2026000001"]


def test_certs_commands(tmp_path):
    path = tmp_path / "l.sqlite"
    with Ledger(path) as db:
        db.issue("r1", "b", dt.date(2025, 1, 10), [candidate("E1"), candidate("E2", "三级")])
    r = runner.invoke(app, ["certs", "list", "--ledger", str(path)])
    assert r.exit_code == 0 and "KH2025000001" in r.output and "KH2025000002" in r.output
    r = runner.invoke(
        app, ["certs", "expiring", "--within", "90", "--as-of", "2026-12-01", "--ledger", str(path), "--json"]
    )
    assert [c["number"] for c in json.loads(r.stdout)] == ["KH2025000001", "KH2025000002"]
    r = runner.invoke(app, ["certs", "show", "E2", "--ledger", str(path)])
    assert r.exit_code == 0 and "三级" in r.output
    assert runner.invoke(app, ["certs", "show", "X9", "--ledger", str(path)]).exit_code == 1
    r = runner.invoke(app, ["certs", "list", "--ledger", str(tmp_path / "无.sqlite")])
    assert r.exit_code == 1 and "找不到证书台账" in r.output


def test_output_inside_input_is_refused(tmp_path):
    folder = make_batch(tmp_path)
    r = bulk(folder, "-o", folder / "输出")
    assert r.exit_code == 2


def test_expiring_sheet_across_29_february(tmp_path):
    folder = tmp_path / "2025下半年"
    folder.mkdir()
    small_book(folder / "苏州.xlsx", [["N001", "李四", "苏州分公司", "中级客户经理", "四级", 30, 70, 70]])
    ledger = tmp_path / "证书台账.sqlite"
    with Ledger(ledger) as db:  # an earlier batch certified E1 on 29 February 2024: valid through 28 February 2026
        db.issue("r0", "2024上半年", dt.date(2024, 2, 29), [candidate("E1")])
    r = runner.invoke(app, ["bulk", str(folder), "--issue-date", "2025-12-01"])
    assert r.exit_code == 0, r.output
    rows = sheet(tmp_path / "2025下半年_输出" / "认证名单_2025下半年.xlsx", "即将到期")
    found = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    # 2025-12-01 + 90 days = 2026-03-01 >= 2026-02-28: listed, 89 days left; the new certificate is not
    assert [(x["证书编号"], str(x["有效期至"])[:10], x["剩余天数"], x["状态"]) for x in found] == [
        ("KH2024000001", "2026-02-28", 89.0, "即将到期")
    ]


def test_unusable_ledger_fails_before_any_work(tmp_path):
    folder = tmp_path / "批次"
    folder.mkdir()
    small_book(folder / "苏州.xlsx", [["N001", "李四", "苏州分公司", "中级客户经理", "四级", 30, 70, 70]])
    broken = tmp_path / "坏台账.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    r = runner.invoke(app, ["bulk", str(folder), "--ledger", str(broken)])
    assert r.exit_code == 1 and "证书台账" in r.output and "无法打开" in r.output
    assert not (tmp_path / "批次_输出" / "苏州_评分结果.xlsx").exists()


def test_output_inside_the_input_folder_is_a_usage_error(tmp_path):
    folder = copies(tmp_path, 1)
    r = runner.invoke(app, ["bulk", str(folder), "-o", str(folder / "输出")])
    assert r.exit_code == 2 and "输出文件夹不能在输入文件夹里面" in r.output
    assert not (folder / "输出").exists()


def test_a_file_that_kills_its_worker_does_not_cost_the_batch(tmp_path, monkeypatch):
    """A file that aborts its process (calamine's Rust OOM did, exit 134) is logged as failed;
    the other files are processed, the roster is written, no temp file is left."""
    import cmxl.batch as batch

    folder = tmp_path / "批次"
    folder.mkdir()
    for name in ("a.xlsx", "炸弹.xlsx", "z.xlsx"):
        small_book(folder / name, [[f"{name[0]}1", "张三", "苏州分公司", "中级客户经理", "四级", 30, 70, 70]])
    monkeypatch.setenv(batch.FAULT_ABORT, "炸弹.xlsx")  # the worker given 炸弹.xlsx aborts, half-way through writing
    for jobs in ("1", "2"):
        out = tmp_path / f"输出{jobs}"
        r = bulk(folder, "-j", jobs, "-o", out, "--ledger", tmp_path / f"台账{jobs}.sqlite")
        assert r.exit_code == 1, r.output
        assert "Traceback" not in r.output and "BrokenProcessPool" not in r.output
        assert (out / "认证名单_批次.xlsx").exists(), (r.output, repr(r.exception))
        log = {row[0]: row for row in sheet(out / "认证名单_批次.xlsx", "处理日志")[1:]}
        assert log["炸弹.xlsx"][1] == "失败" and "进程异常终止" in log["炸弹.xlsx"][5]
        assert log["a.xlsx"][1] == log["z.xlsx"][1] == "成功"
        assert not list(out.rglob(".cmxl-*"))


@pytest.mark.skipif(sys.platform == "win32", reason="no resource module")
def test_workers_say_their_peak_memory(tmp_path):
    """Workers start from the fork server, out of sight of the parent's rusage: each says its own
    peak, and the batch keeps the largest (bench/bench_bulk.py prints it)."""
    folder = copies(tmp_path, 2)
    result = run_bulk(
        BulkOptions(folder, tmp_path / "输出", tmp_path / "台账.sqlite", "批次", dt.date(2026, 12, 1), jobs=1)
    )
    assert result.people == 240 and 30 < result.worker_peak_mb < 2000


def test_the_biggest_workbook_is_started_first(tmp_path):
    """A big file taken last keeps one worker busy while the others have nothing left to do: the
    workers get the biggest first. With one worker, files finish in the order they were given."""
    folder = tmp_path / "批次"
    folder.mkdir()
    small_book(folder / "a.xlsx", [["A1", "张三", "苏州分公司", "中级客户经理", "四级", 30, 70, 70]])
    shutil.copy(ROOT / "workbooks" / "江苏_2026.xlsx", folder / "m.xlsx")  # 260 people
    small_book(folder / "z.xlsx", [["Z1", "李四", "苏州分公司", "中级客户经理", "四级", 30, 70, 70]])
    finished: list[str] = []
    result = run_bulk(
        BulkOptions(folder, tmp_path / "输出", tmp_path / "台账.sqlite", "批次", dt.date(2026, 12, 1), jobs=1),
        on_file=lambda outcome, total: finished.append(outcome.log.file),
    )
    assert finished[0] == "m.xlsx" and sorted(finished) == ["a.xlsx", "m.xlsx", "z.xlsx"]
    assert [log.file for log in result.logs] == ["a.xlsx", "m.xlsx", "z.xlsx"]  # listed by name all the same
