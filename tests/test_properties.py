"""Invariants, checked on many generated inputs (hypothesis)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cmxl.core.engine.scoring import band
from cmxl.core.model.framework import Framework
from cmxl.core.model.loading import catalogue
from cmxl.core.numbers import parse_number, round_half_up, round_half_up_array
from tests.conftest import ITEMS_A, person, run

score = st.floats(min_value=0, max_value=100, allow_nan=False)
tenths = st.integers(min_value=0, max_value=100_000).map(lambda x: x / 1000)


@given(st.lists(score, min_size=2, max_size=40))
def test_level_never_falls_as_score_rises(scores):
    fw = catalogue().framework("cm18")
    ordered = np.sort(np.array(scores))
    assert (np.diff(band(fw, ordered)) >= 0).all()


@given(tenths)
def test_vectorised_rounding_equals_decimal_rounding(x):
    assert round_half_up_array(np.array([x]))[0] == round_half_up(x)


@settings(max_examples=40, deadline=None)
@given(st.lists(score, min_size=18, max_size=18))
def test_totals_stay_within_0_100(scores):
    a = run([person(**dict(zip(ITEMS_A, scores, strict=True)))])
    total = a.scores.total[0]
    assert 0 <= total <= 100 + 1e-9
    assert all(0 <= c <= 100 + 1e-9 for c in a.scores.category_scores[0])


weights = st.lists(st.integers(min_value=1, max_value=98), min_size=2, max_size=2).filter(lambda w: sum(w) < 100)


@settings(max_examples=25, deadline=None)
@given(weights, st.integers(min_value=0, max_value=5))
def test_framework_round_trips_through_toml(w, max_below):
    import tomli_w

    fw = catalogue().framework("cm18")
    d = fw.model_dump(mode="python", exclude_none=True)
    d["categories"][0]["weight"], d["categories"][1]["weight"] = w
    d["categories"][2]["weight"] = 100 - sum(w)
    d["attainment"]["max_one_below"] = max_below
    text = tomli_w.dumps(d)
    import tomllib

    again = Framework.from_data(tomllib.loads(text), "x")
    assert again.model_dump() == Framework.from_data(d, "y").model_dump()
    assert math.isclose(again.item_weights.sum(), 100)


spaces = st.sampled_from([" ", "  ", "\u3000", "\u00a0", "\t"])  # half- and full-width, no-break, tab


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=10, max_value=100_000), st.integers(min_value=1, max_value=5), spaces)
def test_a_score_with_a_space_between_its_digits_is_never_read_as_a_number(number, where, space):
    digits = str(number)
    at = 1 + where % (len(digits) - 1)
    typed = f" {digits[:at]}{space}{digits[at:]}分 "  # spaces around and a unit are still fine
    assert parse_number(typed) == (None, False)
    a = run([person(成就导向=typed)])
    assert [(i.cell, i.code) for i in a.report.issues] == [("E2", "number-space")]
    assert a.people[0].item_scores[0] is None
