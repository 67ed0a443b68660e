"""Bulk benchmark: N regional workbooks of M people, end to end, against a naive baseline.

    .venv/bin/python bench/bench_bulk.py [N_FILES] [PEOPLE] [REPEATS]      (default 20 500 3)

cmxl: `run_bulk` (calamine read, validation, scoring, certification, the formatted results
workbook per file, roster, ledger) with a process pool over both cores.
baseline, in the same run (issue 22's naive script): per file pandas.read_excel + the same
intake/scoring/certification on the DataFrame's values + DataFrame.to_excel of the scored results
flattened to one row per person (about 50 columns), then a roster of everyone with to_excel
(passed, failed, counts per unit, the training-needs list); one core; no formats, charts or formulas.
cmxl runs with -j 1 and -j 2 (interleaved); the scaling from one worker to two is the speed-up
over the ideal 2x. Prints medians, people per second, the ratios, and peak memory (of this
process and, as the workers report it, of the largest worker: flat in the number of files if
nothing accumulates). The run is also split in two: the pool (every file read, scored and
written, in the workers) and what follows it in the main process (certificates decided and
numbered, the roster of everyone written), which needs every file's people and so does not
scale with -j. A figure, not a pass/fail test.
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scoring import build_grid

import cmxl.batch.run
from cmxl.batch import BulkOptions, run_bulk
from cmxl.core.engine.assessment import assess
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.layout.spec import ReportSpec, SheetSpec
from cmxl.core.model.loading import catalogue
from cmxl.xlsx.render import render

AS_OF = dt.date(2026, 12, 1)


def make_inputs(folder: Path, files: int, people: int) -> None:
    """N regional workbooks with different people (ids prefixed by the file number)."""
    rows = build_grid(people).sheets[0].rows
    for n in range(files):
        sheet = SheetSpec("测评数据")
        sheet.put_row(0, 0, rows[0])
        for r, row in enumerate(rows[1:], start=1):
            sheet.put_row(r, 0, [f"{n:03d}{row[0]}", *row[1:]])
        render(ReportSpec([sheet], {}), folder / f"地区_{n:03d}.xlsx")


def baseline(folder: Path, out: Path) -> int:
    """The naive script of issue 22: per file read with pandas, score, write a results table; then
    a roster of everyone (passed, failed with reasons, counts per unit, training needs)."""
    cat = catalogue()
    fw = cat.framework()
    count = 0
    everyone, below = [], []
    for path in sorted(folder.glob("*.xlsx")):
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
        rows = [[None if v != v else v for v in row] for row in frame.itertuples(index=False)]
        a = assess(WorkbookGrid(path.name, [SheetGrid("测评数据", rows)]), fw, cat, AS_OF)
        table = []
        for p in a.to_json():  # the scored results, flattened: one row per person, one column per value
            row = {k: v for k, v in p.items() if k not in ("items", "categories", "certification")}
            for item, v in p["items"].items():
                row[f"{item}得分"], row[f"{item}级别"] = v["score"], v["level"]
                if v["gap"] is not None and v["gap"] < 0:
                    below.append({"能力项": item, "单位": p["unit"], "员工编号": p["employee_id"], "差距": v["gap"]})
            row.update({f"{c}得分": v for c, v in p["categories"].items()})
            row["认证结果"] = p["certification"]["status"]
            row["原因"] = "；".join(r["message"] for r in p["certification"]["reasons"])
            row["文件"] = path.name
            table.append(row)
        pd.DataFrame(table).to_excel(out / f"{path.stem}_baseline.xlsx", index=False)
        everyone += table
        count += a.size
    people = pd.DataFrame(everyone)
    applied = people[people["认证结果"].notna()]
    units = people.groupby("unit").agg(人数=("employee_id", "size"))
    units["通过"] = applied[applied["认证结果"] == "通过"].groupby("unit").size()
    with pd.ExcelWriter(out / "roster_baseline.xlsx", engine="openpyxl") as roster:
        applied[applied["认证结果"] == "通过"].to_excel(roster, sheet_name="通过名单", index=False)
        applied[applied["认证结果"] != "通过"].to_excel(roster, sheet_name="未通过名单", index=False)
        units.to_excel(roster, sheet_name="地区统计")
        pd.DataFrame(below).sort_values(["能力项", "差距", "单位"]).to_excel(
            roster, sheet_name="培训需求名单", index=False
        )
    return count


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    people = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    times: dict[int, list[float]] = {1: [], 2: []}
    pools: dict[int, list[float]] = {1: [], 2: []}
    pool = cmxl.batch.run.run_jobs

    def timed_pool(*args, **kwargs):  # the files' part of a run, timed from outside
        t0 = time.perf_counter()
        try:
            return pool(*args, **kwargs)
        finally:
            timed_pool.seconds = time.perf_counter() - t0

    cmxl.batch.run.run_jobs = timed_pool
    peaks: dict[int, float] = {1: 0.0, 2: 0.0}
    base: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inputs = root / "batch"
        inputs.mkdir()
        make_inputs(inputs, files, people)
        total = files * people
        for n in range(repeats):
            for jobs in (1, 2):  # interleaved, so that a noisy moment does not fall on one setting
                out = root / f"out{n}_{jobs}"
                t0 = time.perf_counter()
                result = run_bulk(
                    BulkOptions(inputs, out, root / f"ledger{n}_{jobs}.sqlite", "bench", AS_OF, jobs=jobs)
                )
                times[jobs].append(time.perf_counter() - t0)
                pools[jobs].append(timed_pool.seconds)
                peaks[jobs] = max(peaks[jobs], result.worker_peak_mb)
                assert result.people == total
            bout = root / f"base{n}"
            bout.mkdir()
            t0 = time.perf_counter()
            assert baseline(inputs, bout) == total
            base.append(time.perf_counter() - t0)
    one, two, b = (statistics.median(times[1]), statistics.median(times[2]), statistics.median(base))
    pool1, pool2 = statistics.median(pools[1]), statistics.median(pools[2])
    after = {j: statistics.median(t - p for t, p in zip(times[j], pools[j], strict=True)) for j in (1, 2)}
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"files: {files}  people per file: {people}  total: {total:,}  repeats: {repeats} (medians)")
    print(f"  cmxl bulk -j 1  {one:7.2f} s   {total / one:8,.0f} people/s   worker peak {peaks[1]:.0f} MB")
    print(f"  cmxl bulk -j 2  {two:7.2f} s   {total / two:8,.0f} people/s   worker peak {peaks[2]:.0f} MB")
    print(
        f"  baseline        {b:7.2f} s   {total / b:8,.0f} people/s   (pandas.read_excel + scoring + to_excel + roster)"
    )
    print(f"  scaling -j 1 -> -j 2: {one / two / 2:.0%} of ideal (speed-up {one / two:.2f}x)")
    print(
        f"    the pool (files):       -j 1 {pool1:5.2f} s  -j 2 {pool2:5.2f} s  scaling {pool1 / pool2 / 2:.0%} of ideal"
    )
    print(f"    after the pool (roster): -j 1 {after[1]:5.2f} s  -j 2 {after[2]:5.2f} s  (one process, either way)")
    print(f"  cmxl -j 2 / baseline speed: {b / two:.2f}x")
    print(f"  main process peak {me:.0f} MB")


if __name__ == "__main__":
    main()
