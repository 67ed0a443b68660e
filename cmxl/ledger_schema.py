"""The certificate ledger's tables, and how a ledger of each earlier version is brought up to
this one. PRAGMA user_version is the ledger's version; MIGRATIONS[n] brings a ledger from
version n to n + 1, and a new file runs them all, in one transaction with the version number.
A new table (an assessment history, say) is one function appended to MIGRATIONS here; a
ledger of a newer version than len(MIGRATIONS) is refused untouched by cmxl.ledger."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

from cmxl.core.ids import normalise_id, normalise_name
from cmxl.core.ledger_records import CONFIRM, CORRECT_ID, DISPUTE, NORMALISE, RESTORE

APPLICATION_ID = 0x434D584C  # "CMXL" in the SQLite header: this file is a cmxl certificate ledger

CERTIFICATES = (
    """CREATE TABLE IF NOT EXISTS certificates (
    number TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    scheme TEXT NOT NULL,
    scheme_name TEXT NOT NULL,
    grade TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    expiry TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    run_id TEXT NOT NULL,
    renews TEXT REFERENCES certificates(number),
    scheme_version TEXT NOT NULL DEFAULT '',
    scheme_hash TEXT NOT NULL DEFAULT ''
)""",
    "CREATE INDEX IF NOT EXISTS certificates_person ON certificates(employee_id, scheme, grade)",
    """CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    batch TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    recorded TEXT NOT NULL,
    new_certificates INTEGER NOT NULL,
    reused_certificates INTEGER NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS counters (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
)""",
)
SCHEMA = ";\n".join(CERTIFICATES) + ";\n"  # version 1, as ledgers before versioning have it

HOLDERS = (
    """CREATE TABLE IF NOT EXISTS holders (
    employee_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    recorded TEXT NOT NULL,
    disputed TEXT NOT NULL DEFAULT ''
)""",
    # an id typed as a number (123) is looked up among the ids with leading zeros (00123)
    "CREATE INDEX IF NOT EXISTS holders_digits ON holders(ltrim(employee_id, '0'))",
    """CREATE TABLE IF NOT EXISTS identity_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    done_at TEXT NOT NULL,
    done_by TEXT NOT NULL,
    action TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    before_name TEXT NOT NULL,
    before_unit TEXT NOT NULL,
    after_name TEXT NOT NULL,
    after_unit TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
)""",
    "CREATE INDEX IF NOT EXISTS identity_changes_person ON identity_changes(employee_id)",
)


ASSESSMENTS = (
    # one record per person and cycle: a re-run of the cycle replaces it (the old one goes to the log)
    """CREATE TABLE IF NOT EXISTS assessments (
    employee_id TEXT NOT NULL,
    cycle TEXT NOT NULL,
    as_of TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    grade TEXT NOT NULL,
    total REAL,
    level TEXT,
    attainment TEXT,
    items TEXT NOT NULL,
    framework_id TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    framework_hash TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    run_id TEXT NOT NULL,
    errors INTEGER NOT NULL DEFAULT 0,
    recorded TEXT NOT NULL,
    PRIMARY KEY (employee_id, cycle)
)""",
    "CREATE INDEX IF NOT EXISTS assessments_cycle ON assessments(cycle)",
    # append-only: what a re-run replaced, what was deleted on request, and by whom
    """CREATE TABLE IF NOT EXISTS assessment_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    done_at TEXT NOT NULL,
    done_by TEXT NOT NULL,
    action TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    cycle TEXT NOT NULL,
    before TEXT NOT NULL,
    run_id TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
)""",
)


CALIBRATIONS = (
    # each decision of a calibration meeting, as the adjustments file gave it
    """CREATE TABLE IF NOT EXISTS calibration_adjustments (
    run_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    batch TEXT NOT NULL,
    done_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    item TEXT NOT NULL,
    points REAL NOT NULL,
    decided_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (run_id, n)
)""",
    # append-only: each person an adjustment reached, before and after (JSON: total, level,
    # attainment, the items changed), and which adjustments reached them
    """CREATE TABLE IF NOT EXISTS calibration_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    batch TEXT NOT NULL,
    done_at TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    source_file TEXT NOT NULL,
    adjustments TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS calibration_changes_person ON calibration_changes(employee_id)",
)


