"""The certificate ledger: looked up, listed, printed, and HR's confirmation of who holds an id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cmxl.core.errors import CmxlError

if TYPE_CHECKING:
    from cmxl.core.ledger_records import Certificate, Holder, IdentityChange


# ---- the certificate ledger ---------------------------------------------------------------------
@dataclass
class CertificateRecord:
    """What the ledger holds under a certificate number or an 员工编号: the certificates, who
    holds the id now, and every recorded change of that (oldest first)."""

    key: str
    certificates: list[Certificate]
    holders: list[Holder]
    history: list[IdentityChange]


def _existing_ledger(ledger: Path | str) -> Path:
    path = Path(ledger)
    if not path.exists():
        raise CmxlError(f"找不到证书台账 {path}（用 --ledger 指定；批量处理时默认建在输出文件夹的上一级）")
    return path


def certificates(key: str, *, ledger: Path | str) -> CertificateRecord:
    """A certificate (by its number) or a person's certificates (by 员工编号), with who holds the
    id and the recorded changes. The ledger is only read."""
    from cmxl.core.ids import normalise_id
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        found = db.find(key)
        ids = list(dict.fromkeys(c.employee_id for c in found)) or [normalise_id(key)]
        holders = [h for pid in ids if (h := db.holder(pid)) is not None]
        history = [change for pid in ids for change in db.history(pid)]
    return CertificateRecord(normalise_id(key), found, holders, history)


def all_certificates(*, ledger: Path | str) -> list[Certificate]:
    """Every certificate in the ledger (only read)."""
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        return db.all()


def expiring_certificates(*, ledger: Path | str, as_of: dt.date, within_days: int) -> list[Certificate]:
    """The certificates that expire within `within_days` of `as_of`, or have expired and were not renewed."""
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        return db.expiring(as_of, within_days)


def print_certificates(
    output: Path | str, *, ledger: Path | str, batch: str | None = None, template: Path | str | None = None
) -> list[Certificate]:
    """The certificates of a batch (default: all of them) printed from the Word `template` (default
    the built-in one) into `output`, one per page; the certificates printed."""
    from cmxl.docx.certificates import print_certificates as write
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        certs = db.of_batch(batch)
    write(certs, Path(template) if template is not None else None, Path(output))
    return certs


@dataclass
class IdentityConfirmed:
    """HR's confirmation recorded: the holder before, and the change (None: the ledger already
    said so, nothing was recorded)."""

    before: Holder
    change: IdentityChange | None
    ledger: Path


def confirm_identity(
    employee_id: str,
    name: str,
    *,
    ledger: Path | str,
    unit: str | None = None,
    by: str | None = None,
    note: str = "",
) -> IdentityConfirmed:
    """HR confirms that `name` is the person the ledger holds `employee_id` for (the same person,
    the name changed or was recorded wrong): the ledger's holder becomes `name` (and `unit`, when
    given), the old identity stays in its log with who (`by`, default the computer's login
    name), when and why (`note`). A later bulk run then issues or reuses that id's certificates
    for `name`. When the person is someone else, nothing is recorded here: the id is corrected
    in the workbook instead."""
    from cmxl.ledger import Ledger

    who = (by or "").strip() or _login_name()
    path = _existing_ledger(ledger)
    with Ledger(path) as db:
        before, change = db.confirm(employee_id, name, unit=unit, by=who, note=note.strip())
    return IdentityConfirmed(before, change, path)


def correct_id(old: str, new: str, *, ledger: Path | str, by: str | None = None, note: str = "") -> IdentityChange:
    """HR corrects an id the ledger holds wrongly (Excel dropped its leading zeros, or it was
    mistyped): the certificates and holder of `old` become `new`'s, logged with who (`by`,
    default the computer's login name), when and why (`note`)."""
    from cmxl.ledger import Ledger

    who = (by or "").strip() or _login_name()
    with Ledger(_existing_ledger(ledger)) as db:
        return db.correct_id(old, new, by=who, note=note.strip())


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in this environment
        return "（未注明）"
