"""One workbook of a batch, start to finish, in a worker process: read, scored, its results
workbook (and reports) written, and what the roster needs of it sent back. Never raises: a bad
file becomes a failed row of the log, and the batch goes on."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows: no peak memory figure
    resource = None  # type: ignore[assignment]

from cmxl.core.engine.results import PersonResult
from cmxl.core.errors import INTERRUPTS, CmxlError
from cmxl.core.file_log import FILE_FAILED, OK, SKIPPED, WITH_ERRORS, WITH_WARNINGS, FileLog
from cmxl.core.layout.names import RESULT_SUFFIX
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.files import temp_beside
from cmxl.pipeline import (
    REPORT_SUFFIX,
    History,
    Scored,
    assess_grid,
    gc_paused,
    own_output,
    read,
    rules,
    with_history,
    write_reports,
    write_results,
)

FAULT_ABORT = "CMXL_FAULT_ABORT"  # fault injection for tests: a worker given this file name dies


@dataclass
class Job:
    path: Path
    rel: str
    out: Path
    framework: Framework  # loaded once by the main process, sent to the workers with each job
    as_of: dt.date
    schemes: list[Scheme] = field(default_factory=list)  # HQ's own schemes, likewise
    reports: bool = False
    fault: bool = False  # fault injection (tests): the worker dies on this file
    ledger: Path | None = None  # read (never written) so that this file's outputs show who is held for their id
    cycle: str | None = None  # the cycle recorded: each person's change since their previous one is shown
    # ids the batch holds because another file gives them other data (or the same number without its
    # zeros): id -> why. Known only once every file is read; those files are written again with them
    conflicts: dict[str, str] = field(default_factory=dict)


@dataclass
class FileOutcome:
    log: FileLog
    people: list[PersonResult] = field(default_factory=list)
    peak_mb: float = 0.0  # the worker process's peak memory so far (flat in the number of files, or not)


_HALT: Any = None  # in a worker: the main process's Ctrl-C request (see cmxl.batch.pool)


def halt_on(event: Any) -> None:
    """In a worker: `event` set means Ctrl-C was pressed, and a file not started is not started."""
    global _HALT
    _HALT = event


def process(job: Job) -> FileOutcome:
    """One workbook, start to finish; never raises (a bad file becomes a failed log row)."""
    if _HALT is not None and _HALT.is_set():  # Ctrl-C: queued, not started; the main process drops it
        return FileOutcome(FileLog(job.rel, "", SKIPPED, 0, 0, 0, "已中止", "", 0.0))
    outcome = _process(job)
    outcome.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if resource else 0.0
    return outcome


def _process(job: Job) -> FileOutcome:
    start = time.perf_counter()
    if job.fault:  # as a reader aborting on a hostile file does
        job.out.parent.mkdir(parents=True, exist_ok=True)
        Path(temp_beside(job.out)).write_bytes(b"PK\x03\x04half")  # what a dying render leaves
        os.abort()
    try:
        if not _regular(job.path):  # replaced since it was found: never opened
            return _failed(job, "查找之后被换成了不是普通文件的东西（如命名管道），未读取", start, digest=False)
        grid = read(job.path)
        grid.source = Path(job.rel).name  # the name as the batch shows it, in every sheet and issue
        shown_as = job.path.with_name(grid.source)  # what the results and reports name as their source
        why = own_output(grid)
        if why:  # last cycle's results or roster left in the batch folder
            log = FileLog(job.rel, grid.sha256, SKIPPED, 0, 0, 0, why, "", time.perf_counter() - start)
            return FileOutcome(log)
        with gc_paused():
            a = assess_grid(grid, rules(job.framework, job.schemes), job.as_of)
            if a.intake.sheets and a.size == 0:  # a blank template or a header-only sheet: nobody to certify
                return _failed(job, "没有人员数据（人员数据表只有表头）", start)
            if job.ledger is not None:  # who the ledger holds for someone else, and each one's change
                with_history(a, History(job.ledger, job.cycle))
            for p in a.people:  # held by the batch reads as held in this file's outputs too
                why = job.conflicts.get(p.employee_id) if p.applying else None
                if why and why not in p.held:
                    p.held = f"{p.held}；另：{why}" if p.held else why
            scored = write_results(a, grid, shown_as, job.out)
            if job.reports:
                write_reports(
                    a, shown_as, job.out.with_name(job.out.stem.replace(RESULT_SUFFIX, REPORT_SUFFIX) + ".docx")
                )
    except CmxlError as exc:
        return _failed(job, exc.message, start)
    except BaseException as exc:  # a damaged file must not stop the batch (a library's panic included)
        if isinstance(exc, INTERRUPTS):
            raise
        return _failed(job, f"意外错误：{type(exc).__name__}: {exc}", start)
    return _processed(job, scored, start)


def _processed(job: Job, scored: Scored, start: float) -> FileOutcome:
    """A file scored and written: its people, as the batch names their file, and its log row."""
    grid, a = scored.grid, scored.assessment
    rows = a.people
    for person in rows:
        person.file = job.rel  # the file as the batch names it (its path under the folder)
    report = a.report
    status = WITH_ERRORS if report.errors else WITH_WARNINGS if report.issues else OK
    reason = "" if report.valid else f"{len(report.errors)} 个数据错误，有错误的项目未计分，详见结果文件的“校验问题”表"
    log = FileLog(
        job.rel,
        grid.sha256,
        status,
        a.size,
        len(report.errors),
        len(report.warnings),
        reason,
        (Path(job.rel).parent / job.out.name).as_posix(),  # where it is beside the roster
        time.perf_counter() - start,
        report.counts(),
    )
    return FileOutcome(log, rows)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:  # gone: the reader says so
        return True


def _failed(job: Job, reason: str, start: float, digest: bool = True) -> FileOutcome:
    """A file that could not be processed: its hash, when it can be read, still goes in the log."""
    try:
        sha256 = hashlib.sha256(job.path.read_bytes()).hexdigest() if digest else ""
    except OSError:
        sha256 = ""
    return FileOutcome(FileLog(job.rel, sha256, FILE_FAILED, 0, 0, 0, reason, "", time.perf_counter() - start))