def now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _v1_certificates(db: sqlite3.Connection) -> None:
    """Certificates, runs and number counters. Ledgers written before versioning are version 0
    with these tables (the oldest without the scheme's version and hash)."""
    for statement in CERTIFICATES:
        db.execute(statement)
    columns = {r[1] for r in db.execute("PRAGMA table_info(certificates)")}
    for name in ("scheme_version", "scheme_hash"):
        if name not in columns:
            db.execute(f"ALTER TABLE certificates ADD COLUMN {name} TEXT NOT NULL DEFAULT ''")


def _v2_holders(db: sqlite3.Connection) -> None:
    """Who holds each id, and the log of changes to it. Stored ids are read as ids are read now
    (invisible characters, full-width digits), each change logged; each id's holder is the
    person of its latest certificate. An id whose certificates name two people is recorded as
    disputed (logged): no certificate is issued for it until HR confirms who holds it."""
    for statement in HOLDERS:
        db.execute(statement)
    stamp = now()
    normalise_stored(db, stamp)
    latest: dict[str, tuple[str, str, str]] = {}
    names: dict[str, dict[str, list[str]]] = {}
    for pid, name, unit, issued, number in db.execute(
        "SELECT employee_id, name, unit, issue_date, number FROM certificates ORDER BY issue_date, number"
    ):
        latest[pid] = (name, unit, issued)
        names.setdefault(pid, {}).setdefault(normalise_name(name), []).append(f"{name} {number}")
    rows = []
    for pid, (name, unit, issued) in latest.items():
        people = names[pid]
        disputed = "；".join("、".join(numbers) for numbers in people.values()) if len(people) > 1 else ""
        rows.append((pid, name, unit, issued, disputed))
        if disputed:
            db.execute(
                "INSERT INTO identity_changes (done_at, done_by, action, employee_id, before_name, before_unit, "
                "after_name, after_unit, note) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    stamp,
                    "cmxl",
                    DISPUTE,
                    pid,
                    name,
                    unit,
                    name,
                    unit,
                    f"台账中员工编号 {pid} 的证书登记了不同的人：{disputed}",
                ),
            )
    db.executemany("INSERT OR REPLACE INTO holders VALUES (?,?,?,?,?)", rows)


def normalise_stored(db: sqlite3.Connection, stamp: str) -> int:
    """Read the stored ids as ids are read now (a hand edit may have put a zero-width space back),
    each change logged. Returns how many were changed."""
    changed = 0
    rows = db.execute("SELECT number, employee_id, name, unit FROM certificates ORDER BY rowid").fetchall()
    for number, pid, name, unit in rows:
        clean = normalise_id(pid)
        if clean != pid:
            db.execute("UPDATE certificates SET employee_id=? WHERE number=?", (clean, number))
            note = f"证书 {number} 登记的员工编号 {pid!r} 含看不见的字符或全角字符，改为 {clean}"
            db.execute(
                "INSERT INTO identity_changes (done_at, done_by, action, employee_id, before_name, before_unit, "
                "after_name, after_unit, note) VALUES (?,?,?,?,?,?,?,?,?)",
                (stamp, "cmxl", NORMALISE, clean, name, unit, name, unit, note),
            )
            changed += 1
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "holders" in tables:
        for pid, name, unit in db.execute("SELECT employee_id, name, unit FROM holders").fetchall():
            clean = normalise_id(pid)
            if clean == pid:
                continue
            changed += 1
            taken = db.execute("SELECT name FROM holders WHERE employee_id=?", (clean,)).fetchone()
            if taken is None:
                db.execute("UPDATE holders SET employee_id=? WHERE employee_id=?", (clean, pid))
                continue
            db.execute("DELETE FROM holders WHERE employee_id=?", (pid,))
            if normalise_name(taken[0]) != normalise_name(name):  # never one person's row over another's
                both = f"{taken[0]}、{name}"
                db.execute("UPDATE holders SET disputed=? WHERE employee_id=?", (both, clean))
                note = f"台账中员工编号 {clean} 有两条持有人记录（{both}），其中一条的编号含看不见的字符"
                _log(db, stamp, DISPUTE, clean, (taken[0], unit, name, unit), note)
    return changed


