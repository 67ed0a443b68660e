"""The template's body once per certificate, each copy in section(s) of its own.

A header or a footer belongs to a section, not to a page: a {姓名} in a header can only show each
certificate's name when each certificate has sections, and so headers and footers, of its own.
So the body is repeated with its section breaks, the last paragraph of every copy but the last
ending a section (Word's own section break: no empty paragraph that could spill onto a page of
its own), and each copy's sections point at headers and footers filled for that certificate.
Headers and footers without a placeholder are shared by all copies.

Word lets a section without a header of its own show the previous section's ("same as
previous"): the first section of a copy would show the last header of the copy before it. So
every section of every copy names all its headers and footers, as the template shows them (an
empty one where the template shows none)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.hdrftr import FooterPart, HeaderPart

from cmxl.docx.placeholders import fill

_REFS = {qn("w:headerReference"): "页眉", qn("w:footerReference"): "页脚"}
_TYPES = {"default": "", "first": "首页", "even": "偶数页"}
_PART = {  # reference tag -> part class, content type, relationship type, part name, root element
    qn("w:headerReference"): (HeaderPart, CT.WML_HEADER, RT.HEADER, "/word/header%d.xml", "hdr"),
    qn("w:footerReference"): (FooterPart, CT.WML_FOOTER, RT.FOOTER, "/word/footer%d.xml", "ftr"),
}
_SECT = qn("w:sectPr")
_RID = qn("r:id")
_WP14 = "{http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing}"

Key = tuple[str, str]  # (reference tag, type)


def sections(root) -> list:
    """The section properties in document order (a tracked change's old ones left out)."""
    return [s for s in root.iter(_SECT) if s.getparent().tag != qn("w:sectPrChange")]


def _refs(sect) -> Iterator:
    return (child for child in sect if child.tag in _REFS)


def header_footer_parts(doc) -> list[tuple[str, object]]:
    """Every header and footer part the template shows, named for the clerk by the first section
    that shows it: 页眉（第 1 节）, 首页页脚（第 2 节）…"""
    seen: dict[object, str] = {}
    for n, sect in enumerate(sections(doc.element.body), start=1):
        for ref in _refs(sect):
            part = doc.part.related_parts.get(ref.get(_RID))
            if part is not None and part not in seen:
                seen[part] = f"{_TYPES.get(ref.get(qn('w:type')), '')}{_REFS[ref.tag]}（第 {n} 节）"
    return [(label, part) for part, label in seen.items()]


class _Package:
    """New header and footer parts: names and relationship ids allocated here once, not by
    python-docx's search of the whole package for each (hundreds of certificates)."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.names = {str(p.partname) for p in doc.part.package.iter_parts()}
        self.blanks: dict[str, str] = {}
        self.next: dict[str, int] = {}

    def _name(self, pattern: str) -> PackURI:
        n = self.next.get(pattern, 1)
        while pattern % n in self.names:
            n += 1
        self.next[pattern] = n + 1
        self.names.add(pattern % n)
        return PackURI(pattern % n)

    def add(self, tag: str, element, rels_from=None) -> str:
        """A new header or footer part holding `element`, with the relationships of the part
        `rels_from` it copies; returns its relationship id from the document."""
        cls, content_type, reltype, pattern, _ = _PART[tag]
        part = cls(self._name(pattern), content_type, element, self.doc.part.package)
        if rels_from is not None:
            for rid, rel in rels_from.rels.items():  # pictures, links: the same ids as in the XML
                target = rel.target_ref if rel.is_external else rel.target_part
                part.rels.add_relationship(rel.reltype, target, rid, rel.is_external)
        rels = self.doc.part.rels
        n = len(rels) + 1
        while f"rId{n}" in rels:
            n += 1
        rels.add_relationship(reltype, part, f"rId{n}")
        return f"rId{n}"

    def blank(self, tag: str) -> str:
        if tag not in self.blanks:
            root = _PART[tag][4]
            self.blanks[tag] = self.add(tag, parse_xml(f"<w:{root} {nsdecls('w')}><w:p/></w:{root}>"))
        return self.blanks[tag]


def repeat(doc, copies: list[Mapping[str, str]], has_placeholders: Callable[[object], bool]) -> None:
    """Replace the body by one filled copy of it per mapping of `copies` (placeholder -> value)."""
    body = doc.element.body
    final = body.find(_SECT)
    if final is None:
        final = parse_xml(f"<w:sectPr {nsdecls('w')}/>")
        body.append(final)
    template_sections = sections(body)
    plan = _plan(doc, template_sections)
    rid_of = {part: rid for rid, part in doc.part.related_parts.items()}
    shown_parts = dict.fromkeys(part for shown in plan for part in shown.values() if part is not None)
    own = [part for part in shown_parts if has_placeholders(part)]  # in order: the same file each time
    pristine = {part: copy.deepcopy(part.element) for part in own}
    package = _Package(doc)
    page = [el for el in body if el is not final]
    for el in page:
        body.remove(el)
    for n, values in enumerate(copies):
        last = n == len(copies) - 1
        clones = [copy.deepcopy(el) for el in page]
        if not last:
            _end_section(clones, copy.deepcopy(final))
        copy_sections = [s for clone in clones for s in sections(clone)] + ([final] if last else [])
        for clone in clones:
            fill(clone, values)
            if n:
                _forget_ids(clone)
        if n:
            _start_on_new_page(copy_sections[0])
        filled: dict[object, str] = {}
        for part in own:
            if n == 0:  # the first copy fills the template's own part: no part is left unfilled
                fill(part.element, values)
                filled[part] = rid_of[part]
            else:
                element = copy.deepcopy(pristine[part])
                fill(element, values)
                _forget_ids(element)
                tag = qn("w:headerReference") if isinstance(part, HeaderPart) else qn("w:footerReference")
                filled[part] = package.add(tag, element, rels_from=part)

        for sect, shown in zip(copy_sections, plan, strict=True):
            _point(
                sect,
                {
                    key: package.blank(key[0]) if part is None else filled.get(part) or rid_of[part]
                    for key, part in shown.items()
                },
            )
        for clone in clones:
            final.addprevious(clone)
    _unique_drawing_ids(doc)


def _plan(doc, template_sections: list) -> list[dict[Key, object]]:
    """For each section, the header and footer part it shows of each kind (None: none), following
    Word's "same as previous" for the kinds a section does not name."""
    used: list[Key] = []
    for sect in template_sections:
        used += [k for k in ((r.tag, r.get(qn("w:type"), "default")) for r in _refs(sect)) if k not in used]
    shown: dict[Key, object] = dict.fromkeys(used)
    plan = []
    for sect in template_sections:
        for ref in _refs(sect):
            shown[(ref.tag, ref.get(qn("w:type"), "default"))] = doc.part.related_parts.get(ref.get(_RID))
        plan.append(dict(shown))
    return plan


def _point(sect, refs: dict[Key, str]) -> None:
    """Name a section's headers and footers (relationship ids), headers first as Word writes them."""
    for ref in list(_refs(sect)):
        sect.remove(ref)
    ordered = sorted(refs.items(), key=lambda item: item[0][0] != qn("w:headerReference"))
    for at, ((tag, kind), rid) in enumerate(ordered):
        sect.insert(at, sect.makeelement(tag, {qn("w:type"): kind, _RID: rid}))


def _end_section(clones: list, sect) -> None:
    """End a copy with a section break in its last paragraph (or a paragraph of no height after a
    table the copy ends with)."""
    last = clones[-1] if clones else None
    if last is not None and last.tag == qn("w:p") and not sections(last):
        last.set_sectPr(sect)
        return
    p = parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
    )
    p.set_sectPr(sect)
    clones.append(p)


