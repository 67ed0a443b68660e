"""The add-in's self-test (自检; `cmxl addin check` and the window's 自检 button): what stands
between a clerk's click and Python, each with the fix in Chinese.

The common ways xlwings add-ins fail on a new PC: the interpreter in the add-in is missing or is
the Microsoft Store's stand-in; the add-in was built with another xlwings than the one installed
("file not found: xlwings64-x.dll"); the DLL that matches Office's bitness is not beside the
interpreter; Office from the Microsoft Store; Defender's attack-surface rule "Block all Office
applications from creating child processes"; and, for --functions/--native, "Trust access to the
VBA project object model" switched off.

`probe()` reads the machine (the registry on Windows); `findings()` judges what it read, so the
judgement is tested anywhere with made-up machines."""

from __future__ import annotations

import importlib.metadata
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from xml.etree import ElementTree as ET

from cmxl.addin.package import ADDIN_NAME, XLWINGS_VERSION_KEY, startup_folder

OK, WARNING, PROBLEM = "正常", "注意", "问题"
# Defender attack-surface reduction: "Block all Office applications from creating child processes"
ASR_CHILD_PROCESSES = "d4f940ab-401b-4efc-aadc-ad5f3c50688a"
ASR_BLOCK, ASR_AUDIT, ASR_WARN = 1, 2, 6
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass
class Machine:
    """What the self-test looks at (None: could not be read)."""

    windows: bool
    python: str  # the Python running this check
    python_bits: int
    xlwings: str | None  # the xlwings package installed for that Python
    addin: Path | None  # the installed add-in, if found
    addin_settings: dict[str, str] = field(default_factory=dict)  # its configuration sheet, keys upper case
    interpreter_exists: bool | None = None
    office_bits: int | None = None
    office_store: bool | None = None  # Office from the Microsoft Store
    dlls: list[str] = field(default_factory=list)  # xlwings*.dll beside the add-in's interpreter or its parent
    asr_child_processes: int | None = None
    vba_trusted: bool | None = None  # Trust access to the VBA project object model


@dataclass
class Finding:
    subject: str
    verdict: str  # OK / WARNING / PROBLEM
    detail: str
    fix: str = ""

    def line(self) -> str:
        return f"[{self.verdict}] {self.subject}：{self.detail}" + (f"\n        处理：{self.fix}" if self.fix else "")


def findings(m: Machine) -> list[Finding]:
    """Every check, in the order a clerk's click meets them."""
    out: list[Finding] = []
    if not m.windows:
        out.append(
            Finding(
                "操作系统",
                WARNING,
                "这台电脑不是 Windows；以下只检查 Python 一侧",
                "在装有 Excel 的 Windows 电脑上运行自检",
            )
        )
    out.append(_addin(m))
    if m.addin is not None:
        out.append(_interpreter(m))
        out.append(_versions(m))
    if m.windows:
        out.append(_bitness(m))
        out.append(_dll(m))
        out.append(_store(m))
        out.append(_child_processes(m))
        out.append(_trust(m))
    return out


def _addin(m: Machine) -> Finding:
    if m.addin is None:
        return Finding(
            "加载项", PROBLEM, "没有找到已安装的 cmxl.xlam", "在命令行运行 cmxl addin install，然后重新打开 Excel"
        )
    return Finding("加载项", OK, f"已安装：{m.addin}")


def _interpreter(m: Machine) -> Finding:
    path = m.addin_settings.get("INTERPRETER_WIN" if m.windows else "INTERPRETER_MAC", "")
    if not path:
        return Finding(
            "Python 路径",
            PROBLEM,
            "加载项中没有写明要调用的 Python，Excel 会用找到的第一个 python（可能是 Microsoft Store 的占位程序）",
            "运行 cmxl addin install 重新安装（它会写入当前这个 Python）",
        )
    if "\\windowsapps\\" in path.lower():
        return Finding(
            "Python 路径",
            PROBLEM,
            f"{path} 是 Windows 的 Microsoft Store 占位程序，不是真正的 Python",
            "从 python.org 安装 Python（安装时勾选 Add python.exe to PATH），再用它安装 cmxl 并运行 cmxl addin install",
        )
    if m.interpreter_exists is False:
        return Finding(
            "Python 路径",
            PROBLEM,
            f"加载项调用的 {path} 不存在（Python 或虚拟环境被移动、删除过？）",
            "用现在的 Python 运行 cmxl addin install 重新安装加载项",
        )
    return Finding("Python 路径", OK, path)