def _log(db: sqlite3.Connection, stamp: str, action: str, pid: str, who: tuple[str, str, str, str], note: str) -> None:
    db.execute(
        "INSERT INTO identity_changes (done_at, done_by, action, employee_id, before_name, before_unit, "
        "after_name, after_unit, note) VALUES (?,?,?,?,?,?,?,?,?)",
        (stamp, "cmxl", action, pid, *who, note),
    )


def reconcile_holders(db: sqlite3.Connection, stamp: str) -> int:
    """Who holds each id agrees with the certificates, whatever was edited by hand: an id with
    certificates and no holder gets back the person of its latest certificate; an id whose
    certificates (or holder) name other people is disputed, so nobody gets a certificate for it
    until HR confirms who holds it (docs/rules.md, 证书) — unless HR has already settled that id
    (a confirmation or a corrected id in the log: certificates keep the name they were issued
    under). Each change logged. Only the ids that look wrong are read one by one. Returns how many
    were changed."""
    orphans = db.execute(
        "SELECT employee_id, name, unit, issue_date FROM certificates c WHERE NOT EXISTS "
        "(SELECT 1 FROM holders h WHERE h.employee_id = c.employee_id) ORDER BY issue_date, number"
    ).fetchall()
    latest = {pid: (name, unit, issued) for pid, name, unit, issued in orphans}
    for pid, (name, unit, issued) in latest.items():
        db.execute("INSERT INTO holders VALUES (?,?,?,?,?)", (pid, name, unit, issued, ""))
        _log(
            db,
            stamp,
            RESTORE,
            pid,
            (name, unit, name, unit),
            f"员工编号 {pid} 有证书但没有持有人记录，按最近的证书恢复",
        )
    suspects = db.execute(
        "SELECT c.employee_id FROM certificates c JOIN holders h ON h.employee_id = c.employee_id "
        "WHERE h.disputed = '' AND NOT EXISTS (SELECT 1 FROM identity_changes i "
        "WHERE i.employee_id = c.employee_id AND i.action IN (?, ?)) GROUP BY c.employee_id "
        "HAVING COUNT(DISTINCT c.name) > 1 OR SUM(c.name != h.name) > 0",
        (CONFIRM, CORRECT_ID),
    ).fetchall()
    disputed = 0
    for (pid,) in suspects:
        holder = db.execute("SELECT name, unit FROM holders WHERE employee_id=?", (pid,)).fetchone()
        named: dict[str, list[str]] = {normalise_name(holder[0]): []}
        shown = {normalise_name(holder[0]): holder[0]}
        for name, number in db.execute(
            "SELECT name, number FROM certificates WHERE employee_id=? ORDER BY issue_date, number", (pid,)
        ):
            named.setdefault(normalise_name(name), []).append(number)
            shown.setdefault(normalise_name(name), name)
        if len(named) < 2:
            continue  # one name, written two ways (张 三, 张三)
        text = "；".join(f"{shown[n]} {'、'.join(numbers) or '（持有人记录）'}" for n, numbers in named.items())
        db.execute("UPDATE holders SET disputed=? WHERE employee_id=?", (text, pid))
        note = f"台账中员工编号 {pid} 登记了不同的人：{text}（没有 HR 核实的记录，台账可能被手工改动）"
        _log(db, stamp, DISPUTE, pid, (holder[0], holder[1], holder[0], holder[1]), note)
        disputed += 1
    return len(latest) + disputed


def _v3_assessments(db: sqlite3.Connection) -> None:
    """Each scored person's assessment per cycle (DOMAIN §7), and the log of what was replaced."""
    for statement in ASSESSMENTS:
        db.execute(statement)


def _v4_calibrations(db: sqlite3.Connection) -> None:
    """The adjustments of calibration meetings (DOMAIN §8): who decided what and why, and each
    person's scores before and after."""
    for statement in CALIBRATIONS:
        db.execute(statement)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_certificates,
    _v2_holders,
    _v3_assessments,
    _v4_calibrations,
)
SCHEMA_VERSION = len(MIGRATIONS)
