"""Person report benchmark: `cmxl report` for N people against a naive python-docx + matplotlib script.

    .venv/bin/python bench/bench_report_docx.py [N ...] [--repeats R]      (default 600 1000, R 1)

cmxl: the whole command, `cmxl report WORKBOOK` (start, read, assess, one page per person with
its radar, the .docx written), in a child process.
naive, in the same run: a script written the straightforward way (below, `naive`): python-docx's
Document, per person a heading, the two tables, a matplotlib figure drawn and saved as PNG and
`doc.add_picture`, the goals, the result and its reasons; `doc.save`. It is handed the pages
already laid out by cmxl's core (pickled), so it does no reading, no assessing and no fitting:
its time is the rendering alone. Also in a child process.

Prints, per N, the median time of each (and CPU time, which moves least on a machine shared with
other work), the ratio cmxl / naive, time per person (flat from 600 to 1,000 people when the work
is linear), and peak memory: the largest single process (its
maximum RSS, from wait4) and the whole process tree at its peak (proportional set size summed
over the process and its workers, polled every 50 ms; shared pages counted once). A figure, not
a pass/fail test.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

AS_OF = dt.date(2026, 12, 1)


def make_input(path: Path, n: int) -> Path:
    """A workbook of n people (random scores: most people have items below standard)."""
    from bench_scoring import build_grid

    from cmxl.core.layout.spec import ReportSpec, SheetSpec
    from cmxl.xlsx.render import render

    rows = build_grid(n).sheets[0].rows
    sheet = SheetSpec("测评数据")
    for r, row in enumerate(rows):
        sheet.put_row(r, 0, row)
    render(ReportSpec([sheet], {}), path)
    return path


def make_pages(workbook: Path, target: Path) -> Path:
    """The pages as cmxl's core lays them out, for the naive script to render."""
    from cmxl.core.layout.person_report import person_pages
    from cmxl.pipeline import assess_grid, read, rules

    a = assess_grid(read(workbook), rules(None, []), AS_OF)
    target.write_bytes(pickle.dumps(person_pages(a, workbook.name)))
    return target