def _versions(m: Machine) -> Finding:
    built = m.addin_settings.get(XLWINGS_VERSION_KEY, "")
    if not m.xlwings:
        return Finding("xlwings", PROBLEM, "这个 Python 没有安装 xlwings", '运行 pip install "cmxl[excel]"')
    if not built:
        return Finding(
            "xlwings 版本",
            WARNING,
            f"加载项未记录生成时的 xlwings 版本（本机为 {m.xlwings}）",
            "运行 cmxl addin install 重新安装，使两者一致",
        )
    if built != m.xlwings:
        return Finding(
            "xlwings 版本",
            PROBLEM,
            f"加载项是用 xlwings {built} 生成的，而 Python 中是 xlwings {m.xlwings}："
            f"点击按钮会报“找不到 xlwings{m.office_bits or 64}-{built}.dll”",
            "关闭 Excel，运行 cmxl addin install 重新安装加载项",
        )
    return Finding("xlwings 版本", OK, f"加载项与 Python 中的 xlwings 都是 {built}")


def _bitness(m: Machine) -> Finding:
    if m.office_bits is None:
        return Finding("位数", WARNING, f"Python 是 {m.python_bits} 位；没有读到 Office 的位数（是否安装了 Office？）")
    if m.office_bits != m.python_bits:
        return Finding(
            "位数",
            WARNING,
            f"Office 是 {m.office_bits} 位，Python 是 {m.python_bits} 位：可以工作，但需要与 Office 相同位数的 xlwings DLL",
            f"如下一项报告缺少 DLL，请安装 {m.office_bits} 位的 Python（python.org 的 Windows installer (64-bit) 或 (32-bit)）",
        )
    return Finding("位数", OK, f"Office 与 Python 都是 {m.python_bits} 位")


def _dll(m: Machine) -> Finding:
    if m.addin is None or not m.xlwings:
        return Finding("xlwings DLL", WARNING, "未检查（缺少加载项或 xlwings）")
    bits = m.office_bits or 64
    wanted = f"xlwings{bits}-{m.xlwings}.dll"
    names = [PureWindowsPath(d).name for d in m.dlls]  # the last part, whichever separator
    if any(n.lower() == wanted.lower() for n in names):
        return Finding("xlwings DLL", OK, wanted)
    return Finding(
        "xlwings DLL",
        PROBLEM,
        f"在加载项调用的 Python 旁边没有找到 {wanted}（找到：{'、'.join(names) or '无'}）",
        "在该 Python 中重新安装：pip install --force-reinstall xlwings，然后运行 cmxl addin install",
    )


def _store(m: Machine) -> Finding:
    if m.office_store:
        return Finding(
            "Office 版本",
            WARNING,
            "这是 Microsoft Store 版 Office，它在沙盒中运行，可能无法启动 Python",
            "请 IT 改装 Office 桌面版（Click-to-Run / Microsoft 365 安装程序）",
        )
    return Finding("Office 版本", OK, "桌面版 Office" if m.office_store is False else "未能判断，按桌面版处理")


def _child_processes(m: Machine) -> Finding:
    rule = "Windows Defender 规则“阻止所有 Office 应用程序创建子进程”"
    if m.asr_child_processes == ASR_BLOCK:
        return Finding(
            "安全策略",
            PROBLEM,
            f"{rule}已开启：Excel 无法启动 Python，按钮没有反应",
            "请 IT 管理员为 pythonw.exe 添加该规则的排除项，或对这台电脑关闭该规则",
        )
    if m.asr_child_processes == ASR_WARN:
        return Finding("安全策略", WARNING, f"{rule}为“警告”模式：点击按钮时 Windows 会询问", "在弹出的提示中选择允许")
    return Finding("安全策略", OK, f"{rule}未阻止")


