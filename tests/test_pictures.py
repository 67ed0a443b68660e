"""Issue 22 item 8: the pictures in docs/images come from the README's own batch (`cmxl bulk
workbooks --issue-date 2026-12-01`), and the numbers they show are today's: tools/screenshots.py
writes them to docs/images/figures.json, and these tests recompute them from the code (the page
count of the printed results needs LibreOffice)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import cmxl
from cmxl.ledger import Ledger
from tests.libreoffice import convert, make_profile, soffice

ROOT = Path(__file__).resolve().parents[1]
FIGURES = json.loads((ROOT / "docs" / "images" / "figures.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "workbooks", work / "workbooks")
    return cmxl.bulk(work / "workbooks", issue_date=dt.date(2026, 12, 1), jobs=2), work


def test_the_figures_are_of_the_readmes_batch():
    assert FIGURES["command"] == "cmxl bulk workbooks --issue-date 2026-12-01"
    assert "cmxl bulk workbooks --issue-date 2026-12-01" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_batch_counts_and_the_certificate_pictured_are_todays(batch):
    result, work = batch
    assert {"people": result.people, "passed": result.passed, "held": result.held} == FIGURES["batch"]
    with Ledger(work / "证书台账.sqlite", read_only=True) as db:
        first = min(db.all(), key=lambda c: c.number)
    pictured = FIGURES["certificate"]
    assert (first.number, first.name, first.employee_id) == (
        pictured["number"],
        pictured["name"],
        pictured["employee_id"],
    )


@pytest.mark.skipif(soffice() is None, reason="LibreOffice 未安装（bash tools/install_test_deps.sh）")
def test_the_printed_results_have_as_many_pages_as_the_summary_picture_says(batch, tmp_path):
    result, _ = batch
    shown = FIGURES["results_summary"]
    [pdf] = convert([result.roster.parent / shown["file"]], "pdf", tmp_path / "pdf", make_profile(tmp_path / "lo"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == shown["pages"]  # the picture's footer: 第 1 页，共 N 页