def naive(pages_file: str, out: str) -> None:
    """The straightforward script: one figure per person, doc.add_picture per person."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm
    from matplotlib import pyplot as plt

    from cmxl.docx.render import cjk_font

    pages = pickle.loads(Path(pages_file).read_bytes())
    font = cjk_font()
    doc = Document()
    for n, page in enumerate(pages):
        doc.add_heading(page.title, level=1)
        if page.warning:
            doc.add_paragraph(page.warning)
        who = doc.add_table(rows=0, cols=4, style="Table Grid")
        for k in range(0, len(page.who), 2):
            cells = who.add_row().cells
            for j, (label, value) in enumerate(page.who[k : k + 2]):
                cells[2 * j].text, cells[2 * j + 1].text = label, value
        angles = np.linspace(0, 2 * np.pi, len(page.radar_labels), endpoint=False).tolist()
        fig = plt.figure(figsize=(5.0, 4.4), dpi=110)
        ax = fig.add_subplot(111, polar=True)
        for values, colour in ((page.radar_standard, "#C00000"), (page.radar_assessed, "#2E75B6")):
            data = [np.nan if v is None else v for v in values]
            ax.plot([*angles, angles[0]], [*data, data[0]], color=colour, linewidth=2)
        ax.set_xticks(angles)
        ax.set_xticklabels(page.radar_labels, fontsize=7, fontfamily=font)
        ax.set_yticks(range(1, len(page.level_names) + 1))
        ax.set_yticklabels(page.level_names, fontsize=6, fontfamily=font)
        ax.legend(["岗位标准级别", "测评级别"], loc="lower center", prop={"family": font, "size": 8})
        fig.tight_layout()
        png = io.BytesIO()
        fig.savefig(png, format="png")
        plt.close(fig)
        doc.add_picture(png, width=Cm(8.8))
        items = doc.add_table(rows=1, cols=5, style="Table Grid")
        for cell, head in zip(items.rows[0].cells, ["能力项", "得分", "级别", "标准", "差距"], strict=True):
            cell.text = head
        for line in page.items:
            for cell, value in zip(
                items.add_row().cells, [line.name, line.score, line.level, line.standard, line.gap], strict=True
            ):
                cell.text = value
        doc.add_heading("优势", level=2)
        doc.add_paragraph(page.strengths_text)
        doc.add_heading("发展目标", level=2)
        for goal in page.goals:
            doc.add_paragraph(goal.text)
        doc.add_heading("岗位技能认证", level=2)
        doc.add_paragraph(f"结果：{page.certification}")
        for reason in page.reasons:
            doc.add_paragraph(reason, style="List Bullet")
        if page.next_step:
            doc.add_paragraph(page.next_step)
        doc.add_paragraph(page.signature)
        if n < len(pages) - 1:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.save(out)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found


def _pss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, ValueError):
            pass
    return total / 1024


def timed(cmd: list[str]) -> tuple[float, float, float, float]:
    """(seconds, peak RSS of the largest process in MB, peak PSS of the process tree in MB, CPU
    seconds of the process and its workers: on a machine shared with other work, the figure that
    moves least)."""
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(0.05):
            peak[0] = max(peak[0], _pss_mb(_tree(child.pid)))

    watcher = threading.Thread(target=poll, daemon=True)
    if Path("/proc").is_dir():
        watcher.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - t0
    stop.set()
    child.returncode = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"{cmd} failed ({child.returncode}): {err}")
    return seconds, usage.ru_maxrss / 1024, peak[0], usage.ru_utime + usage.ru_stime


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--naive":
        naive(args[1], args[2])
        return
    repeats = 1
    if "--repeats" in args:
        k = args.index("--repeats")
        repeats = int(args[k + 1])
        del args[k : k + 2]
    sizes = [int(a) for a in args] or [600, 1000]
    exe = str(Path(sys.executable).with_name("cmxl"))
    print(f"{os.cpu_count()} cores; medians of {repeats} run(s); memory: largest process RSS / tree PSS")
    per_person: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n in sizes:
            book = make_input(root / f"bench_{n}.xlsx", n)
            pages = make_pages(book, root / f"pages_{n}.pickle")
            mine, base = [], []
            for r in range(repeats):  # interleaved, so that a noisy moment does not fall on one side
                out = root / f"out{n}_{r}"
                mine.append(timed([exe, "report", str(book), "-o", str(out), "--as-of", AS_OF.isoformat()]))
                base.append(timed([sys.executable, __file__, "--naive", str(pages), str(root / f"naive{n}_{r}.docx")]))
            t_c, t_n = statistics.median(m[0] for m in mine), statistics.median(b[0] for b in base)
            cpu_c, cpu_n = statistics.median(m[3] for m in mine), statistics.median(b[3] for b in base)
            rss_c, pss_c = max(m[1] for m in mine), max(m[2] for m in mine)
            rss_n, pss_n = max(b[1] for b in base), max(b[2] for b in base)
            per_person[n] = (t_c / n, t_n / n)
            print(
                f"{n:>6} people  cmxl {t_c:7.2f} s ({t_c / n * 1000:5.1f} ms/person, CPU {cpu_c:6.1f} s, "
                f"{rss_c:4.0f} / {pss_c:4.0f} MB)   naive {t_n:7.2f} s ({t_n / n * 1000:6.1f} ms/person, "
                f"CPU {cpu_n:6.1f} s, {rss_n:4.0f} / {pss_n:4.0f} MB)   ratio {t_c / t_n:.3f} (CPU {cpu_c / cpu_n:.3f})"
            )
    if len(per_person) > 1:
        first, last = min(per_person), max(per_person)
        print(
            f"time per person at {last} ÷ at {first}: cmxl {per_person[last][0] / per_person[first][0]:.2f}, "
            f"naive {per_person[last][1] / per_person[first][1]:.2f} (1.00 = linear)"
        )


if __name__ == "__main__":
    main()
