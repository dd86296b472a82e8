"""DOCX -> text. Body paragraphs and tables in document order; headers/footers are left out.

Table rows become tab-separated lines, so a two-column attendee table reads exactly like
the tab-separated attendee lists of the text protocols.
"""

from __future__ import annotations

import io

from bigsearch.errors import ReadError
from bigsearch.ingest.zipsafe import honest_copy


def docx_text(data: bytes) -> str:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise ReadError("python-docx is not installed — reinstall bigsearch") from exc
    # python-docx inflates members itself, trusting their sizes: it gets a copy whose every member
    # was read through the bounded stream.
    data = honest_copy(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for corrupt files
        raise ReadError(f"not a readable Word document ({type(exc).__name__})") from exc

    lines: list[str] = []
    _blocks(document.element.body, document, lines, Paragraph, Table)
    return "\n".join(lines)


def _blocks(parent, document, lines: list[str], Paragraph, Table) -> None:
    for block in parent.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
            lines.append("")
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells = _unique_cells(row.cells)
                lines.append("\t".join(cell.text.strip() for cell in cells))
            lines.append("")
        elif tag in ("sdt", "sdtContent", "customXml"):  # content controls of templates hold body text too
            _blocks(block, document, lines, Paragraph, Table)


def _unique_cells(cells):
    # Merged cells appear once per grid column in python-docx; keep each once.
    seen: list = []
    for cell in cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen
