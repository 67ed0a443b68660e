"""The `cmxl` command's entry point: a Ctrl-C while the libraries are still loading (a second or
so) ends like any other Ctrl-C, not with a traceback. While they load, the workbook the command
will read is already being read (cmxl.xlsx.read.read_ahead)."""

from __future__ import annotations

import sys
from pathlib import Path

READS_A_WORKBOOK = {"score", "validate", "report", "compare"}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def first_workbook(argv: list[str]) -> Path | None:
    """The first workbook a command that reads workbooks was given (None for other commands):
    the first argument with a workbook's extension that is not an option or the output file."""
    if not argv or argv[0] not in READS_A_WORKBOOK:
        return None
    after_output = False
    for arg in argv[1:]:
        if after_output:
            after_output = False
        elif arg in ("-o", "--output"):
            after_output = True
        elif not arg.startswith("-") and arg.lower().endswith(WORKBOOK_SUFFIXES):
            return Path(arg)
    return None


def main() -> None:
    try:
        workbook = first_workbook(sys.argv[1:])
        if workbook is not None:
            from cmxl.xlsx.read import read_ahead

            read_ahead(workbook)
        from cmxl.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        sys.exit(130)
    run()
