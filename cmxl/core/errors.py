"""Exceptions for what stops the work. Each carries a Chinese message that says what to do."""

from __future__ import annotations

from cmxl.core.issues import Issue


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
