"""Hostile and accidental input through the real command line (cmxl.cli.main, the top-level
handler included): every case ends in a Chinese message or a correct result with a warning, the
documented exit code, no traceback, no changed input, no temp file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmxl.core.engine.assessment import assess
from cmxl.core.grid import CellError, SheetGrid, WorkbookGrid
from cmxl.core.layout.results import build_results
from cmxl.core.model.loading import catalogue
from cmxl.xlsx.render import render
from tests.conftest import AS_OF, ITEMS_A
from tests.test_files import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
HEAD = [
    "员工编号",
    "姓名",
    "单位",
    "现岗位级别",
    "申报认证等级",
    "培训学时",
    "笔试成绩",
    "面试成绩",
    "证书取得日期",
    *ITEMS_A,
]


def cmxl(capsys, monkeypatch, *args) -> tuple[int, str]:
    """Run the installed entry point in-process: (exit code, everything printed)."""
    from cmxl.cli import main

    monkeypatch.setattr(sys, "argv", ["cmxl", *map(str, args)])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "Error:" not in text, text
    return int(exited.value.code or 0), text


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def row(pid="0001", **over) -> list[object]:
    values = {"员工编号": pid, "姓名": "张三", "单位": "南京", "现岗位级别": "中级客户经理", "申报认证等级": "四级"}
    values.update({"培训学时": 30, "笔试成绩": 70, "面试成绩": 70, **{i: 55 for i in ITEMS_A}})
    values.update(over)
    return [values.get(h) for h in HEAD]


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.startswith(".cmxl-") or p.suffix == ".patched"]


# ---- silent wrong numbers ---------------------------------------------------------------------
def test_decimal_comma_and_a_year_in_a_date_column_are_errors(tmp_path, capsys, monkeypatch):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, row(笔试成绩="8,5", 证书取得日期=2026, 成就导向="1,00")])
    code, text = cmxl(capsys, monkeypatch, "validate", book, "--as-of", "2026-12-01")
    assert code == 1
    assert "“笔试成绩”的值“8,5”含逗号" in text and "“成就导向”的值“1,00”含逗号" in text
    assert "证书取得日期" in text and "date-invalid" in text


def test_a_workbook_with_nobody_in_it(tmp_path, capsys, monkeypatch):
    blank = write_xlsx(tmp_path / "空表.xlsx", [HEAD])
    code, text = cmxl(capsys, monkeypatch, "validate", blank)
    assert code == 0 and "没有人员数据" in text  # a warning, not "没有发现问题"
    folder = tmp_path / "批次"
    folder.mkdir()
    shutil.copy(blank, folder / "空表.xlsx")
    write_xlsx(folder / "南京.xlsx", [HEAD, row()])
    code, text = cmxl(capsys, monkeypatch, "bulk", folder, "--issue-date", "2026-12-01", "-j", "1")
    assert code == 1 and "失败 空表.xlsx：没有人员数据" in text


def test_a_nan_weight_is_refused_by_the_check(tmp_path, capsys, monkeypatch):
    text = (ROOT / "cmxl" / "frameworks" / "cm18.toml").read_text(encoding="utf-8")
    bad = tmp_path / "hq.toml"
    bad.write_text(text.replace("weight = 30", "weight = nan", 1), encoding="utf-8")
    code, out = cmxl(capsys, monkeypatch, "frameworks", "--check", bad)
    assert code == 1 and "categories[0].weight" in out and "nan" in out


# ---- files that must not crash or hang ----------------------------------------------------------
def test_a_value_far_away_is_refused_before_reading(tmp_path, capsys, monkeypatch):
    wb = openpyxl.Workbook()
    wb.active.append(HEAD)
    wb.active.append(row())
    wb.active["XFD1048576"] = 1
    wb.save(tmp_path / "远.xlsx")
    before = sha(tmp_path / "远.xlsx")
    code, text = cmxl(capsys, monkeypatch, "score", tmp_path / "远.xlsx")
    assert code == 1 and "XFD1048576" in text and "使用范围过大" in text
    assert sha(tmp_path / "远.xlsx") == before and no_temp_files(tmp_path)


def test_a_bad_crc_is_said_in_chinese(tmp_path, capsys, monkeypatch):
    good = write_xlsx(tmp_path / "好.xlsx", [HEAD, row()])
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF  # one flipped byte in the compressed sheet
    (tmp_path / "坏.xlsx").write_bytes(bytes(data))
    for command in (["validate", tmp_path / "坏.xlsx"], ["compare", tmp_path / "坏.xlsx", "--new", "cm11"]):
        code, text = cmxl(capsys, monkeypatch, *command)
        assert code == 1 and "已损坏" in text and "CRC" not in text


def with_control_characters(path: Path, marks: dict[str, str]) -> Path:
    """Excel stores a control character in a string as _xHHHH_ (openpyxl refuses to write one):
    patch the placeholders of a written workbook into that form."""
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            for placeholder, escaped in marks.items():
                content = content.replace(placeholder.encode(), escaped.encode())
            dst.writestr(info, content)
    path.write_bytes(data.getvalue())
    return path


def test_control_characters_in_flagged_cells_do_not_stop_the_file(tmp_path, capsys, monkeypatch):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, row(成就导向="VT90", 抗挫能力="8BEL5")])
    with_control_characters(book, {"VT90": "_x000B_90", "8BEL5": "8_x0007_5"})
    code, _ = cmxl(capsys, monkeypatch, "score", book, "-o", tmp_path / "结果.xlsx")
    assert code == 1 and (tmp_path / "结果.xlsx").exists()  # errors reported, the workbook written
    comments = [
        c.comment.text
        for r in openpyxl.load_workbook(tmp_path / "结果.xlsx")["测评数据"].iter_rows()
        for c in r
        if c.comment
    ]
    assert len(comments) == 2


# ---- options checked before any work ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--within", "999999999"], "天数"),
        (["--issue-date", "9999-12-31"], "年份"),
        (["--batch", "x" * 300], "批次名称"),
        (["--batch", "a/b"], "不能用于文件名"),
        (["-j", "-3"], "进程数"),
    ],
)
def test_bad_options_stop_before_the_ledger_is_touched(tmp_path, capsys, monkeypatch, args, said):
    folder = tmp_path / "批次"
    folder.mkdir()
    write_xlsx(folder / "南京.xlsx", [HEAD, row()])
    code, text = cmxl(capsys, monkeypatch, "bulk", folder, *args)
    assert code == 2 and said in text
    assert not (tmp_path / "证书台账.sqlite").exists() and not (tmp_path / "批次_输出").exists()


def test_output_must_be_xlsx_and_a_strange_file_is_not_overwritten(tmp_path, capsys, monkeypatch):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, row()])
    code, text = cmxl(capsys, monkeypatch, "score", book, "-o", tmp_path / "out.csv")
    assert code == 2 and ".xlsx" in text and not (tmp_path / "out.csv").exists()
    mine = tmp_path / "我的汇总.xlsx"
    write_xlsx(mine, [["我的数据"]])
    before = sha(mine)
    code, text = cmxl(capsys, monkeypatch, "score", book, "-o", mine)
    assert code == 1 and "--force" in text and sha(mine) == before
    code, _ = cmxl(capsys, monkeypatch, "score", book, "-o", mine, "--force")
    assert code == 0 and sha(mine) != before


# ---- the ledger and what it prints ------------------------------------------------------------------
def test_names_are_printed_as_they_are(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "批次"
    folder.mkdir()
    write_xlsx(folder / "南京.xlsx", [HEAD, row("0001", 姓名="[/]"), row("0002", 姓名="[red]李伟[/red]")])
    cmxl(capsys, monkeypatch, "bulk", folder, "--issue-date", "2026-12-01", "-j", "1")
    code, text = cmxl(capsys, monkeypatch, "certs", "list", "--ledger", tmp_path / "证书台账.sqlite")
    assert code == 0 and "[/]" in text and "[red]李伟[/red]" in text


def test_a_damaged_or_foreign_ledger_is_one_line(tmp_path, capsys, monkeypatch):
    broken = tmp_path / "坏台账.sqlite"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    code, text = cmxl(capsys, monkeypatch, "certs", "list", "--ledger", broken)
    assert code == 1 and "证书台账" in text
    other = tmp_path / "财务.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    code, text = cmxl(capsys, monkeypatch, "certs", "expiring", "--ledger", other)
    assert code == 1 and "不是 cmxl 的证书台账" in text


def test_a_closed_pipe_ends_quietly(tmp_path):
    folder = tmp_path / "批次"
    folder.mkdir()
    write_xlsx(folder / "南京.xlsx", [HEAD, *[row(f"{k:04d}") for k in range(300)]])
    import cmxl as api

    api.bulk(folder, issue_date=AS_OF, jobs=1)
    exe = Path(sys.executable).with_name("cmxl")
    shell = f"'{exe}' certs list --ledger '{tmp_path / '证书台账.sqlite'}' | head -1; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("KH") and "Traceback" not in done.stderr


# ---- any cell value: a valid workbook or a listed issue, never an exception --------------------------
CELL = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Z", "Cc"]), max_size=8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e300, max_value=1e300),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.sampled_from([CellError("#N/A"), CellError("#DIV/0!"), "８５", "85分", "高级", " 60 ", "=1+1"]),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.lists(CELL, min_size=len(HEAD), max_size=len(HEAD)), min_size=1, max_size=3))
def test_any_cell_values_give_a_workbook_or_issues(tmp_path, values):
    rows = [[f"{k:04d}", "张三", *v[2:]] for k, v in enumerate(values)]
    grid = WorkbookGrid("随机.xlsx", [SheetGrid("测评数据", [HEAD, *rows])])
    cat = catalogue()
    a = assess(grid, cat.framework(), cat, AS_OF)
    spec = build_results(a, grid, source="随机.xlsx", sha256="", tool_version="t", created="c")
    target = tmp_path / "随机_评分结果.xlsx"
    render(spec, target)
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames[0] == "汇总" and a.size == len(rows)
    for p in a.people:  # every value either counted or explained
        assert p.total is not None or p.issues


def test_a_score_formatted_as_a_percentage_is_read_as_shown(tmp_path, capsys, monkeypatch):
    """0.58 shown as 58% was scored 0.58 -> 初级 without a word: it is 58, with a warning."""
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, row(成就导向=0.58, 笔试成绩=0.7)])
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    ws.cell(2, HEAD.index("成就导向") + 1).number_format = "0%"
    ws.cell(2, HEAD.index("笔试成绩") + 1).number_format = "0.0%"
    wb.save(book)
    code, text = cmxl(capsys, monkeypatch, "validate", book, "--as-of", "2026-12-01")
    assert code == 0 and "0.58 显示为 58%，已按 58 读取" in text and "0.7 显示为 70%" in text
    code, text = cmxl(capsys, monkeypatch, "score", book, "--json", "--as-of", "2026-12-01")
    [person] = __import__("json").JSONDecoder().raw_decode(text[text.index("[") :])[0]  # stdout, then the summary
    assert person["items"]["成就导向"] == {"score": 58.0, "level": "中级", "from_level": False, "gap": 0}
    assert person["certification"]["status"] == "通过"  # 笔试 70, not 0.7


def test_an_unreadable_file_does_not_stop_the_others(tmp_path, capsys, monkeypatch):
    """Was exit 2 with click's English 'is not readable' and no file processed."""
    locked = write_xlsx(tmp_path / "锁定.xlsx", [HEAD, row()])
    fine = write_xlsx(tmp_path / "正常.xlsx", [HEAD, row()])
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "锁定.xlsx":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, text = cmxl(capsys, monkeypatch, "validate", locked, fine)
    assert code == 1 and "锁定.xlsx：没有读取权限" in text and "正常.xlsx" in text and "没有发现问题" in text


