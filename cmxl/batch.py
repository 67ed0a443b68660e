"""Bulk run: a folder of regional workbooks -> a results workbook per file, one roster, the
certificate ledger updated in one transaction, and run.json for audit.

Files are processed in a process pool (both cores); a worker returns only the small per-person
rows the roster needs, so memory does not grow with the size of the batch's workbooks."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import hashlib
import json
import multiprocessing
import multiprocessing.context
import os
import re
import signal
import stat
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

from cmxl.core.engine.issuance import IDENTITY, certificate_order, identity_holds, settle
from cmxl.core.engine.results import PersonResult
from cmxl.core.engine.tally import Tally, tally
from cmxl.core.errors import INTERRUPTS, CmxlError, os_reason
from cmxl.core.layout.names import LEDGER_NAME, RESULT_SUFFIX
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
from cmxl.xlsx.write import temp_beside

WORKBOOK_EXTENSIONS = {".xlsx", ".xlsm", ".xls"}
DUPLICATE_CODE = "id-in-several-files"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a bulk run; `recorded` says whether the ledger already holds this run
    (it holds all of it or none of it: one transaction)."""

    def __init__(self, recorded: bool):
        super().__init__()
        self.recorded = recorded


class FinishProblem(CmxlError):
    """The ledger holds the run (all of it: one transaction), but what comes after it, the roster
    or run.json, could not be written. The message says what was recorded and what was not, and
    that running the same command again writes it (with the same certificate numbers). `result`
    is the run's result when it got that far."""

    def __init__(self, message: str, result: BulkResult | None = None):
        super().__init__(message)
        self.result = result


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
    tally: Tally = field(default_factory=Tally)  # the counts above, and the rest (cmxl.core.engine.tally)


MAX_JOBS = 64
MAX_BATCH_NAME = 60  # characters: the roster's file name is 认证名单_<批次>.xlsx
_UNSAFE_IN_NAMES = set('/\\:*?"<>|')


def check_batch_name(name: str, default: bool = False) -> None:
    """A batch name becomes part of a file name: it must be one that every system accepts. The
    default (the folder's name) is checked too, and then the message says to give --batch."""
    bad = sorted({ch for ch in name if ch in _UNSAFE_IN_NAMES or ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF})
    if not name.strip() or bad or len(name) > MAX_BATCH_NAME or name.strip(" .") != name:
        shown = "、".join(repr(ch) for ch in bad)
        why = (
            f"含有不能用于文件名的字符 {shown}" if bad else f"须为 1–{MAX_BATCH_NAME} 个字符，且不以空格或句点开头结尾"
        )
        given = "（默认取文件夹名；请用 --batch 给一个较短的名称）" if default else "（它会成为认证名单的文件名）"
        raise OptionProblem(f"批次名称“{name[:MAX_BATCH_NAME]}”{why}{given}", "--batch")


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


def default_output(folder: Path) -> Path:
    return folder.resolve().parent / f"{shown(folder.resolve().name)}_输出"


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
    check_batch_name(batch if batch is not None else shown(folder.resolve().name), default=batch is None)
    if not 0 <= jobs <= MAX_JOBS:
        raise OptionProblem(f"进程数 {jobs} 不合理，请给出 0–{MAX_JOBS}（0 表示每个 CPU 核一个）", "-j")
    folder = folder.resolve()
    out = (output or default_output(folder)).resolve()
    if folder == out or folder in out.parents:
        raise OptionProblem("输出文件夹不能在输入文件夹里面（否则下次会把结果当成输入）", "-o")
    if ledger is not None:
        _check_ledger_path(ledger)
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
    )


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


_UNREADABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
NAME_NOTE = "文件名中有无法显示的字符（不是 UTF-8 编码的字节或控制字符，多见于在别的系统上解压的文件），这里和结果文件名中已替换；建议把文件改名"


def shown(name: str) -> str:
    """A file or folder name (or a path) as people can read it, and as it can go into a workbook,
    JSON or a file name: the bytes of a name that are not UTF-8 (Linux hands them to Python as
    surrogate escapes, '\\udcc3'), other lone surrogates (Windows allows them) and control
    characters become U+FFFD."""
    return _UNREADABLE.sub("\ufffd", name)


def _readable(text: str) -> str:
    """A message that may quote such a name (a worker's exception): its surrogates replaced."""
    return _SURROGATE.sub("\ufffd", text)


