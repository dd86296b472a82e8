"""Image files (PNG, JPEG, TIFF with one page or many) -> text by OCR; each frame is a page."""

from __future__ import annotations

from bigsearch.errors import ReadError
from bigsearch.ingest.model import OcrTally, RawText
from bigsearch.ingest.ocr import OcrOptions

_NAMES = {"png": "a PNG image", "jpeg": "a JPEG image", "tiff": "a TIFF image"}


def image_text(source: str, data: bytes, kind: str, ocr: OcrOptions) -> RawText:
    from bigsearch.ingest.ocr import available
    from bigsearch.ingest.pdf_reader import pages_text

    what = _NAMES.get(kind, "an image")
    if ocr.mode == "never":
        raise ReadError(f"{what} — read only by OCR, which is off (--ocr never)")
    status = available.ocr_status()
    if not status.available:
        raise ReadError(f"{what}: it {available.SCAN_NEEDS_OCR}")
    count = _frames(data, what)
    from bigsearch.ingest.ocr.pages import read_pages

    result = read_pages(kind, data, list(range(count)), ocr)
    pages = [result.pages[index].lines if index in result.pages else [] for index in range(count)]
    confidences: list[int | None] = [result.pages[index].confidence if index in result.pages else None
                                     for index in range(count)]
    if not any(line.strip() for page in pages for line in page):
        raise ReadError(f"{what} in which OCR found no text" + (f" ({result.warnings[-1]})" if result.warnings else ""))
    return pages_text(source, kind, pages, confidences, list(result.warnings), OcrTally(result.ran, result.cached))


def _frames(data: bytes, what: str) -> int:
    from PIL import Image, UnidentifiedImageError

    from bigsearch.ingest.ocr.render import ImagePages

    try:
        pages = ImagePages(data)
        try:
            return len(pages)
        finally:
            pages.close()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ReadError(f"not a readable image: {what} ({type(exc).__name__}: {exc})"[:200]) from exc
