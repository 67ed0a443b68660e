"""Bulk run: a folder of regional workbooks -> a results workbook per file, one roster, the
certificate ledger updated in one transaction, and run.json for audit.

Files are processed in a process pool (both cores); a worker returns only the small per-person
rows the roster needs, so memory does not grow with the size of the batch's workbooks.

The modules, in the order a run goes through them:

- options.py   the options, checked before any file is read (make_options);
- discover.py  what the folder holds: the workbooks, and why anything else is not processed;
- names.py     file names as the log, the roster, run.json and the output names show them;
- run.py       the run from start to end (run_bulk), Ctrl-C and errors after the ledger's commit;
- pool.py      the process pool: workers, Ctrl-C, a worker that dies;
- work.py      one workbook in a worker: read, scored, written, its log row;
- finish.py    after the pool: certificates decided and issued in the ledger, the roster;
- runjson.py   run.json;
- result.py    what run_bulk returns."""

from cmxl.batch.options import LEDGER_NAME, BulkOptions, make_options
from cmxl.batch.result import BulkResult
from cmxl.batch.run import run_bulk
from cmxl.batch.work import FAULT_ABORT, FileOutcome
from cmxl.core.errors import FinishProblem, Interrupted, OptionProblem

__all__ = [
    "FAULT_ABORT",
    "LEDGER_NAME",
    "BulkOptions",
    "BulkResult",
    "FileOutcome",
    "FinishProblem",
    "Interrupted",
    "OptionProblem",
    "make_options",
    "run_bulk",
]
