"""What a certificate ledger that cannot be used means, said in one Chinese line naming its true
cause: locked by another program, read-only (the file, its folder or the disk), not creatable,
full, an I/O error; only real corruption is called damaged (cmxl/ledger.py opens the ledger).
And the values a run reads back checked when it is opened (a hand-edited date or counter)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

from cmxl.core.errors import LedgerProblem


def _read_only_reason(path: Path, code: int) -> str:
    if code == getattr(sqlite3, "SQLITE_READONLY_DIRECTORY", 1544):  # the folder: no journal can be made
        return f"所在文件夹 {path.parent} 不允许写入"
    if _read_only_disk(path):
        return "所在磁盘是只读的"
    if path.exists() and not os.access(path, os.W_OK):
        return "文件是只读的"
    return "文件或所在磁盘是只读的"


def _read_only_disk(path: Path) -> bool:
    statvfs = getattr(os, "statvfs", None)  # not on Windows
    if statvfs is None:
        return False
    try:
        return bool(statvfs(path if path.exists() else path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _cannot_open_reason(path: Path) -> str:
    if not path.parent.is_dir():
        return f"文件夹 {path.parent} 不存在"
    if _read_only_disk(path):
        return "所在磁盘是只读的"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return "没有读写该文件的权限"
    if not path.exists() and not os.access(path.parent, os.W_OK):
        return f"没有在文件夹 {path.parent} 中建立文件的权限"
    return "无法打开或建立该文件"


def problem(path: Path, exc: sqlite3.Error) -> LedgerProblem:
    """The true cause of an SQLite error on the ledger, said in one Chinese line."""
    full = getattr(exc, "sqlite_errorcode", 0) or 0
    code = full & 0xFF
    where = f"证书台账 {path}"
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return LedgerProblem(
            f"{where} 正被另一个程序占用（另一个正在运行的 cmxl 批量处理，或打开着台账的数据库工具），"
            "台账未作改动；请关闭占用它的程序后重试"
        )
    if code == sqlite3.SQLITE_READONLY:
        return LedgerProblem(
            f"{where} 无法写入：{_read_only_reason(path, full)}，台账未作改动；"
            "请取消只读（或把台账复制到可写的位置，用 --ledger 指定）后重试"
        )
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        return LedgerProblem(
            f"{where} 无法建立或打开（{_cannot_open_reason(path)}）；请检查路径和权限，或用 --ledger 指定其他位置"
        )
    if code == sqlite3.SQLITE_FULL:
        return LedgerProblem(f"{where} 无法写入：磁盘已满，台账未作改动；请腾出磁盘空间后重试")
    if code == sqlite3.SQLITE_IOERR:
        return LedgerProblem(f"{where} 读写时出错（磁盘或网络位置的问题），台账未作改动；请检查磁盘或网络连接后重试")
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return LedgerProblem(
            f"证书台账 {path} 无法打开：不是有效的数据库文件，或已损坏；请从备份恢复，或用 --ledger 指定新台账"
        )
    name = getattr(exc, "sqlite_errorname", "") or type(exc).__name__
    return LedgerProblem(f"{where} 无法使用（SQLite {name}：{exc}）；台账未作改动")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_day(value: object) -> bool:
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_rows(db: sqlite3.Connection, path: Path, counters: bool) -> None:
    """Every value a run reads back is one this cmxl can read: said now, before a batch
    commits its certificates and then stops on the roster."""
    rows = db.execute("SELECT rowid, number, issue_date, expiry FROM certificates ORDER BY rowid")
    for rowid, number, issued, expires in rows:
        for label, value in (("发证日期", issued), ("有效期至", expires)):
            if not is_day(value):
                raise LedgerProblem(
                    f"证书台账 {path} 第 {rowid} 行（证书 {number}）的{label}“{value}”不是日期"
                    "（应写成 2026-12-01 的形式），台账未作改动；请在台账中改正该值，或从备份恢复"
                )
    if not counters:
        return
    for position, (prefix, year, nxt) in enumerate(
        db.execute("SELECT prefix, year, next FROM counters ORDER BY rowid"), start=1
    ):
        if not isinstance(year, int) or not isinstance(nxt, int):
            raise LedgerProblem(
                f"证书台账 {path} 的编号计数表第 {position} 行（前缀 {prefix}）的年份或下一个序号"
                f"“{year}”/“{nxt}”不是整数，台账未作改动；请在台账中改正该值，或从备份恢复"
            )
