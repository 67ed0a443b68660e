"""The add-in cmxl.xlam as Excel will load it: a sound package, a ribbon whose every callback is
in the VBA project, the configuration xlwings' VBA will read, and Python entry points that
import. Also the optional native ribbon's sources in templates/excel/."""

import importlib
import inspect
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from oletools.olevba import VBA_Parser
from typer.testing import CliRunner

from cmxl.cli import app

ROOT = Path(__file__).resolve().parents[1]
RIBBON_NS = "{http://schemas.microsoft.com/office/2006/01/customui}"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # xsd:ID, as the ribbon schema types ids
WINDOWS_PYTHON = r"C:\Users\hr\cmxl\.venv\Scripts\pythonw.exe"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("addin") / "cmxl.xlam"
    r = CliRunner().invoke(app, ["addin", "build", "-o", str(out), "--interpreter", WINDOWS_PYTHON])
    assert r.exit_code == 0, r.output
    return out


def vba_modules(path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_the_package_is_sound(built):
    with zipfile.ZipFile(built) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        types = ET.fromstring(z.read("[Content_Types].xml"))
        defaults = {d.get("Extension") for d in types.iter(f"{CT_NS}Default")}
        overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{CT_NS}Override")}
        assert overrides["xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        for name in names - {"[Content_Types].xml"}:
            assert name in overrides or name.rsplit(".", 1)[-1] in defaults, f"{name} has no content type"
        for rels in [n for n in names if n.endswith(".rels")]:
            base = rels.replace("_rels/", "").removesuffix(".rels").rsplit("/", 1)[0] if "/" in rels[:-5] else ""
            for rel in ET.fromstring(z.read(rels)).iter(f"{REL_NS}Relationship"):
                target = rel.get("Target").lstrip("/")
                full = target if rels == "_rels/.rels" else f"{base}/{target}" if base else target
                assert full in names, f"{rels} points at a missing {full}"
        for name in names:
            if name.endswith((".xml", ".rels")):
                ET.fromstring(z.read(name))  # every XML part well-formed


def test_the_ribbon_is_valid_and_every_callback_is_in_the_vba_project(built):
    with zipfile.ZipFile(built) as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
    assert ui.tag == f"{RIBBON_NS}customUI"
    tab = next(ui.iter(f"{RIBBON_NS}tab"))
    assert tab.get("label") == "能力测评"
    ids = [e.get("id") for e in ui.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and all(ID.match(i) for i in ids)
    assert all(len(e.get("label", "")) <= 1024 for e in ui.iter())
    callbacks = {e.get("onAction") for e in ui.iter() if e.get("onAction")}
    assert callbacks == {"RibbonMyAddin.RunMain"}
    modules = vba_modules(built)
    for callback in callbacks:
        module, proc = callback.split(".")
        assert re.search(rf"^Sub {proc}\(control As IRibbonControl\)", modules[module], re.M), callback


def config_rows(path) -> tuple[str, dict[str, str]]:
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    [name] = [s.get("name") for s in book.iter(f"{MAIN_NS}sheet")]
    rows = {}
    for row in sheet.iter(f"{MAIN_NS}row"):
        cells = {c.get("r")[0]: c for c in row.iter(f"{MAIN_NS}c")}
        text = {
            k: "".join(t.text or "" for t in c.iter(f"{MAIN_NS}t")) or (c.findtext(f"{MAIN_NS}v") or "")
            for k, c in cells.items()
        }
        rows[text["A"].upper()] = text.get("B", "")
    return name, rows


def test_the_configuration_is_what_xlwings_vba_reads(built):
    name, rows = config_rows(built)
    project = re.search(r'PROJECT_NAME As String = "(\w+)"', vba_modules(built)["xlwings"]).group(1)
    assert name == f"{project}.conf"  # the VBA reads that sheet; '_myaddin.conf' would be ignored
    assert rows["INTERPRETER_WIN"] == WINDOWS_PYTHON
    assert rows["ADD_WORKBOOK_TO_PYTHONPATH"].lower() == "false"  # a cmxl.py beside a workbook is not imported
    assert rows["UDF MODULES"] == "cmxl.addin.udfs"
    assert rows["SHOW CONSOLE"] == "0"


def test_every_python_entry_point_it_can_reach_imports(built):
    run_main = vba_modules(built)["RibbonMyAddin"]
    assert "ThisWorkbook.Name" in run_main and '".main()"' in run_main  # import <add-in name>; <name>.main()
    module = importlib.import_module(built.stem)  # cmxl.xlam -> cmxl
    assert callable(module.main)
    launcher = importlib.import_module("cmxl.addin.launcher")
    assert callable(launcher.run_from_excel) and callable(launcher.run_action)
    udfs = importlib.import_module("cmxl.addin.udfs")  # the UDF Modules setting
    for name in ("CMXL_LEVEL", "CMXL_TOTAL", "CMXL_GAP", "CMXL_CERT"):
        params = inspect.signature(getattr(udfs, name)).parameters.values()
        # xlwings' Import Functions (Windows only: it needs pywin32) refuses keyword-only and **kw
        # parameters; a name like CMXL1 would read as a cell address in Excel
        assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params), name
        assert re.fullmatch(r"CMXL_[A-Z]+", name)


def test_the_native_ribbon_sources_agree():
    from cmxl.addin.launcher import ACTIONS

    ui = ET.parse(ROOT / "templates" / "excel" / "customUI_native.xml").getroot()
    buttons = list(ui.iter(f"{RIBBON_NS}button"))
    ids = [e.get("id") for e in ui.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and all(ID.match(i) for i in ids)
    assert sorted(b.get("tag") for b in buttons) == sorted(ACTIONS)  # one button per action the window knows
    vba = (ROOT / "templates" / "excel" / "CmxlRibbon.bas").read_bytes()
    assert b"\r\n" in vba and b"\n" not in vba.replace(b"\r\n", b"")  # Windows line endings for VBA's import
    text = vba.decode("ascii")
    module = re.search(r'Attribute VB_Name = "(\w+)"', text).group(1)
    for callback in {b.get("onAction") for b in buttons}:
        mod, proc = callback.split(".")
        assert mod == module and re.search(rf"^Sub {proc}\(control As IRibbonControl\)", text, re.M)
    assert "launcher.run_action('\" & control.Tag & \"')" in text


def test_install_puts_it_where_excel_opens_it_and_says_so_when_there_is_no_excel(tmp_path):
    r = CliRunner().invoke(
        app, ["addin", "install", "--dir", str(tmp_path / "XLSTART"), "--interpreter", WINDOWS_PYTHON]
    )
    assert r.exit_code == 0 and (tmp_path / "XLSTART" / "cmxl.xlam").exists()
    assert "重新打开 Excel" in r.output
    r = CliRunner().invoke(app, ["addin", "install"])
    assert r.exit_code == 1 and "没有 Excel" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["addin", "build", "-o", str(tmp_path / "别的名字.xlam")])
    assert r.exit_code == 2 and "cmxl.xlam" in r.output


def test_an_add_in_that_names_no_windows_python_is_refused(tmp_path):
    """Built on Linux without --interpreter, Interpreter_Win was left empty: Excel would run the first
    `python` on PATH (perhaps the Microsoft Store's stand-in). A path for Windows is not also a Mac's."""
    r = CliRunner().invoke(app, ["addin", "build", "-o", str(tmp_path / "cmxl.xlam")])
    assert r.exit_code == 1 and "--interpreter" in r.output and "pythonw.exe" in r.output
    assert not (tmp_path / "cmxl.xlam").exists()
    r = CliRunner().invoke(app, ["addin", "build", "-o", str(tmp_path / "cmxl.xlam"), "--interpreter", "python"])
    assert r.exit_code == 1 and "不是完整路径" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["addin", "build", "-o", str(tmp_path / "cmxl.xlam"), "--interpreter", WINDOWS_PYTHON])
    _, rows = config_rows(tmp_path / "cmxl.xlam")
    assert (rows["INTERPRETER_WIN"], rows["INTERPRETER_MAC"]) == (WINDOWS_PYTHON, "")


def getconfig_keys(path) -> set[str]:
    """Every key xlwings' VBA asks GetConfig for, read from the VBA itself."""
    code = "\n".join(vba_modules(path).values())
    return {key.upper() for key in re.findall(r'GetConfig\("([^"]+)"', code)}


def test_every_key_the_vba_reads_is_on_the_add_ins_sheet(built):
    """A key missing there sends GetConfig on to ActiveWorkbook's folder: VBA error 91 when no workbook is
    open (as in `addin install --functions`, or a click on an empty Excel)."""
    keys = getconfig_keys(built)
    assert {"CONDA PATH", "CONDA ENV", "INTERPRETER_WIN", "UDF MODULES", "TEMP DIR"} <= keys  # the scan works
    _, rows = config_rows(built)
    assert sorted(keys - set(rows)) == []
    assert rows["TEMP DIR"] == "%TEMP%" and rows["SHOW_ERROR_POPUPS"] == "True"  # the VBA's own defaults


class FakeExcel:
    """Just enough of a hidden Excel for `addin install --functions`, behaving as xlwings' VBA does:
    ImportPythonUDFsToAddin needs an active workbook (error 91 without one) and reports a failure
    in a message box (which nobody can click in a hidden Excel) unless SHOW_ERROR_POPUPS is False,
    when it writes it on an "Error" sheet of the active workbook."""

    def __init__(self, fails: str | None = None):
        self.fails, self.books, self.saved, self.quit_called = fails, self, False, False
        self.opened: list = []

    def open(self, path):
        book = _FakeBook(self, config_rows(path)[1])
        self.opened.append(book)
        return book

    def add(self):
        book = _FakeBook(self, {})
        self.opened.append(book)
        return book

    def quit(self):
        self.quit_called = True

    def run_import(self, addin):
        active = self.opened[-1] if len(self.opened) > 1 else None
        if active is None:
            raise RuntimeError("Object variable or With block variable not set (Error 91)")
        if self.fails:
            if addin.rows["SHOW_ERROR_POPUPS"] != "False":
                raise TimeoutError("a message box waits in a hidden Excel")
            active.sheet_names.append("Error")
            active.error = self.fails
            return
        addin.imported = True


class _FakeBook:
    def __init__(self, excel, rows):
        self.excel, self.rows, self.sheet_names, self.error, self.imported = excel, dict(rows), ["Sheet1"], "", False
        self.api = type("Api", (), {"VBProject": type("Project", (), {"Name": "myaddin"})()})()

    @property
    def sheets(self):
        book = self

        class Sheets(dict):
            def __getitem__(self, name):
                return _FakeSheet(book, name)

            def __iter__(self):
                return iter([type("S", (), {"name": n})() for n in book.sheet_names])

        return Sheets()

    def macro(self, name):
        assert name == "ImportPythonUDFsToAddin"
        return lambda: self.excel.run_import(self)

    def save(self):
        self.excel.saved = True


class _FakeSheet:
    def __init__(self, book, name):
        self.book, self.name = book, name

    def range(self, address):
        sheet = self

        class Cell:
            def expand(self, direction):
                return type("R", (), {"value": list(sheet.book.rows)})()

            @property
            def value(self):
                if sheet.name == "Error":
                    return sheet.book.error
                return list(sheet.book.rows.values())[int(address[1:]) - 1]

            @value.setter
            def value(self, v):
                key = list(sheet.book.rows)[int(address[1:]) - 1]
                sheet.book.rows[key] = v

        return Cell()


def test_importing_the_functions_runs_with_an_active_workbook_and_reads_back_errors(built, tmp_path):
    from cmxl.addin.package import AddinProblem, _in_excel

    excel = FakeExcel()
    _in_excel(built, "--functions", lambda book: book.macro("ImportPythonUDFsToAddin")(), lambda: excel)
    addin = excel.opened[0]
    assert addin.imported and excel.saved and excel.quit_called
    assert addin.rows["SHOW_ERROR_POPUPS"] == "True"  # switched back before saving
    assert addin.api.VBProject.Name == "cmxl"  # not the template's "myaddin", which other add-ins share

    excel = FakeExcel(fails="Could not load xlwings64-0.37.8.dll")
    with pytest.raises(AddinProblem) as caught:
        _in_excel(built, "--functions", lambda book: book.macro("ImportPythonUDFsToAddin")(), lambda: excel)
    assert "xlwings64-0.37.8.dll" in caught.value.message and not excel.saved and excel.quit_called


def test_the_native_buttons_say_so_when_no_workbook_is_open():
    """xlwings' RunPython reads ActiveWorkbook (VBA error 91 without one): the dispatcher checks first."""
    text = (ROOT / "templates" / "excel" / "CmxlRibbon.bas").read_text(encoding="ascii")
    body = text[text.index("Sub OnAction") :]
    assert body.index("If ActiveWorkbook Is Nothing Then") < body.index("RunPython")
    spelled = body[body.index("MsgBox") : body.index("vbInformation")]
    said = "".join(
        chr(int(code, 16)) if code else literal
        for code, literal in re.findall(r'ChrW\(&H([0-9A-F]+)\)|"([^"]*)"', spelled)
    )
    assert said == "请先打开要处理的工作簿（或新建一个空白工作簿），再点击此按钮。"


def ribbon_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(ROOT / "tests" / "data" / "customui_subset.xsd")))


