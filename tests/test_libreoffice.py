"""A real spreadsheet engine checks the results workbook: LibreOffice recalculates the 个人画像
formulas (they must equal the Python results for several selected ids) and renders every chart."""

import os
import subprocess
from pathlib import Path

import pytest
import python_calamine as pc

from cmxl.core.engine.assessment import assess
from cmxl.core.layout.profile import INFO_LABELS, PICK_ROW, TABLE_ROW
from cmxl.core.layout.results import build_results
from cmxl.core.model.loading import catalogue
from cmxl.xlsx.read import read_workbook
from cmxl.xlsx.render import render
from tests.conftest import AS_OF
from tests.libreoffice import convert, make_profile, soffice

ROOT = Path(__file__).resolve().parents[1]

if soffice() is None:
    if os.environ.get("CI"):
        pytest.fail("LibreOffice is missing: .ci/run installs it with tools/install_test_deps.sh", pytrace=False)
    pytest.skip("LibreOffice 未安装（bash tools/install_test_deps.sh）", allow_module_level=True)


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory):
    return make_profile(tmp_path_factory.mktemp("lo-profile"))


def build(name, out, profile_id=None):
    grid = read_workbook(ROOT / "workbooks" / name)
    cat = catalogue()
    a = assess(grid, cat.framework(), cat, AS_OF)
    spec = build_results(a, grid, source=name, sha256="", tool_version="t", created="c", profile_id=profile_id)
    render(spec, out)
    return a


def test_profile_formulas_recalculated_equal_python_results(tmp_path, lo_profile):
    cases = []
    a = build("江苏_2026.xlsx", tmp_path / "probe.xlsx")
    ids = a.intake.people["employee_id"]
    for n, pid in enumerate([ids[0], ids[77], ids[-1]]):
        build("江苏_2026.xlsx", tmp_path / f"js{n}.xlsx", pid)
        cases.append((tmp_path / f"js{n}.xlsx", a, pid))
    sx = build("陕西_2026.xlsx", tmp_path / "probe2.xlsx")
    unrated = next(p["employee_id"] for p in sx.to_json() if p["total"] is None)  # an item not scored
    build("陕西_2026.xlsx", tmp_path / "sx.xlsx", unrated)
    cases.append((tmp_path / "sx.xlsx", sx, unrated))
    # computed 通过, but the row has an error: the certificate waits, and the profile says so
    held = next(
        p["employee_id"] for p in sx.to_json() if p["certification"]["held"] and p["certification"]["status"] == "通过"
    )
    build("陕西_2026.xlsx", tmp_path / "sx_held.xlsx", held)
    cases.append((tmp_path / "sx_held.xlsx", sx, held))

    recalculated = convert([c[0] for c in cases], "xlsx", tmp_path / "recalc", lo_profile)
    for (_, a, pid), path in zip(cases, recalculated, strict=True):
        person = next(p for p in a.to_json() if p["employee_id"] == pid)
        rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("个人画像").to_python(skip_empty_area=False)
        info = {rows[PICK_ROW + 1 + n][0]: rows[PICK_ROW + 1 + n][1] for n in range(len(INFO_LABELS))}
        assert info["姓名"] == person["name"]
        assert info["对标岗位级别"] == (person["standard_grade"] or "")
        assert info["加权总分"] == ("" if person["total"] is None else pytest.approx(person["total"]))
        assert info["综合级别"] == (person["level"] or "未评定")
        assert info["达标情况"] == (person["attainment"] or "未评定")
        cert = person["certification"]
        assert info["认证结果"] == (cert["result"] or "未申报")  # 暂缓发证 when the certificate waits
        reasons = "；".join(r["message"] for r in cert["reasons"])
        if cert["held"]:  # why it waits first, then the computed result with its reasons
            computed = f"计算结果：{cert['status']}" + (f"（{reasons}）" if reasons else "")
            assert info["认证结果"] == "暂缓发证" and info["认证原因"] == f"{cert['held']}，改正后重新运行；{computed}"
        else:
            assert info["认证原因"] == reasons
        assert info["按级别折算"] == "、".join(k for k, v in person["items"].items() if v["from_level"])
        for i, item in enumerate(a.framework.item_names):
            row = rows[TABLE_ROW + 1 + i]
            expected = person["items"][item]
            assert row[0] == item
            assert row[2] == ("" if expected["score"] is None else pytest.approx(expected["score"])), (pid, item)
            assert row[3] == (expected["level"] or "未评定")
            assert row[6] == ("" if expected["gap"] is None else expected["gap"])
            levels = a.framework.level_names  # the radar's numbers: 1 for the lowest level, so every standard shows
            assert row[7] == ("" if expected["level"] is None else levels.index(expected["level"]) + 1)
            if person["standard_grade"]:
                standard = row[4]
                low = next(lv.min for lv in a.framework.levels if lv.name == standard)
                assert row[5] == low  # the standard's score line, looked up by formula
                assert row[8] == levels.index(standard) + 1 >= 1


def _colourful_pixels(ppm: bytes) -> int:
    """Pixels that are clearly coloured (chart bars and lines), in a binary PPM (P6) image."""
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6"
    data = parts[4]
    count = 0
    for i in range(0, len(data) - 2, 3):
        r, g, b = data[i], data[i + 1], data[i + 2]
        if max(r, g, b) - min(r, g, b) > 80:
            count += 1
    return count


def test_every_chart_renders(tmp_path, lo_profile):
    build("陕西_2026.xlsx", tmp_path / "sx.xlsx")
    pdf = convert([tmp_path / "sx.xlsx"], "pdf", tmp_path / "pdf", lo_profile)[0]
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    titles = [
        "能力素质状况",
        "各能力项级别分布",
        "加权总分分布",
        "达标情况（按现岗位级别）",
        "达标率与认证通过率（按现岗位级别）",
        "达标情况（按单位）",
        "达标率与认证通过率（按单位）",
    ]
    found: dict[str, list[int]] = {}  # a title may also name a table (各能力项级别分布（人数）)
    for page in range(1, pages + 1):
        text = (
            subprocess.run(
                ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.replace(" ", "")
            .replace("\n", "")
        )  # a long title may wrap onto two lines
        for title in titles:
            if title in text:
                found.setdefault(title, []).append(page)
    assert set(found) == set(titles), f"chart titles not rendered: {set(titles) - set(found)}"

    def drawn(page: int) -> bool:
        ppm = subprocess.run(
            ["pdftoppm", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)], capture_output=True, check=True
        ).stdout
        return _colourful_pixels(ppm) > 500

    for title, on in found.items():
        assert any(drawn(page) for page in on), f"{title}: on pages {on}, but no drawn chart there"
