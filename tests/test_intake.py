"""Reading hand-filled workbooks (docs/rules.md, 测评工作簿): every bad input gives its code at its cell."""

from cmxl.core.grid import CellError, SheetGrid, WorkbookGrid
from tests.conftest import ITEMS_A, codes, grid, person, run


def test_header_found_below_merged_title_rows_and_sheet_found_by_header():
    a = run([person()], sheet="Sheet1", title_rows=2)
    assert (a.intake.sheet, a.intake.header_row) == ("Sheet1", 2)
    assert a.report.valid and a.size == 1


def test_headers_with_spaces_line_breaks_full_width_and_aliases():
    p = person()
    headers = [" 工号 ", "姓\n名", "单位", "现岗位\n级别", *ITEMS_A]
    rows = [[p["员工编号"], p["姓名"], p["单位"], p["现岗位级别"], *[p[i] for i in ITEMS_A]]]
    rows[0][4] = 77
    g = WorkbookGrid("x.xlsx", [SheetGrid("测评数据", [headers, *rows])])
    from cmxl.core.engine.assessment import assess
    from cmxl.core.model.loading import catalogue
    from tests.conftest import AS_OF

    a = assess(g, catalogue().framework(), catalogue(), AS_OF)
    assert a.report.valid
    assert a.scores.item_scores[0, 0] == 77


def test_unknown_column_is_ignored_with_a_note():
    a = run([person(备注="复核")])
    assert codes(a) == [("W1", "column-unknown")]


def test_missing_required_column():
    p = person()
    del p["姓名"]
    a = run([p])
    assert ("A1", "column-missing") in codes(a)
    assert any(i.field == "姓名" for i in a.report.errors)


def test_missing_competency_column():
    p = person()
    del p["协调能力"]
    a = run([p])
    assert [(i.code, i.field) for i in a.report.errors] == [("column-missing", "协调能力")]


def test_no_people_sheet():
    g = WorkbookGrid("x.xlsx", [SheetGrid("说明", [["这是说明"], ["没有表头"]])])
    from cmxl.core.engine.assessment import assess
    from cmxl.core.model.loading import catalogue
    from tests.conftest import AS_OF

    a = assess(g, catalogue().framework(), catalogue(), AS_OF)
    assert [i.code for i in a.report.issues] == ["sheet-not-found"] and a.size == 0


def test_full_width_digits_and_units_are_read_and_noted():
    a = run([person(成就导向="８５", 抗挫能力="72分")])
    assert codes(a) == [("E2", "number-normalised"), ("F2", "number-normalised")]
    assert list(a.scores.item_scores[0, :2]) == [85.0, 72.0]


def test_text_where_a_score_belongs():
    a = run([person(成就导向="良好")])
    assert codes(a) == [("E2", "score-not-number")]


def test_score_out_of_range():
    a = run([person(成就导向=120, 抗挫能力=-1)])
    assert codes(a) == [("E2", "score-out-of-range"), ("F2", "score-out-of-range")]


def test_formula_error_value():
    a = run([person(成就导向=CellError("#DIV/0!"))])
    assert codes(a) == [("E2", "formula-error")]
    assert a.report.issues[0].value == "#DIV/0!"


def test_unknown_level_name_in_level_column():
    a = run([person(成就导向级别="特级")])
    assert codes(a) == [("W2", "level-unknown")]


def test_level_names_accepted_with_spaces():
    a = run([person(成就导向=" 资深 ")])
    assert a.report.valid and a.scores.item_scores[0, 0] == 90.5


def test_blank_rows_are_skipped():
    rows = [person("1"), {}, person("2"), {"员工编号": "", "姓名": ""}, person("3")]
    a = run(rows)
    assert a.report.valid
    assert a.intake.people["row"] == [2, 4, 6]


def test_hidden_rows_are_scored_with_a_warning():
    a = run([person("1"), person("2")], hidden=frozenset({2}))
    assert codes(a) == [("A3", "row-hidden")]
    assert a.size == 2


def test_ids_keep_leading_zeros_and_numeric_ids_warn():
    a = run([person("0012"), person(12345.0)])
    assert a.intake.people["employee_id"] == ["0012", "12345"]
    assert codes(a) == [("A3", "id-numeric")]


