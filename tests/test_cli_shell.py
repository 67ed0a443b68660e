"""The command line as a shell over cmxl.api: it starts without the heavy libraries, its help is
written for a clerk (Chinese names for what to give, nothing cut off), it takes dates as a clerk
writes them, and it speaks Chinese through typer's public API only."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine as pc
import typer
from typer.testing import CliRunner

from cmxl.cli import app
from tests.test_cli import clean_book

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "openpyxl", "pydantic", "matplotlib", "docx", "python_calamine")


def loaded_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return done.stdout.split()


def test_importing_the_command_line_loads_none_of_the_heavy_libraries():
    assert loaded_after("import cmxl.cli") == []
    assert loaded_after("import cmxl.api, cmxl.errors") == []


def test_help_loads_none_of_the_heavy_libraries():
    """`cmxl --help`. (A command's own help, `cmxl score -h`, loads pydantic: typer 0.29 checks
    every option's value with pydantic, as in any typer program.)"""
    code = "import sys\nfrom cmxl.cli import app\ntry:\n    app(['-h'])\nexcept SystemExit:\n    pass\n"
    code += f"print('LOADED', *sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.splitlines()[-1] == "LOADED"


def commands() -> list[list[str]]:
    """Every command path: [], ["score"], ["certs", "list"] …"""
    found: list[list[str]] = []

    def walk(command, path):
        found.append(path)
        ctx = typer.Context(command)
        for name in getattr(command, "list_commands", lambda ctx: [])(ctx):
            walk(command.get_command(ctx, name), [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def help_of(path: list[str]) -> str:
    r = CliRunner().invoke(app, [*path, "-h"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    return r.output


def test_every_command_has_help_without_type_placeholders():
    paths = commands()
    assert ["certs", "confirm"] in paths and ["addin", "check"] in paths and len(paths) >= 17
    for path in paths:
        text = help_of(path)
        assert "用法：" in text and "显示本帮助并退出。" in text, path
        for placeholder in ("<bool>", "<str>", "<path>", "<int>", "list[", "INTEGER", "TEXT", "PATH", "[OPTIONS]"):
            assert placeholder not in text, (path, placeholder)


def test_every_option_that_takes_a_value_names_it_in_chinese():
    for path in commands():
        command = typer.main.get_command(app)
        for name in path:
            command = command.get_command(typer.Context(command), name)
        for param in command.params:
            if param.param_type_name == "option" and not param.is_flag and param.name != "help":
                assert (param.metavar and not param.metavar.isascii()) or param.metavar == "docx|pdf", (
                    path,
                    param.name,
                )


def flat(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│╭╮╰╯─")


def test_descriptions_are_not_cut_at_80_columns():
    text = flat(help_of(["score"]))
    assert "…" not in text
    assert flat("总部下发的认证方案文件（可多次给出）；替换同编号的内置认证方案") in text
    assert (
        flat("评估基准日（证书有效期按此判断），默认今天；可写 2026-12-01、2026/12/01、2026.12.1 或 2026年12月1日")
        in text
    )
    top = flat(help_of([]))
    assert (
        flat(
            "每人一页的个人能力测评报告（<原文件名>_个人报告.docx）：雷达图、各能力项与标准的差距、发展目标、认证结果。"
        )
        in top
    )


@pytest.mark.parametrize("written", ["2026/12/01", "2026年12月1日", "2026.12.1", "２０２６－１２－０１"])
def test_dates_are_taken_as_a_clerk_writes_them(tmp_path, written):
    out = tmp_path / "结果.xlsx"
    r = CliRunner().invoke(app, ["score", str(clean_book(tmp_path / "a.xlsx")), "-o", str(out), "--as-of", written])
    assert r.exit_code == 0, r.output
    info = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("运行信息").to_python()
    assert any("2026-12-01" in str(v) for row in info for v in row)


def test_a_date_out_of_range_says_check_the_year():
    r = CliRunner().invoke(app, ["certs", "expiring", "--as-of", "2300年1月1日"])
    assert r.exit_code == 2 and "不在 1990–2100 年之间，请检查年份" in r.output


def test_the_chinese_layer_uses_no_private_typer_module():
    for path in (ROOT / "cmxl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.startswith("typer._") for n in names), path
    from cmxl.cli import zh

    assert issubclass(zh.MissingParameter, typer.BadParameter) and issubclass(zh.NoSuchOption, zh.UsageError)
