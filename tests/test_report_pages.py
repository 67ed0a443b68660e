"""Person reports (cmxl report, bulk --reports): one printed page a person whatever the page holds,
nothing on it for the clerk, what happens next for a result that is not a pass, the as-of date
said, images added without re-hashing, progress once per person (issue 22).

Expected values are worked by hand from docs/rules.md and the shipped rules:
- 资深客户经理's standard is 高级 for the 5 基本能力 items and 资深 for the other 13; an item rated
  初级 is 2 or 3 levels below it, so a person rated 初级 everywhere has 18 development goals.
- 一级 (cert-cm): 持二级证书、连续从事本岗位 3 年(含)以上并完成一级培训 (12 学时), or 累计从事本岗位
  3 年(含)以上; pass: written ≥ 60, interview (mean of 模拟实战 and 营销实战) ≥ 60, appraisal 良好 or
  better. WORST holds 三级, 1 year continuous, 2 cumulative, 5 hours: not eligible by either path,
  and written 40, interview (30 + 20) / 2 = 25 and appraisal 不合格 fail too: 7 reasons.
- 网优 (netopt-cert): a level needs 理论 and 实操 both passed (≥ 60) within 2 years of their dates."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import cmxl
from cmxl.core.layout.person_report import person_pages
from tests.conftest import AS_OF, ITEMS_A, person, run
from tests.libreoffice import soffice
from tests.test_files import write_xlsx
from tests.test_person_report import pages

HEAD = [
    "员工编号",
    "姓名",
    "单位",
    "部门",
    "现岗位级别",
    "申报认证等级",
    "已持证书等级",
    "证书取得日期",
    "本岗位连续年限",
    "本岗位累计年限",
    "培训学时",
    "笔试成绩",
    "模拟实战",
    "营销实战",
    "年度业绩考核",
    *ITEMS_A,
]
LONG = ["阿卜杜热合曼·买买提艾力江·约瑟夫·努尔兰", "中国电信股份有限公司新疆维吾尔自治区分公司巴音郭楞蒙古自治州分公司"]
FACTS = ["资深客户经理", "一级", "三级", dt.date(2026, 1, 5), 1, 2, 5, 40, 30, 20, "不合格"]
WORST = ["0001", *LONG, "政企客户部行业客户拓展与解决方案支撑中心", *FACTS, *["初级"] * 18]
HELD = ["0002", *WORST[1:15], "很差", *[30] * 17]  # 成就导向 is not a score: an error, so held
MIXED = ["0003", *WORST[1:15], *[30, "初级"] * 9]  # half scored, half only a level (按级别折算)
EASY = ["0004", "张三", "南京", "", "中级客户经理", None, None, None, None, None, None, None, None, None, None]
EASY += [55] * 18
NEXT_ONE = (
    "申报一级须具备下列条件之一：持二级证书、连续从事本岗位 3 年(含)以上并完成一级培训；"
    "累计从事本岗位 3 年(含)以上。具备后可再次申报。"
)
ANNOUNCED = "下一次认证的时间和报名安排，以公司通知为准。"
ASK = "如有疑问，请与本单位人力资源部门联系。"


def worst_book(folder: Path) -> Path:
    name = "一个名字很长的地市分公司_2026年度客户经理能力测评汇总表_最终版.xlsx"
    return write_xlsx(folder / name, [HEAD, WORST, HELD, MIXED, EASY])


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by tools/install_test_deps.sh")
def test_every_page_is_one_printed_page_even_the_longest(tmp_path):
    [result] = cmxl.report([worst_book(tmp_path)], as_of=AS_OF, pdf=True)
    pdf = result.output.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+(\d+)", info).group(1) == "4"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    worst = text.split("\f")[0]  # everything the rules say is still there, on the page
    for said in (
        "面试成绩（模拟实战+营销实战的平均） 25 分，低于合格线 60 分",
        "年度业绩考核为“不合格”，要求良好或以上",
    ):
        assert said in worst


def test_no_page_of_a_held_or_failed_person_speaks_to_the_clerk(tmp_path):
    """A held certificate date after the as-of date: the results workbook asks the clerk to check
    it (请核对); the employee reads that it is being checked."""
    late = [
        "0005",
        "李四",
        "南京",
        "",
        "中级客户经理",
        "三级",
        "四级",
        dt.date(2027, 3, 1),
        1,
        1,
        30,
        70,
        None,
        None,
        None,
    ]
    rows = [HEAD, WORST, HELD, [*late, *[55] * 18]]
    [result] = cmxl.report([write_xlsx(tmp_path / "a.xlsx", rows)], as_of=AS_OF)
    texts = pages(result.output)
    assert len(texts) == 3 and "注意：本人的测评数据有 1 处有待核实，以下结果尚未确定，以核实后的报告为准。" in texts[1]
    clerk = re.compile(r"校验问题|请核对|改正|重新运行|单元格|工作表|(?<![A-Za-z0-9])[A-Z]{1,3}[0-9]+(?![0-9])")
    assert [t for page in texts for t in page if clerk.search(t)] == []
    # a held certificate date after the as-of date is an error on the row (docs/rules.md): the result is
    # held, and the employee reads that it is being checked, not the reasons written for the clerk
    assert "结果：认证结果待核实" in texts[2] and not any("2027-03-01" in t for t in texts[2])


def test_a_person_not_eligible_is_told_the_conditions_in_the_schemes_words():
    [page] = person_pages(run([person(**dict(zip(HEAD[4:15], FACTS, strict=True)))]), "a.xlsx")
    assert (page.applied, page.certification) == ("客户经理岗位技能认证 一级", "不符合申报条件")
    assert page.next_step == NEXT_ONE + ANNOUNCED + ASK


def test_a_person_missing_facts_is_told_they_will_be_reviewed_when_supplied():
    a = run([person(申报认证等级="四级", 笔试成绩=70, 面试成绩=70)])  # no training hours, no probation result
    [page] = person_pages(a, "a.xlsx")
    assert (page.certification, page.next_step) == ("资料不全", "所缺资料补齐后，将重新审核认证结果。" + ASK)


def test_a_held_person_is_told_the_result_follows_the_check():
    [page] = person_pages(
        run([person(成就导向="很好", 申报认证等级="四级", 培训学时=30, 笔试成绩=70, 面试成绩=70)]), "a"
    )
    assert (page.certification, page.reasons) == ("认证结果待核实", [])
    assert page.next_step == "你的测评数据正在核实，认证结果待核实后另行通知。" + ASK


def test_a_two_part_failure_keeps_the_part_passed_until_it_expires():
    """理论 passed 2026-03-01 (80 ≥ 60) is valid to 2028-03-01; 实操 50 < 60 fails."""
    netopt = {"认证类别": "网优技术岗位技能认证", "申报认证等级": "五级", "理论成绩": 80}
    netopt |= {"理论通过日期": dt.date(2026, 3, 1), "实操成绩": 50, "实操通过日期": dt.date(2026, 5, 1)}
    [page] = person_pages(run([person(**netopt)]), "a.xlsx")
    assert (page.certification, page.reasons) == ("未通过", ["实际操作认证成绩 50 分，低于合格线 60 分"])
    kept = "你已通过的理论认证（2026-03-01 通过）有效期至 2028-03-01；在 2028-03-01 之前通过实际操作认证，即可获得五级资格。"
    assert page.next_step == kept + ANNOUNCED + ASK


def test_the_next_step_is_printed_under_the_reasons(tmp_path):
    [result] = cmxl.report([write_xlsx(tmp_path / "a.xlsx", [HEAD, WORST])], as_of=AS_OF)
    [page] = pages(result.output)
    at = page.index("年度业绩考核为“不合格”，要求良好或以上")
    assert page[at + 1] == NEXT_ONE + ANNOUNCED + ASK
    assert "岗位技能认证（申报：客户经理岗位技能认证 一级）" in page


def test_the_as_of_date_defaults_to_today_as_for_score_and_is_said(tmp_path):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, EASY])
    exe = Path(sys.executable).with_name("cmxl")
    done = subprocess.run([exe, "report", book], capture_output=True, text=True)
    today = dt.date.today().isoformat()
    assert done.returncode == 0, done.stderr
    assert f"评估基准日：{today}（未指定 --as-of，默认今天，与 cmxl score 相同）" in done.stderr
    [page] = pages(tmp_path / "a_个人报告.docx")
    assert page[page.index("评估基准日") + 1] == today


def test_images_are_added_without_hashing_the_earlier_ones(tmp_path, monkeypatch):
    """python-docx's add_picture compared each new image's SHA-1 with every image already added,
    computing each one's again: calls grew with the square of the pages."""
    from docx.parts.image import ImagePart

    calls = []
    sha1 = ImagePart.sha1
    monkeypatch.setattr(ImagePart, "sha1", property(lambda part: calls.append(1) or sha1.fget(part)))
    rows = [HEAD, *([f"{n:04d}", *EASY[1:]] for n in range(30))]
    [result] = cmxl.report([write_xlsx(tmp_path / "a.xlsx", rows)], as_of=AS_OF)
    with zipfile.ZipFile(result.output) as zf:
        assert len([n for n in zf.namelist() if n.startswith("word/media/")]) == 30
    assert len(calls) <= 30


def test_progress_is_reported_once_per_person(tmp_path):
    book = write_xlsx(tmp_path / "a.xlsx", [HEAD, WORST, HELD, EASY])
    seen = []
    cmxl.report([book], as_of=AS_OF, progress=lambda path, done, total: seen.append((path.name, done, total)))
    assert seen == [("a.xlsx", 1, 3), ("a.xlsx", 2, 3), ("a.xlsx", 3, 3)]


def test_pages_drawn_by_two_processes_are_the_pages_drawn_by_one(tmp_path):
    rows = [HEAD, *([f"{n:04d}", *(WORST if n % 3 else EASY)[1:]] for n in range(60))]
    book = write_xlsx(tmp_path / "a.xlsx", rows)
    parts = []
    for jobs in (1, 2):
        [result] = cmxl.report([book], output=tmp_path / f"j{jobs}", as_of=AS_OF, jobs=jobs)
        with zipfile.ZipFile(result.output) as zf:
            parts.append({n: zf.read(n) for n in zf.namelist() if n.startswith("word/")})
    assert len([n for n in parts[0] if n.startswith("word/media/")]) == 60
    assert parts[0] == parts[1]
