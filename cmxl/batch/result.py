"""What a bulk run returns: where its roster and run.json are, every file's log row, and the
counts (cmxl.core.engine.tally counts them as every output does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cmxl.core.engine.tally import Tally
from cmxl.core.file_log import FileLog


@dataclass
class BulkResult:
    roster: Path
    run_json: Path
    logs: list[FileLog]
    people: int
    applied: int
    passed: int  # certain passes (the roster's 其中通过); a pass whose certificate waits is in `held`
    new_certificates: int
    reused_certificates: int
    duplicates: int  # ids in several files (cmxl.core.engine.issuance judges them)
    seconds: float
    held: int = 0  # applicants whose certificate waits (暂缓发证)
    held_identity: int = 0  # of them: the ledger holds their id for another person (HR checks)
    held_conflict: int = 0  # of them: their id is in the batch with other data, or with zeros lost (to check)
    worker_peak_mb: float = 0.0  # the largest peak memory of a worker process
    tally: Tally = field(default_factory=Tally)  # the counts above, and the rest (cmxl.core.engine.tally)
    cycle: str = ""  # the assessment cycle the people were recorded under (docs/rules.md, 历次测评)
    assessments_recorded: int = 0  # people recorded for the cycle in the ledger
    assessments_replaced: int = 0  # of them: replacing their record of this cycle (the cycle run again)
