"""OpenDocument text (.odt/.ott) -> text: content.xml only (headers and footers live in
styles.xml's master pages: page furniture, left out). Tables become tab-separated rows in
reading order, like the DOCX reader's.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from bigsearch.errors import ReadError
from bigsearch.ingest.zipsafe import open_zip, read_member

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SKIP = {f"{{{TEXT}}}note", f"{{{TEXT}}}tracked-changes", f"{{{OFFICE}}}annotation",
         f"{{{TEXT}}}sequence-decls", f"{{{TEXT}}}table-of-content"}


def odt_text(data: bytes) -> str:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    with open_zip(data) as archive:
        content = read_member(archive, "content.xml")
    try:
        root = ElementTree.fromstring(content)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ReadError(f"not a readable OpenDocument file ({type(exc).__name__})") from exc
    body = root.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    if body is None:
        raise ReadError("an OpenDocument file without text (a spreadsheet or presentation?)")
    lines: list[str] = []
    _blocks(body, lines)
    return "\n".join(lines)


def _blocks(element: Element, lines: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag in (f"{{{TEXT}}}p", f"{{{TEXT}}}h"):
            lines.append(_inline(child))
            lines.append("")
        elif tag == f"{{{TABLE}}}table":
            for row in child.iter(f"{{{TABLE}}}table-row"):
                cells = [" ".join(_cell_text(cell).split()) for cell in row if cell.tag == f"{{{TABLE}}}table-cell"]
                lines.append("\t".join(cells).rstrip("\t"))
            lines.append("")
        else:  # lists, sections, frames: their paragraphs in order
            _blocks(child, lines)


def _cell_text(cell: Element) -> str:
    parts: list[str] = []
    _blocks(cell, parts)
    return " ".join(part for part in parts if part)


def _inline(element: Element) -> str:
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{{{TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{TEXT}}}c", "1") or 1))
        elif tag == f"{{{TEXT}}}tab":
            parts.append("\t")
        elif tag == f"{{{TEXT}}}line-break":
            parts.append("\n")
        elif tag not in _SKIP:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)
