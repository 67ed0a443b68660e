"""What the Excel add-in needs: the open workbook assessed, its record sheet's cells, the
add-in built, installed and self-tested, and the worksheet functions' rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cmxl.core.engine.assessment import Assessment
    from cmxl.core.grid import WorkbookGrid
    from cmxl.core.layout.spec import Cell, ReportSpec
    from cmxl.pipeline import SchemeSpec


# ---- the open workbook of the Excel add-in -------------------------------------------------------
def assess_open(
    grid: WorkbookGrid,
    *,
    framework: str | None = None,
    schemes: Sequence[SchemeSpec] = (),
    as_of: dt.date | None = None,
) -> Assessment:
    """The clerk's open workbook (read into `grid` by cmxl.excel.read) assessed."""
    from cmxl.pipeline import assess_grid, rules

    return assess_grid(grid, rules(framework, schemes), as_of or dt.date.today())


def open_workbook_sheets(a: Assessment, source: str, issues_only: bool = False) -> ReportSpec:
    """The sheets to write into the clerk's open workbook: the results, or only 校验问题 (`issues_only`)."""
    from cmxl.pipeline import in_workbook_spec

    return in_workbook_spec(a, source, issues_only)


def person_reports(
    a: Assessment, source: str, target: Path, *, ledger: Path | str | None = None, cycle: str | None = None
) -> Path:
    """The person reports (one page each) of an assessment, as a Word document at `target`; with
    `ledger` (only read), each page shows the person's previous cycle there (`cycle`: this one,
    default the year of the assessment date)."""
    from cmxl.api.workbooks import _history
    from cmxl.pipeline import with_history, write_reports

    return write_reports(with_history(a, _history(ledger, cycle)), Path(source), target)[0]


def registry_cell(value: object) -> Cell:
    """A cell of the add-in's record sheet (REGISTRY_SHEET): its text is written as text."""
    from cmxl.core.layout.spec import Cell

    return Cell(value)


# ---- the Excel add-in, built and installed ------------------------------------------------------
def _addin_settings(interpreter: str | None) -> Any:
    from cmxl.addin.package import Settings, this_interpreter

    return this_interpreter() if interpreter is None else Settings.for_interpreter(interpreter)


def build_addin(output: Path | str, *, interpreter: str | None = None, native: bool = False) -> Path:
    """The add-in cmxl.xlam written to `output` (not installed), calling `interpreter` (default: this Python)."""
    from cmxl.addin.package import build

    return build(Path(output), _addin_settings(interpreter), native)


def install_addin(
    folder: Path | str | None = None, *, interpreter: str | None = None, native: bool = False, functions: bool = False
) -> Path:
    """The add-in built and installed (default: Excel's XLSTART folder); with `functions`, the
    worksheet functions too (needs Excel on Windows)."""
    from cmxl.addin.package import install

    return install(Path(folder) if folder is not None else None, _addin_settings(interpreter), native, functions)


def check_addin() -> tuple[list[Any], bool]:
    """The add-in's self-test: each finding (`.line()` says it and what to do), and whether any is a problem."""
    from cmxl.addin.check import report

    return report()


# ---- one person's rules on a few cells (the add-in's worksheet functions CMXL_LEVEL …) ----------
# A value the rules reject raises `Rejected` (a ValueError whose text is the Chinese reason).
def cell_level(score: object, framework: object = None) -> str:
    """The level of one competency score (or a level name), as scoring a workbook gives it."""
    from cmxl.core.engine import single

    return single.level(score, framework)


def cell_total(scores: object, framework: object = None) -> float:
    """The weighted total of one person's competency scores, in the model's item order."""
    from cmxl.core.engine import single

    return single.total(scores, framework)


def cell_gap(assessed: object, grade: object, item: object, framework: object = None) -> int:
    """Levels above (+) or below (−) the standard level of `item` for the post grade `grade`."""
    from cmxl.core.engine import single

    return single.gap(assessed, grade, item, framework)


def cell_certification(facts: dict[str, object], framework: object = None) -> str:
    """One applicant's certification result from the facts of a workbook row (by column name)."""
    from cmxl.core.engine import single

    return single.certification(facts, framework)


def cell_certification_of_arguments(arguments: dict[str, object], framework: object = None) -> str:
    """CMXL_CERT: the result from its arguments by parameter name (cmxl.core.engine.single.cert_facts)."""
    from cmxl.core.engine import single

    return single.certification(single.cert_facts(arguments), framework)


def condition_argument_docs() -> dict[str, str]:
    """What Excel's function wizard says of each CMXL_CERT argument that gives an eligibility
    condition's fact (from the conditions' registry)."""
    from cmxl.core.engine import single

    return single.condition_argument_docs()
