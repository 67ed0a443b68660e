"""cmxl — competency assessment scoring and post-skill certification for HR workbooks.

From Python: `cmxl.validate`, `cmxl.score`, `cmxl.report`, `cmxl.bulk`, `cmxl.template`, `cmxl.compare`,
`cmxl.certificates`, `cmxl.confirm_identity` and everything else of cmxl.api (cmxl/api/). They
are loaded on first use, so `import cmxl` stays light for the Excel add-in's button, which runs
`import cmxl; cmxl.main()`."""

from __future__ import annotations

from typing import Any

from cmxl.version import __version__

__all__ = [
    "__version__",
    "bulk",
    "certificates",
    "compare",
    "confirm_identity",
    "main",
    "report",
    "score",
    "template",
    "validate",
]


def __getattr__(name: str) -> Any:
    import importlib

    api = importlib.import_module("cmxl.api")  # light: each of its functions imports what it needs
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'cmxl' has no attribute {name!r}")


def main() -> None:
    """The Excel add-in's ribbon button. The add-in, cmxl.xlam, runs `import cmxl; cmxl.main()`
    (xlwings' callback imports the add-in's own name), which opens the cmxl window."""
    from cmxl.addin.launcher import run_from_excel

    run_from_excel()
