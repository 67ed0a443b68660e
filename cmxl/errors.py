"""Every exception cmxl raises, in one place to import them from (`from cmxl.errors import …`).

All are CmxlError (the message is Chinese and says what to do), except Interrupted (Ctrl-C
during a bulk run, a KeyboardInterrupt). Importing this module is light: the classes that still
live beside the code raising them are loaded on first use."""

from __future__ import annotations

import importlib
from typing import Any

from cmxl.core.errors import CmxlError, FileProblem, FrameworkInvalid, FrameworkNotFound

_WHERE = {  # class -> the module that defines it (until they all move to cmxl.core.errors)
    "AddinProblem": "cmxl.addin.package",
    "CertificateProblem": "cmxl.docx.certificates",
    "FinishProblem": "cmxl.batch",
    "Interrupted": "cmxl.batch",
    "LedgerProblem": "cmxl.ledger",
    "OptionProblem": "cmxl.batch",
    "OutputProblem": "cmxl.xlsx.write",
    "Rejected": "cmxl.core.engine.single",
    "ReportProblem": "cmxl.docx.render",
    "SheetNameTaken": "cmxl.addin.actions",
    "Unexpected": "cmxl.api",
    "WriteFailed": "cmxl.addin.actions",
}
__all__ = ["CmxlError", "FileProblem", "FrameworkInvalid", "FrameworkNotFound", *_WHERE]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'cmxl.errors' has no attribute {name!r}")
