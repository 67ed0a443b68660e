"""The one count of certification outcomes (DOMAIN §4.4; docs/rules.md, 证书): every output that
counts passes, holds or failures — 统计图表, the roster's 地区统计, the command line's summary,
bulk's counts and run.json — counts them here, from the per-person records.

Every record is in exactly one outcome:

- not_applied (未申报): not applying for a certificate this cycle;
- passed (通过): applying, computed 通过, and beyond doubt: a certificate is issued;
- held (暂缓发证): applying, but the certificate waits (the row has an error, or in a batch the
  same id has different data elsewhere) — whatever the computed status;
- failed (未通过): applying, beyond doubt, and not passed (未通过, 不符合申报条件 or 资料不全: the
  roster's 未通过名单);
- repeated: the same data as a row counted elsewhere in the batch (counted once, there).

Who is held and who repeats is decided by `cmxl.core.engine.issuance.settle`, which marks the
records (`held`, `repeat_of`); this module only reads those marks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from cmxl.core.engine.certification import NOT_APPLIED as NOT_APPLIED_WORD
from cmxl.core.engine.certification import PASSED as PASSED_STATUS
from cmxl.core.engine.certification import CertResult


class PersonResult(Protocol):
    """What the tally reads of a person's record (cmxl.core.engine.results.PersonResult, which
    reads this module for the word its result shows)."""

    certification: CertResult
    held: str
    repeat_of: str


HELD_WORD = "暂缓发证"  # the result a held person's row shows, wherever a result is shown


class Outcome(StrEnum):
    NOT_APPLIED = "not_applied"
    PASSED = "passed"
    HELD = "held"
    FAILED = "failed"
    REPEATED = "repeated"


def outcome(p: PersonResult) -> Outcome:
    if p.repeat_of:
        return Outcome.REPEATED
    if p.certification.status is None:
        return Outcome.NOT_APPLIED
    if p.held:
        return Outcome.HELD
    return Outcome.PASSED if p.certification.status == PASSED_STATUS else Outcome.FAILED


def result_word(p: PersonResult) -> str:
    """The certification result a sheet, a report or `--json` shows: 暂缓发证 for a held person
    (never the computed 通过), else the computed status, or 未申报."""
    if p.held and p.certification.status is not None:
        return HELD_WORD
    return p.certification.status or NOT_APPLIED_WORD


@dataclass(frozen=True)
class Tally:
    not_applied: int = 0
    passed: int = 0
    held: int = 0
    failed: int = 0
    repeated: int = 0  # rows counted once elsewhere: in none of the other counts

    @property
    def applied(self) -> int:
        return self.passed + self.held + self.failed

    @property
    def people(self) -> int:
        """Everyone counted, each once (repeated rows are not)."""
        return self.not_applied + self.applied


def tally(people: Iterable[PersonResult]) -> Tally:
    found = Counter(outcome(p) for p in people)
    return Tally(**{o.value: found[o] for o in Outcome})


def counted(people: Iterable[PersonResult]) -> list[PersonResult]:
    """The records a statistic counts: everyone once (a repeated row is counted where it was kept)."""
    return [p for p in people if not p.repeat_of]
