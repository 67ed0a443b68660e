"""Certification rules of docs/rules.md (岗位技能认证), worked by hand from the rules."""

import datetime as dt

import pytest

from cmxl.core.engine.certification import add_years, certify, expiry
from cmxl.core.model.loading import catalogue

AS_OF = dt.date(2026, 12, 1)
VALID = dt.date(2025, 6, 1)  # a certificate obtained then is valid until 2027-06-01 (2 years)


def cert(scheme="cm-cert", invalid=frozenset(), as_of=AS_OF, **values):
    cat = catalogue()
    return certify(cat.schemes[scheme], values, frozenset(invalid), as_of, cat.workbook_format.labels)


def messages(result):
    return [r.message for r in result.reasons]


# ---- 4.1 pass rules -------------------------------------------------------------------------
def test_sixty_exactly_passes():
    r = cert(applied="四级", training_hours=30, written=60, interview=60)
    assert (r.status, r.reasons) == ("通过", [])


def test_compared_as_entered_59_95_fails():
    r = cert(applied="四级", training_hours=30, written=59.95, interview=75)
    assert r.status == "未通过"
    assert [(x.field, x.value) for x in r.reasons] == [("笔试成绩", "59.95")]


def test_both_failures_are_listed():
    r = cert(applied="四级", training_hours=30, written=40, interview=50)
    assert r.status == "未通过"
    assert [x.field for x in r.reasons] == ["笔试成绩", "面试成绩"]


def test_not_applying_has_no_status():
    assert cert(written=90).status is None


# ---- eligibility (4.2, default for 4.1) -----------------------------------------------------
def test_fourth_grade_by_training_or_probation():
    assert cert(applied="四级", training_hours=30, written=70, interview=70).status == "通过"
    assert cert(applied="四级", probation="合格", written=70, interview=70).status == "通过"
    r = cert(applied="四级", training_hours=29, probation="不合格", written=70, interview=70)
    assert r.status == "不符合申报条件"
    assert [x.field for x in r.reasons] == ["培训学时", "试用期考核"]


def test_missing_fact_does_not_matter_when_another_path_is_met():
    r = cert(applied="四级", probation="合格", written=70, interview=70)  # training hours empty
    assert r.status == "通过"


def test_undecidable_eligibility_is_incomplete():
    r = cert(applied="四级", written=70, interview=70)
    assert r.status == "资料不全"
    assert sorted(r.missing) == ["probation", "training_hours"]


def test_third_grade_paths_include_the_bound():
    base = {"applied": "三级", "written": 70, "interview": 70}
    assert cert(**base, held="四级", held_date=VALID, years_continuous=1, training_hours=24).status == "通过"
    assert cert(**base, years_cumulative=2).status == "通过"
    r = cert(**base, years_continuous=0.9, years_cumulative=1.9, training_hours=24)
    assert r.status == "不符合申报条件"
    assert [x.field for x in r.reasons] == ["已持证书等级", "本岗位连续年限", "本岗位累计年限"]


def test_a_higher_certificate_counts_as_holding_a_lower_one():
    r = cert(
        applied="三级", held="二级", held_date=VALID, years_continuous=1, training_hours=24, written=70, interview=70
    )
    assert r.status == "通过"


def test_first_grade_paths():
    base = {"applied": "一级", "simulated": 70, "marketing": 70, "appraisal": "优秀", "written": 70}
    assert cert(**base, years_cumulative=3).status == "通过"
    assert cert(
        **base, held="二级", held_date=VALID, years_continuous=3, training_hours=12, years_cumulative=1
    ).status == ("通过")
    assert cert(**base, years_cumulative=2.99, years_continuous=5, held="三级", training_hours=12).status == (
        "不符合申报条件"
    )


# ---- 一级: interview parts and the appraisal ---------------------------------------------------
def first(**over):
    values = {"applied": "一级", "years_cumulative": 5, "written": 80, "appraisal": "良好"}
    values.update(over)
    return cert(**values)


