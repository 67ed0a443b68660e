"""Command line: cmxl validate | score | report | compare | template | bulk | calibrate | frameworks | history |
certs | addin.

A shell over cmxl.api (the model: sqlite-utils' cli.py over db.py): each command parses its
options, makes one call of cmxl.api and presents what it returns (text, --json, exit code). One
module per command group; common.py holds what they share, zh.py the Chinese help and usage
errors. typer (on click) gives subcommands, --help and exit code 2 on usage errors; rich prints
Chinese text and colours that degrade to plain text when output is piped.

Importing this package loads no pandas, numpy, openpyxl, pydantic, matplotlib or python-docx:
`cmxl --help` starts fast, and a command loads what it needs when it runs."""

from __future__ import annotations

from cmxl.cli import addin, bulk, calibrate, certs, compare, frameworks, history, report, score, template, validate
from cmxl.cli.common import command, new_app

app = new_app("cmxl：客户经理能力测评评分与岗位技能认证工具")
for run in (
    validate.validate,
    score.score,
    report.report,
    compare.compare,
    template.template,
    bulk.bulk,
    calibrate.calibrate,
    frameworks.frameworks,
    history.history,
):
    command(app)(run)
app.add_typer(addin.app, name="addin")
app.add_typer(certs.app, name="certs")


def main() -> None:
    """Run the command line (ZhGroup.main: every error ends in one Chinese line and its exit code)."""
    app()
