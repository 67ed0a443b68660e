"""The order in which a Chinese reader looks up a province or a unit: by pinyin (重庆 under C,
长沙 under C, 广州 before 南京), as a dictionary or a telephone list is ordered, not by the code
points of the characters (东莞 before 佛山 before 南京 by accident, 无锡 before 深圳 before 苏州).

pypinyin reads whole words (a polyphone such as 重 or 长 is read as the place name has it); its
dictionaries load once, on the first name sorted (about 0.2 s)."""

from __future__ import annotations

import functools
from collections.abc import Iterable

LAST = ("（未填）", "（无法识别）")  # rows for people without the value: after every name, in this order


@functools.lru_cache(maxsize=4096)
def pinyin_key(text: str) -> tuple[int, tuple[str, ...], str]:
    """A sort key: the syllables with their tones (so that 南京 and 南靖 differ), then the text itself
    (two names read alike still have an order); the marks of an empty or unknown value last."""
    if text in LAST:
        return (1 + LAST.index(text), (), text)
    import os

    # its dictionaries are only read here: no private copy of them (0.16 s less to load)
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
    from pypinyin import Style, lazy_pinyin  # loaded only when a sheet orders names

    # letters and digits stay as written (lower case, so that "VIP" sorts among "v…" syllables)
    syllables = tuple(s.lower() for s in lazy_pinyin(text, style=Style.TONE3, errors="default"))
    return (0, syllables, text)


def by_pinyin(names: Iterable[str]) -> list[str]:
    """The names in pinyin order (each once)."""
    return sorted(set(names), key=pinyin_key)
