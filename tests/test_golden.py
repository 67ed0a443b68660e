"""Generated workbooks against committed files: the templates, and the golden snapshots (a sheet's
cells as text, a line a row, and the rest of the file as normalised XML without the rows).
After an intended change: `python tools/golden.py`, look at the rendered result, commit."""

import datetime as dt
import importlib.util
import re
from pathlib import Path

import pytest

from cmxl.core.layout.spec import ReportSpec, SheetSpec
from cmxl.core.layout.styles import base_styles
from cmxl.xlsx.render import render

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("golden", ROOT / "tools" / "golden.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


def assert_same(fresh: dict[str, str], committed: dict[str, str]) -> None:
    diff = golden.differences(fresh, committed)
    assert not diff, f"differs from the committed files (run tools/golden.py if intended):\n{diff}"


@pytest.mark.parametrize("fw_id", ["cm18", "cm11"])
def test_committed_templates_regenerate_identically(tmp_path, fw_id):
    fresh = golden.write_template(fw_id, tmp_path / "t.xlsx")
    committed = golden.TEMPLATES / golden.template_name(fw_id)
    if golden.normalised(fresh) != golden.normalised(committed):  # every part, rows too
        assert_same(golden.snapshot(fresh), golden.snapshot(committed))
        pytest.fail(f"{committed.name} differs from a fresh template (run tools/golden.py if intended)")


@pytest.mark.parametrize("name", golden.GOLDENS)
def test_golden_snapshots(tmp_path, name):
    assert_same(golden.fresh_golden(name, tmp_path), golden.load_golden(name))


def test_golden_rows_are_text_and_the_xml_keeps_the_format():
    """A sheet's rows are its .txt snapshot (a line a row); the XML beside it keeps the format alone."""
    files = golden.load_golden("results_陕西")
    sheets = [
        "汇总",
        "个人画像",
        "统计图表",
        "培训需求",
        "培训需求名单",
        "校准分析",  # 陕西 has two units
        "评分明细",
        "校验问题",
        "测评数据",
        "运行信息",
    ]
    assert sorted(f for f in files if "/" not in f) == sorted(f"{s}.txt" for s in sheets)
    for name in golden.GOLDENS:
        assert [
            f
            for f, text in golden.load_golden(name).items()
            if f.startswith("format/") and ("<sheetData" in text or re.search(r'<c [^>]*r="[A-Z]+[0-9]+"', text))
        ] == []


def roll(issued: dt.date = dt.date(2026, 1, 31), total: object = 85.5) -> ReportSpec:
    sheet = SheetSpec("名单")
    sheet.put_row(0, 0, ["员工编号", "姓名", "发证日期", "总分"], "head")
    rows = [["0012", "张三", issued, total], ["0013", "李四\n（借调）", None, 60]]
    sheet.add_rows(1, rows, ["text", "text", "date", "num"])
    sheet.put(1, 1, "张三", "text", comment="核对姓名")
    sheet.put(2, 0, "0013", "link", link="'名单'!A1")
    sheet.put(3, 3, "=SUM(D2:D3)", "num", formula=True)
    sheet.heights[2] = 28
    return ReportSpec(sheets=[sheet], styles=base_styles(4))


def snap(tmp_path: Path, spec: ReportSpec) -> dict[str, str]:
    path = tmp_path / f"{id(spec)}.xlsx"
    render(spec, path)
    return golden.snapshot(path, spec)


def test_a_sheet_snapshot_reads_as_a_clerk_sees_it(tmp_path):
    """Ids typed as text stay quoted, a date shows as one, a formula as =…; then each row's style
    names (runs of a style as name×n, "-" none), heights, notes and links."""
    assert snap(tmp_path, roll())["名单.txt"] == (
        "员工编号\t姓名\t发证日期\t总分\n"
        '"0012"\t张三\t2026-01-31\t85.5\n'
        '"0013"\t李四\\n（借调）\t\t60\n'
        "\t\t\t=SUM(D2:D3)\n"
        "== 样式 ==\n1\thead×4\n2\ttext×2 date num\n3\tlink text date num\n4\t-×3 num\n"
        "== 行高 ==\n3\t28\n"
        "== 批注 ==\nB2\t核对姓名\n"
        "== 链接 ==\nA3\t'名单'!A1\n"
    )


def test_a_difference_names_the_row_and_the_cells(tmp_path):
    before = snap(tmp_path, roll())
    after = snap(tmp_path, roll(issued=dt.date(2026, 2, 1), total=86))
    assert golden.differences(after, before) == "名单 row 2: C2 2026-01-31 -> 2026-02-01; D2 85.5 -> 86"


def test_a_row_added_or_gone_is_one_line(tmp_path):
    committed = {"名单.txt": "员工编号\n甲\n乙\n"}
    assert golden.differences({"名单.txt": "员工编号\n甲\n丙\n乙\n"}, committed) == "名单 row 3 new: 丙"
    assert golden.differences({"名单.txt": "员工编号\n乙\n"}, committed) == "名单 row 2 gone: 甲"


def test_a_style_change_shows_as_its_rows(tmp_path):
    committed = {"名单.txt": "甲\n== 样式 ==\n1-9\ttext num\n"}
    fresh = {"名单.txt": "甲\n== 样式 ==\n1-9\ttext int\n"}
    assert golden.differences(fresh, committed).splitlines() == [
        "名单 (styles, heights, notes, links):",
        "  @@ -2 +2 @@",
        "  -1-9\ttext num",
        "  +1-9\ttext int",
    ]
