"""A certificate needs its basis (DOMAIN §4.3, §4.4; docs/rules.md, 网优技术岗位技能认证): a part
without its pass date is a missing fact, a date after the assessment date is a data error on
its cell (in every scheme), never an expired part nor a pass with an invented expiry."""

from __future__ import annotations

import datetime as dt

import cmxl
from cmxl.ledger import Ledger
from tests.conftest import AS_OF, ITEMS_A, codes, person, run
from tests.test_files import write_xlsx

# 网优 applicant columns after 员工编号 姓名 单位 现岗位级别 and the 18 items: W 认证类别, X 申报认证等级,
# Y 理论成绩, Z 理论通过日期, AA 实操成绩, AB 实操通过日期
THEORY, PRACTICAL = dt.date(2026, 3, 1), dt.date(2026, 5, 1)


def netopt(**values: object) -> dict:
    row = {"认证类别": "网优技术", "申报认证等级": "五级", "理论成绩": 80, "理论通过日期": THEORY}
    row.update({"实操成绩": 75, "实操通过日期": PRACTICAL})
    row.update(values)
    return person(**row)


def test_a_passed_part_without_its_pass_date_is_incomplete_and_names_the_part():
    a = run([netopt(理论通过日期="")])
    cert = a.people[0].certification
    assert (cert.status, cert.valid_until) == ("资料不全", None)
    assert [r.message for r in cert.reasons] == ["理论通过日期为空，无法判断“理论认证在有效期内（2 年内通过）”"]
    assert codes(a) == [("Z2", "fact-missing")]
    # a part not passed has no pass date to give: it fails on its score
    failed = run([netopt(理论成绩=50, 理论通过日期="")]).people[0].certification
    assert (failed.status, [r.field for r in failed.reasons]) == ("未通过", ["理论成绩"])


def test_no_certificate_without_a_pass_date(tmp_path):
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
    row = ["N001", "赵六", "成都", "网优", "五级", 80, None, 75, PRACTICAL]
    write_xlsx(folder / "网优.xlsx", [head + ITEMS_A, row + [55] * len(ITEMS_A)])
    result = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    assert (result.new_certificates, result.passed) == (0, 0)
    with Ledger(tmp_path / "证书台账.sqlite") as db:
        assert db.all() == []


def test_a_pass_date_after_the_assessment_date_is_an_error_not_an_expired_part():
    a = run([netopt(实操通过日期=dt.date(2027, 1, 15))])
    assert codes(a) == [("AB2", "date-after-as-of")]
    assert a.report.errors[0].message == "“实操通过日期”的日期 2027-01-15 晚于评估基准日 2026-12-01"
    cert = a.people[0].certification
    assert cert.status == "资料不全"
    assert [(r.field, r.message) for r in cert.reasons] == [
        ("实操通过日期", "实际操作认证通过于 2027-01-15，晚于评估基准日 2026-12-01，请核对")
    ]
    assert a.people[0].held  # an error on the row: no certificate
    # the assessment date itself is not after it
    assert run([netopt(实操通过日期=AS_OF)]).people[0].certification.status == "通过"


def test_a_held_certificate_dated_after_the_assessment_date_is_not_called_expired():
    """网优 四级 needs a valid 五级: a 五级 'obtained' in 2027 is a typing error, not an old certificate."""
    a = run([netopt(申报认证等级="四级", 已持证书等级="五级", 证书取得日期=dt.date(2027, 2, 1))])
    assert ("AD2", "date-after-as-of") in codes(a)
    cert = a.people[0].certification
    assert cert.status == "资料不全"
    assert [r.message for r in cert.reasons] == [
        "五级证书取得于 2027-02-01，晚于评估基准日 2026-12-01，请核对",
        "省公司认证等级：无，不具备跨级认证资格",
    ]


def test_a_future_certificate_date_is_an_error_in_every_scheme():
    people = [
        person("0001", 申报认证等级="三级", 已持证书等级="四级", 证书取得日期=dt.date(2027, 6, 1), 本岗位连续年限=3),
        person("0002", "李四", 认证类别="VIP客户服务经理", 申报认证等级="三级", 已持证书等级="四级"),
    ]
    people[1]["证书取得日期"] = "2026-12-02"
    a = run(people)
    assert [(c, k) for c, k in codes(a) if k == "date-after-as-of"] == [
        ("Y2", "date-after-as-of"),
        ("Y3", "date-after-as-of"),
    ]
    assert [p.certification.status for p in a.people] == ["资料不全", "资料不全"]
    assert not any("有效期" in r.message for p in a.people for r in p.certification.reasons)
