"""run.json: the machine-readable record of a bulk run, for audit: the tool, the options, the
rules in force with their hashes, every input with its hash and status, the counts, the issues
by code and the timings."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import asdict

from cmxl.batch.names import shown
from cmxl.batch.options import BulkOptions
from cmxl.batch.result import BulkResult
from cmxl.core.file_log import FILE_FAILED, SKIPPED
from cmxl.core.model.framework import Framework
from cmxl.core.model.loading import Catalogue
from cmxl.files import write_text
from cmxl.ledger import Issued
from cmxl.version import __version__


def write_run_json(
    result: BulkResult,
    opts: BulkOptions,
    run_id: str,
    started: dt.datetime,
    fw: Framework,
    cat: Catalogue,
    issued: list[Issued],
    roster_problem: str = "",
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
            "cycle": opts.cycle,
        },
        "framework": {"id": fw.id, "version": fw.version, "hash": fw.content_hash},
        "schemes": {sid: {"version": s.scheme.version, "hash": s.content_hash} for sid, s in cat.schemes.items()},
        "inputs": [{k: v for k, v in asdict(log).items()} for log in result.logs],
        "counts": _counts(result, issued),
        "issues_by_code": dict(sorted(by_code.items())),
        "roster": None if roster_problem else shown(str(result.roster)),
        "roster_problem": roster_problem or None,  # the ledger holds the run; re-running writes the roster
        "timings": {
            "total_seconds": round(result.seconds, 3),
            "people_per_second": round(result.people / result.seconds, 1) if result.seconds else None,
        },
    }
    write_text(result.run_json, json.dumps(record, ensure_ascii=False, indent=1), what="运行记录 run.json")


def _counts(result: BulkResult, issued: list[Issued]) -> dict[str, int]:
    return {
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
        "held_conflict": result.held_conflict,
        "failed": result.tally.failed,
        "not_applied": result.tally.not_applied,
        "repeated": result.tally.repeated,  # rows counted once elsewhere; people = every row read
        "assessments_recorded": result.assessments_recorded,  # people recorded for the cycle (history)
        "assessments_replaced": result.assessments_replaced,  # of them: replacing this cycle's earlier record
    }