def test_both_ribbons_follow_the_ribbon_schema(built):
    from lxml import etree

    schema = ribbon_schema()
    with zipfile.ZipFile(built) as z:
        default = etree.fromstring(z.read("customUI/customUI.xml"))
    native = etree.parse(str(ROOT / "templates" / "excel" / "customUI_native.xml")).getroot()
    for ui in (default, native):
        assert schema.validate(ui), schema.error_log


@pytest.mark.parametrize(
    "broken",
    [
        '<button id="b" label="校验" size="huge" onAction="M.P"/>',  # size is normal or large
        '<button id="1b" label="校验" onAction="M.P"/>',  # an id is an XML name
        '<button id="b" label="" onAction="M.P"/>',  # no empty label
        '<button id="b" lable="校验" onAction="M.P"/>',  # a misspelt attribute
        '<button id="b" label="%s" onAction="M.P"/>' % ("长" * 1025),  # labels are at most 1024 characters
        '<button id="b" onAction="M.P"/><button id="b" onAction="M.Q"/>',  # ids are unique
    ],
)
def test_the_schema_refuses_what_excel_would_refuse(broken):
    from lxml import etree

    ui = etree.fromstring(
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
        f'<tab id="t" label="能力测评"><group id="g" label="组">{broken}</group></tab></tabs></ribbon></customUI>'
    )
    assert not ribbon_schema().validate(ui)
