"""The file adapter: what a workbook file holds reaches the core; what is not a workbook is said so."""

import io
import zipfile

import openpyxl
import pytest

from cmxl.core.errors import FileProblem
from cmxl.core.grid import CellError
from cmxl.xlsx import safety
from cmxl.xlsx.read import read_workbook


def write_xlsx(path, rows, hidden=(), title="测评数据"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    wb.save(path)
    return path


def write_xlsx_sheets(path, sheets: dict):
    """A workbook with one sheet per name, in order."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(r, c, value)
    wb.save(path)
    return path


def test_error_cells_and_hidden_rows_survive_reading(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["员工编号", "姓名", "成就导向"], ["0012", "张三", 85], ["0013", "李四", "#N/A"]],
        hidden=[3],
    )
    ws = openpyxl.load_workbook(path)
    ws.active["C3"].data_type = "e"
    ws.save(path)
    g = read_workbook(path)
    rows = g.sheets[0].rows
    assert rows[1] == ["0012", "张三", 85.0]
    assert rows[2][2] == CellError("#N/A")
    assert g.sheets[0].hidden_rows == frozenset({2})


def test_xlsm_is_read_like_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsm", [["员工编号", "姓名"], ["1", "张三"]])
    assert read_workbook(path).sheets[0].rows[1] == ["1", "张三"]


def test_missing_file(tmp_path):
    with pytest.raises(FileProblem) as e:
        read_workbook(tmp_path / "无.xlsx")
    assert e.value.kind == "missing" and "不存在" in e.value.message


def test_text_file_is_not_a_workbook(tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_text("员工编号,姓名\n1,张三\n", encoding="utf-8")
    with pytest.raises(FileProblem) as e:
        read_workbook(path)
    assert e.value.kind == "not-a-workbook" and "CSV" in e.value.message


def test_other_zip_is_not_a_workbook(tmp_path):
    path = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    with pytest.raises(FileProblem) as e:
        read_workbook(path)
    assert e.value.kind == "not-a-workbook"


def test_truncated_zip(tmp_path):
    good = write_xlsx(tmp_path / "a.xlsx", [["员工编号", "姓名"]])
    path = tmp_path / "b.xlsx"
    path.write_bytes(good.read_bytes()[:300])
    with pytest.raises(FileProblem) as e:
        read_workbook(path)
    assert e.value.kind == "not-a-workbook" and "损坏" in e.value.message


def test_encrypted_workbook(tmp_path):
    # Excel stores a password-protected .xlsx as an OLE container with an EncryptedPackage stream
    path = tmp_path / "加密.xlsx"
    path.write_bytes(safety.OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64)
    with pytest.raises(FileProblem) as e:
        read_workbook(path)
    assert e.value.kind == "encrypted" and "密码" in e.value.message


def test_zip_bomb(tmp_path):
    path = tmp_path / "炸弹.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(FileProblem) as e:
        read_workbook(path)
    assert e.value.kind == "zip-bomb"


def test_too_large(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "a.xlsx", [["员工编号", "姓名"]])
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 100)
    with pytest.raises(FileProblem) as e:
        read_workbook(path)
    assert e.value.kind == "too-large"


def test_empty_file(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    with pytest.raises(FileProblem) as e:
        read_workbook(path)
    assert e.value.kind == "not-a-workbook"


def test_legacy_xls_is_read(tmp_path):
    # tests/data/legacy_西安.xls: saved by LibreOffice as "MS Excel 97" from a two-person sheet
    from pathlib import Path

    path = Path(__file__).parent / "data" / "legacy_西安.xls"
    g = read_workbook(path)
    rows = g.sheets[0].rows
    assert g.sheets[0].name == "测评数据"
    assert rows[1][:4] == ["0007", "王五", "西安分公司", "中级客户经理"] and rows[1][4] == 55.0
    assert rows[2][4] == "初级"


def test_results_are_readable_like_any_new_file(tmp_path):
    import os

    from cmxl.files import temp_beside

    umask = os.umask(0o022)
    try:
        fresh = temp_beside(tmp_path / "新.xlsx")
        assert os.stat(fresh).st_mode & 0o777 == 0o644  # not mkstemp's 0600: colleagues can open it
        old = tmp_path / "旧.xlsx"
        old.write_bytes(b"x")
        old.chmod(0o640)
        assert os.stat(temp_beside(old)).st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    finally:
        os.umask(umask)


def test_each_limit_is_said_before_parsing(tmp_path, monkeypatch):
    """The limits that keep a hostile workbook from taking the machine (a 190-sheet file of 10 MB
    parts used 9.2 GB for 148 s): total unpacked size, number of sheets, cells of a used range."""
    wb = openpyxl.Workbook()
    wb.active.append(["员工编号", "姓名"])
    for n in range(3):
        wb.create_sheet(f"表{n}").append(["x" * 100])
    wb.save(tmp_path / "a.xlsx")
    limits = [
        ("MAX_UNPACKED_BYTES", 1000, "too-large", "解压后过大"),
        ("MAX_SHEETS", 2, "too-many-sheets", "工作表过多（4 张，上限 2 张）"),
        ("MAX_CELLS", 1, "too-large", "使用范围过大"),
    ]
    for name, value, kind, said in limits:
        with monkeypatch.context() as patch:
            patch.setattr(safety, name, value)
            with pytest.raises(FileProblem) as e:
                read_workbook(tmp_path / "a.xlsx")
        assert (e.value.kind, said in e.value.message) == (kind, True), name
    assert read_workbook(tmp_path / "a.xlsx").sheets  # within the limits it reads


def test_a_workbook_read_ahead_is_the_workbook_read(tmp_path):
    """The command line starts reading while its libraries load: the grid is the same, a file
    changed since is read again, and a bad file is reported where it is asked for."""
    import os
    import threading

    from cmxl.xlsx import read as R

    path = write_xlsx(tmp_path / "a.xlsx", [["员工编号", "姓名"], ["0001", "张三"]])
    R.read_ahead(path)
    early = read_workbook(path)
    again = read_workbook(path)  # nothing read ahead any more: a plain read
    assert (early.sha256, [s.rows for s in early.sheets]) == (again.sha256, [s.rows for s in again.sheets])
    assert early.source == "a.xlsx" and not R._AHEAD

    R.read_ahead(path)
    for t in threading.enumerate():
        if t.name == "cmxl-read":
            t.join()
    write_xlsx(path, [["员工编号", "姓名"], ["0002", "李四"]])
    os.utime(path, ns=(1, 1))  # a different time, whatever the clock's resolution
    assert read_workbook(path).sheets[0].rows[1] == ["0002", "李四"]

    bad = tmp_path / "b.xlsx"
    bad.write_bytes(path.read_bytes()[:300])
    R.read_ahead(bad)
    with pytest.raises(FileProblem) as e:
        read_workbook(bad)
    assert e.value.kind == "not-a-workbook"
    R.read_ahead(tmp_path / "没有这个文件.xlsx")  # nothing to read ahead: the read says what is wrong
    with pytest.raises(FileProblem):
        read_workbook(tmp_path / "没有这个文件.xlsx")


@pytest.mark.parametrize(
    ("argv", "first"),
    [
        (["score", "a.xlsx"], "a.xlsx"),
        (["score", "-o", "out.xlsx", "a.XLSM", "b.xlsx"], "a.XLSM"),
        (["validate", "--output", "x.xlsx", "--framework", "hq.toml", "c.xls"], "c.xls"),
        (["compare", "a.xlsx", "--new", "cm11"], "a.xlsx"),
        (["bulk", "folder"], None),
        (["template", "-o", "t.xlsx"], None),
        (["score", "--help"], None),
        ([], None),
    ],
)
def test_the_workbook_read_ahead_is_the_first_input(argv, first):
    from pathlib import Path

    from cmxl.command import first_workbook

    assert first_workbook(argv) == (Path(first) if first else None)


def test_the_cmxl_command_scores_with_the_workbook_read_ahead(tmp_path):
    import subprocess
    import sys

    from tests.test_cli import clean_book

    book = clean_book(tmp_path / "a.xlsx")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cmxl.command import main; main()",
            "score",
            str(book),
            "-o",
            str(tmp_path / "r.xlsx"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "已生成" in done.stderr, done.stderr
    assert openpyxl.load_workbook(tmp_path / "r.xlsx")["汇总"]["A2"].value is not None