def test_first_grade_interview_is_mean_of_parts():
    r = first(simulated=70, marketing=50)  # (70 + 50) / 2 = 60 -> pass
    assert (r.status, r.interview) == ("通过", 60.0)
    r = first(simulated=70, marketing=49)  # 59.5 -> fail
    assert r.status == "未通过" and r.interview == 59.5


def test_first_grade_one_part_missing_uses_interview_score_if_given():
    assert first(simulated=80, interview=65).interview == 65.0
    assert first(simulated=80, interview=65).status == "通过"


def test_first_grade_one_part_missing_and_no_interview_is_incomplete():
    r = first(simulated=80)
    assert r.status == "资料不全"
    assert r.missing == ["marketing"]


@pytest.mark.parametrize(
    ("appraisal", "status"), [("优秀", "通过"), ("良好", "通过"), ("合格", "未通过"), ("不合格", "未通过")]
)
def test_first_grade_appraisal_good_or_better(appraisal, status):
    assert first(simulated=80, marketing=80, appraisal=appraisal).status == status


def test_appraisal_missing_is_incomplete():
    r = first(simulated=80, marketing=80, appraisal=None)
    assert r.status == "资料不全" and r.missing == ["appraisal"]


# ---- precedence -------------------------------------------------------------------------------
def test_not_eligible_wins_over_missing_scores():
    r = cert(applied="三级", years_cumulative=1, years_continuous=1, training_hours=24)  # no 四级, no scores
    assert r.status == "不符合申报条件"
    assert all(x.rule.startswith("申报条件") for x in r.reasons)


def test_incomplete_wins_over_failing_scores():
    r = cert(applied="四级", written=10, interview=10)  # eligibility undecidable
    assert r.status == "资料不全"


def test_invalid_value_is_reported_as_invalid_not_empty():
    r = cert(applied="四级", probation="合格", interview=70, invalid={"written"})
    assert r.status == "资料不全"
    assert "填写有误" in r.reasons[0].message


# ---- validity and dates -------------------------------------------------------------------------
def test_two_years_from_29_february_ends_28_february():
    assert add_years(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)
    assert expiry(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)
    assert expiry(dt.date(2024, 3, 1), 2) == dt.date(2026, 3, 1)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


# ---- 4.3 网优: two sub-certifications and validity ---------------------------------------------
def net(**values):
    base = {"theory": 70, "practical": 70, "theory_date": dt.date(2026, 6, 1), "practical_date": dt.date(2026, 10, 1)}
    base.update(values)
    return cert("netopt-cert", **base)


def test_netopt_fifth_level_needs_both_parts():
    assert net(applied="五级").status == "通过"
    assert net(applied="五级", practical=59).status == "未通过"
    assert net(applied="五级", theory=None).status == "资料不全"


def test_netopt_part_outside_validity_fails():
    # theory passed 2024-11-30: valid through 2026-11-30, so not on 2026-12-01
    r = net(applied="五级", theory_date=dt.date(2024, 11, 30))
    assert r.status == "未通过" and [x.rule for x in r.reasons] == ["有效期"]
    assert net(applied="五级", theory_date=dt.date(2024, 12, 1)).status == "通过"


def test_netopt_starts_at_fifth_level():
    r = net(applied="四级")
    assert r.status == "不符合申报条件"
    assert net(applied="四级", held="五级", held_date=dt.date(2025, 5, 1)).status == "通过"
    # an expired group certificate does not count
    assert net(applied="四级", held="五级", held_date=dt.date(2024, 5, 1)).status == "不符合申报条件"


def test_netopt_cross_level_from_provincial_certificate():
    assert net(applied="三级", prov_grade="四级").status == "通过"
    assert net(applied="三级", prov_grade="五级").status == "不符合申报条件"
    assert net(applied="二级", prov_grade="三级").status == "不符合申报条件"  # only to 四级 or 三级


