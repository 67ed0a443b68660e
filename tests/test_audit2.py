"""The second outside audit of issue 17's fixes (one person, one certificate; held reads as held):
each test is one of its findings, worked by hand from docs/rules.md (证书)."""

from __future__ import annotations

import sqlite3

import pytest

from cmxl.core.ids import read_id
from tests.test_identity import PASS, batch, bulk, certificates, cli, sheet
from tests.test_identity import zhang_san as zhang_san  # a fixture, used by name


# ---- N1: every character Unicode says draws nothing, assigned or not --------------------------------------
@pytest.mark.parametrize("hidden", ["\u2065", "\ufff0", "\ufff8", "\U000e0001", "\U000e0fff", "\u061c", "\u17b4"])
def test_a_default_ignorable_character_is_removed_from_an_id_and_said(hidden):
    reading = read_id(f"00{hidden}01")
    assert (reading.id, reading.problem, reading.removed) == ("0001", "", (f"U+{ord(hidden):04X}",))


@pytest.mark.parametrize("odd", ["\U0001d159", "\ue000", "\u2500", "\u25a1"])
def test_a_character_no_id_is_made_of_is_an_error_on_the_row(odd):
    assert read_id(f"00{odd}01").problem == "id-unusual-char"


@pytest.mark.parametrize("plain", ["0001", "AB-12_3", "张三01", "SX/2026.07"])
def test_letters_digits_and_ascii_symbols_are_an_id(plain):
    assert read_id(plain).problem == ""


def test_an_id_with_an_unassigned_invisible_character_gets_the_same_certificate(
    tmp_path, capsys, monkeypatch, zhang_san
):
    folder = batch(tmp_path, "南京二", [["00\u206501", "张三", "南京分公司", *PASS]])
    code, text = bulk(capsys, monkeypatch, folder)
    assert code == 0 and "新发证书 0 张，沿用 1 张" in text
    assert certificates(zhang_san) == [("KH2026000001", "0001", "张三")]


def test_an_id_with_a_blank_drawing_symbol_gets_no_second_certificate(tmp_path, capsys, monkeypatch, zhang_san):
    folder = batch(tmp_path, "南京二", [["00\U0001d15901", "张三", "南京分公司", *PASS]])
    code, _ = bulk(capsys, monkeypatch, folder)
    assert code == 1 and [r[0] for r in sheet(folder, "通过名单")] == ["（无）"]
    assert certificates(zhang_san) == [("KH2026000001", "0001", "张三")]


# ---- N2: a hand-edited ledger never hands a number to another person -------------------------------------
def edit(ledger, *statements: str) -> None:
    with sqlite3.connect(ledger) as db:
        for statement in statements:
            db.execute(statement)


def test_a_deleted_holder_is_restored_from_the_certificates_and_another_name_is_held(
    tmp_path, capsys, monkeypatch, zhang_san
):
    edit(zhang_san, "DELETE FROM holders")
    folder = batch(tmp_path, "苏州", [["0001", "李四", "苏州分公司", *PASS]])
    code, _ = bulk(capsys, monkeypatch, folder)
    assert code == 1 and [r[0] for r in sheet(folder, "通过名单")] == ["（无）"]
    [held] = sheet(folder, "暂缓发证")
    assert held[1] == "李四" and "张三" in held[6]
    assert certificates(zhang_san) == [("KH2026000001", "0001", "张三")]
    code, text = cli(capsys, monkeypatch, "certs", "show", "0001", "--ledger", zhang_san)
    assert "持有人：员工编号 0001 张三" in text and "恢复持有人记录" in text


def test_a_second_holder_row_hidden_by_an_invisible_character_disputes_the_id(tmp_path, capsys, monkeypatch, zhang_san):
    edit(zhang_san, "INSERT INTO holders VALUES ('00\u200b01', '李四', '苏州分公司', '2026-12-01', '')")
    folder = batch(tmp_path, "苏州", [["0001", "李四", "苏州分公司", *PASS]])
    code, _ = bulk(capsys, monkeypatch, folder)
    assert code == 1 and [r[0] for r in sheet(folder, "通过名单")] == ["（无）"]
    [held] = sheet(folder, "暂缓发证")
    assert "张三" in held[6] and "李四" in held[6]
    assert certificates(zhang_san) == [("KH2026000001", "0001", "张三")]
    confirmed = cli(
        capsys, monkeypatch, "certs", "confirm", "0001", "--name", "张三", "--ledger", zhang_san, "--by", "王芳"
    )
    assert confirmed[0] == 0
    code, text = bulk(capsys, monkeypatch, batch(tmp_path, "南京二", [["0001", "张三", "南京分公司", *PASS]]))
    assert code == 0 and "新发证书 0 张，沿用 1 张" in text  # HR's confirmation settles it, for good


