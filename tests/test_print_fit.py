"""Issue 22 item 4, printing that fits: 评分明细's rows are one line each (a wrapped reason far to
the right made every row tall on every page across: 144 of 江苏's 250 pages), it prints through
认证结果, and it and the data copy print on as few pages across as keep them at 8 pt or more
(a landscape A4 page at 8 pt holds 784 pt / (7 pt × 0.8) = 140 units of column width)."""

from __future__ import annotations

import pytest

from cmxl.core.layout.results import build_results
from tests.conftest import grid, person, run


@pytest.fixture(scope="module")
def spec():
    rows = [person("0001", 申报认证等级="四级", 培训学时=10), person("0002")]
    return build_results(run(rows), grid(rows), source="x.xlsx", sha256="", tool_version="t", created="c")


def test_the_detail_rows_are_one_line_high_whatever_their_reasons(spec):
    detail = spec.sheet("评分明细")
    reasons = next(c for c in range(detail.max_col + 1) if detail.cell(0, c).value == "认证原因")
    assert len(str(detail.cell(1, reasons).value)) > 20  # 0001 is refused for the hours: a long reason
    assert set(detail.heights) == {0}  # only the header row is set (three-line headers)


def test_the_detail_prints_through_its_result_legibly_across_pages(spec):
    detail = spec.sheet("评分明细")
    setup = detail.print_setup
    heads = [detail.cell(0, c).value for c in range(detail.max_col + 1)]
    assert setup.print_area == "A1:BL3"  # 员工编号 … 认证结果: 6 + 18 × 3 + 4 columns, 2 people
    printed = sum(detail.widths[c] for c in range(heads.index("认证结果") + 1))
    repeated = detail.widths[0] + detail.widths[1]  # 员工编号 and 姓名 on every page
    assert setup.fit_width and setup.repeat_cols == "A:B"
    assert (printed + repeated * (setup.pages_wide - 1)) / setup.pages_wide * 7 * 0.8 <= 784


def test_the_data_copy_prints_on_pages_across_at_8_pt_or_more(spec):
    copy = spec.sheet("测评数据")
    setup = copy.print_setup
    width = sum(copy.widths.get(c, 8.43) for c in range(copy.max_col + 1))
    assert setup.fit_width and width * 7 * 0.8 > 784  # wider than a page at 8 pt: more than one across
    assert setup.pages_wide >= 2 and width / setup.pages_wide * 7 * 0.8 <= 784
