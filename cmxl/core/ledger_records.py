"""The records of the certificate ledger (cmxl/ledger.py keeps them in SQLite): one certificate,
who holds an 员工编号 (a number belongs to one person) and each recorded change of that. In the
core, because the engine judges identities against them (cmxl.core.engine.issuance) and the
roster lists them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Certificate:
    """One certificate as recorded in the ledger."""

    number: str
    employee_id: str
    name: str
    unit: str
    scheme: str
    scheme_name: str
    grade: str
    issue_date: str
    expiry: str
    source_file: str
    source_sha256: str
    run_id: str
    renews: str | None
    scheme_version: str = ""  # of the scheme whose rules issued it ('' in ledgers of earlier versions)
    scheme_hash: str = ""


@dataclass(frozen=True)
class Holder:
    """Who holds an 员工编号 in the ledger (a number belongs to one person), with the numbers of
    the certificates recorded under that id."""

    employee_id: str
    name: str
    unit: str
    certificates: tuple[str, ...] = ()
    disputed: str = ""  # the ledger's certificates name other people too (until HR confirms who holds it)

    @property
    def shown(self) -> str:
        """张三（南京分公司，证书 KH2026000001）"""
        held = f"，证书 {'、'.join(self.certificates)}" if self.certificates else ""
        return f"{self.name}（{self.unit or '单位未填'}{held}）"


CONFIRM = "confirm"  # HR: the new name is the same person
NORMALISE = "normalise-id"  # the ledger's upgrade: a stored id read as ids are read now
DISPUTE = "dispute"  # the ledger's upgrade: an id whose certificates name different people
CORRECT_ID = "correct-id"  # HR: the ledger's id was wrong (lost zeros, a typo)
RESTORE = "restore-holder"  # the ledger's check: an id with certificates had no holder (a hand edit)
ACTIONS = {
    CONFIRM: "确认同一人",
    NORMALISE: "台账升级：员工编号规范化",
    DISPUTE: "台账升级：同一员工编号登记了不同的人",
    CORRECT_ID: "更正员工编号",
    RESTORE: "台账检查：恢复持有人记录",
}


@dataclass(frozen=True)
class IdentityChange:
    """One recorded change of who holds an id: HR's confirmation that a new name is the same
    person (confirm), or the ledger's own clean-up of a stored id (normalise-id)."""

    seq: int
    at: str  # ISO date and time
    by: str  # who did it (经办人)
    action: str
    employee_id: str
    before_name: str
    before_unit: str
    after_name: str
    after_unit: str
    note: str = ""

    @property
    def shown(self) -> str:
        """One line: 2026-12-02 10:15 确认同一人 员工编号 0001：姓名 张三 → 李四；经办人 王芳；说明：……"""
        name = f"姓名 {self.before_name} → {self.after_name}" if self.before_name != self.after_name else ""
        unit = f"单位 {self.before_unit} → {self.after_unit}" if self.before_unit != self.after_unit else ""
        what = "，".join(x for x in (name, unit) if x)
        note = f"；说明：{self.note}" if self.note else ""
        action = ACTIONS.get(self.action, self.action)
        return f"{self.at.replace('T', ' ')} {action} 员工编号 {self.employee_id}{'：' + what if what else ''}；经办人 {self.by}{note}"
