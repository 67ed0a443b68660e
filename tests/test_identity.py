"""One id everywhere (docs/rules.md, 测评工作簿): the id reading underneath every comparison, and
what a workbook's id column says when it holds something that is not an id."""

from __future__ import annotations

import datetime as dt

import pytest

from cmxl.core.grid import CellError
from cmxl.core.ids import read_id, same_name
from tests.conftest import codes, person, run


# ---- reading an id ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("00\u200b01", ("0001", ("零宽空格 U+200B",))),
        ("\ufeff0001\u2060", ("0001", ("字节顺序标记 BOM U+FEFF", "字连接符 U+2060"))),
        ("0001\u00a0", ("0001", ("不换行空格 U+00A0",))),
        ("００\u202f０１", ("0001", ("窄不换行空格 U+202F",))),
        ("０００１ ", ("0001", ())),  # full-width digits and a plain space: folded and dropped, nothing hidden
    ],
)
def test_an_id_is_read_without_invisible_characters_and_full_width_forms(raw, expected):
    reading = read_id(raw)
    assert (reading.id, reading.removed) == expected and reading.problem == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (123.0, ("123", "", True)),
        (123456789012345.0, ("123456789012345", "", True)),  # 15 digits: Excel keeps them all
        (123456789012345678, ("123456789012345678", "id-number-too-long", True)),
        (1.234567890123457e17, ("123456789012345696", "id-number-too-long", True)),
        (True, ("TRUE", "id-boolean", False)),
        (dt.date(2026, 1, 5), ("2026-01-05", "id-date", False)),
        (dt.datetime(2026, 1, 5, 8, 30), ("2026-01-05 08:30:00", "id-date", False)),
    ],
)
def test_a_cell_that_is_not_text_is_read_as_excel_shows_it_and_said(raw, expected):
    reading = read_id(raw)
    assert (reading.id, reading.problem, reading.numeric) == expected


def test_names_compare_without_spaces_and_full_width_forms():
    assert same_name("张 三", "张三") and same_name("Ｚｈａｎｇ\u200b", "Zhang") and not same_name("张三", "李四")


# ---- the id in a workbook ---------------------------------------------------------------------------
def test_an_id_with_invisible_characters_is_cleaned_with_a_warning_and_still_a_duplicate():
    a = run([person("0001"), person("00\u200b01", "张三")])
    assert a.intake.people["employee_id"] == ["0001", "0001"]
    assert codes(a) == [("A2", "id-duplicate"), ("A3", "id-duplicate"), ("A3", "id-invisible-chars")]
    assert a.report.issues[2].message == "员工编号含有看不见的字符（零宽空格 U+200B），已删除，按“0001”读取"


def test_a_boolean_a_date_or_a_long_number_in_the_id_column_is_an_error_on_the_row():
    a = run([person(True), person(dt.date(2026, 1, 5)), person(110101199001011234.0), person("0004")])
    assert codes(a) == [("A2", "id-boolean"), ("A3", "id-date"), ("A4", "id-number-too-long")]
    assert [p.errors for p in a.people] == [1, 1, 1, 0]
    assert a.report.issues[2].message.startswith("员工编号 110101199001011232 是 18 位的数字")


def test_a_formula_error_in_the_id_is_reported_once():
    a = run([person(CellError("#N/A"))])
    assert codes(a) == [("A2", "formula-error"), ("A2", "id-missing")]
