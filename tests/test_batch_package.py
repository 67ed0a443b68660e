"""The bulk run as a package of modules a maintainer can read (cmxl/batch/: options, discover,
names, run, pool, work, finish, runjson, result), each under 500 lines with no function over 80;
and a Ctrl-C that ends a run as a CmxlError saying what the ledger holds."""

import ast
import datetime as dt
from pathlib import Path

import pytest

import cmxl
from cmxl.batch import BulkOptions, run_bulk
from cmxl.core.errors import CmxlError
from tests.test_bulk import copies

PACKAGE = Path(cmxl.__file__).resolve().parent
OWNED = [
    "files.py",
    "errors.py",
    "core/errors.py",
    "core/ledger_records.py",
    "core/file_log.py",
    "core/engine/issuance.py",
    "ledger.py",
    "ledger_schema.py",
    "xlsx/write.py",
    "docx/certificates.py",
    "addin/package.py",
    "addin/settings.py",
]


def too_long(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    long = [
        f"{path.name}:{f.name} {f.end_lineno - f.lineno + 1} lines"
        for f in ast.walk(ast.parse(source))
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and f.end_lineno - f.lineno + 1 > 80
    ]
    lines = len(source.splitlines())
    return long + ([f"{path.name} {lines} lines"] if lines > 500 else [])


def test_the_bulk_run_is_modules_of_a_readable_size():
    modules = sorted((PACKAGE / "batch").glob("*.py"))
    assert {p.stem for p in modules} >= {"options", "discover", "names", "run", "pool", "work", "finish", "runjson"}
    assert [problem for path in [*modules, *(PACKAGE / m for m in OWNED)] for problem in too_long(path)] == []


def test_ctrl_c_ends_a_run_with_a_cmxl_error_that_says_the_ledger_is_untouched(tmp_path):
    folder = copies(tmp_path, 3)

    def ctrl_c(outcome, total):
        raise KeyboardInterrupt

    opts = BulkOptions(folder, tmp_path / "输出", tmp_path / "台账.sqlite", "批次", dt.date(2026, 12, 1), jobs=1)
    with pytest.raises(BaseException) as caught:  # (was a KeyboardInterrupt, which no `except CmxlError` saw)
        run_bulk(opts, ctrl_c)
    assert isinstance(caught.value, CmxlError) and caught.value.recorded is False
    assert caught.value.message.startswith("已中断：证书台账未作任何改动；已生成的单个结果文件都是完整的")
