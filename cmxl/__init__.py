"""cmxl — competency assessment scoring and post-skill certification for HR workbooks."""

__version__ = "0.1.0"


def main() -> None:
    """The Excel add-in's ribbon button. The add-in, cmxl.xlam, runs `import cmxl; cmxl.main()`
    (xlwings' callback imports the add-in's own name), which opens the cmxl window."""
    from cmxl.addin.launcher import run_from_excel

    run_from_excel()
