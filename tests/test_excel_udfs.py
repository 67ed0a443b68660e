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


# ---- xlwings' own Windows path: what Excel hands over for ordinary cells ------------------------
import math  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import cmxl.addin.udfs as udfs_module  # noqa: E402
from tests.xlwings_windows import ERROR_CODES, MISSING, ComRange, windows_udfs  # noqa: E402

LEVELS = {"初级", "中级", "高级", "资深"}
STATUSES = ("通过", "未通过", "不符合申报条件", "资料不全")


@pytest.fixture(scope="module")
def excel():
    with windows_udfs(Path(udfs_module.__file__)) as functions:
        yield functions


def _cell_text(result):
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((ComRange(None), MISSING), "错误：没有分数：请填写 0–100 的分数或级别名称"),  # an empty cell
        ((ComRange(ERROR_CODES["#N/A"]), MISSING), "错误：分数是错误值 #N/A，请先改正它引用的单元格"),
        ((40.0, 3.0), "错误：能力模型应是文字（如 cm18 或模型文件的路径），不是“3”"),
        ((ComRange(((40.0, 50.0),)), MISSING), "错误：分数只能是一个单元格，给了 2 个"),
        ((ComRange(((40.0,),)), MISSING), "初级"),
        ((ComRange(" 85 "), MISSING), "资深"),
    ],
)
def test_level_of_ordinary_cells_through_xlwings(excel, args, expected):
    assert _cell_text(excel.call("CMXL_LEVEL", *args)) == expected


def test_total_over_a_block_of_cells_reads_row_by_row(excel):
    # two rows of nine cells: every item at 50 -> 50.0 (weights sum to 100)
    block = ComRange(tuple((50.0,) * 9 for _ in range(2)))
    assert _cell_text(excel.call("CMXL_TOTAL", block, MISSING)) == 50.0
    column = ComRange(tuple((50.0,) for _ in range(18)))
    assert _cell_text(excel.call("CMXL_TOTAL", column, MISSING)) == 50.0


def test_total_names_the_empty_and_error_cells(excel):
    row = [60.0] * 18
    row[2], row[17] = None, ERROR_CODES["#DIV/0!"]
    text = _cell_text(excel.call("CMXL_TOTAL", ComRange((tuple(row),)), MISSING))
    assert text == "错误：第 18 项（客户关系能力）是错误值 #DIV/0!，请先改正它引用的单元格"
    row[17] = 60.0
    text = _cell_text(excel.call("CMXL_TOTAL", ComRange((tuple(row),)), MISSING))
    assert text == "错误：第 3 项（沟通倾听能力）没有得分：加权总分需要每个能力项的分数或级别"


def test_cert_and_gap_with_empty_cells(excel):
    empty = ComRange(None)
    assert _cell_text(excel.call("CMXL_CERT", empty, empty, empty, *[MISSING] * 11)).startswith(
        "错误：没有申报认证等级"
    )
    assert _cell_text(excel.call("CMXL_GAP", 50.0, empty, "成就导向", MISSING)).startswith("错误：没有岗位级别")
    assert _cell_text(excel.call("CMXL_GAP", 50.0, "中级客户经理", empty, MISSING)).startswith("错误：没有能力项名称")


def test_every_argument_is_a_block_of_cells_with_error_values_as_text(excel):
    """The decorators record what the fuzzing below relies on, for every parameter."""
    for name in ("CMXL_LEVEL", "CMXL_TOTAL", "CMXL_GAP", "CMXL_CERT"):
        for arg in excel.info(name)["args"]:
            assert arg["options"] == {"ndim": 2, "err_to_str": True}, (name, arg["name"])
            assert arg["doc"] and not arg["doc"].startswith("Positional"), (name, arg["name"])


# what a cell can hold, as COM hands it over
_scalar = st.one_of(
    st.none(),
    st.just(""),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20).map(float),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.text(max_size=12),
    st.sampled_from(
        ["初级", "资深", "四级", "一级", "中级客户经理", "成就导向", "良好", "合格", "cm11", "８５", "85分"]
    ),
    st.sampled_from(list(ERROR_CODES.values())),
)
_block = st.integers(1, 3).flatmap(
    lambda rows: st.integers(1, 19).flatmap(
        lambda cols: st.lists(st.tuples(*[_scalar] * cols), min_size=rows, max_size=rows).map(tuple)
    )
)
_argument = st.one_of(_scalar, _scalar.map(ComRange), _block.map(ComRange), st.just(MISSING))
_ARITY = {"CMXL_LEVEL": (1, 2), "CMXL_TOTAL": (1, 2), "CMXL_GAP": (3, 4), "CMXL_CERT": (3, 14)}


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(_ARITY)),
    data=st.data(),
)
def test_no_cell_ever_shows_a_python_error(excel, name, data):
    required, most = _ARITY[name]
    args = [data.draw(_argument.filter(lambda a: a != MISSING)) for _ in range(required)]
    args += [data.draw(_argument) for _ in range(most - required)]
    value = _cell_text(excel.call(name, *args))  # call_udf raising is what Excel shows as Python's text
    if isinstance(value, str):
        assert value in LEVELS or value.startswith(STATUSES) or value.startswith("错误："), value
        assert "cmxl 无法计算" not in value, value  # the last-resort guard is never what answers
    else:
        assert isinstance(value, float | int) and math.isfinite(value), value
