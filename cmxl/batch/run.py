"""A bulk run from start to end: the rules loaded and the ledger checked before any file, every
file found given to the pool, every path found accounted for in the log, then the finishing
step. Ctrl-C raises Interrupted, saying whether the ledger holds the run; an error after the
ledger committed raises FinishProblem, never loses the run unsaid."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from cmxl.batch.discover import discover
from cmxl.batch.finish import finish
from cmxl.batch.names import NAME_NOTE, readable, shown_names
from cmxl.batch.options import BulkOptions
from cmxl.batch.pool import DIED, run_jobs
from cmxl.batch.result import BulkResult
from cmxl.batch.work import FAULT_ABORT, FileOutcome, Job
from cmxl.core.errors import INTERRUPTS, CmxlError, FinishProblem, Interrupted
from cmxl.core.file_log import SKIPPED, FileLog
from cmxl.files import remove_leftovers
from cmxl.ledger import Ledger
from cmxl.pipeline import Rules, gc_paused, result_names, rules


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
            f"证书台账已完整登记本批次（运行编号 {run_id}），但之后出错：{readable(what)}；认证名单和 run.json "
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
    files, others = discover(opts.folder, skip=opts.output)
    if not files:
        raise CmxlError(f"{opts.folder} 中没有找到工作簿（.xlsx/.xlsm/.xls）")
    with Ledger(opts.ledger):  # an unusable ledger fails now, not after every file is processed
        pass
    opts.output.mkdir(parents=True, exist_ok=True)
    # every path as the log shows it, and its results named after that: whatever a file is called
    # (bytes that are not UTF-8 included), its name can be written into a workbook, JSON and a name
    rels = {path: path.relative_to(opts.folder).as_posix() for path in [*files, *(p for p, _ in others)]}
    named = shown_names(list(rels.values()))
    jobs = _jobs(opts, run, files, {path: named[rel] for path, rel in rels.items()})
    outcomes = _with_conflicts(jobs, run_jobs(jobs, opts.jobs, on_file, on_stopping), opts.jobs, on_stopping)
    remove_leftovers(
        {opts.output, *(job.out.parent for job in jobs)}, started, any(o.log.reason == DIED for o in outcomes)
    )
    for path, why in others:  # every path found is accounted for in the log
        outcomes.append(FileOutcome(FileLog(named[rels[path]], "", SKIPPED, 0, 0, 0, why, "", 0.0)))
    renamed = {named[rel] for rel in rels.values() if named[rel] != rel}
    for o in outcomes:  # a worker's message may quote the name as the system gave it
        o.log.reason = "；".join(x for x in (readable(o.log.reason), NAME_NOTE if o.log.file in renamed else "") if x)
    outcomes.sort(key=lambda o: o.log.file)
    # the roster of everyone: as for one workbook, the collector would walk it again and again; and
    # no collection at the end, which would walk everyone's records once more (0.06 s at 10k) just
    # before they are dropped
    with gc_paused(collect=False):
        return finish(opts, run_id, started, t0, run.framework, run.catalogue, files, outcomes)


def _with_conflicts(
    jobs: list[Job], outcomes: list[FileOutcome], processes: int, on_stopping: Callable[[], None] | None
) -> list[FileOutcome]:
    """An id the batch holds because two files give it different data (or one without its
    leading zeros) is known only once every file is read: the files where such a person still
    reads as passed are written again with the hold, so that no results workbook, statistic or
    person report says 通过 for someone the roster holds (docs/rules.md, 证书). Rare: most batches
    write nothing twice."""
    from cmxl.core.engine.issuance import CONFLICT, decide

    people = [p for o in outcomes for p in o.people]
    holds = [h for h in decide(people).held if h.kind == CONFLICT and not h.person.held]
    if not holds:
        return outcomes
    by_file: dict[str, dict[str, str]] = {}
    for h in holds:
        by_file.setdefault(h.person.file, {})[h.person.employee_id] = h.why
    again = [replace(job, conflicts=by_file[job.rel]) for job in jobs if job.rel in by_file]
    redone = {o.log.file: o for o in run_jobs(again, processes, None, on_stopping)}
    return [redone.get(o.log.file, o) for o in outcomes]


def _jobs(opts: BulkOptions, run: Rules, files: list[Path], named: dict[Path, str]) -> list[Job]:
    """One job a workbook: where it is, its name as the batch shows it, where its results go."""
    hq_schemes = [run.catalogue.scheme(s) for s in opts.schemes]  # loaded once here, sent with the jobs
    names = result_names([Path(named[path]) for path in files])
    jobs = []
    for path in files:
        rel = named[path]
        out = opts.output / Path(rel).parent / names[Path(rel)]
        fault = os.environ.get(FAULT_ABORT) == path.name
        jobs.append(
            Job(
                path,
                rel,
                out,
                run.framework,
                opts.issue_date,
                hq_schemes,
                opts.reports,
                fault,
                ledger=opts.ledger,
                cycle=opts.cycle,
            )
        )
    return jobs
