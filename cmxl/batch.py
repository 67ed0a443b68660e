"""Bulk run: a folder of regional workbooks -> a results workbook per file, one roster, the
certificate ledger updated in one transaction, and run.json for audit.

Files are processed in a process pool (both cores); a worker returns only the small per-person
rows the roster needs, so memory does not grow with the size of the batch's workbooks."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows: no peak memory figure
    resource = None  # type: ignore[assignment]

from cmxl.core.engine.certification import PASSED
from cmxl.core.engine.issuance import IDENTITY, certificate_order, decide, identity_holds
from cmxl.core.engine.results import PersonResult
from cmxl.core.errors import INTERRUPTS, CmxlError
from cmxl.core.layout.names import RESULT_SUFFIX
from cmxl.core.layout.roster import RosterRules, build_roster
from cmxl.core.model.framework import Framework
from cmxl.core.model.loading import Catalogue
from cmxl.core.model.schemes import Scheme
from cmxl.core.records import FILE_FAILED, OK, SKIPPED, WITH_ERRORS, WITH_WARNINGS, FileLog
from cmxl.ledger import Candidate, Ledger
from cmxl.pipeline import (
    REPORT_SUFFIX,
    assess_grid,
    gc_paused,
    own_output,
    read,
    result_names,
    rules,
    write_reports,
    write_results,
)
from cmxl.version import __version__
from cmxl.xlsx.render import render

WORKBOOK_EXTENSIONS = {".xlsx", ".xlsm", ".xls"}
LEDGER_NAME = "证书台账.sqlite"
DUPLICATE_CODE = "id-in-several-files"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a bulk run; `recorded` says whether the ledger already holds this run
    (it holds all of it or none of it: one transaction)."""

    def __init__(self, recorded: bool):
        super().__init__()
        self.recorded = recorded


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


@dataclass
class FileOutcome:
    log: FileLog
    people: list[PersonResult] = field(default_factory=list)
    peak_mb: float = 0.0  # the worker process's peak memory so far (flat in the number of files, or not)


@dataclass
class BulkResult:
    roster: Path
    run_json: Path
    logs: list[FileLog]
    people: int
    applied: int
    passed: int  # certain passes (the roster's 其中通过); a pass whose certificate waits is in `held`
    new_certificates: int
    reused_certificates: int
    duplicates: int
    seconds: float
    held: int = 0  # applicants whose certificate waits (暂缓发证)
    held_identity: int = 0  # of them: the ledger holds their id for another person (HR checks)
    worker_peak_mb: float = 0.0  # the largest peak memory of a worker process


MAX_JOBS = 64
MAX_BATCH_NAME = 60  # characters: the roster's file name is 认证名单_<批次>.xlsx
_UNSAFE_IN_NAMES = set('/\\:*?"<>|')


def check_batch_name(name: str, default: bool = False) -> None:
    """A batch name becomes part of a file name: it must be one that every system accepts. The
    default (the folder's name) is checked too, and then the message says to give --batch."""
    bad = sorted({ch for ch in name if ch in _UNSAFE_IN_NAMES or ord(ch) < 32})
    if not name.strip() or bad or len(name) > MAX_BATCH_NAME or name.strip(" .") != name:
        shown = "、".join(repr(ch) for ch in bad)
        why = (
            f"含有不能用于文件名的字符 {shown}" if bad else f"须为 1–{MAX_BATCH_NAME} 个字符，且不以空格或句点开头结尾"
        )
        given = "（默认取文件夹名；请用 --batch 给一个较短的名称）" if default else "（它会成为认证名单的文件名）"
        raise OptionProblem(f"批次名称“{name[:MAX_BATCH_NAME]}”{why}{given}", "--batch")


def default_output(folder: Path) -> Path:
    return folder.resolve().parent / f"{folder.resolve().name}_输出"


