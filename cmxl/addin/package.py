"""Build and install the Excel add-in cmxl.xlam.

It is xlwings' own ribbon add-in template (quickstart_addin_ribbon.xlam, shipped in the
xlwings package) with three things changed, at the level of the file's XML parts (no Excel
needed, nothing of its VBA touched):

- customUI.xml: a tab 能力测评 whose button calls the template's one VBA callback,
  RibbonMyAddin.RunMain. That callback runs `import <add-in name>; <add-in name>.main()` in
  Python on the active workbook, so the add-in is named cmxl.xlam and `cmxl.main()` opens
  the cmxl window (cmxl/addin/launcher.py);
- its configuration sheet, renamed from _myaddin.conf to myaddin.conf (the template's
  compiled VBA reads the sheet called PROJECT_NAME & ".conf", PROJECT_NAME being "myaddin";
  the leading underscore is how the template ships it switched off): the Python interpreter,
  and ADD_WORKBOOK_TO_PYTHONPATH off, so a cmxl.py lying beside a regional workbook is
  never imported instead of the installed package;
- the worksheet functions' module, for xlwings' "Import Functions" (docs/excel.md).

`--native` adds one ribbon button per action through a VBA dispatcher (templates/excel/),
which has to be imported into the add-in's VBA project by Excel itself, on Windows."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import os
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from cmxl.api.errors import AddinProblem
from cmxl.api.files import replacing

TEMPLATE = "quickstart_addin_ribbon.xlam"
ADDIN_NAME = "cmxl.xlam"  # the callback imports the add-in's name: cmxl, then calls cmxl.main()
CALLBACK = "RibbonMyAddin.RunMain"
CONFIG_SHEET_SHIPPED, CONFIG_SHEET = "_myaddin.conf", "myaddin.conf"
VBA_PROJECT = "cmxl"  # the add-in's VBA project, once Excel has touched it (--functions, --native)
UDF_MODULE = "cmxl.addin.udfs"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "excel"
NATIVE_UI, NATIVE_VBA = "customUI_native.xml", "CmxlRibbon.bas"

RIBBON = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="cmxlTab" label="能力测评">
        <group id="cmxlGroup" label="客户经理能力测评">
          <button id="cmxlOpen" label="打开测评工具" size="large" imageMso="AcceptInvitation"
                  onAction="{CALLBACK}"
                  screentip="cmxl 能力测评"
                  supertip="对当前工作簿校验、评分；批量处理一个文件夹的地市工作簿；新建测评模板；选择能力模型。"/>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


@dataclass(frozen=True)
class Settings:
    interpreter_win: str = ""
    interpreter_mac: str = ""

    @classmethod
    def for_interpreter(cls, path: str) -> Settings:
        """The Python an add-in built here calls on another computer: a Windows path (C:\\…, \\\\server\\…)
        for Windows Excel, a POSIX path for Excel on a Mac; never one path for both."""
        text = path.strip().strip('"')
        if WINDOWS_PATH.match(text):
            return cls(interpreter_win=text)
        if text.startswith("/"):
            return cls(interpreter_mac=text)
        raise AddinProblem(
            f"--interpreter “{path}” 不是完整路径：请写 Windows 电脑上 pythonw.exe 的完整路径，"
            r"如 C:\Users\<用户名>\cmxl\.venv\Scripts\pythonw.exe"
        )

    def rows(self) -> list[tuple[str, str | bool]]:
        """The configuration sheet, as xlwings' VBA reads it (key in A, value in B, no gaps). Every
        key the VBA asks for is here (tests/test_excel_addin.py lists them from the VBA itself):
        a key missing from the add-in's sheet sends the VBA on to the active workbook's folder
        and the user's files, which fails when no workbook is open. A value the VBA gives a
        default for carries that default (environment variables are expanded by the VBA)."""
        return [
            ("Interpreter_Win", self.interpreter_win),
            ("Interpreter_Mac", self.interpreter_mac),
            ("Interpreter", self.interpreter_win or "pythonw"),  # the VBA's fallback when the above is empty
            ("PYTHONPATH", ""),
            ("ADD_WORKBOOK_TO_PYTHONPATH", "False"),
            ("UDF Modules", UDF_MODULE),
            ("Debug UDFs", False),
            ("Use UDF Server", False),
            ("Show Console", False),
            ("SHOW_ERROR_POPUPS", "True"),
            ("Conda Path", ""),
            ("Conda Env", ""),
            ("TEMP DIR", "%TEMP%"),
            ("LICENSE_KEY", ""),
            ("ONEDRIVE_CONSUMER_WIN", ""),
            ("ONEDRIVE_COMMERCIAL_WIN", ""),
            ("SHAREPOINT_WIN", ""),
            ("ONEDRIVE_CONSUMER_MAC", ""),
            ("ONEDRIVE_COMMERCIAL_MAC", ""),
            ("SHAREPOINT_MAC", ""),
            (XLWINGS_VERSION_KEY, _xlwings_version()),  # not read by the VBA: for cmxl addin check
        ]


WINDOWS_PATH = re.compile(r"^([A-Za-z]:[\\/]|\\\\)")
XLWINGS_VERSION_KEY = "CMXL_XLWINGS_VERSION"


def _xlwings_version() -> str:
    try:
        return importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        return ""


def this_interpreter() -> Settings:
    """The Python running now, which has cmxl installed: pythonw.exe on Windows (no console
    window flashes up when the button is pressed)."""
    exe = Path(sys.executable)
    if sys.platform == "win32":
        windowless = exe.with_name("pythonw.exe")
        return Settings(interpreter_win=str(windowless if windowless.exists() else exe))
    if sys.platform == "darwin":
        return Settings(interpreter_mac=str(exe))
    return Settings()


def template_path() -> Path:
    try:
        path = Path(str(importlib.resources.files("xlwings") / TEMPLATE))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.exists():
        raise AddinProblem(f"找不到 xlwings 的加载项模板 {TEMPLATE}。请先安装 Excel 支持：pip install 'cmxl[excel]'")
    return path


def build(target: Path, settings: Settings, native: bool = False) -> Path:
    """Write the add-in to `target` (replacing it atomically). An add-in that names no Python
    is refused: Excel would run whatever `python` it finds first (perhaps the Microsoft Store's
    stand-in, which only opens the Store)."""
    if not (settings.interpreter_win or settings.interpreter_mac):
        raise AddinProblem(
            "没有指定 Excel 要调用的 Python：这台电脑不是 Windows，请用 --interpreter 写出目标 Windows 电脑上 "
            r"pythonw.exe 的完整路径，如 --interpreter C:\Users\<用户名>\cmxl\.venv\Scripts\pythonw.exe"
        )
    ribbon = (TEMPLATES / NATIVE_UI).read_text(encoding="utf-8") if native else RIBBON
    parts = {
        "customUI/customUI.xml": ribbon.encode("utf-8"),
        "xl/worksheets/sheet1.xml": _config_sheet(settings.rows()),
    }
    template = template_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        replacing(target, what="加载项") as tmp,
        zipfile.ZipFile(template) as src,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = parts.pop(info.filename, None)
            if data is None:
                data = src.read(info.filename)
                if info.filename == "xl/workbook.xml":
                    data = data.replace(f'name="{CONFIG_SHEET_SHIPPED}"'.encode(), f'name="{CONFIG_SHEET}"'.encode())
            dst.writestr(info.filename, data)
        if parts:
            raise AddinProblem(f"xlwings 的加载项模板中没有 {', '.join(parts)}（xlwings 版本不受支持）")
    if native:
        _import_dispatcher(target)
    return target


def _config_sheet(rows: list[tuple[str, str | bool]]) -> bytes:
    cells = []
    for r, (key, value) in enumerate(rows, start=1):
        b = (
            f'<c r="B{r}" s="1" t="b"><v>{int(value)}</v></c>'
            if isinstance(value, bool)
            else (f'<c r="B{r}" s="1" t="inlineStr"><is><t>{escape(value)}</t></is></c>' if value else "")
        )
        cells.append(f'<row r="{r}"><c r="A{r}" s="1" t="inlineStr"><is><t>{escape(key)}</t></is></c>{b}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetPr codeName="Sheet2"/>'
        f'<dimension ref="A1:B{len(rows)}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15.75"/>'
        '<cols><col min="1" max="1" width="30" customWidth="1"/><col min="2" max="2" width="70" customWidth="1"/></cols>'
        f"<sheetData>{''.join(cells)}</sheetData>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    ).encode()


def _in_excel(target: Path, option: str, change, app_factory=None) -> None:
    """Let Excel change the add-in's VBA project (only Excel can write one): Windows, with
    "Trust access to the VBA project object model" on (docs/excel.md).

    A blank workbook is opened beside the add-in, so the VBA has an active workbook (it reads
    ActiveWorkbook.FullName on the way to Python, error 91 without one); xlwings' error pop-ups
    are switched off meanwhile, so an error lands on a sheet of that workbook, is read back and
    said here, instead of a hidden message box that would wait for a click nobody can give."""
    if app_factory is None:
        if sys.platform != "win32":
            raise AddinProblem(f"{option} 需要在装有 Excel 的 Windows 电脑上运行（由 Excel 把 VBA 代码写进加载项）")
        import xlwings as xw  # only here: building the plain add-in needs no Excel

        app_factory = lambda: xw.App(visible=False, add_book=False)  # noqa: E731
    app = app_factory()
    try:
        book = app.books.open(str(target))
        scratch = app.books.add()  # the active workbook while the VBA runs
        popups = _config_cell(book, "SHOW_ERROR_POPUPS")
        popups.value = "False"
        try:
            change(book)
        finally:
            popups.value = "True"
        said = _error_sheet(scratch)
        if said:
            raise AddinProblem(f"Excel 执行 {option} 时报告：{said}")
        # the template's VBA project is called "myaddin", like every add-in built from it: Excel
        # keeps one project of a name, so two such add-ins clash. Its name is a property of the
        # project Excel can set (the VBA's own PROJECT_NAME constant, which names the settings
        # sheet, is a different thing and stays)
        book.api.VBProject.Name = VBA_PROJECT
        book.save()
    except AddinProblem:
        raise
    except Exception as exc:
        raise AddinProblem(
            f"Excel 无法修改加载项（{exc}）。请在 Excel 的 信任中心 → 宏设置 中勾选“信任对 VBA 工程对象模型的访问”后重试"
        ) from None
    finally:
        app.quit()


def _config_cell(book, key: str):
    """The value cell (column B) of `key` on the add-in's configuration sheet."""
    sheet = book.sheets[CONFIG_SHEET]
    keys = sheet.range("A1").expand("down").value
    keys = keys if isinstance(keys, list) else [keys]
    row = [str(k).upper() for k in keys].index(key.upper()) + 1
    return sheet.range(f"B{row}")