def test_duplicate_ids_are_flagged_on_both_rows():
    a = run([person("7"), person("8"), person("7")])
    assert codes(a) == [("A2", "id-duplicate"), ("A4", "id-duplicate")]


def test_missing_id_and_name():
    a = run([person("", "")])
    assert codes(a) == [("A2", "id-missing"), ("B2", "name-missing")]


def test_unknown_job_grade_and_certificate_grade():
    a = run([person(现岗位级别="客户经理", 申报认证等级="特级")])
    assert sorted(codes(a)) == [("D2", "grade-unknown"), ("W2", "cert-grade-unknown")]


def test_certificate_grade_spellings():
    a = run([person(申报认证等级="三级（中级）", 本岗位累计年限=3, 笔试成绩=70, 面试成绩=70)])
    assert a.report.valid, codes(a)
    assert a.certifications[0].grade == "三级" and a.certifications[0].status == "通过"


def test_appraisal_synonym_and_unknown_rating():
    a = run([person(申报认证等级="一级", 本岗位累计年限=5, 笔试成绩=70, 模拟实战=70, 营销实战=70, 年度业绩考核="称职")])
    assert a.report.valid and a.certifications[0].status == "通过"
    a = run([person(申报认证等级="一级", 本岗位累计年限=5, 笔试成绩=70, 模拟实战=70, 营销实战=70, 年度业绩考核="很好")])
    assert [k for _, k in codes(a)] == ["choice-unknown"]
    assert a.certifications[0].status == "资料不全"


def test_missing_fact_for_certification_is_a_warning_at_its_cell():
    a = run([person(申报认证等级="四级", 培训学时="", 试用期考核="", 笔试成绩=70, 面试成绩=70)])
    assert codes(a) == [("X2", "fact-missing"), ("Y2", "fact-missing")]
    assert a.certifications[0].status == "资料不全"


def test_dates_in_several_written_forms():
    from cmxl.core.engine.intake import parse_date

    assert {str(parse_date(v)) for v in ("2024-02-29", "2024/2/29", "2024年2月29日", "2024.02.29", 45351)} == {
        "2024-02-29"
    }
    assert parse_date("去年") is None


def test_invalid_date_cell():
    a = run([person(证书取得日期="某天")])
    assert codes(a) == [("W2", "date-invalid")]


def test_grid_helper_sanity():
    g = grid([person()])
    assert g.sheets[0].rows[0][:2] == ["员工编号", "姓名"]


def test_a_value_read_before_is_read_alike_and_a_bad_one_reported_at_every_cell():
    """Repeated values (grades, units) are read once and remembered; a bad one is not, so every
    cell holding it gets its issue, and a number and its text stay different values."""
    people = [
        person("0001", 现岗位级别="高级客户经理"),
        person("0002", 现岗位级别="一级"),
        person("0003", 现岗位级别="一级"),
        person("0004", 现岗位级别="高级客户经理"),
        person("0005", 单位=7),
        person("0006", 单位="7"),
        person("0007", 单位=7.5),
    ]
    a = run(people)
    assert [(c, code) for c, code in codes(a) if code == "grade-unknown"] == [
        ("D3", "grade-unknown"),
        ("D4", "grade-unknown"),
    ]
    assert a.intake.people["grade"][:4] == ["高级客户经理", None, None, "高级客户经理"]
    assert a.intake.people["unit"][4:] == ["7", "7", "7.5"]


def test_a_score_in_a_percent_cell_is_read_as_shown_each_time():
    """The same number in a plain cell and in a percentage-formatted one reads differently."""
    g = grid([person("0001", 成就导向=0.58), person("0002", 成就导向=0.58)])
    g.sheets[0].percent_cells = frozenset({(2, ITEMS_A.index("成就导向") + 4)})
    from cmxl.core.engine.assessment import assess
    from cmxl.core.model.loading import catalogue
    from tests.conftest import AS_OF

    a = assess(g, catalogue().framework(), catalogue(), AS_OF)
    assert a.scores.item_scores[:, 0].tolist() == [0.58, 58.0]
    assert [code for _, code in codes(a)] == ["number-percent"]
