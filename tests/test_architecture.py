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


def test_issue_code_docs_are_generated_from_the_code():
    import runpy

    root = Path(__file__).resolve().parents[1]
    render = runpy.run_path(str(root / "tools" / "gen_docs.py"))["render"]
    assert (root / "docs" / "issue-codes.md").read_text(encoding="utf-8") == render(), "run tools/gen_docs.py"
