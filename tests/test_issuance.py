"""Certificates only where the result is beyond doubt (docs/rules.md, 证书): rows with errors and
ids with conflicting rows are held (暂缓发证), identical rows count once, numbers follow the
roster's order, a two-part certificate ends with its earlier part."""

from __future__ import annotations

import datetime as dt
import shutil

import python_calamine as pc

import cmxl
from cmxl.core.engine.assessment import assess
from cmxl.core.engine.issuance import certificate_order, decide
from cmxl.core.model.loading import catalogue
from cmxl.ledger import Ledger
from tests.conftest import AS_OF, ITEMS_A, grid, person
from tests.roster_lists import listed
from tests.test_files import write_xlsx

APPLY = {"申报认证等级": "四级", "培训学时": 30, "笔试成绩": 70, "面试成绩": 70}


def people_of(source, rows):
    cat = catalogue()
    return assess(grid(rows, source=source), cat.framework(), cat, AS_OF).people


def test_a_row_with_any_error_is_held_with_what_to_fix():
    [ok, bad] = people_of("a.xlsx", [person("0001", **APPLY), person("0002", 成就导向="好", **APPLY)])
    assert ok.status == bad.status == "通过"  # the error is in a competency, not a certification column
    found = decide([ok, bad])
    assert found.passed == [ok] and found.failed == []
    [hold] = found.held
    assert hold.person is bad and "1 个错误" in hold.why
    assert hold.fixes == [
        "a.xlsx 测评数据!E3：“成就导向”的值“好”不是分数，也不是级别名称。请填写 0–100 的分数或级别名称（初级/中级/高级/资深）"
    ]


def test_the_same_id_with_the_same_data_counts_once():
    a = people_of("a.xlsx", [person("0001", **APPLY)])
    b = people_of("b.xlsx", [person("0001", **APPLY)])
    found = decide(a + b)
    assert found.passed == a and found.held == []
    assert found.same_elsewhere[id(a[0])] == ["b.xlsx（测评数据第 2 行）"]


def test_the_same_row_with_an_error_in_two_files_says_to_fix_both():
    """Held once (the rows are the same), but fixed in one file only they would differ and be
    held again: what to fix names the other file too."""
    a = people_of("a.xlsx", [person("0001", 成就导向="好", **APPLY)])
    b = people_of("b.xlsx", [person("0001", 成就导向="好", **APPLY)])
    [hold] = decide(a + b).held
    assert hold.person is a[0] and hold.fixes[0].startswith("a.xlsx 测评数据!E2：")
    assert hold.fixes[-1] == "相同的行也在 b.xlsx（测评数据第 2 行），请一并改正"


def test_the_same_id_with_different_data_holds_every_row():
    a = people_of("a.xlsx", [person("0001", **APPLY)])
    b = people_of("b.xlsx", [person("0001", **{**APPLY, "笔试成绩": 40})])
    found = decide(a + b)
    assert found.passed == [] and found.failed == []
    assert [h.person.file for h in found.held] == ["a.xlsx", "b.xlsx"]
    assert all("数据不同" in h.why and "a.xlsx" in h.fixes[0] and "b.xlsx" in h.fixes[0] for h in found.held)


def test_certificates_are_ordered_by_category_grade_from_the_top_region_unit_id():
    rows = [
        person("0003", 单位="B", 申报认证等级="四级", 培训学时=30, 笔试成绩=70, 面试成绩=70),
        person("0002", 单位="A", 申报认证等级="四级", 培训学时=30, 笔试成绩=70, 面试成绩=70),
        person("0001", 单位="A", 申报认证等级="三级", 本岗位累计年限=3, 笔试成绩=70, 面试成绩=70),
    ]
    people = people_of("江苏_2026.xlsx", rows)
    ordered = sorted(people, key=certificate_order(catalogue().schemes))
    assert [(p.applied, p.unit, p.employee_id) for p in ordered] == [
        ("三级", "A", "0001"),
        ("四级", "A", "0002"),
        ("四级", "B", "0003"),
    ]


HEAD = ["员工编号", "姓名", "单位", "现岗位级别", "申报认证等级", "培训学时", "笔试成绩", "面试成绩", *ITEMS_A]


def test_a_rerun_after_the_fix_issues_the_number_and_keeps_it(tmp_path):
    folder = tmp_path / "批次"
    folder.mkdir()
    book = folder / "a.xlsx"
    good = ["0001", "张三", "南京", "中级客户经理", "四级", 30, 70, 70, *[55] * len(ITEMS_A)]
    broken = [*good[:8], "好", *[55] * (len(ITEMS_A) - 1)]
    write_xlsx(book, [HEAD, broken])
    first = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    assert (first.new_certificates, first.held) == (0, 1)
    write_xlsx(book, [HEAD, good])
    second = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    third = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    assert (second.new_certificates, second.held, third.new_certificates, third.reused_certificates) == (1, 0, 0, 1)
    passed = listed(pc.CalamineWorkbook.from_path(str(third.roster)).get_sheet_by_name("通过名单").to_python())
    assert passed[1][:3] == [f"KH{AS_OF.year}000001", "0001", "张三"]


