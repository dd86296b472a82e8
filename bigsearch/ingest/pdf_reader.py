"""PDF -> text with pypdf (pure Python). Repeated page headers/footers are reported as furniture.

Lines are rebuilt from the text layer with their vertical positions, so a larger gap between
two lines (a paragraph break in the original) becomes a blank line, and a paragraph running
across a page break continues without one.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from bigsearch.errors import ReadError
from bigsearch.ingest import limits
from bigsearch.ingest.furniture import is_page_marker
from bigsearch.ingest.model import RawText

EDGE_LINES = 4  # how many lines at the top and bottom of a page may be furniture
_DIGITS = re.compile(r"\d+")


def pdf_text(source: str, data: bytes) -> RawText:
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
    if not any(line.strip() for page in pages for line in page):
        raise ReadError("no text layer — scanned? Run OCR on it first")
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
    return RawText(source=source, text="\n".join(lines), furniture=frozenset(furniture), kind="pdf",
                   pages=page_texts, warnings=warnings)


def _furniture_key(line: str) -> str:
    # Page numbers differ from page to page: compare lines with digits masked.
    return _DIGITS.sub("#", " ".join(line.split())).lower()


def _repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    numbers: dict[str, list[tuple[int, int]]] = {}  # key -> (page, first number on the line)
    for index, page in enumerate(pages):
        content = [line for line in page if line.strip()]
        edges = set(content[:EDGE_LINES] + content[-EDGE_LINES:])
        keys = {}
        for line in edges:
            keys[_furniture_key(line)] = line
        counts.update(keys.keys())
        for key, line in keys.items():
            found = _DIGITS.search(line)
            if found and (_has_words(key) or is_page_marker(line)):
                numbers.setdefault(key, []).append((index, int(found.group())))
    threshold = max(2, (len(pages) + 1) // 2)
    # An item heading is never furniture, however alike ("§ # information", "ks § # dnr: ku.#.#"); a line
    # of numbers alone is a page number only when its number goes with the page ("1. 4." is an item).
    return {key for key, count in counts.items()
            if count >= threshold and key and "§" not in key and (_has_words(key) or _follows_pages(numbers.get(key, [])))}


def _has_words(key: str) -> bool:
    return any(ch.isalpha() for ch in key)


def _follows_pages(found: list[tuple[int, int]]) -> bool:
    """Whether page-number lines rise with the pages (page n prints n + a constant offset)."""
    return len(found) >= 2 and len({number - page for page, number in found}) == 1


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
    usual = _line_spacing(gaps)
    out: list[str] = []
    for i, (_, text) in enumerate(lines):
        out.append(text)
        if i < len(gaps) and usual > 0 and gaps[i] > usual * 1.4:
            out.append("")
    return out


def _line_spacing(gaps: list[float]) -> float:
    """The gap between two lines of one paragraph: the smallest gap that recurs, not the median —
    on a page of one-line paragraphs most gaps are paragraph breaks."""
    rounded = Counter(round(gap, 1) for gap in gaps if gap > 1.0)
    recurring = [gap for gap, count in rounded.items() if count >= 2]
    return min(recurring or rounded or [0.0])


def _keep_tab_for_columns(match: re.Match) -> str:
    # Justified text stretches spaces; wide gaps (table columns) are kept as a tab.
    return "\t" if len(match.group(0)) >= 4 else " "
