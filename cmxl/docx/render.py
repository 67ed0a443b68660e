"""Person reports as a Word document, one page a person, each with a radar image; and, when
LibreOffice is installed, the same as PDF.

The document is written directly: python-docx gives the parts every document has (styles,
numbering, properties), each page is WordprocessingML from report_page.py, each radar a PNG from
radar.py. For a long report the pages are drawn by worker processes, in order; the body is
spooled to a temp file and the package renamed into place when whole.

Chinese text needs a CJK font in two places: the document names one for Word (Microsoft YaHei,
which Windows has; Word substitutes on other systems), and the radar image is drawn with the
first CJK font found on this machine. With no CJK font the report is refused with a message,
never drawn with boxes for characters."""

from __future__ import annotations

import collections
import contextlib
import io
import multiprocessing
import multiprocessing.context
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from cmxl.core.errors import ReportProblem
from cmxl.core.layout.person_report import PersonPage
from cmxl.files import replacing
from cmxl.xlsx.render import xml_text

CJK_FONTS = (
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
)
WORD_FONT = "Microsoft YaHei"


def cjk_font() -> str:
    """The first CJK font matplotlib can draw with on this machine."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise ReportProblem(
        "这台电脑上没有中文字体，无法绘制报告中的雷达图（不会用方框代替文字）。"
        "Windows 请确认有“微软雅黑”或“黑体”；Linux 请安装 fonts-noto-cjk"
    )


def _base_package(title: str) -> dict[str, bytes]:
    """The parts every report has (styles, numbering, settings, properties), from python-docx's
    default template with cmxl's fonts and A4 page; the body, its images and their relationships
    are written by write_docx."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "cmxl"
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.top_margin = section.bottom_margin = Cm(1.4)
    section.left_margin = section.right_margin = Cm(1.6)
    for style_name in ("Normal", "Heading 1", "Heading 2", "Table Grid", "List Bullet"):
        style = doc.styles[style_name]
        style.font.name = WORD_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), WORD_FONT)
    doc.styles["Normal"].font.size = Pt(9)
    out = io.BytesIO()
    doc.save(out)
    with zipfile.ZipFile(out) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def _rendered(work: tuple[list[PersonPage], int, str]) -> list[tuple[str, bytes]]:
    """Pages `start`… of a report: each page's XML and its radar PNG (in a worker or here)."""
    from cmxl.docx.radar import radar
    from cmxl.docx.report_page import page_xml

    pages, start, font = work
    out = []
    for k, page in enumerate(pages, start=start):
        drawn = radar(page.radar_labels, page.level_names, font, page.radar_history)
        png = drawn.png(page.radar_assessed, page.radar_standard, page.radar_previous)
        out.append((page_xml(page, k + 1, f"rIdRadar{k + 1}", k == 0), png))
    return out


CHUNK = 10  # pages a worker renders at a time (about 0.1 s: Ctrl-C waits for no more)
# people from whom drawing in worker processes pays: a forked worker starts at once, a spawned one
# (Windows) imports Python, cmxl and matplotlib first (1-2 s), worth it only for a long report
PARALLEL_FROM = {"fork": 60, "spawn": 400}


def _context() -> multiprocessing.context.BaseContext:
    """Forked workers where the platform forks safely (Linux): they start at once with matplotlib
    already imported. The command line draws its progress bar without a refresh thread, so no
    thread holds a lock while the process forks. Elsewhere spawned (Windows, macOS)."""
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _workers(jobs: int | None, people: int) -> int:
    if jobs is not None:
        return max(1, jobs)
    if people < PARALLEL_FROM[_context().get_start_method()]:
        return 1
    return min(os.cpu_count() or 1, 4)


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle


