"""The core stays pure: no adapter library is imported under cmxl/core (ENGINEERING.md)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "cmxl" / "core"
FORBIDDEN = {"openpyxl", "python_calamine", "xlwings", "typer", "rich", "click"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_imports_no_adapter_library():
    offenders = {p.name: imported_roots(p) & FORBIDDEN for p in CORE.glob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) >= 8  # the scan really looked at the core


def test_xlwings_is_imported_only_in_the_excel_adapter():
    package = CORE.parent
    users = {p.relative_to(package).as_posix() for p in package.rglob("*.py") if "xlwings" in imported_roots(p)}
    assert {u for u in users if not u.startswith("excel/")} == set()


def test_issue_code_docs_are_generated_from_the_code():
    import runpy

    root = Path(__file__).resolve().parents[1]
    render = runpy.run_path(str(root / "tools" / "gen_docs.py"))["render"]
    assert (root / "docs" / "issue-codes.md").read_text(encoding="utf-8") == render(), "run tools/gen_docs.py"


def test_cell_addresses_round_trip():
    from cmxl.core.cellref import a1, column_letter, parse_a1

    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    assert parse_a1("C4") == (3, 2) and parse_a1("AA10") == (9, 26)
    assert all(parse_a1(a1(r, c)) == (r, c) for r in (0, 7, 999) for c in (0, 25, 26, 700))


def test_report_table_of_issues():
    from tests.conftest import person, run

    frame = run([person(成就导向=120)]).report.to_frame()
    assert frame[["cell", "code", "severity"]].values.tolist() == [["E2", "score-out-of-range", "error"]]
