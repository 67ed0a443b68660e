"""A workbook written as a file: openpyxl's package, its big sheets' rows streamed into the zip
and compressed on a second thread, through cmxl.files (a temp file beside the target, then a
rename)."""

from __future__ import annotations

import contextlib
import io
import queue
import re
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

from openpyxl import Workbook

# check_target and temp_beside were defined here: cmxl/xlsx/render.py and cmxl/docx/render.py import them from here
from cmxl.files import check_target as check_target
from cmxl.files import replacing
from cmxl.files import temp_beside as temp_beside

_EMPTY_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.S)  # openpyxl wrote no cells
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
ZIP64_FROM = 1 << 30  # a member expected beyond this (of zipfile's 2 GiB) is written with ZIP64 sizes
# Deflate level, measured on a 10,000-person results workbook (93 MB of XML, one core):
#   level        1     2     3     4     5     6 (default)
#   zlib    s    0.23  0.26  0.37  0.39  0.54  0.84
#           MB   10.6  10.2  9.5   9.4   8.13  7.85
#   zlib-ng s    0.11  0.14  0.20  0.30  0.35  0.60
#           MB   14.3  10.2  9.5   8.7   8.00  7.99
# 5 with zlib-ng: a third less time than zlib's 5 for a file a little smaller (below 5 files grow
# by a tenth or more, and results are mailed and archived); `cmxl score` of 10,000 people
# 2.22 -> 2.08 s. zlib-ng writes the same deflate format, so any reader reads the files; without
# it (not installed) zlib's 5 is used.
COMPRESS_LEVEL = 5
try:
    from zlib_ng import zlib_ng as _deflate
except ImportError:  # pragma: no cover - a dependency, but the files are the same without it
    _deflate = None


class DirectRows(Protocol):
    """A sheet's rows written directly (cmxl.xlsx.rows.SheetRows)."""

    dimension: str

    def chunks(self) -> Iterator[str]: ...

    def size_hint(self) -> int: ...


def _write_package(wb: Workbook, target: str, direct: dict[str, DirectRows]) -> None:
    """Save the workbook to `target`, the rows of the `direct` sheets written into their zip
    members as they are made. openpyxl first saves the package with those sheets empty (in
    memory: it is small, and a failure there leaves nothing on disk). Its members are then
    handed, in order, to a second thread that writes and compresses them, a direct sheet's
    markup piece by piece while the next piece is made (zlib lets go of the interpreter while it
    compresses, so the two overlap on two cores; nothing waits at the end of a sheet).
    On any failure (a full disk, Ctrl-C) the half-written file is closed quietly: a zip left to
    the garbage collector prints 'Exception ignored in ZipFile.__del__'."""
    package = io.BytesIO()
    wb.save(package)
    with zipfile.ZipFile(package) as src:
        members = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    try:
        _write_members(target, members, direct, zip64=False)
    except RuntimeError as exc:  # a sheet beyond 2 GiB of markup (long texts in many cells): again with ZIP64
        if "zip64" not in str(exc).lower():
            raise
        _write_members(target, members, direct, zip64=True)


def _write_members(target: str, members: list[tuple[str, bytes]], direct: dict[str, DirectRows], zip64: bool) -> None:
    """The package's members into a new zip at `target`, the direct sheets' rows made on the way.
    Without `zip64`, a direct sheet gets ZIP64 sizes only when its estimate calls for them:
    Excel 2007 warns about files that have them."""
    dst = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
    try:
        with _ZipThread(dst) as out:
            for name, data in members:
                rows = direct.get(name)
                if rows is None:
                    out.put(("whole", name, data))
                    continue
                skeleton = data.decode("utf-8")
                empty = _EMPTY_SHEET_DATA.search(skeleton)
                if empty is None:
                    raise OSError(0, f"{name} 中没有可写入的表格数据位置")
                head = _DIMENSION.sub(f'<dimension ref="{rows.dimension}"/>', skeleton[: empty.start()], count=1)
                out.put(("open", name, zip64 or rows.size_hint() > ZIP64_FROM))
                out.put(("piece", head.encode("utf-8")))
                for chunk in rows.chunks():
                    out.put(("piece", chunk.encode("utf-8")))
                out.put(("piece", skeleton[empty.end() :].encode("utf-8")))
                out.put(("close",))
        dst.close()
    except BaseException:
        with contextlib.suppress(Exception):
            dst.close()
        dst.fp = None  # nothing left for __del__ to flush
        raise


class _ZipThread:
    """Writes (and so compresses) the package's members on a thread of its own: whole members,
    or a member opened, written piece by piece, and closed. A failure there (a full disk) is
    raised in the caller at its next item or at the end."""

    def __init__(self, dst: zipfile.ZipFile):
        self.dst = dst
        self.queue: queue.Queue[tuple | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="cmxl-zip", daemon=True)

    def __enter__(self) -> _ZipThread:
        # zlib lets go of the interpreter lock while it deflates, but takes it back each time its
        # output buffer grows; at the default 5 ms switch interval it waited for the lock so
        # long that making and compressing the rows hardly overlapped. Rendering 10k people,
        # by switch interval: 5 ms 1.41 s, 2 ms 0.94 s, 1 ms 0.84 s, 0.5 ms 0.80 s, 0.2 ms 0.74 s
        # (shorter was no steadier gain)
        self.interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self.interval, 0.0002))
        self.thread.start()
        return self

    def _run(self) -> None:
        member: IO[bytes] | None = None
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # after a failure the items still coming are dropped
            try:
                if item[0] == "piece":
                    assert member is not None
                    member.write(item[1])
                elif item[0] == "whole":
                    self.dst.writestr(item[1], item[2])
                elif item[0] == "open":
                    member = _faster(self.dst.open(item[1], "w", force_zip64=item[2]))
                else:
                    assert member is not None
                    member, closing = None, member
                    closing.close()
            except BaseException as exc:  # kept for the caller
                self.error = exc
        if member is not None:  # stopped half-way: the member is closed so the zip can be
            with contextlib.suppress(Exception):
                member.close()

    def put(self, item: tuple) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def __exit__(self, *exc: object) -> None:
        try:
            self.queue.put(None)
            self.thread.join()
        finally:
            sys.setswitchinterval(self.interval)
        if self.error is not None and exc[0] is None:
            raise self.error


def _faster(member: IO[bytes]) -> IO[bytes]:
    """A big member compressed by zlib-ng instead of zlib: zipfile has no choice of deflate
    library, so its member's compressor (set when the member was opened, nothing written yet)
    is replaced. zipfile still counts the sizes and the checksum of what is written. If a later
    Python names the compressor otherwise, zlib's is kept: the same file, a little slower."""
    if _deflate is not None and getattr(member, "_compressor", None) is not None:
        member._compressor = _deflate.compressobj(COMPRESS_LEVEL, _deflate.DEFLATED, -15)  # type: ignore[attr-defined]
    return member


def discard(wb: Workbook) -> None:
    """Finish the write-only sheets an interrupted or failed render left open. Their XML
    writers are suspended generators; left to the garbage collector they close out of order
    and lxml prints tracebacks ("Exception ignored in ...") after Ctrl-C or a full disk."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()


def save_atomically(wb: Workbook, path: Path, direct: dict[str, DirectRows] | None = None) -> None:
    """Never leaves a half-written file: a locked target or a full disk leaves the old file as it
    was (cmxl.files.replacing)."""
    with replacing(path, what="结果文件") as tmp:
        _write_package(wb, tmp, direct or {})