# ---- found by an independent attack on the command line ------------------------------------------
def test_dates_after_the_assessment_date_are_said_so_not_called_expired(tmp_path, capsys, monkeypatch):
    head = [*HEAD, "已持证书等级", "本岗位连续年限", "本岗位累计年限"]
    values = row(申报认证等级="三级", 证书取得日期=dt.date(2027, 6, 1), 培训学时=24)
    book = write_xlsx(tmp_path / "a.xlsx", [head, [*values, "四级", 3, 1]])
    _, text = cmxl(capsys, monkeypatch, "score", book, "--json", "--as-of", "2026-12-01")
    person = __import__("json").JSONDecoder().raw_decode(text[text.index("[") :])[0][0]
    reasons = [r["message"] for r in person["certification"]["reasons"]]
    assert any("取得于 2027-06-01，晚于评估基准日 2026-12-01，请核对" in r for r in reasons)
    assert not any("已过" in r for r in reasons)


def test_a_date_cell_before_1990_is_an_error(tmp_path, capsys, monkeypatch):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, row(证书取得日期=dt.date(1905, 7, 18))])
    code, text = cmxl(capsys, monkeypatch, "validate", book)
    assert code == 1 and "date-invalid" in text


def test_sheet_names_with_apostrophes_and_long_names(tmp_path):
    from cmxl.core.layout.results import copy_names
    from cmxl.core.layout.spec import link_to

    assert link_to("测评数据-O'Neil", "T3") == "'测评数据-O''Neil'!T3"
    long = "南京分公司二〇二六年度客户经理能力测评数据表第一批次"
    cat = catalogue()
    sheets = [SheetGrid(long + "甲", [HEAD, row("0001")]), SheetGrid(long + "乙", [HEAD, row("0002")])]
    a = assess(WorkbookGrid("a.xlsx", sheets), cat.framework(), cat, AS_OF)
    names = copy_names(a)
    assert len(set(names.values())) == 2 and all(len(n) <= 31 for n in names.values())