class OptionProblem(CmxlError):
    """Bulk options that cannot work, said before any file is read."""

    def __init__(self, message: str, option: str):
        super().__init__(message)
        self.option = option


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
) -> BulkOptions:
    """The options of a run, with the defaults the CLI and the Excel launcher share: output
    beside the folder, the ledger in the output's parent (shared by later batches)."""
    if not folder.is_dir():
        raise OptionProblem(f"{folder} 不是文件夹", "文件夹")
    check_batch_name(batch if batch is not None else folder.resolve().name, default=batch is None)
    if not 0 <= jobs <= MAX_JOBS:
        raise OptionProblem(f"进程数 {jobs} 不合理，请给出 0–{MAX_JOBS}（0 表示每个 CPU 核一个）", "-j")
    folder = folder.resolve()
    out = (output or default_output(folder)).resolve()
    if folder == out or folder in out.parents:
        raise OptionProblem("输出文件夹不能在输入文件夹里面（否则下次会把结果当成输入）", "-o")
    return BulkOptions(
        folder=folder,
        output=out,
        ledger=(ledger or out.parent / LEDGER_NAME).resolve(),
        batch=batch or folder.name,
        issue_date=issue_date,
        framework=framework,
        schemes=list(schemes or []),
        jobs=jobs,
        within_days=within_days,
        reports=reports,
    )


def discover(folder: Path, skip: Path | None = None) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every file under `folder` (recursively, stable order, the output folder left out): the
    workbooks to process, and the others with why they are not processed. Names never decide
    whether a workbook is cmxl's own output: its content does (checked when it is read)."""
    workbooks: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    skip = skip.resolve() if skip else None
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or (skip and skip in path.resolve().parents):
            continue
        if path.name.startswith("~$"):
            skipped.append((path, "Excel 打开工作簿时生成的临时锁定文件，不是工作簿"))
        elif path.name.startswith("."):
            skipped.append((path, "隐藏文件"))
        elif path.suffix.lower() not in WORKBOOK_EXTENSIONS:
            skipped.append((path, f"不是 Excel 工作簿文件（{path.suffix or '无扩展名'}）"))
        else:
            workbooks.append(path)
    return workbooks, skipped


FAULT_ABORT = "CMXL_FAULT_ABORT"  # fault injection for tests: a worker given this file name dies


