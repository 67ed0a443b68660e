"""cmxl from Python (cmxl/api/): the functions the CLI, the bulk worker and the Excel add-in
are edges of, returning plain results."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import cmxl
from cmxl.core.model.framework import Framework
from tests.conftest import AS_OF

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "workbooks").glob("*_2026.xlsx"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_score_returns_every_person_and_writes_beside_the_input(tmp_path):
    book = tmp_path / "江苏_2026.xlsx"
    shutil.copy(ROOT / "workbooks" / "江苏_2026.xlsx", book)
    before = sha(book)
    [result] = cmxl.score([book], as_of=AS_OF)
    assert result.problem is None and result.ok
    assert result.output == tmp_path / "江苏_2026_评分结果.xlsx" and result.output.exists()
    assert sha(book) == before  # the input is never changed
    assert len(result.people) == result.assessment.size > 40
    first = result.people[0]
    assert first.file == "江苏_2026.xlsx" and first.row == 2 and first.employee_id
    assert len(first.item_scores) == 18 and first.total is not None


def test_a_bad_file_is_a_result_not_an_exception(tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    results = cmxl.validate([bad, ROOT / "workbooks" / "四川_2026.xlsx"], as_of=AS_OF)
    assert [r.problem is None for r in results] == [False, True]
    assert "坏.xlsx" in results[0].problem.message and results[0].people == []
    assert results[1].ok and results[1].output is None  # validate writes nothing


def test_one_output_for_several_files_is_refused_before_any_work(tmp_path):
    with pytest.raises(cmxl.api.OptionProblem):
        cmxl.score(SAMPLES[:2], output=tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_hq_framework_file_is_read_and_checked_once_per_run(tmp_path, monkeypatch):
    hq = tmp_path / "总部模型.toml"
    hq.write_bytes((ROOT / "cmxl" / "frameworks" / "cm18.toml").read_bytes().replace(b'id = "cm18"', b'id = "hq"'))
    calls = []
    original = Framework.from_data.__func__

    def counting(cls, data, source, *context):
        calls.append(source)
        return original(cls, data, source, *context)

    monkeypatch.setattr(Framework, "from_data", classmethod(counting))
    folder = tmp_path / "批次"
    folder.mkdir()
    for name in ("四川_2026.xlsx", "陕西_2026.xlsx"):  # the two smallest samples
        shutil.copy(ROOT / "workbooks" / name, folder / name)
    results = cmxl.validate(sorted(folder.iterdir()), framework=str(hq), as_of=AS_OF)
    assert len(results) == 2 and all(r.assessment.framework.id == "hq" for r in results)
    cmxl.bulk(folder, issue_date=AS_OF, framework=str(hq), jobs=1, output=tmp_path / "out")
    assert calls == [str(hq)]  # once for 2 workbooks validated and a bulk run of 2 more


def test_compare_and_template(tmp_path):
    found = cmxl.compare(ROOT / "workbooks" / "江苏_2026.xlsx", new="cm18", old="cm18", as_of=AS_OF)
    assert found.rule_changes == [] and found.people == [] and found.size > 40
    target = cmxl.template("cm11", tmp_path / "模板.xlsx")
    assert target.exists()
    with pytest.raises(cmxl.api.CmxlError, match="已存在"):
        cmxl.template("cm11", target)


def test_bulk_returns_the_roster_and_counts(tmp_path):
    folder = tmp_path / "批次"
    folder.mkdir()
    shutil.copy(ROOT / "workbooks" / "广东_2026.xlsx", folder)
    result = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    assert result.roster.exists() and result.people == sum(g.people for g in result.logs) > 40
    assert [g.file for g in result.logs] == ["广东_2026.xlsx"]