def test_looking_up_an_empty_file_does_not_make_it_a_ledger(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "空.sqlite"
    empty.write_bytes(b"")
    code, text = cmxl(capsys, monkeypatch, "certs", "list", "--ledger", empty)
    assert code == 1 and "不是 cmxl 的证书台账" in text and empty.read_bytes() == b""
    assert "未预料" not in text


def test_more_options_refused_before_work(tmp_path, capsys, monkeypatch):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, row()])
    code, text = cmxl(capsys, monkeypatch, "validate", book, "--as-of", "2026-W48-2")
    assert code == 2 and "不是日期" in text
    folder = tmp_path / ("很长的文件夹名" * 12)
    folder.mkdir()
    write_xlsx(folder / "a.xlsx", [HEAD, row()])
    code, text = cmxl(capsys, monkeypatch, "bulk", folder, "--issue-date", "2026-12-01")
    assert code == 2 and "--batch" in text and not (tmp_path / "证书台账.sqlite").exists()
    scheme = (ROOT / "cmxl" / "frameworks" / "cert-cm.toml").read_text(encoding="utf-8")
    (tmp_path / "hq.toml").write_text(scheme.replace("validity_years = 2", "validity_years = 100000"), encoding="utf-8")
    code, text = cmxl(capsys, monkeypatch, "frameworks", "--check", tmp_path / "hq.toml")
    assert code == 1 and "validity_years" in text


