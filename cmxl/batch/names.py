"""File and folder names as a batch shows them. A name is written into workbooks, JSON, the log
and other file names, so whatever bytes it was made of, it must read as text: the bytes that are
not UTF-8, lone surrogates and control characters are replaced, and two names that would then
read the same are kept apart."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_UNREADABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
NAME_NOTE = "文件名中有无法显示的字符（不是 UTF-8 编码的字节或控制字符，多见于在别的系统上解压的文件），这里和结果文件名中已替换；建议把文件改名"


def shown(name: str) -> str:
    """A file or folder name (or a path) as people can read it, and as it can go into a workbook,
    JSON or a file name: the bytes of a name that are not UTF-8 (Linux hands them to Python as
    surrogate escapes, '\\udcc3'), other lone surrogates (Windows allows them) and control
    characters become U+FFFD."""
    return _UNREADABLE.sub("\ufffd", name)


def readable(text: str) -> str:
    """A message that may quote such a name (a worker's exception): its surrogates replaced."""
    return _SURROGATE.sub("\ufffd", text)


def _spelled(name: str) -> str:
    """The unreadable characters of a name as codes (%C3): two names that read the same once
    replaced (b'\\xc3(' and b'\\xc4(') stay apart. (No backslash: a folder separator on Windows.)"""

    def code(m: re.Match[str]) -> str:
        n = ord(m.group())
        return f"%{n - 0xDC00:02X}" if 0xDC80 <= n <= 0xDCFF else f"%{n:02X}" if n < 0x80 else f"%u{n:04X}"

    return _UNREADABLE.sub(code, name)


def shown_names(rels: list[str]) -> dict[str, str]:
    """Each path of the batch (as a relative posix path) the way the log, run.json, the roster and
    the output file names show it: readable, and one name per file."""
    names = {rel: shown(rel) for rel in rels}
    count = Counter(names.values())
    for rel, name in names.items():
        if name != rel and count[name] > 1:
            names[rel] = _spelled(rel)
    taken: set[str] = set()
    for rel in sorted(rels):  # a name that is literally another's spelling: numbered
        name, k = names[rel], 2
        while name in taken:
            name = Path(names[rel]).with_stem(f"{Path(names[rel]).stem}（{k}）").as_posix()
            k += 1
        names[rel] = name
        taken.add(name)
    return names
