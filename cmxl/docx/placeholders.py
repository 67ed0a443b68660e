"""Placeholders such as {姓名} in the XML of a Word document, wherever Word keeps text.

Word keeps a paragraph's text in the `w:t` nodes of its runs, and the runs sit not only directly
in the paragraph but in hyperlinks, content controls (w:sdt), tracked insertions and field
results; paragraphs sit in the body, in tables at any depth, in headers and footers, in content
controls and in text boxes (w:txbxContent: DrawingML, and its VML fallback holding the same text
again). python-docx's `paragraph.runs` sees only the runs directly in a paragraph and
`document.paragraphs` only the body's, so this works on the XML: every `w:p` anywhere, each with
its own `w:t` nodes in document order (not those of a text box anchored in it: those are
paragraphs of their own). A WordArt watermark keeps its text in `v:textpath/@string`.

Word splits text into runs as it likes (after an edit, a spell check, a change of language), so
a placeholder is looked for in the paragraph's joined text; its value goes into the node where it
starts (that run's formatting) and the rest of it is taken out of the nodes it spans. A tab, a
line break, a picture or a field mark between two pieces of text ends a placeholder.

Braces may be half- or full-width and mixed ({姓名} ｛姓名｝ {姓名｝), doubled ({{姓名}}), with
spaces inside ({ 姓名 }): Chinese input methods type full-width braces, and all of these mean the
same to the clerk who typed them."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from docx.oxml.ns import qn

_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_TEXTPATH = "{urn:schemas-microsoft-com:vml}textpath"
_W_P, _W_T = qn("w:p"), qn("w:t")
_M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"  # the text of an equation
_A_P, _A_T = qn("a:p"), qn("a:t")
# what ends a placeholder when it stands between two pieces of a paragraph's text
_BREAKS = {
    qn(f"w:{tag}")
    for tag in ("tab", "ptab", "br", "cr", "drawing", "pict", "object", "fldChar", "sym", "footnoteReference")
} | {_MC + "AlternateContent", qn("a:br")}
# the containers a location names (outermost first), as the clerk sees them in Word
_CONTAINERS = {
    qn("w:tbl"): "表格",
    qn("w:txbxContent"): "文本框",
    qn("w:sdtContent"): "内容控件",
    qn("w:hyperlink"): "超链接",
    qn("w:fldSimple"): "域",
}
# braces round a name, any number of them ({{{姓名}}} is {姓名} too); any length inside, so that a long
# unknown placeholder is refused rather than printed
_PLACEHOLDER = re.compile(r"[{｛]+([^{}｛｝\n]{1,200})[}｝]+")
# a brace that is not part of a whole placeholder: half of one ({姓 + line break + 名}, {姓名 alone)
_LONE_BRACE = re.compile(r"[{｛]\s*\w{0,20}|\w{0,20}\s*[}｝]")
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")  # spaces (also full-width) and invisible marks


@dataclass(frozen=True)
class Found:
    """A placeholder as the template has it: its name (spaces removed), how it is written, where."""

    key: str
    shown: str
    where: str
    excerpt: str


@dataclass
class _Piece:
    node: object | None  # a text node (w:t, a:t) or a v:textpath; None for what ends a placeholder
    text: str


def _matches(text: str) -> Iterator[tuple[int, int, str, str]]:
    for m in _PLACEHOLDER.finditer(text):
        yield m.start(), m.end(), _BLANK.sub("", m.group(1)), m.group(0)


def _units(root, p_tag: str = _W_P, t_tag: str = _W_T) -> Iterator[list[_Piece]]:
    """The text of every paragraph under `root` (and of every WordArt), as pieces in order."""
    for p in root.iter(p_tag):
        pieces: list[_Piece] = []
        _collect(p, pieces, p_tag, t_tag)
        if any(piece.node is not None for piece in pieces):
            yield pieces
    for path in root.iter(_TEXTPATH):
        if path.get("string"):
            yield [_Piece(path, path.get("string"))]


def _collect(element, pieces: list[_Piece], p_tag: str, t_tag: str) -> None:
    for child in element:
        if child.tag == p_tag:  # a paragraph of a text box anchored here: a unit of its own
            continue
        if child.tag == t_tag or (t_tag == _W_T and child.tag == _M_T):
            pieces.append(_Piece(child, child.text or ""))
        elif child.tag in _BREAKS:
            pieces.append(_Piece(None, "\n"))
        _collect(child, pieces, p_tag, t_tag)


def _where(node, story: str) -> str:
    labels = []
    parent = node.getparent()
    while parent is not None:
        if parent.tag in _CONTAINERS:
            labels.append(_CONTAINERS[parent.tag])
        parent = parent.getparent()
    labels.reverse()
    return story + ("的" + "中的".join(labels) if labels else "")


def _excerpt(text: str, start: int, end: int) -> str:
    text = text.replace("\n", " ")
    left = max(0, start - 12)
    right = min(len(text), end + 12)
    return ("…" if left else "") + text[left:right].strip() + ("…" if right < len(text) else "")


def scan(root, story: str, known: Collection[str], drawing: bool = False) -> tuple[list[Found], list[Found]]:
    """The placeholders under `root` (a part's XML), and the incomplete ones: a brace that is not
    part of a whole placeholder ({姓名 or 姓名}, or one cut by a line break or a tab), which would
    print as it is. `story` names the part for the clerk (正文, 页眉（第 1 节）…); `drawing`
    reads DrawingML text (charts, SmartArt)."""
    found: list[Found] = []
    broken: list[Found] = []
    units = _units(root, _A_P, _A_T) if drawing else _units(root)
    for pieces in units:
        text = "".join(p.text for p in pieces)
        if not any(brace in text for brace in "{｛}｝"):
            continue
        nodes = _owners(pieces)
        rest = list(text)
        for start, end, key, shown in _matches(text):
            found.append(Found(key, shown, _where(nodes[start], story), _excerpt(text, start, end)))
            rest[start:end] = ["\0"] * (end - start)
        for m in _LONE_BRACE.finditer("".join(rest)):
            at = m.start() + max(0, min(len(m.group(0)) - 1, _first_brace(m.group(0))))
            shown = m.group(0).strip()
            broken.append(
                Found(_BLANK.sub("", shown.strip("{}｛｝")), shown, _where(nodes[at], story), _excerpt(text, *m.span()))
            )
    return _unique(found), _unique(broken)


def _first_brace(text: str) -> int:
    return min((text.index(b) for b in "{｛}｝" if b in text), default=0)


def _owners(pieces: list[_Piece]) -> list:
    """The node each character of the joined text comes from."""
    return [piece.node for piece in pieces for _ in piece.text]


def _unique(found: list[Found]) -> list[Found]:
    """Once each: a text box's DrawingML and VML copies hold the same text."""
    return list(dict.fromkeys(found))


def fill(root, values: Mapping[str, str]) -> None:
    """Replace every placeholder under `root` whose name is in `values`."""
    for pieces in list(_units(root)):
        text = "".join(p.text for p in pieces)
        spans = [(start, end, values[key]) for start, end, key, _ in _matches(text) if key in values]
        if not spans:
            continue
        index = [i for i, piece in enumerate(pieces) for _ in piece.text]
        out: list[list[str]] = [[] for _ in pieces]
        at = 0
        for start, end, value in spans:
            for k in range(at, start):
                out[index[k]].append(text[k])
            out[index[start]].append(value)  # the run where the placeholder starts
            at = end
        for k in range(at, len(text)):
            out[index[k]].append(text[k])
        for piece, chars in zip(pieces, out, strict=True):
            new = "".join(chars)
            if piece.node is not None and new != piece.text:
                _set_text(piece.node, new)


def _set_text(node, text: str) -> None:
    if node.tag == _TEXTPATH:
        node.set("string", text)
        return
    node.text = text
    if text != text.strip():
        node.set(qn("xml:space"), "preserve")
    parent = node.getparent()
    while parent is not None:  # a content control now holds real text, not its prompt, and
        if parent.tag == qn("w:sdt"):  # no data binding that Word would restore on opening
            properties = parent.find(qn("w:sdtPr"))
            for tag in ("w:showingPlcHdr", "w:dataBinding"):
                for el in properties.findall(qn(tag)) if properties is not None else ():
                    properties.remove(el)
        parent = parent.getparent()
