"""The certificate ledger (SQLite): every certificate issued, with its number, person, scheme,
grade, dates, source file and run; who holds each 员工编号 (a number belongs to one person) and
every recorded change of that. A run's certificates are written in one transaction, so an
interrupted run leaves the ledger as it was or with the whole run recorded, never half.

Opening checks everything a run needs before anything is written: that the file is a cmxl
ledger, not from a newer cmxl, not locked by another program, writable, and that its rows hold
values this cmxl can read; each problem is one Chinese line naming its true cause. The tables
and the upgrades from earlier versions are in cmxl/ledger_schema.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from cmxl.core.engine.certification import expiry
from cmxl.core.engine.issuance import LedgerIdentities
from cmxl.core.errors import LedgerProblem, not_a_file, os_reason
from cmxl.core.ids import normalise_id, normalise_name, same_name, without_leading_zeros
from cmxl.core.ledger_records import CONFIRM, CORRECT_ID, Certificate, Holder, IdentityChange
from cmxl.ledger_problems import check_rows, problem
from cmxl.ledger_schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, normalise_stored, now, reconcile_holders

if TYPE_CHECKING:
    from cmxl.core.engine.results import PersonResult

BUSY_SECONDS = 10.0  # how long another program's transaction is waited for before saying it holds the ledger


@dataclass(frozen=True)
class Candidate:
    """A person who passed and is due a certificate."""

    employee_id: str
    name: str
    unit: str
    scheme: str
    scheme_name: str
    prefix: str
    grade: str
    validity_years: int
    source_file: str
    source_sha256: str
    valid_until: dt.date | None = None  # the rules end it earlier than the validity years (two-part schemes)
    scheme_version: str = ""  # of the scheme whose rules issued it
    scheme_hash: str = ""


_FIELDS = tuple(f.name for f in fields(Certificate))


def _certificate(row: sqlite3.Row) -> Certificate:
    """A row as a certificate: columns this cmxl does not know are left out, those an older
    ledger lacks take their defaults."""
    keys = set(row.keys())
    return Certificate(**{k: row[k] for k in _FIELDS if k in keys})


@dataclass
class Issued:
    certificate: Certificate
    new: bool  # False: the same certificate was already in the ledger (a re-run)


def _chunks(values: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


_CORRECTED = re.compile(r"员工编号 (\S+) 更正为 ")  # the note correct_id writes
LAST_SEQUENCE = 999_999  # 6 digits: KH2026999999 is the year's last number


class Ledger:
    def __init__(self, path: Path, read_only: bool = False):
        """`read_only`: for looking things up (cmxl certs): the file is opened as it is and never
        written (not upgraded either), so a query cannot turn an empty or foreign file into a
        ledger. Otherwise the ledger is created or upgraded to this cmxl's version, and shown to
        be writable, before anything else is done."""
        self.path = path
        self.version = 0
        special = not_a_file(path)
        if special:
            raise LedgerProblem(f"证书台账 {path} {special}，不是台账文件；请用 --ledger 指定 .sqlite 文件")
        try:
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerProblem(f"证书台账 {path} 无法创建（{os_reason(exc)}）；请用 --ledger 指定其他位置") from None
        self.db: sqlite3.Connection | None = None
        try:
            if read_only:
                self.db = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_SECONDS
                )
            else:
                self.db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
            self.db.row_factory = sqlite3.Row
            self._open(read_only)
        except sqlite3.Error as exc:
            self._close_quietly()
            raise problem(path, exc) from None
        except BaseException:
            self._close_quietly()
            raise

    def _close_quietly(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass

    def _open(self, read_only: bool) -> None:
        path, db = self.path, self.db
        assert db is not None
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if read_only and "certificates" not in tables:
            raise LedgerProblem(f"{path} 不是 cmxl 的证书台账（没有证书表），未作改动；请用 --ledger 指定证书台账文件")
        app = db.execute("PRAGMA application_id").fetchone()[0]
        if not (app == APPLICATION_ID or (app == 0 and (not tables or "certificates" in tables))):
            raise LedgerProblem(
                f"{path} 不是 cmxl 的证书台账（是其他程序的数据库），未作改动；请用 --ledger 指定证书台账文件"
            )
        self.version = db.execute("PRAGMA user_version").fetchone()[0]
        if self.version > SCHEMA_VERSION:
            raise LedgerProblem(
                f"证书台账 {path} 是较新版本的 cmxl 写的（台账版本 {self.version}，本程序只认识到版本 "
                f"{SCHEMA_VERSION}），未作改动；请升级 cmxl 后再使用这个台账"
            )
        if "certificates" in tables:
            check_rows(db, path, "counters" in tables)
        if read_only:
            return
        db.execute("BEGIN IMMEDIATE")  # another program's write lock: said now
        try:
            db.execute(f"PRAGMA user_version = {self.version}")  # a write: a read-only file or disk says so now
            for step in MIGRATIONS[self.version :]:
                step(db)
            # a hand edit may have put back what the upgrade cleaned: ids are read one way, always
            cleaned = normalise_stored(db, now()) if self.version == SCHEMA_VERSION else 0
            cleaned += reconcile_holders(db, now())  # and who holds each id agrees with the certificates
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("COMMIT" if self.version < SCHEMA_VERSION or cleaned else "ROLLBACK")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self.version = SCHEMA_VERSION

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _db(self) -> sqlite3.Connection:
        assert self.db is not None
        return self.db

    @property
    def connection(self) -> sqlite3.Connection:
        """The open database, for the modules that keep their own tables in the ledger
        (cmxl/history.py)."""
        return self._db

    def has_table(self, name: str) -> bool:
        """A ledger opened read-only keeps its version: an earlier one lacks the later tables."""
        found = self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
        return found is not None

    # ---- writing: one transaction per run -------------------------------------------------
    def issue(self, run_id: str, batch: str, issue_date: dt.date, candidates: Iterable[Candidate]) -> list[Issued]:
        """Give every candidate a certificate: the one already held for that scheme and grade
        when still valid on the issue date (a re-run gets the same number), else a new number
        (recorded as a renewal of an expired one). A number is never given to another name: a
        candidate whose id the ledger holds for another person stops the run before anything is
        written (the batch holds such people before it gets here). All or nothing."""
        try:
            return self._issue(run_id, batch, issue_date, candidates)
        except sqlite3.Error as exc:
            raise problem(self.path, exc) from None

    def _issue(self, run_id: str, batch: str, issue_date: dt.date, candidates: Iterable[Candidate]) -> list[Issued]:
        out: list[Issued] = []
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for c in candidates:
                pid = normalise_id(c.employee_id)
                holder = cur.execute("SELECT name, unit, disputed FROM holders WHERE employee_id=?", (pid,)).fetchone()
                if holder is not None and holder["disputed"]:
                    raise LedgerProblem(
                        f"证书台账中员工编号 {pid} 登记了不同的人（{holder['disputed']}），不能发证；台账未作改动。"
                        "请先用 cmxl certs confirm 登记核实结果"
                    )
                if holder is not None and not same_name(holder["name"], c.name):
                    raise LedgerProblem(
                        f"证书台账中员工编号 {pid} 属于 {holder['name']}（{holder['unit']}），不能发给 {c.name}；"
                        "台账未作改动。请重新运行批量处理，该人员会列入“暂缓发证”"
                    )
                if holder is None:
                    cur.execute("INSERT INTO holders VALUES (?,?,?,?,?)", (pid, c.name, c.unit, now(), ""))
                elif holder["unit"] != c.unit:  # the same person, now in another unit
                    cur.execute("UPDATE holders SET unit=? WHERE employee_id=?", (c.unit, pid))
                row = cur.execute(
                    "SELECT * FROM certificates WHERE employee_id=? AND scheme=? AND grade=? "
                    "ORDER BY issue_date DESC, number DESC LIMIT 1",
                    (pid, c.scheme, c.grade),
                ).fetchone()
                if row is not None and row["expiry"] >= issue_date.isoformat():
                    out.append(Issued(_certificate(row), new=False))
                    continue
                number = self._next_number(cur, c.prefix, issue_date.year)
                cert = Certificate(
                    number,
                    pid,
                    c.name,
                    c.unit,
                    c.scheme,
                    c.scheme_name,
                    c.grade,
                    issue_date.isoformat(),
                    min(expiry(issue_date, c.validity_years), c.valid_until or dt.date.max).isoformat(),
                    c.source_file,
                    c.source_sha256,
                    run_id,
                    row["number"] if row else None,
                    c.scheme_version,
                    c.scheme_hash,
                )
                values = tuple(vars(cert).values())
                cur.execute(
                    f"INSERT INTO certificates ({','.join(vars(cert))}) VALUES ({','.join('?' * len(values))})", values
                )
                out.append(Issued(cert, new=True))
            cur.execute(
                "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?)",
                (
                    run_id,
                    batch,
                    issue_date.isoformat(),
                    now(),
                    sum(i.new for i in out),
                    sum(not i.new for i in out),
                ),
            )
            cur.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # Ctrl-C can land after COMMIT, before the block is left
                cur.execute("ROLLBACK")
            raise
        return out

    @staticmethod
    def _next_number(cur: sqlite3.Cursor, prefix: str, year: int) -> str:
        """The next number of a prefix and year: never one already issued, whatever the counter
        says (a counter edited by hand, set below the numbers issued or below 1, or deleted)."""
        row = cur.execute("SELECT next FROM counters WHERE prefix=? AND year=?", (prefix, year)).fetchone()
        stem = f"{prefix}{year}"
        # the highest issued, walking the numbers' index down from the top of the year's range (a
        # scan of every certificate for each number made a batch's numbering quadratic)
        found = cur.execute(
            "SELECT CAST(substr(number, ?) AS INTEGER) FROM certificates WHERE number BETWEEN ? AND ? "
            "AND length(number) = ? AND substr(number, ?) GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' "
            "ORDER BY number DESC LIMIT 1",
            (len(stem) + 1, f"{stem}000000", f"{stem}999999", len(stem) + 6, len(stem) + 1),
        ).fetchone()
        last = found[0] if found else None
        seq = max(row["next"] if row else 1, (last or 0) + 1, 1)
        if seq > LAST_SEQUENCE:  # a seventh digit would break the number's form and its order
            raise LedgerProblem(
                f"证书台账中前缀 {prefix}、{year} 年的证书序号已到 {LAST_SEQUENCE}，不能再按“前缀 + 年份 + 6 位序号”编号，"
                "台账未作改动；请检查台账的编号计数表（counters）是否被改动，或在认证方案中换用新的证书编号前缀"
            )
        cur.execute("INSERT OR REPLACE INTO counters VALUES (?,?,?)", (prefix, year, seq + 1))
        return f"{stem}{seq:06d}"

    @contextlib.contextmanager
    def _hr_action(self) -> Iterator[sqlite3.Cursor]:
        """One HR action (confirm, correct-id): a write transaction, rolled back on any failure;
        an SQLite error said as its true cause."""
        try:
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
                if self._db.in_transaction:
                    cur.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    cur.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise problem(self.path, exc) from None

    @staticmethod
    def _log(cur: sqlite3.Cursor, change: IdentityChange) -> IdentityChange:
        """Record an identity change; the change with its number in the log."""
        values = tuple(vars(change).values())[1:]  # all but seq
        cur.execute(
            "INSERT INTO identity_changes (done_at, done_by, action, employee_id, before_name, before_unit, "
            "after_name, after_unit, note) VALUES (?,?,?,?,?,?,?,?,?)",
            values,
        )
        return IdentityChange(cur.lastrowid or 0, *values)

    def confirm(
        self, employee_id: str, name: str, *, unit: str | None = None, by: str, note: str = ""
    ) -> tuple[Holder, IdentityChange | None]:
        """HR's confirmation that `name` is the person who holds `employee_id` (the name changed,
        or the ledger had it wrong): the holder's name (and unit, when given) becomes the new
        one, the old one stays in the log with who, when and why. Returns the holder as it was
        and the change (None when the ledger already says so)."""
        pid, name = normalise_id(employee_id), name.strip()
        if not normalise_name(name):
            raise LedgerProblem("请用 --name 给出新的姓名")
        with self._hr_action() as cur:
            before = self.holder(pid)
            if before is None:
                raise LedgerProblem(
                    f"证书台账 {self.path} 中没有员工编号 {pid} 的证书，没有需要确认的持有人；"
                    "请核对员工编号（cmxl certs list 列出全部证书）"
                )
            after_unit = before.unit if unit is None else unit.strip()
            if same_name(before.name, name) and after_unit == before.unit and not before.disputed:
                cur.execute("ROLLBACK")
                return before, None
            cur.execute("UPDATE holders SET name=?, unit=?, disputed='' WHERE employee_id=?", (name, after_unit, pid))
            change = IdentityChange(0, now(), by, CONFIRM, pid, before.name, before.unit, name, after_unit, note)
            return before, self._log(cur, change)

    def correct_id(self, old: str, new: str, *, by: str, note: str = "") -> IdentityChange:
        """HR's correction of an id the ledger holds wrongly (Excel dropped its leading zeros, or
        it was mistyped): every certificate and the holder of `old` move to `new`, logged with
        who, when and why. Refused when `new` already has a holder (two people's ids are not
        merged here)."""
        old_id, new_id = normalise_id(old), normalise_id(new)
        if not new_id or old_id == new_id:
            raise LedgerProblem("请用 --to 给出正确的员工编号（与原编号不同）")
        with self._hr_action() as cur:
            before = self.holder(old_id)
            if before is None:
                raise LedgerProblem(f"证书台账 {self.path} 中没有员工编号 {old_id} 的证书，无需更正")
            taken = self.holder(new_id)
            if taken is not None:
                raise LedgerProblem(
                    f"证书台账中员工编号 {new_id} 已属于 {taken.shown}：不能把 {old_id} 的证书并入；台账未作改动"
                )
            cur.execute("UPDATE certificates SET employee_id=? WHERE employee_id=?", (new_id, old_id))
            cur.execute("UPDATE holders SET employee_id=? WHERE employee_id=?", (new_id, old_id))
            for table in ("assessments", "calibration_changes"):  # the person's history follows the id
                if self.has_table(table):  # (a cycle recorded under both ids keeps the one under the new)
                    cur.execute(f"UPDATE OR IGNORE {table} SET employee_id=? WHERE employee_id=?", (new_id, old_id))
            text = f"员工编号 {old_id} 更正为 {new_id}" + (f"；{note}" if note else "")
            who = (before.name, before.unit, before.name, before.unit)
            return self._log(cur, IdentityChange(0, now(), by, CORRECT_ID, new_id, *who, text))

    # ---- reading -----------------------------------------------------------------------------
    def has_run(self, run_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM runs WHERE run_id=?", (run_id,)).fetchone() is not None

    def all(self) -> list[Certificate]:
        rows = self._db.execute("SELECT * FROM certificates ORDER BY number").fetchall()
        return [_certificate(r) for r in rows]

    def of_batch(self, batch: str | None) -> list[Certificate]:
        """The certificates issued in the runs of a batch (all when None), in number order."""
        if batch is None:
            return self.all()
        rows = self._db.execute(
            "SELECT c.* FROM certificates c JOIN runs r ON c.run_id = r.run_id WHERE r.batch = ? ORDER BY c.number",
            (batch,),
        ).fetchall()
        return [_certificate(r) for r in rows]

    def find(self, key: str) -> list[Certificate]:
        """By certificate number or by employee id (read as ids are read: a key pasted with a
        zero-width space finds its certificates)."""
        key = normalise_id(key)
        rows = self._db.execute(
            "SELECT * FROM certificates WHERE number=? OR employee_id=? ORDER BY issue_date, number", (key, key)
        ).fetchall()
        return [_certificate(r) for r in rows]

    def expiring(self, as_of: dt.date, within_days: int) -> list[Certificate]:
        """Certificates that expire within `within_days` of `as_of`, or have expired, and have
        not been followed by a later certificate of the same person, scheme and grade."""
        limit = (as_of + dt.timedelta(days=within_days)).isoformat()
        rows = self._db.execute(
            """SELECT * FROM certificates c WHERE c.expiry <= ? AND NOT EXISTS (
                   SELECT 1 FROM certificates n WHERE n.employee_id = c.employee_id AND n.scheme = c.scheme
                   AND n.grade = c.grade AND n.issue_date > c.issue_date)
               ORDER BY c.expiry, c.number""",
            (limit,),
        ).fetchall()
        return [_certificate(r) for r in rows]

    # ---- who holds an id ---------------------------------------------------------------------
    @property
    def _holders_table(self) -> str:
        """The holders: the table, or (a ledger of an earlier version opened read-only) the
        person of each id's latest certificate, as the upgrade will record them."""
        if self.version >= 2:
            return "holders"
        return """(SELECT c.employee_id, c.name, c.unit, '' AS disputed FROM certificates c WHERE c.number = (
                     SELECT d.number FROM certificates d WHERE d.employee_id = c.employee_id
                     ORDER BY d.issue_date DESC, d.number DESC LIMIT 1))"""

    def _holders_by(self, expression: str, keys: Iterable[str]) -> list[Holder]:
        keys = sorted(set(keys))
        found: list[tuple[str, str, str, str]] = []
        for chunk in _chunks(keys):
            found += self._db.execute(
                f"SELECT employee_id, name, unit, disputed FROM {self._holders_table} "
                f"WHERE {expression} IN ({','.join('?' * len(chunk))})",
                tuple(chunk),
            ).fetchall()
        numbers: dict[str, list[str]] = {}
        ids = sorted({r[0] for r in found})
        for chunk in _chunks(ids):
            for pid, number in self._db.execute(
                f"SELECT employee_id, number FROM certificates WHERE employee_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY issue_date, number",
                tuple(chunk),
            ):
                numbers.setdefault(pid, []).append(number)
        return [Holder(pid, name, unit, tuple(numbers.get(pid, ())), disputed) for pid, name, unit, disputed in found]

    def holder(self, employee_id: str) -> Holder | None:
        found = self._holders_by("employee_id", [normalise_id(employee_id)])
        return found[0] if found else None

    def identities(self, people: Iterable[PersonResult]) -> LedgerIdentities:
        """What the ledger records about these people's ids: each id's holder; for an id typed as
        a number, the holders of the same number with leading zeros; and for a text id with
        leading zeros, the holder of the same id without them."""
        people = list(people)
        exact = {h.employee_id: h for h in self._holders_by("employee_id", (p.employee_id for p in people))}
        numeric = {without_leading_zeros(p.employee_id) for p in people if p.id_numeric and p.employee_id not in exact}
        padded: dict[str, list[Holder]] = {}
        for h in self._holders_by("ltrim(employee_id, '0')", numeric):
            padded.setdefault(without_leading_zeros(h.employee_id), []).append(h)
        zeros = {
            p.employee_id: without_leading_zeros(p.employee_id)
            for p in people
            if not p.id_numeric
            and p.employee_id.isdigit()
            and p.employee_id.startswith("0")
            and p.employee_id not in exact
        }
        by_id = {h.employee_id: h for h in self._holders_by("employee_id", zeros.values())}
        stripped = {pid: by_id[short] for pid, short in zeros.items() if short in by_id}
        return LedgerIdentities(exact, padded, stripped)

    def history(self, employee_id: str) -> list[IdentityChange]:
        """Every recorded change of who holds the id, oldest first, with those recorded under the
        ids it was corrected from or to (a correct-id keeps the person's earlier log in view)."""
        if self.version < 2:
            return []
        ids, grown = {normalise_id(employee_id)}, True
        corrections = self._db.execute("SELECT employee_id, note FROM identity_changes WHERE action=?", (CORRECT_ID,))
        moves = [(m.group(1), new) for new, note in corrections if (m := _CORRECTED.match(note))]
        while grown:
            more = {new for old, new in moves if old in ids} | {old for old, new in moves if new in ids}
            grown = not more <= ids
            ids |= more
        rows = self._db.execute(
            "SELECT seq, done_at, done_by, action, employee_id, before_name, before_unit, after_name, after_unit, note "
            f"FROM identity_changes WHERE employee_id IN ({','.join('?' * len(ids))}) ORDER BY seq",
            tuple(ids),
        ).fetchall()
        return [IdentityChange(*r) for r in rows]
