"""The certificate ledger (SQLite): every certificate issued, with its number, person, scheme,
grade, dates, source file and run. A run's certificates are written in one transaction, so an
interrupted run leaves the ledger as it was or with the whole run recorded, never half."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cmxl.core.engine.certification import expiry
from cmxl.core.errors import CmxlError, os_reason
from cmxl.core.records import Certificate

SCHEMA = """
CREATE TABLE IF NOT EXISTS certificates (
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
);
CREATE INDEX IF NOT EXISTS certificates_person ON certificates(employee_id, scheme, grade);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    batch TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    recorded TEXT NOT NULL,
    new_certificates INTEGER NOT NULL,
    reused_certificates INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);
"""


APPLICATION_ID = 0x434D584C  # "CMXL" in the SQLite header: this file is a cmxl certificate ledger


class LedgerProblem(CmxlError):
    pass


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


def _certificate(row: sqlite3.Row) -> Certificate:
    return Certificate(**{k: row[k] for k in row.keys()})


@dataclass
class Issued:
    certificate: Certificate
    new: bool  # False: the same certificate was already in the ledger (a re-run)


class Ledger:
    def __init__(self, path: Path, read_only: bool = False):
        """`read_only`: for looking things up (cmxl certs): the file is opened as it is and never
        written, so a query cannot turn an empty or foreign file into a ledger."""
        self.path = path
        if path.is_dir():
            raise LedgerProblem(f"证书台账 {path} 是一个文件夹，不是台账文件；请用 --ledger 指定 .sqlite 文件")
        try:
            if read_only:
                self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
                self.db.row_factory = sqlite3.Row
                tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if "certificates" not in tables:
                    self.db.close()
                    raise LedgerProblem(
                        f"{path} 不是 cmxl 的证书台账（没有证书表），未作改动；请用 --ledger 指定证书台账文件"
                    )
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self._check_owner(path)
            self.db.executescript(SCHEMA)
            columns = {r["name"] for r in self.db.execute("PRAGMA table_info(certificates)")}
            for name in ("scheme_version", "scheme_hash"):  # ledgers of earlier versions
                if name not in columns:
                    self.db.execute(f"ALTER TABLE certificates ADD COLUMN {name} TEXT NOT NULL DEFAULT ''")
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except sqlite3.DatabaseError:
            raise LedgerProblem(
                f"证书台账 {path} 无法打开（不是有效的数据库文件，或已损坏）；请从备份恢复，或用 --ledger 指定新台账"
            ) from None
        except OSError as exc:
            raise LedgerProblem(f"证书台账 {path} 无法创建（{os_reason(exc)}）；请用 --ledger 指定其他位置") from None

    def _check_owner(self, path: Path) -> None:
        """A database that is not a cmxl ledger is refused untouched (no table is added to it)."""
        app = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ours = app == APPLICATION_ID or (app == 0 and (not tables or "certificates" in tables))
        if not ours:
            self.db.close()
            raise LedgerProblem(
                f"{path} 不是 cmxl 的证书台账（是其他程序的数据库），未作改动；请用 --ledger 指定证书台账文件"
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing: one transaction per run -------------------------------------------------
    def issue(self, run_id: str, batch: str, issue_date: dt.date, candidates: Iterable[Candidate]) -> list[Issued]:
        """Give every candidate a certificate: the one already held for that scheme and grade
        when still valid on the issue date (a re-run gets the same number), else a new number
        (recorded as a renewal of an expired one). All or nothing."""
        out: list[Issued] = []
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for c in candidates:
                row = cur.execute(
                    "SELECT * FROM certificates WHERE employee_id=? AND scheme=? AND grade=? "
                    "ORDER BY issue_date DESC, number DESC LIMIT 1",
                    (c.employee_id, c.scheme, c.grade),
                ).fetchone()
                if row is not None and row["expiry"] >= issue_date.isoformat():
                    out.append(Issued(_certificate(row), new=False))
                    continue
                number = self._next_number(cur, c.prefix, issue_date.year)
                cert = Certificate(
                    number,
                    c.employee_id,
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
                    dt.datetime.now().isoformat(timespec="seconds"),
                    sum(i.new for i in out),
                    sum(not i.new for i in out),
                ),
            )
            cur.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:  # Ctrl-C can land after COMMIT, before the block is left
                cur.execute("ROLLBACK")
            raise
        return out

    @staticmethod
    def _next_number(cur: sqlite3.Cursor, prefix: str, year: int) -> str:
        row = cur.execute("SELECT next FROM counters WHERE prefix=? AND year=?", (prefix, year)).fetchone()
        seq = row["next"] if row else 1
        cur.execute("INSERT OR REPLACE INTO counters VALUES (?,?,?)", (prefix, year, seq + 1))
        return f"{prefix}{year}{seq:06d}"

    # ---- reading -----------------------------------------------------------------------------
    def has_run(self, run_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM runs WHERE run_id=?", (run_id,)).fetchone() is not None

    def all(self) -> list[Certificate]:
        rows = self.db.execute("SELECT * FROM certificates ORDER BY number").fetchall()
        return [_certificate(r) for r in rows]

    def of_batch(self, batch: str | None) -> list[Certificate]:
        """The certificates issued in the runs of a batch (all when None), in number order."""
        if batch is None:
            return self.all()
        rows = self.db.execute(
            "SELECT c.* FROM certificates c JOIN runs r ON c.run_id = r.run_id WHERE r.batch = ? ORDER BY c.number",
            (batch,),
        ).fetchall()
        return [_certificate(r) for r in rows]

    def find(self, key: str) -> list[Certificate]:
        """By certificate number or by employee id."""
        rows = self.db.execute(
            "SELECT * FROM certificates WHERE number=? OR employee_id=? ORDER BY issue_date, number", (key, key)
        ).fetchall()
        return [_certificate(r) for r in rows]

    def expiring(self, as_of: dt.date, within_days: int) -> list[Certificate]:
        """Certificates that expire within `within_days` of `as_of`, or have expired, and have
        not been followed by a later certificate of the same person, scheme and grade."""
        limit = (as_of + dt.timedelta(days=within_days)).isoformat()
        rows = self.db.execute(
            """SELECT * FROM certificates c WHERE c.expiry <= ? AND NOT EXISTS (
                   SELECT 1 FROM certificates n WHERE n.employee_id = c.employee_id AND n.scheme = c.scheme
                   AND n.grade = c.grade AND n.issue_date > c.issue_date)
               ORDER BY c.expiry, c.number""",
            (limit,),
        ).fetchall()
        return [_certificate(r) for r in rows]
