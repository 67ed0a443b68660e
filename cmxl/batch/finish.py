"""After the pool, in the main process: who gets a certificate (decided once, for every output),
the numbers issued in the ledger in one transaction, then the roster and run.json. From the
commit on, the run is recorded: whatever fails after it is said (FinishProblem), with what was
recorded and what re-running the same command writes."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from cmxl.batch.names import readable, shown
from cmxl.batch.options import BulkOptions
from cmxl.batch.result import BulkResult
from cmxl.batch.runjson import write_run_json
from cmxl.batch.work import FileOutcome
from cmxl.core.engine.history import cycle_records
from cmxl.core.engine.issuance import CONFLICT, IDENTITY, Issuance, certificate_order, identity_holds, settle
from cmxl.core.engine.results import PersonResult
from cmxl.core.engine.tally import tally
from cmxl.core.errors import INTERRUPTS, CmxlError, FinishProblem
from cmxl.core.file_log import FILE_FAILED, OK, SKIPPED, WITH_WARNINGS, FileLog
from cmxl.core.layout.roster import RosterRules, build_roster
from cmxl.core.ledger_records import Certificate
from cmxl.core.model.framework import Framework
from cmxl.core.model.loading import Catalogue
from cmxl.history import Recorded, record_cycle
from cmxl.ledger import Candidate, Issued, Ledger
from cmxl.version import __version__
from cmxl.xlsx.render import render

DUPLICATE_CODE = "id-in-several-files"


def finish(
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
    issuance = settle(people)  # certificates only where the result is beyond doubt; records marked
    _log_duplicates(outcomes)
    issuance, issued, expiring, recorded = _record(opts, run_id, fw, cat, issuance, outcomes)
    certificates = {
        (i.certificate.employee_id, i.certificate.scheme, i.certificate.grade): i.certificate for i in issued
    }
    logs = [o.log for o in outcomes]
    info = _run_info(opts, run_id, started, fw, cat, len(files), logs, len(people))
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
        held_conflict=sum(h.kind == CONFLICT for h in issuance.held),
        new_certificates=sum(i.new for i in issued),
        reused_certificates=sum(not i.new for i in issued),
        duplicates=len(issuance.in_several_files),
        seconds=seconds,
        worker_peak_mb=max((o.peak_mb for o in outcomes), default=0.0),
        tally=counts,
        cycle=opts.cycle,
        assessments_recorded=recorded.new + recorded.replaced,
        assessments_replaced=recorded.replaced,
    )
    json_problem = _attempt(lambda: write_run_json(result, opts, run_id, started, fw, cat, issued, roster_problem))
    if roster_problem or json_problem:
        raise FinishProblem(_unfinished(result, roster_problem, json_problem), result)
    return result


def _log_duplicates(outcomes: list[FileOutcome]) -> None:
    """Each file's log row says how many of its people have an id that other files of the batch
    have too (as settle marked them: `also_in`), and counts them as warnings."""
    for o in outcomes:
        count = sum(1 for p in o.people if p.also_in)
        if count:
            note = f"{count} 名人员的员工编号也出现在其他文件中（见认证名单“备注”列）"
            o.log.reason = "；".join(x for x in (o.log.reason, note) if x)
            o.log.issue_counts[DUPLICATE_CODE] = count
            if o.log.status == OK:
                o.log.status = WITH_WARNINGS
            o.log.warnings += count


def _record(
    opts: BulkOptions, run_id: str, fw: Framework, cat: Catalogue, issuance: Issuance, outcomes: list[FileOutcome]
) -> tuple[Issuance, list[Issued], list[Certificate], Recorded]:
    """The certificates of the certain passes, numbered in roster order and recorded in the
    ledger in one transaction; then every scored person's assessment for the cycle (a re-run of
    the cycle replaces it, logged); and the ledger's certificates that expire soon."""
    sha_of = {o.log.file: o.log.sha256 for o in outcomes}
    with Ledger(opts.ledger) as ledger:
        # a number belongs to one person: a pass whose id the ledger holds for another is held
        checked = [*issuance.passed, *(h.person for h in issuance.held)]
        issuance = identity_holds(issuance, ledger.identities(checked), str(opts.ledger))
        candidates = sorted(issuance.passed, key=certificate_order(cat.schemes))  # numbers in roster order
        issued = ledger.issue(
            run_id, opts.batch, opts.issue_date, [_candidate(p, cat, sha_of[p.file]) for p in candidates]
        )
        people = (p for o in outcomes for p in o.people)
        records = cycle_records(people, fw, opts.cycle, opts.issue_date.isoformat(), sha_of, run_id)
        recorded = record_cycle(ledger, records)
        expiring = ledger.expiring(opts.issue_date, opts.within_days)
    return issuance, issued, expiring, recorded


def _candidate(p: PersonResult, cat: Catalogue, sha256: str) -> Candidate:
    scheme = cat.schemes[p.scheme_id]
    return Candidate(
        p.employee_id,
        p.name,
        p.unit,
        p.scheme_id,
        p.scheme_name,
        scheme.scheme.certificate_prefix,
        p.applied,
        scheme.scheme.validity_years,
        p.file,
        sha256,
        p.certification.valid_until,
        scheme.version,
        scheme.content_hash,
    )


def _run_info(
    opts: BulkOptions,
    run_id: str,
    started: dt.datetime,
    fw: Framework,
    cat: Catalogue,
    files: int,
    logs: list[FileLog],
    people: int,
) -> list[tuple[str, object]]:
    """The roster's 运行信息 sheet."""
    return [
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
        ("测评周期", opts.cycle),
        ("输入文件夹", shown(str(opts.folder))),
        ("证书台账", shown(str(opts.ledger))),
        ("文件数", files),
        ("处理失败", sum(g.status == FILE_FAILED for g in logs)),
        ("已跳过", sum(g.status == SKIPPED for g in logs)),
        ("人数", people),
        ("开始时间", started.isoformat(timespec="seconds")),
    ]


def _attempt(step: Callable[[], object]) -> str:
    """A step after the ledger committed: '' when done, else what went wrong, in words."""
    try:
        step()
    except BaseException as exc:  # anything at all: the run is recorded and must not be lost
        if isinstance(exc, INTERRUPTS):
            raise
        return readable(exc.message if isinstance(exc, CmxlError) else f"意外错误：{type(exc).__name__}: {exc}")
    return ""


def _unfinished(result: BulkResult, roster_problem: str, json_problem: str) -> str:
    recorded = (
        f"证书台账已完整登记本批次：新发证书 {result.new_certificates} 张，沿用 {result.reused_certificates} 张，"
        f"{result.cycle} 期测评记录 {result.assessments_recorded} 人；"
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
