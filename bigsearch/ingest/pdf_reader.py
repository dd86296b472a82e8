"""PDF -> text with pypdf (pure Python). Repeated page headers/footers are reported as furniture.

Lines are rebuilt from the text layer with their vertical positions, so a larger gap between
two lines (a paragraph break in the original) becomes a blank line, and a paragraph running
across a page break continues without one. A page without a usable text layer (a scan) is read
by OCR when it is installed (ingest/ocr); the other pages keep their text layer.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from bigsearch.errors import ReadError
from bigsearch.ingest import limits
from bigsearch.ingest.model import OcrTally, RawText
from bigsearch.ingest.ocr import OcrOptions

EDGE_LINES = 4  # how many lines at the top and bottom of a page may be furniture
_DIGITS = re.compile(r"\d+")


def pdf_text(source: str, data: bytes, ocr: OcrOptions | None = None) -> RawText:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise ReadError("pypdf is not installed — reinstall bigsearch") from exc
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    warnings: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise ReadError("encrypted PDF — remove the password first") from exc
        count = len(reader.pages)
        if count > limits.MAX_PDF_PAGES:
            warnings.append(f"only the first {limits.MAX_PDF_PAGES:,} of {count:,} pages read (page limit)")
        pages = [_page_lines(reader.pages[number]) for number in range(min(count, limits.MAX_PDF_PAGES))]
    except ReadError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many kinds for broken files
        raise ReadError(f"not a readable PDF ({type(exc).__name__}: {exc})"[:200]) from exc
    confidences: list[int | None] = [None] * len(pages)
    tally = OcrTally()
    scanned = _pages_to_ocr(pages, (ocr or OcrOptions()).mode)
    if scanned:
        tally = _read_scanned(data, pages, confidences, scanned, ocr or OcrOptions(), warnings)
    if not any(line.strip() for page in pages for line in page):
        raise ReadError("no text layer, and OCR found no text" + (f" ({warnings[-1]})" if warnings else "")
                        if scanned else "no text layer")
    return pages_text(source, "pdf", pages, confidences if tally.read or tally.cached else [], warnings, tally)


def _pages_to_ocr(pages: list[list[str]], mode: str) -> list[int]:
    from bigsearch.ingest.ocr import layer

    if mode == "force":
        return list(range(len(pages)))
    return [index for index, page in enumerate(pages) if layer.needs_ocr("\n".join(page))]


def _read_scanned(data: bytes, pages: list[list[str]], confidences: list[int | None], scanned: list[int],
                  ocr: OcrOptions, warnings: list[str]) -> OcrTally:
    """OCR's text in place of the scanned pages' (none, or garbage). Without OCR a PDF of scans only
    is refused with the reason; a mixed one keeps its text pages, with a warning naming the others."""
    from bigsearch.ingest.ocr import available
    from bigsearch.ingest.ocr import pages as ocr_pages

    status = available.ocr_status()
    if ocr.mode == "never" or not status.available:
        why = "OCR is off (--ocr never)" if ocr.mode == "never" else available.SCAN_NEEDS_OCR
        if len(scanned) == len(pages) and not any(line.strip() for page in pages for line in page):
            raise ReadError(f"no text layer — a scan; {why}")
        warnings.append(f"{_page_list(scanned)} without a usable text layer (scanned) — not read: {why}")
        return OcrTally()
    result = ocr_pages.read_pages("pdf", data, scanned, ocr)
    for index, page in result.pages.items():
        pages[index] = page.lines
        confidences[index] = page.confidence
    warnings.extend(result.warnings)
    return OcrTally(result.ran, result.cached)


def _page_list(indexes: list[int]) -> str:
    numbers = [str(index + 1) for index in indexes]
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    shown = ", ".join(numbers[:10]) + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")
    return f"pages {shown}"


def pages_text(source: str, kind: str, pages: list[list[str]], confidences: list[int | None], warnings: list[str],
               tally: OcrTally | None = None) -> RawText:
    """Pages of lines as one RawText: repeated edge lines are furniture, each page's text kept for page numbers."""
    furniture = _repeated_edge_lines(pages)
    lines: list[str] = []
    page_texts: list[str] = []
    for page in pages:
        kept = [line for line in page if _furniture_key(line) not in furniture]
        # Trim blank lines at page edges so a paragraph can continue onto the next page.
        while kept and not kept[0].strip():
            kept.pop(0)
        while kept and not kept[-1].strip():
            kept.pop()
        lines.extend(kept)
        page_texts.append("\n".join(kept))
    return RawText(source=source, text="\n".join(lines), furniture=frozenset(furniture), kind=kind,
                   pages=page_texts, warnings=warnings, page_confidence=confidences, ocr=tally or OcrTally())


def _furniture_key(line: str) -> str:
    # Page numbers differ from page to page: compare lines with digits masked.
    return _DIGITS.sub("#", " ".join(line.split())).lower()


def _repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        content = [line for line in page if line.strip()]
        edges = set(content[:EDGE_LINES] + content[-EDGE_LINES:])
        counts.update({_furniture_key(line) for line in edges})
    threshold = max(2, (len(pages) + 1) // 2)
    # An item heading is never furniture, however alike ("§ # information").
    return {key for key, count in counts.items() if count >= threshold and key and not key.startswith("§")}


def _page_lines(page) -> list[str]:
    """Lines of one page, top to bottom, with '' where the vertical gap shows a paragraph break."""
    fragments: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        fragments.append((y, x, text))

    page.extract_text(visitor_text=visit)
    if not fragments:
        return []
    # Group fragments into lines by y (within 2 points), keep reading order within a line.
    rows: list[tuple[float, list[tuple[float, str]]]] = []
    for y, x, text in fragments:
        for row_y, parts in rows:
            if abs(row_y - y) < 2.0:
                parts.append((x, text))
                break
        else:
            rows.append((y, [(x, text)]))
    rows.sort(key=lambda row: -row[0])
    lines: list[tuple[float, str]] = []
    for y, parts in rows:
        parts.sort(key=lambda part: part[0])
        text = "".join(part[1] for part in parts).replace("\n", " ")
        text = re.sub(r"[ \t]{2,}", _keep_tab_for_columns, text)
        if text.strip():
            lines.append((y, text.rstrip()))
    if not lines:
        return []
    gaps = [lines[i][0] - lines[i + 1][0] for i in range(len(lines) - 1)]
    usual = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    out: list[str] = []
    for i, (_, text) in enumerate(lines):
        out.append(text)
        if i < len(gaps) and usual > 0 and gaps[i] > usual * 1.4:
            out.append("")
    return out


def _keep_tab_for_columns(match: re.Match) -> str:
    # Justified text stretches spaces; wide gaps (table columns) are kept as a tab.
    return "\t" if len(match.group(0)) >= 4 else " "
