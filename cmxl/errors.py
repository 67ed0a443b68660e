"""Every exception cmxl raises, for the shells (the CLI, the Excel add-in) and for scripts:
`from cmxl.errors import CmxlError, OptionProblem, ...`. All are `CmxlError`s whose `message`
is one Chinese line saying what to do. They are defined in cmxl/core/errors.py (the core may
import nothing above it); this module is the door the shells use."""

from cmxl.core.errors import (
    AddinProblem,
    AdjustmentsInvalid,
    CertificateProblem,
    CmxlError,
    FileProblem,
    FinishProblem,
    FrameworkInvalid,
    FrameworkNotFound,
    Interrupted,
    LedgerProblem,
    OptionProblem,
    OutputProblem,
    Rejected,
    ReportProblem,
    SheetNameTaken,
    Unexpected,
    WriteFailed,
)

__all__ = [
    "AddinProblem",
    "AdjustmentsInvalid",
    "CertificateProblem",
    "CmxlError",
    "FileProblem",
    "FinishProblem",
    "FrameworkInvalid",
    "FrameworkNotFound",
    "Interrupted",
    "LedgerProblem",
    "OptionProblem",
    "OutputProblem",
    "Rejected",
    "ReportProblem",
    "SheetNameTaken",
    "Unexpected",
    "WriteFailed",
]