def _trust(m: Machine) -> Finding:
    if m.vba_trusted:
        return Finding("VBA 工程访问", OK, "已信任（可使用 --functions 与 --native）")
    return Finding(
        "VBA 工程访问",
        WARNING,
        "未勾选“信任对 VBA 工程对象模型的访问”：只有安装工作表函数（--functions）和原生按钮（--native）需要它",
        "Excel → 文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置 → 勾选“信任对 VBA 工程对象模型的访问”",
    )


# ---- reading the machine ------------------------------------------------------------------------


def addin_settings(path: Path) -> dict[str, str]:
    """The configuration sheet of an add-in file, keys upper case (as xlwings' VBA reads them)."""
    with zipfile.ZipFile(path) as z:
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows: dict[str, str] = {}
    for row in sheet.iter(f"{MAIN_NS}row"):
        text = {}
        for c in row.iter(f"{MAIN_NS}c"):
            text[c.get("r", "")[:1]] = "".join(t.text or "" for t in c.iter(f"{MAIN_NS}t")) or (
                c.findtext(f"{MAIN_NS}v") or ""
            )
        if text.get("A"):
            rows[text["A"].upper()] = text.get("B", "")
    return rows


def probe() -> Machine:
    """This machine as the self-test sees it."""
    windows = sys.platform == "win32"
    try:
        xlwings = importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        xlwings = None
    try:
        addin = startup_folder() / ADDIN_NAME
    except Exception:  # no Excel folder on this platform
        addin = None
    addin = addin if addin is not None and addin.exists() else None
    m = Machine(windows, sys.executable, struct.calcsize("P") * 8, xlwings, addin)
    if addin is not None:
        try:
            m.addin_settings = addin_settings(addin)
        except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
            m.addin_settings = {}
        interpreter = m.addin_settings.get("INTERPRETER_WIN" if windows else "INTERPRETER_MAC", "")
        if interpreter:
            m.interpreter_exists = Path(interpreter).exists()
            folder = PureWindowsPath(interpreter).parent if windows else Path(interpreter).parent
            for where in (Path(str(folder)), Path(str(folder)).parent):
                m.dlls += [str(p) for p in where.glob("xlwings*.dll")] if where.exists() else []
    if windows:
        _read_registry(m)
    return m


def _read_registry(m: Machine) -> None:  # Windows only; each value None when absent
    import winreg

    def value(root, key: str, name: str) -> object:
        try:
            with winreg.OpenKey(root, key) as k:
                return winreg.QueryValueEx(k, name)[0]
        except OSError:
            return None

    hklm, hkcu = winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER
    platform = value(hklm, r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration", "Platform")
    bitness = value(hklm, r"SOFTWARE\Microsoft\Office\16.0\Outlook", "Bitness")
    if platform:
        m.office_bits = 64 if str(platform).lower() == "x64" else 32
    elif bitness:
        m.office_bits = 64 if str(bitness).lower() == "x64" else 32
    store = Path(r"C:\Program Files\WindowsApps")
    m.office_store = any(store.glob("Microsoft.Office.Desktop*")) if store.exists() else False
    asr = value(
        hklm,
        r"SOFTWARE\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules",
        ASR_CHILD_PROCESSES.upper(),
    ) or value(
        hklm,
        r"SOFTWARE\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules",
        ASR_CHILD_PROCESSES.upper(),
    )
    m.asr_child_processes = int(asr) if asr is not None and str(asr).isdigit() else None
    trusted = value(hkcu, r"Software\Microsoft\Office\16.0\Excel\Security", "AccessVBOM")
    m.vba_trusted = bool(trusted) if trusted is not None else False


def report(m: Machine | None = None) -> tuple[list[Finding], bool]:
    """The findings and whether any is a problem."""
    found = findings(m or probe())
    return found, any(f.verdict == PROBLEM for f in found)
