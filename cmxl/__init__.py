"""cmxl — competency assessment scoring and post-skill certification for HR workbooks."""

__version__ = "0.1.0"