def _start_on_new_page(sect) -> None:
    """A certificate starts on a page of its own, even when the template's first section is
    'continuous' (odd/even page starts are kept: double-sided printing)."""
    kind = sect.find(qn("w:type"))
    if kind is not None and kind.get(qn("w:val")) in ("continuous", "nextColumn"):
        kind.set(qn("w:val"), "nextPage")


def _forget_ids(root) -> None:
    """A copy leaves out what must be unique in a document and means nothing on a certificate:
    bookmarks (Word's _GoBack), comment anchors, paragraph and drawing edit ids, content-control ids."""
    for tag in ("w:bookmarkStart", "w:bookmarkEnd", "w:commentRangeStart", "w:commentRangeEnd", "w:commentReference"):
        for el in list(root.iter(qn(tag))):
            el.getparent().remove(el)
    for el in root.iter(qn("w:p"), qn("w:tr")):
        for name in ("w14:paraId", "w14:textId"):
            el.attrib.pop(qn(name), None)
    for el in root.iter(qn("wp:anchor"), qn("wp:inline")):
        for name in ("anchorId", "editId"):
            el.attrib.pop(_WP14 + name, None)
    for el in list(root.iter(qn("w:id"))):
        if el.getparent().tag == qn("w:sdtPr"):
            el.getparent().remove(el)


def _unique_drawing_ids(doc) -> None:
    """Each drawing (picture, text box) has an id Word wants unique in the document: copies get
    new ones."""
    roots = [doc.element] + [
        part.element for part in doc.part.related_parts.values() if isinstance(part, HeaderPart | FooterPart)
    ]
    drawings = [el for root in roots for el in root.iter(qn("wp:docPr"))]
    seen: set[str] = set()
    top = max((int(el.get("id")) for el in drawings if (el.get("id") or "").isdigit()), default=0)
    for el in drawings:
        if el.get("id") in seen:
            top += 1
            el.set("id", str(top))
        seen.add(el.get("id"))