def test_a_big_sheet_without_a_declared_dimension_is_not_refused():
    """A writer may omit <dimension> (openpyxl's write-only mode does): 40,000 people of 40
    columns must pass, judged by the columns really used, not the 702 columns up to ZZ."""
    from cmxl.core.cellref import column_letter
    from cmxl.xlsx.safety import check_extent

    header = "".join(f'<c r="{column_letter(c)}1" t="inlineStr"><is><t>h</t></is></c>' for c in range(40))
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 40_002))
    sheet = f'<worksheet><sheetData><row r="1">{header}</row>{rows}</sheetData></worksheet>'
    check_extent("big.xlsx", sheet.encode())  # no FileProblem


def test_a_duration_out_of_range_fails_its_file_not_the_batch(tmp_path, capsys, monkeypatch):
    """-1e300 in a cell formatted [h]:mm made the reader's Rust code panic: a BaseException, which
    passed every `except Exception`, printed a traceback, and in a batch could not even be sent
    back from its worker, so the whole batch stopped with no roster."""
    folder = tmp_path / "批次"
    folder.mkdir()
    book = folder / "坏时长.xlsx"
    write_xlsx(book, [HEAD, row("0001"), row("0002")])
    wb = openpyxl.load_workbook(book)
    cell = wb.active.cell(3, HEAD.index("培训学时") + 1)
    cell.value, cell.number_format = -1e300, "[h]:mm"
    wb.save(book)
    write_xlsx(folder / "好.xlsx", [HEAD, row("0003")])
    code, said = cmxl(capsys, monkeypatch, "score", book, "-o", tmp_path / "r.xlsx")
    assert code == 1 and "超出范围的日期或时长" in said and "坏时长.xlsx" in said
    code, said = cmxl(
        capsys, monkeypatch, "bulk", folder, "--issue-date", "2026-12-01", "--ledger", tmp_path / "l.sqlite"
    )
    assert code == 1 and "失败 坏时长.xlsx" in said
    roster = tmp_path / "批次_输出" / "认证名单_批次.xlsx"
    log = {r[0]: r for r in openpyxl.load_workbook(roster)["处理日志"].iter_rows(min_row=2, values_only=True)}
    assert log["坏时长.xlsx"][1] == "失败" and log["好.xlsx"][1] == "成功"