def write_docx(
    pages: list[PersonPage],
    target: Path,
    title: str,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
) -> None:
    """One page a person; written to a temp file beside `target`, then renamed. `progress(done,
    total)` is called once per person as their page is written. `jobs`: processes drawing the
    pages (default: one per core, up to 4, from PARALLEL_FROM people; 1: in this process).

    The package is written directly: each radar is its own image part, added once (python-docx's
    add_picture hashed every image already in the document for each new one: time grew with the
    square of the pages), the body is spooled to a temp file as pages arrive (memory stays flat),
    and PNGs are stored, not compressed again."""
    font = cjk_font()
    base = _base_package(xml_text(title))
    document = base.pop("word/document.xml").decode("utf-8")
    head, rest = document.split("<w:body>", 1)
    sect = rest[rest.index("<w:sectPr") : rest.index("</w:body>")]
    total = len(pages)
    work = [(pages[k : k + CHUNK], k, font) for k in range(0, total, CHUNK)]
    with replacing(target, program="Word", what="个人报告") as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf, tempfile.TemporaryFile() as body:
            for name, data in base.items():
                if name not in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
                    zf.writestr(name, data)
            done = 0
            for chunk in _each_chunk(work, _workers(jobs, total)):
                for xml, png in chunk:
                    done += 1
                    zf.writestr(zipfile.ZipInfo(f"word/media/radar{done}.png", date_time=FIXED_TIME), png)
                    body.write(xml.encode("utf-8"))
                    if progress:
                        progress(done, total)
            _write_document(zf, head, body, sect)
            rels = base["word/_rels/document.xml.rels"].decode("utf-8")
            mine = "".join(
                f'<Relationship Id="rIdRadar{k}" Type="{IMAGE_REL}" Target="media/radar{k}.png"/>'
                for k in range(1, total + 1)
            )
            zf.writestr("word/_rels/document.xml.rels", rels.replace("</Relationships>", mine + "</Relationships>"))
            types = base["[Content_Types].xml"].decode("utf-8")
            if 'Extension="png"' not in types:
                png_type = '<Default Extension="png" ContentType="image/png"/>'
                types = types.replace("<Default ", png_type + "<Default ", 1)
            zf.writestr("[Content_Types].xml", types)


FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _write_document(zf: zipfile.ZipFile, head: str, body, sect: str) -> None:
    if f'xmlns:wp="{NS_WP}"' not in head:
        head = head.replace("<w:document ", f'<w:document xmlns:wp="{NS_WP}" ', 1)
    with zf.open("word/document.xml", "w") as out:
        out.write(f"{head}<w:body>".encode())
        body.seek(0)
        shutil.copyfileobj(body, out, 1 << 20)
        out.write(f"{sect}</w:body></w:document>".encode())


def _each_chunk(work: list, workers: int) -> Iterator[list[tuple[str, bytes]]]:
    """The rendered chunks in order: from `workers` processes, or here. When the workers cannot
    be started or die (a script without a main guard on Windows, a full process table), the rest
    is drawn here: the report is written all the same."""
    done = 0
    if workers > 1 and len(work) > 1:
        from concurrent.futures import ProcessPoolExecutor

        try:
            pool = ProcessPoolExecutor(
                max_workers=min(workers, len(work)), mp_context=_context(), initializer=_worker_start
            )
        except OSError:
            pool = None
        if pool is not None:
            try:
                ahead: collections.deque = collections.deque()  # a few chunks in flight, none piling up
                for item in work:
                    ahead.append(pool.submit(_rendered, item))
                    if len(ahead) > 2 * workers:
                        yield ahead.popleft().result()
                        done += 1
                while ahead:
                    yield ahead.popleft().result()
                    done += 1
            except (BrokenProcessPool, OSError):
                pass
            except BaseException:  # Ctrl-C, or the writing failed: the pages in hand are not wanted
                for process in list(getattr(pool, "_processes", None) or {}):
                    with contextlib.suppress(Exception):
                        pool._processes[process].terminate()  # type: ignore[union-attr]
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    for item in work[done:]:
        yield _rendered(item)


def to_pdf(docx: Path) -> Path:
    """The PDF of a report, by LibreOffice; a clear message when it is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReportProblem("生成 PDF 需要 LibreOffice（未安装）；Word 报告已生成，可在 Word 中另存为 PDF")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(docx.parent),
                str(docx),
            ],
            capture_output=True,
            timeout=600,
            check=False,
        )
    pdf = docx.with_suffix(".pdf")
    if not pdf.exists():  # soffice exits 0 even when it failed
        raise ReportProblem(f"LibreOffice 没能把 {docx.name} 转为 PDF；Word 报告已生成")
    return pdf
