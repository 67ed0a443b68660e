"""A person's assessment history in the ledger (docs/rules.md, 历次测评): every cycle of a person,
exported as plain records, and deleted on request (logged). The ledger is the certificates' one
SQLite file; `bulk` records each cycle in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cmxl.api.ledger import _existing_ledger, _login_name

if TYPE_CHECKING:
    from cmxl.core.engine.change import CycleRecord


@dataclass
class PersonHistory:
    """Every recorded cycle of a person (oldest first), and the logged replacements and deletions
    of their records (who, when, what: never the deleted data)."""

    employee_id: str
    cycles: list[CycleRecord]
    log: list[dict]

    @property
    def names(self) -> list[str]:
        """The names the records give, each once (two: perhaps two people under one id, never
        silently one history — docs/rules.md, 历次测评)."""
        from cmxl.core.ids import normalise_name

        return list({normalise_name(c.name): c.name for c in reversed(self.cycles)}.values())[::-1]

    def name_differs(self, cycle: CycleRecord) -> bool:
        """Whether a record's name differs from the latest record's (a possible mismatch)."""
        from cmxl.core.ids import same_name

        return bool(self.cycles) and not same_name(cycle.name, self.cycles[-1].name)

    def to_json(self) -> list[dict]:
        """The `cmxl history --json` shape: one dict per cycle, oldest first (an export of the
        person's records: every item's score, level, standard and gap, the model, the source file);
        `name_differs` marks a record whose name is not the latest one's."""
        return [{**c.to_json(), "name_differs": self.name_differs(c)} for c in self.cycles]


def history(employee_id: str, *, ledger: Path | str) -> PersonHistory:
    """A person's cycles (by 员工编号, normalised as everywhere) and the log of their records. The
    ledger is only read."""
    from cmxl.core.ids import normalise_id
    from cmxl.history import cycles_of, log_of
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        return PersonHistory(normalise_id(employee_id), cycles_of(db, employee_id), log_of(db, employee_id))


@dataclass
class HistoryDeleted:
    employee_id: str
    cycles: list[str]  # the cycles deleted, oldest first (empty: the ledger had none)
    by: str
    ledger: Path


def delete_history(employee_id: str, *, ledger: Path | str, by: str | None = None, note: str = "") -> HistoryDeleted:
    """Delete a person's assessment records on request (every cycle), in one transaction; each
    deletion is logged with who (`by`, default the computer's login name), when and why (`note`),
    but none of the person's data. Certificates are not touched (they are the company's record)."""
    from cmxl.core.ids import normalise_id
    from cmxl.history import cycles_of, delete_person
    from cmxl.ledger import Ledger

    who = (by or "").strip() or _login_name()
    path = _existing_ledger(ledger)
    with Ledger(path) as db:
        cycles = [c.cycle for c in cycles_of(db, employee_id)]
        if cycles:
            delete_person(db, employee_id, who, note.strip())
    return HistoryDeleted(normalise_id(employee_id), cycles, who, path)