_HALT: Any = None  # in a worker: the main process's Ctrl-C request (see _worker_start)


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
        (job.out.parent / f".cmxl-{job.path.stem}.xlsx").write_bytes(b"half")  # what a dying render leaves
        os.abort()
    try:
        grid = read(job.path)
        why = own_output(grid)
        if why:  # last cycle's results or roster left in the batch folder
            log = FileLog(job.rel, grid.sha256, SKIPPED, 0, 0, 0, why, "", time.perf_counter() - start)
            return FileOutcome(log)
        with gc_paused():
            a = assess_grid(grid, rules(job.framework, job.schemes), job.as_of)
            if a.intake.sheets and a.size == 0:  # a blank template or a header-only sheet: nobody to certify
                return _failed(job, "没有人员数据（人员数据表只有表头）", start)
            scored = write_results(a, grid, job.path, job.out)
            if job.reports:
                write_reports(
                    a, job.path, job.out.with_name(job.out.stem.replace(RESULT_SUFFIX, REPORT_SUFFIX) + ".docx")
                )
    except CmxlError as exc:
        return _failed(job, exc.message, start)
    except BaseException as exc:  # a damaged file must not stop the batch (a library's panic included)
        if isinstance(exc, INTERRUPTS):
            raise
        return _failed(job, f"意外错误：{type(exc).__name__}: {exc}", start)
    grid, a = scored.grid, scored.assessment
    digest = grid.sha256
    rows = a.people
    for person in rows:
        person.file = job.rel  # the file as the batch names it (its path under the folder)
    report = a.report
    status = WITH_ERRORS if report.errors else WITH_WARNINGS if report.issues else OK
    reason = "" if report.valid else f"{len(report.errors)} 个数据错误，有错误的项目未计分，详见结果文件的“校验问题”表"
    log = FileLog(
        job.rel,
        digest,
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


def _failed(job: Job, reason: str, start: float) -> FileOutcome:
    """A file that could not be processed: its hash, when it can be read, still goes in the log."""
    try:
        digest = hashlib.sha256(job.path.read_bytes()).hexdigest()
    except OSError:
        digest = ""
    return FileOutcome(FileLog(job.rel, digest, FILE_FAILED, 0, 0, 0, reason, "", time.perf_counter() - start))


def run_bulk(
    opts: BulkOptions,
    on_file: Callable[[FileOutcome, int], None] | None = None,
    on_stopping: Callable[[], None] | None = None,
) -> BulkResult:
    """Process every workbook of the folder; `on_file(outcome, total)` reports progress and
    `on_stopping()` that Ctrl-C was pressed and the files in hand are being finished. Ctrl-C
    raises `Interrupted`."""
    run_id = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    try:
        return _run_bulk(opts, run_id, on_file, on_stopping)
    except KeyboardInterrupt:
        raise Interrupted(_recorded(opts.ledger, run_id)) from None


def _recorded(ledger: Path, run_id: str) -> bool:
    if not ledger.exists():
        return False
    with Ledger(ledger) as db:
        return db.has_run(run_id)


def _run_bulk(
    opts: BulkOptions,
    run_id: str,
    on_file: Callable[[FileOutcome, int], None] | None,
    on_stopping: Callable[[], None] | None,
) -> BulkResult:
    started = dt.datetime.now()
    t0 = time.perf_counter()
    run = rules(opts.framework, opts.schemes)  # fail early, before any file, on a bad framework or scheme
    cat, fw = run.catalogue, run.framework
    files, others = discover(opts.folder, skip=opts.output)
    if not files:
        raise CmxlError(f"{opts.folder} 中没有找到工作簿（.xlsx/.xlsm/.xls）")
    with Ledger(opts.ledger):  # an unusable ledger fails now, not after every file is processed
        pass
    opts.output.mkdir(parents=True, exist_ok=True)
    jobs = []
    hq_schemes = [cat.scheme(s) for s in opts.schemes]  # loaded once here, sent with the jobs
    names = result_names(files)
    for path in files:
        rel = path.relative_to(opts.folder).as_posix()
        out = opts.output / path.relative_to(opts.folder).parent / names[path]
        fault = os.environ.get(FAULT_ABORT) == path.name
        jobs.append(Job(path, rel, out, fw, opts.issue_date, hq_schemes, opts.reports, fault))
    outcomes = _run_jobs(_largest_first(jobs), opts.jobs, on_file, on_stopping)
    if any(o.log.reason == DIED for o in outcomes):
        _remove_temp_files(opts.output, started)
    for path, why in others:  # every file found is accounted for in the log
        rel = path.relative_to(opts.folder).as_posix()
        outcomes.append(FileOutcome(FileLog(rel, "", SKIPPED, 0, 0, 0, why, "", 0.0)))
    outcomes.sort(key=lambda o: o.log.file)
    # the roster of everyone: as for one workbook, the collector would walk it again and again; and
    # no collection at the end, which would walk everyone's records once more (0.06 s at 10k) just
    # before they are dropped
    with gc_paused(collect=False):
        return _finish(opts, run_id, started, t0, fw, cat, files, outcomes)


def _finish(
    opts: BulkOptions,
    run_id: str,
    started: dt.datetime,
    t0: float,
    fw: Framework,
    cat: Catalogue,
    files: list[Path],
    outcomes: list[FileOutcome],
) -> BulkResult:
    """After the pool: certificates decided and numbered, the roster written, run.json."""
    people = [p for o in outcomes for p in o.people]
    duplicates = _flag_duplicates(outcomes)

    issuance = decide(people)  # certificates only where the result is beyond doubt
    sha_of = {o.log.file: o.log.sha256 for o in outcomes}
    with Ledger(opts.ledger) as ledger:
        # a number belongs to one person: a pass whose id the ledger holds for another is held
        issuance = identity_holds(issuance, ledger.identities(issuance.passed), str(opts.ledger))
        candidates = sorted(issuance.passed, key=certificate_order(cat.schemes))  # numbers in roster order
        issued = ledger.issue(
            run_id,
            opts.batch,
            opts.issue_date,
            [
                Candidate(
                    p.employee_id,
                    p.name,
                    p.unit,
                    p.scheme_id,
                    p.scheme_name,
                    cat.schemes[p.scheme_id].scheme.certificate_prefix,
                    p.applied,
                    cat.schemes[p.scheme_id].scheme.validity_years,
                    p.file,
                    sha_of[p.file],
                    p.certification.valid_until,
                    cat.schemes[p.scheme_id].version,
                    cat.schemes[p.scheme_id].content_hash,
                )
                for p in candidates
            ],
        )
        expiring = ledger.expiring(opts.issue_date, opts.within_days)
    certificates = {
        (i.certificate.employee_id, i.certificate.scheme, i.certificate.grade): i.certificate for i in issued
    }
    logs = [o.log for o in outcomes]
    info: list[tuple[str, object]] = [
        ("批次", opts.batch),
        ("运行编号", run_id),
        ("工具版本", f"cmxl {__version__}"),
        ("能力模型", f"{fw.framework.name}（{fw.id} 版本 {fw.version}）"),
        ("模型内容哈希", fw.content_hash),
        *(
            (f"认证方案 {s.id}", f"{s.scheme.name}（版本 {s.version}），内容哈希 {s.content_hash}")
            for s in cat.schemes.values()
        ),
        ("发证日期", opts.issue_date.isoformat()),
        ("输入文件夹", str(opts.folder)),
        ("证书台账", str(opts.ledger)),
        ("文件数", len(files)),
        ("处理失败", sum(g.status == FILE_FAILED for g in logs)),
        ("已跳过", sum(g.status == SKIPPED for g in logs)),
        ("人数", len(people)),
        ("开始时间", started.isoformat(timespec="seconds")),
    ]
    roster_path = opts.output / f"认证名单_{opts.batch}.xlsx"
    render(
        build_roster(
            opts.batch,
            opts.issue_date,
            people,
            issuance,
            certificates,
            expiring,
            logs,
            info,
            opts.within_days,
            RosterRules(cat.schemes, cat.workbook_format.labels, fw),
        ),
        roster_path,
    )
    seconds = time.perf_counter() - t0
    waiting = {id(h.person) for h in issuance.held}
    result = BulkResult(
        roster=roster_path,
        run_json=opts.output / "run.json",
        logs=logs,
        people=len(people),
        applied=sum(p.applying for p in people),
        # as the roster's 地区统计 counts them: a pass whose certificate waits is in `held` only
        passed=sum(p.status == PASSED and id(p) not in waiting for p in people),
        held=len(issuance.held),
        held_identity=sum(h.kind == IDENTITY for h in issuance.held),
        new_certificates=sum(i.new for i in issued),
        reused_certificates=sum(not i.new for i in issued),
        duplicates=duplicates,
        seconds=seconds,
        worker_peak_mb=max((o.peak_mb for o in outcomes), default=0.0),
    )
    _write_run_json(result, opts, run_id, started, fw, cat, issued)
    return result


def _worker_start(main: int, halt: Any = None) -> None:
    """Ctrl-C reaches every process of the terminal's group; the workers leave it to the main
    process, which lets them finish the file in hand (written whole) and starts no more: the
    pool has already queued a file or two for its workers, so a worker looks at `halt` (an
    Event the main process sets) before it starts one. A worker whose main process is gone
    (killed) exits instead of waiting for work forever."""
    global _HALT
    _HALT = halt
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # what the fork server imported stays for the worker's life: kept out of the collection that
    # ends each file, which then walks only what that file left (18 ms a file before, at 500 people)
    gc.freeze()

    def watch() -> None:  # `main` started the pool (the fork server between them may outlive it)
        while True:
            time.sleep(1)
            try:
                os.kill(main, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was taken by another user's process: main is gone
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="cmxl-parent-watch").start()


DIED = "处理该文件时进程异常终止（文件可能过大、已损坏，或内存不足），未生成结果；其余文件不受影响"


def _run_jobs(
    jobs: list[Job],
    workers: int,
    on_file: Callable[[FileOutcome, int], None] | None,
    on_stopping: Callable[[], None] | None,
) -> list[FileOutcome]:
    """Every job in worker processes (also with one worker: a file that aborts or exhausts its
    process must not take the batch with it). When a worker dies, the pool is replaced and the
    files that were in it are run again one at a time, each alone: the one whose process dies
    again is logged as failed."""
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    outcomes: list[FileOutcome] = []

    def done(outcome: FileOutcome) -> None:
        outcomes.append(outcome)
        if on_file:
            on_file(outcome, len(jobs))

    lost = _pool_round(jobs, workers, done, on_stopping)
    for job in lost:
        again = _pool_round([job], 1, done, on_stopping)
        if again:
            done(FileOutcome(FileLog(job.rel, "", FILE_FAILED, 0, 0, 0, DIED, "", 0.0)))
    return outcomes


def _largest_first(jobs: list[Job]) -> list[Job]:
    """The biggest workbooks go to the workers first: a province's big file taken last would
    keep one worker busy while the others wait with nothing left to do. (Results are listed by
    file name whatever the order they finish in.)"""

    def size(job: Job) -> int:
        try:
            return job.path.stat().st_size
        except OSError:  # gone since it was found: its worker reports that
            return 0

    return sorted(jobs, key=lambda job: (-size(job), job.rel))


def _remove_temp_files(folder: Path, since: dt.datetime) -> None:
    """What a worker that died was writing: its temp files (a finished file is renamed from one)."""
    for path in folder.rglob(".cmxl-*"):
        with contextlib.suppress(OSError):
            if dt.datetime.fromtimestamp(path.stat().st_mtime) >= since - dt.timedelta(seconds=2):
                path.unlink()


def _context() -> multiprocessing.context.BaseContext:
    """Workers start from a clean process: from a fork server that has imported cmxl once (POSIX),
    or spawned (Windows). A plain fork copied the main process while its progress bar's thread
    could hold a lock, and a worker that then wrote a warning waited for that lock forever."""
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cmxl.batch"])
    return context


def _pool_round(
    jobs: list[Job], workers: int, done: Callable[[FileOutcome], None], on_stopping: Callable[[], None] | None
) -> list[Job]:
    """Run `jobs` in a pool; return those whose worker died before it answered.

    Ctrl-C is taken as a request, not as an exception thrown into whatever the main thread is
    doing: a KeyboardInterrupt landing inside the executor's own bookkeeping (submitting, or
    collecting a result) could leave its manager waiting forever for a file no worker had. The
    request is checked between results: the queued files are cancelled, the files in hand
    finish (written whole), and only then KeyboardInterrupt is raised."""
    lost: list[Job] = []
    stop = threading.Event()
    main = threading.current_thread() is threading.main_thread()  # the Excel window runs bulk on a thread
    if main:
        _start_fork_server()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set()) if main else None
    halt = _context().Event()  # set on Ctrl-C: a worker starts no file after it
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_start, initargs=(os.getpid(), halt), mp_context=_context()
    )
    try:
        futures = {pool.submit(process, job): job for job in jobs}
        pending = set(futures)
        while pending:
            try:
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in finished:
                    if future.cancelled():
                        continue
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        lost.append(futures[future])
                        continue
                    done(outcome)
            except KeyboardInterrupt:  # raised by a caller's progress callback, or before the handler
                stop.set()
            if stop.is_set():
                if on_stopping:
                    on_stopping()
                halt.set()  # a file already queued for a worker is not started (queued: not cancellable)
                for future in pending:
                    future.cancel()
                wait(pending)  # the files in hand finish; no more start
                raise KeyboardInterrupt
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return sorted(lost, key=lambda job: job.rel)


