"""The records that were defined here now live beside what they belong to: the ledger's in
cmxl/core/ledger_records.py, a bulk run's file log in cmxl/core/file_log.py. These names stay
importable from here for the modules that still import them from here (cmxl.api, cmxl.cli,
cmxl.addin.launcher, cmxl.core.layout.roster)."""

from cmxl.core.file_log import FILE_FAILED, OK, SKIPPED, WITH_ERRORS, WITH_WARNINGS, FileLog
from cmxl.core.ledger_records import ACTIONS, CONFIRM, DISPUTE, NORMALISE, Certificate, Holder, IdentityChange

__all__ = [
    "ACTIONS",
    "CONFIRM",
    "DISPUTE",
    "FILE_FAILED",
    "NORMALISE",
    "OK",
    "SKIPPED",
    "WITH_ERRORS",
    "WITH_WARNINGS",
    "Certificate",
    "FileLog",
    "Holder",
    "IdentityChange",
]
