"""The readers' entry point: which pages of a file to OCR in, each page's text and confidence out.

Pages come from the cache when this file (by content) was read before with the same setting;
the others go to the OCR helpers, and each is added to the cache as soon as it is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bigsearch.errors import ReadError
from bigsearch.ingest.ocr import LOW_CONFIDENCE, OcrOptions
from bigsearch.ingest.ocr.available import LANGUAGE, ocr_status
from bigsearch.ingest.ocr.cache import OcrCache, content_hash, fingerprint
from bigsearch.ingest.ocr.clean import DEFAULT_STEPS
from bigsearch.ingest.ocr.render import DPI


@dataclass
class OcrPage:
    lines: list[str]
    confidence: int  # the page's mean word confidence, 0-100


@dataclass
class OcrPages:
    pages: dict[int, OcrPage] = field(default_factory=dict)  # 0-based page index -> its text
    ran: int = 0  # pages OCRed by this run
    cached: int = 0  # pages taken from the cache
    warnings: list[str] = field(default_factory=list)


def settings() -> dict:
    status = ocr_status()
    return {"tessdata": str(status.tessdata), "language": LANGUAGE, "steps": list(DEFAULT_STEPS), "dpi": DPI}


def read_pages(kind: str, data: bytes, indexes: list[int], options: OcrOptions) -> OcrPages:
    """The text of the given pages (0-based) of a PDF or image file. OCR must be available
    (ocr_status()); a page that cannot be read is left out with a warning naming it."""
    from bigsearch.ingest.ocr import pool

    out = OcrPages()
    if len(indexes) > options.max_pages:
        out.warnings.append(f"only the first {options.max_pages:,} of {len(indexes):,} scanned pages were read "
                            "by OCR (page limit)")
        indexes = indexes[:options.max_pages]
    cache = OcrCache(options.cache_dir, fingerprint(LANGUAGE, DPI, DEFAULT_STEPS)) if options.cache_dir else None
    digest = content_hash(data) if cache else ""
    known = cache.load(digest) if cache else {}
    for index in indexes:
        if index in known:
            out.pages[index] = OcrPage(*known[index])
            out.cached += 1
    todo = [index for index in indexes if index not in known]
    failures: dict[int, str] = {}
    if todo:
        try:
            for done in pool.pool(settings()).read(kind, data, todo, options.page_seconds):
                if done.error is not None:
                    failures[done.index] = done.error
                    continue
                out.pages[done.index] = OcrPage(done.lines, done.confidence)
                out.ran += 1
                if cache:
                    _remember(cache, digest, done, out)
        except pool.HelperFailed as exc:
            raise ReadError(f"OCR failed: {exc}") from exc
    for index in sorted(failures):
        out.warnings.append(f"page {index + 1} was left out: {failures[index]}")
    for index in sorted(out.pages):
        page = out.pages[index]
        if page.confidence < LOW_CONFIDENCE and any(line.strip() for line in page.lines):
            out.warnings.append(f"page {index + 1}: OCR confidence {page.confidence}% (under {LOW_CONFIDENCE}%) — "
                                "check the scan; the text may be misread")
    return out


def _remember(cache: OcrCache, digest: str, done, out: OcrPages) -> None:
    try:
        cache.add(digest, done.index, done.lines, done.confidence)
    except OSError as exc:
        message = (f"cannot write the OCR cache at {cache.folder} ({exc.strerror or exc}) — the pages will be "
                   "read again on the next run")
        if message not in out.warnings:
            out.warnings.append(message)