def _start_fork_server() -> None:
    """Start the fork server (if it is not running) with Ctrl-C ignored. It is a new Python
    process in the terminal's group: started plainly, a Ctrl-C while it imported cmxl printed its
    KeyboardInterrupt traceback. A process started with SIGINT ignored keeps it ignored (Python
    installs its handler only where the signal is not ignored), and so do the workers it forks."""
    if _context().get_start_method() != "forkserver":
        return
    import multiprocessing.forkserver  # POSIX only

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def _flag_duplicates(outcomes: list[FileOutcome]) -> int:
    """The same id in two workbooks is flagged in both: on its roster rows and in the log."""
    files_of: dict[str, set[str]] = defaultdict(set)
    for o in outcomes:
        for p in o.people:
            if p.employee_id:
                files_of[p.employee_id].add(p.file)
    shared = {pid: files for pid, files in files_of.items() if len(files) > 1}
    for o in outcomes:
        count = 0
        for p in o.people:
            if p.employee_id in shared:
                p.also_in = sorted(shared[p.employee_id] - {p.file})
                count += 1
        if count:
            note = f"{count} 名人员的员工编号也出现在其他文件中（见认证名单“备注”列）"
            o.log.reason = "；".join(x for x in (o.log.reason, note) if x)
            o.log.issue_counts[DUPLICATE_CODE] = count
            if o.log.status == OK:
                o.log.status = WITH_WARNINGS
            o.log.warnings += count
    return len(shared)


