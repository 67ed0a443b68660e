"""`python -m cmxl.cli …`: the command line, as the `cmxl` command runs it."""

from cmxl.cli import main

main()
