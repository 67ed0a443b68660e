"""Scoring benchmark: N people (default 100,000) through intake, scoring and certification.

    .venv/bin/python bench/bench_scoring.py [N] [REPEATS]

Reading the file is excluded: the grid is built in memory. Prints the median of REPEATS runs
for each stage and people per second. A figure, not a pass/fail test.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

from cmxl.core.engine.assessment import _certify_all
from cmxl.core.engine.intake import read_assessment
from cmxl.core.engine.scoring import score
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.model.loading import catalogue


def build_grid(n: int) -> WorkbookGrid:
    fw = catalogue().framework("cm18")
    rng = random.Random(7)
    items = [c.name for c in fw.competencies if not c.subitems]
    subs = [s for c in fw.competencies for s in c.subitems]
    head = [
        "员工编号",
        "姓名",
        "单位",
        "现岗位级别",
        "申报认证等级",
        "本岗位累计年限",
        "培训学时",
        "试用期考核",
        "笔试成绩",
        "面试成绩",
        "模拟实战",
        "营销实战",
        "年度业绩考核",
        *items,
        *subs,
    ]
    grades = [g.name for g in fw.grades]
    rows: list[list[object]] = [head]
    for i in range(n):
        applied = rng.choice(["", "四级", "三级", "二级", "一级"])
        rows.append(
            [
                f"{i:07d}",
                "张三",
                "南京分公司",
                rng.choice(grades),
                applied,
                float(rng.randint(0, 6)),
                float(rng.randint(10, 40)),
                "合格",
                float(rng.randint(30, 100)),
                float(rng.randint(30, 100)),
                float(rng.randint(30, 100)),
                float(rng.randint(30, 100)),
                rng.choice(["优秀", "良好", "合格"]),
                *[float(rng.randint(20, 100)) for _ in items],
                *[float(rng.randint(20, 100)) for _ in subs],
            ]
        )
    return WorkbookGrid("bench.xlsx", [SheetGrid("测评数据", rows)])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    cat = catalogue()
    fw = cat.framework("cm18")
    grid = build_grid(n)
    timings: dict[str, list[float]] = {"intake": [], "scoring": [], "certification": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        intake = read_assessment(grid, fw, cat.schemes, cat.workbook_format)
        t1 = time.perf_counter()
        score(fw, cat.schemes, intake)
        t2 = time.perf_counter()
        _certify_all(intake, cat, dt.date(2026, 12, 1))
        t3 = time.perf_counter()
        timings["intake"].append(t1 - t0)
        timings["scoring"].append(t2 - t1)
        timings["certification"].append(t3 - t2)
    print(f"people: {n:,}  repeats: {repeats}  (medians)")
    for stage, values in timings.items():
        med = statistics.median(values)
        print(f"  {stage:<14} {med:8.3f} s   {n / med:12,.0f} people/s")
    total = sum(statistics.median(v) for v in timings.values())
    print(f"  {'all':<14} {total:8.3f} s   {n / total:12,.0f} people/s")


if __name__ == "__main__":
    main()
