"""Assessment history in the ledger (docs/rules.md, 历次测评): one record per (员工编号, cycle),
written by a batch, read back to show each person's change since the previous cycle, listed by
`cmxl history`, and deleted on request. Every replacement and deletion is logged (append-only):
a replacement with what it replaced; a deletion with who, when, why and which cycles, but none of
the person's data (deleted on request means gone: the content earlier replacements kept in the
log goes too). The tables are in cmxl/ledger_schema.py; what a record holds and how two cycles
compare is cmxl/core/engine/change.py."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from cmxl.core.engine.change import CycleRecord, ItemRecord
from cmxl.core.ids import normalise_id
from cmxl.ledger import Ledger
from cmxl.ledger_schema import now

REPLACED, DELETED = "replaced", "deleted"
COLUMNS = (
    "employee_id", "cycle", "as_of", "name", "unit", "grade", "total", "level", "attainment", "items",
    "framework_id", "framework_version", "framework_hash", "source_file", "source_sha256", "run_id", "errors",
    "recorded",
)  # fmt: skip


@dataclass(frozen=True)
class Recorded:
    new: int
    replaced: int


def _row(r: CycleRecord, stamp: str) -> tuple:
    # plain attribute reads, not dataclasses.asdict: its deep copy of every item made recording
    # 10,000 people take 15 s
    items = {name: dict(vars(item)) for name, item in r.items.items()}
    values = {**vars(r), "items": json.dumps(items, ensure_ascii=False), "recorded": stamp}
    return tuple(values[c] for c in COLUMNS)


def _record(row: sqlite3.Row) -> CycleRecord:
    values = {c: row[c] for c in COLUMNS}
    values["items"] = {name: ItemRecord(**item) for name, item in json.loads(values["items"]).items()}
    return CycleRecord(**values)


def record_cycle(ledger: Ledger, records: Iterable[CycleRecord], by: str = "cmxl") -> Recorded:
    """Record a cycle's assessments in one transaction: a person already recorded for the cycle
    is replaced, the replaced record logged."""
    db = ledger.connection
    stamp = now()
    new = replaced = 0
    db.execute("BEGIN IMMEDIATE")
    try:
        for r in records:
            old = db.execute(
                "SELECT * FROM assessments WHERE employee_id=? AND cycle=?", (r.employee_id, r.cycle)
            ).fetchone()
            if old is not None:
                before = json.dumps({c: old[c] for c in COLUMNS}, ensure_ascii=False)
                db.execute(
                    "INSERT INTO assessment_log (done_at, done_by, action, employee_id, cycle, before, run_id) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (stamp, by, REPLACED, r.employee_id, r.cycle, before, r.run_id),
                )
                replaced += 1
            else:
                new += 1
            db.execute(
                f"INSERT OR REPLACE INTO assessments ({','.join(COLUMNS)}) VALUES ({','.join('?' * len(COLUMNS))})",
                _row(r, stamp),
            )
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return Recorded(new, replaced)


def previous(ledger: Ledger, current: Iterable[CycleRecord]) -> dict[str, CycleRecord]:
    """Per person of `current`, the latest record of an earlier cycle (by assessment date, then
    cycle name), if any."""
    out: dict[str, CycleRecord] = {}
    if not ledger.has_table("assessments"):
        return out
    db = ledger.connection
    for r in current:
        row = db.execute(
            "SELECT * FROM assessments WHERE employee_id=? AND cycle != ? AND as_of <= ? "
            "ORDER BY as_of DESC, cycle DESC LIMIT 1",
            (r.employee_id, r.cycle, r.as_of),
        ).fetchone()
        if row is not None:
            out[r.employee_id] = _record(row)
    return out


def cycles_of(ledger: Ledger, employee_id: str) -> list[CycleRecord]:
    """Every cycle of a person, oldest first (none in a ledger from before assessments were kept)."""
    if not ledger.has_table("assessments"):
        return []
    rows = ledger.connection.execute(
        "SELECT * FROM assessments WHERE employee_id=? ORDER BY as_of, cycle", (normalise_id(employee_id),)
    )
    return [_record(row) for row in rows]


def delete_person(ledger: Ledger, employee_id: str, by: str, note: str = "") -> int:
    """Delete a person's records on request, in one transaction: each cycle's deletion logged
    (who, when, why, which cycle and source file), and the person's data gone from the log too
    (what earlier re-runs replaced). Returns how many records were deleted."""
    db = ledger.connection
    pid = normalise_id(employee_id)
    stamp = now()
    db.execute("PRAGMA secure_delete = ON")  # the deleted content is overwritten in the file, not left in free pages
    db.execute("BEGIN IMMEDIATE")
    try:
        rows = db.execute("SELECT * FROM assessments WHERE employee_id=? ORDER BY as_of, cycle", (pid,)).fetchall()
        db.execute("UPDATE assessment_log SET before='' WHERE employee_id=?", (pid,))
        for old in rows:
            kept = {"source_file": old["source_file"], "source_sha256": old["source_sha256"], "run_id": old["run_id"]}
            db.execute(
                "INSERT INTO assessment_log (done_at, done_by, action, employee_id, cycle, before, note) "
                "VALUES (?,?,?,?,?,?,?)",
                (stamp, by, DELETED, pid, old["cycle"], json.dumps(kept, ensure_ascii=False), note),
            )
        db.execute("DELETE FROM assessments WHERE employee_id=?", (pid,))
        if ledger.has_table("calibration_changes"):  # a calibration's before/after of this person: their data too
            db.execute("DELETE FROM calibration_changes WHERE employee_id=?", (pid,))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return len(rows)


def log_of(ledger: Ledger, employee_id: str) -> list[dict]:
    """The logged replacements and deletions of a person's records, oldest first."""
    if not ledger.has_table("assessment_log"):
        return []
    rows = ledger.connection.execute(
        "SELECT done_at, done_by, action, cycle, run_id, note FROM assessment_log WHERE employee_id=? ORDER BY seq",
        (normalise_id(employee_id),),
    )
    return [dict(row) for row in rows]
