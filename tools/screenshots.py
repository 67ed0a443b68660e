"""Pictures for docs/excel.md, made from the real code:

- the cmxl window after scoring workbooks/陕西_2026.xlsx (on Xvfb; the workbook is the xlwings
  test double holding that file, since this machine has no Excel);
- a message the window shows when a clerk's own sheet has a name cmxl writes;
- the sheets written into the workbook as they print (the same ReportSpec through the file
  renderer, rendered by LibreOffice: 汇总 and 个人画像).

Run: .venv/bin/python tools/screenshots.py (needs tools/install_test_deps.sh)."""

from __future__ import annotations

import datetime as dt
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


def results_pictures() -> None:
    cat = catalogue()
    a = assess(read_workbook(SAMPLE), cat.framework(), cat, dt.date(2026, 12, 1))
    spec = build_in_workbook(a, source=SAMPLE.name, tool_version="0.1.0", created="2026-12-01T09:00:00")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        book = work / "in_workbook.xlsx"
        render(spec, book)
        [pdf] = convert([book], "pdf", work / "pdf", make_profile(work / "profile"))
        for page, name in ((1, "results_summary"), (2, "results_profile")):
            out = IMAGES / name
            subprocess.run(
                ["pdftoppm", "-png", "-r", "75", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(out)],
                check=True,
            )
            print(out.with_suffix(".png"))


if __name__ == "__main__":
    IMAGES.mkdir(parents=True, exist_ok=True)
    window_pictures()
    results_pictures()
