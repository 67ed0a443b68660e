"""Every file cmxl writes is written one way (cmxl/files.py): into a temp file beside the target
with a name cmxl knows, flushed to the disk, then renamed over the target; a failure leaves the
target as it was and no temp file, and says in Chinese what to do."""

import ast
import datetime as dt
import errno
import os
import time
from pathlib import Path

import pytest

import cmxl
from cmxl.batch import BulkOptions, run_bulk
from cmxl.core.errors import CmxlError
from tests.test_batch_finishes import batch_of

PACKAGE = Path(cmxl.__file__).resolve().parent
WINDOWS_PYTHON = r"C:\Users\hr\cmxl\.venv\Scripts\pythonw.exe"


def results_workbook(target: Path) -> None:
    from cmxl.core.layout.spec import ReportSpec, SheetSpec
    from cmxl.xlsx.render import render

    render(ReportSpec([SheetSpec("汇总")], {}), target)


def certificates(target: Path) -> None:
    from cmxl.core.ledger_records import Certificate
    from cmxl.docx.certificates import print_certificates

    one = Certificate(
        "KH2026000001", "0001", "张三", "南京分公司", "cm", "客户经理岗位技能认证", "四级", "2026-12-01",
        "2028-12-01", "a.xlsx", "0" * 64, "run", None,
    )  # fmt: skip
    print_certificates([one], None, target)


def add_in(target: Path) -> None:
    from cmxl.addin.package import Settings, build

    build(target, Settings(interpreter_win=WINDOWS_PYTHON))


def settings(target: Path) -> None:
    from cmxl.addin.settings import Prefs

    Prefs(framework="cm11").save(target)


@pytest.mark.parametrize(
    ("write", "name"),
    [
        (results_workbook, "结果.xlsx"),
        (certificates, "证书.docx"),
        (add_in, "cmxl.xlam"),
        (settings, "settings.json"),
    ],
)
def test_a_file_is_on_the_disk_before_it_takes_its_name(tmp_path, monkeypatch, write, name):
    """After a power cut the target is the old file or the new one, never an empty one: the temp
    file is flushed (fsync) before the rename makes it the target."""
    events = []
    fsync, replace = os.fsync, os.replace

    def flushed(fd):
        events.append(("fsync", os.fstat(fd).st_ino))
        fsync(fd)

    def renamed(src, dst):
        events.append(("replace", os.stat(src).st_ino, Path(dst).name))
        replace(src, dst)

    monkeypatch.setattr(os, "fsync", flushed)
    monkeypatch.setattr(os, "replace", renamed)
    write(tmp_path / name)
    [(_, synced), (_, moved, target)] = events
    assert synced == moved and target == name
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_saving_the_settings_leaves_a_file_called_like_the_old_fixed_temp_alone(tmp_path):
    """Two Excel windows saving at once each have their own temp file (the fixed settings.tmp
    was shared), and a file of that name is never overwritten."""
    from cmxl.addin.settings import Prefs

    (tmp_path / "settings.tmp").write_text("mine", encoding="utf-8")
    Prefs(framework="cm11").save(tmp_path / "settings.json")
    assert Prefs.load(tmp_path / "settings.json").framework == "cm11"
    assert (tmp_path / "settings.tmp").read_text(encoding="utf-8") == "mine"


def test_an_add_in_install_that_fails_half_way_leaves_the_installed_one(tmp_path, monkeypatch):
    from cmxl.addin import package

    folder = tmp_path / "XLSTART"
    package.install(folder, package.Settings(interpreter_win=WINDOWS_PYTHON))
    before = (folder / "cmxl.xlam").read_bytes()

    def disk_full(src, dst):
        Path(dst).write_bytes(b"PK\x03\x04half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(package.shutil, "copyfile", disk_full)
    with pytest.raises(CmxlError) as caught:
        package.install(folder, package.Settings(interpreter_win=WINDOWS_PYTHON))
    assert "cmxl.xlam：写入失败（磁盘已满）" in caught.value.message
    assert (folder / "cmxl.xlam").read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["cmxl.xlam"]


def test_a_run_json_that_cannot_be_written_is_said_in_words_and_leaves_no_temp_file(tmp_path):
    folder = batch_of(tmp_path, "a.xlsx")
    out = tmp_path / "输出"
    (out / "run.json").mkdir(parents=True)  # run.json's name taken: it cannot be replaced
    with pytest.raises(CmxlError) as caught:
        run_bulk(BulkOptions(folder, out, tmp_path / "台账.sqlite", "批次", dt.date(2026, 12, 1), jobs=1))
    assert f"运行记录 run.json 未能写出：{out / 'run.json'}：写入失败（这是一个文件夹）" in caught.value.message
    assert sorted(p.name for p in out.iterdir()) == ["a_评分结果.xlsx", "run.json", "认证名单_批次.xlsx"]


def test_the_temp_file_of_run_json_left_by_a_killed_run_is_removed_by_the_next(tmp_path):
    folder = batch_of(tmp_path, "a.xlsx")
    out = tmp_path / "输出"
    out.mkdir()
    left = out / ".cmxl-k3x_9a0q.json"
    left.write_bytes(b'{"tool')
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    run_bulk(BulkOptions(folder, out, tmp_path / "台账.sqlite", "批次", dt.date(2026, 12, 1), jobs=1))
    assert not left.exists()


def test_no_module_renames_or_makes_temp_files_its_own_way():
    """os.replace, os.rename, mkstemp and Path(...).replace are cmxl/files.py's alone; the
    certificates printer no longer borrows the xlsx writer's or the report's."""
    not_yet: set[str] = set()
    found = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            on, attr = node.func.value, node.func.attr
            name = on.id if isinstance(on, ast.Name) else ""
            if (name, attr) in {("os", "replace"), ("os", "rename"), ("tempfile", "mkstemp")} or (
                attr == "replace" and isinstance(on, ast.Call) and getattr(on.func, "id", "") == "Path"
            ):
                found.add(rel)
    assert found - not_yet == {"cmxl/files.py"}
    printer = ast.parse((PACKAGE / "docx" / "certificates.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(printer) if isinstance(n, ast.ImportFrom)}
    assert "cmxl.files" in imported and imported & {"cmxl.xlsx.write", "cmxl.docx.render"} == set()
