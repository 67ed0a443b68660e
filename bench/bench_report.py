"""Report benchmark: build and write the formatted results workbook for N people (default 5,000).

    .venv/bin/python bench/bench_report.py [N] [REPEATS]

Prints medians of REPEATS runs for building the ReportSpec and for rendering it to .xlsx,
and, as a baseline measured in the same run, pandas.DataFrame.to_excel of the same 评分明细
values (no formats, charts or formulas). A figure, not a pass/fail test.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scoring import build_grid

from cmxl.core.engine.assessment import assess
from cmxl.core.layout.results import build_results
from cmxl.core.model.loading import catalogue
from cmxl.xlsx.render import render


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    cat = catalogue()
    grid = build_grid(n)
    a = assess(grid, cat.framework("cm18"), cat, dt.date(2026, 12, 1))
    build, write, baseline = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            t0 = time.perf_counter()
            spec = build_results(a, grid, source="bench.xlsx", sha256="", tool_version="bench", created="now")
            t1 = time.perf_counter()
            render(spec, Path(tmp) / "r.xlsx")
            t2 = time.perf_counter()
            detail = spec.sheet("评分明细")
            cols = detail.max_col + 1
            frame = pd.DataFrame(
                [
                    [cell.value if (cell := detail.cell(r, c)) is not None else None for c in range(cols)]
                    for r in range(1, detail.max_row + 1)
                ]
            )
            t3 = time.perf_counter()
            frame.to_excel(Path(tmp) / "b.xlsx", index=False)
            t4 = time.perf_counter()
            build.append(t1 - t0)
            write.append(t2 - t1)
            baseline.append(t4 - t3)
        size = (Path(tmp) / "r.xlsx").stat().st_size
    b, w, base = (statistics.median(x) for x in (build, write, baseline))
    print(f"people: {n:,}  repeats: {repeats}  (medians)  results file: {size / 1e6:.1f} MB")
    print(f"  build ReportSpec   {b:7.2f} s")
    print(f"  render .xlsx       {w:7.2f} s")
    print(f"  total              {b + w:7.2f} s   {n / (b + w):9,.0f} people/s")
    print(f"  baseline to_excel  {base:7.2f} s   (评分明细 values only)   ratio total/baseline {(b + w) / base:.2f}")


if __name__ == "__main__":
    main()