def test_a_certificate_rekeyed_to_another_id_is_not_shown_beside_its_holder(tmp_path, capsys, monkeypatch):
    rows = [["0001", "张三", "南京分公司", *PASS], ["0002", "李四", "南京分公司", *PASS]]
    assert bulk(capsys, monkeypatch, batch(tmp_path, "南京", rows))[0] == 0
    ledger = tmp_path / "证书台账.sqlite"
    edit(ledger, "UPDATE certificates SET employee_id='0001' WHERE employee_id='0002'")
    folder = batch(tmp_path, "南京二", [["0001", "张三", "南京分公司", *PASS]])
    code, _ = bulk(capsys, monkeypatch, folder)
    assert code == 1 and [r[0] for r in sheet(folder, "通过名单")] == ["（无）"]
    [held] = sheet(folder, "暂缓发证")
    assert "KH2026000001" in held[6] and "KH2026000002" in held[6]


# ---- N7: the same row on two sheets of one workbook is one person, one certificate ------------------------
def two_sheets(path, second_row):
    from tests.test_bulk import HEAD
    from tests.test_files import write_xlsx_sheets

    first = ["0001", "张三", "南京分公司", *PASS, *[55] * (len(HEAD) - 8)]
    return write_xlsx_sheets(path, {"南京": [HEAD, first], "苏州": [HEAD, second_row(first)]})