def _spelled(name: str) -> str:
    """The unreadable characters of a name as codes (%C3): two names that read the same once
    replaced (b'\\xc3(' and b'\\xc4(') stay apart. (No backslash: a folder separator on Windows.)"""

    def code(m: re.Match[str]) -> str:
        n = ord(m.group())
        return f"%{n - 0xDC00:02X}" if 0xDC80 <= n <= 0xDCFF else f"%{n:02X}" if n < 0x80 else f"%u{n:04X}"

    return _UNREADABLE.sub(code, name)


def _shown_names(rels: list[str]) -> dict[str, str]:
    """Each path of the batch (as a relative posix path) the way the log, run.json, the roster and
    the output file names show it: readable, and one name per file."""
    names = {rel: shown(rel) for rel in rels}
    count = Counter(names.values())
    for rel, name in names.items():
        if name != rel and count[name] > 1:
            names[rel] = _spelled(rel)
    taken: set[str] = set()
    for rel in sorted(rels):  # a name that is literally another's spelling: numbered
        name, k = names[rel], 2
        while name in taken:
            name = Path(names[rel]).with_stem(f"{Path(names[rel]).stem}（{k}）").as_posix()
            k += 1
        names[rel] = name
        taken.add(name)
    return names


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
    except FinishProblem:
        raise
    except BaseException as exc:  # after the ledger committed, nothing may lose the run unsaid
        if isinstance(exc, INTERRUPTS) or not _recorded_safely(opts.ledger, run_id):
            raise
        what = exc.message if isinstance(exc, CmxlError) else f"意外错误：{type(exc).__name__}: {exc}"
        raise FinishProblem(
            f"证书台账已完整登记本批次（运行编号 {run_id}），但之后出错：{_readable(what)}；认证名单和 run.json "
            "可能没有写出。排除问题后重新运行同一命令即可写出（证书编号不变，不会重复发证）"
        ) from exc


