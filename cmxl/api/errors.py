"""Every exception cmxl raises, as the shells (the command line, the Excel add-in) reach them:
through the API, like everything else of cmxl. The same classes as `cmxl.errors` (the module
scripts import; defined in cmxl/core/errors.py)."""

from cmxl.errors import *  # noqa: F403  (the whole list, kept once in cmxl/errors.py)
from cmxl.errors import __all__  # noqa: F401
