"""The assessment workbook's format as data: its fixed columns, their types and spellings."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from cmxl.core.model.base import StrictModel


class FieldSpec(StrictModel):
    key: str
    header: str
    aliases: list[str] = []
    type: Literal["id", "text", "grade", "scheme", "cert_grade", "number", "date", "choice", "score", "appraisal"]
    required: bool = False
    low: float | None = None
    high: float | None = None
    choices: list[str] = []


class FormatMeta(StrictModel):
    id: str
    sheet: str
    header_search_rows: int = 30


class WorkbookFormat(StrictModel):
    format: FormatMeta
    fields: list[FieldSpec]

    @cached_property
    def by_key(self) -> dict[str, FieldSpec]:
        return {f.key: f for f in self.fields}
