"""Generated workbooks against committed files: templates and golden normalised XML.
After an intended change: `python tools/golden.py`, look at the rendered result, commit."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("golden", ROOT / "tools" / "golden.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


def assert_same(fresh: dict[str, str], committed: dict[str, str]) -> None:
    assert sorted(fresh) == sorted(committed)
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"differs from the committed files (run tools/golden.py if intended): {changed}"


@pytest.mark.parametrize("fw_id", ["cm18", "cm11"])
def test_committed_templates_regenerate_identically(tmp_path, fw_id):
    fresh = golden.write_template(fw_id, tmp_path / "t.xlsx")
    assert_same(golden.normalised(fresh), golden.normalised(golden.TEMPLATES / golden.template_name(fw_id)))


def test_template_golden_xml():
    assert_same(golden.normalised(golden.TEMPLATES / golden.template_name("cm18")), golden.load_golden("template_cm18"))


def test_results_golden_xml(tmp_path):
    assert_same(golden.normalised(golden.write_results(tmp_path / "r.xlsx")), golden.load_golden("results_陕西"))
