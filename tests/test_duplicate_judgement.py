"""Cross-file duplicates are judged once (cmxl.core.engine.issuance): the roster's holds and
counts, the per-person note of the other files an id is in (`also_in`, the roster's 备注) and the
processing log all read that one judgement."""

from cmxl.core.engine.assessment import assess
from cmxl.core.engine.issuance import settle
from cmxl.core.model.loading import catalogue
from tests.conftest import AS_OF, grid, person

APPLY = {"申报认证等级": "四级", "培训学时": 30, "笔试成绩": 70, "面试成绩": 70}


def people_of(source, rows, sheet="测评数据"):
    cat = catalogue()
    return assess(grid(rows, source=source, sheet=sheet), cat.framework(), cat, AS_OF).people


def test_settle_marks_the_other_files_an_id_is_in_and_a_later_decision_replaces_the_marks():
    a = people_of("a.xlsx", [person("0001", **APPLY), person("0002", **APPLY)])
    b = people_of("b.xlsx", [person("0001", **{**APPLY, "笔试成绩": 40})])
    c = people_of("c.xlsx", [person("0001", **APPLY)])
    found = settle(a + b + c)
    assert found.in_several_files == {"0001": ["a.xlsx", "b.xlsx", "c.xlsx"]}
    assert [p.also_in for p in a + b + c] == [["b.xlsx", "c.xlsx"], [], ["a.xlsx", "c.xlsx"], ["a.xlsx", "b.xlsx"]]
    settle(a)  # the file alone (as when it is scored by itself): no other file
    assert [p.also_in for p in a] == [[], []]


def test_the_same_id_on_two_sheets_of_one_file_is_not_in_another_file():
    """Two sheets of one workbook are two places (the rows are compared and held as for two files)
    but one file: nothing for the log's 'also in other files'."""
    one = people_of("a.xlsx", [person("0001", **APPLY)], sheet="南京")
    two = people_of("a.xlsx", [person("0001", **{**APPLY, "笔试成绩": 40})], sheet="苏州")
    found = settle(one + two)
    assert [h.person.sheet for h in found.held] == ["南京", "苏州"]
    assert found.in_several_files == {} and [p.also_in for p in one + two] == [[], []]