def test_netopt_provincial_2008_2010_counted_as_fifth_for_two_years():
    early = dt.date(2009, 6, 1)
    assert (
        cert(
            "netopt-cert",
            applied="四级",
            prov_date=early,
            theory=70,
            practical=70,
            as_of=dt.date(2010, 6, 1),
            theory_date=dt.date(2010, 5, 1),
            practical_date=dt.date(2010, 5, 1),
        ).status
        == "通过"
    )
    assert net(applied="四级", prov_date=early).status == "不符合申报条件"  # long expired by 2026


# ---- held certificates count only while valid (docs/rules.md: 申报条件) ------------------------
def test_an_expired_prerequisite_does_not_count():
    """江苏 row 76 passed 三级 on a 四级 certificate of 2022-11-04: it expired 2024-11-04."""
    base = {"applied": "三级", "held": "四级", "years_continuous": 3, "years_cumulative": 1, "training_hours": 24}
    r = cert(**base, written=80, interview=80, held_date=dt.date(2022, 11, 4))
    assert r.status == "不符合申报条件"
    assert messages(r) == [
        "持四级证书、连续从事本岗位 1 年(含)以上并完成三级培训：四级证书取得于 2022-11-04，"
        "到评估基准日 2026-12-01 已过 2 年有效期",
        "累计从事本岗位 2 年(含)以上：本岗位累计年限 1 年，未达到 2 年",
    ]
    assert r.reasons[0].field == "证书取得日期"
    # valid on the assessment date, inclusive of the last day
    assert cert(**base, written=80, interview=80, held_date=dt.date(2024, 12, 1)).status == "通过"
    assert cert(**base, written=80, interview=80, held_date=dt.date(2024, 11, 30)).status == "不符合申报条件"


def test_a_held_certificate_without_its_date_is_a_missing_fact():
    r = cert(applied="三级", held="四级", years_continuous=3, training_hours=24, written=80, interview=80)
    assert r.status == "资料不全" and "held_date" in r.missing


def test_a_scheme_may_let_expired_certificates_count():
    cat = catalogue()
    scheme = cat.schemes["cm-cert"]
    lenient = scheme.model_copy(update={"scheme": scheme.scheme.model_copy(update={"hold_must_be_valid": False})})
    values = {"applied": "三级", "held": "四级", "years_continuous": 3, "training_hours": 24, "written": 80}
    r = certify(lenient, {**values, "interview": 80}, frozenset(), AS_OF, cat.workbook_format.labels)
    assert r.status == "通过"


# ---- reasons: the deciding ones, then every other rule known to fail --------------------------
def test_incomplete_also_says_what_already_fails():
    """魏敏辉 3200134: path 1 fails (training 20 < 24), 试用期考核 is missing, and 面试 56 < 60:
    supplying the missing fact cannot make this a pass, and the reasons say so."""
    r = cert(applied="四级", training_hours=20, written=70, interview=56)
    assert r.status == "资料不全"
    assert [x.rule for x in r.reasons] == ["申报条件：上岗实习考核合格", "申报条件：完成四级培训课程", "合格标准"]
    assert [x.field for x in r.reasons] == ["试用期考核", "培训学时", "面试成绩"]
    assert r.reasons[2].message == "面试成绩 56 分，低于合格线 60 分"


def test_not_eligible_also_lists_failed_exams():
    r = cert(applied="四级", training_hours=10, probation="不合格", written=40, interview=70)
    assert r.status == "不符合申报条件"
    assert [x.field for x in r.reasons] == ["培训学时", "试用期考核", "笔试成绩"]


def test_a_two_part_certificate_ends_with_its_earlier_part():
    """Theory passed 2025-03-01 (valid to 2027-03-01), practical 2026-05-01 (to 2028-05-01): the
    level lasts to 2027-03-01, not two years from the issue date."""
    r = cert(
        "netopt-cert",
        applied="五级",
        theory=80,
        theory_date=dt.date(2025, 3, 1),
        practical=75,
        practical_date=dt.date(2026, 5, 1),
    )
    assert (r.status, r.valid_until) == ("通过", dt.date(2027, 3, 1))
