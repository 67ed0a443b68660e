"""xlwings' own Windows code path for worksheet functions, on a machine without Windows.

On Windows, Excel calls `xlwings.udfs.call_udf`, which converts each argument with the options
the real `@xw.func` / `@xw.arg` decorators recorded (through `xlwings._xlwindows`' cleaning of COM
values: empty cells, dates, error codes), calls the function and converts its result back. Those
modules import pywin32, so here the Windows-only modules (pythoncom, pywintypes, win32com, …) are
stand-ins while the real xlwings modules are loaded; everything between Excel's COM call and our
function is then xlwings' own code. A cell reference arrives as a COM Range object whose `.Value`
is what Excel holds: a scalar for one cell, a tuple of row tuples for several, None for an empty
cell and the COM error codes (-2146826246 = #N/A …) for error values."""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

WINDOWS_ONLY = (
    "pythoncom",
    "pywintypes",
    "win32api",
    "win32con",
    "win32gui",
    "win32process",
    "win32timezone",
    "win32event",
    "winerror",
    "win32clipboard",
    "winreg",
    "win32com",
    "win32com.client",
    "win32com.client.dynamic",
    "win32com.client.gencache",
    "win32com.server",
    "win32com.server.util",
    "win32com.server.dispatcher",
    "win32com.server.policy",
)
MISSING = -2147352572  # what COM passes for an optional argument left out
ERROR_CODES = {
    "#DIV/0!": -2146826281,
    "#N/A": -2146826246,
    "#NAME?": -2146826259,
    "#NULL!": -2146826288,
    "#NUM!": -2146826252,
    "#REF!": -2146826265,
    "#VALUE!": -2146826273,
}
RANGE_IID = "{00020846-0000-0000-C000-000000000046}"


class _Stub(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        value = mock.MagicMock(name=f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


class ComRange:
    """What Excel hands over for a cell reference: a COM Range with the cells' values."""

    def __init__(self, value: object):
        self.Value = value
        rows = value if isinstance(value, tuple) else ((value,),)
        self._shape = (len(rows), len(rows[0]) if rows else 0)
        attr = types.SimpleNamespace(iid=RANGE_IID)
        info = types.SimpleNamespace(GetTypeAttr=lambda: attr)
        self._oleobj_ = types.SimpleNamespace(GetTypeInfo=lambda: info)
        app = types.SimpleNamespace(Hwnd=1, Version="16.0")
        self.Worksheet = types.SimpleNamespace(
            Name="测评数据", Parent=types.SimpleNamespace(Name="工作簿.xlsx", Application=app)
        )
        self.Row, self.Column = 2, 3

    @property
    def Count(self) -> int:
        return self._shape[0] * self._shape[1]

    @property
    def Rows(self) -> types.SimpleNamespace:
        return types.SimpleNamespace(Count=self._shape[0])

    @property
    def Columns(self) -> types.SimpleNamespace:
        return types.SimpleNamespace(Count=self._shape[1])


class WindowsUdfs:
    """`call(name, *args)` runs a worksheet function the way Excel on Windows does."""

    def __init__(self, udfs: Path, call_udf, module_name: str):
        self._call_udf, self.module_name, self.udfs = call_udf, module_name, udfs

    def call(self, name: str, *args: object) -> object:
        result = self._call_udf(self.module_name, name, tuple(args))
        return result

    def info(self, name: str) -> dict:
        return getattr(sys.modules[self.module_name], name).__xlfunc__


@contextlib.contextmanager
def windows_udfs(path: Path) -> Iterator[WindowsUdfs]:
    """Load the worksheet-function module at `path` with xlwings' real Windows decorators, and
    undo everything afterwards (modules, ctypes, xlwings' engines and decorators)."""
    before = set(sys.modules)
    saved_ctypes = {n: getattr(ctypes, n, None) for n in ("oledll", "windll", "PyDLL")}
    import xlwings

    saved_xw = {n: getattr(xlwings, n) for n in ("func", "arg", "ret")}
    saved_engines = list(xlwings.engines.engines), dict(xlwings.engines.engines_by_name), xlwings.engines.active
    try:
        for name in WINDOWS_ONLY:
            sys.modules[name] = _Stub(name)
        sys.modules["pythoncom"].__file__ = "pythoncom.pyd"
        sys.modules["pywintypes"].IID = lambda text: text
        sys.modules["pywintypes"].TimeType = type("TimeType", (), {})
        sys.modules["win32com"].client = sys.modules["win32com.client"]
        ctypes.oledll = ctypes.windll = ctypes.PyDLL = mock.MagicMock()
        from xlwings import _xlwindows, udfs
        from xlwings.main import Engine

        xlwings.engines.add(Engine(impl=_xlwindows.engine))
        xlwings.engines.active = xlwings.engines["excel"]
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        module_name = "cmxl_udfs_on_windows"
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        yield WindowsUdfs(path, udfs.call_udf, module_name)
    finally:
        for name, value in saved_xw.items():
            setattr(xlwings, name, value)
        xlwings.engines.engines[:] = saved_engines[0]
        xlwings.engines.engines_by_name.clear()
        xlwings.engines.engines_by_name.update(saved_engines[1])
        xlwings.engines.active = saved_engines[2]
        for name, value in saved_ctypes.items():
            if value is None:
                with contextlib.suppress(AttributeError):
                    delattr(ctypes, name)
            else:
                setattr(ctypes, name, value)
        for name in set(sys.modules) - before:
            del sys.modules[name]
