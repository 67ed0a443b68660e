"""Scoring rules of docs/rules.md (能力模型一), with expected values worked by hand."""

import pytest

from tests.conftest import BASIC, FUNCTIONAL, PROFESSIONAL, codes, person, run


def one(people, **kw):
    a = run(people, **kw)
    return a, a.scores


def test_all_items_equal_gives_that_total_and_level():
    a, s = one([person(score=50)])
    assert a.report.valid
    assert round(s.total[0], 9) == 50.0
    assert a.framework.level_names[s.level[0]] == "中级"
    assert s.attainment[0] == "达标"


def test_default_weights_are_6_5_and_6_25_points():
    a, _ = one([person()])
    w = dict(zip(a.framework.item_names, a.framework.item_weights, strict=True))
    assert {w[i] for i in BASIC} == {6.0}
    assert {w[i] for i in PROFESSIONAL} == {5.0}
    assert {w[i] for i in FUNCTIONAL} == {6.25}


def test_category_weights_30_45_25():
    # basic items at 80, all others at 50: 0.30*80 + 0.70*50 = 24 + 35 = 59
    p = person(score=50, **dict.fromkeys(BASIC, 80))
    _a, s = one([p])
    assert round(s.total[0], 9) == 59.0
    assert [round(x, 9) for x in s.category_scores[0]] == [80.0, 50.0, 50.0]


def test_level_given_alone_counts_as_midpoint():
    # 成就导向 = 高级 -> 70.5; the rest 50: total = (6*70.5 + 94*50)/100 = 4.23 + 47 = 51.23
    a, s = one([person(score=50, 成就导向="高级")])
    assert a.report.valid
    assert s.item_scores[0, 0] == 70.5 and bool(s.item_from_level[0, 0])
    assert round(s.total[0], 9) == 51.23


def test_level_column_beside_score_must_agree():
    a, s = one([person(成就导向=55, 成就导向级别="高级")])
    assert [(c, k) for c, k in codes(a) if k == "level-score-mismatch"] == [
        ("W2", "level-score-mismatch")
    ]  # A–D fixed, E–V items, W 成就导向级别
    assert s.total[0] != s.total[0]  # NaN: not scored on a guess


def test_level_column_agreeing_is_fine():
    a, _s = one([person(成就导向=55, 成就导向级别="中级")])
    assert a.report.valid


def test_knowledge_from_subitems_uses_target_level_weights():
    # 通用基础知识 sub-items 80, 60, 50, 40.
    subs = {"电信行业概况": 80, "企业概况": 60, "法律法规": 50, "企业规章制度": 40, "通用基础知识": ...}
    # 初级客户经理 -> 初级 weights 30/30/20/20: (2400 + 1800 + 1000 + 800) / 100 = 60.0
    a, s = one([person(现岗位级别="初级客户经理", **subs)])
    assert a.report.valid, codes(a)
    assert round(s.item_scores[0, 8], 9) == 60.0
    # 中级 weights 25 each: 230 / 4 = 57.5
    a, s = one([person(现岗位级别="中级客户经理", **subs)])
    assert round(s.item_scores[0, 8], 9) == 57.5
    # 资深 weights 20/20/30/30: (1600 + 1200 + 1500 + 1200) / 100 = 55.0
    a, s = one([person(现岗位级别="资深客户经理", **subs)])
    assert round(s.item_scores[0, 8], 9) == 55.0


def test_knowledge_subitems_incomplete_is_an_error():
    subs = {"电信行业概况": 80, "企业概况": "", "法律法规": 50, "企业规章制度": 40, "通用基础知识": ...}
    a, s = one([person(**subs)])
    # items E–U (通用基础知识 has no column), sub-items V 电信行业概况, W 企业概况 …
    assert codes(a) == [("W2", "subitems-incomplete")]
    assert "企业概况" in next(i.message for i in a.report.issues if i.code == "subitems-incomplete")
    assert s.total[0] != s.total[0]


def test_item_value_differing_from_subitems_warns_and_uses_computed():
    subs = {"电信行业概况": 80, "企业概况": 60, "法律法规": 50, "企业规章制度": 40}
    a, s = one([person(现岗位级别="中级客户经理", 通用基础知识=70, **subs)])
    assert [k for _, k in codes(a)] == ["item-differs-from-subitems"]
    assert a.report.valid
    assert round(s.item_scores[0, 8], 9) == 57.5


def test_target_level_from_applied_grade_when_job_grade_empty():
    # 二级 -> 高级 -> 高级客户经理's standard profile; 通用 weights 20/20/30/30
    subs = {"电信行业概况": 80, "企业概况": 60, "法律法规": 50, "企业规章制度": 40, "通用基础知识": ...}
    a, s = one([person(现岗位级别="", 申报认证等级="二级", **subs)])
    assert a.framework.grades[s.grade[0]].name == "高级客户经理"
    assert round(s.item_scores[0, 8], 9) == 55.0  # (1600+1200+1500+1200)/100


def test_no_grade_and_no_application_uses_fallback_and_warns():
    a, s = one([person(现岗位级别="")])
    assert codes(a) == [("D2", "no-standard-profile")]
    assert a.framework.level_names[s.target_level[0]] == "中级"
    assert s.attainment[0] is None


def _senior(**over):
    # 高级客户经理 standards: 基本能力 中级, 专业/技术能力 高级, 职能行为能力 高级
    return person(现岗位级别="高级客户经理", score=70, **over)


def test_attained_when_nothing_below_standard():
    _, s = one([_senior(**dict.fromkeys(BASIC, 55))])  # basic 中级 == standard 中级
    assert s.attainment[0] == "达标"


def test_nearly_attained_with_three_items_one_level_below():
    # three professional items at 55 (中级, one below 高级); total =
    # (3*5*55 + 6*5*70 + 5*6*70 + 4*6.25*70) / 100 = (825 + 2100 + 2100 + 1750) / 100 = 67.75 >= 61
    over = dict.fromkeys(PROFESSIONAL[2:5], 55)
    _, s = one([_senior(**over)])
    assert round(s.total[0], 9) == 67.75
    assert list(s.gaps[0]).count(-1) == 3
    assert s.attainment[0] == "基本达标"


def test_four_items_below_is_not_attained():
    _, s = one([_senior(**dict.fromkeys(PROFESSIONAL[2:6], 55))])
    assert s.attainment[0] == "未达标"


def test_an_item_two_levels_below_is_not_attained():
    _, s = one([_senior(**{PROFESSIONAL[2]: 35})])
    assert s.gaps[0, 10] == -2
    assert s.attainment[0] == "未达标"


def test_nearly_needs_total_to_reach_grade_band():
    # 中级客户经理 (band from 41): three basic items at 40 (初级, one below), the rest at 41:
    # total = (18*40 + 82*41) / 100 = (720 + 3362) / 100 = 40.82 -> 40.8 < 41
    over = dict.fromkeys(BASIC[:3], 40)
    _, s = one([person(score=41, **over)])
    assert round(s.total[0], 9) == 40.82
    assert s.attainment[0] == "未达标"


def test_missing_rating_is_an_error_and_total_is_not_computed():
    a, s = one([person(成就导向="")])
    assert codes(a) == [("E2", "score-missing")]
    assert s.total[0] != s.total[0]
    assert s.attainment[0] is None


@pytest.mark.parametrize("framework", ["cm11"])
def test_framework_b_core_items_weigh_12(framework):
    from cmxl.core.model.loading import catalogue

    fw = catalogue().framework(framework)
    items = {c.name: (c.code, c.weight) for c in fw.competencies}
    assert [items[n] for n in ("沟通能力", "挖掘需求与发现商机", "顾问式营销技巧", "产品知识", "行业知识")] == [
        ("A", 12),
        ("C", 12),
        ("D", 12),
        ("J", 12),
        ("K", 12),
    ]
    assert sum(w for _, w in items.values()) == 100
    # A..K all at 60 except core item A at 90: total = 60 + 12*30/100 = 63.6
    row = {"员工编号": "1", "姓名": "李四", "现岗位级别": "中级客户经理", **dict.fromkeys(items, 60), "沟通能力": 90}
    a = run([row], framework=framework)
    assert a.report.valid
    assert round(a.scores.total[0], 9) == 63.6


def test_summary_leaves_what_is_unknown_blank():
    from cmxl.core.layout.results import build_results
    from tests.conftest import grid

    a = run([person(成就导向="")])
    spec = build_results(a, grid([person(成就导向="")]), source="x", sha256="", tool_version="t", created="c")
    summary = spec.sheet("汇总")
    head = {summary.cell(0, c).value: c for c in range(30) if summary.cell(0, c) is not None}
    values = {h: summary.cell(1, c).value for h, c in head.items()}
    assert (values["加权总分"], values["综合级别"], values["达标情况"]) == (None, "未评定", "未评定")
    # the other items are judged (none below): 0 below, and one that cannot be judged
    assert (values["低于标准项数"], values["无法判断项数"]) == (0, 1)
