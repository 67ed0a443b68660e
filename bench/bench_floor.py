"""How far `cmxl score` is from the floor: reading the same input and writing the same output
cells with the fastest tools available here, measured in the same run.

    .venv/bin/python bench/bench_floor.py [N ...] [--repeats 3]      (default N: 10000 50000)

For each N it generates an assessment workbook of N people, then times both the same way, each
in a fresh process from its start to its exit (Python's startup and the imports included, as a
clerk runs it):
- cmxl: `cmxl score` of that workbook (read, validate, score, certify, lay out and write the
  formatted results workbook with its charts);
- floor: python-calamine reading the input, plus rustpy-xlsxwriter writing every cell value of
  cmxl's results workbook, sheet by sheet (no formats, charts, formulas or validations). The
  floor's process first loads the cells to write from a pickle (work cmxl does not have); it
  times that preparation itself and it is subtracted, nothing else.
It prints the median and minimum of the repeats, the ratio cmxl / floor (medians), and cmxl's
peak memory. A figure, not a pass/fail test (the machine is noisy: compare ratios, not seconds).
Needs `pip install rustpy-xlsxwriter` (not a dependency of cmxl)."""

from __future__ import annotations

import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def make_input(n: int, path: Path) -> None:
    from bench_scoring import build_grid
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("测评数据")
    for row in build_grid(n).sheets[0].rows:
        ws.append(row)
    wb.save(path)


def timed(cmd: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds (user + system), peak memory in MB) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: the generated data has errors by design
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def floor_child(source: str, cells: str, target: str) -> None:
    """The floor, in its own process: prepare the rows to write (timed, to be subtracted), then
    read `source` and write those rows. Prints the preparation's seconds."""
    import python_calamine as pc
    import rustpy_xlsxwriter as rx

    start, cpu = time.perf_counter(), time.process_time()
    with open(cells, "rb") as fh:
        sheets: dict[str, list[list[object]]] = pickle.load(fh)
    prepared = []
    for name, rows in sheets.items():
        width = max((len(r) for r in rows), default=1)
        columns = [f"c{i}" for i in range(width)]
        prepared.append((name, columns, [dict(zip(columns, r, strict=False)) for r in rows]))
    preparing, preparing_cpu = time.perf_counter() - start, time.process_time() - cpu
    book = pc.CalamineWorkbook.from_path(source)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    for name, columns, records in prepared:
        rx.FastExcel(f"{target}.{len(name)}.xlsx", header=False, columns=columns).sheet(name, records).save()
    print(preparing, preparing_cpu)


def floor_run(source: Path, cells: Path, target: Path) -> tuple[float, float]:
    """The floor's (wall, CPU) seconds: the whole process, less the preparation it reports."""
    cmd = [sys.executable, __file__, "--floor", str(source), str(cells), str(target)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the floor's process failed")
    preparing, preparing_cpu = (float(x) for x in out.strip().splitlines()[-1].split())
    return seconds - preparing, usage.ru_utime + usage.ru_stime - preparing_cpu


def main() -> None:
    argv = sys.argv[1:]
    repeats = 3
    if "--repeats" in argv:
        at = argv.index("--repeats")
        repeats = int(argv[at + 1])
        del argv[at : at + 2]
    args = [a for a in argv if not a.startswith("--")]
    sizes = [int(a) for a in args if a.isdigit()] or [10_000, 50_000]
    cmxl = str(Path(sys.executable).with_name("cmxl"))
    print(f"cmxl score vs the floor (calamine read + rustpy-xlsxwriter write), {repeats} runs each;")
    print("both timed as fresh processes, startup and imports included")
    print("CPU: user + system seconds of the process (under load, the fairer comparison: cmxl writes with")
    print("two threads, which lose more wall time than the single-threaded floor when the cores are busy)")
    print(
        f"{'people':>8} {'cmxl median':>12} {'min':>7} {'floor median':>13} {'min':>7} {'ratio':>6}"
        f" {'cmxl CPU':>9} {'floor CPU':>9} {'CPU ratio':>9} {'peak MB':>8}"
    )
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            source = work / f"bench{n}.xlsx"
            make_input(n, source)
            out = work / "out.xlsx"
            command = [cmxl, "score", str(source), "-o", str(out), "--force", "--as-of", "2026-12-01"]
            timed(command)  # once first: the cells the floor writes are those of cmxl's results
            import python_calamine as pc

            book = pc.CalamineWorkbook.from_path(str(out))
            cells = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
            with open(work / "cells.pickle", "wb") as fh:
                pickle.dump(cells, fh)
            runs, floors = [], []
            for _ in range(repeats):  # side by side: the machine's noise falls on both alike
                runs.append(timed(command))
                floors.append(floor_run(source, work / "cells.pickle", work / "floor"))
            seconds = [s for s, _, _ in runs]
            cpu = statistics.median(c for _, c, _ in runs)
            peak = max(m for _, _, m in runs)
            floor_wall = [w for w, _ in floors]
            floor_cpu = statistics.median(c for _, c in floors)
            ratio = statistics.median(seconds) / statistics.median(floor_wall)
            print(
                f"{n:>8,} {statistics.median(seconds):>11.2f}s {min(seconds):>6.2f}s "
                f"{statistics.median(floor_wall):>12.2f}s {min(floor_wall):>6.2f}s {ratio:>5.2f}x"
                f" {cpu:>8.2f}s {floor_cpu:>8.2f}s {cpu / floor_cpu:>8.2f}x {peak:>8.0f}"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--floor":
        floor_child(*sys.argv[2:5])
    else:
        main()
