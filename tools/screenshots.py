"""Pictures for docs/excel.md and the README, made from the real code:

- the cmxl window after scoring workbooks/陕西_2026.xlsx (on Xvfb; the workbook is the xlwings
  test double holding that file, since this machine has no Excel);
- a message the window shows when a clerk's own sheet has a name cmxl writes;
- the sheets written into the workbook as they print (the same ReportSpec through the file
  renderer, rendered by LibreOffice: 汇总, 个人画像 and 培训需求);
- a page of the person report and a printed certificate (cmxl report, cmxl certs print).

The workbook pictures, the report page and the certificate come from the README's own batch
(`cmxl bulk workbooks --issue-date 2026-12-01`); docs/images/figures.json records the numbers
they show (pages, counts, the certificate's number), which tests/test_pictures.py checks.

Run: .venv/bin/python tools/screenshots.py [--no-window] (needs tools/install_test_deps.sh)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import ImageGrab  # noqa: E402

from cmxl.addin.launcher import ExcelDesk, open_launcher  # noqa: E402
from cmxl.core.engine.assessment import assess  # noqa: E402
from cmxl.core.layout.results import build_in_workbook  # noqa: E402
from cmxl.core.model.loading import catalogue  # noqa: E402
from cmxl.xlsx.read import read_workbook  # noqa: E402
from cmxl.xlsx.render import render  # noqa: E402
from tests.libreoffice import convert, make_profile  # noqa: E402
from tests.virtual_screen import virtual_screen  # noqa: E402
from tests.xlwings_double import Book  # noqa: E402

IMAGES = ROOT / "docs" / "images"
SAMPLE = ROOT / "workbooks" / "陕西_2026.xlsx"
ISSUE_DATE = dt.date(2026, 12, 1)  # the README's batch: cmxl bulk workbooks --issue-date 2026-12-01
FIGURES = IMAGES / "figures.json"  # what the pictures show, checked by tests/test_pictures.py


class Quiet:
    """Dialogs that answer nothing (a message box would wait for a person)."""

    def error(self, message: str) -> None:
        pass

    def folder(self) -> str:
        return ""

    def save_as(self, default: str) -> str:
        return ""

    def model_file(self) -> str:
        return ""


def grab(launcher, display: str, path: Path) -> None:
    root = launcher.root
    for _ in range(5):
        root.update()
        time.sleep(0.1)
    box = (
        root.winfo_rootx(),
        root.winfo_rooty(),
        root.winfo_rootx() + root.winfo_width(),
        root.winfo_rooty() + root.winfo_height(),
    )
    ImageGrab.grab(bbox=box, xdisplay=display).save(path)
    print(path)


def window_pictures() -> None:
    with tempfile.TemporaryDirectory() as tmp, virtual_screen() as display:
        import os

        os.environ["CMXL_SETTINGS"] = str(Path(tmp) / "settings.json")
        book = Book._from_grid(read_workbook(SAMPLE), f"D:/2026下半年/{SAMPLE.name}")
        launcher = open_launcher(book, dialogs=Quiet(), desk=ExcelDesk(book))
        launcher.buttons["score"].invoke()
        grab(launcher, display, IMAGES / "launcher.png")
        launcher.root.destroy()

        taken = Book._from_grid(read_workbook(SAMPLE), f"D:/2026下半年/{SAMPLE.name}")
        taken.sheets.add("汇总", after=taken.sheets[-1])
        launcher = open_launcher(taken, dialogs=Quiet(), desk=ExcelDesk(taken))
        launcher.buttons["score"].invoke()
        grab(launcher, display, IMAGES / "launcher_error.png")
        launcher.root.destroy()


def first_page_of(pdf: Path, header: str) -> int:
    """The first page whose page header (its first text line) is `header`."""
    pages = int(next(line.split()[1] for line in _run(["pdfinfo", str(pdf)]).splitlines() if line.startswith("Pages:")))
    for page in range(1, pages + 1):
        text = _run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]).strip()
        if text.splitlines() and text.splitlines()[0].strip().startswith(header):
            return page
    raise SystemExit(f"{header} not found in {pdf}")


def _run(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def picture(pdf: Path, page: int, name: str, dpi: int = 75) -> None:
    out = IMAGES / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(out)],
        check=True,
    )
    print(out.with_suffix(".png"))


def readme_batch(work: Path) -> tuple[object, Path]:
    """The README's own batch: `cmxl bulk workbooks --issue-date 2026-12-01` on a copy of workbooks/
    (its ledger beside the copy, as the command's would be beside workbooks_输出)."""
    import cmxl

    folder = work / "workbooks"
    folder.mkdir()
    for book in sorted((ROOT / "workbooks").glob("*.xlsx")):
        (folder / book.name).write_bytes(book.read_bytes())
    return cmxl.bulk(folder, issue_date=ISSUE_DATE, jobs=1), work / "证书台账.sqlite"


def pages_of(pdf: Path) -> int:
    return int(next(line.split()[1] for line in _run(["pdfinfo", str(pdf)]).splitlines() if line.startswith("Pages:")))


def results_pictures(batch, work: Path) -> dict:
    """The sheets as they print: 汇总 and 培训需求 of the batch's 陕西 results; 个人画像 as written
    into the open workbook (the add-in's, docs/excel.md)."""
    cat = catalogue()
    a = assess(read_workbook(SAMPLE), cat.framework(), cat, ISSUE_DATE)
    spec = build_in_workbook(a, source=SAMPLE.name, tool_version="0.1.0", created="2026-12-01T09:00:00")
    book = work / "in_workbook.xlsx"
    render(spec, book)
    results = batch.roster.parent / f"{SAMPLE.stem}_评分结果.xlsx"
    profile = make_profile(work / "profile")
    [pdf, in_book] = convert([results, book], "pdf", work / "pdf", profile)
    picture(pdf, first_page_of(pdf, f"{SAMPLE.name} 评分汇总"), "results_summary")
    picture(in_book, first_page_of(in_book, "个人能力画像"), "results_profile")
    picture(pdf, first_page_of(pdf, "培训需求"), "training_needs")
    return {"file": results.name, "pages": pages_of(pdf)}


def report_and_certificate_pictures(batch, ledger: Path, work: Path) -> dict:
    """A page of the person report (the batch's issue date as the as-of date, as the roster's) and
    the batch's first certificate, printed."""
    import cmxl
    from cmxl.docx.certificates import print_certificates
    from cmxl.ledger import Ledger

    [report] = cmxl.report([SAMPLE], output=work, as_of=ISSUE_DATE, pdf=True)
    picture(report.output.with_suffix(".pdf"), 2, "person_report", dpi=70)
    with Ledger(ledger, read_only=True) as db:
        certs = sorted(db.all(), key=lambda c: c.number)[:1]
    docx = print_certificates(certs, ROOT / "templates" / "证书模板.docx", work / "证书.docx")
    [pdf] = convert([docx], "pdf", work / "cert-pdf", make_profile(work / "profile2"))
    picture(pdf, 1, "certificate", dpi=60)
    return {"number": certs[0].number, "name": certs[0].name, "employee_id": certs[0].employee_id}


def book_pictures() -> None:
    """Every picture made from the README's batch, and FIGURES: the numbers they show, which
    tests/test_pictures.py recomputes from today's code."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        batch, ledger = readme_batch(work)
        figures = {
            "command": "cmxl bulk workbooks --issue-date 2026-12-01",
            "batch": {"people": batch.people, "passed": batch.passed, "held": batch.held},
            "results_summary": results_pictures(batch, work),
            "certificate": report_and_certificate_pictures(batch, ledger, work),
        }
    FIGURES.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(FIGURES)


if __name__ == "__main__":
    IMAGES.mkdir(parents=True, exist_ok=True)
    if "--no-window" not in sys.argv:  # the window's pictures need Xvfb
        window_pictures()
    book_pictures()