def _error_sheet(scratch) -> str:
    """What xlwings' VBA wrote on its "Error" sheet of the active workbook (pop-ups off), if anything."""
    if "Error" not in [s.name for s in scratch.sheets]:
        return ""
    text = scratch.sheets["Error"].range("A1").value
    return " ".join(str(text or "").split())[:400]


def _import_dispatcher(target: Path) -> None:
    """The native ribbon's VBA dispatcher into the add-in."""
    _in_excel(target, "--native", lambda book: book.api.VBProject.VBComponents.Import(str(TEMPLATES / NATIVE_VBA)))


def import_functions(target: Path) -> None:
    """The worksheet functions (UDF Modules: cmxl.addin.udfs) into the add-in: xlwings' own
    macro of the template writes their VBA wrappers, as its "Import Functions" button does."""
    _in_excel(target, "--functions", lambda book: book.macro("ImportPythonUDFsToAddin")())


def startup_folder() -> Path:
    """Where Excel opens add-ins by itself at start (the user's XLSTART)."""
    if sys.platform == "win32":
        return Path(os.environ["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":
        return Path.home() / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    raise AddinProblem(
        "这台电脑上没有 Excel。请在装有 Excel 的 Windows 电脑上运行 cmxl addin install；"
        "或用 cmxl addin build 生成 cmxl.xlam，按 docs/excel.md 手工安装"
    )


def install(folder: Path | None, settings: Settings, native: bool = False, functions: bool = False) -> Path:
    folder = folder or startup_folder()
    work = Path(tempfile.mkdtemp())
    target = folder / ADDIN_NAME
    try:
        built = build(work / ADDIN_NAME, settings, native)
        if functions:
            import_functions(built)
        folder.mkdir(parents=True, exist_ok=True)
        with replacing(target, what="加载项") as tmp:  # an add-in Excel has open is replaced whole or not at all
            shutil.copyfile(built, tmp)
    except PermissionError:
        raise AddinProblem(f"{target} 正被占用：请先关闭 Excel 再安装") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
