"""校准分析 (docs/rules.md; DOMAIN §8): units and raters that stray from the batch, by the shrunk
mean and the leniency index, worked by hand; and the sheet a calibration meeting reads."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cmxl.core.engine.calibration import LENIENT, NORMAL, SEVERE, TOO_FEW, Thresholds, measure, shrink

TH = Thresholds()
LEVELS = ["初级", "中级", "高级", "资深"]


def three_units(times: int):
    """A 70, B 50, C 60 on average, every unit's values spread alike (s² = 50 with five values)."""
    a, b, c = [60, 70, 80, 70, 70], [50, 50, 60, 40, 50], [60, 60, 60, 50, 70]
    return a * times + b * times + c * times, ["A"] * 5 * times + ["B"] * 5 * times + ["C"] * 5 * times


def test_five_a_unit_shrunk_by_hand():
    # μ = 900/15 = 60; s² = 200/4 = 50 in each unit, σ² = 50/5 = 10; Var(ȳ) of 70, 50, 60 = 100;
    # τ² = 100 − 10 = 90; B = 10/100 = 0.1; θ_A = 0.9·70 + 0.1·60 = 69, θ_B = 51, θ_C = 60.
    # SD of the 15 values: squares about 60 sum to 700 + 700 + 200 = 1600, /14, √ = 10.6904;
    # d_A = 9 / 10.6904 = 0.8419
    values, groups = three_units(1)
    found, mu, sd, tau2 = shrink(values, groups, TH)
    assert (mu, round(tau2, 6), round(sd, 4)) == (60.0, 90.0, 10.6904)
    n, mean, _, b, theta, d = found["A"]
    assert (n, mean, round(b, 6), round(theta, 6), round(d, 4)) == (5, 70.0, 0.1, 69.0, 0.8419)
    assert round(found["B"][5], 4) == -0.8419 and found["C"][5] == 0.0
    # five people are shown, not judged
    assert [g.verdict for g in measure("加权总分", "单位", values, groups, [None] * 15, LEVELS, TH).groups] == [
        TOO_FEW
    ] * 3


def test_ten_a_unit_judged_by_hand():
    # each unit's values twice: s² = 400/9 = 44.444, σ² = 4.444; τ² = 100 − 4.444 = 95.556;
    # B = 4.444/100 = 0.04444; θ_A = 70 − 0.4444 = 69.5556; SD: 3200/29, √ = 10.5045;
    # d_A = 9.5556 / 10.5045 = 0.9097
    values, groups = three_units(2)
    m = measure("加权总分", "单位", values, groups, [None] * 30, LEVELS, TH)
    assert [(g.name, g.n, round(g.shrunk, 4), round(g.d, 4), g.verdict) for g in m.groups] == [
        ("A", 10, 69.5556, 0.9097, LENIENT),
        ("B", 10, 50.4444, -0.9097, SEVERE),
        ("C", 10, 60.0, 0.0, NORMAL),
    ]


def test_fewer_than_three_groups_are_not_shrunk():
    values = [70, 70, 80, 60, 70] * 2 + [50, 50, 60, 40, 50] * 2
    groups = ["A"] * 10 + ["B"] * 10
    found, _, _, tau2 = shrink(values, groups, TH)
    assert tau2 is None and found["A"][3] == 0.0 and found["A"][4] == 70.0  # B = 0, θ = ȳ


def test_a_group_under_five_is_not_listed_but_counts_in_the_batch():
    values = [60] * 10 + [50] * 10 + [70] * 10 + [100] * 4
    groups = ["A"] * 10 + ["B"] * 10 + ["C"] * 10 + ["D"] * 4
    m = measure("加权总分", "单位", values, groups, [None] * 34, LEVELS, TH)
    assert [g.name for g in m.groups] == ["A", "B", "C"] and m.hidden == 1
    assert m.n == 34 and m.mean == (600 + 500 + 700 + 400) / 34


def test_level_shares_against_the_batch():
    values = [60] * 5 + [50] * 5 + [70] * 5
    groups = ["A"] * 5 + ["B"] * 5 + ["C"] * 5
    levels = ["中级"] * 5 + ["初级", "中级", "中级", "中级", "中级"] + ["高级"] * 5
    m = measure("加权总分", "单位", values, groups, levels, LEVELS, TH)
    assert m.levels == {"初级": 1 / 15, "中级": 9 / 15, "高级": 5 / 15, "资深": 0.0}
    assert m.groups[1].levels == {"初级": 0.2, "中级": 0.8, "高级": 0.0, "资深": 0.0}


_unit = st.lists(st.integers(0, 100), min_size=5, max_size=15)


@settings(max_examples=300, deadline=None)
@given(_unit, st.lists(st.integers(-30, 30), min_size=3, max_size=6))
def test_units_alike_but_for_a_shift_are_ranked_by_it(base, offsets):
    # Units of one size and spread are shrunk alike (one B for all), so the one scored higher is
    # never judged less lenient. (Moving one unit alone is not monotone: the batch's SD and τ²
    # move with it, and a unit above the mean can see its d fall by a hair as the SD grows.)
    values = [v + o for o in offsets for v in base]
    groups = [f"u{i}" for i, _ in enumerate(offsets) for _ in base]
    found = shrink(values, groups, TH)[0]
    ranked = sorted(range(len(offsets)), key=lambda i: offsets[i])
    d = [found[f"u{i}"][5] for i in ranked]
    assert all(later >= earlier - 1e-9 for earlier, later in itertools.pairwise(d))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 100), min_size=1, max_size=12), min_size=1, max_size=6))
def test_a_group_under_five_is_never_judged(units):
    values = [v for u in units for v in u]
    groups = [f"u{i}" for i, u in enumerate(units) for _ in u]
    m = measure("加权总分", "单位", values, groups, [None] * len(values), LEVELS, TH)
    assert all(g.n >= TH.min_shown for g in m.groups)
    assert all(g.verdict == TOO_FEW for g in m.groups if g.n < TH.min_judged)
    assert m.hidden == sum(1 for u in units if len(u) < TH.min_shown)
