"""The add-in's self-test (cmxl addin check; 自检 in the window): each way a clerk's first click can
fail, judged on a made-up machine, with the fix said in Chinese."""

from dataclasses import replace

import pytest
from typer.testing import CliRunner

from cmxl.addin.check import OK, PROBLEM, WARNING, Machine, addin_settings, findings
from cmxl.cli import app

PYTHONW = r"C:\Users\hr\cmxl\.venv\Scripts\pythonw.exe"
HEALTHY = Machine(
    windows=True,
    python=PYTHONW,
    python_bits=64,
    xlwings="0.37.8",
    addin=None,
    addin_settings={"INTERPRETER_WIN": PYTHONW, "CMXL_XLWINGS_VERSION": "0.37.8"},
    interpreter_exists=True,
    office_bits=64,
    office_store=False,
    dlls=[r"C:\Users\hr\cmxl\.venv\xlwings64-0.37.8.dll", r"C:\Users\hr\cmxl\.venv\xlwings32-0.37.8.dll"],
    asr_child_processes=0,
    vba_trusted=True,
)


@pytest.fixture
def healthy(tmp_path):
    return replace(HEALTHY, addin=tmp_path / "cmxl.xlam")


def verdicts(machine):
    return {f.subject: f.verdict for f in findings(machine)}


def finding(machine, subject):
    return next(f for f in findings(machine) if f.subject == subject)


def test_a_healthy_machine_has_nothing_to_fix(healthy):
    assert set(verdicts(healthy).values()) == {OK}
    assert list(verdicts(healthy)) == [
        "加载项", "Python 路径", "xlwings 版本", "位数", "xlwings DLL", "Office 版本", "安全策略", "VBA 工程访问",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "subject", "verdict", "words"),
    [
        ({"addin": None}, "加载项", PROBLEM, "cmxl addin install"),
        (
            {"addin_settings": {"INTERPRETER_WIN": r"C:\Users\hr\AppData\Local\Microsoft\WindowsApps\python.exe"}},
            "Python 路径",
            PROBLEM,
            "Microsoft Store 占位程序",
        ),
        ({"addin_settings": {"INTERPRETER_WIN": ""}}, "Python 路径", PROBLEM, "没有写明"),
        ({"interpreter_exists": False}, "Python 路径", PROBLEM, "不存在"),
        (
            {"addin_settings": {"INTERPRETER_WIN": PYTHONW, "CMXL_XLWINGS_VERSION": "0.37.5"}},
            "xlwings 版本",
            PROBLEM,
            "xlwings64-0.37.5.dll",
        ),
        ({"dlls": [r"C:\Users\hr\cmxl\.venv\xlwings32-0.37.8.dll"]}, "xlwings DLL", PROBLEM, "xlwings64-0.37.8.dll"),
        ({"office_bits": 32, "dlls": []}, "位数", WARNING, "Office 是 32 位，Python 是 64 位"),
        ({"office_store": True}, "Office 版本", WARNING, "Microsoft Store 版 Office"),
        ({"asr_child_processes": 1}, "安全策略", PROBLEM, "阻止所有 Office 应用程序创建子进程"),
        ({"asr_child_processes": 6}, "安全策略", WARNING, "警告"),
        ({"vba_trusted": False}, "VBA 工程访问", WARNING, "信任对 VBA 工程对象模型的访问"),
    ],
)
def test_each_failure_is_named_with_its_fix(healthy, change, subject, verdict, words):
    found = finding(replace(healthy, **change), subject)
    assert found.verdict == verdict and words in found.detail + found.fix
    assert found.fix, "every problem or warning says what to do"


def test_the_built_add_in_records_the_xlwings_it_was_made_with(tmp_path):
    import importlib.metadata

    out = tmp_path / "cmxl.xlam"
    r = CliRunner().invoke(app, ["addin", "build", "-o", str(out), "--interpreter", PYTHONW])
    assert r.exit_code == 0, r.output
    settings = addin_settings(out)
    assert settings["CMXL_XLWINGS_VERSION"] == importlib.metadata.version("xlwings")
    assert settings["INTERPRETER_WIN"] == PYTHONW


def test_the_command_lists_findings_and_fails_when_something_must_be_fixed():
    r = CliRunner().invoke(app, ["addin", "check"])
    assert r.exit_code == 1 and "[问题] 加载项：没有找到已安装的 cmxl.xlam" in r.output  # none on this machine
    assert "处理：" in r.output and "Traceback" not in r.output
