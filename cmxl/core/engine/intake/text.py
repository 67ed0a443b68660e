"""How a cell's text and dates are read: spaces, line breaks and full-width forms folded; dates in
every form a clerk types (a date cell, an Excel serial number, 2026-01-31, 2026年1月31日 …)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from cmxl.core.ids import fold_text

_SPACE = re.compile(r"\s+")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system, as serial numbers count
# Excel date serial numbers accepted as dates: 1990-01-01 .. 2100-12-31 (the number 2026 typed into a
# date column is not 1905-07-18 but an error)
SERIAL_RANGE = ((dt.date(1990, 1, 1) - EXCEL_EPOCH).days, (dt.date(2100, 12, 31) - EXCEL_EPOCH).days)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")
DATE_RANGE = (dt.date(1990, 1, 1), dt.date(2100, 12, 31))  # dates an assessment's facts can have


def clean_text(value: object) -> str:
    """Fold full-width characters, drop every space, line break and character that draws nothing
    (a header typed with a zero-width space is the column it reads as: cmxl.core.ids.fold_text)."""
    return fold_text(value)


def header_key(value: object) -> str:
    return clean_text(value).strip("*＊").rstrip(":：")


def parse_date(value: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number or common written forms, within
    DATE_RANGE; None if not (a date cell showing 1905-07-18 is the number 2026 typed into it)."""
    day = any_date(value)
    return day if day is not None and DATE_RANGE[0] <= day <= DATE_RANGE[1] else None


def any_date(value: object) -> dt.date | None:
    """The date a value says, in any year (parse_date keeps those an assessment can have)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date cell formatted as a number
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def has_comma(raw: object) -> bool:
    """'8,5' may be 8.5 (a decimal comma) or 85: neither is guessed."""
    return isinstance(raw, str) and "," in unicodedata.normalize("NFKC", raw)
