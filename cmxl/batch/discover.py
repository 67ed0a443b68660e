"""What a batch folder holds: the workbooks to process, and everything else with why it is not
processed, so that the log accounts for every path found."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from cmxl.batch.names import shown
from cmxl.core.errors import CmxlError, os_reason

WORKBOOK_EXTENSIONS = {".xlsx", ".xlsm", ".xls"}


def discover(folder: Path, skip: Path | None = None) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every entry under `folder` (recursively, stable order, the output folder left out): the
    workbooks to process, and everything else with why it is not processed, so that the log
    accounts for every path. Only regular files (or links to one) are ever opened: a FIFO opened
    for reading waits for a writer forever. Links to folders are not followed (a link back up
    would loop). Names never decide whether a workbook is cmxl's own output: its content does
    (checked when it is read)."""
    workbooks: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    skip = skip.resolve() if skip else None
    folders = [folder]
    while folders:
        here = folders.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError as exc:
            if here == folder:
                raise CmxlError(f"无法打开文件夹 {shown(str(folder))}（{os_reason(exc)}）") from None
            skipped.append((here, f"无法打开这个文件夹（{os_reason(exc)}），其中的文件未处理；请检查权限"))
            continue
        for entry in entries:
            path = Path(entry.path)
            why = _not_a_file(entry)
            if why == "":  # a folder: walked, unless it is the output folder
                if not (skip and path.resolve() == skip):
                    folders.append(path)
            elif why is not None:
                skipped.append((path, why))
            elif skip and skip in path.resolve().parents:
                skipped.append((path, "指向本批次输出文件夹中的文件，不是输入"))
            elif path.name.startswith("~$"):
                skipped.append((path, "Excel 打开工作簿时生成的临时锁定文件，不是工作簿"))
            elif path.name.startswith("."):
                skipped.append((path, "隐藏文件"))
            elif path.suffix.lower() not in WORKBOOK_EXTENSIONS:
                skipped.append((path, f"不是 Excel 工作簿文件（{shown(path.suffix) or '无扩展名'}）"))
            else:
                workbooks.append(path)
    return sorted(workbooks), sorted(skipped)


def _not_a_file(entry: os.DirEntry) -> str | None:
    """None for a regular file (or a link to one), "" for a folder to walk into, else why the
    entry is not read. Only its metadata is looked at; nothing is opened."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return ""
        mode = entry.stat().st_mode  # through a link, to what it points at
    except FileNotFoundError:
        if not entry.is_symlink():
            return "查找时文件已被删除或移走"
        try:
            target = f"（{shown(os.readlink(entry.path))}）"
        except OSError:
            target = ""
        return f"符号链接（快捷方式）指向的文件不存在{target}"
    except OSError as exc:
        if exc.errno == getattr(errno, "ELOOP", None):
            return "符号链接循环（链接最终指向它自己），无法打开"
        return f"无法读取文件信息（{os_reason(exc)}）"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "指向文件夹的符号链接，未进入（以免重复处理或无限循环）；请把要处理的工作簿直接放在批次文件夹中"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO），不是普通文件，未读取"
    if stat.S_ISSOCK(mode):
        return "套接字（socket），不是普通文件，未读取"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件，不是普通文件，未读取"
    return "不是普通文件，未读取"
