"""DOCX -> text. Body paragraphs and tables in document order; headers/footers are left out.

Table rows become tab-separated lines, so a two-column attendee table reads exactly like
the tab-separated attendee lists of the text protocols.
"""

from __future__ import annotations

import io

from bigsearch.errors import ReadError
from bigsearch.ingest.zipsafe import open_zip


def docx_text(data: bytes) -> str:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise ReadError("python-docx is not installed — reinstall bigsearch") from exc
    with open_zip(data):  # member count and uncompressed size checked before any inflating
        pass
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for corrupt files
        raise ReadError(f"not a readable Word document ({type(exc).__name__})") from exc

    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            lines.append(paragraph.text)
            lines.append("")
        elif tag == "tbl":
            table = Table(block, document)
            for row in table.rows:
                cells = _unique_cells(row.cells)
                lines.append("\t".join(cell.text.strip() for cell in cells))
            lines.append("")
    return "\n".join(lines)


def _unique_cells(cells):
    # Merged cells appear once per grid column in python-docx; keep each once.
    seen: list = []
    for cell in cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen
