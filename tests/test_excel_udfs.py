"""Worksheet functions: the rules of docs/rules.md for one person, worked by hand."""

import datetime as dt

import pytest

from cmxl.addin.udfs import CMXL_CERT, CMXL_GAP, CMXL_LEVEL, CMXL_TOTAL
from tests.conftest import BASIC, FUNCTIONAL, ITEMS_A, PROFESSIONAL


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (40, "初级"),
        (40.94, "初级"),
        (40.95, "中级"),
        (41, "中级"),
        (60, "中级"),
        (80.95, "资深"),
        ("８５", "资深"),
        ("高级", "高级"),
    ],
)
def test_level_of_a_score(score, level):
    assert CMXL_LEVEL(score) == level


def test_level_rejects_what_a_workbook_would_reject():
    assert CMXL_LEVEL(120).startswith("错误：") and "0–100" in CMXL_LEVEL(120)
    assert "不是分数" in CMXL_LEVEL("良好")
    assert "没有编号为“cm99”的能力模型" in CMXL_LEVEL(50, "cm99")


def test_total_weights_categories_30_45_25():
    # 基本能力 5 items x 6 points at 60, 专业/技术能力 9 x 5 at 80, 职能行为能力 4 x 6.25 at 40:
    # (5*6*60 + 9*5*80 + 4*6.25*40) / 100 = (1800 + 3600 + 1000) / 100 = 64.0
    by_item = {**dict.fromkeys(BASIC, 60), **dict.fromkeys(PROFESSIONAL, 80), **dict.fromkeys(FUNCTIONAL, 40)}
    assert CMXL_TOTAL([by_item[i] for i in ITEMS_A]) == 64.0


def test_total_counts_a_level_alone_as_its_midpoint():
    assert CMXL_TOTAL(["中级"] * 18) == 50.5
    assert "需要 18 个能力项" in CMXL_TOTAL([50] * 17)


def test_total_under_the_eleven_item_model():
    # core items A, C, D, J, K weigh 12 each, B, E, H, I 7 and F, G 6 (100 in all). A at 100, the
    # other ten at 70 (88 points of weight): (12*100 + 88*70) / 100 = (1200 + 6160) / 100 = 73.6
    assert CMXL_TOTAL([100] + [70] * 10, "cm11") == 73.6


@pytest.mark.parametrize(
    ("assessed", "grade", "item", "gap"),
    [
        ("高级", "资深客户经理", "成就导向", 0),  # 资深客户经理: 基本能力 standard 高级
        (90, "初级客户经理", "通用基础知识", 3),  # 资深 - 初级
        (30, "高级客户经理", "需求分析能力", -2),  # 初级 - 高级
        (55, "高级客户经理", "成就导向", 0),  # 高级客户经理: 基本能力 standard 中级
    ],
)
def test_gap_to_the_grade_standard(assessed, grade, item, gap):
    assert CMXL_GAP(assessed, grade, item) == gap


def test_gap_names_what_is_wrong():
    assert "没有能力项“销售能力”" in CMXL_GAP(50, "中级客户经理", "销售能力")
    assert "现岗位级别“客户经理”无法识别" in CMXL_GAP(50, "客户经理", "成就导向")


VALID = dt.date(2025, 6, 1)  # a held certificate within its 2 years on the assessment date


def test_certification_status_and_every_reason():
    assert CMXL_CERT("四级", 60, 60, training_hours=30) == "通过"  # 60 passes (以上 includes it)
    failed = CMXL_CERT("四级", 59.95, 50, training_hours=30)
    assert failed.startswith("未通过：") and "笔试" in failed and "面试" in failed  # both reasons
    assert CMXL_CERT("三级", 80, 80, years_cumulative=1, years_continuous=1, training_hours=24).startswith(
        "不符合申报条件"
    )
    incomplete = CMXL_CERT(
        "一级",
        80,
        None,
        held="二级",
        held_date=VALID,
        years_continuous=3,
        training_hours=12,
        simulated=70,
        appraisal="优秀",
    )
    assert incomplete.startswith("资料不全")  # 一级 with one interview part missing and no 面试成绩
    assert (
        CMXL_CERT(
            "一级",
            80,
            None,
            held="二级",
            held_date=VALID,
            years_continuous=3,
            training_hours=12,
            simulated=70,
            marketing=50,
            appraisal="称职",
        )
        == "通过"
    )
