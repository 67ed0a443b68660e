"""Every exception cmxl raises, in one place, all `CmxlError`s: each stops the work (a file that
cannot be read, an output that cannot be written, options that cannot work) and carries a Chinese
message that says what to do. Problems in the data are not exceptions but issues
(cmxl/core/issues.py). The shells import these from the façade cmxl/errors.py.

The core may not import the adapters, so the exceptions of every layer live here, grouped by
who raises them; the few that carry data of a layer above hold it untyped (FinishProblem.result)."""

from __future__ import annotations

import errno
import os
import stat
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # not at run time: the file reader imports this and must load fast
    from cmxl.core.issues import Issue


# what a broad `except BaseException` must let through: Ctrl-C and exit. Anything else a library
# raises (python-calamine's Rust panics are BaseException, not Exception) is a problem with a file.
INTERRUPTS = (KeyboardInterrupt, SystemExit, GeneratorExit)


class CmxlError(Exception):
    """Base: the message is shown to the user as one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---- reading: workbooks, models ---------------------------------------------------------------
class FileProblem(CmxlError):
    """A file that cannot be read as a workbook (missing, encrypted, not a workbook, too large)."""

    def __init__(self, path: str, kind: str, detail: str) -> None:
        super().__init__(f"{path}：{detail}")
        self.path = path
        self.kind = kind


class FrameworkInvalid(CmxlError):
    """A framework or scheme file that breaks the rules; every problem is listed."""

    def __init__(self, source: str, issues: list[Issue]) -> None:
        lines = "；".join(f"{i.field}：{i.value}" for i in issues[:5])
        more = f"（共 {len(issues)} 处）" if len(issues) > 5 else ""
        super().__init__(f"模型文件 {source} 有误：{lines}{more}")
        self.source = source
        self.issues = issues


class FrameworkNotFound(CmxlError):
    """A model or scheme id that is neither shipped nor a file."""


class Rejected(CmxlError):
    """A value a worksheet function's rules reject (cmxl.core.engine.single); the message is the
    issue's, in Chinese, and the cell shows it."""


# ---- writing ------------------------------------------------------------------------------------
class OutputProblem(CmxlError):
    """A file that cannot be written (cmxl.files): a locked or read-only target, a missing
    folder, a full disk. The earlier file, if any, is as it was."""


class ReportProblem(CmxlError):
    """A person report that cannot be made (no CJK font, no LibreOffice for the PDF)."""


class CertificateProblem(CmxlError):
    """A certificate template that cannot be used, or nothing to print."""


class AddinProblem(CmxlError):
    """The Excel add-in cannot be built or installed."""


# ---- the certificate ledger ---------------------------------------------------------------------
class LedgerProblem(CmxlError):
    """The ledger cannot be used (locked, read-only, not a cmxl ledger, from a newer cmxl) or a
    change to it is refused; the ledger is left as it was."""


# ---- the bulk run -------------------------------------------------------------------------------
class OptionProblem(CmxlError):
    """Bulk options that cannot work, said before any file is read; `option` is the option's name
    as the user gave it (-o, --batch)."""

    def __init__(self, message: str, option: str):
        super().__init__(message)
        self.option = option


class Interrupted(CmxlError):
    """A bulk run stopped by Ctrl-C. By the time this is raised the interrupt has been honoured
    (the files in hand finished whole, no more started): what is left to say is how the run
    ended, so it is a CmxlError like any other, with the message saying whether the ledger holds
    the run. `recorded` says which: it holds all of it or none of it (one transaction). The CLI
    ends it with exit code 130, as for any Ctrl-C."""

    def __init__(self, recorded: bool):
        ledger = (
            "证书台账已完整登记本批次（再次运行会沿用同样的证书编号），但认证名单可能没有生成"
            if recorded
            else "证书台账未作任何改动"
        )
        super().__init__(f"已中断：{ledger}；已生成的单个结果文件都是完整的，可以保留或删除。重新运行本命令即可继续。")
        self.recorded = recorded


class FinishProblem(CmxlError):
    """The ledger holds the run (all of it: one transaction), but what comes after it, the roster
    or run.json, could not be written. The message says what was recorded and what was not, and
    that running the same command again writes it (with the same certificate numbers). `result`
    is the run's result (cmxl.batch.BulkResult) when it got that far."""

    def __init__(self, message: str, result: Any = None):
        super().__init__(message)
        self.result = result


# ---- calibration --------------------------------------------------------------------------------
class AdjustmentsInvalid(CmxlError):
    """A calibration's adjustments file with errors: nothing is adjusted or recorded until every
    one is fixed. `issues` lists them all (each names its cell); the message the first few."""

    def __init__(self, source: str, issues: list[Issue]) -> None:
        errors = [i for i in issues if i.severity == "error"]
        lines = "；".join(f"{i.cell or i.sheet or source}：{i.message}（{i.hint}）" for i in errors[:3])
        more = f"……（共 {len(errors)} 处）" if len(errors) > 3 else ""
        super().__init__(f"调整表 {source} 有误，未作任何调整，也未登记：{lines}{more}")
        self.source = source
        self.issues = issues
        self.errors = errors
        self.errors = errors


# ---- the API and the add-in's actions -----------------------------------------------------------
class Unexpected(CmxlError):
    """An error cmxl did not foresee while processing one file; the original is its __cause__."""


class SheetNameTaken(CmxlError):
    """The open workbook has a sheet of the clerk's called like one cmxl writes: it is never replaced."""


class WriteFailed(CmxlError):
    """Excel refused a step of writing the results; the message says what the workbook holds now."""


_OS_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.ENAMETOOLONG: "文件名过长，请缩短文件名或文件夹名",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "已有同名的文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOENT: "文件夹不存在",
}


def not_a_file(path: os.PathLike | str) -> str:
    """What `path` is when it exists but is not a regular file, in Chinese ('' otherwise): a
    folder, or a named pipe or a device, which reading would block on or read forever."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "是一个文件夹"
    return "不是普通文件（是命名管道、设备或其他特殊文件）"


def os_reason(exc: OSError) -> str:
    """What an operating-system error means, in Chinese (its own text is English)."""
    return _OS_REASONS.get(exc.errno or 0, f"系统错误 {exc.errno}" if exc.errno else "系统错误")
