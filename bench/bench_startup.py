"""How fast the command line starts: `cmxl --help` against a bare typer + rich program with the
same commands (names, groups and number of options), measured side by side in one run.

    .venv/bin/python bench/bench_startup.py [--repeats 15]

Each is a fresh process from its start to its exit (what a clerk waits for). The runs alternate
(cmxl, bare, cmxl, bare …) so the machine's noise falls on both alike. Prints the median and
minimum of each and the ratio of the medians; also `cmxl score -h` against the bare program's
`score -h`, and the add-in's entry (`import cmxl.addin.launcher`) against `import tkinter`.
A figure, not a pass/fail test (compare ratios, not seconds). Target: `cmxl --help` within 1.5×
the bare program."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[1]


def bare_program() -> str:
    """A typer + rich program with cmxl's commands, each with as many plain options, doing nothing."""
    from cmxl.cli import app

    help_names = "context_settings={'help_option_names': ['-h', '--help']}"  # as cmxl's
    lines = ["import typer", "", f"app = typer.Typer(add_completion=False, no_args_is_help=True, {help_names})", ""]

    def define(command: object, holder: str, prefix: str) -> None:
        ctx = typer.Context(command)  # type: ignore[arg-type]
        for name in command.list_commands(ctx):  # type: ignore[attr-defined]
            sub = command.get_command(ctx, name)  # type: ignore[attr-defined]
            if hasattr(sub, "list_commands"):
                group = f"{prefix}{name.replace('-', '_')}_app"
                lines.append(f"{group} = typer.Typer(no_args_is_help=True, help='{name}', {help_names})")
                lines.append(f"{holder}.add_typer({group}, name='{name}')")
                define(sub, group, f"{prefix}{name.replace('-', '_')}_")
                continue
            options = [p for p in sub.params if p.param_type_name == "option"]
            args = ", ".join(f"o{i}: str | None = typer.Option(None, help='option {i}')" for i in range(len(options)))
            lines.append(f"@{holder}.command('{name}')")
            lines.append(f"def {prefix}{name.replace('-', '_')}({args}) -> None:")  # correct-id
            lines.append(f"    '''{name}: {(sub.help or '').splitlines()[0] if sub.help else ''}'''")
            lines.append("")

    define(typer.main.get_command(app), "app", "")
    lines += ["", "if __name__ == '__main__':", "    app()", ""]
    return "\n".join(lines)


def seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
    return time.perf_counter() - start


def side_by_side(label: str, ours: list[str], theirs: list[str], repeats: int) -> None:
    a: list[float] = []
    b: list[float] = []
    for cmd in (ours, theirs):  # warm the file cache, and be sure both run (a broken baseline is fast)
        done = subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr.decode(errors='replace')[-500:]}")
    for _ in range(repeats):
        a.append(seconds(ours))
        b.append(seconds(theirs))
    ratio = statistics.median(a) / statistics.median(b)
    print(
        f"{label:<34} {statistics.median(a):>7.3f}s {min(a):>7.3f}s "
        f"{statistics.median(b):>8.3f}s {min(b):>7.3f}s {ratio:>6.2f}x"
    )


def main() -> None:
    argv = sys.argv[1:]
    repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else 15
    cmxl = str(Path(sys.executable).with_name("cmxl"))
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(bare_program(), encoding="utf-8")
        print(f"fresh processes, {repeats} runs each, alternating; medians and minimums")
        print(f"{'':<34} {'cmxl':>8} {'min':>8} {'baseline':>9} {'min':>8} {'ratio':>7}")
        side_by_side("cmxl --help / bare typer --help", [cmxl, "--help"], [py, str(bare), "--help"], repeats)
        side_by_side("cmxl score -h / bare score -h", [cmxl, "score", "-h"], [py, str(bare), "score", "-h"], repeats)
        side_by_side(
            "add-in entry / import tkinter",
            [py, "-c", "import cmxl.addin.launcher"],
            [py, "-c", "import tkinter, tkinter.ttk"],
            repeats,
        )


if __name__ == "__main__":
    main()
