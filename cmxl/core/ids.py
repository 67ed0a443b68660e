"""员工编号: one reading of an id, used wherever ids are read or compared (intake and its
duplicate checks, a batch's cross-file judgement, the ledger's look-ups and what it stores,
`cmxl certs show`). docs/rules.md, 证书 and 测评工作簿.

An id is text. Two ids are the same id when they are equal after removing what a clerk cannot
see (zero-width spaces, word joiners, the byte-order mark, non-breaking spaces, other format
characters) and every space, and folding full-width forms (NFKC). A cell that is not text
(a number, a boolean, a date) is read as Excel shows it, and said: a number may have lost its
leading zeros, or (beyond 15 digits) its last digits; a boolean or a date is not an id at all."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+\d{2,}")  # as Excel shows a long number: 1.23457E+17
# Excel keeps 15 significant digits of a number: a longer id typed as a number has lost digits
EXCEL_DIGITS = 15

# Spaces a clerk sees as spaces (dropped from an id silently, as before); every other space or
# line break and every format or control character is invisible in a cell and is reported.
_VISIBLE_SPACES = frozenset(" \t\r\n\u3000")
_NAMES = {
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "字连接符",
    "\ufeff": "字节顺序标记 BOM",
    "\u00a0": "不换行空格",
    "\u202f": "窄不换行空格",
    "\u2007": "数字空格",
    "\u00ad": "软连字符",
    "\u034f": "组合用字形连接符",
    "\ufe0f": "变体选择符",
    "\u3164": "韩文填充符",
    "\u115f": "韩文填充符",
    "\u2800": "空白盲文",
}


@dataclass(frozen=True)
class IdReading:
    """What an id cell holds, read once."""

    id: str  # the id to use ('' for none); for a cell that is not an id, the value as Excel shows it
    problem: str = ""  # issue code when the cell cannot be an id: id-number-too-long, id-boolean, id-date,
    # id-unusual-char, id-scientific
    removed: tuple[str, ...] = ()  # the invisible characters removed, each named (零宽空格 U+200B)
    numeric: bool = False  # typed as a number: leading zeros may have been lost


# Letters and symbols that draw nothing: Hangul fillers, the halfwidth filler, the blank braille
# pattern. With the categories below (format and control characters, every space, combining marks
# and variation selectors, which draw nothing on their own in an id) a cell shows the same text
# with or without them.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE_CATEGORIES = frozenset(("Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"))
# Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): code points a renderer
# shows as nothing, assigned or not yet (U+2065, U+FFF0–FFF8, the tag block) — the categories above
# miss the unassigned ones, which Python's unicodedata reports as Cn.
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip


def _invisible(ch: str) -> bool:
    if ch in _VISIBLE_SPACES:
        return False
    if ch.isspace() or ch in _BLANK or unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in _IGNORABLE)


def _unusual(ch: str) -> bool:
    """A character no id is made of and a clerk may not see or tell apart: anything but letters,
    digits and printable ASCII (a musical symbol that draws blank, a private-use or unassigned
    code point, a box-drawing line)."""
    return not ((" " < ch < "\x7f") or unicodedata.category(ch)[0] in "LN")


def hidden_chars(text: str) -> tuple[str, ...]:
    """The characters of `text` a clerk cannot see, each named once (零宽空格 U+200B)."""
    if text.isascii() and text.isprintable():
        return ()
    return tuple(dict.fromkeys(char_name(ch) for ch in text if _invisible(ch)))


def char_name(ch: str) -> str:
    """A character as the message names it: 零宽空格 U+200B."""
    code = f"U+{ord(ch):04X}"
    return f"{_NAMES[ch]} {code}" if ch in _NAMES else code


def _text(raw: str) -> tuple[str, tuple[str, ...]]:
    if raw.isascii() and raw.isalnum():  # the common case: nothing to remove or fold
        return raw, ()
    removed = tuple(dict.fromkeys(char_name(ch) for ch in raw if _invisible(ch)))
    kept = "".join(ch for ch in raw if not _invisible(ch))
    folded = unicodedata.normalize("NFKC", kept)
    # every script's decimal digits as 0–9 (٣٢٠٠٠٠٢ is 3200002), as NFKC does for full-width ones
    folded = "".join(
        str(unicodedata.decimal(ch)) if ch > "\x7f" and unicodedata.category(ch) == "Nd" else ch for ch in folded
    )
    return "".join(ch for ch in folded if not ch.isspace() and not _invisible(ch)), removed


def read_id(raw: object) -> IdReading:
    """An id cell's value as an id, and what was wrong with it."""
    if raw is None:
        return IdReading("")
    if isinstance(raw, bool):  # before int: True is an int
        return IdReading("TRUE" if raw else "FALSE", "id-boolean")
    if isinstance(raw, dt.datetime | dt.date | dt.time | dt.timedelta):
        shown = raw.isoformat(sep=" ") if isinstance(raw, dt.datetime) else str(raw)
        return IdReading(shown.removesuffix(" 00:00:00"), "id-date")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not raw.is_integer():
            return IdReading(_text(repr(raw))[0], numeric=True)  # not an id either, but a number was typed
        whole = int(raw)
        text = str(whole)
        problem = "id-number-too-long" if len(text.lstrip("-")) > EXCEL_DIGITS else ""
        return IdReading(text, problem, numeric=True)
    text, removed = _text(str(raw))
    if text.isascii() and text.isalnum():  # the common case: nothing odd in it (10,000 ids a workbook)
        return IdReading(text, removed=removed)
    if _SCIENTIFIC.fullmatch(text):  # 1.23457E+17: a long number's digits lost, then kept as text
        return IdReading(text, "id-scientific", removed=removed)
    odd = [ch for ch in text if _unusual(ch)]
    if odd:  # the id is kept as read, but no certificate rests on it until it is retyped
        return IdReading(text, "id-unusual-char", removed=removed)
    return IdReading(text, removed=removed)


def normalise_id(value: object) -> str:
    """The id as it is compared and stored: for ids that are already text (the ledger's, a key
    typed on the command line) and for cells alike."""
    if isinstance(value, str):
        return _text(value)[0]
    return read_id(value).id


def fold_text(value: object) -> str:
    """Text as two cells are compared (a header with its column's name, a grade with the model's,
    an id with an id): what draws nothing removed, full-width forms folded, every space and line
    break dropped. One rule for the reader and for the rules files' own checks."""
    return "" if value is None else _text(str(value))[0]


def normalise_name(value: object) -> str:
    """A name as two names are compared: 张 三 and 张三 (or Ｚｈａｎｇ and Zhang) are one name."""
    return "" if value is None else _text(str(value))[0]


def same_name(a: object, b: object) -> bool:
    return normalise_name(a) == normalise_name(b)


def without_leading_zeros(pid: str) -> str:
    """The id as a number typed into Excel would keep it (00123 -> 123)."""
    return pid.lstrip("0") or pid[-1:]