def _recorded_safely(ledger: Path, run_id: str) -> bool:
    try:
        return _recorded(ledger, run_id)
    except Exception:  # a ledger that cannot even say: the original error is what to show
        return False


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
    # every path as the log shows it, and its results named after that: whatever a file is called
    # (bytes that are not UTF-8 included), its name can be written into a workbook, JSON and a name
    rels = {path: path.relative_to(opts.folder).as_posix() for path in [*files, *(p for p, _ in others)]}
    named = _shown_names(list(rels.values()))
    names = result_names([Path(named[rels[path]]) for path in files])
    for path in files:
        rel = named[rels[path]]
        out = opts.output / Path(rel).parent / names[Path(rel)]
        fault = os.environ.get(FAULT_ABORT) == path.name
        jobs.append(Job(path, rel, out, fw, opts.issue_date, hq_schemes, opts.reports, fault))
    outcomes = _run_jobs(_largest_first(jobs), opts.jobs, on_file, on_stopping)
    _remove_temp_files(
        {opts.output, *(job.out.parent for job in jobs)}, started, any(o.log.reason == DIED for o in outcomes)
    )
    for path, why in others:  # every path found is accounted for in the log
        outcomes.append(FileOutcome(FileLog(named[rels[path]], "", SKIPPED, 0, 0, 0, why, "", 0.0)))
    renamed = {named[rel] for rel in rels.values() if named[rel] != rel}
    for o in outcomes:  # a worker's message may quote the name as the system gave it
        o.log.reason = "；".join(x for x in (_readable(o.log.reason), NAME_NOTE if o.log.file in renamed else "") if x)
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

    issuance = settle(people)  # certificates only where the result is beyond doubt; records marked
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
        ("输入文件夹", shown(str(opts.folder))),
        ("证书台账", shown(str(opts.ledger))),
        ("文件数", len(files)),
        ("处理失败", sum(g.status == FILE_FAILED for g in logs)),
        ("已跳过", sum(g.status == SKIPPED for g in logs)),
        ("人数", len(people)),
        ("开始时间", started.isoformat(timespec="seconds")),
    ]
    roster_path = opts.output / f"认证名单_{opts.batch}.xlsx"
    # from here on the ledger holds the run: whatever goes wrong, run.json is still written, and
    # the message says what was recorded and what re-running the same command writes
    roster_problem = _attempt(
        lambda: render(
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
    )
    seconds = time.perf_counter() - t0
    counts = tally(people)  # as the roster's 地区统计 counts them
    result = BulkResult(
        roster=roster_path,
        run_json=opts.output / "run.json",
        logs=logs,
        people=len(people),
        applied=counts.applied,
        passed=counts.passed,
        held=counts.held,
        held_identity=sum(h.kind == IDENTITY for h in issuance.held),
        new_certificates=sum(i.new for i in issued),
        reused_certificates=sum(not i.new for i in issued),
        duplicates=duplicates,
        seconds=seconds,
        worker_peak_mb=max((o.peak_mb for o in outcomes), default=0.0),
        tally=counts,
    )
    json_problem = _attempt(lambda: _write_run_json(result, opts, run_id, started, fw, cat, issued, roster_problem))
    if roster_problem or json_problem:
        raise FinishProblem(_unfinished(result, roster_problem, json_problem), result)
    return result


def _attempt(step: Callable[[], object]) -> str:
    """A step after the ledger committed: '' when done, else what went wrong, in words."""
    try:
        step()
    except BaseException as exc:  # anything at all: the run is recorded and must not be lost
        if isinstance(exc, INTERRUPTS):
            raise
        return _readable(exc.message if isinstance(exc, CmxlError) else f"意外错误：{type(exc).__name__}: {exc}")
    return ""


def _unfinished(result: BulkResult, roster_problem: str, json_problem: str) -> str:
    recorded = (
        f"证书台账已完整登记本批次：新发证书 {result.new_certificates} 张，沿用 {result.reused_certificates} 张；"
    )
    if not json_problem:
        done = f"各文件的评分结果和运行记录 {shown(str(result.run_json))} 已写出，但认证名单未能写出：{roster_problem}"
        todo = "认证名单"
    elif not roster_problem:
        done = f"认证名单 {shown(str(result.roster))} 已写出，但运行记录 run.json 未能写出：{json_problem}"
        todo = "run.json"
    else:
        done = f"各文件的评分结果已写出，但认证名单未能写出：{roster_problem}；运行记录 run.json 也未能写出：{json_problem}"
        todo = "认证名单和 run.json"
    return f"{recorded}{done}。排除问题后重新运行同一命令即可写出{todo}（证书编号不变，不会重复发证）"


def _worker_start(alive: Any, halt: Any = None) -> None:
    """Ctrl-C reaches every process of the terminal's group; the workers leave it to the main
    process, which lets them finish the file in hand (written whole) and starts no more: the
    pool has already queued a file or two for its workers, so a worker looks at `halt` (an
    Event the main process sets) before it starts one. A worker whose main process is gone
    exits instead of waiting for work forever: `alive` is the reading end of a pipe whose only
    writing end the main process holds, so the read ends when that process ends, however it ends
    (killed, and then a zombie its own parent never reaps, included: a zombie's pid still answers
    os.kill(pid, 0), but its files are closed). The same on Windows, where os.kill(pid, 0) is not
    a question but a Ctrl-C sent to the process group."""
    global _HALT
    _HALT = halt
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # what the fork server imported stays for the worker's life: kept out of the collection that
    # ends each file, which then walks only what that file left (18 ms a file before, at 500 people)
    gc.freeze()

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                alive.recv_bytes()  # nothing is ever sent
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


# the names cmxl's temp files have: cmxl.xlsx.write.temp_beside (mkstemp: ".cmxl-", eight of
# [a-z0-9_], the target's suffix) for every workbook and report, and run.json's own
_TEMP_NAMES = re.compile(r"\.cmxl-[a-z0-9_]{8}\.(xlsx|docx)|run\.json\.tmp")
_TEMP_STARTS = (b"PK", b"{")  # a zip (.xlsx, .docx) or JSON begun


def _remove_temp_files(folders: set[Path], started: dt.datetime, died: bool) -> None:
    """cmxl's own temp files in the folders this run writes to, once its workers are done: those
    an earlier run left when it was killed (not changed since this run started), and, when one of
    this run's workers died, what that worker was writing. Only a temp file's exact name, only a
    regular file (not a link), only empty or the beginning of what cmxl writes: never a user's
    file. One changed during this run, no worker having died, may be another cmxl's at work: left."""
    for folder in folders:
        try:
            with os.scandir(folder) as listing:
                entries = [e for e in listing if _TEMP_NAMES.fullmatch(e.name)]
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
                if not head or head.startswith(_TEMP_STARTS):
                    os.unlink(entry.path)


WORKER_NAME = "cmxl-worker"
if sys.platform == "win32":
    _Process: Any = multiprocessing.context.SpawnProcess
    _Context: Any = multiprocessing.context.SpawnContext
else:
    _Process = multiprocessing.context.ForkServerProcess
    _Context = multiprocessing.context.ForkServerContext


class _WorkerProcess(_Process):
    """A worker of cmxl's pool: named, so that starting it leaves the caller's main module out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = f"{WORKER_NAME}-{self.name}"


class _WorkerContext(_Context):
    Process = _WorkerProcess


def _context() -> multiprocessing.context.BaseContext:
    """Workers start from a clean process: from a fork server that has imported cmxl once (POSIX),
    or spawned (Windows). A plain fork copied the main process while its progress bar's thread
    could hold a lock, and a worker that then wrote a warning waited for that lock forever."""
    _leave_main_out()
    context = _WorkerContext()
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["cmxl.batch"])
    return context


def _leave_main_out() -> None:
    """Workers never run the caller's main module. multiprocessing tells a process it starts to
    import the parent's __main__ first (so that functions defined there can be sent to it): a
    script calling cmxl.bulk without an `if __name__ == "__main__"` guard then ran again in every
    worker, and `python - < script.py` has no file to import, so every worker died. cmxl's
    workers need nothing from the caller's script: what they run is cmxl's own. Only the start
    of cmxl's workers (named so) changes; any process the caller starts is started as before."""
    from multiprocessing import spawn

    get = spawn.get_preparation_data
    if getattr(get, "cmxl_leaves_main_out", False):
        return

    def prepared(name: str) -> dict[str, Any]:
        data = get(name)
        if name.startswith(WORKER_NAME):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    prepared.cmxl_leaves_main_out = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = prepared


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
    _start_fork_server(main)
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set()) if main else None
    context = _context()
    halt = context.Event()  # set on Ctrl-C: a worker starts no file after it
    alive, alive_end = context.Pipe(duplex=False)  # its writing end closes when this process ends
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_start, initargs=(alive, halt), mp_context=context
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
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        finally:
            alive_end.close()  # the workers have ended; one that has not ends now
            alive.close()
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
    return sorted(lost, key=lambda job: job.rel)


