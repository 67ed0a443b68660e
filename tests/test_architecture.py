"""The layers stay layers (docs/architecture in the README's 目录 section).

The core is pure: nothing under cmxl/core imports a file or Excel adapter, the pipeline, the
CLI, the ledger, or an adapter library — checked on every import statement the parser finds,
including imports inside functions and under TYPE_CHECKING. Inside the core the layers point one
way: the basics (cell addresses, numbers, grids, issues, errors, records) import no other core
module, the rules model imports only the basics, the engine the model, the layout the engine.
And the import graph of the whole package has no loops.

How we know these tests can fail: `test_the_checks_find_planted_imports` feeds the checkers a
module with an import planted inside a function and a two-module loop, and requires both to be
reported. By hand, adding `from cmxl.xlsx.render import render` inside a function of
cmxl/core/engine/scoring.py makes `test_core_imports_nothing_above_it` fail naming that module,
and adding `import cmxl.core.layout.spec` to cmxl/core/model/base.py fails the layer test and the
loop test (layout -> model -> layout)."""

from __future__ import annotations

import ast
import re
from collections.abc import Collection
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cmxl"
ABOVE_CORE = (
    "cmxl.xlsx",
    "cmxl.excel",
    "cmxl.addin",
    "cmxl.docx",
    "cmxl.batch",
    "cmxl.cli",
    "cmxl.api",
    "cmxl.pipeline",
)
ABOVE_CORE += ("cmxl.ledger", "cmxl.version")
LIBRARIES = {
    "openpyxl",
    "python_calamine",
    "xlwings",
    "typer",
    "rich",
    "click",
    "tkinter",
    "sqlite3",
    "docx",
    "matplotlib",
}
BASICS = {"cellref", "numbers", "grid", "issues", "errors", "records", "ledger_records", "file_log", "ids"}
LAYERS = ["basics", "model", "engine", "layout"]  # each may import only the ones before it (and itself)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False, modules: Collection[str] = ()) -> set[str]:
    """Every module a source imports, anywhere in it, as absolute dotted names. `from pkg import
    mod` of a known module counts as importing `pkg.mod` alone (pkg's __init__ runs for any of
    its modules, so that edge would make every package a loop with its own modules)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = {f"{target}.{a.name}" for a in node.names}
            if not (modules and names <= set(modules)):
                found.add(target)
            found |= names
    return found


def package_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", modules)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def find_loop(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop as a path that ends where it starts, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (loop := visit(nxt)):
                return loop
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (loop := visit(node)):
            return loop
    return None


def layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["cmxl", "core"] or len(parts) < 3:
        return None
    return "basics" if parts[2] in BASICS else parts[2]


def forbidden_in_core(graph_sources: dict[str, str]) -> dict[str, set[str]]:
    bad: dict[str, set[str]] = {}
    for name, source in graph_sources.items():
        targets = imports_of(source, name)
        hits = {t for t in targets if t.split(".")[0] in LIBRARIES or t.startswith(ABOVE_CORE)}
        if hits:
            bad[name] = hits
    return bad


def layer_breaches(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    bad: dict[str, set[str]] = {}
    for name, targets in graph.items():
        own = layer(name)
        if own is None or own not in LAYERS:
            continue
        allowed = set(LAYERS[: LAYERS.index(own) + 1])
        hits = {t for t in targets if layer(t) is not None and layer(t) not in allowed}
        if hits:
            bad[name] = hits
    return bad


def core_sources() -> dict[str, str]:
    return {module_name(p): p.read_text(encoding="utf-8") for p in (PACKAGE / "core").rglob("*.py")}


def test_core_imports_nothing_above_it():
    sources = core_sources()
    assert len(sources) >= 25  # the scan really looked at every layer of the core
    assert forbidden_in_core(sources) == {}


def test_core_layers_point_one_way():
    graph = package_graph()
    assert {layer(m) for m in graph} >= {"basics", "model", "engine", "layout"}
    assert layer_breaches(graph) == {}


def test_the_package_has_no_import_loops():
    graph = package_graph()
    assert len(graph) >= 40
    assert find_loop(graph) is None


def test_the_checks_find_planted_imports():
    planted = "import numpy\n\ndef f():\n    from cmxl.xlsx.render import render\n    return render\n"
    assert forbidden_in_core({"cmxl.core.engine.scoring": planted}) == {
        "cmxl.core.engine.scoring": {"cmxl.xlsx.render", "cmxl.xlsx.render.render"}
    }
    relative = "from ...xlsx import read\n"
    assert "cmxl.xlsx" in imports_of(relative, "cmxl.core.engine.intake")
    graph = {"cmxl.core.model.base": {"cmxl.core.layout.spec"}, "cmxl.core.layout.spec": {"cmxl.core.model.base"}}
    assert find_loop(graph) in (
        ["cmxl.core.layout.spec", "cmxl.core.model.base", "cmxl.core.layout.spec"],
        ["cmxl.core.model.base", "cmxl.core.layout.spec", "cmxl.core.model.base"],
    )
    assert layer_breaches(graph) == {"cmxl.core.model.base": {"cmxl.core.layout.spec"}}


def test_the_pipeline_is_written_once():
    """The CLI, the bulk run and the Excel actions reach the core through cmxl.pipeline/cmxl.api:
    none of them assesses a grid, builds the results or reads a workbook file itself."""
    graph = package_graph()
    pipeline_parts = {"cmxl.core.engine.assessment", "cmxl.core.layout.results", "cmxl.xlsx.read"}
    batch = [m for m in graph if m.startswith("cmxl.batch.")]
    assert len(batch) >= 5  # the batch package's modules, each checked
    for edge in ("cmxl.cli", "cmxl.batch", *batch, "cmxl.addin.actions", "cmxl.addin.launcher"):
        assert graph[edge] & pipeline_parts == set(), edge
    assert graph["cmxl.pipeline"] >= pipeline_parts


def test_xlwings_is_imported_only_in_the_excel_adapter_and_the_addin():
    users = {
        module_name(p)
        for p in PACKAGE.rglob("*.py")
        if any(t.split(".")[0] == "xlwings" for t in imports_of(p.read_text(encoding="utf-8"), module_name(p)))
    }
    assert users and {u for u in users if not u.startswith(("cmxl.excel", "cmxl.addin"))} == set()


def test_generated_docs_are_current():
    """docs/issue-codes.md (the issue catalogue) and docs/toml-reference.md (the rules files'
    pydantic models): run tools/gen_docs.py after changing either."""
    import runpy

    root = PACKAGE.parent
    gen = runpy.run_path(str(root / "tools" / "gen_docs.py"))
    assert (root / "docs" / "issue-codes.md").read_text(encoding="utf-8") == gen["render"](), "run tools/gen_docs.py"
    reference = (root / "docs" / "toml-reference.md").read_text(encoding="utf-8")
    assert reference == gen["render_toml_reference"](), "run tools/gen_docs.py"
    assert "`written_min`" in reference and "`weight`" in reference and "`default_framework`" in reference


def test_the_product_cites_its_own_docs():
    """The code points at docs/rules.md, never at the team's ../shared documents."""
    root = PACKAGE.parent
    cited = [
        p.relative_to(root).as_posix()
        for folder in ("cmxl", "tools", "bench", "tests")
        for p in (root / folder).rglob("*")
        if p.suffix in (".py", ".toml")
        and any(s in p.read_text(encoding="utf-8") for s in ("DOMAIN.md", "ENGINEERING.md"))
        and p.name != "test_architecture.py"
    ]
    assert cited == []
    assert (root / "docs" / "rules.md").exists()


