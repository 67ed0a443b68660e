"""The assessment workbook's format as data: its fixed columns, their types and spellings."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from cmxl.core.model.base import StrictModel

# The types a fixed column can have: each is read by its function in cmxl/core/engine/intake.py
# FIELD_READERS and checked in the template by cmxl/core/layout/template.py FIELD_CHECKS (a test
# keeps the three lists equal).
FIELD_TYPES = ("id", "text", "grade", "scheme", "cert_grade", "number", "date", "choice", "score", "appraisal")


class FieldSpec(StrictModel):
    key: str
    header: str
    aliases: list[str] = []
    type: Literal[FIELD_TYPES]  # type: ignore[valid-type]
    required: bool = False
    low: float | None = None
    high: float | None = None
    choices: list[str] = []


class FormatMeta(StrictModel):
    id: str
    sheet: str
    default_framework: str  # the model used when none is named
    header_search_rows: int = 30


class WorkbookFormat(StrictModel):
    format: FormatMeta
    fields: list[FieldSpec]

    @cached_property
    def by_key(self) -> dict[str, FieldSpec]:
        return {f.key: f for f in self.fields}

    @cached_property
    def labels(self) -> dict[str, str]:
        """Field key -> its column header: the one name of a field in messages and reasons."""
        return {f.key: f.header for f in self.fields}
