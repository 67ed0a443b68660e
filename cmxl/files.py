"""Every file cmxl writes goes through here: results workbooks and rosters, certificates, the
Excel add-in and its settings, run.json. One way, so that none of them can be found half
written:

- the target is checked before any work (`check_target`): a read-only file or a missing folder
  is said first, not after minutes of scoring;
- the content goes into a temp file beside the target (`replacing`), named so that cmxl knows
  it for its own (`.cmxl-` and eight letters, digits or _, then the target's suffix), is flushed
  to the disk (fsync: after a power cut the file is the old one or the new one, never empty),
  and is then renamed over the target in one step;
- any failure (a full disk, Ctrl-C, a target open in Excel or Word, which Windows refuses to
  replace) removes the temp file and leaves the target as it was, with one Chinese line saying
  what to do;
- a temp file left by a process that was killed is removed by the next bulk run that writes to
  its folder (`remove_leftovers`), recognised by that name and by its first bytes, never a
  user's file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from cmxl.core.errors import OutputProblem, os_reason

TEMP_PREFIX = ".cmxl-"
# the names temp_beside gives (mkstemp: the prefix, eight of [a-z0-9_], the target's suffix), and
# run.json.tmp, which cmxl before this module wrote run.json through
LEFTOVER = re.compile(re.escape(TEMP_PREFIX) + r"[a-z0-9_]{8}\.(xlsx|docx|json)|run\.json\.tmp")
_LEFTOVER_STARTS = (b"PK", b"{")  # a zip (.xlsx, .docx) or JSON begun


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def check_target(path: Path) -> None:
    """Fail before any work when the target cannot be replaced."""
    if path.exists() and not _writable(path):
        raise OutputProblem(f"{path}：目标文件是只读的，无法覆盖；请换一个输出位置（-o）")
    if not path.parent.exists():
        raise OutputProblem(f"{path}：输出文件夹 {path.parent} 不存在")


def temp_beside(path: Path) -> str:
    """An empty temp file in the target's folder, to be renamed over it. mkstemp makes it
    readable by its owner only; it gets the permissions of the file it replaces, or of any new
    file (so colleagues can open results on a shared drive)."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=folder)
    os.close(fd)
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
    return tmp


@contextlib.contextmanager
def replacing(target: Path, *, program: str | None = "Excel", what: str = "文件") -> Iterator[str]:
    """The path of a temp file beside `target` to write into; when the block ends, the file is
    flushed to the disk and renamed over `target`. On any failure the temp file is removed and
    `target` is as it was; an operating-system error becomes OutputProblem, saying that the
    target may be open in `program` (Windows refuses to replace a file open in Excel or Word;
    None: a file no program of the user's opens) or that `what` was not written."""
    try:
        tmp = temp_beside(target)
    except OSError as exc:
        raise OutputProblem(
            f"{target}：无法在 {target.parent} 中写文件（{os_reason(exc)}）；请换一个输出位置（-o）"
        ) from None
    try:
        yield tmp
        _flush(tmp)
        os.replace(tmp, target)
    except PermissionError:
        held = f"（是否在 {program} 中打开着？），请关闭后重试" if program else "，请关闭占用它的程序或检查权限后重试"
        raise OutputProblem(f"{target}：文件被占用或没有写权限{held}") from None
    except OSError as exc:
        raise OutputProblem(f"{target}：写入失败（{os_reason(exc)}），未生成{what}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _flush(path: str) -> None:
    """What was written to `path` onto the disk, before the rename makes it the target."""
    fd = os.open(path, os.O_RDWR)  # Windows flushes only a file open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text(target: Path, text: str, *, program: str | None = None, what: str = "文件") -> None:
    """A text file (UTF-8), written as every file is (`replacing`)."""
    with replacing(target, program=program, what=what) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def remove_leftovers(folders: Iterable[Path], started: dt.datetime, died: bool) -> None:
    """cmxl's own temp files in the folders a run writes to, once its workers are done: those an
    earlier run left when it was killed (not changed since this run started), and, when one of
    this run's workers died, what that worker was writing. Only a temp file's exact name, only a
    regular file (not a link), only empty or the beginning of what cmxl writes: never a user's
    file. One changed during this run, no worker having died, may be another cmxl's at work: left."""
    for folder in folders:
        try:
            with os.scandir(folder) as listing:
                entries = [e for e in listing if LEFTOVER.fullmatch(e.name)]
        except OSError:
            continue
        for entry in entries:
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(st.st_mode):
                    continue
                if not died and dt.datetime.fromtimestamp(st.st_mtime) >= started:
                    continue
                with open(entry.path, "rb") as f:
                    head = f.read(2)
                if not head or head.startswith(_LEFTOVER_STARTS):
                    os.unlink(entry.path)