def test_cell_addresses_round_trip():
    from cmxl.core.cellref import a1, column_letter, parse_a1

    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    assert parse_a1("C4") == (3, 2) and parse_a1("AA10") == (9, 26)
    assert all(parse_a1(a1(r, c)) == (r, c) for r in (0, 7, 999) for c in (0, 25, 26, 700))


def test_report_table_of_issues():
    from tests.conftest import person, run

    frame = run([person(成就导向=120)]).report.to_frame()
    assert frame[["cell", "code", "severity"]].values.tolist() == [["E2", "score-out-of-range", "error"]]


SHELL_MAY_IMPORT = ("cmxl.api", "cmxl.version")  # errors and file writing too, as cmxl.api.errors / .files


def shell_breaches(graph_sources: dict[str, str]) -> dict[str, set[str]]:
    """Imports of cmxl by the command line and the add-in other than the API (its errors and file
    writing included), the version, their own package and (the add-in only) the live-Excel
    renderer cmxl.excel."""
    bad: dict[str, set[str]] = {}
    for name, source in graph_sources.items():
        own = ".".join(name.split(".")[:2])  # cmxl.cli or cmxl.addin
        allowed = (*SHELL_MAY_IMPORT, own, *(("cmxl.excel",) if own == "cmxl.addin" else ()))
        hits = {
            t
            for t in imports_of(source, name)
            if t.split(".")[0] == "cmxl" and t != "cmxl" and not any(t == a or t.startswith(a + ".") for a in allowed)
        }
        if hits:
            bad[name] = hits
    return bad


