"""Number rules shared by every stage: Excel-style rounding and lenient number parsing."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

# Ten decimals: enough to absorb binary noise (40.95 * 10 == 409.49999999999994) while keeping
# every digit a score can really carry. Excel's ROUND works on 15 significant digits likewise.
_NOISE_DIGITS = 9


def round_half_up(value: float, digits: int = 1) -> float:
    """Round like Excel's ROUND: halves away from zero, on the decimal the user sees.

    Python's round() rounds half to even (round(0.25, 1) == 0.2) and must not be used.
    """
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def round_half_up_array(values: np.ndarray, digits: int = 1) -> np.ndarray:
    """Vectorised round_half_up for non-negative scores (NaN stays NaN)."""
    scale = 10.0**digits
    scaled = np.round(np.asarray(values, dtype=float) * scale, _NOISE_DIGITS)
    return np.floor(scaled + 0.5) / scale


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INNER_SPACE = re.compile(r"[\d.]\s+[\d.]")
_UNIT_SUFFIXES = ("分", "小时", "学时", "年", "h", "H")


def parse_number(raw: object) -> tuple[float | None, bool]:
    """Read a number a person typed.

    Returns (value, normalised): value is None when the input is not a number at all;
    normalised is True when the text needed cleaning (full-width digits, a unit such as 分,
    spaces), so that the caller can note it.
    """
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, (int, float)):
        value = float(raw)
        return (None, False) if value != value else (value, False)
    if not isinstance(raw, str):
        return None, False
    text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
    for suffix in _UNIT_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)].rstrip()  # "85 分" is 85
            break
    if not _NUMBER.match(text):  # a space inside ("8 5", "1 000") may join two numbers: not one
        return None, False
    return float(text), True


def has_inner_space(raw: object) -> bool:
    """'8 5' may be 85 or the two numbers 8 and 5: a space between digits is never read away."""
    return isinstance(raw, str) and _INNER_SPACE.search(unicodedata.normalize("NFKC", raw)) is not None


def shown(value: float, against: float | None = None) -> str:
    """A number as a message shows it: up to six significant digits, like Excel's General
    format, and as many more as it takes to stay on the same side of `against` as the value
    itself (59.99999999999999 is below a pass mark of 60, so it is never shown as 60)."""
    text = f"{value:g}"
    if against is None or value != value:
        return text
    side = (value > against) - (value < against)
    digits = 6
    while digits < 17 and ((float(text) > against) - (float(text) < against)) != side:
        digits += 1
        text = f"{value:.{digits}g}"
    return text


def exact(value: float) -> str:
    """Every digit a number carries (the shortest text that reads back as the same number)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
