"""The version of cmxl (one place; pyproject.toml and the results' 运行信息 agree with it)."""

__version__ = "0.1.0"
