"""A batch always finishes: whatever its files are called or are, wherever and however it is
started, after a killed run; and its workers end with the process that started them."""

import datetime as dt
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cmxl.batch import BulkOptions, run_bulk
from cmxl.core.errors import CmxlError
from tests.test_bulk import bulk, sheet, small_book

ROW = ["E1", "张三", "苏州分公司", "中级客户经理", "四级", 30, 70, 70]  # passes: one certificate
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux (/proc, FIFOs, byte file names)")


def batch_of(tmp_path, *names):
    folder = tmp_path / "批次"
    folder.mkdir()
    for k, name in enumerate(names):
        small_book(folder / name, [[f"E{k + 1}", *ROW[1:]]])
    return folder


def log_of(out, batch="批次"):
    """处理日志 as {file: (status, reason, output)}."""
    return {row[0]: (row[1], row[5], row[6]) for row in sheet(out / f"认证名单_{batch}.xlsx", "处理日志")[1:]}


def non_utf8(folder, raw: bytes) -> str:
    """A workbook whose name is the bytes `raw` (not UTF-8): Python's name for it."""
    name = os.fsdecode(raw)
    try:
        small_book(folder / name, [["N1", *ROW[1:]]])
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    return name


@linux
def test_a_name_that_is_not_utf8_is_shown_readably_and_its_results_get_a_safe_name(tmp_path):
    folder = batch_of(tmp_path, "a.xlsx")
    non_utf8(folder, b"\xc3\x28_2026.xlsx")
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 0, r.output
    out = tmp_path / "批次_输出"
    status, reason, output = log_of(out)["\ufffd(_2026.xlsx"]
    assert (status, output) == ("成功", "\ufffd(_2026_评分结果.xlsx") and "无法显示的字符" in reason
    assert (out / "\ufffd(_2026_评分结果.xlsx").is_file()
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert sorted(i["file"] for i in record["inputs"]) == ["a.xlsx", "\ufffd(_2026.xlsx"]
    assert record["counts"]["certificates_new"] == 2


@linux
def test_two_names_that_read_the_same_keep_their_own_results(tmp_path):
    folder = batch_of(tmp_path)
    non_utf8(folder, b"\xc3\x28.xlsx")
    non_utf8(folder, b"\xc4\x28.xlsx")
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 0, r.output  # N1 in both, the same row: one certificate, noted
    log = log_of(tmp_path / "批次_输出")
    assert {f: v[2] for f, v in log.items()} == {"%C3(.xlsx": "%C3(_评分结果.xlsx", "%C4(.xlsx": "%C4(_评分结果.xlsx"}


@linux
def test_a_folder_whose_name_is_not_utf8_names_the_batch_readably(tmp_path):
    """华东 in GBK, as a zip made on a Chinese Windows unpacks: the default batch name, output
    folder and roster are named with U+FFFD (the roster used to fail after the ledger committed)."""
    try:
        folder = tmp_path / os.fsdecode("华东".encode("gbk"))
        folder.mkdir()
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    small_book(folder / "a.xlsx", [ROW])
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 0, r.output
    assert "批次“\ufffd\ufffd\ufffd\ufffd”处理完毕" in r.output
    assert log_of(tmp_path / "\ufffd\ufffd\ufffd\ufffd_输出", "\ufffd\ufffd\ufffd\ufffd")["a.xlsx"][0] == "成功"


def test_a_dangling_symlink_is_in_the_log(tmp_path):
    folder = batch_of(tmp_path, "a.xlsx")
    try:
        (folder / "旧名单.xlsx").symlink_to(folder / "已删除.xlsx")
    except OSError:
        pytest.skip("no symbolic links here")
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 0, r.output
    status, reason, _ = log_of(tmp_path / "批次_输出")["旧名单.xlsx"]
    assert status == "已跳过" and "指向的文件不存在" in reason and "已删除.xlsx" in reason


@linux
def test_a_fifo_is_in_the_log_and_never_opened(tmp_path):
    folder = batch_of(tmp_path, "a.xlsx")
    fifo = folder / "管道.xlsx"
    os.mkfifo(fifo)
    opened, finished = [], threading.Event()

    def writer():  # opening a FIFO for writing succeeds only while a reader has it open
        while not finished.wait(0.05):
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # the reader gets EOF, not a hang
                opened.append(True)
            except OSError:
                pass

    threading.Thread(target=writer, daemon=True).start()
    try:
        r = bulk(folder, "-j", "1")
    finally:
        finished.set()
    assert r.exit_code == 0, r.output
    assert opened == []
    status, reason, _ = log_of(tmp_path / "批次_输出")["管道.xlsx"]
    assert status == "已跳过" and "命名管道" in reason