def test_the_command_line_and_the_addin_are_shells_over_the_api():
    """cmxl/cli and cmxl/addin reach cmxl only through cmxl.api (cmxl.api.errors, cmxl.api.files) and cmxl.version
    (and the add-in the live-Excel renderer, cmxl.excel): they open no ledger, read no catalogue,
    build no spec. By hand: `from cmxl.core.model.loading import catalogue` inside a function of
    cmxl/cli/frameworks.py makes this fail naming that module."""
    sources = {
        module_name(p): p.read_text(encoding="utf-8")
        for folder in ("cli", "addin")
        for p in (PACKAGE / folder).rglob("*.py")
    }
    assert {"cmxl.cli", "cmxl.cli.score", "cmxl.cli.certs", "cmxl.addin.actions", "cmxl.addin.launcher"} <= set(sources)
    assert shell_breaches(sources) == {}
    planted = (
        "def f():\n    from cmxl.core.model.loading import catalogue\n    from cmxl.excel.render import render_into\n"
    )
    assert shell_breaches({"cmxl.cli.frameworks": planted}) == {
        "cmxl.cli.frameworks": {
            "cmxl.core.model.loading",
            "cmxl.core.model.loading.catalogue",
            "cmxl.excel.render",
            "cmxl.excel.render.render_into",
        }
    }


# ---- sizes a maintainer can read (issue 18): modules of at most 500 lines, functions of at most 80 ----
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 500, 80


def oversized(name: str, source: str) -> list[str]:
    """Each module over MAX_MODULE_LINES and each function (methods and nested ones too) over
    MAX_FUNCTION_LINES, counted from its `def` (decorators apart) to its last line."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{name}.{node.name}: {length} lines")
    return found


def test_no_module_over_500_lines_and_no_function_over_80():
    sources = {module_name(p): p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}
    assert [problem for name, source in sorted(sources.items()) for problem in oversized(name, source)] == []


def test_the_size_check_finds_a_planted_long_function_and_module():
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    long_function = f"def f():\n{body}\n"
    assert oversized("m", long_function) == ["m.f: 81 lines"]
    nested = f"class C:\n    def g(self):\n        def h():\n{body.replace('    ', '            ')}\n"
    assert [p for p in oversized("m", nested) if ".h:" in p] == ["m.h: 81 lines"]
    assert oversized("m", "x = 1\n" * 501) == ["m: 501 lines"]
    assert oversized("m", "def f():\n    return 1\n") == []


# ---- the maintainers' map (docs/architecture.md) stays true ---------------------------------------
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"


def test_the_map_names_every_package_and_top_level_module():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    top = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())}
    packages = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}
    named = {name for name in top if f"`{name}" in text or f"`{name.removesuffix('.py')}/`" in text}
    assert sorted(top - named) == []
    unnamed = sorted(pkg for pkg in packages if f"{pkg.removesuffix('/__init__.py').rsplit('/', 1)[-1]}/" not in text)
    assert unnamed == []
    modules = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")
    missing = [m for m in modules if Path(m).name not in text and Path(m).stem not in text]
    assert missing == []


def test_every_recipe_of_the_map_names_a_test_that_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_\w+)`", text))
    assert len(named) >= 8
    defined = {
        m
        for p in (PACKAGE.parent / "tests").glob("test_*.py")
        for m in re.findall(r"^def (test_\w+)", p.read_text(encoding="utf-8"), re.M)
    }
    assert sorted(named - defined) == []
