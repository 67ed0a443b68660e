"""The bundled sample workbooks: reproducible, realistic, covering every grade and path."""

import collections
import subprocess
import sys
from pathlib import Path

import pytest

from cmxl.core.engine.assessment import assess
from cmxl.core.model.loading import catalogue
from cmxl.xlsx.read import read_workbook
from tests.conftest import AS_OF

ROOT = Path(__file__).resolve().parents[1]
BOOKS = sorted((ROOT / "workbooks").glob("*_2026.xlsx"))


@pytest.fixture(scope="module")
def assessed():
    cat = catalogue()
    return {p.name: assess(read_workbook(p), cat.framework(), cat, AS_OF) for p in BOOKS}


def test_generator_reproduces_the_committed_workbooks(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_workbooks.py"), str(tmp_path)], check=True, capture_output=True
    )
    for book in BOOKS:
        fresh, committed = read_workbook(tmp_path / book.name), read_workbook(book)
        assert [s.rows for s in fresh.sheets] == [s.rows for s in committed.sheets], book.name
        assert [s.hidden_rows for s in fresh.sheets] == [s.hidden_rows for s in committed.sheets]


def test_four_regions_of_40_to_300_people(assessed):
    assert len(assessed) >= 4
    assert all(40 <= a.size <= 300 for a in assessed.values())


def test_every_grade_status_and_path_is_represented(assessed):
    grades, statuses, schemes, attain = (collections.Counter() for _ in range(4))
    for a in assessed.values():
        grades.update(g for g in a.intake.people["grade"] if g is not None)
        statuses.update((c.grade, c.status) for c in a.certifications if c.status)
        schemes.update(c.scheme_id for c in a.certifications if c.status)
        attain.update(x for x in a.scores.attainment if x)
    assert set(grades) == {"初级客户经理", "中级客户经理", "高级客户经理", "资深客户经理"}
    for grade in ("四级", "三级", "二级", "一级"):
        assert {s for g, s in statuses if g == grade} >= {"通过", "未通过", "不符合申报条件"}, grade
    assert {s for _, s in statuses} == {"通过", "未通过", "不符合申报条件", "资料不全"}
    assert set(schemes) == {"cm-cert", "vip-cert", "netopt-cert"}
    assert set(attain) == {"达标", "基本达标", "未达标"}


def test_clean_regions_have_no_errors(assessed):
    for name, a in assessed.items():
        if not name.startswith("陕西"):
            assert a.report.valid, (name, a.report.errors[:3])


def test_messy_region_shows_the_hand_filled_mistakes(assessed):
    a = assessed["陕西_2026.xlsx"]
    found = {i.code for i in a.report.issues}
    assert {
        "column-unknown",
        "number-normalised",
        "score-not-number",
        "score-out-of-range",
        "formula-error",
        "grade-unknown",
        "cert-grade-unknown",
        "id-duplicate",
        "subitems-incomplete",
        "name-missing",
        "row-hidden",
    } <= found
    assert a.intake.header_row == 2  # below the merged title row
