"""Issue 22 item 1, a roster an officer signs: the first sheet names the batch, the issue date and
where to sign; every list opens with a title block whose counts are the tally's and ends with its
totals; 通过名单 ends with the approval block; lists print one page wide at 8 pt or more.

The batch, worked by hand (docs/rules.md, 证书; DOMAIN §4.4): A001 applies for 四级 with 30 hours,
written 70 and interview 70, every item 55 (中级, the 中级客户经理 standard): 通过. S002 the same
with written 50 (< 60): 未通过. H003 the same as A001 but 成就导向 "好" (an error on the row): held.
W002 does not apply. So 4 people: 未申报 1, 申报认证 3 (通过 1, 暂缓发证 1, 未通过 1)."""

from __future__ import annotations

import openpyxl
import pytest

from cmxl.core.layout.spec import PrintSetup, SheetSpec
from tests.conftest import ITEMS_A
from tests.test_bulk import HEAD, bulk
from tests.test_files import write_xlsx

ITEMS = [55] * len(ITEMS_A)
ROWS = [
    ["A001", "张三", "苏州分公司", "中级客户经理", "四级", 30, 70, 70, *ITEMS],
    ["S002", "李四", "苏州分公司", "中级客户经理", "四级", 30, 50, 70, *ITEMS],
    ["H003", "赵六", "苏州分公司", "中级客户经理", "四级", 30, 70, 70, "好", *ITEMS[1:]],
    ["W002", "王五", "苏州分公司", "初级客户经理", "", "", "", "", *ITEMS],
]
COUNTS = "本批次 4 人：未申报 1 人，申报认证 3 人（通过 1 人，暂缓发证 1 人，未通过 1 人）。"


@pytest.fixture(scope="module")
def roster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("r") / "秋季批次"
    folder.mkdir()
    write_xlsx(folder / "苏州_2026.xlsx", [HEAD, *ROWS])
    r = bulk(folder, "-j", "1")
    assert r.exit_code == 1, r.output  # H003's row has an error
    return openpyxl.load_workbook(folder.parent / "秋季批次_输出" / "认证名单_秋季批次.xlsx")


def texts(ws) -> list[str]:
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_the_first_sheet_is_the_approval_sheet_with_the_batch_the_date_and_where_to_sign(roster):
    ws = roster.worksheets[0]
    assert (ws.title, ws["A1"].value) == ("发证审批", "认证发证审批表")
    said = texts(ws)
    assert any(t.startswith("批次：秋季批次　　发证日期：2026年12月1日") for t in said)
    assert COUNTS in " ".join(said)
    assert {"经办人（签字）", "审核人（签字）", "批准人（签字）", "盖章", "（单位公章）"} <= set(said)
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)  # signed on one page


def test_the_approval_sheet_counts_each_grade_and_adds_up_to_the_tally(roster):
    rows = [list(r) for r in roster["发证审批"].iter_rows(values_only=True)]
    head = rows.index(["认证类别", "认证等级", "申报认证", "通过（发证）", "暂缓发证", "未通过"])
    assert rows[head + 1][1:] == ["四级", 3, 1, 1, 1]
    assert rows[head + 2] == ["合计", None, 3, 1, 1, 1]


@pytest.mark.parametrize("name", ["通过名单", "未通过名单", "暂缓发证", "即将到期", "处理日志"])
def test_every_list_opens_with_the_batch_and_the_tally_and_repeats_its_header(roster, name):
    ws = roster[name]
    assert ws["A2"].value.startswith("批次：秋季批次　　发证日期：2026年12月1日")
    assert ws["A3"].value.startswith(COUNTS)
    assert ws.print_title_rows == "$5:$5" and ws["A5"].font.b  # the table's header row, on every page
    assert "秋季批次" in ws.oddHeader.center.text and "2026年12月1日" in ws.oddHeader.center.text


def test_the_passed_list_ends_with_its_total_and_the_approval_block(roster):
    said = texts(roster["通过名单"])
    total = said.index("合计：通过并发证 1 人（其中续证 0 人）")
    assert said.index("A001") < total < said.index("经办人（签字）") < said.index("批准人（签字）")


@pytest.mark.parametrize(
    ("name", "total"),
    [
        ("未通过名单", "合计：未通过 1 人"),
        ("暂缓发证", "合计：暂缓发证 1 人"),
        ("即将到期", "合计：0 张（已过期 0 张，即将到期 0 张）"),
    ],
)
def test_each_list_ends_with_its_total(roster, name, total):
    assert total in texts(roster[name])


def test_a_list_too_wide_to_print_legibly_wraps_and_then_leaves_its_last_columns_out():
    """20 columns of width 10 and one wrapped of 40: a landscape A4 page (29.7 cm less two 0.4 in
    margins: 784 pt) at 8 pt holds 784 / (7 pt × 0.8) = 140 units of width, so the wrapped column
    gives up its width (down to 12 at most), and still not every column fits."""
    sheet = SheetSpec("名单", print_setup=PrintSetup())
    sheet.put_row(0, 0, [f"列{j}" for j in range(21)], "head")
    sheet.put(1, 0, "很长的说明" * 8, "wrap")
    sheet.widths = {0: 40.0, **{j: 10.0 for j in range(1, 21)}}
    left_out = sheet.fit_legibly({0: 12.0})
    area = sheet.print_setup.print_area
    printed = [j for j in range(21) if j not in left_out]
    assert 12.0 <= sheet.widths[0] < 20 and left_out and left_out == list(range(printed[-1] + 1, 21))
    used = sum(sheet.widths[j] for j in printed)
    assert used * 7 * 0.8 <= 784 < (used + 10) * 7 * 0.8  # the next column would not fit
    assert area.startswith("A1:") and area.rstrip("0123456789").endswith(chr(ord("A") + printed[-1]))
    assert sheet.heights[1] > 15  # the wrapped text in several lines