@linux
def test_a_device_file_is_in_the_log(tmp_path):
    folder = batch_of(tmp_path, "a.xlsx")
    (folder / "设备.xlsx").symlink_to("/dev/null")
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 0, r.output
    status, reason, _ = log_of(tmp_path / "批次_输出")["设备.xlsx"]
    assert status == "已跳过" and "设备文件" in reason


def test_bulk_run_beside_a_folder_named_cmxl_uses_the_installed_cmxl(tmp_path):
    """The parent of a clone: ./cmxl is the repository (no __init__.py). The workers used to
    import it as cmxl and every file failed (FileNotFoundError …/cmxl/frameworks)."""
    script = Path(sys.executable).with_name("cmxl.exe" if sys.platform == "win32" else "cmxl")
    if not script.exists():
        pytest.skip("cmxl's console script is not installed beside this Python")
    batch_of(tmp_path, "a.xlsx")
    (tmp_path / "cmxl").mkdir()
    (tmp_path / "cmxl" / "README.md").write_text("a clone\n", encoding="utf-8")
    done = subprocess.run(
        [str(script), "bulk", "批次", "--issue-date", "2026-12-01", "-j", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert log_of(tmp_path / "批次_输出")["a.xlsx"][0] == "成功"


SCRIPT = """\
import datetime as dt
import cmxl

print("脚本开始")
run = cmxl.bulk("workbooks", issue_date=dt.date(2026, 12, 1), jobs=2)
print([log.status for log in run.logs], run.new_certificates)
"""


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_the_api_works_from_a_script_without_a_main_guard(tmp_path, how):
    """The README's example saved as a script: the workers do not run it again (each used to
    print 脚本开始 and fail), and run from stdin (`python - < script.py`) it works too."""
    batch_of(tmp_path, "a.xlsx", "b.xlsx").rename(tmp_path / "workbooks")
    (tmp_path / "script.py").write_text(SCRIPT, encoding="utf-8")
    args = [sys.executable, "script.py"] if how == "file" else [sys.executable, "-"]
    done = subprocess.run(
        args, cwd=tmp_path, input=None if how == "file" else SCRIPT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["脚本开始", "['成功', '成功'] 2"], done.stderr


def test_temp_files_of_a_killed_run_are_removed_by_the_next_and_nothing_else(tmp_path):
    folder = batch_of(tmp_path, "a.xlsx")
    out = tmp_path / "批次_输出"
    out.mkdir()
    left = {".cmxl-k3x_9a0q.xlsx": b"PK\x03\x04half", ".cmxl-ab12cd34.docx": b"", "run.json.tmp": b'{"tool'}
    kept = {
        ".cmxl-notes123.xlsx": b"my own notes",  # a temp file's name, not its content
        "cmxl-k3x_9a0q.xlsx": b"PK\x03\x04",
        ".cmxl-k3x_9a0q.xlsx.bak": b"PK\x03\x04",
        ".cmxl-预算.xlsx": b"PK\x03\x04",
    }
    an_hour_ago = time.time() - 3600
    for name, content in {**left, **kept}.items():
        (out / name).write_bytes(content)
        os.utime(out / name, (an_hour_ago, an_hour_ago))
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 0, r.output
    names = {p.name for p in out.iterdir()}
    assert names & set(left) == set() and set(kept) <= names


def test_a_roster_that_cannot_be_written_leaves_run_json_and_says_what_was_recorded(tmp_path):
    """The ledger has committed: the run is not lost. (The roster's name taken by a folder stands
    for a roster open in Excel on Windows, or any other failure to write it.)"""
    folder = batch_of(tmp_path, "a.xlsx")
    out, ledger = tmp_path / "输出", tmp_path / "台账.sqlite"
    (out / "认证名单_批次.xlsx").mkdir(parents=True)
    opts = BulkOptions(folder, out, ledger, "批次", dt.date(2026, 12, 1), jobs=1)
    with pytest.raises(CmxlError) as caught:
        run_bulk(opts)
    message = caught.value.message
    assert "证书台账已完整登记本批次：新发证书 1 张" in message and "认证名单未能写出" in message
    assert "重新运行同一命令即可写出认证名单" in message
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["roster"] is None and "认证名单_批次.xlsx" in record["roster_problem"]
    assert record["counts"]["certificates_new"] == 1
    (out / "认证名单_批次.xlsx").rmdir()
    again = run_bulk(opts)  # re-running writes it, with the same number
    assert again.roster.is_file() and (again.new_certificates, again.reused_certificates) == (0, 1)


def test_an_unexpected_error_in_the_roster_still_leaves_run_json(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr("cmxl.batch.finish.build_roster", broken)
    folder = batch_of(tmp_path, "a.xlsx")
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "证书台账已完整登记本批次" in r.output and "意外错误：ValueError: boom" in r.output
    record = json.loads((tmp_path / "批次_输出" / "run.json").read_text(encoding="utf-8"))
    assert record["roster_problem"] == "意外错误：ValueError: boom"


def test_a_run_json_that_cannot_be_written_says_the_roster_was(tmp_path):
    folder = batch_of(tmp_path, "a.xlsx")
    (tmp_path / "批次_输出" / "run.json").mkdir(parents=True)
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "认证名单" in r.output and "已写出，但运行记录 run.json 未能写出" in r.output
    assert (tmp_path / "批次_输出" / "认证名单_批次.xlsx").is_file()
    with sqlite3.connect(tmp_path / "证书台账.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM certificates").fetchone()[0] == 1


PARENT = """\
import datetime as dt, sys, time
from pathlib import Path
from cmxl.batch import BulkOptions, run_bulk

def hold(outcome, total):  # the pool is up, its workers alive: say so, then wait to be killed
    print("ready", flush=True)
    time.sleep(600)

folder = Path(sys.argv[1])
run_bulk(BulkOptions(folder, folder.parent / "输出", folder.parent / "台账.sqlite", "批次", dt.date(2026, 12, 1), jobs=2), hold)
"""


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: pid -> (parent pid, state), from /proc (the name may hold spaces and ')')."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = (int(fields[1]), fields[0])
    return found


def _descendants(pid: int) -> set[int]:
    table, found, todo = _processes(), set(), [pid]
    while todo:
        parent = todo.pop()
        children = [p for p, (ppid, _) in table.items() if ppid == parent]
        found.update(children)
        todo.extend(children)
    return found


def _running(pids: set[int]) -> set[int]:
    table = _processes()
    return {p for p in pids if p in table and table[p][1] != "Z"}


@linux
def test_workers_end_when_their_parent_dies_and_stays_a_zombie(tmp_path):
    """The parent is killed and its own parent (this test) does not reap it: a zombie, whose pid
    still answers os.kill(pid, 0). Its workers used to wait for work forever."""
    folder = batch_of(tmp_path, "a.xlsx", "b.xlsx")
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    workers: set[int] = set()
    try:
        ready, _, _ = select.select([parent.stdout], [], [], 120)
        assert ready and parent.stdout.readline() == "ready\n", parent.stderr.read() if not ready else ""
        workers = _descendants(parent.pid)  # the fork server, the workers (and the resource tracker)
        assert len(workers) >= 3
        os.kill(parent.pid, signal.SIGKILL)  # and not reaped
        deadline = time.time() + 10
        while _running(workers) and time.time() < deadline:
            time.sleep(0.05)
        assert _processes()[parent.pid][1] == "Z"  # still a zombie, as the case is
        assert _running(workers) == set()
    finally:
        for pid in _running(workers):
            os.kill(pid, signal.SIGKILL)
        parent.kill()
        parent.wait()


def test_a_long_file_name_gets_results_with_a_shortened_name_not_an_english_error(tmp_path):
    """81 Chinese characters: 248 bytes. "<name>_评分结果.xlsx" would be 266, past the 255 a disk allows."""
    long = "四" * 81 + ".xlsx"
    folder = batch_of(tmp_path, long, "四" * 80 + "五.xlsx")  # two that begin alike stay two files
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 0, r.output
    assert "Errno" not in r.output and "File name too long" not in r.output
    out = tmp_path / "批次_输出"
    results = sorted(p.name for p in out.glob("*_评分结果.xlsx"))
    assert len(results) == 2 and all(len(n.encode()) <= 200 and "…" in n for n in results)
    assert [status for status, _, _ in log_of(out).values()] == ["成功", "成功"]
    from typer.testing import CliRunner

    from cmxl.cli import app

    single = CliRunner().invoke(app, ["score", str(folder / long)])
    assert single.exit_code == 0 and "Errno" not in single.output
