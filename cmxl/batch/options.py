"""The options of a bulk run, with the defaults the CLI and the Excel launcher share, checked
before any file is read (OptionProblem names the option)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cmxl.batch.names import shown
from cmxl.core.engine.history import cycle_problem, default_cycle
from cmxl.core.errors import OptionProblem
from cmxl.core.layout.names import LEDGER_NAME

MAX_JOBS = 64
MAX_BATCH_NAME = 60  # characters: the roster's file name is 认证名单_<批次>.xlsx
_UNSAFE_IN_NAMES = set('/\\:*?"<>|')


@dataclass
class BulkOptions:
    folder: Path
    output: Path
    ledger: Path
    batch: str
    issue_date: dt.date
    framework: str | None = None
    schemes: list[str] = field(default_factory=list)  # HQ's own scheme files
    jobs: int = 0  # 0: one per core
    within_days: int = 90
    reports: bool = False  # also a report per person (个人报告.docx) beside each results file
    cycle: str = ""  # the assessment cycle the people are recorded under (default: the issue date's year)

    def __post_init__(self) -> None:
        self.cycle = self.cycle or default_cycle(self.issue_date)


def check_batch_name(name: str, default: bool = False) -> None:
    """A batch name becomes part of a file name: it must be one that every system accepts. The
    default (the folder's name) is checked too, and then the message says to give --batch."""
    bad = sorted({ch for ch in name if ch in _UNSAFE_IN_NAMES or ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF})
    if not name.strip() or bad or len(name) > MAX_BATCH_NAME or name.strip(" .") != name:
        chars = "、".join(repr(ch) for ch in bad)
        why = (
            f"含有不能用于文件名的字符 {chars}" if bad else f"须为 1–{MAX_BATCH_NAME} 个字符，且不以空格或句点开头结尾"
        )
        given = "（默认取文件夹名；请用 --batch 给一个较短的名称）" if default else "（它会成为认证名单的文件名）"
        raise OptionProblem(f"批次名称“{name[:MAX_BATCH_NAME]}”{why}{given}", "--batch")


def default_output(folder: Path) -> Path:
    return folder.resolve().parent / f"{shown(folder.resolve().name)}_输出"


def _check_ledger_path(ledger: Path) -> None:
    """A ledger named on purpose must be where it is said to be: a mistyped path would start a new
    ledger whose numbers begin again at 000001 (and clash with the real ledger's)."""
    if ledger.is_symlink() and not ledger.exists():
        raise OptionProblem(f"证书台账 {ledger} 是指向不存在文件的链接：请指定台账文件本身", "--ledger")
    if not ledger.exists() and not ledger.parent.is_dir():
        raise OptionProblem(
            f"证书台账 {ledger} 所在的文件夹不存在：请检查 --ledger 的路径（第一次使用新台账时，台账所在的文件夹须已存在）",
            "--ledger",
        )


def make_options(
    folder: Path,
    *,
    issue_date: dt.date,
    output: Path | None = None,
    ledger: Path | None = None,
    batch: str | None = None,
    framework: str | None = None,
    schemes: list[str] | None = None,
    jobs: int = 0,
    within_days: int = 90,
    reports: bool = False,
    cycle: str | None = None,
) -> BulkOptions:
    """The options of a run, with the defaults the CLI and the Excel launcher share: output
    beside the folder, the ledger in the output's parent (shared by later batches)."""
    if not folder.is_dir():
        raise OptionProblem(f"{folder} 不是文件夹", "文件夹")
    check_batch_name(batch if batch is not None else shown(folder.resolve().name), default=batch is None)
    if not 0 <= jobs <= MAX_JOBS:
        raise OptionProblem(f"进程数 {jobs} 不合理，请给出 0–{MAX_JOBS}（0 表示每个 CPU 核一个）", "-j")
    folder = folder.resolve()
    out = (output or default_output(folder)).resolve()
    if folder == out or folder in out.parents:
        raise OptionProblem("输出文件夹不能在输入文件夹里面（否则下次会把结果当成输入）", "-o")
    if ledger is not None:
        _check_ledger_path(ledger)
    why = cycle_problem(cycle) if cycle is not None else ""
    if why:
        raise OptionProblem(why, "--cycle")
    return BulkOptions(
        folder=folder,
        output=out,
        ledger=(ledger or out.parent / LEDGER_NAME).resolve(),
        batch=batch or shown(folder.name),
        issue_date=issue_date,
        framework=framework,
        schemes=list(schemes or []),
        jobs=jobs,
        within_days=within_days,
        reports=reports,
        cycle=cycle or "",
    )