def test_a_two_part_certificate_in_the_ledger_ends_with_its_earlier_part(tmp_path):
    folder = tmp_path / "网优"
    folder.mkdir()
    head = [
        "员工编号",
        "姓名",
        "单位",
        "认证类别",
        "申报认证等级",
        "理论成绩",
        "理论通过日期",
        "实操成绩",
        "实操通过日期",
    ]
    row = ["N001", "赵六", "成都", "网优", "五级", 80, dt.date(2025, 3, 1), 75, dt.date(2026, 5, 1)]
    write_xlsx(folder / "网优.xlsx", [head + ITEMS_A, row + [55] * len(ITEMS_A)])
    result = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    assert result.new_certificates == 1
    with Ledger(tmp_path / "证书台账.sqlite") as db:
        [cert] = db.all()
    assert (cert.issue_date, cert.expiry) == ("2026-12-01", "2027-03-01")  # theory's 2 years, not the issue's


def test_a_batch_of_every_kind_of_doubt(tmp_path):
    """The issue's 'done when': last cycle's outputs, a conflicting duplicate, a row with an error,
    an expired prerequisite and a 网优 pass in one folder."""
    head = [
        *HEAD,
        "已持证书等级",
        "证书取得日期",
        "本岗位连续年限",
        "认证类别",
        "理论成绩",
        "理论通过日期",
        "实操成绩",
        "实操通过日期",
    ]
    items = [55] * len(ITEMS_A)

    def row(pid, grade="四级", written=70, *, held="", held_date=None, years=None, scheme="客户经理", net=()):
        base = [pid, f"人{pid}", "南京", "中级客户经理", grade, 30 if grade == "四级" else 24, written, 70, *items]
        return [*base, held, held_date, years, scheme, *(net or ["", None, "", None])]

    folder = tmp_path / "批次"
    folder.mkdir()
    write_xlsx(
        folder / "江苏_2026.xlsx",
        [
            head,
            row("P1"),  # beyond doubt: passes
            row("P2", "三级", held="四级", held_date=dt.date(2025, 6, 1), years=2),  # 三级 on a valid 四级
            row("E1", "三级", held="四级", held_date=dt.date(2022, 11, 4), years=2),  # expired prerequisite
            [*row("R1")[:8], "好", *row("R1")[9:]],  # an error in a competency
            row("D1"),
            row("N1", "五级", scheme="网优", net=[80, dt.date(2025, 3, 1), 75, dt.date(2026, 5, 1)]),
        ],
    )
    write_xlsx(folder / "无锡_2026.xlsx", [head, row("D1", written=50)])  # D1 again, other data
    first = cmxl.bulk(folder, issue_date=AS_OF, jobs=1, ledger=tmp_path / "上期台账.sqlite")
    shutil.copy(first.roster, folder / "上期认证名单.xlsx")  # last cycle's outputs left in the folder
    shutil.copy(tmp_path / "批次_输出" / "江苏_2026_评分结果.xlsx", folder / "江苏_2026_评分结果 (2).xlsx")
    shutil.rmtree(tmp_path / "批次_输出")

    result = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    with Ledger(tmp_path / "证书台账.sqlite") as db:
        certs = {c.employee_id: c for c in db.all()}
    assert sorted(certs) == ["N1", "P1", "P2"]  # exactly the people beyond doubt, each once
    assert certs["N1"].expiry == "2027-03-01"  # 网优: ends with its theory part
    book = pc.CalamineWorkbook.from_path(str(result.roster))
    held = listed(book.get_sheet_by_name("暂缓发证").to_python())
    assert sorted(r[0] for r in held[1:]) == ["D1", "D1", "R1"]
    failed = listed(book.get_sheet_by_name("未通过名单").to_python())
    e1 = next(r for r in failed[1:] if r[0] == "E1")
    assert "已过 2 年有效期" in " ".join(str(v) for v in e1)
    passed = listed(book.get_sheet_by_name("通过名单").to_python())
    order = [(r[0], r[1]) for r in passed[1:]]
    assert [pid for _, pid in order] == ["P2", "P1", "N1"]  # 客户经理 三级 before 四级, then 网优
    numbers = [n for n, _ in order]  # a new batch's numbers are given in the roster's order
    assert numbers[0] < numbers[1] and numbers[0].startswith("KH") and numbers[2].startswith("WY")
    log = {r[0]: r[1] for r in listed(book.get_sheet_by_name("处理日志").to_python())[1:]}
    assert log["上期认证名单.xlsx"] == log["江苏_2026_评分结果 (2).xlsx"] == "已跳过"
