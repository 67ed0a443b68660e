"""ROUND_HALF_UP at one decimal, and score bands closed below (docs/rules.md, 数字的处理)."""

import numpy as np
import pytest

from cmxl.core.numbers import parse_number, round_half_up, round_half_up_array
from tests.conftest import person, run


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.25, 0.3),
        (0.35, 0.4),
        (2.45, 2.5),
        (40.95, 41.0),
        (40.94, 40.9),
        (60.05, 60.1),
        (72.15, 72.2),
        (99.95, 100.0),
        (1.05, 1.1),
        (1.15, 1.2),
        (59.949, 59.9),
    ],
)
def test_half_up_rounding_like_excel(value, expected):
    assert round_half_up(value, 1) == expected
    assert round_half_up_array(np.array([value]))[0] == expected


def test_python_round_would_be_wrong_here():
    # the reason for the rule: banker's rounding and binary floats disagree with Excel
    assert round(0.25, 1) == 0.2 and round(1.15, 1) == 1.1
    assert round_half_up(0.25) == 0.3 and round_half_up(1.15) == 1.2


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "初级"),
        (40, "初级"),
        (40.94, "初级"),
        (40.95, "中级"),
        (41, "中级"),
        (60, "中级"),
        (60.95, "高级"),
        (61, "高级"),
        (80, "高级"),
        (80.96, "资深"),
        (81, "资深"),
        (100, "资深"),
        (40.5, "初级"),
    ],
)
def test_band_edges(score, level):
    a = run([person(成就导向=score)])
    assert a.report.valid
    assert a.framework.level_names[a.scores.item_levels[0, 0]] == level


@pytest.mark.parametrize(
    ("raw", "value", "normalised"),
    [
        (85, 85.0, False),
        ("８５", 85.0, True),
        ("85分", 85.0, True),
        (" 85 ", 85.0, True),
        ("７２．５", 72.5, True),
        ("良好", None, False),
        ("", None, False),
        (True, None, False),
    ],
)
def test_number_parsing(raw, value, normalised):
    assert parse_number(raw) == (value, normalised)
