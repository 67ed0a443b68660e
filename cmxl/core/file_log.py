"""What happened to one file of a bulk run (cmxl.batch): processed, with warnings or errors,
failed, or skipped, and why. The roster's 处理日志 and run.json list one a file."""

from __future__ import annotations

from dataclasses import dataclass, field

# a file with data errors was processed, but the people with errors were not fully scored
OK, WITH_WARNINGS, WITH_ERRORS, FILE_FAILED = "成功", "有警告", "有错误", "失败"
SKIPPED = "已跳过"  # found in the batch folder but not an input (cmxl's own output, a lock file, not a workbook)


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
