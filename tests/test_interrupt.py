"""Ctrl-C at any moment: no half-written file, no traceback, the ledger whole or untouched, and
a message that says which."""

import datetime as dt
import gc
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile

import pytest
from typer.testing import CliRunner

import cmxl.xlsx.render as render_module
from cmxl.batch import BulkOptions, Interrupted, run_bulk
from cmxl.cli import app
from tests.test_bulk import copies
from tests.test_report import results


@pytest.fixture
def unraisable(monkeypatch):
    """What the garbage collector would print as "Exception ignored in …" (lxml writers
    closed out of order are what did it)."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(repr(u.exc_value)))
    return seen


def interrupt_on_call(monkeypatch, name, n):
    """Ctrl-C arrives during the n-th call of render's `name`."""
    real = getattr(render_module, name)
    calls = 0

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == n:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(render_module, name, counting)


@pytest.mark.parametrize(
    ("name", "n"),
    [
        ("_cell", 300),  # between two rows openpyxl is streaming into a sheet
        ("_fast_sheet_data", 1),  # after the first sheets are streamed, before the big one
        ("save_atomically", 1),  # with every sheet open, before the save
    ],
)
def test_an_interrupted_render_leaves_no_file_and_prints_nothing(tmp_path, monkeypatch, unraisable, name, n):
    _, spec = results("江苏_2026.xlsx")  # 260 people: its big sheets take the direct path too
    interrupt_on_call(monkeypatch, name, n)
    with pytest.raises(KeyboardInterrupt):
        render_module.render(spec, tmp_path / "结果.xlsx")
    gc.collect()
    assert unraisable == []
    assert list(tmp_path.iterdir()) == []  # neither the target nor a temp file


def test_an_interrupt_while_rows_are_compressed_leaves_no_file_and_prints_nothing(tmp_path, monkeypatch, unraisable):
    """Ctrl-C while a big sheet's rows are being made, its earlier pieces being compressed on
    the zip thread: the thread is stopped, the temp file removed."""
    import cmxl.xlsx.rows as rows_module

    _, spec = results("江苏_2026.xlsx")
    real = rows_module.SheetRows._plain_rows
    calls = 0

    def counting(self, *args):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(rows_module, "CHUNK_CHARS", 1)  # every piece is handed to the thread at once
    monkeypatch.setattr(rows_module.SheetRows, "_plain_rows", counting)
    with pytest.raises(KeyboardInterrupt):
        render_module.render(spec, tmp_path / "结果.xlsx")
    gc.collect()
    assert calls == 2 and unraisable == []
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name == "cmxl-zip"]


def options(tmp_path, folder, jobs):
    return BulkOptions(
        folder=folder,
        output=tmp_path / "输出",
        ledger=tmp_path / "台账.sqlite",
        batch="批次",
        issue_date=dt.date(2026, 12, 1),
        jobs=jobs,
    )


def certificates(ledger):
    with sqlite3.connect(ledger) as db:
        return db.execute("SELECT COUNT(*) FROM certificates").fetchone()[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_in_the_pool_finishes_the_files_in_hand_and_starts_no_more(tmp_path, jobs):
    """The pool queues a file or two for its workers ahead (those cannot be cancelled): a worker
    looks at the main process's request before it starts one. Ctrl-C after the first file: that
    file, and the one each worker has in hand, are written; no other."""
    folder = copies(tmp_path, 10)
    stopping = []

    def first_file_then_ctrl_c(outcome, total):
        raise KeyboardInterrupt

    with pytest.raises(Interrupted) as caught:
        run_bulk(options(tmp_path, folder, jobs), first_file_then_ctrl_c, lambda: stopping.append(True))
    assert caught.value.recorded is False and stopping == [True]
    assert certificates(tmp_path / "台账.sqlite") == 0
    written = sorted((tmp_path / "输出").iterdir())
    assert written and all(p.name.endswith("_评分结果.xlsx") for p in written)  # no .cmxl- temp files
    assert len(written) <= 1 + jobs  # the first, and one in hand a worker (queued ones not started)
    for path in written:  # each one whole
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None


def test_ctrl_c_after_the_ledger_is_written_says_so(tmp_path, monkeypatch):
    folder = copies(tmp_path, 2)

    def roster_interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("cmxl.batch.finish.build_roster", roster_interrupted)
    r = CliRunner().invoke(app, ["bulk", str(folder), "--issue-date", "2026-12-01", "-j", "1"])
    assert r.exit_code == 130, r.output
    assert "证书台账已完整登记本批次" in r.output and "Traceback" not in r.output
    assert certificates(tmp_path / "证书台账.sqlite") > 0


@pytest.mark.parametrize(
    "jobs",
    [
        "1",  # the signal reaches the one process
        "2",  # a terminal's Ctrl-C reaches the whole process group, workers included
    ],
)
def test_ctrl_c_in_a_terminal_stops_cleanly(tmp_path, jobs):
    folder = copies(tmp_path, 20)  # still running when the signal comes, on a slow machine too
    ledger = tmp_path / "台账.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cmxl.cli", "bulk", str(folder), "--ledger", str(ledger), "-j", jobs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )
    out = tmp_path / "批次_输出"
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob("*_评分结果.xlsx")):
        time.sleep(0.05)
    if jobs == "1":
        proc.send_signal(signal.SIGINT)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "已中断" in err and "Traceback" not in err and "Exception ignored" not in err
    assert not ledger.exists() or certificates(ledger) == 0
    assert not list(out.glob(".cmxl-*"))
