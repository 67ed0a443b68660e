"""Exceptions for what stops the work. Each carries a Chinese message that says what to do."""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

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
    pass


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


def os_reason(exc: OSError) -> str:
    """What an operating-system error means, in Chinese (its own text is English)."""
    return _OS_REASONS.get(exc.errno or 0, f"系统错误 {exc.errno}" if exc.errno else "系统错误")
