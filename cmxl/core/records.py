"""Records shared by the bulk run, the certificate ledger and the roster: one certificate as
the ledger holds it, and what happened to one file of a batch."""

from __future__ import annotations

from dataclasses import dataclass, field

# a file with data errors was processed, but the people with errors were not fully scored
OK, WITH_WARNINGS, WITH_ERRORS, FILE_FAILED = "成功", "有警告", "有错误", "失败"
SKIPPED = "已跳过"  # found in the batch folder but not an input (cmxl's own output, a lock file, not a workbook)


@dataclass(frozen=True)
class Certificate:
    """One certificate as recorded in the ledger."""

    number: str
    employee_id: str
    name: str
    unit: str
    scheme: str
    scheme_name: str
    grade: str
    issue_date: str
    expiry: str
    source_file: str
    source_sha256: str
    run_id: str
    renews: str | None
    scheme_version: str = ""  # of the scheme whose rules issued it ('' in ledgers of earlier versions)
    scheme_hash: str = ""


@dataclass
class FileLog:
    file: str
    sha256: str
    status: str  # OK / WITH_WARNINGS / WITH_ERRORS / FILE_FAILED
    people: int
    errors: int
    warnings: int
    reason: str
    output: str
    seconds: float
    issue_counts: dict[str, int] = field(default_factory=dict)
