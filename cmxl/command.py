"""The `cmxl` command's entry point: a Ctrl-C while the libraries are still loading (a second or
so) ends like any other Ctrl-C, not with a traceback."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from cmxl.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        sys.exit(130)
    run()