def _start_fork_server(main: bool) -> None:
    """Start the fork server (if it is not running) with Ctrl-C ignored. It is a new Python
    process in the terminal's group: started plainly, a Ctrl-C while it imported cmxl printed its
    KeyboardInterrupt traceback. A process started with SIGINT ignored keeps it ignored (Python
    installs its handler only where the signal is not ignored), and so do the workers it forks.
    (Only the main thread can set a signal handler: from another thread it starts as it is.)

    It imports cmxl from where it is installed, never from the working directory: it is started
    as `python -c ...`, which puts the working directory first on sys.path, and run from a folder
    that holds a folder named cmxl (the parent of a clone) it imported that folder as cmxl, and
    every file failed. PYTHONSAFEPATH (Python 3.11+, as -P) leaves the working directory out."""
    if _context().get_start_method() != "forkserver":
        return
    import multiprocessing.forkserver  # POSIX only

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    safe = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"  # read by the fork server as it starts; the workers fork from it
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if safe is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = safe
        if previous is not None:
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


def _write_run_json(
    result: BulkResult, opts: BulkOptions, run_id: str, started: dt.datetime, fw, cat, issued, roster_problem: str = ""
) -> None:
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
            "folder": shown(str(opts.folder)),
            "output": shown(str(opts.output)),
            "ledger": shown(str(opts.ledger)),
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
            "failed": result.tally.failed,
            "not_applied": result.tally.not_applied,
            "repeated": result.tally.repeated,  # rows counted once elsewhere; people = every row read
        },
        "issues_by_code": dict(sorted(by_code.items())),
        "roster": None if roster_problem else shown(str(result.roster)),
        "roster_problem": roster_problem or None,  # the ledger holds the run; re-running writes the roster
        "timings": {
            "total_seconds": round(result.seconds, 3),
            "people_per_second": round(result.people / result.seconds, 1) if result.seconds else None,
        },
    }
    tmp = result.run_json.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, result.run_json)
