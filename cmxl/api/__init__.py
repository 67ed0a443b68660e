"""cmxl from Python: validate, score, bulk, template and compare; the rules shipped and HQ's files
(frameworks, check); calibration (calibrate, calibration_template); a person's assessment history
across cycles (history, delete_history); the certificate ledger (certificates, confirm_identity, all_certificates,
expiring_certificates, print_certificates); the clerk's open workbook (assess_open, for the Excel
add-in). Each returns plain result objects. This is the only door: the command line (cmxl/cli/)
and the Excel add-in (cmxl/addin/) are edges over these functions; so are scripts:

    import cmxl
    for f in cmxl.score(["workbooks/江苏_2026.xlsx"]):
        print(f.output, len(f.people), [p.total for p in f.people][:3])

A file that cannot be read does not raise: its result carries the problem (`.problem`), so
one bad file of many does not stop the others. Options that cannot work raise `CmxlError`
before any file is read.

Importing this module is light (no pandas, openpyxl, pydantic …): each function imports what it
needs, so `cmxl --help` and the add-in's window start fast."""

from __future__ import annotations

from typing import Any

from cmxl.api.addin import (
    assess_open,
    build_addin,
    cell_certification,
    cell_certification_of_arguments,
    cell_gap,
    cell_level,
    cell_total,
    check_addin,
    condition_argument_docs,
    install_addin,
    open_workbook_sheets,
    person_reports,
    registry_cell,
)
from cmxl.api.calibration import Calibration, calibrate, calibration_template
from cmxl.api.history import HistoryDeleted, PersonHistory, delete_history, history
from cmxl.api.ledger import (
    CertificateRecord,
    IdentityConfirmed,
    all_certificates,
    certificates,
    confirm_identity,
    correct_id,
    expiring_certificates,
    print_certificates,
)
from cmxl.api.rules import DATE_FORMS, ModelInfo, check, date_from_text, framework_info, frameworks, model_info
from cmxl.api.workbooks import (
    BulkRun,
    Comparison,
    FileResult,
    Unexpected,
    bulk,
    compare,
    report,
    score,
    template,
    validate,
)
from cmxl.core.errors import CmxlError
from cmxl.core.layout.names import LEDGER_NAME, REGISTRY_SHEET

_LAZY = {  # name -> module: loaded on first use, so `import cmxl.api` stays light
    "Assessment": "cmxl.core.engine.assessment",
    "ReportSpec": "cmxl.core.layout.spec",
    "BulkResult": "cmxl.batch",
    "FileOutcome": "cmxl.batch",
    "OptionProblem": "cmxl.errors",
    "Issue": "cmxl.core.issues",
    "SEVERITY_ZH": "cmxl.core.issues",
    "Rejected": "cmxl.errors",
}
__all__ = [
    "DATE_FORMS",
    "CmxlError",
    "Unexpected",
    "LEDGER_NAME",
    "REGISTRY_SHEET",
    "BulkRun",
    "Calibration",
    "CertificateRecord",
    "Comparison",
    "FileResult",
    "HistoryDeleted",
    "PersonHistory",
    "IdentityConfirmed",
    "ModelInfo",
    "all_certificates",
    "assess_open",
    "build_addin",
    "bulk",
    "calibrate",
    "calibration_template",
    "cell_certification",
    "cell_certification_of_arguments",
    "condition_argument_docs",
    "cell_gap",
    "cell_level",
    "cell_total",
    "certificates",
    "check",
    "check_addin",
    "compare",
    "confirm_identity",
    "correct_id",
    "date_from_text",
    "delete_history",
    "expiring_certificates",
    "framework_info",
    "frameworks",
    "history",
    "install_addin",
    "model_info",
    "open_workbook_sheets",
    "person_reports",
    "print_certificates",
    "registry_cell",
    "report",
    "score",
    "template",
    "validate",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cmxl.api' has no attribute {name!r}")
