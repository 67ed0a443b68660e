"""Look at a file before parsing it: say clearly what it is when it is not a workbook we can read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from cmxl.core.errors import FileProblem

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 200 * 1024 * 1024  # a regional workbook is a few MB; 200 MB is not one
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # real sheet XML compresses ~10-30x; a zip bomb compresses thousands of times
SUPPORTED = {".xlsx", ".xlsm", ".xls"}


def check_workbook_file(path: Path) -> tuple[str, bytes]:
    """Return the format ('xlsx' or 'xls') and the file's bytes (read once), or raise FileProblem
    saying what is wrong."""
    name = str(path)
    if not path.exists():
        raise FileProblem(name, "missing", "文件不存在，请检查路径")
    if not path.is_file():
        raise FileProblem(name, "not-a-file", "这是一个文件夹，不是工作簿文件")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileProblem(
            name,
            "too-large",
            f"文件过大（{size / 1048576:.0f} MB，上限 {MAX_FILE_BYTES // 1048576} MB），不像是测评工作簿",
        )
    if size == 0:
        raise FileProblem(name, "not-a-workbook", "文件是空的（0 字节），请重新保存或重新发送")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise FileProblem(name, "unreadable", "没有读取权限，请检查文件权限或先在 Excel 中关闭它") from None
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileProblem(name, "encrypted", "工作簿设置了打开密码（已加密），请在 Excel 中取消密码后另存再处理")
        return "xls", data
    if data.startswith(ZIP_MAGIC):
        _check_zip(name, data)
        return "xlsx", data
    raise FileProblem(
        name,
        "not-a-workbook",
        "不是 Excel 工作簿（.xlsx/.xlsm/.xls），请确认文件类型；如是 CSV 请在 Excel 中另存为 .xlsx",
    )


def _check_zip(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise FileProblem(name, "not-a-workbook", "文件已损坏或不完整（无法解压），请重新保存或重新发送") from None
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise FileProblem(name, "not-a-workbook", "这是一个压缩包或其他 Office 文档，不是 Excel 工作簿")
    if "xl/workbook.bin" in names:
        raise FileProblem(name, "not-a-workbook", "这是 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem(name, "zip-bomb", f"解压后过大（{unpacked / 1073741824:.1f} GB），已拒绝处理（疑似压缩炸弹）")
    for info in infos:
        if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileProblem(name, "zip-bomb", f"压缩比异常（{info.filename}），已拒绝处理（疑似压缩炸弹）")