def _write_run_json(result: BulkResult, opts: BulkOptions, run_id: str, started: dt.datetime, fw, cat, issued) -> None:
    by_code: Counter[str] = Counter()
    for log in result.logs:
        by_code.update(log.issue_counts)
    record = {
        "tool": {"name": "cmxl", "version": __version__},
        "run_id": run_id,
        "batch": opts.batch,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "options": {
            "folder": str(opts.folder),
            "output": str(opts.output),
            "ledger": str(opts.ledger),
            "framework": opts.framework,
            "schemes": opts.schemes,
            "issue_date": opts.issue_date.isoformat(),
            "jobs": opts.jobs,
            "within_days": opts.within_days,
        },
        "framework": {"id": fw.id, "version": fw.version, "hash": fw.content_hash},
        "schemes": {sid: {"version": s.scheme.version, "hash": s.content_hash} for sid, s in cat.schemes.items()},
        "inputs": [{k: v for k, v in asdict(log).items()} for log in result.logs],
        "counts": {
            "files": len(result.logs),
            "files_failed": sum(g.status == FILE_FAILED for g in result.logs),
            "files_skipped": sum(g.status == SKIPPED for g in result.logs),
            "people": result.people,
            "applied": result.applied,
            "passed": result.passed,
            "certificates_new": result.new_certificates,
            "certificates_reused": result.reused_certificates,
            "renewals": sum(1 for i in issued if i.new and i.certificate.renews),
            "ids_in_several_files": result.duplicates,
            "held": result.held,
            "held_identity": result.held_identity,
        },
        "issues_by_code": dict(sorted(by_code.items())),
        "roster": str(result.roster),
        "timings": {
            "total_seconds": round(result.seconds, 3),
            "people_per_second": round(result.people / result.seconds, 1) if result.seconds else None,
        },
    }
    tmp = result.run_json.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, result.run_json)
