"""Calibration adjustments in the ledger (docs/rules.md, 校准调整): each decision (who, why, the
adjustments file and its row) and each person it reached, before and after, written in one
transaction; never changed afterwards. The tables are in cmxl/ledger_schema.py (version 4)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cmxl.core.engine.adjustments import Adjustment, PersonChange
from cmxl.core.engine.results import PersonResult
from cmxl.ledger import Ledger
from cmxl.ledger_schema import now


@dataclass(frozen=True)
class Source:
    """The adjustments file as read: its name and content hash."""

    file: str
    sha256: str


def _state(p: PersonResult, items: dict[str, float | None]) -> str:
    values = {"total": p.total, "level": p.level, "attainment": p.attainment, "items": items}
    return json.dumps(values, ensure_ascii=False)


def _states(c: PersonChange) -> tuple[str, str, str]:
    """Which adjustments reached the person, and their state before and after."""
    before = _state(c.before, {i.item: i.before for i in c.items})
    return json.dumps(list(c.adjustments)), before, _state(c.after, {i.item: i.after for i in c.items})


def record_calibration(
    ledger: Ledger,
    run_id: str,
    batch: str,
    source: Source,
    adjustments: Sequence[Adjustment],
    changes: Sequence[PersonChange],
) -> str:
    """Record a calibration in one transaction; returns the time it was recorded."""
    db = ledger.connection
    stamp = now()
    where = (source.file, source.sha256)
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(
            "INSERT INTO calibration_adjustments (run_id, n, batch, done_at, kind, target, item, points, "
            "decided_by, reason, source_file, source_sha256, source_row) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (run_id, a.n, batch, stamp, a.kind, a.target, a.item, a.points, a.by, a.reason, *where, a.row)
                for a in adjustments
            ],
        )
        db.executemany(
            "INSERT INTO calibration_changes (run_id, batch, done_at, employee_id, name, unit, source_file, "
            "adjustments, before, after) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (run_id, batch, stamp, c.before.employee_id, c.before.name, c.before.unit, c.before.file, *_states(c))
                for c in changes
            ],
        )
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return stamp