def test_the_same_row_on_two_sheets_gets_one_certificate_with_a_note(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "江苏"
    folder.mkdir()
    two_sheets(folder / "江苏.xlsx", list)
    code, text = bulk(capsys, monkeypatch, folder)
    assert code == 0 and "新发证书 1 张" in text
    assert [r[:3] for r in sheet(folder, "通过名单")] == [["KH2026000001", "0001", "张三"]]


def test_different_rows_of_one_id_on_two_sheets_stay_an_error(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "江苏"
    folder.mkdir()
    two_sheets(folder / "江苏.xlsx", lambda row: [*row[:6], 95, *row[7:]])
    code, _ = bulk(capsys, monkeypatch, folder)
    assert code == 1 and [r[0] for r in sheet(folder, "通过名单")] == ["（无）"]
    assert sorted(r[0] for r in sheet(folder, "暂缓发证")) == ["0001", "0001"]


# ---- N4, N6: held reads as held in compare; an id to check is exit 1 in validate, score and report -------
def test_compare_shows_a_held_person_as_held_with_the_computed_result(tmp_path):
    from typer.testing import CliRunner

    from cmxl.cli import app
    from tests.test_compare_in_chinese import HEAD, ITEMS_A, hq_scheme
    from tests.test_files import write_xlsx

    row = ["0002", "李四", "南京", "中级客户经理", "四级", 30, 62, 70, "abc", *[55] * (len(ITEMS_A) - 1)]
    book = write_xlsx(tmp_path / "南京.xlsx", [HEAD, row])
    r = CliRunner().invoke(app, ["compare", str(book), "--new", str(hq_scheme(tmp_path)), "--as-of", "2026-12-01"])
    assert "认证结果 暂缓发证（计算结果：通过） → 暂缓发证（计算结果：未通过）" in r.output


@pytest.mark.parametrize("command", ["validate", "score", "report"])
def test_ids_that_differ_only_by_leading_zeros_in_one_file_are_an_error(tmp_path, capsys, monkeypatch, command):
    from tests.test_bulk import small_book

    book = small_book(tmp_path / "南京.xlsx", [["00123", "张三", "南京", *PASS], [123, "张三", "南京", *PASS]])
    code, text = cli(capsys, monkeypatch, command, book, "--as-of", "2026-12-01")
    assert code == 1
    if command == "validate":
        assert "员工编号“123”与本表 A2（00123）只差开头的 0" in text


def test_a_report_of_a_workbook_with_an_error_says_so_and_exits_1(tmp_path, capsys, monkeypatch):
    from tests.test_bulk import HEAD, small_book

    book = small_book(tmp_path / "南京.xlsx", [["0001", "张三", "南京", *PASS]])
    from tests.test_files import write_xlsx

    write_xlsx(book, [HEAD, ["0001", "张三", "南京", *PASS, "abc", *[55] * (len(HEAD) - 9)]])
    code, text = cli(capsys, monkeypatch, "report", book, "--as-of", "2026-12-01")
    assert code == 1 and "1 个错误" in text


# ---- N3: held by the batch reads as held in each file's own outputs ----------------------------------------
def test_an_id_with_other_data_in_another_file_reads_as_held_in_both_files_results(tmp_path, capsys, monkeypatch):
    import python_calamine as pc

    from tests.test_bulk import small_book

    folder = tmp_path / "江苏"
    folder.mkdir()
    small_book(folder / "南京.xlsx", [["0001", "张三", "南京", *PASS], ["0002", "李四", "南京", *PASS]])
    small_book(folder / "苏州.xlsx", [["0001", "张三", "南京", *PASS[:3], 90, PASS[4]]])
    code, _ = bulk(capsys, monkeypatch, folder)
    assert code == 1
    for name, expected in (("南京", {"0001": "暂缓发证", "0002": "通过"}), ("苏州", {"0001": "暂缓发证"})):
        rows = pc.CalamineWorkbook.from_path(str(tmp_path / "江苏_输出" / f"{name}_评分结果.xlsx"))
        table = rows.get_sheet_by_name("汇总").to_python()
        head = next(r for r in table if "认证结果" in r)
        at, pid = head.index("认证结果"), head.index("员工编号")
        shown = {r[pid]: r[at] for r in table[table.index(head) + 1 :] if r[pid] in expected}
        assert shown == expected, name


# ---- N9, N10: a certificate number keeps its form: 前缀 + 年份 + 6 位序号 ----------------------------------
@pytest.mark.parametrize("prefix", ["../", "K H/", "KH.", "-KH", "K\\\\H"])
def test_a_path_like_certificate_prefix_is_refused(tmp_path, capsys, monkeypatch, prefix):
    from tests.test_hq_schemes import ROOT

    text = (ROOT / "cmxl" / "frameworks" / "cert-cm.toml").read_text(encoding="utf-8")
    scheme = tmp_path / "方案.toml"
    scheme.write_text(text.replace('certificate_prefix = "KH"', f'certificate_prefix = "{prefix}"'), encoding="utf-8")
    code, text = cli(capsys, monkeypatch, "frameworks", "--check", scheme)
    assert code == 1 and "证书编号前缀" in text


def test_the_last_number_of_a_year_is_issued_and_then_the_ledger_stops(tmp_path, capsys, monkeypatch, zhang_san):
    edit(zhang_san, "UPDATE counters SET next = 999999")
    rows = [["0002", "李四", "南京分公司", *PASS]]
    assert bulk(capsys, monkeypatch, batch(tmp_path, "二", rows))[0] == 0
    assert certificates(zhang_san)[-1] == ("KH2026999999", "0002", "李四")
    code, text = bulk(capsys, monkeypatch, batch(tmp_path, "三", [["0003", "王五", "南京分公司", *PASS]]))
    assert code == 1 and "证书序号已到 999999" in text
    assert len(certificates(zhang_san)) == 2


# ---- N8: a named pipe or a device is said to be one, and never read (a read would block) -------------------
@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes: POSIX only")
@pytest.mark.parametrize("command", ["validate", "frameworks --check", "score --scheme"])
def test_a_named_pipe_is_said_to_be_no_file_and_not_read(tmp_path, capsys, monkeypatch, command):
    import os

    from tests.test_bulk import small_book

    pipe = tmp_path / "管道.xlsx"
    os.mkfifo(pipe)
    book = small_book(tmp_path / "南京.xlsx", [["0001", "张三", "南京", *PASS]])
    args = {
        "validate": ["validate", pipe],
        "frameworks --check": ["frameworks", "--check", pipe],
        "score --scheme": ["score", book, "--scheme", pipe, "-o", tmp_path / "out.xlsx"],
    }[command]
    code, text = cli(capsys, monkeypatch, *args)  # a blocking read would hang here
    assert code != 0 and "不是普通文件" in text and "文件夹" not in text


# ---- N11: the log of an id stays in view after the id is corrected ------------------------------------------
def test_certs_show_keeps_the_confirmation_in_view_after_a_corrected_id(capsys, monkeypatch, zhang_san):
    confirm = ("certs", "confirm", "0001", "--name", "李四", "--ledger", zhang_san, "--by", "王芳")
    assert cli(capsys, monkeypatch, *confirm)[0] == 0
    assert (
        cli(capsys, monkeypatch, "certs", "correct-id", "0001", "--to", "99", "--ledger", zhang_san, "--by", "王芳")[0]
        == 0
    )
    for key in ("99", "0001"):
        _, text = cli(capsys, monkeypatch, "certs", "show", key, "--ledger", zhang_san)
        assert "确认同一人 员工编号 0001：姓名 张三 → 李四" in text and "员工编号 0001 更正为 99" in text, key


# ---- N12: messages that say what is true ---------------------------------------------------------------------
def test_a_hidden_people_sheet_is_said_to_be_hidden_not_missing(tmp_path, capsys, monkeypatch):
    from tests.test_bulk import HEAD
    from tests.test_files import write_xlsx

    book = write_xlsx(tmp_path / "南京.xlsx", [HEAD, ["0001", "张三", "南京", *PASS, *[55] * (len(HEAD) - 8)]])
    import openpyxl

    wb = openpyxl.load_workbook(book)
    wb.create_sheet("说明")
    wb["测评数据"].sheet_state = "hidden"
    wb.save(book)
    code, text = cli(capsys, monkeypatch, "validate", book)
    assert code == 1 and "人员数据表 “测评数据” 是隐藏的工作表" in text and "没有名为" not in text


@pytest.mark.parametrize("column", [6, 8])  # 笔试成绩 (a number), the first competency (a score or a level)
def test_a_number_with_an_invisible_character_names_it(tmp_path, capsys, monkeypatch, column):
    from tests.test_bulk import HEAD
    from tests.test_files import write_xlsx

    row = ["0001", "张三", "南京", *PASS, *[55] * (len(HEAD) - 8)]
    row[column] = "60\u200b"
    book = write_xlsx(tmp_path / "南京.xlsx", [HEAD, row])
    code, text = cli(capsys, monkeypatch, "validate", book)
    assert code == 1 and "看不见的字符（零宽空格 U+200B）" in text


def test_an_id_kept_as_text_in_scientific_notation_is_an_error():
    assert read_id("1.23457E+17").problem == "id-scientific"
    assert read_id("3E5").problem == ""  # an id of letters and digits, not Excel's display of a number


# ---- the third check: the ledger's holds with --ledger; history follows a corrected id ---------------------
def test_score_with_the_ledger_holds_an_id_the_ledger_gives_to_someone_else(tmp_path, capsys, monkeypatch, zhang_san):
    import python_calamine as pc

    from tests.test_bulk import small_book

    book = small_book(tmp_path / "苏州.xlsx", [["0001", "李四", "苏州分公司", *PASS]])
    out = tmp_path / "结果.xlsx"
    code, _ = cli(capsys, monkeypatch, "score", book, "--ledger", zhang_san, "--as-of", "2026-12-01", "-o", out)
    table = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()
    head = next(r for r in table if "认证结果" in r)
    [row] = [r for r in table[table.index(head) + 1 :] if r[head.index("员工编号")] == "0001"]
    assert code == 1 and row[head.index("认证结果")] == "暂缓发证"
    code, text = cli(capsys, monkeypatch, "report", book, "--ledger", zhang_san, "--as-of", "2026-12-01")
    assert code == 1 and "暂缓发证 1 人" in text


def test_an_id_in_another_scripts_digits_is_the_same_id():
    assert read_id("\u0663\u0662\u0660\u0660\u0660\u0660\u0662").id == "3200002"  # Arabic-Indic ٣٢٠٠٠٠٢
    assert read_id("\u0969\u0968").id == "32"  # Devanagari


def test_a_corrected_id_takes_its_history_along(tmp_path):
    from cmxl.history import cycles_of
    from cmxl.ledger import Ledger
    from tests.test_history_wiring import book, history_json
    from tests.test_history_wiring import bulk as run_bulk

    ledger = tmp_path / "证书台账.sqlite"
    book(tmp_path / "2025" / "苏州.xlsx", [("123", "张三", 55)])
    run_bulk(tmp_path / "2025", ledger, "2025-12-01")
    with Ledger(ledger) as db:
        db.connection.execute("INSERT INTO holders VALUES ('123', '张三', '苏州分公司', '2025-12-01', '')")
        db.connection.commit()
        db.correct_id("123", "00123", by="王芳")
    assert [r["cycle"] for r in history_json(ledger, "00123")] == ["2025"]
    with Ledger(ledger) as db:
        assert cycles_of(db, "123") == []


def test_history_marks_a_record_under_another_name(tmp_path):
    from cmxl.cli import app
    from tests.test_history_wiring import book, history_json, runner
    from tests.test_history_wiring import bulk as run_bulk

    ledger = tmp_path / "证书台账.sqlite"
    book(tmp_path / "2025" / "苏州.xlsx", [("S002", "李四", 60)])
    run_bulk(tmp_path / "2025", ledger, "2025-12-01")
    book(tmp_path / "2026" / "苏州.xlsx", [("S002", "赵六", 65)])
    run_bulk(tmp_path / "2026", ledger, "2026-12-01")
    assert [r["name_differs"] for r in history_json(ledger, "S002")] == [True, False]
    shown = runner.invoke(app, ["history", "S002", "--ledger", str(ledger)]).output
    assert "姓名与最近一期（赵六）不同" in shown
    export = runner.invoke(app, ["history", "S002", "--ledger", str(ledger), "--export", str(tmp_path / "e.json")])
    assert "姓名不同（李四、赵六）" in export.output


def test_a_name_hr_confirmed_is_compared_with_the_earlier_cycle_not_flagged(tmp_path, capsys, monkeypatch, zhang_san):
    import python_calamine as pc

    folder = batch(tmp_path, "苏州", [["0001", "李四", "苏州分公司", *PASS]])
    args = ("bulk", folder, "--issue-date", "2027-12-01", "-j", "1")

    def previous_level() -> str:
        out = folder.parent / f"{folder.name}_输出" / "苏州_评分结果.xlsx"
        table = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()
        head = next(r for r in table if "上期级别" in r)
        return table[table.index(head) + 1][head.index("上期级别")]

    assert cli(capsys, monkeypatch, *args)[0] == 1 and previous_level().startswith("姓名不符")
    confirm = ("certs", "confirm", "0001", "--name", "李四", "--ledger", zhang_san, "--by", "王芳")
    assert cli(capsys, monkeypatch, *confirm)[0] == 0
    assert cli(capsys, monkeypatch, *args)[0] == 0 and previous_level() == "中级"  # 张三's 2026 level: all items 55


def test_the_approval_page_gives_a_number_range_per_series():
    from cmxl.core.layout.roster_pages import number_series

    given = ["KH2026000003", "VIP2026000001", "KH2026000001", "KH2026000002", "WY2026000009"]
    assert number_series(given) == ("KH2026000001 至 KH2026000003（3 张）、VIP2026000001（1 张）、WY2026000009（1 张）")


def test_an_unrecognised_grade_is_named_on_the_approval_page_not_left_blank(tmp_path, capsys, monkeypatch):
    import python_calamine as pc

    folder = batch(tmp_path, "南京", [["0001", "张三", "南京分公司", PASS[0], "特级", *PASS[2:]]])
    assert bulk(capsys, monkeypatch, folder)[0] == 1
    roster = folder.parent / f"{folder.name}_输出" / f"认证名单_{folder.name}.xlsx"
    book = pc.CalamineWorkbook.from_path(str(roster))
    first = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert any(row[1] == "（等级未填或无法识别）" and row[4] == 1 for row in first if len(row) > 4)
